"""Figures of how a trial was run (who gave data, who crossed over, how much treatment was
given, what was expected) give no row; the results written beside the same words keep theirs.
Sentences of trial abstracts (pico-dev's tuned part, session 20's error analysis), a few cut
short; the outcomes component runs alone (conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language


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
    ],
)
def test_completion_results_and_counts_with_data_stay(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected
