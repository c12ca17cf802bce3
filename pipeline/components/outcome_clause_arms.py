"""Arms named once in a figure's clause (`biotab_outcomes`), read after each figure's own forms.

`clause_arm`: the one arm "the X group" names in the figure's clause ("In the control arm, ...
was 16.7%"); `shared_clause_arm`: the arm named before all the figures of a clause ("In the
placebo group (n = 30), two (6.7%) had grade 2 rash, four (13.3%) grade 1");
`opening_clause_arm`: the arm whose name opens the clause as its frame ("Arm A: CR 10 (20%), PR
15 (30%)"); `trailing_list_arm`: the one arm named after a list of events, each figure beside its
own event ("Rash (10%), diarrhea (8%) and nausea (5%) were reported in the dupilumab group",
"There were 12 deaths and 30 hospitalizations in the placebo group"). None where the clause
compares (`_compares`). `outcome_arms.note_arms` calls them for figures its other rules left
without an arm. Reads the sentence's text, figures and mentions; returns sentence-relative spans.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_evidence import (
    THE_WORD,
    ArmEvidence,
    the_arm_names_from,
)
from pipeline.components.outcome_arm_names import may_open_frame, opening_name
from pipeline.components.outcome_attach import named_as_comparator
from pipeline.components.outcome_bare_arms import BareNames
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_tokens import Figure
from pipeline.labels import DISEASE

if TYPE_CHECKING:
    from pipeline.components.outcome_context import SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon


class Clauses:
    """What the rules below read of a clause (characters lo..hi) for each of its figures, read
    once a clause: its figures (by bisect on their starts), whether it compares
    (`_compares`), its arm names (`the_arm_names`), the first start and last end of its
    figures, and whether a figure of it has an arm other than a name. Read per figure, the
    figures and the clause's text made a clause of n figures cost n times its length ("0% 1%
    2% ..." over 3,000 characters: 0.4 s a sentence). Figures' arms are read as they are when
    first asked: one per pass over the figures that sets none (`note_arms`' lists). Clauses
    that share their start and end at each figure's bracket ("In the placebo group, rash (2%),
    nausea (4%), ...") are read on from the figure the last one stopped at."""

    def __init__(self, figures: list[Figure], text: str, lex: Lexicon) -> None:
        self.figures, self.text, self.lex = figures, text, lex
        self._starts = [g.start for g in figures]
        self._sorted = all(a <= b for a, b in pairwise(self._starts))
        self._within: dict[tuple[int, int], list[Figure]] = {}
        self._compares: dict[tuple[int, int], bool] = {}
        self._names: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._bounds: dict[tuple[int, int], tuple[int, int]] = {}
        self._other_arm: dict[tuple[int, int, int, int], bool] = {}
        self._named: dict[tuple[int, int], bool] = {}
        self._disease_ends: list[int] | None = None
        self._thes: list[int] | None = None  # (`names`')
        self._bare: BareNames | None = None  # (`names`')
        self._words: list[tuple[int, int]] | None = None  # (`_stop_word`'s)
        self._low = ""
        self._word_starts: list[int] = []
        self._word_ends: list[int] = []
        self._stops_before: list[int] = []
        self._other_name: dict[tuple[int, int, str], bool] = {}
        # (any of a test over the figures from one on: key -> [figures read to, first hit])
        self._runs: dict[tuple[object, ...], list[int | None]] = {}

    def each(self, lo: int, hi: int) -> Iterator[Figure]:
        """The figures that start in text[lo:hi], in the figures' order, one by one (no list
        of a clause that ends at each figure's bracket for each: `clause_arm` stops early)."""
        if not self._sorted:
            yield from self.within(lo, hi)
            return
        i, j = self._span(lo, hi)
        figures = self.figures
        for k in range(i, j):
            yield figures[k]

    def _span(self, lo: int, hi: int) -> tuple[int, int]:
        """The indices [i, j) of the figures that start in text[lo:hi] (figures in order)."""
        i = bisect.bisect_left(self._starts, lo)
        return i, bisect.bisect_left(self._starts, hi, i)

    def _any(self, key: tuple[object, ...], i: int, j: int, test: Callable[[Figure], bool],
             ) -> bool:  # fmt: skip
        """any(test(g) for g in figures[i:j]), `key` naming the test and i: read on from where
        the last call of the key stopped."""
        run = self._runs.setdefault((*key, i), [i, None])
        read_to, hit = run
        assert read_to is not None  # (for mypy: a list of both)
        if hit is not None:
            return hit < j
        figures = self.figures
        for k in range(read_to, j):
            if test(figures[k]):
                run[0] = run[1] = k
                return True
        run[0] = max(read_to, j)
        return False

    def within(self, lo: int, hi: int) -> list[Figure]:
        """The figures that start in text[lo:hi], in the figures' order."""
        got = self._within.get((lo, hi))
        if got is None:
            if self._sorted:
                i = bisect.bisect_left(self._starts, lo)
                got = self.figures[i : bisect.bisect_left(self._starts, hi, i)]
            else:
                got = [g for g in self.figures if lo <= g.start < hi]
            self._within[lo, hi] = got
        return got

    def compares(self, lo: int, hi: int) -> bool:
        """`_compares` of the clause and all its figures."""
        got = self._compares.get((lo, hi))
        if got is None:
            if self._sorted:
                i, j = self._span(lo, hi)
                got = self._any(("compared",), i, j, _compared) or self._stop_word(lo, hi)
            else:
                got = _compares(self.lex, self.text, lo, hi, self.within(lo, hi))
            self._compares[lo, hi] = got
        return got

    def _stop_word(self, lo: int, hi: int) -> bool:
        """`_compares`' words test of text[lo:hi], from the sentence's words found once (a
        word cut by lo or hi read as cut; the text's lower case, when it keeps its length,
        is its characters' lower case)."""
        if self._words is None:
            low = self.text.lower()
            spans = [m.span() for m in _CLAUSE_WORD.finditer(low)] if len(low) == len(
                self.text
            ) else []  # fmt: skip
            stops = self.lex.shared_clause_stops
            self._low, self._words = low, spans
            self._word_starts = [s for s, _ in spans]
            self._word_ends = [e for _, e in spans]
            self._stops_before = list(
                itertools.accumulate((low[s:e] in stops for s, e in spans), initial=0)
            )
        if not self._words and len(self._low) != len(self.text):
            return not self.lex.shared_clause_stops.isdisjoint(
                _CLAUSE_WORD.findall(self.text[lo:hi].lower())
            )
        i = bisect.bisect_right(self._word_ends, lo)  # (the first word that ends past lo)
        j = bisect.bisect_left(self._word_starts, hi)  # (past the last that starts before hi)
        if i >= j:
            return False
        stops, low, words = self.lex.shared_clause_stops, self._low, self._words
        for k in (i, j - 1):  # (the first and last, maybe cut)
            if low[max(words[k][0], lo) : min(words[k][1], hi)] in stops:
                return True
        return j - i > 2 and self._stops_before[j - 1] > self._stops_before[i + 1]

    def names(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """`the_arm_names` of the clause, and its names without "the" (`bare_arm_names`)."""
        got = self._names.get((lo, hi))
        if got is None:
            if self._thes is None:
                self._thes = [m.start() for m in THE_WORD.finditer(self.text)]
                self._bare = BareNames(self.lex, self.text)
            got = the_arm_names_from(self.lex, self.text, self._thes, lo, hi)
            # ("in control group": the same name without "the", `bare_arm_names`)
            assert self._bare is not None
            got = self._names[lo, hi] = sorted(got + self._bare.within(lo, hi))
        return got

    def bounds(self, lo: int, hi: int) -> tuple[int, int]:
        """The first start and the last end of the clause's figures (it has some)."""
        got = self._bounds.get((lo, hi))
        if got is None:
            clause = self.within(lo, hi)
            got = self._bounds[lo, hi] = (min(g.start for g in clause),
                                          max(g.end for g in clause))  # fmt: skip
        return got

    def alone(self, f: Figure, lo: int, hi: int) -> bool:
        """Is f the clause's only figure, or has it none?"""
        if self._sorted:
            i, j = self._span(lo, hi)
            return j == i or (j - i == 1 and self.figures[i] is f)
        clause = self.within(lo, hi)
        return not clause or (len(clause) == 1 and clause[0] is f)

    def last(self, lo: int, hi: int) -> tuple[int, Figure | None]:
        """How many figures start in text[lo:hi], and the last of them (None if none)."""
        if self._sorted:
            i, j = self._span(lo, hi)
            return j - i, self.figures[j - 1] if j > i else None
        clause = self.within(lo, hi)
        return len(clause), clause[-1] if clause else None

    def first_start(self, lo: int, hi: int) -> int:
        """The first start of the clause's figures (it has some)."""
        if self._sorted:
            return self._starts[self._span(lo, hi)[0]]
        return self.bounds(lo, hi)[0]

    def ends_past(self, lo: int, hi: int, at: int) -> bool:
        """Does a figure of the clause end past `at`?"""
        if self._sorted:
            i, j = self._span(lo, hi)
            return self._any(("end", at), i, j, lambda g: g.end > at)
        return self.bounds(lo, hi)[1] > at

    def events_named(self, lo: int, hi: int, ends: list[int]) -> bool:
        """Does each figure of the clause follow its own event's name (a DISEASE mention
        ending at one of `ends`) or, a bare count, name it (`trailing_list_arm`)?"""
        got = self._named.get((lo, hi))
        if got is None:
            got = self._named[lo, hi] = _events_named(self.text, self.within(lo, hi), hi, ends)
        return got

    def disease_ends(self, sm: SentenceMentions) -> list[int]:
        """The ends of the sentence's DISEASE mentions (in order, no overlap)."""
        if self._disease_ends is None:
            self._disease_ends = [m.end - sm.base for m in sm.all if m.label == DISEASE]
        return self._disease_ends

    def other_name(self, lo: int, hi: int, name: str) -> bool:
        """Has a figure of the clause an arm whose text (lower case) is not `name`?"""
        text = self.text

        def other(g: Figure) -> bool:
            return g.arm is not None and text[g.arm[0] : g.arm[1]].lower() != name

        if self._sorted:
            i, j = self._span(lo, hi)
            return self._any(("name", name), i, j, other)
        got = self._other_name.get((lo, hi, name))
        if got is None:
            got = self._other_name[lo, hi, name] = any(map(other, self.within(lo, hi)))
        return got

    def other_arm(self, lo: int, hi: int, s: int, e: int) -> bool:
        """Has a figure of the clause an arm that does not overlap text[s:e]?"""
        def other(g: Figure) -> bool:
            return g.arm is not None and not (g.arm[0] < e and s < g.arm[1])

        if self._sorted:
            i, j = self._span(lo, hi)
            return self._any(("arm", s, e), i, j, other)
        got = self._other_arm.get((lo, hi, s, e))
        if got is None:
            got = self._other_arm[lo, hi, s, e] = any(map(other, self.within(lo, hi)))
        return got


def may_take_arm(f: Figure) -> bool:
    """A figure of one arm: not of every arm or of several ("(n = 32 for each)", "in both
    groups"), nor a change or a ratio between arms."""
    return not (f.arm_pooled or f.each_arm or f.relative or f.ratio is not None)


def clause_arm(f: Figure, figures: list[Figure], parser: SentenceParser,
               evidence: ArmEvidence, sm: SentenceMentions,
               clauses: Clauses) -> tuple[int, int] | None:  # fmt: skip
    """The arm an arm noun names somewhere in the figure's clause ("in the control arm OM > G1
    was 16.7%", "83 events in the fenretinide arm and 126 in the observation arm") when it is
    the one arm left there: every other figure of the clause that may take an arm has one, and
    one arm name (`the_arm_names`, not a `non_arm_group_words` or `non_arm_label_words` entry:
    "in the whole study group", "in the 50-59 age group"; an arm by `evidence`: not "In the
    intention-to-treat cohort", "the responder group") is not theirs; after the figure, only
    "in/among/within the X arm" (`_linked_after`), never the comparator's or a name in a bracket
    of other figures.
    Not a figure compared with another or listed with it (those take their arms from the
    comparison or the list, or none), nor two figures without an arm ("fewer patients in the
    ropivacaine group reported pain (13 vs 31)"), two arm names left or a plural arm noun ("in
    the control groups"): which is whose is not said. `clauses`: the sentence's
    `Clauses`."""
    if f.compared:
        return None  # one side of a comparison: the comparison's rules say whose it is
    text = parser.text
    lo, hi = parser.clause_chars(f.ts)
    taken: list[tuple[int, int]] = []
    for g in clauses.each(lo, hi):
        if g is f:
            continue
        if g.group == f.group or (g.arm is None and may_take_arm(g)):
            return None  # a list's member, or another figure that may be the arm's
        if g.arm is not None:
            taken.append(g.arm)
    free = _free_names(f, text, lo, hi, evidence, sm, taken, clauses.names(lo, hi))
    return next(iter(free.values())) if free is not None and len(free) == 1 else None


def _free_names(f: Figure, text: str, lo: int, hi: int, evidence: ArmEvidence,
                sm: SentenceMentions, taken: list[tuple[int, int]], names: list[tuple[int, int]],
                listed: Callable[[], tuple[int, int]] | None = None,
                ) -> dict[str, tuple[int, int]] | None:  # fmt: skip
    """The arm names of the clause text[lo:hi] that may be figure f's (`clause_arm`'s tests),
    by their lower-cased text, none overlapping a `taken` arm; None if "each" follows a name
    before the figure ("the study group and the control group each contained 24"). `names`:
    the clause's `the_arm_names`; `listed`: the first start and last end of the figures of a
    list that shares the name (read only where a break is found), inside which ", and" joins
    the list's last member, no other clause ("In the X group, two (10%) had rash, five (25%)
    fever, and one (5%) cough")."""
    lex = sm.lex
    free: dict[str, tuple[int, int]] = {}
    for s, e in names:
        if not evidence.shown(s, e):
            continue  # "In the intention-to-treat cohort": no arm
        if named_as_comparator(lex, text, s, lo):
            continue  # "(45%), compared with the placebo arm": the other arm
        if s > f.end and not _linked_after(lex, text, s, lo):
            continue  # "40%, similar to the control arm": no name after the figure but "in the"
        if _in_figures_bracket(text, f, lo, s, e):
            continue  # "69 randomized (35/68 in the Visited group, ...)": the bracket's counts
        if e < f.start and not lex.each_arm_words.isdisjoint(text[e : f.start].lower().split()):
            return None  # "the study group and the control group each contained 24"
        brk = lex.death_clause_break_re.search(text, min(e, f.end), max(s, f.start))
        if brk is not None and not (listed is not None and _inside(brk.start(), listed())):
            continue  # "by none in the FAC group, and no patient died": another clause's
        if not any(a < e and s < b for a, b in taken):
            free.setdefault(text[s:e].lower(), (s, e))
    return free


def _inside(at: int, span: tuple[int, int]) -> bool:
    return span[0] < at < span[1]


def shared_clause_arm(f: Figure, figures: list[Figure], parser: SentenceParser,
                      evidence: ArmEvidence, sm: SentenceMentions,
                      clauses: Clauses) -> tuple[int, int] | None:  # fmt: skip
    """The one arm "the X group" names before all the figures of a clause, which are all that
    arm's (`clause_arm` gives it only to a clause's one figure without an arm): "In the sham
    group (n = 15), one (6.7%) patient had a grade 3 reaction and four (26.7%) grade 1", "The
    most common adverse events in the chemotherapy group were neutropenia (31 [60%] of 52
    patients) and febrile neutropenia (seven [13%])". Only when no figure of the clause is
    compared with another, every other figure's arm (if any) is that name, the name is the
    clause's only arm name and is in no bracket of other figures, and the clause holds no
    comparison or respectively word, "than", nor a `shared_arm_stops` entry ("similar",
    "between", "both"): "In the X group, 40% vs 20%" or "... rates were similar (40% and 42%)"
    may be two arms'. `clauses`: the sentence's `Clauses`, read while
    no figure's arm changes."""
    if f.compared:
        return None
    text = parser.text
    lo, hi = parser.clause_chars(f.ts)
    if clauses.alone(f, lo, hi):
        return None  # (a clause's one figure is `clause_arm`'s)
    # (f is not compared: the clause's facts are its other figures')
    if clauses.compares(lo, hi):
        return None  # "In the docetaxel group, 40% vs 20%": which is whose is not said
    names = clauses.names(lo, hi)
    if len(names) != 1:
        return None  # the clause's only arm name
    free = _free_names(f, text, lo, hi, evidence, sm, [], names, lambda: clauses.bounds(lo, hi))
    if free is None or len(free) != 1:
        return None
    s, e = next(iter(free.values()))
    if e > min(f.start, clauses.first_start(lo, hi)):
        return None  # the name before all the clause's figures
    if clauses.other_arm(lo, hi, s, e) and (f.arm is None or any(
        g.arm is not None and not (g.arm[0] < e and s < g.arm[1])
        for g in clauses.within(lo, hi) if g is not f
    )):  # fmt: skip
        return None  # another figure's own arm: "(n = 40) with letrozole"
    return s, e


def opening_clause_arm(f: Figure, figures: list[Figure], parser: SentenceParser,
                       evidence: ArmEvidence, sm: SentenceMentions,
                       names: Callable[[], list[tuple[int, int]]],
                       frames: dict[tuple[int, int], tuple[int, int] | None],
                       clauses: Clauses) -> tuple[int, int] | None:  # fmt: skip
    """The arm whose name opens the figure's clause as its frame, a colon or comma after it
    (`outcome_arm_names.opening_name`: "Arm A: CR 10 (20%), PR 15 (30%)", "Placebo: 12 (10%)
    had nausea"), for all the clause's figures: under the tests of `shared_clause_arm` (no
    comparison, no other figure's own arm of another name; an arm by `evidence`: not "In the
    ITT cohort, ..."). `frames`: each clause's opening name, read once a clause and only where
    `may_open_frame` holds (the sentence's arm names are read then). `clauses`: the sentence's
    `Clauses`, read while no figure's arm changes."""
    if f.compared:
        return None
    text, lex = parser.text, sm.lex
    lo, hi = parser.clause_chars(f.ts)
    if (lo, hi) not in frames:
        drug_starts = [m.start - sm.base for m in sm.drugs]
        frames[lo, hi] = (
            opening_name(lex, text, lo, hi, names())
            if may_open_frame(lex, text, lo, drug_starts) else None
        )  # fmt: skip
    span = frames[lo, hi]
    if span is None or span[1] > f.start or _closes(text, span[1], f.start) or not (
        evidence.shown(*span)
    ):
        return None  # ("(56.7%; placebo, 8.9%) and fever (20.1%": the name's bracket closed)
    if clauses.compares(lo, hi):  # (f is not compared)
        return None
    name = text[span[0] : span[1]].lower()
    if clauses.other_name(lo, hi, name) and (f.arm is None or any(
        g.arm is not None and text[g.arm[0] : g.arm[1]].lower() != name
        for g in clauses.within(lo, hi) if g is not f
    )):  # fmt: skip
        return None
    return span


def _closes(text: str, start: int, end: int) -> bool:
    """Does a bracket open before `start` close in text[start:end]?"""
    depth = 0
    for ch in _BRACKET_CHAR.findall(text, start, end):
        depth += 1 if ch in "([" else -1
        if depth < 0:
            return True
    return False


_BRACKET_CHAR = re.compile(r"[()\[\]]")


def trailing_list_arm(f: Figure, figures: list[Figure], parser: SentenceParser,
                      evidence: ArmEvidence, sm: SentenceMentions,
                      clauses: Clauses) -> tuple[int, int] | None:  # fmt: skip
    """The one arm "in the X group" names after all the figures of a clause that lists events,
    each figure right after its own event's name ("Rash (10%), diarrhea (8%) and nausea (5%)
    were reported in the dupilumab group") or, a bare count, right before it ("There were 12
    deaths and 30 hospitalizations in the placebo group"): under `shared_clause_arm`'s tests,
    the name after the clause's last figure. Not figures without names of their own ("The rate
    was 40%, and 30% in the placebo group": the first may be the other arm's). `clauses`: the
    sentence's `Clauses`, read while no figure's arm changes."""
    if f.compared:
        return None
    text, toks = parser.text, parser.toks
    # (the clause past the figures' brackets, which `clause_chars` ends a bracketed figure's at)
    a, b = parser.stretch(f.ts, f.te)
    lo = toks[a - 1].end if a > 0 else 0
    hi = toks[b].start if b < len(toks) else len(text)
    clause = clauses.within(lo, hi)
    if len(clause) < 2:
        return None
    if not clauses.events_named(lo, hi, clauses.disease_ends(sm)):
        return None  # (a figure that follows no event's name of its own, nor names it)
    if clauses.compares(lo, hi):
        return None
    names = clauses.names(lo, hi)
    if len(names) > 1:
        return _list_before_arm(f, text, lo, names, evidence, sm, clauses)
    if len(names) != 1:
        return None
    free = _free_names(f, text, lo, hi, evidence, sm, [], names, lambda: clauses.bounds(lo, hi))
    if free is None or len(free) != 1:
        return None
    s, e = next(iter(free.values()))
    if clauses.ends_past(lo, hi, s):
        return None  # (a name before a figure is `shared_clause_arm`'s)
    if clauses.other_arm(lo, hi, s, e):
        return None
    return s, e


def _list_before_arm(f: Figure, text: str, lo: int, names: list[tuple[int, int]],
                     evidence: ArmEvidence, sm: SentenceMentions,
                     clauses: Clauses) -> tuple[int, int] | None:  # fmt: skip
    """`trailing_list_arm` where a clause (from `lo`) holds several lists, each closed by its
    own arm ("nausea (20%) and rash (15%) in the X arm and nausea (30%), fever (12%), and rash
    (10%) in the Y arm"): the figure's list runs from the clause's start, or from the end of
    the name that closed the list before it, to the first name after the figure, which follows
    the list's last figure as "in/among the" (at most `TRAIL_WORDS` words between: "were
    reported in the"); under `trailing_list_arm`'s tests on that list. A name before the
    figure that closes no list ("In the X arm, nausea (20%) ... in the Y arm") opens no list:
    none."""
    k = bisect.bisect_left(names, (f.end, f.end))
    if k == len(names):
        return None
    s, e = names[k]
    start = lo
    if k > 0:
        start = names[k - 1][1]
        _, closed = clauses.last(lo, names[k - 1][0])
        if start > f.start or closed is None or not _trails(sm.lex, text, closed.end,
                                                             names[k - 1][0]):  # fmt: skip
            return None
    n, last = clauses.last(start, s)
    if n < 2 or last is None or not _trails(sm.lex, text, last.end, s):
        return None
    if not clauses.events_named(start, s, clauses.disease_ends(sm)) or clauses.compares(start, s):
        return None
    free = _free_names(f, text, start, e, evidence, sm, [], [(s, e)],
                       lambda: clauses.bounds(start, s))
    if free is None or len(free) != 1 or clauses.other_arm(start, s, s, e):
        return None
    return s, e


#: Most words between a list's last figure and the link of the arm that closes it.
TRAIL_WORDS = 3
#: Most characters between a list's last figure and the arm that closes it (its bracket's end,
#: the words and the link).
TRAIL_CHARS = 60
_TRAIL_GAP = re.compile(r"[)\]]*\s*((?:[A-Za-z]+\s+)+)")


def _trails(lex: Lexicon, text: str, end: int, name: int) -> bool:
    """Does the name at `name` close the list whose last figure ends at `end`: a preposition
    and a determiner right before it ("in the"), at most `TRAIL_WORDS` words before them, none
    a connector, comparison word or preposition ("(15%) were reported in the X arm"; not
    "(15%), and in the X arm", "(15%) than in the X arm")?"""
    m = _TRAIL_GAP.fullmatch(text, end, name) if name - end <= TRAIL_CHARS else None
    parts = m.group(1).lower().split() if m is not None else []
    if len(parts) < 2:
        return False
    *words, link, the = parts
    return (
        len(words) <= TRAIL_WORDS and link in lex.prepositions and the in lex.determiners
        and not any(w in lex.connectors or w in lex.comparison or w in lex.prepositions
                    for w in words)
    )  # fmt: skip


def _events_named(text: str, clause: list[Figure], hi: int, ends: list[int]) -> bool:
    """Does each figure of `clause` (a clause ending at `hi`) follow its own event's name (a
    name ending at one of `ends`, in order) or, a bare count, name it right after?"""
    nexts = [g.start for g in clause[1:]] + [hi]
    for g, nxt in zip(clause, nexts, strict=True):
        k = bisect.bisect_right(ends, g.start) - 1
        named_before = k >= 0 and _EVENT_GAP.fullmatch(text, ends[k], g.start) is not None
        if not (named_before or (g.needs_cue and _COUNTED_AFTER.match(text, g.end, nxt))):
            return False
    return True


def _compares(lex: Lexicon, text: str, lo: int, hi: int, figures: list[Figure]) -> bool:
    """May the clause text[lo:hi] speak of two arms: one of its `figures` compared with
    another, or a `shared_clause_stops` word in it ("40% vs 20%", "than", "similar", "both")?
    Then no arm named once in it is all its figures' (the clause arms above)."""
    return any(g.compared for g in figures) or not lex.shared_clause_stops.isdisjoint(
        _CLAUSE_WORD.findall(text[lo:hi].lower())
    )


# between an event's name and its figure: an opening bracket or a colon or comma
_EVENT_GAP = re.compile(r"\s*[(\[:,]?\s*")
# a bare count's own event, one or two words right after it, then a list joint or the arm's
# link ("12 deaths and 30 hospitalizations in the placebo group", "1 CR, 5 PR and 9 PD in ...")
_COUNTED_AFTER = re.compile(
    r"\s+[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?\s*(?:,\s*(?:and\s+)?|and\s+|(?=(?:in|among)\b))",
    re.IGNORECASE,
)
_CLAUSE_WORD = re.compile(r"[a-z]+")


def _compared(g: Figure) -> bool:
    return g.compared


def _linked_after(lex: Lexicon, text: str, start: int, lo: int) -> bool:
    """Is the name at `start`, after its figure, linked as "in the X arm" ("126 in the
    observation arm"), not "as in the X arm"?"""
    m = lex.clause_arm_link_re.search(text, max(lo, start - LINK_CHARS), start)
    return m is not None and (m["before"] or "").lower() not in lex.likeness_words


_DIGIT = re.compile(r"\d")


def _in_figures_bracket(text: str, f: Figure, lo: int, s: int, e: int) -> bool:
    """Is the name text[s:e] inside a bracket that holds numbers besides it but not the figure
    ("only 69 randomized at least one patient (35/68 in the Visited group, 34/67 in the
    Non-visited group)": the bracket's counts are the arms', which `split_by_arm` or
    `subgroup_sizes` may have dropped from the clause's figures)? Not "in 57 patients (the 10
    mg/kg group)": the figure's own arm. (Found and written by the session's reviewer.)"""
    b = text.rfind("(", lo, s)
    if b < 0 or ")" in text[b:s]:
        return False
    close = text.find(")", e)
    close = len(text) if close < 0 else close
    if b < f.start < close:
        return False
    return _DIGIT.search(text, b, s) is not None or _DIGIT.search(text, e, close) is not None


#: How far before an arm's name its link to the figure may start ("as in the ").
LINK_CHARS = 24
