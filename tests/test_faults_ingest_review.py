"""Faults in input, session 37's review of the bad-input round (`test_faults_ingest_bounds`):
inputs its fixes did not cover. Every case writes small real-format files or strings."""

from __future__ import annotations

import gzip
import random
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from cpu_growth import assert_linear_work
from helpers import ingest_all

from pipeline.documents import LONG_MARK_RUN, Document, ErrorRecord, nfc, normalize_text
from pipeline.ingest.nfc import NfcOffsets

# marks of many classes, marks that decompose (U+0344, U+0340, U+0343), the three class-0
# Tibetan vowel signs that decompose to two marks of different classes (U+0F73, U+0F75,
# U+0F81), vowel signs that compose as second characters (U+0CD5, U+0DCF, U+0B3E)
MARKS = ["\u0301", "\u0316", "\u0327", "\u0334", "\u0345", "\u05b0", "\u05bc", "\u0f71",
         "\u0f72", "\u0f74", "\u0f80", "\u0344", "\u0343", "\u0340", "\u1dce", "\U0001d165",
         "\U0001d16e", "\u0308", "\u0300", "\u0323", "\u031b", "\u093c", "\u3099", "\u309a",
         "\u0f73", "\u0f75", "\u0f81", "\u0cd5", "\u0cd6", "\u0dcf", "\u0dca", "\u0b3e", "\u0b57"]
# starters that compose with them, Hangul jamo and syllables, singletons (U+212B, U+2126,
# U+0374, U+037E, U+0387), composition exclusions (U+0958, U+FB1D, U+2ADC)
BASES = ["a", "e", "\u00e9", "o", " ", "u", "\u01b0", "\u1100", "\u1161", "\u11a8", "\uac00",
         "\uac01", "\U0001d15e", "\u212b", "\u2126", "\u0374", "\u037e", "\u0387", "\u0958",
         "\ufb1d", "\u2adc", "\u0cbf", "\u0cc6", "\u0dd9", "\u0b47", "\u304b", "\u30cf",
         "\u0915", "\u1e69", "\u0f40", "\u05d0", "\u00c5", "A", "\n"]


def _text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        parts.append(rng.choice(BASES))
        pool = rng.sample(MARKS, rng.randint(1, 6))
        n = rng.choice([0, 1, 2, 5, LONG_MARK_RUN - 1, LONG_MARK_RUN, LONG_MARK_RUN + 1, 63,
                        64, 65, 130])
        parts.append("".join(rng.choice(pool) for _ in range(n)))
        if rng.random() < 0.3:
            parts.append("x" * rng.randint(1, 70))  # (runs straddle NfcOffsets' cuts)
    return "".join(parts)


def test_nfc_and_offsets_equal_unicodedata_on_random_texts() -> None:
    """nfc() is unicodedata's NFC, and NfcOffsets the length of the normalized prefix, on
    random runs of marks of few classes each (so runs are often out of order), long and
    short, after starters that compose, decompose or are excluded from composition."""
    rng = random.Random(3707)
    for _ in range(1500):
        text = _text(rng)
        assert nfc(text) == unicodedata.normalize("NFC", text), ascii(text)
        offsets = NfcOffsets(text, step=rng.choice([1, 2, 8, 64]))
        for k in rng.sample(range(len(text) + 1), min(len(text) + 1, 6)):
            assert offsets(k) == len(normalize_text(text[:k])), (k, ascii(text))


def test_a_long_run_of_tibetan_vowel_signs_is_normalized_in_linear_time() -> None:
    """U+0F73 is of class 0 but decomposes to U+0F71 U+0F72 (classes 129 and 130): 60,000 of
    them are a run of 120,000 marks out of canonical order that the sort of runs of class > 0
    did not see (about 10 s in unicodedata's insertion sort; a 32 MiB record, days)."""
    for sign in ("\u0f73", "\u0f75", "\u0f81"):
        assert_linear_work(lambda k, sign=sign: nfc("Fever fell in a" + sign * k), 15_000)
        text = "Fever fell in a" + sign * 60_000 + " of 20 patients."
        out = nfc(text)
        first, second = unicodedata.normalize("NFD", sign)  # (classes 129 < 130, 132, 130)
        assert out == "Fever fell in a" + first * 60_000 + second * 60_000 + " of 20 patients."


# ----------------------------------------------------------------- XML records


