"""The custom attributes biotab's components read and write, registered in one place.

Mentions are the spans in `doc.ents` (labels DRUG, DISEASE, CYTOKINE); sentences are `doc.sents`.
Span attributes live in `doc.user_data` keyed by character offsets, so they survive re-creating
the span (for example reading `doc.ents` again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    # offset where the abbreviation definitions carried from a long document's earlier chunks
    # start (set by pipeline.process before the pipeline runs; read by biotab_abbreviations)
    "carried_from": None,
    # a PubMed record's publication types (set by pipeline.process before the pipeline runs;
    # read by biotab_design)
    "publication_types": None,
    # a title the text does not hold (a JSONL or JSON record's title field; set by
    # pipeline.process before the pipeline runs; read by biotab_design)
    "title_given": None,
    "study_design": None,  # one of pipeline.labels.STUDY_DESIGNS, written by biotab_design
    "study_design_cue": None,  # what decided it (matched words or the publication type)
    # a long document's later chunks: its first chunk's (study_design, study_design_cue), set
    # by pipeline.process before the pipeline runs; biotab_design copies it instead of deciding
    "study_design_given": None,
}


# doc.user_data key of the cached text: (id of the Doc, end of its last token, text)
_TEXT_KEY = "biotab.text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc and kept in `doc.user_data` (spaCy joins every token's text
    on each read of `doc.text`: about 55 µs for a 300-token abstract, read by many components).

    The text does not change when the Doc is retokenized (merges and splits keep it). The cached
    value names the Doc it was made from and where its last token ends, and must end with the
    last token's text, so a copy of the user data (`Doc.from_docs`, `Doc.copy`, unpickling, a
    Doc given another's `user_data` after that one was freed and its id reused) is not
    mistaken for its own.
    """
    end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    cached = doc.user_data.get(_TEXT_KEY)
    if (
        cached is not None
        and cached[0] == id(doc)
        and cached[1] == end
        and (not len(doc) or str(cached[2]).endswith(doc[-1].text_with_ws))
    ):
        return str(cached[2])
    text = doc.text
    doc.user_data[_TEXT_KEY] = (id(doc), end, text)
    return text


def _plain(name: str) -> bool:
    """`Span._.<name>` is a value kept in `doc.user_data` (no getter, setter or method, and an
    immutable default, which spaCy would copy into the user data on the first read)."""
    ext = Span.get_extension(name)
    if ext is None:
        raise AttributeError(f"no Span extension {name!r}")
    default, method, getter, setter = ext
    return method is None and getter is None and setter is None and not isinstance(
        default, (dict, list, set)
    )


def _user_data(span: Span) -> dict[Any, Any]:
    # spaCy's stubs type user_data as dict[str, Any]; its Underscore keys are tuples
    data: dict[Any, Any] = span.doc.user_data
    return data


def span_reader(names: Sequence[str]) -> Callable[[Span], list[Any]]:
    """A function giving `[getattr(span._, name) for name in names]` for a span.

    spaCy keeps a Span's plain extension values in `doc.user_data` under
    ("._.", name, start_char, end_char); reading them there skips making an accessor object and
    a key per value (the row builders read 12 values per mention). Any other kind of attribute
    is read through `span._`.
    """
    names = tuple(names)
    if not all(_plain(n) for n in names):
        return lambda span: [getattr(span._, n) for n in names]
    defaults = [(n, Span.get_extension(n)[0]) for n in names]

    def read(span: Span) -> list[Any]:
        get = _user_data(span).get
        start, end = span.start_char, span.end_char
        return [get(("._.", n, start, end), default) for n, default in defaults]

    return read


def span_writer(names: Sequence[str]) -> Callable[[Span, Sequence[Any]], None]:
    """A function doing `setattr(span._, name, value)` for `names` and `values` in order
    (straight into `doc.user_data` for plain attributes: see `span_reader`)."""
    names = tuple(names)
    if not all(_plain(n) for n in names):

        def set_each(span: Span, values: Sequence[Any]) -> None:
            for n, value in zip(names, values, strict=True):
                setattr(span._, n, value)

        return set_each

    def write(span: Span, values: Sequence[Any]) -> None:
        data = _user_data(span)
        start, end = span.start_char, span.end_char
        for n, value in zip(names, values, strict=True):
            data[("._.", n, start, end)] = value

    return write


def register() -> None:
    """Register every biotab extension; safe to call any number of times."""
    for name, default in SPAN_ATTRS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()
