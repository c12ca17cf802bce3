"""Passes over a sentence's figures together, with the scope rules (`outcome_scope.ScopeRules`):

- sample-size statements: a subject count in a sentence that plans the trial's size is the
  planned size, enrollment (`planned_sizes`);
- pooled totals (`pooled_totals`): a count of events split by arm right after it ("136 women
  (74 placebo, 62 tamoxifen) developed breast cancer"): the arms' figures are the rows, their
  sum is not;
- subgroup sizes (`subgroup_sizes`): "(n = 22, P = .06)" after a subgroup that is no arm, "In
  patients with centrally confirmed receptor positivity (n = 150), median PFS was ...", "in
  cohort 2 (n = 99), median PFS was 11.1 months for the letrozole group and ...": the size of a
  subgroup analysed apart, not who was enrolled;
- enrolled parts (`enrolled_parts`): "82 patients were included (34 STIM and 48 control)": the
  counts of a bracket right after an enrolled total that add up to it are its groups' sizes,
  enrollment, whatever cue their labels are;
- trait breakdowns (`trait_breakdowns`): "203 patients (143 men, 60 women) completed the
  study", "Sixty-five patients, 34 women and 31 men, received ...": the total's split by a
  trait of who was studied, neither who was enrolled nor an outcome;
- differences (`mark_differences`): a percentage after a sign ("(- 1.4, 95% CI ...)") or whose
  confidence interval reaches below zero ("no difference in arm volume (0.3%; 95% CI, -1.7% to
  2.3%)") is a difference or a change, not a share of subjects.

Reads only the sentence text and the figure offsets; no state.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise

from pipeline.components.outcome_enrollment_scope import EnrollmentScope
from pipeline.components.outcome_scope import ScopeRules
from pipeline.components.outcome_tokens import Figure, Tok

# How far (characters) after a total its parts may reach.
PARTS_WINDOW = 160
# A sign right before a number ("-0.3%"), or spaced after an opening bracket ("(- 1.4"); not a
# hyphen inside a word or a range, nor a dash between spaces ("placebo – 12%, drug – 20%").
_SIGN_BEFORE = re.compile(r"(?:(?<![\w.%)\]])[+\-−–]|[(\[]\s*[+\-−–]\s)$")


def planned_sizes(figures: list[Figure], text: str, rules: ScopeRules, enrollment: str) -> None:
    """In a sample-size statement, a count of subjects is the planned size: enrollment,
    whatever cue is near ("discontinuation" for "200 patients" beside "a 10% dropout rate")."""
    # (a cue claimed it: the figures first, the sentence's regex only when one may be a size)
    sizes = [
        f for f in figures
        if f.has_pop and f.pct is None and f.count and f.den is None and not f.all_form
        and (f.measure is not None or f.excluded)
    ]  # fmt: skip
    if not sizes or not rules.sample_size_statement(text):
        return
    for f in sizes:
        if not rules.per_after_re.match(text, f.end):  # (not "130 patients per arm")
            f.measure, f.excluded = enrollment, False


def mark_differences(figures: list[Figure], text: str) -> None:
    """A percentage after a sign or whose confidence interval reaches below zero is a
    difference or a change (a share of subjects is never negative): mark it relative."""
    for f in figures:
        if f.pct is None or f.relative or f.area:
            continue
        if (f.ci is not None and f.ci.low is not None and f.ci.low < 0) or _SIGN_BEFORE.search(
            text[max(0, f.start - 4) : f.start]
        ):
            f.relative = True


def subgroup_sizes(
    figures: list[Figure],
    text: str,
    rules: ScopeRules,
    drug_ends: list[int],
    enrollment: str,
    reported: EnrollmentScope,
) -> set[int]:
    """Indices of "(n = N)" figures that give the size of a subgroup analysed apart, not of an
    arm or of who was enrolled: tested on its own ("in HER2-positive DCIS (n = 22, P = .06)":
    not after an arm noun or a drug; any measure) or, as an enrollment figure, opening a
    clause on a subgroup (`_subgroup_opening`; `reported` finds a reported clause's start)."""
    out: set[int] = set()
    for k, f in enumerate(figures):
        if not f.n_form or f.pct is not None:
            continue
        if rules.tested_after_re.match(text, f.end):
            head = text[max(0, f.start - 40) : f.start]
            after_drug = any(0 <= f.start - e <= 3 and "(" in text[e : f.start] for e in drug_ends)
            if not (after_drug or rules.arm_before_re.search(head)):
                out.add(k)
        elif f.measure == enrollment and _subgroup_opening(f, text, rules, reported):
            out.add(k)
    return out


def _subgroup_opening(f: Figure, text: str, rules: ScopeRules, reported: EnrollmentScope) -> bool:
    """ "In patients with confirmed receptor positivity (n = 150), ...", "in cohort 2 (n = 99),
    median PFS was 11.1 months for the letrozole group and 18.1 months for ...": the clause
    opens on a group by a trait, or on a group that is no arm and then names the arms (a
    subgroup of both); not "In the control group (n = 49), ...". A clause reported after
    "that" opens there ("Our exploratory analysis showed that in highly anxious women (n = 48
    before treatment), ..."); the bracket may hold more after the size."""
    cut = max(text.rfind(";", 0, f.start), text.rfind(":", 0, f.start)) + 1
    cut = reported.clause_start(text, cut, f.start)
    closed = reported.bracket_clause_end_re.match(text, f.end)
    if f.start - cut > 200 or closed is None:
        return False
    head = text[cut : f.start]
    if not rules.group_opening_re.fullmatch(head):
        return False
    if rules.trait_opening_re.fullmatch(head):
        return True
    if rules.arm_before_re.search(head):
        return False
    after = closed.end()
    stop = text.find(";", after)
    return rules.arms_named_re.search(text, after, stop if stop >= 0 else len(text)) is not None


# What stands between a total and its first part: the words of its clause, then the bracket or
# colon that opens the split ("Fourteen patients developed osteoporosis (three of 41 ...",
# "disease recurrence: 1 (1%) of 108 ...", "(CT-P6: 10; ..."), or a comma right after the total
# ("Ten patients, 5 for carmofur and 5 for carboquone, suffered ...").
_SPLIT = re.compile(
    r"\s*+(?:(?:[^\W\d_][\w-]*+\s*+){0,6}?[(\[:]|,)\s*+(?:[^\W\d_][\w+/-]*+\s*+[:,=]?\s*+)?"
)
# The same after a bracket or colon, the first part labelled by two words ("in 32 (28.6%)
# patients: group A = 14 (25.5%), group B = 18 (31.6%)"): a split only when every part is an
# arm's figure (not "(site A: 12 patients, site B: 18 patients)").
_SPLIT_LABELLED = re.compile(
    r"\s*+(?:[^\W\d_][\w-]*+\s*+){0,6}?[(\[:]\s*+[^\W\d_][\w+/-]*+\s++[\w+/-]++\s*+[:,=]?\s*+"
)
# A bracket of rates right after a count: what opens it, and the bracket's end.
_RATES_OPEN = re.compile(r"\s*+[(\[]\s*+")
_RATES_CLOSE = re.compile(r"\s*+[)\]]")


def pooled_totals(figures: list[Figure], text: str, rules: ScopeRules, enrollment: str) -> set[int]:
    """Indices of figures that are the sum of the counts split off right after them (at least
    two, within PARTS_WINDOW characters, skipping larger numbers: the arms' sizes): a total
    split by arm. Enrollment counts and group sizes are who was studied, and stay; so does a
    total whose parts give no row ("in 13 patients (6 at site A and 7 at site B)": no arms,
    the total is the one figure left). Parts of a total pooled away whose measure is only
    their label's adverse event take the total's measure (`_causes_take_the_total`)."""
    out: set[int] = set()
    for k, f in enumerate(figures[:-1]):
        total = f.num if f.num is not None else f.count
        if total is None or total < 2 or f.measure == enrollment or f.n_form or f.zero:
            continue
        if figures[k + 1].start - f.end > PARTS_WINDOW // 2:
            continue
        plain = _SPLIT.fullmatch(text, f.end, figures[k + 1].start) is not None
        if not (plain or _SPLIT_LABELLED.fullmatch(text, f.end, figures[k + 1].start)):
            continue
        parts, acc, rows, arms = 0, 0, False, True
        taken: list[Figure] = []
        for g in figures[k + 1 :]:
            part = g.num if g.num is not None else g.count
            if g.start - f.end > PARTS_WINDOW or part is None or g.n_form:
                break
            if part >= total:
                continue  # "(251 [7.0%] in 3579 patients ...)": an arm's size
            parts, acc, rows = parts + 1, acc + part, rows or g.measure is not None
            arms = arms and g.arm is not None
            taken.append(g)
            if acc >= total:
                break
        if parts >= 2 and acc == total and rows and (plain or arms):
            out.add(k)
            _causes_take_the_total(f, taken)
    return out | _pooled_rates(figures, text) | _total_of_rates(figures, text, rules, enrollment)


# What opens the bracket of an enrolled total's parts: a few words ("were included", "aged
# 30-70"), then the bracket or a colon ("67 patients were enrolled: 33 in the study group and
# 34 in the control group").
_PARTS_OPEN = re.compile(r"\s*+(?:[\w-]++\s*+){0,6}?(?P<open>[(\[:])\s*+")


def enrolled_parts(figures: list[Figure], text: str, enrollment: str, arm_words: frozenset[str],
                   drug_starts: list[int]) -> None:  # fmt: skip
    """ "82 patients were included (34 STIM and 48 control)", "2144 (1063 ovarian ablation or
    suppression, 1081 no ovarian ablation or suppression) patients were randomly assigned", "67
    patients were enrolled: 33 in study group, and 34 in control group": the bare counts of a
    bracket (or after a colon, up to a ";") that opens a few words after an enrolled total and
    add up to it are the sizes of its groups, enrollment, whatever cue their labels are (a
    label the tagger took for a DISEASE mention is no adverse event), each one of several arms'
    (`one_arm`: no cohort), when a label names an arm (an `arm_words` entry or a DRUG mention
    starting in it, `drug_starts`: "(71 control and 77 hypnosis)"); a split by a trait stays
    without rows ("38 patients (22 low renin, 16 normal renin)"; "(143 men, 60 women)":
    `trait_breakdowns`), and a part with an outcome's measure keeps it ("60 responded").
    Reads the figures' counts, measures and offsets and the text; writes the parts' `measure`,
    `excluded` and `one_arm`."""
    drugs = sorted(drug_starts)
    # the first ")" and ";" at or after the last place looked from (the totals come in order:
    # each character is searched once, not once a total up to a far close)
    closes = {")": -1, ";": -1}
    for k, f in enumerate(figures[:-2]):
        if (not f.count or f.measure != enrollment or f.pct is not None
                or f.den is not None):  # fmt: skip
            continue
        first = figures[k + 1]
        m = _PARTS_OPEN.fullmatch(text, f.end, first.start)
        if m is None:
            continue
        sign = ")" if m.group("open") in "([" else ";"
        if closes[sign] < first.end:
            found = text.find(sign, first.end)
            closes[sign] = len(text) if found < 0 else found
        close = closes[sign]
        # (the parts add up to the total: past it the search stops; a sentence of totals each
        # reading every count after it was quadratic)
        parts: list[Figure] = []
        acc = 0
        for j in range(k + 1, len(figures)):  # (no slice: a copy of the rest each total)
            g = figures[j]
            if g.end > close or g.count is None or g.pct is not None or g.den is not None:
                break
            parts.append(g)
            acc += g.count
            if acc > f.count:
                break
        if len(parts) < 2 or acc != f.count:
            continue
        labels = [text[g.end : h.start] for g, h in pairwise(parts)] + [
            text[parts[-1].end : close]
        ]
        if not any(
            _names_arm(label, g.end, arm_words, drugs)
            for g, label in zip(parts, labels, strict=True)
        ):
            continue  # ("38 patients (22 low renin, 16 normal renin)": a trait's split)
        for g in parts:
            if g.measure in _PART_MEASURES:  # (not "60 responded": an outcome's count)
                g.measure, g.excluded, g.one_arm = enrollment, False, True


# The measures a part of an enrolled total may have had from its label alone: none, other, or
# the adverse event a label the tagger took for a DISEASE mention gives.
_PART_MEASURES = frozenset({None, "other", "adverse_event"})


def _names_arm(label: str, at: int, arm_words: frozenset[str], drug_starts: list[int]) -> bool:
    """Whether the label `label`, at `at` in its sentence, names an arm: a word of `arm_words`
    or a DRUG mention that starts in it (`drug_starts` in order: a bisection, not a pass over
    every mention of the sentence for each label)."""
    d = bisect_left(drug_starts, at)
    if d < len(drug_starts) and drug_starts[d] < at + len(label):
        return True
    return any(w in arm_words for w in re.findall(r"[a-z][\w-]*", label.lower()))


def _causes_take_the_total(total: Figure, parts: list[Figure]) -> None:
    """ "Nine patients died (sepsis 5, bleeding 3, stroke 1)", "Six patients discontinued
    treatment (rash 4, nausea 2)": a part whose measure is only the adverse event its label
    names gives the cause of the total's outcome, so it counts that outcome (the disease stays
    the row's event)."""
    if total.measure is None or total.measure == "adverse_event":
        return
    for g in parts:
        if g.measure == "adverse_event":
            g.measure = total.measure


def trait_breakdowns(figures: list[Figure], text: str, traits: frozenset[str],
                     listing: re.Pattern[str]) -> set[int]:  # fmt: skip
    """Indices of the subject counts that split the subject count right before them by a trait
    of who was studied ("203 patients (143 men, 60 women) completed the study", "Sixty-five
    patients, 34 women and 31 men, received ...", "The 58 patients treated (41 men and 17
    women)", "Subjects (n = 139) were 72 women and 67 men"): at least two parts right after the
    total (as `pooled_totals` reads a split, or past a verb that lists who it is: `listing`,
    `Lexicon.listing_verb_re`),
    joined by list words, each with a `traits` entry (`Lexicon.subgroup_words`: "men", "women")
    for its subjects, that add up to the total. A baseline breakdown: no row, whatever cue is
    near."""
    out: set[int] = set()
    for k, f in enumerate(figures[:-2]):
        if f.count is None or f.pct is not None or not (f.has_pop or f.n_form):
            continue
        nxt = figures[k + 1].start
        if (_SPLIT.fullmatch(text, f.end, nxt) is None
                and listing.fullmatch(text, f.end, nxt) is None):  # fmt: skip
            continue
        parts: list[int] = []
        acc = 0
        for j in range(k + 1, len(figures)):
            g = figures[j]
            if g.count is None or g.pct is not None or (g.population or "").lower() not in traits:
                break
            if parts and _PART_JOIN.fullmatch(text, figures[j - 1].end, g.start) is None:
                break
            parts.append(j)
            acc += g.count
            if acc >= f.count:
                break
        if len(parts) >= 2 and acc == f.count:
            out.update(parts)
    return out


def sex_pairs(figures: list[Figure], text: str, sexes: frozenset[str],
              prepositions: frozenset[str]) -> set[int]:  # fmt: skip
    """Indices of two subject counts of two sexes joined by list words ("(14 men, 11 women)",
    ": 153 women and 119 men", "The 32 men and 20 women underwent ..."): who was studied by sex,
    as `trait_breakdowns` reads it after a total, here with none right before them (a total
    right before is that rule's to read: parts that miss it are left); not after a
    preposition ("Hypotension occurred in 14 men and 11 women": the event's counts by sex)."""
    out: set[int] = set()
    for k in range(len(figures) - 1):
        f, g = figures[k], figures[k + 1]
        if k and _split_after(figures[k - 1], f, text):
            continue
        one, other = (f.population or "").lower(), (g.population or "").lower()
        if (
            f.count is None or g.count is None or f.pct is not None or g.pct is not None
            or one not in sexes or other not in sexes or one == other
            or _PART_JOIN.fullmatch(text, f.end, g.start) is None
        ):
            continue
        words = text[max(0, f.start - 20) : f.start].split()
        if not words or words[-1].lower() not in prepositions:
            out.update((k, k + 1))
    return out


def _split_after(total: Figure, part: Figure, text: str) -> bool:
    """Does `part` open a split of the subject count `total` right before it (`_SPLIT`)?"""
    return (
        total.count is not None and total.pct is None and (total.has_pop or total.n_form)
        and _SPLIT.fullmatch(text, total.end, part.start) is not None
    )


# Between two parts of a breakdown: a comma, "and" or "or" ("143 men, 60 women", "34 women and
# 31 men").
_PART_JOIN = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)", re.IGNORECASE)


