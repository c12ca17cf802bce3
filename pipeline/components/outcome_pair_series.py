"""The arms of pairs and lists of figures listed after figures whose arms are known, in a
sentence of `biotab_outcomes`.

"HR was higher in SC arm compared to control at 6 weeks (89% vs 12%; P < 0.001) and 12 weeks
(100% vs 59%, P = 0.0003)", "CBR was higher in the 20-mg arm than in the 50-mg arm among TS
patients (39.1% v 20.0%) and TR patients (13.8% v 10.3%)", "In the dietary group there were
fewer deaths from breast cancer (68 vs 120; HR, 0.86), other cancers (36 vs 65) ...": a reader
gives each later pair the arms of the pair before it, in the same order, as long as nothing
between them says otherwise. So a pair that a comparison word joins (`Comparisons.pairs`) and
that has no arm takes the arms of the pair right before it in the sentence (`Figure.arm`, and
`Figure.other_arm` of a figure the first pair left without an arm) when

- that pair's arms are known: both figures' and not the same name, or the one arm its clause
  names and the figure left without one (`outcome_respectively._one_named`);
- no arm name (`outcome_arm_names.arm_names`) stands between the two pairs, nor another
  figure but a ratio or a relative change ("(68 vs 120; HR, 0.86; 95% CI, 0.64-1.17)"), nor a
  strong boundary outside a bracket (`strong_boundaries`: "; in the per-protocol population",
  "but"): a new clause may name or order its arms anew.

The pairs go on from one to the next: the third of a list takes the second's arms. This runs
twice: in `outcome_respectively.respectively_arms`, after the pairs' own rules, and in
`outcome_arms.note_arms`, once the figures' own forms have given arms ("14.2% of patients in
DEE group versus 6.7% in DE group, 'partial response' in 76.8% versus 71.1%": two figures with
arms of their own and a comparison word between them are a pair there too).

A sentence's pairs still without arms then take its one comparison of two arms
(`_one_comparison`): "(3% vs 6%) and (9% vs 9%) did not differ ... between letrozole and
tamoxifen", "... in the letrozole or tamoxifen group, respectively": a series of two names that
compares them or that a respectively word follows, when every arm name of the sentence is one of
those two and every pair with arms has them in that order, with no strong boundary and no figure
outside the pairs between the series and the pair.

Else they take the sentence's one arm and its comparator (`_subject_and_comparator`): "Group SF
revealed higher incidences of nausea (68% vs 27%) and vomiting (32% vs 8%) ... than group S",
"T-DM1 had a favorable safety profile versus HT, with fewer adverse events (46.4% v 90.9%)": a
sentence that names two arms, one of them only after comparison words, gives each pair the other
arm's figure first, then the comparator's.

And a list a respectively word follows, without arms and no series of its own, takes the arms
of the figures before it in the sentence, in order (`earlier_list_arms`: "31.6% with
fulvestrant and 33.9% with tamoxifen, and 33.2% and 31.1%, respectively, in the ... subgroup",
"442 (52%) of 856 patients assigned to A and 456 (52%) of 872 patients allocated to B at 6
months, and by 239 (28%) of 854 patients and 232 (27%) of 852 patients, respectively, at 12
months").

Reads the figures' arms and offsets and the sentence's tokens; writes `Figure.arm`,
`Figure.other_arm`. Linear in the sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_names import any_between, qualified
from pipeline.components.outcome_attach import named_as_comparator
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_tokens import Figure, Tok

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

_OPEN, _CLOSE = "([", ")]"


def _arms(pair: list[Figure], text: str) -> tuple[Span | None, ...] | None:
    """The pair's arms and other arms as they may pass to the next pair, or None if they are not
    known: two arms of different names, or one arm and the other figure's `other_arm`."""
    a, b = pair
    if a.arm_head is not None or b.arm_head is not None or a.arm_pooled or b.arm_pooled:
        return None
    if a.arm is not None and b.arm is not None:
        if text[a.arm[0] : a.arm[1]].lower() == text[b.arm[0] : b.arm[1]].lower():
            return None  # one arm's two figures ("at 6 h and 24 h": 13 vs 31)
        return a.arm, b.arm, None, None
    if a.arm is not None and b.arm is None and b.other_arm is not None:
        return a.arm, None, None, b.other_arm
    if b.arm is not None and a.arm is None and a.other_arm is not None:
        return None, b.arm, a.other_arm, None
    return None


def _start(t: Tok) -> int:
    return t.start


def _free(f: Figure) -> bool:
    """A figure that may take an arm: none of its own, of no several arms, no ratio or change."""
    return (f.arm is None and f.other_arm is None and not f.arm_pooled and not f.each_arm
            and not f.relative and f.ratio is None)  # fmt: skip


def _between_clear(lex: Lexicon, parser: SentenceParser, figures: list[Figure],
                   name_starts: list[int], lo: int, hi: int) -> bool:  # fmt: skip
    """Is text[lo:hi], between two pairs, free of arm names (starting at `name_starts`), of
    figures but ratios and relative changes, and of strong boundaries outside a bracket?"""
    if any_between(name_starts, lo, hi):
        return False
    if any(lo <= g.start < hi and not (g.relative or g.ratio is not None) for g in figures):
        return False
    return _unbroken(parser, lo, hi)


def _unbroken(parser: SentenceParser, lo: int, hi: int) -> bool:
    """Does text[lo:hi] hold no strong boundary outside a bracket (`strong_boundaries`: ";",
    "but", "whereas")? One before a bracket closes that opened before lo is inside it ("12%;
    P < 0.001) and ..."). After a colon before lo, a semicolon parts the items of the list the
    colon opens, not clauses ("(docetaxel vs placebo): neutropenia, 45% vs 3%; diarrhea, 12% vs
    4%")."""
    depth = 0
    cut = False  # a strong boundary outside brackets so far
    boundary = parser.boundaries()
    listed = ":" in parser.text[:lo]
    k = bisect.bisect_left(parser.toks, lo, key=_start)
    for x in range(k, len(parser.toks)):
        t = parser.toks[x]
        if t.start >= hi:
            break
        if t.text in _OPEN:
            depth += 1
        elif t.text in _CLOSE:
            if depth == 0:
                cut = False  # ("12%; P < 0.001) and"): the first pair's bracket closes
            depth = max(0, depth - 1)
        elif depth == 0 and boundary[x] and not (listed and t.text == ";"):
            cut = True
    return not cut


def pair_series_arms(lex: Lexicon, figures: list[Figure], pairs: list[list[Figure]],
                     parser: SentenceParser, names: list[Span],
                     compared: list[list[Span]]) -> None:  # fmt: skip
    """Each pair of `pairs` without arms takes the arms of the pair right before it, or of the
    sentence's one comparison of two arms (the module docstring); `names`: the sentence's arm
    names, in order; `compared`: its series of two names that compare them."""
    if not pairs:
        return
    ordered = sorted(pairs, key=lambda p: p[0].start)
    _follow(lex, figures, ordered, parser, names)
    chain = _one_comparison(lex, parser.text, names, compared, ordered) or _subject_and_comparator(
        lex, parser.text, names, ordered
    )
    if chain is None:
        return
    paired = {id(f) for pair in ordered for f in pair}
    single = [g.start for g in figures
              if id(g) not in paired and not (g.relative or g.ratio is not None)]  # fmt: skip
    first, last = min(chain[0][1], chain[1][1]), max(chain[0][0], chain[1][0])
    for pair in ordered:
        lo, hi = min(first, pair[0].start), max(last, pair[1].end)
        if (_free(pair[0]) and _free(pair[1]) and not any(lo <= x < hi for x in single)
                and _unbroken(parser, lo, hi)):  # fmt: skip
            # (in the comparison's clause, past brackets, no figure of its own between)
            pair[0].arm, pair[1].arm = chain


