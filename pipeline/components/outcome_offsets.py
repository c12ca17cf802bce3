"""What `biotab_outcomes` reads of a Doc without making Token or Span objects: token and sentence
offsets from the token arrays (`doc_offsets`), and a sentence's `Span._.language` by its
characters (`SentenceLanguage`). Most sentences of a document hold no figure and are never
looked at again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH, ORTH, SENT_START
from spacy.tokens import Doc, Span

import pipeline.extensions  # noqa: F401  (registers Span._.language)


@dataclass(slots=True)
class Offsets:
    """Token and sentence offsets of a doc, read from the token arrays."""

    idx: list[int]  # Token.idx
    ends: list[int]  # Token.idx + len(Token.text)
    orth: list[int]  # Token.orth (string hash)
    # (start token, end token, start char, end char) of each sentence, in `doc.sents` order;
    # the end char includes the whitespace before the next sentence
    sentences: list[tuple[int, int, int, int]]
    # ENT_IOB and ENT_TYPE of each token (uint64 columns), for the doc's entities
    # (`outcome_context.DocContext`): read with the offsets, in one pass over the tokens
    ents: numpy.ndarray


# A sentence's first token in the SENT_START column as bytes (`doc_offsets`).
_SENT_START = re.compile(b"\x01")


def doc_offsets(doc: Doc, text_len: int) -> Offsets:
    """The doc's `Offsets` (`text_len`: the length of its text)."""
    n = len(doc)
    if n == 0:
        return Offsets([], [], [], [], numpy.zeros((0, 2), dtype=numpy.uint64))
    # (uint64: SENT_START's -1 and the hashes as stored)
    arr = doc.to_array([SENT_START, IDX, LENGTH, ORTH, ENT_IOB, ENT_TYPE])
    # the tokens after the first whose SENT_START is 1, found in the column as bytes (1, 0 and
    # -1 are 1, 0 and 255 there): one regex pass costs less than numpy's calls on a few
    # hundred tokens
    flags = arr[:, 0].astype(numpy.uint8).tobytes()
    starts = [0, *(m.start() for m in _SENT_START.finditer(flags, 1))]
    ends = [*starts[1:], n]
    idx = arr[:, 1].tolist()
    sentences = [
        (s, e, idx[s], idx[e] if e < n else text_len) for s, e in zip(starts, ends, strict=True)
    ]
    return Offsets(idx, (arr[:, 1] + arr[:, 2]).tolist(), arr[:, 3].tolist(), sentences, arr[:, 4:])


# `Span._.language` is not a plain value in doc.user_data
_NOT_PLAIN = object()


class SentenceLanguage:
    """`Span._.language` of the sentence doc[start:end] (characters first..last, without the
    whitespace after it), read where spaCy keeps a plain extension's value, doc.user_data under
    ("._.", name, start_char, end_char), as `pipeline.extensions.span_reader` does, without
    making the Span; through the Span when the attribute has a getter, setter or method."""

    def __init__(self) -> None:
        default, method, getter, setter = Span.get_extension("language") or (_NOT_PLAIN,) * 4
        plain = method is None and getter is None and setter is None
        self._default: object = (
            default if plain and (default is None or isinstance(default, str)) else _NOT_PLAIN
        )

    def __call__(self, doc: Doc, start: int, end: int, first: int, last: int) -> str | None:
        if self._default is _NOT_PLAIN:
            lang: str | None = doc[start:end]._.language
            return lang
        data: dict[Any, Any] = doc.user_data
        value: str | None = data.get(("._.", "language", first, last), self._default)
        return value
