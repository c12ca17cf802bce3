"""Duplicate doc_ids: the checks of a stream of records and the one wording of their rows.

Which copy of a doc_id is kept is a run setting (`biotab run --keep-duplicates first|last`):

* `FirstCopies.keep_first` is the check of `pipeline.ingest.ingest` and of a runner's unit
  (`pipeline.runner.shard`) by default: the first document with a doc_id is kept, a later one
  is dropped and becomes a `duplicate_id` error row.
* `LastCopies` is a unit's check with `last` (and `--pubmed-updates`): the copy read last is
  kept, as NLM's daily update files revise the citations of the baseline and of earlier
  updates. It reads the unit's records twice: `scan` finds where each doc_id's last copy is
  (and, when it applies `<DeleteCitation>` lists, which doc_ids a later list deletes), then
  `keep_last` drops the other copies as the records stream past again.

`duplicate_row` and `deleted_row` word the rows, for them and for a runner's driver, which
drops copies across units once they are written (`pipeline.runner.duplicates`). A row names
where the dropped copy was read (its `source` and `location`) and, in its message, where the
kept copy (or the deleting list) was read.

Deleting: a doc_id that a `<DeleteCitation>` list names (its PMIDs; documents of any format
with that doc_id) after the last copy read is deleted: every copy is dropped as a
`deleted_citation` row naming the (last) list. A copy read after the list is kept, the copies
before it are then `duplicate_id` rows naming it, like any earlier copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, Protocol, TypeGuard

from pipeline.documents import Document, ErrorRecord, Notice, place
from pipeline.ingest.common import err, shown_text

#: The settings of `--keep-duplicates`: which copy of a doc_id read twice is kept ...
KEEP_CHOICES = ("first", "last")
#: ... by default
DEFAULT_KEEP = KEEP_CHOICES[0]
#: The error kind of a document dropped for another copy of its doc_id ...
DUPLICATE = "duplicate_id"
#: ... and of one dropped because a later `<DeleteCitation>` list names it.
DELETED = "deleted_citation"
#: How a `duplicate_row` says that the copy kept came from another input (an earlier one, a
#: later one): the rows a run counts in its `duplicates_dropped`
OTHER_INPUT_SAID = ("was already produced by an earlier input",
                    "is read again from a later input")


def duplicate_row(doc_id: str, source: str, location: str | None, kept_source: str | None,
                  kept_location: str | None, *, other_input: bool,
                  kept_later: bool = False) -> ErrorRecord:
    """The `duplicate_id` row of a dropped copy read at `source`/`location`, whose kept copy
    was read at `kept_source`/`kept_location`; `other_input`: the kept copy came from another
    input (a runner's shard) than the dropped one; `kept_later`: the kept copy is the one read
    later (`--keep-duplicates last`), not earlier."""
    if kept_later and other_input:
        said, fate = OTHER_INPUT_SAID[1], "this earlier copy was dropped"
    elif kept_later:
        said, fate = "is read again later in this run", "this earlier document was dropped"
    elif other_input:
        said, fate = OTHER_INPUT_SAID[0], "this copy was dropped"
    else:
        said, fate = "was already produced earlier in this run", "this later document was dropped"
    return err(source, DUPLICATE,
               f"doc_id {shown_text(doc_id)} {said} ({place(kept_source, kept_location)}); "
               f"{fate}",
               location, doc_id)


def deleted_row(doc_id: str, source: str, location: str | None, list_source: str | None,
                list_location: str | None) -> ErrorRecord:
    """The `deleted_citation` row of a copy read at `source`/`location` that a
    `<DeleteCitation>` list read later, at `list_source`/`list_location`, deletes."""
    return err(source, DELETED,
               f"doc_id {shown_text(doc_id)} is deleted by a <DeleteCitation> list read later "
               f"({place(list_source, list_location)}); this copy was dropped",
               location, doc_id)


def keep_choice(keep_duplicates: str | None, pubmed_updates: bool) -> str:
    """The copy of a doc_id kept, for `keep_duplicates` (None: the default) and
    `pubmed_updates` (which keeps the last: a later update file revises a citation);
    ValueError for a choice that does not exist or contradicts `pubmed_updates`."""
    if keep_duplicates is not None and keep_duplicates not in KEEP_CHOICES:
        raise ValueError(f"--keep-duplicates must be {' or '.join(KEEP_CHOICES)}, "
                         f"got {keep_duplicates!r}")
    if pubmed_updates and keep_duplicates == DEFAULT_KEEP:
        raise ValueError("--pubmed-updates keeps the last copy of a citation (a later update "
                         f"file revises it): it cannot go with --keep-duplicates {DEFAULT_KEEP}")
    return "last" if pubmed_updates else keep_duplicates or DEFAULT_KEEP


class CopiesCheck(Protocol):
    """A check of duplicate doc_ids over a stream of records (`copies_check`): `keep` passes
    the records through, each dropped copy replaced by its row; `across` counts the copies
    dropped for a copy from another input, `deleted` those a `<DeleteCitation>` list deleted."""

    across: int
    deleted: int

    def keep(self, records: Iterable[Document | ErrorRecord],
             input_id: str | None = None) -> Iterator[Document | ErrorRecord]: ...


class FirstCopies:
    """The check that keeps a doc_id's first copy (a `CopiesCheck`): the doc_ids seen so far
    (in memory: one entry per document kept), each with where its first copy was read;
    `across` counts the later copies dropped whose first copy came from another input (what a
    runner's driver adds to the copies it drops across units); `deleted` stays 0 (no list is
    applied)."""

    def __init__(self) -> None:
        # doc_id -> (input id, source, location) of its first copy
        self._first: dict[str, tuple[str | None, str, str | None]] = {}
        self.across = 0
        self.deleted = 0

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

    keep = keep_first


class _Read(NamedTuple):
    """Where a record was read: its position in the stream (records of every kind counted),
    the input it came from (a runner's shard id), its source and location."""

    at: int
    input_id: str | None
    source: str
    location: str | None


def is_deletion(rec: Document | ErrorRecord) -> TypeGuard[Notice]:
    """Whether `rec` is a `<DeleteCitation>` list (`pipeline.ingest.pubmed`)."""
    return isinstance(rec, Notice) and rec.error == "deleted_citations"


class LastCopies:
    """The check that keeps a doc_id's last copy (a `CopiesCheck`): `scan` the records once,
    then `keep_last` the same records (read again, in the same order and calls: positions are
    counted over them). In memory: one entry per doc_id, and one per doc_id a list deletes
    after a copy. `apply_deletions`: `<DeleteCitation>` lists delete the copies read before
    them. `across` counts the copies dropped for a later copy from another input, `deleted`
    those a list deleted."""

    def __init__(self, *, apply_deletions: bool = False) -> None:
        self._last: dict[str, _Read] = {}
        self._deleted: dict[str, _Read] = {}
        self._apply = apply_deletions
        self._scanned = 0
        self._read = 0
        self.across = 0
        self.deleted = 0

    def scan(self, records: Iterable[Document | ErrorRecord],
             input_id: str | None = None) -> None:
        """The first reading: where each doc_id is read last, and (`apply_deletions`) the
        last list that deletes it after a copy (a list naming a PMID not read yet deletes
        nothing here: only the copies before it)."""
        for rec in records:
            at = self._scanned
            self._scanned += 1
            if isinstance(rec, Document):
                self._last[rec.doc_id] = _Read(at, input_id, rec.source, rec.location)
            elif self._apply and is_deletion(rec):
                for pmid in rec.ids:
                    if pmid in self._last:
                        self._deleted[pmid] = _Read(at, input_id, rec.source, rec.location)

    def keep_last(self, records: Iterable[Document | ErrorRecord],
                  input_id: str | None = None) -> Iterator[Document | ErrorRecord]:
        """The second reading: `records` with each document that is not its doc_id's last
        copy replaced by its `duplicate_row`, and a last copy that a later list deletes by its
        `deleted_row`; error rows and lists pass through."""
        for rec in records:
            at = self._read
            self._read += 1
            if isinstance(rec, Document):
                dropped = self._dropped(rec, at, input_id)
                if dropped is not None:
                    yield dropped
                    continue
            yield rec

    keep = keep_last

    def _dropped(self, doc: Document, at: int, input_id: str | None) -> ErrorRecord | None:
        last = self._last.get(doc.doc_id)
        if last is None:
            # not read by `scan` (the input changed between the readings): kept, and the
            # place of the copy kept, so that a second such copy is not kept too
            self._last[doc.doc_id] = _Read(at, input_id, doc.source, doc.location)
            return None
        gone = self._deleted.get(doc.doc_id)
        if gone is not None and gone.at > last.at:
            self.deleted += 1
            return deleted_row(doc.doc_id, doc.source, doc.location, gone.source,
                               gone.location)
        if last.at == at:
            return None
        other = last.input_id != input_id
        self.across += int(other)
        return duplicate_row(doc.doc_id, doc.source, doc.location, last.source, last.location,
                             other_input=other, kept_later=True)


def copies_check(
    keep: str, apply_deletions: bool,
    inputs: Callable[[], Iterable[tuple[Iterable[Document | ErrorRecord], str | None]]],
) -> CopiesCheck:
    """The check of duplicate doc_ids that `keep` (`keep_choice`) asks for, for `ingest()` and
    a runner's unit. For the last copies, the records are read once first: `inputs()` gives
    each input's records and its id (a shard id), which `LastCopies.scan` reads; the caller then
    passes the same inputs to the check's `keep`."""
    if keep == DEFAULT_KEEP:
        return FirstCopies()
    copies = LastCopies(apply_deletions=apply_deletions)
    for records, input_id in inputs():
        copies.scan(records, input_id)
    return copies
