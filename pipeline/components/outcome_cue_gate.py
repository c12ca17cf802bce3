"""Where the outcome cues (`rules/outcome_cues.jsonl`) match in a sentence, fast.

`CueGate.matches` gives exactly what spaCy's `Matcher` over all cue patterns gives on the
sentence, doing less of the Matcher's work:

- a one-token cue whose condition reads only the token's text (LOWER, TEXT or ORTH: a string,
  {"IN": [...]} or {"REGEX": ...}) is decided per string, as the Matcher decides it;
- the other cues go to a Matcher of their own, run only on the windows where one of them can
  start: a match starting at token k consumes k with one of its first specs (the first, or a
  later one when all before it are optional) and then either ends (all specs after it
  optional) or consumes k + 1 with a spec that may follow. The gate checks those two tokens
  against each such pair of specs; the window is as long as the longest cue that passed.

A condition the gate cannot read holds for every string (the gate may let too much through,
never too little). Results are cached per string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import StringStore
from spacy.tokens import Doc

from pipeline.components.outcome_rules import CueRule

# Entries kept in a string cache before it is emptied (memory bound on long runs).
CACHE_LIMIT = 200_000

# (text, lower-cased text) -> does the condition hold
Check = Callable[[str, str], bool]


def cue_matcher(nlp: Language, cues: Sequence[CueRule],
                only: Iterable[int] | None = None) -> Matcher:  # fmt: skip
    """spaCy Matcher over the cue rules (those whose indices are in `only`, when given); match
    ids are the rule indices as strings. A phrase cue matches its tokens' lower-cased text."""
    matcher = Matcher(nlp.vocab)
    for k in range(len(cues)) if only is None else only:
        matcher.add(str(k), [token_specs(nlp, cues[k])])
    return matcher


def token_specs(nlp: Language, rule: CueRule) -> list[dict[str, Any]]:
    """The rule's Matcher pattern (a phrase: its tokens' lower-cased text)."""
    if isinstance(rule.pattern, str):
        return [{"LOWER": t.text.lower()} for t in nlp.make_doc(rule.pattern)]
    return rule.pattern


class CueGate:
    """The cue matches of a sentence (see the module's docstring)."""

    def __init__(self, nlp: Language, cues: Sequence[CueRule]) -> None:
        # the cues decided per string: their rule indices, and one spec each for the mask
        self._single_rules: list[int] = []
        single_specs: list[dict[str, Any]] = []
        multi: list[int] = []
        all_specs = [token_specs(nlp, rule) for rule in cues]
        for k, specs in enumerate(all_specs):
            one = text_condition(specs[0]) if len(specs) == 1 else None
            if one is not None and specs[0].get("OP", "1") == "1":
                self._single_rules.append(k)
                single_specs.append(dict([one]))
            else:
                multi.append(k)
        self.matcher = cue_matcher(nlp, cues, only=multi)
        self._single = _MaskBuilder(single_specs)
        # the pairs of specs a match of a longer cue can start with: bit p of a string's first
        # (second) mask says the string meets the first (second) spec of pair p
        firsts: list[dict[str, Any]] = []
        seconds: list[dict[str, Any] | None] = []
        self._lengths: list[int] = []
        for k in multi:
            specs = all_specs[k]
            for first, second in start_pairs(specs):
                firsts.append(first)
                seconds.append(second)
                self._lengths.append(len(specs))
        # pairs whose match may end after its first token
        self._alone = sum(1 << p for p, s in enumerate(seconds) if s is None)
        self._first = _MaskBuilder(firsts)
        followed = [p for p, s in enumerate(seconds) if s is not None]
        self._second = _MaskBuilder([s for s in seconds if s is not None], followed)
        self._reach: dict[int, int] = {0: 0}
        self._cache: dict[int, tuple[int, int, tuple[int, ...]]] = {}

    def _singles(self, text: str, low: str) -> tuple[int, ...]:
        """The one-token cues a token with this text matches, as the Matcher reads them."""
        mask = self._single.mask(text, low)
        return tuple(k for bit, k in enumerate(self._single_rules) if mask >> bit & 1)

    def _entry(self, orth: int, strings: StringStore) -> tuple[int, int, tuple[int, ...]]:
        """(first mask, second mask, one-token cues) of a token's text."""
        got = self._cache.get(orth)
        if got is None:
            text = strings[orth]
            low = text.lower()
            got = (self._first.mask(text, low), self._second.mask(text, low),
                   self._singles(text, low))  # fmt: skip
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[orth] = got
        return got

    def _window(self, passed: int) -> int:
        """Length of the longest cue among the pairs whose bits are set."""
        n = self._reach.get(passed)
        if n is None:
            n = max(self._lengths[p] for p in range(passed.bit_length()) if passed >> p & 1)
            if len(self._reach) >= CACHE_LIMIT:
                self._reach.clear()
            self._reach[passed] = n
        return n

    def matches(self, doc: Doc, orth: list[int], start: int,
                end: int) -> list[tuple[int, int, int]]:  # fmt: skip
        """(rule index, start, end) of every cue match in doc[start:end] (`orth`: the doc's
        tokens' ORTH), sentence-relative: what the Matcher of all cues finds there."""
        strings = doc.vocab.strings
        out: list[tuple[int, int, int]] = []
        windows: list[tuple[int, int]] = []
        entries = [self._entry(o, strings) for o in orth[start:end]]
        alone = self._alone
        for i, (first, _, singles) in enumerate(entries):
            for r in singles:
                out.append((r, i, i + 1))
            if not first:
                continue
            nxt = entries[i + 1][1] if i + 1 < len(entries) else 0
            passed = first & (nxt | alone)
            if passed:
                k = start + i
                hi = min(end, k + self._window(passed))
                if windows and k <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
                else:
                    windows.append((k, hi))
        for a, b in windows:
            for match_id, ti, tj in self.matcher(doc[a:b]):
                out.append((int(strings[match_id]), ti + a - start, tj + a - start))
        return out


