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
from spacy.tokens import Doc, Span
from spacy.util import fix_random_seed

from pipeline.components.ner import DecodedEntities, GreedyEntityRecognizer
from pipeline.components.ner_decode import Moves, decoder_for, first_best, maxout_hidden
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
    assert moves.closed_valid.tolist() == [True, False, False, True, False, True]
    assert moves.label.tolist() == [7, 7, 7, 7, 0, 0]
    assert moves.inside.tolist() == [1] * 4 + [-1, -1]
    assert moves.last.tolist() == [2] * 4 + [-1, -1]
    assert moves.is_begin.tolist() == [True] + [False] * 5
    assert moves.inside_first.tolist() == [True] * 4 + [False, False]


def test_moves_without_a_label_are_never_valid_when_closed() -> None:
    """spaCy's Begin/In/Last/Unit refuse label 0 unless an entity is preset (never here)."""
    moves = Moves.from_names(["B-", "B-DRUG", "I-DRUG", "L-DRUG", "U-DRUG", "U-", "O"],
                             {"DRUG": 7})
    assert moves is not None
    assert moves.closed_valid.tolist() == [False, True, False, False, True, False, True]
    assert moves.begin.tolist() == [1]


def test_first_best_is_spacys_arg_max_if_valid() -> None:
    """The first valid column unless a later valid one scores strictly more: ties, -inf and
    NaN as spaCy's loop (`arg_max_if_valid`) decides them."""
    inf, nan = np.inf, np.nan
    scores = np.array([
        [1.0, 2.0, 2.0, 0.0],  # a tie: the first
        [5.0, -inf, -inf, -inf],  # every valid score -inf: the first valid, not column 0
        [0.0, nan, 1.0, 3.0],  # the first valid NaN: nothing beats it
        [0.0, 1.0, nan, 3.0],  # a later NaN never wins
        [0.0, 1.0, inf, inf],  # +inf: the first
    ], np.float32)
    valid = np.array([[True] * 4, [False, True, True, True], [False, True, True, False],
                      [False, True, True, False], [True] * 4])
    assert first_best(scores, valid).tolist() == [1, 1, 1, 1, 2]


def test_maxout_hidden_picks_pieces_as_thinc_arg_max() -> None:
    """thinc's `Vec.arg_max`: two pieces `0 if a > b else 1`, more: the first strictly
    highest; NaN as it falls out of those comparisons."""
    nan = np.float32(np.nan)
    zero = np.zeros((1, 3, 2), np.float32)
    two = np.array([[[nan, 1.0], [1.0, nan], [2.0, 1.0]]], np.float32)
    got = maxout_hidden(two, zero, zero, np.zeros((3, 2), np.float32))
    assert got[0, 0] == 1.0 and np.isnan(got[0, 1]) and got[0, 2] == 2.0
    three = np.array([[[nan, 1.0, 2.0], [1.0, nan, 2.0], [1.0, 3.0, nan]]], np.float32)
    zero3 = np.zeros((1, 3, 3), np.float32)
    got = maxout_hidden(three, zero3, zero3, np.zeros((3, 3), np.float32))
    assert np.isnan(got[0, 0]) and got[0, 1] == 2.0 and got[0, 2] == 3.0


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
    # (tok2vec's weights too: unseeded, a rare draw put two moves' scores within rounding of
    # each other, where numpy's and spaCy's matrix products may order them differently)
    fix_random_seed(seed)
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


# -- adversarial cases (session 28 review) --------------------------------------------------------


def blis_scores(ner: EntityRecognizer, hidden: np.ndarray) -> np.ndarray:
    """The output layer as spaCy's loop computes it: blis's product (`CBlas`), then the bias."""
    import blis.py

    upper = ner.model.get_ref("upper")
    scores: np.ndarray = blis.py.gemm(np.ascontiguousarray(hidden), upper.get_param("W"),
                                      trans2=True, beta=0.0)
    return scores + upper.get_param("b")


def tie_bias(ner: EntityRecognizer, scores: np.ndarray, first: int, second: int,
             favour: dict[int, float] | None = None) -> np.ndarray:
    """An output bias under which the state whose scores (bias aside) are `scores` scores
    `first` and `second` exactly 0 (x + -x), every other move far below (`favour`: moves set
    higher)."""
    bias = np.full(ner.moves.n_moves, -1e4, np.float32)
    bias[first] = -scores[first]
    bias[second] = -scores[second]
    for column, value in (favour or {}).items():
        bias[column] = value
    return bias


def tied_model(seed: int) -> tuple[Language, EntityRecognizer, list[str], np.ndarray]:
    nlp = random_ner(seed)
    ner = nlp.get_pipe("ner")
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    upper = ner.model.get_ref("upper")
    return nlp, ner, names, upper.get_param("b").copy()


