"""Helpers shared by several test modules (pytest puts tests/ on sys.path)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, SupportsIndex

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

REPO = Path(__file__).resolve().parent.parent


def load_benchmark(script: str) -> ModuleType:
    """Import `benchmarks/<script>.py` once (benchmarks are scripts, not a package)."""
    name = f"biotab_bench_{script}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def nlp_factory() -> Any:
    """The pipeline factory `biotab run` uses (`build_nlp`), or `BIOTAB_TEST_NLP_FACTORY`
    (`module:attr`) to swap in another one while debugging."""
    spec = os.environ.get("BIOTAB_TEST_NLP_FACTORY")
    if spec:
        module, _, attr = spec.partition(":")
        return getattr(importlib.import_module(module), attr)
    from pipeline.nlp import build_nlp

    return build_nlp


def read_tables(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table as rows, part files read in file-name order (the dataset's defined order)."""
    import pyarrow.parquet as pq

    from pipeline.write import TABLES

    return {
        name: [row for f in sorted((out / name).glob("part-*.parquet"))
               for row in pq.read_table(f).to_pylist()]
        for name in TABLES
    }


def ingest_all(*inputs: Any, **kw: Any) -> tuple[list[Any], list[Any]]:
    """`pipeline.ingest.ingest` over `inputs`: (documents, error records) in stream order."""
    from pipeline.documents import Document
    from pipeline.ingest import ingest

    docs: list[Any] = []
    errs: list[Any] = []
    for rec in ingest(list(inputs), **kw):
        (docs if isinstance(rec, Document) else errs).append(rec)
    return docs, errs


def write_bioc_json(path: Path, documents: list[dict[str, Any]], layout: str) -> Path:
    """BioC JSON documents written as PubTator3 exports them, one a line (`layout` "lines"),
    or as one indented collection (anything else)."""
    if layout == "lines":
        path.write_text("".join(json.dumps(d) + "\n" for d in documents), "utf-8")
    else:
        path.write_text(json.dumps({"source": "t", "documents": documents}, indent=1), "utf-8")
    return path


def fail_jsonl_line(monkeypatch: Any, lineno: int) -> None:
    """Make the JSONL reader raise on line `lineno`, standing for a reader bug (the catch-all
    `reader_failed` row's case)."""
    from pipeline.ingest import jsonl

    real_line = jsonl._line

    def failing(raw: bytes, at: int, *args: Any) -> Any:
        if at == lineno:
            raise LookupError("reader bug")
        return real_line(raw, at, *args)

    monkeypatch.setattr(jsonl, "_line", failing)


def assert_rule_errors(
    load: Callable[[Path], object], path: Path, head: str, cases: Iterable[tuple[str, str]]
) -> None:
    """For each (rows, message): a rule file of `head` + rows at `path` is refused by `load`
    with a RuleError matching the message (a regex)."""
    import pytest

    from pipeline.rules import RuleError

    for rows, message in cases:
        path.write_text(head + rows, encoding="utf-8")
        with pytest.raises(RuleError, match=message):
            load(path)


def as_unprivileged(fn: Any) -> Any:
    """`fn()` as a user without privileges: in this process when it is not root; else in a
    forked child that drops to `nobody` first (root reads any file, so a permission test run
    as root, as CI runs, would test nothing). The result comes back pickled; an exception in
    the child is raised here."""
    import os
    import pickle
    import pwd

    if os.geteuid() != 0:
        return fn()
    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        try:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            payload = pickle.dumps(("ok", fn()))
        except BaseException as exc:  # noqa: BLE001 - sent to the parent
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
        with os.fdopen(write_end, "wb") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    if status != "ok":
        raise AssertionError(f"in the unprivileged child: {value}")
    return value


def world_readable_dir() -> Any:
    """A new folder under the system's temp folder that `nobody` can enter (pytest's
    `tmp_path` sits under a folder only its owner can): removed by the caller."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="biotab-perm-"))
    folder.chmod(0o755)
    return folder


def mention_spans(doc: Doc, mentions: list[tuple[str, str]], start: int = 0,
                  end: int | None = None) -> list[Span]:
    """`mentions` (text, label) as spans of `doc`, found in order from character `start` (each
    before `end` when given): the assertion tests' hand-set mentions."""
    spans, pos = [], start
    for mention, label in mentions:
        at = doc.text.index(mention, pos)
        assert end is None or at < end, f"{mention!r} is not in the sentence"
        span = doc.char_span(at, at + len(mention), label=label)
        assert span is not None, f"{mention!r} is not on token boundaries"
        spans.append(span)
        pos = at + len(mention)
    return spans


def annotate_mentions(nlp: Language, text: str, mentions: list[tuple[str, str]]) -> Doc:
    """A doc of `text` with `mentions` (text, label) as ents, in order of appearance."""
    doc = nlp(text)
    doc.set_ents(mention_spans(doc, mentions))
    return doc


def assertion_letters(doc: Doc) -> list[str]:
    """Per mention, in order: "N", "H", "U" for negated, hypothetical, uncertain ("" when
    affirmed)."""
    return [
        ("N" if e._.negated else "") + ("H" if e._.hypothetical else "")
        + ("U" if e._.uncertain else "")
        for e in doc.ents
    ]  # fmt: skip


def check_assertion(
    nlp: Language,
    component: Callable[[Doc], Doc],
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    """Annotate `text` with `mentions`, run the assertion `component` on it, and check each
    mention's flags (`assertion_letters`) against `expected`."""
    doc = annotate_mentions(nlp, text, mentions)
    component(doc)
    assert assertion_letters(doc) == expected, text


def make_too_deep(root: Path, levels: int = 25) -> Path:
    """Folders of 200-letter names under `root` until a path is past PATH_MAX (4,096 bytes on
    Linux), with far.txt at the bottom (made one folder at a time, by folder descriptors);
    returns the first folder."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(levels):  # 25 x 201 bytes: past 4,096
            os.mkdir("d" * 200, dir_fd=fd)
            deeper = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        leaf = os.open("far.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, b"Trial far away.\n")
        os.close(leaf)
    finally:
        os.close(fd)
    return root / ("d" * 200)


class Touched(list[Any]):
    """A list that counts the items read from it: by index, slice or iteration."""

    def __init__(self, items: list[Any]) -> None:
        super().__init__(items)
        self.reads = 0

    def __getitem__(self, at: SupportsIndex | slice) -> Any:  # type: ignore[override]
        got = super().__getitem__(at)
        self.reads += len(got) if isinstance(at, slice) else 1
        return got

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            self.reads += 1
            yield item


def stdout_closed(*args: str) -> tuple[int, str]:
    """`biotab ARGS` (`python -m pipeline`) with its stdout a pipe whose reader is gone before
    the first line, as `biotab ... | head -0`: its exit status and its stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    return proc.wait(timeout=300), err


def slow_component(name: str, word: str, seconds: float) -> str:
    """Registers (once a process: a test module calls it when imported, so a worker that
    imports the module has it too) a spaCy component `name` that sleeps `seconds`, in steps of
    0.05 s a time limit can interrupt, on a text holding `word`; returns `name` for
    `nlp.add_pipe`. The one slow component of the time-limit tests."""
    from spacy.language import Language

    steps = round(seconds / 0.05)

    def slow(doc: Doc) -> Doc:
        if word in doc.text:
            for _ in range(steps):
                time.sleep(0.05)
        return doc

    if not Language.has_factory(name):
        Language.component(name, func=slow)
    return name
