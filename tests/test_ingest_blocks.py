"""A JSONL file read in blocks (`list_shards` + `read_shard`, as `biotab run` reads it): each
block of an uncompressed file is read from its byte offset, found when the file was listed, so
the blocks read the file once in all; a gzip file has at most MAX_COMPRESSED_BLOCKS blocks; a
file changed since it was listed is read by line number, never from a stale offset."""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.documents import ErrorRecord
from pipeline.ingest import (
    MAX_BLOCKS_PER_FILE,
    MAX_COMPRESSED_BLOCKS,
    Shard,
    common,
    ingest,
    list_shards,
    read_shard,
)

SENTENCES = (
    "Dupilumab improved the Eczema Area and Severity Index at week 16.",
    "Twelve of 20 patients (60%) on imiquimod cleared their lesions.",
    "Serum IL-13 fell after treatment; IL-4 did not change.",
    "Psoriasis relapsed in 3 of 41 patients given placebo.",
)


def record(i: int) -> bytes:
    obj = {"id": f"pmid{i}", "title": f"Trial {i}", "text": SENTENCES[i % len(SENTENCES)]}
    return json.dumps(obj).encode() + b"\n"


def corpus(n: int, *, blank_start: int = 0) -> bytes:
    """`n` records with the things a block boundary can fall in: runs of blank lines, CRLF
    lines, lines that are not JSON, a last line without its newline; after `blank_start`
    newlines."""
    parts = [b"\n" * blank_start]
    for i in range(n):
        line = record(i)
        if i % 97 == 5:
            line = line[:-1] + b"\r\n"
        if i % 211 == 7:
            line = b'{"id": "broken' + str(i).encode() + b'", "text": \n'
        parts.append(line)
        if i % 53 == 11:
            parts.append(b"\n" * (i % 7 + 1) + b"  \t\n")
    return b"".join(parts).rstrip(b"\n")


def rows(records: list[object]) -> list[tuple[object, ...]]:
    return [(type(r).__name__, r.source, r.location, r.doc_id,  # type: ignore[attr-defined]
             getattr(r, "text", None), getattr(r, "error", None)) for r in records]


def sharded(shards: list[Shard], **kw: object) -> list[object]:
    return [rec for s in shards for rec in read_shard(s, **kw)]  # type: ignore[arg-type]


def watch_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[tuple[int, int]]]:
    """Every byte the readers read from now on: the total (all opens of a file go through
    `common._read1`), and each stream read as (offset in the file, bytes)."""
    total = [0]
    spans: list[tuple[int, int]] = []
    read1, read = common._read1, common.CappedStream.read

    def counting_read1(fh: object, n: int) -> bytes:
        data = read1(fh, n)  # type: ignore[arg-type]
        total[0] += len(data)
        return data

    def spanning_read(self: common.CappedStream, n: int = common.READ_CHUNK) -> bytes:
        at = self.total
        data = read(self, n)
        if data:
            spans.append((at, len(data)))
        return data

    monkeypatch.setattr(common, "_read1", counting_read1)
    monkeypatch.setattr(common.CappedStream, "read", spanning_read)
    return total, spans


