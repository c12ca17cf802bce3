"""Document context of `biotab_outcomes`: mentions, the main drug and disease, the cohort chain.

`DocContext` holds a document's DRUG/DISEASE mentions (read from the token arrays), its main
drug and disease (`outcome_main`), the arms it has named and their stated sizes, and the cohort
it follows ("Fifteen ... enrolled" -> "One patient discontinued" (1 of 15) -> "All remaining
patients" (14) -> "Twelve of those patients (86%)" (12 of 14)), which `outcome_resolve` reads and
moves on as it turns each parsed figure into a typed row. The arm of each figure is tied before
(`outcome_arms.note_arms`, re-exported here).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy
from spacy.tokens import Doc, Span

import pipeline.extensions  # noqa: F401  (registers the Span attributes read here)
from pipeline.components.outcome_arms import (  # (re-exported: importable from here as before)
    combined_drugs as combined_drugs,
)
from pipeline.components.outcome_arms import note_arms as note_arms
from pipeline.components.outcome_arms import size_arm as size_arm
from pipeline.components.outcome_following_arms import following_drug as following_drug
from pipeline.components.outcome_known_arms import KnownArms
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_main import allocation_stretches, main_mention, study_arm_first
from pipeline.components.outcome_mentions import SentenceMentions as SentenceMentions
from pipeline.components.outcome_mentions import (
    induced_at,
    population_disease,
)
from pipeline.components.outcome_other_arm import fill_other_arms
from pipeline.components.outcome_prevention import Prevented
from pipeline.components.outcome_tokens import Figure, Mention
from pipeline.labels import DRUG, LINKED
from pipeline.outcomes import OutcomeFigure

# An entity in the ENT_IOB column as bytes: its B (3), then the I tokens (1) after it.
_ENTITY = re.compile(rb"\x03\x01*")


def _entity_spans(arr: numpy.ndarray) -> list[tuple[int, int, int]]:
    """(start token, end token, label hash) of `doc.ents`, from the doc's ENT_IOB and ENT_TYPE
    columns (`Offsets.ents`): one regex pass over the IOB codes as bytes (a few numpy calls
    per document cost more than it, on documents of a few hundred tokens)."""
    spans = [m.span() for m in _ENTITY.finditer(arr[:, 0].astype(numpy.uint8).tobytes())]
    if not spans:
        return []
    labels = arr[[start for start, _ in spans], 1].tolist()
    return [(start, end, label) for (start, end), label in zip(spans, labels, strict=True)]


def _mention_reader() -> Callable[[Doc, list[tuple[int, int, str]]], list[tuple[Any, Any]]]:
    """(concept_id, negated) of the entity at each (start char, end char, label), read where
    spaCy keeps a Span's extension values (`doc.user_data`, see
    `pipeline.extensions.span_reader`)."""
    concept, negated = "concept_id", "negated"
    no_concept, not_negated = Span.get_extension(concept)[0], Span.get_extension(negated)[0]

    def read(doc: Doc, spans: list[tuple[int, int, str]]) -> list[tuple[Any, Any]]:
        # (spaCy's stubs type user_data as dict[str, Any]; its Underscore keys are tuples)
        data: dict[Any, Any] = doc.user_data
        get = data.get
        return [
            (get(("._.", concept, start, end), no_concept),
             get(("._.", negated, start, end), not_negated))
            for start, end, _ in spans
        ]  # fmt: skip

    return read


_READ_MENTIONS = _mention_reader()


class DocContext:
    """Mentions of one Doc and the cohort followed through it (mutable, one per Doc)."""

    def __init__(self, doc: Doc, doc_text: str, idx: list[int], ends: list[int],
                 ents: numpy.ndarray,
                 sentences: list[tuple[int, int, int, int]]) -> None:  # fmt: skip
        """`idx`, `ends`: each token's start and end character (Token.idx, idx + length);
        `ents`: its ENT_IOB and ENT_TYPE (`Offsets.ents`); `sentences`: each sentence's first
        and end token and its characters (`Offsets.sentences`)."""
        self.doc = doc
        self.sentences = sentences
        # the entities read from the token arrays, their attributes from the Doc's user data:
        # no Span or extension accessor per mention, one comprehension each
        spans = _entity_spans(ents)
        strings = doc.vocab.strings
        labels = {label_id: strings[label_id] for label_id in {e[2] for e in spans}}
        linked = [
            (idx[start_tok], ends[end_tok - 1], labels[label_id])
            for start_tok, end_tok, label_id in spans
            if labels[label_id] in LINKED
        ]
        self.mentions: list[Mention] = [
            Mention(start, end, label, doc_text[start:end], concept_id, bool(negated))
            for (start, end, label), (concept_id, negated) in zip(
                linked, _READ_MENTIONS(doc, linked), strict=True
            )
        ]
        self.mention_starts = [m.start for m in self.mentions]
        self._main: dict[str, Mention | None] = {}
        self._study_first: dict[str, bool | None] = {}  # (by main drug key)
        self._only_drug: tuple[str | None] | None = None  # (`only_drug`, read once)
        self.enrolled: int | None = None
        self.cohort: int | None = None
        self.remaining: int | None = None
        self.cohort_population: str | None = None
        # the subjects the last sentence that counted some counted last, whom "of these"
        # points back to (`note_counted`)
        self.last_counted: int | None = None
        # arm sizes stated in the document: arm key (`Figure.arm_keys`) -> n; None when two
        # stated sizes of one key differ ("prednisone (n = 50) ... prednisone (n = 48)")
        self.arm_sizes: dict[str, int | None] = {}
        # the sizes of arms of several drugs by each drug ("EPI-TAM, n = 174": epirubicin and
        # tamoxifen), for an arm later named by one of them ("72.6% with EPI"); None when two
        # such arms of different sizes share the drug
        self.part_sizes: dict[str, int | None] = {}
        # the arms named so far (one tuple of keys per arm), and those of the sentence at hand
        self.arms_seen: list[tuple[str, ...]] = []
        self.sentence_arms: list[tuple[str, ...]] = []
        # (the same, each once: a figure reads them all, and a sentence of figures of one arm
        # repeats it for each)
        self.sentence_arm_set: list[tuple[str, ...]] = []
        # an arm named by an arm noun and a label: its key -> its name as the document first
        # wrote it with its noun ("group 1"), and each row's arm key (by outcome_id)
        self.arm_names: dict[str, str] = {}
        # the arms' names as the document wrote them, found again in later sentences
        self.known_arms = KnownArms()
        # every arm's size ("(n = 32 for each)"), as stated: one value, or none if two differ
        self.each_sizes: set[int] = set()
        # the sizes of arms not named ("randomised to HRT (n=188) or no HRT (n=190)")
        self.unnamed_sizes: list[int] = []
        self.row_arm_keys: dict[str, str] = {}
        # each row's arm keys, and those of the arm its figure was compared with where it has
        # none (`outcome_other_arm`), by outcome_id
        self.row_keys: dict[str, tuple[str, ...]] = {}
        self.row_other_keys: dict[str, tuple[str, ...]] = {}
        self._text = doc_text
        self._randomized: bool | None = None
        # the document's allocation stretches (`allocation_stretches`), and their lists past the
        # allocation word, lower case (`outcome_arm_evidence.allocated`), each read once
        self._stretches: list[tuple[int, int, int]] | None = None
        self.allocations: list[str] | None = None
        self._population: tuple[Mention | None] | None = None
        self._induced: dict[str, bool] = {}
        self._prevented: Prevented | None = None
        # the start (Doc offset) of each event, enrollment or efficacy figure whose disease is
        # the document's main one only for want of another (`drop_main_events`)
        self.main_tied: set[int] = set()
        # every event row's event, and the events of the lists event rows count (`Mention.key`)
        self.event_keys: set[str] = set()

    @property
    def text(self) -> str:
        """The document's text."""
        return self._text

    def induced(self, m: Mention, lex: Lexicon) -> bool:
        """Whether the document names `m`'s disease as one a treatment brought about anywhere:
        a DRUG mention or an agent word (`induction_agents`) as its inducer ("cisplatin-induced
        nephrotoxicity", "nephrotoxicity induced by cisplatin", "chemotherapy-induced nausea");
        not "exercise-induced asthma" nor "HIV-associated lymphoma", which who was studied has."""
        key = m.key
        if key not in self._induced:
            self._induced[key] = any(
                d.key == key
                and induced_at(lex, self._text, 0, self.mentions, self.mention_starts, d)
                for d in self.mentions
            )
        return self._induced[key]

    def prevented(self, lex: Lexicon) -> Prevented:
        """What the document's trial prevents (`outcome_prevention`), read once."""
        if self._prevented is None:
            self._prevented = lex.prevention.prevented(self._text, self.mentions, self.sentences)
        return self._prevented

    def population_disease(self, lex: Lexicon) -> Mention | None:
        """The document's first non-negated disease named as who was studied ("patients with
        X", "X patients"), or None."""
        if self._population is None:
            self._population = (
                population_disease(lex, self.mentions, self.mention_starts, self._text, 0),
            )
        return self._population[0]

    def note_arms(self, arms: list[tuple[str, ...]]) -> None:
        """The arms a sentence names (each a figure's `arm_keys`), before its figures resolve."""
        self.sentence_arms = [keys for keys in arms if keys]
        self.sentence_arm_set = list(dict.fromkeys(self.sentence_arms))
        for keys in self.sentence_arm_set:
            self.note_arm(keys)

    def note_arm(self, keys: tuple[str, ...]) -> None:
        if not any(set(keys) & set(seen) for seen in self.arms_seen):
            self.arms_seen.append(keys)

    def multi_arm(self, keys: tuple[str, ...], lex: Lexicon) -> bool:
        """Does the document compare the arm `keys` name with another? It does when it says it
        randomized (`Lexicon.randomized_re`) or names another arm (so far)."""
        if self._randomized is None:
            self._randomized = lex.randomized_re.search(self._text) is not None
        return self._randomized or any(not set(keys) & set(seen) for seen in self.arms_seen)

    def says_randomized(self, lex: Lexicon) -> bool:
        """Does the document say it randomized (`Lexicon.randomized_re`)?"""
        if self._randomized is None:
            self._randomized = lex.randomized_re.search(self._text) is not None
        return self._randomized

    def compares_arms(self, lex: Lexicon) -> bool:
        """Does the document compare arms at all? It does when it says it randomized or names
        two arms (so far)."""
        if self._randomized is None:
            self._randomized = lex.randomized_re.search(self._text) is not None
        return self._randomized or len(self.arms_seen) > 1

    def note_arm_name(self, arm: str, keys: tuple[str, ...], lex: Lexicon) -> None:
        """Remember the name of an arm written as an arm noun and a label ("group 1", "Arm A"),
        the noun in lower case, for its key ("1", "a")."""
        words = arm.split()
        if keys and len(words) == 2 and words[0].lower() in lex.arm_nouns:
            self.arm_names.setdefault(keys[0], f"{words[0].lower()} {words[1]}")

    def named_arms(self, rows: list[OutcomeFigure]) -> list[OutcomeFigure]:
        """The rows with one name for each arm named by a label: "group 1" also where a row's
        text said "arm 1" or "1" (`note_arm_name`); and a row compared with one of the
        document's two arms named by the other (`outcome_other_arm`)."""
        out = []
        for row in rows:
            name = self.arm_names.get(self.row_arm_keys.get(row.outcome_id, ""))
            out.append(row if name is None or name == row.arm else replace(row, arm=name))
        return fill_other_arms(out, self.arms_seen, self.row_keys, self.row_other_keys)

    def drop_main_events(self, rows: list[OutcomeFigure], lex: Lexicon) -> list[OutcomeFigure]:
        """The rows without the document's main disease where only the fallback gave it and it
        is an event row's event or one of the events of a list an event row counts ("Twelve
        patients (10%) had dizziness and 5 (4%) had headache": dizziness is no condition of who
        was studied): the document's population disease instead where it is no such event
        (only an efficacy row can have one then: the others look for it before the main one),
        else none."""
        events = self.event_keys
        population = self.population_disease(lex) if self.main_tied else None
        if population is not None and population.key in events:
            population = None
        out = []
        for r in rows:
            if r.start_char in self.main_tied and r.disease_text is not None and (
                (r.disease_concept_id or r.disease_text.lower()) in events
            ):
                r = replace(
                    r,
                    disease_concept_id=population.concept_id if population else None,
                    disease_text=population.text if population else None,
                )
            out.append(r)
        return out

    def arm_size(self, keys: tuple[str, ...]) -> int | None:
        """The stated size of the arm `keys` name (its text key first, then its drug, then an
        arm of several drugs that holds its drug: "with TAM" is the arm of TAM alone where there
        is one, else the arms with TAM when they agree in size); None when the first key with a
        stated size has two ("prednisone" of arms of 50 and 48): a wrong denominator is worse
        than none. An arm of no stated size has every arm's size, where the document stated one
        ("(n = 32 for each)")."""
        for k in keys:
            if k in self.arm_sizes:
                return self.arm_sizes[k]
        for k in keys:
            if k in self.part_sizes:
                return self.part_sizes[k]
        return self.each_size() if keys else None

    def each_size(self) -> int | None:
        """Every arm's size, where the document stated one ("(n = 32 for each)")."""
        return next(iter(self.each_sizes)) if len(self.each_sizes) == 1 else None

    def note_size(self, key: str, n: int) -> None:
        """An arm's stated size; one key stated with two sizes has none."""
        known = self.arm_sizes.get(key, n)
        self.arm_sizes[key] = n if known == n else None

    def in_range(self, start: int, end: int) -> list[Mention]:
        lo = bisect.bisect_left(self.mention_starts, start)
        out = []
        for m in self.mentions[lo:]:
            if m.start >= end:
                break
            if m.end <= end:
                out.append(m)
        return out

    def note_counted(self, figures: list[Figure]) -> None:
        """Keep the last count of subjects of a sentence's parsed figures ("In four patients
        ...", "12 of 30 patients had X": four, 12) as `last_counted`; a sentence that states an
        arm's size ("(n = 40)") leaves none, as "these" after it may be either arm or both."""
        counted = [f for f in figures if f.count is not None and f.ratio is None
                   and (f.has_pop or f.needs_cue or f.den_phrase)]  # fmt: skip
        if any(f.n_form for f in figures):
            self.last_counted = None
        elif counted:
            self.last_counted = counted[-1].count

    def main(self, label: str, lex: Lexicon) -> Mention | None:
        """The document's main mention of `label`, its figures' last resort
        (`outcome_main.main_mention`: the title's drug, the allocation's, else the most
        frequent)."""
        if label in self._main:
            return self._main[label]
        best: Mention | None = None
        if self.mentions and self.sentences:
            sentences = self.sentences
            # the sentence of the first mention, and the first sentence (the title)
            first = bisect.bisect_right(sentences, self.mentions[0].start, key=lambda s: s[2])
            best = main_mention(label, self.mentions, self._text, sentences[0][2:],
                                sentences[max(0, first - 1)][3],
                                lambda: self.allocation_stretches(lex), lex)  # fmt: skip
        self._main[label] = best
        return best

    def only_drug(self, lex: Lexicon) -> str | None:
        """The concept id of the one drug the document names (no control arm: "placebo"); None
        when it names none or several ("PEG-rhG-CSF 6 mg group" in a trial of chemotherapy with
        growth factors is no dose of the chemotherapy). Read once a document."""
        if self._only_drug is None:
            control = lex.control_word_re.fullmatch
            ids = {m.concept_id for m in self.mentions
                   if m.label == DRUG and m.concept_id and not control(m.text)}  # fmt: skip
            self._only_drug = (ids.pop() if len(ids) == 1 else None,)
        return self._only_drug[0]

    def study_arm_first(self, main: Mention, lex: Lexicon) -> bool | None:
        """Which figure of a compared pair is the study arm's (`outcome_main.study_arm_first`),
        read once a document for its main drug (it reads the whole title and allocation)."""
        if main.key not in self._study_first:
            self._study_first[main.key] = study_arm_first(
                main, self.mentions, self._text, self.sentences[0][2:],
                self.allocation_stretches(lex), lex,
            )  # fmt: skip
        return self._study_first[main.key]

    def allocation_stretches(self, lex: Lexicon) -> list[tuple[int, int, int]]:
        """(start, list start, list end) of each stretch where the document allocates its
        subjects (`outcome_main.allocation_stretches`), read once."""
        if self._stretches is None:
            self._stretches = allocation_stretches(self._text, lex)
        return self._stretches
