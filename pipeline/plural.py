"""Counts in the words users read: "1 error", "2 errors" (`plural`; `noun`, the word alone).
The one place that picks the singular, for the run's summary and progress, `biotab evaluate`'s
tables, the logs and the report."""

from __future__ import annotations


def noun(n: int, word: str, many: str | None = None) -> str:
    """`word` when `n` is 1, else its plural `many` (default `word` + "s"): noun(1, "shard")
    is "shard", noun(0, "shard") "shards", noun(2, "was", "were") "were"."""
    return word if n == 1 else many or word + "s"


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` with thousands separators and `noun(n, word, many)`: plural(1, "document") is
    "1 document", plural(0, "error") "0 errors", plural(2_075, "entry", "entries") "2,075
    entries"."""
    return f"{n:,} {noun(n, word, many)}"
