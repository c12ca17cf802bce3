"""A run's output folder: the names of the files a run writes there, and the rules that tell
its files from any other (a run reads, resumes, replaces and deletes only files under its own
names). Reads the folder's listing (and a manifest.json, to tell whether biotab wrote it);
writes nothing but what `--overwrite` deletes (`remove_run`) and the folders a run needs
(`prepare_output`). Writing the files is `pipeline.write`'s, which re-exports these names.

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
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from pipeline.plural import plural

# (the logger's name as before these rules left pipeline.write: its records keep it)
log = logging.getLogger("pipeline.write")

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


def state_temp(path: Path) -> Path:
    """The temporary file a state file (`STATE_FILES`: a marker, the duplicates plan) or the
    manifest is written as before it is renamed to `path`: `.<name>.<pid>.tmp`."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


# --------------------------------------------------------------------------- a run's files


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
            + (f" ({plural(len(foreign) - 1, 'more such file')})" if len(foreign) > 1 else "")
        )
    found = earlier_run(out, files)
    if found and not (overwrite or resume):
        raise OutputExistsError(
            f"output folder {out} holds an earlier run ({', '.join(found)}); "
            "use --overwrite to replace it or --resume to finish it"
        )
    if found and overwrite:
        n = remove_run(out)
        log.info("removed the earlier run in %s (%s)", out, plural(n, "file"))
    out.mkdir(parents=True, exist_ok=True)
    (out / SHARDS_DIR).mkdir(exist_ok=True)
    (out / PARTS_DIR).mkdir(exist_ok=True)
    return bool(found) and resume


def temp_files(out: Path) -> list[Path]:
    """The temporary files a run writes (`.<name>.tmp`, `.<name>.<pid>.tmp` of its files'
    names) anywhere in an output folder: all belong to attempts that did not finish."""
    return [f for f in run_files(out) if f.name.endswith(".tmp")]


#: A part file's name: its key (a unit's, a group's, ...) and its number
PART_FILE = re.compile(r"^part-(.+)-(\d{5})\.parquet$")


def shard_of_file(name: str) -> str | None:
    m = PART_FILE.match(name)
    return m.group(1) if m else None
