"""Faults found in session 41: one definition for each fact (the run's reader failures, an
IOB2 line), a failed run's exit code kept when its output is cut short, and damaged JSON
costing only the record it is in. Every case writes small real-format files."""

from __future__ import annotations

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
