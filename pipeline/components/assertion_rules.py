"""`biotab_assertion`'s rules: the ConText rule schema (`ContextRule`), read from
`rules/context_rules.jsonl` and validated on load (`parse_rule`, `load_context_rules`). What
the keys mean: `pipeline/components/assertion.py`'s docstring and the rule file's header."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.paths import rule_file
from pipeline.rules import RuleError, check_entry, read_jsonl

RULES_FILE = "context_rules.jsonl"
DEFAULT_RULES = rule_file(RULES_FILE)
MODIFIERS = ("NEGATED", "HYPOTHETICAL", "UNCERTAIN")
PRESUPPOSED = "PRESUPPOSED"
SCOPED = (*MODIFIERS, PRESUPPOSED)  # the categories with a direction and a scope
CATEGORIES = (*SCOPED, "PSEUDO", "TERMINATE")
DIRECTIONS = ("forward", "backward", "bidirectional")
_REQUIRED: dict[str, Any] = {"category": str}
_OPTIONAL: dict[str, Any] = {
    "literal": str, "pattern": list, "direction": str, "max_scope": int, "comment": str,
    "applies_to": list, "after_mention": bool, "after": list, "after_within": int,
    "after_clause": bool, "after_list": list, "followed_by": list, "followed_within": int,
    "followed_before": list, "elliptical": bool, "labels": list, "negatable": bool,
}  # fmt: skip


@dataclass(frozen=True)
class ContextRule:
    """One ConText rule (see the module docstring)."""

    category: str
    literal: str | None = None
    pattern: tuple[Any, ...] | None = None
    direction: str | None = None
    max_scope: int | None = None
    comment: str | None = None
    applies_to: tuple[str, ...] | None = None
    after_mention: bool = False
    after: tuple[Any, ...] | None = None
    after_within: int | None = None
    after_clause: bool = False
    after_list: tuple[str, ...] | None = None
    followed_by: tuple[Any, ...] | None = None
    followed_within: int | None = None
    followed_before: tuple[str, ...] | None = None
    elliptical: bool = False
    labels: tuple[str, ...] | None = None
    negatable: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.literal is not None:
            out["literal"] = self.literal
        if self.pattern is not None:
            out["pattern"] = list(self.pattern)
        out["category"] = self.category
        if self.direction is not None:
            out["direction"] = self.direction
        if self.max_scope is not None:
            out["max_scope"] = self.max_scope
        if self.applies_to is not None:
            out["applies_to"] = list(self.applies_to)
        if self.after_mention:
            out["after_mention"] = True
        if self.after is not None:
            out["after"] = list(self.after)
        if self.after_within is not None:
            out["after_within"] = self.after_within
        if self.after_clause:
            out["after_clause"] = True
        if self.after_list is not None:
            out["after_list"] = list(self.after_list)
        if self.followed_by is not None:
            out["followed_by"] = list(self.followed_by)
        if self.followed_within is not None:
            out["followed_within"] = self.followed_within
        if self.followed_before is not None:
            out["followed_before"] = list(self.followed_before)
        if self.elliptical:
            out["elliptical"] = True
        if self.labels is not None:
            out["labels"] = list(self.labels)
        if self.negatable:
            out["negatable"] = True
        if self.comment is not None:
            out["comment"] = self.comment
        return out

    def stops(self, category: str) -> bool:
        """This TERMINATE rule ends the scope of a `category` cue."""
        return self.applies_to is None or category in self.applies_to

    def shields(self) -> tuple[str, ...]:
        """The flags this PRESUPPOSED rule keeps off the mentions in its scope."""
        return self.applies_to or MODIFIERS

    def flags(self, label: str) -> bool:
        """This modifier rule flags (PRESUPPOSED: shields) a mention labelled `label`."""
        return self.labels is None or label in self.labels


def _is_pattern(value: Any) -> bool:
    return bool(value) and all(isinstance(t, dict) and t for t in value)


def parse_rule(obj: Any, where: str) -> ContextRule:
    """Validate one rule object; raise RuleError (a ValueError) naming `where`, key, expectation."""
    entry = check_entry(
        obj, where=where, required=_REQUIRED, optional=_OPTIONAL,
        choices={"category": CATEGORIES, "direction": DIRECTIONS},
    )  # fmt: skip
    _check_cue(entry, where)
    _check_category_keys(entry, where)
    _check_values(entry, where)
    # (check_entry gave every key its type: a list becomes the rule's tuple, a missing key
    # the field's default)
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
    return ContextRule(**fields)


def _check_cue(entry: dict[str, Any], where: str) -> None:
    """RuleError unless the rule `entry` names its cue by exactly one of a non-blank
    `literal` and a `pattern`, and each of its patterns is a list of Matcher token dicts."""
    has_literal, has_pattern = "literal" in entry, "pattern" in entry
    if has_literal == has_pattern:
        raise RuleError(f"{where}: expected exactly one of the keys 'literal' and 'pattern'")
    if has_literal and not entry["literal"].strip():
        raise RuleError(f"{where}: key 'literal' is empty: expected a cue phrase")
    for key in ("pattern", "after", "followed_by"):
        if key in entry and not _is_pattern(entry[key]):
            raise RuleError(
                f"{where}: key {key!r} is {entry[key]!r}: expected a non-empty list of "
                "spaCy Matcher token dicts"
            )


def _check_category_keys(entry: dict[str, Any], where: str) -> None:
    """RuleError unless the rule `entry` has the keys its category allows: a direction for
    a scoped cue (only for one), `applies_to`, `after_mention`, `labels` and `negatable` only
    for the categories they mean something in, `applies_to` naming categories it can act on."""
    category = entry["category"]
    if category in SCOPED and "direction" not in entry:
        raise RuleError(
            f"{where}: missing key 'direction' for a {category} cue (expected one of "
            f"{list(DIRECTIONS)})"
        )
    if category not in SCOPED and "direction" in entry:
        raise RuleError(
            f"{where}: key 'direction' is not allowed for a {category} rule (expected it only "
            f"for {list(SCOPED)})"
        )
    allowed_in = {
        "applies_to": ("TERMINATE", PRESUPPOSED), "after_mention": ("TERMINATE",),
        "labels": SCOPED, "negatable": (PRESUPPOSED,),
    }  # fmt: skip
    for key, categories in allowed_in.items():
        if key in entry and category not in categories:
            raise RuleError(
                f"{where}: key {key!r} is only allowed for {' and '.join(categories)} rules "
                f"(this is {category})"
            )
    targets = SCOPED if category == "TERMINATE" else MODIFIERS
    if "applies_to" in entry and (
        not entry["applies_to"] or not set(entry["applies_to"]) <= set(targets)
    ):
        raise RuleError(
            f"{where}: key 'applies_to' is {entry['applies_to']!r}: expected a non-empty list "
            f"of {list(targets)}"
        )


def _check_values(entry: dict[str, Any], where: str) -> None:
    """RuleError unless the rule `entry`'s lists of labels and words are non-empty (the words
    lower-case), its distances at least 1, and each key that limits a pattern (`after_within`,
    `followed_before`, ...) comes with the key it limits."""
    if "labels" in entry and (
        not entry["labels"] or not all(isinstance(x, str) and x for x in entry["labels"])
    ):
        raise RuleError(
            f"{where}: key 'labels' is {entry['labels']!r}: expected a non-empty list of mention "
            "labels"
        )
    for key in ("followed_before", "after_list"):
        if key in entry and (
            not entry[key]
            or not all(isinstance(w, str) and w and w == w.lower() for w in entry[key])
        ):
            raise RuleError(
                f"{where}: key {key!r} is {entry[key]!r}: expected a non-empty list of "
                "lower-case words"
            )
    for key in ("max_scope", "after_within", "followed_within"):
        if key in entry and entry[key] < 1:
            raise RuleError(f"{where}: key {key!r} is {entry[key]}: expected an int >= 1")
    for within, pattern in (
        ("after_within", "after"), ("after_clause", "after"), ("followed_within", "followed_by"),
        ("followed_before", "followed_by"), ("after_list", "after_clause"),
    ):
        if within in entry and not entry.get(pattern):
            what = "true" if pattern == "after_clause" else "a pattern"
            raise RuleError(f"{where}: key {within!r} needs the key {pattern!r} ({what})")


def load_context_rules(path: str | Path) -> list[ContextRule]:
    """Read and validate a ConText rule file (JSONL, `//` comment lines)."""
    path = Path(path)
    return [parse_rule(obj, f"{path}:{lineno}") for lineno, obj in read_jsonl(path)]


def pattern_error(where: str, rule: ContextRule, name: str, exc: Exception) -> RuleError:
    """The RuleError for a rule whose key `name` holds a pattern spaCy's Matcher refuses."""
    return RuleError(
        f"{where} ({rule.comment or rule.category}): key {name!r} is not a valid spaCy "
        f"Matcher pattern: {exc}"
    )
