"""`CueGate` finds what spaCy's Matcher over all cue patterns finds, for any pattern the cue
rules allow (text conditions, IS_ALPHA, other token attributes, optional and repeated tokens,
phrases), for the packaged outcome cues and ConText rules too, in the Matcher's order."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.assertion import DEFAULT_RULES, load_context_rules
from pipeline.components.cue_gate import (
    CueGate,
    CuePatternError,
    MatcherPattern,
    PatternRule,
    cue_matcher,
    start_pairs,
)
from pipeline.components.outcome_rules import CUES_FILE, CueRule, load_cues
from pipeline.paths import rule_file

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
    # a conditional group: joined, its "1" would be the first rule's group
    CueRule("other", [{"LOWER": {"REGEX": "^(a)?(?(1)b|c)$"}}]),
]  # fmt: skip

SENTENCES = [
    "Complete response (CR) was reached by 12 patients; PCR was negative and 3 responded.",
    "Side effects, adverse drug events and an adverse event were rare; 40% were women.",
    "At baseline and at entry, relapse was seen; Relapse rates at 24 months were low.",
    "Two were lost to follow-up, one was lost to follow and one lost to.",
    "Complete remission rate, partial remission and remission: all were recorded.",
    "responses",
    "orr and ORR, bb and ax dd.",
    "ab, c and abc.",
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
RULE_SETS = {
    "all": RULES,
    "joinable": [r for r in RULES if "(?i)" not in str(r.pattern)],
    # no back-reference either: only the conditional group keeps the regexes apart
    "conditional": [r for r in RULES if not any(x in str(r.pattern) for x in ("(?i)", "\\1"))],
}


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
        expected = sorted((int(strings[m]), a, b) for m, a, b in whole(sent))
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
    star, plus = {"LOWER": "s", "OP": "*"}, {"LOWER": "p", "OP": "+"}
    assert start_pairs([star, c]) == [(star, star), (star, c), (c, None)]
    assert start_pairs([a, star, c]) == [(a, star), (a, c)]
    assert start_pairs([plus, c]) == [(plus, plus), (plus, c)]
    assert start_pairs([a, plus]) == [(a, plus)]


# cues that repeat a token ("*", "+") and cues whose operators the gate does not read
REPEATING: list[PatternRule] = [
    MatcherPattern([{"LOWER": "no"}, {"LOWER": {"IN": ["clear", "direct"]}, "OP": "*"},
                    {"LOWER": "evidence"}]),
    MatcherPattern([{"LOWER": "very", "OP": "+"}, {"LOWER": {"REGEX": "^(good|bad)$"}}]),
    MatcherPattern([{"IS_ALPHA": True, "OP": "+"}, {"LOWER": "trial"}]),
    MatcherPattern([{"LOWER": "ha", "OP": "+"}]),
    MatcherPattern([{"LOWER": "not"}]),
]  # fmt: skip
UNREAD: list[PatternRule] = [
    MatcherPattern([{"LOWER": "no"}, {"LOWER": "evidence", "OP": "!"}, {"LOWER": "of"}]),
    MatcherPattern([{"LOWER": "ha", "OP": "{2,3}"}, {"LOWER": "!"}]),
]
LINES = [
    "No evidence, no clear evidence and no direct clear clear evidence; not very very good.",
    "A very bad, very good trial (the phase II trial): ha ha ha ha! No trial of no data of it.",
]


def _hand_built(nlp: Language, text: str) -> Doc:
    """A Doc built from its words (the tokenizer's split) and their spacing."""
    made = nlp.make_doc(text)
    return Doc(nlp.vocab, words=[t.text for t in made], spaces=[bool(t.whitespace_) for t in made])


def _in_order(
    matches: list[tuple[int, int, int]], keep: set[int]
) -> dict[tuple[int, int], list[int]]:
    """The rules of `keep` matching each token range, in the order given."""
    out: dict[tuple[int, int], list[int]] = {}
    for rule, a, b in matches:
        if rule in keep:
            out.setdefault((a, b), []).append(rule)
    return out


def _check_gate(nlp: Language, rules: list[PatternRule], texts: list[str]) -> set[int]:
    """The gate's matches are the Matcher's on whole docs, in its order for the rules the gate
    leaves to its Matcher; returns the rules that matched."""
    gate = CueGate(nlp, rules)
    whole = cue_matcher(nlp, rules)
    strings = nlp.vocab.strings
    longer = {int(strings[k]) for k in gate.matcher._patterns}
    matched: set[int] = set()
    for text in texts:
        doc = _hand_built(nlp, text)
        got = gate.matches(doc, [t.orth for t in doc], 0, len(doc))
        expected = [(int(strings[m]), a, b) for m, a, b in whole(doc)]
        assert sorted(got) == sorted(expected)
        assert _in_order(got, longer) == _in_order(expected, longer)
        matched |= {r for r, _, _ in got}
    return matched


def test_gate_reads_repeated_tokens(nlp: Language) -> None:
    assert _check_gate(nlp, REPEATING, LINES) == set(range(len(REPEATING)))


def test_gate_runs_the_matcher_on_all_for_unread_operators(nlp: Language) -> None:
    rules = REPEATING + UNREAD
    assert _check_gate(nlp, rules, LINES) == set(range(len(rules)))


def _packaged_texts() -> list[str]:
    return (
        [p.read_text(encoding="utf8") for p in sorted(SEEDS.glob("*.txt"))]
        + LINES
        + [
            "Complete response and partial remission rates; adverse events were not observed.",
            "There is no direct evidence that it may be a highly effective drug in patients with "
            "asthma, but no improvement in the treatment of eczema; relapse was not ruled out.",
        ]
    )


def test_gate_on_the_packaged_rules(nlp: Language) -> None:
    """The packaged outcome cues and ConText `pattern` rules: the Matcher's matches, many of
    each kind (one-token cues, longer ones, ConText rules with repeated tokens)."""
    cues: list[PatternRule] = list(load_cues(rule_file(CUES_FILE)))
    context: list[PatternRule] = [
        MatcherPattern(r.pattern) for r in load_context_rules(DEFAULT_RULES) if r.pattern
    ]
    texts = _packaged_texts()
    for rules in (cues, context):
        matched = _check_gate(nlp, rules, texts)
        lengths = {len(rules[r].pattern) for r in matched if not isinstance(rules[r].pattern, str)}
        assert len(matched) >= 10 and 1 in lengths and max(lengths) >= 3
    repeating = {
        k for k, r in enumerate(context) if any(s.get("OP") in ("*", "+") for s in r.pattern)
    }
    assert _check_gate(nlp, context, texts) & repeating


def test_bad_pattern_names_its_rule(nlp: Language) -> None:
    rules = [MatcherPattern([{"LOWER": "a"}, {"LOWER": "b"}]), MatcherPattern([{"LOWR": "c"}])]
    with pytest.raises(CuePatternError) as err:
        CueGate(nlp, rules, validate=True)
    assert err.value.index == 1