def _pubmed_article(pmid: int, abstract: str = "Aspirin reduced fever.") -> str:
    return (f"<PubmedArticle><MedlineCitation><PMID Version=\"1\">{pmid}</PMID><Article>"
            f"<ArticleTitle>Aspirin trial {pmid}</ArticleTitle><Abstract><AbstractText>"
            f"{abstract}</AbstractText></Abstract></Article></MedlineCitation>"
            "</PubmedArticle>\n")


def _pubmed_file(path: Path, body: str) -> Path:
    path.write_text(f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n',
                    "utf-8")
    return path


def test_records_each_with_an_unclosed_cdata_are_read_in_linear_time(tmp_path: Path) -> None:
    """Records that each open a CDATA section and never close it: each is one bad_xml row,
    and each searched the bytes held after it, up to the cap, for "]]>" again (6,000 records
    of 300 bytes under a 1 MiB cap: 2.8 s; a 1 GiB file under the 32 MiB cap, hours). Now
    each byte is searched once (0.07 s)."""
    def read(n: int) -> tuple[list[Document], list[ErrorRecord]]:
        body = "".join(_pubmed_article(i, "<![CDATA[ 5 < 6") for i in range(1, n + 1))
        p = _pubmed_file(tmp_path / f"unclosed{n}.xml", body + _pubmed_article(n + 1))
        return ingest_all(p, max_record_bytes=1 << 20)

    n = 6000
    assert_linear_work(read, n // 4)  # (under the cap: quadratic grows 13 times, 16 below it)
    docs, errs = read(n)
    assert [d.doc_id for d in docs] == [str(n + 1)]
    assert len(errs) == n and {e.error for e in errs} == {"bad_xml"}
    assert [e.doc_id for e in errs[:2]] == ["1", "2"] and errs[-1].doc_id == str(n)
    assert errs[1].location == "line 4, record 2"


def test_an_unclosed_cdata_in_a_record_without_end_tag_costs_that_record_only(
        tmp_path: Path) -> None:
    """A record cut short after an open CDATA section (no "]]>", no end tag), the next record
    whole: the record tag after the section is the next record's start tag, and that record is
    read (before: the unclosed record ran to the next record's end tag, which was lost without
    a row, and every later record's number was one too low)."""
    cut = _pubmed_article(2, "<![CDATA[ 5 < 6").split("</AbstractText>")[0] + "\n"
    p = _pubmed_file(tmp_path / "cut.xml", _pubmed_article(1) + cut + _pubmed_article(3)
                     + _pubmed_article(4, "<!-- never closed") + _pubmed_article(5))
    docs, errs = ingest_all(p)
    assert [d.doc_id for d in docs] == ["1", "3", "5"]
    assert [(e.error, e.doc_id, e.location) for e in errs] == [
        ("bad_xml", "2", "line 4, record 2"), ("bad_xml", "4", "line 6, record 4")]
    assert "the next record's start tag <PubmedArticle>, and the record has no end tag " \
        "(line 5)" in errs[0].message
    assert "before the record's end tag (line 6)" in errs[1].message


def test_a_long_run_of_unpaired_tags_is_held_in_bounded_memory(tmp_path: Path) -> None:
    """50,000 "<PubmedArticle>" in a row, gzipped: one row for the run, and the run is not
    held as a list of its records (a peak of 21 MB here, 3 MB now; GBs for a 1 GiB file)."""
    p = tmp_path / "tags.xml.gz"
    p.write_bytes(gzip.compress(('<?xml version="1.0"?>\n<PubmedArticleSet>\n'
                                 + _pubmed_article(1) + "<PubmedArticle>\n" * 50_000
                                 + _pubmed_article(2) + "</PubmedArticleSet>\n").encode()))
    tracemalloc.start()
    try:
        docs, errs = ingest_all(p)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.doc_id for d in docs] == ["1", "2"]
    assert [e.error for e in errs] == ["bad_xml"]
    assert "50,000 start tags without an end tag in a row" in errs[0].message
    assert peak < 10 * 2**20, peak


