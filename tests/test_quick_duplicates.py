"""The driver's quick check for copies across units (`duplicates.unique_doc_ids`): DuckDB's
check runs only when a doc_id may be in two part files, and finds the same copies then."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.ingest.dedupe import DUPLICATE
from pipeline.runner import duplicates as D
from pipeline.runner import plan_file as P

UNITS = ("u0000000.aaaaaaaaaa", "u0000001.bbbbbbbbbb", "u0000002.cccccccccc")


def _documents(out: Path, ids_per_unit: list[list[str | None]]) -> list[str]:
    """A documents part file per unit (`UNITS`, in order) with the doc_ids given, as a unit
    writes them (doc_id, source, location); returns the unit ids."""
    folder = out / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    units = list(UNITS[:len(ids_per_unit)])
    for uid, ids in zip(units, ids_per_unit, strict=True):
        table = pa.table({"doc_id": pa.array(ids, pa.string()),
                          "source": pa.array([f"{uid}.jsonl"] * len(ids), pa.string()),
                          "location": pa.array([f"line {i + 1}" for i in range(len(ids))],
                                               pa.string())})
        pq.write_table(table, folder / f"part-{uid}-00000.parquet")
    return units


def test_unique_doc_ids(tmp_path: Path) -> None:
    assert D.unique_doc_ids(tmp_path)  # no documents folder: nothing to copy
    _documents(tmp_path, [["a", "b"], ["c"], []])
    assert D.unique_doc_ids(tmp_path)
    assert not D.unique_doc_ids(tmp_path, limit=2)  # more rows than it reads: DuckDB's
    (tmp_path / "documents" / "notes.parquet").write_bytes(b"not ours")  # (not a part file)
    assert D.unique_doc_ids(tmp_path)


@pytest.mark.parametrize("ids", [[["a", "b"], ["c", "a"]], [["a", None], [None]]])
def test_a_doc_id_in_two_files_is_not_unique(tmp_path: Path,
                                            ids: list[list[str | None]]) -> None:
    _documents(tmp_path, ids)
    assert not D.unique_doc_ids(tmp_path)


@contextlib.contextmanager
def _no_duckdb(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """DuckDB's connection counted, not made."""
    made: list[str] = []

    @contextlib.contextmanager
    def refuse(folder: Path | None = None) -> Iterator[None]:
        made.append("connect")
        raise AssertionError("DuckDB's check ran")
        yield  # (a generator)

    with monkeypatch.context() as patch:
        patch.setattr(P, "connect", refuse)
        yield made


def test_unique_doc_ids_make_an_empty_plan_without_duckdb(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    units = _documents(tmp_path, [["a", "b"], ["c"]])
    stale = P.plan_path(tmp_path)
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an earlier plan")
    with _no_duckdb(monkeypatch) as made:
        assert D.plan_duplicates(tmp_path, units, set(), {}, None) == {}
        assert D.drop_duplicates(tmp_path, units, set(), {}, None) == 0
    assert made == []
    assert not stale.exists()  # as DuckDB's empty plan removes it


def test_copies_across_units_are_still_found_by_duckdb(tmp_path: Path) -> None:
    units = _documents(tmp_path, [["a", "b"], ["c", "a"]])
    assert D.plan_duplicates(tmp_path, units, set(), {}, None) == {DUPLICATE: 1}
    plan = pq.read_table(P.plan_path(tmp_path)).to_pylist()
    assert [(e["doc_id"], e["shard_id"], e["kept_shard_id"]) for e in plan] == [
        ("a", units[1], units[0])]
