"""`biotab run`: shards of input in, Parquet tables out, on one or many processes.

Work is split into shards (`pipeline.ingest.list_shards`: one per file, JSONL files in blocks of
`block_size` lines), and the shards into units of consecutive shards (`pipeline.runner.units`),
the tasks the engines run. The parts, each in its own module of `pipeline.runner`:

* `units`: the plan of units, and the ordered compaction of their files, at the end, into
  parts of at most `part_rows` rows / `part_mb` MB per table.
* `shard`: `process_unit`, one unit's whole work (read, annotate, write its part files,
  record it), the same on every engine; `ShardOptions`, what a worker needs besides the unit.
* `local`: the local engine, the shards in this process (``--workers 1``) or in a pool of
  worker processes (forked from the driver, which builds the pipeline once, where that is safe;
  else spawned, each building it).
* `dask_engine`: one task per shard on a Dask cluster (a `LocalCluster`, or ``--scheduler``;
  how to run on a real cluster is in its docstring).
* `bookkeeping`: the manifest, resume (which finished shards are kept, inputs whose SHA-256
  changed), duplicate doc_ids across shards.
* `paths`, `lock`: absolute paths, an ``--out`` that must not overlap the inputs, and the lock
  file that keeps a second run out of the same ``--out``.
* `threads`: the one place that limits BLAS/OpenMP threads; `progress`: the progress display.

This module checks the options, puts the parts together and returns a `RunSummary`.

Determinism: shards are listed in input order and cut into units by input size only; each unit
is processed alone into its own files, and the compaction merges them in unit order, so the
engine, the number of workers and an interruption (with --resume) do not change the tables.
A doc_id seen twice is kept once (the first in input order, or with `keep_duplicates="last"`
the last; the others become `duplicate_id` error rows); with `pubmed_updates` (NLM's daily
update files: the last copy kept) a `<DeleteCitation>` list deletes the copies read before it
(`deleted_citation` error rows).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shlex
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline import output_folder as O
from pipeline import write as W
from pipeline.ingest import MISSING_PATH, Shard, list_shards
from pipeline.ingest.dedupe import DEFAULT_KEEP, DELETED, DUPLICATE, keep_choice
from pipeline.limits import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_BLOCK_SIZE,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_PART_MB,
    DEFAULT_PART_ROWS,
    MAX_DOC_TIMEOUT_S,
    effective_doc_timeout,
)
from pipeline.paths import DEFAULT_OUTPUT
from pipeline.plural import noun, plural
from pipeline.runner import bookkeeping as B
from pipeline.runner import units as U
from pipeline.runner.dask_engine import run_dask
from pipeline.runner.errors import EngineStartError, PipelineLoadError, RunError, stop_reason
from pipeline.runner.local import PoolOutcomes, run_inline, run_pool
from pipeline.runner.lock import RunLock
from pipeline.runner.lock import acquire as acquire_lock
from pipeline.runner.paths import absolute_inputs, check_paths
from pipeline.runner.progress import Reporter, progress_mode
from pipeline.runner.shard import (
    NlpFactory,
    Outcome,
    ShardOptions,
    ShardResult,
    default_nlp,
    describe_factory,
    process_age,
    process_unit,
    worker_nlp,
)

__all__ = ["ENGINES", "PipelineLoadError", "RunError", "RunSummary", "ShardOptions",
           "ShardResult", "default_nlp", "process_unit", "run", "worker_nlp"]

log = logging.getLogger(__name__)

#: the ingest caps in the CLI's unit (megabytes)
DEFAULT_MAX_FILE_MB: float | None = (
    None if DEFAULT_MAX_BYTES is None else DEFAULT_MAX_BYTES / 2**20)
DEFAULT_MAX_RECORD_MB: float = DEFAULT_MAX_RECORD_BYTES / 2**20

ENGINES = ("local", "dask")
#: The largest size option taken, in MB (an exbibyte): its bytes must fit a C integer.
MAX_MB = 2**40


@dataclass
class RunSummary:
    """What a run did; `line()` is its summary on one line, `counts_text()`, `speed_text()`
    and `notes()` its pieces."""

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
    #: documents dropped because a later `<DeleteCitation>` list deletes them
    citations_deleted: int = 0
    fail_on_error: bool = False
    #: which copy of a doc_id the run kept, "first" or "last" (`expected_errors`)
    keep_duplicates: str = DEFAULT_KEEP
    threads: int = 0  # dask: the cluster's threads (local: one per worker process)
    #: rows of the errors table per `error` kind (`write.count_error_kinds`)
    error_kinds: dict[str, int] = field(default_factory=dict)
    workers_asked: int = 0  # --workers (local: at most one process per unit of work is started)
    units_pending: int = 0  # units of work this attempt had to do (resumed ones not counted)

    @property
    def expected_errors(self) -> int:
        """Error rows the run's options ask for, which `fail_on_error` does not count: the
        copies replaced or deleted under `--keep-duplicates last` / `--pubmed-updates`
        (`_expected_errors` of `error_kinds`)."""
        return _expected_errors(self.error_kinds, self.keep_duplicates)

    @property
    def reader_failures(self) -> int:
        """The "reader_failed" error rows (a reader's bug lost the rest of a shard's records):
        read from `error_kinds`, so the two counts cannot disagree."""
        return self.error_kinds.get("reader_failed", 0)

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
        """1 when shards failed, when a reader failed (records lost to a bug of biotab's), or
        when there are error rows other than `expected_errors` and `fail_on_error`; else 0."""
        unexpected = self.errors - self.expected_errors
        if self.failed_shards or self.reader_failures or (self.fail_on_error and unexpected):
            return 1
        return 0

    def counts_text(self) -> str:
        """"N documents, N mentions, N outcomes, N errors"."""
        return ", ".join(plural(n, word) for n, word in (
            (self.documents, "document"), (self.mentions, "mention"),
            (self.outcomes, "outcome"), (self.errors, "error")))

    def speed_text(self) -> str:
        """"N words/s (N words in Ns, ENGINE, N workers[, N threads])"; "no word annotated (Ns,
        ...)" when the attempt annotated nothing (a resume of a finished run, no document read),
        where "0 words/s" read as a run that had stalled."""
        threads = f", {plural(self.threads, 'thread')}" if self.engine == "dask" else ""
        how = f"{self.seconds:.1f}s, {self.engine}, {plural(self.workers, 'worker')}{threads}"
        if not self.n_words:
            return f"no word annotated ({how})"
        return f"{self.words_per_s:,.0f} words/s ({plural(self.n_words, 'word')} in {how})"

    def notes(self) -> list[str]:
        """What a user must not miss, each printed in brackets: resumed shards, failed shards,
        records a reader lost, a run that read no document (its error rows per kind), input
        paths not found beside others that were read."""
        out = []
        if self.shards_skipped:
            out.append(f"resumed: {self.shards_skipped:,} of {plural(self.shards_total, 'shard')} "
                       f"{noun(self.shards_skipped, 'was', 'were')} done")
        if self.engine == "local" and 0 < self.units_pending < self.workers_asked:
            out.append(f"{self.workers_asked} workers asked, {self.workers:,} used: the input "
                       f"gave {plural(self.units_pending, 'unit')} of work to do and a unit goes "
                       "to one worker (only JSON Lines files are cut into several: give "
                       "several files to use more workers)")
        if self.failed_shards:
            out.append(f"INCOMPLETE: {plural(len(self.failed_shards), 'shard')} failed; "
                       "rerun with --resume")
        if self.reader_failures:
            out.append(f"RECORDS LOST: a reader failed in {plural(self.reader_failures, 'shard')}; "
                       "see the errors rows 'reader_failed'")
        # an empty input folder or a typo among several paths is an error row, not a refusal:
        # without these notes only "N errors" told that something was not read
        if not self.documents and self.errors:
            kinds = sorted(self.error_kinds.items(), key=lambda kv: (-kv[1], kv[0]))
            out.append("no document was read; see the errors table: "
                       + ", ".join(f"{kind} {n:,}" for kind, n in kinds))
        elif missing := self.error_kinds.get(MISSING_PATH, 0):
            out.append(f"{plural(missing, 'input path')} not found; see the errors rows "
                       f"'{MISSING_PATH}'")
        return out

    def line(self) -> str:
        """The whole summary on one line (the CLI prints it in lines: `cli.summary_lines`)."""
        return (f"{self.counts_text()}; {self.speed_text()} -> {self.out}"
                + "".join(f" [{note}]" for note in self.notes()))


@dataclass
class _Request:
    """A run's checked options (what `run` was asked to do)."""

    inputs: list[str]
    out: Path
    fmt: str | None
    workers: int
    engine: str
    scheduler: str | None
    resume: bool
    overwrite: bool
    quiet: bool
    fail_on_error: bool
    block_size: int | None
    part_rows: int
    part_bytes: int
    unit_bytes: int | None
    opts: ShardOptions
    cmd: list[str]
    progress_interval: float
    #: when the calling process started, Unix seconds: the attempt's `timeline` and the
    #: workers' units (`bookkeeping.worker_stats`) are given in seconds since then
    origin: float


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
    block_size: int | None = DEFAULT_BLOCK_SIZE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    part_rows: int = DEFAULT_PART_ROWS,
    part_mb: float = DEFAULT_PART_MB,
    unit_bytes: int | None = None,
    max_file_mb: float | None = DEFAULT_MAX_FILE_MB,
    max_record_mb: float = DEFAULT_MAX_RECORD_MB,
    doc_timeout_s: float | None = None,
    keep_duplicates: str | None = None,
    pubmed_updates: bool = False,
    nlp_factory: NlpFactory = default_nlp,
    command: Sequence[str] | None = None,
    progress_interval: float = 10.0,
) -> RunSummary:
    """Process `inputs` (files and folders) into the Parquet tables in `out`.

    Raises `RunError` for options that cannot work (no input path exists, an `out` that
    overlaps an input, another run holding `out`, resuming with other settings),
    `output_folder.OutputExistsError` when `out` holds an earlier run and neither `overwrite`
    nor `resume` is set, `ValueError` for `overwrite` together with `resume`, and
    `PipelineLoadError` when the spaCy pipeline cannot be built. Bad input never raises: it
    becomes error rows. A shard that fails (a bug, a dead worker) is reported in the summary
    (`failed_shards`, exit code 1) and redone by `resume=True`.
    Each table ends up in part files of at most `part_rows` rows and `part_mb` MB (whichever
    comes first; `pipeline.runner.units`). `unit_bytes` overrides the input bytes per unit of
    work (tests and benchmarks: many small units). `max_file_mb` caps the decompressed bytes
    read per input file (None: no cap) and `max_record_mb` one record (a txt file, a JSON line,
    an XML record): beyond them an error row, and what came before is kept.
    `doc_timeout_s` is the time one document may take before it becomes an error row
    (None: `pipeline.limits.DEFAULT_DOC_TIMEOUT_S`; 0: no limit).
    `keep_duplicates`: keep the copy of a doc_id read "first" (None) or "last"; `pubmed_updates`:
    the last, and a `<DeleteCitation>` list deletes the copies read before it.
    With `workers=1` the documents are annotated in the calling process, whose glibc allocator
    then keeps freed memory for the rest of its life (`pipeline.runner.allocator`).
    """
    t0 = time.perf_counter()
    started = B.now()
    origin = time.time() - process_age()  # when this process started (the run's timeline)
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if workers is None:
        workers = os.cpu_count() or 1
    _check_options(engine=engine, workers=workers, batch_size=batch_size, block_size=block_size,
                   part_rows=part_rows, part_mb=part_mb, max_file_mb=max_file_mb,
                   max_record_mb=max_record_mb, doc_timeout_s=doc_timeout_s,
                   overwrite=overwrite, resume=resume)
    keep = _keep(keep_duplicates, pubmed_updates)
    check_paths(inputs, out)  # before anything is read, written or loaded
    req = _Request(
        inputs=absolute_inputs(inputs), out=Path(os.path.abspath(out)), fmt=fmt,
        workers=workers, engine=engine, scheduler=scheduler, resume=resume,
        overwrite=overwrite, quiet=quiet, fail_on_error=fail_on_error, block_size=block_size,
        part_rows=part_rows, part_bytes=_bytes(part_mb), unit_bytes=unit_bytes,
        opts=ShardOptions(nlp_factory=nlp_factory, id_field=id_field, text_field=text_field,
                          title_field=title_field, batch_size=batch_size,
                          part_rows=part_rows,
                          max_bytes=None if max_file_mb is None else _bytes(max_file_mb),
                          max_record_bytes=_bytes(max_record_mb),
                          doc_timeout_s=doc_timeout_s, keep_duplicates=keep,
                          apply_deletions=pubmed_updates),
        cmd=list(command) if command is not None else list(sys.argv),
        progress_interval=progress_interval, origin=origin,
    )
    return _run_request(req, t0, started)


