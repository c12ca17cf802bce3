"""The PICO benchmark's scoring (benchmarks/outcomes_pico.py) on a hand-written abstract."""

from __future__ import annotations

from typing import Any

from helpers import load_benchmark

TEXT = "Of 40 women, 12 (30%) responded to letrozole versus 6 (15%) with placebo; 3 died."


def _gold(bench: Any) -> list[Any]:
    def g(kind: str, label: str, piece: str, value: float) -> Any:
        start = TEXT.index(piece)
        return bench.GoldNumber(kind, label, start, start + len(piece), piece, value)

    return [g("enrollment", "total-participants", "40", 40), g("bin-abs", "iv-bin-abs", "12", 12),
            g("bin-percent", "iv-bin-percent", "30%", 30), g("bin-abs", "cv-bin-abs", "6 (", 6)]


def _row(piece: str, measure: str, unit: str, **values: float) -> dict[str, Any]:
    start = TEXT.index(piece)
    return {"start_char": start, "end_char": start + len(piece), "measure": measure,
            "unit": unit, "text": piece, **values}


def test_score_doc_counts_hits_misses_and_false_rows() -> None:
    bench = load_benchmark("outcomes_pico")
    rows = [
        _row("40 women", "enrollment", "count", value=40),
        _row("12 (30%)", "response", "percent", value=30, numerator=12),
        _row("3 died", "mortality", "count", value=3),  # no gold number there
        _row("letrozole", "other", "hazard_ratio", value=0.7),  # not a scored unit
    ]
    score = bench.Score()
    errors = list(bench.score_doc("1", TEXT, _gold(bench), rows, score))
    assert (score.found["figure"], score.total["figure"]) == (2, 3)  # the control's 6 is missed
    assert score.recall("enrollment") == 1.0
    assert score.precision() == 2 / 3 and score.precision("mortality") == 0.0
    assert score.unscored["hazard_ratio"] == 1
    assert sorted(e["type"] for e in errors) == ["false_row", "miss"]


def test_bootstrap_interval_is_a_point_for_equal_abstracts_and_spans_a_mixed_sample() -> None:
    bench = load_benchmark("outcomes_pico")

    def doc(ok: int, rows: int) -> Any:
        s = bench.Score()
        s.rows["other"], s.rows_ok["other"] = rows, ok
        return s

    same = bench.bootstrap_intervals([doc(3, 4)] * 30, resamples=200)
    assert same["precision"] == (0.75, 0.75)
    assert "figure recall" not in same  # no gold figure in any abstract: no interval

    mixed = [doc(4, 4)] * 20 + [doc(0, 4)] * 10
    lo, hi = bench.bootstrap_intervals(mixed, resamples=500)["precision"]
    assert lo < 20 / 30 < hi and hi - lo < 0.5
    assert bench.bootstrap_intervals(mixed, resamples=500)["precision"] == (lo, hi)  # seeded
