"""Counts of subjects written as an "(n = N)" after each event, reason or cause of a list that an
event cue opens are that event's counts, not who was enrolled (`outcome_breakdowns.py`). Each
sentence was written for these tests; each case of the first test fails without the rule, the
second test's cases are the arms' and groups' sizes it must leave alone."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run


def measures(
    nlp: Language, text: str, mentions: tuple[tuple[str, str, str], ...] = ()
) -> list[tuple[str, float]]:
    return [(r["measure"], r["value"]) for r in run(nlp, text, mentions)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Grade 3 toxicities included febrile neutropenia (n = 7), mucositis (n = 4) and "
            "diarrhoea (n = 2).",
            [("adverse_event", 7.0), ("adverse_event", 4.0), ("adverse_event", 2.0)],
        ),
        (
            "Capecitabine was stopped because of hand-foot syndrome (n = 5), fatigue (n = 3) or "
            "patient preference (n = 1).",
            [("discontinuation", 5.0), ("discontinuation", 3.0), ("discontinuation", 1.0)],
        ),
        (
            "The causes of death were sepsis (SEP; n = 6) and cerebral haemorrhage (n = 2).",
            [("mortality", 6.0), ("mortality", 2.0)],
        ),
    ],
)
def test_counts_of_each_event_take_the_event(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert measures(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # arms' sizes: an arm label, an allocation word, a drug ending the name
        "Women with recurrent disease were randomly assigned to surgery alone (group A, n = 30) "
        "or surgery and radiotherapy (group B, n = 31).",
        "Deaths were counted in two arms: exemestane (n = 120) and anastrozole (n = 118).",
        # a name that ends with who was studied
        "Toxicity was recorded in younger women (n = 40) and older women (n = 35).",
    ],
)
def test_sizes_of_arms_or_groups_stay_enrollment(outcomes_nlp: Language, text: str) -> None:
    drugs = (("exemestane", "DRUG", "D1"), ("anastrozole", "DRUG", "D2"))
    got = measures(outcomes_nlp, text, drugs)
    assert got and {m for m, _ in got} == {"enrollment"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the entry after "and" or "or" is the list's last: a clause after it is no entry
        ("Deaths were due to sepsis (n = 4) and bleeding (n = 2), and the per-protocol set "
         "(n = 110) gave the same results.",
         [("mortality", 4.0), ("mortality", 2.0), ("enrollment", 110.0)]),
        # a name with an auxiliary is a clause of its own
        ("Toxicities included rash (n = 4), fatigue (n = 2); survival was analysed in the "
         "intention-to-treat set (n = 120).",
         [("adverse_event", 4.0), ("adverse_event", 2.0), ("enrollment", 120.0)]),
    ],
)  # fmt: skip
def test_a_list_ends_at_its_last_entry(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert measures(outcomes_nlp, text) == expected
