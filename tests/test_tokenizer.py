"""biotab's tokenizer: hyphen and slash compounds split where a name ends, on hand-built text."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.tokenizer import BiotabTokenizer, install_tokenizer, load_rules, parse_rules

TERMS = frozenset(
    ["isoproterenol", "propranolol", "aspirin", "clopidogrel", "aminoglycoside", "ecstasy",
     "l-dopa", "dopa", "penicillamine", "lithium", "5-fu", "fluorouracil", "halothane"]
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = BiotabTokenizer(nlp, terms=TERMS)
    return nlp


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # a modifier after the hyphen, whatever the name before it
        ("isoproterenol-induced", ["isoproterenol", "-", "induced"]),
        ("PAN-treated rats", ["PAN", "-", "treated", "rats"]),
        ("(PAN)-induced", ["(", "PAN", ")", "-", "induced"]),
        ("cocaine-abusing", ["cocaine", "-", "abusing"]),
        ("5-fluorouracil-induced", ["5-fluorouracil", "-", "induced"]),
        # a known name on one side
        ("aminoglycoside-iron complexes", ["aminoglycoside", "-", "iron", "complexes"]),
        ("ecstasy-polydrug users", ["ecstasy", "-", "polydrug", "users"]),
        ("halothane-anesthetized", ["halothane", "-", "anesthetized"]),
        # stereo descriptors; "L-"/"D-" only where the whole is not a known name
        ("(+)-propranolol", ["(", "+", ")", "-", "propranolol"]),
        ("L-dopa", ["L-dopa"]),
        ("D-penicillamine", ["D", "-", "penicillamine"]),
        # X/Y combinations
        ("aspirin/clopidogrel", ["aspirin", "/", "clopidogrel"]),
        ("BZDs/RDs", ["BZDs", "/", "RDs"]),
        ("5-FU/LV", ["5-FU", "/", "LV"]),
        # prefixes and a dangling hyphen
        ("non-lithium-treated", ["non", "-", "lithium", "-", "treated"]),
        ("diazepam- and cocaine-induced", ["diazepam", "-", "and", "cocaine", "-", "induced"]),
        # left alone: no name, no modifier
        ("IL-2 and TNF-alpha", ["IL-2", "and", "TNF-alpha"]),
        ("10 mg/kg", ["10", "mg/kg"]),
        ("N-methyl", ["N-methyl"]),
    ],
)
def test_splits(nlp: Language, text: str, tokens: list[str]) -> None:
    doc = nlp(text)
    assert [t.text for t in doc] == tokens
    assert doc.text == text  # offsets are those of the raw text


def test_gold_offsets_align_after_the_split(nlp: Language) -> None:
    text = "Isoproterenol-induced cardiotoxicity and aspirin/clopidogrel use."
    doc = nlp(text)
    for name in ("Isoproterenol", "aspirin", "clopidogrel"):
        start = text.index(name)
        span = doc.char_span(start, start + len(name))
        assert span is not None and span.text == name


def test_round_trip_keeps_rules_and_names(nlp: Language, tmp_path: Path) -> None:
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, BiotabTokenizer)
    tokenizer.to_disk(tmp_path / "tok")
    other = spacy.blank("en")
    loaded = install_tokenizer(other, tmp_path / "tok")
    assert loaded.terms == TERMS and loaded.rules == tokenizer.rules
    assert [t.text for t in other("ecstasy-polydrug")] == ["ecstasy", "-", "polydrug"]
    again = BiotabTokenizer(spacy.blank("en")).from_bytes(tokenizer.to_bytes())
    assert again.terms == TERMS and again.rules == tokenizer.rules


def test_rules_file_is_validated() -> None:
    rules = load_rules()
    assert "induced" in rules.modifiers and rules.min_term_length >= 2
    with pytest.raises(ValueError, match=r"x.tsv:2: column 'kind' is 'modifer'"):
        parse_rules(["kind\tvalue", "modifer\tinduced", "min_term_length\t3"], "x.tsv")
    with pytest.raises(ValueError, match=r"x.tsv:3: modifier 'induced' is listed twice"):
        parse_rules(["modifier\tinduced", "min_term_length\t3", "modifier\tinduced"], "x.tsv")
    with pytest.raises(ValueError, match="one 'min_term_length' row"):
        parse_rules(["modifier\tinduced"], "x.tsv")
