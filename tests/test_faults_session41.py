"""Faults found in session 41: one definition for each fact (the run's reader failures, an
IOB2 line), a failed run's exit code kept when its output is cut short, and damaged JSON
costing only the record it is in. Every case writes small real-format files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# ------------------------------------------------------------------------ run summary


def _summary(**kw: object) -> object:
    from pipeline.run import RunSummary

    fields: dict[str, object] = dict(
        out=Path("out"), run_id="r", status="complete",
        counts={"documents": 3, "mentions": 0, "outcomes": 0, "errors": 2}, n_words=30,
        seconds=1.0, engine="local", workers=1, shards_total=1, shards_done=1,
        shards_skipped=0, failed_shards=[])
    fields.update(kw)
    return RunSummary(**fields)  # type: ignore[arg-type]


def test_reader_failures_are_the_error_kinds_count() -> None:
    """`reader_failures` was a field of its own beside `error_kinds["reader_failed"]`: a
    summary given only the error kinds said no records were lost and exited 0. It is read
    from `error_kinds` now: one count."""
    summary = _summary(error_kinds={"reader_failed": 2, "bad_json": 1})
    assert summary.reader_failures == 2  # type: ignore[attr-defined]
    assert summary.exit_code == 1  # type: ignore[attr-defined]
    assert "RECORDS LOST: a reader failed in 2 shards" in summary.line()  # type: ignore[attr-defined]
    clean = _summary(error_kinds={"bad_json": 2})
    assert (clean.reader_failures, clean.exit_code) == (0, 0)  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        _summary(reader_failures=1)  # no second place to set it


# ------------------------------------------------------------------------ CLI


def _run_stdout_closed(*args: str) -> tuple[int, str]:
    """`biotab run ARGS` with its stdout a pipe whose reader is gone before the summary (as
    `biotab run ... | head -0`): its exit status and its stderr."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    return proc.wait(timeout=300), err


def test_a_closed_stdout_keeps_a_failed_runs_exit_code(tmp_path: Path) -> None:
    """`biotab run ... --fail-on-error | head -1` of a run that wrote an error row exited 141,
    as a run that went well but for the closed pipe: a script's `set -o pipefail` or
    `${PIPESTATUS[0]}` could not tell the failure. It exits 1 now; a run that went well
    still exits 141."""
    import json

    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": "Aspirin reduced fever."}) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b", "text": "Aspirin."}) + '\n{"id": "c", "text": \n')
    common = ["--workers", "1", "--quiet", "--no-model", "--fail-on-error"]
    code, err = _run_stdout_closed(str(bad), "--out", str(tmp_path / "o1"), *common)
    assert (code, err) == (1, "")
    code, err = _run_stdout_closed(str(good), "--out", str(tmp_path / "o2"), *common)
    assert (code, err) == (141, "")


# ------------------------------------------------------------------------ IOB lines


@pytest.mark.parametrize(("line", "iob"), [
    ("Aspirin\tB-Chemical", True), ("fever\tO", True), ("Aspirin\tB-Chemical\r", True),
    ("Aspirin B-Chemical", True),  # spaces, not a tab: read_iob reads it
    ("Aspirin\tNN\tB-Chemical", True),  # more columns, the tag the last
    ("Aspirin\tS-Chemical", True), ("Aspirin\tB-Chemical  ", True),
    ("Aspirin\tX", False), ("Aspirin", False), ("Aspirin\tB-", False)])
def test_a_file_of_iob_lines_is_told_as_biotab_evaluate_reads_it(
        tmp_path: Path, line: str, iob: bool) -> None:
    """`head_checks` told an IOB2 file by a pattern of its own, narrower than the reader's
    (`iob.read_iob`): a file of "TOKEN TAG" lines with spaces, or with a POS column, which
    `biotab evaluate` reads, was "cannot tell the format" for `biotab run`. Both use
    `iob.token_and_tag` now: a line is an IOB line for both or for neither."""
    from pipeline.ingest.head_checks import unknown_format
    from pipeline.iob import read_iob

    path = tmp_path / "tokens.tsv"
    path.write_bytes(f"{line}\n{line}\n\n{line}\n".encode())
    problems: list[str] = []
    sentences = read_iob(path, problems)
    assert (len(sentences) == 2 and not problems) == iob
    row = unknown_format(str(path), path.name, path.read_bytes(), ["txt"])
    assert ("holds IOB2 tokens" in row.message) == iob, row.message


# ------------------------------------------------------------------------ JSON resync

