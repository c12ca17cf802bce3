"""Where the arm rules of session 21 must give no arm (a review's reproducing inputs): a name
after a figure that is the comparator or merely mentioned, names that are no arm (a body part,
a cooperative group, a cohort, a subgroup), the comparator of a pair of counts, and sizes of
subgroups after an allocation."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

DRUGS = [("letrozole", "DRUG", "MESH:D000077289"), ("ropivacaine", "DRUG", "MESH:D000077212")]
TRIAL = "Patients were randomized to the arms. "


def arms(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    return [(r["value"], r["arm"]) for r in run(nlp, TRIAL + text, DRUGS)._.outcomes]


@pytest.mark.parametrize(
    "text",
    [
        # a name after the figure that is not "in the X arm": the comparator, or a mention
        "The response rate was 40%, which was higher than that of the control arm.",
        "The response rate was 40% and did not differ from the control arm.",
        "The response rate was 40%, similar to the control arm.",
        "Response was 40%, twice that of the control group.",
        "Response rate was 40% in women, with no difference from the placebo group.",
        "Response rate was 40% in the whole cohort, as in the placebo group.",
        # a name after a likening phrase is the comparator, also before the figure
        "Similar to the control arm, the response rate was 40%.",
        "Unlike the control group, 40% of patients responded.",
        # the arms of the counts in a bracket, not of the clause's figure (pico-dev)
        "Of the 135 centers that had expressed an interest in the trial, only 69 randomized at "
        "least one patient (35/68 in the Visited group, 34/67 in the Non-visited group).",
        # no arm: a body part, a cooperative group, a cohort of another study
        "Lymphedema of the ipsilateral arm developed in 12% of patients.",
        "In a trial of the Gynecologic Oncology Group, the response rate was 40%.",
        "In the discovery cohort, recurrence occurred in 18% of women.",
    ],
)
def test_no_arm_from_a_name_that_is_not_the_figures(outcomes_nlp: Language, text: str) -> None:
    got = [(v, a) for v, a in arms(outcomes_nlp, text) if v not in (135.0, 35.0, 34.0)]
    assert len(got) == 1  # the row is there
    assert got[0][1] is None


def test_names_in_a_bracket_of_other_figures_leave_the_clause_its_own(
    outcomes_nlp: Language,
) -> None:
    """(pico-dev) the bracket's two names are its follow-up times', so the clause's two counts
    take one each."""
    got = arms(outcomes_nlp, "At the final analysis (follow-up 29.6 months for the letrozole "
                             "group and 27.9 months for the ropivacaine group), 41 events had "
                             "occurred in the letrozole group and 59 in the ropivacaine "
                             "group.")  # fmt: skip
    assert [(v, a) for v, a in got if v in (41.0, 59.0)] == [(41.0, "letrozole"),
                                                             (59.0, "ropivacaine")]


@pytest.mark.parametrize("drug", ["control", "ropivacaine"])
def test_the_comparator_of_a_pair_of_counts_is_the_seconds(outcomes_nlp: Language,
                                                           drug: str) -> None:
    """ "lower than in the control group (13 vs 31)": two bare counts are two groups of one,
    yet the arm after "than" is the second's, as it is for "(45% vs 82%)"."""
    got = arms(outcomes_nlp, f"Pain was lower than in the {drug} group (13 vs 31).")
    assert got == [(13.0, None), (31.0, drug)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a subgroup after an allocation in the same sentence: no member of its list
        ("After being randomized to letrozole, women with node-positive disease (n = 45) had "
         "more relapses.", [(45.0, None)]),
        ("Patients were randomly assigned to treatment, and those aged 65 or older (n = 40) "
         "received reduced doses.", [(40.0, None)]),
        ("Patients were randomized to surgery (n = 40), of whom 30 completed the study "
         "(n = 30).", [(40.0, "surgery"), (30.0, None)]),
        ("Women were randomized to exercise (n = 40) or usual care (n = 41), and those with "
         "lymphedema (n = 12) were excluded.",
         [(40.0, "exercise"), (41.0, "usual care"), (12.0, None)]),
    ],
)
def test_a_subgroups_size_after_an_allocation_has_no_arm(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a list of sizes no allocation word opens (BC5CDR's forms)
        "Sixty-seven of 926 patients required discontinuation of letrozole due to hyperkalemia "
        "(n = 33) or renal failure (n = 34).",
        "Patients were randomized to the arms. Complications included stroke (n = 5), "
        "epilepsy (n = 2) and other events (n = 7).",
    ],
)
def test_sizes_of_a_list_no_allocation_opens_have_no_arms(outcomes_nlp: Language,
                                                          text: str) -> None:
    got = [(v, a) for v, a in arms(outcomes_nlp, text) if v != 926.0]
    assert got and all(arm is None for _, arm in got)


def test_subjects_after_an_allocation_are_no_arms(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "A total of 120 patients were randomized to the trial, 60 men "
                             "(n = 60) and 60 women (n = 60).")  # fmt: skip
    assert got and all(arm is None for _, arm in got)


def test_an_allocation_list_after_a_colon_gives_its_members_arms(outcomes_nlp: Language) -> None:
    """ "assigned to three groups: A (n = 8), B (n = 8), or C (n = 10)" (BC5CDR's form): the
    list runs from the colon the allocation opens."""
    got = arms(outcomes_nlp, "Rats were randomly assigned to three groups: untreated controls "
                             "(n = 8), enalapril-treated (n = 8), or nitrendipine-treated "
                             "(n = 10).")  # fmt: skip
    assert got[1:] == [(8.0, "enalapril-treated"), (10.0, "nitrendipine-treated")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a list's names end at a sentence's full stop, not a decimal point; a clause or a
        # statistic is no name
        ("Median PFS was 4.5 months versus 6.8 months for letrozole and median overall survival "
         "was 19.7 months versus 23.6 months.", {None, "letrozole"}),
        ("Attendance was higher with the option to change (76.1% vs 73.3% for standard office "
         "hour, P=0.001).", {None, "standard office hour"}),
        # the subjects between the figure and its arm ("for patients in the TU arm")
        ("The 5-year OS was 79.7% for patients in the TU arm and 83% for those in the ACT arm.",
         {"TU", "ACT"}),
        # a design's clause before a size is no arm's name
        ("A randomized controlled trial of a mailed weight loss intervention was undertaken "
         "among 68 mother-daughter dyads (n = 136).", {None}),
    ],
)  # fmt: skip
def test_no_arm_name_runs_through_a_clause_or_statistic(
    outcomes_nlp: Language, text: str, names: set[str | None]
) -> None:
    assert {arm for _, arm in arms(outcomes_nlp, text)} <= names
