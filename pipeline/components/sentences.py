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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pysbd
from pysbd.utils import TextSpan
from scispacy.consts import ABBREVIATIONS
from spacy.language import Language
from spacy.tokens import Doc

_WHITESPACE = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                        "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\x1c\x1d\x1e\x1f\x85")


class _Segmenter(pysbd.Segmenter):
    """pysbd's Segmenter with span recovery by `str.find` instead of a regex per sentence."""

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

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.segmenter = _Segmenter(language="en", clean=False, char_span=True)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the sentences, trailing spaces excluded."""
        out = []
        for span in self.segmenter.segment(text):
            trailing = len(span.sent) - len(span.sent.rstrip(" "))
            out.append((span.start, span.end - trailing))
        return out

    def __call__(self, doc: Doc) -> Doc:
        starts = set()
        for start, end in self.spans(doc.text):
            char_span = doc.char_span(start, end)
            if char_span is not None:
                starts.add(char_span[0].idx)
        for token in doc:
            prev = doc[token.i - 1] if token.i else None
            if token.idx in starts:
                token.is_sent_start = not (
                    prev is not None
                    and (
                        prev.text in ABBREVIATIONS
                        or (prev.i == 0 and all(c == "\n" for c in prev.text))
                    )
                )
            else:
                token.is_sent_start = prev is not None and prev.i != 0 and (
                    prev.text.count("\n") >= 2
                )
        return doc

    # No settings or data: the rules are pysbd's and scispacy's.
    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> SentenceSplitter:
        return self


@Language.factory("biotab_sentences")
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