def _bytes(mb: float) -> int:
    """A size option given in MB (`--part-mb`, `--max-file-mb`, ...) in bytes, at least 1."""
    return max(1, int(mb * 2**20))


def _run_request(req: _Request, t0: float, started: str) -> RunSummary:
    """The run of a checked request (`t0`: its `perf_counter` start, `started`: its UTC
    start): its shards listed, then run with `req.out` locked (`_run_locked`); the lock is
    released however the run ends."""
    if req.out.exists() and not req.out.is_dir():
        raise O.OutputExistsError(f"output path {req.out} exists and is not a folder")
    shards = _shards(req)
    lock = acquire_lock(req.out, take_over_stale=req.resume or req.overwrite,
                        command=shlex.join(req.cmd))
    try:
        return _run_locked(req, shards, lock, t0, started)
    finally:
        lock.release()


def _shards(req: _Request) -> list[Shard]:
    """The shards of the request's inputs (an input given twice, once); RunError for an
    unknown format."""
    try:
        return B.unique_shards(list_shards(req.inputs, req.fmt, req.block_size,
                                           max_bytes=req.opts.max_bytes), req.out)
    except ValueError as exc:
        raise RunError(str(exc)) from exc


def _keep(keep_duplicates: str | None, pubmed_updates: bool) -> str:
    """The copy of a doc_id kept (`--keep-duplicates`, `--pubmed-updates`: `keep_choice`); a
    `RunError` for a choice that does not exist or contradicts `--pubmed-updates`."""
    try:
        return keep_choice(keep_duplicates, pubmed_updates)
    except ValueError as exc:
        raise RunError(str(exc)) from None


