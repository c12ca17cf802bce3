"""`outcome_offsets`: what the outcomes component reads of a Doc without Token or Span objects
is what those objects give."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Span

from pipeline.components.outcome_offsets import SentenceLanguage, doc_offsets

TEXT = "Twelve of 15 patients (80%) responded.  Nine relapsed.\nNo deaths occurred."


def test_offsets_are_the_tokens_and_sentences(blank: Language) -> None:
    doc = blank(TEXT)
    got = doc_offsets(doc, len(doc.text))
    assert got.idx == [t.idx for t in doc]
    assert got.ends == [t.idx + len(t.text) for t in doc]
    assert got.orth == [t.orth for t in doc]
    sents = list(doc.sents)
    assert len(sents) == 3
    assert [(s, e) for s, e, _, _ in got.sentences] == [(s.start, s.end) for s in sents]
    # a sentence's characters run to the next one's first (its whitespace included)
    starts = [s.start_char for s in sents]
    assert [(a, b) for _, _, a, b in got.sentences] == list(
        zip(starts, [*starts[1:], len(TEXT)], strict=True)
    )


def test_empty_doc(blank: Language) -> None:
    got = doc_offsets(blank(""), 0)
    assert (got.idx, got.ends, got.orth, got.sentences) == ([], [], [], [])


def test_sentence_language_is_the_span_attribute(blank: Language) -> None:
    doc = blank(TEXT)
    sents = list(doc.sents)
    sents[1]._.language = "es"
    read = SentenceLanguage()
    got = [read(doc, s.start, s.end, s.start_char, s.end_char) for s in sents]
    assert got == [s._.language for s in sents] == [None, "es", None]


def test_sentence_language_through_a_getter(blank: Language) -> None:
    """An attribute spaCy does not keep as a plain value is read through the Span."""
    doc = blank(TEXT)
    saved = Span.get_extension("language")
    assert saved is not None
    Span.set_extension("language", getter=lambda span: "xx" if span.start else "en", force=True)
    try:
        read = SentenceLanguage()
        sents = list(doc.sents)
        assert [read(doc, s.start, s.end, s.start_char, s.end_char) for s in sents] == [
            "en", "xx", "xx"
        ]
    finally:
        Span.set_extension("language", default=saved[0], force=True)
