"""PubTator: `PMID|t|title`, `PMID|a|abstract`, then tab-separated mention / relation lines;
records separated by blank lines. text = title + "\\n" + abstract, so PubTator offsets stay valid.
Mentions go to meta["annotations"] as {start, end, text, type, id}; relations to meta["relations"].
A line of a record is told by its tab-separated fields: a mention line has five or more (PMID,
start, end, text, type, then optional id and extra fields) and a start or an end that is, or
was meant to be, a number (digits, signs, separators); a relation line four or more (PMID, a
type and an id that are not numbers, more ids: BC5CDR's `PMID<TAB>CID<TAB>D016651<TAB>D003490`,
BioRED's `PMID<TAB>Association<TAB>D003409<TAB>D003924<TAB>Novel`; empty trailing fields
dropped). A mention whose offsets are not whole numbers ("x" beside a number, a superscript
digit, more digits than Python converts), are negative, have end before start, or do not match
the text is one "bad_offsets" row; any other line of the record (three fields, or four with a
number as the type: a mention line cut short) is one "bad_line" row. Either costs only that
line. Anything else that fails while a record is built is one "bad_record" row for that record:
the next record is read.

A record is held in memory until it ends, so it is capped as a whole (`max_record_bytes`): each
of its lines counts its bytes, a mention or relation line `LINE_COST` more for the Python
objects it becomes (its fields while read, its annotation dict after: about 560 bytes measured
for a short mention line; without this, a 20 MB record of 1M short mention lines, a 49 KB .gz,
held 560 MB). Past the cap the record is one "record_too_large" row, what was collected is
dropped and its remaining lines are skipped up to the next record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.documents import Document, ErrorRecord, normalize_text
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
    shown_name,
    shown_text,
    too_large,
)
from pipeline.ingest.head_checks import head_and_problem
from pipeline.ingest.nfc import NfcOffsets
from pipeline.plural import plural

TA_LINE = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$")
TA_BYTES = re.compile(rb"^\s*([^|\t\s]+)\|([ta])\|")
SNIFF = re.compile(rb"^\s*[^|\t\s]+\|[ta]\|", re.MULTILINE)
SNIFF_STRICT = re.compile(rb"^\s*\d+\|[ta]\|")
#: an offset, or a number where a relation line has its type: ASCII digits, maybe negative
#: ("²".isdigit() is true; int() also reads "1_000", "+5" and non-ASCII digits)
INTEGER = re.compile(r"\s*-?[0-9]+\s*")
#: bytes a mention or relation line costs against the record cap on top of its own bytes
LINE_COST = 512
# a PubTator line starting after a carriage return ("...\r123|a|...")
_CR_LINE = re.compile(rb"\r\d+\|[ta]\|")


@dataclass
class _Record:
    pmid: str
    line: int
    title: str | None = None
    abstract: str | None = None
    mentions: list[tuple[int, list[str]]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    #: where a title or abstract line could not be read: the record is then one error row
    damaged: str | None = None
    #: bytes held so far, counted against the record cap (see the module docstring)
    cost: int = 0
    #: the line at which the record passed the cap: its content is dropped, its lines skipped
    oversize: int | None = None

    @property
    def shown(self) -> str:
        """The PMID for an error message, cut when long (`shown_name`)."""
        return shown_name(self.pmid)

    def add_cost(self, n: int, cap: int, lineno: int) -> None:
        """Count `n` more bytes held; past `cap` drop what was collected (the title and
        abstract stay marked as seen, as "", so that a repeated one still starts a record)."""
        self.cost += n
        if self.oversize is None and self.cost > cap:
            self.oversize = lineno
        if self.oversize is not None:
            self.mentions, self.relations = [], []
            self.title = None if self.title is None else ""
            self.abstract = None if self.abstract is None else ""


def _decode(raw: bytes | int, lineno: int, source: str, caps: Caps, rec: _Record | None
            ) -> str | ErrorRecord:
    """One line as text, or the error row for a line too long or not UTF-8."""
    if isinstance(raw, int):
        return err(source, "record_too_large", f"line is {raw:,} bytes long, more than the "
                   f"{caps.record:,}-byte record cap (--max-record-mb); skipped", f"line {lineno}",
                   rec.pmid if rec is not None else None)
    if raw.startswith(b"\xef\xbb\xbf"):  # the file's, or a joined file's (`cat a b`)
        raw = raw[3:]
    if b"\x00" in raw:  # text has none; the file's head check leaves a NUL to its line
        pos = raw.index(b"\x00")
        return err(source, "binary_file", f"line contains a NUL byte (at byte {pos} of the "
                   "line); not text, skipped", f"line {lineno}, byte {pos}")
    return decode_utf8(raw, source, base_line=lineno)


class _Reader:
    """One pass over a PubTator file: the record being read, and how many were finished.

    `start`/`end` select the records (0-based, in file order) whose rows are yielded; a line's
    own error row is yielded when the record it belongs to is selected.
    """

    def __init__(self, source: str, caps: Caps, start: int, end: int | None) -> None:
        self.source, self.caps, self.start, self.end = source, caps, start, end
        self.index = -1  # of the last finished record
        self.rec: _Record | None = None

    def next_selected(self) -> bool:
        i = self.index + 1
        return i >= self.start and (self.end is None or i < self.end)

    def done(self) -> bool:
        return self.end is not None and self.index + 1 >= self.end and self.rec is None

    def finish(self, rec: _Record) -> Iterator[Document | ErrorRecord]:
        """The record's rows; a failure building it is one "bad_record" row for it alone."""
        selected = self.next_selected()
        self.index += 1
        if not selected:
            return
        if rec.oversize is not None:
            yield err(self.source, "record_too_large", f"PubTator record {rec.shown} holds more "
                      f"than the {self.caps.record:,}-byte record cap (--max-record-mb; a "
                      f"mention or relation line counts {LINE_COST} bytes more than its length) "
                      f"at line {rec.oversize}; skipped, reading goes on at the next record",
                      f"line {rec.line}", rec.pmid)
            return
        try:
            rows = list(_build(rec, self.source))
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            rows = [err(self.source, "bad_record", f"PubTator record {rec.shown} could not be "
                        f"read ({type(exc).__name__}: {exc}); skipped", f"line {rec.line}",
                        rec.pmid)]
        yield from rows

    def close(self) -> Iterator[Document | ErrorRecord]:
        if self.rec is not None:
            rec, self.rec = self.rec, None
            yield from self.finish(rec)

    def line(self, lineno: int, raw: bytes | int) -> Iterator[Document | ErrorRecord]:
        decoded = _decode(raw, lineno, self.source, self.caps, self.rec)
        if isinstance(decoded, ErrorRecord):
            skipping = self.rec is not None and self.rec.oversize is not None
            finished, self.rec, decoded = _damaged(raw, lineno, self.rec, decoded)
            if finished is not None:
                yield from self.finish(finished)
            elif skipping:  # a line of a record already given up on: skipped with it
                return
            if self.next_selected():
                yield decoded
            return
        size = len(raw) if isinstance(raw, bytes) else 0  # an over-long line is an error above
        line = decoded.rstrip("\r\n")
        if not line.strip():
            yield from self.close()
            return
        m = TA_LINE.match(line)
        if m:
            yield from self._text_line(lineno, m.group(1).strip(), m.group(2), m.group(3))
            if self.rec is not None:
                self.rec.add_cost(size, self.caps.record, lineno)
        else:
            yield from self._annotation_line(lineno, line.split("\t"), size + LINE_COST)

    def _text_line(self, lineno: int, pmid: str, kind: str, body: str
                   ) -> Iterator[Document | ErrorRecord]:
        """A title or abstract line: another PMID, or a second title or abstract, starts a
        new record (PubTator files do not always separate records by blank lines)."""
        rec = self.rec
        if rec is not None and (
            rec.pmid != pmid
            or (kind == "t" and rec.title is not None)
            or (kind == "a" and rec.abstract is not None)
        ):
            yield from self.close()
        if self.rec is None:
            self.rec = _Record(pmid=pmid, line=lineno)
        if kind == "t":
            self.rec.title = body
        else:
            self.rec.abstract = body

    def _annotation_line(self, lineno: int, parts: list[str], cost: int
                         ) -> Iterator[ErrorRecord]:
        rec = self.rec
        if rec is not None and rec.oversize is not None:
            return  # a line of a record given up on: skipped up to the next record
        if rec is not None and len(parts) >= 3 and parts[0].strip() == rec.pmid:
            if len(parts) >= 5 and (_numberlike(parts[1]) or _numberlike(parts[2])):
                rec.mentions.append((lineno, parts))  # offsets checked when the record is built
            elif len(parts) >= 4 and not _numberlike(parts[1]) and not _numberlike(parts[2]):
                # (BioRED's relations have a fifth field, "Novel"; a trailing tab an empty one)
                args = parts[2:]
                while args and not args[-1].strip():
                    args.pop()
                rec.relations.append({"type": parts[1], "args": args})
            elif self.next_selected():
                yield err(self.source, "bad_line", f"PubTator line of record {rec.shown} has "
                          f"{len(parts)} tab-separated fields {_shown(parts)}: neither a mention "
                          "line (PMID, start, end, text, type[, id]) nor a relation line (PMID, "
                          "type, id, id); line skipped", f"line {lineno}", rec.pmid)
            rec.add_cost(cost, self.caps.record, lineno)
            return
        if self.next_selected():
            what = (f"annotation line for PMID {shown_text(parts[0])} outside record "
                    f"{shown_text(rec.pmid)}"
                    if rec is not None and len(parts) >= 3
                    else "line is not a PubTator title, abstract or annotation line")
            yield err(self.source, "bad_line", what, f"line {lineno}")


