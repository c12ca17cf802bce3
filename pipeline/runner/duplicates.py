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
(`pipeline.runner.plan_apply`), so that they are those of one unit holding every input,
whatever the units' sizes.

**Memory.** A year of PubMed update files revises millions of citations, each a copy to drop.
The check is SQL run by DuckDB, with its memory capped (`plan_file.DUCKDB_MEMORY_MB`; beyond
it DuckDB spills to a temporary folder), and its result, the plan, goes from DuckDB to a
Parquet file (`_run/duplicates.parquet`, `plan_file.PLAN_SCHEMA`) that is applied unit by
unit, in batches: no step holds every copy in Python. Only the lists' PMIDs are handed over
from Python (about 24 bytes each).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pyarrow as pa

from pipeline import write as W
from pipeline.ingest.dedupe import DEFAULT_KEEP, DELETED, DUPLICATE, OTHER_INPUT_SAID
from pipeline.runner import plan_file as P

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger("pipeline.run")

class Deletion(NamedTuple):
    """A unit's `<DeleteCitation>` lists of one file (a `deleted_citations` entry of its
    marker), ranked as the file key holding the unit (a later key's copies are not deleted)."""

    rank: int
    unit_id: str
    source: str | None
    location: str | None


def _register_files(con: duckdb.DuckDBPyConnection, name: str, folder: Path,
                    rank: Mapping[str, int]) -> list[str]:
    """Register table `name` (filename, sid, rank) of the part files in `folder` with a shard's
    name: the shard (unit or group) of each file and its rank in input order (NULL for a shard
    not in the run). Returns the files, for `read_parquet` (`pipeline.write.read_path`)."""
    files, sids = [], []
    for f in sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []:
        sid = W.shard_of_file(f.name)
        if sid is not None:
            files.append(str(f))
            sids.append(sid)
    con.register(name, pa.table({
        "filename": pa.array(files, pa.string()),
        "sid": pa.array(sids, pa.string()),
        "rank": pa.array([rank.get(s) for s in sids], pa.int64()),
    }))
    return [W.read_path(f) for f in files]


def _register_deletions(con: duckdb.DuckDBPyConnection,
                        deletions: Sequence[tuple[Deletion, Sequence[str]]]) -> None:
    """Tables `deletions` (pmid, list: the index of its list in `deletions`, in input order: the
    largest index of a PMID is the last list naming it) and `lists` (list, rank, unit_id,
    source, location)."""
    con.register("deletions", pa.table({
        "pmid": pa.chunked_array([pa.array(list(ids), pa.string()) for _, ids in deletions],
                                 pa.string()),
        "list": pa.chunked_array([pa.array([i] * len(ids), pa.int64())
                                  for i, (_, ids) in enumerate(deletions)], pa.int64()),
    }))
    con.register("lists", pa.table({
        "list": pa.array(range(len(deletions)), pa.int64()),
        "rank": pa.array([d.rank for d, _ in deletions], pa.int64()),
        "unit_id": pa.array([d.unit_id for d, _ in deletions], pa.string()),
        "source": pa.array([d.source for d, _ in deletions], pa.string()),
        "location": pa.array([d.location for d, _ in deletions], pa.string()),
    }))


# The copies dropped (table `found`, `PLAN_SCHEMA`'s columns). Each doc_id's copies in input
# order (the rank of their unit or group; a shard not in the run after all of them); a doc_id
# with two or more copies keeps the first (`$keep` 'last': the last) and drops the others,
# unless the last list naming it (`deletions`) comes after its last copy: then every copy goes,
# as a deleted_citation naming that list.
_FOUND_SQL = f"""
CREATE TEMP TABLE found AS
WITH c AS (
  SELECT d.doc_id, d.source, d.location, f.sid, coalesce(f.rank, $n_keys) AS rank, d.filename
  FROM read_parquet($docs, filename = true) d JOIN doc_files f ON d.filename = f.filename),
gone AS (SELECT pmid, max(list) AS list FROM deletions GROUP BY pmid),
cand AS (
  SELECT c.*, gone.list FROM c LEFT JOIN gone ON c.doc_id = gone.pmid
  WHERE gone.list IS NOT NULL
     OR c.doc_id IN (SELECT doc_id FROM c GROUP BY doc_id HAVING count(*) > 1)),
r AS (
  SELECT cand.*,
         row_number() OVER (PARTITION BY doc_id ORDER BY rank, sid, filename) AS pos,
         count(*) OVER (PARTITION BY doc_id) AS n,
         max(rank) OVER (PARTITION BY doc_id) AS last_rank
  FROM cand),
k AS (SELECT doc_id, pos, sid, source, location FROM r
      WHERE pos = CASE WHEN $keep = 'last' THEN n ELSE 1 END),
x AS (
  SELECT r.doc_id, r.sid, r.source, r.location, r.pos, k.pos AS kept_pos,
         coalesce(l.rank > r.last_rank, false) AS gone_after,
         k.sid AS k_sid, k.source AS k_source, k.location AS k_location,
         l.unit_id AS l_sid, l.source AS l_source, l.location AS l_location
  FROM r JOIN k ON r.doc_id = k.doc_id LEFT JOIN lists l ON r.list = l.list)
SELECT doc_id, sid AS shard_id, source, location,
       if(gone_after, l_sid, k_sid) AS kept_shard_id,
       if(gone_after, l_source, k_source) AS kept_source,
       if(gone_after, l_location, k_location) AS kept_location,
       if(gone_after, '{DELETED}', '{DUPLICATE}') AS kind
FROM x WHERE gone_after OR pos <> kept_pos
"""

