"""A sentence's brackets as character spans, for `SentenceParser.clause_chars` and
`SentenceParser.bracket_around`: where the innermost bracket around a position opens and closes,
found in a bounded look-up."""

from __future__ import annotations

import bisect
import re

_BRACKET = re.compile(r"[()\[\]]")
#: A bracket holding no other ("(n = 61)", "[7.0%]"), and one right after a position, past white
#: space ("58% (95% CI, 45% to 69%) with HT": what follows a figure's statistics).
FLAT_BRACKET = re.compile(r"[(\[][^()\[\]]*[)\]]")
BRACKET_AFTER = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
# How many enclosing brackets a figure's innermost one is looked for through (deeper nesting is
# read as none: the look-up stays bounded on "((((...").
BRACKET_DEPTH = 8


class Brackets:
    """A sentence's brackets as character spans: for a position, where the innermost bracket
    around it closes."""

    def __init__(self, text: str) -> None:
        self.opens: list[int] = []
        self.close: list[int] = []  # -1: never closed
        self.parent: list[int] = []  # index of the enclosing bracket, -1: none
        stack: list[int] = []
        for m in _BRACKET.finditer(text):
            if m.group() in "([":
                self.parent.append(stack[-1] if stack else -1)
                stack.append(len(self.opens))
                self.opens.append(m.start())
                self.close.append(-1)
            elif stack:
                self.close[stack.pop()] = m.start()

    def closing(self, pos: int) -> int | None:
        """Where the innermost bracket around `pos` closes; None if none is found."""
        around = self.around(pos)
        return None if around is None else around[1]

    def around(self, pos: int) -> tuple[int, int] | None:
        """Where the innermost bracket around `pos` opens and closes; None if none is found."""
        k = bisect.bisect_left(self.opens, pos) - 1
        for _ in range(BRACKET_DEPTH):
            if k < 0:
                return None
            if self.close[k] > pos:
                return self.opens[k], self.close[k]
            k = self.parent[k]
        return None
