"""Faults found in session 41's review of ingest and the CLI, fixed in session 42: a closed
stdout hiding a command's own exit code, JSON parsed without the bracket cap, damaged JSON
objects over several lines losing the rest of their file, a BioC offset's error row. Every
case writes small real-format files."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingest_all, stdout_closed

# ------------------------------------------------------------------------ CLI: closed stdout


def test_a_closed_stdout_keeps_evaluates_own_exit_code(tmp_path: Path) -> None:
    """`biotab evaluate GOLD | head -1` of a gold file of which nothing was read (empty; or
    documents without one gold mention) exited 141, as a good evaluation cut short: the 2
    that tells the wrong file was given was hidden. Only `run` kept its own code; now every
    command does, in one place (the command group)."""
    empty = tmp_path / "empty.pubtator"
    empty.write_text("")
    no_mention = tmp_path / "raw.pubtator"
    no_mention.write_text("1|t|Aspirin for fever.\n1|a|Aspirin reduced fever in 12 of 20.\n\n")
    for gold in (empty, no_mention):
        code, err = stdout_closed("evaluate", str(gold), "--no-model")
        assert code == 2, (gold.name, err)
        assert "Traceback" not in err and "Exception ignored" not in err, err


# ------------------------------------------------------------------------ JSON: the bracket cap


def _over_the_bracket_cap() -> str:
    """A line of two JSON objects one after another, the first holding more "[" than
    MAX_JSON_CONTAINERS (2,000,000 empty arrays: about 6 MB of text)."""
    from pipeline.ingest.json_values import MAX_JSON_CONTAINERS

    return '{"id": "a", "x": [' + "[]," * MAX_JSON_CONTAINERS + '[]]}{"id": "b", "text": "T."}'


def test_objects_one_after_another_are_not_parsed_over_the_bracket_cap() -> None:
    """`load_json` refuses a text of more than MAX_JSON_CONTAINERS brackets before parsing it
    (its Python objects would take GBs), but `json_parts.line_parts` did not: BioC JSON's
    `_is_object`, which tells a file of one document per line, called it on the same line
    after load_json's JsonTooLarge and parsed the objects anyway. The cap is checked where
    the parts are found now, so no caller can miss it."""
    from pipeline.ingest.bioc_json import _is_object
    from pipeline.ingest.json_parts import line_parts

    text = _over_the_bracket_cap()
    assert line_parts(text) is None
    assert not _is_object(text.encode())
    assert line_parts('{"id": "a", "x": [[], []]}{"id": "b", "text": "T."}') is not None


# ------------------------------------------------------------------------ BioC JSON offsets


def test_a_bioc_json_offset_that_is_no_number_is_named_in_its_row(tmp_path: Path) -> None:
    """A BioC JSON passage or sentence offset that is no whole number cost its document with
    Python's words ("ValueError: invalid literal for int() with base 10: 'ten'", "TypeError:
    int() argument must be ..., not 'list'"): now the row names the passage or sentence, the
    key and the value, and what was expected, as BioC XML's rows do."""
    import json

    def doc(ident: str, offset: object, sentence: object = None) -> dict:
        passage: dict = {"offset": offset, "infons": {"type": "abstract"}}
        if sentence is None:
            passage["text"] = "Aspirin reduced fever."
        else:
            passage["sentences"] = [{"offset": sentence, "text": "Aspirin reduced fever."}]
        return {"id": ident, "passages": [
            {"offset": 0, "infons": {"type": "title"}, "text": "Aspirin."}, passage]}

    path = tmp_path / "docs.json"
    path.write_text("\n".join(json.dumps(d) for d in [
        doc("a", 9), doc("b", "ten"), doc("c", [9]), doc("d", float("inf")),
        doc("e", 9, sentence="nine"), doc("f", "9")]) + "\n")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "f"]
    assert [(e.error, e.doc_id) for e in errs] == [("bad_bioc", k) for k in "bcde"]
    expected = "(a passage's or sentence's \"offset\" is its character offset: a whole number)"
    assert [e.message for e in errs] == [
        f"malformed BioC document: passage 2: \"offset\" {shown} is not a whole number "
        f"{expected}; document skipped"
        for shown in ("'ten'", "[9]", "Infinity")] + [
        f"malformed BioC document: sentence 1 of passage 2: \"offset\" 'nine' is not a whole "
        f"number {expected}; document skipped"]
    assert not any("invalid literal" in e.message or "Error" in e.message for e in errs)


# ------------------------------------------------------------------------ JSON objects over lines

ABSTRACT = "Aspirin reduced fever in 12 of 20 patients with influenza."


