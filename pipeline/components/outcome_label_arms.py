"""Arms named by labels after their figures, entry by entry, in one bracket: "(n = 40
calendula; n = 41 sorbolene)", "(53% [1,386/2,620] denosumab; 50% [1,297/2,578] zoledronic
acid)", "(n = 35, vandetanib; n = 29, placebo)", "(9.3% group 1 and 12.7% group 2)".

A bracket whose text is two or more entries (split at ";", else at "," or "and"), each a figure
(after "n =" if it is an "(n = N)"), an optional square bracket and comma, then a label of one to
three words that ends the entry, gives each entry's figures the entry's label as their arm. Every
label must name an arm, and all differ: one at least by itself (a drug in it, a control arm, an
arm noun first: "group 1"; or a name the document noted as an arm or writes where it allocates
its subjects: `outcome_arm_evidence.noted_arm`, `allocated`), the others so or by an
`arm_role_words` entry or a regimen's abbreviation ("(n = 60 intervention; n = 65 control)",
"(34 STIM and 48 control)"); never a population noun ("(40 women; 12 men)")
nor a unit, nor a label after a preposition ("(57% on placebo, 88% on zolpidem)":
`outcome_arms.following_drug`'s). Not "(45% T1; 30% T2)" (stages, no evidence), nor a bracket
of another shape.
Labels may also come before their figures, each right before its own ("(arm A, 46%; arm B,
62%)", "(P: 17.6% vs C: 15.7%)", "(HCT group 84.3%, CMFT group 69.4%)", "(placebo, 6.26 per 1000
women-years, tamoxifen, 1.50 per 1000 women-years)", `labels_before`); an "(n = N)" size's label
after it ("(n = 439, group 1)", `size_label_after`): a label of one to four
words after the bracket's opening, a separator (";", ",", ":", "=") or a `list_connectors`
entry ("vs"), and before the figure past only ":", "=" or ","; after a topic and its colon
("nausea: P: 17.6%") the last label is the figure's, without a `median_words` entry after it
("letrozole median, 8.8 months"). At least two figures of one bracket so
labelled, all labels different (or one series of different labels repeated in its order:
"(nausea: P: 17.6% vs C: 15.7%; vomiting: P: 10.8% vs C: 12.0%)"), each naming an arm as
above (or an arm noun last after such a name: "HCT group"); figures without a label in the
bracket keep none ("(56.7%; placebo, 8.9%)" labels one: none is given).
Figures joined by a comparison or list connector may each be followed by its label outside any
bracket, in a bracket of its own or after "=" ("18.2% metformin vs 25% placebo", "94.5% group 1
vs 88.4% group 2", "31.8% (metformin) vs 58.8% (placebo)", "89% = control and 77% =
intervention group", `labels_after_each`): at least two figures in a row, each right before
its label (a population noun after it dropped: "11% control group patients"; none after the
subjects a figure counts: "67.3% of patients preferring rizatriptan"), only connectors
and commas between a label and the next figure, all labels different and naming arms as above
(also an `arm_role_words` entry: "28% intervention versus 11% control").
Reads the sentence's figures, text and DRUG mentions and the `DocContext`'s noted arms; returns
sentence-relative spans (`outcome_arms.note_arms` writes them as `Figure.arm`).
"""

from __future__ import annotations

import bisect
import re
from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_evidence import allocated, noted_arm
from pipeline.components.outcome_attach import no_arm_name
from pipeline.components.outcome_tokens import Figure

if TYPE_CHECKING:
    from pipeline.components.outcome_context import DocContext, SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

#: Most characters a labelled bracket may hold (its entries are short).
MAX_BRACKET_CHARS = 160

_SIZE_OPENER = re.compile(r"\s*(?:[nN]\s*=\s*)?")
_LABEL = re.compile(
    r"\s*(?:\[[^\[\]()]*\]\s*)?,?\s*(?P<label>[A-Za-z][\w+/-]*(?: [A-Za-z0-9][\w+/-]*){0,2})\s*"
)
_HARD_SEP = re.compile(r";")
_SOFT_SEP = re.compile(r",|\band\b")


def _opening(text: str, f: Figure) -> int:
    """Where the innermost round bracket around figure f opens (brackets closed before the
    figure skipped), at most MAX_BRACKET_CHARS before it; -1: none."""
    lo = max(0, f.start - MAX_BRACKET_CHARS + 1)
    depth = 0
    k = f.start
    # from bracket to bracket (most figures have none before them), not character by character
    while (k := max(text.rfind("(", lo, k), text.rfind(")", lo, k))) >= 0:
        if text[k] == ")":
            depth += 1
        elif depth == 0:
            return k
        else:
            depth -= 1
    return -1


def _round_bracket(text: str, f: Figure) -> Span | None:
    """The innermost round bracket around figure f, as (open, close) characters."""
    b = _opening(text, f)
    if b < 0:
        return None
    close = text.find(")", f.end, b + MAX_BRACKET_CHARS)
    if close < 0 or "(" in text[f.end : close]:
        return None
    return b, close


def _entries(text: str, b: int, close: int) -> list[Span]:
    """The bracket's entries: split at ";", else at "," and "and"."""
    sep = _HARD_SEP if ";" in text[b + 1 : close] else _SOFT_SEP
    out, start = [], b + 1
    for m in sep.finditer(text, b + 1, close):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, close))
    return out


def _label_shown(s: int, e: int, sm: SentenceMentions, ctx: DocContext) -> bool:
    """Does the label at s..e name an arm by itself or by the document?"""
    lex, text = sm.lex, sm.text
    label = text[s:e]
    low = label.lower()
    words = low.split()
    if any(w in lex.pop or w in lex.units for w in words):
        return False  # "(40 women; 12 men)", "(12 mg; 24 mg)"
    if words[0] in lex.prepositions or words[0] in lex.determiners:
        return False  # "(57% on placebo, 88% on zolpidem)": `following_drug`'s
    k = bisect.bisect_left(sm.drug_starts, sm.base + e) - 1
    if k >= 0 and sm.drugs[k].end > sm.base + s:
        return True
    if lex.control_word_re.fullmatch(label) or words[0] in lex.arm_nouns:
        return True  # "placebo", "group 1"
    return noted_arm(ctx, low, lex) or allocated(ctx, low, lex)


def labelled_arms(f: Figure, figures: list[Figure], sm: SentenceMentions,
                  ctx: DocContext) -> dict[int, Span]:  # fmt: skip
    """The arms of the figures of the labelled bracket figure f is in, by figure start (module
    docstring); empty if f is in no such bracket."""
    return _labelled_bracket(_round_bracket(sm.text, f), figures, sm, ctx)


def _labelled_bracket(bracket: Span | None, figures: list[Figure], sm: SentenceMentions,
                      ctx: DocContext) -> dict[int, Span]:  # fmt: skip
    """`labelled_arms` of the figures in the bracket (open, close)."""
    if bracket is None:
        return {}
    text = sm.text
    entries = _entries(text, *bracket)
    if len(entries) < 2:
        return {}
    out: dict[int, Span] = {}
    labels: set[str] = set()
    shown = False
    for s, e in entries:
        inside = [g for g in figures if s <= g.start and g.end <= e]
        if not inside or not _SIZE_OPENER.fullmatch(text, s, inside[0].start):
            return {}  # an entry that does not open with its figure
        m = _LABEL.fullmatch(text, max(g.end for g in inside), e)
        if m is None:
            return {}
        if _label_shown(*m.span("label"), sm, ctx):
            shown = True
        elif not _role_label(m["label"], sm.lex):
            return {}
        labels.add(m["label"].lower())
        out.update((g.start, m.span("label")) for g in inside)
    return out if shown and len(labels) == len(entries) else {}


def _role_label(label: str, lex: Lexicon) -> bool:
    """A label that names an arm beside one shown to ("(n = 60 intervention; n = 65 control)",
    "(34 STIM and 48 control)"): an `arm_role_words` entry or a regimen's abbreviation (not a
    receptor's)."""
    low = label.lower()
    return low in lex.arm_role_words or (
        lex.regimen_label_re.fullmatch(label) is not None
        and low.rstrip("+-") not in lex.receptor_words
    )


def _enclosing(text: str, f: Figure) -> Span | None:
    """The innermost round bracket around figure f, brackets inside it skipped ("(control:
    8.8%, TEL: 20.3%, χ(2)(3) = 12.0)"), as (open, close) characters."""
    b = _opening(text, f)
    if b < 0:
        return None
    hi = min(len(text), b + MAX_BRACKET_CHARS)
    depth = 0
    k = f.end - 1
    while True:
        opened, closed = text.find("(", k + 1, hi), text.find(")", k + 1, hi)
        if closed < 0:
            return None
        if 0 <= opened < closed:
            k, depth = opened, depth + 1
        elif depth == 0:
            return b, closed
        else:
            k, depth = closed, depth - 1


