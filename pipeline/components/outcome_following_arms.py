"""The arm named right after a figure, or in the subjects the figure counts.

`following_drug`: a drug mention right after the figure and a link ("16.5% with azathioprine",
"(12%) of those patients receiving X": `following_drug_links`, past `following_drug_subjects`).
`following_name`: in that place, an arm that is no drug mention ("66% for FV and 54% for FP",
"91% with radioguided localization", "442 (52%) of 856 patients assigned to regional
anaesthesia"): one to `FOLLOWING_NAME_WORDS` words after such a link or a
`following_arm_links` entry ("assigned to", "who underwent") that the document shows name an arm
(it allocates its subjects to them, `outcome_arm_evidence.allocated`, or noted them as an arm
before, `noted_arm`), or after a `following_arm_treatment_links` entry ("receiving", "treated
with"), a regimen's abbreviation ("of patients receiving ddAT"; not a receptor: "receiving
HER2"). The words stop at a connector, a preposition, a determiner or article, a population
noun, a comparison or respectively word, an auxiliary, an arm noun or a number ("E → CMF" is one
name); the longest run of them with evidence is the arm (a monotherapy word after it joins it:
"RT alone"). No name after a weak link right after the subjects a figure counts ("248 patients
with breast cancer": a trait), none that is a disease, runs into a design noun ("in the
adjuvant studies") or lists alternatives ("either", a connector joining another name).
`subjects_arm`: the subjects the figure counts name its arm ("89% of tamoxifen patients", "73% of
controls", "71% of intervention women"): "of", one to three words and a population noun ending
the figure's text or right after it, the words a drug, a control arm, or a name the document
allocates to or noted as an arm (not a role word alone: "0.4% of treated patients" are all who
were treated); not words with a
`non_arm_qualifiers` or negation entry ("of previously treated patients"), nor the subjects of
an "Of 120 women randomized, ..." phrase or a count of who was enrolled.
`pool_arm`: a count right before the subjects it is of, who have an arm ("352 DFS events among
2,463 women receiving letrozole", "251 [7.0%] in 3579 patients in the tamoxifen group"), is of
their arm.
Reads the sentence's text, its DRUG mentions and the `DocContext`'s allocations and noted arms;
returns sentence-relative spans (`outcome_arms.note_arms` writes them as `Figure.arm`).
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from pipeline.components.outcome_arm_evidence import allocated, noted_arm
from pipeline.components.outcome_attach import no_arm_name, several_arms
from pipeline.components.outcome_brackets import BRACKET_AFTER, FLAT_BRACKET
from pipeline.components.outcome_tokens import Figure, Mention
from pipeline.labels import DISEASE

if TYPE_CHECKING:
    from pipeline.components.outcome_context import DocContext, SentenceMentions
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

#: Most characters between a figure and its following drug ("16.5% of those patients with").
FOLLOWING_CHARS = 30
#: Most words of an arm named after a figure that is no drug mention.
FOLLOWING_NAME_WORDS = 4




def link_start(text: str, f: Figure) -> int:
    """Where the link to the arm named after the figure may start: its end, or past the
    bracket of its CI or P value ("58.0% (95% CI, 45.5% to 69.2%) with HT"), for a figure of
    one arm (not a ratio or a change between arms)."""
    if (f.ci is None and f.p is None) or f.ratio is not None or f.relative:
        return f.end
    stat = BRACKET_AFTER.match(text, f.end)
    return stat.end() if stat else f.end


def following_drug(sm: SentenceMentions, text: str, f: Figure) -> Mention | None:
    """ "16.5% with azathioprine": the drug named right after the figure (past its CI)."""
    base, end = sm.base, link_start(text, f)
    k = bisect.bisect_left(sm.drug_starts, base + end)
    for m in sm.drugs[k:]:
        s = m.start - base
        if s - end > FOLLOWING_CHARS:
            break
        if sm.lex.following_drug_re.fullmatch(text[end:s]):
            # ("45% of patients with estrogen receptor-positive tumors": a receptor, no arm)
            return None if sm.lex.receptor_re.match(text, s) else m
    return None


def allocated_with_others(sm: SentenceMentions, text: str, f: Figure, drug: Mention,
                          figures: list[Figure]) -> bool:  # fmt: skip
    """Is the drug `following_drug` found after an allocation word ("randomly assigned to") one
    arm of an allocation that goes on past it ("4,560 women randomly assigned to exemestane (25
    mg per day) compared with placebo", "5408 women randomly assigned to tamoxifen 20 mg/d or
    placebo": the cohort, of no one arm)?"""
    gap = text[link_start(text, f) : drug.start - sm.base].lower().split()
    return not sm.lex.allocation_verbs.isdisjoint(gap) and _more_members(
        sm, text, drug.end - sm.base, f, figures
    )


_NAME_WORD = re.compile(r"[A-Za-z0-9][\w/+.-]*|→")  # ("E → CMF": one name)
_NEXT_WORD = re.compile(r"\s*([A-Za-z0-9][\w/+.-]*|\S)")


def _name_words(sm: SentenceMentions, text: str, start: int) -> list[Span] | None:
    """The words of a name from `start` (one space apart, of any kind: "E\xa0→\xa0CMF"; no
    punctuation between), up to a
    word that ends it (the module docstring); None if they run into a design noun or a plural
    arm noun ("in the adjuvant studies", "in the A and B groups": no one arm), or a connector
    that joins another name, not another figure, to them ("in the A and B treatment groups")."""
    lex = sm.lex
    out: list[Span] = []
    at = start
    for w in _NAME_WORD.finditer(text, start):
        if w.start() != at or len(out) == FOLLOWING_NAME_WORDS:
            break
        word = w.group().rstrip(".").lower()
        if word in lex.alternative_openers:
            return None  # "receiving either fluoxetine, sertraline or ...": no one arm
        if word in lex.allocation_member_openers and not out:
            at = w.end() + 1  # "assigned to receive FV"
            continue
        if word in lex.following_name_ends or word in lex.allocation_member_openers:
            return None
        if not word or word in lex.following_name_stops or w.group() in lex.articles or (
            word[0].isdigit() and not any(c.isalpha() for c in word)
        ):  # (a number ends the name, not "3-weekly" nor "6FEC100")
            break
        out.append((w.start(), w.start() + len(w.group().rstrip("."))))
        at = w.end() + 1
        if w.group().endswith(".") or not text[w.end() : w.end() + 1].isspace():
            break
    if out and _joins_a_name(sm, text, out[-1][1]):
        return None
    return out


def _joins_a_name(sm: SentenceMentions, text: str, end: int) -> bool:
    """Does a connector after a name's end (and a bracket right after it) join another name to
    it, not another figure ("FV and 54% for FP", "ddAT and in 69.3%" join figures; "endocrine
    therapy and chemotherapy groups", "docetaxel (n = 61) or placebo", names)?"""
    lex = sm.lex
    bracket = BRACKET_AFTER.match(text, end)  # "docetaxel (n = 61) or placebo"
    m = _NEXT_WORD.match(text, bracket.end() if bracket else end)
    if m is None or m.group(1) == "," or m.group(1).lower() not in lex.connectors | lex.comparison:
        return False
    while True:
        m = _NEXT_WORD.match(text, m.end())
        if m is None:
            return False
        word = m.group(1).lower()
        if word not in lex.prepositions and word not in lex.determiners:
            return not (word[0].isdigit() or word in lex.number_words)


def _documented(ctx: DocContext, sm: SentenceMentions, name: str) -> bool:
    """Does the document name `name` (lower case) an arm: written where it allocates its
    subjects in another sentence (not "Of the 16 patients randomised to placebo 8/16 with high
    rates of bone loss": the words after the figure are in the allocation's own stretch), or
    noted as an arm before?"""
    lex = sm.lex
    key = " ".join(w for w in name.split() if w not in lex.arm_nouns and w not in lex.determiners)
    if not key:
        return False
    if noted_arm(ctx, key, lex):
        return True
    if not allocated(ctx, name, lex):  # (fills `ctx.allocations`)
        return False
    own = {m["list"].lower().replace("-", " ") for m in lex.allocation_stretch_re.finditer(sm.text)}
    word = re.compile(rf"(?<!\w){re.escape(name.replace('-', ' '))}(?!\w)")
    return any(word.search(stretch) for stretch in ctx.allocations or () if stretch not in own)


def following_name(sm: SentenceMentions, text: str, f: Figure, ctx: DocContext) -> Span | None:
    """The arm that is no drug mention named right after the figure (the module docstring)."""
    lex = sm.lex
    link = lex.following_name_re.match(text, link_start(text, f))
    if link is None or any(link.end() <= m.start - sm.base < link.end() + 2 for m in sm.drugs):
        return None  # (a drug there is `following_drug`'s)
    treatment = link["treatment"] is not None
    if not treatment and f.has_pop and lex.pop_end_re.search(text, f.start, f.end):
        return None  # "248 patients with breast cancer": who was studied
    words = _name_words(sm, text, link.end()) or []
    if words and any(m.label == DISEASE and m.start - sm.base < words[-1][1]
                     and words[0][0] < m.end - sm.base for m in sm.all) and not (
        len(words) == 1 and lex.regimen_label_re.fullmatch(text, *words[0])
        and link["link"].lower() not in lex.clause_arm_links
    ):  # fmt: skip
        # "12% in breast cancer", "10% in DCIS": a disease, no arm (but "on HDEC", an
        # abbreviation the tagger calls one, is a regimen's after other links)
        return None
    for n in range(len(words), 0, -1):
        s, e = words[0][0], words[n - 1][1]
        name = text[s:e]
        if n < len(words) and text[words[n][0] : words[n][1]] == "→":
            continue  # (not "CMF" of "CMF → E": another arm)
        if _documented(ctx, sm, name.lower()) or (
            treatment and n == 1 and lex.regimen_label_re.fullmatch(name)
            and name.lower().rstrip("+-") not in lex.receptor_words
            and not _qualified_after(lex, text, e)
        ):  # fmt: skip
            alone = lex.monotherapy_re.match(text, e)
            return s, alone.end() if alone else e
    return None


def _qualified_after(lex: Lexicon, text: str, end: int) -> bool:
    """Does a `non_arm_qualifiers` entry follow the name ending at `end` ("underwent CT without
    prophylactic lamivudine": the arm is more than the name)?"""
    m = _NEXT_WORD.match(text, end)
    return m is not None and m.group(1).lower() in lex.non_arm_qualifiers


def subjects_arm(sm: SentenceMentions, text: str, f: Figure, ctx: DocContext) -> Span | None:
    """The arm the subjects the figure counts are named by, in the figure's text or right after
    it ("89% of tamoxifen patients", "28% of AC/tamoxifen users"; the module docstring)."""
    if f.of_phrase or f.measure == "enrollment":
        return None
    lex = sm.lex
    m = lex.subjects_arm_re.search(text, f.start, f.end) if f.has_pop else None
    if m is None or m.end() != f.end:
        m = lex.subjects_after_re.match(text, f.end)
        if m is None:
            return None
    s, e = m.span("name")
    words = m["name"].lower().split()
    if any(w in lex.non_arm_qualifiers or w in lex.negation_words for w in words):
        return None  # "of previously treated patients": who was studied
    if any(w in lex.connectors or w in lex.comparison for w in words):
        return None  # "of anastrozole and tamoxifen patients, respectively": a series' names
    control = lex.control_word_re.search(text, s, m.end())
    if control is not None:
        return control.span()  # "of placebo patients", "of healthy controls"
    if m["pop"] is None:
        return None  # (the subjects are the name: only a control arm's)
    k = bisect.bisect_left(sm.drug_starts, sm.base + s)
    if (k < len(sm.drugs) and sm.drugs[k].end <= sm.base + e) or _documented(
        ctx, sm, m["name"].lower()
    ):
        return s, e
    return None


#: Most words of the arm's name between a count and the subjects it counts.
COUNTED_NAME_WORDS = 3
_FIGURE_WORD = re.compile(r"[A-Za-z0-9][\w/+,-]*")


def counted_subjects_arm(sm: SentenceMentions, text: str, f: Figure,
                         ctx: DocContext) -> Span | None:  # fmt: skip
    """ "In 15 control subjects (13%)", "1 (1%) of 108 control subjects", "three placebo
    patients", "12 of 100 docetaxel patients": the arm that names the subjects the figure
    counts, one to `COUNTED_NAME_WORDS` words between its count (a number or a number word) and
    a population noun in the figure's text, in a document that says it randomized: the name is
    a control arm alone, a drug mention alone, an `arm_role_subjects`
    entry alone ("experimental patients"; not "treated patients", all who were treated) or a
    name the document noted as an arm; not a trait or a subgroup ("cocaine-abusing patients",
    "unrelated control individuals", "breast cancer patients")."""
    if not f.has_pop or f.of_phrase or f.den_phrase or not ctx.says_randomized(sm.lex):
        return None
    lex = sm.lex
    words = list(_FIGURE_WORD.finditer(text, f.start, f.end))
    k = next((k for k in range(len(words) - 1, 0, -1) if words[k].group().lower() in lex.pop),
             None)  # fmt: skip
    if k is None:
        return None
    j = k
    while j > 0 and k - j < COUNTED_NAME_WORDS and not _count_word(lex, words[j - 1].group()):
        j -= 1
    if j == k or j == 0 or not _count_word(lex, words[j - 1].group()):
        return None
    s, e = words[j].start(), words[k - 1].end()
    name = text[s:e]
    if lex.control_word_re.fullmatch(name) or name.lower() in lex.arm_role_subjects:
        return s, e
    d = bisect.bisect_left(sm.drug_starts, sm.base + s)
    if d < len(sm.drugs) and sm.drugs[d].start == sm.base + s:
        return (s, e) if sm.drugs[d].end == sm.base + e else None
    key = " ".join(w for w in name.lower().split() if w not in lex.determiners)
    return (s, e) if key and noted_arm(ctx, key, lex) else None


def _count_word(lex: Lexicon, word: str) -> bool:
    """A count's word: a number ("108", "1,203") or a number word ("three", "seventy-nine")."""
    return word[0].isdigit() or all(w in lex.number_words for w in word.lower().split("-"))


def of_group_arm(sm: SentenceMentions, text: str, f: Figure) -> Span | None:
    """ "73.9% of the usual-care group": the name an arm noun follows right after the figure
    and "of" (`outcome_arms.note_arms` keeps it only with `ArmEvidence`); not "of the A and B
    group" (two names), nor past a CI."""
    m = sm.lex.of_arm_re.match(text, f.end)
    if m is None or several_arms(sm.lex, m["arm"]) or no_arm_name(sm.lex, m["arm"]):
        return None
    return m.span("arm")


def allocated_count_arm(f: Figure, figures: list[Figure], sm: SentenceMentions,
                        text: str, k: int) -> Span | None:  # fmt: skip
    """ "61 patients were allocated to FV and 68 to FP", "1043 were assigned to regional
    anaesthesia and 1065 were allocated to general anaesthesia": the arm a count of subjects was
    allocated to, named right after it, an auxiliary and an allocation word and "to" (or a
    `following_arm_links` entry: "68 were treated with wire localization"), after "to" alone
    when the allocation word comes before the count ("We randomly assigned 302 patients to
    letrozole"), or, for the next
    count joined to such a one, after "to" alone ("and 68 to FP"). Not the whole cohort's
    ("200 were randomized to either letrozole or placebo": names joined after it). `k`: f's
    index in `figures` (a search for f, per figure, was quadratic)."""
    if f.measure != "enrollment" or f.count is None or f.n_form:
        return None
    lex = sm.lex
    # "61 were allocated to FV", "We assigned 302 patients to X" (a later member: below)
    link = _allocation_link(lex, f, text, later=False)
    if link is None:
        prev = figures[k - 1] if k > 0 else None
        before = None if prev is None or prev.arm is None else _allocation_link(lex, prev, text)
        if prev is None or prev.arm is None or before is None:
            return None
        if not lex.list_joint_re.fullmatch(text, prev.arm[1], f.start):
            return None  # (the count right after the arm before it: "... to FV and 68 to FP")
        link = _next_link(lex, before, text, f.end)
        if link is None:
            return None
    words = _name_words(sm, text, link.end())
    if not words or _more_members(sm, text, words[-1][1], f, figures):
        return None
    if all(text[a:b].lower() in lex.treatment_nouns for a, b in words) and (
        lex.series_noun_re.match(text, words[-1][1]) is None
    ):
        return None  # "901 were randomized to treatment": the cohort (not "the combination arm")
    e = words[-1][1]
    alone = lex.monotherapy_re.match(text, e)
    return words[0][0], alone.end() if alone else e


