"""pysbd's English segmentation with the same output, in less time (used by `biotab_sentences`).

Reads and writes nothing: `FastProcessor(text, lang).process()` returns the sentences pysbd's
`Processor` returns for the same text. A profile of pysbd on 400 BC5CDR abstracts showed where
its time goes, and each change below keeps the results of the code it replaces:

- pysbd finds each sentence back in the text with a regex built from that sentence
  (`re.escape(sentence)`), so every document compiled one new pattern per sentence, and those
  one-off patterns flushed `re`'s 512-entry cache, so that pysbd's own rule patterns recompiled
  on every document. `FastSegmenter` recovers the spans with `str.find` (same matching
  semantics).
- The abbreviation pass ran a case-insensitive `findall` over the text for every abbreviation
  of its list that occurs anywhere in the text as a substring ("al", "no", "pp", "ca" occur
  inside most words): about 70 whole-text scans per abstract ("dec" of "decreased" matches
  too, and is then replaced nowhere). `FastAbbreviationReplacer` skips an abbreviation made
  only of letters and digits unless it occurs at a word start followed by a period, which
  every replacement requires; on ASCII text this test is exact, and other text takes pysbd's
  own path.

- Rules (`Rule(pattern, replacement)`, applied by `Text.apply` through the `re` module's cache)
  are compiled once (`_Step`); a rule whose pattern is a plain string (the placeholder
  restorations such as "∯" -> ".", about 25 of the 40 rules applied to each sentence) is a
  `str.replace`; and a rule that cannot match without some character or string (all of the
  "!" and "?" rules, the am/pm rules, the ellipsis rules...) is skipped when the text lacks it
  (`needs`, stated next to each rule and read off its pattern).
- `replace_punctuation` (called for each bracketed or quoted stretch) ran 14 regex
  substitutions: escape "()[]-" with a backslash, replace 8 punctuation characters one by
  one, and unescape. The escape and unescape cancel exactly (every inserted backslash is the
  one right before its character, so the unescape removes exactly those), and no replacement
  contains a character a later one replaces: one `str.translate` gives the same string.
- List detection (pysbd's `ListItemReplacer`) looked for list items with 7 whole-text
  `findall`s; `sentence_lists.FastListItemReplacer` finds the same by looking only at each
  "." or ")" (see that module).

One addition, off unless asked for (`FastSegmenter(number_abbreviations=...)`, used by
`biotab_sentences` with `rules/sentence_number_abbreviations.txt`): after pysbd's abbreviation
pass, the period of one of these words is kept from ending a sentence when a number or an
identifier with a digit follows on the same line ("Vol. 14", "art. R265"); pysbd's own list
lacks "vol" and protects "art" before a bare number only. Without it the output is pysbd's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import pysbd
from pysbd.between_punctuation import BetweenPunctuation
from pysbd.exclamation_words import ExclamationWords
from pysbd.lang.english import English
from pysbd.processor import Processor
from pysbd.utils import Rule, TextSpan

from pipeline.components.sentence_lists import FastListItemReplacer

_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")


def _literal(pattern: str) -> str | None:
    """The string `pattern` matches when it is a plain string (with punctuation possibly
    escaped, as in r"\\!"), else None."""
    out = []
    chars = iter(pattern)
    for c in chars:
        if c == "\\":
            escaped = next(chars, "")
            if not escaped or escaped.isalnum() or escaped.isspace():
                return None
            out.append(escaped)
        elif c in _METACHARACTERS:
            return None
        else:
            out.append(c)
    return "".join(out)


class _Step:
    """One pysbd rule, applied as `re.sub(rule.pattern, rule.replacement, text)` would.

    `needs`: strings of which every match of the pattern contains at least one; `gate`: a test
    that every text the pattern matches in passes (a pattern opening with a literal character,
    which `re` finds fast, where the rule's own pattern opens with a look-behind and is tried at
    every position). Texts failing either are returned as they are.
    """

    __slots__ = ("gate", "literal", "needs", "pattern", "replacement")

    def __init__(
        self, rule: Rule, needs: Iterable[str] = (), gate: Callable[[str], Any] | None = None
    ) -> None:
        self.needs = tuple(needs)
        self.gate = gate
        self.replacement: str = rule.replacement
        literal = _literal(rule.pattern)
        self.literal = literal if literal and "\\" not in rule.replacement else None
        self.pattern = re.compile(rule.pattern)

    def __call__(self, text: str) -> str:
        if self.needs and not any(n in text for n in self.needs):
            return text
        if self.gate is not None and not self.gate(text):
            return text
        if self.literal is not None:
            return text.replace(self.literal, self.replacement)
        return self.pattern.sub(self.replacement, text)


def _period_at(index: int) -> Callable[[str], bool]:
    """Gate of a rule anchored at the text's start whose match is a "." at `index`."""

    def gate(text: str) -> bool:
        return text.startswith(".", index)

    return gate


