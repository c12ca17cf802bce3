"""Light tokens and the typed objects of the outcomes grammar (figures, statistics, cues).

Light tokens are a regex tokenization of one sentence's text, independent of the pipeline's
tokenizer: numbers with thousands separators and decimals ("1,203", "86·5", and "34 . 6" of text
tokenized for a corpus and joined by spaces) stay one token and
number words ("twenty-two", "Thirty - six", "one hundred and fourteen", "four thousand nine
hundred twenty-two") become numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

TOKEN_RE = re.compile(
    # words first: most tokens are, and no number alternative can match where a word starts
    r"[^\W\d_]+(?:['’][^\W\d_]+)*"
    r"|(?=\d)(?:\d{1,3}(?:[,\u2009\u202f\u00a0]\d{3})+(?![\d])(?:[.·]\d+)?"
    # a plain space as the thousands separator ("n = 13 155", "23 582 patient-years": PubMed
    # often prints a thin space as a plain one), only where the digits cannot be two numbers
    # or part of a code: not after a letter, digit, hyphen, comma or dot ("GYKI-41 099",
    # "ABI-007 260 mg", "BRCA1 185delAG", "0. 001 001"), no leading zero, nor before a letter,
    # a hyphen, decimals or one more number ("100 200 300")
    # (but after "+/-" written onto it: "1 868 904+/-434 962", a deviation)
    r"|(?=[1-9])(?<![\w.,])(?:(?<!-)|(?<=\+/-))(?<![.,] )[1-9]\d{0,2}(?: \d{3})+"
    r"(?![\w\-]|[.,·]\d| \d)"
    # a decimal written with a space on both sides of its point, as in text tokenized for a
    # corpus and joined by spaces ("34 . 6 %", "1 . 3 + / - 0 . 3"): one number, not two
    # (not a run of points, "1 . 2 . 3"); a number after a period that ends a sentence is in
    # another sentence, which the splitter cut before it
    r"|(?<!\d \. )\d+ \. \d+(?!\d| \. \d)"
    # a decimal comma ("12,5%", "7,25 %"): a comma with one or two digits and then a percent
    # sign is no thousands separator, so one number (12.5), not two ("12" and "5%")
    r"|(?<![\d,])\d+,\d{1,2}(?= ?%)"
    r"|\d+(?:[.·]\d+)?)"
    r"|\+ ?/ ?[-−]|\S"
)
# TOKEN_RE as one group (it has none of its own): `re.split` keeps the tokens, between the
# white space TOKEN_RE skips (its last alternative takes any other character)
TOKEN_SPLIT = re.compile(f"({TOKEN_RE.pattern})")
# "+/-" is "±" as typed on a keyboard ("54 +/- 5"): one token whose lower form is "±", so a
# mean with its standard deviation is never read as a count or a rate
PLUS_MINUS = "±"

# thousands separators: a comma, a thin or no-break space ("48\u202f835"), or a plain space
# where TOKEN_RE took one (and the spaces around a decimal's point: "34 . 6")
THOUSANDS_RE = re.compile("[, \u2009\u202f\u00a0]")
# a number TOKEN_RE took with a decimal comma ("12,5" of "12,5%")
DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}")


#: The largest number read as a count (a numerator, a denominator, a size, a rate's base): the
#: outcomes table stores them as int32, and no count of subjects comes near ("3000000000 of
#: 5000000000 people" is no trial's; a larger one made the whole unit's tables fail to write).
MAX_COUNT = 2**31 - 1


# The characters outside ASCII that a case-insensitive regex matches to an ASCII letter
# ("ſ" to "s", the Kelvin sign to "k", dotted and dotless i to "i").
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str, low: str | None = None) -> str | None:
    """The text lower-cased (`low`, when the caller has it already), when a case-free regex
    finds in it what the case-insensitive one finds in the text, at the same offsets; None
    otherwise."""
    if low is None:
        low = text.lower()
    if text.isascii():
        return low  # (most text: no character lowers to two, nor folds to another)
    if len(low) != len(text) or _FOLDS_TO_ASCII.search(text):
        return None
    return low


@dataclass(slots=True)
class Tok:
    text: str
    lower: str
    start: int
    end: int
    num: float | None = None
    decimals: int = 0
    word_num: bool = False


def _plus_minus(low: str) -> bool:
    """A token that TOKEN_RE took as "+/-" (`PLUS_MINUS`)."""
    return low[0] == "+" and len(low) > 1


def light_tokens(
    text: str, number_words: dict[str, int], split: re.Pattern[str] = TOKEN_SPLIT
) -> list[Tok]:
    """The sentence's light tokens (`split`: TOKEN_SPLIT, or a compile of it that splits the
    text alike: `Lexicon.token_split`)."""
    # TOKEN_RE's matches as the odd items of a split (white space between them), their offsets
    # the running sums of the items' lengths, each token's lower case its own (as the
    # lower-cased sentence's slice, which is the same where the lengths agree): all in C, no
    # match object per token (a comprehension over `finditer` cost about 12% more)
    parts = split.split(text)
    ends = list(accumulate(map(len, parts)))
    words = parts[1::2]
    # every token made as a word first (a loop that told numbers from words token by token
    # cost about 15% more); numbers and number words are few
    toks = list(map(Tok, words, map(str.lower, words), ends[0:-1:2], ends[1::2]))
    # the few numbers, number words and "+/-" are picked out in comprehensions (a loop over
    # every token cost about 5% more); numbers first: a token that starts with a decimal
    # ("²" is a digit, not a decimal: a word here) is a number, not a word
    for t in [t for t in toks if t.text[0].isdecimal()]:
        s = t.text
        # (a thousands separator needs at least five characters: "1,203")
        norm = THOUSANDS_RE.sub("", s) if len(s) > 4 else s
        if "," in s and DECIMAL_COMMA_RE.fullmatch(s):
            norm = s.replace(",", ".")  # ("12,5": TOKEN_RE's decimal comma)
        if "·" in norm:
            norm = norm.replace("·", ".")
        dot = norm.find(".")
        t.num, t.decimals = float(norm), len(norm) - dot - 1 if dot >= 0 else 0
    n_words = 0
    for t in [t for t in toks if t.lower in number_words]:
        if t.num is None and not _plus_minus(t.lower):
            t.num, t.word_num = float(number_words[t.lower]), True
            n_words += 1
    if "+" in text:
        for t in toks:
            if t.num is None and _plus_minus(t.lower):
                t.lower = PLUS_MINUS
    if n_words < 2:
        return toks  # nothing to merge
    return merge_number_words(text, toks)


# What a number word may follow inside one written-out number: "two hundred sixty-five",
# "four thousand nine hundred twenty-two", "one hundred and twelve". Kinds: unit (1-9), teen
# (10-19), tens (20-90), hundred, thousand; None is the first word.
_MAY_FOLLOW = {
    "unit": (None, "tens", "hundred", "thousand"),
    "teen": (None, "hundred", "thousand"),
    "tens": (None, "hundred", "thousand"),
    "hundred": ("unit", "teen"),
    "thousand": ("unit", "teen", "tens", "hundred"),
}


def _kind(value: float) -> str | None:
    if value == 1000:
        return "thousand"
    if value == 100:
        return "hundred"
    if 1 <= value <= 9:
        return "unit"
    if 10 <= value <= 19:
        return "teen"
    if 20 <= value <= 90 and value % 10 == 0:
        return "tens"
    return None


def _tens_hyphen(text: str, toks: list[Tok], j: int) -> bool:
    """Whether toks[j] is a tens word ("thirty"), toks[j + 1] a hyphen one space after it and
    toks[j + 2] a unit word ("six")."""
    t, u = toks[j], toks[j + 2] if j + 2 < len(toks) else None
    return (
        u is not None
        and u.word_num
        and t.num is not None
        and u.num is not None
        and _kind(t.num) == "tens"
        and _kind(u.num) == "unit"
        and text[t.end : toks[j + 1].start] == " "
    )


def _number_run(text: str, toks: list[Tok], i: int) -> tuple[float, int]:
    """The value of the written-out number starting at toks[i] and the index past it."""
    total = current = 0.0
    last: str | None = None
    j = end = i
    while j < len(toks):
        t = toks[j]
        kind = _kind(t.num) if t.word_num and t.num is not None else None
        if kind is None or last not in _MAY_FOLLOW[kind]:
            break
        if (kind == "unit" and last == "tens" and current % 10) or (
            last is None and kind in ("hundred", "thousand")
        ):
            break
        assert t.num is not None
        if kind == "hundred":
            current *= 100
        elif kind == "thousand":
            total, current = total + current * 1000, 0.0
        else:
            current += t.num
        last, end = kind, j + 1
        # what may stand between two words: a hyphen touching the first, one space, or "and"
        # after hundred/thousand; between tens and a unit, a hyphen with one space or none on
        # either side ("Thirty - six", "thirty -six": text tokenized for a corpus and joined by
        # spaces), which joins no other kinds ("five - six patients" is a range)
        k = j + 1
        if k < len(toks) and (
            (toks[k].text in "-‐" and (toks[k].start == t.end or _tens_hyphen(text, toks, j)))
            or (toks[k].lower == "and" and last in ("hundred", "thousand"))
        ):
            k += 1
        if k >= len(toks) or text[toks[k - 1].end : toks[k].start] not in ("", " "):
            break
        j = k
    return total + current, end


def merge_number_words(text: str, toks: list[Tok]) -> list[Tok]:
    """ "twenty-two", "one hundred and fourteen", "two thousand eight hundred sixteen" -> one
    number token."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.word_num:
            value, j = _number_run(text, toks, i)
            if j - i >= 2:
                s, e = t.start, toks[j - 1].end
                merged = Tok(text[s:e], text[s:e].lower(), s, e, value, 0, True)
                out.append(merged)
                i = j
                continue
        out.append(t)
        i += 1
    return out


