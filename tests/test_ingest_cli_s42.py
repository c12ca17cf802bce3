"""Faults found in session 41's review of ingest and the CLI, fixed in session 42: a closed
stdout hiding a command's own exit code, JSON parsed without the bracket cap, damaged JSON
objects over several lines losing the rest of their file, a BioC offset's error row. Every
case writes small real-format files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# ------------------------------------------------------------------------ CLI: closed stdout


def _stdout_closed(*args: str) -> tuple[int, str]:
    """`biotab ARGS` with its stdout a pipe whose reader is gone before the first line (as
    `biotab ... | head -0`): its exit status and its stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    return proc.wait(timeout=300), err


def test_a_closed_stdout_keeps_evaluates_own_exit_code(tmp_path: Path) -> None:
    """`biotab evaluate GOLD | head -1` of a gold file of which nothing was read (empty; or
    documents without one gold mention) exited 141, as a good evaluation cut short: the 2
    that tells the wrong file was given was hidden. Only `run` kept its own code; now every
    command does, in one place (the command group)."""
    empty = tmp_path / "empty.pubtator"
    empty.write_text("")
    no_mention = tmp_path / "raw.pubtator"
    no_mention.write_text("1|t|Aspirin for fever.\n1|a|Aspirin reduced fever in 12 of 20.\n\n")
    for gold in (empty, no_mention):
        code, err = _stdout_closed("evaluate", str(gold), "--no-model")
        assert code == 2, (gold.name, err)
        assert "Traceback" not in err and "Exception ignored" not in err, err
