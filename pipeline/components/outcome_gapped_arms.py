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
word, a name the document allocates to or noted as an arm) and is not the other figure's
arm. Not a pool's or a denominator's figure ("Of 200 patients randomized to treatment, 100
...": who was studied). Reads the sentence's text and figures; returns sentence-relative
spans, one per figure (None where none is found).
"""

from __future__ import annotations

import re
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
        if evidence.evident(*span):
            out[k] = span
    return [out.get(k) for k in range(len(figures))]


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
