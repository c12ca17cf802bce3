"""`biotab_outcomes`: outcome figures (response, relapse, adverse-event rates ...) as table rows.

The component runs last. For every English sentence that can hold a figure (a digit, a number
word, or a "no / all <patients>" phrase) it

1. reads figures, statistics and timepoints with the grammar of `outcome_grammar.py`;
2. sets aside what is not a figure: drug strengths ("5% imiquimod cream"), percentages of a
   reference ("80% of control"), thresholds ("more than 50%"), body-area percentages (kept only
   as `improvement` when the sentence reports a result), and what is not the trial's result
   (`outcome_scope.py`: general statements, earlier work, definitions, baseline traits,
   allocation shares, exclusions, "all <subjects>" as the cohort; after measures are assigned,
   pooled totals split by arm);
3. finds measure cues (patterns of `rules/outcome_cues.jsonl`: spaCy's `Matcher`, gated by
   `cue_gate.py`) and gives each figure the measure of its nearest cue
   (`outcome_measures.py`), with CI, p-value, timepoint and arm (a total's parts by arm take its
   measure; a count of cases of a disease no cue claimed is still a result);
4. resolves numerator/denominator through the document's cohort (a figure of one arm through
   its arm's stated size; the cohort only in a study of one arm) and ties the figure to its drug
   and disease (`outcome_resolve.py`, over `outcome_context.py`'s document context; the main
   drug of a figure whose sentence names none: `outcome_main.py`);
5. reads the figures with the document's study design, when `biotab_design` ran before it
   (`Doc._.study_design`; `outcome_design.py`: in a genetics paper an event count with no
   exposure named is a finding, `other`, and no figure names a drug).

Writes `Doc._.outcomes` (one dict per figure: the outcomes table's columns except doc_id, see
`pipeline.outcomes.OutcomeFigure`) and `doc.spans["outcomes"]` (one span per figure, labelled
with its measure, for displaCy's span view).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

import pipeline.extensions  # (also registers Doc._.outcomes and the Span attributes)
from pipeline.components.cue_gate import CueGate
from pipeline.components.outcome_ascii import ascii_lexicon, ascii_safe
from pipeline.components.outcome_attach import (
    attach_arms,
    attach_stats,
    attach_timepoints,
    mark_change_pairs,
    mark_compared,
    share_arm_heads,
    split_by_arm,
)
from pipeline.components.outcome_context import DocContext, SentenceMentions, note_arms
from pipeline.components.outcome_cue_filters import (
    compared_traits,
    disease_cues,
    lists_diseases,
    stop_reasons,
)
from pipeline.components.outcome_decimals import decimal_pieces, thousands_pieces
from pipeline.components.outcome_design import read_with_design
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_measures import assign_measures, group, measures_respectively
from pipeline.components.outcome_offsets import Offsets, SentenceLanguage, doc_offsets
from pipeline.components.outcome_prevention import ENDPOINT, Prevented
from pipeline.components.outcome_resolve import resolve_figure
from pipeline.components.outcome_respectively import respectively_arms, unmarked_list_arms
from pipeline.components.outcome_rules import (
    CUES_FILE,
    LEXICON_FILE,
    MEASURES,
    NOT_OUTCOME,
    CueRule,
    RuleFileError,
    load_cues,
    load_lexicon,
    resolve,
)
from pipeline.components.outcome_strengths import is_concentration, strength_lists
from pipeline.components.outcome_tokens import Cue, Figure, Mention, pct_consistent
from pipeline.components.outcome_totals import (
    antecedent_denominators,
    enrolled_parts,
    mark_differences,
    planned_sizes,
    pooled_totals,
    sex_pairs,
    subgroup_sizes,
    trait_breakdowns,
)
from pipeline.components.outcome_treated_parts import treated_parts
from pipeline.components.outcome_unclaimed import compared_figures, occurrence_counts
from pipeline.labels import DISEASE
from pipeline.outcomes import OutcomeFigure

SPANS_KEY = "outcomes"

__all__ = [
    "CUES_FILE",
    "LEXICON_FILE",
    "MEASURES",
    "SPANS_KEY",
    "CueRule",
    "Lexicon",
    "OutcomeExtractor",
    "RuleFileError",
    "load_cues",
    "load_lexicon",
]


# How far (characters) after a share of a pool an "(n = N)" may repeat its count.
NUMERATOR_WINDOW = 40


def _repeats_numerator(lex: Lexicon, g: Figure, f: Figure, text: str) -> bool:
    """ "Grade 3 neutropenia occurred in 25% of the 120 women in arm A (n = 30)": an "(n = N)"
    right after a share of a stated pool, N being that share of it, is the share's count (not
    an arm's size: "40% of women (n = 48)" gives the arm's size). Not half the pool, which is
    also each arm's size in a 1:1 trial ("50% of the 200 patients (n = 100)"), nor a size
    said to be each arm's ("(n = 100 in each arm)")."""
    if not f.n_form or f.pct is not None or f.den is not None or f.count is None:
        return False
    if g.pct is None or g.den is None or not 0 <= f.start - g.end <= NUMERATOR_WINDOW:
        return False
    if 2 * f.count == g.den or lex.each_arm_re.match(text, f.end):
        return False
    return ";" not in text[g.end : f.start] and pct_consistent(
        f.count, g.den, g.pct, g.pct_decimals
    )


