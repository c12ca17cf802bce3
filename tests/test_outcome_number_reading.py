"""How the outcomes grammar reads a number written the way text tokenized for a corpus and
joined by spaces writes it (IOB or CoNLL files a user converts): "Thirty - six", "75 / 829 ( 9 .
4 % )", "every 4 . 7 patients", "41 , 904 women"; and the same forms where running text has
them. Each is one number, read whole, never a row of one of its pieces."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("nausea", "DISEASE", "MESH:D009325"),
    ("death", "DISEASE", "MESH:D003643"),
    ("hypotension", "DISEASE", "MESH:D007022"),
]

Row = tuple[str, float, int | None, int | None]


@pytest.fixture(scope="module")
def sentences_nlp() -> Language:
    """`outcomes_nlp` with biotab's own sentence splitter, as `biotab run` has it."""
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("biotab_sentences")
    nlp.add_pipe("biotab_outcomes")
    return nlp


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, value, numerator, denominator) of each row."""
    return [
        (r["measure"], r["value"], r["numerator"], r["denominator"])
        for r in run(nlp, text, MENTIONS)._.outcomes
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Thirty - six patients were enrolled .",
        "Thirty -six patients were enrolled .",
        "Thirty- six patients were enrolled.",
        "Thirty-six patients were enrolled.",
        "Thirty six patients were enrolled.",
    ],
)
def test_a_hyphenated_number_word_reads_whole_in_any_spacing(
    outcomes_nlp: Language, text: str
) -> None:
    assert rows(outcomes_nlp, text) == [("enrollment", 36.0, None, None)]


def test_a_spaced_hyphen_joins_tens_and_units_only(outcomes_nlp: Language) -> None:
    # "five - six patients": a range of two units, never 56; "twenty - thirty": two tens
    assert all(r[1] not in (56.0, 2030.0, 50.0) for r in rows(
        outcomes_nlp, "Nausea occurred in five - six patients and in twenty - thirty controls ."
    ))
    assert rows(outcomes_nlp, "Twenty - two of the 40 patients had nausea .") == [
        ("adverse_event", 22.0, 22, 40)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Nausea occurred in 75 / 829 ( 9 . 4 % ) patients .",
        "Nausea occurred in 75 / 829 (9.4%) patients.",
        "Nausea occurred in 75/829 (9.4%) patients.",
    ],
)
def test_a_spaced_fraction_keeps_its_numerator(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == [("adverse_event", 9.4, 75, 829)]


def test_a_spaced_snellen_fraction_is_no_share(outcomes_nlp: Language) -> None:
    # visual acuity, a measured value: no share of subjects, in any spacing
    for text in ("His vision was 6 / 15 and 2 / 60 after nausea .",
                 "His vision was 6/15 and 2/60 after nausea."):
        assert rows(outcomes_nlp, text) == []


def test_a_number_after_a_spaced_slash_starts_no_count(sentences_nlp: Language) -> None:
    # a rate per 1,000 admissions: 1,000 is its base, no count of patients (as in "0.97/1,000")
    text = (
        "Bleeding increased from 0 . 97 / 1 , 000 patient admissions in the first period to "
        "1 . 19 / 1 , 000 patient admissions in the second ."
    )
    assert all(r[1] != 1000.0 for r in rows(sentences_nlp, text))


def test_a_spaced_fraction_is_no_date_nor_a_lopsided_slash(outcomes_nlp: Language) -> None:
    # one space on one side only: not read as a fraction ("75 /829"), nor is a larger numerator
    assert all(r[2:] != (75, 829) for r in rows(
        outcomes_nlp, "Nausea occurred in 75 /829 patients ."
    ))
    assert all(r[3] != 29 for r in rows(outcomes_nlp, "Nausea occurred in 75 / 29 patients ."))


@pytest.mark.parametrize(
    "text",
    [
        "One death was prevented for every 4 . 7 patients treated .",
        "One death was prevented for every 4.7 patients treated.",
        "The number needed to treat was 4 . 7 patients .",
    ],
)
def test_every_with_a_spaced_decimal_is_no_count(sentences_nlp: Language, text: str) -> None:
    # a number of patients per prevented event, not 7 patients enrolled (pysbd cut "4 . 7"
    # after its point: biotab_sentences does not)
    assert all(r[1] not in (7.0, 4.0) for r in rows(sentences_nlp, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A total of 41 , 904 women were enrolled .", [("enrollment", 41904.0, None, None)]),
        (
            "Nausea occurred in 1 , 203 of 41 , 904 women .",
            [("adverse_event", 1203.0, 1203, 41904)],
        ),
        ("A total of 41, 904 women were enrolled.", [("enrollment", 41904.0, None, None)]),
    ],
)
def test_a_spaced_thousands_number_reads_whole(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Doses of 12 , 15 , and 20 mg were given to 40 patients .",
        "Doses of 50 , 100 , 150 and 200 mg were given to 40 patients .",
        "Doses of 100 , 200 or 400 mg were given to 40 patients .",
        "In study 1 , 150 patients were enrolled .",
    ],
)
def test_a_list_or_a_label_is_no_thousands_number(outcomes_nlp: Language, text: str) -> None:
    got = rows(outcomes_nlp, text)
    assert all(r[1] < 1000 for r in got)
