"""Plain text / Markdown: one document per file; title = its first non-empty line that is not
metadata (citation counts, DOI, journal, licence lines...: `text_title.title_of`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.documents import Document, ErrorRecord, normalize_text
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    CappedStream,
    Caps,
    InputTooLarge,
    blank,
    decode_utf8,
    err,
    garbage_row,
    read_head_at,
    read_into,
    too_large,
)
from pipeline.ingest.head_checks import blank_to_cap, check_head, empty_file, one_past
from pipeline.ingest.text_title import MetadataRules, title_of
from pipeline.plural import plural


def read_text(path: Path, source: str, doc_id: str, *,
              max_bytes: int | None = DEFAULT_MAX_BYTES,
              max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
              metadata_rules: MetadataRules | None = None,
              ) -> Iterator[Document | ErrorRecord]:
    """The file as one document. A whole file is held in memory, so it is capped by the
    per-record cap (min of max_record_bytes and max_bytes): a longer one is an error row
    "record_too_large" and is not read past the cap. A file of only whitespace up to the byte
    cap `max_bytes` is "empty_file", as an empty file, however far past the record cap (its
    rest is read on by `read_head_at`); one blank past `max_bytes` is too large. Its title:
    `text_title.title_of` with `metadata_rules` (None: the shipped ones). A gzip file whose
    data is whole but followed by garbage (`common.trailing_garbage`) keeps its document, with
    a "trailing_garbage" row after it (`CappedStream.garbage`); one whose data is cut short is
    "truncated_gzip", as in the other formats (its one record is cut: no document), one whose
    data is damaged "unreadable"."""
    cap = Caps(max_bytes, max_record_bytes).record
    chunks: list[bytes] = []
    try:
        with CappedStream(path, None) as stream:
            if read_into(stream, cap, chunks):
                raise InputTooLarge(cap)
            garbage = stream.garbage
    except InputTooLarge:
        if _only_whitespace(path, chunks, max_bytes):
            yield _with_id(empty_file(source), doc_id)
        elif max_bytes is not None and cap == max_bytes:
            yield _with_id(too_large(source, cap, "the document is not read", None), doc_id)
        else:
            yield err(source, "record_too_large", f"text file is more than {cap:,} bytes "
                      "(decompressed); one document that long is not read (raise "
                      "--max-record-mb or split the file)", None, doc_id)
        return
    except EOFError as exc:  # a cut gzip stream: the one record of the file is cut
        yield err(source, "truncated_gzip", f"gzip stream ends early ({exc}) after "
                  f"{plural(sum(map(len, chunks)), 'byte')} of text; the file is one document, "
                  "cut short: not read", None, doc_id)
        return
    except OSError as exc:
        yield err(source, "unreadable", f"cannot read file: {exc}", None, doc_id)
        return
    record = _document(b"".join(chunks), source, doc_id, metadata_rules)
    chunks.clear()  # while the document is annotated, its bytes are held by nothing here
    yield record
    if garbage:  # whole gzip data and garbage after it: the document is its text
        yield garbage_row(source, None, doc_id)


def _document(data: bytes, source: str, doc_id: str, metadata_rules: MetadataRules | None
              ) -> Document | ErrorRecord:
    """The document of a file's bytes `data`, or the row saying why there is none (returned,
    not yielded: a suspended generator would keep `data` alive as long as the document)."""
    bad = check_head(data, source, whole_file=True)
    if bad is not None:
        return _with_id(bad, doc_id)
    decoded = decode_utf8(data, source)
    if isinstance(decoded, ErrorRecord):
        return _with_id(decoded, doc_id)
    text = normalize_text(decoded)
    return Document(doc_id=doc_id, text=text, source=source, format="txt",
                    title=title_of(text, metadata_rules))


def _only_whitespace(path: Path, chunks: list[bytes], max_bytes: int | None) -> bool:
    """Whether a file over the record cap whose first `chunks` were read is whitespace to its
    end, which is within `max_bytes`: the rest is read by `read_head_at`, nothing of it kept."""
    if not (blank(chunks[0]) and all(c.isspace() for c in chunks[1:])):
        return False
    at, head = read_head_at(path, limit=one_past(max_bytes))
    # b"": the file could not be read again; whitespace to the file cap: what follows is unread
    return bool(head) and blank(head) and not blank_to_cap(at, head, max_bytes)


def _with_id(record: ErrorRecord, doc_id: str) -> ErrorRecord:
    return ErrorRecord(
        source=record.source, stage=record.stage, error=record.error, message=record.message,
        location=record.location, doc_id=doc_id,
    )
