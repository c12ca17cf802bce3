"""JSON arrays of documents (`pipeline/ingest/json_array.py`): the files pandas and APIs write,
read element by element, each bad element one error row, damage costing what follows it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import ingest_all, read_tables

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest import list_shards
from pipeline.ingest.detect import detect_format
from pipeline.ingest.json_array import read_json_array
from pipeline.run import run

RECORDS = [
    {"id": "n1", "title": "Imiquimod for lentigo maligna",
     "text": "Twelve of those patients (86%) achieved complete response to Aldara."},
    {"id": "n2", "text": "Neither polyneuropathy nor thrombosis was observed.", "year": 2019},
    {"id": 3, "text": "Dupilumab was stopped in 1 of 15 patients."},
]


def read(path: Path, **kw: int) -> tuple[list[Document], list[ErrorRecord]]:
    rows = list(read_json_array(path, str(path), **kw))  # type: ignore[arg-type]
    return ([r for r in rows if isinstance(r, Document)],
            [r for r in rows if isinstance(r, ErrorRecord)])


def test_pandas_records_are_read_with_the_line_each_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    pd.DataFrame(RECORDS).to_json(path, orient="records", indent=2)
    assert detect_format(path) == "json"
    docs, errs = read(path)
    assert errs == []
    assert [d.doc_id for d in docs] == ["n1", "n2", "3"]
    assert docs[0].title == "Imiquimod for lentigo maligna" and docs[0].format == "json"
    assert [d.meta for d in docs] == [{"year": None}, {"year": 2019.0}, {"year": None}]
    lines = path.read_text().splitlines()
    for i, doc in enumerate(docs, 1):  # the location is the line where the element's "{" is
        n = int(doc.location.split(",")[0].split()[1])  # type: ignore[union-attr]
        assert doc.location == f"line {n}, element {i}"
        assert lines[n - 1].strip() == "{"
        assert any(doc.text[:20] in line for line in lines[n : n + 6])


def test_a_bad_element_costs_that_element_only(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text('[\n{"id": "a", "text": "Rituximab was given."},\n"just a string",\n'
                    '{"id": "b"},\n{"id": [1], "text": "x"},\n{"text": "No id here."},\n'
                    '{"id": "c", "text": "Bad \\u0000 NUL"},\n{"id": "d", "text": "Last."}\n]\n')
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["a", "mixed:5", "d"]
    assert [(e.error, e.location) for e in errs] == [
        ("bad_json", "line 3, element 2"), ("missing_text", "line 4, element 3"),
        ("bad_id", "line 5, element 4"), ("binary_file", "line 7, element 6")]
    assert "element is a JSON string" in errs[0].message
    assert "element skipped" in errs[2].message


def test_rows_name_json_kinds_and_the_text_field_flag(tmp_path: Path) -> None:
    """The rows named Python's types ("a JSON list", "text field 'text' is a int"), not
    JSON's; and a document whose text is under another name (PubMed exports' "abstract") was
    "text field 'text' is missing" on every line, without the flag that names the field."""
    lines = [{"pmid": "1", "abstract": "Aspirin for headache.", "year": 2020},
             {"id": "2", "text": 5}, {"id": "3", "text": ["a", "b"]}, [1, 2], "text"]
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    _, errs = ingest_all(jsonl)
    messages = [e.message for e in errs]
    assert messages[0].startswith("text field 'text' is missing; --text-field names the "
                                  "field (this line's string fields: pmid, abstract)")
    assert messages[1] == "text field 'text' is a JSON number, not a string"
    assert messages[2] == "text field 'text' is a JSON array, not a string"
    assert messages[3].startswith("line is a JSON array, expected an object")
    assert messages[4] == "line is a JSON string, expected an object"
    array = tmp_path / "export.json"
    array.write_text(json.dumps(lines[:1]), encoding="utf-8")
    _, errs = ingest_all(array)
    assert "(this element's string fields: pmid, abstract)" in errs[0].message
    docs, errs = ingest_all(jsonl, id_field="pmid", text_field="abstract")
    assert [d.doc_id for d in docs] == ["1"]


def test_damaged_json_keeps_the_documents_before_it_and_says_what_is_lost(
        tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[\n {"id": "a", "text": "First."},\n {"id": "b", "text": "Second."},\n'
                    ' {"id": "c", "text": "Thi\n')
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["a", "b"]
    (row,) = errs  # its elements start lines: the damage is known to be in the last one
    assert row.error == "bad_json" and row.location == "line 4, element 3"
    assert row.message.endswith("the element is lost; no element starts a line of its own "
                                "after it: what follows is not read")
    path.write_text('[{"id": "a", "text": "First."},\n {"id": "b", "text": "Second."},\n'
                    ' {"id": "c", "text": "Thi\n')  # pandas' one line: elements not told apart
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["a", "b"]
    (row,) = errs
    assert row.error == "bad_json" and row.location == "line 3"
    assert "elements 1-2 were read" in row.message and "from 3 on are lost" in row.message
    missing_comma = tmp_path / "comma.json"
    missing_comma.write_text('[{"id": "a", "text": "One."}\n {"id": "b", "text": "Two."}]')
    docs, errs = read(missing_comma)  # the next element starts where the ',' should be
    assert [d.doc_id for d in docs] == ["a", "b"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 2")]
    assert "expected ',' or ']'" in errs[0].message
    assert "no element is lost" in errs[0].message
    trailing = tmp_path / "trailing.json"
    trailing.write_text('[{"id": "a", "text": "One."}]\n[{"id": "b", "text": "Two."}]\n')
    docs, errs = read(trailing)
    assert [d.doc_id for d in docs] == ["a"]
    assert "data after the end of the array" in errs[0].message and errs[0].location == "line 2"


def test_damage_after_one_element_reads_in_words(tmp_path: Path) -> None:
    """One element read before the damage was "elements 1-1 were read; the elements from 2
    on are lost"."""
    path = tmp_path / "one.json"
    path.write_text('[{"id": "a", "text": "One."},\n {"id": "b, "text": "Two."}]\n')
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["a"]
    assert "element 1 was read; the elements from 2 on are lost" in errs[0].message
    assert "1-1" not in errs[0].message
    cut = tmp_path / "cut.json.gz"
    long_text = " ".join(str(i * 7919 % 100_003) for i in range(20_000)).encode()
    cut.write_bytes(gzip.compress(b'[{"id": "a", "text": "One."},\n{"id": "b", "text": "'
                                  + long_text)[:-2000])
    docs, errs = read(cut)
    assert [d.doc_id for d in docs] == ["a"] and errs[0].error == "truncated_gzip"
    assert "element 1 was read" in errs[0].message and "1-1" not in errs[0].message


