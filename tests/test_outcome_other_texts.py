"""Rows of abstracts that are no trial report (genetics, laboratory and animal work, case reports)
found wrong on BC5CDR and NCBI-disease train (session 27): each sentence (written for these
tests, not copied from a corpus) with the rows it gives. Each case fails without the rule named
above its test, but the cases of what stays (the tests named so), which guard the rule against
taking a result."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

Row = tuple[str, str, float]

MENTIONS = [
    ("nausea", "DISEASE", "MESH:D009325"),
    ("deafness", "DISEASE", "MESH:D003638"),
    ("relapse", "DISEASE", "MESH:D012008"),
]


def rows(nlp: Language, text: str, mentions: list[tuple[str, str, str]] = MENTIONS) -> list[Row]:
    """(measure, unit, value) of each row."""
    return [(r["measure"], r["unit"], r["value"]) for r in run(nlp, text, mentions)._.outcomes]


# -- a decimal written with a space after its point gives no row per piece (decimal_pieces) -----


@pytest.mark.parametrize(
    "text",
    [
        "The allele frequency was 0. 12% in the controls.",
        # a sentence splitter cuts after "0.": the "57" opens a sentence of its own
        "The carrier rates were 0. 63 and 0. 57, respectively.",
        "Serum cholestanol fell (34. 5% reduction) in the treated kindred.",
        "Deafness was more frequent in carriers (P =. 0002 and P =. 006, respectively).",
        "Deafness was more frequent in carriers (P <. 05 compared to controls).",
    ],
)
def test_decimal_pieces_give_no_row(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a count of subjects after a sentence that ends with a number is a count
        (
            "Relapse occurred in 12 patients. 5 patients died.",
            [("relapse", "count", 12.0), ("mortality", "count", 5.0)],
        ),
        (
            "Nausea occurred in 9 of 40 patients (22.5%) in 2001. 15 patients relapsed.",
            [("adverse_event", "percent", 22.5), ("relapse", "count", 15.0)],
        ),
        # a decimal written as usual, and a P value with its leading point
        ("Nausea occurred in 0.5% of patients.", [("adverse_event", "percent", 0.5)]),
        ("Nausea occurred in 12 patients (P = .006).", [("adverse_event", "count", 12.0)]),
    ],
)
def test_numbers_beside_a_point_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected
