"""`biotab_sentences`: sentence boundaries by pysbd, exactly as scispacy's `pysbd_sentencizer`.

Reads: tokens and the text. Writes: `Token.is_sent_start` for every token.

The rules are scispacy's (`scispacy.custom_sentence_segmenter.pysbd_sentencizer`): pysbd's
non-destructive segmentation, no sentence start after one of scispacy's abbreviations, newlines
glued to the following sentence, and a blank line always ending a sentence. What differs is
speed: pysbd finds each sentence back in the text with a regex built from that sentence
(`re.escape(sentence)`), so every document compiles one new pattern per sentence. Those
thousands of one-off patterns flush `re`'s 512-entry cache, and pysbd's own rule patterns then
recompile on every document. Here the spans are recovered with `str.find` (same matching
semantics), which keeps the rule patterns cached; `tests/test_sentences.py` checks that the
boundaries equal scispacy's component's.

Second, pysbd's abbreviation pass runs a case-insensitive `findall` over the text for every
abbreviation of its list that occurs anywhere in the text as a substring ("al", "no", "pp", "ca"
occur inside most words): about 70 whole-text regex scans per abstract, two thirds of pysbd's
time ("dec" of "decreased" matches too, and is then replaced nowhere). `_AbbreviationReplacer`
skips an abbreviation made only of letters and digits unless it occurs at a word start followed by
a period, which every replacement requires; on ASCII text this test is exact, and other text
takes pysbd's own path.

Third, bounded work on long text. pysbd's abbreviation pass rewrites the whole text once per
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
import pysbd
from pysbd.lang.english import English
from pysbd.utils import TextSpan
from scispacy.consts import ABBREVIATIONS
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc
from thinc.types import Ints2d

_WHITESPACE = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                        "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\x1c\x1d\x1e\x1f\x85")


# ASCII characters that `\s` matches in a str pattern, mapped to a space.
_ASCII_SPACE = str.maketrans({c: " " for c in map(chr, range(128)) if re.match(r"\s", c)})
_PLAIN = re.compile(r"[a-z0-9]+")
_NEWLINE = re.compile("\n")
_ABBREVIATIONS = frozenset(ABBREVIATIONS)

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


class _AbbreviationReplacer(English.AbbreviationReplacer):
    """pysbd's English abbreviation pass, with a word-start pre-check (module docstring)."""

    def search_for_abbreviations_in_string(self, text: str) -> str:
        if not text.isascii():
            return str(super().search_for_abbreviations_in_string(text))
        lowered = text.lower()
        word_starts = " " + lowered.translate(_ASCII_SPACE)
        for abbr in self.lang.Abbreviation.ABBREVIATIONS:
            stripped = abbr.strip()
            if stripped not in lowered:
                continue
            # Every replacement pysbd makes for a match needs "<space>abbr." (its look-behind
            # patterns), and replacements only turn "." into "∯": without that string in the
            # original text the matches change nothing.
            if _PLAIN.fullmatch(stripped) and (" " + stripped + ".") not in word_starts:
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


class _English(English):
    AbbreviationReplacer = _AbbreviationReplacer


class _Segmenter(pysbd.Segmenter):
    """pysbd's Segmenter with span recovery by `str.find` instead of a regex per sentence."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.language_module = _English

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


class SentenceSplitter:
    """Sets sentence starts from pysbd's segmentation (see the module docstring)."""

    def __init__(
        self, nlp: Language, name: str, *, max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS
    ) -> None:
        if max_sentence_chars < 1:
            raise ValueError(
                f"max_sentence_chars: expected a positive int, got {max_sentence_chars}"
            )
        self.name = name
        self.max_sentence_chars = max_sentence_chars
        self.segmenter = _Segmenter(language="en", clean=False, char_span=True)

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
        text = doc.text
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
        # pysbd's starts hold unless glued to an abbreviation or to the document's first newlines
        for i in starts:
            if i == 0:
                flags[i] = 1
                continue
            prev = doc[i - 1].text
            glued = prev in _ABBREVIATIONS or (i == 1 and all(c == "\n" for c in prev))
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

    # No data: the rules are pysbd's and scispacy's; the cap is in the pipeline's config.
    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> SentenceSplitter:
        return self


@Language.factory(
    "biotab_sentences", default_config={"max_sentence_chars": DEFAULT_MAX_SENTENCE_CHARS}
)
def make_sentences(nlp: Language, name: str, *, max_sentence_chars: int) -> SentenceSplitter:
    return SentenceSplitter(nlp, name, max_sentence_chars=max_sentence_chars)
