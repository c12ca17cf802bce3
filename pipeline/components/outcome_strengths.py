"""Percentages that are a drug's strength or an amount of treatment, not results.

`is_concentration`: "5% imiquimod cream", "1% solution", "a 25% dose reduction", "tretinoin cream
0.1%", "at a dose of 0.25%", "0.5% plain bupivacaine"; `strength_lists`: the bare percentages
listed with one ("tretinoin cream 0.025, 0.05 or 0.1%"). For `biotab_outcomes`; they read the
sentence's text, figures and DRUG mentions, each a bounded window around a figure.
"""

from __future__ import annotations

import bisect
import re

from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_tokens import Figure, Mention


def is_concentration(lex: Lexicon, f: Figure, text: str, drugs: list[Mention], base: int,
                     drug_starts: list[int]) -> bool:  # fmt: skip
    """ "5% imiquimod cream", "1% solution", "a 25% dose reduction", "tretinoin cream 0.1%", "at a
    dose of 0.25%", "(20 microL, 0.1%)": a percentage that is a drug strength or an amount of
    treatment
    (`drug_starts`: the drugs' document offsets)."""
    if lex.volume_strength_re.search(text, max(0, f.start - 40), f.start):
        return True  # ("pilocarpine (20 microL, 0.1%)": the strength of the volume given)
    before = _WORD_BEFORE.search(text, max(0, f.start - 40), f.start)
    if before is not None:
        word = before.group(1).lower()
        if word in (lex.dose_nouns if before.group(2) else lex.formulation):
            return True  # ("cream 0.1%", "a dose of 0.25%"; not "creams, 40%")
    after = text[f.end : f.end + 40]
    m = re.match(r"\s*([\w/+-]+)(?:\s+([\w/+-]+))?(?:\s+([\w/+-]+))?", after)
    if m:
        words = [w.lower() for w in m.groups() if w]
        if words and words[0] in lex.formulation:
            return True
        if words and words[0] in lex.dose_nouns and lex.dose_article_re.search(
            text, max(0, f.start - 8), f.start
        ):
            return True  # (not "45% required dose reductions", "In arm A, 45% dose ...")
        stops = lex.adjective_stops | lex.pop
        if len(words) >= 2 and words[1] in lex.formulation and words[0] not in stops:
            return True
        if len(words) >= 3 and words[2] in lex.formulation and not {words[0], words[1]} & stops:
            return True
    # ("0.5% plain bupivacaine", "1% hyperbaric lidocaine": a strength adjective between the
    # strength and its drug)
    adjective = _ADJECTIVE_RE.match(text, f.end)
    if adjective is not None and adjective.group(1).lower() not in lex.strength_adjectives:
        adjective = None
    # (the drugs beside the figure only: a list of them all for each figure was quadratic)
    for k in range(max(0, bisect.bisect_left(drug_starts, base + f.start - 200) - 1), len(drugs)):
        s, e = drug_starts[k] - base, drugs[k].end - base
        if s > f.end + 1 and (adjective is None or s > adjective.end()):
            break
        if 0 <= s - f.end <= 1 or 0 <= f.start - e <= 1:
            return True
        if adjective is not None and s == adjective.end():
            return True
    return False


# One word in letters (and hyphens) right after a figure, with the white space around it.
_ADJECTIVE_RE = re.compile(r"\s+([A-Za-z][A-Za-z-]*)\s+")
# The word right before a percentage, past an "of" ("cream 0.1%", "a dose of 0.25%").
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z-]*)(\s+of)?\s+$")


def strength_lists(
    lex: Lexicon, figures: list[Figure], parser: SentenceParser, drugs: list[Mention], base: int,
    drug_starts: list[int],
) -> set[int]:
    """Indices of the bare percentages that are drug strengths or amounts (`is_concentration`),
    and of the bare percentages listed with one (joined only by a comma, "and" or "or", no
    subjects named: "tretinoin cream 0.025, 0.05 or 0.1%", "at a dose of 0.05, 0.1 or 0.25%"):
    a list of strengths, whichever member names what it is."""
    text = parser.text
    bare = [
        f.pct is not None and f.count is None and f.num is None and not f.has_pop
        for f in figures
    ]
    runs: list[list[int]] = []
    for k, f in enumerate(figures):
        if not bare[k]:
            continue
        if runs and runs[-1][-1] == k - 1 and all(
            parser.toks[x].lower in lex.adjective_joiners or parser.toks[x].text == ","
            for x in range(figures[k - 1].te, f.ts)
        ):
            runs[-1].append(k)
        else:
            runs.append([k])
    out: set[int] = set()
    for run in runs:  # (a lone one is `_bare_pct`'s to read)
        if len(run) > 1 and any(
            is_concentration(lex, figures[k], text, drugs, base, drug_starts) for k in run
        ):
            out.update(run)
    return out
