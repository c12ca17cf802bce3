"""Figures of a tumour's status that are no response ("26 (52%) had no change", "disease
stabilized in six patients", "one minor response"), of how a treatment was given that are no
discontinuation ("a reduction in the dose of amiodarone in 41%", "Dose reductions were required
in 25%"), a trait that is no response ("chemotherapy-responsive"), and "affected" as the verb of
an event's share, and a treatment's or procedure's success as a response, no event of the
disease its definition names (`outcome_cues.jsonl`). ("in response to desmopressin", a test's
stimulus, still reads as a response: a cue's words cannot tell it from "remission in response
to imatinib" or "tumour shrinkage in response to imatinib".) Sentences from the kinds of
abstracts an error analysis of rows on BC5CDR found them in (phase II oncology trials, drug
safety series), rewritten for the tests; hand-made mentions, the outcomes component alone
(conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("paclitaxel", "DRUG", "MESH:D017239"),
    ("amiodarone", "DRUG", "MESH:D000638"),
    ("docetaxel", "DRUG", "MESH:D000077143"),
    ("desmopressin", "DRUG", "MESH:D003894"),
    ("lithium", "DRUG", "MESH:D008094"),
    ("breast cancer", "DISEASE", "MESH:D001943"),
]


def rows(nlp: Language, text: str) -> list[tuple[str, float]]:
    return [(r["measure"], r["value"]) for r in run(nlp, text, MENTIONS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Of 50 patients evaluable for response, 12 (24%) had partial remission, 26 (52%) had no "
         "change, and 12 had disease progression (24%).",
         [("enrollment", 50.0), ("remission", 24.0), ("other", 52.0), ("progression", 12.0),
          ("progression", 24.0)]),
        ("Of 14 patients evaluable, eight (57%) showed objective response and disease stabilized "
         "in six patients.", [("enrollment", 14.0), ("response", 57.0), ("other", 6.0)]),
        ("Stable disease was observed in 30% of patients and a minor response in 5%.",
         [("other", 30.0), ("other", 5.0)]),
        ("Adverse effects forced a reduction in the dose of amiodarone in 41% and discontinuation "
         "of amiodarone in 10% of patients.", [("other", 41.0), ("discontinuation", 10.0)]),
        ("Dose reductions were required in 25% of patients receiving docetaxel.",
         [("other", 25.0)]),
        # "with no change": a trait of who did something else
        ("Twelve patients (40%) with no change in pain scores withdrew.",
         [("discontinuation", 40.0)]),
    ],
)  # fmt: skip
def test_status_and_dosing_figures_are_no_response_nor_discontinuation(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a trait of who was studied: who was studied
        ("Analysis was performed on 61 women with hormone-responsive breast cancer.",
         [("enrollment", 61.0)]),
        ("Analysis was performed on 61 women with chemotherapy-responsive metastatic breast "
         "cancer.", [("enrollment", 61.0)]),
        # the verb, the noun and the adjective of the subjects still are responses
        ("Twelve patients (40%) responded to paclitaxel.", [("response", 40.0)]),
        ("Eighteen patients (60%) were responsive to treatment.", [("response", 60.0)]),
    ],
)  # fmt: skip
def test_response_words_that_name_no_response(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the verb right before its figure: an event's share
        ("Grade 1 or 2 polyneuropathy affected 56% of patients.", [("adverse_event", 56.0)]),
        # what is generally known, and the adjective ("affected individuals" of a pedigree):
        # no event
        ("Breast cancer affects about 12% of women.", []),
        ("Renal lesions were present in five out of six affected individuals.", []),
    ],
)  # fmt: skip
def test_affected_as_the_verb_of_a_figure(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected



@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a procedure's success, its definition naming the disease it treats: no event
        ("Trabeculectomy was considered a success (postoperative IOP of 6-21 mm Hg with or "
         "without medication) in 82.4% of eyes at 1 year.", [("response", 82.4)]),
        # both figures of the change, one measure
        ("The rate of successful sedation rose from 90.5% to 96.8% (P = 0.01).",
         [("response", 90.5), ("response", 96.8)]),
    ],
)  # fmt: skip
def test_success_is_a_response(outcomes_nlp: Language, text: str,
                               expected: list[tuple[str, float]]) -> None:  # fmt: skip
    mentions = [*MENTIONS, ("IOP", "DISEASE", "MESH:D009798")]
    assert [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, mentions)._.outcomes] == (
        expected
    )
