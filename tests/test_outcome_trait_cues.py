"""Genetic traits of who was studied are no outcome (`not_outcome` cues in
rules/outcome_cues.jsonl): a variant's share of the women is who they are, not what the
treatment did. Sentences written for the tests; the outcomes component runs alone
(conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language


@pytest.mark.parametrize(
    "text",
    [
        "The ESR1 variant G/G, represented in 31% of women, was associated with a reduced "
        "incidence of hot flashes.",
        "The ESR1 variant G/G, found in 31% of women, was associated with fewer adverse events.",
    ],
)
def test_a_variants_share_of_the_subjects_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert [r["value"] for r in outcomes_nlp(text)._.outcomes] == []


def test_an_adverse_event_rate_beside_no_variant_stays(outcomes_nlp: Language) -> None:
    doc = outcomes_nlp("Adverse events were found in 31% of women, more often with letrozole.")
    assert [(r["measure"], r["value"]) for r in doc._.outcomes] == [("adverse_event", 31.0)]
