"""`biotab_linker`: a MeSH / HGNC concept for every mention that has none yet.

Reads: `doc.ents` with `Span._.concept_id` (set by fusion for lexicon matches). Writes:
`Span._.concept_id` for DRUG and DISEASE mentions without one, and `Span._.concept_name` for
every mention that has a concept. Linking, in order:

0. the corpus synonyms (`pipeline/rules/kb_corpus_synonyms.tsv`, mined from training files
   only, `pipeline.kb.synonyms`): a normalized mention text the training corpus annotated
   takes the concept it was annotated with most often there (a tie between concepts: no
   answer from this step). The BC5CDR annotators link "toxicity" to Drug-Related Side Effects
   and Adverse Reactions and "nephrotoxicity" to Kidney Diseases, which no MeSH entry term says.
   A concept the KB does not hold (an id of an older MeSH, as the corpus's) is passed over,
   and the corpus never overrides a curated alias (`pipeline/rules/kb_curated_aliases.tsv`:
   "statins" is the class, though BC5CDR's annotators linked "statin" to Simvastatin; "IFN"
   is Interferons, not peginterferon alfa-2b), a drug class listed by its id
   (`pipeline/rules/kb_class_concepts.txt`) nor a concept's own name (its MeSH heading, case
   aside) that the corpus never links anything to: "hepatitis" is Hepatitis, though BC5CDR's
   annotators of drug-induced diseases linked it to Chemical and Drug Induced Liver Injury,
   and "ischemic stroke" the descriptor MeSH added since, not the corpus's Cerebral Infarction;
1. exact look-up of the normalized mention (`pipeline.kb.normalize_term`: case, hyphens, Greek
   letters, plurals, salts such as "fingolimod hydrochloride") among the KB's names and aliases
   of the same label, then of its form with Roman numerals (`pipeline/rules/kb_roman_numerals.tsv`)
   after "type", "stage", ... (`pipeline/rules/kb_numeral_words.txt`) as digits ("type II
   diabetes mellitus" -> "type 2 diabetes mellitus");
2. the noun forms of an adjective last word (`pipeline/rules/kb_adjective_forms.tsv`:
   "hypertensive" -> "hypertension", "epileptic" -> "epilepsy"), then the mention without a
   class word at its end or course/severity words in front (`pipeline/rules/kb_link_trims.tsv`:
   "Cutaneous Lupus Erythematosus Disease", "refractory psoriasis"), through steps 0 and 1,
   each form also with its head word replaced by MeSH's (`pipeline/rules/kb_link_heads.tsv`:
   "autoimmune disorder" -> "autoimmune disease");
3. character-level fuzzy match (rapidfuzz `ratio`) against aliases of the same label that share
   the first two characters, accepted only at or above `min_similarity`, without a number of
   the mention replaced by another, and only when the best score points at a single concept.
4. for a DISEASE mention, the head: the concept of the longest DISEASE lexicon match
   (`doc.spans["lexicon"]`) that ends the mention and starts after its first word
   ("community-acquired pneumonia" -> Pneumonia), a broader concept rather than none
   (`head_match`). Not for drugs: a drug name's last words name a chemical class ("nicotinic
   acid amide" is no Amides), nor for a mention that coordinates names ("breast and ovarian
   cancer").

An abbreviation with a long form is linked by the long form's text (`Span._.long_form_text`),
not by the short form: "MP" is a different concept in every field, "methylprednisolone" is one.
Only when the long form links to nothing is the short form looked up, among the corpus synonyms
alone ("CsA").
A mention that fits nothing keeps `concept_id = None` rather than a wrong id.

Writes `Span._.is_generic` too, the one component that does: True for a mention that names a
class, not one drug, disease or cytokine: its lower-cased text is a class word
(`pipeline/rules/class_words.txt`: "cytokines", "interferons", "growth factors") or its concept
names a class of drugs (`pipeline/rules/kb_class_concepts.txt`: "immunosuppressants", "NSAIDs",
"corticosteroids"; `ClassConcepts.covers`). It keeps its label, and top lists can leave it out.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import srsly
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import extensions as _extensions  # noqa: F401
from pipeline.components import mention_filter as _mention_filter  # noqa: F401  (is_generic)
from pipeline.components.lexicon import SPANS_KEY as LEXICON_SPANS
from pipeline.components.linker_rules import (
    ADJECTIVE_FORMS_FILE,
    CURATED_ALIASES_FILE,
    HEADS_FILE,
    NUMERAL_WORDS_FILE,
    ROMAN_NUMERALS_FILE,
    TRIMS_FILE,
    RomanNumerals,
    curated_table,
    load_adjective_forms,
    load_curated_aliases,
    load_head_rows,
    load_trim_rows,
    load_trims,
    synonym_table,
    trim_words,
    write_rule_lists,
)
from pipeline.kb import KnowledgeBase, normalize_term
from pipeline.kb.classes import CLASS_CONCEPTS_FILE, CLASS_WORDS_FILE, ClassConcepts, ClassWords
from pipeline.kb.synonyms import SYNONYMS_FILE, Synonym, load_corpus_synonyms
from pipeline.labels import DISEASE, LINKED

log = logging.getLogger(__name__)

# The defaults of the factory's settings (the module docstring says what each does).
# the rapidfuzz `ratio` (0-100) a character-level match needs
DEFAULT_MIN_SIMILARITY = 92.0

# the shortest normalized mention text that is matched character by character
DEFAULT_MIN_LENGTH = 5

# the rule files' names and loaders stay importable from here, where they were first
__all__ = [
    "ADJECTIVE_FORMS_FILE",
    "CURATED_ALIASES_FILE",
    "HEADS_FILE",
    "LINKED_LABELS",
    "NUMERAL_WORDS_FILE",
    "ROMAN_NUMERALS_FILE",
    "TRIMS_FILE",
    "Linker",
    "RomanNumerals",
    "curated_table",
    "head_forms",
    "load_adjective_forms",
    "load_curated_aliases",
    "load_head_rows",
    "load_trim_rows",
    "load_trims",
    "make_linker",
    "noun_forms",
    "ratio_length_window",
    "synonym_table",
    "trim_words",
    "trimmed_forms",
]

LINKED_LABELS = LINKED

_NUMBER = re.compile(r"\d+")


def head_forms(normalized: str, heads: dict[str, str]) -> list[str]:
    """The text with its last word replaced by MeSH's head (a text of two words or more)."""
    rest, _, last = normalized.rpartition(" ")
    return [f"{rest} {heads[last]}"] if rest and last in heads else []