def _searches(pattern: str, flags: int = 0) -> Callable[[str], Any]:
    return re.compile(pattern, flags).search


def _apply(text: str, steps: Iterable[_Step]) -> str:
    for step in steps:
        text = step(text)
    return text


_ELLIPSIS = English.EllipsisRules
_NUMBERS = English.Numbers
_ABBR_RULES = English.SingleLetterAbbreviationRules
# Rules applied to the whole text, then to each piece and each sentence, in pysbd's order.
_LOOKBEHIND_SPACE = r"(?<=\s)"
_MULTI_PERIOD_GEO_FILE = (
    _Step(English.Abbreviation.WithMultiplePeriodsAndEmailRule,
          gate=_searches(r"\.[a-zA-Z0-9_]")),
    _Step(English.GeoLocationRule, needs="°"),
    # the pattern less its opening look-behind
    _Step(English.FileFormatRule,
          gate=_searches(English.FileFormatRule.pattern.removeprefix(_LOOKBEHIND_SPACE))),
)
_NUMBER_STEPS = (
    _Step(_NUMBERS.PeriodBeforeNumberRule),
    _Step(_NUMBERS.NumberAfterPeriodBeforeLetterRule, gate=_searches(r"\.\S")),
    _Step(_NUMBERS.NewLineNumberPeriodSpaceLetterRule, needs="\r"),
    _Step(_NUMBERS.StartLineNumberPeriodRule, gate=_period_at(1)),
    _Step(_NUMBERS.StartLineTwoDigitNumberPeriodRule, gate=_period_at(2)),
)
_SPACED_PERIODS = _searches(r"\.\s\.")
_SEGMENT_STEPS = (
    _Step(English.SingleNewLineRule),
    _Step(_ELLIPSIS.ThreeSpaceRule, gate=_SPACED_PERIODS),
    _Step(_ELLIPSIS.FourSpaceRule, gate=_SPACED_PERIODS),
    _Step(_ELLIPSIS.FourConsecutiveRule, needs=["...."]),
    _Step(_ELLIPSIS.ThreeConsecutiveRule, needs=["..."]),
    _Step(_ELLIPSIS.OtherThreePeriodRule),
)
_DOUBLE_PUNCTUATION = tuple(_Step(r) for r in English.DoublePunctuationRules.All)
_QUESTION_EXCLAMATION = (
    _Step(English.QuestionMarkInQuotationRule, needs="?"),
    *(_Step(r, needs="!") for r in English.ExclamationPointRules.All),
)


def _placeholder_steps(rules: Iterable[Rule]) -> tuple[_Step, ...]:
    """Steps that put back what a placeholder stood for: each a plain string holding a
    character outside ASCII (so that `_restore` may skip ASCII text)."""
    steps = tuple(_Step(r) for r in rules)
    for step in steps:
        if step.literal is None or step.literal.isascii():
            raise ValueError(f"pysbd rule {step.pattern.pattern!r}: expected a non-ASCII string")
    return steps


def _restore(text: str, steps: tuple[_Step, ...]) -> str:
    """`_apply` for `_placeholder_steps`: an ASCII text holds no placeholder."""
    return text if text.isascii() else _apply(text, steps)


_SUB_SYMBOLS = _placeholder_steps(English.SubSymbolsRules.All)
_REINSERT_ELLIPSIS = _placeholder_steps(English.ReinsertEllipsisRules.All)
_SUB_SINGLE_QUOTE = _placeholder_steps([English.SubSingleQuoteRule])
_ABBREVIATION_STEPS = (
    _Step(English.PossessiveAbbreviationRule, needs=[".'s"]),
    _Step(English.KommanditgesellschaftRule, needs=["Co."]),
    _Step(_ABBR_RULES.SingleUpperCaseLetterAtStartOfLineRule, gate=_period_at(1)),
    _Step(_ABBR_RULES.SingleUpperCaseLetterRule, gate=_searches(r"[A-Z]\.")),
)
_AM_PM = tuple(_Step(r, needs=["∯M∯", "∯m∯"]) for r in English.AmPmRules.All)

