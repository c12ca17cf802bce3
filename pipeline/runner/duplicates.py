"""Documents whose doc_id another unit also produced, across units (the driver's check).

A unit drops its own repeats while it runs (`pipeline.runner.shard`); a doc_id that two units
produced is found here once every unit is finished: the copy from the earlier unit in input
order is kept (`--keep-duplicates last`: the later unit's), the other copies' rows are removed
from their unit's part files, and each becomes a `duplicate_id` error row naming the dropped
copy's source and location and the kept copy's. With `--pubmed-updates`, a document whose
doc_id a `<DeleteCitation>` list of a later unit names (the units' markers list them:
`deleted_citations`) is removed too, each copy a `deleted_citation` row naming the list
(`pipeline.ingest.dedupe` says which copy goes, and words the rows). The rows a unit wrote
for its own copies are then reworded where the other units decide otherwise
(`pipeline.runner.plan_apply`), so that they are those of one unit holding every input,
whatever the units' sizes. On a resume, the copies an earlier attempt dropped (its saved plan)
take part in the check again, at their place in input order: the inputs added or changed since
decide their rows as in a fresh run.

**Memory.** A year of PubMed update files revises millions of citations, each a copy to drop.
The check is SQL run by DuckDB, with its memory capped (`plan_file.DUCKDB_MEMORY_MB`; beyond
it DuckDB spills to a temporary folder), and its result, the plan, goes from DuckDB to a
Parquet file (`_run/duplicates.parquet`, `plan_file.PLAN_SCHEMA`) that is applied unit by
unit, in batches: no step holds every copy in Python. Only the lists' PMIDs are handed over
from Python (about 24 bytes each).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import output_folder as O
from pipeline import write as W
from pipeline.ingest.dedupe import DEFAULT_KEEP, DELETED, DUPLICATE, OTHER_INPUT_SAID
from pipeline.plural import noun, plural
from pipeline.runner import plan_file as P
from pipeline.runner import units as U

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger("pipeline.run")

class Deletion(NamedTuple):
    """A unit's `<DeleteCitation>` lists of one file (a `deleted_citations` entry of its
    marker), ranked as the file key holding the unit (`shard_order`'s index)."""

    rank: int
    unit_id: str
    source: str | None
    location: str | None


#: A copy's or a list's place in input order, for the check. In unit n: the copies the unit
#: dropped for its own list (its error rows, `_row_place`) at 3n, before its lists at 3n + 1,
#: before the copy it kept at 3n + 2 (`_copy_place`). A group's rows' copies come before its
#: first unit's lists (each before the list of its unit that deleted it); its copy kept, of
#: which the unit is not recorded, at its last unit's place (`keep` 'last': it outlived the
#: group's other copies and lists when the group was made; 'first': at its first unit's, before
#: them). A file of a shard not in the run after all of them (unit numbers have 7 digits).
_AFTER = 3 * 10**7


def _list_place(unit_id: str) -> int:
    return 3 * U.unit_index(unit_id) + 1


def _copy_place(key: str, groups: Mapping[str, Sequence[str]], keep: str) -> int:
    members = groups.get(key)
    return 3 * U.unit_index(members[-1 if keep == "last" else 0] if members else key) + 2


def _row_place(key: str) -> int:
    return 3 * U.unit_index(key)


def _register_files(con: duckdb.DuckDBPyConnection, name: str, folder: Path,
                    place: Mapping[str, int]) -> list[str]:
    """Register table `name` (filename, sid, place, row_place) of the part files in `folder`
    with a shard's name: the shard (unit or group) of each file, the place in input order of
    its copies (`_copy_place`) and of the copies its rows name (`_row_place`), NULL for a shard
    not in the run (`place`: the file keys'). Returns the files, for `read_parquet`
    (`pipeline.write.read_path`)."""
    files, sids = [], []
    for f in sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []:
        sid = O.shard_of_file(f.name)
        if sid is not None:
            files.append(str(f))
            sids.append(sid)
    con.register(name, pa.table({
        "filename": pa.array(files, pa.string()),
        "sid": pa.array(sids, pa.string()),
        "place": pa.array([place.get(s) for s in sids], pa.int64()),
        "row_place": pa.array([_row_place(s) if s in place else None for s in sids],
                              pa.int64()),
    }))
    return [W.read_path(f) for f in files]


def _register_deletions(con: duckdb.DuckDBPyConnection, shard_order: Sequence[str],
                        deletions: Sequence[tuple[Deletion, Sequence[str]]]) -> None:
    """Tables `deletions` (pmid, list: the index of its list in `deletions`, in input order: the
    largest index of a PMID is the last list naming it) and `lists` (list, place: its unit's
    `_list_place`, key: the file key holding its unit, unit_id, source, location)."""
    con.register("deletions", pa.table({
        "pmid": pa.chunked_array([pa.array(list(ids), pa.string()) for _, ids in deletions],
                                 pa.string()),
        "list": pa.chunked_array([pa.array([i] * len(ids), pa.int64())
                                  for i, (_, ids) in enumerate(deletions)], pa.int64()),
    }))
    con.register("lists", pa.table({
        "list": pa.array(range(len(deletions)), pa.int64()),
        "place": pa.array([_list_place(d.unit_id) for d, _ in deletions], pa.int64()),
        "key": pa.array([shard_order[d.rank] for d, _ in deletions], pa.string()),
        "unit_id": pa.array([d.unit_id for d, _ in deletions], pa.string()),
        "source": pa.array([d.source for d, _ in deletions], pa.string()),
        "location": pa.array([d.location for d, _ in deletions], pa.string()),
    }))


def _register_places(con: duckdb.DuckDBPyConnection, shard_order: Sequence[str],
                     groups: Mapping[str, Sequence[str]], redone: set[str],
                     keep: str) -> dict[str, int]:
    """Table `kept_places` (sid, place): the shards whose saved plan entries stand (the file
    keys and the units of the groups among them, but those `redone`), with the place of their
    copies (`_copy_place`). Returns the file keys' places."""
    keys = {key: _copy_place(key, groups, keep) for key in shard_order}
    kept = {**keys, **{uid: _copy_place(uid, {}, keep) for key in shard_order
                       for uid in groups.get(key, ())}}
    sids = sorted(set(kept) - redone)
    con.register("kept_places", pa.table({
        "sid": pa.array(sids, pa.string()),
        "place": pa.array([kept[s] for s in sids], pa.int64()),
    }))
    return keys


# The entries an earlier attempt saved (`$saved`, the plan it saved) for shards whose files
# stand (`kept_places`), with their shard's place: read once, for `_GHOSTS_SQL` and
# `_SAVED_SQL`.
_SAVED_ENTRIES_SQL = f"""
CREATE TEMP TABLE saved AS
SELECT s.*, k.place FROM (
  SELECT {', '.join(P.SAVED_COLUMNS)} FROM read_parquet($saved) WHERE {P.VALID}
  QUALIFY row_number() OVER (PARTITION BY doc_id, shard_id) = 1) s
JOIN kept_places k ON k.sid = s.shard_id
"""
# The copies dropped by an earlier attempt take part in the check again as copies no file
# holds, so that the units added or redone since decide their rows as in a fresh run.
_GHOSTS_SQL = f"""
CREATE TEMP TABLE ghosts AS
SELECT doc_id, source, location, shard_id AS sid, place FROM saved
WHERE kind IN ('{DUPLICATE}', '{DELETED}')
"""
# (a stop before the plan was applied leaves its copies in the files: no ghosts)
_NOT_GHOSTS_SQL = """
DELETE FROM ghosts g WHERE EXISTS (
  SELECT 1 FROM read_parquet($docs, filename = true) d JOIN doc_files f ON d.filename = f.filename
  WHERE d.doc_id = g.doc_id AND f.sid = g.sid)
"""
_NO_GHOSTS_SQL = ("CREATE TEMP TABLE ghosts (doc_id VARCHAR, source VARCHAR, location VARCHAR, "
                  "sid VARCHAR, place BIGINT)")

# The keys (units or groups) whose error files hold rows of copies they dropped themselves (a
# `duplicate_id` or `deleted_citation` row, as the unit wrote it or the driver reworded it).
_UNIT_ROWS_SQL = f"""
CREATE TEMP TABLE unit_rows AS
SELECT DISTINCT x.doc_id, f.sid, f.row_place AS place
FROM read_parquet($errors, filename = true) x JOIN err_files f ON x.filename = f.filename
WHERE x.error IN ('{DUPLICATE}', '{DELETED}') AND f.place IS NOT NULL
"""
_NO_UNIT_ROWS_SQL = "CREATE TEMP TABLE unit_rows (doc_id VARCHAR, sid VARCHAR, place BIGINT)"

# The copies of the doc_ids read twice or named by a list: those the files hold ('file'),
# those dropped already ('ghost') and, for the place of the last copy, those the units' rows
# name ('row'), each with its place in input order (`_AFTER`); `i` numbers the files' copies in
# input order; `n` counts them, `last_place` is the place of the last of all, `list` the last
# list naming the doc_id.
_COPIES_SQL = """
CREATE TEMP TABLE copies AS
WITH c AS (
  SELECT d.doc_id, d.source, d.location, f.sid, coalesce(f.place, $after) AS place, d.filename,
         'file' AS what
  FROM {docs} d JOIN doc_files f ON d.filename = f.filename
  UNION ALL
  SELECT doc_id, source, location, sid, place, NULL, 'ghost' FROM ghosts
  UNION ALL
  SELECT doc_id, NULL, NULL, sid, place, NULL, 'row' FROM unit_rows
  WHERE doc_id IN (SELECT pmid FROM deletions)),
gone AS (SELECT pmid, max(list) AS list FROM deletions GROUP BY pmid)
SELECT c.*, gone.list,
       -- (the files' copies first: they are numbered 1 to n)
       row_number() OVER w AS i,
       sum(CASE WHEN c.what = 'file' THEN 1 ELSE 0 END) OVER w_all AS n,
       max(c.place) OVER w_all AS last_place
FROM c LEFT JOIN gone ON c.doc_id = gone.pmid
WHERE gone.list IS NOT NULL
   OR c.doc_id IN (SELECT doc_id FROM c WHERE what <> 'row' GROUP BY doc_id HAVING count(*) > 1)
WINDOW w AS (PARTITION BY c.doc_id ORDER BY c.what <> 'file', c.place, c.sid, c.filename),
       w_all AS (PARTITION BY c.doc_id)
"""
#: the documents' doc_id, source, location and filename columns, for `_COPIES_SQL`: their part
#: files (`$docs`), or none
_DOCS = "read_parquet($docs, filename = true)"
_NO_DOCS = ("(SELECT NULL::VARCHAR AS doc_id, NULL::VARCHAR AS source, NULL::VARCHAR AS location,"
            " NULL::VARCHAR AS filename WHERE false)")

# Each doc_id's fate, as one unit holding every input decides it (`dedupe.LastCopies`,
# `FirstCopies`): when its last list comes after its last copy, every copy is deleted, naming
# that list; else the files' first copy (`$keep` 'last': their last) is kept, and every other
# copy names it. `by_key`: the file key holding the copy kept or the list. A doc_id whose
# copies are all dropped already and not deleted is left out (its kept copy is gone: the saved
# entries stand).
_DECIDED_SQL = """
CREATE TEMP TABLE decided AS
WITH o AS (
  SELECT doc_id, any_value(list) AS list, any_value(n) AS n, any_value(last_place) AS last_place
  FROM copies GROUP BY doc_id),
g AS (
  SELECT o.doc_id, coalesce(l.place > o.last_place, false) AS gone_after, k.i AS kept_i,
         l.key AS l_key, l.unit_id AS l_sid, l.source AS l_source, l.location AS l_location,
         k.sid AS k_sid, k.source AS k_source, k.location AS k_location
  FROM o LEFT JOIN lists l ON o.list = l.list
  LEFT JOIN copies k ON k.doc_id = o.doc_id AND k.what = 'file'
   AND k.i = CASE WHEN $keep = 'last' THEN o.n ELSE 1 END)
SELECT doc_id, gone_after, kept_i, if(gone_after, l_key, k_sid) AS by_key,
       if(gone_after, l_sid, k_sid) AS kept_shard_id,
       if(gone_after, l_source, k_source) AS kept_source,
       if(gone_after, l_location, k_location) AS kept_location
FROM g WHERE gone_after OR kept_i IS NOT NULL
"""

# The copies dropped (table `found`, `PLAN_SCHEMA`'s columns): every copy but the one kept,
# those dropped already among them (their entries worded anew).
_FOUND_SQL = f"""
CREATE TEMP TABLE found AS
SELECT c.doc_id, c.sid AS shard_id, c.source, c.location, d.kept_shard_id, d.kept_source,
       d.kept_location, if(d.gone_after, '{DELETED}', '{DUPLICATE}') AS kind, c.place
FROM copies c JOIN decided d ON c.doc_id = d.doc_id
WHERE c.what <> 'row' AND (d.gone_after OR c.i <> d.kept_i)
"""

# The rows a unit (or group) wrote for its own copies of a doc_id (`duplicate_id` or
# `deleted_citation` rows in its error files) whose fate another file key decides, when no
# copy of the key is in the plan (whose entry rewords them): a REWORDED entry naming the copy
# kept, a RELISTED one naming the list.
_REWORDED_SQL = f"""
INSERT INTO plan
SELECT e.doc_id, e.sid, NULL, NULL, d.kept_shard_id, d.kept_source, d.kept_location,
       if(d.gone_after, '{P.RELISTED}', '{P.REWORDED}'), NULL
FROM unit_rows e JOIN decided d ON e.doc_id = d.doc_id
WHERE e.sid <> d.by_key
  AND NOT EXISTS (SELECT 1 FROM plan p WHERE p.doc_id = e.doc_id AND p.shard_id = e.sid)
"""

# The plan: the copies found, the rewordings, and the entries an earlier attempt saved
# (`$saved`) for shards still in the run and not redone (`kept_places`) that the check did not
# word anew (of a doc_id whose kept copy is gone, or a rewording).
_PLAN_SQL = "CREATE TEMP TABLE plan AS SELECT * FROM found"
#: The most doc_ids the driver reads itself to see that no doc_id is in two part files
#: (`unique_doc_ids`) before it asks DuckDB: about 20 MB of Arrow strings; beyond them the
#: check is DuckDB's, whose memory is capped.
QUICK_CHECK_ROWS = 1_000_000


def unique_doc_ids(out: Path, limit: int = QUICK_CHECK_ROWS) -> bool:
    """Whether every doc_id of the documents' part files (of a unit or group: the files
    `_register_files` registers) is there once, read off their doc_id columns; False also when
    they hold more than `limit` rows (not all read) or a doc_id is null twice.

    Why: in a run without a saved plan and without `<DeleteCitation>` lists, DuckDB's check
    (`plan_duplicates`) finds copies only among these doc_ids, so unique ones make its plan
    empty; importing DuckDB and running its queries took 0.1 s of the driver's serial end of
    every run, this check 0.01 s on BC5CDR's 1,549 documents in 18 units."""
    folder = out / "documents"
    files = [f for f in sorted(folder.glob("part-*.parquet")) if O.shard_of_file(f.name)
             ] if folder.is_dir() else []
    chunks: list[pa.Array] = []
    rows = 0
    for f in files:
        for batch in W.read_batches(f, columns=["doc_id"]):
            rows += batch.num_rows
            if rows > limit:
                return False
            chunks.append(batch.column(0))
    if not rows:
        return True
    return pc.count_distinct(pa.chunked_array(chunks), mode="all").as_py() == rows


_SAVED_SQL = """
INSERT INTO plan
SELECT * FROM saved s
WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.doc_id = s.doc_id AND p.shard_id = s.shard_id)
"""


def plan_duplicates(out: Path, shard_order: Sequence[str], redone: set[str],
                    groups: Mapping[str, Sequence[str]] | None, saved: Path | None,
                    keep: str = DEFAULT_KEEP,
                    deletions: Sequence[tuple[Deletion, Sequence[str]]] = ()) -> dict[str, int]:
    """Find the documents whose doc_id another shard (in input order: `shard_order`, the file
    keys: units and `groups`) also produced, and (`deletions`: each list with its PMIDs, in
    input order) those a list of a later shard deletes; write the plan
    (`_run/duplicates.parquet`, `plan_file.PLAN_SCHEMA`, sorted by shard and doc_id) and return
    its entries per kind.

    `saved`: the plan an earlier attempt saved (`plan_file.read_plan`, when this attempt
    started; this attempt has not written it since). Its copies, dropped already, take part in
    the check again, unless their shard is `redone` by this attempt (its parts are new) or no
    longer in the run: so the rows of a resume that added or changed inputs are a fresh run's.
    Reads only the doc_id, source and location columns of the documents (and the error and
    doc_id columns of the errors, with `deletions` or `saved`)."""
    plan_path = P.plan_path(out)
    groups = groups or {}
    if saved is None and not deletions and unique_doc_ids(out):
        # no copy to find, no row to reword: the plan DuckDB would make is empty (the stale
        # scratch folders its connection removes are removed all the same)
        P.remove_plan(out)
        P.remove_stale_scratch(Path(tempfile.gettempdir()))
        return {}
    with P.connect() as con:
        place = _register_places(con, shard_order, groups, redone, keep)
        docs = _register_files(con, "doc_files", out / "documents", place)
        errors = _register_files(con, "err_files", out / "errors", place)
        _register_deletions(con, shard_order, deletions)
        if saved is None:
            con.execute(_NO_GHOSTS_SQL)
        else:
            con.execute(_SAVED_ENTRIES_SQL, {"saved": W.read_path(saved)})
            con.execute(_GHOSTS_SQL)
            if docs:
                con.execute(_NOT_GHOSTS_SQL, {"docs": docs})
        # (in a fresh run without lists, every unit's own rows are of a copy the files hold,
        # which is kept or has an entry that rewords them)
        con.execute(*(_UNIT_ROWS_SQL, {"errors": errors})
                    if errors and (deletions or saved is not None) else (_NO_UNIT_ROWS_SQL,))
        if docs:
            con.execute(_COPIES_SQL.format(docs=_DOCS), {"docs": docs, "after": _AFTER})
        else:  # (every copy dropped: the units' rows and the ghosts may still be reworded)
            con.execute(_COPIES_SQL.format(docs=_NO_DOCS), {"after": _AFTER})
        con.execute(_DECIDED_SQL, {"keep": keep})
        con.execute(_FOUND_SQL)
        con.execute(_PLAN_SQL)
        con.execute(_REWORDED_SQL)
        if saved is not None:
            con.execute(_SAVED_SQL)
        kinds = dict(con.execute("SELECT kind, count(*) FROM plan GROUP BY kind").fetchall())
        if kinds:
            P.write_plan(con, "plan", plan_path)
    if not kinds:
        P.remove_plan(out)
    return {str(k): int(n) for k, n in kinds.items()}


def drop_duplicates(out: Path, shard_order: list[str], redone: set[str],
                    groups: Mapping[str, Sequence[str]] | None, saved: Path | None,
                    keep: str = DEFAULT_KEEP,
                    deletions: Sequence[tuple[Deletion, Sequence[str]]] = ()) -> int:
    """Drop documents whose doc_id another shard produced (`plan_duplicates`: `keep`,
    `deletions`, `saved`, ...). The plan is saved first (`_run/duplicates.parquet`), so that an
    interrupted run resumes it rather than forgetting what it already dropped; then applied
    unit by unit (`plan_apply.apply_plan`). Returns the copies dropped (its error rows:
    `plan_apply.dropped_rows`)."""
    from pipeline.runner.plan_apply import apply_plan

    kinds = plan_duplicates(out, shard_order, redone, groups, saved, keep, deletions)
    if not kinds:
        return 0
    apply_plan(out, P.plan_path(out), keep)
    n_deleted, n_dup = kinds.get(DELETED, 0), kinds.get(DUPLICATE, 0)
    if n_dup:
        log.warning("%s with a doc_id seen in %s input %s dropped", plural(n_dup, "document"),
                    "a later" if keep == "last" else "an earlier", noun(n_dup, "was", "were"))
    if n_deleted:
        log.info("%s deleted by <DeleteCitation> lists of later inputs %s dropped",
                 plural(n_deleted, "document"), noun(n_deleted, "was", "were"))
    return n_dup + n_deleted


def redo_for_kept(out: Path, done: dict[str, dict[str, Any]],
                  groups: Mapping[str, Sequence[str]], saved: Path | None) -> set[str]:
    """Before a resume: the finished units that lost a document's rows (the `saved` plan's
    entries, `plan_file.read_plan`; a group's entry stands for its units) as a copy of one in a
    unit (or group) that is redone now, or to a `<DeleteCitation>` list of a unit redone now.
    Its input changed, so the kept copy (the list) may be gone: they are redone too (removed
    from `done`, their files deleted), and the check after the run decides again. Returns their
    ids."""
    def redone(key: str) -> bool:
        members = groups.get(key)
        return (key not in done) if members is None else not all(u in done for u in members)

    # an entry's `shard_id` names a group when the copy was dropped from the group's files:
    # its units are redone (and with them the group, by the caller)
    units = {uid for sid, kept_sid in P.shard_pairs(saved) if redone(kept_sid)
             for uid in groups.get(sid, [sid]) if uid in done}
    for uid in sorted(units):
        del done[uid]
        W.clean_shard(out, uid)
        log.info("unit %s is processed again: it held copies of documents whose kept copy "
                 "(or the list deleting them) is in an input read again", uid)
    return units


def count_dropped(out: Path) -> tuple[int, int]:
    """The copies dropped for another input's copy (the errors table's `duplicate_id` rows so
    worded: the manifest's `duplicates_dropped`; a repeat inside one input is not counted) and
    those deleted by a list (`deleted_citation` rows). Read off the rows, as the driver
    reworded them (`plan_apply`)."""
    n_dup = n_del = 0
    for f in sorted((Path(out) / "errors").glob("part-*.parquet")):
        # (a row group at a time: the driver's own part holds a row per copy dropped)
        for t in W.read_batches(f, columns=["error", "message"]):
            n_del += int(pc.sum(pc.equal(t["error"], DELETED)).as_py() or 0)
            said = t.filter(pc.equal(t["error"], DUPLICATE))["message"]
            n_dup += sum(int(pc.sum(pc.match_substring(said, s)).as_py() or 0)
                         for s in OTHER_INPUT_SAID)
    return n_dup, n_del