def _check_options(*, engine: str, workers: int, batch_size: int, block_size: int | None,
                   part_rows: int, part_mb: float, max_file_mb: float | None,
                   max_record_mb: float, doc_timeout_s: float | None, overwrite: bool,
                   resume: bool) -> None:
    """`RunError` (`ValueError` for `overwrite` with `resume`) naming the first option that
    cannot work."""
    for name, value in (("--part-mb", part_mb), ("--max-file-mb", max_file_mb),
                        ("--max-record-mb", max_record_mb), ("--doc-timeout", doc_timeout_s)):
        if value is not None and not math.isfinite(value):
            raise RunError(f"{name} must be a finite number, got {value}")
    for name, mb in (("--part-mb", part_mb), ("--max-file-mb", max_file_mb),
                     ("--max-record-mb", max_record_mb)):
        if mb is not None and mb > MAX_MB:
            raise RunError(f"{name} must be at most {MAX_MB:,} (MB), got {mb:g}")
    if engine not in ENGINES:
        raise RunError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers < 1:
        raise RunError("--workers must be at least 1")
    if batch_size < 1:
        raise RunError("--batch-size must be at least 1")
    if block_size is not None and block_size < 0:
        raise RunError("--block-size must be 0 (whole files) or more")
    if part_rows < 1 or not part_mb > 0:
        raise RunError("--part-rows must be at least 1 and --part-mb more than 0")
    # each option named alone: `--max-record-mb 0` is no word about --max-file-mb (whose 0,
    # on the command line, lifts the cap: None here)
    if max_file_mb is not None and not max_file_mb > 0:
        raise RunError("--max-file-mb must be more than 0 (or no cap)")
    if not max_record_mb > 0:
        raise RunError(f"--max-record-mb must be more than 0, got {max_record_mb:g}")
    if doc_timeout_s is not None and not 0 <= doc_timeout_s <= MAX_DOC_TIMEOUT_S:
        raise RunError(f"--doc-timeout must be 0 (no limit) to {MAX_DOC_TIMEOUT_S:.0f} s")
    if overwrite and resume:
        raise ValueError("--overwrite and --resume exclude each other")


