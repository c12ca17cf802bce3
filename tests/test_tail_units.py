"""The plan's smaller last units (`pipeline.runner.units.plan_units`): the last 1/TAIL_SHARE of
the input is cut into smaller units, whole JSONL files there into blocks, so that a pool's
workers finish together; every record is still read once, in input order, and the tables are
those of whole-file units."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import read_tables

from pipeline.ingest import list_shards, read_shard
from pipeline.limits import DEFAULT_PART_MB
from pipeline.run import run
from pipeline.runner.units import (
    TAIL_DIVISOR,
    TAIL_SHARE,
    plan_units,
    split_shard,
    unit_bytes,
)

PART_BYTES = int(DEFAULT_PART_MB * 2**20)
SENTENCE = ("Twelve of those {n} patients (86%) achieved complete response to imiquimod "
            "(Aldara) for cutaneous lupus erythematosus (CLE).")


def blank_nlp() -> Any:
    """spaCy's blank English with a sentencizer: the plan, not the annotation, is tested."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def write_corpus(folder: Path, files: int = 16, docs: int = 100, last: int = 50) -> Path:
    """`files` JSONL files of `docs` documents each (the last of `last`), as run_speed.py's iob
    corpus: whole-file units without the tail rule."""
    folder.mkdir()
    for i in range(files):
        n = last if i == files - 1 else docs
        lines = [json.dumps({"id": f"d{i:02d}_{j:03d}", "text": SENTENCE.format(n=j) * 8})
                 for j in range(n)]
        (folder / f"part{i:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def record_ids(shards: Any) -> list[str]:
    return [rec.doc_id for s in shards for rec in read_shard(s)]


def test_the_last_files_are_cut_into_blocks_and_every_record_is_read_once(
        tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c")
    shards = list_shards([corpus])
    assert len(shards) == 16 and all(s.n_records is None for s in shards)
    units = plan_units(shards, PART_BYTES)
    planned = [s for u in units for s in u.shards]
    # the last two files (starting in the last eighth of the bytes) are cut in blocks
    cut = [s for s in planned if s.n_records is not None or s.start_record]
    assert {Path(s.path).name for s in cut} == {"part14.jsonl", "part15.jsonl"}
    assert len(cut) == 2 * TAIL_DIVISOR
    assert [(s.start_record, s.n_records) for s in cut] == [(0, 50), (50, None), (0, 25),
                                                            (25, None)]
    assert all(s.start_at is not None for s in cut)
    # the first units are whole files, the tail's blocks
    assert all(len(u.shards) == 1 for u in units)
    assert len(units) == 14 + 2 * TAIL_DIVISOR
    assert max(u.weight for u in units[14:]) <= min(u.weight for u in units[:14]) / 1.9
    assert record_ids(planned) == record_ids(shards)
    assert len(record_ids(planned)) == 1550


def test_no_cut_with_whole_files_asked_for_or_a_budget_given(tmp_path: Path) -> None:
    shards = list_shards([write_corpus(tmp_path / "c")])
    assert [u.shards for u in plan_units(shards, PART_BYTES, split_files=False)][-2:] == [
        (shards[-2],), (shards[-1],)]
    assert len(plan_units(shards, PART_BYTES, budget=1)) == 16


def test_small_files_in_the_tail_make_smaller_units(tmp_path: Path) -> None:
    corpus = tmp_path / "notes"
    corpus.mkdir()
    for i in range(256):
        (corpus / f"n{i:03d}.txt").write_text(SENTENCE.format(n=i) * 200, encoding="utf-8")
    shards = list_shards([corpus])
    units = plan_units(shards, PART_BYTES)
    total = sum(u.weight for u in units)
    budget = unit_bytes(total, PART_BYTES)
    body = [u for u in units if u.shards[0] in shards[: 256 - 256 // TAIL_SHARE]]
    tail = units[len(body):]
    assert max(len(u.shards) for u in body) > max(len(u.shards) for u in tail)
    assert all(len(u.shards) == 1 or u.weight <= budget // TAIL_DIVISOR for u in tail)
    assert len(tail) > 256 // TAIL_SHARE // 2
    assert [s for u in units for s in u.shards] == shards  # txt files are never cut


def test_compressed_or_refused_files_are_not_cut(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", files=2, docs=400, last=400)
    data = (corpus / "part01.jsonl").read_bytes()
    (corpus / "part01.jsonl").unlink()
    (corpus / "part01.jsonl.gz").write_bytes(gzip.compress(data))
    gz = next(s for s in list_shards([corpus]) if s.path.endswith(".gz"))
    assert split_shard(gz, 4) == [gz]
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b"\x00\x01" * 50_000)
    [shard] = list_shards([binary])
    assert split_shard(shard, 4) == [shard]
    plain = next(s for s in list_shards([corpus]) if s.path.endswith(".jsonl"))
    blocks = split_shard(plain, 3)
    assert [(b.start_record, b.n_records) for b in blocks] == [(0, 134), (134, 134), (268, None)]
    assert record_ids(blocks) == record_ids([plain])


@pytest.mark.parametrize("workers", [1, 2])
def test_tables_are_those_of_whole_file_units(tmp_path: Path, workers: int) -> None:
    corpus = write_corpus(tmp_path / "c")
    run([corpus], tmp_path / "whole", workers=1, quiet=True, nlp_factory=blank_nlp,
        block_size=0)
    summary = run([corpus], tmp_path / "cut", workers=workers, quiet=True,
                  nlp_factory=blank_nlp)
    assert summary.shards_total == 14 + 2 * TAIL_DIVISOR and summary.documents == 1550
    assert read_tables(tmp_path / "cut") == read_tables(tmp_path / "whole")
    # resumed, nothing is redone: the plan is the same
    again = run([corpus], tmp_path / "cut", workers=workers, quiet=True,
                nlp_factory=blank_nlp, resume=True)
    assert again.shards_skipped == again.shards_total
    assert read_tables(tmp_path / "cut") == read_tables(tmp_path / "whole")
