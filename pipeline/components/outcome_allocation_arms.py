"""The arm each size of an allocation list gives, read as a list (`biotab_outcomes`).

"randomly assigned to 3-week cycles of either ABI-007 260 mg/m(2) intravenously without
premedication (n = 229) or standard paclitaxel 175 mg/m(2) intravenously with premedication (n =
225)", "randomly assigned to receive either fulvestrant (250 mg, via intramuscular injection,
once monthly; n = 313) or tamoxifen (20 mg, orally, once daily; n = 274)", "randomly divided into
a parecoxib group (n=20) and a control group (n=20)", "to usual care (n = 102) or supervised
aerobic and resistance exercise (n = 102)": where a sentence allocates its subjects
(`Lexicon.allocation_stretch_re`: an allocation word and "to"/"into"/a colon, or "either"), the
brackets of the arms' sizes (an enrollment figure, "(n = N)" or "(N patients)", first or last in
its bracket) split the list into its members: each member runs from the list's start (past a
colon: "to one of three arms: intervention (n=690), ...") or from the bracket before it, past a
list joiner (a comma, "or", "and", "versus", "compared to/with", "to"), to its size's bracket.
A member that no joiner opens ends the list; one with a comma,
semicolon or colon outside brackets is none ("assigned to letrozole, 60 women with ... (n =
60)").

A member's arm is its first words past the list's openers ("either", "receive", determiners, "a
3-week cycle of either"), up to the first word that starts with a digit (a dose: "ABI-007 260
mg/m(2)"), a preposition or a relative pronoun ("a control group who maintained ...", "an
intervention group to receive laser therapy"), at most MAX_NAME_WORDS words and short brackets
("patient-selected live music (LM) preoperatively"; not one lower-case word a number follows:
"every 12 weeks (n = 911)"); a member that starts with a drug is that
drug with the drugs joined to it (`outcome_arms.combined_drugs`: "lapatinib 1250 mg/d
continuously plus capecitabine": "lapatinib"). No arm for a member of a number and units ("50 mg
(n = 57)": the dose of the arm named before it), of subjects ("60 women (n = 60)"), of more
words than MAX_MEMBER_WORDS, or that opens on a number word, a preposition or a relative pronoun.
`outcome_arms.note_arms` asks for it only when the size's own rules (`size_arm`,
`size_label_after`) name no arm. Reads the sentence's text, figures and drug mentions.

`listed_size_arm` (one of `size_arm`'s own rules, moved here from `outcome_arms.py`) reads one
"(n = N)" alone: the member of an allocation list right before its bracket.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipeline.components.outcome_tokens import Figure, Mention

if TYPE_CHECKING:
    from pipeline.components.outcome_context import SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

#: Most words (and short brackets) of an arm's name; of a member, from its start to its size.
MAX_NAME_WORDS = 6
MAX_MEMBER_WORDS = 16

# a word, or a short bracket ("(LM)", "(non-IT)") that may stand inside a name
_PART = re.compile(r"\([^()\s][^()]{0,11}\)|[^\s(),;:]+")
_DIGIT_START = re.compile(r"\d")
_LETTER = re.compile(r"[A-Za-z]")
# what joins a member to the bracket before it
_JOINER = re.compile(
    r"\s*[,;]?\s*(?:(?:(?:or|and|versus|to|compared\s+(?:to|with))\b|vs\.?|v\.)\s*)*",
    re.IGNORECASE,
)


def _bracket(text: str, f: Figure) -> Span | None:
    """The round bracket the size is first or last in (its open and close), or None."""
    b = text.rfind("(", 0, f.start)
    if b < 0 or ")" in text[b : f.start]:
        return None
    c = text.find(")", f.end)
    if c < 0 or "(" in text[f.end : c]:
        return None
    before, after = text[b + 1 : f.start].strip(), text[f.end : c].strip()
    if (before and before[-1] not in ",;") or (after and after[0] not in ",;"):
        return None  # "(25 aged 60 or more, n = 12 ...)": not an entry of its own
    return b, c


class AllocationList:
    """The sentence's allocation list, read once when a size asks (most sentences never do)."""

    def __init__(self, figures: list[Figure], text: str, sm: SentenceMentions,
                 combine: Callable[[Mention], Span]) -> None:  # fmt: skip
        """`combine`: the arm a drug is given in, with the drugs joined to it (sentence
        offsets: `outcome_arms.combined_drugs`)."""
        self.figures, self.text, self.sm, self.combine = figures, text, sm, combine
        self._arms: dict[int, Span] | None = None

    def arm(self, f: Figure) -> Span | None:
        """The arm of the list the size `f` gives, or None."""
        if self._arms is None:
            self._arms = self._read()
        return self._arms.get(f.start)

    def _read(self) -> dict[int, Span]:
        lex, text = self.sm.lex, self.text
        m = lex.allocation_stretch_re.search(text)
        if m is None:
            return {}
        start = m.start("list")
        brackets: list[tuple[Figure, Span]] = []
        for g in self.figures:
            if (g.start < start or g.measure != "enrollment" or g.each_arm
                    or not (g.n_form or (g.count is not None and g.has_pop))):  # fmt: skip
                continue
            span = _bracket(text, g)
            if span is not None and (not brackets or span[0] > brackets[-1][1][1]):
                brackets.append((g, span))
        out: dict[int, Span] = {}
        lo = start
        for k, (g, (b, c)) in enumerate(brackets):
            if k == 0:
                colon = text.rfind(":", lo, b)
                if colon >= 0 and text.count("(", lo, colon) == text.count(")", lo, colon):
                    lo = colon + 1  # "into 2 groups: a music (LM) group (n = 20)"
            else:
                joined = _JOINER.match(text, lo, b)
                if joined is None or (joined.end() == lo and text[lo:b].strip()):
                    break  # ") were given ...": the list has ended
                lo = joined.end()
            name = _member_arm(lex, self.sm, text, lo, b, self.combine)
            if name is not None:
                out[g.start] = name
            lo = c + 1
        return out


