"""Figures of how a trial was run, not of what its treatment did: `ConductRules` (compiled from
word lists of `rules/outcomes_lexicon.json`) finds them for `biotab_outcomes`:

- assessment completion and data availability: a percentage of subjects who completed
  assessments or questionnaires ("Ninety-four percent of participants completed assessments at
  3 months, and 97% at 6 months") or for whom data or samples were available ("blood samples
  were available for 84.0% and 82.5% of ...", "Tumour samples from 312 of the 420 patients
  (74%) were available"). Not completing the protocol, the trial or the
  treatment ("206 (91.1%) completed the trial"), which trials report as a result, and not a
  count of subjects with data ("Safety data were available from 369 patients"): who was
  studied;
- crossover: subjects who crossed over to the other arm's treatment ("70% of patients in the
  anastrozole alone arm crossed over to receive trastuzumab"); the verb only, with no relative
  pronoun between ("12 of 30 patients who crossed over responded" counts a result of those who
  did), never the noun of a crossover design;
- expectations: the figures after a modal in a clause that opens with an expectation ("We expect
  the use of a spacer could reduce the occurrence of telangiectasia to 7.7%"), up to a clause
  end (a strong boundary or ":"): a plan, not a result; not "as expected" or "than expected"
  (no subject) nor a clause without a modal;
- treatment delivered, pooled: a percentage of subjects who received an amount of treatment
  ("Compliance with CT was good: 96.9% of patients received six cycles"), a figure of subjects
  after a dose's value ("Epirubicin cumulative dose was <300 mg/m2 in 1045 patients"), when
  the figure names no arm: an arm's "Forty-eight patients in the STD arm received six courses"
  is its size, and dose reductions are results ("45% required dose reductions").

Reads only the sentence text and the figures (their offsets, numbers and, for treatment
delivered, their arms); each test looks at a bounded window around a figure, so a sentence costs
time linear in its length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_lexicon_attach import list_words, longest_first
from pipeline.components.outcome_tokens import Figure

# the keys this module adds to the lexicon
CONDUCT_LISTS: tuple[str, ...] = (
    "completion_verbs",
    "assessment_nouns",
    "data_nouns",
    "availability_words",
    "delivery_verbs",
    "dose_units",
    "crossover_verbs",
    "expectation_openers",
    "expectation_modals",
    "conduct_auxiliaries",
    "conduct_determiners",
    "copulas",
    "availability_prepositions",
    "timepoint_prepositions",
    "amount_openers",
    "planned_amount_words",
    "dose_value_comparators",
)

# How far (characters) after a figure its predicate is read, and before it a phrase that names
# it.
PREDICATE_REACH = 120
# How far apart (characters) two figures of one list may stand ("84.0% and 82.5%").
LIST_GAP = 20
# How far (characters) before a figure the samples its subjects gave are looked for.
SAMPLED_REACH = 80


# a bracket right after a figure ("94% (n = 120) completed ...")
_BRACKET = r"(?:\s*+[(\[][^()\[\]]{0,80}[)\]])?"


def _ascii_lower(text: str, low: str) -> str | None:
    """`low` (`text.lower()`) where `_may_hold` can test it: ASCII text (outside ASCII, case
    folding may match other letters: "ſ" is "s"); else None."""
    return low if text.isascii() else None


def _gate(words: Iterable[str]) -> re.Pattern[str]:
    """One of `words` (lower case) anywhere, for `_may_hold`."""
    return re.compile("|".join(re.escape(w) for w in longest_first(words)))


def _may_hold(low: str | None, words: re.Pattern[str]) -> bool:
    """False only where no case-insensitive regex that needs one of the `_gate` words can match
    the text whose `_ascii_lower` is `low`."""
    return low is None or words.search(low) is not None


class ConductRules:
    """The conduct word lists compiled to regexes (read-only after construction)."""

    def __init__(self, data: dict[str, Any]) -> None:
        low = {k: frozenset(w.lower() for w in data[k]) for k in CONDUCT_LISTS}
        # the cheap tests first: each regex below needs one of these words (the longest word of
        # each entry, lower-cased, the rarest) in an ASCII sentence, and most sentences hold
        # none; a word that holds another is left out (the shorter one is found in it)
        def gate_words(*keys: str) -> re.Pattern[str]:
            words = {max(w.split(), key=len) for k in keys for w in low[k]}
            return _gate({w for w in words if not any(o != w and o in w for o in words)})

        self._noun_words = gate_words("assessment_nouns", "data_nouns")
        self._cross_words = gate_words("crossover_verbs")
        self._available_words = gate_words("availability_words")
        self._delivery_words = gate_words("delivery_verbs")
        self._dose_words = _gate({w.lower().split()[0] for w in data["dose_nouns"]})
        self._expectation_words = gate_words("expectation_openers")
        # a timepoint right after a predicate ("at 3 months", "after the second cycle")
        when = (rf"(?:\s+(?:{_alt(low['timepoint_prepositions'])})\s+(?:the\s+)?[\w-]+"
                rf"(?:\s+[\w-]+)?)?")  # fmt: skip
        self._build_data_regexes(data, low, when)
        self._build_crossover_regexes(data, low)
        self._build_expectation_regexes(data, low)
        self._build_delivery_regexes(data, low)

    def _build_data_regexes(self, data: dict[str, Any], low: dict[str, frozenset[str]],
                            when: str) -> None:  # fmt: skip
        """Who completed assessments or gave data, and the figures listed with them."""
        nouns = _alt(low["assessment_nouns"] | low["data_nouns"])
        data_nouns = _alt(low["data_nouns"])
        available = _alt(low["availability_words"])
        have = _alt(low["conduct_auxiliaries"])
        # "94% of participants completed assessments at 3 months", "80% (n = 96) returned the
        # 6-month questionnaire", "84% had complete data available": the predicate right after
        # the figure (a timepoint may end it)
        self.completed_re = re.compile(
            rf"{_BRACKET}\s+(?:(?:{have})\s+)?(?:(?:{_alt(low['completion_verbs'])})\s+"
            rf"(?:(?:{_alt(low['conduct_determiners'])})\s+)?(?:[\w-]+\s+){{0,2}}?(?:{nouns})\b"
            rf"|(?:{have}|with)\s+(?:[\w-]+\s+){{0,2}}?(?:{data_nouns})\s+(?:{available})\b)"
            rf"{when}",
            re.IGNORECASE,
        )
        # "blood samples were available for 84.0%", "data were available in 91% of ...": the
        # phrase right before the figure
        self.available_before_re = re.compile(
            rf"\b(?:{data_nouns})\s+(?:{_alt(low['copulas'])})\s+(?:[\w-]+\s+)?(?:{available})"
            rf"\s+(?:{_alt(low['availability_prepositions'])})\s+$",
            re.IGNORECASE,
        )
        # "Tumour samples from 312 of the 420 patients (74%)", "blocks were collected from 250
        # (60%)": the subjects samples came from, the phrase right before the figure
        self.sampled_from_re = re.compile(
            rf"\b(?:{data_nouns})(?:\s+[\w-]+){{0,3}}?\s+from\s+(?:the\s+)?"
            r"(?:\d[\d,]*\s+(?:of\s+(?:the\s+)?)?)?\(?\s*$",
            re.IGNORECASE,
        )
        # "... from 250 (60%) of the 420 patients": the whole the subjects were of
        self.sampled_whole_re = re.compile(r"\s*\)?\s*of\s+(?:the\s+)?")
        # ", and 97% at 6 months": the next figure of the predicate, its own words a timepoint
        self.and_next_re = re.compile(
            rf"\s*,?\s*(?:{_alt(data['clause_openers'])})\s+", re.IGNORECASE
        )
        self.elided_re = re.compile(rf"{when}\s*(?:[.;,)]|$)", re.IGNORECASE)
        # what may follow the last of such a list, which has no predicate of its own (not
        # "90% and 12% relapsed"): a timepoint and the clause's end, or the pool the shares are
        # of and a respectively word ("84.0% and 82.5% of the A and B groups, respectively")
        respectively = _alt(data["respectively_words"])
        self.listed_pool_re = re.compile(
            rf"\s+of\s+[^.;()]{{0,60}}?,?\s*(?:{respectively})\b", re.IGNORECASE
        )
        # "84.0% and 82.5%": one list (a list connector word that compares nothing)
        self.listed_re = re.compile(
            rf"\s*(?:,\s*)?(?:(?:{_alt(list_words(data))})\s+)?", re.IGNORECASE
        )

    def _build_crossover_regexes(self, data: dict[str, Any],
                                 low: dict[str, frozenset[str]]) -> None:  # fmt: skip
        """Who crossed over: the figure's verb a few words on, and no preposition before it."""
        relative = _alt(data["relative_pronouns"])
        # the figure the object of a preposition ("Response was seen in 40% of patients crossed
        # over to letrozole": the response of those who did), not the verb's subject
        self.preposition_before_re = re.compile(
            rf"\b(?:{_alt(data['prepositions'])})\s+$", re.IGNORECASE
        )
        # "70% of patients in the anastrozole alone arm crossed over": the figure's verb, a few
        # words on in its clause, no relative pronoun before it
        self.crossed_re = re.compile(
            rf"{_BRACKET}(?:\s++(?!(?:{relative})\b)[^\W\d_][\w-]*+){{0,8}}?\s++"
            rf"(?:{_alt(low['crossover_verbs'])})\b",
            re.IGNORECASE,
        )

    def _build_expectation_regexes(self, data: dict[str, Any],
                                   low: dict[str, frozenset[str]]) -> None:  # fmt: skip
        """ "We expect the use of a spacer could reduce ... to 7.7%": an expectation, its modal,
        and the clause's end (a strong boundary, a colon, or a comma and a clause opener)."""
        self.expectation_re = re.compile(
            rf"\b(?:{_alt(low['expectation_openers'])})\b", re.IGNORECASE
        )
        self.expectation_modal_re = re.compile(
            rf"\b(?:{_alt(low['expectation_modals'])})\b", re.IGNORECASE
        )
        # (a comma and a clause opener or "which" starts the next clause: "We hypothesized that
        # X would be superior, and the response rate was 40%" reports a result)
        openers = _alt([*data["clause_openers"], *data["relative_pronouns"]])
        self.clause_end_re = re.compile(
            rf"[;:]|,\s*(?:{openers})\b"
            rf"|\b(?:{_alt(w for w in data['strong_boundaries'] if w.isalpha())})\b",
            re.IGNORECASE,
        )
        # "As we predicted, ...", "as expected": the expectation met, a result follows
        self.as_before_re = re.compile(r"\bas\s+$", re.IGNORECASE)

    def _build_delivery_regexes(self, data: dict[str, Any],
                                low: dict[str, frozenset[str]]) -> None:  # fmt: skip
        """Treatment delivered: an amount after the figure's verb, a dose's value before it."""
        # "96.9% of patients received six cycles", "90% were given all planned doses": an
        # amount of treatment right after the figure's verb
        amount = (
            rf"(?:(?:{_alt(low['amount_openers'])}|[≥>]=?)\s*)*"
            rf"(?:\d+|{_alt(data['number_words'])}|{_alt(low['planned_amount_words'])})\s+"
            rf"(?:[\w-]+\s+)?(?:{_alt(data['amount_nouns'])})\b"
        )
        self.received_re = re.compile(
            rf"{_BRACKET}\s+(?:(?:{_alt(low['conduct_auxiliaries'])})\s+)?"
            rf"(?:{_alt(low['delivery_verbs'])})\s+{amount}",
            re.IGNORECASE,
        )
        # "cumulative dose was <300 mg/m2 in 1045 patients": the subjects a dose's value was
        # given to (not "dose was reduced by 25 mg in 12 patients": a verb between)
        self.dose_value_before_re = re.compile(
            rf"\b(?:{_alt(data['dose_nouns'])})s?\s+(?:(?:{_alt(low['copulas'])})\s+)?"
            rf"(?:(?:[<>≤≥=]|{_alt(low['dose_value_comparators'])})\s*)*"
            r"\d[\d.,]*(?:\s*[-–]\s*\d[\d.,]*)?\s*"
            rf"(?:{_alt(low['dose_units'])})(?:/[\w()]+)?\s+(?:in|among)\s+$",
            re.IGNORECASE,
        )

    def conduct_figures(self, figures: list[Figure], text: str, low_text: str) -> set[int]:
        """Indices of `figures` (a sentence's, in order) that say how the trial was run or
        what it expected: figures of an expectation; subjects who crossed over; percentages of
        subjects who completed assessments or whose data or samples were available, with the
        bare percentages listed with them or sharing their predicate ("... completed
        assessments at 3 months, and 97% at 6 months"). `low_text`: `text.lower()`."""
        out: set[int] = set()
        low = _ascii_lower(text, low_text)
        expected = self._expected(text, low)
        crossed = _may_hold(low, self._cross_words)
        # (assessments and data only for percentages)
        nouns = any(f.pct is not None for f in figures) and _may_hold(low, self._noun_words)
        if not (expected or crossed or nouns):
            return out  # (most sentences)
        available = nouns and _may_hold(low, self._available_words)
        follows = -1  # where a figure that shares the last one's predicate starts
        for k, f in enumerate(figures):
            if expected and any(a <= f.start < b for a, b in expected):
                out.add(k)
                continue
            bare = f.count is None and f.num is None and not f.has_pop
            prev = figures[k - 1] if k else None
            if prev is not None and k - 1 in out and bare and f.pct is not None and (
                (f.start == follows and self.elided_re.match(text, f.end))
                or (f.start - prev.end <= LIST_GAP
                    and self.listed_re.fullmatch(text, prev.end, f.start)
                    and (self.elided_re.match(text, f.end)
                         or self.listed_pool_re.match(text, f.end)))
            ):  # fmt: skip
                out.add(k)
                continue
            if crossed and self.crossed_re.match(
                text, f.end, min(len(text), f.end + PREDICATE_REACH)
            ) and not self.preposition_before_re.search(text, max(0, f.start - 20), f.start):
                out.add(k)
                continue
            if not nouns:
                continue
            if prev is not None and k - 1 in out and self.sampled_whole_re.fullmatch(
                text, prev.end, f.start
            ) and self.sampled_from_re.search(text, max(0, prev.start - SAMPLED_REACH), prev.start):
                out.add(k)
                continue
            if f.pct is None:
                continue
            m = self.completed_re.match(text, f.end, min(len(text), f.end + PREDICATE_REACH))
            if m is not None:
                out.add(k)
                nxt = self.and_next_re.match(text, m.end())
                follows = nxt.end() if nxt else -1
            elif (available and self.available_before_re.search(
                text, max(0, f.start - PREDICATE_REACH), f.start
            )) or self.sampled_from_re.search(text, max(0, f.start - SAMPLED_REACH), f.start):
                out.add(k)
        return out

    def _expected(self, text: str, low: str | None) -> list[tuple[int, int]]:
        """Where the sentence (`low`: its `_ascii_lower`) states an expectation: from the first
        modal after each expectation opener to its clause's end (`clause_end_re`); none without
        a modal."""
        if not _may_hold(low, self._expectation_words):
            return []
        out: list[tuple[int, int]] = []
        for m in self.expectation_re.finditer(text):
            if self.as_before_re.search(text, max(0, m.start() - 4), m.start()):
                continue
            end_m = self.clause_end_re.search(text, m.end())
            end = len(text) if end_m is None else end_m.start()
            modal = self.expectation_modal_re.search(text, m.end(), end)
            if modal is not None:
                out.append((modal.start(), end))
        return out

    def delivered(self, figures: list[Figure], text: str, low_text: str) -> set[int]:
        """Indices of `figures` (after arms are tied) that say how much treatment subjects of no
        named arm received: a percentage followed by a delivery verb and an amount ("96.9% of
        patients received six cycles"), or a figure right after a dose's value ("cumulative
        dose was <300 mg/m2 in 1045 patients"). `low_text`: `text.lower()`."""
        out: set[int] = set()
        low = _ascii_lower(text, low_text)
        delivery = _may_hold(low, self._delivery_words)
        dose = _may_hold(low, self._dose_words)
        if not (delivery or dose):
            return out  # (most sentences)
        if any(f.arm is not None or f.compared for f in figures):
            return out  # (a sentence that names or compares arms: each arm's figure stays)
        for k, f in enumerate(figures):
            if f.arm is not None or f.compared or f.each_arm:
                continue
            received = delivery and f.pct is not None and self.received_re.match(
                text, f.end, min(len(text), f.end + PREDICATE_REACH)
            )
            lo = max(0, f.start - PREDICATE_REACH)
            if received or (dose and self.dose_value_before_re.search(text, lo, f.start)):
                out.add(k)
        return out
