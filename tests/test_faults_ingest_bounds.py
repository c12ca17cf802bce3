"""Faults in input, session 37's adversarial round: inputs whose cost grew faster than their
size, or whose damage was reported unclearly. Every case writes small real-format files."""

from __future__ import annotations

import itertools
import json
import random
import unicodedata
from pathlib import Path

from cpu_growth import assert_linear_work
from helpers import ingest_all

from pipeline.documents import LONG_MARK_RUN, Document, ErrorRecord, nfc

# combining marks of several classes (230 above, 220 below, 202 attached, 1 overlay, 240
# iota subscript, Hebrew and Tibetan classes), marks that decompose (U+0344 to two of class
# 230, U+0F73 to two non-starters), and starters that compose with them
MARKS = ["\u0301", "\u0316", "\u0327", "\u0334", "\u0345", "\u05b0", "\u05bc", "\u0f71",
         "\u0f72", "\u0344", "\u0343", "\u1dce", "\U0001d165", "\U0001d16e"]
BASES = ["a", "e", "\u00e9", "o", " ", "\u0f73", "\u1100", "\u1161", "\uac00", "\U0001d15e"]


def test_nfc_of_long_runs_of_marks_equals_unicodedata() -> None:
    """Runs of marks shorter and longer than LONG_MARK_RUN, after starters that compose with
    them or decompose into them: the same text as unicodedata's NFC."""
    rng = random.Random(37)
    for _ in range(1500):
        text = "".join(
            rng.choice(BASES) + "".join(rng.choice(MARKS) for _ in range(rng.choice(
                [0, 2, LONG_MARK_RUN - 1, LONG_MARK_RUN, LONG_MARK_RUN + 1, 90])))
            for _ in range(rng.randint(1, 4)))
        assert nfc(text) == unicodedata.normalize("NFC", text), ascii(text)


def test_a_long_run_of_marks_is_normalized_in_linear_time() -> None:
    """unicodedata reorders a run of combining marks by insertion sort: 120,000 marks of
    alternating classes took ~10 s (a 32 MiB record: days); sorted first, well under a
    second: 60,000 pairs take at most 8 times the CPU time of 15,000 (`assert_linear_work`),
    not a bound in seconds (flaky on a shared machine)."""
    assert_linear_work(lambda k: nfc("Fever fell in a" + "\u0301\u0316" * k), 15_000)
    text = "Fever fell in a" + "\u0301\u0316" * 60_000 + " of 20 patients."
    out = nfc(text)
    assert out.startswith("Fever fell in \u00e1\u0316\u0316") and out.endswith(" patients.")
    assert len(out) == len(text) - 1  # a + U+0301 composed, every other mark kept


def test_jsonl_line_of_many_marks_is_read_in_linear_time(tmp_path: Path) -> None:
    """A JSON line of a quarter MB of alternating marks, between two good lines: all three
    documents, read in about the time of their bytes (before: ~10 s for this line)."""
    good = {"id": "g1", "text": "Aspirin reduced fever."}

    def read(n: int) -> tuple[list[Document], list[ErrorRecord], dict[str, str]]:
        zalgo = {"id": "z", "text": "Aspirin a" + "\u0301\u0316" * n + " fever."}
        p = tmp_path / f"marks{n}.jsonl"
        p.write_text("\n".join(json.dumps(r, ensure_ascii=False)
                               for r in (good, zalgo, {**good, "id": "g2"})) + "\n", "utf-8")
        return (*ingest_all(p), zalgo)

    assert_linear_work(read, 15_000)
    docs, errs, zalgo = read(60_000)
    assert [d.doc_id for d in docs] == ["g1", "z", "g2"] and not errs
    assert docs[1].text == nfc(zalgo["text"])


