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
  on the window. `AfterPatterns.starts` does the same for `followed_by` (a match that starts in
  a range): the comma that closes a sentence's opening clause is a rule with both.
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
    sentence starts, each made when first asked (the four attributes read in one `to_array`:
    each call has a cost of its own)."""

    _ATTRS = (LOWER, ORTH, ENT_TYPE, SENT_START)

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._array: numpy.ndarray | None = None
        self._columns: list[list[int] | None] = [None, None, None, None]
        self._starts: list[int] | None = None
        self._marks: dict[frozenset[int], list[int]] = {}

    def _marked(self, words: frozenset[int]) -> list[int]:
        marks = self._marks.get(words)
        if marks is None:
            marks = [i for i, lower in enumerate(self.column(0)) if lower in words]
            self._marks[words] = marks
        return marks

    def _values(self, k: int) -> numpy.ndarray:
        if self._array is None:
            self._array = self.doc.to_array(list(self._ATTRS)).reshape(-1, len(self._ATTRS))
        return self._array[:, k]

    def column(self, k: int) -> list[int]:
        got = self._columns[k]
        if got is None:
            values = self._values(k)
            # (the Matcher's IS_SENT_START holds where SENT_START is 1, `spacy.tokens.doc`)
            got = (values == 1).astype(int).tolist() if k == 3 else values.tolist()
            self._columns[k] = got
        return got

    def _sentence_starts(self) -> list[int]:
        if self._starts is None:
            starts = self._values(3) == 1
            if len(starts):
                starts[0] = True
            self._starts = numpy.flatnonzero(starts).tolist() or [0]
        return self._starts

    def starts_within(self, lo: int, hi: int) -> list[int]:
        """The sentence starts in [lo, hi) (token 0 among them)."""
        starts = self._sentence_starts()
        return starts[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]

    def last_mark(self, words: frozenset[int], lo: int, end: int) -> int | None:
        """The last token in [lo, end) whose LOWER is one of `words` (None when none is)."""
        marks = self._marked(words)
        k = bisect.bisect_left(marks, end)
        return marks[k - 1] if k and marks[k - 1] >= lo else None

    def first_mark(self, words: frozenset[int], lo: int, end: int) -> int | None:
        """The first token in [lo, end) whose LOWER is one of `words` (None when none is)."""
        marks = self._marked(words)
        k = bisect.bisect_left(marks, lo)
        return marks[k] if k < len(marks) and marks[k] < end else None

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
        self._columns: dict[int, list[int]] = {}  # the columns each read pattern reads
        # the read patterns whose first token must start a sentence: only those places are tried
        self._at_start: set[int] = set()
        add = nlp.vocab.strings.add
        for key, pattern in patterns.items():
            specs = [_read_spec(spec, add) for spec in pattern]
            if all(s is not None for s in specs):
                self._read[key] = [s for s in specs if s is not None]
                self._columns[key] = sorted({c for s in self._read[key] for c, _ in s})
                if (_COLUMNS["IS_SENT_START"], frozenset([1])) in self._read[key][0]:
                    self._at_start.add(key)

    def holds(self, arrays: DocArrays, key: int, lo: int, end: int) -> bool:
        """The pattern under `key` matches tokens inside [lo, end) of the doc."""
        return self.starts(arrays, key, lo, end, end)

    def starts(self, arrays: DocArrays, key: int, lo: int, hi: int, end: int) -> bool:
        """The pattern under `key` matches tokens inside [lo, end) of the doc, starting in
        [lo, hi)."""
        specs = self._read.get(key)
        if specs is None:
            return any(
                m == key and s < hi - lo for m, s, _ in self.matcher(arrays.doc[lo:end])
            )
        n = len(specs)
        last = min(hi, end - n + 1)  # (the last place a match may start, plus one)
        if n == 1 and len(specs[0]) == 1:  # (one token, one condition: most rules)
            c, values = specs[0][0]
            column = arrays.column(c)
            return any(column[p] in values for p in range(lo, last))
        places = (
            arrays.starts_within(lo, last) if key in self._at_start else range(lo, last)
        )  # fmt: skip
        if not places:
            return False
        columns: list[list[int]] = [[] for _ in DocArrays._ATTRS]
        for c in self._columns[key]:
            columns[c] = arrays.column(c)
        for p in places:
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