def _indented(i: int) -> str:
    """Record `i` as `json.dump(obj, indent=2)` writes it: over several lines."""
    import json

    return json.dumps({"id": f"r{i}", "text": f"{ABSTRACT} Case {i}.",
                       "meta": {"arms": [{"n": 1}, {"n": 2}]}}, indent=2)


_DAMAGES = {
    "a string never closed": lambda s: s.replace('."', ".", 1),
    "a quote left out": lambda s: s.replace('"r3"', 'r3"'),
    "a comma left out": lambda s: s.replace('"r3",', '"r3"'),
    "a bracket left out": lambda s: s.replace('{\n        "n": 2', '\n        "n": 2'),
}


@pytest.mark.parametrize("damage", list(_DAMAGES))
@pytest.mark.parametrize("joint", ["}{", "} {"])
def test_a_damaged_object_of_objects_over_lines_costs_itself_only(
        tmp_path: Path, damage: str, joint: str) -> None:
    """JSON objects over several lines one after another, not each starting a line of its
    own (`cat` of files `json.dump(obj, indent=2)` wrote, which end without a newline: "}{"):
    a damaged object lost every object after it ("the elements from 3 on are lost"). Now it
    costs that object only, as on a line of objects one after another and in an array: its
    end found by its brackets and quotes, or else at the next object that parses alone."""
    records = [_indented(i) for i in range(1, 6)]
    records[2] = _DAMAGES[damage](records[2])
    assert records[2] != _indented(3)
    path = tmp_path / "objects.json"
    path.write_text(joint[1:-1].join(records) + "\n")  # (json.dump writes no newline at the end)
    assert path.read_text().count(joint) == 4
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["r1", "r2", "r4", "r5"], [e.message for e in errs]
    assert [(e.error, e.location.split(", ")[1]) for e in errs] == [("bad_json", "element 3")]
    assert "lost" in errs[0].message and "reading goes on at the next element" in errs[0].message


def test_damaged_objects_over_lines_are_read_in_linear_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every other object of a file of "}{"-joined objects over several lines has a string
    never closed: the characters visited (`work_count`) grow 4 times for 4 times the objects,
    and every undamaged object is read."""
    from work_count import count_json_work, grows_linearly

    work = count_json_work(monkeypatch)
    visited = []
    for n in (100, 400):
        records = [_indented(i) for i in range(1, n + 1)]
        records = [_DAMAGES["a string never closed"](r) if i % 2 else r
                   for i, r in enumerate(records)]
        path = tmp_path / f"many{n}.json"
        path.write_text("".join(records) + "\n")
        work.chars = 0
        docs, errs = ingest_all(path)
        visited.append(work.chars)
        assert [d.doc_id for d in docs] == [f"r{i}" for i in range(1, n + 1, 2)]
        assert len(errs) == n // 2
    assert grows_linearly(*visited), visited


# ------------------------------------------------------------------------ one of each


def test_a_line_of_objects_is_resynced_with_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """`line_parts` found the first part (and, for one that bracket and quote depth do not
    bound, its resync) to tell a line of objects, then `_parts` found it again with a
    `Resync` of its own: the first part scanned twice and the line's resync budget (linear
    time's bound) doubled. One `Resync` and one scan of the first part now."""
    from pipeline.ingest import json_parts
    from pipeline.ingest.json_resync import Resync

    made: list[Resync] = []
    scans: list[int] = []

    class Counted(Resync):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(self)

    real_part_end = json_parts.part_end

    def counted_part_end(text: str, pos: int, limit: int | None = None
                         ) -> tuple[int, bool] | None:
        scans.append(pos)
        return real_part_end(text, pos, limit)

    monkeypatch.setattr(json_parts, "Resync", Counted)
    monkeypatch.setattr(json_parts, "part_end", counted_part_end)
    line = ('{"id": "a", "text": "never closed}{"id": "b", "text": "T."}'
            '{"id": "c", "text": "T."}')
    parts = json_parts.line_parts(line)
    assert parts is not None
    assert [(p.error is None, p.value and p.value["id"]) for p in parts] == [
        (False, None), (True, "b"), (True, "c")]
    assert len(made) == 1
    assert scans.count(0) == 1


