"""JSON Lines: one document per line; id/text/title field names settable, the rest goes to meta."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.documents import Document, ErrorRecord, normalize_text
from pipeline.ingest.common import check_head, decode_utf8, err, open_binary, read_head


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def read_jsonl(
    path: Path,
    source: str,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    start: int = 0,
    n_records: int | None = None,
) -> Iterator[Document | ErrorRecord]:
    """Lines are records: `start` is the 0-based index of the first line to read, `n_records` how
    many lines (None = to the end). File-level problems are reported by the shard with start 0."""
    bad = check_head(read_head(path), source, whole_file=True)
    if bad is not None:
        if start == 0:
            yield bad
        return
    stem = _stem(path)
    end = None if n_records is None else start + n_records
    try:
        with open_binary(path) as fh:
            for idx, raw in enumerate(fh):
                if idx < start:
                    continue
                if end is not None and idx >= end:
                    break
                yield from _line(raw, idx + 1, stem, source, id_field, text_field, title_field)
    except EOFError as exc:
        yield err(source, "truncated_gzip", f"gzip stream ends early ({exc}); the rest is lost")
    except OSError as exc:
        yield err(source, "unreadable", f"file could not be read to the end: {exc}")


def _line(
    raw: bytes, lineno: int, stem: str, source: str, id_field: str, text_field: str,
    title_field: str,
) -> Iterator[Document | ErrorRecord]:
    loc = f"line {lineno}"
    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        return
    decoded = decode_utf8(raw, source, base_line=lineno)
    if isinstance(decoded, ErrorRecord):
        yield decoded
        return
    try:
        obj: Any = json.loads(decoded)
    except json.JSONDecodeError as exc:
        yield err(source, "bad_json", f"malformed JSON at column {exc.colno}: {exc.msg}", loc)
        return
    if not isinstance(obj, dict):
        yield err(source, "bad_json",
                  f"line is a JSON {type(obj).__name__}, expected an object", loc)
        return
    raw_id = obj.get(id_field)
    doc_id = str(raw_id) if raw_id not in (None, "") else f"{stem}:{lineno}"
    text = obj.get(text_field)
    if not isinstance(text, str) or not text.strip():
        why = "missing" if text_field not in obj or text is None else (
            "empty" if isinstance(text, str) else f"a {type(text).__name__}, not a string")
        yield err(source, "missing_text", f"text field {text_field!r} is {why}", loc, doc_id)
        return
    title_val = obj.get(title_field)
    title = normalize_text(str(title_val)).strip() or None if title_val is not None else None
    meta = {k: v for k, v in obj.items() if k not in (id_field, text_field, title_field)}
    yield Document(
        doc_id=doc_id, text=normalize_text(text), source=source, format="jsonl", title=title,
        meta=meta or None, location=loc,
    )
