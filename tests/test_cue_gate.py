"""`CueGate` finds what spaCy's Matcher over all cue patterns finds, for any pattern the cue
rules allow (text conditions, IS_ALPHA, other token attributes, optional tokens, phrases)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.components.cue_gate import CueGate, cue_matcher, start_pairs
from pipeline.components.outcome_rules import CueRule

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

RULES = [
    CueRule("response", [{"LOWER": {"REGEX": "^respon(se|ses|ded)$"}}]),
    CueRule("complete_response", "complete response"),
    CueRule("complete_response", "CR"),
    CueRule("not_outcome", [{"TEXT": "PCR"}]),
    CueRule("relapse", [{"ORTH": {"IN": ["Relapse", "relapse"]}}]),
    CueRule("adverse_event", [
        {"LOWER": {"IN": ["side", "adverse"]}},
        {"IS_ALPHA": True, "OP": "?"},
        {"LOWER": {"REGEX": "^(effects?|events?)$"}},
    ]),
    CueRule("other", [{"LOWER": "at", "OP": "?"}, {"LOWER": {"IN": ["baseline", "entry"]}}]),
    CueRule("other", [{"LOWER": {"IN": ["was", "were"]}}, {"LOWER": {"IN": ["men", "women"]}}]),
    # a token condition the gate cannot read from the text alone: it lets it through
    CueRule("survival", [{"LIKE_NUM": True}, {"LOWER": "months"}]),
    CueRule("discontinuation", [{"LOWER": "lost"}, {"LOWER": "to"}, {"LOWER": "follow", "OP": "?"},
                                {"LOWER": "-", "OP": "?"}, {"LOWER": "up", "OP": "?"}]),
    CueRule("remission", [{"LOWER": {"IN": ["complete", "partial"]}, "OP": "?"},
                          {"LOWER": "remission"}, {"LOWER": "rate", "OP": "?"}]),
    # regexes that cannot be joined with others: an inline flag, a back-reference
    CueRule("response", [{"TEXT": {"REGEX": "(?i)^ORR$"}}]),
    CueRule("other", [{"LOWER": {"REGEX": "^(b)\\1$"}}]),
    CueRule("other", [{"LOWER": {"REGEX": "^(a)x$"}}, {"LOWER": {"REGEX": "^(d)\\1$"}}]),
]  # fmt: skip

SENTENCES = [
    "Complete response (CR) was reached by 12 patients; PCR was negative and 3 responded.",
    "Side effects, adverse drug events and an adverse event were rare; 40% were women.",
    "At baseline and at entry, relapse was seen; Relapse rates at 24 months were low.",
    "Two were lost to follow-up, one was lost to follow and one lost to.",
    "Complete remission rate, partial remission and remission: all were recorded.",
    "responses",
    "orr and ORR, bb and ax dd.",
    "",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _texts() -> list[str]:
    return SENTENCES + [p.read_text(encoding="utf8") for p in sorted(SEEDS.glob("*.txt"))]


# every rule; and without the inline flag, which alone makes the gate let every string through
RULE_SETS = {"all": RULES, "joinable": [r for r in RULES if "(?i)" not in str(r.pattern)]}


@pytest.mark.parametrize("rules", RULE_SETS.values(), ids=RULE_SETS.keys())
@pytest.mark.parametrize("text", _texts())
def test_gate_gives_the_matches_of_the_matcher(
    nlp: Language, text: str, rules: list[CueRule]
) -> None:
    gate = CueGate(nlp, rules)
    whole = cue_matcher(nlp, rules)
    doc = nlp(text)
    orth = [t.orth for t in doc]
    strings = nlp.vocab.strings
    for sent in doc.sents:
        expected = sorted(
            (int(strings[m]), a, b) for m, a, b in whole(sent)
        )
        assert sorted(gate.matches(doc, orth, sent.start, sent.end)) == expected


def test_the_sentences_exercise_every_kind_of_rule(nlp: Language) -> None:
    """The equality above is not vacuous: every rule matches somewhere."""
    whole = cue_matcher(nlp, RULES)
    strings = nlp.vocab.strings
    found = {int(strings[m]) for text in SENTENCES for m, _, _ in whole(nlp(text))}
    assert found == set(range(len(RULES)))


def test_start_pairs() -> None:
    a, b, c = {"LOWER": "a"}, {"LOWER": "b", "OP": "?"}, {"LOWER": "c"}
    assert start_pairs([a, b, c]) == [(a, b), (a, c)]
    assert start_pairs([b, c]) == [(b, c), (c, None)]
    assert start_pairs([a, b]) == [(a, b), (a, None)]
    assert start_pairs([a]) == [(a, None)]