def _record_failure(out: Path, manifest: dict[str, Any], attempt: dict[str, Any],
                    exc: BaseException) -> None:  # fmt: skip
    """The manifest of a run that stopped with `exc`: failed or interrupted. A pipeline that
    could not be built, or an engine that could not start (a Dask scheduler out of reach),
    failed before any row: what the attempt wrote is removed instead
    (`bookkeeping.undo_rowless_attempt`), so that the next plain run is not refused."""
    if isinstance(exc, (PipelineLoadError, EngineStartError)) and B.undo_rowless_attempt(out):
        return
    status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
    manifest.update(status=status, ended_at=B.now(), error=stop_reason(exc))
    attempt.update(ended_at=manifest["ended_at"], status=status)
    W.write_manifest(out, manifest)


def _settings(req: _Request) -> dict[str, Any]:
    """The run's settings that decide the tables (`bookkeeping.settings`): a resume must use
    the same."""
    opts = req.opts
    return B.settings(req.inputs, req.fmt, opts.id_field, opts.text_field, opts.title_field,
                      req.block_size, describe_factory(opts.nlp_factory),
                      limits={"max_bytes": opts.max_bytes,
                              "max_record_bytes": opts.max_record_bytes,
                              # the limit applied (0: none), not the option given: the
                              # default and its value are one setting
                              "doc_timeout_s": effective_doc_timeout(opts.doc_timeout_s) or 0,
                              # part boundaries: a resumed run must cut the same parts
                              "part_rows": req.part_rows,
                              "part_bytes": req.part_bytes},
                      keep_duplicates=opts.keep_duplicates,
                      pubmed_updates=opts.apply_deletions)


