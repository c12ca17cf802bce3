"""The elements of a JSON array file (or of a file of JSON objects one after another),
parsed one after another with damage bounded (`elements`): each element's line and its
value, a `Skipped` element, or the `Lost` damage reading went on after; raises the
damage that ends it. Split from `json_array`, which reads the file and writes the
documents and rows, by its job.

An element that is nested too deep for Python's parser (its end found by counting brackets)
or has a control character typed raw into a string (its end found by a decoder that allows
them) is `Skipped`, and the elements around it are read.
Other damaged JSON (a syntax error) inside element N, or between two elements, is one row
naming its line. In a file whose first element starts a line of its own, after an indentation
("[" then "  {" on the next line: json.dump and pandas' to_json with an indent, jq's output,
an array of one element per line), every element starts a line so indented, and no line of a
nested value or string does (nested values are indented deeper, and a JSON string holds no raw
newline): reading goes on at the next such line (`_element_starts`), so the damage costs the
element it is in (none when it lies between two elements), as long as every element read
before it, and the damaged one, started a line so (`_starts_line`: a line may hold several)
and no element follows the damaged one on its lines (`_shares_lines`; lines skipped that may
hold one are named so in the row); from the first damage
on, each element is parsed within its own lines (`_decode_element`: in time linear in the
file). An element whose end is found without parsing it (nested too deep, a raw control
character) must end before the next such line, else it is damage. In any other file (pandas'
one-line array, several elements a line) a damaged element's end is found by bracket and quote
depth (`json_scan.extent`: the ',' or ']' after it), so the damage costs that element, its row
naming the text lost ("line 1, columns 31-62") and where reading goes on, and from then on each
element is parsed within that end (linear time); an element whose "}" was left out ends at the
',' before the next element (`json_scan.extent`: a "{" where a key stands), not at the array's
end (every later element nested in it: a scan of the rest for each damaged element); a ',' left
out, doubled or before the ']' costs none. Where that depth does not bound the element (a
string never closed, a quote left out, a bracket closed by the other kind), reading goes on at
the next element that parses alone and is followed by elements to the end (`json_resync`); only
when there is none are the elements from N on lost, the row saying so, the documents before it
kept. JSON objects one after another that do not start lines of their own (`cat` of files
json.dump wrote without a final newline: "}{") are read past damage as a line of such objects
is (`_object_parts`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from typing import Any

from pipeline.ingest.json_parts import object_parts
from pipeline.ingest.json_resync import ELEMENT_START, Resumed, Resync
from pipeline.ingest.json_scan import (
    BOUNDARY,
    Lines,
    extent,
    extent_scan,
    moved_error,
    skip_space,
    value_end,
)
from pipeline.ingest.json_values import DECODER, parse_int


class Skipped:
    """An element that cannot be read but whose end is known, so the next ones are read: one
    nested deeper than Python's JSON parser goes (its RecursionError; its end found by
    `json_scan.value_end`), or one with a control character typed raw into a string (json's
    "Invalid control character": its end found by a decoder that allows them)."""

    def __init__(self, error: RecursionError | json.JSONDecodeError) -> None:
        self.error = error


def _element_starts(text: str, pos: int) -> re.Pattern[str] | None:
    """What a line starting an element looks like, when the first element, at `pos`, is an
    object starting a line of its own: a newline, that element's indentation, "{" (see the
    module docstring); else None (an element on the line of the "[", or no object)."""
    line_start = text.rfind("\n", 0, pos) + 1
    indent = text[line_start:pos]
    if text[pos : pos + 1] != "{" or indent.strip(" \t"):
        return None
    return re.compile("\n" + re.escape(indent) + r"\{")


def _starts_line(starts: re.Pattern[str], text: str, pos: int) -> bool:
    """Whether the element at `pos` starts a line as the first did (`_element_starts`)."""
    begin = text.rfind("\n", 0, pos)
    if begin < 0:  # on the first line
        return starts.fullmatch("\n" + text[: pos + 1]) is not None
    found = starts.match(text, begin)
    return found is not None and found.end() - 1 == pos


class Lost:
    """Damage that reading went on after: `error`, inside an element (`inside`: that element
    is lost) or between two elements. In a file whose elements start lines of their own
    (`_element_starts`) reading goes on at the element that starts on line `resume_line`, or
    ends (None: no element starts after the damage). Else (`bounded`: by `_bounded`) the lost
    element's text is `span` ("line 1, columns 31-62") and reading goes on at `resume_at`
    ("line 1 column 64"; None: the array ends after it)."""

    def __init__(self, error: ValueError | RecursionError, resume_line: int | None,
                 inside: bool, *,
                 span: str | None = None, resume_at: str | None = None,
                 bounded: bool = False) -> None:
        self.error = error
        self.resume_line = resume_line
        self.inside = inside
        self.span = span
        self.resume_at = resume_at
        self.bounded = bounded
        self.shared = False  # the lines lost may hold another element: the row says so
        self.resumed: Resumed | None = None  # its end found by a resync (`json_resync`)
        self.after_last = "the array ends after it"  # (`bounded`, nothing after it)


class Damage(ValueError):
    """The array's JSON is damaged between elements (a missing comma, data after the end), on
    `line`; `after_end`: after the array's closing bracket, every element of it read."""

    def __init__(self, message: str, line: int, after_end: bool = False) -> None:
        super().__init__(message)
        self.line = line
        self.after_end = after_end


