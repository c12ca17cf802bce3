"""A percentage per year ("major bleeding was 2.1% per year with apixaban", "3.6%/year",
"1.2% per patient-year"): events per 100 person-years, unit `rate` (denominator 100), not a
share of subjects; the figure runs past "per year", so the arm named right after it is its
own ("... with apixaban and 3.1% per year with warfarin").

Reads the sentence's light tokens from the grammar (`SentenceParser`); writes the figure's
`rate_per` and `ratio_value`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.components.outcome_grammar import SentenceParser
    from pipeline.components.outcome_tokens import Figure

_PER = ("per", "/")
_YEAR = ("year", "years", "annum", "yr")


def annual_percent(parser: SentenceParser, fig: Figure, j: int) -> int:
    """At token j right after the percentage of `fig` (its bracket and subjects past), "per
    year" or "per patient-year" makes the figure a rate per 100 person-years; returns the
    index past those words (j without them)."""
    low = parser.lower
    if low(j) not in _PER or fig.pct is None or fig.num is not None:
        return j
    k = j + 1
    if low(k) in parser.lex.person_time and low(k + 1) == "-":
        k += 2  # ("per patient-year")
    if low(k) not in _YEAR:
        return j
    fig.rate_per, fig.ratio_value = 100, float(fig.pct)
    return k + 1
