"""Figures no measure cue claimed that are still results.

Functions over the figures of one sentence after `assign_measures` (`outcome_measures.py`):
`compared_figures` (a figure listed after another's ("in 6 patients in arm A and 7 in arm B",
"352 DFS events among 2,463 women receiving A and 418 events among 2,459 women receiving B"),
listed in one bracket after it, listed right after one of the same form ("in seven (10%), five
(7.1%) and 26 (37.1%) patients, respectively"), compared, or tied to an arm is still a result:
the first's measure, else `other`; a lone subject count is who was studied),
`occurrence_counts` ("31 cases of dermatitis in the imiquimod group": `other`, or
`adverse_event` beside an adverse-event cue; none without an arm or a drug). Every search looks
at a bounded window, so a sentence costs time linear in its length.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from pipeline.components.outcome_attach import ARM_WINDOW, no_arm_name
from pipeline.components.outcome_enrolled import counts_occurrences, found_in
from pipeline.components.outcome_following_arms import (
    allocated_next_count,
    counted_among_by_words,
)
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_list_arms import arm_named_at
from pipeline.components.outcome_tokens import Cue, Figure


def _listed_after(lex: Lexicon, prev: Figure, f: Figure, parser: SentenceParser,
                  boundary: list[bool], drug_starts: list[int]) -> bool:  # fmt: skip
    """ "Neutropenia occurred in 6 patients in arm A and 7 in arm B": a bare count of an arm
    listed right after another arm's count of an outcome (a connector just before it, the same
    clause) counts the same outcome, also when a drug names the first's arm ("in 20 patients
    with neratinib versus 3 with placebo"); so does the first count of an arm in a bracket
    right after a total ("in 13 patients (6 in arm A and 7 in arm B)"), and a bare count right
    after another's "vs" ("Deaths: 3 vs 5")."""
    if not (
        f.needs_cue
        and prev.pct is None
        and prev.count is not None
        and prev.measure not in (None, "enrollment", "other")
        and not prev.excluded
        and not any(boundary[x] for x in range(prev.te, f.ts))
    ):
        return False
    between = parser.lower(prev.te) if prev.te == f.ts - 1 else None
    if between in lex.comparison:
        return True  # "3 vs 5": the pair counts one outcome
    if f.arm is None:
        # "Deaths: 3 (pembrolizumab) and 5 (placebo)": each count's arm in a bracket of its own
        return (
            parser.lower(f.ts - 1) in lex.connectors
            and _bracket_named(lex, parser.text, prev, drug_starts)
            and _bracket_named(lex, parser.text, f, drug_starts)
        )
    if between in ("(", "["):
        # the total's breakdown by arm (not of who was assessed: "Overall survival was analysed
        # in 412 patients (206 in the letrozole arm ...)" gives the arms' sizes)
        return not lex.assessed_total(parser.text, prev.start, prev.all_form)
    return parser.lower(f.ts - 1) in lex.connectors and (
        prev.arm is not None
        or _drug_follows(lex, parser.text, prev, drug_starts)
        or arm_after_words(lex, parser.text, prev) is not None
    )


# a name alone in a bracket right after a figure
_BRACKET_NAME = re.compile(r"\s*\(\s*(?P<name>[^()]{1,40}?)\s*\)")


def _bracket_named(lex: Lexicon, text: str, f: Figure, drug_starts: list[int]) -> bool:
    """Is the figure followed by a bracket that holds a drug or a control arm by its name
    ("3 (pembrolizumab)", "5 (placebo)")?"""
    m = _BRACKET_NAME.match(text, f.end)
    if m is None:
        return False
    k = bisect.bisect_left(drug_starts, m.start("name"))
    if k < len(drug_starts) and drug_starts[k] == m.start("name"):
        return True
    return lex.control_word_re.fullmatch(m["name"]) is not None


