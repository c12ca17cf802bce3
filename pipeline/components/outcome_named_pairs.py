"""The arms of a compared pair whose sentence names one arm of a two-arm document
(`biotab_outcomes`, after `outcome_arms.note_arms`' rules): "Grade 3 toxicity was more common in
the tamoxifen plus OFS arm (22.4% v 12.3%)", "Insomnia (2.9% v 0.4%) was more frequent with
dexamethasone", "In the diet group there were fewer deaths (68 vs 120)".

A reader takes the pair's first figure as the arm the sentence names, the one it says had more
or less, and the second as the document's other arm: in a document that named two arms
(`DocContext.arms_seen`), a pair one comparison word joins ("22.4% v 12.3%"), neither figure
with an arm, in a sentence that names one of the two arms (a key of it as whole words, not only
inside the other's longer name: the "tamoxifen" of "tamoxifen plus OFS") and not the other,
never as the comparator ("compared with placebo", "than placebo": whose figure is the second),
and holds a `comparative_words` entry that is no threshold's ("grade 3 or higher"). The
figures get the arms' keys (`Figure.arm_keys`), their rows the arms' names once the document is
read (`outcome_other_arm.fill_other_arms`), as `outcome_pair_series.carried_list_keys` gives a
pair in a sentence that names no arm.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_attach import named_as_comparator
from pipeline.components.outcome_clause_arms import may_take_arm
from pipeline.components.outcome_tokens import Figure

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

_WORD = re.compile(r"[a-z]+")


def named_pair_keys(lex: Lexicon, pairs: list[list[Figure]], text: str, low: str,
                    arms: list[tuple[str, ...]]) -> None:  # fmt: skip
    """Give each free pair of `pairs` the keys of the one arm of `arms` (the document's two)
    that the sentence names and of the other, in that order (module docstring). `low`: the
    sentence's lower case (of `text`'s length)."""
    free = [p for p in pairs if len(p) == 2 and all(_free(f) for f in p)]
    if not free or len(arms) != 2 or len(low) != len(text):
        return
    spans = [_named(low, keys) for keys in arms]
    # (a name inside the other arm's longer name is that arm's: "tamoxifen plus OFS")
    own = [[s for s in spans[k] if not any(a <= s[0] and s[1] <= b and (a, b) != s
                                           for a, b in spans[1 - k])]
           for k in (0, 1)]  # fmt: skip
    if bool(own[0]) == bool(own[1]):
        return  # neither arm named, or both: whose is whose is the sentence's to say
    k = 0 if own[0] else 1
    if any(named_as_comparator(lex, text, s) for s, _ in own[k]) or not _compares(lex, low):
        return
    for f, g in free:
        f.arm_keys, g.arm_keys = arms[k], arms[1 - k]


def _free(f: Figure) -> bool:
    return f.arm is None and not f.arm_keys and may_take_arm(f)


def _named(low: str, keys: tuple[str, ...]) -> list[Span]:
    """Where the (lower-case) sentence names an arm by one of its keys, as whole words (not a
    concept id's key)."""
    out: list[Span] = []
    for key in keys:
        if ":" in key or not key:
            continue
        out += [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(key)}(?![\w-])", low)]
    return out


def _compares(lex: Lexicon, low: str) -> bool:
    """Does the sentence say one arm had more or less: a `comparative_words` entry, not after
    a list joiner ("grade 3 or higher", "two or more": a threshold)?"""
    words = _WORD.findall(low)
    return any(w in lex.comparative_words and (k == 0 or words[k - 1] not in lex.connectors)
               for k, w in enumerate(words))  # fmt: skip
