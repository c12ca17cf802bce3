"""Arms named by labels beside their figures: right before each in one bracket ("(arm A, 46%;
arm B, 62%)", "(letrozole: 12.0%, placebo: 8.8%)", "(HCT group 84.3%, CMFT group 69.4%)"), or
right after each figure of a run joined by connectors ("31.8% (letrozole) vs 58.8% (placebo)",
"94.5% group 1 vs 88.4% group 2"): at least two figures so labelled, every label naming an arm
and all different; never labels that name what was measured ("12% CR vs 5% PR")."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

DRUGS = [("letrozole", "DRUG", "MESH:D000077289"), ("placebo", "DRUG", "MESH:D010919")]
TRIAL = "Women were randomized to letrozole or placebo. "


def arms(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    return [(r["value"], r["arm"]) for r in run(nlp, TRIAL + text, DRUGS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fatigue was common (arm A, 46%; arm B, 62%; arm C, 61%).",
         [(46.0, "arm A"), (62.0, "arm B"), (61.0, "arm C")]),
        # a colon, and a P value after the entries
        ("Hot flushes were rare (letrozole: 12.0%, placebo: 8.8%; P = 0.013).",
         [(12.0, "letrozole"), (8.8, "placebo")]),
        # a comparison word between the entries, a regimen's abbreviation before an arm noun
        ("Relapse-free survival was better (XRT group 84.3% vs CMF group 69.4%).",
         [(84.3, "XRT group"), (69.4, "CMF group")]),
        # the statistic's word after the arm's name is not the arm's
        ("Time to progression was longer (letrozole median, 8.8 months; placebo, 6.0 months).",
         [(8.8, "letrozole"), (6.0, "placebo")]),
        # one series of labels repeated in its order, after topics and their colons
        ("Nausea and vomiting were rare (nausea: letrozole: 17.6% vs placebo: 15.7%, p=0.62; "
         "vomiting: letrozole: 10.8% vs placebo: 12.0%, p=0.72).",
         [(17.6, "letrozole"), (15.7, "placebo"), (10.8, "letrozole"), (12.0, "placebo")]),
        # rates per person-years, a ratio after them that no label names
        ("Cancer rates were lower (placebo, 6.26 per 1000 women-years, letrozole, 1.50 per 1000 "
         "women-years; RR = 0.24).",
         [(6.26, "placebo"), (1.5, "letrozole"), (0.24, None)]),
    ],
)
def test_labels_before_their_figures_name_their_arms(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # labels that name what was measured: no arms (the next bracket's labels are arms)
        ("Rates were high (ORR, 45%; DCR, 80%), and fatigue was common (arm A, 46%; arm B, "
         "62%).", [(45.0, None), (80.0, None), (46.0, "arm A"), (62.0, "arm B")]),
        ("Toxicity was mild (grade 3: 12%, grade 4: 5%), and fatigue was common (arm A, 46%; "
         "arm B, 62%).", [(12.0, None), (5.0, None), (46.0, "arm A"), (62.0, "arm B")]),
    ],
)
def test_labels_that_name_no_arm_give_none(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grade 3 toxicity occurred in 31.8% (letrozole) vs 58.8% (placebo).",
         [(31.8, "letrozole"), (58.8, "placebo")]),
        ("Disease-free survival was higher: 94.5% group 1 vs 88.4% group 2, p = 0.0156.",
         [(94.5, "group 1"), (88.4, "group 2")]),
        # a role word; a population noun after a label is not the arm's
        ("The effect was modest, 28% intervention versus 11% control group patients.",
         [(28.0, "intervention"), (11.0, "control group")]),
        ("Follow-up rates were high (89% = control and 77% = intervention group).",
         [(89.0, "control"), (77.0, "intervention group")]),
        # labels that name no arm: none (the run after them is labelled)
        ("Response was 12% CR vs 5% PR, and fatigue 31.8% (letrozole) vs 58.8% (placebo).",
         [(12.0, None), (5.0, None), (31.8, "letrozole"), (58.8, "placebo")]),
    ],
)
def test_labels_after_each_figure_of_a_run_name_their_arms(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


def test_a_sizes_label_after_it_names_its_arm(outcomes_nlp: Language) -> None:
    text = ("After surgery, women were randomly assigned to WBI (n = 439, group 1) or RT (n = 430, "
            "mean age 55).")
    got = [(r["value"], r["arm"]) for r in run(outcomes_nlp, text, DRUGS)._.outcomes]
    # ("mean age 55" is no label: the second size's arm is its allocation list's member,
    # `outcome_allocation_arms`)
    assert got == [(439.0, "group 1"), (430.0, "RT")]
