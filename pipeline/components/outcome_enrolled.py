"""Whether a count of subjects is who was studied (enrollment) by its form and the words
around it, for `outcome_measures.assign_measures`: a count the sentence says was enrolled
("769 women were randomly assigned", "The trial enrolled 1905 women"; `enrolled_subject`),
subjects named by how they were studied or the base of a rate ("803 evaluable patients", "the
incidence of X in 3967 patients"), the size of a case series ("Two patients ... are
presented"), "women (n = 206)" (`enrollment_by_form`); a total or a design before the count
(`enrollment_context`); whether a count is whom something was found in, not who was enrolled
(`found_in`); and whether an enrollment cue may claim a figure (`enrollment_ok`,
`counts_occurrences`). Every search looks at a bounded window of tokens or characters.
"""

from __future__ import annotations

import bisect

from pipeline.components.outcome_cue_distances import Distances, candidate_cues
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_tokens import Cue, Figure

# How many tokens after a count of subjects (and its words) `enrolled_subject` reads for the
# verb of enrollment, and how far after an auxiliary the enrolled word may stand (adverbs
# between: "were subsequently randomized").
ENROLLED_REACH = 30
ENROLLED_AFTER_AUXILIARY = 4


# How many tokens back from a count after "and in" the verb that found it may stand ("occurred
# in 12 patients assigned to letrozole and in 8 ...").
FOUND_IN_REACH = 16


def found_in(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """Is the count the object of "in" or "among" (`finding_prepositions`) right after a
    `found_in_verbs` entry ("Nausea occurred in 12 patients assigned to A", "was reported in 3
    patients receiving B"): whom something was found in, not who was enrolled? Not a frame
    that opens the clause ("In 302 patients randomized to A, median PFS was ..."), nor who a
    study was done in ("was studied in 5408 women randomly assigned", "were performed in 14
    patients receiving X")."""
    if f.ts < 2 or parser.lower(f.ts - 1) not in lex.finding_of:
        return False
    if parser.lower(f.ts - 2) in lex.found_in_verbs:
        return True
    if parser.lower(f.ts - 2) not in lex.connectors:
        return False
    # "occurred in 12 patients assigned to A and in 8 patients assigned to B": a list's next
    # member, after such a verb and "in" earlier in the clause
    boundary = parser.boundaries()
    for x in range(f.ts - 3, max(0, f.ts - FOUND_IN_REACH) - 1, -1):
        if boundary[x]:
            return False
        if x > 0 and parser.lower(x) in lex.finding_of and (
            parser.lower(x - 1) in lex.found_in_verbs
        ):
            return True
    return False


def enrolled_subject(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """ "769 women with early breast cancer were randomly assigned", "2144 (1063 ..., 1081 ...)
    patients were randomized", "857 patients (99%) were assessable", "The trial enrolled 1905
    women", "Participants were 36 women": a count of subjects that the sentence says were
    enrolled (an enrolled word after an auxiliary, in the same clause, or right before the
    count)."""
    if f.count is None or f.count <= 0 or f.n_form or f.zero:
        return False  # ("All 290 patients were randomized": an "all" form with its count)
    # ("68 (62%) of 109 patients ... were recruited": the 68 were, out of a pool of 109)
    share = f.pct is not None and f.den is not None and f.has_pop and f.num == f.count
    if (f.den is not None and not (f.all_form or share)) or f.ratio is not None:
        return False
    if f.rate_per or f.time_unit:
        return False
    toks = parser.toks
    before = parser.lower(f.ts - 1)
    enrolled_before = f.pct is None and (
        before in lex.enrolled_words  # "enrolled 66 female stage 0-III breast cancer survivors"
        or (before in lex.auxiliaries and parser.lower(f.ts - 2) in lex.pop)  # "Participants were"
    )
    # past that, what follows the count says the subjects were enrolled only through an enrolled
    # word within ENROLLED_REACH tokens after the count's words (most counts have none: no
    # loop, and the count's words are not read either when none follows it at all)
    at = parser.enrolled_at()
    if not enrolled_before and (not at or at[-1] < f.te):
        return False
    k = f.te
    if parser.lower(k) == "(":  # "2144 (1063 ablation, 1081 no ablation) patients"
        k = parser.closing(k, 40) or k
    bare = not f.has_pop
    if bare:
        end = parser.subject_at(k)
        if end is not None:
            k, bare = end, False
    if enrolled_before:
        # (subjects named within a few words: not "included two SNPs")
        return not bare or any(
            toks[m].lower in lex.pop for m in range(f.te, min(len(toks), f.te + 10))
        )
    first = bisect.bisect_left(at, k)
    if first == len(at) or at[first] >= k + ENROLLED_REACH + ENROLLED_AFTER_AUXILIARY:
        return False
    relative = False  # "... of 51 patients who were randomized": the pool is described
    for m in range(k, min(len(toks), k + ENROLLED_REACH)):
        low = toks[m].lower
        relative = relative or low in lex.relative_pronouns
        if bare and m - k >= 3:
            return False  # "397 were randomized", "33 AA BCS were assigned": the verb soon
        if bare and not (low in lex.auxiliaries or toks[m].text.isalpha()):
            return False
        if bare and (low in lex.units or parser.blocks_count_after(m)):
            return False  # "Twelve randomized trials were included": not subjects
        if low in lex.boundaries and toks[m].num is None:
            return False
        if low in lex.auxiliaries:
            n = m + 1
            while (n < min(len(toks), m + ENROLLED_AFTER_AUXILIARY)
                   and toks[n].lower in lex.enrollment_adverbs):  # fmt: skip
                n += 1
            if parser.lower(n) in lex.enrolled_words:
                return not (share and relative)
        elif low in lex.enrolled_words and parser.lower(m + 1) in lex.prepositions:
            # "254 patients with ER-positive cancer randomised to ...", "138 (46.2%)
            # randomized (A, 65; P, 73)": the participle right after who was counted (but of a
            # share, it names the pool: "442 (52%) of 856 patients assigned to A" had an event;
            # nor the object of what occurred: "Nausea occurred in 12 patients assigned to A")
            return not share and not found_in(lex, f, parser)
        elif low in lex.enrolled_words and bare and m == k and parser.lower(m + 1) in "(,;":
            return True  # (not "Twelve randomized controlled trials")
    return False


def _enrolled_modifier(lex: Lexicon, f: Figure, parser: SentenceParser,
                       dist: Distances) -> bool:  # fmt: skip
    """ "Toxicity analyses based on 803 evaluable patients", "the 5-year RFS of 47 eligible
    patients": subjects named by how they were studied are who was analysed, not a count of
    the outcome beside them; so are the subjects a rate was measured in ("compared the
    incidence of invasive cancer in 3967 patients", "response rate in 308 patients")."""
    if f.count is None or f.count < lex.min_enrollment or not f.has_pop or f.n_form:
        return False
    if f.pct is not None or f.den is not None or f.ratio is not None or f.all_form:
        return False
    if dist.larger_pool_before(f):
        return False  # "Among 60 patients, a response was seen in 12 evaluable patients"
    if any(parser.lower(k) in lex.enrolled_words for k in range(f.ts + 1, f.te - 1)):
        return True
    # "the incidence of invasive cancer in 3967 patients": the base of a rate
    if lex.rate_base_re.search(parser.text, max(0, f.start - 160), f.start):
        return True
    return _base_of_rates(lex, f, parser)


# How far (characters) before the subjects a rate of their clause may stand.
RATES_BASE_REACH = 150


def _base_of_rates(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """ "Response rates were 45% in arm A and 38% in arm B among the 120 patients with
    measurable disease": the subjects a determiner names after a percentage of their clause
    (read back at most RATES_BASE_REACH characters, to a clause boundary) are who the rates
    were measured in, not a count of the outcome."""
    if not lex.rates_base_re.search(parser.text, max(0, f.start - 20), f.start):
        return False
    lo = f.start - RATES_BASE_REACH
    k = f.ts - 1
    while k >= 0 and parser.toks[k].start >= lo:
        tok = parser.toks[k]
        if tok.lower in lex.boundaries and tok.num is None:
            return False
        if tok.lower == "%" or tok.lower in lex.percent_tails:
            return True
        k -= 1
    return False


def enrollment_context(lex: Lexicon, f: Figure, parser: SentenceParser) -> int:
    """ "A total of 1,203 women" (2), "a randomized trial ... in 320 postmenopausal women" (1):
    a subject count that the words before it make the size of who was studied; 0 if not.
    The caller takes it unless an outcome cue claims the count (a weaker claim for 1)."""
    if f.count is None or f.count < lex.min_enrollment or f.pct is not None or f.den is not None:
        return 0
    if f.all_form or f.ratio is not None or f.rate_per or f.time_unit:
        return 0
    if not f.has_pop and parser.subject_at(f.te) is None:
        return 0
    before = parser.text[max(0, f.start - 80) : f.start]
    if lex.total_before_re.search(before):
        # ("In total, 25 cases of grade 1 onycholysis were reported": occurrences)
        return 0 if counts_occurrences(lex, f, parser) else 2
    return 1 if lex.design_before_re.search(before) else 0


# A cue this near (score) claims a "total of N <subjects>" count: "a total of 16 patients died".
TOTAL_CLAIM = 3


def enrollment_by_form(lex: Lexicon, members: list[Figure], cues: list[Cue],
                        dist: Distances, parser: SentenceParser) -> bool:  # fmt: skip
    """A figure group that is who was studied by its form alone, whatever cue is near: "Of 400
    women randomized", an enrolled subject, "women (n = 206)", a case series."""
    head = members[0]
    ts, te = head.ts, members[-1].te
    if head.of_phrase:
        return True  # "Of 400 women randomized, 384 ...": who was studied
    if len(members) > 1:
        return False
    if enrolled_subject(lex, head, parser) or _enrolled_modifier(lex, head, parser, dist):
        return True
    if head.pct is not None or head.den is not None:
        return False
    if head.n_form and not any(
        ts - 2 <= c.te <= ts for c in candidate_cues(cues, ts, te, dist, 2)
    ):
        # "women (n = 206)", "arms (N = 724)": the size of who was studied (but "Responders
        # (n = 12)": the population is the measure)
        return True
    if (
        head.has_pop and not (head.zero or head.all_form)
        and parser.lower(head.ts - 1) == "of"
        and parser.lower(head.ts - 2) in lex.study_group_nouns
    ):  # fmt: skip
        # "In this group of 45 patients ... there were 5 complete remissions", "in the first
        # group of 46 women who completed 1 year": who was studied, not a count of an outcome
        return True
    if head.has_pop and not (head.zero or head.all_form) and lex.healthy_re.search(
        parser.text, head.start, head.end
    ):
        # "pain was induced in 11 healthy volunteers", "tested in 48 healthy men": subjects
        # without a disease are who was studied, not a count of the outcome named beside them
        return True
    # "We describe hair regrowth in two patients ...": the size of a case series, not a count
    # of the outcome named beside it (the opener is at most 80 characters before the count: a
    # bounded window)
    return head.has_pop and (
        lex.case_series_re.search(parser.text, max(0, head.start - 200), head.start) is not None
        or _presented_cases(lex, head, parser)
    )


def names_case_control(lex: Lexicon, parser: SentenceParser) -> bool:
    """Whether the sentence names a case-control design (a `case_control_words` entry), for
    `controls_of_cases`: asked once a sentence (once a count read a long sentence again for
    each of its counts)."""
    return any(w in parser.low for w in lex.case_control_words)


def controls_of_cases(lex: Lexicon, figures: list[Figure], head: Figure,
                      parser: SentenceParser, case_control: bool) -> bool:  # fmt: skip
    """ "49 case patients and 156 unaffected control subjects", "case-control samples (197
    psychosis patients and 337 controls)": a count of subjects in a sentence that names a
    case-control design (`case_control`: `names_case_control`), or whose own words name controls
    (`control_subject_words`) after a count of who was studied, is who was studied (the cases
    or their comparison group), not a count of the event a disease mention near it names. The
    caller asks only when a weak cue (a disease mention) is the best that claims the count
    (not "5 controls developed nausea")."""
    if not head.has_pop or head.pct is not None or head.den is not None:
        return False
    if head.zero or head.all_form:
        return False
    if case_control:
        return True
    return any(
        parser.toks[k].lower in lex.control_subject_words for k in range(head.ts, head.te)
    ) and any(f.measure == "enrollment" and f.end <= head.start for f in figures)


# How far (characters) after a count its verb of presentation is looked for (the regex reads
# at most 120 characters before the auxiliary).
CASE_PRESENTATION_WINDOW = 160


def _presented_cases(lex: Lexicon, head: Figure, parser: SentenceParser) -> bool:
    """ "Two patients with similar features are presented", "Seven cases of X are presented":
    the count is the subject of a verb of presentation (`Lexicon.case_presented_re`), so it is
    the size of a case series. Not after a preposition ("Adverse events in 12 patients were
    reported"), nor with a number word before the verb ("Twelve patients had nausea but three
    cases are described": the 12 are a result)."""
    if head.ts and parser.toks[head.ts - 1].lower in lex.prepositions:
        return False
    window = parser.low[head.end : head.end + CASE_PRESENTATION_WINDOW]
    if not any(v in window for v in lex.case_presentation_gate):
        return False  # (most counts: no verb of presentation after them, no regex run)
    m = lex.case_presented_re.match(parser.text, head.end)
    if m is None:
        return False
    end = parser.tok_index(m.end())
    return not any(t.num is not None for t in parser.toks[head.te : end])


def counts_occurrences(lex: Lexicon, f: Figure, parser: SentenceParser) -> bool:
    """ "25 cases of grade 1 onycholysis": occurrences of what follows, not subjects."""
    pop = f.population
    return pop is not None and pop.lower() in lex.occurrence_nouns and parser.lower(f.te) == "of"


def enrollment_ok(f: Figure, c: Cue, parser: SentenceParser, min_count: int) -> bool:
    """Enrollment is a plain count of subjects: never a percentage, zero or "all", nor a count
    under `min_count` that only a cue word makes enrollment ("nine were being screened") unless
    it is bracketed after its group or opens the sentence with its subjects."""
    if f.pct is not None or f.zero or f.all_form or f.proportion or f.ratio is not None:
        return False
    if (
        f.count is not None
        and f.count < min_count
        and parser.lower(f.ts - 1) != "("
        and not (f.has_pop and f.ts == 0)
    ):
        # (but "allocated to A (8 patients) or B (7 patients)": a group's size; "Eight
        # patients with alopecia received ...": a case series named as its sentence's subject)
        return False
    if f.den is not None and not f.has_pop:
        return False  # "69 centres randomized at least one patient (35/68 in ...)": a share
    if f.rate_per is not None or f.time_unit is not None:
        return False
    if c.priority == 0 and f.den is not None:
        return False  # "9 of 30 patients receiving lidocaine ..."
    if c.priority == 0 and parser.lower(c.ts - 1) in parser.lex.relative_pronouns:
        return False
    if f.needs_cue:  # "32 were enrolled", not "Twelve randomized trials"
        return parser.lower(f.te) in parser.lex.bare_count_verbs
    return True
