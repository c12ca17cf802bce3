"""Faults around a run's paths: an `--out` that overlaps the inputs, `--overwrite` next to
files that are not biotab's, a second run on the same `--out` (live and stale locks), and
`--resume` after an input file changed."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import nlp_factory, read_tables
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run import PipelineLoadError, RunError, run
from pipeline.runner import units as units_mod
from pipeline.runner.errors import Terminated
from pipeline.runner.lock import LOCK_NAME
from pipeline.runner.shard import forget_nlp
from pipeline.write import OutputExistsError, earlier_run, remove_run

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
NLP_FACTORY = nlp_factory()


def _project(tmp_path: Path, n: int = 2) -> Path:
    """proj/documents/ with `n` seed files and an unrelated proj/errors/notes.md."""
    docs = tmp_path / "proj" / "documents"
    docs.mkdir(parents=True)
    for f in SEED_FILES[:n]:
        shutil.copy(f, docs / f.name)
    (tmp_path / "proj" / "errors").mkdir()
    (tmp_path / "proj" / "errors" / "notes.md").write_text("my notes")
    return tmp_path / "proj"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(f.relative_to(folder)): f.read_bytes() for f in sorted(folder.rglob("*"))
            if f.is_file()}


# --------------------------------------------------------------------------- --out vs inputs


@pytest.mark.parametrize(("cwd", "args"), [
    ("proj", [".", "--out", "."]),                       # out is the input
    ("", ["proj/documents", "--out", "proj", "--overwrite"]),  # out contains the input
    ("", ["proj", "--out", "proj/out"]),                  # out inside the input
    ("", ["proj/documents/../documents", "--out", "proj/documents/"]),
])
def test_out_overlapping_an_input_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             cwd: str, args: list[str]) -> None:
    proj = _project(tmp_path)
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    result = CliRunner().invoke(app, ["run", *args, "--workers", "1", "--quiet"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "outside the inputs" in lines[0], result.output
    assert _snapshot(tmp_path) == before  # nothing written, nothing deleted
    assert not (proj / "out").exists()


def test_out_reached_through_a_link_is_refused(tmp_path: Path) -> None:
    proj = _project(tmp_path)
    (tmp_path / "link").symlink_to(proj / "documents")
    with pytest.raises(RunError, match="is the input"):
        run([proj / "documents"], tmp_path / "link", workers=1, nlp_factory=NLP_FACTORY)


# --------------------------------------------------------------------------- --overwrite


def test_remove_run_removes_only_biotab_files(tmp_path: Path) -> None:
    """A folder with biotab's names and the user's files mixed: only biotab's go. In `_run/`,
    `_shards/` and `_parts/` too, only the names a run gives its files are biotab's."""
    out = tmp_path / "out"
    unit, group = "u0000003.0123456789", "g0000000.abcdef0123"
    for rel in (f"documents/part-{unit}-00000.parquet",
                f"documents/.part-{unit}-00000.parquet.1-ab.tmp",
                f"sentences/part-{group}-00001.parquet",
                "errors/part-~run-00000.parquet", "mentions/part-_empty-00000.parquet",
                f"_shards/{unit}.json", f"_shards/.{unit}.json.123.tmp",
                f"_parts/{group}.json", "_run/duplicates.parquet",
                "_run/.duplicates.parquet.7.tmp", "_run/duplicates.json",
                "_run/.duplicates.json.7.tmp"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"x")
    (out / "manifest.json").write_text(json.dumps({"run_id": "r", "biotab_version": "0"}))
    mine = {"errors/notes.md": b"notes", "documents/readme.txt": b"mine",
            "report.html": b"<html>", "data.parquet": b"user parquet",
            "sentences/part-of-my-thesis.pdf": b"pdf",
            "documents/part-2019-00001.parquet": b"a part of someone else's",
            "documents/.part-2019-00001.parquet.tmp": b"its temporary",
            "_run/settings.json": b"{}", "_run/.settings.json.1.tmp": b"{}",
            "_shards/notes.json": b"{}", f"_shards/{unit}.json.bak": b"{}",
            "_shards/.draft.tmp": b"", "_parts/my-notes.json": b"{}",
            "_parts/g0000000.json": b"{}"}
    for rel, data in mine.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    assert earlier_run(out) == ["manifest.json", "_parts", "_run", "_shards", "documents",
                                "errors", "mentions", "sentences"]
    assert remove_run(out) == 13
    assert _snapshot(out) == mine
    assert earlier_run(out) == []
    assert sorted(p.name for p in out.iterdir()) == sorted(  # emptied: gone
        ["errors", "documents", "report.html", "data.parquet", "sentences", "_run", "_shards",
         "_parts"])


def test_users_files_in_the_state_folders_are_neither_deleted_nor_refused(
    tmp_path: Path, light_factory: Any
) -> None:
    """`--overwrite` deleted a user's `_run/settings.json`, and the file alone made a plain run
    refuse the folder as "an earlier run"."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    out = tmp_path / "out"
    mine = {"_run/settings.json": b'{"mine": 1}', "_shards/notes.json": b"not JSON",
            "_parts/my-notes.json": b"{}", "_shards/.draft.json.tmp": b"draft"}
    for rel, data in mine.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    first = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    assert first.status == "complete" and first.documents == 1
    (docs / "b.txt").write_text("Tacrolimus was used.\n")
    for flags in ({"overwrite": True}, {"resume": True}):
        summary = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, **flags)
        assert summary.status == "complete"
        assert {rel: (out / rel).read_bytes() for rel in mine} == mine
    assert sorted(pd.read_parquet(out / "documents")["doc_id"]) == ["a", "b"]
    assert remove_run(out) > 0
    assert _snapshot(out) == mine


def test_overwrite_keeps_what_biotab_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([SEED_FILES[0]], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    (out / "errors" / "notes.md").write_text("my notes")
    (out / "mine.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="earlier run"):
        run([SEED_FILES[1]], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    summary = run([SEED_FILES[1]], out, workers=1, quiet=True, overwrite=True,
                  nlp_factory=NLP_FACTORY)
    assert summary.status == "complete" and summary.documents == 1
    assert (out / "errors" / "notes.md").read_text() == "my notes"
    assert (out / "mine.txt").read_text() == "mine"
    docs = pd.read_parquet(out / "documents")
    assert list(docs["doc_id"]) == [SEED_FILES[1].stem]  # the first run's rows are gone
    markers = list((out / "_shards").glob("*.json"))
    assert len(markers) == 1
    marker = json.loads(markers[0].read_text())
    assert [Path(d["input"]["path"]).name for d in marker["shard_info"]] == [SEED_FILES[1].name]
    assert not (out / LOCK_NAME).exists()


def test_a_manifest_biotab_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"project": "someone else\'s"}')
    with pytest.raises(OutputExistsError, match="not written by biotab"):
        run([SEED_FILES[0]], out, workers=1, overwrite=True, nlp_factory=NLP_FACTORY)
    assert (out / "manifest.json").read_text() == '{"project": "someone else\'s"}'


# --------------------------------------------------------------------------- lock

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.runner.lock import acquire
    acquire(Path(sys.argv[1]), take_over_stale=False, command="holder")
    print("locked", flush=True)
    time.sleep(120)
""")


