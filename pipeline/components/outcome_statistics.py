"""Statistics, timepoints and statistic figures of one sentence, for the outcomes grammar.

`StatisticsParser` holds a sentence's light tokens and reads what is not a subject count or a
rate: confidence intervals and p-values (`find_stats`), timepoints (`find_timepoints`), ratio
statistics ("HR 0.74"), rates per person-time ("11.6 per 1,000 person-years"), median
durations ("median overall survival was 24.3 months") and rates written as proportions
("survival was 0·86"); it also has the token helpers the
grammar shares (subjects after modifiers, brackets, years). `FigureReader` (outcome_reader.py)
adds the grammar's token queries, and `SentenceParser` (outcome_grammar.py) the figure grammar
on top.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator

from pipeline.components.outcome_decimals import merge_thousands
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import TIME_UNITS
from pipeline.components.outcome_tokens import MAX_COUNT, Figure, Stat, fnum, light_tokens
from pipeline.components.outcome_tokens import lowered as _lowered
from pipeline.components.regex_words import caseless_get

# A p-value's relation sign (`find_stats`: without one, no p-value is looked for).
_RELATION_SIGN = re.compile("[<>=≤≥]")
# What may stand between a ratio's spelled name and a value with a stray "%" ("odds ratio,
# 1.22%").
_RIGHT_AFTER = re.compile(r"\s*[,:=]?\s*")
# Words (outside brackets) that may stand between a median and a duration compared with it
# ("... 24.3 months (95% CI ...) with docetaxel compared with 19.1 months"): about an arm's name.
COMPARED_MEDIAN_WORDS = 8
# Tokens in all (brackets included) that may stand between them: a bracket's interval and an
# arm's name ("(95% CI, 20.1-28.5) with docetaxel"); the search is bounded, so a sentence of
# many durations costs time linear in its length.
COMPARED_MEDIAN_TOKENS = 40
# How far (tokens) before a bracket a median's number opens its "median" word may stand
# ("The median progression-free survival was longer with osimertinib than with gefitinib (18.9
# months vs. 10.2 months)").
MEDIAN_BRACKET_TOKENS = 24
# How many tokens after a decimal "per" and a number may stand ("1.3 versus 2.1 per 100 women").
PER_REACH = 4


@functools.lru_cache(maxsize=64)
def case_free(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """A case-insensitive regex as a case-sensitive one to search lower-cased text with (three
    to four times faster on the timepoint regexes): itself when its pattern has a capital
    letter outside an escape or a group name, or an inline flag ("(?-i:...)"); None for a
    case-sensitive regex."""
    if not rx.flags & re.IGNORECASE:
        return None
    bare = re.sub(r"\(\?P(?:<\w+>|=\w+\))", "", re.sub(r"\\.", "", rx.pattern))
    if bare != bare.lower() or re.search(r"\(\?[a-zA-Z-]+[:)]", bare):
        return rx
    return re.compile(rx.pattern, rx.flags & ~re.IGNORECASE)


def finditer(rx: re.Pattern[str], text: str, low: str | None) -> Iterator[re.Match[str]]:
    """`rx.finditer(text)`, run on `low` (`_lowered(text)`) where the matches are the same."""
    if low is None or (fast := case_free(rx)) is None:
        return rx.finditer(text)
    return fast.finditer(low)


def _ratio_named(text: str, low: str, lex: Lexicon) -> bool:
    """`lex.ratio_unit_re.search(text)`: does the sentence name a ratio statistic ("HR",
    "odds ratio")? Searched only where one of the words it is built from (`ratio_units`)
    stands in the text (`Lexicon.ratio_unit_words`: a capitalized one as written, another in
    the lower-cased text, where that finds what the case-free regex finds: `_lowered`): few
    sentences have one."""
    rx = lex.ratio_unit_re
    cased, uncased = lex.ratio_unit_words
    for w in cased:
        if w in text:
            return rx.search(text) is not None
    if uncased and _lowered(text, low) is None:
        return rx.search(text) is not None
    for w in uncased:
        if w in low:
            return rx.search(text) is not None
    return False


# The smallest integer that is no ratio's value: "Portland, OR 97201" is a postal code,
# "the odds ratio for rs8060157" a variant's name; a ratio this large is written with a point.
MAX_RATIO_INTEGER = 1000


class StatisticsParser:
    """A sentence's light tokens, with its statistics, timepoints and statistic figures."""

    def __init__(self, text: str, lex: Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.low = text.lower()  # once: the figure grammar and the timepoint search read it
        self.toks = light_tokens(text, lex.number_words, lex.token_split)
        # ("41 , 904 women", "3, 580 individuals": one number each)
        self.toks = merge_thousands(text, self.toks, lex.thousands)
        self.starts = [t.start for t in self.toks]
        self.consumed = [False] * len(self.toks)
        self.stats: list[Stat] = []
        self.timepoints: list[tuple[int, int]] = []
        self.figures: list[Figure] = []
        self._ratio_named = _ratio_named(text, self.low, lex)
        self._enrolled_at: list[int] | None = None

    # -- helpers -------------------------------------------------------------------------
    def tok_index(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect.bisect_left(self.starts, char)

    def _consume(self, start: int, end: int) -> None:
        for k in range(self.tok_index(start), len(self.toks)):
            if self.toks[k].start >= end:
                break
            self.consumed[k] = True

    def enrolled_at(self) -> list[int]:
        """Indices of the tokens whose lower case is an `enrolled_words` entry (found once a
        sentence, when first asked)."""
        if self._enrolled_at is None:
            words = self.lex.enrolled_words
            self._enrolled_at = [k for k, t in enumerate(self.toks) if t.lower in words]
        return self._enrolled_at

    def lower(self, i: int) -> str:
        return self.toks[i].lower if 0 <= i < len(self.toks) else ""

    def stated_statistic(self, i: int) -> bool:
        """Whether the number at token i is the value of a statistic named just before it ("SE
        = 0.93", "SD = 4.7 %", "the median was 0.30"): a deviation, mean or median, no share of
        subjects."""
        return (
            self.lower(i - 1) in self.lex.proportion_openers
            and self.lower(i - 2) in self.lex.statistic_labels
        )

    # -- token helpers shared by the grammar --------------------------------------------------
    def adjacent(self, i: int, j: int) -> bool:
        return self.toks[i].end == self.toks[j].start

    def compound_at(self, k: int) -> bool:
        """The word at k is the first part of a hyphenated compound ("patient-years",
        "mother-daughter dyads"): a modifier, not the noun."""
        return (
            k + 2 < len(self.toks)
            and self.toks[k + 1].text in "-‐"
            and self.adjacent(k, k + 1)
            and self.adjacent(k + 1, k + 2)
        )

    def subject_at(self, i: int, max_tokens: int = 12) -> int | None:
        """Like `pop_at`, for the subject of an enrollment sentence, whose noun may come after
        many modifiers ("268 pre- and postmenopausal, node-positive breast cancer patients",
        "280 female (18-60 years) breast cancer patients"): words, hyphens, commas, "and"/"or",
        a bracketed aside, up to the population noun; index one past it."""
        k, limit = i, min(i + max_tokens, len(self.toks))
        while k < limit:
            t = self.toks[k]
            if t.lower in self.lex.pop:
                return None if self.compound_at(k) else k + 1
            if t.text == "(" and k > i:
                close = self.closing(k, 12)
                if close is None:
                    return None
                limit = min(limit + close - k, len(self.toks))
                k = close
                continue
            hyphened = t.word_num and self.lower(k + 1) in ("-", "‐") and self.adjacent(k, k + 1)
            if (t.num is not None and not hyphened) or self.consumed[k]:
                return None  # (but "one-sided BC patients")
            if t.lower in self.lex.determiners:
                return None
            if hyphened:
                k += 1
                continue
            if not (t.lower in self.lex.adjective_joiners or t.text in ",-‐/") and (
                t.lower in self.lex.adjective_stops or not t.text[0].isalpha()
            ):
                return None
            k += 1
        return None

    def counts_things(self, i: int, max_modifiers: int = 5) -> bool:
        """True if the number at token i counts things, not subjects: a unit right after it
        ("12 weeks"), or a non-subject noun past a few modifiers ("at 2 specialty cancer care
        centers", "(66 clusters)", "six nutrition education sessions"), or person-time ("5,877
        patient months"); not "352 DFS events"."""
        if self.lower(i + 1) in self.lex.units:
            return True
        limit = min(i + 2 + max_modifiers, len(self.toks))
        k = i
        while k + 1 < limit:
            k += 1
            t = self.toks[k]
            if self.blocks_count_after(k):
                return True
            if t.lower in self.lex.person_time and self.lower(k + 1) in self.lex.time_units:
                return True  # "5,877 patient months", "1,520 woman years": time, no subjects
            if t.text in "-‐" and self.adjacent(k - 1, k) and self.compound_at(k - 1):
                # "on two headache-free days", "two high-risk breast cancer research programs":
                # the hyphen of a compound modifier, no word of its own
                limit = min(limit + 1, len(self.toks))
                continue
            if k > i + 1 and t.lower in self.lex.time_units:
                return True  # "on two headache-free days", "5 consecutive days": days
            if (
                not t.text.isalpha()
                or t.lower in self.lex.pop
                or t.lower in self.lex.adjective_stops
                or t.lower in self.lex.boundaries
                # what a verb after the count takes is no modifier: "2 received 6 doses", "3
                # received the planned cycles" (but a word in -ed is read past: "12 unrelated
                # families", "9 affected kindreds")
                or t.num is not None
                or t.lower in self.lex.determiners
            ):
                return False
        return False

    def closing(self, k: int, within: int) -> int | None:
        """Index past the bracket closing the one at k, if it closes within `within` tokens."""
        depth = 0
        for m in range(k, min(k + within, len(self.toks))):
            depth += (self.toks[m].text in "([") - (self.toks[m].text in ")]")
            if depth == 0:
                return m + 1
        return None

    def blocks_count_after(self, k: int) -> bool:
        """Token k says the number before it counts things ("6 centers") or is part of a date
        ("11 March 2014", "9 April"); a month name in lower case with no day or year after it
        is a verb ("40 may benefit"). (No token past the sentence's end: "... in 3 of".)"""
        if k >= len(self.toks):
            return False
        t = self.toks[k]
        if t.lower in self.lex.count_blockers_after:
            return True
        if t.lower not in self.lex.months:
            return False
        if t.text[0].isupper():
            return True
        nxt = self.toks[k + 1] if k + 1 < len(self.toks) else None
        if nxt is None or nxt.num is None or nxt.word_num:
            return False
        return self.is_year(k + 1) or (nxt.decimals == 0 and 1 <= nxt.num <= 31)

    def is_year(self, i: int) -> bool:
        t = self.toks[i]
        return t.decimals == 0 and 1900 <= (t.num or 0) <= 2100 and len(t.text) == 4

    def find_stats(self) -> None:
        lex = self.lex
        has_ci = (
            "%" in self.text or "CI" in self.text or any(w in self.text for w in lex.percent_tails)
        )
        for m in lex.ci_re.finditer(self.text) if has_ci else ():
            level = m.group("level") or m.group("level2")
            lo = m.group("lo") or m.group("lo2")
            hi = m.group("hi") or m.group("hi2")
            st = Stat(m.start(), m.end(), "ci")
            try:
                st.level = fnum(level) / 100.0 if level else None
                st.low = fnum(lo) if lo else None
                st.high = fnum(hi) if hi else None
            except ValueError:
                continue
            self.stats.append(st)
            self._consume(m.start(), m.end())
        has_rel = _RELATION_SIGN.search(self.text) is not None
        for m in lex.p_re.finditer(self.text) if has_rel else ():
            rel = re.sub(r"\s+", "", m.group("rel"))
            rel = {"<or=": "<", ">or=": ">", "≤": "<", "≥": ">", "<=": "<", ">=": ">", "=<": "<",
                   "=>": ">"}.get(rel, rel)  # fmt: skip
            try:
                val = fnum(m.group("val").replace(",", "."))  # ("P = 0,02")
                if m.group("exp"):
                    val *= 10.0 ** fnum(m.group("exp"))
            except ValueError:
                continue
            if val > 1:
                continue
            self.stats.append(Stat(m.start(), m.end(), "p", p=val, rel=rel))
            self._consume(m.start(), m.end())
        self.stats.sort(key=lambda s: s.start)

    def find_timepoints(self) -> None:
        lex = self.lex
        spans: list[tuple[int, int]] = []
        if lex.timepoint_gate(self.text, self.low):
            spans.extend(self._timepoint_spans())
        spans.sort()
        for s, e in spans:
            if self.timepoints and s < self.timepoints[-1][1]:
                continue
            self.timepoints.append((s, e))
            self._consume(s, e)

    def _timepoint_spans(self) -> list[tuple[int, int]]:
        lex = self.lex
        spans: list[tuple[int, int]] = []
        text = self.text
        low = _lowered(text, self.low)
        for m in finditer(lex.tp_a, text, low):
            if not m.group("prep") and not m.group("tail"):
                continue
            if m.group("oftail") and not m.group("prep"):
                continue
            spans.append((m.start(), m.end()))
        maybe_c = lex.may_match_tp_c(text, self.low)
        for rx in (lex.tp_b, lex.tp_c, lex.tp_d) if maybe_c else (lex.tp_b, lex.tp_d):
            spans.extend((m.start(), m.end()) for m in finditer(rx, text, low))
        return spans

    def in_code(self, i: int) -> bool:
        """Is the number at token i part of a name or code: an integer written onto the letters
        before it ("E120", "rs8060157", "del(X)(q21"), or a number word written onto the digits
        after it ("Six5": a gene)? No figure of subjects is written so."""
        toks = self.toks
        t = toks[i]
        if t.word_num:
            return i + 1 < len(toks) and toks[i + 1].start == t.end and (
                toks[i + 1].num is not None and not toks[i + 1].word_num
            )
        if t.decimals or i == 0:
            return False
        before = toks[i - 1]
        return before.end == t.start and before.num is None and before.text.isalpha()

    # -- figure grammar ---------------------------------------------------------------------
    def _parse_ratio(self, i: int) -> Figure | None:
        """A ratio statistic right after its name: "HR 0.74", "odds ratio, 1.52"; a value with
        a stray "%" only right after a spelled name ("odds ratio, 1.22%"; "RR 39.3%" is a
        response rate)."""
        t = self.toks[i]
        if not self._ratio_named or t.num is None or t.word_num:
            return None
        if self.lower(i - 1) in self.lex.count_blockers:
            return None  # "odds ratio of grade 3 toxicity": a grade, not the ratio
        if t.decimals == 0 and t.num >= MAX_RATIO_INTEGER:
            return None  # "Portland, OR 97201": a postal code or an identifier, no ratio
        m = self.lex.ratio_value_re.search(self.text, max(0, t.start - 70), t.start)
        if m is None:
            return None
        te = i + 1
        if self.lower(i + 1) in ("%", "percent"):
            pct_end = self.toks[i + 1].end
            if (
                " " not in m.group("word")
                or not _RIGHT_AFTER.fullmatch(self.text, m.end("word"), t.start)
                or self.lex.change_after_re.match(self.text[pct_end : pct_end + 160])
            ):
                return None  # ("The odds ratio = 45% lower": a change, not the ratio)
            te = i + 2
        unit = caseless_get(self.lex.ratio_units, m.group("word"))  # ("oddſ ratio")
        value = t.num
        if te == i + 1 and (frac := self._fraction_after(i)) is not None:
            value, te = fnum(f"{t.text}.{frac}"), i + 3  # "OR 10. 16"
        return Figure(i, te, ratio=unit, ratio_value=value, prefer_after=False)

    def _fraction_after(self, i: int) -> str | None:
        """The digits after the point of a ratio's value written with a space after it ("OR
        10. 16": no sentence ends with a ratio's name and an integer), where the integer at
        token i is followed by ". " and digits."""
        t = self.toks[i]
        if t.decimals or not t.text.isdigit() or not self.text.startswith(". ", t.end):
            return None
        nxt = self.toks[i + 2] if i + 2 < len(self.toks) else None
        if nxt is None or nxt.start != t.end + 2 or not nxt.text.isdigit():
            return None
        return nxt.text

    def _parse_proportion(self, i: int) -> Figure | None:
        """A rate written as a decimal proportion: "survival was 0·86" (read as 86%); or events
        per patient-year after an annual rate's words ("the annualized relapse rate was 0.22
        with X and 1.04 with Y": unit rate, denominator 1)."""
        t = self.toks[i]
        assert t.num is not None
        prev = self.lower(i - 1)
        listed = annual_listed = False
        if prev in ("and", ",", "vs", "versus", "or"):
            # (the figures just before, read only after a list word: most decimals have none)
            recent = list(itertools.takewhile(lambda f: i - f.te <= 10, reversed(self.figures)))
            annual_listed = any(f.rate_per == 1 for f in recent)
            listed = annual_listed or any(f.proportion for f in recent)
        if prev not in self.lex.proportion_openers and not listed:
            return None
        if not listed and self.stated_statistic(i):
            return None  # "SE = 0.93", "the mean was 0.45": a statistic, no share of subjects
        nxt = self.lower(i + 1)
        if nxt in self.lex.units or nxt in ("%", "-", "–", "to", "/", "±", "x", "×"):
            return None
        # ("The hazard ratio of higher grade toxicity as first event was 0.46": the ratio
        # word may stand a clause away)
        before = self.text[max(0, t.start - 80) : t.start]
        if self.lex.ratio_re.search(before) or self._per_count_after(i):
            return None  # ("0.9 per 100,000": a rate with its own denominator, no proportion)
        if (listed and annual_listed) or self._annual_rate_before(t.start):
            # "the annualized relapse rate was 0.22": events per patient-year, no proportion
            fig = Figure(i, i + 1, rate_per=1, prefer_after=False)
            fig.ratio_value = t.num
            return fig
        if t.num >= 1:
            return None  # (a proportion is below 1)
        fig = Figure(i, i + 1, proportion=True)
        fig.pct, fig.pct_decimals = round(t.num * 100, 10), max(0, t.decimals - 2)
        return fig

    def _annual_rate_before(self, start: int) -> bool:
        """ "the annualized relapse rate was 0.22": an annual rate's words in the 80 characters
        before `start`, and no value (a figure but a count of subjects: "the annualized relapse
        rate in 120 patients was 0.22") between its noun and `start` (not "the annualized
        relapse rate was 0.22, and disability progression was 1.5")."""
        m = self.lex.annual_rate_re.search(self.text, max(0, start - 80), start)
        if m is None:
            return False
        between = itertools.takewhile(lambda f: f.start >= m.end("noun"), reversed(self.figures))
        return all(f.count is not None and f.pct is None for f in between)

    def _per_count_after(self, i: int) -> bool:
        """ "0.9 per 100,000", "1.3 versus 2.1 per 100 women", "1.2 cases per 100,000": "per"
        and a number within PER_REACH tokens after the number at i."""
        for k in range(i + 1, min(i + 1 + PER_REACH, len(self.toks) - 1)):
            if self.toks[k].lower == "per":
                return self.toks[k + 1].num is not None
            if self.toks[k].lower in (";", ".", "(", ")"):
                return False
        return False

    def _num_at(self, k: int) -> bool:
        return 0 <= k < len(self.toks) and self.toks[k].num is not None

    def _parse_rate(self, i: int) -> Figure | None:
        """Events per person-time: "11.6 per 1,000 person-years", "11.6 v 23.9 per 1,000
        women-years" (each number of such a list is a rate), "5.2 events per 100 patient-years"
        (a `rate_event_nouns` entry before "per")."""
        k = i + 1
        for _ in range(3):  # skip "v 23.9", "and 23.9"
            low = self.lower(k)
            if not ((low in self.lex.comparison or low in ("and", ",")) and self._num_at(k + 1)):
                break
            k += 2
        last = k == i + 1  # (the list's last rate, or a rate alone)
        if self.lower(i - 1) == "." and self._num_at(i - 2):
            return None  # ("8 . 5 events per 100": a decimal's last digits in tokenized text)
        if self.lower(k) in self.lex.rate_event_nouns:
            k += 1
        if self.lower(k) != "per":
            return None
        per = self.toks[k + 1] if k + 1 < len(self.toks) else None
        if per is None or per.num is None or per.decimals or not 0 < per.num <= MAX_COUNT:
            return None
        if self.lower(k + 2) not in self.lex.person_time and not self.lower(k + 2).endswith(
            "years"
        ):
            return None
        fig = Figure(i, i + 1, rate_per=int(per.num), prefer_after=False)
        fig.ratio_value = self.toks[i].num
        if last:  # consume "per 1,000 person-years" with the last rate of a list
            end = k + 3
            while end < len(self.toks) and self.toks[end].lower in ("-", "years", "year"):
                end += 1
            fig.te = end
        return fig

    def _compared_median(self, i: int, unit: str) -> bool:
        """ "Median PFS was 8.2 months (95% CI, 6.9-9.5) with X versus 5.1 months with Y", "24.8
        months in the palbociclib group and 14.5 months in the placebo group": a duration right
        after a comparison word, after the sentence's last figure, a median of the same unit,
        with nothing between them but brackets (its interval) and a few words without a number
        but a dose or a strong boundary (its arm, "with pembrolizumab 2 mg/kg"). Its "median"
        may lie beyond `_parse_median`'s window.
        After a `median_list_joiners` entry ("and", "while") instead, only when an
        `arm_drug_links` entry follows the duration, past its bracket (its arm, as the first
        median's: not "while 6 months after randomization 20% had died"), or a respectively word
        ("10.6 months and 8.9 months, respectively")."""
        if not self.figures or self.figures[-1].time_unit != unit:
            return False
        k = i - 1
        if self.lower(k) == "." and self.lower(k - 1) in ("vs", "v"):
            k -= 1  # ("18.9 months vs. 10.2 months": the abbreviation's point)
        if self.lower(k) == "with" and self.lower(k - 1) == "compared":
            k -= 1
        elif self.lower(k) in self.lex.median_list_joiners:
            after = i + 2  # (past the unit, and past its interval's bracket)
            if self.lower(after) in ("(", "["):
                after = self.closing(after, COMPARED_MEDIAN_TOKENS) or after
            if self.lower(after) == ",":
                after += 1  # ("10.6 months and 8.9 months, respectively")
            if not (
                self.lower(after) in self.lex.arm_drug_links
                or self.lower(after) in self.lex.respectively
            ):
                return False
        elif self.lower(k) not in self.lex.pairwise_comparison:
            return False
        if k - self.figures[-1].te > COMPARED_MEDIAN_TOKENS:
            return False
        depth = words = 0
        for x in range(self.figures[-1].te, k):
            t = self.toks[x]
            if t.lower in ("(", "["):
                depth += 1
            elif t.lower in (")", "]"):
                depth -= 1
            elif depth <= 0:
                words += 1
                if (t.num is not None and self.lower(x + 1) not in self.lex.dose_units) or (
                    t.lower in (";", ".") or words > COMPARED_MEDIAN_WORDS
                ):
                    return False  # (a dose is the arm's: "with pembrolizumab 2 mg/kg and")
        return depth == 0

    def _range_end(self, i: int) -> bool:
        """Does the number at token i end a range ("1.9 to 15.9 months", "2-12 months", "6 to
        more than 66 weeks": a comparator may stand before it), not a change ("from 7.0 to
        9.8")?"""
        j, start = i - 1, self.toks[i].start
        window = max(0, start - 60)
        if self.lex.ends_with_comparator(self.text[window:start]):
            comparator = self.lex.comparator_re.search(self.text, window, start)
            assert comparator is not None
            while j > 0 and self.toks[j].end > comparator.start():
                j -= 1
        return (
            j >= 1
            and (self.lower(j) in ("-", "–") or self.lower(j) in self.lex.change_to)
            and self.toks[j - 1].num is not None
            and self.lower(j - 2) not in self.lex.change_from
        )

    def _median_of_no_outcome(self, med: int, i: int, k: int) -> bool:
        """Does the median (its word at token med, its number at i, its unit at k) say how long
        patients were followed or treated, or how old they were: a `median_not_outcome` word
        right after its unit ("after a median of 20 months of follow-up"), or, with no word
        between "median" and the number, right before the bracket the median opens ("Patients
        aged 60 years or older (median 68 years)")?"""
        if self.lex.median_not_outcome_after_re.match(self.text, self.toks[k].end):
            return True
        if self.lower(med - 1) not in ("(", "[") or any(
            self.toks[x].lower not in self.lex.median_links for x in range(med + 1, i)
        ):
            return False
        opening = self.toks[med - 1].start
        return bool(self.lex.median_not_outcome_re.search(self.text, max(0, opening - 40), opening))

    def _median_before_bracket(self, i: int) -> int | None:
        """ "The median progression-free survival was longer with osimertinib than with
        gefitinib (18.9 months vs. 10.2 months; ...)": the "median" word of the clause a
        bracket the number at token i opens closes, further back than `_parse_median` looks
        (MEDIAN_BRACKET_TOKENS), with no number nor clause end between."""
        for x in range(i - 2, max(-1, i - 2 - MEDIAN_BRACKET_TOKENS), -1):
            t = self.toks[x]
            if t.num is not None or t.lower in (";", ".", "(", ")", "[", "]"):
                return None
            if t.lower in self.lex.median_words:
                return x
        return None

    def _parse_median(self, i: int) -> Figure | None:
        """A median duration: "median overall survival was 24.3 months", "median PFS, 8 vs 6
        months" (the unit may follow the last number of a short list)."""
        k = i + 1
        low = self.lower(k)
        if (low in self.lex.comparison or low == "and") and self._num_at(k + 1):
            k += 2
        unit = self.lex.time_units.get(self.lower(k))
        if unit is None or unit not in TIME_UNITS:  # hours: a timepoint's unit only
            return None
        lo = max(0, i - 12)
        med = next(
            (x for x in range(i - 1, lo - 1, -1) if self.toks[x].lower in self.lex.median_words),
            None,
        )
        if med is None and self.lower(i - 1) in ("(", "["):
            med = self._median_before_bracket(i)  # ("median PFS was longer with A than ... (")
        if self._range_end(i):
            # "median response duration was 4.9 months (range, 1.9 to 15.9 months)", "6.2
            # months (2-12 months)": a range's upper bound, no median (not "from 7.0 to 9.8
            # months": the value after a change)
            return None
        if med is None:
            if not self._compared_median(i, unit):
                return None
            fig = Figure(i, k + 1 if k == i + 1 else i + 1, time_unit=unit, prefer_after=False)
            fig.ratio_value = self.toks[i].num
            return fig
        if self.lex.median_not_outcome_re.search(self.text, self.toks[med].end, self.toks[i].start):
            return None
        if self._median_of_no_outcome(med, i, k):
            return None
        if all(self.toks[x].num is None for x in range(med + 1, i)) and (
            self.lex.duration_before_re.search(
                self.text, max(0, self.toks[med].start - 40), self.toks[med].start
            )
        ):
            # "followed for a median of 8 years": the follow-up's length (its own number: not
            # "... followed for a median of 24 months and was 12 months in arm A")
            return None
        fig = Figure(i, k + 1 if k == i + 1 else i + 1, time_unit=unit, prefer_after=False)
        fig.ratio_value = self.toks[i].num
        return fig
