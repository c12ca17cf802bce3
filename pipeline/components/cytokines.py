"""`biotab_cytokines`: cytokine mentions found, cleaned and normalized to HGNC genes.

Runs after `biotab_fusion`. Reads: `doc.ents`, the text, sentence `Span._.language` (non-English
sentences are left alone) and, for spellings missing from the table, the KB
(`pipeline.kb.KnowledgeBase`, CYTOKINE concepts with an HGNC id). Writes:

- `doc.ents`: receptor and transcription-factor spans are no longer CYTOKINE mentions ("IL-2
  receptor", "IL-2R alpha", "TNF receptor", "interleukin-4 (IL-4) receptor alpha antagonist",
  "NF-IL6", "IFN regulatory factor-1"); therapeutic products are relabelled DRUG ("interferon
  beta-1a", "peginterferon alfa-2a", "aldesleukin", and an interferon named as a therapy in context,
  "interferon beta and glatiramer acetate are disease-modifying therapies"); cytokine mentions the
  lexicon missed are added (`Span._.source` = "rule"), replacing a shorter overlapping mention
  ("IL-1" -> "IL-1 beta") and trimming "anti-TNF" to "TNF" (the token is split when the mention
  sits inside it).
- `Span._.concept_id` / `._.concept_name` of every CYTOKINE mention: the HGNC gene and its symbol
  when the mention names one gene ("IL-2" -> HGNC:6001 IL2, "IL-8" -> CXCL8, "RANTES" -> CCL5),
  a MeSH family descriptor for family words ("interleukins" -> MESH:D007378, "IFN" -> MESH:D007372).

The spellings live in `pipeline/rules/cytokines.tsv` (spelling -> concept, kind gene | family |
drug | exclude). Spellings are compared through `cytokine_key()`, so one table row covers the usual
variants ("IL-1beta" = "IL-1 beta" = "IL-1β" = "IL1B" = "interleukin (IL)-1 beta"). A grammar of
regular expressions proposes candidate spans (IL-n, interleukin-n, TNF-α, IFN-γ, GM-CSF, CCLn,
plus every table spelling); only candidates whose key is in the table become mentions.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.extensions import doc_text
from pipeline.labels import CYTOKINE, DRUG
from pipeline.paths import rule_file

log = logging.getLogger(__name__)

TABLE_FILE = "cytokines.tsv"
DEFAULT_TABLE = rule_file(TABLE_FILE)
COLUMNS = ("spelling", "concept_id", "concept_name", "kind", "drug_concept_id", "drug_concept_name")
KINDS = ("gene", "family", "drug", "exclude")
_CURIE = re.compile(r"(?:MESH|HGNC):[A-Za-z0-9]+")

# ------------------------------------------------------------------------------ normalization
_GREEK_CHARS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "ω": "omega", "θ": "theta", "ζ": "zeta", "η": "eta",
}  # fmt: skip
_GREEK_NAMES = (
    ("alpha", "a"), ("alfa", "a"), ("beta", "b"), ("gamma", "g"), ("delta", "d"),
    ("epsilon", "e"), ("kappa", "k"), ("lambda", "l"), ("omega", "w"), ("theta", "th"),
    ("zeta", "z"), ("eta", "h"),
)  # fmt: skip
_WORDS = (
    (r"recombinant (?:human |murine |mouse )?", ""),
    (r"^(?:human|murine|mouse) ", ""),
    (r"pegylated interferon|peginterferon|peg interferon", "peg ifn"),
    (r"interleukin", "il"),
    (r"interferon", "ifn"),
    (r"tumor necrosis factor", "tnf"),
    (r"transforming growth factor", "tgf"),
    (r"colony stimulating factor", "csf"),
    (r"granulocyte macrophage csf", "gm csf"),
    (r"granulocyte csf", "g csf"),
    (r"macrophage csf", "m csf"),
    (r"lymphotoxin", "lt"),
    (r"monocyte chemo(?:attractant|tactic) protein", "mcp"),
    (r"macrophage inflammatory protein", "mip"),
)
_WORD_RES = [(re.compile(rf"(?<![a-z]){pat}(?![a-z])"), rep) for pat, rep in _WORDS]
_GREEK_RES = [(re.compile(rf"(?<![a-z]){name}(?![a-z])"), short) for name, short in _GREEK_NAMES]
_PAREN = re.compile(r"\([^()]*\)")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.,:;'\"]+")
_RECOMBINANT = re.compile(r"^(?:rh|r|h)(?=(?:il|ifn|tnf|gmcsf|gcsf|mcsf|tgf)(?:\d|[a-z]|$))")


def cytokine_key(text: str) -> str:
    """The comparison key of a cytokine spelling: "Interleukin (IL)-1β" -> "il1b".

    NFKC, Greek letters to names, lower case, "tumour" -> "tumor", parentheticals dropped, long
    names shortened (interleukin -> il, interferon -> ifn, tumor necrosis factor -> tnf, ...),
    Greek names to one letter (alpha/alfa -> a, beta -> b, gamma -> g), "recombinant"/"rh"/"r"
    prefixes dropped, separators removed.
    """
    s = unicodedata.normalize("NFKC", text)
    s = "".join(f" {_GREEK_CHARS[c]} " if c in _GREEK_CHARS else c for c in s)
    s = s.lower().replace("tumour", "tumor")
    s = _PAREN.sub(" ", s)
    s = " ".join(_SEPARATORS.split(s)).strip()
    for pattern, rep in _WORD_RES:
        s = pattern.sub(rep, s)
    for pattern, short in _GREEK_RES:
        s = pattern.sub(short, s)
    s = s.replace(" ", "")
    return _RECOMBINANT.sub("", s)


# ---------------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class CytokineEntry:
    """One table row: what a spelling means."""

    spelling: str
    concept_id: str | None
    concept_name: str | None
    kind: str
    drug_concept_id: str | None = None
    drug_concept_name: str | None = None


def read_table(path: Path) -> list[CytokineEntry]:
    """Read and validate a cytokine table (TSV with a header, '#' comment lines).

    Raises ValueError naming the file, the line, the bad column and what was expected.
    """
    entries: list[CytokineEntry] = []
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, 1) if line.strip() and line[0] != "#"]
    if not lines:
        raise ValueError(f"{path}: empty cytokine table: expected a header row {COLUMNS}")
    header_no, header = lines[0]
    columns = tuple(header.rstrip("\r\n").split("\t"))
    if columns != COLUMNS:
        raise ValueError(f"{path}:{header_no}: header is {columns}: expected columns {COLUMNS}")
    for lineno, line in lines[1:]:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter="\t", quoting=csv.QUOTE_NONE))
        where = f"{path}:{lineno}"
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{where}: {len(cells)} columns: expected {len(COLUMNS)} {COLUMNS}")
        row = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
        entries.append(_check_row(row, where))
    return entries


def _check_row(row: dict[str, str], where: str) -> CytokineEntry:
    if not row["spelling"]:
        raise ValueError(f"{where}: column 'spelling' is empty: expected a cytokine spelling")
    if row["kind"] not in KINDS:
        raise ValueError(f"{where}: column 'kind' is {row['kind']!r}: expected one of {KINDS}")
    for col in ("concept_id", "drug_concept_id"):
        if row[col] and not _CURIE.fullmatch(row[col]):
            raise ValueError(
                f"{where}: column {col!r} is {row[col]!r}: expected a CURIE like 'HGNC:6001' "
                "or 'MESH:D007378', or nothing"
            )
    if row["kind"] == "gene" and not row["concept_id"]:
        raise ValueError(f"{where}: column 'concept_id' is empty: a {row['kind']} needs a concept")
    if row["kind"] == "gene" and not row["concept_id"].startswith("HGNC:"):
        raise ValueError(
            f"{where}: column 'concept_id' is {row['concept_id']!r}: a gene needs HGNC"
        )
    return CytokineEntry(
        spelling=row["spelling"],
        concept_id=row["concept_id"] or None,
        concept_name=row["concept_name"] or None,
        kind=row["kind"],
        drug_concept_id=row["drug_concept_id"] or None,
        drug_concept_name=row["drug_concept_name"] or None,
    )


def write_table(entries: Iterable[CytokineEntry], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for e in entries:
            cells = (e.spelling, e.concept_id, e.concept_name, e.kind, e.drug_concept_id,
                     e.drug_concept_name)  # fmt: skip
            fh.write("\t".join(c or "" for c in cells) + "\n")


# -------------------------------------------------------------------------------- the grammar
_L = r"(?<![A-Za-z0-9])"
_R = r"(?![A-Za-z0-9])"
_SEP = r"[-\u2010\u2011\u2013]?"
_SEPS = r"(?:[-\u2010\u2011\u2013]|\s)?"
_GREEK = r"(?:alpha|beta|gamma|delta|epsilon|kappa|lambda|omega|theta|[αβγδεκλωθ])"
_PFX = r"(?:(?i:recombinant\s+(?:human\s+)?)|rh|r|h)?"

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
        symbol = next((k for k, v in _GREEK_CHARS.items() if v == name), None)
        if symbol is not None:
            parts.append(f"(?:{chunk}|{symbol})")
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
_WORD_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9])(?:[-\u2010\s]?([A-Za-z0-9]))?")
_ANTI_PREFIX = re.compile(r"^(?i:anti)[-\u2010\s]?")
_THERAPY_AFTER = {
    "therapy", "therapies", "treatment", "treatments", "injection", "injections", "dose", "doses",
    "mg", "µg", "μg", "mcg", "miu", "iu", "regimen", "monotherapy",
}  # fmt: skip
# "Interferon beta (and glatiramer acetate) are established disease-modifying therapies"
_THERAPY_COPULA = re.compile(
    r"^(?:\s*(?:,|and|or)\s+[\w\- ]{1,40}?)?\s+(?i:is|are|was|were|remains?|became)\s+"
    r"(?:[\w-]+\s+){0,4}?(?i:therapy|therapies|treatments?|drugs?|agents?|medications?)\b"
)
_THERAPY_BEFORE = (
    ("treated", "with"), ("treatment", "with"), ("therapy", "with"), ("use", "of"),
    ("administration", "of"), ("dose", "of"), ("doses", "of"), ("injections", "of"),
    ("received",), ("receiving",), ("given",),
)  # fmt: skip


_LOOKUP_MEMO_SIZE = 100_000


@dataclass
class Found:
    """A grammar candidate resolved to a table entry."""

    start_char: int
    end_char: int
    entry: CytokineEntry


class CytokineNormalizer:
    """Finds, cleans and normalizes cytokine mentions (see the module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        table_path: str | None = None,
        kb_path: str | None = None,
        use_kb: bool = True,
        detect: bool = True,
        drug_context: bool = True,
        split_tokens: bool = True,
        score: float = 0.9,
    ) -> None:
        self.name = name
        self.kb_path = kb_path
        self.use_kb = use_kb
        self.detect = detect
        self.drug_context = drug_context
        self.split_tokens = split_tokens
        self.score = score
        self._kb: Any = None
        self._kb_failed = False
        self.set_table(read_table(Path(table_path) if table_path else DEFAULT_TABLE))

    # ------------------------------------------------------------------------------- table
    def set_table(self, entries: list[CytokineEntry]) -> None:
        """Install table entries (the first entry for a key wins) and rebuild the grammar."""
        self.entries = entries
        self._looked_up: dict[tuple[str, bool, str | None], CytokineEntry | None] = {}
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
        self._names = {head: re.compile("|".join(alts)) for head, alts in groups.items()}

    def lookup(self, text: str) -> CytokineEntry | None:
        """The table entry for a mention text, or from the KB for a spelling the table lacks."""
        # Every DRUG and CYTOKINE mention is looked up, and most are drug names the table lacks
        # and the KB is searched for: remembered per text (and KB setting) until the table changes.
        memo_key = (text, self.use_kb, self.kb_path)
        if memo_key in self._looked_up:
            return self._looked_up[memo_key]
        entry = self._lookup(text)
        if len(self._looked_up) >= _LOOKUP_MEMO_SIZE:
            self._looked_up.clear()
        self._looked_up[memo_key] = entry
        return entry

    def _lookup(self, text: str) -> CytokineEntry | None:
        key = cytokine_key(text)
        entry = self.by_key.get(key)
        if entry is None and key.startswith("anti"):
            entry = self.by_key.get(key[4:])
        if entry is None:
            entry = self._kb_entry(text)
        return entry

    def _kb_entry(self, text: str) -> CytokineEntry | None:
        kb = self._knowledge_base()
        if kb is None:
            return None
        for concept in kb.lookup(text, label=CYTOKINE):
            if concept.hgnc_id:
                return CytokineEntry(text, concept.hgnc_id, concept.hgnc_symbol, "gene")
            return CytokineEntry(text, concept.concept_id, concept.name, "family")
        return None

    def warm_up(self) -> None:
        """Load the KB and its index now, not on the first document."""
        kb = self._knowledge_base()
        if kb is not None:
            kb.warm_up()

    def _knowledge_base(self) -> Any:
        if not self.use_kb or self._kb_failed:
            return None
        if self._kb is None:
            try:
                from pipeline.kb import KnowledgeBase

                self._kb = KnowledgeBase.load(Path(self.kb_path) if self.kb_path else None)
            except (FileNotFoundError, ImportError, ValueError) as exc:
                log.warning("biotab_cytokines: no KB (%s); using the table alone", exc)
                self._kb_failed = True
                return None
        return self._kb

    # ----------------------------------------------------------------------------- grammar
    def find(self, text: str, offset: int = 0) -> list[Found]:
        """Cytokine spans in `text` (longest first, no overlaps), excluded ones included."""
        spans: set[tuple[int, int]] = set()
        lowered = None if any(c in text for c in _FOLDS_TO_ASCII) else text.lower()
        for pattern, anchors in self._patterns:
            if lowered is None or any(a in lowered for a in anchors):
                spans.update(m.span() for m in pattern.finditer(text))
        for word in _WORD_START.finditer(text):
            names = self._names.get((word.group(1) + (word.group(2) or "")).lower())
            if names is not None:
                m = names.match(text, word.start())
                if m is not None:
                    spans.add(m.span())
        cands: dict[tuple[int, int], CytokineEntry] = {}
        for start, end in spans:
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

    @staticmethod
    def is_receptor(doc: Doc, start_char: int, end_char: int) -> bool:
        """The cytokine name at these offsets names (part of) a receptor."""
        return _is_receptor(doc_text(doc), start_char, end_char)

    @staticmethod
    def is_transcription_factor_part(doc: Doc, start_char: int) -> bool:
        """ "NF-IL6": a cytokine name glued to a transcription-factor prefix."""
        return _is_transcription_factor_part(doc_text(doc), start_char)

    def therapy_context(self, doc: Doc, start: int, end: int) -> bool:
        """The mention at tokens [start, end) is named as a drug: "interferon beta therapy",
        "treated with IFN-alpha", "interferon beta and glatiramer acetate" (a DRUG in the list),
        "Interferon beta and glatiramer acetate are established disease-modifying therapies"."""
        return self._therapy_context(doc, doc_text(doc), start, end, _drug_bounds(doc))

    def _therapy_context(
        self, doc: Doc, text: str, start: int, end: int, drugs: tuple[set[int], set[int]]
    ) -> bool:
        """`therapy_context` with the doc's text (`doc.text` joins every token on each read) and
        `_drug_bounds(doc)`: both are built from the whole doc, so once per doc, not per
        mention (per mention they made the component quadratic in the document's length)."""
        after = [t.lower_ for t in doc[end : min(len(doc), end + 2)]]
        if any(w in _THERAPY_AFTER or w.endswith("-treated") for w in after):
            return True
        sent_end = doc[end - 1].sent.end_char if doc.has_annotation("SENT_START") else len(text)
        if _THERAPY_COPULA.match(text[doc[end - 1].idx + len(doc[end - 1]) : sent_end]):
            return True
        before = [t.lower_ for t in doc[max(0, start - 3) : start]]
        for cue in _THERAPY_BEFORE:
            n = len(cue)
            if len(before) >= n and tuple(before[-n:]) == cue:
                return True
        return self._listed_with_drug(doc, start, end, drugs)

    @staticmethod
    def _listed_with_drug(
        doc: Doc, start: int, end: int, drugs: tuple[set[int], set[int]]
    ) -> bool:
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

    # ---------------------------------------------------------------------------- the call
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        english = _english_ranges(doc)
        ents = list(doc.ents)
        keep: list[Span] = []
        for ent in ents:
            if ent.label_ not in (CYTOKINE, DRUG) or not _in_ranges(ent.start_char, english):
                keep.append(ent)
                continue
            if ent.label_ == CYTOKINE and self._excluded(text, ent.start_char, ent.end_char):
                continue
            keep.append(ent)
        found: list[Found] = []
        if self.detect:
            for s_char, e_char in english:
                found.extend(self.find(text[s_char:e_char], offset=s_char))
        excluded_zones = [(f.start_char, f.end_char) for f in found if f.entry.kind == "exclude"]
        excluded = _overlap_test(excluded_zones)
        keep = [e for e in keep if not (e.label_ == CYTOKINE and excluded(e))]
        additions = [
            f for f in found
            if f.entry.kind != "exclude"
            and not _is_receptor(text, f.start_char, f.end_char)
            and not _is_transcription_factor_part(text, f.start_char)
        ]  # fmt: skip
        keep, additions = self._merge(doc, keep, additions)
        if self.split_tokens and additions:
            if self._split_for(doc, additions):
                english = _english_ranges(doc)  # the tokens changed: read the sentences again
            keep = [
                doc.char_span(e.start_char, e.end_char, label=e.label_, kb_id=e.kb_id_) or e
                for e in keep
            ]
        new_spans: list[Span] = []
        for f in additions:
            span = doc.char_span(f.start_char, f.end_char, label=_label_of(f.entry))
            if span is None:
                continue
            span._.source = "rule"
            span._.score = self.score
            new_spans.append(span)
        final = sorted([*keep, *new_spans], key=lambda s: s.start)
        doc.set_ents(_non_overlapping(final), default="outside")
        self._normalize_all(doc, text, english)
        return doc

    def _excluded(self, whole: str, start_char: int, end_char: int) -> bool:
        text = whole[start_char:end_char]
        entry = self.by_key.get(cytokine_key(text))
        if entry is not None and entry.kind == "exclude":
            return True
        if (
            entry is not None
            and entry.kind in ("gene", "family", "drug")
            and "receptor" in text.lower()
        ):
            return False  # "IL-1 receptor antagonist" is the IL1RN gene
        return _is_receptor(whole, start_char, end_char) or _is_transcription_factor_part(
            whole, start_char
        )

    def _merge(
        self, doc: Doc, keep: list[Span], additions: list[Found]
    ) -> tuple[list[Span], list[Found]]:
        """Add a found span where nothing is, or where it covers shorter mentions entirely.

        "anti-TNF" tagged as one mention gives way to "TNF", and so does a CYTOKINE mention that
        is no cytokine name as a whole ("IFN-gamma-induced" -> "IFN-gamma"). A found span partly
        overlapping a longer mention ("TNF" in "TNF receptor-associated periodic syndrome") is
        dropped.
        """
        lookup = self.lookup
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
            covers = all(
                f.start_char <= e.start_char and e.end_char <= f.end_char for e in overlapping
            )
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
            within = all(
                e.start_char <= f.start_char and f.end_char <= e.end_char for e in overlapping
            )
            if (
                longer
                or (anti and len(anti) == len(overlapping))
                or (within and len(stale) == len(overlapping))
            ):
                removed.update(indices)
                accepted.append(f)
        return [e for i, e in enumerate(keep) if i not in removed], accepted

    def _split_for(self, doc: Doc, additions: list[Found]) -> bool:
        """Split tokens so that every added mention starts and ends on a token boundary.

        Returns whether the doc was retokenized."""
        cuts: dict[int, set[int]] = {}
        starts = [t.idx for t in doc]  # once per doc: a scan per character was quadratic
        for f in additions:
            for char in (f.start_char, f.end_char):
                token = _token_containing(doc, starts, char)
                if token is not None and token.idx < char < token.idx + len(token.text):
                    cuts.setdefault(token.i, set()).add(char - token.idx)
        if not cuts:
            return False
        groups = _snapshot_span_groups(doc)
        abbreviations = _snapshot_abbreviations(doc)
        with doc.retokenize() as retokenizer:
            for i, offsets in cuts.items():
                token = doc[i]
                orths = _pieces(token.text, sorted(offsets))
                if len(orths) > 1:
                    retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
        _restore_span_groups(doc, groups)
        _restore_abbreviations(doc, abbreviations)
        return True

    def _normalize_all(self, doc: Doc, text: str, english: list[tuple[int, int]]) -> None:
        """Concept ids of CYTOKINE mentions; product names and therapy uses relabelled DRUG.

        A CYTOKINE mention whose spelling is a product ("aldesleukin") becomes a DRUG; an
        interferon named as a therapy in context becomes a DRUG with its drug concept. A DRUG
        mention (model, lexicon) that is a cytokine gene or family name outside a therapy context
        becomes a CYTOKINE ("IL-2", "interferon-alpha" in "cytokine production, including
        interferon-alpha"). `text` is the doc's text and `english` its `_english_ranges`.
        """
        ents = list(doc.ents)
        drugs = _drug_bounds(doc)  # doc.ents is not changed before the loop ends
        changed = False
        for k, ent in enumerate(ents):
            if ent.label_ not in (CYTOKINE, DRUG) or not _in_ranges(ent.start_char, english):
                continue
            entry = self.lookup(ent.text)
            if entry is None or entry.kind == "exclude":
                continue
            label, cid, cname = _label_of(entry), entry.concept_id, entry.concept_name
            if label == CYTOKINE and self._named_as_therapy(doc, text, ent, drugs):
                if entry.drug_concept_id:
                    label, cid, cname = DRUG, entry.drug_concept_id, entry.drug_concept_name
                elif ent.label_ == DRUG:
                    continue  # "IL-2 therapy" tagged DRUG by the model: left as it is
            if ent.label_ == DRUG and label == DRUG and ent._.concept_id is not None:
                continue  # already linked by the lexicon
            if label != ent.label_:
                ents[k] = Span(doc, ent.start, ent.end, label=label)
                changed = True
            ents[k]._.concept_id = cid
            ents[k]._.concept_name = cname
        if changed:
            doc.set_ents(ents, default="outside")

    def _named_as_therapy(
        self, doc: Doc, text: str, ent: Span, drugs: tuple[set[int], set[int]]
    ) -> bool:
        return self.drug_context and self._therapy_context(doc, text, ent.start, ent.end, drugs)

    # ----------------------------------------------------------------------------- to/from disk
    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_table(self.entries, path / TABLE_FILE)
        srsly.write_json(
            path / "cytokines.json",
            {"detect": self.detect, "drug_context": self.drug_context,
             "split_tokens": self.split_tokens, "score": self.score},
        )  # fmt: skip

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> CytokineNormalizer:
        path = Path(path)
        self.set_table(read_table(path / TABLE_FILE))
        settings_file = path / "cytokines.json"
        if settings_file.exists():
            cfg = srsly.read_json(settings_file)
            self.detect = bool(cfg["detect"])
            self.drug_context = bool(cfg["drug_context"])
            self.split_tokens = bool(cfg["split_tokens"])
            self.score = round(float(cfg["score"]), 6)
        return self


