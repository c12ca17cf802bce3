"""The arms' sizes in a bracket after an enrollment total ("Ninety-four patients were randomized
(46 EC-D, 48 EC-DCb)", "including 241 patients (placebo 126, timolol 115)"): each part is an
enrollment row with its label as its arm, the total stays, and later figures of those arms take
the sizes. Sentences of the kinds found in pico-dev's tuned abstracts and BC5CDR (a timolol
trial), rewritten for the tests; hand-made mentions, the outcomes component alone (conftest's
`outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("timolol", "DRUG", "MESH:D013999"),
    ("metformin", "DRUG", "MESH:D008687"),
    ("gemcitabine", "DRUG", "MESH:C056507"),
    ("epirubicin", "DRUG", "MESH:D015251"),
]


def rows(nlp: Language, text: str) -> list[tuple[str, float, str | None, int | None]]:
    doc = run(nlp, text, MENTIONS)
    return [(r["measure"], r["value"], r["arm"], r["group_size"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    "text",
    [
        "The effect of timolol was evaluated in a double-blind study including 241 patients "
        "(placebo 126, timolol 115).",
        "A total of 241 patients were randomized (126 placebo, 115 timolol).",
        "A total of 241 patients were randomized (placebo, 126; timolol, 115).",
        "A total of 241 patients were randomized (126 to placebo and 115 to timolol).",
    ],
)
def test_the_parts_of_an_enrollment_total_are_the_arms_sizes(
    outcomes_nlp: Language, text: str
) -> None:
    assert rows(outcomes_nlp, text) == [
        ("enrollment", 241.0, None, None),
        ("enrollment", 126.0, "placebo", 126),
        ("enrollment", 115.0, "timolol", 115),
    ]


def test_a_later_figure_of_an_arm_takes_its_size(outcomes_nlp: Language) -> None:
    text = (
        "40 patients were randomized (22 metformin, 18 placebo). Grade 3-4 toxicity occurred "
        "in 31.8% with metformin and 58.8% with placebo."
    )
    assert rows(outcomes_nlp, text)[-2:] == [
        ("adverse_event", 31.8, "metformin", 22),
        ("adverse_event", 58.8, "placebo", 18),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # shares in the bracket: no arm's size ("69 centres randomized at least one patient")
        "Only 69 centres randomized at least one patient (35/68 in the visited group, 34/67 in "
        "the non-visited group).",
        # parts that do not add up to the total
        "A total of 241 patients were randomized (126 placebo, 110 timolol).",
    ],
)
def test_no_sizes_from_shares_or_parts_of_another_total(
    outcomes_nlp: Language, text: str
) -> None:
    assert [r for r in rows(outcomes_nlp, text) if r[0] == "enrollment" and r[3]] == []



def test_an_arms_size_is_no_share_of_those_screened(outcomes_nlp: Language) -> None:
    doc = run(outcomes_nlp, "Of 200 patients screened, 120 were randomized (placebo 60, "
              "timolol 60).", MENTIONS)  # fmt: skip
    got = [(r["value"], r["numerator"], r["denominator"], r["arm"]) for r in doc._.outcomes]
    assert got[-2:] == [(60.0, None, None, "placebo"), (60.0, None, None, "timolol")]


def test_labelled_counts_keep_the_other_cue_checks(outcomes_nlp: Language) -> None:
    # "increased", "decreased": weak change words, a count takes none (only a percentage)
    doc = run(outcomes_nlp, "Liver enzymes changed in 20 patients (increased 12, decreased 8).")
    assert [(r["measure"], r["value"]) for r in doc._.outcomes] == [("enrollment", 20.0)]
