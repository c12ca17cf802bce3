"""biotab_assertion's rules: the packaged file valid, match shortcuts, bad rules rejected naming
their line and key, round trip to disk, the factory in a pipeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import srsly
from helpers import annotate_mentions as annotate
from spacy.language import Language
from spacy.tokens import Span

from pipeline.components.assertion import (
    DEFAULT_RULES,
    ContextAssertion,
    load_context_rules,
    parse_rule,
)
from pipeline.rules import RuleError


def test_packaged_rules_are_valid() -> None:
    rules = load_context_rules(DEFAULT_RULES)
    categories = {r.category for r in rules}
    assert categories == {
        "NEGATED", "HYPOTHETICAL", "UNCERTAIN", "PRESUPPOSED", "PSEUDO", "TERMINATE"
    }  # fmt: skip


def test_match_shortcuts_find_what_the_matcher_finds(
    blank: Language, assertion: ContextAssertion, seeds_dir: Path
) -> None:
    """The `pattern` rules' matches through the cue gate (one-token rules per string, the longer
    ones on the windows where one can start): the same matches as one spaCy Matcher of every
    pattern over the whole doc (the seed documents and lines of cue words, with the optional and
    repeated tokens of the longer rules)."""
    from spacy.matcher import Matcher

    reference = Matcher(blank.vocab)
    for i, rule in enumerate(assertion.rules):
        if rule.pattern is not None:
            reference.add(f"context_rule_{i}", [list(rule.pattern)])
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    lines = [
        "May may MAY with patients with but no improvement in X, but not Y appears to be",
        "No significant clinically major increase; no change. It may be a highly very useful or "
        "may be useful drug, without any significant major effects or without change.",
        "There is no direct clear evidence from the published studies that suggests that it "
        "works, and no data on it.",
    ]
    for text in texts + lines:
        doc = blank.make_doc(text)
        fast = assertion._pattern_matches(doc)
        assert sorted(fast) == sorted(reference(doc))
    # not vacuous: the lines hold one-token matches and longer ones, some with repeated tokens
    found = {e - s for text in lines for _, s, e in assertion._pattern_matches(blank(text))}
    assert 1 in found and max(found) >= 6


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"literal": "no", "category": "NEGATIVE", "direction": "forward"}, "'category'"),
        ({"literal": "no", "category": "NEGATED", "direction": "sideways"}, "'direction'"),
        ({"literal": "no", "category": "NEGATED"}, "missing key 'direction'"),
        ({"literal": "no", "category": "NEGATED", "direction": "forward", "scope": 3}, "'scope'"),
        ({"category": "NEGATED", "direction": "forward"}, "exactly one of"),
        ({"literal": "but", "category": "TERMINATE", "direction": "forward"}, "'direction'"),
        ({"literal": "no", "category": "NEGATED", "direction": "forward", "max_scope": 0}, ">= 1"),
        ({"literal": "no", "category": "NEGATED", "direction": "forward", "max_scope": "5"}, "int"),
        ({"pattern": [], "category": "PSEUDO"}, "'pattern'"),
        ({"literal": ",", "category": "PSEUDO", "applies_to": ["NEGATED"]}, "'applies_to'"),
        ({"literal": ",", "category": "TERMINATE", "applies_to": ["PSEUDO"]}, "'applies_to'"),
        ({"literal": "with", "category": "PRESUPPOSED"}, "missing key 'direction'"),
        (
            {
                "literal": "with",
                "category": "PRESUPPOSED",
                "direction": "forward",
                "applies_to": ["PRESUPPOSED"],
            },
            "'applies_to'",
        ),
        ({"literal": "x", "category": "PSEUDO", "labels": ["DRUG"]}, "'labels'"),
        ({"literal": "x", "category": "PSEUDO", "after": []}, "'after'"),
        ({"literal": "x", "category": "PSEUDO", "after": [{}]}, "'after'"),
        ({"literal": "x", "category": "PSEUDO", "after_within": 3}, "needs the key 'after'"),
        ({"literal": "x", "category": "PSEUDO", "after_clause": True}, "needs the key 'after'"),
        ({"literal": "x", "category": "PSEUDO", "followed_before": [","]},
         "needs the key 'followed_by'"),
        ({"literal": "x", "category": "PSEUDO", "followed_by": [{"LOWER": "y"}],
          "followed_before": ["And"]}, "lower-case words"),
        ({"literal": "x", "category": "PSEUDO", "after": [{"LOWER": "y"}],
          "after_list": ["and"]}, "needs the key 'after_clause' (true)"),
        ({"literal": "x", "category": "PSEUDO", "after": [{"LOWER": "y"}], "after_clause": True,
          "after_list": []}, "lower-case words"),
        (
            {"literal": "x", "category": "PSEUDO", "after": [{"LOWER": "y"}], "after_within": 0},
            ">= 1",
        ),
    ],
)
def test_bad_rule_is_rejected(line: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(line, "rules.jsonl:7")
    assert "rules.jsonl:7" in str(err.value) and message in str(err.value)


def test_bad_rule_file_names_line(tmp_path: Path, blank: Language) -> None:
    path = tmp_path / "rules.jsonl"
    good = {"literal": "no", "category": "NEGATED", "direction": "forward"}
    bad = {"literal": "not", "category": "NEGATED", "direction": "forwards"}
    path.write_text(f"// comment\n{json.dumps(good)}\n{json.dumps(bad)}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"rules\.jsonl:3: key 'direction' is 'forwards'"):
        ContextAssertion(blank, "a", rules_path=str(path))


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        ({"pattern": [{"LOWR": "no"}], "category": "NEGATED", "direction": "forward"}, "pattern"),
        ({"literal": "x", "category": "PSEUDO", "after": [{"LOWR": "no"}]}, "after"),
    ],
)
def test_bad_matcher_pattern_is_rejected(
    tmp_path: Path, blank: Language, rule: dict[str, Any], key: str
) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text(json.dumps(rule) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"rule 1 .*key '{key}' is not a valid spaCy Matcher"):
        ContextAssertion(blank, "a", rules_path=str(path))


def test_round_trip_to_disk(tmp_path: Path, blank: Language) -> None:
    rules = tmp_path / "rules.jsonl"
    lines = [
        {"literal": "sans", "category": "NEGATED", "direction": "forward"},
        {"literal": "but sans", "category": "PSEUDO", "after": [{"LOWER": "gain"}],
         "after_within": 3},
        {"literal": "with", "category": "PRESUPPOSED", "direction": "forward", "max_scope": 2,
         "applies_to": ["NEGATED"]},
    ]  # fmt: skip
    srsly.write_jsonl(rules, lines)
    original = ContextAssertion(blank, "a", rules_path=str(rules), max_scope=4, labels=["DRUG"],
                                skip_non_english=False)
    original.to_disk(tmp_path / "saved")
    restored = ContextAssertion(blank, "a").from_disk(tmp_path / "saved")
    assert restored.rules == original.rules
    assert restored.max_scope == 4 and restored.target_labels == {"DRUG"}
    assert restored.skip_non_english is False
    doc = annotate(blank, "Treated sans aspirin.", [("aspirin", "DRUG")])
    restored(doc)
    assert doc.ents[0]._.negated
    doc = annotate(blank, "Weight gain but sans aspirin.", [("aspirin", "DRUG")])
    restored(doc)
    assert not doc.ents[0]._.negated  # the PSEUDO rule's `after` came back
    doc = annotate(blank, "Seen sans with aspirin.", [("aspirin", "DRUG")])
    restored(doc)
    assert not doc.ents[0]._.negated  # so did the PRESUPPOSED rule


def test_factory_in_a_pipeline(tmp_path: Path) -> None:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    nlp.add_pipe("biotab_assertion", config={"max_scope": 6})
    doc = nlp.make_doc("No fever was seen.")
    doc.set_ents([Span(doc, 1, 2, label="DISEASE")])
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert doc.ents[0]._.negated
    component = nlp.get_pipe("biotab_assertion")
    assert isinstance(component, ContextAssertion)
    component.to_disk(tmp_path / "assertion")
    assert (tmp_path / "assertion" / "context_rules.jsonl").exists()


