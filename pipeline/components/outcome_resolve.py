"""A parsed figure as a typed outcome row (`resolve_figure`): its numerator and denominator
completed through the document's cohort chain (`outcome_context.DocContext`), its arm's size, its
drug and its disease.

A figure of one arm is taken over that arm's stated size ("group A (n = 55) ... (group A = 5,
group B = 2)": 5 of 55), never over another arm's; the cohort holds every arm, so it is an arm's
denominator only in a study of one arm (`DocContext.multi_arm`): in a study that compares arms
an arm's count of unstated size gets none, since a user dividing by a wrong denominator is worse
off than one told it is unknown (an arm's percentage may still take a size it agrees with), and
an arm's size does not replace the cohort for the figures of no arm. So too for a count compared
with another whose arm the sentence does not name ("(13 vs 31)", "in 28 and 15 patients,
respectively": `Figure.compared`): in a study that compares arms it is one arm's, of unknown size.
A figure's drug is its arm's, else the nearest of its clause or sentence that no comparison names
as its comparator ("by 54% compared with azathioprine": `outcome_comparator_drugs`), else the
document's main drug (`DocContext.main`), but not for the comparator's figure of a pair ("41.3%
vs. 26.7%": `_comparators`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.components.outcome_arms import arm_drugs, arm_mentions, arm_text
from pipeline.components.outcome_attach import beside_word
from pipeline.components.outcome_comparator_drugs import ComparatorDrugs
from pipeline.components.outcome_diseases import disease_tie
from pipeline.components.outcome_doses import dose_named
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_main import WORD
from pipeline.components.outcome_mentions import SentenceMentions, event_tie
from pipeline.components.outcome_other_arm import other_arm_keys
from pipeline.components.outcome_ratio_arms import first_compared_arm
from pipeline.components.outcome_tokens import Figure, Mention, pct_consistent
from pipeline.labels import DRUG
from pipeline.outcomes import OutcomeFigure

if TYPE_CHECKING:  # (outcome_context imports nothing of this module)
    from pipeline.components.outcome_context import DocContext


# How far before a drug (characters, words) a comparison word makes it the comparator, and a
# control arm named with it ("the placebo and lidocaine arms").
_NAMED_AS = 40
_COMPARATOR_WORDS = 4


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
        pooled = any(not set(keys) & set(other) for other in ctx.sentence_arm_set)
        return cls(ctx.arm_size(keys), others, ctx.multi_arm(keys, lex), pooled)


def _enrollment(
    f: Figure, ctx: DocContext, den_context: int | None, n: _Numbers, arm: _Arm | None
) -> None:
    """An enrollment count starts the cohort chain, unless it is the size of one of several
    arms ("group A (n = 55)", "HRT (n=188) or no HRT (n=190)" where HRT is no drug mention):
    the cohort holds them all."""
    if n.count is None:
        return
    if (
        n.den is None and den_context is not None and n.count <= den_context
        and not f.of_phrase and arm is None
    ):  # (an arm's size is no share of a pool: "Of 200 screened, 120 (placebo 60, ...)")
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
    suprofen (OR 3.8), whereas alcohol ..."), none a comparison names as the comparator
    (`_nearest_drug`), the document's main drug; none that is the arm of the figure it is
    compared with (`Figure.other_arm`)."""
    base = sm.base
    if f.arm is not None:
        drugs = [m for m in arm_mentions(f, ctx, base) if m.label == DRUG]
        text = arm_text(f, parser.text)
        if not drugs and text and dose_named(sm.lex, text):
            # ("in the 5-mg group": a dose of the one drug the document names)
            return text, ctx.only_drug(sm.lex)
        return text, drugs[0].concept_id if drugs else None
    first = first_compared_arm(sm.lex, f, parser.figures, parser.text)
    if first is not None and (drugs := [m for m in arm_mentions(first, ctx, base)
                                        if m.label == DRUG]):  # fmt: skip
        return drugs[0].text, drugs[0].concept_id  # ("... with docetaxel (HR 0.71)": the first's)
    if (
        f.measure == "enrollment"
        and _a_total(f, parser, sm)
        and (named := _main_named(ctx, sm, base + f.end)) is not None
    ):
        return named.text, named.concept_id
    drug = _nearest_drug(f, parser, sm)
    # (of a pair of two arms or groups only: not of one arm at two times or in two subgroups,
    # "20% at 6 months vs 35% at 12 months", "in women than in men (20% vs 35%)"; that clause
    # is read last, for the few figures the pair's rules would strip)
    if drug is None:
        drug = ctx.main(DRUG, sm.lex)
        if (
            drug is not None and f.compared and _comparators(f, parser, ctx, drug, sm.lex)
            and not _one_arms_pair(f, parser, sm.lex)
        ):  # fmt: skip
            return None, None
    elif (
        f.compared and _first_arms_drug(f, parser, sm, drug)
        and not _one_arms_pair(f, parser, sm.lex)
    ):  # fmt: skip
        return None, None  # (the drug named for the first of "(11.4% vs. 20.7%)")
    if drug is not None and f.other_arm is not None and (
        base + f.other_arm[0] <= drug.start and drug.end <= base + f.other_arm[1]
    ):
        return None, None  # the other arm's drug ("fewer in the ropivacaine group (13 vs 31)")
    return (drug.text, drug.concept_id) if drug is not None else (None, None)


