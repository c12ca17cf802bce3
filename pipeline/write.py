"""Writing the run's output: Parquet part files, shard completion markers and `manifest.json`.

The output folder's layout, the names of a run's files and the rules that tell them from any
other file are `pipeline.output_folder`'s.

Atomicity: a part file is written as `.part-<key>-<n>.parquet.<pid>-<random>.tmp` and renamed
when it is complete, so a reader never sees half a file. A unit is finished only once all of its
parts are renamed and its `_shards/<unit_id>.json` marker is written (also through a temporary
name); a part without a marker is the leftover of an interrupted unit, which `--resume` deletes
and redoes. Groups of units (`pipeline.runner.units`) follow the same rule with `_parts/`. Row
order is deterministic: sorting part files by name gives a fixed order (unit and group ids start
with the unit's position in input order; then chunk number; then document order), so two runs
on the same inputs give identical tables, whatever the engine and the number of workers.

Every file carries the key/value metadata `biotab_version`, `schema_version` and `table`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import SCHEMA_VERSION, __version__
from pipeline.collector import collector_paused

# (the "X as X" names are re-exported: tests and users import them from here, where they
# were before pipeline.output_folder held them)
from pipeline.output_folder import DOCUMENT_TABLES as DOCUMENT_TABLES
from pipeline.output_folder import (
    EMPTY_PART,
    MANIFEST,
    PART_FILE,
    RUN_PART_PREFIX,
    SHARDS_DIR,
    TABLE_SOURCES,
    TABLES,
    check_id,
    is_run_file,
    shard_marker,
    state_temp,
    temp_name,
)
from pipeline.output_folder import OutputExistsError as OutputExistsError
from pipeline.output_folder import earlier_run as earlier_run
from pipeline.output_folder import prepare_output as prepare_output
from pipeline.output_folder import remove_run as remove_run
from pipeline.paths import kb_dir, ner_model_dir

log = logging.getLogger(__name__)

COMPRESSION = "zstd"
#: Rows buffered per table before a row group is written (memory stays flat).
ROW_GROUP_ROWS = 5_000
#: Characters of text buffered per table before a row group is written.
ROW_GROUP_CHARS = 16_000_000
#: Columns written without min/max statistics: a document's whole text, of which the Parquet
#: writer keeps copies of the least and greatest value while it writes a row group (a row of a
#: 50 MB text: 340 MB more peak RSS with them, 150 MB without; nothing filters on it).
NO_STATISTICS: Mapping[str, frozenset[str]] = {"documents": frozenset({"text"})}


def parquet_writer(path: Path, table: str, schema: pa.Schema) -> pq.ParquetWriter:
    """A writer of a part file of `table` (`COMPRESSION`; statistics of every column but those
    of `NO_STATISTICS`)."""
    skip = NO_STATISTICS.get(table, frozenset())
    statistics: bool | list[str] = [f.name for f in schema if f.name not in skip] if skip else True
    return pq.ParquetWriter(path, schema, compression=COMPRESSION, write_statistics=statistics)


# --------------------------------------------------------------------------- schemas


def stage_schemas() -> dict[str, pa.Schema]:
    """Table name -> the schema constant of the stage that writes it (`TABLE_SOURCES`, in its
    order), imported now: the stage's own object, without biotab's file-level metadata."""
    return {name: getattr(importlib.import_module(module), attr)
            for name, (module, attr) in TABLE_SOURCES.items()}


@cache
def table_schemas() -> dict[str, pa.Schema]:
    """The pyarrow schema of every table, with biotab's file-level metadata added."""
    return {name: with_file_metadata(schema, name) for name, schema in stage_schemas().items()}


def file_metadata(table: str) -> dict[str, str]:
    return {"biotab_version": __version__, "schema_version": SCHEMA_VERSION, "table": table}


#: The key of a part file's metadata that holds the run id of the output folder whose run
#: wrote it (the manifest's `run_id`, kept by --resume): a run tells its own leftovers from
#: another output folder's parts in a table folder both reach (a link) by it, not by name.
RUN_ID_KEY = "biotab_run_id"


