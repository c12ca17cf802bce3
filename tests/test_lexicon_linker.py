"""Lexicon matching and linking on hand-built Docs with a small KB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.components.lexicon import LexiconMatcher
from pipeline.components.linker import Linker
from pipeline.kb import Concept, KnowledgeBase

PATTERNS = [
    {"label": "DRUG", "pattern": "imiquimod", "id": "MESH:D000077271"},
    {"label": "DRUG", "pattern": "aldara", "id": "MESH:D000077271"},
    {"label": "DISEASE", "pattern": "necrosis", "id": "MESH:D009336"},
    {"label": "CYTOKINE", "pattern": "tumor necrosis factor", "id": "HGNC:11892"},
    {"label": "DISEASE", "pattern": "multiple sclerosis", "id": "MESH:D009103"},
    {"label": "DISEASE", "pattern": "sclerosis", "id": "MESH:D012598"},
    {"label": "DRUG", "pattern": "interferon beta-1a", "id": "MESH:D000068576"},
    {"label": "CYTOKINE", "pattern": "interferon beta", "id": "HGNC:5434"},
]


@pytest.fixture()
def patterns_file(tmp_path: Path) -> Path:
    path = tmp_path / "patterns.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PATTERNS), encoding="utf-8")
    return path


def test_longest_match_and_label_priority(blank: Language, patterns_file: Path) -> None:
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))
    doc = lexicon(blank(
        "Aldara (imiquimod) raised tumor necrosis factor in Multiple Sclerosis; "
        "interferon beta-1a was stopped."
    ))
    got = [(s.text, s.label_, s.id_) for s in doc.spans["lexicon"]]
    assert got == [
        ("Aldara", "DRUG", "MESH:D000077271"),
        ("imiquimod", "DRUG", "MESH:D000077271"),
        ("tumor necrosis factor", "CYTOKINE", "HGNC:11892"),
        ("Multiple Sclerosis", "DISEASE", "MESH:D009103"),
        ("interferon beta-1a", "DRUG", "MESH:D000068576"),
    ]


def test_hyphenated_terms_match_spaced_hyphens(blank: Language, patterns_file: Path) -> None:
    text = "Interferon beta - 1a was stopped; interferon beta-1a was not."
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))
    doc = lexicon(blank(text))
    assert [(s.text, s.id_) for s in doc.spans["lexicon"]] == [
        ("Interferon beta - 1a", "MESH:D000068576"),
        ("interferon beta-1a", "MESH:D000068576"),
    ]
    exact = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file), split_hyphens=False)
    doc = exact(blank(text))
    # without the spaced form, the longest match in "Interferon beta - 1a" is the cytokine
    assert [(s.text, s.label_) for s in doc.spans["lexicon"]] == [
        ("Interferon beta", "CYTOKINE"), ("interferon beta-1a", "DRUG"),
    ]


def test_round_trip_and_bad_patterns(blank: Language, patterns_file: Path, tmp_path: Path) -> None:
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))
    lexicon.to_disk(tmp_path / "lex")
    again = LexiconMatcher(blank, "lex2", patterns_path=str(tmp_path / "none.jsonl"))
    again.from_disk(tmp_path / "lex")
    doc = again(blank("Aldara was stopped."))
    assert [s.id_ for s in doc.spans["lexicon"]] == ["MESH:D000077271"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"label": "DRUGS", "pattern": "x", "id": "MESH:D1"}) + "\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: key 'label' is 'DRUGS'"):
        LexiconMatcher(blank, "lex", patterns_path=str(bad))


def test_linker_exact_salt_fuzzy_and_none(blank: Language) -> None:
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D000068876", "Fingolimod Hydrochloride", "DRUG", ("fingolimod",)),
        Concept("MESH:D000077269", "Lenalidomide", "DRUG", ("lenalidomide",)),
        Concept("MESH:D008180", "Lupus Erythematosus, Cutaneous", "DISEASE",
                ("cutaneous lupus erythematosus",)),
    ])
    linker = Linker(blank, "link")
    linker.use_kb(kb)
    assert linker.link("DRUG", "fingolimod hydrochloride") == "MESH:D000068876"
    assert linker.link("DRUG", "Lenalidomid") == "MESH:D000077269"  # fuzzy, same label
    assert linker.link("DISEASE", "lenalidomide") is None  # wrong label: nothing
    assert linker.link("DISEASE", "cutaneous lupus erythematosus") == "MESH:D008180"
    assert linker.link("DRUG", "aspirin") is None
    doc = blank("Lenalidomide helped.")
    doc.ents = [doc.char_span(0, 12, label="DRUG")]
    linker(doc)
    assert (doc.ents[0]._.concept_id, doc.ents[0]._.concept_name) == (
        "MESH:D000077269", "Lenalidomide"
    )


def test_linker_numbers_roman_numerals_and_ties(blank: Language) -> None:
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D003922", "Diabetes Mellitus, Type 1", "DISEASE",
                ("type 1 diabetes mellitus",)),
        Concept("MESH:D003924", "Diabetes Mellitus, Type 2", "DISEASE",
                ("type 2 diabetes mellitus",)),
        Concept("MESH:C000620617", "amyloid beta-protein (1-14)", "DRUG",
                ("amyloid beta peptide (1-14)",)),
        Concept("MESH:C000620629", "amyloid beta-protein (1-24)", "DRUG",
                ("amyloid beta peptide (1-24)",)),
        Concept("MESH:D000001", "tetramethylcyclin", "DRUG"),
        Concept("MESH:D000002", "tetramethylcyclan", "DRUG"),
    ])
    linker = Linker(blank, "link")
    linker.use_kb(kb)
    assert linker.link("DISEASE", "type II diabetes mellitus") == "MESH:D003924"
    assert linker.link("DISEASE", "Type I diabetes mellitus") == "MESH:D003922"
    # fuzzy would accept either "1 14" or "1 24" for "1 42": other numbers, other concepts
    assert linker.link("DRUG", "amyloid beta peptide (1-42)") is None
    assert linker.link("DRUG", "amyloid beta peptide (1-24)") == "MESH:C000620629"
    # one edit from two different concepts at the same score: a guess, so no link
    assert linker.link("DRUG", "tetramethylcyclen") is None
    assert linker.link("DRUG", "tetramethylcyclinx") == "MESH:D000001"


def test_token_tags_mark_the_resolved_matches(blank: Language, patterns_file: Path) -> None:
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file), token_tags=True)
    doc = lexicon(blank("Tumor necrosis factor rose in multiple sclerosis after Aldara."))
    assert [t.tag_ for t in doc] == [
        "B-CYTOKINE", "I-CYTOKINE", "I-CYTOKINE", "", "", "B-DISEASE", "I-DISEASE", "", "B-DRUG",
        "",
    ]
    plain = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))(blank("Aldara"))
    assert [t.tag_ for t in plain] == [""]


def test_linker_links_an_abbreviation_by_its_long_form(blank: Language) -> None:
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D003924", "Diabetes Mellitus, Type 2", "DISEASE",
                ("type 2 diabetes mellitus",)),
        Concept("MESH:D000999", "Tumor Disorder Mimic", "DISEASE", ("tdm",)),
    ])
    linker = Linker(blank, "link")
    linker.use_kb(kb)
    doc = blank("TDM was frequent.")
    doc.ents = [doc.char_span(0, 3, label="DISEASE")]
    doc.ents[0]._.is_abbreviation = True
    doc.ents[0]._.long_form_text = "type II diabetes mellitus"
    linker(doc)
    # the short form's own text names another concept: only the long form counts
    assert doc.ents[0]._.concept_id == "MESH:D003924"
    doc.ents[0]._.concept_id = None
    doc.ents[0]._.long_form_text = "tumour of the unknown kind"
    linker(doc)
    assert doc.ents[0]._.concept_id is None
