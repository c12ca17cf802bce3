"""The records every reader yields: a document, or an error row saying what was lost (or a
Notice, an ErrorRecord subclass for what the input says about other records)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Document:
    """One input document. `text` is NFC-normalized; all offsets in every table index it."""

    doc_id: str
    text: str
    source: str  # input path as given / found
    format: str  # txt | jsonl | pubtator | bioc | pubmed
    title: str | None = None
    meta: dict[str, Any] | None = None
    location: str | None = None  # line / record number inside `source`, for error reporting


@dataclass(frozen=True)
class ErrorRecord:
    """A row of the `errors` table: what input was lost or damaged, where and why."""

    source: str
    stage: str  # ingest | split | tag | outcomes | write
    error: str  # short machine-readable kind, e.g. "not_utf8", "empty_file", "bad_json"
    message: str
    location: str | None = None
    doc_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice(ErrorRecord):
    """Not a document and not damage: something the input says about other records, for the
    run's manifest. Today one kind: error "deleted_citations", a MEDLINE/PubMed
    `<DeleteCitation>` list, with the PMIDs it deletes in `ids` (in file order).

    A Notice is an ErrorRecord subclass so that every consumer typed for
    `Document | ErrorRecord` keeps working; a runner should take Notices out of the stream
    (`isinstance(rec, Notice)`) and record `ids` in its manifest. One that does not writes them
    as an `errors` row, so they are never lost silently."""

    ids: tuple[str, ...] = ()


#: a line ending of a lone CR (classic Mac OS): not followed by the LF of a CRLF
LONE_CR = re.compile("\r(?!\n)")

#: Runs of at least this many combining characters (canonical combining class > 0, or a
#: character that decomposes to such characters only) are put in canonical order before
#: `unicodedata.normalize` sees them: its reordering is an insertion sort, quadratic in a run's
#: length (a 400 KB JSON line of 200,000 alternating marks took 29 s to read, a 32 MiB record
#: would take days). Real text has a few marks on a letter (UAX #15's stream-safe format
#: allows 30).
LONG_MARK_RUN = 32


@cache
def _mark_runs() -> tuple[re.Pattern[str], dict[int, str]]:
    """Runs of LONG_MARK_RUN or more characters whose decompositions hold no starter, and the
    decompositions of those of class 0 (U+0F73, U+0F75, U+0F81: two Tibetan vowel signs of
    different classes each, so "\u0f73" * 100,000 was a run of 200,000 marks to reorder that
    the class alone did not see). One pass over Unicode, ~0.1 s, once per process and only for
    a long text that is not ASCII."""
    ranges: list[list[int]] = []
    split: dict[int, str] = {}
    for cp in range(0x110000):
        ch = chr(cp)
        if not unicodedata.combining(ch):
            dec = unicodedata.decomposition(ch)
            if not dec or dec.startswith("<"):
                continue
            nfd = unicodedata.normalize("NFD", ch)
            if not all(unicodedata.combining(c) for c in nfd):
                continue  # (its decomposition starts with a starter, as nearly all do)
            split[cp] = nfd
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    chars = "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "")
                    for a, b in ranges)
    return re.compile(f"[{chars}]{{{LONG_MARK_RUN},}}"), split


def _canonical_order(run: re.Match[str]) -> str:
    marks = run.group()
    split = _mark_runs()[1]
    # (decomposed first: a class-0 character of the run stands for marks of other classes;
    # looked for first, as translate() costs a dict look-up a character)
    if any(chr(cp) in marks for cp in split):
        marks = marks.translate(split)
    return "".join(sorted(marks, key=unicodedata.combining))


def nfc(text: str) -> str:
    """`unicodedata.normalize("NFC", text)`, in time linear in the text: each long run of
    combining characters is first decomposed where a character of class 0 decomposes to marks
    and sorted stably by combining class, as NFC's canonical ordering would sort it (every
    character of class > 0 decomposes to characters of its own class, so the order NFC reaches
    is the same), and the reordering left to unicodedata is then a single pass."""
    # (a text already in NFC, nearly every one, is told in a quick pass; one with marks out of
    # canonical order in a quicker one: they stop it)
    if len(text) >= LONG_MARK_RUN and not unicodedata.is_normalized("NFC", text):
        text = _mark_runs()[0].sub(_canonical_order, text)
    return unicodedata.normalize("NFC", text)


def normalize_text(text: str) -> str:
    """NFC-normalize, drop a leading UTF-8 BOM and read a lone CR line ending (classic Mac OS)
    as "\n", the one the components cut lines at: one character for one, so an offset into
    the text as written (a PubTator mention's, a BioC annotation's; `nfc.NfcOffsets` maps NFC's
    changes) is the same offset into this one. A CRLF is kept. The stored text is what
    offsets index."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = LONE_CR.sub("\n", text)
    return nfc(text)


def place(source: str | None, location: str | None) -> str:
    """Where a record is, for a message: "corpus/a.jsonl, line 3", or the source alone."""
    return ", ".join(p for p in (source, location) if p) or "unknown input"
