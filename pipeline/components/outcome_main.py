"""The document's main drug and disease (`DocContext.main`): what a figure whose sentence names
none is about, as a reader would take it.

The main drug is the study's own subject, found as a reader finds it, in this order:

1. the title's drug: the subject (`_subject`) of the document's first sentence (a title, or a
   lay article's opening): "Levofloxacin for prophylaxis in breast cancer surgery compared
   with ofloxacin" is a trial of levofloxacin, though the abstract names ofloxacin more often;
2. else the subject of the first allocation that names one (`Lexicon.allocation_stretch_re`):
   "were randomly assigned to receive letrozole or tamoxifen": letrozole, the arm named first;
3. else the most frequent drug, a mention in the sentence of the document's first mention
   counting three times; a tie goes to the drug named first.

The subject of a title or an allocation is its first drug, but not a comparator (named after
the stretch's first `comparison_connectors` or `comparator_openers` entry: "compared with
ofloxacin", "versus tamoxifen", "than placebo"), a drug of both arms (named as a comparator too:
the doxorubicin of "doxorubicin and docetaxel versus doxorubicin and cyclophosphamide"), a
control arm ("placebo") nor a word naming a class of drugs (a `drug_class_nouns` entry at most
three words on: "the calcium channel blocker nitrendipine", "the amsacrine analogue CI-921");
and a drug that brought a disease about only if no other is left: the subject of "Prevention of
anastrozole-induced bone loss with ibandronate" is ibandronate, of "Lamotrigine-induced
Stevens-Johnson syndrome" lamotrigine. A first sentence that is no line of its own may be no
title (the first sentence of an excerpt, or of a text cut from several abstracts): its drug
counts only if the text names it again.

The subject found in a title or an allocation is given as the arm it is part of there
(`_combination`): "Lapatinib plus capecitabine", "Letrozole and palbociclib versus chemotherapy"
name a combination, and a figure of that study arm is the combination's, as a row whose arm
names it carries its text. "X with or without Y" stays X: the title writes no one arm.

Which figure of a compared pair takes the main drug (`study_arm_first`): the study arm's, the
first as abstracts name their own arm first, unless the allocation named a control arm first.

Only non-negated mentions are candidates. The main disease is chosen by frequency alone (step
3): a title names the condition studied and the condition a drug brought about alike
("Heparin-induced thrombocytopenia after liver transplantation"), and the figures that take the
main disease choose among those by their measure (`outcome_diseases`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.components.outcome_tokens import Mention
from pipeline.labels import DRUG

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

# a word of a title or an allocation (with the dots of "vs.", "i.v."); `outcome_resolve` reads
# the words before a drug with it too
WORD = re.compile(r"[\w.]+")
# what may stand between a combination and the word that makes it one arm of several: its
# abbreviation in brackets ("doxorubicin and cyclophosphamide (AC) or epirubicin ...")
_ABBREVIATION = re.compile(r"\s*(?:[(\[][^()\[\]]{0,20}[)\]])?\s*([\w.]+)")


def main_mention(label: str, mentions: list[Mention], text: str, title: tuple[int, ...],
                 first_sentence_end: int, stretches: Callable[[], list[tuple[int, int, int]]],
                 lex: Lexicon) -> Mention | None:  # fmt: skip
    """The document's main mention of `label` (module docstring) among `mentions` (all its
    DRUG/DISEASE mentions, in order); `title`: the first sentence's characters (start, end);
    `first_sentence_end`: where the sentence of the document's first mention ends;
    `stretches`: the document's allocation stretches, (start, list start, list end) each
    (`DocContext.allocation_stretches`)."""
    cands = [m for m in mentions if m.label == label and not m.negated]
    if not cands:
        return None
    if label == DRUG:
        start, end = title[0], title[1]
        inside = list(itertools.takewhile(lambda m: m.end <= end, cands))  # (in order)
        if inside and not _own_line(text[start:end]):
            named = Counter(m.key for m in cands)
            inside = [m for m in inside if named[m.key] > 1]
        subject = _subject(inside, text, start, lex)
        if subject is None:
            subject = _allocated_subject(cands, text, stretches(), lex)
        if subject is not None:
            return _combination(subject, cands, text, lex, stretches())
    return _most_frequent(cands, first_sentence_end)


def allocation_stretches(text: str, lex: Lexicon) -> list[tuple[int, int, int]]:
    """(start, list start, list end) of each stretch where the text allocates its subjects
    (`Lexicon.allocation_stretch_re`), as its `finditer` finds them: the regex is tried only
    where one of its opening words (`Lexicon.allocation_cues`) stands, found by `str.find` in
    the lower-cased text (the regex's own search costs ten times more on an abstract); over
    the whole text when lower case changes its length (positions would differ)."""
    low = text.lower()
    if len(low) != len(text):
        return [(m.start(), *m.span("list")) for m in lex.allocation_stretch_re.finditer(text)]
    starts = []
    for cue in lex.allocation_cues:
        at = low.find(cue)
        while at >= 0:
            starts.append(at)
            at = low.find(cue, at + 1)
    out: list[tuple[int, int, int]] = []
    end = 0
    for at in sorted(set(starts)):
        if at < end:
            continue  # (inside the stretch before, as finditer goes on after a match)
        m = lex.allocation_stretch_re.match(text, at)
        if m is not None:
            out.append((at, *m.span("list")))
            end = m.end()
    return out


def study_arm_first(main: Mention, mentions: list[Mention], text: str,
                    title: tuple[int, ...], stretches: list[tuple[int, int, int]],
                    lex: Lexicon) -> bool | None:  # fmt: skip
    """Which figure of a pair compared ("(41.3% vs. 26.7%)") whose sentence names no arm is the
    study arm's, the one that takes the main drug (`main`): the first (True), as abstracts
    name their own arm first; the second (False) when the first allocation stretch that names
    the main drug names a control arm before it, another arm's (an `alternative_joiners`
    word between: "randomized to receive either no systemic treatment (control, n = 161), or
    fluorouracil ..., epirubicin ...", not the "chemotherapy" of "undergoing chemotherapy
    (cyclophosphamide and ...)"); both (None) when the title compares schedules of the main
    drug, naming no other drug or control arm after its comparison word ("Therapeutic drug
    monitoring of tobramycin: once-daily versus twice-daily dosage schedules"). `mentions`:
    the document's, in order; `title`: the first sentence's characters (start, end)."""
    key = main.key
    start, end = title[0], title[1]
    if start <= main.start and main.end <= end:
        turn = next((w.end() for w in WORD.finditer(text, main.end, end)
                     if w.group().lower() in lex.pairwise_comparison), None)  # fmt: skip
        if turn is not None and lex.control_word_re.search(text, turn, end) is None and not any(
            m.label == DRUG and m.key != key and turn <= m.start and m.end <= end
            for m in mentions
        ):
            return None
    for _lo, lo, hi in stretches:
        at = next((m.start for m in mentions if lo <= m.start and m.end <= hi
                   and m.key == key), None)  # fmt: skip
        if at is None:
            continue
        control = lex.control_word_re.search(text, lo, at)
        return control is None or not any(
            w.group().lower() in lex.alternative_joiners
            for w in WORD.finditer(text, control.end(), at)
        )
    return True


def _own_line(sentence: str) -> bool:
    """Is the sentence (with the white space after it) a line of its own: a title by its
    layout ("Tetany ... due to surreptitious furosemide--importance of magnesium
    supplementation.\n")?"""
    words = sentence.rstrip()
    return "\n" in sentence[len(words) :] and "\n" not in words


def _most_frequent(cands: list[Mention], first_sentence_end: int) -> Mention:
    """The first mention of the most frequent key, a mention before `first_sentence_end`
    counting three times; a tie goes to the key named first."""
    counts: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    for m in cands:
        key = m.key
        counts[key] += 1 + (2 if m.start < first_sentence_end else 0)
        first.setdefault(key, m)
    key = max(counts, key=lambda k: (counts[k], -first[k].start))
    return first[key]


def _allocated_subject(cands: list[Mention], text: str, stretches: list[tuple[int, int, int]],
                       lex: Lexicon) -> Mention | None:  # fmt: skip
    """The subject (`_subject`) of the first allocation stretch that names one ("randomized to
    receive letrozole or tamoxifen": letrozole)."""
    for lo, start, end in stretches:
        inside = [c for c in cands if start <= c.start and c.end <= end]
        subject = _subject(inside, text, lo, lex)
        if subject is not None:
            return subject
    return None


def _combination(subject: Mention, cands: list[Mention], text: str, lex: Lexicon,
                 stretches: list[tuple[int, int, int]]) -> Mention:  # fmt: skip
    """The subject as the arm it is given in, when the title or allocation joins it to other
    drugs: "The cyclin-dependent kinase 4/6 inhibitor palbociclib in combination with letrozole
    versus letrozole alone", "Lapatinib plus capecitabine", "tegafur-uracil" (a `tight_joiners`
    entry or a hyphen between), and "Letrozole and palbociclib versus chemotherapy" ("and" only
    where an `alternative_joiners` or `pairwise_comparison` word follows the drugs, making them
    one arm: not "ketamine and lidocaine on hyperalgesia", two drugs compared, nor "Celecoxib
    and naproxen versus placebo" when an allocation names them apart: `_alternatives`). Its
    text is the arm's, as a row whose arm names the combination has it; its concept the
    subject's (the drug the comparator lacks: palbociclib, not the letrozole of both arms)."""
    at = next(k for k, m in enumerate(cands) if m is subject)

    def gap(k: int) -> str:  # (between cands[k] and cands[k + 1], lower case, stripped)
        return text[cands[k].end : cands[k + 1].start].strip().lower()

    def tight(k: int) -> bool:
        g = gap(k)
        return g in lex.tight_joiners or (g == "-" and cands[k].end + 1 == cands[k + 1].start)

    first, last = at, at
    while first > 0 and tight(first - 1):
        first -= 1
    while last + 1 < len(cands) and tight(last):
        last += 1
    lo, hi = first, last
    while lo > 0 and (tight(lo - 1) or gap(lo - 1) == "and"):
        lo -= 1
    while hi + 1 < len(cands) and (tight(hi) or gap(hi) == "and"):
        hi += 1
    if (lo, hi) != (first, last):
        after = _ABBREVIATION.match(text, cands[hi].end)
        word = after.group(1).lower() if after else ""
        if (word in lex.alternative_joiners or word in lex.pairwise_comparison) and not (
            _alternatives({m.key for m in cands[lo : hi + 1]}, cands, text, stretches, lex)
        ):
            first, last = lo, hi
    if first == last:
        return subject
    start, end = cands[first].start, cands[last].end
    return replace(subject, start=start, end=end, text=text[start:end])


def _alternatives(keys: set[str], cands: list[Mention], text: str,
                  stretches: list[tuple[int, int, int]], lex: Lexicon) -> bool:  # fmt: skip
    """Does an allocation stretch name two of these drugs (`keys`) as alternatives, a comma or an
    `alternative_joiners` word between them ("randomized to celecoxib, naproxen or placebo")?"""
    for _start, lo, hi in stretches:
        named = [m for m in cands if lo <= m.start and m.end <= hi and m.key in keys]
        for a, b in itertools.pairwise(named):
            gap = text[a.end : b.start].lower()
            if a.key != b.key and (
                "," in gap or any(w.group() in lex.alternative_joiners for w in WORD.finditer(gap))
            ):
                return True
    return False


def _subject(mentions: list[Mention], text: str, lo: int, lex: Lexicon) -> Mention | None:
    """The subject drug (module docstring) among `mentions`, the drugs of a stretch of text
    from `lo`, in order."""
    if not mentions:
        return None
    comparison = lex.comparison_words
    words = WORD.finditer(text, lo, mentions[-1].start)
    turn = next((w.start() for w in words if w.group().lower() in comparison), len(text))
    compared = {m.key for m in mentions if m.start >= turn}
    own = [
        m for m in mentions
        if m.start < turn and m.key not in compared and m.text.lower() not in lex.control_arms
        and not lex.drug_class_after_re.match(text, m.end)
    ]  # fmt: skip
    causes = [m for m in own if lex.inducer_after_re.match(text, m.end)]
    return next((m for m in own if m not in causes), causes[0] if causes else None)
