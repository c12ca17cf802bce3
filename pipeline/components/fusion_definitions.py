"""The candidates `biotab_fusion` merges (`Candidate`, found by overlap through `Overlaps`) and
its bracketed definitions of short forms scispacy's detector misses (`bracketed_definitions`,
with Schwartz & Hearst's letter test `defines`, and `head_defines` for long forms that hold a
function word). Pure functions over a Doc's tokens and candidates; no state.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span


@dataclass
class Candidate:
    start: int
    end: int
    label: str
    source: str
    concept_id: str | None
    score: float
    is_abbreviation: bool = False
    long_form: str | None = None

    def overlaps(self, other: Candidate) -> bool:
        return self.start < other.end and other.start < self.end


class Overlaps:
    """The candidates (index, candidate) of a list that overlap a span, in the list's order,
    found by start through bisect (no candidate is longer than the longest)."""

    def __init__(self, cands: list[Candidate]) -> None:
        self.cands = cands
        self.order = sorted(range(len(cands)), key=lambda i: cands[i].start)
        self.starts = [cands[i].start for i in self.order]
        self.longest = max((c.end - c.start for c in cands), default=0)

    def __call__(self, span: Candidate) -> list[tuple[int, Candidate]]:
        lo = bisect.bisect_right(self.starts, span.start - self.longest)
        hi = bisect.bisect_left(self.starts, span.end)
        found = sorted(i for i in self.order[lo:hi] if self.cands[i].overlaps(span))
        return [(i, self.cands[i]) for i in found]


_BRACKETS = {"(": ")", "[": "]"}


def looks_like_short_form(text: str) -> bool:
    """One word of 1-10 characters, starting with a letter, with an upper-case letter."""
    return (
        0 < len(text) <= 10
        and text[0].isalpha()
        and any(ch.isupper() for ch in text)
        and all(ch.isalnum() or ch == "-" for ch in text)
    )


def defines(long_form: str, short_form: str) -> bool:
    """Schwartz & Hearst's test: the short form's letters and digits appear in the long form in
    order, read from the end, and its first one starts a word of the long form."""
    short = [ch for ch in short_form.lower() if ch.isalnum()]
    long = long_form.lower()
    i = len(long) - 1
    for n in range(len(short) - 1, -1, -1):
        while i >= 0 and (
            long[i] != short[n] or (n == 0 and i > 0 and long[i - 1].isalnum())
        ):
            i -= 1
        if i < 0:
            return False
        i -= 1
    return True


def head_defines(
    long_form: Span, head: Candidate, shorts: list[Span], function_words: frozenset[str]
) -> bool:
    """Whether the short form names the kind of thing the long form's head mention is.

    "levodopa-induced dyskinesias (LID)" is a kind of dyskinesia; "Expanded Clinical
    Evaluation of Lovastatin (EXCEL)" is not a drug: a long form with a function word before
    its head counts only if the short form starts like the head ("... undergoing cyclosporine
    (CsA)"). `function_words`: the lower-case words that count.
    """
    before = {t.lower_ for t in long_form.doc[long_form.start : head.start]}
    if not before & function_words:
        return True
    first = long_form.doc[head.start].text[:1].lower()
    return all(s.text[:1].lower() == first for s in shorts)


def bracketed_definitions(
    doc: Doc, cands: list[Candidate], known: set[str]
) -> dict[tuple[int, int], list[Span]]:
    """Mention + "(" or "[" + short form + ")" or "]": {(long start, long end): occurrences}.

    Only short forms not in `known` (scispacy's), to which the ones found are added: the first
    definition of a short form counts. The occurrences are every token of the document with
    the short form's exact text.
    """
    found: dict[tuple[int, int], list[Span]] = {}
    positions: dict[str, list[int]] | None = None
    for c in cands:
        if c.is_abbreviation or c.end + 2 >= len(doc):
            continue
        opener, short, closer = doc[c.end], doc[c.end + 1], doc[c.end + 2]
        if _BRACKETS.get(opener.text) != closer.text or short.text in known:
            continue
        if not looks_like_short_form(short.text):
            continue
        # stricter than Schwartz & Hearst: the mention is the long form, so the short form
        # starts with its first letter ("gamma-aminobutyric acid (A)" is no definition)
        long_text = doc[c.start : c.end].text
        if long_text[0].lower() != short.text[0].lower() or not defines(long_text, short.text):
            continue
        if positions is None:
            positions = {}
            for token in doc:
                positions.setdefault(token.text, []).append(token.i)
        found[(c.start, c.end)] = [doc[i : i + 1] for i in positions[short.text]]
        known.add(short.text)
    return found
