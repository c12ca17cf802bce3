"""Who was studied and how the trial was planned or run give no row: baseline traits compared
between the arms, treatment before the trial, age thresholds, a questionnaire's return rate,
the assumptions of a trial's design, earlier work (the `not_outcome` cues of
rules/outcome_cues.jsonl and the `power_cues` and `background_cues` of
rules/outcomes_lexicon.json). Sentences written for the tests; the outcomes component runs
alone (conftest's `outcomes_nlp`). Each sentence gives rows without the rule it tests."""

from __future__ import annotations

import pytest
from spacy.language import Language


def values(nlp: Language, text: str) -> list[float]:
    return [r["value"] for r in nlp(text)._.outcomes]


@pytest.mark.parametrize(
    "text",
    [
        # the arms compared at the start
        "Baseline characteristics were similar in both arms: 45% vs 47% had node-positive disease.",
        "The arms were well balanced for tumour size (T2, 41% vs 43%) and age.",
        "Demographics did not differ between the groups (64% vs 60% were working).",
        # traits of who was studied: education, reproductive history, histology
        "Women in the exercise arm were more likely to be college educated (65% vs 52%) than "
        "women in the control arm.",
        "Most tumours were lobular (82% vs 79%).",
        "Fewer women were childless in the exercise arm (20% vs 28%).",
        # a baseline trait named as a variable
        "The groups differed in menopausal status (premenopausal: 40% vs 44%).",
        # treatment before the trial
        "Overall, 68% of the patients had received prior chemotherapy and 25% prior endocrine "
        "therapy.",
        "Chemotherapy was given to 70% of patients in the docetaxel arm and 68% in the control "
        "arm before randomization.",
        # an age threshold
        "In all, 45% of patients in the exercise arm and 40% in the usual care arm were older "
        "than 65 years.",
        # a questionnaire's return rate: how the trial was run, not a treatment response
        "The questionnaire response rate was 78% in the intervention arm and 74% in the control "
        "arm.",
    ],
)
def test_who_was_studied_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The trial was designed to detect an improvement in 3-year survival from 70% to 78%.",
        "We hypothesized that the response rate would rise from 20% to 35%.",
    ],
)
def test_a_design_assumption_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


def test_earlier_reports_give_no_row(outcomes_nlp: Language) -> None:
    text = "Earlier reports have described response rates of 30% with this regimen."
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "prior to" is a time, not treatment before the trial
        (
            "In the A arm, 100% of women completed treatment prior to surgery, compared with 69% "
            "in the B arm.",
            [100.0, 69.0],
        ),
        # a capitalized word in a name is no trait
        (
            "From 82% to 95% of treated women reached the National Cholesterol Education Program "
            "goal.",
            [82.0, 95.0],
        ),
        # "matched" alone names a design: the subjects are still who was studied
        (
            "Thirty-three children given dexamethasone were matched to 33 children who were not "
            "given it.",
            [33.0, 33.0],
        ),
        # a subgroup named by a trait keeps its results
        (
            "Survival at 5 years was 80% in women with ER-positive tumours and 65% in those with "
            "ER-negative tumours.",
            [80.0, 65.0],
        ),
        # a treatment response stays a response
        ("The response rate was 45% in arm A and 38% in arm B.", [45.0, 38.0]),
    ],
)
def test_results_beside_the_trait_words_stay(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Grade 3 neutropenia occurred in 12% of patients; 45% vs 47% were postmenopausal.",
        "Grade 3 neutropenia occurred in 12% of patients, and 61% and 58% had stage II disease.",
    ],
)
def test_a_trait_after_a_list_is_every_members(outcomes_nlp: Language, text: str) -> None:
    # the characteristic after the last figure is the whole list's predicate
    assert values(outcomes_nlp, text) == [12.0]


@pytest.mark.parametrize(
    "text",
    [
        "Treating 100 women with letrozole for 5 years would prevent 5 recurrences.",
        "These results suggest that up to 30% of recurrences could be prevented.",
        "Ten percent of women might experience grade 3 neutropenia during treatment.",
        "If the true response rate were 20%, the probability of stopping early would be 10%.",
        "We anticipated a response rate of 40% in the control arm.",
    ],
)
def test_what_would_happen_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "could not" is the past of "can"
        ("Two patients in group A could not walk and grade 3 neutropenia occurred in 12%.",
         [2.0, 12.0]),
        # a modal in a relative clause after the figure's own clause
        ("Grade 3 neutropenia occurred in 12% of women, which might reflect the higher dose.",
         [12.0]),
        # a modal after a past verb: what the subjects said
        ("In the survey, 40% of women in arm A said they would choose the same treatment "
         "again, compared with 30% in arm B.", [40.0, 30.0]),
    ],
)
def test_results_beside_a_modal_stay(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected
