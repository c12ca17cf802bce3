"""Decimals written with spaces around their point: text tokenized for a corpus and joined by
spaces ("34 . 6 %", "1 . 3 + / - 0 . 3", as a user who converts IOB or CoNLL files feeds it) and
older abstracts that write a space after the point inside a statistic ("OR 10. 16", "P < 0.
002"). Each is one decimal figure, never two rows of its pieces."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("nausea", "DISEASE", "MESH:D009325"),
    ("hypotension", "DISEASE", "MESH:D007022"),
    ("renal failure", "DISEASE", "MESH:D051437"),
    ("relapse", "DISEASE", "MESH:D012008"),
]

Row = tuple[float, int | None, float | None, float | None, float | None]


def rows(nlp: Language, text: str) -> list[Row]:
    """(value, numerator, ci_low, ci_high, p_value) of each row."""
    return [
        (r["value"], r["numerator"], r["ci_low"], r["ci_high"], r["p_value"])
        for r in run(nlp, text, MENTIONS)._.outcomes
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # pre-tokenized text: the point stands between two spaces
        (
            "Hypotension was more frequent in the elderly ( 34 . 6 % versus 31 . 9 % ) .",
            [(34.6, None, None, None, None), (31.9, None, None, None, None)],
        ),
        (
            "Nausea occurred in 29 patients ( 41 . 4 % ) .",
            [(41.4, 29, None, None, None)],
        ),
        (
            "Renal failure was more frequent with enalapril ( RR 1 . 89 , 95 % CI 1 . 70 - "
            "2 . 08 , P < 0 . 001 ) .",
            [(1.89, None, 1.7, 2.08, 0.001)],
        ),
        # a space after the point inside a statistic, in running text
        (
            "Renal failure was more frequent with enalapril (OR 10. 16, 95% CI 1.02 to 101.74).",
            [(10.16, None, 1.02, 101.74, None)],
        ),
        ("Nausea fell by 65% with ondansetron (P < 0. 002).", [(65.0, None, None, None, 0.002)]),
        ("Nausea occurred in 37% of the patients (P <. 001).", [(37.0, None, None, None, 0.001)]),
        (
            "The response rate was 71.4% (95% CI, 53. 7-85.4%) in relapse.",
            [(71.4, None, 53.7, 85.4, None)],
        ),
        # a P value in digit groups, or with a decimal comma: no P value is 0
        ("Nausea occurred in 18.45% (P<0.000 1).", [(18.45, None, None, None, 0.0001)]),
        ("Nausea occurred in 17/51 (33%; p = 0,02).", [(33.0, 17, None, None, 0.02)]),
    ],
)
def test_a_spaced_decimal_is_one_figure(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the splitter cuts after the point: neither piece is a figure
        "Nausea occurred in 37 . 8 % of the dogs .",
        "Hypotension lasted 29 . 3 + / - 3 . 2 minutes in 4 . 6 % of the patients .",
        "The mean difference was 0 . 50 dB between the subjects .",
    ],
)
def test_pieces_of_a_cut_spaced_decimal_give_no_wrong_row(
    outcomes_nlp: Language, text: str
) -> None:
    assert [r for r in rows(outcomes_nlp, text) if r[0] in (37, 8, 4, 6, 0, 50)] == []


def test_counts_after_a_sentence_that_ends_with_a_number_stay(outcomes_nlp: Language) -> None:
    # pre-tokenized: a sentence ends with a number and the next opens with a count of subjects
    text = "Relapse occurred in 12 . 5 patients died ."
    assert [r[:2] for r in rows(outcomes_nlp, text)] == [(12.0, 12), (5.0, 5)]


def test_a_run_of_points_is_no_decimal(outcomes_nlp: Language) -> None:
    # "1 . 2 . 3": a section number, not a decimal
    assert all(r[0] not in (1.2, 2.3) for r in rows(outcomes_nlp, "See section 1 . 2 . 3 ."))


def test_a_spaced_thousands_pair_gives_no_piece_row(outcomes_nlp: Language) -> None:
    # "12 , 305 controls": one number written across a spaced comma, not 305 controls
    text = "Nausea was no more frequent than in a reference group of 12 , 305 controls ."
    assert all(r[0] not in (12.0, 305.0) for r in rows(outcomes_nlp, text))


def test_a_spaced_list_keeps_its_numbers(outcomes_nlp: Language) -> None:
    text = "Nausea occurred in 12 , 150 and 200 patients , respectively ."
    assert [r[0] for r in rows(outcomes_nlp, text) if r[0] in (150.0, 200.0)] != []
