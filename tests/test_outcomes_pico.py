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
    # the 12 and the 30% are found by a row without an arm
    assert sorted(e["type"] for e in errors) == ["arm_missing", "arm_missing", "false_row", "miss"]
    assert (score.arm_given["figure"], score.found["figure"]) == (0, 2)


def test_score_doc_scores_each_found_numbers_arm_against_the_gold_side() -> None:
    bench = load_benchmark("outcomes_pico")
    start = TEXT.index("letrozole")
    arms = bench.ArmNames.from_spans(
        [("intervention", start, start + 9), ("control", TEXT.index("placebo"),
                                             TEXT.index("placebo") + 7)], TEXT
    )
    rows = [
        _row("12 (30%)", "response", "percent", value=30, numerator=12) | {"arm": "letrozole"},
        _row("6 (15%)", "response", "percent", value=15, numerator=6) | {"arm": "letrozole"},
    ]
    score = bench.Score()
    errors = list(bench.score_doc("1", TEXT, _gold(bench), rows, score, arms))
    # 12 and 30% (intervention) right; the control's 6 given the intervention's arm
    assert (score.arm_given["figure"], score.arm_mapped["figure"]) == (3, 3)
    assert score.arm_right["figure"] == 2
    (wrong,) = [e for e in errors if e["type"].startswith("arm_")]
    assert wrong["type"] == "arm_wrong" and wrong["gold"] == "6 ("
    assert (wrong["gold_side"], wrong["row_side"]) == ("control", "intervention")
    assert (wrong["gold_intervention"], wrong["gold_control"]) == (["letrozole"], ["placebo"])

    rows[1]["arm"] = "arm B"  # names no side: counted as given, not mapped
    score = bench.Score()
    errors = list(bench.score_doc("1", TEXT, _gold(bench), rows, score, arms))
    assert (score.arm_given["figure"], score.arm_mapped["figure"]) == (3, 2)
    assert [e["type"] for e in errors if e["type"].startswith("arm_")] == ["arm_unmapped"]


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


def _side(intervention: list[str], control: list[str], arm: str, text: str = "") -> str | None:
    arms = load_benchmark("pico_arms")
    names = arms.ArmNames.from_texts(intervention, control, text)
    side: str | None = arms.side_of(arm, names)
    return side


IV, CV = "intervention", "control"


def test_arm_maps_to_the_side_whose_span_words_it_shares() -> None:
    spans = (["docetaxel 75 mg/m2 plus trastuzumab"], ["placebo plus trastuzumab"])
    assert _side(*spans, "docetaxel") == IV
    assert _side(*spans, "the placebo group") == CV
    assert _side(*spans, "docetaxel 100 mg/m(2)") == IV  # doses and arm nouns ignored
    assert _side(*spans, "trastuzumab") is None  # a word of both sides tells neither
    assert _side(*spans, "arm B") is None
    assert _side(*spans, "docetaxel and placebo") is None  # a tie
    assert _side(["Ribociclib plus letrozole"], ["letrozole alone"], "letrozole alone") == CV


def test_control_and_intervention_words_map_unless_the_other_side_uses_them() -> None:
    assert _side(["endometrial resection"], ["not undergo"], "the control group") == CV
    assert _side(["information leaflet"], ["control group"], "intervention") == IV
    three = (["Acupuncture", "Sham Acupuncture"], ["Waitlist Control"])
    assert _side(*three, "sham acupuncture") == IV
    assert _side(*three, "waitlist") == CV
    # one side not marked: only these words map
    assert _side(["exercise"], [], "aerobic exercise") is None
    assert _side(["exercise"], [], "placebo") == CV


def test_negated_words_name_the_other_side() -> None:
    assert _side(["axillary deodorant"], ["no-deodorant"], "deodorant") == IV
    assert _side(["axillary deodorant"], ["no-deodorant"], "no deodorant") == CV
    assert _side(["adjuvant darbepoetin alfa"], ["without DA"], "DA-") == CV
    assert _side(["adjuvant darbepoetin alfa"], ["without DA"], "DA+") == IV  # initials
    assert _side(["sevoflurane anesthesia"], ["fentanyl-free sevoflurane anesthesia"],
                 "sevoflurane-fentanyl") == IV
    # "with or without" negates nothing; a negator reaches only its own words
    assert _side(["tamoxifen with or without breast irradiation"], ["tamoxifen alone"],
                 "breast irradiation") == IV
    assert _side(["microporous hemospheres"], ["no application in the control group"],
                 "control") == CV


def test_abbreviations_initials_and_combinations() -> None:
    text = ("We compared accelerated partial breast irradiation (APBI) with whole breast "
            "irradiation.")
    assert _side(["accelerated partial breast irradiation"], ["whole breast irradiation"],
                 "APBI", text) == IV
    assert _side(["accelerated partial breast irradiation"], ["whole breast irradiation"],
                 "WBI") == CV
    fec = (["gemcitabine, epirubicin, and paclitaxel"],
           ["fluorouracil, epirubicin, and cyclophosphamide"])
    assert _side(*fec, "FEC") == CV
    # cycles written into the name
    assert _side(["6 cycles of FEC100"], ["4 FEC 100 followed by 4 Taxol"], "6FEC100") == IV
    # a combination against a control named "X alone"
    assert _side(["zoledronic acid plus chemotherapy"], ["chemotherapy alone"],
                 "CT + ZOL") == IV


def test_a_label_takes_the_words_that_define_it_in_the_abstract() -> None:
    text = ("Patients were randomized to receive RT alone (group A, n=20) or photodynamic "
            "therapy and RT (group B, n=20). Group C (placebo; 38 pts) was closed. Patients "
            "entered the INTRA group (intratumoral radiotracer, n=35). They chose intervention "
            "group 1 or control group 2.")
    spans = (["photodynamic therapy", "intratumoral"], ["RT alone"])
    assert _side(*spans, "group A", text) == CV
    assert _side(*spans, "group B", text) == IV
    assert _side(*spans, "group C", text) == CV
    assert _side(*spans, "INTRA", text) == IV
    assert _side(*spans, "group 2", text) == CV
    assert _side(*spans, "group D", text) is None


def test_report_prints_the_arm_score_for_each_part(capsys: Any) -> None:
    bench = load_benchmark("outcomes_pico")

    def part(given: int, mapped: int, right: int) -> Any:
        s = bench.Score()
        s.found["figure"] = 10
        s.arm_given["figure"], s.arm_mapped["figure"] = given, mapped
        s.arm_right["figure"] = right
        return s

    scores = {"tuned": part(8, 6, 3), "heldout": part(5, 4, 4)}
    bench.report(scores, {k: [v] for k, v in scores.items()})
    out = capsys.readouterr().out.splitlines()
    at = next(i for i, ln in enumerate(out) if ln.startswith("arm right (figures)"))
    # the headline: right of all found (3 of 10, 4 of 10); then given, right of mapped, unmapped
    headline, given, right, unmapped = (ln.split() for ln in out[at : at + 4])
    assert headline[-6:] == ["0.300", "/", "10", "0.400", "/", "10"]
    assert given[-6:] == ["0.800", "/", "10", "0.500", "/", "10"]
    assert right[:2] == ["arm", "right"]
    assert right[-6:] == ["0.500", "/", "6", "1.000", "/", "4"]
    assert unmapped[-4:] == ["/", "2", "/", "1"]
    assert any(ln.strip().startswith("figure arm right") for ln in out[at:])
