"""The input formats biotab reads, in one place: detection (`ingest/detect.py`), `--format`'s
help and the documents table's `format` column name them from here. A module of its own so
that the command line's help does not import the readers (and pyarrow with them)."""

from __future__ import annotations

FORMATS = ("txt", "jsonl", "json", "pubtator", "bioc", "pubmed")


def formats_text() -> str:
    """The formats as a sentence's list: "txt, jsonl, ... or pubmed"."""
    return f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]}"