def _member_arm(lex: Lexicon, sm: SentenceMentions, text: str, lo: int, hi: int,
                combine: Callable[[Mention], Span]) -> Span | None:  # fmt: skip
    """The arm the member text[lo:hi] names (the module docstring), or None."""
    parts = [(p.start(), p.end(), p.group().lower()) for p in _PART.finditer(text, lo, hi)]
    if len(parts) > MAX_MEMBER_WORDS or _BREAK.search(_BRACKETED.sub("", text[lo:hi])):
        return None  # "to letrozole, 60 women with ... (n = 60)": no member of the list
    if any(w in lex.auxiliaries for _, _, w in parts):
        return None  # "a trial of a mailed intervention was undertaken among 68 dyads (n = 136)"
    openers = lex.allocation_member_openers | lex.determiners | _ARTICLES | lex.alternative_openers
    for k, (_, _, w) in enumerate(parts):
        if w in lex.alternative_openers:
            parts = parts[k + 1 :]  # "3-week cycles of either ABI-007 ...": the member's own
            break
    while parts and parts[0][2] in openers:
        parts = parts[1:]
    if not parts or not _LETTER.search(parts[0][2]):
        return None  # "50 mg (n = 57)", "(10)": no name
    first = parts[0][2]
    if (first in lex.prepositions or first in lex.relative_pronouns or first in lex.number_words
            or first in lex.pop):  # fmt: skip
        return None
    k = bisect.bisect_left(sm.drug_starts, sm.base + parts[0][0])
    if k < len(sm.drugs) and sm.drugs[k].start == sm.base + parts[0][0]:
        s, e = combine(sm.drugs[k])
        return (s, e) if e <= hi else None
    name: list[tuple[int, int, str]] = []
    for s, e, w in parts:
        if name and (_DIGIT_START.match(w) or w in lex.prepositions or w in lex.relative_pronouns):
            if len(name) == 1 and text[name[0][0]].islower() and _DIGIT_START.match(w):
                return None  # "every 12 weeks (n = 911)": a schedule's word, no name
            break
        name.append((s, e, w))
    if len(name) > MAX_NAME_WORDS or all(w in lex.pop or w.startswith("(") for _, _, w in name):
        return None
    return name[0][0], name[-1][1]


_ARTICLES = frozenset({"a", "an"})
_BRACKETED = re.compile(r"\([^()]*\)")
_BREAK = re.compile(r"[,;:]")


