"""Subjects said to be free of a disease ("were seizure-free", "remained tumor-free") are in
remission, free of a symptom ("were pain-free") responded: not an event of the disease named
in the word; a trial's own end point ("The primary end point occurred in ...") is `other`.
Cues of rules/outcome_cues.jsonl; sentences written for the tests, the outcomes component
alone (conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language


def measures(nlp: Language, text: str) -> list[tuple[str, float]]:
    return [(r["measure"], r["value"]) for r in nlp(text)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Overall, 68 of 120 (57%) children were seizure-free at 6 months.", [("remission", 57.0)]),
        ("In patients free of recurrence in the first year, 80% remained tumor-free.",
         [("remission", 80.0)]),
        ("At 2 hours, 32% of patients were pain-free.", [("response", 32.0)]),
        ("The primary end point occurred in 386 patients (16.3%) in the dapagliflozin group and "
         "in 502 patients (21.2%) in the placebo group.", [("other", 16.3), ("other", 21.2)]),
    ],
)  # fmt: skip
def test_free_of_a_disease_and_the_trials_end_point(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert measures(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a trait of who was studied; a label in a bracket after the measure's name
        ("The trial enrolled 400 cancer-free, postmenopausal women.", [("enrollment", 400.0)]),
        ("Median progression-free survival (primary endpoint) was 12.1 months.",
         [("survival", 12.1)]),
    ],
)  # fmt: skip
def test_no_such_cue_for_a_trait_or_a_label(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert measures(outcomes_nlp, text) == expected
