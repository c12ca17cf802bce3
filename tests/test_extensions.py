"""`pipeline.extensions.doc_text`: the Doc's text, built once, right after retokenizing and for
Docs that carry another Doc's user data."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extensions import doc_text


def test_doc_text_is_the_text_once_built(blank: Language, seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    docs = [blank.make_doc(t) for t in texts]
    for doc, text in zip(docs, texts, strict=True):
        assert doc_text(doc) == doc.text == text
        assert doc_text(doc) is doc_text(doc)  # kept, not rebuilt
        with doc.retokenize() as retokenizer:
            retokenizer.merge(doc[0:3])
        assert doc_text(doc) == doc.text == text
    # a Doc made with another Doc's user data (as a copy or unpickling gives) has its own text
    other = Doc(blank.vocab, words=["Aldara", "works", "."], spaces=[True, False, False],
                user_data=dict(docs[0].user_data))
    assert doc_text(other) == "Aldara works."
    assert doc_text(docs[0].copy()) == texts[0]
    assert doc_text(blank.make_doc("")) == ""


def test_span_reader_and_writer_agree_with_span_underscore(
    blank: Language, seeds_dir: Path
) -> None:
    from pipeline.extensions import span_reader, span_writer

    text = sorted(seeds_dir.iterdir())[0].read_text(encoding="utf-8")
    doc = blank.make_doc(text)
    names = ("concept_id", "score", "negated", "section")
    spans = [doc[i : i + 2] for i in range(0, min(len(doc) - 2, 40), 3)]
    read, write = span_reader(names), span_writer(names)
    for k, span in enumerate(spans):
        # unwritten: the registered defaults
        assert read(span) == [getattr(span._, n) for n in names] == [None, None, False, None]
        if k % 2:
            write(span, (f"MESH:D{k:06d}", k / 10, True, "Results"))
        else:
            span._.concept_id, span._.score, span._.negated = f"MESH:C{k}", 0.5, True
    for span in spans:
        again = doc[span.start : span.end]  # a new Span object over the same tokens
        assert read(again) == [getattr(again._, n) for n in names]
        assert read(again)[0] is not None
    # an attribute computed by a getter is read through span._
    Span.set_extension("biotab_test_upper", getter=lambda s: s.text.upper(), force=True)
    try:
        assert span_reader(("biotab_test_upper", "score"))(spans[1]) == [
            spans[1].text.upper(), spans[1]._.score
        ]
    finally:
        Span.remove_extension("biotab_test_upper")
