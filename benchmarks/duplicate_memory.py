"""The driver's memory and time for doc_ids read in two inputs (the check across units).

    python benchmarks/duplicate_memory.py [--ids 100000 300000] [--keep first last]
                                          [--workers 2] [--json results.json]

For each `--ids` N, writes two JSONL files holding the same N doc_ids (one short sentence
each: every document is read twice, as a year of PubMed update files revises citations of the
baseline), then runs `pipeline.run.run` over both with spaCy's blank pipeline
(`many_files.blank_nlp`: the run's own work is measured, not the tagging), once per `--keep`,
each in a fresh process so that its peak RSS is its own. Measured: the run's wall time, the
driver's end (`finish_s` of the attempt: the duplicate check and the compaction), and the
driver process's peak RSS (`resource.getrusage`; with 2+ workers the workers are other
processes). Also one run of a single file (no duplicates) as the baseline.

With `--check-only CITATIONS REVISIONS` (e.g. 36000000 1500000, PubMed's baseline and a year
of revisions) it measures the check alone (`pipeline.runner.duplicates.plan_duplicates`, in
this process: time and peak RSS sampled every 50 ms) on a documents table written directly:
CITATIONS doc_ids in unit files of 30,000 rows, then REVISIONS of them again in unit files of
10,000 (about 1 GB of disk for PubMed's size in a temporary folder).

Not a test: it takes minutes. Prints one line per run (and writes JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from many_files import blank_nlp

from pipeline.run import run


def write_inputs(folder: Path, n: int) -> list[Path]:
    """Two JSONL files with the same `n` doc_ids (the second's text differs)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in (1, 2):
        path = folder / f"part{k}.jsonl"
        with path.open("w") as f:
            for i in range(n):
                f.write(json.dumps({"id": f"PMID{i:09d}",
                                    "text": f"Revision {k}: patient {i} got rituximab."}) + "\n")
        paths.append(path)
    return paths


def _measure(inputs: list[str], out: str, workers: int, keep: str, queue: Any) -> None:
    t0 = time.perf_counter()
    summary = run([Path(p) for p in inputs], Path(out), workers=workers, quiet=True,
                  overwrite=True, nlp_factory=blank_nlp, keep_duplicates=keep)
    seconds = time.perf_counter() - t0
    manifest = json.loads((Path(out) / "manifest.json").read_text())
    queue.put({
        "seconds": round(seconds, 1),
        "finish_s": manifest["attempts"][-1].get("finish_s"),
        "driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "documents": summary.documents,
        "duplicates_dropped": summary.duplicates_dropped,
        "status": summary.status,
    })


def measure(inputs: list[Path], out: Path, workers: int, keep: str) -> dict[str, Any]:
    """One run in a fresh process (its own peak RSS)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure,
                       args=([str(p) for p in inputs], str(out), workers, keep, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


def write_table(out: Path, n_citations: int, n_revisions: int) -> list[str]:
    """A documents table of unit files: the citations, then their revisions (every 7th id,
    wrapping); returns the units' keys in input order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = out / "documents"
    folder.mkdir(parents=True)
    keys = []
    for unit, (size, first, step, kind) in enumerate(
            [(30_000, i, 1, "baseline") for i in range(0, n_citations, 30_000)]
            + [(10_000, i, 7, "updates") for i in range(0, n_revisions, 10_000)]):
        key = f"u{unit:07d}.{unit:010x}"
        ids = [str(10_000_000 + (first + i) * step % max(n_citations, 1)) for i in range(size)]
        pq.write_table(pa.table({
            "doc_id": ids,
            "source": [f"/data/pubmed/{kind}/pubmed26n{unit + 1:04d}.xml.gz"] * size,
            "location": [f"line {10 + 40 * i}, record {i + 1}" for i in range(size)],
        }), folder / f"part-{key}-00000.parquet", compression="zstd")
        keys.append(key)
    return keys


def check_only(n_citations: int, n_revisions: int, tmp: Path) -> dict[str, Any]:
    import threading

    import psutil

    from pipeline.runner.duplicates import plan_duplicates

    keys = write_table(tmp / "table", n_citations, n_revisions)
    proc, peak = psutil.Process(), [0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.05)

    before = proc.memory_info().rss
    threading.Thread(target=sample, daemon=True).start()
    t0 = time.perf_counter()
    kinds = plan_duplicates(tmp / "table", keys, set(), None, None, "last")
    return {"citations": n_citations, "revisions": n_revisions, "units": len(keys),
            "seconds": round(time.perf_counter() - t0, 1), "rss_before_mb": before >> 20,
            "peak_rss_mb": peak[0] >> 20, "dropped": kinds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ids", type=int, nargs="+", default=[100_000, 300_000])
    ap.add_argument("--keep", nargs="+", choices=("first", "last"), default=["first", "last"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check-only", type=int, nargs=2, metavar=("CITATIONS", "REVISIONS"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="biotab-dups-"))
    results = []
    try:
        if args.check_only:
            r = check_only(args.check_only[0], args.check_only[1], tmp)
            print(f"check alone: {r['citations']:,} citations and {r['revisions']:,} revisions "
                  f"in {r['units']} unit files: {r['seconds']} s, peak RSS {r['peak_rss_mb']} "
                  f"MB ({r['rss_before_mb']} MB before), dropped {r['dropped']}", flush=True)
            results.append(r)
            args.ids = []
        for n in args.ids:
            inputs = write_inputs(tmp / f"in{n}", n)
            runs = [("none", inputs[:1], "first")] + [(k, inputs, k) for k in args.keep]
            for label, files, keep in runs:
                r = {"ids": n, "read_twice": label != "none", "keep": keep,
                     **measure(files, tmp / "out", args.workers, keep)}
                results.append(r)
                print(f"{n:,} ids, {'read twice, keep ' + keep if label != 'none' else 'one file'}"
                      f": {r['seconds']} s (driver's end {r['finish_s']} s), driver peak RSS "
                      f"{r['driver_peak_rss_mb']} MB, {r['documents']:,} documents, "
                      f"{r['duplicates_dropped']} dropped, {r['status']}", flush=True)
            shutil.rmtree(tmp / f"in{n}")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
