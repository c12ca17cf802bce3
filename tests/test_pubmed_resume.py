"""A resume after inputs were added, changed or removed gives a fresh run's tables, with
`--keep-duplicates` and `--pubmed-updates`: the copies an earlier attempt dropped (its saved
plan) take part in the driver's check again (`pipeline.runner.duplicates`), so that their rows
name the copy kept, or the list deleting them, that the inputs now decide."""

from __future__ import annotations

import contextlib
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import read_tables
from test_pubmed_updates import (
    BASELINE,
    DATA,
    DELETED,
    REVISING,
    _dropped,
    _random_files,
    _run,
)


def _steps(inc: Path, pool: Path, names: list[str], alt: Path, rng: random.Random,
           k: int) -> Iterator[str]:
    """1-3 random changes to the input folder `inc` (it holds `names[:k]` of `pool`), one at
    a time: add the next file, replace one by a file of `alt`, or remove one (not the
    first); each is named when made."""
    for _ in range(rng.randint(1, 3)):
        present = sorted(p.name for p in inc.iterdir())
        draw = rng.random()
        if draw < 0.5 and k < len(names):
            shutil.copy(pool / names[k], inc / names[k])
            k += 1
            yield f"add {names[k - 1]}"
        elif draw < 0.8 or len(present) == 1:
            name = rng.choice(present)
            shutil.copy(alt / name if (alt / name).exists() else alt / "pubmed25n0001.xml",
                        inc / name)
            yield f"change {name}"
        else:
            name = rng.choice(present[1:])
            (inc / name).unlink()
            yield f"remove {name}"


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("mode", ["updates", "last", "first"])
@pytest.mark.parametrize(("part_rows", "unit_bytes"), [(1, 1), (1000, 1), (1000, 900)])
def test_a_resume_after_random_input_changes_gives_a_fresh_runs_tables(
        tmp_path: Path, seed: int, mode: str, part_rows: int, unit_bytes: int) -> None:
    """Random PubMed files (`_random_files`: repeats, lists anywhere); a run over the first
    ones, then 1-3 random steps (add, change or remove a file), each followed by a resume; then
    a fresh run over the same folder. Units of a file each, each in its own part (`part_rows`
    1) or merged into groups, or units of two or three files: every table and the counts must
    be the fresh run's."""
    rng = random.Random(seed)
    pool, alt, inc = tmp_path / "pool", tmp_path / "alt", tmp_path / "in"
    for folder in (pool, alt, inc):
        folder.mkdir()
    names = _random_files(pool, rng)
    _random_files(alt, rng)
    opts: dict[str, Any] = {"pubmed_updates": mode == "updates",
                            "keep_duplicates": "first" if mode == "first" else "last",
                            "unit_bytes": unit_bytes, "part_rows": part_rows}
    k = rng.randint(1, len(names) - 1)
    for name in names[:k]:
        shutil.copy(pool / name, inc / name)
    _run([inc], tmp_path / "out", **opts)
    summary = None
    for step in _steps(inc, pool, names, alt, rng, k):
        summary = _run([inc], tmp_path / "out", resume=True, **opts)
        assert summary.status == "complete", step
    fresh = _run([inc], tmp_path / "fresh", **opts)
    assert read_tables(tmp_path / "out") == read_tables(tmp_path / "fresh")
    assert summary is not None
    assert ((summary.duplicates_dropped, summary.citations_deleted)
            == (fresh.duplicates_dropped, fresh.citations_deleted))


