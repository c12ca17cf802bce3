"""Faults in input, session 43 (leftovers of a new user's review): a bad record costs exactly
that record (an `errors` row naming file and line), never its neighbours, in time linear in
the file; its row says what is wrong. Every case writes small real-format files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_faults_ingest_one_record import ABSTRACT, RECORDS, ids, run  # the same records
from work_count import count_json_work, grows_linearly


def _array(records: list[dict[str, object]], indented: bool, open_every: int = 0) -> str:
    """`records` as json.dump writes them (indent=2) or as pandas' to_json does (one line),
    every `open_every`-th element but the last missing its closing "}" (its ',' kept)."""
    parts = [json.dumps(r, indent=2 if indented else None) for r in records]
    if open_every:
        parts = [p[:-1] if (i + 1) % open_every == 0 and i + 1 < len(parts) else p
                 for i, p in enumerate(parts)]
    if not indented:
        return "[" + ", ".join(parts) + "]"
    return "[\n" + ",\n".join("  " + p.replace("\n", "\n  ") for p in parts) + "\n]"


# ------------------------------------------------------------------------ JSON arrays


@pytest.mark.parametrize("indented", [True, False])
def test_an_element_missing_its_closing_brace_gives_one_row(tmp_path: Path,
                                                           indented: bool) -> None:
    """An element whose "}" was left out (its ',' kept): one bad_json row naming it, its
    neighbours documents; in a one-line array its end is the ',' before the next element
    (the row said "a string never closed, or a quote left out" and took a resync)."""
    text = _array(RECORDS, indented, open_every=3)
    assert text.count("}") == _array(RECORDS, indented).count("}") - 1
    path = tmp_path / "brace.json"
    path.write_text(text)
    docs, errs = run(path)
    assert ids(docs) == ["r1", "r2", "r4", "r5"]
    (row,) = errs
    line = text[: text.index('"r3"')].count("\n") + (0 if indented else 1)
    assert (row.error, row.location) == ("bad_json", f"line {line}, element 3")
    assert "the element is lost" in row.message
    assert "string never closed" not in row.message
    if not indented:
        start, end = text.index('{"id": "r3"') + 1, text.index(', {"id": "r4"')
        assert f"(line 1, columns {start}-{end}, its end found by its brackets and quotes)" \
            in row.message


def test_an_object_value_without_its_key_is_not_taken_for_the_next_element(
        tmp_path: Path) -> None:
    """A "{" after a ',' inside an element is where the element was left open only when a ','
    or ']' follows that object; followed by the element's own "}" it is a value whose key was
    left out: the element ends at its "}" and is lost alone, the next one read."""
    text = json.dumps(RECORDS).replace('"meta": {"arms": [{"n": 3}]}', '{"arms": [{"n": 3}]}')
    path = tmp_path / "key.json"
    path.write_text(text)
    docs, errs = run(path)
    assert ids(docs) == ["r1", "r2", "r4", "r5"]
    (row,) = errs
    start, end = text.index('{"id": "r3"') + 1, text.index(', {"id": "r4"')
    assert row.location == "line 1, element 3"
    assert f"(line 1, columns {start}-{end}, its end found by" in row.message


@pytest.mark.parametrize("indented", [True, False])
def test_many_elements_missing_their_brace_are_read_in_linear_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indented: bool) -> None:
    """Every 10th element missing its "}": its end was looked for by bracket depth to the
    end of the array (each later element nested in it), for each damaged element: 20,000
    indented elements took 2.3 s for 2,000 and 7.8 s for 4,000 (quadratic); in a one-line
    array the resync's budget ran out after a few, and every element from the 40th on was
    lost. The characters the reader visits (`work_count`) now grow 4 times for 4 times the
    elements, and every undamaged element is read."""
    work = count_json_work(monkeypatch)
    visited = []
    for n in (500, 2_000):
        records = [{"id": f"r{i}", "text": f"{ABSTRACT} Case {i}.", "meta": {"arms": [{"n": i}]}}
                   for i in range(1, n + 1)]
        path = tmp_path / f"open{n}.json"
        path.write_text(_array(records, indented, open_every=10))
        work.chars = 0
        docs, errs = run(path)
        visited.append(work.chars)
        assert ids(docs) == [f"r{i}" for i in range(1, n + 1) if i % 10 or i == n]
        assert [e.location.split(", ")[1] for e in errs] == [
            f"element {i}" for i in range(10, n, 10)]
    assert grows_linearly(*visited), visited


# ------------------------------------------------------------------------ JSON Lines


def test_a_damaged_jsonl_line_names_its_id_when_it_comes_first(tmp_path: Path) -> None:
    """A JSON Lines line with a string never closed had a null doc_id, though its id field
    stood whole before the damage (rows about one document carry its id: missing_text,
    bad_title; XML's bad_xml rows carry the PMID read from the damaged record). Now the row
    carries it; when the id field comes after the damage (or there is none) the message says
    the id is not known. A record left open says where the line ends, not "line 2 column 1"
    (json counting the line's newline)."""
    lines = [json.dumps(r) for r in RECORDS]
    lines[1] = lines[1].replace('Case 2."', "Case 2.")  # r2's text never closed
    lines[2] = '{"text": "' + ABSTRACT + ', "id": "r3"}'  # the id after the damage
    lines[3] = lines[3][:-1]  # r4 left open
    path = tmp_path / "damaged.jsonl"
    path.write_text("\n".join(lines) + "\n")
    docs, errs = run(path)
    assert ids(docs) == ["r1", "r5"]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("bad_json", "line 2", "r2"), ("bad_json", "line 3", None), ("bad_json", "line 4", "r4")]
    assert "no 'id' field" not in errs[0].message
    assert errs[1].message.endswith("; its id is not known (the line has no 'id' field before "
                                    "the damage)")
    assert errs[2].message == ("malformed JSON: Expecting ',' delimiter: at the end of the "
                               f"line, column {len(lines[3]) + 1}")
    # the id field as --id-field names it; a number as record_document makes it
    path.write_text('{"pmid": 12345, "text": "' + ABSTRACT + '}\n')
    assert [e.doc_id for e in run(path, id_field="pmid")[1]] == ["12345"]


def test_a_damaged_object_of_a_line_of_objects_names_its_id(tmp_path: Path) -> None:
    """Objects one after another on a JSONL line ("}{"): the damaged one's row carries its
    id too, as a line's does."""
    objects = [json.dumps(r) for r in RECORDS[:3]]
    objects[1] = objects[1].replace('Case 2."', "Case 2.")
    path = tmp_path / "joined.jsonl"
    path.write_text("".join(objects) + "\n")
    docs, errs = run(path)
    assert ids(docs) == ["r1", "r3"]
    assert [(e.location, e.doc_id) for e in errs] == [("line 1, part 2", "r2")]
