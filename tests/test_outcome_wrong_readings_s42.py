"""Readings of outcome figures found wrong on text no rule was tuned on (session 42): a volume's
strength read as a share of subjects, a combination product's strengths read as a fraction of
subjects, a survey's respondents read as a treatment response, background statements, baseline
lists and samples read as results, pharmacokinetic changes read as improvements.
Each sentence is written for these tests (not copied from a corpus); each case fails without
the rule named above its test, but the cases marked as what stays, which guard the rule
against taking a result."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

Row = tuple[str, float]

MENTIONS = [
    ("homatropine", "DRUG", "MESH:D006702"),
    ("phenylephrine", "DRUG", "MESH:D010656"),
    ("cyclopentolate", "DRUG", "MESH:D003511"),
    ("carbidopa-levodopa", "DRUG", "MESH:C009906"),
    ("nausea", "DISEASE", "MESH:D009325"),
    ("dyskinesia", "DISEASE", "MESH:D004409"),
    ("hyperkalemia", "DISEASE", "MESH:D006947"),
    ("seizures", "DISEASE", "MESH:D012640"),
    ("rash", "DISEASE", "MESH:D005076"),
    ("tumour", "DISEASE", "MESH:D009369"),
]


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, value) of each row."""
    return [(r["measure"], r["value"]) for r in run(nlp, text, MENTIONS)._.outcomes]


# -- a percentage after a volume in its bracket is a strength (strength_volume_units) --------


@pytest.mark.parametrize(
    "text",
    [
        "In the second session, homatropine (20 microL, 0.5%) was applied to both eyes, followed "
        "later by phenylephrine (20 microL, 2.5%) in one eye and saline in the other.",
        "Each child then received cyclopentolate (0.1 ml; 1%) in one eye, followed by "
        "phenylephrine (0.1 ml; 2.5%) in the other eye.",
        "Cyclopentolate (2 drops, 1%) was given in one eye, followed by phenylephrine (2 drops, "
        "2.5%) in the other.",
    ],
)
def test_a_volume_strength_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


def test_a_share_after_a_volume_outside_a_bracket_stays(outcomes_nlp: Language) -> None:
    # what stays: a result that a dose given in the same sentence precedes
    text = "After 20 ml of saline, 35% of the patients had nausea."
    assert ("adverse_event", 35.0) in rows(outcomes_nlp, text)


# -- a fraction before a dose form is a combination's strengths (count_blockers_after) ---------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Patients took one 25/250 tablet of carbidopa-levodopa three times daily; nausea "
            "occurred in 12 patients.",
            [("adverse_event", 12.0)],
        ),
        (
            "Patients started on the 10/100 formulation of carbidopa-levodopa; dyskinesia "
            "developed in 8 patients.",
            [("adverse_event", 8.0)],
        ),
        (
            "Adults took one 5/325 tablet every 6 hours; nausea occurred in 10 patients.",
            [("adverse_event", 10.0)],
        ),
    ],
)
def test_a_strength_fraction_gives_no_row(outcomes_nlp: Language, text: str,
                                          expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == expected


def test_a_fraction_of_subjects_stays(outcomes_nlp: Language) -> None:
    # what stays: a share of subjects who took the tablets
    text = "Nausea occurred in 12/40 patients who took two tablets daily."
    assert rows(outcomes_nlp, text) == [("adverse_event", 12.0)]


# -- who answered a survey responded to it, not to a treatment (outcome_cues) ------------------


@pytest.mark.parametrize(
    "text",
    [
        "Surgeons at 12 hospitals responded, reporting 1,530 operations done on 1,210 patients "
        "between 1990 and 1995.",
        "Of 200 physicians surveyed, 120 responded.",
        "Of the 85 centres contacted, 61 (72%) responded.",
        "Dermatologists at 9 clinics responded and described 340 patients.",
    ],
)
def test_survey_respondents_are_no_response(outcomes_nlp: Language, text: str) -> None:
    assert not [r for r in rows(outcomes_nlp, text) if r[0] == "response"], rows(
        outcomes_nlp, text
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fifty patients responded to treatment.", ("response", 50.0)),
        ("Of 40 patients treated, 22 (55%) responded.", ("response", 55.0)),
    ],
)
def test_patients_who_responded_stay(outcomes_nlp: Language, text: str, expected: Row) -> None:
    # what stays: subjects who responded to the treatment
    assert expected in rows(outcomes_nlp, text)


# -- a receptor status right before "in" names who was studied (trait_before_re) -------------


@pytest.mark.parametrize(
    "text",
    [
        "Tumors were ER-positive in 60% and HER2-positive in 22% of patients.",
        "Disease was hormone receptor-negative in 35% of the women.",
    ],
)
def test_a_receptor_status_share_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


def test_a_rate_in_a_receptor_subgroup_stays(outcomes_nlp: Language) -> None:
    # what stays: a result whose subgroup the status names after the figure
    text = "The pCR rate was 40% in HER2-positive tumors."
    assert rows(outcomes_nlp, text) == [("complete_response", 40.0)]


# -- a survey's response rate is how many answered, no treatment response (outcome_cues) ------


@pytest.mark.parametrize(
    "text",
    [
        "The questionnaire response rate was 82% at 6 months.",
        "The survey response rate was 64% in the intervention arm and 60% in the control arm.",
        "Postal response rates were 71% and 68%.",
    ],
)
def test_a_survey_response_rate_is_no_response(outcomes_nlp: Language, text: str) -> None:
    got = rows(outcomes_nlp, text)
    assert got and all(m == "other" for m, _ in got), got


