"""`token_splits.split_tokens` (many token splits in one new Doc) and biotab_cytokines' splits of
real-shaped text through it."""

from __future__ import annotations

import numpy
import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.cytokines import CytokineNormalizer
from pipeline.components.token_splits import ATTRS, split_tokens

ABSTRACT = (
    "Serum IL-IL-6 and TNF-alpha levels were measured in 40 patients with sepsis, together "
    "with IGF-IL-3 and IL-IL-1 beta in plasma. Levels were higher in non-survivors."
)
#: token text -> the pieces biotab_cytokines cuts it into
PIECES = {"IL-IL-6": ["IL", "-", "IL-6"], "IGF-IL-3": ["IGF", "-", "IL-3"],
          "IL-IL-1": ["IL", "-", "IL-1"]}


@pytest.fixture(scope="module")
def cytokines(blank: Language) -> CytokineNormalizer:
    return CytokineNormalizer(blank, "biotab_cytokines", use_kb=False)


def _annotated(nlp: Language, text: str) -> Doc:
    """`text` as the pipeline hands it on: sentences, tags and lemmas on every token, an entity,
    an extension value, a tensor."""
    doc = nlp(text)
    for token in doc:
        token.tag_ = "NN"
        token.lemma_ = token.text.lower()
    sepsis = doc.text.index("sepsis")
    doc.set_ents([doc.char_span(sepsis, sepsis + len("sepsis"), label="DISEASE")])
    doc.ents[0]._.negated = True
    doc.tensor = numpy.arange(len(doc) * 4, dtype="float32").reshape((len(doc), 4)) + 1
    return doc


def test_split_tokens_gives_what_spacy_retokenizer_gives(blank: Language) -> None:
    ours = _annotated(blank, ABSTRACT)
    pieces = {t.i: PIECES[t.text] for t in ours if t.text in PIECES}
    assert len(pieces) == 3
    theirs = _annotated(blank, ABSTRACT)
    with theirs.retokenize() as retokenizer:
        for i, texts in pieces.items():
            token = theirs[i]
            retokenizer.split(token, texts, heads=[(token, 0)] * len(texts))
    new = split_tokens(ours, pieces)
    assert [t.text_with_ws for t in new] == [t.text_with_ws for t in theirs]
    assert [t.idx for t in new] == [t.idx for t in theirs]
    assert new.text == ABSTRACT
    # every attribute (the sentence starts: the neighbours of the split tokens start none)
    assert (new.to_array(list(ATTRS)) == theirs.to_array(list(ATTRS))).all()
    # (spaCy's tensor grows by a row more than the Doc per split: its extra rows are zeros)
    assert (new.tensor == theirs.tensor[: len(theirs)]).all()
    assert not theirs.tensor[len(theirs) :].any()
    assert [(e.text, e.label_, e._.negated) for e in new.ents] == [("sepsis", "DISEASE", True)]
    assert [s.text for s in new.sents] == [s.text for s in theirs.sents]
    assert [t.text for t in ours][1] == "IL-IL-6"  # the Doc given keeps its tokens


def test_a_later_piece_starts_no_sentence(blank: Language) -> None:
    """spaCy's split writes the pieces over the tokens after the split one, which lent them
    their sentence starts: "IGF-IL-3. There" cut before "IL-3" began a sentence "IL-3."."""
    doc = blank("Rats were treated with EPO and IGF-IL-3. There was no effect.")
    i = next(t.i for t in doc if t.text == "IGF-IL-3")
    assert doc[i + 2].is_sent_start
    new = split_tokens(doc, {i: ["IGF", "-", "IL-3"]})
    assert [s.text for s in new.sents] == [
        "Rats were treated with EPO and IGF-IL-3.", "There was no effect."
    ]
    assert [t.is_sent_start for t in new][i : i + 3] == [False, False, False]


def test_pieces_must_make_the_token(blank: Language) -> None:
    doc = blank("Serum IL-IL-6 rose.")
    with pytest.raises(ValueError, match="do not make token"):
        split_tokens(doc, {1: ["IL-", "IL-7"]})


def test_cytokines_split_tokens_of_an_abstract(blank: Language,
                                               cytokines: CytokineNormalizer) -> None:
    doc = cytokines(blank(ABSTRACT))
    texts = [t.text for t in doc]
    for pieces in PIECES.values():
        k = next(i for i in range(len(texts)) if texts[i : i + len(pieces)] == pieces)
        assert texts[k : k + len(pieces)] == pieces
    assert [(e.text, e._.concept_name) for e in doc.ents] == [
        ("IL-6", "IL6"), ("TNF-alpha", "TNF"), ("IL-3", "IL3"), ("IL-1 beta", "IL1B")
    ]
    assert [s.text for s in doc.sents] == [
        ABSTRACT[: ABSTRACT.index(" Levels")], "Levels were higher in non-survivors."
    ]
    # split_tokens off: no token is cut, so only the name that is a whole token is found
    off = CytokineNormalizer(blank, "c", use_kb=False, split_tokens=False)(blank(ABSTRACT))
    assert "IL-IL-6" in [t.text for t in off]
    assert [(e.text, e._.concept_name) for e in off.ents] == [("TNF-alpha", "TNF")]


def test_cytokines_split_every_token_of_dense_text(blank: Language,
                                                   cytokines: CytokineNormalizer) -> None:
    """Text of nothing but such tokens (a time bomb for spaCy's retokenizer, one split after
    another): every one is split, every name found."""
    n = 300
    doc = cytokines(blank("IL-6 and IL-" * n + "6."))
    texts = [t.text for t in doc]
    assert texts.count("IL") == texts.count("-") == n - 1  # "IL-IL-6" but the last "IL-6."
    assert texts.count("IL-6") == n + 1
    assert "IL-IL-6" not in texts
    assert len(doc.ents) == n + 1
    assert {(e.text, e._.concept_name) for e in doc.ents} == {("IL-6", "IL6")}