def later_pairs_arms(lex: Lexicon, figures: list[Figure], pairs: Sequence[list[Figure]],
                     parser: SentenceParser, names: Callable[[], list[Span]]) -> None:  # fmt: skip
    """Each pair without arms takes the arms of the pair right before it, once the figures'
    own forms have given arms (`outcome_arms.note_arms`: "14.2% in DEE group versus 6.7% in DE
    group, 'partial response' in 76.8% versus 71.1%"); `names` gives the sentence's arm names,
    read only when a pair may take arms."""
    text = parser.text
    joined = {id(p[0]) for p in pairs}
    # two figures a comparison word stands between, each with its own arm, are a pair too
    # ("14.2% of patients in DEE group versus 6.7% in DE group": the word is too far from the
    # first figure for `outcome_attach.mark_compared`)
    named = [[f, g] for f, g in pairwise(figures)
             if id(f) not in joined and f.arm is not None and g.arm is not None
             and _compared_between(lex, parser, f, g)]  # fmt: skip
    ordered = sorted([*pairs, *named], key=lambda p: p[0].start)
    if any(_arms(a, text) is not None and _free(b[0]) and _free(b[1])
           for a, b in pairwise(ordered)):  # fmt: skip
        _follow(lex, figures, ordered, parser, names())


def _compared_between(lex: Lexicon, parser: SentenceParser, f: Figure, g: Figure) -> bool:
    """Does a comparison word ("versus", "vs") stand between figures f and g, and no strong
    boundary?"""
    words = [parser.lower(x) for x in range(f.te, g.ts)]
    return (any(w in lex.pairwise_comparison for w in words)
            and not any(parser.boundaries()[x] for x in range(f.te, g.ts)))  # fmt: skip


def _follow(lex: Lexicon, figures: list[Figure], ordered: list[list[Figure]],
            parser: SentenceParser, names: list[Span]) -> None:  # fmt: skip
    """Each pair of `ordered` (by position) without arms takes the arms of the one before it."""
    text = parser.text
    name_starts = [s for s, _ in names]
    prev: tuple[Span | None, ...] | None = None
    last: list[Figure] | None = None
    for pair in ordered:
        known = _arms(pair, text)
        if known is not None:
            prev, last = known, pair
            continue
        # (from past the pair before and its arms' names: "6.7% in DE group, ...")
        lo = max([last[1].end] + [a[1] for a in prev if a is not None]) if prev and last else 0
        if (prev is None or last is None or not (_free(pair[0]) and _free(pair[1]))
                or not _between_clear(lex, parser, figures, name_starts, lo,
                                      pair[0].start)):  # fmt: skip
            prev = last = None
            continue
        pair[0].arm, pair[1].arm, pair[0].other_arm, pair[1].other_arm = prev
        last = pair


def _one_comparison(lex: Lexicon, text: str, names: list[Span], compared: list[list[Span]],
                    pairs: list[list[Figure]]) -> tuple[Span, Span] | None:  # fmt: skip
    """The sentence's one comparison of two arms that all its free pairs take ("(3% vs 6%) and
    (9% vs 9%) ... between letrozole and tamoxifen", "... in the endocrine or chemotherapy
    group, respectively"): a series of two names that compares them (`compared`) or that a
    respectively word follows, when every arm name of the sentence is one of its two (by its
    text) and every pair with arms has those two, in that order; None otherwise."""
    chains = compared + [c for c in _closed_series(lex, text, names) if c not in compared]
    if len(chains) != 1:
        return None
    a, b = chains[0]
    first, second = text[a[0] : a[1]].lower(), text[b[0] : b[1]].lower()
    if first == second or any(text[s:e].lower() not in (first, second) for s, e in names):
        return None  # another arm named, or two mentions of one
    for pair in pairs:
        x, y = pair[0].arm, pair[1].arm
        if x is None and y is None:
            continue
        if x is None or y is None or (text[x[0] : x[1]].lower(),
                                      text[y[0] : y[1]].lower()) != (first, second):  # fmt: skip
            return None  # a pair whose arms are otherwise (or one-sided): not every pair's
    return a, b


