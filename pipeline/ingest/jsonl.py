"""JSON Lines: one document per line; id/text/title field names settable, the rest goes to meta.

Each line is a record on its own: a line that is not JSON, nested too deep (RecursionError),
holding an integer of more digits than Python converts (4,300; a plain ValueError from
`json.loads`, see `json_values.load_json`), longer than the per-record cap, or holding a lone
surrogate escape (`"\\ud800"`, text that is not encodable as UTF-8) or a NUL (`"\\u0000"`, no
text: a NUL byte refuses a txt file) in any field is one error row naming the file and line;
every other line is read. A line that does not parse whole but holds JSON values joined by
carriage returns alone (old Mac OS line endings, or two files joined) is read value by value,
each a record located "line N, part K", after one "bad_line_endings" row (`_joined`); so is a
line of JSON objects one after another with no newline between them (`{...}{...}`,
`json_parts.line_parts`), a damaged one costing that object only where its brackets and
quotes bound it, else the rest of the line. The file is streamed under the per-file
decompressed-byte cap.

Blocks: a runner reads a big file in blocks of lines (`pipeline.ingest.list_shards`). A block of
an uncompressed file starts at the byte offset found when the file was listed (`LineStart`), so
the blocks of a file read it about once in all; a block without one (gzip: there is no seeking
into a deflate stream) passes over the lines before it, counting newlines.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pipeline.documents import LONE_CR, Document, ErrorRecord, normalize_text
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    BlankLines,
    CappedStream,
    Caps,
    InputTooLarge,
    check_failed_note,
    decode_utf8,
    err,
    garbage_row,
    iter_lines,
    read_before,
    too_large,
)
from pipeline.ingest.head_checks import head_and_problem
from pipeline.ingest.json_parts import line_parts, part_rows
from pipeline.ingest.json_values import (
    HugeNumber,
    JsonTooLarge,
    bad_json_kind,
    bad_json_message,
    id_before_damage,
    json_kind,
    json_problem,
    load_json,
    no_id_note,
    not_a_name,
    shown_id,
)


def record_stem(path: Path, label: str | None = None) -> str:
    """What stands before ":<line>" in the doc_id of a record without an id: the file's name
    without its extensions, under "<label>/" when the file was found under one of several
    input folders."""
    name = path.name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return f"{label}/{name}" if label else name


log = logging.getLogger("pipeline.ingest")

# a JSON value's "}" or "]", the JSON whitespace after it (taken whole, never backtracked: a
# pattern that did took 0.5 s over a run of 10,000 CRs, 2 s over one of 20,000), the next
# one's "{" or "[": values joined, by carriage returns alone when the whitespace holds one
_JOIN = re.compile(r"[}\]]([ \t\n\r]*+)[{\[]")


@dataclass(frozen=True)
class LineStart:
    """Where a block of lines is in an uncompressed file, found while the file was listed (in
    the one pass that counts its lines): its first byte (0, or the one after the newline
    ending the line before the block), the byte after its last line (where the next block
    starts; None: the end of the file), and the file's size and modification time then. It
    holds for that file only: `open_at` checks it before a reader seeks there."""

    byte: int
    stop: int | None
    file_bytes: int
    mtime_ns: int


def open_at(path: Path, at: LineStart) -> tuple[IO[bytes] | None, str]:
    """The file open at `at.byte`, or None and why the offset no longer holds: the file's size
    or modification time is not the listed one, or the byte before the offset is no newline."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - handed to the caller's CappedStream, or closed
    except OSError as exc:
        return None, f"it cannot be opened ({exc})"
    try:
        st = os.fstat(fh.fileno())
        if st.st_size != at.file_bytes:
            why = f"its size is {st.st_size:,} bytes, not {at.file_bytes:,}"
        elif st.st_mtime_ns != at.mtime_ns:
            why = "its modification time changed"
        else:
            fh.seek(max(at.byte - 1, 0))
            if at.byte == 0 or fh.read(1) == b"\n":
                return fh, ""
            why = f"byte {at.byte - 1:,} is no longer a newline"
    except OSError as exc:
        why = f"it cannot be read ({exc})"
    fh.close()
    return None, why


