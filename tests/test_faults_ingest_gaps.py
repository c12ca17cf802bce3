"""Faults in input, session 38: the gaps session 37's review left (NFC offsets inside long
runs of marks, BioC JSON locations without an offset, gzip files cut in their trailer, output
folders sharing a table folder, JSON arrays of several elements a line). Every case writes
small real-format files or strings."""

from __future__ import annotations

import random
import unicodedata

import pytest

from pipeline.documents import normalize_text
from pipeline.ingest.nfc import MAX_DECOMPOSITION, NfcOffsets

# marks of many classes and marks that decompose (U+0344, U+0340, U+0343, the class-0 Tibetan
# vowel signs U+0F73, U+0F75 that decompose to two marks), starters that compose with them or
# with each other (Hangul jamo, the vowel signs U+0CC2, U+0CD5, U+0DCF, U+09BE, U+102E),
# singletons (U+212B, U+2126, U+0340), composition exclusions (U+0958), a BOM
MARKS = ["\u0301", "\u0316", "\u0327", "\u0345", "\u05b0", "\u0f71", "\u0f72", "\u0344",
         "\u0343", "\u0340", "\u0308", "\u0300", "\u0313", "\u0323", "\u031b", "\u093c",
         "\u3099", "\u0f73", "\u0f75", "\U0001d165", "\U0001d16e"]
STARTERS = ["a", "e", "o", "\u03b1", "\u1f00", "\u1100", "\u1161", "\u11a8", "\uac00",
            "\u0cc6", "\u0cc2", "\u0cd5", "\u0cca", "\u0dd9", "\u0dcf", "\u0dca", "\u09c7",
            "\u09be", "\u1025", "\u102e", "\u212b", "\u2126", "\u0958", "\u304b", "\U0001d158",
            " ", "x"]


def _run_text(rng: random.Random) -> str:
    """Starters, each followed by a run of 0 to 300 characters from a small pool of marks
    and starters that cut nowhere (Hangul vowels, vowel signs), often a BOM first."""
    parts = ["\ufeff"] if rng.random() < 0.2 else []
    for _ in range(rng.randint(1, 4)):
        parts.append(rng.choice(STARTERS))
        pool = rng.sample(MARKS + STARTERS[5:14], rng.randint(1, 5))
        parts.append("".join(rng.choice(pool) for _ in range(rng.choice([0, 3, 40, 300]))))
    return "".join(parts)


def test_nfc_offsets_inside_long_pieces_equal_the_definition() -> None:
    """Offsets inside a piece with no safe cut (a long run of marks, Hangul vowels, vowel
    signs) are read from one pass over the piece, not by normalizing up to each offset: the
    same lengths as the definition len(normalize_text(raw[:k])), for pieces of any length
    (long_piece=0: every piece takes that path), with cuts every 1 to 64 characters."""
    rng = random.Random(3801)
    for _ in range(700):
        raw = _run_text(rng)
        offsets = NfcOffsets(raw, step=rng.choice([1, 2, 7, 64]),
                             long_piece=rng.choice([0, 0, 3, 256]))
        ks = list(range(-2, len(raw) + 2)) if len(raw) < 60 else rng.sample(
            range(len(raw) + 1), 60)
        assert [offsets(k) for k in ks] == [len(normalize_text(raw[:k])) for k in ks], \
            ascii(raw)


def test_a_starter_takes_part_in_at_most_max_decomposition_minus_one_compositions() -> None:
    """The bound `_LongPiece` drops marks by: no canonical decomposition is longer."""
    assert max(len(unicodedata.normalize("NFD", chr(cp)))
               for cp in range(0x110000)) == MAX_DECOMPOSITION


@pytest.mark.parametrize("run", ["\u0301\u0316", "\u0301", "\u0f73", "\u1161", "\u0344\u0300"])
def test_offsets_into_one_long_run_normalize_a_bounded_amount(run: str,
                                                              monkeypatch: object) -> None:
    """1,000 mention offsets into one run of 50,000 marks (or Hangul vowels): each normalized
    the run up to it (25 million characters, 0.9 s); now the characters normalized are a
    small multiple of the text's, and each offset is the definition's."""
    raw = "Aspirin a" + run * (50_000 // len(run)) + " reduced fever."
    rng = random.Random(38)
    ks = [rng.randrange(len(raw) + 1) for _ in range(1000)]
    total = [0]
    real = unicodedata.normalize

    def counting(form: str, text: str) -> str:
        total[0] += len(text)
        return real(form, text)  # type: ignore[arg-type]

    monkeypatch.setattr(unicodedata, "normalize", counting)  # type: ignore[attr-defined]
    offsets = NfcOffsets(raw)
    got = [offsets(k) for k in ks]
    assert total[0] < 5 * len(raw) + 100 * len(ks), total[0]  # before: ~25,000,000
    monkeypatch.undo()  # type: ignore[attr-defined]
    assert got[:40] == [len(normalize_text(raw[:k])) for k in ks[:40]]