def test_a_damaged_element_is_scanned_once_for_its_end(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`_shares_lines` (of json_array, now json_elements) scanned a damaged element for its end
    up to the next line that starts an element, then, finding none there, scanned it again
    from its start (the end kept for its row, `_Ends`): one scan now, the one its row uses
    too."""
    from pipeline.ingest import json_elements

    scans: list[int] = []
    real_extent = json_elements.extent

    def counted_extent(text: str, pos: int, limit: int | None = None) -> int | None:
        scans.append(pos)
        return real_extent(text, pos, limit)

    monkeypatch.setattr(json_elements, "extent", counted_extent)
    path = tmp_path / "docs.json"
    path.write_text('[\n  {"id": "a", "text": "T."},\n  {"id": "b", "text": "never closed},\n'
                    '  {"id": "c", "text": "T."}\n]\n')
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "c"]
    assert [(e.error, e.location) for e in errs] == [("bad_json", "line 3, element 2")]
    damaged = path.read_text().index('{"id": "b"')
    assert scans.count(damaged) == 1


def test_the_json_readers_share_one_decoder() -> None:
    """json_array, json_parts and bioc_json_items each defined the same decoder (integers too
    long as HugeNumbers): one now, `json_values.DECODER`."""
    from pipeline.ingest import bioc_json_items, json_elements, json_parts, json_values

    assert json_elements.DECODER is json_parts.DECODER is bioc_json_items.DECODER
    assert json_values.DECODER is json_elements.DECODER
    assert not any(hasattr(m, "_DECODER") for m in (json_elements, json_parts, bioc_json_items))


def test_the_ingest_modules_stay_under_the_size_limit() -> None:
    """The project's module limit (about 600 lines) on the readers: json_array (613 lines) and
    xmlrecords (613) were over it, split by job now (json_elements parses a JSON array's
    elements; xml_scan cuts an XML stream into records)."""
    import pipeline.ingest

    folder = Path(str(pipeline.ingest.__file__)).parent
    sizes = {p.name: p.read_text(encoding="utf-8").count("\n") for p in folder.glob("*.py")}
    assert {"json_elements.py", "xml_scan.py"} <= set(sizes)
    assert all(n <= 600 for n in sizes.values()), {k: n for k, n in sizes.items() if n > 600}


# ------------------------------------------------------------------------ CLI: one of each


def test_the_lexicon_index_is_written_by_a_biotab_command(blank: object, tmp_path: Path
                                                          ) -> None:
    """`python -m pipeline.components.lexicon_index FOLDER` had a command line of its own,
    hand-written (its usage, `--help`, exit codes) beside typer's: it is `biotab kb index
    FOLDER...` now, a plain function (`write_indexes`) under the CLI as the other commands'
    stage functions are, with their one-line errors and exit 2."""
    import json

    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.components.lexicon import PATTERNS_FILE, LexiconMatcher
    from pipeline.components.lexicon_index import INDEX_FILE

    source = tmp_path / "patterns.jsonl"
    source.write_text(json.dumps({"label": "DRUG", "pattern": [{"LOWER": "aspirin"}],
                                  "id": "MESH:D001241"}) + "\n", encoding="utf-8")
    saved = tmp_path / "lex"
    LexiconMatcher(blank, "lex", patterns_path=str(source)).to_disk(saved)  # type: ignore[arg-type]
    (saved / INDEX_FILE).unlink()
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "index", str(saved), str(tmp_path / "typo")])
    assert result.exit_code == 2
    assert result.stderr == (f"biotab kb index: no {PATTERNS_FILE} in {tmp_path / 'typo'} (give "
                             "the saved biotab_lexicon folder, e.g. "
                             "models/biotab_ner/biotab_lexicon)\n")
    assert not (saved / INDEX_FILE).exists()  # checked before any index is written
    result = runner.invoke(app, ["kb", "index", str(saved)])
    assert result.exit_code == 0, result.output
    assert (saved / INDEX_FILE).exists()
    assert "FOLDER" in runner.invoke(app, ["kb", "index", "--help"]).stdout
    import pipeline.components.lexicon_index as module

    assert not hasattr(module, "main")


def test_the_progress_counts_shards_as_it_counts_documents() -> None:
    """The progress line said "1234/3,600 shards" (the shards done without thousands
    separators, those in all with them) and the bar "2/3600 shards 36,000,000 docs": both
    numbers are written alike now, as the documents are."""
    import io
    import re

    from rich.console import Console

    from pipeline.runner.progress import Reporter
    from pipeline.runner.shard import ShardResult

    reporter = Reporter(3_600, "off")
    reporter.shards, reporter.n_docs = 1_234, 12_340_000
    assert reporter.status_line(100.0).startswith("1,234/3,600 shards, 12,340,000 documents")
    console = Console(width=100, record=True, file=io.StringIO())
    bar = Reporter(3_600, "rich", console=console)
    bar.start(live=False)
    try:
        bar.shard_done(ShardResult("s0", "x", {"documents": 5}, n_words=50, seconds=1.0))
    finally:
        bar.stop()
    text = console.export_text().splitlines()[-1]
    assert re.search(r" 1/3,600 shards 5 docs ", text), text
