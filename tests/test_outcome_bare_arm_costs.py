"""The work of the arm names without "the" ("in control group", `outcome_bare_arms`) that the
clause rules read for each figure's clause, counted rather than timed: the characters their
patterns scan, per character of a sentence of nothing but figures. The clauses of such a
sentence all run from its start, and a scan of each clause was quadratic: 4,000 "(n = k)"
groups after "groups:" took 5 s of the component's 7 s. Also the figures `note_arms` reads in a
list of counts of patients (`allocated_count_arm`)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from spacy.language import Language
from test_outcomes import run
from work_count import CountedPattern, ScanWork

from pipeline.components import outcome_bare_arms
from pipeline.components.outcome_bare_arms import BareNames, bare_arm_names
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import load_lexicon
from pipeline.paths import rule_file


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> ScanWork:
    work = ScanWork()
    for name in ("_bare_re", "_starts_re"):
        made = getattr(outcome_bare_arms, name, None)
        if made is None:
            continue  # (the code before `BareNames` had no `_starts_re`)

        def counted(*args: Any, made: Any = made) -> CountedPattern:
            return work.pattern(made(*args))

        monkeypatch.setattr(outcome_bare_arms, name, counted)
    return work


@pytest.mark.parametrize("n", [100, 400])
@pytest.mark.parametrize(
    ("opening", "item", "joint"),
    [
        ("Patients were divided into groups: ", "stroke (n = {k})", ", "),
        ("In control group, ", "{k} ({k}%) of 120 patients had stroke", ", "),
        ("Stroke was seen ", "in {k} patients in arm {k} group", ", "),
    ],
)
def test_bare_arm_names_scan_each_character_a_bounded_number_of_times(
    outcomes_nlp: Language, scanned: ScanWork, n: int, opening: str, item: str, joint: str
) -> None:
    text = opening + joint.join(item.format(k=k % 90 + 1) for k in range(n)) + "."
    doc = run(outcomes_nlp, text, [("stroke", "DISEASE", "MESH:D020521")])
    assert len(list(doc.sents)) == 1
    assert len(doc._.outcomes) >= n // 2
    assert scanned.chars <= 6 * len(text)


_WORDS = ["in", "In", "of", "for", "within", "among", "control", "Docetaxel", "each", "the",
          "b-2", "x+y", "1", "group", "Group", "groups", "arm", "cohort", "group-", "-", "\n",
          ",", "(", ")", "grouped", "arms"]  # fmt: skip


def test_bare_names_of_a_slice_are_those_of_a_scan_of_the_slice() -> None:
    lex = Lexicon(load_lexicon(rule_file("outcomes_lexicon.json")))
    rnd = random.Random(15)
    named = 0
    for _ in range(1500):
        text = "".join(rnd.choice(_WORDS) + rnd.choice(["", " ", " ", "  "])
                       for _ in range(rnd.randint(1, 25)))  # fmt: skip
        names = BareNames(lex, text)
        for _ in range(20):
            lo = rnd.randint(0, len(text))
            hi = rnd.randint(lo, len(text))
            want = bare_arm_names(lex, text, lo, hi)
            assert names.within(lo, hi) == want, (text, lo, hi)
            named += bool(want)
    assert named > 200  # (the slices have names to find)


@pytest.mark.parametrize("n", [100, 400])
def test_note_arms_reads_each_figure_a_bounded_number_of_times_in_a_list_of_counts(
    outcomes_nlp: Language, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    """Counts of patients one after another: `allocated_count_arm` searched the sentence's
    figures for each count's place."""
    from helpers import Touched

    from pipeline.components import outcomes

    seen = [0, 0]
    note_arms = outcomes.note_arms

    def counted(figures: list[Any], *args: Any) -> None:
        touched = Touched(figures)
        note_arms(touched, *args)
        seen[0] += touched.reads
        seen[1] += len(figures)

    monkeypatch.setattr(outcomes, "note_arms", counted)
    text = "Stroke has been reported " + ", ".join(f"in {k} patients" for k in range(1, n)) + "."
    doc = run(outcomes_nlp, text, [("stroke", "DISEASE", "MESH:D020521")])
    assert len(doc._.outcomes) >= n // 2 and seen[1] >= n // 2
    assert seen[0] <= 30 * seen[1]


def test_clause_start_is_that_of_a_scan_of_the_slice() -> None:
    """`EnrollmentScope.clause_start` (tried back from hi at openers found once a sentence)
    against a scan of text[lo:hi] with its pattern."""
    lex = Lexicon(load_lexicon(rule_file("outcomes_lexicon.json")))
    scope = lex.enrollment_scope
    words = ["that", "That", "in", "among", "of", "women", "thatin", "-", "(", ",", "\n"]
    rnd = random.Random(15)
    opened = 0
    for _ in range(1500):
        text = "".join(rnd.choice(words) + rnd.choice(["", " ", " ", "  "])
                       for _ in range(rnd.randint(1, 25)))  # fmt: skip
        for _ in range(20):
            lo = rnd.randint(0, len(text))
            hi = rnd.randint(lo, len(text))
            want = lo
            for m in scope._complement_re.finditer(text, lo, hi):
                want = m.end()
            assert scope.clause_start(text, lo, hi) == want, (text, lo, hi)
            opened += want != lo
    assert opened > 200
