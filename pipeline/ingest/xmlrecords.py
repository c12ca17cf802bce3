"""XML read one record at a time: damage costs exactly the damaged record.

Why a record-at-a-time reader rather than one streaming parse of the whole file (or lxml's
recover mode): a streaming parser stops for good at the first syntax error, so every record
after a damaged one was lost; recover mode goes on but guesses, and can silently merge two
records or drop text, which would turn damage into wrong documents instead of error rows.
Instead, the decompressed byte stream is scanned (`xml_scan`) for the record elements' start
and end tags (`<PubmedArticle ...>` ... `</PubmedArticle>`, skipping comments and CDATA
sections) and each
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
    one row for the run, `runs_merged`);
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
from pipeline.ingest.head_checks import (
    JATS_HINT,
    PROLOG_LIMIT,
    head_problem,
    one_past,
    unsafe_prolog,
)
from pipeline.ingest.xml_scan import Raw, Scanner, id_text, local_name, runs_merged, scan
from pipeline.plural import plural

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


#: Tags ("<", which text holds only escaped) one record may hold: lxml takes about 140-280
#: bytes an element, so a record of short elements within the byte cap (32 MiB of `<a/>`,
#: 8 million) built a tree of GBs; 2,000,000 tags keep it near 300 MB. A PubMed record has a
#: few hundred; a full-text BioC document with its annotations tens of thousands.
MAX_RECORD_TAGS = 2_000_000


def _parse(raw: Raw, prolog: _Prolog, source: str, id_of: Callable[[bytes], str | None]
           ) -> XmlRecord | ErrorRecord:
    assert raw.data is not None
    tags = raw.data.count(b"<")
    if tags > MAX_RECORD_TAGS:
        ident = id_of(raw.data[:65536])
        return err(source, "record_too_large",
                   f"record {raw.index + 1} {id_text(ident)}holds {tags:,} XML tags, more "
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
                   f"XML parse error in record {raw.index + 1} {id_text(ident)}"
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


_RECORD_PLACE = re.compile(r", line \d+, column \d+$")


def _parse_error(msg: str) -> tuple[str, str]:
    """The row's kind and reason for libxml2's message `msg`: for a safety limit the record
    passes, what it is, without the advice to lift it; else "bad_xml" and `msg`."""
    for needle, kind, what in _LIMITS:
        if needle in msg:
            return kind, f"{what}, past libxml2's safety limit ({msg.split(',')[0].strip()})"
    # libxml2 ends its message with the place in the record it parsed ("..., line 6, column
    # 45"), which is not the file's: the row's location gives that one
    return "bad_xml", _RECORD_PLACE.sub("", msg)


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
    local, _prefix = local_name(prolog.root)
    tags = tags_for_root(local)
    if tags is None:
        why = f": the root of {JATS_HINT}" if local == "article" else " for this format"
        return err(source, "bad_xml", f"unexpected root element <{prolog.root}>{why}",
                   f"line {read.line_at(prolog.at)}")
    prolog.wrap = local not in tags
    return prolog, tags


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
    sc = Scanner(stream, tags, prolog.root,
                  min(max_record_bytes, max_bytes or max_record_bytes), id_of)
    sc.root_closed = prolog.empty
    try:
        with stream:
            for raw in runs_merged(scan(sc)):
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
    # after a give-up (`xml_scan._give_up`) the damage already has its row: the missing root
    # end tag, swallowed by the unclosed construct, is part of it
    if sc.open_record() or (prolog.wrap and not sc.root_closed and not sc.skipping):
        yield from _cut(sc, source, "truncated_xml", "XML ends early (truncated file)", mine,
                        id_of)
    if stream.garbage and mine(sc.index + 1):
        yield garbage_row(source, f"line {sc.line_at(len(sc.buf))}")


def _cut(sc: Scanner, source: str, kind: str, what: str, mine: Callable[[int], bool],
         id_of: Callable[[bytes], str | None]) -> Iterator[ErrorRecord]:
    """The error row for a file that ends inside record k, or after record k but before the
    root's end tag."""
    if sc.open_record():
        if mine(sc.index):
            ident = id_of(sc.kept())
            n = sc.index + 1
            yield err(source, kind, f"{what}: record {n} {id_text(ident)}starting at line "
                      f"{sc.rec_line} is cut; {read_before(n - 1, 'record')}",
                      f"line {sc.rec_line}, record {n}", ident)
        return
    n = sc.index + 1
    if mine(n) or (n > 0 and mine(n - 1)):
        yield err(source, kind, f"{what}: the file ends after record {n}, before the root "
                  "element's end tag; any later records are lost",
                  f"line {sc.line_at(len(sc.buf))}, record {n + 1}")
