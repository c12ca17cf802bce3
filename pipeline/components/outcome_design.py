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
from bisect import bisect_left
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


ENROLLMENT = "enrollment"


def without_earlier_reports(figures: list[OutcomeFigure], doc_text: str,
                            bounds: Callable[[int], tuple[int, int]],
                            lex: Lexicon) -> list[OutcomeFigure]:  # fmt: skip
    """`figures` but the counts of events that earlier reports give, not the document's own
    subjects (`bounds`: a sentence's start and end in `doc_text`): with a `literature_words`
    entry in their sentence and no other figure between ("Six cases of seizures have been
    reported in the literature", "two previous descriptions of 4 cases in the literature"; not
    "three patients were reported and another 13 patients in the literature reviewed"), with
    a `report_words` entry after "previously" or before "cases" right after the count ("2
    previously reported cases"), after one, "in" and "as" or a perfect ("as recently described
    in two familial patients", "has been reported in three patients"; not "Rash was reported in
    12 patients"), or a count of cases (`occurrence_nouns`) with one in its
    words ("in all reported cases") or that "have been reported" ("Fifteen cases of this
    complication have been reported"; not "601 breast cancers have been reported", a trial's
    events). Who was studied (enrollment: "39 cases from the literature are reviewed")
    stays."""
    starts: dict[int, list[int]] = {}  # the figures' starts by sentence, in order
    for f in figures:
        starts.setdefault(f.sent_idx, []).append(f.start_char)
    for found in starts.values():
        found.sort()
    # where the literature words of a sentence stand, found once for the sentence (once for
    # each figure read a long sentence again for each of its counts: quadratic)
    places: dict[int, list[int]] = {}
    out = []
    for f in figures:
        if f.unit != "count" or f.measure == ENROLLMENT:
            out.append(f)
            continue
        cases = f.population is not None and f.population.lower() in lex.occurrence_nouns
        if f.sent_idx not in places:
            places[f.sent_idx] = _literature_places(doc_text, bounds(f.sent_idx), lex)
        if (
            lex.report_after_re.match(doc_text, f.end_char)
            or lex.report_before_re.search(doc_text, max(0, f.start_char - 60), f.start_char)
            or (cases and not lex.report_words.isdisjoint(_WORD.findall(f.text.lower())))
            or (cases and lex.reported_perfect_re.match(doc_text, f.end_char))
            or _literature_beside(f, starts[f.sent_idx], places[f.sent_idx])
        ):  # fmt: skip
            continue
        out.append(f)
    return out


def _literature_places(doc_text: str, bounds: tuple[int, int], lex: Lexicon) -> list[int]:
    """Where the `literature_words` entries of the sentence at `bounds` start, in order."""
    return [
        bounds[0] + m.start()
        for m in _WORD.finditer(doc_text[bounds[0] : bounds[1]].lower())
        if m.group() in lex.literature_words
    ]


def _literature_beside(f: OutcomeFigure, starts: list[int], places: list[int]) -> bool:
    """A literature word (at one of `places`, in order) in the figure's sentence with no other
    figure (of `starts`, in order) between them: the nearest one before the figure's end or
    the nearest one after it, if any is (one farther has those figures between too)."""
    k = bisect_left(places, f.end_char)
    for at in places[max(0, k - 1) : k + 1]:
        lo, hi = (f.end_char, at) if at >= f.end_char else (at, f.start_char)
        if lo >= hi or bisect_left(starts, lo) == bisect_left(starts, hi):
            return True
    return False
