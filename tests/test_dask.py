"""`--engine dask` gives the same tables as the local engine: on a 2-worker LocalCluster, and
on a scheduler and a worker started as separate processes, driven from another working folder
with relative paths."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.run import run

pytest.importorskip("distributed")

from helpers import nlp_factory, read_tables

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


#: The pipeline `biotab run` uses by default (the trained model when models/biotab_ner exists).
NLP_FACTORY = nlp_factory()


@pytest.mark.slow
def test_dask_local_cluster_equals_local_engine(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    lines = [json.dumps({"id": f"j{i}", "text": f"Patient {i} got rituximab for "
                         "dermatomyositis; IL-13 and IL-4 fell after dupilumab."})
             for i in range(30)]
    lines.insert(7, "{not json")
    (inp / "records.jsonl").write_text("\n".join(lines) + "\n")
    inputs = [SEEDS, inp, tmp_path / "missing.txt"]

    local = run(inputs, tmp_path / "local", workers=1, quiet=True, block_size=10,
                nlp_factory=NLP_FACTORY)
    dask = run(inputs, tmp_path / "dask", engine="dask", workers=2, quiet=True, block_size=10,
               nlp_factory=NLP_FACTORY)

    assert dask.status == local.status == "complete"
    assert dask.engine == "dask" and dask.shards_total == 5 + 4 + 1
    assert dask.workers == 2 and dask.threads == 2 and "dask, 2 workers, 2 threads" in dask.line()
    assert dask.counts == local.counts and local.documents == 35 and local.errors == 2
    assert read_tables(tmp_path / "dask") == read_tables(tmp_path / "local")
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["engine"] == "dask" and manifest["status"] == "complete"
    # every unit's marker names the Dask worker that wrote it
    markers = [json.loads(f.read_text()) for f in (tmp_path / "dask" / "_shards").glob("*.json")]
    assert markers and all(m["worker"] for m in markers)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _run_on_cluster(port: int, driver: Path, worker_dir: Path,
                    logs: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """Start a scheduler and a worker in `worker_dir`, run biotab from `driver` with relative
    paths, stop both (whatever happens)."""
    dask_cli = str(Path(sys.executable).parent / "dask")
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(subprocess.Popen(
            [dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"], cwd=worker_dir, stdout=logs["scheduler"],
            stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the scheduler listens
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        procs.append(subprocess.Popen(
            [dask_cli, "worker", address, "--nworkers", "1", "--nthreads", "1",
             "--host", "127.0.0.1", "--no-dashboard", "--local-directory",
             str(worker_dir / "scratch")], cwd=worker_dir, stdout=logs["worker"],
            stderr=subprocess.STDOUT))
        return subprocess.run(
            [sys.executable, "-m", "pipeline", "run", "in", "--out", "out", "--scheduler",
             address, "--quiet"], cwd=driver, capture_output=True, text=True, timeout=600,
            check=False)
    finally:
        for proc in reversed(procs):
            _stop(proc)


@pytest.mark.slow
def test_dask_scheduler_and_worker_processes_relative_paths(tmp_path: Path) -> None:
    """`dask scheduler` and `dask worker` (1 process, 1 thread) started from one folder; biotab
    driven from another with a relative input and a relative --out: the parts land in the
    driver's --out, the summary names the cluster's real size, the tables equal a local run."""
    driver, worker_dir = tmp_path / "driver", tmp_path / "worker"
    (driver / "in").mkdir(parents=True)
    worker_dir.mkdir()
    for f in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(f, driver / "in" / f.name)
    port = _free_port()
    with contextlib.ExitStack() as stack:
        logs = {name: stack.enter_context(open(tmp_path / f"{name}.log", "wb"))
                for name in ("scheduler", "worker")}
        result = _run_on_cluster(port, driver, worker_dir, logs)
    assert result.returncode == 0, result.stderr + (tmp_path / "worker.log").read_text()
    lines = result.stdout.strip().splitlines()  # (the summary's counts, speed, folder)
    summary = " ".join(lines[max(i for i, x in enumerate(lines) if x.startswith("2 documents")):])
    assert summary.startswith("2 documents, ") and " 0 errors" in summary, summary
    assert "dask, 1 worker, 1 thread)" in summary and summary.endswith(str(driver / "out"))
    manifest = json.loads((driver / "out" / "manifest.json").read_text())
    assert manifest["workers"] == 1 and manifest["threads"] == 1
    assert manifest["settings"]["inputs"] == [str(driver / "in")]
    assert not list(worker_dir.rglob("*.parquet"))  # nothing went to the worker's folder

    local = run([driver / "in"], tmp_path / "local", workers=1, quiet=True,
                nlp_factory=NLP_FACTORY)
    assert local.documents == 2
    assert read_tables(driver / "out") == read_tables(tmp_path / "local")


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # distributed's own OSError ended the run with a traceback after 30 s
    from pipeline.run import RunError
    from pipeline.runner import dask_engine

    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Aspirin was given.\n")
    out = tmp_path / "out"
    with pytest.raises(RunError, match=f"cannot reach the Dask scheduler tcp://127.0.0.1:{port}"):
        run([docs], out, engine="dask", scheduler=f"tcp://127.0.0.1:{port}",
            quiet=True, nlp_factory=nlp_factory())
    # no row was written: the attempt's manifest and folders are gone (they made the next
    # plain run refuse the folder as "an earlier run"), as when the pipeline cannot be built
    assert not out.exists() or not list(out.iterdir())
    run([docs], out, workers=1, quiet=True, nlp_factory=nlp_factory())
