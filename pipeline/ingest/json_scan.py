"""Scanning JSON text without parsing it, for the JSON array reader (`json_elements`): where an
array or object ends by its brackets (an element nested deeper than Python's parser goes),
where an array element ends by bracket and quote depth (a damaged element, `extent`), and the
line and column of places read in order (`Lines`); for a line of JSON objects one after
another (`json_parts`), where each ends by bracket and quote depth (`part_end`)."""

from __future__ import annotations

import json
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


_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
#: Two objects' boundary on a line of objects one after another ("} {"): a string holding it
#: was read where none is, as `BOUNDARY` in an array.
JOINED = re.compile(r"[\]}][ \t\n\r]*\{")


def moved_error(exc: json.JSONDecodeError, pos: int, where: tuple[int, int]
                ) -> json.JSONDecodeError:
    """`exc`, raised parsing the text from `pos` (at `where`: its line and 0-based column)
    on, made to name its place in the whole text (changed in place)."""
    line, column = where
    if exc.lineno == 1:
        exc.colno += column
    exc.lineno += line - 1
    exc.pos += pos
    return exc


def skip_space(text: str, pos: int) -> int:
    """The place of the first character from `pos` on that is not JSON's whitespace."""
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # always matches


def space_back(text: str, end: int) -> int:
    """`end`, moved back over JSON's whitespace before it: where the text before it ends."""
    while end > 0 and text[end - 1] in " \t\n\r":
        end -= 1
    return end


def _read_across(string: str, boundary: re.Pattern[str]) -> bool:
    """Whether `string` (a JSON string token, its quotes included) is text between two
    strings read as one: it holds what reads as two values' `boundary`, or only what stands
    between two strings, with a ':' or ',' (`", {"`, `": "`, `_GAP`)."""
    return boundary.search(string) is not None or (
        _GAP.fullmatch(string, 1, len(string) - 1) is not None
        and ("," in string or ":" in string))


def part_end(text: str, pos: int, limit: int | None = None) -> tuple[int, bool] | None:
    """Where the part of a line of JSON objects one after another (`json_parts`) that starts
    at `pos` ends, by bracket and quote depth without parsing it, and whether its own "}"
    closed it: past the "}" that closes the object at `pos`; else at a "{" that follows a
    value (`_starts_another`: the object was left open and the next one starts there), also
    when the part is no object (text between two objects); else at the text's end (a string
    never closed after the last other quote holds the rest). None when the quotes do not bound
    it: a string holding two objects' boundary ("} {") or only what stands between two strings
    (`", "`), read where none is, since a quote left out pairs the quotes after it across
    objects. `limit`: the text is read up to there only (its end, by default)."""
    return part_end_scan(text, pos, limit)[0]


def part_end_scan(text: str, pos: int, limit: int | None = None
                  ) -> tuple[tuple[int, bool] | None, int]:
    """`part_end`, and where its scan stopped (what `json_resync` counts as read)."""
    opened: list[str] = []  # the brackets open, innermost last
    is_object = text[pos : pos + 1] == "{"
    endpos = len(text) if limit is None else limit
    for m in _EXTENT_TOKEN.finditer(text, pos, endpos):
        c = m.group()
        if len(c) > 1:  # a whole string
            if _read_across(c, JOINED) or BOUNDARY.search(c):
                return None, m.end()
            continue
        if c == '"':  # a string never closed: the rest of the text is in it
            return (len(text), False), endpos  # (its closing quote looked for up to there)
        if c == "{" and m.start() > pos and _starts_another(text, m.start()):
            return (m.start(), False), m.end()
        if c in "[{":
            opened.append(c)
        elif c in "]}" and opened:
            opened.pop()
            if is_object and not opened:
                return (m.end(), True), m.end()
    return (len(text), False), endpos


def _starts_another(text: str, pos: int) -> bool:
    """Whether the "{" at `pos` follows a value (a string, number, literal, "}" or "]"; past
    JSON's whitespace), where no "{" stands in JSON: another object starts there."""
    before = space_back(text, pos) - 1
    return before >= 0 and text[before] not in "{[:,"


def extent(text: str, pos: int, limit: int | None = None) -> int | None:
    """Where the array element starting at `pos` ends: the place of the ',' or ']' after it,
    found by bracket and quote depth without parsing it; None when that depth does not bound
    it: a string never closed, a bracket closed by the other kind, no end (before `limit`,
    the text's end by default), or a string holding what reads as two elements' boundary
    ("}, {", `BOUNDARY`) or only what stands between two strings (`", {"`, `_GAP`): a quote
    left out (`"id": r3"`) or added pairs the quotes across elements, so the end found would
    take the next element too. An object element left open (its "}" left out, `"text": "T.",
    {"id": ...`: a "{" after a ',' directly inside an object, where only a key stands in JSON)
    ends at that ',' when the object after it is followed by a ',' or ']' (the next element;
    by a "}": a key left out before an object value, the element goes on), so the element
    costs its own text, not a scan of every element after it (`_left_open`)."""
    return extent_scan(text, pos, limit)[0]


def extent_scan(text: str, pos: int, limit: int | None = None, *, left_open: bool = True
                ) -> tuple[int | None, int]:
    """`extent`, and where its scan stopped (what `json_resync` counts as read); not
    `left_open`: an element left open is not bounded (None: damage, as `json_resync` takes
    it)."""
    closers: list[str] = []
    comma: int | None = None  # the ',' before a "{" where a key stands (`_left_open`)
    endpos = len(text) if limit is None else limit
    for m in _EXTENT_TOKEN.finditer(text, pos, endpos):
        c = m.group()
        if len(c) > 1:  # a whole string
            if _read_across(c, BOUNDARY):
                return comma, m.end()
            continue
        if c == '"':
            return comma, endpos  # (its closing quote looked for up to there)
        if c == "{" and closers[-1:] == ["}"] and (
                before := _comma_before(text, m.start())) is not None:
            if comma is not None:
                return comma, m.end()  # (the next element left open too)
            if len(closers) == 1:
                if not left_open:
                    return None, m.end()
                comma = before
        if c in "[{":
            closers.append("]" if c == "[" else "}")
        elif not closers:
            return (m.start() if c in ",]" else None), m.end()
        elif c != "," and closers.pop() != c:
            return comma, m.end()
        elif comma is not None and len(closers) == 1 and c == "}":
            if _left_open(text, m.end()):
                return comma, m.end()
            comma = None  # the object was a value whose key was left out
    return comma, endpos


def _comma_before(text: str, pos: int) -> int | None:
    """The place of the ',' before `pos` (past JSON's whitespace), or None."""
    before = space_back(text, pos) - 1
    return before if before >= 0 and text[before] == "," else None


def _left_open(text: str, end: int) -> bool:
    """Whether the object ending at `end`, which followed a ',' directly inside an element
    (where a key stands), was the next element: a ',' or ']' follows it (the element was left
    open), not the element's own "}" (a key left out before an object value)."""
    return text[skip_space(text, end) : skip_space(text, end) + 1] != "}"


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