def test_pubtator_offsets_past_a_long_run_of_marks(tmp_path: Path) -> None:
    """Offsets mapped through NFC (`NfcOffsets`) past a long run of marks that has no safe cut:
    the mention after the run lands on its word, in linear time."""
    abstract = "Aspirin reduced fever."

    def read(n: int) -> tuple[list[Document], list[ErrorRecord]]:
        title = "Aspirin a" + "\u0301\u0316" * n + " trial"
        start_raw = len(title) + 1
        p = tmp_path / f"marks{n}.pubtator"
        p.write_text(f"1|t|{title}\n1|a|{abstract}\n"
                     f"1\t{start_raw}\t{start_raw + 7}\tAspirin\tChemical\tD001241\n\n",
                     "utf-8")
        return ingest_all(p)

    assert_linear_work(read, 10_000)
    docs, errs = read(40_000)
    assert not errs
    (doc,) = docs
    assert doc.meta is not None
    (ann,) = doc.meta["annotations"]
    assert doc.text[ann["start"]:ann["end"]] == "Aspirin"


# ----------------------------------------------------------------- folders reached twice


def test_links_to_one_folder_are_walked_once(tmp_path: Path) -> None:
    """Folders each holding two links to the next: 2**depth paths to one file (30 deep, a
    billion: the listing never ended). The file is read once, under its path of fewest
    folders; each other link to a folder listed already is one "link_repeat" row."""
    from pipeline.ingest import list_shards

    depth = 14
    root = tmp_path / "in"
    root.mkdir()
    folders = [tmp_path / f"d{i}" for i in range(depth + 1)]
    for f in folders:
        f.mkdir()
    for here, nxt in itertools.pairwise(folders):
        (here / "x").symlink_to(nxt, target_is_directory=True)
        (here / "y").symlink_to(nxt, target_is_directory=True)
    (folders[-1] / "f.txt").write_text("Title\nAspirin reduced fever.\n", "utf-8")
    (root / "start").symlink_to(folders[0], target_is_directory=True)
    (root / "also").symlink_to(folders[1], target_is_directory=True)  # a shorter path
    shards = list_shards([root])
    assert len(shards) < 3 * depth  # before: 2**14 = 16,384 paths to f.txt
    docs, errs = ingest_all(root)
    # the shortest path: also/x/x/... (depth - 1 links), not start/x/x/... (depth)
    assert [d.doc_id for d in docs] == ["also/" + "x/" * (depth - 1) + "f"]
    kinds = {(Path(e.source).name, e.error) for e in errs}
    assert kinds == {("y", "link_repeat"), ("x", "link_repeat")}
    # "start/x" leads to d1, which "also" lists first; each y repeats its x
    assert sorted(Path(e.source).relative_to(root).as_posix() for e in errs)[:2] == [
        "also/" + "x/" * (depth - 2) + "y", "also/" + "x/" * (depth - 3) + "y"]


def test_a_link_to_a_folder_of_the_input_is_read_under_the_real_path(tmp_path: Path) -> None:
    """A link to a folder of the same input ("latest -> archive/2024", shallower than the
    folder itself): its files are read once, under the path without a link
    ("archive/2024/a"), whatever order the file system lists names in."""
    root = tmp_path / "in"
    (root / "archive" / "2024").mkdir(parents=True)
    (root / "archive" / "2024" / "a.txt").write_text("Title\nAspirin reduced fever.\n", "utf-8")
    (root / "latest").symlink_to(root / "archive" / "2024", target_is_directory=True)
    (root / "zz").symlink_to(root / "latest", target_is_directory=True)  # a link to the link
    docs, errs = ingest_all(root)
    assert [d.doc_id for d in docs] == ["archive/2024/a"]
    assert [(Path(e.source).name, e.error) for e in errs] == [
        ("latest", "link_repeat"), ("zz", "link_repeat")]


# ----------------------------------------------------------------- XML: an unclosed comment


def _pubmed_article(pmid: int, abstract: str = "Aspirin reduced fever.") -> str:
    return (f"<PubmedArticle><MedlineCitation><PMID Version=\"1\">{pmid}</PMID><Article>"
            f"<ArticleTitle>Aspirin trial {pmid}</ArticleTitle><Abstract><AbstractText>"
            f"{abstract}</AbstractText></Abstract></Article></MedlineCitation>"
            "</PubmedArticle>\n")