def test_lock_refuses_a_second_run_and_names_a_stale_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        for flags in ([], ["--overwrite"], ["--resume"]):
            busy = CliRunner().invoke(app, ["run", str(SEED_FILES[0]), "--out", str(out),
                                            "--workers", "1", "--quiet", *flags])
            assert busy.exit_code == 2, busy.output
            assert "another biotab run" in busy.output and f"pid {holder.pid}" in busy.output
            assert len(busy.output.strip().splitlines()) == 1
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (out / LOCK_NAME).exists()  # a killed run leaves its lock file behind

    stale = CliRunner().invoke(app, ["run", str(SEED_FILES[0]), "--out", str(out),
                                     "--workers", "1", "--quiet"])
    assert stale.exit_code == 2
    assert "stale lock" in stale.output and f"pid {holder.pid}" in stale.output
    assert "no longer running" in stale.output and "--resume" in stale.output

    summary = run([SEED_FILES[0]], out, workers=1, quiet=True, overwrite=True,
                  nlp_factory=NLP_FACTORY)
    assert summary.status == "complete" and summary.documents == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["attempts"][-1]["took_over_stale_lock"]["pid"] == holder.pid
    assert not (out / LOCK_NAME).exists()
    assert os.listdir(out)



def test_a_refused_resume_leaves_the_stale_lock_for_the_resume_that_notes_it(
        tmp_path: Path) -> None:
    """A `--resume` with other settings than the killed run's took its stale lock over (and
    logged so), was refused, and deleted the lock file: the resume with the right settings then
    found no stale lock, and its attempt had no `took_over_stale_lock` (README: a resume "takes
    it over and notes it in the manifest's attempt"). The refused run now puts the lock back."""
    out = tmp_path / "out"
    run([SEED_FILES[0]], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = {"host": socket.gethostname(), "pid": dead.pid,
              "started_at": "2026-12-07T12:00:00+00:00", "command": "biotab run (killed)"}
    (out / LOCK_NAME).write_text(json.dumps(killed) + "\n")
    with pytest.raises(RunError, match="different settings"):
        run([SEED_FILES[0]], out, workers=1, quiet=True, resume=True, block_size=7,
            nlp_factory=NLP_FACTORY)
    assert json.loads((out / LOCK_NAME).read_text()) == killed
    run([SEED_FILES[0]], out, workers=1, quiet=True, resume=True, nlp_factory=NLP_FACTORY)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["attempts"][-1]["took_over_stale_lock"] == killed
    assert not (out / LOCK_NAME).exists()

# --------------------------------------------------------------------------- --resume


def _same_size_edit(path: Path, old: str, new: str, keep_mtime: bool) -> None:
    """Replace `old` with `new` (same length: the size does not give the change away)."""
    assert len(old) == len(new)
    st = path.stat()
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _stopped_before_compaction(monkeypatch: pytest.MonkeyPatch, *args: Any,
                               **kwargs: Any) -> dict[str, Any]:
    """Run until the units are done, stop as a kill before the compaction would; returns the
    manifest's last attempt."""
    def stop(*a: Any, **k: Any) -> int:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(units_mod, "compact", stop)
        with pytest.raises(KeyboardInterrupt):
            run(*args, **kwargs)
    out = Path(args[1])
    return dict(json.loads((out / "manifest.json").read_text())["attempts"][-1])


def test_the_changed_input_warning_names_the_earlier_run_by_its_status(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """A resume that finds an input changed warned "changed since the interrupted run read it"
    also when the earlier run had completed: the words now follow the manifest's status."""
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(SEED_FILES[0], inp / SEED_FILES[0].name)
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": NLP_FACTORY}
    caplog.set_level(logging.WARNING, logger="pipeline")

    def warned(edit: str) -> list[str]:
        _same_size_edit(inp / SEED_FILES[0].name, " ", edit, keep_mtime=False)
        caplog.clear()
        run([inp], out, resume=True, **opts)
        return [r.getMessage() for r in caplog.records if "changed since" in r.getMessage()]

    out = tmp_path / "out"
    run([inp], out, **opts)
    (complete,) = warned("\n")
    assert "changed since the completed run read it (its SHA-256 changed)" in complete
    _stopped_before_compaction(monkeypatch, [inp], out, resume=True, **opts)
    (interrupted,) = warned("\t")
    assert "changed since the interrupted run read it" in interrupted


def test_resume_redoes_the_shards_of_changed_inputs(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for f in SEED_FILES[:2]:
        shutil.copy(f, inp / f.name)
    lines = [json.dumps({"id": f"j{i}", "text": f"Patient {i} got rituximab for "
                         "dermatomyositis."}) for i in range(5)]
    (inp / "records.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "block_size": 2,
                            "nlp_factory": NLP_FACTORY, "unit_bytes": 1}  # a unit per shard
    first = _stopped_before_compaction(monkeypatch, [inp], out, **opts)
    assert first["units"] == first["shards_pending"] == 2 + 3

    # the first seed: same size and modification time, other text -> only SHA-256 tells
    _same_size_edit(inp / SEED_FILES[0].name, " ", "\n", keep_mtime=True)
    # the JSONL: block 0 edited; its other blocks are of the same file, so redone too
    _same_size_edit(inp / "records.jsonl", "rituximab", "Rituximab", keep_mtime=False)
    attempt = _stopped_before_compaction(monkeypatch, [inp], out, resume=True, **opts)
    assert attempt["shards_pending"] == 4  # only the untouched seed was kept
    assert {Path(c["path"]).name: c["reason"] for c in attempt["inputs_changed"]} == {
        SEED_FILES[0].name: "its SHA-256 changed", "records.jsonl": "its SHA-256 changed"}

    # a killed run had finished only a later block (no SHA-256 recorded for the file): the
    # size and modification time decide
    block0 = next(m for m in (out / "_shards").glob("*.json")
                  if json.loads(m.read_text())["shard_info"][0]["shard_id"].startswith(
                      "records.jsonl.000000000."))
    block0.unlink()
    _same_size_edit(inp / "records.jsonl", "j4", "k4", keep_mtime=False)
    again = run([inp], out, resume=True, **opts)
    attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
    assert [(Path(c["path"]).name, c["reason"]) for c in attempt["inputs_changed"]] == [
        ("records.jsonl", "its modification time changed")]
    assert again.shards_skipped == 2
    assert "k4" in set(pd.read_parquet(out / "documents")["doc_id"])

    fresh = run([inp], tmp_path / "fresh", **opts)
    assert fresh.counts == again.counts
    assert read_tables(out) == read_tables(tmp_path / "fresh")
    texts = pd.read_parquet(out / "documents").set_index("doc_id")["text"]
    assert "Rituximab" in texts["j0"]
    hashes = {Path(i["path"]).name: i["sha256"]
              for i in json.loads((out / "manifest.json").read_text())["inputs"]}
    assert hashes == {Path(i["path"]).name: i["sha256"] for i in
                      json.loads((tmp_path / "fresh" / "manifest.json").read_text())["inputs"]}

    # nothing changed: everything kept
    last = run([inp], out, resume=True, **opts)
    assert last.shards_skipped == 5
    assert "inputs_changed" not in json.loads((out / "manifest.json").read_text())["attempts"][-1]

    # a changed input after the compaction: the group holding its units is redone whole
    _same_size_edit(inp / SEED_FILES[1].name, " ", "\n", keep_mtime=True)
    redone = run([inp], out, resume=True, **opts)
    assert redone.shards_skipped == 0 and redone.documents == fresh.documents
    run([inp], tmp_path / "fresh2", **opts)
    assert read_tables(out) == read_tables(tmp_path / "fresh2")
    assert len(list((out / "documents").glob("part-*.parquet"))) == 1


# --------------------------------------------------------------------------- Ctrl-C


def _ctrl_c_as_in_a_terminal() -> None:
    """In the child before exec: SIGINT handled by default and not blocked, as for a command
    typed in a terminal. A child inherits an ignored or blocked SIGINT from its parent, and
    Python then installs no KeyboardInterrupt handler; in the whole suite (not alone) the
    driver was seen to finish its run after the SIGINT, exit 0, as if it had been ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _signal_state(pid: int) -> str:
    """The SigBlk/SigIgn/SigCgt lines of a process (for a failure message)."""
    with contextlib.suppress(OSError):
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        return " ".join(x for x in lines if x.startswith(("SigBlk", "SigIgn", "SigCgt")))
    return "?"


# `biotab run` as a command (workers forked from the driver on Linux), and from a process that
# runs another thread (as a notebook does: workers spawned)
_AS_COMMAND = ["-m", "pipeline"]
_WITH_A_THREAD = ["-c", "import sys, threading; threading.Thread(target=threading.Event().wait, "
                  "daemon=True).start(); from pipeline.cli import app; sys.exit(app())"]


@pytest.mark.slow
@pytest.mark.parametrize(("launch", "sig"), [(_AS_COMMAND, signal.SIGINT),
                                             (_WITH_A_THREAD, signal.SIGINT),
                                             (_AS_COMMAND, signal.SIGTERM)],
                         ids=["forked", "spawned", "forked-sigterm"])
def test_interrupt_stops_busy_pool_workers_at_once(tmp_path: Path, launch: list[str],
                                                   sig: signal.Signals) -> None:
    """SIGINT to the driver alone while its 2 pool workers are inside long shards (the workers
    ignore SIGINT): the driver stops them itself, at once rather than after their shards; exit
    130, manifest "interrupted", lock file gone; --resume is then allowed. SIGTERM (`kill`,
    `timeout`, a batch scheduler) the same, exit 143: it killed the run as SIGKILL does, the
    manifest left saying "running", nothing on stderr, a stale lock."""
    import psutil

    inp = tmp_path / "in"
    inp.mkdir()
    texts = [f.read_text("utf-8") for f in SEED_FILES]
    for k in range(2):  # two shards (< --block-size lines each) of half a minute or more each
        lines = [json.dumps({"id": f"{k}-{i}", "text": texts[i % len(texts)]})
                 for i in range(900)]
        (inp / f"big{k}.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, *launch, "run", str(inp), "--out",
                             str(out), "--workers", "2", "--quiet"], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 180
        reading = 0
        while time.monotonic() < deadline and reading < 2 and proc.poll() is None:
            time.sleep(0.2)
            with contextlib.suppress(psutil.Error):
                # the pool's workers (forked, or spawned where fork is not used), not
                # multiprocessing's resource tracker
                workers = [c for c in psutil.Process(proc.pid).children()
                           if "resource_tracker" not in " ".join(c.cmdline())]
                # busy = past start-up (about 2 CPU-seconds) and well into its shard; an open
                # input file alone was also seen at a shard's end, when it is hashed
                reading = sum(sum(w.cpu_times()[:2]) > 5.0 for w in workers)
        assert reading == 2, "the workers did not start their shards"
        state = _signal_state(proc.pid)
        t0 = time.monotonic()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        stopped_in = time.monotonic() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    _, alive = psutil.wait_procs(workers, timeout=5)
    assert proc.returncode == (130 if sig == signal.SIGINT else 143), (
        f"{err}\ndriver signal state: {state}")
    assert not alive and stopped_in < 10, stopped_in
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and not list((out / "_shards").glob("*.json"))
    assert manifest["error"] == ("interrupted (Ctrl-C, SIGINT)" if sig == signal.SIGINT
                                 else "interrupted (SIGTERM)")
    assert f"biotab run: {manifest['error']}; finish it with --resume" in err  # (one wording)
    assert not (out / LOCK_NAME).exists()
    refused = CliRunner().invoke(app, ["run", str(inp), "--out", str(out), "--quiet"])
    assert refused.exit_code == 2 and "earlier run" in refused.output


@pytest.mark.parametrize(("stop", "said"), [
    (KeyboardInterrupt(), "interrupted (Ctrl-C, SIGINT)"),
    (Terminated(), "interrupted (SIGTERM)"),
    (KeyboardInterrupt("while compacting"), "interrupted (Ctrl-C, SIGINT): while compacting"),
    (OSError(28, "No space left on device"), "OSError: [Errno 28] No space left on device")])
def test_the_manifest_of_a_stopped_run_says_why_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: BaseException,
        said: str) -> None:
    """A run stopped by Ctrl-C or SIGTERM: the manifest's `error` read "KeyboardInterrupt: " or
    "_Terminated: " (a private class name, an empty message). Now it names the signal; the
    status stays "interrupted" (a failure: "failed" and the exception, as before)."""
    def stopped(*a: Any, **k: Any) -> int:
        raise stop

    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(units_mod, "compact", stopped)
        with pytest.raises(type(stop)):
            run([SEED_FILES[0]], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["error"] == said
    status = "interrupted" if isinstance(stop, KeyboardInterrupt) else "failed"
    assert manifest["status"] == manifest["attempts"][-1]["status"] == status


# --------------------------------------------------------------------------- ingest caps, notices


DATA = Path(__file__).resolve().parent / "data" / "ingest"


@pytest.fixture(scope="module")
def light_factory() -> Any:
    """A blank English pipeline with a component that sleeps on texts holding "SLOWDOC"."""
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc

    if "test_sleep_on_slowdoc" not in Language.factories:
        @Language.component("test_sleep_on_slowdoc")
        def _sleep(doc: Doc) -> Doc:
            if "SLOWDOC" in doc.text:
                time.sleep(5)
            return doc

    def build() -> Any:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("test_sleep_on_slowdoc")
        return nlp

    return build


def _unbuildable() -> Any:
    """A pipeline factory that fails as a missing model does."""
    raise OSError("[E050] Can't find model '/nonexistent/biotab_ner'")


_BREAK = "BIOTAB_TEST_BREAK_PIPELINE"


def _breakable() -> Any:
    """A blank pipeline, or `_unbuildable` while `_BREAK` is set (same factory, same settings)."""
    import spacy

    if os.environ.get(_BREAK):
        _unbuildable()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def test_a_pipeline_that_cannot_be_built_leaves_no_earlier_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, light_factory: Any
) -> None:
    """`BIOTAB_MODELS=/nonexistent` left a failed manifest, `_parts/` and `_shards/`: the next
    plain run was refused until --overwrite or --resume, for a run that wrote no row."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    out = tmp_path / "out"
    monkeypatch.setenv("BIOTAB_MODELS", str(tmp_path / "nonexistent"))
    failed = CliRunner().invoke(app, ["run", str(docs), "--out", str(out), "--workers", "1",
                                      "--quiet"])
    assert failed.exit_code == 2 and "could not build the spaCy pipeline" in failed.output
    monkeypatch.delenv("BIOTAB_MODELS")
    assert not out.exists() or os.listdir(out) == []
    # the pool's driver builds the pipeline it forks; an --overwrite that fails so keeps the
    # user's files and leaves no run either
    (out / "errors").mkdir(parents=True)
    (out / "errors" / "notes.md").write_text("mine")
    with pytest.raises(PipelineLoadError, match="could not build"):
        run([docs], out, workers=2, quiet=True, overwrite=True, nlp_factory=_unbuildable)
    assert _snapshot(out) == {"errors/notes.md": b"mine"} and earlier_run(out) == []
    summary = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    assert summary.status == "complete"
    assert list(pd.read_parquet(out / "documents")["doc_id"]) == ["a"]


def test_a_failed_build_on_resume_keeps_the_finished_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    (docs / "b.txt").write_text("Tacrolimus was used.\n")
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": _breakable,
                            "unit_bytes": 1}
    _stopped_before_compaction(monkeypatch, [docs], out, **opts)
    markers = sorted((out / "_shards").iterdir())
    assert len(markers) == 2
    (docs / "b.txt").write_text("Tacrolimus was used again.\n")  # its unit is redone
    monkeypatch.setenv(_BREAK, "1")
    forget_nlp()  # (the first attempt's pipeline is cached in this process)
    with pytest.raises(PipelineLoadError):
        run([docs], out, resume=True, **opts)
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    assert len(list((out / "_shards").iterdir())) == 1  # a's finished unit is kept
    monkeypatch.delenv(_BREAK)
    summary = run([docs], out, resume=True, **opts)
    assert summary.status == "complete" and summary.shards_skipped == 1
    assert sorted(pd.read_parquet(out / "documents")["doc_id"]) == ["a", "b"]


def test_an_input_folder_with_nothing_to_read_is_an_error_row(tmp_path: Path,
                                                              light_factory: Any) -> None:
    """An empty input folder (or one of hidden files only, which are skipped) gave exit 0, no
    document and no row: nothing said that nothing was read."""
    empty, hidden, good = tmp_path / "empty", tmp_path / "hidden", tmp_path / "good"
    for folder in (empty, hidden / "sub", good):
        folder.mkdir(parents=True)
    (hidden / ".notes.txt.swp").write_text("Imiquimod was applied.\n")
    (hidden / "sub" / ".DS_Store").write_bytes(b"\0\1")
    (good / "a.txt").write_text("Imiquimod was applied daily.\n")
    out = tmp_path / "out"
    summary = run([empty], out, workers=1, quiet=True, nlp_factory=light_factory)
    assert summary.exit_code == 0 and summary.documents == 0
    errors = pd.read_parquet(out / "errors")
    assert list(errors["error"]) == ["empty_folder"]
    assert errors["source"][0].endswith("empty") and errors["stage"][0] == "ingest"
    assert "holds no file to read" in errors["message"][0]
    # the summary says that nothing was read and why ("0 documents, ..., 1 errors" alone)
    assert summary.notes() == ["no document was read; see the errors table: empty_folder 1"]
    summary = run([empty, hidden, good], out, workers=1, quiet=True, overwrite=True,
                  nlp_factory=light_factory)
    assert summary.documents == 1
    errors = pd.read_parquet(out / "errors")
    assert [(Path(s).name, e) for s, e in zip(errors["source"], errors["error"], strict=True)] \
        == [("empty", "empty_folder"), ("hidden", "empty_folder")]
    assert summary.notes() == []  # a document was read; the empty folders are rows


def test_a_malformed_json_line_gets_the_whole_message_of_jsons_error(
    tmp_path: Path, light_factory: Any
) -> None:
    """The message was cut mid-phrase: "malformed JSON at column 37: Invalid control character
    at" (json's message ends with "at", its place following)."""
    lines = [json.dumps({"id": "g1", "text": "Imiquimod was applied."}),
             '{"id": "g2", "text": "a raw \t tab"}',  # control character in a string
             '{"id": "g3" "text": "no comma"}',
             '{"id": "g5", "text": "not closed before the line ends',  # was "Invalid control
             '{"id": "g4", "text": "never closed}']  # character at"; the last: no newline
    (tmp_path / "in.jsonl").write_text("\n".join(lines))
    out = tmp_path / "out"
    run([tmp_path / "in.jsonl"], out, workers=1, quiet=True, nlp_factory=light_factory)
    errors = pd.read_parquet(out / "errors")
    assert list(zip(errors["location"], errors["message"], strict=True)) == [
        ("line 2", "malformed JSON: Invalid control character at: column 29"),
        ("line 3", "malformed JSON: Expecting ',' delimiter: column 13"),
        ("line 4", "malformed JSON: a string is not closed before its line ends: column 54"),
        ("line 5", "malformed JSON: Unterminated string starting at: column 22")]
    assert list(pd.read_parquet(out / "documents")["doc_id"]) == ["g1"]


def _bad_language_pipeline() -> Any:
    """A blank pipeline whose last component, as a user's own might, sets a document's
    language to a value the documents table cannot hold (on texts holding "BADLANG")."""
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc

    import pipeline.extensions  # noqa: F401  (registers Doc._.language)

    if "test_bad_language" not in Language.factories:
        @Language.component("test_bad_language")
        def _bad(doc: Doc) -> Doc:
            if "BADLANG" in doc.text:
                doc._.language = 7
            return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_bad_language")
    return nlp


def test_an_unwritable_documents_row_takes_the_documents_other_rows(tmp_path: Path) -> None:
    """A documents row left out as `unwritable_row` left the document's sentences (mentions,
    outcomes) in the other tables: rows of a document the documents table lacks."""
    lines = [json.dumps({"id": i, "text": t}) for i, t in (
        ("a", "Imiquimod was applied. It helped."),
        ("b", "BADLANG one. Two. Three."),
        ("c", "Tacrolimus was used."))]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    summary = run([tmp_path / "in.jsonl"], out, workers=1, quiet=True,
                  nlp_factory=_bad_language_pipeline)
    assert summary.status == "complete"
    assert list(pd.read_parquet(out / "documents")["doc_id"]) == ["a", "c"]
    assert list(pd.read_parquet(out / "sentences")["doc_id"]) == ["a", "a", "c"]
    errors = pd.read_parquet(out / "errors")
    assert list(zip(errors["doc_id"], errors["stage"], errors["error"], strict=True)) == [
        ("b", "write", "unwritable_row")]
    assert errors["message"][0].startswith(
        "a documents row could not be stored and was left out, with the document's 3 "
        "sentences rows: ArrowTypeError")
    assert summary.counts["sentences"] == 3 and summary.documents == 2


def test_deleted_citations_go_to_the_manifest_not_the_errors(tmp_path: Path,
                                                             light_factory: Any) -> None:
    out = tmp_path / "out"
    summary = run([DATA / "pubmed_update_sample.xml"], out, workers=1, quiet=True,
                  fail_on_error=True, nlp_factory=light_factory)
    assert summary.exit_code == 0
    tables = read_tables(out)
    assert [r["error"] for r in tables["errors"]] == []
    assert {r["doc_id"] for r in tables["documents"]} == {"90000201", "90000202"}
    manifest = json.loads((out / "manifest.json").read_text())
    (deleted,) = manifest["deleted_citations"]
    assert deleted["pmids"][:3] == ["90000150", "90000151", "90000152"]
    assert deleted["source"].endswith("pubmed_update_sample.xml")


def test_record_cap_and_time_limit_cost_one_document(tmp_path: Path,
                                                     light_factory: Any) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    (docs / "big.txt").write_text("Tacrolimus ointment was used. " * 40_000)  # ~1.2 MB
    (docs / "c.txt").write_text("SLOWDOC: this one takes too long.\n")
    (docs / "d.txt").write_text("Neither polyneuropathy nor thrombosis was observed.\n")
    out = tmp_path / "out"
    summary = run([docs], out, workers=1, quiet=True, max_record_mb=1.0, doc_timeout_s=1.0,
                  nlp_factory=light_factory)
    tables = read_tables(out)
    assert sorted(r["doc_id"] for r in tables["documents"]) == ["a", "d"]
    errors = {(r["doc_id"], r["error"]) for r in tables["errors"]}
    assert errors == {("big", "record_too_large"), ("c", "timeout")}
    assert summary.status == "complete"


@pytest.mark.slow
def test_file_cap_from_the_cli(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "big.txt").write_text("word " * 300_000)  # 1.5 MB
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(docs), "--out", str(out), "--no-model",
                                      "--workers", "1", "--quiet", "--max-record-mb", "1"])
    assert result.exit_code == 0, result.output
    assert [r["error"] for r in read_tables(out)["errors"]] == ["record_too_large"]


