"""`biotab run`: tables and manifest, refusing an earlier run, bad input, determinism, duplicates
across shards, and resuming a run killed with SIGKILL (with the process pool).

The spaCy pipeline is built once per process: `run(..., workers=1)` runs in this process and
`pipeline.run.worker_nlp` caches the pipeline per factory, so every in-process run of this module
(CLI runs included: they use the same default factory) shares one.
`BIOTAB_TEST_NLP_FACTORY=module:attr` swaps in another factory (debugging only).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from helpers import fail_jsonl_line, nlp_factory, read_tables
from typer.testing import CliRunner

from pipeline import SCHEMA_VERSION, __version__
from pipeline import write as W
from pipeline.cli import app
from pipeline.run import RunError, run, worker_nlp
from pipeline.runner import units as units_mod
from pipeline.shard_writer import ShardWriter
from pipeline.write import TABLES, OutputExistsError

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


#: A progress line of the log ("2/2 shards, 8 documents (...)", "0/1 shard, ...").
PROGRESS = re.compile(r"\d+/[\d,]+ shards?, ")
#: The pipeline `biotab run` uses by default (the trained model when models/biotab_ner exists).
NLP_FACTORY = nlp_factory()


def write_corpus(folder: Path, n_files: int = 40, docs_per_file: int = 4) -> Path:
    """JSONL files of small abstracts; one id repeated across files, one inside a file, one bad
    line."""
    folder.mkdir(parents=True, exist_ok=True)
    sentences = [
        "Dupilumab improved atopic dermatitis in 12 of 20 patients (60%).",
        "Rituximab was given for dermatomyositis after mycophenolate mofetil failed.",
        "Fingolimod and teriflunomide reduce relapses in multiple sclerosis (MS).",
        "IL-13 and IL-4 drive itch; tumor necrosis factor was not raised.",
        "Lenalidomide and thalidomide were tried in cutaneous lupus erythematosus (CLE).",
        "No response was seen with imiquimod in alopecia areata.",
    ]
    for k in range(n_files):
        lines = []
        for i in range(docs_per_file):
            text = " ".join(sentences[(k + i + j) % len(sentences)] for j in range(3))
            lines.append(json.dumps({"id": f"d{k:02d}-{i:02d}", "text": text, "year": 2000 + k}))
        if k == 5:
            lines.append(json.dumps({"id": "d01-00", "text": "A copy of an earlier id."}))
        if k == 7:
            lines.append(json.dumps({"id": "d07-00", "text": "The same id twice in one file."}))
        if k == 9:
            lines.append('{"id": "broken", "text": ')
        (folder / f"batch_{k:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "in")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted in-process run over the corpus."""
    out = tmp_path_factory.mktemp("reference") / "out"
    summary = run([corpus], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    assert summary.status == "complete"
    return out


@pytest.fixture(scope="module")
def reference_units(corpus: Path, reference: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, with one unit of work per input file (`unit_bytes=1`), as the runs that are
    interrupted use: where duplicates across units are reported (the run's own error part)
    depends on the units."""
    out = tmp_path_factory.mktemp("reference_units") / "out"
    summary = run([corpus], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY, unit_bytes=1)
    assert summary.status == "complete"
    assert [len(list((out / t).glob("part-*.parquet"))) for t in TABLES] == [1, 1, 1, 1, 2]
    t, ref = read_tables(out), read_tables(reference)
    assert all(t[name] == ref[name] for name in ("documents", "sentences", "mentions",
                                                  "outcomes"))
    return out


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """`biotab run seeds/ --out OUT --workers 1` through the CLI."""
    out = tmp_path_factory.mktemp("seeds") / "out"
    result = CliRunner().invoke(app, ["run", str(SEEDS), "--out", str(out), "--workers", "1",
                                      "--quiet"])
    return out, result


# --------------------------------------------------------------------------- end to end


def test_cli_run_seeds_writes_tables(seeds_out: tuple[Path, Any]) -> None:
    out, result = seeds_out
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    first = max(i for i, line in enumerate(lines) if line.startswith("5 documents, "))
    summary = lines[first:]  # (the counts, the speed and the output folder: 80 columns)
    assert " mentions, " in summary[0] and " outcomes, " in summary[0] \
        and summary[0].endswith(" 0 errors")
    assert "words/s" in summary[1] and " ".join(summary).endswith(f"-> {out}")
    assert max(map(len, summary)) <= 80 or len(str(out)) > 70, summary

    docs = pd.read_parquet(out / "documents")
    assert sorted(docs["doc_id"]) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    mentions = pd.read_parquet(out / "mentions")
    assert len(mentions) > 0
    assert set(mentions["doc_id"]) <= set(docs["doc_id"])
    con = duckdb.connect()
    n_duck = con.execute(
        f"SELECT count(*) FROM read_parquet('{out}/mentions/*.parquet')").fetchone()
    assert n_duck is not None and n_duck[0] == len(mentions)
    labels = {r[0] for r in con.execute(
        f"SELECT DISTINCT label FROM read_parquet('{out}/mentions/*.parquet')").fetchall()}
    assert labels <= {"DRUG", "DISEASE", "CYTOKINE"}
    # seed 004's one adverse-event figure is of a list of side effects: no one event named
    events = con.execute(
        f"SELECT measure, value, event_text FROM read_parquet('{out}/outcomes/*.parquet') "
        "WHERE measure = 'adverse_event'").fetchall()
    assert events == [("adverse_event", 13.0, None)]
    for name in TABLES:  # every table is readable, even an empty one
        con.execute(f"SELECT * FROM read_parquet('{out}/{name}/*.parquet') LIMIT 1")
        pd.read_parquet(out / name)


def test_seed_mentions_carry_what_the_components_set(seeds_out: tuple[Path, Any]) -> None:
    """The mentions table as a reader queries it: assertion flags and their cues, abbreviations
    and their long forms, class words, the fuzzy match and the concept names (each column was
    written as its default before, unseen: only runs compared with each other read them)."""
    out, result = seeds_out
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    con.execute(f"CREATE VIEW m AS SELECT *, left(doc_id, 3) AS seed "
                f"FROM read_parquet('{out}/mentions/*.parquet')")
    flags = con.execute(
        "SELECT seed, text, negated, hypothetical, uncertain, assertion_cue FROM m WHERE "
        "text IN ('polyneuropathy', 'thrombosis', 'conjunctivitis', 'pneumonia') "
        "OR (seed = '004' AND text = 'Lenalidomide' AND uncertain) ORDER BY seed, start_char"
    ).fetchall()
    assert flags == [
        ("002", "pneumonia", False, True, False, "risk of"),
        ("003", "conjunctivitis", True, False, False, "no"),
        ("004", "polyneuropathy", True, False, False, "Neither"),
        ("004", "thrombosis", True, False, False, "nor"),
        ("004", "Lenalidomide", False, False, True, "appears to be efficacious"),
    ]
    mentions = pd.read_parquet(out / "mentions")
    short = mentions[mentions["text"].isin(["MS", "CLE", "NSAIDs"])]
    assert set(zip(short["text"], short["is_abbreviation"], short["long_form"],
                   short["concept_name"], short["is_generic"], strict=True)) == {
        ("MS", True, "multiple sclerosis", "Multiple Sclerosis", False),
        ("CLE", True, "Cutaneous lupus erythematosus", "Lupus Erythematosus, Cutaneous", False),
        ("NSAIDs", True, "non-steroidal anti-inflammatory drugs",
         "Anti-Inflammatory Agents, Non-Steroidal", True),
    }
    fuzzy = mentions[mentions["source"] == "fuzzy"]
    assert set(zip(fuzzy["text"], fuzzy["concept_id"], fuzzy["concept_name"], strict=True)) == {
        ("dumilumab", "MESH:C582203", "dupilumab")}
    # (fuzzy 0.71, model 0.85, lexicon 0.9, both 0.97; the mention filter's curated "telogen
    # effluvium" rows, source "rule", have none)
    assert mentions.loc[mentions["source"] != "rule", "score"].between(0.5, 1.0).all()
    assert fuzzy["score"].max() < mentions.loc[mentions["source"] == "lexicon", "score"].min()


def test_seed_sentences_and_documents_carry_their_language(seeds_out: tuple[Path, Any]) -> None:
    """Seed 003's Russian title and seed 004's Catalan rights notice are sentences of their own
    language in documents in English (the language columns were unseen in every table test)."""
    out, _ = seeds_out
    con = duckdb.connect()
    other = con.execute(
        f"SELECT left(doc_id, 3), sent_idx, language FROM read_parquet('{out}/sentences/*.parquet')"
        " WHERE language IS DISTINCT FROM 'en' ORDER BY doc_id, sent_idx").fetchall()
    assert other == [("003", 0, "ru"), ("004", 24, "ca"), ("004", 25, "ca"), ("004", 26, "ca")]
    docs = pd.read_parquet(out / "documents")
    assert docs["language"].tolist() == ["en"] * 5


def test_every_file_carries_versions(seeds_out: tuple[Path, Any]) -> None:
    out, _ = seeds_out
    files = [f for name in TABLES for f in (out / name).glob("*.parquet")]
    assert files
    for f in files:
        meta = pq.read_schema(f).metadata
        assert meta[b"biotab_version"] == __version__.encode()
        assert meta[b"schema_version"] == SCHEMA_VERSION.encode()
    assert not list(out.rglob("*.tmp"))


def test_manifest(seeds_out: tuple[Path, Any]) -> None:
    out, _ = seeds_out
    m = json.loads((out / "manifest.json").read_text())
    for key in ("run_id", "started_at", "ended_at", "biotab_version", "schema_version",
                "command", "engine", "workers", "models", "counts", "inputs", "shards"):
        assert key in m, key
    assert m["status"] == "complete"
    assert m["biotab_version"] == __version__ and m["schema_version"] == SCHEMA_VERSION
    assert m["command"].startswith("biotab run ")
    assert m["engine"] == "local" and m["workers"] == 1
    assert m["shards"]["total"] == m["shards"]["done"] == 5 and m["shards"]["failed"] == []
    assert {"kb", "ner_model"} <= set(m["models"])
    hashes = {Path(i["path"]).name: i["sha256"] for i in m["inputs"]}
    assert hashes == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in SEEDS.glob("*.txt")}
    for name in TABLES:
        assert m["counts"][name] == len(pd.read_parquet(out / name)), name
    # one worker (this process): its start-up, peak memory and the words of its units
    [worker] = m["worker_stats"]
    assert 0 < worker["build_s"] <= worker["startup_s"]
    assert worker["startup_cpu_s"] > 0 and worker["peak_rss_mb"] > 100
    assert worker["units"] == 5 and worker["n_words"] == m["n_words"]


def test_refuses_earlier_run_unless_overwrite(seeds_out: tuple[Path, Any],
                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    one = [str(SEEDS / "000_9662ce3457697b4f.txt")]
    base = ["run", *one, "--out", str(out), "--workers", "1", "--quiet"]
    assert CliRunner().invoke(app, base).exit_code == 0
    (out / "notes.txt").write_text("mine")
    again = CliRunner().invoke(app, base)
    assert again.exit_code == 2
    assert "earlier run" in again.output and "--overwrite" in again.output
    # only a table folder left over: still an earlier run
    (out / "manifest.json").unlink()
    assert CliRunner().invoke(app, base).exit_code == 2
    replaced = CliRunner().invoke(app, [*base, "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert (out / "notes.txt").read_text() == "mine"  # not ours: left alone
    assert len(pd.read_parquet(out / "documents")) == 1
    resumed = CliRunner().invoke(app, [*base, "--resume"])  # a finished run: nothing to redo
    assert resumed.exit_code == 0 and "resumed: 1 of 1" in resumed.stdout


def test_bad_input_rows_and_fail_on_error(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "good.txt").write_text("Rituximab was used for dermatomyositis.\n")
    (inp / "empty.txt").write_text("  \n")
    (inp / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (inp / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    missing = tmp_path / "does-not-exist"
    args = ["run", str(inp), str(missing), "--workers", "1", "--quiet"]

    ok = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert ok.exit_code == 0, ok.output
    assert "1 document, " in ok.stdout and "4 errors" in ok.stdout
    errors = pd.read_parquet(tmp_path / "a" / "errors")
    kinds = dict(zip(errors["source"].map(lambda s: Path(s).name), errors["error"], strict=True))
    assert kinds == {"empty.txt": "empty_file", "binary.txt": "binary_file",
                     "latin1.txt": "not_utf8", "does-not-exist": "missing_path"}

    strict = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "b"), "--fail-on-error"])
    assert strict.exit_code == 1
    assert "4 errors" in strict.stdout  # the tables are still written
    assert len(pd.read_parquet(tmp_path / "b" / "documents")) == 1


def test_missing_path_is_an_error_row_and_the_run_goes_on(tmp_path: Path) -> None:
    seed = SEEDS / "001_f10b6a34d2cc23e3.txt"
    summary = run([tmp_path / "nope.txt", seed], tmp_path / "out", workers=1, quiet=True,
                  nlp_factory=NLP_FACTORY)
    assert summary.exit_code == 0 and summary.documents == 1 and summary.errors == 1
    err = pd.read_parquet(tmp_path / "out" / "errors").iloc[0]
    assert err["error"] == "missing_path" and err["source"].endswith("nope.txt")
    assert err["stage"] == "ingest"
    # the summary says so: "1 errors" alone did not tell that an input was not found
    assert summary.notes() == ["1 input path not found; see the errors rows 'missing_path'"]
    assert run([tmp_path / "nope.txt", seed], tmp_path / "o2", workers=1, quiet=True,
               fail_on_error=True, nlp_factory=NLP_FACTORY).exit_code == 1
    with pytest.raises(RunError, match="no input path exists"):  # nothing to read at all
        run([tmp_path / "nope.txt"], tmp_path / "o3", workers=1, nlp_factory=NLP_FACTORY)
    assert not (tmp_path / "o3").exists()


def test_the_summary_says_a_count_of_1_in_the_singular(tmp_path: Path) -> None:
    """`biotab run` printed "1 documents, ..., 1 errors" ("1 worker" was right already) and
    "[1 input path(s) not found ...]": each count of 1 is now in the singular."""
    seed = SEEDS / "001_f10b6a34d2cc23e3.txt"
    result = CliRunner().invoke(app, ["run", str(seed), str(tmp_path / "nope.txt"), "--out",
                                      str(tmp_path / "out"), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1 document, ") and lines[0].endswith(", 1 error"), lines
    assert ", local, 1 worker) -> " in " ".join(lines[1:-1]), lines  # (the folder: long)
    assert lines[-1] == "[1 input path not found; see the errors rows 'missing_path']"
    assert not re.search(r"\b1 [a-z]+s\b", result.stdout), result.stdout
    resumed = CliRunner().invoke(app, ["run", str(seed), "--out", str(tmp_path / "one"),
                                       "--workers", "1", "--quiet"])
    assert resumed.stdout.startswith("1 document, "), resumed.stdout
    again = CliRunner().invoke(app, ["run", str(seed), "--out", str(tmp_path / "one"),
                                     "--workers", "1", "--quiet", "--resume"])
    assert "[resumed: 1 of 1 shard was done]" in again.stdout, again.stdout


def test_the_summary_says_why_fewer_workers_ran_and_when_nothing_was_annotated(
        tmp_path: Path) -> None:
    """`--workers 2` on one file said "1 worker" with no reason, and a resume of a finished
    run "0 words/s (0 words in 0.6s, ...)", which reads as a stalled run (new user's review)."""
    seed = SEEDS / "004_f42307a9e4e55ef1.txt"
    out = tmp_path / "one"
    first = CliRunner().invoke(app, ["run", str(seed), "--out", str(out), "--workers", "2",
                                     "--quiet"])
    assert first.exit_code == 0, first.output
    text = " ".join(first.stdout.split())
    assert ", local, 1 worker) -> " in text, text
    assert ("[2 workers asked, 1 used: the input gave 1 unit of work to do and a unit goes to "
            "one worker (only JSON Lines files are cut into several: give several files to "
            "use more workers)]") in text, text
    again = CliRunner().invoke(app, ["run", str(seed), "--out", str(out), "--workers", "2",
                                     "--quiet", "--resume"])
    text = " ".join(again.stdout.split())
    assert "no word annotated (" in text and "words/s" not in text, text
    assert "workers asked" not in text, text  # no unit to do: nothing to explain


@pytest.mark.parametrize(("option", "message"), [
    ({"part_mb": float("inf")}, "--part-mb must be a finite number"),
    ({"max_file_mb": float("inf")}, "--max-file-mb must be a finite number"),
    ({"max_record_mb": float("nan")}, "--max-record-mb must be a finite number"),
    ({"doc_timeout_s": float("inf")}, "--doc-timeout must be a finite number"),
    ({"doc_timeout_s": 1e300}, "--doc-timeout must be 0"),
    ({"block_size": -1}, "--block-size must be 0"),  # every JSONL line was silently dropped
    ({"max_file_mb": 1e308}, "--max-file-mb must be at most"),  # finite, but no C integer
    ({"part_mb": 1e300}, "--part-mb must be at most"),
])
def test_numbers_that_cannot_work_are_refused_before_anything_runs(
        tmp_path: Path, option: dict[str, float], message: str) -> None:
    with pytest.raises(RunError, match=message):
        run([SEEDS], tmp_path / "out", workers=1, nlp_factory=NLP_FACTORY, **option)
    assert not (tmp_path / "out").exists()


def test_a_reader_failure_makes_the_run_exit_1(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader's bug loses the rest of its shard (one 'reader_failed' row): the run says so
    and exits 1 without --fail-on-error; an ordinary bad record does not."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "docs.jsonl").write_text(
        "".join(json.dumps({"id": i, "text": "Aspirin helped."}) + "\n" for i in "abc"))
    (corpus / "bad.jsonl").write_text('{"id": "x", "text": \n', encoding="utf-8")  # bad_json
    clean = run([corpus], tmp_path / "clean", workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    assert (clean.errors, clean.reader_failures, clean.exit_code) == (1, 0, 0)
    fail_jsonl_line(monkeypatch, 2)
    summary = run([corpus], tmp_path / "out", workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    assert (summary.reader_failures, summary.exit_code) == (1, 1)
    assert "RECORDS LOST" in summary.line() and summary.documents == 1


def test_options_that_cannot_work(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="unknown format"):
        run([SEEDS], tmp_path / "a", fmt="docx", workers=1, nlp_factory=NLP_FACTORY)
    with pytest.raises(RunError, match="engine"):
        run([SEEDS], tmp_path / "b", engine="spark", nlp_factory=NLP_FACTORY)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "manifest.json").write_text("{}")
    with pytest.raises(OutputExistsError):
        run([SEEDS], tmp_path / "c", workers=1, nlp_factory=NLP_FACTORY)
    with pytest.raises(ValueError, match="exclude"):
        run([SEEDS], tmp_path / "c", workers=1, resume=True, overwrite=True,
            nlp_factory=NLP_FACTORY)


# --------------------------------------------------------------------------- corpus runs


def test_reference_run(reference: Path, corpus: Path) -> None:
    t = read_tables(reference)
    ids = [d["doc_id"] for d in t["documents"]]
    assert len(ids) == len(set(ids)) == 40 * 4
    assert ids == sorted(ids)  # input order: files sorted, lines in order
    errors = {(Path(e["source"]).name, e["error"], e["doc_id"]) for e in t["errors"]}
    assert ("batch_05.jsonl", "duplicate_id", "d01-00") in errors  # across shards
    assert ("batch_07.jsonl", "duplicate_id", "d07-00") in errors  # inside one shard
    assert ("batch_09.jsonl", "bad_json", "broken") in errors
    kept = next(d for d in t["documents"] if d["doc_id"] == "d01-00")
    assert kept["source"].endswith("batch_01.jsonl")  # the first in input order wins
    assert not any(s["doc_id"] == "d01-00" and s["text"].startswith("A copy")
                   for s in t["sentences"])
    m = json.loads((reference / "manifest.json").read_text())
    assert m["duplicates_dropped"] == 1
    assert m["counts"] == {name: len(rows) for name, rows in t.items()}


def test_rerun_is_identical(reference: Path, corpus: Path, tmp_path: Path) -> None:
    run([corpus], tmp_path / "again", workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    assert read_tables(tmp_path / "again") == read_tables(reference)


def test_jsonl_blocks_give_the_same_tables(reference: Path, corpus: Path,
                                           tmp_path: Path) -> None:
    """Files split into blocks of 2 lines: more, smaller shards; the same rows in the same
    order. (A duplicate id in two blocks of one file is reported by the cross-shard check, so
    only that error row's message differs.)"""
    summary = run([corpus], tmp_path / "blocks", workers=1, quiet=True, block_size=2,
                  nlp_factory=NLP_FACTORY)
    assert summary.shards_total == 40 * 2 + 3  # files 5, 7 and 9 have a fifth line
    blocks, ref = read_tables(tmp_path / "blocks"), read_tables(reference)
    for name in ("documents", "sentences", "mentions", "outcomes"):
        assert blocks[name] == ref[name], name
    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        return (e["source"], e["error"], e["doc_id"])

    assert sorted(map(key, blocks["errors"])) == sorted(map(key, ref["errors"]))


def _interrupt_before_compaction(monkeypatch: pytest.MonkeyPatch) -> None:
    def stop(*args: Any, **kwargs: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(units_mod, "compact", stop)


def test_resume_redoes_unfinished_shards(reference_units: Path, corpus: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A run stopped after its units, before the compaction; then unit markers removed and
    junk left as an interrupted run would: resume redoes exactly those units and gives the
    same tables."""
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        _interrupt_before_compaction(m)
        with pytest.raises(KeyboardInterrupt):
            run([corpus], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY, unit_bytes=1)
    markers = sorted((out / "_shards").glob("*.json"))
    assert len(markers) == 40 and not list((out / "_parts").glob("*.json"))
    for marker in markers[3:6]:
        marker.unlink()
    sid = markers[3].stem
    (out / "mentions" / f".part-{sid}-00000.parquet.x.tmp").write_bytes(b"half a file")
    (out / "sentences" / f"part-{sid}-00007.parquet").write_bytes(b"stale part")
    summary = run([corpus], out, workers=1, quiet=True, resume=True, nlp_factory=NLP_FACTORY,
                  unit_bytes=1)
    assert summary.shards_skipped == 37 and summary.shards_done == 40
    assert not list(out.rglob("*.tmp")) and not (out / "sentences" /
                                                  f"part-{sid}-00007.parquet").exists()
    assert read_tables(out) == read_tables(reference_units)
    assert [len(list((out / t).glob("part-*.parquet"))) for t in TABLES] == [1, 1, 1, 1, 2]
    with pytest.raises(RunError, match="different settings"):
        run([corpus], out, workers=1, quiet=True, resume=True, id_field="pmid",
            nlp_factory=NLP_FACTORY)


def test_a_refused_resume_names_each_setting_with_its_old_and_new_value(tmp_path: Path) -> None:
    """The refusal named the settings' keys only ('used different settings (max_record_bytes,
    doc_timeout_s)'): not the option to give, nor the value the run was made with."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b", "c", "d", "e"):
        (inputs / f"{name}.txt").write_text(f"Aspirin {name}.\n", encoding="utf-8")
    out = tmp_path / "out"
    first = sorted(str(p) for p in inputs.iterdir())
    run(first[:4], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    from pipeline.runner.bookkeeping import SETTING_NAMES

    # every setting a run records is named as the user knows it (a new one is not left out)
    assert set(W.read_manifest(out)["settings"]) - set(SETTING_NAMES) == {"inputs"}
    with pytest.raises(RunError) as refused:
        run(first[1:], out, workers=1, quiet=True, resume=True, nlp_factory=NLP_FACTORY,
            max_record_mb=8, doc_timeout_s=30, id_field="pmid", part_mb=0.5)
    message = str(refused.value)
    assert "\n" not in message
    for said in ("--max-record-mb 32 then, 8 now", "--doc-timeout 600 then, 30 now",
                 "--id-field 'id' then, 'pmid' now", "--part-mb 128 then, 0.5 now",
                 f"inputs: 4 then, 4 now (added: {first[4]}; left out: {first[0]})"):
        assert said in message, message


KILL_SCRIPT = textwrap.dedent("""
    import importlib, os, sys
    from pipeline.nlp import build_nlp
    from pipeline.run import run

    spec = os.environ.get("BIOTAB_TEST_NLP_FACTORY")
    if spec:
        mod, _, attr = spec.partition(":")
        factory = getattr(importlib.import_module(mod), attr)
    else:
        factory = build_nlp
    if __name__ == "__main__":
        run([sys.argv[1]], sys.argv[2], workers=2, quiet=True, nlp_factory=factory,
            unit_bytes=1)
""")


@pytest.mark.slow
def test_resume_after_sigkill(reference_units: Path, corpus: Path, tmp_path: Path) -> None:
    """A 2-worker run is killed (SIGKILL to the driver: its workers die with it), then
    resumed, again with 2 worker processes: the tables equal the uninterrupted in-process run
    (so this also checks the process pool against in-process)."""
    import psutil

    out = tmp_path / "out"
    script = tmp_path / "killme.py"
    script.write_text(KILL_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(corpus), str(out)],
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=REPO)
    deadline = time.monotonic() + 300
    workers: list[psutil.Process] = []
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            n_done = len(list((out / "_shards").glob("*.json"))) if out.exists() else 0
            if n_done >= 4:
                break
            time.sleep(0.02)
        workers = psutil.Process(proc.pid).children(recursive=True)
        proc.kill()
        proc.wait()
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, "worker processes outlived the killed driver"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    done_at_kill = len(list((out / "_shards").glob("*.json")))
    assert 4 <= done_at_kill < 40, "the run was not killed midway"
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"

    refused = CliRunner().invoke(app, ["run", str(corpus), "--out", str(out), "--quiet"])
    assert refused.exit_code == 2

    summary = run([corpus], out, workers=2, quiet=True, resume=True, nlp_factory=NLP_FACTORY,
                  unit_bytes=1)
    assert summary.status == "complete" and summary.workers == 2
    assert summary.shards_skipped >= done_at_kill
    assert read_tables(out) == read_tables(reference_units)
    assert not list(out.rglob("*.tmp"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["attempts"]) == 2
    assert manifest["run_id"] and len(manifest["inputs"]) == 40


# --------------------------------------------------------------------------- pieces


def test_shard_writer_rolls_over_and_aborts(tmp_path: Path) -> None:
    rows = [{"doc_id": f"d{i}", "sent_idx": 0, "start_char": 0, "end_char": 1, "text": "x"}
            for i in range(25)]
    w = ShardWriter(tmp_path, "s.000000000.abc", row_group_rows=4, max_file_rows=10)
    w.add({"sentences": rows})
    assert not list((tmp_path / "sentences").glob("part-*"))  # nothing visible before commit
    assert w.commit()["sentences"] == 25
    parts = sorted((tmp_path / "sentences").glob("part-*.parquet"))
    assert [p.name for p in parts] == [f"part-s.000000000.abc-{n:05d}.parquet" for n in range(3)]
    assert [pq.read_metadata(p).num_rows for p in parts] == [10, 10, 5]
    assert [r["doc_id"] for p in parts for r in pq.read_table(p).to_pylist()] == [
        f"d{i}" for i in range(25)]
    w2 = ShardWriter(tmp_path, "t.000000000.abc", row_group_rows=2)
    w2.add({"sentences": rows[:5]})
    w2.abort()
    assert not [f for f in (tmp_path / "sentences").iterdir() if "t.000" in f.name]


def test_a_row_the_schema_cannot_hold_costs_that_row(tmp_path: Path) -> None:
    # one value out of an int32 column's range failed every document of the shard
    good = {"doc_id": "a", "outcome_id": "0:0", "sent_idx": 0, "start_char": 0, "end_char": 2,
            "text": "12", "measure": "other", "value": 12.0, "unit": "count", "numerator": 12,
            "negated": False}
    bad = dict(good, doc_id="b", numerator=3_000_000_000)
    w = ShardWriter(tmp_path, "s.000000000.abc", row_group_rows=1)
    w.add({"outcomes": [good, bad, dict(good, doc_id="c")]})
    counts = w.commit()
    assert counts["outcomes"] == 2 and counts["errors"] == 1
    rows = [r for p in sorted((tmp_path / "outcomes").glob("part-*.parquet"))
            for r in pq.read_table(p).to_pylist()]
    assert [r["doc_id"] for r in rows] == ["a", "c"]
    (err,) = [r for p in (tmp_path / "errors").glob("part-*.parquet")
              for r in pq.read_table(p).to_pylist()]
    assert (err["doc_id"], err["stage"], err["error"]) == ("b", "write", "unwritable_row")
    assert "outcomes row" in err["message"]


def test_an_unwritable_documents_row_drops_the_documents_rows_in_every_table(
        tmp_path: Path) -> None:
    doc = {"doc_id": "a", "source": "in.jsonl", "format": "jsonl", "text": "x", "n_chars": 1,
           "sha256": "0" * 64}
    sentence = {"doc_id": "a", "sent_idx": 0, "start_char": 0, "end_char": 1, "text": "x"}
    mention = {"doc_id": "a", "mention_id": 0, "sent_idx": 0, "start_char": 0,
               "end_char": 1, "text": "x", "label": "DRUG", "source": "model",
               "is_abbreviation": False, "negated": False, "hypothetical": False,
               "uncertain": False}
    outcome = {"doc_id": "a", "outcome_id": "0:0", "sent_idx": 0, "start_char": 0,
               "end_char": 1, "text": "x", "measure": "other", "value": 1.0, "unit": "count",
               "negated": False}
    timeout = {"source": "in.jsonl", "doc_id": "b", "stage": "tag", "error": "timeout",
               "message": "too slow"}
    w = ShardWriter(tmp_path, "s.000000000.abc", row_group_rows=1)
    w.add({"documents": [doc, dict(doc, doc_id="b", n_chars=2**40), dict(doc, doc_id="c")],
           **{name: [row, dict(row, doc_id="b"), dict(row, doc_id="b"), dict(row, doc_id="c")]
              for name, row in (("sentences", sentence), ("mentions", mention),
                                ("outcomes", outcome))},
           "errors": [timeout]})
    counts = w.commit()
    assert counts == {"documents": 2, "sentences": 2, "mentions": 2, "outcomes": 2, "errors": 2}
    tables = read_tables(tmp_path)
    for name in ("documents", "sentences", "mentions", "outcomes"):
        assert [r["doc_id"] for r in tables[name]] == ["a", "c"], name
    timeout_row, err = tables["errors"]
    assert timeout_row == {**timeout, "location": None}  # the document's error rows stay
    assert (err["doc_id"], err["error"]) == ("b", "unwritable_row")
    assert "left out, with the document's 2 sentences, 2 mentions and 2 outcomes rows: " \
        in err["message"]


def test_nlp_is_built_once_per_process() -> None:
    assert worker_nlp(NLP_FACTORY) is worker_nlp(NLP_FACTORY)


def test_progress_lines_when_not_a_terminal(corpus: Path, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="pipeline.run")
    run([corpus / "batch_00.jsonl", corpus / "batch_01.jsonl"], tmp_path / "o", workers=1,
        nlp_factory=NLP_FACTORY, progress_interval=0)
    lines = [r.getMessage() for r in caplog.records if PROGRESS.match(r.getMessage())]
    assert lines and lines[-1].startswith("2/2 shards, 8 documents")
    assert "docs/s" in lines[-1] and "words/s" in lines[-1]
    caplog.clear()
    run([corpus / "batch_00.jsonl"], tmp_path / "q", workers=1, quiet=True,
        nlp_factory=NLP_FACTORY, progress_interval=0)
    assert not [r for r in caplog.records if PROGRESS.match(r.getMessage())]


def test_progress_lines_go_on_while_a_long_document_is_annotated(
        caplog: pytest.LogCaptureFixture) -> None:
    """A line was logged only when a batch or a unit finished: a 20 MB one-line text, one
    document annotated for minutes, gave no line at all until it was done (the run looked
    hung). Now a line comes every interval whatever happens, the first before any document
    is done."""
    import logging

    from pipeline.runner.progress import Reporter

    caplog.set_level(logging.INFO, logger="pipeline.run")
    reporter = Reporter(1, "log", interval=0.1)
    reporter.start(live=True)
    try:
        time.sleep(0.45)  # nothing reported: a document being annotated
    finally:
        reporter.stop()
    lines = [r.getMessage() for r in caplog.records if PROGRESS.match(r.getMessage())]
    # (a run of one shard: "0/1 shards, 0 documents" before)
    assert len(lines) >= 2 and all(x.startswith("0/1 shard, 0 documents") for x in lines)
    caplog.clear()
    time.sleep(0.25)  # stopped: no more lines
    assert not [r for r in caplog.records if PROGRESS.match(r.getMessage())]


def test_the_progress_bar_fits_80_columns_with_elapsed_and_eta_whole() -> None:
    """On an 80-column terminal the bar's columns were wider than the line even on a small
    run, so rich cut the elapsed time and the ETA to "0:0…" / "ETA 0:00:…". Now the bar takes
    the width the text leaves and the line ends in whole h:mm:ss times, also with 36 million
    documents (a PubMed-sized run); words/s shows on wide terminals only."""
    import io
    import re

    from rich.console import Console

    from pipeline.runner.progress import Reporter
    from pipeline.runner.shard import ShardResult

    def line(width: int, shards: int, docs: int, done: int) -> str:
        console = Console(width=width, record=True, file=io.StringIO())
        reporter = Reporter(shards, "rich", console=console)
        reporter.start(live=False)
        reporter.t0 -= 30_000  # docs/s of a run of hours (36 million documents: 1,200/s)
        try:
            for i in range(done):  # two units at different times: rich has a speed, an ETA
                reporter.shard_done(ShardResult(f"s{i}", "x", {"documents": docs // done},
                                                n_words=docs * 25 // done, seconds=1.0))
                time.sleep(0.05)
        finally:
            reporter.stop()
        (last,) = console.export_text().splitlines()[-1:]
        return last

    whole = re.compile(r" (\d+:\d\d:\d\d) ETA (\d+:\d\d:\d\d)$")
    for shards, docs in ((4, 1_200), (3_600, 36_000_000)):
        text = line(80, shards, docs, 2)
        assert len(text) <= 80 and "…" not in text, text
        assert whole.search(text.rstrip()), text
        assert f"2/{shards:,} shards" in text and f"{docs:,} docs" in text, text
    wide = line(160, 4, 1_200, 2)
    assert "words/s" in wide and whole.search(wide.rstrip()), wide


def test_the_manifest_records_the_time_limit_applied(tmp_path: Path) -> None:
    """The default limit and the same value given are one setting (a resume takes either);
    0 is recorded as 0 (no limit) and is another setting."""
    from pipeline.limits import DEFAULT_DOC_TIMEOUT_S

    out = tmp_path / "out"
    run([SEEDS], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    assert W.read_manifest(out)["settings"]["doc_timeout_s"] == DEFAULT_DOC_TIMEOUT_S
    summary = run([SEEDS], out, workers=1, quiet=True, resume=True, nlp_factory=NLP_FACTORY,
                  doc_timeout_s=DEFAULT_DOC_TIMEOUT_S)
    assert summary.shards_skipped == summary.shards_total
    with pytest.raises(RunError, match=r"different settings: --doc-timeout 600 then, 0 now;"):
        run([SEEDS], out, workers=1, quiet=True, resume=True, nlp_factory=NLP_FACTORY,
            doc_timeout_s=0)
    run([SEEDS], tmp_path / "none", workers=1, quiet=True, nlp_factory=NLP_FACTORY,
        doc_timeout_s=0)
    assert W.read_manifest(tmp_path / "none")["settings"]["doc_timeout_s"] == 0


def test_resume_refusal_words_for_inputs_in_another_order_or_given_twice() -> None:
    """The inputs of two runs that differ only in order, or in a path given twice: the refusal
    says which ("2 then, 1 now (the same paths in another order)" was wrong for the latter)."""
    from pipeline.runner.bookkeeping import settings_changes

    (order,) = settings_changes({"inputs": ["a", "b"]}, {"inputs": ["b", "a"]})
    assert order.endswith("(the same paths in another order)")
    (twice,) = settings_changes({"inputs": ["a", "a"]}, {"inputs": ["a"]})
    assert "2 then, 1 now" in twice and "given more than once" in twice
