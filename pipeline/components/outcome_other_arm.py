"""The arm of a figure compared with a named arm's, in a document of two arms
(`biotab_outcomes`).

"In the dietary group there were fewer deaths from breast cancer (68 vs 120)", "Grade 3 toxicity
was more common in the tamoxifen plus OFS arm (22.4% v 12.3%)": the sentence names the arm of
one figure of the pair (`outcome_respectively`), and the other figure's is the arm it is
compared with (`Figure.other_arm`): in a trial of two arms, the other one. So once the document
is read, a row without an arm whose figure was compared with a named arm takes the name of the
document's other arm (as the first row of that arm wrote it, with that row's drug columns) when
the document named exactly two arms (`DocContext.arms_seen`) and the named arm is one of them.
A trial of three arms or more, or one whose arms were not both named in the rows, gives none.
A row whose figure carries an arm's keys without naming it ("The 10-year DFS rates were 64 and
71%, respectively": the arms of the sentence before, `outcome_pair_series.carried_list_keys`)
takes the name of that arm's first row.
Reads the rows, the arms seen and each row's arm key; writes new rows (`dataclasses.replace`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.components.outcome_arms import arm_name_key
from pipeline.components.outcome_tokens import Figure
from pipeline.labels import DRUG
from pipeline.outcomes import OutcomeFigure

if TYPE_CHECKING:
    from pipeline.components.outcome_context import DocContext
    from pipeline.components.outcome_lexicon import Lexicon


def other_arm_keys(f: Figure, text: str, ctx: DocContext, base: int,
                   lex: Lexicon) -> tuple[str, ...]:  # fmt: skip
    """What names the arm a figure without one was compared with (`Figure.other_arm`), as
    `outcome_arms` keys an arm: its words without arm nouns and determiners, lower case
    (`outcome_arms.arm_name_key`), and the concept of its one drug; () when the figure has an
    arm or was compared with none."""
    if f.arm is not None or f.other_arm is None:
        return ()
    s, e = f.other_arm
    words = text[s:e].lower().split()
    name = arm_name_key(lex, text[s:e])
    keys = [name] if name else []
    drugs = [m for m in ctx.in_range(base + s, base + e + 1) if m.label == DRUG]
    if len(drugs) == 1 and not any(w in lex.negation_words for w in words):
        keys.append(drugs[0].key)
    return tuple(dict.fromkeys(keys))


def fill_other_arms(rows: list[OutcomeFigure], arms_seen: list[tuple[str, ...]],
                    row_keys: dict[str, tuple[str, ...]],
                    row_other_keys: dict[str, tuple[str, ...]]) -> list[OutcomeFigure]:  # fmt: skip
    """The rows, each row without an arm whose figure was compared with one of the document's
    two arms named by the other (the module docstring). `row_keys`, `row_other_keys`: by row
    (`outcome_id`), the keys of its arm and of the arm its figure was compared with."""
    if len(arms_seen) != 2 or not row_other_keys:
        if not any(row.arm is None and row_keys.get(row.outcome_id) for row in rows):
            return rows
        arms_seen = []  # (only the rows that carry an arm's keys are named)
    first: dict[int, OutcomeFigure] = {}  # each arm's first row with that arm
    for row in rows:
        own = set(row_keys.get(row.outcome_id, ()))
        if row.arm is None or not own:
            continue
        matched = [k for k, arm in enumerate(arms_seen) if own & set(arm)]
        if len(matched) == 1:
            first.setdefault(matched[0], row)
    out = []
    for row in rows:
        keys = set(row_other_keys.get(row.outcome_id, ()))
        named = [k for k, arm in enumerate(arms_seen) if keys & set(arm)]
        source = first.get(1 - named[0]) if row.arm is None and len(named) == 1 else None
        own = set(row_keys.get(row.outcome_id, ()))
        if row.arm is None and own:
            # a figure that carries an arm it does not name ("rates were 64 and 71%,
            # respectively": the arms of the sentence before): that arm's first row's name
            source = next((r for r in rows if r.arm is not None
                           and own & set(row_keys.get(r.outcome_id, ()))), None)  # fmt: skip
        if source is not None:
            row = replace(row, arm=source.arm, drug_text=source.drug_text,
                          drug_concept_id=source.drug_concept_id)  # fmt: skip
        out.append(row)
    return out