def test_file_name_not_utf8_is_read(tmp_path: Path, light_factory: Any) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    try:
        (docs / name).write_text("Aldara (imiquimod) was applied.\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses non-UTF-8 names")
    (docs / "ok.txt").write_text("Dupilumab was started.\n")
    out = tmp_path / "out"
    summary = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    assert summary.failed_shards == []
    tables = read_tables(out)
    assert sorted(r["doc_id"] for r in tables["documents"]) == ["caf\\xe9", "ok"]
    assert [r["error"] for r in tables["errors"]] == ["file_name_not_utf8"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert any(i["path"].endswith("caf\\xe9.txt") for i in manifest["inputs"])


@pytest.mark.parametrize(("first", "changed", "key"), [
    ({"max_record_mb": 1.0}, {"max_record_mb": 2.0}, "--max-record-mb 1 then, 2 now"),
    ({"part_rows": 100}, {"part_rows": 1_000_000}, "--part-rows 100 then, 1000000 now"),
])
def test_resume_with_other_limits_is_refused(tmp_path: Path, light_factory: Any,
                                             first: dict[str, Any], changed: dict[str, Any],
                                             key: str) -> None:
    """Caps and part sizes decide the tables: a resume must use the same."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    out = tmp_path / "out"
    run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, **first)
    with pytest.raises(RunError, match=key):
        run([docs], out, workers=1, quiet=True, resume=True, nlp_factory=light_factory,
            **changed)
    # the same settings resume
    summary = run([docs], out, workers=1, quiet=True, resume=True, nlp_factory=light_factory,
                  **first)
    assert summary.status == "complete"


def test_overwrite_keeps_a_users_file_in_the_parts_folder(tmp_path: Path,
                                                          light_factory: Any) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    out = tmp_path / "out"
    run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    assert list((out / "_parts").glob("g*.json"))  # the run's own group marker
    mine = out / "_parts" / "my-notes.json"
    mine.write_text("{}")
    run([docs], out, workers=1, quiet=True, overwrite=True, nlp_factory=light_factory)
    assert mine.read_text() == "{}"
    assert remove_run(out) > 0 and mine.exists()


def test_duplicate_id_across_shards_of_one_unit_names_its_line(tmp_path: Path,
                                                               light_factory: Any) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.jsonl").write_text(json.dumps({"id": "x", "text": "Imiquimod was applied."})
                                  + "\n")
    (docs / "b.jsonl").write_text("".join(
        json.dumps({"id": i, "text": f"Tacrolimus {n} was used."}) + "\n"
        for n, i in enumerate(["y", "x", "y"])))
    out = tmp_path / "out"
    run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, unit_bytes=1 << 20)
    tables = read_tables(out)
    assert sorted(r["doc_id"] for r in tables["documents"]) == ["x", "y"]
    dups = sorted(((r["source"].rsplit("/", 1)[-1], r["location"], r["doc_id"])
                   for r in tables["errors"] if r["error"] == "duplicate_id"),
                  key=lambda row: row[2])
    # the copy of a.jsonl's "x" (another shard) and the second "y" (same shard) both located
    assert dups == [("b.jsonl", "line 2", "x"), ("b.jsonl", "line 3", "y")]
    messages = sorted(r["message"] for r in tables["errors"] if r["error"] == "duplicate_id")
    assert "a.jsonl, line 1); this copy was dropped" in messages[0]  # x: the kept copy's place
    assert "b.jsonl, line 1); this later document was dropped" in messages[1]  # y


@pytest.mark.parametrize("unit_bytes", [1 << 20, 1])  # one unit / a unit per file (the driver)
def test_duplicate_id_names_both_copies_lines(tmp_path: Path, light_factory: Any,
                                              unit_bytes: int,
                                              caplog: pytest.LogCaptureFixture) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.jsonl").write_text("".join(
        json.dumps({"id": i, "text": f"Imiquimod {i} was applied."}) + "\n" for i in "pqx"))
    (docs / "b.jsonl").write_text("".join(
        json.dumps({"id": i, "text": f"Tacrolimus {i} was used."}) + "\n" for i in "yx"))
    (docs / "c.txt").write_text("Aldara was applied.\n")
    out = tmp_path / "out"
    run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, unit_bytes=unit_bytes)
    tables = read_tables(out)
    where = {r["doc_id"]: (r["source"].rsplit("/", 1)[-1], r["location"])
             for r in tables["documents"]}
    assert where == {"p": ("a.jsonl", "line 1"), "q": ("a.jsonl", "line 2"),
                     "x": ("a.jsonl", "line 3"), "y": ("b.jsonl", "line 1"),
                     "c": ("c.txt", None)}
    [dup] = [r for r in tables["errors"] if r["error"] == "duplicate_id"]
    assert (dup["source"].rsplit("/", 1)[-1], dup["location"], dup["doc_id"]) == (
        "b.jsonl", "line 2", "x")
    assert dup["message"].endswith("a.jsonl, line 3); this copy was dropped")
    if unit_bytes == 1:  # the driver's plan, damaged between a run and its resume
        _damaged_plan(out / "_run" / "duplicates.parquet")
        run([docs], out, workers=1, quiet=True, resume=True, nlp_factory=light_factory,
            unit_bytes=unit_bytes)
        assert sorted(r["doc_id"] for r in read_tables(out)["documents"]) == sorted(where)
        # the copy was dropped already: its row is lost, and the run says so
        assert "left out 3 damaged entries" in caplog.text


def _damaged_plan(path: Path) -> None:
    """Three entries that cannot be used: no doc_id, no shard, a kind no biotab writes."""
    entry = {"doc_id": "x", "shard_id": "u0000001.0000000000", "source": "b.jsonl",
             "location": "line 1", "kept_shard_id": "u0000000.0000000000",
             "kept_source": "a.jsonl", "kept_location": "line 1", "kind": "duplicate_id"}
    rows = [{**entry, "doc_id": None}, {**entry, "shard_id": None}, {**entry, "kind": "other"}]
    pq.write_table(pa.Table.from_pylist(rows, pa.schema([(k, pa.string()) for k in entry])),
                   path)


def _damage_column(path: Path, column: str) -> None:
    """The bytes of `column`'s pages in a Parquet file flipped, past their first 8 bytes (the
    footer and the other columns whole: the file still opens)."""
    meta = pq.ParquetFile(path).metadata.row_group(0)
    chunk = next(meta.column(i) for i in range(meta.num_columns)
                 if meta.column(i).path_in_schema == column)
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    data = bytearray(path.read_bytes())
    for i in range(start + 8, start + chunk.total_compressed_size):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("name", "damage", "warning"), [
    ("duplicates.parquet", "entries", "left out 3 damaged entries of 3"),
    ("duplicates.parquet", b"PAR1 not a parquet file PAR1", "cannot be read"),
    ("duplicates.parquet", "no kind", "no column 'kind'"),
    # the plan written, then the bytes of its column `source` damaged (its other columns whole)
    ("duplicates.parquet", "source", "cannot be read"),
    # an earlier biotab's plan (JSON)
    ("duplicates.json", json.dumps([1, "x", {"doc_id": "x"}]), "left out 3 damaged entries"),
    ("duplicates.json", '[{"doc_id": "x", ', "cannot be read"),
])
def test_a_damaged_duplicates_plan_is_reported_once_on_resume(
        tmp_path: Path, light_factory: Any, name: str, damage: str | bytes, warning: str,
        caplog: pytest.LogCaptureFixture) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.jsonl").write_text(json.dumps({"id": "x", "text": "Imiquimod was applied."})
                                  + "\n")
    (docs / "b.jsonl").write_text(json.dumps({"id": "x", "text": "Tacrolimus was used."})
                                  + "\n")
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": light_factory,
                            "unit_bytes": 1}
    run([docs], out, **opts)
    saved = out / "_run" / "duplicates.parquet"
    assert pq.read_table(saved)["doc_id"].to_pylist() == ["x"]
    if damage == "source":
        _damage_column(saved, "source")
    else:
        saved.unlink()
    plan_file = out / "_run" / name
    if damage == "source":
        pass
    elif damage == "entries":
        _damaged_plan(plan_file)
    elif damage == "no kind":
        _damaged_plan(plan_file)
        pq.write_table(pq.read_table(plan_file).drop_columns(["kind"]), plan_file)
    elif isinstance(damage, bytes):
        plan_file.write_bytes(damage)
    else:
        plan_file.write_text(damage)
    caplog.clear()
    run([docs], out, resume=True, **opts)
    said = [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and name in r.getMessage()]
    assert len(said) == 1 and warning in said[0]
    assert [r["doc_id"] for r in read_tables(out)["documents"]] == ["x"]

def test_the_drivers_rows_come_in_parts_of_part_rows_and_replace_an_earlier_attempts(
        tmp_path: Path, light_factory: Any) -> None:
    """Three copies dropped across units, --part-rows 2: two parts of the driver's rows; the
    folder resumed after one input lost its copies: one part, the earlier second part gone."""
    docs = tmp_path / "docs"
    docs.mkdir()
    lines = [json.dumps({"id": i, "text": f"Imiquimod {i} was applied."}) + "\n" for i in "xyz"]
    (docs / "a.jsonl").write_text("".join(lines))
    (docs / "b.jsonl").write_text("".join(lines))
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": light_factory,
                            "unit_bytes": 1, "part_rows": 2}
    run([docs], out, **opts)
    parts = sorted(f.name for f in (out / "errors").glob("part-~run-*.parquet"))
    assert parts == ["part-~run-00000.parquet", "part-~run-00001.parquet"]
    assert [pq.read_metadata(out / "errors" / p).num_rows for p in parts] == [2, 1]
    assert sorted(pd.read_parquet(out / "errors")["doc_id"]) == ["x", "y", "z"]
    (docs / "b.jsonl").write_text(lines[0])
    run([docs], out, resume=True, **opts)
    assert [f.name for f in (out / "errors").glob("part-~run-*.parquet")] == [parts[0]]
    assert list(pd.read_parquet(out / "errors")["doc_id"]) == ["x"]


@pytest.mark.parametrize("unit_bytes", [1 << 20, 1])  # one unit / a unit per file (the driver)
def test_duplicate_id_rows_are_worded_alike_by_a_unit_and_the_driver(
        tmp_path: Path, light_factory: Any, unit_bytes: int) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    a, b = docs / "a.jsonl", docs / "b.jsonl"
    a.write_text(json.dumps({"id": "x", "text": "Imiquimod was applied."}) + "\n")
    b.write_text("".join(json.dumps({"id": i, "text": f"Tacrolimus {n} was used."}) + "\n"
                         for n, i in enumerate(["y", "x", "y"])))
    out = tmp_path / "out"
    summary = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory,
                  unit_bytes=unit_bytes)
    rows = sorted((r["source"], r["location"], r["doc_id"], r["stage"], r["message"])
                  for r in read_tables(out)["errors"] if r["error"] == "duplicate_id")
    other = "was already produced by an earlier input ({}); this copy was dropped"
    same = "was already produced earlier in this run ({}); this later document was dropped"
    assert rows == [
        (str(b), "line 2", "x", "ingest", "doc_id 'x' " + other.format(f"{a}, line 1")),
        (str(b), "line 3", "y", "ingest", "doc_id 'y' " + same.format(f"{b}, line 1"))]
    # copies of another input's document are counted, repeats inside one input are not
    assert summary.duplicates_dropped == 1
    assert json.loads((out / "manifest.json").read_text())["duplicates_dropped"] == 1


def test_a_changed_input_holding_the_kept_copy_brings_the_dropped_copy_back(
        tmp_path: Path, light_factory: Any) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    a, b = docs / "a.jsonl", docs / "b.jsonl"
    a.write_text("".join(json.dumps({"id": i, "text": f"Imiquimod {i} was applied."}) + "\n"
                         for i in "pqx"))
    b.write_text("".join(json.dumps({"id": i, "text": f"Tacrolimus {i} was used."}) + "\n"
                         for i in "yx"))
    out = tmp_path / "out"
    # a unit per file and a group per unit: redoing a.jsonl's unit leaves b.jsonl's group
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": light_factory,
                            "unit_bytes": 1, "part_rows": 1}
    run([docs], out, **opts)
    first = read_tables(out)
    assert [r["source"].rsplit("/", 1)[-1] for r in first["documents"]
            if r["doc_id"] == "x"] == ["a.jsonl"]
    # x leaves a.jsonl: b.jsonl's copy, dropped by the first run, is the only one now
    a.write_text("".join(json.dumps({"id": i, "text": f"Imiquimod {i} was applied."}) + "\n"
                         for i in "pq"))
    run([docs], out, resume=True, **opts)
    tables = read_tables(out)
    assert {r["doc_id"]: r["source"].rsplit("/", 1)[-1] for r in tables["documents"]} == {
        "p": "a.jsonl", "q": "a.jsonl", "y": "b.jsonl", "x": "b.jsonl"}
    assert [r for r in tables["errors"] if r["error"] == "duplicate_id"] == []
    assert any(r["doc_id"] == "x" for r in tables["sentences"])


def test_a_copy_dropped_from_a_group_comes_back_when_its_first_copy_goes(
        tmp_path: Path, light_factory: Any) -> None:
    """The copy is dropped on a resume, from files already merged into a group (the plan names
    the group); when the input holding the first copy changes back, the group is redone."""
    docs = tmp_path / "docs"
    docs.mkdir()
    a, b = docs / "a.jsonl", docs / "b.jsonl"
    line = {i: json.dumps({"id": i, "text": f"Imiquimod {i} was applied."}) + "\n"
            for i in ("a1", "x")}
    a.write_text(line["a1"])
    b.write_text(json.dumps({"id": "x", "text": "Tacrolimus x was used."}) + "\n")
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": light_factory,
                            "unit_bytes": 1, "part_rows": 1}
    run([docs], out, **opts)
    a.write_text(line["a1"] + line["x"])  # x now comes first in a.jsonl: b.jsonl's is dropped
    run([docs], out, resume=True, **opts)
    plan = pq.read_table(out / "_run" / "duplicates.parquet")["shard_id"].to_pylist()
    assert [sid.startswith("g") for sid in plan] == [True]
    a.write_text(line["a1"])  # and goes again: b.jsonl's copy must come back
    run([docs], out, resume=True, **opts)
    tables = read_tables(out)
    assert {r["doc_id"]: r["source"].rsplit("/", 1)[-1] for r in tables["documents"]} == {
        "a1": "a.jsonl", "x": "b.jsonl"}
    assert [r for r in tables["errors"] if r["error"] == "duplicate_id"] == []


def test_the_drivers_rows_come_in_a_fresh_runs_order_when_a_group_loses_a_copy(
        tmp_path: Path, light_factory: Any) -> None:
    """On a resume, c.jsonl's copy of c is dropped from files already merged into a group (the
    plan names the group: 'g...'), b.jsonl's copy of a from a unit redone (its plan entry
    names the unit: 'u...'). The driver's rows must still come in a fresh run's order (by
    doc_id, then input order, as biotab before session 26 wrote them), not in the order of the
    plan's shard names."""
    docs = tmp_path / "docs"
    docs.mkdir()

    def line(doc_id: str, text: str) -> str:
        return json.dumps({"id": doc_id, "text": f"Imiquimod {doc_id} {text}."}) + "\n"

    (docs / "a.jsonl").write_text(line("a", "first"))
    (docs / "b.jsonl").write_text(line("b", "first"))
    (docs / "c.jsonl").write_text(line("c", "first"))
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": light_factory,
                            "unit_bytes": 1, "part_rows": 1}
    run([docs], out, **opts)
    (docs / "b.jsonl").write_text(line("a", "again") + line("c", "again"))
    run([docs], out, resume=True, **opts)
    plan = pq.read_table(out / "_run" / "duplicates.parquet")["shard_id"].to_pylist()
    assert sorted(sid[0] for sid in plan) == ["g", "u"]
    run([docs], tmp_path / "fresh", **opts)

    def driver_rows(folder: Path) -> list[tuple[str, str]]:
        return [(r["doc_id"], Path(r["source"]).name)
                for f in sorted((folder / "errors").glob("part-~run-*.parquet"))
                for r in pq.read_table(f).to_pylist()]

    assert driver_rows(tmp_path / "fresh") == [("a", "b.jsonl"), ("c", "c.jsonl")]
    assert driver_rows(out) == driver_rows(tmp_path / "fresh")
    assert read_tables(out)["errors"] == read_tables(tmp_path / "fresh")["errors"]
    # the earlier copies dropped (--keep-duplicates last): still by doc_id, then input order
    (docs / "a.jsonl").write_text(line("z", "first") + line("y", "first"))
    (docs / "b.jsonl").write_text(line("a", "first") + line("y", "again"))
    (docs / "c.jsonl").write_text(line("z", "again") + line("a", "again") + line("y", "last"))
    run([docs], tmp_path / "last", keep_duplicates="last", **opts)
    assert driver_rows(tmp_path / "last") == [
        ("a", "b.jsonl"), ("y", "a.jsonl"), ("y", "b.jsonl"), ("z", "a.jsonl")]


