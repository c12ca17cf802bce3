"""Part files: many small inputs end up in a few parts of bounded size, in input order, for any
worker count, and an interrupted run (killed, or stopped inside the compaction) resumes to the
same tables as an uninterrupted one."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
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


def frames(out: Path) -> dict[str, pd.DataFrame]:
    """Each table as one frame: its part files in name order (the tables' row order)."""
    return {t: pd.concat([pq.read_table(f).to_pandas()
                          for f in sorted((out / t).glob("part-*.parquet"))], ignore_index=True)
            for t in TABLES}


def assert_same_tables(out: Path, reference: Path) -> None:
    got, want = frames(out), frames(reference)
    for table in TABLES:
        pd.testing.assert_frame_equal(got[table], want[table], obj=table)


def files(out: Path) -> dict[str, int]:
    """The run's files (tables, unit and part markers): relative name -> modification time."""
    return {str(f.relative_to(out)): f.stat().st_mtime_ns
            for folder in (*TABLES, "_shards", "_parts") for f in (out / folder).iterdir()}


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


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
    assert manifest["attempts"][-1]["finish_s"] > 0  # the driver's end, timed for estimates


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
    # (the stats are of the workers that did a unit: a spawned worker may start after the
    # other has done them all on a busy host)
    assert 1 <= len(stats) <= 2 and all(s["startup_s"] > 0 for s in stats)
    if method == "fork":  # the driver built the pipeline once; the workers waited for it
        assert driver["build_s"] > 0 and all(s["startup_s"] >= driver["startup_s"] for s in stats)
    else:
        assert driver is None
    # the run's timeline, in seconds since the process started, in the order things happened
    marks = manifest["attempts"][-1]["timeline"]
    assert 0 < marks["engine_s"] <= min(s["units_from_s"] for s in stats)
    assert all(s["units_from_s"] < s["units_to_s"] <= marks["units_done_s"] + 0.01
               for s in stats)  # (a marker's time is rounded to the millisecond)
    assert marks["units_done_s"] <= marks["tables_done_s"]
    if method == "fork":  # no unit starts before the pipeline the workers share is built
        assert all(s["units_from_s"] >= driver["startup_s"] - 0.02 for s in stats)
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


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError])
def test_a_run_stopped_inside_the_compaction_says_so_in_its_manifest(
        notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        stop: type[BaseException]) -> None:
    """Ctrl-C (or a failure, a full disk) while the driver compacts the parts, after every
    unit: the manifest says "interrupted" ("failed"), as README promises for a Ctrl-C, not
    "running" as if the run went on; --resume then finishes it."""
    out = tmp_path / "out"

    def stopped(*args: Any, **kwargs: Any) -> str:
        raise stop("stopped while compacting")

    with monkeypatch.context() as m:
        m.setattr(units_mod, "commit_group", stopped)
        with pytest.raises(stop):
            run([notes], out, workers=2, quiet=True, nlp_factory=blank_nlp, part_rows=120)
    manifest = json.loads((out / "manifest.json").read_text())
    status = "interrupted" if stop is KeyboardInterrupt else "failed"
    assert manifest["status"] == status
    assert manifest["attempts"][-1]["status"] == status
    assert "stopped while compacting" in manifest["error"]
    summary = run([notes], out, workers=2, quiet=True, resume=True, nlp_factory=blank_nlp,
                  part_rows=120)
    assert summary.status == "complete" and summary.shards_skipped == summary.shards_total


