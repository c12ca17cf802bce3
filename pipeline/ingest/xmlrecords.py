"""XML read one record at a time: damage costs exactly the damaged record.

Why a record-at-a-time reader rather than one streaming parse of the whole file (or lxml's
recover mode): a streaming parser stops for good at the first syntax error, so every record
after a damaged one was lost; recover mode goes on but guesses, and can silently merge two
records or drop text, which would turn damage into wrong documents instead of error rows.
Instead, the decompressed byte stream is scanned for the record elements' start and end tags
(`<PubmedArticle ...>` ... `</PubmedArticle>`, skipping comments and CDATA sections) and each
record's bytes are parsed on their own by a strict, safe lxml parser: resolve_entities=False,
no_network=True, load_dtd=False, huge_tree=False (the same safety as before). Each record is
wrapped in the file's XML declaration and root start tag, so its encoding and namespace
declarations still apply; a parsed record's tags lose their namespace (the readers look
elements up by their plain names), and a root with a namespace prefix
(`<pm:PubmedArticleSet xmlns:pm="...">`) is known by its local name, its records' tags found
with or without that prefix. A file whose prolog declares entities is refused whole
("unsafe_xml"; billion laughs, external entities); an external DTD reference (PubMed's DOCTYPE
with the NLM DTD URL) is fine, it is never fetched.

What each kind of damage gives (every error row names the record number, its first line, and
the record's id - PMID or BioC id - when it can be read from the damaged bytes):
  * a record that does not parse: "bad_xml" for that record, the next record is read;
  * a record whose end tag is missing (the next record starts first), an end tag with no start:
    "bad_xml" for that record (a run of them holding no id, a start tag written many times:
    one row for the run, `_runs_merged`);
  * the file ends inside a record: "truncated_xml" ("truncated_gzip" for a cut gzip stream)
    naming that record; every record before it is kept; the file ends after a complete record
    but before the root's end tag: "truncated_xml" naming where the cut is;
  * a record longer than max_record_bytes, or of more than MAX_RECORD_TAGS tags (its tree
    would take GBs): "record_too_large", reading goes on after it;
  * a comment or CDATA section inside a record that is never closed (the file ends, or the
    record's bytes pass max_record_bytes, first): "bad_xml" for that record, scanning goes
    on at the first record tag after it, the record's end tag or the next one's start tag
    (one closed within max_record_bytes holds what it holds);
  * a comment, CDATA section or tag still open after max_record_bytes (never closed): one
    "bad_xml" row (a record's start tag: that record; between records: the next record's
    number), or nothing more inside a record already reported as too large; its bytes are
    dropped and reading resynchronises on the next record's start tag, if any (a file that
    ends inside it gets no extra "truncated_xml" row);
  * more than max_bytes decompressed: "too_large" naming the record the cap fell in;
  * garbage after the gzip data's last whole member: "trailing_garbage" after the records.
Content between records (whitespace, BioC's collection-level <source>/<date>/<key>) is not
parsed, only skipped. Memory: one record's bytes and tree at a time, plus a read chunk; at
most max_record_bytes held in any case, and each byte is copied a bounded number of times.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from pipeline.documents import ErrorRecord
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    CappedStream,
    InputTooLarge,
    check_failed_note,
    err,
    garbage_row,
    read_before,
    read_head_lines,
    too_large,
)
from pipeline.ingest.head_checks import PROLOG_LIMIT, head_problem, one_past, unsafe_prolog
from pipeline.plural import noun, plural

_XML_DECL = re.compile(rb"^\s*(<\?xml[^>]*\?>)")
_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")


@dataclass(frozen=True)
class XmlRecord:
    """One parsed record: 0-based index in the file, first line (1-based), the element."""

    index: int
    line: int
    elem: Any


@dataclass
class _Prolog:
    root: str
    prefix: bytes  # XML declaration + root start tag: what each record is wrapped in
    suffix: bytes
    wrap: bool  # False when the root is itself a record (a file of one article)
    decl: bytes = b""  # the XML declaration (its encoding applies to every record)
    empty: bool = False  # the root is <Root/>: no records, nothing to close
    end: int = 0  # bytes of the head up to the end of the root start tag (the prolog)
    at: int = 0  # where in the head the root start tag is


def blank_comments(data: bytes) -> bytes:
    """`data` with each complete comment (`<!--` to the first `-->` after it) replaced by as many
    spaces; an unclosed one is left as it is. In one pass: a regex `<!--.*?-->` looked for the
    end again from each `<!--`, and a 64 KB head of unclosed ones took 4 s."""
    out: bytearray | None = None
    pos = 0
    while (start := data.find(b"<!--", pos)) >= 0:
        end = data.find(b"-->", start + 4)
        if end < 0:
            break
        if out is None:
            out = bytearray(data)
        out[start:end + 3] = b" " * (end + 3 - start)
        pos = end + 3
    return data if out is None else bytes(out)


def _prolog(head: bytes) -> _Prolog | str:
    """The root element and the wrapper for records, or why the head is not usable XML."""
    body = head.lstrip(b"\xef\xbb\xbf")
    decl_m = _XML_DECL.match(body)
    decl = decl_m.group(1) if decl_m else b""
    scan = blank_comments(body)
    m = _ROOT.search(scan)
    if m is None:
        return "no XML root element found at the start of the file"
    if body[: m.start()].strip() and not body[: m.start()].lstrip().startswith(b"<"):
        return "text before the XML root element: not an XML file"
    gt = scan.find(b">", m.end())
    if gt < 0:
        return f"the root start tag <{m.group(1).decode(errors='replace')}> is not closed"
    root = m.group(1).decode("ascii", "replace")
    tag = body[m.start(): gt + 1]
    empty = tag.endswith(b"/>")
    if empty:
        tag = tag[:-2] + b">"
    return _Prolog(root=root, prefix=decl + tag, suffix=b"</" + m.group(1) + b">", wrap=True,
                   decl=decl, empty=empty, end=len(head) - len(body) + gt + 1,
                   at=len(head) - len(body) + m.start())


def _safe_parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


class _Scanner:
    """Cuts the byte stream into records (see the module docstring). Its state says where it
    stopped when the stream ends or fails: the open record (`in_rec`, `index`, `rec_line`)."""

    def __init__(self, stream: CappedStream, tags: set[str], root: str, max_record: int,
                 id_of: Callable[[bytes], str | None]) -> None:
        names = b"|".join(re.escape(t.encode()) for t in sorted(tags, key=len, reverse=True))
        # one literal "<" in front of every alternative: re's fast scan for it stays on
        local, prefix = _local(root)
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
class _Raw:
    """A record cut from the stream: its bytes, or a problem (error kind, message)."""

    index: int
    line: int
    data: bytes | None
    problem: tuple[str, str] | None = None
    ident: str | None = None  # the record's id, read from damaged bytes when possible
    # a tag without its other half ("start": no end tag, "end": no start tag): a run of them,
    # none with an id, is one row (`_runs_merged`)
    unpaired: str | None = None


def _too_long(sc: _Scanner) -> _Raw:
    return _Raw(sc.index, sc.rec_line, None, (
        "record_too_large", f"record is longer than {sc.max_record:,} bytes "
        "(--max-record-mb); skipped, reading goes on after it"),
        sc.id_of(bytes(sc.buf[sc.start:sc.start + 65536])))


def _need_more(sc: _Scanner, hold: int | None) -> Iterator[_Raw]:
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


def _give_up(sc: _Scanner, hold: int) -> Iterator[_Raw]:
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
        yield _Raw(sc.index + 1, line, None, (
            "bad_xml", f"{kind} at line {line} is not closed within {sc.max_record:,} bytes "
            "(--max-record-mb); skipped up to the next record"))
        return
    sc.index += 1  # an unclosed record start tag: that record is lost
    sc.in_rec, sc.oversize, sc.rec_line = True, True, line
    yield _Raw(sc.index, line, None, (
        "bad_xml", f"record start tag at line {line} is not closed within "
        f"{sc.max_record:,} bytes (--max-record-mb); record skipped"),
        sc.id_of(bytes(sc.buf[hold:hold + 65536])))


def _scan(sc: _Scanner) -> Iterator[_Raw]:
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
            yield _Raw(sc.index, line, None, (
                "bad_xml", f"end tag </{name}> at line {line} without its start tag (the "
                "record's start is damaged); record skipped"), ident, "end")
            sc.drop(gt + 1)  # (the next one's id is looked for after it, not in this record)
        else:
            if not sc.oversize:
                yield _complete(sc, gt + 1)
            sc.drop(gt + 1)
            sc.in_rec = False


def _unclosed(sc: _Scanner, m: re.Match[bytes], *, at_end: bool) -> _Raw | None:
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
    return _Raw(sc.index, sc.rec_line, None, (
        "bad_xml", f"record {_id_text(ident)}has a {kind} at line {line} that is not closed "
        f"before {until} (line {sc.line_at(tag.start())}); record skipped, reading goes on "
        "after it"), ident)


def _runs_merged(raws: Iterator[_Raw]) -> Iterator[_Raw]:
    """`raws`, each run of consecutive records that are one unpaired tag of one kind and hold
    no id (`<PubmedArticle>` written 10,000 times in a row) as one row naming the first record,
    the run's length and its last line: one per tag was 20,000 rows for 300 KB of damage. A
    run is held as its first and last record and its length (a list of them took GBs for the
    67 million tags a 1 GiB file holds). A read error ends the run's row before it is raised."""
    run: tuple[_Raw, _Raw, int] | None = None  # (first, last, length)
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


