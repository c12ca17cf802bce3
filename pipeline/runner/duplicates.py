"""Documents whose doc_id an earlier input already produced, across units (the driver's check).

A unit drops its own repeats while it runs (`pipeline.runner.shard`); a doc_id that two units
produced is found here once every unit is finished: the copy from the earlier unit in input
order is kept, the later copies' rows are removed from their unit's part files, and each becomes
a `duplicate_id` error row naming the dropped copy's source and location and the kept copy's.
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

log = logging.getLogger("pipeline.run")


class Duplicate(NamedTuple):
    """A document dropped because an earlier shard produced its doc_id: the dropped copy's
    shard (the unit whose files lost its rows), source and location (`documents.location`),
    and the kept copy's shard (a unit or a committed group), source and location."""

    doc_id: str
    shard_id: str
    source: str | None
    location: str | None
    kept_shard_id: str
    kept_source: str | None
    kept_location: str | None


def find_duplicates(out: Path, shard_order: Iterable[str]) -> list[Duplicate]:
    """Documents whose doc_id an earlier shard (in input order) already produced.

    Returns the dropped copies in doc_id order, each with the copy kept. Each shard is
    deduplicated while it is processed; across shards the first shard in `shard_order` wins.
    Reads only the doc_id, source and location columns, with DuckDB (which spills to disk, so
    the check works for corpora of any size).
    """
    import duckdb

    rank = {sid: i for i, sid in enumerate(shard_order)}
    folder = Path(out) / "documents"
    if not any(folder.glob("part-*.parquet")):
        return []
    con = duckdb.connect()
    try:
        rows = con.execute(
            "WITH d AS (SELECT doc_id, source, location, filename "
            "FROM read_parquet(?, filename=true)) "
            "SELECT doc_id, source, location, filename FROM d WHERE doc_id IN "
            "(SELECT doc_id FROM d GROUP BY doc_id HAVING count(*) > 1) "
            "ORDER BY doc_id, filename",
            [str(folder / "part-*.parquet")],
        ).fetchall()
    finally:
        con.close()
    by_id: dict[str, list[tuple[int, str, str | None, str | None]]] = {}
    for doc_id, source, location, filename in rows:
        sid = W.shard_of_file(Path(filename).name)
        if sid is None:
            continue
        by_id.setdefault(doc_id, []).append((rank.get(sid, len(rank)), sid, source, location))
    dropped: list[Duplicate] = []
    for doc_id, copies in sorted(by_id.items()):
        copies.sort(key=lambda c: (c[0], c[1]))
        _, kept_sid, kept_source, kept_location = copies[0]
        dropped.extend(Duplicate(doc_id, sid, source, location, kept_sid, kept_source,
                                 kept_location) for _, sid, source, location in copies[1:])
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
            if isinstance(d, dict) and set(Duplicate._fields) <= d.keys()
            and all(isinstance(d[k], str) for k in ("doc_id", "shard_id", "kept_shard_id"))]
    if len(good) < len(entries):
        log.warning("%s: left out %d damaged entries: the documents they dropped lose their "
                    "duplicate_id rows", plan_file, len(entries) - len(good))
    return good


def redo_for_kept(out: Path, done: dict[str, dict[str, Any]],
                  groups: Mapping[str, Sequence[str]],
                  plan: Iterable[Mapping[str, Any]]) -> set[str]:
    """Before a resume: the finished units that lost a document's rows (the saved `plan`'s
    entries, `read_plan`; a group's entry stands for its units) as a copy of one in a unit (or
    group) that is redone now. Its input
    changed, so the kept copy may be gone: they are redone too (removed from `done`, their files
    deleted), and the check after the run decides again. Returns their ids."""
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
        log.info("unit %s is processed again: it held copies of documents whose first copy is "
                 "in an input read again", uid)
    return units


def drop_duplicates(out: Path, shard_order: list[str], redone: set[str],
                    known: set[str] | None, saved: Iterable[Mapping[str, Any]],
                    ) -> list[dict[str, Any]]:
    """Drop documents whose doc_id an earlier shard produced. The plan is saved first
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
    for dup in find_duplicates(out, shard_order):
        plan[(dup.doc_id, dup.shard_id)] = dup._asdict()
    if not plan:
        with contextlib.suppress(FileNotFoundError):
            plan_file.unlink()
        return []
    entries = [plan[k] for k in sorted(plan)]
    W.atomic_write_json(plan_file, entries)
    by_shard: dict[str, set[str]] = {}
    for d in entries:
        by_shard.setdefault(d["shard_id"], set()).add(d["doc_id"])
    for sid, ids in sorted(by_shard.items()):
        drop_documents(out, sid, ids)
    log.warning("%d document(s) with a doc_id seen in an earlier input were dropped",
                len(entries))
    return entries
