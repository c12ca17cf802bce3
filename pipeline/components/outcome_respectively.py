"""The arms of a list of figures that a respectively word follows, and of two figures a
comparison word joins.

"Grade 3 neutropenia occurred in 12 and 5 patients receiving paclitaxel and placebo,
respectively", "In the docetaxel and doxorubicin arms, pCR rates were 28% and 15%, respectively",
"lower in the granisetron and ondansetron groups than in the placebo group (10% and 12% vs 40%,
respectively)": the list's figures take, in order, the arms of a *series* of as many arm names,
written after the list and right before the respectively word, or else before the list in its
clause (the series nearest to it, which must have exactly as many names).

An arm name (`outcome_arm_names`) is a drug mention, with the drugs and the monotherapy word
joined to it ("methotrexate plus prednisone", "prednisone alone": a `combination_joiners` entry
that is no list connector or preposition joins them); a `control_arms` entry ("placebo", "usual
care"); or a label an arm noun gives ("groups R4 and R6", "group A", "the R2 group"). The names
of a series are joined by a connector (a `list_connectors`, `comparison_connectors` or
`comparator_openers` entry: "than"), with only prepositions, determiners, arm nouns and
monotherapy words beside it ("the granisetron and ondansetron groups than in the placebo
group").

Two figures a comparison word joins ("28% vs 15%") take the two arms of the series nearest
before them in their clause when it compares them: "than" or a comparison word between the two
names, or an `arm_pair_openers` entry before them ("more frequent with docetaxel than with
doxorubicin (28% vs 15%)", "did not differ between letrozole and tamoxifen (32% vs 21%)"), not
names listed with "and" ("treated with A and B").

Two such figures (or a list of two a respectively word follows) in a comparative frame
("Haloperidol induced more akathisia (33.3% versus 5.9%) than quetiapine", "Docetaxel caused more
neutropenia than doxorubicin (40% vs 12%)", "higher response rates compared with standard
paclitaxel (33% v 19%, respectively)") take the arm named right after its one
`comparison_frame_words` entry outside the figures (past prepositions, determiners, subject
nouns and `arm_series_links` words, the last of them any word) and the arm named nearest before
the figures and that word, all between two strong boundaries (brackets included); no measured
analyte is an arm.

Not when the list's figures have different measures ("Response and relapse rates were 40% and
20%, respectively": the respectively word pairs figures with measures), nor when a series of
diseases or another figure stands between the names and the list ("In the A and B arms,
neutropenia and anemia occurred in 12% and 5%, respectively"), nor when the names may be what was
measured: a series names arms only with a control arm or a label in it, an arm noun right after
it or an `arm_series_links` entry right before it ("BUN and creatinine increased in 54% and 45%,
respectively" names no arms). Arms the figures already have are kept when each has
one and no two the same ("28% with docetaxel and 15% with placebo, respectively").

A frame may also open its clause ("Compared with placebo, letrozole reduced mucositis (1.2% vs
6.7%)": the first arm is the one name between the frame's comma and the pair; the frames and
`one_named_arms`: `outcome_frame_arms`). A pair no series or frame gives arms takes them from the
names of its clause: one name before it is the first figure's ("Fewer patients in the
ropivacaine group reported pain (13 vs 31)"), or the second's after a comparison word, or both
figures' when two timepoints or subgroups stand joined between the name and the pair ("In the
ropivacaine group, pain at 6 h and 24 h was 13 vs 31": the one arm's, `arm_subset_words`); one
name after it, after a comparison word or linked right after the second figure ("in the
tamoxifen arm was 93%, versus 81% in the MPA arm"), the second's. The figure left without an
arm then takes not the other's drug (`Figure.other_arm`).

Reads the figures (`Figure.measure`, `Figure.arm`), the sentence's tokens and its DRUG and
DISEASE mentions; writes `Figure.arm` and `Figure.other_arm` (sentence-relative characters).
Linear in the sentence.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_names import any_between, arm_names, qualified
from pipeline.components.outcome_attach import Comparisons, listed, named_as_comparator
from pipeline.components.outcome_doses import past_dose
from pipeline.components.outcome_following_arms import subjects_start
from pipeline.components.outcome_frame_arms import (
    GAP_TOKEN,
    LINK_CHARS,
    Frames,
    Named,
    frame_arms,
    one_named_arms,
)
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_pair_series import pair_series_arms
from pipeline.components.outcome_tokens import Figure
from pipeline.labels import DISEASE

if TYPE_CHECKING:
    from pipeline.components.outcome_context import SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]
# a list of figures and the token of its respectively word
Run = tuple[list[Figure], int]

#: Most tokens between two names of a series; between a list and a series after it (and most
#: characters); most names alone passed between a list and the series before it.
SERIES_GAP = 6
AFTER_GAP = 6
AFTER_CHARS = 80
BEFORE_SINGLES = 2
# an arm's size in a bracket right after its name: "(n = 46)", "[N=120]"
_SIZE_AFTER_NAME = re.compile(r"^\s*[(\[]\s*n\s*=\s*\d[\d,]*\s*[)\]]", re.IGNORECASE)


def _names_arms(lex: Lexicon, text: str, chain: list[Span], own: set[Span]) -> bool:
    """Does the series name arms, not what was measured ("BUN and creatinine increased in 54%
    and 45%")? With a control arm or a label in it, an arm noun or a population noun right after
    it ("the docetaxel and doxorubicin arms", "of anastrozole and tamoxifen patients") or an
    `arm_series_links` entry right before it ("receiving")."""
    if any(span in own for span in chain):
        return True
    start = chain[0][0]
    return (lex.series_noun_re.match(text, chain[-1][1]) is not None
            or lex.series_subjects_re.match(text, chain[-1][1]) is not None
            or lex.series_link_re.search(text[max(0, start - LINK_CHARS) : start])
            is not None)  # fmt: skip


def _joins(lex: Lexicon, gap: str) -> bool:
    """Does the text between two names join them into one series? An arm's size in a bracket
    right after the first name is passed over ("docetaxel (n = 46) and placebo (n = 45)"), and
    so is its dose ("apremilast 30 mg and placebo", "pembrolizumab 2 mg/kg or docetaxel")."""
    if gap[:1].isspace() and gap[1:2].isdigit():
        gap = past_dose(lex, gap)
    toks = [t.lower() for t in GAP_TOKEN.findall(_SIZE_AFTER_NAME.sub("", gap, count=1))]
    if not toks or len(toks) > SERIES_GAP:
        return False
    joiners, beside = lex.series_joiners, lex.series_beside
    return any(t in joiners for t in toks) and all(t in joiners or t in beside for t in toks)


def series(lex: Lexicon, text: str, names: list[Span]) -> list[list[Span]]:
    """The names grouped into series (a name alone is a series of one), in order. A comma
    alone joins names only inside a list a connector word ends ("A, B and C"): the comma of
    "Compared with placebo, letrozole ..." ends a clause."""
    out: list[list[Span]] = []
    comma_last: list[bool] = []
    for span in names:
        gap = text[out[-1][-1][1] : span[0]] if out else ""
        if out and _joins(lex, gap):
            out[-1].append(span)
            comma_last[-1] = gap.strip() == ","
        else:
            if out and comma_last[-1]:
                out.append([out[-1].pop()])
                comma_last.append(False)
            out.append([span])
            comma_last.append(False)
    if out and comma_last[-1]:
        out.append([out[-1].pop()])
    return out


def _after(lex: Lexicon, text: str, chains: list[list[Span]], starts: list[int], end: int,
           resp: int) -> list[Span] | None:  # fmt: skip
    """The series between the list's end and its respectively word (at `resp`): the first one
    after the list, a few words after it ("patients receiving"), right before the respectively
    word (only an arm noun and a comma between)."""
    k = bisect.bisect_left(starts, end)
    if k == len(chains) or chains[k][-1][1] > resp or starts[k] - end > AFTER_CHARS:
        return None
    chain = chains[k]
    opening = GAP_TOKEN.findall(text[end : chain[0][0]])
    closing = [t.lower() for t in GAP_TOKEN.findall(text[chain[-1][1] : resp])]
    if (len(opening) <= AFTER_GAP and all(t.isalpha() for t in opening)
            and all(t == "," or t in lex.arm_nouns or t in lex.pop for t in closing)):  # fmt: skip
        return chain
    return None


def _before(chains: list[list[Span]], ends: list[int], start: int,
            clause_start: int) -> list[Span] | None:  # fmt: skip
    """The series of at least two names nearest before the list in its clause (past at most
    BEFORE_SINGLES names alone: "In the A and B arms, patients given A had ...")."""
    k = bisect.bisect_right(ends, start) - 1
    for chain in reversed(chains[max(0, k - BEFORE_SINGLES) : k + 1]):
        if chain[0][0] < clause_start:
            return None
        if len(chain) > 1:
            return chain
    return None


def _lists_between(lex: Lexicon, parser: SentenceParser, te: int, resp: int) -> bool:
    """Is there a list of its own ("at 12 and 24 weeks", "of men and women") between a list's
    last figure (ending at token te) and its respectively word (token resp)? Then the word
    pairs the figures with that list, not with a series before them."""
    return any(parser.lower(x) in lex.connectors and parser.toks[x].text != ","
               and parser.lower(x) != "." for x in range(te, resp))


def _has_own_arms(run: list[Figure], text: str) -> bool:
    arms = [text[f.arm[0] : f.arm[1]].strip().lower() for f in run if f.arm is not None]
    return len(arms) == len(run) and len(set(arms)) == len(arms)


def _past_sizes(run: list[Figure]) -> list[Figure]:
    """The list without the "(n = N)" sizes it starts with ("similar for A (n = 90) and B (n =
    91), 62.5% v 57.0%, respectively": the size of the arm named right before it, the list is
    the two rates), when two figures or more other than sizes end it."""
    k = 0
    while k < len(run) - 2 and run[k].n_form:
        k += 1
    return run[k:] if k and not run[-1].n_form else run


def _own_runs(parser: SentenceParser, all_runs: list[Run], mixed: bool = False) -> list[Run]:
    """The respectively lists whose arms are to be found: of one measure (else the word pairs
    figures with measures; of several, if `mixed`), not each with an arm of its own already. A
    list that goes on past an earlier respectively word counts its figures after that word."""
    out: list[tuple[list[Figure], int]] = []
    prev: list[Figure] = []
    for run, resp in all_runs:
        longer = len(run) > len(prev) and all(a is b for a, b in zip(run, prev, strict=False))
        own = _past_sizes(run[len(prev) :] if prev and longer else run)
        prev = run
        if (len(own) > 1 and (len({f.measure for f in own}) > 1) == mixed
                and not _has_own_arms(own, parser.text)):  # fmt: skip
            out.append((own, resp))
    return out


def _own_pairs(parser: SentenceParser, all_pairs: list[list[Figure]],
               runs: list[tuple[list[Figure], int]]) -> list[list[Figure]]:  # fmt: skip
    """The pairs a comparison word joins (`all_pairs`) whose arms are to be found: of one
    measure, not in a respectively list, not each with an arm of its own already."""
    listed = {id(f) for run, _ in runs for f in run}
    return [pair for pair in all_pairs
            if not any(id(f) in listed for f in pair) and pair[0].measure == pair[1].measure
            and not _has_own_arms(pair, parser.text)]  # fmt: skip


def _compares(lex: Lexicon, text: str, chain: list[Span]) -> bool:
    """Does the series compare two arms ("with A than with B", "A versus B", "between A and
    B", "between arms A and B": determiners and arm nouns passed over before the names), not
    list what was given together ("treated with A and B")?"""
    if len(chain) != 2:
        return False
    gap = {t.lower() for t in GAP_TOKEN.findall(text[chain[0][1] : chain[1][0]])}
    if gap & ((lex.comparison | lex.comparator_openers) - lex.respectively):
        return True
    before = text[max(0, chain[0][0] - LINK_CHARS) : chain[0][0]].split()
    passed = lex.determiners | lex.arm_nouns  # (once, not for every word)
    words = [w for w in before if w.lower() not in passed]
    return bool(words) and lex.arm_pair_opener_re.fullmatch(words[-1]) is not None


def unmarked_list_arms(lex: Lexicon, figures: list[Figure], parser: SentenceParser,
                       sm: SentenceMentions, compared: Comparisons) -> None:  # fmt: skip
    """ "Focal radiotherapy was performed in 6 (16%) and 3 (8%) patients in the control and
    experimental groups": a list of figures that no respectively word follows and that no
    comparison word joins pairs with a series of as many arm names right after it (`_after`)
    that an arm noun ends (the series names arms), as with the word. Each figure, without an
    arm, takes its series' name in order. Names are read only for a sentence with such a list
    and an arm noun after it."""
    text = parser.text
    if len(figures) < 2 or not any(noun in parser.low for noun in lex.arm_nouns):
        return  # (most sentences: no arm noun at all)
    taken = {id(f) for run, _ in compared.runs for f in run}
    taken |= {id(f) for pair in compared.pairs for f in pair}
    boundary = parser.boundaries()
    lists: list[list[Figure]] = []
    run: list[Figure] = []
    for k, f in enumerate(figures):
        run.append(f)
        if k + 1 < len(figures) and listed(lex, parser, boundary, f, figures[k + 1]):
            continue
        if len(run) > 1 and not any(id(g) in taken or g.arm is not None for g in run) and (
            lex.series_noun_re.search(text[run[-1].end : run[-1].end + AFTER_CHARS])
        ):
            lists.append(run)
        run = []
    if not lists:
        return
    names, _ = arm_names(lex, text, sm)
    chains = series(lex, text, names)
    starts = [c[0][0] for c in chains]
    for run in lists:
        end = subjects_start(lex, text, run[-1])
        j = bisect.bisect_left(starts, end)
        if j == len(chains) or len(chains[j]) != len(run):
            continue
        noun = lex.series_noun_re.match(text, chains[j][-1][1])
        chain = _after(lex, text, chains, starts, end, noun.end()) if noun else None
        if chain is not None:
            for f, span in zip(run, chain, strict=True):
                f.arm, f.arm_head, f.arm_pooled = span, None, False


def _only_arm(lex: Lexicon, text: str, names: list[Span], own: set[Span]) -> Span | None:
    """ "The clinical and pathological complete remission rates of docetaxel group was 28.6% and
    26.5% respectively", "In T-FEC, the values were 95.2% and 98.9%, respectively": a sentence
    that names one arm only, as its frame or what its subject is of, has its respectively lists
    after that name pair their figures with something else (the measures), all of that arm.
    One arm only: every arm name the same, by its own words or a drug an arm noun follows, none
    the comparator's, who was studied or a series' last ("INT+, INT, and CON participants":
    names unread before it); no comparison word in the sentence, and no arm noun but right
    after the name ("at 'control' arm ... at 'intervention' arm"). Returns the name's first
    span."""
    if not names or len({text[s:e].lower() for s, e in names}) != 1:
        return None
    for name in names:
        if named_as_comparator(lex, text, name[0]) or qualified(lex, text, name):
            return None
        if name not in own and lex.series_noun_re.match(text, name[1]) is None:
            return None
        before = _WORD_BEFORE_NAME.search(text, max(0, name[0] - LINK_CHARS), name[0])
        if before is not None and before.group(1).lower() in lex.series_joiners:
            return None
    # the name frames the sentence ("In T-FEC, ...") or is what its subject is of ("the rates
    # of docetaxel group"), not where the figures occurred ("Nausea and fatigue occurred in the
    # letrozole group in 40% and 35%, respectively": maybe two arms')
    first = names[0]
    opener = lex.frame_opener_re.match(text)
    of = _OF_BEFORE.search(text, max(0, first[0] - LINK_CHARS), first[0])
    if not ((opener is not None and opener.end() == first[0]) or of is not None):
        return None
    low = text.lower()
    if lex.comparison_word_re.search(low.replace("respectively", " ")) or any(
        w in lex.comparison_frame_words or w in lex.comparator_openers for w in low.split()
    ):
        return None
    nouns = [m.start() for m in lex.series_noun_re.finditer(text)]
    if any(not any(e <= x <= e + 1 for _, e in names) for x in nouns):
        return None
    return names[0]


# "of" right before a name, past a determiner ("the rates of (the) docetaxel group")
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$", re.IGNORECASE)
# the word before a name, past quotes and brackets ("and 'control' arm")
_WORD_BEFORE_NAME = re.compile(r"([A-Za-z]+|,)[\s'\"‘’“”(\[]*$")


def _mentions_a_comparison(lex: Lexicon, parser: SentenceParser) -> bool:
    """Does the sentence hold a respectively word or a comparison word at all? (one search of
    its lower-cased text: most sentences hold neither)"""
    return lex.comparison_word_re.search(parser.low) is not None


#: A list or pair of figures and the series of arm names it takes its arms from (None: none).
Tied = tuple[list[Figure], list[Span] | None]


class _Series:
    """The sentence's series of arm names (`series`: every series, arms or not, the nearest one
    is the respectively word's, and a series of what was measured, "creatinine and urea",
    between the arms and the list takes it), and where what a respectively word may pair a
    list with instead starts: series of diseases ("neutropenia and anemia"), other figures.
    Read once a sentence with a list or pair to tie."""

    def __init__(self, lex: Lexicon, parser: SentenceParser, sm: SentenceMentions,
                 names: list[Span], figures: list[Figure]) -> None:  # fmt: skip
        text = parser.text
        self.lex, self.parser, self.text = lex, parser, text
        self.chains = series(lex, text, names)
        self.starts = [c[0][0] for c in self.chains]
        self.ends = [c[-1][1] for c in self.chains]
        diseases = [(m.start - sm.base, m.end - sm.base) for m in sm.all if m.label == DISEASE]
        self.listed = [c[0][0] for c in series(lex, text, diseases) if len(c) > 1]
        # (not an arm's size right after its name: "between A (n = 46) and B (n = 45) in
        # response (41% vs 27%)" names its arms with their sizes)
        self.figure_starts = sorted(f.start for f in figures if not f.n_form)

    def after(self, run: list[Figure], resp: int) -> list[Span] | None:
        """The series between the list `run` (past the subjects it counts) and its
        respectively word at token `resp` (`_after`), or None."""
        lex, text = self.lex, self.text
        return _after(lex, text, self.chains, self.starts, subjects_start(lex, text, run[-1]),
                      self.parser.toks[resp].start)  # fmt: skip

    def before(self, run: list[Figure], resp: int | None = None) -> list[Span] | None:
        """The series of arms before the list or pair `run` in its clause (`_before`), or
        None: also when a list of its own stands between its last figure and its respectively
        word at token `resp`, or a series of diseases or other figures between the names and
        the list."""
        parser = self.parser
        if resp is not None and _lists_between(self.lex, parser, run[-1].te, resp):
            return None  # "28% and 15% ... at 12 and 24 weeks, respectively": those are its
        chain = _before(self.chains, self.ends, run[0].start, parser.clause_chars(run[0].ts)[0])
        if chain is not None and (
            any_between(self.listed, chain[-1][1], run[0].start)
            or any_between(self.figure_starts, chain[-1][1], run[0].start)
        ):
            # a series of diseases, or other figures, between the names and the list: the
            # respectively word pairs the figures with those diseases, the names are those
            # figures' arms
            return None
        return chain


def _tied_lists(near: _Series, runs: list[Run], mixed: list[Run]) -> list[Tied]:
    """Each respectively list of one measure (`runs`) with the series after it, else before
    it; then each list of several measures (`mixed`) that the series right after it names
    subjects or arms of."""
    lex, text = near.lex, near.text
    tied = [(run, near.after(run, resp) or near.before(run, resp)) for run, resp in runs]
    for run, resp in mixed:
        # figures of several measures ("in 83% and 56% of anastrozole and tamoxifen patients,
        # respectively", the second read as another measure): only the subjects or arms named
        # right after the list pair with it
        chain = near.after(run, resp)
        if chain is not None and (lex.series_subjects_re.match(text, chain[-1][1])
                                  or lex.series_noun_re.match(text, chain[-1][1])):  # fmt: skip
            tied.append((run, chain))
    return tied


def _framed_lists(lex: Lexicon, parser: SentenceParser, frames: Frames, tied: list[Tied],
                  all_pairs: list[list[Figure]], not_arms: set[Span]) -> list[Tied]:  # fmt: skip
    """The respectively lists of two that no series gave arms and that a comparison word
    joins ("(63% v 22%, respectively)"; in "(2.5% and 1.1% respectively)" the word pairs them
    with what was measured), each with the arms of its comparative frame (`frame_arms`)."""
    joined = {(id(a), id(b)) for a, b in all_pairs}
    return [
        (run, frame_arms(lex, parser, frames, run, not_arms))
        for run, chain in tied
        if chain is None and len(run) == 2 and (id(run[0]), id(run[1])) in joined
    ]


def _pair_arms(lex: Lexicon, parser: SentenceParser, near: _Series, frames: Frames,
               pairs: list[list[Figure]], names: list[Span], own: set[Span],
               not_arms: set[Span]) -> tuple[list[Tied], list[Tied], list[Named]]:  # fmt: skip
    """The arms of each pair a comparison word joins: the series of two arms compared before
    it (the first list returned), else its comparative frame's (the second, None when it has
    none), else the names of its clause (`one_named_arms`, the third)."""
    tied: list[Tied] = []
    framed: list[Tied] = []
    one_named: list[Named] = []
    for pair in pairs:
        chain = near.before(pair)
        if chain is not None and _compares(lex, near.text, chain):
            tied.append((pair, chain))
            continue
        arms = frame_arms(lex, parser, frames, pair, not_arms)
        framed.append((pair, arms))
        if arms is None:
            one = one_named_arms(lex, parser, names, own, pair, not_arms)
            if one is not None:
                one_named.append(one)
    return tied, framed, one_named


def _set_series_arms(lex: Lexicon, text: str, tied: list[Tied], framed: list[Tied],
                     own: set[Span]) -> None:  # fmt: skip
    """Each list or pair takes, in order, the names of its series (`tied`: when the series
    names arms, `_names_arms`) or frame (`framed`) of as many names. Writes `Figure.arm`."""
    in_frames = {id(run) for run, _ in framed}
    for run, chain in tied + framed:
        if chain is None or len(chain) != len(run):
            continue
        if id(run) not in in_frames and not _names_arms(lex, text, chain, own):
            continue
        for f, span in zip(run, chain, strict=True):
            f.arm, f.arm_head, f.arm_pooled = span, None, False


def _set_one_named_arms(one_named: list[Named]) -> None:
    """Each pair's figures take the arms `one_named_arms` found for them; the figure left
    without one takes not the other's (`Figure.other_arm`). Writes `Figure.arm`."""
    for named, left in one_named:
        for f, span in named:
            f.arm, f.arm_head, f.arm_pooled = span, None, False
            if left is not None:
                left.other_arm = span


