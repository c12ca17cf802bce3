"""Which count a cue after several counts belongs to, and cue words that name no outcome of the
study: a count with a verb of its own after it ("Eight patients were hospitalised and one
died") is its own clause's subject, so the death is the next count's; a number word after a
spaced dash ("- one died") is a count; "non-fatal" names an event that was no death; a
hyphenated compound is one word ("one treatment-related death", "two headache-free days").
("in response to desmopressin", a stimulus, still reads as a response: a cue for it dropped
treatment effects, "Tumour shrinkage in response to imatinib was seen in 12 patients".)
Sentences of the kinds an error analysis of rows on BC5CDR abstracts found them in (drug
safety series, a meta-analysis), rewritten for the tests; hand-made mentions, the outcomes
component alone (conftest's `outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("sulfasalazine", "DRUG", "MESH:D012460"),
    ("myocardial infarction", "DISEASE", "MESH:D009203"),
    ("hepatic failure", "DISEASE", "MESH:D017093"),
    ("stroke", "DISEASE", "MESH:D020521"),
]


def rows(nlp: Language, text: str) -> list[tuple[str, float]]:
    return [(r["measure"], r["value"]) for r in run(nlp, text, MENTIONS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eight patients were hospitalised and one patient died.", [("mortality", 1.0)]),
        ("Eight patients were hospitalised; one patient died.", [("mortality", 1.0)]),
        ("Eight patients were hospitalised, two in hepatic failure - one died after a liver "
         "transplant.", [("mortality", 1.0)]),
        # no verb of their own: a list of counts shares the cue after it
        ("Eight patients in the sulfasalazine group and two in the placebo group died.",
         [("mortality", 8.0), ("mortality", 2.0)]),
        # the figure's own cue still wins where it has one
        ("Of 30 patients, 12 were alive and 18 had died.",
         [("survival", 12.0), ("mortality", 18.0)]),
    ],
)  # fmt: skip
def test_a_count_with_its_own_verb_takes_no_later_cue(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sulfasalazine reduced all-cause mortality (OR 0.27, 95% CI 0.10-0.73) and non-fatal "
         "myocardial infarction (OR 0.26, 95% CI 0.04-1.60).",
         [("mortality", 0.27), ("adverse_event", 0.26)]),
        ("The nonfatal stroke rate was 2.1% with sulfasalazine and 3.4% with placebo.",
         [("adverse_event", 2.1), ("adverse_event", 3.4)]),
    ],
)  # fmt: skip
def test_non_fatal_names_an_event(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a hyphenated compound is one word between a bare count and its cue
        ("There was one treatment-related death.", [("mortality", 1.0)]),
        ("Three treatment-related deaths occurred.", [("mortality", 3.0)]),
        # and one modifier of what is counted: days, programmes, no subjects
        ("The subjects were randomly allocated to receive sulfasalazine or placebo on two "
         "headache-free days.", []),
        ("Families were identified through two high-risk breast cancer research programs.", []),
        ("Sulfasalazine was given for 2 consecutive days and caused hepatic failure.", []),
    ],
)  # fmt: skip
def test_a_compound_is_one_word(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected
