"""biotab: biomedical documents in, analysis-ready Parquet tables out."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("biotab")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

SCHEMA_VERSION = "1"

__all__ = ["SCHEMA_VERSION", "__version__"]
