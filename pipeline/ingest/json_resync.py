"""Where reading JSON goes on after damage that bracket and quote depth do not bound: a string
never closed (or a quote left out) pairs the quotes after it across elements, so no end of the
damaged element is found by them (`json_scan.extent`, `json_scan.part_end`), and every
element after it was lost. `Resync.after` finds the next element that can be told apart: the
"{" of two elements' boundary after the damage (", {" in an array: `ELEMENT_START`; "}{" or
"} {" on a line of objects one after another), whose own end bracket
and quote depth find, whose text parses alone as an object, and after which the text goes on
as elements at the same depth do, up to the text's end or further damage (`next_start`: a
',' and another element, or the array's "]" and nothing after it; another object or the
line's end): an object nested in the damaged element (`"arms": [{"n": 1}, {"n": 2}]`) is
followed by a bracket that closes more than an element, and is not taken. The damaged text
is then what lies before that boundary: the element and any other begun in it are lost, one
row naming its columns, the rest read.

Linear time: the boundaries are searched once, forward; each candidate's walk is searched within
what is left of a budget of twice the text's length (plus 4,096), shared by all the text's
searches (a candidate taken walks up to the next damage that no end bounds, where the next
search starts; the candidates a nested one walked over are not tried: they would walk to the
same end), so however many candidates fail the text is read a few times at most; past the
budget no resync is found and the rest is lost as before, its row saying so."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.ingest.json_scan import space_back

#: A ',' and white space before a "{": where `Resync` looks for the next element of an array
#: (after the value that ends the element before it: a "}", a quote, or any character of a
#: damaged one, `"influenza, {"` for a text left open).
ELEMENT_START = re.compile(r",[ \t\n\r]*\{")


@dataclass(frozen=True)
class Resumed:
    """A resync after damage: the damaged text ends at `damaged_end` (before the white space
    and any ',' before the next element), the next element read starts at `start`;
    `skipped`: candidates before it whose text did not parse so (damaged elements lost with
    the first)."""

    damaged_end: int
    start: int
    skipped: int


class Resync:
    """The resyncs of one text (see the module docstring): `boundary` matches two elements'
    boundary ending at the next one's "{" (or "["); `end_of(text, start, limit)` is where the
    element at `start` ends by bracket and quote depth (its text is `text[start:end]`), or
    None (before `limit`), and where that scan stopped (what the budget counts as read);
    `next_start(text, end)` is where the element after the one ending at `end` starts, True
    when the text ends there as it should, None when what follows is not another element."""

    def __init__(self, text: str, boundary: re.Pattern[str],
                 end_of: Callable[[str, int, int], tuple[int | None, int]],
                 next_start: Callable[[str, int], int | bool | None], decoder: json.JSONDecoder
                 ) -> None:
        self.text = text
        self.boundary = boundary
        self.end_of = end_of
        self.next_start = next_start
        self.decoder = decoder
        self.budget = 2 * len(text) + 4096

    def after(self, pos: int, limit: int | None = None) -> Resumed | None:
        """The resync after damage in the element at `pos`, whose text reaches at least to
        `pos + 1`; None when no element after it can be told apart (within the budget), or
        starts before `limit` when given."""
        text, skipped, search = self.text, 0, pos + 1
        endpos = len(text) if limit is None else limit  # (a boundary ends past its "{")
        while (m := self.boundary.search(text, search, endpos)) is not None:
            start = m.end() - 1
            search = start  # (no boundary starts at a "{")
            if text[start] != "{":
                continue
            taken, reached = self._walk(start)
            if taken is None:  # the budget is spent
                return None
            if taken is True:
                return Resumed(_before(text, start), start, skipped)
            if taken is False:
                skipped += 1  # a damaged element (a nested object is none)
            else:  # the elements it walked over are nested too: each would walk there
                search = max(search, reached)
        return None

    def _walk(self, start: int) -> tuple[bool | str | None, int]:
        """Whether the candidate at `start` is taken (True); False when its text does not
        parse alone as an object (a damaged element), "nested" when what follows it or an
        element after it is not more elements; None when the budget is spent. And where the
        walk stopped."""
        text, pos = self.text, start
        while True:
            if self.budget <= 0:
                return None, pos
            limit = min(len(text), pos + self.budget)
            end, scanned = self.end_of(text, pos, limit)
            self.budget -= max(scanned - pos, 1)
            if pos == start and (end is None or not self._parses(text[start:end])):
                return False, pos
            if end is None:  # further damage: what follows can be told no further
                return True, pos
            following = self.next_start(text, end)
            if following is None:
                return "nested", end
            if following is True:
                return True, end
            pos = following

    def _parses(self, piece: str) -> bool:
        """Whether `piece` parses alone as an object."""
        try:
            return isinstance(self.decoder.decode(piece), dict)
        except (ValueError, RecursionError):  # JSONDecodeError, an integer too long
            return False


def _before(text: str, start: int) -> int:
    """Where the text before the element at `start` ends: before the white space and the ','
    (in an array) before it."""
    end = space_back(text, start)
    return space_back(text, end - 1) if text[end - 1 : end] == "," else end
