"""Documents whose doc_id another unit also produced, across units (the driver's check).

A unit drops its own repeats while it runs (`pipeline.runner.shard`); a doc_id that two units
produced is found here once every unit is finished: the copy from the earlier unit in input
order is kept (`--keep-duplicates last`: the later unit's), the other copies' rows are removed
from their unit's part files, and each becomes a `duplicate_id` error row naming the dropped
copy's source and location and the kept copy's. With `--pubmed-updates`, a document whose
doc_id a `<DeleteCitation>` list of a later unit names (the units' markers list them:
`deleted_citations`) is removed too, each copy a `deleted_citation` row naming the list
(`pipeline.ingest.dedupe` says which copy goes, and words the rows). The rows a unit wrote
for its own copies are then reworded where the units after it decide otherwise
(`reword_rows`), so that they are those of one unit holding every input, whatever the units'
sizes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import write as W
from pipeline.documents import ErrorRecord
from pipeline.ingest import error_row
from pipeline.ingest.dedupe import DELETED, OTHER_INPUT_SAID, deleted_row, duplicate_row

log = logging.getLogger("pipeline.run")
#: `Duplicate.kind` of a copy dropped for another copy
DUPLICATE = "duplicate_id"
#: `Duplicate.kind` of a unit's deleted_citation row reworded as a duplicate_id row (a later
#: unit holds a copy read after the list: `find_reworded`); no document is dropped for it
REWORDED = "reworded"
#: ... reworded to name a later unit's list deleting the doc_id again (`find_reworded`)
RELISTED = "relisted"
#: the kinds of entry that drop no copy (a unit's row reworded only)
_REWORDINGS = (REWORDED, RELISTED)


class Duplicate(NamedTuple):
    """A document dropped because another shard produced its doc_id: the dropped copy's
    shard (the unit whose files lost its rows), source and location (`documents.location`),
    and the kept copy's shard (a unit or a committed group), source and location. `kind`
    DELETED: dropped because a later `<DeleteCitation>` list names it; the kept_* fields then
    name the list's unit, source and location. `kind` REWORDED or RELISTED: no copy dropped,
    the unit's deleted_citation row reworded (`find_reworded`)."""

    doc_id: str
    shard_id: str
    source: str | None
    location: str | None
    kept_shard_id: str
    kept_source: str | None
    kept_location: str | None
    kind: str = DUPLICATE


class Copy(NamedTuple):
    """A copy of a doc_id in the part files: the unit or group holding it, its rank (the
    key's position in input order), its source and location."""

    rank: int
    shard_id: str
    source: str | None
    location: str | None


class Deletion(NamedTuple):
    """A unit's `<DeleteCitation>` lists of one file (a `deleted_citations` entry of its
    marker), ranked as the file key holding the unit (a later key's copies are not deleted)."""

    rank: int
    unit_id: str
    source: str | None
    location: str | None


def resolve(doc_id: str, copies: Sequence[Copy], keep: str = "first",
            deleted_by: Deletion | None = None) -> list[Duplicate]:
    """The copies of `doc_id` dropped (`copies` in input order, one per key): all of them when
    `deleted_by`, a list read after the last copy, deletes it; else all but the first (`keep`
    "first") or the last one."""
    if deleted_by is not None:
        return [Duplicate(doc_id, c.shard_id, c.source, c.location, deleted_by.unit_id,
                          deleted_by.source, deleted_by.location, DELETED) for c in copies]
    kept = copies[0] if keep == "first" else copies[-1]
    return [Duplicate(doc_id, c.shard_id, c.source, c.location, kept.shard_id, kept.source,
                      kept.location) for c in copies if c is not kept]


def _deletions_table(deletions: Sequence[tuple[Deletion, Sequence[str]]]) -> pa.Table:
    """The lists' PMIDs, each with the index of its list in `deletions` (input order: the
    largest index of a PMID is the last list naming it)."""
    pmids = [pa.array(list(ids), pa.string()) for _, ids in deletions]
    return pa.table({
        "pmid": pa.chunked_array(pmids, pa.string()),
        "list": pa.chunked_array([pa.array([i] * len(ids), pa.int64())
                                  for i, (_, ids) in enumerate(deletions)], pa.int64()),
    })


_COPIES_SQL = (
    "WITH d AS (SELECT doc_id, source, location, filename "
    "FROM read_parquet(?, filename=true)) "
    "SELECT doc_id, source, location, filename, NULL FROM d WHERE doc_id IN "
    "(SELECT doc_id FROM d GROUP BY doc_id HAVING count(*) > 1) "
    "ORDER BY doc_id, filename")
# the same, and the copies of doc_ids a list deletes, with the last such list's index
_COPIES_AND_DELETED_SQL = (
    "WITH d AS (SELECT doc_id, source, location, filename "
    "FROM read_parquet(?, filename=true)), "
    "gone AS (SELECT pmid, max(list) AS list FROM deletions GROUP BY pmid) "
    "SELECT d.doc_id, d.source, d.location, d.filename, gone.list "
    "FROM d LEFT JOIN gone ON d.doc_id = gone.pmid "
    "WHERE gone.list IS NOT NULL OR d.doc_id IN "
    "(SELECT doc_id FROM d GROUP BY doc_id HAVING count(*) > 1) "
    "ORDER BY d.doc_id, d.filename")


def find_duplicates(out: Path, shard_order: Iterable[str], keep: str = "first",
                    deletions: Sequence[tuple[Deletion, Sequence[str]]] = ()
                    ) -> list[Duplicate]:
    """Documents whose doc_id another shard (in input order: `shard_order`) also produced, and
    (`deletions`: each list with its PMIDs, in input order) those a list of a later shard
    deletes.

    Returns the dropped copies in doc_id order, each with the copy kept (or the list that
    deletes it). Each shard is deduplicated while it is processed; across shards the first
    shard in `shard_order` wins (`keep` "last": the last one). Reads only the doc_id, source
    and location columns, with DuckDB (which spills to disk, so the check works for corpora of
    any size); the lists' PMIDs are handed to it as one Arrow table (about 24 bytes a PMID).
    """
    import duckdb

    rank = {sid: i for i, sid in enumerate(shard_order)}
    folder = Path(out) / "documents"
    if not any(folder.glob("part-*.parquet")):
        return []
    con = duckdb.connect()
    try:
        if deletions:
            con.register("deletions", _deletions_table(deletions))
        rows = con.execute(_COPIES_AND_DELETED_SQL if deletions else _COPIES_SQL,
                           [str(folder / "part-*.parquet")]).fetchall()
    finally:
        con.close()
    by_id: dict[str, list[Copy]] = {}
    last_list: dict[str, int] = {}
    for doc_id, source, location, filename, list_index in rows:
        sid = W.shard_of_file(Path(filename).name)
        if sid is None:
            continue
        by_id.setdefault(doc_id, []).append(Copy(rank.get(sid, len(rank)), sid, source,
                                                 location))
        if list_index is not None:
            last_list[doc_id] = list_index
    dropped: list[Duplicate] = []
    for doc_id, copies in sorted(by_id.items()):
        copies.sort(key=lambda c: (c.rank, c.shard_id))
        deletion = deletions[last_list[doc_id]][0] if doc_id in last_list else None
        after = deletion is not None and deletion.rank > copies[-1].rank
        dropped.extend(resolve(doc_id, copies, keep, deletion if after else None))
    return dropped


def drop_documents(out: Path, shard_id: str, doc_ids: set[str]) -> dict[str, int]:
    """Remove the rows of `doc_ids` from a shard's parts of every document table (rewritten
    through a temporary file, so a crash leaves either the old or the new file)."""
    import pyarrow.compute as pc

    removed: dict[str, int] = {}
    drop_ids = pa.array(sorted(doc_ids), pa.string())
    for f in W.shard_files(out, shard_id):
        table_name = f.parent.name
        if table_name not in W.DOCUMENT_TABLES or not f.name.startswith("part-"):
            continue
        table = pq.read_table(f)
        mask = pc.invert(pc.is_in(table["doc_id"], value_set=drop_ids))
        kept = table.filter(mask)
        if kept.num_rows == table.num_rows:
            continue
        removed[table_name] = removed.get(table_name, 0) + table.num_rows - kept.num_rows
        tmp = f.with_name(W.temp_name(f.name))
        schema = W.table_schemas()[table_name]
        pq.write_table(kept.cast(schema), tmp, compression=W.COMPRESSION)
        os.replace(tmp, f)
    return removed