def test_resume_keeps_a_dangling_link_that_was_dangling_then(tmp_path: Path,
                                                              light_factory: Any) -> None:
    """Resuming a finished run redoes nothing for an input that could not be read then and
    cannot now; an input read then that has become a dangling link is read again."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text("Imiquimod was applied.\n")
    (inp / "b.txt").write_text("Tacrolimus was used.\n")
    (inp / "c.txt").symlink_to(tmp_path / "nowhere.txt")
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": light_factory,
                            "unit_bytes": 1}
    run([inp], out, **opts)
    again = run([inp], out, resume=True, **opts)
    attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
    assert attempt["units_pending"] == 0 and "inputs_changed" not in attempt
    assert again.shards_skipped == again.shards_total == 3
    (inp / "b.txt").unlink()
    (inp / "b.txt").symlink_to(tmp_path / "gone.txt")
    run([inp], out, resume=True, **opts)
    tables = read_tables(out)
    assert [Path(r["source"]).name for r in tables["documents"]] == ["a.txt"]
    assert sorted((Path(r["source"]).name, r["error"]) for r in tables["errors"]) == [
        ("b.txt", "dangling_link"), ("c.txt", "dangling_link")]


@pytest.mark.parametrize("max_lists", [10_000, 1])
def test_deleted_citations_past_the_cap_are_counted_in_one_error_row(
        tmp_path: Path, light_factory: Any, monkeypatch: pytest.MonkeyPatch,
        max_lists: int) -> None:
    """A file of nothing but DeleteCitation lists cannot fill memory, the marker and the
    manifest: past the cap the PMIDs are counted in one row; the documents are untouched. Each
    list is an entry of its own until the unit holds `MAX_DELETION_LISTS` of them; the file's
    later ones then join its last entry."""
    from pipeline.runner import shard as shard_mod

    monkeypatch.setattr(shard_mod, "MAX_DELETED_PMIDS", 4)
    monkeypatch.setattr(shard_mod, "MAX_DELETION_LISTS", max_lists)
    sample = (DATA / "pubmed_update_sample.xml").read_text(encoding="utf-8")
    lists = "".join(f'<DeleteCitation><PMID Version="1">{9100 + i}</PMID></DeleteCitation>\n'
                    for i in range(3))
    xml = tmp_path / "update.xml"
    xml.write_text(sample.replace("</PubmedArticleSet>", lists + "</PubmedArticleSet>"),
                   encoding="utf-8")
    out = tmp_path / "out"
    run([xml], out, workers=1, quiet=True, nlp_factory=light_factory)
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d["pmids"] for d in manifest["deleted_citations"]] == (
        [["90000150", "90000151", "90000152"], ["9100"]] if max_lists > 1
        else [["90000150", "90000151", "90000152", "9100"]])
    tables = read_tables(out)
    assert {r["doc_id"] for r in tables["documents"]} == {"90000201", "90000202"}
    (row,) = tables["errors"]
    assert row["error"] == "deleted_citations_cut" and row["source"] == str(xml)
    assert row["message"].startswith("2 PMIDs of <DeleteCitation> lists, from this list on")


def test_resume_reads_a_file_of_unknown_format_again_when_it_changed(
        tmp_path: Path, light_factory: Any) -> None:
    """An unknown-format file's error row depends on its content: a resume compares it as any
    file, so the tables are those of a fresh run."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text("Imiquimod was applied.\n")
    (inp / "b.xml").write_text("")
    out = tmp_path / "out"
    opts: dict[str, Any] = {"workers": 1, "quiet": True, "nlp_factory": light_factory,
                            "unit_bytes": 1}
    run([inp], out, **opts)
    first = [r["error"] for r in read_tables(out)["errors"]]
    (inp / "b.xml").write_text("just some notes, not xml\n")
    run([inp], out, resume=True, **opts)
    run([inp], tmp_path / "fresh", **opts)
    resumed = read_tables(out)
    assert resumed == read_tables(tmp_path / "fresh")
    assert [r["error"] for r in resumed["errors"]] != first


