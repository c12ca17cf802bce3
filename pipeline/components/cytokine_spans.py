"""Spans and tokens for `biotab_cytokines`: merging found names with the doc's mentions.

`merge_found` decides which found cytokine spans replace which mentions ("anti-TNF" gives way
to "TNF", "IL-1" to "IL-1 beta"); `split_tokens_for` splits tokens so that every added mention
starts and ends on a token boundary, in a new Doc with the `doc.spans` groups and scispacy's
abbreviations re-created on the new tokens; `overlap_test` and `non_overlapping` are interval
helpers. The given Doc's tokens are never changed; the new Doc shares its user data (where the
re-created abbreviations are written).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc, Span, Token

from pipeline.components.cytokine_grammar import Found
from pipeline.components.token_splits import split_tokens
from pipeline.labels import CYTOKINE

_ANTI_PREFIX = re.compile(r"^(?i:anti)[-\u2010\s]?")


def merge_found(
    keep: list[Span], additions: list[Found], lookup: Callable[[str], Any]
) -> tuple[list[Span], list[Found]]:
    """Add a found span where nothing is, or where it covers shorter mentions entirely.

    "anti-TNF" tagged as one mention gives way to "TNF", and so does a CYTOKINE mention that
    is no cytokine name as a whole ("IFN-gamma-induced" -> "IFN-gamma"; `lookup` gives None
    for a text that is no cytokine name). A found span partly overlapping a longer mention
    ("TNF" in "TNF receptor-associated periodic syndrome") is dropped. Returns the mentions
    kept and the found spans accepted.
    """
    accepted: list[Found] = []
    # `keep` holds doc.ents (sorted, never overlapping): the mentions a found span overlaps
    # are found by bisection, not by a scan of all mentions per found span (quadratic)
    starts = [e.start_char for e in keep]
    ends = [e.end_char for e in keep]
    removed: set[int] = set()
    for f in additions:
        lo, hi = bisect.bisect_right(ends, f.start_char), bisect.bisect_left(starts, f.end_char)
        indices = [i for i in range(lo, hi) if i not in removed]
        overlapping = [keep[i] for i in indices]
        if not overlapping:
            accepted.append(f)
            continue
        if _replaces(f, overlapping, lookup):
            removed.update(indices)
            accepted.append(f)
    return [e for i, e in enumerate(keep) if i not in removed], accepted


def _replaces(f: Found, overlapping: list[Span], lookup: Callable[[str], Any]) -> bool:
    """The found span `f` takes the place of the mentions it overlaps."""
    covers = all(f.start_char <= e.start_char and e.end_char <= f.end_char for e in overlapping)
    longer = covers and (f.end_char - f.start_char) > max(
        e.end_char - e.start_char for e in overlapping
    )
    anti = [
        e for e in overlapping
        if _ANTI_PREFIX.match(e.text)
        and e.end_char == f.end_char
        and e.start_char < f.start_char
    ]  # fmt: skip
    # a CYTOKINE span that is no cytokine name as a whole ("IFN-gamma-induced")
    stale = [e for e in overlapping if e.label_ == CYTOKINE and lookup(e.text) is None]
    within = all(e.start_char <= f.start_char and f.end_char <= e.end_char for e in overlapping)
    return (
        longer
        or (bool(anti) and len(anti) == len(overlapping))
        or (within and len(stale) == len(overlapping))
    )


def split_tokens_for(doc: Doc, additions: list[Found]) -> Doc | None:
    """Split tokens so that every added mention starts and ends on a token boundary.

    Returns the retokenized Doc (a new one, `token_splits.split_tokens`: spaCy's retokenizer
    took time in the square of the Doc's length for many splits), or None when no token needs
    a split."""
    cuts: dict[int, set[int]] = {}
    starts = [t.idx for t in doc]  # once per doc: a scan per character was quadratic
    for f in additions:
        for char in (f.start_char, f.end_char):
            token = _token_containing(doc, starts, char)
            if token is not None and token.idx < char < token.idx + len(token.text):
                cuts.setdefault(token.i, set()).add(char - token.idx)
    pieces = {i: _pieces(doc[i].text, sorted(offsets)) for i, offsets in cuts.items()}
    pieces = {i: p for i, p in pieces.items() if len(p) > 1}
    if not pieces:
        return None
    groups = _snapshot_span_groups(doc)
    abbreviations = _snapshot_abbreviations(doc)
    new = split_tokens(doc, pieces)
    _restore_span_groups(new, groups)
    _restore_abbreviations(new, abbreviations)
    return new


def overlap_test(zones: list[tuple[int, int]]) -> Callable[[Span], bool]:
    """A test whether a span overlaps any of `zones` (character ranges, which may overlap each
    other): zones sorted once, then per span the furthest end among the zones that start before
    the span ends (a scan of all zones per mention was quadratic)."""
    ordered = sorted(zones)
    starts = [s for s, _ in ordered]
    reach = list(itertools.accumulate((e for _, e in ordered), max))

    def overlaps(span: Span) -> bool:
        k = bisect.bisect_left(starts, span.end_char)
        return k > 0 and reach[k - 1] > span.start_char

    return overlaps


def non_overlapping(spans: list[Span]) -> list[Span]:
    """`spans` in order, without those that overlap one kept before (at one start, the
    longest is kept)."""
    out: list[Span] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= last_end:
            out.append(span)
            last_end = span.end
    return out


def _token_containing(doc: Doc, starts: list[int], char: int) -> Token | None:
    """The token whose text holds `char`; `starts` are the tokens' character offsets."""
    i = bisect.bisect_right(starts, char) - 1
    if i >= 0 and char < starts[i] + len(doc[i].text):
        return doc[i]
    return None


def _pieces(text: str, offsets: list[int]) -> list[str]:
    """Cut `text` at `offsets`; a hyphen or slash left at a cut becomes its own piece."""
    bounds = [0, *offsets, len(text)]
    raw = [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    pieces: list[str] = []
    for piece in raw:
        m = re.fullmatch(r"([-\u2010/]?)(.*?)([-\u2010/]?)", piece, flags=re.DOTALL)
        assert m is not None
        pieces.extend(p for p in m.groups() if p)
    return pieces


SpanRecord = tuple[int, int, str, str, str]


def _snapshot_span_groups(doc: Doc) -> dict[str, list[SpanRecord]]:
    return {
        key: [(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_) for s in group]
        for key, group in doc.spans.items()
    }


def _restore_span_groups(doc: Doc, groups: dict[str, list[SpanRecord]]) -> None:
    for key, records in groups.items():
        spans = []
        for start, end, label, kb_id, span_id in records:
            span = doc.char_span(start, end, label=label, kb_id=kb_id, span_id=span_id)
            if span is not None:
                spans.append(span)
        doc.spans[key] = spans


def _snapshot_abbreviations(doc: Doc) -> list[tuple[int, int, int, int]] | None:
    if not Doc.has_extension("abbreviations") or not doc._.abbreviations:
        return None
    out = []
    for short in doc._.abbreviations:
        long_form = short._.long_form
        if long_form is not None:
            out.append((short.start_char, short.end_char, long_form.start_char, long_form.end_char))
    return out


def _restore_abbreviations(doc: Doc, records: list[tuple[int, int, int, int]] | None) -> None:
    if records is None:
        return
    restored = []
    for s, e, ls, le in records:
        short, long_form = doc.char_span(s, e), doc.char_span(ls, le)
        if short is not None and long_form is not None:
            short._.long_form = long_form
            restored.append(short)
    doc._.abbreviations = restored