def read_jsonl(
    path: Path,
    source: str,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    start: int = 0,
    n_records: int | None = None,
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    label: str | None = None,
    start_at: LineStart | None = None,
) -> Iterator[Document | ErrorRecord]:
    """Lines are records: `start` is the 0-based index of the first line to read, `n_records` how
    many lines (None = to the end). File-level problems are reported by the shard with start 0.
    A line without an id gets "<file stem>:<line>", prefixed with "<label>/" when the file
    was found under one of several input folders (see `pipeline.ingest`). `start_at`: where
    the block's lines are (an uncompressed file as listed): only those bytes are read (the
    file passed the head check when listed); when the file changed since (`open_at`), a
    warning, and the block is read as one without it: by counting lines from the start of the
    file as it is now, never from a stale offset."""
    fh, offset, stop = None, 0, None
    if start_at is not None:
        fh, why = open_at(path, start_at)
        if fh is not None:
            offset, stop = start_at.byte, start_at.stop
        else:
            log.warning("input %s changed since it was listed (%s): its block from line %d "
                        "is read by counting lines from the start of the file", source, why,
                        start + 1)
    if fh is None:
        _, bad = head_and_problem(path, source, per_record=True, limit=max_bytes)
        if bad is not None:
            if start == 0:
                yield bad
            return
    caps = Caps(max_bytes, max_record_bytes)
    stem = record_stem(path, label)
    end = None if n_records is None else start + n_records
    idx = start - 1  # the 0-based index of the last line read
    try:
        with CappedStream(path, caps.max_bytes, fh=fh, at=offset, stop=stop) as stream:
            for raw in iter_lines(stream, caps.record, skip=start if fh is None else 0):
                idx += raw.count if isinstance(raw, BlankLines) else 1
                if end is not None and idx >= end:
                    break
                if isinstance(raw, BlankLines):
                    continue
                if isinstance(raw, int):
                    yield err(source, "record_too_large", f"line is {raw:,} bytes long, more "
                              f"than the {caps.record:,}-byte record cap (--max-record-mb); "
                              "skipped", f"line {idx + 1}")
                    continue
                yield from _line(raw, idx + 1, stem, source, id_field, text_field, title_field)
            else:
                if stream.garbage:
                    yield garbage_row(source, f"line {idx + 2}")
    except InputTooLarge as exc:
        if end is None or idx + 1 < end:
            yield too_large(source, exc.cap, f"{read_before(idx + 1, 'line')}, the rest is lost",
                            f"line {idx + 2}")
    except EOFError as exc:
        if end is None or idx + 1 < end:
            yield err(source, "truncated_gzip",
                      f"gzip stream ends early ({exc}); the rest is lost", f"line {idx + 2}")
    except OSError as exc:  # also corrupt gzip data (common._read1)
        if end is None or idx + 1 < end:
            done = f"lines {start + 1}-{idx + 1} were read" if idx >= start else "no line read"
            yield err(source, "unreadable", f"file could not be read to the end ({exc}); "
                      f"{done}, the rest is lost{check_failed_note(exc)}", f"line {idx + 2}")



def _text_fields(obj: dict[str, Any], id_field: str, title_field: str) -> list[str]:
    """The fields of `obj` holding strings that could be its text (at most five)."""
    return [k for k, v in obj.items()
            if isinstance(v, str) and k not in (id_field, title_field)][:5]


