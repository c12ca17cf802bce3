"""The driver's duplicates plan applied (`pipeline.runner.duplicates` finds and saves it).

Unit by unit (the plan is sorted by shard): the copies it drops leave the unit's part files of
every document table, and the rows the unit wrote for its own copies are reworded where the
plan decides otherwise. A unit words the rows of the copies it drops as it sees them: a copy
replaced by a later one of the unit is a duplicate_id row, a copy a later list of the unit
deletes a deleted_citation row. The driver sees more: it rewords them as one unit holding every
input would have (`pipeline.ingest.dedupe.LastCopies`), so that the rows do not depend on the
units' sizes. The driver's own rows (`dropped_rows`, one per copy the plan drops) come a batch
at a time, sorted by DuckDB in a fresh run's order (by doc_id, then input order), not the
plan's. Memory: one unit's entries (about 200 bytes each) and one batch of rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import output_folder as O
from pipeline import write as W
from pipeline.documents import ErrorRecord
from pipeline.ingest import error_row
from pipeline.ingest.dedupe import DELETED, DUPLICATE, deleted_row, duplicate_row
from pipeline.runner import plan_file as P


class Entry(NamedTuple):
    """A plan entry (`plan_file.PLAN_SCHEMA`) without its shard, which `_by_shard` groups by."""

    doc_id: str
    source: str | None
    location: str | None
    kept_source: str | None
    kept_location: str | None
    kind: str


def _entries(batch: pa.RecordBatch) -> Iterator[tuple[str | None, str | None, Entry]]:
    """A batch of plan rows (`plan_file.PLAN_SCHEMA`): each entry's shard, kept copy's shard
    and the rest."""
    cols = {name: batch.column(name).to_pylist() for name in P.PLAN_SCHEMA.names}
    for i in range(batch.num_rows):
        yield cols["shard_id"][i], cols["kept_shard_id"][i], Entry(
            cols["doc_id"][i], cols["source"][i], cols["location"][i], cols["kept_source"][i],
            cols["kept_location"][i], cols["kind"][i])


def _by_shard(path: Path) -> Iterator[tuple[str, list[Entry]]]:
    """The plan's usable entries (`plan_file.VALID`), one shard at a time."""
    shard: str | None = None
    entries: list[Entry] = []
    for batch in P.iter_plan(path):
        for sid, kept_sid, entry in _entries(batch):
            if (sid is None or entry.doc_id is None or kept_sid is None
                    or entry.kind not in P.KINDS):
                continue
            if sid != shard:
                if shard is not None:
                    yield shard, entries
                shard, entries = sid, []
            entries.append(entry)
    if shard is not None:
        yield shard, entries


def apply_plan(out: Path, path: Path, keep: str) -> None:
    """Drop the plan's copies from their shards' part files (`drop_documents`) and reword the
    rows the shards wrote for their own copies of those doc_ids (`_reword`), whose fate the
    plan decides: a copy a unit dropped for the copy it kept, which the driver drops for
    another unit's copy (DUPLICATE entries), is a duplicate_id row naming the copy kept, not
    the unit's (a citation revised twice); a copy a unit dropped for its last copy, which a
    later unit's list deletes (DELETED entries), is a deleted_citation row naming that list;
    the rows of a unit (or group) that holds no copy of the doc_id any more, whose fate another
    unit decides (a copy its list deleted, of a doc_id a later unit holds a copy of; a copy
    dropped by an earlier attempt), are duplicate_id rows naming the copy kept (REWORDED
    entries) or deleted_citation rows naming the list that deletes it (RELISTED). The rows are
    found by doc_id whatever their kind: an earlier attempt may have reworded them from one
    kind to the other."""
    for sid, entries in _by_shard(path):
        dropped = {e.doc_id for e in entries if e.kind not in P.REWORDINGS}
        if dropped:
            drop_documents(out, sid, dropped)
        _reword(out, sid, {e.doc_id: e for e in entries}, keep)