def test_unclosed_cdata_or_comment_costs_its_record_only(tmp_path: Path) -> None:
    """A "<![CDATA[" or "<!--" never closed inside a record: as XML reads it, every later
    record of the file (up to the record cap) was inside it, lost with one truncated_xml row.
    Now that record alone is a bad_xml row naming the construct's line; the records after it
    are read. (One closed later holds what it holds: a record's end tag in a CDATA section is
    text, `test_record_tags_in_comments_and_cdata_do_not_split_records`.)"""
    body = (_pubmed_article(1, "<![CDATA[ 5 < 6 ]]> <!-- note -->")
            + _pubmed_article(2, "<![CDATA[ 5 < 6") + _pubmed_article(3)
            + _pubmed_article(4, "<!-- never closed") + _pubmed_article(5))
    p = tmp_path / "unclosed.xml"
    p.write_text(f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n',
                 "utf-8")
    docs, errs = ingest_all(p)
    assert [d.doc_id for d in docs] == ["1", "3", "5"]
    assert "5 < 6" in docs[0].text
    assert [(e.error, e.doc_id, e.location) for e in errs] == [
        ("bad_xml", "2", "line 4, record 2"), ("bad_xml", "4", "line 6, record 4")]
    assert "CDATA section at line 4 that is not closed" in errs[0].message
    assert "comment at line 6 that is not closed" in errs[1].message


def test_unclosed_cdata_in_a_bioc_passage_costs_its_document_only(tmp_path: Path) -> None:
    def doc(i: int, text: str = "Aspirin reduced fever.") -> str:
        return (f"<document><id>{i}</id><passage><offset>0</offset><text>{text}</text>"
                "</passage></document>\n")

    p = tmp_path / "bioc.xml"
    p.write_text('<?xml version="1.0"?>\n<collection><source>x</source>\n' + doc(1)
                 + doc(2, "<![CDATA[ 5 < 6") + doc(3) + "</collection>\n", "utf-8")
    docs, errs = ingest_all(p)
    assert [d.doc_id for d in docs] == ["1", "3"]
    assert [(e.error, e.doc_id) for e in errs] == [("bad_xml", "2")]


def test_a_record_cut_inside_a_comment_is_still_truncated(tmp_path: Path) -> None:
    """No end tag after the open comment: the file was cut there (truncated_xml), as before."""
    p = tmp_path / "cut.xml"
    p.write_text('<?xml version="1.0"?>\n<PubmedArticleSet>\n' + _pubmed_article(1)
                 + _pubmed_article(2)[:90] + "<!-- cut", "utf-8")
    docs, errs = ingest_all(p)
    assert [d.doc_id for d in docs] == ["1"]
    assert [(e.error, e.doc_id) for e in errs] == [("truncated_xml", "2")]


def test_unclosed_cdata_past_the_record_cap_costs_its_record_only(tmp_path: Path) -> None:
    """The same when the file goes on past the record cap after the open CDATA section: the
    record's end tag is found in the bytes held (before: the record was "too large" and the
    records in the cap's worth of bytes after it were lost)."""
    body = (_pubmed_article(1) + _pubmed_article(2, "<![CDATA[ 5 < 6")
            + "".join(_pubmed_article(i) for i in range(3, 60)))
    p = tmp_path / "unclosed.xml"
    p.write_text(f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n',
                 "utf-8")
    docs, errs = ingest_all(p, max_record_bytes=2048)
    assert [d.doc_id for d in docs] == ["1", *map(str, range(3, 60))]
    assert [(e.error, e.doc_id) for e in errs] == [("bad_xml", "2")]


# ----------------------------------------------------------------- a linked table folder


def test_a_new_run_never_deletes_the_parts_of_a_run_linking_the_same_folder(
        tmp_path: Path) -> None:
    """Two output folders whose `documents` is a link to one folder: the first run's part
    there looked like the second, new run's own leftover (by its name) and was deleted, and
    the second run's rows replaced it. Now the new run is refused, naming the file; the
    first run's part is still there. Its own output folder still runs again (--overwrite)."""
    import pytest
    import spacy
    from spacy.language import Language

    from pipeline.run import run
    from pipeline.write import OutputExistsError

    def blank() -> Language:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Title\nAspirin reduced fever.\n", "utf-8")
    shared = tmp_path / "bigdisk" / "documents"
    shared.mkdir(parents=True)
    first, second = tmp_path / "out1", tmp_path / "out2"
    for out in (first, second):
        out.mkdir()
        (out / "documents").symlink_to(shared, target_is_directory=True)
    run([docs], first, workers=1, quiet=True, nlp_factory=blank)
    (part,) = shared.iterdir()
    with pytest.raises(OutputExistsError, match="written by a biotab run of another output"):
        run([docs], second, workers=1, quiet=True, nlp_factory=blank)
    assert list(shared.iterdir()) == [part]
    run([docs], first, workers=1, quiet=True, nlp_factory=blank, overwrite=True)
    assert [f.name.startswith("part-g") for f in shared.iterdir()] == [True]


