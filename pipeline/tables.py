"""Reading a biotab output folder back: pandas DataFrames and a DuckDB connection.

An output folder `OUT` holds one Parquet dataset per table (`OUT/<table>/part-*.parquet`) and
`OUT/manifest.json`. The table schemas are the `pyarrow.schema` constants of the stages that
write them, gathered here in `TABLE_SCHEMAS`.

dtypes: `load()` returns pandas columns backed by Arrow (`pd.ArrowDtype`), so every column has
exactly the type of its schema field — `string[pyarrow]`, `int32[pyarrow]`, `bool[pyarrow]`,
`float[pyarrow]` ... — and nullable integers and booleans stay integers and booleans (a missing
value is `pd.NA`, not NaN). `df.astype(object)` or `df[col].astype("Int64")` convert when a
library wants NumPy dtypes.

Columns: each DataFrame has the schema's columns, in the schema's order. A part written by an
older biotab that lacks a column reads back with that column all null; columns not in the schema
are not read. A table whose folder is missing (or empty) gives an empty DataFrame with the right
columns and dtypes.

Unfinished runs: a run stopped before its end (Ctrl-C, `kill`, a crash, a machine that went
down), a run that failed or finished with failed shards, and a run still writing leave tables
that hold only part of the documents. `load` and `duckdb` read them all the same, but warn
(`UnfinishedRunWarning`, naming the manifest's status and the `biotab run ... --resume` that
finishes the run); `unfinished_run` says it for other readers (the report's banner).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import warnings
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pipeline.plural import plural
from pipeline.write import read_path, stage_schemas

if TYPE_CHECKING:
    import duckdb as duckdb_
    import pandas as pd
    import pyarrow.dataset as ds_

TABLE_SCHEMAS: dict[str, pa.Schema] = stage_schemas()
"""Table name -> schema, in the order the tables are usually read (`output_folder.TABLE_SOURCES`,
the one list of the tables)."""

PART_GLOB = "part-*.parquet"

__all__ = [
    "TABLE_SCHEMAS",
    "NoRunError",
    "UnfinishedRun",
    "UnfinishedRunWarning",
    "duckdb",
    "duckdb_type",
    "load",
    "load_manifest",
    "no_run_reason",
    "part_files",
    "read_table",
    "table_dataset",
    "unfinished_run",
]


def part_files(out: str | PathLike[str], table: str) -> list[Path]:
    """The Parquet parts of one table, sorted by path; [] when the folder is missing.

    Parts in sub-folders are included; hidden files and names starting with `_` (temporary or
    in-progress parts) are not.
    """
    folder = Path(out) / table
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob(PART_GLOB)
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
    )


class NoRunError(FileNotFoundError):
    """The folder given to `load` or `duckdb` is none, or holds no biotab run."""


def no_run_reason(out: str | PathLike[str]) -> str | None:
    """Why `out` holds no biotab run (one line naming it), or None when it holds one: a
    manifest.json a biotab run wrote, or part files of the documents table."""
    from pipeline.output_folder import MANIFEST, is_biotab_manifest

    root = Path(out)
    if root.is_file():
        return f"{root} is a file, not an output folder: give the --out folder of a `biotab run`"
    if not root.is_dir():
        return f"no output folder at {root}"
    if is_biotab_manifest(root / MANIFEST) or part_files(root, "documents"):
        return None
    hint = "give the --out folder of a `biotab run`"
    if root.name in TABLE_SCHEMAS and no_run_reason(root.parent) is None:
        hint = f"it is the run's {root.name} table folder: give {root.parent}"
    manifest = ("its manifest.json was not written by biotab" if (root / MANIFEST).exists()
                else "no manifest.json")
    return f"{root} holds no biotab run ({manifest}, no documents/part-*.parquet); {hint}"


def _run_root(out: str | PathLike[str]) -> Path:
    """`out` as a Path; NoRunError (`no_run_reason`) unless it holds a run."""
    reason = no_run_reason(out)
    if reason is not None:
        raise NoRunError(reason)
    return Path(out)


def _schema(table: str) -> pa.Schema:
    try:
        return TABLE_SCHEMAS[table]
    except KeyError:
        raise KeyError(
            f"unknown table {table!r}; expected one of {', '.join(TABLE_SCHEMAS)}"
        ) from None


def table_dataset(out: str | PathLike[str], table: str) -> ds_.Dataset | None:
    """One table's parts as a pyarrow Dataset with exactly the schema's columns and types (read
    lazily: columns, rows and counts without reading the rest); None when it has no parts."""
    import pyarrow.dataset as ds

    schema = _schema(table)
    files = part_files(out, table)
    if not files:
        return None
    return ds.dataset([str(f) for f in files], schema=schema, format="parquet")


def read_table(out: str | PathLike[str], table: str) -> pa.Table:
    """One table as a pyarrow Table with exactly the schema's columns and types."""
    dataset = table_dataset(out, table)
    return _schema(table).empty_table() if dataset is None else dataset.to_table()