@dataclass(slots=True)
class Stat:
    start: int
    end: int
    kind: str  # "ci" | "p"
    level: float | None = None
    low: float | None = None
    high: float | None = None
    p: float | None = None
    rel: str | None = None


@dataclass(slots=True)
class Figure:
    ts: int  # first light token
    te: int  # one past last light token
    pct: float | None = None
    pct_decimals: int = 0
    count: int | None = None
    num: int | None = None
    den: int | None = None
    population: str | None = None
    those: bool = False
    remaining: bool = False
    all_form: bool = False
    zero: bool = False
    area: bool = False
    has_pop: bool = False
    prefer_after: bool = False
    needs_cue: bool = False
    cue_before_ok: bool = False  # "partial responses in 9,": the cue may come just before
    # "(noncompliance 14, death 1)": a bracketed list of labels and counts, each count the
    # word's right before it (only a cue ending there is its)
    labelled: bool = False
    den_phrase: bool = False  # "Of the 30 patients," – a denominator, not a figure
    proportion: bool = False  # "0·86" read as 86%: needs a cue before it
    comparator: bool = False  # "more than 50%": a threshold unless it is the only figure
    group: int = -1
    measure: str | None = None
    ratio: str | None = None  # a ratio statistic: its unit ("hazard_ratio"), value in `count_value`
    ratio_value: float | None = None
    relative: bool = False  # a relative change: "reduced ... by 54%", "a 17% risk reduction"
    rate_per: int | None = None  # "11.6 per 1,000 person-years": events per this many
    time_unit: str | None = None  # a median duration: "24.3 months"
    of_phrase: bool = False  # "Of 400 women randomized, ...": a denominator naming who was studied
    n_form: bool = False  # "(n = 206)": a group's size
    excluded: bool = False  # a not-outcome cue or a body-area figure without a result
    negated: bool = False
    ci: Stat | None = None
    p: Stat | None = None
    timepoint: str | None = None
    arm: tuple[int, int] | None = None  # sentence-relative chars of the arm text
    # ("3 with low-dose and 5 with high-dose aspirin": the head "aspirin" the arm "low-dose"
    # shares with another arm, read after it)
    arm_head: tuple[int, int] | None = None
    # the figure is of several arms ("in both groups", "in the A and B arms"): it has none
    arm_pooled: bool = False
    # the arm of the figure this one is compared with, where this one's is not named ("fewer
    # in the ropivacaine group (13 vs 31)": 31's): no drug of that arm is this figure's
    other_arm: tuple[int, int] | None = None
    # the figure is one side of a comparison ("13 vs 31", "28 and 15 patients, respectively"):
    # in a study that compares arms, a count of one arm (`outcome_attach.mark_compared`)
    compared: bool = False
    # "(n = 32 for each)", "87 patients in each group": the size of every arm, of no one arm
    each_arm: bool = False
    # "randomised to HRT (n=188) or no HRT (n=190)": one of the sentence's several arms' sizes
    # in a study that compares arms, though its arm is not named: not the cohort
    one_arm: bool = False
    # what names the figure's arm across the document (`outcome_arms.note_arms`): its text
    # without arm nouns and determiners, lower case ("group A" and "arm A": "a"), and the drug
    # concept the arm is made of
    arm_keys: tuple[str, ...] = ()
    start: int = 0
    end: int = 0


