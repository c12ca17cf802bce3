"""Blocks of lines of a JSONL file, for a runner (`pipeline.ingest.list_shards`).

A big JSONL file is cut into blocks of `block_size` lines, at most MAX_BLOCKS_PER_FILE of them,
so several workers share it. The lines are counted once, when the files are listed.

Why byte offsets: a block used to reach its first line by passing over every line before it,
so a file read in B blocks was read about B/2 times (a 10 GB file in 128 blocks: ~64 readings;
one record and 256 Mi newlines: 12 s of CPU instead of ~1). Now the counting pass also keeps
the newline count at every INDEX_STEP bytes (one int64 per 64 KiB: 16 K of them for 1 GiB);
then each block's first byte is found by reading the one 64 KiB piece that holds its first line
(`LineStart`), and its reader reads from there to where the next block starts, nothing else:
the blocks of a file read it once in all (plus the listing's count, and 64 KiB a block).

A gzip file cannot be read from an offset (a deflate stream is only decoded from its start;
Python's zlib cannot restart one mid-stream), so each block still decompresses the file up to
its first line: B blocks cost about (B + 1) / 2 decompressions of it. Such a file gets at most
MAX_COMPRESSED_BLOCKS (16) blocks: at most 8.5 decompressions in reading (plus the listing's
one) however long it is, while 16 workers can still share one big file. Measured on the 2-core
machine (shared with other jobs; CPU time, `benchmarks/ingest_blocks.py`): gzip decompresses
JSONL at ~300 MB/s, `biotab run --no-model` annotates ~125 KB/s of short-record JSONL per core
(~11,000 words/s; the NER model is slower still), so one decompression costs ~1/2,400 of
annotating the file: 8.5 of them ~0.35%, where 128 blocks (64.5) cost ~2.7%. What the bound is
for is a file of little to annotate: one record and 256 MiB of newlines, gzipped (260 KB),
read in 128 blocks took 61 s of CPU, in 16 blocks 8.5 s (uncompressed, in 128 blocks read from
their offsets: 1.0 s, from 11.7 s); 200 MB of short records gzipped: 49.6 s, now 23.2 s.
For more workers on one big compressed file, decompress it first.
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from itertools import pairwise
from pathlib import Path

from pipeline.ingest.common import CappedStream, InputTooLarge, is_gzip, nth_newline
from pipeline.ingest.jsonl import LineStart
from pipeline.limits import MAX_BLOCKS_PER_FILE, MAX_COMPRESSED_BLOCKS

#: Bytes between two newline counts of the listing's index (`count_lines`).
INDEX_STEP = 1 << 16


def block_starts(n_lines: int, block_size: int, max_blocks: int) -> list[int]:
    """First lines of the blocks of a JSONL file: `block_size` lines each, or more when that
    would make more than `max_blocks` blocks (1 GiB of tiny lines in blocks of 1,000 would be
    ~80,000 blocks, each a task and a part file)."""
    size = max(block_size, -(-n_lines // max(1, max_blocks)))
    return list(range(0, n_lines, size))


def count_lines(path: Path, max_bytes: int | None, index: array[int] | None = None) -> int:
    """Lines of a (gzip-aware) file, counted up to the byte cap or to damage (a cut or corrupt
    gzip stream): such a file gets a last block that reads to the end and reports the cap or
    the damage; one that cannot be opened, 0 lines (one shard, which reports it). `index`, when
    given, gets the newlines in bytes [0, (i + 1) * INDEX_STEP) for each i (whole steps only)."""
    n = 0
    pos = 0
    last = b"\n"
    try:
        with CappedStream(path, max_bytes) as fh:
            while chunk := fh.read():
                if index is not None:
                    # counted a step at a time (no byte counted twice); `n` up to `done`
                    done, boundary = 0, (len(index) + 1) * INDEX_STEP - pos
                    while boundary <= len(chunk):
                        n += chunk.count(b"\n", done, boundary)
                        index.append(n)
                        done, boundary = boundary, boundary + INDEX_STEP
                    n += chunk.count(b"\n", done)
                else:
                    n += chunk.count(b"\n")
                pos += len(chunk)
                last = chunk[-1:]
    except (InputTooLarge, EOFError, OSError):
        return n
    return n + (0 if last == b"\n" else 1)


def _offsets(path: Path, starts: list[int], index: array[int]) -> list[int] | None:
    """The first byte of each line in `starts` (0-based; each > 0 and at most the newlines of
    the file): the byte after its `line`-th newline, found in the INDEX_STEP piece that holds
    that newline. None when a piece does not hold it (the file changed since it was counted)."""
    found = []
    with open(path, "rb") as fh:
        for line in starts:
            i = bisect_left(index, line)  # the first piece whose end has `line` newlines before
            before = index[i - 1] if i else 0
            fh.seek(i * INDEX_STEP)
            piece = fh.read(INDEX_STEP)
            if piece.count(b"\n") < line - before:
                return None
            found.append(i * INDEX_STEP + nth_newline(piece, line - before) + 1)
    return found


def jsonl_blocks(path: Path, block_size: int, max_bytes: int | None,
                 max_blocks: int = MAX_BLOCKS_PER_FILE
                 ) -> list[tuple[int, int | None, LineStart | None]]:
    """(first line, lines or None for "to the end", where it is) of each block of a JSONL file,
    in order; one block when the file is not longer than `block_size` lines. An uncompressed
    file's blocks know their bytes (`LineStart`), unless the file changed while it was listed
    (its size or modification time; then the readers count lines, as for gzip); a compressed
    one has at most MAX_COMPRESSED_BLOCKS blocks."""
    compressed = is_gzip(path)
    index: array[int] | None = None if compressed else array("q")
    try:
        before = os.stat(path)
    except OSError:
        return [(0, None, None)]
    n = count_lines(path, max_bytes, index)
    starts = block_starts(n, block_size,
                          min(max_blocks, MAX_COMPRESSED_BLOCKS) if compressed else max_blocks)
    if len(starts) < 2:
        return [(0, None, None)]
    sizes: list[int | None] = [b - a for a, b in pairwise(starts)]
    sizes.append(None)
    where: list[LineStart | None] = [None] * len(starts)
    if index is not None:
        try:
            offsets = _offsets(path, starts[1:], index)
            after = os.stat(path)
        except OSError:
            offsets = None
        if offsets is not None and (after.st_size, after.st_mtime_ns) == (
                before.st_size, before.st_mtime_ns):
            bounds = [0, *offsets]
            stops: list[int | None] = [*offsets, None]
            where = [LineStart(b, s, before.st_size, before.st_mtime_ns)
                     for b, s in zip(bounds, stops, strict=True)]
    return list(zip(starts, sizes, where, strict=True))
