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


def measured(nlp: Language, text: str, lexicon: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(r["measure"], r["value"], r["denominator"]) for r in rows(nlp, text, lexicon)]


@pytest.mark.parametrize(
    ("key", "taken", "text", "shipped_rows", "changed_rows"),
    [
        # a pool's count past a determiner: its size is the denominator of what follows
        ("count_determiners", {"our"}, "Of our 60 patients, 20 relapsed.",
         [("relapse", 20.0, 60)], [("relapse", 60.0, None), ("relapse", 20.0, None)]),
        ("count_determiners", {"the"}, "Of the 60 evaluable patients, 20 (33%) relapsed.",
         [("enrollment", 60.0, None), ("relapse", 33.0, 60)], [("relapse", 33.0, 60)]),
        # "Of ... (n = 45)," is a denominator phrase, not a size to report
        ("pool_prepositions", {"of"}, "Of the patients (n = 45), 12 responded.",
         [("response", 12.0, 45)], [("enrollment", 45.0, None), ("response", 12.0, 45)]),
        # "the 12 patients": a group already counted, not a count of responders
        ("counted_group_determiners", {"the"}, "The 12 patients responded to treatment.",
         [], [("response", 12.0, None)]),
        # "none of them": zero of the subjects counted before
        ("back_reference_words", {"them"},
         "Twenty patients were treated, and none of them relapsed.",
         [("enrollment", 20.0, None), ("relapse", 0.0, 20)], [("enrollment", 20.0, None)]),
        ("back_reference_words", {"those"}, "Of 40 patients, 20 relapsed; none of those died.",
         [("relapse", 20.0, 40), ("mortality", 0.0, 40)], [("relapse", 20.0, 40)]),
        # a bare count is enrollment only with one of these verbs right after it
        ("bare_count_verbs", {"were", "being"}, "In 2010, 55 were being screened for the trial.",
         [("enrollment", 55.0, None)], []),
        # a decimal proportion is a rate only right after one of these
        ("proportion_openers", {"was"}, "Overall survival was 0.86.",
         [("survival", 86.0, None)], []),
        ("proportion_openers", {"reached"}, "The response rate reached 0.45.",
         [("response", 45.0, None)], []),
    ],
)  # fmt: skip
def test_count_grammar_words_are_the_lexicons(
    outcomes_nlp: Language,
    key: str,
    taken: set[str],
    text: str,
    shipped_rows: list[tuple[Any, ...]],
    changed_rows: list[tuple[Any, ...]],
) -> None:
    data = shipped()
    assert measured(outcomes_nlp, text, data) == shipped_rows
    assert measured(outcomes_nlp, text, without(data, key, taken)) == changed_rows


def test_a_zero_phrase_skips_the_lexicons_determiners(outcomes_nlp: Language) -> None:
    # the pre-check of a sentence without a digit reads the determiners and remaining words:
    # one more determiner in the file, one more "none of ..." phrase read
    data = shipped()
    text = "None of the said other remaining patients relapsed."
    assert measured(outcomes_nlp, text, data) == []
    more = dict(data, determiners=[*data["determiners"], "said"])
    assert measured(outcomes_nlp, text, more) == [("relapse", 0.0, None)]
