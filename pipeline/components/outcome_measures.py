"""What each figure of a sentence measures.

Functions over the figures `SentenceParser` found in one sentence: `group` (bare percentages joined
by "and", ",", "vs" share a measure), `assign_measures` (nearest measure cue, scored by
`Lexicon.scores`, or who was studied by the figure's form), `measures_respectively`; what a change
word or an event verb names is `outcome_changes.py`'s, the figures no cue claimed
`outcome_unclaimed.py`'s, percentages that are a drug's strength `outcome_strengths.py`'s. What is
attached to a figure besides its measure is `outcome_attach.py`'s. Distances are read from prefix
sums and every search looks at a bounded window, so a sentence costs time linear in its length.
"""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise

from pipeline.components.outcome_asides import aside_cues
from pipeline.components.outcome_attach import respectively_after
from pipeline.components.outcome_changes import (
    event_with_subject,
    says_how_it_changed,
    what_changed,
)
from pipeline.components.outcome_following_arms import counted_among_by_words
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import NOT_OUTCOME
from pipeline.components.outcome_tokens import Cue, Figure, figure_groups

# How many tokens after a count of subjects (and its words) `enrolled_subject` reads for the
# verb of enrollment, and how far after an auxiliary the enrolled word may stand (adverbs
# between: "were subsequently randomized").
ENROLLED_REACH = 30
ENROLLED_AFTER_AUXILIARY = 4


def group(lex: Lexicon, figures: list[Figure], parser: SentenceParser) -> None:
    """Consecutive bare percentages joined by "and", ",", "vs" share a measure."""
    gid = 0
    for k, f in enumerate(figures):
        f.group = gid
        if k + 1 < len(figures):
            g = figures[k + 1]
            simple = (
                f.count is None
                and g.count is None
                and not (f.has_pop or g.has_pop)
                and f.ratio is None
                and g.ratio is None
                and (f.rate_per, f.time_unit) == (g.rate_per, g.time_unit)
            )
            joined = simple and all(
                parser.consumed[x]
                or parser.toks[x].lower in lex.connectors
                or parser.toks[x].text in "()[]"
                for x in range(f.te, g.ts)
            )
            if not joined:
                gid += 1


class _Distances:
    """Prefix sums over a sentence's light tokens: words, clause boundaries, figures between."""

    def __init__(self, parser: SentenceParser, boundary: list[bool], figures: list[Figure],
                 cues: list[Cue]):  # fmt: skip
        self.cue_starts = [c.ts for c in cues]  # (cues come in sentence order)
        # (bools summed in C: a generator per token cost 3% of the component)
        self.words = [0, *accumulate(map(operator.not_, parser.consumed))]
        self.bounds = [0, *accumulate(boundary)]
        self.fig_ts = [f.ts for f in figures]
        self.fig_te = [f.te for f in figures]
        # the pools named before ("Among 60 patients, ..."): their ends in order and the largest
        # count up to each (`larger_pool_before`)
        pools = sorted((g.end, g.count or 0) for g in parser.figures if g.den_phrase)
        self.pool_ends = [end for end, _ in pools]
        self.pool_max = list(accumulate((n for _, n in pools), max))

    def larger_pool_before(self, f: Figure) -> bool:
        """Whether a pool of more subjects than `f` counts is named before it."""
        k = bisect.bisect_right(self.pool_ends, f.start) - 1
        return k >= 0 and self.pool_max[k] > (f.count or 0)

    def between(self, a: int, b: int) -> tuple[int, int, int]:
        """Unconsumed tokens, boundaries and whole figures in tokens a..b-1."""
        inside = bisect.bisect_right(self.fig_te, b) - bisect.bisect_left(self.fig_ts, a)
        return self.words[b] - self.words[a], self.bounds[b] - self.bounds[a], max(0, inside)


def _figure_between(dist: _Distances, c: Cue, ts: int, te: int) -> bool:
    """Does a whole figure stand between the cue and tokens ts..te-1?"""
    return (dist.between(c.te, ts) if c.te <= ts else dist.between(te, c.ts))[2] > 0