def _line(
    raw: bytes, lineno: int, stem: str, source: str, id_field: str, text_field: str,
    title_field: str,
) -> Iterator[Document | ErrorRecord]:
    loc = f"line {lineno}"
    if raw.startswith(b"\xef\xbb\xbf"):  # the file's, or a joined file's (`cat a b`)
        raw = raw[3:]
    if not raw.strip():
        return
    decoded = decode_utf8(raw, source, base_line=lineno)
    if isinstance(decoded, ErrorRecord):
        yield decoded
        return
    try:
        obj: Any = load_json(decoded)
    except (ValueError, RecursionError) as exc:  # ValueError: JSONDecodeError's parent too
        joined = None if isinstance(exc, JsonTooLarge) else _joined(
            decoded, lineno, stem, source, id_field, text_field, title_field)
        if joined is not None:
            yield from joined
            return
        parts = line_parts(decoded)  # (None over the bracket cap)
        if parts is not None:
            for part in parts:
                yield from part_rows(part, decoded, lineno, source, lambda value, k:
                                     record_document(value, lineno, stem, source, id_field,
                                                     text_field, title_field, part=k),
                                     id_field=id_field)
            return
        message, doc_id = _damaged(exc, decoded, 0, id_field, "line")
        if next(_cr_joins(decoded), None) is not None:
            # JSON Lines ends lines with "\n": a file written with classic Mac OS line endings
            # is one line, and its first record's end looks like trailing data
            message += ("; the line holds carriage returns with no newline (a file with old "
                        "Mac OS line endings?): make them newlines (tr '\\r' '\\n')")
        yield err(source, bad_json_kind(exc), message, loc, doc_id)
        return
    yield from record_document(obj, lineno, stem, source, id_field, text_field, title_field)


def _damaged(exc: ValueError | RecursionError, text: str, start: int, id_field: str,
             unit: str) -> tuple[str, str | None]:
    """The message and doc_id of the row refusing the record at `start` of `text`, which did
    not parse (`exc`): its id when the id field comes, whole, before the damage
    (`json_values.id_before_damage`), as rows about one document carry it; else None, the
    message saying so (none is looked for in a record too large to parse)."""
    message = bad_json_message(exc)
    if isinstance(exc, JsonTooLarge):
        return message, None
    end = len(text.rstrip(" \t\r\n"))
    if isinstance(exc, json.JSONDecodeError) and exc.lineno > 1 and exc.pos >= end:
        # (json counts the line's newline: "line 2 column 1" of a one-line record)
        message = f"malformed JSON: {exc.msg}: at the end of the {unit}, column {end + 1}"
    doc_id = id_before_damage(text, id_field, start)
    return (message + no_id_note(id_field, unit) if doc_id is None else message), doc_id


def _cr_joins(decoded: str) -> Iterator[re.Match[str]]:
    """Where carriage returns alone join two JSON values on a line: a value's "}" or "]",
    JSON whitespace holding a CR not followed by a newline, the next one's "{" or "["."""
    return (m for m in _JOIN.finditer(decoded) if LONE_CR.search(m.group(1)))


def _cr_parts(decoded: str) -> Iterator[str]:
    """The parts of a line between carriage returns alone that join JSON values
    (`_cr_joins`). A raw CR is JSON's whitespace, never inside a valid string: a CR-joined
    value parses alone as on a line of its own."""
    begin = 0
    for m in _cr_joins(decoded):
        yield decoded[begin : m.start() + 1]
        begin = m.end() - 1
    yield decoded[begin:]


def _parsed(part: str) -> Any:
    """`load_json(part)`, or the exception it raised."""
    try:
        return load_json(part)
    except (ValueError, RecursionError) as exc:
        return exc


def _is_failure(value: Any) -> bool:
    """Whether `_parsed` gave the exception raised, not a value."""
    return isinstance(value, (ValueError, RecursionError))


def _joined(decoded: str, lineno: int, stem: str, source: str, id_field: str,
            text_field: str, title_field: str) -> Iterator[Document | ErrorRecord] | None:
    """The records of a line that does not parse whole but holds JSON values joined by
    carriage returns alone (`_cr_parts`): a row saying so, then each part's document or row,
    located "line N, part K"; None when the line has no such CR, or no part parses. The parts
    are parsed one at a time (a line of 2,000,000 "{}" holds no more at once)."""
    count = sum(1 for _ in _cr_joins(decoded)) + 1
    if count < 2 or all(_is_failure(_parsed(part)) for part in _cr_parts(decoded)):
        return None

    def rows() -> Iterator[Document | ErrorRecord]:
        yield err(source, "bad_line_endings", f"line holds {count:,} JSON values separated "
                  "by carriage returns alone, not newlines (old Mac OS line endings?): each is "
                  f"read as a record (line {lineno}, parts 1-{count}); make them newlines "
                  "(tr '\\r' '\\n')", f"line {lineno}")
        for k, part in enumerate(_cr_parts(decoded), 1):
            value = _parsed(part)
            if _is_failure(value):
                message, doc_id = _damaged(value, part, 0, id_field, "record")
                yield err(source, bad_json_kind(value), message, f"line {lineno}, part {k}",
                          doc_id)
            else:
                yield from record_document(value, lineno, stem, source, id_field, text_field,
                                           title_field, part=k)

    return rows()