@dataclass(slots=True)
class Cue:
    start: int  # sentence-relative chars
    end: int
    ts: int
    te: int
    measure: str
    priority: int
    # a DISEASE mention taken as a weak adverse-event cue (`outcome_cue_filters.disease_cues`),
    # not a cue pattern's match
    named: bool = False


def opening_clause_end(toks: list[Tok], boundary: list[bool]) -> int | None:
    """The first comma outside brackets of a sentence that opens on a strong boundary word
    (`boundary[0]`: "While ORR was similar (89.4% vs. 79.5%, P = 0.195), the pCR rate ..."):
    where that opening clause ends, a boundary too; None otherwise."""
    if not boundary[0]:
        return None
    depth = 0
    for k, t in enumerate(toks):
        depth += (t.text in "([") - (t.text in ")]")
        if t.text == "," and depth <= 0:
            return k
    return None


def figure_groups(figures: list[Figure]) -> list[list[Figure]]:
    """The figures by `Figure.group` (a list, "40%, 20% and 5%", is one), in order."""
    groups: dict[int, list[Figure]] = {}
    for f in figures:
        groups.setdefault(f.group, []).append(f)
    return list(groups.values())


def fnum(s: str) -> float:
    s = s.replace("·", ".").replace("−", "-").replace("–", "-").replace(" ", "")
    return float(s)


def pct_consistent(num: int, den: int, pct: float, decimals: int) -> bool:
    if den <= 0 or num > den:
        return False
    tol = 0.5 * 10 ** (-decimals) + 1e-9
    return abs(100.0 * num / den - pct) <= max(tol, 0.5 if decimals == 0 else tol)


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    label: str
    text: str
    concept_id: str | None
    negated: bool

    @property
    def key(self) -> str:
        """What names the same drug or disease across a document: the concept id, else the
        lower-cased text."""
        return self.concept_id or self.text.lower()