_PARENS_BETWEEN_DOUBLE_QUOTES = re.compile(English.PARENS_BETWEEN_DOUBLE_QUOTES_REGEX)
_CONTINUOUS_PUNCTUATION = re.compile(English.CONTINUOUS_PUNCTUATION_REGEX)
_NUMBERED_REFERENCE = re.compile(English.NUMBERED_REFERENCE_REGEX)
# every match of _NUMBERED_REFERENCE holds "." or "∯" followed by "[" or a digit
_PERIOD_BEFORE_REFERENCE = re.compile(r"\.[\[\d]")
_PLACEHOLDER_BEFORE_REFERENCE = re.compile(r"∯[\[\d]")
# every match of _MULTI_PERIOD_ABBREVIATION holds "." between two letters
_PERIOD_LETTER_PERIOD = re.compile(r"\.[a-z]\.", re.IGNORECASE)
_QUOTATION_AT_END = re.compile(English.QUOTATION_AT_END_OF_SENTENCE_REGEX)
_SPLIT_QUOTATION_AT_END = re.compile(English.SPLIT_SPACE_QUOTATION_AT_END_OF_SENTENCE_REGEX)
_SENTENCE_BOUNDARY = re.compile(English.SENTENCE_BOUNDARY_REGEX)
_DOUBLE_PUNCTUATION_START = re.compile(English.DoublePunctuationRules.DoublePunctuation)
_ONLY_LETTERS = re.compile(r"\A[a-zA-Z]*\Z")
_EXCLAMATION_WORDS = re.compile(ExclamationWords.EXCLAMATION_REGEX)
_PUNCTUATIONS = tuple(English.Punctuations)
_FINAL_EXCLAMATION = re.compile(r"&ᓴ&$")
_MULTI_PERIOD_ABBREVIATION = re.compile(English.MULTI_PERIOD_ABBREVIATION_REGEX, re.IGNORECASE)
_ABBREVIATION_AS_SENTENCE_BOUNDARY = re.compile(
    r"(U∯S|U\.S|U∯K|E∯U|E\.U|U∯S∯A|U\.S\.A|I|i.v|I.V)∯({})".format(
        "|".join(rf"(?=\s{word}\s)" for word in English.AbbreviationReplacer.SENTENCE_STARTERS)
    )
)
# ASCII characters that `\s` matches in a str pattern, mapped to a space.
_ASCII_SPACE = str.maketrans({c: " " for c in map(chr, range(128)) if re.match(r"\s", c)})
_ENGLISH_ABBREVIATIONS = English.Abbreviation.ABBREVIATIONS
# pysbd's abbreviations in its order, stripped, and whether each is made of a-z and 0-9 only
_ABBREVIATIONS = tuple(
    (a.strip(), re.fullmatch(r"[a-z0-9]+", a.strip()) is not None) for a in _ENGLISH_ABBREVIATIONS
)
# " word." with word made of a-z and 0-9; matches cannot overlap (neither holds a space)
_WORD_BEFORE_PERIOD = re.compile(r" ([a-z0-9]+)\.")
_WHITESPACE = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                        "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\x1c\x1d\x1e\x1f\x85")

# What pysbd's `replace_punctuation` does to a bracketed or quoted stretch (module docstring).
_PUNCTUATION_MARKS = {
    ".": "∯", "。": "&ᓰ&", "．": "&ᓱ&", "！": "&ᓳ&", "!": "&ᓴ&", "?": "&ᓷ&", "？": "&ᓸ&",
}
_IN_BRACKETS = str.maketrans({**_PUNCTUATION_MARKS, "'": "&⎋&"})
_IN_SINGLE_QUOTES = str.maketrans(_PUNCTUATION_MARKS)


def replace_punctuation(match: re.Match[str], match_type: str | None = None) -> str:
    """pysbd's `punctuation_replacer.replace_punctuation`, as one `str.translate`."""
    return match.group().translate(_IN_SINGLE_QUOTES if match_type == "single" else _IN_BRACKETS)


