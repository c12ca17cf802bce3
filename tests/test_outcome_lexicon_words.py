"""The outcome rules read their word lists from the lexicon file and from nowhere else: a copy
of the shipped lexicon with one list changed changes what the component does with real text
(a copy of a list kept in code would leave it unchanged)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import pipeline.components.outcomes as oc
from pipeline.components.outcome_rules import validate_lexicon
from pipeline.paths import rule_file


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(rule_file(oc.LEXICON_FILE).read_text(encoding="utf8"))
    return data


def rows(nlp: Language, text: str, lexicon: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a fresh component reading `lexicon` gives for `text`."""
    comp = oc.OutcomeExtractor(nlp)
    comp.set_rules(comp.cues, validate_lexicon(lexicon, "lexicon copy"))
    doc: Doc = nlp.make_doc(text)
    for _, proc in nlp.pipeline[:-1]:
        doc = proc(doc)
    return list(comp(doc)._.outcomes)


def without(data: dict[str, Any], key: str, words: set[str]) -> dict[str, Any]:
    """A copy of the lexicon with `words` taken out of the list or map `key`."""
    value = data[key]
    if isinstance(value, dict):
        return dict(data, **{key: {w: u for w, u in value.items() if w not in words}})
    return dict(data, **{key: [w for w in value if w not in words]})


@pytest.mark.parametrize(
    ("text", "timepoint", "taken"),
    [
        ("At 12 wks, 40% of patients responded.", "At 12 wks", {"wk", "wks"}),
        ("At 6 h, 40% of patients responded.", "At 6 h", {"h"}),
        ("At 48 hours, 40% of patients responded.", "At 48 hours", {"hour", "hours"}),
        ("At week 12, 40% of patients responded.", "At week 12", {"week"}),
        ("The 5-year survival was 60%.", "5-year", {"year"}),
    ],
)
def test_timepoint_units_are_the_lexicons(
    outcomes_nlp: Language, text: str, timepoint: str, taken: set[str]
) -> None:
    data = shipped()
    assert [r["timepoint"] for r in rows(outcomes_nlp, text, data)] == [timepoint]
    # the same text with those words no time unit: the figure stays, with no timepoint
    assert [r["timepoint"] for r in rows(outcomes_nlp, text, without(data, "time_units", taken))
            ] == [None]


def test_a_median_in_hours_gives_no_row(outcomes_nlp: Language) -> None:
    # hours are a timepoint's unit, not a median duration's (no row unit)
    text = "The median time to response was 24 hours in arm A and 3 weeks in arm B."
    assert [(r["value"], r["unit"]) for r in rows(outcomes_nlp, text, shipped())] == [
        (3.0, "weeks")
    ]
