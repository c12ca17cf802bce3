"""Exceptions of `biotab run` (the CLI turns each into one line and exit code 2, a stop by a
signal into exit 130 or 143), and the words a manifest's `error` gives a stopped run."""

from __future__ import annotations


class PipelineLoadError(RuntimeError):
    """The spaCy pipeline could not be built in a worker: nothing can be processed."""


class RunError(RuntimeError):
    """A run cannot start (bad options, no input, an unsafe --out, resuming a different run)."""


class EngineStartError(RunError):
    """The engine could not start (a Dask scheduler out of reach, no worker joining it): no row
    was written, so the attempt's manifest and folders are removed like a pipeline's that
    could not be built."""


class Terminated(KeyboardInterrupt):
    """SIGTERM to `biotab run` (`kill`, `timeout`, a batch scheduler cancelling the job), raised
    by the CLI's handler: the run stops as Ctrl-C stops it (workers stopped, manifest
    "interrupted", lock released) instead of dying with its manifest saying "running"."""


def stop_reason(exc: BaseException) -> str:
    """The manifest's `error` for a run that stopped with `exc`. A signal is named in words
    ("interrupted (SIGTERM)"): the class and its empty message ("_Terminated: ",
    "KeyboardInterrupt: ") told a user neither what happened nor that it was no fault. Any
    other exception: its class and message."""
    if isinstance(exc, KeyboardInterrupt):
        how = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl-C, SIGINT"
        detail = str(exc)
        return f"interrupted ({how})" + (f": {detail}" if detail else "")
    return f"{type(exc).__name__}: {exc}"
