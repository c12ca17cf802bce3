"""The outcomes lexicon's regexes for the statistics beside a figure (`StatRegexes`: ratios and
their values, confidence intervals, P values). `outcome_lexicon.Lexicon` inherits `StatRegexes`
and builds them after its word sets, from the lexicon's data (`rules/outcomes_lexicon.json`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipeline.components.outcome_lexicon_attach import alt, alt_spaced, longest_first


def _shortest(words: set[str]) -> tuple[str, ...]:
    """The words that contain no other of them (a text holding "AHR" holds "HR")."""
    return tuple(sorted(w for w in words if not any(v != w and v in w for v in words)))


def _alt_cased(words: Iterable[str]) -> str:
    """Like `alt`, but a word written with capitals ("HR", "OR") matches only as written: in
    lower case it is an English word; an all-lower word matches in any case."""
    return "|".join(re.escape(w) if w != w.lower() else f"(?i:{re.escape(w)})"
                    for w in longest_first(words))


class StatRegexes:
    """Statistics beside a figure (ratios, confidence intervals, P values; built by
    `_build_stat_regexes`, read-only after). Timepoints: `outcome_timepoint_regexes`."""

    # the lexicon and its number words' alternation they are built from (set before)
    data: dict[str, Any]
    numw: str

    def _build_stat_regexes(self) -> None:
        """Statistics: ratios and their values, confidence intervals, P values, timepoints."""
        data = self.data
        self.ratio_re = re.compile(rf"(?<![\w-])(?:{_alt_cased(data['ratio_words'])})(?![\w-])")
        # "HR 0.74", "hazard ratio, 0.83", "(OR = 1.5", "relative risk [RR] of 1.06"
        # a ratio's name anywhere in a sentence: without one, no number of it is a ratio's
        # value, and `ratio_value_re` is not searched before each of its numbers
        self.ratio_unit_re = re.compile(rf"(?<![\w-])(?:{_alt_cased(data['ratio_units'])})")
        # the words one of which a match of it contains: (those matched as written, those
        # matched in any case), for a substring test before the search
        units = set(data["ratio_units"])
        self.ratio_unit_words = (_shortest({w for w in units if w != w.lower()}),
                                 _shortest({w for w in units if w == w.lower()}))
        self.ratio_value_re = re.compile(
            rf"(?<![\w-])(?P<word>{_alt_cased(data['ratio_units'])})"
            # (an abbreviation in brackets, spaced in tokenized text: "risk ratio [ RR ] 1 . 42")
            + r"(?:\s*[(\[] ?[A-Za-z]{1,4} ?[)\]])?(?:\s+(?:for|of)\s+[A-Za-z][\w -]{0,30}?)?"
            + r"\s*(?:[,:=]|of|was|were|is)?\s*$"
        )
        # (a decimal with a space on both sides of its point, "1 . 70", as `TOKEN_RE` reads
        # it, or after it, "0. 96": no sentence ends inside an interval)
        snum = r"[-−–]?\s?(?:\d+ ?\. \d+|\d+(?:[.·]\d+)?|[.·]\d+)"
        sep = r"\s*%?\s*(?:to|–|—|-|,|;)\s*"
        # the words a CI statement without "%" or "CI" must contain: `find_stats`'s pre-check
        self.percent_tails = tuple(sorted({w.split()[-1] for w in data["percent_words"]}))
        self.ci_re = re.compile(
            rf"(?P<level>\d+(?:[.·]\d+)?)\s*(?:%|(?:{alt_spaced(data['percent_words'])})\b)\s*"
            rf"(?:(?:{alt(data['ci_abbreviations'])})(?![\w])"
            rf"|(?:{alt(data['confidence_words'])})\s+intervals?)"
            rf"(?:\s*[\[(]\s*CI\s*[\])])?(?:\s*(?:[:,=]|of|was)?\s*"
            rf"(?P<br>\[\s*)?(?P<lo>{snum}){sep}(?P<hi>{snum})\s*%?(?(br)\s*\]))?"
            rf"|\bCI\s*(?P<level2>\d+(?:[.·]\d+)?)\s*%\s*[:,=]?\s*(?P<br2>\[\s*)?(?P<lo2>{snum})"
            rf"{sep}(?P<hi2>{snum})\s*%?(?(br2)\s*\])",
            re.IGNORECASE,
        )
        self.p_re = re.compile(
            rf"(?<![\w.])[Pp](?:\s*[-‐]?\s*values?|[-_ ]?(?i:{alt(data['p_qualifiers'])}))?"
            r"\s*(?P<rel><\s*or\s*=|>\s*or\s*=|≤|≥|<=|>=|=<|"
            # (a decimal with spaces around its point, "0 . 002", "0. 002", "=. 006", or
            # its digits in groups, "0.000 1", and a decimal comma, "0,02": no P value is 0)
            r"=>|<|>|=)\s*(?P<val>0[.·]0+ \d{1,3}(?![\d.,·])|0,\d+|\d* ?[.·] ?\d+|\d+)"
            r"(?:\s*[x×]\s*10\s*\^?\s*(?P<exp>[-−]\s*\d+))?"
        )
