"""Figures of a parallel list share the list's measure: "Response was observed in 24 of 40
patients (60%; 95% CI 43-75) receiving sorafenib and 10 of 38 (26%; 95% CI 13-43) receiving
placebo", "remission occurred in 33.9% of patients in the 5-mg group, 36.9% in the 10-mg group,
and 15.7% in the placebo group", "ORR was 18% (95% CI, 14-23) with pembrolizumab 2 mg/kg and 9%
(95% CI, 6-13) with docetaxel": a figure no cue claimed (its cue too far for it past the
brackets, doses and arms before it) takes the measure of the figure right before it when both
are of one kind (a percentage, a count, a duration, a ratio, a rate) and only that figure's
arm stands between them, then a list connector ("and", ",", "vs"; a preposition after it:
"and in 27 of 124"), in one clause (no ";" or "." outside brackets, no auxiliary: "40% had
nausea and 12% were ..." are two clauses), and the figure's arm, subjects or clause end follow
it, no verb nor noun of its own ("..., and 15% required dose reductions", "20 deaths, ... and 21
surgical procedures"). A cue inside the first figure's phrase is who it counts, not the next
figure's measure: "Relapse occurred in 14 of 152 patients with complete response in the
rituximab group and in 27 of 124 in the CHOP group" are two relapse figures.

Reads the figures' measures, kinds and offsets and the sentence's text; writes
`Figure.measure` of the figures it gives one. Linear in the sentence.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.components.outcome_grammar import SentenceParser
    from pipeline.components.outcome_lexicon import Lexicon
    from pipeline.components.outcome_tokens import Cue, Figure

# a bracket with no bracket inside (removed twice: one level of nesting)
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_WORD = re.compile(r"[A-Za-z]+|\d+(?:[.,]\d+)?|\S")
#: Most tokens between two figures of a list (the first one's arm, a dose, the connector).
MAX_GAP_TOKENS = 12
# the measures a list shares (who was studied is no list's measure)
_NOT_SHARED = ("enrollment",)


def _kind(f: Figure) -> tuple[object, ...]:
    return (f.pct is None, f.ratio, f.time_unit, f.rate_per, f.relative, f.area)


def _unbracketed(text: str) -> str:
    return _BRACKETED.sub(" ", _BRACKETED.sub(" ", text))


def _arm_after(lex: Lexicon, text: str, end: int) -> bool:
    """Does the figure ending at `end` (past its bracket) end its clause or have its arm or
    subjects after it: punctuation, a list connector, a preposition, a determiner or an arm
    link ("in the placebo group", "receiving placebo", "who underwent ...")? Not a verb ("15%
    required dose reductions"), nor a noun of what it counts ("21 surgical procedures", "68
    normal BMD"), each a phrase of its own."""
    words = _WORD.findall(_unbracketed(text[end : end + 40]))[:1]
    if not words:
        return True
    first = words[0].lower()
    return first in ",;:." or first in lex.connectors or first in lex.than_gap_words


def _listed_after(lex: Lexicon, text: str, g: Figure, f: Figure) -> bool:
    """Is f the next member of the list g is in: only g's arm and a connector between them?"""
    gap = _unbracketed(text[g.end : f.start])
    if any(c in gap for c in ";.:([)]"):
        return False  # (another clause; or f in a bracket g opens: "15% (CR, 2%; PR 13%)")
    toks = [t.lower() for t in _WORD.findall(gap)]
    if not toks or len(toks) > MAX_GAP_TOKENS or any(t in lex.auxiliaries for t in toks):
        return False
    while toks and toks[-1] in lex.prepositions:
        toks.pop()  # ("and in 27 of 124")
    if toks[-2:] == ["compared", "with"]:
        toks = toks[:-2]
    elif toks and toks[-1] in lex.connectors and toks[-1] not in (".", "respectively"):
        toks.pop()
    else:
        return False
    # the first figure's own arm or subjects stand between ("Twelve patients, five with ..."
    # is a breakdown of the twelve, no list)
    return any(t.isalpha() and t not in lex.connectors for t in toks)


def _qualifier_only(f: Figure, g: Figure, cues: list[Cue]) -> bool:
    """Did f take its measure from a cue inside the first figure's phrase ("14 of 152 patients
    with complete response in the rituximab group and in 27 of 124": who the 14 were counted
    among), no cue of that measure standing after f?"""
    inside = any(g.end <= c.start and c.end <= f.start and c.measure == f.measure for c in cues)
    return inside and not any(c.start >= f.end and c.measure == f.measure for c in cues)


def share_list_measures(lex: Lexicon, figures: list[Figure], parser: SentenceParser,
                        cues: list[Cue]) -> None:  # fmt: skip
    """Each figure no cue claimed, or that took its measure only from a cue inside the phrase
    of the figure before it, takes the measure of the figure right before it when it is that
    figure's next member of a parallel list (the module docstring)."""
    text = parser.text
    for g, f in pairwise(figures):
        if (
            (f.measure is None or (f.measure != g.measure and _qualifier_only(f, g, cues)))
            and not f.excluded
            and g.measure is not None
            and g.measure not in _NOT_SHARED
            and not g.excluded
            and _kind(f) == _kind(g)
            and _listed_after(lex, text, g, f)
            and _arm_after(lex, text, f.end)
        ):
            f.measure = g.measure
