"""`biotab_fusion`: one set of mentions from model, lexicon, fuzzy matches and abbreviations.

Reads: `doc.ents` (the trained NER model's mentions, if a model ran), `doc.spans["lexicon"]`,
`doc.spans["fuzzy"]` (each span's `id_` is its concept id), `doc._.abbreviations` (scispacy's
AbbreviationDetector) and sentence `Span._.language`. Writes: the final `doc.ents` with
`Span._.concept_id`, `._.source`, `._.score`, `._.is_abbreviation`, `._.long_form_text`.

The rules, in the order they apply (this docstring is the place to read them):

1. Agreement: a model mention with exactly a lexicon or fuzzy match's span takes that match's
   label and concept; source "model+lexicon" (or "fuzzy").
2. Boundaries: a lexicon CYTOKINE overlapping a model mention wins (the model has no CYTOKINE
   label); a lexicon match that contains the model's span wins ("glatiramer acetate" over
   "acetate"; `prefer_longer_lexicon`); otherwise the model's span wins (it learned the
   annotation guidelines) and its concept is left to the linker.
3. Lexicon-only and fuzzy-only matches are kept (source "lexicon" / "fuzzy"; switches
   `keep_lexicon_only`, `keep_fuzzy_only`). With `lexicon_only_drug_branches` set, a
   lexicon-only DRUG is kept only when its concept is a MeSH supplementary concept (MESH:C...)
   or has a tree number in one of those branches. `build_nlp` sets the chemical-structure
   branches (D01-D04) for a model that embeds the lexicon's matches (the shipped one): such a
   model has seen the match and declined it, and the names it declines outside those branches
   are mostly proteins, hormones and lipids measured as analytes ("hemoglobin", "prolactin",
   "lipid"), not given as drugs. A drug class listed by its id in
   `pipeline/rules/kb_class_concepts.txt` ("immunosuppressants", "NSAIDs") is kept all the same:
   the model learned BC5CDR's guidelines, which annotate few class words, and a reader looks
   documents up by class. So is a drug `pipeline/rules/fusion_drugs.jsonl` names
   (`fusion_drugs.DeclinedDrugRules`): a name built on a WHO INN stem ("ustekinumab",
   "etanercept"), or a concept given as a drug as a rule ("insulin") where the words around it
   do not say it is measured ("serum insulin", "insulin levels"): BC5CDR annotates no protein,
   not even a given one, so the model declines "insulin treatment" and "natalizumab".
   A word on its own that no source tagged, built on such a stem, is a mention of the one DRUG
   whose names it begins ("certolizumab" of "certolizumab pegol"), with `first_words` set.
4. Abbreviations: a short form whose long form is a mention becomes a mention with the long
   form's label and concept everywhere in the document (source "abbreviation"), except where
   it is part of a longer dictionary name ("C" in "vitamin C"). Definitions are scispacy's,
   plus a mention directly followed by a one-word short form in parentheses or brackets that
   passes Schwartz & Hearst's letter test ("testosterone (T)", "acetylsalicylic acid [ASA]"),
   which scispacy misses. The long form's mention is the one it ends with, since a short
   form names its long form's last word ("glutamic acid decarboxylase (GAD)" is an enzyme,
   not the DRUG "glutamic acid"). A mention spanning at least half the long form gives its
   label and concept; one that is only the head ("levodopa-induced peak-dose dyskinesias
   (LID)") gives its label but not its concept (the linker looks up the whole long form), and
   only if no function word (`pipeline/rules/function_words.txt`) comes before the head
   ("Evaluation of Lovastatin (EXCEL)") unless the short form starts like the head. A long
   form no source tagged but that the KB names exactly becomes a mention first. A short form
   whose long form is not a mention is not a mention either, and whatever tagged it is dropped.
5. Consistency: a string tagged with different labels in one document takes the label with
   the most evidence (summed scores) everywhere; a string tagged once in a document is tagged
   everywhere in it where nothing else is (source "propagated").
6. Generic words alone ("disease", "sclerosis", "recurrence") and anything in a non-English
   sentence are dropped.

`score` is the expected precision of the mention's source (set in the component config from
the figures measured on BC5CDR devel), scaled by the fuzzy similarity for fuzzy matches.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import IDX, LENGTH, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.fusion_definitions import (
    Candidate,
    Overlaps,
    bracketed_definitions,
    head_defines,
)
from pipeline.components.fusion_drugs import RULES_FILE as DECLINED_DRUGS_FILE
from pipeline.components.fusion_drugs import DeclinedDrugRules
from pipeline.components.fusion_drugs import rule_files as declined_rule_files
from pipeline.components.fuzzy import SPANS_KEY as FUZZY_SPANS_KEY
from pipeline.components.lexicon import LABEL_PRIORITY, english_token_mask, resolve_overlaps
from pipeline.components.lexicon import SPANS_KEY as LEXICON_SPANS_KEY
from pipeline.extensions import doc_text, span_writer  # (the import registers the attributes)
from pipeline.kb import KnowledgeBase
from pipeline.kb.classes import CLASS_CONCEPTS_FILE, ClassConcepts
from pipeline.labels import CYTOKINE, DRUG
from pipeline.paths import rule_file
from pipeline.rules import read_term_list, read_word_list, write_word_list

DEFAULT_GENERIC_TERMS = rule_file("generic_terms.txt")
FUNCTION_WORDS_FILE = "function_words.txt"
#: where `to_disk` keeps the declined-drug rules and the stem lists they name
DECLINED_DRUGS_FOLDER = "declined_drugs"
DEFAULT_SCORES = {
    "model": 0.85,
    "lexicon": 0.9,
    "model+lexicon": 0.97,
    "fuzzy": 0.8,
    "abbreviation": 0.9,
    "propagated": 0.8,
}


class _LowerTexts:
    """Lower-cased texts of candidates' token ranges in one doc, each made once.

    A token range's text is the doc's text from its first token's start to its last token's
    end (what `doc[start:end].text` joins), sliced without making a Span.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.made: dict[tuple[int, int], str] = {}
        self._text: str | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def of(self, c: Candidate) -> str:
        key = (c.start, c.end)
        text = self.made.get(key)
        if text is None:
            if self._text is None:
                self._text = doc_text(self.doc)
                offsets = self.doc.to_array([IDX, LENGTH])
                self._starts = offsets[:, 0].tolist()
                self._ends = (offsets[:, 0] + offsets[:, 1]).tolist()
            if c.end > c.start:
                text = self._text[self._starts[c.start] : self._ends[c.end - 1]].lower()
            else:
                text = ""
            self.made[key] = text
        return text


