"""Faults in input (issue 13): each bad record costs exactly that record, named by file and line
or record number; resource caps; file-system faults. Every case writes small real-format files
and checks which documents and which error rows come out, and that no good document is lost."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import shutil
import socket
import zlib
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    as_unprivileged,
    fail_jsonl_line,
    ingest_all,
    make_too_deep,
    world_readable_dir,
)

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest import ingest, list_shards, read_shard
from pipeline.plural import plural

PUBMED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    "<PubmedArticleSet>\n"
)


def article(pmid: int, title: str | None = None) -> str:
    """One PubmedArticle record in the NLM layout (10 lines)."""
    return (
        "<PubmedArticle>\n"
        '  <MedlineCitation Status="MEDLINE" Owner="NLM">\n'
        f'    <PMID Version="1">{pmid}</PMID>\n'
        "    <Article>\n"
        f"      <ArticleTitle>{title or f'Trial {pmid} of dupilumab.'}</ArticleTitle>\n"
        f"      <Abstract><AbstractText>Result of trial {pmid}.</AbstractText></Abstract>\n"
        "    </Article>\n"
        "  </MedlineCitation>\n"
        '  <PubmedData><ArticleIdList><ArticleId IdType="pubmed">'
        f"{pmid}</ArticleId></ArticleIdList></PubmedData>\n"
        "</PubmedArticle>\n"
    )


def pubmed_file(records: list[str], close: bool = True) -> str:
    return PUBMED_HEAD + "".join(records) + ("</PubmedArticleSet>\n" if close else "")


def first_line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def run(*inputs: Path | str, **kw: object) -> tuple[list[Document], list[ErrorRecord]]:
    return ingest_all(*inputs, **kw)


def ids(docs: list[Document]) -> list[str]:
    return [d.doc_id for d in docs]


# ----------------------------------------------------------------------------- 13.1 / 13.6 XML

DAMAGES = {
    "mismatched_tag": lambda r: r.replace("</ArticleTitle>", "</ArticleTitel>"),
    "bare_ampersand": lambda r: r.replace("Result of", "Result & of"),
    "undefined_entity": lambda r: r.replace("Result of", "Result &nbsp; of"),
    "unclosed_element": lambda r: r.replace("</Abstract>", ""),
    "missing_end_tag": lambda r: r.replace("</PubmedArticle>\n", ""),
    "missing_start_tag": lambda r: r.replace("<PubmedArticle>\n", "<PubmedArticl>\n"),
    "control_character": lambda r: r.replace("Result of", "Result \x01 of"),
}


def test_damage_in_one_record_costs_only_that_record(tmp_path: Path) -> None:
    for name, damage in DAMAGES.items():
        records = [article(p) for p in (101, 102, 103, 104, 105)]
        records[2] = damage(records[2])
        text = pubmed_file(records)
        path = tmp_path / f"{name}.xml"
        path.write_text(text, encoding="utf-8")
        docs, errs = run(path)
        assert ids(docs) == ["101", "102", "104", "105"], name
        assert [e.error for e in errs] == ["bad_xml"], (name, errs)
        e = errs[0]
        assert e.source == str(path) and e.location is not None, name
        assert "record 3" in e.location, (name, e.location)
        line = int(e.location.split(",")[0].removeprefix("line "))
        start = first_line_of(text, "<PMID Version=\"1\">103") - 2
        assert start <= line <= start + 10, (name, e.location)
        if name != "missing_start_tag":
            assert e.doc_id == "103", (name, e)


def test_gzip_and_bioc_damage_are_isolated_too(tmp_path: Path) -> None:
    records = [article(p) for p in range(201, 206)]
    records[1] = records[1].replace("</ArticleTitle>", "</Title>")
    gz = tmp_path / "damaged.xml.gz"
    gz.write_bytes(gzip.compress(pubmed_file(records).encode()))
    docs, errs = run(gz)
    assert ids(docs) == ["201", "203", "204", "205"]
    assert [(e.error, e.doc_id) for e in errs] == [("bad_xml", "202")]

    def bioc_doc(i: int) -> str:
        return (f"<document><id>{i}</id><passage><infon key=\"type\">title</infon>"
                f"<offset>0</offset><text>Title {i}</text></passage></document>\n")

    docs_xml = [bioc_doc(i) for i in range(1, 5)]
    docs_xml[2] = docs_xml[2].replace("<offset>0</offset>", "<offset>0</ofset>")
    b = tmp_path / "bioc.xml"
    b.write_text("<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n"
                 + "".join(docs_xml) + "</collection>\n", encoding="utf-8")
    docs, errs = run(b)
    assert ids(docs) == ["1", "2", "4"]
    assert [(e.error, e.doc_id, e.location) for e in errs] == [
        ("bad_xml", "3", "line 5, column 78, record 3")]
    # the message gave libxml2's place in the record ("line 1, column 78") beside the file's
    assert not re.search(r"line \d+, column", errs[0].message), errs[0].message


def test_pubmed_record_without_pmid_or_text_names_its_line(tmp_path: Path) -> None:
    """The rows of a record without a PMID, or without title and abstract, said "record 2"
    only; every other row of an XML record names its first line too."""
    no_pmid = article(402).replace('    <PMID Version="1">402</PMID>\n', "")
    no_text = (article(403).replace("Trial 403 of dupilumab.", "")
               .replace("<AbstractText>Result of trial 403.</AbstractText>", ""))
    text = pubmed_file([article(401), no_pmid, no_text, article(404)])
    p = tmp_path / "pubmed.xml"
    p.write_text(text, encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["401", "404"]
    assert docs[1].location == f"line {first_line_of(text, '404</PMID>') - 2}, record 4"
    line2 = first_line_of(text, "Trial 402")
    line3 = first_line_of(text, "403</PMID>")
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("missing_id", f"line {line2 - 3}, record 2", None),
        ("empty_document", f"line {line3 - 2}, record 3", "403")]


def test_truncated_xml_keeps_records_before_the_cut(tmp_path: Path) -> None:
    records = [article(p) for p in (301, 302, 303, 304)]
    text = pubmed_file(records)
    cut_at = text.index("Result of trial 303")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[:cut_at], encoding="utf-8")
    docs, errs = run(cut)
    assert ids(docs) == ["301", "302"]
    assert [(e.error, e.doc_id) for e in errs] == [("truncated_xml", "303")]
    rec_line = first_line_of(text, '<PMID Version="1">303') - 2
    assert errs[0].location == f"line {rec_line}, record 3"
    # cut between two records: every complete record kept, the cut named
    between = tmp_path / "between.xml"
    between.write_text(pubmed_file(records[:2], close=False), encoding="utf-8")
    docs, errs = run(between)
    assert ids(docs) == ["301", "302"]
    assert [e.error for e in errs] == ["truncated_xml"]
    assert errs[0].location is not None and errs[0].location.endswith("record 3")
    # a cut gzip stream
    gz = tmp_path / "cut.xml.gz"
    big = pubmed_file([article(p) for p in range(400, 440)])
    gz.write_bytes(gzip.compress(big.encode())[:-40])
    docs, errs = run(gz)
    assert ids(docs) == [str(p) for p in range(400, 400 + len(docs))] and len(docs) >= 35
    assert [e.error for e in errs] == ["truncated_gzip"]
    assert errs[0].location is not None and f"record {len(docs) + 1}" in errs[0].location


def test_record_tags_in_comments_and_cdata_do_not_split_records(tmp_path: Path) -> None:
    records = [article(p) for p in (501, 502)]
    records[0] = records[0].replace(
        "<Abstract>", "<!-- </PubmedArticle> <PubmedArticle> --><Abstract>").replace(
        "Result of trial 501.", "<![CDATA[x </PubmedArticle> y]]> Result of trial 501.")
    p = tmp_path / "tricky.xml"
    p.write_text(pubmed_file(records), encoding="utf-8")
    docs, errs = run(p)
    assert errs == [] and ids(docs) == ["501", "502"]
    assert "x </PubmedArticle> y Result of trial 501." in docs[0].text


def test_shards_of_a_damaged_xml_file_give_the_same_rows(tmp_path: Path) -> None:
    records = [article(p) for p in range(601, 607)]
    records[3] = records[3].replace("</Abstract>", "")
    p = tmp_path / "blocks.xml"
    p.write_text(pubmed_file(records), encoding="utf-8")
    (shard,) = list_shards([p])
    whole = list(read_shard(shard))
    blocks = [rec for i in range(0, 6, 2)
              for rec in read_shard(shard.__class__(shard.path, shard.fmt, i, 2))]
    assert blocks == whole
    assert [r.doc_id for r in whole] == ["601", "602", "603", "604", "605", "606"]
    assert [type(r).__name__ for r in whole].count("ErrorRecord") == 1


def test_entities_still_refused_and_not_expanded(tmp_path: Path) -> None:
    p = tmp_path / "xxe_in_record.xml"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    records = [article(701), article(702).replace("Result of", "&xxe; Result of")]
    p.write_text(pubmed_file(records), encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["701"] and [e.error for e in errs] == ["bad_xml"]
    assert all("TOP-SECRET" not in d.text for d in docs)
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(PUBMED_HEAD.replace(
        'pubmed_250101.dtd">', f'pubmed_250101.dtd" [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>')
        + article(703) + "</PubmedArticleSet>\n", encoding="utf-8")
    docs, errs = run(bomb)
    assert docs == [] and [e.error for e in errs] == ["unsafe_xml"]
    assert json.dumps([e.message for e in errs]).find("TOP-SECRET") < 0


# ----------------------------------------------------------------------------- 13.2 MEDLINE

DATA = Path(__file__).resolve().parent / "data" / "ingest"


def test_medline_2016_baseline_layout(tmp_path: Path) -> None:
    from pipeline.documents import Notice
    from pipeline.ingest import detect_format

    src = DATA / "medline16_sample.xml"
    gz = tmp_path / "medline16n0001.xml.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    for path in (src, gz):
        assert detect_format(path) == "pubmed"
        records = list(ingest([path]))
        docs = [r for r in records if isinstance(r, Document)]
        notices = [r for r in records if isinstance(r, Notice)]
        assert len(records) == 3  # two citations, one delete list, nothing else
        assert ids(docs) == ["80000101", "80000102"]  # not the CommentsCorrections PMID
        d = docs[0]
        assert d.title == ("Methotrexate for moderate-to-severe atopic dermatitis in adults: "
                           "a retrospective cohort.")
        lines = d.text.split("\n")
        assert [ln.split(":")[0] for ln in lines[1:]] == ["BACKGROUND", "METHODS", "RESULTS",
                                                          "CONCLUSION"]
        assert d.meta is not None
        assert d.meta["journal"] == "Journal of the American Academy of Dermatology"
        assert d.meta["year"] == 2016
        assert [m["name"] for m in d.meta["mesh"]] == ["Dermatitis, Atopic", "Methotrexate"]
        assert d.meta["mesh"][0]["qualifiers"][0] == {"ui": "Q000188", "name": "drug therapy",
                                                      "major": True}
        for sec in d.meta["abstract_sections"]:
            assert d.text[sec["start"]:sec["end"]].startswith(sec["label"] + ": ")
        assert docs[1].meta is not None and docs[1].meta["year"] == 2015
        assert docs[1].text == ("Ciclosporin in chronic hand eczema.\nCiclosporin 3 mg/kg "
                                "cleared chronic hand eczema in 9 of 15 patients.")
        assert [(n.error, n.ids) for n in notices] == [
            ("deleted_citations", ("80000050", "80000051"))]
        assert notices[0].location is not None and "record 3" in notices[0].location


def test_pubmed_update_file_with_book_and_delete_list(tmp_path: Path) -> None:
    from pipeline.documents import Notice

    src = DATA / "pubmed_update_sample.xml"
    gz = tmp_path / "pubmed25n1400.xml.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    for path in (src, gz):
        records = list(ingest([path]))
        docs = [r for r in records if isinstance(r, Document)]
        assert ids(docs) == ["90000201", "90000202"]
        assert docs[0].meta is not None and docs[0].meta["journal"] == "JAAD case reports"
        assert docs[0].meta["doi"] == "10.1016/j.jdcr.2023.99999"
        assert [m["name"] for m in docs[0].meta["mesh"]] == ["Alopecia Areata"]
        book = docs[1]
        assert book.title == "Hidradenitis Suppurativa"
        assert book.text.split("\n")[1].startswith("EXCERPT: Hidradenitis suppurativa")
        assert book.meta is not None and book.meta["year"] == 2024
        assert book.meta["book"] == "StatPearls"
        notices = [r for r in records if isinstance(r, Notice)]
        assert [n.ids for n in notices] == [("90000150", "90000151", "90000152")]
        assert len(records) == 3


def test_pubmed_files_of_one_article_and_many_records(tmp_path: Path) -> None:
    one = tmp_path / "one.xml"
    one.write_text('<?xml version="1.0"?>\n' + article(42), encoding="utf-8")
    docs, errs = run(one)
    assert ids(docs) == ["42"] and errs == []
    many = tmp_path / "many.xml"
    many.write_text(pubmed_file([article(p) for p in range(1000, 1300)]), encoding="utf-8")
    docs, errs = run(many)
    assert errs == [] and ids(docs) == [str(p) for p in range(1000, 1300)]


# ----------------------------------------------------------------------------- 13.4 caps


def _count_decompressed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bytes every CappedStream hands out from now on, added up in the list's one item."""
    from pipeline.ingest import common

    total = [0]
    read = common.CappedStream.read

    def counting_read(self: common.CappedStream, n: int = common.READ_CHUNK) -> bytes:
        data = read(self, n)
        total[0] += len(data)
        return data

    monkeypatch.setattr(common.CappedStream, "read", counting_read)
    return total