def _run_locked(req: _Request, shards: list[Shard], lock: RunLock, t0: float,
                started: str) -> RunSummary:
    """The run, with `req.out` locked: prepare the folder, process the pending shards, finish
    the tables and the manifest."""
    out, opts = req.out, req.opts
    run_settings = _settings(req)
    units = U.plan_units(shards, req.part_bytes, req.unit_bytes, max_bytes=opts.max_bytes,
                         max_record_bytes=opts.max_record_bytes,
                         split_files=bool(req.block_size))
    shards = [s for u in units for s in u.shards]  # with the blocks the plan cut files into
    prepared = B.prepare(out, units, run_settings, overwrite=req.overwrite, resume=req.resume)
    pending = [u for u in units if u.unit_id not in prepared.done]
    run_id = (prepared.earlier or {}).get("run_id") or uuid.uuid4().hex
    attempt = {"started_at": started, "command": shlex.join(req.cmd), "engine": req.engine,
               "workers": req.workers, "scheduler": req.scheduler,
               "units": len(units), "units_pending": len(pending),
               "shards_pending": sum(len(u.shards) for u in pending)}
    if lock.stale is not None:
        attempt["took_over_stale_lock"] = lock.stale
    if prepared.changed:
        attempt["inputs_changed"] = prepared.changed
    manifest = B.start_manifest(out, prepared, run_settings, attempt, run_id=run_id,
                                cmd=req.cmd, batch_size=opts.batch_size,
                                use_ner=B.uses_ner(opts.nlp_factory))
    lock.stale_noted = True

    n_procs = min(req.workers, max(len(pending), 1))
    # local: the processes started; dask: the cluster's, as its scheduler reports them
    size = {"workers": n_procs, "threads": n_procs}
    reporter = Reporter(len(shards), progress_mode(req.quiet), interval=req.progress_interval)
    reporter.shards = sum(len(u.shards) for u in units if u.unit_id in prepared.done)
    # where the run's wall time goes, in seconds since this process started: the engine
    # started (inputs listed, units planned, manifest begun), the last unit's outcome came
    # in, the tables were finished (`worker_stats`: each worker's first and last unit)
    timeline = {"engine_s": _since(req.origin)}
    try:
        # the local pool starts here (its workers may be forked: before the progress thread)
        outcomes = _engine(req, pending, n_procs, reporter, run_id, size)
        failed, n_words, pipes = _collect(outcomes, reporter, live=req.engine == "local")
    except BaseException as exc:
        _record_failure(out, manifest, attempt, exc)
        raise
    timeline["units_done_s"] = _since(req.origin)

    if isinstance(outcomes, PoolOutcomes) and outcomes.driver_startup:
        attempt["driver_startup"] = outcomes.driver_startup
    finished = _finish_tables(req, units, pending, failed, prepared, manifest, attempt)
    timeline["tables_done_s"] = _since(req.origin)
    attempt["timeline"] = timeline
    counts = finished.counts
    by_id = {u.unit_id: u for u in units}
    failed_shards = sorted(s.shard_id for uid in failed for s in by_id[uid].shards)
    skipped = sum(len(by_id[uid].shards) for uid in prepared.done if uid in by_id)
    seconds = time.perf_counter() - t0
    status = "complete" if not failed else "incomplete"
    attempt.update(ended_at=B.now(), status=status,
                   shards_processed=len(shards) - skipped - len(failed_shards),
                   n_words=n_words, seconds=round(seconds, 3),
                   words_per_s=round(n_words / seconds, 1) if seconds > 0 else None, **size)
    B.finish_manifest(
        out, manifest, units, prepared, status=status, counts=counts,
        shards={"total": len(shards), "done": len(shards) - len(failed_shards),
                "skipped_as_done": skipped, "failed": failed_shards, "units": len(units)},
        parts={"rows": req.part_rows, "bytes": req.part_bytes},
        duplicates_dropped=finished.duplicates, citations_deleted=finished.citations_deleted,
        pipeline_components=pipes, origin=req.origin, **size,
    )
    # the errors table's rows per kind, read once (reader failures, the expected rows)
    kinds = W.count_error_kinds(out) if counts.get("errors") else Counter()
    return RunSummary(
        out=out, run_id=run_id, status=status, counts=counts, n_words=n_words, seconds=seconds,
        engine=req.engine, workers=size["workers"], threads=size["threads"],
        shards_total=len(shards), shards_done=len(shards) - len(failed_shards),
        shards_skipped=skipped, failed_shards=failed_shards,
        duplicates_dropped=finished.duplicates, citations_deleted=finished.citations_deleted,
        fail_on_error=req.fail_on_error,
        keep_duplicates=req.opts.keep_duplicates,
        error_kinds=dict(kinds), workers_asked=req.workers, units_pending=len(pending),
    )


