"""The finite set of strings a whole-string regex accepts, for a set lookup instead of a search.

`whole_words(pattern)` reads a regex such as "^(respon(se|ses|ded)|orr)$" or
"^(?:complete|full)$" and gives every string `re.search(pattern, s)` finds it in, except a
string ending in a newline ("$" also matches before one: the caller searches those). A set
lookup costs a few tens of nanoseconds; a search of a long alternation, a microsecond or more.

It gives None for what it does not read, so that the caller keeps the regex:

- a pattern whose matches are not the whole string in every alternative (no "^" at the start
  or no "$" at the end of one of them: "^respons" accepts any continuation);
- unbounded repeats ("\\d+"), classes by category ("\\d", "\\w") or negated ("[^a]"), "."
  and anything but literals, character sets, groups, alternatives, bounded repeats and the two
  anchors ("\\b", look-arounds, back-references);
- flags (inline or not): a case-free pattern accepts more than its literals spell;
- a language larger than `MAX_WORDS` strings.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

# Most strings one pattern may stand for (larger: None, the regex is kept).
MAX_WORDS = 5_000

# A partial string: (text so far, after "^", after "$").
_State = tuple[str, bool, bool]


class _Unread(Exception):
    """The pattern has something `whole_words` does not read."""


def whole_words(pattern: str) -> frozenset[str] | None:
    """Every string `re.search(pattern, s)` finds a match in, for s not ending in a newline;
    None when the pattern is not read (see the module's docstring)."""
    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
            return None
        states = _sequence(list(parsed), {("", False, False)})
    except (_Unread, re.error, AttributeError, TypeError, ValueError):
        # (also a parse tree of a shape this reader does not know, should the private
        # re._parser change: the caller keeps the regex, which is always right)
        return None
    if not all(begun and ended for _, begun, ended in states):
        return None  # an alternative that matches inside a longer string
    return frozenset(text for text, _, _ in states)


def _sequence(items: list[tuple[Any, Any]], states: set[_State]) -> set[_State]:
    for op, av in items:
        states = _item(op, av, states)
        if len(states) > MAX_WORDS:
            raise _Unread
    return states


def _item(op: Any, av: Any, states: set[_State]) -> set[_State]:
    if op is sre.LITERAL:
        return _extend(states, [chr(av)])
    if op is sre.IN:
        return _extend(states, _charset(av))
    if op is sre.AT:
        return _anchor(av, states)
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unread
        return _sequence(list(sub), states)
    if op is sre.BRANCH:
        out: set[_State] = set()
        for alternative in av[1]:
            out |= _sequence(list(alternative), states)
        return out
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        if high is sre.MAXREPEAT or high > 8:
            raise _Unread
        out = set()
        current = states
        for k in range(high + 1):
            if k >= low:
                out |= current
            if k < high:
                current = _sequence(list(sub), current)
        return out
    raise _Unread


def _charset(items: list[tuple[Any, Any]]) -> list[str]:
    chars: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            chars.append(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 256:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        else:
            raise _Unread  # a negated set, a category, a wide range
    return chars


def _extend(states: set[_State], chars: list[str]) -> set[_State]:
    out: set[_State] = set()
    for text, begun, ended in states:
        if ended:
            raise _Unread  # something after "$"
        if not begun:
            raise _Unread  # a character before "^" (or no "^": a search inside the string)
        out.update((text + c, True, False) for c in chars)
    return out


def _anchor(at: Any, states: set[_State]) -> set[_State]:
    if at is sre.AT_BEGINNING:
        # "^" after a character never matches (no MULTILINE flag)
        return {(text, True, ended) for text, begun, ended in states if not text}
    if at is sre.AT_END:
        return {(text, begun, True) for text, begun, ended in states}
    raise _Unread