def _numberlike(field: str) -> bool:
    """A field that is, or was meant to be, an offset: digits, signs and separators only
    ("12", "-5", "1_0", "²"); "CID", "Association", "D003409" are not."""
    f = field.strip()
    return bool(f) and all(ch.isdigit() or ch in "+-_,." for ch in f)


def read_pubtator(
    path: Path, source: str, start: int = 0, n_records: int | None = None, *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[Document | ErrorRecord]:
    """`start`/`n_records` select records (0-based, in file order) for sharding. Streamed under
    the per-file byte cap; a line longer than the per-record cap is an error row."""
    caps = Caps(max_bytes, max_record_bytes)
    head, bad = head_and_problem(path, source, per_record=True, limit=max_bytes)
    if bad is None and b"\n" not in head and _CR_LINE.search(head):
        # PubTator ends lines with "\n": with classic Mac OS line endings the whole file is
        # one record's title line, and every other record would be lost inside it
        bad = err(source, "bad_line_endings", "the lines end in carriage returns only (old Mac "
                  "OS line endings), which PubTator has not: make them newlines "
                  "(tr '\\r' '\\n') and read the file again", "line 1")
    if bad is not None:
        if start == 0:
            yield bad
        return
    end = None if n_records is None else start + n_records
    reader = _Reader(source, caps, start, end)
    lineno = 0
    try:
        with CappedStream(path, caps.max_bytes) as stream:
            for raw in iter_lines(stream, caps.record):
                if reader.done():
                    break
                if isinstance(raw, BlankLines):  # a blank line ends the record
                    lineno += raw.count
                    yield from reader.close()
                    continue
                lineno += 1
                yield from reader.line(lineno, raw)
            yield from reader.close()
            if stream.garbage and (end is None or reader.index + 1 < end):
                yield garbage_row(source, f"line {lineno + 1}")
    except InputTooLarge as exc:
        if end is None or reader.index + 1 < end:
            yield too_large(source, exc.cap, f"{plural(reader.index + 1, 'record')} read, the "
                            "rest is lost", f"record {reader.index + 2}")
        return
    except EOFError as exc:
        if end is None or reader.index + 1 < end:
            yield _cut(source, reader, lineno, exc)
        return
    except OSError as exc:  # also corrupt gzip data (common._read1)
        if end is None or reader.index + 1 < end:
            yield err(source, "unreadable", f"file could not be read to the end ({exc}); "
                      f"{plural(reader.index + 1, 'record')} read, the rest is lost"
                      f"{check_failed_note(exc)}", f"record {reader.index + 2}")
        return
    if reader.index < 0 and start == 0:
        yield err(source, "no_records",
                  "no PubTator records (no `PMID|t|` / `PMID|a|` lines) found")


def _cut(source: str, reader: _Reader, lineno: int, exc: EOFError) -> ErrorRecord:
    """The row for a gzip stream cut after line `lineno`: it names the record the cut is in
    (lost: its lines after the cut are missing), else where the next record would start."""
    n = reader.index + 2
    rec = reader.rec
    if rec is not None:
        what = f"record {n} (PMID {rec.shown}) starting at line {rec.line} is cut"
        where, doc_id = f"line {rec.line}, record {n}", rec.pmid
    else:
        what = f"the stream ends after line {lineno}"
        where, doc_id = f"line {lineno + 1}, record {n}", None
    return err(source, "truncated_gzip", f"gzip stream ends early ({exc}): {what}; "
               f"{plural(n - 1, 'record')} read, the rest is lost", where, doc_id)


def _damaged(raw: bytes | int, lineno: int, rec: _Record | None, row: ErrorRecord
             ) -> tuple[_Record | None, _Record | None, ErrorRecord]:
    """An unreadable line: when it is a title or abstract line, its record (a new one when the
    PMID differs; the previous one is then finished and returned first) is marked damaged, so
    that it becomes one error row rather than a document missing its text; the line's error
    row gets the PMID. Returns (finished record or None, current record, error row)."""
    m = TA_BYTES.match(raw) if isinstance(raw, bytes) else None
    if m is None:
        return None, rec, row
    pmid = m.group(1).decode("utf-8", "replace")
    finished = None
    if rec is not None and rec.pmid != pmid:
        finished, rec = rec, None
    if rec is None:
        rec = _Record(pmid=pmid, line=lineno)
    rec.damaged = f"line {lineno}"
    return finished, rec, replace(row, doc_id=pmid)


def _offset(field: str) -> int | None:
    """A mention offset as an int (maybe negative), or None when it is not a whole number or
    has more digits than int() converts."""
    if INTEGER.fullmatch(field) is None:
        return None
    try:
        return int(field)
    except ValueError:  # over sys.get_int_max_str_digits()
        return None


def _shown(parts: list[str]) -> str:
    """A line's fields for an error message, each cut to 20 characters."""
    return "(" + ", ".join(repr(p[:20]) for p in parts) + ")"


def _build(rec: _Record, source: str) -> Iterator[Document | ErrorRecord]:
    loc = f"line {rec.line}"
    if rec.damaged is not None:
        yield err(source, "bad_record", f"PubTator record {rec.shown}: its title or abstract "
                  f"line ({rec.damaged}) could not be read; the record was skipped", loc,
                  rec.pmid)
        return
    raw_title = rec.title or ""
    title = rec.title if raw_title.strip() else None
    has_abstract = rec.abstract is not None and rec.abstract.strip() != ""
    if title is None and not has_abstract:
        yield err(source, "empty_record", f"PubTator record {rec.shown} has neither title nor "
                  "abstract text", loc, rec.pmid)
        return
    raw = raw_title + "\n" + (rec.abstract or "") if has_abstract else raw_title
    raw = raw[1:] if raw.startswith("\ufeff") else raw
    text = normalize_text(raw)
    remap = NfcOffsets(raw) if text != raw else None  # built once: offsets looked up after
    if not has_abstract:
        yield err(source, "no_abstract", f"PubTator record {rec.shown} has no abstract; the "
                  "document was kept with the title as its only text", loc, rec.pmid)
    elif title is None:
        what = "no title line" if rec.title is None else "an empty title line"
        yield err(source, "no_title", f"PubTator record {rec.shown} has {what}; the abstract "
                  "was kept (text starts with an empty title line so offsets stay valid)",
                  loc, rec.pmid)
    annotations: list[dict[str, Any]] = []
    for lineno, parts in rec.mentions:
        start, end = _offset(parts[1]), _offset(parts[2])
        if start is None or end is None:
            yield err(source, "bad_offsets", f"mention offsets {parts[1][:20]!r}-"
                      f"{parts[2][:20]!r} are not whole numbers Python can read; mention "
                      "dropped", f"line {lineno}", rec.pmid)
            continue
        if start < 0 or end < start:
            yield err(source, "bad_offsets", f"mention offsets {start}-{end}: the start must "
                      "be 0 or more and the end not before it; mention dropped",
                      f"line {lineno}", rec.pmid)
            continue
        mtext = parts[3]
        if remap is not None:
            start, end, mtext = remap(start), remap(end), normalize_text(mtext)
        if not (0 <= start <= end <= len(text)) or text[start:end] != mtext:
            found = text[start:end] if 0 <= start <= end <= len(text) else "<out of range>"
            yield err(source, "bad_offsets", f"mention {shown_text(mtext)} at {parts[1]}-"
                      f"{parts[2]} does not match the text there ({shown_text(found)}); mention "
                      "dropped", f"line {lineno}", rec.pmid)
            continue
        ann: dict[str, Any] = {"start": start, "end": end, "text": mtext, "type": parts[4],
                               "id": parts[5] if len(parts) > 5 and parts[5] != "" else None}
        if len(parts) > 6:
            ann["extra"] = parts[6:]
        annotations.append(ann)
    meta: dict[str, Any] = {"annotations": annotations}
    if rec.relations:
        meta["relations"] = rec.relations
    if not has_abstract:
        meta["has_abstract"] = False
    yield Document(
        doc_id=rec.pmid, text=text, source=source, format="pubtator",
        title=normalize_text(title).strip() or None if title is not None else None,
        meta=meta, location=loc,
    )


def sniff_pubtator(head: bytes, strict: bool = True) -> bool:
    return bool((SNIFF_STRICT if strict else SNIFF).match(head))
