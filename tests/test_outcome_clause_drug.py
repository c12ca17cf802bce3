"""A figure's drug, when no arm names it, is the nearest drug of its own clause: not one across
a strong boundary (";", "whereas") nor one after the bracket the figure is in."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve

DRUGS = [
    ("prilocaine", "DRUG", "MESH:D011318"),
    ("bupivacaine", "DRUG", "MESH:D002045"),
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("valsartan", "DRUG", "MESH:D000068756"),
    ("amlodipine", "DRUG", "MESH:D017311"),
    ("choline", "DRUG", "MESH:D002794"),
    ("phenobarbital", "DRUG", "MESH:D010634"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the bracket's figure, not the drug after the bracket
        ("Patients given prilocaine were more likely to develop hearing loss (10 out of 22) than "
         "those given bupivacaine (4 out of 22).", [(10.0, "prilocaine"), (4.0, "bupivacaine")]),
        # each part of a bracket's list takes the drug of its part
        ("Edema was more frequent at the higher doses (2.4% for 80 mg valsartan; 3.6% for 5 mg "
         "amlodipine).", [(2.4, "valsartan"), (3.6, "amlodipine")]),
        ("Time to progression was longer (younger: letrozole median, 8.8 months; tamoxifen, 6.0 "
         "months).", [(8.8, "letrozole"), (6.0, "tamoxifen")]),
        # "while" ends the clause of the first drug
        ("No tumours developed in rats fed choline, while one tumour developed in two rats fed "
         "the same diet containing phenobarbital.", [(1.0, "phenobarbital")]),
    ],
)
def test_a_figures_drug_is_its_clauses(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str]]
) -> None:
    rows = run(outcomes_nlp, text, DRUGS)._.outcomes
    got = [(r["value"], r["drug_text"]) for r in rows]
    assert [g for g in got if g[0] in {v for v, _ in expected}] == expected


def test_clause_chars_stop_at_boundaries_and_brackets() -> None:
    lexicon = Lexicon(load_lexicon(resolve(LEXICON_FILE)))
    text = "A was given (10 mg; n = 14) or B (n = 12); relapse was 20%."
    parser = SentenceParser(text, lexicon)
    tok = {t.text: k for k, t in enumerate(parser.toks)}
    lo, hi = parser.clause_chars(tok["14"])
    assert text[lo:hi].strip() == "n = 14"  # after the bracket's ";", up to its close
    lo, hi = parser.clause_chars(tok["20"])
    assert text[lo:hi].strip() == "relapse was 20%."
    lo, hi = parser.clause_chars(tok["given"])
    assert text[lo:hi] == "A was given (10 mg"
