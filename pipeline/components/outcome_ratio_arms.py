"""The drug of a ratio that compares the arms of the figures right before it: "Median overall
survival was 10.4 months with pembrolizumab and 8.5 months with docetaxel (hazard ratio 0.71)"
compares pembrolizumab with docetaxel, so the ratio is pembrolizumab's, the first arm's (not
docetaxel's, the nearest drug, which is the comparator). The first arm that is no control arm
("8.5 months with placebo and 10.4 months with X (HR 0.71)": X's).

Read by `outcome_resolve` when it ties a ratio of no arm to a drug; reads the figures' arms
(`Figure.arm`, set by `note_arms`); writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon
    from pipeline.components.outcome_tokens import Figure


def first_compared_arm(lex: Lexicon, f: Figure, figures: list[Figure],
                       text: str) -> Figure | None:  # fmt: skip
    """The figure of the first arm (no control arm) of the run of figures with arms right
    before the ratio `f` when the run names two arms or more; None otherwise (and for a figure
    that is no ratio or has an arm of its own)."""
    if f.ratio is None or f.arm is not None:
        return None
    run: list[Figure] = []
    for g in reversed(figures):
        if g.end > f.start:
            continue
        if g.arm is None or g.ratio is not None or ";" in text[g.end : f.start]:
            break
        run.append(g)
    names = [text[g.arm[0] : g.arm[1]].strip().lower() for g in run if g.arm is not None]
    if len(set(names)) < 2:
        return None
    for g, name in zip(reversed(run), reversed(names), strict=True):
        if not lex.control_word_re.fullmatch(name):
            return g
    return None
