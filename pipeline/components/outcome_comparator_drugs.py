"""The drugs a comparison names as the comparator, which are no drug of the figures it compares
them with (`ComparatorDrugs`, read by `outcome_resolve` when it ties a figure of no arm to the
nearest drug of its clause).

"Infliximab reduced the relapse rate by 54% compared with azathioprine": azathioprine is named
after a comparison word ("compared with", "versus", "than", "relative to", "superior to":
`Lexicon.comparator_word_re`), so the 54% (and the hazard ratio of such a sentence) is
infliximab's, the drug the clause attributes it to. The phrase from the comparison word to the
drug is the comparator's: a figure inside it ("60% compared with 40% for azathioprine": the
40%) is azathioprine's, as is one in a bracket right after it or its arm noun ("than with
azathioprine (60% vs 40%)", which the pair rules read on; not a ratio there); every other
figure of the clause takes the nearest other drug. A figure whose clause names no other drug
passes over a comparator of another clause only where no figure stands in its phrase ("versus
anastrozole (...; hazard ratio, 0.63)"; "vs 20 women in the X group" names that figure's arm).
Each look-up reads a bounded window before the drug.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_tokens import Figure, Mention
from pipeline.labels import DRUG

if TYPE_CHECKING:
    from pipeline.components.outcome_grammar import SentenceParser
    from pipeline.components.outcome_mentions import SentenceMentions

# How far before a drug (characters) the comparison word of its phrase may stand ("compared
# with 40% (95% CI 31-49) for azathioprine").
PHRASE_REACH = 80
# How many words of no gap-word list a comparison phrase may hold before its drug ("compared
# with standard oral azathioprine"); more, and the drug is named by another phrase.
PHRASE_OTHER_WORDS = 2

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# what ends a phrase: a comma, a semicolon, a colon or a bracket left open
_PHRASE_BREAK = re.compile(r"[,;:()\[\]]")
_NUMBER = re.compile(r"[<>=≤≥~]*[\d.,·]+%?|%")


class ComparatorDrugs:
    """The comparison phrases of one sentence's drugs, each read once when first asked."""

    def __init__(self, parser: SentenceParser, sm: SentenceMentions) -> None:
        self.parser, self.sm = parser, sm
        self._openings: dict[int, int | None] = {}

    def opening(self, drug: Mention) -> int | None:
        """Where (sentence chars) the comparison phrase that names `drug` as the comparator
        opens, or None: the last comparison word in the PHRASE_REACH characters before the
        drug, with only gap words (prepositions, determiners, population nouns: "than in those
        who received"), figures, brackets and at most PHRASE_OTHER_WORDS other words between;
        not "than" before a number ("more than 50% of patients receiving X": a threshold)."""
        if drug.start in self._openings:
            return self._openings[drug.start]
        lex, text = self.sm.lex, self.parser.text
        start = drug.start - self.sm.base
        last = None
        for m in lex.comparator_word_re.finditer(text, max(0, start - PHRASE_REACH), start):
            last = m
        found = None
        if last is not None:
            between = _BRACKETED.sub(" ", text[last.end() : start])
            words = between.split()
            others = sum(
                1 for w in words if w.lower() not in lex.than_gap_words and not _NUMBER.fullmatch(w)
            )
            threshold = last.group().lower() in lex.comparator_openers and bool(
                words and _NUMBER.fullmatch(words[0])
            )
            if not (_PHRASE_BREAK.search(between) or others > PHRASE_OTHER_WORDS or threshold):
                found = last.start()
        self._openings[drug.start] = found
        return found

    def is_comparator(self, f: Figure, drug: Mention) -> bool:
        """Is `drug` named as the comparator of a comparison that `f` is not the comparator's
        figure of? Not where f starts inside the phrase or the drug's name ("compared with 17
        of the 65 patients in the X group (26%)"), nor where f is a share in a bracket right
        after the drug or its arm noun ("versus azathioprine (40%)", "than those of the X group
        (10.4% and 8.3%)"; a ratio or a relative change there compares the two: "compared with
        azathioprine (hazard ratio 0.46)")."""
        if drug.label != DRUG:
            return False
        opening = self.opening(drug)
        if opening is None:
            return False
        parser, lex = self.parser, self.sm.lex
        end = drug.end - self.sm.base
        if opening <= f.start < end:
            return False
        if f.ratio is None and not f.relative:
            around = parser.bracket_around(f.start)
            if around is not None and all(
                w.lower() in lex.arm_nouns for w in parser.text[end : around[0]].split()
            ):
                return False
        return True

    def names_figure(self, drug: Mention) -> bool:
        """Does a figure stand in the comparison phrase of `drug` ("vs 163 [4.6%] in 3579 women
        in the X group"): a phrase that names the arm of that figure, not the comparator of a
        whole statement ("versus anastrozole")? False for a drug of no comparison phrase."""
        opening = self.opening(drug)
        start = drug.start - self.sm.base
        return opening is not None and any(
            opening <= g.start < start for g in self.parser.figures
        )
