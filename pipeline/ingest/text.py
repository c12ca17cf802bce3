"""Plain text / Markdown: one document per file; title = first non-empty line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.documents import Document, ErrorRecord, normalize_text
from pipeline.ingest.common import check_head, decode_utf8, err, open_binary


def read_text(path: Path, source: str, doc_id: str) -> Iterator[Document | ErrorRecord]:
    try:
        with open_binary(path) as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        yield err(source, "unreadable", f"cannot read file: {exc}", None, doc_id)
        return
    bad = check_head(data, source, whole_file=True)
    if bad is not None:
        yield _with_id(bad, doc_id)
        return
    decoded = decode_utf8(data, source)
    if isinstance(decoded, ErrorRecord):
        yield _with_id(decoded, doc_id)
        return
    text = normalize_text(decoded)
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    yield Document(doc_id=doc_id, text=text, source=source, format="txt", title=title)


def _with_id(record: ErrorRecord, doc_id: str) -> ErrorRecord:
    return ErrorRecord(
        source=record.source, stage=record.stage, error=record.error, message=record.message,
        location=record.location, doc_id=doc_id,
    )
