"""Where `biotab_assertion`'s pattern rules can match, found without running spaCy's Matcher
over every token: one-token rules by a hash lookup (`OneTokenCues`), and for the longer ones the
runs of tokens a match can lie in (`MatchableRuns`). Reads a Doc's token attribute arrays;
writes nothing. The matches are those the Matcher gives on the whole doc."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc

# Token attributes a pattern token may compare with its listed values (see `MatchableRuns`).
_LITERAL_ATTRS = ("ORTH", "TEXT", "LOWER", "NORM")
# Pattern operators under which a pattern token only ever consumes tokens it matches.
_CONSUMING_OPS = ("1", "?", "*", "+")


@dataclass(frozen=True)
class MatchableRuns:
    """Which tokens the pattern rules can match, from the values their pattern tokens list.

    `attrs` are the attribute ids the patterns compare, `live` the sorted hashes of every value
    any pattern token accepts and `start` of those a match can begin with (the values of each
    pattern's tokens up to its first required one). A value counts for every attribute: a token
    taken as matchable or as a possible start when it is neither costs a longer or an extra
    Matcher run, never a match.
    """

    attrs: tuple[int, ...]
    live: np.ndarray
    start: np.ndarray

    @classmethod
    def of(cls, patterns: Iterable[Sequence[Any]]) -> MatchableRuns | None:
        """None when some pattern token can match tokens by other means than its listed values
        (a wildcard, a regex, a negation, another attribute, a numeric range)."""
        attrs: set[int] = set()
        live: set[int] = set()
        start: set[int] = set()
        for pattern in patterns:
            opening = True  # up to and including the pattern's first required token
            for spec in pattern:
                if not isinstance(spec, dict) or spec.get("OP", "1") not in _CONSUMING_OPS:
                    return None
                tests = [(k, v) for k, v in spec.items() if k != "OP"]
                if len(tests) != 1 or tests[0][0] not in _LITERAL_ATTRS:
                    return None
                attr, value = tests[0]
                if isinstance(value, dict) and list(value) == ["IN"]:
                    value = value["IN"]
                words = value if isinstance(value, list) else [value]
                if not all(isinstance(w, str) for w in words):
                    return None
                attrs.add(IDS["ORTH" if attr == "TEXT" else attr])  # the same to the Matcher
                hashes = {get_string_id(w) for w in words}  # as the Matcher hashes them
                live.update(hashes)
                if opening:
                    start.update(hashes)
                    opening = spec.get("OP", "1") in ("?", "*")
        if not live:
            return None
        return cls(
            tuple(sorted(attrs)),
            np.array(sorted(live), dtype=np.uint64),
            np.array(sorted(start), dtype=np.uint64),
        )

    def runs(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges [a, b) of matchable tokens, between unmatchable ones or the doc's edges,
        that hold a token a match can start with."""
        values = doc.to_array(list(self.attrs)).ravel()
        live = member(values, self.live).reshape(len(doc), -1).any(axis=1)
        starts = np.flatnonzero(
            member(values, self.start).reshape(len(doc), -1).any(axis=1)
        ).tolist()
        if not starts:
            return []
        changes = (np.flatnonzero(live[1:] != live[:-1]) + 1).tolist()
        bounds = [0] * bool(live[0]) + changes + [len(doc)] * bool(live[-1])
        out = []
        for a, b in zip(bounds[::2], bounds[1::2], strict=True):
            i = bisect.bisect_left(starts, a)
            if i < len(starts) and starts[i] < b:
                out.append((a, b))
        return out


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values[i] in sorted_set (not empty), element-wise."""
    return np.asarray(sorted_set.take(sorted_set.searchsorted(values), mode="clip") == values)


def one_token_words(pattern: Sequence[Any]) -> tuple[int, list[str]] | None:
    """(attribute id, words) of a pattern of one token that compares one attribute with
    listed strings (`[{"LOWER": {"IN": [...]}}]`, `[{"ORTH": "may"}]`), else None."""
    if len(pattern) != 1 or not isinstance(pattern[0], dict) or len(pattern[0]) != 1:
        return None
    ((attr, value),) = pattern[0].items()
    if attr not in _LITERAL_ATTRS:
        return None
    if isinstance(value, dict) and list(value) == ["IN"]:
        value = value["IN"]
    words = value if isinstance(value, list) else [value]
    if not words or not all(isinstance(w, str) for w in words):
        return None
    return IDS["ORTH" if attr == "TEXT" else attr], words


class OneTokenCues:
    """One-token pattern rules, matched by looking each token's attribute hash up."""

    def __init__(self) -> None:
        self._table: dict[int, dict[int, list[int]]] = {}  # attr -> value hash -> match keys
        self._sorted: dict[int, np.ndarray] = {}

    def add(self, key: int, attr: int, words: list[str]) -> None:
        table = self._table.setdefault(attr, {})
        for word in words:
            table.setdefault(get_string_id(word), []).append(key)
        self._sorted[attr] = np.array(sorted(table), dtype=np.uint64)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match key, start, end) of every one-token match, as the Matcher gives them."""
        out: list[tuple[int, int, int]] = []
        if not len(doc):
            return out
        for attr, table in self._table.items():
            values = doc.to_array([attr]).ravel()
            for i in np.flatnonzero(member(values, self._sorted[attr])).tolist():
                out.extend((key, i, i + 1) for key in table[int(values[i])])
        return out