def _hyphens(parser: SentenceParser, a: int, b: int) -> int:
    """The hyphens of compounds in tokens a..b-1 when they are words and such hyphens alone
    ("treatment-related": one word, not three), else 0."""
    if b - a < 3 or not parser.compound_at(a):
        return 0
    hyphens = 0
    for k in range(a, b):
        if parser.toks[k].text in "-‐":
            if not parser.compound_at(k - 1):
                return 0
            hyphens += 1
        elif not parser.toks[k].text.isalpha():
            return 0
    return hyphens


def _time_to_event(lex: Lexicon, c: Cue, parser: SentenceParser) -> bool:
    """Does the cue name a time to an event ("TTP", "time to progression", "time to treatment
    failure", "time to first relapse": a `time_to_event_words` entry first, or before "to" and
    at most one word right before it)?"""
    if parser.toks[c.ts].lower in lex.time_to_event_words:
        return True
    to = c.ts - 1 if parser.lower(c.ts - 1) == "to" else c.ts - 2
    return parser.lower(to) == "to" and parser.lower(to - 1) in lex.time_to_event_words


def _cue_allowed(
    lex: Lexicon, head: Figure, c: Cue, ts: int, te: int, parser: SentenceParser
) -> bool:
    if head.labelled and c.te != ts:
        return False  # "(noncompliance 14, death 1)": the label right before
    if head.needs_cue and not head.labelled and not (
        te <= c.ts <= te + 2 + _hyphens(parser, te, c.ts)
        or (head.cue_before_ok and ts - 4 <= c.te <= ts)
    ):
        return False  # bare number: the cue must follow within two words
    if head.proportion and not (c.te <= ts and ts - c.te <= 8):
        return False  # "survival was 0·86": the cue comes first
    if head.time_unit is None and head.ratio is None and _time_to_event(lex, c, parser):
        return False  # "response rate ... (10.3%) with similar TTP": a duration's cue
    if c.measure == "enrollment" and (
        not enrollment_ok(head, c, parser, lex.min_enrollment)
        or counts_occurrences(lex, head, parser)
        # ("Nausea occurred in 12 patients assigned to A": the participle names their arm)
        or (c.ts >= te and _found_in(lex, head, parser))
    ):
        return False
    # "reduced", "increased": only for a percentage change, or what the counted subjects had
    return not (c.measure == "other" and c.priority == 0 and head.pct is None
                and not _had_a_change(lex, head, c, te, parser))  # fmt: skip


def _had_a_change(lex: Lexicon, head: Figure, c: Cue, te: int, parser: SentenceParser) -> bool:
    """ "Two of the 64 patients had an increase in serum creatinine": a change noun (a
    `change_cue_words` entry) after "a" or "an" and an `event_report_verbs` entry right after a
    count of subjects (ending at token te) is what each of them had, an event they are counted
    for (not "31 patients had a positive SN": a finding)."""
    return (
        (head.has_pop or head.den is not None)
        and _change_noun(lex, c, parser)
        and parser.lower(c.ts - 2) in lex.event_report_verbs
        and c.ts - 2 == te
    )


def _change_noun(lex: Lexicon, c: Cue, parser: SentenceParser) -> bool:
    """Is the cue a `change_cue_words` entry after "a"/"an" ("an increase", "a reduction")?"""
    return parser.toks[c.ts].lower in lex.change_cue_words and parser.lower(c.ts - 1) in ("a", "an")


def _cue_score(lex: Lexicon, head: Figure, c: Cue, ts: int, te: int, dist: _Distances) -> float:
    """Lower is nearer: words between, plus penalties for crossing a clause or another figure,
    for the side the figure does not prefer, and for weak cues."""
    w = lex.scores
    if c.ts < te and ts < c.te:
        score = 0.0
    else:
        before = c.te <= ts
        words, bounds, figs = dist.between(c.te, ts) if before else dist.between(te, c.ts)
        score = float(words)
        if head.prefer_after == before and not (before and c.te == ts):
            # (a cue right before its figure is on no wrong side: "CR 4 (10%), PR 12 (30%)")
            score += w.wrong_side
        if head.ratio is not None and before:
            # "Median PFS was 10.2 months for A and 20.2 months for B (HR 0.488)": the figures
            # before a ratio are the rates it compares, no other measure's
            figs = 0
        score += w.per_boundary * bounds + w.per_figure_between * figs
    if c.priority == 0:
        score += w.weak_cue
    elif c.priority == 2:
        score += w.strong_cue
    return score


