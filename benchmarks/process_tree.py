"""A command run with its process tree polled (`run_polled`): every 0.1 s, the peak RSS (the
kernel's own, VmHWM) and the CPU seconds of each process of the tree, with its role in a
biotab run (driver, worker, dask, ...), read from Linux's /proc (psutil where /proc does not
say). For `run_speed.py` (a sibling module: Python puts the script's folder on sys.path);
reads /proc, writes nothing."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


def _role(proc: psutil.Process, root_pid: int) -> str:
    if proc.pid == root_pid:
        return "driver"
    try:
        cmd = " ".join(proc.cmdline())
    except psutil.Error:
        return "other"
    if "resource_tracker" in cmd:
        return "resource_tracker"
    if "multiprocessing.spawn" in cmd or "multiprocessing.forkserver" in cmd:
        return "worker"
    if "distributed" in cmd or "dask" in cmd:
        return "dask"
    with contextlib.suppress(psutil.Error):
        if proc.ppid() == root_pid:  # forked from the driver: the same command line
            return "worker"
    return "other"


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_children(pid: int) -> list[int] | None:
    """The process's children from /proc (Linux), or None where /proc does not list them."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return None


def _proc_peak_cpu(pid: int) -> tuple[int, float] | None:
    """(peak RSS in bytes as the kernel tracks it, VmHWM; user + system CPU seconds) from
    /proc, or None when the process is gone or /proc does not say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    hwm = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")),
               None)
    fields = stat.rsplit(")", 1)[-1].split()  # after the command name, which may hold spaces
    if hwm is None or len(fields) < 13:
        return None
    return int(hwm) * 1024, (int(fields[11]) + int(fields[12])) / _TICKS


def _tree(root: psutil.Process) -> list[int] | None:
    """The pids of the run's process tree: from /proc where it lists children (cheap), else
    from psutil (which scans every process of the machine)."""
    pids, todo = [], [root.pid]
    while todo:
        pid = todo.pop()
        kids = _proc_children(pid)
        if kids is None:
            try:
                return [root.pid, *(p.pid for p in root.children(recursive=True))]
            except psutil.Error:
                return None
        pids.append(pid)
        todo.extend(kids)
    return pids


def _poll_tree(
    root: psutil.Process,
    peaks: dict[int, tuple[str, int]],
    cpu: dict[int, float],
    stop: threading.Event,
) -> None:
    """Peak RSS and the last seen CPU time (user + system) of every process of the run.

    The poller runs beside the run on the same cores: with two workers on two cores, every
    millisecond it takes is taken from a worker. So it reads /proc directly (the kernel's own
    peak, VmHWM, which polling cannot miss) and each process's role once; psutil, which
    lists children by scanning every process of the machine, cost about 2% of a core at this
    rate and is only the fallback."""
    while not stop.is_set():
        pids = _tree(root)
        if pids is None:
            return
        for pid in pids:
            seen = _proc_peak_cpu(pid)
            if seen is None:
                try:
                    proc = psutil.Process(pid)
                    with proc.oneshot():
                        times = proc.cpu_times()
                        seen = proc.memory_info().rss, times.user + times.system
                except psutil.Error:
                    continue
            if pid not in peaks:
                try:
                    role = _role(psutil.Process(pid), root.pid)
                except psutil.Error:
                    continue
                peaks[pid] = (role, 0)
            role, old = peaks[pid]
            peaks[pid] = (role, max(old, seen[0]))
            cpu[pid] = seen[1]
        stop.wait(0.1)


@dataclass
class Polled:
    """One command run with its process tree polled (`_poll_tree`): its output on one line, wall
    seconds, the 1-minute load average at its start, and per process its role and peak RSS
    (bytes) and its last seen CPU seconds."""

    summary: str
    seconds: float
    load_before: float
    peaks: dict[int, tuple[str, int]]
    cpu: dict[int, float]


def run_polled(cmd: list[str]) -> Polled:
    """Run `cmd`, polling its process tree meanwhile; SystemExit with its stderr if it fails."""
    peaks: dict[int, tuple[str, int]] = {}
    cpu: dict[int, float] = {}
    stop = threading.Event()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    poller = threading.Thread(
        target=_poll_tree, args=(psutil.Process(proc.pid), peaks, cpu, stop), daemon=True
    )
    poller.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    poller.join()
    if proc.returncode != 0:
        raise SystemExit(f"biotab run failed ({proc.returncode}):\n{stderr[-3000:]}")
    return Polled(one_line(stdout), seconds, load_before, peaks, cpu)


def one_line(stdout: str) -> str:
    """`biotab run`'s summary, printed in lines of 80 columns (`cli.summary_lines`), on one line
    as `RunSummary.line()` writes it: "COUNTS; SPEED -> OUT [NOTE] ...", the counts and the
    speed apart by "; " (joined by a space they read "0 errors 24,024 words/s")."""
    lines = [line.strip() for line in stdout.strip().splitlines()]
    return "; ".join([lines[0], " ".join(lines[1:])] if lines[1:] else lines)


def rss_by_role(peaks: dict[int, tuple[str, int]]) -> dict[str, float]:
    """Peak RSS in MB per role, the workers numbered in pid order (worker0, worker1, ...)."""
    by_role: dict[str, float] = {}
    n_worker = 0
    for _pid, (role, rss) in sorted(peaks.items()):
        if role == "worker":
            role = f"worker{n_worker}"
            n_worker += 1
        by_role[role] = max(by_role.get(role, 0.0), rss / 2**20)
    return {k: round(v, 1) for k, v in by_role.items()}
