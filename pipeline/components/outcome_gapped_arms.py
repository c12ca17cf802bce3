"""Arms of two figures joined in parallel, the link to the arm written once for both or twice
(`biotab_outcomes`, after `outcome_arms.note_arms`' other rules).

"There were 14 thromboembolic events with tamoxifen and 28 with placebo", "98 patients were
randomized into the tamoxifen arm and 96 into the placebo arm", "120 patients received X; 118
received Y", "77 were randomized to peripheral access and 73 to central access": two figures
joined by a list joiner (a comma, a semicolon, a `list_connectors`, `comparison_connectors` or
`strong_boundaries` entry), one of which has the arm a link names right after it ("with
placebo", "into the placebo arm", "to peripheral access"). The other takes the name that the
same link (its last word that is no determiner: "with", "into", "received", "to") names in its
own stretch: before the joiner for the first figure ("14 thromboembolic events with
tamoxifen and"), right after it for the second, whose words before the link are left out
("and 73 to central access"). The name has one to `GAPPED_NAME_WORDS` words and ends at the
joiner, an arm noun, a bracket, a punctuation mark, a connector, a preposition or a number;
it is an arm only with evidence (`ArmEvidence`: a drug, a control arm, a role or treatment
word, a name the document allocates to or noted as an arm; not a treatment noun alone:
"randomized to treatment" is the cohort's) and is not the other figure's arm. Not a pool's
or a denominator's figure ("Of 200 patients randomized to treatment, 100 ...": who was
studied). Reads the sentence's text and figures; returns sentence-relative
spans, one per figure (None where none is found).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_evidence import ArmEvidence
from pipeline.components.outcome_clause_arms import may_take_arm
from pipeline.components.outcome_tokens import Figure

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

#: Most characters between a figure and the arm its link names.
GAPPED_LINK_CHARS = 40
#: Most words of a name the repeated link names.
GAPPED_NAME_WORDS = 4
#: Most characters of the stretch read after the second figure for its link and name.
GAPPED_AFTER_CHARS = 60

_TOKEN = re.compile(r"[A-Za-z][\w+/-]*|\d[\w.+/-]*|[^\w\s]")
_DIGIT = re.compile(r"\d")


def gapped_arms(figures: list[Figure], text: str, lex: Lexicon,
                evidence: ArmEvidence) -> list[Span | None]:  # fmt: skip
    """The arm of each figure that its parallel neighbour's link names (module docstring), in
    `figures`' order; None for a figure that has an arm or takes none here."""
    out: dict[int, Span] = {}
    order = sorted(range(len(figures)), key=lambda k: figures[k].start)
    for n, (i, j) in enumerate(pairwise(order)):
        a, b = figures[i], figures[j]
        if _free(a) and _linked(b, text):
            span, known, k = _before_joiner(a, b, text, lex), b.arm, i
        elif _free(b) and _linked(a, text):
            after = figures[order[n + 2]].start if n + 2 < len(order) else len(text)
            span, known, k = _after_figure(a, b, after, text, lex), a.arm, j
        else:
            continue
        if span is None or known is None or (
            text[known[0] : known[1]].lower() == text[span[0] : span[1]].lower()
        ):
            continue  # (the neighbour's own arm: no second arm named)
        if _treatment_alone(lex, text, span):
            continue  # "901 were randomized to treatment; 42 ... to the X arm": the cohort's
        if evidence.evident(*span):
            out[k] = span
    return [out.get(k) for k in range(len(figures))]


def _treatment_alone(lex: Lexicon, text: str, span: Span) -> bool:
    """Is the name a treatment noun alone, no arm noun after it ("randomized to treatment": the
    cohort's treatment, not "the combination arm")?"""
    return text[span[0] : span[1]].lower() in lex.arm_treatment_words and (
        lex.series_noun_re.match(text, span[1]) is None
    )


#: Most words of an arm's name read back from its size's bracket.
SIZED_NAME_WORDS = 5
#: Most words of the second name's own between the joiner and its arm.
SIZED_MODIFIERS = 2
#: Most characters before a size's bracket where its arm's drug may end.
SIZED_DRUG_CHARS = 40


