"""Part files: many small inputs end up in a few parts of bounded size, in input order, for any
worker count, and an interrupted run (killed, or stopped inside the compaction) resumes to the
same tables as an uninterrupted one."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from helpers import REPO, read_tables
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.run import run
from pipeline.runner import local
from pipeline.runner import units as units_mod
from pipeline.runner.local import start_method
from pipeline.write import TABLES

WORDS = ("rituximab", "dermatomyositis", "methotrexate", "psoriasis", "fever", "IL-6")


def blank_nlp() -> Any:
    """A light pipeline (spaCy's blank English and a sentencizer): the run's own work is what
    these tests exercise. Module level, so spawned pool workers can import it."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@Language.component("test_parts_pause")
def _pause(doc: Doc) -> Doc:
    time.sleep(0.02)
    return doc


def paused_blank_nlp() -> Any:
    """`blank_nlp` taking 20 ms a document: a unit of notes lasts about a second."""
    nlp = blank_nlp()
    nlp.add_pipe("test_parts_pause")
    return nlp


def write_notes(folder: Path, n: int) -> Path:
    """`n` one-sentence .txt notes in 10 subfolders, and one file of unknown format (one error
    row)."""
    for i in range(n):
        sub = folder / f"ward{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        w = WORDS[i % len(WORDS)]
        (sub / f"note{i:06d}.txt").write_text(f"Patient {i} was given {w} on day {i % 7}.\n")
    (folder / "scan.bin").write_bytes(b"\x00\x01binary")
    return folder


def parts(out: Path) -> dict[str, list[int]]:
    """Rows of each part file, per table, in file-name order."""
    return {t: [pq.read_metadata(f).num_rows for f in sorted((out / t).glob("part-*.parquet"))]
            for t in TABLES}


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_notes(tmp_path_factory.mktemp("notes") / "in", 600)


@pytest.fixture(scope="module")
def reference(notes: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "out"
    summary = run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp)
    assert summary.status == "complete" and summary.documents == 600
    return out


def test_small_files_give_one_part_per_table(reference: Path) -> None:
    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["shards"]["units"] >= 8  # the work was split ...
    sizes = parts(reference)  # ... the output was not
    assert {t: len(n) for t, n in sizes.items()} == dict.fromkeys(TABLES, 1)
    assert sizes["documents"] == [600] and sizes["errors"] == [1] and sizes["sentences"][0] >= 600
    docs = read_tables(reference)["documents"]
    assert [d["doc_id"] for d in docs] == sorted(d["doc_id"] for d in docs)  # input order
    assert not list(reference.rglob("part-u*")) and len(list((reference / "_parts").iterdir()))


def test_part_rows_limit_keeps_order_for_any_worker_count(notes: Path, reference: Path,
                                                          tmp_path: Path) -> None:
    one = run([notes], tmp_path / "one", workers=1, quiet=True, nlp_factory=blank_nlp,
              part_rows=150)
    two = run([notes], tmp_path / "two", workers=2, quiet=True, nlp_factory=blank_nlp,
              part_rows=150)
    assert one.workers == 1 and two.workers == 2
    sizes = parts(tmp_path / "one")
    assert len(sizes["documents"]) >= 4 and max(sizes["documents"]) <= 150
    assert sum(sizes["documents"]) == 600
    assert parts(tmp_path / "two") == sizes
    assert sorted(p.name for p in (tmp_path / "two" / "documents").iterdir()) == sorted(
        p.name for p in (tmp_path / "one" / "documents").iterdir())
    assert read_tables(tmp_path / "one") == read_tables(tmp_path / "two") == read_tables(
        reference)


def test_start_method_is_spawn_while_another_thread_runs() -> None:
    """A thread alive in the driver (as in a notebook) makes the pool spawn its workers instead
    of forking them from the driver."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_forked_and_spawned_workers_give_the_same_tables(
        notes: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        method: str) -> None:
    if method == "fork" and not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    monkeypatch.setattr(local, "start_method", lambda: method)
    summary = run([notes], tmp_path / method, workers=2, quiet=True, nlp_factory=blank_nlp,
                  part_rows=150)
    assert summary.workers == 2 and summary.status == "complete"
    manifest = json.loads((tmp_path / method / "manifest.json").read_text())
    stats, driver = manifest["worker_stats"], manifest["attempts"][-1].get("driver_startup")
    assert len(stats) == 2 and all(s["startup_s"] > 0 for s in stats)
    if method == "fork":  # the driver built the pipeline once; the workers waited for it
        assert driver["build_s"] > 0 and all(s["startup_s"] >= driver["startup_s"] for s in stats)
    else:
        assert driver is None
    one = run([notes], tmp_path / "one", workers=1, quiet=True, nlp_factory=blank_nlp,
              part_rows=150)
    assert one.workers == 1 and parts(tmp_path / method) == parts(tmp_path / "one")
    assert read_tables(tmp_path / method) == read_tables(reference)


def test_closing_a_pool_before_its_first_outcome_stops_its_workers(notes: Path,
                                                                   tmp_path: Path) -> None:
    """The pool starts when `run_pool` returns; closing it before taking an outcome (the
    caller failed in between) stops the workers at once instead of letting them work on."""
    import multiprocessing as mp

    from pipeline.ingest import list_shards
    from pipeline.runner.local import run_pool
    from pipeline.runner.progress import Reporter
    from pipeline.runner.shard import ShardOptions

    units = units_mod.plan_units(list_shards([notes]), 1 << 20, budget=2000)
    before = set(mp.active_children())
    pool = run_pool(units, tmp_path, ShardOptions(nlp_factory=paused_blank_nlp), 2,
                    Reporter(len(units), "off"), 40)
    workers = [p for p in mp.active_children() if p not in before]
    assert len(units) >= 8 and len(workers) == 2
    pool.close()
    for proc in workers:
        proc.join(timeout=10)
    assert not any(p.is_alive() for p in workers)
    assert len(list(tmp_path.glob("_shards/*.json"))) < len(units)  # stopped, not finished
    pool.close()  # a second close does nothing


def test_a_unit_bigger_than_part_rows_fills_several_parts(notes: Path, reference: Path,
                                                         tmp_path: Path) -> None:
    run([notes], tmp_path / "out", workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=40)
    sizes = parts(tmp_path / "out")
    assert max(sizes["sentences"]) == 40 and sum(sizes["documents"]) == 600
    names = sorted(p.name for p in (tmp_path / "out" / "sentences").glob("part-*"))
    assert any(n.endswith("-00001.parquet") for n in names)
    assert read_tables(tmp_path / "out") == read_tables(reference)


def test_resume_after_a_crash_inside_the_compaction(notes: Path, reference: Path,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The second group fails after its files are written: one group is committed, the
    other's files are left unrenamed; resume finishes without redoing any unit."""
    out = tmp_path / "out"
    real_commit = units_mod.commit_group
    calls: list[int] = []

    def crash_second(out_: Path, unit_ids: Any, part_rows: int) -> str:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_commit(out_, unit_ids, part_rows)

    with monkeypatch.context() as m:
        m.setattr(units_mod, "commit_group", crash_second)
        with pytest.raises(KeyboardInterrupt):
            run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=250)
    assert len(list((out / "_parts").glob("*.json"))) == 1
    summary = run([notes], out, workers=1, quiet=True, resume=True, nlp_factory=blank_nlp,
                  part_rows=250)
    assert summary.shards_skipped == summary.shards_total
    assert read_tables(out) == read_tables(reference)
    sizes = parts(out)
    assert len(sizes["documents"]) == len(sizes["sentences"]) >= 4
    assert max(sizes["sentences"]) <= 250
    run([notes], tmp_path / "fresh", workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=250)
    assert parts(tmp_path / "fresh") == sizes
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("part-u*"))


