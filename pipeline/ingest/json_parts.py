"""JSON objects written one after another on one line, with no newline between them
(`{...}{...}` or `{...} {...}`: some exporters, `cat` of files of one line each without a
final newline): the parts of such a line, each parsed alone, so that a damaged object costs
that object only (`line_parts`).

A part's end is found by bracket and quote depth without parsing it (`json_scan.part_end`):
the "}" that closes the object, a "{" that follows a value inside it (`"B"{`: the object was
left open and the next one starts), or the line's end. Where that depth does not bound it (a
string never closed: the quotes after it pair across objects, which `json_scan` tells by the
strings it then reads) the part is the object parsed whole from there (one holding a string
such as "}{" is such), else the rest of the line, lost. Each part is scanned a few times
at most (the first, found once, also tells such a line: `line_parts`) and parsed once, on its
own text, and the line's resyncs share one budget, so the line is read in time linear in its
length (json names a damaged value's place by counting the lines of all the text before it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pipeline.documents import ErrorRecord
from pipeline.ingest.common import err
from pipeline.ingest.json_resync import Resync
from pipeline.ingest.json_scan import (
    JOINED,
    moved_error,
    part_end,
    part_end_scan,
    skip_space,
)
from pipeline.ingest.json_values import (
    DECODER,
    bad_json_kind,
    bad_json_message,
    id_before_damage,
    no_id_note,
    over_container_cap,
)

_T = TypeVar("_T")


@dataclass(frozen=True)
class Part:
    """Part `number` (1-based) of a line, at columns `start`-`end` (0-based, end excluded):
    its parsed `value`, or the `error` that lost it; `unbounded`: its end was not found, the
    part is the rest of the line."""

    number: int
    start: int
    end: int
    value: Any = None
    error: ValueError | RecursionError | None = None
    unbounded: bool = False
    #: its end is the next object that can be told apart (`json_resync`), after `skipped`
    #: more starts of objects that did not parse
    resumed: bool = False
    skipped: int = 0


class NoObject(ValueError):
    """A part that is no JSON object: text between two objects (the rest of an object whose
    "{" is lost), or an object found inside a damaged one (`line_parts`)."""


def line_parts(text: str) -> Iterator[Part] | None:
    """The parts of a line holding JSON objects one after another (see the module docstring),
    or None when it holds no such objects: it does not start with an object whose end is
    found (or, for a first object damaged so that its end is not found, a next object that
    can be told apart: `json_resync`) and after which, past white space and any text that
    starts no object, another "{" follows, or a '"' (an object whose "{" is lost). None too
    for a text over the bracket cap (`json_values.over_container_cap`: the caller's
    `load_json` refused it before parsing, and its parts are not parsed either)."""
    if over_container_cap(text) is not None:
        return None
    pos = skip_space(text, 0)
    if text[pos : pos + 1] != "{":
        return None
    resync = _resync(text)
    first = _part_at(text, pos, 1, False, resync, _on_the_line)
    if first[0].unbounded:
        return None
    if skip_space(text, first[1]) == len(text):
        # one object, with any text after it that starts no other (`_followed` took it into
        # the part; a '"' would start the key of an object whose '{' is lost: that object)
        return None
    return _parts_from(text, first, resync, _on_the_line)


def _on_the_line(pos: int) -> tuple[int, int]:
    """The line and 0-based column of column `pos` of a line: (1, pos)."""
    return 1, pos


def object_parts(text: str, pos: int, at: Callable[[int], tuple[int, int]] = _on_the_line
                 ) -> Iterator[Part]:
    """The parts of `text` from the object at `pos` on: objects one after another on a line,
    or over several lines (`json_elements`' objects that do not start lines of their own), whose
    line and 0-based column `at` gives (asked in order), for the errors' places."""
    resync = _resync(text)
    return _parts_from(text, _part_at(text, pos, 1, False, resync, at), resync, at)


def _parts_from(text: str, first: tuple[Part, int, bool], resync: Resync,
                at: Callable[[int], tuple[int, int]]) -> Iterator[Part]:
    """`first` (a part, where it ends and whether a "}" closed it: `_part_at`), then the
    parts after it, to the text's end or a part whose end is not found."""
    part, end, closed = first
    while True:
        yield part
        pos = skip_space(text, end)
        if part.unbounded or pos >= len(text):
            return
        # a part not closed by its "}" ends at a "{" found inside it
        part, end, closed = _part_at(text, pos, part.number + 1, not closed, resync, at)


def _part_at(text: str, pos: int, number: int, inside: bool, resync: Resync,
             at: Callable[[int], tuple[int, int]]) -> tuple[Part, int, bool]:
    """Part `number`, at `pos`, with where it ends and whether its "}" closed it; `inside`:
    it starts at a "{" found inside a damaged part, not after a whole one (`_followed`)."""
    found = part_end(text, pos)
    if found is None:
        # the next object that can be told apart (`json_resync`): this one parsed within
        # its text (json names an error's place by counting the text before it)
        resumed = resync.after(pos) if text[pos] == "{" else None
        if resumed is None:
            part = _unbounded(text, pos, number)
        else:
            part = _parsed(text, pos, resumed.damaged_end, number, at)
            if part.error is not None:
                part = Part(number + resumed.skipped, pos, part.end, error=part.error,
                            resumed=True, skipped=resumed.skipped)
        end, closed = part.end, True
    elif text[pos] != "{":
        end, closed = found
        part = Part(number, pos, end, error=NoObject(_NO_OBJECT))
    else:
        end, closed = found
        part = _parsed(text, pos, end, number, at)
    if not part.unbounded and not isinstance(part.error, NoObject):
        part, end, closed = _followed(text, part, end, closed, inside)
    return part, end, closed


def _resync(text: str) -> Resync:
    """The resyncs of the line `text`: at objects one after another (`json_resync`)."""
    return Resync(text, JOINED, _closed_end, _next_object, DECODER)


def _closed_end(text: str, pos: int, limit: int) -> tuple[int | None, int]:
    """For `json_resync`: the end of the object at `pos` when its own "}" closes it (before
    `limit`), else None; and where the scan stopped."""
    found, scanned = part_end_scan(text, pos, limit)
    return (found[0] if found is not None and found[1] else None), scanned


def _next_object(text: str, end: int) -> int | bool | None:
    """For `json_resync`: where the object after the one ending at `end` starts; True at the
    line's end; None when something else follows (the object was nested in another)."""
    after = skip_space(text, end)
    return True if after == len(text) else after if text[after] == "{" else None


def _followed(text: str, part: Part, end: int, closed: bool, inside: bool
              ) -> tuple[Part, int, bool]:
    """`part`, an object ending at `end`, with where it ends and whether a "}" closed it;
    when what follows it is no object, a lost part taking that text too: more of it, which
    a "}" closed early (a ',', a word or a stray '}' or ']' after it: its damage; a damaged
    part keeps its own error, its text is all lost), or of the damaged object it was found
    in (`inside`: a '{' after a value there may start one of its values, a ',' left out).
    After a whole object a '"' starts the key of an object whose '{' is lost, which is not
    more of it."""
    following = skip_space(text, end)
    if text[following : following + 1] in ("{", "") or (
            not inside and text[following] == '"'):
        return part, end, closed
    more = part_end(text, following)
    end, closed = (len(text), True) if more is None else more
    error = part.error or NoObject(_INSIDE if inside else _CLOSED_EARLY)
    return Part(part.number, part.start, end, error=error, unbounded=more is None,
                resumed=part.resumed, skipped=part.skipped), end, closed


_NO_OBJECT = "expected the '{' of an object, found text that starts none"
_INSIDE = ("an object found inside a damaged one (a '{' after a value), with more of that one "
           "after it")
_CLOSED_EARLY = ("an object followed by what starts no object (more of it, after a '}' that "
                 "closed it early, or a stray '}' or ']'), not by another")


def _parsed(text: str, pos: int, end: int, number: int, at: Callable[[int], tuple[int, int]]
            ) -> Part:
    """Part `number`, the object at `pos`-`end` (`at`: its line and column), parsed on its
    own text."""
    try:
        return Part(number, pos, end, value=DECODER.decode(text[pos:end]))
    except json.JSONDecodeError as exc:
        return Part(number, pos, end, error=moved_error(exc, pos, at(pos)))
    except (ValueError, RecursionError) as exc:
        return Part(number, pos, end, error=exc)


def _unbounded(text: str, pos: int, number: int) -> Part:
    """Part `number` at `pos`, whose end bracket and quote depth do not find: an object parsed
    whole from there (one that holds a string such as "}{" is such), else the rest of the
    line, lost."""
    if text[pos] == "{":
        try:
            value, end = DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError: its place the line's
            return Part(number, pos, len(text), error=exc, unbounded=True)
        return Part(number, pos, end, value=value)
    return Part(number, pos, len(text), error=NoObject(_NO_OBJECT), unbounded=True)


def part_rows(part: Part, text: str, lineno: int, source: str,
              read: Callable[[Any, int], Iterable[_T]], *, id_field: str | None = None
              ) -> Iterable[_T | ErrorRecord]:
    """What part `part` of line `lineno` (of text `text`) gives: `read(value, number)` for a
    parsed one, else its error row, located "line N, part K", naming the text lost and where
    reading goes on; given the `id_field`, the row carries the object's id when it comes
    before the damage (`json_values.id_before_damage`), else its message says it is not
    known."""
    exc = part.error
    if exc is None:
        return read(part.value, part.number)
    message = (f"malformed JSON: {exc}" if isinstance(exc, NoObject) else
               bad_json_message(exc))
    doc_id = None
    if id_field is not None and not isinstance(exc, NoObject):
        doc_id = id_before_damage(text, id_field, part.start)
        message += no_id_note(id_field, "object") if doc_id is None else ""
    loc = f"line {lineno}, part {part.number}"
    if part.unbounded:
        return [err(source, bad_json_kind(exc), f"{message}; the end of object {part.number} "
                    "cannot be told by its brackets and quotes (a string never closed pairs "
                    "the quotes after it across objects): the rest of the line, from column "
                    f"{part.start + 1}, is lost (parts {part.number} on)", loc, doc_id)]
    last = len(text[part.start : part.end].rstrip(" \t\r\n")) + part.start
    after = skip_space(text, part.end)
    goes_on = (f"reading goes on at the next object, at column {after + 1}"
               if after < len(text) else "the line ends after it")
    if part.resumed:  # (objects that did not parse: part numbers of their own)
        first = part.number - part.skipped
        loc = (f"line {lineno}, parts {first}-{part.number}" if part.skipped
               else f"line {lineno}, part {part.number}")
        return [err(source, bad_json_kind(exc), f"{message}; object {first} of the line is "
                    f"lost, with any object begun in columns {part.start + 1}-{last} (a string "
                    "never closed, or a quote left out, pairs the quotes after it across "
                    "objects: its end is where the next object that parses alone starts); "
                    f"{goes_on}", loc, doc_id)]
    return [err(source, bad_json_kind(exc), f"{message}; object {part.number} of the line is "
                f"lost (columns {part.start + 1}-{last}, its end found by its brackets and "
                f"quotes); {goes_on}", loc, doc_id)]
