"""The driver's serial end of a run: the quick check for copies across units
(`duplicates.unique_doc_ids`: DuckDB's check runs only when a doc_id may be in two part files,
and finds the same copies then), and part files read back without Arrow's thread pools."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
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


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux /proc: thread count")
def test_part_files_are_read_back_without_arrow_threads(tmp_path: Path) -> None:
    """`write.read_batches` (compaction, the duplicate check) decodes in the calling thread: in a
    fresh process no thread of Arrow's pools starts, where `iter_batches`' defaults start them."""
    script = textwrap.dedent(f"""
        import os
        import pyarrow as pa
        import pyarrow.parquet as pq
        from pipeline import write as W
        path = {str(tmp_path / "part.parquet")!r}
        pq.write_table(pa.table({{"doc_id": [str(i) for i in range(20_000)]}}), path,
                       row_group_size=5_000)
        threads = lambda: len(os.listdir("/proc/self/task"))
        before = threads()
        rows = sum(b.num_rows for b in W.read_batches(path, 5_000))
        ours = threads()
        rows += sum(b.num_rows for b in pq.ParquetFile(path).iter_batches(batch_size=5_000))
        print(rows, before, ours, threads())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    rows, before, ours, arrow = map(int, done.stdout.split())
    assert rows == 40_000
    assert ours == before
    assert arrow > ours  # (the check can see Arrow's threads when they start)
