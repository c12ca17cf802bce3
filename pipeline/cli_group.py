"""The `biotab` command group (`CommandGroup`): what every subcommand shares about its output.

A reader that closes the pipe early (`biotab evaluate GOLD | head -3`) ends the command quietly
with exit 141 (128 + SIGPIPE, what a shell reports for `seq 100000 | head -1`'s seq). Click
turned the BrokenPipeError into exit 1 without a word. SIGPIPE is not restored to its default
(the other way Unix tools end there): Python's documentation advises against it, as it would
also kill the process on a pipe or socket of its own that breaks (the worker pool's pipes, a
Dask scheduler's connection). A command that failed keeps its own exit code (`biotab run
... --fail-on-error | head -1` after error rows: 1): 141 would tell the shell the run was fine
but for the closed pipe. Rich's consoles on stdout are `StdoutConsole`s: rich's own handling
exits 1. `plain_library_output`: spaCy's messages without colour codes on a pipe.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

#: The exit status of a command whose reader closed stdout: a process ended by SIGPIPE.
CLOSED_STDOUT_EXIT = 128 + signal.SIGPIPE
#: wasabi's switches (spaCy's printer) for output without ANSI codes: no colours (`wasabi.util`),
#: and no "pretty" output (its headings are bold whatever the first says; icons left out too).
PLAIN_OUTPUT_ENV = ("ANSI_COLORS_DISABLED", "WASABI_NO_PRETTY")


@contextlib.contextmanager
def closed_stdout_ends_quietly(failing: int = 0) -> Iterator[None]:
    """Turn a BrokenPipeError in the block into `typer.Exit(CLOSED_STDOUT_EXIT)`, with stdout's
    file descriptor pointed at os.devnull, as Python's documentation advises (the `signal`
    module's "Note on SIGPIPE"): the buffered rest of the output is then flushed at exit into
    devnull instead of failing a second time ("Exception ignored ... BrokenPipeError").
    `failing`: the exit code of a command that failed, printing in the block what it did
    (`biotab run`'s summary of a failed run): `typer.Exit(failing)` then, the failure not
    hidden behind the closed pipe's 141."""
    try:
        yield
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):  # stdout that is no file: nothing to point
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, sys.stdout.fileno())
            finally:
                os.close(devnull)
        raise typer.Exit(failing or CLOSED_STDOUT_EXIT) from None


class CommandGroup(TyperGroup):
    """biotab's top-level group: parsing (`--help`, `--version`) and every subcommand (its
    output flushed before the command ends) run under `closed_stdout_ends_quietly`."""

    # (click's Context in the signatures: the one typer vendors or the package, by version)
    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with closed_stdout_ends_quietly():
            return super().make_context(*args, **kwargs)

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        failing = 0  # a failure's exit code outlives a closed stdout
        with closed_stdout_ends_quietly():
            try:
                return super().invoke(*args, **kwargs)
            except typer.Exit as exc:
                failing = exc.exit_code
                raise
            finally:  # what is still buffered (a pipe's stdout is block-buffered) fails here
                with closed_stdout_ends_quietly(failing):
                    sys.stdout.flush()


class StdoutConsole(Console):
    """A rich Console on stdout (`biotab evaluate`'s tables) whose closed pipe ends the command
    as any other's, with `CLOSED_STDOUT_EXIT` (`closed_stdout_ends_quietly`)."""

    def on_broken_pipe(self) -> None:
        """Rich calls this on a BrokenPipeError (its own exits 1): raised again, for the
        command group to end the command."""
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


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
