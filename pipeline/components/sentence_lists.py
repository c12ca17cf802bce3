"""pysbd's list-item detection with the same output, in less time (used by `sentence_pysbd`).

Reads and writes nothing. pysbd's `ListItemReplacer` ran 7 whole-text `findall`s with patterns
that open with a look-behind (tried at every position) to find numbered and lettered list items;
the same matches are found by looking only at each "." or ")" (`_letters_before_period`,
`_letters_before_paren`, `_numbers_before_period`, `_numbers_before_paren`), and only their values
are used. `tests/test_sentences.py` checks each against its pattern on generated text.
`FastListItemReplacer` is pysbd's `ListItemReplacer` (pysbd 0.3.4) with those `findall`s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pysbd.lists_item_replacer import ListItemReplacer

_ROMAN_NUMERALS_IN_PARENS = re.compile(ListItemReplacer.ROMAN_NUMERALS_IN_PARENTHESES)


def _letters_before_period(text: str) -> list[str]:
    """`re.findall(ListItemReplacer.ALPHABETICAL_LIST_WITH_PERIODS, text)`: a letter a-z
    followed by "." and preceded by whitespace or the text's start."""
    out = []
    pos = text.find(".", 1)
    while pos != -1:
        c = text[pos - 1]
        if "a" <= c <= "z" and (pos == 1 or text[pos - 2].isspace()):
            out.append(c)
        pos = text.find(".", pos + 1)
    return out


def _letters_before_paren(text: str) -> list[str]:
    """`re.findall(ListItemReplacer.ALPHABETICAL_LIST_WITH_PARENS, text)`: a run of letters a-z
    followed by ")" and preceded by "(", whitespace or the text's start."""
    out = []
    pos = text.find(")", 1)
    while pos != -1:
        start = pos
        while start > 0 and "a" <= text[start - 1] <= "z":
            start -= 1
        if start < pos and (start == 0 or text[start - 1] == "(" or text[start - 1].isspace()):
            out.append(text[start:pos])
        pos = text.find(")", pos + 1)
    return out


def _digits_before(text: str, end: int) -> int:
    """Where the run of decimal digits that ends at `end` starts (looking back 3 at most)."""
    start = end
    while start > 0 and end - start < 3 and text[start - 1].isdecimal():
        start -= 1
    return start


def _numbers_before_period(text: str) -> list[int]:
    """The numbers `re.findall(ListItemReplacer.NUMBERED_LIST_REGEX_1, text)` finds: one or two
    digits (a whole run) followed by "." and whitespace or ")", and preceded by whitespace, the
    text's start, or "-" or "⁃" that follow whitespace or the start (the pattern's
    `(?<=s\\-)` alternative, with a letter s, is kept too)."""
    out = []
    last = len(text) - 1
    pos = text.find(".", 1)
    while pos != -1 and pos < last:
        after = text[pos + 1]
        start = _digits_before(text, pos)
        if 1 <= pos - start <= 2 and (after.isspace() or after == ")"):
            before = text[start - 1] if start else ""
            if not before or before.isspace():
                out.append(int(text[start:pos]))
            elif before in "-⁃":
                two = text[start - 2] if start > 1 else ""
                if (
                    not two
                    or (two.isspace() and (after != ")" or before == "⁃"))
                    or (two == "s" and before == "-" and after == ")")
                ):
                    out.append(int(text[start:pos]))
        pos = text.find(".", pos + 1)
    return out


def _numbers_before_paren(text: str) -> list[int]:
    """The numbers `re.findall(ListItemReplacer.NUMBERED_LIST_PARENS_REGEX, text)` finds: the
    last one or two digits before ")" and whitespace."""
    out = []
    last = len(text) - 1
    pos = text.find(")", 1)
    while pos != -1 and pos < last:
        if text[pos + 1].isspace() and text[pos - 1].isdecimal():
            start = pos - 2 if pos >= 2 and text[pos - 2].isdecimal() else pos - 1
            out.append(int(text[start:pos]))
        pos = text.find(")", pos + 1)
    return out


_FAST_FINDALL: dict[str, Callable[[str], list[Any]]] = {
    ListItemReplacer.ALPHABETICAL_LIST_WITH_PERIODS: _letters_before_period,
    ListItemReplacer.ALPHABETICAL_LIST_WITH_PARENS: _letters_before_paren,
    ListItemReplacer.NUMBERED_LIST_REGEX_1: _numbers_before_period,
    ListItemReplacer.NUMBERED_LIST_PARENS_REGEX: _numbers_before_paren,
}


class FastListItemReplacer(ListItemReplacer):
    """pysbd's ListItemReplacer with its list-finding `findall`s done by `_FAST_FINDALL`."""

    def _find(self, regex: str) -> list[Any]:
        fast = _FAST_FINDALL.get(regex)
        return fast(self.text) if fast is not None else re.findall(regex, self.text)

    def scan_lists(self, regex1: str, regex2: str, replacement: str, strip: bool = False) -> None:
        list_array = [int(x) for x in self._find(regex1)]
        for ind, item in enumerate(list_array):
            before_next = ind < len(list_array) - 1 and item + 1 == list_array[ind + 1]
            after_previous = ind > 0 and (
                item - 1 == list_array[ind - 1]
                or (item == 0 and list_array[ind - 1] == 9)
                or (item == 9 and list_array[ind - 1] == 0)
            )
            if before_next or after_previous:
                self.substitute_found_list_items(regex2, item, strip, replacement)

    def iterate_alphabet_array(
        self, regex: str, parens: bool = False, roman_numeral: bool = False
    ) -> str:
        alphabet = self.ROMAN_NUMERALS if roman_numeral else self.LATIN_NUMERALS
        list_array = [i for i in self._find(regex) if i in alphabet]
        # a single item changes nothing (it is compared with itself), as in pysbd
        for ind, each in enumerate(list_array):
            if ind == len(list_array) - 1:
                self.text = self.last_array_item_replacement(
                    each, ind, alphabet, list_array, parens
                )
            else:
                self.text = self.other_items_replacement(each, ind, alphabet, list_array, parens)
        return str(self.text)

    def replace_parens(self) -> str:
        if "(" not in self.text:
            return str(self.text)
        return _ROMAN_NUMERALS_IN_PARENS.sub(r"&✂&\1&⌬&", self.text)
