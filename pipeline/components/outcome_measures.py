"""What each figure of a sentence measures.

Functions over the figures `SentenceParser` found in one sentence: `group` (bare percentages joined
by "and", ",", "vs" share a measure), `assign_measures` (nearest measure cue, scored by
`Lexicon.scores`, or who was studied by the figure's form), `measures_respectively`; what a change
word or an event verb names is `outcome_changes.py`'s, the figures no cue claimed
`outcome_unclaimed.py`'s, percentages that are a drug's strength `outcome_strengths.py`'s, the
counts that are who was studied by their form `outcome_enrolled.py`'s. What is attached to a
figure besides its measure is `outcome_attach.py`'s. Distances are read from prefix sums
(`outcome_cue_distances.py`) and every search looks at a bounded window, so a sentence costs
time linear in its length.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise

from pipeline.components.outcome_asides import aside_cues
from pipeline.components.outcome_attach import respectively_after
from pipeline.components.outcome_changes import (
    event_with_subject,
    says_how_it_changed,
    what_changed,
)
from pipeline.components.outcome_cue_distances import Distances, candidate_cues, figure_between
from pipeline.components.outcome_enrolled import (
    TOTAL_CLAIM,
    controls_of_cases,
    counts_occurrences,
    enrollment_by_form,
    enrollment_context,
    enrollment_ok,
    found_in,
    names_case_control,
)
from pipeline.components.outcome_following_arms import counted_among_by_words
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import NOT_OUTCOME
from pipeline.components.outcome_tokens import Cue, Figure, figure_groups


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
        or (c.ts >= te and found_in(lex, head, parser))
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


def _counted_nouns(lex: Lexicon, figures: list[Figure], parser: SentenceParser) -> frozenset[int]:
    """Where a figure's own counted event noun stands ("Eight deaths": the token of "deaths"),
    for `_SentenceCues.counted_nouns`."""
    return frozenset(
        f.te for f in figures if not f.has_pop and parser.lower(f.te) in lex.rate_event_nouns
    )


# How far (characters) before an "(n = N)" the words that frame groups of subjects are read.
SUBGROUP_FRAME_REACH = 200
_WORD = re.compile(r"[^\W\d_]+")


def _says_an_event(lex: Lexicon, parser: SentenceParser) -> bool:
    """Does the sentence hold an `event_verb_cues` entry that is no part of a compound
    ("levodopa-induced")? (For `_condition_group`: asked once a sentence.)"""
    toks = parser.toks
    return any(
        t.lower in lex.event_verb_cues and (k == 0 or toks[k - 1].text != "-")
        for k, t in enumerate(toks)
    )


def _condition_group(lex: Lexicon, members: list[Figure], best: tuple[float, Cue] | None,
                     parser: SentenceParser, sc: _SentenceCues) -> bool:  # fmt: skip
    """Make the group enrollment, and say so, when it is an "(n = N)" right after the condition
    that names a group of subjects, in a sentence that frames groups (a `subgroup_frame_words`
    entry at most SUBGROUP_FRAME_REACH characters before: "Patients were divided into three
    groups: controls, n=748; CRF, n=41; and ESRD, n=45", "24 patients with either MDS (n = 17)
    or AML (n = 7)") and says no one had an event (no `event_verb_cues` entry: "In both groups
    rash (n = 5) developed"): its only claim, the condition as a weak adverse-event cue, names
    who was counted, the group's size. `sc.says_event`: the sentence's `_says_an_event`, asked
    once (a sentence of many such figures is read once, not once each)."""
    head = members[0]
    if len(members) != 1 or not head.n_form or head.pct is not None or head.den is not None:
        return False
    if best is None or best[1].measure != "adverse_event" or best[1].priority != 0:
        return False
    if not head.ts - 3 <= best[1].te <= head.ts:
        return False
    window = parser.text[max(0, head.start - SUBGROUP_FRAME_REACH) : head.start].lower()
    if lex.subgroup_frame_words.isdisjoint(_WORD.findall(window)):
        return False
    if sc.says_event is None:
        sc.says_event = _says_an_event(lex, parser)
    if sc.says_event:
        return False
    head.measure, head.one_arm = "enrollment", True
    return True


def _enrolled_by_context(lex: Lexicon, head: Figure, best: tuple[float, Cue] | None,
                         dist: Distances, parser: SentenceParser) -> bool:  # fmt: skip
    """Is the count the size of who was studied by the words before it (`enrollment_context`),
    no cue claiming it: none, a not_outcome or weak one, one too far, or one past another
    figure ("A trial in 1,200 adults found that 44% ... were clear or almost clear")? A weak
    cue right after the count's own verb of having or undergoing claims a total ("a total of
    48 patients had thrombosis at day 30": who had it, an event count)."""
    context = enrollment_context(lex, head, parser)
    if not context:
        return False
    if best is None or best[1].measure == NOT_OUTCOME:
        return True
    cue = best[1]
    if cue.priority == 0:
        return not (
            context == 2
            and head.te < cue.ts <= head.te + 2
            and parser.lower(head.te) in lex.event_report_verbs | lex.event_verb_cues
        )
    return best[0] > (lex.scores.max_score if context == 1 else TOTAL_CLAIM) or figure_between(
        dist, cue, head.ts, head.te)


def _controls_enrolled(lex: Lexicon, best: tuple[float, Cue] | None, sc: _SentenceCues,
                       figures: list[Figure], head: Figure, parser: SentenceParser
                       ) -> bool:  # fmt: skip
    """Make `head` enrollment when only a weak cue claims it and it counts the cases or the
    controls of a case-control study (`controls_of_cases`): who was studied, a group of them,
    not the cohort a later count is taken over ("49 cases and 156 control subjects")."""
    if best is None or best[1].priority != 0 or not controls_of_cases(
            lex, figures, head, parser, sc.case_control):
        return False
    head.measure, head.one_arm = "enrollment", True
    return True


def _past_threshold(lex: Lexicon, head: Figure, cue: Cue, parser: SentenceParser) -> bool:
    """Is the figure a count of subjects after a measured quantity's cue and a change of it past
    a threshold between them ("Left ventricular ejection fraction reduced to less than 50% in 5
    patients": the subjects with that abnormal change, an adverse event)?"""
    return (
        head.has_pop and head.pct is None and head.ratio is None and not head.all_form
        and cue.end <= head.start
        and lex.threshold_change_re.search(parser.text, cue.end, head.start) is not None
    )  # fmt: skip


def _part_between(lex: Lexicon, parser: SentenceParser, te: int, cue: int) -> bool:
    """Is there a part of the count, "<number> of <part_pronouns entry>", between a figure
    ending at token te and a cue at token `cue` ("five cases of VT, one of which was fatal")?"""
    return any(
        parser.lower(k) in lex.part_pronouns and parser.lower(k - 1) == "of"
        and parser.toks[k - 2].num is not None
        for k in range(te + 2, cue)
    )  # fmt: skip


def _in_relative_clause(lex: Lexicon, parser: SentenceParser, te: int, cue: int) -> bool:
    """Does a comma and a `relative_pronouns` entry after a figure ending at token te open a
    clause the cue at token `cue` is in (no comma after the pronoun before the cue: "in 5
    patients, which were recovered", "two developed myoclonic jerks, which resolved"; not
    "Two patients, who had a prior history of X, were treated")? An improvement such a clause
    names is what came of the counted subjects or their event later, not what the figure
    counts."""
    for k in range(cue - 1, te - 1, -1):
        if parser.toks[k].text == ",":
            return parser.lower(k + 1) in lex.relative_pronouns
    return False


def _change_noun(lex: Lexicon, c: Cue, parser: SentenceParser) -> bool:
    """Is the cue a `change_cue_words` entry after "a"/"an" ("an increase", "a reduction")?"""
    return parser.toks[c.ts].lower in lex.change_cue_words and parser.lower(c.ts - 1) in ("a", "an")


def _cue_score(lex: Lexicon, head: Figure, c: Cue, ts: int, te: int, dist: Distances) -> float:
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


@dataclass(slots=True)
class _SentenceCues:
    """A sentence's cues and what scoring them needs, built once a sentence."""

    cues: list[Cue]
    dist: Distances
    reach: int  # a cue farther than this many words can never score under max_score
    asides: dict[int, tuple[int, int]]  # (`outcome_asides.aside_cues`)
    defined: dict[int, int]
    # the defined cues by the token past their bracket, in that order (`_scored_cues`)
    defined_pasts: list[int] = field(default_factory=list)
    defined_cues: list[Cue] = field(default_factory=list)
    # where a figure's own counted event noun stands ("Eight deaths": the token of "deaths")
    counted_nouns: frozenset[int] = frozenset()
    # whether the sentence names a case-control design (`names_case_control`)
    case_control: bool = False
    # whether it says an event (`_says_an_event`), once asked
    says_event: bool | None = None

    def __post_init__(self) -> None:
        if not self.defined:
            return  # (most sentences)
        by_past = sorted(
            (p, k) for k, c in enumerate(self.cues) if (p := self.defined.get(c.start))
        )
        self.defined_pasts = [p for p, _ in by_past]
        self.defined_cues = [self.cues[k] for _, k in by_past]


def _past_verb(lex: Lexicon, parser: SentenceParser, k: int) -> bool:
    """Is token k a verb in the past tense that opens a predicate: a word in -ed (not
    "treated", "randomized" or another participle that names who: one an arm link or a
    preposition follows)?"""
    low = parser.lower(k)
    return (len(low) > 4 and low.endswith("ed") and parser.lower(k + 1) not in lex.prepositions
            and parser.toks[k].num is None)  # fmt: skip


def _scored_cues(lex: Lexicon, sc: _SentenceCues, head: Figure, ts: int, te: int,
                 parser: SentenceParser) -> list[tuple[float, Cue]]:  # fmt: skip
    """The cues the figure group at tokens ts..te-1 (`head` its first figure) may take, each
    with its score, in sentence order."""
    dist, defined = sc.dist, sc.defined
    pop = head.population.lower() if head.population else None
    # "Eight patients were hospitalised and one died": a count with a verb of its own after it
    # is its clause's subject; a cue past the next figure is that figure's
    # ("243 (92%) remained well ...; and 21 (8%) had a relapse": a verb in -ed too)
    own_verb = parser.lower(te) in lex.auxiliaries or _past_verb(lex, parser, te)
    candidates = candidate_cues(sc.cues, ts, te, dist, sc.reach)
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
        if own_verb and c.ts >= te and figure_between(dist, c, ts, te):
            continue
        if c.measure == "improvement" and c.ts >= te and _in_relative_clause(lex, parser, te, c.ts):
            continue  # "LVEF fell below 50% in 5 patients, which recovered": their later course
        if c.ts >= te and _part_between(lex, parser, te, c.ts):
            continue  # "five cases of VT, one of which was fatal": the part's cue
        if c.ts != te and c.ts in sc.counted_nouns and head.ratio is None:
            continue  # "Eight deaths and liver rupture in 18 patients": what the eight count
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
    dist = Distances(parser, boundary, figures, cues)
    longest = max((c.te - c.ts for c in cues), default=0)
    reach = lex.scores.max_score - min(0, lex.scores.strong_cue) + longest + 1
    sc = _SentenceCues(cues, dist, reach, *aside_cues(lex, parser, figures, cues))
    sc.counted_nouns = _counted_nouns(lex, figures, parser)
    sc.case_control = names_case_control(lex, parser)
    has_improvement = any(c.measure == "improvement" for c in cues)
    prev: Figure | None = None
    for members in figure_groups(figures):
        head, tail = members[0], members[-1]
        ts, te = head.ts, tail.te
        before, prev = prev, tail
        if enrollment_by_form(lex, members, cues, dist, parser) or (
            # "352 DFS events among 2,463 women receiving letrozole": who the count before
            # was counted among (its arm's size), not a count of its events
            before is not None
            and len(members) == 1
            and counted_among_by_words(lex, before, head, parser.text)
        ) or (
            # "Response was evaluable in 88 patients", "Forty-four patients were assessed for
            # response", "We compared the safety of two regimens in 118 patients", "26 cases of
            # Reye syndrome were reviewed": who was assessed or studied, no count of events
            # ("Response was assessed in 180 of the 200 patients": who was assessed of all)
            len(members) == 1
            and head.has_pop and head.pct is None and not head.all_form
            and (lex.assessed_total(parser.text, head.start, False) or (head.den is None and (
                 lex.assessed_for(parser.text, head.end)
                 or lex.studied_before_re.search(parser.text, max(0, head.start - 120), head.start)
                 or lex.studied_after(parser.text, head.end, head.population))))
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
        if _controls_enrolled(lex, best, sc, figures, head, parser) or _condition_group(
                lex, members, best, parser, sc):
            continue  # "49 cases and 156 control subjects", "... ESRD, n=45": who was studied
        measure: str | None = None
        negated = False
        if len(members) == 1 and _enrolled_by_context(lex, head, best, dist, parser):
            head.measure = "enrollment"
            continue
        if best is not None and best[0] <= lex.scores.max_score:
            cue = best[1]
            measure = cue.measure
            if measure == NOT_OUTCOME and _past_threshold(lex, head, cue, parser):
                measure = "adverse_event"  # "LVEF reduced to less than 50% in 5 patients"
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
