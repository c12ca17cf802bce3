"""How much this host lets several CPU-bound processes gain over one (not a test).

    python benchmarks/host_ceiling.py [--processes N] [--repeat N]

A speed-up of N workers over one (`run_speed.py`) cannot exceed what the host gives N plain
CPU-bound jobs at once: two vCPUs that are one core's hyperthreads, or that share a power or
time budget with other tenants, give far less than 2. `run_speed.py` prints this figure beside
its own, measured in the same session.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

#: A fixed CPU-bound job (pure Python, no memory traffic).
_SPIN = "s = 0\nfor i in range(15_000_000):\n    s += i\n"


def host_ceiling(processes: int, repeat: int = 3) -> tuple[float, float, float]:
    """What this host lets `processes` CPU-bound processes gain over one: the seconds of one
    `_SPIN` job alone and of `processes` such jobs at once (medians of `repeat`, alternated),
    and their ratio x processes. Two vCPUs that are one core's hyperthreads, or that share a
    power or time budget, give far less than 2: a speed-up the run cannot reach either."""
    def wall(n: int) -> float:
        t0 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(n)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - t0

    alone, together = [], []
    for _ in range(repeat):
        alone.append(wall(1))
        together.append(wall(processes))
    one, many = statistics.median(alone), statistics.median(together)
    return one, many, processes * one / many


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    one, many, gain = host_ceiling(args.processes, args.repeat)
    print(f"one CPU-bound job {one:.2f} s alone, {args.processes} at once {many:.2f} s: "
          f"{gain:.2f}x is the most {args.processes} workers can gain here")


if __name__ == "__main__":
    main()