_LAX = json.JSONDecoder(parse_int=parse_int, strict=False)  # raw control characters too


def _decode(text: str, pos: int, line: int, starts: re.Pattern[str] | None
            ) -> tuple[Any, int]:
    """The JSON value at `pos` (starting on `line`) and where it ends; a `Skipped` for one that
    cannot be read but whose end is known. Raises JSONDecodeError or `Damage` otherwise, also
    when the end found runs over the start of another element (`starts`, `_element_starts`:
    a string left open ended in a later element)."""
    try:
        return DECODER.raw_decode(text, pos)
    except RecursionError as exc:
        found = value_end(text, pos)
        if found is None:
            raise Damage("an element nested too deep to parse never ends", line) from exc
        if starts is not None and starts.search(text, pos, found):
            raise Damage("an element nested too deep to parse does not end before the next "
                          "element starts", line) from exc
        return Skipped(exc), found
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Invalid control character"):
            raise
        found = _LAX.raw_decode(text, pos)[1]  # or its own damage
        if starts is not None and starts.search(text, pos, found):
            raise
        return Skipped(exc), found


class _Ends:
    """Where elements of one text end by bracket and quote depth (`json_scan.extent`), or,
    where that depth does not bound one, where reading goes on after it (`resumed`: the
    `json_resync` of its text), the last one asked kept: a damaged element's end is what it
    is parsed within (`_decode_element`) and what its row names (`_bounded`), found once for
    both. Asked with a `limit` (`_shares_lines`: the next line that starts an element), each
    scans up to there only: an end found so is the element's end, kept for any later question;
    none found is asked again without it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos: int | None = None
        self.stop: int | None = None
        self.limit: int | None = None  # what `stop` was looked for within (None: the text)
        self.resync = Resync(text, ELEMENT_START, _closed_extent, _next_element, DECODER)
        self.resumed_at: tuple[int, int | None, Resumed | None] | None = None

    def at(self, pos: int, limit: int | None = None) -> int | None:
        if pos != self.pos or (self.stop is None and _wider(self.limit, limit)):
            self.pos, self.limit, self.stop = pos, limit, extent(self.text, pos, limit)
        return self.stop

    def resumed(self, pos: int, limit: int | None = None) -> Resumed | None:
        if (self.resumed_at is None or self.resumed_at[0] != pos
                or (self.resumed_at[2] is None and _wider(self.resumed_at[1], limit))):
            self.resumed_at = pos, limit, self.resync.after(pos, limit)
        return self.resumed_at[2]


def _wider(before: int | None, limit: int | None) -> bool:
    """Whether `limit` (None: the text's end) reaches past `before`, a limit nothing was
    found within."""
    return before is not None and (limit is None or limit > before)


def _decode_element(text: str, pos: int, where: tuple[int, int],
                    starts: re.Pattern[str] | None, damaged: bool, ends: _Ends | None = None
                    ) -> tuple[Any, int]:
    """`_decode` of the element at `pos` (at `where`: its line and 0-based column); once the
    file was found `damaged`, within the element's own text: up to the next line `starts`
    matches when elements start lines of their own, else up to the ',' or ']' after it
    (`json_scan.extent`, `ends`' when given). json names an error's line by counting the
    lines from the start of the text, so 20,000 damaged elements of a 5 MB file took 18 s
    (each costing the text before it).
    Before any damage the text is parsed whole, so a valid file is read as it is, however
    it is indented."""
    line = where[0]
    if not damaged:
        return _decode(text, pos, line, starts)
    found = starts.search(text, pos) if starts is not None else None
    stop = found.start() if found is not None else (
        None if starts is not None else extent(text, pos) if ends is None else ends.at(pos))
    if stop is None and starts is None and ends is not None:  # within the resync's bound
        stop = None if (resumed := ends.resumed(pos)) is None else resumed.damaged_end
    if stop is None and starts is None:  # damage that costs the rest, its row said once
        return _decode(text, pos, line, None)
    piece = text[pos : len(text) if stop is None else stop]
    try:
        value, end = _decode(piece, 0, line, None)
    except json.JSONDecodeError as exc:
        raise moved_error(exc, pos, where) from None
    except Damage as exc:  # (an element nested too deep that does not end in its lines)
        if found is None:
            raise
        raise Damage("an element nested too deep to parse does not end before the next "
                      "element starts", line) from exc
    if isinstance(value, Skipped) and isinstance(value.error, json.JSONDecodeError):
        moved_error(value.error, pos, where)
    return value, pos + end


def elements(text: str) -> Iterator[tuple[int, Any]]:
    """(line where the element starts, parsed element) for each element of the JSON array
    `text`, or of its objects one after another (`_objects`); raises JSONDecodeError or
    `Damage` at damage, after the elements before it."""
    pos = skip_space(text, 0)
    if text[pos : pos + 1] == "{":
        yield from _objects(text, pos)
        return
    if text[pos : pos + 1] != "[":
        raise Damage("the file is neither a JSON array nor JSON objects",
                      1 + text.count("\n", 0, pos))
    pos = skip_space(text, pos + 1)
    end = pos + 1 if text[pos : pos + 1] == "]" else (yield from _array_elements(text, pos))
    if end is None:
        return
    after = skip_space(text, end)
    if after < len(text):
        raise Damage("data after the end of the array", 1 + text.count("\n", 0, after),
                      after_end=True)


def _array_elements(text: str, pos: int) -> Generator[tuple[int, Any], None, int | None]:
    """`elements` of the array whose first element is at `pos`; returns where the array's
    "]" ends, or None when reading stopped at damage (after its row). Damage inside an element
    costs that element: in a file whose elements start lines of their own reading goes on
    at the next such line (`_resume`), else after the ',' that ends it by bracket and quote
    depth (`_bounded`); raised when neither bounds it."""
    starts = _element_starts(text, pos)
    lines = Lines(text)
    ends = _Ends(text)
    damaged = False
    while True:
        line, column = lines.at(pos)
        try:
            obj, end = _decode_element(text, pos, (line, column), starts, damaged, ends)
        except ValueError as exc:  # JSONDecodeError, Damage
            damaged = True
            if starts is not None and _shares_lines(starts, text, pos, ends):
                starts = None  # (the next line is not the next element)
            if starts is None:
                lost, end = _bounded(exc, text, pos, lines, ends)
                yield line, lost
            else:
                resume = _resume(starts, text, pos, exc)
                lost = _lost(exc, lines, line, resume, inside=True)
                # (lines holding what reads as two elements' boundary may hold more than it)
                lost.shared = BOUNDARY.search(text, pos, resume or len(text)) is not None
                yield line, lost
                if resume is None:
                    return None
                pos = resume
                continue
        else:
            if starts is not None and not _starts_line(starts, text, pos):
                starts = None  # elements not on lines of their own: none told apart by lines
            yield line, obj
        pos = skip_space(text, end)
        if text[pos : pos + 1] == ",":
            pos = skip_space(text, pos + 1)
            continue
        if text[pos : pos + 1] == "]":
            return pos + 1
        damage = Damage(f"expected ',' or ']' after the element that starts on line {line}",
                         lines.at(pos)[0])
        damaged = True
        if text[pos : pos + 1] == "{" and (starts is None or not _starts_line(starts, text,
                                                                          pos)):
            starts = None  # a ',' left out, the next element on this line: no element lost
            yield damage.line, Lost(damage, damage.line, False, resume_at=lines.shown(pos),
                                     bounded=True)
            continue
        resume = _resume(starts, text, end, damage)
        lost = _lost(damage, lines, line, resume, inside=False)
        lost.shared = text.find("{", end, len(text) if resume is None else resume) >= 0
        yield damage.line, lost
        if resume is None:
            return None
        pos = resume


def _closed_extent(text: str, pos: int, limit: int) -> tuple[int | None, int]:
    """For `json_resync`: `json_scan.extent_scan`, an element left open ("}" left out) taken
    as damage that no end bounds (a candidate so is not taken; a walk stops there)."""
    return extent_scan(text, pos, limit, left_open=False)


def _next_element(text: str, end: int) -> int | bool | None:
    """For `json_resync`: where the element after the one whose ',' or ']' is at `end`
    starts; True when it is the array's "]" with nothing after it; None when it is a "]"
    with more after it (the element was nested in another)."""
    after = skip_space(text, end + 1)
    if text[end] == ",":
        return after
    return True if after == len(text) else None


def _shares_lines(starts: re.Pattern[str], text: str, pos: int, ends: _Ends) -> bool:
    """Whether the damaged element at `pos`, in a file whose elements so far started lines of
    their own (`starts`), does not start a line so, or ends (`json_scan.extent`, `ends`: the
    one scan its row uses too; where that does not bound it, `ends.resumed`) in a ',' followed
    by another element before the next such line: the elements from it on share lines, and
    the next such line is not the next element."""
    if not _starts_line(starts, text, pos):
        return True
    found = starts.search(text, pos)
    limit = len(text) if found is None else found.start()
    stop = ends.at(pos, limit)  # (within its lines: a file of many damaged ones, linear time)
    if stop is None:
        resumed = ends.resumed(pos, limit)
        return resumed is not None and resumed.start < limit
    return stop < limit and text[stop] == "," and skip_space(text, stop + 1) < limit


def _bounded(exc: ValueError, text: str, pos: int, lines: Lines, ends: _Ends
             ) -> tuple[Lost, int]:
    """The `Lost` for damage `exc` inside the array element at `pos` whose end `json_scan.extent`
    finds (`ends`), or else the resync after it (`ends.resumed`, `json_resync`: the ',' before
    the next element that can be told apart; raises `exc` when there is none), and where the
    element ends: its text is what is lost, named in the row. No text before the ',' or ']'
    (a ',' after another or before the ']'): no element is lost."""
    stop = ends.at(pos)
    resumed = None if stop is not None else ends.resumed(pos)
    if stop is None:
        if resumed is None:
            raise exc
        stop = text.index(",", resumed.damaged_end)
    after = skip_space(text, stop + 1) if text[stop] == "," else None
    if stop == pos:
        line = lines.at(pos)[0]
        return Lost(exc, line, False, resume_at=None if after is None else lines.shown(after),
                     bounded=True), pos
    lost = _lost_text(exc, text, pos, stop, lines, after)
    lost.resumed = resumed
    return lost, stop


def _lost_text(exc: ValueError | RecursionError, text: str, pos: int, stop: int, lines: Lines,
               after: int | None) -> Lost:
    """The `Lost` of an element whose text, `pos`-`stop`, is lost to damage `exc`, the row
    naming it ("line 1, columns 31-62") and where reading goes on (`after`; None: nothing
    follows)."""
    line, column = lines.at(pos)
    last = len(text[pos:stop].rstrip(" \t\n\r")) + pos - 1
    last_line, last_column = lines.at(max(pos, last))
    resume_at = None if after is None else lines.shown(after)
    span = (f"line {line}, columns {column + 1}-{last_column + 1}" if line == last_line else
            f"line {line} column {column + 1} to line {last_line} column {last_column + 1}")
    return Lost(exc, last_line, True, span=span, resume_at=resume_at, bounded=True)


def _objects(text: str, pos: int) -> Iterator[tuple[int, Any]]:
    """The elements of a file of JSON objects one after another from `pos`, whitespace
    between them: one object over several lines (json.dump with an indent), or several (what
    `jq '.[]'` prints without -c)."""
    starts = _element_starts(text, pos)
    lines = Lines(text)
    previous, end, damaged = 0, pos, False
    while pos < len(text):
        line, column = lines.at(pos)
        damage: ValueError
        if text[pos] == "{":
            try:
                obj, end = _decode_element(text, pos, (line, column), starts, damaged)
            except ValueError as exc:  # JSONDecodeError, Damage
                damage, inside, search = exc, True, pos
                if starts is not None and not _starts_line(starts, text, pos):
                    starts = None  # (it shares a line: the next line is not the next one)
            else:
                if starts is not None and not _starts_line(starts, text, pos):
                    starts = None  # objects not on lines of their own: none told apart
                yield line, obj
                previous = line
                pos = skip_space(text, end)
                continue
        else:
            damage = Damage("expected the '{' of another object after the one that starts "
                             f"on line {previous}", line)
            inside, search = False, end
        if starts is None:  # no line tells the next object: its brackets and quotes do
            yield from _object_parts(text, pos, lines)
            return
        resume, damaged = _resume(starts, text, search, damage), True
        yield line, _lost(damage, lines, line, resume, inside)
        if resume is None:
            return
        pos = resume


def _object_parts(text: str, pos: int, lines: Lines) -> Iterator[tuple[int, Any]]:
    """The elements of a file of JSON objects one after another, which do not start lines of
    their own, from the damage at `pos` on: each object's end found by its brackets and
    quotes, or, where they do not bound it, at the next object that parses alone and is
    followed by objects to the file's end (`json_parts.object_parts`, as on a line of such
    objects), so a damaged object costs that object; each parsed within its own text. Raises
    the damage of one that nothing bounds (the rest of the file is lost)."""
    for part in object_parts(text, pos, lines.at):
        line = lines.at(part.start)[0]
        if part.error is None:
            yield line, part.value
            continue
        if part.unbounded:
            if isinstance(part.error, json.JSONDecodeError):
                raise part.error
            raise Damage(str(part.error), line)
        after = skip_space(text, part.end)
        lost = _lost_text(part.error, text, part.start, part.end, lines,
                          None if after == len(text) else after)
        lost.after_last = "the file ends after it"
        if part.resumed:
            lost.resumed = Resumed(part.end, after, part.skipped)
        yield line, lost


def _resume(starts: re.Pattern[str] | None, text: str, pos: int, exc: ValueError
            ) -> int | None:
    """Where the next element starts after `pos` (the "{" of the next line `starts` matches),
    for reading to go on after the damage `exc`, or None when no element starts after it;
    raises `exc` when the file's elements do not start lines of their own (`starts` None)."""
    if starts is None:
        raise exc
    found = starts.search(text, pos)
    return None if found is None else found.end() - 1


def _lost(exc: ValueError, lines: Lines, line: int, resume: int | None, inside: bool
          ) -> Lost:
    """The `Lost` for damage `exc` on `line` and the `_resume` position after it."""
    return Lost(exc, None if resume is None else lines.at(resume)[0], inside)
