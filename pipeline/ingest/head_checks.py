"""Refusing a file whole by its head, before its reader reads a record: a head in another
Unicode encoding than UTF-8, a document format (PDF, Office), compressed data biotab does not
read, binary data, a blank file (`check_head`, `head_problem`), an XML prolog that declares
entities (`unsafe_prolog`), and the row for a file whose format nothing tells
(`unknown_format`). Reads the head `common.read_head_lines` gives; writes nothing, returns the
file's one error row (stage "ingest") or None."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from pipeline.documents import ErrorRecord
from pipeline.ingest.common import (
    SNIFF_BYTES,
    Head,
    blank,
    content_start,
    err,
    read_failure,
    read_head_lines,
    too_large,
)
from pipeline.iob import is_token_line
from pipeline.limits import DEFAULT_MAX_BYTES

#: bytes no text has (C0 controls but tab, newlines, VT, FF and ESC): a binary file's mark
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def looks_binary(head: bytes) -> bool:
    """Whether the head of a line or record file is binary data rather than text with a bad
    line or record in it: control bytes (NUL ...) in more than half of its lines (the last,
    maybe cut, line left out when there is another) and more than 5% of its bytes. Random or
    compressed bytes (a PNG, a zip, an xz file) have them in nearly every line and ~10% of
    their bytes, UTF-16 text in every line and half its bytes; a text file with a NUL in a
    line or a record has them in that line only (which its reader then rejects alone). Blank
    lines are left out. A head shorter than SNIFF_BYTES is the whole file: its last line is
    whole too."""
    lines = head.split(b"\n")
    last = lines.pop()
    lines = [line for line in lines if line.strip()]
    if last.strip() and (len(head) < SNIFF_BYTES or not lines):
        lines.append(last)
    marked = sum(1 for line in lines if _CONTROL.search(line))
    size = sum(len(line) for line in lines)
    return marked * 2 > len(lines) and len(_CONTROL.findall(b"".join(lines))) * 20 > size


#: The magic bytes of compressed or archive files biotab does not read (after gzip's own
#: decompression: a gzip file holding one is "gzip inside gzip")
_PACKED = (
    (re.compile(rb"BZh[1-9]1AY&SY"), "bzip2-compressed"),
    (re.compile(rb"\xfd7zXZ\x00"), "xz-compressed"),
    (re.compile(rb"\x28\xb5\x2f\xfd"), "zstd-compressed"),
    (re.compile(rb"PK\x03\x04"), "a zip archive"),
    (re.compile(rb"7z\xbc\xaf\x27\x1c"), "a 7-zip archive"),
    (re.compile(rb"\x1f\x8b\x08"), "gzip-compressed twice (or a gzip file inside one)"),
)


def compressed_with(head: bytes) -> str | None:
    """What a file's (decompressed) head says it is compressed with, when biotab cannot read
    it (bzip2, xz, zstd, zip, 7-zip, gzip inside gzip), else None."""
    for magic, what in _PACKED:
        if magic.match(head):
            return what
    return None


#: The names a word processor's, spreadsheet's or e-book's zip archive holds near its start
#: (Office Open XML's content types and parts, OpenDocument's and EPUB's "mimetype" entry)
_OFFICE_ZIP = re.compile(rb"\[Content_Types\]\.xml|word/|xl/|ppt/|mimetypeapplication/")


def document_file(head: bytes) -> str | None:
    """What a file's head says it is when it is a document format whose text must be
    extracted first (a PDF; an Office or OpenDocument file, a zip archive of XML parts), with
    how to get the text, else None."""
    if head.startswith(b"%PDF-"):
        return ("a PDF, by its first bytes; biotab reads plain text: extract the text first, "
                "e.g. pdftotext FILE.pdf FILE.txt")
    if head.startswith(b"PK\x03\x04") and _OFFICE_ZIP.search(head[:4096]):
        return ("an Office or OpenDocument file (a zip archive of XML parts), by its first "
                "bytes; biotab reads plain text: save or export it as plain text first")
    return None


#: Printable ASCII and the whitespace of text: what the other byte of a UTF-16 code unit is
#: in text that is mostly Latin script
_ASCII_TEXT = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}


def other_unicode(head: bytes) -> tuple[str, str] | None:
    """The Unicode encoding other than UTF-8 that a file's head is in (its name for iconv) and
    how it was told, or None: UTF-32 or UTF-16 by its byte-order mark (UTF-32 LE's mark
    starts with UTF-16 LE's), else UTF-16LE or UTF-16BE without one when, in its first 4 KiB,
    at least half of the bytes of one parity are NULs, none of the other parity is, and nine
    in ten of those are ASCII text (Latin-script text saved as UTF-16; random or compressed
    bytes have NULs at both)."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32", "byte-order mark"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16", "byte-order mark"
    sample = head[:4096]
    if len(sample) < 8:
        return None
    for name, nuls, other in (("UTF-16LE", sample[1::2], sample[0::2]),
                              ("UTF-16BE", sample[0::2], sample[1::2])):
        if (nuls.count(0) * 2 >= len(nuls) and other.count(0) == 0
                and sum(b in _ASCII_TEXT for b in other) * 10 >= len(other) * 9):
            return name, "no byte-order mark: a NUL in every other byte"
    return None


def check_head(head: bytes, source: str, whole_file: bool = False,
               path: Path | None = None, *, per_record: bool = False, offset: int = 0
               ) -> ErrorRecord | None:
    """Reject files that are obviously not UTF-8 text: UTF-16/32, binary (NUL bytes), empty
    (or, given the `path`, an empty head because the file cannot be read: "unreadable").
    `per_record`: the file is read a line or record at a time by a reader that rejects a line
    or record holding a NUL on its own, so a NUL alone does not reject the file, only a head
    that `looks_binary`; else any NUL does (a txt file is one document). `offset`: where the
    head is in the file (`read_head_at`)."""
    encoding = other_unicode(head)
    if encoding is not None:
        name, how = encoding
        return err(source, "not_utf8", f"file is {name} encoded ({how}); expected UTF-8: "
                   f"convert it, e.g. iconv -f {name} -t UTF-8 FILE > FILE.utf8", "byte 0")
    document = document_file(head)
    if document is not None:
        return err(source, "binary_file", f"file is {document}", "byte 0")
    packed = compressed_with(head)
    if packed is not None:
        return err(source, "binary_file", f"file is {packed}, by its first bytes; biotab reads "
                   "plain text and gzip only: decompress it first", "byte 0")
    if b"\x00" in head and (not per_record or looks_binary(head)):
        pos = offset + head.index(b"\x00")
        return err(source, "binary_file",
                   f"file contains NUL bytes (first at byte {pos}); not a text file",
                   f"byte {pos}")
    if whole_file and blank(head):
        why = read_failure(path) if path is not None and not head else None
        if why is not None:
            return err(source, "unreadable", f"file could not be read: {why}; nothing of it "
                       "was read", "byte 0")
        return empty_file(source)
    return None


def empty_file(source: str) -> ErrorRecord:
    """The row for a file with no text: empty, or only whitespace."""
    return err(source, "empty_file", "file is empty (no text after whitespace)", None)


def head_and_problem(path: Path, source: str, n: int = SNIFF_BYTES, *,
                     per_record: bool = False, limit: int | None = DEFAULT_MAX_BYTES
                     ) -> tuple[bytes, ErrorRecord | None]:
    """A file's head (`read_head_at`) and why the file is refused whole (`head_problem`)."""
    head = read_head_lines(path, n, one_past(limit))
    return head.data, head_problem(head, path, source, per_record=per_record, limit=limit)


def head_problem(head: Head, path: Path, source: str, *, per_record: bool,
                 limit: int | None) -> ErrorRecord | None:
    """Why a file whose `head` was read by `read_head_lines(path, n, one_past(limit))` is
    refused whole: too large when it is blank past the byte cap `limit` (`blank_to_cap`), else
    what `check_head` says."""
    if blank_to_cap(head.offset, head.data, limit):
        return too_large(source, limit or 0, "only whitespace was read, nothing of the file "
                         "after the cap", None)
    return check_head(head.data, source, whole_file=True, path=path, per_record=per_record,
                      offset=head.offset)


def one_past(limit: int | None) -> int | None:
    """The byte limit to read a head with (`read_head_at`) for `blank_to_cap`: one byte past the
    cap tells a file blank to exactly the cap (empty: the cap allows it) from a longer one."""
    return None if limit is None else limit + 1


def blank_to_cap(at: int, head: bytes, limit: int | None) -> bool:
    """Whether `read_head_at(..., one_past(limit))`'s (`at`, `head`) is whitespace that goes
    past the byte cap `limit`: what follows is unread, so the file is too large, not known to
    be empty (a file blank to exactly the cap is empty)."""
    return limit is not None and bool(head) and blank(head) and at + len(head) > limit


_ROOT_START = re.compile(rb"<(?![?!])[A-Za-z_]")
PROLOG_LIMIT = 1 << 16


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


# tables of documents a user may give: DuckDB reads them (the hint of `unknown_format`)
_TABLE_EXTENSIONS = (".csv", ".tsv", ".csv.gz", ".tsv.gz")


_HTML = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)


