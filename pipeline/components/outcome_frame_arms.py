"""The arms of two figures a comparison word joins from their comparative frame, or from the
names of their clause (`outcome_respectively.respectively_arms` asks, for a pair no series of
arm names gives arms: the module docstring there says the rules).

`frame_arms`: "Haloperidol induced more akathisia (33.3% versus 5.9%) than quetiapine", "Compared
with placebo, letrozole reduced mucositis (1.2% vs 6.7%)" (`Frames`: the sentence's frame words
and the names after them, read once). `one_named_arms`: "Fewer patients in the ropivacaine group
reported pain (13 vs 31)", "in the tamoxifen arm was 93%, versus 81% in the MPA arm". Reads the
sentence's tokens and arm names (sentence-relative characters); returns arms, writes nothing.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_names import qualified
from pipeline.components.outcome_attach import named_as_comparator
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_tokens import Figure

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

#: How far before a series its link may start ("treated with the").
LINK_CHARS = 40
#: Most tokens between a frame's word and the arm it names ("than in those given placebo");
#: between that arm and the pair after it ("than doxorubicin (40% vs 12%)").
FRAME_GAP = 4
FRAME_PAIR_GAP = 2
GAP_TOKEN = re.compile(r"vs\.|v\.|[A-Za-z]+|\S")


class Frames:
    """What every pair of a sentence reads to find its comparative frame, made once: where the
    frame words stand, and where the arm names end."""

    def __init__(self, lex: Lexicon, parser: SentenceParser, names: list[Span]) -> None:
        self.words = [x for x, t in enumerate(parser.toks)
                      if t.lower in lex.comparison_frame_words]  # fmt: skip
        self.names = names
        self.ends = [e for _, e in names]

    def word(self, lo: int, hi: int, ts: int, te: int) -> int | None:
        """The one frame word in tokens [lo, hi) outside ts..te, or None (none, or several)."""
        a, b = bisect.bisect_left(self.words, lo), bisect.bisect_left(self.words, hi)
        outside = [x for x in self.words[a:b] if not ts <= x < te]
        return outside[0] if len(outside) == 1 else None


def frame_arms(lex: Lexicon, parser: SentenceParser, frames: Frames, pair: list[Figure],
               not_arms: set[Span]) -> list[Span] | None:  # fmt: skip
    """The arms of a pair in a comparative frame (`outcome_respectively`'s module docstring),
    or None."""
    toks, text, names = parser.toks, parser.text, frames.names
    lo, hi = parser.stretch(pair[0].ts, pair[1].te)
    at = frames.word(lo, hi, pair[0].ts, pair[1].te)
    if at is None:
        return None
    word = toks[at]
    k = bisect.bisect_left(names, (word.end, -1))
    if k == len(names) or names[k][1] > (toks[hi].start if hi < len(toks) else len(text)):
        return None
    after = names[k]
    gap = [w.lower() for w in GAP_TOKEN.findall(text, word.end, after[0])]
    # (the word right before the arm may be any word: "compared with standard paclitaxel",
    # "than with patients administered placebo"; not "than without goserelin", "compared with
    # historical tamoxifen data")
    if len(gap) > FRAME_GAP or any(w not in lex.than_gap_words for w in gap[:-1]) or (
        gap and gap[-1] not in lex.than_gap_words and (
            not gap[-1].isalpha() or gap[-1] in lex.non_arm_qualifiers
            or gap[-1] in lex.negation_words)
    ):  # fmt: skip
        return None
    if word.start < pair[0].start and after[1] > pair[0].start:
        return None
    if word.start < pair[0].start and (
        len(GAP_TOKEN.findall(text, after[1], pair[0].start)) > FRAME_PAIR_GAP
    ):
        # ("than doxorubicin (40% vs 12%)": the pair right after the arm) or a frame that
        # opens the clause: "Compared with placebo, letrozole reduced mucositis (1.2% vs 6.7%)"
        before_pair = _opening_frame_arm(text, names, frames.ends, after, pair[0].start)
        if before_pair is None:
            return None
        before = before_pair
    else:
        # the first arm: the name nearest before the frame's word ("5% vs 9% with letrozole
        # than with placebo": not a drug before the figures)
        j = bisect.bisect_right(frames.ends, word.start) - 1
        if j < 0 or names[j][0] < toks[lo].start or names[j][1] > word.start:
            return None
        before = names[j]
    if (before in not_arms or after in not_arms or qualified(lex, text, before)
            or text[before[0] : before[1]].lower() == text[after[0] : after[1]].lower()):
        return None  # fmt: skip
    return [before, after]


def one_named_arms(lex: Lexicon, parser: SentenceParser, names: list[Span], own: set[Span],
                   pair: list[Figure], not_arms: set[Span]) -> Named | None:  # fmt: skip
    """The arms of a pair of figures without arms from the names of its clause when no series
    or frame gives them: one name before the pair is the first figure's ("Fewer patients in
    the ropivacaine group reported pain (13 vs 31)", "higher in the endocrine group (33% vs
    24%)"), or the second's after a comparison word ("lower than in the control arm (45% vs
    82%)"); one name after the pair, after a comparison word, is the second's ("(40% vs 12%)
    than with placebo"); one of each, the first's and the second's (the one after also when
    linked right after the second figure: "in the tamoxifen arm was 93%, versus 81% in the MPA
    arm", `_LINKED_AFTER`). A name names an arm by its
    own words (a control arm, a label, "the X group") or after an `arm_series_links` entry
    ("treated with ropivacaine"); not who was studied ("pretreated with doxorubicin"), not a
    series' last name ("the PC and EP arm"), not a control word before another noun ("a
    median observation period"). One name before a pair that compares two timepoints or
    subgroups joined between them (`_subsets_joined`: "In the ropivacaine group, pain at 6 h
    and 24 h was 13 vs 31") is both figures'. Returns the figures' arms and the figure left
    without one."""
    if pair[0].arm is not None:
        return _first_arm_named(lex, parser.text, pair, pair[0].arm)
    sides = _clause_sides(parser, names, pair, not_arms)
    if sides is None:
        return None
    lo, before, after = sides
    # the second's arm read from its own words ("versus 81% in the MPA arm"): the first's may
    # still be the name before the pair
    tied = pair[1].arm
    if tied is not None and not (before and after and after[-1][0] < tied[1]
                                 and tied[0] < after[-1][1]):  # fmt: skip
        return None  # (the second's arm is the name after the pair, or this is no such pair)
    text = parser.text
    if before and after:
        return _named_both_sides(lex, text, own, lo, pair, before[-1], after[-1])
    if before:
        return _named_before(lex, text, own, lo, pair, before[-1])
    if after and _names_arm(lex, text, own, lo, after[-1]) and named_as_comparator(
        lex, text, after[-1][0], lo
    ):
        return [(pair[1], after[-1])], pair[0]
    return None


def _first_arm_named(lex: Lexicon, text: str, pair: list[Figure], a: Span) -> Named | None:
    """ "Study attrition was higher in the intervention arm (14 participants vs 8
    participants)": the first figure's arm `a` named before the pair (by its own forms), the
    second is the other arm's (not one arm's two timepoints: "In the A arm, pain at 6 h and 24
    h"). Reads `Figure.arm_head`, `arm_pooled` of the first figure, `Figure.arm` of the
    second."""
    if (pair[1].arm is None and pair[0].arm_head is None and not pair[0].arm_pooled
            and a[1] <= pair[0].start
            and not _subsets_joined(lex, text, a[1], pair[0].start)):  # fmt: skip
        return [(pair[0], a)], pair[1]
    return None


def _clause_sides(parser: SentenceParser, names: list[Span], pair: list[Figure],
                  not_arms: set[Span]) -> tuple[int, list[Span], list[Span]] | None:  # fmt: skip
    """Where the clause around the pair starts, past its bracket ("(40% vs 12%) than with
    placebo"), and the names of that clause (none of `not_arms`) before the pair and after it;
    None when a name stands between the two figures or a side holds two different names."""
    text, toks = parser.text, parser.toks
    first, last = parser.stretch(pair[0].ts, pair[1].te)
    lo = toks[first - 1].end if first > 0 else 0
    hi = toks[last].start if last < len(toks) else len(text)
    inside = [n for n in names if lo <= n[0] and n[1] <= hi and n not in not_arms]
    before = [n for n in inside if n[1] <= pair[0].start]
    after = [n for n in inside if n[0] >= pair[1].end]
    if len(before) + len(after) != len(inside) or any(
        len({text[a:b].lower() for a, b in side}) > 1 for side in (before, after)
    ):
        return None
    return lo, before, after


def _names_arm(lex: Lexicon, text: str, own: set[Span], lo: int, name: Span) -> bool:
    """Does the name (of the clause that starts at `lo`) name an arm: by its own words (in
    `own`) or after an `arm_series_links` entry; not a series' last name, not a control word
    before another noun, not a qualified name (`qualified`)?"""
    if name not in own and not lex.series_link_re.search(
        text[max(0, name[0] - LINK_CHARS) : name[0]]
    ):
        return False
    words = GAP_TOKEN.findall(text, max(lo, name[0] - LINK_CHARS), name[0])
    if words and words[-1].lower() in lex.connectors - lex.comparison:
        return False  # "similar in the PC and EP arm (89.4% vs 79.5%)": a series' last
    nxt = _NEXT_WORD.match(text, name[1])
    if (text[name[0] : name[1]].lower() in lex.control_arms and nxt
            and nxt.group(1).lower() not in lex.series_beside):  # fmt: skip
        return False  # "a median observation period": a control word that names no arm
    return not qualified(lex, text, name)


def _named_both_sides(lex: Lexicon, text: str, own: set[Span], lo: int, pair: list[Figure],
                      b: Span, a: Span) -> Named | None:  # fmt: skip
    """The arms of a pair with one name `b` before it and one `a` after it: the first's and
    the second's, when both name arms, `b` is no comparator's and `a` is a comparator's, or the
    second figure's own arm, or linked right after the second figure ("in the tamoxifen arm
    was 93%, versus 81% in the MPA arm")."""
    tied = pair[1].arm
    if not (_names_arm(lex, text, own, lo, b) and _names_arm(lex, text, own, lo, a)) or (
        named_as_comparator(lex, text, b[0], lo)
    ) or not (
        named_as_comparator(lex, text, a[0], lo) or tied is not None
        or _LINKED_AFTER.fullmatch(text, pair[1].end, a[0])
    ):  # fmt: skip
        return None
    return [(pair[0], b)] + ([(pair[1], a)] if tied is None else []), None


def _named_before(lex: Lexicon, text: str, own: set[Span], lo: int, pair: list[Figure],
                  b: Span) -> Named | None:  # fmt: skip
    """The arms of a pair with one name `b` before it (and none after): the second's after a
    comparison word, both figures' when two timepoints or subgroups stand joined between the
    name and the pair, else the first's."""
    if not _names_arm(lex, text, own, lo, b):
        return None
    if named_as_comparator(lex, text, b[0], lo):
        return [(pair[1], b)], pair[0]
    if _subsets_joined(lex, text, b[1], pair[0].start):
        # "In the ropivacaine group, pain at 6 h and 24 h was 13 vs 31": the one arm's
        return [(pair[0], b), (pair[1], b)], None
    return [(pair[0], b)], pair[1]


# what links a name to the figure right before it: a bracket of its own (a CI), then "in the",
# "for the", "among" ("81% in the MPA arm", "20.3% (95% CI, 11.0-32.8%) for the weekly arm")
_LINKED_AFTER = re.compile(
    r"\s*(?:[(\[][^()\[\]]*[)\]]\s*)?,?\s*(?:in|for|among|with|on)\s+(?:the\s+)?", re.IGNORECASE
)

#: `one_named_arms`'s result: (figure, its arm) pairs, and the figure left without an arm.
Named = tuple[list[tuple[Figure, Span]], Figure | None]


_SUBSET_TOKEN = re.compile(r"\d+(?:\.\d+)?|[A-Za-z][\w-]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _subsets_joined(lex: Lexicon, text: str, lo: int, hi: int) -> bool:
    """Does text[lo:hi] join two timepoints or subgroups of one arm ("at 6 h and 24 h", "at 6 h
    than at 24 h", "in men and women"): a series joiner with an `arm_subset_words` entry or a
    number right on each side (past prepositions and determiners after it), and an entry among
    the two words on each side? Then a pair of figures after the arm's name compares those, not
    two arms (not "grade 3 and 4 neutropenia": numbers alone)."""
    words = [w.lower() for w in _SUBSET_TOKEN.findall(text, lo, hi)]
    subset, skip = lex.arm_subset_words, lex.prepositions | lex.determiners

    def side(w: str) -> bool:
        return w in subset or w in lex.number_words or _NUMBER.fullmatch(w) is not None

    for j, w in enumerate(words):
        if j == 0 or w not in lex.series_joiners:
            continue
        k = j + 1
        while k < len(words) and words[k] in skip:
            k += 1
        left, right = words[max(0, j - 2) : j], words[k : k + 2]
        if right and side(left[-1]) and side(right[0]) and not subset.isdisjoint(left + right):
            return True
    return False


_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")


def _opening_frame_arm(text: str, names: list[Span], ends: list[int], after: Span,
                       start: int) -> Span | None:  # fmt: skip
    """The first arm of a frame that opens its clause ("Compared with placebo, letrozole
    reduced ... (1.2% vs 6.7%)"): the frame's arm ends its phrase at a comma, and the first arm
    is the one name between that comma and the pair."""
    if not _COMMA_AFTER.match(text, after[1]):
        return None
    a = bisect.bisect_right(ends, after[1])
    b = bisect.bisect_right(ends, start)
    inside = [n for n in names[a:b] if n[0] > after[1] and n[1] <= start]
    return inside[0] if len(inside) == 1 else None


_COMMA_AFTER = re.compile(r"\s*,")
