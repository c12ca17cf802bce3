"""Arms' sizes written as the parts of a total, each with its treatment (`biotab_outcomes`).

"Of the 406 patients, 203 received pembrolizumab and 203 received chemotherapy", "Five hundred
fifty-three patients, 264 taking the lozenge and 289 taking the gum": `treated_parts` makes
such counts enrollment figures of their arms where they add up to the total. Reads the
sentence's text, figures and DRUG mentions (`SentenceMentions`); writes `Figure.measure` and
`Figure.arm`. Linear in the sentence's figures.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_evidence import allocated
from pipeline.components.outcome_arms import combined_drugs
from pipeline.components.outcome_tokens import Figure

if TYPE_CHECKING:
    from pipeline.components.outcome_context import DocContext, SentenceMentions

Span = tuple[int, int]


#: Most words of a part's name that is no drug mention ("taking the nicotine lozenge").
PART_NAME_WORDS = 3
# a name's words (a "+" one of them: "AE37 + GM-CSF"): up to PART_NAME_WORDS, not across a list
# word, a comma or a bracket
_PART_NAME = re.compile(
    rf"[^\W\d_][\w+/-]*(?:\s+(?!(?:and|or|vs|versus)\b)(?:[^\W\d_][\w+/-]*|\+))"
    rf"{{0,{PART_NAME_WORDS - 1}}}"
)
_WORD = re.compile(r"[A-Za-z]+")
# between two parts: a comma, "and" or both
_PART_JOINT = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)", re.IGNORECASE)


def treated_parts(figures: list[Figure], sm: SentenceMentions, ctx: DocContext,
                  den_context: int | None) -> None:  # fmt: skip
    """ "Of the 406 patients, 203 received pembrolizumab and 203 received chemotherapy", "Five
    hundred fifty-three patients, 264 taking the lozenge and 289 taking the gum": bare counts
    right after a total of subjects (a count of who was enrolled, or the sentence's opening
    pool), joined by a comma or "and", each followed by a `part_treatment_links` entry and a
    name, that add up to the total are the arms' sizes: enrollment figures, each of its arm (a
    drug with the drugs joined to it, else the name's words up to PART_NAME_WORDS), each name an
    arm by its words (a drug, a control arm) or where the document allocates its subjects
    (`outcome_arm_evidence.allocated`). Only where they add up: "30 received transfusions and 12
    received antibiotics" of 406 patients is no split, "20 received rescue medication and 40
    received none" of 60 names no arms; nor parts of an event's count ("Three subjects (2 on
    sertraline and 1 on placebo) withdrew") or of a subgroup's pool ("Of the 40 patients who
    relapsed, 25 received salvage chemotherapy and 15 best supportive care")."""
    if den_context is None and not any(_may_total(f) for f in figures):
        return  # (most sentences: no total the counts could add up to)
    text = sm.text
    total = den_context
    if total is not None:
        first = next((f.start for f in figures if not f.den_phrase), len(text))
        if not sm.lex.relative_pronouns.isdisjoint(
            w.lower() for w in _WORD.findall(text, 0, first)
        ):
            total = None  # (a subgroup's pool: "Of the 40 patients who relapsed, ...")
    parts: list[tuple[Figure, Span]] = []
    acc = 0
    for f in figures:
        name = _treated_arm(sm, ctx, f) if f.needs_cue and f.count is not None else None
        if name is None or total is None or (
            parts and _PART_JOINT.fullmatch(text, parts[-1][1][1], f.start) is None
        ):
            parts, acc = [], 0
            if f.count is not None and f.pct is None and f.den is None:
                total = f.count if _may_total(f) else None
            if name is None or total is None:
                continue
        parts.append((f, name))
        acc += f.count or 0
        if acc == total and len(parts) > 1:
            for g, arm in parts:
                g.measure, g.arm = "enrollment", arm
        if acc >= total:
            parts, acc = [], 0


def _may_total(f: Figure) -> bool:
    """Is the figure a count of the subjects enrolled (a total that parts after it may add up
    to)?"""
    return f.count is not None and f.has_pop and f.measure == "enrollment"


def _treated_arm(sm: SentenceMentions, ctx: DocContext, f: Figure) -> Span | None:
    """The arm named after a count's treatment link ("203 received pembrolizumab"): a drug with
    the drugs joined to it, else the name's words when they are a control arm or a name the
    document allocates its subjects to; None otherwise."""
    text = sm.text
    link = sm.lex.part_treatment_re.match(text, f.end)
    if link is None:
        return None
    k = bisect.bisect_left(sm.drug_starts, sm.base + link.end())
    if k < len(sm.drugs) and sm.drugs[k].start == sm.base + link.end():
        return combined_drugs(sm, text, sm.drugs[k])
    words = _PART_NAME.match(text, link.end())
    if words is None:
        return None
    name = words.group()
    if sm.lex.control_word_re.fullmatch(name) or allocated(ctx, name.lower(), sm.lex):
        return words.span()
    return None