def test_exact_ties_of_the_closed_state_as_spacys_blis_sums(seeds_dir: Path) -> None:
    """O and U-DRUG tied to the bit in the sums spaCy's loop makes (blis): spaCy takes the
    first column. numpy's BLAS sums in another order (about half the scores differ in the
    last bit), so a decoder multiplying with it breaks such ties either way."""
    nlp, ner, names, _ = tied_model(0)
    o, unit = names.index("O"), names.index("U-DRUG")
    upper = ner.model.get_ref("upper")
    text = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")[:2000]
    (doc,) = before_ner(nlp, [text])
    decoder = decoder_for(ner)
    assert decoder is not None
    features = decoder.lower.predict(decoder.tok2vec.predict([doc]))
    hidden = maxout_hidden(features[1:, 0], features[0, 1], features[0, 2],
                           decoder.lower.get_param("b"))
    upper.set_param("b", np.zeros(ner.moves.n_moves, np.float32))  # scores, bias aside
    scores = blis_scores(ner, hidden)
    tokens = [t for t in range(len(doc)) if not doc[t].is_space][:30]
    assert len(tokens) == 30
    for t in tokens:  # the model never opens an entity here: every state is closed
        upper.set_param("b", tie_bias(ner, scores[t], o, unit))
        (fresh,) = before_ner(nlp, [text])
        assert list(ner.predict([fresh])) == spacy_entities(ner, [fresh]), t


def test_exact_ties_of_an_open_entity_as_spacys_blis_sums(seeds_dir: Path) -> None:
    """B-DRUG on each text's first token, then I-DRUG and L-DRUG tied to the bit (blis) on
    the second: spaCy takes I- (the first column) and the entity goes on."""
    nlp, ner, names, _ = tied_model(1)
    begin, inside, last = (names.index(f"{k}-DRUG") for k in "BIL")
    upper = ner.model.get_ref("upper")
    lines = [line.strip() for p in sorted(seeds_dir.glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines()]
    texts = [line for line in lines if len(line.split()) > 4][:40]
    decoder = decoder_for(ner)
    assert decoder is not None
    tried = 0
    for text in texts:
        (doc,) = before_ner(nlp, [text])
        if doc[0].is_space or doc[1].is_sent_start:
            continue
        features = decoder.lower.predict(decoder.tok2vec.predict([doc]))
        hidden = maxout_hidden(features[2, 0], features[1, 1], features[1, 2],
                               decoder.lower.get_param("b"))
        upper.set_param("b", np.zeros(ner.moves.n_moves, np.float32))  # scores, bias aside
        upper.set_param("b", tie_bias(ner, blis_scores(ner, hidden[None])[0], inside, last,
                                      favour={begin: 1e3}))
        expected = spacy_entities(ner, [doc])
        (fresh,) = before_ner(nlp, [text])
        assert list(ner.predict([fresh])) == expected, text
        assert expected[0][0][:2] != (0, 2)  # the tie went to I-
        tried += 1
    assert tried > 20


def test_decoder_follows_from_disk_with_other_labels_of_the_same_number(
        tmp_path: Path, seeds_dir: Path) -> None:
    """A component used, then loaded with a model of as many labels but other ones: the
    entities carry the loaded model's labels (not the ones the first decoder knew)."""
    random_ner(1).to_disk(tmp_path / "other")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("tok2vec")
    ner = nlp.add_pipe("biotab_ner", name="ner")
    for label in ("GENE", "SPECIES", "CELL"):
        ner.add_label(label)
    nlp.initialize()
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    list(nlp.pipe(texts))
    nlp.from_disk(tmp_path / "other")
    docs = before_ner(nlp, texts)
    decoded = ner.predict(docs)
    assert isinstance(decoded, DecodedEntities)
    assert list(decoded) == spacy_entities(ner, docs)
    assert {nlp.vocab.strings[label] for ents in decoded for *_, label in ents} <= set(LABELS)


def token_annotation(docs: list[Doc]) -> list[list[tuple[str, str, str, str]]]:
    return [[(t.ent_iob_, t.ent_type_, t.ent_kb_id_, t.ent_id_) for t in doc] for doc in docs]


@pytest.mark.parametrize("preset", ["kb_id", "ent_type"])
def test_token_annotation_before_ner_is_kept_as_spacy_keeps_it(preset: str,
                                                                seeds_dir: Path) -> None:
    """KB ids or entity types set on tokens without an IOB tag: spaCy's `set_annotations` gives
    each entity its first token's KB id and leaves other tokens' types."""
    nlp = random_ner(0)
    ner = nlp.get_pipe("ner")
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))][:2]

    def prepared() -> list[Doc]:
        docs = before_ner(nlp, texts)
        for token in docs[0]:
            if preset == "kb_id":
                token.ent_kb_id_ = "MESH:D000001"
            elif token.i % 5 == 0:
                token.ent_type_ = "DRUG"
        return docs

    ours = prepared()
    ner.set_annotations(ours, ner.predict(ours))
    theirs = prepared()
    spacy_entities(ner, theirs)
    assert token_annotation(ours) == token_annotation(theirs)