def part_schema(table: str, run_id: str | None) -> pa.Schema:
    """`table`'s schema with the run id of the writing run in its file metadata (`RUN_ID_KEY`;
    None or "": none, as files written before run ids were recorded)."""
    schema = table_schemas()[table]
    if not run_id:
        return schema
    return schema.with_metadata({**(schema.metadata or {}), RUN_ID_KEY.encode(): run_id.encode()})


def schema_run_id(schema: pa.Schema) -> str | None:
    """The run id a part file's schema records (`part_schema`), or None."""
    return _run_id_in(schema.metadata)


def _run_id_in(metadata: dict[bytes, bytes] | None) -> str | None:
    """The run id in a Parquet file's or schema's key/value metadata (`RUN_ID_KEY`), or None."""
    value = (metadata or {}).get(RUN_ID_KEY.encode())
    return value.decode("utf-8", "replace") if value else None


def manifest_run_id(out: Path) -> str | None:
    """The run id in `out`'s manifest (the run writing there), or None."""
    value = (read_manifest(out) or {}).get("run_id")
    return value if isinstance(value, str) else None


def part_run_id(path: Path) -> str | None:
    """The run id a part file records (`part_schema`; its footer alone is read), or None: none
    recorded (written by an earlier biotab) or the file is not readable Parquet."""
    try:
        return _run_id_in(pq.read_metadata(path).metadata)
    except (OSError, ValueError, pa.ArrowException):
        return None


def with_file_metadata(schema: pa.Schema, table: str) -> pa.Schema:
    meta = {k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
            for k, v in (schema.metadata or {}).items()}
    meta.update(file_metadata(table))
    return schema.with_metadata(meta)