@pytest.mark.parametrize("workers", [1, 2])
def test_resume_after_a_crash_inside_the_compaction(notes: Path, reference: Path,
                                                     tmp_path: Path, workers: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The second group fails after its files are written: the others committed by then
    stay (one, or with two workers, whose groups are committed two at a time, those already
    begun), its files are left unrenamed; resume finishes without redoing any unit and cuts
    the same parts as an uninterrupted run."""
    out = tmp_path / "out"
    real_commit = units_mod.commit_group
    calls: list[int] = []
    second_failed = threading.Event()

    def crash_second(out_: Path, unit_ids: Any, part_rows: int) -> str:
        calls.append(1)
        if len(calls) == 2:
            second_failed.set()
            raise KeyboardInterrupt
        if len(calls) > 2:  # a group begun beside the failing one: committed after it failed
            second_failed.wait(5)
        return real_commit(out_, unit_ids, part_rows)

    with monkeypatch.context() as m:
        m.setattr(units_mod, "commit_group", crash_second)
        with pytest.raises(KeyboardInterrupt):
            run([notes], out, workers=workers, quiet=True, nlp_factory=blank_nlp,
                part_rows=120)
    committed = len(list((out / "_parts").glob("*.json")))
    assert committed == 1 if workers == 1 else 1 <= committed < len(calls)
    summary = run([notes], out, workers=workers, quiet=True, resume=True,
                  nlp_factory=blank_nlp, part_rows=120)
    assert summary.shards_skipped == summary.shards_total
    assert read_tables(out) == read_tables(reference)
    sizes = parts(out)
    assert len(sizes["sentences"]) >= len(sizes["documents"]) >= 6
    assert max(sizes["sentences"]) <= 120
    run([notes], tmp_path / "fresh", workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=120)
    assert parts(tmp_path / "fresh") == sizes
    assert sorted(p.name for p in (out / "sentences").iterdir()) == sorted(
        p.name for p in (tmp_path / "fresh" / "sentences").iterdir())
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("part-u*"))


def test_unit_files_not_whole_after_a_host_crash_are_redone(
        notes: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """A unit's files and marker are not flushed to disk (only the merged parts are): after a
    host crash a finished unit's file may be empty or short. Resume reads each unmerged unit's
    files' row counts against its marker and redoes the units whose rows are not all there."""
    out = tmp_path / "out"
    with monkeypatch.context() as m:  # stopped before any group is merged
        m.setattr(units_mod, "commit_group", lambda *a, **k: (_ for _ in ()).throw(
            KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp)
    markers = sorted((out / "_shards").glob("u*.json"))
    assert len(markers) >= 8
    first = json.loads(markers[0].read_text())
    second = json.loads(markers[1].read_text())
    (out / first["files"][0]).write_bytes(b"")  # never reached the disk
    short = next(f for f in second["files"] if f.startswith("sentences/"))
    table = pq.read_table(out / short)
    pq.write_table(table.slice(0, table.num_rows - 1), out / short)  # a readable file, short
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pipeline.run"):
        summary = run([notes], out, workers=1, quiet=True, resume=True, nlp_factory=blank_nlp)
    redone = [r.getMessage() for r in caplog.records if "processed again" in r.getMessage()]
    assert len(redone) == 1 and "2 finished units (" in redone[0]
    assert first["shard_id"] in redone[0] and second["shard_id"] in redone[0]
    assert summary.shards_skipped == summary.shards_total - len(first["shard_info"]) - len(
        second["shard_info"])
    assert read_tables(out) == read_tables(reference)


def test_shard_writer_files_are_renamed_into_place_unflushed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit's files are final on `commit()` without an fsync each (8 ms a file on the
    benchmark machine); the group parts that merge them are flushed before their marker."""
    from pipeline import shard_writer as SW
    from pipeline import write as W

    synced: list[str] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")))
    w = SW.ShardWriter(tmp_path, "u0000000.abc", row_group_rows=4, max_file_rows=10)
    w.add({"sentences": [{"doc_id": f"d{i}", "sent_idx": 0, "start_char": 0, "end_char": 1,
                          "text": "x"} for i in range(12)]})
    assert w.commit()["sentences"] == 12
    W.mark_shard_done(tmp_path, "u0000000.abc", {"files": []})
    assert synced == []
    assert sorted(p.name for p in (tmp_path / "sentences").iterdir()) == [
        "part-u0000000.abc-00000.parquet", "part-u0000000.abc-00001.parquet"]
    units_mod.commit_group(tmp_path, ["u0000000.abc"], part_rows=100)
    names = [Path(s).relative_to(tmp_path).as_posix() for s in synced]
    assert names[0].startswith("sentences/.part-g0000000.") and names[0].endswith(".tmp")
    assert names[1:] == ["sentences", names[2]] and names[2].startswith("_parts/.g0000000.")


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


def test_resuming_a_finished_run_redoes_nothing(notes: Path, reference: Path, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """Every unit is in a group and every file is there: nothing is redone, written or deleted
    (and nothing said), however often the run is resumed."""
    out = tmp_path / "out"
    run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=150)
    before = files(out)
    caplog.clear()
    for _ in range(2):
        summary = run([notes], out, workers=1, quiet=True, resume=True, nlp_factory=blank_nlp,
                      part_rows=150)
        assert summary.status == "complete" and summary.shards_skipped == summary.shards_total
        attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
        assert attempt["units_pending"] == 0 and attempt["shards_processed"] == 0
    assert files(out) == before and not warnings(caplog)
    assert_same_tables(out, reference)


@pytest.mark.parametrize("damage", ["marker deleted", "a part file deleted"])
def test_a_group_that_lost_its_marker_or_a_file_redoes_its_units(
        notes: Path, reference: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        damage: str) -> None:
    """A group marker deleted (its files then hold rows no marker accounts for) or one of its
    files deleted: exactly the group's units are redone, into the same files, and the run says
    so once; the tables equal an uninterrupted run's."""
    out = tmp_path / "out"
    run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=150)
    markers = sorted((out / "_parts").glob("g*.json"))
    assert len(markers) >= 4
    held = json.loads(markers[1].read_text())["units"]
    before = set(files(out))
    if damage == "marker deleted":
        markers[1].unlink()
    else:
        (out / "sentences" / f"part-{markers[1].stem}-00000.parquet").unlink()
    caplog.clear()
    summary = run([notes], out, workers=1, quiet=True, resume=True, nlp_factory=blank_nlp,
                  part_rows=150)
    attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
    assert summary.status == "complete" and attempt["units_pending"] == len(held)
    assert summary.shards_skipped == summary.shards_total - sum(
        len(json.loads((out / "_shards" / f"{u}.json").read_text())["shard_info"])
        for u in held)
    assert_same_tables(out, reference)
    assert set(files(out)) == before and json.loads(markers[1].read_text())["units"] == held
    said = warnings(caplog)
    assert len(said) == 1 and markers[1].stem in said[0], said
    assert ("no part marker" in said[0]) == (damage == "marker deleted")