# PMC's full-text XML: a JATS DOCTYPE or an <article> root (its own tag, not <PubmedArticle>)
_JATS = re.compile(rb"<(?:!DOCTYPE\s+article\b|article[\s>])")
JATS_HINT = ("a JATS article (PMC full text), which biotab does not read: take the article's "
             "BioC version (PMC's BioC service gives open-access articles as BioC XML or JSON; "
             "--format bioc) or save its text as .txt")


def is_jats(head: bytes) -> bool:
    """Whether an XML file's head opens a JATS article (`<!DOCTYPE article ...>` or an
    `<article>` root)."""
    return _JATS.search(content_start(head)[:4096]) is not None


def _page_kind(name: str, head: bytes) -> str | None:
    """What a file of marked-up text is, by its name or head, when no format reads it: an
    HTML page (a saved web page), an RTF document; else None."""
    start = content_start(head)
    if start.startswith(b"{\\rtf"):
        return "an RTF document"
    if name.lower().endswith((".html", ".htm", ".xhtml")) or _HTML.match(start):
        return "an HTML page"
    return None


def _iob_tokens(head: bytes) -> bool:
    """Whether the head's whole lines, at least two besides blank ones, are all IOB2 token
    lines as `biotab evaluate` reads them (`iob.is_token_line`, the one definition): a corpus
    of tagged tokens (BC5CDR's `devel.tsv`), not a table of documents."""
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()]  # the last may be cut
    try:
        return len(lines) >= 2 and all(is_token_line(line.decode()) for line in lines)
    except UnicodeDecodeError:  # (read_iob reads UTF-8 only)
        return False


