"""Outcome figures read with the study design: in a genetics paper an event count with no
exposure named is a finding (`other`) and no figure names a drug (`outcome_design.py`)."""

from __future__ import annotations

import pytest

from pipeline.components.outcome_design import read_with_design
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve
from pipeline.outcomes import OutcomeFigure

# sentences of NCBI-disease and BC5CDR abstracts
FINDING = ("The contraction occurred in 76 (10%) of 753 paternal transmissions and in 19 (3%) "
           "of 736 maternal transmissions.")
EXPOSED = "Severe prolonged apnoea occurred in 6 of 13 patients after succinylcholine."


def figure(sent_idx: int, measure: str, drug: str | None) -> OutcomeFigure:
    return OutcomeFigure(outcome_id=f"{sent_idx}:0", sent_idx=sent_idx, start_char=0, end_char=2,
                         text="76", measure=measure, value=76.0, unit="count",
                         drug_concept_id="MESH:D000596" if drug else None, drug_text=drug)


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_lexicon(resolve(LEXICON_FILE)))


def test_a_genetic_finding_is_no_adverse_event(lex: Lexicon) -> None:
    sentences = [FINDING, EXPOSED]
    got = read_with_design(
        [figure(0, "adverse_event", "amino acid"), figure(0, "enrollment", "arginine"),
         figure(1, "adverse_event", "succinylcholine")],
        "genetic", sentences.__getitem__, lex)
    assert [(f.measure, f.drug_text, f.drug_concept_id) for f in got] == [
        ("other", None, None), ("enrollment", None, None),
        ("adverse_event", "succinylcholine", "MESH:D000596")]


@pytest.mark.parametrize("design", [None, "randomized_trial", "case_report", "animal"])
def test_other_designs_keep_their_figures(lex: Lexicon, design: str | None) -> None:
    figures = [figure(0, "adverse_event", "amino acid")]
    assert read_with_design(figures, design, [FINDING].__getitem__, lex) == figures


def test_the_component_reads_the_design() -> None:
    """With biotab_design before it, the outcomes of a genetics abstract are findings; the same
    text without the design component keeps its adverse-event reading."""
    from pipeline.nlp import blank_nlp, register_components

    register_components()
    text = ("Parental origin of CTG repeat contractions in myotonic dystrophy.\n"
            "We examined the CTG repeat of the DMPK gene and its alleles in 489 DM parent-"
            "offspring pairs. " + FINDING)
    with_design = blank_nlp()
    without = blank_nlp()
    for nlp, names in ((with_design, ("biotab_sentences", "biotab_sections", "biotab_design",
                                      "biotab_outcomes")),
                       (without, ("biotab_sentences", "biotab_sections", "biotab_outcomes"))):
        for name in names:
            nlp.add_pipe(name)
    doc = with_design(text)
    assert doc._.study_design == "genetic"
    plain = without(text)._.outcomes
    got = doc._.outcomes
    assert len(got) == len(plain) > 0
    assert "adverse_event" in {r["measure"] for r in plain}
    assert "adverse_event" not in {r["measure"] for r in got}
    assert [r["value"] for r in got] == [r["value"] for r in plain]