def _subject_and_comparator(lex: Lexicon, text: str, names: list[Span],
                            pairs: list[list[Figure]]) -> tuple[Span, Span] | None:  # fmt: skip
    """ "Group SF revealed higher incidences of nausea (68% vs 27%) and vomiting (32% vs 8%)
    than group S", "T-DM1 had a favorable safety profile versus HT, with fewer grade 3 adverse
    events (46.4% v 90.9%) ...", "more patients in the RMG group reported no nausea (53.7% vs
    41.6%) ... compared with the PC control group": a sentence that names two arms, one of them
    as the comparator (a comparison word right before each of its names,
    `outcome_attach.named_as_comparator`) and the other never so, compares the first with the
    second: its pairs give the other arm's figure first, then the comparator's (as a frame
    does: "Compared with placebo, letrozole reduced mucositis (1.2% vs 6.7%)"). Returns (the
    other arm, the comparator) when every pair with arms has them in that order; None when the
    sentence names more or fewer arms, or both or neither as the comparator, or a name is who
    was studied (`outcome_arm_names.qualified`: "In patients pretreated with doxorubicin")."""
    if any(qualified(lex, text, n) for n in names):
        return None  # "In patients pretreated with doxorubicin": who was studied, no arm
    comparators = [n for n in names if named_as_comparator(lex, text, n[0])]
    subjects = [n for n in names if n not in comparators]
    if not comparators or not subjects:
        return None
    first = {text[s:e].lower() for s, e in subjects}
    second = {text[s:e].lower() for s, e in comparators}
    if len(first) != 1 or len(second) != 1 or first == second:
        return None
    a, b = subjects[0], comparators[0]
    for pair in pairs:
        x, y = pair[0].arm, pair[1].arm
        if x is None and y is None:
            continue
        if x is None or y is None or (text[x[0] : x[1]].lower(),
                                      text[y[0] : y[1]].lower()) != (*first, *second):  # fmt: skip
            return None  # a pair whose arms are otherwise (or one-sided): not every pair's
    return a, b


def _closed_series(lex: Lexicon, text: str, names: list[Span]) -> list[list[Span]]:
    """Two names in a row, joined by one series joiner, that a respectively word follows, only
    an arm noun and a comma between ("in the letrozole or tamoxifen group, respectively"), with
    only a preposition, a determiner or an arm noun right before them (or no word)."""
    out = []
    for a, b in pairwise(names):
        m = _SERIES_GAP.fullmatch(text, a[1], b[0])
        if m is None or m["word"].lower() not in lex.series_joiners:
            continue
        before = _WORD_BEFORE.search(text, max(0, a[0] - WORD_CHARS), a[0])
        if before is not None and before["word"].lower() not in lex.series_beside:
            continue  # "in the endocrine therapy or ...": the name goes on before
        after = _AFTER_SERIES.match(text, b[1])
        if after is not None and after["word"].lower() in lex.respectively and (
            after["noun"] is None or after["noun"].lower() in lex.arm_nouns
        ):
            out.append([a, b])
    return out


#: How far before a series the word right before it is looked for.
WORD_CHARS = 30
_WORD_BEFORE = re.compile(r"(?P<word>[A-Za-z][\w-]*)\s+$")
_SERIES_GAP = re.compile(r"\s+(?P<word>[A-Za-z]+)\s+")
_AFTER_SERIES = re.compile(r"(?:\s+(?P<noun>[A-Za-z]+))?\s*,?\s*(?P<word>[A-Za-z]+)")


