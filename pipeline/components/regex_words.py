"""The finite set of strings a whole-string regex accepts, for a set lookup instead of a search.

`whole_words(pattern)` reads a regex such as "^(respon(se|ses|ded)|orr)$" or
"^(?:complete|full)$" and gives every string `re.search(pattern, s)` finds it in, except a
string ending in a newline ("$" also matches before one: the caller searches those). A set
lookup costs a few tens of nanoseconds; a search of a long alternation, a microsecond or more.

It reads the pattern with its own small parser of the subset below (the standard library's
regex parser is private, `re._parser`, and changes between Python versions), and gives None
for what it does not read, so that the caller keeps the regex:

- a pattern whose matches are not the whole string in every alternative (no "^" at the start
  or no "$" at the end of one of them: "^respons" accepts any continuation);
- unbounded repeats ("\\d+", "a*", "a{2,}"), classes by category ("\\d", "\\w") or negated
  ("[^a]"), "." and anything but literal characters (plain or escaped punctuation), character
  sets of literals and ranges, groups ("(...)", "(?:...)"), alternatives, bounded repeats
  ("?", "{m}", "{m,n}" up to 8) and the two anchors "^" and "$" ("\\b", "\\A", "\\Z",
  look-arounds, back-references, named groups);
- flags (inline or not): a case-free pattern accepts more than its literals spell;
- a language larger than `MAX_WORDS` strings;
- a string that is no regex at all (`re.error`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

_V = TypeVar("_V")

# Most strings one pattern may stand for (larger: None, the regex is kept).
MAX_WORDS = 5_000
# Most repeats of "{m,n}" read (more: None).
_MAX_REPEAT = 8
# Characters with a meaning of their own outside a set: a pattern's other characters are
# literals.
_SPECIAL = frozenset(".^$*+?{}[]\\|()")

# A repeat's bounds: "{m}", "{m,n}", "{m,}".
_BOUNDS = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")

# A partial string: (text so far, after "^", after "$").
_State = tuple[str, bool, bool]


class _Unread(Exception):
    """The pattern has something `whole_words` does not read."""


@dataclass(frozen=True)
class _Chars:
    """One character out of `chars`."""

    chars: tuple[str, ...]


@dataclass(frozen=True)
class _Anchor:
    """"^" (`start`) or "$"."""

    start: bool


@dataclass(frozen=True)
class _Repeat:
    low: int
    high: int
    node: _Node


@dataclass(frozen=True)
class _Branch:
    """Alternatives, each a sequence of nodes."""

    alternatives: tuple[tuple[_Node, ...], ...]


_Node = _Chars | _Anchor | _Repeat | _Branch


def whole_words(pattern: str) -> frozenset[str] | None:
    """Every string `re.search(pattern, s)` finds a match in, for s not ending in a newline;
    None when the pattern is not read (see the module's docstring)."""
    try:
        re.compile(pattern)
        tree = _Parser(pattern).parse()
        states = _branch(tree, {("", False, False)})
    except (_Unread, re.error):
        return None
    if not all(begun and ended for _, begun, ended in states):
        return None  # an alternative that matches inside a longer string
    return frozenset(text for text, _, _ in states)


class _Parser:
    """A recursive-descent reader of the subset in the module's docstring."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def parse(self) -> _Branch:
        tree = self._alternatives()
        if self.pos != len(self.text):
            raise _Unread  # a ")" with no "("
        return tree

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _take(self, s: str) -> bool:
        if self.text.startswith(s, self.pos):
            self.pos += len(s)
            return True
        return False

    def _alternatives(self) -> _Branch:
        alternatives = [self._sequence()]
        while self._take("|"):
            alternatives.append(self._sequence())
        return _Branch(tuple(alternatives))

    def _sequence(self) -> tuple[_Node, ...]:
        nodes: list[_Node] = []
        while self._peek() not in ("", "|", ")"):
            nodes.append(self._quantified(self._atom()))
        return tuple(nodes)

    def _atom(self) -> _Node:
        c = self._peek()
        self.pos += 1
        if c == "(":
            if self._peek() == "?" and not self._take("?:"):
                raise _Unread  # flags, look-arounds, named groups
            inner = self._alternatives()
            if not self._take(")"):
                raise _Unread
            return inner
        if c == "[":
            return _Chars(self._set())
        if c in "^$":
            return _Anchor(start=c == "^")
        if c == "\\":
            return _Chars((self._escaped(),))
        if c in _SPECIAL:
            raise _Unread  # ".", a quantifier with nothing before it
        return _Chars((c,))

    def _escaped(self) -> str:
        """The literal after a backslash: punctuation only ("\\d", "\\b", "\\1": unread)."""
        c = self._peek()
        if not c or c.isalnum() or c == "_":
            raise _Unread
        self.pos += 1
        return c

    def _set(self) -> tuple[str, ...]:
        if self._peek() in ("^", "]"):
            raise _Unread  # a negated set; a "]" first (a literal there) is not read
        chars: list[str] = []
        while not self._take("]"):
            low = self._set_char()
            if self._peek() == "-" and self.text[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = self._set_char()
                if ord(high) - ord(low) >= 256:
                    raise _Unread  # a wide range
                chars.extend(chr(o) for o in range(ord(low), ord(high) + 1))
            else:
                chars.append(low)
        return tuple(chars)

    def _set_char(self) -> str:
        c = self._peek()
        if not c:
            raise _Unread
        self.pos += 1
        return self._escaped() if c == "\\" else c

    def _quantified(self, node: _Node) -> _Node:
        if self._take("?"):
            low, high = 0, 1
        elif self._peek() in ("*", "+"):
            raise _Unread  # unbounded
        elif self._peek() == "{":
            low, high = self._bounds()
        else:
            return node
        if isinstance(node, _Anchor):
            raise _Unread  # a repeated anchor: nothing a word list needs
        # a lazy or possessive repeat accepts the same strings
        if not self._take("?"):
            self._take("+")
        return _Repeat(low, high, node)

    def _bounds(self) -> tuple[int, int]:
        m = _BOUNDS.match(self.text, self.pos)
        if m is None:
            raise _Unread  # "{" as a literal
        self.pos = m.end()
        low = int(m[1])
        if m[2] and not m[3]:
            raise _Unread  # "{m,}": unbounded
        high = int(m[3]) if m[3] else low
        if high > _MAX_REPEAT:
            raise _Unread
        return low, high


def _sequence(nodes: tuple[_Node, ...], states: set[_State]) -> set[_State]:
    for node in nodes:
        states = _node(node, states)
        if len(states) > MAX_WORDS:
            raise _Unread
    return states


def _node(node: _Node, states: set[_State]) -> set[_State]:
    if isinstance(node, _Chars):
        return _extend(states, node.chars)
    if isinstance(node, _Anchor):
        return _anchor(node.start, states)
    if isinstance(node, _Branch):
        return _branch(node, states)
    out: set[_State] = set()
    current = states
    for k in range(node.high + 1):
        if k >= node.low:
            out |= current
        if k < node.high:
            current = _node(node.node, current)
            if len(current) > MAX_WORDS:
                raise _Unread
    return out


def _branch(branch: _Branch, states: set[_State]) -> set[_State]:
    out: set[_State] = set()
    for alternative in branch.alternatives:
        out |= _sequence(alternative, states)
    return out


def _extend(states: set[_State], chars: tuple[str, ...]) -> set[_State]:
    out: set[_State] = set()
    for text, begun, ended in states:
        if ended:
            raise _Unread  # something after "$"
        if not begun:
            raise _Unread  # a character before "^" (or no "^": a search inside the string)
        out.update((text + c, True, False) for c in chars)
    return out


def _anchor(start: bool, states: set[_State]) -> set[_State]:
    if start:
        # "^" after a character never matches (no MULTILINE flag)
        return {(text, True, ended) for text, begun, ended in states if not text}
    return {(text, begun, True) for text, begun, ended in states}


def caseless_get(table: Mapping[str, _V], found: str) -> _V:
    """`table[found.lower()]` for a string a case-insensitive regex of the table's keys (lower
    case) found: the key it is, in any case. `lower()` may not give it: in Unicode mode such a
    regex matches "ſ" to "s", the Kelvin sign to "k", "İ" and "ı" to "i", which `lower()` keeps
    (or makes two characters). KeyError if no key matches."""
    got = table.get(found.lower())
    if got is not None:
        return got
    for key, value in table.items():  # (rare: a character that folds to another)
        if re.fullmatch(re.escape(key), found, re.IGNORECASE):
            return value
    raise KeyError(found)