def _bare(f: Figure) -> bool:
    """A percentage alone: no count, number or subjects of its own."""
    return f.pct is not None and f.count is None and f.num is None and not (
        f.has_pop or f.all_form
    )


# What `OutcomeExtractor._bare_pct` makes of a percentage without a count.
_KEEP, _AMOUNT, _DROP = "keep", "amount", "drop"


def _lists_share_relative(lex: Lexicon, figures: list[Figure], parser: SentenceParser) -> None:
    """The figures of a list share a relative figure's kind, forward over the list and back over
    "and"/"or" alone. Reads `Figure.group` and `relative`; writes `relative`."""
    for f, g in pairwise(figures):
        if g.group == f.group and f.relative:
            g.relative = True  # "increased by 5.5% and 7.6%": a list shares its kind
    for f, g in pairwise(reversed(figures)):
        # "18% and 30% lower than control", also back over "and"/"or" alone: not over "vs"
        # or a comma ("10% vs 15%, 33% lower": the rates compared, then their change)
        if (g.group == f.group and f.relative
                and lex.list_word_re.fullmatch(parser.text, g.end, f.start)):  # fmt: skip
            g.relative = True


class _SentenceFacts:
    """What a sentence says as a whole, searched once and only when a figure asks (most
    sentences never do): does it state what is generally known, does it define a threshold,
    does it open on a condition?
    `rates`: its figures with a percentage."""

    def __init__(self, text: str, lex: Lexicon, rates: int) -> None:
        self.text, self.lex, self.rates = text, lex, rates
        self._general: bool | None = None
        self._definitional: bool | None = None
        self._condition: tuple[int, int] | None = None
        self._planned: bool | None = None

    def planned(self) -> bool:
        """The sentence plans the trial's size (`ScopeRules.sample_size_statement`)."""
        if self._planned is None:
            self._planned = self.lex.scope.sample_size_statement(self.text)
        return self._planned

    def general(self) -> bool:
        if self._general is None:
            self._general = bool(self.lex.scope.general_statement(self.text))
        return self._general

    def hypothetical(self, f: Figure) -> bool:
        """ "If the true response rate were 20%, the trial would ...", "would prevent 5
        recurrences": what would happen, not what the trial found (the sentence's condition
        stretch is found once)."""
        scope = self.lex.scope
        if self._condition is None:
            self._condition = scope.conditional_stretch(self.text)
        if scope.conditional_figure(self.text, f.start, f.end, self._condition):
            return True
        return scope.hypothetical_effect(self.text, f.start, f.end)

    def definitional(self) -> bool:
        if self._definitional is None:
            self._definitional = bool(self.lex.definition_re.search(self.text))
        return self._definitional


@Language.factory(
    "biotab_outcomes",
    assigns=["doc._.outcomes", "doc.spans"],
    requires=["token.is_sent_start"],
    default_config={
        "cues_file": CUES_FILE,
        "lexicon_file": LEXICON_FILE,
        "languages": ["en"],
    },
)
def make_outcomes(
    nlp: Language, name: str, *, cues_file: str, lexicon_file: str, languages: list[str]
) -> OutcomeExtractor:
    return OutcomeExtractor(
        nlp, name, cues_file=cues_file, lexicon_file=lexicon_file, languages=languages
    )


