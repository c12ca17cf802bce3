"""The arms the figures of a sentence share with their neighbours in `biotab_outcomes`.

`shared_arms` runs once `outcome_arms.note_arms` has read each figure's own forms (`_own_arms`):
the bare numbers listed before a figure borrow its arm ("42, 90, and 90% of the control group",
`_list_shares`), a pair's drug after it is both's (`outcome_attach.share_pair_arm`), a pool of
subjects receiving a drug (`outcome_following_arms.pool_arm`), a later pair or respectively
list takes the arms of the figures before it (`outcome_pair_series`), and the subjects an arm
link names give the arm of the result figures after them ("those taking anastrozole had three
fragility fractures", `_subject_arms`). Reads the sentence's text, tokens and figures' arms;
writes `Figure.arm` of figures that have none. `outcome_arms` then reads the clauses' arms.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_names import qualified
from pipeline.components.outcome_attach import Comparisons, share_pair_arm
from pipeline.components.outcome_clause_arms import may_take_arm
from pipeline.components.outcome_following_arms import pool_arm
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_pair_series import earlier_list_arms, later_pairs_arms
from pipeline.components.outcome_tokens import Figure, Tok

if TYPE_CHECKING:
    from pipeline.components.outcome_context import DocContext, SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon


def shared_arms(figures: list[Figure], parser: SentenceParser, ctx: DocContext,
                sm: SentenceMentions, compared: Comparisons | None,
                names: Callable[[], list[tuple[int, int]]]) -> None:  # fmt: skip
    """The arms figures take from their neighbours once their own forms are read: a list's bare
    numbers ("42, 90, and 90% of the control group"), a pair's drug after it, a pool, later pairs
    and respectively lists, the subjects an arm word links ("those taking anastrozole had ...").
    Reads the figures' arms so far and the sentence's tokens; writes `Figure.arm` of figures
    that have none."""
    text = parser.text
    for k, f in enumerate(figures):
        if f.arm is not None and f.arm[0] >= f.end:
            _list_shares(figures, k, parser)  # "42, 90, and 90% of the control group"
    for f, g in pairwise(figures):
        # ("HbA1c fell from 8.1% to 7.2% with semaglutide": the drug after the pair is both's)
        share_pair_arm(sm.lex, f, g, parser)
        if f.arm is None and may_take_arm(f) and f.measure != "enrollment":
            f.arm = pool_arm(f, g, text)  # "352 DFS events among 2,463 women receiving letrozole"
    if compared is not None and len(figures) > 3:
        # "14.2% in DEE group versus 6.7% in DE group, 'partial response' in 76.8% versus 71.1%":
        # a later pair, the arms the pair before it took from its own forms; "31.6% with
        # fulvestrant and 33.9% with tamoxifen, and 33.2% and 31.1%, respectively": a later
        # respectively list, the arms of the figures before it
        if compared.pairs:
            later_pairs_arms(sm.lex, figures, compared.pairs, parser, names)
        for run, resp in compared.runs:
            earlier_list_arms(sm.lex, figures, run, parser.toks[resp].start, parser, names)
    if (any(f.arm is None and may_take_arm(f) for f in figures)
            and sm.lex.arm_link_word_re.search(text) and ctx.compares_arms(sm.lex)):  # fmt: skip
        # "those taking anastrozole had three fragility fractures and five other fractures"
        _subject_arms(figures, parser, names, sm.lex)


_BARE_NUMBER = re.compile(r"[\d.,·]+")


def _list_shares(figures: list[Figure], k: int, parser: SentenceParser) -> None:
    """ "grade 1 dermatitis was found in 42, 90, and 90% of the control group": the bare numbers
    listed right before figure k (one list, `Figure.group`, joined by commas and "and" only: no
    comparison word, no stop, "4 . 3 %" being a decimal cut by spaces), which borrow its unit,
    take the arm named after it, when they have none (not "40%, and 30% in the placebo group":
    the 40% has its own unit, and may be the other arm's)."""
    last = figures[k]
    text = parser.text
    if _BARE_NUMBER.fullmatch(text, last.start, last.end):
        return
    members = [last]  # (from the last back; each figure read once, not the sentence's)
    for j in range(k - 1, -1, -1):
        f = figures[j]
        if (f.group != last.group or f.arm is not None or not may_take_arm(f)
                or not _BARE_NUMBER.fullmatch(text, f.start, f.end)):  # fmt: skip
            break
        members.append(f)
    members.reverse()
    lex = parser.lex
    joints = lex.connectors - lex.comparison - lex.respectively - {"."}  # (", ", "and")
    gaps = [parser.lower(x) for f, g in pairwise(members) for x in range(f.te, g.ts)]
    if len(members) > 1 and all(w in joints for w in gaps):
        for f in members[:-1]:
            f.arm = last.arm


def _subject_arms(figures: list[Figure], parser: SentenceParser,
                  names: Callable[[], list[tuple[int, int]]], lex: Lexicon) -> None:
    """ "Patients with a baseline T-score of -2.0 or more taking exemestane had two fragility
    fractures and two other fractures, those taking anastrozole had three ...", "women
    randomized to weight loss had 3% telomere lengthening": an arm name right after subjects and
    an arm link (`Lexicon.subject_arm_link_re`; not who was studied, "patients pretreated with
    X"; not subjects a figure counts, "4 patients assigned to group I") is the arm of the
    result figures after it in its clause, up to the next arm name, a colon or a figure with
    another arm (`names` read only when a figure may take an arm)."""
    text = parser.text
    ends = {f.end for f in figures}
    subjects = []
    for n in names():
        m = lex.subject_arm_link_re.search(text, max(0, n[0] - 90), n[0])
        if m is None or qualified(lex, text, n):
            continue
        if any(m.start() - x in (0, 1, 2) for x in ends) or _FIGURE_END.search(
            text, max(0, m.start() - 3), m.start()
        ):
            continue  # "in 4 patients assigned to group I and 7 assigned to group II": those
            # subjects are a figure's, not the clause's
        subjects.append(n)
    if not subjects:
        return
    starts = [s for s, _ in names()]
    for n in subjects:
        k = bisect.bisect_right(parser.toks, n[0], key=_tok_start) - 1
        hi = parser.clause_chars(max(0, k))[1]
        nxt = bisect.bisect_right(starts, n[0])
        stop = min(hi, starts[nxt] if nxt < len(starts) else hi)
        colon = text.find(":", n[1], stop)
        stop = stop if colon < 0 else colon  # ("...: among 390 women allocated to placebo")
        inside = [f for f in figures if n[1] <= f.start < stop and f.measure != "enrollment"]
        for j, f in enumerate(inside):
            if f.arm is not None:
                if f.arm != n:
                    break  # (a figure of another arm: the subjects' figures end)
                continue
            other = inside[j + 1].arm if j + 1 < len(inside) else None
            if may_take_arm(f) and (not f.compared or (other is not None and other != n)):
                # (one side of a comparison only when the other side's arm is another's)
                f.arm = n


_FIGURE_END = re.compile(r"\d\s*$")


def _tok_start(t: Tok) -> int:
    return t.start