# ------------------------------------------------------------------------------------ helpers
def _drug_bounds(doc: Doc) -> tuple[set[int], set[int]]:
    """The first tokens and the ends (token after) of the doc's DRUG mentions."""
    drugs = [(e.start, e.end) for e in doc.ents if e.label_ == DRUG]
    return {s for s, _ in drugs}, {e for _, e in drugs}


def _label_of(entry: CytokineEntry) -> str:
    return DRUG if entry.kind == "drug" else CYTOKINE


def _english_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of sentences that are English (or of unknown language)."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc_text(doc)))]
    return [(s.start_char, s.end_char) for s in doc.sents if s._.language in (None, "en")]


def _is_receptor(text: str, start_char: int, end_char: int) -> bool:
    """`CytokineNormalizer.is_receptor` on the doc's text."""
    inside = text[start_char:end_char]
    if _RECEPTOR_IN.search(inside):
        return True
    after = text[end_char : end_char + 60]
    if _RECEPTOR_AFTER.match(after):
        return True
    return _IL_START.match(inside) is not None and _RECEPTOR_ELLIPSIS.match(after) is not None


def _is_transcription_factor_part(text: str, start_char: int) -> bool:
    """`CytokineNormalizer.is_transcription_factor_part` on the doc's text."""
    before = text[max(0, start_char - 4) : start_char]
    return re.search(r"(?<![A-Za-z])NF[-\u2010]?$", before) is not None


