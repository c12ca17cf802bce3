"""Counts whose predicate is a genotype give no row (`EnrollmentScope.genotype_traits`), for
every word of the genotype lists: the substring gate before the regex (which leaves out a word
that holds another gate word, "alleles" holding "allele") must let each of them through."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.paths import rule_file

LISTS = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))[
    "enrollment_scope"
]


def measures(nlp: Language, text: str) -> list[str]:
    return [r["measure"] for r in run(nlp, text, [])._.outcomes]


def test_a_result_of_the_same_form_stays(outcomes_nlp: Language) -> None:
    assert measures(outcomes_nlp, "In all, 40 women (25%) relapsed after surgery.") != []


@pytest.mark.parametrize("noun", sorted(LISTS["genotype_nouns"]))
def test_a_possessed_genotype_is_who_was_studied(outcomes_nlp: Language, noun: str) -> None:
    # ("40 (25%) carried two copies": a trait of who was studied, no relapse; without the
    # genotype reading "copies" gave a relapse row)
    text = f"Among the 160 women with relapse, 40 (25%) carried two {noun} of the variant."
    assert measures(outcomes_nlp, text) == []


@pytest.mark.parametrize("state", sorted(LISTS["genotype_states"]))
def test_a_genotype_state_is_who_was_studied(outcomes_nlp: Language, state: str) -> None:
    assert measures(outcomes_nlp, f"In all, 40 women (25%) were {state} for the variant.") == []
