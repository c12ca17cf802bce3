"""Faults in input, session 37's review of the bad-input round (`test_faults_ingest_bounds`):
inputs its fixes did not cover. Every case writes small real-format files or strings."""

from __future__ import annotations

import random
import time
import unicodedata

from pipeline.documents import LONG_MARK_RUN, nfc, normalize_text
from pipeline.ingest.nfc import NfcOffsets

# marks of many classes, marks that decompose (U+0344, U+0340, U+0343), the three class-0
# Tibetan vowel signs that decompose to two marks of different classes (U+0F73, U+0F75,
# U+0F81), vowel signs that compose as second characters (U+0CD5, U+0DCF, U+0B3E)
MARKS = ["\u0301", "\u0316", "\u0327", "\u0334", "\u0345", "\u05b0", "\u05bc", "\u0f71",
         "\u0f72", "\u0f74", "\u0f80", "\u0344", "\u0343", "\u0340", "\u1dce", "\U0001d165",
         "\U0001d16e", "\u0308", "\u0300", "\u0323", "\u031b", "\u093c", "\u3099", "\u309a",
         "\u0f73", "\u0f75", "\u0f81", "\u0cd5", "\u0cd6", "\u0dcf", "\u0dca", "\u0b3e", "\u0b57"]
# starters that compose with them, Hangul jamo and syllables, singletons (U+212B, U+2126,
# U+0374, U+037E, U+0387), composition exclusions (U+0958, U+FB1D, U+2ADC)
BASES = ["a", "e", "\u00e9", "o", " ", "u", "\u01b0", "\u1100", "\u1161", "\u11a8", "\uac00",
         "\uac01", "\U0001d15e", "\u212b", "\u2126", "\u0374", "\u037e", "\u0387", "\u0958",
         "\ufb1d", "\u2adc", "\u0cbf", "\u0cc6", "\u0dd9", "\u0b47", "\u304b", "\u30cf",
         "\u0915", "\u1e69", "\u0f40", "\u05d0", "\u00c5", "A", "\n"]


def _text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        parts.append(rng.choice(BASES))
        pool = rng.sample(MARKS, rng.randint(1, 6))
        n = rng.choice([0, 1, 2, 5, LONG_MARK_RUN - 1, LONG_MARK_RUN, LONG_MARK_RUN + 1, 63,
                        64, 65, 130])
        parts.append("".join(rng.choice(pool) for _ in range(n)))
        if rng.random() < 0.3:
            parts.append("x" * rng.randint(1, 70))  # (runs straddle NfcOffsets' cuts)
    return "".join(parts)


def test_nfc_and_offsets_equal_unicodedata_on_random_texts() -> None:
    """nfc() is unicodedata's NFC, and NfcOffsets the length of the normalized prefix, on
    random runs of marks of few classes each (so runs are often out of order), long and
    short, after starters that compose, decompose or are excluded from composition."""
    rng = random.Random(3707)
    for _ in range(1500):
        text = _text(rng)
        assert nfc(text) == unicodedata.normalize("NFC", text), ascii(text)
        offsets = NfcOffsets(text, step=rng.choice([1, 2, 8, 64]))
        for k in rng.sample(range(len(text) + 1), min(len(text) + 1, 6)):
            assert offsets(k) == len(normalize_text(text[:k])), (k, ascii(text))


def test_a_long_run_of_tibetan_vowel_signs_is_normalized_in_linear_time() -> None:
    """U+0F73 is of class 0 but decomposes to U+0F71 U+0F72 (classes 129 and 130): 60,000 of
    them are a run of 120,000 marks out of canonical order that the sort of runs of class > 0
    did not see (about 10 s in unicodedata's insertion sort; a 32 MiB record, days)."""
    for sign in ("\u0f73", "\u0f75", "\u0f81"):
        text = "Fever fell in a" + sign * 60_000 + " of 20 patients."
        start = time.process_time()
        out = nfc(text)
        assert time.process_time() - start < 1.5, ascii(sign)
        first, second = unicodedata.normalize("NFD", sign)  # (classes 129 < 130, 132, 130)
        assert out == "Fever fell in a" + first * 60_000 + second * 60_000 + " of 20 patients."
