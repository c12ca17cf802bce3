"""Counts right after a total of who was enrolled that add up to it, each with its treatment
("203 received pembrolizumab and 203 received chemotherapy", "264 taking the lozenge and 289
taking the gum"), are the arms' sizes (`outcome_treated_parts.treated_parts`); counts that do
not add up, or that split an event's count, are not. Sentences as pico-dev's and BC5CDR's
abstracts write them, rewritten for the tests; hand-made mentions, the outcomes component alone
(conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("pembrolizumab", "DRUG", "MESH:C582435"),
    ("sertraline", "DRUG", "MESH:D020280"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("GM-CSF", "DRUG", "MESH:D016178"),
]

Row = tuple[str, float, str | None, int | None]


def rows(nlp: Language, text: str) -> list[Row]:
    return [(r["measure"], r["value"], r["arm"], r["group_size"])
            for r in run(nlp, text, MENTIONS)._.outcomes]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Of the 406 patients, 203 received pembrolizumab and 203 received chemotherapy.",
         [("enrollment", 203.0, "pembrolizumab", 203), ("enrollment", 203.0, "chemotherapy", 203)]),
        # (names that are no drug: arms where the document allocates to them)
        ("Patients were randomized to AE37 + GM-CSF versus GM-CSF alone. The trial enrolled 298 "
         "patients; 153 received AE37 + GM-CSF and 145 received GM-CSF alone.",
         [("enrollment", 298.0, None, None), ("enrollment", 153.0, "AE37 + GM-CSF", 153),
          ("enrollment", 145.0, "GM-CSF alone", 145)]),
        ("Smokers were randomly assigned to the lozenge or the gum. Five hundred fifty-three "
         "patients were enrolled, 264 taking the lozenge and 289 taking the gum.",
         [("enrollment", 553.0, None, None), ("enrollment", 264.0, "lozenge", 264),
          ("enrollment", 289.0, "gum", 289)]),
    ],
)  # fmt: skip
def test_parts_of_the_enrolled_with_their_treatment_are_arm_sizes(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # parts that do not add up to the total
        "Of the 406 patients, 30 received transfusions and 12 received antibiotics.",
        # parts of an event's count
        "Three subjects (2 on sertraline and 1 on placebo) withdrew from the study.",
        # names that are no arms, and a subgroup's pool
        "Of 60 patients, 20 received rescue medication and 40 received none.",
        "Of the 40 patients who relapsed, 25 received salvage chemotherapy and 15 received best "
        "supportive care.",
    ],
)
def test_other_parts_are_no_arm_sizes(outcomes_nlp: Language, text: str) -> None:
    # (no enrollment row of an arm: the parts are no arms' sizes)
    assert [r for r in rows(outcomes_nlp, text) if r[0] == "enrollment" and r[2] is not None] == []


def measures(nlp: Language, text: str, mentions: list[tuple[str, str, str]]) -> list[
    tuple[str, float]
]:
    return [(r["measure"], r["value"]) for r in run(nlp, text, mentions)._.outcomes]


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        # the counts of a bracket after an enrolled total that add up to it are its groups'
        # sizes, whatever cue a label is (a tagger's DISEASE mention)
        ("Ninety patients were included (40 OVS and 50 control).", [("OVS", "DISEASE", "D1")],
         [("enrollment", 90.0), ("enrollment", 40.0), ("enrollment", 50.0)]),
        ("In all, 300 (152 ovarian suppression, 148 no ovarian suppression) women were "
         "randomly assigned.", [("ovarian suppression", "DISEASE", "D2")],
         [("enrollment", 300.0), ("enrollment", 152.0), ("enrollment", 148.0)]),
        # ... and a part that gave no row gives one when its label names an arm
        ("A total of 116 women were included in the analysis (58 control and 58 yoga).", [],
         [("enrollment", 116.0), ("enrollment", 58.0), ("enrollment", 58.0)]),
        # ... past a range of ages before the bracket
        ("Data were analysed for 300 women aged 40-65 (152 in the exercise arm and 148 in the "
         "control arm).", [],
         [("enrollment", 300.0), ("enrollment", 152.0), ("enrollment", 148.0)]),
        # ... also after a colon
        ("We randomized 90 women: 46 had yoga and 44 had no intervention.", [],
         [("enrollment", 90.0), ("enrollment", 46.0), ("enrollment", 44.0)]),
        # a split by a trait gives no rows, and an outcome's count keeps its measure
        ("We treated 40 patients (25 low renin, 15 normal renin) with the drug.", [],
         [("enrollment", 40.0)]),
        ("A total of 120 patients were enrolled: 60 responded and 60 were controls.", [],
         [("enrollment", 120.0), ("response", 60.0), ("enrollment", 60.0)]),
    ],
)  # fmt: skip
def test_the_parts_of_an_enrolled_total_are_its_groups_sizes(
    outcomes_nlp: Language, text: str, mentions: list[tuple[str, str, str]],
    expected: list[tuple[str, float]],
) -> None:  # fmt: skip
    assert measures(outcomes_nlp, text, mentions) == expected


def test_an_enrolled_part_after_a_colon_names_the_treatment_not_its_verb(
    outcomes_nlp: Language,
) -> None:
    # (the arm was "received sertraline": the label after the count began at its link verb)
    text = ("Of 410 women enrolled, 398 were evaluable: 201 received sertraline, and 197 "
            "received tamoxifen.")
    assert [r for r in rows(outcomes_nlp, text) if r[2] is not None] == [
        ("enrollment", 201.0, "sertraline", 201), ("enrollment", 197.0, "tamoxifen", 197)
    ]
