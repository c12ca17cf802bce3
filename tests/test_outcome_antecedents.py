"""A count that points back at the count before it ("three of whom died", "one of which was
fatal", "of whom two relapsed", "two of them died") is a part of it: that count is its
denominator (`outcome_totals.antecedent_denominators`); "N of whom/which" is a figure only when
its relative clause names an outcome right away (`outcome_grammar`'s count parse: not "38 of
whom were aged 70 or more"). Sentences as BC5CDR's and pico-dev's abstracts write them,
rewritten for the tests; hand-made mentions, the outcomes component alone (conftest's
`outcomes_nlp`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("pneumonia", "DISEASE", "MESH:D011014"),
    ("ventricular tachycardia", "DISEASE", "MESH:D017180"),
    ("thioridazine", "DRUG", "MESH:D013881"),
    ("NSCLC", "DISEASE", "MESH:D002289"),
]

Row = tuple[str, float, int | None, int | None]


def rows(nlp: Language, text: str) -> list[Row]:
    return [(r["measure"], r["value"], r["numerator"], r["denominator"])
            for r in run(nlp, text, MENTIONS)._.outcomes]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Twelve patients developed pneumonia, three of whom died.",
         [("adverse_event", 12.0, 12, None), ("mortality", 3.0, 3, 12)]),
        ("Twelve patients developed pneumonia, of whom three died.",
         [("adverse_event", 12.0, 12, None), ("mortality", 3.0, 3, 12)]),
        ("Thioridazine caused five cases of ventricular tachycardia, one of which was fatal.",
         [("adverse_event", 5.0, 5, None), ("mortality", 1.0, 1, 5)]),
        ("Of 10 patients, a partial response was achieved in four, of whom two subsequently "
         "relapsed.", [("partial_response", 4.0, 4, 10), ("relapse", 2.0, 2, 4)]),
        ("Eight patients were dead; two of them died of treatment-related toxicity.",
         [("mortality", 8.0, 8, None), ("mortality", 2.0, 2, 8)]),
    ],
)  # fmt: skip
def test_a_count_of_whom_is_a_part_of_the_count_before(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


def test_a_trait_of_whom_is_no_figure(outcomes_nlp: Language) -> None:
    text = "Forty-nine patients with advanced NSCLC were included, 38 of whom were aged 70 or more."
    assert rows(outcomes_nlp, text) == [("enrollment", 49.0, None, None)]


def test_a_number_between_breaks_the_link(outcomes_nlp: Language) -> None:
    # 350 points back at "3500 patients" (no figure: "over" makes it a threshold), not at the 700
    # before it (BC5CDR train 374)
    text = ("Clinical experience with lovastatin includes over 5000 patients, 700 of whom have "
            "been treated for 2 years or more, and experience with simvastatin includes over "
            "3500 patients, of whom 350 have been treated for 18 months or more.")
    assert [r[3] for r in rows(outcomes_nlp, text) if r[1] == 350.0] == [None]


def test_those_points_at_a_group_named_after_it(outcomes_nlp: Language) -> None:
    # "12 of those given placebo": not a part of the 30 before it
    text = ("Relapse occurred in 30 patients given thioridazine, compared with 12 of those given "
            "placebo.")
    assert [r[3] for r in rows(outcomes_nlp, text) if r[1] == 12.0] == [None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "of these" in the next sentence points back at the last sentence's count of subjects
        ("Eleven patients were treated. In four patients HBV DNA levels were high at baseline. "
         "Two of these died.", [("enrollment", 11.0, None, None), ("mortality", 2.0, 2, 4)]),
        ("Data from 60 patients treated with amikacin were analyzed. In 42 of these patients, "
         "pneumonia was recorded.", [("enrollment", 60.0, None, None),
                                     ("adverse_event", 42.0, 42, 60)]),
        # not a count larger than that one (another group), nor after arms' sizes (either arm
        # or both): the cohort, as before
        ("Eleven patients were treated. In one patient the levels were high. Two of these "
         "died.", [("enrollment", 11.0, None, None), ("mortality", 2.0, 2, 11)]),
        ("Forty patients were randomized to A (n = 20) or B (n = 20). Two of these died.",
         [("enrollment", 40.0, None, None), ("enrollment", 20.0, None, None),
          ("enrollment", 20.0, None, None), ("mortality", 2.0, 2, 40)]),
    ],
)  # fmt: skip
def test_these_in_the_next_sentence_points_back_at_its_count(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected
