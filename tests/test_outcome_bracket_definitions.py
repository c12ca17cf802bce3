"""Brackets that define the cue before them ("The overall response rate [complete response (CR)
plus partial response (PR)] was 77%": a response, not the partial response named inside), a
bracketed list of labels and counts ("(noncompliance 14, death 1)": each count is the word's
right before it), and a time to treatment failure (no survival). Sentences of the kinds an
error analysis of rows on BC5CDR trial abstracts found them in (a myeloma phase I/II trial, an
HIV trial's exclusions, a metastatic breast cancer trial), rewritten for the tests;
hand-made mentions, the outcomes component alone (conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("cyclophosphamide", "DRUG", "MESH:D003520"),
    ("docetaxel", "DRUG", "MESH:D000077143"),
    ("paclitaxel", "DRUG", "MESH:D017239"),
    ("zidovudine", "DRUG", "MESH:D015215"),
    ("neutropenia", "DISEASE", "MESH:D009503"),
]


def rows(nlp: Language, text: str) -> list[tuple[str, float]]:
    return [(r["measure"], r["value"]) for r in run(nlp, text, MENTIONS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The overall response rate [complete response (CR) plus partial response (PR)] across "
         "all dose levels was 77%, with a 10% CR rate.",
         [("response", 77.0), ("complete_response", 10.0)]),
        ("The objective response rate (complete plus partial responses) was 40% with docetaxel "
         "and 25% with paclitaxel.", [("response", 40.0), ("response", 25.0)]),
        # a long definition: the cue before it is still in reach of the figures after it
        ("There was a higher overall toxicity rate (grades 3 and 4, according to the National "
         "Cancer Institute Common Toxicity Criteria [version 2.0]) with docetaxel than with "
         "paclitaxel (88.1% vs 55.9%).", [("adverse_event", 88.1), ("adverse_event", 55.9)]),
        # a bracket after no cue: what it names is the measure
        ("Adverse events (mainly neutropenia) occurred in 30% of patients.",
         [("adverse_event", 30.0)]),
    ],
)  # fmt: skip
def test_a_bracket_defines_the_cue_before_it(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Finally, 15 patients were excluded from the study (noncompliance 14, death 1); thus, "
         "60 patients were analysed.", [("mortality", 1.0), ("enrollment", 60.0)]),
        ("Reasons for exclusion were (refusal 3, death 2).", [("mortality", 2.0)]),
    ],
)  # fmt: skip
def test_a_bracketed_label_names_its_count(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Median time to treatment failure was 4.6 versus 4.4 months; and median survival, 19 "
         "versus 16 months.",
         [("other", 4.6), ("other", 4.4), ("survival", 19.0), ("survival", 16.0)]),
        ("Median TTF was 4.6 months and median overall survival 19 months.",
         [("other", 4.6), ("survival", 19.0)]),
    ],
)  # fmt: skip
def test_time_to_treatment_failure_is_no_survival(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the causes of the total's outcome: the parts count that outcome (helper R, session 33)
        ("Nine patients died (sepsis 5, bleeding 3, stroke 1).",
         [("mortality", 5.0), ("mortality", 3.0), ("mortality", 1.0)]),
        ("Six patients discontinued treatment (rash 4, nausea 2).",
         [("discontinuation", 4.0), ("discontinuation", 2.0)]),
        # parts of an adverse event's total stay events
        ("Grade 3 toxicity occurred in 13 patients (neutropenia 8, anemia 5).",
         [("adverse_event", 8.0), ("adverse_event", 5.0)]),
    ],
)  # fmt: skip
def test_causes_in_a_bracket_count_the_totals_outcome(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    causes = ("sepsis", "bleeding", "stroke", "rash", "nausea", "neutropenia", "anemia")
    mentions = [(w, "DISEASE", "MESH:D000000") for w in causes]
    got = [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, mentions)._.outcomes]
    assert got == expected
