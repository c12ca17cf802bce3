"""Orchestration of `biotab run`: shards of input in, Parquet tables out, on one or many processes.

Work is split into shards (`pipeline.ingest.list_shards`: one per file, JSONL files in blocks of
`block_size` lines). One function, `process_shard`, does everything for a shard: it reads the
shard's documents as a stream, runs them through the spaCy pipeline in batches
(`pipeline.process.process_documents`) and writes the shard's own Parquet part files, flushing a
row group every few thousand rows so that memory stays flat whatever the corpus size; it returns
only small counts. The engines differ only in where that function runs:

* ``local`` (default): a `ProcessPoolExecutor` (spawn start method); each worker builds the spaCy
  pipeline once, in its initializer, then takes one shard after another. ``--workers 1`` runs in
  the calling process, without a pool.
* ``dask``: one task per shard on a `distributed` cluster; by default a `LocalCluster` with
  ``workers`` single-threaded worker processes, or an existing cluster with
  ``--scheduler tcp://host:8786``. The pipeline is built once per worker process (a module-level
  cache). Tasks write their own part files; the driver only plans, checks and writes the manifest.

Running on a real Dask cluster
------------------------------
1. Install the same biotab (same version, same ``models/`` folder, or ``BIOTAB_MODELS`` pointing
   at a copy of it) in the same Python environment on the scheduler, every worker and the
   machine you start the run from, e.g. one container image used everywhere.
2. Start the cluster with one thread per worker process, for instance on each node::

       dask scheduler                                   # on one node: tcp://host:8786
       dask worker tcp://host:8786 --nworkers 8 --nthreads 1 --memory-limit 3GiB

   (or a dask-jobqueue / dask-kubernetes cluster with ``processes=N, cores=N``). The spaCy
   pipeline holds the GIL, so threads in one worker do not add throughput; processes do.
3. Inputs and ``--out`` must be paths every worker and the driver see under the same name: a
   shared POSIX filesystem (NFS, Lustre, CephFS, EFS, a fuse mount). Completed part files are
   renamed into place and a shard is recorded in ``OUT/_shards/`` only after all its parts are;
   an object store mounted through fuse works, but its renames are copies, so ``--resume``
   (which deletes the parts of unrecorded shards) is what keeps it consistent after a crash.
4. Run ``biotab run /shared/pubmed/ --out /shared/biotab-out --engine dask
   --scheduler tcp://host:8786``. ``--workers`` is ignored with ``--scheduler`` (the cluster's
   workers are used). A run that dies is finished with the same command plus ``--resume``.

Determinism: shards are listed in input order, each shard is processed alone, and its parts are
named by shard id and chunk number, so the engine and the number of workers do not change the
tables. A doc_id seen twice is kept once (the first in input order; the others become
`duplicate_id` error rows).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
import multiprocessing as mp
import os
import pickle
import shlex
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import SCHEMA_VERSION, __version__
from pipeline import write as W
from pipeline.documents import Document, ErrorRecord
from pipeline.ingest import Shard, error_row, list_shards, read_shard
from pipeline.paths import DEFAULT_OUTPUT
from pipeline.runner.errors import PipelineLoadError, RunError
from pipeline.runner.lock import RunLock
from pipeline.runner.lock import acquire as acquire_lock
from pipeline.runner.paths import absolute_inputs, check_paths
from pipeline.runner.resume import drop_changed, file_stat

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")
#: Seconds a Dask run waits for the first worker of its cluster.
DASK_WORKER_TIMEOUT = 120.0
#: A cyclic garbage collection after this many documents (and after every shard).
GC_EVERY_DOCS = 500
NlpFactory = Callable[[], "Language"]
ProgressFn = Callable[[int, int], None]


def default_nlp(**options: Any) -> Language:
    """`pipeline.nlp.build_nlp(**options)`, imported only in the process that builds it: the
    driver of a process pool never imports spaCy, so its workers start a second sooner."""
    from pipeline.nlp import build_nlp

    return build_nlp(**options)


# --------------------------------------------------------------------------- one shard


@dataclass(frozen=True)
class ShardOptions:
    """Everything a worker needs besides the shard (small and picklable)."""

    nlp_factory: NlpFactory
    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"
    batch_size: int = 64
    row_group_rows: int = W.ROW_GROUP_ROWS


@dataclass
class ShardResult:
    shard_id: str
    source: str
    counts: dict[str, int]
    n_words: int
    seconds: float
    input: dict[str, Any] | None = None
    input_stat: dict[str, int] | None = None
    worker: str = ""
    pipes: list[str] = field(default_factory=list)

    @property
    def n_docs(self) -> int:
        return self.counts.get("documents", 0)


_NLP_CACHE: dict[Any, Language] = {}


def _factory_key(factory: NlpFactory) -> Any:
    try:
        return pickle.dumps(factory)
    except Exception:  # noqa: BLE001 - an unpicklable factory (a lambda): keyed by identity
        return ("id", id(factory))


def worker_nlp(factory: NlpFactory) -> Language:
    """The spaCy pipeline of this process, built once per factory (one cached at a time)."""
    key = _factory_key(factory)
    nlp = _NLP_CACHE.get(key)
    if nlp is None:
        _NLP_CACHE.clear()
        try:
            nlp = factory()
            nlp("Warm-up: components that load lazily do it now, not in the first shard.")
        except Exception as exc:
            raise PipelineLoadError(
                f"could not build the spaCy pipeline ({describe_factory(factory)}): "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        _NLP_CACHE[key] = nlp
    return nlp


_FROZEN = False


def _freeze_once() -> None:
    """In a worker process: move the pipeline's objects (they live as long as the process) out
    of the cyclic GC's reach, so that the periodic collections in `process_shard` are cheap.
    (The calling process of `--workers 1` freezes only for the run: `_gc_frozen`.)"""
    global _FROZEN
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        _FROZEN = True


def _dedupe(records: Iterable[Document | ErrorRecord]) -> Iterator[Document | ErrorRecord]:
    """Drop a document whose doc_id came earlier in the same shard (an error row instead)."""
    seen: set[str] = set()
    for rec in records:
        if isinstance(rec, Document):
            if rec.doc_id in seen:
                yield ErrorRecord(
                    source=rec.source, stage="ingest", error="duplicate_id",
                    message=f"doc_id {rec.doc_id!r} was already produced earlier in this run; "
                    "this later document was dropped",
                    location=rec.location, doc_id=rec.doc_id,
                )
                continue
            seen.add(rec.doc_id)
        yield rec


def _input_info(shard: Shard) -> dict[str, Any] | None:
    """The input file of a shard with its size and SHA-256 (reported by the first shard of a
    file only, so a file split into blocks is hashed once)."""
    if shard.start_record != 0:
        return None
    info: dict[str, Any] = {"path": shard.path, "format": shard.fmt}
    path = Path(shard.path)
    if path.is_file():
        try:
            info["bytes"] = path.stat().st_size
            info["sha256"] = W.sha256_file(path)
        except OSError as exc:
            info["error"] = str(exc)
    return info


def process_shard(
    shard: Shard,
    out: Path | str,
    opts: ShardOptions,
    progress: ProgressFn | None = None,
) -> ShardResult:
    """Read, annotate and write one shard; record it as finished. Safe to repeat: whatever an
    earlier attempt at the same shard left behind is deleted first."""
    from pipeline.process import process_documents

    t0 = time.perf_counter()
    out = Path(out)
    W.clean_shard(out, shard.shard_id)
    input_stat = file_stat(shard.path)  # before reading: resume compares it with the file
    nlp = worker_nlp(opts.nlp_factory)
    writer = W.ShardWriter(out, shard.shard_id, row_group_rows=opts.row_group_rows)
    n_words = 0
    records = _dedupe(read_shard(shard, opts.id_field, opts.text_field, opts.title_field))
    since_gc = 0
    try:
        for rows in process_documents(nlp, records, batch_size=opts.batch_size):
            writer.add(rows.tables)
            n_words += rows.n_words
            n_docs = len(rows.tables["documents"])
            if progress is not None:
                progress(n_docs, rows.n_words)
            since_gc += n_docs
            if since_gc >= GC_EVERY_DOCS:
                # Processed Docs leave reference cycles; with a big pipeline in memory Python's
                # own full collections are rare (they wait for garbage worth 25% of the
                # long-lived objects), so RSS would grow shard after shard without this.
                gc.collect()
                since_gc = 0
        counts = writer.commit()
    except BaseException:
        writer.abort()
        raise
    finally:
        gc.collect()
    result = ShardResult(
        shard_id=shard.shard_id,
        source=shard.path,
        counts=counts,
        n_words=n_words,
        seconds=round(time.perf_counter() - t0, 3),
        input=_input_info(shard),
        input_stat=input_stat,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        pipes=list(nlp.pipe_names),
    )
    W.mark_shard_done(out, shard.shard_id, asdict(result))
    return result


# --------------------------------------------------------------------------- local pool

_PROGRESS_QUEUE: Any = None


def _die_with_parent() -> None:
    """Linux: this worker gets SIGKILL when the driver dies, so that no orphan keeps writing."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the driver is already gone
        os._exit(1)