# -- "Response was assessed in 180 of the 200 patients": who was assessed (outcome_measures) --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Response was assessed in 180 of the 200 patients.", [("enrollment", 180.0)]),
        ("Toxicity was evaluable in 95 of 100 patients.", [("enrollment", 95.0)]),
    ],
)
def test_who_was_assessed_of_all_is_enrollment(outcomes_nlp: Language, text: str,
                                               expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == expected


def test_a_share_who_responded_stays(outcomes_nlp: Language) -> None:
    # what stays: subjects in whom the outcome was seen
    text = "Response was seen in 18 of the 40 patients."
    assert rows(outcomes_nlp, text) == [("response", 18.0)]


# -- a word in -ed that opens a noun phrase is no past-tense verb (ScopeRules.general_statement)


@pytest.mark.parametrize(
    "text",
    [
        "In 40% of treated patients, rash develops within a week.",
        "Approximately 70% of patients with advanced breast cancer develop bone metastases.",
        "Seizures develop in up to 5% of women with advanced disease.",
        "Approximately 15% of unselected breast cancers are triple negative.",
        "Dyskinesia recurs in 30% of patients with untreated disease.",
    ],
)
def test_general_statements_with_adjectives_give_no_rows(outcomes_nlp: Language,
                                                         text: str) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what stays: a past-tense verb after the subjects
        ("Rash developed in 40% of treated patients.", ("adverse_event", 40.0)),
        # what stays: an estimate with its confidence interval, even in the present tense
        (
            "The estimated attributable risk of seizures from exposure to the drug is 8.4% (95% "
            "confidence interval, -2.0% to 18.8%; P = 0.12).",
            ("adverse_event", 8.4),
        ),
    ],
)
def test_results_and_estimates_stay(outcomes_nlp: Language, text: str, expected: Row) -> None:
    assert expected in rows(outcomes_nlp, text)


# -- the subjects samples came from are no result (ConductRules.conduct_figures) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Tumour samples from 312 of the 420 patients (74%) were available for central review.",
        "Tumour blocks were collected from 250 (60%) of the 420 patients.",
    ],
)
def test_sampled_subjects_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


def test_events_beside_samples_stay(outcomes_nlp: Language) -> None:
    # what stays: an event rate in a sentence that names samples elsewhere
    text = "Nausea occurred in 40% of patients, and samples were stored for later analysis."
    assert rows(outcomes_nlp, text) == [("adverse_event", 40.0)]


# -- baseline lists: TNM stages, prior treatment, sites of metastases (trait_before_re, cues) --


@pytest.mark.parametrize(
    "text",
    [
        "Patients had T1 (35%), T2 (50%) or T3 (15%) tumours.",
        "Prior therapy included anthracyclines (75%), taxanes (40%) and trastuzumab (20%).",
        "The sites of metastases were bone (55%), liver (30%) and lung (25%).",
    ],
)
def test_baseline_lists_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what stays: a result in the subgroup prior treatment names
        ("Response was seen in 40% of patients with prior taxane therapy.", ("response", 40.0)),
        # what stays: new sites of disease are progression
        (
            "Progression with new sites of disease occurred in 12 patients (20%).",
            ("progression", 20.0),
        ),
    ],
)
def test_subgroups_and_new_sites_stay(outcomes_nlp: Language, text: str,
                                      expected: Row) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == [expected]


# -- a time between a rate and "in N patients" leaves N who the rate was measured in ----------


def test_a_rate_base_past_a_time_is_enrollment(outcomes_nlp: Language) -> None:
    text = (
        "This double-blind study examined the incidence of nausea in the first 24 h after "
        "anaesthesia in 216 adult day surgery patients."
    )
    assert rows(outcomes_nlp, text) == [("enrollment", 216.0)]


# -- a performance status's value is a baseline trait (outcome_cues) ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ECOG performance status was 0 in 60% and 1 in 40% of patients.",
        "Patients had ECOG 0 (55%), 1 (40%) or 2 (5%).",
    ],
)
def test_performance_status_values_give_no_rows(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what stays: the status that changed, and a result in its subgroup
        ("Performance status improved in 30% of patients.", ("improvement", 30.0)),
        ("Nausea occurred in 20% of patients with PS 2.", ("adverse_event", 20.0)),
    ],
)
def test_performance_status_results_stay(outcomes_nlp: Language, text: str,
                                         expected: Row) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == [expected]


# -- a drug's pharmacokinetic change is no improvement (outcome_cues) -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Propranolol caused decreases of 40% and 35% of lidocaine clearance and volume of "
        "distribution, respectively, and an increase of 90% of its AUC.",
        "Cimetidine decreased its clearance by 30% and increased the AUC by 45%.",
    ],
)
def test_pharmacokinetic_changes_are_no_improvement(outcomes_nlp: Language, text: str) -> None:
    got = rows(outcomes_nlp, text)
    assert got and all(m == "other" for m, _ in got), got


def test_clearing_of_lesions_stays_an_improvement(outcomes_nlp: Language) -> None:
    # what stays: lesions cleared
    text = "Lesion clearance was seen in 60% of patients."
    assert rows(outcomes_nlp, text) == [("improvement", 60.0)]
