"""What is attached to each figure of a sentence besides its measure.

Functions over the figures `SentenceParser` found in one sentence, after `assign_measures`
(`outcome_measures.py`): `attach_stats` (CI and p-value after the figure), `attach_timepoints`
(nearest timepoint of the same clause), `mark_change_pairs` ("fell from 35% to 22%": before and
after), `attach_arms` (the arm named right after or before a figure; a list's arms, "25% and
15% in the docetaxel and control arms", by `outcome_list_arms`), `split_by_arm` ("in 13
patients (6 with drug A and 7 with placebo)": the parts' arms, and the total's measure for
them), `share_arm_heads` ("3 with low-dose and 5 with high-dose aspirin": "low-dose aspirin"),
`mark_compared` ("13 vs 31", "28 and 15 patients, respectively": one side of a comparison).
Every search looks at a bounded window, so a sentence costs time linear in its length.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import NamedTuple

from pipeline.components.outcome_brackets import BRACKET_AFTER
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_list_arms import ARM_WINDOW as ARM_WINDOW
from pipeline.components.outcome_list_arms import (
    arm_named_at,
    count_lists,
    list_arms,
    one_arm_after_list,
    respectively_one_arm,
    treated_list_arms,
)
from pipeline.components.outcome_list_arms import no_arm_name as no_arm_name
from pipeline.components.outcome_list_arms import several_arms as several_arms
from pipeline.components.outcome_tokens import Figure, Stat, figure_groups, fnum


def attach_stats(lex: Lexicon, figures: list[Figure], parser: SentenceParser) -> None:
    """Each CI and p-value goes to the figure it follows (within 80 characters), or to the
    figure whose span holds it ("18 patients (60%; 95% CI 44-74)" is one figure)."""
    text = parser.text
    ends = [f.end for f in figures]
    for st in parser.stats:
        k = bisect.bisect_right(ends, st.start) - 1
        if k + 1 < len(figures) and figures[k + 1].start <= st.start < figures[k + 1].end:
            k += 1
        if k < 0:
            continue
        f = figures[k]
        gap = text[f.end : st.start]
        if len(gap) > 80:
            continue
        if lex.ratio_re.search(gap.replace("or more", "")) and re.search(r"\d", gap):
            continue
        if st.kind == "ci" and f.ci is None:
            ci = st
            if (
                f.pct is not None
                and f.pct > 1
                and ci.low is not None
                and ci.high is not None
                and abs(ci.low) <= 1
                and abs(ci.high) <= 1
            ):
                ci = Stat(st.start, st.end, "ci", st.level, ci.low * 100, ci.high * 100)
            f.ci = ci
        elif st.kind == "p" and f.p is None:
            f.p = st
    for f in figures:  # "HR 0.74 [0.61, 0.90]": a bracketed pair right after a ratio
        if f.ratio is not None and f.ci is None:
            m = _PAIR.match(text[f.end : f.end + 40])
            if m:
                f.ci = Stat(f.end, f.end + m.end(), "ci", None, fnum(m["lo"]), fnum(m["hi"]))
        elif f.ci is None and f is not figures[0]:
            f.ci = listed_ci(f, figures, text)  # ("24.3 months (95% CI ...) vs 19.0 (16.2-21.5)")


def listed_ci(f: Figure, figures: list[Figure], text: str) -> Stat | None:
    """ "24.3 months (95% CI 20.1-28.7) versus 19.0 months (16.2-21.5)": a bracketed pair right
    after a figure that lies between its two numbers is the figure's CI, written without its
    label, when a figure of the same kind before it in the sentence has a CI of a stated
    level (the level is that one's)."""
    # (the pair searched within a bound: `_PAIR` backtracks in the square of a run of digits)
    m = _PAIR.match(text, f.end, f.end + PAIR_SCAN)
    value = f.ratio_value if f.ratio_value is not None else f.pct
    if m is None or value is None or m.end() - f.end > 40:
        return None
    lo, hi = fnum(m["lo"]), fnum(m["hi"])
    if not lo <= value <= hi:
        return None
    for g in figures:
        if g.end > f.start:
            break
        if (g.ci is not None and g.ci.level is not None and g.ratio == f.ratio
                and g.time_unit == f.time_unit and (g.pct is None) == (f.pct is None)):  # fmt: skip
            return Stat(f.end, m.end(), "ci", g.ci.level, lo, hi)
    return None


#: Characters after a figure searched for its bracketed pair (the pair itself: at most 40).
PAIR_SCAN = 200
_PAIR = re.compile(
    r"\s*[\[(]\s*(?P<lo>[-−]?\d*[.·]?\d+)\s*(?:,|;|-|–|to)\s*(?P<hi>[-−]?\d*[.·]?\d+)\s*[\])]"
)


def attach_timepoints(figures: list[Figure], parser: SentenceParser, boundary: list[bool]) -> None:
    """The nearest timepoint (at most 30 tokens away, no clause boundary between) per figure."""
    if not parser.timepoints:
        return
    bounds = [0, *accumulate(int(b) for b in boundary)]
    spans = [(parser.tok_index(s), parser.tok_index(e), s, e) for s, e in parser.timepoints]
    tp_te = [t[1] for t in spans]
    tp_ts = [t[0] for t in spans]
    for f in figures:
        cands: list[tuple[int, int, int]] = []  # (a, b, index): nearest before, nearest after
        k = bisect.bisect_right(tp_te, f.ts) - 1
        if k >= 0:
            cands.append((spans[k][1], f.ts, k))
        k = bisect.bisect_left(tp_ts, f.te)
        if k < len(spans):
            cands.append((f.te, spans[k][0], k))
        best: tuple[int, int] | None = None
        for a, b, k in cands:
            if bounds[b] - bounds[a] or b - a > 30:
                continue
            if best is None or b - a < best[0]:
                best = (b - a, k)
        if best is not None:
            _, _, s, e = spans[best[1]]
            f.timepoint = parser.text[s:e].strip()


BEFORE, AFTER = "before", "after"  # timepoint values of a change pair


def mark_change_pairs(lex: Lexicon, figures: list[Figure], parser: SentenceParser) -> None:
    """ "fell from 35% to 22%": the two figures are one change, measured before and after; their
    timepoint says which (unless the sentence gave one as written)."""
    for a, b in pairwise(figures):
        if change_pair(lex, a, b, parser) and a.timepoint is None and b.timepoint is None:
            a.timepoint, b.timepoint = BEFORE, AFTER


def change_pair(lex: Lexicon, a: Figure, b: Figure, parser: SentenceParser) -> bool:
    """Are the figures a and b "from a to b" ("fell from 35% to 22%")?"""
    return (
        a.ts > 0
        and parser.lower(a.ts - 1) in lex.change_from
        and b.ts == a.te + 1
        and parser.lower(a.te) in lex.change_to
    )


def share_pair_arm(lex: Lexicon, a: Figure, b: Figure, parser: SentenceParser) -> None:
    """ "HbA1c fell from 8.1% to 7.2% in the semaglutide group": the two figures of a change
    pair are one arm's change; each takes the other's arm if it has none."""
    if change_pair(lex, a, b, parser):
        a.arm, b.arm = a.arm or b.arm, b.arm or a.arm


# The characters `Lexicon.arm_before_re` ends with (then white space only): "the tamoxifen
# group (", "the control arm,".
_ARM_BEFORE_ENDS = ("(", "[", ",")


def attach_arms(lex: Lexicon, figures: list[Figure], parser: SentenceParser) -> None:
    """The arm a figure belongs to, as sentence-relative character offsets (`Figure.arm`); the
    two figures of a change pair (`mark_change_pairs`) share theirs."""
    text = parser.text
    nxt = {id(f): g for f, g in pairwise(figures)}
    # "in 12, 8 and 5 patients in the docetaxel group": a list of counts and the one arm after it
    # ... or the treatments each part received: "271 and 278 patients received CT-P6 and
    # trastuzumab, respectively"
    listed = {id(f) for run in count_lists(lex, figures, parser)
              if one_arm_after_list(lex, run, parser) or treated_list_arms(lex, run, text)
              for f in run}  # fmt: skip
    for members in figure_groups(figures):
        if len(members) == 1 and id(members[0]) in listed:
            continue
        if len(members) > 1 and (list_arms(lex, members, text)
                                 or respectively_one_arm(lex, members, text)
                                 or one_arm_after_list(lex, members, parser)):  # fmt: skip
            continue
        for f in members:
            start = f.end
            if f.ci is not None or f.p is not None:
                stat = BRACKET_AFTER.match(text[start : start + ARM_WINDOW])
                start += stat.end() if stat else 0
            window = text[start : start + ARM_WINDOW]
            m = arm_named_at(lex, window)
            if m and "noun" in m.re.groupindex and m["noun"].lower() in lex.pooled_arm_nouns:
                f.arm_pooled = True  # "in both groups", "in the A and B arms": no one arm
                continue
            if m and not no_arm_name(lex, m["arm"]):
                f.arm = (start + m.start("arm"), start + m.end("arm"))
                continue
            if m:
                continue  # "12% of women in the whole study group": no arm
            lo = max(0, f.start - ARM_WINDOW)
            before = text[lo : f.start]
            # (the regex ends at a bracket or comma before the figure: most figures have none,
            # and the search that finds that out tries every position of the window)
            ends = before.rstrip()[-1:] in _ARM_BEFORE_ENDS
            m = lex.arm_before_re.search(before) if ends else None
            if m is None and f.pct is not None:
                # "group A = 14 (25.5%)" (a bare "group A = 54" is a part of a total split by
                # arm, `split_by_arm`, or no count at all: "mean age (group A = 54)")
                m = lex.arm_label_eq_re.search(text[lo : f.start])
            if m and named_as_comparator(lex, text, lo + m.start("arm")) and (
                m.group().rstrip().endswith(",")
                or _compared_with_next(lex, parser, f, nxt.get(id(f)))
            ):
                # "Unlike the control group, 40% ..." (the comparator's name, then the figure);
                # "lower than in the control arm (45% vs 82%)": the second's arm. (Not "than in
                # the control group (12%)": its own bracket.)
                continue
            if m and not _counts_arms(lex, m["arm"]) and not several_arms(lex, m["arm"]):
                f.arm = (lo + m.start("arm"), lo + m.end("arm"))
    for a, b in pairwise(figures):
        share_pair_arm(lex, a, b, parser)  # ("... from 8.1% to 7.2% in the semaglutide group")


def _counts_arms(lex: Lexicon, words: str) -> bool:
    """ "In the two arms, 90% vs 80%": a number of arms (or "all"), not an arm's name."""
    return all(w.isdigit() or w in lex.number_words or w in lex.determiners
               for w in words.lower().split())  # fmt: skip


#: How far before an arm's name a comparison word makes it the comparator ("compared with the
#: placebo arm", "than in the control arm").
COMPARATOR_CHARS = 30


def named_as_comparator(lex: Lexicon, text: str, start: int, lo: int = 0) -> bool:
    """Does a comparison word, then only gap words, stand right before the arm's name that
    starts at `start` (not before `lo`): "compared with the placebo arm", "than in the control
    arm", "versus placebo"? Then the arm is the comparator's."""
    window = max(lo, start - COMPARATOR_CHARS)
    return lex.comparison_before_re.search(text, window, start) is not None


def _compared_with_next(lex: Lexicon, parser: SentenceParser, f: Figure,
                        g: Figure | None) -> bool:  # fmt: skip
    """Is the figure the first of a pair in one bracket that a comparison word joins ("(45% vs
    82%)", "(13 vs 31)"), as `mark_compared` reads a pair (`_comparison_words`)? (Two bare
    counts are two groups, so a group alone cannot say.)"""
    if g is None or any(c in parser.text[f.end : g.start] for c in ")]"):
        return False
    after_f, before_g = _comparison_words(lex, parser, parser.boundaries(), f, g)
    return after_f is not None and after_f == before_g


# How many tokens may stand between a figure and the comparison word beside it ("28 patients
# compared with 15", "13 (P < .01) vs 31"); and how many after a list of figures may come
# before its respectively word ("in 28 and 15 patients in the two arms, respectively").
COMPARE_GAP = 4
RESPECTIVELY_WINDOW = 12


@dataclass(slots=True)
class Comparisons:
    """A sentence's comparisons of figures (`mark_compared`): the lists a respectively word
    follows or precedes, each with the token of that word, and the pairs one comparison word
    joins ("28% vs 15%", "13 (P < .01) versus 31")."""

    runs: list[tuple[list[Figure], int]]
    pairs: list[list[Figure]]


def mark_compared(lex: Lexicon, figures: list[Figure], parser: SentenceParser,
                  boundary: list[bool]) -> Comparisons:  # fmt: skip
    """Mark the figures that are one side of a comparison (`Figure.compared`): a figure with a
    comparison word right beside it ("13 vs 31", "28 patients compared with 15 patients"; past
    brackets, statistics and prepositions) and another figure on the word's other side in the
    same clause; each figure of a list of at least two ("28 and 15 patients") that a
    respectively word follows in its clause. In a study that compares arms each is one arm's
    figure, whether or not the sentence names its arm. Returns the comparisons found, for
    `outcome_respectively.respectively_arms`."""
    pairs: list[list[Figure]] = []
    for f, g in pairwise(figures):
        after_f, before_g = _comparison_words(lex, parser, boundary, f, g)
        f.compared = f.compared or after_f is not None
        g.compared = g.compared or before_g is not None
        if after_f is not None and after_f == before_g:
            pairs.append([f, g])  # one word joins the two
    runs = respectively_runs(lex, figures, parser, boundary)
    for run, _resp in runs:
        for g in run:
            g.compared = True
    return Comparisons(runs, pairs)


def _comparison_words(lex: Lexicon, parser: SentenceParser, boundary: list[bool], f: Figure,
                      g: Figure) -> tuple[int | None, int | None]:  # fmt: skip
    """Between two figures of one clause: the token of the comparison word right after f and
    of the one right before g (past brackets, statistics and prepositions), or None."""
    if any(boundary[x] for x in range(f.te, g.ts)):
        return None, None
    a = beside_word(lex, parser, f.te, g.ts, 1)
    b = beside_word(lex, parser, g.ts - 1, f.te - 1, -1)
    return (a if a is not None and parser.lower(a) in lex.pairwise_comparison else None,
            b if b is not None and parser.lower(b) in lex.pairwise_comparison else None)


def respectively_runs(lex: Lexicon, figures: list[Figure], parser: SentenceParser,
                      boundary: list[bool]) -> list[tuple[list[Figure], int]]:  # fmt: skip
    """The lists of at least two figures ("28 and 15 patients", "10% and 12% vs 40%") that a
    respectively word follows in their clause, each with the token index of that word. A list
    may go on past its respectively word: the longer list then comes again, whole. A list no
    respectively word follows may have one right before it ("were, respectively, 45% and 30%")."""
    out: list[tuple[list[Figure], int]] = []
    run: list[Figure] = []
    followed = False
    for k, f in enumerate(figures):
        if run and not listed(lex, parser, boundary, run[-1], f):
            _respectively_before(lex, parser, run, followed, out)
            run, followed = [], False
        run.append(f)
        nxt = figures[k + 1].ts if k + 1 < len(figures) else len(parser.toks)
        resp = respectively_after(lex, parser, boundary, f.te, nxt) if len(run) > 1 else None
        if resp is not None:
            out.append((list(run), resp))
            followed = True
    _respectively_before(lex, parser, run, followed, out)
    return out


# How many commas, colons and prepositions may stand between a respectively word and the list
# after it ("occurred in, respectively, 12% and 20%").
RESPECTIVELY_BEFORE_GAP = 2


def _respectively_before(lex: Lexicon, parser: SentenceParser, run: list[Figure],
                         followed: bool, out: list[tuple[list[Figure], int]]) -> None:  # fmt: skip
    """Adds the list `run` to `out` with the respectively word right before it, if no
    respectively word follows it (`followed`) and one stands there."""
    if len(run) < 2 or followed:
        return
    for x in range(run[0].ts - 1, max(-1, run[0].ts - 2 - RESPECTIVELY_BEFORE_GAP), -1):
        low = parser.lower(x)
        if low in lex.respectively:
            out.append((list(run), x))
            return
        if low not in (",", ":") and low not in lex.prepositions:
            return


def _skippable(lex: Lexicon, parser: SentenceParser, i: int) -> bool:
    """What may stand between a figure and its comparison word: a statistic, a bracket or a
    stop, a preposition ("compared with")."""
    return parser.consumed[i] or parser.toks[i].text in "()[],." or (
        parser.lower(i) in lex.prepositions
    )


def beside_word(
    lex: Lexicon, parser: SentenceParser, i: int, stop: int, step: int
) -> int | None:
    """The first token from i towards `stop` (excluded) that `_skippable` does not pass, at most
    COMPARE_GAP tokens away, not counting those a statistic consumed ("53.7% [95% CI,
    49.2%-58.1%] vs 41.6%"); None if there is none."""
    gap = 0
    for k in range(i, stop, step):
        if gap > COMPARE_GAP:
            return None
        if not _skippable(lex, parser, k):
            return k
        if not parser.consumed[k]:
            gap += 1
    return None


def listed(lex: Lexicon, parser: SentenceParser, boundary: list[bool], f: Figure,
           g: Figure) -> bool:  # fmt: skip
    """Are f and g listed one after the other ("28 and 15", "13, 31 (P = .02)")?"""
    return all(
        not boundary[x]
        and (parser.consumed[x] or parser.toks[x].lower in lex.connectors
             or parser.toks[x].text in "()[]")
        for x in range(f.te, g.ts)
    )  # fmt: skip


def respectively_after(lex: Lexicon, parser: SentenceParser, boundary: list[bool], te: int,
                        nxt: int) -> int | None:  # fmt: skip
    """The token index of a respectively word that follows token te in its clause, before the
    next figure (at `nxt`; the sentence's end for a list's last figure) and within
    RESPECTIVELY_WINDOW tokens; None if there is none."""
    for x in range(te, min(nxt, te + RESPECTIVELY_WINDOW)):
        if boundary[x]:
            return None
        if parser.toks[x].lower in lex.respectively:
            return x
    return None


# How many words may stand between a total and the bracket that splits it by arm ("13 women
# developed neutropenia (6 with drug A and 7 with placebo)").
SPLIT_WORDS = 6


def split_by_arm(
    lex: Lexicon, figures: list[Figure], parser: SentenceParser,
    drugs: list[tuple[int, int]], claimed: list[tuple[int, int]],
) -> set[int]:  # fmt: skip
    """ "Neutropenia occurred in 13 patients (6 with drug A and 7 with placebo)": the counts in
    a bracket after a count of an outcome (at most SPLIT_WORDS words between), at least two,
    summing to it, each beside a label that names an arm, are the arms' counts of that outcome
    (unless the total is who was assessed for it, `Lexicon.assessed_total`): each gets its
    label as its arm (unless it has one) and the total's measure. Parts of an enrollment total
    are the arms' sizes ("including 241 patients (placebo 126, timolol 115)"), and the total
    stays. Returns the indices of the totals split (pooled away, as `pooled_totals` does).
    `drugs`: the sentence's drug mentions, `claimed`: its measure cues and disease mentions
    (sentence-relative character spans): a label overlapping a claimed span is what was
    counted ("6 with CR", "6 with neutropenia"), no arm."""
    toks = parser.toks
    split: set[int] = set()
    for k, total in enumerate(figures[:-1]):
        value = total.num if total.num is not None else total.count
        # "including 241 patients (placebo 126, timolol 115)": the arms' sizes, the total kept
        sizes = total.measure == "enrollment"
        if (
            value is None
            or value < 2
            or total.pct is not None
            or total.excluded
            or total.measure == "other"
            # a total no cue named is split only as "<finding> in 7 further cases (...)": not
            # "208 (arm A, 75; ...) were treated", "189 of these patients (...)", the arms' sizes
            or (total.measure is None and parser.lower(total.ts - 1) not in lex.finding_of)
            # "Response was evaluable in 88 patients (45 with A and 43 with B)": the arms' sizes
            or (not sizes and lex.assessed_total(parser.text, total.start, total.all_form))
        ):
            continue
        m = total.te
        while m < min(len(toks), total.te + SPLIT_WORDS) and toks[m].text[0].isalpha():
            m += 1
        close = parser.closing(m, 40) if parser.lower(m) in ("(", "[") else None
        if close is None:
            continue
        opened, shut = toks[m].end, toks[close - 1].start
        # "(6 with drug A and 7 with placebo, P = .04)": the labels end at a statistic, and at
        # a ratio's name ("(tamoxifen 34, placebo 36; RR 0.94, 95% CI 0.58-1.52)")
        shut = min([st.start for st in parser.stats if opened <= st.start < shut] or [shut])
        shut = _before_ratio(lex, figures[k + 1 :], parser.text, opened, shut)
        shut = len(parser.text[:shut].rstrip(" ,;(["))
        parts: list[Figure] = []
        for g in figures[k + 1 :]:
            if g.start >= shut:
                break
            parts.append(g)
        if len(parts) < 2 or sum(_part_value(g) for g in parts) != value:
            continue
        if sizes and any(g.den is not None or g.pct is not None for g in parts):
            continue  # ("69 randomized (35/68 in A, 34/67 in B)": shares, no arm's size)
        arms = _part_arms(lex, parts, parser.text, opened, shut)
        if arms is None or not _names_arms(lex, parser.text, arms, drugs, claimed):
            continue
        for g, label in zip(parts, arms, strict=True):
            g.arm = g.arm or (label.start, label.end)
            if g.measure in (None, "enrollment") and total.measure is not None:
                g.measure = total.measure
        if not sizes:
            split.add(k)
    return split


def _before_ratio(lex: Lexicon, after: list[Figure], text: str, opened: int, shut: int) -> int:
    """Where a bracket's labelled parts (text[opened:shut]) end: at the name of the first ratio
    statistic among the figures `after` the total (its value where no name is found)."""
    for g in after:
        if g.start >= shut:
            break
        if g.ratio is not None:
            named = lex.ratio_value_re.search(text, max(opened, g.start - 70), g.start)
            return named.start("word") if named is not None else g.start
    return shut


# How many figures after an arm's figure may hold the arm whose head it shares.
HEAD_FIGURES = 3
_FIRST_WORD = re.compile(r"\s*\S+\s+")


def share_arm_heads(figures: list[Figure], text: str) -> None:
    """ "(3 with low-dose and 5 with high-dose aspirin)": an arm of one hyphenated word that
    differs from a later arm (among the next HEAD_FIGURES figures') only in its modifier (the
    same word after the hyphen: "low-dose", "high-dose") shares that arm's head: "aspirin" is
    its `arm_head`."""
    for k, f in enumerate(figures):
        if f.arm is None or f.arm_head is not None:
            continue
        word = text[f.arm[0] : f.arm[1]].strip().lower()
        if " " in word or "-" not in word.strip("-"):
            continue
        suffix = word.rsplit("-", 1)[1]
        for g in figures[k + 1 : k + 1 + HEAD_FIGURES]:
            if g.arm is None or g.arm[0] < f.arm[1]:
                continue
            label = text[g.arm[0] : g.arm[1]]
            first = _FIRST_WORD.match(label)
            if first is None:
                continue
            modifier = first.group().strip().lower()
            if modifier != word and "-" in modifier and modifier.rsplit("-", 1)[1] == suffix:
                f.arm_head = (g.arm[0] + first.end(), g.arm[1])
            break


class _Label(NamedTuple):
    """A part's label: its sentence-relative span, whether a link word or a colon ties it to its
    count ("6 with drug A", "CT-P6: 10"; not "74 placebo"), whether an arm noun followed it
    ("6 in the imiquimod group": the label is "imiquimod")."""

    start: int
    end: int
    linked: bool
    noun: bool


def _part_value(g: Figure) -> int:
    value = g.num if g.num is not None else g.count
    return -1 if value is None else value


def _part_arms(lex: Lexicon, parts: list[Figure], text: str, opened: int,
               shut: int) -> list[_Label] | None:  # fmt: skip
    """The label beside each part, all after their counts ("6 with drug A and 7 with placebo", "74
    placebo, 62 tamoxifen") or all before them ("CT-P6: 10; trastuzumab: 7"), the parts joined
    by list words; None if a part has none or something else stands between the parts."""
    starts = [g.start for g in parts]
    ends = [g.end for g in parts]
    after = not text[opened : starts[0]].strip()
    if after:
        rx, gaps = lex.part_arm_after_re, list(zip(ends, [*starts[1:], shut], strict=True))
        joined = [True] * (len(parts) - 1) + [False]  # a list word after each label but the last
    else:
        if text[ends[-1] : shut].strip():
            return None
        rx, gaps = lex.part_arm_before_re, list(zip([opened, *ends[:-1]], starts, strict=True))
        joined = [False] + [True] * (len(parts) - 1)  # a list word before each label but the first
    arms: list[_Label] = []
    for (a, b), sep in zip(gaps, joined, strict=True):
        m = rx.fullmatch(text, a, b)
        if m is None or (m["sep"] is not None) != sep:
            return None
        if after:
            arms.append(_Label(m.start("arm"), m.end("arm"), m["link"] is not None,
                               m["noun"] is not None))  # fmt: skip
        else:
            arms.append(_Label(m.start("arm"), m.end("arm"), True, False))
    return arms


def _names_arms(lex: Lexicon, text: str, arms: list[_Label],
                drugs: list[tuple[int, int]], claimed: list[tuple[int, int]]) -> bool:  # fmt: skip
    """Do the labels name arms? None overlaps a claimed span or is longer than three words; each
    is a drug, has a control-arm word or an arm noun ("placebo", "group B"), or is a lettered
    treatment ("drug A", "regimen B": a letter after a treatment noun; not "site A", "grade 3",
    "stage II") or a regimen's abbreviation ("ddAT"); or at least one is, and the others are
    tied to their counts by a link word ("6 with the new regimen and 7 with placebo") and name
    no time, place or condition ("6 in the first year", "4 with CNS involvement")."""
    known = 0
    for s, e, linked, noun in arms:
        if any(a < e and s < b for a, b in claimed):
            return False
        words = text[s:e].split()
        lows = [w.lower() for w in words]
        if len(words) > 3 or lows[0] in lex.count_blockers:
            return False
        if (
            noun
            or any(a < e and s < b for a, b in drugs)
            or any(w in lex.control_arms or w in lex.arm_nouns for w in lows)
            or (
                len(words[-1]) == 1
                and words[-1].isupper()
                and any(w in lex.treatment_nouns for w in lows[:-1])
            )
            or (len(words) == 1 and lex.regimen_label_re.fullmatch(words[0]) is not None)
        ):
            known += 1
        elif not linked or any(w in lex.non_arm_label_words for w in lows):
            return False
    return known > 0