def test_non_finite_scores_decide_as_in_spacy(seeds_dir: Path) -> None:
    """O scores 1 and B-DRUG NaN: spaCy keeps O (NaN is never higher); numpy's argmax would
    take the NaN."""
    nlp, ner, names, _ = tied_model(2)
    upper = ner.model.get_ref("upper")
    bias = np.full(ner.moves.n_moves, -1.0, np.float32)
    bias[names.index("O")] = 1.0
    bias[names.index("B-DRUG")] = np.nan
    upper.set_param("W", np.zeros_like(upper.get_param("W")))
    upper.set_param("b", bias)
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    docs = before_ner(nlp, texts)
    assert list(ner.predict(docs)) == spacy_entities(ner, docs) == [[] for _ in texts]


@pytest.mark.parametrize("layer", ["lower", "upper"])
def test_weights_scaled_to_overflow_decide_as_in_spacy(layer: str, seeds_dir: Path) -> None:
    """Weights near float32's largest: infinite and NaN scores, every document as spaCy's."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts += ["One.", "Two words", "Tab\tand  spaces \n here."]
    for seed in range(3):
        nlp = random_ner(seed)
        ner = nlp.get_pipe("ner")
        node = ner.model.get_ref(layer)
        with np.errstate(over="ignore", invalid="ignore"):
            node.set_param("W", node.get_param("W") * np.float32(1e38))
            docs = before_ner(nlp, texts)
            decoded = list(ner.predict(docs))
        assert decoded == spacy_entities(ner, docs), seed


def test_random_models_many_seeds_odd_sentence_starts_and_space() -> None:
    """Sentence starts set by hand on the first token, the last, every token, none; tabs,
    newlines, runs of spaces, unicode, one-token and empty Docs in the same batch."""
    texts = [
        "Imiquimod\tcream  was \n\n given to 12 patients with   lupus erythematosus .",
        "Äther — β-Blocker und 5-FU: Übelkeit\u00a0bei  Kindern (n=3) ; \t\t Ödem ?",
        "x", "", " ", "\n\n", "a b", "TNF-α IL-6 IL-1β interferon-γ " * 30,
        "aspirin ibuprofen naproxen diclofenac celecoxib " * 60,
    ]
    for seed in range(12):
        nlp = random_ner(seed)
        ner = nlp.get_pipe("ner")
        upper = ner.model.get_ref("upper")
        scale = np.float32([0.1, 1.0, 10.0, 1000.0][seed % 4])
        upper.set_param("W", upper.get_param("W") * scale)
        docs = before_ner(nlp, texts)
        for doc in docs[:3]:
            if len(doc) > 1:
                doc[0].is_sent_start = True
                doc[-1].is_sent_start = True
        for token in docs[7][1:]:
            token.is_sent_start = bool(seed % 2)  # every token, or none after the first
        decoded = ner.predict(docs)
        assert isinstance(decoded, DecodedEntities)
        assert list(decoded) == spacy_entities(ner, docs), seed


def test_blocks_give_the_same_entities(monkeypatch: pytest.MonkeyPatch, seeds_dir: Path) -> None:
    """Tiny blocks (CHUNK): every block boundary inside the batch and its windows."""
    from pipeline.components import ner_decode

    monkeypatch.setattr(ner_decode, "CHUNK", 2 * ner_decode.WINDOW + 3)
    nlp = random_ner(6)
    ner = nlp.get_pipe("ner")
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    docs = before_ner(nlp, [*texts, "", "x y"])
    assert list(ner.predict(docs)) == spacy_entities(ner, docs)


def test_memory_stays_bounded_when_every_token_opens_an_entity(seeds_dir: Path) -> None:
    """B-DRUG wins every closed state of a ~7,000-token batch: the windows after every B- take
    about 14 KB per token at once (~100 MB); scored in blocks, a few MB."""
    import tracemalloc

    nlp, ner, names, bias = tied_model(0)
    bias[names.index("B-DRUG")] += 50.0
    ner.model.get_ref("upper").set_param("b", bias)
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    words = (words.split() * 3)[:7000]
    docs = before_ner(nlp, [" ".join(words[i:i + 250]) for i in range(0, len(words), 250)])
    decoder = decoder_for(ner)
    assert decoder is not None
    features = decoder.lower.predict(decoder.tok2vec.predict(docs))

    class Precomputed:  # the features above: only the decoding is measured
        def predict(self, _: object) -> np.ndarray:
            return features

        def get_param(self, name: str) -> np.ndarray:
            return ner.model.get_ref("lower").get_param(name)

    decoder.tok2vec = decoder.lower = Precomputed()
    tracemalloc.start()
    try:
        found = decoder.entities(docs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == spacy_entities(ner, docs)
    assert sum(len(ents) for ents in found) > 500
    assert peak < 40e6, peak


def test_predict_takes_a_generator() -> None:
    """Docs as a generator, on the decoder's path and on spaCy's (preset entities)."""
    nlp = random_ner(0)
    ner = nlp.get_pipe("ner")
    docs = before_ner(nlp, ["Imiquimod was given for lupus.", "Two words"])
    assert isinstance(ner.predict(doc for doc in docs), DecodedEntities)
    docs[0].set_ents([Span(docs[0], 0, 1, label="DRUG")], default="unmodified")
    states = ner.predict(doc for doc in docs)
    assert not isinstance(states, DecodedEntities) and len(states) == 2
