"""The timepoint regexes (`TimepointRegexes`): "at 12 weeks", "at week 12", "5-year survival",
"at the end of treatment", and the cheap gates tried before them. Their time units are the
lexicon's `time_units` keys, nowhere else: a word taken out of that map is no timepoint's unit.
`outcome_lexicon.Lexicon` inherits `TimepointRegexes` and builds them after its word sets."""

from __future__ import annotations

import re
from typing import Any

from pipeline.components.outcome_lexicon_attach import alt, longest_first


def unit_names(time_units: dict[str, str]) -> tuple[set[str], set[str]]:
    """`time_units` keys split into the names (a key that is its unit's singular: "week",
    "hour") and the other forms ("weeks", "wks", "h")."""
    names = {w for w, unit in time_units.items() if w + "s" == unit}
    return names, set(time_units) - names


def _letter_first(short: set[str], forms: set[str]) -> str:
    r"""The gate's regex for the unit forms that are no names: what
    `\b(?:h)\b|(?:wks|hrs|...)\b|end\s+of` finds (`short`: the one-letter forms, `forms`: the
    others), with every alternative opening on a letter: a one-letter form's word start is
    checked behind it (`h(?<!\wh)`).
    Python's regex engine then tries only the positions where one of those letters stands; an
    alternation that opens on `\b` is tried at every position (four times slower on the
    sentences without a unit)."""
    if not short or not forms:
        # (an empty alternation matches at every word boundary: that regex as it is)
        return rf"\b(?:{alt(short)})\b|(?:{alt(forms)})\b|end\s+of"
    alternatives = [
        rf"{re.escape(w)}(?<!\w{re.escape(w)})\b"
        if re.fullmatch(r"\w", w)
        else rf"\b{re.escape(w)}\b"
        for w in sorted(short)
    ]
    alternatives += [rf"{re.escape(w)}\b" for w in longest_first(forms)]
    return "|".join([*alternatives, r"end\s+of"])


class TimepointRegexes:
    """`tp_a` to `tp_d` (read-only once built) and `timepoint_gate` / `may_match_tp_c`."""

    # the lexicon and its number words' alternation they are built from (set before)
    data: dict[str, Any]
    numw: str

    def _build_timepoint_regexes(self) -> None:
        numw = rf"(?:\d+(?:[.·]\d+)?|{self.numw})"  # a number, in digits or in words
        # lowered: the gates search lowered text
        names, forms = unit_names({w.lower(): u for w, u in self.data["time_units"].items()})
        unit = rf"(?:{alt(names | forms)})"
        tail_stop = r"[^,;.()\[\]\d%]"
        self.tp_a = re.compile(
            rf"(?:\b(?P<prep>at|after|within|by|until|beyond|up\s+to|in\s+the\s+first|during)"
            rf"\s+(?:the\s+)?(?:first\s+|initial\s+|last\s+|next\s+)?)?"
            rf"\b{numw}(?:\s*(?:-|–|to|and)\s*{numw})?(?:\s+|\s*-\s*){unit}\b"
            rf"(?P<tail>\s+(?:(?:after|following|post|since|from|into)\s+{tail_stop}{{1,60}}?"
            rf"|(?P<oftail>of\s+{tail_stop}{{1,50}}?))"
            rf"(?=\s*(?:[,;.()\[\]]|$|\s(?:and|but|in|whereas|while)\s)))?",
            re.IGNORECASE,
        )
        self.tp_b = re.compile(
            rf"\b(?:at|by|after|until|on|through)\s+(?:{alt(names | {'visit', 'cycle'})})\s*\d+\b",
            re.IGNORECASE,
        )
        tp_c_tail = (
            rf"(?:{alt(names)})s?(?=\s+(?:overall\s+|progression-free\s+|"
            r"disease-free\s+|event-free\s+|relapse-free\s+|recurrence-free\s+|cumulative\s+|"
            r"actuarial\s+)?(?:survival|mortality|response|remission|relapse|recurrence|rate|"
            r"follow-up|incidence|risk|death|os|pfs)\b)"
        )
        self.tp_c = re.compile(rf"\b{numw}\s*-?\s*{tp_c_tail}", re.IGNORECASE)
        # What every tp_c match contains, searched in lowered ASCII text: tp_c itself starts
        # with a long alternation of number words tried at every word start.
        self._tp_c_tail = re.compile(tp_c_tail)
        self._build_timepoint_gate(names, forms)
        self.tp_d = re.compile(
            r"\bat\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:treatment|therapy|study|trial|"
            r"follow-up)|last\s+follow-up|final\s+(?:visit|follow-up))\b",
            re.IGNORECASE,
        )

    def _build_timepoint_gate(self, names: set[str], forms: set[str]) -> None:
        """What a text with a timepoint contains: a unit's name anywhere ("week12", "5year"),
        another form of a unit ending a word (starting one too when it is a single letter: the
        "h" of "with" is none), "follow-up" or "end of"."""
        forms = {w for w in forms if not any(n in w for n in names)}  # "weeks" holds "week"
        short = {w for w in forms if len(w) == 1}
        rest = rf"\b(?:{alt(short)})\b|(?:{alt(forms - short)})\b|end\s+of"
        self.tp_gate = re.compile(rf"(?i)(?:{alt(names)}|follow-up|{rest})")
        # `tp_gate` on ASCII text, split for speed (an IGNORECASE alternation without a literal
        # prefix is tried at every position): on ASCII, IGNORECASE is matching the lowered text,
        # and the alternatives that need no word boundary are plain substrings.
        self._tp_gate_words = (*sorted(names), "follow-up")
        self._tp_gate_rest = re.compile(_letter_first(short, forms - short))

    def timepoint_gate(self, text: str, low: str | None = None) -> bool:
        """`tp_gate.search(text)`: can the text hold a timepoint at all? (`low`:
        `text.lower()`, when the caller has it)"""
        if not text.isascii():
            return self.tp_gate.search(text) is not None
        low = text.lower() if low is None else low
        return any(w in low for w in self._tp_gate_words) or (
            self._tp_gate_rest.search(low) is not None
        )

    def may_match_tp_c(self, text: str, low: str | None = None) -> bool:
        """False only where `tp_c` finds nothing (`low`: as for `timepoint_gate`)."""
        if not text.isascii():
            return True
        return self._tp_c_tail.search(text.lower() if low is None else low) is not None
