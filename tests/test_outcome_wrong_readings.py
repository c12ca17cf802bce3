"""Readings of outcome figures found wrong on text no rule was tuned on (session 40): who was
studied read as events, earlier reports read as results. Each sentence is written for these
tests (not copied from a corpus); each case fails without the rule named above its test, but
the cases marked as what stays, which guard the rule against taking a result."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

Row = tuple[str, float]

DISEASES = [
    ("stroke", "DISEASE", "MESH:D020521"),
    ("psychosis", "DISEASE", "MESH:D011605"),
    ("lung cancer", "DISEASE", "MESH:D008175"),
    ("hepatotoxicity", "DISEASE", "MESH:D056486"),
    ("neuropathy", "DISEASE", "MESH:D010523"),
    ("anemia", "DISEASE", "MESH:D000740"),
    ("thrombosis", "DISEASE", "MESH:D013927"),
    ("liver failure", "DISEASE", "MESH:D017093"),
]


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, value) of each row."""
    return [(r["measure"], r["value"]) for r in run(nlp, text, DISEASES)._.outcomes]


# -- the subjects of a case-control study are who was studied (controls_of_cases) -----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We enrolled 250 women who had a first stroke and 900 control women who had not "
            "had a stroke.",
            ("enrollment", 900.0),
        ),
        (
            "In a case-control study, we enrolled 250 women aged 20 to 45 years who had had a "
            "first stroke between 1991 and 1996 and 900 control women who had not had a stroke.",
            ("enrollment", 900.0),
        ),
        (
            "We did a genetic association analysis of case-control samples (210 drug-induced "
            "psychosis patients and 340 controls) in the Korean population.",
            ("enrollment", 340.0),
        ),
        # what stays: an event cue of its own claims the controls' count
        ("Hepatotoxicity developed in 12 patients and 5 controls.", ("adverse_event", 5.0)),
    ],
)
def test_cases_and_controls_are_who_was_studied(
    outcomes_nlp: Language, text: str, expected: Row
) -> None:
    got = rows(outcomes_nlp, text)
    assert expected in got and [r for r in got if r[1] == expected[1]] == [expected], got


# -- counts that earlier reports give are no rows (outcome_design.without_earlier_reports) ----


@pytest.mark.parametrize(
    "text",
    [
        "Twelve cases of this complication have been reported.",
        "Anemia developed in 2 previously reported cases.",
        "Thrombosis after the drug has been described in the literature in 4 cases.",
        "To our knowledge, no cases of neuropathy occurring during the therapy have been "
        "described in the literature.",
        "Neuropathy is listed as one side effect of the drug in its package insert, but there "
        "is only one report in the literature.",
    ],
)
def test_earlier_reports_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what stays: what the subjects told, a trial's events, the study's own cases
        (
            "Of the 280 men who completed the questionnaire, 40 reported headache.",
            ("adverse_event", 40.0),
        ),
        ("Thrombosis has been reported in 61 patients to date.", ("adverse_event", 61.0)),
        (
            "Three patients developed anemia after the drug, and another 13 patients in the "
            "literature were reviewed.",
            ("adverse_event", 3.0),
        ),
    ],
)
def test_own_figures_beside_reports_stay(
    outcomes_nlp: Language, text: str, expected: Row
) -> None:
    assert expected in rows(outcomes_nlp, text)