_WORD_END = re.compile(r"[^\s,;]+")


def _allocating_before(lex: Lexicon, g: Figure, text: str) -> bool:
    """Does an allocation word come right before the count ("We randomly assigned 302",
    "were randomized: 302", `Lexicon.allocating_before_re`)?"""
    return lex.allocating_before_re.search(text, max(0, g.start - 20), g.start) is not None


def _allocation_link(lex: Lexicon, g: Figure, text: str, *,
                     later: bool = True) -> re.Match[str] | None:  # fmt: skip
    """The link from an allocated count to its arm: "were allocated to" after it, or "to" alone
    after a count an allocation word comes right before ("We randomly assigned 302 patients to
    letrozole") or, if `later`, after a bare count (a later member of the list: "118 to usual
    care and 119 to yoga")."""
    link = lex.allocated_count_re.match(text, g.end)
    if link is None and _allocating_before(lex, g, text):
        link = lex.allocated_to_re.match(text, g.end)
    elif link is None and later and g.needs_cue:
        link = lex.allocated_next_re.match(text, g.end)
    return link


def _next_link(lex: Lexicon, before: re.Match[str], text: str, pos: int) -> re.Match[str] | None:
    """The link of the count at `pos` to its arm, the same kind as the link `before` of the
    count before it: "to" after an allocation ("randomized to A and 298 to B"), also "with"
    after a treatment link ("treated with A and 66 with B"); not "with" after an allocation
    ("allocated to exercise, and 15 with knee pain withdrew": a subgroup)."""
    words = set(before.group().lower().split())
    allocation = bool(words & lex.allocation_to_words)
    return (lex.allocated_to_re if allocation else lex.allocated_next_re).match(text, pos)


def allocated_next_count(lex: Lexicon, prev: Figure | None, f: Figure, text: str) -> bool:
    """ "61 patients were allocated to FV and 68 to FP", "302 patients were randomly assigned to
    letrozole and 298 to placebo": a bare count right after the arm the enrolled count `prev`
    (the figure before it, in its clause) was allocated to, followed by "to" or "with" itself,
    is the next arm's size (an enrollment figure; `allocated_count_arm` names its arm). Between
    them: the first arm's name, at most FOLLOWING_NAME_WORDS words, and a list joint (a comma,
    "and"/"or", an arm noun: `Lexicon.list_joint_re`); `prev` may be such a count itself ("120
    were allocated to exercise, 118 to usual care and 119 to yoga"). So is a bare count right
    after an allocation word, a colon or a bracket ("600 patients were randomized: 302 to
    letrozole and 298 to placebo"), and "to" and a name after it."""
    if f.count is None or f.pct is not None or f.den is not None:
        return False
    if _allocating_before(lex, f, text):
        # the list's first member: "600 patients were randomized: 302 to letrozole and ..."
        own = lex.allocated_to_re.match(text, f.end)
        return own is not None and text[own.end() : own.end() + 1].isalpha()
    if prev is None or prev.measure != "enrollment" or prev.count is None or prev.n_form:
        return False
    link = _allocation_link(lex, prev, text)
    if link is None or link.end() >= f.start or _next_link(lex, link, text, f.end) is None:
        return False
    for n, word in enumerate(_WORD_END.finditer(text, link.end(), f.start)):
        if n == FOLLOWING_NAME_WORDS:
            return False
        joint = lex.list_joint_re.fullmatch(text, word.end(), f.start)
        if joint is not None and joint.group().strip():
            return True
    return False


_JOINED_WORD = re.compile(r"\b([A-Za-z]+)(?=\s+([\w-]+))")
# the last word of a text, a trailing full stop or spaces after it allowed
_LAST_WORD = re.compile(r"(\w+)\.?\s*$")
_CLAUSE_END = re.compile(r";|\.(?:\s|$)")


