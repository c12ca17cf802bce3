"""Token queries of the outcomes grammar: what the light tokens at an index form.

`FigureReader` adds to `StatisticsParser` (statistics, timepoints and the basic token tests of
`outcome_statistics.py`) the questions `SentenceParser` (`outcome_grammar.py`) asks while it
reads figures: an integer or a percentage here, a population noun within a few adjectives, a
bracketed percentage, whether a number may start a count, and a few shapes that make a number
no count (a date, a name, an arm assignment), whether a bare number is a count that takes a cue
("Three died", `_bare_count`), and the bracket around a character. Each looks at a bounded
window of tokens.
`acuity_fraction`: a Snellen visual acuity ("6/15") is a measured value, no share of subjects.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_brackets import Brackets
from pipeline.components.outcome_statistics import StatisticsParser
from pipeline.components.outcome_tokens import MAX_COUNT, Figure

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

# How many more counts a list may hold before the population noun they share ("207 and 201
# patients", "12 and 15 or 9 women": `FigureReader.list_population`).
LISTED_COUNTS = 4
# The most arms "randomized to 1 of N" names without an arm noun after it: one of more is a
# subject ("in 1 of 77 (1%)").
MAX_ASSIGNED_ARMS = 8


#: A Snellen fraction's first number is the test distance (6 m or 20 ft: "6/15", "20/40") or
#: its second the chart's largest line ("2/60", "1/200"); "3/20 patients" is neither.
SNELLEN_DISTANCES = frozenset({"6", "20"})
SNELLEN_LARGEST_LINES = frozenset({"60", "200"})
_SNELLEN = re.compile(r"(\d+)\s*/\s*(\d+)")
#: Characters after a fraction read for the other fractions of its list ("6/30 vs 2/30").
ACUITY_AFTER = 40


def _snellen(m: re.Match[str]) -> bool:
    return m.group(1) in SNELLEN_DISTANCES or m.group(2) in SNELLEN_LARGEST_LINES


def acuity_fraction(lex: Lexicon, text: str, start: int, end: int, before: str) -> bool:
    """Is the fraction whose first number is text[start:end] (`before`: the lower-cased
    word before it) a measured value, no figure: after an acuity word in its clause, with
    every fraction from that word to ACUITY_AFTER characters past this one a Snellen
    fraction (`_snellen`: "His vision was 6/15 and 2/60"; not "in 3/20 patients", nor
    "blurred vision, 6/30 vs 2/30", shares of subjects)? (The other measured values are
    numbers right after a measured_value_words entry: "buffer of pH 7.4 and 80% human
    plasma".)"""
    if before in lex.finding_of:
        return False
    acuity = lex.acuity_before_re.search(text, max(0, start - 60), start)
    if acuity is None or lex.fraction_of_subjects_re.match(text, end):
        return False
    window = text[acuity.start() : end + ACUITY_AFTER]
    return all(_snellen(m) for m in _SNELLEN.finditer(window))


# A table's header that makes a bare number in brackets a percentage ("Adverse events, n (%):
# neutropenia 12 (10.1) vs 5 (4.2)"), also "no. (%)", "n/N (%)".
PCT_HEADER = re.compile(r"\b(?:n|no\.|n\s*/\s*n)\s*\(\s*%\s*\)", re.IGNORECASE)


# How many tokens a header before its colon may hold, from the sentence's start, for a bare count
# right after the colon to take the header's cue ("Grade 3 or 4 neutropenia: 12 vs 5").
HEADER_TOKENS = 8


class FigureReader(StatisticsParser):
    """Token queries over one sentence's light tokens (read-only, but `set_pct` and
    `_skip_determiners`, which note what they find on the figure being built)."""

    # where the sentence's "n (%)" header ends (past the text's end: none), found once
    _pct_header_end: int | None = None
    _brackets: Brackets | None = None

    # for each count `list_population` read, where its comma list starts (made when first
    # needed: a plain attribute, not a cached_property, whose first read takes a lock)
    _list_firsts: dict[int, int] | None = None

    def is_int(self, i: int) -> bool:
        if not 0 <= i < len(self.toks) or self.consumed[i]:
            return False
        t = self.toks[i]
        return t.num is not None and t.decimals == 0 and 0 <= t.num <= MAX_COUNT

    def int_at(self, i: int) -> int:
        n = self.toks[i].num
        assert n is not None
        return int(n)

    def pct_at(self, i: int) -> int | None:
        """If tokens at i form a percentage, index one past it."""
        if not 0 <= i < len(self.toks) or self.consumed[i]:
            return None
        t = self.toks[i]
        if t.num is None:
            return None
        nxt = self.lower(i + 1)
        if nxt == "%":
            return i + 2
        if nxt == "percent":
            return i + 2
        if nxt == "per" and self.lower(i + 2) == "cent":
            return i + 3
        return None

    def shared_pct_at(self, i: int) -> bool:
        """A number listed before the percentage sign it shares: "40.3, 42.5, and 46.6%",
        "17.2 vs. 0%", "70.5 and 79.3 %"."""
        t = self.toks[i]
        if t.num is None or t.word_num:
            return False
        if i > 0 and self.adjacent(i - 1, i) and self.toks[i - 1].text.isalpha():
            return False  # "SB3, 97.5%": a name, not a listed rate
        if t.num > 100:
            return False  # "In 2015, 25% of women ...": a year (no share is above 100%)
        if self.lower(i - 1) in self.lex.count_blockers and self.lower(i + 1) == ",":
            return False  # "in cycle 1, and 12% had ...": a label, not a listed rate
        j = i + 1
        listed = 0
        while listed < 6:
            if self.lower(j) == "," and self.lower(j + 1) in self.lex.connectors:
                j += 1
            if self.lower(j) not in self.lex.connectors or not self._num_at(j + 1):
                break
            j += 2
            listed += 1
            if self.pct_at(j - 1) is not None:
                return True
        return False

    def pop_at(self, i: int, max_adj: int = 3) -> int | None:
        """If tokens at i are `[adj]{0,3} <population noun>`, index one past the noun; adjectives
        may be joined ("overweight and obese premenopausal women") at the cost of no place."""
        limit = min(i + max_adj + 1, len(self.toks))
        k = i
        while k < limit:
            low = self.toks[k].lower
            if low in self.lex.pop:
                if self.lower(k + 1) in self.lex.pop_not_before or self.compound_at(k):
                    return None
                return k + 1
            joiner = low in self.lex.adjective_joiners
            if k > i and joiner and self.lower(k + 1) not in self.lex.pop:
                limit = min(limit + 1, len(self.toks))
                k += 1
                continue
            if (
                low in self.lex.adjective_stops
                or low in self.lex.determiners
                or (not self.toks[k].text.isalpha() and "-" not in self.toks[k].text)
                or self.toks[k].num is not None
            ):
                return None
            k += 1
        return None

    def list_population(self, j: int) -> int | None:
        """ "207 and 201 patients", "12 or 9 women", "12, 14, and 9 patients": the end of the
        population noun after the last of a short list of whole numbers joined by "and"/"or" or
        commas starting at token j, or None (no year in the list: "Between July 1, 1999, and
        November 4, 2004, 19,747 participants"; no three digits right after a comma, which may
        be a number's thousands: "16, 219 controls"). The list's last joint is "and"/"or" and no
        comma follows one ("on days 1, 8, and 15, and 40 patients", "at weeks 4, 8, and 12, 40
        patients": two lists), nor does it start after a `count_blockers_before` entry ("at
        weeks 4, 8, and 12 patients": labels)."""
        if self.lower(j - 2) == "/":
            return None  # ("9 / 15 , 2 rats": a fraction's denominator starts no list)
        first = j - 1
        if self._list_firsts is None:
            self._list_firsts = {}
        firsts = self._list_firsts
        while self.lower(first - 1) == "," and self.is_int(first - 2):
            known = firsts.get(first - 2)
            if known is not None:
                first = known  # (the member before walked back already: linear in the list)
                break
            first -= 2
        firsts[j - 1] = first
        if self.lower(first - 1) in self.lex.count_blockers:
            return None
        k = j
        joined = self.lower(j - 2) in ("and", "or")  # an "and"/"or" met (before the count too)
        for _ in range(LISTED_COUNTS):
            serial = self.lower(k) == "," and self.lower(k + 1) in ("and", "or")
            if serial:
                k += 1
            if self.lower(k) not in ("and", "or", ",") or not self.is_int(k + 1):
                return None
            if joined and (serial or self.lower(k) == ","):
                return None  # (a comma after the list's "and": the list ended there)
            if self.is_year(k + 1) or (
                self.lower(k) == "," and len(self.toks[k + 1].text) == 3
            ):
                return None  # (", 219": a thousands group set apart, "16, 219 controls")
            joined = joined or self.lower(k) != ","
            k += 2
            pend = self.pop_at(k)
            if pend is not None:
                return pend if joined else None
        return None

    def slash_between(self, i: int, j: int) -> bool:
        """The slash at j touches the number at i and the one after it ("75/829"), or stands
        one space from each ("75 / 829": text tokenized for a corpus and joined by spaces)."""
        if self.adjacent(i, j):
            return True
        toks = self.toks
        return self.text[toks[i].end : toks[j].start] == " " == (
            self.text[toks[j].end : toks[j + 1].start]
        )

    def count_guard(self, i: int) -> bool:
        """True if the integer at token i may start a count figure."""
        t = self.toks[i]
        if i == 0 and self.lower(1) == "." and (len(self.toks) < 3 or self.toks[2].num is None):
            return False  # "1. Torsades de pointes is ...": a numbered paragraph's label
        if i > 0:
            prev = self.toks[i - 1]
            if prev.end == t.start and (prev.text.isalpha() or prev.text in "-‐/^_."):
                return False  # IL-4, CD4, t1/2, .5
            if prev.text == "/" and self._num_at(i - 2) and self.slash_between(i - 2, i - 1):
                return False  # "0 . 97 / 1 , 000 patient admissions": a denominator, spaced
            if prev.lower in self.lex.arm_nouns and self.pop_at(i + 1) is None:
                return False  # "group 1, 74%", "in cohort 2": a label (not "group 68 cases")
            if prev.lower in self.lex.count_blockers and not (
                # "from 842 patients": who data came from, not a range "from 5 to 10"
                prev.lower in self.lex.change_from and self.subject_at(i + 1) is not None
            ):
                return False
            if prev.text in "≥≤<>" and self.lower(i - 2) in self.lex.count_blockers:
                return False  # "grade ≥ 2"
            if prev.text == "." and self.lower(i - 2) in self.lex.count_blockers and (
                self.adjacent(i - 2, i - 1)
            ):
                return False  # "(ref. 3)", "no. 4": an abbreviation's label
            if prev.lower == "of" and self.lower(i - 2) in self.lex.score_value_nouns:
                return False  # "an IGA score of 0 (clear)": the score's value
            if (
                prev.lower in ("and", "or", "to", "-", "–")
                and self._num_at(i - 2)
                and self.lower(i - 3) in self.lex.count_blockers
                and not self.adjacent(i - 3, i - 2)
            ):
                return False  # "stage 0 and 1 survivors", "ASA status 1 or 2 women"
            if prev.num is not None and self.consumed[i - 1] and "." in prev.text:
                return False  # "P<0.000 1": a digit group of a statistic
            if prev.lower in ("±", "+") or (
                prev.lower == "=" and not self._is_n_eq(i - 2) and not self._arm_label_eq(i - 1)
            ):
                return False
        nxt = self.lower(i + 1)
        if i + 1 < len(self.toks) and nxt in "-‐–" and self.adjacent(i, i + 1):
            after = self.toks[i + 2] if i + 2 < len(self.toks) else None
            if after is not None and after.lower in self.lex.pop and self.toks[i].word_num:
                return True  # "Forty-women with ...": a hyphen typed for a space
            if after is not None and after.num is None:
                return False  # 13-year-old, 2-month
            return False  # ranges 5-10
        if (
            i + 1 < len(self.toks)
            and not t.word_num
            and self.adjacent(i, i + 1)
            and self.toks[i + 1].text.isalpha()
            and self.toks[i + 1].lower not in self.lex.pop
        ):
            return False  # "at 5V stimulation", "10mg", "3h": a measurement and its unit
            # (not "12patients": a count with its subjects, a space lost)
        if (
            nxt in ("to", "–", "-", ":", "∶", "x", "×", "±", ".")
            and i + 2 < len(self.toks)
            and self.toks[i + 2].num is not None
        ):
            return False  # (before the longer test below: "13 . 3" is a decimal's pieces)
        if self.counts_things(i):
            return False  # "12 weeks", "at 9 cancer centers", "in the 3 arms"
        if self.is_year(i):
            return self.pop_at(i + 1) is not None  # a year, unless "1983 participants"
        return True

    def _is_n_eq(self, i: int) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].lower == "n"

    def _arm_label_eq(self, i: int) -> bool:
        """ "group A = 5": the "=" at i follows an arm's one-word label after an arm noun (not
        "groups"), so the number after it is the arm's count, as after a colon."""
        return (
            i >= 2
            and self.lower(i - 2) in self.lex.arm_nouns
            and not self.lower(i - 2).endswith("s")
            and self.toks[i - 1].text.isalnum()
        )

    def bracket_trait(self, pe: int) -> bool:
        """The percentage ending before token `pe` is followed by a trait of who was studied
        and the end of its bracket part: "(45% women)", "(62% male; median age 58)"
        (`ScopeRules.trait_follows`, read on the text: "non-smokers" is three tokens)."""
        return self.lex.scope.trait_follows(self.text, self.toks[pe - 1].end)

    def paren_pct(self, j: int) -> tuple[int, int] | None:
        """`( 80 % )` or `[80%]` or `(80%, 95% CI ...)` at j: (pct token index, index after);
        after an "n (%)" header also `(10.1)` alone ("neutropenia 12 (10.1) vs 5 (4.2)")."""
        if self.lower(j) not in ("(", "["):
            return None
        k = j + 1
        pe = self.pct_at(k)
        if pe is None:
            if self._declared_pct(j, k):
                return k, k + 2
            return None
        if self.bracket_trait(pe):
            return None  # "71 outpatients (45% women)": who they are, not a share of an outcome
        close = pe
        # allow trailing consumed statistics / other text up to the closing bracket, but not
        # per-arm rates: "13 patients (9.3% group 1 and 12.7% group 2)" lists the arms' rates,
        # none of them the share the 13 are (a second percentage with no arm named stays text:
        # "(30%, compared with 10% expected)", "(30% vs 15% in controls)")
        depth = 1
        while close < len(self.toks) and close - pe < 30:
            c = self.toks[close].text
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
                if depth == 0:
                    return k, close + 1
            elif depth == 1 and self.pct_at(close) is not None and self._arm_named(pe, close + 4):
                return None
            close += 1
        return k, pe

    def _declared_pct(self, j: int, k: int) -> bool:
        """Is token k a number alone in the bracket opened at j, a percentage by an "n (%)"
        header before it in the sentence (a table flattened into text)?"""
        t = self.toks[k] if k < len(self.toks) else None
        if t is None or t.num is None or t.word_num or not 0 <= t.num <= 100:
            return False
        if self.lower(k + 1) not in (")", "]") or self.consumed[k]:
            return False
        if self._pct_header_end is None:
            found = PCT_HEADER.search(self.text) if "%)" in self.text else None
            self._pct_header_end = found.end() if found else len(self.text) + 1
        return self._pct_header_end <= self.toks[j].start

    def _arm_named(self, start: int, end: int) -> bool:
        """An arm noun ("group", "arm", "cohort") among tokens start..end-1."""
        return any(self.lower(x) in self.lex.arm_nouns for x in range(start, end))

    def set_pct(self, fig: Figure, k: int) -> None:
        t = self.toks[k]
        assert t.num is not None
        fig.pct, fig.pct_decimals = t.num, t.decimals

    def _skip_determiners(self, fig: Figure, k: int) -> int:
        """Past the determiners after "of" ("of those", "of the remaining"), noting on `fig`
        whether they point back ("those") or at the rest ("remaining"); the next token."""
        while self.lower(k) in self.lex.determiners or self.lower(k) in self.lex.remaining:
            if self.lower(k) in self.lex.back_reference:
                fig.those = True
            if self.lower(k) in self.lex.remaining:
                fig.remaining = True
            k += 1
        return k

    def _date_or_name(self, i: int, d: int) -> bool:
        """ "08/2018" (a month and year), "cytokeratin 5/6+" (a name): not a fraction."""
        den = self.toks[d]
        if len(den.text) == 4 and 1900 <= (den.num or 0) <= 2100 and self.int_at(i) <= 12:
            return True
        return self.lower(d + 1) in ("+", "-", "‐") and self.adjacent(d, d + 1)

    def _assignment(self, i: int, k: int) -> bool:
        """ "randomized to one of two groups", "1 of 2 arms": which arm, not a count (of at
        most MAX_ASSIGNED_ARMS, when no arm noun follows, and no percentage right after)."""
        for x in range(k, min(k + 4, len(self.toks))):
            low = self.lower(x)
            if low in self.lex.arm_nouns:
                return True
            if low in self.lex.prepositions or not self.toks[x].text.isalpha():
                break
        if self.is_int(k - 1) and self.int_at(k - 1) > MAX_ASSIGNED_ARMS:
            return False  # "in 1 of 77 (1%)": one subject of 77
        if self.paren_pct(k) is not None:
            return False  # "in 1 of 6 (17%)": a share, which no arm is
        return self.int_at(i) == 1 and self.lower(i - 1) in ("to", "into", "in")

    def header_count(self, i: int, listed: bool) -> bool:
        """Is the bare count at i right after the colon of a header that opens the sentence
        ("Deaths: 3 vs 5", "Grade 3 or 4 neutropenia: 12 (pembrolizumab) and 5 (placebo)"),
        followed by a list's punctuation or words, a comparison word, or its arm's bracket or
        link (`arm_drug_links`)? Not a clause's colon ("two patients who died suddenly: one as
        consequence of cardiac arrest"), a clause's subject ("Relapse: 80 ASA physical status 1
        or 2 women were scheduled"), a header of a statistic or a rate ("Mean number of
        exacerbations: 2 vs 3", "Response rate: 45 vs 30": `Lexicon.measured_header_words`), nor
        a count of time ("Survival: 12 (placebo) and 14 (pembrolizumab) months")."""
        if self.lower(i - 1) != ":" or i > HEADER_TOKENS:
            return False
        after, lex = self.lower(i + 1), self.lex
        if not (listed or after == "(" or after in lex.arm_drug_links or after in lex.comparison):
            return False
        if any(self.lower(k) in lex.measured_header_words for k in range(i - 1)):
            return False
        return not any(t.lower in lex.time_units for t in self.toks[i + 1 :])

    def bracket_around(self, pos: int) -> tuple[int, int] | None:
        """Where the innermost closed bracket around character `pos` opens and closes."""
        if self._brackets is None:
            self._brackets = Brackets(self.text)
        return self._brackets.around(pos)

    def _half_notation(self, i: int, den: int) -> bool:
        """ "V (1/2)", "t(1/2)": a subscript in brackets right after a one-letter symbol (the
        half-maximal voltage, a half-life); "2 1/2% per hour", "1 1/2 years": the fraction of a
        mixed number, a whole number right before it. Neither is a share of subjects."""
        if self.int_at(i) != 1 or den != 2:
            return False
        before = self.toks[i - 1] if i > 0 else None
        if before is None:
            return False
        if before.lower == "(" and i >= 2:
            symbol = self.toks[i - 2].text
            return len(symbol) == 1 and symbol.isalpha()
        return self.is_int(i - 1) and not before.word_num and self.lower(i - 2) not in ("/", "of")

    def _natural_frequency(self, i: int, j: int) -> tuple[int, int] | None:
        """ "1 in 5 people", "one in three women", "1 in every 5 people" (the count at i, "in"
        at j, a `natural_frequency_words` entry allowed after it): the larger number's index
        and the end of the subjects after it, or None."""
        if self.lower(j) != "in":
            return None
        if self.lower(j + 1) in self.lex.natural_frequency_words:
            j += 1
        if not self.is_int(j + 1) or self.int_at(j + 1) <= self.int_at(i):
            return None
        pend = self.pop_at(j + 2)
        return None if pend is None else (j + 1, pend)

    def _after_abbreviation(self, i: int) -> bool:
        """Is the token before i an abbreviation in capitals ("PASI 75", "IGA 0/1")?"""
        before = self.toks[i - 1].text if i > 0 else ""
        return len(before) >= 2 and before.isupper() and before.isalpha()

    def _bare_count(self, fig: Figure, i: int) -> bool:
        """A bare number is a figure only if an outcome cue follows ("Three died")."""
        if self.toks[i].word_num and fig.count == 1 and self.lower(i + 1) == "of":
            return False
        before_tok = self.toks[i - 1] if i > 0 else None
        if before_tok is not None and (
            self._after_abbreviation(i)
            or (
                before_tok.text in "-–/"
                # (a dash spaced from a number word after a word is punctuation: "were
                # hospitalised - one died"; not "2 - 4", "IL-6", "MK - 801" in tokenized text)
                and (
                    not self.toks[i].word_num
                    or self.adjacent(i - 1, i)
                    or (i >= 2 and self.toks[i - 2].num is not None)
                )
            )
            or (
                before_tok.lower in ("or", "and", "to", ",")
                and i >= 2
                and self.toks[i - 2].num is not None
                and not (before_tok.text == "," and self.is_year(i - 2))  # "in 2000, 2144 ..."
                and not self._after_arm_label(i)
            )
            or (
                before_tok.lower in ("or", "and")
                and self.lower(i - 2) == ","
                and i >= 3
                and self.toks[i - 3].num is not None
                and self.lower(i - 4) == ","
            )
        ):
            return False  # PASI 75, ACR 20, "grade 3 or 4", "grade 3, 4, or 5"
        if before_tok is not None and before_tok.text == "(" and self.lower(i + 1) == ")":
            return False  # "PbtO (2)", "(3)": a label, not a count
        if self.lower(i + 1) == ")" and self.bracket_around(self.toks[i].start) is None:
            return False  # "... and 3) type II C2 deficiency": a list's marker, no bracket
        fig.needs_cue = True
        # "partial responses in 9,"; "Deaths: 3 vs 5"
        listed = self.lower(i + 1) in (",", ".", ";", ")", "and", "or", "")
        if (
            listed
            and i >= 2
            and self.toks[i - 1].text.isalpha()
            and self.toks[i - 2].text in ("(", "[", ",", ";")
            and self.bracket_around(self.toks[i].start) is not None
        ):
            fig.labelled = fig.cue_before_ok = True  # "(noncompliance 14, death 1)"
            return True
        fig.cue_before_ok = (self.lower(i - 1) in ("in", "among") and listed) or (
            self.header_count(i, listed)
        )
        return True

    def _after_arm_label(self, i: int) -> bool:
        """ "6 in group 1 and 7 in group 2": the number before the list word is an arm's label
        (after an arm noun) and the count at i is put in an arm the same way, so the count
        starts the next part, not the second of a list of labels ("groups 1 and 2")."""
        nxt = self.lower(i + 2)
        return (
            self.lower(i - 3) in self.lex.arm_nouns
            and not self.lower(i - 3).endswith("s")
            and self.lower(i + 1) in self.lex.prepositions
            and (
                nxt in self.lex.arm_nouns
                or (nxt == "the" and self.lower(i + 3) in self.lex.arm_nouns)
            )
        )
