"""Writing the run's output: Parquet part files, shard completion markers and `manifest.json`.

Layout of an output folder `OUT/`::

    OUT/manifest.json                          the run: options, inputs (SHA-256), models, counts
    OUT/<table>/part-<group_id>-00000.parquet  rows of a run of consecutive units, at most
                                               --part-rows rows / --part-mb MB (runner.units)
    OUT/<table>/part-<unit_id>-<n>.parquet     rows of one unit (consecutive shards) while the
                                               run goes on; merged into groups at its end
    OUT/errors/part-~run-<n>.parquet           error rows of the driver (duplicate ids across
                                               shards, failed shards; --part-rows rows each)
    OUT/<table>/part-_empty-00000.parquet      only for a table without any row (so that a glob
                                               always finds a file with the schema)
    OUT/_shards/<unit_id>.json                 a unit finished: its shards, inputs and counts
    OUT/_parts/<group_id>.json                 a group of units is committed (its unit ids)
    OUT/_run/duplicates.parquet                the driver's state (duplicate doc_ids found)
    OUT/.biotab.lock                           while a run writes: who (pipeline.runner.lock)

`--overwrite` deletes exactly these files (`run_files`, `remove_run`), by name: a manifest.json
biotab did not write, and any other file (notes, a report, inputs, `_run/settings.json`), is
never deleted, nor read as a marker.

Every table is a Parquet dataset folder: `pandas.read_parquet("OUT/mentions")`,
`duckdb.sql("FROM read_parquet('OUT/mentions/*.parquet')")`. Files whose names start with `.` or
`_` are not data (pyarrow's dataset discovery skips them too).

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
from types import MappingProxyType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import SCHEMA_VERSION, __version__
from pipeline.collector import collector_paused
from pipeline.paths import kb_dir, ner_model_dir

log = logging.getLogger(__name__)

#: The tables of a run, in the order a unit's files are written, each with the schema constant
#: of the stage that writes it (module, name): the one list of tables, which `TABLES`,
#: `table_schemas` and `pipeline.tables.TABLE_SCHEMAS` are made from. The schemas are imported
#: only when one is asked for (`stage_schemas`): the driver of a process pool uses the names
#: and never imports spaCy. `errors` is last on purpose: the rows another table cannot hold
#: become error rows, flushed after it (`pipeline.shard_writer.ShardWriter.commit`).
TABLE_SOURCES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "documents": ("pipeline.ingest", "DOCUMENTS_SCHEMA"),
    "sentences": ("pipeline.split", "SENTENCES_SCHEMA"),
    "mentions": ("pipeline.tag", "MENTIONS_SCHEMA"),
    "outcomes": ("pipeline.outcomes", "OUTCOMES_SCHEMA"),
    "errors": ("pipeline.ingest", "ERRORS_SCHEMA"),
})
TABLES = tuple(TABLE_SOURCES)
#: Tables whose rows all belong to one document (joined on doc_id); `errors` is not one.
DOCUMENT_TABLES = tuple(name for name in TABLES if name != "errors")
SHARDS_DIR = "_shards"
#: Committed groups of compacted units (pipeline.runner.units).
PARTS_DIR = "_parts"
#: The driver's own state (the duplicate-id plan), kept across --resume.
RUN_DIR = "_run"
MANIFEST = "manifest.json"
COMPRESSION = "zstd"
#: Rows buffered per table before a row group is written (memory stays flat).
ROW_GROUP_ROWS = 5_000
#: Characters of text buffered per table before a row group is written.
ROW_GROUP_CHARS = 16_000_000
#: Name stem of the empty part written for a table that got no rows at all.
EMPTY_PART = "part-_empty-00000.parquet"
#: Name stem of the error rows the driver writes itself (duplicate ids, failed shards).
RUN_PART_PREFIX = "part-~run"
#: A unit id (`pipeline.runner.units.plan_units`: its position and a hash of its shard ids)
#: and a group id (`pipeline.runner.units.commit_group`): the keys of a run's part files and
#: markers. Files under other names are not a run's: it never reads or deletes them.
UNIT_ID = r"u\d{7}\.[0-9a-f]{10}"
GROUP_ID = r"g\d{7}\.[0-9a-f]{10}"
#: The driver's duplicate-id plan in `_run/` (`pipeline.runner.plan_file`) ...
DUPLICATES_PLAN = "duplicates.parquet"
#: ... and the JSON one of an earlier biotab (read on a resume, then replaced)
LEGACY_DUPLICATES_PLAN = "duplicates.json"


class OutputExistsError(Exception):
    """The output folder holds an earlier run and neither --overwrite nor --resume was given."""


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


# --------------------------------------------------------------------------- names

_SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")


def part_name(shard_id: str, n: int) -> str:
    return f"part-{shard_id}-{n:05d}.parquet"


def temp_name(final_name: str, token: str = "") -> str:
    """Hidden name a file is written under before it is renamed to `final_name`. `token` makes
    it unique per attempt (two attempts at one shard, e.g. a Dask task re-run while a lost
    worker still writes, never share a temporary file)."""
    return f".{final_name}.{token}.tmp" if token else f".{final_name}.tmp"


def shard_marker(out: Path, shard_id: str) -> Path:
    return out / SHARDS_DIR / f"{shard_id}.json"


def check_id(shard_id: str) -> None:
    if not _SAFE.match(shard_id):
        raise ValueError(f"shard id {shard_id!r} is not a safe file name")


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def state_temp(path: Path) -> Path:
    """The temporary file a state file (`STATE_FILES`: a marker, the duplicates plan) or the
    manifest is written as before it is renamed to `path`: `.<name>.<pid>.tmp`."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


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