ABSTRACT = "Aspirin reduced fever in 12 of 20 patients with influenza."


def _records(n: int, arms: int = 2) -> list[dict[str, object]]:
    return [{"id": f"r{i}", "text": f"{ABSTRACT} Case {i}.",
             "meta": {"arms": [{"n": k} for k in range(arms)]}} for i in range(1, n + 1)]


def _unclosed(record: dict[str, object]) -> str:
    """`record` as JSON with its text's closing quote left out: bracket and quote depth find
    no end for it (its quotes pair with the next ones)."""
    text = json.dumps(record)
    return text.replace('."', ".", 1)


def _ingest(path: Path, **kw: object
            ) -> tuple[list[str], list[tuple[str, str | None]], list[str]]:
    from helpers import ingest_all

    docs, errs = ingest_all(path, **kw)
    return ([d.doc_id for d in docs], [(e.error, e.location) for e in errs],
            [e.message for e in errs])


@pytest.mark.parametrize("layout", ["one line", "lines after '['", "two a line"])
@pytest.mark.parametrize("damaged", [[0], [2], [2, 3], [4]])
def test_a_string_never_closed_in_an_array_costs_its_element_only(
        tmp_path: Path, layout: str, damaged: list[int]) -> None:
    """An array element whose string is never closed lost every element after it (pandas'
    one-line array, elements sharing lines, the first on the '[' line): "the elements from N
    on are lost". Reading goes on now at the next element that parses alone and is followed
    by elements to the array's end (`json_resync`): only the damaged ones are lost, one row
    naming the line and element; objects nested in the damaged element ("arms") are not
    taken for elements. The last element damaged: nothing after it to resync at."""
    records = _records(5)
    parts = [_unclosed(r) if i in damaged else json.dumps(r) for i, r in enumerate(records)]
    text = {"one line": "[" + ", ".join(parts) + "]",
            "lines after '['": "[" + ",\n".join(parts) + "]\n",
            "two a line": "[\n  " + ",\n  ".join(", ".join(parts[i : i + 2])
                                                  for i in range(0, 5, 2)) + "\n]\n"}[layout]
    path = tmp_path / "records.json"
    path.write_text(text)
    ids, rows, messages = _ingest(path)
    assert ids == [f"r{i + 1}" for i in range(5) if i not in damaged]
    first = damaged[0]
    line = text[: text.index(f'"id": "r{first + 1}"')].count("\n") + 1
    if first == 4:
        assert rows == [("bad_json", f"line {line}")]
        assert "the elements from 5 on are lost" in messages[0]
        return
    numbers = f"{first + 1}" if len(damaged) == 1 else f"{first + 1}-{damaged[-1] + 1}"
    assert rows == [("bad_json", f"line {line}, element{'s' * (len(damaged) > 1)} {numbers}")]
    assert "pairs the quotes after it across elements" in messages[0]


def test_an_element_cut_inside_its_text_costs_itself_only(tmp_path: Path) -> None:
    """An element cut after its text's last word (no quote, no "}": `"...influenza, {"id":
    "r3"...`): the next element's start follows a word, not a bracket or quote; it is read
    (the one after it was the first read: r3 was lost with r2)."""
    parts = [json.dumps(r) for r in _records(4)]
    parts[1] = parts[1][: parts[1].index(' Case 2."')]
    path = tmp_path / "cut.json"
    path.write_text("[" + ", ".join(parts) + "]")
    ids, rows, _ = _ingest(path)
    assert ids == ["r1", "r3", "r4"] and rows == [("bad_json", "line 1, element 2")]


def test_a_string_never_closed_on_a_line_of_objects_costs_its_object_only(tmp_path: Path
                                                                         ) -> None:
    """JSON Lines with objects one after another on a line: a string never closed lost the
    rest of the line ("parts 3 on"); also when the line's first object was the damaged one
    (the whole line one row). Now only the damaged object."""
    records = _records(4)
    line1 = "".join(json.dumps(r) for r in records[:2]) + _unclosed(records[2]) + json.dumps(
        records[3])
    line2 = _unclosed(records[0]).replace('"r1"', '"s1"') + " " + json.dumps(records[1]).replace(
        '"r2"', '"s2"')
    path = tmp_path / "joined.jsonl"
    path.write_text(line1 + "\n" + line2 + "\n")
    ids, rows, messages = _ingest(path)
    assert ids == ["r1", "r2", "r4", "s2"]
    assert rows == [("bad_json", "line 1, part 3"), ("bad_json", "line 2, part 1")]
    assert all("pairs the quotes after it across objects" in m for m in messages)


