"""Offsets into a text mapped to offsets into its normalized form (`normalize_text`: NFC,
leading BOM dropped), for annotations given against the raw text (PubTator mentions, BioC
annotations).

The offset of raw position k is `len(normalize_text(raw[:k]))`. Computing that for each
annotation re-normalizes the text up to it: quadratic in a record's length (a 1.1 MB PubTator
record with 20,000 mentions and one combining mark took 50 s). `NfcOffsets` normalizes the text
once, in pieces cut at safe boundaries, and keeps the normalized length at a cut every ~64
characters; an offset is then the length at the cut before it plus the normalized length of at
most one piece.

A cut before character c is safe (NFC(a + b) == NFC(a) + NFC(b) for any a when b starts with c)
when c is a starter (canonical combining class 0) that no canonical composition takes as its
second character (Hangul vowel and final jamo, vowel signs such as U+0CC2, U+0DCF) and whose
decomposition starts with a starter (U+0F73 decomposes to two non-starters): nothing after the
cut can then reorder or compose with anything before it.
"""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_right
from functools import cache

from pipeline.documents import nfc

#: characters between two cuts (at least; a cut moves on to the next safe boundary)
STEP = 64
_BOM = "\ufeff"
# Hangul: a leading consonant + vowel jamo (L+V), and an LV syllable + trailing jamo (LV+T),
# compose algorithmically; unicodedata.decomposition() does not list them
_HANGUL_V = range(0x1161, 0x1176)
_HANGUL_T = range(0x11A8, 0x11C3)


@cache
def _unsafe_starters() -> frozenset[str]:
    """Starters that a cut must not precede: second characters of canonical compositions,
    and characters whose decomposition starts with a non-starter (one pass over Unicode,
    ~0.2 s, once per process and only when some text changed under NFC)."""
    unsafe = {chr(c) for c in (*_HANGUL_V, *_HANGUL_T)}
    for cp in range(0x110000):
        ch = chr(cp)
        dec = unicodedata.decomposition(ch)
        if not dec or dec.startswith("<"):
            continue
        parts = dec.split()
        if len(parts) == 2:
            unsafe.add(chr(int(parts[1], 16)))
        if unicodedata.combining(unicodedata.normalize("NFD", ch)[0]):
            unsafe.add(ch)
    return frozenset(c for c in unsafe if unicodedata.combining(c) == 0)


def safe_cut_before(ch: str) -> bool:
    """Whether text may be normalized separately before and from `ch` on."""
    return unicodedata.combining(ch) == 0 and ch not in _unsafe_starters()


class NfcOffsets:
    """`len(normalize_text(raw[:k]))` for any int k (Python slice semantics: a negative k
    counts from the end, a k past the end is the end), in O(STEP) per call after one O(n)
    pass over `raw` (`step`: characters between cuts, at least)."""

    def __init__(self, raw: str, step: int = STEP) -> None:
        # normalize_text(raw[:k]) drops a leading BOM of raw[:k]: offsets count from after it
        self.skip = 1 if raw.startswith(_BOM) else 0
        self.raw = raw
        self.cuts = array("q", [self.skip])  # raw positions of the cuts
        self.lengths = array("q", [0])  # normalized length of raw[skip:cut]
        pos, total, n = self.skip, 0, len(raw)
        i = pos + step
        while i < n:
            while i < n and not safe_cut_before(raw[i]):
                i += 1
            if i >= n:
                break
            total += len(nfc(raw[pos:i]))
            self.cuts.append(i)
            self.lengths.append(total)
            pos = i
            i += step

    def __call__(self, k: int) -> int:
        n = len(self.raw)
        k = max(0, k + n) if k < 0 else min(k, n)
        if k <= self.skip:
            return 0
        j = bisect_right(self.cuts, k) - 1
        cut = self.cuts[j]
        return self.lengths[j] + len(nfc(self.raw[cut:k]))