def start_pairs(specs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """The (first, second) token specs a match can start with; second None where the match
    can end after its first token. OPs are "1" or "?" (`outcome_rules.CUE_OPS`)."""
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for i, first in enumerate(specs):
        for j in range(i + 1, len(specs)):
            pairs.append((first, specs[j]))
            if specs[j].get("OP") != "?":
                break
        else:
            pairs.append((first, None))
        if first.get("OP") != "?":
            break
    return pairs


class _MaskBuilder:
    """A string's mask over a list of token specs: bit `bits[p]` set where spec p holds."""

    def __init__(self, specs: list[dict[str, Any]], bits: list[int] | None = None) -> None:
        bits = list(range(len(specs))) if bits is None else bits
        # one check per distinct condition, with the bits of every spec that has it; text
        # conditions apart, behind one search that says when none of them can hold
        text: dict[str, tuple[Check, int]] = {}
        other: dict[str, tuple[Check, int]] = {}
        text_conds: list[tuple[str, Any]] = []
        for spec, bit in zip(specs, bits, strict=True):
            cond = _strip_op(spec)
            key = json.dumps(cond, sort_keys=True)
            one = text_condition(cond)
            table = other if one is None else text
            check, mask = table.get(key, (_spec_check(cond), 0))
            table[key] = (check, mask | 1 << bit)
            if one is not None:
                text_conds.append(one)
        self._text = list(text.values())
        self._other = list(other.values())
        self._maybe = _any_check(text_conds)

    def mask(self, text: str, low: str) -> int:
        out = 0
        for check, bits in self._other:
            if check(text, low):
                out |= bits
        if self._text and self._maybe(text, low):
            for check, bits in self._text:
                if check(text, low):
                    out |= bits
        return out


def text_condition(spec: dict[str, Any]) -> tuple[str, Any] | None:
    """(attribute, condition) of a token spec that reads only the token's text: LOWER, TEXT or
    ORTH with a string, {"IN": [strings]} or {"REGEX": ...}; None otherwise."""
    cond = _strip_op(spec)
    if len(cond) != 1:
        return None
    key, value = next(iter(cond.items()))
    if key not in ("LOWER", "TEXT", "ORTH"):
        return None
    if isinstance(value, str):
        return key, value
    if (
        isinstance(value, dict)
        and set(value) == {"IN"}
        and all(isinstance(v, str) for v in value["IN"])
    ):
        return key, value
    if isinstance(value, dict) and set(value) == {"REGEX"} and isinstance(value["REGEX"], str):
        return key, value
    return None


def _check(key: str, cond: Any) -> Check:
    """A text condition (`text_condition`) as the Matcher reads it: equal, in the set, or the
    regex found in the token's text or its lower case."""
    lower = key == "LOWER"
    if isinstance(cond, str):
        return (lambda t, low: low == cond) if lower else (lambda t, low: t == cond)
    if "IN" in cond:
        values = frozenset(cond["IN"])
        return (lambda t, low: low in values) if lower else (lambda t, low: t in values)
    rx = re.compile(cond["REGEX"])
    if lower:
        return lambda t, low: rx.search(low) is not None
    return lambda t, low: rx.search(t) is not None


def _spec_check(cond: dict[str, Any]) -> Check:
    """A token spec (without OP) as a check on the token's text: exact for text conditions
    and IS_ALPHA; True for what depends on more than the text."""
    one = text_condition(cond)
    if one is not None:
        return _check(*one)
    if set(cond) == {"IS_ALPHA"} and isinstance(cond["IS_ALPHA"], bool):
        want = cond["IS_ALPHA"]
        return lambda t, low: t.isalpha() == want
    return lambda t, low: True


def _any_check(conds: list[tuple[str, Any]]) -> Check:
    """False only where none of the conditions can hold: one search of the joined regexes of
    the text conditions (each a superset of its condition); True whenever a condition is not
    a text condition or the regexes cannot be joined."""
    lower: list[str] = []
    text: list[str] = []
    for key, cond in conds:
        one = text_condition({key: cond}) if key else None
        if one is None:
            return lambda t, low: True
        (lower if key == "LOWER" else text).append(_as_regex(cond))
    lower_re, text_re = _joined(lower), _joined(text)
    if (lower and lower_re is None) or (text and text_re is None):
        return lambda t, low: True  # cannot be joined: every string may match
    if lower_re is not None and text_re is not None:
        return lambda t, low: lower_re.search(low) is not None or text_re.search(t) is not None
    if lower_re is not None:
        return lambda t, low: lower_re.search(low) is not None
    if text_re is not None:
        return lambda t, low: text_re.search(t) is not None
    return lambda t, low: False


def _as_regex(cond: Any) -> str:
    """A text condition as a regex searched in the value; it finds at least what the
    condition accepts."""
    if isinstance(cond, str):
        return f"^{re.escape(cond)}$"
    if "IN" in cond:
        return "^(?:" + "|".join(re.escape(str(v)) for v in cond["IN"]) + ")$"
    return f"(?:{cond['REGEX']})"


# Numbered back-references ("\\1", "(?P=name)" is fine but refused alike): joined after other
# alternatives, a number would point at another group.
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


def _joined(alternatives: list[str]) -> re.Pattern[str] | None:
    """The alternatives as one regex; None when they cannot be joined (inline flags, which
    must open a regex; back-references)."""
    if not alternatives or any(_BACKREF.search(a) for a in alternatives):
        return None
    try:
        return re.compile("|".join(alternatives))
    except re.error:
        return None


def _strip_op(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k != "OP"}
