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
        ("The trial enrolled 298 patients; 153 received AE37 + GM-CSF and 145 received GM-CSF "
         "alone.",
         [("enrollment", 298.0, None, None), ("enrollment", 153.0, "AE37 + GM-CSF", 153),
          ("enrollment", 145.0, "GM-CSF alone", 145)]),
        ("Five hundred fifty-three patients were enrolled, 264 taking the lozenge and 289 "
         "taking the gum.",
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
    ],
)
def test_other_parts_are_no_arm_sizes(outcomes_nlp: Language, text: str) -> None:
    assert [r for r in rows(outcomes_nlp, text) if r[0] == "enrollment" and r[3]] == []