def _since(origin: float) -> float:
    """Seconds from `origin` (Unix seconds) to now, to the millisecond."""
    return round(time.time() - origin, 3)


def _expected_errors(kinds: Mapping[str, int], keep: str) -> int:
    """The error rows `keep` "last" asks for, which `--fail-on-error` does not count: every
    `duplicate_id` and `deleted_citation` row of the errors table (`kinds`: its rows per kind;
    a copy replaced by a later one of the same input is a row too, though `duplicates_dropped`
    counts only the copies of other inputs)."""
    if keep != "last":
        return 0
    return kinds.get(DUPLICATE, 0) + kinds.get(DELETED, 0)


def _finish_tables(req: _Request, units: list[U.Unit], pending: list[U.Unit],
                   failed: dict[str, str], prepared: B.Prepared, manifest: dict[str, Any],
                   attempt: dict[str, Any]) -> B.Finished:
    """The driver's end of the tables (`bookkeeping.finish_output`), timed in the attempt's
    `finish_s`: the serial tail of a run (duplicates across units, compaction), what a plan
    for a larger corpus adds to the workers' time (`benchmarks/run_speed.py`). Stopped in it
    (Ctrl-C, SIGTERM, a full disk; at PubMed's size it rewrites the whole output), the run is
    recorded as interrupted or failed, as when stopped during its units."""
    t_finish = time.perf_counter()
    try:
        finished = B.finish_output(req.out, units, pending, failed, req.part_rows,
                                   req.part_bytes, prepared.plan, req.opts.keep_duplicates,
                                   req.opts.apply_deletions, threads=_compaction_threads(req))
    except BaseException as exc:
        _record_failure(req.out, manifest, attempt, exc)
        raise
    attempt["finish_s"] = round(time.perf_counter() - t_finish, 3)
    return finished


