"""A sentence's DRUG/DISEASE mentions for `biotab_outcomes`, and the event an event figure names.

`SentenceMentions`: the mentions of one sentence with bisect look-ups (nearest mention of a
label, the population's disease: "patients with X", "X patients"); `event_tie`: the adverse
event, cause of death or reason to stop an event figure counts (`outcomes.event_*`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import EVENT_MEASURES
from pipeline.components.outcome_tokens import Figure, Mention
from pipeline.labels import DISEASE, DRUG

if TYPE_CHECKING:
    from pipeline.components.outcome_comparator_drugs import ComparatorDrugs
    from pipeline.components.outcome_known_arms import KnownArms

# How far (characters) after an event figure its event may be named in the figure's own phrase
# ("14% of patients experiencing grade 1 or 2 nausea").
EVENT_REACH = 60
# The text between two events of a list: a comma or a conjunction and at most three words
# ("insomnia, grade 2 neutropenia", "nausea and vomiting").
EVENT_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)(?:[\w-]+\s+){0,3}")
# The most members of a list of events `event_tie` reads back.
EVENT_LIST_MAX = 32
# How far (characters) before and after a DISEASE mention its population frame is read
# ("patients with advanced X", "X patients").
FRAME_BEFORE, FRAME_AFTER = 40, 12


# brackets and semicolons: where a sentence's clauses end (`SentenceMentions.clause_ended`)
_CLAUSE_MARKS = re.compile(r"[()\[\];]")
# a word and the spaces after it
_NEXT_WORD = re.compile(r"[\w-]+\s+")


def induced_at(lex: Lexicon, text: str, base: int, mentions: list[Mention], starts: list[int],
               d: Mention) -> bool:  # fmt: skip
    """Whether the text names the disease `d` as one a treatment brought about, right there: a
    DRUG mention or an agent word (`induction_agents`) before "-induced" ("cisplatin-induced
    X", "chemotherapy-induced X") or at most two words after "X induced by"; not
    "exercise-induced asthma". `mentions` (sorted, with their `starts`) hold the DRUG mentions;
    `base`: where `text` starts in the Doc (mention offsets are the Doc's)."""
    s, e = d.start - base, d.end - base
    before = lex.induced_before_re.search(text, max(0, s - 40), s)
    if before is not None and (
        before.group("agent") is not None
        or _drug_ends_at(mentions, starts, before.start() + base, text, base)
    ):
        return True
    after = lex.induced_after_re.match(text, e, e + 20)
    if after is None:
        return False
    # the inducer at most two words on ("induced by the drug", "caused by high-dose X")
    pos = after.end()
    for _ in range(3):
        if lex.induction_agent_re.match(text, pos) or _drug_starts_at(
            mentions, starts, pos + base
        ):
            return True
        word = _NEXT_WORD.match(text, pos)
        if word is None:
            return False
        pos = word.end()
    return False


def _drug_ends_at(mentions: list[Mention], starts: list[int], pos: int, text: str,
                  base: int) -> bool:  # fmt: skip
    """Whether a DRUG mention ends at Doc offset `pos`, past spaces and hyphens before it."""
    k = bisect.bisect_right(starts, pos) - 1
    while k >= 0 and mentions[k].end > pos:
        k -= 1
    if k < 0:
        return False
    prev = mentions[k]
    return prev.label == DRUG and not text[prev.end - base : pos - base].strip(" -")


def _drug_starts_at(mentions: list[Mention], starts: list[int], pos: int) -> bool:
    """Whether a DRUG mention starts at Doc offset `pos`."""
    k = bisect.bisect_left(starts, pos)
    return k < len(mentions) and mentions[k].start == pos and mentions[k].label == DRUG


def population_disease(lex: Lexicon, mentions: list[Mention], starts: list[int], text: str,
                       base: int) -> Mention | None:  # fmt: skip
    """The first non-negated DISEASE mention of `mentions` (in order) named as who was studied:
    "patients with X", "X patients"; not "the incidence of X" (`Lexicon.names_population`)
    nor one a treatment brought about right there ("patients with calcium carbonate-induced
    hypercalcemia": an event, `induced_at`). `starts`: the mentions' starts; `base`: where
    `text` starts in the Doc (mention offsets are the Doc's)."""
    for m in mentions:
        if m.label != DISEASE or m.negated:
            continue
        s, e = m.start - base, m.end - base
        before = text[max(0, s - FRAME_BEFORE) : s].lower()
        if lex.names_population(
            before, text[e : e + FRAME_AFTER].lower()
        ) and not induced_at(lex, text, base, mentions, starts, m):
            return m
    return None


class SentenceMentions:
    """A sentence's DRUG/DISEASE mentions (sorted, non-overlapping) with bisect look-ups."""

    def __init__(self, mentions: list[Mention], text: str, base: int, lex: Lexicon,
                 known: KnownArms | None = None) -> None:  # fmt: skip
        """`known`: the arm names the document wrote before the sentence."""
        self.all = mentions
        self.known = known
        self._known_spans: list[tuple[int, int]] | None = None
        self.lex = lex
        self.text, self.base = text, base
        self._by_label: dict[str, tuple[list[Mention], list[int], list[int]]] = {}
        self.drugs = [m for m in mentions if m.label == DRUG]
        self.drug_starts = [m.start for m in self.drugs]
        self.starts = [m.start for m in mentions]
        self._events: tuple[list[Mention], list[int], list[int]] | None = None
        self._population: tuple[Mention | None] | None = None
        self._semicolons: list[int] | None = None
        # the comparison phrases of the sentence's drugs, read once a sentence for all its
        # figures (`outcome_resolve`; set there when a figure first asks)
        self.comparators: ComparatorDrugs | None = None

    def known_spans(self) -> list[tuple[int, int]]:
        """Where the arm names the document wrote before stand in the sentence
        (`KnownArms.spans`), read once when first asked."""
        if self._known_spans is None:
            self._known_spans = self.known.spans(self.text) if self.known else []
        return self._known_spans

    @property
    def population_disease(self) -> Mention | None:
        """The sentence's disease named as who was studied (`population_disease`): read only
        when a figure is tied to its disease or event (most sentences have no such figure),
        then kept (in a tuple: None is a value; not a cached_property, whose first read takes
        a lock)."""
        if self._population is None:
            self._population = (
                population_disease(self.lex, self.all, self.starts, self.text, self.base),
            )
        return self._population[0]

    def _usable(self, label: str) -> tuple[list[Mention], list[int], list[int]]:
        """The label's non-negated mentions (with their starts and ends) a figure may be tied
        to; for DRUG not a measured analyte ("serum creatinine", "potassium levels")."""
        if label not in self._by_label:
            ms = [m for m in self.all if m.label == label and not m.negated]
            if label == DRUG:
                ms = [m for m in ms if not self.analyte(m)]
            self._by_label[label] = (ms, [m.start for m in ms], [m.end for m in ms])
        return self._by_label[label]

    def analyte(self, m: Mention) -> bool:
        """Whether a DRUG mention names what was measured ("serum creatinine rose", "plasma
        potassium", "creatinine levels", "digoxin concentrations"), not what was given."""
        s, e = m.start - self.base, m.end - self.base
        lex = self.lex
        return (
            lex.analyte_before_re.search(self.text, max(0, s - 20), s) is not None
            or lex.analyte_after_re.match(self.text, e, e + 20) is not None
        )

    def around(self, label: str, start: int, end: int
               ) -> tuple[Mention | None, Mention | None, Mention | None]:  # fmt: skip
        """The non-negated mentions last before start..end, within it and first after it."""
        ms, starts, ends = self._usable(label)
        k = bisect.bisect_right(ends, start)
        j = bisect.bisect_left(starts, end)
        return (ms[k - 1] if k > 0 else None,
                ms[k] if k < len(ms) and ms[k].start < end else None,
                ms[j] if j < len(ms) else None)

    def nearest(self, label: str, start: int, end: int, lo: int | None = None,
                hi: int | None = None) -> Mention | None:  # fmt: skip
        """The non-negated mention nearest to start..end; ties go to the earlier one. With
        `lo`/`hi`, only one within lo..hi (the figure's clause)."""
        before, inside, after = self.around(label, start, end)
        if lo is not None and before is not None and before.start < lo:
            before = None
        if hi is not None and after is not None and after.end > hi:
            after = None
        if inside is not None:
            return inside
        if before is None or (after is not None and after.start - end < start - before.end):
            return after
        return before

    def nearest_but(self, label: str, start: int, end: int, skip: Callable[[Mention], bool],
                    lo: int | None = None, hi: int | None = None) -> Mention | None:  # fmt: skip
        """Like `nearest`, but not a mention `skip` rejects (a walk over the label's mentions:
        asked only when the nearest one was rejected)."""
        best: tuple[int, int] | None = None
        found = None
        for m in self._usable(label)[0]:
            if (lo is not None and m.start < lo) or (hi is not None and m.end > hi) or skip(m):
                continue
            gap = start - m.end if m.end <= start else m.start - end if m.start >= end else -1
            if best is None or (gap, m.start) < best:
                best, found = (gap, m.start), m
        return found

    def clause_ended(self, start: int, end: int) -> bool:
        """Does a semicolon outside brackets end a clause between sentence characters start and
        end ("Diarrhea (25%) was common; 6 patients (9%) stopped"; not "(MDS; n = 17)", a
        bracket's list)? The sentence's semicolons are read once, when first asked."""
        if self._semicolons is None:
            self._semicolons = []
            depth = 0
            for m in _CLAUSE_MARKS.finditer(self.text):
                c = m.group()
                if c in "([":
                    depth += 1
                elif c in ")]":
                    depth = max(0, depth - 1)
                elif depth == 0:
                    self._semicolons.append(m.start())
        k = bisect.bisect_left(self._semicolons, start)
        return k < len(self._semicolons) and self._semicolons[k] < end

    def event_candidates(self) -> tuple[list[Mention], list[int], list[int]]:
        """The DISEASE mentions an event figure may name as its event (negated ones too), in
        order, with their starts and ends: not the population's disease nor one after an opener
        ("patients with X"), unless its frame makes it an event ("the incidence of X", "because
        of X": `Lexicon.names_an_event`) or a treatment brought it about right there ("patients
        with calcium carbonate-induced hypercalcemia": `induced_at`)."""
        if self._events is None:
            text, base = self.text, self.base
            ms = [
                m
                for m in self.all
                if m.label == DISEASE
                and m is not self.population_disease
                and (
                    self.lex.names_an_event(
                        text[max(0, m.start - base - FRAME_BEFORE) : m.start - base].lower()
                    )
                    or induced_at(self.lex, text, base, self.all, self.starts, m)
                )
            ]
            self._events = (ms, [m.start for m in ms], [m.end for m in ms])
        return self._events


def event_tie(f: Figure, sm: SentenceMentions, base: int
              ) -> tuple[Mention | None, list[Mention]]:  # fmt: skip
    """An event figure's event (adverse event, cause of death, reason to stop), and the events
    of a list it counts together. The event: the DISEASE mention right after it in its own
    phrase ("62.5% of patients experienced grade 4 leukopenia"), else the nearest one before it
    in the sentence ("cough was reported in 3.8%"); never one inside the figure or one naming
    who was studied ("9 of 17 tuberculosis patients", "patients with rheumatoid arthritis").
    Negated mentions count: "none had X" is about X. A figure after a list of events ("Nausea
    and vomiting occurred in 12 patients (10%)") has no one event: (None, the list, in order).
    (Bisections over the sentence's event candidates: time logarithmic in their number.)"""
    if f.measure not in EVENT_MEASURES:
        return None, []
    text = sm.text
    ms, starts, ends = sm.event_candidates()
    s, e = base + f.start, base + f.end
    k = bisect.bisect_left(starts, e)
    if k < len(ms):
        gap = text[f.end : ms[k].start - base]
        if len(gap) <= EVENT_REACH and not sm.lex.event_phrase_break_re.search(gap):
            return ms[k], []
    j = bisect.bisect_right(ends, s) - 1
    if j < 0:
        return None, []
    # a figure after a list of events is the list's ("Side effects including insomnia, grade 2
    # neutropenia and gastrointestinal symptoms were minor (13%)"); the list is read back at
    # most EVENT_LIST_MAX members (each figure after a list of thousands would walk it all,
    # quadratic in a long sentence)
    first = j
    while first > 0 and j - first < EVENT_LIST_MAX and EVENT_LIST_GAP.fullmatch(
        text[ms[first - 1].end - base : ms[first].start - base]
    ):
        first -= 1
    listed = ms[first : j + 1] if j > first else []
    if sm.clause_ended(ms[j].end - base, f.start) or (
        f.measure == "mortality" and sm.lex.death_clause_break_re.search(
            text, ms[j].end - base, f.start
        )
    ):  # fmt: skip
        # another clause's event is not the figure's ("Diarrhea (25%) was common; 6 patients
        # (9%) stopped treatment"), and no cause of death ("Two patients developed pneumonia,
        # and 3 patients (2%) died")
        return None, listed
    if listed:
        return None, listed
    return ms[j], []