# the fields a plan entry must have (`kind` came later: an entry without it is a duplicate)
_REQUIRED = Duplicate._fields[:-1]


def _plan_file(out: Path) -> Path:
    return out / W.RUN_DIR / W.DUPLICATES_PLAN


def read_plan(out: Path) -> list[dict[str, Any]]:
    """The saved plan's entries (`Duplicate` fields). An entry that cannot be read is left out
    with a warning: its document was dropped already, so its `duplicate_id` row is lost (the
    plan is written whole, atomically: only a change from outside damages it). Read once per
    attempt, by `pipeline.runner.bookkeeping.prepare` on a resume (`Prepared.plan`), which
    hands the entries to `redo_for_kept` and at the end to `drop_duplicates`: one warning."""
    plan_file = _plan_file(out)
    if not plan_file.exists():
        return []
    try:
        entries = json.loads(plan_file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("%s cannot be read (%s): the documents it dropped lose their duplicate_id "
                    "rows", plan_file, exc)
        return []
    if not isinstance(entries, list):
        entries = [entries]
    good = [d for d in entries
            if isinstance(d, dict) and set(_REQUIRED) <= d.keys()
            and all(isinstance(d[k], str) for k in ("doc_id", "shard_id", "kept_shard_id"))
            and d.get("kind", DUPLICATE) in (DUPLICATE, DELETED, *_REWORDINGS)]
    if len(good) < len(entries):
        log.warning("%s: left out %d damaged entries: the documents they dropped lose their "
                    "duplicate_id rows", plan_file, len(entries) - len(good))
    return good


def redo_for_kept(out: Path, done: dict[str, dict[str, Any]],
                  groups: Mapping[str, Sequence[str]],
                  plan: Iterable[Mapping[str, Any]]) -> set[str]:
    """Before a resume: the finished units that lost a document's rows (the saved `plan`'s
    entries, `read_plan`; a group's entry stands for its units) as a copy of one in a unit (or
    group) that is redone now, or to a `<DeleteCitation>` list of a unit redone now. Its input
    changed, so the kept copy (the list) may be gone: they are redone too (removed from `done`,
    their files deleted), and the check after the run decides again. Returns their ids."""
    def redone(key: str) -> bool:
        members = groups.get(key)
        return (key not in done) if members is None else not all(u in done for u in members)

    # an entry's `shard_id` names a group when the copy was dropped from the group's files:
    # its units are redone (and with them the group, by the caller)
    units = {uid for d in plan if redone(d["kept_shard_id"])
             for uid in groups.get(d["shard_id"], [d["shard_id"]]) if uid in done}
    for uid in sorted(units):
        del done[uid]
        W.clean_shard(out, uid)
        log.info("unit %s is processed again: it held copies of documents whose kept copy "
                 "(or the list deleting them) is in an input read again", uid)
    return units


def drop_duplicates(out: Path, shard_order: list[str], redone: set[str],
                    known: set[str] | None, saved: Iterable[Mapping[str, Any]],
                    keep: str = "first",
                    deletions: Sequence[tuple[Deletion, Sequence[str]]] = (),
                    ) -> list[dict[str, Any]]:
    """Drop documents whose doc_id another shard produced (`find_duplicates`: `keep`,
    `deletions`). The plan is saved first
    (`_run/duplicates.json`), so that an interrupted run resumes it rather than forgetting
    what it already dropped. `saved`: the entries of the plan an earlier attempt saved (as
    `read_plan` gave them when this attempt started; this attempt has not written it since).
    Entries for shards `redone` by this attempt (their parts are new) or no longer in the run
    are discarded: the check below finds them again if still true."""
    plan_file = _plan_file(out)
    plan: dict[tuple[str, str], dict[str, Any]] = {}
    # `known`: also units whose files are now in a group (their entries still stand)
    wanted = set(shard_order) | (known or set())
    for d in saved:
        if d["shard_id"] in wanted and d["shard_id"] not in redone:
            plan[(d["doc_id"], d["shard_id"])] = dict(d)
    for dup in find_duplicates(out, shard_order, keep, deletions):
        plan[(dup.doc_id, dup.shard_id)] = dup._asdict()
    if deletions:
        for dup in find_reworded(out, shard_order, set(plan), deletions):
            plan.setdefault((dup.doc_id, dup.shard_id), dup._asdict())  # (a drop goes first)
    if not plan:
        with contextlib.suppress(FileNotFoundError):
            plan_file.unlink()
        return []
    entries = [plan[k] for k in sorted(plan)]
    W.atomic_write_json(plan_file, entries)
    by_shard: dict[str, set[str]] = {}
    for d in entries:
        if d.get("kind") not in _REWORDINGS:
            by_shard.setdefault(d["shard_id"], set()).add(d["doc_id"])
    for sid, ids in sorted(by_shard.items()):
        drop_documents(out, sid, ids)
    reword_rows(out, entries, keep)
    entries = [d for d in entries if d.get("kind") not in _REWORDINGS]
    n_deleted = sum(d.get("kind") == DELETED for d in entries)
    if len(entries) > n_deleted:
        log.warning("%d document(s) with a doc_id seen in %s input were dropped",
                    len(entries) - n_deleted, "a later" if keep == "last" else "an earlier")
    if n_deleted:
        log.info("%d document(s) deleted by <DeleteCitation> lists of later inputs were dropped",
                 n_deleted)
    return entries


# --------------------------------------------------------------------------- the units' rows
# A unit words the rows of the copies it drops as it sees them: a copy replaced by a later one
# of the unit is a duplicate_id row, a copy a later list of the unit deletes a deleted_citation
# row. The driver sees more: below, it rewords them as one unit holding every input would have
# (`pipeline.ingest.dedupe.LastCopies`), so that the rows do not depend on the units' sizes.


def _new_row(entry: Mapping[str, Any], source: str, location: str | None,
             keep: str) -> ErrorRecord:
    """The row a plan `entry` gives a unit's row of its doc_id read at `source`/`location`
    (`reword_rows`)."""
    kind, doc_id = entry.get("kind", DUPLICATE), entry["doc_id"]
    if kind in (DELETED, RELISTED):
        return deleted_row(doc_id, source, location, entry["kept_source"],
                           entry["kept_location"])
    return duplicate_row(doc_id, source, location, entry["kept_source"],
                         entry["kept_location"], other_input=True,
                         kept_later=keep == "last" or kind == REWORDED)


def _reword(out: Path, shard_id: str, kind: str, entries: Mapping[str, Mapping[str, Any]],
            keep: str) -> int:
    """Replace, in a unit's (or group's) error part files, each `kind` row of a doc_id in
    `entries` by the row its entry gives (`_new_row`; through a temporary file, as
    `drop_documents`). Returns the rows replaced."""
    import pyarrow.compute as pc

    ids = pa.array(sorted(entries), pa.string())
    n = 0
    for f in W.shard_files(out, shard_id):
        if f.parent.name != "errors" or not f.name.startswith("part-"):
            continue
        table = pq.read_table(f)
        mask = pc.and_(pc.equal(table["error"], kind), pc.is_in(table["doc_id"], value_set=ids))
        if not pc.any(mask).as_py():
            continue
        rows = table.to_pylist()
        changed = 0
        for i, hit in enumerate(mask.to_pylist()):
            if hit:
                row = error_row(_new_row(entries[rows[i]["doc_id"]], rows[i]["source"],
                                         rows[i]["location"], keep))
                changed += row != rows[i]
                rows[i] = row
        if not changed:  # (reworded by an earlier attempt)
            continue
        n += changed
        tmp = f.with_name(W.temp_name(f.name))
        pq.write_table(pa.Table.from_pylist(rows, W.table_schemas()["errors"]), tmp,
                       compression=W.COMPRESSION)
        os.replace(tmp, f)
    return n


def reword_rows(out: Path, entries: Iterable[Mapping[str, Any]], keep: str = "first") -> None:
    """The units' rows of copies the driver's plan (`entries`) decides otherwise: a copy a unit
    dropped for the copy it kept, which the driver drops for another unit's copy (DUPLICATE
    entries), is a duplicate_id row naming the copy kept, not the unit's (a citation revised
    twice); a copy a unit dropped for its last copy, which a later unit's list deletes
    (DELETED entries), is a deleted_citation row naming that list; a copy a unit's list
    deleted, of a doc_id a later unit holds a copy of (REWORDED entries), is a duplicate_id
    row naming that copy, or else, when a later unit's list deletes it again (RELISTED), a
    deleted_citation row naming the last such list."""
    by_shard: dict[tuple[str, str], dict[str, Mapping[str, Any]]] = {}
    for d in entries:
        # the unit's rows of the doc_id: duplicate_id ones, or (a rewording) deleted_citation
        kind = DELETED if d.get("kind") in _REWORDINGS else DUPLICATE
        by_shard.setdefault((d["shard_id"], kind), {})[d["doc_id"]] = d
    for (sid, kind), by_id in sorted(by_shard.items()):
        _reword(out, sid, kind, by_id, keep)


# a unit's deleted_citation rows, each with the copies of its doc_id in the part files and the
# last list (its index in `deletions`) naming it
_DELETED_ROWS_SQL = (
    "WITH e AS (SELECT doc_id, filename FROM read_parquet(?, filename=true) WHERE error = ?), "
    "d AS (SELECT doc_id, source, location, filename FROM read_parquet(?, filename=true)), "
    "gone AS (SELECT pmid, max(list) AS list FROM deletions GROUP BY pmid) "
    "SELECT e.doc_id, e.filename, d.source, d.location, d.filename, gone.list FROM e "
    "LEFT JOIN d ON e.doc_id = d.doc_id LEFT JOIN gone ON e.doc_id = gone.pmid "
    "ORDER BY e.doc_id, e.filename, d.filename")


def find_reworded(out: Path, shard_order: Iterable[str], dropped: set[tuple[str, str]],
                  deletions: Sequence[tuple[Deletion, Sequence[str]]]) -> list[Duplicate]:
    """With `--pubmed-updates`: the copies a unit's list deleted (its deleted_citation rows)
    that the later units decide otherwise. A later unit holds the copy kept (one not in
    `dropped`: the (doc_id, shard id) pairs the plan drops), read after the list: a REWORDED
    entry naming it; else a later unit's list deletes the doc_id again (`deletions`: the last
    one): a RELISTED entry naming it (`reword_rows`)."""
    import duckdb

    rank = {sid: i for i, sid in enumerate(shard_order)}
    errors, docs = Path(out) / "errors", Path(out) / "documents"
    if not any(errors.glob("part-*.parquet")) or not any(docs.glob("part-*.parquet")):
        return []
    con = duckdb.connect()
    try:
        con.register("deletions", _deletions_table(deletions))
        rows = con.execute(_DELETED_ROWS_SQL,
                           [str(errors / "part-*.parquet"), DELETED,
                            str(docs / "part-*.parquet")]).fetchall()
    finally:
        con.close()
    found: dict[tuple[str, str], Duplicate] = {}
    for doc_id, e_file, source, location, d_file, list_index in rows:
        e_sid = W.shard_of_file(Path(e_file).name)
        if e_sid not in rank:
            continue
        d_sid = W.shard_of_file(Path(d_file).name) if d_file is not None else None
        if (d_sid in rank and rank[e_sid] < rank[d_sid] and (doc_id, d_sid) not in dropped):
            found[(doc_id, e_sid)] = Duplicate(doc_id, e_sid, None, None, d_sid, source,
                                               location, REWORDED)
        elif list_index is not None and (doc_id, e_sid) not in found:
            gone = deletions[list_index][0]
            if gone.rank > rank[e_sid]:
                found[(doc_id, e_sid)] = Duplicate(doc_id, e_sid, None, None, gone.unit_id,
                                                   gone.source, gone.location, RELISTED)
    return list(found.values())


def count_dropped(out: Path) -> tuple[int, int]:
    """The copies dropped for another input's copy (the errors table's `duplicate_id` rows so
    worded: the manifest's `duplicates_dropped`; a repeat inside one input is not counted) and
    those deleted by a list (`deleted_citation` rows). Read off the rows, as the driver
    reworded them (`reword_rows`)."""
    import pyarrow.compute as pc

    n_dup = n_del = 0
    for f in sorted((Path(out) / "errors").glob("part-*.parquet")):
        t = pq.read_table(f, columns=["error", "message"])
        n_del += int(pc.sum(pc.equal(t["error"], DELETED)).as_py() or 0)
        said = t.filter(pc.equal(t["error"], DUPLICATE))["message"]
        n_dup += sum(int(pc.sum(pc.match_substring(said, s)).as_py() or 0)
                     for s in OTHER_INPUT_SAID)
    return n_dup, n_del