def _more_members(sm: SentenceMentions, text: str, end: int, f: Figure,
                  figures: list[Figure]) -> bool:  # fmt: skip
    """Does the allocation go on past the name ending at `end` to another arm, up to the next
    figure that is no "(n = N)" or the clause's end ("to docetaxel (n = 61) or placebo", "to
    letrozole 2.5 mg daily or placebo": the count is the cohort's), a connector joining a name,
    not the next count ("to FV and 68 to FP")?"""
    lex = sm.lex
    stop = next((g.start for g in figures if g.start >= end and not g.n_form), len(text))
    tail = FLAT_BRACKET.sub(" ", text[end:stop])  # ("(DA+; n = 615)": no clause end)
    cut = _CLAUSE_END.search(tail)
    tail = tail[: cut.start()] if cut else tail
    for m in _JOINED_WORD.finditer(tail):
        word, after = m.group(1).lower(), m.group(2).lower()
        if (word in lex.connectors or word in lex.comparison) and not (
            after[0].isdigit() or after in lex.number_words or after in lex.finding_of
        ):  # (not the next count: "to A and 8 to B", "to A and in 8 patients to B")
            return True
    # an alternative_joiners word last: the next member comes after the figure ("to docetaxel
    # (n = 61) or"); a word that merely ends so ("tumor", "donor") is none
    last = _LAST_WORD.search(tail)
    return last is not None and last.group(1).lower() in lex.alternative_joiners


def subjects_start(lex: Lexicon, text: str, f: Figure) -> int:
    """Where the figure's text ends before the subjects it ends with ("56% of anastrozole and
    tamoxifen patients": a series a respectively word pairs the list with,
    `outcome_respectively`), or its end."""
    m = lex.subjects_arm_re.search(text, f.start, f.end)
    return m.start() if m is not None and m.end() == f.end else f.end


# a count's own words ("DFS events", "[7.0%]"), then "in"/"among" before the subjects it is of
_POOL_LINK = re.compile(
    r"(?:\s*[(\[][^()\[\]]*[)\]])?\s+(?:[A-Za-z][\w-]*\s+){0,3}?(?:in|among)\s+",
    re.IGNORECASE,
)


def counted_among(f: Figure, g: Figure, text: str) -> bool:
    """ "352 DFS events among 2,463 women", "251 [7.0%] in 3579 patients": is `g`, the figure
    after count `f`, the subjects f was counted among (a count of subjects, no share, after f's
    own words and "in"/"among")?"""
    return not (
        f.count is None or f.has_pop or g.count is None or not g.has_pop or g.pct is not None
        or g.den is not None
    ) and _POOL_LINK.fullmatch(text, f.end, g.start) is not None  # fmt: skip


_BRACKETED_WORDS = re.compile(r"[(\[][^()\[\]]*[)\]]|([A-Za-z][\w-]*)")


def counted_among_by_words(lex: Lexicon, f: Figure, g: Figure, text: str) -> bool:
    """`counted_among`, with what f counts in its own words or bracket before "in"/"among"
    ("352 DFS events among 2,463 women", "251 [7.0%] in 3579 patients"): no auxiliary or
    `found_in_verbs` entry (not "grade 3 was seen in 15 patients", "one carcinoma developed in
    two rats": a clause), no bare label number ("intron 10 in 1 case"; a share's bracket is
    its own: "251 [7.0%] in 3579 patients")."""
    if not counted_among(f, g, text):
        return False
    own = [m.group(1) for m in _BRACKETED_WORDS.finditer(text, f.end, g.start)]
    words = [w.lower() for w in own[:-1] if w is not None]  # (the last: "in"/"among")
    return (len(own) > 1 or f.pct is not None) and not any(
        w in lex.auxiliaries or w in lex.found_in_verbs for w in words
    )


def pool_arm(f: Figure, g: Figure, text: str) -> Span | None:
    """ "352 DFS events among 2,463 women receiving letrozole", "251 [7.0%] in 3579 patients in
    the tamoxifen group": a count right before the subjects it is of (`g`, the next figure: a
    count of subjects with an arm, no share, `counted_among`) is of their arm; None
    otherwise."""
    return g.arm if g.arm is not None and counted_among(f, g, text) else None
