"""`biotab_ner`: spaCy's entity recognizer whose greedy decisions `ner_decode` computes in numpy.

Every test compares with spaCy's own loop (`EntityRecognizer.predict`), on the shipped model and
on randomly initialised ones, whose scores open and close many more entities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.language import Language
from spacy.pipeline.ner import EntityRecognizer
from spacy.tokens import Doc

from pipeline.components.ner import DecodedEntities, GreedyEntityRecognizer
from pipeline.components.ner_decode import Moves, decoder_for, maxout_hidden
from pipeline.paths import ner_model_dir

SHIPPED = ner_model_dir()
needs_model = pytest.mark.skipif(not (SHIPPED / "config.cfg").exists(), reason="no model")

LABELS = ("DRUG", "DISEASE", "CYTOKINE")


def spacy_entities(ner: EntityRecognizer, docs: list[Doc]) -> list[list[tuple[int, int, int]]]:
    """The entities spaCy's greedy loop sets on `docs` (it annotates them)."""
    states = EntityRecognizer.predict(ner, docs)
    EntityRecognizer.set_annotations(ner, docs, states)
    return [[(e.start, e.end, e.label) for e in doc.ents] for doc in docs]


def before_ner(nlp: Language, texts: list[str]) -> list[Doc]:
    """`texts` through every component before `ner`."""
    docs = [nlp.make_doc(text) for text in texts]
    for name, proc in nlp.pipeline:
        if name == "ner":
            return docs
        docs = [proc(doc) for doc in docs]
    raise AssertionError("no ner in the pipeline")


# -- pure functions ------------------------------------------------------------------------------


def test_moves_from_names_sorts_columns_by_kind() -> None:
    names = ["B-DRUG", "I-DRUG", "L-DRUG", "U-DRUG", "U-", "O"]
    moves = Moves.from_names(names, {"DRUG": 7})
    assert moves is not None
    assert moves.begin.tolist() == [0]
    assert moves.unit.tolist() == [3]
    assert moves.closed_invalid.tolist() == [1, 2, 4]
    assert moves.label.tolist() == [7, 7, 7, 7, 0, 0]
    assert moves.inside.tolist() == [1] * 4 + [-1, -1]
    assert moves.last.tolist() == [2] * 4 + [-1, -1]
    assert moves.is_begin.tolist() == [True] + [False] * 5


@pytest.mark.parametrize("names", [
    ["B-DRUG", "X-DRUG", "O"],  # not a BILUO move
    ["B-DRUG", "L-DRUG"],  # no O
    ["B-DRUG", "O", "O"],  # two
])
def test_moves_from_names_rejects_other_systems(names: list[str]) -> None:
    assert Moves.from_names(names, {"DRUG": 7}) is None


@pytest.mark.parametrize("pieces", [2, 3])
def test_maxout_hidden_sums_in_spacys_order(pieces: int) -> None:
    rng = np.random.default_rng(0)
    a, b, c = (rng.normal(size=(5, 4, pieces)).astype(np.float32) * 1e4 for _ in range(3))
    bias = rng.normal(size=(4, pieces)).astype(np.float32)
    expected = (((np.zeros_like(a) + a) + b) + c) + bias
    got = maxout_hidden(a, b, c, bias)
    assert got.dtype == np.float32
    assert np.array_equal(got, expected.max(axis=-1))


# -- the component on the shipped model -----------------------------------------------------------


@needs_model
def test_shipped_model_loads_as_biotab_ner(full_nlp: Language) -> None:
    ner = full_nlp.get_pipe("ner")
    assert isinstance(ner, GreedyEntityRecognizer)
    assert full_nlp.get_pipe_meta("ner").factory == "biotab_ner"
    assert decoder_for(ner) is not None


