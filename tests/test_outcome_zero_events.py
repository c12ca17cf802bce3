"""A count of zero of an event ("No deaths occurred"): a row with value 0 and the event's
measure; not a zero that describes subjects counted elsewhere nor one of a comparison."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

COHORT = "Forty patients were treated with docetaxel. "


def zero_rows(nlp: Language, sentence: str) -> list[tuple[str, str, float]]:
    rows = run(nlp, COHORT + sentence, [("docetaxel", "DRUG", "MESH:D000077143")])._.outcomes
    return [(r["text"], r["measure"], r["value"]) for r in rows if r["value"] == 0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("No deaths occurred.", [("No deaths", "mortality", 0.0)]),
        ("There were no treatment-related deaths.",
         [("no treatment-related deaths", "mortality", 0.0)]),
        ("No relapse was observed during follow-up.", [("No relapse", "relapse", 0.0)]),
        ("There were no deaths due to toxicity, and no withdrawals because of adverse events.",
         [("no deaths", "mortality", 0.0), ("no withdrawals", "discontinuation", 0.0)]),
        # "none" and "no one" as a subject: a zero count with its cue right after it
        ("Of 40 women treated with docetaxel, no one developed side effects.",
         [("no one", "adverse_event", 0.0)]),
        ("Three patients had proteinuria; none developed renal insufficiency.",
         [("none", "adverse_event", 0.0)]),
        ("One patient had complete response, none had partial response and five had "
         "progressive disease.", [("none", "partial_response", 0.0)]),
        ("No one died during the study.", [("No one", "mortality", 0.0)]),
        ("None died.", [("None", "mortality", 0.0)]),
    ],
)
def test_a_zero_count_of_an_event_is_a_row(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[str, str, float]]
) -> None:
    assert zero_rows(outcomes_nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "There was no difference in deaths between the arms.",
        "There was no relapse-free survival benefit.",
        "No nausea or deaths were reported.",
        "Patients had no withdrawal symptoms.",
        "Sixty-nine percent of patients continued treatment and had no recurrence of symptoms.",
        "Of the 20 patients with no recurrence, 5 died.",
        "Survival in patients with no relapse was 80%.",
        # "none" with no cue right after it
        "Adverse events: none.",
        "Of the 40 patients, none were older than 70.",
        # "one" of a compound: no subject
        "There was no one-year survival advantage for docetaxel.",
    ],
)
def test_no_zero_count_where_none_is_counted(outcomes_nlp: Language, sentence: str) -> None:
    assert zero_rows(outcomes_nlp, sentence) == []
