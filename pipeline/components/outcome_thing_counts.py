"""Bare numbers that count no subjects (`ThingCountRules`, a base of
`outcome_scope.ScopeRules`, built from its word lists): a list label ("1)" opening a
sentence), an amount listed with one ("6 cycles of FEC100 versus 4 FEC100"), things a phrase
before names ("From the six selected clusters, three were allocated ..."), or a pool of things
that opens the clause ("Of 425 studies identified, only 20 ...", and the parts of such a count in
its bracket: `things_parts`); and a bare "one" that picks one of the groups just counted ("two
groups: one with dexamethasone and one without": `arm_pronoun`).

Reads only the sentence text and the figure offsets; no state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_tokens import Figure

# How far (characters) before a bare number an amount listed with it may start.
AMOUNT_WINDOW = 140
# How far (characters) before a count the comma that ends a pool of things may stand (an
# adverb between: "..., only 69").
POOL_ADVERB_CHARS = 16


class ThingCountRules:
    """The regexes of amounts, pools of things and groups just counted (built by
    `_build_count_regexes` from the scope word lists, lower-cased), and the tests that read
    them."""

    def _build_count_regexes(
        self, low: dict[str, frozenset[str]], number_words: Iterable[str]
    ) -> None:
        """Bare numbers that count no subjects, and the groups "one" may pick from."""
        things = _alt(low["count_blockers_after"])
        # "6 cycles of FEC100 versus 4 FEC100": listed or compared with an amount of treatment
        self.amount_joiners = low["comparison_connectors"] | {"or"}
        self.amount_listed_re = re.compile(
            rf"\b(?:{things})\s+of\s+[^;]{{1,80}}?\s+(?:{_alt(self.amount_joiners)})\s*$",
            re.IGNORECASE,
        )
        # "From the six selected clusters, three ...": a count of what the phrase names
        self.things_before_re = re.compile(
            rf"\b(?:of|from|among)\s+(?:the\s+)?[\w-]+\s+(?:[\w-]+\s+)?(?:{things})\s*,\s*$",
            re.IGNORECASE,
        )
        # "Of 425 studies identified, only 20 ...", "Of the 64 cycles given, 10 ...": a pool of
        # things opens the clause (a few words may describe
        # it); a bare count after its comma counts those things
        # (not a cluster trial's units: "Of the 48 practices, 40 recruited" counts who was
        # randomized)
        pooled = _alt(low["count_blockers_after"] - low["cluster_units"])
        self.things_pool_re = re.compile(
            rf"(?:^|[,;:]\s*)(?:of|from|among)\s+(?:(?:{_alt(low['count_determiners'])})\s+)?"
            rf"(?:\d[\d,]*|{_alt(number_words)})\s+(?:[\w-]+\s+)?(?:{pooled})\b"
            rf"[^,;:()\[\]\d]{{0,80}},\s*(?:(?:{_alt(low['pool_count_adverbs'])})\s+)?$",
            re.IGNORECASE,
        )
        arms = _alt(low["arm_nouns"] | low["control_arms"])
        # "randomized to two groups: one with dexamethasone and one without": "one" names one
        # of the groups just counted (a pronoun), right after them and a colon or comma
        self.arm_pronoun_re = re.compile(
            rf"\b(?:\d+|{_alt(number_words)})\s+(?:[\w-]+\s+)?(?:{arms})\s*[:,]\s*$",
            re.IGNORECASE,
        )

    def things_parts(self, figures: list[Figure], text: str) -> set[int]:
        """Indices of the figures in a bracket right after a bare count of things that a pool
        opening its clause names ("Of 425 studies identified, 20 were pooled (12/212 in
        Europe, 8/213 elsewhere)"): the count's parts count the same things, no subjects (but
        a count with a population noun, or an "(n = N)", names subjects: "18 were included
        (2,140 patients)", "(n = 2,140)").
        The bracket opens within its clause, with no figure between. Brackets read in order
        close in order, so the search for a close and the figures read go on from where the
        last bracket's stopped: each character and figure is read once or twice (a sentence of
        such counts with no ")" read every figure after each one: quadratic)."""
        out: set[int] = set()
        close = -1  # the last bracket's close (the first ")" after it, or the text's end)
        read = 0  # the figures up to here are read (each ends before `close`)
        for k, f in enumerate(figures):
            if not (f.needs_cue and f.pct is None and k + 1 < len(figures)):
                continue
            g = figures[k + 1]
            opening = text.find("(", f.end, g.start)
            if opening < 0 or any(c in text[f.end : opening] for c in ";:()[]"):
                continue
            if not self._pooled_things(text, f.start):
                continue
            if close < opening:
                close = text.find(")", opening)
                close = len(text) if close < 0 else close
            # (not a count of subjects: "18 were included (2,140 patients)", "(n = 2,140
            # patients)" name who)
            read = max(read, k + 1)
            while read < len(figures):
                h = figures[read]
                if h.end > close:
                    break
                if not (h.has_pop or h.n_form):
                    out.add(read)
                read += 1
        return out

    def _pooled_things(self, text: str, start: int) -> bool:
        """Whether a pool of things (no cluster trial's units) opens the clause of the number
        at `start`, right before it: "Of 425 studies identified, only 20"."""
        tail = text[max(0, start - POOL_ADVERB_CHARS) : start]
        return "," in tail and self.things_pool_re.search(
            text, max(0, start - AMOUNT_WINDOW), start
        ) is not None

    def counts_no_subjects(self, text: str, start: int, end: int) -> bool:
        """A bare number at text[start:end] that is a list label ("1) ..."), an amount listed
        with one, or a count of things (not subjects) that a phrase before it names ("From the
        six selected clusters, three ...", or a pool that opens the clause: "Of 425 studies
        identified, only 20 ...")."""
        before = text[max(0, start - AMOUNT_WINDOW) : start]
        tail = before.rstrip()
        if not tail:
            return text[end : end + 2].lstrip().startswith(")")  # "1) ..."
        # (cheap tests of the last word or sign first: most numbers follow neither)
        if tail.endswith(",") and self.things_before_re.search(before[-80:]) is not None:
            return True
        if self._pooled_things(text, start):
            return True  # "Of 425 studies identified, only 20 ..."
        if tail.endswith(","):
            return False
        last = tail[tail.rfind(" ") + 1 :].lower()
        return last in self.amount_joiners and self.amount_listed_re.search(before) is not None

    def arm_pronoun(self, text: str, start: int) -> bool:
        """ "two groups: one with dexamethasone and one without": a bare "one" (written as a
        word: the caller checks) right after the groups it picks one of names an arm, it
        counts no subjects."""
        return self.arm_pronoun_re.search(text, max(0, start - 40), start) is not None
