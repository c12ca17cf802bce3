"""Event counts written as an "(n = N)" after each event of a list (`biotab_outcomes`).

"Serious toxicities included neutropenic sepsis (n = 6), pneumonitis (n = 3) and hepatic
failure (n = 1)", "Treatment was stopped because of rash (n = 4), hepatotoxicity (n = 3) or
patient choice (n = 2)", "Causes of death were infection (n = 5) and bleeding (n = 2)": each
"(n = N)" counts the subjects who had the event, reason or cause named right before it, so it is
a figure of the event the list breaks down, not who was studied. An "(n = N)" is read as
enrollment by its form unless a cue stands right before it (`outcome_measures`), so such a
list's entries took the event's measure only where the name happened to be a cue (a DISEASE
mention), and enrollment elsewhere.

`BreakdownRules.event_breakdowns`: a list of two or more "(n = N)" figures, each in its own
bracket right after a name (an abbreviation may open the bracket: "(AR; n = 4)"), the names
joined by a comma, a semicolon or a `breakdown_joiners` entry ("and", "or"), that opens after an
event cue (a cue pattern of `EVENT_MEASURES` or relapse, not a DISEASE mention) and up to
`OPENER_WORDS` words and a `breakdown_openers` entry ("included", "were", "due to", "because
of", "from", ":"), every entry takes the cue's measure. The entry after a joiner is the list's
last ("... and hepatic failure (n = 1)"), and a later name with an `auxiliaries` entry is a
clause of its own, no entry ("...; survival was analysed in the intention-to-treat set (n =
120)"). Not a list whose entries have an arm ("Deaths were compared between the drug A group
(n = 50) and placebo (n = 48)": arms' sizes) nor one whose names hold a DRUG mention, and not
"(n = X/Y)" (a fraction: accrual). Reads the
sentence's text, figures, cues and DRUG mention ends; writes `Figure.measure`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import islice
from typing import Any

from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_rules import EVENT_MEASURES
from pipeline.components.outcome_tokens import Cue, Figure

# How many words may stand between the event cue and its opener ("Reasons for stopping
# treatment were", "deaths in the first year were due to").
OPENER_WORDS = 5
# How long (characters) an event's name before its bracket may be, and how far before the
# list's first bracket its event cue may end (a bounded window for the regex).
NAME_CHARS = 100
CUE_WINDOW = 200
# the measures whose cue may open a breakdown: events, reasons to stop, causes of death, sites
# of relapse
BREAKDOWN_MEASURES = EVENT_MEASURES | {"relapse"}
# the lexicon's lists of words that name an arm or who was studied
_NON_EVENT_LISTS = ("arm_nouns", "enrolled_words", "control_arms")
# the bracket an "(n = N)" stands in, from its opening: an abbreviation and ";" or "," may come
# first ("(AR; n = 4)", "(CAN, n = 15)"), nothing else
_OPENING = r"\(\s*(?:(?P<label>[^()\[\];,]{1,30})[;,]\s*)?$"


class BreakdownRules:
    """The regexes of event breakdowns, compiled once from the lexicon's lists."""

    def __init__(self, data: dict[str, Any]) -> None:
        joiners = _alt(data["breakdown_joiners"])
        name = rf"[^()\[\];:]{{1,{NAME_CHARS}}}?"
        # from the event cue's end to the first entry's bracket
        self.first_re = re.compile(
            rf"(?:\s+[\w-]+){{0,{OPENER_WORDS}}}?\s*(?:\b(?:{_alt(data['breakdown_openers'])})\b"
            rf"|:)\s*(?P<name>{name})\s*{_OPENING}",
            re.IGNORECASE,
        )
        # from one entry's figure to the next's: its bracket closes, a joiner, the next name (a
        # joiner names the list's last entry: "A (n = 4), B (n = 3) and C (n = 2)")
        self.next_re = re.compile(
            rf"\s*\)\s*(?:[,;]\s*(?:(?P<joiner>{joiners})\s+)?|(?P<last>{joiners})\s+)"
            rf"(?P<name>{name})\s*{_OPENING}",
            re.IGNORECASE,
        )
        # a later name with an auxiliary is a clause of its own, no event's name ("...; survival
        # was analysed in the intention-to-treat set (n = 120)")
        self.clause_re = re.compile(rf"\b(?:{_alt(data['auxiliaries'])})\b", re.IGNORECASE)
        # a name or label with one of these names an arm or who was studied, no event
        # ("randomized to receive RT alone (group A, n = 20)", "in women (n = 40)")
        arms = {w for k in _NON_EVENT_LISTS for w in data[k]}
        self.non_event_re = re.compile(rf"\b(?:{_alt(arms)})\b", re.IGNORECASE)
        # a name that ends with a population noun names subjects ("in women (n = 40)"; not
        # "patient choice (n = 2)")
        self.subjects_re = re.compile(rf"\b(?:{_alt(data['population_nouns'])})\s*$", re.IGNORECASE)

    def event_breakdowns(self, figures: list[Figure], cues: list[Cue], text: str,
                         drug_ends: list[int]) -> None:  # fmt: skip
        """Give each "(n = N)" entry of a list that breaks an event down the event cue's
        measure (see the module's docstring). Each figure is read once as a list's entry or
        start, and each cue for the one list whose gap before it holds it: linear in the
        sentence (no slice of the figures from each one, no pass over every cue a list)."""
        if len(list(islice((f for f in figures if f.n_form), 2))) < 2:
            return  # (most sentences: a list needs two "(n = N)" entries; read to the second)
        ends = frozenset(drug_ends)
        order = sorted(range(len(cues)), key=lambda i: cues[i].start)
        starts = [cues[i].start for i in order]
        k = 0
        while k < len(figures):
            run = self._run(figures, k, text, ends)
            if len(run) >= 2:
                floor = figures[k - 1].end if k else 0
                near = order[bisect_left(starts, floor) : bisect_right(starts, figures[k].start)]
                cue = self._opening_cue(figures[k], [cues[i] for i in sorted(near)], text, ends)
                if cue is not None:
                    for f in run:
                        f.measure, f.excluded = cue.measure, False
            k += max(1, len(run))

    def _run(self, figures: list[Figure], k: int, text: str,
             drug_ends: frozenset[int]) -> list[Figure]:  # fmt: skip
        """The "(n = N)" counts from figures[k] on, each the next's neighbour in a list of
        names (`next_re` between them), up to the entry after a joiner ("and", "or": the
        last) and before a name with an auxiliary (a clause: "...; survival was analysed in
        the intention-to-treat set (n = 120)")."""
        run: list[Figure] = []
        for j in range(k, len(figures)):
            f = figures[j]
            if not (f.n_form and f.count is not None and f.den is None and f.pct is None):
                break
            if not run:
                run.append(f)
                continue
            m = self.next_re.fullmatch(text, run[-1].end, f.start)
            if m is None or self.clause_re.search(m.group("name")) or not self._names_event(
                m, drug_ends
            ):
                break
            run.append(f)
            if m.group("joiner") or m.group("last"):
                break  # (the list's last entry)
        return run

    def _opening_cue(self, first: Figure, cues: list[Cue], text: str,
                     drug_ends: frozenset[int]) -> Cue | None:  # fmt: skip
        """The event cue whose opener the list's first name (of `first`) follows, of `cues`:
        those that start after the figure before the list and not after `first`, in order."""
        best: Cue | None = None
        for c in cues:
            if (c.named or c.measure not in BREAKDOWN_MEASURES
                    or first.start - c.end > CUE_WINDOW):  # fmt: skip
                continue
            if c.end <= first.start and self._names_event(
                self.first_re.fullmatch(text, c.end, first.start), drug_ends
            ):
                best = c  # (the last such cue: the nearest before the list)
        return best

    def _names_event(self, m: re.Match[str] | None, drug_ends: frozenset[int]) -> bool:
        """Whether the list's name (and bracket label) `m` matched names no arm nor subjects:
        no arm noun, allocation word or control arm in them, no population noun or DRUG
        mention ("letrozole (n = 120)") ending the name."""
        if m is None or any(
            part and self.non_event_re.search(part) for part in m.group("name", "label")
        ):
            return False
        name = m.group("name")
        end = m.start("name") + len(name.rstrip())
        return self.subjects_re.search(name) is None and end not in drug_ends