# -- an improvement a relative clause after the count names is their later course, not what ---
# -- the count counts (outcome_measures._in_relative_clause) ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nausea occurred in 5 patients, which resolved within a day.", [("adverse_event", 5.0)]),
        (
            "Seizures increased in four children given the drug and two of these developed "
            "neuropathy, which resolved on withdrawal.",
            [("adverse_event", 4.0), ("adverse_event", 2.0)],
        ),
        # (a decline of a measured value past a threshold: its subjects' adverse event,
        # outcome_measures._past_threshold)
        (
            "Left ventricular ejection fraction declined to less than 45% in 4 patients, which "
            "were recovered.",
            [("adverse_event", 4.0)],
        ),
    ],
)
def test_later_recovery_is_not_the_count(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


def test_relative_clause_that_closes_keeps_the_main_verb(outcomes_nlp: Language) -> None:
    # what stays: the clause closes before the main verb's cue
    text = "Five of the eight patients, who had taken the drug for a year, recovered fully."
    assert rows(outcomes_nlp, text) == [("improvement", 5.0)]


# -- complete and partial responses summed are the objective response (outcome_cues.jsonl) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Clinical response did not differ between the arms (P = .30; complete response + "
            "partial response, 51.2% v 47.9%).",
            [("response", 51.2), ("response", 47.9)],
        ),
        # what stays: each response named apart
        (
            "Complete response was seen in 10% and partial response in 30%.",
            [("complete_response", 10.0), ("partial_response", 30.0)],
        ),
    ],
)
def test_summed_responses_are_the_response(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- earlier work: a trial's design may stand inside a background cue (outcome_scope._PHASE) --


@pytest.mark.parametrize(
    "text",
    [
        "A previous randomized controlled trial of the drug in older patients reported a low "
        "risk of thrombosis (2%) and anemia (1%).",
        "A previous placebo-controlled trial reported thrombosis in 4% of patients.",
    ],
)
def test_controlled_earlier_trials_are_background(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


# -- a count whom something was found in is no enrollment (outcome_unclaimed) ----------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Surgery was recorded in 410 patients.", [("other", 410.0)]),
        ("Mastectomy was documented in 212 women.", [("other", 212.0)]),
        # what stays: who was studied
        ("Follow-up data were available for 174 patients.", [("enrollment", 174.0)]),
    ],
)
def test_found_in_counts_are_no_enrollment(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a threshold inside a pool's words keeps the pool (outcome_grammar._pool_end) -------------


def test_pool_with_a_threshold_is_no_event_count(outcomes_nlp: Language) -> None:
    text = (
        "Of the 310 women with a projected risk of 2.1% or higher who joined the study, "
        "nine developed a thrombosis."
    )
    got = run(outcomes_nlp, text, DISEASES)._.outcomes
    assert [(r["measure"], r["value"], r["denominator"]) for r in got] == [
        ("adverse_event", 9.0, 310)
    ]


# -- a body's response to a stimulus (other) and an agency's name are no treatment response --
# -- (outcome_cues.jsonl) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Repetitive nerve stimulation showed a decremental response in 3 patients.",
            [("other", 3.0)],
        ),
        ("The hemodynamic response to intubation was blunted in 14 patients.", [("other", 14.0)]),
        ("Of these, 18 cases met the Centers for Disease Control criteria for the diagnosis.", []),
        # what stays: a treatment's response
        ("An objective response was seen in 12 patients.", [("response", 12.0)]),
    ],
)
def test_measured_responses_are_no_response(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- "a group of N <subjects>" is who was studied (outcome_enrolled.enrollment_by_form) -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In this group of 45 patients under protection with the drug there were 5 complete "
            "remissions and 9 partial remissions (total 31%).",
            [("enrollment", 45.0), ("remission", 5.0), ("remission", 9.0), ("remission", 31.0)],
        ),
        (
            "The frequency of anemia in the patients did not differ from that in a group of "
            "1,219 controls.",
            [("enrollment", 1219.0)],
        ),
    ],
)
def test_a_group_of_subjects_is_who_was_studied(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- what a treatment will prevent is a projection, no result (hypothetical_modals) -----------


def test_what_will_be_prevented_is_no_row(outcomes_nlp: Language) -> None:
    text = (
        "Anemia was less frequent with the new drug, indicating that 1 case of anemia will be "
        "prevented for every 6 patients treated."
    )
    assert rows(outcomes_nlp, text) == []


def test_will_of_another_verb_stays(outcomes_nlp: Language) -> None:
    # what stays: a modal of no verb of prevention or need
    assert rows(outcomes_nlp, "Thrombosis will be reported in 12 patients.") == [
        ("adverse_event", 12.0)
    ]


# -- models and sequence units are no subjects (count_blockers_after) --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The effects of the drug were examined using two canine thrombosis models.",
        "The repeat block consists of just three interrupted units in the rat gene.",
    ],
)
def test_models_and_units_are_no_subjects(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


# -- a dose changed is how a treatment was given (outcome_cues.jsonl) --------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "When serum prolactin levels normalized in all four subjects, the drug dose was "
            "reduced to 1 mg/week in three of four subjects.",
            [("improvement", 4.0), ("other", 3.0)],
        ),
        ("The dose was reduced in 12 patients because of anemia.", [("other", 12.0)]),
    ],
)
def test_dose_changes_are_other(outcomes_nlp: Language, text: str, expected: list[Row]) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a hematocrit is a measured value, no share of subjects (outcome_cues.jsonl) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Two weeks after the start of therapy, her hematocrit had decreased from 41.2% to 22.5%.",
        "Final haematocrit values were 24 or 26%.",
    ],
)
def test_hematocrit_values_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


