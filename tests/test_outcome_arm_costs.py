"""The work of `note_arms` (`outcome_arms`, `outcome_clause_arms`, `outcome_label_arms`) on a
sentence of nothing but figures, counted rather than timed: the figures it reads and the
characters its clause rules scan, per figure of the sentence. Rules that read a figure's whole
clause and all the sentence's figures for each figure were quadratic: a 3,000-character list of
percentages ("0% 1% 2% ...", a flattened table) took 0.4 s a sentence, 85 s a megabyte."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import Touched
from spacy.language import Language

from pipeline.components import outcome_clause_arms, outcomes
from pipeline.components.outcome_arm_evidence import the_arm_names
from pipeline.components.outcome_tokens import Figure


class Work:
    """What `note_arms` read of one document: figures (`reads`, of `figures` figures), and
    clause characters scanned for comparison words and places an arm name is tried at
    (`chars`)."""

    def __init__(self) -> None:
        self.reads = self.figures = self.chars = 0


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    seen = Work()
    note_arms = outcomes.note_arms
    names = getattr(outcome_clause_arms, "the_arm_names_from", None)
    compares = outcome_clause_arms._compares

    def counted_note_arms(figures: list[Figure], *args: Any) -> None:
        touched = Touched(figures)
        note_arms(touched, *args)
        seen.reads += touched.reads
        seen.figures += len(figures)

    def counted_names(lex: Any, text: str, thes: list[int], lo: int, hi: int) -> Any:
        seen.chars += sum(1 for t in thes if lo <= t < hi)  # (the places a name is tried)
        assert names is not None
        return names(lex, text, thes, lo, hi)

    def counted_search(lex: Any, text: str, lo: int = 0, hi: int | None = None) -> Any:
        seen.chars += (len(text) if hi is None else hi) - lo
        return the_arm_names(lex, text, lo, hi)

    def counted_compares(lex: Any, text: str, lo: int, hi: int, figures: list[Figure]) -> bool:
        seen.chars += hi - lo + len(figures)
        return compares(lex, text, lo, hi, figures)

    monkeypatch.setattr(outcomes, "note_arms", counted_note_arms)
    # (not raising: the code before `Clauses` searched a clause's whole text instead, which
    # `counted_search` counts)
    monkeypatch.setattr(outcome_clause_arms, "the_arm_names_from", counted_names, raising=False)
    monkeypatch.setattr(outcome_clause_arms, "the_arm_names", counted_search, raising=False)
    monkeypatch.setattr(outcome_clause_arms, "_compares", counted_compares)
    return seen


@pytest.mark.parametrize("n", [40, 400])
@pytest.mark.parametrize(
    ("opening", "item", "joint"),
    [
        ("Response rates were ", "{k}%", " "),  # (a table of rates flattened)
        ("Rates were ", "{k}% in arm A", ", "),  # (each figure labelled)
        # (one arm named for all, each figure's clause ending at its bracket: its figures
        # read on from the last clause's, its arm names tried only where "the" is)
        ("In the placebo group, ", "rash ({k}%)", ", "),
        # (lists of events, each closed by an arm of its own)
        ("Events were ", "rash ({k}%) and fever (1%) in the placebo group", " and "),
        # (parallel figures and arms' sizes, each read beside its neighbour)
        ("Mortality was ", "{k} deaths with standard care", " and "),
        ("Patients were randomized to ", "arm {k} (n = {k})", " or "),
    ],
)
def test_note_arms_reads_each_figure_and_clause_a_bounded_number_of_times(
    outcomes_nlp: Language, work: Work, n: int, opening: str, item: str, joint: str
) -> None:
    text = opening + joint.join(item.format(k=k % 90) for k in range(n)) + "."
    doc = outcomes_nlp(text)
    assert len(list(doc.sents)) == 1
    assert len(doc._.outcomes) >= n // 2  # (what it reads: the figures, most of them results)
    assert work.figures >= n // 2
    assert work.reads <= 30 * work.figures
    assert work.chars <= 6 * len(text)
