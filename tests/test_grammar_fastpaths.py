"""Fast paths of the outcomes grammar give what the plain code gives: light tokens
(`outcome_tokens.light_tokens`) and case-insensitive regexes run on lower-cased text
(`outcome_statistics.finditer`)."""

from __future__ import annotations

import re

import pytest

from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve
from pipeline.components.outcome_statistics import StatisticsParser, _lowered, case_free, finditer
from pipeline.components.outcome_tokens import TOKEN_RE, light_tokens

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


@pytest.mark.parametrize(
    "text",
    [
        "Twelve of 14 patients (86%) achieved complete response.",
        "  leading and trailing white space\n\tand tabs  ",
        "İstanbul: 48\u202f835 and 13 155 women, p<0.05 +/- 2, ΟΔΟΣ",
        "",
        "   ",
    ],
)
def test_tokens_are_token_re_matches(text: str) -> None:
    """`light_tokens` splits the text with TOKEN_RE (one group) and adds up the lengths of the
    pieces: the tokens are TOKEN_RE's matches, in order, at their offsets."""
    toks = light_tokens(text, NUMBER_WORDS)
    assert [(t.start, t.end) for t in toks] == [m.span() for m in TOKEN_RE.finditer(text)]


def test_a_digit_that_is_no_decimal_is_a_word() -> None:
    """"cm ²" (a superscript two standing alone) crashed the grammar: '²'.isdigit()."""
    toks = light_tokens("decreased from 12 cm ² to 5 cm ²", NUMBER_WORDS)
    assert [t.num for t in toks if t.num is not None] == [12.0, 5.0]
    assert [t.text for t in toks][-1] == "²"


def test_numbers_and_number_words() -> None:
    toks = light_tokens("Twelve of 1,203 (86·5%); two hundred", NUMBER_WORDS)
    nums = [(t.text, t.num, t.decimals, t.word_num) for t in toks if t.num is not None]
    assert nums == [
        ("Twelve", 12.0, 0, True),
        ("1,203", 1203.0, 0, False),
        ("86·5", 86.5, 1, False),
        ("two hundred", 200.0, 0, True),
    ]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("A total of 13 155 women; 23 582 patient-years", [13155.0, 23582.0]),
        ("1 868 904 +/- 434 962 vs 2 013 910", [1868904.0, 434962.0, 2013910.0]),
        # codes, a gene variant, split decimals and lists stay separate numbers
        ("ABI-007 260 mg/m(2) and GYKI-41 099", [7.0, 260.0, 2.0, 41.0, 99.0]),
        ("BRCA1 185delAG", [1.0, 185.0]),
        ("P < 0. 001 001.", [0.0, 1.0, 1.0]),
        ("in 2 100-mg doses; 13 155.5 ml; Of 45, 120 were", [2.0, 100.0, 13.0, 155.5, 45.0, 120.0]),
        # more digits follow: a list of numbers, not one
        ("scores of 12 150 45", [12.0, 150.0, 45.0]),
    ],
)
def test_plain_space_thousands(text: str, numbers: list[float]) -> None:
    assert [t.num for t in light_tokens(text, NUMBER_WORDS) if t.num is not None] == numbers


TIMEPOINT_TEXTS = [
    "At 12 months, 7 of 25 responders (28%) relapsed after 3 weeks of therapy.",
    "AFTER TWO YEARS OF FOLLOW-UP, relapse was 75% at week 24 and at the end of treatment.",
    # characters a case-insensitive regex matches to ASCII letters: the slow path is taken
    "At 12 month\u017f, at 6 wee\u212as and \u0130n the first 3 months.",
    "\u0130stanbul: at 12 months, 50% (\u0130 lowers to two characters).",
]