def record_document(
    obj: Any, lineno: int, stem: str, source: str, id_field: str, text_field: str,
    title_field: str, *, fmt: str = "jsonl", element: int | None = None,
    part: int | None = None,
) -> Iterator[Document | ErrorRecord]:
    """The document of one parsed JSON record that starts on line `lineno`, or its error row:
    a JSON Lines line (or its part number `part`, when carriage returns alone join several
    records on it: `_joined`), or (`fmt` "json") element number `element` of a JSON array. A
    line without an id gets "<stem>:<lineno>", a part "<stem>:<lineno>.<part>", an element
    "<stem>:<element>" (its location names both): an array is often one line (pandas'
    `to_json`), whose elements a line cannot tell apart."""
    if element is not None:
        loc, unit, generated = f"line {lineno}, element {element}", "element", f"{element}"
    elif part is not None:
        loc, unit, generated = f"line {lineno}, part {part}", "record", f"{lineno}.{part}"
    else:
        loc, unit, generated = f"line {lineno}", "line", f"{lineno}"
    if not isinstance(obj, dict):
        hint = ("; a JSON array of documents is read as such from a .json file or with "
                "--format json" if isinstance(obj, list) and fmt == "jsonl" else "")
        yield err(source, "bad_json", f"{unit} is {json_kind(obj)}, expected an object{hint}",
                  loc)
        return
    raw_id = obj.get(id_field)
    kind = not_a_name(raw_id)
    if kind is not None:  # no id: str() would make "True", "['x']" or "nan"
        yield err(source, "bad_id", f"id field {id_field!r} is {kind}, expected a string or a "
                  f"finite number; {unit} skipped", loc)
        return
    doc_id = str(raw_id) if raw_id is not None else ""
    if not doc_id.strip():  # "" or "   ": no id (a blank doc_id names no document)
        doc_id = f"{stem}:{generated}"
    problem = json_problem(obj)
    if problem is not None:
        safe_id = None if isinstance(raw_id, HugeNumber) else shown_id(doc_id)
        yield err(source, problem[0], f"{problem[1]}; {unit} skipped", loc, safe_id)
        return
    text = obj.get(text_field)
    if not isinstance(text, str) or not text.strip():
        why = "missing" if text_field not in obj or text is None else (
            "empty" if isinstance(text, str) else f"{json_kind(text)}, not a string")
        fields = _text_fields(obj, id_field, title_field) if why == "missing" else []
        hint = ""
        if why == "missing" and isinstance(obj.get("passages"), list):
            # BioC documents whose "passages" detection did not see (past the head it reads)
            hint = "; it has BioC 'passages': read the file with --format bioc"
        elif fields:
            hint = (f"; --text-field names the field (this {unit}'s string fields: "
                    f"{', '.join(fields)})")
        yield err(source, "missing_text", f"text field {text_field!r} is {why}{hint}", loc,
                  doc_id)
        return
    title_val = obj.get(title_field)
    kind = not_a_name(title_val)
    if kind is not None:  # str() would make the title "['a']"
        yield err(source, "bad_title", f"title field {title_field!r} is {kind}, expected a "
                  f"string; {unit} skipped", loc, doc_id)
        return
    title = normalize_text(str(title_val)).strip() or None if title_val is not None else None
    meta = {k: v for k, v in obj.items() if k not in (id_field, text_field, title_field)}
    yield Document(
        doc_id=doc_id, text=normalize_text(text), source=source, format=fmt, title=title,
        meta=meta or None, location=loc,
    )