def _merged(first: _Raw, last: _Raw, n: int) -> _Raw:
    if n == 1:
        return first
    assert first.problem is not None
    what = "start tags without an end tag" if first.unpaired == "start" else \
        "end tags without a start tag"
    return _Raw(first.index, first.line, None, (first.problem[0], (
        f"{first.problem[1]}; so {noun(n - 1, 'is', 'are')} the {plural(n - 1, 'record')} "
        "after it, to record "
        f"{last.index + 1} at line {last.line}: {n:,} {what} in a row, none with an id")))


def _complete(sc: _Scanner, end: int) -> _Raw:
    if end - sc.start > sc.max_record:
        return _too_long(sc)
    return _Raw(sc.index, sc.rec_line, bytes(sc.buf[sc.start:end]))


def _start_tag(sc: _Scanner, at: int, gt: int, name: str) -> Iterator[_Raw]:
    if sc.in_rec and not sc.oversize:
        ident = sc.id_of(bytes(sc.buf[sc.start:at]))
        yield _Raw(sc.index, sc.rec_line, None, (
            "bad_xml", f"record {_id_text(ident)}has no end tag: the next <{name}> starts at "
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


def _id_text(ident: str | None) -> str:
    return f"(id {ident}) " if ident else ""


#: Tags ("<", which text holds only escaped) one record may hold: lxml takes about 140-280
#: bytes an element, so a record of short elements within the byte cap (32 MiB of `<a/>`,
#: 8 million) built a tree of GBs; 2,000,000 tags keep it near 300 MB. A PubMed record has a
#: few hundred; a full-text BioC document with its annotations tens of thousands.
MAX_RECORD_TAGS = 2_000_000


def _parse(raw: _Raw, prolog: _Prolog, source: str, id_of: Callable[[bytes], str | None]
           ) -> XmlRecord | ErrorRecord:
    assert raw.data is not None
    tags = raw.data.count(b"<")
    if tags > MAX_RECORD_TAGS:
        ident = id_of(raw.data[:65536])
        return err(source, "record_too_large",
                   f"record {raw.index + 1} {_id_text(ident)}holds {tags:,} XML tags, more "
                   f"than {MAX_RECORD_TAGS:,} (its tree would take GBs of memory); skipped, "
                   "reading goes on after it", f"line {raw.line}, record {raw.index + 1}", ident)
    doc = prolog.prefix + raw.data + prolog.suffix if prolog.wrap else prolog.decl + raw.data
    try:
        top = etree.fromstring(doc, _safe_parser())
    except etree.XMLSyntaxError as exc:
        ident = id_of(raw.data)
        eline, col = exc.position if exc.position else (1, 0)
        shift = (prolog.prefix if prolog.wrap else prolog.decl).count(b"\n")
        line = raw.line + max(eline - 1 - shift, 0)
        before = prolog.prefix if prolog.wrap else prolog.decl
        if eline - 1 - shift <= 0:  # the wrapper shares the record's first line
            col = max(col - (len(before) - before.rfind(b"\n") - 1), 0)
        kind, reason = _parse_error(exc.msg)
        return err(source, kind,
                   f"XML parse error in record {raw.index + 1} {_id_text(ident)}"
                   f"(starts at line {raw.line}): {reason}; that record was skipped",
                   f"line {line}, column {col}, record {raw.index + 1}", ident)
    elem = top[0] if prolog.wrap and len(top) else top
    if b"xmlns" in doc:
        _without_namespaces(elem)
    return XmlRecord(raw.index, raw.line, elem)


#: libxml2's safety limits, whose message says to lift them ("try XML_PARSE_HUGE"), which a
#: user cannot and biotab does not (huge_tree=False): (message, row kind, what the limit is)
_LIMITS = (("Text node too long", "record_too_large", "a text node over 10,000,000 bytes"),
           ("Excessive depth", "bad_xml", "elements nested over 256 levels deep"))


def _parse_error(msg: str) -> tuple[str, str]:
    """The row's kind and reason for libxml2's message `msg`: for a safety limit the record
    passes, what it is, without the advice to lift it; else "bad_xml" and `msg`."""
    for needle, kind, what in _LIMITS:
        if needle in msg:
            return kind, f"{what}, past libxml2's safety limit ({msg.split(',')[0].strip()})"
    return "bad_xml", msg


def _without_namespaces(elem: Any) -> None:
    """Element tags without their namespace (`{http://...}PMID` -> `PMID`): the readers look
    elements up by their plain names, so a file whose root declares a default namespace
    (`<PubmedArticleSet xmlns="...">`) lost every record as one "without a PMID"."""
    for el in elem.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]


def _open_file(path: Path, source: str, tags_for_root: Callable[[str], set[str] | None],
               max_bytes: int | None) -> tuple[_Prolog, set[str]] | ErrorRecord:
    """The file's prolog (read from its head) and its record tags, or the error row that
    refuses the whole file: a head `head_problem` refuses, a prolog declaring entities, no XML
    root, a NUL in the prolog, a root this reader does not know. Those rows name the line where
    the file's content (or its root element) starts, also after a long blank run."""
    read = read_head_lines(path, PROLOG_LIMIT, one_past(max_bytes))  # past a blank run
    at, head = read.offset, read.data
    bad = head_problem(read, path, source, per_record=True, limit=max_bytes)
    if bad is not None:
        return bad
    why = unsafe_prolog(head)
    if why is not None:
        return err(source, "unsafe_xml", f"XML refused for safety: {why}", "record 1")
    prolog = _prolog(head)
    if not isinstance(prolog, _Prolog):
        body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
        content = len(head) - len(body.lstrip(b" \t\r\n\f\v"))
        return err(source, "bad_xml", f"not XML: {prolog}", f"line {read.line_at(content)}")
    nul = head.find(b"\x00")
    if 0 <= nul < prolog.end:
        # the prolog is the file's, not a record's (each record is wrapped in its root tag)
        return err(source, "binary_file", f"NUL byte in the XML prolog (at byte {at + nul}, "
                   "before the root element's start tag ends); not a text file",
                   f"byte {at + nul}")
    local, _prefix = _local(prolog.root)
    tags = tags_for_root(local)
    if tags is None:
        return err(source, "bad_xml", f"unexpected root element <{prolog.root}> for this "
                   "format", f"line {read.line_at(prolog.at)}")
    prolog.wrap = local not in tags
    return prolog, tags


def _local(name: str) -> tuple[str, str]:
    """(local name, namespace prefix with its colon) of a tag name: `pm:PMID` -> (`PMID`,
    `pm:`); a name without a prefix -> (name, "")."""
    prefix, colon, local = name.rpartition(":")
    return local, prefix + colon


def iter_xml_records(
    path: Path,
    source: str,
    tags_for_root: Callable[[str], set[str] | None],
    id_of: Callable[[bytes], str | None],
    start: int = 0,
    end: int | None = None,
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[XmlRecord | ErrorRecord]:
    """Records (0-based index in [start, end)) of an XML file as parsed elements, or error rows
    for the damaged ones. `tags_for_root(root)` gives the record tags for a root element name
    (None: not a root this reader knows). File-level problems are reported by the shard that
    starts at record 0; a problem at record k by the shard that holds record k."""
    def mine(i: int) -> bool:
        return i >= start and (end is None or i < end)

    opened = _open_file(path, source, tags_for_root, max_bytes)
    if isinstance(opened, ErrorRecord):
        if start == 0:
            yield opened
        return
    prolog, tags = opened
    stream = CappedStream(path, max_bytes)
    sc = _Scanner(stream, tags, prolog.root,
                  min(max_record_bytes, max_bytes or max_record_bytes), id_of)
    sc.root_closed = prolog.empty
    try:
        with stream:
            for raw in _runs_merged(_scan(sc)):
                if end is not None and raw.index >= end:
                    return
                if not mine(raw.index):
                    continue
                if raw.problem is not None:
                    yield err(source, raw.problem[0], raw.problem[1],
                              f"line {raw.line}, record {raw.index + 1}", raw.ident)
                else:
                    yield _parse(raw, prolog, source, id_of)
    except InputTooLarge as exc:
        lost = sc.index if sc.open_record() else sc.index + 1
        line = sc.rec_line if sc.open_record() else sc.line_at(len(sc.buf))
        if mine(lost):
            yield too_large(source, exc.cap, f"{plural(lost, 'record')} read, record "
                            f"{lost + 1} on is lost", f"line {line}, record {lost + 1}")
        return
    except EOFError as exc:
        yield from _cut(sc, source, "truncated_gzip", f"gzip stream ends early ({exc})", mine,
                        id_of)
        return
    except OSError as exc:
        lost = sc.index if sc.open_record() else sc.index + 1
        if mine(lost):
            yield err(source, "unreadable", f"cannot read file ({type(exc).__name__}: {exc}); "
                      f"records from {lost + 1} on are lost{check_failed_note(exc)}",
                      f"record {lost + 1}")
        return
    # after a give-up (`_give_up`) the damage already has its row: the missing root end tag,
    # swallowed by the unclosed construct, is part of it
    if sc.open_record() or (prolog.wrap and not sc.root_closed and not sc.skipping):
        yield from _cut(sc, source, "truncated_xml", "XML ends early (truncated file)", mine,
                        id_of)
    if stream.garbage and mine(sc.index + 1):
        yield garbage_row(source, f"line {sc.line_at(len(sc.buf))}")


def _cut(sc: _Scanner, source: str, kind: str, what: str, mine: Callable[[int], bool],
         id_of: Callable[[bytes], str | None]) -> Iterator[ErrorRecord]:
    """The error row for a file that ends inside record k, or after record k but before the
    root's end tag."""
    if sc.open_record():
        if mine(sc.index):
            ident = id_of(sc.kept())
            n = sc.index + 1
            yield err(source, kind, f"{what}: record {n} {_id_text(ident)}starting at line "
                      f"{sc.rec_line} is cut; {read_before(n - 1, 'record')}",
                      f"line {sc.rec_line}, record {n}", ident)
        return
    n = sc.index + 1
    if mine(n) or (n > 0 and mine(n - 1)):
        yield err(source, kind, f"{what}: the file ends after record {n}, before the root "
                  "element's end tag; any later records are lost",
                  f"line {sc.line_at(len(sc.buf))}, record {n + 1}")
