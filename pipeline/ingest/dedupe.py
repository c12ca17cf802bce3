"""Duplicate doc_ids: the one check of a stream of records and the one wording of its rows.

`FirstCopies.keep_first` is the check of `pipeline.ingest.ingest` and of a runner's unit
(`pipeline.runner.shard`): the first document with a doc_id is kept, a later one is dropped and
becomes a `duplicate_id` error row. `duplicate_row` words that row, for them and for a runner's
driver, which drops copies across units once they are written (`pipeline.runner.duplicates`).
A row names where the dropped copy was read (its `source` and `location`) and, in its message,
where the kept copy was read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipeline.documents import Document, ErrorRecord, place
from pipeline.ingest.common import err


def duplicate_row(doc_id: str, source: str, location: str | None, kept_source: str | None,
                  kept_location: str | None, *, other_input: bool) -> ErrorRecord:
    """The `duplicate_id` row of a dropped copy read at `source`/`location`, whose kept copy
    was read at `kept_source`/`kept_location`; `other_input`: the kept copy came from another
    input (a runner's shard) than the dropped one."""
    if other_input:
        said, fate = "was already produced by an earlier input", "this copy was dropped"
    else:
        said, fate = "was already produced earlier in this run", "this later document was dropped"
    return err(source, "duplicate_id",
               f"doc_id {doc_id!r} {said} ({place(kept_source, kept_location)}); {fate}",
               location, doc_id)


class FirstCopies:
    """The doc_ids seen so far (in memory: one entry per document kept), each with where its
    first copy was read; `across` counts the later copies dropped whose first copy came from
    another input (what a runner's driver adds to the copies it drops across units)."""

    def __init__(self) -> None:
        # doc_id -> (input id, source, location) of its first copy
        self._first: dict[str, tuple[str | None, str, str | None]] = {}
        self.across = 0

    def keep_first(self, records: Iterable[Document | ErrorRecord],
                   input_id: str | None = None) -> Iterator[Document | ErrorRecord]:
        """`records` with each document whose doc_id came earlier (in these or in earlier
        calls' records) replaced by its `duplicate_row`; error rows pass through. `input_id`
        names what `records` are read from (a runner's shard id): a copy of a document from
        another input is worded as such (and counted in `across`). Without it (one stream:
        `ingest`) every copy is a later document of the same run."""
        for rec in records:
            if isinstance(rec, Document):
                first = self._first.get(rec.doc_id)
                if first is not None:
                    other = first[0] != input_id
                    self.across += int(other)
                    yield duplicate_row(rec.doc_id, rec.source, rec.location, first[1],
                                        first[2], other_input=other)
                    continue
                self._first[rec.doc_id] = (input_id, rec.source, rec.location)
            yield rec
