"""Bare counts under a header that opens the sentence ("Deaths: 3 vs 5") take the header's cue;
the second count of a direct pair ("3 vs 5") counts what the first does; counts whose arms stand
each in a bracket of its own ("3 (pembrolizumab) and 5 (placebo)", "3 deaths (pembrolizumab)
and 5 deaths (placebo)") take those arms (`outcome_grammar._bare_count`'s `cue_before_ok`,
`outcome_unclaimed._listed_after`, `outcome_label_arms.label_after`). Sentences written for the
tests, as trial summaries and lay pages print them; hand-made mentions, the outcomes component
alone (conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("pembrolizumab", "DRUG", "MESH:C582435"),
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("neutropenia", "DISEASE", "MESH:D009503"),
    ("cardiac arrest", "DISEASE", "MESH:D006323"),
]


def rows(nlp: Language, text: str) -> list[tuple[str, float, str | None]]:
    return [(r["measure"], r["value"], r["arm"]) for r in run(nlp, text, MENTIONS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deaths: 3 vs 5.", [("mortality", 3.0, None), ("mortality", 5.0, None)]),
        ("Deaths: 3 (pembrolizumab) and 5 (placebo).",
         [("mortality", 3.0, "pembrolizumab"), ("mortality", 5.0, "placebo")]),
        ("Deaths: 3 with pembrolizumab and 5 with placebo.",
         [("mortality", 3.0, "pembrolizumab"), ("mortality", 5.0, "placebo")]),
        ("Grade 3 or 4 neutropenia: 12 vs 4.",
         [("adverse_event", 12.0, None), ("adverse_event", 4.0, None)]),
        ("There were 3 deaths (pembrolizumab) and 5 deaths (placebo).",
         [("mortality", 3.0, "pembrolizumab"), ("mortality", 5.0, "placebo")]),
    ],
)  # fmt: skip
def test_counts_under_a_header_and_in_bracketed_arms(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float, str | None]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a clause's colon, not a header's: the count breaks the cases down
        "Here we report two adult patients with epilepsy who died suddenly: one as consequence "
        "of cardiac arrest, the other of acute bronchopneumonia.",
        "Five cases of decreased left ventricular ejection fraction occurred after "
        "chemotherapy: three after adjuvant chemotherapy, and two after chemotherapy for "
        "relapse.",
    ],
)
def test_a_count_after_a_later_colon_takes_no_cue_before_it(
    outcomes_nlp: Language, text: str
) -> None:
    assert [r for r in rows(outcomes_nlp, text) if r[1] in (1.0, 3.0)] == []


def test_counts_with_brackets_that_name_no_arm_take_no_arm(outcomes_nlp: Language) -> None:
    # "(grade 3)": a bracket that is no arm's name gives the pair no arms
    assert rows(outcomes_nlp, "Neutropenia: 12 (grade 3) and 5 (grade 4).") == [
        ("adverse_event", 12.0, None)
    ]