def _set_only_arm(lex: Lexicon, text: str, names: list[Span], own: set[Span],
                  runs: list[Run]) -> None:  # fmt: skip
    """In a sentence that names one arm only (`_only_arm`), each respectively list after its
    name whose figures have no arm yet, nor another's, is all of that arm. Writes
    `Figure.arm`."""
    one_arm = _only_arm(lex, text, names, own)
    if one_arm is None:
        return
    for run, _ in runs:
        if one_arm[1] <= run[0].start and all(
            f.arm is None and not f.arm_pooled and f.other_arm is None for f in run
        ):
            for f in run:
                f.arm = one_arm


def respectively_arms(lex: Lexicon, figures: list[Figure], parser: SentenceParser,
                      compared: Comparisons, sm: SentenceMentions) -> None:  # fmt: skip
    """Each figure of a list a respectively word follows takes its arm from a series of as many
    arm names; each of a pair a comparison word joins, from a series of two arms compared
    before it, in a frame, or the names of its clause (the module docstring; writes
    `Figure.arm`, and `Figure.other_arm` of a pair's figure left without one). `compared`: the
    sentence's lists and pairs (`outcome_attach.mark_compared`)."""
    if len(figures) < 2 or not _mentions_a_comparison(lex, parser):
        return  # (most sentences: neither a respectively word nor a comparison word)
    runs = _own_runs(parser, compared.runs)
    mixed = _own_runs(parser, compared.runs, mixed=True)
    all_pairs = compared.pairs
    pairs = _own_pairs(parser, all_pairs, runs)
    if not runs and not pairs and not mixed:
        return
    text = parser.text
    names, own = arm_names(lex, text, sm)
    near = _Series(lex, parser, sm, names, figures)
    tied = _tied_lists(near, runs, mixed)
    analytes = {(m.start - sm.base, m.end - sm.base) for m in sm.drugs if sm.analyte(m)}
    frames = Frames(lex, parser, names)
    framed = _framed_lists(lex, parser, frames, tied, all_pairs, analytes)
    pair_tied, pair_framed, one_named = _pair_arms(lex, parser, near, frames, pairs, names, own,
                                                   analytes)  # fmt: skip
    _set_series_arms(lex, text, tied + pair_tied, framed + pair_framed, own)
    _set_one_named_arms(one_named)
    _set_only_arm(lex, text, names, own, runs + mixed)
    # "(89% vs 12%) and 12 weeks (100% vs 59%)": a later pair, the arms of the one before it
    # or of the sentence's one comparison of two arms
    two = [c for c in near.chains if _compares(lex, text, c) and _names_arms(lex, text, c, own)]
    pair_series_arms(lex, figures, all_pairs, parser, names, two)