def unknown_format(source: str, name: str, head: bytes, formats: Sequence[str]) -> ErrorRecord:
    """The row for a file whose format neither its name nor its head tells. A CSV or TSV
    table gets a hint of its own: no format reads it, JSONL does once each row is a line. An
    IOB2 file of tagged tokens (a `.tsv` too) is named as such: its hint would make one
    document of each token."""
    if is_jats(head):
        return err(source, "unknown_format", f"{name!r} is {JATS_HINT}")
    page = _page_kind(name, head)
    if page is not None:
        return err(source, "unknown_format", f"{name!r} is {page}; biotab reads plain text: "
                   "save or export it as plain text first (.txt)")
    if _iob_tokens(head):
        return err(source, "unknown_format",
                   f"{name!r} holds IOB2 tokens with their tags (TOKEN<TAB>TAG lines), an "
                   "annotated corpus for `biotab evaluate`, not documents: give their text "
                   "(PubTator, plain text or JSON Lines)")
    if (ext := next((e for e in _TABLE_EXTENSIONS if name.lower().endswith(e)), None)):
        return err(source, "unknown_format",
                   f"{name!r} is a {ext[1:4].upper()} table; biotab reads JSON Lines (one "
                   "document per line, with id and text fields): convert it first, e.g. "
                   "python -c \"import duckdb; duckdb.sql(\\\"COPY (FROM 'FILE"
                   f"{ext}') TO 'FILE.jsonl' (FORMAT json)\\\")\"")
    return err(source, "unknown_format",
               f"cannot tell the format of {name!r} from its extension or content; use "
               f"--format ({', '.join(formats)})")
