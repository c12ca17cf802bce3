"""The arm names of a sentence of `biotab_outcomes`, in order: what the series, frames and pairs
of `outcome_respectively` and `outcome_pair_series` read as arms.

An arm name is a drug mention, with the drugs and the monotherapy word joined to it
("methotrexate plus prednisone", "prednisone alone": a `tight_joiners` entry joins them); a
`control_arms` entry ("placebo", "usual care"); a label an arm noun gives ("groups R4 and R6",
"group A", "the R2 group"); the words before a plural arm noun when one of them is a treatment
("the intervention and control groups", "the DEE and DE groups": a regimen's abbreviation is
one); or "the" and words before a singular arm noun ("the every-3-week treatment arm"), and the
names listed right after such a name, each before its own arm noun ("the PEG-rhG-CSF 100 μg/kg
group, PEG-rhG-CSF 6 mg group, and G-CSF 5 μg/kg group"). Reads the sentence's text and DRUG
mentions.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_evidence import the_arm_names
from pipeline.components.outcome_doses import dose_spans, outside_doses
from pipeline.components.outcome_lexicon_attach import ARM_LABEL, alt

if TYPE_CHECKING:
    from pipeline.components.outcome_context import SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]


def _drug_names(lex: Lexicon, text: str, sm: SentenceMentions) -> list[Span]:
    """The drug mentions as arm names: drugs joined by a joiner that lists no arms ("plus",
    `Lexicon.tight_joiners`) are one name, and a monotherapy word right after one drug is part
    of it."""
    names: list[Span] = []
    for m in sm.drugs:
        s, e = m.start - sm.base, m.end - sm.base
        if names and lex.tight_joiner_re.fullmatch(text[names[-1][1] : s].strip()):
            names[-1] = (names[-1][0], e)
        elif names and s < names[-1][1]:
            continue
        else:
            names.append((s, e))
    out = []
    for s, e in names:
        alone = lex.monotherapy_re.match(text, e)
        out.append((s, alone.end() if alone else e))
    return out


def _label_names(lex: Lexicon, text: str) -> list[Span]:
    spans: list[Span] = []
    for m in lex.label_after_plural_re.finditer(text):
        lo = m.start("list")
        spans.extend((lo + x.start(), lo + x.end()) for x in re.finditer(ARM_LABEL, m["list"]))
    spans.extend((m.start(), m.end()) for m in lex.label_after_singular_re.finditer(text))
    spans.extend((m.start(), m.end()) for m in lex.label_before_re.finditer(text))
    return spans


def any_between(starts: list[int], lo: int, hi: int) -> bool:
    """Does any of the sorted `starts` fall in [lo, hi)?"""
    return bisect.bisect_left(starts, lo) < bisect.bisect_left(starts, hi)


_NOUN_WORD = re.compile(r"[A-Za-z0-9][\w-]*|,")


def _noun_names(lex: Lexicon, text: str, drug_starts: list[int]) -> list[Span]:
    """The words that name arms before an arm noun (`Lexicon.noun_series_re`: "the
    intervention and control groups", "in SC versus control arm"), when one of them is a
    treatment: a drug (at
    `drug_starts`), a control arm, a treatment word (`treatment_nouns`, `induction_agents`), or
    no treatment ("no prophylaxis", "no-deodorant"). Not groups of who was studied ("the male
    and female groups", "the younger and older groups"), nor when one word is a preposition, a
    subject noun or a number word, nor a word cut before a hyphen ("low- and high-risk")."""
    spans: list[Span] = []
    for m in lex.noun_series_re.finditer(text):
        lo = m.start("list")
        words = [(lo + w.start(), lo + w.end(), w.group().lower())
                 for w in _NOUN_WORD.finditer(m["list"])]  # fmt: skip
        if any(w in lex.prepositions or w in lex.pop or w in lex.number_words or w.endswith("-")
               or w in lex.arm_nouns for _, _, w in words):  # fmt: skip
            continue  # (an arm noun among the words: "the A arm versus the B arm" is two names)
        if not (
            any_between(drug_starts, m.start("list"), m.end("list"))
            or any(_regimen_label(lex, w.group()) for w in _NOUN_WORD.finditer(m["list"]))
            or lex.control_word_re.search(m["list"])
            or any(w in lex.arm_treatment_words or w == "no" or w.startswith("no-")
                   for _, _, w in words)
        ):  # fmt: skip
            continue
        names: list[Span] = []
        joined = True  # (the words between two joiners are one name: "central access")
        for a, b, w in words:
            if w in lex.series_joiners or w in lex.determiners:
                joined = True
            elif joined or not names:
                names.append((a, b))
                joined = False
            else:
                names[-1] = (names[-1][0], b)
        spans.extend(names)
    return spans


def arm_names(lex: Lexicon, text: str, sm: SentenceMentions) -> tuple[list[Span], set[Span]]:
    """The sentence's arm names (drugs, control arms, labels, words before a plural arm noun),
    in order, none overlapping another (the earlier, then the longer, is kept); and those that
    name an arm by their own words (not only a drug)."""
    own = _label_names(lex, text) + _noun_names(lex, text, [m.start - sm.base for m in sm.drugs])
    own += [(m.start(), m.end()) for m in lex.control_word_re.finditer(text)]
    the = the_arm_names(lex, text)  # "the every-3-week treatment arm versus the weekly arm"
    own += the + _listed_after(lex, text, the)
    own += sm.known_spans()  # ("with the use of calendula than with trolamine")
    own += _role_subject_names(lex, text)  # ("Intervention patients had ... (24% vs 16%)")
    drugs = _drug_names(lex, text, sm)
    own = outside_doses(own, dose_spans(lex, text, [e for _, e in drugs]))  # ("140 mg")
    out: list[Span] = []
    for s, e in sorted(drugs + own, key=lambda x: (x[0], -x[1])):
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out, set(own)


def _role_subject_names(lex: Lexicon, text: str) -> list[Span]:
    """The `arm_role_subjects` entries a population noun follows ("intervention patients",
    "experimental participants"): arms named by their role, as the words of the name."""
    low = text.lower()
    if not any(w in low for w in lex.arm_role_subjects):
        return []  # (most sentences)
    pattern = _role_subject_re(lex.arm_role_subjects, lex.pop)
    return [m.span("arm") for m in pattern.finditer(text)]


@functools.cache
def _role_subject_re(roles: frozenset[str], pop: frozenset[str]) -> re.Pattern[str]:
    """A role word, then a population noun (`_role_subject_names`; the lexicon's sets are the
    key: built once a lexicon)."""
    return re.compile(rf"(?<![\w-])(?P<arm>{alt(roles)})\s+(?:{alt(pop)})\b", re.IGNORECASE)


def _regimen_label(lex: Lexicon, word: str) -> bool:
    """Is the word a regimen's abbreviation ("DEE", "AC-DOC"), no receptor's ("ER+")?"""
    return (lex.regimen_label_re.fullmatch(word) is not None
            and word.lower().rstrip("+-") not in lex.receptor_words)  # fmt: skip


def _listed_after(lex: Lexicon, text: str, the: list[Span]) -> list[Span]:
    """The names listed right after a "the X group" name, each before the same arm noun, past a
    comma or a series joiner ("the PEG-rhG-CSF 100 μg/kg group, PEG-rhG-CSF 6 mg group, and
    G-CSF 5 μg/kg group"): one to four words, no preposition, determiner, subject noun, series
    joiner or `non_arm_group_words` entry among them."""
    out: list[Span] = []
    stops = lex.prepositions | lex.determiners | lex.pop | lex.series_joiners
    for _, e in the:
        noun = lex.series_noun_re.match(text, e)
        if noun is None:
            continue
        listed = _listed_re(noun.group().strip().lower())
        at = noun.end()
        while (m := listed.match(text, at)) is not None:
            words = m["arm"].lower().split()
            if any(w in stops or w in lex.non_arm_group_words for w in words):
                break
            out.append(m.span("arm"))
            at = m.end()
    return out


@functools.cache
def _listed_re(noun: str) -> re.Pattern[str]:
    """A name listed after another before the arm noun `noun`: a comma or a joiner ("and",
    "or", "versus"), or both, then one to four words and the noun."""
    return re.compile(
        r"\s*(?:,\s*(?:(?:and|or|versus|vs\.?)\s+)?|(?:and|or|versus|vs\.?)\s+)"
        rf"(?P<arm>[^\s,;()]+(?:\s+[^\s,;()]+){{0,3}}?)\s+{re.escape(noun)}\b",
        re.IGNORECASE,
    )


_WORD_AFTER = re.compile(r"\s+([A-Za-z]+)")
_FRAME_END = re.compile(r"\s*[:,]")


_FRAME_HEAD = re.compile(r"([^:,;]{1,60}?)[:,]")


def may_open_frame(lex: Lexicon, text: str, lo: int, drug_starts: list[int]) -> bool:
    """A cheap test before `opening_name` (which needs the sentence's arm names): within its
    first 60 characters the clause text[lo:] reaches a colon or comma, and right after its
    opener stands a drug mention (at sentence-relative `drug_starts`) or a control arm, or an
    arm noun comes before the mark."""
    head = _FRAME_HEAD.match(text, lo)
    if head is None:
        return False
    at = lex.frame_opener_re.match(text, lo)
    start = at.end() if at is not None else lo
    k = bisect.bisect_left(drug_starts, start)
    if k < len(drug_starts) and drug_starts[k] == start:
        return True
    if lex.control_word_re.match(text, start):
        return True
    return any(w in lex.arm_nouns for w in head.group(1).lower().split())


def opening_name(lex: Lexicon, text: str, lo: int, hi: int, names: list[Span]) -> Span | None:
    """The arm name that opens the clause text[lo:hi] as its frame ("Arm A: CR 10 (20%), PR 15
    (30%)", "In arm A, ...", "Docetaxel group: ...", "Placebo: 12 (10%) had nausea"): one of
    `names` (the sentence's, `arm_names`, in order) right after an optional `clause_arm_links`
    entry and "the" (`Lexicon.frame_opener_re`), then an optional arm noun and a colon or
    comma; None if the clause names another arm."""
    at = lex.frame_opener_re.match(text, lo)
    start = at.end() if at is not None else lo
    k = bisect.bisect_left(names, (start, -1))
    if k == len(names) or names[k][0] != start or names[k][1] > hi:
        return None
    end = names[k][1]
    noun = _WORD_AFTER.match(text, end)
    if noun is not None and noun.group(1).lower() in lex.arm_nouns:
        end = noun.end()
    if _FRAME_END.match(text, end) is None:
        return None
    own = text[names[k][0] : names[k][1]].lower()
    if any(lo <= s < hi and text[s:e].lower() != own for s, e in names if (s, e) != names[k]):
        return None  # ("Arm A: 40% vs 20% in arm B"): not one arm's clause
    return names[k]


#: Characters before a name where a non-arm qualifier makes it who was studied.
QUALIFIER_CHARS = 40
_QUALIFIED_AFTER = re.compile(r"-([a-z]+)")


def qualified(lex: Lexicon, text: str, name: Span) -> bool:
    """Does a `non_arm_qualifiers` entry make the name who was studied, no arm: at most three
    words before it ("In patients pretreated with doxorubicin") or joined after it by a hyphen
    ("tamoxifen-pretreated women")?"""
    before = text[max(0, name[0] - QUALIFIER_CHARS) : name[0]].lower().split()[-3:]
    after = _QUALIFIED_AFTER.match(text[name[1] : name[1] + QUALIFIER_CHARS].lower())
    return any(w in lex.non_arm_qualifiers for w in before) or (
        after is not None and after.group(1) in lex.non_arm_qualifiers
    )