def trimmed_forms(normalized: str, trims: dict[str, frozenset[str]]) -> list[str]:
    """The text without its class word at the end (when two words or more remain: "bleeding
    disorder" is not "bleeding"), then without its leading course or severity words, then
    without both (each form once, never empty)."""
    words = normalized.split(" ")
    end = len(words) - 1 if len(words) > 2 and words[-1] in trims["last"] else len(words)
    start = 0
    while start < end - 1 and words[start] in trims["first"]:
        start += 1
    forms = [words[:end], words[start:], words[start:end]]
    out: list[str] = []
    for form in forms:
        text = " ".join(form)
        # a class word alone ("severe disease" -> "disease") names no particular concept
        if form and text != normalized and text not in out and text not in trims["last"]:
            out.append(text)
    return out


def noun_forms(normalized: str, forms: list[tuple[str, str]]) -> list[str]:
    """The text with its last word's adjective ending replaced by each noun ending that fits."""
    head, _, last = normalized.rpartition(" ")
    out = []
    for ending, replacement in forms:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            word = last[: len(last) - len(ending)] + replacement
            out.append(f"{head} {word}".strip())
    return out


#: words that join two names in one mention (`head_match` gives such a mention no head)
_COORDINATORS = frozenset({"and", "or", "/", ",", "&", "and/or", "nor"})


