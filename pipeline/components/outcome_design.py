"""Outcome figures read with the document's study design (`Doc._.study_design`, written by
`biotab_design`).

In a genetics paper (`genetic`: human genes, mutations, families) a count or a rate of a disease
or finding among those studied is a finding (how many carry a mutation, how often a phenotype
shows, "The contraction occurred in 76 (10%) of 753 paternal transmissions"), not harm an
exposure did, and the chemicals such a paper names are residues, bases and metabolites of its
genetic notation ("amino acid", "arginine", "cytosine"), not treatments given. So there, unless
the figure's sentence says something was taken or given (a word of the lexicon's
`exposure_words`: "treated", "after", "induced", "users"), an `adverse_event` figure is `other`
and no figure names a drug. Pharmacogenetic papers keep theirs ("prolonged apnoea after
succinylcholine", "Fifteen moderate MDMA users").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from pipeline.components.outcome_lexicon import Lexicon
from pipeline.outcomes import OutcomeFigure

#: the design whose figures are findings unless an exposure is named
GENETIC = "genetic"
ADVERSE_EVENT = "adverse_event"
OTHER = "other"
_WORD = re.compile(r"[a-z]+")


def read_with_design(figures: list[OutcomeFigure], design: str | None,
                     sentence_text: Callable[[int], str], lex: Lexicon) -> list[OutcomeFigure]:
    """`figures` as the document's design reads them (module docstring); `sentence_text`
    gives the text of a sentence by its index."""
    if design != GENETIC or not figures:
        return figures
    exposed: dict[int, bool] = {}
    out = []
    for f in figures:
        if f.sent_idx not in exposed:
            words = _WORD.findall(sentence_text(f.sent_idx).lower())
            exposed[f.sent_idx] = not lex.exposure_words.isdisjoint(words)
        if exposed[f.sent_idx]:
            out.append(f)
            continue
        out.append(replace(f, measure=OTHER if f.measure == ADVERSE_EVENT else f.measure,
                           drug_concept_id=None, drug_text=None))
    return out
