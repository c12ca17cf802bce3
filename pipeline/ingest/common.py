"""Helpers shared by the readers: opening (gzip-aware) with byte caps, a file's head, line
iteration, error rows, display-safe paths. (Refusing a file whole by its head:
`head_checks`.)

Resource caps (both keyword parameters of `ingest()` / `read_shard()`, defaults in
`pipeline.limits`):

* `DEFAULT_MAX_BYTES` = 1 GiB of *decompressed* bytes per file. A current PubMed baseline file is
  ~150-400 MB decompressed, so 1 GiB admits every real one with 2.5x headroom, while a
  decompression bomb (a 4 MB .xml.gz that inflates to GBs) stops after ~1 GiB of reading, in a
  few seconds and with flat memory, as one "too_large" error row; the records read before the
  cap are kept. `None` turns the cap off.
* `DEFAULT_MAX_RECORD_BYTES` = 32 MiB per record held in memory at once: a whole txt/md file
  (one document), one JSONL/BioC-JSON line, one PubTator record (its lines; see `pubtator`), one
  XML record, a whole-file BioC JSON collection. The largest real records (PMC full text in
  BioC, with annotations) are a few MB; 32 MiB keeps the peak memory of one reader in the low
  hundreds of MB (bytes + str + parsed tree). A longer record is one "record_too_large" error
  row and reading goes on after it.
"""

from __future__ import annotations

import gzip
import os
import re
import socket
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from pipeline.documents import ErrorRecord
from pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORD_BYTES

STAGE = "ingest"
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192
READ_CHUNK = 1 << 20


def err(
    source: str,
    error: str,
    message: str,
    location: str | None = None,
    doc_id: str | None = None,
) -> ErrorRecord:
    return ErrorRecord(
        source=source, stage=STAGE, error=error, message=message, location=location, doc_id=doc_id
    )


def is_gzip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == GZIP_MAGIC
    except OSError:
        return False


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for binary reading, transparently decompressing gzip (by magic bytes)."""
    if is_gzip(path):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def _read1(fh: IO[bytes], n: int) -> bytes:
    """One read that returns what is available (gzip's read(n) loses a partly decompressed
    buffer when the stream is cut; read1 does not). Corrupt deflate data (zlib.error, which
    is no OSError and escaped every reader, and `detect_format` while listing the inputs)
    is raised as gzip.BadGzipFile, an OSError the readers turn into an "unreadable" row."""
    read1 = getattr(fh, "read1", None)
    try:
        return bytes(read1(n)) if read1 is not None else fh.read(n)
    except zlib.error as exc:
        raise gzip.BadGzipFile(f"corrupt gzip data ({exc})") from exc


def trailing_garbage(exc: BaseException) -> bool:
    """Whether a gzip read failed on bytes after the file's last whole member (`gzip -t`:
    "trailing garbage ignored"). CPython's gzip checks each member's CRC and length where it
    ends, then reads what follows as the next member's header: bytes that are none raise
    BadGzipFile "Not a gzipped file" (zero padding is skipped; a cut or damaged member, or
    garbage that starts like a gzip header, fails otherwise). So all read before is whole."""
    return isinstance(exc, gzip.BadGzipFile) and str(exc).startswith("Not a gzipped file")


def check_failed_note(exc: BaseException) -> str:
    """What to add to the row of a gzip read that failed on a member's end check (CRC or
    length), else "": damaged deflate data can decompress without an error into other bytes
    than were compressed, up to that check, so what was read before it is not known to be
    whole (40 damaged bytes mid-way through a JSONL file gave 1,300 lines of garbage first)."""
    text = str(exc)
    if not isinstance(exc, gzip.BadGzipFile) or not (
            text.startswith("CRC check failed") or text.startswith("Incorrect length")):
        return ""
    return ("; the gzip data failed its check at the end, so what was read before it may "
            "hold damaged text too (test the file with gzip -t)")


def garbage_row(source: str, location: str | None, doc_id: str | None = None) -> ErrorRecord:
    """The row after a file's records when garbage followed its gzip data
    (`trailing_garbage`, `CappedStream.garbage`): nothing before it was lost."""
    return err(source, "trailing_garbage",
               "bytes after the end of the gzip data are no gzip member and were ignored "
               "(`gzip -t`: trailing garbage); the text before them was read whole, its CRC "
               "right", location, doc_id)


_SPACE = b" \t\r\n\f\v"


def content_start(head: bytes) -> bytes:
    """A file's head past a UTF-8 byte-order mark and leading spaces and line breaks: where its
    first JSON or XML character stands."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")


