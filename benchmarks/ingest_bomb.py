"""Decompression bombs through `pipeline.ingest` (not a test): time and peak RSS per case.

    python benchmarks/ingest_bomb.py [--case NAME ...] [--max-bytes N] [--block-size N]

Builds, in a temporary folder, gzip files that are small on disk and huge decompressed (a
gzip file may hold many members; one compressed block of a repeated byte is written again and
again, which is how the bombs of issue 13 were made), then reads each one through
`ingest()` in a fresh child process (so the peak RSS is that case's alone) and prints the
compressed size, the documents and error rows produced, the seconds and the child's peak RSS:

  xml_one_record  ~4 MB .xml.gz: a PubmedArticleSet whose 2nd article holds ~4 GiB of text
  xml_many        ~4 MB .xml.gz: ~4 GiB of small valid PubmedArticles (a "legitimate" bomb)
  txt             ~29 MB .txt.gz: ~29 GiB of text in one document
  jsonl_many      ~2 MB .jsonl.gz: ~1 GiB of identical 14-byte JSONL lines (~77 M records)
With `--block-size N` each file is read as a runner reads it: `list_shards(block_size=N)` (JSONL
in blocks of lines), then `read_shard` for each block, one after the other.
Reads nothing but what it writes; the files are deleted at the end.

Measured 2026-12-04 on the 2-core machine with other jobs running (noisy), default caps:
xml_one_record 3.7-14 s, peak RSS 147 MB (1 document, record_too_large + too_large at 1 GiB);
txt 0.46 s, 109 MB (record_too_large at 32 MiB); xml_many with --max-bytes 100000000:
140 s, 86 MB, 403,225 documents + too_large (~2,900 records/s: at the 1 GiB default such a
file yields ~4 M small valid documents in ~25 min, memory flat).
jsonl_many with --max-bytes 100000000: 47 s CPU, 78 MB, 7,142,857 documents + too_large; the
same with --block-size 1000: 128 blocks, 59 s CPU, 78 MB. With --max-bytes 10000000
--block-size 1000, before blocks were bounded and skipped by counting newlines: 715 blocks,
77 s CPU (growing with the square of the cap); after: 128 blocks, 8.4 s CPU.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCK = 64 << 20  # decompressed bytes per repeated gzip member


def _member(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _repeat(out: Path, head: bytes, unit: bytes, target_gz: int, tail: bytes) -> int:
    """head, then `unit` repeated in gzip members until the file is ~target_gz bytes, then
    tail. Returns the decompressed size."""
    body = unit * (BLOCK // len(unit))
    member = _member(body)
    n = max(1, (target_gz - 2048) // len(member))
    with open(out, "wb") as fh:
        fh.write(_member(head))
        for _ in range(n):
            fh.write(member)
        fh.write(_member(tail))
    return len(head) + n * len(body) + len(tail)


def build(case: str, folder: Path) -> tuple[Path, int]:
    article = (b"<PubmedArticle><MedlineCitation><PMID Version=\"1\">%d</PMID><Article>"
               b"<ArticleTitle>Trial of dupilumab.</ArticleTitle><Abstract><AbstractText>Twelve "
               b"of 20 patients (60%%) responded.</AbstractText></Abstract></Article>"
               b"</MedlineCitation></PubmedArticle>\n")
    head = (b'<?xml version="1.0"?>\n<PubmedArticleSet>\n' + article % 1)
    if case == "xml_one_record":
        path = folder / "bomb_one.xml.gz"
        size = _repeat(path, head + b"<PubmedArticle><MedlineCitation><PMID>2</PMID><Article>"
                       b"<ArticleTitle>", b"A" * 4096, 4_200_000,
                       b"</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
                       + article % 3 + b"</PubmedArticleSet>\n")
    elif case == "xml_many":
        path = folder / "bomb_many.xml.gz"
        size = _repeat(path, head, article % 7, 4_200_000, b"</PubmedArticleSet>\n")
    elif case == "jsonl_many":
        path = folder / "bomb_many.jsonl.gz"
        size = _repeat(path, b"", b'{"text": "a"}\n', 2_100_000, b"")
    elif case == "txt":
        path = folder / "bomb.txt.gz"
        size = _repeat(path, b"Title\n", b"word " * 1000, 29_000_000, b"\n")
    else:
        raise SystemExit(f"unknown case {case}")
    return path, size


CHILD = """
import json, resource, sys, time
from pipeline.ingest import ingest, list_shards, read_shard
from pipeline.documents import Document
kw = json.loads(sys.argv[2])
block_size = kw.pop("block_size", None)
t0 = time.perf_counter()
docs = errors = 0
kinds = {}
if block_size is None:
    records = ingest([sys.argv[1]], dedupe=False, **kw)
else:
    shards = list_shards([sys.argv[1]], block_size=block_size, **kw)
    kinds["(blocks)"] = len(shards)
    records = (r for s in shards for r in read_shard(s, **kw))
for rec in records:
    if isinstance(rec, Document):
        docs += 1
    else:
        errors += 1
        kinds[rec.error] = kinds.get(rec.error, 0) + 1
print(json.dumps({"seconds": round(time.perf_counter() - t0, 2),
                  "cpu_seconds": round(time.process_time(), 2), "documents": docs,
                  "errors": kinds,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", nargs="*",
                    default=["xml_one_record", "xml_many", "txt", "jsonl_many"])
    ap.add_argument("--max-bytes", type=int, default=None,
                    help="max_bytes passed to ingest() (default: the library default)")
    ap.add_argument("--block-size", type=int, default=None,
                    help="read through list_shards(block_size=N) + read_shard, as a runner does")
    args = ap.parse_args()
    kw: dict[str, int] = {} if args.max_bytes is None else {"max_bytes": args.max_bytes}
    if args.block_size is not None:
        kw["block_size"] = args.block_size
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.case:
            t0 = time.perf_counter()
            path, size = build(case, Path(tmp))
            built = time.perf_counter() - t0
            proc = subprocess.run([sys.executable, "-c", CHILD, str(path), json.dumps(kw)],
                                  capture_output=True, text=True, check=True)
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{case:15s} gz {path.stat().st_size / 1e6:5.1f} MB -> {size / 2**30:5.1f} GiB "
                  f"(built in {built:.1f}s) | {res['seconds']:6.2f} s "
                  f"({res['cpu_seconds']} s CPU), peak RSS {res['peak_rss_mb']} MB, "
                  f"{res['documents']} documents, errors {res['errors']}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
