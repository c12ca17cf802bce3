"""A run that did not finish (interrupted, killed, failed, failed shards, still running):
`pipeline.load` and `pipeline.duckdb` warn (`UnfinishedRunWarning`), `biotab report` opens
with a banner and logs a warning. The manifests are those `biotab run` writes
(`pipeline.runner.bookkeeping.start_manifest`, `pipeline.run._record_failure`)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from tables_fixture import DOCS, make_output

import pipeline
from pipeline.report import build_report, write_report
from pipeline.tables import UnfinishedRunWarning, unfinished_run

COMMAND = "biotab run in/ --out OUT --workers 2 --overwrite"


def _manifest(out: Path, status: str, **extra: Any) -> None:
    """The fixture run's manifest as a run with `status` leaves it."""
    started = "2026-12-07T23:05:40+00:00"
    attempt = {"started_at": started, "command": COMMAND, "engine": "local", "workers": 2,
               "scheduler": None, "units": 9, "units_pending": 9, "shards_pending": 9,
               "status": status}
    manifest = {"run_id": "0f" * 16, "status": status, "started_at": started,
                "ended_at": None if status == "running" else "2026-12-07T23:05:58+00:00",
                "biotab_version": "0.1.0", "schema_version": "5", "command": COMMAND,
                "engine": "local", "workers": 2, "scheduler": None, "settings": {},
                "batch_size": 64, "models": {}, "attempts": [attempt], **extra}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _lock(out: Path, pid: int) -> None:
    info = {"host": socket.gethostname(), "pid": pid, "started_at": "2026-12-07T23:05:40+00:00",
            "command": COMMAND}
    (out / ".biotab.lock").write_text(json.dumps(info) + "\n", encoding="utf-8")


def _ended_child() -> int:
    """The pid of a process of ours that has ended (a killed run's)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture()
def interrupted(tmp_path: Path) -> Path:
    out = make_output(tmp_path / "OUT")
    _manifest(out, "interrupted", error="interrupted (Ctrl-C, SIGINT)")
    return out


def test_load_and_duckdb_warn_about_an_interrupted_run(interrupted: Path) -> None:
    with pytest.warns(UnfinishedRunWarning) as caught:
        tables = pipeline.load(interrupted)
    assert len(tables["documents"]) == len(DOCS)  # the tables as they are, all the same
    message = str(caught[0].message)
    assert "'interrupted'" in message and "(Ctrl-C, SIGINT)" in message
    # the command that finishes it: the run's own, with --resume instead of --overwrite
    assert "`biotab run in/ --out OUT --workers 2 --resume`" in message
    assert caught[0].filename == __file__  # the caller's line, not pipeline's
    with pytest.warns(UnfinishedRunWarning, match="'interrupted'") as caught:
        con = pipeline.duckdb(interrupted)
    assert con.execute("SELECT count(*) FROM documents").fetchall() == [(len(DOCS),)]
    assert caught[0].filename == __file__
    with pytest.warns(UnfinishedRunWarning):
        pipeline.tables.load(interrupted, tables=["documents"])


def test_the_warning_can_be_filtered_by_its_class(interrupted: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=UnfinishedRunWarning)
        pipeline.load(interrupted)
        pipeline.duckdb(interrupted)
    with warnings.catch_warnings(), pytest.raises(UnfinishedRunWarning):
        warnings.simplefilter("error")  # the same reads without the class's filter
        pipeline.load(interrupted)


def test_a_complete_run_or_one_without_status_reads_without_warning(tmp_path: Path) -> None:
    done = make_output(tmp_path / "done")
    _manifest(done, "complete")
    older = make_output(tmp_path / "older")  # a manifest without status (the fixture's)
    for out in (done, older):
        assert unfinished_run(out) is None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pipeline.load(out)
            pipeline.duckdb(out)
        assert "did not finish" not in build_report(out)


def test_a_killed_run_left_running_with_a_stale_lock(tmp_path: Path) -> None:
    out = make_output(tmp_path / "OUT")
    _manifest(out, "running")
    _lock(out, _ended_child())
    with pytest.warns(UnfinishedRunWarning, match="'running'.*killed") as caught:
        pipeline.load(out)
    assert "--resume`" in str(caught[0].message)
    (out / ".biotab.lock").unlink()  # (killed, the lock file deleted by hand)
    state = unfinished_run(out)
    assert state is not None and "killed" in state.what and state.resume is not None


def test_a_run_still_writing_is_named_and_not_resumed(tmp_path: Path) -> None:
    out = make_output(tmp_path / "OUT")
    _manifest(out, "running")
    _lock(out, os.getpid())
    with pytest.warns(UnfinishedRunWarning, match="still running") as caught:
        pipeline.load(out)
    assert "--resume" not in str(caught[0].message)
    assert f"pid {os.getpid()}" in str(caught[0].message)


def test_the_lock_is_read_by_the_lock_module(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`pipeline.tables` read `OUT/.biotab.lock` with a reader of its own, a twin of the lock
    module's: it asks `lock.read_lock` now, the one reader; a lock file that holds no JSON
    object names no run (killed, resumable), as before."""
    from pipeline.runner import lock

    out = make_output(tmp_path / "OUT")
    _manifest(out, "running")
    _lock(out, _ended_child())
    asked: list[Path] = []
    real = lock.read_lock

    def counted(folder: Path) -> dict[str, Any] | None:
        asked.append(folder)
        return real(folder)

    monkeypatch.setattr(lock, "read_lock", counted)
    state = unfinished_run(out)
    assert asked == [out] and state is not None and "killed" in state.what
    (out / ".biotab.lock").write_text("[1, 2]\n", encoding="utf-8")
    assert lock.read_lock(out) == {"unreadable": "[1, 2]"}
    state = unfinished_run(out)
    assert state is not None and "killed" in state.what and state.resume is not None


def test_failed_shards_and_a_failed_run(tmp_path: Path) -> None:
    out = make_output(tmp_path / "OUT")
    _manifest(out, "incomplete", shards={"total": 9, "done": 7, "skipped_as_done": 0,
                                         "failed": ["s0000003", "s0000007"], "units": 9})
    state = unfinished_run(out)
    assert state is not None and "2 failed shards" in state.what
    _manifest(out, "failed", error="RuntimeError: no space left")
    with pytest.warns(UnfinishedRunWarning, match="no space left"):
        pipeline.load(out)


def test_the_report_opens_with_a_banner_and_logs_a_warning(
        interrupted: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.report"):
        page = write_report(interrupted, tmp_path / "r.html").read_text(encoding="utf-8")
    assert any("did not finish" in r.getMessage() and "--resume" in r.getMessage()
               for r in caplog.records)
    main = page[page.index("<main>"):]
    assert main.index('id="unfinished"') < main.index('id="summary"')
    assert "This run did not finish" in main
    assert f"{len(DOCS)} documents written so far" in main
    assert "<code>biotab run in/ --out OUT --workers 2 --resume</code>" in main
