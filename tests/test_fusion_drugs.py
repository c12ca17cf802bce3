"""Fusion rule 3's declined drugs (`pipeline/rules/fusion_drugs.jsonl`): biologics named by an INN
stem and insulin given, which the shipped model (BC5CDR's guidelines: no proteins) declines."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.fusion import Fusion
from pipeline.components.fusion_drugs import DeclinedDrugRules
from pipeline.paths import rule_file
from pipeline.rules import RuleError

CHEMICAL_STRUCTURES = ["D01", "D02", "D03", "D04"]


def drugs(doc: Doc) -> list[tuple[str, str | None]]:
    return [(e.text, e._.concept_id) for e in doc.ents if e.label_ == "DRUG"]


@pytest.mark.parametrize(("text", "expected"), [
    ("The response rate was 40% with ustekinumab.", [("ustekinumab", "MESH:D000069549")]),
    ("The annualized relapse rate was 0.22 with natalizumab.",
     [("natalizumab", "MESH:D000069442")]),
    ("She was treated with insulin for diabetes.", [("insulin", "MESH:D007328")]),
    ("Insulin was given to 30 patients", [("Insulin", "MESH:D007328")]),
    # a word that begins one drug's names only: "certolizumab pegol"
    ("Patients received certolizumab every two weeks.", [("certolizumab", "MESH:D000068582")]),
])
def test_declined_drugs_are_mentions(full_nlp: Language, text: str,
                                     expected: list[tuple[str, str]]) -> None:
    assert drugs(full_nlp(text)) == expected


@pytest.mark.parametrize("text", [
    "Fasting insulin levels rose over the year.",
    "Serum insulin was measured at baseline.",
    "Insulin-like growth factor 1 was higher in the second group.",
    "Prolactin and hemoglobin were measured monthly.",
])
def test_measured_proteins_stay_out(full_nlp: Language, text: str) -> None:
    measured = {"insulin", "prolactin", "hemoglobin"}
    assert [t for t, _ in drugs(full_nlp(text)) if t.lower() in measured] == []


@pytest.fixture(scope="module")
def nlp() -> Language:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    return nlp


def fused(nlp: Language, text: str, matches: list[tuple[str, str, int]]) -> list[str]:
    """The mentions fusion keeps of lexicon DRUG matches (text, concept, which occurrence) a
    lexicon-aware model declined."""
    doc = nlp(text)
    spans = []
    for name, cid, nth in matches:
        start = -1
        for _ in range(nth + 1):
            start = doc.text.index(name, start + 1)
        found = doc.char_span(start, start + len(name), label="DRUG", span_id=cid)
        assert found is not None, name
        spans.append(found)
    doc.spans["lexicon"] = spans
    Fusion(nlp, "f", lexicon_only_drug_branches=CHEMICAL_STRUCTURES)(doc)
    return [e.text for e in doc.ents]


def test_inn_stem_names_kept_phrases_not(nlp: Language) -> None:
    # D12 concepts all: a drug's name, a protein named after a drug, a protein
    text = ("Etanercept and certolizumab pegol were stopped; the rapamycin-insensitive "
            "companion of mTOR and prolactin were not measured.")
    assert fused(nlp, text, [
        ("Etanercept", "MESH:D000068800", 0),
        ("certolizumab pegol", "MESH:D000068582", 0),
        ("rapamycin-insensitive companion of mTOR", "MESH:D000076226", 0),
        ("prolactin", "MESH:D011388", 0),
    ]) == ["Etanercept", "certolizumab pegol"]


def test_insulin_given_not_measured(nlp: Language) -> None:
    text = ("Insulin glargine was started at night; plasma insulin and insulin levels were "
            "checked, and proinsulin was low.")
    assert fused(nlp, text, [
        ("Insulin glargine", "MESH:D000069036", 0),
        ("insulin", "MESH:D007328", 0),  # after "plasma": measured
        ("insulin", "MESH:D007328", 1),  # before "levels"
        ("proinsulin", "MESH:D011384", 0),  # an Insulins child not listed: an analyte
    ]) == ["Insulin glargine"]


def test_a_word_begins_one_drugs_names() -> None:
    from pipeline.kb import KnowledgeBase

    rules, kb = DeclinedDrugRules.load(), KnowledgeBase.load()
    assert rules.head_of_one_drug("certolizumab", kb) == "MESH:D000068582"
    assert rules.head_of_one_drug("natalizumab", kb) is None  # a name of its own
    assert rules.head_of_one_drug("bafilomycin", kb) is None  # "bafilomycin a1", "... b1"
    assert rules.head_of_one_drug("haemolysis", kb) is None  # no stem


def test_shipped_rules_read() -> None:
    rules = DeclinedDrugRules.load()
    assert "mab" in rules.stems and "tide" not in rules.stems
    assert rules.named_by_stem("adalimumab-adaz")
    assert not rules.named_by_stem("peptide")


@pytest.mark.parametrize(("line", "message"), [
    ('{"kind": "name_stems", "stems_file": "kb_inn_stems.txt", "max_words": 2, '
     '"except": ["xyz"]}', "no stem of kb_inn_stems.txt"),
    ('{"kind": "name_stems", "stems_file": "nothing.txt", "max_words": 2, "except": []}',
     "which is no rules file"),
    ('{"kind": "name_stems", "stems_file": "kb_inn_stems.txt", "max_words": 0, "except": []}',
     "max_words"),
    ('{"kind": "concepts", "ids": ["D007328"], "trees": [], "not_before": [], '
     '"not_after": []}', "expected MESH:D"),
    ('{"kind": "concepts", "ids": [], "trees": ["insulins"], "not_before": [], '
     '"not_after": []}', "tree number"),
    ('{"kind": "concept", "ids": []}', "key 'kind'"),
])
def test_bad_rules_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    stems = tmp_path / "kb_inn_stems.txt"
    stems.write_text(rule_file("kb_inn_stems.txt").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "fusion_drugs.jsonl"
    path.write_text("// a comment\n" + line + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=message) as err:
        DeclinedDrugRules.load(path)
    assert f"{path}:2" in str(err.value)


def test_saved_component_keeps_its_declined_drug_rules(nlp: Language, tmp_path: Path) -> None:
    """to_disk copies the rules file and the stem list it names; from_disk reads those, not the
    shipped ones (before: the saved folder held neither, so a component saved with its own rules
    came back with the shipped ones)."""
    own = tmp_path / "own"
    own.mkdir()
    (own / "stems.txt").write_text("mab\n", encoding="utf-8")
    (own / "fusion_drugs.jsonl").write_text(
        '{"kind": "name_stems", "stems_file": "stems.txt", "max_words": 1, "except": []}\n',
        encoding="utf-8")
    custom = Fusion(nlp, "f", declined_drugs_path=str(own / "fusion_drugs.jsonl"))
    assert custom.declined_drugs.stems == ("mab",)
    custom.to_disk(tmp_path / "saved")
    (own / "fusion_drugs.jsonl").unlink()  # the copy is read, not the original
    again = Fusion(nlp, "f").from_disk(tmp_path / "saved")
    assert again.declined_drugs == custom.declined_drugs
    assert again.declined_drugs != Fusion(nlp, "f").declined_drugs
    again.to_disk(tmp_path / "saved")  # saved back where it was read: no SameFileError
    assert Fusion(nlp, "f").from_disk(tmp_path / "saved").declined_drugs == custom.declined_drugs