def _pool_init(factory: NlpFactory, queue: Any, log_level: int) -> None:
    global _PROGRESS_QUEUE
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C and stops us
    logging.basicConfig(level=log_level, format="biotab worker %(process)d: %(message)s")
    logging.captureWarnings(True)  # library warnings as log records: --quiet silences them
    _PROGRESS_QUEUE = queue
    with contextlib.suppress(PipelineLoadError):  # reported by the first task instead
        worker_nlp(factory)
        _freeze_once()


def _queue_progress(n_docs: int, n_words: int) -> None:
    if _PROGRESS_QUEUE is not None:
        _PROGRESS_QUEUE.put((n_docs, n_words))


def _pool_task(shard: Shard, out: str, opts: ShardOptions) -> ShardResult:
    return process_shard(shard, out, opts, _queue_progress)


@contextlib.contextmanager
def _single_threaded_children() -> Iterator[None]:
    """One BLAS/OpenMP thread per worker process: the workers already fill the cores."""
    names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {n: os.environ.get(n) for n in names}
    for n in names:
        os.environ.setdefault(n, "1")
    try:
        yield
    finally:
        for n, v in saved.items():
            if v is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = v


Outcome = tuple[Shard, ShardResult | None, BaseException | None]


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """One BLAS thread in this process (one worker = one core; threadpoolctl if installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1):
        yield


def _run_inline(shards: Sequence[Shard], out: Path, opts: ShardOptions,
                reporter: Reporter) -> Iterator[Outcome]:
    with _one_blas_thread():
        worker_nlp(opts.nlp_factory)
        with _gc_frozen():
            yield from _run_shards(shards, out, opts, reporter)


@contextlib.contextmanager
def _gc_frozen() -> Iterator[None]:
    """For the length of a run in the calling process: everything alive now (the pipeline, and
    whatever else the caller holds) out of the cyclic GC's reach, as in pool workers, so that the
    collections during the run do not walk the pipeline's large tables every time; given
    back afterwards."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_shards(shards: Sequence[Shard], out: Path, opts: ShardOptions,
                reporter: Reporter) -> Iterator[Outcome]:
    for shard in shards:
        try:
            yield shard, process_shard(shard, out, opts, reporter.docs), None
        except PipelineLoadError:
            raise
        except Exception as exc:  # a failed shard is reported, the run goes on
            log.debug("shard %s failed", shard.shard_id, exc_info=True)
            yield shard, None, exc