def _total_of_rates(figures: list[Figure], text: str, rules: ScopeRules,
                    enrollment: str) -> set[int]:  # fmt: skip
    """ "Chronic lymphedema presented in 13 patients (9.3% group 1 and 12.7% group 2)": a count
    followed by a bracket that holds only rates, at least two, each labelled by an arm
    (`ScopeRules.rate_label_re`: an arm noun or a control arm; not "(9.3% at site A and ...)"):
    the arms' rates are the rows, the pooled count is not."""
    out: set[int] = set()
    for k, f in enumerate(figures[:-1]):
        if f.count is None or f.pct is not None or f.measure == enrollment or f.n_form:
            continue
        if not _RATES_OPEN.fullmatch(text, f.end, figures[k + 1].start):
            continue
        for j, g in enumerate(figures[k + 1 :], start=1):
            if g.pct is None or g.count is not None or g.num is not None or g.measure is None:
                break
            label = rules.rate_label_re.match(text, g.end)
            if label is None:
                break
            if _RATES_CLOSE.match(text, label.end()):
                if j >= 2:
                    out.add(k)
                break
            if k + j + 1 == len(figures) or figures[k + j + 1].start != label.end():
                break
    return out


def _pooled_rates(figures: list[Figure], text: str) -> set[int]:
    """ "21 % developed a local relapse (24 versus 18 %, respectively)": a rate followed by the
    arms' rates (one list, split off as for counts) that it lies between."""
    out: set[int] = set()
    for k, f in enumerate(figures[:-1]):
        nxt = figures[k + 1]
        if f.pct is None or f.count is not None or f.num is not None or nxt.group == f.group:
            continue
        if nxt.start - f.end > PARTS_WINDOW:
            continue
        rates: list[float] = []
        j = k + 1
        while j < len(figures) and figures[j].group == nxt.group:  # (`group` numbers in order)
            g = figures[j]
            if g.count is None and g.pct is not None:
                rates.append(g.pct)
            j += 1
        if (
            len(rates) >= 2
            and min(rates) <= f.pct <= max(rates)
            and _SPLIT.fullmatch(text, f.end, nxt.start)
        ):
            out.add(k)
    return out


