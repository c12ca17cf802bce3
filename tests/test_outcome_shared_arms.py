"""One arm named by "the X group" before all the figures of a clause is every figure's
(`outcome_clause_arms.shared_clause_arm`): "In the letrozole group, the response rate was 42% (three
complete and 18 partial responses)". Never when the clause compares the figures or may give them
to two arms ("similar", "higher", "vs", "respectively"), nor a name that is no arm. And labels
after their figures, entry by entry, in one bracket (`outcome_label_arms`: "(n = 27, letrozole;
n = 25, placebo)"), never labels that name no arm ("(n = 40 women; n = 12 men)")."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_clause_arms import arms


@pytest.mark.parametrize(
    ("text", "arm"),
    [
        ("In the letrozole group, the objective response rate was 42% (three complete "
         "responses, 18 partial responses; 95% CI, 30% to 55%).", "letrozole"),
        ("The most frequent grade 3 events in the fenretinide arm were nausea (12 [20%] of 60 "
         "patients) and fatigue (five [8%]).", "fenretinide"),
        ("In the placebo group (n = 30), two (6.7%) patients had grade 2 rash, four (13.3%) had "
         "grade 1 rash.", "placebo"),
    ],
)
def test_the_one_arm_before_a_clauses_figures_is_all_of_theirs(
    outcomes_nlp: Language, text: str, arm: str
) -> None:
    got = arms(outcomes_nlp, text)
    assert len(got) >= 2
    assert all(a == arm for _, a in got), got


@pytest.mark.parametrize(
    "text",
    [
        # the figures may be two arms'
        "In the letrozole group, response rates were similar (40% and 42%).",
        "Nausea was less frequent in the letrozole group, at 12% and 30% of patients.",
        "Nausea and fatigue occurred in the letrozole group in 40% and 35%, respectively.",
        "In the letrozole group and the control group, nausea occurred in 40% and 35%.",
        # no arm: an analysis set, a subgroup
        "In the intention-to-treat cohort, 40% responded and 12 (5%) relapsed.",
        "In the 50-59 age group, 40% responded and 12 (5%) relapsed.",
    ],
)
def test_no_shared_arm_where_the_figures_may_be_two_arms_or_none(
    outcomes_nlp: Language, text: str
) -> None:
    got = arms(outcomes_nlp, text)
    assert len(got) >= 2
    assert all(a is None for _, a in got), got


def test_a_figure_with_its_own_arm_keeps_the_name_from_the_others(
    outcomes_nlp: Language,
) -> None:
    """ "22% with fenretinide" is that arm's: the clause names two arms, and "the letrozole
    group" is not every figure's."""
    got = dict(arms(outcomes_nlp, "In the letrozole group, nausea occurred in 40% of patients "
                                  "and vomiting in 22% with fenretinide."))  # fmt: skip
    assert got[22.0] == "fenretinide"
    assert got[40.0] != "fenretinide"


# Labels after their figures, entry by entry, in one bracket (`outcome_label_arms`)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Of the 60 women randomized, 52 were evaluable (n = 27, letrozole; n = 25, placebo).",
         {27.0: "letrozole", 25.0: "placebo"}),
        ("Grade 2 rash occurred in 30 patients (18% group A and 7% group B).",
         {18.0: "group A", 7.0: "group B"}),
        ("Half of the women reported fatigue (51% [102/200] fenretinide; 47% [94/200] placebo).",
         {51.0: "fenretinide", 47.0: "placebo"}),
        # a label after a preposition is the drug's after the figure, without the preposition
        ("Of those randomized, 38 completed the study (57% on placebo, 88% on letrozole).",
         {57.0: "placebo", 88.0: "letrozole"}),
    ],
)
def test_a_label_after_each_figure_of_a_bracket_is_its_arm(
    outcomes_nlp: Language, text: str, expected: dict[float, str]
) -> None:
    got = dict(arms(outcomes_nlp, text))
    assert {v: got.get(v) for v in expected} == expected, got


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # stages, subjects: no arm names
        ("Grade 3 neutropenia occurred in 30 patients (22 women; 8 men).", (22.0,)),
        ("Of the 52 patients enrolled (n = 40 women; n = 12 men), 30 relapsed.", (40.0, 12.0)),
        # one entry that is no figure and its label
        ("Relapse occurred in 30 patients (18% group A; P = 0.04).", (18.0,)),
    ],
)
def test_no_arm_from_a_bracket_whose_labels_name_none(
    outcomes_nlp: Language, text: str, values: tuple[float, ...]
) -> None:
    got = dict(arms(outcomes_nlp, text))
    assert all(v in got and got[v] is None for v in values), got
