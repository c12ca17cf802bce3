"""The driver's duplicates plan on disk: `_run/duplicates.parquet` (`PLAN_SCHEMA`).

One row per copy of a doc_id the driver drops (`pipeline.runner.duplicates`) or per unit's row
it rewords, sorted by shard and doc_id, written by DuckDB straight from its query and read back
in batches (`iter_plan`), so that no step holds the whole plan in Python. Saved before any copy
is dropped: a resumed run reads it (`read_plan`), because the copies dropped already are no
longer there to be found again. A plan of an earlier biotab (`duplicates.json`) is read too.
"""

from __future__ import annotations

import contextlib
import glob
import json
import logging
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import output_folder as O
from pipeline import write as W
from pipeline.ingest.dedupe import DELETED, DUPLICATE
from pipeline.plural import plural

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger("pipeline.run")

#: `kind` of a unit's deleted_citation row reworded as a duplicate_id row (a later unit holds a
#: copy read after the list); no document is dropped for it
REWORDED = "reworded"
#: ... reworded to name a later unit's list deleting the doc_id again
RELISTED = "relisted"
#: the kinds of entry that drop no copy (a unit's row reworded only)
REWORDINGS = (REWORDED, RELISTED)
#: every kind (DUPLICATE: a copy dropped for another copy; DELETED: because a later
#: `<DeleteCitation>` list names it; both also the kinds of the rows they give)
KINDS = (DUPLICATE, DELETED, *REWORDINGS)

#: A plan entry: the dropped copy's shard (the unit or group whose files lose its rows), source
#: and location (`documents.location`), and the kept copy's shard, source and location; for a
#: DELETED entry the kept_* fields name the list's unit, source and location; for a rewording
#: the shard is the unit whose row is reworded, and kept_* what its row names now. `place`:
#: the dropped copy's place in input order (`duplicates._copy_place`), which puts the driver's
#: rows in a fresh run's order (NULL for a rewording; a plan of biotab 26 has no such column).
PLAN_SCHEMA = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("shard_id", pa.string(), nullable=False),
    pa.field("source", pa.string()),
    pa.field("location", pa.string()),
    pa.field("kept_shard_id", pa.string(), nullable=False),
    pa.field("kept_source", pa.string()),
    pa.field("kept_location", pa.string()),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("place", pa.int64()),
])
#: the columns, for SQL
COLUMNS = ", ".join(PLAN_SCHEMA.names)
#: the columns of an entry read from a saved plan, whatever biotab wrote it (the text ones)
SAVED_COLUMNS = [f.name for f in PLAN_SCHEMA if pa.types.is_string(f.type)]
#: the columns declared, for SQL's CREATE TABLE
DDL = ", ".join(f"{f.name} {'BIGINT' if pa.types.is_integer(f.type) else 'VARCHAR'}"
                for f in PLAN_SCHEMA)
#: an entry that can be used (SQL; a damaged one is left out: `read_plan` counts them)
VALID = ("doc_id IS NOT NULL AND shard_id IS NOT NULL AND kept_shard_id IS NOT NULL AND kind IN "
         f"({', '.join(repr(k) for k in KINDS)})")
#: the fields an entry of a JSON plan must have (`kind` came later: without it, a DUPLICATE)
_JSON_REQUIRED = [n for n in SAVED_COLUMNS if n != "kind"]
#: the driver's DuckDB memory (MB) before it spills to a temporary folder: the check's share
#: of the driver's memory, whatever the number of copies
DUCKDB_MEMORY_MB = 256


def plan_path(out: Path) -> Path:
    return Path(out) / O.RUN_DIR / O.DUPLICATES_PLAN


def _legacy_path(out: Path) -> Path:
    return Path(out) / O.RUN_DIR / O.LEGACY_DUPLICATES_PLAN


def remove_plan(out: Path) -> None:
    for path in (plan_path(out), _legacy_path(out)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


#: the prefix of the driver's scratch folders under $TMPDIR (DuckDB's spill, the rows it
#: sorts), named `<prefix><pid>@<host>@<random>`: a process killed by SIGKILL cannot remove
#: its own, so the next run on that host removes those whose process is gone
SCRATCH_PREFIX = "biotab-duckdb-"


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A new scratch folder under $TMPDIR, removed afterwards; the folders of this host's
    processes that no longer run are removed first (`remove_stale_scratch`)."""
    root = Path(tempfile.gettempdir())
    remove_stale_scratch(root)
    prefix = f"{SCRATCH_PREFIX}{os.getpid()}@{socket.gethostname()}@"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=root) as folder:
        yield Path(folder)


def remove_stale_scratch(root: Path) -> list[Path]:
    """Remove the scratch folders in `root` (`SCRATCH_PREFIX`) that this user's processes on
    this host left and that no longer run (a folder of another host, user or name is left
    alone: its process may be running). Returns those removed."""
    host, removed = socket.gethostname(), []
    for folder in root.glob(f"{glob.escape(SCRATCH_PREFIX)}*@*@*"):
        pid, at, rest = folder.name[len(SCRATCH_PREFIX):].partition("@")
        if not (pid.isdigit() and at and rest.rpartition("@")[0] == host) or _running(int(pid)):
            continue
        try:
            info = folder.lstat()
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
                shutil.rmtree(folder)
                removed.append(folder)
        except OSError as exc:
            log.warning("cannot remove %s, left by biotab process %s: %s", folder, pid, exc)
    if removed:
        log.info("removed %s left in %s by biotab processes that no longer run",
                 plural(len(removed), "scratch folder"), root)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # (another user's process)
        return True
    return True


@contextlib.contextmanager
def connect(folder: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with its memory capped (`DUCKDB_MEMORY_MB`), spilling beyond it to
    `folder`, or else a scratch folder under $TMPDIR (`scratch`; DuckDB's own default is `.tmp`
    in the working folder, not ours to write in)."""
    import duckdb

    with contextlib.ExitStack() as stack:
        spill = folder if folder is not None else stack.enter_context(scratch())
        con = duckdb.connect(config={"memory_limit": f"{DUCKDB_MEMORY_MB}MB",
                                     "temp_directory": str(spill)})
        try:
            yield con
        finally:
            con.close()


def sql_path(path: Path | str) -> str:
    """`path` as an SQL string literal (COPY takes no parameter for its file)."""
    return "'" + str(path).replace("'", "''") + "'"


def write_plan(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """Write DuckDB's `table` (`PLAN_SCHEMA`'s columns) as the plan at `path`, sorted by shard
    and doc_id (`plan_apply` goes through it shard by shard), through a temporary file flushed
    to disk before it replaces the plan; a plan of an earlier biotab goes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = O.state_temp(path)
    con.execute(f"COPY (SELECT {COLUMNS} FROM {table} ORDER BY shard_id, doc_id) "
                f"TO {sql_path(tmp)} (FORMAT parquet, COMPRESSION zstd)")
    _replace_durably(tmp, path)
    with contextlib.suppress(FileNotFoundError):
        _legacy_path(path.parent.parent).unlink()


def _replace_durably(tmp: Path, path: Path) -> None:
    """Flush `tmp` to disk, then rename it to `path`."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def iter_plan(path: Path, batch_rows: int = 8192) -> Iterator[pa.RecordBatch]:
    """The plan's entries in file order (by shard, then doc_id), `batch_rows` at a time."""
    yield from W.read_batches(path, batch_rows)


def read_plan(out: Path) -> Path | None:
    """The plan an earlier attempt saved, checked (every column read): its file, or None when
    there is none or it cannot be read. Entries that cannot be used (`VALID`) are left out by
    every reader, with one warning here: their documents were dropped already, so their
    `duplicate_id` rows are lost (the plan is written whole, atomically: only a change from
    outside damages it). Read once per attempt, by `pipeline.runner.bookkeeping.prepare` on a
    resume (`Prepared.plan`). A plan of an earlier biotab (JSON) is turned into this one's."""
    path = plan_path(out)
    if not path.exists() and _legacy_path(out).exists():
        return _from_json(out)
    if not path.exists():
        return None
    import duckdb

    try:
        _check_schema(pq.read_schema(path))
        with connect() as con:
            bad, total, *_ = con.execute(
                f"SELECT count(*) FILTER (WHERE NOT coalesce({VALID}, false)), count(*), "
                f"{_EVERY_COLUMN} FROM read_parquet($p)",
                {"p": W.read_path(path)}).fetchone() or (0, 0)
    except (OSError, ValueError, pa.ArrowException, duckdb.Error) as exc:
        log.warning("%s cannot be read (%s): the documents it dropped lose their duplicate_id "
                    "rows", path, exc)
        return None
    if bad:
        log.warning("%s: left out %s of %d: the documents they dropped lose their duplicate_id "
                    "rows", path, plural(bad, "damaged entry", "damaged entries"), total)
    return path


#: an aggregate of every column's values (SQL), so that the check reads every page: a damaged
#: one is found here, not by the check after the run (which would stop every resume)
_EVERY_COLUMN = ", ".join(f"max(length({name}))" for name in SAVED_COLUMNS)


def _check_schema(schema: pa.Schema) -> None:
    for name in SAVED_COLUMNS:
        if name not in schema.names:
            raise ValueError(f"no column {name!r} (expected {SAVED_COLUMNS})")
        kind = schema.field(name).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise ValueError(f"column {name!r} is {kind}, expected string")


def keep_shards(out: Path, path: Path, shards: set[str]) -> Path | None:
    """Rewrite the saved plan at `path` without the entries of shards not in `shards` (the
    units and groups a resume keeps: `pipeline.runner.bookkeeping.prepare`), before any unit
    is redone. Why: an entry is of the shard's files as they were when the plan was applied;
    a unit redone since holds its copies and rows again, and once it is finished a later
    resume would take its entry for one still standing (a stop in the check after the units
    were redone): it would drop a copy for a kept copy gone since, or reword its rows again.
    Returns the plan, or None when no entry is left (the file removed)."""
    with connect() as con:
        con.register("kept_shards", pa.table({"sid": pa.array(sorted(shards), pa.string())}))
        source = f"read_parquet({sql_path(W.read_path(path))})"
        keep = "shard_id IN (SELECT sid FROM kept_shards)"
        total, left = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {keep}) FROM {source}").fetchone() or (0, 0)
        if left == total:
            return path
        if left:
            tmp = O.state_temp(path)
            con.execute(f"COPY (SELECT * FROM {source} WHERE {keep} ORDER BY shard_id, doc_id) "
                        f"TO {sql_path(tmp)} (FORMAT parquet, COMPRESSION zstd)")
            _replace_durably(tmp, path)
    log.info("the saved duplicates plan: left out %s of units processed again or no longer "
             "in the run", plural(total - left, "entry", "entries"))
    if not left:
        remove_plan(out)
        return None
    return path


def shard_pairs(path: Path | None) -> set[tuple[str, str]]:
    """The (shard_id, kept_shard_id) pairs of the plan's usable entries (as many as pairs of
    units, whatever the number of entries)."""
    if path is None:
        return set()
    with connect() as con:
        return {(str(s), str(k)) for s, k in con.execute(
            f"SELECT DISTINCT shard_id, kept_shard_id FROM read_parquet($p) WHERE {VALID}",
            {"p": W.read_path(path)}).fetchall()}


def _from_json(out: Path) -> Path | None:
    """An earlier biotab's plan (a JSON list of entries, whole in memory as it was then),
    written as this one's; None when it cannot be read or holds no usable entry."""
    legacy = _legacy_path(out)
    try:
        entries: Any = json.loads(legacy.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("%s cannot be read (%s): the documents it dropped lose their duplicate_id "
                    "rows", legacy, exc)
        return None
    if not isinstance(entries, list):
        entries = [entries]
    good = [{**d, "kind": d.get("kind", DUPLICATE)} for d in entries
            if isinstance(d, dict) and set(_JSON_REQUIRED) <= d.keys()
            and all(isinstance(d[k], str) for k in ("doc_id", "shard_id", "kept_shard_id"))
            and all(d[k] is None or isinstance(d[k], str) for k in _JSON_REQUIRED)
            and d.get("kind", DUPLICATE) in KINDS]
    if len(good) < len(entries):
        log.warning("%s: left out %s: the documents they dropped lose their duplicate_id rows",
                    legacy, plural(len(entries) - len(good), "damaged entry", "damaged entries"))
    if not good:
        return None
    table = pa.Table.from_pylist([{n: d[n] for n in SAVED_COLUMNS} for d in good],
                                 PLAN_SCHEMA).sort_by([("shard_id", "ascending"),
                                                       ("doc_id", "ascending")])
    path = plan_path(out)
    tmp = O.state_temp(path)
    pq.write_table(table, tmp, compression=W.COMPRESSION)
    os.replace(tmp, path)
    legacy.unlink()
    return path
