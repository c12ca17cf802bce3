"""Figures of studies that are no trial (genetics, laboratory and animal work, case series) that
are not outcome figures, found on BC5CDR and NCBI-disease train abstracts: each sentence (written
for these tests, not copied from a corpus) with the rows it gives. Each case fails without the
rule named above its test, but the cases of what stays (the tests named so, and the cases marked
in a comment), which guard the rule against taking a result."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

Row = tuple[str, str, float]

DISEASES = [
    ("deafness", "DISEASE", "MESH:D003638"),
    ("polyposis", "DISEASE", "MESH:D011125"),
    ("ataxia", "DISEASE", "MESH:D001259"),
    ("cardiomyopathy", "DISEASE", "MESH:D009202"),
    ("nephropathy", "DISEASE", "MESH:D007674"),
    ("nausea", "DISEASE", "MESH:D009325"),
]


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, unit, value) of each row."""
    return [(r["measure"], r["unit"], r["value"]) for r in run(nlp, text, DISEASES)._.outcomes]


# -- counts of families, kindreds and genetic objects are no subjects (count_blockers_after) ----


@pytest.mark.parametrize(
    "text",
    [
        # (a word in -ed after the count is read past as a modifier, not taken for a verb)
        "We screened 12 unrelated polyposis families for germline mutations.",
        "Three families had deafness and two families had ataxia.",
        "The remaining five polyposis families were screened for point mutations.",
        "Four deafness pedigrees carried the mutation.",
        "We describe seven new mutations and one recurrent deletion in deafness.",
        "The six recurrent mutations were found in 61 families with polyposis.",
        "We found 14 different germline polyposis mutations.",
        "Two overlapping cardiomyopathy clones were isolated.",
    ],
)
def test_families_and_genetic_objects_are_no_subjects(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the subjects of such a study are still counted
        (
            "Deafness was found in 7 of 20 patients from four families.",
            [("adverse_event", "count", 7.0)],
        ),
        ("Nausea occurred in 12 patients given the drug.", [("adverse_event", "count", 12.0)]),
        ("Three patients later developed deafness.", [("adverse_event", "count", 3.0)]),
    ],
)
def test_subjects_beside_families_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a percentage over 100 is no share of subjects (outcome_candidates._bare_pct) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Serum creatinine rose in treated rats with nephropathy (180% and 210%, respectively).",
        "Extracellular glutamate was elevated (192%) in mice with ataxia.",
    ],
)
def test_percentage_over_a_whole_is_no_share(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a change of more than 100% stays a relative change
        (
            "Drug A increased the rate of nausea by 150% compared with placebo.",
            [("adverse_event", "relative_change", 150.0)],
        ),
        (
            "Nephropathy occurred in 100% of the treated rats.",
            [("adverse_event", "percent", 100.0)],
        ),
    ],
)
def test_changes_and_whole_shares_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a confidence limit's abbreviation, also mistyped with a lower-case l, makes a level -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Relapse occurred in 20% of women (95% CL 12-28%).", [("relapse", 20.0, 12.0, 28.0)]),
        ("Nausea was reported in 30% (95% Cl: 21-40%).", [("adverse_event", 30.0, 21.0, 40.0)]),
    ],
)
def test_confidence_limit_abbreviations(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float, float, float]]
) -> None:
    doc = run(outcomes_nlp, text, DISEASES)
    got = [(r["measure"], r["value"], r["ci_low"], r["ci_high"]) for r in doc._.outcomes]
    assert got == expected


# -- a strength adjective between a percentage and its drug (strength_adjectives) -------------

