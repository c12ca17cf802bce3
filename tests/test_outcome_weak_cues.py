"""A DISEASE mention is a weak adverse-event cue, unless it names who was studied or what a rate
was measured of: a phrase opened by 'with / for / of / in' that reaches the mention over words,
lists and stage or grade modifiers (lexicon: subject_phrase_openers and neighbours).

Sentences written for the tests (after the kinds of rows seen in pico-dev's tuned part); the
outcomes component runs alone on a blank English pipeline (conftest's `outcomes_nlp`), with the
DISEASE mentions set by the test.
"""

from __future__ import annotations

import json
import re

import pytest
from spacy.language import Language

from pipeline.components.outcome_rules import RuleFileError, validate_lexicon
from pipeline.paths import rule_file


def rows(nlp: Language, text: str, diseases: list[str]) -> list[tuple[str, float]]:
    doc = nlp.make_doc(text)
    spans = []
    for surface in diseases:
        for m in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w])", text):
            span = doc.char_span(m.start(), m.end(), label="DISEASE", alignment_mode="expand")
            assert span is not None
            spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return [(r["measure"], r["value"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    ("text", "diseases", "value"),
    [
        # a list of stages between 'with' and the disease
        (
            "Forty-one women with stage I, II, or III breast cancer started radiation therapy.",
            ["breast cancer"],
            41.0,
        ),
        # hyphenated modifiers and a list of them count as the words of one phrase
        (
            "Sixty women with HER2-positive, node-negative or node-positive early breast cancer "
            "started treatment.",
            ["breast cancer"],
            60.0,
        ),
    ],
)
def test_a_disease_in_the_subjects_phrase_claims_no_count(
    outcomes_nlp: Language, text: str, diseases: list[str], value: float
) -> None:
    assert rows(outcomes_nlp, text, diseases) == [("enrollment", value)]


def test_a_list_of_diseases_after_of_is_what_was_measured(outcomes_nlp: Language) -> None:
    # 'prevalence' is no outcome; the second and third names of its list are no cue either
    text = (
        "The prevalence of LCIS, DCIS, and DH was 4.5% (9/200), 67% (133/200), and 35% "
        "(69/200), respectively."
    )
    assert rows(outcomes_nlp, text, ["LCIS", "DCIS", "DH"]) == []


@pytest.mark.parametrize(
    ("text", "diseases", "expected"),
    [
        # a figure ends the phrase: each toxicity of a list keeps its own rate
        (
            "Toxicity was mild: grade 2 anemia in 12%, grade 3 mucositis in 5% and grade 2 "
            "dermatitis in 4%.",
            ["anemia", "mucositis", "dermatitis"],
            [("adverse_event", 12.0), ("adverse_event", 5.0), ("adverse_event", 4.0)],
        ),
        # an arm noun ends the phrase: 'in the control arm' is where, the disease what
        (
            "No patient in the experimental arm developed mucositis, while in the control arm "
            "mucositis was 16.7%.",
            ["mucositis"],
            [("adverse_event", 0.0), ("adverse_event", 16.7)],
        ),
        # a verb ends it ('developed' is a cue of its own here)
        (
            "Of the women with breast cancer, 30 developed lymphedema during follow-up.",
            ["breast cancer", "lymphedema"],
            [("adverse_event", 30.0)],
        ),
    ],
)
def test_a_disease_after_its_phrase_ends_stays_a_cue(
    outcomes_nlp: Language, text: str, diseases: list[str], expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text, diseases) == expected


def test_a_present_tense_have_states_what_is_generally_known(outcomes_nlp: Language) -> None:
    # 'have' is a present-tense verb: a share that patients have is background, 'had' a result
    general = "After mastectomy, 50% of women have persistent chronic pain."
    result = "After mastectomy, 50% of women had persistent chronic pain."
    assert rows(outcomes_nlp, general, ["chronic pain"]) == []
    assert rows(outcomes_nlp, result, ["chronic pain"]) == [("adverse_event", 50.0)]


@pytest.mark.parametrize(
    "key", ["subject_phrase_openers", "subject_phrase_modifiers", "clause_words"]
)
def test_an_empty_phrase_list_is_refused_naming_its_key(key: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data[key] = []
    with pytest.raises(RuleFileError, match=key):
        validate_lexicon(data, "lexicon.json")


@pytest.mark.parametrize("value", [0, "eight"])
def test_a_bad_phrase_reach_is_refused_naming_its_key(value: object) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data["limits"]["subject_phrase_words"] = value
    with pytest.raises(RuleFileError, match="subject_phrase_words"):
        validate_lexicon(data, "lexicon.json")