@pytest.mark.parametrize("part_rows", [1, 1000])  # each unit its own part / one group
def test_a_citation_revised_again_after_a_resume_names_the_last_revision(
        tmp_path: Path, part_rows: int) -> None:
    """The baseline's copy of 91000001 was dropped for the first revision; a second revising
    file is added and the run resumed: the baseline's row names the second revision's copy, as
    in a fresh run, not the first revision's, which is dropped too."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (BASELINE, REVISING):
        shutil.copy(DATA / name, folder / name)
    opts: dict[str, Any] = {"keep_duplicates": "last", "unit_bytes": 1, "part_rows": part_rows}
    _run([folder], tmp_path / "out", **opts)
    again = folder / "pubmed25n1277.xml"
    shutil.copy(DATA / REVISING, again)
    resumed = _run([folder], tmp_path / "out", resume=True, **opts)
    rows = [r for r in _dropped(tmp_path / "out") if r[0] == "91000001"]
    assert [r[2] for r in rows] == [BASELINE, REVISING]
    assert all(f"({again}, line 4, record 1)" in r[3] for r in rows)
    fresh = _run([folder], tmp_path / "fresh", **opts)
    assert read_tables(tmp_path / "out") == read_tables(tmp_path / "fresh")
    assert resumed.duplicates_dropped == fresh.duplicates_dropped


def test_a_plan_saved_by_biotab_26_is_resumed(tmp_path: Path) -> None:
    """A plan without the `place` column (biotab 26 wrote none): its copies take part in the
    check of a resume that added a file, which gives a fresh run's tables."""
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    for name in (BASELINE, REVISING):
        shutil.copy(DATA / name, folder / name)
    opts: dict[str, Any] = {"pubmed_updates": True, "unit_bytes": 1}
    out = tmp_path / "out"
    _run([folder], out, **opts)
    plan = out / "_run" / "duplicates.parquet"
    old = pq.read_table(plan).drop_columns(["place"])
    assert old.num_rows > 0
    pq.write_table(old, plan)
    shutil.copy(DATA / REVISING, folder / "pubmed25n1277.xml")
    _run([folder], out, resume=True, **opts)
    assert "place" in pq.read_schema(plan).names
    _run([folder], tmp_path / "fresh", **opts)
    assert read_tables(out) == read_tables(tmp_path / "fresh")


class _Stop(KeyboardInterrupt):
    pass


def _stop_in_check(monkeypatch: pytest.MonkeyPatch, inputs: list[Path], out: Path,
                   **opts: Any) -> None:
    """A resume stopped in the driver's check, after its units were redone."""
    from pipeline.runner import duplicates

    def stop(*args: Any, **kwargs: Any) -> Any:
        raise _Stop

    with monkeypatch.context() as patch:
        patch.setattr(duplicates, "plan_duplicates", stop)
        with pytest.raises(_Stop):
            _run(inputs, out, resume=True, **opts)


def test_units_redone_by_a_resume_stopped_in_the_check_lose_their_saved_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """b.jsonl's copy of 91000001 was dropped for a.jsonl's; a.jsonl changes (it no longer
    holds 91000001), so a resume redoes both units, and stops in the check. The next resume
    must not drop b.jsonl's copy again for the copy gone from a.jsonl: the saved entry is of
    the files before the redo."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "91000001", "text": "First."}\n')
    (folder / "b.jsonl").write_text('{"id": "91000001", "text": "Second."}\n')
    out = tmp_path / "out"
    opts: dict[str, Any] = {"unit_bytes": 1}
    _run([folder], out, **opts)
    (folder / "a.jsonl").write_text('{"id": "91000002", "text": "Another one."}\n')
    _stop_in_check(monkeypatch, [folder], out, **opts)
    resumed = _run([folder], out, resume=True, **opts)
    fresh = _run([folder], tmp_path / "fresh", **opts)
    assert sorted(read_tables(out)["documents"], key=lambda r: r["doc_id"]) == sorted(
        read_tables(tmp_path / "fresh")["documents"], key=lambda r: r["doc_id"])
    assert read_tables(out) == read_tables(tmp_path / "fresh")
    assert resumed.duplicates_dropped == fresh.duplicates_dropped == 0


def test_rows_of_units_redone_by_a_resume_stopped_in_the_check_are_not_reworded_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The baseline deletes its own copy of 91000001 (a list after it), which a later file's
    copy revised: its row became a duplicate_id naming that copy (a saved rewording). The later
    file changes (no 91000001 now): a resume redoes both, and stops in the check. The next
    resume must leave the baseline's deleted_citation row as its unit wrote it."""
    folder = tmp_path / "in"
    folder.mkdir()

    def xml(*body: str) -> str:
        return ("<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n" + "".join(body)
                + "</PubmedArticleSet>\n")

    def cite(pmid: str) -> str:
        return (f"<PubmedArticle><MedlineCitation><PMID Version=\"1\">{pmid}</PMID><Article>"
                f"<ArticleTitle>Citation {pmid}.</ArticleTitle></Article></MedlineCitation>"
                "</PubmedArticle>\n")

    (folder / "pubmed25n0001.xml").write_text(xml(
        cite("91000001"), "<DeleteCitation><PMID Version=\"1\">91000001</PMID>"
        "</DeleteCitation>\n"))
    (folder / "pubmed25n0002.xml").write_text(xml(cite("91000001")))
    out = tmp_path / "out"
    opts: dict[str, Any] = {"pubmed_updates": True, "unit_bytes": 1}
    _run([folder], out, **opts)
    assert [r[1] for r in _dropped(out)] == ["duplicate_id"]
    (folder / "pubmed25n0002.xml").write_text(xml(cite("91000002")))
    _stop_in_check(monkeypatch, [folder], out, **opts)
    resumed = _run([folder], out, resume=True, **opts)
    fresh = _run([folder], tmp_path / "fresh", **opts)
    assert [r[1] for r in _dropped(out)] == [DELETED]
    assert read_tables(out) == read_tables(tmp_path / "fresh")
    assert ((resumed.duplicates_dropped, resumed.citations_deleted)
            == (fresh.duplicates_dropped, fresh.citations_deleted))