def test_a_cdata_closed_past_the_record_cap_costs_its_record_only(tmp_path: Path) -> None:
    """A CDATA section of record 2 that a "]]>" of record 40 closes, past the record cap: as
    one never closed (record 2 a bad_xml row, records 3-39 read, record 40's stray "]]>" its
    own bad_xml row), not a record that took in records 3-39 and was "too large" (which it
    was when the "]]>" was in the bytes read with the cap's last chunk, by chance)."""
    body = (_pubmed_article(1) + _pubmed_article(2, "<![CDATA[ 5 < 6")
            + "".join(_pubmed_article(i) for i in range(3, 40))
            + _pubmed_article(40, "5 > 6 ]]> 7") + _pubmed_article(41))
    p = _pubmed_file(tmp_path / "late.xml", body)
    docs, errs = ingest_all(p, max_record_bytes=2048)
    assert [d.doc_id for d in docs] == ["1", *map(str, range(3, 40)), "41"]
    assert [(e.error, e.doc_id) for e in errs] == [("bad_xml", "2"), ("bad_xml", "40")]


def test_a_record_of_one_long_cdata_section_is_too_large(tmp_path: Path) -> None:
    """A CDATA section longer than the cap, closed in its record: the record is too large (not
    a section "not closed"), and the records after it are read."""
    body = (_pubmed_article(1) + _pubmed_article(2, "<![CDATA[" + "5 < 6 " * 1000 + "]]>")
            + _pubmed_article(3))
    docs, errs = ingest_all(_pubmed_file(tmp_path / "big.xml", body), max_record_bytes=2048)
    assert [d.doc_id for d in docs] == ["1", "3"]
    assert [(e.error, e.doc_id) for e in errs] == [("record_too_large", "2")]


# ----------------------------------------------------------------- folders reached twice


def test_the_folder_walk_does_not_depend_on_the_listing_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders reached through several links of equal count and depth, listed by a file system
    in name order and in reverse: the same doc_ids and the same link_repeat rows (a folder is
    listed under the path the heap gives first, never the one listed first)."""
    import os

    from pipeline.ingest import list_shards

    root, outside = tmp_path / "in", tmp_path / "data"
    (root / "real" / "sub").mkdir(parents=True)
    (outside / "v2").mkdir(parents=True)
    (root / "real" / "sub" / "a.txt").write_text("Title\nAspirin reduced fever.\n", "utf-8")
    (outside / "v2" / "b.txt").write_text("Title\nAspirin reduced fever.\n", "utf-8")
    for name, target in (("2024", outside / "v2"), ("latest", outside / "v2"),
                         ("zz", root / "real" / "sub"), ("aa", root / "real"),
                         ("m", root / "real" / "sub")):
        (root / name).symlink_to(target, target_is_directory=True)

    def listing() -> list[tuple[str, str]]:
        return [(s.path, s.fmt) for s in list_shards([root])]

    forward = listing()
    scandir = os.scandir

    class Reversed:
        def __init__(self, path: str) -> None:
            self.it = scandir(path)

        def __enter__(self) -> list[os.DirEntry[str]]:
            return sorted(self.it.__enter__(), key=lambda e: e.name, reverse=True)

        def __exit__(self, *exc: object) -> None:
            self.it.__exit__(*exc)

    monkeypatch.setattr(os, "scandir", Reversed)
    assert listing() == forward
    rel = [(Path(p).relative_to(root).as_posix(), fmt) for p, fmt in forward]
    assert rel == [("2024/b.txt", "txt"), ("aa", "link_repeat"), ("latest", "link_repeat"),
                   ("m", "link_repeat"), ("real/sub/a.txt", "txt"), ("zz", "link_repeat")]


def test_records_without_start_tags_each_get_their_own_id_or_none(tmp_path: Path) -> None:
    """Two records in a row that lost their start tags, the first with a PMID and the second
    without: the second's row had the first's PMID (its id was looked for in the 64 KB before
    its end tag, the first record's bytes too)."""
    lost_start = _pubmed_article(8).replace("<PubmedArticle>", "")
    no_pmid = _pubmed_article(9).replace("<PubmedArticle>", "").replace(
        '<PMID Version="1">9</PMID>', "")
    p = _pubmed_file(tmp_path / "ends.xml",
                     _pubmed_article(1) + lost_start + no_pmid + _pubmed_article(2))
    docs, errs = ingest_all(p)
    assert [d.doc_id for d in docs] == ["1", "2"]
    assert [(e.error, e.doc_id, e.location) for e in errs] == [
        ("bad_xml", "8", "line 4, record 2"), ("bad_xml", None, "line 5, record 3")]


def test_a_run_of_end_tags_is_read_in_linear_time(tmp_path: Path) -> None:
    """40,000 "</PubmedArticle>" in a row (680 KB): each looked for an id in the 64 KB of end
    tags before it (9.7 s; a 1 GiB file, hours). One row, in a fraction of a second."""
    def read(n: int) -> tuple[list[Document], list[ErrorRecord]]:
        p = _pubmed_file(tmp_path / f"ends{n}.xml", _pubmed_article(1)
                         + "</PubmedArticle>\n" * n + _pubmed_article(2))
        return ingest_all(p)

    # (900 and 3,600 runs: a look back over 64 KB grows with the run below 3,855 of them)
    assert_linear_work(read, 900)
    docs, errs = read(40_000)
    assert [d.doc_id for d in docs] == ["1", "2"]
    assert [(e.error, e.location) for e in errs] == [("bad_xml", "line 4, record 2")]
    assert "40,000 end tags without a start tag in a row" in errs[0].message


# ----------------------------------------------------------------- output folders


def test_a_linked_part_file_in_a_table_folder_is_not_said_to_be_another_runs(
        tmp_path: Path) -> None:
    """A link named as a run's part in a table folder that is no link: refused as a file
    biotab did not write (it was said to be "written by a biotab run of another output folder
    ... its table folder is a link")."""
    from pipeline.write import OutputExistsError, prepare_output

    elsewhere = tmp_path / "elsewhere.parquet"
    elsewhere.write_bytes(b"PAR1")
    out = tmp_path / "out"
    (out / "documents").mkdir(parents=True)
    (out / "documents" / "part-g0000000.0123456789-00000.parquet").symlink_to(elsewhere)
    with pytest.raises(OutputExistsError, match="was not written by biotab"):
        prepare_output(out, overwrite=False, resume=False)


def _damaged_pubmed(rng: random.Random) -> bytes:
    """A PubMed file of records with random damage: unclosed CDATA sections and comments,
    stray "]]>", lost start or end tags, runs of lone tags, long records, a cut end."""
    parts = []
    for i in range(1, rng.randint(2, 25)):
        r = rng.random()
        art = _pubmed_article(i)
        parts.append(
            art if r < 0.55 else
            _pubmed_article(i, "<![CDATA[ 5 < 6") if r < 0.62 else
            _pubmed_article(i, "<!-- never") if r < 0.68 else
            _pubmed_article(i, "x ]]> y") if r < 0.72 else
            _pubmed_article(i, "<![CDATA[ a ]]> <!-- b -->") if r < 0.76 else
            art.replace("<PubmedArticle>", "") if r < 0.82 else
            art.replace("</PubmedArticle>", "") if r < 0.88 else
            "<PubmedArticle>\n" * rng.randint(1, 4) if r < 0.92 else
            "</PubmedArticle>\n" * rng.randint(1, 4) if r < 0.96 else
            _pubmed_article(i, "long " * rng.randint(50, 400)))
    body = '<?xml version="1.0"?>\n<PubmedArticleSet>\n' + "".join(parts)
    if rng.random() < 0.8:
        return (body + "</PubmedArticleSet>\n").encode()
    return body[:rng.randint(len(body) // 2, len(body))].encode()


def test_damaged_xml_gives_the_same_rows_whatever_the_read_size(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random damaged PubMed files (some gzipped, record caps down to 700 bytes) read in 1 MiB
    pieces and in pieces of a few bytes: the same documents and rows. Before, an end tag
    without its start tag found its record's PMID only when no read had ended inside that
    record (the bytes between records were dropped at each read): about a third of such
    files differed."""
    from pipeline.ingest.common import CappedStream

    read = CappedStream.read
    rng = random.Random(3737)
    for k in range(150):
        data = _damaged_pubmed(rng)
        p = tmp_path / (f"f{k}.xml.gz" if k % 3 == 0 else f"f{k}.xml")
        p.write_bytes(gzip.compress(data) if k % 3 == 0 else data)
        cap = rng.choice([1 << 25, 4096, 1500, 700])
        rows = []
        for size in (None, rng.randint(1, 16), rng.randint(17, 300)):
            monkeypatch.setattr(CappedStream, "read", read if size is None else (
                lambda self, n=0, _size=size: read(self, _size)))
            docs, errs = ingest_all(p, max_record_bytes=cap)
            rows.append(([d.doc_id for d in docs],
                         [(e.error, e.doc_id, e.location, e.message) for e in errs]))
        assert rows[1] == rows[0] and rows[2] == rows[0], (k, data)
