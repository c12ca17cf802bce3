"""Ingest readers: every format on real-format fixtures, every bad-input case, XML safety,
truncation, gzip, PubTator/BioC offsets, shards and the table schemas."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from helpers import as_unprivileged, ingest_all, world_readable_dir

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest import (
    DOCUMENTS_SCHEMA,
    ERRORS_SCHEMA,
    Shard,
    detect_format,
    document_row,
    error_row,
    ingest,
    list_shards,
    read_shard,
)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "ingest"
SEEDS = HERE.parent / "seeds"


def run(*inputs: Path | str, **kw: object) -> tuple[list[Document], list[ErrorRecord]]:
    return ingest_all(*inputs, **kw)


def kinds(errs: list[ErrorRecord]) -> list[str]:
    return [e.error for e in errs]


# ----------------------------------------------------------------------------- seeds / txt


def test_seeds_folder() -> None:
    docs, errs = run(SEEDS)
    assert errs == []
    assert [d.doc_id for d in docs] == [
        "000_9662ce3457697b4f", "001_f10b6a34d2cc23e3", "002_55d2e80ab31f01b6",
        "003_ec63e1dfcf8193dd", "004_f42307a9e4e55ef1",
    ]
    assert all(d.format == "txt" for d in docs)
    assert docs[0].title is None  # "From the Guidelines": its first section's heading
    assert docs[3].title is not None and docs[3].title.startswith("Лечение алопеции")
    assert docs[3].title.endswith("дупилумаба")
    assert "Aldara" in docs[0].text


def test_txt_doc_ids_relative_to_root_and_hidden_skipped(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("\n\n  Title A  \nbody", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("# B\ntext", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("secret", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("secret", encoding="utf-8")
    docs, errs = run(tmp_path)
    assert errs == []
    assert [d.doc_id for d in docs] == ["a", "sub/b"]
    assert docs[0].title == "Title A"
    single, _ = run(tmp_path / "sub" / "b.md")
    assert single[0].doc_id == "b"
    # a hidden file or folder named as an input is read: only names found inside are skipped
    named, errs = run(tmp_path / ".hidden.txt", tmp_path / ".git")
    assert errs == [] and [d.text for d in named] == ["secret", "secret"]


def test_bom_dropped_and_nfc(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "Cafe\u0301 title\nbody".encode())
    docs, _ = run(p)
    assert docs[0].text == "Caf\u00e9 title\nbody"
    assert docs[0].title == "Caf\u00e9 title"


def test_pubtator_content_in_txt_file_is_sniffed(tmp_path: Path) -> None:
    p = tmp_path / "corpus.PubTator.txt"
    p.write_bytes((DATA / "sample.pubtator").read_bytes())
    assert detect_format(p) == "pubtator"


# ----------------------------------------------------------------------------- jsonl


def test_jsonl_reader() -> None:
    docs, errs = run(DATA / "sample.jsonl")
    assert errs == []
    assert [d.doc_id for d in docs] == ["doc-1", "42", "sample:3"]
    assert docs[0].title == "Fingolimod in relapsing multiple sclerosis"
    assert docs[0].meta == {"year": 2010, "journal": "N Engl J Med"}
    assert docs[1].meta == {"tags": ["ms", "oral"]}
    assert docs[2].location == "line 3"


def test_jsonl_id_that_is_no_string_or_number_costs_its_line_only(tmp_path: Path) -> None:
    """An id that is a JSON boolean, array or object is no id (it used to become "True" or
    "['x']"): a bad_id row for its line, the neighbours kept."""
    p = tmp_path / "ids.jsonl"
    p.write_text(
        '{"id": "a", "text": "first"}\n'
        '{"id": true, "text": "boolean id"}\n'
        '{"id": ["x"], "text": "array id"}\n'
        '{"id": {"pmid": 1}, "text": "object id"}\n'
        '{"id": 12345, "text": "a number is an id"}\n',
        encoding="utf-8",
    )
    docs, errs = run(p)
    assert [d.doc_id for d in docs] == ["a", "12345"]
    assert kinds(errs) == ["bad_id", "bad_id", "bad_id"]
    assert [e.location for e in errs] == ["line 2", "line 3", "line 4"]
    assert "JSON boolean" in errs[0].message and "JSON array" in errs[1].message


def test_jsonl_id_or_title_no_string_can_stand_for_costs_its_line_only(tmp_path: Path) -> None:
    """An id that is NaN or infinite (two NaN ids would become the same "nan") and a title that
    is a JSON array, object or boolean (it became "['a']"): a bad_id or bad_title row for the
    line, the neighbours kept; a number is still an id and a title."""
    p = tmp_path / "ids.jsonl"
    p.write_text(
        '{"id": "a", "text": "first"}\n'
        '{"id": NaN, "text": "NaN id"}\n'
        '{"id": 1e400, "text": "an id too large for a float"}\n'
        '{"id": "b", "title": ["a"], "text": "array title"}\n'
        '{"id": "c", "title": {"t": 1}, "text": "object title"}\n'
        '{"id": "d", "title": false, "text": "boolean title"}\n'
        '{"id": 7, "title": 1984, "text": "numbers are an id and a title"}\n',
        encoding="utf-8",
    )
    docs, errs = run(p)
    assert [(d.doc_id, d.title) for d in docs] == [("a", None), ("7", "1984")]
    assert kinds(errs) == ["bad_id", "bad_id", "bad_title", "bad_title", "bad_title"]
    assert [e.location for e in errs] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert "nan" in errs[0].message and "not finite" in errs[1].message
    assert "JSON array" in errs[2].message and [e.doc_id for e in errs[2:]] == ["b", "c", "d"]


def test_jsonl_nan_and_infinity_in_meta_are_written_as_null(tmp_path: Path) -> None:
    """Python's json reads NaN and Infinity, which JSON has not: `meta` holds null instead, so
    that `documents.meta` stays strict JSON (DuckDB's json functions read it)."""
    import duckdb

    p = tmp_path / "nan.jsonl"
    p.write_text('{"id": "a", "text": "Some text.", "score": NaN, "hi": Infinity, "n": 2}\n',
                 encoding="utf-8")
    docs, errs = run(p)
    assert errs == [] and len(docs) == 1
    meta = document_row(docs[0])["meta"]
    assert json.loads(meta) == {"score": None, "hi": None, "n": 2}
    assert duckdb.sql(f"SELECT json_extract({meta!r}, '$.n')").fetchall() == [("2",)]


def test_jsonl_custom_fields(tmp_path: Path) -> None:
    p = tmp_path / "c.ndjson"
    p.write_text(json.dumps({"pmid": "7", "body": "Some text.", "headline": "H", "x": 1}) + "\n")
    docs, errs = run(p, id_field="pmid", text_field="body", title_field="headline")
    assert errs == []
    assert (docs[0].doc_id, docs[0].text, docs[0].title, docs[0].meta) == ("7", "Some text.",
                                                                           "H", {"x": 1})


def test_jsonl_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_bytes(
        b'{"id": "ok1", "text": "fine"}\n'
        b'{"id": "broken", "text": "no end\n'
        b'{"id": "notext"}\n'
        b'[1, 2]\n'
        b'{"id": "latin", "text": "caf\xe9"}\n'
        b'\n'
        b'{"id": "ok2", "text": "also fine"}\n'
    )
    docs, errs = run(p)
    assert [d.doc_id for d in docs] == ["ok1", "ok2"]
    assert kinds(errs) == ["bad_json", "missing_text", "bad_json", "not_utf8"]
    assert [e.location for e in errs][:3] == ["line 2", "line 3", "line 4"]
    assert errs[1].doc_id == "notext"
    assert errs[3].location is not None and errs[3].location.startswith("line 5")
    assert all(e.source == str(p) and e.stage == "ingest" for e in errs)


# ----------------------------------------------------------------------------- pubtator


def test_pubtator_reader_and_offsets() -> None:
    docs, errs = run(DATA / "sample.pubtator")
    assert errs == []
    assert [d.doc_id for d in docs] == ["227508", "31567890"]
    d = docs[0]
    assert d.title == "Naloxone reverses the antihypertensive effect of clonidine."
    assert d.text.startswith(d.title + "\nIn unanesthetized")
    assert d.meta is not None
    anns = d.meta["annotations"]
    assert len(anns) == 9
    assert d.meta["relations"] == [{"type": "CID", "args": ["D008750", "D007022"]}]
    for doc in docs:
        assert doc.meta is not None
        for a in doc.meta["annotations"]:
            assert doc.text[a["start"]:a["end"]] == a["text"]
    assert {"start": 306, "end": 322, "text": "alpha-methyldopa", "type": "Chemical",
            "id": "D008750"} in anns


def test_pubtator_title_only_and_bad_offsets(tmp_path: Path) -> None:
    p = tmp_path / "x.pubtator"
    p.write_text(
        "1|t|Only a title here\n1\t0\t4\tOnly\tX\tid1\n\n"
        "2|t|Title two\n2|a|Abstract two.\n2\t0\t5\tWrong\tX\t\n2\t0\t5\tTitle\tX\t\n\n"
        "3|t|\n3|a|\n\n",
        encoding="utf-8",
    )
    docs, errs = run(p)
    assert [d.doc_id for d in docs] == ["1", "2"]
    assert docs[0].text == "Only a title here"
    assert docs[0].meta is not None and docs[0].meta["annotations"][0]["text"] == "Only"
    assert kinds(errs) == ["no_abstract", "bad_offsets", "empty_record"]
    assert errs[0].doc_id == "1" and "kept" in errs[0].message
    assert docs[1].meta is not None
    assert docs[1].meta["annotations"] == [{"start": 0, "end": 5, "text": "Title", "type": "X",
                                            "id": None}]


def test_pubtator_damaged_mention_lines_are_error_rows_not_relations(tmp_path: Path) -> None:
    """A mention line whose start or end is not a whole number, is negative, or is cut short
    to three fields was stored as a relation of type "x" / "-5" / "34", with no error row: now
    each is a row naming its line and costs only that line; BC5CDR's relation lines (four
    fields, a word as the type) are still relations."""
    lines = [
        "7|t|Lithium toxicity.",
        "7|a|Lithium caused fever.",
        "7\t0\t7\tLithium\tChemical\tD008094",      # line 3: kept
        "7\tx\t16\ttoxicity\tDisease\tD064420",     # line 4: start not a number
        "7\t8\tabc\ttoxicity\tDisease\tD064420",    # line 5: end not a number
        "7\t-5\t16\ttoxicity\tDisease\tD064420",    # line 6: negative start
        "7\t16\t8\ttoxicity\tDisease\tD064420",     # line 7: end before start
        "7\t34\t40",                                  # line 8: three fields
        "7\t34\t40\tfever",                           # line 9: four fields, a number as type
        "7\t1_0\t16\ttoxicity\tDisease\tD064420",   # line 10: int() reads it, not an offset
        "7\t8\t16\ttoxicity\tDisease\tD064420",     # line 11: kept
        "7\tCID\tD008094\tD064420",                   # line 12: a relation
        "7\tAssociation\tD008094\tD064420\tNovel",    # line 13: BioRED's, five fields
        "7\tCID\tD008094\tD064420\t",                 # line 14: a trailing tab
        "",
        "8|t|Second record.",
        "8|a|Unharmed.",
        "",
    ]
    p = tmp_path / "damaged.pubtator"
    p.write_text("\n".join(lines), encoding="utf-8")
    docs, errs = run(p)
    assert [d.doc_id for d in docs] == ["7", "8"]
    meta = docs[0].meta
    assert meta is not None
    assert [(a["start"], a["text"]) for a in meta["annotations"]] == [(0, "Lithium"),
                                                                      (8, "toxicity")]
    assert meta["relations"] == [
        {"type": "CID", "args": ["D008094", "D064420"]},
        {"type": "Association", "args": ["D008094", "D064420", "Novel"]},
        {"type": "CID", "args": ["D008094", "D064420"]}]
    got = sorted((int(str(e.location).split()[1]), e.error) for e in errs)
    assert got == [(4, "bad_offsets"), (5, "bad_offsets"), (6, "bad_offsets"),
                   (7, "bad_offsets"), (8, "bad_line"), (9, "bad_line"), (10, "bad_offsets")]
    assert all(e.source == str(p) and e.doc_id == "7" for e in errs)
    by_line = {e.location: e.message for e in errs}
    assert "'x'-'16' are not whole numbers" in by_line["line 4"]
    assert "-5-16: the start must be 0 or more" in by_line["line 6"]
    assert "3 tab-separated fields" in by_line["line 8"]


def test_pubtator_without_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "y.pubtator"
    p.write_text("1|t|A\n1|a|B\n2|t|C\n2|a|D\n", encoding="utf-8")
    docs, errs = run(p)
    assert errs == []
    assert [(d.doc_id, d.text) for d in docs] == [("1", "A\nB"), ("2", "C\nD")]


# ----------------------------------------------------------------------------- pubmed


def _check_pubmed(docs: list[Document]) -> None:
    assert [d.doc_id for d in docs] == ["90000001", "90000002"]
    d = docs[0]
    assert d.format == "pubmed"
    assert d.title == ("Dupilumab-induced hair regrowth in IL-4Rα-dependent alopecia areata: "
                       "a case series.")
    lines = d.text.split("\n")
    assert lines[0] == d.title
    assert lines[1].startswith("BACKGROUND: Alopecia areata (AA)")
    assert lines[2].startswith("METHODS: ") and "kU/m2." in lines[2]
    assert lines[3] == "RESULTS: Four of six patients (67%) showed hair regrowth at week 24 " \
                       "(P = 0.03)."
    assert lines[4].startswith("CONCLUSIONS: ")
    m = d.meta
    assert m is not None
    assert m["journal"] == "Experimental dermatology" and m["journal_iso"] == "Exp Dermatol"
    assert m["year"] == 2021 and m["doi"] == "10.1111/exd.99999"
    assert m["mesh"][0] == {"ui": "D000506", "name": "Alopecia Areata", "major": False,
                            "qualifiers": [{"ui": "Q000188", "name": "drug therapy",
                                            "major": True}]}
    assert [s["label"] for s in m["abstract_sections"]] == ["BACKGROUND", "METHODS", "RESULTS",
                                                             "CONCLUSIONS"]
    for s in m["abstract_sections"]:
        assert d.text[s["start"]:s["end"]].startswith(s["label"] + ": ")
    d2 = docs[1]
    assert d2.meta is not None
    assert d2.meta["year"] == 1998 and d2.meta["doi"] is None and d2.meta["pmc"] == "PMC1234567"
    assert d2.text.split("\n")[1].startswith("Thalidomide 100 mg/day")


def test_pubmed_reader() -> None:
    docs, errs = run(DATA / "pubmed_sample.xml")
    assert errs == []
    _check_pubmed(docs)


def test_pubmed_gz() -> None:
    assert detect_format(DATA / "pubmed_sample.xml.gz") == "pubmed"
    docs, errs = run(DATA / "pubmed_sample.xml.gz")
    assert errs == []
    _check_pubmed(docs)


def test_truncated_xml_keeps_what_was_read() -> None:
    docs, errs = run(DATA / "pubmed_truncated.xml")
    assert [d.doc_id for d in docs] == ["90000001"]
    assert kinds(errs) == ["truncated_xml"]
    assert errs[0].location is not None and "record 2" in errs[0].location
    assert "line" in errs[0].location


def test_truncated_gzip(tmp_path: Path) -> None:
    data = (DATA / "pubmed_sample.xml.gz").read_bytes()
    p = tmp_path / "cut.xml.gz"
    p.write_bytes(data[: len(data) - 200])
    docs, errs = run(p)
    assert [d.doc_id for d in docs] == ["90000001"]
    assert kinds(errs) == ["truncated_gzip"] and errs[0].location == "line 54, record 2"
    j = tmp_path / "cut.jsonl.gz"
    j.write_bytes(gzip.compress(b"".join(
        json.dumps({"id": i, "text": "x" * 50}).encode() + b"\n" for i in range(200)))[:-300])
    docs, errs = run(j)
    assert 0 < len(docs) < 200 and kinds(errs) == ["truncated_gzip"]


def test_truncated_bioc_and_damaged_xml(tmp_path: Path) -> None:
    b = (DATA / "sample_bioc.xml").read_bytes()
    cut = tmp_path / "cut_bioc.xml"
    cut.write_bytes(b[: b.index(b"<id>80000002") + 20])
    docs, errs = run(cut)
    assert [d.doc_id for d in docs] == ["80000001"] and kinds(errs) == ["truncated_xml"]
    bad = tmp_path / "mid.xml"
    bad.write_text((DATA / "pubmed_sample.xml").read_text(encoding="utf-8").replace(
        "</Abstract>\n            <Language>eng", "</Abstrct>\n            <Language>eng"),
        encoding="utf-8")
    docs, errs = run(bad)
    assert [d.doc_id for d in docs] == ["90000001"] and kinds(errs) == ["bad_xml"]
    assert errs[0].location is not None and errs[0].location.startswith("line 68")
    prose = tmp_path / "prose.txt"
    prose.write_text("plain prose\n", encoding="utf-8")
    assert kinds(run(prose, fmt="pubmed")[1]) == ["bad_xml"]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "bomb.xml"
    p.write_bytes(BOMB)
    docs, errs = run(p)
    assert docs == []
    assert kinds(errs) == ["unsafe_xml"]
    p2 = tmp_path / "bomb_bioc.xml"
    p2.write_bytes(BOMB.replace(b"PubmedArticleSet", b"collection"))
    docs, errs = run(p2)
    assert docs == [] and kinds(errs) == ["unsafe_xml"]


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    p = tmp_path / "xxe.xml"
    p.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE collection [<!ENTITY xxe SYSTEM "'
        + secret.as_uri().encode()
        + b'">]>\n<collection><source>x</source><document><id>1</id><passage><offset>0</offset>'
        b"<text>&xxe;</text></passage></document></collection>\n"
    )
    docs, errs = run(p)
    assert docs == []
    assert kinds(errs) == ["unsafe_xml"]
    assert "TOP-SECRET" not in errs[0].message


# ----------------------------------------------------------------------------- bioc


def _assert_annotations_valid(doc: Document) -> None:
    assert doc.meta is not None
    for a in doc.meta["annotations"]:
        assert doc.text[a["start"]:a["end"]] == a["text"], a


def test_bioc_xml() -> None:
    docs, errs = run(DATA / "sample_bioc.xml")
    assert errs == []
    assert [d.doc_id for d in docs] == ["80000001", "80000002"]
    d = docs[0]
    assert d.format == "bioc"
    assert d.title == "Mycophenolate mofetil in dermatomyositis."
    assert d.text == ("Mycophenolate mofetil in dermatomyositis.\nMycophenolate mofetil allowed "
                      "steroid tapering in 10 patients with dermatomyositis; rituximab was "
                      "added in 2.")
    assert d.meta is not None and len(d.meta["annotations"]) == 4
    assert d.meta["annotations"][0]["id"] == "MESH:D009173"
    _assert_annotations_valid(d)
    d2 = docs[1]
    assert d2.title == "Lenalidomide for refractory cutaneous lupus"
    assert d2.text.split("\n")[1].startswith("Results: lenalidomide")  # gap padded with spaces
    _assert_annotations_valid(d2)
    assert d2.meta is not None and [p["type"] for p in d2.meta["passages"]] == ["front",
                                                                               "abstract"]


def test_bioc_json_pubtator3_export() -> None:
    docs, errs = run(DATA / "pubtator3_export.json")
    assert errs == []
    assert [d.doc_id for d in docs] == ["70000001"]
    d = docs[0]
    assert d.title == "Tofacitinib for alopecia areata: IL-15 and JAK signalling."
    assert d.text.startswith(d.title + "\nTofacitinib, a JAK inhibitor")
    assert d.meta is not None
    assert d.meta["journal"] == "JAAD Case Rep" and d.meta["year"] == 2022
    assert len(d.meta["annotations"]) == 6
    assert {a["type"] for a in d.meta["annotations"]} == {"Chemical", "Disease", "Gene"}
    assert d.meta["relations"][0]["infons"]["type"] == "Treat"
    _assert_annotations_valid(d)


def test_bioc_json_lines_and_overlapping_offsets(tmp_path: Path) -> None:
    doc = json.loads((DATA / "pubtator3_export.json").read_text())["PubTator3"][0]
    other = json.loads(json.dumps(doc))
    other["id"] = "70000002"
    for p in other["passages"]:  # offsets all zero: passages get rebased, annotations shifted
        for a in p["annotations"]:
            for loc in a["locations"]:
                loc["offset"] -= p["offset"]
        p["offset"] = 0
    p = tmp_path / "export.jsonl"
    p.write_text(json.dumps(doc) + "\n" + json.dumps(other) + "\n", encoding="utf-8")
    assert detect_format(p) == "bioc"
    docs, errs = run(p)
    assert [d.doc_id for d in docs] == ["70000001", "70000002"]
    assert docs[0].text == docs[1].text
    assert kinds(errs) == ["passage_offsets"]
    _assert_annotations_valid(docs[1])


def test_bioc_annotations_placed_after_nfc_and_across_locations(tmp_path: Path) -> None:
    """Offsets of a passage NFC shortens are remapped; a two-location annotation keeps both
    places; an annotation whose text is not at its offsets costs only itself."""

    def ann(i: int, locs: list[tuple[int, int]], text: str) -> dict[str, Any]:
        return {"id": str(i), "infons": {"type": "Chemical", "identifier": f"MESH:D00000{i}"},
                "text": text, "locations": [{"offset": o, "length": n} for o, n in locs]}

    title = "Cafe\u0301 aspirin and heparin"  # "é" written as e + combining accent
    abstract = "Aspirin reduced pain."
    doc = {"id": "1", "passages": [
        {"offset": 0, "infons": {"type": "title"}, "text": title,
         "annotations": [ann(1, [(6, 7)], "aspirin"), ann(2, [(6, 3), (18, 3)], "asp hep")]},
        {"offset": 40, "infons": {"type": "abstract"}, "text": abstract,
         "annotations": [ann(3, [(40, 7)], "Aspirin"), ann(4, [(48, 6)], "lowered")]},
    ]}  # fmt: skip
    path = tmp_path / "nfc.json"
    path.write_text(json.dumps({"source": "test", "documents": [doc]}), encoding="utf-8")
    docs, errs = run(path)
    assert [(e.error, e.doc_id) for e in errs] == [("bad_offsets", "1")]
    assert "'lowered'" in errs[0].message
    (d,) = docs
    assert d.title == "Café aspirin and heparin"
    assert d.text == d.title + " " * 15 + "\n" + abstract  # the abstract at its offset, 40
    assert d.meta is not None
    anns = d.meta["annotations"]
    assert [(a["text"], d.text[a["start"]:a["end"]]) for a in anns if "locations" not in a] == [
        ("aspirin", "aspirin"), ("Aspirin", "Aspirin")]
    (two,) = [a for a in anns if "locations" in a]
    assert [d.text[s:e] for s, e in two["locations"]] == ["asp", "hep"]
    assert (two["start"], two["end"]) == (two["locations"][0][0], two["locations"][1][1])


# ----------------------------------------------------------------------------- bad input


def test_bad_files(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "c_latin1.txt").write_bytes("Caf\u00e9 r\u00e9sum\u00e9".encode("latin-1"))
    (tmp_path / "d_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "e_utf16.txt").write_bytes("hello".encode("utf-16"))
    (tmp_path / "f_empty.jsonl").write_bytes(b"")
    (tmp_path / "g_empty.pubtator").write_bytes(b"")
    (tmp_path / "h_empty.xml").write_bytes(b"")
    (tmp_path / "i_unknown.bin").write_bytes(b"just some bytes")
    (tmp_path / "j_good.txt").write_text("Good doc\nbody", encoding="utf-8")
    (tmp_path / "k_notbioc.json").write_text('{"a": 1}', encoding="utf-8")
    docs, errs = run(tmp_path, tmp_path / "does_not_exist.txt")
    assert [d.doc_id for d in docs] == ["j_good"]
    by_file = {Path(e.source).name: e.error for e in errs}
    assert by_file["a_empty.txt"] == "empty_file"
    assert by_file["b_blank.txt"] == "empty_file"
    assert by_file["c_latin1.txt"] == "not_utf8"
    assert by_file["d_binary.txt"] == "binary_file"
    assert by_file["e_utf16.txt"] == "not_utf8"
    assert by_file["f_empty.jsonl"] == "empty_file"
    assert by_file["g_empty.pubtator"] == "empty_file"
    assert by_file["h_empty.xml"] == "empty_file"
    assert by_file["i_unknown.bin"] == "unknown_format"
    assert by_file["k_notbioc.json"] == "missing_text"  # a JSON object is read as a JSONL line
    assert by_file["does_not_exist.txt"] == "missing_path"
    assert all(e.message and e.stage == "ingest" for e in errs)
    latin = next(e for e in errs if e.source.endswith("c_latin1.txt"))
    assert latin.location == "line 1, byte 3" and latin.doc_id == "c_latin1"


def test_utf16_and_utf32_files_are_named_by_their_encoding(tmp_path: Path) -> None:
    """A UTF-32 file with its byte-order mark was said to be UTF-16 (UTF-32 LE's mark starts
    with UTF-16 LE's), a big-endian one and a UTF-16 file without a mark were "binary_file:
    not a text file": each is text its user saved in another encoding, which the row now names
    with the conversion. A binary file with NULs stays binary."""
    import random

    text = "Patients with cutaneous lupus received lenalidomide.\nAll improved.\n"
    files = {
        "utf32le.txt": text.encode("utf-32"),  # with its mark (little-endian here)
        "utf32be.txt": b"\x00\x00\xfe\xff" + text.encode("utf-32-be"),
        "utf16le_nobom.txt": text.encode("utf-16-le"),
        "utf16be_nobom.txt": text.encode("utf-16-be"),
        "utf16le_nobom.jsonl": '{"id": "a", "text": "x"}\n'.encode("utf-16-le"),
        "utf16.txt": text.encode("utf-16"),
        "random.txt": random.Random(3).randbytes(4000),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    docs, errs = run(*(tmp_path / name for name in files))
    assert not docs
    rows = {Path(e.source).name: (e.error, e.message) for e in errs}
    assert rows["utf32le.txt"][0] == rows["utf32be.txt"][0] == "not_utf8"
    assert "UTF-32" in rows["utf32le.txt"][1] and "UTF-32" in rows["utf32be.txt"][1]
    for name in ("utf16le_nobom.txt", "utf16be_nobom.txt", "utf16le_nobom.jsonl", "utf16.txt"):
        assert rows[name][0] == "not_utf8" and "UTF-16" in rows[name][1], rows[name]
    # iconv reads UTF-16 without a mark in the machine's byte order: the row names it
    assert "iconv -f UTF-16LE " in rows["utf16le_nobom.txt"][1]
    assert "iconv -f UTF-16BE " in rows["utf16be_nobom.txt"][1]
    assert rows["random.txt"][0] == "binary_file"


def test_pdf_and_office_files_say_how_to_get_their_text(tmp_path: Path) -> None:
    """A folder of papers holds PDFs and word-processor files: a .docx was "a zip archive ...
    decompress it first" (unzipped it is XML, not the text) and a PDF "contains NUL bytes; not
    a text file" (or, without a NUL in its head, its bytes were read as a document's text).
    Each is one binary_file row saying how to get its text."""
    import zipfile

    pdf = tmp_path / "paper.pdf"  # a PDF whose head holds no NUL
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                    + b"% Aspirin for headache\n" * 400)
    named = tmp_path / "paper.txt"
    named.write_bytes(pdf.read_bytes())
    for name, inner in (("paper.docx", "word/document.xml"), ("sheet.xlsx", "xl/workbook.xml"),
                        ("paper.odt", "content.xml")):
        with zipfile.ZipFile(tmp_path / name, "w") as z:
            z.writestr("mimetype" if name.endswith(".odt") else "[Content_Types].xml",
                       "application/vnd.oasis.opendocument.text" if name.endswith(".odt")
                       else "<Types/>")
            z.writestr(inner, "<doc>Aspirin</doc>")
    with zipfile.ZipFile(tmp_path / "corpus.zip", "w") as z:
        z.writestr("a.txt", "Aspirin for headache.")
    docs, errs = run(tmp_path)
    assert not docs
    rows = {Path(e.source).name: (e.error, e.message) for e in errs}
    assert set(rows) == {"paper.pdf", "paper.txt", "paper.docx", "sheet.xlsx", "paper.odt",
                         "corpus.zip"}
    assert all(error == "binary_file" for error, _ in rows.values())
    for name in ("paper.pdf", "paper.txt"):
        assert "is a PDF" in rows[name][1] and "pdftotext" in rows[name][1], rows[name]
    for name in ("paper.docx", "sheet.xlsx", "paper.odt"):
        assert "Office or OpenDocument" in rows[name][1], rows[name]
        assert "decompress" not in rows[name][1] and "plain text" in rows[name][1]
    assert "a zip archive" in rows["corpus.zip"][1] and "decompress" in rows["corpus.zip"][1]


def test_forced_format_and_unknown_format_name(tmp_path: Path) -> None:
    p = tmp_path / "data.dat"
    p.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    docs, _ = run(p, fmt="jsonl")
    assert [d.format for d in docs] == ["jsonl"]
    docs, _ = run(p, fmt="txt")
    assert [d.format for d in docs] == ["txt"]
    with pytest.raises(ValueError, match="unknown format"):
        list(ingest([p], fmt="csv"))


def test_an_unknown_file_says_to_use_format(tmp_path: Path) -> None:
    other = tmp_path / "notes.dat"
    other.write_text("\x01\x02 plain words here\n", encoding="utf-8")
    _, errs = run(other)
    assert [e.error for e in errs] == ["unknown_format"] and "--format" in errs[0].message
    assert "json" in errs[0].message  # the formats it names are the readers'


def test_html_and_rtf_files_say_how_to_get_their_text(tmp_path: Path) -> None:
    """An RTF document ("{\\rtf1 ...") was read as JSON Lines, its one row "malformed JSON:
    Expecting property name enclosed in double quotes", and a saved web page was "cannot tell
    the format": each now says what it is and how to get plain text from it. A JSON object
    under another name is still read as JSON Lines."""
    (tmp_path / "note.rtf").write_text("{\\rtf1\\ansi Aspirin for headache.}\n",
                                       encoding="utf-8")
    (tmp_path / "page.html").write_text(
        "<!DOCTYPE html>\n<html><body><p>Aspirin for headache.</p></body></html>\n",
        encoding="utf-8")
    (tmp_path / "page.htm").write_text("<HTML><BODY>Aspirin.</BODY></HTML>\n", encoding="utf-8")
    (tmp_path / "doc.data").write_text('{ "id": "a", "text": "Aspirin for headache."}\n',
                                       encoding="utf-8")
    docs, errs = run(tmp_path)
    assert [d.doc_id for d in docs] == ["a"]
    rows = {Path(e.source).name: (e.error, e.message) for e in errs}
    assert rows["note.rtf"][0] == "unknown_format" and "RTF document" in rows["note.rtf"][1]
    for name in ("page.html", "page.htm"):
        assert rows[name][0] == "unknown_format" and "HTML page" in rows[name][1], rows[name]
        assert "plain text" in rows[name][1]


JATS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS '
        b'(Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN" '
        b'"JATS-archivearticle1-3.dtd">\n<article article-type="research-article"><front>'
        b'<article-meta><article-id pub-id-type="pmid">1</article-id><title-group>'
        b"<article-title>Aspirin</article-title></title-group></article-meta></front><body>"
        b"<sec><p>Aspirin for headache.</p></sec></body></article>\n")


@pytest.mark.parametrize("fmt", [None, "pubmed", "bioc"])
def test_a_jats_article_says_it_is_not_read_and_how_to_get_its_text(
        tmp_path: Path, fmt: str | None) -> None:
    """PMC's full text (JATS, an <article> root) was "cannot tell the format" and, with
    --format pubmed or bioc, "unexpected root element <article> for this format": neither
    said what the file is or what to do. Each row now names JATS and the BioC version."""
    (tmp_path / "PMC1.nxml").write_bytes(JATS)
    no_doctype = b"\n".join(ln for ln in JATS.split(b"\n") if not ln.startswith(b"<!DOCTYPE"))
    (tmp_path / "PMC2.xml").write_bytes(no_doctype)
    docs, errs = run(tmp_path, fmt=fmt)
    assert docs == [] and len(errs) == 2
    for e in errs:
        assert e.error == ("unknown_format" if fmt is None else "bad_xml"), e
        assert "JATS article (PMC full text)" in e.message and "--format bioc" in e.message


def test_a_csv_of_documents_says_how_to_read_it(tmp_path: Path) -> None:
    """A CSV or TSV file of documents got "use --format (txt, jsonl, ...)", which no format
    satisfies (txt reads the whole table as one document): the row says how to make it JSON
    Lines, with DuckDB, which biotab installs; the command given works."""
    import shlex
    import subprocess
    import sys

    table = tmp_path / "abstracts.csv"
    table.write_text('id,text\n1,"Trial of imiquimod."\n2,"Aspirin, daily."\n', encoding="utf-8")
    _, errs = run(table)
    assert [e.error for e in errs] == ["unknown_format"]
    message = errs[0].message
    assert "CSV" in message and "JSON Lines" in message and "duckdb" in message
    command = message[message.index("python -c"):].replace("FILE", str(tmp_path / "abstracts"))
    subprocess.run([sys.executable, *shlex.split(command)[1:]], check=True, cwd=tmp_path)
    docs, errs = run(tmp_path / "abstracts.jsonl")
    assert [(d.doc_id, d.text) for d in docs] == [("1", "Trial of imiquimod."),
                                                  ("2", "Aspirin, daily.")] and not errs


def test_an_iob_token_file_is_named_as_such_not_as_a_table(tmp_path: Path) -> None:
    """BC5CDR's `devel.tsv` (IOB2: a token and its tag a line) beside its `devel.pubtator`
    got the TSV table's hint, converting it with DuckDB: one document per token."""
    iob = tmp_path / "devel.tsv"
    iob.write_text("Naloxone\tB-Chemical\nreverses\tO\nthe\tO\nhypertension\tB-Disease\n"
                   ".\tO\n\nIt\tO\nworks\tO\n", encoding="utf-8")
    _, errs = run(iob)
    assert [e.error for e in errs] == ["unknown_format"]
    assert "IOB2" in errs[0].message and "biotab evaluate" in errs[0].message
    assert "duckdb" not in errs[0].message
    table = tmp_path / "notes.tsv"  # a table of two columns is still a table
    table.write_text("id\ttext\n1\tTrial of imiquimod.\n2\tOf 40 patients, 12 died.\n",
                     encoding="utf-8")
    assert "TSV table" in run(table)[1][0].message


def test_a_documents_list_of_id_and_text_says_how_to_read_it(tmp_path: Path) -> None:
    """`{"documents": [{"id": ..., "text": ...}]}` is read as a BioC collection (its
    "documents" key): each document's row said "BioC document a has no passage text", not
    that its text field is no BioC passage nor how to read the file."""
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"documents": [{"id": "a", "text": "Trial of imiquimod."}]}),
                 encoding="utf-8")
    _, errs = run(p)
    assert [(e.error, e.doc_id) for e in errs] == [("empty_document", "a")]
    assert "'text' field" in errs[0].message and "jq -c '.documents[]'" in errs[0].message


