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


def register() -> None:
    """Register every biotab extension; safe to call any number of times."""
    for name, default in SPAN_ATTRS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()
