"""A folder of many tiny one-sentence notes through `biotab run`: time, driver memory, part files.

    python benchmarks/many_files.py [--files 100000] [--workers 1 2] [--pipeline blank|lexicon]
                                    [--part-rows N] [--part-mb MB] [--json results.json]

Writes `--files` .txt files of one sentence each (about 60 bytes) into a temporary folder, then
for each worker count runs `pipeline.run.run` over the folder in this process (with 2+ workers
this process is only the driver; the pool's workers are spawned). The pipeline is spaCy's blank
English with a sentencizer (`blank`, default: the run's own overhead is what is measured, not
the tagging) or the lexicon-only biotab pipeline (`lexicon`, slower). Measured per run: wall
time, the time to list the inputs (`pipeline.ingest.list_shards`), this process's peak RSS
(`resource.getrusage`: the driver's with 2+ workers; with 1 worker it includes the pipeline),
the number of units and the part files per table.

Not a test: it takes minutes. Prints one line per run (and writes JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from pipeline.ingest import list_shards
from pipeline.limits import DEFAULT_PART_MB, DEFAULT_PART_ROWS
from pipeline.run import run
from pipeline.write import TABLES


def blank_nlp() -> Any:
    """spaCy's blank English with a sentencizer (module level: spawned workers import it)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def write_notes(folder: Path, n: int) -> int:
    """`n` one-sentence notes in 100 subfolders; returns the bytes written."""
    total = 0
    for i in range(n):
        sub = folder / f"d{i % 100:03d}"
        if i < 100:
            sub.mkdir(parents=True, exist_ok=True)
        text = f"Patient {i} received rituximab for dermatomyositis.\n"
        (sub / f"note{i:07d}.txt").write_text(text)
        total += len(text)
    return total


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(inp: Path, out: Path, workers: int, factory: Any, part_rows: int,
            part_mb: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    shards = list_shards([inp])
    listing = time.perf_counter() - t0
    del shards
    t0 = time.perf_counter()
    summary = run([inp], out, workers=workers, quiet=True, overwrite=True, nlp_factory=factory,
                  part_rows=part_rows, part_mb=part_mb)
    seconds = time.perf_counter() - t0
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        "workers": workers,
        "files": summary.shards_total,
        "documents": summary.documents,
        "seconds": round(seconds, 1),
        "files_per_s": round(summary.shards_total / seconds, 1),
        "listing_seconds": round(listing, 2),
        "driver_peak_rss_mb": round(peak_rss_mb(), 1),
        "units": manifest["shards"]["units"],
        "parts": {t: len(list((out / t).glob("part-*.parquet"))) for t in TABLES},
        "status": summary.status,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[2, 1])
    ap.add_argument("--pipeline", choices=("blank", "lexicon"), default="blank")
    ap.add_argument("--part-rows", type=int, default=DEFAULT_PART_ROWS)
    ap.add_argument("--part-mb", type=float, default=DEFAULT_PART_MB)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.pipeline == "blank":
        factory: Any = blank_nlp
    else:
        from pipeline.nlp import build_nlp

        factory = partial(build_nlp, model=None)
    tmp = Path(tempfile.mkdtemp(prefix="biotab-many-"))
    try:
        t0 = time.perf_counter()
        n_bytes = write_notes(tmp / "in", args.files)
        print(f"{args.files:,} files, {n_bytes / 1e6:.1f} MB written in "
              f"{time.perf_counter() - t0:.1f}s; pipeline {args.pipeline}", flush=True)
        results = []
        for w in args.workers:
            r = measure(tmp / "in", tmp / f"out{w}", w, factory, args.part_rows, args.part_mb)
            results.append(r)
            print(f"workers {w}: {r['seconds']}s ({r['files_per_s']:,} files/s), listing "
                  f"{r['listing_seconds']}s, peak RSS of this process {r['driver_peak_rss_mb']} "
                  f"MB, {r['units']} units, part files {r['parts']}, {r['status']}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
