"""An arm named alone in a bracket right after its figure: "The primary end point was met by
34.3% (tofacitinib 5 mg), 40.6% (tofacitinib 10 mg), and 11.1% (placebo) of patients": each
figure is its bracket's arm's (the drug with its dose, drugs given together, "placebo"; an arm
noun may close it: "(placebo group)"), not the nearest drug's (the placebo figure took
tofacitinib).

Read by `outcome_arms._own_arms` for a figure without an arm; reads the sentence's text and
DRUG mentions; writes nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_doses import dose_end

if TYPE_CHECKING:
    from pipeline.components.outcome_mentions import SentenceMentions
    from pipeline.components.outcome_tokens import Figure

Span = tuple[int, int]
# a bracket opened right after the figure, and its content up to its closing bracket
_BRACKET_AFTER = re.compile(r"\s?\(([^()\[\];]{2,60})\)")


def bracket_after_arm(sm: SentenceMentions, text: str, f: Figure) -> Span | None:
    """The arm the bracket right after the figure names, and nothing else: its span in the
    sentence (the drugs and their doses, or the control word); None otherwise."""
    m = _BRACKET_AFTER.match(text, f.end)
    if m is None:
        return None
    lex = sm.lex
    lo, hi = m.start(1), m.end(1)
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    words = text[lo:hi].split()
    # (the names end before a closing arm noun: "(placebo group)")
    rest_hi = hi - len(words[-1]) if words and words[-1].lower() in lex.arm_nouns else hi
    control = lex.control_word_re.match(text, lo)
    if control is not None and not text[control.end() : rest_hi].strip():
        return lo, hi
    at, named = lo, False
    for d in sm.drugs:
        s, e = d.start - sm.base, d.end - sm.base
        if s < at or e > rest_hi:
            continue
        gap = text[at:s].strip()
        if gap and not (named and lex.tight_joiner_re.fullmatch(gap)):
            return None
        at, named = dose_end(lex, text, e) or e, True
    if not named or text[at:rest_hi].strip():
        return None
    return lo, hi
