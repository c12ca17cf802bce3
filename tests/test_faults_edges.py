"""Faults at a user's edges, session 39: ingest (BioC JSON annotations that are no object,
JSON arrays damaged inside a line), the output folder (linked table folders) and the CLI
(summary and progress widths, SIGTERM wording). Every case writes small real-format files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import ingest_all, write_bioc_json
from work_count import count_json_work, grows_linearly

# ------------------------------------------------------------ BioC JSON annotations


def _doc(ident: str, annotations: object) -> dict[str, object]:
    return {"id": ident, "passages": [{"offset": 0, "text": "Aspirin helped fever.",
                                       "annotations": annotations}]}


_GOOD = {"id": "1", "text": "Aspirin", "locations": [{"offset": 0, "length": 7}]}
_FEVER = {"id": "2", "text": "fever", "locations": [{"offset": 15, "length": 5}]}


@pytest.mark.parametrize(("bad", "said"), [
    (7, "annotation 2 of passage 1 is a JSON number, not an object"),
    ("Aspirin", "annotation 2 of passage 1 is a JSON string, not an object"),
    ([1, 2], "annotation 2 of passage 1 is a JSON array, not an object"),
    (None, "annotation 2 of passage 1 is a JSON null, not an object")])
@pytest.mark.parametrize("layout", ["lines", "collection"])
def test_a_bioc_json_annotation_that_is_no_object_costs_that_annotation(
        tmp_path: Path, bad: object, said: str, layout: str) -> None:
    """An annotation that is no JSON object failed in `_fill` (AttributeError) and cost the
    whole document (bad_bioc); now the annotation only: a bad_offsets row naming the file,
    the record and which annotation, as for a location that is no object."""
    docs_in = [_doc("a", [_GOOD, _FEVER]), _doc("b", [_GOOD, bad, _FEVER]),
               _doc("c", [_GOOD])]
    path = write_bioc_json(tmp_path / "docs.json", docs_in, layout)
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "b", "c"]
    assert [a["text"] for a in docs[1].meta["annotations"]] == ["Aspirin", "fever"]
    where = "line 2" if layout == "lines" else "record 2"
    assert [(e.error, e.source, e.location, e.doc_id) for e in errs] == [
        ("bad_offsets", str(path), where, "b")]
    assert errs[0].message == f"{said}; annotation dropped"


def test_bioc_json_annotations_of_sentences_and_the_document_are_named(tmp_path: Path
                                                                        ) -> None:
    """A sentence's and the document's own annotation lists name where the bad one is; a
    single value not in a list is one annotation, as a single location is."""
    doc = {"id": "d", "annotations": "x", "passages": [{"offset": 0, "sentences": [
        {"offset": 0, "text": "Aspirin helped fever.", "annotations": [_FEVER, 3.5]}]}]}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(doc) + "\n", "utf-8")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["d"]
    assert [a["text"] for a in docs[0].meta["annotations"]] == ["fever"]
    assert [e.message for e in errs] == [
        "annotation 2 of sentence 1 of passage 1 is a JSON number, not an object; "
        "annotation dropped",
        "annotation 1 of the document is a JSON string, not an object; annotation dropped"]


# ------------------------------------------------------------ JSON arrays, compact

ABSTRACT = "Aspirin reduced fever in 12 of 20 patients with influenza."
RECORDS = [{"id": f"r{i}", "text": f"{ABSTRACT} Case {i}.", "meta": {"arms": [{"n": i},
                                                                              {"n": i + 1}]}}
           for i in range(1, 6)]


@pytest.mark.parametrize("damage", ['"id": r3,', '"id" "r3",', '"id": "r3",,'])
def test_a_damaged_element_of_a_one_line_array_costs_that_element_only(
        tmp_path: Path, damage: str) -> None:
    """pandas' one-line array: damage inside element 3 (an unquoted value, a missing ':', a
    doubled ',') whose brackets and quotes still close lost elements 3-5; now element 3 only,
    found by bracket and quote depth (nested arrays of objects in it), and the row names the
    text lost and where reading goes on."""
    text = json.dumps(RECORDS).replace('"id": "r3",', damage, 1)
    path = tmp_path / "pandas.json"
    path.write_text(text)
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["r1", "r2", "r4", "r5"]
    assert [d.location for d in docs] == ["line 1, element 1", "line 1, element 2",
                                          "line 1, element 4", "line 1, element 5"]
    (row,) = errs
    assert (row.error, row.location) == ("bad_json", "line 1, element 3")
    first = text.index(damage) - 1  # the element's "{"
    nxt = text.index('{"id": "r4"')
    last = nxt - 2  # before its ", "
    assert row.message.endswith(
        f"; the element is lost (line 1, columns {first + 1}-{last}, its end found by its "
        "brackets and quotes); reading goes on at the next element, at line 1 column "
        f"{nxt + 1}"), row.message


def test_a_damaged_element_among_several_a_line_costs_that_element_only(tmp_path: Path
                                                                         ) -> None:
    """Two elements a line (an indented array of pairs): damage in the second of a line
    lost every later element; now that one, and the next line's elements are read."""
    lines = [json.dumps(RECORDS[i]) + ", " + json.dumps(RECORDS[i + 1]) for i in (0, 2)]
    text = ("[\n  " + ",\n  ".join(lines) + ",\n  " + json.dumps(RECORDS[4]) + "\n]\n"
            ).replace('"id": "r4"', '"id": r4')
    path = tmp_path / "pairs.json"
    path.write_text(text)
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["r1", "r2", "r3", "r5"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 3, element 4")]
    assert errs[0].message.endswith("reading goes on at the next element, at line 4 column 3")


def test_a_missing_or_doubled_comma_in_a_one_line_array_loses_no_element(tmp_path: Path
                                                                          ) -> None:
    """A ',' left out between two elements, one doubled, or one before the ']': every
    element is read, one row names the damage (before: the elements after it were lost)."""
    one = [json.dumps(r) for r in RECORDS]
    cases = {"missing": "[" + ", ".join(one[:2]) + " " + ", ".join(one[2:]) + "]",
             "doubled": "[" + ", ".join(one[:2]) + ", , " + ", ".join(one[2:]) + "]",
             "trailing": "[" + ", ".join(one) + ", ]"}
    for name, text in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        docs, errs = ingest_all(path)
        assert [d.doc_id for d in docs] == [f"r{i}" for i in range(1, 6)], name
        assert [(e.error, e.location) for e in errs] == [("bad_json", "line 1")], name
        assert "no element is lost" in errs[0].message, name


def test_elements_without_ids_keep_their_numbers_after_a_bounded_loss(tmp_path: Path
                                                                       ) -> None:
    records = [{"text": r["text"]} for r in RECORDS]
    path = tmp_path / "noid.json"
    path.write_text(json.dumps(records).replace(' Case 2."', ' Case 2." 2'))
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["noid:1", "noid:3", "noid:4", "noid:5"]
    assert [e.location for e in errs] == ["line 1, element 2"]


def test_many_damaged_elements_of_a_one_line_array_are_read_in_linear_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 damaged elements on one line of 1.4 MB: each costs itself only, and neither
    their parse nor their rows' line and column count the text before them: the characters
    the reader visits (`work_count`, not a CPU-time bound, flaky on a shared machine) grow
    4 times for 4 times the elements, not 16."""
    work = count_json_work(monkeypatch)
    visited = []
    for n in (2_500, 10_000):
        records = [{"id": f"r{i}", "text": ABSTRACT * 2} for i in range(n)]
        text = json.dumps(records).replace('"id": "r', '"id" "r')
        path = tmp_path / f"damaged{n}.json"
        path.write_text(text)
        work.chars = 0
        docs, errs = ingest_all(path)
        visited.append(work.chars)
        assert docs == [] and len(errs) == n
    assert grows_linearly(*visited), visited
    last = errs[-1]
    assert last.location == "line 1, element 10000"
    col = text.rindex('"id" "r') + len('"id" ') + 1
    assert f"Expecting ':' delimiter: line 1 column {col};" in last.message


# ------------------------------------------------------------ linked table folders


def _light() -> object:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _runs_sharing_errors(tmp_path: Path) -> tuple[Path, Path]:
    """Output folders a and b, each with a finished run (no error row: each wrote
    `errors/part-_empty-00000.parquet`), then b's `errors` made a link to a's (a user
    gathering a table on one disk). Returns (a, b)."""
    from pipeline.run import run

    for name, text in (("in_a", "Aspirin reduced fever.\n"), ("in_b", "Imiquimod helped.\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(text, "utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    run([tmp_path / "in_a"], a, workers=1, quiet=True, nlp_factory=_light)
    run([tmp_path / "in_b"], b, workers=1, quiet=True, nlp_factory=_light)
    for f in (b / "errors").iterdir():
        f.unlink()
    (b / "errors").rmdir()
    (b / "errors").symlink_to(a / "errors", target_is_directory=True)
    return a, b


@pytest.mark.parametrize("flag", ["resume", "overwrite"])
@pytest.mark.parametrize("driver", [False, True])
def test_a_run_never_replaces_another_folders_driver_or_empty_part(
        tmp_path: Path, flag: str, driver: bool) -> None:
    """Two output folders whose `errors` folders are one folder: a resume or overwrite of b
    took a's `part-_empty-00000.parquet` for its own (kept it, or deleted it once b had
    rows), and replaced a's `part-~run-00000.parquet` (the driver's rows: duplicates) with
    b's, the names being the same in every output folder. Now refused before any work,
    naming the file; a's files are unchanged."""
    from pipeline.output_folder import OutputExistsError
    from pipeline.run import run
    from pipeline.write import part_run_id, write_parquet

    a, b = _runs_sharing_errors(tmp_path)
    a_id = json.loads((a / "manifest.json").read_text())["run_id"]
    theirs = a / "errors" / "part-_empty-00000.parquet"
    if driver:  # a's driver wrote error rows: its part, not an empty one
        theirs.unlink()
        theirs = a / "errors" / "part-~run-00000.parquet"
        write_parquet(theirs, "errors", [{"source": "x", "stage": "run", "error":
                                          "duplicate_id", "message": "m"}], a_id)
    before = theirs.read_bytes()
    assert part_run_id(theirs) == a_id
    with pytest.raises(OutputExistsError, match=re.escape(f"{theirs.name} was written by the "
                                                          "run of another output folder")):
        run([tmp_path / "in_b"], b, workers=1, quiet=True, nlp_factory=_light,
            resume=flag == "resume", overwrite=flag == "overwrite")
    assert theirs.read_bytes() == before


