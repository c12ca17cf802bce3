"""Where cue rules match in a span of a Doc, fast: the cue gate shared by `biotab_assertion`
(its `pattern` rules, `rules/context_rules.jsonl`) and `biotab_outcomes` (the outcome cues,
`rules/outcome_cues.jsonl`).

`CueGate.matches` gives exactly what spaCy's `Matcher` over all the rules' patterns gives on the
span, doing less of the Matcher's work:

- a one-token cue whose condition reads only the token's text (LOWER, TEXT or ORTH: a string,
  {"IN": [...]} or {"REGEX": ...}) is decided per string, as the Matcher decides it;
- the other cues go to a Matcher of their own, run only on the windows where one of them can
  start: a match starting at token k consumes k with one of its first specs (the first, or a
  later one when all before it are optional) and then either ends (all specs after it
  optional) or consumes k + 1 with a spec that may follow (itself again, when it repeats). The
  gate checks those two tokens against each such pair of specs. The window is as long as the
  longest cue that passed; for a cue that repeats a token ("*", "+") it runs on as long as the
  tokens meet a spec of such a cue. A window goes to a Matcher of only the cues that passed
  there (no other cue can match in it; the Matcher of all cues tries every cue at every token,
  a REGEX or IN condition being a Python call): the same matches, in the same order. A cue
  with another operator ("!", "{n,m}") makes the window the whole span, read by the Matcher of
  all cues.

A condition the gate cannot read holds for every string (the gate may let too much through,
never too little). Results are cached per string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import StringStore
from spacy.tokens import Doc

from pipeline.components.regex_words import whole_words

# Entries kept in a string cache before it is emptied (memory bound on long runs).
CACHE_LIMIT = 200_000
# Matchers of sets of cues kept before they are dropped (`CueGate._window_matcher`).
MATCHER_LIMIT = 1_000
# Operators the gate reads (any other makes it run the Matcher on the whole span).
GATED_OPS = ("1", "?", "*", "+")
_OPTIONAL = ("?", "*")  # may consume no token
_REPEATED = ("*", "+")  # may consume several tokens

# (text, lower-cased text) -> does the condition hold
Check = Callable[[str, str], bool]
# a string's (first mask, second mask, one-token cues, in a run of repeating cues' tokens)
_Entry = tuple[int, int, tuple[int, ...], bool]


class PatternRule(Protocol):
    """What the gate reads of a rule: a phrase (matched on its tokens' lower-cased text) or a
    spaCy Matcher pattern."""

    @property
    def pattern(self) -> str | Sequence[Mapping[str, Any]]: ...


@dataclass(frozen=True)
class MatcherPattern:
    """A bare Matcher pattern, as a rule the gate reads."""

    pattern: Sequence[Mapping[str, Any]]


class CuePatternError(ValueError):
    """spaCy's Matcher refused the pattern of rule `index` (`cause`: its error)."""

    def __init__(self, index: int, cause: Exception) -> None:
        super().__init__(f"rule {index}: {cause}")
        self.index = index
        self.cause = cause


def token_specs(nlp: Language, rule: PatternRule) -> list[dict[str, Any]]:
    """The rule's Matcher pattern (a phrase: its tokens' lower-cased text)."""
    if isinstance(rule.pattern, str):
        return [{"LOWER": t.text.lower()} for t in nlp.make_doc(rule.pattern)]
    return [dict(spec) for spec in rule.pattern]


def cue_matcher(nlp: Language, rules: Sequence[PatternRule], only: Iterable[int] | None = None,
                *, validate: bool = False) -> Matcher:  # fmt: skip
    """spaCy Matcher over the rules (those whose indices are in `only`, when given); match ids
    are the rule indices as strings. CuePatternError for a pattern the Matcher refuses."""
    return _matcher(nlp, [token_specs(nlp, rule) for rule in rules], only, validate)


def _matcher(nlp: Language, all_specs: list[list[dict[str, Any]]], only: Iterable[int] | None,
             validate: bool) -> Matcher:  # fmt: skip
    matcher = Matcher(nlp.vocab, validate=validate)
    for k in range(len(all_specs)) if only is None else only:
        try:
            matcher.add(str(k), [all_specs[k]])
        except (MatchPatternError, ValueError) as exc:
            raise CuePatternError(k, exc) from exc
    return matcher


class CueGate:
    """The cue matches of a span (see the module's docstring).

    `validate`: the Matcher checks the patterns against its schema (CuePatternError names the
    first rule it refuses)."""

    def __init__(
        self, nlp: Language, rules: Sequence[PatternRule], *, validate: bool = False
    ) -> None:
        # the cues decided per string: their rule indices, and one spec each for the mask
        self._single_rules: list[int] = []
        single_specs: list[dict[str, Any]] = []
        multi: list[int] = []
        all_specs = [token_specs(nlp, rule) for rule in rules]
        for k, specs in enumerate(all_specs):
            one = text_condition(specs[0]) if len(specs) == 1 else None
            if one is not None and specs[0].get("OP", "1") == "1":
                self._single_rules.append(k)
                single_specs.append(dict([one]))
            else:
                multi.append(k)
        self.matcher = _matcher(nlp, all_specs, multi, validate)
        # match id -> rule index (the ids are hashes of the indices' strings, in any vocab)
        self._rule_of = {nlp.vocab.strings.add(str(k)): k for k in multi}
        # the Matchers of the sets of cues a window may hold (`_window_matcher`), by the set's
        # bits (bit k: rule k)
        self._nlp, self._all_specs = nlp, all_specs
        self._matchers: dict[int, Matcher] = {}
        firsts, seconds, repeating = self._set_pairs([(k, all_specs[k]) for k in multi])
        # One mask builder for every spec a string's entry reads, each kind in a field of its
        # bits (one-token cues, first specs, second specs, the repeating cues' specs): a new
        # string costs one set look-up and one regex search, not one per kind.
        n_single, n_pairs = len(single_specs), len(firsts)
        self._first_at, self._second_at = n_single, n_single + n_pairs
        self._live_bit = 1 << (n_single + 2 * n_pairs)
        followed = [p for p, s in enumerate(seconds) if s is not None]
        self._masks = _MaskBuilder(
            [*single_specs, *firsts, *(s for s in seconds if s is not None), *repeating],
            [*range(n_single + n_pairs), *(self._second_at + p for p in followed),
             *(n_single + 2 * n_pairs for _ in repeating)],
        )  # fmt: skip
        self._reach: dict[int, tuple[int, int]] = {0: (0, 0)}
        self._cache: dict[int, _Entry] = {}
        self._by_mask: dict[int, _Entry] = {}  # (`_entry`: the entry of each mask met)

    def _set_pairs(
        self, multi: list[tuple[int, list[dict[str, Any]]]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any] | None], list[dict[str, Any]]]:
        """The pairs of specs a match of a longer cue (rule index, specs) can start with (pair
        p: bit p of a string's first and second masks, `_entry`): their first specs, their
        second specs (None where the match may end after its first token); and the specs of the
        cues that repeat a token."""
        firsts: list[dict[str, Any]] = []
        seconds: list[dict[str, Any] | None] = []
        self._lengths: list[int] = []  # of each pair's cue; 0 where it repeats a token
        self._pair_rules: list[int] = []  # the rule of each pair's cue
        repeating: list[dict[str, Any]] = []
        self._whole = False  # some cue has an operator the gate does not read
        for rule, specs in multi:
            ops = {spec.get("OP", "1") for spec in specs}
            if not ops <= set(GATED_OPS):
                self._whole = True
                continue
            bounded = not ops & set(_REPEATED)
            if not bounded:
                repeating.extend(specs)
            for first, second in start_pairs(specs):
                firsts.append(first)
                seconds.append(second)
                self._lengths.append(len(specs) if bounded else 0)
                self._pair_rules.append(rule)
        # pairs whose match may end after its first token; pairs of the repeating cues
        self._alone = sum(1 << p for p, s in enumerate(seconds) if s is None)
        self._open = sum(1 << p for p, n in enumerate(self._lengths) if not n)
        return firsts, seconds, repeating

    def _entry(self, orth: int, strings: StringStore) -> _Entry:
        """(first mask, second mask, one-token cues, meets a repeating cue's spec) of a token's
        text."""
        got = self._cache.get(orth)
        if got is None:
            text = strings[orth]
            mask = self._masks.mask(text, text.lower())
            # (strings of one mask share its entry, made once: most strings meet no spec or
            # only a spec of every word, and a new string costs its mask and two look-ups)
            got = self._by_mask.get(mask)
            if got is None:
                got = self._by_mask[mask] = self._mask_entry(mask)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
                self._by_mask.clear()
            self._cache[orth] = got
        return got

    def _mask_entry(self, mask: int) -> _Entry:
        """The `_entry` of the strings whose `_MaskBuilder` mask is `mask`."""
        first_at, second_at = self._first_at, self._second_at
        singles = mask & ((1 << first_at) - 1)
        rules = self._single_rules
        return (
            mask >> first_at & ((1 << (second_at - first_at)) - 1),
            (mask & (self._live_bit - 1)) >> second_at,
            # (most strings are no one-token cue: no loop over every one)
            tuple(rules[bit] for bit in range(singles.bit_length()) if singles >> bit & 1)
            if singles else (),
            mask & self._live_bit != 0,
        )

    def _window(self, passed: int) -> tuple[int, int]:
        """Length of the longest cue among the pairs whose bits are set, and the bits of their
        rules (bit k: rule k)."""
        got = self._reach.get(passed)
        if got is None:
            pairs = [p for p in range(passed.bit_length()) if passed >> p & 1]
            rules = 0
            for p in pairs:
                rules |= 1 << self._pair_rules[p]
            got = max(self._lengths[p] for p in pairs), rules
            if len(self._reach) >= CACHE_LIMIT:
                self._reach.clear()
            self._reach[passed] = got
        return got

    def _window_matcher(self, rules: int) -> Matcher:
        """The Matcher of the rules whose bits are set: the cues that may match in a window (a
        match starts where its first two tokens pass, `matches`), which find there what the
        Matcher of all cues finds, in its order, at a fraction of its cost (it tries every
        pattern at every token, and a REGEX or IN condition is a Python call)."""
        matcher = self._matchers.get(rules)
        if matcher is None:
            if len(self._matchers) >= MATCHER_LIMIT:
                self._matchers.clear()
            ks = [k for k in range(rules.bit_length()) if rules >> k & 1]
            matcher = self._matchers[rules] = _matcher(self._nlp, self._all_specs, ks, False)
        return matcher

    def matches(self, doc: Doc, orth: list[int], start: int,
                end: int) -> list[tuple[int, int, int]]:  # fmt: skip
        """(rule index, start, end) of every cue match in doc[start:end] (`orth`: the doc's
        tokens' ORTH), relative to `start`: what the Matcher of all cues finds there. The
        one-token cues come first (by token, then rule), then the Matcher's matches in its
        order."""
        strings = doc.vocab.strings
        out: list[tuple[int, int, int]] = []
        windows: list[tuple[int, int, int]] = []  # (start, end, the bits of its rules)
        # the cached entries looked up in C (`map`); `_entry` only for strings not seen before
        # (an entry is a non-empty tuple, a miss None)
        span = orth[start:end]
        got = list(map(self._cache.get, span))
        entries = (
            cast(list[_Entry], got) if all(got)
            else [e or self._entry(o, strings) for e, o in zip(got, span, strict=True)]
        )  # fmt: skip
        alone, open_ = self._alone, self._open
        run_ends: list[int] | None = None
        # (most tokens start no cue: they are passed over in a comprehension, not in this loop)
        for i in [i for i, e in enumerate(entries) if e[0] or e[2]]:
            first, _, singles, _ = entries[i]
            for r in singles:
                out.append((r, i, i + 1))
            if not first:
                continue
            nxt = entries[i + 1][1] if i + 1 < len(entries) else 0
            passed = first & (nxt | alone)
            if passed:
                k = start + i
                length, rules = self._window(passed)
                hi = min(end, k + length)
                if passed & open_:
                    if run_ends is None:
                        run_ends = _run_ends(entries)
                    hi = max(hi, k + 1, start + run_ends[i])
                if windows and k <= windows[-1][1]:
                    a, b, before = windows[-1]
                    windows[-1] = (a, max(b, hi), before | rules)
                else:
                    windows.append((k, hi, rules))
        if self._whole and end > start:
            matchers = [(start, end, self.matcher)]
        else:
            # (only the cues whose first tokens passed in a window can match there)
            matchers = [(a, b, self._window_matcher(rules)) for a, b, rules in windows]
        for a, b, matcher in matchers:
            for match_id, ti, tj in matcher(doc[a:b]):
                out.append((self._rule_of[match_id], ti + a - start, tj + a - start))
        return out