# ----------------------------------------------------------------- XML: runs of unpaired tags


def test_a_run_of_unpaired_record_tags_is_one_row_each(tmp_path: Path) -> None:
    """<PubmedArticle> 2,000 times in a row, then </PubmedArticle> 2,000 times: a row per tag
    (4,000 rows for 60 KB of damage). Now one row for each run, naming its first record,
    its length and its last line; the records around it are read, and two damaged records
    that each hold a PMID keep a row each."""
    lost = [_pubmed_article(i).replace("</PubmedArticle>", "") for i in (7, 8)]
    body = (_pubmed_article(1) + "<PubmedArticle>\n" * 2000 + "</PubmedArticle>\n" * 2000
            + _pubmed_article(2) + "".join(lost) + _pubmed_article(3))
    p = tmp_path / "tags.xml.gz"
    import gzip

    p.write_bytes(gzip.compress(
        f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n'.encode()))
    docs, errs = ingest_all(p)
    assert [d.doc_id for d in docs] == ["1", "2", "3"]
    rows = [(e.error, e.doc_id, e.location) for e in errs]
    assert rows == [
        ("bad_xml", None, "line 4, record 2"),  # start tags: records 2-2000
        ("missing_id", None, "line 2003, record 2001"),  # the last one, closed
        ("bad_xml", None, "line 2005, record 2002"),  # end tags: records 2002-4000
        ("bad_xml", "7", "line 4005, record 4002"), ("bad_xml", "8", "line 4006, record 4003")]
    assert "1,998 records after it, to record 2000 at line 2002: 1,999 start tags" \
        in errs[0].message
    assert "1,998 records after it, to record 4000 at line 4003: 1,999 end tags" \
        in errs[2].message


def test_a_run_of_unpaired_tags_before_a_cut_keeps_its_row(tmp_path: Path) -> None:
    """The run's row comes before the row of the cut gzip stream that ends the file."""
    import gzip

    data = gzip.compress(('<?xml version="1.0"?>\n<PubmedArticleSet>\n' + _pubmed_article(1)
                          + "</PubmedArticle>\n" * 500
                          + "".join(_pubmed_article(i) for i in range(2, 400))).encode())
    p = tmp_path / "cut.xml.gz"
    p.write_bytes(data[:-200])
    docs, errs = ingest_all(p)
    assert docs and docs[0].doc_id == "1"
    assert [e.error for e in errs] == ["bad_xml", "truncated_gzip"]
    assert "500 end tags without a start tag in a row" in errs[0].message


# ----------------------------------------------------------------- long texts in messages


def test_a_long_mention_that_does_not_match_gives_a_short_row(tmp_path: Path) -> None:
    """A PubTator mention and a BioC annotation of 200,000 characters that do not match their
    text: the row showed both texts whole (a 2 MB mention: a 4 MB message); now their first
    characters and their length."""
    abstract, mention = "x" * 200_000, "y" * 200_000
    p = tmp_path / "long.pubtator"
    p.write_text(f"1|t|T\n1|a|{abstract}\n1\t2\t{2 + len(mention)}\t{mention}\tChemical\tD1\n\n",
                 "utf-8")
    doc = {"id": "b1", "passages": [{"offset": 0, "text": abstract, "annotations": [
        {"id": "a1", "text": mention, "infons": {"type": "Chemical"},
         "locations": [{"offset": 0, "length": len(mention)}]}]}]}
    b = tmp_path / "long.json"
    b.write_text(json.dumps({"source": "x", "documents": [doc]}), "utf-8")
    for path in (p, b):
        docs, errs = ingest_all(path)
        assert len(docs) == 1
        (row,) = errs
        assert row.error == "bad_offsets"
        assert len(row.message) < 1000, len(row.message)
        assert "(200,000 characters)" in row.message