def _names_arm_before(s: int, e: int, sm: SentenceMentions, ctx: DocContext) -> bool:
    """Does the label before a figure at s..e name an arm: as a label after one does
    (`_label_shown`), or an arm noun after such a name or a regimen's abbreviation ("HCT
    group")?"""
    if _label_shown(s, e, sm, ctx):
        return True
    lex, text = sm.lex, sm.text
    words = text[s:e].split()
    if len(words) < 2 or words[-1].lower() not in lex.arm_nouns - lex.pooled_arm_nouns:
        return False
    name_end = s + text[s:e].rindex(words[-1])
    name = text[s:name_end].strip()
    if no_arm_name(lex, name):
        return False
    return (lex.regimen_label_re.fullmatch(name) is not None
            and name.lower().rstrip("+-") not in lex.receptor_words) or _label_shown(
        s, s + len(name), sm, ctx) or name.lower() in lex.arm_role_words  # fmt: skip


def labels_before(f: Figure, figures: list[Figure], sm: SentenceMentions,
                  ctx: DocContext) -> dict[int, Span]:  # fmt: skip
    """The arms of the figures of figure f's bracket whose labels come right before them, by
    figure start (module docstring); empty if fewer than two figures there are so labelled."""
    return _labels_before_in(_enclosing(sm.text, f), figures, sm, ctx)


def _labels_before_in(bracket: Span | None, figures: list[Figure], sm: SentenceMentions,
                      ctx: DocContext, starts: list[int] | None = None,
                      ) -> dict[int, Span]:  # fmt: skip
    """`labels_before` of the figures in the bracket (open, close). `starts`: the figures'
    starts when they are in that order (the bracket's figures found by bisect: each bracket
    read every figure of its sentence)."""
    if bracket is None:
        return {}
    text, lex = sm.text, sm.lex
    b, close = bracket
    out: dict[int, Span] = {}
    labels: list[str] = []
    seg = b + 1
    if starts is not None:
        i = bisect.bisect_right(starts, b)
        figures = figures[i : bisect.bisect_left(starts, close, i)]
    for g in figures:
        if not b < g.start < close:
            continue
        m = lex.label_before_figure_re.search(text[seg : g.start])
        at, seg = seg, g.end
        if m is None or g.ratio is not None or g.relative:
            continue
        s, e = at + m.start("label"), at + m.end("label")
        words = text[s:e].split()
        if len(words) > 1 and words[-1].lower() in lex.median_words:
            e = s + text[s:e].rindex(" " + words[-1])  # "(letrozole median, 8.8 months)"
        if _names_arm_before(s, e, sm, ctx):
            out[g.start] = (s, e)
            labels.append(text[s:e].lower())
    return out if len(out) > 1 and _each_once(labels) else {}