def lexicon_by_end(doc: Doc) -> dict[int, list[Span]]:
    """The doc's lexicon matches that name a concept, by end token (`head_match`'s index, built
    once a document)."""
    by_end: dict[int, list[Span]] = {}
    for match in doc.spans.get(LEXICON_SPANS, ()):
        if match.id_:
            by_end.setdefault(match.end, []).append(match)
    return by_end


def head_match(doc: Doc, ent: Span, by_end: dict[int, list[Span]] | None = None) -> str | None:
    """Step 4: the concept of the longest lexicon match (`doc.spans["lexicon"]`, of the mention's
    label) that ends the mention and starts after its first token: the mention's head names a
    broader concept ("community-acquired pneumonia" -> Pneumonia, "ST-segment elevation
    myocardial infarction" -> Myocardial Infarction). Lexicon matches are tagger patterns, so a
    common word ("syndrome", "disease") is never a head here. None when there is none, and
    for a mention that coordinates names ("breast and ovarian cancer": its head is one of two).
    `by_end`: `lexicon_by_end(doc)`, when the caller asks for several mentions of one doc."""
    if any(t.lower_ in _COORDINATORS for t in ent):
        return None  # "breast and ovarian cancer": the head names one of two
    best: Span | None = None
    for match in (lexicon_by_end(doc) if by_end is None else by_end).get(ent.end, ()):
        if ent.start < match.start and match.label_ == ent.label_ and (
                best is None or match.start < best.start):
            best = match
    return best.id_ if best is not None else None


def _other_numbers(mention: set[str], candidate: set[str]) -> bool:
    """Each side has a number the other lacks: a substitution, not an omission."""
    return bool(mention - candidate) and bool(candidate - mention)


#: The best fuzzy candidates of a mention's label that are checked for numbers and ties.
_FUZZY_BEST = 8


def ratio_length_window(length: int, min_similarity: float) -> tuple[int, int]:
    """The lengths a string may have to reach `min_similarity` in rapidfuzz's `fuzz.ratio`
    against one of `length` characters (ratio = 1 - indel / (l1 + l2) and indel >= |l1 - l2|),
    one wider on each side against rounding."""
    slack = 1.0 - min_similarity / 100.0
    if slack >= 1.0:
        return 0, 1 << 30
    fewest = int(length * (1.0 - slack) / (1.0 + slack)) - 1
    most = int(length * (1.0 + slack) / (1.0 - slack)) + 2
    return max(fewest, 0), most


