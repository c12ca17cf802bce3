"""A dose written right after an arm's drug name ("apremilast 30 mg", "pembrolizumab 2 mg/kg",
"tofacitinib 5 mg twice daily" reads "5 mg"): part of the arm's name, so it neither ends a
series of arm names ("apremilast 30 mg and placebo, respectively") nor stands between a figure
and the arm it names ("10.4 months with pembrolizumab 2 mg/kg and 8.5 months with docetaxel").

Reads the lexicon's `dose_units`; writes nothing.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_alternations import alt

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon


@functools.cache
def _dose_re(units: frozenset[str]) -> re.Pattern[str]:
    """A number and a dose unit (per a body measure or a time: "mg/kg", "mg/m2", "mg/day"),
    at the start of a text (the lexicon's set is the key: built once a lexicon)."""
    return re.compile(
        rf"\s*\d+(?:[.,]\d+)?\s*(?:{alt(units)})(?:\s*/\s*[A-Za-z]+\d?)?(?![\w/])",
        re.IGNORECASE,
    )


def dose_end(lex: Lexicon, text: str, at: int) -> int | None:
    """The end of the dose that starts (past white space) at `at` in the text; None without
    one."""
    m = _dose_re(lex.dose_units).match(text, at)
    return m.end() if m else None


def past_dose(lex: Lexicon, gap: str) -> str:
    """The gap without the dose it starts with (unchanged without one)."""
    end = dose_end(lex, gap, 0)
    return gap if end is None else gap[end:]


def dose_spans(lex: Lexicon, text: str, ends: list[int]) -> list[tuple[int, int]]:
    """The doses right after the names ending at `ends` (one space or none between: "erenumab
    140 mg"), as (start, end) spans of the text."""
    out = []
    for e in ends:
        if e + 1 < len(text) and (text[e].isdigit() or text[e + 1].isdigit()):
            end = dose_end(lex, text, e)
            if end is not None:
                out.append((e, end))
    return out


def outside_doses(spans: list[tuple[int, int]], doses: list[tuple[int, int]]
                  ) -> list[tuple[int, int]]:  # fmt: skip
    """The spans that lie in none of the doses ("mg" of "the erenumab 140 mg and placebo
    groups" names no arm: the dose is erenumab's)."""
    if not doses:
        return spans
    return [(s, e) for s, e in spans if not any(ds <= s and e <= de for ds, de in doses)]


_ARM_WORD = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+\d?)?", re.UNICODE)


def dose_named(lex: Lexicon, arm: str) -> bool:
    """Does the arm's name say only a dose of the trial's drug ("the 5-mg group", "10 mg/kg",
    "the high-dose arm"): a dose unit or "dose"/"dosage" among its words (not "diet", another
    `dose_nouns` entry: an arm of its own), no control word?"""
    words = [w.lower() for w in _ARM_WORD.findall(arm)]
    return any(w in lex.dose_units or w in ("dose", "dosage") for w in words) and (
        lex.control_word_re.search(arm) is None
    )
