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
from functools import lru_cache

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


ENROLLMENT = "enrollment"
# How far (characters) after a count of cases its "have been reported" may stand ("Fifteen cases
# of this complication have been reported").
REPORTED_REACH = 120


@lru_cache(maxsize=4)
def _report_regexes(verbs: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a report word after "previously", or before "cases", right after a count: "2
    previously reported cases", "two described cases" (not "40 reported headache": what they
    told); a perfect passive of one in the count's clause: "... have also been described")."""
    alt = "|".join(sorted(map(re.escape, verbs)))
    return (
        re.compile(rf"\s+(?:previously\s+(?:{alt})|(?:{alt})\s+cases?)\b", re.IGNORECASE),
        re.compile(
            rf"[^;.]{{0,{REPORTED_REACH}}}?\b(?:have|has)\s+(?:also\s+|previously\s+)?been\s+"
            rf"(?:{alt})\b",
            re.IGNORECASE,
        ),
    )


def without_earlier_reports(figures: list[OutcomeFigure], doc_text: str,
                            bounds: Callable[[int], tuple[int, int]],
                            lex: Lexicon) -> list[OutcomeFigure]:  # fmt: skip
    """`figures` but the counts of events that earlier reports give, not the document's own
    subjects (`bounds`: a sentence's start and end in `doc_text`): with a `literature_words`
    entry in their sentence and no other figure between ("Six cases of seizures have been
    reported in the literature", "two previous descriptions of 4 cases in the literature"; not
    "three patients were reported and another 13 patients in the literature reviewed"), with
    a `report_words` entry after "previously" or before "cases" right after the count ("2
    previously reported cases"), or a count of cases (`occurrence_nouns`) with one in its
    words ("in all reported cases") or that "have been reported" ("Fifteen cases of this
    complication have been reported"; not "601 breast cancers have been reported", a trial's
    events). Who was studied (enrollment: "39 cases from the literature are reviewed")
    stays."""
    after_re, perfect_re = _report_regexes(lex.report_words)
    starts: dict[int, list[int]] = {}  # the figures' starts by sentence
    for f in figures:
        starts.setdefault(f.sent_idx, []).append(f.start_char)
    out = []
    for f in figures:
        if f.unit != "count" or f.measure == ENROLLMENT:
            out.append(f)
            continue
        cases = f.population is not None and f.population.lower() in lex.occurrence_nouns
        if (
            after_re.match(doc_text, f.end_char)
            or (cases and not lex.report_words.isdisjoint(_WORD.findall(f.text.lower())))
            or (cases and perfect_re.match(doc_text, f.end_char))
            or _literature_beside(f, starts[f.sent_idx], doc_text, bounds(f.sent_idx), lex)
        ):  # fmt: skip
            continue
        out.append(f)
    return out


def _literature_beside(f: OutcomeFigure, starts: list[int], doc_text: str,
                       bounds: tuple[int, int], lex: Lexicon) -> bool:  # fmt: skip
    """A `literature_words` entry in the figure's sentence with no other figure (of `starts`)
    between them."""
    for m in _WORD.finditer(doc_text[bounds[0] : bounds[1]].lower()):
        if m.group() not in lex.literature_words:
            continue
        at = bounds[0] + m.start()
        lo, hi = (f.end_char, at) if at >= f.end_char else (at, f.start_char)
        if not any(lo <= s < hi for s in starts):
            return True
    return False
