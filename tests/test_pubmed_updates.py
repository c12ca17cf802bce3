"""PubMed's baseline and daily update files, run in NLM's order (`biotab run baseline/ updates/`):
`--keep-duplicates last` keeps a later file's copy of a citation, `--pubmed-updates` also
applies the `<DeleteCitation>` lists; within a unit and across units (the driver), for any
worker count, resumed exactly; the default (the first copy kept, the lists only listed) is
unchanged. The inputs are `tests/data/pubmed_updates/` (see its README), plain and gzipped."""

from __future__ import annotations

import gzip
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import read_tables
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.documents import Document, ErrorRecord, Notice
from pipeline.ingest import ingest, list_shards
from pipeline.ingest.dedupe import (
    DELETED,
    FirstCopies,
    LastCopies,
    deleted_row,
    duplicate_row,
)
from pipeline.run import RunError, run
from pipeline.runner import bookkeeping as B
from pipeline.runner import duplicates as D
from pipeline.runner import plan_apply
from pipeline.runner import plan_file as P
from pipeline.runner import units as units_mod
from pipeline.runner.units import Unit

DATA = Path(__file__).resolve().parent / "data" / "pubmed_updates"
BASELINE, REVISING, DELETING = "pubmed25n0001.xml", "pubmed25n1275.xml", "pubmed25n1276.xml"


def blank_nlp() -> Any:
    """spaCy's blank English and a sentencizer: the run's bookkeeping is what is tested here.
    Module level, so spawned pool workers can import it."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _inputs(root: Path, gz: bool = False) -> list[Path]:
    """root/baseline/ and root/updates/ as NLM serves them (gzipped when `gz`)."""
    folders = {"baseline": [BASELINE], "updates": [REVISING, DELETING]}
    for folder, names in folders.items():
        (root / folder).mkdir(parents=True)
        for name in names:
            data = (DATA / name).read_bytes()
            if gz:
                (root / folder / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
            else:
                (root / folder / name).write_bytes(data)
    return [root / "baseline", root / "updates"]


def _run(inputs: list[Path], out: Path, **options: Any) -> Any:
    options.setdefault("workers", 1)
    return run(inputs, out, quiet=True, nlp_factory=blank_nlp, **options)


def _where(out: Path) -> dict[str, str]:
    """doc_id -> the file its kept copy was read from (the documents table, with pandas)."""
    docs = pd.read_parquet(out / "documents")
    return {d: Path(s).name for d, s in zip(docs["doc_id"], docs["source"], strict=True)}


def _dropped(out: Path) -> list[tuple[str, str, str, str]]:
    """(doc_id, kind, file of the dropped copy, message) of every duplicate or deleted copy."""
    errors = pd.read_parquet(out / "errors")
    rows = errors[errors["error"].isin(["duplicate_id", DELETED])]
    return sorted(zip(rows["doc_id"], rows["error"], [Path(s).name for s in rows["source"]],
                      rows["message"], strict=True))


def _manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text())


# --------------------------------------------------------------------------- end to end


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("unit_bytes", [1, 1 << 20])  # a unit per file (the driver) / one unit
def test_pubmed_updates_keep_the_revision_and_apply_the_deletion(
        tmp_path: Path, gz: bool, unit_bytes: int) -> None:
    inputs = _inputs(tmp_path / "in", gz)
    out = tmp_path / "out"
    summary = _run(inputs, out, pubmed_updates=True, unit_bytes=unit_bytes)
    ext = ".gz" if gz else ""
    assert _where(out) == {"91000001": REVISING + ext, "91000003": BASELINE + ext,
                           "91000004": REVISING + ext, "91000005": DELETING + ext}
    docs = pd.read_parquet(out / "documents").set_index("doc_id")
    assert docs.loc["91000001", "title"] == (
        "Ustekinumab in plaque psoriasis: a retrospective cohort of 50 patients.")
    assert "32 of 50 patients (64%)" in docs.loc["91000001", "text"]
    baseline = str(inputs[0] / (BASELINE + ext))
    revising, deleting = (str(inputs[1] / (n + ext)) for n in (REVISING, DELETING))
    assert _dropped(out) == [
        ("91000001", "duplicate_id", BASELINE + ext,
         f"doc_id '91000001' is read again from a later input ({revising}, line 4, record 1); "
         "this earlier copy was dropped"),
        ("91000002", DELETED, BASELINE + ext,
         f"doc_id '91000002' is deleted by a <DeleteCitation> list read later ({deleting}, "
         "line 40, record 2); this copy was dropped")]
    errors = pd.read_parquet(out / "errors")
    assert list(errors["location"]) == ["line 4, record 1", "line 42, record 2"]
    assert set(errors["source"]) == {baseline}
    # the sentences of the dropped copies went with them
    sentences = pd.read_parquet(out / "sentences")
    assert set(sentences["doc_id"]) == set(docs.index)
    manifest = _manifest(out)
    assert manifest["settings"]["keep_duplicates"] == "last"
    assert manifest["settings"]["pubmed_updates"] is True
    assert [d["pmids"] for d in manifest["deleted_citations"]] == [["91000002", "91000777"]]
    assert manifest["duplicates_dropped"] == summary.duplicates_dropped == 1
    assert manifest["citations_deleted"] == summary.citations_deleted == 1
    assert summary.exit_code == 0 and summary.documents == 4


def test_the_default_keeps_the_first_copy_and_only_lists_the_deletions(tmp_path: Path) -> None:
    """Nothing changes for a run without the options: the baseline's copy is kept, the update's
    is a duplicate_id row, the deleted citation stays (listed in the manifest)."""
    inputs = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    summary = _run(inputs, out, unit_bytes=1)
    assert _where(out) == {"91000001": BASELINE, "91000002": BASELINE, "91000003": BASELINE,
                           "91000004": REVISING, "91000005": DELETING}
    baseline = inputs[0] / BASELINE
    assert _dropped(out) == [
        ("91000001", "duplicate_id", REVISING,
         f"doc_id '91000001' was already produced by an earlier input ({baseline}, line 4, "
         "record 1); this copy was dropped")]
    manifest = _manifest(out)
    assert manifest["settings"]["keep_duplicates"] == "first"
    assert manifest["settings"]["pubmed_updates"] is False
    assert [d["pmids"] for d in manifest["deleted_citations"]] == [["91000002", "91000777"]]
    assert summary.duplicates_dropped == 1 and summary.citations_deleted == 0


def test_fail_on_error_does_not_count_the_copies_the_updates_replace_or_delete(
        tmp_path: Path) -> None:
    """A nightly `--pubmed-updates --fail-on-error` run exits 0 for the revisions and
    deletions it was asked to apply, and 1 for anything else (here a damaged file); the
    default's duplicates are data problems and still count."""
    inputs = _inputs(tmp_path / "in")
    applied = _run(inputs, tmp_path / "applied", pubmed_updates=True, fail_on_error=True)
    assert applied.errors == 2 and applied.expected_errors == 2 and applied.exit_code == 0
    (tmp_path / "in" / "updates" / "damaged.xml").write_text("<PubmedArticleSet><Pubmed")
    damaged = _run(inputs, tmp_path / "damaged", pubmed_updates=True, fail_on_error=True)
    assert damaged.errors == 3 and damaged.exit_code == 1
    default = _run(_inputs(tmp_path / "in2"), tmp_path / "default", fail_on_error=True)
    assert default.errors == 1 and default.expected_errors == 0 and default.exit_code == 1


