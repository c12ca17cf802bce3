"""Figures of what would happen, not of what happened (`HypotheticalRules`, a base of
`outcome_scope.ScopeRules`, built from its word lists):

- a condition contrary to fact that opens the sentence and a modal in its first stretch: the
  figures of the condition and of the stretch's clauses that hold the modal ("If the true
  relapse rate were 20%, the trial would detect a 10% difference"; `conditional_stretch`,
  `conditional_figure`); not a condition without a modal;
- a figure right beside a modal of prevention or need ("Treating 100 women for 5 years would
  prevent 5 recurrences"; `hypothetical_effect`), not "could" ("Complete response could be
  achieved in 18 of 25 patients (72%)");
- one event right after "to" and a verb of purpose ("the number needed to treat to prevent one
  relapse"; `purpose_count`).

Reads only the sentence text and a figure's offsets; the one state is a cache of whether the
last sentence asked about may hold a modal.
"""

from __future__ import annotations

import re

from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_tokens import lowered

# How far (characters) on each side of a figure a modal of an effect is looked for, and how many
# words may stand between the figure and a modal after it.
HYPOTHETICAL_REACH = 80
HYPOTHETICAL_WORDS = 4


class HypotheticalRules:
    """The regexes of conditions, modals and purposes (built by `_build_modal_regexes` and
    `_build_purpose_regexes` from the scope word lists, lower-cased), and the tests that read
    them."""

    def _build_modal_regexes(self, low: dict[str, frozenset[str]]) -> None:
        """Conditions and what an action would bring about: hypothetical figures."""
        self._modal_text: str | None = None
        self._modal = True
        # "If the true rate were 20%, the trial would ...": a condition opening the sentence,
        # "would prevent 5 recurrences": what an action would bring about
        self.condition_re = re.compile(rf"\s*(?:{_alt(low['condition_openers'])})\b", re.IGNORECASE)
        modals = _alt(low["hypothetical_modals"])
        # (their first words, for `_has_modal`: a regex may match "might  well" where a
        # phrase's spaced form is not a substring)
        self.hypothetical_modals = tuple(sorted({w.split()[0] for w in low["hypothetical_modals"]}))
        self.counterfactual_re = re.compile(
            rf"\b(?:{_alt(low['counterfactual_markers'])})\b", re.IGNORECASE
        )
        self.modal_re = re.compile(rf"\b(?:{modals})\b", re.IGNORECASE)
        effect = (
            rf"\b(?:{modals})\s+(?:not\s+)?(?:have\s+)?(?:be\s+|been\s+)?"
            rf"(?:{_alt(low['hypothetical_verbs'])})\b"
        )
        # the figure, at most HYPOTHETICAL_WORDS words (no comma), then the modal
        # ("100 women for 5 years would prevent"); the modal, two words, then the figure
        # ("would prevent 5 recurrences", "would avoid about 3 deaths")
        words = r"(?:[\w-]++\s++)"
        self.modal_after_re = re.compile(
            rf"\)?\s*+{words}{{0,{HYPOTHETICAL_WORDS}}}{effect}", re.IGNORECASE
        )
        self.modal_before_re = re.compile(rf"{effect}\s++{words}{{0,2}}$", re.IGNORECASE)

    def _build_purpose_regexes(self, low: dict[str, frozenset[str]]) -> None:
        """A count in a purpose clause."""
        # "the number needed to treat to prevent one relapse": a count in a purpose clause
        self.infinitive_before_re = re.compile(
            rf"\b(?:{_alt(low['purpose_heads'])})\s+to\s+"
            rf"(?:{_alt(low['infinitive_count_verbs'])})\s+$",
            re.IGNORECASE,
        )

    def conditional_stretch(self, text: str) -> tuple[int, int]:
        """ "If the true response rate were 20%, the trial would have ...": where the
        sentence's stretch that opens on a condition contrary to fact (a counterfactual marker
        before its first comma) and holds a modal ends (its first ";"), and where its condition
        ends (its first comma); (0, 0) if it has none. Not "If left untreated, 30% of patients
        relapse; in our trial, 5 of 50 (10%) relapsed": no modal, and a stretch after the ";"
        is the trial's."""
        if not self.condition_re.match(text):
            return 0, 0
        end = text.find(";")
        end = len(text) if end < 0 else end
        comma = text.find(",", 0, end)
        comma = end if comma < 0 else comma
        if not self.counterfactual_re.search(text, 0, comma):
            return 0, 0  # ("If you exclude ineligible patients, response would be 45% vs 30%")
        return (end, comma) if self.modal_re.search(text, 0, end) else (0, 0)

    def conditional_figure(self, text: str, start: int, end: int,
                           stretch: tuple[int, int]) -> bool:  # fmt: skip
        """Is text[start:end], in a `conditional_stretch`, what would happen: in its condition
        ("If the true rate were 20%, ...") or in a clause of it that holds a modal ("..., the
        trial would detect a 10% difference"); not a clause that reports ("If only evaluable
        patients were considered, the response rate was 55% (22 of 40), which would favour
        arm A"). The clause is read at most HYPOTHETICAL_REACH characters each side."""
        stretch_end, condition_end = stretch
        if start >= stretch_end:
            return False
        if start < condition_end:
            return True
        lo = max(condition_end, start - HYPOTHETICAL_REACH)
        hi = min(stretch_end, end + HYPOTHETICAL_REACH)
        comma = text.rfind(",", lo, start)
        lo = lo if comma < 0 else comma
        comma = text.find(",", end, hi)
        hi = hi if comma < 0 else comma
        return self.modal_re.search(text, lo, hi) is not None

    def hypothetical_effect(self, text: str, start: int, end: int) -> bool:
        """ "Treating 100 women for 5 years would prevent 5 recurrences", "up to 30% of
        recurrences would be prevented": a modal and a verb of what an action would prevent or
        need, at most HYPOTHETICAL_WORDS words after text[start:end] or two words before it
        (read in windows of HYPOTHETICAL_REACH characters). Not "could" ("Complete response
        could be achieved in 18 of 25 patients"), not a modal of other verbs ("85% would
        recommend the treatment"), not one farther off ("85% would recommend the treatment
        and fewer visits would be needed")."""
        if not self._has_modal(text):
            return False  # (most sentences: both regexes need a hypothetical modal)
        if self.modal_after_re.match(text, end, min(len(text), end + HYPOTHETICAL_REACH)):
            return True
        lo = max(0, start - HYPOTHETICAL_REACH)
        return self.modal_before_re.search(text, lo, start) is not None

    def _has_modal(self, text: str) -> bool:
        """Whether a hypothetical_modals word may stand in the text (a substring test of the
        lower-cased text, where that finds what the case-insensitive regexes find:
        `outcome_tokens.lowered`); kept for the last sentence asked about."""
        if text is not self._modal_text:
            low = lowered(text)
            self._modal_text = text
            self._modal = low is None or any(w in low for w in self.hypothetical_modals)
        return self._modal

    def purpose_count(self, text: str, start: int) -> bool:
        """ "The number needed to treat to prevent one relapse was 12": one thing right after
        "to" and a verb of purpose is what an action would bring about, not what happened (the
        caller checks the count is one)."""
        return self.infinitive_before_re.search(text, max(0, start - 30), start) is not None
