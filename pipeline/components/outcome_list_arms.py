"""The arm of each figure of a list ("25%, 31% and 40% in the A, B and C arms"), of a list one
arm follows ("23% and 5%, respectively, in the X arm", "21% and 15% in the placebo group"), and
the tests of an arm's name these and `outcome_attach.attach_arms` share (`no_arm_name`,
`several_arms`). Each looks at a bounded window after the list (ARM_WINDOW characters).
"""

from __future__ import annotations

import re
from itertools import pairwise

from pipeline.components.outcome_brackets import BRACKET_AFTER
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_tokens import Figure

# How far (in characters) an arm phrase may reach before or after its figure.
ARM_WINDOW = 300


_ARM_PART = re.compile(
    r"(?:(?<=^)|(?<=,\s)|(?<=\band\s)|(?<=\bor\s)|(?<=\bversus\s)|"
    r"(?<=\bvs\s)|(?<=\bvs\.\s))(?:(?:and|or)\s+)?(?:the\s+)?(?P<arm>[^,]+?)"
    r"(?=\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+versus\s+|"
    r"\s+vs\.?\s+|$)"
)


# what no arm's name holds: a bracket, "=", a percentage or a decimal
_NO_NAME = re.compile(r"[(\[\]=%]|\d[.,·]\d")


def list_arms(lex: Lexicon, members: list[Figure], text: str) -> bool:
    """ "25%, 31% and 40% in the A, B and C arms": one arm per figure, in order."""
    tail = members[-1]
    m = lex.arm_list_re.match(text, tail.end, tail.end + ARM_WINDOW)
    return _listed_arms(lex, members, text, m)


def treated_list_arms(lex: Lexicon, members: list[Figure], text: str) -> bool:
    """ "271 and 278 patients received CT-P6 and trastuzumab, respectively", "207 and 201
    patients were enrolled to combination therapy and monotherapy, respectively": a list of
    counts of subjects, then the treatments each part received or was allocated to
    (`Lexicon.treated_list_re`), one per count, in order."""
    tail = members[-1]
    m = lex.treated_list_re.match(text, tail.end, tail.end + ARM_WINDOW)
    return _listed_arms(lex, members, text, m)


def _listed_arms(lex: Lexicon, members: list[Figure], text: str,
                 m: re.Match[str] | None) -> bool:  # fmt: skip
    """Each member takes its name of the list `m` matched after the last member, in order."""
    if not m:
        return False
    offset = m.start("list")
    arms = [(offset + p.start("arm"), offset + p.end("arm")) for p in _ARM_PART.finditer(m["list"])]
    arms = [(s, e) for s, e in arms if text[s:e].strip()]
    end = m.end()
    while len(arms) < len(members):
        # "45% and 12% in the docetaxel group and placebo group": each name its own noun
        nxt = lex.next_noun_arm_re.match(text, end)
        if nxt is None:
            break
        arms.append(nxt.span("arm"))
        end = nxt.end()
    if arms:
        # "in arms A, B and C": the first label without the arms' noun
        s, e = arms[0]
        noun, _, rest = text[s:e].partition(" ")
        if rest and noun.lower() in lex.pooled_arm_nouns:
            arms[0] = (e - len(rest), e)
    if len(arms) != len(members):
        return False
    if any(_NO_NAME.search(text, s, e) or not lex.auxiliaries.isdisjoint(text[s:e].lower().split())
           for s, e in arms):  # fmt: skip
        # "6.8 months for A and median overall survival was 19.7 months", "for standard office
        # hour, P=0.001)", "with EP (hazard ratio [HR], 0.73": a clause or statistics, no names
        return False
    if all(all(w in lex.pop for w in text[s:e].lower().split()) for s, e in arms):
        return False  # "12% and 15% in men and women, respectively": subgroups, no arms
    head = _suspended_head(text, arms)
    for f, arm in zip(members, arms, strict=True):
        f.arm = arm
        if head is not None and text[arm[0] : arm[1]].endswith("-"):
            f.arm_head = head
    return True


def _suspended_head(text: str, arms: list[tuple[int, int]]) -> tuple[int, int] | None:
    """ "in the low-, mid- and high-dose groups": the word the last name completes the
    others' suspended hyphens with ("dose"), when a name before it ends with a hyphen."""
    s, e = arms[-1]
    last = text[s:e]
    if "-" not in last.strip("-") or not any(text[a:b].endswith("-") for a, b in arms[:-1]):
        return None
    return s + last.index("-") + 1, e


