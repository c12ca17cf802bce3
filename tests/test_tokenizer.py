"""biotab's tokenizer: hyphen and slash compounds split where a name ends, on hand-built text."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy
from cpu_growth import assert_linear_cpu
from spacy.language import Language
from spacy.tokens import Doc

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
        # a bracket opened or closed alone at a name's edge: scispacy cut at the inner comma
        ("cardiac (Na,K)-ATPase", ["cardiac", "(", "Na", ",", "K", ")", "-ATPase"]),
        # left alone: no name, no modifier
        ("IL-2 and TNF-alpha", ["IL-2", "and", "TNF-alpha"]),
        ("10 mg/kg", ["10", "mg/kg"]),
        ("N-methyl", ["N-methyl"]),
        ("CaCl(2) and GABA(A) receptors", ["CaCl(2", ")", "and", "GABA(A", ")", "receptors"]),
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
        parse_rules(["modifier\tinduced", "max_split_length\t100"], "x.tsv")
    with pytest.raises(ValueError, match="one 'max_split_length' row"):
        parse_rules(["modifier\tinduced", "min_term_length\t3"], "x.tsv")
    with pytest.raises(ValueError, match=r"one 'max_split_length' row .* got \['0'\]"):
        parse_rules(["min_term_length\t3", "max_split_length\t0"], "x.tsv")
    with pytest.raises(ValueError, match=r"one 'max_chunk_length' row .* got \['x'\]"):
        parse_rules(["min_term_length\t3", "max_split_length\t9", "max_chunk_length\tx"],
                    "x.tsv")
    # rules saved with a model before the rows existed take the fallback's limits
    old = parse_rules(["min_term_length\t3"], "x.tsv", fallback=rules)
    assert (old.max_split_length, old.max_chunk_length) == (rules.max_split_length,
                                                            rules.max_chunk_length)
    assert parse_rules(["min_term_length\t3", "max_split_length\t7"], "x.tsv",
                       fallback=rules).max_split_length == 7


def test_a_long_chain_is_left_whole_fast(nlp: Language) -> None:
    rules = load_rules()
    text = "aspirin-" * (rules.max_chunk_length // len("aspirin-"))
    assert rules.max_split_length < len(text) <= rules.max_chunk_length
    doc = nlp(text)
    assert [t.text for t in doc] == [text]  # longer than max_split_length: one token
    limit = rules.max_split_length
    # below the limit the chain is split as before
    short = "aspirin-" * (limit // len("aspirin-"))
    assert len(short) <= limit
    assert [t.text for t in nlp(short)] == ["aspirin", "-"] * (len(short) // len("aspirin-"))


def test_many_cuts_need_no_recursion() -> None:
    rules = dataclasses.replace(load_rules(), max_split_length=10**6, max_chunk_length=10**6)
    nlp = spacy.blank("en")
    nlp.tokenizer = BiotabTokenizer(nlp, rules=rules, terms=TERMS)
    words = [t.text for t in nlp("aspirin-" * 600)]  # recursion ran out at 500 cuts
    assert words == ["aspirin", "-"] * 600


def _tokenize(nlp: Language, text: Callable[[int, int], str]
              ) -> Callable[[int], Callable[[], object]]:
    """For `cpu_growth.assert_linear_cpu`: running `nlp` on `text(n, i)`, `i` counting the
    calls (spaCy's Cython loop cannot be counted, and wall clock measured the shared machine's
    load). Each call's text differs: spaCy caches the tokens of every whitespace-delimited
    string, and a run of the same text again would time a cache look-up, not the loop."""
    calls = itertools.count()

    def prepare(n: int) -> Callable[[], object]:
        doc_text = text(n, next(calls))
        return lambda: nlp(doc_text)

    return prepare


def test_a_peptide_chain_costs_linear_time(nlp: Language) -> None:
    residues = ["Ala", "Gly", "Ser", "Leu", "Val", "Pro"]

    def chain(n: int) -> str:
        return "-".join(residues[i % len(residues)] for i in range(n))

    nlp(chain(10))  # warm-up
    # 1.2 KB and 16x longer: best CPU time under 64x (quadratic would be ~256x; linear ~16x)
    assert_linear_cpu(_tokenize(nlp, lambda n, i: chain(n + i)), 300, floor=1e-4)


@pytest.mark.parametrize("unit", [";", "(", "1.", "a", "aspirin-"])
def test_a_run_without_whitespace_costs_linear_time(nlp: Language, unit: str) -> None:
    """spaCy's affix loop is quadratic in a run without whitespace (100,000 ';' took hours):
    such a run is tokenized in pieces of `max_chunk_length` characters."""
    limit = load_rules().max_chunk_length
    nlp(unit * 10)  # warm-up
    # 16x the text: best CPU time under 64x (quadratic would be ~256x)
    assert_linear_cpu(
        _tokenize(nlp, lambda n, i: "Aspirin helped. " + unit * (n // len(unit) + i)), 2_000)
    text = "Aspirin helped. " + unit * (5 * limit // len(unit)) + " then fever."
    doc = nlp(text)
    assert doc.text == text  # the pieces give back the text, whitespace and all
    assert [t.text for t in doc[:3]] == ["Aspirin", "helped", "."]
    assert [t.text for t in doc[-3:]] == ["then", "fever", "."]
    assert max(len(t.text) for t in doc) <= limit


def _one_pass() -> Language:
    """The same tokenizer without the length limit: one pass over any text."""
    rules = dataclasses.replace(load_rules(), max_chunk_length=10**6)
    nlp = spacy.blank("en")
    nlp.tokenizer = BiotabTokenizer(nlp, rules=rules, terms=TERMS)
    return nlp


def _tokens(doc: Doc) -> list[tuple[str, str]]:
    return [(t.text, t.whitespace_) for t in doc]


def test_text_with_short_runs_is_tokenized_as_before(nlp: Language) -> None:
    """Below the limit nothing changes: the same tokens as one pass of the tokenizer."""
    limit = load_rules().max_chunk_length
    run = "(1R,2S-(+)-cis-N-[2-(3,4-dichlorophenyl)ethyl]-2-(1-pyrrolidinyl)cyclohexylamine"
    text = (f"{run} and isoproterenol-induced myocarditis; {'x' * limit}  two spaces\n"
            f"{'1.' * (limit // 2)}\tnext line ") * 20
    assert len(text) > limit
    assert _tokens(nlp(text)) == _tokens(_one_pass()(text))


def test_a_long_run_is_cut_only_inside_itself(nlp: Language) -> None:
    """Past the limit only the run's own tokens change: the text around it, and the space
    after it (the run's last token's trailing whitespace, no token of its own), as before."""
    limit = load_rules().max_chunk_length
    for after in (" next word.", "  two spaces.", "\nnew line.", ""):
        text = "Aspirin helped. " + "a" * (limit + 50) + after
        doc, single = nlp(text), _one_pass()(text)
        assert doc.text == text
        assert [t.text for t in doc[:3]] == ["Aspirin", "helped", "."]
        assert [(t.text, t.whitespace_) for t in doc[3:5]] == [("a" * limit, ""),
                                                               ("a" * 50, single[3].whitespace_)]
        assert _tokens(doc[5:]) == _tokens(single[4:])  # what follows the run, as one pass


def test_scispacy_rules_keep_a_users_token_match() -> None:
    # on a pipeline that already has a spaCy tokenizer, its token_match is what scispacy reads
    import re

    from pipeline.nlp import scispacy_tokenizer

    nlp = spacy.blank("en")
    scispacy_tokenizer(nlp)
    assert [t.text for t in nlp('We measured "IL6" today')][2:5] == ['"', "IL6", '"']
    nlp = spacy.blank("en")
    nlp.tokenizer.token_match = re.compile(r'^"IL6"$').match
    scispacy_tokenizer(nlp)
    assert [t.text for t in nlp('We measured "IL6" today')] == ["We", "measured", '"IL6"',
                                                                "today"]