def read_terms(path: Path) -> set[str]:
    """The terms of a list (`rules.read_term_list`: lower-case words, one term per line, each
    once; RuleError naming the file and line otherwise)."""
    return set(read_term_list(path))


# the Span attributes set on each mention, in the order `Fusion.__call__` writes them
_WRITTEN = ("concept_id", "source", "score", "is_abbreviation", "long_form_text")
#: Words (lower-case hashes) whose `add_name_heads` answer a Fusion keeps, then starts again.
_HEADS_KEPT = 100_000
#: Sources whose span is a dictionary name, not only the model's guess.
NAMED_SOURCES = frozenset({"lexicon", "model+lexicon"})


class Fusion:
    """Merges mention sources into `doc.ents` by the rules in the module docstring."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        generic_terms_path: str | None = None,
        function_words_path: str | None = None,
        scores: dict[str, float] | None = None,
        propagate: bool = True,
        keep_lexicon_only: bool = True,
        keep_fuzzy_only: bool = True,
        lexicon_only_drug_branches: list[str] | None = None,
        prefer_longer_lexicon: bool = True,
        lookup_long_forms: bool = True,
        kb_path: str | None = None,
        class_concepts_path: str | None = None,
        declined_drugs_path: str | None = None,
    ) -> None:
        self.name = name
        self.generic_terms = read_terms(
            Path(generic_terms_path) if generic_terms_path else DEFAULT_GENERIC_TERMS
        )
        self.function_words = frozenset(
            read_word_list(
                Path(function_words_path) if function_words_path
                else rule_file(FUNCTION_WORDS_FILE)
            )
        )
        self.scores = {**DEFAULT_SCORES, **(scores or {})}
        unknown = set(self.scores) - set(DEFAULT_SCORES)
        if unknown:
            raise ValueError(
                f"biotab_fusion: unknown score source(s) {sorted(unknown)}; "
                f"expected keys among {sorted(DEFAULT_SCORES)}"
            )
        self.propagate = propagate
        self.keep_lexicon_only = keep_lexicon_only
        self.keep_fuzzy_only = keep_fuzzy_only
        branches = lexicon_only_drug_branches
        if branches is not None and not all(
            isinstance(b, str) and b[:1].isalpha() for b in branches
        ):
            raise ValueError(
                f"biotab_fusion: lexicon_only_drug_branches is {branches!r}; expected MeSH "
                "tree-number prefixes such as 'D02'"
            )
        self.lexicon_only_drug_branches = tuple(branches) if branches is not None else None
        self.prefer_longer_lexicon = prefer_longer_lexicon
        self.lookup_long_forms = lookup_long_forms
        self.kb_path = kb_path
        self._kb: KnowledgeBase | None = None
        self.classes = ClassConcepts.load(
            Path(class_concepts_path) if class_concepts_path else None
        )
        self._declined_drugs_path = Path(declined_drugs_path) if declined_drugs_path else None
        self.declined_drugs = DeclinedDrugRules.load(self._declined_drugs_path)
        # the words `add_name_heads` asked the KB about, and its answers (words recur)
        self._heads: dict[int, str | None] = {}

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = KnowledgeBase.load(Path(self.kb_path) if self.kb_path else None)
        return self._kb

    def _in_drug_branches(self, concept_id: str | None) -> bool:
        concept = self.kb.get(concept_id) if concept_id else None
        if concept is None:
            return False
        if concept.concept_id.startswith("MESH:C") and not concept.tree_numbers:
            return True
        branches = self.lexicon_only_drug_branches or ()
        # a class listed by id: one whose nouns are curated patterns ("immunosuppressants");
        # not every concept under a class tree ("estrogenic effects" is an alias of Estrogens)
        return any(t.startswith(branches) for t in concept.tree_numbers) or (
            concept.concept_id in self.classes.ids
        )

    # -- the rules -------------------------------------------------------------------------
    def merge_sources(self, doc: Doc) -> list[Candidate]:
        """Rules 1-3: model, lexicon and fuzzy spans into non-overlapping candidates."""
        model = [
            Candidate(e.start, e.end, e.label_, "model", None, self.scores["model"])
            for e in doc.ents
        ]
        matched = [
            Candidate(s.start, s.end, s.label_, "lexicon", s.id_ or None, self.scores["lexicon"])
            for s in doc.spans.get(LEXICON_SPANS_KEY, [])
        ]
        for s in doc.spans.get(FUZZY_SPANS_KEY, []):
            similarity = s._.score if s._.score is not None else 1.0
            matched.append(
                Candidate(
                    s.start, s.end, s.label_, "fuzzy", s.id_ or None,
                    round(self.scores["fuzzy"] * similarity, 3),
                )
            )
        result: list[Candidate] = []
        used: set[int] = set()
        overlapping_of = Overlaps(matched)
        for m in model:
            m_start, m_end = m.start, m.end
            overlapping = overlapping_of(m)
            used.update(i for i, _ in overlapping)
            # the first CYTOKINE, the first with the model's span, the first longest containing it
            cytokine = same = longer = None
            for _, c in overlapping:
                if cytokine is None and c.label == CYTOKINE:
                    cytokine = c
                if same is None and c.start == m_start and c.end == m_end:
                    same = c
                if (
                    c.start <= m_start
                    and c.end >= m_end
                    and (longer is None or c.end - c.start > longer.end - longer.start)
                ):
                    longer = c
            if cytokine is not None:
                result.append(cytokine)
            elif same is not None:
                # Same span: the dictionary's label and concept (the model's label on a
                # misspelled or rare word is the weaker evidence).
                source = "model+lexicon" if same.source == "lexicon" else same.source
                score = self.scores["model+lexicon"] if same.source == "lexicon" else same.score
                result.append(
                    Candidate(m.start, m.end, same.label, source, same.concept_id, score)
                )
            elif longer is not None and self.prefer_longer_lexicon:
                result.append(longer)
            else:
                result.append(m)
        def keep(c: Candidate) -> bool:
            if c.source == "fuzzy":
                return self.keep_fuzzy_only
            if not self.keep_lexicon_only:
                return False
            if c.label != DRUG or self.lexicon_only_drug_branches is None:
                return True
            if self._in_drug_branches(c.concept_id):
                return True
            concept = self.kb.get(c.concept_id) if c.concept_id else None
            return self.declined_drugs.keeps(doc, c.start, c.end, concept)

        # the others in their order, each unless it overlaps one taken before (tokens taken are
        # marked: a document with thousands of mentions costs linear time, not quadratic)
        taken = bytearray(len(doc))
        for r in result:
            taken[r.start : r.end] = b"\x01" * (r.end - r.start)
        for i, c in enumerate(matched):
            if keep(c) and i not in used and not any(taken[c.start : c.end]):
                result.append(c)
                taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        return result

    def add_name_heads(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        """Rule 3, last part: an untagged word that begins the names of one drug only
        ("certolizumab" of "certolizumab pegol"; `DeclinedDrugRules.head_of_one_drug`)."""
        rules = self.declined_drugs
        if not (self.keep_lexicon_only and rules.first_words):
            return cands
        lowers = doc.to_array(LOWER).tolist()
        taken = bytearray(len(doc))
        for c in cands:
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        added = []
        strings, heads = doc.vocab.strings, self._heads
        for i, low in enumerate(lowers):
            if taken[i]:
                continue
            if low not in heads:  # answers kept by the word's hash: words recur across documents
                if len(heads) >= _HEADS_KEPT:
                    heads.clear()
                heads[low] = self._head_of(strings[low])
            cid = heads[low]
            if cid is not None:
                added.append(Candidate(i, i + 1, DRUG, "lexicon", cid, self.scores["lexicon"]))
        return cands + added

    def _head_of(self, word: str) -> str | None:
        """`add_name_heads`' answer for one lower-case word (cheap tests first)."""
        if len(word) < 6 or not word.isalpha() or word[-3:] not in self.declined_drugs.stem_ends:
            return None
        return self.declined_drugs.head_of_one_drug(word, self.kb)

    def apply_abbreviations(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        """Rule 4: short forms take their long form's label and concept, everywhere."""
        abbreviations = doc._.abbreviations if Doc.has_extension("abbreviations") else []
        groups: dict[tuple[int, int], list[Span]] = {}
        for short in abbreviations:
            long_form = short._.long_form
            # scispacy also pairs restatements ("Alopecia totalis (alopecia totalis)"):
            # an abbreviation is one short word.
            if long_form is None or any(c.isspace() for c in short.text) or (
                len(short.text) >= len(long_form.text)
            ):
                continue
            groups.setdefault((long_form.start, long_form.end), []).append(short)
        known = {s.text for shorts in groups.values() for s in shorts}
        for key, shorts in bracketed_definitions(doc, cands, known).items():
            groups.setdefault(key, []).extend(shorts)
        for (start, end), shorts in groups.items():
            long_form = doc[start:end]
            owner, whole = self._mention_for(long_form, cands)
            if owner is not None and not whole and not head_defines(
                long_form, owner, shorts, self.function_words
            ):
                owner = None
            if owner is None:
                owner, whole = self._kb_mention(long_form), True
            if owner is not None and owner not in cands:
                cands = [c for c in cands if not c.overlaps(owner)] + [owner]
            # "C" of a dictionary name such as "vitamin C" is not the short form "C".
            # (Plain token ranges and candidates' ids: a long document's hundreds of
            # definitions times its thousands of candidates made Span attribute reads and
            # dataclass comparisons most of this stage's time.)
            named = [(c.start, c.end) for c in cands if c.source in NAMED_SOURCES]
            ranges = [(s.start, s.end) for s in shorts]
            kept = [k for k, (i, j) in enumerate(ranges)
                    if not any(a <= i and b >= j and b - a > j - i for a, b in named)]
            shorts, ranges = [shorts[k] for k in kept], [ranges[k] for k in kept]
            on_short = {id(c) for c in cands if any(c.start < b and a < c.end for a, b in ranges)}
            cands = [c for c in cands if id(c) not in on_short]
            if owner is None:
                # Nothing names the long form ("Severity Index (CLASI)"): whatever tagged
                # the short form is dropped with it.
                continue
            cands.extend(
                Candidate(
                    s.start, s.end, owner.label, "abbreviation",
                    owner.concept_id if whole else None,
                    min(owner.score, self.scores["abbreviation"]),
                    is_abbreviation=True, long_form=long_form.text,
                )
                for s in shorts
            )
        return cands

    def _kb_mention(self, long_form: Span) -> Candidate | None:
        """A long form no source tagged, but which the KB names exactly."""
        if not self.lookup_long_forms:
            return None

        for concept in self.kb.lookup(long_form.text):
            return Candidate(
                long_form.start, long_form.end, concept.label, "lexicon", concept.concept_id,
                self.scores["lexicon"],
            )
        return None

    @staticmethod
    def _mention_for(long_form: Span, cands: list[Candidate]) -> tuple[Candidate | None, bool]:
        """The mention the long form ends with, and whether it is all of the long form.

        The long form's last word is what the short form names: "glutamic acid decarboxylase
        (GAD)" is an enzyme, whatever "glutamic acid" is. All of it: the mention covers the
        long form, or at least half of it ("combined oral contraceptives" for scispacy's
        "contraceptives"; "dyskinesias" of "levodopa-induced dyskinesias"); else only its head
        ("dyskinesias" of "levodopa-induced peak-dose dyskinesias").
        """
        for c in cands:
            if c.is_abbreviation or c.end != long_form.end:
                continue
            if c.start <= long_form.start:
                return c, True
            return c, (c.end - c.start) * 2 >= long_form.end - long_form.start
        return None, False

    @staticmethod
    def harmonize_labels(
        doc: Doc, cands: list[Candidate], texts: _LowerTexts | None = None
    ) -> list[Candidate]:
        """Rule 5a: one string, one label per document: the label with the most evidence."""
        texts = texts or _LowerTexts(doc)
        evidence: dict[str, dict[str, float]] = {}
        keys = [texts.of(c) for c in cands]
        for c, key in zip(cands, keys, strict=True):
            evidence.setdefault(key, {}).setdefault(c.label, 0.0)
            evidence[key][c.label] += c.score
        out = []
        for c, key in zip(cands, keys, strict=True):
            labels = evidence[key]
            best = max(labels, key=lambda lab: (labels[lab], -LABEL_PRIORITY.get(lab, 9)))
            if best != c.label:
                c = Candidate(c.start, c.end, best, c.source, None, c.score,
                              c.is_abbreviation, c.long_form)
            out.append(c)
        return out

    def propagate_strings(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        """Rule 5: a string tagged once is tagged wherever it occurs untagged in the doc."""
        strings = doc.vocab.strings  # token.lower_ without making every token
        lowers = [strings[h] for h in doc.to_array(LOWER).tolist()]
        by_string: dict[tuple[str, ...], Candidate] = {}
        for c in sorted(cands, key=lambda c: (-c.score, c.start)):
            key = tuple(lowers[c.start : c.end])
            if len("".join(key)) >= 3 and not c.is_abbreviation:
                by_string.setdefault(key, c)
        if not by_string:
            return cands
        taken = [False] * len(doc)
        for c in cands:
            taken[c.start : c.end] = [True] * (c.end - c.start)
        first_tokens: dict[str, list[tuple[str, ...]]] = {}
        for key in by_string:
            first_tokens.setdefault(key[0], []).append(key)
        # longest first, sorted once rather than at every token
        longest_first = {
            low: sorted(keys, key=len, reverse=True) for low, keys in first_tokens.items()
        }
        added: list[Candidate] = []
        for i, low in enumerate(lowers):
            for key in longest_first.get(low, ()):
                j = i + len(key)
                if tuple(lowers[i:j]) == key and not any(taken[i:j]):
                    src = by_string[key]
                    added.append(
                        Candidate(i, j, src.label, "propagated", src.concept_id,
                                  min(src.score, self.scores["propagated"]))
                    )
                    taken[i:j] = [True] * (j - i)
                    break
        return cands + added

    def drop_unwanted(
        self, doc: Doc, cands: list[Candidate], texts: _LowerTexts | None = None
    ) -> list[Candidate]:
        """Rule 6: generic words alone, and mentions in non-English sentences."""
        texts = texts or _LowerTexts(doc)
        english = english_token_mask(doc)
        return [c for c in cands if english[c.start] and texts.of(c) not in self.generic_terms]

    # -- the component -----------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        texts = _LowerTexts(doc)
        cands = self.merge_sources(doc)
        cands = self.add_name_heads(doc, cands)
        cands = self.apply_abbreviations(doc, cands)
        cands = self.harmonize_labels(doc, cands, texts)
        if self.propagate:
            cands = self.propagate_strings(doc, cands)
        cands = self.drop_unwanted(doc, cands, texts)
        spans = resolve_overlaps(
            Span(doc, c.start, c.end, label=c.label) for c in cands
        )
        by_offsets = {(c.start, c.end, c.label): c for c in cands}
        write = span_writer(_WRITTEN)
        for span in spans:
            c = by_offsets[(span.start, span.end, span.label_)]
            write(span, (c.concept_id, c.source, c.score, c.is_abbreviation, c.long_form))
        doc.set_ents(spans, default="outside")
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "generic_terms.txt").write_text(
            "\n".join(sorted(self.generic_terms)) + "\n", encoding="utf-8"
        )
        write_word_list(path / FUNCTION_WORDS_FILE, sorted(self.function_words))
        self.classes.to_disk(path)
        srsly.write_json(path / "scores.json", self.scores)
        # the rules file names its stem list by a path relative to itself: copied side by side
        drugs = path / DECLINED_DRUGS_FOLDER
        drugs.mkdir(exist_ok=True)
        for source in declined_rule_files(self._declined_drugs_path):
            if not (drugs / source.name).exists() or not (drugs / source.name).samefile(source):
                shutil.copyfile(source, drugs / source.name)  # (saved again where it was read)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> Fusion:
        """Restore the lists and scores `to_disk` wrote; a component saved without a function
        word list or class list keeps the one it was made with."""
        path = Path(path)
        self.generic_terms = read_terms(path / "generic_terms.txt")
        if (path / FUNCTION_WORDS_FILE).exists():
            self.function_words = frozenset(read_word_list(path / FUNCTION_WORDS_FILE))
        if (path / CLASS_CONCEPTS_FILE).exists():
            self.classes = ClassConcepts.load(path / CLASS_CONCEPTS_FILE)
        self.scores = {**DEFAULT_SCORES, **srsly.read_json(path / "scores.json")}
        saved = path / DECLINED_DRUGS_FOLDER / DECLINED_DRUGS_FILE
        if saved.exists():
            self._declined_drugs_path = saved
            self.declined_drugs = DeclinedDrugRules.load(saved)
        return self


@Language.factory(
    "biotab_fusion",
    # (`doc.ents` is read when a model set them: not required, a lexicon-only pipeline has none)
    assigns=["doc.ents", "span._.concept_id", "span._.source", "span._.score",
             "span._.is_abbreviation", "span._.long_form_text"],
    requires=["doc.spans", "doc._.abbreviations", "span._.language"],
    default_config={
        "generic_terms_path": None,
        "function_words_path": None,
        "scores": None,
        "propagate": True,
        "keep_lexicon_only": True,
        "keep_fuzzy_only": True,
        "lexicon_only_drug_branches": None,
        "prefer_longer_lexicon": True,
        "lookup_long_forms": True,
        "kb_path": None,
        "class_concepts_path": None,
        "declined_drugs_path": None,
    },
)
def make_fusion(
    nlp: Language,
    name: str,
    *,
    generic_terms_path: str | None,
    function_words_path: str | None,
    scores: dict[str, float] | None,
    propagate: bool,
    keep_lexicon_only: bool,
    keep_fuzzy_only: bool,
    lexicon_only_drug_branches: list[str] | None,
    prefer_longer_lexicon: bool,
    lookup_long_forms: bool,
    kb_path: str | None,
    class_concepts_path: str | None,
    declined_drugs_path: str | None,
) -> Fusion:
    return Fusion(
        nlp, name, generic_terms_path=generic_terms_path,
        function_words_path=function_words_path, scores=scores,
        propagate=propagate, keep_lexicon_only=keep_lexicon_only,
        keep_fuzzy_only=keep_fuzzy_only, lexicon_only_drug_branches=lexicon_only_drug_branches,
        prefer_longer_lexicon=prefer_longer_lexicon, lookup_long_forms=lookup_long_forms,
        kb_path=kb_path, class_concepts_path=class_concepts_path,
        declined_drugs_path=declined_drugs_path,
    )


__all__ = ["LABEL_PRIORITY", "Candidate", "Fusion"]
