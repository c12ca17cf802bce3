"""Reading a big JSONL file in blocks, as `biotab run` does (not a test): CPU time and bytes.

    python benchmarks/ingest_blocks.py [--case NAME ...] [--folder DIR] [--keep]

Builds, in `--folder` (default: a temporary folder), the input files below, then for each one,
in a fresh child process: `list_shards([file], block_size=1000)` (the driver's listing) and
`read_shard` for every shard in turn (what the workers do together), and prints the number of
blocks, the CPU seconds of the listing and of the reading, the bytes the process read from
files (`rchar` of /proc/self/io: for a plain file, the passes over it) and the records read:

  short       ~200 MB of short JSONL records (~2.4 M lines of ~85 bytes): 128 blocks
  newlines    one record, then 256 Mi newlines (256 MiB): 128 blocks of blank lines
  short_gz    `short` gzipped (~10x smaller on disk)
  newlines_gz `newlines` gzipped (~250 KB on disk)
The files are built once and kept with `--keep` (then `--folder` to find them again).

Measured 2026-12-04 on the 2-core machine with other jobs running (CPU time; noisy), the
reading of all blocks (the listing: 0.1-0.3 s, 0.6-0.9 s for gzip, before and after):
  short       before 29.0 s CPU, 12,939 MB read (~64.6 passes); after 19.5-20.5 s, 200 MB (one
              pass: the rest is parsing 2.78 M records)
  newlines    before 11.7 s, 17,449 MB read; after 1.0 s, 268 MB
  short_gz    before 128 blocks, 49.6 s; after 16 blocks (MAX_COMPRESSED_BLOCKS), 23.2 s
  newlines_gz before 128 blocks, 60.9 s; after 16 blocks, 8.5 s
`biotab run --no-model --workers 1` of `newlines` (start-up and hashing included): 14.8 s of
CPU (user + sys) before, 3.4 s after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = ("short", "newlines", "short_gz", "newlines_gz")
WORDS = ("dupilumab", "atopic", "dermatitis", "patients", "improved", "placebo", "week",
         "eczema", "IL-4", "IL-13", "trial", "response", "of", "the", "in", "and", "with")


def _short(path: Path, target: int) -> None:
    rnd = random.Random(7)
    written = 0
    with open(path, "wb") as fh:
        i = 0
        while written < target:
            lines = []
            for _ in range(10_000):
                text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 9)))
                lines.append(json.dumps({"id": f"d{i}", "text": text}) + "\n")
                i += 1
            data = "".join(lines).encode()
            fh.write(data)
            written += len(data)


def _newlines(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.write(b'{"id": "only", "text": "One record before many blank lines."}\n')
        block = b"\n" * (64 << 20)
        for _ in range(4):
            fh.write(block)


def build(case: str, folder: Path) -> Path:
    base = case.removesuffix("_gz")
    plain = folder / f"{base}.jsonl"
    if not plain.exists():
        (_short(plain, 200_000_000) if base == "short" else _newlines(plain))
    if not case.endswith("_gz"):
        return plain
    packed = folder / f"{base}.jsonl.gz"
    if not packed.exists():
        with open(plain, "rb") as src, gzip.open(packed, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    return packed


CHILD = """
import json, sys, time
from pipeline.ingest import list_shards, read_shard
from pipeline.documents import Document

def rchar():
    with open("/proc/self/io") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("rchar"))

c0, r0 = time.process_time(), rchar()
shards = list_shards([sys.argv[1]], block_size=1000)
c1, r1 = time.process_time(), rchar()
docs = errors = 0
for s in shards:
    for rec in read_shard(s):
        if isinstance(rec, Document):
            docs += 1
        else:
            errors += 1
c2, r2 = time.process_time(), rchar()
print(json.dumps({"blocks": len(shards), "list_cpu": round(c1 - c0, 2),
                  "read_cpu": round(c2 - c1, 2), "list_mb": round((r1 - r0) / 1e6),
                  "read_mb": round((r2 - r1) / 1e6), "documents": docs, "errors": errors}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", nargs="*", default=list(CASES), choices=CASES)
    ap.add_argument("--folder", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the built files")
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="ingest_blocks_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for case in args.case:
            path = build(case, folder)
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", CHILD, str(path)],
                                  capture_output=True, text=True, check=True)
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{case:12s} {path.stat().st_size / 1e6:7.1f} MB on disk | "
                  f"{res['blocks']:3d} blocks | list {res['list_cpu']:6.2f} s CPU "
                  f"({res['list_mb']} MB read) | read {res['read_cpu']:6.2f} s CPU "
                  f"({res['read_mb']} MB read) | {res['documents']} documents, "
                  f"{res['errors']} errors | {time.perf_counter() - t0:.1f} s wall",
                  flush=True)
    finally:
        if not args.keep and args.folder is None:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