def _each_once(labels: list[str]) -> bool:
    """Do the labels differ, or repeat one series of different labels in its order ("(nausea:
    P: 17.6% vs C: 15.7%; vomiting: P: 10.8% vs C: 12.0%)")?"""
    once = list(dict.fromkeys(labels))
    return len(once) > 1 and labels == once * (len(labels) // len(once))


# the one word a count counts, between it and the bracket of its label ("3 deaths (placebo)")
_COUNTED_WORD = re.compile(r"\s+[A-Za-z][\w-]*(?=\s*\()")


def label_after(lex: Lexicon, text: str, g: Figure) -> re.Match[str] | None:
    """The label right after figure g (`Lexicon.label_after_figure_re`), or, after a count, past
    the one word it counts when the label is bracketed ("3 deaths (pembrolizumab) and 5 deaths
    (placebo)")."""
    m = lex.label_after_figure_re.match(text, g.end)
    if m is not None or g.pct is not None or g.count is None:
        return m
    word = _COUNTED_WORD.match(text, g.end)
    m = None if word is None else lex.label_after_figure_re.match(text, word.end())
    return m if m is not None and m["open"] is not None else None


def _label_after(text: str, g: Figure, sm: SentenceMentions, ctx: DocContext) -> Span | None:
    """The label right after figure g that names an arm ("25% placebo", "(metformin)", "=
    control"), without a population noun after it, or None."""
    lex = sm.lex
    if g.has_pop and lex.pop_end_re.search(text, g.start, g.end):
        return None  # "67.3% of patients preferring rizatriptan": what the subjects did
    m = label_after(lex, text, g)
    if m is None:
        return None
    s, e = m.span("label")
    link = lex.part_treatment_re.match(text, s, e)
    if link is not None and link.end() < e:
        s = link.end()  # "273 received dexamethasone": the arm is what the part received
    words = text[s:e].split()
    if len(words) > 1 and words[-1].lower() in lex.pop:
        e = s + text[s:e].rindex(" " + words[-1])  # "11% control group patients"
    low = text[s:e].lower()
    if _names_arm_before(s, e, sm, ctx) or low in lex.arm_role_words:
        return s, e
    return None


def labels_after_each(f: Figure, figures: list[Figure], sm: SentenceMentions,
                      ctx: DocContext, k: int | None = None) -> dict[int, Span]:  # fmt: skip
    """The arms of a run of figures from f on, each followed by its label and joined by
    connectors (module docstring), by figure start; empty if fewer than two. `k`: f's index
    in `figures` (searched if None)."""
    text, lex = sm.text, sm.lex
    if k is None:
        k = next((j for j, g in enumerate(figures) if g is f), len(figures))
    first = label_after(lex, text, f)
    if first is None or k + 1 >= len(figures) or not lex.label_joint_re.fullmatch(
        text, first.end("label"), figures[k + 1].start
    ):
        return {}  # (most figures: no label, or no next figure right after it)
    out: dict[int, Span] = {}
    labels: set[str] = set()
    latest = (-1, -1)  # (the greatest label so far: the run's figures read once each)
    for j in range(k, len(figures)):
        g = figures[j]
        if out and not lex.label_joint_re.fullmatch(text, latest[1], g.start):
            break
        label = None if g.ratio is not None or g.relative else _label_after(text, g, sm, ctx)
        if label is None or text[label[0] : label[1]].lower() in labels:
            break
        out[g.start] = label
        latest = max(latest, label)
        labels.add(text[label[0] : label[1]].lower())
    return out if len(out) > 1 else {}


def label_arms(figures: list[Figure], sm: SentenceMentions, ctx: DocContext) -> dict[int, Span]:
    """The arms labels give the sentence's figures, by figure start: labels after or before
    their figures in one bracket (`labelled_arms`, `labels_before`), or after each figure of a
    run (`labels_after_each`)."""
    out: dict[int, Span] = {}
    bracketed = "(" in sm.text
    # each bracket read once (its figures share what it gives them: the figures of a bracket
    # that gives none would each read it again)
    read: dict[tuple[Span | None, Span | None], dict[int, Span]] = {}
    order = [g.start for g in figures]
    # (out of order, each bracket reads them all)
    starts = None if any(a > b for a, b in pairwise(order)) else order
    for k, f in enumerate(figures):
        if f.start in out:
            continue
        if bracketed:
            brackets = _round_bracket(sm.text, f), _enclosing(sm.text, f)
            if brackets not in read:
                read[brackets] = _labelled_bracket(brackets[0], figures, sm, ctx) or (
                    _labels_before_in(brackets[1], figures, sm, ctx, starts)
                )
            out.update(read[brackets])
        if f.start not in out:
            out.update(labels_after_each(f, figures, sm, ctx, k))
    return out


_SIZE_LABEL_AFTER = re.compile(
    r"\s*[,;]\s*(?P<label>[A-Za-z][\w+/-]*(?: [A-Za-z0-9][\w+/-]*){0,2})\s*\)"
)


def size_label_after(f: Figure, sm: SentenceMentions, ctx: DocContext) -> Span | None:
    """ "WBI (n = 439, group 1)": the label after an "(n = N)" size in its bracket, when it
    names an arm by its own words (an arm noun first, a control arm, a drug; the document's
    word is no evidence here, the bracket being often in the sentence that allocates); not a
    description ("(n = 40, mean age 55)")."""
    if not f.n_form:
        return None
    m = _SIZE_LABEL_AFTER.match(sm.text, f.end)
    if m is None:
        return None
    lex, (s, e) = sm.lex, m.span("label")
    label = m["label"]
    k = bisect.bisect_left(sm.drug_starts, sm.base + e) - 1
    if ((label.split()[0].lower() in lex.arm_nouns and len(label.split()) > 1)
            or lex.control_word_re.fullmatch(label)
            or (k >= 0 and sm.drugs[k].end > sm.base + s)):  # fmt: skip
        return s, e
    return None