def test_data_after_a_whole_array_says_the_array_was_read(tmp_path: Path) -> None:
    """Data after an array's closing bracket (a stray line, a second array) said "elements
    1-2 were read; the elements from 3 on are lost", though the array had two elements, both
    read: what is not read is what follows it."""
    stray = tmp_path / "stray.json"
    stray.write_text('[{"id": "a", "text": "One."},\n {"id": "b", "text": "Two."}]\nEOF\n')
    docs, errs = read(stray)
    assert [d.doc_id for d in docs] == ["a", "b"]
    (row,) = errs
    assert (row.error, row.location) == ("bad_json", "line 3")
    assert "both elements of the array were read" in row.message, row.message
    assert "from line 3 on is not read" in row.message and "are lost" not in row.message
    one = tmp_path / "one.json"
    one.write_text('[{"id": "a", "text": "One."}] [{"id": "b", "text": "Two."}]')
    docs, errs = read(one)
    assert [d.doc_id for d in docs] == ["a"]
    assert "the one element of the array was read" in errs[0].message, errs[0].message


def test_empty_too_large_and_deep_arrays_are_one_row_each(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(" [ ]\n")
    assert [e.error for e in read(empty)[1]] == ["no_records"]
    big = tmp_path / "big.json"
    big.write_text(json.dumps([{"id": str(i), "text": "word " * 50} for i in range(100)]))
    docs, errs = read(big, max_record_bytes=4096)
    assert docs == [] and [e.error for e in errs] == ["record_too_large"]
    assert "jq -c '.[]'" in errs[0].message and "--max-record-mb" in errs[0].message
    deep = tmp_path / "deep.json"
    deep.write_text('[{"id": "a", "text": "Fine."}, ' + "[" * 100_000 + "]" * 100_000 + "]")
    docs, errs = read(deep)
    assert [d.doc_id for d in docs] == ["a"] and len(errs) == 1
    assert errs[0].error == "bad_json" and "nested too deep" in errs[0].message


def test_gzip_bom_and_forced_format(tmp_path: Path) -> None:
    raw = "\ufeff" + json.dumps(RECORDS)
    gz = tmp_path / "export.json.gz"
    gz.write_bytes(gzip.compress(raw.encode()))
    docs, errs = ingest_all(gz)
    assert [d.doc_id for d in docs] == ["n1", "n2", "3"] and errs == []
    odd = tmp_path / "export.data"
    odd.write_text(json.dumps(RECORDS))
    assert [d.doc_id for d in ingest_all(odd)[0]] == ["n1", "n2", "3"]  # told by content
    assert [d.doc_id for d in ingest_all(odd, fmt="json")[0]] == ["n1", "n2", "3"]
    # never cut into blocks of lines, however small the blocks asked for
    assert len(list(list_shards([odd], block_size=1))) == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_over_a_json_array_gives_its_tables(tmp_path: Path, workers: int) -> None:
    src = tmp_path / "in"
    src.mkdir()
    pd.DataFrame(RECORDS).to_json(src / "notes.json", orient="records")
    (src / "bad.json").write_text('[{"id": "x", "text": "Fine."}, {"id": ')
    summary = run([src], tmp_path / "out", workers=workers, quiet=True)
    assert summary.status == "complete"
    tables = read_tables(tmp_path / "out")
    assert sorted(d["doc_id"] for d in tables["documents"]) == ["3", "n1", "n2", "x"]
    assert {d["format"] for d in tables["documents"]} == {"json"}
    assert [(e["error"], e["location"]) for e in tables["errors"]] == [("bad_json", "line 1")]
    drugs = {m["text"].lower() for m in tables["mentions"] if m["label"] == "DRUG"}
    assert {"aldara", "dupilumab"} <= drugs


def test_a_json_array_in_a_jsonl_file_says_how_to_read_it(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(RECORDS) + "\n")
    docs, errs = ingest_all(path)
    assert docs == [] and [(e.error, e.location) for e in errs] == [("bad_json", "line 1")]
    assert "--format json" in errs[0].message


def test_elements_without_an_id_on_one_line_get_ids_of_their_own(tmp_path: Path) -> None:
    """pandas writes `to_json(orient="records")` on one line: elements without an id (a frame
    without an id column) must not all get "<stem>:1", which kept the first and dropped every
    other as a duplicate; each is told by its element number, in its id and its location."""
    src = tmp_path / "in"
    src.mkdir()
    texts = ["Aspirin reduced fever in ten patients.", "Ibuprofen was stopped in 2 of 9.",
             "Paracetamol was given."]
    pd.DataFrame({"text": texts}).to_json(src / "notes.json", orient="records")
    (src / "bad.json").write_text('[{"id": "b1", "text": "Fine."}, "a string", {"id": "b3"}]')
    assert len((src / "notes.json").read_text().splitlines()) == 1
    docs, errs = read(src / "notes.json")
    assert errs == []
    assert [(d.doc_id, d.location) for d in docs] == [
        ("notes:1", "line 1, element 1"), ("notes:2", "line 1, element 2"),
        ("notes:3", "line 1, element 3")]
    assert [(e.error, e.location) for e in read(src / "bad.json")[1]] == [
        ("bad_json", "line 1, element 2"), ("missing_text", "line 1, element 3")]
    run([src], tmp_path / "out", workers=1, quiet=True)
    tables = read_tables(tmp_path / "out")
    assert sorted(d["text"] for d in tables["documents"]) == sorted([*texts, "Fine."])
    assert "duplicate_id" not in {e["error"] for e in tables["errors"]}


def test_a_cut_gzip_keeps_the_elements_before_the_cut(tmp_path: Path) -> None:
    """A gzip stream that ends early (a download cut short) is read as far as it goes, as a
    cut uncompressed array and a cut JSON Lines file are: the whole elements before the cut
    are documents, then one truncated_gzip row (not every document lost)."""
    records = [{"id": f"c{i}", "text": f"Patient {i} received 75 mg of clopidogrel daily."}
               for i in range(400)]
    data = gzip.compress(json.dumps(records, indent=1).encode(), mtime=0)
    path = tmp_path / "export.json.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    docs, errs = read(path)
    assert len(docs) > 100 and [d.doc_id for d in docs] == [f"c{i}" for i in range(len(docs))]
    (row,) = errs
    assert row.error == "truncated_gzip" and row.location is not None
    assert f"elements 1-{len(docs)} were read" in row.message
    whole_but_unfinished = tmp_path / "small.json.gz"  # the cut falls after the last "]"
    whole_but_unfinished.write_bytes(gzip.compress(json.dumps(records[:2]).encode())[:-8])
    docs, errs = read(whole_but_unfinished)
    assert [d.doc_id for d in docs] == ["c0", "c1"] and [e.error for e in errs] == [
        "truncated_gzip"]
    accented = gzip.compress(json.dumps([{"id": "é", "text": "Fièvre à 39 °C ✓"}] * 3,
                                        ensure_ascii=False).encode())
    for end in range(len(accented) // 2, len(accented)):  # a cut inside a character too
        whole_but_unfinished.write_bytes(accented[:end])
        assert "not_utf8" not in {e.error for e in read(whole_but_unfinished)[1]}


def test_an_element_nested_too_deep_costs_that_element_only(tmp_path: Path) -> None:
    """Valid JSON nested deeper than Python parses is not damage: the elements after it can be
    told apart, so only that element is lost (as only its line is in a JSONL file), with a row
    at its place; one that never closes is damage, at its place too."""
    path = tmp_path / "deep.json"
    deep = '{"id": "x", "text": "t", "m": ' + '[{"a": "]}"}, ' * 3000 + "0" + "]" * 3000 + "}"
    path.write_text(f'[{{"id": "a", "text": "Fine."}},\n{deep},\n{{"id": "b", "text": "Also."}}]')
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["a", "b"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 2, element 2")]
    assert "nested too deep" in errs[0].message and "element skipped" in errs[0].message
    path.write_text('[{"id": "a", "text": "Fine."},\n' + "[" * 100_000)
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["a"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 2")]
    assert "from 2 on are lost" in errs[0].message


def test_a_raw_control_character_costs_its_element_and_is_named_with_its_column(
        tmp_path: Path) -> None:
    """A tab or NUL typed raw into a string is invalid JSON, but the array's structure is
    whole: that element is lost, as that line is in JSONL, not every element after it; the
    row quotes json's message whole (it ended 'Invalid control character at;')."""
    path = tmp_path / "raw.json"
    path.write_bytes(b'[{"id": "a", "text": "ok"},\n{"id": "b", "text": "raw\ttab"},\n'
                     b'{"id": "n", "text": "raw\x00nul"},\n{"id": "c", "text": "fine"}]')
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["a", "c"]
    assert [(e.error, e.location) for e in errs] == [
        ("bad_json", "line 2, element 2"), ("bad_json", "line 3, element 3")]
    assert "Invalid control character at: line 2 column 25" in errs[0].message
    assert "element skipped" in errs[0].message
    path.write_text('[{"id": "a", "text": "ok"},\n{"id": "b" "text": "x"}]')
    (row,) = read(path)[1]
    assert "Expecting ',' delimiter: line 2 column 12" in row.message


def test_bioc_documents_told_too_late_for_detection_say_how_to_read_them(
        tmp_path: Path) -> None:
    """A list of BioC JSON documents whose first "passages" key comes after the 8 KiB that
    detection reads (a long "infons" first) is read as an array of id/text documents: each
    row says it has BioC passages and names --format bioc, which reads it."""
    doc = {"id": "1", "infons": {"note": "x" * 10_000}, "passages": [
        {"offset": 0, "infons": {"type": "abstract"}, "text": "Aspirin caused bleeding.",
         "annotations": []}], "relations": []}
    path = tmp_path / "bioc_list.json"
    path.write_text(json.dumps([doc, {**doc, "id": "2"}]))
    docs, errs = ingest_all(path)
    assert docs == [] and [e.error for e in errs] == ["missing_text", "missing_text"]
    assert all("--format bioc" in e.message for e in errs)
    assert [d.doc_id for d in ingest_all(path, fmt="bioc")[0]] == ["1", "2"]


def test_a_pretty_printed_object_or_objects_one_after_another_are_read(tmp_path: Path) -> None:
    """A .json file holding one document object over several lines (json.dump(indent=2)), or
    such objects one after another (what `jq '.[]'` prints without -c), was read as JSON Lines:
    one garbled bad_json row per line of the file, no document. Each object is a document."""
    one = tmp_path / "note.json"
    one.write_text(json.dumps(RECORDS[0], indent=2))
    assert detect_format(one) == "json"
    docs, errs = read(one)
    assert errs == [] and [(d.doc_id, d.location) for d in docs] == [("n1", "line 1, element 1")]
    several = tmp_path / "several.json"
    several.write_text("\n".join(json.dumps({"text": r["text"]}, indent=2) for r in RECORDS))
    docs, errs = ingest_all(several)
    assert errs == [] and [d.doc_id for d in docs] == ["several:1", "several:2", "several:3"]
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(RECORDS[0], indent=2) + '\n[1]\n')
    docs, errs = read(damaged)
    assert [d.doc_id for d in docs] == ["n1"] and [(e.error, e.location) for e in errs] == [
        ("bad_json", "line 6")]
    assert "expected the '{' of another object" in errs[0].message
    lines = tmp_path / "lines.json"  # JSON Lines under .json stay JSON Lines
    lines.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    assert detect_format(lines) == "jsonl"


@pytest.mark.parametrize("content", ["[2024-05-01 12:00:03] run started\n",
                                     "[section]\nkey = value\n"])
def test_a_file_of_another_kind_starting_with_a_bracket_stays_of_unknown_format(
        tmp_path: Path, content: str) -> None:
    """Without the .json extension only content that opens an array of objects is taken for
    one: a log or INI file beside the documents was reported as damaged JSON."""
    path = tmp_path / "notes.log"
    path.write_text(content)
    assert detect_format(path) is None
    assert [e.error for e in ingest_all(path)[1]] == ["unknown_format"]
    (tmp_path / "export.data").write_text(' [\n  {"id": "a", "text": "Fine."}]')
    assert detect_format(tmp_path / "export.data") == "json"


def test_a_damaged_elements_end_is_found_once(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """In a one-line array after its first damage, each element's end by bracket and quote
    depth (`json_scan.extent`) is found once: a damaged element's, which it is parsed within
    and its row names, was found twice (a scan of its text more, for each damaged one)."""
    from pipeline.ingest import json_elements

    elements = [json.dumps({"id": f"r{i}", "text": f"Case {i}."}) if i % 2 else
                f'{{"id": r{i}, "text": "Case."}}' for i in range(1, 9)]
    path = tmp_path / "one_line.json"
    path.write_text("[" + ", ".join(elements) + "]")
    asked: list[int] = []
    real = json_elements.extent

    def counted(text: str, pos: int, limit: int | None = None) -> int | None:
        asked.append(pos)
        return real(text, pos, limit)

    monkeypatch.setattr(json_elements, "extent", counted)
    docs, errs = read(path)
    assert [d.doc_id for d in docs] == ["r1", "r3", "r5", "r7"]
    assert [e.location for e in errs] == [f"line 1, element {i}" for i in (2, 4, 6, 8)]
    assert all("the element is lost (line 1, columns" in e.message for e in errs)
    assert len(asked) == len(set(asked)) == 7  # elements 2-8, once each
