"""Whether a name an arm noun follows ("in the X group", "the X arm") is an arm of the study.

Such a name is as often an analysis set or a subgroup as an arm ("In the intention-to-treat
cohort", "the responder group", "the ER-positive group", "the expansion cohort"), so it names an
arm only with evidence (`ArmEvidence`): from its own words (a drug, a control arm, a treatment or
role word, a dose, a regimen's abbreviation) or from the document (an arm it noted before,
`noted_arm`; a name written where it allocates its subjects, `allocated`), from an "(n = N)"
right after it in a study that compares arms, or from another name with the same arm noun beside
it (an arm by its words, or another figure's: the sentence contrasts the two); never a name with
a `non_arm_group_words` or `non_arm_label_words` entry or a whole population's name
(`study_population_names`: "the study cohort"). A size's bracket label ("(exercise group, n =
40)") is an arm unless its words are such a name or a subgroup's (`label_shown`). A whitelist from
the document rather than a list of the English words that name no arm (`non_arm_group_words`
stays, for subgroups contrasted name against name: "the multifocal group ... the unifocal
group").
Reads the sentence's text and DRUG mentions and the `DocContext`'s noted arms and text; writes
only `DocContext.allocations` (its cache, from `DocContext.allocation_stretches`).
`outcome_arms.note_arms` and `clause_arm` ask it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipeline.components.outcome_attach import no_arm_name, several_arms

if TYPE_CHECKING:
    from pipeline.components.outcome_context import DocContext, SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon


class ArmEvidence:
    """Whether a name an arm noun follows ("in the X group", "the X arm") is an arm: only with
    evidence, since such a name is as often an analysis set or a subgroup ("the intention-to-
    treat cohort", "the responder group", "the ER-positive group"). One per sentence."""

    def __init__(self, ctx: DocContext, sm: SentenceMentions,
                 linked: list[tuple[int, int]]) -> None:  # fmt: skip
        """`linked`: the names the sentence's figures took as their arms so far, each its own
        figure's ("12.5% in the surgical group and 9.8% in the medical group")."""
        self.ctx, self.sm, self.linked = ctx, sm, linked
        self._names: list[tuple[int, int]] | None = None

    def shown(self, s: int, e: int, sized: bool = False) -> bool:
        """Is the name at sentence characters s..e an arm, if an arm noun follows it? When
        its own words or the document say so (`_evident`), when it is `sized` (the arm of an
        "(n = N)" right after it) in a document that compares arms ("the exercise group (n =
        40)") and holds no preposition, or beside another name with the same arm noun that is
        an arm by its words ("the gabapentin arm") or another figure's, name against name ("4.5
        in the gabapentin arm and 5 in the hypnotherapy arm", "in the bolus group ... 32.7% in
        the infusion group": the sentence contrasts the two; not subgroups so contrasted: a
        `subgroup_words` or `non_arm_group_words` entry, "the ER-positive group ... in the
        ER-negative group", "the multifocal group ... in the unifocal group")."""
        lex, text = self.sm.lex, self.sm.text
        noun = lex.series_noun_re.match(text, e)
        if noun is None:
            return True  # not named by an arm noun: a drug, a label, a size's bracket label
        word, name = noun.group().strip().lower(), text[s:e].lower()
        if no_arm_name(lex, name) or study_population(lex, name, word):
            return False  # "the entire study group (40%)", "the study cohort", "the responder
            # group (n = 12)": no arm, whatever else is said of it
        if self._evident(s, e) or (
            sized and self.ctx.compares_arms(lex)
            and lex.prepositions.isdisjoint(name.split()) and not self._subgroup(name)
        ):  # fmt: skip
            return True  # (not "The results in treatment-received cohort (N = 88)")
        if not self._subgroup(name):
            for a, b in self.linked:
                other = text[a:b].lower()
                if self._same_noun(b, word) and other != name and not self._subgroup(other):
                    return True
        if self._names is None:
            self._names = the_arm_names(lex, text)
        return any((a, b) != (s, e) and self._same_noun(b, word) and self._evident(a, b)
                   for a, b in self._names)  # fmt: skip

    def evident(self, s: int, e: int) -> bool:
        """Is the name at sentence characters s..e an arm, an arm noun after it or not: `shown`
        if one follows, else by its own words or the document's (`_evident`: a drug, a control
        arm, a role or treatment word, an arm noted or allocated to)?"""
        if self.sm.lex.series_noun_re.match(self.sm.text, e) is not None:
            return self.shown(s, e)
        return self._evident(s, e)

    def label_shown(self, s: int, e: int) -> bool:
        """Is the label at sentence characters s..e of an arm's size's bracket, words and an arm
        noun ("(exercise group, n = 40)"), an arm? The bracket, a group named and its size, is
        its evidence (as an "(n = N)" is for "the exercise group (n = 40)", `shown`), but not a
        name that is never an arm's: a `non_arm_group_words` or `non_arm_label_words` entry, a
        whole population's name or a subgroup's ("(responder group, n = 12)", "(study cohort,
        n = 120)", "(ER-positive group, n = 12)"). An arm noun and its label ("group A") is
        one."""
        lex = self.sm.lex
        words = self.sm.text[s:e].lower().split()
        if len(words) < 2 or words[-1] not in lex.arm_nouns:
            return True
        name = " ".join(words[:-1])
        return not (no_arm_name(lex, name) or study_population(lex, name, words[-1])
                    or self._subgroup(name))  # fmt: skip

    def _subgroup(self, name: str) -> bool:
        """Does the (lower-case) name hold a subgroup's word, a hyphen as a space ("ER-positive",
        "triple-negative", "male")?"""
        words = self.sm.lex.subgroup_words
        return any(w.strip("+-") in words for w in name.replace("-", " ").split())

    def _same_noun(self, end: int, word: str) -> bool:
        """Does the arm noun `word` follow the name ending at `end`?"""
        other = self.sm.lex.series_noun_re.match(self.sm.text, end)
        return other is not None and other.group().strip().lower() == word

    def _evident(self, s: int, e: int) -> bool:
        """Does the name at s..e name an arm by its own words or the document's: a drug in it, a
        control arm, a treatment word or an `arm_role_words` entry ("the experimental group",
        "the 10 mg/kg group"), a regimen's abbreviation ("the ACT arm"; not a receptor: "the
        ER+ group"), an arm the document noted (`noted_arm`) or a name it writes where it
        allocates its subjects (`allocated`: "randomized to weekly or 3-weekly docetaxel")?"""
        sm, ctx = self.sm, self.ctx
        lex, text, base = sm.lex, sm.text, sm.base
        k = bisect.bisect_left(sm.drug_starts, base + e) - 1
        if k >= 0 and sm.drugs[k].end > base + s:
            return True
        name = text[s:e]
        if lex.control_word_re.search(name):
            return True
        low = name.lower()
        # (a role or a dose also in a hyphened word, "the high-dose arm", "the 20-mg arm"; a
        # treatment word only alone: "the per-protocol cohort")
        if any(w in lex.arm_treatment_words for w in low.split()) or any(
            w in lex.arm_role_words for w in low.replace("-", " ").split()
        ):
            return True
        if any(lex.regimen_label_re.fullmatch(w)
               and w.lower().rstrip("+-") not in lex.receptor_words
               for w in name.split()):  # fmt: skip
            return True
        key = " ".join(w for w in low.split()
                       if w not in lex.arm_nouns and w not in lex.determiners)  # fmt: skip
        return noted_arm(ctx, key, lex) or allocated(ctx, low, lex)


def study_population(lex: Lexicon, name: str, noun: str) -> bool:
    """Do the (lower-case) name and its arm noun end in a `study_population_names` entry, a
    name of the study's whole population ("the study cohort", "the prospective study cohort";
    not "the study group")?"""
    words = [*name.split(), noun]
    return any(" ".join(words[k:]) in lex.study_population_names for k in range(len(words)))


def noted_arm(ctx: DocContext, key: str, lex: Lexicon) -> bool:
    """Is `key` (`Figure.arm_keys`) an arm's the document has noted so far (a figure's arm or
    an arm's stated size), also without the treatment words that followed it there ("the
    endocrine group" of "the endocrine therapy or chemotherapy group")?"""
    for noted in itertools.chain(ctx.arm_sizes, *ctx.arms_seen):
        if noted == key or (noted.startswith(key + " ") and all(
            w in lex.arm_treatment_words for w in noted[len(key) + 1 :].split()
        )):  # fmt: skip
            return True
    return False


def allocated(ctx: DocContext, name: str, lex: Lexicon) -> bool:
    """Does the document write `name` (lower case) where it allocates its subjects
    (`Lexicon.allocation_stretch_re`: "randomized to weekly or 3-weekly docetaxel", "randomly
    assigned to receive either WBI or APBI")? A hyphen reads as a space ("the every-3-weeks arm"
    of "every 3 weeks")."""
    if ctx.allocations is None:
        text = ctx.text
        ctx.allocations = [text[start:end].lower().replace("-", " ")
                           for _, start, end in ctx.allocation_stretches(lex)]  # fmt: skip
    if not ctx.allocations:
        return False
    word = name.replace("-", " ")
    return any(_whole_word_in(word, stretch) for stretch in ctx.allocations)


# what an empty name's regex finds: a place with no word character on either side
_BARE_BOUNDARY = re.compile(r"(?<!\w)(?!\w)")


def _word_char(c: str) -> bool:
    """A regex's `\\w` (str patterns): a letter, digit or underscore in any script."""
    return c.isalnum() or c == "_"


def _whole_word_in(word: str, text: str) -> bool:
    """`re.search(rf"(?<!\\w){re.escape(word)}(?!\\w)", text)`, by substring searches: no regex
    compiled for each name (a new name each call: compiling cost more than the search)."""
    if not word:
        return _BARE_BOUNDARY.search(text) is not None
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        before = at and _word_char(text[at - 1])
        if not before and not (end < len(text) and _word_char(text[end])):
            return True
        at = text.find(word, at + 1)
    return False


def the_arm_names(lex: Lexicon, text: str, lo: int = 0,
                  hi: int | None = None) -> list[tuple[int, int]]:  # fmt: skip
    """The arms text[lo:hi] names by "the", words and a singular arm noun ("the every-3-week
    treatment arm", "the control group"), as the words before the noun; not a
    `non_arm_group_words` or `non_arm_label_words` entry among them ("the whole study group", "the
    50-59 age group"), nor a series' joiner ("the TC6 and T-FEC group" names two)."""
    return _arm_spans(lex, lex.the_arm_re.finditer(text, lo, len(text) if hi is None else hi))


def _arm_spans(lex: Lexicon, matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    """The arm names of `the_arm_re` matches (`the_arm_names`' tests), as spans."""
    return [m.span("arm") for m in matches
            if not no_arm_name(lex, m["arm"]) and not several_arms(lex, m["arm"])
            ]  # (not "the TC6 and T-FEC group": two arms)


# where a `Lexicon.the_arm_re` match may start: each starts with "the" and a space
THE_WORD = re.compile(r"\bthe(?=\s)", re.IGNORECASE)


def the_arm_names_from(lex: Lexicon, text: str, thes: list[int], lo: int,
                       hi: int) -> list[tuple[int, int]]:  # fmt: skip
    """`the_arm_names(lex, text, lo, hi)`, its matches tried only where they may start:
    `thes`, the starts of `THE_WORD` in `text` (found once for the clauses of a sentence;
    searched from each clause's start, the clauses that end at each figure's bracket read the
    sentence again for each figure)."""
    def matches() -> Iterator[re.Match[str]]:
        after = lo  # (a match starts after the one before it, as `finditer` finds them)
        for k in range(bisect.bisect_left(thes, lo), bisect.bisect_left(thes, hi)):
            if thes[k] < after:
                continue
            m = lex.the_arm_re.match(text, thes[k], hi)
            if m is not None:
                after = m.end()
                yield m

    return _arm_spans(lex, matches())
