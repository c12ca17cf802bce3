"""Arms named in turn with the figures of a sentence (`biotab_outcomes`), each name before its
own figure: "The incidence of rash in the placebo group was 15%, and the incidence in the
docetaxel group was 5%", "In the A group, 40% responded; the response rate of the B group was 30%".

Read last, for figures no other rule gave an arm (`outcome_arms._clause_arms`). Each figure of
the sentence that may take an arm follows, since the figure before it (or the sentence start),
exactly one arm name ("the X group": `the_arm_names`, an arm by `ArmEvidence`) that no comparison
word opens ("than the placebo group": the comparator's, whose figure is not said); at least two
different names take part. Then each figure takes the name before it. Not when a figure already
has another arm than its name, nor when a figure follows no name ("In the A group, 40% vs 30%":
a pair, whose second figure's arm is not said) or two. Reads the sentence's text, figures and
mentions; returns sentence-relative spans.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_evidence import ArmEvidence, the_arm_names
from pipeline.components.outcome_attach import named_as_comparator
from pipeline.components.outcome_clause_arms import may_take_arm
from pipeline.components.outcome_tokens import Figure

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]


def alternating_arms(figures: list[Figure], text: str, lex: Lexicon,
                     evidence: ArmEvidence) -> list[Span | None]:  # fmt: skip
    """For each figure (in `figures`' order), the arm named in turn before it, or None (see the
    module's docstring); all None when the sentence does not name its arms in turn."""
    none: list[Span | None] = [None] * len(figures)
    takers = [f for f in figures if may_take_arm(f)]
    if len(takers) < 2 or all(f.arm is not None for f in takers):
        return none
    names = [(s, e) for s, e in the_arm_names(lex, text)
             if evidence.shown(s, e) and not named_as_comparator(lex, text, s)]  # fmt: skip
    starts = [s for s, _ in names]
    ordered = sorted(figures, key=lambda g: g.start)
    found: dict[int, Span] = {}
    prev = 0
    for g in ordered:
        lo, hi = bisect.bisect_left(starts, prev), bisect.bisect_left(starts, g.start)
        inside = [n for n in names[lo:hi] if n[1] <= g.start]
        prev = max(prev, g.end)
        if not may_take_arm(g):
            continue
        if len(inside) != 1:
            return none  # no name, or two, since the figure before: not named in turn
        s, e = inside[0]
        if g.arm is not None and text[g.arm[0] : g.arm[1]].lower() != text[s:e].lower():
            return none  # the figure's own arm is another: the names are not the figures'
        found[id(g)] = (s, e)
    if len({text[s:e].lower() for s, e in found.values()}) < 2:
        return none
    return [found.get(id(f)) if f.arm is None else None for f in figures]