class OutcomeExtractor:
    def __init__(
        self,
        nlp: Language,
        name: str = "biotab_outcomes",
        *,
        cues_file: str = CUES_FILE,
        lexicon_file: str = LEXICON_FILE,
        languages: Sequence[str] = ("en",),
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.languages = frozenset(languages)
        self._language = SentenceLanguage()
        self.set_rules(load_cues(resolve(cues_file)), load_lexicon(resolve(lexicon_file)))

    def set_rules(self, cues: list[CueRule], lexicon: dict[str, Any]) -> None:
        self.cues = cues
        # Over the same tokens the more specific cue wins: one that reads the exact case ("Cr",
        # creatinine, over the "cr" abbreviation of complete response), then a not_outcome cue
        # (it exists to overrule a cue there), then the earlier line.
        self._tie_rank = [(not c.exact_case, c.measure != NOT_OUTCOME) for c in cues]
        self.lexicon = Lexicon(lexicon)
        # (the same, its regexes in ASCII mode: for the documents of ASCII text, faster)
        self._ascii_lexicon = ascii_lexicon(lexicon, self.lexicon.negation_words)
        self._gate: CueGate | None = None

    def _cue_matches(self, doc: Doc, start: int, end: int,
                     orth: list[int]) -> list[tuple[int, int, int]]:  # fmt: skip
        """(rule index, start, end) of the cue matches in doc[start:end], sentence-relative."""
        if self._gate is None:
            self._gate = CueGate(self.nlp, self.cues)
        return self._gate.matches(doc, orth, start, end)

    # -- running ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        figures: list[OutcomeFigure] = []
        ctx: DocContext | None = None
        doc_text = pipeline.extensions.doc_text(doc)
        # (the sentence parsers carry it: every step below reads `parser.lex`)
        lex = self._ascii_lexicon if ascii_safe(doc_text) else self.lexicon
        offsets = doc_offsets(doc, len(doc_text))
        for sent_idx, (start, end, char_start, char_end) in enumerate(offsets.sentences):
            # the cheap test first, on the raw text; no Span object for any sentence
            if not lex.passes(doc_text, char_start, char_end):
                continue
            first, last = offsets.idx[start], offsets.ends[end - 1]  # (the Span's characters)
            lang = self._language(doc, start, end, first, last)
            if lang is not None and lang not in self.languages:
                continue
            parser = SentenceParser(doc_text[first:last], lex)
            parser.find_stats()
            parser.find_timepoints()
            parser.parse()
            if not parser.figures:
                continue
            if ctx is None:
                ctx = DocContext(doc, doc_text, offsets.idx, offsets.ends, offsets.ents,
                                 offsets.sentences)  # fmt: skip
            figures.extend(
                self._sentence_figures(doc, start, end, sent_idx, parser, ctx, offsets, doc_text)
            )
            ctx.note_counted(parser.figures)
        if ctx is not None:
            # once the document is read: one name an arm, and the main disease no event's
            figures = ctx.drop_main_events(ctx.named_arms(figures), lex)
            figures = read_with_design(
                figures, doc._.study_design,
                lambda i: doc_text[offsets.sentences[i][2]:offsets.sentences[i][3]], lex)
        doc._.outcomes = [f.as_dict() for f in figures]
        spans = []
        for f in figures:
            span = doc.char_span(f.start_char, f.end_char, label=f.measure, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def _cues(self, doc: Doc, start: int, end: int, offsets: Offsets, parser: SentenceParser,
              mentions: list[Mention], prevented: Prevented) -> list[Cue]:  # fmt: skip
        """Measure cues in the sentence doc[start:end] (longest first, no overlaps), plus DISEASE
        mentions outside a population frame as weak adverse-event cues; those that name what
        the document's trial prevents (`prevented`) are its end point's `other` cues."""
        lex = parser.lex
        base = offsets.idx[start]
        best_end: dict[tuple[int, int], int] = {}
        for rule, ti, tj in self._cue_matches(doc, start, end, offsets.orth):
            not_after = self.cues[rule].not_after
            if not_after and ti and doc[start + ti - 1].lower_ in not_after:
                continue  # "in women who were older than 70": a subgroup, no trait of all
            key = (ti, rule)
            best_end[key] = max(best_end.get(key, 0), tj)
        rank = self._tie_rank
        found = sorted(  # longest, then earliest, then the more specific (set_rules)
            ((ti, tj, r) for (ti, r), tj in best_end.items()),
            key=lambda m: (-(m[1] - m[0]), m[0], rank[m[2]], m[2]),
        )
        taken: list[tuple[int, int, int]] = []
        taken_starts: list[int] = []
        for hit in found:
            k = bisect.bisect_left(taken_starts, hit[0])
            if (k > 0 and taken[k - 1][1] > hit[0]) or (k < len(taken) and taken[k][0] < hit[1]):
                continue
            taken.insert(k, hit)
            taken_starts.insert(k, hit[0])
        if any(self.cues[r].with_measures for _, _, r in taken):
            present = {self.cues[r].measure for _, _, r in taken}
            taken = [
                h for h in taken
                if not self.cues[h[2]].with_measures or self.cues[h[2]].with_measures & present
            ]  # fmt: skip
        names = [(m.start - base, m.end - base) for m in mentions]
        name_starts = [a for a, _ in names]
        cues: list[Cue] = []
        for ti, tj, r in taken:
            s = offsets.idx[start + ti] - base
            e = offsets.ends[start + tj - 1] - base
            k = bisect.bisect_right(name_starts, s) - 1
            if k >= 0 and names[k][1] >= e and names[k][1] - names[k][0] > e - s:
                continue  # "progressive" in "progressive multifocal leukoencephalopathy"
            measure = self.cues[r].measure
            if (
                measure == "enrollment"
                and parser.text[s:e].lower() in lex.listing_words
                and lists_diseases(parser.text, e, mentions, name_starts)
            ):
                continue  # "Reactions included thrombophlebitis (20 of 54 patients), rash ..."
            ts = parser.tok_index(s)
            te = max(ts + 1, parser.tok_index(e))
            cues.append(Cue(s, e, ts, te, measure, self.cues[r].priority))
        cues = compared_traits(lex, parser, cues)  # ("prevalence ... 19% vs 40%")
        extra = disease_cues(lex, parser, mentions, cues, base)
        cues = stop_reasons(lex, parser.text, sorted(cues + extra, key=lambda c: c.start))
        if prevented:  # ("Clinical hepatitis developed in 1.4% of HBIG recipients")
            cues = lex.prevention.endpoint_cues(parser, mentions, cues, base, prevented)
        return cues

    def _kept(self, figures: list[Figure], parser: SentenceParser,
              sm: SentenceMentions) -> list[Figure]:  # fmt: skip
        """Drop drug strengths, reference percentages, thresholds and baseline characteristics;
        mark body-area figures."""
        text = parser.text
        # for each figure: does a subject count follow it in the sentence?
        count_after = [False] * (len(figures) + 1)
        for k in range(len(figures) - 1, -1, -1):
            g = figures[k]
            count_after[k] = count_after[k + 1] or g.has_pop or g.count is not None
        others = sum(1 for g in figures if not g.all_form)
        lex = parser.lex
        facts = _SentenceFacts(text, lex, sum(1 for g in figures if g.pct is not None))
        kept: list[Figure] = []
        amounts: list[Figure] = []
        # ("45% vs 47% were postmenopausal", "94% completed assessments": no results)
        skip = (
            self._trait_lists(figures, parser)
            # ("tretinoin cream 0.025, 0.05 or 0.1%": strengths)
            | strength_lists(lex, figures, parser, sm.drugs, sm.base, sm.drug_starts)
            | lex.conduct.conduct_figures(figures, text, parser.low)
            # ("Tumour samples were collected at surgery (n = 59)": no subjects)
            | lex.enrollment_scope.sample_counts(figures, parser.toks)
            # ("40 women (25%) were heterozygous": who was studied)
            | lex.enrollment_scope.genotype_traits(figures, text, parser.low)
            # ("Six tumours retained the paternal allele": specimens examined)
            | lex.enrollment_scope.specimen_counts(figures, parser.toks)
            # ("Of 425 studies identified, 20 were pooled (12/212 in Europe, ...)": studies)
            | lex.scope.things_parts(figures, text)
            # ("0.8 +/- 0.2 micrograms/ml (mean +/- SD, n = 6)": who a value was measured in)
            | lex.enrollment_scope.measured_sizes(figures, text)
        )
        for k, f in enumerate(figures):
            if k in skip or self._not_a_result(f, parser, others) or facts.hypothetical(f):
                continue  # ("would prevent 5 recurrences": what would happen, no result)
            if k and _repeats_numerator(lex, figures[k - 1], f, text):
                continue  # "in 25% of the 120 women in arm A (n = 30)": the 25%'s count
            if f.pct is not None and f.count is None and f.num is None:
                verdict = self._bare_pct(f, parser, sm, facts, count_after[k + 1], others)
                if verdict == _AMOUNT:
                    amounts.append(f)
                if verdict != _KEEP:
                    continue
            kept.append(f)
        if amounts:
            # "90% of the planned dose was delivered, compared to 96%", "95% vs 88% of the
            # planned dose": a rate listed or compared with an amount is an amount too
            kept = [f for f in kept if not lex.scope.companion_of(f, amounts, text)]
        return kept

    def _trait_lists(self, figures: list[Figure], parser: SentenceParser) -> set[int]:
        """Indices of the bare percentages listed before one that a characteristic follows
        ("45% vs 47% were postmenopausal", "In the two arms, 61% and 58% had stage II
        disease"): the predicate is the whole list's, so each is who was studied (the last one
        `_not_a_result` drops). Only a list that opens its clause: not "Relapse occurred in
        45% vs 30% and 61% were postmenopausal". One pass, each pair read in a bounded
        window."""
        text = parser.text
        lex = parser.lex
        scope = lex.scope
        out: set[int] = set()
        first = 0  # the first figure of the list the current one ends
        for k, g in enumerate(figures):
            if not (k and k - 1 >= first and _bare(figures[k - 1]) and _bare(g)
                    and scope.listed_with(text, figures[k - 1].end, g.start)):  # fmt: skip
                first = k
                continue
            tail = parser.toks[g.te - 1].end
            if lex.characteristic_after_re.match(
                text[tail : tail + 80]
            ) and scope.opens_clause(text, figures[first].start):
                out.update(range(first, k))
        return out

    def _not_a_result(self, f: Figure, parser: SentenceParser, others: int) -> bool:
        """Who was studied or left, a rate of accrual, a number that counts no subjects, an arm
        named by "one", the cohort as "All <subjects>": no outcome figure. `others`: the
        sentence's figures that are not "all <subjects>"."""
        lex = parser.lex
        scope = lex.scope
        text = parser.text
        tail = parser.toks[f.te - 1].end
        if lex.characteristic_after_re.match(text[tail : tail + 80]):
            return True  # "65% were postmenopausal": who was studied, not an outcome
        if f.pct is None and f.count == 1 and scope.purpose_count(text, f.start):
            # "needed to treat to prevent one relapse": no event that happened (but "failed
            # to prevent 12 relapses" counts them)
            return True
        if f.pct is None and scope.excluded_follows(text, tail):
            return True  # "Nine patients were excluded after randomization"
        if f.has_pop and f.pct is None and f.den is None and scope.rate_of_subjects(text, tail):
            return True  # "Recruitment averaged 12 patients per month": a rate of accrual
        if f.needs_cue and f.pct is None and scope.counts_no_subjects(text, f.start, f.end):
            return True  # "1) versus ...", "6 cycles of FEC100 versus 4 FEC100"
        if (
            f.needs_cue
            and f.count == 1
            and parser.toks[f.ts].word_num
            and (parser.lower(f.te) in lex.prepositions
                 or parser.lower(f.te) in lex.negation_words)
            and scope.arm_pronoun(text, f.start)
        ):
            # "two groups: one with dexamethasone and one without" (but "Of the 40 patients
            # in the two groups, one died": a count)
            return True
        # "All patients received ...": the cohort; "survival of all randomized patients was
        # 62%": the population of another figure
        return f.all_form and f.count is None and (
            scope.procedure_follows(text, f.end) or (not f.prefer_after and bool(others))
        )

    def _bare_pct(self, f: Figure, parser: SentenceParser, sm: SentenceMentions,
                  facts: _SentenceFacts, count_after: bool, others: int) -> str:  # fmt: skip
        """What a percentage without a count is: `_KEEP` (marked `area` for a body area),
        `_AMOUNT` (of a reference: "80% of control") or `_DROP` (a drug strength, definition,
        threshold, earlier work, sample-size assumption, baseline trait, allocation, general
        statement). `count_after`: does a subject count follow it in the sentence? `others`:
        the sentence's figures that are not "all <subjects>"."""
        lex = parser.lex
        scope = lex.scope
        text = parser.text
        tail = parser.toks[f.te - 1].end
        before = text[max(0, f.start - 40) : f.start]
        if f.pct is not None and f.pct > 100 and not f.relative:
            # "elevated (192%)", "(240% and 230%, respectively)": no share of subjects (nor of
            # a body area) is over a whole; a level or a change measured, whatever cue is near
            return _DROP
        if is_concentration(lex, f, text, sm.drugs, sm.base, sm.drug_starts):
            return _DROP
        if parser.stated_statistic(f.ts):
            return _DROP  # "(SD = 4.7 %)": a deviation, no share of subjects
        if lex.reference_after_re.match(text[f.end : f.end + 60]):
            return _AMOUNT
        if (
            scope.design_percentage(text, f.start)
            or facts.planned()  # (searched once a sentence: it reads the whole sentence)
            or scope.trait_share(text, f.start, f.end, facts.rates == 1)
            or scope.allocation_share(text, f.start, f.end)
        ):
            # a definition, threshold, earlier work, sample-size assumption, baseline trait,
            # allocation
            return _DROP
        if not f.relative and facts.general():
            # "... occurs in 95% of the patients undergoing radiotherapy" (a relative change
            # stays: "X reduces mortality by 40%" restates a result)
            return _DROP
        if f.relative and others > 1 and scope.threshold_held(text, f.start):
            return _DROP  # "Forty percent of patients had a 50% reduction in hot flashes"
        if f.comparator and (facts.definitional() or count_after or not f.has_pop):
            # a threshold: "more than 50% regrowth was seen in 8 of 12", "grade 3 events with
            # ≥ 10% incidence" (but "more than 90% of patients ...")
            return _DROP
        if lex.area_after_re.match(text[tail : tail + 200]) or (
            lex.area_before_re.search(before) and not f.has_pop
        ):
            f.area = True
        return _KEEP

    def _candidates(self, parser: SentenceParser, sm: SentenceMentions, doc_text: str,
                    base: int) -> tuple[list[Figure], int | None]:  # fmt: skip
        """The sentence's figures that may be outcomes (not a denominator phrase, a range, a
        decimal or a thousands number cut by a space, a hedged fraction; `_kept`), and the
        count a denominator phrase gives ("Of the 30 patients, ...": 30; None without one)."""
        lex = parser.lex
        # denominator phrases ("Of the 30 patients, ...") and ranges are not figures
        den_context: int | None = None
        figures: list[Figure] = []
        for f in parser.figures:
            if f.den_phrase:
                if f.count is not None:
                    den_context = f.count if f.den is None else f.den
                if not (f.of_phrase and f.has_pop and f.den is None):
                    continue
            figures.append(f)
        pieces = decimal_pieces(figures, parser.toks, parser.text, doc_text, base) | (
            thousands_pieces(figures, parser.toks, parser.text, lex.thousands)
        )  # ("3, 580 unrelated individuals": a thousands separator written with a space)
        if pieces:  # ("0. 12%", "P =. 006": a decimal written with a space after its point)
            figures = [f for k, f in enumerate(figures) if k not in pieces]
        figures = lex.enrollment_scope.hedged_fractions(figures, parser.text)  # ("about 1/3")
        return self._kept(figures, parser, sm), den_context

    def _sentence_figures(self, doc: Doc, start: int, end: int, sent_idx: int,
                          parser: SentenceParser, ctx: DocContext, offsets: Offsets,
                          doc_text: str) -> list[OutcomeFigure]:  # fmt: skip
        """The outcome figures of the sentence doc[start:end] (tokens), read from its text and
        offsets: no Span is made for it."""
        lex = parser.lex
        base = offsets.idx[start]  # (the Span's start_char and end_char)
        sm = SentenceMentions(ctx.in_range(base, offsets.ends[end - 1]), parser.text, base, lex,
                              ctx.known_arms)
        figures, den_context = self._candidates(parser, sm, doc_text, base)
        if not figures:
            return []
        cues = self._cues(doc, start, end, offsets, parser, sm.all, ctx.prevented(lex))
        boundary = parser.boundaries()
        group(lex, figures, parser)
        _lists_share_relative(lex, figures, parser)
        assign_measures(lex, figures, cues, parser, boundary)
        measures_respectively(lex, figures, cues, parser, boundary)
        planned_sizes(figures, parser.text, lex.scope, "enrollment")
        lex.enrollment_scope.accrual_states(figures, parser.text, "enrollment")
        # ("82 patients were included (34 STIM and 48 control)": the arms' sizes)
        enrolled_parts(figures, parser.text, "enrollment", lex.control_arms | lex.arm_role_words,
                       [m.start - base for m in sm.drugs])  # fmt: skip
        # ("Toxicities included sepsis (n = 6) and pneumonitis (n = 3)": the event's counts)
        lex.breakdowns.event_breakdowns(figures, cues, parser.text,
                                        [m.end - base for m in sm.drugs])
        attach_stats(lex, figures, parser)
        attach_timepoints(figures, parser, boundary)
        mark_change_pairs(lex, figures, parser)
        attach_arms(lex, figures, parser)
        drugs = [(m.start - base, m.end - base) for m in sm.drugs]
        diseases = [(m.start - base, m.end - base) for m in sm.all if m.label == DISEASE]
        claimed = [(c.start, c.end) for c in cues] + diseases
        split = split_by_arm(lex, figures, parser, drugs, claimed)
        share_arm_heads(figures, parser.text)
        compared_figures(lex, figures, parser, boundary, [a for a, _ in drugs])
        treated_parts(figures, sm, ctx, den_context)  # ("203 received A and 203 received B")
        occurrence_counts(lex, figures, parser, diseases, cues, drugs, den_context is not None)
        if all(f.measure is None for f in figures):
            return []  # (no result: nothing after this gives a measure; most such sentences)
        mark_differences(figures, parser.text)
        dropped = (
            split
            | pooled_totals(figures, parser.text, lex.scope, "enrollment")
            | subgroup_sizes(figures, parser.text, lex.scope, [e for _, e in drugs], "enrollment",
                             lex.enrollment_scope)
            | lex.enrollment_scope.non_participants(figures, parser.text)
            | trait_breakdowns(figures, parser.text, lex.subgroup_words, lex.listing_verb_re)
            | sex_pairs(figures, parser.text, lex.sex_nouns, lex.prepositions)
        )
        figures = [f for k, f in enumerate(figures) if f.measure is not None and k not in dropped]
        if not figures:
            return []  # (what follows reads and ties only these figures)
        compared = mark_compared(lex, figures, parser, boundary)
        respectively_arms(lex, figures, parser, compared, sm)
        unmarked_list_arms(lex, figures, parser, sm, compared)  # ("6 and 3 in the A and B arms")
        note_arms(figures, parser, ctx, sm, compared)
        # (once the arms are known: treatment delivered to subjects of no named arm)
        delivered = lex.conduct.delivered(figures, parser.text, parser.low)
        antecedent_denominators(figures, parser.toks, lex.antecedent_words)  # ("of whom")
        out: list[OutcomeFigure] = []
        for k, f in enumerate(figures):
            if k in delivered:
                continue
            if f.measure == ENDPOINT:
                f.measure = "other"  # (a prevention trial's end point: no event, `other`)
            # ("In four patients ... at baseline. Two of these normalized": 2 of 4)
            last = ctx.last_counted
            pool = den_context
            if pool is None and f.those and last is not None and (f.count or 0) <= last:
                pool = last
            fig = resolve_figure(base, sent_idx, f, parser, ctx, sm, pool)
            if fig is not None:
                out.append(fig)
        return out

    # -- serialization ----------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / CUES_FILE).open("w", encoding="utf8") as fh:
            for rule in self.cues:
                obj: dict[str, Any] = {"measure": rule.measure, "pattern": rule.pattern}
                if rule.priority != 1:
                    obj["priority"] = rule.priority
                if rule.id is not None:
                    obj["id"] = rule.id
                if rule.comment is not None:
                    obj["comment"] = rule.comment
                if rule.not_after:
                    obj["not_after"] = sorted(rule.not_after)
                if rule.with_measures:
                    obj["with_measures"] = sorted(rule.with_measures)
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        (path / LEXICON_FILE).write_text(
            json.dumps(self.lexicon.data, ensure_ascii=False, indent=1) + "\n", encoding="utf8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> OutcomeExtractor:
        path = Path(path)
        self.set_rules(load_cues(path / CUES_FILE), load_lexicon(path / LEXICON_FILE))
        return self
