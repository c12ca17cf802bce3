"""Helpers shared by the readers: opening (gzip-aware), byte checks, error rows, safe XML."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from pipeline.documents import ErrorRecord

STAGE = "ingest"
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192


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
    buffer when the stream is cut; read1 does not)."""
    read1 = getattr(fh, "read1", None)
    return bytes(read1(n)) if read1 is not None else fh.read(n)


def read_head(path: Path, n: int = SNIFF_BYTES) -> bytes:
    """First `n` (decompressed) bytes of a file; what could be read on a cut gzip stream; b"" on
    any other read problem."""
    chunks: list[bytes] = []
    got = 0
    try:
        with open_binary(path) as fh:
            while got < n:
                chunk = _read1(fh, min(4096, n - got))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
    except EOFError:  # a cut gzip stream: what was read before the cut is the head
        return b"".join(chunks)
    except OSError:
        return b""
    return b"".join(chunks)


def check_head(head: bytes, source: str, whole_file: bool = False) -> ErrorRecord | None:
    """Reject files that are obviously not UTF-8 text: UTF-16/32, binary (NUL bytes), empty."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return err(source, "not_utf8", "file is UTF-16 encoded (byte-order mark); expected UTF-8",
                   "byte 0")
    if b"\x00" in head:
        pos = head.index(b"\x00")
        return err(source, "binary_file",
                   f"file contains NUL bytes (first at byte {pos}); not a text file",
                   f"byte {pos}")
    if whole_file and not head.lstrip(b"\xef\xbb\xbf \t\r\n\f\v"):
        return err(source, "empty_file", "file is empty (no text after whitespace)", None)
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


class XmlFailure(Exception):
    """Raised by `iter_elements` when the XML stream breaks; carries a ready error row."""

    def __init__(self, record: ErrorRecord) -> None:
        super().__init__(record.message)
        self.record = record


class _CountingReader:
    """File wrapper that counts newlines read and notes EOF (to tell truncation from damage)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.lines = 0
        self.eof = False

    def read(self, n: int = -1) -> bytes:
        data = _read1(self.fh, n if n > 0 else 1 << 16)
        if not data:
            self.eof = True
        self.lines += data.count(b"\n")
        return data


_ROOT_START = re.compile(rb"<(?![?!])[A-Za-z_]")
PROLOG_LIMIT = 1 << 16
XML_CHUNK = 1 << 16


def unsafe_prolog(head: bytes) -> str | None:
    """Why the XML prolog is refused, or None. Entity declarations can only live in the DOCTYPE's
    internal subset, i.e. before the root element: any `<!ENTITY` there is refused (billion
    laughs, external entities). An external DTD reference (PubMed's DOCTYPE) is fine: DTDs are
    never loaded."""
    m = _ROOT_START.search(head)
    prolog = head[: m.start()] if m else head
    if b"<!ENTITY" in prolog:
        return "the DOCTYPE declares entities (entity expansion / external entities refused)"
    if m is None and b"<!DOCTYPE" in head and len(head) >= PROLOG_LIMIT:
        return f"DOCTYPE internal subset longer than {PROLOG_LIMIT} bytes refused"
    return None


def iter_elements(path: Path, source: str, tags: set[str]) -> Iterator[Any]:
    """Stream the complete elements whose tag is in `tags`, parsed safely: lxml with
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, and files whose
    prolog declares entities are refused with an "unsafe_xml" error. Memory stays flat: each
    element is cleared (and dropped from its parent) after it is consumed. A parse failure
    raises XmlFailure after the good elements: "truncated_xml" when the break is at the end of
    the data, "bad_xml" otherwise, "truncated_gzip" for a cut gzip stream."""
    n_done = 0
    fh: IO[bytes] | None = None
    reader: _CountingReader | None = None
    try:
        why = unsafe_prolog(read_head(path, PROLOG_LIMIT))
        if why is not None:
            raise XmlFailure(err(source, "unsafe_xml", f"XML refused for safety: {why}",
                                 "record 1"))
        fh = open_binary(path)
        reader = _CountingReader(fh)
        # A pull parser fed in chunks, its events read after every chunk and once more after a
        # failure: lxml 6.2's iterparse drops the events queued before a syntax error, so the
        # good records before damage were lost.
        parser = etree.XMLPullParser(
            events=("end",), tag=sorted(tags), resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
        )
        failure: etree.XMLSyntaxError | None = None
        while True:
            chunk = reader.read(XML_CHUNK)
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except etree.XMLSyntaxError as exc:
                failure = exc
            events = parser.read_events()
            if failure is not None and not chunk:
                # closing a cut document ends its open elements: those records are incomplete
                events = iter(())
            for _event, elem in events:
                n_done += 1
                yield elem
                elem.clear(keep_tail=False)
                parent = elem.getparent()
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
            if failure is not None:
                raise failure
            if not chunk:
                break
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        # a break on the last line of the data is a cut file, unless the "document" never
        # started (code 4: no root element) or went on after its end (code 5: extra content)
        truncated = (reader is not None and reader.eof and line >= reader.lines
                     and exc.code not in (4, 5))
        what = ("XML ends early (truncated file)" if truncated
                else f"XML parse error: {exc.msg}")
        raise XmlFailure(err(
            source, "truncated_xml" if truncated else "bad_xml",
            f"{what}; {n_done} record(s) read, anything from record {n_done + 1} on is lost",
            f"line {line}, column {col}, record {n_done + 1}",
        )) from exc
    except EOFError as exc:
        raise XmlFailure(err(
            source, "truncated_gzip",
            f"gzip stream ends early ({exc}); {n_done} record(s) read, the rest is lost",
            f"record {n_done + 1}",
        )) from exc
    except (OSError, gzip.BadGzipFile) as exc:
        raise XmlFailure(err(
            source, "unreadable",
            f"cannot read file ({type(exc).__name__}: {exc}); {n_done} record(s) read",
            f"record {n_done + 1}",
        )) from exc
    finally:
        if fh is not None:
            fh.close()


def local(tag: Any) -> str:
    """Tag without a namespace."""
    t = str(tag)
    return t.rsplit("}", 1)[-1]


def text_of(elem: Any) -> str:
    """All text inside an element, inline markup (<i>, <sup>, ...) flattened."""
    if elem is None:
        return ""
    return "".join(elem.itertext())