def test_decompressed_byte_cap_keeps_records_before_it(tmp_path: Path) -> None:
    xml = pubmed_file([article(p) for p in range(1, 201)]).encode()
    gz = tmp_path / "many.xml.gz"
    gz.write_bytes(gzip.compress(xml))
    cap = len(xml) // 2
    docs, errs = run(gz, max_bytes=cap)
    assert 50 < len(docs) < 150 and ids(docs) == [str(p) for p in range(1, len(docs) + 1)]
    assert [e.error for e in errs] == ["too_large"]
    assert errs[0].location is not None and f"record {len(docs) + 1}" in errs[0].location
    assert f"{cap:,}" in errs[0].message
    docs, errs = run(gz, max_bytes=None)
    assert len(docs) == 200 and errs == []
    lines = b"".join(json.dumps({"id": i, "text": "t" * 40}).encode() + b"\n"
                     for i in range(300))
    j = tmp_path / "many.jsonl.gz"
    j.write_bytes(gzip.compress(lines))
    docs, errs = run(j, max_bytes=len(lines) // 3)
    assert 50 < len(docs) < 150 and [e.error for e in errs] == ["too_large"]
    assert errs[0].location == f"line {len(docs) + 1}"
    # shards of a capped JSONL file: the same rows, the cap reported once
    shards = list_shards([j], block_size=40, max_bytes=len(lines) // 3)
    rows = [r for s in shards for r in read_shard(s, max_bytes=len(lines) // 3)]
    assert rows == list(ingest([j], dedupe=False, max_bytes=len(lines) // 3))
    t = tmp_path / "bomb.txt.gz"
    t.write_bytes(gzip.compress(b"word " * 100_000))
    docs, errs = run(t, max_bytes=10_000)
    assert docs == [] and [(e.error, e.doc_id) for e in errs] == [("too_large", "bomb")]
    assert "the --max-file-mb cap" in errs[0].message  # the flag, not the library's max_bytes
    docs, errs = run(t)
    assert ids(docs) == ["bomb"]


def test_gzip_bomb_of_small_valid_lines_stops_at_the_file_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ~2 MB .jsonl.gz of identical short valid lines that inflates to 1 GiB: read up to the
    per-file cap and no further, whole (`ingest`, memory flat) and in a runner's blocks (a
    bounded number of readings of the file, not one per block of `block_size` lines)."""
    import tracemalloc


    line = b'{"text": "Dupilumab helped."}\n'
    member = gzip.compress(line * ((4 << 20) // len(line)), compresslevel=9, mtime=0)
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(member * 256)  # 256 gzip members of 4 MiB each
    assert bomb.stat().st_size < 4 << 20
    cap = 1 << 20
    kept = cap // len(line)  # the whole lines under the cap
    decompressed = _count_decompressed(monkeypatch)
    tracemalloc.start()
    n_docs, last_id, errs = 0, "", []
    for rec in ingest([bomb], dedupe=False, max_bytes=cap):
        if isinstance(rec, Document):
            n_docs, last_id = n_docs + 1, rec.doc_id
        else:
            errs.append(rec)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (n_docs, last_id) == (kept, f"bomb:{kept}")
    assert [(e.error, e.source, e.location) for e in errs] == [
        ("too_large", str(bomb), f"line {kept + 1}")]
    assert f"{cap:,}" in errs[0].message and f"lines 1-{kept} were read" in errs[0].message
    assert decompressed[0] == cap and peak < 8 << 20, (decompressed, peak)
    # a runner's blocks of 100 lines would be ~kept/100 of them, each reading the file up to
    # its first line; at most 16 blocks read it at most 16 times after counting its lines once
    decompressed[0] = 0
    shards = list_shards([bomb], block_size=100, max_bytes=cap, max_blocks=16)
    rows = [r for s in shards for r in read_shard(s, max_bytes=cap)]
    assert len(shards) == 16 and decompressed[0] <= 17 * cap
    assert rows == list(ingest([bomb], dedupe=False, max_bytes=cap))


def _pubtator_record(i: int) -> bytes:
    return f"{i}|t|Trial {i} of dupilumab\n{i}|a|Twelve of 20 patients responded.\n\n".encode()


def _bioc_xml_record(i: int) -> bytes:
    return (f'<document><id>{i}</id><passage><infon key="type">title</infon><offset>0</offset>'
            f"<text>Trial {i} of dupilumab</text></passage></document>\n").encode()


def _bioc_json_record(i: int) -> bytes:
    return (json.dumps({"id": str(i), "passages": [
        {"offset": 0, "text": f"Trial {i} of dupilumab", "infons": {"type": "title"}}]})
        + "\n").encode()


BOMB_FORMATS = {
    "pubmed.xml.gz": (PUBMED_HEAD.encode(), lambda i: article(i).encode()),
    "bioc.xml.gz": (b"<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n",
                    _bioc_xml_record),
    "bioc_lines.jsonl.gz": (b"", _bioc_json_record),
    "abstracts.pubtator.gz": (b"", _pubtator_record),
}


@pytest.mark.parametrize("name", list(BOMB_FORMATS))
def test_gzip_bomb_of_small_records_stops_at_the_file_cap_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """4,000 distinct small records, then gzip members of one record repeated up to ~1 GiB: the
    records wholly inside the per-file cap are kept, then one too_large row; the file is not
    read past the cap (BioC JSON reads it twice: whole, then line by line)."""

    head, record = BOMB_FORMATS[name]
    body = [record(i) for i in range(1, 4001)]
    bomb = tmp_path / name
    with open(bomb, "wb") as fh:
        fh.write(gzip.compress(head + b"".join(body)))
        member = gzip.compress(record(7) * ((4 << 20) // len(record(7))), mtime=0)
        fh.write(member * 256)
    cap = 128 << 10
    ends = [len(head) + len(b"".join(body[:k])) for k in range(1, len(body) + 1)]
    whole = sum(end <= cap for end in ends)  # records that end inside the cap
    decompressed = _count_decompressed(monkeypatch)
    docs, errs = run(bomb, max_bytes=cap)
    assert whole - 1 <= len(docs) <= whole
    assert ids(docs) == [str(i) for i in range(1, len(docs) + 1)]
    assert [(e.error, e.source) for e in errs] == [("too_large", str(bomb))]
    # BioC JSON lines are located by line, as its documents are
    place = "line" if name == "bioc_lines.jsonl.gz" else "record"
    assert errs[0].location is not None and f"{place} {len(docs) + 1}" in errs[0].location
    assert f"{plural(len(docs), 'record')} read" in errs[0].message
    assert decompressed[0] <= 2 * cap


def test_record_cap_skips_one_record_and_reads_on(tmp_path: Path) -> None:
    records = [article(p) for p in (1, 2, 3)]
    records[1] = article(2, "Huge " * 50_000)
    p = tmp_path / "huge_record.xml"
    p.write_text(pubmed_file(records), encoding="utf-8")
    docs, errs = run(p, max_record_bytes=100_000)
    assert ids(docs) == ["1", "3"]
    assert [(e.error, e.doc_id) for e in errs] == [("record_too_large", "2")]
    assert errs[0].location == "line 14, record 2"
    j = tmp_path / "long_line.jsonl"
    j.write_text("\n".join(json.dumps({"id": str(i), "text": "x" * (300_000 if i == 2 else 10)})
                           for i in range(1, 5)) + "\n", encoding="utf-8")
    docs, errs = run(j, max_record_bytes=100_000)
    assert ids(docs) == ["1", "3", "4"]
    assert [(e.error, e.location) for e in errs] == [("record_too_large", "line 2")]
    pt = tmp_path / "long.pubtator"
    pt.write_text("1|t|T1\n1|a|A1\n\n2|t|T2\n2|a|" + "y" * 300_000 + "\n\n3|t|T3\n3|a|A3\n",
                  encoding="utf-8")
    docs, errs = run(pt, max_record_bytes=100_000)
    # the abstract line over the cap is lost; its record keeps the title, as a record without
    # an abstract does, and the records around it are whole
    assert ids(docs) == ["1", "2", "3"]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("record_too_large", "line 5", "2"), ("no_abstract", "line 4", "2")]
    txt = tmp_path / "long.txt"
    txt.write_text("z" * 300_000, encoding="utf-8")
    docs, errs = run(txt, tmp_path / "huge_record.xml", max_record_bytes=100_000)
    assert ("record_too_large", "long") in [(e.error, e.doc_id) for e in errs]
    # the row tells a user of `biotab run` which flag raises the cap (it named the library's
    # max_record_bytes, which no command takes)
    (long_txt,) = [e for e in errs if e.doc_id == "long"]
    assert "--max-record-mb" in long_txt.message


def test_memory_stays_flat_on_a_giant_record(tmp_path: Path) -> None:
    import tracemalloc

    gz = tmp_path / "giant.xml.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(PUBMED_HEAD.encode() + article(1).encode())
        fh.write(b"<PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ArticleTitle>")
        for _ in range(40):
            fh.write(b"A" * (1 << 20))
        fh.write(b"</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")
        fh.write(article(3).encode() + b"</PubmedArticleSet>\n")
    tracemalloc.start()
    docs, errs = run(gz, max_record_bytes=1 << 20)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ids(docs) == ["1", "3"]
    assert [(e.error, e.doc_id) for e in errs] == [("record_too_large", "2")]
    assert peak < 8 << 20, peak  # 40 MiB of record bytes went through, a few MiB held


# ----------------------------------------------------------------------------- 13.6 JSON records


def _parquet_ok(docs: list[Document], errs: list[ErrorRecord]) -> None:
    """Every row the readers produced can be written to Parquet (valid UTF-8 everywhere)."""
    import pyarrow as pa

    from pipeline.ingest import DOCUMENTS_SCHEMA, ERRORS_SCHEMA, document_row, error_row

    pa.Table.from_pylist([document_row(d) for d in docs], schema=DOCUMENTS_SCHEMA)
    pa.Table.from_pylist([error_row(e) for e in errs], schema=ERRORS_SCHEMA)
    for row in [document_row(d) for d in docs] + [error_row(e) for e in errs]:
        for value in row.values():
            if isinstance(value, str):
                value.encode("utf-8")


def test_jsonl_lone_surrogates_cost_only_their_line(tmp_path: Path) -> None:
    good = [json.dumps({"id": f"g{i}", "title": "T", "text": f"good {i}", "year": 2020})
            for i in range(6)]
    bad = [
        '{"id": "a\\ud800", "text": "bad id"}',
        '{"id": "b", "title": "t\\udfff", "text": "bad title"}',
        '{"id": "c", "text": "bad text \\ud800"}',
        '{"id": "d", "text": "bad extra", "authors": [{"name": "x\\ud834"}]}',
        '{"id": "e", "text": "bad key", "k\\ud800": 1}',
    ]
    ok_pair = '{"id": "emoji", "text": "paired surrogates are fine \\ud83d\\ude00"}'
    lines = [good[0], bad[0], good[1], bad[1], good[2], bad[2], good[3], bad[3], good[4],
             bad[4], good[5], ok_pair]
    p = tmp_path / "surrogates.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="ascii")
    docs, errs = run(p)
    assert ids(docs) == [f"g{i}" for i in range(6)] + ["emoji"]
    assert docs[-1].text.endswith("\U0001F600")
    assert [(e.error, e.location) for e in errs] == [
        ("bad_unicode", "line 2"), ("bad_unicode", "line 4"), ("bad_unicode", "line 6"),
        ("bad_unicode", "line 8"), ("bad_unicode", "line 10")]
    assert "field 'title'" in errs[1].message and "field 'authors'[0].name" in errs[3].message
    assert errs[0].doc_id == "a\\ud800"  # the id shown escaped: valid UTF-8
    _parquet_ok(docs, errs)


def test_an_escaped_nul_costs_its_line_as_a_raw_one_does(tmp_path: Path) -> None:
    """A JSONL line whose text held an escaped NUL ("\\u0000") became a document whose text
    held a NUL, where a NUL byte costs a txt file (binary_file) or a JSONL line (bad_json): a
    NUL is never document text. Now the line (or BioC JSON document) is a binary_file row
    naming the field; other control characters, as in a txt file, are kept."""
    lines = [json.dumps({"id": "a", "text": "first"}),
             '{"id": "nul", "text": "Aspirin relieved\\u0000 headache."}',
             '{"id": "ctl", "text": "a \\u0001 is kept, as in a txt file"}',
             '{"id": "t", "title": "A\\u0000B", "text": "title"}',
             '{"id": "m", "text": "meta", "authors": ["x\\u0000"]}',
             '{"id": "i\\u0000d", "text": "a NUL in the id"}',
             json.dumps({"id": "b", "text": "last"})]
    p = tmp_path / "nul.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="ascii")
    docs, errs = run(p)
    assert ids(docs) == ["a", "ctl", "b"] and "\x01" in docs[1].text
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("binary_file", "line 2", "nul"), ("binary_file", "line 4", "t"),
        ("binary_file", "line 5", "m"), ("binary_file", "line 6", "i\\x00d")]
    assert "field 'text' holds a NUL" in errs[0].message
    assert "field 'authors'[0] holds a NUL" in errs[2].message
    doc = json.loads((DATA / "pubtator3_export.json").read_text())["PubTator3"][0]
    second = json.loads(json.dumps(doc))
    second["id"] = "70000002"
    second["passages"][0]["text"] = "a \x00 title"
    third = dict(doc, id="70000003")
    b = tmp_path / "export.json"
    b.write_text(json.dumps({"PubTator3": [doc, second, third]}), encoding="utf-8")
    docs, errs = run(b)
    assert ids(docs) == ["70000001", "70000003"]
    assert [(e.error, e.location) for e in errs] == [("binary_file", "record 2")]
    _parquet_ok(docs, errs)


def test_deeply_nested_json_line_costs_only_that_line(tmp_path: Path) -> None:
    deep = '{"id": "deep", "text": "x", "m": ' + "[" * 10_000 + "]" * 10_000 + "}"
    nested_200 = '{"id": "n200", "text": "x", "m": ' + "[" * 200 + "]" * 200 + "}"
    lines = [json.dumps({"id": "a", "text": "first"}), deep,
             json.dumps({"id": "b", "text": "second"}), nested_200,
             json.dumps({"id": "c", "text": "third"})]
    p = tmp_path / "deep.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["a", "b", "c"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 2"),
                                                     ("bad_json", "line 4")]
    # the same in BioC JSON lines
    doc = json.loads((DATA / "pubtator3_export.json").read_text())["PubTator3"][0]
    b = tmp_path / "export.jsonl"
    second = dict(doc, id="70000002")
    b.write_text(json.dumps(doc) + "\n" + '{"passages": ' + "[" * 10_000 + "]" * 10_000
                 + "}\n" + json.dumps(second) + "\n", encoding="utf-8")
    docs, errs = run(b)
    assert ids(docs) == ["70000001", "70000002"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 2")]


def test_bioc_json_bad_offsets_and_surrogates_cost_one_document(tmp_path: Path) -> None:
    export = json.loads((DATA / "pubtator3_export.json").read_text())
    doc = export["PubTator3"][0]
    docs_in = []
    for i in range(1, 6):
        d = json.loads(json.dumps(doc))
        d["id"] = f"7000000{i}"
        docs_in.append(d)
    docs_in[1]["passages"][1]["offset"] = "ten"
    docs_in[2]["passages"][0]["annotations"][0]["locations"][0]["offset"] = "ten"
    docs_in[3]["passages"][0]["text"] = "bad \ud800 title"
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"PubTator3": docs_in}), encoding="utf-8")
    docs, errs = run(p)  # a bad annotation location costs that annotation only
    assert ids(docs) == ["70000001", "70000003", "70000005"]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("bad_bioc", "record 2", "70000002"), ("bad_offsets", "record 3", "70000003"),
        ("bad_unicode", "record 4", "70000004")]
    assert "ten" in errs[0].message and "location offset 'ten'" in errs[1].message
    assert len(docs[1].meta["annotations"]) == len(doc["passages"][0]["annotations"]) - 1 + len(
        doc["passages"][1]["annotations"])
    _parquet_ok(docs, errs)


# ----------------------------------------------------------------------------- 13.7 file system


def test_non_utf8_file_name_is_read_under_an_escaped_name(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw, "wb") as fh:
        fh.write(b"Caf\xc3\xa9 study\nbody")
    (tmp_path / "plain.txt").write_text("Plain\nbody", encoding="utf-8")
    shards = list_shards([tmp_path])
    assert len({s.shard_id for s in shards}) == 2
    docs, errs = run(tmp_path)
    assert ids(docs) == ["caf\\xe9", "plain"]
    assert docs[0].source == str(tmp_path) + "/caf\\xe9.txt"
    assert docs[0].title == "Caf\u00e9 study"
    assert [(e.error, e.source) for e in errs] == [("file_name_not_utf8", docs[0].source)]
    _parquet_ok(docs, errs)
    docs, errs = run(os.fsdecode(raw))  # given directly, as a shell passes it
    assert ids(docs) == ["caf\\xe9"] and [e.error for e in errs] == ["file_name_not_utf8"]


def test_links_dangling_loops_and_unreadable_folders(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "locked").mkdir()
    (root / "locked" / "hidden_doc.txt").write_text("x", encoding="utf-8")
    (root / "a.txt").write_text("A\nbody", encoding="utf-8")
    (root / "sub" / "b.txt").write_text("B\nbody", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "c.txt").write_text("C\nbody", encoding="utf-8")
    (root / "dangling.txt").symlink_to(tmp_path / "no_such_file.txt")
    (root / "sub" / "up").symlink_to(root)  # a loop: in/sub/up -> in
    (root / "self").symlink_to(root / "self")  # a link to itself
    (root / "ext").symlink_to(outside)  # leaves the input folder: followed
    real_scandir = os.scandir

    def scandir(path: str) -> Any:
        if str(path) == str(root / "locked"):  # root reads anything: deny as a user would
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    docs, errs = run(root, tmp_path / "gone.txt", tmp_path / "no_such_dir" / "x.txt",
                     root / "dangling.txt")
    assert ids(docs) == ["a", "ext/c", "sub/b"]
    got = sorted((Path(e.source).name, e.error) for e in errs)
    assert got == sorted([("dangling.txt", "dangling_link"), ("locked", "unreadable"),
                          ("self", "link_loop"), ("up", "link_loop"),
                          ("gone.txt", "missing_path"), ("x.txt", "missing_path"),
                          ("dangling.txt", "dangling_link")])
    host = socket.gethostname()
    missing = [e for e in errs if e.error == "missing_path"]
    assert all(e.message == f"input path not found on host {host}" for e in missing)


def test_unreadable_subfolder_for_real() -> None:
    folder = world_readable_dir()
    (folder / "locked").mkdir()
    (folder / "locked" / "x.txt").write_text("x", encoding="utf-8")
    (folder / "ok.txt").write_text("OK\nbody", encoding="utf-8")
    (folder / "ok.txt").chmod(0o644)
    run(folder)  # the readers' lazy imports, before dropping privileges
    (folder / "locked").chmod(0)
    try:
        docs, errs = as_unprivileged(lambda: run(folder))
    finally:
        (folder / "locked").chmod(0o755)
        shutil.rmtree(folder)
    assert ids(docs) == ["ok"]
    assert [(Path(e.source).name, e.error) for e in errs] == [("locked", "unreadable")]


def test_file_gone_between_listing_and_reading_is_not_found(tmp_path: Path) -> None:
    p = tmp_path / "vanishing.jsonl"
    p.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    (shard,) = list_shards([p])
    p.unlink()
    rows = list(read_shard(shard))
    assert [(type(r).__name__, r.error) for r in rows] == [  # type: ignore[union-attr]
        ("ErrorRecord", "missing_path")]
    assert "not found on host" in rows[0].message  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- 13.10 roots


def test_same_relative_name_under_two_roots(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "case.txt").write_text(f"Case from {name}\nbody", encoding="utf-8")
    docs, errs = run(tmp_path / "a", tmp_path / "b")
    assert errs == [] and ids(docs) == ["a/case", "b/case"]
    assert [d.title for d in docs] == ["Case from a", "Case from b"]
    docs, errs = run(tmp_path / "a")  # one root: today's ids
    assert ids(docs) == ["case"]
    # one folder + one file: the folder keeps today's ids, a file's id is its stem
    docs, errs = run(tmp_path / "a", tmp_path / "b" / "case.txt")
    assert ids(docs) == ["case"] and [(e.error, e.doc_id) for e in errs] == [
        ("duplicate_id", "case")]
    for top in ("x", "y"):
        (tmp_path / top / "data").mkdir(parents=True)
        (tmp_path / top / "data" / "case.txt").write_text("T\nbody", encoding="utf-8")
    # folders of the same name: as many parent folders as make all the labels distinct
    docs, errs = run(tmp_path / "x" / "data", tmp_path / "y" / "data", tmp_path / "a")
    assert errs == []
    assert ids(docs) == ["x/data/case", "y/data/case", f"{tmp_path.name}/a/case"]


def test_input_files_of_the_same_name_get_their_folders(tmp_path: Path) -> None:
    # `biotab run a/case.txt b/case.txt`: every file's id was "case", all but the first dropped
    for d in ("a", "b", "x/data", "y/data"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "case.txt").write_text(f"Case from {d}\nbody", encoding="utf-8")
    (tmp_path / "a" / "other.txt").write_text("Other\nbody", encoding="utf-8")
    files = [tmp_path / d / "case.txt" for d in ("a", "b", "x/data", "y/data")]
    docs, errs = run(*files, tmp_path / "a" / "other.txt")
    assert errs == []
    # each the fewest folders that tell it apart; a file whose name no other has keeps its stem
    assert ids(docs) == ["a/case", "b/case", "x/data/case", "y/data/case", "other"]
    assert [d.title for d in docs][:2] == ["Case from a", "Case from b"]


def test_shard_ids_unchanged_for_utf8_paths_and_source_is_utf8(tmp_path: Path) -> None:
    import hashlib

    p = tmp_path / "Étude.jsonl"
    p.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    (shard,) = list_shards([p])
    key = f"{os.path.abspath(p)}|jsonl|0|None"  # the id a run before this change recorded
    assert shard.shard_id.endswith(hashlib.sha1(key.encode("utf-8")).hexdigest()[:12])
    assert shard.source == str(p)
    raw = os.path.join(os.fsencode(tmp_path), b"\xff.jsonl")
    with open(raw, "wb") as fh:
        fh.write(b'{"id": "2", "text": "y"}\n')
    bad = next(s for s in list_shards([tmp_path]) if s.path != str(p))
    assert bad.source.endswith("/\\xff.jsonl") and bad.shard_id
    bad.source.encode("utf-8")


def test_latin1_declared_xml_empty_set_and_single_article(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.xml"
    latin.write_bytes(pubmed_file([article(1, "Caf\u00e9 au lait spots."), article(2)])
                      .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1"))
    docs, errs = run(latin)
    assert errs == [] and ids(docs) == ["1", "2"] and docs[0].title == "Caf\u00e9 au lait spots."
    empty = tmp_path / "empty_set.xml"
    empty.write_text('<?xml version="1.0"?>\n<PubmedArticleSet/>\n', encoding="utf-8")
    docs, errs = run(empty)
    assert docs == [] and [e.error for e in errs] == ["no_records"]
    one = tmp_path / "one_latin1.xml"
    one.write_bytes(('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
                     + article(3, "Na\u00efve T cells.")).encode("latin-1"))
    docs, errs = run(one)
    assert errs == [] and docs[0].title == "Na\u00efve T cells."


def test_jsonl_lines_without_ids_under_two_roots(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "notes.jsonl").write_text('{"text": "no id here"}\n',
                                                     encoding="utf-8")
    docs, errs = run(tmp_path / "a", tmp_path / "b")
    assert errs == [] and ids(docs) == ["a/notes:1", "b/notes:1"]
    docs, errs = run(tmp_path / "a")
    assert ids(docs) == ["notes:1"]


@pytest.mark.parametrize("damage, kind", [
    ("<!-- never closed ", "bad_xml"),
    ('<PubmedArticle Note="never closed ', "bad_xml"),
    ("<PubmedArticle><MedlineCitation><PMID>9</PMID><!-- never closed ", "record_too_large"),
    ("<PubmedArticle><MedlineCitation><PMID>9</PMID><![CDATA[ never closed ", "record_too_large"),
])
def test_unclosed_construct_is_dropped_after_the_record_cap(
        tmp_path: Path, damage: str, kind: str) -> None:
    # an unclosed comment / start tag held every byte to the end of the file (20 MiB here)
    import tracemalloc

    head = PUBMED_HEAD + article(1) + article(2)
    gz = tmp_path / "unclosed.xml.gz"
    with gzip.open(gz, "wb", compresslevel=1) as fh:
        fh.write((head + damage).encode())
        for _ in range(20):
            fh.write(b"a" * (1 << 20))
        fh.write(("\n" + article(3) + "</PubmedArticleSet>\n").encode())
    tracemalloc.start()
    docs, errs = run(gz, max_record_bytes=64 << 10)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # records before the damage are kept, and the one after it (resynchronised on its start)
    assert ids(docs) == ["1", "2", "3"]
    assert [e.error for e in errs] == [kind]
    assert errs[0].location == f"line {head.count(chr(10)) + 1}, record 3"
    if kind == "record_too_large":
        assert errs[0].doc_id == "9"
    assert peak < 6 << 20, peak  # a read chunk or two and the cap, not the 20 MiB


# ------------------------------------------- integers past Python's int-string limit; far offsets

HUGE = "1" * 5000  # more digits than Python converts (sys.get_int_max_str_digits(): 4,300)


def _bioc_doc(doc_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"id": doc_id, "passages": [{"offset": 0, "text": text, "infons": {"type": "title"}}],
            **extra}


def _with_huge(obj: dict[str, Any]) -> str:
    """`obj` as JSON with field "n" a 5,000-digit integer literal (json.dumps cannot write it)."""
    return json.dumps(dict(obj, n=0)).replace('"n": 0', f'"n": {HUGE}')


@pytest.mark.parametrize("layout", ["jsonl", "bioc_lines", "bioc_collection", "bioc_indented"])
def test_integer_too_long_costs_only_its_record(tmp_path: Path, layout: str) -> None:
    if layout == "jsonl":
        good = [json.dumps({"id": i, "text": f"Trial {i} of dupilumab."}) for i in ("a", "c")]
        bad = _with_huge({"id": "b", "text": "bad"})
        p = tmp_path / "docs.jsonl"
        p.write_text("\n".join([good[0], bad, good[1]]) + "\n", encoding="utf-8")
        where = "line 2"
    else:
        good = [json.dumps(_bioc_doc(i, f"Trial {i} of dupilumab.")) for i in ("a", "c")]
        bad = _with_huge(_bioc_doc("b", "bad"))
        p = tmp_path / "docs.json"
        if layout == "bioc_lines":
            p.write_text("\n".join([good[0], bad, good[1]]) + "\n", encoding="utf-8")
            where = "line 2"
        else:
            sep = ",\n  " if layout == "bioc_indented" else ","
            p.write_text('{"source": "test", "documents": [' + sep.join([good[0], bad, good[1]])
                         + "]}", encoding="utf-8")
            where = "record 2"
    docs, errs = run(p)
    assert ids(docs) == ["a", "c"]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [("bad_json", where, "b")]
    assert "5,000 digits" in errs[0].message and "'n'" in errs[0].message
    _parquet_ok(docs, errs)


def test_integer_too_long_as_the_id_gives_no_made_up_doc_id(tmp_path: Path) -> None:
    p = tmp_path / "docs.jsonl"
    p.write_text(f'{{"id": {HUGE}, "text": "x"}}\n{{"id": "ok", "text": "fine"}}\n',
                 encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["ok"]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [("bad_json", "line 1", None)]


def test_unparsable_whole_file_collection_says_all_of_it_is_lost(tmp_path: Path) -> None:
    docs_in = [json.dumps(_bioc_doc(i, "Trial.")) for i in ("a", "b")]
    p = tmp_path / "collection.json"
    p.write_text('{"documents": [' + ",".join(docs_in) + "}", encoding="utf-8")  # no "]"
    docs, errs = run(p)
    assert docs == []
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 1")]
    assert "every document in it is lost" in errs[0].message


def test_reader_failure_names_the_last_record_and_the_loss(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catch-all for a reader bug: the row says where the reader stopped and that the rest
    of the shard is lost (a record parser that raises on line 2 stands for the bug)."""
    fail_jsonl_line(monkeypatch, 2)
    p = tmp_path / "docs.jsonl"
    p.write_text("".join(json.dumps({"id": i, "text": "x"}) + "\n" for i in "abc"))
    docs, errs = run(p)
    assert ids(docs) == ["a"]
    assert [(e.error, e.location) for e in errs] == [("reader_failed", "after line 1")]
    assert "'a'" in errs[0].message and "LookupError: reader bug" in errs[0].message
    assert "rest of the shard was not read" in errs[0].message


FAR = 200_000_000


def _far_bioc_xml() -> str:
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n"
        '<document><id>far</id><passage><infon key="type">title</infon><offset>0</offset>'
        "<text>Trial of dupilumab</text></passage>\n"
        f'<passage><infon key="type">abstract</infon><offset>{FAR}</offset>'
        "<text>Twelve patients responded.</text>"
        '<annotation id="1"><infon key="type">Chemical</infon>'
        f'<location offset="{FAR}" length="6"/><text>Twelve</text></annotation>'
        "</passage></document>\n"
        "<document><id>ok</id><passage><offset>0</offset><text>Fine.</text></passage>"
        "</document>\n</collection>\n")


def _far_bioc_json() -> str:
    far = _bioc_doc("far", "Trial of dupilumab")
    far["passages"].append({
        "offset": FAR, "text": "Twelve patients responded.", "infons": {"type": "abstract"},
        "annotations": [{"id": "1", "infons": {"type": "Chemical"}, "text": "Twelve",
                         "locations": [{"offset": FAR, "length": 6}]}]})
    return json.dumps({"documents": [far, _bioc_doc("ok", "Fine.")]})


@pytest.mark.parametrize("name, content", [("far.xml", _far_bioc_xml),
                                           ("far.json", _far_bioc_json)])
def test_passage_offset_past_the_record_cap_is_not_padded(
        tmp_path: Path, name: str, content: Any) -> None:
    p = tmp_path / name
    p.write_text(content(), encoding="utf-8")
    assert p.stat().st_size < 1000
    docs, errs = run(p)
    assert ids(docs) == ["far", "ok"]
    far = docs[0]
    assert far.text == "Trial of dupilumab\nTwelve patients responded."
    (ann,) = far.meta["annotations"]
    assert far.text[ann["start"]:ann["end"]] == "Twelve"
    assert far.meta["passages"][1]["start"] == len("Trial of dupilumab\n")
    assert [(e.error, e.doc_id) for e in errs] == [("passage_offsets", "far")]
    assert f"{FAR:,}" in errs[0].message
    # within the cap, a gap is still padded so that offsets index the text unchanged
    small = content().replace(str(FAR), "40")
    p.write_text(small, encoding="utf-8")
    docs, errs = run(p)
    assert errs == [] and docs[0].text[40:46] == "Twelve"


def test_sentence_gaps_cannot_add_up_past_the_record_cap(tmp_path: Path) -> None:
    """Passages of sentences alone, each a sentence a whole cap away: each passage's own gap
    was bounded, not the document's, so a 36 KB file gave 20 million characters."""
    cap = 100_000
    doc = _bioc_doc("gaps", "Trial of dupilumab")
    for i in range(200):
        start = 100 + i * 10
        doc["passages"].append({"offset": start, "infons": {}, "text": "", "sentences": [
            {"offset": start + cap, "infons": {}, "text": f"Sentence {i}.", "annotations": []}]})
    p = tmp_path / "gaps.json"
    p.write_text(json.dumps({"documents": [doc]}), encoding="utf-8")
    docs, _errs = run(p, max_record_bytes=cap)
    assert ids(docs) == ["gaps"]
    assert len(docs[0].text) <= cap + 200 * len("Sentence 199. ")
    assert "Sentence 0." in docs[0].text and "Sentence 199." in docs[0].text


@pytest.mark.parametrize("offset", ["²", HUGE])
def test_pubtator_offset_int_cannot_read_costs_only_that_mention(tmp_path: Path,
                                                                  offset: str) -> None:
    """"²".isdigit() is true but int("²") fails, as does int() of 5,000 digits: before, the
    ValueError ended the file's reading after record 1."""
    recs = [_pubtator_record(i).decode() for i in (1, 2, 3)]
    recs[1] = recs[1].replace("\n\n", f"\n2\t{offset}\t5\tTrial\tChemical\tD1\n"
                              "2\t0\t5\tTrial\tChemical\tD1\n\n")
    p = tmp_path / "abstracts.pubtator"
    p.write_text("".join(recs), encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["1", "2", "3"]
    assert [a["start"] for a in docs[1].meta["annotations"]] == [0]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [("bad_offsets", "line 6", "2")]


@pytest.mark.parametrize("where", ["passage", "annotation"])
def test_bioc_json_infinite_offset_costs_one_document(tmp_path: Path, where: str) -> None:
    """JSON's Infinity as an offset: int() raises OverflowError, which is no ValueError. A
    passage's costs its document, an annotation location's that annotation."""
    bad = _bioc_doc("b", "Trial of dupilumab")
    if where == "passage":
        bad["passages"][0]["offset"] = float("inf")
    else:
        bad["passages"][0]["annotations"] = [
            {"id": "1", "text": "Trial", "locations": [{"offset": float("inf"), "length": 5}]}]
    p = tmp_path / "docs.json"
    p.write_text("\n".join(json.dumps(d) for d in [_bioc_doc("a", "Trial."), bad,
                                                     _bioc_doc("c", "Trial.")]) + "\n")
    assert "Infinity" in p.read_text()
    docs, errs = run(p)
    if where == "annotation":  # that annotation only
        assert ids(docs) == ["a", "b", "c"] and docs[1].meta["annotations"] == []
        assert [(e.error, e.location, e.doc_id) for e in errs] == [("bad_offsets", "line 2", "b")]
        return
    assert ids(docs) == ["a", "c"]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [("bad_bioc", "line 2", "b")]


def test_bioc_xml_offset_that_is_no_number_is_named_in_its_row(tmp_path: Path) -> None:
    """A BioC XML passage (or annotation) offset "twenty" cost its document with the message
    "invalid literal for int() with base 10: 'twenty'": Python's words, not the place."""
    def document(ident: str, offset: str, location: str = "0") -> str:
        return (f"<document><id>{ident}</id><passage><offset>0</offset><text>Aspirin.</text>"
                f"</passage><passage><offset>{offset}</offset><text>Aspirin helped.</text>"
                f'<annotation id="7"><location offset="{location}" length="7"/>'
                "<text>Aspirin</text></annotation></passage></document>\n")
    p = tmp_path / "c.xml"
    p.write_text("<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n"
                 + document("a", "9") + document("b", "twenty") + document("c", "9", "x9")
                 + document("d", "9", "9") + "</collection>\n", encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["a", "c", "d"] and docs[1].meta["annotations"] == []
    assert [(e.error, e.doc_id) for e in errs] == [("bad_bioc", "b"), ("bad_offsets", "c")]
    assert errs[0].message == ("malformed BioC document: passage 2: offset 'twenty' is not a "
                               "whole number")
    assert errs[1].message == ("annotation 'Aspirin': location offset 'x9' is not a whole "
                               "number; annotation dropped")
    # a long bad value is shown cut (the row held all 200,000 characters); a whole number of
    # more digits than Python converts is said to be one
    p.write_text("<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n"
                 + document("e", "x" * 200_000) + document("f", "9" * 5000) + document("g", "9")
                 + "</collection>\n", encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["g"] and [e.doc_id for e in errs] == ["e", "f"]
    assert errs[0].message.endswith("offset '" + "x" * 40 + "'... is not a whole number")
    assert errs[1].message.endswith("'... has 5,000 digits, more than the 4,300 Python converts")


def test_bioc_passage_of_sentences_alone_is_read_and_bounded(tmp_path: Path) -> None:
    """A passage without <text> is its sentences placed at their offsets (the `bioc` package
    gives it text "", which hid them); a sentence gap past the record cap is one space."""
    def sentence(offset: int, text: str) -> str:
        return f"<sentence><offset>{offset}</offset><text>{text}</text></sentence>"

    p = tmp_path / "sentences.xml"
    p.write_text(
        "<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n"
        "<document><id>s1</id><passage><offset>0</offset>"
        + sentence(0, "Trial of dupilumab.") + sentence(22, "It helped.")
        + "</passage></document>\n<document><id>s2</id><passage><offset>0</offset>"
        + sentence(0, "Trial.") + sentence(FAR, "Far away.")
        + "</passage></document>\n</collection>\n", encoding="utf-8")
    docs, errs = run(p)
    assert [(d.doc_id, d.text) for d in docs] == [
        ("s1", "Trial of dupilumab.   It helped."), ("s2", "Trial. Far away.")]
    assert errs == []


def _corrupt_gzip(good: bytes) -> bytes:
    """A gzip file whose deflate stream holds `good`, then a block of the reserved type 3:
    zlib.error ("invalid block type"), which is no OSError, where `good` ends."""
    z = zlib.compressobj(wbits=31)
    return z.compress(good) + z.flush(zlib.Z_FULL_FLUSH) + b"\x07" + b"\x00" * 64


@pytest.mark.parametrize("name", list(BOMB_FORMATS))
def test_corrupt_gzip_data_keeps_the_records_before_it(tmp_path: Path, name: str) -> None:
    """gzip loses what it decompressed from its last input buffer (8 KiB) when zlib fails, so
    the records are made hard to compress (PMIDs in random order) and many."""
    head, record = BOMB_FORMATS[name]
    order = random.Random(9).sample(range(10_000_000, 99_999_999), 3000)
    p = tmp_path / name
    p.write_bytes(_corrupt_gzip(head + b"".join(record(i) for i in order)))
    assert p.stat().st_size > 20_000
    docs, errs = run(p)  # before: zlib.error out of the reader (or of detect_format)
    assert 1000 < len(docs) < 3000 and ids(docs) == [str(i) for i in order[:len(docs)]]
    (row,) = errs
    assert row.error == "unreadable" and "corrupt gzip data" in row.message
    assert row.location is not None and str(len(docs) + 1) in row.location
    rows = [r for s in list_shards([p], block_size=10) for r in read_shard(s)]
    assert [r.doc_id for r in rows if isinstance(r, Document)] == ids(docs)


def test_gzip_corrupt_from_its_first_block_is_one_unreadable_row(tmp_path: Path) -> None:
    p = tmp_path / "docs.jsonl.gz"
    p.write_bytes(_corrupt_gzip(b""))
    ok = tmp_path / "ok.jsonl"
    ok.write_text(json.dumps({"id": "ok", "text": "Fine."}) + "\n")
    docs, errs = run(p, ok)
    assert ids(docs) == ["ok"]
    assert [(e.error, e.location) for e in errs] == [("unreadable", "byte 0")]
    assert "corrupt gzip data" in errs[0].message


@pytest.mark.parametrize("damage", ["trailing_garbage", "bad_crc"])
def test_small_gzip_damaged_after_its_data_keeps_its_records(tmp_path: Path, damage: str) -> None:
    """A small gzip file (its data within the 8 KiB head) whose member is whole but followed by
    garbage (`gzip -t`: "trailing garbage ignored"), or whose CRC is wrong: the head read ended
    in BadGzipFile, which made the head empty and the whole file one "unreadable" row, "nothing
    of it was read". Now its records are read and the failure is named after them."""
    def damaged(data: bytes) -> bytes:
        member = gzip.compress(data)
        if damage == "trailing_garbage":
            return member + b"GARBAGE\n"
        crc = bytearray(member)
        crc[-8] ^= 0xFF  # the trailer's CRC-32
        return bytes(crc)

    lines = b"".join(json.dumps({"id": f"r{i}", "text": f"Trial {i}."}).encode() + b"\n"
                     for i in range(10))
    j = tmp_path / "small.jsonl.gz"
    j.write_bytes(damaged(lines))
    x = tmp_path / "small.xml.gz"
    xml = pubmed_file([article(301), article(302)])
    x.write_bytes(damaged(xml.encode()))
    docs, errs = run(j, x)
    assert ids(docs) == [f"r{i}" for i in range(10)] + ["301", "302"]
    if damage == "trailing_garbage":  # nothing was lost: the garbage is named after the text
        assert [(Path(e.source).name, e.error, e.location) for e in errs] == [
            ("small.jsonl.gz", "trailing_garbage", "line 11"),
            ("small.xml.gz", "trailing_garbage", f"line {xml.count(chr(10)) + 1}")]
        return
    assert [(Path(e.source).name, e.error, e.location) for e in errs] == [
        ("small.jsonl.gz", "unreadable", "line 11"),
        ("small.xml.gz", "unreadable", "record 3")]


def test_txt_gzip_with_trailing_garbage_keeps_its_document(tmp_path: Path) -> None:
    """A .txt.gz whose gzip member is whole (its CRC right) but followed by garbage (`gzip -t`:
    "trailing garbage ignored") was one "unreadable" row, its document lost although its text
    decompressed whole: now the document, and one row naming the garbage. A wrong CRC or a
    cut member still costs the document (its text is not known to be right or whole)."""
    text = b"Aspirin after stroke\nAspirin reduced recurrent stroke in 40 patients.\n"
    (tmp_path / "garbage.txt.gz").write_bytes(gzip.compress(text) + b"GARBAGE\n")
    (tmp_path / "padded.txt.gz").write_bytes(gzip.compress(text) + b"\0" * 512)  # gzip's padding
    crc = bytearray(gzip.compress(text))
    crc[-8] ^= 0xFF  # the trailer's CRC-32
    (tmp_path / "crc.txt.gz").write_bytes(bytes(crc) + b"GARBAGE\n")
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(text)[:-12])
    docs, errs = run(tmp_path)
    assert [(d.doc_id, d.text, d.title) for d in docs] == [
        ("garbage", text.decode(), "Aspirin after stroke"),
        ("padded", text.decode(), "Aspirin after stroke")]
    rows = [(e.doc_id, e.error) for e in errs]
    assert rows == [("crc", "unreadable"), ("cut", "truncated_gzip"),
                    ("garbage", "trailing_garbage")]
    garbage = errs[2]
    assert "trailing garbage" in garbage.message and "read whole" in garbage.message
    assert "CRC check failed" in errs[0].message


def test_trailing_garbage_costs_no_record_in_any_format(tmp_path: Path) -> None:
    """Garbage after a whole gzip member ends the stream as its end would: a JSONL file's last
    line without a newline, a BioC JSON collection (one JSON value: it was lost whole) and a
    PubTator file's last record are kept, and one row names the garbage."""
    def gz(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) + b"GARBAGE\n")
        return path

    jl = gz("lines.jsonl.gz", b'{"id": "j1", "text": "A."}\n{"id": "j2", "text": "B."}')
    collection = {"source": "x", "documents": [_bioc_doc("b1", "Trial of aspirin."),
                                               _bioc_doc("b2", "Trial of heparin.")]}
    bj = gz("collection.json.gz", json.dumps(collection).encode())
    pt = gz("records.pubtator.gz", b"11|t|Aspirin\n11|a|Aspirin helped.\n\n"
                                   b"12|t|Heparin\n12|a|Heparin bled.")
    docs, errs = run(jl, bj, pt)
    assert ids(docs) == ["j1", "j2", "b1", "b2", "11", "12"]
    assert [(Path(e.source).name, e.error, e.location) for e in errs] == [
        ("lines.jsonl.gz", "trailing_garbage", "line 3"),
        ("collection.json.gz", "trailing_garbage", "record 3"),
        ("records.pubtator.gz", "trailing_garbage", "line 6")]


def test_a_cut_indented_bioc_collection_is_one_error_row(tmp_path: Path) -> None:
    """A collection written with indentation is one JSON value: cut short, it is one error
    row (not one bad_json row per line); BioC JSON lines cut short keep their documents."""
    docs = [{"id": f"d{i}", "infons": {}, "passages": [
        {"offset": 0, "infons": {}, "text": f"Aspirin helped patient {i}."}]} for i in range(50)]
    collection = {"source": "x", "date": "", "key": "", "infons": {}, "documents": docs}
    indented = tmp_path / "collection.json.gz"
    indented.write_bytes(gzip.compress(json.dumps(collection, indent=2).encode())[:-20])
    records = list(ingest([indented]))
    assert [(r.error, r.source) for r in records if isinstance(r, ErrorRecord)] == [
        ("truncated_gzip", str(indented))]
    assert not [r for r in records if isinstance(r, Document)]
    lines = tmp_path / "lines.json.gz"
    lines.write_bytes(gzip.compress(b"\n".join(json.dumps(d).encode() for d in docs))[:-20])
    records = list(ingest([lines]))
    assert [r.error for r in records if isinstance(r, ErrorRecord)] == ["truncated_gzip"]
    assert len([r for r in records if isinstance(r, Document)]) >= 40


def test_a_bom_inside_joined_files_costs_nothing(tmp_path: Path) -> None:
    """Two files saved with a UTF-8 BOM and joined with `cat`: the second BOM starts a line in
    the middle. A JSONL line lost its record ("Unexpected UTF-8 BOM"); a PubTator title line
    became a record of its own whose doc_id began with U+FEFF, its abstract another record
    without a title, and its mention was dropped as off its text."""
    bom = b"\xef\xbb\xbf"
    j = tmp_path / "joined.jsonl"
    j.write_bytes(bom + b'{"id": "j1", "text": "A."}\n' + bom + b'{"id": "j2", "text": "B."}\n')
    p = tmp_path / "joined.pubtator"
    p.write_bytes(b"".join(bom + f"{i}|t|Title {i}\n{i}|a|Aspirin helped.\n"
                                 f"{i}\t{len(f'Title {i}') + 1}\t"
                                 f"{len(f'Title {i}') + 8}\tAspirin\tChemical\tD001241\n\n"
                                 .encode() for i in (111, 222)))
    docs, errs = run(j, p)
    assert errs == []
    assert ids(docs) == ["j1", "j2", "111", "222"]
    assert [a["text"] for a in docs[3].meta["annotations"]] == ["Aspirin"]


def test_a_file_compressed_otherwise_than_gzip_says_so(tmp_path: Path) -> None:
    """A .jsonl.bz2, .xml.xz, a zip, a gzip file inside a gzip file: the row said "file
    contains NUL bytes; not a text file", which does not tell the user to decompress it."""
    import bz2
    import lzma
    import zipfile

    lines = b'{"id": "a", "text": "Trial."}\n'
    (tmp_path / "a.jsonl.bz2").write_bytes(bz2.compress(lines))
    (tmp_path / "b.xml.xz").write_bytes(lzma.compress(pubmed_file([article(1)]).encode()))
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as z:
        z.writestr("c.txt", "Trial.")
    (tmp_path / "d.jsonl.gz").write_bytes(gzip.compress(gzip.compress(lines)))
    (tmp_path / "e.jsonl").write_bytes(lines.replace(b'"a"', b'"e"'))
    docs, errs = run(tmp_path)
    assert ids(docs) == ["e"]
    assert [(Path(e.source).name, e.error, e.location, e.message.split(",")[0]) for e in errs] == [
        ("a.jsonl.bz2", "binary_file", "byte 0", "file is bzip2-compressed"),
        ("b.xml.xz", "binary_file", "byte 0", "file is xz-compressed"),
        ("c.zip", "binary_file", "byte 0", "file is a zip archive"),
        ("d.jsonl.gz", "binary_file", "byte 0", "file is gzip-compressed twice (or a gzip file "
         "inside one)")]
    assert all("decompress it first" in e.message for e in errs)


def test_a_path_longer_than_the_system_opens_is_its_folders_row(tmp_path: Path) -> None:
    """Names under folders of long names whose paths are past PATH_MAX: the walk listed them
    (it goes one folder at a time) but they cannot be opened, nor tested for being a file; the
    row said "input path not found on host". Now the deepest folder that can be listed gets one
    "unreadable" row saying why, and nothing past it is listed."""
    from pipeline.ingest import PATH_MAX

    root = tmp_path / "deep"
    root.mkdir()
    (root / "near.txt").write_text("Trial of dupilumab.\n")
    make_too_deep(root)
    docs, errs = run(root)
    assert ids(docs) == ["near"]
    (row,) = errs
    assert row.source.startswith(str(root)) and len(os.fsencode(row.source)) < PATH_MAX
    assert len(os.fsencode(row.source)) + 201 >= PATH_MAX  # the deepest that can be listed
    assert row.error == "unreadable" and "longer than the system opens" in row.message


def test_json_checks_hold_no_copy_of_a_wide_record(tmp_path: Path) -> None:
    """The check of a parsed JSON record (lone surrogates, depth, huge integers) queued every
    value with its place as text: a 21 MB line of 7 million `{}` took 10 s and 1.1 GB on top
    of the parse. It now holds one iterator per level and names a place only in a message."""
    import tracemalloc

    from pipeline.ingest.json_values import json_problem

    wide = json.loads('{"id": "w", "x": [' + ",".join(["{}"] * 100_000) + "]}")
    tracemalloc.start()
    try:
        assert json_problem(wide) is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000, peak  # before: 13.7 MB (100,000 tuples and place strings)
    wide["x"][99_999] = {"a": ["ok", "\ud800"]}
    assert json_problem(wide) == ("bad_unicode", "field 'x'[99999].a[1] holds a lone surrogate "
                                  "escape (\\ud800 at character 0); it is not encodable as "
                                  "UTF-8 text")
    p = tmp_path / "wide.jsonl"
    p.write_text(json.dumps(wide) + "\n" + json.dumps({"id": "n", "text": "Next."}) + "\n")
    docs, errs = run(p)
    assert ids(docs) == ["n"]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [("bad_unicode", "line 1", "w")]


def test_xml_record_of_too_many_tags_costs_only_that_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record of short elements within the byte cap (28 MB of `<a/>` built a 1 GB tree; at
    the 32 MiB cap more) is refused by its count of tags before it is parsed (here with a cap
    of 1,000 tags instead of 2,000,000)."""
    from pipeline.ingest import xmlrecords

    monkeypatch.setattr(xmlrecords, "MAX_RECORD_TAGS", 1000)
    dense = article(502).replace("Result of trial 502.", "<i/>" * 1000)
    text = pubmed_file([article(501), dense, article(503)])
    p = tmp_path / "dense.xml"
    p.write_text(text, encoding="utf-8")
    docs, errs = run(p)
    assert ids(docs) == ["501", "503"]
    line = first_line_of(text, "502</PMID>") - 2
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("record_too_large", f"line {line}, record 2", "502")]
    assert "holds 1,020 XML tags, more than 1,000" in errs[0].message


def test_passage_gaps_within_the_record_cap_are_padded_within_a_budget(tmp_path: Path) -> None:
    """A passage 30,000,000 characters on, within the 32 MiB record cap, made a 335-byte file a
    document of 30 million spaces (24 s to annotate with the lexicons alone); a file of many
    such documents multiplied it past any cap. Now a document is padded with at most 10 spaces
    per character of its own text (at least 10,000); beyond, the passage is appended after a
    newline with a passage_offsets row, as past the cap."""
    def bioc(gap_offset: int) -> str:
        return ("<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n"
                "<document><id>g</id><passage><offset>0</offset><text>Trial of dupilumab"
                f"</text></passage><passage><offset>{gap_offset}</offset><text>Twelve "
                f'responded.</text><annotation id="1"><location offset="{gap_offset}" '
                'length="6"/><text>Twelve</text></annotation></passage></document>\n'
                "</collection>\n")

    p = tmp_path / "gap.xml"
    p.write_text(bioc(30_000_000), encoding="utf-8")
    docs, errs = run(p)
    (doc,) = docs
    assert doc.text == "Trial of dupilumab\nTwelve responded."
    (ann,) = doc.meta["annotations"]
    assert doc.text[ann["start"]:ann["end"]] == "Twelve"
    assert [(e.error, e.doc_id) for e in errs] == [("passage_offsets", "g")]
    assert "30,000,000" in errs[0].message and "at least 10,000" in errs[0].message
    p.write_text(bioc(9_000), encoding="utf-8")  # within the budget: padded, offsets unchanged
    docs, errs = run(p)
    assert errs == [] and docs[0].text[9_000:9_006] == "Twelve"


def test_comments_of_an_xml_head_are_blanked_in_one_pass(tmp_path: Path) -> None:
    """The prolog's comments were blanked by a regex `<!--.*?-->` that looked for the end again
    from each `<!--`: a head of 16,000 unclosed ones took 4 s per file. The one-pass blanking
    gives what the regex gave (checked on random strings of comment pieces)."""
    import re

    from pipeline.ingest.xmlrecords import blank_comments

    regex = re.compile(rb"<!--.*?-->", re.S)
    rng = random.Random(21)
    pieces = [b"<!--", b"-->", b"<!-", b"->", b"--", b"a", b"<", b">", b"<!---->", b"\n"]
    for _ in range(5000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert blank_comments(data) == regex.sub(lambda m: b" " * len(m.group(0)), data), data
    p = tmp_path / "comments.xml"
    p.write_text('<?xml version="1.0"?>\n' + "<!--" * 30_000, encoding="utf-8")
    ok = tmp_path / "ok.xml"
    ok.write_text(pubmed_file([article(601)]), encoding="utf-8")
    docs, errs = run(p, ok, fmt="pubmed")
    assert ids(docs) == ["601"]
    assert [(Path(e.source).name, e.error) for e in errs] == [("comments.xml", "bad_xml")]


def test_damaged_record_full_of_pmid_tags_is_named_at_once(tmp_path: Path) -> None:
    """The id of a damaged record is searched in its bytes: "<PMID" followed by anything but ">"
    made that search quadratic (500 KB of "<PMID": 15 s; 32 MiB: hours, in one regex call that
    nothing interrupts)."""
    import time

    damaged = "<PubmedArticle>\n" + "<PMID" * 100_000 + "\n</PubmedArticle>\n"
    t0 = time.monotonic()
    docs, errs = run(_write(tmp_path / "pmids.xml", pubmed_file([article(701), damaged,
                                                                  article(703)])))
    assert time.monotonic() - t0 < 5  # 0.03 s; before, 15 s (a margin for a busy machine)
    assert ids(docs) == ["701", "703"]
    assert [(e.error, e.doc_id) for e in errs] == [("bad_xml", None)]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_default_namespace_on_the_root_costs_no_record(tmp_path: Path) -> None:
    """`<PubmedArticleSet xmlns="...">` (or a BioC collection with one): every element of every
    record was namespaced, the readers look elements up by plain names, and each record was lost
    as "PubMed record without a PMID" / "BioC document ... has no passage text"."""
    text = pubmed_file([article(801), "<DeleteCitation><PMID>5</PMID></DeleteCitation>\n",
                        article(802)])
    p = tmp_path / "ns.xml"
    p.write_text(text.replace("<PubmedArticleSet>",
                              '<PubmedArticleSet xmlns="http://example.org/pubmed">'),
                 encoding="utf-8")
    b = tmp_path / "ns_bioc.xml"
    b.write_text("<?xml version='1.0' encoding='utf-8'?>\n"
                 '<collection xmlns="http://example.org/bioc"><source>x</source>\n'
                 "<document><id>b1</id><passage><offset>0</offset><text>Trial of dupilumab."
                 "</text></passage></document>\n</collection>\n", encoding="utf-8")
    records = list(ingest([p, b]))
    assert [r.doc_id for r in records if isinstance(r, Document)] == ["801", "802", "b1"]
    assert [(r.error, r.ids) for r in records if isinstance(r, ErrorRecord)] == [
        ("deleted_citations", ("5",))]
    assert records[0].title == "Trial 801 of dupilumab."


def test_a_prefixed_root_reads_its_records(tmp_path: Path) -> None:
    """`<pm:PubmedArticleSet xmlns:pm="...">` with every tag prefixed (or a BioC
    `<b:collection>`): the root was "unexpected" and the scanner, looking for plain record
    tags, found none. Now the root is known by its local name and the records by their tags
    with the root's prefix; a damaged record's row still names its PMID."""
    def prefixed(xml: str, prefix: str) -> str:
        return re.sub(r"<(/?)(?=[A-Za-z])", rf"<\1{prefix}:", xml)

    records = [article(901), "<DeleteCitation><PMID>7</PMID></DeleteCitation>\n",
               article(902).replace("</ArticleTitle>", ""), article(903)]
    text = prefixed(pubmed_file(records), "pm").replace(
        "<pm:PubmedArticleSet>", '<pm:PubmedArticleSet xmlns:pm="http://example.org/pubmed">')
    p = _write(tmp_path / "prefixed.xml", text)
    bioc = prefixed('<collection xmlns:b="http://example.org/bioc"><source>x</source>\n'
                    "<document><id>b1</id><passage><offset>0</offset><text>Trial of dupilumab."
                    "</text></passage></document>\n</collection>\n", "b")
    b = _write(tmp_path / "prefixed_bioc.xml", "<?xml version='1.0' encoding='utf-8'?>\n" + bioc)
    assert "<pm:PMID" in text and "<b:document>" in b.read_text()
    got = list(ingest([p, b]))
    assert [r.doc_id for r in got if isinstance(r, Document)] == ["901", "903", "b1"]
    assert [(r.error, r.doc_id) for r in got if isinstance(r, ErrorRecord)] == [
        ("deleted_citations", None), ("bad_xml", "902")]
    assert got[0].title == "Trial 901 of dupilumab."


def test_json_record_of_too_many_objects_costs_only_that_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON line (or a whole-file BioC collection) of tiny objects and arrays within the
    32 MiB record cap: 30 MB of `[]` took 0.9 GB to parse. Now more "{" and "[" than
    MAX_JSON_CONTAINERS (2,000,000; here 1,000) is one record_too_large row, not parsed."""
    from pipeline.ingest import json_values

    monkeypatch.setattr(json_values, "MAX_JSON_CONTAINERS", 1000)
    wide = json.dumps({"id": "w", "text": "Trial.", "x": [[]] * 1000})
    p = tmp_path / "wide.jsonl"
    p.write_text("\n".join([json.dumps({"id": "a", "text": "Trial a."}), wide,
                            json.dumps({"id": "b", "text": "Trial b."})]) + "\n")
    docs, errs = run(p)
    assert ids(docs) == ["a", "b"]
    assert [(e.error, e.location) for e in errs] == [("record_too_large", "line 2")]
    assert "1,002 '{' and '['" in errs[0].message and "more than 1,000" in errs[0].message
    collection = {"source": "x", "documents": [_bioc_doc(str(i), "Trial.") for i in range(300)]}
    c = tmp_path / "collection.json"
    c.write_text(json.dumps(collection))
    docs, errs = run(c)
    assert docs == [] and [e.error for e in errs] == ["record_too_large"]
    assert "every document in it is lost" in errs[0].message
    monkeypatch.setattr(json_values, "MAX_JSON_CONTAINERS", 2_000_000)
    assert len(run(c)[0]) == 300


def test_old_mac_line_endings_in_line_formats_say_so(tmp_path: Path) -> None:
    """PubTator and JSON Lines end lines with a newline: a file with carriage returns only is
    one line. Before: the PubTator file became one document whose title held every record; the
    JSONL file one 'Extra data' row. Now one row each says what is wrong and how to fix it (the
    JSONL line's values, which a CR alone cannot join inside a string, are read one by one);
    the same files with newlines read whole."""
    pubtator = tmp_path / "cr.pubtator"
    records = "123|t|Title one\r123|a|Abstract one.\r\r456|t|Title two\r456|a|Abstract two.\r\r"
    pubtator.write_bytes(records.encode())
    jsonl = tmp_path / "cr.jsonl"
    jsonl.write_bytes(b'{"id": "a", "text": "one"}\r{"id": "b", "text": "two"}\r')
    docs, errs = run(pubtator, jsonl)
    assert [(d.doc_id, d.location) for d in docs] == [("a", "line 1, part 1"),
                                                      ("b", "line 1, part 2")]
    assert [(e.error, e.source) for e in errs] == [
        ("bad_line_endings", str(pubtator)), ("bad_line_endings", str(jsonl))]
    assert all("carriage returns" in e.message and "tr '\\r' '\\n'" in e.message for e in errs)
    pubtator.write_bytes(records.replace("\r", "\n").encode())
    jsonl.write_bytes(jsonl.read_bytes().replace(b"\r", b"\n"))
    docs, errs = run(pubtator, jsonl)
    assert [d.doc_id for d in docs] == ["123", "456", "a", "b"] and errs == []
