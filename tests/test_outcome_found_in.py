"""A count whom something was found in ("Nausea occurred in 12 patients assigned to
letrozole") is that event's count, and the participle after it names its arm, not an
enrollment (`outcome_enrolled.found_in`, `found_in_verbs`); a drug after an allocation word
names the count's arm unless the allocation goes on to another arm ("randomly assigned to
tamoxifen or placebo": the cohort). Sentences written for the tests; hand-made mentions, the
outcomes component alone (conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("enalapril", "DRUG", "MESH:D004656"),
    ("exemestane", "DRUG", "MESH:C056516"),
    ("nausea", "DISEASE", "MESH:D009325"),
    ("aneurysms", "DISEASE", "MESH:D002532"),
]


def rows(nlp: Language, text: str) -> list[tuple[str, float, str | None]]:
    return [(r["measure"], r["value"], r["arm"]) for r in run(nlp, text, MENTIONS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nausea occurred in 12 patients assigned to letrozole and in 8 patients assigned to "
         "placebo.",
         [("adverse_event", 12.0, "letrozole"), ("adverse_event", 8.0, "placebo")]),
        ("Intracranial aneurysms were present in 17 of 32 patients studied at autopsy.",
         [("adverse_event", 17.0, None)]),
    ],
)  # fmt: skip
def test_a_count_something_was_found_in_is_no_enrollment(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float, str | None]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # who a study was done in, and a frame opening the clause: enrollment
        ("The incidence of VTE was studied in 5408 women randomly assigned to tamoxifen 20 mg/d "
         "or placebo for 5 years.", [("enrollment", 5408.0, None)]),
        ("Exemestane lowered the incidence by 65% among 4,560 women randomly assigned to "
         "exemestane (25 mg per day) compared with placebo.", [("enrollment", 4560.0, None)]),
        # each count after its own allocation: its arm
        ("There were 3379 patients randomly assigned to enalapril with a median follow-up of 974 "
         "days and 3379 patients randomly assigned to placebo.",
         [("enrollment", 3379.0, "enalapril"), ("enrollment", 3379.0, "placebo")]),
    ],
)  # fmt: skip
def test_counts_of_the_allocated_stay_enrollment(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float, str | None]]
) -> None:
    assert [r for r in rows(outcomes_nlp, text) if r[0] == "enrollment"] == expected
