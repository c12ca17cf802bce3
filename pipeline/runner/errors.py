"""Exceptions of `biotab run` (the CLI turns each into one line and exit code 2)."""

from __future__ import annotations


class PipelineLoadError(RuntimeError):
    """The spaCy pipeline could not be built in a worker: nothing can be processed."""


class RunError(RuntimeError):
    """A run cannot start (bad options, no input, an unsafe --out, resuming a different run)."""


class EngineStartError(RunError):
    """The engine could not start (a Dask scheduler out of reach, no worker joining it): no row
    was written, so the attempt's manifest and folders are removed like a pipeline's that
    could not be built."""
