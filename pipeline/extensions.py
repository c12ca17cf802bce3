"""The custom attributes biotab's components read and write, registered in one place.

Mentions are the spans in `doc.ents` (labels DRUG, DISEASE, CYTOKINE); sentences are `doc.sents`.
Span attributes live in `doc.user_data` keyed by character offsets, so they survive re-creating
the span (for example reading `doc.ents` again).
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span

SPAN_ATTRS: dict[str, Any] = {
    # mentions
    "concept_id": None,  # CURIE: MESH:D000077269, HGNC:6001
    "concept_name": None,
    "source": None,  # lexicon | model | model+lexicon | abbreviation | fuzzy | propagated | ...
    "score": None,  # 0..1 confidence of the mention
    "is_abbreviation": False,
    "long_form_text": None,  # scispacy owns Span._.long_form (a Span); ours is the text
    "negated": False,
    "hypothetical": False,
    "uncertain": False,
    "assertion_cue": None,
    # sentences
    "section": None,
    "language": None,
}

DOC_ATTRS: dict[str, Any] = {
    "language": None,  # ISO 639-1 of the whole document
    "doc_id": None,
    "outcomes": None,  # list[dict] written by biotab_outcomes (rows without doc_id)
}


# doc.user_data key of the cached text: (id of the Doc, end of its last token, text)
_TEXT_KEY = "biotab.text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc and kept in `doc.user_data` (spaCy joins every token's text
    on each read of `doc.text`: about 55 µs for a 300-token abstract, read by many components).

    The text does not change when the Doc is retokenized (merges and splits keep it). The cached
    value names the Doc it was made from and where its last token ends, so a copy of the
    user data (`Doc.from_docs`, `Doc.copy`, unpickling) is not mistaken for its own.
    """
    end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is not None and cached[0] == id(doc) and cached[1] == end:
        return str(cached[2])
    text = doc.text
    doc.user_data[_TEXT_KEY] = (id(doc), end, text)
    return text


def register() -> None:
    """Register every biotab extension; safe to call any number of times."""
    for name, default in SPAN_ATTRS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()
