"""A count of subjects right after another count and "in"/"among" is who that count was counted
among ("352 DFS events among 2,463 women receiving letrozole"): an arm's size (enrollment), not a
count of the outcome; and a second such pair after a list connector counts the same outcome
(`outcome_following_arms.counted_among_by_words`). Sentences written for the tests; hand-made
mentions, the outcomes component alone."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_found_in import rows


def test_counts_among_the_subjects_of_each_arm(outcomes_nlp: Language) -> None:
    got = rows(
        outcomes_nlp,
        "At a median follow-up of 51 months, we observed 352 DFS events among 2,463 women "
        "receiving letrozole and 418 events among 2,459 women receiving tamoxifen.",
    )
    assert got == [
        ("survival", 352.0, "letrozole"),
        ("enrollment", 2463.0, "letrozole"),
        ("survival", 418.0, "tamoxifen"),
        ("enrollment", 2459.0, "tamoxifen"),
    ]


def test_a_share_in_the_subjects_of_an_arm_takes_their_number(outcomes_nlp: Language) -> None:
    doc_rows = rows(
        outcomes_nlp,
        "Breast cancer was reported in 251 [7.0%] of women: 226 [6.3%] in 3575 women in the "
        "placebo group vs 163 [4.6%] in 3579 women in the tamoxifen group.",
    )
    assert ("enrollment", 3575.0, "placebo") in doc_rows
    assert ("enrollment", 3579.0, "tamoxifen") in doc_rows


@pytest.mark.parametrize(
    "text",
    [
        # a clause between the counts: the second is the event's count
        "Neutropenia grade 3 was seen in 15 patients, and seizures in 1 patient.",
        "One hepatocellular carcinoma developed in two rats fed the diet.",
        # a label's number before "in"
        "The breakpoints were in intron 7 in 18 cases and in intron 10 in 1 case.",
    ],
)
def test_a_count_after_a_clause_or_a_label_is_no_pool(outcomes_nlp: Language, text: str) -> None:
    assert "enrollment" not in {m for m, _, _ in rows(outcomes_nlp, text)}