class FastBetweenPunctuation(BetweenPunctuation):
    """pysbd's BetweenPunctuation: compiled patterns, each skipped when its opening character
    is absent, and the one-pass `replace_punctuation`."""

    # (pattern, the opening string every match starts with, match_type)
    _STEPS = tuple(
        (re.compile(pattern), opening, match_type)
        for pattern, opening, match_type in (
            (BetweenPunctuation.BETWEEN_SINGLE_QUOTES_REGEX, "'", "single"),
            (BetweenPunctuation.BETWEEN_SINGLE_QUOTE_SLANTED_REGEX, "‘", None),
            (BetweenPunctuation.BETWEEN_DOUBLE_QUOTES_REGEX_2, '"', None),
            (BetweenPunctuation.BETWEEN_SQUARE_BRACKETS_REGEX_2, "[", None),
            (BetweenPunctuation.BETWEEN_PARENS_REGEX_2, "(", None),
            (BetweenPunctuation.BETWEEN_QUOTE_ARROW_REGEX_2, "«", None),
            (BetweenPunctuation.BETWEEN_EM_DASHES_REGEX_2, "--", None),
            (BetweenPunctuation.BETWEEN_QUOTE_SLANTED_REGEX_2, "“", None),
        )
    )
    _LEADING_APOSTROPHE = re.compile(BetweenPunctuation.WORD_WITH_LEADING_APOSTROPHE)
    _QUOTE_SPACE = re.compile(r"'\s")

    def sub_punctuation_between_quotes_and_parens(self, txt: str) -> str:
        for pattern, opening, match_type in self._STEPS:
            if opening not in txt:
                continue
            if (
                match_type == "single"
                and self._LEADING_APOSTROPHE.search(txt)
                and not self._QUOTE_SPACE.search(txt)
            ):
                continue
            txt = pattern.sub(partial(replace_punctuation, match_type=match_type), txt)
        return txt


class FastAbbreviationReplacer(English.AbbreviationReplacer):
    """pysbd's English abbreviation pass: compiled rules, and a word-start pre-check
    (module docstring)."""

    text: str

    def replace(self) -> str:
        self.text = _apply(self.text, _ABBREVIATION_STEPS)
        self.text = "".join(
            self.search_for_abbreviations_in_string(line) for line in self.text.splitlines(True)
        )
        if _PERIOD_LETTER_PERIOD.search(self.text):
            self.text = _MULTI_PERIOD_ABBREVIATION.sub(_periods_to_placeholder, self.text)
        self.text = _apply(self.text, _AM_PM)
        if "∯" in self.text:
            self.text = _ABBREVIATION_AS_SENTENCE_BOUNDARY.sub("\\1.", self.text)
        return str(self.text)

    def search_for_abbreviations_in_string(self, text: str) -> str:
        if not text.isascii() or self.lang.Abbreviation.ABBREVIATIONS is not _ENGLISH_ABBREVIATIONS:
            return str(super().search_for_abbreviations_in_string(text))
        lowered = text.lower()
        # Every replacement pysbd makes for a match needs "<space>abbr." (its look-behind
        # patterns), and replacements only turn "." into "∯": an abbreviation made of letters
        # and digits changes nothing unless it is one of these words (each ends at the ".").
        at_word_start = set(_WORD_BEFORE_PERIOD.findall(" " + lowered.translate(_ASCII_SPACE)))
        for stripped, plain in _ABBREVIATIONS:
            if plain:
                if stripped not in at_word_start:
                    continue
            elif stripped not in lowered:
                continue
            abbrev_match = re.findall(
                rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE
            )
            if not abbrev_match:
                continue
            next_word_start = r"(?<={" + str(re.escape(stripped)) + "} ).{1}"
            char_array = re.findall(next_word_start, text)
            for ind, match in enumerate(abbrev_match):
                text = self.scan_for_replacements(text, match, ind, char_array)
        return text


def _periods_to_placeholder(match: re.Match[str]) -> str:
    return match.group().replace(".", "∯")


def number_abbreviation_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """The periods `FastProcessor` keeps from ending a sentence (module docstring): one of
    `words` at a word start (after no letter, digit or period), then "." and, on the same line
    (pysbd has turned newlines into "\\r" by then), a word of at most three letters before a
    digit. None for no words."""
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    if not alternatives:
        return None
    return re.compile(
        rf"(?<![\w.∯])({alternatives})\.(?=[^\S\r\n]+[^\W\d_]{{0,3}}\d)", re.IGNORECASE
    )