def _nearest_drug(f: Figure, parser: SentenceParser, sm: SentenceMentions) -> Mention | None:
    """The nearest drug of the figure's clause that no comparison names as the comparator of
    the figure (`ComparatorDrugs`: "Infliximab reduced the relapse rate by 54% compared with
    azathioprine": infliximab), else of its sentence (there no drug of another clause that a
    comparison names as the comparator of a whole statement: "Time to progression was longer
    for fulvestrant versus anastrozole (...; hazard ratio, 0.63)": fulvestrant)."""
    base = sm.base
    lo, hi = parser.clause_chars(f.ts)
    start, end = base + f.start, base + f.end
    drug = sm.nearest(DRUG, start, end, base + lo, base + hi)
    comparators = sm.comparators
    if comparators is None or comparators.parser is not parser:
        # (one per sentence: each drug's phrase read once for all the sentence's figures)
        comparators = sm.comparators = ComparatorDrugs(parser, sm)
    if drug is not None and not comparators.is_comparator(f, drug):
        return drug
    if drug is not None:
        drug = sm.nearest_but(
            DRUG, start, end, lambda m: comparators.is_comparator(f, m), base + lo, base + hi
        )
        if drug is not None:
            return drug

    def skip(m: Mention) -> bool:
        if base + lo <= m.start < base + hi:
            return comparators.is_comparator(f, m)
        return comparators.is_comparator(f, m) and not comparators.names_figure(m)

    drug = sm.nearest(DRUG, start, end)
    return drug if drug is None or not skip(drug) else sm.nearest_but(DRUG, start, end, skip)


# How close before a count a drug's name makes the count that drug's arm's size ("bupivacaine
# (N = 15)", "etoricoxib 90 mg daily (n = 2032)").
ARM_SIZE_CHARS = 30


def _a_total(f: Figure, parser: SentenceParser, sm: SentenceMentions) -> bool:
    """Is the count of who was studied its sentence's first one, with no drug named right
    before it: a total, not the part of one an arm was given ("194 patients were enrolled,
    with 98 patients randomized into the tamoxifen arm"; "bupivacaine (N = 15)")?"""
    if any(g.start < f.start and g.measure == "enrollment" for g in parser.figures):
        return False
    start = sm.base + f.start
    return not any(start - ARM_SIZE_CHARS <= m.end <= start for m in sm.drugs)


def _main_named(ctx: DocContext, sm: SentenceMentions, after: int) -> Mention | None:
    """The document's main drug as its sentence names it after a count of who was studied
    (ending at character `after`) that is no arm's: the trial's intervention, not the nearest
    drug ("Twenty cocaine-dependent participants were randomly assigned to receive modafinil
    ... or placebo", "women receiving either fluoxetine, sertraline, or paroxetine participated
    in a ... study of ephedrine": a drug in the population's phrase is who they are). Not a
    count after it, which is as often the size of an arm named after the main drug's
    ("etoricoxib 90 mg daily (n = 2032) or diclofenac 75 mg twice daily (n = 2054)")."""
    main = ctx.main(DRUG, sm.lex)
    if main is None:
        return None
    named = next((m for m in sm.drugs if m.key == main.key), None)
    return named if named is not None and named.start >= after else None