def test_a_count_the_tables_cannot_hold_costs_no_document(tmp_path: Path) -> None:
    # "3000000000 of 5000000000 people" was read as a count: the int32 numerator failed the
    # whole unit's tables (every document of the file lost); a 320-digit number raised
    # OverflowError for its document
    lines = [
        {"id": "ok", "text": "5 of 20 patients (25%) had nephrotoxicity with cisplatin."},
        {"id": "big", "text": "Overall, 3,000,000,000 of 5,000,000,000 people (60%) responded."},
        {"id": "huge", "text": f"Of {'9' * 320} patients, 12 responded."},
    ]
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = tmp_path / "out"
    summary = run([src], out, workers=1, quiet=True, nlp_factory=NLP_FACTORY)
    tables = read_tables(out)
    assert summary.status == "complete"
    assert sorted(r["doc_id"] for r in tables["documents"]) == ["big", "huge", "ok"]
    assert tables["errors"] == []
    counts = {(r["doc_id"], r["numerator"], r["denominator"]) for r in tables["outcomes"]}
    assert ("ok", 5, 20) in counts
    assert all(n is None or n < 2**31 for _, n, d in counts for n in (n, d))


def test_a_link_loop_is_an_error_row_not_a_crash(tmp_path: Path, light_factory: Any) -> None:
    # Path.resolve() raised RuntimeError on a loop of file links: the run died, no output
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "b.txt").write_text("Aspirin prevents stroke.\n")
    os.symlink("l2", docs / "l1")
    os.symlink("l1", docs / "l2")
    os.symlink("self.txt", docs / "self.txt")
    out = tmp_path / "out"
    summary = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    tables = read_tables(out)
    assert summary.status == "complete"
    assert [r["doc_id"] for r in tables["documents"]] == ["b"]
    assert sorted((Path(r["source"]).name, r["error"]) for r in tables["errors"]) == [
        ("l1", "link_loop"), ("l2", "link_loop"), ("self.txt", "link_loop")]


