"""Figures a quantifier opens, for the outcomes grammar (`outcome_grammar.SentenceParser`):
"no patient ...", "none of the 12 patients", "not a single patient", "No deaths occurred" (a
count of zero), and "all 96 patients", "all remaining patients" (every subject). Each reads a
bounded window of tokens after the quantifier.
"""

from __future__ import annotations

from pipeline.components.outcome_reader import FigureReader
from pipeline.components.outcome_tokens import Figure

# How many words may stand between "no" and the event it counts none of ("no treatment-related
# toxic deaths").
ZERO_MODIFIERS = 2


class QuantifierReader(FigureReader):
    """The figures "no", "none", "not" and "all" open (`_parse_zero`, `_parse_all`)."""

    def _parse_zero(self, i: int) -> Figure | None:
        low = self.lower(i)
        k = i + 1
        if low == "not":
            if self.lower(k) not in ("a", "one", "any"):
                return None
            k += 1
            if self.lower(k) == "single":
                k += 1
        elif (low == "none" and self.lower(k) != "of") or (
            low == "no" and self.lower(k) == "one" and not self.compound_at(k)  # ("one-year")
        ):
            # "none developed side effects", "no one died": a count of zero that, like a bare
            # count, needs its cue right after it
            end = k if low == "none" else k + 1
            return Figure(i, end, count=0, num=0, zero=True, negated=True, needs_cue=True)
        elif low == "none":
            k += 1
        fig = Figure(i, k, count=0, num=0, zero=True, negated=True, prefer_after=True)
        while self.lower(k) in self.lex.determiners:
            k += 1
        if self.is_int(k):
            fig.den = self.int_at(k)
            k += 1
        pend = self.pop_at(k, max_adj=2)
        if pend is None and low == "no":
            return self._zero_events(fig, k)
        if pend is None:
            if low == "none" and (
                fig.den is not None or self.lower(k - 1) in self.lex.back_reference
            ):
                fig.te = k
                fig.has_pop = True
                return fig
            return None
        fig.population, fig.has_pop = self.toks[pend - 1].text, True
        fig.te = pend
        return fig

    def _zero_events(self, fig: Figure, k: int) -> Figure | None:
        """ "No deaths occurred", "There were no treatment-related deaths": a count of zero of
        the event a `zero_event_nouns` entry names, at most ZERO_MODIFIERS words after "no"
        (a hyphenated compound is one word); not after a `zero_subject_words` entry."""
        lex = self.lex
        if self.lower(fig.ts - 1) in lex.zero_subject_words:
            return None  # "69% ... had no recurrence", "patients with no relapse": who, not a count
        words = 0
        while k < len(self.toks) and words <= ZERO_MODIFIERS:
            low = self.lower(k)
            if self.compound_at(k):
                k += 2  # "treatment-related", "relapse-free": its first part and the hyphen
                continue
            if low in lex.zero_event_nouns:
                fig.te = k + 1
                return fig
            if not low.isalpha() or low in lex.prepositions or low in lex.connectors:
                return None  # "no difference in deaths", "no nausea or deaths"
            words += 1
            k += 1
        return None

    def _parse_all(self, i: int) -> Figure | None:
        k = i + 1
        if self.lower(k) == "of":
            k += 1
        fig = Figure(i, k, all_form=True, prefer_after=True)
        while self.lower(k) in self.lex.determiners or self.lower(k) in self.lex.remaining:
            if self.lower(k) in self.lex.remaining:
                fig.remaining = True
            if self.lower(k) in self.lex.back_reference:
                fig.those = True
            k += 1
        if self.is_int(k):
            fig.count = fig.num = fig.den = self.int_at(k)
            k += 1
        pend = self.pop_at(k, max_adj=2)
        if pend is None:
            return None
        fig.population, fig.has_pop = self.toks[pend - 1].text, True
        fig.te = pend
        if self.lower(i - 1) in self.lex.prepositions or self.lower(i - 2) == "in":
            fig.prefer_after = False
        return fig