# -- a cue another figure's count owns is not this figure's (outcome_measures._scored_cues) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ("one of which": the part's cue; "Eight deaths": the eight's noun)
        (
            "The drug appeared to be responsible for five cases of neuropathy, one of which was "
            "fatal in an elderly woman.",
            [("mortality", 1.0)],
        ),
        (
            "Eight deaths and liver failure in 18 patients attest to the seriousness of this new "
            "adverse phenomenon.",
            [("mortality", 8.0), ("adverse_event", 18.0)],
        ),
        # what stays: a count listed after the one its noun counts
        (
            "There were 12 deaths in arm A and 8 in arm B.",
            [("mortality", 12.0), ("mortality", 8.0)],
        ),
    ],
)
def test_cues_of_other_counts(outcomes_nlp: Language, text: str, expected: list[Row]) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a disease the counted subjects were identified as having is who was counted ---------------
# -- (subject_trait_openers) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hemoglobin increased steadily in the 7/11 patients initially identified as having "
            "anemia.",
            [],
        ),
        # what stays: a diagnosis is the event
        ("Five patients were diagnosed as having anemia after the drug.", [("adverse_event", 5.0)]),
    ],
)
def test_identified_as_having_names_who_was_counted(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a measured quantity changed past a threshold in N subjects is their adverse event ----------
# -- (outcome_measures._past_threshold) --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Left ventricular ejection fraction reduced to less than 50% in 5 patients.",
        "Creatinine clearance decreased to below 30 mL/min in 6 patients.",
    ],
)
def test_change_past_a_threshold_is_an_event(outcomes_nlp: Language, text: str) -> None:
    assert [m for m, _ in rows(outcomes_nlp, text)] == ["adverse_event"]


# -- an opening "While/Although ..." clause ends at its first comma outside brackets ----------
# -- (SentenceParser.boundaries); "on entry" is who was studied (outcome_cues.jsonl) ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "While the objective response rate was similar in the two arms (61.2% vs. 58.5%, "
            "P = 0.40), the pCR rate in arm A was higher (30.6% vs. 12.0%, P = 0.02).",
            [
                ("response", 61.2),
                ("response", 58.5),
                ("complete_response", 30.6),
                ("complete_response", 12.0),
            ],
        ),
        ("In all, 40% of the patients had active anemia on entry.", []),
        # what stays: the baseline cue of the opening clause no longer reaches past its comma
        (
            "Although 55% of patients had a noncontributory history on entry, 40% had active "
            "anemia on entry.",
            [],
        ),
        # what stays: "on presentation", when a treatment may be stopped
        (
            "The drug was withdrawn on presentation to hospital in 11 patients, with rapid "
            "improvement in 9.",
            [("discontinuation", 11.0), ("improvement", 9.0)],
        ),
    ],
)
def test_opening_clause_and_entry(outcomes_nlp: Language, text: str, expected: list[Row]) -> None:
    assert rows(outcomes_nlp, text) == expected
