"""The local engine: shards in this process (`--workers 1`) or in a pool of worker processes.

Pool workers take one shard after another. On Linux, when the driver runs no other thread, the
driver builds the spaCy pipeline and the workers are forked from it (they share its memory
copy-on-write and start at once); elsewhere they are spawned and build the pipeline in their
initializer (`start_method`). They send per-batch document counts through a queue that a
driver thread drains into the progress reporter. The pool's processes are the
children that appear while the pool starts (`multiprocessing.active_children`, no private
attribute of the executor); on Ctrl-C or a fatal error the driver terminates them at once. Each
worker gets SIGKILL when the driver dies (Linux `PR_SET_PDEATHSIG`), so no orphan keeps
writing after a `kill -9` of the run.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing as mp
import os
import queue as queue_mod
import signal
import sys
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pipeline.runner.errors import PipelineLoadError
from pipeline.runner.progress import Reporter
from pipeline.runner.shard import (
    NlpFactory,
    Outcome,
    ShardOptions,
    ShardResult,
    forget_nlp,
    forked_startup,
    freeze_once,
    process_age,
    process_unit,
    unit_weight,
    worker_nlp,
)
from pipeline.runner.threads import child_env, one_thread_here
from pipeline.runner.units import Unit

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- in this process


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """For the length of a run in the calling process: everything alive now (the pipeline, and
    whatever else the caller holds) out of the cyclic GC's reach, as in pool workers, so that the
    collections during the run do not walk the pipeline's large tables every time; given
    back afterwards. (No collection first: the build leaves next to no garbage, about 50
    unreachable objects of a million, which cost less frozen than a full walk, 0.09 s.)"""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_inline(shards: Sequence[Unit], out: Path, opts: ShardOptions,
               reporter: Reporter) -> Iterator[Outcome]:
    """The shards one after another in this process."""
    with one_thread_here():
        worker_nlp(opts.nlp_factory)
        with gc_frozen():
            for shard in shards:
                try:
                    progress = partial(reporter.docs, unit=shard.unit_id)
                    yield shard, process_unit(shard, out, opts, progress), None
                except PipelineLoadError:
                    raise
                except Exception as exc:  # a failed shard is reported, the run goes on
                    log.debug("shard %s failed", shard.unit_id, exc_info=True)
                    yield shard, None, exc


# --------------------------------------------------------------------------- worker side

@dataclass
class WorkerState:
    """Per-process state of a pool worker, not a constant: set by its initializer (`_pool_init`)
    in the worker's own process."""

    #: where the worker sends its progress (documents, words per batch) to the driver
    progress_queue: Any = None


#: This process's state as a pool worker (`WorkerState`; unset in the driver).
_worker = WorkerState()


def _die_with_parent(driver_pid: int) -> None:
    """Linux: this worker gets SIGKILL when the driver dies, so that no orphan keeps writing."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    # the driver is already gone (re-parented to init, or to a subreaper such as tini)
    if os.getppid() != driver_pid:
        os._exit(1)


def _pool_init(factory: NlpFactory, queue: Any, log_level: int, driver_pid: int,
               ready_at_s: float | None) -> None:
    """A worker's set-up. `ready_at_s`: the worker was forked from a driver that had built the
    pipeline that many seconds after it started (None: spawned, it builds its own)."""
    _die_with_parent(driver_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (a forked worker inherits biotab run's)
    # force: a forked worker inherits the driver's handlers (its rich console among them)
    logging.basicConfig(level=log_level, format="biotab worker %(process)d: %(message)s",
                        force=True)
    logging.captureWarnings(True)  # library warnings as log records: --quiet silences them
    _worker.progress_queue = queue
    if ready_at_s is not None:
        forked_startup(ready_at_s)
    with contextlib.suppress(PipelineLoadError):  # reported by the first task instead
        with one_thread_here():
            worker_nlp(factory, fresh_process=True)
        freeze_once()


def _queue_progress(unit: str, n_docs: int, n_words: int) -> None:
    if _worker.progress_queue is not None:
        _worker.progress_queue.put((n_docs, n_words, unit))


def _pool_task(shard: Unit, out: str, opts: ShardOptions) -> ShardResult:
    with one_thread_here():
        return process_unit(shard, out, opts, partial(_queue_progress, shard.unit_id))


# --------------------------------------------------------------------------- driver side


class _Drainer(threading.Thread):
    """Passes the workers' document counts to the reporter, until `finish`."""

    #: How often the thread looks at its stop event while the queue is empty: it ends within
    #: this time of `finish` (waiting for a 0.2 s `get` timeout was 0.17 s at every pool run's
    #: end; 20 wake-ups a second cost the driver about 0.04 s of CPU in 10 s). The driver puts
    #: nothing into the queue (no end marker): a worker killed while writing to it (the OOM
    #: killer) leaves its write lock held, and a feeder thread of the driver waiting on that
    #: lock would keep the driver from exiting.
    POLL_S = 0.05

    def __init__(self, queue: Any, reporter: Reporter) -> None:
        super().__init__(name="biotab-progress", daemon=True)
        self.queue = queue
        self.reporter = reporter
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                item = self.queue.get(timeout=self.POLL_S)
            except queue_mod.Empty:
                continue
            except (EOFError, OSError, ValueError):
                return
            self.reporter.docs(*item)
        # what had arrived before the stop is still counted
        while True:
            try:
                item = self.queue.get_nowait()
            except (queue_mod.Empty, EOFError, OSError, ValueError):
                return
            self.reporter.docs(*item)

    def finish(self) -> None:
        """Pass on what has arrived, then end (a daemon thread: after 2 s it is left behind)."""
        self.stop.set()
        self.join(timeout=2)