def test_the_blocks_of_a_plain_file_read_it_once_in_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: each block passed over every line before its own (and read the blank run at the
    start again to check the file's head): 128 blocks read the file ~64 times."""
    p = tmp_path / "abstracts.jsonl"
    p.write_bytes(corpus(40_000, blank_start=300_000))
    shards = list_shards([p], block_size=500)
    assert len(shards) == MAX_BLOCKS_PER_FILE and all(s.start_at is not None for s in shards)
    total, spans = watch_reads(monkeypatch)
    got = []
    for s in shards:  # each block reads its own bytes only, from its offset on
        spans.clear()
        got += list(read_shard(s))
        assert s.start_at is not None
        stop = s.start_at.stop if s.start_at.stop is not None else p.stat().st_size
        assert spans[0][0] == s.start_at.byte
        assert sum(n for _, n in spans) == stop - s.start_at.byte
    assert total[0] == p.stat().st_size
    assert rows(got) == rows(list(ingest([p], dedupe=False)))


@pytest.mark.parametrize("case", ["bom", "long_lines", "capped", "blank_boundaries"])
def test_blocks_read_from_offsets_give_the_rows_of_blocks_read_by_line_number(
        tmp_path: Path, case: str) -> None:
    """Offsets change where a block starts reading, nothing of what it reads: the same rows,
    in the same order, as the line-counting path and as reading the file whole."""
    data = corpus(3_000)
    kw: dict[str, int] = {}
    if case == "bom":
        data = b"\xef\xbb\xbf" + data
    elif case == "long_lines":  # lines over the record cap, some across block boundaries
        lines = data.split(b"\n")
        for i in range(3, len(lines), 41):
            lines[i] = json.dumps({"id": f"long{i}", "text": "IL-6 " * 200}).encode()
        data = b"\n".join(lines)
        kw["max_record_bytes"] = 600
    elif case == "capped":  # the file cap falls in a block: its last block reports it
        kw["max_bytes"] = len(data) // 2
    else:  # runs of blank lines longer than a block
        data = data.replace(b"\n", b"\n" + b"\n" * 30, 40)
    p = tmp_path / "trial.jsonl"
    p.write_bytes(data)
    list_kw = {"max_bytes": kw["max_bytes"]} if "max_bytes" in kw else {}
    shards = list_shards([p], block_size=50, **list_kw)  # type: ignore[arg-type]
    assert len(shards) > 10 and all(s.start_at is not None for s in shards)
    by_offset = sharded(shards, **kw)
    by_line = sharded([replace(s, start_at=None) for s in shards], **kw)
    assert rows(by_offset) == rows(by_line) == rows(list(ingest([p], dedupe=False, **kw)))
    if case == "capped":
        assert [r.error for r in by_offset if isinstance(r, ErrorRecord)][-1] == "too_large"
    if case == "long_lines":
        assert sum(getattr(r, "error", "") == "record_too_large" for r in by_offset) > 10


def _restamp(p: Path, data: bytes, mtime_ns: int | None) -> None:
    p.write_bytes(data)
    if mtime_ns is not None:
        os.utime(p, ns=(mtime_ns, mtime_ns))


@pytest.mark.parametrize("change", ["size", "same_size_and_time", "time"])
def test_a_file_changed_since_it_was_listed_is_read_by_line_number(
        tmp_path: Path, change: str, caplog: pytest.LogCaptureFixture) -> None:
    """A block whose offset no longer holds (another size, another modification time, or no
    newline before the offset: the same size and time put back) is read as before offsets
    were kept, by counting lines in the file as it is now, with a warning; it never reads
    from a stale offset (which would give records cut in the middle)."""
    p = tmp_path / "notes.jsonl"
    data = b"".join(record(i) for i in range(2_000))
    p.write_bytes(data)
    shards = list_shards([p], block_size=100)
    st = p.stat()
    if change == "size":
        new = record(99_999) + data
        _restamp(p, new, None)
    elif change == "same_size_and_time":
        # every newline but the last moves 2 bytes earlier in its line: the same size and
        # lines, and no block offset but 0 is after a newline any more
        new = data.replace(b'"}\n{', b'\n"}{')
        assert len(new) == len(data)
        _restamp(p, new, st.st_mtime_ns)
    else:
        new = data
        _restamp(p, new, st.st_mtime_ns + 10**9)
    caplog.set_level(logging.WARNING, logger="pipeline.ingest")
    got = sharded(shards)
    assert rows(got) == rows(sharded([replace(s, start_at=None) for s in shards]))
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == len(shards) - (change == "same_size_and_time")
    assert all(str(p) in w and "changed since it was listed" in w for w in warned)
    if change == "time":
        assert rows(got) == rows(list(ingest([p], dedupe=False)))


def test_a_file_changed_while_it_is_listed_gets_no_offsets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Offsets are found in a second look at the file (the 64 KiB pieces that hold the blocks'
    first lines): a file that changed in between has blocks read by line number."""
    from pipeline.ingest import blocks

    p = tmp_path / "growing.jsonl"
    p.write_bytes(corpus(3_000))
    count = blocks.count_lines

    def count_then_append(*args: object) -> int:
        n = count(*args)  # type: ignore[arg-type]
        with open(p, "ab") as fh:
            fh.write(b"\n" + record(50_000))
        return n

    monkeypatch.setattr(blocks, "count_lines", count_then_append)
    shards = list_shards([p], block_size=100)
    assert len(shards) > 10 and all(s.start_at is None for s in shards)
    got = sharded(shards)
    assert rows(got) == rows(list(ingest([p], dedupe=False)))


def test_a_gzip_file_gets_a_bounded_number_of_blocks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A gzip stream cannot be entered at an offset: each block decompresses the file up to its
    first line. Before: 128 blocks, ~64 decompressions of the file; now at most
    MAX_COMPRESSED_BLOCKS blocks, (MAX_COMPRESSED_BLOCKS + 1) / 2 decompressions."""
    assert MAX_COMPRESSED_BLOCKS < MAX_BLOCKS_PER_FILE
    raw = corpus(30_000)
    gz = tmp_path / "abstracts.jsonl.gz"
    gz.write_bytes(gzip.compress(raw, compresslevel=1))
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(raw)
    assert len(list_shards([plain], block_size=10)) == MAX_BLOCKS_PER_FILE
    shards = list_shards([gz], block_size=10)
    assert len(shards) == MAX_COMPRESSED_BLOCKS and all(s.start_at is None for s in shards)
    total, _ = watch_reads(monkeypatch)
    got = sharded(shards)
    assert total[0] <= (MAX_COMPRESSED_BLOCKS + 1) / 2 * len(raw) + len(shards) * (1 << 20)
    assert rows(got) == rows(list(ingest([gz], dedupe=False)))


def test_a_block_offset_changes_no_shard_id_and_travels_with_the_shard(tmp_path: Path) -> None:
    """Shard ids name records (file, format, lines), so an output written before offsets were
    kept is resumed, not redone; a shard with its offset pickles (workers get it so)."""
    p = tmp_path / "a.jsonl"
    p.write_bytes(b"".join(record(i) for i in range(500)))
    shards = list_shards([p], block_size=100)
    assert [s.start_record for s in shards] == list(range(0, 500, 100))
    for s in shards:
        assert s.start_at is not None
        assert s.shard_id == replace(s, start_at=None).shard_id
        assert pickle.loads(pickle.dumps(s)) == s


# --------------------------------------------------------------------------- XML head errors

ARTICLE = (b"<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>Trial"
           b"</ArticleTitle></Article></MedlineCitation></PubmedArticle>")


@pytest.mark.parametrize("blank", [b"\n" * 9, b"\r\n" * 40_000, b"\n \t" * 200_000],
                         ids=["short_run", "run_past_the_head", "long_run"])
@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_an_xml_file_refused_before_any_record_names_the_line_its_content_starts(
        tmp_path: Path, blank: bytes, gz: bool) -> None:
    """Before: "line 1" whatever the blank run before the content."""
    cases = {
        "not_xml.xml": (b"Trial of dupilumab\n", "not XML", 0),
        "other_root.xml": (b'<?xml version="1.0"?>\n<!-- export -->\n<Catalog>\n'
                           + ARTICLE + b"\n</Catalog>\n", "unexpected root element", 2),
        "unclosed_root.xml": (b"<PubmedArticleSet\n", "not XML", 0),
    }
    for name, (body, what, root_line) in cases.items():
        p = tmp_path / (name + ".gz" if gz else name)
        content = blank + body
        p.write_bytes(gzip.compress(content) if gz else content)
        (err,) = list(ingest([p], fmt="pubmed"))
        assert isinstance(err, ErrorRecord) and what in err.message
        line = blank.count(b"\n") + 1 + root_line
        assert (err.error, err.location) == ("bad_xml", f"line {line}")


def test_the_blocks_of_an_uncompressed_file_weigh_their_bytes(tmp_path: Path) -> None:
    """Units are cut and scheduled by input bytes: the blocks of an uncompressed JSONL file
    weigh exactly their bytes (they add up to the file's size however long its lines, or to
    the byte cap), a gzip file's blocks an estimate per line (their offsets are not known)."""
    from pipeline.runner.units import COMPRESSED_LINE_BYTES, plan_units, shard_bytes

    long_lines = b"".join(record(i)[:-2] + b' ' * 3000 + b'}\n' for i in range(40))
    path = tmp_path / "long.jsonl"
    path.write_bytes(long_lines)
    blocks = list_shards([path], block_size=7)
    assert len(blocks) == 6 and all(s.start_at is not None for s in blocks)
    sizes = [shard_bytes(s) for s in blocks]
    assert sum(sizes) == len(long_lines)
    assert sizes[:-1] == [sum(len(record(i)) + 3000 for i in range(k, k + 7))
                          for k in range(0, 35, 7)]
    # under a byte cap the readers stop at the cap (counted from the file's start): what lies
    # past it weighs nothing, in a block as in a whole file
    cap = 50_000
    capped = list_shards([path], block_size=7, max_bytes=cap)
    assert 2 <= len(capped) < len(blocks)
    assert sum(shard_bytes(s, cap) for s in capped) == cap
    txt = tmp_path / "big.txt"
    txt.write_bytes(b"Imiquimod was applied. " * 4000)
    (whole,) = list_shards([txt], max_bytes=cap)
    assert shard_bytes(whole) == txt.stat().st_size and shard_bytes(whole, cap) == cap
    # a text file is one record: over the record cap it is one error row and weighs nothing
    size = txt.stat().st_size
    assert shard_bytes(whole, max_record_bytes=size - 1) == 0
    assert shard_bytes(whole, max_record_bytes=size) == size
    assert shard_bytes(whole, cap, max_record_bytes=size) == 0  # (the record cap <= the file's)
    units = plan_units([*capped, whole], 1 << 30, budget=10 * cap, max_bytes=cap)
    assert [u.weight for u in units] == [2 * cap]
    packed = tmp_path / "long.jsonl.gz"
    packed.write_bytes(gzip.compress(long_lines))
    gz_blocks = list_shards([packed], block_size=7)
    assert all(s.start_at is None for s in gz_blocks)
    assert [shard_bytes(s) for s in gz_blocks][:2] == [
        min(packed.stat().st_size, COMPRESSED_LINE_BYTES * 7)] * 2
