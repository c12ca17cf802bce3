"""Arms named by one word and a singular arm noun without "the", after a preposition, in a
sentence of `biotab_outcomes`: "There were 1 CR, 5 PR and 9 PD in control group", "Of the 31
evaluable cases in study group, 9 achieved partial remission", "In docetaxel group, the response
rate was 40%".

Many abstracts drop the article; a reader takes "in control group" as "in the control group".
`bare_arm_names` finds such names where `the_arm_names` finds "the X group": after an `in`,
`among`, `within`, `for` or `of` (a `bare_arm_openers` entry), one word that is no
determiner, preposition, number, `non_arm_group_words` or `non_arm_label_words` entry ("in each
group", "in 1 group", "in age group"), then a singular arm noun ("group", "arm", not "groups").
The clause rules (`outcome_clause_arms.Clauses.names`) read them with the "the" names, under the
same tests (an arm by `ArmEvidence`). Reads the sentence's text; returns sentence-relative spans.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_lexicon_attach import alt
from pipeline.components.outcome_list_arms import no_arm_name

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]


def bare_arm_names(lex: Lexicon, text: str, lo: int, hi: int) -> list[Span]:
    """The names "in X group" gives without "the" in text[lo:hi] (the module docstring)."""
    if not any(n in text for n in lex.single_arm_nouns):
        return []  # (most clauses)
    out: list[Span] = []
    for m in _bare_re(lex.single_arm_nouns, lex.bare_arm_openers).finditer(text, lo, hi):
        word = m["arm"].lower()
        if (word in lex.determiners or word in lex.prepositions or word in lex.number_words
                or any(ch.isdigit() for ch in word) or no_arm_name(lex, word)):  # fmt: skip
            continue
        out.append(m.span("arm"))
    return out


@functools.cache
def _bare_re(nouns: frozenset[str], openers: frozenset[str]) -> re.Pattern[str]:
    """An opener, one word (letters first; hyphens, '+' and '/' inside) and a singular arm
    noun (the lexicon's sets are the key: built once a lexicon)."""
    return re.compile(
        rf"\b(?:{alt(openers)})\s+(?P<arm>[A-Za-z][\w+/-]*)\s+(?:{alt(nouns)})\b(?!-)",
        re.IGNORECASE,
    )
