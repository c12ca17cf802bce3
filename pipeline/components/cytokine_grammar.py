"""The cytokine grammar: regular expressions that propose cytokine spans in a text.

Structural patterns (IL-n, interleukin-n, TNF-α, IFN-γ, GM-CSF, CCLn, ...) and a pattern for
every spelling of the table (`_flex`: optional separators, Greek letters written either way)
propose candidate spans; `CytokineGrammar.find` keeps those whose `cytokine_key` is in the table,
longest first, without overlaps. Reads only the table entries given; used by `biotab_cytokines`
(pipeline/components/cytokines.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.components.cytokine_table import KEY_PREFIXES, CytokineEntry, cytokine_key
from pipeline.kb.normalize import GREEK_LETTERS

_L = r"(?<![A-Za-z0-9])"
_R = r"(?![A-Za-z0-9])"
_SEP = r"[-\u2010\u2011\u2013]?"
_SEPS = r"(?:[-\u2010\u2011\u2013]|\s)?"


def _letters_by_name() -> dict[str, str]:
    """Each Greek letter's name -> its letters ("beta" -> "β", "sigma" -> "σς")."""
    by_name: dict[str, str] = {}
    for letter, name in GREEK_LETTERS.items():
        by_name[name] = by_name.get(name, "") + letter
    return by_name


_GREEK_BY_NAME = _letters_by_name()
# a Greek letter, spelled out (longest names first) or written
_GREEK = (
    "(?:"
    + "|".join(sorted(_GREEK_BY_NAME, key=lambda name: (-len(name), name)))
    + f"|[{''.join(GREEK_LETTERS)}])"
)
_PFX = rf"(?:(?i:recombinant\s+(?:human\s+)?)|{'|'.join(KEY_PREFIXES)})?"

# Each pattern with the lower-case strings one of which every match of it contains: a text that
# holds none of them is not searched. Case-insensitive parts match ASCII letters and only the
# characters of _FOLDS_TO_ASCII besides; texts with one of those are always searched.
_STRUCTURAL: list[tuple[str, tuple[str, ...]]] = [
    (
        # IL-2, IL2, IL-1β, IL-1 beta, IL-17A, IL-12 p40, IL-1F10, interleukin (IL)-10, rIL-2
        _L
        + _PFX
        + r"(?:IL|(?i:interleukin))(?:\s?\(IL\))?"
        + _SEPS
        + r"\d{1,2}"
        + r"(?:"
        + _SEPS
        + _GREEK
        + r"|"
        + _SEP
        + r"(?:[A-G]|F\d{1,2})|[abg]|"
        + _SEP
        + r"Ra)?"
        + r"(?:\s?p\d{2})?"
        + _R,
        ("il", "interleukin"),
    ),
    (
        # interleukin(s) with no number
        _L + r"(?i:interleukins?|ILs)" + r"(?!\s?(?:\(IL\))?\s?[-\u2010\u2011\u2013]?\s?\d)" + _R,
        ("interleukin", "ils"),
    ),
    (
        # IFN, IFNs, IFN-γ, IFN-alpha2, interferon beta-1a, peginterferon alfa-2a, PEG-IFN-α2b,
        # IFNG
        _L
        + _PFX
        + r"(?:(?i:peg)[-\u2010]?)?(?:IFN|(?i:interferon|peginterferon|pegylated\s+interferon))"
        + r"(?:s|\s?\(IFN\))?"
        + r"(?:"
        + _SEPS
        + r"(?:"
        + _GREEK
        + r"|(?i:alfa))|[abglwekABGLWEK])?"
        + r"(?:"
        + _SEPS
        + r"n?\d{1,2}[a-c]?)?"
        + _R,
        ("ifn", "interferon"),
    ),
    (
        _L + r"(?i:type\s+(?:I{1,3}|[123])\s+(?:interferons?|IFNs?))" + _R,
        ("interferon", "ifn"),
    ),
    (
        # TNF, TNF-α, TNFα, TNF alpha, tumour necrosis factor (TNF)-alpha, anti-TNF (the TNF part)
        _L
        + _PFX
        + r"(?:TNF|(?i:tumou?r\s+necrosis\s+factors?))"
        + r"(?:\s?\(TNF\)(?=\s?[-\u2010]?\s?(?:alpha|beta|α|β)))?"
        + r"(?:"
        + _SEPS
        + r"(?:alpha|beta|α|β)|"
        + _SEP
        + r"a)?"
        + _R,
        ("tnf", "necrosis"),
    ),
    (
        # TGF-β, TGF-beta1, transforming growth factor beta
        _L
        + r"(?:TGF|(?i:transforming\s+growth\s+factor))"
        + _SEPS
        + r"(?:beta|β|b)"
        + r"(?:"
        + _SEPS
        + r"[123])?"
        + _R,
        ("tgf", "transforming"),
    ),
    # GM-CSF, G-CSF, M-CSF, rhGM-CSF
    (_L + _PFX + r"(?:GM|G|M)[-\u2010]?CSF" + _R, ("csf",)),
    # chemokine ligands
    (_L + r"(?:CCL|CXCL|XCL|CX3CL)\d{1,2}" + _R, ("cl",)),
]
# The non-ASCII characters Python's case-insensitive matching takes for ASCII letters
# (İ and ı for i, ſ for s, the Kelvin sign for k).
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


