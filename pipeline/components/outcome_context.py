"""Document context of `biotab_outcomes`: mentions, the main drug and disease, the cohort chain.

`DocContext` holds a document's DRUG/DISEASE mentions and follows the cohort through it
("Fifteen ... enrolled" -> "One patient discontinued" (1 of 15) -> "All remaining patients" (14)
-> "Twelve of those patients (86%)" (12 of 14)). `resolve_figure` turns a parsed figure into a
typed `OutcomeFigure` (pipeline/outcomes.py) with those numbers and its drug and disease ties.
The arm of each figure is tied before (`outcome_arms.note_arms`, re-exported here).

A figure of one arm is taken over that arm's stated size ("group A (n = 55) ... (group A = 5,
group B = 2)": 5 of 55), never over another arm's; the cohort holds every arm, so it is an arm's
denominator only in a study of one arm (`DocContext.multi_arm`): in a study that compares arms
an arm's count of unstated size gets none, since a user dividing by a wrong denominator is worse
off than one told it is unknown (an arm's percentage may still take a size it agrees with), and
an arm's size does not replace the cohort for the figures of no arm. So too for a count compared
with another whose arm the sentence does not name ("(13 vs 31)", "in 28 and 15 patients,
respectively": `Figure.compared`): in a study that compares arms it is one arm's, of unknown size.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy
from spacy.tokens import Doc, Span

import pipeline.extensions  # noqa: F401  (registers the Span attributes read here)
from pipeline.components.outcome_arms import arm_drugs, arm_mentions, arm_text
from pipeline.components.outcome_arms import (  # (re-exported: importable from here as before)
    combined_drugs as combined_drugs,
)
from pipeline.components.outcome_arms import note_arms as note_arms
from pipeline.components.outcome_arms import size_arm as size_arm
from pipeline.components.outcome_diseases import disease_tie
from pipeline.components.outcome_following_arms import following_drug as following_drug
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_main import main_mention
from pipeline.components.outcome_mentions import SentenceMentions as SentenceMentions
from pipeline.components.outcome_mentions import (
    event_tie,
    induced_at,
    population_disease,
)
from pipeline.components.outcome_other_arm import fill_other_arms, other_arm_keys
from pipeline.components.outcome_tokens import Figure, Mention, pct_consistent
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
                 ents: numpy.ndarray) -> None:  # fmt: skip
        """`idx`, `ends`: each token's start and end character (Token.idx, idx + length);
        `ents`: its ENT_IOB and ENT_TYPE (`Offsets.ents`)."""
        self.doc = doc
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
        self.enrolled: int | None = None
        self.cohort: int | None = None
        self.remaining: int | None = None
        self.cohort_population: str | None = None
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
        # an arm named by an arm noun and a label: its key -> its name as the document first
        # wrote it with its noun ("group 1"), and each row's arm key (by outcome_id)
        self.arm_names: dict[str, str] = {}
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
        # the document's allocation sentences past their allocation word, lower case
        # (`outcome_arm_evidence.allocated`, read once)
        self.allocations: list[str] | None = None
        self._population: tuple[Mention | None] | None = None
        self._induced: dict[str, bool] = {}
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
        for keys in self.sentence_arms:
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

    def main(self, label: str, lex: Lexicon) -> Mention | None:
        """The document's main mention of `label`, its figures' last resort
        (`outcome_main.main_mention`: the title's drug, the allocation's, else the most
        frequent)."""
        if label in self._main:
            return self._main[label]
        best: Mention | None = None
        if self.mentions:
            title = self.doc[0].sent
            first = self.doc.char_span(
                self.mentions[0].start, self.mentions[0].start + 1, alignment_mode="expand"
            )
            first_end = first.sent.end_char if first is not None else self.mentions[0].start
            best = main_mention(label, self.mentions, self._text,
                                (title.start_char, title.end_char), first_end, lex)  # fmt: skip
        self._main[label] = best
        return best


@dataclass
class _Numbers:
    count: int | None
    num: int | None
    den: int | None
    population: str | None


@dataclass
class _Arm:
    """The figure's arm, as its denominator is chosen: the arm's stated size, the other arms'
    stated sizes, whether the document compares arms and the sentence names another."""

    size: int | None
    others: frozenset[int]
    multi: bool
    pooled: bool

    @classmethod
    def of(cls, f: Figure, ctx: DocContext, lex: Lexicon) -> _Arm | None:
        keys = f.arm_keys
        if not keys:
            return None
        others = frozenset(v for k, v in ctx.arm_sizes.items() if k not in keys and v is not None)
        pooled = any(not set(keys) & set(other) for other in ctx.sentence_arms)
        return cls(ctx.arm_size(keys), others, ctx.multi_arm(keys, lex), pooled)


def _enrollment(
    f: Figure, ctx: DocContext, den_context: int | None, n: _Numbers, arm: _Arm | None
) -> None:
    """An enrollment count starts the cohort chain, unless it is the size of one of several
    arms ("group A (n = 55)", "HRT (n=188) or no HRT (n=190)" where HRT is no drug mention):
    the cohort holds them all."""
    if n.count is None:
        return
    if n.den is None and den_context is not None and n.count <= den_context and not f.of_phrase:
        n.den = den_context
    if n.den is None:
        n.num = None
    if f.one_arm and arm is None:
        ctx.unnamed_sizes.append(n.count)
    if f.each_arm or f.one_arm or (arm is not None and arm.multi):
        return
    ctx.enrolled = ctx.cohort = n.count
    ctx.remaining = None
    ctx.cohort_population = n.population


def _arm_candidates(
    f: Figure, ctx: DocContext, den_context: int | None, arm: _Arm, cands: list[int]
) -> list[int]:
    """The denominators an arm's figure may take: its arm's stated size first; never another
    arm's size; in a study that compares arms, the cohort (or a sentence's pool "Of the 112
    patients," when the sentence names another arm) holds every arm, so a bare count takes it
    not at all (a percentage only where the count and the percentage agree with it)."""
    cohort = {ctx.cohort, ctx.remaining, ctx.enrolled}
    out = [] if arm.size is None else [arm.size]
    for c in cands:
        if c in out or c in arm.others:
            continue
        if (
            not arm.multi
            or f.pct is not None
            or (c == den_context and c not in cohort and not arm.pooled)
        ):
            out.append(c)
    return out


def _follow_cohort(
    f: Figure, ctx: DocContext, den_context: int | None, n: _Numbers, arm: _Arm | None,
    lex: Lexicon,
) -> bool:
    """Complete numerator/denominator from the cohort (an arm's figure: `_arm_candidates`);
    False if an "all ..." figure has none."""
    cands: list[int] = []
    if den_context is not None:
        cands.append(den_context)
    if f.remaining and ctx.remaining is not None:
        cands.append(ctx.remaining)
    for c in (ctx.cohort, ctx.remaining, ctx.enrolled):
        if c is not None and c not in cands:
            cands.append(c)
    if arm is not None:
        cands = _arm_candidates(f, ctx, den_context, arm, cands)
    # "(13 vs 31)" in a study that compares arms: each count is one arm's, of an arm not named;
    # the cohort (and a pool "Of the 79 patients,") holds both arms
    per_arm = arm is None and f.compared and f.pct is None and ctx.compares_arms(lex)
    if per_arm:
        each = ctx.each_size()
        cands = [] if each is None else [each]
    if f.all_form and n.count is None:
        remaining = ctx.remaining if ctx.remaining in cands else None
        pool = cands[:1] if not f.remaining else [remaining] if remaining else []
        if not pool:
            return False
        n.count = n.num = n.den = pool[0]
    elif n.den is None and n.num is not None and n.count is not None:
        if f.pct is not None:
            if arm is None:
                # a share of no known arm may be of an arm whose size was stated ("In the LED
                # group (n=18), ... six (33.3%)"), or stated unnamed ("randomized to acupuncture
                # (n = 50) or sham (n = 48)"): the count and the percentage check it
                sizes = [v for v in reversed(ctx.arm_sizes.values()) if v is not None]
                pool = [*cands, *sizes, *ctx.unnamed_sizes]
            elif arm.size is None:
                # an arm of no named size may be one whose size was stated unnamed ("(n = 35,
                # vandetanib; n = 29, placebo)"): the count and the percentage check it
                pool = [*cands, *(c for c in ctx.unnamed_sizes if c not in arm.others)]
            else:
                pool = cands
            fits = [c for c in pool if pct_consistent(n.num, c, f.pct, f.pct_decimals)]
            # (two arms' sizes it agrees with: "102 (10%)" of arms of 1043 and 1065 is of
            # either, and a wrong denominator is worse than none)
            ambiguous = bool(fits) and fits[0] not in cands and len(set(fits) - set(cands)) > 1
            n.den = None if ambiguous else next(iter(fits), None)
        elif cands and (f.remaining or f.those or den_context is not None or f.zero
                        or f.has_pop or f.needs_cue):  # fmt: skip
            n.den = cands[0] if n.num < cands[0] or _all_of(f, cands[0], den_context) else None
    elif n.den is not None and n.num is None and f.pct is not None:
        den = n.den
        exact = [k for k in range(den + 1) if pct_consistent(k, den, f.pct, f.pct_decimals)]
        n.num = exact[0] if len(exact) == 1 else None
    if n.population is None and n.den is not None and n.den in cands:
        n.population = ctx.cohort_population
    if per_arm or (arm is not None and arm.multi):
        return True  # one arm's figures do not carry the cohort on
    if f.remaining and ctx.remaining is not None and n.den == ctx.remaining:
        ctx.cohort = ctx.remaining
    if f.all_form and n.den is not None:
        ctx.cohort = n.den
    if (
        f.measure == "discontinuation"
        and n.num is not None
        and n.den is not None
        and n.den == ctx.cohort
        and n.num < n.den
    ):
        ctx.remaining = n.den - n.num
    return True


def _all_of(f: Figure, size: int, den_context: int | None) -> bool:
    """May a bare count equal to the group it would be counted in be all of that group? Only
    when the sentence says so ("Of the 30 patients, 30 ...", "the remaining 14 patients"): a
    count that merely equals the cohort's or its arm's size restates who was studied ("49
    patients in the ALND group", "tested in 50 patients"), an event count of N/N by accident of
    the numbers."""
    return size == den_context or f.remaining or f.those


def _drug_tie(
    f: Figure, parser: SentenceParser, ctx: DocContext, sm: SentenceMentions
) -> tuple[str | None, str | None]:
    """(drug text, drug concept id): the figure's arm (`note_arms` made the drug named right
    after it its arm: "28% with docetaxel"), else the nearest drug of the figure's clause, of
    the sentence (a drug across a strong boundary is another clause's: "risk was higher with
    suprofen (OR 3.8), whereas alcohol ..."), the document's main drug; none that is the arm of
    the figure it is compared with (`Figure.other_arm`)."""
    base = sm.base
    if f.arm is not None:
        drugs = [m for m in arm_mentions(f, ctx, base) if m.label == DRUG]
        return arm_text(f, parser.text), drugs[0].concept_id if drugs else None
    lo, hi = parser.clause_chars(f.ts)
    drug = sm.nearest(DRUG, base + f.start, base + f.end, base + lo, base + hi)
    if drug is None:
        drug = sm.nearest(DRUG, base + f.start, base + f.end)
    if drug is None:
        drug = ctx.main(DRUG, sm.lex)
    if drug is not None and f.other_arm is not None and (
        base + f.other_arm[0] <= drug.start and drug.end <= base + f.other_arm[1]
    ):
        return None, None  # the other arm's drug ("fewer in the ropivacaine group (13 vs 31)")
    return (drug.text, drug.concept_id) if drug is not None else (None, None)


def _group_size(
    f: Figure, parser: SentenceParser, ctx: DocContext, sm: SentenceMentions, n: _Numbers
) -> int | None:
    """Record an arm's size from "<arm> (n = 453)" or "120 patients in the X arm"; return the
    size of the figure's arm when the document stated it."""
    keys = list(f.arm_keys)
    if f.each_arm and n.count is not None:
        ctx.each_sizes.add(n.count)
        return n.count
    if f.measure == "enrollment" and n.count is not None:
        size_keys = list(keys)
        if not size_keys and parser.toks[f.ts].lower == "n":
            before = parser.text[max(0, f.start - 4) : f.start]
            drug = sm.nearest(DRUG, sm.base + f.start - len(before), sm.base + f.start)
            if drug is not None and 0 <= f.start + sm.base - drug.end <= 4 and "(" in before:
                size_keys.append(drug.key)
        for key in size_keys:
            ctx.note_size(key, n.count)
        if size_keys:
            ctx.note_arm(tuple(size_keys))
        drugs = arm_drugs(f, ctx, sm)
        if len(drugs) > 1:
            for m in drugs:
                key = m.key
                known = ctx.part_sizes.get(key, n.count)
                ctx.part_sizes[key] = n.count if known == n.count else None
        return n.count if size_keys else None
    return ctx.arm_size(f.arm_keys)


def _value_unit(f: Figure, n: _Numbers) -> tuple[float, str] | None:
    """The figure's value and unit (a rate also sets `n`'s denominator and population: per
    person-years); None for a figure with neither a statistic, a percentage nor a count."""
    if f.ratio is not None and f.ratio_value is not None:
        return f.ratio_value, f.ratio
    if f.rate_per is not None and f.ratio_value is not None:
        n.den, n.population = f.rate_per, "person-years"
        return f.ratio_value, "rate"
    if f.time_unit is not None and f.ratio_value is not None:
        return f.ratio_value, f.time_unit
    if f.pct is not None and f.relative:
        return float(f.pct), "relative_change"
    if f.pct is not None and f.area:
        # "hair on about 60% of her head": an extent in one patient, not a share of patients
        return float(f.pct), "percent_extent"
    if f.pct is not None and not (f.measure == "enrollment" and n.count is not None):
        # ("212 (71%) were enrolled": an enrollment row counts subjects)
        return float(f.pct), "percent"
    if n.count is not None:
        return float(n.count), "count"
    return None


def resolve_figure(
    base: int,
    sent_idx: int,
    f: Figure,
    parser: SentenceParser,
    ctx: DocContext,
    sm: SentenceMentions,
    den_context: int | None,
) -> OutcomeFigure | None:
    """The figure as a typed outcome: numerator/denominator completed through the document's
    cohort chain (`ctx`), tied to its arm or nearest drug and disease. `base`: where the
    sentence starts in the document's text."""
    assert f.measure is not None
    population = f.population
    if population is not None and population.lower() in sm.lex.back_reference:
        population = None
    n = _Numbers(f.count, f.num, f.den, population)
    arm_ctx = _Arm.of(f, ctx, sm.lex)
    if f.ratio is not None or f.relative or f.rate_per or f.time_unit:
        pass  # a statistic, not a share of the cohort
    elif f.measure == "enrollment":
        _enrollment(f, ctx, den_context, n, arm_ctx)
    elif not _follow_cohort(f, ctx, den_context, n, arm_ctx, sm.lex):
        return None
    value_unit = _value_unit(f, n)
    if value_unit is None:
        return None
    value, unit = value_unit
    drug_text, drug_id = _drug_tie(f, parser, ctx, sm)
    arm = arm_text(f, parser.text)
    group_size = _group_size(f, parser, ctx, sm, n)
    event, listed = event_tie(f, sm, base)
    events = [event] if event is not None else listed
    ctx.event_keys.update(m.key for m in events)
    disease = disease_tie(f, ctx, sm, base, events)
    start, end = base + f.start, base + f.end
    outcome_id = f"{sent_idx}:{start}"
    if f.arm_keys:  # (also a figure that carries the arms of the sentence before, unnamed)
        ctx.row_keys[outcome_id] = f.arm_keys
    if arm is not None and f.arm_keys:
        ctx.row_arm_keys[outcome_id] = f.arm_keys[0]
    elif f.other_arm is not None:
        ctx.row_other_keys[outcome_id] = other_arm_keys(f, parser.text, ctx, base, sm.lex)
    return OutcomeFigure(
        outcome_id=outcome_id,
        sent_idx=sent_idx,
        start_char=start,
        end_char=end,
        text=parser.text[f.start : f.end],
        measure=f.measure,
        value=value,
        unit=unit,
        numerator=n.num,
        denominator=n.den,
        ci_low=f.ci.low if f.ci else None,
        ci_high=f.ci.high if f.ci else None,
        ci_level=f.ci.level if f.ci else None,
        p_value=f.p.p if f.p else None,
        p_relation=f.p.rel if f.p else None,
        timepoint=f.timepoint,
        population=n.population,
        arm=arm,
        group_size=group_size,
        drug_concept_id=drug_id,
        drug_text=drug_text,
        disease_concept_id=disease.concept_id if disease else None,
        disease_text=disease.text if disease else None,
        event_concept_id=event.concept_id if event else None,
        event_text=event.text if event else None,
        negated=bool(f.negated),
    )
