"""`whole_words` gives exactly the strings a whole-string regex finds a match in, or None."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.components.outcome_rules import CUES_FILE
from pipeline.components.regex_words import MAX_WORDS, whole_words
from pipeline.paths import rule_file


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("^respon(se|ses|ded)$", {"response", "responses", "responded"}),
        ("^(?:complete|full)$", {"complete", "full"}),
        ("(?:^(pr|vgpr)s?$)", {"pr", "prs", "vgpr", "vgprs"}),
        ("^(enrol(l)?(ed|ment)?)$", {"enrol", "enroll", "enrolled", "enrolment", "enrollment",
                                     "enroled"}),
        ("^[ab]x{1,2}$", {"ax", "axx", "bx", "bxx"}),
        ("^\\-$|^(?:and|/)$", {"-", "and", "/"}),
        ("^(?:ab$|cd$)", {"ab", "cd"}),
        ("^a^b$", set()),  # "^" after a character: nothing matches
        ("^ab??c{2}+$", {"acc", "abcc"}),  # lazy and possessive repeats: the same strings
        ("^[\\-.a-b]\\($", {"-(", ".(", "a(", "b("}),  # escapes in and out of a set
        ("^[a-]$", {"a", "-"}),  # a "-" last in a set is itself
    ],
)  # fmt: skip
def test_whole_words(pattern: str, words: set[str]) -> None:
    assert whole_words(pattern) == words


@pytest.mark.parametrize(
    "pattern",
    [
        "^respons",  # any continuation
        "respons$",  # anything before
        "^(a|b)$|c",  # one alternative inside a longer string
        "^-?\\d+$",  # an unbounded repeat and a category
        "^cr\\d?$",  # a category
        "^[^a]$",  # a negated set
        "^a.$",  # any character
        "(?i)^orr$",  # a flag: case-free
        "^(b)\\1$",  # a back-reference
        "^\\bab$",  # a word boundary
        "^ab\\Z",  # the end of the string only
        "^a$b",  # a character after "$"
        "^[a-z]{8}$",  # too many strings
        "^(a",  # no regex
        "^[z-a]$",  # no regex either (a reversed range)
        "^a*$",  # unbounded
        "^a{2,}$",  # unbounded
        "^a{9}$",  # more repeats than read
        "^(?P<n>a)$",  # a named group
        "^(?=a)a$",  # a look-ahead
        "^\\Aa$",  # the start of the string only
        "^a)$",  # a ")" with no "("
    ],
)
def test_unread_patterns_give_none(pattern: str) -> None:
    assert whole_words(pattern) is None


def test_too_many_words_give_none() -> None:
    assert whole_words("^[a-z][a-z]$") is not None  # 676
    assert MAX_WORDS < 26**3 and whole_words("^[a-z][a-z][a-z]$") is None


def _packaged_regexes() -> list[str]:
    out: list[str] = []
    for line in rule_file(CUES_FILE).read_text(encoding="utf8").splitlines():
        if not line.strip():
            continue
        pattern = json.loads(line)["pattern"]
        for spec in [] if isinstance(pattern, str) else pattern:
            for value in spec.values():
                if isinstance(value, dict) and "REGEX" in value:
                    out.append(value["REGEX"])
    return out


def test_packaged_cue_regexes_match_their_words_only() -> None:
    """For every packaged cue regex it reads: each word is found by the regex, and so is no
    string one edit away from a word (a letter added, dropped or capitalized), unless it is a
    word too; a trailing newline is left to the caller."""
    read = 0
    for pattern in _packaged_regexes():
        words = whole_words(pattern)
        if words is None:
            continue
        read += 1
        rx = re.compile(pattern)
        for w in words:
            assert rx.search(w), (pattern, w)
            for near in (w + "s", "x" + w, w[:-1], w[1:], w.upper(), w.title(), w + "-"):
                if not near.endswith("\n"):
                    assert bool(rx.search(near)) == (near in words), (pattern, near)
    assert read >= 30  # most of them (33 of 36 in session 22)
