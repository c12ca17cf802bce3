"""The denominator of an arm's figure: its own arm's stated size, never another arm's, and the
document's cohort only in a study with one arm (a wrong denominator is worse than none)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

DRUGS = [("docetaxel", "DRUG", "MESH:D000077143"), ("lenalidomide", "DRUG", "MESH:D000077269")]

# (text, measure, value, numerator, denominator, arm, group_size) of a row
Row = tuple[str, str, float, int | None, int | None, str | None, int | None]


def rows(nlp: Language, text: str) -> list[Row]:
    doc = run(nlp, text, DRUGS)
    return [
        (r["text"], r["measure"], r["value"], r["numerator"], r["denominator"], r["arm"],
         r["group_size"])
        for r in doc._.outcomes
    ]  # fmt: skip


def by_value(got: list[Row]) -> dict[float, Row]:
    return {r[2]: r for r in got}


TWO_GROUPS = (
    "A total of 112 women were randomized to group A (n = 55) or group B (n = 57). "
    "The final pathology showed axillary node involvement in 7 further cases "
    "(group A = 5, group B = 2). Wound infection occurred in 9 patients."
)


def test_an_arms_count_takes_its_arms_size(outcomes_nlp: Language) -> None:
    got = by_value(rows(outcomes_nlp, TWO_GROUPS))
    # each arm's size names its arm
    assert got[55.0][1] == "enrollment" and got[55.0][5:] == ("group A", 55)
    assert got[57.0][1] == "enrollment" and got[57.0][5:] == ("group B", 57)
    # each part of the 7 is its own arm's count, over its own arm (not the other's 57)
    assert got[5.0][3:] == (5, 55, "group A", 55)
    assert got[2.0][3:] == (2, 57, "group B", 57)
    # the arms' sizes do not replace the cohort: a count of no arm is over all 112
    assert got[9.0][3:] == (9, 112, None, None)


def test_an_arms_count_after_its_label_takes_its_size(outcomes_nlp: Language) -> None:
    # "in arm A" and "arm A (n = 40)" name one arm, "arm A"; the sizes were stated with no total
    text = (
        "Patients were randomized to arm A (n = 40) or arm B (n = 44). "
        "Grade 3 neutropenia occurred in 6 patients in arm A and 9 in arm B."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[6.0][3:] == (6, 40, "arm A", 40)
    assert got[9.0][3:] == (9, 44, "arm B", 44)


def test_an_arms_percentage_checks_its_arms_size_first(outcomes_nlp: Language) -> None:
    text = (
        "In all, 120 patients were randomly assigned to docetaxel (n = 61) or placebo (n = 59). "
        "Of the 120 patients, neutropenia occurred in 28 (46%) with docetaxel."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[46.0][3:] == (28, 61, "docetaxel", 61)


@pytest.mark.parametrize(
    "text",
    [
        # a randomized trial: the cohort holds both arms
        "In all, 120 patients were randomly assigned to docetaxel or placebo. "
        "Neutropenia occurred in 28 patients with docetaxel.",
        # two arms named in one sentence: no arm's count is over the cohort
        "In all, 120 patients were enrolled. "
        "Neutropenia occurred in 28 patients with docetaxel and 15 with placebo.",
        # a pool named for a sentence that names both arms holds both
        "Of the 120 patients, neutropenia occurred in 28 with docetaxel and 15 with placebo.",
    ],
)
def test_an_arms_count_of_unknown_size_has_no_denominator(
    outcomes_nlp: Language, text: str
) -> None:
    got = rows(outcomes_nlp, text)
    armed = [r for r in got if r[5] is not None]
    assert armed and all(r[4] is None and r[6] is None for r in armed)
    assert 28.0 in [r[2] for r in armed]


def test_a_single_arm_studys_count_keeps_its_cohort(outcomes_nlp: Language) -> None:
    # one arm only: the cohort is the arm
    text = (
        "Fifteen patients were enrolled. "
        "A complete response was seen in 12 patients with lenalidomide."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[12.0][3:6] == (12, 15, "lenalidomide")


def test_a_single_arms_size_is_the_cohort(outcomes_nlp: Language) -> None:
    # an arm's size in a study of one arm starts the cohort chain, as a total does
    text = (
        "Patients received lenalidomide (n = 30). "
        "Grade 3 fatigue occurred in 4 patients."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[4.0][3:5] == (4, 30)


@pytest.mark.parametrize(
    ("split", "arm_a", "arm_b"),
    [
        ("(6 in the group 1 and 7 in the group 2)", "group 1", "group 2"),
        ("(6 in the arm A and 7 in the arm B)", "arm A", "arm B"),
    ],
)
def test_the_before_a_numbered_arm_is_no_arm(
    outcomes_nlp: Language, split: str, arm_a: str, arm_b: str
) -> None:
    # "the group 1" names the arm "group 1", as "group 1" does; "the" alone is no arm
    got = rows(outcomes_nlp, f"Neutropenia occurred in 13 patients {split}.")
    assert [(r[2], r[5]) for r in got] == [(6.0, arm_a), (7.0, arm_b)]


@pytest.mark.parametrize(
    "text",
    [
        "At 48 h, 12 patients in both groups still suffered from myalgia.",
        "Myalgia was reported in 12 patients in the docetaxel and placebo arms.",
    ],
)
def test_a_figure_of_several_arms_names_no_arm(outcomes_nlp: Language, text: str) -> None:
    # a plural arm noun after the figure: it is of several arms, not of one ("both", nor the
    # drug named right after it)
    got = rows(outcomes_nlp, text)
    assert [r[2] for r in got] == [12.0] and got[0][5] is None


def test_a_total_of_several_arms_stays_the_cohort(outcomes_nlp: Language) -> None:
    # "with no differences between groups 1 and 2" names no arm: the 119 stays the cohort
    text = (
        "Patients were randomized into intervention group 1 or control group 2. "
        "There were 119 evaluable patients with no differences between groups 1 and 2. "
        "Grade 3 neutropenia occurred in 13 patients."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[119.0][5:] == (None, None)
    assert got[13.0][3:5] == (13, 119)


def test_a_share_of_no_known_arm_may_take_an_arms_size_it_agrees_with(
    outcomes_nlp: Language,
) -> None:
    # the arms' sizes no longer replace the cohort, but a count with its percentage still
    # finds the size it was taken over (6/18 = 33.3%, 4/15 = 26.7%)
    text = (
        "Patients were randomized to LED or sham treatment. "
        "In the LED treatment group (n=18), six (33.3%) had grade 1 reactions and 12 (66.7%) "
        "had grade 2 reactions. In the sham treatment group (n=15), four (26.7%) had grade 1 "
        "reactions and 9 (60.0%) had grade 2 reactions."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[33.3][3:5] == (6, 18)
    assert got[26.7][3:5] == (4, 15)


def test_an_arm_of_one_drug_takes_the_size_of_the_arm_of_several_that_holds_it(
    outcomes_nlp: Language,
) -> None:
    drugs = [("TAM", "DRUG", "MESH:D013629"), ("EPI", "DRUG", "MESH:D015251")]
    text = (
        "A total of 338 patients were randomly assigned to TAM (n = 164) or EPI plus TAM "
        "(EPI-TAM, n = 174). The 6-year DFS rates were 69.3% with TAM and 72.6% with EPI."
    )
    doc = run(outcomes_nlp, text, drugs)
    sizes = {r["value"]: r["group_size"] for r in doc._.outcomes}
    assert sizes[69.3] == 164 and sizes[72.6] == 174


COMBINED = [("methotrexate", "DRUG", "MESH:D008727"), ("cyclosporine", "DRUG", "MESH:D016572"),
            ("prednisone", "DRUG", "MESH:D011241")]


def combined_rows(nlp: Language, text: str) -> dict[float, Row]:
    doc = run(nlp, text, COMBINED)
    return by_value([
        (r["text"], r["measure"], r["value"], r["numerator"], r["denominator"], r["arm"],
         r["group_size"])
        for r in doc._.outcomes
    ])  # fmt: skip


def test_an_arm_of_several_drugs_is_named_by_all_and_a_drug_they_share_by_none(
    outcomes_nlp: Language,
) -> None:
    trial = ("Patients were randomized to methotrexate plus prednisone (n = 50) or cyclosporine "
             "plus prednisone (n = 48). ")
    got = combined_rows(outcomes_nlp, trial + "Nausea occurred in 10 patients receiving "
                                              "prednisone.")
    assert got[50.0][1:2] + got[50.0][5:] == ("enrollment", "methotrexate plus prednisone", 50)
    assert got[48.0][1:2] + got[48.0][5:] == ("enrollment", "cyclosporine plus prednisone", 48)
    # prednisone is in both arms, of different sizes: no denominator
    assert got[10.0][3:] == (10, None, "prednisone", None)
    got = combined_rows(outcomes_nlp, trial + "Nausea occurred in 10 patients receiving "
                                              "cyclosporine plus prednisone.")
    assert got[10.0][3:] == (10, 48, "cyclosporine plus prednisone", 48)


def test_a_control_arm_given_with_a_drug_is_one_arm_in_its_size_and_its_counts(
    outcomes_nlp: Language,
) -> None:
    # the size "(n = 100)" of "placebo plus prednisone" and its count name one arm
    got = combined_rows(outcomes_nlp, (
        "Patients were randomized to placebo plus prednisone (n = 100) or prednisone alone "
        "(n = 98). Nausea occurred in 10 patients receiving placebo plus prednisone and 5 "
        "patients receiving prednisone alone."
    ))
    assert got[100.0][5:] == ("placebo plus prednisone", 100)
    assert got[10.0][3:] == (10, 100, "placebo plus prednisone", 100)
    assert got[5.0][3:] == (5, 98, "prednisone alone", 98)


def test_a_drug_alone_names_its_own_arm(outcomes_nlp: Language) -> None:
    # (as "69.3% with TAM" is the arm of TAM alone beside "EPI plus TAM")
    got = combined_rows(outcomes_nlp, (
        "Patients were randomized to methotrexate plus prednisone (n = 50) or prednisone alone "
        "(n = 48). Nausea occurred in 10 patients receiving prednisone."
    ))
    assert got[50.0][5:] == ("methotrexate plus prednisone", 50)
    assert got[48.0][1:2] + got[48.0][5:] == ("enrollment", "prednisone alone", 48)
    assert got[10.0][3:] == (10, 48, "prednisone", 48)


def test_an_arm_stated_with_two_sizes_has_none(outcomes_nlp: Language) -> None:
    # ("then" joins no drugs into one arm: both sizes are of an arm named "prednisone")
    got = combined_rows(outcomes_nlp, (
        "Patients were randomized to methotrexate then prednisone (n = 50) or cyclosporine "
        "then prednisone (n = 48). Nausea occurred in 10 patients receiving prednisone."
    ))
    assert [got[n][5:] for n in (50.0, 48.0)] == [("prednisone", 50), ("prednisone", 48)]
    assert got[10.0][3:] == (10, None, "prednisone", None)


def test_an_arm_named_by_a_label_has_one_name(outcomes_nlp: Language) -> None:
    # "group 1" in the sizes and the count; "arm A", "group A" and "A" name one arm "group A"
    got = by_value(rows(outcomes_nlp, (
        "Patients were randomized (group 1, n = 40; group 2, n = 44). "
        "Rash occurred in 10 patients in group 1 and 12 in group 2."
    )))
    assert [got[n][5:] for n in (40.0, 44.0)] == [("group 1", 40), ("group 2", 44)]
    assert got[10.0][3:] == (10, 40, "group 1", 40)
    assert got[12.0][3:] == (12, 44, "group 2", 44)
    got = by_value(rows(outcomes_nlp, (
        "Patients were randomized to Group A (n = 55) or group B (n = 57). "
        "Neutropenia occurred in 6 patients in arm A and 9 in arm B."
    )))
    assert {n: got[n][5] for n in (55.0, 57.0, 6.0, 9.0)} == {
        55.0: "group A", 57.0: "group B", 6.0: "group A", 9.0: "group B"}
    # also a row before the document names the arm with its noun
    got = by_value(rows(outcomes_nlp, (
        "The pCR rates were 22% and 31% in the A and B arms, respectively. "
        "Patients in group A (n = 50) did well."
    )))
    assert [got[n][5] for n in (22.0, 31.0, 50.0)] == ["group A", "B", "group A"]


def test_a_count_equal_to_its_arms_size_restates_it(outcomes_nlp: Language) -> None:
    # "40 patients in arm A" of an arm of 40 says who was assessed, not 40 events of 40
    text = (
        "Patients were randomized to arm A (n = 40) or arm B (n = 44). "
        "Neutropenia was assessed in 40 patients in arm A and 44 patients in arm B. "
        "Grade 3 neutropenia occurred in 6 patients in arm A."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[40.0][4] is None and got[44.0][4] is None
    assert got[6.0][3:] == (6, 40, "arm A", 40)  # a smaller count still takes its arm's size


def test_a_count_equal_to_the_cohort_restates_it_unless_told_all(outcomes_nlp: Language) -> None:
    text = (
        "A total of 21 patients with brain tumors were enrolled. "
        "Headache was recorded in 21 patients after the infusion."
    )
    assert [r[3:5] for r in rows(outcomes_nlp, text) if r[1] != "enrollment"] == [(21, None)]
    # the sentence's own pool says the count is all of it
    text = "Of the 12 patients treated, 12 patients responded."
    assert [r[3:5] for r in rows(outcomes_nlp, text) if r[1] == "response"] == [(12, 12)]


TAMOXIFEN = [("tamoxifen", "DRUG", "MESH:D013629")]


@pytest.mark.parametrize("partner_size", ["", " (n = 386)"])
def test_a_drug_joined_to_a_treatment_is_not_the_drug_alones_arm(
    outcomes_nlp: Language, partner_size: str
) -> None:
    # "tamoxifen plus radiotherapy" is its own arm: its size where stated, never the 383 of
    # tamoxifen alone
    text = (
        f"Women were randomized to tamoxifen alone (n = 383) or tamoxifen plus radiotherapy"
        f"{partner_size}. Local relapse occurred in 7.7 percent with tamoxifen alone and "
        "0.4 percent with tamoxifen plus radiotherapy."
    )
    got = {r["value"]: (r["arm"], r["group_size"]) for r in run(outcomes_nlp, text,
                                                                 TAMOXIFEN)._.outcomes}  # fmt: skip
    size = 386 if partner_size else None
    assert got[7.7] == ("tamoxifen alone", 383)
    assert got[0.4] == ("tamoxifen plus radiotherapy", size)
    if partner_size:
        assert got[386.0] == ("tamoxifen plus radiotherapy", 386)


@pytest.mark.parametrize(
    ("pool", "value", "size"),
    [
        # its comma past the pool's longer description
        ("Of the 40 patients in arm A who had node-positive disease, 12 relapsed.", 12.0, 40),
        # no comma: the pool opens its sentence and the count starts the clause
        ("Of the 6 patients who underwent early cystectomy 4 were alive at two years.", 4.0, 6),
        ("Of the 30 women in arm B who had received prior adjuvant chemotherapy, 3 relapsed.",
         3.0, 30),
    ],
)
def test_a_subgroups_count_takes_the_subgroups_size(
    outcomes_nlp: Language, pool: str, value: float, size: int
) -> None:
    text = f"Patients were randomized to arm A (n = 120) or arm B (n = 118). {pool}"
    got = [r for r in rows(outcomes_nlp, text) if r[1] != "enrollment"]
    # the pool is no row of its own, and the count is of it, not of the arm's 120
    assert [r[2:5] for r in got] == [(value, int(value), size)]


def test_a_share_two_arms_sizes_agree_with_has_no_denominator(outcomes_nlp: Language) -> None:
    text = (
        "Women were randomized to group A (n = 1043) or group B (n = 1065). "
        "Recurrences were reported in 102 (10%) and 111 (10%) women."
    )
    got = {r[3]: r[4] for r in rows(outcomes_nlp, text) if r[1] != "enrollment"}
    # 102 is 10% of 1043 and of 1065: of either arm; 111 is 10% of 1065 alone (10.6% of 1043)
    assert got == {102: None, 111: 1065}


def test_arms_sizes_stated_unnamed_are_not_the_cohort(outcomes_nlp: Language) -> None:
    # "hormone therapy" is no drug mention: the two sizes are arms' sizes, neither the cohort
    sizes = "randomised to hormone therapy (n=188) or no hormone therapy (n=190)."
    got = rows(outcomes_nlp, f"Disease-free women were {sizes} Among women on hormone therapy, "
                             "11 had local recurrence.")  # fmt: skip
    assert [r[3:5] for r in got if r[1] == "relapse"] == [(11, None)]
    got = rows(outcomes_nlp, f"A total of 378 women were {sizes} Local recurrence occurred in "
                             "23 women.")  # fmt: skip
    assert [r[3:5] for r in got if r[1] == "relapse"] == [(23, 378)]
    # an arm of no named size takes the unnamed size its count and percentage agree with
    got = rows(outcomes_nlp, "Patients were randomized to study treatment (n = 35, active; "
                             "n = 29, placebo). Progression occurred in the placebo group "
                             "(18 [62%]).")  # fmt: skip
    assert [r[3:6] for r in got if r[1] == "progression"] == [(18, 29, "placebo")]
    # a share of no named arm takes the unnamed size its count and percentage agree with
    got = rows(outcomes_nlp, "Patients were randomized to acupuncture (n = 50) or sham acupuncture "
                             "(n = 48). Pain improved in 40 (80%) and 24 (50%) patients, "
                             "respectively.")  # fmt: skip
    assert sorted(r[3:5] for r in got if r[1] == "improvement") == [(24, 48), (40, 50)]


def test_an_arms_count_and_share_after_its_label_and_equals_are_one_row(
    outcomes_nlp: Language,
) -> None:
    text = (
        "Patients were randomized to group A (n = 55) or group B (n = 53). Grade 3 neutropenia "
        "occurred in group A = 14 (25.5%) and group B = 6 (11.3%)."
    )
    got = [r for r in rows(outcomes_nlp, text) if r[1] != "enrollment"]
    assert [r[2:] for r in got] == [(25.5, 14, 55, "group A", 55), (11.3, 6, 53, "group B", 53)]


def test_a_respectively_list_over_measures_maps_them_in_order(outcomes_nlp: Language) -> None:
    text = (
        "A total of 200 patients received docetaxel. "
        "Response, relapse and death rates were 40%, 20% and 5%, respectively."
    )
    got = [(r[1], r[2]) for r in rows(outcomes_nlp, text) if r[1] != "enrollment"]
    assert got == [("response", 40.0), ("relapse", 20.0), ("mortality", 5.0)]
    # a list over arms keeps its one measure
    text = "Response rates with docetaxel and lenalidomide were 40% and 20%, respectively."
    assert {r[1] for r in rows(outcomes_nlp, text)} == {"response"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a denominator after the percentage, no subjects named after it: the percentage is
        # its share (one figure, not a figure and a second count)
        (
            "Serious adverse events occurred in 18 (12%) of 150 patients given docetaxel and 15 "
            "(10%) of 148 given placebo.",
            [(18, 150, 12.0), (15, 148, 10.0)],
        ),
        (
            "Seroma developed in 32 (46 per cent) of 69 women in the docetaxel group, compared "
            "with 52 (78 per cent) of 67 in the placebo group.",
            [(32, 69, 46.0), (52, 67, 78.0)],
        ),
        # one subject of many, not "randomized to 1 of 2 arms"
        (
            "Neutropenia occurred in 45 of 83 patients (54%) receiving docetaxel and in 1 of 77 "
            "(1%) receiving placebo.",
            [(45, 83, 54.0), (1, 77, 1.0)],
        ),
        # (of a few too, its percentage after it)
        (
            "Dose-limiting toxicity occurred in 1 of 6 (17%) at the highest dose.",
            [(1, 6, 17.0)],
        ),
    ],
)
def test_a_share_written_before_its_denominator(
    outcomes_nlp: Language, text: str, expected: list[tuple[int, int, float]]
) -> None:
    assert [(r[3], r[4], r[2]) for r in rows(outcomes_nlp, text)] == expected


def test_a_percentage_its_count_does_not_give_takes_no_denominator(
    outcomes_nlp: Language,
) -> None:
    # 15 of 148 is 10%, not 30%: 148 is no denominator of it
    got = rows(outcomes_nlp, "Responses were seen in 15 (30%) of 148 given docetaxel.")
    assert [(r[1], r[2], r[3], r[4]) for r in got] == [("response", 30.0, 15, None)], got


def test_an_n_percent_header_makes_bare_brackets_percentages(outcomes_nlp: Language) -> None:
    # a table flattened into text: "n (%)" says each bracket holds the count's percentage
    text = ("Adverse events, n (%): neutropenia 12 (10.1) vs 5 (4.2) in the docetaxel and "
            "placebo groups, respectively.")
    assert [(r[3], r[2], r[5]) for r in rows(outcomes_nlp, text)] == [
        (12, 10.1, "docetaxel"), (5, 4.2, "placebo")]


def test_a_bare_bracket_without_a_header_is_no_percentage(outcomes_nlp: Language) -> None:
    got = rows(outcomes_nlp, "Neutropenia occurred in 12 (10) patients given docetaxel.")
    assert all(r[2] != 10.0 for r in got), got


def test_a_pool_whose_words_hold_a_duration_is_the_denominator(outcomes_nlp: Language) -> None:
    # "for 10 years" is the pool's words, not the count the pool ends at: no row of 1,000
    # people (as an event count), and a count after it takes it as its denominator
    assert rows(
        outcomes_nlp,
        "Of 1,000 people who take aspirin for 10 years, about 10 will avoid a heart attack.",
    ) == []
    got = rows(
        outcomes_nlp,
        "Of 120 patients treated with docetaxel for 12 weeks, 30 developed neutropenia.",
    )
    assert [(g[2], g[4]) for g in got] == [(30.0, 120)]