def _candidate_cues(cues: list[Cue], ts: int, te: int, dist: _Distances, reach: int) -> list[Cue]:
    """Cues (in sentence order) within `reach` unconsumed tokens of tokens ts..te-1."""
    starts = dist.cue_starts
    lo = bisect.bisect_left(starts, ts)
    while lo > 0 and dist.words[ts] - dist.words[min(ts, cues[lo - 1].ts)] <= reach:
        lo -= 1
    hi = lo
    while hi < len(cues) and dist.words[max(te, cues[hi].ts)] - dist.words[te] <= reach:
        hi += 1
    return cues[lo:hi]


# How many tokens back from a count after "and in" the verb that found it may stand ("occurred
# in 12 patients assigned to letrozole and in 8 ...").
FOUND_IN_REACH = 16


def _found_in(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """Is the count the object of "in" or "among" (`finding_prepositions`) right after a
    `found_in_verbs` entry ("Nausea occurred in 12 patients assigned to A", "was reported in 3
    patients receiving B"): whom something was found in, not who was enrolled? Not a frame
    that opens the clause ("In 302 patients randomized to A, median PFS was ..."), nor who a
    study was done in ("was studied in 5408 women randomly assigned", "were performed in 14
    patients receiving X")."""
    if f.ts < 2 or parser.lower(f.ts - 1) not in lex.finding_of:
        return False
    if parser.lower(f.ts - 2) in lex.found_in_verbs:
        return True
    if parser.lower(f.ts - 2) not in lex.connectors:
        return False
    # "occurred in 12 patients assigned to A and in 8 patients assigned to B": a list's next
    # member, after such a verb and "in" earlier in the clause
    boundary = parser.boundaries()
    for x in range(f.ts - 3, max(0, f.ts - FOUND_IN_REACH) - 1, -1):
        if boundary[x]:
            return False
        if x > 0 and parser.lower(x) in lex.finding_of and (
            parser.lower(x - 1) in lex.found_in_verbs
        ):
            return True
    return False


def enrolled_subject(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """ "769 women with early breast cancer were randomly assigned", "2144 (1063 ..., 1081 ...)
    patients were randomized", "857 patients (99%) were assessable", "The trial enrolled 1905
    women", "Participants were 36 women": a count of subjects that the sentence says were
    enrolled (an enrolled word after an auxiliary, in the same clause, or right before the
    count)."""
    if f.count is None or f.count <= 0 or f.n_form or f.zero:
        return False  # ("All 290 patients were randomized": an "all" form with its count)
    # ("68 (62%) of 109 patients ... were recruited": the 68 were, out of a pool of 109)
    share = f.pct is not None and f.den is not None and f.has_pop and f.num == f.count
    if (f.den is not None and not (f.all_form or share)) or f.ratio is not None:
        return False
    if f.rate_per or f.time_unit:
        return False
    toks = parser.toks
    before = parser.lower(f.ts - 1)
    enrolled_before = f.pct is None and (
        before in lex.enrolled_words  # "enrolled 66 female stage 0-III breast cancer survivors"
        or (before in lex.auxiliaries and parser.lower(f.ts - 2) in lex.pop)  # "Participants were"
    )
    # past that, what follows the count says the subjects were enrolled only through an enrolled
    # word within ENROLLED_REACH tokens after the count's words (most counts have none: no
    # loop, and the count's words are not read either when none follows it at all)
    at = parser.enrolled_at()
    if not enrolled_before and (not at or at[-1] < f.te):
        return False
    k = f.te
    if parser.lower(k) == "(":  # "2144 (1063 ablation, 1081 no ablation) patients"
        k = parser.closing(k, 40) or k
    bare = not f.has_pop
    if bare:
        end = parser.subject_at(k)
        if end is not None:
            k, bare = end, False
    if enrolled_before:
        # (subjects named within a few words: not "included two SNPs")
        return not bare or any(
            toks[m].lower in lex.pop for m in range(f.te, min(len(toks), f.te + 10))
        )
    first = bisect.bisect_left(at, k)
    if first == len(at) or at[first] >= k + ENROLLED_REACH + ENROLLED_AFTER_AUXILIARY:
        return False
    relative = False  # "... of 51 patients who were randomized": the pool is described
    for m in range(k, min(len(toks), k + ENROLLED_REACH)):
        low = toks[m].lower
        relative = relative or low in lex.relative_pronouns
        if bare and m - k >= 3:
            return False  # "397 were randomized", "33 AA BCS were assigned": the verb soon
        if bare and not (low in lex.auxiliaries or toks[m].text.isalpha()):
            return False
        if bare and (low in lex.units or parser.blocks_count_after(m)):
            return False  # "Twelve randomized trials were included": not subjects
        if low in lex.boundaries and toks[m].num is None:
            return False
        if low in lex.auxiliaries:
            n = m + 1
            while (n < min(len(toks), m + ENROLLED_AFTER_AUXILIARY)
                   and toks[n].lower in lex.enrollment_adverbs):  # fmt: skip
                n += 1
            if parser.lower(n) in lex.enrolled_words:
                return not (share and relative)
        elif low in lex.enrolled_words and parser.lower(m + 1) in lex.prepositions:
            # "254 patients with ER-positive cancer randomised to ...", "138 (46.2%)
            # randomized (A, 65; P, 73)": the participle right after who was counted (but of a
            # share, it names the pool: "442 (52%) of 856 patients assigned to A" had an event;
            # nor the object of what occurred: "Nausea occurred in 12 patients assigned to A")
            return not share and not _found_in(lex, f, parser)
        elif low in lex.enrolled_words and bare and m == k and parser.lower(m + 1) in "(,;":
            return True  # (not "Twelve randomized controlled trials")
    return False


def _enrolled_modifier(lex: Lexicon, f: Figure, parser: SentenceParser,
                       dist: _Distances) -> bool:  # fmt: skip
    """ "Toxicity analyses based on 803 evaluable patients", "the 5-year RFS of 47 eligible
    patients": subjects named by how they were studied are who was analysed, not a count of
    the outcome beside them; so are the subjects a rate was measured in ("compared the
    incidence of invasive cancer in 3967 patients", "response rate in 308 patients")."""
    if f.count is None or f.count < lex.min_enrollment or not f.has_pop or f.n_form:
        return False
    if f.pct is not None or f.den is not None or f.ratio is not None or f.all_form:
        return False
    if dist.larger_pool_before(f):
        return False  # "Among 60 patients, a response was seen in 12 evaluable patients"
    if any(parser.lower(k) in lex.enrolled_words for k in range(f.ts + 1, f.te - 1)):
        return True
    # "the incidence of invasive cancer in 3967 patients": the base of a rate
    if lex.rate_base_re.search(parser.text, max(0, f.start - 160), f.start):
        return True
    return _base_of_rates(lex, f, parser)


# How far (characters) before the subjects a rate of their clause may stand.
RATES_BASE_REACH = 150


def _base_of_rates(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """ "Response rates were 45% in arm A and 38% in arm B among the 120 patients with
    measurable disease": the subjects a determiner names after a percentage of their clause
    (read back at most RATES_BASE_REACH characters, to a clause boundary) are who the rates
    were measured in, not a count of the outcome."""
    if not lex.rates_base_re.search(parser.text, max(0, f.start - 20), f.start):
        return False
    lo = f.start - RATES_BASE_REACH
    k = f.ts - 1
    while k >= 0 and parser.toks[k].start >= lo:
        tok = parser.toks[k]
        if tok.lower in lex.boundaries and tok.num is None:
            return False
        if tok.lower == "%" or tok.lower in lex.percent_tails:
            return True
        k -= 1
    return False


def enrollment_context(lex: Lexicon, f: Figure, parser: SentenceParser) -> int:
    """ "A total of 1,203 women" (2), "a randomized trial ... in 320 postmenopausal women" (1):
    a subject count that the words before it make the size of who was studied; 0 if not.
    The caller takes it unless an outcome cue claims the count (a weaker claim for 1)."""
    if f.count is None or f.count < lex.min_enrollment or f.pct is not None or f.den is not None:
        return 0
    if f.all_form or f.ratio is not None or f.rate_per or f.time_unit:
        return 0
    if not f.has_pop and parser.subject_at(f.te) is None:
        return 0
    before = parser.text[max(0, f.start - 80) : f.start]
    if lex.total_before_re.search(before):
        # ("In total, 25 cases of grade 1 onycholysis were reported": occurrences)
        return 0 if counts_occurrences(lex, f, parser) else 2
    return 1 if lex.design_before_re.search(before) else 0


# A cue this near (score) claims a "total of N <subjects>" count: "a total of 16 patients died".
TOTAL_CLAIM = 3


def _enrollment_by_form(lex: Lexicon, members: list[Figure], cues: list[Cue],
                        dist: _Distances, parser: SentenceParser) -> bool:  # fmt: skip
    """A figure group that is who was studied by its form alone, whatever cue is near: "Of 400
    women randomized", an enrolled subject, "women (n = 206)", a case series."""
    head = members[0]
    ts, te = head.ts, members[-1].te
    if head.of_phrase:
        return True  # "Of 400 women randomized, 384 ...": who was studied
    if len(members) > 1:
        return False
    if enrolled_subject(lex, head, parser) or _enrolled_modifier(lex, head, parser, dist):
        return True
    if head.pct is not None or head.den is not None:
        return False
    if head.n_form and not any(
        ts - 2 <= c.te <= ts for c in _candidate_cues(cues, ts, te, dist, 2)
    ):
        # "women (n = 206)", "arms (N = 724)": the size of who was studied (but "Responders
        # (n = 12)": the population is the measure)
        return True
    if head.has_pop and not (head.zero or head.all_form) and lex.healthy_re.search(
        parser.text, head.start, head.end
    ):
        # "pain was induced in 11 healthy volunteers", "tested in 48 healthy men": subjects
        # without a disease are who was studied, not a count of the outcome named beside them
        return True
    # "We describe hair regrowth in two patients ...": the size of a case series, not a count
    # of the outcome named beside it (the opener is at most 80 characters before the count: a
    # bounded window)
    return head.has_pop and (
        lex.case_series_re.search(parser.text, max(0, head.start - 200), head.start) is not None
        or _presented_cases(lex, head, parser)
    )


# How far (characters) after a count its verb of presentation is looked for (the regex reads
# at most 120 characters before the auxiliary).
CASE_PRESENTATION_WINDOW = 160


def _presented_cases(lex: Lexicon, head: Figure, parser: SentenceParser) -> bool:
    """ "Two patients with similar features are presented", "Seven cases of X are presented":
    the count is the subject of a verb of presentation (`Lexicon.case_presented_re`), so it is
    the size of a case series. Not after a preposition ("Adverse events in 12 patients were
    reported"), nor with a number word before the verb ("Twelve patients had nausea but three
    cases are described": the 12 are a result)."""
    if head.ts and parser.toks[head.ts - 1].lower in lex.prepositions:
        return False
    window = parser.low[head.end : head.end + CASE_PRESENTATION_WINDOW]
    if not any(v in window for v in lex.case_presentation_gate):
        return False  # (most counts: no verb of presentation after them, no regex run)
    m = lex.case_presented_re.match(parser.text, head.end)
    if m is None:
        return False
    end = parser.tok_index(m.end())
    return not any(t.num is not None for t in parser.toks[head.te : end])


@dataclass(slots=True)
class _SentenceCues:
    """A sentence's cues and what scoring them needs, built once a sentence."""

    cues: list[Cue]
    dist: _Distances
    reach: int  # a cue farther than this many words can never score under max_score
    asides: dict[int, tuple[int, int]]  # (`outcome_asides.aside_cues`)
    defined: dict[int, int]
    # the defined cues by the token past their bracket, in that order (`_scored_cues`)
    defined_pasts: list[int] = field(default_factory=list)
    defined_cues: list[Cue] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.defined:
            return  # (most sentences)
        by_past = sorted(
            (p, k) for k, c in enumerate(self.cues) if (p := self.defined.get(c.start))
        )
        self.defined_pasts = [p for p, _ in by_past]
        self.defined_cues = [self.cues[k] for _, k in by_past]


def _scored_cues(lex: Lexicon, sc: _SentenceCues, head: Figure, ts: int, te: int,
                 parser: SentenceParser) -> list[tuple[float, Cue]]:  # fmt: skip
    """The cues the figure group at tokens ts..te-1 (`head` its first figure) may take, each
    with its score, in sentence order."""
    dist, defined = sc.dist, sc.defined
    pop = head.population.lower() if head.population else None
    # "Eight patients were hospitalised and one died": a count with a verb of its own after it
    # is its clause's subject; a cue past the next figure is that figure's
    own_verb = parser.lower(te) in lex.auxiliaries
    candidates = _candidate_cues(sc.cues, ts, te, dist, sc.reach)
    if sc.defined_pasts:  # (a cue whose definition's bracket took it out of reach)
        seen = {c.start for c in candidates}
        k = bisect.bisect_right(sc.defined_pasts, ts) - 1
        while k >= 0 and dist.words[ts] - dist.words[sc.defined_pasts[k]] <= sc.reach:
            if sc.defined_cues[k].start not in seen:
                candidates.append(sc.defined_cues[k])
            k -= 1
    scored: list[tuple[float, Cue]] = []
    for c in candidates:
        if not _cue_allowed(lex, head, c, ts, te, parser):
            continue
        if own_verb and c.ts >= te and _figure_between(dist, c, ts, te):
            continue
        aside = sc.asides.get(c.start)
        if aside is not None and not aside[0] < head.start < aside[1]:
            continue  # "... 39.2% in the docetaxel group (HR for death, 0.59)": the HR's
        if pop and c.ts < te and ts < c.te and parser.toks[c.ts].lower == pop:
            continue  # "7 of 25 responders": who was counted, not what
        past = defined.get(c.start)
        if past is not None and past <= ts:
            c = replace(c, te=past)  # (scored from past its definition's bracket)
        if c.measure == "other" and c.priority == 0 and _had_a_change(lex, head, c, te, parser):
            # ("2 of 64 patients had an increase in the creatinine concentration": what they
            # had, not the concentration's value that a not_outcome cue after it would say)
            scored.append((0.0, c))
            continue
        scored.append((_cue_score(lex, head, c, ts, te, dist), c))
    return scored


# The measures whose figure may be a median time to an event ("median PFS, 10.2 months").
TIME_TO_EVENT_MEASURES = frozenset({"survival", "progression", "relapse"})


def _time_to_event_cue(lex: Lexicon, scored: list[tuple[float, Cue]],
                       best: tuple[float, Cue]) -> tuple[float, Cue]:  # fmt: skip
    """A median duration is a time to an event: a survival, progression or relapse cue within
    max_score wins over a weak adverse-event cue nearer it ("Patients with grade 2 or 3 MST had
    inferior survival compared with patients who had grade 0 or 1 MST (median, 22.5 months v
    28.2 months)": the event names the subgroup, the figures are their survival)."""
    if best[1].measure != "adverse_event" or best[1].priority != 0:
        return best
    times = [
        sc for sc in scored
        if sc[1].measure in TIME_TO_EVENT_MEASURES and sc[0] <= lex.scores.max_score
    ]  # fmt: skip
    return min(times, key=lambda sc: sc[0]) if times else best


# How many words may stand between a change noun's "in"/"of" and a not_outcome cue it names.
CHANGED_OBJECT_WORDS = 3


def _without_changed_objects(lex: Lexicon, cues: list[Cue], parser: SentenceParser) -> list[Cue]:
    """The cues but a not_outcome cue that is what a change noun says changed ("had an increase
    in the creatinine concentration": the change is the outcome, for the comparator's figure
    after it too, "as compared with 17 of the 65 patients in the iohexol group (26 percent)")."""
    if not any(c.measure == NOT_OUTCOME for c in cues):
        return cues  # (most sentences)
    changes = [c.te for c in cues if c.measure == "other" and c.priority == 0
               and _change_noun(lex, c, parser)]  # fmt: skip
    if not changes:
        return cues

    def changed(c: Cue) -> bool:
        return any(
            parser.lower(te) in ("in", "of") and te < c.ts <= te + 1 + CHANGED_OBJECT_WORDS
            and all(parser.toks[k].text.isalpha() for k in range(te, c.ts))
            for te in changes
        )  # fmt: skip

    return [c for c in cues if c.measure != NOT_OUTCOME or not changed(c)]


def assign_measures(
    lex: Lexicon, figures: list[Figure], cues: list[Cue], parser: SentenceParser,
    boundary: list[bool],
) -> None:  # fmt: skip
    """Give each figure group the measure of its best-scoring cue (none above max_score)."""
    cues = _without_changed_objects(lex, cues, parser)
    dist = _Distances(parser, boundary, figures, cues)
    longest = max((c.te - c.ts for c in cues), default=0)
    reach = lex.scores.max_score - min(0, lex.scores.strong_cue) + longest + 1
    sc = _SentenceCues(cues, dist, reach, *aside_cues(lex, parser, figures, cues))
    has_improvement = any(c.measure == "improvement" for c in cues)
    prev: Figure | None = None
    for members in figure_groups(figures):
        head, tail = members[0], members[-1]
        ts, te = head.ts, tail.te
        before, prev = prev, tail
        if _enrollment_by_form(lex, members, cues, dist, parser) or (
            # "352 DFS events among 2,463 women receiving letrozole": who the count before
            # was counted among (its arm's size), not a count of its events
            before is not None
            and len(members) == 1
            and counted_among_by_words(lex, before, head, parser.text)
        ) or (
            # "Response was evaluable in 88 patients", "Forty-four patients were assessed for
            # response", "We compared the safety of two regimens in 118 patients", "26 cases of
            # Reye syndrome were reviewed": who was assessed or studied, no count of events
            len(members) == 1
            and head.has_pop and head.pct is None and head.den is None and not head.all_form
            and (lex.assessed_total(parser.text, head.start, False)
                 or lex.assessed_for(parser.text, head.end)
                 or lex.studied_before_re.search(parser.text, max(0, head.start - 120), head.start)
                 or lex.studied_after_re.match(parser.text, head.end))
        ):  # fmt: skip
            head.measure = "enrollment"
            continue
        scored = _scored_cues(lex, sc, head, ts, te, parser)
        # (the first of the lowest scores)
        best = min(scored, key=lambda sc_: sc_[0]) if scored else None
        if best is not None:
            best = event_with_subject(lex, scored, best, ts, parser)
        if best is not None and says_how_it_changed(lex, best[1], parser):
            best = what_changed(lex, scored, best[1], dist, parser) or best
        if best is not None and head.time_unit is not None:
            best = _time_to_event_cue(lex, scored, best)
        measure: str | None = None
        negated = False
        context = enrollment_context(lex, head, parser) if len(members) == 1 else 0
        if context and (
            best is None
            or best[1].measure == NOT_OUTCOME
            or best[1].priority == 0
            or best[0] > (lex.scores.max_score if context == 1 else TOTAL_CLAIM)
            # ("A trial in 1,200 adults found that 44% ... were clear or almost clear": the
            # cue is the figure's between them)
            or _figure_between(dist, best[1], ts, te)
        ):
            head.measure = "enrollment"
            continue
        if best is not None and best[0] <= lex.scores.max_score:
            cue = best[1]
            measure = cue.measure
            window = [parser.toks[x].lower for x in range(max(0, cue.ts - 3), cue.ts)]
            negated = any(w in lex.negation_words for w in window)
        excluded = measure == NOT_OUTCOME or (head.area and not has_improvement)
        if measure == NOT_OUTCOME:
            measure = None
        elif head.area:
            measure = "improvement" if has_improvement else None
        for f in members:
            f.measure = measure
            f.excluded = excluded
            f.negated = f.negated or negated


def measures_respectively(lex: Lexicon, figures: list[Figure], cues: list[Cue],
                          parser: SentenceParser, boundary: list[bool]) -> None:  # fmt: skip
    """ "Response, relapse and death rates were 40%, 20% and 5%, respectively": a list of
    figures a respectively word follows, after a list of as many cues of different measures
    in its clause (only list connectors between them), takes their measures in order, not the
    nearest cue's for all."""
    toks = parser.toks
    # once per sentence, and only for a list a respectively word follows (few sentences have
    # one), so that each list costs a bisection (time linear in its length): the cues by their
    # end, and where the clause of each token starts
    ordered: list[Cue] = []
    ends: list[int] = []
    clause_start: list[int] = []
    for members in figure_groups(figures):
        head, tail = members[0], members[-1]
        if len(members) < 2 or head.measure is None or respectively_after(
            lex, parser, boundary, tail.te, len(toks)
        ) is None:
            continue
        if not clause_start:
            ordered = sorted(cues, key=lambda c: c.te)
            ends = [c.te for c in ordered]
            clause_start = list(accumulate(
                (x + 1 if b else 0 for x, b in enumerate(boundary)), max, initial=0))
        # the cues that end in the list's clause (no boundary from a cue's end to the list)
        lo = bisect.bisect_left(ends, clause_start[head.ts])
        hi = bisect.bisect_right(ends, head.ts)
        listed = ordered[max(lo, hi - len(members)):hi]
        if len(listed) != len(members) or len({c.measure for c in listed}) != len(listed):
            continue
        if any(c.measure == NOT_OUTCOME for c in listed) or not all(
            a.te < b.ts and all(toks[x].lower in lex.connectors for x in range(a.te, b.ts))
            for a, b in pairwise(listed)
        ):
            continue  # (cues that overlap are one phrase: "breast cancer survival")
        for f, c in zip(members, listed, strict=True):
            f.measure = c.measure


def counts_occurrences(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """ "25 cases of grade 1 onycholysis": occurrences of what follows, not subjects."""
    pop = f.population
    return pop is not None and pop.lower() in lex.occurrence_nouns and parser.lower(f.te) == "of"


def enrollment_ok(f: Figure, c: Cue, parser: SentenceParser, min_count: int) -> bool:
    """Enrollment is a plain count of subjects: never a percentage, zero or "all", nor a count
    under `min_count` that only a cue word makes enrollment ("nine were being screened") unless
    it is bracketed after its group or opens the sentence with its subjects."""
    if f.pct is not None or f.zero or f.all_form or f.proportion or f.ratio is not None:
        return False
    if (
        f.count is not None
        and f.count < min_count
        and parser.lower(f.ts - 1) != "("
        and not (f.has_pop and f.ts == 0)
    ):
        # (but "allocated to A (8 patients) or B (7 patients)": a group's size; "Eight
        # patients with alopecia received ...": a case series named as its sentence's subject)
        return False
    if f.den is not None and not f.has_pop:
        return False  # "69 centres randomized at least one patient (35/68 in ...)": a share
    if f.rate_per is not None or f.time_unit is not None:
        return False
    if c.priority == 0 and f.den is not None:
        return False  # "9 of 30 patients receiving lidocaine ..."
    if c.priority == 0 and parser.lower(c.ts - 1) in parser.lex.relative_pronouns:
        return False
    if f.needs_cue:  # "32 were enrolled", not "Twelve randomized trials"
        return parser.lower(f.te) in parser.lex.bare_count_verbs
    return True
