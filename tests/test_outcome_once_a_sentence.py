"""What biotab_outcomes reads once for a sentence, not once for each of its counts (a long
sentence of N counts was read N times: quadratic): the literature words of
outcome_design.without_earlier_reports (a count stays or goes as before) and whether the
sentence names a case-control design (outcome_enrolled.names_case_control); and the words of
"one of which" read from the lexicon."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_design import without_earlier_reports
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve
from pipeline.outcomes import OutcomeFigure


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_lexicon(resolve(LEXICON_FILE)))


def counts(text: str, sent_idx: int = 0) -> list[OutcomeFigure]:
    """An adverse-event count figure for each "N patients" of `text` (a digit and a word)."""
    out = []
    pos = 0
    while (k := text.find(" patients", pos)) >= 0:
        start = text.rfind(" ", 0, k) + 1
        out.append(OutcomeFigure(f"o{len(out)}", sent_idx, start, k + 9, text[start : k + 9],
                                 "adverse_event", float(text[start:k]), "count",
                                 population="patients"))
        pos = k + 9
    return out


def test_sentence_read_once_for_its_counts(lex: Lexicon) -> None:
    text = "In the literature, " + "".join(f"{k} patients had a stroke and " for k in range(3, 403))
    calls: list[int] = []

    def bounds(i: int) -> tuple[int, int]:
        calls.append(i)
        return 0, len(text)

    figures = counts(text)
    kept = without_earlier_reports(figures, text, bounds, lex)
    # the first count has the literature word before it, no figure between: an earlier report's
    assert [f.value for f in kept] == [f.value for f in figures[1:]]
    assert len(calls) == 1, len(calls)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # the nearest literature word after the count, no figure between: gone
        ("Stroke in 4 patients and 5 patients as reviewed in the literature.", [4.0]),
        # only the count nearest before it has no figure between
        ("Stroke in 4 patients, 6 patients and 5 patients: literature.", [4.0, 6.0]),
        # one on each side, each with a figure between: both stay
        ("The literature: 4 patients, 6 patients and 5 patients, as literature has it.", [6.0]),
        ("Stroke in 4 patients and 5 patients.", [4.0, 5.0]),
    ],
)
def test_literature_word_beside_a_count(lex: Lexicon, text: str, kept: list[float]) -> None:
    got = without_earlier_reports(counts(text), text, lambda i: (0, len(text)), lex)
    assert [f.value for f in got] == kept


def test_part_pronouns_are_read_from_the_lexicon(lex: Lexicon) -> None:
    """The words of "one of which/whom" (a part of the count, whose cue is the part's) are the
    lexicon's `part_pronouns`, not a list in code."""
    from pipeline.components.outcome_grammar import SentenceParser
    from pipeline.components.outcome_measures import _part_between

    text = "Five cases of VT, one of whom died."
    parser = SentenceParser(text, lex)
    cue = next(k for k, t in enumerate(parser.toks) if t.text == "died")
    assert _part_between(lex, parser, 2, cue)
    data = load_lexicon(resolve(LEXICON_FILE))
    data["part_pronouns"] = ["which"]
    assert not _part_between(Lexicon(data), parser, 2, cue)


def test_case_control_design_asked_once_a_sentence(outcomes_nlp: Language,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.components import outcome_measures

    calls: list[str] = []
    real = outcome_measures.names_case_control

    def counted(lex: Lexicon, parser: object) -> bool:
        calls.append("asked")
        return real(lex, parser)  # type: ignore[arg-type]

    monkeypatch.setattr(outcome_measures, "names_case_control", counted)
    text = ("In a case-control study, stroke occurred in 5 patients, anemia in 6 patients and "
            "thrombosis in 7 patients.")
    mentions = [(w, "DISEASE", "MESH:D0") for w in ("stroke", "anemia", "thrombosis")]
    got = [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, mentions)._.outcomes]
    assert got == [("enrollment", 5.0), ("enrollment", 6.0), ("enrollment", 7.0)], got
    assert len(calls) == 1