def drop_documents(out: Path, shard_id: str, doc_ids: set[str]) -> dict[str, int]:
    """Remove the rows of `doc_ids` from a shard's parts of every document table (rewritten
    through a temporary file, so a crash leaves either the old or the new file)."""
    import pyarrow.compute as pc

    removed: dict[str, int] = {}
    drop_ids = pa.array(sorted(doc_ids), pa.string())
    for f in W.shard_files(out, shard_id):
        table_name = f.parent.name
        if table_name not in O.DOCUMENT_TABLES or not f.name.startswith("part-"):
            continue
        table = pq.read_table(f)
        mask = pc.invert(pc.is_in(table["doc_id"], value_set=drop_ids))
        kept = table.filter(mask)
        if kept.num_rows == table.num_rows:
            continue
        removed[table_name] = removed.get(table_name, 0) + table.num_rows - kept.num_rows
        tmp = f.with_name(O.temp_name(f.name))
        schema = W.part_schema(table_name, W.schema_run_id(table.schema))  # (the writer's id)
        pq.write_table(kept.cast(schema), tmp, compression=W.COMPRESSION)
        os.replace(tmp, f)
    return removed


def _new_row(entry: Entry, source: str, location: str | None, keep: str) -> ErrorRecord:
    """The row an `entry` gives a copy of its doc_id read at `source`/`location`: the copy the
    entry drops (`dropped_rows`), or a unit's row of it (`_reword`)."""
    if entry.kind in (DELETED, P.RELISTED):
        return deleted_row(entry.doc_id, source, location, entry.kept_source,
                           entry.kept_location)
    return duplicate_row(entry.doc_id, source, location, entry.kept_source,
                         entry.kept_location, other_input=True, kept_later=keep == "last")


def _reword(out: Path, shard_id: str, entries: dict[str, Entry], keep: str) -> int:
    """Replace, in a unit's (or group's) error part files, each duplicate_id or
    deleted_citation row of a doc_id in `entries` by the row its entry gives (`_new_row`;
    through a temporary file, as `drop_documents`). Returns the rows replaced."""
    import pyarrow.compute as pc

    ids = pa.array(sorted(entries), pa.string())
    n = 0
    for f in W.shard_files(out, shard_id):
        if f.parent.name != "errors" or not f.name.startswith("part-"):
            continue
        table = pq.read_table(f)
        mask = pc.and_(pc.is_in(table["error"], value_set=_COPY_KINDS),
                       pc.is_in(table["doc_id"], value_set=ids))
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
        tmp = f.with_name(O.temp_name(f.name))
        schema = W.part_schema("errors", W.schema_run_id(table.schema))
        pq.write_table(pa.Table.from_pylist(rows, schema), tmp, compression=W.COMPRESSION)
        os.replace(tmp, f)
    return n


#: the kinds of row a unit writes for a copy it drops
_COPY_KINDS = pa.array([DUPLICATE, DELETED], pa.string())


def _rows_sql(path: Path) -> str:
    """The driver's rows in a fresh run's order whatever the plan's shard names: by doc_id,
    then by the dropped copy's place in input order (`PLAN_SCHEMA`'s `place`; a resume names a
    group whose files lost a copy, or the unit a copy dropped earlier came from). (The plan's
    name is a literal, as `plan_file.write_plan`'s COPY has it: no prepared parameter inside a
    COPY statement.)"""
    return (f"SELECT {P.COLUMNS} FROM read_parquet({P.sql_path(W.read_path(path))}) "
            f"WHERE {P.VALID} AND kind NOT IN ({', '.join(repr(k) for k in P.REWORDINGS)}) "
            "ORDER BY doc_id, place, shard_id")


def dropped_rows(path: Path, keep: str) -> Iterator[list[dict[str, object]]]:
    """The errors rows of the copies the plan drops, a batch at a time, in a fresh run's order
    (`_rows_sql`: DuckDB sorts them, spilling beyond its memory cap, into a temporary Parquet
    file read back a batch at a time)."""
    with P.scratch() as folder, P.connect(folder) as con:
        rows = folder / "rows.parquet"
        con.execute(f"COPY ({_rows_sql(path)}) TO {P.sql_path(rows)} (FORMAT parquet)")
        for batch in P.iter_plan(rows):
            yield [error_row(_new_row(e, e.source or "", e.location, keep))
                   for _, _, e in _entries(batch)]
