"""`outcome_arm_evidence.allocated`: is an arm's name written where the document allocates its
subjects? A whole-word search by substring, the same answers as the regex it replaced, and no
regex compiled for each name it is asked about (each document asks about new names)."""

from __future__ import annotations

import itertools
import re
from types import SimpleNamespace
from typing import Any

import pytest

from pipeline.components import outcome_arm_evidence
from pipeline.components.outcome_arm_evidence import _whole_word_in, allocated


def _regex_answer(word: str, text: str) -> bool:
    """What `allocated` searched before: the name between two non-word characters."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


@pytest.mark.parametrize(
    ("word", "text", "expected"),
    [
        ("weekly docetaxel", "weekly or 3 weekly docetaxel", True),
        ("3 weekly", "weekly or 3 weekly docetaxel", True),
        ("weekly d", "weekly or 3 weekly docetaxel", False),
        ("wbi", "either wbi or apbi", True),
        ("bi", "either wbi or apbi", False),
        ("bi", "either wbi or bi", True),  # (a later whole-word one after parts of words)
        ("apbi", "apbi_2 or apbi", True),  # ("_" is a word character)
        ("apbi", "apbi_2", False),
        ("every 3 weeks", "every 3 weeks", True),
        ("café", "the cafés or café", True),  # (letters of any script)
        ("aa", "aaa aa", True),  # (occurrences that overlap)
        ("aa", "aaa", False),
        ("", "x", False),
        ("", "", True),
        ("", "x y", False),
        ("", "x  y", True),  # (between two spaces)
    ],
)
def test_a_name_is_found_as_a_whole_word(word: str, text: str, expected: bool) -> None:
    assert _whole_word_in(word, text) is expected
    assert _regex_answer(word, text) is expected


def test_the_same_answers_as_the_regex_on_every_short_string() -> None:
    alphabet = "ab _-é1"
    words = ["".join(p) for n in range(3) for p in itertools.product(alphabet, repeat=n)]
    texts = ["".join(p) for n in range(5) for p in itertools.product("ab _é", repeat=n)]
    for word in words:
        for text in texts:
            assert _whole_word_in(word, text) is _regex_answer(word, text), (word, text)


def test_no_regex_is_compiled_for_each_name(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[Any] = []
    real_compile = re.compile

    def counting_compile(pattern: Any, flags: int = 0) -> re.Pattern[Any]:
        compiled.append(pattern)
        return real_compile(pattern, flags)

    monkeypatch.setattr(outcome_arm_evidence.re, "compile", counting_compile)
    ctx: Any = SimpleNamespace(allocations=["weekly or 3 weekly docetaxel", "wbi or apbi"])
    lex: Any = None  # (the stretches are read: no lexicon asked)
    names = [f"arm {k}" for k in range(50)] + ["3-weekly docetaxel", "apbi"]
    assert [allocated(ctx, name, lex) for name in names] == [False] * 50 + [True, True]
    assert compiled == []
