"""`outcome_alternations.alt`: a word list's alternation written as a tree of shared beginnings
(fewer branches for the regex engine to try at each position) finds what the flat,
longest-first alternation finds, at the same places, in the same order of preference."""

from __future__ import annotations

import re

import pytest

from pipeline.components.outcome_alternations import alt, longest_first

WORDS = ["one", "one hundred", "seven", "seventeen", "seventy", "six", "sixty", "a", "ab", "abc",
         "abd", "b", "per cent", "per", "week", "weeks", "wk", "wks", "x-ray", "x"]
TEXTS = ["seventeenth", "Seventy-two", "sevens", "sixtyone", "One hundred and six", "ones",
         "per cent", "PER  CENT", "abcd abd ab a b", "weeks wks wk week", "X-ray x ray",
         "ſeven", "SIX", "twenty-one"]


def flat(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in longest_first(words))


def test_shared_beginnings_written_once() -> None:
    assert alt(["seven", "seventeen", "seventy", "six"]) == "s(?:even(?:t(?:een|y))?|ix)"
    assert alt(["a", "ab", "abc", "abd", "b"]) == "a(?:b(?:c|d)?)?|b"


@pytest.mark.parametrize("flags", [0, re.IGNORECASE, re.IGNORECASE | re.ASCII])
@pytest.mark.parametrize("tail", ["", r"\b", r"e", r"ty\b", r"\s+\w+", r"(?=\s)"])
def test_tree_finds_what_the_flat_alternation_finds(flags: int, tail: str) -> None:
    tree = re.compile(rf"(?:{alt(WORDS)}){tail}", flags)
    plain = re.compile(rf"(?:{flat(WORDS)}){tail}", flags)
    for text in TEXTS:
        assert [m.span() for m in tree.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text


@pytest.mark.parametrize(
    "words", [["HR", "hrs"], ["week", "Week"], ["été", "ete"], ["", "a"], ["one"]]
)
def test_other_lists_stay_flat(words: list[str]) -> None:
    """Capitals, characters outside ASCII, an empty word, a single word: the flat alternation
    (there two characters may match one, "H" and "h" in any case)."""
    assert alt(words) == flat(words)