# The plan: the copies found, and the entries an earlier attempt saved (`$saved`) for shards
# still in the run (`wanted`) and not redone (`redone`) by this attempt: their copies were
# dropped already, so the check above does not find them again.
_PLAN_SQL = "CREATE TEMP TABLE plan AS SELECT * FROM found"
_SAVED_SQL = f"""
INSERT INTO plan
SELECT s.* FROM (
  SELECT {P.COLUMNS} FROM read_parquet($saved) WHERE {P.VALID}
  QUALIFY row_number() OVER (PARTITION BY doc_id, shard_id) = 1) s
WHERE s.shard_id IN (SELECT sid FROM wanted) AND s.shard_id NOT IN (SELECT sid FROM redone)
  AND NOT EXISTS (SELECT 1 FROM found f WHERE f.doc_id = s.doc_id AND f.shard_id = s.shard_id)
"""

# With --pubmed-updates: the copies a unit's list deleted (its deleted_citation rows) that the
# later units decide otherwise. A later unit holds a copy kept (one the plan does not drop), read
# after the list: a REWORDED entry naming it; else a later unit's list deletes the doc_id again:
# a RELISTED entry naming the last such list. An entry already in the plan goes first.
_REWORDED_SQL = f"""
INSERT INTO plan
WITH e AS (
  SELECT DISTINCT x.doc_id, f.sid AS e_sid, f.rank AS e_rank
  FROM read_parquet($errors, filename = true) x JOIN err_files f ON x.filename = f.filename
  WHERE x.error = '{DELETED}' AND f.rank IS NOT NULL),
d AS (
  SELECT d.doc_id, d.source, d.location, f.sid, f.rank, d.filename
  FROM read_parquet($docs, filename = true) d JOIN doc_files f ON d.filename = f.filename
  WHERE f.rank IS NOT NULL AND d.doc_id IN (SELECT doc_id FROM e)),
kept AS (
  SELECT e.doc_id, e.e_sid, d.sid, d.source, d.location
  FROM e JOIN d ON e.doc_id = d.doc_id AND d.rank > e.e_rank
  WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.doc_id = d.doc_id AND p.shard_id = d.sid)
  QUALIFY row_number() OVER (PARTITION BY e.doc_id, e.e_sid ORDER BY d.filename DESC) = 1),
gone AS (SELECT pmid, max(list) AS list FROM deletions GROUP BY pmid),
relisted AS (
  SELECT e.doc_id, e.e_sid, l.unit_id, l.source, l.location
  FROM e JOIN gone ON e.doc_id = gone.pmid JOIN lists l ON l.list = gone.list
  WHERE l.rank > e.e_rank
    AND NOT EXISTS (SELECT 1 FROM kept WHERE kept.doc_id = e.doc_id AND kept.e_sid = e.e_sid)),
new AS (
  SELECT doc_id, e_sid AS shard_id, NULL::VARCHAR AS source, NULL::VARCHAR AS location,
         sid AS kept_shard_id, source AS kept_source, location AS kept_location,
         '{P.REWORDED}' AS kind FROM kept
  UNION ALL
  SELECT doc_id, e_sid, NULL, NULL, unit_id, source, location, '{P.RELISTED}' FROM relisted)
SELECT new.* FROM new
WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.doc_id = new.doc_id AND p.shard_id = new.shard_id)
"""