def test_groups_committed_in_threads_are_the_files_of_one_thread(
        notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same finished units compacted one group at a time and four at a time: the same
    part files, byte for byte, and the same group markers."""
    raw = tmp_path / "raw"
    with monkeypatch.context() as m:
        m.setattr(units_mod, "compact", lambda *args, **kwargs: 0)
        run([notes], raw, workers=1, quiet=True, nlp_factory=blank_nlp, part_rows=100)
    units = sorted(f.stem for f in (raw / "_shards").glob("u*.json"))
    results = {}
    for threads in (1, 4):
        out = tmp_path / f"threads{threads}"
        shutil.copytree(raw, out)
        stand_ins = [units_mod.Unit(unit_id=u, shards=()) for u in units]
        n = units_mod.compact(out, stand_ins, 100, 128 << 20, threads=threads)
        results[threads] = (n, {str(f.relative_to(out)): f.read_bytes()
                                for folder in (*TABLES, "_parts")
                                for f in sorted((out / folder).iterdir())})
    assert results[1][0] == results[4][0] >= 6
    assert results[1][1] == results[4][1]
    assert not any("part-u" in name for name in results[4][1])


def test_a_unit_that_lost_a_file_before_the_compaction_is_redone(
        notes: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """A run stopped before the compaction, then one table's file of a finished unit deleted
    (its other files are still there): that unit alone is redone."""
    out = tmp_path / "out"

    def stop(*args: Any, **kwargs: Any) -> int:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(units_mod, "compact", stop)
        with pytest.raises(KeyboardInterrupt):
            run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp)
    unit = sorted((out / "_shards").glob("u*.json"))[2].stem
    own = sorted((out / "sentences").glob(f"part-{unit}-*.parquet"))
    assert own and list((out / "documents").glob(f"part-{unit}-*.parquet"))
    own[0].unlink()
    caplog.clear()
    summary = run([notes], out, workers=1, quiet=True, resume=True, nlp_factory=blank_nlp)
    attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
    assert summary.status == "complete" and attempt["units_pending"] == 1
    assert_same_tables(out, reference)
    said = warnings(caplog)
    assert len(said) == 1 and unit in said[0] and "processed again" in said[0]


def test_a_resume_deletes_only_files_named_as_the_run_names_them(
        notes: Path, tmp_path: Path) -> None:
    """Leftovers of ours (a unit's part file, a part's temporary file) go; files of the same
    look but other names, which the run did not write, stay."""
    out = tmp_path / "out"
    run([notes], out, workers=1, quiet=True, nlp_factory=blank_nlp)
    group = sorted((out / "_parts").glob("g*.json"))[0].stem
    ours = [out / "documents" / f"part-u0000999.{'0' * 10}-00000.parquet",
            out / "mentions" / f".part-{group}-00000.parquet.1-ab.tmp"]
    # (a marker under a name no unit has: its "unit" is not cleaned up with its files)
    theirs = [out / "documents" / ".part-of-my-notes.tmp", out / "errors" / "part-2024.txt",
              out / "_parts" / "notes.json", out / "_shards" / "notes.json",
              out / "mentions" / "part-notes-summary.txt"]
    for f in ours + theirs:
        f.write_bytes(b"{}" if f.suffix == ".json" else b"not a table")
    run([notes], out, workers=1, quiet=True, resume=True, nlp_factory=blank_nlp)
    assert not any(f.exists() for f in ours) and all(f.exists() for f in theirs)


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


def test_the_progress_drainer_passes_on_what_arrived_before_it_finishes() -> None:
    """What workers queued before the pool's end reaches the reporter (it used to be dropped
    when the thread saw the stop event first), and the thread ends at once."""
    import queue as queue_mod

    from pipeline.runner.local import _Drainer
    from pipeline.runner.progress import Reporter

    queue: queue_mod.Queue[tuple[int, int]] = queue_mod.Queue()
    reporter = Reporter(1, "off")
    drainer = _Drainer(queue, reporter)
    for i in range(1, 51):
        queue.put((1, i))
    drainer.start()
    drainer.finish()
    assert not drainer.is_alive()
    assert (reporter.n_docs, reporter.n_words) == (50, sum(range(1, 51)))


POOL_WITH_A_KILLED_WORKER = """
import multiprocessing as mp, os, signal, time
from concurrent.futures import ProcessPoolExecutor
import pipeline.runner.local as local

