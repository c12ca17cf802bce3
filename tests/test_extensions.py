"""`pipeline.extensions.doc_text`: the Doc's text, built once, right after retokenizing and for
Docs that carry another Doc's user data."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

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