def test_a_path_longer_than_the_system_opens_costs_no_neighbour(
    tmp_path: Path, light_factory: Any
) -> None:
    """A file under folders of long names whose path is past PATH_MAX, beside ordinary notes:
    its unit failed after writing its rows (shard_failed rows for it and its neighbours, whose
    documents were in the tables all the same; INCOMPLETE; --resume failed again), because
    Path.is_file() raises ENAMETOOLONG. Now its folder is one errors row and the run is whole."""
    from helpers import make_too_deep

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(5):
        (docs / f"n{i}.txt").write_text(f"Aspirin note {i}.\n")
    make_too_deep(docs)
    out = tmp_path / "out"
    summary = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    tables = read_tables(out)
    assert summary.status == "complete" and summary.failed_shards == []
    assert [r["doc_id"] for r in tables["documents"]] == [f"n{i}" for i in range(5)]
    assert [(r["error"], r["stage"]) for r in tables["errors"]] == [("unreadable", "ingest")]


def test_a_parquet_file_biotab_did_not_write_in_a_table_folder_is_refused(
    tmp_path: Path, light_factory: Any
) -> None:
    # kept by --overwrite (not biotab's) and then read with the run's rows: the summary counted
    # 8 documents for a run of 4, and doc_ids were no longer unique
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    out = tmp_path / "out"
    run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    theirs = out / "documents" / "part-2019-cohort.parquet"
    shutil.copy(next((out / "documents").glob("part-g*.parquet")), theirs)
    before = theirs.read_bytes()
    for flags in ({}, {"overwrite": True}, {"resume": True}):
        with pytest.raises(OutputExistsError, match=r"part-2019-cohort\.parquet was not written"):
            run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, **flags)
    assert theirs.read_bytes() == before
    result = CliRunner().invoke(app, ["run", str(docs), "--out", str(out), "--no-model",
                                      "--overwrite", "--quiet"])
    assert result.exit_code == 2 and "part-2019-cohort.parquet" in result.output


