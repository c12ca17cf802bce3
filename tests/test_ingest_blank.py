"""Files made only of blank lines or other whitespace, and files that start with a long blank
run: what they give (one `empty_file` row, as an empty file does; or the file's documents), how
a runner shards them, and where an error row's "byte N" points. Every case writes small
real-format files (a few MB) and checks rows, not timing."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from helpers import ingest_all

from pipeline.ingest import ingest, list_shards, read_shard
from pipeline.ingest.common import read_head_at

MB = 1 << 20
BLANKS = {"newlines": b"\n", "crlf": b"\r\n", "spaces_tabs": b" \t \t\n", "mixed": b"\n \t\r\n\f\v"}
NAMES = ("a.txt", "b.md", "c.jsonl", "d.pubtator", "e.xml", "f.json", "g.dat", "h.jsonl.gz")
PUBMED_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC '
               '"-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
               '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')


def blank_file(path: Path, unit: bytes, size: int) -> None:
    data = unit * (size // len(unit))
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


def rows(errs: list[object]) -> list[tuple[str, str, str | None]]:
    return [(Path(e.source).name, e.error, e.location)  # type: ignore[attr-defined]
            for e in errs]


@pytest.mark.parametrize("unit", BLANKS.values(), ids=BLANKS.keys())
def test_a_file_of_only_whitespace_is_one_empty_file_row_in_every_format(
        tmp_path: Path, unit: bytes) -> None:
    """As an empty file is reported: one `empty_file` row without a location, no document.
    Before: a txt file longer than the record cap was `record_too_large` (a 256 MB file of
    newlines under the default 32 MiB cap), as if it held a document too long to read."""
    for name in NAMES:
        blank_file(tmp_path / name, unit, 3 * MB)
    (tmp_path / "z_empty.txt").write_bytes(b"")
    docs, errs = ingest_all(tmp_path, max_record_bytes=MB)
    assert not docs
    assert rows(errs) == [(name, "empty_file", None) for name in (*NAMES, "z_empty.txt")]
    assert len({e.message for e in errs}) == 1  # the empty file's wording, every time


def test_a_blank_jsonl_file_is_one_shard_not_one_per_block_of_lines(tmp_path: Path) -> None:
    """Before: 3 MB of newlines were 3,145,728 lines, so 128 blocks (MAX_BLOCKS_PER_FILE),
    each re-reading the blank run to find the file empty (256 MB of newlines: 80 s of CPU in
    `biotab run`); a file refused whole (empty, binary, UTF-16) is now one shard. A JSONL file
    with records is still cut into blocks."""
    blank = tmp_path / "blank.jsonl"
    blank_file(blank, b"\n", 3 * MB)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(bytes(range(256)) * 4 * 3000)
    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps({"id": f"d{i}", "text": "Aspirin."}) + "\n"
                            for i in range(30)), encoding="utf-8")
    shards = list_shards([blank, binary, good], block_size=10)
    assert [(Path(s.path).name, s.start_record, s.n_records) for s in shards] == [
        ("blank.jsonl", 0, None), ("binary.jsonl", 0, None), ("good.jsonl", 0, 10),
        ("good.jsonl", 10, 10), ("good.jsonl", 20, None)]
    out = [rec for s in shards for rec in read_shard(s)]
    assert [(Path(r.source).name, getattr(r, "error", None)) for r in out[:2]] == [
        ("blank.jsonl", "empty_file"), ("binary.jsonl", "binary_file")]
    assert [r.doc_id for r in out[2:]] == [f"d{i}" for i in range(30)]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_the_head_after_a_long_blank_run_is_found_at_its_true_offset(tmp_path: Path,
                                                                     gz: bool) -> None:
    blank = b"\r\n \t" * (MB // 4) + b"\n" * 12345
    body = "".join(json.dumps({"id": f"a{i}", "text": "Aspirin."}) + "\n"
                   for i in range(400)).encode()
    p = tmp_path / ("a.jsonl.gz" if gz else "a.jsonl")
    p.write_bytes(gzip.compress(blank + body) if gz else blank + body)
    at, head = read_head_at(p)
    assert (at, head) == (len(blank), body[:8192])
    at, head = read_head_at(p, 100, limit=len(blank) // 2)  # blank up to the cap: blank head
    assert 0 < len(head) <= 100 and not head.strip() and at + len(head) <= len(blank)
    docs, errs = ingest_all(p)
    assert len(docs) == 400 and not errs


def test_a_cut_gzip_stream_after_a_blank_run_keeps_what_was_read(tmp_path: Path) -> None:
    blank = b"\n" * (2 * MB)
    text = "".join(json.dumps({"id": f"d{i}", "text": f"Aspirin {os.urandom(1000).hex()}"})
                   + "\n" for i in range(200)).encode()
    p = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(blank + text, compresslevel=1)
    p.write_bytes(data[:len(data) - 20_000])
    at, head = read_head_at(p)
    assert at == len(blank) and head == text[:len(head)] and len(head) == 8192
    docs, errs = ingest_all(p)
    assert 0 < len(docs) < 200 and [e.error for e in errs] == ["truncated_gzip"]


def test_a_nul_in_the_xml_prolog_is_named_at_its_true_byte(tmp_path: Path) -> None:
    """Before: after more than 64 KiB of whitespace the byte was counted from the end of the
    blank run (byte 4535 for byte 70071)."""
    lead = b"\n \t" * 30_000  # 90,000 bytes
    files = {
        "pubmed.xml": PUBMED_HEAD.encode() + b"<PubmedArticleSet a='\x00'>\n<PubmedArticle>"
        b"<MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle>\n"
        b"</PubmedArticleSet>\n",
        "bioc.xml": b'<?xml version="1.0"?>\n<collection key="\x00"><source>x</source>'
        b"<document><id>1</id></document></collection>\n",
    }
    expected = []
    for lead_in in (b"", lead):
        for name, data in files.items():
            p = tmp_path / f"{len(lead_in)}_{name}"
            p.write_bytes(lead_in + data)
            nul = (lead_in + data).index(b"\x00")
            expected.append((p.name, "binary_file", f"byte {nul}"))
    docs, errs = ingest_all(tmp_path)
    assert not docs and sorted(rows(errs)) == sorted(expected)
    assert all(f"(at {e.location}," in e.message for e in errs)


# ----------------------------------------------------------------- long blank runs between records


def blank_run(n_lines: int, seed: int) -> bytes:
    units = (b"\n", b"\r\n", b" \n", b"\t \r\n", b"\x0c\n")
    return b"".join(units[(i * 7 + seed) % len(units)] for i in range(n_lines))


def test_a_run_of_blank_lines_is_one_item_of_iter_lines(tmp_path: Path) -> None:
    """Before: one item per blank line, a Python step each (a JSONL or PubTator file of one
    record and 256 MB of newlines: minutes); a run is one `BlankLines` per chunk read."""
    from pipeline.ingest.common import BlankLines, CappedStream, iter_lines

    run = blank_run(1_500_000, 0)
    p = tmp_path / "a.jsonl"
    p.write_bytes(b'{"id": "a", "text": "x"}\n' + run + b'{"id": "b", "text": "y"}\n  ')
    with CappedStream(p, None) as stream:
        items = list(iter_lines(stream, 1000))
    assert items[0] == b'{"id": "a", "text": "x"}\n' and items[-2:] == [
        b'{"id": "b", "text": "y"}\n', b"  "]
    runs = items[1:-2]
    assert all(isinstance(r, BlankLines) for r in runs)
    assert sum(r.count for r in runs if isinstance(r, BlankLines)) == 1_500_000
    assert len(runs) <= len(run) // MB + 2


def test_records_after_long_blank_runs_keep_their_line_numbers(tmp_path: Path) -> None:
    """Every reader of lines (JSONL, PubTator, BioC JSON lines), read whole and in blocks of a
    few lines: the same documents and rows, at the lines they are on."""
    runs = [blank_run(n, i) for i, n in enumerate((3, 400_000, 1, 250_000, 2))]
    jl = [json.dumps({"id": f"j{i}", "text": "Aspirin."}).encode() + b"\n" for i in range(4)]
    jl[2] = b'{"id": "broken", \n'
    bioc = [json.dumps({"id": f"b{i}", "passages": [{"offset": 0, "text": f"Aspirin {i}",
                                                     "infons": {}}]}).encode() + b"\n"
            for i in range(4)]
    pub = [f"{i}|t|Aspirin trial\n{i}|a|Aspirin reduced fever.\n{i}\t0\t7\tAspirin\tChemical\t"
           "D001241\n".encode() for i in range(1, 5)]
    files = {"a.jsonl": jl, "b.bioc.jsonl": bioc, "c.pubtator": pub}
    first_lines = {}
    for name, records in files.items():
        data = b"".join(run + rec for run, rec in zip(runs, records, strict=False)) + runs[-1]
        (tmp_path / name).write_bytes(data)
        first_lines[name] = [
            data[:data.index(rec)].count(b"\n") + 1 for rec in records]
    docs, errs = ingest_all(tmp_path)
    by_file = {name: [(d.doc_id, d.location) for d in docs if d.source.endswith(name)]
               for name in files}
    jlines, blines, plines = (first_lines[n] for n in files)
    assert by_file["a.jsonl"] == [(f"j{i}", f"line {jlines[i]}") for i in (0, 1, 3)]
    assert by_file["b.bioc.jsonl"] == [(f"b{i}", f"line {blines[i]}") for i in range(4)]
    assert by_file["c.pubtator"] == [(str(i + 1), f"line {plines[i]}") for i in range(4)]
    assert [(e.error, e.location) for e in errs] == [("bad_json", f"line {jlines[2]}")]
    shards = list_shards([tmp_path], block_size=3)
    assert len(shards) == 2 + 128  # the JSONL file's blocks start inside the blank runs
    sharded = [r for s in shards for r in read_shard(s)]
    assert sharded == list(ingest(tmp_path))


AFTER_BLANKS = {
    "a.txt": b"Aspirin helps.\n",
    "c.jsonl": b'{"id": "x", "text": "Aspirin."}\n',
    "h.jsonl.gz": b'{"id": "x", "text": "Aspirin."}\n',
    "d.pubtator": b"7|t|Aspirin.\n7|a|It helps.\n\n",
    "e.xml": PUBMED_HEAD.encode() + b"<PubmedArticleSet><PubmedArticle><MedlineCitation>"
    b"<PMID>7</PMID><Article><ArticleTitle>Aspirin.</ArticleTitle></Article></MedlineCitation>"
    b"</PubmedArticle></PubmedArticleSet>\n",
}


@pytest.mark.parametrize("name", AFTER_BLANKS)
def test_whitespace_up_to_the_file_cap_then_text_is_no_empty_file(tmp_path: Path,
                                                                   name: str) -> None:
    """What follows the cap is never read, so a file blank up to it is too large, not empty
    (it was `empty_file`, whatever came after the cap)."""
    data = b"\n" * (3 * MB) + AFTER_BLANKS[name]
    (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    docs, errs = ingest_all(tmp_path, max_bytes=2 * MB, max_record_bytes=MB)
    assert not docs
    assert [e.error for e in errs] == (["record_too_large"] if name == "a.txt" else ["too_large"])
    # the same file under a cap past its text: read whole
    docs, errs = ingest_all(tmp_path, max_bytes=8 * MB, max_record_bytes=8 * MB)
    assert (len(docs), errs) == (1, [])


@pytest.mark.parametrize("name, record", [
    ("a.jsonl", b'{"id": "%d", "text": "Aspirin."}\n'),
    ("b.pubtator", b"%d|t|Aspirin.\n%d|a|It helps.\n\n"),
])
def test_a_line_of_whitespace_longer_than_the_record_cap_is_blank_wherever_it_stands(
        tmp_path: Path, name: str, record: bytes) -> None:
    """No row for it, after a record as after a blank line (it was `record_too_large` after a
    record and nothing after a blank line: rows depended on the line before), read whole or in
    blocks of lines."""
    long_blank = b" " * 5000 + b"\t" * 3000 + b"\n"

    def rec(i: int) -> bytes:
        return record.replace(b"%d", str(i).encode())

    path = tmp_path / name
    path.write_bytes(rec(1) + long_blank + rec(2) + b"\n" + long_blank + rec(3) + long_blank)
    docs, errs = ingest_all(tmp_path, max_record_bytes=1000)
    assert [d.doc_id for d in docs] == ["1", "2", "3"] and errs == []
    if name.endswith(".jsonl"):
        got = [r for s in list_shards([path], block_size=2)
               for r in read_shard(s, max_record_bytes=1000)]
        assert [getattr(r, "doc_id", None) for r in got] == ["1", "2", "3"]


def test_a_file_blank_to_exactly_the_byte_cap_is_empty_in_every_format(tmp_path: Path) -> None:
    """The cap allows its own size (a file of text that long is read): a file of whitespace
    exactly that long is `empty_file`, one byte longer is too large, whatever the format."""
    for name in NAMES:
        blank_file(tmp_path / name, b"\n", 2 * MB)
    docs, errs = ingest_all(tmp_path, max_bytes=2 * MB, max_record_bytes=MB)
    assert not docs and rows(errs) == [(name, "empty_file", None) for name in NAMES]
    for name in NAMES:
        blank_file(tmp_path / name, b"\n", 2 * MB + 1)
    docs, errs = ingest_all(tmp_path, max_bytes=2 * MB, max_record_bytes=MB)
    assert not docs and all(e.error in ("too_large", "record_too_large") for e in errs)
    assert len(errs) == len(NAMES)
