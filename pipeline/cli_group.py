"""The `biotab` command group (`CommandGroup`): what every subcommand shares about its output.

A reader that closes the pipe early (`biotab evaluate GOLD | head -3`) ends the command quietly
with exit 141 (128 + SIGPIPE, what a shell reports for `seq 100000 | head -1`'s seq). Click
turned the BrokenPipeError into exit 1 without a word. SIGPIPE is not restored to its default
(the other way Unix tools end there): Python's documentation advises against it, as it would
also kill the process on a pipe or socket of its own that breaks (the worker pool's pipes, a
Dask scheduler's connection). A command keeps its own exit code (`biotab run ...
--fail-on-error | head -1` after error rows: 1; `biotab evaluate EMPTY | head -1`: 2): 141
would tell the shell the command went well but for the closed pipe. So the command is not
stopped at the closed pipe: its later output is dropped (`_ClosedPipeGuard`, which rich's
consoles write through too: rich's own handling exits 1) and it ends as it would have.
`plain_library_output`: spaCy's messages without colour codes on a pipe.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import typer
from typer.core import TyperGroup

#: The exit status of a command whose reader closed stdout: a process ended by SIGPIPE.
CLOSED_STDOUT_EXIT = 128 + signal.SIGPIPE
#: wasabi's switches (spaCy's printer) for output without ANSI codes: no colours (`wasabi.util`),
#: and no "pretty" output (its headings are bold whatever the first says; icons left out too).
PLAIN_OUTPUT_ENV = ("ANSI_COLORS_DISABLED", "WASABI_NO_PRETTY")


def _point_at_devnull(stream: Any) -> None:
    """`stream`'s (stdout's) file descriptor pointed at os.devnull, as Python's documentation
    advises once its reader is gone (the `signal` module's "Note on SIGPIPE"): the buffered
    rest of the output is then flushed into devnull instead of failing a second time
    ("Exception ignored ... BrokenPipeError")."""
    with contextlib.suppress(OSError, ValueError):  # stdout that is no file: nothing to point
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)


class _ClosedPipeGuard:
    """`sys.stdout` while a command runs: writes and flushes go to the stream it wraps until
    its reader is gone (a BrokenPipeError); from then on they are dropped, `reader_gone` is
    set and the command goes on to its own end, and so to its own exit code (`biotab evaluate`'s
    2 for a gold file of which nothing was read, which it knows only after printing). Every
    other attribute is the wrapped stream's (also `closed`: a stream's own attribute, which
    click reads to tell text streams from binary ones)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.reader_gone = False

    def gone(self) -> None:
        self.reader_gone = True
        _point_at_devnull(self.stream)

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return int(self.stream.write(text))
            except BrokenPipeError:
                self.gone()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self.gone()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextlib.contextmanager
def closed_stdout_ends_quietly() -> Iterator[None]:
    """Runs the block (a command, or the parsing that prints `--help` and `--version`) with
    stdout guarded (`_ClosedPipeGuard`): when the reader closed stdout, the block still ends
    with its own exit code (`typer.Exit`), or `CLOSED_STDOUT_EXIT` when that is 0. A
    BrokenPipeError written around the guard (stdout's binary buffer) ends it at once, with
    `CLOSED_STDOUT_EXIT`. Other exceptions (a usage error: click's 2) go their way."""
    guard = _ClosedPipeGuard(sys.stdout)
    sys.stdout = guard
    code: int | None = None  # the block's own exit code (`typer.Exit`, click's ctx.exit)
    try:
        try:
            yield
        except typer.Exit as exc:
            code = exc.exit_code
        except BrokenPipeError:
            guard.gone()
        guard.flush()  # what is still buffered (a pipe's stdout is block-buffered) fails here
    finally:
        if sys.stdout is guard:
            sys.stdout = guard.stream
    if guard.reader_gone:
        raise typer.Exit(code or CLOSED_STDOUT_EXIT)
    if code is not None:
        raise typer.Exit(code)


class CommandGroup(TyperGroup):
    """biotab's top-level group: parsing (`--help`, `--version`) and every subcommand run
    under `closed_stdout_ends_quietly`."""

    # (click's Context in the signatures: the one typer vendors or the package, by version)
    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with closed_stdout_ends_quietly():
            return super().make_context(*args, **kwargs)
        raise AssertionError("unreachable: the block returns or raises")

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        with closed_stdout_ends_quietly():
            return super().invoke(*args, **kwargs)
        raise AssertionError("unreachable: the block returns or raises")


@contextlib.contextmanager
def plain_library_output() -> Iterator[None]:
    """spaCy's messages (wasabi's printers: `biotab train`'s "✔ Initialized pipeline", its
    headings, its table of losses) without ANSI codes when stdout is no terminal, by wasabi's
    own switches `PLAIN_OUTPUT_ENV`, set for the block (wasabi reads them when a printer is
    made, so the block must import spaCy's training) and removed after it; values the user set
    are kept."""
    added = [] if sys.stdout.isatty() else [k for k in PLAIN_OUTPUT_ENV if k not in os.environ]
    os.environ.update(dict.fromkeys(added, "1"))
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)