def test_fail_on_error_does_not_count_a_copy_replaced_within_its_own_file(
        tmp_path: Path) -> None:
    """A JSON Lines file holding a doc_id twice, run with `--keep-duplicates last`: the earlier
    line's duplicate_id row is what the option asks for, as when the copies are in two files
    (it counted, and the run exited 1)."""
    data = tmp_path / "docs.jsonl"
    data.write_text('{"id": "1", "text": "The old text."}\n{"id": "2", "text": "Two."}\n'
                    '{"id": "1", "text": "The new text."}\n')
    summary = _run([data], tmp_path / "out", keep_duplicates="last", fail_on_error=True)
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert docs.loc["1", "text"] == "The new text."
    assert summary.errors == 1 and summary.expected_errors == 1 and summary.exit_code == 0


def test_keep_duplicates_last_alone_deletes_nothing(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    _run(inputs, out, keep_duplicates="last", unit_bytes=1)
    assert _where(out)["91000001"] == REVISING and _where(out)["91000002"] == BASELINE
    assert [(d, kind) for d, kind, _, _ in _dropped(out)] == [("91000001", "duplicate_id")]


@pytest.mark.parametrize("unit_bytes", [1, 1 << 20])
def test_a_copy_read_after_the_deletion_is_kept(tmp_path: Path, unit_bytes: int) -> None:
    """The deleting file given first: the baseline's copy, read after its list, stays."""
    out = tmp_path / "out"
    _run([DATA / DELETING, DATA / BASELINE], out, pubmed_updates=True, unit_bytes=unit_bytes)
    assert _where(out) == {"91000005": DELETING, "91000001": BASELINE, "91000002": BASELINE,
                           "91000003": BASELINE}
    assert _dropped(out) == []


@pytest.mark.parametrize("case", ["revised, then deleted", "deleted, then added again",
                                  "deleted twice"])
def test_the_rows_do_not_depend_on_how_the_inputs_are_cut_into_units(
        tmp_path: Path, case: str) -> None:
    """The copies of 91000002: a unit's rows for its own copies are reworded by the driver as
    one unit holding every file would word them. Revised, then deleted (units: the baseline and
    the revision, then the list): both copies are deleted_citation rows (the baseline's was a
    duplicate_id row naming the revision, itself deleted). Deleted, then added again (the
    baseline and the list, then a file holding it again): the baseline's copy is a
    duplicate_id row naming the copy kept (it was a deleted_citation row). Deleted twice (the
    baseline and the list, then a second list): its row names the second list (it named the
    first), as when the lists are one unit's."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / BASELINE).write_bytes((DATA / BASELINE).read_bytes())
    if case == "revised, then deleted":
        names = [BASELINE, REVISING, DELETING]
        (folder / REVISING).write_text((DATA / REVISING).read_text().replace("91000001",
                                                                             "91000002"))
        (folder / DELETING).write_bytes((DATA / DELETING).read_bytes())
        kinds = [("91000002", DELETED, BASELINE), ("91000002", DELETED, REVISING)]
    elif case == "deleted, then added again":
        names = [BASELINE, DELETING, "pubmed25n1277.xml"]
        (folder / DELETING).write_bytes((DATA / DELETING).read_bytes())
        (folder / names[2]).write_text((DATA / BASELINE).read_text())
        kinds = [(pmid, "duplicate_id", BASELINE) for pmid in ("91000001", "91000002",
                                                                "91000003")]
    else:  # the second list is the last: the baseline's row names it, not the unit's list
        names = [BASELINE, DELETING, "pubmed25n1277.xml"]
        for name in names[1:]:
            (folder / name).write_bytes((DATA / DELETING).read_bytes())
        kinds = [("91000002", DELETED, BASELINE), ("91000005", "duplicate_id", DELETING)]
    split = sum((folder / n).stat().st_size for n in names[:2])
    plan = units_mod.plan_units(list_shards([folder]), 1 << 30, split)
    assert [[Path(s.path).name for s in u.shards] for u in plan] == [names[:2], names[2:]]
    runs = {}
    for unit_bytes in (1, split, 1 << 20):
        out = tmp_path / f"out{unit_bytes}"
        summary = _run([folder], out, pubmed_updates=True, unit_bytes=unit_bytes)
        runs[unit_bytes] = (_where(out), _dropped(out), summary.duplicates_dropped,
                            summary.citations_deleted)
    assert [r[:3] for r in runs[1][1]] == kinds
    assert runs[split] == runs[1] == runs[1 << 20]


@pytest.mark.parametrize("keep", ["first", "last"])
def test_a_citation_revised_twice_names_the_copy_kept_however_the_units_are_cut(
        tmp_path: Path, keep: str) -> None:
    """91000001 in the baseline, revised by two update files; the baseline and the first
    revision in one unit (`first`: the two revisions): the baseline's row names the copy kept,
    the second revision (`first`: the second revision's row names the baseline's copy), not
    the unit's own copy, which the driver dropped too."""
    folder = tmp_path / "in"
    folder.mkdir()
    again = "pubmed25n1277.xml"
    for name in (BASELINE, REVISING):
        (folder / name).write_bytes((DATA / name).read_bytes())
    (folder / again).write_bytes((DATA / REVISING).read_bytes())
    together = [BASELINE, REVISING] if keep == "last" else [REVISING, again]
    split = sum((folder / n).stat().st_size for n in together)
    plan = units_mod.plan_units(list_shards([folder]), 1 << 30, split)
    assert [Path(s.path).name for u in plan for s in u.shards if len(u.shards) == 2] == together
    runs = {}
    for unit_bytes in (1, split, 1 << 20):
        out = tmp_path / f"out{unit_bytes}"
        summary = _run([folder], out, keep_duplicates=keep, unit_bytes=unit_bytes)
        runs[unit_bytes] = (_where(out), _dropped(out), summary.duplicates_dropped)
    kept = folder / (again if keep == "last" else BASELINE)
    assert all(f"({kept}, line 4, record 1)" in message
               for doc_id, _, _, message in runs[split][1] if doc_id == "91000001")
    assert runs[split] == runs[1] == runs[1 << 20]


def _random_files(folder: Path, rng: random.Random) -> list[str]:
    """3-5 PubMed files in NLM's form, their citations drawn from 6 PMIDs (repeats within a
    file too), most update files with a `<DeleteCitation>` list of 1-3 of them, some with two,
    anywhere among the citations (NLM's have one, at the end)."""
    pool = [f"9100000{i}" for i in range(1, 7)]
    names = []
    for k in range(rng.randint(3, 5)):
        name = f"pubmed25n{k + 1:04d}.xml"
        body = []
        for j in range(rng.randint(0 if k else 1, 4)):
            pmid = rng.choice(pool)
            body.append(f"<PubmedArticle><MedlineCitation><PMID Version=\"1\">{pmid}</PMID>"
                        f"<Article><ArticleTitle>Copy {j} of {pmid} in {name}.</ArticleTitle>"
                        "</Article></MedlineCitation></PubmedArticle>\n")
        for _ in range(2):
            if k and rng.random() < 0.6:
                body.insert(rng.randint(0, len(body)), "<DeleteCitation>" + "".join(
                    f"<PMID Version=\"1\">{p}</PMID>"
                    for p in rng.sample(pool, rng.randint(1, 3))) + "</DeleteCitation>\n")
        (folder / name).write_text("<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n"
                                   + "".join(body) + "</PubmedArticleSet>\n")
        names.append(name)
    return names


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("mode", ["updates", "last", "first"])
def test_random_files_give_the_same_rows_however_they_are_cut_into_units(
        tmp_path: Path, seed: int, mode: str) -> None:
    """One unit applies the rules in Python as it reads (`pipeline.ingest.dedupe`); a unit per
    file leaves them all to the driver's SQL (`pipeline.runner.duplicates`); two units share
    them. The documents, their rows, and the counts must be the same."""
    folder = tmp_path / "in"
    folder.mkdir()
    names = _random_files(folder, random.Random(seed))
    opts: dict[str, Any] = {"pubmed_updates": mode == "updates",
                            "keep_duplicates": "first" if mode == "first" else "last"}
    split = sum((folder / n).stat().st_size for n in names[:2])
    runs = []
    for unit_bytes in (1, split, 1 << 30):
        out = tmp_path / f"out{unit_bytes}"
        summary = _run([folder], out, unit_bytes=unit_bytes, **opts)
        docs = pd.read_parquet(out / "documents")
        runs.append((sorted(zip(docs["doc_id"], docs["source"], docs["location"],
                                strict=True)),
                     _dropped(out), summary.duplicates_dropped, summary.citations_deleted))
    assert runs[0] == runs[1] == runs[2]


@pytest.mark.parametrize("unit_bytes", [1, 1 << 30])  # a unit per file (the driver) / one
def test_a_file_of_two_lists_names_the_list_that_deletes(tmp_path: Path,
                                                           unit_bytes: int) -> None:
    """An update file with two `<DeleteCitation>` lists (NLM's have one): a citation deleted
    by the second list only is a row naming that list's line, whether the driver or the unit
    applies it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / BASELINE).write_bytes((DATA / BASELINE).read_bytes())

    def listed(pmid: str) -> str:
        return f"<DeleteCitation><PMID Version=\"1\">{pmid}</PMID></DeleteCitation>\n"

    (folder / DELETING).write_text("<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n"
                                   + listed("91000001") + listed("91000002")
                                   + "</PubmedArticleSet>\n")
    _run([folder], tmp_path / "out", pubmed_updates=True, unit_bytes=unit_bytes)
    said = {doc_id: message for doc_id, kind, _, message in _dropped(tmp_path / "out")
            if kind == DELETED}
    assert said["91000001"].endswith(f"({folder / DELETING}, line 3, record 1); this copy was "
                                     "dropped")
    assert said["91000002"].endswith(f"({folder / DELETING}, line 4, record 2); this copy was "
                                     "dropped")


def test_a_resume_after_the_copy_added_again_is_gone_deletes_the_earlier_copy_again(
        tmp_path: Path) -> None:
    """The baseline's copy of 91000002, deleted by the list of its unit, is a duplicate_id row
    naming the later unit's copy; that copy gone from its file before a resume (the units in
    groups of their own): the baseline's row is a deleted_citation row again, as in a fresh
    run (its unit is redone as one that lost a row to the changed unit)."""
    folder = tmp_path / "in"
    folder.mkdir()
    added = folder / "pubmed25n1277.xml"
    for name in (BASELINE, DELETING):
        (folder / name).write_bytes((DATA / name).read_bytes())
    added.write_text((DATA / BASELINE).read_text())
    opts: dict[str, Any] = {"pubmed_updates": True, "part_rows": 1,
                            "unit_bytes": sum((folder / n).stat().st_size
                                              for n in (BASELINE, DELETING))}
    out = tmp_path / "out"
    _run([folder], out, **opts)
    assert ("91000002", "duplicate_id", BASELINE) in [r[:3] for r in _dropped(out)]
    text = added.read_text()
    start = text.index("  <PubmedArticle>", text.index("91000001"))
    added.write_text(text[:start] + text[text.index("</PubmedArticle>", start) + 17:])
    assert "91000002" not in added.read_text()
    _run([folder], out, resume=True, **opts)
    assert ("91000002", DELETED, BASELINE) in [r[:3] for r in _dropped(out)]
    _run([folder], tmp_path / "fresh", **opts)
    assert read_tables(out) == read_tables(tmp_path / "fresh")


@pytest.mark.parametrize(("gz", "unit_bytes"), [
    (True, None),  # a unit per file
    (False, 6000),  # the baseline, and both update files in one unit
])
def test_one_or_two_workers_give_the_same_tables(tmp_path: Path, gz: bool,
                                                 unit_bytes: int | None) -> None:
    inputs = _inputs(tmp_path / "in", gz)
    one = _run(inputs, tmp_path / "one", workers=1, pubmed_updates=True, unit_bytes=unit_bytes)
    two = _run(inputs, tmp_path / "two", workers=2, pubmed_updates=True, unit_bytes=unit_bytes)
    assert one.workers == 1 and two.workers == 2
    assert read_tables(tmp_path / "one") == read_tables(tmp_path / "two")
    assert _where(tmp_path / "one")["91000001"] == REVISING + (".gz" if gz else "")
    assert "91000002" not in _where(tmp_path / "two")


@pytest.mark.parametrize(("first", "then", "said"), [
    ({"pubmed_updates": True}, {}, "--keep-duplicates 'last' then, 'first' now; "
                                   "--pubmed-updates given then, not given now"),
    ({}, {"keep_duplicates": "last"}, "--keep-duplicates 'first' then, 'last' now"),
    ({"keep_duplicates": "last"}, {"pubmed_updates": True},
     "--pubmed-updates not given then, given now"),
])
def test_a_resume_with_another_choice_is_refused(tmp_path: Path, first: dict[str, Any],
                                                 then: dict[str, Any], said: str) -> None:
    inputs = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    _run(inputs, out, unit_bytes=1, **first)
    before = read_tables(out)
    with pytest.raises(RunError, match=f"cannot resume: .*{said}"):
        _run(inputs, out, unit_bytes=1, resume=True, **then)
    assert read_tables(out) == before
    assert _run(inputs, out, unit_bytes=1, resume=True, **first).shards_skipped == 3


def test_a_run_of_an_earlier_biotab_resumes_with_the_default(tmp_path: Path) -> None:
    """A manifest written before the settings existed holds neither: the values it used."""
    inputs = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    _run(inputs, out, unit_bytes=1)
    manifest = _manifest(out)
    for key in ("keep_duplicates", "pubmed_updates"):
        del manifest["settings"][key]
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert _run(inputs, out, unit_bytes=1, resume=True).shards_skipped == 3
    with pytest.raises(RunError, match="--pubmed-updates not given then, given now"):
        _run(inputs, out, unit_bytes=1, resume=True, pubmed_updates=True)


class _Stop(KeyboardInterrupt):
    pass


@pytest.mark.parametrize("where", ["plan_duplicates", "apply_plan", "_reword", "compact"])
def test_a_run_stopped_in_the_drivers_check_resumes_to_the_same_tables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Stopped before the check across units, after it (its plan saved) before any copy is
    dropped, after the first copies are dropped and before the rows are reworded, or after
    all of it and before the compaction: the resume gives a fresh run's tables."""
    inputs = _inputs(tmp_path / "in")
    opts: dict[str, Any] = {"pubmed_updates": True, "unit_bytes": 1}
    _run(inputs, tmp_path / "fresh", **opts)
    module: Any = {"plan_duplicates": D, "compact": units_mod}.get(where, plan_apply)
    real = getattr(module, where)

    def stop(*args: Any, **kwargs: Any) -> Any:
        raise _Stop

    monkeypatch.setattr(module, where, stop)
    out = tmp_path / "out"
    with pytest.raises(_Stop):
        _run(inputs, out, **opts)
    monkeypatch.setattr(module, where, real)
    if where != "plan_duplicates":
        assert pq.read_metadata(out / "_run" / "duplicates.parquet").num_rows == 2
    summary = _run(inputs, out, resume=True, **opts)
    # (once a copy is dropped, the baseline's unit files hold fewer rows than its marker
    # counts: the resume redoes that unit, and the check drops its copies again)
    assert summary.shards_skipped == (3 if where in ("plan_duplicates", "apply_plan") else 2)
    assert read_tables(out) == read_tables(tmp_path / "fresh")
    assert (summary.duplicates_dropped, summary.citations_deleted) == (1, 1)


