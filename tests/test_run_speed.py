"""benchmarks/run_speed.py's process-tree poller (benchmarks/process_tree.py), on a real process
tree (Linux /proc)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import psutil
import pytest
from helpers import REPO, load_benchmark

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")

# a driver holding 40 MB that forks two children; each child holds 120 MB for an instant, then
# sleeps: a peak that falls between two polls of RSS
TREE = """
import os, sys, time
held = bytearray(40_000_000)
for _ in range(2):
    if os.fork() == 0:
        burst = bytearray(120_000_000)
        del burst
        time.sleep(float(sys.argv[1]))
        os._exit(0)
time.sleep(float(sys.argv[1]))
"""


@pytest.fixture(scope="module")
def run_speed() -> ModuleType:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "benchmarks"))  # its sibling import, pubmed_corpus
        return load_benchmark("run_speed")


@pytest.fixture(scope="module")
def process_tree() -> ModuleType:
    return load_benchmark("process_tree")


def test_poller_finds_the_tree_roles_and_the_peaks_between_polls(process_tree: ModuleType
                                                                   ) -> None:
    proc = subprocess.Popen([sys.executable, "-c", TREE, "3"])
    try:
        time.sleep(1.0)  # the children have freed their burst by now
        peaks: dict[int, tuple[str, int]] = {}
        cpu: dict[int, float] = {}
        stop = threading.Event()
        poller = threading.Thread(target=process_tree._poll_tree,
                                  args=(psutil.Process(proc.pid), peaks, cpu, stop))
        poller.start()
        time.sleep(0.5)
        stop.set()
        poller.join()
    finally:
        proc.kill()
        proc.wait()
    roles = sorted(role for role, _ in peaks.values())
    assert roles == ["driver", "worker", "worker"]
    driver_peak = next(rss for role, rss in peaks.values() if role == "driver")
    assert driver_peak >= 40_000_000
    # the burst ended before the first poll: only the kernel's peak (VmHWM) still shows it
    assert all(rss >= 120_000_000 for role, rss in peaks.values() if role == "worker")
    assert set(cpu) == set(peaks) and all(seconds >= 0 for seconds in cpu.values())


def test_proc_reader_gives_none_for_a_process_that_is_gone(process_tree: ModuleType) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert process_tree._proc_peak_cpu(gone.pid) is None
    assert process_tree._proc_children(gone.pid) is None
    mine = process_tree._proc_peak_cpu(psutil.Process().pid)
    assert mine is not None and mine[0] > 10_000_000 and mine[1] > 0


def test_a_polled_command_gives_its_output_and_its_tree(run_speed: ModuleType) -> None:
    """`measure_run`'s jobs, split out: run and poll (`run_polled`: the command's output on
    one line, as `biotab run` prints its summary in lines of 80 columns), then the peaks by
    role (`rss_by_role`: workers numbered in pid order); a failing command stops the
    benchmark."""
    script = TREE + "print('5 documents, 7 outcomes'); print('9 words/s -> out')\n"
    polled = run_speed.run_polled([sys.executable, "-c", script, "0.5"])
    assert polled.summary == "5 documents, 7 outcomes; 9 words/s -> out"
    assert polled.seconds >= 0.5
    roles = run_speed.rss_by_role(polled.peaks)
    assert set(roles) == {"driver", "worker0", "worker1"}
    assert roles["driver"] >= 40 and min(roles["worker0"], roles["worker1"]) >= 120
    with pytest.raises(SystemExit, match="failed \\(3\\)"):
        run_speed.run_polled([sys.executable, "-c", "raise SystemExit(3)"])


@pytest.mark.parametrize("out", ["out", "/data/projects/pubmed_2025/a-long-folder-name/outputs"])
def test_the_polled_summary_is_the_run_s_one_line(run_speed: ModuleType, out: str) -> None:
    """The benchmark echoed `biotab run`'s summary lines joined by spaces: "0 errors 24,024
    words/s". Now it is the summary's one line (`RunSummary.line()`): "; " after the counts, the
    output folder and the wrapped notes whole, whether the folder fits the speed's line or not."""
    from pipeline.cli import summary_lines
    from pipeline.run import RunSummary

    summary = RunSummary(
        out=Path(out), run_id="r", status="incomplete",
        counts={"documents": 1_200, "mentions": 9_000, "outcomes": 40, "errors": 0},
        n_words=288_000, seconds=12.0, engine="local", workers=2, shards_total=12,
        shards_done=11, shards_skipped=3, failed_shards=["a"], error_kinds={"reader_failed": 1})
    text = "\n".join(summary_lines(summary))
    assert len(text.splitlines()) >= 4  # counts, speed, notes (wrapped)
    polled = run_speed.run_polled([sys.executable, "-c", f"print({text!r})"])
    assert polled.summary == summary.line()
    assert "0 errors; 24,000 words/s (288,000 words in 12.0s, local, 2 workers)" in polled.summary


