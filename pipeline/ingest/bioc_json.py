"""BioC JSON (PubTator3's export): `bioc.biocjson` parses each document of a collection object,
PubTator3's {"PubTator3": [...]}, a list of documents, or a file of one document per line (a
line holding several one after another read one by one, as JSON Lines' are: `json_parts`). Every
document is isolated: an offset that is not a number ("ten"), a wrong type, a lone surrogate
escape, JSON nested too deep or an integer of more digits than Python converts
(`json_values.load_json`) is one error row naming the file and line or record number, and the
rest is read (in a whole-file collection, a document nested too deep: `bioc_json_items`). A
whole-file collection (one JSON value) that does not parse at all is one "bad_json" row saying
every document in it is lost. An annotation location whose offset or length is no whole number
or is missing, or an annotation that is no JSON object or whose infons are no object (its type
and identifier are lost, as a bad location's place is), costs that annotation only (a
"bad_offsets" row); a relation that is no object, or whose infons or nodes cannot be read, costs
that relation only (a "bad_relation" row). A passage's or the document's infons that are no
object are read as none (a "bad_infons" row: the passage has no type, the document no infons in
`meta`; the text is all there). A passage or sentence that is no object costs its document (its
text cannot be read): a "bad_bioc" row naming it. Documents become `Document`s in
`bioc_document`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bioc.biocjson.decoder import parse_doc

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest.bioc_document import Absent, offset_number, to_documents
from pipeline.ingest.bioc_json_items import LIST_KEYS, document_or_row, documents_by_one
from pipeline.ingest.common import (
    BlankLines,
    CappedStream,
    Caps,
    InputTooLarge,
    check_failed_note,
    decode_utf8,
    err,
    garbage_row,
    iter_lines,
    read_into,
    too_large,
)
from pipeline.ingest.json_parts import line_parts, part_rows
from pipeline.ingest.json_values import (
    HugeNumber,
    bad_json_kind,
    bad_json_message,
    json_kind,
    json_problem,
    load_json,
    shown_id,
)
from pipeline.plural import plural

PUBTATOR3_EXTRA = ("pmid", "pmcid", "journal", "year", "authors", "date", "accessions")


def _fill(obj: dict[str, Any], dropped: list[tuple[str, str]]) -> dict[str, Any]:
    """A copy of a BioC JSON document with the keys `bioc.biocjson` requires defaulted
    (PubTator3 omits some of them). An annotation that is no JSON object or whose infons are no
    object, or a relation that is no object or whose infons or nodes cannot be read
    (`_relation_problem`), is left out, with its error row's kind and message in `dropped`
    ("bad_offsets", "annotation 2 of passage 1 is a JSON number, not an object; annotation
    dropped"): it costs itself, not the document. A passage's or the document's infons that
    are no object are {} (a "bad_infons" row in `dropped`). A passage or sentence that is no
    object, or whose offset is no whole number, raises `DocumentLost`: its text is lost, so is
    the document."""

    def anns(value: Any, where: str) -> list[dict[str, Any]]:
        out = []
        for k, a in enumerate(_listed(value), 1):
            problem = (f"is {json_kind(a)}, not an object" if not isinstance(a, dict)
                       else _infons_problem(a.get("infons")))
            if problem is None:
                out.append(ann(a))
            else:
                dropped.append(("bad_offsets", f"annotation {k} of {where} {problem}; "
                                "annotation dropped"))
        return out

    def ann(a: dict[str, Any]) -> dict[str, Any]:
        return {"id": a.get("id"), "infons": a.get("infons") or {}, "text": a.get("text"),
                "locations": [_location(loc) for loc in _listed(a.get("locations"))]}

    def infons(value: Any, where: str) -> Any:
        """`value` as the infons of `where` (a passage, the document), {} when it is no object
        (a "bad_infons" row): they hold a passage's type and a document's metadata, not its
        text, so it is read without them."""
        problem = _infons_problem(value)
        if problem is None:
            return value or {}
        dropped.append(("bad_infons", f"{where} {problem}; read without them"))
        return {}

    def rels(value: Any, where: str) -> list[dict[str, Any]]:
        out = []
        for k, r in enumerate(_listed(value), 1):
            problem = _relation_problem(r)
            if problem is None:
                out.append({"id": r.get("id"), "infons": r.get("infons") or {},
                            "nodes": [{"refid": n["refid"], "role": n.get("role") or ""}
                                      for n in r.get("nodes") or []]})
            else:
                dropped.append(("bad_relation", f"relation {k} of {where} {problem}; relation "
                                "dropped"))
        return out

    def sent(s: dict[str, Any], where: str) -> dict[str, Any]:
        return {"offset": _offset(s.get("offset"), where), "infons": s.get("infons") or {},
                "text": s.get("text"),
                "annotations": anns(s.get("annotations"), where),
                "relations": rels(s.get("relations"), where)}

    def passage(p: dict[str, Any], where: str) -> dict[str, Any]:
        out = {"offset": _offset(p.get("offset"), where),
               "infons": infons(p.get("infons"), where),
               "sentences": [sent(s, f"sentence {k} of {where}")
                             for k, s in _objects(p.get("sentences"), "sentence", where)],
               "annotations": anns(p.get("annotations"), where),
               "relations": rels(p.get("relations"), where)}
        if p.get("text") is not None:
            out["text"] = p["text"]
        return out

    return {"id": obj.get("id"), "infons": infons(obj.get("infons"), "the document"),
            "passages": [passage(p, f"passage {k}")
                         for k, p in _objects(obj.get("passages"), "passage", "the document")],
            "annotations": anns(obj.get("annotations"), "the document"),
            "relations": rels(obj.get("relations"), "the document")}


class DocumentLost(ValueError):
    """A passage or sentence that is no JSON object, or a passages or sentences value that is
    no list: the text it holds cannot be read; or a passage or sentence whose offset is no
    whole number: its text cannot be placed. Its document is lost (a bad_bioc row)."""


#: What a passage's or sentence's offset must be, said in the row of one that is not.
_OFFSET_EXPECTED = "(a passage's or sentence's \"offset\" is its character offset: a whole number)"


def _offset(value: Any, where: str) -> int:
    """The offset of the passage or sentence at `where`: 0 when missing, null or another empty
    value (as before); raises `DocumentLost` naming the key, the value and what was expected
    when it is no whole number (`bioc_document.offset_number`: "ten", Infinity, an array)."""
    if not value:
        return 0
    try:
        return offset_number(value, '"offset"')
    except ValueError as exc:
        raise DocumentLost(f"{where}: {exc} {_OFFSET_EXPECTED}") from None


def _objects(value: Any, what: str, where: str) -> list[tuple[int, dict[str, Any]]]:
    """The passages (`what` "passage") of a document or the sentences of a passage (at
    `where`), numbered from 1; raises `DocumentLost` for a value that is no list (null, missing
    or another empty value: none) or an element that is no object."""
    if not value:
        return []
    if not isinstance(value, list):
        raise DocumentLost(f"the {what}s of {where} are {json_kind(value)}, not a list: their "
                          "text cannot be read")
    for k, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise DocumentLost(f"{what} {k} of {where} is {json_kind(item)}, not an object: its "
                              "text cannot be read")
    return list(enumerate(value, 1))


def _relation_problem(r: Any) -> str | None:
    """Why a BioC JSON relation cannot be read ("is a JSON number, not an object"), or None:
    it is no object, its infons are no object, its nodes are no list, or a node is no object,
    has no "refid" or one that is no string or number, or a "role" that is no string (a
    missing or null "role" is "", BioC's default). Empty infons or nodes (null, [], "") are
    none, as before."""
    if not isinstance(r, dict):
        return f"is {json_kind(r)}, not an object"
    problem = _infons_problem(r.get("infons"))
    if problem is not None:
        return problem
    nodes = r.get("nodes")
    if not nodes:
        return None
    if not isinstance(nodes, list):
        return f"has nodes that are {json_kind(nodes)}, not a list"
    for k, n in enumerate(nodes, 1):
        if not isinstance(n, dict):
            return f"has node {k} that is {json_kind(n)}, not an object"
        refid, role = n.get("refid"), n.get("role")
        if refid is None or isinstance(refid, (bool, dict, list)):
            why = "no refid" if refid is None else f"a refid that is {json_kind(refid)}"
            return f"has node {k} with {why}"
        if role is not None and not isinstance(role, str):
            return f"has node {k} with a role that is {json_kind(role)}"
    return None


def _infons_problem(infons: Any) -> str | None:
    """Why the infons of an annotation, relation, passage or document cannot be read ("has
    infons that are a JSON array, not an object"), or None: they are an object, or empty
    (missing, null, [], ""), which is none."""
    if infons and not isinstance(infons, dict):
        return f"has infons that are {json_kind(infons)}, not an object"
    return None


def _listed(value: Any) -> list[Any]:
    """A list of annotations or locations as written: none for a missing key, null or another
    empty value, one for a single value not in a list."""
    if not value:
        return []
    return value if isinstance(value, list) else [value]


def _location(loc: Any) -> dict[str, Any]:
    """An annotation location for `bioc.biocjson`, which indexes "offset" and "length": a key
    left out, or a location that is no object, is `Absent` and costs the annotation only (a
    bad_offsets row from `bioc_document`), not the document."""
    if not isinstance(loc, dict):
        gone = Absent(f"is missing: the location is {json_kind(loc)}, not an object")
        return {"offset": gone, "length": gone}
    return {"offset": loc.get("offset", Absent()), "length": loc.get("length", Absent())}


_BY_LINE, _TOO_LARGE = "by line", "too large"  # what `_read_all` returns instead of bytes


class _Tail:
    """What the reads of a file met at its end: garbage after its gzip data
    (`CappedStream.garbage`), for the row after its documents."""

    garbage = False


_SAMPLE_LINES = 20  # non-blank lines `_one_document_per_line` looks at


def _read_all(path: Path, caps: Caps, tail: _Tail) -> bytes | str:
    """The whole (decompressed) file when it fits the per-record cap. Else _BY_LINE when it is
    one document per line (`_one_document_per_line`), also past the per-file cap or a read
    error (a cut or corrupt gzip stream): the documents before them are kept, the damage is
    reported where it is. Else (one JSON value, e.g. an indented collection) _TOO_LARGE, or the
    read error raised: one error row each, not one per line."""
    chunks: list[bytes] = []
    with CappedStream(path, caps.max_bytes) as stream:
        try:
            if read_into(stream, caps.record, chunks):
                data = b"".join(chunks)
                return _BY_LINE if _one_document_per_line(data, over_cap=True) else _TOO_LARGE
        except (InputTooLarge, EOFError, OSError):
            if _one_document_per_line(b"".join(chunks)):
                return _BY_LINE
            raise
        tail.garbage = stream.garbage
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
    """Whether a line is a JSON object, or JSON objects one after another
    (`json_parts.line_parts`) one of which parses (the first may be damaged)."""
    try:
        text = line.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return False
    try:
        return isinstance(load_json(text), dict)
    except (ValueError, RecursionError):
        parts = line_parts(text)
    return parts is not None and any(isinstance(part.value, dict) for part in parts)


def _json_line(line: bytes | int, i: int, source: str, caps: Caps
               ) -> Iterator[tuple[str, dict[str, Any] | ErrorRecord]]:
    """(location, document dict or error row) for the record on line `i`, or for each of the
    JSON objects one after another on it (`json_parts.line_parts`: "line N, part K")."""
    loc = f"line {i}"
    if isinstance(line, int):
        yield loc, err(source, "record_too_large", f"line is {line:,} bytes long, more than "
                       f"the {caps.record:,}-byte record cap (--max-record-mb); skipped", loc)
        return
    if not line.strip():
        return
    decoded = decode_utf8(line, source, base_line=i)
    if isinstance(decoded, ErrorRecord):
        yield loc, decoded
        return
    text = decoded.lstrip("\ufeff")
    try:
        one = load_json(text)
    except (ValueError, RecursionError) as exc:  # ValueError: JSONDecodeError's parent too
        parts = line_parts(text)  # (None over the bracket cap)
        if parts is None:
            yield loc, err(source, bad_json_kind(exc), bad_json_message(exc), loc)
            return
        for part in parts:  # (a part's value is an object: it is parsed from a "{")
            for item in part_rows(part, text, i, source, lambda value, _: [value]):
                yield f"{loc}, part {part.number}", item
        return
    if isinstance(one, dict):
        yield loc, one
    else:
        yield loc, err(source, "bad_bioc", "line is not a BioC document object", loc)


def _json_lines(path: Path, source: str, caps: Caps, tail: _Tail
                ) -> Iterator[tuple[str, dict[str, Any] | ErrorRecord]]:
    i = 0
    with CappedStream(path, caps.max_bytes) as stream:
        for line in iter_lines(stream, caps.record):
            i += line.count if isinstance(line, BlankLines) else 1
            if isinstance(line, BlankLines):
                continue
            yield from _json_line(line, i, source, caps)
        tail.garbage = stream.garbage


def _json_records(path: Path, source: str, caps: Caps, tail: _Tail
                  ) -> Iterator[tuple[str, dict[str, Any] | ErrorRecord]]:
    """(location, document dict or error) for each document of a BioC JSON file: one JSON
    value (a collection, PubTator3's export, a list of documents) read whole when the file fits
    the per-record cap; a file of one document per line read line by line when it does not
    parse whole or is over the cap; else one error row for the file."""
    data = _read_all(path, caps, tail)
    if data == _BY_LINE:
        yield from _json_lines(path, source, caps, tail)
        return
    if isinstance(data, str):  # _TOO_LARGE
        yield "line 1", err(source, "record_too_large", f"the file is one JSON value (not one "
                            f"document per line) longer than the {caps.record:,}-byte record "
                            "cap (--max-record-mb); every document in it is lost", "line 1")
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
            yield from _json_lines(path, source, caps, tail)
            return
        # a value nested too deep costs its document: the documents parsed one at a time
        items = documents_by_one(text, source) if isinstance(whole_exc, RecursionError) else None
        if items is not None:
            yield from items
            return
        where = (f"line {whole_exc.lineno}" if isinstance(whole_exc, json.JSONDecodeError)
                 else "line 1")
        yield where, err(source, bad_json_kind(whole_exc), f"{bad_json_message(whole_exc)}; "
                         "the file is one JSON value, so every document in it is lost", where)
        return
    docs = _documents(obj)
    if docs is None:
        yield "", err(source, "bad_bioc", "JSON is not a BioC collection, a list of BioC "
                      "documents or a PubTator3 export")
        return
    for i, d in enumerate(docs, 1):
        yield f"record {i}", document_or_row(d, source, f"record {i}")


def _documents(obj: Any) -> list[Any] | None:
    """The documents of a parsed BioC JSON file: the list under a collection's key
    (`bioc_json_items.LIST_KEYS`: PubTator3's export, a collection), a list of documents, or
    one document (an object with passages); None for anything else."""
    if isinstance(obj, list):
        return obj
    if not isinstance(obj, dict):
        return None
    listed = next((obj[k] for k in LIST_KEYS if isinstance(obj.get(k), list)), None)
    return listed if listed is not None else [obj] if "passages" in obj else None


def _json_document(item: dict[str, Any], source: str, index: int, path: Path, loc: str,
                   max_chars: int) -> Iterator[Document | ErrorRecord]:
    ident = item.get("id")
    doc_id = str(ident) if ident is not None and not isinstance(ident, HugeNumber) else None
    problem = json_problem(item)
    if problem is not None:
        safe = shown_id(doc_id) if doc_id else None
        yield err(source, problem[0], f"{problem[1]}; document skipped", loc, safe)
        return
    if not item.get("passages") and isinstance(item.get("text"), str):  # no BioC document
        yield err(source, "empty_document", f"document {doc_id or '(no id)'} has a 'text' "
                  "field but no passages: read as BioC (a 'documents' list); for documents of "
                  "id and text, "
                  "make the file JSON Lines, e.g. jq -c '.documents[]' FILE.json > FILE.jsonl",
                  loc, doc_id)
        return
    dropped: list[tuple[str, str]] = []
    try:
        bdoc = parse_doc(_fill(item, dropped))
    except DocumentLost as exc:
        yield err(source, "bad_bioc", f"malformed BioC document: {exc}; document skipped", loc,
                  doc_id)
        return
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        yield err(source, "bad_bioc", f"malformed BioC document: {exc!r}", loc, doc_id)
        return
    extra = {k: item[k] for k in PUBTATOR3_EXTRA if item.get(k) not in (None, "", [])}
    yield from to_documents(bdoc, source, index, path, extra, loc, max_chars, dropped)


def _after(last: str, index: int) -> str:
    """Where what follows record `index` (0-based) is: the next line in a file of one
    document per line, whose records are located by line ("line 13"), else the next record."""
    line = re.fullmatch(r"line (\d+)(?:, part \d+)?", last)
    return f"line {int(line.group(1)) + 1}" if line else f"record {index + 2}"


def read_bioc_json(path: Path, source: str, start: int, n_records: int | None, caps: Caps
               ) -> Iterator[Document | ErrorRecord]:
    end = None if n_records is None else start + n_records
    index = -1
    tail = _Tail()
    last = ""  # the last record's location: where a failure after it is
    try:
        for loc, item in _json_records(path, source, caps, tail):
            index += 1
            last = loc
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
            yield too_large(source, exc.cap, f"{plural(index + 1, 'record')} read, the rest "
                            "is lost", _after(last, index))
        return
    except EOFError as exc:
        if end is None or index + 1 < end:
            yield err(source, "truncated_gzip", f"gzip stream ends early ({exc}); "
                      f"{plural(index + 1, 'record')} read, the rest is lost", _after(last, index))
        return
    except OSError as exc:  # also corrupt gzip data (common._read1)
        if end is None or index + 1 < end:
            yield err(source, "unreadable", f"file could not be read to the end ({exc}); "
                      f"{plural(index + 1, 'record')} read, the rest is lost"
                      f"{check_failed_note(exc)}", _after(last, index))
        return
    if index < 0 and start == 0:
        yield err(source, "no_records", "no BioC documents found in the file")
    if tail.garbage and (end is None or index + 1 < end):
        yield garbage_row(source, _after(last, index))