def _jsonl_files(folder: Path, rng: random.Random) -> None:
    """1-2 JSONL files of 1-4 records with the doc_ids of `_random_files` (91000001-6)."""
    for k in range(rng.randint(1, 2)):
        (folder / f"j{k}.jsonl").write_text("".join(
            f'{{"id": "9100000{rng.randint(1, 6)}", "text": "Record {j} of j{k}."}}\n'
            for j in range(rng.randint(1, 4))))


@pytest.mark.parametrize("seed", range(16))
def test_resumes_stopped_in_the_check_after_random_input_changes_give_a_fresh_runs_tables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """PubMed files (`_random_files`) in one folder and JSONL files of the same doc_ids in a
    second; after each random step (`_steps`, or a JSONL file rewritten) a resume, stopped
    about half the time in the driver's check, its apply or the compaction, then resumed
    again: every table and the counts must be a fresh run's."""
    from pipeline.runner import duplicates, plan_apply, units

    rng = random.Random(seed)
    pool, alt, xml, jsonl = (tmp_path / n for n in ("pool", "alt", "xml", "jsonl"))
    for folder in (pool, alt, xml, jsonl):
        folder.mkdir()
    names = _random_files(pool, rng)
    _random_files(alt, rng)
    _jsonl_files(jsonl, rng)
    opts: dict[str, Any] = {"pubmed_updates": seed % 3 != 2,
                            "keep_duplicates": "first" if seed % 3 == 2 else "last",
                            "unit_bytes": rng.choice([1, 400]),
                            "part_rows": rng.choice([1, 2, 1000])}
    k = rng.randint(1, len(names) - 1)
    for name in names[:k]:
        shutil.copy(pool / name, xml / name)
    inputs, out = [xml, jsonl], tmp_path / "out"
    _run(inputs, out, **opts)
    stops = [(duplicates, "plan_duplicates"), (plan_apply, "apply_plan"),
             (plan_apply, "_reword"), (units, "compact")]
    summary = None
    for _step in _steps(xml, pool, names, alt, rng, k):
        if rng.random() < 0.3:
            _jsonl_files(jsonl, rng)
        if rng.random() < 0.5:
            module, where = rng.choice(stops)
            with monkeypatch.context() as patch:
                patch.setattr(module, where, _stopped)
                with contextlib.suppress(_Stop):  # (a stop not reached: nothing to apply)
                    _run(inputs, out, resume=True, **opts)
        summary = _run(inputs, out, resume=True, **opts)
    fresh = _run(inputs, tmp_path / "fresh", **opts)
    assert read_tables(out) == read_tables(tmp_path / "fresh")
    assert summary is not None
    assert ((summary.duplicates_dropped, summary.citations_deleted)
            == (fresh.duplicates_dropped, fresh.citations_deleted))


def _stopped(*args: Any, **kwargs: Any) -> Any:
    raise _Stop
