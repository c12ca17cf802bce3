"""Which of a sentence's figures may be outcomes, for `biotab_outcomes` (`candidates`): not a
denominator phrase ("Of the 30 patients, ..."), a decimal or a thousands number cut by a space,
a hedged fraction; not a drug strength ("5% imiquimod cream"), a percentage of a reference ("80%
of control"), a threshold ("more than 50%"), a definition, earlier work, a sample-size
assumption, an allocation share, a general statement, a baseline trait ("65% were
postmenopausal", "45% vs 47% were postmenopausal"), who was studied or left, a rate of
accrual, a number that counts no subjects, what would happen, an "(n = N)" that repeats a
share's count, a rate listed with an amount. A body-area percentage is kept, marked `area`.

Reads the sentence's parse (`SentenceParser`: its figures, tokens and text) and its mentions
(`SentenceMentions`); writes `Figure.area` of the body-area figures it keeps, nothing else.
The scope rules it asks are `outcome_scope.ScopeRules`'s (`Lexicon.scope`).
"""

from __future__ import annotations

from pipeline.components.outcome_context import SentenceMentions
from pipeline.components.outcome_decimals import decimal_pieces, thousands_pieces
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_strengths import is_concentration, strength_lists
from pipeline.components.outcome_tokens import Figure, pct_consistent

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


# What `_bare_pct` makes of a percentage without a count.
_KEEP, _AMOUNT, _DROP = "keep", "amount", "drop"


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


def candidates(parser: SentenceParser, sm: SentenceMentions, doc_text: str,
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
    return _kept(figures, parser, sm), den_context


def _kept(figures: list[Figure], parser: SentenceParser,
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
        _trait_lists(figures, parser)
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
        if k in skip or _not_a_result(f, parser, others) or facts.hypothetical(f):
            continue  # ("would prevent 5 recurrences": what would happen, no result)
        if k and _repeats_numerator(lex, figures[k - 1], f, text):
            continue  # "in 25% of the 120 women in arm A (n = 30)": the 25%'s count
        if f.pct is not None and f.count is None and f.num is None:
            verdict = _bare_pct(f, parser, sm, facts, count_after[k + 1], others)
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


def _trait_lists(figures: list[Figure], parser: SentenceParser) -> set[int]:
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


def _not_a_result(f: Figure, parser: SentenceParser, others: int) -> bool:
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


def _reported_after(lex: Lexicon, text: str, end: int) -> bool:
    """Is the percentage ending at text[end] in the subject of a report's perfect passive, no
    comma or bracket between ("Hearing loss in 31% of treated patients has been described";
    not "(33% vs 86%), the most frequent of which have been reported for X": a clause of its
    own)?"""
    m = lex.reported_perfect_re.match(text, end)
    return m is not None and not any(c in text[end : m.end()] for c in ",()[]")


def _bare_pct(f: Figure, parser: SentenceParser, sm: SentenceMentions,
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
        # ("Hearing loss in 31% of treated patients has been described": earlier reports')
        or _reported_after(lex, text, f.end)
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
