"""Figures of a trial abstract that are not the trial's results: background, design, baseline.

A sentence of a randomized-trial abstract reports the trial's results in the past tense; its
other numbers say what is known before the trial, how the trial was designed and who was in it.
`ScopeRules` (compiled from word lists of `rules/outcomes_lexicon.json`) recognises those
classes for `biotab_outcomes`:

- general statements: a percentage in a sentence whose verbs are present tense only ("Acute
  radiodermatitis occurs in 95% of the patients undergoing radiotherapy", "Breast cancer, with an
  incidence of 32%, is the most frequent cancer");
- earlier work: a percentage after a background cue ("Previous studies found 22.4% ..."), not
  one a comparison opens ("Unlike previous studies, we found 45% ...");
- definitions and thresholds: a percentage after a definition opener in its clause ("defined as
  Ki-67 less than or equal to 2.7%", "noninferiority margin, fixed to 12.8%") or right after a
  comparison sign ("G3-4 toxicities occurring in ≥ 5% of patients");
- allocation shares: a percentage beside an arm's size where subjects were randomized ("a
  dietary intervention group (40%; n = 19 541)");
- baseline characteristics: a percentage right after a receptor status or characteristic word
  ("triple negative (12.9%)", "ER/PR positive BC in 86.4%"), or alone in a bracket after "with"
  and one ("patients with known ER+ and/or PgR+ tumors (approximately 78%)");
- "all <subjects>" as who was treated ("All patients received ...") or as the population of
  another figure ("survival of all randomized patients was 62%");
- sample-size statements: a percentage in a sentence that plans the trial's size ("Assuming a
  10% dropout rate, 200 patients were required", "90% power to detect an increase from 30% to
  55%") is an assumption, and a subject count there is the planned size (enrollment);
- exclusions: a count of subjects who were excluded or became ineligible ("Nine patients were
  excluded after randomization");
- amounts: a rate listed or compared with an amount of treatment ("90% of the planned dose was
  delivered, compared to 96%");
- bare numbers that count no subjects: a list label ("1)" opening a sentence), an amount
  listed with one ("6 cycles of FEC100 versus 4 FEC100"), things a phrase before names ("From
  the six selected clusters, three were allocated ...");
- what would happen: when a sentence's first stretch opens on a condition contrary to fact
  and holds a modal, the figures of the condition and of the stretch's clauses that hold the
  modal ("If the true relapse rate were 20%, the trial would detect a 10% difference"), and a
  figure right beside a modal of prevention or need ("Treating 100 women for 5 years would
  prevent 5 recurrences"); not "could" ("Complete response could be achieved in 18 of 25
  patients (72%)") nor a condition without a modal;
- purposes: one event right after "to prevent" ("the number needed to treat to prevent one
  relapse");
- lists of traits: bare percentages listed at the start of a clause before a characteristic
  ("45% vs 47% were postmenopausal").

What would happen and purposes are read by `outcome_hypothetical.HypotheticalRules`, bare
numbers that count no subjects by `outcome_thing_counts.ThingCountRules`: bases of `ScopeRules`.
Pooled totals, subgroup sizes, a sample-size statement's counts and differences are passes over
a sentence's figures together: `outcome_totals.py`. Reads only the sentence text and the figure
offsets; no state but caches of the last sentence asked about.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.components.outcome_hypothetical import HypotheticalRules
from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_lexicon_attach import joiner_words, longest_first, receptor_status
from pipeline.components.outcome_thing_counts import ThingCountRules
from pipeline.components.outcome_tokens import Figure

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def _in_name(words: list[str], k: int) -> bool:
    """Is words[k] part of a name of several capitalized words ("United States")?"""
    return k + 1 < len(words) and words[k][0].isupper() and words[k + 1][0].isupper()


# How far (characters) before a background cue a comparison that opens it is looked for.
BACKGROUND_CONTRAST_REACH = 60
# A background cue whose figure follows it within its phrase (at most three words, no comma or
# bracket: "previous reports of 25%", "previously reported rates of 30%") cites that figure even
# when a comparison opens the cue.
_CUE_OF_FIGURE = re.compile(r"\s+(?:[\w-]+\s+){0,3}")


# the keys this module adds to the lexicon
SCOPE_LISTS: tuple[str, ...] = (
    "present_tense_verbs",
    "past_tense_markers",
    "present_auxiliaries",
    "participle_prepositions",
    "background_cues",
    "background_contrasts",
    "definition_openers",
    "threshold_signs",
    "procedure_verbs",
    "exclusion_words",
    "power_cues",
    "per_rate_nouns",
    "infinitive_count_verbs",
    "condition_openers",
    "hypothetical_modals",
    "hypothetical_verbs",
    "counterfactual_markers",
    "purpose_heads",
    "trait_list_joiners",
    "trait_list_openers",
    "threshold_holders",
    "threshold_verbs",
    "pool_count_adverbs",
    "cluster_units",
)
# every key it reads: its own and some the other outcome modules read too
_KEYS: tuple[str, ...] = (
    *SCOPE_LISTS,
    "receptor_words",
    "receptor_status_words",
    "characteristic_words",
    "enrolled_words",
    "list_connectors",
    "comparison_connectors",
    "arm_drug_links",
    "determiners",
    "prepositions",
    "count_blockers_after",
    "hedges",
    "arm_nouns",
    "control_arms",
    "population_nouns",
    "bracket_trait_words",
    "count_determiners",
    "comparator_articles",
    "ci_abbreviations",
    "confidence_words",
)


# The kinds of `ScopeRules._cue_in`, by index.
_DEFINITION, _BACKGROUND, _EXCLUSION, _POWER = range(4)


# a trial's design and phase before a cue's last word: "randomized phase III", "phase IIb",
# "phase I-II", "phase 2/3", "randomized controlled", "placebo-controlled"
_PHASE = (
    r"(?:randomi[sz]ed\s+)?(?:(?:placebo-)?controlled\s+)?"
    r"(?:phase\s+[ivx0-9]+[ab]?(?:\s*[-/]\s*[ivx0-9]+[ab]?)?\s+)?"
)


def _phased(cue: str) -> str:
    """A background cue's regex: white space as any run of it, and a trial's design and phase
    allowed before its last word ("Previous phase II trials reported ...", "prior randomized
    phase III trials")."""
    head, _, last = cue.rpartition(" ")
    if not head:
        return re.escape(cue)
    return rf"(?:{_alt([head])})\s+{_PHASE}{re.escape(last)}"


class ScopeRules(HypotheticalRules, ThingCountRules):
    """The scope word lists compiled to sets and regexes (read-only after construction, but for
    a cache of the last sentence's cue words). What would happen is `HypotheticalRules`'s
    (`outcome_hypothetical.py`), bare numbers that count no subjects `ThingCountRules`'s
    (`outcome_thing_counts.py`): their regexes are built here, on this one object."""

    def __init__(self, data: dict[str, Any]) -> None:
        low = {k: frozenset(w.lower() for w in data[k]) for k in _KEYS}
        low["joiner_words"] = joiner_words(data)
        self._last_text: str | None = None
        self._last_low = ""
        self._last_cues: list[bool | None] = [None, None, None, None]
        self.sign_re = re.compile(rf"(?:{_alt(data['threshold_signs'])})\s*$")
        # "patients with a 50% reduction", "women who achieved at least a 50% reduction",
        # "40% of patients had a 50% reduction" (not "Patients had a 30% reduction in risk")
        pop, verbs = _alt(low["population_nouns"]), _alt(low["threshold_verbs"])
        self.threshold_holder_re = re.compile(
            rf"(?:\b(?:{pop})\s+(?:{_alt(low['threshold_holders'])}|who\s+(?:{verbs}))"
            rf"|(?:%|\bper\s*cent|\bpercent)\s+of\s+(?:the\s+)?(?:{pop})\s+(?:{verbs}))"
            r"\s+(?:at\s+least\s+)?an?\s+$",
            re.IGNORECASE,
        )
        self._build_tense(low)
        self._build_context_regexes(low)
        self._build_trait_regexes(low)
        self._build_count_regexes(low, data["number_words"])
        self._build_subgroup_regexes(low)
        # the figures of a list: only a list or comparison word between them ("45% vs 47%")
        self.trait_list_openers = tuple(data["trait_list_openers"])
        self.trait_list_joint_re = re.compile(
            rf"\s*(?:(?:{_alt(low['trait_list_joiners'])})\s*)?", re.IGNORECASE
        )
        self._build_modal_regexes(low)
        self._build_purpose_regexes(low)
        self._build_procedure_regex(low)

    def _build_tense(self, low: dict[str, frozenset[str]]) -> None:
        """Present and past tense words: is a figure's sentence a result?"""
        self.present = low["present_tense_verbs"]
        self.past = low["past_tense_markers"]
        self.present_aux = low["present_auxiliaries"]
        self.present_re = re.compile(rf"\b(?:{_alt(self.present)})\b", re.IGNORECASE)
        self.past_re = re.compile(rf"\b(?:{_alt(self.past)})\b", re.IGNORECASE)
        self.participle_after = low["participle_prepositions"]
        # a word in -ed after one is an adjective of the noun it opens ("with advanced disease",
        # "of treated patients", "an unselected series"), no verb
        self.adjective_before = (
            self.present_aux | low["prepositions"] | low["determiners"] | low["comparator_articles"]
        )
        # a confidence interval or a P value: a study's own estimate, even in the present tense
        # ("The attributable risk is 8.4% (95% CI, -2.0% to 18.8%; P = 0.12)")
        self.estimate_re = re.compile(
            rf"(?<![\w-])(?:{_alt(low['ci_abbreviations'])})(?![\w-])"
            rf"|\b(?:{_alt(low['confidence_words'])})\s+intervals?\b|(?<![\w.])p\s*[<>=≤≥]",
            re.IGNORECASE,
        )

    def _build_context_regexes(self, low: dict[str, frozenset[str]]) -> None:
        """Background and definitions (earlier work, what a term means), accrual rates and
        power calculations: figures that are no result of the trial."""
        cues = longest_first(low["background_cues"])
        self.background_re = re.compile(
            rf"\b(?:{'|'.join(_phased(c) for c in cues)})\b", re.IGNORECASE
        )
        # "Unlike previous studies, we found ...", "as previously reported": a comparison with
        # earlier work, at most two words before its cue
        self.background_contrast_re = re.compile(
            rf"\b(?:{_alt(low['background_contrasts'])})\s+(?:[\w-]+\s+){{0,2}}$", re.IGNORECASE
        )
        # the opener, then no clause end (";", a sentence-internal ". ") before the figure
        self.definition_re = re.compile(
            rf"\b(?:{_alt(low['definition_openers'])})\b[^;]{{0,120}}$", re.IGNORECASE
        )
        # the first word of each cue, for a cheap substring test before the regex
        self.definition_words = frozenset(w.split()[0] for w in low["definition_openers"])
        self.background_words = frozenset(w.split()[-1] for w in low["background_cues"])
        self.exclusion_words = frozenset(w.split()[-1] for w in low["exclusion_words"])
        self.power_words = frozenset(w.split()[0] for w in low["power_cues"])
        self._cue_words = (
            self.definition_words, self.background_words, self.exclusion_words, self.power_words
        )
        self.per_after_re = re.compile(r"\s*per\b", re.IGNORECASE)
        # "12 patients per month", "50 patients per site per year": a rate of accrual
        self.per_rate_re = re.compile(
            rf"\s*per\s+(?:(?:{_alt(low['per_rate_nouns'])})\b|\d)", re.IGNORECASE
        )
        self.power_re = re.compile(rf"\b(?:{_alt(low['power_cues'])})\b", re.IGNORECASE)

    def _build_trait_regexes(self, low: dict[str, frozenset[str]]) -> None:
        """Who the subjects are (receptor status, traits in brackets), group sizes, enrollment
        and exclusion words, and the joints of compared figures."""
        receptor = rf"\b{receptor_status(low['receptor_words'], low['receptor_status_words'])}"
        trait = rf"(?:{receptor}|\b(?:{_alt(low['characteristic_words'])})[\s-]+[\w+-]+)"
        # "triple negative (12.9%)", "(HER2-) (70.4%)", "ER/PR positive BC in 86.4%", "Tumors
        # were ER-positive in 60%" (but not "triple-negative disease (31.9% vs 17.2%)": a rate
        # of the disease by group)
        # "T1 (35%), T2 (50%)": a tumour's stage (TNM, written as such), not "ypN0", a result
        tnm = r"(?<![\w-])(?-i:[TNM][0-4][a-d]?)"
        self.trait_before_re = re.compile(
            rf"(?:{trait}|{tnm})\s*(?:\)\s*)?\(\s*$|{trait}\s+(?:[\w-]+\s+)?in\s+$", re.IGNORECASE
        )
        # "patients with known ER+ and/or PgR+ tumors (approximately 78%)": the share of who
        # was studied with the trait, the bracket holding the percentage alone
        self.trait_with_re = re.compile(
            rf"\bwith\s+(?:[\w-]+\s+){{0,2}}?{trait}[^()]{{0,40}}?\(\s*"
            rf"(?:(?:{_alt(low['hedges'])})\s+)?$",
            re.IGNORECASE,
        )
        # "71 outpatients (45% women)", "(62% male; median age 58)": who they are
        self.bracket_trait_re = re.compile(
            rf"\s*(?:{_alt(low['bracket_trait_words'])})\s*[)\];,]", re.IGNORECASE
        )
        self.group_size_after_re = re.compile(r"\s*[;,]\s*[nN]\s*=")
        self.enrolled_re = re.compile(rf"\b(?:{_alt(low['enrolled_words'])})\b", re.IGNORECASE)
        joiners = sorted({*low["list_connectors"], *low["comparison_connectors"]}, key=len)
        self.companion_re = re.compile(
            rf"[\s,;]*(?:(?:{_alt(joiners)})(?:\s+(?:to|with))?)?[\s,]*", re.IGNORECASE
        )
        self.compared_re = re.compile(r"[^;\d%]*\bcompared\s+(?:to|with)\s*", re.IGNORECASE)
        self.exclusion_re = re.compile(
            r"\s*(?:\([^()]{0,80}\)\s*)?(?:(?:were|was|became|had\s+been)\s+)"
            rf"(?:[a-z]+ly\s+)?(?:{_alt(low['exclusion_words'])})\b",
            re.IGNORECASE,
        )

    def _build_procedure_regex(self, low: dict[str, frozenset[str]]) -> None:
        """The procedures a count of subjects underwent ("All patients received ...")."""
        self.procedure_re = re.compile(
            r"^\s*(?:\([^()]{0,80}\)\s*)?(?:(?:were|was|had|have|are)\s+)?(?:[a-z]+ly\s+)?"
            rf"(?:{_alt(low['procedure_verbs'])})\b",
            re.IGNORECASE,
        )

    def _build_subgroup_regexes(self, low: dict[str, frozenset[str]]) -> None:
        """Subgroups that are no arm: a subgroup tested on its own, a clause that opens on a
        group, an arm's label after a rate."""
        # "(n = 22, P = .06)": a subgroup tested on its own
        self.tested_after_re = re.compile(r"\s*[,;]\s*[pP]\s*[=<>≤≥]")
        arms = _alt(low["arm_nouns"] | low["control_arms"])
        self.arm_before_re = re.compile(rf"\b(?:{arms})\s*[(\[]\s*$", re.IGNORECASE)
        # "(9.3% group 1 and 12.7% group 2)", "(28% in the placebo arm, ...": an arm's label
        # right after a rate, then a list word (or the bracket's end)
        # (its link words the arm_drug_links that are prepositions, its joiners the list
        # connector words)
        links = _alt(low["arm_drug_links"] & low["prepositions"])
        joiners = _alt(low["joiner_words"])
        self.rate_label_re = re.compile(
            rf"\s*+(?:(?:{links})\s++)?(?:(?:{_alt(low['determiners'])})\s++)?"
            rf"(?:(?:{arms})\b[^\W_]*+(?:\s++[\w+/-]++)?|[\w+/-]++\s++(?:{arms})\b)"
            rf"\s*+(?:[,;]\s*+)?(?:(?:{joiners})\s++)?",
            re.IGNORECASE,
        )
        # "In cohort 2 (n = 99), ...": a clause opens on a group, its size in brackets; by a
        # trait ("In patients with centrally confirmed receptor positivity (n = 150), ...")
        self.group_opening_re = re.compile(
            r"\s*(?:in|among)\s+[^()\[\]]{1,100}?[(\[]\s*", re.IGNORECASE
        )
        self.trait_opening_re = re.compile(
            r"\s*(?:in|among)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?"
            rf"(?:{_alt(low['population_nouns'])})\s+with\s+[^()]{{1,100}}?[(\[]\s*",
            re.IGNORECASE,
        )
        # "... for the letrozole group and ... for the palbociclib group": arms named after
        named = {w for w in low["comparison_connectors"] | low["arm_nouns"] if w.isalpha()}
        self.arms_named_re = re.compile(rf"\b(?:{_alt(named)})\b", re.IGNORECASE)

    def listed_with(self, text: str, end: int, start: int) -> bool:
        """Only a list or comparison word between text[:end] and text[start:] ("45% vs 47%",
        "61% and 58%"; no comma: "45% vs 47%, and 61% had ..." ends a list): two figures of
        one list."""
        return 0 <= start - end <= 20 and (
            self.trait_list_joint_re.fullmatch(text, end, start) is not None
        )

    def opens_clause(self, text: str, start: int) -> bool:
        """text[start:] opens the sentence or a clause (after a trait_list_openers entry)."""
        before = text[max(0, start - 20) : start].rstrip()
        return (start < 20 and not before) or before.endswith(self.trait_list_openers)


    def general_statement(self, text: str) -> bool:
        """The sentence's verbs are present (or future) tense only: it states what is generally
        known (or planned), not what the trial found. A past-tense verb is a past marker ("was",
        "had") or a word in -ed that is no participle ("is associated", "used to", "treated
        with"), no adjective ("with advanced disease", "of treated patients") nor part of a name
        ("the United States": capitalized, as is the next word); a sentence with a confidence
        interval or a P value gives an estimate of its own."""
        # (two searches settle most sentences: no present-tense verb, or a past marker)
        if not self.present_re.search(text) or self.past_re.search(text):
            return False
        if self.estimate_re.search(text):
            return False
        written = _WORD.findall(text)
        words = [w.lower() for w in written]
        for k, w in enumerate(words):
            if (
                len(w) > 4
                and w.endswith("ed")
                and (k == 0 or words[k - 1] not in self.adjective_before)
                and (k + 1 == len(words) or words[k + 1] not in self.participle_after)
                and not _in_name(written, k)
            ):
                return False
        return True

    def threshold_held(self, text: str, start: int) -> bool:
        """Do the words before the relative change at text[start:] make it the threshold
        subjects reached ("patients with a 50% reduction in nausea")? (`threshold_holders`)"""
        return self.threshold_holder_re.search(text, max(0, start - 60), start) is not None

    def design_percentage(self, text: str, start: int) -> bool:
        """A percentage at text[start:] that the words before it make a definition, a threshold
        or earlier work."""
        if self.sign_re.search(text, max(0, start - 12), start):
            return True
        definition = self._cue_in(text, _DEFINITION)
        background = self._cue_in(text, _BACKGROUND)
        if not (definition or background):
            return False
        # (earlier work is cited for the whole sentence up to a ";", a definition for its
        # clause: "Earlier trials reported 30%; in our trial, relapse occurred in 12%")
        sentence = text[max(0, start - 300) : start]
        if ". " in sentence:
            sentence = sentence.rsplit(". ", 1)[1]
        if ";" in sentence:
            sentence = sentence.rsplit(";", 1)[1]
        return bool(
            (definition and self.definition_re.search(sentence[-160:]))
            or (background and self._cites_earlier_work(sentence))
        )

    def _cites_earlier_work(self, text: str) -> bool:
        """A background cue in `text` that cites earlier work ("Previous studies found 22.4%");
        not one that compares the trial with it ("Unlike previous studies, we found 45%",
        "Compared with earlier trials, response was higher", "higher than previously reported
        (45% vs 30%)"): those sentences report the trial's own figures; but a figure right after
        the cue in its phrase is the earlier work's ("similar to previous reports of 25%")."""
        for m in self.background_re.finditer(text):
            if _CUE_OF_FIGURE.fullmatch(text, m.end()):
                return True  # "similar to previous reports of 25%": the earlier work's figure
            lo = max(0, m.start() - BACKGROUND_CONTRAST_REACH)
            if not self.background_contrast_re.search(text, lo, m.start()):
                return True
        return False

    def _cue_in(self, text: str, kind: int) -> bool:
        """Whether a word of one kind (_DEFINITION, _BACKGROUND, _EXCLUSION, _POWER: a
        definition, background, exclusion or power word) stands anywhere in the sentence
        (substring tests: most sentences hold none, and then no regex runs); kept for the last
        sentence asked about, each kind tested only when asked (most sentences are asked
        about one or two)."""
        if text is not self._last_text:
            self._last_text, self._last_low = text, text.lower()
            self._last_cues = [None, None, None, None]
        got = self._last_cues[kind]
        if got is None:
            low = self._last_low
            got = self._last_cues[kind] = any(w in low for w in self._cue_words[kind])
        return got

    def earlier_work(self, text: str) -> bool:
        """The sentence cites earlier work ("Previous studies found ...")."""
        return self._cue_in(text, _BACKGROUND) and self.background_re.search(text) is not None

    def trait_follows(self, text: str, end: int) -> bool:
        """A trait of who was studied (a bracket_trait_words entry) follows the percentage that
        ends at `end`, then the end of its bracket part: "(45% women)", "(62% male; median age
        58)". The one test of it: `trait_share` drops such a percentage as a figure, and
        `FigureReader.bracket_trait` gives no count the bracket as its share."""
        return self.bracket_trait_re.match(text, end) is not None

    def trait_share(self, text: str, start: int, end: int, alone: bool) -> bool:
        """A percentage at text[start:end] right after a baseline trait, opening a bracket before
        one ("(45% women)"), or alone in a bracket after "with <trait>" as the sentence's one
        rate (`alone`): the share of who was studied with it."""
        before = text[max(0, start - 60) : start].rstrip()
        if before.endswith("(") and self.trait_follows(text, end):
            return True  # "71 outpatients (45% women)"
        if (before.endswith("(") or before.endswith(" in")) and self.trait_before_re.search(
            text[max(0, start - 60) : start]
        ):
            return True
        return bool(
            text[end : end + 3].lstrip().startswith(")")
            and alone  # (not "in those with X (12%) than with Y (5%)")
            and "with" in text[max(0, start - 100) : start]
            and self.trait_with_re.search(text[max(0, start - 100) : start])
        )

    def allocation_share(self, text: str, start: int, end: int) -> bool:
        """ "randomized to a dietary intervention group (40%; n = 19 541)": the arm's share of
        who was randomized, not a result."""
        return bool(
            self.group_size_after_re.match(text, end)
            and self.enrolled_re.search(text, max(0, start - 200), start)
        )

    def companion_of(self, f: Figure, others: list[Figure], text: str) -> bool:
        """A bare percentage joined to one of `others` by list or comparison words only."""
        if f.pct is None or f.count is not None or f.num is not None or f.has_pop:
            return False  # ("12% of patients, with 95% of cycles ...": a share of subjects)
        for g in others:
            a, b = (f.end, g.start) if f.end <= g.start else (g.end, f.start)
            if 0 <= b - a <= 40 and self.companion_re.fullmatch(text, a, b):
                return True
            if g.end <= f.start <= g.end + 80 and self.compared_re.fullmatch(text, g.end, f.start):
                return True  # (past the amount's own words, to "compared to")
        return False

    def sample_size_statement(self, text: str) -> bool:
        """ "Assuming a 10% dropout rate, 200 patients were required", "a sample size of 120
        patients provided 90% power to detect an increase from 30% to 55%": the sentence plans
        the trial's size; its rates are assumptions, its subject counts the planned size."""
        return self._cue_in(text, _POWER) and self.power_re.search(text) is not None

    def excluded_follows(self, text: str, end: int) -> bool:
        """ "Nine patients were excluded after randomization", "two patients became
        ineligible": who left the study population before any outcome, not a result."""
        return self._cue_in(text, _EXCLUSION) and self.exclusion_re.match(text, end) is not None

    def rate_of_subjects(self, text: str, end: int) -> bool:
        """ "Recruitment averaged 12 patients per month", "50 patients per site per year": the
        subjects counted per unit of time or per site, a rate (of accrual), not who was studied
        nor an event count ("130 patients per arm" is an arm's size and stays)."""
        return self.per_rate_re.match(text, end) is not None

    def procedure_follows(self, text: str, end: int) -> bool:
        """ "All patients received ...", "All participants were re-evaluated ...": who was
        treated or examined (the cohort), not a result."""
        return self.procedure_re.match(text[end : end + 120]) is not None