STRENGTH_MENTIONS = [
    ("bupivacaine", "DRUG", "MESH:D002045"),
    ("lidocaine", "DRUG", "MESH:D008012"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("nausea", "DISEASE", "MESH:D009325"),
    ("hypotension", "DISEASE", "MESH:D007022"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Spinal anaesthesia with 0.5% plain bupivacaine was followed by nausea in 12%.",
            [("adverse_event", "percent", 12.0)],
        ),
        (
            "Patients received 3 ml of 1% hyperbaric lidocaine; hypotension occurred in 20%.",
            [("adverse_event", "percent", 20.0)],
        ),
        # a verb between a share and a drug: the share stays
        (
            "Of the women, 12% stopped tamoxifen early because of nausea.",
            [("discontinuation", "percent", 12.0)],
        ),
    ],
)
def test_strength_before_an_adjective_and_its_drug(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    doc = run(outcomes_nlp, text, STRENGTH_MENTIONS)
    assert [(r["measure"], r["unit"], r["value"]) for r in doc._.outcomes] == expected


# -- who was studied, named with a stage phrase, is no adverse event (disease_stage_words) ------


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        (
            "Twelve patients with stage III or IV melanoma were treated after resection.",
            [("melanoma", "DISEASE", "MESH:D008545")],
            [("enrollment", "count", 12.0)],
        ),
        (
            "Eight women with stage II or III breast cancer were treated with letrozole.",
            [("breast cancer", "DISEASE", "MESH:D001943")],
            [("enrollment", "count", 8.0)],
        ),
    ],
)
def test_who_was_studied_is_no_event(
    outcomes_nlp: Language, text: str, mentions: list[tuple[str, str, str]], expected: list[Row]
) -> None:
    doc = run(outcomes_nlp, text, mentions)
    assert [(r["measure"], r["unit"], r["value"]) for r in doc._.outcomes] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an event after a stage phrase is still an event (not "required a dose reduction",
        # a figure of how the treatment was given: `test_outcome_status_cues`)
        (
            "Twelve patients with grade 3 or 4 nausea required antiemetics.",
            [("adverse_event", "count", 12.0)],
        ),
    ],
)
def test_events_beside_who_was_studied_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a share of cells, time or activity is no share of subjects (non_subject_wholes) ------------


@pytest.mark.parametrize(
    "text",
    [
        "Treated rats with nephropathy were active 20% of the time, controls 45% of the time.",
        "Ataxia developed in the mice, and 30% of their Purkinje cells were lost.",
        "Deafness developed in all mice; their hair cells kept 15% of wild-type activity.",
    ],
)
def test_share_of_a_whole_that_is_no_subjects(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Nausea occurred in 20% of the patients.",
        # (a word that only starts with such a whole)
        "Nausea occurred in 20% of the time-restricted eating group.",
    ],
)
def test_share_of_subjects_stays(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == [("adverse_event", "percent", 20.0)]


# -- a strain's number is no count of animals (count_blockers_before) ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nephropathy developed in Fischer 344 rats given the drug for a year.", []),
        (
            "Nephropathy developed in 12 of 20 Fischer 344 rats given the drug.",
            [("adverse_event", "count", 12.0)],
        ),
    ],
)
def test_strain_number_is_no_count(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a percentage after a cue of earlier work is the earlier work's (background_cues) ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In a previous trial, complete response was seen in 25%.", []),
        ("Historically, relapse occurred in 40%.", []),
        (
            "Earlier trials reported nausea in 30%; in our trial nausea occurred in 12%.",
            [("adverse_event", "percent", 12.0)],
        ),
        # (a comparison with earlier work reports the trial's own figure)
        ("Unlike earlier trials, we saw relapse in 15%.", [("relapse", "percent", 15.0)]),
    ],
)
def test_earlier_work(outcomes_nlp: Language, text: str, expected: list[Row]) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- healthy subjects are who was studied (healthy_words; OutcomeExtractor's enrollment by form) --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pain was induced in 11 healthy volunteers by capsaicin injection.",
         [("enrollment", "count", 11.0)]),
        ("We tested the eye drops for ataxia in 20 normal volunteers.",
         [("enrollment", "count", 20.0)]),
        # a share of them, or none of them, still counts an outcome
        ("Nausea occurred in 3 of 12 healthy volunteers.", [("adverse_event", "count", 3.0)]),
        ("None of the 12 healthy volunteers had nausea.", [("adverse_event", "count", 0.0)]),
    ],
)
def test_healthy_subjects_were_studied(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    doc = run(outcomes_nlp, text, [*DISEASES, ("Pain", "DISEASE", "MESH:D010146")])
    assert [(r["measure"], r["unit"], r["value"]) for r in doc._.outcomes] == expected
