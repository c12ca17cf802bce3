"""Which side of a PICO-corpus abstract an outcomes row's arm names: intervention or control.

Used by `outcomes_pico.py`'s arm score. The corpus marks the arms' names in each abstract as
`intervention` and `control` spans (often several of each: "letrozole", "letrozole (LET)") and
each per-arm number's side by its label (iv-* / cv-*). A row's `arm` is the arm's name as the
abstract writes it ("docetaxel", "the placebo group", "arm B"); `side_of` maps it to a side by
word overlap with the spans, deterministically:

1. Words: lower-cased, split at anything that is not a letter or digit ("docetaxel-epirubicin"
   is two words). Dropped: words without a letter ("75"), dose units ("mg", "m2"), FUNCTION_WORDS
   ("of", "and", "with") and ARM_NOUNS, words any arm may hold ("group", "arm", "patients",
   "therapy", "dose", "cycles", "daily"), except in capitals ("ARM" is an abbreviation). Leading
   digits go ("6FEC100": "fec100"), but a number hyphen-joined to a time word stays one word
   ("3-weekly" is not "weekly"). A word of 4+ letters ending in a single "s" loses it ("gels").
   Negated words are '~word': the first content words after "no", "non", "not" or "without"
   (not "with or without"), up to the next function word, separator or "or" ("no HRT",
   "non-XRT", "without the use of HA-CMC"; "no application in the control group" negates
   "application" only), "X-free" ("fentanyl-free") and "X-" ("DA-").
2. Each side's words are the words of all its spans, plus an abbreviation the abstract gives in
   brackets right after a span ("letrozole (LET)": "let"), plus the initials of each run of 2-5
   words of a span, function words skipped ("whole breast irradiation": "wbi", "fluorouracil,
   epirubicin, and cyclophosphamide": "fec", "hormone replacement therapy": "hrt"). A word of
   both sides' spans ("letrozole" in "ribociclib plus letrozole" / "letrozole alone") tells no
   side and is dropped from both; so is an initial that is the other side's word or initial.
3. A side's score is the number of the arm's words among that side's words; plus its words
   whose negation is among the other side's words (arm "deodorant" against control
   "no-deodorant"); plus CONTROL_WORDS ("placebo", "control") for the control side and
   INTERVENTION_WORDS ("experimental", "study", "intervention", "active") for the intervention
   side unless the other side's spans hold them; plus one for the intervention side when the
   arm combines ("plus", "and", "+", "combined") and the control spans name a monotherapy
   ("alone", "only"), or the reverse. In an abstract that marks only one side, overlap tells
   nothing (every arm may share the marked side's words): only the generic words score.
4. The side with the strictly higher score wins; a tie, or no overlap, is unmapped (None).
5. `side_of` tries, in turn, until one maps: the arm's text; the text that defines it in the
   abstract (never the row's drug text, which for an arm of no drug is another's). The defining text
   of an arm (or of its label without an arm noun: "group SF" is also "SF") is, for each place where
   it is one comma- or semicolon-separated part of a bracket ("RT alone (group A, n=20)", "(SF; n =
   25)"), up to 6 words before the bracket, back to the previous bracket, sentence end or
   "or"/"versus"/"vs"/"compared"/"between"/"either"; for each place where it (or it and an arm
   noun) comes right before a bracket ("Group B (betamethasone; 37 pts)", "the INTRA group
   (intratumoral radiotracer, n=35)"), the bracket's first part; and a generic word right before it
   ("control group 2").

Arms named only by a label the abstract does not define in one of these ways ("48 in group A
and 43 in group P") stay unmapped, and so do arms whose words both sides share. The mapping
trusts the gold spans: where the annotators' iv/cv labels disagree with their own spans (an
abstract whose first-named arm is labelled iv though its spans name the other arm the
intervention) a right arm counts as wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

INTERVENTION = "intervention"
CONTROL = "control"


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS = _set(
    """a an the of and or plus with in on at to for by from vs versus v as per than who which
    that this those these were was be been being is are had has have use using into after then
    followed"""
)
ARM_NOUNS = _set(
    """arm arms group groups cohort cohorts patient patients women woman participant
    participants subject subjects treated treatment treatments therapy therapies receiving
    received receive given regimen regimens condition conditions dose doses dosing schedule
    cycle cycles course courses hour hours day days week weeks month months year years daily
    twice once"""
)
NEGATORS = _set("no non not without")
DOSE_UNITS = _set("mg g kg ml l mcg ug µg m2 iu gy cgy mmol d h hr")
TIME_WORDS = _set("week weeks weekly day days daily month months monthly year years hour hours")
CONTROL_WORDS = _set("placebo control")
INTERVENTION_WORDS = _set("intervention experimental study test investigational active")
MONOTHERAPY_WORDS = _set("alone only monotherapy")
DEFINITION_STOPS = _set("or versus vs compared between either")
DEFINITION_WORDS = 6
_TIMES = "|".join(sorted(TIME_WORDS, key=len, reverse=True))
# a number-time compound, or a word with a trailing minus ("DA-": without DA), or a separator
_TOKEN = re.compile(
    rf"(?i:(\d+-(?:{_TIMES}))\b)|([0-9A-Za-zµ]+)(-(?![0-9A-Za-zµ]))?|([,;:()\[\]]|\.(?:\s|$))"
)
_ABBREVIATION = re.compile(r"\s*[(\[]\s*([^()\[\]]{1,20}?)\s*[)\]]")
_DOSE = re.compile(r"\d+(?:mg|g|kg|ml|mcg|gy|iu)")
_FREE = re.compile(r"([0-9A-Za-zµ]+)-free\b", re.IGNORECASE)
_COMBINED = re.compile(r"\b(?:plus|and)\b|\bcombin|\w\s*\+\s*\w", re.IGNORECASE)


def _word(raw: str) -> str | None:
    """A token as a content word (rule 1), or None when it is dropped. An all-capital token
    ("ARM", "ALNS") is an abbreviation: never dropped as a function word or arm noun."""
    token = raw.lower()
    if not re.search(r"[a-zµ]", token) or _DOSE.fullmatch(token):
        return None
    if token.isalnum():
        token = token.lstrip("0123456789")  # "6FEC100" is FEC100 given 6 times
    if len(raw) >= 2 and raw.isupper():
        return token
    if token in FUNCTION_WORDS or token in ARM_NOUNS or token in DOSE_UNITS:
        return None
    if len(token) >= 4 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def words(text: str) -> set[str]:
    """The content words of an arm or span text (rule 1); a negated word is '~word'. A negator
    reaches the first content word after it and the content words right after that one ("no
    systemic treatment", not "control" in "no application in the control group"); "X-free" is
    "no X"."""
    out: set[str] = set()
    pending = scope = False  # a negator waits for its word / holds over a run of words
    previous = ""
    for m in _TOKEN.finditer(_FREE.sub(r"no \1,", text)):
        if m.group(4):
            pending = scope = False
            previous = ""
            continue
        raw = m.group(1) or m.group(2)
        token = raw.lower()
        if token in NEGATORS:
            if not (token == "without" and previous == "or"):
                pending, scope = True, False
        elif token in ("or", "versus", "vs"):
            pending = scope = False
        elif _word(raw) is None and token in FUNCTION_WORDS:
            scope = False
        else:
            w = _word(raw)
            if w is not None:
                out.add("~" + w if pending or scope or m.group(3) else w)
            if pending:
                pending, scope = False, True
        previous = token
    return out


def initials(text: str) -> set[str]:
    """The initials of each run of 2-5 words of `text`, function words and numbers skipped
    (rule 2): 'whole breast irradiation' gives 'wb', 'wbi', 'bi'."""
    letters = []
    for m in _TOKEN.finditer(text):
        token = (m.group(1) or m.group(2) or "").lower()
        if token and token[0].isalpha() and token not in FUNCTION_WORDS | NEGATORS:
            letters.append(token[0])
    return {
        "".join(letters[i:j])
        for i in range(len(letters))
        for j in range(i + 2, min(i + 5, len(letters)) + 1)
    }


def _flip(w: str) -> str:
    return w[1:] if w.startswith("~") else "~" + w


@dataclass(frozen=True)
class ArmNames:
    """An abstract's gold arm names: its text, the texts of its `intervention` and `control`
    spans, the words that tell each side (rule 2: a word of both sides' spans dropped, and an
    initial that is a word of the other side's spans) and all the words of each side's spans
    (`span_words`)."""

    text: str = ""
    intervention: tuple[str, ...] = ()
    control: tuple[str, ...] = ()
    side_words: dict[str, frozenset[str]] = field(default_factory=dict)
    span_words: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_spans(cls, spans: Iterable[tuple[str, int, int]], text: str) -> ArmNames:
        """From the (label, start, end) spans of the abstract `text`; labels other than
        `intervention` and `control` are ignored."""
        texts: dict[str, list[str]] = {INTERVENTION: [], CONTROL: []}
        literal: dict[str, set[str]] = {INTERVENTION: set(), CONTROL: set()}
        inits: dict[str, set[str]] = {INTERVENTION: set(), CONTROL: set()}
        for label, start, end in spans:
            if label not in texts:
                continue
            piece = text[start:end]
            texts[label].append(piece)
            literal[label] |= words(piece)
            inits[label] |= initials(piece)
            m = _ABBREVIATION.match(text, end)
            if m and len(m.group(1).split()) <= 2:
                literal[label] |= words(m.group(1))
        other = {INTERVENTION: CONTROL, CONTROL: INTERVENTION}
        return cls(
            text,
            tuple(texts[INTERVENTION]),
            tuple(texts[CONTROL]),
            {
                side: frozenset(
                    (literal[side] - literal[other[side]])
                    | (inits[side] - literal[other[side]] - inits[other[side]])
                )
                for side in texts
            },
            {side: frozenset(literal[side]) for side in texts},
        )

    @classmethod
    def from_texts(
        cls, intervention: Iterable[str], control: Iterable[str], text: str = ""
    ) -> ArmNames:
        """From span texts alone: the abstract is `text` followed by the span texts."""
        spans = []
        for label, pieces in ((INTERVENTION, intervention), (CONTROL, control)):
            for piece in pieces:
                text += " . "
                spans.append((label, len(text), len(text) + len(piece)))
                text += piece
        return cls.from_spans(spans, text)

    def side(self, text: str) -> str | None:
        """The side an arm's text (or its definition) names (rules 3-4), or None."""
        mine = words(text)
        flipped = {_flip(w) for w in mine}
        combined = bool(_COMBINED.search(text)) and not mine & MONOTHERAPY_WORDS
        scores = {}
        for side, other in ((INTERVENTION, CONTROL), (CONTROL, INTERVENTION)):
            own = self.side_words.get(side, frozenset())
            theirs = self.side_words.get(other, frozenset())
            if not (self.intervention and self.control):  # one side unnamed: no overlap
                own = theirs = frozenset()
            generic = CONTROL_WORDS if side == CONTROL else INTERVENTION_WORDS
            scores[side] = (
                len(mine & own)
                + len(flipped & theirs - own)
                + len(mine & generic - self.span_words.get(other, frozenset()) - own)
                + (combined and bool(self.span_words.get(other, frozenset()) & MONOTHERAPY_WORDS))
            )
        if scores[INTERVENTION] > scores[CONTROL]:
            return INTERVENTION
        if scores[CONTROL] > scores[INTERVENTION]:
            return CONTROL
        return None

    def definition(self, arm: str) -> str:
        """The text that defines `arm` in the abstract (rule 5), its pieces joined by ';'."""
        pieces = []
        for label in _labels(arm):
            name = re.escape(label)
            for m in re.finditer(
                rf"\(([^()]*?(?<![\w-]){name}(?![\w-])[^()]*)\)", self.text, re.IGNORECASE
            ):
                if label.lower() in (p.strip().lower() for p in re.split(r"[,;]", m.group(1))):
                    pieces.append(_words_before(self.text, m.start()))
            for m in re.finditer(
                rf"(?<![\w-]){name}(?:\s+(?:group|arm|cohort))?\s*\(([^(),;]*)",
                self.text,
                re.IGNORECASE,
            ):
                pieces.append(m.group(1))
            for m in re.finditer(rf"(\w+)\s+{name}(?![\w-])", self.text, re.IGNORECASE):
                if m.group(1).lower() in CONTROL_WORDS | INTERVENTION_WORDS:
                    pieces.append(m.group(1))  # "control group 2"
        return " ; ".join(pieces)


def _labels(arm: str) -> list[str]:
    """The arm's text, and without an arm noun before or after it ("group SF": "SF")."""
    arm = arm.strip()
    bare = re.sub(r"^(?:group|arm|cohort)\s+|\s+(?:group|arm|cohort)$", "", arm, flags=re.I)
    return [a for a in dict.fromkeys((arm, bare)) if a]


def _words_before(text: str, end: int) -> str:
    """Up to DEFINITION_WORDS words before `end`, back to a bracket, a sentence end or a
    DEFINITION_STOPS word."""
    start = max(text.rfind("(", 0, end), text.rfind(")", 0, end), text.rfind(". ", 0, end), -1)
    kept: list[str] = []
    for token in reversed(re.findall(r"\S+", text[start + 1 : end])):
        if token.lower().strip(",;:") in DEFINITION_STOPS or len(kept) == DEFINITION_WORDS:
            break
        kept.append(token)
    return " ".join(reversed(kept))


def side_of(arm: str | None, names: ArmNames) -> str | None:
    """The side (INTERVENTION or CONTROL) a row's arm names in an abstract, or None when
    nothing tells (rule 5: the arm's words, its definition in the abstract). Not the row's drug
    text: for an arm that holds no drug it is the clause's or the document's drug, which would
    judge an arm such as "Asian" by a drug it does not name."""
    tries = [arm, names.definition(arm)] if arm else []
    for text in tries:
        side = names.side(text) if text else None
        if side is not None:
            return side
    return None