def _in_ranges(char: int, ranges: list[tuple[int, int]]) -> bool:
    """`char` lies in one of `ranges` (sorted, not overlapping: sentences); by bisection, as
    this runs once per mention and a scan of all sentences made it quadratic."""
    i = bisect.bisect_right(ranges, char, key=lambda r: r[0]) - 1
    return i >= 0 and char < ranges[i][1]


def _overlap_test(zones: list[tuple[int, int]]) -> Callable[[Span], bool]:
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


def _non_overlapping(spans: list[Span]) -> list[Span]:
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


@Language.factory(
    "biotab_cytokines",
    default_config={
        "table_path": None,
        "kb_path": None,
        "use_kb": True,
        "detect": True,
        "drug_context": True,
        "split_tokens": True,
        "score": 0.9,
    },
)
def make_cytokines(
    nlp: Language,
    name: str,
    *,
    table_path: str | None,
    kb_path: str | None,
    use_kb: bool,
    detect: bool,
    drug_context: bool,
    split_tokens: bool,
    score: float,
) -> CytokineNormalizer:
    return CytokineNormalizer(
        nlp,
        name,
        table_path=table_path,
        kb_path=kb_path,
        use_kb=use_kb,
        detect=detect,
        drug_context=drug_context,
        split_tokens=split_tokens,
        score=score,
    )