def antecedent_denominators(figures: list[Figure], toks: list[Tok],
                            back: frozenset[str]) -> None:  # fmt: skip
    """ "Twelve patients developed pneumonia, three of whom died", "five cases of ventricular
    tachycardia, one of which was fatal", "a partial response in four, of whom two relapsed",
    "Eight patients were dead; two of them died": a count whose "of" is followed by a word that
    points back (`back`: "whom", "which", "them", "these"; not "those", which points at a group
    named after it: "12 of those given placebo") is a part of the count before it in the
    sentence, its denominator, when it has none, that count is larger and no other number
    stands between them (not "includes over 5000 patients, 700 of whom ..., and over 3500
    patients, of whom 350": the one between is no figure). `toks`: the sentence's light
    tokens."""
    for k, f in enumerate(figures):
        if k == 0 or f.den is not None or f.count is None or f.pct is not None:
            continue
        of_after = f.ts + 2 < len(toks) and toks[f.ts + 1].lower == "of"
        of_before = f.ts >= 2 and toks[f.ts - 2].lower == "of"
        if not ((of_after and toks[f.ts + 2].lower in back)
                or (of_before and toks[f.ts - 1].lower in back)):  # fmt: skip
            continue
        g = figures[k - 1]
        if (g.count is not None and g.count > f.count and g.ratio is None and not g.relative
                and all(t.num is None for t in toks[g.te : f.ts])):  # fmt: skip
            f.den = g.count