def test_a_damaged_group_marker_redoes_its_units(notes: Path, reference: Path, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    """Which units a group holds is in its marker alone (their own files are gone): with the
    marker damaged, its units are redone, and the run says so once."""
    out = tmp_path / "out"
    run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=150)
    markers = sorted((out / "_parts").glob("g*.json"))
    assert len(markers) >= 4
    held = json.loads(markers[1].read_text())["units"]
    markers[1].write_text('{"units": ["u00')
    caplog.clear()
    summary = run([notes], out, workers=1, quiet=True, resume=True, nlp_factory=blank_nlp,
                  part_rows=150)
    assert summary.shards_skipped < summary.shards_total
    assert read_tables(out) == read_tables(reference)
    assert json.loads(markers[1].read_text())["units"] == held
    said = [r.getMessage() for r in caplog.records if markers[1].name in r.getMessage()]
    assert len(said) == 1 and "redone" in said[0]


KILL_SCRIPT = textwrap.dedent("""
    import sys
    from pipeline.run import run
    from test_parts import blank_nlp

    if __name__ == "__main__":
        run([sys.argv[1]], sys.argv[2], workers=2, quiet=True, nlp_factory=blank_nlp,
            unit_bytes=int(sys.argv[3]))
""")


@pytest.mark.slow
def test_kill_midway_then_resume_gives_identical_tables(tmp_path: Path) -> None:
    """SIGKILL to a 2-worker run over 4,000 notes while its units are being written; resume with
    2 workers; the tables (and part files) equal an uninterrupted 1-worker run's."""
    notes = write_notes(tmp_path / "in", 4000)
    unit_bytes = 2000  # about 40 notes a unit: about 100 units
    run([notes], tmp_path / "fresh", workers=1, quiet=True, nlp_factory=blank_nlp,
                unit_bytes=unit_bytes)
    out = tmp_path / "out"
    script = tmp_path / "killme.py"
    script.write_text(KILL_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "tests"),
                                                        os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(script), str(notes), str(out),
                             str(unit_bytes)], start_new_session=True, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and len(list((out / "_shards").glob("*.json"))) >= 10:
                break
            time.sleep(0.02)
        proc.kill()
        proc.wait()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    done_at_kill = len(list((out / "_shards").glob("*.json")))
    n_units = json.loads((tmp_path / "fresh" / "manifest.json").read_text())["shards"]["units"]
    assert 10 <= done_at_kill < n_units, "the run was not killed midway"

    summary = run([notes], out, workers=2, quiet=True, resume=True, nlp_factory=blank_nlp,
                  unit_bytes=unit_bytes)
    assert summary.status == "complete" and 0 < summary.shards_skipped < summary.shards_total
    assert read_tables(out) == read_tables(tmp_path / "fresh")
    assert parts(out) == parts(tmp_path / "fresh") and len(parts(out)["documents"]) == 1
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("part-u*"))


@pytest.mark.slow
def test_twenty_thousand_notes_give_a_handful_of_parts(tmp_path: Path) -> None:
    """20,000 one-sentence files (the 100,000 of the issue are in benchmarks/many_files.py):
    a handful of part files per table, whatever the count of inputs."""
    notes = write_notes(tmp_path / "in", 20_000)
    summary = run([notes], tmp_path / "out", workers=1, quiet=True, nlp_factory=blank_nlp)
    assert summary.status == "complete" and summary.documents == 20_000
    sizes = parts(tmp_path / "out")
    assert all(1 <= len(n) <= 5 for n in sizes.values()), sizes
    assert sum(sizes["documents"]) == 20_000
    assert len(list((tmp_path / "out" / "_shards").glob("*.json"))) <= 64