def _run_ends(entries: list[_Entry]) -> list[int]:
    """For each token, where the run of tokens meeting a repeating cue's spec from it ends."""
    ends = [0] * len(entries)
    stop = len(entries)
    for i in range(len(entries) - 1, -1, -1):
        if not entries[i][3]:
            stop = i
        ends[i] = stop
    return ends


def start_pairs(
    specs: Sequence[dict[str, Any]],
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """The (first, second) token specs a match can start with; second None where the match
    can end after its first token. OPs are "1", "?", "*" or "+" (`GATED_OPS`)."""
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for i, first in enumerate(specs):
        if first.get("OP") in _REPEATED:
            pairs.append((first, first))
        for j in range(i + 1, len(specs)):
            pairs.append((first, specs[j]))
            if specs[j].get("OP") not in _OPTIONAL:
                break
        else:
            pairs.append((first, None))
        if first.get("OP") not in _OPTIONAL:
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
        # the text conditions met by a finite set of strings (`_words`): the bits of each
        # string, looked up on the lower-cased text (LOWER) or the text (TEXT, ORTH)
        self._by_low: dict[str, int] = {}
        self._by_text: dict[str, int] = {}
        finite: dict[str, tuple[Check, int]] = {}  # (their checks: strings ending in "\n")
        for spec, bit in zip(specs, bits, strict=True):
            cond = _strip_op(spec)
            key = json.dumps(cond, sort_keys=True)
            one = text_condition(cond)
            words = None if one is None else _words(one[1])
            if words is not None and one is not None:
                table = self._by_low if one[0] == "LOWER" else self._by_text
                for w in words:
                    table[w] = table.get(w, 0) | 1 << bit
            table_ = other if one is None else finite if words is not None else text
            check, mask = table_.get(key, (_spec_check(cond), 0))
            table_[key] = (check, mask | 1 << bit)
            if one is not None and words is None:
                text_conds.append(one)
        self._text = list(text.values())
        self._other = list(other.values())
        self._finite = list(finite.values())
        self._maybe = _any_check(text_conds)

    def mask(self, text: str, low: str) -> int:
        if text.endswith("\n") or low.endswith("\n"):
            # ("$" matches before a final newline: the sets do not hold those strings)
            out = 0
            for check, bits in self._finite:
                if check(text, low):
                    out |= bits
        else:
            out = self._by_low.get(low, 0) | self._by_text.get(text, 0)
        for check, bits in self._other:
            if check(text, low):
                out |= bits
        if self._text and self._maybe(text, low):
            for check, bits in self._text:
                if check(text, low):
                    out |= bits
        return out


def _words(cond: Any) -> frozenset[str] | None:
    """The strings a text condition's value (`text_condition`) holds for, when they are a
    finite set: a string, {"IN": [...]}, a whole-string regex (`regex_words.whole_words`);
    None otherwise."""
    if isinstance(cond, str):
        return frozenset([cond])
    if "IN" in cond:
        return frozenset(cond["IN"])
    return whole_words(cond["REGEX"])


def string_values(value: Any) -> Sequence[str] | None:
    """The strings a token attribute's value names: a string, or {"IN": [strings]}; None for
    any other value (another predicate, a number)."""
    if isinstance(value, str):
        return (value,)
    if (
        isinstance(value, dict)
        and set(value) == {"IN"}
        and all(isinstance(v, str) for v in value["IN"])
    ):
        return value["IN"]
    return None


def text_condition(spec: dict[str, Any]) -> tuple[str, Any] | None:
    """(attribute, condition) of a token spec that reads only the token's text: LOWER, TEXT or
    ORTH with a string, {"IN": [strings]} or {"REGEX": ...}; None otherwise."""
    cond = _strip_op(spec)
    if len(cond) != 1:
        return None
    key, value = next(iter(cond.items()))
    if key not in ("LOWER", "TEXT", "ORTH"):
        return None
    if string_values(value) is not None:
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


# Numbered back-references ("\\1", "(?P=name)" is fine but refused alike) and conditional
# groups ("(?(1)b|c)", "(?(name)...)"): joined after other alternatives, a number would point
# at another rule's group.
_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


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
