"""Faults in input, second round: caps and damage that cost more than the one bad record (a
PubTator record's many lines, NFC offset mapping in quadratic time, a NUL near the start of a
line format, a pretty-printed BioC JSON collection, leading whitespace, a cut gzip PubTator
file). Every case writes small real-format files and checks documents and error rows."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

from helpers import ingest_all

from pipeline.documents import Document
from pipeline.ingest.pubtator import LINE_COST


def ids(docs: list[Document]) -> list[str]:
    return [d.doc_id for d in docs]


def pubtator_record(pmid: int, n_mentions: int = 1) -> str:
    title = f"Aspirin trial {pmid}"
    abstract = "Aspirin reduced fever."
    base = len(title) + 1
    mention = f"{pmid}\t{base}\t{base + 7}\tAspirin\tChemical\tD001241\n"
    return f"{pmid}|t|{title}\n{pmid}|a|{abstract}\n" + mention * n_mentions + "\n"


# ----------------------------------------------------------------- PubTator record cap


def test_pubtator_record_of_many_mention_lines_is_capped_as_a_whole(tmp_path: Path) -> None:
    """Each line is far below the cap; the record is not: one record_too_large row for it,
    its neighbours whole, memory bounded by the cap rather than by the record."""
    cap = 1 << 20
    n_big = 20 * cap // LINE_COST  # 20x the cap once the per-line objects are counted
    text = pubtator_record(1, 3) + pubtator_record(2, n_big) + pubtator_record(3, 3)
    p = tmp_path / "bomb.pubtator.gz"
    p.write_bytes(gzip.compress(text.encode()))
    tracemalloc.start()
    docs, errs = ingest_all(p, max_record_bytes=cap)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ids(docs) == ["1", "3"]
    assert [len(d.meta["annotations"]) for d in docs if d.meta] == [3, 3]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("record_too_large", "line 7", "2")]
    assert f"{cap:,}-byte record cap" in errs[0].message
    assert peak < 8 * cap, peak  # before: every line of record 2 held (~30 MB)


def test_pubtator_lines_of_a_skipped_record_give_no_rows(tmp_path: Path) -> None:
    """Lines after the cap belong to the skipped record until the next one starts: a bad line
    there adds no row; a record without a blank line before it still starts a new record."""
    cap = 4 * LINE_COST
    big = pubtator_record(2, 20).rstrip("\n") + "\n2\tnot a mention\n\xff\n"
    text = pubtator_record(1) + big + pubtator_record(3).replace("\n\n", "\n") + pubtator_record(4)
    p = tmp_path / "skip.pubtator"
    p.write_bytes(text.encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    docs, errs = ingest_all(p, max_record_bytes=cap)
    assert ids(docs) == ["1", "3", "4"]
    assert [(e.error, e.doc_id) for e in errs] == [("record_too_large", "2")]


def test_pubtator_records_under_the_cap_are_unchanged(tmp_path: Path) -> None:
    p = tmp_path / "ok.pubtator"
    p.write_text(pubtator_record(1, 5) + pubtator_record(2, 5), encoding="utf-8")
    docs, errs = ingest_all(p, max_record_bytes=20 * LINE_COST)
    assert ids(docs) == ["1", "2"] and not errs


# ----------------------------------------------------------------- NFC offset mapping

# characters NFC composes, reorders or decomposes: combining marks of several classes, Hangul
# jamo (L+V, LV+T), vowel signs composing with a preceding starter (Kannada, Bengali, Myanmar),
# Tibetan vowels decomposing to non-starters, a singleton (Angstrom sign), a BOM
NFC_ALPHABET = [*"ae A", "\u00e9", "\u0301", "\u0327", "\u0323", "\u030a", "\u0345", "\u05b0",
                "\u1100", "\u1161", "\u11a8", "\uac00", "\u0cc6", "\u0cc2", "\u0cd5", "\u09c7",
                "\u09be", "\u1025", "\u102e", "\u0f71", "\u0f72", "\u0f73", "\u0344", "\u212b",
                "\ufeff", "\U0001d15e", "\u03b1"]


def test_nfc_offsets_equal_the_definition_on_composition_cases() -> None:
    import random
    import unicodedata

    from pipeline.documents import normalize_text
    from pipeline.ingest.nfc import NfcOffsets, safe_cut_before

    rng = random.Random(7)
    for _ in range(1500):
        raw = "".join(rng.choice(NFC_ALPHABET) for _ in range(rng.randint(0, 40)))
        offsets = NfcOffsets(raw, step=rng.randint(1, 4))
        assert [offsets(k) for k in range(-2, len(raw) + 2)] == [
            len(normalize_text(raw[:k])) for k in range(-2, len(raw) + 2)], raw
        for i in range(1, len(raw)):  # normalizing in pieces cut where it is safe is exact
            if safe_cut_before(raw[i]):
                nfc = unicodedata.normalize
                assert nfc("NFC", raw[:i]) + nfc("NFC", raw[i:]) == nfc("NFC", raw), (raw, i)
    assert not safe_cut_before("\u1161") and not safe_cut_before("\u0cc2")
    assert not safe_cut_before("\u0f73") and not safe_cut_before("\u0301")


def _count_normalized(monkeypatch: object) -> list[int]:
    """Characters passed to unicodedata.normalize from now on (one running total)."""
    import unicodedata

    total = [0]
    real = unicodedata.normalize

    def counting(form: str, text: str) -> str:
        total[0] += len(text)
        return real(form, text)

    monkeypatch.setattr(unicodedata, "normalize", counting)  # type: ignore[attr-defined]
    return total


def test_pubtator_offsets_after_nfc_are_mapped_in_linear_time(tmp_path: Path,
                                                              monkeypatch: object) -> None:
    """A record whose title NFC shortens: every mention is moved by the composed characters
    before it, as the definition len(NFC(raw[:offset])) says; the text is normalized a bounded
    number of times, not once per mention up to its offset (quadratic: 50 s for 1.1 MB)."""
    from pipeline.documents import normalize_text

    title = "Cafe\u0301 e\u0301tude \u1100\u1161\u11a8 study"
    words = ["aspirin" if i % 3 else "he\u0301parin" for i in range(6000)]
    abstract = " ".join(words)
    raw = title + "\n" + abstract
    lines = [f"1|t|{title}", f"1|a|{abstract}"]
    starts = []
    pos = len(title) + 1
    for w in words:
        lines.append(f"1\t{pos}\t{pos + len(w)}\t{w}\tChemical\tD1")
        starts.append(pos)
        pos += len(w) + 1
    p = tmp_path / "nfc.pubtator"
    p.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    total = _count_normalized(monkeypatch)
    docs, errs = ingest_all(p)
    assert not errs
    (d,) = docs
    assert d.meta is not None
    anns = d.meta["annotations"]
    assert len(anns) == len(words)
    assert [a["start"] for a in anns[:50]] == [len(normalize_text(raw[:k])) for k in starts[:50]]
    assert all(d.text[a["start"]:a["end"]] == normalize_text(a["text"]) for a in anns)
    assert total[0] < 20 * len(raw), total[0]  # before: ~4,000 x len(raw)


def test_bioc_offsets_after_nfc_are_mapped_in_linear_time(tmp_path: Path,
                                                          monkeypatch: object) -> None:
    words = ["aspirin" if i % 3 else "he\u0301parin" for i in range(3000)]
    text = " ".join(words)
    anns, pos = [], 0
    for i, w in enumerate(words):
        anns.append({"id": str(i), "infons": {"type": "Chemical"}, "text": w,
                     "locations": [{"offset": pos, "length": len(w)}]})
        pos += len(w) + 1
    doc = {"id": "1", "passages": [{"offset": 0, "infons": {"type": "abstract"}, "text": text,
                                    "annotations": anns}]}
    p = tmp_path / "nfc.json"
    p.write_text(json.dumps({"source": "t", "documents": [doc]}), encoding="utf-8")
    total = _count_normalized(monkeypatch)
    docs, errs = ingest_all(p)
    assert not errs
    (d,) = docs
    assert d.meta is not None
    got = d.meta["annotations"]
    assert [d.text[a["start"]:a["end"]] for a in got] == [
        unicodedata_nfc(w) for w in words]
    assert total[0] < 20 * len(text), total[0]


def unicodedata_nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


# ----------------------------------------------------------------- NUL bytes in line formats

PUBMED_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC '
               '"-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
               '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
               "<PubmedArticleSet>\n")


def pubmed_article(pmid: int, title: str = "Trial of dupilumab.") -> str:
    return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>"
            f"{title}</ArticleTitle><Abstract><AbstractText>Result {pmid}.</AbstractText>"
            "</Abstract></Article></MedlineCitation></PubmedArticle>\n")


def test_a_nul_near_the_start_costs_only_its_line_or_record(tmp_path: Path) -> None:
    """Before: a NUL in the first 8 KiB (64 KiB for XML) rejected the whole file as binary,
    one at line 91 only its line."""
    jl = tmp_path / "a.jsonl"
    jl.write_bytes(b'{"id": "a", "text": "one"}\n{"id": "b", "text": "t\x00wo"}\n'
                   b'{"id": "c", "text": "three"}\n')
    pt = tmp_path / "b.pubtator"
    pt.write_bytes((pubtator_record(1) + pubtator_record(2) + pubtator_record(3))
                   .replace("trial 2", "tr\x00ial 2").replace("1\t16\t23", "1\t16\t2\x003")
                   .encode())
    xml = tmp_path / "c.xml"
    xml.write_bytes((PUBMED_HEAD + pubmed_article(11) + pubmed_article(12, "Tri\x00al")
                     + pubmed_article(13) + "</PubmedArticleSet>\n").encode())
    bioc = tmp_path / "d.json"
    bioc.write_bytes(b"\n".join(json.dumps({"id": f"d{i}", "passages": [
        {"offset": 0, "infons": {}, "text": f"Aspirin {i}."}]}).encode() for i in range(3))
        .replace(b"Aspirin 1", b"Asp\x00irin 1") + b"\n")
    docs, errs = ingest_all(jl, pt, xml, bioc)
    assert ids(docs) == ["a", "c", "1", "3", "11", "13", "d0", "d2"]
    assert [(e.error, e.location) for e in errs] == [
        ("bad_json", "line 2"),
        ("binary_file", "line 3, byte 6"),  # record 1's mention line: that mention only
        ("binary_file", "line 5, byte 14"), ("bad_record", "line 5"),  # record 2's title
        ("bad_xml", "line 5, column 74, record 2"),
        ("bad_json", "line 2")]
    assert docs[2].meta is not None and docs[2].meta["annotations"] == []


def test_a_nul_late_in_a_pubtator_file_is_not_document_text(tmp_path: Path) -> None:
    p = tmp_path / "late.pubtator"
    records = "".join(pubtator_record(i) for i in range(1, 400))
    p.write_bytes(records.replace("trial 300", "tr\x00ial 300").encode())
    docs, errs = ingest_all(p)
    assert len(docs) == 398 and "300" not in ids(docs)
    assert [(e.error, e.doc_id) for e in errs] == [("binary_file", "300"), ("bad_record", "300")]


def test_binary_files_with_a_line_format_name_are_still_one_row(tmp_path: Path) -> None:
    import random
    import zlib

    rng = random.Random(5)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + zlib.compress(rng.randbytes(20_000), 1)
    cases = {
        "png.jsonl": png,
        "small_png.pubtator": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        "xz.pubtator": b"\xfd7zXZ\x00\x00" + rng.randbytes(9000),
        "prolog.xml": (PUBMED_HEAD.replace("January", "Jan\x00uary") + pubmed_article(1)
                       + "</PubmedArticleSet>\n").encode(),
        "bioc.json": b"\x00" * 3 + rng.randbytes(5000),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    docs, errs = ingest_all(*(tmp_path / name for name in cases), fmt=None)
    assert not docs
    assert [(Path(e.source).name, e.error) for e in errs] == [
        (name, "binary_file") for name in cases]
    # UTF-16 text without a byte-order mark is one row too, named as the text it is
    # (test_ingest.py: test_utf16_and_utf32_files_are_named_by_their_encoding)
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes('{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'.encode("utf-16-le"))
    docs, errs = ingest_all(utf16)
    assert not docs and [e.error for e in errs] == ["not_utf8"]


# ----------------------------------------------------------------- BioC JSON layouts


def bioc_doc(i: int) -> dict[str, object]:
    return {"id": str(i), "infons": {}, "relations": [], "annotations": [], "passages": [
        {"offset": 0, "infons": {"type": "title"}, "text": f"Aspirin study {i}",
         "annotations": []}]}


def test_a_pretty_printed_bioc_collection_is_one_row_not_one_per_line(tmp_path: Path) -> None:
    """Before: 55 bad_json rows (one per line, locations meaningless) for a syntax error, 327
    bad_json rows instead of one record_too_large for a collection over the record cap."""
    collection = {"source": "PubTator", "date": "2024", "key": "k",
                  "documents": [bioc_doc(i) for i in range(3)]}
    bad = tmp_path / "pretty.json"
    text = json.dumps(collection, indent=2).replace('"Aspirin study 1"',
                                                    '"Aspirin study 1" "oops"')
    bad.write_text(text, encoding="utf-8")
    big = tmp_path / "big.json"
    collection["documents"] = [bioc_doc(i) for i in range(20)]
    big.write_text(json.dumps(collection, indent=1), encoding="utf-8")
    docs, errs = ingest_all(bad, big, max_record_bytes=2000)
    assert not docs
    line = text[:text.index('"oops"')].count("\n") + 1
    assert [(Path(e.source).name, e.error, e.location) for e in errs] == [
        ("pretty.json", "bad_json", f"line {line}"),
        ("big.json", "record_too_large", "line 1")]
    assert "every document in it is lost" in errs[0].message
    assert "2,000-byte record cap" in errs[1].message


def test_bioc_json_lines_stay_one_document_per_line(tmp_path: Path) -> None:
    """Damaged lines (the first among them) and a file over the record cap still cost only
    their lines."""
    lines = [json.dumps(bioc_doc(i)) for i in range(40)]
    lines[0] = lines[0][:-1]
    lines[2] = "{not json"
    p = tmp_path / "lines.json"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, errs = ingest_all(p)
    assert ids(docs) == [str(i) for i in range(40) if i not in (0, 2)]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 1"),
                                                     ("bad_json", "line 3")]
    docs, errs = ingest_all(p, max_record_bytes=1000)
    assert len(docs) == 38 and len(errs) == 2


# ----------------------------------------------------------------- leading whitespace


def test_a_file_starting_with_a_long_blank_run_is_read(tmp_path: Path) -> None:
    """Before: its first 8 KiB (64 KiB for XML) blank, a file was one empty_file row."""
    blank = "\n" * 5000 + " \t\r\n" * 1000  # 9,000 bytes
    files = {
        "a.jsonl": blank + json.dumps({"id": "j1", "text": "Aspirin."}) + "\n",
        "b.pubtator": blank + pubtator_record(21),
        "c.dat": blank + pubtator_record(31),  # format told from content past the blank run
        "d.xml": blank * 8 + PUBMED_HEAD + pubmed_article(41) + "</PubmedArticleSet>\n",
        "e.json": blank + json.dumps({"source": "x", "documents": [bioc_doc(51)]}),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    gz = tmp_path / "f.jsonl.gz"
    gz.write_bytes(gzip.compress((blank * 8 + json.dumps({"id": "g1", "text": "x"})).encode()))
    docs, errs = ingest_all(tmp_path)
    assert sorted(ids(docs)) == ["21", "31", "41", "51", "g1", "j1"]
    assert not errs


def test_blank_and_binary_files_after_a_blank_run_are_still_refused(tmp_path: Path) -> None:
    blank = b"\n" * 20_000
    (tmp_path / "a.jsonl").write_bytes(blank)
    (tmp_path / "b.pubtator").write_bytes(blank + b"\x00\x01\x02" * 3000)
    (tmp_path / "c.xml").write_bytes(b" " * 70_000)
    docs, errs = ingest_all(tmp_path)
    assert not docs
    assert [(Path(e.source).name, e.error, e.location) for e in errs] == [
        ("a.jsonl", "empty_file", None), ("b.pubtator", "binary_file", "byte 20000"),
        ("c.xml", "empty_file", None)]


# ----------------------------------------------------------------- a cut gzip PubTator file


def test_a_cut_gzip_pubtator_file_names_the_cut_record(tmp_path: Path) -> None:
    """Before: a truncated_gzip row with no location, plus a false no_records row when the
    cut was in the first record."""
    import random

    rng = random.Random(3)
    records = [pubtator_record(i, 5).replace("fever.", " ".join(  # hard to compress
        f"w{rng.randrange(10**6)}" for _ in range(200))) for i in range(1, 30)]
    text = "".join(records)
    data = gzip.compress(text.encode())
    p = tmp_path / "cut.pubtator.gz"
    p.write_bytes(data[:len(data) // 2])
    docs, errs = ingest_all(p)
    (row,) = errs
    n = len(docs) + 1
    first_line = "".join(records[:n - 1]).count("\n") + 1
    assert 0 < len(docs) < 29 and ids(docs) == [str(i) for i in range(1, n)]
    assert (row.error, row.location, row.doc_id) == (
        "truncated_gzip", f"line {first_line}, record {n}", str(n))
    p.write_bytes(gzip.compress(records[0].encode())[:300])  # cut in the first record
    docs, errs = ingest_all(p)
    assert not docs
    assert [(e.error, e.location) for e in errs] == [("truncated_gzip", "line 1, record 1")]


# ------------------------------------------------ what a row says was read before the damage


def test_rows_say_no_record_was_read_not_records_1_to_0(tmp_path: Path) -> None:
    """A gzipped PubMed file cut in its first record said "records 1-0 were read", a JSONL
    file over the --max-file-mb cap in its first line "lines 1-0 were read"."""
    article = ('<PubmedArticle><MedlineCitation><PMID Version="1">{}</PMID><Article>'
               "<ArticleTitle>Aspirin {}</ArticleTitle></Article></MedlineCitation>"
               "</PubmedArticle>\n")
    import random

    rng = random.Random(5)
    words = " ".join(f"w{rng.randrange(10**6)}" for _ in range(2000))  # hard to compress
    xml = ('<?xml version="1.0"?>\n<PubmedArticleSet>\n'
           + "".join(article.format(i, words) for i in (1, 2)) + "</PubmedArticleSet>\n")
    p = tmp_path / "cut.xml.gz"
    p.write_bytes(gzip.compress(xml.encode(), mtime=0)[:4000])  # cut in record 1
    docs, errs = ingest_all(p)
    assert not docs and [(e.error, e.location) for e in errs] == [
        ("truncated_gzip", "line 3, record 1")]
    assert "no record before it was read" in errs[0].message and "1-0" not in errs[0].message
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"id": "a", "text": "x" * 3_000_000}) + "\n", encoding="utf-8")
    docs, errs = ingest_all(big, max_bytes=1_000_000)
    assert not docs and [(e.error, e.location) for e in errs] == [("too_large", "line 1")]
    assert "no line before it was read" in errs[0].message and "1-0" not in errs[0].message


# ------------------------------------------------ the cap's rows name the flag that raises it


def test_every_record_cap_row_names_the_flag_that_raises_it(tmp_path: Path) -> None:
    """A user of `biotab run` reads the errors table: the rows of a PubTator record, a PubMed
    XML record and an unclosed XML start tag over the record cap named `max_record_bytes`, the
    library's keyword, which no command takes, and those of a line over it (JSONL, PubTator,
    BioC JSON) named no flag (the txt and JSON array rows named --max-record-mb)."""
    cap = 4000
    pubtator = tmp_path / "many.pubtator"
    pubtator.write_text(pubtator_record(1) + pubtator_record(2, 200) + pubtator_record(3),
                        encoding="utf-8")
    collection = {"source": "PubTator", "date": "2024", "key": "k",
                  "documents": [bioc_doc(i) for i in range(40)]}
    pretty = tmp_path / "collection.json"  # over several lines: one JSON value, read whole
    pretty.write_text(json.dumps(collection, indent=1), encoding="utf-8")
    one_line = tmp_path / "one_line.json"  # on one line: read line by line
    one_line.write_text(json.dumps(collection), encoding="utf-8")
    jsonl = tmp_path / "long_line.jsonl"
    jsonl.write_text(json.dumps({"id": "1", "text": "Aspirin " * 1000}) + "\n", encoding="utf-8")
    long_abstract = tmp_path / "long_line.pubtator"
    long_abstract.write_text("1|t|Aspirin\n1|a|" + "Aspirin " * 1000 + "\n\n", encoding="utf-8")
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
            "<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>Aspirin."
            "</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")
    big = ("<PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ArticleTitle>"
           + "Aspirin " * 1000 + "</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")
    xml = tmp_path / "big_record.xml"
    xml.write_text(head + big + "</PubmedArticleSet>\n", encoding="utf-8")
    unclosed = tmp_path / "unclosed_tag.xml"
    # past a read chunk (1 MiB), where the scan gives the unclosed tag up and reads on
    unclosed.write_text(head + '<PubmedArticle Note="never closed ' + "a" * (2 << 20)
                        + "\n</PubmedArticleSet>\n", encoding="utf-8")
    paths = (pubtator, pretty, one_line, jsonl, long_abstract, xml, unclosed)
    errs = [e for path in paths for e in ingest_all(path, max_record_bytes=cap)[1]
            if e.error != "no_abstract"]
    assert [(Path(e.source).name, e.error) for e in errs] == [
        ("many.pubtator", "record_too_large"), ("collection.json", "record_too_large"),
        ("one_line.json", "record_too_large"), ("long_line.jsonl", "record_too_large"),
        ("long_line.pubtator", "record_too_large"), ("big_record.xml", "record_too_large"),
        ("unclosed_tag.xml", "bad_xml")]
    for e in errs:
        assert "--max-record-mb" in e.message and "max_record_bytes" not in e.message, e


# ------------------------------------------- a gzip member whose end check fails (CRC, length)


def _wrong_crc(data: bytes) -> bytes:
    """`data` gzipped with a wrong CRC in its trailer: every byte decompresses, the check at
    the member's end fails, as when damage turned deflate data into other valid data."""
    packed = bytearray(gzip.compress(data))
    packed[-8] ^= 0xFF
    return bytes(packed)