def sized_pair_arms(figures: list[Figure], text: str, lex: Lexicon, evidence: ArmEvidence,
                    drug_span: Callable[[int, int], Span | None]) -> list[Span | None]:  # fmt: skip
    """The arm of each arm's size that its sized neighbour's name gives it (module docstring),
    in `figures`' order. `drug_span(lo, hi)`: the arm of the last drug mention that ends in
    text[lo:hi] (sentence offsets), with the drugs joined to it, or None."""
    out: dict[int, Span] = {}
    order = sorted(range(len(figures)), key=lambda k: figures[k].start)
    for n, (i, j) in enumerate(pairwise(order)):
        a, b = figures[i], figures[j]
        if not (_sized(a) and _sized(b)):
            continue
        oa, ob = _opening(text, a), _opening(text, b)
        if oa is None or ob is None:
            continue
        close = text.find(")", a.end, ob)
        if close < 0:
            continue
        if _free(a) and _named_before(b, text, ob):
            assert b.arm is not None
            joined, k = _joined(lex, text, close + 1, b.arm[0]), i
            lo = figures[order[n - 1]].end if n > 0 else 0
            span = _name_before(lex, text, lo, oa, drug_span, first=True)
        elif _free(b) and _named_before(a, text, oa):
            lo = close + 1
            span = _name_before(lex, text, lo, ob, drug_span, first=False)
            joined, k = (_joined(lex, text, lo, span[0]) if span else None), j
        else:
            continue
        if span is None or joined is None:
            continue
        if evidence.evident(*span) or not lex.alternative_joiners.isdisjoint(joined) or (
            not lex.comparison.isdisjoint(joined)
        ):
            out[k] = span
    return [out.get(k) for k in range(len(figures))]


def _sized(f: Figure) -> bool:
    """An "(n = N)" size of an arm (or one with its arm)."""
    return f.measure == "enrollment" and f.n_form and not f.each_arm


def _opening(text: str, f: Figure) -> int | None:
    """Where the bracket the figure is in opens (no bracket closes between; at most
    `SIZED_DRUG_CHARS` before it: "(100 mg/day; n = 50)")."""
    at = text.rfind("(", max(0, f.start - SIZED_DRUG_CHARS), f.start)
    return at if at >= 0 and ")" not in text[at : f.start] else None


def _named_before(f: Figure, text: str, opening: int) -> bool:
    """Is the figure's arm named right before its bracket?"""
    return f.arm is not None and f.arm[1] <= opening and not text[f.arm[1] : opening].strip()


def _joined(lex: Lexicon, text: str, lo: int, hi: int) -> set[str] | None:
    """The joiner words of text[lo:hi], between a size's bracket and the next arm's name, when
    it holds joiners alone (and at most `SIZED_MODIFIERS` words of the name's own last), a
    preposition only right after a list joiner ("or to a", "compared to"); None otherwise."""
    words = [t.group().lower() for t in _tokens(text, lo, hi)]
    k = len(words)
    while k > 0 and len(words) - k < SIZED_MODIFIERS and not _joiner_word(lex, words[k - 1]):
        k -= 1
    if k == 0 or not all(_joiner_word(lex, w) for w in words[:k]):
        return None
    if any(w in lex.prepositions and (i == 0 or not _joiner(lex, words[i - 1]))
           for i, w in enumerate(words[:k])):  # fmt: skip
        return None  # ", and those with lymphedema (n = 12)": a subgroup, no arm
    return set(words[:k])


def _joiner_word(lex: Lexicon, word: str) -> bool:
    return _joiner(lex, word) or word in lex.prepositions or word in lex.determiners or (
        word in lex.articles or word in lex.allocation_member_openers
    )


def _name_before(lex: Lexicon, text: str, lo: int, opening: int,
                 drug_span: Callable[[int, int], Span | None],
                 first: bool) -> Span | None:  # fmt: skip
    """The arm named before a size's bracket at `opening` (from `lo`): its drug, or its words
    back to a joiner (`sized_pair_arms`); for the `first` size, not words after "and" (the
    second's "and" joins the two sizes)."""
    drug = drug_span(max(lo, opening - SIZED_DRUG_CHARS), opening)
    if drug is not None and lex.dose_between_re.fullmatch(text, drug[1], opening):
        return drug  # (past its dose: "cisapride, 5 mg three times daily (n = 19)")
    toks = _tokens(text, lo, opening)
    stop = len(toks)
    while stop > 0 and not _stops_name(lex, toks[stop - 1].group()):
        stop -= 1
    before = toks[stop - 1].group().lower() if stop > 0 else ""
    if before[:1].isdigit() or (before in lex.prepositions and _dose_before(toks, stop - 1)):
        return None  # (a dose's words: "400 mg (n = 10)", "400 mg daily for two weeks")
    if first and before in lex.connectors and before not in lex.alternative_joiners:
        return None  # "HDC (...) and stem cell support (N = 88)": one arm of two treatments
    words = toks[stop:]
    if not 0 < len(words) <= SIZED_NAME_WORDS or not words[-1].group()[0].isalpha():
        return None
    return words[0].start(), words[-1].end()


