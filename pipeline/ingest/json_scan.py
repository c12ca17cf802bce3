"""Scanning JSON text without parsing it, for the JSON array reader (`json_array`): where an
array or object ends by its brackets (an element nested deeper than Python's parser goes),
where an array element ends by bracket and quote depth (a damaged element, `extent`), and the
line and column of places read in order (`Lines`)."""

from __future__ import annotations

import re

#: A JSON string or a bracket: what `value_end` walks over.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[][{}]', re.DOTALL)

def value_end(text: str, pos: int) -> int | None:
    """Where the array or object that starts at `pos` ends (past its closing bracket, found by
    counting brackets outside strings, without parsing), or None when it never closes."""
    depth = 0
    for m in _STRING_OR_BRACKET.finditer(text, pos):
        c = m.group()
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return m.end()
    return None


#: What `extent` walks over: a JSON string, a quote that opens none that ends, a bracket or
#: a comma.
_EXTENT_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|["\][{},]', re.DOTALL)
#: Two elements' boundary ("}, {"), which a string read where none is shows: a quote left out
#: or added makes the text between strings read as strings, and the strings' text as JSON.
BOUNDARY = re.compile(r"[\]}][ \t\n\r]*,[ \t\n\r]*[\[{]")
#: What can stand between two JSON strings: separators, brackets, numbers and literals; a
#: string of these alone holding a ':' or ',' (`", {"`, `": "`) is such a gap read as a string.
_GAP = re.compile(r"(?:[ \t\n\r\[\]{}:,.+\-0-9eE]|true|false|null)*")


def extent(text: str, pos: int, limit: int | None = None) -> int | None:
    """Where the array element starting at `pos` ends: the place of the ',' or ']' after it,
    found by bracket and quote depth without parsing it; None when that depth does not bound
    it: a string never closed, a bracket closed by the other kind, no end (before `limit`,
    the text's end by default), or a string holding what reads as two elements' boundary
    ("}, {", `BOUNDARY`) or only what stands between two strings (`", {"`, `_GAP`): a quote
    left out (`"id": r3"`) or added pairs the quotes across elements, so the end found would
    take the next element too."""
    closers: list[str] = []
    for m in _EXTENT_TOKEN.finditer(text, pos, len(text) if limit is None else limit):
        c = m.group()
        if len(c) > 1:  # a whole string
            if BOUNDARY.search(c) or (_GAP.fullmatch(c, 1, len(c) - 1)
                                      and ("," in c or ":" in c)):
                return None
            continue
        if c == '"':
            return None
        if c in "[{":
            closers.append("]" if c == "[" else "}")
        elif not closers:
            return m.start() if c in ",]" else None
        elif c != "," and closers.pop() != c:
            return None
    return None


class Lines:
    """The line and 0-based column of places in a text, asked in order: counted from the last
    place asked, not from the text's start (a one-line array of many damaged elements)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos, self.line, self.start = 0, 1, 0

    def at(self, pos: int) -> tuple[int, int]:
        if pos < self.pos:  # a step back (to a ',' before the next element)
            back = self.text.count("\n", pos, self.pos)
            if back:
                self.line -= back
                self.start = self.text.rfind("\n", 0, pos) + 1
        elif (newline := self.text.rfind("\n", self.pos, pos)) >= 0:
            self.line += self.text.count("\n", self.pos, pos)
            self.start = newline + 1
        self.pos = pos
        return self.line, pos - self.start

    def shown(self, pos: int) -> str:
        line, column = self.at(pos)
        return f"line {line} column {column + 1}"
