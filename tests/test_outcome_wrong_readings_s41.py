"""Readings of outcome figures found wrong on text no rule was tuned on (session 41): adjectives
read as relapses, times read as improvements, earlier work, studies and screens read as
results, codes read as figures. Each sentence is written for these tests (not copied from a
corpus); each case fails without the rule named above its test, but the cases marked as what
stays, which guard the rule against taking a result."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

Row = tuple[str, float]

DISEASES = [
    ("infection", "DISEASE", "MESH:D007239"),
    ("polyps", "DISEASE", "MESH:D011127"),
    ("depression", "DISEASE", "MESH:D003863"),
    ("cataracts", "DISEASE", "MESH:D002386"),
    ("hearing loss", "DISEASE", "MESH:D034381"),
    ("stroke", "DISEASE", "MESH:D020521"),
    ("renal failure", "DISEASE", "MESH:D051437"),
    ("atrial tachycardia", "DISEASE", "MESH:D013617"),
]


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, value) of each row."""
    return [(r["measure"], r["value"]) for r in run(nlp, text, DISEASES)._.outcomes]


# -- "recurrent" names a kind of finding or disease, or who was studied (outcome_cues) -------


@pytest.mark.parametrize(
    "text",
    [
        "Sequencing of the gene in nine families found five new mutations and one recurrent "
        "in-frame deletion.",
        "A Scottish kindred is described in which 3 of 4 sisters had recurrent pneumococcal "
        "infection.",
        "The sharing was 58% in bipolar and recurrent unipolar sib pairs.",
    ],
)
def test_recurrent_findings_are_no_relapse(outcomes_nlp: Language, text: str) -> None:
    assert not [r for r in rows(outcomes_nlp, text) if r[0] == "relapse"], rows(outcomes_nlp, text)


def test_a_count_recurrent_describes_is_who_was_studied(outcomes_nlp: Language) -> None:
    text = (
        "Laser therapy was then given to 145 recurrent vulvar wart patients who were split into "
        "two arms."
    )
    assert rows(outcomes_nlp, text) == [("enrollment", 145.0)]


def test_recurrent_polyps_stay_a_relapse(outcomes_nlp: Language) -> None:
    # what stays: the disease a trial treated came back
    text = "In the observation arm, seven women had recurrent endometrial polyps at one year."
    assert ("relapse", 7.0) in rows(outcomes_nlp, text)


# -- "recovery phase", "after recovery": a time, no improvement (outcome_cues) ----------------


@pytest.mark.parametrize(
    "text",
    [
        "Marked agitation was seen in the recovery period in three children.",
        "Heart rate was still 25% above baseline 30 min after recovery of consciousness.",
    ],
)
def test_recovery_as_a_time_is_no_improvement(outcomes_nlp: Language, text: str) -> None:
    got = rows(outcomes_nlp, text)
    assert not [r for r in got if r[0] == "improvement"], got


def test_recovered_stays_an_improvement(outcomes_nlp: Language) -> None:
    # what stays: the verb itself
    assert ("improvement", 9.0) in rows(outcomes_nlp, "Nine of the 11 patients recovered fully.")


# -- earlier work: the background cues' missing forms (outcomes_lexicon background_cues) ------


@pytest.mark.parametrize(
    "text",
    [
        "Earlier findings of a 38% frequency of hearing loss in treated patients led us to this "
        "trial.",
        "Prior findings showed hearing loss in 31% of treated patients.",
        # (the report's verb after the figure: outcome_candidates, reported_perfect_re)
        "Hearing loss in 31% of treated patients has been described.",
    ],
)
def test_earlier_findings_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


# -- screens, surveys and assessments are who was studied (design_nouns, study_verbs) ---------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A screen of 35 individuals from northern Italy with hearing loss found four "
            "carriers.",
            ("enrollment", 35.0),
        ),
        ("Examination for the enzyme defect in 412 patients of a rural clinic found 20 carriers.",
         ("enrollment", 412.0)),
        (
            "The response of 52 patients with bipolar depression to lithium was assessed for "
            "eight weeks.",
            ("enrollment", 52.0),
        ),
        (
            "To examine drug levels, twenty-three patients with cocaine-induced psychosis were "
            "interviewed, and blood was collected.",
            ("enrollment", 23.0),
        ),
    ],
)
def test_screened_and_assessed_subjects_are_enrollment(
    outcomes_nlp: Language, text: str, expected: Row
) -> None:
    got = rows(outcomes_nlp, text)
    assert [r for r in got if r[1] == expected[1]] == [expected], got