def test_wrong_forced_format_gives_error_rows(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("plain prose\n", encoding="utf-8")
    expected = {"pubmed": ["bad_xml"], "bioc": ["bad_json"], "pubtator": ["bad_line", "no_records"],
                "jsonl": ["bad_json"]}  # the kind a reader of that format names, not a crash
    for fmt, kinds in expected.items():
        docs, errs = run(p, fmt=fmt)
        assert docs == [] and [e.error for e in errs] == kinds, fmt
        assert errs[0].location == "line 1", fmt


def test_unreadable_file() -> None:
    folder = world_readable_dir()
    try:
        p = folder / "locked.txt"
        p.write_text("x", encoding="utf-8")
        p.chmod(0)
        run(folder / "missing.txt")  # the readers' lazy imports, before dropping privileges
        docs, errs = as_unprivileged(lambda: run(p))
    finally:
        shutil.rmtree(folder)
    assert docs == [] and kinds(errs) == ["unreadable"]


def test_duplicate_ids(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_text('{"id": "x", "text": "first"}\n{"id": "x", "text": "second"}\n',
                 encoding="utf-8")
    docs, errs = run(p)
    assert [d.text for d in docs] == ["first"]
    assert kinds(errs) == ["duplicate_id"] and errs[0].location == "line 2"
    assert f"({p}, line 1)" in errs[0].message  # where the kept copy is
    docs, errs = run(p, dedupe=False)
    assert len(docs) == 2 and errs == []


def test_duplicate_ids_across_files_name_the_first_copy(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    a, b, c = docs / "a.txt", docs / "b.jsonl", docs / "c.txt"
    a.write_text("Alpha\nbody", encoding="utf-8")
    b.write_text("".join(json.dumps({"id": i, "text": f"text {n}"}) + "\n"
                         for n, i in enumerate(["a", "z", "z", "c", "z"])), encoding="utf-8")
    c.write_text("Gamma\nbody", encoding="utf-8")
    found, errs = run(docs)
    assert [(d.doc_id, d.source, d.location) for d in found] == [
        ("a", str(a), None), ("z", str(b), "line 2"), ("c", str(b), "line 4")]

    def later(doc_id: str, kept: str) -> str:
        return (f"doc_id {doc_id!r} was already produced earlier in this run ({kept}); this "
                "later document was dropped")

    def other(doc_id: str, kept: str) -> str:  # (worded as a run words it)
        return (f"doc_id {doc_id!r} was already produced by an earlier input ({kept}); this "
                "copy was dropped")

    # every later copy names the first copy (a txt file: its path alone), not the one before
    assert [(e.source, e.location, e.doc_id, e.stage, e.error, e.message) for e in errs] == [
        (str(b), "line 1", "a", "ingest", "duplicate_id", other("a", str(a))),
        (str(b), "line 3", "z", "ingest", "duplicate_id", later("z", f"{b}, line 2")),
        (str(b), "line 5", "z", "ingest", "duplicate_id", later("z", f"{b}, line 2")),
        (str(c), None, "c", "ingest", "duplicate_id", other("c", f"{b}, line 4"))]


# ----------------------------------------------------------------------------- shards


def test_shards_cover_every_record_once(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": f"text {i}"}) for i in range(25)]
    lines[7] = "{broken"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gz = tmp_path / "big2.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps({"id": f"g{i}", "text": "t"}) for i in range(9)))
    inputs = [tmp_path, DATA / "pubmed_sample.xml", DATA / "sample.pubtator", SEEDS]
    shards = list_shards(inputs, block_size=10)
    assert [s.start_record for s in shards if s.path == str(big)] == [0, 10, 20]
    assert len([s for s in shards if s.path == str(gz)]) == 1
    ids = [s.shard_id for s in shards]
    assert len(set(ids)) == len(ids)
    assert ids == [s.shard_id for s in list_shards(inputs, block_size=10)]
    sharded = [rec for s in shards for rec in read_shard(s)]
    whole = list(ingest(inputs, dedupe=False))
    assert sharded == whole
    assert sum(1 for r in sharded if isinstance(r, Document)) == 24 + 9 + 2 + 2 + 5
    assert [e.location for e in sharded if isinstance(e, ErrorRecord)] == ["line 8"]


def test_block_shards_on_pubtator_and_xml() -> None:
    for path in (DATA / "sample.pubtator", DATA / "pubmed_sample.xml",
                 DATA / "sample_bioc.xml"):
        fmt = detect_format(path)
        assert fmt is not None
        parts = [Shard(str(path), fmt, i, 1) for i in range(3)]
        got = [r.doc_id for s in parts for r in read_shard(s) if isinstance(r, Document)]
        assert got == [r.doc_id for r in ingest([path]) if isinstance(r, Document)]


def test_shard_for_missing_path() -> None:
    (shard,) = list_shards(["/no/such/file.txt"])
    assert shard.fmt == "missing"
    assert [r.error for r in read_shard(shard) if isinstance(r, ErrorRecord)] == ["missing_path"]


# ----------------------------------------------------------------------------- schemas


def test_rows_match_schemas() -> None:
    docs, _ = run(SEEDS, DATA / "sample.jsonl", DATA / "pubmed_sample.xml")
    rows = [document_row(d, 3, "en") for d in docs]
    table = pa.Table.from_pylist(rows, schema=DOCUMENTS_SCHEMA)
    assert table.num_rows == len(docs)
    assert table.column("n_chars").to_pylist()[0] == len(docs[0].text)
    assert rows[0]["meta"] is None
    assert json.loads(rows[-2]["meta"])["doi"] == "10.1111/exd.99999"
    assert rows[0]["sha256"] == hashlib.sha256(docs[0].text.encode()).hexdigest()
    _, errs = run("/no/such/path")
    et = pa.Table.from_pylist([error_row(e) for e in errs], schema=ERRORS_SCHEMA)
    assert et.column("error").to_pylist() == ["missing_path"]
    for schema in (DOCUMENTS_SCHEMA, ERRORS_SCHEMA):
        for f in schema:
            assert f.metadata and b"description" in f.metadata and b"example" in f.metadata
    assert list(DOCUMENTS_SCHEMA.names) == ["doc_id", "source", "format", "location", "title",
                                            "text", "n_chars", "n_sentences", "sha256", "meta",
                                            "language", "study_design", "study_design_cue"]
    # where each document was read: a whole txt file has none, a JSONL record its line
    assert rows[0]["location"] is None and docs[0].format == "txt"
    jsonl = [r["location"] for r in rows if r["format"] == "jsonl"]
    assert jsonl and jsonl[0] == "line 1"
    assert list(ERRORS_SCHEMA.names) == ["source", "location", "doc_id", "stage", "error",
                                         "message"]


def test_pubtator_record_with_an_unreadable_abstract_is_one_error(tmp_path: Path) -> None:
    p = tmp_path / "mixed.pubtator"
    p.write_bytes(
        b"100|t|Aspirin and asthma\n100|a|Aspirin was given.\n"
        b"100\t19\t26\tAspirin\tChemical\tD001241\n"
        b"\n200|t|Second title\n200|a|Bad \xff abstract\n\n"
        b"300|t|Third\n300|a|Fine abstract.\n"
    )
    docs, errs = run(p)
    assert [d.doc_id for d in docs] == ["100", "300"]  # the neighbours are whole
    assert [(e.error, e.doc_id) for e in errs] == [("not_utf8", "200"), ("bad_record", "200")]
    assert errs[0].location is not None and errs[0].location.startswith("line 6")
    # an unreadable title line of a new record finishes the previous one first
    q = tmp_path / "title.pubtator"
    q.write_bytes(b"1|t|One\n1|a|Text one.\n2|t|Bad \xfe title\n2|a|Text two.\n")
    docs, errs = run(q)
    assert [d.doc_id for d in docs] == ["1"]
    assert [(e.error, e.doc_id) for e in errs] == [("not_utf8", "2"), ("bad_record", "2")]


def test_a_bioc_collection_without_source_is_bioc(tmp_path: Path) -> None:
    """A .json BioC collection without "source" whose head holds no passage (empty, or its
    first document's infons fill the head) was read as JSONL: `{"documents": []}` gave a
    missing_text row "c:1". A JSONL file keeps its format even when its records hold a
    "documents" field, nested or beside their "text"."""
    empty = tmp_path / "empty.json"
    empty.write_text('{"documents": []}\n', encoding="utf-8")
    infons = {f"k{i}": "v" * 100 for i in range(100)}  # 10 KB before the first passage
    doc = {"id": "d1", "infons": infons,
           "passages": [{"offset": 0, "infons": {}, "text": "Aspirin helped."}]}
    long = tmp_path / "long.json"
    long.write_text(json.dumps({"date": "2024", "documents": [doc]}), encoding="utf-8")
    lines = tmp_path / "lines.json"
    lines.write_text("\n".join(json.dumps(r) for r in [
        {"id": "j1", "text": "Aspirin helped.", "documents": ["a"]},
        {"id": "j2", "meta": {"documents": []}, "text": "Heparin bled."}]) + "\n",
        encoding="utf-8")
    assert [detect_format(p) for p in (empty, long, lines)] == ["bioc", "bioc", "jsonl"]
    docs, errs = run(empty, long, lines)
    assert [(d.doc_id, d.format) for d in docs] == [
        ("d1", "bioc"), ("j1", "jsonl"), ("j2", "jsonl")]
    assert [(Path(e.source).name, e.error) for e in errs] == [("empty.json", "no_records")]
