"""How CPU time grows with the input, for tests of linear time whose steps cannot be counted
(a regex's backtracking, spaCy's Cython tokenizer loop): the machine is shared (2 cores, CI
too), so wall clock (`perf_counter`) measures the load as much as the code, and speed targets
are checked by benchmarks. CPU time (`process_time`) is not stretched by waiting for a core;
the best of several runs of BOTH sizes drops the runs a pause or a cache flush slowed, and the
bound sits far from both linear and quadratic growth."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

Prepare = Callable[[int], Callable[[], object]]


def cpu_seconds(run: Callable[[], object]) -> float:
    """The CPU time `run()` takes, the collector paused (its pauses are no part of it)."""
    gc.disable()
    try:
        start = time.process_time()
        run()
        return time.process_time() - start
    finally:
        gc.enable()


def each_size(work: Callable[[int], object]) -> Prepare:
    """`work(n)` as a `Prepare`, for work that makes its own input (a file written and read):
    the making is timed with it."""
    return lambda n: lambda: work(n)


def best_cpu_seconds(prepare: Prepare, n: int, repeats: int = 5) -> float:
    """The least CPU time of `repeats` runs of `prepare(n)()`; `prepare(n)` (the input made,
    untimed) is called afresh before each run."""
    return min(cpu_seconds(prepare(n)) for _ in range(repeats))


def assert_linear_cpu(prepare: Prepare, n: int, factor: int = 16, bound: float = 64.0,
                      repeats: int = 5, floor: float = 1e-3, give_up: float = 2.0) -> None:
    """The best CPU time of the work on `factor * n` is less than `bound` times that on `n`
    (16x the input: linear ~16x, quadratic ~256x; the default bound 64x is 4 times from
    both). `floor` is the least small time counted (below it, timer ticks and a warm cache
    decide the ratio). A first run on `n` warms up (imports, caches). The larger runs stop at
    the first under the bound, or at one over it taking `give_up` CPU seconds (no pause is that
    long: a quadratic regression fails in seconds, not minutes)."""
    prepare(n)()
    small = best_cpu_seconds(prepare, n, repeats)
    limit = bound * max(small, floor)
    large: list[float] = []
    while len(large) < repeats and min(large, default=limit) >= limit:
        large.append(cpu_seconds(prepare(factor * n)))
        if large[-1] >= max(limit, give_up):
            break
    assert min(large) < limit, (
        f"best CPU seconds of n={n:,}: {small:.5f}, of {factor * n:,}: {large} "
        f"(bound {bound}x, floor {floor})")


def assert_linear_work(work: Callable[[int], object], n: int) -> None:
    """`assert_linear_cpu` for work that makes its own input (`each_size`) and whose quadratic
    form would take minutes at 16 times the input: 4 times the input, at most 8 times the CPU
    time (quadratic: 16 times), best of 3."""
    assert_linear_cpu(each_size(work), n, factor=4, bound=8.0, repeats=3)