def _run_pool(shards: Sequence[Shard], out: Path, opts: ShardOptions, workers: int,
              reporter: Reporter, log_level: int) -> Iterator[Outcome]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    stop = threading.Event()

    def drain() -> None:
        import queue as queue_mod

        while not stop.is_set():
            try:
                n_docs, n_words = queue.get(timeout=0.2)
            except queue_mod.Empty:
                continue
            except (EOFError, OSError):
                return
            reporter.docs(n_docs, n_words)

    drainer = threading.Thread(target=drain, name="biotab-progress", daemon=True)
    drainer.start()
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_pool_init,
        initargs=(opts.nlp_factory, queue, log_level),
    )
    finished = False
    try:
        with _single_threaded_children():
            futures: dict[Future[ShardResult], Shard] = {
                executor.submit(_pool_task, s, str(out), opts): s
                for s in sorted(shards, key=_shard_weight, reverse=True)
            }
        for fut in as_completed(futures):
            shard = futures[fut]
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
        if not finished:  # Ctrl-C or a fatal error: stop the workers now, not after their shard
            for proc in list(getattr(executor, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    proc.terminate()
        # After a normal finish the workers exit on their own (tearing down a big pipeline takes
        # seconds); the driver goes on with the manifest meanwhile.
        executor.shutdown(wait=not finished, cancel_futures=True)
        stop.set()
        drainer.join(timeout=2)
        queue.close()


def _shard_weight(shard: Shard) -> tuple[int, str]:
    """Big inputs first (the pool then ends with small ones: less idle time at the end)."""
    try:
        size = os.path.getsize(shard.path)
    except OSError:
        size = 0
    if shard.start_record or shard.n_records is not None:
        size = min(size, 200 * (shard.n_records or 1000))  # a block of lines: ~its share
    return size, shard.shard_id


# --------------------------------------------------------------------------- dask


def _dask_task(shard: Shard, out: str, opts: ShardOptions) -> ShardResult:
    worker_nlp(opts.nlp_factory)  # built once per worker process (module-level cache)
    _freeze_once()
    return process_shard(shard, out, opts)


def _cluster_size(client: Any) -> dict[str, int]:
    """The cluster's worker processes and threads, as its scheduler reports them."""
    try:
        info = client.scheduler_info(n_workers=-1)  # newer distributed: all, not the first 5
    except TypeError:
        info = client.scheduler_info()
    workers = info.get("workers", {})
    return {"workers": len(workers),
            "threads": sum(int(w.get("nthreads", 0)) for w in workers.values())}


def _run_dask(shards: Sequence[Shard], out: Path, opts: ShardOptions, workers: int,
              scheduler: str | None, run_id: str,
              cluster_size: dict[str, int]) -> Iterator[Outcome]:
    """Run the shards on Dask; fills `cluster_size` (workers, threads) once workers are there."""
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_as_completed

    cluster = None
    for name in ("distributed", "tornado", "bokeh"):  # the cluster's chatter is not progress
        if logging.getLogger(name).level < logging.WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True,
            dashboard_address=None, silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        try:
            client.wait_for_workers(1, timeout=DASK_WORKER_TIMEOUT)
        except TimeoutError as exc:
            raise RunError(f"no Dask worker joined the scheduler {scheduler or 'LocalCluster'} "
                           f"within {DASK_WORKER_TIMEOUT:.0f} s") from exc
        cluster_size.update(_cluster_size(client))
        futures = {
            client.submit(_dask_task, s, str(out), opts, key=f"biotab-{run_id}-{s.shard_id}",
                          pure=False): s
            for s in sorted(shards, key=_shard_weight, reverse=True)
        }
        for fut in dask_as_completed(list(futures)):
            shard = futures[fut]
            try:
                yield shard, fut.result(), None
            except PipelineLoadError:
                for other in futures:
                    other.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - reported as a failed shard
                yield shard, None, exc
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- progress


class Reporter:
    """Progress: a rich bar on a terminal, a log line every `interval` seconds otherwise, or
    nothing. Thread-safe (per-batch document counts arrive from a background thread)."""

    def __init__(self, total_shards: int, mode: str, *, interval: float = 10.0) -> None:
        self.total = total_shards
        self.mode = mode
        self.interval = interval
        self.shards = 0
        self.n_docs = 0
        self.n_words = 0
        self.live = False  # the engine reports documents per batch, not only per shard
        self.t0 = time.perf_counter()
        self._last_log = self.t0
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None

    def start(self, live: bool) -> None:
        self.live = live
        self.t0 = self._last_log = time.perf_counter()
        if self.mode == "rich":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]biotab run"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("shards"),
                TextColumn("{task.fields[docs]:,} docs  {task.fields[dps]:,.1f} docs/s  "
                           "{task.fields[wps]:,.0f} words/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("run", total=self.total, completed=self.shards,
                                                 docs=0, dps=0.0, wps=0.0)

    def docs(self, n_docs: int, n_words: int) -> None:
        with self._lock:
            self.n_docs += n_docs
            self.n_words += n_words
            self._update(0)

    def shard_done(self, result: ShardResult | None) -> None:
        with self._lock:
            self.shards += 1
            if result is not None and not self.live:
                self.n_docs += result.n_docs
                self.n_words += result.n_words
            self._update(1)

    def _update(self, advance: int) -> None:
        elapsed = max(time.perf_counter() - self.t0, 1e-9)
        if self._progress is not None:
            self._progress.update(self._task, advance=advance, docs=self.n_docs,
                                  dps=self.n_docs / elapsed, wps=self.n_words / elapsed)
        elif self.mode == "log":
            now = time.perf_counter()
            if now - self._last_log >= self.interval or (self.shards == self.total and advance):
                self._last_log = now
                log.info("%s", self.status_line(elapsed))

    def status_line(self, elapsed: float) -> str:
        eta = ""
        if 0 < self.shards < self.total:
            left = elapsed / self.shards * (self.total - self.shards)
            eta = f", ETA {_hms(left)}"
        return (f"{self.shards}/{self.total} shards, {self.n_docs:,} documents "
                f"({self.n_docs / elapsed:,.1f} docs/s, {self.n_words / elapsed:,.0f} words/s), "
                f"elapsed {_hms(elapsed)}{eta}")

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def progress_mode(quiet: bool, stream: Any = None) -> str:
    if quiet:
        return "off"
    stream = stream if stream is not None else sys.stderr
    return "rich" if getattr(stream, "isatty", lambda: False)() else "log"


# --------------------------------------------------------------------------- run


@dataclass
class RunSummary:
    """What a run did; `line()` is the one-line summary the CLI prints."""

    out: Path
    run_id: str
    status: str  # complete | incomplete
    counts: dict[str, int]
    n_words: int  # words processed by this attempt (resumed shards are not re-counted)
    seconds: float
    engine: str
    workers: int
    shards_total: int
    shards_done: int
    shards_skipped: int
    failed_shards: list[str]
    duplicates_dropped: int = 0
    fail_on_error: bool = False
    threads: int = 0  # dask: the cluster's threads (local: one per worker process)

    @property
    def documents(self) -> int:
        return self.counts.get("documents", 0)

    @property
    def mentions(self) -> int:
        return self.counts.get("mentions", 0)

    @property
    def outcomes(self) -> int:
        return self.counts.get("outcomes", 0)

    @property
    def errors(self) -> int:
        return self.counts.get("errors", 0)

    @property
    def words_per_s(self) -> float:
        return self.n_words / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """1 when shards failed, or when there are error rows and `fail_on_error`; else 0."""
        if self.failed_shards or (self.fail_on_error and self.errors):
            return 1
        return 0

    def line(self) -> str:
        text = (f"{self.documents:,} documents, {self.mentions:,} mentions, "
                f"{self.outcomes:,} outcomes, {self.errors:,} errors; "
                f"{self.words_per_s:,.0f} words/s ({self.n_words:,} words in "
                f"{self.seconds:.1f}s, {self.engine}, {_plural(self.workers, 'worker')}"
                + (f", {_plural(self.threads, 'thread')}" if self.engine == "dask" else "")
                + f") -> {self.out}")
        if self.shards_skipped:
            text += f" [resumed: {self.shards_skipped} of {self.shards_total} shards were done]"
        if self.failed_shards:
            text += (f" [INCOMPLETE: {len(self.failed_shards)} shard(s) failed; "
                     "rerun with --resume]")
        return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe_factory(factory: Any) -> str:
    if isinstance(factory, partial):
        args = ", ".join([*map(repr, factory.args),
                          *(f"{k}={v!r}" for k, v in sorted(factory.keywords.items()))])
        return f"{describe_factory(factory.func)}({args})"
    module = getattr(factory, "__module__", None) or ""
    name = getattr(factory, "__qualname__", None) or type(factory).__name__
    return f"{module}.{name}" if module else name


def _uses_ner(factory: Any) -> bool:
    return not (isinstance(factory, partial) and factory.keywords.get("model", "auto") is None)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _settings(inputs: Sequence[Path | str], fmt: str | None, id_field: str, text_field: str,
              title_field: str, block_size: int | None, factory: Any) -> dict[str, Any]:
    """The options that decide the tables' content: a resumed run must use the same."""
    return {
        "inputs": [os.path.abspath(p) for p in inputs],
        "format": fmt,
        "id_field": id_field,
        "text_field": text_field,
        "title_field": title_field,
        "block_size": block_size,
        "pipeline": describe_factory(factory),
        "biotab_version": __version__,
        "schema_version": SCHEMA_VERSION,
    }


def _inside(path: str, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _unique_shards(shards: Iterable[Shard]) -> list[Shard]:
    seen: set[str] = set()
    unique = []
    for s in shards:
        if s.shard_id in seen:
            log.warning("input %s is given more than once; read once", s.path)
            continue
        seen.add(s.shard_id)
        unique.append(s)
    return unique


def _stale_files(out: Path, keep: set[str]) -> list[Path]:
    """Part files of shards that are not finished-and-wanted (leftovers of an interrupted run,
    or of inputs no longer listed), plus temporary files."""
    stale = W.temp_files(out)
    for name in W.TABLES:
        folder = out / name
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            sid = W.shard_of_file(f.name)
            if sid is not None and sid not in keep and not f.name.startswith(
                    (W.RUN_PART_PREFIX, "part-_empty-")):
                stale.append(f)
    return sorted(set(stale))


def run(
    inputs: Sequence[Path | str] | Path | str,
    out: Path | str = DEFAULT_OUTPUT,
    *,
    fmt: str | None = None,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    quiet: bool = False,
    fail_on_error: bool = False,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    block_size: int | None = 1000,
    batch_size: int = 64,
    nlp_factory: NlpFactory = default_nlp,
    command: Sequence[str] | None = None,
    progress_interval: float = 10.0,
) -> RunSummary:
    """Process `inputs` (files and folders) into the Parquet tables in `out`.

    Raises `pipeline.write.OutputExistsError` when `out` holds an earlier run and neither
    `overwrite` nor `resume` is set, `RunError` for options that cannot work, and
    `PipelineLoadError` when the spaCy pipeline cannot be built. Bad input never raises: it
    becomes error rows. A shard that fails (a bug, a dead worker) is reported in the summary
    (`failed_shards`, exit code 1) and redone by `resume=True`.
    """
    t0 = time.perf_counter()
    started = _now()
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if engine not in ENGINES:
        raise RunError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers is None:
        workers = os.cpu_count() or 1
    if workers < 1:
        raise RunError("--workers must be at least 1")
    if batch_size < 1:
        raise RunError("--batch-size must be at least 1")
    if overwrite and resume:
        raise ValueError("--overwrite and --resume exclude each other")
    check_paths(inputs, out)
    inputs = absolute_inputs(inputs)
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise W.OutputExistsError(f"output path {out} exists and is not a folder")
    try:
        shards = _unique_shards(list_shards(inputs, fmt, block_size))
    except ValueError as exc:
        raise RunError(str(exc)) from exc
    shards = [s for s in shards if not _inside(s.path, out)]  # never read our own output
    cmd = list(command) if command is not None else list(sys.argv)
    lock = acquire_lock(out, take_over_stale=resume or overwrite, command=shlex.join(cmd))
    try:
        return _run_locked(
            shards, out, lock, t0=t0, started=started, cmd=cmd, fmt=fmt, workers=workers,
            engine=engine, scheduler=scheduler, resume=resume, overwrite=overwrite,
            quiet=quiet, fail_on_error=fail_on_error, id_field=id_field,
            text_field=text_field, title_field=title_field, block_size=block_size,
            batch_size=batch_size, nlp_factory=nlp_factory,
            progress_interval=progress_interval, inputs=inputs)
    finally:
        lock.release()


def _run_locked(shards: list[Shard], out: Path, lock: RunLock, *, t0: float, started: str,
                cmd: list[str], inputs: list[str], fmt: str | None, workers: int, engine: str,
                scheduler: str | None, resume: bool, overwrite: bool, quiet: bool,
                fail_on_error: bool, id_field: str, text_field: str, title_field: str,
                block_size: int | None, batch_size: int, nlp_factory: NlpFactory,
                progress_interval: float) -> RunSummary:
    settings = _settings(inputs, fmt, id_field, text_field, title_field, block_size, nlp_factory)
    resumed = W.prepare_output(out, overwrite=overwrite, resume=resume)
    earlier = W.read_manifest(out) if resumed else None
    if earlier is not None and earlier.get("settings") not in (None, settings):
        diff = [k for k, v in settings.items() if earlier["settings"].get(k) != v]
        raise RunError(
            f"cannot resume: the run in {out} used different settings ({', '.join(diff)}); "
            "rerun with the same ones, or use --overwrite"
        )
    wanted = {s.shard_id for s in shards}
    done = {sid: info for sid, info in W.done_shards(out).items() if sid in wanted}
    for sid in set(W.done_shards(out)) - wanted:
        W.clean_shard(out, sid)
    changed = drop_changed(out, shards, done) if resumed else []
    stale = _stale_files(out, set(done))
    for f in stale:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    if stale:
        log.info("removed %d leftover file(s) of unfinished shards", len(stale))
    pending = [s for s in shards if s.shard_id not in done]

    run_id = (earlier or {}).get("run_id") or uuid.uuid4().hex
    attempt = {"started_at": started, "command": shlex.join(cmd), "engine": engine,
               "workers": workers, "scheduler": scheduler, "shards_pending": len(pending)}
    if lock.stale is not None:
        attempt["took_over_stale_lock"] = lock.stale
    if changed:
        attempt["inputs_changed"] = changed
    attempts = [*((earlier or {}).get("attempts") or []), attempt]
    manifest: dict[str, Any] = {
        "run_id": run_id,
        "status": "running",
        "started_at": (earlier or {}).get("started_at") or started,
        "ended_at": None,
        "biotab_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "command": shlex.join(cmd),
        "engine": engine,
        "workers": workers,
        "scheduler": scheduler,
        "settings": settings,
        "batch_size": batch_size,
        "models": W.model_versions(use_ner=_uses_ner(nlp_factory)),
        "attempts": attempts,
    }
    W.write_manifest(out, manifest)

    opts = ShardOptions(nlp_factory=nlp_factory, id_field=id_field, text_field=text_field,
                        title_field=title_field, batch_size=batch_size)
    reporter = Reporter(len(shards), progress_mode(quiet), interval=progress_interval)
    reporter.shards = len(done)
    log_level = logging.ERROR if quiet else logging.WARNING
    n_procs = min(workers, max(len(pending), 1))
    # local: the processes started; dask: the cluster's, as its scheduler reports them
    cluster_size = {"workers": n_procs, "threads": n_procs}
    failed: dict[str, str] = {}
    n_words = 0
    pipes: list[str] = []
    status = "incomplete"
    outcomes: Iterator[Outcome]
    if not pending:
        outcomes = iter(())
    elif engine == "dask":
        outcomes = _run_dask(pending, out, opts, n_procs, scheduler, run_id[:8], cluster_size)
    elif n_procs == 1:
        outcomes = _run_inline(pending, out, opts, reporter)
    else:
        outcomes = _run_pool(pending, out, opts, n_procs, reporter, log_level)
    reporter.start(live=engine == "local")
    try:
        for shard, result, error in outcomes:
            if result is not None:
                n_words += result.n_words
                pipes = pipes or result.pipes
            else:
                failed[shard.shard_id] = f"{type(error).__name__}: {error}"
                log.error("shard %s (%s) failed: %s", shard.shard_id, shard.path,
                          failed[shard.shard_id])
            reporter.shard_done(result)
        status = "complete" if not failed else "incomplete"
    except BaseException as exc:
        reporter.stop()
        close = getattr(outcomes, "close", None)
        if close is not None:  # the engine stops its workers (in its `finally`)
            with contextlib.suppress(Exception):
                close()
        manifest.update(status="interrupted" if isinstance(exc, KeyboardInterrupt) else "failed",
                        ended_at=_now(), error=f"{type(exc).__name__}: {exc}")
        attempt.update(ended_at=manifest["ended_at"], status=manifest["status"])
        W.write_manifest(out, manifest)
        raise
    finally:
        reporter.stop()

    # ---- the driver's part: duplicates across shards, failed shards, empty tables, manifest
    duplicates: list[dict[str, Any]] = []
    if not failed:
        duplicates = _drop_duplicates(out, [s.shard_id for s in shards],
                                      {s.shard_id for s in pending})
    run_errors = [
        error_row(ErrorRecord(source=d["source"] or "", stage="ingest", error="duplicate_id",
                              message=f"doc_id {d['doc_id']!r} was already produced by an "
                              f"earlier input ({d['kept_source']}); this copy was dropped",
                              doc_id=d["doc_id"]))
        for d in duplicates
    ]
    by_id = {s.shard_id: s for s in shards}
    run_errors += [
        error_row(ErrorRecord(source=by_id[sid].path, stage="run", error="shard_failed",
                              message=f"{why} (shard {sid}; rerun with --resume)"))
        for sid, why in sorted(failed.items())
    ]
    run_part = out / "errors" / f"{W.RUN_PART_PREFIX}-00000.parquet"
    if run_errors:
        W.write_parquet(run_part, "errors", run_errors)
    else:
        with contextlib.suppress(FileNotFoundError):
            run_part.unlink()
    W.finish_tables(out)
    counts = W.count_rows(out)
    seconds = time.perf_counter() - t0

    markers = W.done_shards(out)
    inputs_info = [markers[s.shard_id]["input"] for s in shards
                   if s.shard_id in markers and markers[s.shard_id].get("input")]
    total_words = sum(int(m.get("n_words", 0)) for sid, m in markers.items() if sid in wanted)
    ended = _now()
    attempt.update(ended_at=ended, status=status, shards_processed=len(pending) - len(failed),
                   n_words=n_words, seconds=round(seconds, 3),
                   words_per_s=round(n_words / seconds, 1) if seconds > 0 else None)
    attempt.update(workers=cluster_size["workers"], threads=cluster_size["threads"])
    manifest.update(
        status=status,
        ended_at=ended,
        workers=cluster_size["workers"],
        threads=cluster_size["threads"],
        inputs=inputs_info,
        shards={"total": len(shards), "done": len(shards) - len(failed),
                "skipped_as_done": len(done), "failed": sorted(failed)},
        counts=counts,
        n_words=total_words,
        duplicates_dropped=len(duplicates),
        pipeline_components=pipes or (earlier or {}).get("pipeline_components"),
    )
    W.write_manifest(out, manifest)
    return RunSummary(
        out=out, run_id=run_id, status=status, counts=counts, n_words=n_words, seconds=seconds,
        engine=engine, workers=cluster_size["workers"], threads=cluster_size["threads"],
        shards_total=len(shards), shards_done=len(shards) - len(failed),
        shards_skipped=len(done), failed_shards=sorted(failed),
        duplicates_dropped=len(duplicates), fail_on_error=fail_on_error,
    )


def _drop_duplicates(out: Path, shard_order: list[str],
                     redone: set[str]) -> list[dict[str, Any]]:
    """Drop documents whose doc_id an earlier shard produced. The plan is saved first
    (`_run/duplicates.json`), so that an interrupted run resumes it rather than forgetting
    what it already dropped. Entries for shards `redone` by this attempt (their parts are new)
    or no longer in the run are discarded: the check below finds them again if still true."""
    plan_file = out / W.RUN_DIR / "duplicates.json"
    plan: dict[tuple[str, str], dict[str, Any]] = {}
    wanted = set(shard_order)
    if plan_file.exists():
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            for d in json.loads(plan_file.read_text("utf-8")):
                if d["shard_id"] in wanted and d["shard_id"] not in redone:
                    plan[(d["doc_id"], d["shard_id"])] = d
    for doc_id, sid, source, kept_source in W.find_duplicates(out, shard_order):
        plan[(doc_id, sid)] = {"doc_id": doc_id, "shard_id": sid, "source": source,
                               "kept_source": kept_source}
    if not plan:
        with contextlib.suppress(FileNotFoundError):
            plan_file.unlink()
        return []
    entries = [plan[k] for k in sorted(plan)]
    W.atomic_write_json(plan_file, entries)
    by_shard: dict[str, set[str]] = {}
    for d in entries:
        by_shard.setdefault(d["shard_id"], set()).add(d["doc_id"])
    for sid, ids in sorted(by_shard.items()):
        W.drop_documents(out, sid, ids)
    log.warning("%d document(s) with a doc_id seen in an earlier input were dropped",
                len(entries))
    return entries
