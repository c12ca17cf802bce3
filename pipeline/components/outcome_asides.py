"""Cues inside brackets that are no figure's outside them, for `outcome_measures`.

"(HR for death, 0.59; 95% CI, 0.44 to 0.79)": a cue in a bracket that holds a figure of its own
names that figure ("death": what the ratio is of), not the rates before the bracket. "The
overall response rate [complete response (CR) plus partial response (PR)] was 77%": a bracket
right after a cue (a rate noun may stand between) defines that cue; the cues inside it are no
figure's outside, and the defining cue's distance to a figure after the bracket is counted from
the bracket's end. Reads the sentence's light tokens, figures and cues; writes nothing.
"""

from __future__ import annotations

import bisect

from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_tokens import Cue, Figure


def aside_cues(lex: Lexicon, parser: SentenceParser, figures: list[Figure],
               cues: list[Cue]) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:  # fmt: skip
    """The cues inside a bracket that holds a figure of its own, by their start: the bracket's
    characters ("(HR for death, 0.59; 95% CI, 0.44 to 0.79)": "death" names what the ratio is
    of, not the rates before the bracket). Also those inside a bracket right after another cue
    (a rate noun may stand between), which the bracket defines: "The overall response rate
    [complete response (CR) plus partial response (PR)] was 77%" is a response. Second: each
    such defined cue's start -> the token past its bracket, where its distance is counted from
    (the definition's words are not between it and its figure)."""
    if "(" not in parser.text and "[" not in parser.text:
        return {}, {}
    starts = [f.start for f in figures]  # (in sentence order)
    cue_starts = [c.start for c in cues]  # (so are the cues)
    out: dict[int, tuple[int, int]] = {}
    defined: dict[int, int] = {}
    heads: dict[tuple[int, int], Cue | None] = {}  # (each bracket's head looked for once)
    for c in cues:
        around = parser.bracket_around(c.start)
        if around is None:
            continue
        k = bisect.bisect_right(starts, around[0])
        if k < len(starts) and starts[k] < around[1]:
            out[c.start] = around
            continue
        if around not in heads:
            heads[around] = defined_by(lex, parser, cues, cue_starts, around)
        h = heads[around]
        if h is not None:
            out[c.start] = around
            defined.setdefault(h.start, parser.tok_index(around[1]) + 1)
    return out, defined


def defined_by(lex: Lexicon, parser: SentenceParser, cues: list[Cue], cue_starts: list[int],
               around: tuple[int, int]) -> Cue | None:  # fmt: skip
    """The cue that ends right before the bracket at characters `around`, only rate nouns
    ("rate", "incidence") between, if any: the nearest before it (`cue_starts`: the cues'
    starts, in order; cues do not overlap, so only the last few before it can end there)."""
    opening = parser.tok_index(around[0])
    j = bisect.bisect_left(cue_starts, around[0]) - 1
    while j >= 0 and cues[j].te >= opening - 3:
        h = cues[j]
        if h.end <= around[0] and h.te <= opening and all(
            parser.toks[x].lower in lex.rate_nouns for x in range(h.te, opening)
        ):
            return h
        j -= 1
    return None
