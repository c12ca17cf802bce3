"""The decompressed byte stream of an XML file cut into records by their start and end tags
(`Scanner`, `scan`), skipping comments and CDATA sections, each record's bytes or the problem
that cost it (`Raw`: no end tag, too long, a comment or CDATA section never closed, ...),
and a run of unpaired record tags without an id made one row (`runs_merged`). Split from
`xmlrecords`, which reads the prolog, parses each record's bytes and writes the rows, by its
job; its docstring says what each kind of damage gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pipeline.ingest.common import CappedStream
from pipeline.plural import noun, plural


class Scanner:
    """Cuts the byte stream into records (see the module docstring). Its state says where it
    stopped when the stream ends or fails: the open record (`in_rec`, `index`, `rec_line`)."""

    def __init__(self, stream: CappedStream, tags: set[str], root: str, max_record: int,
                 id_of: Callable[[bytes], str | None]) -> None:
        names = b"|".join(re.escape(t.encode()) for t in sorted(tags, key=len, reverse=True))
        # one literal "<" in front of every alternative: re's fast scan for it stays on
        local, prefix = local_name(root)
        end_root = b"" if local in tags else b"|(/" + re.escape(root.encode()) + rb")(?=[\s>])"
        # a root with a namespace prefix (<pm:PubmedArticleSet xmlns:pm=...>): record tags may
        # carry it (only then is the pattern longer)
        qualified = b"(?:" + re.escape(prefix.encode()) + b")?" if prefix else b""
        self.pattern = re.compile(rb"<(?:(!--)|(!\[CDATA\[)|(/?)" + qualified + b"("
                                  + names + rb")(?=[\s/>])" + end_root + b")")
        # a record's start or end tag alone (`_unclosed`: where a record with an unclosed
        # comment or CDATA section ends)
        self.record_tag = re.compile(rb"<(/?)" + qualified + b"(?:" + names + rb")(?=[\s/>])")
        self.stream = stream
        self.max_record = max_record
        self.id_of = id_of
        # All positions are absolute offsets into buf; bytes before `start` are dropped
        # (logically at once, physically when the next chunk is appended: no copy per record;
        # a bytearray, so dropping the head and appending cost the bytes moved, not the buffer).
        self.buf = bytearray()
        self.start = 0  # first byte still needed: the open record's start tag, when in_rec
        self.lines_before = 0  # newlines in the file before buf[start]
        self.root_closed = False
        self.index = -1  # last record started
        self.in_rec = False
        self.oversize = False
        self.rec_line = 0
        self.pos = 0
        self.skipping = False  # held bytes were given up on; nothing complete read since
        # "-->" or "]]>" -> (a, b): none starts in buf[a:b]; one opened in there is searched
        # for from b (each of many unclosed ones searched the cap's worth of bytes held)
        self.unclosed: dict[bytes, tuple[int, int]] = {}

    def line_at(self, pos: int) -> int:
        return self.lines_before + self.buf.count(b"\n", self.start, pos) + 1

    def drop(self, upto: int) -> None:
        self.lines_before += self.buf.count(b"\n", self.start, upto)
        self.start = upto
        self.pos = max(self.pos, upto)

    def append(self, chunk: bytes) -> None:
        del self.buf[:self.start]
        self.buf += chunk
        self.pos -= self.start
        self.unclosed = {k: (a - self.start, b - self.start)
                         for k, (a, b) in self.unclosed.items()}
        self.start = 0

    def find_close(self, close: bytes, frm: int) -> int:
        """Where `close` ("-->", "]]>") is first found from `frm` on, or -1."""
        a, b = self.unclosed.get(close, (0, 0))
        at = self.buf.find(close, b if a <= frm < b else frm)
        if at < 0:
            self.unclosed[close] = (frm, max(len(self.buf) - len(close) + 1, frm))
        return at

    def kept(self) -> bytes:
        return bytes(self.buf[self.start:])

    def open_record(self) -> bool:
        """True when the stream stopped inside a record that was being kept."""
        return self.in_rec and not self.oversize


@dataclass
class Raw:
    """A record cut from the stream: its bytes, or a problem (error kind, message)."""

    index: int
    line: int
    data: bytes | None
    problem: tuple[str, str] | None = None
    ident: str | None = None  # the record's id, read from damaged bytes when possible
    # a tag without its other half ("start": no end tag, "end": no start tag): a run of them,
    # none with an id, is one row (`runs_merged`)
    unpaired: str | None = None


def _too_long(sc: Scanner) -> Raw:
    return Raw(sc.index, sc.rec_line, None, (
        "record_too_large", f"record is longer than {sc.max_record:,} bytes "
        "(--max-record-mb); skipped, reading goes on after it"),
        sc.id_of(bytes(sc.buf[sc.start:sc.start + 65536])))


def _need_more(sc: Scanner, hold: int | None) -> Iterator[Raw]:
    """Before reading on: drop what is no longer needed (bytes between records; an over-long
    record's bytes), keeping from `hold` (a tag, comment or CDATA seen but not complete yet)
    unless that is longer than max_record_bytes: then it is given up on (see `_give_up`)."""
    if sc.in_rec and not sc.oversize and len(sc.buf) - sc.start > sc.max_record:
        sc.oversize = True
        yield _too_long(sc)
    if hold is not None and len(sc.buf) - hold > sc.max_record:
        yield from _give_up(sc, hold)
        hold = None
    resume = hold if hold is not None else max(sc.pos, len(sc.buf) - 64)
    if not sc.in_rec:  # (kept: the 64 KB an end tag without its start looks for an id in)
        sc.drop(min(resume, max(sc.start, len(sc.buf) - 65536)))
    elif sc.oversize:
        sc.drop(resume)
    sc.pos = resume  # a kept record's bytes are not scanned again


def _give_up(sc: Scanner, hold: int) -> Iterator[Raw]:
    """An unclosed construct from `hold` on (comment, CDATA, tag) holds more than max_record
    bytes: one error row (none inside a record already reported as too large), the held bytes
    are dropped and scanning resynchronises on what follows (the next record's start tag).
    Without this the bytes up to the end of the file were kept (memory and time unbounded)."""
    what = bytes(sc.buf[hold:hold + 4])
    line = sc.line_at(hold)
    sc.skipping = True
    sc.pos = max(sc.pos, hold + 1)  # never the same construct twice, even with a tiny cap
    if sc.in_rec:  # the record is over-long already (hold >= start): reported once, above
        return
    if what.startswith((b"<!--", b"<![C", b"</")):
        kind = {b"<!--": "comment", b"<![C": "CDATA section"}.get(what, "end tag")
        yield Raw(sc.index + 1, line, None, (
            "bad_xml", f"{kind} at line {line} is not closed within {sc.max_record:,} bytes "
            "(--max-record-mb); skipped up to the next record"))
        return
    sc.index += 1  # an unclosed record start tag: that record is lost
    sc.in_rec, sc.oversize, sc.rec_line = True, True, line
    yield Raw(sc.index, line, None, (
        "bad_xml", f"record start tag at line {line} is not closed within "
        f"{sc.max_record:,} bytes (--max-record-mb); record skipped"),
        sc.id_of(bytes(sc.buf[hold:hold + 65536])))


def scan(sc: Scanner) -> Iterator[Raw]:
    """Records in file order. Raises InputTooLarge / EOFError / OSError from the stream."""
    while True:
        m = sc.pattern.search(sc.buf, sc.pos)
        gt = -1
        if m is not None:
            if m.group(1) or m.group(2):
                close = b"-->" if m.group(1) else b"]]>"
                gt = sc.find_close(close, m.end())
                if (gt >= 0 and sc.in_rec and not sc.oversize and gt - sc.start > sc.max_record
                        and sc.record_tag.search(sc.buf, m.end(), gt)):
                    # closed past the cap, after record tags, in bytes held by chance (the
                    # chunk read last): as one closed in a later chunk, not at all
                    # (`_unclosed`), not a record "too large" for the records it took in
                    gt = -1
                elif gt >= 0:
                    sc.pos = gt + len(close)
                    continue
            elif m.lastindex == 5:
                sc.root_closed = True
                sc.pos = m.end()
                continue
            else:
                gt = sc.buf.find(b">", m.end())
        if m is None or gt < 0:
            if m is not None and (bad := _unclosed(sc, m, at_end=False)):
                yield bad
                continue
            yield from _need_more(sc, m.start() if m is not None else None)
            chunk = sc.stream.read()
            if not chunk:
                if m is not None and (bad := _unclosed(sc, m, at_end=True)):
                    yield bad
                    continue
                return
            sc.append(chunk)
            continue
        name = m.group(4).decode()
        if m.group(3) != b"/":
            yield from _start_tag(sc, m.start(), gt, name)
        elif not sc.in_rec:  # an end tag whose start tag is damaged or missing
            sc.index += 1
            line = sc.line_at(m.start())
            ident = sc.id_of(bytes(sc.buf[max(m.start() - 65536, sc.start):m.start()]))
            yield Raw(sc.index, line, None, (
                "bad_xml", f"end tag </{name}> at line {line} without its start tag (the "
                "record's start is damaged); record skipped"), ident, "end")
            sc.drop(gt + 1)  # (the next one's id is looked for after it, not in this record)
        else:
            if not sc.oversize:
                yield _complete(sc, gt + 1)
            sc.drop(gt + 1)
            sc.in_rec = False


def _unclosed(sc: Scanner, m: re.Match[bytes], *, at_end: bool) -> Raw | None:
    """The row for a kept record holding a comment or CDATA section (`m`) that is never closed:
    the file ends first (`at_end`), or the record's bytes pass the record cap; None when that
    is not so or no record tag follows it. Such a construct is damage to that record alone:
    read as XML reads it, it took in every later record (a file's last 30 MB of records for one
    missing "]]>", in one truncated_xml row). Scanning goes on at the first record tag after
    it: an end tag closes the record without a row; a start tag (the record has no end tag
    either) starts the next record, which is read. (A comment or CDATA section closed later
    holds what it holds, end tags too.)"""
    if not (m.group(1) or m.group(2)) or not sc.in_rec or sc.oversize:
        return None
    if not at_end and len(sc.buf) - sc.start <= sc.max_record:
        return None
    tag = sc.record_tag.search(sc.buf, m.end())
    if tag is None:
        return None
    kind = "comment" if m.group(1) else "CDATA section"
    line = sc.line_at(m.start())
    ident = sc.id_of(bytes(sc.buf[sc.start:m.start()]))
    sc.oversize, sc.pos = True, tag.start()  # (reported: its bytes are not kept)
    until = ("the record's end tag" if tag.group(1) else
             f"the next record's start tag <{tag.group().decode(errors='replace')[1:]}>, and "
             "the record has no end tag")
    return Raw(sc.index, sc.rec_line, None, (
        "bad_xml", f"record {id_text(ident)}has a {kind} at line {line} that is not closed "
        f"before {until} (line {sc.line_at(tag.start())}); record skipped, reading goes on "
        "after it"), ident)


def runs_merged(raws: Iterator[Raw]) -> Iterator[Raw]:
    """`raws`, each run of consecutive records that are one unpaired tag of one kind and hold
    no id (`<PubmedArticle>` written 10,000 times in a row) as one row naming the first record,
    the run's length and its last line: one per tag was 20,000 rows for 300 KB of damage. A
    run is held as its first and last record and its length (a list of them took GBs for the
    67 million tags a 1 GiB file holds). A read error ends the run's row before it is raised."""
    run: tuple[Raw, Raw, int] | None = None  # (first, last, length)
    try:
        for raw in raws:
            if run and (raw.unpaired != run[0].unpaired or raw.ident is not None
                        or raw.index != run[1].index + 1):
                yield _merged(*run)
                run = None
            if raw.unpaired is not None and raw.ident is None:
                run = (run[0], raw, run[2] + 1) if run else (raw, raw, 1)
            else:
                yield raw
    except Exception:
        if run:
            yield _merged(*run)
        raise
    if run:
        yield _merged(*run)


def _merged(first: Raw, last: Raw, n: int) -> Raw:
    if n == 1:
        return first
    assert first.problem is not None
    what = "start tags without an end tag" if first.unpaired == "start" else \
        "end tags without a start tag"
    return Raw(first.index, first.line, None, (first.problem[0], (
        f"{first.problem[1]}; so {noun(n - 1, 'is', 'are')} the {plural(n - 1, 'record')} "
        "after it, to record "
        f"{last.index + 1} at line {last.line}: {n:,} {what} in a row, none with an id")))


def _complete(sc: Scanner, end: int) -> Raw:
    if end - sc.start > sc.max_record:
        return _too_long(sc)
    return Raw(sc.index, sc.rec_line, bytes(sc.buf[sc.start:end]))


def _start_tag(sc: Scanner, at: int, gt: int, name: str) -> Iterator[Raw]:
    if sc.in_rec and not sc.oversize:
        ident = sc.id_of(bytes(sc.buf[sc.start:at]))
        yield Raw(sc.index, sc.rec_line, None, (
            "bad_xml", f"record {id_text(ident)}has no end tag: the next <{name}> starts at "
            f"line {sc.line_at(at)} first; record skipped"), ident, "start")
    sc.drop(at)
    sc.skipping = False
    sc.index += 1
    sc.in_rec, sc.oversize, sc.rec_line = True, False, sc.line_at(at)
    if sc.buf[gt - 1:gt] == b"/":  # <DeleteCitation/>: a complete empty record
        yield _complete(sc, gt + 1)
        sc.drop(gt + 1)
        sc.in_rec = False
    else:
        sc.pos = gt + 1


def id_text(ident: str | None) -> str:
    return f"(id {ident}) " if ident else ""


def local_name(name: str) -> tuple[str, str]:
    """(local name, namespace prefix with its colon) of a tag name: `pm:PMID` -> (`PMID`,
    `pm:`); a name without a prefix -> (name, "")."""
    prefix, colon, local = name.rpartition(":")
    return local, prefix + colon