def test_a_resume_after_a_later_update_file_is_added_gives_a_fresh_runs_rows(
        tmp_path: Path) -> None:
    """The baseline's copy of 91000001 is dropped for the revision's; then a later update file
    deleting 91000001 is added and the run resumed: as in a fresh run, both copies are
    deleted_citation rows naming that list (counts 0 and 2), not the baseline's a duplicate_id
    row naming the revision, which is gone too (counts 1 and 1)."""
    folder = tmp_path / "in"
    folder.mkdir()

    def xml(name: str, body: str) -> None:
        (folder / name).write_text(f"<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n{body}"
                                   "</PubmedArticleSet>\n")

    def article(title: str) -> str:
        return ("<PubmedArticle><MedlineCitation><PMID Version=\"1\">91000001</PMID><Article>"
                f"<ArticleTitle>{title}.</ArticleTitle></Article></MedlineCitation>"
                "</PubmedArticle>\n")

    xml("pubmed25n0001.xml", article("Baseline copy"))
    xml("pubmed25n0002.xml", article("Revised copy"))
    opts: dict[str, Any] = {"pubmed_updates": True, "unit_bytes": 1}
    _run([folder], tmp_path / "out", **opts)
    xml("pubmed25n0003.xml",
        "<DeleteCitation><PMID Version=\"1\">91000001</PMID></DeleteCitation>\n")
    resumed = _run([folder], tmp_path / "out", resume=True, **opts)
    fresh = _run([folder], tmp_path / "fresh", **opts)
    assert _dropped(tmp_path / "fresh") == [
        ("91000001", DELETED, name, f"doc_id '91000001' is deleted by a <DeleteCitation> list "
         f"read later ({folder / 'pubmed25n0003.xml'}, line 3, record 1); this copy was dropped")
        for name in ("pubmed25n0001.xml", "pubmed25n0002.xml")]
    assert (fresh.duplicates_dropped, fresh.citations_deleted) == (0, 2)
    assert _dropped(tmp_path / "out") == _dropped(tmp_path / "fresh")
    assert (resumed.duplicates_dropped, resumed.citations_deleted) == (0, 2)


