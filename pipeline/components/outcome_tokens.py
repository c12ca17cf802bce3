"""Light tokens and the typed objects of the outcomes grammar (figures, statistics, cues).

Light tokens are a regex tokenization of one sentence's text, independent of the pipeline's
tokenizer: numbers with thousands separators and decimals ("1,203", "86·5") stay one token and
number words ("twenty-two", "one hundred and fourteen") become numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN_RE = re.compile(
    r"\d{1,3}(?:,\d{3})+(?![\d])(?:[.·]\d+)?|\d+(?:[.·]\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*|\S"
)


@dataclass(slots=True)
class Tok:
    text: str
    lower: str
    start: int
    end: int
    num: float | None = None
    decimals: int = 0
    word_num: bool = False


def light_tokens(text: str, number_words: dict[str, int]) -> list[Tok]:
    toks: list[Tok] = []
    n_words = 0
    for m in TOKEN_RE.finditer(text):
        s = m.group()
        low = s.lower()
        tok = Tok(s, low, m.start(), m.end())
        if s[0].isdigit():
            norm = s.replace(",", "").replace("·", ".")
            tok.num = float(norm)
            tok.decimals = len(norm.split(".", 1)[1]) if "." in norm else 0
        elif low in number_words:
            tok.num = float(number_words[low])
            tok.word_num = True
            n_words += 1
        toks.append(tok)
    if n_words < 2:
        return toks  # nothing to merge
    toks = merge_number_words(text, toks)
    # "twenty-two", "twenty two" -> one number token
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.word_num and t.num is not None and 20 <= t.num <= 90 and t.num % 10 == 0:
            j = i + 1
            if j < len(toks) and toks[j].text in "-‐" and toks[j].start == t.end:
                j += 1
            u = toks[j] if j < len(toks) else None
            if (
                u is not None
                and u.word_num
                and u.num is not None
                and 1 <= u.num <= 9
                and u.start - toks[j - 1].end <= 1
            ):
                merged = Tok(text[t.start : u.end], text[t.start : u.end].lower(), t.start, u.end)
                merged.num, merged.word_num = t.num + u.num, True
                out.append(merged)
                i = j + 1
                continue
        out.append(t)
        i += 1
    return out


def merge_number_words(text: str, toks: list[Tok]) -> list[Tok]:
    """ "one hundred and fourteen", "two hundred sixty-five" -> one number token."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (
            t.word_num
            and t.num is not None
            and 1 <= t.num <= 9
            and nxt is not None
            and nxt.lower == "hundred"
        ):
            value = t.num * 100
            end, j = nxt.end, i + 2
            k = j + 1 if j < len(toks) and toks[j].lower == "and" else j
            tail: list[Tok] = []
            while k < len(toks) and (
                (toks[k].word_num and toks[k].lower != "hundred") or (toks[k].text in "-‐" and tail)
            ):
                tail.append(toks[k])
                k += 1
            rest = [x.num for x in tail if x.num is not None]
            if rest and (len(rest) == 1 or (len(rest) == 2 and rest[0] >= 20 and rest[1] < 10)):
                value += sum(rest)
                end, j = tail[-1].end, k
            merged = Tok(text[t.start : end], text[t.start : end].lower(), t.start, end)
            merged.num, merged.word_num = value, True
            out.append(merged)
            i = j
            continue
        out.append(t)
        i += 1
    return out


@dataclass
class Stat:
    start: int
    end: int
    kind: str  # "ci" | "p"
    level: float | None = None
    low: float | None = None
    high: float | None = None
    p: float | None = None
    rel: str | None = None


@dataclass
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
    start: int = 0
    end: int = 0


@dataclass
class Cue:
    start: int  # sentence-relative chars
    end: int
    ts: int
    te: int
    measure: str
    priority: int


def fnum(s: str) -> float:
    s = s.replace("·", ".").replace("−", "-").replace("–", "-").replace(" ", "")
    return float(s)


def pct_consistent(num: int, den: int, pct: float, decimals: int) -> bool:
    if den <= 0 or num > den:
        return False
    tol = 0.5 * 10 ** (-decimals) + 1e-9
    return abs(100.0 * num / den - pct) <= max(tol, 0.5 if decimals == 0 else tol)


@dataclass
class Mention:
    start: int
    end: int
    label: str
    text: str
    concept_id: str | None
    negated: bool
