"""One unit's work, the same on every engine: read, annotate, write, record.

`process_unit` reads the documents of the unit's shards (`pipeline.runner.units.Unit`:
consecutive shards in input order) as a stream, runs them through the spaCy pipeline in
batches (`pipeline.process.process_documents`) and writes the unit's own Parquet part files
(`pipeline.shard_writer.ShardWriter`, a row group every few thousand rows, so memory stays flat); it
then writes the unit's marker `OUT/_shards/<unit_id>.json` (its shards, with each input's size,
modification time and SHA-256; its part files) and returns small counts. The
pipeline is built once per process (`worker_nlp`, kept in the process's `ProcessState`) and its
objects are moved out of the cyclic GC's reach (`freeze_once`), so the periodic collections stay
cheap.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import write as W
from pipeline.collector import collector_paused
from pipeline.documents import Document, ErrorRecord, Notice
from pipeline.ingest import Shard, read_shard
from pipeline.ingest.dedupe import (
    DEFAULT_KEEP,
    CopiesCheck,
    copies_check,
    is_deletion,
)
from pipeline.limits import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_PART_ROWS,
    effective_doc_timeout,
)
from pipeline.paths import models_dir
from pipeline.plural import plural
from pipeline.runner.allocator import keep_freed_memory
from pipeline.runner.bookkeeping import file_stat
from pipeline.runner.errors import PipelineLoadError
from pipeline.runner.units import Unit
from pipeline.shard_writer import ShardWriter

if TYPE_CHECKING:
    from spacy.language import Language

#: A cyclic garbage collection after this many documents (and after every shard).
GC_EVERY_DOCS = 500
NlpFactory = Callable[[], "Language"]
ProgressFn = Callable[[int, int], None]


def warm_up(nlp: Language) -> None:
    """`pipeline.nlp.warm_up` (imported here only: see `default_nlp`)."""
    from pipeline.nlp import warm_up as warm

    warm(nlp)


def default_nlp(**options: Any) -> Language:
    """`pipeline.nlp.build_nlp(**options)`, imported only in the process that builds it: the
    driver of a process pool never imports spaCy, so its workers start a second sooner. Without
    a `model` option, the trained model (`pipeline.paths.trained_ner_model`: a FileNotFoundError
    when its folder is missing, rather than `build_nlp`'s silent fall-back to the lexicons;
    `model=None`, `--no-model`, asks for the lexicons alone)."""
    from pipeline.nlp import build_nlp
    from pipeline.paths import trained_ner_model

    if options.get("model", "auto") == "auto":
        options = {**options, "model": trained_ner_model()}
    return build_nlp(**options)


@dataclass(frozen=True)
class ShardOptions:
    """Everything a worker needs besides the shard: small, picklable, and the one place a new
    per-shard setting goes (a field with a default here, passed by `pipeline.run.run`)."""

    nlp_factory: NlpFactory
    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"
    batch_size: int = DEFAULT_BATCH_SIZE
    row_group_rows: int = W.ROW_GROUP_ROWS
    part_rows: int = DEFAULT_PART_ROWS
    #: decompressed bytes read per input file / held for one record (pipeline.ingest.common)
    max_bytes: int | None = DEFAULT_MAX_BYTES
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    #: seconds one document may take, as given (None: the default; 0: no limit; read through
    #: `pipeline.limits.effective_doc_timeout`)
    doc_timeout_s: float | None = None
    #: which copy of a doc_id read twice is kept (`--keep-duplicates`: "first" or "last"), and
    #: whether `<DeleteCitation>` lists delete the copies read before them (`--pubmed-updates`)
    keep_duplicates: str = DEFAULT_KEEP
    apply_deletions: bool = False
    #: the output folder's run id (its manifest's), recorded in every part file a unit writes
    run_id: str | None = None


@dataclass
class ShardResult:
    """What a finished unit reports (also the content of its marker file). `shard_info`: per
    shard in order, {shard_id, input (path, format, bytes, sha256 for a file's first shard),
    input_stat (bytes, mtime_ns)}."""

    shard_id: str  # the unit id
    source: str  # the unit's first input
    counts: dict[str, int]
    n_words: int
    seconds: float
    shard_info: list[dict[str, Any]] = field(default_factory=list)
    #: MEDLINE/PubMed `<DeleteCitation>` lists read: [{source, pmids}] (not documents)
    deleted_citations: list[dict[str, Any]] = field(default_factory=list)
    worker: str = ""
    pipes: list[str] = field(default_factory=list)
    duplicates: int = 0  # documents dropped as copies of one from another shard of the unit
    #: documents dropped because a later `<DeleteCitation>` list of the unit deletes them
    citations_deleted: int = 0
    #: the unit's own part files (``<table>/<name>``): a resume redoes a unit with one missing
    files: list[str] = field(default_factory=list)
    #: the worker process: seconds from its start to a warmed-up pipeline (wall clock, and its
    #: CPU time, which other jobs on the machine do not inflate; in a pool worker, else the
    #: build and warm-up only: see `worker_nlp`), of which building and warming up the
    #: pipeline; its peak RSS so far (`worker_stats` in the manifest)
    startup_s: float = 0.0
    startup_cpu_s: float = 0.0
    build_s: float = 0.0
    peak_rss_mb: float = 0.0
    #: when the unit started, Unix seconds (the manifest's `worker_stats` place each worker's
    #: units on the run's timeline: `bookkeeping.worker_stats`)
    started_at: float = 0.0

    @property
    def n_docs(self) -> int:
        return self.counts.get("documents", 0)


def describe_factory(factory: Any) -> str:
    """A readable, stable name of a pipeline factory (recorded in the manifest's settings)."""
    if isinstance(factory, partial):
        args = ", ".join([*map(repr, factory.args),
                          *(f"{k}={v!r}" for k, v in sorted(factory.keywords.items()))])
        return f"{describe_factory(factory.func)}({args})"
    module = getattr(factory, "__module__", None) or ""
    name = getattr(factory, "__qualname__", None) or type(factory).__name__
    return f"{module}.{name}" if module else name


@dataclass(frozen=True)
class Startup:
    """This process's start-up (`ShardResult.startup_s`, `startup_cpu_s`, `build_s`)."""

    startup_s: float
    startup_cpu_s: float
    build_s: float


@dataclass
class ProcessState:
    """Per-process state, not constants: each process (a pool worker, a Dask worker, the driver
    of `--workers 1`) has its own; a worker forked from the driver starts with a copy of the
    driver's (`forked_startup` then sets its own start-up)."""

    #: the spaCy pipeline built here (`worker_nlp`) and the key of its factory: one at a time
    nlp: Language | None = None
    nlp_key: Any = None
    #: set when `worker_nlp` first builds a pipeline here (or by `forked_startup`)
    startup: Startup | None = None
    #: the pipeline's objects are out of the cyclic GC's reach (`freeze_once`)
    frozen: bool = False


#: This process's state (`ProcessState`).
_process = ProcessState()


def process_age() -> float:
    """Seconds since this process started. Linux: the kernel's start time in clock ticks since
    boot (`/proc/self/stat`) against the time since boot (`/proc/uptime`), to 10 ms. (psutil's
    `create_time` adds the boot time, which Linux gives in whole seconds: ages came out up to a
    second too long.) Elsewhere psutil's."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            stat = fh.read()
        start_ticks = int(stat[stat.rindex(b")") + 2 :].split()[19])  # field 22, starttime
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return max(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        import psutil

        return max(time.time() - psutil.Process().create_time(), 0.0)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _factory_key(factory: NlpFactory) -> Any:
    """What a cached pipeline was built from: the factory and the models folder it reads
    (`BIOTAB_MODELS` may change between two runs of one process: a notebook, a test session;
    the same factory then builds another pipeline)."""
    try:
        made_by: Any = pickle.dumps(factory)
    except Exception:  # noqa: BLE001 - an unpicklable factory (a lambda): keyed by identity
        made_by = ("id", id(factory))
    return made_by, str(models_dir())


def worker_nlp(factory: NlpFactory, *, fresh_process: bool = False) -> Language:
    """The spaCy pipeline of this process, built once per factory (one cached at a time).

    `fresh_process`: the caller is a pool worker's initializer, so the process's age and CPU
    time are its start-up. Elsewhere (the driver with `--workers 1`, a Dask worker's first
    task, which may come long after the worker started) only the build and warm-up count."""
    key = _factory_key(factory)
    nlp = _process.nlp if _process.nlp_key == key else None
    if nlp is None:
        if _process.nlp is not None:
            # the pipeline dropped here is collected now: the freeze after this build
            # (`freeze_once`, `local.gc_frozen`) collects nothing first and would keep it
            forget_nlp()
            gc.collect()
        t0, cpu0 = time.perf_counter(), time.process_time()
        keep_freed_memory()  # before the build: its arrays are the first to stay
        # no automatic collection while the factory imports spaCy (`default_nlp`): about 300
        # collections, a full one among them, walked the new modules' objects (0.1 s)
        with collector_paused():
            try:
                nlp = factory()
                warm_up(nlp)
            except Exception as exc:
                # biotab's own pipeline is not named: users know it as "the pipeline"; the
                # factory is named when it is a caller's own (`pipeline.run.run(nlp_factory=)`)
                base = factory.func if isinstance(factory, partial) else factory
                own = "" if base is default_nlp else f" ({describe_factory(factory)})"
                raise PipelineLoadError(
                    f"could not build the spaCy pipeline{own}: {type(exc).__name__}: {exc}"
                ) from exc
            W.load_table_builders()  # not part of the build: its failure is no pipeline's
        _process.nlp, _process.nlp_key = nlp, key
        if _process.startup is None:
            build_s = time.perf_counter() - t0
            _process.startup = Startup(
                startup_s=round(process_age() if fresh_process else build_s, 3),
                startup_cpu_s=round(time.process_time() - (0.0 if fresh_process else cpu0), 3),
                build_s=round(build_s, 3))
    return nlp


def forked_startup(ready_at_s: float) -> None:
    """In a worker forked from a driver that had built the pipeline `ready_at_s` seconds after
    it started: this worker's start-up is that wait plus its own age (wall) and its own CPU
    time (the driver's build is counted once, by the driver: `PoolOutcomes.driver_startup`)."""
    _process.startup = Startup(startup_s=round(ready_at_s + process_age(), 3),
                               startup_cpu_s=round(time.process_time(), 3), build_s=0.0)


def forget_nlp() -> None:
    """Drop this process's cached pipeline (a driver whose forked workers have ended)."""
    _process.nlp = _process.nlp_key = None


def freeze_once() -> None:
    """In a worker process: move the pipeline's objects (they live as long as the process) out
    of the cyclic GC's reach, so that the periodic collections in `process_shard` are cheap.
    (The calling process of `--workers 1` freezes only for the run: `local.gc_frozen`.)"""
    if not _process.frozen:
        gc.freeze()  # not collected first: see `local.gc_frozen`
        _process.frozen = True


def _input_info(shard: Shard) -> dict[str, Any] | None:
    """The input file of a shard with its size and SHA-256 (reported by the first shard of a
    file only, so a file split into blocks is hashed once)."""
    if shard.start_record != 0:
        return None
    info: dict[str, Any] = {"path": shard.source, "format": shard.fmt}
    path = Path(shard.path)
    # (`is_file` inside the `try`: on Python 3.11 it raises for a path past the system's
    # length limit instead of saying False, and the unit would fail for want of a hash)
    try:
        if path.is_file():
            info["bytes"] = path.stat().st_size
            info["sha256"] = W.sha256_file(path)
    except OSError as exc:
        info["error"] = str(exc)
    return info


#: PMIDs of MEDLINE/PubMed `<DeleteCitation>` lists one unit keeps for the manifest. A real
#: daily update file deletes a few thousand; a file of nothing but lists (damage, or a gzip
#: bomb of them) would otherwise fill the worker's memory, its marker and the manifest. The
#: PMIDs past it are counted in one errors row ("deleted_citations_cut").
MAX_DELETED_PMIDS = 1_000_000
#: ... and lists it keeps apart (each with its own location, which the rows of the copies it
#: deletes name): NLM's update files have one each; past this many in a unit, a file's further
#: lists join its last entry, so that a file of many tiny lists does not swell the manifest.
MAX_DELETION_LISTS = 10_000


def _without_notices(records: Iterable[Document | ErrorRecord],
                     deleted: list[dict[str, Any]],
                     applied: bool = False) -> Iterator[Document | ErrorRecord]:
    """The records minus `Notice`s (PubMed's DeleteCitation lists), whose ids go to `deleted`
    for the manifest: an update file's deletions are neither documents nor errors. Each list
    makes an entry (its source and location: the driver's rows of the copies it deletes name
    it, as the unit's own rows do), at most `MAX_DELETION_LISTS` entries (a file's lists past
    them join its last entry) and `MAX_DELETED_PMIDS` PMIDs in all (`deleted` holds the unit's
    earlier shards' entries). `applied`: the lists delete documents (`--pubmed-updates`): the
    driver applies the entries to the copies of earlier units, so the PMIDs past the cap are
    not applied there (the unit's own copies are deleted by every list: `LastCopies`)."""
    room = MAX_DELETED_PMIDS - sum(len(d["pmids"]) for d in deleted)
    first_cut: Notice | None = None
    n_cut = 0
    for rec in records:
        if not is_deletion(rec):
            yield rec
            continue
        ids = list(rec.ids[:max(room, 0)])
        room -= len(ids)
        if len(ids) < len(rec.ids):
            first_cut = first_cut or rec
            n_cut += len(rec.ids) - len(ids)
        if not ids:
            continue
        if len(deleted) >= MAX_DELETION_LISTS and deleted[-1]["source"] == rec.source:
            deleted[-1]["pmids"].extend(ids)
        else:
            deleted.append({"source": rec.source, "location": rec.location, "pmids": ids})
    if first_cut is not None:
        yield ErrorRecord(
            source=first_cut.source, stage="ingest", error="deleted_citations_cut",
            location=first_cut.location,
            message=f"{plural(n_cut, 'PMID')} of <DeleteCitation> lists, from this "
                    f"list on (its first ones may be kept), are not in the manifest's "
                    f"deleted_citations"
                    + (" and delete no copy read in an earlier unit of work" if applied else "")
                    + f": more than {MAX_DELETED_PMIDS:,} in one unit")


def _read(nlp: Language, shard: Shard, opts: ShardOptions) -> Iterator[Document | ErrorRecord]:
    """The shard's records (`read_shard`). A text file's title is searched with the metadata
    rules of `nlp`'s sections component, so that `documents.title` is the line it labels
    "Title" (`sections.title_rules`)."""
    from pipeline.components.sections import title_rules

    return read_shard(shard, opts.id_field, opts.text_field, opts.title_field,
                      max_bytes=opts.max_bytes, max_record_bytes=opts.max_record_bytes,
                      metadata_rules=title_rules(nlp))


def unit_copies(nlp: Language, unit: Unit, opts: ShardOptions) -> CopiesCheck:
    """The check of the unit's duplicate doc_ids the options ask for (`copies_check`). For the
    last copies, the unit's records are read once first (reading and parsing, no annotation:
    a small part of the unit's time)."""
    return copies_check(opts.keep_duplicates, opts.apply_deletions,
                        lambda: ((_read(nlp, s, opts), s.shard_id) for s in unit.shards))


def _write_rows(nlp: Language, shard: Shard, writer: ShardWriter, opts: ShardOptions,
                progress: ProgressFn | None, seen: CopiesCheck,
                deleted: list[dict[str, Any]]) -> int:
    """Annotate the shard's documents into `writer`; returns the words processed."""
    from pipeline.process import process_documents

    n_words = 0
    since_gc = 0
    # a document whose doc_id has another copy in the unit that is kept: an error row instead,
    # worded as the driver's when the kept copy came from another shard (the check sees the
    # DeleteCitation lists, which are then taken out for the manifest)
    records = _without_notices(seen.keep(_read(nlp, shard, opts), shard.shard_id), deleted,
                               applied=opts.apply_deletions)
    for rows in process_documents(nlp, records, batch_size=opts.batch_size,
                                  doc_timeout_s=effective_doc_timeout(opts.doc_timeout_s)):
        writer.add(rows.tables, partial=rows.partial)
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
    return n_words


def process_unit(
    unit: Unit,
    out: Path | str,
    opts: ShardOptions,
    progress: ProgressFn | None = None,
) -> ShardResult:
    """Read, annotate and write one unit (its shards in order, into one set of part files);
    record it as finished. Safe to repeat: whatever an earlier attempt at the same unit left
    behind is deleted first."""
    t0, started_at = time.perf_counter(), time.time()
    out = Path(out)
    W.clean_shard(out, unit.unit_id)
    # before reading: resume compares these with the files
    stats = [file_stat(s.path) for s in unit.shards]
    nlp = worker_nlp(opts.nlp_factory)
    writer = ShardWriter(out, unit.unit_id, row_group_rows=opts.row_group_rows,
                         max_file_rows=opts.part_rows, run_id=opts.run_id)
    deleted: list[dict[str, Any]] = []
    try:
        seen = unit_copies(nlp, unit, opts)
        n_words = sum(_write_rows(nlp, s, writer, opts, progress, seen, deleted)
                      for s in unit.shards)
        counts = writer.commit()
    except BaseException:
        writer.abort()
        raise
    finally:
        gc.collect()
    result = ShardResult(
        shard_id=unit.unit_id,
        source=unit.shards[0].source,
        counts=counts,
        n_words=n_words,
        seconds=round(time.perf_counter() - t0, 3),
        shard_info=[{"shard_id": s.shard_id, "input": _input_info(s), "input_stat": st}
                    for s, st in zip(unit.shards, stats, strict=True)],
        worker=f"{socket.gethostname()}:{os.getpid()}",
        pipes=list(nlp.pipe_names),
        duplicates=seen.across,
        citations_deleted=seen.deleted,
        files=[f"{f.parent.name}/{f.name}" for f in W.shard_files(out, unit.unit_id)
               if f.name.startswith("part-")],
        deleted_citations=deleted,
        **asdict(_process.startup or Startup(0.0, 0.0, 0.0)),
        peak_rss_mb=round(peak_rss_mb(), 1),
        started_at=round(started_at, 3),
    )
    W.mark_shard_done(out, unit.unit_id, asdict(result))
    return result


#: What an engine yields per unit: the unit, its result or the exception that failed it.
Outcome = tuple[Unit, ShardResult | None, BaseException | None]


def unit_weight(unit: Unit) -> tuple[int, str]:
    """Sort key, biggest first: a pool that takes big units first ends with small ones (less
    idle time at the end)."""
    return unit.weight, unit.unit_id