class FastProcessor(Processor):
    """pysbd's Processor (pysbd 0.3.4), its steps as in `pysbd.processor`, done faster; with
    `number_abbreviations` (a `number_abbreviation_pattern`), their periods too kept from
    ending a sentence."""

    text: str

    def __init__(
        self,
        text: str,
        lang: Any,
        char_span: bool = False,
        number_abbreviations: re.Pattern[str] | None = None,
    ) -> None:
        super().__init__(text, lang, char_span=char_span)
        self.number_abbreviations = number_abbreviations

    def replace_abbreviations(self) -> None:
        super().replace_abbreviations()
        if self.number_abbreviations is not None and "." in self.text:
            # "∯" is pysbd's placeholder of a period that ends no sentence (put back at the end)
            self.text = self.number_abbreviations.sub("\\1∯", self.text)

    def process(self) -> list[str] | str:
        if not self.text:
            return str(self.text)
        self.text = self.text.replace("\n", "\r")
        self.text = FastListItemReplacer(self.text).add_line_break()
        self.replace_abbreviations()
        self.replace_numbers()
        self.replace_continuous_punctuation()
        self.replace_periods_before_numeric_references()
        self.text = _apply(self.text, _MULTI_PERIOD_GEO_FILE)
        return self.split_into_segments()

    def split_into_segments(self) -> list[str]:
        self.check_for_parens_between_quotes()
        sents = self.rm_none_flatten(self.text.split("\r"))
        sents = [_apply(s, _SEGMENT_STEPS) for s in sents]
        sents = self.rm_none_flatten([self.check_for_punctuation(s) for s in sents])
        out: list[str] = []
        for sent in sents:
            post = self.post_process_segments(_restore(sent, _SUB_SYMBOLS))
            if post and isinstance(post, str):
                out.append(post)
            elif isinstance(post, list):
                out.extend(post)
        return [_restore(s, _SUB_SINGLE_QUOTE) for s in out]

    def post_process_segments(self, txt: str) -> str | list[str]:
        if len(txt) > 2 and _ONLY_LETTERS.search(txt):
            return txt
        txt = _restore(txt, _REINSERT_ELLIPSIS)
        if _QUOTATION_AT_END.search(txt):
            return _SPLIT_QUOTATION_AT_END.split(txt)
        return txt.replace("\n", "").strip()

    def check_for_parens_between_quotes(self) -> None:
        if '"' not in self.text and "”" not in self.text:
            return
        super().check_for_parens_between_quotes()

    def replace_continuous_punctuation(self) -> None:
        if "!" in self.text or "?" in self.text:
            super().replace_continuous_punctuation()

    def replace_periods_before_numeric_references(self) -> None:
        if _PERIOD_BEFORE_REFERENCE.search(self.text) or (
            "∯" in self.text and _PLACEHOLDER_BEFORE_REFERENCE.search(self.text)
        ):
            self.text = _NUMBERED_REFERENCE.sub(r"∯\2\r\7", self.text)

    def check_for_punctuation(self, txt: str) -> list[str]:
        if any(p in txt for p in _PUNCTUATIONS):
            return self.process_text(txt)
        return [txt]

    def process_text(self, txt: str) -> list[str]:
        if txt[-1] not in _PUNCTUATIONS:
            txt += "ȸ"
        if "!" in txt or "ǃ" in txt:
            txt = _EXCLAMATION_WORDS.sub(replace_punctuation, txt)
        txt = FastBetweenPunctuation(txt).replace()
        if not _DOUBLE_PUNCTUATION_START.match(txt):
            txt = _apply(txt, _DOUBLE_PUNCTUATION)
        txt = _apply(txt, _QUESTION_EXCLAMATION)
        txt = FastListItemReplacer(txt).replace_parens()
        return self.sentence_boundary_punctuation(txt)

    def replace_numbers(self) -> None:
        self.text = _apply(self.text, _NUMBER_STEPS)

    def sentence_boundary_punctuation(self, txt: str) -> list[str]:
        # English has neither ReplaceColonBetweenNumbersRule nor ReplaceNonSentenceBoundaryComma
        if "&ᓴ&" in txt:
            txt = _FINAL_EXCLAMATION.sub("!", txt)
        return [m.group() for m in _SENTENCE_BOUNDARY.finditer(txt)]

    def abbreviations_replacer(self) -> FastAbbreviationReplacer:
        return FastAbbreviationReplacer(self.text, self.lang)


class FastEnglish(English):
    """pysbd's English language module with the faster processor and abbreviation pass."""

    Processor = FastProcessor
    AbbreviationReplacer = FastAbbreviationReplacer


class FastSegmenter(pysbd.Segmenter):
    """pysbd's Segmenter on `FastEnglish`, with span recovery by `str.find` instead of a regex
    per sentence (module docstring)."""

    def __init__(self, number_abbreviations: Iterable[str] = ()) -> None:
        super().__init__(language="en", clean=False, char_span=True)
        self.language_module = FastEnglish
        self.number_abbreviations = number_abbreviation_pattern(number_abbreviations)

    def processor(self, text: str) -> FastProcessor:
        return FastProcessor(
            text, self.language_module, char_span=self.char_span,
            number_abbreviations=self.number_abbreviations,
        )

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        text: str = self.original_text
        spans = []
        prior_end = 0
        for sent in sentences:
            if not sent:
                continue
            # The matches re.finditer(re.escape(sent) + r"\s*", text) would give, in order.
            pos = 0
            while (start := text.find(sent, pos)) != -1:
                end = start + len(sent)
                while end < len(text) and text[end] in _WHITESPACE:
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
                pos = end
        return spans
