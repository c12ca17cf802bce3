"""The context of a cytokine name: receptors, transcription factors, therapies, languages.

Reads a Doc's text, tokens, sentences (`Span._.language`) and DRUG mentions; writes nothing.
`is_receptor` ("IL-2 receptor", "IL-2Rα", "IL-4 and IL-13 receptors"),
`is_transcription_factor_part` ("NF-IL6"), `therapy_context` ("interferon beta therapy",
"treated with IFN-alpha", "interferon beta and glatiramer acetate", "... are disease-modifying
therapies") and the sentence ranges English rules apply to. Used by `biotab_cytokines`
(pipeline/components/cytokines.py).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from pipeline.extensions import doc_text
from pipeline.labels import DRUG
from pipeline.paths import rule_file
from pipeline.rules import RuleError, check_word_table

# Right context that makes a cytokine name part of a receptor: "IL-2 receptor", "IL-2R alpha",
# "IL-2Rα", "TNF-R1", "(IL-4) receptor alpha antagonist", "IL-4 and IL-13 receptors".
_RECEPTOR_AFTER = re.compile(
    r"^(?:\s?\([^()]{1,30}\))?\)?\s?[-\u2010\u2011\u2013]?\s?"
    r"(?:(?i:receptors?)(?![A-Za-z])|R(?:[αβγ]|alpha|beta|gamma|I{1,2}|[12]|[ab])?(?![A-Za-z0-9]))"
)
# "IL-4 and IL-13 receptors": the first interleukin is a receptor too.
_RECEPTOR_ELLIPSIS = re.compile(
    r"^\s?(?:and|or|/)\s?(?:IL|(?i:interleukin))[-\u2010\s]?\d{1,2}[A-Za-z]?\s(?i:receptors)\b"
)
_IL_START = re.compile(r"^(?:IL|(?i:interleukin))")
# A receptor inside the mention itself ("IL-2 receptor", "IL-2R", "TNFR1").
_RECEPTOR_IN = re.compile(
    r"(?i:receptors?)\b|\dR(?:[αβγ]|alpha|beta|gamma|I{1,2}|[12])?$|^TNFR|^sIL", re.UNICODE
)
# "Interferon beta (and glatiramer acetate) are established disease-modifying therapies"
CONTEXT_FILE = "cytokine_context.json"


@dataclass(frozen=True)
class TherapyWords:
    """`pipeline/rules/cytokine_context.json`, read: the words after a name, the word
    sequences before it, and the copula sentence ("..., and X are established ... therapies")."""

    after: frozenset[str]
    before: tuple[tuple[str, ...], ...]
    copula: re.Pattern[str]


@lru_cache(maxsize=1)
def therapy_words(path: Path | None = None) -> TherapyWords:
    """The therapy context words (checked: a bad key raises RuleError naming it)."""
    path = path or rule_file(CONTEXT_FILE)
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RuleError(f"{path}: not valid JSON ({exc}): expected one object") from exc
    keys = ("therapy_after", "therapy_before", "copula_verbs", "therapy_nouns")
    table = check_word_table(obj, where=str(path), lists=keys)
    for key in ("therapy_after", "copula_verbs", "therapy_nouns"):
        spaced = [w for w in table[key] if len(w.split()) != 1]
        if spaced:
            raise RuleError(f"{path}: key {key!r} holds {spaced[0]!r}: expected one word "
                            "(each is compared with one token)")

    def alternatives(key: str) -> str:
        return "|".join(re.escape(w) for w in sorted(table[key], key=len, reverse=True))

    copula = re.compile(
        r"^(?:\s*(?:,|and|or)\s+[\w\- ]{1,40}?)?\s+(?i:" + alternatives("copula_verbs") + r")\s+"
        r"(?:[\w-]+\s+){0,4}?(?i:" + alternatives("therapy_nouns") + r")\b"
    )
    return TherapyWords(frozenset(w.lower() for w in table["therapy_after"]),
                        tuple(tuple(cue.lower().split()) for cue in table["therapy_before"]),
                        copula)


def drug_bounds(doc: Doc) -> tuple[set[int], set[int]]:
    """The first tokens and the ends (token after) of the doc's DRUG mentions."""
    drugs = [(e.start, e.end) for e in doc.ents if e.label_ == DRUG]
    return {s for s, _ in drugs}, {e for _, e in drugs}


def english_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of sentences that are English (or of unknown language)."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc_text(doc)))]
    return [(s.start_char, s.end_char) for s in doc.sents if s._.language in (None, "en")]


def in_ranges(char: int, ranges: list[tuple[int, int]]) -> bool:
    """`char` lies in one of `ranges` (sorted, not overlapping: sentences); by bisection, as
    this runs once per mention and a scan of all sentences made it quadratic."""
    i = bisect.bisect_right(ranges, char, key=lambda r: r[0]) - 1
    return i >= 0 and char < ranges[i][1]


def is_receptor(text: str, start_char: int, end_char: int) -> bool:
    """The cytokine name at these offsets of the doc's `text` names (part of) a receptor."""
    inside = text[start_char:end_char]
    if _RECEPTOR_IN.search(inside):
        return True
    after = text[end_char : end_char + 60]
    if _RECEPTOR_AFTER.match(after):
        return True
    return _IL_START.match(inside) is not None and _RECEPTOR_ELLIPSIS.match(after) is not None


def is_transcription_factor_part(text: str, start_char: int) -> bool:
    """ "NF-IL6": the cytokine name at `start_char` of the doc's `text` is glued to a
    transcription-factor prefix."""
    before = text[max(0, start_char - 4) : start_char]
    return re.search(r"(?<![A-Za-z])NF[-\u2010]?$", before) is not None


def therapy_context(
    doc: Doc, text: str, start: int, end: int, drugs: tuple[set[int], set[int]]
) -> bool:
    """The mention at tokens [start, end) is named as a drug: "interferon beta therapy",
    "treated with IFN-alpha", "interferon beta and glatiramer acetate" (a DRUG in the list),
    "Interferon beta and glatiramer acetate are established disease-modifying therapies".

    `text` is the doc's text (`doc.text` joins every token on each read) and `drugs`
    `drug_bounds(doc)`: both are built from the whole doc, so once per doc, not per mention
    (per mention they made the component quadratic in the document's length)."""
    words = therapy_words()
    after = [t.lower_ for t in doc[end : min(len(doc), end + 2)]]
    if any(w in words.after or w.endswith("-treated") for w in after):
        return True
    sent_end = doc[end - 1].sent.end_char if doc.has_annotation("SENT_START") else len(text)
    if words.copula.match(text[doc[end - 1].idx + len(doc[end - 1]) : sent_end]):
        return True
    before = [t.lower_ for t in doc[max(0, start - 3) : start]]
    for cue in words.before:
        n = len(cue)
        if len(before) >= n and tuple(before[-n:]) == cue:
            return True
    return _listed_with_drug(doc, start, end, drugs)


def _listed_with_drug(doc: Doc, start: int, end: int, drugs: tuple[set[int], set[int]]) -> bool:
    drug_starts, drug_ends = drugs
    joiners = {",", "and", "or", "/", "as", "well"}
    i = end
    while i < len(doc) and doc[i].lower_ in joiners:
        i += 1
    if i > end and i in drug_starts:
        return True
    j = start
    while j > 0 and doc[j - 1].lower_ in joiners:
        j -= 1
    return j < start and j in drug_ends
