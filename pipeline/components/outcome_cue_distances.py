"""How far a figure stands from a cue in its sentence, for `outcome_measures.assign_measures`
and `outcome_enrolled`: prefix sums over the sentence's light tokens (words, clause boundaries,
figures between; `Distances`), whether a whole figure stands between a cue and a figure
(`figure_between`), and the cues within a reach of words (`candidate_cues`). Each question costs
a bisection or a subtraction: a sentence's scoring stays linear in its length.
"""

from __future__ import annotations

import bisect
import operator
from itertools import accumulate

from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_tokens import Cue, Figure


class Distances:
    """Prefix sums over a sentence's light tokens: words, clause boundaries, figures between."""

    def __init__(self, parser: SentenceParser, boundary: list[bool], figures: list[Figure],
                 cues: list[Cue]):  # fmt: skip
        self.cue_starts = [c.ts for c in cues]  # (cues come in sentence order)
        # (bools summed in C: a generator per token cost 3% of the component)
        self.words = [0, *accumulate(map(operator.not_, parser.consumed))]
        self.bounds = [0, *accumulate(boundary)]
        self.fig_ts = [f.ts for f in figures]
        self.fig_te = [f.te for f in figures]
        # the pools named before ("Among 60 patients, ..."): their ends in order and the largest
        # count up to each (`larger_pool_before`)
        pools = sorted((g.end, g.count or 0) for g in parser.figures if g.den_phrase)
        self.pool_ends = [end for end, _ in pools]
        self.pool_max = list(accumulate((n for _, n in pools), max))

    def larger_pool_before(self, f: Figure) -> bool:
        """Whether a pool of more subjects than `f` counts is named before it."""
        k = bisect.bisect_right(self.pool_ends, f.start) - 1
        return k >= 0 and self.pool_max[k] > (f.count or 0)

    def between(self, a: int, b: int) -> tuple[int, int, int]:
        """Unconsumed tokens, boundaries and whole figures in tokens a..b-1."""
        inside = bisect.bisect_right(self.fig_te, b) - bisect.bisect_left(self.fig_ts, a)
        return self.words[b] - self.words[a], self.bounds[b] - self.bounds[a], max(0, inside)


def figure_between(dist: Distances, c: Cue, ts: int, te: int) -> bool:
    """Does a whole figure stand between the cue and tokens ts..te-1?"""
    return (dist.between(c.te, ts) if c.te <= ts else dist.between(te, c.ts))[2] > 0


def candidate_cues(cues: list[Cue], ts: int, te: int, dist: Distances, reach: int) -> list[Cue]:
    """Cues (in sentence order) within `reach` unconsumed tokens of tokens ts..te-1."""
    starts = dist.cue_starts
    lo = bisect.bisect_left(starts, ts)
    while lo > 0 and dist.words[ts] - dist.words[min(ts, cues[lo - 1].ts)] <= reach:
        lo -= 1
    hi = lo
    while hi < len(cues) and dist.words[max(te, cues[hi].ts)] - dist.words[te] <= reach:
        hi += 1
    return cues[lo:hi]