class Reporter:
    def docs(self, n_docs, n_words):
        pass

def init(queue):
    local._worker.progress_queue = queue

def task(i):
    t = time.time()
    while time.time() - t < (0.5 if i == 0 else 30):
        local._queue_progress("u", 1, 200)  # a worker writing progress as fast as it can
    if i == 0:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does, maybe mid-write

if __name__ == "__main__":
    ctx = mp.get_context("fork")
    pool = local.PoolOutcomes(Reporter())
    pool.queue = ctx.Queue()
    pool.executor = ProcessPoolExecutor(max_workers=2, mp_context=ctx, initializer=init,
                                        initargs=(pool.queue,))
    for i in range(2):
        pool.futures[pool.executor.submit(task, i)] = f"unit{i}"
    for unit, result, error in pool:
        print(unit, type(error).__name__, flush=True)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_pool_whose_worker_is_killed_while_writing_progress_exits(tmp_path: Path) -> None:
    """A worker killed while it writes to the progress queue leaves the queue's write lock
    held: the driver must still end (a driver that wrote an end marker into that queue waited
    on the lock for ever at exit)."""
    import subprocess

    script = tmp_path / "pool.py"
    script.write_text(POOL_WITH_A_KILLED_WORKER)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(done.stdout.split()) == ["RuntimeError", "RuntimeError", "unit0", "unit1"]


def test_the_progress_counts_are_made_up_to_each_finished_unit() -> None:
    """A worker's last batches may reach the driver after its unit's result (or never): the
    unit's result makes its counts whole, and its batches that come later are not counted
    twice."""
    from pipeline.runner.progress import Reporter
    from pipeline.runner.shard import ShardResult

    reporter = Reporter(2, "off")
    reporter.start(live=True)
    reporter.docs(3, 300, unit="u1")
    reporter.docs(4, 400, unit="u2")
    unit1 = ShardResult(shard_id="u1", source="a", counts={"documents": 5}, n_words=500,
                        seconds=1.0)
    reporter.shard_done(unit1)
    reporter.docs(2, 200, unit="u1")  # late: already counted by the unit's result
    assert (reporter.n_docs, reporter.n_words) == (9, 900)
    reporter.shard_done(ShardResult(shard_id="u2", source="b", counts={"documents": 4},
                                    n_words=400, seconds=1.0))
    assert (reporter.n_docs, reporter.n_words, reporter.shards) == (9, 900, 2)
    reporter.stop()