def _compaction_threads(req: _Request) -> int:
    """Groups committed at once after the units: the cores the run was given on this machine
    (`--workers`, also when a resume had no unit left to do); with a remote Dask scheduler the
    workers are elsewhere and this machine's cores are idle."""
    if req.scheduler is not None:
        return os.cpu_count() or 1
    return req.workers


def _engine(req: _Request, pending: list[U.Unit], n_procs: int, reporter: Reporter,
            run_id: str, size: dict[str, int]) -> Iterator[Outcome]:
    """The outcomes of the pending shards, from the engine the request names."""
    if not pending:
        return iter(())
    opts = replace(req.opts, run_id=run_id)  # (recorded in the units' part files)
    if req.engine == "dask":
        return run_dask(pending, req.out, opts, n_procs, req.scheduler, run_id[:8], size)
    if n_procs == 1:
        return run_inline(pending, req.out, opts, reporter)
    log_level = logging.ERROR if req.quiet else logging.WARNING
    return run_pool(pending, req.out, opts, n_procs, reporter, log_level)


def _collect(outcomes: Iterator[Outcome], reporter: Reporter,
             live: bool) -> tuple[dict[str, str], int, list[str]]:
    """Go through the engine's outcomes: (failed unit id -> reason, words, pipe names). On an
    exception (Ctrl-C, the pipeline cannot load) the engine is closed, which stops its
    workers."""
    failed: dict[str, str] = {}
    n_words = 0
    pipes: list[str] = []
    try:
        reporter.start(live=live)
        for unit, result, error in outcomes:
            if result is not None:
                n_words += result.n_words
                pipes = pipes or result.pipes
            else:
                failed[unit.unit_id] = f"{type(error).__name__}: {error}"
                log.error("unit %s (%s from %s) failed: %s", unit.unit_id,
                          plural(len(unit.shards), "input shard"), unit.shards[0].path,
                          failed[unit.unit_id])
            reporter.shard_done(result, len(unit.shards))
    except BaseException:
        reporter.stop()
        close = getattr(outcomes, "close", None)
        if close is not None:  # the engine stops its workers (in its `finally`)
            with contextlib.suppress(Exception):
                close()
        raise
    finally:
        reporter.stop()
    return failed, n_words, pipes
