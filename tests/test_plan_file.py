"""The driver's scratch folders under $TMPDIR (`pipeline.runner.plan_file.scratch`): removed
after use, and those of a biotab process killed by SIGKILL by the next run on the host; never a
folder of a process still running, of another host, or of another name."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.runner import plan_file as P


def _dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          check=True, capture_output=True, text=True)
    return int(proc.stdout)


def test_a_killed_runs_scratch_folder_is_removed_by_the_next(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    host = socket.gethostname()
    dead = tmp_path / f"{P.SCRATCH_PREFIX}{_dead_pid()}@{host}@abc"
    (dead / "spill").mkdir(parents=True)
    (dead / "spill" / "duckdb_temp_block").write_bytes(b"x" * 100)
    alive = tmp_path / f"{P.SCRATCH_PREFIX}{os.getppid()}@{host}@def"
    other_host = tmp_path / f"{P.SCRATCH_PREFIX}{_dead_pid()}@not-{host}@ghi"
    of_26 = tmp_path / f"{P.SCRATCH_PREFIX}k2j4_x"  # (biotab 26 named no process)
    other = tmp_path / "biotab-train-xyz"
    for folder in (alive, other_host, of_26, other):
        folder.mkdir()
    with P.connect() as con:
        assert con.execute("SELECT 42").fetchone() == (42,)
        made = [f for f in tmp_path.iterdir()
                if f.name.startswith(f"{P.SCRATCH_PREFIX}{os.getpid()}@{host}@")]
        assert len(made) == 1
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(
        f.name for f in (alive, other_host, of_26, other))


def test_a_scratch_folder_is_removed_after_use_even_on_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(ZeroDivisionError), P.scratch() as folder:
        (folder / "rows.parquet").write_bytes(b"")
        raise ZeroDivisionError
    assert list(tmp_path.iterdir()) == []
