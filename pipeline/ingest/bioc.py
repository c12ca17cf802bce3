"""BioC XML (`<collection>` root) and BioC JSON (PubTator3's export) via the `bioc` package's
data structures.

BioC JSON: `bioc.biocjson` parses each document (a collection object, PubTator3's
{"PubTator3": [...]}, a list of documents, or one document per line). BioC XML: `bioc.biocxml`'s
readers use lxml with entity resolution on, so documents are read one at a time with the safe
lxml settings of `xmlrecords.iter_xml_records` instead (damage costs exactly the damaged
document) and turned into the same `bioc.BioCDocument` objects. Every document is isolated: an
offset that is not a number ("ten"), a wrong type, a lone surrogate escape, JSON nested too
deep or an integer of more digits than Python converts (`common.load_json`) is one error row
naming the file and line or record number, and the rest is read. A whole-file collection (one
JSON value) that does not parse at all is one "bad_json" row saying every document in it is lost.

Text layout: passages are placed at their BioC offsets, so every passage and annotation offset
indexes the stored text unchanged. The gap before a passage is filled with spaces ending in one
"\\n" (PubTator3's title at 0 and abstract at len(title)+1 gives "title\\nabstract"). A passage
whose offset overlaps text already placed (offsets missing/zero) is appended after a "\\n" and its
annotations are shifted; an error row "passage_offsets" says so. So is a passage whose offset
would take the text past the per-record cap (`max_record_bytes`, counted in characters): a
398-byte file with a passage at offset 200,000,000 would otherwise be a 200-million-character
document. Its text and annotations are kept (appended after a "\\n", annotations shifted) rather
than the document refused, with one "passage_offsets" row naming the offsets. Sentences placed
by their offsets (a passage without text) get the same bound: a gap past the cap is one space,
and annotations that then do not match the text are "bad_offsets" rows. Title = text of the
passage with infon type "title"/"front" (or section_type "TITLE").
meta: infons, annotations [{start, end, text, type, id, infons[, locations]}], relations,
passages [{start, end, type, section_type}], and PubTator3's pmid/pmcid/journal/year/authors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bioc import (
    BioCAnnotation,
    BioCDocument,
    BioCLocation,
    BioCNode,
    BioCPassage,
    BioCRelation,
    BioCSentence,
)
from bioc.biocjson.decoder import parse_doc

from pipeline.documents import Document, ErrorRecord, normalize_text
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    CappedStream,
    Caps,
    HugeNumber,
    InputTooLarge,
    bad_json_message,
    decode_utf8,
    err,
    head_and_problem,
    iter_lines,
    json_problem,
    load_json,
    too_large,
)
from pipeline.ingest.nfc import NfcOffsets
from pipeline.ingest.xmlrecords import XmlRecord, iter_xml_records

PUBTATOR3_EXTRA = ("pmid", "pmcid", "journal", "year", "authors", "date", "accessions")
TITLE_TYPES = {"title", "front"}


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
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"<":
        yield from _read_xml(path, source, start, n_records, caps)
    else:
        yield from _read_json(path, source, start, n_records, caps)


# ------------------------------------------------------------------------ XML


def _infons(elem: Any) -> dict[str, Any]:
    return {c.get("key") or "": c.text for c in elem.findall("infon")}


def _xml_annotation(elem: Any) -> BioCAnnotation:
    ann = BioCAnnotation()
    ann.id = elem.get("id")
    ann.infons = _infons(elem)
    ann.text = elem.findtext("text")
    for loc in elem.findall("location"):
        ann.add_location(BioCLocation(int(loc.get("offset", "0")), int(loc.get("length", "0"))))
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
    for p in elem.findall("passage"):
        passage = BioCPassage()
        passage.offset = int((p.findtext("offset") or "0").strip() or 0)
        passage.infons = _infons(p)
        if p.find("text") is not None:
            passage.text = p.findtext("text") or ""
        for s in p.findall("sentence"):
            sent = BioCSentence()
            sent.offset = int((s.findtext("offset") or "0").strip() or 0)
            sent.text = s.findtext("text")
            sent.infons = _infons(s)
            for a in s.findall("annotation"):
                sent.add_annotation(_xml_annotation(a))
            passage.add_sentence(sent)
        for a in p.findall("annotation"):
            passage.add_annotation(_xml_annotation(a))
        for r in p.findall("relation"):
            passage.add_relation(_xml_relation(r))
        doc.add_passage(passage)
    for a in elem.findall("annotation"):
        doc.add_annotation(_xml_annotation(a))
    for r in elem.findall("relation"):
        doc.add_relation(_xml_relation(r))
    return doc


_BIOC_ID = re.compile(rb"<id>\s*([^<\s]+)")


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
        yield from _guarded(bdoc, source, item.index, path, {}, loc, caps.record)
    if not seen and start == 0:
        yield err(source, "no_records", "no <document> elements found in the BioC collection")


def _guarded(bdoc: BioCDocument, source: str, index: int, path: Path, extra: dict[str, Any],
             loc: str, max_chars: int) -> Iterator[Document | ErrorRecord]:
    """`_convert` for one document, its failures (an offset that is not a number, or is
    JSON's Infinity: OverflowError; a value of the wrong type, nesting too deep) an error row
    for that document only."""
    try:
        out = list(_convert(bdoc, source, index, path, extra, loc, max_chars))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError,
            ArithmeticError) as exc:
        ident = str(bdoc.id) if bdoc.id not in (None, "") else None
        yield err(source, "bad_bioc", f"malformed BioC document: {type(exc).__name__}: {exc}",
                  loc, ident)
        return
    yield from out


# ------------------------------------------------------------------------ JSON


def _fill(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of a BioC JSON document with the keys `bioc.biocjson` requires defaulted
    (PubTator3 omits some of them)."""

    def ann(a: dict[str, Any]) -> dict[str, Any]:
        return {"id": a.get("id"), "infons": a.get("infons") or {}, "text": a.get("text"),
                "locations": a.get("locations") or []}

    def rel(r: dict[str, Any]) -> dict[str, Any]:
        return {"id": r.get("id"), "infons": r.get("infons") or {}, "nodes": r.get("nodes") or []}

    def sent(s: dict[str, Any]) -> dict[str, Any]:
        return {"offset": s.get("offset") or 0, "infons": s.get("infons") or {},
                "text": s.get("text"),
                "annotations": [ann(a) for a in s.get("annotations") or []],
                "relations": [rel(r) for r in s.get("relations") or []]}

    def passage(p: dict[str, Any]) -> dict[str, Any]:
        out = {"offset": p.get("offset") or 0, "infons": p.get("infons") or {},
               "sentences": [sent(s) for s in p.get("sentences") or []],
               "annotations": [ann(a) for a in p.get("annotations") or []],
               "relations": [rel(r) for r in p.get("relations") or []]}
        if p.get("text") is not None:
            out["text"] = p["text"]
        return out

    return {"id": obj.get("id"), "infons": obj.get("infons") or {},
            "passages": [passage(p) for p in obj.get("passages") or []],
            "annotations": [ann(a) for a in obj.get("annotations") or []],
            "relations": [rel(r) for r in obj.get("relations") or []]}


_BY_LINE, _TOO_LARGE = "by line", "too large"  # what `_read_all` returns instead of bytes
_SAMPLE_LINES = 20  # non-blank lines `_one_document_per_line` looks at


def _read_all(path: Path, caps: Caps) -> bytes | str:
    """The whole (decompressed) file when it fits the per-record cap. Else _BY_LINE when it is
    one document per line (`_one_document_per_line`), also past the per-file cap or a read
    error (a cut or corrupt gzip stream): the documents before them are kept, the damage is
    reported where it is. Else (one JSON value, e.g. an indented collection) _TOO_LARGE, or the
    read error raised: one error row each, not one per line."""
    chunks: list[bytes] = []
    got = 0
    with CappedStream(path, caps.max_bytes) as stream:
        try:
            while chunk := stream.read():
                chunks.append(chunk)
                got += len(chunk)
                if got > caps.record:
                    data = b"".join(chunks)
                    return _BY_LINE if _one_document_per_line(data, over_cap=True) \
                        else _TOO_LARGE
        except (InputTooLarge, EOFError, OSError):
            if _one_document_per_line(b"".join(chunks)):
                return _BY_LINE
            raise
    return b"".join(chunks)


def _one_document_per_line(data: bytes, over_cap: bool = False) -> bool:
    """Whether the file starting with `data` is BioC JSON lines rather than one JSON value:
    one of its first _SAMPLE_LINES non-blank lines (a damaged line does not decide) is a whole
    JSON object (no line of a pretty-printed value is: "{", '"id": "1",'), or (`over_cap`:
    `data` is the start of a file over the record cap) its first line is longer than `data`:
    read by line, that line is one "record_too_large" row and the lines after it are read."""
    body = data.lstrip()
    if over_cap and b"\n" not in body:
        return True
    pos = seen = 0
    while seen < _SAMPLE_LINES and pos < len(body):
        nl = body.find(b"\n", pos)
        line = body[pos:nl if nl >= 0 else len(body)]
        pos = len(body) if nl < 0 else nl + 1
        if line.strip():
            seen += 1
            if _is_object(line):
                return True
    return False


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(load_json(line.decode("utf-8").lstrip("\ufeff")), dict)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
        return False


def _json_line(line: bytes | int, i: int, source: str, caps: Caps
               ) -> tuple[str, dict[str, Any] | ErrorRecord] | None:
    loc = f"line {i}"
    if isinstance(line, int):
        return loc, err(source, "record_too_large", f"line is {line:,} bytes long, more than "
                        f"the {caps.record:,}-byte record cap; skipped", loc)
    if not line.strip():
        return None
    decoded = decode_utf8(line, source, base_line=i)
    if isinstance(decoded, ErrorRecord):
        return loc, decoded
    try:
        one = load_json(decoded.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:  # ValueError: JSONDecodeError's parent too
        return loc, err(source, "bad_json", bad_json_message(exc), loc)
    if not isinstance(one, dict):
        return loc, err(source, "bad_bioc", "line is not a BioC document object", loc)
    return loc, one


def _json_lines(path: Path, source: str, caps: Caps
                ) -> Iterator[tuple[str, dict[str, Any] | ErrorRecord]]:
    with CappedStream(path, caps.max_bytes) as stream:
        for i, line in enumerate(iter_lines(stream, caps.record), 1):
            item = _json_line(line, i, source, caps)
            if item is not None:
                yield item


def _json_records(path: Path, source: str, caps: Caps
                  ) -> Iterator[tuple[str, dict[str, Any] | ErrorRecord]]:
    """(location, document dict or error) for each document of a BioC JSON file: one JSON
    value (a collection, PubTator3's export, a list of documents) read whole when the file fits
    the per-record cap; a file of one document per line read line by line when it does not
    parse whole or is over the cap; else one error row for the file."""
    data = _read_all(path, caps)
    if data == _BY_LINE:
        yield from _json_lines(path, source, caps)
        return
    if isinstance(data, str):  # _TOO_LARGE
        yield "line 1", err(source, "record_too_large", f"the file is one JSON value (not one "
                            f"document per line) longer than the {caps.record:,}-byte record "
                            "cap (max_record_bytes); every document in it is lost", "line 1")
        return
    decoded = decode_utf8(data, source)
    if isinstance(decoded, ErrorRecord):
        yield decoded.location or "", decoded
        return
    text = decoded.lstrip("\ufeff")
    try:
        obj: Any = load_json(text)
    except (ValueError, RecursionError) as whole_exc:  # ValueError: JSONDecodeError's parent
        if _one_document_per_line(data):  # PubTator3's older export / BioC JSON lines
            yield from _json_lines(path, source, caps)
            return
        where = (f"line {whole_exc.lineno}" if isinstance(whole_exc, json.JSONDecodeError)
                 else "line 1")
        yield where, err(source, "bad_json", f"{bad_json_message(whole_exc)}; the file is one "
                         "JSON value, so every document in it is lost", where)
        return
    if isinstance(obj, dict) and isinstance(obj.get("PubTator3"), list):
        docs = obj["PubTator3"]
    elif isinstance(obj, dict) and isinstance(obj.get("documents"), list):
        docs = obj["documents"]
    elif isinstance(obj, list):
        docs = obj
    elif isinstance(obj, dict) and "passages" in obj:
        docs = [obj]
    else:
        yield "", err(source, "bad_bioc", "JSON is not a BioC collection, a list of BioC "
                      "documents or a PubTator3 export")
        return
    for i, d in enumerate(docs, 1):
        if isinstance(d, dict):
            yield f"record {i}", d
        else:
            yield f"record {i}", err(source, "bad_bioc", "document is not a JSON object",
                                     f"record {i}")


def _json_document(item: dict[str, Any], source: str, index: int, path: Path, loc: str,
                   max_chars: int) -> Iterator[Document | ErrorRecord]:
    ident = item.get("id")
    doc_id = str(ident) if ident is not None and not isinstance(ident, HugeNumber) else None
    problem = json_problem(item)
    if problem is not None:
        safe = doc_id.encode("utf-8", "backslashreplace").decode() if doc_id else None
        yield err(source, problem[0], f"{problem[1]}; document skipped", loc, safe)
        return
    try:
        bdoc = parse_doc(_fill(item))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        yield err(source, "bad_bioc", f"malformed BioC document: {exc!r}", loc, doc_id)
        return
    extra = {k: item[k] for k in PUBTATOR3_EXTRA if item.get(k) not in (None, "", [])}
    yield from _guarded(bdoc, source, index, path, extra, loc, max_chars)


def _read_json(path: Path, source: str, start: int, n_records: int | None, caps: Caps
               ) -> Iterator[Document | ErrorRecord]:
    end = None if n_records is None else start + n_records
    index = -1
    try:
        for loc, item in _json_records(path, source, caps):
            index += 1
            if index < start:
                continue
            if end is not None and index >= end:
                return
            if isinstance(item, ErrorRecord):
                yield item
                continue
            yield from _json_document(item, source, index, path, loc, caps.record)
    except InputTooLarge as exc:
        if end is None or index + 1 < end:
            yield too_large(source, exc.cap, f"{index + 1} record(s) read, the rest is lost",
                            f"record {index + 2}")
        return
    except EOFError as exc:
        if end is None or index + 1 < end:
            yield err(source, "truncated_gzip", f"gzip stream ends early ({exc}); "
                      f"{index + 1} record(s) read, the rest is lost", f"record {index + 2}")
        return
    except OSError as exc:  # also corrupt gzip data (common._read1)
        if end is None or index + 1 < end:
            yield err(source, "unreadable", f"file could not be read to the end ({exc}); "
                      f"{index + 1} record(s) read, the rest is lost", f"record {index + 2}")
        return
    if index < 0 and start == 0:
        yield err(source, "no_records", "no BioC documents found in the file")


# ------------------------------------------------------------------------ BioC -> Document


def _passage_text(p: BioCPassage, max_chars: int) -> str | None:
    """The passage's text, else its sentences placed at their offsets (a gap that would take
    the passage past `max_chars`, what the document's record cap leaves, is one space: see the
    module docstring). `bioc` gives a passage
    without text "" (not None): a passage of sentences alone is read from its sentences."""
    if p.text or not p.sentences:
        return None if p.text is None else str(p.text)
    out = ""
    for s in sorted(p.sentences, key=lambda s: s.offset):
        rel = s.offset - p.offset
        if len(out) < rel <= max_chars:
            out += " " * (rel - len(out))
        elif rel != len(out) and out:
            out += " "
        out += s.text or ""
    return out


@dataclass
class _Pending:
    """An annotation waiting for its offsets: where its passage starts in BioC (`bioc_offset`)
    and in our text (`placed`), and the passage's offset map when NFC normalization changed
    its text (None when it did not; one map per passage, shared by its annotations)."""

    annotation: BioCAnnotation
    bioc_offset: int
    placed: int
    remap: NfcOffsets | None


@dataclass
class _Layout:
    """A document's passages placed at their BioC offsets (see the module docstring)."""

    text: str
    title: str | None
    passages: list[dict[str, Any]]
    pending: list[_Pending]
    rebased: int  # passages appended after a newline: their offsets overlap earlier text
    far: list[int]  # offsets of passages appended after a newline: placing them would pad
    # the text past the record cap


def _doc_id(bdoc: BioCDocument, path: Path, index: int) -> str:
    """The document's id, else `<file name>:<record number>`."""
    doc_id = str(bdoc.id).strip() if bdoc.id not in (None, "") else ""
    return doc_id or f"{path.name.split('.')[0]}:{index + 1}"


def _is_title(ptype: Any, section_type: Any) -> bool:
    return str(ptype).lower() in TITLE_TYPES or str(section_type).upper() == "TITLE"


def _lay_out(bdoc: BioCDocument, max_chars: int) -> _Layout:
    """The text of the passages placed at their offsets, the title, the passages' places and
    the annotations to place (the passages' and sentences', then the document's own). No
    padding takes the text past `max_chars` (the record cap)."""
    pieces: list[str] = []
    cur = 0
    title: str | None = None
    passages: list[dict[str, Any]] = []
    pending: list[_Pending] = []
    rebased = 0
    far: list[int] = []
    for p in bdoc.passages:
        raw = _passage_text(p, max(0, max_chars - cur))  # the padding budget left
        if raw is None:
            continue
        ptext = normalize_text(raw)
        off = int(p.offset)
        if cur <= off and off + len(ptext) <= max_chars:
            gap = off - cur
            pad = (" " * (gap - 1) + "\n") if gap and pieces else " " * gap
        else:
            pad = "\n" if pieces else ""
            if off < cur:
                rebased += 1
            else:
                far.append(off)
        pieces.append(pad)
        placed = cur + len(pad)
        pieces.append(ptext)
        cur = placed + len(ptext)
        ptype = p.infons.get("type")
        section_type = p.infons.get("section_type")
        passages.append({"start": placed, "end": cur, "type": ptype,
                         "section_type": section_type})
        if title is None and _is_title(ptype, section_type):
            title = " ".join(ptext.split()) or None
        anns = list(p.annotations) + [a for s in p.sentences for a in s.annotations]
        remap = NfcOffsets(raw) if anns and ptext != raw else None
        pending.extend(_Pending(a, off, placed, remap) for a in anns)
    pending.extend(_Pending(a, 0, 0, None) for a in bdoc.annotations)
    return _Layout("".join(pieces), title, passages, pending, rebased, far)


def _place(item: _Pending, text: str) -> tuple[dict[str, Any] | None, str | None]:
    """(annotation row, None), or (None, why it was dropped), or (None, None) for an
    annotation without locations."""
    a = item.annotation
    if not a.locations:
        return None, None
    spans = []
    for bl in a.locations:
        s0 = int(bl.offset) - item.bioc_offset
        e0 = s0 + int(bl.length)
        if item.remap is not None:
            s0, e0 = item.remap(s0), item.remap(e0)
        spans.append((item.placed + s0, item.placed + e0))
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    atext = normalize_text(a.text) if a.text is not None else None
    infons = dict(a.infons)
    ok = 0 <= start <= end <= len(text)
    if ok and len(spans) == 1 and atext is not None and text[start:end] != atext:
        ok = False
    if not ok:
        found = text[start:end] if 0 <= start <= end <= len(text) else "<out of range>"
        return None, (f"annotation {atext!r} at {start}-{end} does not match the text there "
                      f"({found!r}); annotation dropped")
    ident = (infons.get("identifier") or infons.get("Identifier")
             or infons.get("MESH") or infons.get("NCBI Gene") or None)
    ann: dict[str, Any] = {"start": start, "end": end, "text": atext,
                           "type": infons.get("type"), "id": ident, "infons": infons}
    if len(spans) > 1:
        ann["locations"] = [[s, e] for s, e in spans]
    return ann, None


def _relations(bdoc: BioCDocument) -> list[dict[str, Any]]:
    """The document's relations, then its passages'."""
    return [{"id": r.id, "infons": dict(r.infons),
             "nodes": [{"refid": n.refid, "role": n.role} for n in r.nodes]}
            for r in list(bdoc.relations)
            + [r for p in bdoc.passages for r in p.relations]]


def _convert(bdoc: BioCDocument, source: str, index: int, path: Path,
             extra: dict[str, Any], loc: str, max_chars: int
             ) -> Iterator[Document | ErrorRecord]:
    """One BioC document as a Document, after an error row for each problem it has (no text,
    passages rebased, annotations whose offsets do not match the text)."""
    doc_id = _doc_id(bdoc, path, index)
    layout = _lay_out(bdoc, max_chars)
    text = layout.text
    if not text.strip():
        yield err(source, "empty_document", f"BioC document {doc_id} has no passage text", loc,
                  doc_id)
        return
    if layout.rebased:
        yield err(source, "passage_offsets",
                  f"{layout.rebased} passage(s) of BioC document {doc_id} overlap earlier text "
                  "(offsets missing or inconsistent); they were appended after a newline and "
                  "their annotations shifted", loc, doc_id)
    if layout.far:
        shown = ", ".join(f"{o:,}" for o in layout.far[:5]) + (
            " ..." if len(layout.far) > 5 else "")
        yield err(source, "passage_offsets",
                  f"{len(layout.far)} passage(s) of BioC document {doc_id} could not be placed "
                  f"at their offsets ({shown}) within the {max_chars:,}-character record cap; "
                  "they were appended after a newline and their annotations shifted",
                  loc, doc_id)
    annotations: list[dict[str, Any]] = []
    for item in layout.pending:
        ann, problem = _place(item, text)
        if problem is not None:
            yield err(source, "bad_offsets", problem, loc, doc_id)
        elif ann is not None:
            annotations.append(ann)
    annotations.sort(key=lambda a: (a["start"], a["end"]))
    relations = _relations(bdoc)
    meta: dict[str, Any] = dict(extra)
    if bdoc.infons:
        meta["infons"] = dict(bdoc.infons)
    meta["annotations"] = annotations
    if relations:
        meta["relations"] = relations
    meta["passages"] = layout.passages
    yield Document(doc_id=doc_id, text=text, source=source, format="bioc", title=layout.title,
                   meta=meta, location=loc)
