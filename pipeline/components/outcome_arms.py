"""The arm of each figure in a sentence of `biotab_outcomes`, tied before any figure resolves.

`note_arms` ties a figure to the arm it reports: the arm an "(n = N)" enrollment figure gives the
size of (`size_arm`: "letrozole 2.5 mg daily (n = 453)", "(group A; n = 30)"; an allocation list's
member, `listed_size_arm`: "assigned to telephone counseling (n = 34)"), the drug named right after
a figure ("28% with docetaxel", `outcome_following_arms.following_drug`, with the drugs given with
it, `combined_drugs`; an arm that is no drug mention there or in the subjects the figure counts,
"66% for FV", "31% of letrozole patients": `following_name`, `subjects_arm`), the label after it in
a bracket of labelled entries (`outcome_label_arms`: "(n = 40 calendula; n = 41 sorbolene)"), the
one arm "the X group" names in the figure's clause (`outcome_clause_arms.clause_arm`: "In the
control arm, ... was 16.7%"), or to all its figures when it names them all (`shared_clause_arm`:
"In the placebo group (n = 30), two (6.7%) had grade 2 rash, four (13.3%) grade 1";
`opening_clause_arm`, `trailing_list_arm`), and the keys that name the arm across the document
(`Figure.arm_keys`, noted in `DocContext`). A name an arm noun follows is an arm only with evidence
(`outcome_arm_evidence.ArmEvidence`: not "In the intention-to-treat cohort"), whichever rule read
it (the arms figures share with their neighbours: `outcome_shared_arms`). Reads the sentence's
text and mentions; writes `Figure.arm`/`arm_keys` and the arms noted in the `DocContext`.
`outcome_context` resolves the figures over these arms.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipeline.components.outcome_allocation_arms import AllocationList, listed_size_arm
from pipeline.components.outcome_alternating_arms import alternating_arms
from pipeline.components.outcome_arm_evidence import ArmEvidence
from pipeline.components.outcome_arm_names import arm_names
from pipeline.components.outcome_attach import Comparisons
from pipeline.components.outcome_bracket_after_arms import bracket_after_arm
from pipeline.components.outcome_clause_arms import (
    Clauses,
    clause_arm,
    may_take_arm,
    opening_clause_arm,
    shared_clause_arm,
    trailing_list_arm,
)
from pipeline.components.outcome_following_arms import (
    allocated_count_arm,
    allocated_with_others,
    counted_subjects_arm,
    following_drug,
    following_name,
    of_group_arm,
    subjects_arm,
)
from pipeline.components.outcome_gapped_arms import gapped_arms, sized_pair_arms
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_label_arms import label_arms, size_label_after
from pipeline.components.outcome_named_pairs import named_pair_keys
from pipeline.components.outcome_pair_series import carried_list_keys
from pipeline.components.outcome_shared_arms import shared_arms
from pipeline.components.outcome_tokens import Figure, Mention
from pipeline.labels import DRUG

if TYPE_CHECKING:
    from pipeline.components.outcome_context import DocContext, SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon


#: How far back from a bracket an arm's name may start ("standard care (12%)").
MAX_ARM_CHARS = 60


_OPENS_BRACKET = re.compile(r"\s*[(\[]\s*$")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")
_WORDS = re.compile(r"[a-z]+")


def bracket_arm(sm: SentenceMentions, text: str, f: Figure,
                first: bool = False) -> tuple[int, int] | None:  # fmt: skip
    """ "letrozole [228 of 2448 women (9.3%)]", "quetiapine monotherapy (3.3%) and placebo
    (6.1%)": the arm named right before the bracket the figure opens (a drug, with the drugs and
    the monotherapy word joined to it, not a measured analyte; or a `control_arms` entry after a
    preposition, determiner or connector: not "Disease control (12%)"); not for the sentence's
    `first` figure when the arm comes after a `comparator_openers` entry ("lower with aspirin
    than with placebo (12%)": whose 12% is not said)."""
    opener = _OPENS_BRACKET.search(text, max(0, f.start - 4), f.start)
    if opener is None:
        return None
    end = opener.start()
    lex = sm.lex
    before, _, _ = sm.around(DRUG, sm.base + end, sm.base + end + 1)
    span: tuple[int, int] | None = None
    if before is not None and before.end - sm.base > end - MAX_ARM_CHARS:
        span = combined_drugs(sm, text, before)
        span = span if span[1] == end else None
    if span is None:
        span = _known_before(sm, text, end)  # "in CTZ group (14.8%)", "between T (47%) and TL"
    if span is None:
        span = _label_before(lex, text, end)  # "in group B (50%) than in group A (20%)"
    if span is None:
        last = None
        for last in lex.control_word_re.finditer(  # noqa: B007
            text, max(0, end - MAX_ARM_CHARS), end
        ):
            pass
        if last is None or last.end() != end:
            return None
        span = (last.start(), end)
        prev = _WORD_BEFORE.search(text, max(0, span[0] - 30), span[0])
        if prev is not None and prev.group(1).lower() not in lex.control_openers:
            return None  # "Disease control (12%)": an outcome's name, no control arm
    if not first:
        return span  # "with quetiapine (12.9%) than with placebo (13.1%)": each its own
    for word in reversed(_WORDS.findall(text[max(0, span[0] - 30) : span[0]].lower())):
        if word in lex.comparator_openers:
            return None  # "lower with aspirin than with placebo (12%)": whose 12% is not said
        if word not in lex.prepositions and word not in lex.determiners:
            break
    return span


def _label_before(lex: Lexicon, text: str, end: int) -> tuple[int, int] | None:
    """An arm noun and its label ending right before the bracket at `end` ("group B (50%)",
    "arm A (12%)", `Lexicon.label_after_singular_re`), not after a series joiner ("groups A and
    B (12%)")."""
    last = None
    for last in lex.label_after_singular_re.finditer(text, max(0, end - 20), end):  # noqa: B007
        pass
    if last is None or text[last.end() : end].strip():
        return None
    return last.span()


_NOUN_BEFORE = re.compile(r"\s+([A-Za-z]+)\s*$")


def _known_before(sm: SentenceMentions, text: str, end: int) -> tuple[int, int] | None:
    """The arm name the document wrote before (`outcome_known_arms.KnownArms`) that ends right
    before the bracket at `end`, or before an arm noun there: "the rates of pCR in CTZ group
    (14.8%) was doubled to CT group (7.7%)", "between the Calendula (53%) and Sorbolene (62%)
    groups"."""
    spans = sm.known_spans()
    if not spans:
        return None
    noun = _NOUN_BEFORE.search(text, max(0, end - 12), end)
    stops = {end}
    if noun is not None and noun.group(1).lower() in sm.lex.arm_nouns:
        stops.add(noun.start())
    span = next((span for span in spans if span[1] in stops), None)
    if span is None:
        return None
    before = _JOINED_BEFORE.search(text, max(0, span[0] - 30), span[0])
    lex = sm.lex
    words = text[max(0, span[0] - 30) : span[0]].lower().split()[-3:]
    if any(w in lex.negation_words for w in words):
        return None  # "compared with those not treated with clonidine (17.5% versus 3.4%)"
    if before is not None and before["word"].lower() in (
        lex.connectors - lex.comparison - lex.respectively
    ):
        return None  # "the same in the 20-mg and 50-mg arms (10.3%)": both arms' figure
    return span


# a list's joiner right before a name, after a word (not after a bracket: "T (47%) and TL")
_JOINED_BEFORE = re.compile(r"[\w-]\s*(?P<word>,|[A-Za-z]+)\s+$")


_CLOSES_BRACKET = re.compile(r"[)\]]")


def _shares_bracket(f: Figure, figures: list[Figure], k: int, text: str) -> bool:
    """Does the next figure start before the bracket figure k is in closes?"""
    if k + 1 == len(figures):
        return False
    # (searched up to the next figure only: linear in the sentence)
    return _CLOSES_BRACKET.search(text, f.end, figures[k + 1].start) is None


def arm_text(f: Figure, text: str) -> str | None:
    """The figure's arm as written, with the head it shares with another arm ("low-dose" and
    "aspirin": "low-dose aspirin")."""
    if f.arm is None:
        return None
    arm = text[f.arm[0] : f.arm[1]].strip()
    if f.arm_head is not None:
        # ("low-" of "the low- and high-dose groups" completed without a space: "low-dose")
        arm += ("" if arm.endswith("-") else " ") + text[f.arm_head[0] : f.arm_head[1]].strip()
    return arm


def arm_mentions(f: Figure, ctx: DocContext, base: int) -> list[Mention]:
    """The mentions in the figure's arm text and its shared head."""
    spans = [f.arm, f.arm_head] if f.arm is not None else []
    return [m for span in spans if span is not None
            for m in ctx.in_range(base + span[0], base + span[1] + 1)]  # fmt: skip


def arm_name_key(lex: Lexicon, arm: str) -> str:
    """The words of an arm's name that name it across the document: lower case, without arm
    nouns and determiners ("group A", "arm A" and "A": "a"; "the letrozole arm": "letrozole")."""
    return " ".join(w for w in arm.lower().split()
                    if w not in lex.arm_nouns and w not in lex.determiners)  # fmt: skip


def _arm_keys(f: Figure, text: str, ctx: DocContext, sm: SentenceMentions) -> tuple[str, ...]:
    """What names the figure's arm across the document: its text without arm nouns and
    determiners, lower case ("group A", "arm A" and "A": "a"; "the letrozole arm": "letrozole"),
    then the drug concept the arm is made of when it is one drug, not negated ("no vitamin B6"
    shares its drug with the other arm) and joined to no other treatment."""
    arm = arm_text(f, text)
    if arm is None or f.arm is None:
        return ()
    lex = sm.lex
    name = arm_name_key(lex, arm)
    keys = [name] if name else []
    if name.endswith("s") and lex.control_word_re.fullmatch(name[:-1]):
        keys.append(name[:-1])  # ("73% of controls": the control arm, "655 control women")
    drugs = arm_drugs(f, ctx, sm)
    if (
        len(drugs) == 1
        and partner_end(sm, text, drugs[0].end - sm.base) is None
        and lex.control_word_re.search(arm) is None
        and not lex.joined_before_re.search(text, f.arm[0], drugs[0].start - sm.base)
    ):
        # (not "tamoxifen plus radiotherapy", "radiotherapy plus tamoxifen" nor "placebo plus
        # tamoxifen": the arm of tamoxifen alone is another)
        keys.append(drugs[0].key)
    return tuple(dict.fromkeys(keys))


def arm_drugs(f: Figure, ctx: DocContext, sm: SentenceMentions) -> list[Mention]:
    """The drugs the figure's arm is made of (none for an arm without them: "no vitamin B6")."""
    if f.arm is None:
        return []
    words = sm.text[f.arm[0] : f.arm[1]].lower().split()
    if any(w in sm.lex.negation_words for w in words):
        return []
    return [m for m in arm_mentions(f, ctx, sm.base) if m.label == DRUG]


def combined_drugs(sm: SentenceMentions, text: str, drug: Mention) -> tuple[int, int]:
    """Sentence offsets of the arm `drug` is given in: with the drugs joined to it
    ("methotrexate plus prednisone", `Lexicon.combination_re`), and a monotherapy word right
    after it ("prednisone alone")."""
    drugs, base, joined = sm.drugs, sm.base, sm.lex.combination_re
    # (by its start: `list.index` read the list for each figure)
    first = last = bisect.bisect_left(sm.drug_starts, drug.start)
    while first > 0 and joined.fullmatch(text, drugs[first - 1].end - base,
                                         drugs[first].start - base):  # fmt: skip
        first -= 1
    while last + 1 < len(drugs) and joined.fullmatch(text, drugs[last].end - base,
                                                     drugs[last + 1].start - base):  # fmt: skip
        last += 1
    end = drugs[last].end - base
    alone = sm.lex.monotherapy_re.match(text, end) if first == last else None
    partner = partner_end(sm, text, end)
    return drugs[first].start - base, alone.end() if alone else partner or end


# How many words a treatment joined to an arm's drugs may have ("patient support program").
PARTNER_WORDS = 3


def partner_end(sm: SentenceMentions, text: str, end: int) -> int | None:
    """ "tamoxifen plus radiotherapy": the end of a treatment that is no drug mention joined to
    the drugs ending at `end` (the arm is not the drugs' alone, nor of their size); None if no
    such treatment follows. Its words stop at an arm noun, a connector, a preposition, a
    determiner or a subject noun ("plus radiotherapy and 5.9% with ...", "plus surgery group")."""
    m = sm.lex.partner_re.match(text, end)
    if m is None or any(d.start - sm.base == m.end() for d in sm.drugs):
        return None
    stop = None
    for k, w in enumerate(_PARTNER_WORD.finditer(text, m.end())):
        if k == PARTNER_WORDS or w.start() != (m.end() if stop is None else stop + 1):
            break  # words one space apart
        if w.group().lower() in sm.lex.partner_stops:
            break  # a word that ends the arm's name
        stop = w.end()
    return stop


_PARTNER_WORD = re.compile(r"[A-Za-z][\w-]*")


def note_arms(figures: list[Figure], parser: SentenceParser, ctx: DocContext,
              sm: SentenceMentions, compared: Comparisons | None = None) -> None:  # fmt: skip
    """Tie each figure of a sentence to its arm before any of them is resolved (an arm's size
    "letrozole (n = 453)", `size_arm`; the drug right after it, "28% with docetaxel") and note
    the arms named (`Figure.arm_keys`, `DocContext.note_arms`): a figure's denominator depends
    on the arms the sentence and the document name. In turn: each figure's own forms
    (`_own_arms`), the arms figures share with their neighbours (`outcome_shared_arms`), the
    arms their clauses name (`_clause_arms`), then the keys noted (`_note_keys`)."""
    text = parser.text
    # the sentence's arm names, read once and only when a rule asks
    names = _Names(lambda: arm_names(sm.lex, text, sm)[0])
    evidence = ArmEvidence(ctx, sm, [f.arm for f in figures if f.arm is not None])
    _own_arms(figures, parser, ctx, sm, evidence)
    shared_arms(figures, parser, ctx, sm, compared, names)
    _clause_arms(figures, parser, evidence, sm, names)
    _note_keys(figures, parser, ctx, sm, compared, names)


def _own_arms(figures: list[Figure], parser: SentenceParser, ctx: DocContext,
              sm: SentenceMentions, evidence: ArmEvidence) -> None:  # fmt: skip
    """Each figure's arm from its own forms, figure by figure: its bracket's label, an arm's
    size ("letrozole (n = 453)", an allocation list's member), the drug or arm named right after
    it ("28% with docetaxel", "31% of letrozole patients"), the arm before its bracket
    ("placebo (6.1%)"); drops an arm with no evidence. Reads the sentence's text and mentions;
    writes `Figure.arm`, `each_arm`, `arm_pooled`."""
    text = parser.text
    # "(n = 40 calendula; n = 41 sorbolene)", "(arm A, 46%; arm B, 62%)", "18% A vs 25% B"
    labelled = label_arms(figures, sm, ctx)
    allocation: AllocationList | None = None  # (read when a size asks)
    for k, f in enumerate(figures):
        if f.arm is not None and f.arm_head is None and not evidence.shown(
            *f.arm, sized=f.measure == "enrollment" and f.n_form
        ):
            f.arm = None  # "In the intention-to-treat cohort, 40% ...": no arm
        if f.arm is None and f.start in labelled:
            f.arm = labelled[f.start]  # (its bracket's label: before any rule reads around it)
        if _each_arms_size(f, parser, sm):
            f.each_arm = f.arm_pooled = True  # "(n = 32 for each)": every arm's size
            f.arm = None
        if f.arm is None and f.measure == "enrollment" and not f.each_arm and (
            f.n_form or (_subjects_counted(f) and ctx.compares_arms(sm.lex))
        ):
            # "letrozole (n = 453)", "Group A (SLNB alone, 55 women)": the arm's size (a count
            # of subjects only in a study that compares arms: "warfarin (11 patients)" in a
            # case series is who received it)
            f.arm = size_arm(f, text, sm) or size_label_after(f, sm, ctx)
            if f.arm is None:
                if allocation is None:
                    allocation = AllocationList(
                        figures, text, sm, lambda d: combined_drugs(sm, text, d)
                    )
                f.arm = allocation.arm(f)  # "either ABI-007 260 mg/m(2) ... (n = 229) or ..."
            if f.arm is not None and not evidence.label_shown(*f.arm):
                f.arm = None  # "(responder group, n = 12)": no arm
        if f.arm is None and not f.arm_pooled:
            drug = following_drug(sm, text, f)
            if drug is not None and allocated_with_others(sm, text, f, drug, figures):
                drug = None  # "4,560 women randomly assigned to exemestane or placebo": the cohort
            if drug is not None:
                f.arm = combined_drugs(sm, text, drug)
            elif may_take_arm(f):
                # "31% of letrozole patients", "66% for FV": an arm that is no drug mention
                f.arm = (subjects_arm(sm, text, f, ctx) or following_name(sm, text, f, ctx)
                         or allocated_count_arm(f, figures, sm, text, k)  # "61 allocated to FV"
                         or counted_subjects_arm(sm, text, f, ctx))  # "15 control subjects"
                group = None if f.arm is not None else of_group_arm(sm, text, f)
                if group is not None and evidence.shown(*group):
                    f.arm = group  # "73.9% of the usual-care group"
        if (f.arm is None and not f.arm_pooled and f.measure != "enrollment" and not f.relative
                and f.ratio is None
                and not (f.compared and _shares_bracket(f, figures, k, text))):  # fmt: skip
            # (not a subject count: an arm's size is `size_arm`'s; nor a difference or a ratio
            # between arms: "patients treated with placebo (4.57% difference, ...)"; nor a
            # figure compared with another in its bracket: "desipramine with cinacalcet (33
            # versus 86%)"; also in a study that does not say it compares arms: the arms are
            # seen as the figures are read, and "after iopentol (0%) and iohexol (3%) than after
            # metrizoate (22%)" compares three)
            f.arm = bracket_arm(sm, text, f, first=k == 0) or bracket_after_arm(sm, text, f)
        if f.arm is not None:
            f.arm = _with_drugs(sm, text, f.arm)


def _clause_arms(figures: list[Figure], parser: SentenceParser, evidence: ArmEvidence,
                 sm: SentenceMentions, names: _Names) -> None:  # fmt: skip
    """The arms the figures' clauses name (`outcome_clause_arms`: "In the control arm, ... was
    16.7%", a clause's arm shared by all its figures, a trailing list's, an opening clause's),
    for figures still without one. Writes `Figure.arm`."""
    text = parser.text
    # (once every figure's own forms are read: the clause's other figures' arms are known;
    # each clause's figures and words read once a clause, its figures' arms once a pass)
    clauses = Clauses(figures, text, sm.lex)
    for f in figures:
        if f.arm is None and may_take_arm(f):
            f.arm = clause_arm(f, figures, parser, evidence, sm, clauses)
    shared = [(shared_clause_arm(f, figures, parser, evidence, sm, clauses)
               or trailing_list_arm(f, figures, parser, evidence, sm, clauses))
              if f.arm is None and may_take_arm(f) else None for f in figures]  # fmt: skip
    for f, span in zip(figures, shared, strict=True):
        if span is not None:
            f.arm = span
    if any(f.arm is None and may_take_arm(f) for f in figures):
        frames: dict[tuple[int, int], tuple[int, int] | None] = {}
        clauses = Clauses(figures, text, sm.lex)  # (the arms the lists above set)
        opened = [opening_clause_arm(f, figures, parser, evidence, sm, names, frames, clauses)
                  if f.arm is None and may_take_arm(f) else None for f in figures]  # fmt: skip
        for f, span in zip(figures, opened, strict=True):
            if span is not None:
                f.arm = span
    if any(f.arm is None and may_take_arm(f) for f in figures):
        # "the incidence in the placebo group was 15%, and in the A group 5%": named in turn
        turns = alternating_arms(figures, text, sm.lex, evidence)
        for f, span in zip(figures, turns, strict=True):
            if span is not None:
                f.arm = span
    if any(f.arm is None and may_take_arm(f) for f in figures):
        # "14 events with tamoxifen and 28 with placebo": one link for two parallel figures
        gapped = gapped_arms(figures, text, sm.lex, evidence)
        for f, span in zip(figures, gapped, strict=True):
            if span is not None:
                f.arm = span
    if sum(f.measure == "enrollment" and f.n_form for f in figures) > 1:
        # "to PSTP (n = 21) or EDU (n = 20)": the name before the other size's bracket
        sized = sized_pair_arms(figures, text, sm.lex, evidence,
                                lambda lo, hi: _drug_before(sm, text, lo, hi))  # fmt: skip
        for f, span in zip(figures, sized, strict=True):
            if span is not None:
                f.arm = span


def _drug_before(sm: SentenceMentions, text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The arm of the last drug mention that ends in text[lo:hi] (with the drugs joined to
    it), or None."""
    k = bisect.bisect_left(sm.drug_starts, sm.base + hi) - 1
    if k < 0 or sm.drugs[k].start < sm.base + lo or sm.drugs[k].end > sm.base + hi:
        return None
    return combined_drugs(sm, text, sm.drugs[k])


def _note_keys(figures: list[Figure], parser: SentenceParser, ctx: DocContext,
               sm: SentenceMentions, compared: Comparisons | None,
               names: _Names) -> None:  # fmt: skip
    """Note the arms the figures name across the document: each figure's `arm_keys`, its arm's
    name (`DocContext.note_arm_name`, `known_arms`), `one_arm` of arm sizes, the keys a
    respectively list or a pair carries from the arms named before, and `DocContext.note_arms`."""
    text = parser.text
    for f in figures:
        f.arm_keys = _arm_keys(f, text, ctx, sm)
        arm = arm_text(f, text)
        if arm is not None:
            ctx.note_arm_name(arm, f.arm_keys, sm.lex)
            ctx.known_arms.note(sm.lex, arm)
    sizes = [f for f in figures if f.measure == "enrollment" and f.n_form and not f.each_arm]
    if len(sizes) > 1 and ctx.compares_arms(sm.lex):
        for f in sizes:
            f.one_arm = True  # "(n=188) or no HRT (n=190)": each an arm's, none the cohort
    if compared is not None and compared.runs and len(ctx.arms_seen) > 1:
        # "The 10-year DFS rates were 64 and 71%, respectively": the arms of the sentence before,
        # else the document's, in the order it named them
        for run, resp in compared.runs:
            for previous in (ctx.sentence_arms, ctx.arms_seen):
                carried_list_keys(sm.lex, run, parser.toks[resp].start, text, previous, names)
    if (compared is not None and compared.pairs and len(ctx.arms_seen) == 2
            and not _names_a_seen_arm(parser.low, ctx.arms_seen)):  # fmt: skip
        # "The wound complication rate was 44% versus 45%": a pair in a sentence that names
        # no arm, in a document of two arms, gives them in the order the document named them
        for pair in compared.pairs:
            for previous in (ctx.sentence_arms, ctx.arms_seen):
                carried_list_keys(sm.lex, pair, pair[1].start, text, previous, names, pair=True)
    if compared is not None and compared.pairs and len(ctx.arms_seen) == 2:
        # "Toxicity was more common in the X arm (22.4% v 12.3%)": the named arm's first
        named_pair_keys(sm.lex, compared.pairs, text, parser.low, ctx.arms_seen)
    ctx.note_arms([f.arm_keys for f in figures])


def _names_a_seen_arm(low: str, arms_seen: list[tuple[str, ...]]) -> bool:
    """Does the (lower-case) sentence name one of the arms seen by a key's words ("Intervention
    patients had greater knowledge (24% vs. 16%)")?"""
    return any(re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", low)
               for keys in arms_seen for key in keys if ":" not in key)  # fmt: skip


class _Names:
    """The sentence's arm names (`outcome_arm_names.arm_names`), read once when first asked."""

    def __init__(self, read: Callable[[], list[tuple[int, int]]]) -> None:
        self._read = read
        self._names: list[tuple[int, int]] | None = None

    def __call__(self) -> list[tuple[int, int]]:
        if self._names is None:
            self._names = self._read()
        return self._names


#: Characters before an arm's drugs where a control arm joined to them may start.
CONTROL_REACH = 40


def _with_drugs(sm: SentenceMentions, text: str, arm: tuple[int, int]) -> tuple[int, int]:
    """ "12% of patients receiving placebo plus capecitabine", "placebo plus letrozole (n =
    100)": a control arm given with drugs (a tight joiner, `Lexicon.partner_re`, between them)
    is named by them all, whichever of them the figure's arm was found as."""
    if text[arm[0] : arm[1]].lower() not in sm.lex.control_arms:
        # ... also when the arm is the drugs and the control arm comes before them
        before = sm.lex.control_joined_re.search(text, max(0, arm[0] - CONTROL_REACH), arm[0])
        return (before.start(), arm[1]) if before is not None else arm
    m = sm.lex.partner_re.match(text, arm[1])
    if m is None:
        return arm
    k = bisect.bisect_left(sm.drug_starts, m.end() + sm.base)
    if k == len(sm.drugs) or sm.drugs[k].start - sm.base != m.end():
        return arm
    return arm[0], combined_drugs(sm, text, sm.drugs[k])[1]


def _each_arms_size(f: Figure, parser: SentenceParser, sm: SentenceMentions) -> bool:
    """ "(n = 32 for each)", "87 patients in each group": an enrollment count that is every
    arm's size (not the end of a range: "(9 to 10 animals per group)")."""
    if f.measure != "enrollment" or f.count is None:
        return False
    if parser.lower(f.ts - 1) in ("to", "-", "–") and f.ts >= 2 and parser.toks[f.ts - 2].num:
        return False
    return sm.lex.each_arm_re.match(parser.text, f.end) is not None


def _subjects_counted(f: Figure) -> bool:
    """ "55 women": a count of subjects, no share of them (what may give an arm's size written
    in its bracket as "(n = 55)" does)."""
    return f.count is not None and f.has_pop and f.pct is None and f.den is None


def _names_an_arm(m: re.Match[str], sm: SentenceMentions) -> bool:
    """Is the bracket label before "n = N" an arm? Only with evidence: an arm noun ("group A"),
    a control arm ("placebo"), a drug, or a regimen's abbreviation ("ddAT", "AC-DOC"); not a
    subgroup ("women", "stage III", "Europe", "ER-positive", "per-protocol") nor a measurement
    ("mean age 55", "mean ± SD")."""
    lex = sm.lex
    label = m["arm"]
    words = label.lower().split()
    if words[0] in lex.size_label_stops or "±" in words or "+/-" in words:
        return False
    if any(w in lex.arm_nouns or w in lex.control_arms for w in words):
        return True
    s, e = sm.base + m.start("arm"), sm.base + m.end("arm")
    if any(d.start < e and s < d.end for d in sm.drugs):
        return True
    if m.span("arm") in sm.known_spans():
        return True  # ("(biosimilar, N = 101)": a name the document gave an arm before)
    return lex.regimen_label_re.fullmatch(label) is not None


def size_arm(f: Figure, text: str, sm: SentenceMentions) -> tuple[int, int] | None:
    """The arm whose size an "(n = N)" or "(55 women)" enrollment figure gives, as sentence
    offsets: its label inside the bracket ("(ddAT, n = 191)", "(group A; n = 30)"), a drug named
    right before the bracket, past its dose ("letrozole 2.5 mg daily (n = 453)"), an arm noun
    and its label ("group A (n = 55)", also before a bracket that describes the arm: "Group A
    (SLNB alone, 55 women)") or a control arm ("placebo (n = 125)"); None if none is named
    there."""
    lex = sm.lex
    lo = max(0, f.start - 60)
    m = lex.size_label_re.search(text, lo, f.start)
    if m:
        if _names_an_arm(m, sm):
            return m.start("arm"), m.end("arm")
        # "Group A (SLNB alone, 55 women)": a bracket that describes the arm its noun and label
        # name before it
        m = lex.size_noun_label_re.search(text, max(0, m.start() - 30), m.start() + 1)
        return (m.start("arm"), m.end("arm")) if m else None
    k = bisect.bisect_left(sm.drug_starts, sm.base + f.start) - 1
    if k >= 0:
        s, e = combined_drugs(sm, text, sm.drugs[k])
        # past the drug's dose, or past the treatment joined to it ("tamoxifen plus
        # radiotherapy (n = 386)")
        if any(
            0 <= f.start - x <= 40 and lex.dose_between_re.fullmatch(text, x, f.start)
            for x in (sm.drugs[k].end - sm.base, e)
        ):
            if not f.n_form and lex.joined_before_re.search(text, max(0, s - 30), s):
                return None  # "irradiation plus tamoxifen (386 women)": more than the drugs
            # "no pyridoxine (n = 68)": the arm without the drug (but "nonusers of aspirin
            # (n = 6883)" are subjects named by their use of it, no arm)
            words = text[max(0, s - 24) : s].split()
            if words and words[-1].lower() == "of" and (
                len(words) < 2 or words[-2].lower() not in lex.amount_nouns
            ):
                return None  # (but "21-day cycles of ruxolitinib (n = 76)" is an arm)
            if words and words[-1].lower() in lex.negation_words:
                s = text.rindex(words[-1], 0, s)
            return s, e
    m = lex.size_noun_label_re.search(text, lo, f.start) or lex.size_control_re.search(
        text, lo, f.start
    )
    if m:
        return m.start("arm"), m.end("arm")
    opener = _OPENS_BRACKET.search(text, max(0, f.start - 4), f.start) if f.n_form else None
    known = _known_before(sm, text, opener.start()) if opener is not None else None
    # ("between TOR120 (N = 46) and EXE (n = 45)": names the document gave the arms before)
    return known or listed_size_arm(f, text, lex)