@pytest.mark.parametrize("name", ["out[1]", "out?", "out\\[1]", "out's é"])
def test_an_output_folder_named_like_a_pattern_is_read_as_named(tmp_path: Path,
                                                                name: str) -> None:
    """DuckDB reads a file name holding '[', '*' or '?' as a glob pattern: the driver (its
    check, the plan it saved, on a resume) must read the output folder's own files, not those
    of a folder beside it that the pattern also matches (`out1`: a copy whose plan also drops
    91000003); a quote or a letter outside ASCII in the name must not break its SQL."""
    inputs = _inputs(tmp_path / "in")
    opts: dict[str, Any] = {"pubmed_updates": True, "unit_bytes": 1}
    out = tmp_path / name
    _run(inputs, out, **opts)
    fresh = (_where(out), _dropped(out))
    assert len(fresh[1]) == 2 and "91000003" in fresh[0]
    other = tmp_path / "out1"
    shutil.copytree(out, other)
    plan = pq.read_table(other / "_run" / "duplicates.parquet").to_pylist()
    plan.append({**plan[0], "doc_id": "91000003"})
    pq.write_table(pa.Table.from_pylist(plan, P.PLAN_SCHEMA),
                   other / "_run" / "duplicates.parquet")
    summary = _run(inputs, out, resume=True, **opts)
    assert (_where(out), _dropped(out)) == fresh
    assert (summary.duplicates_dropped, summary.citations_deleted) == (1, 1)


