"""The figure grammar of `biotab_outcomes`: figures, statistics and timepoints in one sentence.

`SentenceParser(text, lexicon)` reads light tokens (`outcome_tokens.py`) left to right, once:
`find_stats()` marks confidence intervals and p-values, `find_timepoints()` timepoints (both are
consumed so they are never read as figures; `outcome_statistics.py`), then `parse()` reads the
figures: ratio statistics, rates per person-time and medians (`outcome_statistics.py`), and
"12 of 15 patients", "12/15 (80%)", "80% (12/15)", "n = 12", "Twelve of those patients (86%)",
"86 %", "no patient ...", "all remaining patients ...". Each rule looks at a bounded window of
tokens, so the work is linear in the sentence length. The token queries the rules ask (an
integer, a percentage or a population noun here; may this number start a count) are
`FigureReader`'s (`outcome_reader.py`); "no ..." and "all ..." are read by `QuantifierReader`
(`outcome_quantifiers.py`).
"""

from __future__ import annotations

import bisect
import itertools
import re

from pipeline.components.outcome_annual_percent import annual_percent
from pipeline.components.outcome_quantifiers import QuantifierReader
from pipeline.components.outcome_reader import acuity_fraction
from pipeline.components.outcome_tokens import Figure, opening_clause_end, pct_consistent

# How many tokens a pool "Of the 40 patients in arm A who had node-positive disease," may hold
# after its count: when it opens its sentence, and elsewhere ("the data of the 97 participants
# who completed ..., " names no pool).
POOL_WINDOW = 12
POOL_WINDOW_INSIDE = 8
# How many more tokens such a pool may hold past a threshold ("a risk of 2.1% or higher").
THRESHOLD_TOKENS = 4


# The largest denominator of a fraction of two neighbouring scores right after an abbreviation
# that is read as a scale's scores ("IGA 0/1", "ASA 3/4"), not a share ("ORR 12/40", "CR 2/4").
MAX_SCORE_LABEL = 5

# Between two members of a list of relative changes (`SentenceParser._continues_change`): a
# list separator ("63, 80, and 42%"); or what a next member's own "by" ends ("by 26%, P(0.1)
# by 72%"): no clause end, figure or digit (brackets removed first: "by 79% (hazard ratio =
# 0.21; 95% CI ...) and ER+ invasive breast cancer by 83%"), nor a verb form ("... by 30%
# and was reported by 20%": another clause, whose own words decide)
_LIST_SEPARATOR = re.compile(r"\s*,?\s*(?:(?:and|or)\s+)?\Z", re.IGNORECASE)
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NEXT_BY = re.compile(r"[^;%\d]{0,60}\bby\s+\Z", re.IGNORECASE)
_VERB_FORM = re.compile(r"[a-z](?:ed|ing)\b", re.IGNORECASE)