def earlier_list_arms(lex: Lexicon, figures: list[Figure], run: list[Figure], resp: int,
                      parser: SentenceParser, names: Callable[[], list[Span]]) -> None:  # fmt: skip
    """ "442 (52%) of 856 patients assigned to regional anaesthesia and 456 (52%) of 872
    patients allocated to general anaesthesia at 6 months, and by 239 (28%) of 854 patients and
    232 (27%) of 852 patients, respectively, at 12 months", "31.6% with fulvestrant and 33.9%
    with tamoxifen, and 33.2% and 31.1%, respectively, in the receptor-positive subgroup": a
    list a respectively word follows (`run`, the word at character `resp`) whose figures have
    no arm takes, in order, the arms of the figures before it in the sentence, when those
    figures with arms name as many different arms as the list has figures, one after the other
    (no arm again after another), the last of them right before the list (no figure between
    but ratios and changes, no strong boundary outside brackets), and no arm name stands between
    the last and the respectively word (`names`: the sentence's arm names, read only then), nor
    a series joiner between the list and that word ("12% and 15% in men and women,
    respectively": the word pairs the figures with those)."""
    text = parser.text
    if len(run) < 2 or not all(_free(f) for f in run) or (
        resp > run[-1].end and _JOINED.search(text, run[-1].end, resp)
    ):
        return
    before = [g for g in figures if g.end <= run[0].start]
    while before and before[-1].arm is None and (before[-1].ratio or before[-1].relative):
        before.pop()
    if not before or before[-1].arm is None:
        return
    order: list[str] = []
    spans: list[Span] = []
    for g in before:
        if g.arm is None or g.arm_pooled or g.arm_head is not None:
            continue
        key = text[g.arm[0] : g.arm[1]].lower()
        if order and key == order[-1]:
            continue
        if key in order:
            return  # "A, B, A": no one series
        order.append(key)
        spans.append(g.arm)
    if len(order) != len(run):
        return
    lo = max(max(e for _, e in spans), before[-1].end)
    if not _unbroken(parser, lo, run[0].start) or any(lo <= s < resp for s, _ in names()):
        return  # a new clause, or a name between: the respectively word's own series
    for f, span in zip(run, spans, strict=True):
        f.arm = span


def carried_list_keys(lex: Lexicon, run: list[Figure], resp: int, text: str,
                      previous: list[tuple[str, ...]],
                      names: Callable[[], list[Span]], pair: bool = False) -> None:  # fmt: skip
    """ "The 10-year DFS rates were 64 and 71%, respectively (p = 0.23)": a list a respectively
    word follows (`run`, the word at character `resp`), in a sentence that names no arm at all
    and joins nothing else with "and" or "or" (a list it may pair the figures with), takes in
    order the arms of the last sentence with figures (`previous`: their arm keys, in
    order) when that sentence named as many different arms one after the other; or else (the
    caller's second `previous`) the document's arms in the order it named them
    (`DocContext.arms_seen`: "randomized to A (n = 100) or B (n = 98)"), when it named exactly
    as many. A reader reads "respectively" after no names, and a pair "44% versus 45%" in a
    sentence that names no arm of a two-arm trial (`outcome_arms.note_arms`, with the pair as
    `run`; `pair`: then an "and" or "or" right after a bracket or comma, joining pairs, is no
    other list), in the order the arms were given. The figures get
    the arms' keys only (`Figure.arm_keys`: their sizes are those arms'); their rows take the
    arms' names once the document is read (`outcome_other_arm.fill_other_arms`)."""
    if len(run) < 2 or not all(_free(f) and not f.arm_keys for f in run) or (
        _joins_words(text, 0, run[0].start, pair) or _joins_words(text, run[-1].end, None, pair)
    ):
        return  # ("In women and men, survival was 64% and 71%, respectively": that list's)
    series: list[tuple[str, ...]] = []
    for keys in previous:
        if series and set(keys) & set(series[-1]):
            continue
        if any(set(keys) & set(seen) for seen in series):
            return  # "A, B, A": no one series
        series.append(keys)
    if len(series) != len(run) or names():
        return  # (a name in the sentence: its own series, or none)
    for f, keys in zip(run, series, strict=True):
        f.arm_keys = keys


_JOINED = re.compile(r"\b(?:and|or)\b", re.IGNORECASE)


def _joins_words(text: str, lo: int, hi: int | None, pair: bool) -> bool:
    """Does "and" or "or" join something in text[lo:hi] (a list the figures may pair with)? For
    a pair a comparison word joins, not one right after a bracket or a comma: that joins the
    pairs of a list ("insomnia (2.9% v 0.4%) and heartburn (8.1% v 3.6%)")."""
    for m in _JOINED.finditer(text, lo, len(text) if hi is None else hi):
        if not (pair and _char_before(text, m.start()) in (")", "]", ",", ";")):
            return True
    return False


def _char_before(text: str, i: int) -> str:
    """The last character before text[i] that is no white space ("" at the start)."""
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return text[i - 1 : i]