def _pooled_like(lex: Lexicon, figures: list[Figure], k: int, parser: SentenceParser,
                 boundary: list[bool]) -> bool:  # fmt: skip
    """ "352 DFS events among 2,463 women receiving letrozole and 418 events among 2,459 women
    receiving tamoxifen": a bare count counted among the subjects after it, right after a list
    connector and a count of an outcome counted among the subjects before it, in one clause,
    counts the same outcome."""
    if not (2 <= k < len(figures) - 1) or not figures[k].needs_cue:
        return False
    first, pool, f, own = figures[k - 2], figures[k - 1], figures[k], figures[k + 1]
    return (
        first.measure not in (None, "enrollment", "other")
        and not first.excluded
        and parser.lower(f.ts - 1) in lex.connectors
        and not any(boundary[x] for x in range(first.te, f.ts))
        and counted_among_by_words(lex, first, pool, parser.text)
        and counted_among_by_words(lex, f, own, parser.text)
    )


# How many words of its own may stand between a bare count and its arm ("28 VTEs on placebo",
# "31 deaths in the placebo group", "20 grade III events with placebo").
COUNTED_WORDS = 3
_WORD = re.compile(r"\s+([^\W\d_][\w-]*)")
# The word right before a count, past an "of" ("a mean of 2 embryos", "median 4 lesions").
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s+(?:of\s+)?$")


def arm_after_words(lex: Lexicon, text: str, f: Figure) -> tuple[int, int] | None:
    """ "28 VTEs on placebo", "31 deaths in the placebo group": the arm (sentence offsets) named
    after a bare count and up to COUNTED_WORDS words of what it counts, as `attach_arms` reads
    one right after a figure (an arm noun's name, an arm label or a control arm; not a name of
    no arm: "in this group"). Not past a list word ("in two subpopulations and in a mixed
    group"), a unit ("the 80 kDa band protein in control fibroblasts": things, not subjects), a
    population noun (things of subjects: "45 exomes from patients in the placebo arm") or an
    auxiliary (what is counted is a noun's few words, not a clause: "2 embryos were transferred
    in the control group"; but "3 deaths from sepsis in the placebo group"), nor after a summary
    statistic's word ("a mean of 2 embryos ...": a measured value)."""
    before = _WORD_BEFORE.search(text, max(0, f.start - 30), f.start)
    if before is not None and before[1].lower() in lex.count_blockers:
        return None
    stops = (lex.connectors, lex.units, lex.pop, lex.auxiliaries)
    pos = f.end
    for _ in range(COUNTED_WORDS):
        word = _WORD.match(text, pos)
        if word is None or any(word[1].lower() in words for words in stops):
            return None
        pos = word.end()
        window = text[pos : pos + ARM_WINDOW]
        arm = arm_named_at(lex, window)
        if arm is not None:
            span = pos + arm.start("arm"), pos + arm.end("arm")
            return None if no_arm_name(lex, arm["arm"]) else span
    return None


def _bracket_listed(prev: Figure, f: Figure, text: str) -> bool:
    """ "The incidence of edema ... (2.4% for 80 mg valsartan; 3.6% for 5 mg amlodipine; 0% for
    ...)": a figure listed after another of the same kind in one bracket (no bracket opens or
    closes between them, one is open before the first) is of the same outcome as it."""
    if prev.measure in (None, "enrollment", "other") or prev.excluded:
        return False
    if (prev.pct is None) != (f.pct is None) or (f.pct is None and f.den is None):
        # (bare counts in a bracket are arms' sizes more often than events: "(1063 ovarian
        # ablation, 1081 no ovarian ablation)"; "(n/N = 25/26, OR 10. 16, ...)")
        return False
    between = text[prev.end : f.start]
    if any(c in between for c in "()[]"):
        return False
    before = text[max(0, prev.start - BRACKET_REACH) : prev.start]
    opened = max(before.rfind("("), before.rfind("["))
    return opened >= 0 and not any(c in before[opened:] for c in ")]")


# How far (characters) before a listed figure its bracket may open.
BRACKET_REACH = 120


