"""BioC XML (`<collection>` root) and BioC JSON (PubTator3's export) via the `bioc` package's
data structures; `read_bioc` tells them apart by the file's first byte.

BioC XML (here): `bioc.biocxml`'s readers use lxml with entity resolution on, so documents are
read one at a time with the safe lxml settings of `xmlrecords.iter_xml_records` instead (damage
costs exactly the damaged document) and turned into the same `bioc.BioCDocument` objects; a
passage or sentence offset that is not a number ("ten") is one "bad_bioc" row for that
document; an annotation's location is kept as written, and one that is not a number or is
missing its offset or length costs that annotation only (`bioc_document`).
BioC JSON: `bioc_json` (each document isolated; a whole-file collection that does not parse is
one "bad_json" row). Each document becomes a `Document` in `bioc_document` (text layout,
annotation offsets, title and meta are described there; a failure there is one "bad_bioc" row
for that document only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from bioc import (
    BioCAnnotation,
    BioCDocument,
    BioCLocation,
    BioCNode,
    BioCPassage,
    BioCRelation,
    BioCSentence,
)

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest.bioc_document import Absent, to_documents, whole_number
from pipeline.ingest.bioc_json import read_bioc_json
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    Caps,
    content_start,
    err,
)
from pipeline.ingest.head_checks import head_and_problem
from pipeline.ingest.xmlrecords import XmlRecord, iter_xml_records

_T = TypeVar("_T")


def read_bioc(
    path: Path, source: str, start: int = 0, n_records: int | None = None, *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[Document | ErrorRecord]:
    """Documents of a BioC XML or BioC JSON file; `start`/`n_records` select a block."""
    caps = Caps(max_bytes, max_record_bytes)
    head, bad = head_and_problem(path, source, per_record=True, limit=max_bytes)
    if bad is not None:
        if start == 0:
            yield bad
        return
    first = content_start(head)[:1]
    if first == b"<":
        yield from _read_xml(path, source, start, n_records, caps)
    else:
        yield from read_bioc_json(path, source, start, n_records, caps)


# ------------------------------------------------------------------------ XML


def _infons(elem: Any) -> dict[str, Any]:
    return {c.get("key") or "": c.text for c in elem.findall("infon")}


def _offset(elem: Any) -> int:
    """A passage's or sentence's <offset> (missing or blank: 0)."""
    return whole_number((elem.findtext("offset") or "0").strip() or "0", "offset")


def _within(what: str, build: Callable[..., _T], *args: Any) -> _T:
    """`build(*args)`, a ValueError it raises prefixed with `what` (where in the document)."""
    try:
        return build(*args)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


def _xml_annotation(elem: Any) -> BioCAnnotation:
    ann = BioCAnnotation()
    ann.id = elem.get("id")
    ann.infons = _infons(elem)
    ann.text = elem.findtext("text")
    for loc in elem.findall("location"):  # as written: a bad one costs the annotation only
        # (an attribute left out too: it was read as 0, a silent wrong place, or a row saying
        # the text at 0 does not match)
        ann.add_location(BioCLocation(loc.get("offset", Absent()),
                                      loc.get("length", Absent())))
    return ann


def _xml_relation(elem: Any) -> BioCRelation:
    rel = BioCRelation()
    rel.id = elem.get("id")
    rel.infons = _infons(elem)
    for node in elem.findall("node"):
        rel.add_node(BioCNode(node.get("refid"), node.get("role")))
    return rel


def _xml_document(elem: Any) -> BioCDocument:
    doc = BioCDocument()
    doc.id = elem.findtext("id")
    doc.infons = _infons(elem)
    for i, p in enumerate(elem.findall("passage"), 1):
        doc.add_passage(_within(f"passage {i}", _xml_passage, p))
    _add_annotations(doc, elem)
    return doc


def _add_annotations(node: BioCDocument | BioCPassage, elem: Any) -> None:
    """The <annotation> and <relation> children of `elem`, added to `node`."""
    for a in elem.findall("annotation"):
        node.add_annotation(_xml_annotation(a))
    for r in elem.findall("relation"):
        node.add_relation(_xml_relation(r))


def _xml_passage(p: Any) -> BioCPassage:
    passage = BioCPassage()
    passage.offset = _offset(p)
    passage.infons = _infons(p)
    if p.find("text") is not None:
        passage.text = p.findtext("text") or ""
    for i, s in enumerate(p.findall("sentence"), 1):
        passage.add_sentence(_within(f"sentence {i}", _xml_sentence, s))
    _add_annotations(passage, p)
    return passage


def _xml_sentence(s: Any) -> BioCSentence:
    sent = BioCSentence()
    sent.offset = _offset(s)
    sent.text = s.findtext("text")
    sent.infons = _infons(s)
    for a in s.findall("annotation"):
        sent.add_annotation(_xml_annotation(a))
    for r in s.findall("relation"):
        sent.add_relation(_xml_relation(r))
    return sent


_BIOC_ID = re.compile(rb"<(?:[\w.-]+:)?id>\s*([^<\s]+)")  # <id>, <b:id>


def _bioc_id(data: bytes) -> str | None:
    m = _BIOC_ID.search(data)
    return m.group(1).decode("utf-8", "replace") if m else None


def _bioc_tags(root: str) -> set[str] | None:
    return {"document"} if root in ("collection", "document") else None


def _read_xml(path: Path, source: str, start: int, n_records: int | None, caps: Caps
              ) -> Iterator[Document | ErrorRecord]:
    end = None if n_records is None else start + n_records
    seen = False
    for item in iter_xml_records(path, source, _bioc_tags, _bioc_id, start, end,
                                 max_bytes=caps.max_bytes, max_record_bytes=caps.record):
        seen = True
        if not isinstance(item, XmlRecord):
            yield item
            continue
        loc = f"line {item.line}, record {item.index + 1}"
        try:
            bdoc = _xml_document(item.elem)
        except (ValueError, TypeError) as exc:
            yield err(source, "bad_bioc", f"malformed BioC document: {exc}", loc,
                      item.elem.findtext("id"))
            continue
        yield from to_documents(bdoc, source, item.index, path, {}, loc, caps.record)
    if not seen and start == 0:
        yield err(source, "no_records", "no <document> elements found in the BioC collection")
