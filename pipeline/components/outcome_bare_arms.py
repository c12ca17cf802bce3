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

import bisect
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
        if _names_an_arm(lex, m["arm"].lower()):
            out.append(m.span("arm"))
    return out


class BareNames:
    """`bare_arm_names` of many slices text[lo:hi] of one sentence, each in time of its names
    rather than of its length: the clause rules ask for each figure's clause, often all from
    the sentence's start, and a scan of each was quadratic in the sentence (4,000 "(n = k)"
    groups after "groups:", 5 s). The places a name can start are found once (a lookahead
    of the pattern: every start, overlapping ones too); a slice's names are the names of a
    scan of the whole text from lo that end before hi, then at most one name ending at hi
    (a scan cut at hi reads no further: `\\b` and "(?!-)" there are true)."""

    def __init__(self, lex: Lexicon, text: str) -> None:
        self.lex, self.text = lex, text
        self.some = any(n in text for n in lex.single_arm_nouns)  # (as `bare_arm_names`)
        self._pattern = _bare_re(lex.single_arm_nouns, lex.bare_arm_openers)
        starts: list[int] = []
        self._at_end: dict[int, list[int]] = {}  # (a path's end: the starts, ascending)
        if self.some:
            for m in _starts_re(lex.single_arm_nouns, lex.bare_arm_openers).finditer(text):
                starts.append(m.start())
                self._at_end.setdefault(m.end("path"), []).append(m.start())
        # (the names a scan of the whole text finds, by start; `_next`: the one a scan goes
        # on to after each)
        self._full = [m for m in (self._pattern.match(text, s) for s in starts) if m]
        self._starts = [m.start() for m in self._full]
        self._next = [bisect.bisect_left(self._starts, m.end()) for m in self._full]

    def within(self, lo: int, hi: int) -> list[Span]:
        """`bare_arm_names(lex, text, lo, hi)`."""
        if not self.some:
            return []
        out: list[Span] = []
        i, at = bisect.bisect_left(self._starts, lo), lo
        while i < len(self._full) and self._full[i].end() < hi:
            m = self._full[i]
            if self._named(m):
                out.append(m.span("arm"))
            at, i = m.end(), self._next[i]
        for s in self._at_end.get(hi, ()):
            last = self._pattern.match(self.text, s, hi) if s >= at else None
            if last is not None:
                if self._named(last):
                    out.append(last.span("arm"))
                break
        return out

    def _named(self, m: re.Match[str]) -> bool:
        return _names_an_arm(self.lex, m["arm"].lower())


def _names_an_arm(lex: Lexicon, word: str) -> bool:
    """Is `word` (lower case) no determiner, preposition, number or non-arm word?"""
    return not (word in lex.determiners or word in lex.prepositions or word in lex.number_words
                or any(ch.isdigit() for ch in word) or no_arm_name(lex, word))  # fmt: skip


@functools.cache
def _starts_re(nouns: frozenset[str], openers: frozenset[str]) -> re.Pattern[str]:
    """`_bare_re` without its end tests, in a lookahead: each place a name can start (the
    group "path" ends where its noun does)."""
    return re.compile(
        rf"(?=(?P<path>\b(?:{alt(openers)})\s+[A-Za-z][\w+/-]*\s+(?:{alt(nouns)})))",
        re.IGNORECASE,
    )


@functools.cache
def _bare_re(nouns: frozenset[str], openers: frozenset[str]) -> re.Pattern[str]:
    """An opener, one word (letters first; hyphens, '+' and '/' inside) and a singular arm
    noun (the lexicon's sets are the key: built once a lexicon)."""
    return re.compile(
        rf"\b(?:{alt(openers)})\s+(?P<arm>[A-Za-z][\w+/-]*)\s+(?:{alt(nouns)})\b(?!-)",
        re.IGNORECASE,
    )
