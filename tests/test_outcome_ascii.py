"""The outcomes lexicon for plain ASCII text (`outcome_ascii`): its regexes find on such text
what the lexicon's find, and the component reads a document the same with either."""

from __future__ import annotations

import re
import unicodedata

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_ascii import ascii_lexicon, ascii_safe, ascii_twin, regex_holders
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve
from pipeline.components.outcome_tokens import light_tokens
from pipeline.paths import REPO_DIR

SEEDS = REPO_DIR / "seeds"


def _ascii_lines() -> list[str]:
    """The seeds' ASCII lines and sentence-like pieces of them (real abstracts)."""
    lines = [
        line
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf8").splitlines()
        if line.strip() and ascii_safe(line)
    ]
    return lines + [piece for line in lines for piece in line.split(". ") if piece]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Twelve of 14 patients (86%) responded.", True),
        ("", True),
        ("Response in 12 of 14 patients \u2013 86%.", False),
        ("Stra\u00dfe", False),
        # U+001C-U+001F: white space to `\s` in Unicode mode, not in ASCII mode
        ("12\x1cpatients", False),
    ],
)
def test_ascii_safe(text: str, safe: bool) -> None:
    assert ascii_safe(text) is safe


def test_separators_are_why_a_text_with_one_is_not_safe() -> None:
    rx = re.compile(r"12\s+patients")
    assert rx.search("12\x1fpatients") is not None
    assert ascii_twin(rx).search("12\x1fpatients") is None


def test_a_case_insensitive_pattern_outside_ascii_keeps_its_compile() -> None:
    """In Unicode mode "ſ" matches "s" case-insensitively; in ASCII mode it does not: such a
    regex would find less in ASCII text, so it is its own twin."""
    rx = re.compile("ſ", re.IGNORECASE)
    assert rx.search("s") is not None
    assert re.compile("ſ", re.IGNORECASE | re.ASCII).search("s") is None
    assert ascii_twin(rx) is rx
    plain = re.compile(r"\bhypotension\b", re.IGNORECASE)
    assert ascii_twin(plain).flags & re.ASCII


@pytest.mark.parametrize(
    ("pattern", "flags", "text"),
    [
        ("(?i:ſ)ites", 0, "sites"),  # case-insensitive in a group only: not in the flags
        ("(?i)K", 0, "k"),
        (r"\u017fites", re.IGNORECASE, "sites"),  # the pattern is ASCII text, its "ſ" is not
        (r"\N{KELVIN SIGN}g", re.IGNORECASE, "kg"),
        (r"[\u0100-\u0200]", re.IGNORECASE, "i"),  # (the range holds "İ", "ı" and "ſ")
    ],
)
def test_a_twin_finds_what_a_case_insensitive_group_or_escape_finds(
    pattern: str, flags: int, text: str
) -> None:
    rx = re.compile(pattern, flags)
    assert rx.search(text) is not None
    assert ascii_twin(rx).search(text) is not None


def test_a_group_that_is_case_insensitive_in_ascii_is_twinned() -> None:
    rx = re.compile(r"(?i:p)\s*[<=]\s*\d")
    assert ascii_twin(rx).flags & re.ASCII


def test_every_rule_object_is_twinned_and_none_is_shared() -> None:
    data = load_lexicon(resolve(LEXICON_FILE))
    lex, other = Lexicon(data), Lexicon(data)
    holders = regex_holders(lex)
    # (the rule objects that hold regexes, the new ones of session 36 among them)
    assert {id(h) for h in (lex.scope, lex.conduct, lex.prevention, lex.enrollment_scope,
                            lex.breakdowns, lex.thousands)} <= {id(h) for h in holders[1:]}
    assert not {id(h) for h in holders} & {id(h) for h in regex_holders(other)}


def test_the_twins_find_what_the_lexicon_finds_in_ascii_text() -> None:
    data = load_lexicon(resolve(LEXICON_FILE))
    lex = Lexicon(data)
    twin = ascii_lexicon(data, lex.negation_words)
    texts = _ascii_lines()
    assert len(texts) > 50
    twins = 0
    for holder, twin_holder in zip(regex_holders(lex), regex_holders(twin), strict=True):
        for name, rx in vars(holder).items():
            if not isinstance(rx, re.Pattern):
                continue
            other = getattr(twin_holder, name)
            twins += bool(other.flags & re.ASCII)
            for text in texts:
                got = [m.group(0, *range(1, rx.groups + 1)) for m in other.finditer(text)]
                assert got == [m.group(0, *range(1, rx.groups + 1)) for m in rx.finditer(text)], (
                    name, text
                )
    assert twins > 150  # (most regexes have an ASCII twin)
    for text in texts:
        assert [(t.text, t.start, t.num) for t in light_tokens(text, lex.number_words,
                                                                 twin.token_split)] == [
            (t.text, t.start, t.num) for t in light_tokens(text, lex.number_words)
        ]  # fmt: skip


def test_a_document_reads_the_same_with_either_lexicon(outcomes_nlp: Language) -> None:
    """Seed 004 made ASCII (its accented names' letters bare, its no-break spaces plain: read
    with the ASCII twin) and the same text with a last sentence outside ASCII (read with the
    lexicon): the same rows."""
    text = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf8").rstrip()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    assert ascii_safe(text)
    plain = outcomes_nlp(text)._.outcomes
    other = outcomes_nlp(text + " Donn\u00e9es compl\u00e8tes.")._.outcomes
    assert len(plain) > 3 and plain == other


def test_a_ratio_named_with_a_character_that_folds_to_ascii(outcomes_nlp: Language) -> None:
    """The case-insensitive ratio regex matches "oddſ ratio" ("ſ" is "s" to it), whose lower
    case is no key of the lexicon's ratio units: read as "odds ratio", no KeyError."""
    plain = "Mortality was higher with smoking (odds ratio 2.5; 95% CI 1.2-4.1) in 40 patients."
    want = run(outcomes_nlp, plain)._.outcomes
    assert [r["unit"] for r in want] == ["odds_ratio", "count"]
    assert run(outcomes_nlp, plain.replace("odds", "odd\u017f"))._.outcomes == want