def test_start_up_cpu_is_the_driver_s_once_for_forked_workers(run_speed: ModuleType) -> None:
    stats = [{"startup_cpu_s": 0.25}, {"startup_cpu_s": 0.5}]
    forked = {"worker_stats": stats, "attempts": [{"driver_startup": {"startup_cpu_s": 4.0}}]}
    assert run_speed.startup_and_working_cpu(forked, 20.0) == ([4.0], 20.0 - 4.0 - 0.75)
    spawned = {"worker_stats": stats, "attempts": [{}]}
    assert run_speed.startup_and_working_cpu(spawned, 20.0) == ([0.25, 0.5], 20.0 - 0.75)


def test_the_timeline_reads_the_manifest_s_marks(run_speed: ModuleType) -> None:
    manifest = {"attempts": [{"timeline": {"engine_s": 0.5, "units_done_s": 9.3,
                                           "tables_done_s": 9.6},
                              "driver_startup": {"startup_s": 1.75}}],
                "worker_stats": [{"units_from_s": 1.8, "units_to_s": 9.0},
                                 {"units_from_s": 1.9, "units_to_s": 9.25}]}
    marks = run_speed.timeline(manifest, 9.75)
    assert marks == {"engine_s": 0.5, "units_done_s": 9.3, "tables_done_s": 9.6,
                     "pool_s": 1.75, "units": [[1.8, 9.0], [1.9, 9.25]], "exit_s": 9.75}
    text = run_speed.timeline_text(marks)
    assert "pipeline built 1.75" in text and "1.80-9.00 | 1.90-9.25" in text
    assert "workers' ends 0.25 apart" in text and "last outcome 9.30 (+0.05)" in text
    assert "tables 9.60, exit 9.75" in text
    # a manifest of an older biotab: no timeline, said so
    old = {"attempts": [{}], "worker_stats": [{"units": 3}]}
    assert run_speed.timeline_text(run_speed.timeline(old, 5.0)) == "timeline: not in the manifest"


def test_the_pubmed_estimate_adds_the_driver_s_end_scaled_by_output(run_speed: ModuleType
                                                                     ) -> None:
    pubmed = sys.modules["pubmed_corpus"]
    # 2 s of end for 20 MB on one thread: 20 GB take 2,000 s on one thread, 250 s on eight
    assert pubmed.end_seconds(2.0, 20e6, 20e9, 1) == pytest.approx(2000.0)
    assert pubmed.end_seconds(2.0, 20e6, 20e9, 8) == pytest.approx(250.0)
    assert pubmed.end_seconds(2.0, 0.0, 20e9, 8) == 0.0
    without = pubmed.pubmed_hours(32, 20_000.0, 200.0, 2.0, citations=1_000_000, files=100)
    with_end = pubmed.pubmed_hours(32, 20_000.0, 200.0, 2.0, citations=1_000_000, files=100,
                                   end_s=360.0)
    # 100 files on 32 cores: 4 rounds of 10,000 citations x 200 words / 20,000 words/s
    assert without.rounds == with_end.rounds == 4
    assert without.hours == pytest.approx((2.0 + 4 * 100.0) / 3600)
    assert with_end.hours - without.hours == pytest.approx(0.1)