@needs_model
def test_shipped_model_same_entities_as_spacy_on_seeds(full_nlp: Language,
                                                        seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    ner = full_nlp.get_pipe("ner")
    docs = before_ner(full_nlp, texts)
    decoded = ner.predict(docs)
    assert isinstance(decoded, DecodedEntities)
    assert list(decoded) == spacy_entities(ner, docs)
    assert sum(len(e) for e in decoded) > 100
    assert any(end - start > 2 for ents in decoded for start, end, _ in ents)


@needs_model
def test_sentence_starts_whitespace_and_short_docs(full_nlp: Language) -> None:
    texts = [
        "Patients with cutaneous lupus erythematosus received imiquimod cream daily.",
        "Patients with cutaneous  \n\n lupus erythematosus received imiquimod.",
        "Imiquimod",
        "",
        "Acute lymphoblastic leukemia",
    ]
    ner = full_nlp.get_pipe("ner")
    docs = before_ner(full_nlp, texts)
    docs[0][3].is_sent_start = True  # "lupus": the disease may not run across it
    docs[4][2].is_sent_start = True
    decoded = ner.predict(docs)
    assert isinstance(decoded, DecodedEntities)
    expected = spacy_entities(ner, docs)
    assert list(decoded) == expected
    assert not any(start < 3 < end for start, end, _ in expected[0])
    assert expected[3] == []


@needs_model
def test_preset_entities_leave_the_decision_to_spacy(full_nlp: Language) -> None:
    ner = full_nlp.get_pipe("ner")
    (doc,) = before_ner(full_nlp, ["Imiquimod was given for cutaneous lupus erythematosus."])
    # a label the model has: spaCy would add an unknown one to the (shared) model
    doc.set_ents([doc.char_span(0, 9, label="DISEASE")], default="unmodified")
    decoder = decoder_for(ner)
    assert decoder is not None
    assert decoder.entities([doc]) is None
    assert not isinstance(ner.predict([doc]), DecodedEntities)
    ner(doc)
    assert (doc.ents[0].text, doc.ents[0].label_) == ("Imiquimod", "DISEASE")
    assert ner.moves.n_moves == len(ner.labels) * 4 + 2


# -- randomly initialised models: many entities, long ones, every move ---------------------------


def random_ner(seed: int) -> Language:
    """tok2vec + biotab_ner with random weights; the output layer scaled so that B-, I-, L- and
    U- all win often."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("tok2vec")
    ner = nlp.add_pipe("biotab_ner", name="ner")
    for label in LABELS:
        ner.add_label(label)
    nlp.initialize()
    upper = ner.model.get_ref("upper")
    rng = np.random.default_rng(seed)
    upper.set_param("W", rng.normal(size=upper.get_param("W").shape).astype(np.float32))
    upper.set_param("b", rng.normal(size=upper.get_param("b").shape).astype(np.float32))
    return nlp


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_models_same_decisions_as_spacy(seed: int, seeds_dir: Path) -> None:
    nlp = random_ner(seed)
    ner = nlp.get_pipe("ner")
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts += ["One.", "Two words", "Tab\tand  spaces \n here."]
    docs = before_ner(nlp, texts)
    decoded = ner.predict(docs)
    assert isinstance(decoded, DecodedEntities)
    assert list(decoded) == spacy_entities(ner, docs)
    lengths = [end - start for ents in decoded for start, end, _ in ents]
    assert lengths.count(1) > 10 and sum(n > 1 for n in lengths) > 10


def test_round_trip_to_disk(tmp_path: Path, seeds_dir: Path) -> None:
    nlp = random_ner(3)
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    before = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert isinstance(loaded.get_pipe("ner"), GreedyEntityRecognizer)
    after = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in loaded.pipe(texts)]
    assert after == before
    assert any(before)


def test_beam_search_is_left_to_spacy() -> None:
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("beam_ner")
    ner.add_label("DRUG")
    nlp.initialize()
    assert decoder_for(ner) is None


def test_pipe_analysis_sees_what_it_assigns() -> None:
    nlp = random_ner(0)
    analysis = nlp.analyze_pipes()
    assert not analysis["problems"]["ner"]
    assert "doc.ents" in analysis["attrs"] and "ner" in analysis["attrs"]["doc.ents"]["assigns"]


def test_ties_go_to_the_first_move_as_in_spacy(seeds_dir: Path) -> None:
    """I- and L- of each label scoring the same: spaCy takes the first valid column (I-), so
    entities run on to a sentence's or the document's end. (Zero weights: the scores are the
    bias exactly, whatever order a BLAS sums in.)"""
    nlp = random_ner(4)
    ner = nlp.get_pipe("ner")
    upper = ner.model.get_ref("upper")
    weights, bias = upper.get_param("W").copy(), upper.get_param("b").copy()
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    for label in LABELS:
        inside, last = names.index(f"I-{label}"), names.index(f"L-{label}")
        weights[inside] = weights[last] = 0.0
        bias[last] = bias[inside]
    upper.set_param("W", weights)
    upper.set_param("b", bias)
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    docs = before_ner(nlp, texts)
    decoded = ner.predict(docs)
    assert list(decoded) == spacy_entities(ner, docs)
    assert any(end - start > 8 for ents in decoded for start, end, _ in ents)


def test_long_entities_are_scored_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unpunctuated text where the model opens an entity at every token and never closes
    one: a single entity, and each token scored a bounded number of times (a B- inside an open
    entity is not followed: that would be quadratic)."""
    from pipeline.components import ner_decode

    nlp = random_ner(5)
    ner = nlp.get_pipe("ner")
    upper = ner.model.get_ref("upper")
    weights, bias = upper.get_param("W").copy(), upper.get_param("b").copy()
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    weights[:] = 0.0  # every score is its bias: B-DRUG first, I- ties L-
    bias[:] = 0.0
    bias[names.index("B-DRUG")] = 1.0
    upper.set_param("W", weights)
    upper.set_param("b", bias)
    (doc,) = before_ner(nlp, [" ".join(["word"] * 3000)])
    for token in doc[1:]:
        token.is_sent_start = False
    scored: list[int] = []
    window_ends = ner_decode._Batch.window_ends

    def counted(self: ner_decode._Batch, begins: np.ndarray, *args: np.ndarray) -> np.ndarray:
        scored.append(begins.size * ner_decode.WINDOW)
        return window_ends(self, begins, *args)

    monkeypatch.setattr(ner_decode._Batch, "window_ends", counted)
    decoded = ner.predict([doc])
    assert list(decoded) == spacy_entities(ner, [doc]) == [[(0, 3000, nlp.vocab.strings["DRUG"])]]
    assert sum(scored) <= (ner_decode.WINDOW + 2) * 3000  # following each B-: 4.5 million
