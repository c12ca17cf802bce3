"""biotab: biomedical documents in, analysis-ready Parquet tables out."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from os import PathLike
from typing import TYPE_CHECKING

try:
    __version__ = version("biotab")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

SCHEMA_VERSION = "5"  # 2: mentions.is_generic; outcomes.arm, group_size, ratio/relative units;
# 3: documents.location; 4: outcomes.event_concept_id, event_text; 5: documents.study_design,
# study_design_cue

if TYPE_CHECKING:
    import duckdb as _duckdb
    import pandas as _pd

__all__ = ["SCHEMA_VERSION", "__version__", "duckdb", "load"]


def load(out: str | PathLike[str], tables: list[str] | None = None) -> dict[str, _pd.DataFrame]:
    """The tables of a biotab output folder as pandas DataFrames (see `pipeline.tables.load`)."""
    from pipeline.tables import load as _load

    return _load(out, tables)


def duckdb(
    out: str | PathLike[str], con: _duckdb.DuckDBPyConnection | None = None
) -> _duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per table (see `pipeline.tables.duckdb`)."""
    from pipeline.tables import duckdb as _connect

    return _connect(out, con)