def _one_arms_pair(f: Figure, parser: SentenceParser, lex: Lexicon) -> bool:
    """Does the figure's clause compare one arm at two timepoints or in two subgroups (two
    timepoints of different words, or two `arm_subset_words` entries that name groups of
    subjects: "in women than in men", `Lexicon.subset_groups`; one alone is often who the
    whole trial enrolled: "in women randomized to metformin ... (22% vs 35%)")?"""
    lo, hi = parser.stretch(f.ts, f.te)
    groups = {parser.toks[k].lower for k in range(lo, hi)} & lex.subset_groups
    if len(groups) > 1:
        return True
    first = parser.toks[lo].start
    last = parser.toks[hi - 1].end if hi > lo else first
    times = {parser.low[a:b] for a, b in parser.timepoints if first <= a and b <= last}
    return len(times) > 1


def _first_arms_drug(f: Figure, parser: SentenceParser, sm: SentenceMentions,
                     drug: Mention) -> bool:  # fmt: skip
    """Is the figure the second of a pair a comparison word joins, and its nearest drug the
    first figure's, named before the pair as the sentence's one drug ("in the patients who
    received dexamethasone than in those who received placebo (11.4% vs. 20.7%)": 20.7% is
    placebo's)? Not a drug named as the comparator ("compared with standard paclitaxel (33% v
    19%)", but not "Compared with placebo subjects, alprazolam patients ... (21% v. 0%)") nor
    one named after a control arm ("in the placebo and lidocaine arms (3% vs. 1%)", "When
    comparing placebo with marimastat"): the sentence names the second arm's drug."""
    lex, text, base = sm.lex, parser.text, sm.base
    before = beside_word(lex, parser, f.ts - 1, -1, -1)
    if before is None or parser.lower(before) not in lex.pairwise_comparison:
        return False
    turn = parser.toks[before].start
    start = drug.start - base
    if drug.end - base > turn or len({m.key for m in sm.drugs if m.end - base <= turn}) > 1:
        return False
    lo = max(0, start - _NAMED_AS)
    words = list(WORD.finditer(text, lo, start))[-_COMPARATOR_WORDS:]
    compared = [w.end() for w in words if w.group().lower() in lex.comparison_words]
    controls = [c.end() for c in lex.control_word_re.finditer(text, lo, start)]
    if compared and not (controls and controls[-1] > compared[-1]):
        return False  # (named as the comparator, no control arm between)
    # (a control arm right before it, one list connector or preposition between)
    between = text[controls[-1] : start].strip().lower() if controls else None
    return between is None or not (between in lex.connectors or between in lex.prepositions)


def _comparators(f: Figure, parser: SentenceParser, ctx: DocContext, main: Mention,
                 lex: Lexicon) -> bool:  # fmt: skip
    """Is the figure, one of a pair that a comparison word joins ("33 versus 86%", "(13 vs
    31)", as `outcome_attach.mark_compared` reads a pair) whose sentence names no arm, the
    comparator's, whom the document's main drug does not fit? The study arm's is the first
    ("(41.3% vs. 26.7%)" of toremifene versus exemestane: 26.7% is exemestane's), or the
    second, or both (`outcome_main.study_arm_first`)."""
    after = beside_word(lex, parser, f.te, len(parser.toks), 1)
    before = beside_word(lex, parser, f.ts - 1, -1, -1)
    first = after is not None and parser.lower(after) in lex.pairwise_comparison
    second = before is not None and parser.lower(before) in lex.pairwise_comparison
    if first == second:
        return False  # (no pair, or the middle one of a series)
    study_first = ctx.study_arm_first(main, lex)
    return study_first is not None and first != study_first


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