@pytest.mark.parametrize("text", TIMEPOINT_TEXTS)
def test_timepoints_on_lowered_text_are_the_same(text: str) -> None:
    lex = Lexicon(load_lexicon(resolve(LEXICON_FILE)))
    for rx in (lex.tp_a, lex.tp_b, lex.tp_c, lex.tp_d):
        slow = [(m.span(), m.group()) for m in rx.finditer(text)]
        fast = [(m.span(), text[m.start() : m.end()]) for m in finditer(rx, text, _lowered(text))]
        assert fast == slow
    if _lowered(text) is not None:  # the timepoint regexes run case-sensitively there
        assert all(case_free(rx) is not rx for rx in (lex.tp_a, lex.tp_b, lex.tp_c, lex.tp_d))
    parser = StatisticsParser(text, lex)
    parser.find_timepoints()
    assert parser.timepoints  # every text has a timepoint


def test_lowered_text_is_refused_where_matches_could_differ() -> None:
    assert _lowered("At 12 MONTHS") == "at 12 months"
    assert _lowered("12 month\u017f") is None  # long s
    assert _lowered("\u0130stanbul") is None  # lowers to two characters


def test_case_free_keeps_what_it_cannot_lower() -> None:
    assert case_free(re.compile("months", re.IGNORECASE)).flags & re.IGNORECASE == 0
    capital = re.compile("[A-Z]+ months", re.IGNORECASE)
    assert case_free(capital) is capital
    for kept in ("Émile", "(?-i:M)onths", "(?s:.)months"):
        rx = re.compile(kept, re.IGNORECASE)
        assert case_free(rx) is rx
    # group syntax and escapes hold capitals that are no letters to match
    named = case_free(re.compile(r"(?P<prep>at)\s+(?P=prep)\B", re.IGNORECASE))
    assert named is not None and not named.flags & re.IGNORECASE
    assert case_free(re.compile(r"\bMonths")) is None  # case-sensitive: never on lowered text


@pytest.mark.parametrize(
    "text",
    [
        "The hazard ratio was 0.74 (95% CI 0.61-0.90).",
        "HAZARD RATIO, 0.74; Odds Ratio 1.5.",
        "AHR 0.8 and aOR 1.2 after adjustment.",
        "(IRR = 1.3)",
        "OR 2.1",
        "The horror of 12 patients; HRT in 40%.",  # "OR" and "HR" inside words: no unit
        "Relative riſk 0.8 in 12 patients.",  # "ſ" matches "s" case-free: the regex decides
        "Relative \u212aisk",
        "12 of 15 patients responded.",
        "",
    ],
)
def test_ratio_named_is_the_regex_search(text: str) -> None:
    """The substring test before the ratio-name regex (`_ratio_named`) changes no answer."""
    lex = Lexicon(load_lexicon(resolve(LEXICON_FILE)))
    parser = StatisticsParser(text, lex)
    assert parser._ratio_named == (lex.ratio_unit_re.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "figure", "hypothetical"),
    [
        ("Treating 100 women for 5 years would prevent 5 recurrences.", "5", True),
        ("Treating 100 women for 5 years WOULD PREVENT 5 recurrences.", "5", True),
        # "ı" (dotless i) matches "i" case-free: the substring test must not decide
        ("Up to 30% of recurrences mıght be prevented.", "30%", True),
        ("Up to 30% of recurrences were prevented.", "30%", False),
        ("85% would recommend the treatment.", "85%", False),
    ],
)
def test_hypothetical_effect_with_and_without_a_modal(
    text: str, figure: str, hypothetical: bool
) -> None:
    """The modal word test before the hypothetical-effect regexes (`ScopeRules._has_modal`)
    changes no answer, also for a modal in capitals or with a letter that folds to ASCII (the
    figure: its last occurrence)."""
    scope = Lexicon(load_lexicon(resolve(LEXICON_FILE))).scope
    start = text.rindex(figure)
    assert scope.hypothetical_effect(text, start, start + len(figure)) is hypothetical
    other = text + " "  # (a new sentence for the one-sentence cache)
    assert scope.hypothetical_effect(other, start, start + len(figure)) is hypothetical