def start_method() -> str:
    """How pool workers start. "fork" on Linux when this process runs no other thread: the
    driver builds the pipeline once and the workers share it copy-on-write, ready at once (a
    thread alive during a fork, as in a notebook kernel, could hold a lock the child then waits
    on forever). "spawn" otherwise (also on macOS, whose system frameworks are not fork-safe):
    each worker imports and builds the pipeline itself."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def run_pool(shards: Sequence[Unit], out: Path, opts: ShardOptions, workers: int,
             reporter: Reporter, log_level: int) -> PoolOutcomes:
    """The shards on `workers` processes, biggest first; outcomes as they finish.

    The pool starts here, before the caller iterates (and before its progress display starts a
    thread): with the fork method the driver first builds the pipeline, so that no thread of
    its own runs while the workers are forked. Raises `PipelineLoadError` when the pipeline
    cannot be built. Closing the result (`close()`, also before any outcome was taken) stops
    the workers at once."""
    method = start_method()
    pool = PoolOutcomes(reporter)
    ready_at_s: float | None = None
    try:
        if method == "fork":
            cpu0, t0 = time.process_time(), time.perf_counter()
            with one_thread_here():
                worker_nlp(opts.nlp_factory)
            method = start_method()  # a pipeline that started a thread is not forked
            if method != "fork":
                forget_nlp()
        if method == "fork":
            # out of the collector's reach while the workers live: it would write to the pages
            # they share with the driver (given back when the pool ends); not collected first
            # (see `gc_frozen`): that walk would delay the workers' start
            gc.freeze()
            pool.frozen = True
            ready_at_s = process_age()
            pool.driver_startup = {"startup_s": round(ready_at_s, 3),
                                   "startup_cpu_s": round(time.process_time(), 3),
                                   "build_s": round(time.perf_counter() - t0, 3),
                                   "build_cpu_s": round(time.process_time() - cpu0, 3)}
        ctx = mp.get_context(method)
        pool.queue = ctx.Queue()
        with child_env():  # the workers inherit one BLAS thread each
            pool.executor = ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_pool_init,
                initargs=(opts.nlp_factory, pool.queue, log_level, os.getpid(), ready_at_s),
            )
            for s in sorted(shards, key=unit_weight, reverse=True):
                # submitting starts the worker processes
                pool.futures[pool.executor.submit(_pool_task, s, str(out), opts)] = s
    except BaseException:
        pool.stop(finished=False)
        raise
    return pool


class PoolOutcomes(Iterator[Outcome]):
    """The outcomes of a started pool, as they finish; `stop` (from `close`, from the end of
    the iteration, or from an error) ends the pool once."""

    def __init__(self, reporter: Reporter) -> None:
        self.queue: Any = None
        self.reporter = reporter
        self.executor: ProcessPoolExecutor | None = None
        self.futures: dict[Future[ShardResult], Unit] = {}
        self.before = set(mp.active_children())
        self.frozen = False
        #: forked workers: when the driver had built the pipeline they share (seconds since
        #: it started, its CPU seconds by then, the build's wall and CPU seconds); else empty
        self.driver_startup: dict[str, float] = {}
        self._drainer: _Drainer | None = None
        self._outcomes: Generator[Outcome, None, None] | None = None
        self._stopped = False

    def __next__(self) -> Outcome:
        if self._outcomes is None:
            self._outcomes = self._run()
        return next(self._outcomes)

    def close(self) -> None:
        """Stop the workers now (a no-op once the pool has ended)."""
        if self._outcomes is not None:
            self._outcomes.close()  # its `finally` stops the pool
        self.stop(finished=False)

    def _run(self) -> Generator[Outcome, None, None]:
        self._drainer = _Drainer(self.queue, self.reporter)
        self._drainer.start()
        finished = False
        try:
            for fut in as_completed(self.futures):
                shard = self.futures[fut]
                try:
                    yield shard, fut.result(), None
                except PipelineLoadError:
                    raise
                except BrokenProcessPool as exc:
                    yield shard, None, RuntimeError(f"a worker process died ({exc})")
                except Exception as exc:  # noqa: BLE001 - reported as a failed shard
                    yield shard, None, exc
            finished = True
        finally:
            self.stop(finished=finished)

    def stop(self, *, finished: bool) -> None:
        """End the pool: at once unless `finished` (all outcomes taken)."""
        if self._stopped:
            return
        self._stopped = True
        _stop_pool(self.executor, self.before, finished=finished)
        if self._drainer is not None:
            self._drainer.finish()
        if self.queue is not None:
            self.queue.close()
        if self.frozen:
            gc.unfreeze()
        if self.driver_startup:  # the pipeline was built here for the workers alone
            forget_nlp()


def _stop_pool(executor: ProcessPoolExecutor | None, before: set[Any], *,
               finished: bool) -> None:
    if not finished:  # Ctrl-C or a fatal error: stop the workers now, not after their shard
        for proc in mp.active_children():
            if proc not in before:  # the children that appeared with the pool: its workers
                with contextlib.suppress(Exception):
                    proc.terminate()
    # After a normal finish the workers exit on their own (tearing down a big pipeline takes
    # seconds); the driver goes on with the manifest meanwhile.
    if executor is not None:
        executor.shutdown(wait=not finished, cancel_futures=True)
