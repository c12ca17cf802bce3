"""`biotab_sentences`: sentence boundaries by pysbd as scispacy's `pysbd_sentencizer`, plus a rule.

Reads: tokens, the text and `rules/sentence_number_abbreviations.txt`. Writes:
`Token.is_sent_start` for every token.

The rules are scispacy's (`scispacy.custom_sentence_segmenter.pysbd_sentencizer`): pysbd's
non-destructive segmentation, no sentence start after one of scispacy's abbreviations, newlines
glued to the following sentence, and a blank line always ending a sentence. What differs is
speed: the segmentation is `sentence_pysbd.FastSegmenter`, pysbd with the same output in about a
third of the time (see that module); `tests/test_sentences.py` checks that the boundaries equal
scispacy's component's.

Two rules are added to scispacy's. The bibliographic abbreviations of
`rules/sentence_number_abbreviations.txt` ("Vol.", "art.") end no sentence before a number or an
identifier with a digit ("Vol. 14, Issue 6, art. R265"; see `sentence_pysbd`). And a point with
one space on each side between two digit strings ends no sentence: it is a decimal's, as text
tokenized for a corpus and joined by spaces writes it ("34 . 6 %", IOB or CoNLL files a user
converts), which pysbd cut after its point; running text never puts a space before a sentence's
period. With an empty list (config `abbreviations_path`) and no such decimal the boundaries are
scispacy's.

Second, bounded work on long text. pysbd's abbreviation pass rewrites the whole text once per
abbreviation it finds, so its time grows with the square of the text's length (a 40,000-character
text without sentence punctuation took 3.8 s, 10,000 characters 0.3 s), and later components
(the outcomes grammar most) grow faster than linearly with a sentence's length. So a text longer
than the sentence cap is segmented block by block, each block at most that long: a block is cut
after a blank line where one is in reach, else after a sentence end, ";", "," or whitespace
(`cut_point`), and then ends where pysbd's last complete sentence in it ends (the rest is
segmented again with the next block); only a block in which pysbd finds no boundary ends at
the cut. And no sentence is longer than
`max_sentence_chars` characters: a longer one is split at its last ";" (else ",", else
whitespace between tokens) in the second half of the cap's window, never inside a token; only a
single token longer than the cap stays longer.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any, cast

import numpy
from scispacy.consts import ABBREVIATIONS
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc
from thinc.types import Ints2d

from pipeline.components.sentence_pysbd import FastSegmenter
from pipeline.extensions import doc_text
from pipeline.paths import rule_file
from pipeline.rules import read_word_list, write_word_list

_NEWLINE = re.compile("\n")
_ABBREVIATIONS = frozenset(ABBREVIATIONS)
DEFAULT_NUMBER_ABBREVIATIONS = rule_file("sentence_number_abbreviations.txt")
_SAVED_ABBREVIATIONS = "number_abbreviations.txt"

#: The longest sentence, in characters, that later components see (module docstring).
DEFAULT_MAX_SENTENCE_CHARS = 3000

# Where a window of text may be cut, best first: after a blank line, after a sentence end, after
# ";", after ",", at any whitespace.
_CUTS = (
    re.compile(r"\n[^\S\n]*\n\s*"),
    re.compile(r"[.!?]\s+"),
    re.compile(r";\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+"),
)
# Token texts after which a long sentence is best split, best first; then any whitespace.
_TOKEN_CUTS = (";", ",")


def cut_point(text: str, start: int, end: int) -> int:
    """Where to end the piece of `text` that starts at `start` and may reach `end` at most.

    The end of the last best boundary (`_CUTS`) in the window's second half, so that pieces stay
    at least half as long as allowed; `end` itself when the second half holds no whitespace (a
    cut inside one enormous token) or when `end` is the end of the text.
    """
    if end >= len(text):
        return len(text)
    floor = start + (end - start) // 2
    for pattern in _CUTS:
        found = [m.end() for m in pattern.finditer(text, floor, end)]
        if found:
            return found[-1]
    return end


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _spaced_decimal(doc: Doc, i: int) -> bool:
    """Whether doc[i - 1] is the point of a decimal written with one space on each side of it,
    as text tokenized for a corpus and joined by spaces writes it ("34 . 6 %"): digits, " . ",
    digits (doc[i]), and no point and digits after them ("in 1987 . 93 . 4 % of women": a
    decimal's digits after the point, so the point before them ends a sentence)."""
    return (
        i >= 2
        and _digits(doc[i].text)
        and _digits(doc[i - 2].text)
        and doc[i - 2].whitespace_ == " "
        and doc[i - 1].whitespace_ == " "
        and not _point_and_digits(doc, i + 1)
    )


def _point_and_digits(doc: Doc, k: int) -> bool:
    """Whether doc[k] is a point with one space before and after it, digits right after."""
    return (
        k + 1 < len(doc)
        and doc[k].text == "."
        and doc[k - 1].whitespace_ == " "
        and doc[k].whitespace_ == " "
        and _digits(doc[k + 1].text)
    )


class SentenceSplitter:
    """Sets sentence starts from pysbd's segmentation (see the module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS,
        abbreviations_path: str | None = None,
    ) -> None:
        if max_sentence_chars < 1:
            raise ValueError(
                f"max_sentence_chars: expected a positive int, got {max_sentence_chars}"
            )
        self.name = name
        self.max_sentence_chars = max_sentence_chars
        path = Path(abbreviations_path) if abbreviations_path else DEFAULT_NUMBER_ABBREVIATIONS
        self._set_abbreviations(read_word_list(path))

    def _set_abbreviations(self, words: tuple[str, ...]) -> None:
        self.number_abbreviations = words
        self.segmenter = FastSegmenter(number_abbreviations=words)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the sentences, trailing spaces excluded.

        A text longer than the sentence cap is segmented in blocks (module docstring).
        """
        out: list[tuple[int, int]] = []
        block = self.max_sentence_chars
        start = 0
        while start < len(text):
            end = len(text) if len(text) <= block else cut_point(text, start, start + block)
            piece = text[start:end]
            found = self.segmenter.segment(piece) if piece.strip() else []
            if end < len(text) and len(found) > 1:
                # the block's last sentence may go on past the block's end: it is segmented
                # again at the start of the next block, so that every block but the last ends
                # where pysbd ends a sentence
                last = found.pop()
                end = start + last.start
            for span in found:
                trailing = len(span.sent) - len(span.sent.rstrip(" "))
                out.append((start + span.start, start + span.end - trailing))
            start = end
        return out

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        starts: set[int] = set()
        for start, end in self.spans(text):
            char_span = doc.char_span(start, end)
            if char_span is not None:
                starts.add(char_span[0].i)
        n = len(doc)
        if n == 0:
            return doc
        # `Token.is_sent_start = ...` scans the whole doc for a parse on every assignment
        # (quadratic); one `from_array` writes the same values (1 start, -1 not a start) after
        # the same refusal the setter makes.
        if doc.has_annotation("DEP"):
            raise ValueError(Errors.E043)
        flags = numpy.full(n, -1, dtype=numpy.int64)
        if text.count("\n") >= 2:
            # A token after one holding two or more newlines (a blank line) starts a sentence.
            # Spaces between tokens are " " only, so every newline lies inside a token's text.
            idx = doc.to_array(IDX).tolist()
            newlines = Counter(
                bisect.bisect_right(idx, pos) - 1
                for pos in (m.start() for m in _NEWLINE.finditer(text))
            )
            for i, count in newlines.items():
                if count >= 2 and 0 < i < n - 1:
                    flags[i + 1] = 1
        # pysbd's starts hold unless glued to an abbreviation, to the document's first newlines
        # or to the point of a spaced decimal
        for i in starts:
            if i == 0:
                flags[i] = 1
                continue
            prev = doc[i - 1].text
            glued = (
                prev in _ABBREVIATIONS
                or (i == 1 and all(c == "\n" for c in prev))
                or (prev == "." and _spaced_decimal(doc, i))
            )
            flags[i] = -1 if glued else 1
        if len(text) > self.max_sentence_chars:
            self._cap(doc, flags)
        doc.from_array([SENT_START], cast(Ints2d, flags.view(numpy.uint64).reshape(n, 1)))
        return doc

    def _cap(self, doc: Doc, flags: numpy.ndarray) -> None:
        """Add sentence starts to `flags` so that no sentence exceeds `max_sentence_chars`."""
        n = len(doc)
        cap = self.max_sentence_chars
        if n < 2:
            return
        offsets = doc.to_array([IDX, LENGTH])
        idx: list[int] = offsets[:, 0].tolist()
        ends: list[int] = (offsets[:, 0] + offsets[:, 1]).tolist()
        bounds = [0, *(numpy.flatnonzero(flags[1:] == 1) + 1).tolist(), n]
        for a, b in itertools.pairwise(bounds):
            while ends[b - 1] - idx[a] > cap:
                # tokens a .. fit-1 end within the cap
                fit = bisect.bisect_right(ends, idx[a] + cap, a, b)
                cut = self._token_cut(doc, idx, ends, a, fit) if fit > a + 1 else a + 1
                if cut >= b:
                    break
                flags[cut] = 1
                a = cut

    @staticmethod
    def _token_cut(doc: Doc, idx: list[int], ends: list[int], a: int, fit: int) -> int:
        """The token to start a new sentence at, in (a, fit]: after the last ";" (else ",")
        in the window's second half, else after the last token followed by whitespace."""
        floor = idx[a] + (ends[fit - 1] - idx[a]) // 2
        window = range(fit, a, -1)
        for mark in _TOKEN_CUTS:
            for j in window:
                if idx[j - 1] < floor:
                    break
                if doc[j - 1].text == mark:
                    return j
        for j in window:
            if ends[j - 1] < idx[j] if j < len(idx) else True:
                return j
        return fit

    # The rules are pysbd's and scispacy's plus the number abbreviations saved here; the cap
    # is in the pipeline's config.
    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        write_word_list(Path(path) / _SAVED_ABBREVIATIONS, self.number_abbreviations)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> SentenceSplitter:
        file = Path(path) / _SAVED_ABBREVIATIONS
        if file.exists():  # one saved before the list keeps the list its config names
            self._set_abbreviations(read_word_list(file))
        return self


@Language.factory(
    "biotab_sentences",
    assigns=["token.is_sent_start"],
    default_config={"max_sentence_chars": DEFAULT_MAX_SENTENCE_CHARS, "abbreviations_path": None},
)
def make_sentences(
    nlp: Language, name: str, *, max_sentence_chars: int, abbreviations_path: str | None
) -> SentenceSplitter:
    return SentenceSplitter(
        nlp, name, max_sentence_chars=max_sentence_chars, abbreviations_path=abbreviations_path
    )