def test_a_failed_gzip_check_says_what_was_read_may_be_damaged(tmp_path: Path) -> None:
    """A gzip file whose CRC check fails at its end was "lines 1-3 were read, the rest is
    lost": damaged deflate data can decompress, without an error, into other text up to that
    check, so the lines read before it are not known to be whole (a file read with 40 bytes
    damaged mid-way gave 1,300 rows of garbage lines, then that row). The row says so."""
    jsonl = tmp_path / "docs.jsonl.gz"
    jsonl.write_bytes(_wrong_crc("".join(
        json.dumps({"id": str(i), "text": "Aspirin for pain."}) + "\n" for i in range(3)).encode()))
    pubtator = tmp_path / "docs.pubtator.gz"
    pubtator.write_bytes(_wrong_crc((pubtator_record(1) + pubtator_record(2)).encode()))
    bioc = tmp_path / "docs.bioc.jsonl.gz"
    bioc.write_bytes(_wrong_crc("".join(json.dumps(bioc_doc(i)) + "\n"
                                        for i in range(2)).encode()))
    xml = tmp_path / "docs.xml.gz"
    xml.write_bytes(_wrong_crc((
        '<?xml version="1.0"?>\n<PubmedArticleSet>\n' + "".join(
            f"<PubmedArticle><MedlineCitation><PMID>{i}</PMID><Article><ArticleTitle>Aspirin."
            "</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n" for i in (1, 2))
        + "</PubmedArticleSet>\n").encode()))
    for path, n_docs in ((jsonl, 3), (pubtator, 2), (bioc, 2), (xml, 2)):
        docs, errs = ingest_all(path)
        assert len(docs) == n_docs  # every byte decompressed: the records are read
        assert [e.error for e in errs] == ["unreadable"], (path.name, errs)
        message = errs[0].message
        assert "CRC check failed" in message, message
        assert "may hold damaged text" in message and "gzip -t" in message, message


def test_a_cut_bioc_json_lines_file_names_the_line_after_its_last_document(
        tmp_path: Path) -> None:
    """A gzipped BioC JSON file of one document per line, cut: its documents are located by
    line ("line 13"), but the row of the cut said "record 14", a place its reader never
    names."""
    import random

    rng = random.Random(4)
    lines = "".join(json.dumps(dict(bioc_doc(i), infons={"noise": " ".join(
        str(rng.randrange(10**9)) for _ in range(300))})) + "\n" for i in range(20))
    packed = gzip.compress(lines.encode())
    cut = tmp_path / "docs.bioc.json.gz"
    cut.write_bytes(packed[: len(packed) * 7 // 10])
    docs, errs = ingest_all(cut)
    assert 5 < len(docs) < 20
    assert [d.location for d in docs] == [f"line {i}" for i in range(1, len(docs) + 1)]
    assert [(e.error, e.location) for e in errs] == [("truncated_gzip", f"line {len(docs) + 1}")]
