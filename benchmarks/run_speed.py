"""Whole-run throughput and memory of `biotab run`, against spaCy's bare tokenizer.

    python benchmarks/run_speed.py [--corpora ../shared/corpora] [--scale 1 10] [--workers 1 2]
                                   [--corpus iob|abstracts|pubmed] [--no-model] [--repeat N]
                                   [--engine local|dask] [--json results.json]

Corpus: the sentences of BC5CDR and NCBI-disease (train + devel IOB files), tokens joined by
single spaces, grouped into documents of `--sentences-per-doc` (10) sentences, written as JSONL
files of `--docs-per-file` (100) documents into a temporary folder. `--scale 10` repeats the
corpus ten times with different ids (a 10x larger corpus with the same text statistics).
`--corpus abstracts`: instead, the 1,692 real abstracts of the PubTator files as users give them
(untokenized title and abstract, one JSONL document each; the IOB text is already split into
tokens, which makes the bare tokenizer's job much easier than on real text); `--corpus pubmed`:
the same abstracts as gzipped PubMed baseline-shaped XML (`benchmarks/pubmed_corpus.py`, 500
records per file). For both, words = the whitespace-separated words of title + abstract.

For every scale and worker count, a full `biotab run CORPUS --out TMP --workers N` runs as a
subprocess (with the trained model when models/biotab_ner exists, unless --no-model). Measured:
wall time from start to exit (start-up and model loading included), words/s = IOB tokens of
the corpus / wall time, the peak RSS of every process of the run (the kernel's own peak,
/proc's VmHWM, read for the process tree every 0.1 s; `resource.getrusage(RUSAGE_CHILDREN)`
gives the largest descendant's exact peak as a cross-check), the CPU time of all its
processes (words per CPU-second does not depend on other jobs on the machine) and the load
average before and after (other jobs take cores from the run: compare speed-ups on a quiet
machine only; `--repeat N` runs each corpus and worker count N times, interleaved, and
prints the medians). Then the words/s of
`spacy.blank("en").tokenizer` over the same texts, in this process, for comparison.

What an estimate for a larger corpus needs (the README's PubMed plan), from the run's
`manifest.json` (`worker_stats`: what each worker process recorded) and its output folder:
worker start-up (process start to a warmed-up pipeline: wall seconds, and CPU seconds, which
other jobs do not inflate; workers forked from the driver (Linux) start when the driver has
built the pipeline, so their wall start-up is counted from the driver's start and the CPU is
the driver's, once: `driver_startup` in the manifest's attempt), each worker's own peak RSS
(forked workers count the pages they share with the driver), the per-core rate without
start-up (words / seconds the workers spent on units; and words / CPU-seconds of the run minus the
workers' start-up CPU) and the output bytes per document (all Parquet files of the tables).

Last, the hours of the whole PubMed baseline on 2, 32 and 256 worker cores
(`pubmed_corpus.pubmed_hours`), from the run with the most workers on the largest corpus: its
words per core-second without start-up, its slowest worker start-up, and the words per
citation of the real abstracts, plus the driver's end of the run (the manifest's `finish_s`:
duplicates across units and the compaction into parts), scaled to the baseline's output by
bytes, on `END_THREADS` compaction threads; with `--corpus pubmed`, also the output size.

Not a test: it takes minutes. Prints a table (and writes JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pubmed_corpus  # a sibling script: Python puts the script's folder on sys.path
from host_ceiling import host_ceiling
from process_tree import rss_by_role, run_polled

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
IOB_FILES = (
    "bc5cdr/train.tsv",
    "bc5cdr/devel.tsv",
    "ncbi-disease/train.tsv",
    "ncbi-disease/devel.tsv",
)


def iob_sentences(path: Path) -> list[list[str]]:
    """The token lists of an IOB file (one `TOKEN<TAB>TAG` per line, blank line between)."""
    sentences: list[list[str]] = []
    tokens: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if tokens:
                    sentences.append(tokens)
                    tokens = []
                continue
            tokens.append(line.split("\t", 1)[0])
    if tokens:
        sentences.append(tokens)
    return sentences


def corpus_texts(corpora: Path, sentences_per_doc: int) -> tuple[list[str], int]:
    """Documents of `sentences_per_doc` sentences; and the number of words (IOB tokens)."""
    sentences = []
    for rel in IOB_FILES:
        path = corpora / rel
        if path.exists():
            sentences.extend(iob_sentences(path))
    if not sentences:
        raise SystemExit(f"no IOB files found under {corpora}")
    texts = [
        " ".join(" ".join(s) for s in sentences[i : i + sentences_per_doc])
        for i in range(0, len(sentences), sentences_per_doc)
    ]
    return texts, sum(len(s) for s in sentences)


def write_corpus(folder: Path, texts: list[str], scale: int, docs_per_file: int) -> int:
    """JSONL files under `folder`; returns the number of files."""
    folder.mkdir(parents=True, exist_ok=True)
    n_files = 0
    buf: list[str] = []

    def flush() -> None:
        nonlocal n_files, buf
        if buf:
            (folder / f"part_{n_files:05d}.jsonl").write_text("".join(buf), encoding="utf-8")
            n_files += 1
            buf = []

    for rep in range(scale):
        for i, text in enumerate(texts):
            buf.append(json.dumps({"id": f"r{rep}-d{i:06d}", "text": text}) + "\n")
            if len(buf) >= docs_per_file:
                flush()
    flush()
    return n_files


@dataclass
class Measure:
    scale: int
    workers: int
    engine: str
    documents: int
    words: int
    seconds: float
    words_per_s: float
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # role -> MB
    max_child_rss_mb: float = 0.0  # getrusage(RUSAGE_CHILDREN), cumulative over the script
    cpu_seconds: float = 0.0  # user + system time of all processes of the run (psutil)
    words_per_cpu_s: float = 0.0  # throughput per CPU-second: independent of other load
    load_before: float = 0.0  # 1-minute load average when the run started and ended: other
    load_after: float = 0.0  # jobs on the machine take cores from the run
    summary: str = ""
    #: per worker process (manifest `worker_stats`): start-up wall / CPU seconds, peak RSS
    startup_s: list[float] = field(default_factory=list)
    startup_cpu_s: list[float] = field(default_factory=list)
    worker_peak_rss_mb: list[float] = field(default_factory=list)
    #: words per second of unit work per worker (start-up excluded), and per CPU-second of
    #: the run minus the workers' start-up CPU
    words_per_core_s: float = 0.0
    words_per_cpu_s_working: float = 0.0
    #: bytes of the output tables (all their files) per document, in total and per table
    output_bytes_per_doc: float = 0.0
    table_bytes_per_doc: dict[str, float] = field(default_factory=dict)
    #: the driver's end of the run (manifest attempt `finish_s`: duplicates across units and
    #: the compaction into parts) and the compaction threads it had (the run's workers)
    finish_s: float = 0.0
    #: where the wall time went, seconds since the command started (`timeline`)
    timeline: dict[str, Any] = field(default_factory=dict)


def run_command(corpus: Path, out: Path, workers: int, engine: str, no_model: bool) -> list[str]:
    """The `biotab run` command line measured (the venv's biotab)."""
    biotab = shutil.which("biotab", path=str(Path(sys.executable).parent)) or "biotab"
    cmd = [biotab, "run", str(corpus), "--out", str(out), "--workers", str(workers),
           "--engine", engine, "--overwrite", "--quiet"]
    return [*cmd, "--no-model"] if no_model else cmd


def startup_and_working_cpu(manifest: dict[str, Any], cpu_total: float
                            ) -> tuple[list[float], float]:
    """The start-up CPU seconds (the driver's once when it built the pipeline for forked
    workers, else each worker's) and the run's CPU seconds minus all start-up CPU."""
    stats = manifest["worker_stats"]
    driver = manifest["attempts"][-1].get("driver_startup") or {}
    startup_cpu = [driver["startup_cpu_s"]] if driver else [w["startup_cpu_s"] for w in stats]
    working = cpu_total - sum(startup_cpu) - sum(w["startup_cpu_s"] for w in stats if driver)
    return startup_cpu, working


def measure_run(
    corpus: Path,
    out: Path,
    workers: int,
    engine: str,
    no_model: bool,
    scale: int,
    n_docs: int,
    n_words: int,
) -> Measure:
    """One `biotab run` of `corpus` into `out`, timed and polled, with the manifest's figures."""
    run = run_polled(run_command(corpus, out, workers, engine, no_model))
    child_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    manifest = json.loads((out / "manifest.json").read_text())
    stats = manifest["worker_stats"]
    unit_seconds = sum(w["unit_seconds"] for w in stats)
    cpu_total = sum(run.cpu.values())
    startup_cpu, working_cpu = startup_and_working_cpu(manifest, cpu_total)
    table_bytes = output_bytes(out)
    return Measure(
        scale=scale,
        workers=workers,
        engine=engine,
        documents=n_docs,
        words=n_words,
        seconds=round(run.seconds, 2),
        words_per_s=round(n_words / run.seconds, 1),
        peak_rss_mb=rss_by_role(run.peaks),
        max_child_rss_mb=round(child_max, 1),
        cpu_seconds=round(cpu_total, 1),
        words_per_cpu_s=round(n_words / cpu_total, 1) if run.cpu else 0.0,
        load_before=round(run.load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
        summary=run.summary,
        startup_s=[w["startup_s"] for w in stats],
        startup_cpu_s=startup_cpu,
        worker_peak_rss_mb=[w["peak_rss_mb"] for w in stats],
        words_per_core_s=round(n_words / unit_seconds, 1) if unit_seconds else 0.0,
        words_per_cpu_s_working=round(n_words / working_cpu, 1) if working_cpu > 0 else 0.0,
        output_bytes_per_doc=round(sum(table_bytes.values()) / max(n_docs, 1), 1),
        table_bytes_per_doc={t: round(b / max(n_docs, 1), 1) for t, b in table_bytes.items()},
        finish_s=float(manifest["attempts"][-1].get("finish_s") or 0.0),
        timeline=timeline(manifest, run.seconds),
    )


def timeline(manifest: dict[str, Any], wall_s: float) -> dict[str, Any]:
    """Where a run's wall time went, in seconds since its process started (the manifest's
    attempt `timeline` and `worker_stats`): the engine started (inputs listed, units planned),
    the pipeline built for forked workers (`pool_s`, absent otherwise), each worker's first
    unit start and last unit end, the last unit's outcome in the driver, the tables finished
    (duplicates, compaction), and the command's exit (`exit_s`, the measured wall time)."""
    attempt = manifest["attempts"][-1]
    marks = dict(attempt.get("timeline") or {})
    if attempt.get("driver_startup"):
        marks["pool_s"] = attempt["driver_startup"]["startup_s"]
    marks["units"] = [[w["units_from_s"], w["units_to_s"]] for w in manifest["worker_stats"]
                      if "units_from_s" in w]
    marks["exit_s"] = round(wall_s, 3)
    return marks


def timeline_text(marks: dict[str, Any]) -> str:
    """`timeline` on one line: the serial start, each worker's span of units, the end."""
    if "units_done_s" not in marks:
        return "timeline: not in the manifest"
    spans = " | ".join(f"{a:.2f}-{b:.2f}" for a, b in marks["units"])
    pool = f", pipeline built {marks['pool_s']:.2f}" if "pool_s" in marks else ""
    last = max((b for _a, b in marks["units"]), default=marks["units_done_s"])
    first = min((a for a, _b in marks["units"]), default=marks["units_done_s"])
    ends = [b for _a, b in marks["units"]]
    idle = max(ends) - min(ends) if len(ends) > 1 else 0.0
    return (f"timeline s: engine {marks['engine_s']:.2f}{pool}, units {spans} (first start "
            f"{first:.2f}, workers' ends {idle:.2f} apart), last outcome "
            f"{marks['units_done_s']:.2f} (+{marks['units_done_s'] - last:.2f}), tables "
            f"{marks['tables_done_s']:.2f}, exit {marks['exit_s']:.2f}")


def output_bytes(out: Path) -> dict[str, int]:
    """Bytes of every file of each output table (OUT/<table>/...)."""
    from pipeline.write import TABLES

    return {
        table: sum(p.stat().st_size for p in (out / table).rglob("*") if p.is_file())
        for table in TABLES
        if (out / table).is_dir()
    }


def tokenizer_speed(texts: list[str], n_words: int, repeat: int = 3) -> float:
    """Words/s of spaCy's bare English tokenizer (best of `repeat` passes)."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            tokenizer(text)
        best = min(best, time.perf_counter() - t0)
    return n_words / best


def print_estimate_inputs(results: list[Measure]) -> None:
    """The figures a larger-corpus estimate needs, per run (see the module docstring)."""
    print("\nfor an estimate (per worker process: start-up, peak RSS; rates without start-up):")
    header = (
        f"{'corpus':>7} {'workers':>7} {'start-up s':>12} {'start-up cpu-s':>14} "
        f"{'worker peak MB':>14} {'words/core-s':>12} {'words/cpu-s':>11} {'bytes/doc':>9}"
    )
    print(header)
    print("-" * len(header))
    for m in results:
        print(
            f"{m.scale:>6}x {m.workers:>7} {_span(m.startup_s):>12} {_span(m.startup_cpu_s):>14} "
            f"{_span(m.worker_peak_rss_mb, 0):>14} {m.words_per_core_s:>12,.0f} "
            f"{m.words_per_cpu_s_working:>11,.0f} {m.output_bytes_per_doc:>9,.0f}"
        )
    if results:
        per_table = ", ".join(f"{t} {b:,.0f}" for t, b in results[-1].table_bytes_per_doc.items())
        print(f"output bytes per document by table (last run): {per_table}")


#: Compaction threads assumed for the driver's machine of a cluster run (its cores; the
#: driver takes `os.cpu_count()` threads with a remote scheduler): no more than the run's cores.
END_THREADS = 8


def print_pubmed_estimate(
    results: list[Measure], abstracts: list[pubmed_corpus.Abstract], pubmed: bool
) -> None:
    """Hours for the PubMed baseline from the largest run with the most workers."""
    if not results or not abstracts:
        return
    m = max(results, key=lambda r: (r.scale, r.workers))
    per_citation = sum(a.words for a in abstracts) / len(abstracts)
    startup = max(m.startup_s, default=0.0)
    total = m.output_bytes_per_doc * pubmed_corpus.BASELINE_CITATIONS
    measured_bytes = m.output_bytes_per_doc * m.documents
    # the measured end had as many compaction threads as the run had workers, but one group
    # (the benchmark corpora make one part per table) is one thread's work
    print(
        f"\nPubMed baseline ({pubmed_corpus.BASELINE_CITATIONS:,} citations in "
        f"{pubmed_corpus.BASELINE_FILES:,} files, {per_citation:.0f} words each, every core a "
        f"worker at {m.words_per_core_s:,.0f} words/s, start-up {startup:.1f} s; from the "
        f"{m.scale}x run with {m.workers} workers; the driver's end {m.finish_s:.2f} s for "
        f"{measured_bytes / 1e6:,.1f} MB of output, so {total / 1e9:,.0f} GB take "
        f"{pubmed_corpus.end_seconds(m.finish_s, measured_bytes, total, 1) / 3600:,.2f} h on "
        f"one thread; below with as many compaction threads as cores, at most {END_THREADS}, "
        "assumed to scale):"
    )
    for cores in (2, 32, 256):
        threads = min(cores, END_THREADS)
        end = pubmed_corpus.end_seconds(m.finish_s, measured_bytes, total, threads)
        e = pubmed_corpus.pubmed_hours(cores, m.words_per_core_s, per_citation, startup,
                                       end_s=end)
        print(f"  {cores:>3} cores: {e.hours:,.1f} h ({e.rounds} files per worker; "
              f"the end {end / 3600:,.2f} h of it, {threads} threads)")
    if pubmed:
        print(f"  output: {m.output_bytes_per_doc:,.0f} bytes per citation, {total / 1e9:,.0f} GB")


def _span(values: list[float], digits: int = 1) -> str:
    """The range lo-hi of per-worker figures (one figure when they agree)."""
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    return f"{lo:.{digits}f}" if f"{lo:.{digits}f}" == f"{hi:.{digits}f}" else (
        f"{lo:.{digits}f}-{hi:.{digits}f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--scale", type=int, nargs="+", default=[1])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--engine", default="local", choices=["local", "dask"])
    ap.add_argument("--corpus", default="iob", choices=["iob", "abstracts", "pubmed"])
    ap.add_argument("--no-model", action="store_true", help="Lexicons only (biotab --no-model).")
    ap.add_argument("--repeat", type=int, default=1,
                    help="Runs per corpus and worker count, interleaved; medians printed.")
    ap.add_argument("--sentences-per-doc", type=int, default=10)
    ap.add_argument("--docs-per-file", type=int, default=100)
    ap.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="Keep the corpora and outputs here (default: a temporary folder).",
    )
    ap.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    args = ap.parse_args(argv)
    if not args.corpora.is_dir():  # a path error is one line and exit 2, not a traceback
        ap.exit(2, f"{ap.prog}: no corpora folder at {args.corpora}\n")
    return args


def model_note(no_model: bool) -> str:
    model = REPO / "models" / "biotab_ner"
    if no_model:
        return "none (--no-model)"
    return str(model) if (model / "config.cfg").exists() else "none found"


def run_all(args: argparse.Namespace, texts: list[str], words_1x: int,
            abstracts: list[pubmed_corpus.Abstract], tmp: Path) -> list[Measure]:
    """Every scale and worker count of `args`: its corpus written under `tmp`, then measured."""
    results: list[Measure] = []
    for scale in args.scale:
        corpus = tmp / f"corpus_{scale}x"
        if args.corpus == "pubmed":
            n_files = pubmed_corpus.write_pubmed_corpus(corpus, abstracts, scale, 500)[0]
        else:
            n_files = write_corpus(corpus, texts, scale, args.docs_per_file)
        # repeats interleave the worker counts: a slow spell of a shared host then weighs on
        # both sides of a speed-up, not on one
        for rep in range(args.repeat):
            for workers in args.workers:
                print(f"running {scale}x corpus ({n_files} files), {workers} worker(s)"
                      f"{f', repeat {rep + 1}' if args.repeat > 1 else ''} ...", flush=True)
                m = measure_run(corpus, tmp / f"out_{scale}x_{workers}w", workers, args.engine,
                                args.no_model, scale, len(texts) * scale, words_1x * scale)
                print(f"  {m.words_per_s:,.0f} words/s in {m.seconds:.1f}s; peak RSS MB "
                      f"{m.peak_rss_mb}; {m.summary}", flush=True)
                print(f"  {timeline_text(m.timeline)}", flush=True)
                results.append(m)
    return results


def print_medians(results: list[Measure], min_workers: int) -> None:
    """With --repeat: per corpus and worker count, the median wall time (and the range), and
    the speed-up of the medians over the fewest workers."""
    print("\nmedian of the repeats (range):")
    for scale in sorted({m.scale for m in results}):
        runs = [m for m in results if m.scale == scale]
        base = statistics.median(m.seconds for m in runs if m.workers == min_workers)
        for workers in sorted({m.workers for m in runs}):
            secs = [m.seconds for m in runs if m.workers == workers]
            med = statistics.median(secs)
            print(f"{scale:>6}x {workers:>3} worker(s): {med:6.1f} s ({min(secs):.1f}-"
                  f"{max(secs):.1f}, {len(secs)} runs), {runs[0].words / med:,.0f} words/s, "
                  f"speed-up {base / med:.2f}x")


def print_table(results: list[Measure], min_workers: int) -> None:
    header = (
        f"{'corpus':>7} {'workers':>7} {'docs':>8} {'words':>10} {'seconds':>8} "
        f"{'words/s':>9} {'speed-up':>8} {'words/cpu-s':>11} {'load':>9} "
        f"{'driver MB':>9} {'max worker MB':>13}"
    )
    print(header)
    print("-" * len(header))
    base: dict[int, float] = {}
    for m in results:
        if m.workers == min_workers:
            base[m.scale] = m.words_per_s
        speedup = m.words_per_s / base[m.scale] if m.scale in base else float("nan")
        workers_mb = [v for k, v in m.peak_rss_mb.items() if k.startswith("worker")]
        print(
            f"{m.scale:>6}x {m.workers:>7} {m.documents:>8,} {m.words:>10,} {m.seconds:>8.1f} "
            f"{m.words_per_s:>9,.0f} {speedup:>7.2f}x {m.words_per_cpu_s:>11,.0f} "
            f"{m.load_before:>4.1f}/{m.load_after:<4.1f} {m.peak_rss_mb.get('driver', 0):>9,.0f} "
            f"{max(workers_mb) if workers_mb else 0:>13,.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    abstracts = pubmed_corpus.real_abstracts(args.corpora)
    if args.corpus in ("abstracts", "pubmed"):
        texts = [f"{a.title}\n{a.abstract}" for a in abstracts]
        words_1x = sum(a.words for a in abstracts)
    else:
        texts, words_1x = corpus_texts(args.corpora, args.sentences_per_doc)
    print(
        f"corpus 1x: {len(texts):,} documents, {words_1x:,} words "
        f"({sum(map(len, texts)) / 1e6:.1f} M chars); model: {model_note(args.no_model)}",
        flush=True,
    )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # each run would compile biotab's modules again: 0.1-0.2 s of start-up a user never pays
        print("note: PYTHONDONTWRITEBYTECODE is set: every run compiles its modules again "
              "(start-up 0.1-0.2 s longer than a user's); unset it for figures to report",
              flush=True)
    if args.workdir is not None:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="biotab-bench-", dir=args.workdir))
    try:
        results = run_all(args, texts, words_1x, abstracts, tmp)
        tok = tokenizer_speed(texts, words_1x)
        most = max(args.workers)
        ceiling = host_ceiling(most) if most > 1 else None
    finally:
        if args.workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print_table(results, min(args.workers))
    if args.repeat > 1:
        print_medians(results, min(args.workers))
    print_estimate_inputs(results)
    print_pubmed_estimate(results, abstracts, args.corpus == "pubmed")
    print(f"\nspaCy blank('en') tokenizer alone: {tok:,.0f} words/s (1 process, same texts)")
    if ceiling is not None:
        one, many, gain = ceiling
        print(f"host ceiling: one CPU-bound job {one:.2f} s alone, {max(args.workers)} at once "
              f"{many:.2f} s: {gain:.2f}x is the most {max(args.workers)} workers can gain here")
    print(
        f"largest process of all runs (getrusage RUSAGE_CHILDREN): "
        f"{max((m.max_child_rss_mb for m in results), default=0):,.0f} MB"
    )
    if args.json:
        args.json.write_text(json.dumps({
            "tokenizer_words_per_s": round(tok, 1),
            "host_ceiling": None if ceiling is None else
            {"one_s": round(ceiling[0], 3), "all_s": round(ceiling[1], 3),
             "speed_up": round(ceiling[2], 3)},
            "corpus_1x_words": words_1x,
            "corpus_1x_documents": len(texts),
            "runs": [asdict(m) for m in results],
        }, indent=2))
    return 0

if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