def _dose_before(toks: list[re.Match[str]], k: int) -> bool:
    """Does a number stand among the words right before token k (back to a punctuation mark)?"""
    while k > 0 and toks[k - 1].group()[0].isalnum():
        k -= 1
        if toks[k].group()[0].isdigit():
            return True
    return False


def _stops_name(lex: Lexicon, token: str) -> bool:
    """Does the token end a name read back from its size's bracket?"""
    low = token.lower()
    return not token[0].isalpha() or _joiner_word(lex, low)


def _free(f: Figure) -> bool:
    """A figure without an arm that may take one (not a pool's or a denominator's)."""
    return f.arm is None and may_take_arm(f) and not (f.den_phrase or f.of_phrase)


def _linked(f: Figure, text: str) -> bool:
    """Has the figure an arm named right after it past a link of words ("with placebo")?"""
    if f.arm is None or not 0 < f.arm[0] - f.end <= GAPPED_LINK_CHARS:
        return False
    return _DIGIT.search(text, f.end, f.arm[0]) is None and _link_word(f, text, None) is not None


def _link_word(f: Figure, text: str, lex: Lexicon | None) -> str | None:
    """The last word of the link between a figure and the arm after it that is no determiner
    ("into the": "into"), lower case."""
    assert f.arm is not None
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text[f.end : f.arm[0]])]
    if lex is not None:
        words = [w for w in words if w not in lex.determiners]
    return words[-1] if words else None


def _tokens(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text, lo, hi))


def _joiner(lex: Lexicon, word: str) -> bool:
    """A list joiner: a comma, a semicolon or a connector, comparison or boundary word."""
    return word in (",", ";") or word in lex.connectors or word in lex.comparison or (
        word in lex.boundaries
    )


def _name(lex: Lexicon, toks: list[re.Match[str]], k: int) -> tuple[Span, int] | None:
    """The name from token k on, past determiners: its span and the index of the token after
    it; None if it has no word or more than `GAPPED_NAME_WORDS`."""
    while k < len(toks) and toks[k].group().lower() in lex.determiners:
        k += 1
    first = k
    while k < len(toks):
        word = toks[k].group()
        low = word.lower()
        if not word[0].isalpha() or low in lex.arm_nouns or _joiner(lex, low) or (
            low in lex.prepositions or low in lex.determiners
        ):
            break
        k += 1
    if not 0 < k - first <= GAPPED_NAME_WORDS:
        return None
    return (toks[first].start(), toks[k - 1].end()), k


def _before_joiner(a: Figure, b: Figure, text: str, lex: Lexicon) -> Span | None:
    """The first figure's name: after the last place its neighbour's link word stands between
    them, up to the joiner before the neighbour (an arm noun may end it): "14 events with
    tamoxifen and" of "... and 28 with placebo"."""
    link = _link_word(b, text, lex)
    toks = _tokens(text, a.end, b.start)
    end = len(toks)
    while end > 0 and _joiner(lex, toks[end - 1].group().lower()):
        end -= 1
    if end == len(toks) or link is None:
        return None  # (no joiner between them)
    at = next((k for k in range(end - 1, -1, -1) if toks[k].group().lower() == link), None)
    if at is None or any(t.group() in (";", "(", ")", "[", "]") for t in toks[:at]):
        return None
    got = _name(lex, toks[:end], at + 1)
    if got is None:
        return None
    span, k = got
    rest = [t.group().lower() for t in toks[k:end]]
    return span if not rest or (len(rest) == 1 and rest[0] in lex.arm_nouns) else None


def _after_figure(a: Figure, b: Figure, after: int, text: str, lex: Lexicon) -> Span | None:
    """The second figure's name: its neighbour's link word right after it (the words before
    it left out: "and 73 to central access"), then the name; only where the neighbour's arm
    (and an arm noun) and a joiner alone stand between the two."""
    assert a.arm is not None
    between = [t.group().lower() for t in _tokens(text, a.arm[1], b.start)]
    if between and between[0] in lex.arm_nouns:
        between = between[1:]
    if not between or not all(_joiner(lex, w) for w in between):
        return None
    link = _link_word(a, text, lex)
    toks = _tokens(text, b.end, min(after, b.end + GAPPED_AFTER_CHARS))
    k = 0
    while k < len(toks) and toks[k].group() in (")", "]"):
        k += 1
    if link is None or k == len(toks) or toks[k].group().lower() != link:
        return None
    got = _name(lex, toks, k + 1)
    return got[0] if got is not None else None
