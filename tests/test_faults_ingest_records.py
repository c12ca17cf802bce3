"""Faults in input, second round: caps and damage that cost more than the one bad record (a
PubTator record's many lines, NFC offset mapping in quadratic time, a NUL near the start of a
line format, a pretty-printed BioC JSON collection, leading whitespace, a cut gzip PubTator
file). Every case writes small real-format files and checks documents and error rows."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

from helpers import ingest_all

from pipeline.documents import Document
from pipeline.ingest.pubtator import LINE_COST


def ids(docs: list[Document]) -> list[str]:
    return [d.doc_id for d in docs]


def pubtator_record(pmid: int, n_mentions: int = 1) -> str:
    title = f"Aspirin trial {pmid}"
    abstract = "Aspirin reduced fever."
    base = len(title) + 1
    mention = f"{pmid}\t{base}\t{base + 7}\tAspirin\tChemical\tD001241\n"
    return f"{pmid}|t|{title}\n{pmid}|a|{abstract}\n" + mention * n_mentions + "\n"


# ----------------------------------------------------------------- PubTator record cap


def test_pubtator_record_of_many_mention_lines_is_capped_as_a_whole(tmp_path: Path) -> None:
    """Each line is far below the cap; the record is not: one record_too_large row for it,
    its neighbours whole, memory bounded by the cap rather than by the record."""
    cap = 1 << 20
    n_big = 20 * cap // LINE_COST  # 20x the cap once the per-line objects are counted
    text = pubtator_record(1, 3) + pubtator_record(2, n_big) + pubtator_record(3, 3)
    p = tmp_path / "bomb.pubtator.gz"
    p.write_bytes(gzip.compress(text.encode()))
    tracemalloc.start()
    docs, errs = ingest_all(p, max_record_bytes=cap)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ids(docs) == ["1", "3"]
    assert [len(d.meta["annotations"]) for d in docs if d.meta] == [3, 3]
    assert [(e.error, e.location, e.doc_id) for e in errs] == [
        ("record_too_large", "line 7", "2")]
    assert f"{cap:,}-byte record cap" in errs[0].message
    assert peak < 8 * cap, peak  # before: every line of record 2 held (~30 MB)


def test_pubtator_lines_of_a_skipped_record_give_no_rows(tmp_path: Path) -> None:
    """Lines after the cap belong to the skipped record until the next one starts: a bad line
    there adds no row; a record without a blank line before it still starts a new record."""
    cap = 4 * LINE_COST
    big = pubtator_record(2, 20).rstrip("\n") + "\n2\tnot a mention\n\xff\n"
    text = pubtator_record(1) + big + pubtator_record(3).replace("\n\n", "\n") + pubtator_record(4)
    p = tmp_path / "skip.pubtator"
    p.write_bytes(text.encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    docs, errs = ingest_all(p, max_record_bytes=cap)
    assert ids(docs) == ["1", "3", "4"]
    assert [(e.error, e.doc_id) for e in errs] == [("record_too_large", "2")]


def test_pubtator_records_under_the_cap_are_unchanged(tmp_path: Path) -> None:
    p = tmp_path / "ok.pubtator"
    p.write_text(pubtator_record(1, 5) + pubtator_record(2, 5), encoding="utf-8")
    docs, errs = ingest_all(p, max_record_bytes=20 * LINE_COST)
    assert ids(docs) == ["1", "2"] and not errs