@pytest.mark.parametrize("rows", [False, True])
def test_an_overwrite_through_a_linked_table_folder_replaces_its_own_earlier_parts(
        tmp_path: Path, rows: bool) -> None:
    """The earlier run's own empty or driver part in a linked table folder (which
    --overwrite's removal does not reach) is this folder's: an overwrite, a resume and an
    overwrite again each end with one part of the run's own id, none refused."""
    from pipeline.run import run
    from pipeline.write import part_run_id

    (tmp_path / "in").mkdir()
    texts = ["Aspirin reduced fever.\n"] * (2 if rows else 1)  # (two copies: a duplicate row)
    for i, text in enumerate(texts):
        (tmp_path / "in" / f"a{i}.jsonl").write_text(json.dumps({"id": "x", "text": text}),
                                                     "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    disk = tmp_path / "disk" / "errors"
    disk.mkdir(parents=True)
    (out / "errors").symlink_to(disk, target_is_directory=True)
    for flags in ({}, {"overwrite": True}, {"resume": True}, {"overwrite": True}):
        run([tmp_path / "in"], out, workers=1, quiet=True, nlp_factory=_light,
            **flags)  # type: ignore[arg-type]
        run_id = json.loads((out / "manifest.json").read_text())["run_id"]
        (part,) = disk.iterdir()
        assert part.name == ("part-~run-00000.parquet" if rows else
                             "part-_empty-00000.parquet"), flags
        assert part_run_id(part) == run_id, flags


def test_the_drivers_writes_refuse_another_runs_part(tmp_path: Path) -> None:
    """The same rule where the files are replaced or deleted (`write_run_parts`,
    `finish_tables`), for a part that came after the run started: it is refused, not
    replaced; this run's own parts are replaced as before."""
    from pipeline.output_folder import OutputExistsError
    from pipeline.write import (
        EMPTY_PART,
        finish_tables,
        part_run_id,
        write_manifest,
        write_parquet,
        write_run_parts,
    )

    out = tmp_path / "out"
    write_manifest(out, {"run_id": "mine", "biotab_version": "x"})
    row = {"source": "x", "stage": "run", "error": "duplicate_id", "message": "m"}
    write_run_parts(out, "errors", [[row, row]], 1)  # two parts of this run
    write_run_parts(out, "errors", [[row]], 1)  # again: the second goes
    assert sorted(f.name for f in (out / "errors").iterdir()) == ["part-~run-00000.parquet"]
    theirs = out / "errors" / "part-~run-00000.parquet"
    write_parquet(theirs, "errors", [row], "theirs")
    with pytest.raises(OutputExistsError, match=r"part-~run-00000\.parquet was written by"):
        write_run_parts(out, "errors", [[row]], 1)
    assert part_run_id(theirs) == "theirs"
    empty = out / "documents" / EMPTY_PART
    write_parquet(empty, "documents", [], "theirs")
    with pytest.raises(OutputExistsError, match=re.escape(f"{EMPTY_PART} was written by")):
        finish_tables(out)
    assert part_run_id(empty) == "theirs"


# ------------------------------------------------------------ the CLI's summary


def _summary(**kw: object) -> object:
    from pipeline.run import RunSummary

    fields: dict[str, object] = dict(
        out=Path("/data/projects/pubmed_2025/outputs"), run_id="r", status="complete",
        counts={"documents": 36_000_000, "mentions": 512_345_678, "outcomes": 12_345_678,
                "errors": 1_234}, n_words=9_876_543_210, seconds=123_456.7, engine="dask",
        workers=64, threads=64, shards_total=1_200, shards_done=1_200, shards_skipped=0,
        failed_shards=[])
    fields.update(kw)
    return RunSummary(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("kw", [
    {}, {"engine": "local", "workers": 2, "out": Path("out")},
    {"shards_skipped": 300, "failed_shards": ["a", "b"],
     "error_kinds": {"reader_failed": 1}}])
def test_the_run_summary_fits_80_columns_with_every_figure(kw: dict[str, object]) -> None:
    """The summary was one line of 115 characters and more: it wrapped on an 80-column
    terminal mid-figure. Now each line fits 80 columns and holds every piece of the line,
    figures and output folder, in its order."""
    from pipeline.cli import summary_lines

    summary = _summary(**kw)
    line = summary.line()  # type: ignore[attr-defined]
    assert len(line) > 80
    lines = summary_lines(summary)  # type: ignore[arg-type]
    assert max(map(len, lines)) <= 80, lines
    assert " ".join(x.strip() for x in lines).split() == line.replace("; ", " ", 1).split()
    assert lines[0].endswith((" errors", " error")) and "words/s" in lines[1]


def test_the_cli_prints_the_summary_in_lines_of_80_columns(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """`biotab run` prints `summary_lines` of the run's summary, not its one long line."""
    from typer.testing import CliRunner

    import pipeline.run
    from pipeline.cli import app

    monkeypatch.setattr(pipeline.run, "run", lambda *a, **k: _summary())
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("36,000,000 documents, ") and len(lines) == 3
    assert max(map(len, lines)) <= 80, lines


# ------------------------------------------------------------ the CLI's stop


@pytest.mark.parametrize(("stop", "code", "said"), [
    ("term", 143, "interrupted (SIGTERM)"), ("int", 130, "interrupted (Ctrl-C, SIGINT)")])
def test_a_stopped_run_says_on_stderr_what_its_manifest_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: str, code: int, said: str
        ) -> None:
    """On SIGTERM stderr said "terminated (SIGTERM)" where the manifest's `error` says
    "interrupted (SIGTERM)" (and Ctrl-C "interrupted" alone): one wording now, the
    manifest's (`pipeline.runner.errors.stop_reason`)."""
    from typer.testing import CliRunner

    import pipeline.run
    from pipeline.cli import app
    from pipeline.runner.errors import Terminated, stop_reason

    exc = Terminated() if stop == "term" else KeyboardInterrupt()
    assert stop_reason(exc) == said

    def stopped(*a: object, **k: object) -> None:
        raise exc

    monkeypatch.setattr(pipeline.run, "run", stopped)
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == code
    assert result.stderr.strip() == f"biotab run: {said}; finish it with --resume"


# ------------------------------------------------------------ the progress bar


def _bar_line(width: int, shards: int, docs: int) -> str:
    """The last line of the rich bar on a terminal of `width` columns after 2 of `shards`
    units, `docs` documents, of a run of hours."""
    import io
    import time

    from rich.console import Console

    from pipeline.runner.progress import Reporter
    from pipeline.runner.shard import ShardResult

    console = Console(width=width, record=True, file=io.StringIO())
    reporter = Reporter(shards, "rich", console=console)
    reporter.start(live=False)
    reporter.t0 -= 30_000
    try:
        for i in range(2):  # two units at different times: rich has a speed, an ETA
            reporter.shard_done(ShardResult(f"s{i}", "x", {"documents": docs // 2},
                                            n_words=docs * 12, seconds=1.0))
            time.sleep(0.05)
    finally:
        reporter.stop()
    return console.export_text().splitlines()[-1]


@pytest.mark.parametrize("width", [34, 40, 49, 50, 59, 60, 70, 79])
def test_below_80_columns_the_progress_bar_keeps_its_counts_whole(width: int) -> None:
    """Below about 60 columns the bar's line cut its counts to "…" ("2/3… shards", "0:00…",
    "biotab shards 36,000,000 docs ETA" without the shards done): now fewer columns are
    shown on narrower terminals, the counts always whole (also 36 million documents in
    3,600 shards), the ETA whole from 50 columns."""
    import re

    for shards, docs in ((4, 1_200), (3_600, 36_000_000)):
        text = _bar_line(width, shards, docs)
        assert len(text) <= width and f"2/{shards:,} shards {docs:,} docs" in text, text
        if width >= 50:
            assert re.search(r" ETA \d+:\d\d:\d\d$", text.rstrip()), text


def test_damage_in_an_element_sharing_its_line_with_later_ones_costs_that_element(
        tmp_path: Path) -> None:
    """The first element on a line of its own, the others after the damaged one on its line
    ("[" then "  {a},\n  {b bad}, {c}, {d}"): reading went on at the next line starting an
    element, of which there was none, and the row said "the element is lost; no element
    starts after it" though c and d were lost with it. Now the damaged element is bounded by
    its brackets, c and d read; where it cannot be (a quote left out), at the next element
    that parses alone and is followed by elements (`json_resync`; before: what followed was
    not read)."""
    one = [json.dumps(r) for r in RECORDS]
    text = "[\n  " + one[0] + ",\n  " + ", ".join(one[1:]) + "\n]\n"
    path = tmp_path / "shared.json"
    path.write_text(text.replace('"id": "r2",', '"id": r2,'))
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["r1", "r3", "r4", "r5"]
    assert [e.location for e in errs] == ["line 3, element 2"]
    assert "reading goes on at the next element, at line 3 column" in errs[0].message
    path.write_text(text.replace('"id": "r2",', '"id": r2",'))
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["r1", "r3", "r4", "r5"]
    assert [e.location for e in errs] == ["line 3, element 2"]
    assert "pairs the quotes after it across elements" in errs[0].message


def test_a_quote_added_or_left_out_is_not_taken_for_one_lost_element(tmp_path: Path) -> None:
    """A quote added (or a "}" made one) pairs the quotes across elements, until an escaped
    quote (`\\"stop\\"`) puts them back in step: depth read from there bounded r2 and r3 as
    one element ("the element is lost", r3 lost without a row, the numbers after it shifted).
    The strings read then are the text between strings (", {", "}, {"): such damage is not
    bounded by depth; the elements from it on were lost (one row). Now reading goes on at the
    next element that parses alone and is followed by elements (`json_resync`): r3, whose
    start follows the added quote (`", {`); r2 alone is lost."""
    records = [{"id": "r1", "text": "A."}, {"id": "r2", "v": [1, True]},
               {"id": "r3", "text": 'He said "stop" twice.'}, {"id": "r4", "text": "D."}]
    path = tmp_path / "quote.json"
    for damaged in (json.dumps(records).replace("true]}", 'true]"'),  # its "}" a quote
                    json.dumps(records).replace("true]}", 'true]"}')):
        path.write_text(damaged)
        docs, errs = ingest_all(path)
        assert [d.doc_id for d in docs] == ["r1", "r3", "r4"], damaged
        (row,) = errs
        assert row.location == "line 1, element 2", row.message
        assert "the element is lost, with any element begun in line 1, columns 30-" in (
            row.message)


def test_garbage_after_an_element_sharing_its_line_says_what_it_may_cost(tmp_path: Path
                                                                          ) -> None:
    """Damage after an element that starts a line, with elements after it on that line:
    the row said the line, "where no element starts", was skipped; it holds elements."""
    one = [json.dumps(r) for r in RECORDS]
    text = "[\n  " + one[0] + "x " + ", ".join(one[1:3]) + ",\n  " + ",\n  ".join(one[3:]) + "\n]"
    path = tmp_path / "garbage.json"
    path.write_text(text)
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["r1", "r4", "r5"]
    (row,) = errs
    assert "line 2, and any element on it, is skipped" in row.message, row.message
