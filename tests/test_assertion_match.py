"""biotab_assertion's fast matching (pipeline/components/assertion_match.py) finds what spaCy's
Matcher finds: the fixed phrases, the `after` patterns read off token arrays, and the one-token
PRESUPPOSED cues left out where no mention follows them."""

from __future__ import annotations

from pathlib import Path

from helpers import annotate_mentions as annotate
from helpers import assertion_letters as flags_list
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from pipeline.components.assertion import ContextAssertion
from pipeline.components.assertion_match import DocArrays, fixed_phrases

# sentences with the cue words of the rules read fast, and mentions to set as ents
SENTENCES = [
    ("No hypersensitivity reactions to infliximab were observed with it.",
     [("hypersensitivity", "DISEASE"), ("infliximab", "DRUG")]),
    ("Cardiotoxicity with trastuzumab was not observed; the effects of aspirin were not seen.",
     [("Cardiotoxicity", "DISEASE"), ("trastuzumab", "DRUG"), ("aspirin", "DRUG")]),
    ("Should pneumonitis develop, stop. Patients with asthma may develop fever with heparin.",
     [("pneumonitis", "DISEASE"), ("asthma", "DISEASE"), ("fever", "DISEASE"),
      ("heparin", "DRUG")]),
    ("No natalizumab-treated patient had adverse effects of warfarin or side effects of it.",
     [("natalizumab", "DRUG"), ("warfarin", "DRUG")]),
    ("Some improvement in the rash, but no alopecia. Relapse of uveitis occurred on MTX.",
     [("rash", "DISEASE"), ("alopecia", "DISEASE"), ("uveitis", "DISEASE"), ("MTX", "DRUG")]),
]  # fmt: skip


def _docs(blank: Language, seeds_dir: Path) -> list[Doc]:
    docs = [annotate(blank, text, mentions) for text, mentions in SENTENCES]
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = blank(path.read_text(encoding="utf-8"))
        # (every tenth word a DISEASE mention: ENT_TYPE conditions have something to read)
        doc.set_ents([Span(doc, i, i + 1, label="DISEASE") for i in range(0, len(doc), 10)])
        docs.append(doc)
    return docs


def test_fixed_phrases_are_what_the_pattern_matches() -> None:
    pattern = [{"LOWER": {"IN": ["was", "were"]}}, {"LOWER": "not"}, {"LOWER": "seen"}]
    assert fixed_phrases(pattern) == [("was", "not", "seen"), ("were", "not", "seen")]
    # one token, an operator, another attribute, an upper-case word (the Matcher compares the
    # token's lower case with it as written: it never matches) or too many: not phrases
    assert fixed_phrases([{"LOWER": "not"}]) is None
    assert fixed_phrases([{"LOWER": "not"}, {"LOWER": "a", "OP": "?"}]) is None
    assert fixed_phrases([{"LOWER": "not"}, {"ORTH": "May"}]) is None
    assert fixed_phrases([{"LOWER": "not"}, {"LOWER": "IL-6"}]) is None
    many = [{"LOWER": {"IN": [f"w{i}" for i in range(50)]}}] * 2
    assert fixed_phrases(many) is None


def test_pattern_rules_match_what_the_matcher_matches(
    blank: Language, assertion: ContextAssertion, seeds_dir: Path
) -> None:
    """The `pattern` rules' matches (phrases and cue gate) are one Matcher's over the doc."""
    reference = Matcher(blank.vocab)
    for i, rule in enumerate(assertion.rules):
        if rule.pattern is not None:
            reference.add(f"context_rule_{i}", [list(rule.pattern)])
    found = 0
    for doc in _docs(blank, seeds_dir):
        fast = assertion._pattern_matches(doc)
        assert sorted(fast) == sorted(reference(doc))
        found += len(fast)
    assert found > 100
    assert len(assertion._fixed) > 10  # not vacuous: rules are read as phrases


def test_after_patterns_hold_where_the_matcher_matches(
    blank: Language, assertion: ContextAssertion, seeds_dir: Path
) -> None:
    """`AfterPatterns.holds` on every window before every token, for every `after` pattern,
    against a Matcher run on the window."""
    keys = [k for k, r in assertion._rule_of.items() if r.after is not None]
    assert len(assertion._after._read) == len(keys)  # every packaged `after` is read fast
    held = 0
    for doc in _docs(blank, seeds_dir):
        arrays = DocArrays(doc)
        for end in range(1, len(doc) + 1):
            for width in (1, 2, 4):
                lo = max(0, end - width)
                window = {m for m, _, _ in assertion._before(doc[lo:end])}
                for key in keys:
                    got = assertion._after.holds(arrays, key, lo, end)
                    assert got == (key in window), (doc[lo:end].text, assertion._rule_of[key])
                    held += got
    assert held > 20


def test_sentence_start(blank: Language) -> None:
    doc = blank("No fever. No rash. Nothing")
    arrays = DocArrays(doc)
    assert [arrays.sentence_start(i) for i in range(len(doc))] == [
        t.sent.start for t in doc
    ]
    assert DocArrays(blank.make_doc("no sentences here")).sentence_start(2) == 0


def test_next_sentence_start(blank: Language) -> None:
    """The first sentence start at or after a token, as walking the tokens finds it."""
    for doc in (blank("No fever. No rash. Nothing"), blank.make_doc("no sentences here")):
        arrays = DocArrays(doc)
        for i in range(1, len(doc) + 1):
            walked = i
            while walked < len(doc) and not doc[walked].is_sent_start:
                walked += 1
            assert arrays.next_sentence_start(i) == walked, (doc.text, i)


def test_idle_cues_left_out_change_no_flag(blank: Language) -> None:
    """The one-token PRESUPPOSED cues `cues` leaves out (no mention of their labels follows)
    would have changed no flag."""
    fast = ContextAssertion(blank, "a")
    every = ContextAssertion(blank, "b")
    every._idle_keys = set()
    left_out = 0
    for text, mentions in SENTENCES:
        doc = annotate(blank, text, mentions)
        fast(doc)
        got = flags_list(doc)
        every(doc)
        assert flags_list(doc) == got, text
        left_out += len(every.cues(doc, doc.ents)) - len(fast.cues(doc, doc.ents))
    assert left_out > 0
