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

A piece between two cuts can be long: a run of marks, of Hangul vowels, of vowel signs has no
safe cut (1,000 mention offsets into a run of 50,000 marks normalized 25 million characters,
0.9-3 s). Inside a long piece the normalized length of raw[cut:k] is the length of its
canonical decomposition (additive, character by character: kept every `step` characters) less
the number of compositions NFC makes in it, a step function that one pass over the piece finds
(`_LongPiece`) and that changes at few places.
"""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_right
from functools import cache

from pipeline.documents import nfc

#: characters between two cuts (at least; a cut moves on to the next safe boundary)
STEP = 64
#: the longest canonical decomposition (U+1F82: U+03B1 U+0313 U+0300 U+0345). A starter takes
#: part in at most MAX_DECOMPOSITION - 1 compositions: each makes a character whose
#: decomposition is one character longer.
MAX_DECOMPOSITION = 4
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
    counts from the end, a k past the end is the end), after one O(n) pass over `raw` (`step`:
    characters between cuts, at least): in O(step) per call inside a piece of at most
    `long_piece` characters between two cuts, in O(step + log n) inside a longer one (a run of
    marks, Hangul vowels, vowel signs: no safe cut), whose `_LongPiece` is built on the first
    call into it."""

    def __init__(self, raw: str, step: int = STEP, long_piece: int = 4 * STEP) -> None:
        # normalize_text(raw[:k]) drops a leading BOM of raw[:k]: offsets count from after it
        self.skip = 1 if raw.startswith(_BOM) else 0
        self.raw = raw
        self.step = step
        self.long_piece = long_piece
        self.cuts = array("q", [self.skip])  # raw positions of the cuts
        self.lengths = array("q", [0])  # normalized length of raw[skip:cut]
        self._long: dict[int, _LongPiece] = {}  # by piece number
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
        end = self.cuts[j + 1] if j + 1 < len(self.cuts) else n
        if end - cut <= self.long_piece:
            return self.lengths[j] + len(nfc(self.raw[cut:k]))
        piece = self._long.get(j)
        if piece is None:
            piece = self._long[j] = _LongPiece(self.raw, cut, end, self.step)
        return self.lengths[j] + piece.length(self.raw, k)


class _LongPiece:
    """`len(nfc(raw[cut:k]))` for k in cut..end, a piece of `raw` with no safe cut inside:
    len(NFD(raw[cut:k])) (kept every `step` characters; NFD's length is additive) less the
    compositions NFC makes in raw[cut:k] (kept where their number changes)."""

    def __init__(self, raw: str, cut: int, end: int, step: int) -> None:
        self.cut, self.step = cut, step
        self.decomposed = array("q", [0])  # len(NFD(raw[cut:cut + i * step])) at i
        self.at = array("q", [0])  # k - cut where the number of compositions changes ...
        self.composed = array("q", [0])  # ... and the number from there on
        # The pass keeps NFD(raw[cut:k]) in segments: a starter that composed with nothing
        # before it and all that follows it. Segments before the last are done (later text
        # cannot reach them: their starter blocks it); the last is `held`, less its inert
        # marks: a mark with MAX_DECOMPOSITION marks of its class before it since the last
        # starter. One of those is left uncomposed and blocks it, and it blocks only later
        # marks of its class, inert too: it stays one character of the output, and `held`
        # stays short (<= ~4 x 56 classes x MAX_DECOMPOSITION).
        held: list[str] = []
        held_len = 0  # len(nfc("".join(held)))
        stale = False  # held_len is not yet that of `held`
        done = inert = decomposed = 0  # (normalized lengths of done segments, inert marks)
        seen: dict[int, int] = {}  # marks of each class since the last starter
        for i in range(cut, end):
            for ch in unicodedata.normalize("NFD", raw[i]):
                decomposed += 1
                cls = unicodedata.combining(ch)
                if cls:
                    before = seen.get(cls, 0)
                    seen[cls] = before + 1
                    if before >= MAX_DECOMPOSITION:
                        inert += 1
                        continue
                else:
                    seen.clear()
                    if held:
                        if stale:
                            held_len, stale = len(nfc("".join(held))), False
                        if len(nfc("".join(held) + ch)) > held_len:  # composes with nothing
                            done += held_len
                            held = []
                held.append(ch)
                stale = True
            if stale:
                held_len, stale = len(nfc("".join(held))), False
            composed = decomposed - done - inert - held_len
            if composed != self.composed[-1]:
                self.at.append(i + 1 - cut)
                self.composed.append(composed)
            if (i + 1 - cut) % step == 0:
                self.decomposed.append(decomposed)

    def length(self, raw: str, k: int) -> int:
        """`len(nfc(raw[cut:k]))`, cut <= k <= end."""
        i = k - self.cut
        b = i // self.step
        tail = unicodedata.normalize("NFD", raw[self.cut + b * self.step:k])
        return (self.decomposed[b] + len(tail)
                - self.composed[bisect_right(self.at, i) - 1])