class SentenceParser(QuantifierReader):
    """Finds figures, statistics and timepoints in one sentence's text."""

    _boundary: list[bool] | None = None
    _cuts: list[int] | None = None
    # the sentence may hold a percentage (set by `parse`)
    _may_pct = True

    def boundaries(self) -> list[bool]:
        """For each token, whether it is a strong boundary (`strong_boundaries`, not a number):
        computed once, read by the component's passes and `clause_chars`."""
        if self._boundary is None:
            bounds = self.lex.boundaries
            self._boundary = [t.lower in bounds and not t.num for t in self.toks]
            if self._boundary and (k := opening_clause_end(self.toks, self._boundary)):
                self._boundary[k] = True  # "While ORR was similar (...), the pCR rate ..."
        return self._boundary

    def stretch(self, ts: int, te: int) -> tuple[int, int]:
        """Tokens [lo, hi) around tokens ts..te up to the strong boundaries before and after
        them (brackets included): the indices of the boundary tokens are found once."""
        if self._cuts is None:
            self._cuts = list(itertools.compress(range(len(self.toks)), self.boundaries()))
        cuts = self._cuts
        k = bisect.bisect_left(cuts, ts)
        j = bisect.bisect_left(cuts, te)
        return cuts[k - 1] + 1 if k > 0 else 0, cuts[j] if j < len(cuts) else len(self.toks)

    def clause_chars(self, i: int) -> tuple[int, int]:
        """The characters of the clause token i is in: from the end of the last strong boundary
        (`strong_boundaries`, not a number) before it to the start of the next one, or to the
        end of the bracket token i is in ("marimastat (10 mg bid; n = 114) or placebo": the
        words after the bracket are the sentence's, not the size's)."""
        lo, hi = self.stretch(i, i)
        start = self.toks[lo - 1].end if lo > 0 else 0
        end = self.toks[hi].start if hi < len(self.toks) else len(self.text)
        around = self.bracket_around(self.toks[i].start)
        return start, end if around is None else min(end, around[1])

    def parse(self) -> None:
        toks = self.toks
        consumed, starters = self.consumed, self.lex.figure_words  # (changed in place only)
        # the words a rate per person-time, a median and a percentage need, in the sentence
        # at all (a token's lower case is a substring of the lower-cased sentence)
        may_rate, low = "per" in self.low, self.low
        may_median = any(w in low for w in self.lex.median_words)
        self._may_pct = "%" in self.text or "cent" in low  # ("%", "percent", "per cent")
        read = 0  # the first token no figure has taken
        # what `_parse_at` rejects first: words that neither are a number nor start
        # "no/none/not/all ..." or "n = ..." (most tokens: passed over in a comprehension), and
        # consumed tokens
        for i in [k for k, t in enumerate(toks) if t.num is not None or t.lower in starters]:
            if i < read or consumed[i]:
                continue
            t = toks[i]
            fig = None
            if t.num is not None and self.in_code(i):
                continue  # "E120", "rs8060157", "Six5": a name
            if t.num is not None:
                # (a ratio needs its name in the sentence: few sentences have one)
                fig = self._parse_ratio(i) if self._ratio_named else None
                if fig is None and may_rate:
                    fig = self._parse_rate(i)
                if fig is None and may_median:
                    fig = self._parse_median(i)
            fig = fig or self._parse_at(i)
            if fig is None:
                continue
            if fig.te <= i:  # safety
                fig.te = i + 1
            fig.start, fig.end = toks[fig.ts].start, toks[fig.te - 1].end
            self.figures.append(fig)
            read = fig.te

    def _parse_at(self, i: int) -> Figure | None:
        t = self.toks[i]
        low = t.lower
        if low in ("no", "none", "not"):
            return self._parse_zero(i)
        if low == "all":
            return self._parse_all(i)
        if low == "n" and self.lower(i + 1) == "=" and self.is_int(i + 2):
            if self.lower(i + 3) in ("-", "–") and self.adjacent(i + 2, i + 3):
                return None  # "(n = 1-9)": a range in a definition
            return self._parse_n_eq(i)
        if t.num is None:
            return None
        before = self.lower(i - 1)
        # (the slash one space on: "6 / 15", text tokenized for a corpus and joined by spaces)
        slash = t.end + self.text.startswith(" / ", t.end)
        if before in self.lex.measured_value_words or (
            self.text.startswith("/", slash)
            and acuity_fraction(self.lex, self.text, t.start, slash, before)
        ):
            return None  # "buffer of pH 7.4 and 80% human plasma", "vision was 6/15"
        pe = self.pct_at(i) if self._may_pct else None
        if pe is not None:
            return self._parse_pct(i, pe)
        if before in self.lex.arm_nouns and self.pop_at(i + 1) is None:
            return None  # "group 1, 64%; group 2, 71%": a label (not "group 68 cases")
        if self._may_pct and self.shared_pct_at(i):
            fig = Figure(i, i + 1)
            self.set_pct(fig, i)
            # ("reduced by 63, 80, and 42%": the list's first number says what all are)
            fig.relative = self._continues_change(i) or self._changed_by(t.start)
            return fig
        if self.is_int(i) and (
            self.count_guard(i)
            # "fewer than 1 in 100 people", "up to 1 in 3 people": a frequency, bounded (not
            # "grade 1 in 5 patients": a label, which the guard refuses as before)
            or (before in ("than", "to") and self._natural_frequency(i, i + 1) is not None)
        ):
            return self._parse_count(i)
        if t.decimals > 0 and t.num > 0:  # (an annual rate may be 1 or more)
            return self._parse_proportion(i)
        return None

    def _range_skip(self, i: int, pe: int) -> int | None:
        """A percentage range "20-40%", "20% to 40%", "between 20% and 40%": index past it."""
        nxt = self.lower(pe)
        prev = self.lower(i - 1)
        if (
            nxt in ("-", "–", "—", "to")
            and pe + 1 < len(self.toks)
            and (self.toks[pe + 1].num is not None)
        ):
            after = self.pct_at(pe + 1)
            if prev == "from" and nxt == "to":
                return None
            return after if after is not None else pe + 2
        if prev == "between" and nxt == "and":
            after = self.pct_at(pe + 1)
            return after if after is not None else pe + 2
        return None

    def _level_after_ci(self, i: int, pe: int) -> bool:
        """ "(2-sided CI 95%)": a percentage right after a CI abbreviation that is a
        conventional confidence level and starts no range ("CI 30%-50%" gives a bound)."""
        t = self.toks[i]
        assert t.num is not None
        if t.num < self.lex.min_confidence_level or t.num >= 100:
            return False
        if self.lower(pe) in ("-", "–", "—", "to"):
            return False
        before = self.lex.confidence_before_re
        return before.search(self.text, max(0, t.start - 12), t.start) is not None

    def _parse_pct(self, i: int, pe: int) -> Figure | None:
        """A percentage at i (its "%" ending before pe), with its count and subjects: "80%
        (12/15)", "59% of patients"; None for what is no rate (`_not_a_rate`)."""
        if self._not_a_rate(i, pe):
            return None
        skip = self._range_skip(i, pe)
        if skip is not None:
            return Figure(i, skip, den_phrase=True)
        if self.lex.confidence_after_re.match(self.text, self.toks[pe - 1].end):
            return None  # "the 95% one-sided upper confidence limit": a level, not a figure
        if self._level_after_ci(i, pe):
            return None  # "(2-sided CI 95%)": the same level, written after the abbreviation
        fig = Figure(i, pe)
        self.set_pct(fig, i)
        self._pct_kind(fig, i, pe)
        j = self._pct_bracket(fig, pe)
        j = self._pct_of(fig, j)
        cases = fig.population is not None and fig.population.lower() in self.lex.occurrence_nouns
        if (not fig.has_pop or cases) and (
            self.lex.composition_before_re.search(
                self.text, max(0, self.toks[i].start - 40), self.toks[i].start
            )
            or self.lex.composition_after_re.match(self.text, self.toks[j - 1].end)
        ):
            return None  # "constituted 88% of this sample", "80% of which were", "accounted
            # for 7% of the cases": a make-up
        fig.te = annual_percent(self, fig, j)  # ("2.1% per year": a rate)
        prev = self.lower(i - 1)
        fig.prefer_after = fig.has_pop and prev not in self.lex.prepositions
        return fig

    def _not_a_rate(self, i: int, pe: int) -> bool:
        """ "12.3±2.4%" (a standard error), "20-40%" (a range written with the unit once)."""
        if self.lower(i - 1) == "±":
            return True
        return (
            i >= 2
            and self.lower(i - 1) in ("-", "–", "to")
            and self.toks[i - 2].num is not None
            and self.lower(i - 3) != "from"
        )

    def _pct_kind(self, fig: Figure, i: int, pe: int) -> None:
        """Is the percentage a relative change ("reduced ... by 54%") or a threshold ("more
        than 50%")?"""
        t0 = self.toks[i].start
        fig.relative = bool(
            self._changed_by(t0)
            or self.lex.change_noun_before_re.search(self.text[max(0, t0 - 30) : t0])
            or self.lex.change_further_back(self.text, t0)
            or self.lex.change_after_re.match(self.text[self.toks[pe - 1].end : t0 + 160])
            or self._continues_change(i)
        )
        # (a comparator ends right before the number: a short window is enough)
        # ("a 5-year risk of 1.66% or more": a threshold written after the number too)
        fig.comparator = bool(
            self.lex.ends_with_comparator(self.text[max(0, t0 - 60) : t0])
            or self.lex.comparator_after_re.match(self.text, self.toks[pe - 1].end)
        )

    def _changed_by(self, t0: int) -> bool:
        """Does a change verb and "by" stand before the number starting at character t0
        ("reduced the rate by 54%")? The verb may stand 12 words back, but "by" ends the
        window: tested first."""
        return bool(
            "by" in self.text[max(0, t0 - 24) : t0].lower()
            and self.lex.change_before_re.search(self.text[max(0, t0 - 160) : t0])
        )

    def _continues_change(self, i: int) -> bool:
        """Is the percentage at token i the next member of a list of relative changes whose
        member before it is one: "reduced by 63, 80, and 42%" (a number that shares its sign
        with, or lends it to, the member before it, a list separator between), "increased by
        26%, P(0.1) by 72% and the response to CO2 by 65%" (each member's own "by", no verb,
        figure or clause end between but in brackets)? The change verb may stand further back
        than `change_before_re` looks."""
        prev = next((g for g in reversed(self.figures) if g.pct is not None), None)
        if prev is None or not prev.relative:
            return False
        between = self.text[prev.end : self.toks[i].start]
        if _LIST_SEPARATOR.match(between):
            # one sign for the list: this number or the one before it has none of its own
            return self.pct_at(i) is None or self.text[prev.end - 1].isdigit()
        if not self.text[max(0, prev.start - 4) : prev.start].lower().rstrip().endswith("by"):
            return False
        between = _BRACKETED.sub(" ", between)
        return _NEXT_BY.match(between) is not None and not _VERB_FORM.search(between)

    def _pct_bracket(self, fig: Figure, j: int) -> int:
        """ "80% (12/15)", "80% (12 of 15)", "80% (n = 12)", "80% (12 patients)": the count,
        denominator and subjects in a bracket at j; the index past the bracket, or j."""
        if self.lower(j) not in ("(", "["):
            return j
        k = j + 1
        if self.lower(k) == "n" and self.lower(k + 1) == "=" and self.is_int(k + 2):
            if self.lower(k + 3) in (")", "]"):
                fig.num = self.int_at(k + 2)
                j = k + 4
        elif self.is_int(k):
            a = self.int_at(k)
            m = k + 1
            if self.lower(m) in ("/", "of") and self.is_int(m + 1):
                fig.num, fig.den = a, self.int_at(m + 1)
                m += 2
            elif self.lower(m) == "out" and self.lower(m + 1) == "of" and self.is_int(m + 2):
                fig.num, fig.den = a, self.int_at(m + 2)
                m += 3
            else:
                fig.num = a
            pend = self.pop_at(m)
            if pend is not None:
                fig.population, fig.has_pop = self.toks[pend - 1].text, True
                m = pend
            if self.lower(m) in (")", "]") and (fig.den is not None or fig.has_pop
                                               or m == k + 1):  # fmt: skip
                j = m + 1
            else:
                fig.num = fig.den = None
                fig.population, fig.has_pop = None, False
        return j

    def _pct_of(self, fig: Figure, j: int) -> int:
        """ "59% of patients", "80% of the 15 patients": the subjects (and their number) after
        "of" at j; the index past them, or j."""
        if self.lower(j) != "of":
            return j
        k = self._skip_determiners(fig, j + 1)
        den = None
        if self.is_int(k):
            den = self.int_at(k)
            k += 1
        pend = self.pop_at(k)
        if pend is not None:
            fig.population, fig.has_pop = self.toks[pend - 1].text, True
            if den is not None and fig.den is None:
                fig.den = den
            j = pend
        elif self.lower(k - 1) == "them":
            fig.has_pop, fig.population = True, None
            j = k
        return j

    def _parse_count(self, i: int) -> Figure | None:
        """A count at i: "12/15 patients", "12 of 15", "1 in 5 people", "12 patients", each
        with a percentage in brackets right after or a few words on ("12 patients (80%)"); a
        bare number only where a cue follows (`_bare_count`)."""
        a = self.int_at(i)
        fig = Figure(i, i + 1, count=a, num=a)
        read = self._count_phrase(fig, i)
        if read is None:
            return None
        j, matched, natural = read
        j, pct = self._count_share(fig, j)
        if not (matched or pct) and not self._bare_count(fig, i):
            return None
        if fig.pct is None and not natural and (
            self.lex.ends_with_comparator(
                self.text[max(0, self.toks[i].start - 20) : self.toks[i].start]
            )
            or self.lex.comparator_after_re.match(self.text, self.toks[i].end)
        ):
            # "at least 1 skeletal-related event", "≤16 patients", "two or more hot flashes":
            # a threshold (but "fewer than 1 in 100 people" is a frequency, bounded)
            return None
        fig.te = j
        self._count_context(fig, i, j)
        return fig

    def _count_phrase(self, fig: Figure, i: int) -> tuple[int, bool, bool] | None:
        """What follows the count at i: a denominator ("/15", "of 15"), a natural frequency
        ("in 5 people") or subjects ("patients"), noted on `fig`. The index past them, whether
        any was found and whether the count is a natural frequency; None for no count."""
        j = i + 1
        low = self.lower(j)
        if low == "/" and self.is_int(j + 1) and self.slash_between(i, j):
            end = self._count_fraction(fig, i, j)
            return None if end is None else (end, True, False)
        if low == "of" or (low == "out" and self.lower(j + 1) == "of"):
            end = self._count_of(fig, i, j, low)
            return None if end is None else (end, True, False)
        if (nf := self._natural_frequency(i, j)) is not None:
            fig.den = self.int_at(nf[0])  # "1 in 5 people": one of every five
            fig.population, fig.has_pop = self.toks[nf[1] - 1].text, True
            return nf[1], True, True
        if (after := self.pop_at(j)) is not None:
            if self.blocks_count_after(after):
                return None  # "Two mouse lines", "three patient groups": things, no subjects
            fig.population, fig.has_pop = self.toks[after - 1].text, True
            return after, True, False
        if (pend := self.list_population(j)) is not None:
            # "207 and 201 patients were enrolled": the list's subjects are each count's
            # (the count stays one figure, the next its own)
            fig.population, fig.has_pop = self.toks[pend - 1].text, True
            return j, True, False
        return j, False, False

    def _count_fraction(self, fig: Figure, i: int, j: int) -> int | None:
        """ "12/15 (80%)", "12/15 patients" (the slash at j): the denominator and subjects;
        the index past them, or None where the fraction is no share of subjects."""
        a = self.int_at(i)
        fig.den = self.int_at(j + 1)
        if (fig.den < a or self.lower(j + 2) in self.lex.units or self.lower(j + 2) == "/"
                or self.blocks_count_after(j + 2) or self._date_or_name(i, j + 1)):  # fmt: skip
            return None  # ("25/250 tablets": a combination's strengths; "1/2 centres")
        if fig.den == a + 1 <= MAX_SCORE_LABEL and self._after_abbreviation(i):
            return None  # "(IGA 0/1)", "ECOG 0/1": the scores of a scale, no share
        if self._half_notation(i, fig.den):
            self.consumed[j + 1] = True  # (nor is its "2" a figure: "2 1/2% per hour")
            return None
        j += 2
        pend = self.pop_at(j)
        if pend is not None:
            fig.population, fig.has_pop, j = self.toks[pend - 1].text, True, pend
        return j

    def _count_of(self, fig: Figure, i: int, j: int, low: str) -> int | None:
        """ "12 of 15 patients", "12 out of 15", "three of whom died" ("of" or "out" at j,
        `low`): the denominator and subjects; the index past them, or None where the count
        is of things or an assignment."""
        a = self.int_at(i)
        k = self._skip_determiners(fig, j + (1 if low == "of" else 2))
        if self.blocks_count_after(k):
            return None  # "two of these factors": things, not subjects
        if self.is_int(k):
            fig.den = self.int_at(k)
            if fig.den < a or self.counts_things(k):
                # ("3 of 120 cycles", "on 4 of 7 days": a share of cycles or days, an
                # amount of treatment or time, not of subjects)
                return None
            k += 1
        pend = self.pop_at(k)
        if pend is not None:
            fig.population, fig.has_pop, k = self.toks[pend - 1].text, True, pend
        if self.lower(k - 1) == "them":
            fig.has_pop = True
        elif k == j + 1 and fig.den is None and self.lower(k) in self.lex.antecedent_words:
            # "three of whom died", "one of which was fatal": a part of the count before,
            # what the relative clause says of it its measure (not a trait: "38 of whom were
            # aged 70 or more")
            fig.those = fig.has_pop = fig.needs_cue = True
            k += 1
        if not fig.has_pop and self._assignment(i, k):
            return None
        return k if fig.den is not None or fig.has_pop or fig.those else None

    def _count_share(self, fig: Figure, j: int) -> tuple[int, bool]:
        """ "(80%)" right after the count's phrase (ending at j), or within a few words after
        its population noun, with a denominator written after it ("19 (66%) out of 29
        patients"): noted on `fig`; the index past them and whether a percentage was found."""
        pp = self.paren_pct(j)
        if pp is None and fig.has_pop:
            for k in range(j, min(j + 6, len(self.toks))):
                tk = self.toks[k]
                if tk.num is not None or tk.lower in self.lex.boundaries or tk.text in ",;:":
                    break
                if tk.text in "([":
                    pp = self.paren_pct(k)
                    break
        if pp is None:
            return j, False
        self.set_pct(fig, pp[0])
        j = pp[1]
        if fig.den is None and self.lower(j) == "of":
            j = self._share_of(fig, j)
        elif fig.den is None and self.lower(j) == "out" and self.lower(j + 1) == "of":
            past = self._share_of(fig, j + 1)  # "19 (66%) out of 29 patients"
            j = j if past == j + 1 else past
        return j, True

    def _share_of(self, fig: Figure, j: int) -> int:
        """ "30 (58%) of 52 evaluable patients" (j at "of"): the count's denominator and
        subjects written after its percentage (one figure, not a figure and a second count; a
        denominator without subjects when the percentage is its share: "15 (10%) of 148"); the
        index past them, or j."""
        k = self._skip_determiners(fig, j + 1)
        if not self.is_int(k) or fig.count is None or self.int_at(k) < fig.count:
            return j
        pend = self.pop_at(k + 1)
        if pend is None:
            # "15 (10%) of 148 given placebo": no subjects named, the percentage its share
            if fig.pct is None or self.counts_things(k) or not pct_consistent(
                fig.count, self.int_at(k), fig.pct, fig.pct_decimals
            ):
                return j
            fig.den = self.int_at(k)
            return k + 1
        fig.den = self.int_at(k)
        fig.population, fig.has_pop = self.toks[pend - 1].text, True
        return pend

    def _count_context(self, fig: Figure, i: int, j: int) -> None:
        """What the words before a count make of it: a denominator phrase ("Of the 45 patients
        screened, ..."), a group already counted ("the 12 patients"), the side its cue is on."""
        prev = self.lower(i - 1)
        at = self.toks[i].start
        if fig.remaining is False and prev in self.lex.remaining:
            fig.remaining = True
            prev = self.lower(i - 2)
            if prev == "the":
                prev = self.lower(i - 3)
        elif prev in self.lex.count_determiners:
            prev = self.lower(i - 2)
        total = prev == "of" and self.lower(i - 2) in self.lex.total_words  # "a total of 111"
        if (
            prev in self.lex.pool_prepositions
            and not total
            and fig.pct is None
            and (fig.has_pop or fig.den)
        ):
            # "Of (the) 45 patients screened, 32 were ..." – a denominator
            k = self._pool_end(i, j)
            if k is not None:
                fig.den_phrase = True
                # "Of 400 women randomized, ...", "Among 158 randomized women, ...", "In this
                # study of 774 women ..., ": who was studied, not only a denominator
                fig.of_phrase = any(
                    self.toks[x].lower in self.lex.enrolled_words for x in range(i, k)
                ) or bool(self.lex.design_before_re.search(self.text, max(0, at - 80), at))
        elif (
            self.lower(i - 1) in self.lex.counted_group_determiners
            and fig.pct is None
            and fig.den is None
            and fig.has_pop
            and not fig.remaining
        ):
            fig.den_phrase = True  # "the 12 patients": a group already counted
        # (a count opening a bracket is about what the bracket follows: "neutropenia (22 [43%]
        # of 51 patients) and ALT concentrations ...", as for "(n = 12)")
        fig.prefer_after = prev not in self.lex.prepositions and self.lower(i - 1) not in ("(", "[")

    def _pool_end(self, i: int, j: int) -> int | None:
        """Where the pool "Of (the) 45 patients <words>" that opens at the count's token i (its
        phrase ending at j) ends: at its comma ("Of 400 women randomized, ..."), or, for a pool
        that opens its sentence, at the count right after its words ("Of the 6 patients who
        underwent cystectomy 4 were alive"); None if a boundary or another number comes first,
        or no comma within its window (a number in its bracket too: "Of 120 patients (60 in arm
        A and 60 in arm B), ..." is who was studied, not a pool; "Of 53 women (aged 51 y)
        randomized ..." is no pool ending at 51; but a number with its unit is part of the
        pool's words: "Of 1,000 people who take aspirin for 10 years, ...")."""
        toks = self.toks
        o = i - 2 if self.lower(i - 1) in self.lex.count_determiners else i - 1
        opens = o == 0 or self.lower(o - 1) in (":", ";", ".")
        window = POOL_WINDOW if opens else POOL_WINDOW_INSIDE
        extra = 0  # (a threshold's tokens, past the window: "2.1% or higher")
        for k in range(j, min(j + window + THRESHOLD_TOKENS, len(toks))):
            if k >= j + window + extra:
                break
            tk = toks[k]
            if tk.text == ",":
                return k
            elif tk.lower in self.lex.boundaries:
                return None
            elif tk.num is not None:
                if self.lower(k + 1) in self.lex.units and self.lower(k - 1) != ",":
                    continue  # "Of 1,000 people who take aspirin for 10 years, ...": its words
                if self.lower(k + 1) == "%" and (
                    self.lex.ends_with_comparator(self.text[max(0, tk.start - 60) : tk.start])
                    or self.lex.comparator_after_re.match(self.text, toks[k + 1].end)
                ):  # a threshold: "Of the 310 women with a risk of 2.1% or higher who ...,"
                    extra = THRESHOLD_TOKENS
                    continue
                before = toks[k - 1]
                ends = (
                    opens
                    and k > j + 1
                    and not any(toks[x].text in ("(", "[") for x in range(j, k))
                    and before.text.isalpha()
                    and before.lower not in self.lex.prepositions
                    and before.lower not in self.lex.units
                    and self.lower(k + 1) not in ("%", ".", ",", ")")
                )
                return k if ends else None
        return None

    def _parse_n_eq(self, i: int) -> Figure | None:
        # skip "(67.1%, n = 47)": n inside brackets that already hold a percentage
        k = i - 1
        while k >= max(0, i - 40) and self.toks[k].text not in "([)]":
            if self.toks[k].text == "%":
                return None
            k -= 1
        a = self.int_at(i + 2)
        fig = Figure(i, i + 3, count=a, num=a, n_form=True)
        j = i + 3
        if self.lower(j) == "/" and self.is_int(j + 1) and self.int_at(j + 1) >= a:
            # "n = 25/51 (49%)", "(n = 913/1000)": a fraction (who had it of how many), not
            # the size of a group
            fig.den = self.int_at(j + 1)
            j += 2
        if self.lower(j) in (")", "]") and self.lower(j + 1) == ",":
            for k in range(i - 1, max(-1, i - 8), -1):
                if self.toks[k].lower in self.lex.pool_prepositions and (
                    k == 0 or self.toks[k - 1].text in ",;:"
                ):
                    fig.den_phrase = True
                    break
        pp = self.paren_pct(j)
        if pp is None and self.lower(j) == "," and self.pct_at(j + 1) is not None:
            pe = self.pct_at(j + 1)
            assert pe is not None
            pp = (j + 1, pe)
        if pp is not None:
            self.set_pct(fig, pp[0])
            j = pp[1]
        fig.te = j
        # population from the noun just before "(n = 12)"
        k = i - 1
        if self.lower(k) in ("(", "[", ","):
            k -= 1
        if 0 <= k < len(self.toks) and self.toks[k].lower in self.lex.pop:
            fig.population, fig.has_pop = self.toks[k].text, True
        fig.prefer_after = self.lower(i - 1) not in ("(", "[", ",")
        return fig
