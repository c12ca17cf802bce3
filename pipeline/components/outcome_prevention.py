"""What a prevention trial prevents is its efficacy end point, not an adverse event.

A DISEASE mention that no cue covers is a weak adverse-event cue (`outcome_cue_filters`), and so
are event words ("developed", "occurred", "incidence"). In a trial of a drug to prevent X, X is
what the trial counts to show the drug works: "Clinical hepatitis developed in 1.4% of HBIG and
in 5.9% of ISG recipients", "There is no difference in breast-cancer frequency between the
placebo (22 cases) and tamoxifen (19) arms" are its efficacy figures, `other`, as a count of
cases of it that no cue claims already is (`outcome_unclaimed.occurrence_counts`).

`PreventionRules` (compiled from word lists of `rules/outcomes_lexicon.json`) finds

- what a document prevents (`prevented`, once a document): the DISEASE mentions that a
  `prevention_openers` entry comes before ("prevention of X", "to prevent X", "prophylaxis
  against X", "reduce the incidence of X"; at most two words between: "prevention of
  ifosfamide-induced hemorrhagic cystitis") or a `prevention_closers` entry right after ("GVHD
  prophylaxis", "a breast cancer prevention trial"), in the title (the first sentence) or in
  a sentence that states the study's aim (an `aim_markers` entry before the opener: "... were
  examined in a randomized trial to assess their efficacies in preventing type B hepatitis"),
  with the mentions listed with one ("prevention of bradycardia and arrhythmias") and the short
  form in brackets after any of them ("oral mucositis (OM)"). Not a sentence of background
  ("Heparin is used to prevent thrombosis after liver transplantation" in a study of what
  heparin causes);
- which cues of a sentence name that end point (`endpoint_cues`): a mention of it ("hepatitis"
  for "type B hepatitis": one name holds the other's words, or both have one concept), an
  adverse-event cue on it, and a weak adverse-event cue beside it in its clause ("developed
  breast cancer", "breast-cancer frequency", "hepatitis developed"; only words between, no
  other cue or mention) become `ENDPOINT` cues: every figure they claim, and every figure that
  takes the measure of one they claim (both arms of a compared pair, "136 women (74 placebo, 62
  tamoxifen) developed breast cancer"), is the end point's, an `other` row.

Each test reads a bounded window around a mention or a cue, so a document costs time linear in
its mentions and a sentence in its cues.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_tokens import Cue, Mention, lowered
from pipeline.labels import DISEASE

if TYPE_CHECKING:
    from pipeline.components.outcome_grammar import SentenceParser

# The measure of a cue that names what a prevention trial prevents, its efficacy end point,
# while the sentence is read: it claims figures as the adverse-event cue it was would (counts
# too; a list's later figures, a total's parts by arm take it as they take an event's), and its
# figures are `other` rows (`OutcomeExtractor._sentence_figures`). No measure a cue file names.
ENDPOINT = "endpoint"

# the keys this module adds to the lexicon
PREVENTION_LISTS: tuple[str, ...] = (
    "prevention_openers",
    "prevention_closers",
    "aim_markers",
)

# The letters of an opener's or closer's first word that a document must hold
# (`PreventionRules._openers`).
STEM = 6
# How far (characters) before a prevention opener its aim marker is looked for.
AIM_REACH = 300
# Between an opener and the disease it prevents: at most two words, no sentence end ("prevention
# of ifosfamide-induced hemorrhagic cystitis").
_OPENED = re.compile(r"(?:[^\s.;:]+\s+){0,2}")
# The most tokens between a weak event cue and the end point's mention beside it.
ENDPOINT_GAP = 4
# A bracketed short form right after a name ("oral mucositis (OM)").
_SHORT_FORM = re.compile(r"\s*\(\s*([A-Za-z][\w-]{0,9})\s*[;,)]")
# Two mentions of one list: only a list word between ("bradycardia and arrhythmias").
_LISTED = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)\s*", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")
# What may stand between a weak event cue and the end point's mention: at most ENDPOINT_GAP
# words, no punctuation that ends a clause or closes a bracket ("breast-cancer frequency",
# "hepatitis developed", "developed acute grade II-IV GVHD"), a bracket opened last ("grade 3
# neutropenia (frequency, 91% and 82%)").
_GAP = re.compile(rf"\s*(?:[^\s,;:()\[\]]+\s+){{0,{ENDPOINT_GAP}}}(?:[(\[]\s*)?")
# How far (characters) past a repeated end-point word another disease ends the repetition
# (`_repeated`).
REPEAT_TAIL = 40
# Between an intransitive event verb and its subject: at most SUBJECT_GAP words, no clause or
# bracket punctuation (a strong boundary word ends the clause: `SentenceParser.stretch`).
SUBJECT_GAP = 12
_CLAUSE_GAP = re.compile(rf"\s*(?:[^\s,;:()\[\]]+\s+){{0,{SUBJECT_GAP}}}")


def _words(text: str) -> str:
    """The name's words, lower case, one space between and around ("breast-cancer" and "breast
    cancer" alike)."""
    return f" {_NON_WORD.sub(' ', text.lower()).strip()} "