def _series_after(lex: Lexicon, prev: Figure, f: Figure, parser: SentenceParser,
                  boundary: list[bool]) -> bool:  # fmt: skip
    """ "Bleeding, seizures, infection and renal failure were documented in seven (10%), five
    (7.1%), 26 (37.1%) and seven (10%) patients, respectively", "Neutropenia occurred in 20
    (40%) vs 12 (24%)": a share listed right after another of the same form (both with a count
    or both without; only list connectors between them, in one clause) that a cue claimed is of
    the same kind of outcome: the list's later figures are only too far from the cue for their
    own. Not bare counts, which list who was studied as often ("Twelve patients, five with a
    family history and seven sporadic, ...")."""
    if prev.measure in (None, "enrollment", "other") or prev.excluded:
        return False
    if prev.pct is None or f.pct is None or (prev.count is None) != (f.count is None):
        return False  # (counts alone: "Twelve patients, five with a family history, ...")
    if f.ts <= prev.te or f.ts - prev.te > SERIES_GAP:
        return False
    return all(
        parser.toks[x].lower in lex.connectors and not boundary[x] for x in range(prev.te, f.ts)
    )


# How many tokens (list connectors) may stand between two figures of one series.
SERIES_GAP = 3


class _Marks:
    """Which tokens of a sentence are comparison words or a ratio's, and whether it states
    what is generally known, made when a figure first reads them (most sentences' figures
    never do)."""

    __slots__ = ("_comparison", "_general", "_lex", "_parser", "_rates", "_ratios", "_result")

    def __init__(self, lex: Lexicon, parser: SentenceParser, rates: int) -> None:
        self._lex, self._parser, self._rates = lex, parser, rates
        self._comparison: list[bool] | None = None
        self._result: list[bool] | None = None
        self._ratios: set[int] | None = None
        self._general: bool | None = None

    def ratio_tokens(self) -> set[int]:
        """The tokens a ratio figure holds ("RR 0.80")."""
        if self._ratios is None:
            self._ratios = {
                x for g in self._parser.figures if g.ratio is not None for x in range(g.ts, g.te)
            }
        return self._ratios

    def general_statement(self) -> bool:
        """Does the sentence, its brackets left out, state what is generally known
        (`ScopeRules.general_statement`)?"""
        if self._general is None:
            text = _BRACKETED.sub(" ", self._parser.text)
            self._general = self._lex.scope.general_statement(text)
        return self._general

    def comparison(self) -> list[bool]:
        """Marks of any comparison word."""
        if self._comparison is None:
            self._comparison = [t.lower in self._lex.comparison for t in self._parser.toks]
        return self._comparison

    def result(self) -> list[bool]:
        """Marks of the words that compare results: any comparison word in a sentence with
        rates, which compares results, also with "compared" ("23 of the patients had taken X,
        as compared with 5 of the controls (66 versus 6%)"); else no word of a design's
        comparison."""
        if self._rates:
            return self.comparison()
        if self._result is None:
            words = self._lex.comparison - self._lex.design_comparison
            self._result = [t.lower in words for t in self._parser.toks]
        return self._result