def to_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows (dicts keyed by column name; missing keys are null) as a table of `schema`."""
    return pa.Table.from_pylist(rows, schema=schema)


def load_table_builders() -> None:
    """Build an empty table of every schema now. pyarrow imports pandas the first time it
    builds an array (about 0.2 s; any array built from Python objects asks pandas whether they
    are a pandas array, so the import cannot be avoided): done where the pipeline is built,
    workers forked from the driver share it instead of each importing it again, and the driver
    has it for its own files at the end of the run. The garbage collector is paused meanwhile
    (`collector_paused`: its collections would walk the built pipeline's objects)."""
    with collector_paused():
        for schema in table_schemas().values():
            to_table([], schema)


# --------------------------------------------------------------------------- writing


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename;
    `durable`: flushed to disk (fsync) before the rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = state_temp(path)
    with open(tmp, "wb") as fh:
        fh.write(data)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_json(path: Path, obj: Any, *, durable: bool = True) -> None:
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    atomic_write_bytes(path, (text + "\n").encode("utf-8"), durable=durable)


#: the characters DuckDB's `read_parquet` reads as a glob pattern in a file name
_GLOB = re.compile(r"([*?\[])")


def read_path(path: Path | str) -> str:
    """`path` for DuckDB's `read_parquet`, which takes every file name for a glob pattern: its
    '*', '?' and '[' each in a class of its own ('[[]'), so that an output folder named
    `out[1]` or `out?` is read, not (or not also) `out1` beside it (`read_parquet` gives the
    file's real name in its `filename` column). A name that also holds a backslash stays as it
    is: DuckDB's glob takes the backslash for a folder separator, matches nothing, and reads
    the file as named. For the driver (`pipeline.runner.duplicates`, `plan_file`,
    `plan_apply`) and the readers' views (`pipeline.tables.duckdb`)."""
    name = str(path)
    return name if "\\" in name else _GLOB.sub(r"[\1]", name)


def check_own(files: Iterable[Path], run_id: str | None, *, holder: str = "this run",
              why: str = "this run would replace or delete it: give each output folder table "
              "folders of its own, then finish this run with --resume") -> None:
    """OutputExistsError naming the first of `files` (parts a run is about to replace or
    delete: the driver's, an empty table's, whose names are the same in every output folder)
    that records another run id than `run_id`: another output folder's run wrote it, in a
    table folder both reach (a link). One that records none passes (an earlier biotab's). The
    message names whose run has `run_id` (`holder`) and what the refusal prevents (`why`)."""
    for f in files:
        writer = part_run_id(f) if f.is_file() else None
        if writer is not None and writer != run_id:
            raise OutputExistsError(
                f"{f} was written by the run of another output folder (run id {writer[:32]}; "
                f"{holder} has {(run_id or 'none')[:32]}): its table folder {f.parent.name} is "
                f"shared with that folder (a link?), and {why}")


def write_run_parts(out: Path, table: str, batches: Iterable[list[dict[str, Any]]],
                    part_rows: int) -> int:
    """The driver's own rows of `table` (`RUN_PART_PREFIX`), batch by batch, in parts of at
    most `part_rows` rows, each written through a temporary file; the driver's parts of an
    earlier attempt past the last one written go. Returns the rows written. Refused
    (`check_own`) when a driver's part there is another run's."""
    folder = Path(out) / table
    run_id = manifest_run_id(out)
    check_own(sorted(folder.glob(f"{RUN_PART_PREFIX}-*.parquet")) if folder.is_dir() else [],
              run_id)
    schema = part_schema(table, run_id)
    n_parts = n_rows = in_part = 0
    writer: pq.ParquetWriter | None = None
    tmp = final = folder
    try:
        for rows in batches:
            start = 0
            while start < len(rows):
                if writer is None:
                    folder.mkdir(parents=True, exist_ok=True)
                    final = folder / f"{RUN_PART_PREFIX}-{n_parts:05d}.parquet"
                    tmp = final.with_name(temp_name(final.name))
                    writer = parquet_writer(tmp, table, schema)
                take = rows[start:start + part_rows - in_part]
                writer.write_table(to_table(take, schema))
                start, in_part, n_rows = start + len(take), in_part + len(take), n_rows + len(take)
                if in_part >= part_rows:
                    writer.close()
                    writer = None
                    os.replace(tmp, final)
                    n_parts, in_part = n_parts + 1, 0
        if writer is not None:
            writer.close()
            writer = None
            os.replace(tmp, final)
            n_parts += 1
    finally:
        if writer is not None:  # (stopped while writing: the unfinished part goes)
            writer.close()
            tmp.unlink(missing_ok=True)
    for f in folder.glob(f"{RUN_PART_PREFIX}-*.parquet") if folder.is_dir() else []:
        m = PART_FILE.match(f.name)
        if m is not None and int(m.group(2)) >= n_parts:
            f.unlink()
    return n_rows


def write_parquet(path: Path, table: str, rows: list[dict[str, Any]],
                  run_id: str | None = None) -> None:
    """One whole part file at once (the driver's own small files), atomically (`run_id`: the
    run's, `part_schema`)."""
    schema = part_schema(table, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(temp_name(path.name))
    pq.write_table(to_table(rows, schema), tmp, compression=COMPRESSION)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- one shard


def shard_files(out: Path, shard_id: str) -> list[Path]:
    """Every part and temporary file of a shard, in every table folder."""
    check_id(shard_id)
    # exactly the names `ShardWriter` gives (and their temporaries): a file that only starts
    # like them ("part-<id>-notes.parquet") is not ours
    own = re.compile(rf"^(?:part-{re.escape(shard_id)}-\d{{5}}\.parquet"
                     rf"|\.part-{re.escape(shard_id)}-\d{{5}}\.parquet(?:\..+)?\.tmp)$")
    found: list[Path] = []
    for name in TABLES:
        folder = Path(out) / name
        if not folder.is_dir():
            continue
        found.extend(f for f in folder.iterdir() if own.match(f.name))
    return sorted(found)


def clean_shard(out: Path, shard_id: str) -> int:
    """Delete what an unfinished attempt at a shard left behind; returns the files removed."""
    marker = shard_marker(Path(out), shard_id)
    with contextlib.suppress(FileNotFoundError):
        marker.unlink()
    files = shard_files(out, shard_id)
    for f in files:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    return len(files)


def mark_shard_done(out: Path, shard_id: str, info: Mapping[str, Any]) -> None:
    """A unit's marker, not flushed to disk, as its files (`ShardWriter.commit`): after a host
    crash, a marker that is lost or empty redoes its unit, as one over files that are not whole
    does (`pipeline.runner.units.drop_lost_units`)."""
    atomic_write_json(shard_marker(Path(out), shard_id), dict(info), durable=False)


def done_shards(out: Path) -> dict[str, dict[str, Any]]:
    """The shards an earlier attempt finished: shard id -> the marker's content."""
    folder = Path(out) / SHARDS_DIR
    done: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return done
    for f in sorted(folder.glob("*.json")):
        if not is_run_file(SHARDS_DIR, f.name):
            continue
        try:
            done[f.stem] = json.loads(f.read_text("utf-8"))
        except (OSError, ValueError):
            log.warning("unreadable shard marker %s: the shard will be redone", f)
    return done


# --------------------------------------------------------------------------- the tables


def finish_tables(out: Path) -> None:
    """Give every table at least one (empty) part file so that globs always find a file; an
    empty part of another run (`check_own`) is neither deleted nor taken for this run's."""
    run_id = manifest_run_id(out)
    for name in TABLES:
        folder = Path(out) / name
        folder.mkdir(parents=True, exist_ok=True)
        empty = folder / EMPTY_PART
        check_own([empty], run_id)
        parts = [f for f in folder.glob("part-*.parquet") if f.name != EMPTY_PART]
        if parts:
            with contextlib.suppress(FileNotFoundError):
                empty.unlink()
        elif not empty.exists():
            write_parquet(empty, name, [], run_id)


def read_batches(path: Path | str, batch_size: int = ROW_GROUP_ROWS,
                 columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """The record batches of a Parquet file of this process's tables, decoded in the calling
    thread. Why: the driver reads back many small part files at the end of a run (compaction,
    the duplicate check); Arrow's thread pools (`use_threads`, `pre_buffer`) woke their
    threads for every few kilobytes, some 2,700 futex waits and 0.02-0.11 s of system time in
    the compaction of 1,549 documents, for no gain. (`pq.read_table` would also import
    `pyarrow.dataset`, about 0.1 s.)"""
    return pq.ParquetFile(path, pre_buffer=False).iter_batches(
        batch_size=batch_size, columns=columns, use_threads=False)


def count_error_kinds(out: Path) -> Counter[str]:
    """Rows of the errors table per `error` kind, in one pass (that column alone is read)."""
    import pyarrow.compute as pc

    kinds: Counter[str] = Counter()
    for f in sorted((Path(out) / "errors").glob("part-*.parquet")):
        for batch in read_batches(f, columns=["error"]):
            for item in pc.value_counts(batch.column(0)).to_pylist():
                if item["values"] is not None:
                    kinds[item["values"]] += item["counts"]
    return kinds


def count_rows(out: Path) -> dict[str, int]:
    """Rows per table, from the part files' footers (cheap)."""
    counts: dict[str, int] = {}
    for name in TABLES:
        folder = Path(out) / name
        files = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
        counts[name] = sum(pq.read_metadata(f).num_rows for f in files)
    return counts


# --------------------------------------------------------------------------- manifest


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def model_versions(use_ner: bool = True) -> dict[str, Any]:
    """Versions of the knowledge base and the NER model, from their own manifests."""
    info: dict[str, Any] = {}
    kb_manifest = kb_dir() / "manifest.json"
    if kb_manifest.exists():
        try:
            kb = json.loads(kb_manifest.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            kb = {"error": f"unreadable manifest: {exc}"}
        info["kb"] = {"path": str(kb_dir()), "manifest_sha256": sha256_file(kb_manifest),
                      **_small(kb)}
    else:
        info["kb"] = None
    meta_file = ner_model_dir() / "meta.json"
    if use_ner and meta_file.exists():
        try:
            meta = json.loads(meta_file.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            meta = {"error": f"unreadable meta.json: {exc}"}
        keys = ("lang", "name", "version", "spacy_version", "description", "labels", "error")
        info["ner_model"] = {"path": str(ner_model_dir()),
                             **{k: meta[k] for k in keys if k in meta}}
    else:
        info["ner_model"] = None
    return info


def _small(obj: Mapping[str, Any], limit: int = 20_000) -> dict[str, Any]:
    """The KB manifest's top-level entries, skipping any single entry too large for a summary."""
    return {k: v for k, v in obj.items() if len(json.dumps(v, default=str)) <= limit}


def write_manifest(out: Path, manifest: Mapping[str, Any]) -> None:
    atomic_write_json(Path(out) / MANIFEST, dict(manifest))


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = Path(out) / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