@pytest.mark.parametrize("changed", [REVISING, DELETING])
def test_an_update_file_changed_before_a_resume_brings_the_dropped_copy_back(
        tmp_path: Path, changed: str) -> None:
    """The revision (the list) is gone from the update file: the baseline's copy, dropped for
    it, is read again (its unit redone, though merged into a group) and kept."""
    inputs = _inputs(tmp_path / "in")
    opts: dict[str, Any] = {"pubmed_updates": True, "unit_bytes": 1, "part_rows": 1}
    out = tmp_path / "out"
    _run(inputs, out, **opts)
    path = inputs[1] / changed
    text = path.read_text()
    if changed == REVISING:
        start = text.index("  <PubmedArticle>")
        path.write_text(text[:start] + text[text.index("</PubmedArticle>") + 17:])
    else:
        start = text.index("  <DeleteCitation>")
        path.write_text(text[:start] + text[text.index("</DeleteCitation>") + 18:])
    summary = _run(inputs, out, resume=True, **opts)
    kept = "91000001" if changed == REVISING else "91000002"
    assert _where(out)[kept] == BASELINE
    assert summary.shards_skipped == 1  # the other update file's unit
    _run(inputs, tmp_path / "fresh", **opts)
    assert read_tables(out) == read_tables(tmp_path / "fresh")


