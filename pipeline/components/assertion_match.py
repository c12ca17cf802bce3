"""How `biotab_assertion`'s rules match fast, with what spaCy's Matcher would find.

- `fixed_phrases`: a `pattern` rule of two or more fixed words (each token LOWER: a word or
  {"IN": [words]}, no "OP") is the phrases it stands for, matched by a PhraseMatcher (one trie
  walk) instead of the Matcher the cue gate runs on windows ("was not observed", "effects of").
- `AfterPatterns.holds`: a rule with `after` matches only when that pattern matches within
  `after_within` tokens before it, in its sentence. The words such rules sit on are frequent
  ("with", "to"): a Matcher run on each window cost more than the rest of the component. The
  patterns of fixed tokens (no "OP") with conditions on LOWER, ORTH/TEXT, ENT_TYPE (a string or
  {"IN": [strings]}) and IS_SENT_START (a bool) are read straight off the doc's token arrays
  (`DocArrays`, made once a doc), as the Matcher reads them; any other still goes to a Matcher
  on the window.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy
from spacy.attrs import ENT_TYPE, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from pipeline.components.cue_gate import string_values

# the most phrases a `pattern` rule may stand for to be matched as phrases
MAX_PHRASES = 2_000
# a token spec's attribute -> the column of `DocArrays.columns` it reads
_COLUMNS = {"LOWER": 0, "ORTH": 1, "TEXT": 1, "ENT_TYPE": 2, "IS_SENT_START": 3}
# (column, the values that hold) per token of a pattern read without the Matcher
_Spec = tuple[tuple[int, frozenset[int]], ...]


class DocArrays:
    """A doc's token columns (LOWER, ORTH, ENT_TYPE, sentence start 1/0, by `_COLUMNS`) and
    sentence starts, each made when first asked."""

    _ATTRS = (LOWER, ORTH, ENT_TYPE, SENT_START)

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._columns: list[list[int] | None] = [None, None, None, None]
        self._starts: list[int] | None = None

    def column(self, k: int) -> list[int]:
        got = self._columns[k]
        if got is None:
            values = self.doc.to_array(self._ATTRS[k])
            # (the Matcher's IS_SENT_START holds where SENT_START is 1, `spacy.tokens.doc`)
            got = (values == 1).astype(int).tolist() if k == 3 else values.tolist()
            self._columns[k] = got
        return got

    def _sentence_starts(self) -> list[int]:
        if self._starts is None:
            starts = self.doc.to_array(SENT_START) == 1
            if len(starts):
                starts[0] = True
            self._starts = numpy.flatnonzero(starts).tolist() or [0]
        return self._starts

    def sentence_start(self, i: int) -> int:
        """Where the sentence of token `i` starts (0 in a doc without sentences)."""
        starts = self._sentence_starts()
        return starts[bisect.bisect_right(starts, i) - 1]

    def next_sentence_start(self, i: int) -> int:
        """The first sentence start at or after token `i` (the doc's length when none)."""
        starts = self._sentence_starts()
        k = bisect.bisect_left(starts, i)
        return starts[k] if k < len(starts) else len(self.doc)


def _read_spec(spec: Mapping[str, Any], add: Callable[[str], int]) -> _Spec | None:
    """A token spec as (column, values) conditions, or None when the Matcher must read it."""
    out = []
    for key, value in spec.items():
        column = _COLUMNS.get(key)
        if column is None:
            return None
        if key == "IS_SENT_START":
            if not isinstance(value, bool):
                return None
            out.append((column, frozenset([int(value)])))
            continue
        words = string_values(value)
        if words is None:
            return None
        out.append((column, frozenset(add(w) for w in words)))
    return tuple(out)


class AfterPatterns:
    """The `after` patterns of a rule set, by match key; `holds` tells whether one matches
    inside a window of a doc."""

    def __init__(self, nlp: Language, matcher: Matcher,
                 patterns: Mapping[int, Sequence[Mapping[str, Any]]]) -> None:  # fmt: skip
        """`matcher` holds every pattern under its key (it reads the patterns read here too,
        for a test to compare)."""
        self.matcher = matcher
        self._read: dict[int, list[_Spec]] = {}
        add = nlp.vocab.strings.add
        for key, pattern in patterns.items():
            specs = [_read_spec(spec, add) for spec in pattern]
            if all(s is not None for s in specs):
                self._read[key] = [s for s in specs if s is not None]

    def holds(self, arrays: DocArrays, key: int, lo: int, end: int) -> bool:
        """The pattern under `key` matches tokens inside [lo, end) of the doc."""
        specs = self._read.get(key)
        if specs is None:
            return any(m == key for m, _, _ in self.matcher(arrays.doc[lo:end]))
        if len(specs) == 1 and len(specs[0]) == 1:  # (one token, one condition: most rules)
            c, values = specs[0][0]
            column = arrays.column(c)
            return any(column[p] in values for p in range(lo, end))
        columns = [arrays.column(c) if any(c == k for s in specs for k, _ in s) else []
                   for c in range(len(DocArrays._ATTRS))]  # fmt: skip
        n = len(specs)
        for p in range(lo, end - n + 1):
            if all(
                columns[c][p + i] in values
                for i, spec in enumerate(specs)
                for c, values in spec
            ):
                return True
        return False


def fixed_phrases(pattern: Sequence[Mapping[str, Any]]) -> list[tuple[str, ...]] | None:
    """The word sequences a pattern of two or more fixed LOWER tokens matches (at most
    `MAX_PHRASES`), or None. Only lower-case words without spaces: the Matcher compares a
    token's lower case with the word as written, so "IL-6" there matches nothing."""
    if len(pattern) < 2:
        return None
    choices: list[list[str]] = []
    for spec in pattern:
        if set(spec) != {"LOWER"}:
            return None
        words = string_values(spec["LOWER"])
        if not words or not all(
            w and w == w.lower() and not any(c.isspace() for c in w) for w in words
        ):
            return None
        choices.append(sorted(set(words)))
    if math.prod(len(c) for c in choices) > MAX_PHRASES:
        return None
    return list(itertools.product(*choices))
