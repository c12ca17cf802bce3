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
  sits inside it: the component then returns a new Doc, `token_splits.split_tokens`).
- `Span._.concept_id` / `._.concept_name` of every CYTOKINE mention: the HGNC gene and its symbol
  when the mention names one gene ("IL-2" -> HGNC:6001 IL2, "IL-8" -> CXCL8, "RANTES" -> CCL5),
  a MeSH family descriptor for family words ("interleukins" -> MESH:D007378, "IFN" -> MESH:D007372).

The spellings live in `pipeline/rules/cytokines.tsv` (spelling -> concept, kind gene | family |
drug | exclude). Spellings are compared through `cytokine_key()`, so one table row covers the usual
variants ("IL-1beta" = "IL-1 beta" = "IL-1β" = "IL1B" = "interleukin (IL)-1 beta"). A grammar of
regular expressions proposes candidate spans (IL-n, interleukin-n, TNF-α, IFN-γ, GM-CSF, CCLn,
plus every table spelling); only candidates whose key is in the table become mentions.

The component's parts: `cytokine_table` (the table, `cytokine_key`), `cytokine_grammar` (candidate
spans), `cytokine_context` (receptors, transcription factors, therapy context, English
sentences) and `cytokine_spans` (merging with the doc's mentions, token splits).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components import cytokine_context as context
from pipeline.components.cytokine_grammar import CytokineGrammar, Found
from pipeline.components.cytokine_spans import (
    merge_found,
    non_overlapping,
    overlap_test,
    split_tokens_for,
)
from pipeline.components.cytokine_table import (
    COLUMNS,
    DEFAULT_TABLE,
    KINDS,
    TABLE_FILE,
    CytokineEntry,
    cytokine_key,
    read_table,
    write_table,
)
from pipeline.extensions import doc_text
from pipeline.labels import CYTOKINE, DRUG

# `Span._.score` of a cytokine mention the rules add
DEFAULT_SCORE = 0.9

__all__ = [
    "COLUMNS",
    "DEFAULT_TABLE",
    "KINDS",
    "TABLE_FILE",
    "CytokineEntry",
    "CytokineNormalizer",
    "Found",
    "cytokine_key",
    "make_cytokines",
    "read_table",
    "write_table",
]

log = logging.getLogger(__name__)

_LOOKUP_MEMO_SIZE = 100_000


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
        score: float = DEFAULT_SCORE,
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
        context.therapy_words()  # a bad word file stops the build, not a document

    # ------------------------------------------------------------------------------- table
    def set_table(self, entries: list[CytokineEntry]) -> None:
        """Install table entries (the first entry for a key wins) and rebuild the grammar."""
        self.entries = entries
        self._looked_up: dict[tuple[str, bool, str | None], CytokineEntry | None] = {}
        self.grammar = CytokineGrammar(entries)
        self.by_key = self.grammar.by_key

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
        return self.grammar.find(text, offset)

    @staticmethod
    def is_receptor(doc: Doc, start_char: int, end_char: int) -> bool:
        """The cytokine name at these offsets names (part of) a receptor."""
        return context.is_receptor(doc_text(doc), start_char, end_char)

    @staticmethod
    def is_transcription_factor_part(doc: Doc, start_char: int) -> bool:
        """ "NF-IL6": a cytokine name glued to a transcription-factor prefix."""
        return context.is_transcription_factor_part(doc_text(doc), start_char)

    def therapy_context(self, doc: Doc, start: int, end: int) -> bool:
        """The mention at tokens [start, end) is named as a drug: "interferon beta therapy",
        "treated with IFN-alpha", "interferon beta and glatiramer acetate" (a DRUG in the list),
        "Interferon beta and glatiramer acetate are established disease-modifying therapies"."""
        return context.therapy_context(doc, doc_text(doc), start, end, context.drug_bounds(doc))


    # ---------------------------------------------------------------------------- the call
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        english = context.english_ranges(doc)
        ents = list(doc.ents)
        keep: list[Span] = []
        for ent in ents:
            if ent.label_ not in (CYTOKINE, DRUG) or not context.in_ranges(ent.start_char, english):
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
        excluded = overlap_test(excluded_zones)
        keep = [e for e in keep if not (e.label_ == CYTOKINE and excluded(e))]
        additions = [
            f for f in found
            if f.entry.kind != "exclude"
            and not context.is_receptor(text, f.start_char, f.end_char)
            and not context.is_transcription_factor_part(text, f.start_char)
        ]  # fmt: skip
        keep, additions = merge_found(keep, additions, self.lookup)
        if self.split_tokens and additions:
            split = split_tokens_for(doc, additions)
            if split is not None:
                # a new Doc: its sentences read again, the mentions kept made on its tokens (a
                # split only adds token boundaries, so every one of them is there)
                doc = split
                english = context.english_ranges(doc)
                made = (doc.char_span(e.start_char, e.end_char, label=e.label_, kb_id=e.kb_id_)
                        for e in keep)
                keep = [e for e in made if e is not None]
        new_spans: list[Span] = []
        for f in additions:
            span = doc.char_span(f.start_char, f.end_char, label=_label_of(f.entry))
            if span is None:
                continue
            span._.source = "rule"
            span._.score = self.score
            new_spans.append(span)
        final = sorted([*keep, *new_spans], key=lambda s: s.start)
        doc.set_ents(non_overlapping(final), default="outside")
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
        if context.is_receptor(whole, start_char, end_char):
            return True
        return context.is_transcription_factor_part(whole, start_char)

    def _normalize_all(self, doc: Doc, text: str, english: list[tuple[int, int]]) -> None:
        """Concept ids of CYTOKINE mentions; product names and therapy uses relabelled DRUG.

        A CYTOKINE mention whose spelling is a product ("aldesleukin") becomes a DRUG; an
        interferon named as a therapy in context becomes a DRUG with its drug concept. A DRUG
        mention (model, lexicon) that is a cytokine gene or family name outside a therapy context
        becomes a CYTOKINE ("IL-2", "interferon-alpha" in "cytokine production, including
        interferon-alpha"). `text` is the doc's text and `english` its `english_ranges`.
        """
        ents = list(doc.ents)
        drugs = context.drug_bounds(doc)  # doc.ents is not changed before the loop ends
        changed = False
        for k, ent in enumerate(ents):
            if ent.label_ not in (CYTOKINE, DRUG) or not context.in_ranges(ent.start_char, english):
                continue
            entry = self.lookup(ent.text)
            if entry is None or entry.kind == "exclude":
                continue
            if self._defined_otherwise(ent):
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

    def _defined_otherwise(self, ent: Span) -> bool:
        """An abbreviation the text defines by a long form that is no cytokine name: it keeps
        the long form's label and concept ("lamotrigine (LTG)": "LTG" is lamotrigine, not the
        HGNC alias symbol of TNFSF14; "lymphotoxin (LT)" stays the cytokine)."""
        attrs = ent._
        long_form = attrs.long_form_text if attrs.is_abbreviation else None
        return isinstance(long_form, str) and bool(long_form) and self.lookup(long_form) is None

    def _named_as_therapy(
        self, doc: Doc, text: str, ent: Span, drugs: tuple[set[int], set[int]]
    ) -> bool:
        return self.drug_context and context.therapy_context(doc, text, ent.start, ent.end, drugs)

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


def _label_of(entry: CytokineEntry) -> str:
    return DRUG if entry.kind == "drug" else CYTOKINE


@Language.factory(
    "biotab_cytokines",
    assigns=["doc.ents", "span._.concept_id", "span._.concept_name", "span._.source"],
    requires=["doc.ents", "span._.language"],
    default_config={
        "table_path": None,
        "kb_path": None,
        "use_kb": True,
        "detect": True,
        "drug_context": True,
        "split_tokens": True,
        "score": DEFAULT_SCORE,
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