@pytest.mark.parametrize(("unit_bytes", "deleted"), [(1, False), (1 << 20, True)])
def test_a_pmid_past_the_manifests_cap_deletes_copies_of_its_own_unit_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unit_bytes: int, deleted: bool) -> None:
    from pipeline.runner import shard as shard_mod

    monkeypatch.setattr(shard_mod, "MAX_DELETED_PMIDS", 1)
    update = tmp_path / "pubmed25n1277.xml"
    # the list names 91000777, then 91000003: the PMID past the cap of 1
    update.write_text((DATA / DELETING).read_text().replace("91000777", "91000003").replace(
        '<PMID Version="1">91000002</PMID>', '<PMID Version="1">91000777</PMID>'))
    out = tmp_path / "out"
    _run([DATA / BASELINE, update], out, pubmed_updates=True, unit_bytes=unit_bytes)
    assert ("91000003" not in _where(out)) is deleted
    errors = pd.read_parquet(out / "errors")
    cut = errors[errors["error"] == "deleted_citations_cut"]["message"].tolist()
    assert len(cut) == 1 and "delete no copy read in an earlier unit of work" in cut[0]


@pytest.mark.parametrize("keep", [None, "last", "updates"])
def test_ingest_keeps_the_copies_a_run_keeps(tmp_path: Path, keep: str | None) -> None:
    """The library's `ingest()` takes the run's choices: the same documents and rows as a run
    of one unit."""
    inputs = _inputs(tmp_path / "in")
    opts: dict[str, Any] = ({"pubmed_updates": True} if keep == "updates"
                            else {"keep_duplicates": keep})
    _run(inputs, tmp_path / "out", unit_bytes=1 << 30, **opts)
    records = list(ingest(inputs, **opts))
    docs = sorted((r.doc_id, Path(r.source).name) for r in records if isinstance(r, Document))
    assert docs == sorted(_where(tmp_path / "out").items())
    rows = sorted((r.doc_id, r.error, Path(r.source).name, r.message) for r in records
                  if isinstance(r, ErrorRecord) and r.error in ("duplicate_id", DELETED))
    assert rows == _dropped(tmp_path / "out")
    assert (keep is None) == (("91000001", BASELINE) in docs)