def compared_figures(
    lex: Lexicon,
    figures: list[Figure],
    parser: SentenceParser,
    boundary: list[bool],
    drug_starts: list[int],
) -> None:
    """A figure no cue claimed is still a result when it is compared: listed with others
    ("24% v 0%", "6.1%, 6.4%, and 5.5%, respectively"), tied to an arm, within
    COMPARISON_WINDOW tokens of a comparison word in the same clause, or one of several rates of
    the sentence. Its measure is `other`."""
    if all(f.measure is not None or f.excluded or f.proportion for f in figures):
        return  # (most sentences: every figure has its cue's measure)
    sizes: dict[int, int] = {}
    for f in figures:
        sizes[f.group] = sizes.get(f.group, 0) + 1
    # several rates in one sentence are compared with each other ("91% with radioguided
    # localization and 84% with wire localization", "in 96% of ... and in 98% of ...")
    rates = sum(1 for f in figures if f.pct is not None and not (f.excluded or f.comparator))
    marks = _Marks(lex, parser, rates)
    for k, f in enumerate(figures):
        if f.measure is not None or f.excluded or f.proportion:
            continue
        if f.ratio is not None or f.relative or f.rate_per or f.time_unit or (
            f.ci is not None and f.den is not None
        ):
            # (always a result; so is a share of subjects with its confidence interval: "in 30
            # of 52 patients (58%; 95% CI, 43%-71%)")
            f.measure = "other"
        elif _listed_measure(lex, figures, k, parser, boundary, drug_starts):
            continue
        elif f.needs_cue:
            _bare_number_measure(lex, figures, k, parser, boundary, drug_starts, marks)
        else:
            f.measure = _unclaimed_measure(lex, f, parser, boundary, marks,
                                           sizes[f.group] > 1, rates)  # fmt: skip


def _listed_measure(lex: Lexicon, figures: list[Figure], k: int, parser: SentenceParser,
                    boundary: list[bool], drug_starts: list[int]) -> bool:  # fmt: skip
    """Does figures[k] take the measure of a figure before it, as the next of its list ("in 6
    patients in arm A and 7 in arm B") or of a count among a pool ("352 DFS events among
    2,463 women ... and 418")? Writes its `Figure.measure` when it does."""
    f = figures[k]
    if k and (
        _listed_after(lex, figures[k - 1], f, parser, boundary, drug_starts)
        or _bracket_listed(figures[k - 1], f, parser.text)
        or _series_after(lex, figures[k - 1], f, parser, boundary)
    ):
        f.measure = figures[k - 1].measure  # "in 6 patients in arm A and 7 in arm B"
        return True
    if _pooled_like(lex, figures, k, parser, boundary):
        f.measure = figures[k - 2].measure  # "352 DFS events among 2,463 women ... and 418"
        return True
    return False


def _bare_number_measure(lex: Lexicon, figures: list[Figure], k: int, parser: SentenceParser,
                         boundary: list[bool], drug_starts: list[int],
                         marks: _Marks) -> None:  # fmt: skip
    """The measure of figures[k], a bare number no cue claimed: `enrollment` for the next count
    of an allocation ("302 were assigned to letrozole and 298 to placebo"), `other` right
    beside a comparison word ("68 vs 120", "215 events versus") or tied to its arm ("13 in the
    tamoxifen arm", "16 with placebo", "44 on tamoxifen"); none for a measurement's value.
    Writes `Figure.measure`, and `Figure.arm` of an arm named past the number's own words."""
    f = figures[k]
    toks = parser.toks
    prev = figures[k - 1] if k else None
    if prev is not None and any(boundary[x] for x in range(prev.te, f.ts)):
        prev = None  # (of another clause: "were randomized; 601 to A" is a list's first)
    if allocated_next_count(lex, prev, f, parser.text):
        f.measure = "enrollment"  # "302 were assigned to letrozole and 298 to placebo"
        return
    comparison = marks.comparison()
    near = any(
        comparison[k] for k in range(max(0, f.ts - 2), min(len(comparison), f.te + 2))
    )
    # "a mean age of 55 vs 57 years": a measurement, not a count
    near = near and not any(t.text in lex.units for t in toks[f.te : f.te + 4])
    if _measured_value(lex, f, parser, boundary, marks.ratio_tokens):
        return  # "4.5 in arm A and 5 in arm B": a measurement's value, no count
    arm = None if f.arm is not None else arm_after_words(lex, parser.text, f)
    if arm is not None:
        f.arm = arm  # "28 VTEs on placebo": its arm past its own words
    if near or f.arm is not None or _drug_follows(lex, parser.text, f, drug_starts):
        f.measure = "other"