class Linker:
    """Links mentions to KB concepts (see module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        kb_path: str | None = None,
        min_similarity: float = DEFAULT_MIN_SIMILARITY,
        min_length: int = DEFAULT_MIN_LENGTH,
        synonyms_path: str | None = None,
        adjective_forms_path: str | None = None,
        trims_path: str | None = None,
        roman_numerals_path: str | None = None,
        numeral_words_path: str | None = None,
        class_concepts_path: str | None = None,
        heads_path: str | None = None,
        curated_aliases_path: str | None = None,
        class_words_path: str | None = None,
    ) -> None:
        self.name = name
        self.kb_path = kb_path
        self._use_lists(
            load_corpus_synonyms(Path(synonyms_path) if synonyms_path else None),
            load_adjective_forms(Path(adjective_forms_path) if adjective_forms_path else None),
            load_trim_rows(Path(trims_path) if trims_path else None),
            load_head_rows(Path(heads_path) if heads_path else None),
        )
        self._use_curated(
            load_curated_aliases(Path(curated_aliases_path) if curated_aliases_path else None)
        )
        self.roman = RomanNumerals.load(
            Path(roman_numerals_path) if roman_numerals_path else None,
            Path(numeral_words_path) if numeral_words_path else None,
        )
        self.classes = ClassConcepts.load(
            Path(class_concepts_path) if class_concepts_path else None
        )
        self.class_words = ClassWords.load(Path(class_words_path) if class_words_path else None)
        self.min_similarity = min_similarity
        self.min_length = min_length
        self._kb: KnowledgeBase | None = None
        # the KB a saved linker was saved with (`to_disk`), checked when the KB loads
        self._saved_kb: dict[str, Any] | None = None
        self._is_class: dict[str, bool] = {}
        self._link = lru_cache(maxsize=200_000)(self._link_uncached)
        self._corpus = lru_cache(maxsize=200_000)(self._corpus_uncached)

    def _use_lists(
        self,
        synonyms: list[Synonym],
        adjective_forms: list[tuple[str, str]],
        trim_rows: list[tuple[str, str]],
        head_rows: list[tuple[str, str]],
    ) -> None:
        """Link with these lists (as read from their files, which `to_disk` writes back)."""
        self.synonym_rows = synonyms
        self.synonyms = synonym_table(synonyms)
        # the concepts the corpus links some text to (`_heading`)
        self.corpus_ids = frozenset(s.concept_id for s in synonyms)
        self.adjective_forms = adjective_forms
        self.trim_rows = trim_rows
        self.trims = trim_words(trim_rows)
        self.head_rows = head_rows
        # normalized as mentions are ("disorders" -> "disorder")
        self.heads = {normalize_term(h): normalize_term(r) for h, r in head_rows}

    def _use_curated(self, rows: list[tuple[str, str]]) -> None:
        """Let these curated aliases win over the corpus synonyms."""
        self.curated_rows = rows
        self.curated = curated_table(rows)

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = KnowledgeBase.load(Path(self.kb_path) if self.kb_path else None)
            self._check_saved_kb(self._kb)
        return self._kb

    def _kb_record(self) -> dict[str, Any] | None:
        """Which KB this linker links with, for `to_disk` (None: no KB at `kb_path`, which a
        linker given one through `use_kb` or not used yet may lack; it saves all the same)."""
        try:
            kb = self.kb
        except FileNotFoundError:
            return None
        return {"fingerprint": kb.fingerprint, "build_date": kb.manifest.get("build_date")}

    def _check_saved_kb(self, kb: KnowledgeBase) -> None:
        """A linker saved with one KB and loaded where another is found links differently (the
        KB is not saved with it: it is read from `kb_path` or `models/kb`): say so, once."""
        saved = self._saved_kb
        if saved is None or saved.get("fingerprint") in (None, kb.fingerprint):
            return
        log.warning(
            "%s: this pipeline was saved with the KB %s (built %s) and now links with the KB "
            "%s (built %s) at %s: concept ids may differ from when it was saved",
            self.name, saved.get("fingerprint"), saved.get("build_date") or "?",
            kb.fingerprint, kb.manifest.get("build_date") or "?", kb.path,
        )

    def use_kb(self, kb: KnowledgeBase) -> None:
        """Link against `kb` instead of the one in `kb_path` (tests, custom KBs)."""
        self._kb = kb
        self._link.cache_clear()
        self._corpus.cache_clear()
        self._is_class.clear()

    def _corpus_uncached(self, label: str, text: str) -> str | None:
        norm = normalize_term(text)
        return self._curated(label, norm) or self._synonym(label, norm)

    def _curated(self, label: str, norm: str) -> str | None:
        """The concept of the label a curated alias gives a normalized text."""
        cid = self.curated.get(norm)
        return cid if cid is not None and self.kb.label_of(cid) == label else None

    def _synonym(self, label: str, norm: str) -> str | None:
        """The corpus's concept for a normalized text, also for its plural in -as/-ias/-is;
        None for a concept the KB does not hold (the corpus's MeSH is older: "lenalidomide" is
        annotated with a supplementary concept since replaced by a descriptor, which the KB
        look-up then finds)."""
        cid = self.synonyms.get((label, norm))
        if cid is None and norm.endswith("s") and len(norm) > 4:
            cid = self.synonyms.get((label, norm[:-1]))
        if cid is not None and self.kb.concepts.get(cid) is None:
            return None
        return cid

    def _exact(self, label: str, norm: str) -> str | None:
        """Steps 0 and 1 for one normalized form: a curated alias of the label's concept, else
        the KB's concept when it is a listed class, else the corpus's, else the KB's."""
        curated = self._curated(label, norm)
        if curated is not None:
            return curated
        found = self.kb.lookup(norm, label)
        dictionary = found[0].concept_id if found else None
        if dictionary is not None and dictionary in self.classes.ids:
            return dictionary
        heading = next((c.concept_id for c in found if self._heading(c.concept_id, norm)), None)
        if heading is not None:  # the KB's own name of a concept: the corpus does not override
            return heading
        cid = self._synonym(label, norm)
        return cid if cid is not None else dictionary

    def _link_uncached(self, label: str, text: str) -> str | None:
        norm = normalize_term(text)
        cid = self._exact(label, norm)
        if cid is not None:
            return cid
        found = self.kb.lookup(text, label)  # the raw text: salts and spacing as written
        if found:
            return found[0].concept_id
        arabic = self.roman.arabic(norm)
        if arabic != norm:  # "type II diabetes mellitus": MeSH writes "type 2"
            cid = self._exact(label, arabic)
            if cid is not None:
                return cid
            norm = arabic
        for form in noun_forms(norm, self.adjective_forms):
            cid = self._exact(label, form)
            if cid is not None:
                return cid
        # not when the mention begins a longer name ("chronic fatigue" -> Fatigue Syndrome,
        # Chronic, not Fatigue): it is then likely that name cut short
        longer = self.kb.starts_a_longer_alias(norm, label)
        trims = [] if longer else trimmed_forms(norm, self.trims)
        for form in [*head_forms(norm, self.heads), *trims]:
            cid = self._exact(label, form)
            if cid is None:
                cid = next(filter(None, (self._exact(label, f)
                                         for f in head_forms(form, self.heads))), None)
            if cid is not None:
                return cid
        if len(norm) < self.min_length:
            return None
        return self._fuzzy(label, norm)

    def _fuzzy(self, label: str, norm: str) -> str | None:
        """Step 3: the closest alias of `label` that starts with the same two characters.

        Compared: the KB's normalized aliases of at least `min_length` characters with the
        mention's first two characters (`KnowledgeBase.alias_candidates`, narrowed to the
        lengths that can reach `min_similarity`), best first, ties in index order; the first
        `_FUZZY_BEST` of the label's go on to the number and tie checks.
        """
        head = norm[:2]
        fewest, most = ratio_length_window(len(norm), self.min_similarity)
        keys, rows = self.kb.alias_candidates(head, max(fewest, self.min_length), most)
        if len(head) < 2:  # a one-character mention: its "bucket" is that character alone
            keep = [i for i, key in enumerate(keys) if key[:2] == head]
            keys, rows = [keys[i] for i in keep], [rows[i] for i in keep]
        if not keys:
            return None
        hits = process.extract(
            norm, keys, scorer=fuzz.ratio, score_cutoff=self.min_similarity, limit=None
        )
        # best first, ties in index order (rapidfuzz's order over the aliases in index order)
        hits.sort(key=lambda hit: (-hit[1], rows[hit[2]]))
        best: list[tuple[str, float, str]] = []
        for name, score, i in hits:
            # the alias's first concept of this label (ids are in priority order)
            cid = next((c for c in self.kb.ids_at(rows[i]) if self.kb.label_of(c) == label), None)
            if cid is not None:
                best.append((name, score, cid))
                if len(best) == _FUZZY_BEST:
                    break
        # A close string with a number replaced by another is another concept ("amyloid beta
        # peptide 1-42" is not "1-14"; a locant left out is fine: "L-dihydroxyphenylalanine"
        # is "L-3,4-dihydroxyphenylalanine"), and a tie between concepts is a guess.
        numbers = set(_NUMBER.findall(norm))
        best = [b for b in best if not _other_numbers(numbers, set(_NUMBER.findall(b[0])))]
        if not best:
            return None
        top = {cid for _name, score, cid in best if score == best[0][1]}
        return top.pop() if len(top) == 1 else None

    def warm_up(self) -> None:
        """Load the KB and its index now, not on the first document."""
        self.kb.warm_up()

    def link(self, label: str, text: str) -> str | None:
        """Concept id for a mention text of a label, or None when nothing fits well."""
        return self._link(label, text)

    def corpus_concept(self, label: str, text: str) -> str | None:
        """Step 0 alone: the concept the training corpus gave this text most often (a curated
        alias's, where the text is one)."""
        return self._corpus(label, text)

    def _kept(self, concept_id: str, text: str) -> bool:
        """A dictionary match's concept the corpus does not override: a class listed by its id,
        the concept the text's curated alias names, or the concept the text names by its own
        name (its MeSH heading, case aside: "hepatitis" is Hepatitis, though BC5CDR's
        annotators of drug-induced diseases linked it to Chemical and Drug Induced Liver
        Injury; "ischemic stroke" is the 2021 descriptor, not the corpus's Cerebral
        Infarction)."""
        if concept_id in self.classes.ids:
            return True
        norm = normalize_term(text)
        if self.curated.get(norm) == concept_id:
            return True
        return self._heading(concept_id, norm)

    def _heading(self, concept_id: str, norm: str) -> bool:
        """The normalized text is the concept's own name (its MeSH heading, case aside) and the
        training corpus links no text to that concept: its annotators had an older MeSH without
        it ("ischemic stroke", 2021) or a convention of their corpus ("hepatitis": every one
        there drug-induced). Where they did use the concept for other texts, their choice for
        this one stands ("dyskinesias" -> Dyskinesia, Drug-Induced, though Dyskinesias is
        theirs too)."""
        if concept_id in self.corpus_ids:
            return False
        concept = self.kb.get(concept_id)
        return concept is not None and concept.name.lower() == norm

    def is_class(self, concept_id: str) -> bool:
        """The concept names a class of drugs (see `ClassConcepts.covers`); cached per id."""
        found = self._is_class.get(concept_id)
        if found is None:
            found = self._is_class[concept_id] = self.classes.covers(self.kb.get(concept_id))
        return found

    def is_generic(self, text: str, concept_id: str | None) -> bool:
        """A mention of this text and concept names a class (module docstring)."""
        return self.class_words.covers(text) or (
            concept_id is not None and self.is_class(concept_id)
        )

    def __call__(self, doc: Doc) -> Doc:
        concepts = self.kb.concepts
        by_end: dict[int, list[Span]] | None = None  # (`head_match`'s index, built when needed)
        for ent in doc.ents:
            attrs = ent._  # one extension accessor per mention, not one per attribute
            label = ent.label_
            concept_id = attrs.concept_id
            if label not in LINKED_LABELS:
                pass
            elif concept_id is None:
                long_form = attrs.long_form_text if attrs.is_abbreviation else None
                concept_id = self.link(label, long_form or ent.text)
                if concept_id is None and long_form:
                    concept_id = self.corpus_concept(label, ent.text)
                if concept_id is None and label == DISEASE and not attrs.is_abbreviation:
                    if by_end is None:
                        by_end = lexicon_by_end(doc)
                    concept_id = head_match(doc, ent, by_end)
                attrs.concept_id = concept_id
            elif not attrs.is_abbreviation:
                # a dictionary match's concept yields to the corpus's: the annotators' choice
                # among MeSH's near-synonyms ("dyskinesia" -> Dyskinesia, Drug-Induced); not a
                # listed class's nor a curated alias's ("statins" is no Simvastatin)
                corpus = self.corpus_concept(label, ent.text)
                if corpus is not None and corpus != concept_id and not self._kept(
                    concept_id, ent.text
                ):
                    concept_id = attrs.concept_id = corpus
            if concept_id is not None and attrs.concept_name is None:
                concept = concepts.get(concept_id)
                if concept is not None:
                    attrs.concept_name = concept.name
            if self.is_generic(ent.text, concept_id):
                attrs.is_generic = True
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        """Write `linker.json` (settings, and which KB it links with: its fingerprint and build
        date, checked when a loaded linker first reads its KB) and the rule lists the linker
        uses, under their shipped names and in the formats their loaders read: Roman numerals
        and their words, corpus synonyms, adjective forms, trims, head words, drug classes,
        class words and curated aliases."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(
            path / "linker.json",
            {"min_similarity": self.min_similarity, "min_length": self.min_length,
             "kb": self._kb_record()},
        )
        self.roman.to_disk(path)
        write_rule_lists(
            path, synonyms=self.synonym_rows, adjective_forms=self.adjective_forms,
            trim_rows=self.trim_rows, head_rows=self.head_rows, curated_rows=self.curated_rows,
        )
        self.classes.to_disk(path)
        self.class_words.to_disk(path)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> Linker:
        """Restore the settings and the lists `to_disk` wrote (each file checked as the
        shipped one is: an error names the file and line); a linker saved without a list's
        files (before they were saved) keeps the list it was made with."""
        path = Path(path)
        cfg = srsly.read_json(path / "linker.json")
        self.min_similarity = float(cfg["min_similarity"])
        self.min_length = int(cfg["min_length"])
        saved_kb = cfg.get("kb")  # (absent from linkers saved before session 24)
        self._saved_kb = saved_kb if isinstance(saved_kb, dict) else None
        if self._kb is not None:
            self._check_saved_kb(self._kb)
        numerals, words = path / ROMAN_NUMERALS_FILE, path / NUMERAL_WORDS_FILE
        if numerals.exists() and words.exists():
            self.roman = RomanNumerals.load(numerals, words)
        synonyms, forms, trims, heads = (
            path / SYNONYMS_FILE, path / ADJECTIVE_FORMS_FILE, path / TRIMS_FILE, path / HEADS_FILE
        )
        self._use_lists(
            load_corpus_synonyms(synonyms) if synonyms.exists() else self.synonym_rows,
            load_adjective_forms(forms) if forms.exists() else self.adjective_forms,
            load_trim_rows(trims) if trims.exists() else self.trim_rows,
            load_head_rows(heads) if heads.exists() else self.head_rows,
        )
        if (path / CLASS_CONCEPTS_FILE).exists():
            self.classes = ClassConcepts.load(path / CLASS_CONCEPTS_FILE)
        if (path / CLASS_WORDS_FILE).exists():
            self.class_words = ClassWords.load(path / CLASS_WORDS_FILE)
        if (path / CURATED_ALIASES_FILE).exists():
            self._use_curated(load_curated_aliases(path / CURATED_ALIASES_FILE))
        self._link.cache_clear()
        self._corpus.cache_clear()
        self._is_class.clear()
        return self


@Language.factory(
    "biotab_linker",
    default_config={
        "kb_path": None,
        "min_similarity": DEFAULT_MIN_SIMILARITY,
        "min_length": DEFAULT_MIN_LENGTH,
        "synonyms_path": None,
        "adjective_forms_path": None,
        "trims_path": None,
        "roman_numerals_path": None,
        "numeral_words_path": None,
        "class_concepts_path": None,
        "heads_path": None,
        "curated_aliases_path": None,
        "class_words_path": None,
    },
    assigns=["span._.concept_id", "span._.concept_name", "span._.is_generic"],
    requires=["doc.ents"],
)
def make_linker(
    nlp: Language,
    name: str,
    *,
    kb_path: str | None,
    min_similarity: float,
    min_length: int,
    synonyms_path: str | None,
    adjective_forms_path: str | None,
    trims_path: str | None,
    roman_numerals_path: str | None,
    numeral_words_path: str | None,
    class_concepts_path: str | None,
    heads_path: str | None,
    curated_aliases_path: str | None,
    class_words_path: str | None,
) -> Linker:
    return Linker(
        nlp, name, kb_path=kb_path, min_similarity=min_similarity, min_length=min_length,
        synonyms_path=synonyms_path, adjective_forms_path=adjective_forms_path,
        trims_path=trims_path, roman_numerals_path=roman_numerals_path,
        numeral_words_path=numeral_words_path, class_concepts_path=class_concepts_path,
        heads_path=heads_path, curated_aliases_path=curated_aliases_path,
        class_words_path=class_words_path,
    )
