"""Figures of how a trial was run (who gave data, who crossed over, how much treatment was
given, what was expected) give no row; the results written beside the same words keep theirs.
Sentences of trial abstracts (pico-dev's tuned part, session 20's error analysis), a few cut
short; the outcomes component runs alone (conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run


def values(nlp: Language, text: str) -> list[float]:
    return [r["value"] for r in nlp(text)._.outcomes]


# -- who completed assessments or gave data or samples: no outcome ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ninety-four percent of participants completed assessments at 3 months, and 97 % at 6 "
        "months.",
        "After 12 months of no intervention, 24-month fasting blood samples were available for "
        "84.0% and 82.5% of MODERATE and HIGH groups, respectively.",
    ],
)
def test_assessment_completion_and_data_availability_give_no_row(
    outcomes_nlp: Language, text: str
) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # completing the protocol is a result the trials report
        (
            "Of 53 women randomized to zolpidem augmentation (n = 25) or placebo augmentation "
            "(n = 28), 38 completed the protocol (57% on placebo, 88% on zolpidem).",
            [53.0, 25.0, 28.0, 57.0, 88.0],
        ),
        # a count of subjects with data is who was studied
        ("Safety data were available from 369 patients.", [369.0]),
        # a figure with a predicate of its own after the completion
        (
            "Ninety-four percent of participants completed assessments at 3 months, and 12% "
            "relapsed by 6 months.",
            [12.0],
        ),
        # ... also listed right after a figure of who gave data
        ("Follow-up data were available for 90% and 12% relapsed within 5 years.", [12.0]),
    ],
)
def test_completion_results_and_counts_with_data_stay(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


# -- how much treatment subjects of no named arm received: no outcome -------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Compliance with CT was good: 96.9% of patients received six cycles.", []),
        (
            "Epirubicin cumulative dose was <300 mg/m2 in 1045 patients; 300-600 mg/m2 in 1187; "
            "and > or =600 mg/m2 in 286.",
            [],
        ),
        # an arm's figure: its size, or a result compared between arms
        (
            "Forty-eight patients in the standard-dose (STD) arm received six courses of "
            "cyclophosphamide, doxorubicin, and 5-fluorouracil followed by tamoxifen.",
            [48.0],
        ),
        (
            "In the docetaxel arm, 90% of patients received six cycles, compared with 80% in the "
            "control arm.",
            [90.0, 80.0],
        ),
        # dose reductions and events of who received the amount are results
        ("Twenty (63%), 28 (67%), and 15 (56%) patients required dose reductions.",
         [63.0, 67.0, 56.0]),
        ("The dose was reduced by 25 mg in 12 patients.", [12.0]),
        ("Grade 3 neutropenia occurred in 45% of patients who received six cycles.", [45.0]),
        # a sentence that names or compares arms keeps each arm's figure
        ("90% and 80% of patients received all planned cycles with docetaxel and paclitaxel, "
         "respectively.", [90.0, 80.0]),
        ("With docetaxel, 90% of patients received six cycles, compared with 80% with "
         "paclitaxel.", [90.0, 80.0]),
        # where toxicity occurred, not how much was given
        ("Dose-limiting neutropenia occurred at a dose of 100 mg/m2 in 3 of 6 patients.", [3.0]),
    ],
)
def test_treatment_delivered_to_no_named_arm_gives_no_row(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


# -- who crossed over: no outcome ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Overall survival showed no statistically significant treatment difference; however, "
            "70% of patients in the anastrozole alone arm crossed over to receive trastuzumab "
            "after progression on anastrozole alone.",
            [],
        ),
        (
            "Thirty-six patients receiving monotherapy crossed over to combination therapy "
            "following enrollment termination.",
            [],
        ),
        # a result of those who crossed over, and the noun of a crossover design, stay
        ("A response was seen in 12 of 30 patients who crossed over to trastuzumab.", [12.0]),
        (
            "Thirty-two evaluable patients were randomized using a crossover design to receive "
            "mesna or saline in either the first or second cycle of doxorubicin.",
            [32.0],
        ),
        # the figure after a preposition (a result of those who did), and the adjective
        ("Response was seen in 40% of patients crossed over to letrozole at progression.",
         [40.0]),
        ("The response rate was 40% among crossed-over patients.", [40.0]),
    ],
)
def test_who_crossed_over_gives_no_row(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


# -- what the authors expect: no outcome ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We expect the use of a spacer could reduce the occurrence of telangiectasia to "
            "7.7%.",
            [],
        ),
        # the trial's result after the expectation's clause, and "as/than expected", stay
        (
            "We expected that letrozole would lower the relapse rate, but relapse occurred in "
            "12% of patients in both arms.",
            [12.0],
        ),
        ("As expected, grade 3 neutropenia occurred in 45% of patients.", [45.0]),
        ("Grade 3 neutropenia occurred in 45% of patients, more than expected.", [45.0]),
        (
            "We hypothesized that exercise would improve fatigue; fatigue improved in 40% vs 25% "
            "of women.",
            [40.0, 25.0],
        ),
        # the result after a comma and a clause opener, and an expectation met ("as ...")
        (
            "We hypothesized that letrozole would be superior, and the response rate was 40% "
            "with letrozole and 20% with tamoxifen.",
            [40.0, 20.0],
        ),
        (
            "As we predicted, letrozole could reduce recurrence, which fell to 7.7% with "
            "letrozole and 15% with tamoxifen.",
            [7.7, 15.0],
        ),
    ],
)
def test_an_expectation_gives_no_row(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    # (telangiectasia, a DISEASE mention, is the 7.7%'s adverse event without the rule)
    doc = run(outcomes_nlp, text, [("telangiectasia", "DISEASE", "MESH:D013684")])
    assert [r["value"] for r in doc._.outcomes] == expected
