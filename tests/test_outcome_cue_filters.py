"""Pure functions of `outcome_cue_filters` on hand-built cues and mentions."""

from __future__ import annotations

import pytest

from pipeline.components.outcome_cue_filters import lists_diseases, measured_object, stop_reasons
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve
from pipeline.components.outcome_tokens import Cue, Mention


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_lexicon(resolve(LEXICON_FILE)))


def cue(text: str, word: str, measure: str) -> Cue:
    start = text.index(word)
    return Cue(start, start + len(word), 0, 1, measure, 1)


def mention(text: str, word: str, label: str = "DISEASE") -> Mention:
    start = text.index(word)
    return Mention(start, start + len(word), label, word, None, False)


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        ("Reactions included thrombophlebitis (20 of 54 patients).", "included", True),
        ("Reactions included severe thrombophlebitis (20 of 54).", "included", True),
        ("We included 54 patients with thrombophlebitis.", "included", False),
        ("Reactions included 20 cases of thrombophlebitis.", "included", False),
    ],
)
def test_lists_diseases(text: str, after: str, expected: bool) -> None:
    ms = [mention(text, "thrombophlebitis")]
    end = text.index(after) + len(after)
    assert lists_diseases(text, end, ms, [m.start for m in ms]) is expected


def test_lists_diseases_wants_a_disease() -> None:
    text = "Reactions included cisplatin (20 of 54 patients)."
    ms = [mention(text, "cisplatin", "DRUG")]
    assert not lists_diseases(text, text.index(" cisplatin"), ms, [m.start for m in ms])


def test_stop_reasons(lex: Lexicon) -> None:
    text = "Discontinuation due to adverse events occurred in 12 patients, and nausea in 5."
    cues = [
        cue(text, "Discontinuation", "discontinuation"),
        cue(text, "adverse events", "adverse_event"),
        cue(text, "nausea", "adverse_event"),
    ]
    kept = stop_reasons(lex, text, cues)
    # the reason names who stopped; it ends at the comma: "nausea" after it stays an event
    assert [(text[c.start : c.end], c.measure) for c in kept] == [
        ("Discontinuation", "discontinuation"),
        ("adverse events", "discontinuation"),
        ("nausea", "adverse_event"),
    ]


def test_stop_reasons_needs_the_connector_right_after(lex: Lexicon) -> None:
    text = "Discontinuation was rare in the trial, adverse events occurred in 12 patients."
    cues = [
        cue(text, "Discontinuation", "discontinuation"),
        cue(text, "adverse events", "adverse_event"),
    ]
    assert stop_reasons(lex, text, cues) == cues


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (" of ", True),  # "the prevalence of DCIS"
        (" of LCIS, ", True),  # "the prevalence of LCIS, DCIS"
        (" of LCIS, DCIS, and ", True),  # "... and DH": the list's last member
        (" of severe ", True),
        (" in ", False),  # no "of": the disease is no object of the cue
        (" of 12 women with ", False),  # a number between
        (" of nausea was lower in ", False),  # a verb and a preposition between
        (" of the tamoxifen arm (", False),  # a bracket
    ],
)
def test_measured_object(lex: Lexicon, gap: str, expected: bool) -> None:
    assert measured_object(lex, gap) is expected