def _unclaimed_measure(lex: Lexicon, f: Figure, parser: SentenceParser, boundary: list[bool],
                       marks: _Marks, listed: bool, rates: int) -> str | None:  # fmt: skip
    """The measure of a figure no cue claimed that is no bare number: `other` in a group of
    several (`listed`), with an arm, near a result word, or as one of the sentence's several
    `rates`; `enrollment` for a subject count of who was studied; `other` near a comparison
    word; else None."""
    if (
        listed
        or f.arm is not None
        or _near_mark(marks.result(), boundary, f.ts, f.te)
        or (f.pct is not None and not f.comparator and rates > 1)
    ):
        return "other"
    if (
        f.has_pop
        and f.pct is None
        and f.den is None
        and not (f.zero or f.all_form)
        and (f.count or 0) >= lex.min_enrollment
        and not counts_occurrences(lex, f, parser)
        # ("Each year, around 2,000 people in the UK are diagnosed with X": what is
        # generally known, no one studied; its verbs outside brackets: "Twenty
        # consecutive women (age range 43-61 yrs)." has none)
        and not marks.general_statement()
    ):
        # "available for 174 patients", "in a subsample of 19 participants": who was
        # studied, the one thing a subject count without an outcome cue reports (a few
        # subjects without one are an event: "One participant presented with lymphoedema");
        # also beside "compared", which may compare what they were given ("X and Y were
        # compared in 71 outpatients"); but a count whom something was found in is a count
        # of that finding ("Surgery was documented in 380 patients": `found_in`; not "detected
        # among 181 patients analyzed", who were examined)
        found = parser.lower(f.ts - 1) == "in" and found_in(lex, f, parser)
        return "other" if found else "enrollment"
    if _near_mark(marks.comparison(), boundary, f.ts, f.te):
        return "other"
    return None


COMPARISON_WINDOW = 12
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# How many tokens a bare number's nearest number may stand from it, and how many a bracket right
# after it may hold, for `_measured_value`.
PARTNER_REACH = 10
BRACKET_TOKENS = 6


def _plain_decimal(lex: Lexicon, parser: SentenceParser, k: int,
                   ratio_tokens: Callable[[], set[int]]) -> bool:  # fmt: skip
    """A number with decimals at token k that no statistic took, no figure of another kind
    holds (a ratio: "RR 0.80"; `ratio_tokens`: the tokens ratio figures hold, read once a
    sentence) and no percent sign or unit follows ("54.5 years" is another measurement)."""
    t = parser.toks[k]
    after = parser.lower(k + 1)
    return (
        t.num is not None
        and t.decimals > 0
        and not parser.consumed[k]
        and after != "%"
        and after not in lex.units
        and after not in lex.time_units
        and k not in ratio_tokens()
    )


def _measured_value(lex: Lexicon, f: Figure, parser: SentenceParser, boundary: list[bool],
                    ratio_tokens: Callable[[], set[int]]) -> bool:  # fmt: skip
    """ "The median number of hot flashes was 4.5 in arm A and 5 in arm B", "higher in group A
    (158 [153.8 to 159.3]) than in group B (141 [139 to 145.3])": a bare number listed or
    compared after a decimal (its nearest number before it in the clause, a list or comparison
    word between), or with a decimal in the bracket right after it, is a value of one
    measurement, no count of subjects (which has no decimals). (Not a decimal after it: "290
    events versus 306 events, HR = 0.95" compares the counts, the ratio follows; nor one in a
    bracket before it: "in 21 patients (score 4.1 ± 1.2) and in 35".)"""
    toks = parser.toks
    k = f.te
    if k < len(toks) and toks[k].text in "([":
        for x in range(k + 1, min(k + 1 + BRACKET_TOKENS, len(toks))):
            if toks[x].text in ")]":
                break
            if _plain_decimal(lex, parser, x, ratio_tokens):
                return True
    joined = False
    for x in range(f.ts - 1, max(-1, f.ts - 1 - PARTNER_REACH), -1):
        t = toks[x]
        if boundary[x] or t.text in ")]":
            return False  # (a decimal in a bracket is another figure's detail: "(4.1 ± 1.2)")
        if t.num is not None:
            return joined and _plain_decimal(lex, parser, x, ratio_tokens)
        joined = joined or t.lower in lex.connectors or t.lower in lex.comparison_frame_words
    return False


def _drug_follows(lex: Lexicon, text: str, f: Figure, drug_starts: list[int]) -> bool:
    """ "16 with tamoxifen", "44 events on tamoxifen": a drug right after the number."""
    k = bisect.bisect_left(drug_starts, f.end)
    return k < len(drug_starts) and bool(
        drug_starts[k] - f.end <= 30 and lex.arm_drug_link_re.match(text[f.end : drug_starts[k]])
    )


def _near_mark(marks: list[bool], boundary: list[bool], ts: int, te: int) -> bool:
    for k in range(te, min(len(marks), te + COMPARISON_WINDOW)):
        if boundary[k]:
            break
        if marks[k]:
            return True
    for k in range(ts - 1, max(-1, ts - 1 - COMPARISON_WINDOW), -1):
        if boundary[k]:
            break
        if marks[k]:
            return True
    return False


# How many words may stand between "N cases of" and the disease counted ("31 cases of grade 1
# onycholysis").
OCCURRENCE_WORDS = 2
_WORDS_BETWEEN = re.compile(rf"\s+(?:[\w-]+\s+){{0,{OCCURRENCE_WORDS}}}")


def occurrence_counts(lex: Lexicon, figures: list[Figure], parser: SentenceParser,
                      diseases: list[tuple[int, int]], cues: list[Cue],
                      drugs: list[tuple[int, int]], pooled: bool) -> None:  # fmt: skip
    """ "There were 31 cases of dermatitis in the imiquimod group": a count of occurrences of a
    disease (`diseases`: the sentence's disease mentions, sentence-relative spans in order) that
    no cue claimed is a result when the sentence ties the cases to the trial's subjects: the
    figure has an arm, the sentence names a drug (`drugs`: its drug mentions) or an arm ("the
    imiquimod group", "arm B", "with placebo": `Lexicon.arm_named_re`), or it is `pooled`: it
    names the subjects the cases are counted in ("Of the 40 patients, ..."). Its measure is adverse
    event when the sentence names adverse events (a normal adverse-event cue: "side effects",
    "toxicity"), else `other` (a prevention trial's "78 cases of invasive breast cancer" in its
    placebo group are its end point, no adverse event). Without such a tie the cases are a case
    series' subjects or a background figure ("We analyzed 350 cases of atopic dermatitis", "In
    2018, 2,088,849 new cases of breast cancer were diagnosed"): no row. Never in a sentence of
    general statements or earlier work, nor the cases a case report describes ("Two cases of X
    are presented", "We followed 210 cases of X"); not a percentage ("41% of cases of
    uveitis")."""
    starts = [a for a, _ in diseases]
    text = parser.text
    adverse: bool | None = None
    named: bool | None = None  # does the sentence name a drug or an arm?
    for f in figures:
        if (
            f.measure is not None
            or f.excluded
            or f.pct is not None
            or not counts_occurrences(lex, f, parser)
        ):
            continue
        of_end = parser.toks[f.te].end
        k = bisect.bisect_left(starts, of_end)
        if k == len(starts) or not _WORDS_BETWEEN.fullmatch(text, of_end, starts[k]):
            continue
        if lex.case_report_before_re.search(text, max(0, f.start - 40), f.start) or (
            lex.case_report_after_re.search(text, f.end)
        ):
            continue
        if f.arm is None:
            if named is None:
                named = pooled or bool(drugs) or lex.arm_named_re.search(text) is not None
            if not named:
                continue
        if adverse is None:
            if lex.scope.general_statement(text) or lex.scope.earlier_work(text):
                return
            adverse = any(c.measure == "adverse_event" and c.priority >= 1 for c in cues)
        f.measure = "adverse_event" if adverse else "other"