def _flex(spelling: str) -> str:
    """A regex for a table spelling: optional separators, Greek letters written either way."""
    chunks = re.findall(r"[A-Za-z]+|\d+|[()]", spelling)
    parts: list[str] = []
    for chunk in chunks:
        low = chunk.lower()
        name = "alpha" if low == "alfa" else low
        letters = _GREEK_BY_NAME.get(name)
        if letters is not None:
            parts.append(f"(?:{'|'.join([chunk, *letters])})")
        elif low == "tumor":
            parts.append("tumou?r")
        else:
            parts.append(re.escape(chunk))
    body = r"(?:[-\u2010\u2011\u2013/]|\s)?".join(parts)
    letters = re.sub(r"[^A-Za-z]", "", spelling)
    # Short all-capital spellings (RANTES, APRIL, LIF, GM-CSF) match as written.
    case_sensitive = letters.isupper() and len(letters) <= 6
    return _L + (body if case_sensitive else f"(?i:{body})") + _R


# Right context that makes a cytokine name part of a receptor: "IL-2 receptor", "IL-2R alpha",

_WORD_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9])(?:[-\u2010\s]?([A-Za-z0-9]))?")


@dataclass
class Found:
    """A grammar candidate resolved to a table entry."""

    start_char: int
    end_char: int
    entry: CytokineEntry


class CytokineGrammar:
    """The grammar of a table: `by_key` (the first entry for a key wins) and `find`."""

    def __init__(self, entries: list[CytokineEntry]) -> None:
        self.by_key: dict[str, CytokineEntry] = {}
        for entry in entries:
            self.by_key.setdefault(cytokine_key(entry.spelling), entry)
        # Table spellings, grouped by their first two letters/digits (lower case): a word start
        # is tried only against the spellings that can begin there, longest first.
        groups: dict[str, list[str]] = {}
        for spelling in sorted({e.spelling for e in entries}, key=len, reverse=True):
            head = re.sub(r"[^a-z0-9]", "", spelling.lower())[:2]
            groups.setdefault(head, []).append(_flex(spelling))
        self._patterns = [(re.compile(p), anchors) for p, anchors in _STRUCTURAL]
        # A group's regex is compiled when a word first starts with its head: compiling all
        # of them cost every start-up 0.1 s, and a corpus meets only some heads.
        self._name_sources = {head: "|".join(alts) for head, alts in groups.items()}
        self._names: dict[str, re.Pattern[str]] = {}

    def _names_at(self, head: str) -> re.Pattern[str] | None:
        """The compiled spellings of the group `head`, None when no spelling starts so."""
        names = self._names.get(head)
        if names is None:
            source = self._name_sources.get(head)
            if source is None:
                return None
            names = self._names[head] = re.compile(source)
        return names

    def find(self, text: str, offset: int = 0) -> list[Found]:
        """Cytokine spans in `text` (longest first, no overlaps), excluded ones included;
        offsets shifted by `offset`."""
        cands: dict[tuple[int, int], CytokineEntry] = {}
        for start, end in self._candidates(text):
            if end > start:
                entry = self.by_key.get(cytokine_key(text[start:end]))
                if entry is not None:
                    cands[(start, end)] = entry
        ordered = sorted(cands.items(), key=lambda kv: (-(kv[0][1] - kv[0][0]), kv[0][0]))
        taken: list[tuple[int, int]] = []
        found: list[Found] = []
        for (s, e), entry in ordered:
            if all(e <= ts or s >= te for ts, te in taken):
                taken.append((s, e))
                found.append(Found(s + offset, e + offset, entry))
        return sorted(found, key=lambda f: f.start_char)

    def _candidates(self, text: str) -> set[tuple[int, int]]:
        """The spans the structural patterns and the table spellings match in `text`."""
        spans: set[tuple[int, int]] = set()
        lowered = None if any(c in text for c in _FOLDS_TO_ASCII) else text.lower()
        for pattern, anchors in self._patterns:
            if lowered is None or any(a in lowered for a in anchors):
                spans.update(m.span() for m in pattern.finditer(text))
        for word in _WORD_START.finditer(text):
            names = self._names_at((word.group(1) + (word.group(2) or "")).lower())
            if names is not None:
                m = names.match(text, word.start())
                if m is not None:
                    spans.add(m.span())
        return spans