def respectively_one_arm(lex: Lexicon, members: list[Figure], text: str) -> bool:
    """ "23% and 5%, respectively, in the trastuzumab plus anastrozole arm": one arm named by a
    singular arm noun after a list's respectively word (which pairs the list with something
    else: "grade 3 and 4") is every member's; not several ("in the A and B arms")."""
    lead = lex.respectively_comma_re.match(text, members[-1].end)
    m = lex.arm_after_re.match(text, lead.end()) if lead is not None else None
    if m is None or m["noun"].lower() in lex.pooled_arm_nouns:
        return False
    if no_arm_name(lex, m["arm"]) or several_arms(lex, m["arm"]):
        return False
    for f in members:
        f.arm = m.span("arm")
    return True


def count_lists(lex: Lexicon, figures: list[Figure],
                parser: SentenceParser) -> list[list[Figure]]:  # fmt: skip
    """Runs of two or more counts of subjects listed with only `list_connectors` entries
    between them (commas, "and"; a comparison word among them `one_arm_after_list` refuses),
    the last naming the subjects ("in 12, 8 and 5 patients"): one list, as the reader reads
    its population (`FigureReader.list_population`), for `one_arm_after_list`."""
    runs: list[list[Figure]] = []
    for f, g in pairwise(figures):
        listed = (
            f.count is not None and g.count is not None and f.pct is None and g.pct is None
            and f.den is None and g.den is None and not f.n_form and not g.n_form and g.has_pop
            and 0 < g.ts - f.te <= 2
            and all(parser.lower(x) in lex.connectors for x in range(f.te, g.ts))
        )  # fmt: skip
        if not listed:
            continue
        if runs and runs[-1][-1] is f:
            runs[-1].append(g)
        else:
            runs.append([f, g])
    return runs


def one_arm_after_list(lex: Lexicon, members: list[Figure], parser: SentenceParser) -> bool:
    """ "21% and 15% in the placebo group", "42, 90, and 90% of the control group": one arm
    named by a singular arm noun right after a list joined by "and" and commas (no comparison
    word: "28% vs 15% in the X group" may be two arms') is every member's; not one another arm
    name follows ("in the docetaxel group and placebo group")."""
    text = parser.text
    for f, g in pairwise(members):
        if any(parser.lower(x) in lex.comparison for x in range(f.te, g.ts)):
            return False
    tail = members[-1]
    after = BRACKET_AFTER if tail.ci is not None or tail.p is not None else _RANGE
    stat = after.match(text, tail.end)
    m = lex.arm_after_re.match(text, stat.end() if stat else tail.end)  # (past its CI, range)
    if m is None or m["noun"].lower() in lex.pooled_arm_nouns:
        return False
    if no_arm_name(lex, m["arm"]) or several_arms(lex, m["arm"]):
        return False
    if lex.next_noun_arm_re.match(text, m.end()):
        return False  # "in the docetaxel group and placebo group": one arm each
    for f in members:
        f.arm = m.span("arm")
    return True


# a bracket of numbers only, a range ("(1 to 29)", "(12-30)")
_RANGE = re.compile(r"\s*[(\[][\d\s.,%–−-]*(?:to[\d\s.,%–−-]*)?[)\]]")


def arm_named_at(lex: Lexicon, window: str) -> re.Match[str] | None:
    """The arm named at the start of `window`, as right after a figure: an arm noun's name ("in
    the tamoxifen arm"), an arm label ("in group B") or a control arm ("with placebo")."""
    return (
        lex.arm_after_re.match(window)
        or lex.arm_label_re.match(window)
        or lex.arm_control_re.match(window)
    )


def no_arm_name(lex: Lexicon, name: str) -> bool:
    """ "the whole study group", "the 50-59 age group", "the first cycle group": words before an arm
    noun that name no arm (`non_arm_group_words`, `non_arm_label_words`)."""
    return any(w in lex.non_arm_group_words or w in lex.non_arm_label_words
               for w in name.lower().split())  # fmt: skip


def several_arms(lex: Lexicon, words: str) -> bool:
    """ "similar in the PC and EP arm (89.4% vs 79.5%)": names joined into a series, whose
    figures the series' rules give their arms (`outcome_respectively`), not one arm's name."""
    return not lex.series_joiners.isdisjoint(words.lower().split())
