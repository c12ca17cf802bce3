"""Which words of a sentence stand as measure cues, beside the matched cue patterns.

Functions over one sentence's cues (`Cue`, sentence-relative characters and light tokens) and its
DRUG/DISEASE mentions, for `biotab_outcomes._cues`:

- `lists_diseases`: an enrolled word that lists what a group had, with a disease for its object
  ("Reactions included thrombophlebitis (20 of 54 patients)"), is no enrollment cue;
- `disease_cues`: DISEASE mentions outside a population frame ("patients with X", "suffering
  from X", "X patients") and outside what a cue before them measures ("the prevalence of X",
  "died of X") are weak adverse-event cues;
- `stop_reasons`: an adverse-event cue that gives the reason subjects stopped ("Discontinuation
  due to adverse events occurred in 12 patients") is a discontinuation cue: the figure counts
  who stopped;
- `compared_traits`: a trait word ("prevalence") is no cue in a clause that compares groups
  ("The prevalence of delirium was lower in the light sedation group (19% vs 40%)"): what the
  arms had is an outcome.

Each looks at a bounded window around a cue or mention, so a sentence costs time linear in its
length.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from itertools import islice

from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import NOT_OUTCOME
from pipeline.components.outcome_tokens import Cue, Mention
from pipeline.labels import DISEASE

# After an enrolled word, how far (characters) and through what its disease object may follow
# ("included thrombophlebitis", "comprised severe rash"): at most two words, no digit or sign.
DISEASE_OBJECT_REACH = 30
DISEASE_OBJECT_GAP = re.compile(r"\s+(?:[A-Za-z-]+\s+){0,2}")
# What a cue measures, named after it ("the prevalence of X, Y and Z", "died of X"): at most this
# many words and list connectors between the opener ("of") and the disease.
MEASURED_OBJECT_WORDS = 12
_GAP_TOKENS = re.compile(r"[\w'-]+|[^\w\s]")
# How many words of the next disease's name may follow the joiner of a population's list of
# diseases outside its mention ("breast cancer and bone metastases": the mention is the last).
JOINED_MODIFIERS = 2
# How many tokens that gap may hold at most: a closing bracket and a comma, a joiner of up to
# three ("and/or"), JOINED_MODIFIERS words, with room to spare.
JOINED_TOKENS = 12
# How far (characters) after a discontinuation cue its reason may run ("discontinuations for
# hypertension-related and oedema-related AEs"), up to a comma, semicolon, bracket or number
# (`Lexicon.reason_end_re`).
REASON_REACH = 80


def lists_diseases(text: str, end: int, mentions: list[Mention], name_starts: list[int]) -> bool:
    """Whether a DISEASE mention follows sentence-relative `end` at most two words on (no digit
    or punctuation between): an enrolled word with a disease for its object ("included
    thrombophlebitis", "comprised severe rash") lists events, not who was studied.
    (`mentions`: the sentence's mentions in order; `name_starts`: their sentence-relative
    starts.)"""
    k = bisect.bisect_left(name_starts, end)
    if k == len(mentions) or mentions[k].label != DISEASE:
        return False
    gap = text[end : name_starts[k]]
    return len(gap) <= DISEASE_OBJECT_REACH and DISEASE_OBJECT_GAP.fullmatch(gap) is not None


def disease_cues(lex: Lexicon, parser: SentenceParser, mentions: list[Mention], cues: list[Cue],
                 base: int) -> list[Cue]:  # fmt: skip
    """The sentence's non-negated DISEASE mentions that no cue covers, as weak adverse-event
    cues; not one that names who was studied ("patients with X", "suffering from X", "X
    patients"), nor one that names what the cue before it measures ("The prevalence of DCIS and
    LCIS was 4% and 6%": no adverse event; "died of X": a death), nor the short form "(XY)"
    right after either or the next of its list ("patients with X or Y"), nor what a treatment
    prevents ("preventing X", `prevention_words`).
    `cues`: the sentence's matched cues in order; `base`: the sentence's first character in the
    Doc."""
    cue_starts = [c.start for c in cues]
    out: list[Cue] = []
    # the end of the last disease name that named who was studied or what a cue measures, and
    # of the last that named who was studied (a list of names may follow it)
    opened_end = frame_end = -1
    text = parser.text
    for m in mentions:
        if m.label != DISEASE or m.negated:
            continue
        s, e = m.start - base, m.end - base
        k = bisect.bisect_left(cue_starts, e)
        if k > 0 and cues[k - 1].end > s:
            continue
        before = text[max(0, s - 40) : s].lower()
        if frame_end >= 0 and _joined(lex, text, frame_end, s):
            opened_end = frame_end = e
            continue  # ("patients with rheumatoid arthritis or psoriatic arthritis")
        if (
            lex.names_who_was_studied(before)
            or lex.subject_trait_before_re.search(before)
            or (opened_end >= 0 and text[opened_end:s].strip() == "(")
            or (k > 0 and measured_object(lex, text[cues[k - 1].end : s]))
        ):
            # (a list may follow a population's frame, past its short form: "patients with X
            # (XY) or Y")
            short = frame_end >= 0 and frame_end == opened_end
            opened_end = e
            frame_end = e if short or lex.population_disease_before_re.search(before) else -1
            continue
        after = text[e : e + 30].split(maxsplit=1)
        if after and after[0].lower() in lex.pop:
            continue  # "TNBC patients": who was studied
        if lex.prevented_before_re.search(before):
            continue  # "95% effective at preventing symptomatic COVID-19": what was prevented
        ts = parser.tok_index(s)
        out.append(Cue(s, e, ts, max(ts + 1, parser.tok_index(e)), "adverse_event", 0, named=True))
    return out


def _joined(lex: Lexicon, text: str, start: int, end: int) -> bool:
    """Whether text[start:end], the gap between a disease name that named who was studied and
    the next, makes the next one its short form ("(XY)") or the next of its list ("patients
    with rheumatoid arthritis or psoriatic arthritis": who was studied too, not an adverse
    event): an opening bracket alone, or a `breakdown_joiners` entry after a comma, a closing
    bracket or none, and at most `JOINED_MODIFIERS` words of the next name ("breast cancer and
    bone metastases"; a comma alone may end the phrase: "In all patients with variant angina,
    coronary spasm ...").
    Only the gap's first `JOINED_TOKENS` tokens are read: a longer gap joins nothing, and the
    frame's end stays while mentions after it are read (reading each whole gap from it was
    quadratic in a sentence of many mentions)."""
    found = list(islice(_GAP_TOKENS.finditer(text, start, end), JOINED_TOKENS + 1))
    if len(found) > JOINED_TOKENS:
        return False
    toks = [t.group().lower() for t in found]
    if toks == ["("]:
        return True
    while toks and toks[0] in (")", ","):
        toks = toks[1:]  # (past a short form's bracket: "X (XY) or Y")
    # the joiner ("and", "or", "and/or"), then at most JOINED_MODIFIERS words of the next name
    # ("breast cancer and bone metastases"): no verb, auxiliary, preposition or number
    for k in range(len(toks), max(0, len(toks) - JOINED_MODIFIERS) - 1, -1):
        if "".join(toks[:k]) in lex.name_joiners:
            return all(
                t.isalpha() and t not in lex.auxiliaries and t not in lex.prepositions
                and t not in lex.event_verb_cues
                for t in toks[k:]
            )  # fmt: skip
    return False


def measured_object(lex: Lexicon, gap: str) -> bool:
    """Whether `gap`, the text between a cue and a disease name, makes the disease what the cue
    measures: a measured_object_openers entry ("of") first, then only words and list
    connectors (", and", "or": the disease ends a list, "the prevalence of LCIS, DCIS and DH"),
    no number, preposition, auxiliary or other punctuation, at most MEASURED_OBJECT_WORDS."""
    toks = _GAP_TOKENS.findall(gap.lower())
    if not toks or toks[0] not in lex.measured_object_openers:
        return False
    rest = toks[1:]
    return len(rest) <= MEASURED_OBJECT_WORDS and all(
        t == ","
        or (
            t[0].isalpha()
            and t not in lex.prepositions
            and t not in lex.auxiliaries
            and t not in lex.boundaries
        )
        for t in rest
    )


def stop_reasons(lex: Lexicon, text: str, cues: list[Cue]) -> list[Cue]:
    """`cues` (in order) with the adverse-event cues that give a discontinuation's reason made
    discontinuation cues: a reason connector ("due to", "because of", "for") at most three words
    after a discontinuation cue opens the reason, which runs to a comma, semicolon or bracket
    ("Treatment was discontinued because of toxicity in 12 patients (8%)", "discontinuation due
    to hyperkalemia (n = 33)": counts of who stopped). Not the reverse order ("Adverse events
    led to discontinuation in 12 patients")."""
    out = list(cues)
    for k, c in enumerate(cues):
        if c.measure != "discontinuation":
            continue
        window = text[c.end : c.end + REASON_REACH]
        m = lex.reason_opener_re.match(window)
        if m is None:
            continue
        stop = c.end + _reason_end(lex, window, m.end())
        for j in range(k + 1, len(cues)):
            if cues[j].start >= stop:
                break
            if cues[j].measure == "adverse_event":
                out[j] = replace(cues[j], measure="discontinuation", priority=c.priority)
    return out


def _reason_end(lex: Lexicon, window: str, start: int) -> int:
    """Where a reason that starts at `start` of `window` ends: at a comma, semicolon, bracket or
    number (`Lexicon.reason_end_re`), not at a number that a count blocker comes right before
    ("due to grade 3 neutropenia"); else at the window's end."""
    for m in lex.reason_end_re.finditer(window, start):
        if m.group()[0] in ",;:()[]":
            return m.start()
        words = window[: m.start()].split()
        if not (words and words[-1].lower() in lex.count_blockers):
            return m.start()
    return len(window)


def compared_traits(lex: Lexicon, parser: SentenceParser, cues: list[Cue]) -> list[Cue]:
    """`cues` without the not_outcome cues of a `compared_trait_words` entry ("prevalence")
    whose clause holds a `trait_comparison_words` entry ("lower", "between", "vs"): "The
    prevalence of postoperative delirium was significantly lower in the light sedation group
    (19% vs 40%)", "no difference in prevalence of dermatitis between the Calendula (53%) and
    Sorbolene (62%) groups" compare what the arms had, an outcome; "The prevalence of diabetes
    was 12%" stays no result."""
    def compared(c: Cue) -> bool:
        if c.measure != NOT_OUTCOME or parser.toks[c.ts].lower not in lex.compared_trait_words:
            return False
        lo, hi = parser.stretch(c.ts, c.te)
        return any(parser.toks[k].lower in lex.trait_comparison_words for k in range(lo, hi))

    return [c for c in cues if not compared(c)]