def test_ingest_refuses_a_choice_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be first or last"):
        list(ingest(tmp_path, keep_duplicates="newest"))
    with pytest.raises(ValueError, match="cannot go with --keep-duplicates first"):
        list(ingest(tmp_path, keep_duplicates="first", pubmed_updates=True))


def test_the_command_line_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [str(p) for p in _inputs(tmp_path / "in")]
    out = str(tmp_path / "out")
    base = ["run", *inputs, "--out", out, "--workers", "1", "--quiet"]
    for extra, said in (
            (["--pubmed-updates", "--keep-duplicates", "first"],
             "--pubmed-updates keeps the last copy"),
            (["--keep-duplicates", "newest"], "--keep-duplicates must be first or last, got "
                                              "'newest'")):
        refused = CliRunner().invoke(app, [*base, *extra])
        assert refused.exit_code == 2 and said in refused.output
        assert not Path(out).exists()
    monkeypatch.setattr("pipeline.run.default_nlp", blank_nlp)
    done = CliRunner().invoke(app, [*base, "--pubmed-updates"])
    assert done.exit_code == 0, done.output
    assert "91000002" not in _where(Path(out))
    assert "--pubmed-updates" in _manifest(Path(out))["command"]


# --------------------------------------------------------------------------- pure functions


def _doc(doc_id: str, source: str, line: int) -> Document:
    return Document(doc_id=doc_id, text="Text.", source=source, format="pubmed",
                    location=f"line {line}")


def _deletion(source: str, line: int, *pmids: str) -> Notice:
    return Notice(source=source, stage="ingest", error="deleted_citations", message="",
                  location=f"line {line}", ids=pmids)


def _last_copies(shards: list[list[Any]], apply_deletions: bool = True
                 ) -> tuple[list[Any], LastCopies]:
    copies = LastCopies(apply_deletions=apply_deletions)
    for i, records in enumerate(shards):
        copies.scan(records, f"s{i}")
    return [rec for i, records in enumerate(shards)
            for rec in copies.keep_last(records, f"s{i}")], copies


