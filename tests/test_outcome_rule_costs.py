"""The work of the outcome rules that read lists of figures, counted rather than timed: each
reads a bounded number of figures, cues and tokens per figure of a sentence made of nothing but
what it looks for, with no bracket closing (the longest each can go on). A rule that read every
figure after each one (a slice, or a loop to the sentence's end) was quadratic: minutes on a
sentence of 20,000 such lists. Counting the list items a rule touches fails such a rule at any
machine load."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import Touched

from pipeline.components import outcome_cue_filters
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import load_lexicon
from pipeline.components.outcome_tokens import Cue, Figure
from pipeline.components.outcome_totals import enrolled_parts
from pipeline.paths import rule_file

_NUMBER = re.compile(r"\d+")


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_lexicon(rule_file("outcomes_lexicon.json")))


def numbers(text: str, **fields: Any) -> list[Figure]:
    """A count figure at each number of `text`."""
    return [
        Figure(ts=0, te=0, start=m.start(), end=m.end(), count=int(m.group()), **fields)
        for m in _NUMBER.finditer(text)
    ]


@pytest.mark.parametrize("n", [50, 400])
def test_things_parts_reads_each_figure_a_bounded_number_of_times(lex: Lexicon, n: int) -> None:
    text = "Of 4 studies identified, 2 (1 in Europe, " * n
    figures = Touched(numbers(text, needs_cue=True))
    parts = lex.scope.things_parts(figures, text)
    assert len(parts) > n  # (what it reads: the counts after each pooled count's bracket)
    assert figures.reads <= 4 * len(figures)


@pytest.mark.parametrize("n", [50, 400])
@pytest.mark.parametrize("close", [")", ","])
def test_enrolled_parts_reads_each_figure_a_bounded_number_of_times(n: int, close: str) -> None:
    text = f"82 patients were included (34 control and 48 control{close} " * n
    plain = numbers(text)
    for f in plain[::3]:
        f.measure = "enrollment"
    figures = Touched(plain)
    enrolled_parts(figures, text, "enrollment", frozenset({"control"}), [])
    # (closed, each total's arms; open, the parts run into the next total: none adds up)
    assert [f.measure for f in plain[1:3]] == (["enrollment"] * 2 if close == ")" else [None] * 2)
    assert figures.reads <= 6 * len(figures)


@pytest.mark.parametrize("n", [50, 400])
def test_event_breakdowns_read_each_figure_and_cue_a_bounded_number_of_times(
    lex: Lexicon, n: int
) -> None:
    unit = "Deaths: sepsis (n = 1) and rash (n = 2); "  # (":" ends each list)
    text = unit * n
    figures = Touched([
        Figure(ts=0, te=0, start=m.start(), end=m.end(), count=int(m.group(1)), n_form=True)
        for m in re.finditer(r"n = (\d+)", text)
    ])  # fmt: skip
    cues = Touched([
        Cue(start=m.start(), end=m.end(), ts=0, te=0, measure="mortality", priority=0)
        for m in re.finditer("Deaths", text)
    ])  # fmt: skip
    drug_ends = [m.start() for m in re.finditer(";", text)]  # (many, none ending a name)
    lex.breakdowns.event_breakdowns(figures, cues, text, drug_ends)
    assert {f.measure for f in figures} == {"mortality"}
    assert figures.reads <= 4 * len(figures) and cues.reads <= 4 * len(cues)


def test_a_joined_disease_reads_a_bounded_gap(lex: Lexicon, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:  # fmt: skip
    # the gap from a population's disease to each later one: its first tokens only
    read = []
    tokens = outcome_cue_filters._GAP_TOKENS

    class Counting:
        def finditer(self, text: str, start: int, end: int) -> Iterator[re.Match[str]]:
            for m in tokens.finditer(text, start, end):
                read.append(m)
                yield m

    monkeypatch.setattr(outcome_cue_filters, "_GAP_TOKENS", Counting())
    text = "colitis" + " and nausea" * 10_000 + " and cancer"
    assert not outcome_cue_filters._joined(lex, text, 7, len(text) - 6)
    assert len(read) <= outcome_cue_filters.JOINED_TOKENS + 1
    assert outcome_cue_filters._joined(lex, text, len(text) - 11, len(text) - 6)  # " and "
