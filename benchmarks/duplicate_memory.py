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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ids", type=int, nargs="+", default=[100_000, 300_000])
    ap.add_argument("--keep", nargs="+", choices=("first", "last"), default=["first", "last"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="biotab-dups-"))
    results = []
    try:
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