def _ids_table(con: duckdb.DuckDBPyConnection, name: str, ids: Iterable[str]) -> None:
    con.register(name, pa.table({"sid": pa.array(sorted(ids), pa.string())}))


def plan_duplicates(out: Path, shard_order: Sequence[str], redone: set[str],
                    known: set[str] | None, saved: Path | None, keep: str = DEFAULT_KEEP,
                    deletions: Sequence[tuple[Deletion, Sequence[str]]] = ()) -> dict[str, int]:
    """Find the documents whose doc_id another shard (in input order: `shard_order`) also
    produced, and (`deletions`: each list with its PMIDs, in input order) those a list of a
    later shard deletes; write the plan (`_run/duplicates.parquet`, `plan_file.PLAN_SCHEMA`,
    sorted by shard and doc_id) and return its entries per kind.

    `saved`: the plan an earlier attempt saved (`plan_file.read_plan`, when this attempt
    started; this attempt has not written it since). Its entries for shards `redone` by this
    attempt (their parts are new) or no longer in the run (`shard_order`, and `known`: also
    units whose files are now in a group) are discarded: the check finds them again if still
    true. Reads only the doc_id, source and location columns of the documents (and the
    deleted_citation rows of the errors, with `deletions`)."""
    plan_path = P.plan_path(out)
    rank = {sid: i for i, sid in enumerate(shard_order)}
    with P.connect() as con:
        docs = _register_files(con, "doc_files", out / "documents", rank)
        _register_deletions(con, deletions)
        if docs:
            con.execute(_FOUND_SQL, {"docs": docs, "n_keys": len(rank), "keep": keep})
        else:
            con.execute(f"CREATE TEMP TABLE found ({P.DDL})")
        con.execute(_PLAN_SQL)
        if saved is not None:
            _ids_table(con, "wanted", set(shard_order) | (known or set()))
            _ids_table(con, "redone", redone)
            con.execute(_SAVED_SQL, {"saved": W.read_path(saved)})
        errors = _register_files(con, "err_files", out / "errors", rank)
        if deletions and docs and errors:
            con.execute(_REWORDED_SQL, {"errors": errors, "docs": docs})
        kinds = dict(con.execute("SELECT kind, count(*) FROM plan GROUP BY kind").fetchall())
        if kinds:
            P.write_plan(con, "plan", plan_path)
    if not kinds:
        P.remove_plan(out)
    return {str(k): int(n) for k, n in kinds.items()}


def drop_duplicates(out: Path, shard_order: list[str], redone: set[str],
                    known: set[str] | None, saved: Path | None,
                    keep: str = DEFAULT_KEEP,
                    deletions: Sequence[tuple[Deletion, Sequence[str]]] = ()) -> int:
    """Drop documents whose doc_id another shard produced (`plan_duplicates`: `keep`,
    `deletions`, `saved`, ...). The plan is saved first (`_run/duplicates.parquet`), so that an
    interrupted run resumes it rather than forgetting what it already dropped; then applied
    unit by unit (`plan_apply.apply_plan`). Returns the copies dropped (its error rows:
    `plan_apply.dropped_rows`)."""
    from pipeline.runner.plan_apply import apply_plan

    kinds = plan_duplicates(out, shard_order, redone, known, saved, keep, deletions)
    if not kinds:
        return 0
    apply_plan(out, P.plan_path(out), keep)
    n_deleted, n_dup = kinds.get(DELETED, 0), kinds.get(DUPLICATE, 0)
    if n_dup:
        log.warning("%d document(s) with a doc_id seen in %s input were dropped", n_dup,
                    "a later" if keep == "last" else "an earlier")
    if n_deleted:
        log.info("%d document(s) deleted by <DeleteCitation> lists of later inputs were dropped",
                 n_deleted)
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
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    n_dup = n_del = 0
    for f in sorted((Path(out) / "errors").glob("part-*.parquet")):
        # (a row group at a time: the driver's own part holds a row per copy dropped)
        for t in pq.ParquetFile(f).iter_batches(columns=["error", "message"]):
            n_del += int(pc.sum(pc.equal(t["error"], DELETED)).as_py() or 0)
            said = t.filter(pc.equal(t["error"], DUPLICATE))["message"]
            n_dup += sum(int(pc.sum(pc.match_substring(said, s)).as_py() or 0)
                         for s in OTHER_INPUT_SAID)
    return n_dup, n_del
