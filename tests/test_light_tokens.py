"""Light tokens (`outcome_tokens.light_tokens`): offsets, numbers and lower case."""

from __future__ import annotations

import pytest

from pipeline.components.outcome_tokens import light_tokens

NUMBER_WORDS = {"twelve": 12, "two": 2, "hundred": 100}


@pytest.mark.parametrize(
    "text",
    [
        "Twelve of 14 patients (86%) achieved complete response.",
        # "İ" lowers to two characters: offsets of the lower-cased sentence would shift
        "İstanbul cohort: Twelve of 1,203 patients.",
        # a capital sigma's lower case depends on the letter after it
        "ΑΣ.Β and ΟΔΟΣ: Two hundred patients, 4·5%.",
    ],
)
def test_each_token_has_its_own_text_and_lower_case(text: str) -> None:
    toks = light_tokens(text, NUMBER_WORDS)
    assert toks
    for t in toks:
        assert t.text == text[t.start : t.end]
        assert t.lower == t.text.lower()


def test_numbers_and_number_words() -> None:
    toks = light_tokens("Twelve of 1,203 (86·5%); two hundred", NUMBER_WORDS)
    nums = [(t.text, t.num, t.decimals, t.word_num) for t in toks if t.num is not None]
    assert nums == [
        ("Twelve", 12.0, 0, True),
        ("1,203", 1203.0, 0, False),
        ("86·5", 86.5, 1, False),
        ("two hundred", 200.0, 0, True),
    ]