def blank(data: bytes) -> bool:
    """Whether `data` is only whitespace (after a UTF-8 BOM): no text. (`bytes.isspace`: the
    bytes of _SPACE, 5x faster than stripping them.)"""
    rest = data.lstrip(b"\xef\xbb\xbf")
    return not rest or rest.isspace()


def read_head(path: Path, n: int = SNIFF_BYTES, limit: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """The head `read_head_at` gives (for format sniffing)."""
    return read_head_at(path, n, limit)[1]


def read_head_at(path: Path, n: int = SNIFF_BYTES, limit: int | None = DEFAULT_MAX_BYTES
                 ) -> tuple[int, bytes]:
    """(offset, head): the first `n` (decompressed) bytes of a file, at offset 0; when those
    are all whitespace (a UTF-8 BOM too), the `n` bytes from the first byte that is not, at
    its offset (`_past_blank_run`), looking up to `limit` bytes: a file is not empty because
    it starts with 8 KiB of blank lines. What could be read on a cut gzip stream, or before a
    read error (a gzip CRC or trailing garbage); b"" when an error came before any text
    (`check_head` given the path tells that from an empty file)."""
    head = read_head_lines(path, n, limit)
    return head.offset, head.data


@dataclass(frozen=True)
class Head:
    """What `read_head_lines` read: `data` starts at byte `offset` of the (decompressed) file,
    after `newlines` newlines (the blank run it was found past, if any)."""

    offset: int
    newlines: int
    data: bytes

    def line_at(self, pos: int) -> int:
        """The 1-based line of the file that byte `pos` of `data` is on."""
        return self.newlines + self.data.count(b"\n", 0, pos) + 1


def read_head_lines(path: Path, n: int = SNIFF_BYTES, limit: int | None = DEFAULT_MAX_BYTES
                    ) -> Head:
    """`read_head_at`, with the newlines before the head counted (a reader's error about the
    head names its true line, also after a long blank run)."""
    head = b""
    try:
        with open_binary(path) as fh:
            while len(head) < n:
                chunk = _read1(fh, n - len(head))
                if not chunk:
                    break
                head += chunk
            if len(head) >= n and blank(head) and (limit is None or len(head) < limit):
                return _past_blank_run(fh, n, limit, head)
    except EOFError:  # a cut gzip stream: what was read before the cut is the head
        return Head(0, 0, head)
    except OSError:
        # a failure after the head was read (a gzip member's wrong CRC, garbage after its
        # last member): the head is what was read, and the file's reader names the failure
        # where it meets it, keeping the records before (an empty head refused such a small
        # file whole); nothing read, or only a blank run: the file cannot be read
        return Head(0, 0, head if head and not blank(head) else b"")
    return Head(0, 0, head)


def _past_blank_run(fh: IO[bytes], n: int, limit: int | None, first: bytes) -> Head:
    """After a blank first block (`first`, `n` bytes at offset 0): the blank run is read on in
    READ_CHUNK pieces (one Python step a MiB, not one per `n` bytes), then the `n` bytes from
    the first byte that is not whitespace, its offset and the newlines before it. A file blank
    to its end, or to `limit`, gives its last blank bytes read (at most `n`) and their offset.
    Raises OSError as `_read1` does; a cut gzip stream ends the head where it is cut."""
    at, last = 0, first  # `last` was read at offset `at`, after `lines` newlines
    lines = 0
    head = b""
    try:
        while limit is None or at + len(last) < limit:
            room = READ_CHUNK if limit is None else min(READ_CHUNK, limit - at - len(last))
            chunk = _read1(fh, room)
            if not chunk:
                break
            if chunk.isspace():
                at, lines, last = at + len(last), lines + last.count(b"\n"), chunk
                continue
            rest = chunk.lstrip(_SPACE)
            at += len(last) + len(chunk) - len(rest)
            lines += last.count(b"\n") + chunk.count(b"\n", 0, len(chunk) - len(rest))
            head = rest[:n]
            while len(head) < n and (more := _read1(fh, n - len(head))):
                head += more
            return Head(at, lines, head)
    except EOFError:
        if head:
            return Head(at, lines, head)
    cut = max(len(last) - n, 0)
    return Head(at + cut, lines + last.count(b"\n", 0, cut), last[cut:])


def read_failure(path: Path) -> str | None:
    """Why the head of a file (what `read_head` reads) cannot be read, or None."""
    try:
        with open_binary(path) as fh:
            got = 0
            while got < SNIFF_BYTES and (chunk := _read1(fh, 4096)):
                got += len(chunk)
    except (OSError, EOFError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def decode_utf8(data: bytes, source: str, base_line: int = 1) -> str | ErrorRecord:
    """Strict UTF-8 decode; on failure an error row giving the byte and line of the bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = base_line + data.count(b"\n", 0, exc.start)
        return err(
            source,
            "not_utf8",
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte {exc.start} "
            f"(line {line}): {exc.reason}",
            f"line {line}, byte {exc.start}",
        )


class InputTooLarge(Exception):
    """Raised by `CappedStream` when a file decompresses to more than its byte cap."""

    def __init__(self, cap: int) -> None:
        super().__init__(f"more than {cap} bytes")
        self.cap = cap


#: Characters of a record's text an error message shows (a mention or annotation that does
#: not match its text): a 2 MB mention made a 4 MB message, a row of the errors table.
SHOWN_TEXT_CHARS = 80


def shown_text(text: str | None) -> str:
    """`text` for an error message: its repr, cut to SHOWN_TEXT_CHARS characters (then with
    how many it has)."""
    if text is None or len(text) <= SHOWN_TEXT_CHARS:
        return repr(text)
    return f"{text[:SHOWN_TEXT_CHARS]!r}... ({len(text):,} characters)"


def shown_name(name: str) -> str:
    """An id (a PMID, a document's id) for an error message as written, unquoted, cut as
    `shown_text` cuts: a record may hold an id of megabytes, which its doc_id keeps whole."""
    if len(name) <= SHOWN_TEXT_CHARS:
        return name
    return f"{name[:SHOWN_TEXT_CHARS]}... ({len(name):,} characters)"


def read_before(n: int, noun: str) -> str:
    """What a row says was read before the damage, `n` records or lines (`noun`): "records
    1-5 were read", "record 1 was read", "no record before it was read"."""
    if n <= 0:
        return f"no {noun} before it was read"
    return f"{noun} 1 was read" if n == 1 else f"{noun}s 1-{n} were read"


def too_large(source: str, cap: int, what: str, location: str | None) -> ErrorRecord:
    """The error row for a file cut off at its decompressed-byte cap."""
    return err(source, "too_large",
               f"file decompresses to more than {cap:,} bytes (the --max-file-mb cap; a "
               f"decompression bomb or a file to split); {what}", location)


class CappedStream:
    """Binary reader over a (gzip-aware) file that counts decompressed bytes and raises
    InputTooLarge once more than `max_bytes` were produced. `read(n)` returns what is available
    (gzip's read1: a cut gzip stream gives back the bytes before the cut, then EOFError).
    `fh`: a plain file already open and positioned at byte `at` (a block of lines deep in the
    file, `jsonl.LineStart`), whose bytes before count against the cap as if read; `stop`: no
    byte from there on is read (the stream ends there: where the next block starts).
    Garbage after the last whole gzip member (`trailing_garbage`) ends the stream as its end
    would, and sets `garbage`: the reader keeps all it read and names the garbage in a row."""

    def __init__(self, path: Path, max_bytes: int | None, *, fh: IO[bytes] | None = None,
                 at: int = 0, stop: int | None = None) -> None:
        self.fh = fh if fh is not None else open_binary(path)
        self.max_bytes = max_bytes
        self.total = at
        self.stop = stop
        self.garbage = False

    def read(self, n: int = READ_CHUNK) -> bytes:
        """Up to `n` bytes; all bytes up to the cap are returned before InputTooLarge."""
        if self.stop is not None:
            n = min(n, self.stop - self.total)
            if n <= 0:
                return b""
        if self.max_bytes is not None:
            room = self.max_bytes - self.total
            if room <= 0:
                if self._read1(1):
                    raise InputTooLarge(self.max_bytes)
                return b""
            n = min(n, room)
        data = self._read1(n)
        self.total += len(data)
        return data

    def _read1(self, n: int) -> bytes:
        if self.garbage:
            return b""
        try:
            return _read1(self.fh, n)
        except OSError as exc:
            if not trailing_garbage(exc):
                raise
            self.garbage = True
            return b""

    def close(self) -> None:
        self.fh.close()

    def __enter__(self) -> CappedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_into(stream: CappedStream, cap: int, chunks: list[bytes]) -> bool:
    """Append the stream's chunks to `chunks` to its end (False), or until they hold more than
    `cap` bytes (True: a file read whole that does not fit its per-record cap). The stream's
    errors (InputTooLarge, EOFError, OSError) propagate, with what was read before them in
    `chunks` (a reader keeps the records whole in it)."""
    got = sum(map(len, chunks))
    while chunk := stream.read():
        chunks.append(chunk)
        got += len(chunk)
        if got > cap:
            return True
    return False


@dataclass(frozen=True)
class BlankLines:
    """`count` consecutive lines of whitespace only, as `iter_lines` yields them: one item."""

    count: int


_NOT_SPACE = re.compile(b"[^" + re.escape(_SPACE) + b"]")
_SPACE_BYTES = frozenset(_SPACE)


def iter_lines(stream: CappedStream, max_line: int, skip: int = 0
               ) -> Iterator[bytes | int | BlankLines]:
    """Lines of a stream (with their b"\n"); a line longer than `max_line` bytes is not kept:
    its length (an int) is yielded instead, so memory stays bounded by `max_line`. Consecutive
    lines of whitespace only are one `BlankLines` (found at C speed: one Python step a line
    made 256 MB of newlines cost minutes); a line of whitespace only is blank however long it
    is (never a line too long, wherever it stands). The first `skip` lines are passed over
    unseen (their newlines counted a chunk at a time: a block of lines deep in a file does not
    pay a Python step for each line before it)."""
    pending = _skip_lines(stream, skip)  # what was read after the skipped lines
    buf = b""
    skipping = 0  # > 0 while inside an over-long line: bytes of it seen so far
    skipped_blank = False  # ... all of them whitespace
    while True:
        chunk = pending or stream.read(READ_CHUNK)
        pending = b""
        if not chunk:
            break
        buf += chunk
        start = 0
        while True:
            nl = buf.find(b"\n", start)
            if nl < 0:
                break
            if skipping:
                blank_line = skipped_blank and (nl == start or buf[start:nl].isspace())
                yield BlankLines(1) if blank_line else skipping + nl + 1 - start
                skipping = 0
            elif nl == start or (buf[start] in _SPACE_BYTES and buf[start:nl].isspace()):
                m = _NOT_SPACE.search(buf, nl)  # the run ends at the last newline before m
                nl = buf.rfind(b"\n", nl, m.start() if m is not None else len(buf))
                yield BlankLines(buf.count(b"\n", start, nl + 1))
            elif nl + 1 - start > max_line:
                yield nl + 1 - start
            else:
                yield buf[start:nl + 1]
            start = nl + 1
        buf = buf[start:]
        if skipping or len(buf) > max_line:
            skipped_blank = (skipped_blank or not skipping) and (not buf or buf.isspace())
            skipping += len(buf)
            buf = b""
    if skipping:
        yield BlankLines(1) if skipped_blank else skipping
    elif buf:
        yield buf


def _skip_lines(stream: CappedStream, n: int) -> bytes:
    """Read past the first `n` lines; returns the bytes read after the n-th newline (b"" when
    the stream has `n` lines or fewer)."""
    while n > 0:
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            return b""
        found = chunk.count(b"\n")
        if found < n:
            n -= found
            continue
        return chunk[nth_newline(chunk, n) + 1:]
    return b""


def nth_newline(chunk: bytes, n: int) -> int:
    """The position of the `n`-th b"\n" of `chunk` (which has at least `n`): found by
    bisecting on counts when `n` is large (a chunk of newlines holds a million; one Python
    step each cost every JSONL block of such a file a second)."""
    if n <= 64:
        pos = -1
        for _ in range(n):
            pos = chunk.index(b"\n", pos + 1)
        return pos
    lo, hi = 0, len(chunk) - 1  # the least position whose prefix holds n newlines
    while lo < hi:
        mid = (lo + hi) // 2
        if chunk.count(b"\n", 0, mid + 1) >= n:
            hi = mid
        else:
            lo = mid + 1
    return lo


@dataclass(frozen=True)
class Caps:
    """The two resource caps a reader is given (see the module docstring)."""

    max_bytes: int | None = DEFAULT_MAX_BYTES
    max_record: int = DEFAULT_MAX_RECORD_BYTES

    @property
    def record(self) -> int:
        """The per-record cap, never above the per-file one."""
        return min(self.max_record, self.max_bytes) if self.max_bytes is not None \
            else self.max_record


def hostname() -> str:
    return socket.gethostname()


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as valid UTF-8 text for tables and messages: a file name that is not UTF-8 (kept by
    Python as surrogate escapes) shows its bad bytes as backslash escapes, e.g. caf\\xe9.txt."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")


def name_is_utf8(path: str | os.PathLike[str]) -> bool:
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def local(tag: Any) -> str:
    """Tag without a namespace."""
    t = str(tag)
    return t.rsplit("}", 1)[-1]


def text_of(elem: Any) -> str:
    """All text inside an element, inline markup (<i>, <sup>, ...) flattened."""
    if elem is None:
        return ""
    return "".join(elem.itertext())