# -- numbers written onto a name or code, and ratios no ratio is (in_code, _parse_ratio) ------


@pytest.mark.parametrize(
    "text",
    [
        "Mice lacking Six5 develop cataracts by six months.",
        "The odds ratio for rs4412087 was 1.10 in carriers.",
        "Reports should be sent to the registry at the university, Portland, OR 97239.",
    ],
)
def test_codes_are_no_figures(outcomes_nlp: Language, text: str) -> None:
    got = rows(outcomes_nlp, text)
    assert not [r for r in got if r[1] in (5.0, 6.0, 4412087.0, 97239.0)], got


def test_an_arm_named_with_its_dose_gives_no_ratio(outcomes_nlp: Language) -> None:
    text = (
        "Relapse-free survival was similar (hazard ratio for A150 versus AC 1.06; 95% CI, "
        "0.81-1.38)."
    )
    got = rows(outcomes_nlp, text)
    assert 150.0 not in [v for _, v in got] and ("survival", 1.06) in got, got


# -- an "(n = N)" after the condition naming a group is its size (_condition_group) -----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Patients were divided into three groups: controls, n=512; renal failure, n=37; "
            "and stroke, n=52.",
            ("enrollment", 52.0),
        ),
        (
            "We studied two groups of patients, with (stroke, n = 31) and without hearing loss "
            "(n = 12).",
            ("enrollment", 31.0),
        ),
    ],
)
def test_a_condition_group_size_is_enrollment(
    outcomes_nlp: Language, text: str, expected: Row
) -> None:
    got = rows(outcomes_nlp, text)
    assert [r for r in got if r[1] == expected[1]] == [expected], got


def test_a_condition_count_with_an_event_verb_stays(outcomes_nlp: Language) -> None:
    # what stays: the sentence says the subjects had the events
    text = "In both groups, stroke (n = 4) and renal failure (n = 2) occurred during follow-up."
    got = rows(outcomes_nlp, text)
    assert ("adverse_event", 4.0) in got, got


# -- shares of a normal activity, an enzyme's activity, normal findings, labels ---------------


@pytest.mark.parametrize(
    "text",
    [
        # (reference_after_re: ", respectively," before "of", "normal" without "of")
        "Cells from her two sons had 48 and 36%, respectively, of the activity of the lowest "
        "control.",
        "A previously healthy girl with rash was found to lack C4 by immunochemical (absent) and "
        "hemolytic (3% normal) assays.",
    ],
)
def test_shares_of_a_reference_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


def test_a_reduced_enzyme_activity_is_no_improvement(outcomes_nlp: Language) -> None:
    text = "Both mutants had a 45% reduction in GALK activity after heating."
    assert rows(outcomes_nlp, text) == [("other", 45.0)]


def test_a_reduced_disease_activity_stays_an_improvement(outcomes_nlp: Language) -> None:
    # what stays: a disease's activity
    text = "Treated patients had a 45% reduction in disease activity at week 12."
    assert rows(outcomes_nlp, text) == [("improvement", 45.0)]


def test_normal_findings_are_no_adverse_event(outcomes_nlp: Language) -> None:
    text = (
        "Of the 20 patients, 6 (30%) had stroke, 2 (10%) had hearing loss, and 12 (60%) had "
        "normal findings on MRI."
    )
    assert ("other", 60.0) in rows(outcomes_nlp, text), rows(outcomes_nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Patient 3 developed a rash after the second dose.",
        # (a guard: the 'normal levels' cue would give the label a row without the rule)
        "Cultured cells from patient 4 showed normal levels of the enzyme.",
    ],
)
def test_a_patient_label_is_no_count(outcomes_nlp: Language, text: str) -> None:
    # (count_blockers_before: a singular subject noun before the number)
    assert rows(outcomes_nlp, text) == []


