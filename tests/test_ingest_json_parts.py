"""JSON Lines lines holding several JSON objects one after another with no newline between
them (`{...}{...}`, `{...} {...}`: some exporters, `cat` of one-line files without a final
newline; `pipeline/ingest/json_parts.py`): each object read, a damaged one costing itself
where its brackets and quotes bound it, else the rest of the line, with a row saying so."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ingest_all, read_tables

from pipeline.run import run


def _obj(i: int, text: str | None = None) -> str:
    return json.dumps({"id": f"p{i}", "text": text or f"Patient {i} received aspirin."})


def test_objects_one_after_another_on_a_line_are_each_a_record(tmp_path: Path) -> None:
    """Before: the line was one 'Extra data' row and every object on it was lost."""
    path = tmp_path / "joined.jsonl"
    nameless = json.dumps({"text": "No id here."})
    path.write_text(_obj(1) + _obj(2) + "  " + nameless + "\t" + _obj(4) + "\n" + _obj(5) + "\n")
    docs, errs = ingest_all(path)
    assert errs == []
    assert [(d.doc_id, d.location) for d in docs] == [
        ("p1", "line 1, part 1"), ("p2", "line 1, part 2"), ("joined:1.3", "line 1, part 3"),
        ("p4", "line 1, part 4"), ("p5", "line 2")]


def test_a_damaged_object_costs_that_object_only(tmp_path: Path) -> None:
    """A bad escape, a '}' left out before the next object, a ',' left out, a '{' left out
    (also of the line's last object):
    each costs its object, its row naming the line, the object's part and its columns; a ','
    left out inside a nested value gives no document of the value found there."""
    path = tmp_path / "damaged.jsonl"
    lines = [
        _obj(1) + '{"id": "p2", "text": "bad \\x escape"}' + _obj(3),
        _obj(4) + '{"id": "p5", "text": "no brace", "m": [1, 2]' + _obj(6),
        _obj(7) + ' {"id": "p8" "text": "comma left out"} ' + _obj(9),
        _obj(10) + '"id": "p11", "text": "opening brace lost"}' + _obj(12),
        _obj(13) + '{"id": "p14", "m": {"a": 1}{"id": "x", "text": "inside"}}' + _obj(15),
        _obj(16) + '"id": "p17", "text": "the last, its opening brace lost"}',
    ]
    path.write_text("\n".join(lines) + "\n")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == [f"p{i}" for i in (1, 3, 4, 6, 7, 9, 10, 12, 13, 15,
                                                           16)]
    assert [d.location for d in docs][:2] == ["line 1, part 1", "line 1, part 3"]
    assert [(e.error, e.location) for e in errs] == [
        ("bad_json", "line 1, part 2"), ("bad_json", "line 2, part 2"),
        ("bad_json", "line 3, part 2"), ("bad_json", "line 4, part 2"),
        ("bad_json", "line 5, part 2"), ("bad_json", "line 5, part 3"),
        ("bad_json", "line 6, part 2")]
    start = len(_obj(1)) + 1
    assert (f"Invalid \\escape: column {start + 26}; object 2 of the line is lost (columns "
            f"{start}-{start + 36}, its end found by its brackets and quotes); reading goes on "
            f"at the next object, at column {start + 37}") in errs[0].message
    assert "found text that starts none" in errs[3].message
    assert "found inside a damaged one" in errs[5].message


def test_a_string_never_closed_costs_its_object_only(tmp_path: Path) -> None:
    """Its quotes then pair across the objects after it, so bracket and quote depth tell no
    end; reading goes on at the next object that can be told apart (`json_resync`: the "{"
    of a "}{" that parses alone, followed by objects to the line's end). An object begun
    inside the open string (p4) is lost with it, in the columns the row names (before: the
    rest of the line, p4 and p5); in the line's last object, it and the rest of the line."""
    path = tmp_path / "cut.jsonl"
    path.write_text(_obj(1) + _obj(2) + '{"id": "p3", "text": "cut sho' + _obj(4) + _obj(5)
                    + "\n" + _obj(6) + "\n" + _obj(7) + '{"id": "p8", "text": "cut sho\n')
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["p1", "p2", "p5", "p6", "p7"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 1, part 3"),
                                                     ("bad_json", "line 3, part 2")]
    column = 2 * len(_obj(1)) + 1
    end = column + len('{"id": "p3", "text": "cut sho' + _obj(4)) - 1
    assert (f"object 3 of the line is lost, with any object begun in columns {column}-{end} "
            "(a string never closed, or a quote left out, pairs the quotes after it across "
            "objects: its end is where the next object that parses alone starts); reading "
            f"goes on at the next object, at column {end + 1}") in errs[0].message
    assert "object 2 of the line is lost" in errs[1].message
    assert "the line ends after it" in errs[1].message


def test_what_is_not_objects_one_after_another_keeps_its_row(tmp_path: Path) -> None:
    """One damaged object, an object followed by a word, or objects joined by commas: one
    row for the line, as before; a stray '}' after an object costs that object (it may be
    more of it: `{"id": "a", "text": "x"}, "meta": 1}` was closed early), not the next."""
    path = tmp_path / "other.jsonl"
    path.write_text('{"id": "a", "text": "x\\q"}\n' + _obj(1) + " trailing words\n"
                    + _obj(2) + "," + _obj(3) + "\n" + _obj(4) + "}" + _obj(5) + "\n")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["p5"]
    assert [(e.error, e.location) for e in errs] == [
        ("bad_json", "line 1"), ("bad_json", "line 2"), ("bad_json", "line 3"),
        ("bad_json", "line 4, part 1")]
    assert "a stray '}' or ']'" in errs[3].message


def test_many_damaged_objects_on_one_line(tmp_path: Path) -> None:
    """10,000 damaged objects between 10,000 whole ones: a row each, every whole one read
    (each part scanned and parsed on its own text: linear in the line; the timing is
    /work/scratch/D40/bench_parts.py's)."""
    path = tmp_path / "many.jsonl"
    path.write_text("".join(_obj(i) + '{"id": "bad", "text": "\\x"}' for i in range(10_000))
                    + "\n")
    docs, errs = ingest_all(path, dedupe=False)
    assert len(docs) == 10_000 and len(errs) == 10_000
    assert errs[-1].location == "line 1, part 20000"


def test_a_run_reads_the_objects_and_writes_the_rows(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "export.jsonl").write_text(
        _obj(1, "Aspirin reduced pain in 12 of 20 patients.")
        + '{"id": "p2", "text": "broken \\x"}'
        + _obj(3, "Dupilumab was stopped in 1 of 15 patients.") + "\n")
    summary = run([src], tmp_path / "out", workers=1, quiet=True)
    assert summary.status == "complete"
    tables = read_tables(tmp_path / "out")
    assert [(d["doc_id"], d["location"]) for d in tables["documents"]] == [
        ("p1", "line 1, part 1"), ("p3", "line 1, part 3")]
    assert [(e["error"], e["location"]) for e in tables["errors"]] == [
        ("bad_json", "line 1, part 2")]
    assert "object 2 of the line is lost" in tables["errors"][0]["message"]


def test_bioc_json_documents_one_after_another_on_a_line(tmp_path: Path) -> None:
    """PubTator3-style BioC JSON documents, one a line, some lines holding several: each
    document read (also in a file of that one line alone, which was one 'bad_json' row for
    the file), a damaged one costing itself."""
    def bioc(i: int) -> str:
        return json.dumps({"id": f"b{i}", "passages": [{"offset": 0, "text": f"Aspirin {i}.",
                           "annotations": [{"id": "1", "infons": {"type": "Chemical"},
                                            "text": "Aspirin",
                                            "locations": [{"offset": 0, "length": 7}]}]}]})
    damaged = bioc(2).replace('"Aspirin 2."', '"bad \\q"')
    path = tmp_path / "export.json"
    path.write_text(bioc(0) + "\n" + bioc(1) + damaged + " " + bioc(3) + "\n")
    docs, errs = ingest_all(path)
    assert [(d.doc_id, d.location) for d in docs] == [
        ("b0", "line 1"), ("b1", "line 2, part 1"), ("b3", "line 2, part 3")]
    assert all(d.meta["annotations"][0]["text"] == "Aspirin" for d in docs)
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 2, part 2")]
    one = tmp_path / "one_line.json"
    one.write_text(bioc(4) + bioc(5))
    docs, errs = ingest_all(one)
    assert errs == [] and [(d.doc_id, d.location) for d in docs] == [
        ("b4", "line 1, part 1"), ("b5", "line 1, part 2")]