@pytest.mark.parametrize("kind", ["array", "line"])
def test_resyncs_are_found_in_linear_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          kind: str) -> None:
    """Every other element damaged, each with a nested array of 30 objects (candidates that
    must be walked and refused): the characters visited (`work_count`) grow 4 times for 4
    times the elements, not 16, and every undamaged element is read."""
    from work_count import count_json_work, grows_linearly

    work = count_json_work(monkeypatch)
    visited = []
    for n in (200, 800):
        records = _records(n, arms=30)
        parts = [_unclosed(r) if i % 2 else json.dumps(r) for i, r in enumerate(records)]
        path = tmp_path / (f"many{n}.json" if kind == "array" else f"many{n}.jsonl")
        path.write_text("[" + ", ".join(parts) + "]" if kind == "array" else "".join(parts))
        work.chars = 0
        ids, rows, _ = _ingest(path)
        visited.append(work.chars)
        assert ids == [f"r{i}" for i in range(1, n + 1, 2)] and len(rows) == n // 2
    assert grows_linearly(*visited), visited


# ------------------------------------------------------------------------ BioC JSON

DEEP = "[" * 5_000 + "]" * 5_000  # deeper than Python's parser goes


def _bioc_doc(i: int) -> str:
    return json.dumps({"id": str(i), "infons": {}, "relations": [], "passages": [
        {"offset": 0, "text": f"{ABSTRACT} Case {i}.", "infons": {}, "annotations": [],
         "relations": []}]})


@pytest.mark.parametrize("shape", ["collection", "PubTator3", "list", "deep key"])
def test_a_bioc_json_document_nested_too_deep_costs_itself_only(tmp_path: Path,
                                                                shape: str) -> None:
    """A whole-file BioC JSON collection with a value nested too deep in one document was one
    row, "every document in it is lost" (the README said: that document). The documents are
    read one at a time now when the whole does not parse for its depth: the deep one is a
    row naming its record, the others read; a deep value outside the documents costs none."""
    docs = [_bioc_doc(1), _bioc_doc(2).replace('"infons": {}', '"infons": {"x": ' + DEEP + "}",
                                               1), _bioc_doc(3)]
    if shape == "deep key":
        docs[1] = _bioc_doc(2)
    listed = "[" + ", ".join(docs) + "]"
    text = {"collection": '{"source": "x", "date": "d", "key": "k", "documents": ' + listed
            + "}",
            "PubTator3": '{"PubTator3": ' + listed + "}", "list": listed,
            "deep key": '{"source": "x", "infons": {"x": ' + DEEP + '}, "documents": '
            + listed + "}"}[shape]
    path = tmp_path / "export.json"
    path.write_text(text)
    ids, rows, _ = _ingest(path, fmt="bioc")  # (its head, a deep value, names no passages)
    if shape == "deep key":
        assert ids == ["1", "2", "3"] and rows == []
    else:
        assert ids == ["1", "3"] and rows == [("bad_json", "record 2")]


# ------------------------------------------------------------------------ XML limits


def _pubmed(abstracts: list[str]) -> str:
    return ('<?xml version="1.0"?>\n<PubmedArticleSet>\n' + "".join(
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">'
        f"{i}</PMID><Article><ArticleTitle>Aspirin {i}.</ArticleTitle><Abstract><AbstractText>"
        f"{a}</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>\n"
        for i, a in enumerate(abstracts, 1)) + "</PubmedArticleSet>\n")


def test_a_record_past_libxml2s_safety_limits_says_which(tmp_path: Path) -> None:
    """A text node over 10 MB or elements nested over 256 deep: the row gave libxml2's
    message, "... try XML_PARSE_HUGE" (an option no user can set: biotab keeps the limits)
    as damaged XML. It names the limit now; the long text is record_too_large; the records
    around it are read."""
    path = tmp_path / "limits.xml"
    path.write_text(_pubmed([ABSTRACT, "fever " * 1_700_000, ABSTRACT,
                             ABSTRACT + "<i>" * 300 + "x" + "</i>" * 300, ABSTRACT]))
    ids, rows, messages = _ingest(path)
    assert ids == ["1", "3", "5"]
    assert [r[0] for r in rows] == ["record_too_large", "bad_xml"]
    assert "a text node over 10,000,000 bytes, past libxml2's safety limit" in messages[0]
    assert "elements nested over 256 levels deep, past libxml2's safety limit" in messages[1]
    assert not any("XML_PARSE_HUGE" in m for m in messages)