_BRACKET_LABEL = re.compile(r"[A-Za-z]")
_NUMBER = re.compile(r"[\d.,/]+")
_OTHER_SIZE = re.compile(r"\bn\s*=", re.IGNORECASE)

#: How far before an "(n = N)" its bracket may open ("(100 mg/day; n=50)"), and how many
#: characters an allocation list's member and its separator may take.
SIZE_BRACKET_CHARS = 40
MEMBER_CHARS = 80


def listed_size_arm(f: Figure, text: str, lex: Lexicon) -> tuple[int, int] | None:
    """ "randomly assigned to in-person counseling (n = 33), telephone counseling (n = 34), or
    usual care (UC) (n = 33)", "randomized to magnesium (100 mg/day; n=50) or placebo": the
    allocation list's member right before the bracket an "(n = N)" is in
    (`Lexicon.allocation_member_re`), in a list an allocation word and "to" open
    (`allocation_opener_re`: "randomized to", "were allocated to") and that runs without a
    break to the member (`_continues_allocation`). Not a subgroup's size ("Patients with stage
    III disease (n = 45)": no allocation; "..., and those with lymphedema (n = 12)": subjects),
    nor a member with a bracket or comma in it, nor a dose."""
    if not f.n_form:
        return None
    b = text.rfind("(", max(0, f.start - SIZE_BRACKET_CHARS), f.start)
    if b < 0 or ")" in text[b : f.start]:
        return None
    close = text.find(")", f.end)
    if _BRACKET_LABEL.search(text, f.end, len(text) if close < 0 else close) or (
        _OTHER_SIZE.search(text, b, f.start)
    ):
        return None  # "(n = 35, vandetanib; n = 29, placebo)": the bracket names its arms
    m = lex.allocation_member_re.search(text, max(0, b - MEMBER_CHARS), b)
    if m is None or not _continues_allocation(lex, text, m.start()):
        return None
    words = m["arm"].split()
    if all(_NUMBER.fullmatch(w) or w.lower() in lex.units for w in words):
        return None  # "modafinil, 400 mg (N=10)": the dose of the arm named before it
    low = [w.lower() for w in words]
    if low[0] in lex.prepositions or low[0] in lex.relative_pronouns or any(
        w in lex.pop for w in low
    ):
        return None  # "and those with lymphedema (n = 12)", "60 women (n = 60)": subjects
    return m.span("arm")


def _continues_allocation(lex: Lexicon, text: str, sep: int) -> bool:
    """Does the list member whose separator starts at `sep` belong to an allocation list: its
    separator is the "to" an allocation word opens ("were randomized to A (n = 40)"), a colon
    after one ("assigned to three groups: controls (n = 8), ..."), or it follows the bracket of
    the member before, which belongs to it in turn ("to A (n = 33), telephone counseling",
    "(n = 40) or usual care")? Not a member after other words ("After being randomized to
    letrozole, women with node-positive disease (n = 45)"), nor a list no allocation word opens
    ("hyperkalemia (n = 33) or renal failure (n = 34)")."""
    for _ in range(MAX_MEMBERS):
        if text[sep] == ":":
            # "randomly assigned to three groups: untreated controls (n = 8), ..."
            window = text[max(0, sep - OPENER_CHARS) : sep]
            opener = lex.allocation_opener_re.search(window)
            return opener is not None and not any(c in window[opener.end() :] for c in "();")
        if text[sep : sep + 2].lower() == "to":
            last = None
            for last in lex.allocation_opener_re.finditer(  # noqa: B007
                text, max(0, sep - OPENER_CHARS), sep + 2
            ):
                pass
            return last is not None and last.end() == sep + 2
        before = text[:sep].rstrip(" ,")
        if not before.endswith(")"):
            return False
        opened = before.rfind("(", max(0, len(before) - SIZE_BRACKET_CHARS))
        if opened < 0:
            return False
        m = lex.allocation_member_re.search(text, max(0, opened - MEMBER_CHARS), opened)
        if m is None:
            return False
        sep = m.start()
    return False


#: How far before an allocation list's "to" its allocation word may start, and how many members
#: before a size's its list is followed back to that "to".
OPENER_CHARS = 60
MAX_MEMBERS = 12