def test_a_foreign_parquet_file_in_a_linked_table_folder_is_refused_too(
    tmp_path: Path, light_factory: Any
) -> None:
    """A table folder that is a link (`out/documents -> elsewhere`, a big table kept on another
    disk) was exempt from the check: a user's part-mine.parquet there was read as the run's
    (the summary counted 2 documents for a run of 1). The run's own parts there are still its
    own: a second run with --overwrite or --resume goes on."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    elsewhere = tmp_path / "bigdisk" / "documents"
    elsewhere.mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents").symlink_to(elsewhere, target_is_directory=True)
    summary = run([docs], out, workers=1, quiet=True, nlp_factory=light_factory)
    assert summary.counts["documents"] == 1
    assert [f.name.startswith("part-g") for f in elsewhere.iterdir()] == [True]
    run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, overwrite=True)
    run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, resume=True)
    theirs = elsewhere / "part-mine.parquet"
    shutil.copy(next(elsewhere.glob("part-g*.parquet")), theirs)
    for flags in ({}, {"overwrite": True}, {"resume": True}):
        with pytest.raises(OutputExistsError, match=r"part-mine\.parquet was not written"):
            run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, **flags)
    assert theirs.is_file() and (out / "documents").is_symlink()


def test_the_input_record_of_a_path_past_the_system_limit_is_an_error_not_a_crash() -> None:
    """A path longer than the system allows (given on the command line, so no folder walk
    turned it into a `path_too_long` row first): Python 3.11's `is_file` raises for it; the
    unit's input record says so instead of failing the unit."""
    from pipeline.ingest import Shard
    from pipeline.runner.shard import _input_info

    path = "/tmp/" + "d" * 5000 + "/notes.txt"
    info = _input_info(Shard(path, "txt"))
    assert info is not None
    assert info["path"] == path
    assert "name too long" in info["error"].lower()


@pytest.mark.parametrize("name", ["documents", "errors", "_shards", "_parts", "_run"])
def test_a_file_where_the_run_needs_a_folder_is_refused_before_anything_is_written(
    tmp_path: Path, light_factory: Any, name: str
) -> None:
    """A file of the user's named like a table or state folder (`out/documents`, `out/_shards`)
    crashed the run with a traceback (FileExistsError / NotADirectoryError), after the whole
    corpus was annotated and with a manifest and folders left behind that made the next run
    refuse the folder as an earlier run. It is refused at once (exit 2, one line), the file
    kept and nothing written."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text("mine\n")
    for flags in ({}, {"overwrite": True}, {"resume": True}):
        with pytest.raises(OutputExistsError, match=rf"{name} is a file"):
            run([docs], out, workers=1, quiet=True, nlp_factory=light_factory, **flags)
    assert sorted(p.name for p in out.iterdir()) == [name]
    assert (out / name).read_text() == "mine\n"
    result = CliRunner().invoke(app, ["run", str(docs), "--out", str(out), "--no-model",
                                      "--quiet"])
    assert result.exit_code == 2 and f"{name} is a file" in result.output
    assert sorted(p.name for p in out.iterdir()) == [name]