@dataclass(frozen=True)
class Prevented:
    """What a document prevents: concept ids and names (`_words` form)."""

    concepts: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names)

    def holds(self, m: Mention) -> bool:
        """Does `m` name what the document prevents: the same concept, or one name holds the
        other's words ("hepatitis" and "type B hepatitis", "invasive breast cancer" and
        "breast cancer")?"""
        if m.concept_id is not None and m.concept_id in self.concepts:
            return True
        words = _words(m.text)
        if len(words) < 4:
            return False  # (no letters)
        return any(words in n or n in words for n in self.names)


NOTHING = Prevented()


class PreventionRules:
    """The lexicon's prevention lists compiled to regexes."""

    def __init__(self, data: dict[str, Any]) -> None:
        openers = _alt(w.lower() for w in data["prevention_openers"])
        closers = _alt(w.lower() for w in data["prevention_closers"])
        # an opener and the space after it, read in a document's lower-cased text (a case-free
        # regex: one pass a document), and in any case where lowering moves characters
        self.opener_re = re.compile(rf"\b(?:{openers})\s+")
        self.opener_any_case_re = re.compile(self.opener_re.pattern, re.IGNORECASE)
        self.closer_re = re.compile(rf"[\s-]*(?:{closers})\b", re.IGNORECASE)
        self.closer_word_re = re.compile(rf"\b(?:{closers})\b", re.IGNORECASE)
        self.aim_re = re.compile(rf"\b(?:{_alt(data['aim_markers'])})\b", re.IGNORECASE)
        # the verbs whose subject is the event ("occurred")
        self.intransitive = frozenset(w.lower() for w in data["intransitive_event_verbs"])
        # the starts of the openers' and closers' first words: a document without one of them
        # (most) names no prevention, found by substring searches, no regex
        self.stems = frozenset(
            w.split()[0][:STEM].lower()
            for w in (*data["prevention_openers"], *data["prevention_closers"])
        )

    def _openers(self, text: str) -> tuple[list[int], list[int]] | None:
        """The starts and ends of the prevention openers of `text`, in order; None when it has
        neither an opener nor a closer. The openers' and closers' first words are found by
        substring searches and each regex is only matched there (a search of the whole text
        with a regex of every opener cost 4% of the component's instructions)."""
        low = text.lower()
        hits: list[int] = []
        for stem in self.stems:
            at = low.find(stem)
            while at >= 0:
                if at == 0 or not low[at - 1].isalnum():
                    hits.append(at)
                at = low.find(stem, at + 1)
        if not hits:
            return None  # (most documents)
        case_free = lowered(text, low)
        if case_free is None:  # (lowering moved characters: the hits are not the text's)
            spans = [(m.start(), m.end()) for m in self.opener_any_case_re.finditer(text)]
            closed = self.closer_word_re.search(text) is not None
        else:
            hits.sort()
            spans = [
                (m.start(), m.end())
                for at in hits if (m := self.opener_re.match(case_free, at)) is not None
            ]  # fmt: skip
            closed = any(self.closer_word_re.match(case_free, at) for at in hits)
        if not spans and not closed:
            return None
        return [a for a, _ in spans], [b for _, b in spans]

    def prevented(self, text: str, mentions: Sequence[Mention],
                  sentences: Sequence[tuple[int, int, int, int]]) -> Prevented:  # fmt: skip
        """What the document `text` prevents (`mentions`: its mentions in order; `sentences`:
        (start token, end token, start char, end char) of each sentence, the title first)."""
        if not sentences:
            return NOTHING
        openers = self._openers(text)
        if openers is None:
            return NOTHING  # (most documents)
        opener_starts, opener_ends = openers
        starts = [s[2] for s in sentences]
        title_end = sentences[0][3]
        found: list[Mention] = []
        last: Mention | None = None
        for m in mentions:
            if m.label != DISEASE or m.negated:
                continue
            if last is not None and _LISTED.fullmatch(text, last.end, m.start):
                found.append(m)  # ("prevention of bradycardia and arrhythmias")
                last = m
                continue
            last = None
            sent_start = starts[max(0, bisect.bisect_right(starts, m.start) - 1)]
            # the nearest opener before the mention, in its sentence, two words at most between
            k = bisect.bisect_right(opener_ends, m.start) - 1
            at: int | None = None
            if k >= 0 and opener_starts[k] >= sent_start and _OPENED.fullmatch(
                text, opener_ends[k], m.start
            ):
                at = opener_starts[k]
            elif self.closer_re.match(text, m.end) is not None:
                at = m.start
            if at is None:
                continue
            if m.start >= title_end and self.aim_re.search(
                text, max(sent_start, at - AIM_REACH), at
            ) is None:
                continue  # (a sentence of background, not the title or the study's aim)
            found.append(m)
            last = m
        if not found:
            return NOTHING
        concepts = {m.concept_id for m in found if m.concept_id is not None}
        names = {_words(m.text) for m in found}
        first = Prevented(frozenset(concepts), tuple(n for n in names if len(n) >= 4))
        # the short forms the document gives them ("oral mucositis (OM)")
        for m in mentions:
            if m.label == DISEASE and first.holds(m):
                short = _SHORT_FORM.match(text, m.end)
                if short is not None:
                    names.add(_words(short.group(1)))
        return Prevented(frozenset(concepts), tuple(sorted(n for n in names if len(n) >= 4)))

    def endpoint_cues(self, parser: SentenceParser, mentions: Sequence[Mention],
                      cues: list[Cue], base: int, prevented: Prevented) -> list[Cue]:  # fmt: skip
        """`cues` (in order; sentence-relative characters) with those that name the end point
        a prevention trial prevents made `ENDPOINT` cues: an adverse-event cue on a mention of
        it and a weak adverse-event cue beside one (`_beside`). `mentions`: the sentence's
        mentions in order; `base`: the sentence's first character in the Doc."""
        spans = [(m.start - base, m.end - base) for m in mentions if m.label == DISEASE]
        ends = [
            (m.start - base, m.end - base)
            for m in mentions if m.label == DISEASE and prevented.holds(m)
        ]  # fmt: skip
        if not ends:
            return cues
        out = list(cues)
        for k, c in enumerate(cues):
            if c.measure != "adverse_event":
                continue
            if any(s < c.end and c.start < e for s, e in ends) or (
                c.priority == 0 and not c.named and self._beside(parser, c, k, cues, ends, spans)
            ):
                out[k] = replace(c, measure=ENDPOINT)
        return _repeated(parser.text, out, [sp for sp in spans if sp not in ends])

    def _beside(self, parser: SentenceParser, c: Cue, k: int, cues: list[Cue],
                ends: list[tuple[int, int]], spans: list[tuple[int, int]]) -> bool:  # fmt: skip
        """Is an end point's mention (`ends`) the weak cue's neighbour: at most ENDPOINT_GAP
        words between, no clause or bracket punctuation ("breast-cancer frequency", "developed
        breast cancer"), or the subject of an intransitive event verb earlier in its clause
        ("cardiotoxicity was comparable in the 3 arms and occurred in 32%, 29% and 30%"); no
        other cue nor DISEASE mention (`spans`) between?"""
        text = parser.text
        for s, e in ends:
            if e <= c.start:
                lo, hi = e, c.start
                if k > 0 and cues[k - 1].start >= e:
                    continue  # (another cue between)
            elif s >= c.end:
                lo, hi = c.end, s
                if k + 1 < len(cues) and cues[k + 1].end <= s:
                    continue
            else:
                continue
            if any(lo <= a and b <= hi for a, b in spans):
                continue  # (another disease between)
            if _GAP.fullmatch(text, lo, hi) is not None:
                return True
            if (
                hi == c.start
                and parser.toks[c.ts].lower in self.intransitive
                and _CLAUSE_GAP.fullmatch(text, lo, hi) is not None
                and parser.stretch(c.ts, c.te)[0] <= parser.tok_index(s)
            ):
                return True  # (its subject, in its clause)
        return False


def _repeated(text: str, cues: list[Cue], others: list[tuple[int, int]]) -> list[Cue]:
    """`cues` with a weak adverse-event cue that repeats the word of an end-point cue before it
    made one too ("The incidence of lymphedema in the control group was 16.7%, and the
    incidence in the study group 4.2%": the same incidence), unless another disease (`others`)
    is named from that cue to REPEAT_TAIL characters past this one ("..., and the incidence of
    seroma ...")."""
    words: dict[str, int] = {}  # an end-point cue's word (lower case) -> its first start
    out = list(cues)
    for k, c in enumerate(cues):
        word = text[c.start : c.end].lower()
        if c.measure == ENDPOINT and not c.named:
            words.setdefault(word, c.start)
        elif c.measure == "adverse_event" and c.priority == 0 and not c.named and word in words:
            lo, hi = words[word], c.end + REPEAT_TAIL
            if not any(lo <= a < hi for a, _ in others):
                out[k] = replace(c, measure=ENDPOINT)
    return out