# -- earlier reports' counts, and a deviation with spaced thousands ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        # (report_before_re: "as" or a perfect, a report word and "in" before the count)
        "This case may be another example of hearing loss caused by a position effect as "
        "recently described in two familial hearing loss patients with breakpoints.",
        "Stroke has previously been reported in two patients with this syndrome.",
    ],
)
def test_counts_of_earlier_reports_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == [], rows(outcomes_nlp, text)


def test_a_trial_count_after_reported_in_stays(outcomes_nlp: Language) -> None:
    # what stays: the trial's own report
    assert ("adverse_event", 12.0) in rows(outcomes_nlp, "Stroke was reported in 12 patients.")


def test_a_spaced_deviation_after_plus_minus_is_one_number(outcomes_nlp: Language) -> None:
    text = (
        "Uptake did not differ (at 60 minutes, placebo vs active, 2 451 303+/-512 847 vs "
        "2 390 118+/-604 102 counts per minute)."
    )
    assert rows(outcomes_nlp, text) == [], rows(outcomes_nlp, text)


# -- the word lists' missing forms: case series openers, wholes that are no subjects -----------


def test_a_paper_that_presents_its_cases_is_a_case_series(outcomes_nlp: Language) -> None:
    text = "This paper presents the clinical findings in three young girls with hearing loss."
    assert rows(outcomes_nlp, text) == [("enrollment", 3.0)], rows(outcomes_nlp, text)


def test_a_share_of_glomeruli_is_no_share_of_subjects(outcomes_nlp: Language) -> None:
    text = "Biopsy showed crescents in 45% of the glomeruli and interstitial stroke-like damage."
    assert rows(outcomes_nlp, text) == [], rows(outcomes_nlp, text)


def test_a_share_of_the_cases_a_kind_makes_up_is_no_rate(outcomes_nlp: Language) -> None:
    # (composition_before_re: cases are a whole, as things are)
    text = "Juvenile depression accounted for 9% of the cases."
    assert rows(outcomes_nlp, text) == [], rows(outcomes_nlp, text)


# -- a rebound is a withdrawal effect; "-free" in a subgroup's clause (outcome_cues) ----------


def test_a_rebound_is_an_adverse_event(outcomes_nlp: Language) -> None:
    text = "Rebound tachycardia was observed in four patients after the infusion was stopped."
    assert rows(outcomes_nlp, text) == [("adverse_event", 4.0)], rows(outcomes_nlp, text)


def test_free_in_a_relative_clause_is_no_remission(outcomes_nlp: Language) -> None:
    text = (
        "Levels were higher in patients who had stroke (6 patients) than in those who were "
        "seizure-free (19 patients)."
    )
    got = rows(outcomes_nlp, text)
    assert not [r for r in got if r[0] == "remission"], got


def test_a_modal_general_statement_gives_no_row(outcomes_nlp: Language) -> None:
    # (present_tense_verbs: modals and present verbs of what is generally so)
    text = "This drug can cause hearing loss in 12% of patients."
    assert rows(outcomes_nlp, text) == [], rows(outcomes_nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Three overlapping rat clones were identified.",
        "The mechanism was studied in two animal models of stroke.",
    ],
)
def test_things_a_subject_noun_names_are_no_subjects(outcomes_nlp: Language, text: str) -> None:
    # (_count_phrase: a count_blockers_after entry right after the subject noun)
    assert rows(outcomes_nlp, text) == [], rows(outcomes_nlp, text)


def test_a_total_who_had_an_event_is_the_event_count(outcomes_nlp: Language) -> None:
    # (_enrolled_by_context: a weak cue right after the count's own verb of having)
    text = "Thus, a total of 48 patients had stroke at day 30."
    assert rows(outcomes_nlp, text) == [("adverse_event", 48.0)], rows(outcomes_nlp, text)


def test_a_total_studied_stays_enrollment(outcomes_nlp: Language) -> None:
    # what stays: a total with no verb of having before its cue
    text = "A total of 48 patients with stroke were included."
    assert rows(outcomes_nlp, text) == [("enrollment", 48.0)], rows(outcomes_nlp, text)


def test_conversion_to_sinus_rhythm_is_a_response(outcomes_nlp: Language) -> None:
    text = "Intravenous flecainide converted atrial tachycardia to sinus rhythm in 7 of 9 dogs."
    assert rows(outcomes_nlp, text) == [("response", 7.0)], rows(outcomes_nlp, text)