def test_last_copies_keep_the_last_copy_and_apply_later_lists() -> None:
    base = [_doc("1", "base", 1), _doc("2", "base", 2), _doc("3", "base", 3),
            _doc("1", "base", 4)]
    update = [_doc("1", "upd", 1), _deletion("upd", 2, "2", "3", "9"), _doc("3", "upd", 3)]
    out, copies = _last_copies([base, update])
    assert out[4:7] == [update[0], update[1], update[2]]  # (the list passes through)
    assert out[0] == duplicate_row("1", "base", "line 1", "upd", "line 1", other_input=True,
                                   kept_later=True)
    assert out[1] == deleted_row("2", "base", "line 2", "upd", "line 2")
    # a copy read after the list is kept; the one before it is its duplicate
    assert out[2] == duplicate_row("3", "base", "line 3", "upd", "line 3", other_input=True,
                                   kept_later=True)
    assert out[3].message == ("doc_id '1' is read again from a later input (upd, line 1); this "
                              "earlier copy was dropped")
    assert (copies.across, copies.deleted) == (3, 1)


def test_last_copies_without_deletions_and_within_one_input() -> None:
    records = [_doc("1", "a", 1), _doc("1", "a", 2), _deletion("a", 3, "1")]
    out, copies = _last_copies([records], apply_deletions=False)
    assert out[0].message == ("doc_id '1' is read again later in this run (a, line 2); this "
                              "earlier document was dropped")
    assert out[1:] == records[1:] and (copies.across, copies.deleted) == (0, 0)
    # the list comes after the last copy: every copy is deleted
    out, copies = _last_copies([records])
    assert [r.error for r in out[:2]] == [DELETED, DELETED] and copies.deleted == 2


def test_last_copies_keep_one_copy_when_the_input_changed_between_readings() -> None:
    copies = LastCopies()
    copies.scan([_doc("1", "a", 1)])
    out = list(copies.keep_last([_doc("2", "a", 1), _doc("1", "a", 2), _doc("2", "a", 3)]))
    assert [getattr(r, "error", None) for r in out] == [None, "duplicate_id", "duplicate_id"]


def test_first_copies_are_unchanged() -> None:
    records = [_doc("1", "a", 1), _doc("1", "a", 2), _deletion("a", 3, "1")]
    out = list(FirstCopies().keep(records))
    assert out[0] == records[0] and out[2] == records[2]
    assert out[1].message == ("doc_id '1' was already produced earlier in this run (a, line 1); "
                              "this later document was dropped")


def _unit(index: int) -> Unit:
    return Unit(f"u{index:07d}.0000000000", ())


def test_unit_deletions_rank_a_list_as_the_group_holding_its_unit() -> None:
    units = [_unit(i) for i in range(4)]
    groups = {"g0000000.aaaaaaaaaa": [units[0].unit_id, units[1].unit_id]}
    keys = units_mod.ranked_keys(units, groups)
    markers = {
        units[1].unit_id: {"deleted_citations": [{"source": "b", "location": "line 2",
                                                  "pmids": ["7", "8"]}]},
        units[3].unit_id: {"deleted_citations": [{"source": "d", "location": None,
                                                  "pmids": ["7"]}, "damaged"]},
    }
    lists = B.unit_deletions(units, markers, groups, keys)
    assert lists == [(D.Deletion(0, units[1].unit_id, "b", "line 2"), ["7", "8"]),
                     (D.Deletion(2, units[3].unit_id, "d", None), ["7"])]


def test_a_json_plan_of_an_earlier_biotab_is_read_and_replaced(tmp_path: Path) -> None:
    """Its entries without a kind are duplicates; those of a kind unknown are left out."""
    entry = {"doc_id": "x", "shard_id": "u0000001.a", "source": "b", "location": None,
             "kept_shard_id": "u0000000.a", "kept_source": "a", "kept_location": None}
    legacy = tmp_path / "_run" / "duplicates.json"
    legacy.parent.mkdir()
    legacy.write_text(json.dumps([{**entry, "kind": DELETED}, {**entry, "shard_id": "u0000002.a"},
                                  {**entry, "kind": "other"}]))
    plan = P.read_plan(tmp_path)
    assert plan == tmp_path / "_run" / "duplicates.parquet" and not legacy.exists()
    assert pq.read_table(plan).select(["shard_id", "kind"]).to_pylist() == [
        {"shard_id": "u0000001.a", "kind": DELETED},
        {"shard_id": "u0000002.a", "kind": "duplicate_id"}]
    assert P.shard_pairs(plan) == {("u0000001.a", "u0000000.a"), ("u0000002.a", "u0000000.a")}


def test_a_flag_setting_is_named_given_or_not() -> None:
    old = B.settings(["in"], None, "id", "text", "title", 0, "p")
    new = B.settings(["in"], None, "id", "text", "title", 0, "p", keep_duplicates="last",
                     pubmed_updates=True)
    assert B.settings_changes(old, new) == [
        "--keep-duplicates 'first' then, 'last' now",
        "--pubmed-updates not given then, given now"]