def write_run_parts(out: Path, table: str, batches: Iterable[list[dict[str, Any]]],
                    part_rows: int) -> int:
    """The driver's own rows of `table` (`RUN_PART_PREFIX`), batch by batch, in parts of at
    most `part_rows` rows, each written through a temporary file; the driver's parts of an
    earlier attempt past the last one written go. Returns the rows written."""
    folder = Path(out) / table
    schema = table_schemas()[table]
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
                    writer = pq.ParquetWriter(tmp, schema, compression=COMPRESSION)
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
        m = _PART.match(f.name)
        if m is not None and int(m.group(2)) >= n_parts:
            f.unlink()
    return n_rows


def write_parquet(path: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """One whole part file at once (the driver's own small files), atomically."""
    schema = table_schemas()[table]
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


# --------------------------------------------------------------------------- output folder


#: A part file a run writes (`part_name`: a unit's, a group's, the driver's errors, an empty
#: table's) and its temporaries (`temp_name`, with or without a token)
_OWN_PART = rf"part-(?:{UNIT_ID}|{GROUP_ID}|~run|_empty)-\d{{5}}\.parquet"
_TABLE_FILE = re.compile(rf"^(?:{_OWN_PART}|\.{_OWN_PART}(?:\.[^/]+)?\.tmp)$")


def _state_files(names: str) -> re.Pattern[str]:
    """`names` and their temporaries (`state_temp`: `.<name>.<pid>.tmp`)."""
    return re.compile(rf"^(?:{names}|\.(?:{names})\.\d+\.tmp)$")


#: The files a run writes in its state folders: unit markers (`mark_shard_done`), group
#: markers (`pipeline.runner.units.group_marker`), the duplicates plan; any other is a user's
STATE_FILES = {
    SHARDS_DIR: _state_files(rf"{UNIT_ID}\.json"),
    PARTS_DIR: _state_files(rf"{GROUP_ID}\.json"),
    RUN_DIR: _state_files(f"{re.escape(DUPLICATES_PLAN)}|{re.escape(LEGACY_DUPLICATES_PLAN)}"),
}

_MANIFEST_TEMP = _state_files(re.escape(MANIFEST))


def is_run_file(folder: str, name: str) -> bool:
    """Whether a file `name` in the output folder's `folder` (a table or state folder) has a
    name a run gives its files there."""
    pattern = _TABLE_FILE if folder in TABLES else STATE_FILES.get(folder)
    return pattern is not None and pattern.match(name) is not None


def is_biotab_manifest(path: Path) -> bool:
    """True when `path` is a manifest a biotab run wrote (a JSON object with its run_id and
    biotab_version)."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "run_id" in data and "biotab_version" in data


def run_files(out: Path) -> list[Path]:
    """The files of `out` that a biotab run writes: its manifest (when biotab wrote it), in each
    table folder the part files and their temporaries, in `_shards/`, `_parts/` and `_run/` the
    markers and plan it writes there and their temporaries (`is_run_file`: by name). Anything
    else (`errors/notes.md`, a report, input files, `_run/settings.json`) is not one."""
    out = Path(out)
    found: list[Path] = []
    manifest = out / MANIFEST
    if manifest.is_file() and is_biotab_manifest(manifest):
        found.append(manifest)
    found.extend(f for f in out.glob(f".{MANIFEST}.*.tmp")
                 if _MANIFEST_TEMP.match(f.name) and f.is_file())
    for name in (*TABLES, *STATE_FILES):
        folder = out / name
        if folder.is_dir() and not folder.is_symlink():
            found.extend(f for f in folder.iterdir()
                         if is_run_file(name, f.name) and f.is_file() and not f.is_symlink())
    return sorted(found)


def foreign_parts(out: Path, own: Iterable[Path] | None = None) -> list[Path]:
    """Parquet files in a table folder (or below it) that no run of this output folder wrote
    (`own`: the run files, `run_files`, when the caller listed them): a run would neither
    delete them nor keep readers from reading them with its own rows."""
    out = Path(out)
    own = set(run_files(out) if own is None else own)
    found: list[Path] = []
    for name in TABLES:
        folder = out / name
        if not folder.is_dir():
            continue
        # a linked table folder (`documents -> /bigdisk/documents`) is not in `run_files`
        # (--overwrite deletes nothing through the link), but a run writes its parts there
        # and readers read all of it: its own files are told by their names, and only when
        # this folder holds a run (a manifest, markers): in a new output folder they are
        # another's, one linking the same folder (a run there deleted them as its leftovers)
        linked = folder.is_symlink()
        found.extend(f for f in folder.rglob("*.parquet") if f.is_file() and not (
            bool(own) and f.parent == folder and not f.is_symlink()
            and is_run_file(name, f.name) if linked else f in own))
    return sorted(found)


def earlier_run(out: Path, files: Iterable[Path] | None = None) -> list[str]:
    """What in `out` belongs to an earlier biotab run (empty if nothing): the names of the
    manifest and of the folders holding its files (`files`: `run_files`, when the caller listed
    them)."""
    out = Path(out)
    names = {f.relative_to(out).parts[0] for f in (run_files(out) if files is None else files)}
    return sorted(names, key=lambda n: (n != MANIFEST, n))


def remove_run(out: Path) -> int:
    """Delete the files of an earlier run (`run_files`), then its folders when that left them
    empty; returns the files removed. Nothing else in `out` is touched."""
    out = Path(out)
    files = run_files(out)
    for f in files:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    for name in (*TABLES, SHARDS_DIR, RUN_DIR, PARTS_DIR):
        with contextlib.suppress(OSError):  # not there, or holds files that are not ours
            (out / name).rmdir()
    return len(files)


def prepare_output(out: Path, *, overwrite: bool, resume: bool) -> bool:
    """Check and prepare the output folder; returns True when an earlier run is resumed.

    An earlier run (a biotab manifest.json, or biotab part files / shard markers) is refused
    unless `overwrite` (only that run's files are deleted: `remove_run`) or `resume`. A
    manifest.json that biotab did not write is never replaced.
    """
    out = Path(out)
    if overwrite and resume:
        raise ValueError("--overwrite and --resume exclude each other")
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"output path {out} exists and is not a folder")
    for name in (*TABLES, SHARDS_DIR, PARTS_DIR, RUN_DIR):
        if os.path.lexists(out / name) and not (out / name).is_dir():
            raise OutputExistsError(
                f"{out / name} is a file (or a dangling link), not a folder: a run writes a "
                "folder of that name there; move the file or choose another --out"
            )
    manifest = out / MANIFEST
    if manifest.exists() and not is_biotab_manifest(manifest):
        raise OutputExistsError(
            f"{manifest} was not written by biotab; it is left alone: choose another --out"
        )
    files = run_files(out)  # (listed once: both checks read them)
    foreign = foreign_parts(out, files)
    if foreign:
        first = foreign[0]  # (a run's part in a linked folder; a link named so is no part)
        by_run = (first.parent.is_symlink() and not first.is_symlink()
                  and is_run_file(first.parent.name, first.name))
        who = ("was written by a biotab run of another output folder (this one holds no run; "
               "its table folder is a link)" if by_run else "was not written by biotab")
        raise OutputExistsError(
            f"{first} {who}, but readers of its table would read it "
            "with this run's rows: move it or choose another --out"
            + (f" ({len(foreign) - 1} more such file(s))" if len(foreign) > 1 else "")
        )
    found = earlier_run(out, files)
    if found and not (overwrite or resume):
        raise OutputExistsError(
            f"output folder {out} holds an earlier run ({', '.join(found)}); "
            "use --overwrite to replace it or --resume to finish it"
        )
    if found and overwrite:
        n = remove_run(out)
        log.info("removed the earlier run in %s (%d file(s))", out, n)
    out.mkdir(parents=True, exist_ok=True)
    (out / SHARDS_DIR).mkdir(exist_ok=True)
    (out / PARTS_DIR).mkdir(exist_ok=True)
    return bool(found) and resume


def temp_files(out: Path) -> list[Path]:
    """The temporary files a run writes (`.<name>.tmp`, `.<name>.<pid>.tmp` of its files'
    names) anywhere in an output folder: all belong to attempts that did not finish."""
    return [f for f in run_files(out) if f.name.endswith(".tmp")]


def finish_tables(out: Path) -> None:
    """Give every table at least one (empty) part file so that globs always find a file."""
    for name in TABLES:
        folder = Path(out) / name
        folder.mkdir(parents=True, exist_ok=True)
        empty = folder / EMPTY_PART
        parts = [f for f in folder.glob("part-*.parquet") if f.name != EMPTY_PART]
        if parts:
            with contextlib.suppress(FileNotFoundError):
                empty.unlink()
        elif not empty.exists():
            write_parquet(empty, name, [])


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


# --------------------------------------------------------------------------- part names


_PART = re.compile(r"^part-(.+)-(\d{5})\.parquet$")


def shard_of_file(name: str) -> str | None:
    m = _PART.match(name)
    return m.group(1) if m else None


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