def load(out: str | PathLike[str], tables: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of an output folder as a pandas DataFrame with Arrow-backed dtypes.

    `tables` picks a subset (default: all of TABLE_SCHEMAS). Raises NoRunError (a
    FileNotFoundError) when `out` is not a folder or holds no run (`no_run_reason`); a missing
    table folder of a run gives an empty DataFrame with the right columns. A run that did not
    finish is read as it is, with an UnfinishedRunWarning (`unfinished_run`).
    """
    import pandas as pd

    root = _run_root(out)
    _warn_unfinished(root)
    names = list(TABLE_SCHEMAS) if tables is None else tables
    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        table = read_table(root, name)
        frames[name] = table.to_pandas(types_mapper=pd.ArrowDtype)
    return frames


def load_manifest(out: str | PathLike[str]) -> dict[str, Any]:
    """`OUT/manifest.json` as a dict ({} when missing or unreadable)."""
    path = Path(out) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class UnfinishedRunWarning(UserWarning):
    """`load` or `duckdb` read an output folder whose run did not finish: its tables hold part
    of the documents. `warnings.filterwarnings("ignore", category=UnfinishedRunWarning)` for
    a partial run read on purpose."""


@dataclass(frozen=True)
class UnfinishedRun:
    """What the manifest says of a run that did not finish: its `status`, what happened
    (`what`, words after "it": "was interrupted (Ctrl-C, SIGINT)") and the command that
    finishes it (`resume`; None for a run still writing: wait for it)."""

    out: Path
    status: str
    what: str
    resume: str | None

    @property
    def todo(self) -> str:
        """What to do, in words: the resume command, or wait."""
        if self.resume is None:
            return "read it again once that run has ended"
        return f"finish it with `{self.resume}`"

    @property
    def message(self) -> str:
        """One line for a warning: folder, status, what happened, what to do."""
        return (f"the run in {self.out} did not finish (manifest status {self.status!r}): it "
                f"{self.what}, so its tables hold only part of the documents; {self.todo}")


def _resume_command(manifest: dict[str, Any], out: Path) -> str:
    """The command that finishes the run: the manifest's `biotab run` command with --resume
    (and without --overwrite, which excludes it); a generic one when it records none."""
    try:
        words = shlex.split(str(manifest.get("command") or ""))
    except ValueError:  # (a hand-edited manifest: unbalanced quotes)
        words = []
    if words[:2] != ["biotab", "run"]:
        return f"biotab run INPUTS... --out {shlex.quote(str(out))} --resume"
    words = [w for w in words if w != "--overwrite"]
    if "--resume" not in words:
        words.append("--resume")
    return shlex.join(words)


def _lock_holder(out: Path) -> tuple[bool | None, str]:
    """Whether the run named in `OUT/.biotab.lock` still runs (None: on another host, unknown;
    False also when there is no lock file) and how the lock describes it."""
    from pipeline.runner.lock import describe, holder_alive, read_lock

    info = read_lock(out)
    if info is None or "unreadable" in info:  # (no run named: none known to run)
        return False, ""
    return holder_alive(info), describe(info)


def _what_happened(manifest: dict[str, Any], status: str, out: Path) -> tuple[str, bool]:
    """(what the run did, in words for "it ..."; whether `--resume` finishes it)."""
    error = manifest.get("error")
    because = f" ({error})" if isinstance(error, str) and error else ""
    if status == "interrupted":  # (its error says how: "interrupted (Ctrl-C, SIGINT)")
        how = error if isinstance(error, str) and error.startswith("interrupted") else ""
        return f"was {how or 'interrupted'}", True
    if status == "failed":
        return f"stopped on an error{because}", True
    if status == "incomplete":
        failed = (manifest.get("shards") or {}).get("failed")
        n = len(failed) if isinstance(failed, list) else 0
        shards = plural(n, "failed shard") if n else "failed shards"
        return (f"ended with {shards}, whose documents are missing (the errors table "
                "names them)"), True
    if status == "running":
        alive, holder = _lock_holder(out)
        if alive:
            return f"is still running ({holder})", False
        if alive is None:
            return f"is still running on another host or was killed ({holder})", False
        return "was killed or crashed before its manifest recorded an end", True
    return "has a status biotab does not know", True


def unfinished_run(out: str | PathLike[str]) -> UnfinishedRun | None:
    """The unfinished run in `out` (from its manifest's status: "interrupted", "failed",
    "incomplete", or "running": still writing, or killed before it recorded an end), or None
    when it finished ("complete") or its manifest records no status (none, or not biotab's)."""
    root = Path(out)
    manifest = load_manifest(root)
    status = manifest.get("status")
    if not isinstance(status, str) or status == "complete":
        return None
    what, resumable = _what_happened(manifest, status, root)
    return UnfinishedRun(root, status, what,
                         _resume_command(manifest, root) if resumable else None)


def _warn_unfinished(out: Path) -> None:
    """An UnfinishedRunWarning when the run in `out` did not finish, pointing at the caller
    outside this package (`pipeline.load` and `pipeline.tables.load` alike)."""
    unfinished = unfinished_run(out)
    if unfinished is not None:
        warnings.warn(unfinished.message, UnfinishedRunWarning, stacklevel=_caller_level())


def _caller_level() -> int:
    """The stacklevel of the first frame outside the `pipeline` package, counted from the
    frame that calls `warnings.warn` (`_warn_unfinished`)."""

    package = str(Path(__file__).parent) + os.sep
    frame = sys._getframe(2)  # the caller of _warn_unfinished
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


_DUCKDB_TYPES: list[tuple[Any, str]] = [
    (pa.types.is_boolean, "BOOLEAN"),
    (pa.types.is_int8, "TINYINT"),
    (pa.types.is_int16, "SMALLINT"),
    (pa.types.is_int32, "INTEGER"),
    (pa.types.is_int64, "BIGINT"),
    (pa.types.is_uint8, "UTINYINT"),
    (pa.types.is_uint16, "USMALLINT"),
    (pa.types.is_uint32, "UINTEGER"),
    (pa.types.is_uint64, "UBIGINT"),
    (pa.types.is_float16, "FLOAT"),
    (pa.types.is_float32, "FLOAT"),
    (pa.types.is_float64, "DOUBLE"),
    (pa.types.is_string, "VARCHAR"),
    (pa.types.is_large_string, "VARCHAR"),
    (pa.types.is_binary, "BLOB"),
    (pa.types.is_large_binary, "BLOB"),
    (pa.types.is_date32, "DATE"),
    (pa.types.is_timestamp, "TIMESTAMP"),
]


def duckdb_type(type_: pa.DataType) -> str:
    """The DuckDB SQL type name for an Arrow type used in biotab's schemas."""
    if pa.types.is_timestamp(type_) and type_.tz is not None:
        return "TIMESTAMPTZ"
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return f"{duckdb_type(type_.value_type)}[]"
    for test, name in _DUCKDB_TYPES:
        if test(type_):
            return name
    raise TypeError(f"no DuckDB type for Arrow type {type_}")


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _view_sql(table: str, files: list[Path], present: set[str]) -> str:
    """SELECT for a table view: schema columns in order, cast to the schema types.

    Columns missing from every part become typed NULLs, so the view always has the full schema.
    """
    schema = _schema(table)
    cols = []
    for field in schema:
        sql_type = duckdb_type(field.type)
        ident = _quote_ident(field.name)
        if field.name in present:
            cols.append(f"CAST({ident} AS {sql_type}) AS {ident}")
        else:
            cols.append(f"CAST(NULL AS {sql_type}) AS {ident}")
    select = ",\n  ".join(cols)
    if not files:
        return f"SELECT\n  {select}\nWHERE false"
    file_list = ", ".join(_quote_str(read_path(f)) for f in files)
    return (
        f"SELECT\n  {select}\nFROM read_parquet([{file_list}], union_by_name = true, "
        "hive_partitioning = false)"
    )


def duckdb(
    out: str | PathLike[str], con: duckdb_.DuckDBPyConnection | None = None
) -> duckdb_.DuckDBPyConnection:
    """A DuckDB connection with one view per table (documents, sentences, mentions, ...).

    `con` adds the views to an existing connection (default: a new in-memory database). Each view
    lists the table's parts present when it is created and has exactly the schema's columns and
    types; a table with no parts gives an empty view (NoRunError, as `load`, when `out` holds no
    run; an UnfinishedRunWarning, as `load`, for a run that did not finish). Views are named
    after the tables, so
    `con.sql("SELECT label, count(*) FROM mentions GROUP BY label")` works at once.
    """
    import duckdb as duckdb_mod

    root = _run_root(out)
    _warn_unfinished(root)
    if con is None:
        con = duckdb_mod.connect()
    import pyarrow.parquet as pq

    for table in TABLE_SCHEMAS:
        files = [f.resolve() for f in part_files(root, table)]
        present: set[str] = set()
        for f in files:
            present.update(pq.read_schema(f).names)
        con.execute(
            f"CREATE OR REPLACE VIEW {_quote_ident(table)} AS {_view_sql(table, files, present)}"
        )
    return con
