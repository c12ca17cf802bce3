"""The outcomes lexicon (`rules/outcomes_lexicon.json`, validated by `outcome_rules.py`)
compiled to word sets and regexes, once per component: `Lexicon`. Here: the regexes that say
what a figure is and whose (figures, who was studied, events, drug and disease ties,
changes) and the questions asked of them; the regexes of a figure's arm are built by `Lexicon`'s
bases in `outcome_lexicon_attach.py`, those of the statistics beside it in
`outcome_stat_regexes.py`, those of the timepoint beside it in `outcome_timepoint_regexes.py`,
and its word sets (read first) in `outcome_lexicon_words.py`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipeline.components.outcome_breakdowns import BreakdownRules
from pipeline.components.outcome_conduct import ConductRules
from pipeline.components.outcome_enrollment_scope import EnrollmentScope
from pipeline.components.outcome_lexicon_attach import (
    ArmRegexes,
    alt,
    alt_spaced,
    receptor_status,
)
from pipeline.components.outcome_lexicon_words import WordSets
from pipeline.components.outcome_prevention import PreventionRules
from pipeline.components.outcome_rules import (
    CONTEXT_RULES_FILE,
    LEXICON_LISTS,
    CueScores,
    load_negation_words,
)
from pipeline.components.outcome_scope import ScopeRules
from pipeline.components.outcome_stat_regexes import StatRegexes
from pipeline.components.outcome_study_regexes import StudyRegexes
from pipeline.components.outcome_timepoint_regexes import TimepointRegexes
from pipeline.components.outcome_tokens import TOKEN_SPLIT
from pipeline.paths import rule_file

# How far (characters) after a count of cases its "have been reported" may stand ("Fifteen cases
# of this complication have been reported").
REPORTED_REACH = 120


def _opener_before(words: Iterable[str]) -> re.Pattern[str]:
    """One of the words and at most two more words at the end of a (lower-cased) text: "with
    X" before a mention ("patients with advanced X")."""
    return re.compile(rf"\b(?:{alt(words)})\s+(?:[\w-]+\s+){{0,2}}$")


# How far (characters) after a count of cases its verb of presentation may stand ("Four patients
# who were rendered comatose by drug intoxication, but who were not hypoxic, are described").
CASE_PRESENTATION_REACH = 120


class Lexicon(WordSets, ArmRegexes, StatRegexes, TimepointRegexes, StudyRegexes):
    """The outcomes lexicon compiled to sets and regexes (read-only after construction)."""

    def __init__(self, data: dict[str, Any], negation_words: Iterable[str] | None = None) -> None:
        if negation_words is None:
            negation_words = load_negation_words(rule_file(CONTEXT_RULES_FILE))
        self.data = data
        self.number_words: dict[str, int] = {k.lower(): v for k, v in data["number_words"].items()}
        sets = {key: frozenset(w.lower() for w in data[key]) for key in LEXICON_LISTS}
        self._set_word_sets(data, sets)
        self._build_tie_regexes(data)
        self.scores = CueScores(**{k: v for k, v in data["cue_scores"].items() if k != "_comment"})
        self.min_enrollment: int = data["limits"]["min_enrollment"]
        # negation words are biotab_assertion's one-word forward NEGATED triggers: one list
        self.negation_words = frozenset(negation_words)
        self.numw = alt(self.number_words)
        # what `outcome_tokens.light_tokens` splits a sentence with (its ASCII twin in
        # `outcome_ascii.ascii_lexicon`)
        self.token_split = TOKEN_SPLIT
        self._build_figure_regexes(data, sets)
        self._build_stat_regexes()
        self._build_timepoint_regexes()
        self._build_enrollment_regexes(data)
        self._build_study_regexes(data)
        self._build_event_regexes(data)
        self._build_change_regexes(data)
        self._build_arm_regexes(data)
        self.scope = ScopeRules(data)
        self.conduct = ConductRules(data)
        self.prevention = PreventionRules(data)
        self.enrollment_scope = EnrollmentScope(data)
        self.breakdowns = BreakdownRules(data)

    def _build_tie_regexes(self, data: dict[str, Any]) -> None:
        """What a figure's drug and disease are and are not: a measured analyte, a disease a
        drug brought about, healthy subjects, a subgroup's or the subjects' own disease, a
        discontinuation's reason."""
        # "serum creatinine", "creatinine levels": a chemical measured, not given
        self.analyte_before_re = re.compile(
            rf"\b(?:{alt(data['analyte_words_before'])})\s+$", re.IGNORECASE
        )
        self.analyte_after_re = re.compile(
            rf"\s+(?:{alt(data['analyte_words_after'])})\b", re.IGNORECASE
        )
        # "cisplatin-induced X", "X induced by", "X caused by": a disease a drug brought about
        # (the inducer: a DRUG mention, checked by the caller, or one of these words)
        induction = alt(data["induction_words"])
        agents = alt(data["induction_agents"])
        self.induced_before_re = re.compile(
            rf"(?:\b(?P<agent>{agents}))?[\s-]*(?:{induction})[\s-]*$", re.IGNORECASE
        )
        self.induced_after_re = re.compile(rf"\s+(?:{induction})\s+by\s+", re.IGNORECASE)
        self.induction_agent_re = re.compile(rf"(?:{agents})\b", re.IGNORECASE)
        # right after a drug: the drug brought a disease about ("anastrozole-induced bone loss"),
        # or it names a class of drugs ("calcium channel blocker", "amsacrine analogue")
        self.inducer_after_re = re.compile(rf"[\s-]*(?:{induction})\b", re.IGNORECASE)
        self.drug_class_after_re = re.compile(
            rf"(?:[\s-]+[\w/]+){{0,3}}?[\s-]+(?:{alt(data['drug_class_nouns'])})\b", re.IGNORECASE
        )
        # "Twelve healthy volunteers": subjects without a disease; "healthy controls (n = 25)",
        # "(healthy male subjects, n = 25)": the label of a group's size, a population noun
        # (not "normal saline (N = 10)")
        healthy = alt(data["healthy_words"])
        self.healthy_re = re.compile(rf"\b(?:{healthy})\b", re.IGNORECASE)
        self.healthy_label_re = re.compile(
            rf"\b(?:{healthy})\s+(?:[\w'-]+\s+)?(?:{alt(data['population_nouns'])})\s*[(,;]\s*$",
            re.IGNORECASE,
        )
        # between a disease and the size of its subgroup: "cardiac arrest (n = 36)", "ventricular
        # tachycardia (VT) (n = 118)" (")" when the short form is the mention), "(MDS; n = 17)",
        # "(AML, n = 45)", "the hypertensive group (n = 7)"; `sep` is ";" or "," only before
        # "n = N" (not "patients with renal failure were excluded; 120 patients")
        self.subgroup_gap_re = re.compile(
            rf"\s*(?:\)\s*)?(?:(?:{alt(data['arm_nouns'])})\s*)?(?:\(\s*[\w'-]+\s*\)\s*)?"
            r"(?P<sep>[(;,])\s*",
            re.IGNORECASE,
        )
        # between a subject count and a disease its phrase names, no punctuation between: "two
        # patients with a long history of epilepsy", "ten patients who had Parkinson's disease"
        # (not "three patients who developed X": an event), no number ("5-FU" is a word), no
        # event_phrase_breaks entry nor, but for the first word ("two adult patients with X"), a
        # population noun between: not another group's ("Twelve volunteers and 12 patients with
        # asthma", "50 patients of whom 12 had X", "Twelve healthy volunteers served as controls
        # for patients with asthma")
        breaks = alt([*data["event_phrase_breaks"], *self.number_words])
        pop = alt(data["population_nouns"])
        head = rf"\s+(?!(?:{breaks}|[\d.,]+)(?![\w'-]))[\w'-]+"
        word = rf"\s+(?!(?:{breaks}|{pop}|[\d.,]+)(?![\w'-]))[\w'-]+"
        self.subject_phrase_re = re.compile(
            rf"(?:{head}(?:{word}){{0,4}}?)?\s+(?:{alt(data['subject_disease_openers'])})"
            rf"(?:{word}){{0,3}}?\s+",
            re.IGNORECASE,
        )
        # "discontinued because of / due to ...": the reason of a discontinuation, at most three
        # words after its cue; "discontinued (treatment) for X" at most one word after it (not
        # "who discontinued were assessed for toxicity")
        self.reason_opener_re = re.compile(
            rf"\s*(?:(?:[\w-]+\s+){{0,3}}?(?:{alt(data['reason_connectors'])})"
            rf"|(?:[\w-]+\s+)?(?:{alt(data['near_reason_connectors'])}))\s",
            re.IGNORECASE,
        )
        # what ends a reason besides punctuation: a number, the count of who stopped or the
        # start of another clause's figure ("withdrew for personal reasons and 8 developed X")
        self.reason_end_re = re.compile(
            rf"[,;:()\[\]]|\d|\b(?:{alt(self.number_words)})\b", re.IGNORECASE
        )

    def _build_figure_regexes(self, data: dict[str, Any], sets: dict[str, frozenset[str]]) -> None:
        """What a figure is not: Snellen fractions, definitions, thresholds, confidence levels,
        and what `_build_reference_regexes` finds; and the sentence pre-check of `passes`."""
        pop = alt(self.pop)
        # "His vision was 6/15 and 2/60", "visual acuity to 6/24": a Snellen fraction after an
        # acuity word in its clause (`acuity_fraction`; not "3/20 patients": a share of them)
        self.acuity_before_re = re.compile(
            rf"\b(?:{alt(data['acuity_words'])})\b[^;:()%]{{0,40}}$", re.IGNORECASE
        )
        self.fraction_of_subjects_re = re.compile(rf"/\s*\d+\s+(?:{pop})\b", re.IGNORECASE)
        # A sentence is looked at only if `passes` says so: a digit, a number word, or a
        # "no / none of / all (remaining) <population noun>" phrase. Cheapest test first.
        self._digit = re.compile(r"\d")
        self._to_space = str.maketrans({c: " " for c in "\n\t.,;:()[]{}!?\"'/-–—%=<>+"})
        self._number_word_set = frozenset(self.number_words)
        self._zero_all_re = re.compile(
            rf"\b(?:no|none|all)\s+(?:of\s+)?(?:(?:{alt(self.determiners | self.remaining)})\s+)*"
            rf"(?:[\w-]+\s+){{0,2}}?(?:{pop})\b"
        )
        self.definition_re = re.compile(rf"\b(?:{alt(data['definition_cues'])})\b", re.IGNORECASE)
        comps = [c for c in data["comparators"]]
        articles = data["comparator_articles"]
        # ("at least a 15% increase": an article may stand between, after white space)
        self.comparator_re = re.compile(
            rf"(?<![\w])(?:{alt(comps)})\s*(?:(?<=\s)(?:{alt(articles)})\s+)?$", re.IGNORECASE
        )
        # the ASCII characters that end a comparator or an article, in any case
        # (`ends_with_comparator`); None (search every text): none, or one of white space only
        ends = [c.rstrip()[-1:] for c in comps + articles]
        last = re.compile("|".join(re.escape(e) for e in ends), re.IGNORECASE)
        self._comparator_ends = None if not ends or "" in ends else frozenset(
            a for a in map(chr, range(128)) if last.fullmatch(a)
        )
        # "two or more hot flashes": the comparators written after the number
        after = [c for c in comps if c.lower().startswith("or ")]
        self.comparator_after_re = re.compile(rf"\s*(?:{alt(after)})\b", re.IGNORECASE)
        # "95% one-sided upper confidence limit", "95 % CI": a confidence level
        self.confidence_after_re = re.compile(
            rf"\s*(?:(?i:{alt_spaced(data['confidence_qualifiers'])})\s+){{0,2}}"
            rf"(?i:{alt(data['confidence_words'])})\b"
            rf"|\s*(?:{alt(data['ci_abbreviations'])})(?![\w])"
        )
        # "(2-sided CI 95%)", "IC 95%": a confidence level written after its abbreviation (a
        # conventional level, `limits.min_confidence_level` or more; not "CI 30%-50%", a bound)
        self.confidence_before_re = re.compile(
            rf"(?<![\w.])(?:{alt(data['ci_abbreviations'])})\s*[:=,]?\s*$"
        )
        self.min_confidence_level: int = data["limits"]["min_confidence_level"]
        self._build_reference_regexes(sets, comps)

    def _build_reference_regexes(self, sets: dict[str, frozenset[str]], comps: list[str]) -> None:
        """What a percentage is of when it is no share of subjects: a body area ("60% of her
        scalp"), a reference value or an amount ("70% of control values", "99% of cycles"), a
        baseline characteristic ("51% of them had stage I disease"), a dose's change ("a 25%
        dose reduction"). `comps`: the lexicon's comparators."""
        self.area_after_re = re.compile(
            rf"^\s*of\s+(?:the\s+|her\s+|his\s+|their\s+|its\s+|total\s+|affected\s+)*"
            rf"(?:{alt(self.area)})\b",
            re.IGNORECASE,
        )
        self.area_before_re = re.compile(
            rf"\b(?:{alt(self.area)})\b\s*(?:involvement|area|affected|of)?\s*"
            rf"(?:{alt(comps)}|=|:|of)?\s*$",
            re.IGNORECASE,
        )
        # "70% of control values", amounts given: "99% of cycles", "20% of energy" (but not
        # "80% of patients completed cycles"), and wholes that are no subjects: "95% of her
        # erythrocytes", "35% of the time", "3% of wild-type activity"
        wholes = self.reference | sets["amount_nouns"] | sets["non_subject_wholes"]
        # (", respectively," may stand before "of": "42 and 34%, respectively, of the
        # activity"; and "normal" right after the percentage is the reference without "of":
        # "hemolytic (1% normal) assays", but not "1% normal saline", a solution)
        self.reference_after_re = re.compile(
            r"^\s*(?:,\s*respectively\s*,\s*)?"
            rf"(?:of\s+(?:(?:the|{alt(sets['possessives'])})\s+)?"
            rf"(?:(?!(?:{alt(self.pop)})\b)[\w-]+\s+){{0,2}}?"
            rf"(?:{alt(wholes)})(?![\w-])"
            # ("90% of the control group": the arm's subjects, not a reference value)
            rf"(?!\s+(?:{alt(self.arm_nouns)})\b)"
            r"|normal(?![\w-])(?!\s+saline))",
            re.IGNORECASE,
        )
        # "280 (61%) tumor samples were ER positive", "51% of them had stage I disease"
        receptor = receptor_status(sets["receptor_words"], sets["receptor_status_words"])
        # "with estrogen receptor-positive tumors": a receptor named by its hormone, no drug given
        self.receptor_re = re.compile(rf"{receptor}(?![\w])", re.IGNORECASE)
        self.characteristic_after_re = re.compile(
            r"^\s*(?:\)\s*)?(?:(?!who\b|that\b|which\b|and\b)[\w-]+\s+){0,2}?"
            rf"(?:{alt(sets['auxiliaries'])})\s+"
            rf"(?:an?\s+)?(?:{alt(sets['characteristic_words'])}|{receptor})(?![\w])",
            re.IGNORECASE,
        )
        # "a 25% dose reduction": the article is the noun's, so the percentage is its modifier;
        # capitalized only where no word stands before it (the "A" of "In arm A 30% dose
        # reductions ..." is a label)
        articles = sorted(sets["dose_articles"])
        self.dose_article_re = re.compile(
            rf"(?:\b(?:{alt(articles)})|(?<!\w\s)(?<!\w)"
            rf"(?:{alt([a.capitalize() for a in articles])}))\s+$"
        )

        # "pilocarpine (20 microL, 0.1%)": a volume given, then the strength of what it holds
        self.volume_strength_re = re.compile(
            rf"\(\s*\d[\d.,]*\s*(?:{alt(sets['strength_volume_units'])})\s*[,;]\s*$",
            re.IGNORECASE,
        )

    def _build_enrollment_regexes(self, data: dict[str, Any]) -> None:
        """Who was studied: totals, design phrases, case series and case reports; then
        `_build_assessment_regexes`."""
        # "a total of 1,203 women", "In total, 287 women": the whole of who was studied
        total = alt(self.total_words)
        self.total_before_re = re.compile(
            rf"(?:\b(?:{total})\s+(?:of|sample\s+of)|\bin\s+(?:{total})\s*,?)\s*$",
            re.IGNORECASE,
        )
        # "a randomized trial of exercise was conducted in 320 women", "a substudy of 1983
        # participants": a design noun, a few words, then the preposition before the count
        self.design_before_re = re.compile(
            rf"\b(?:{alt(data['design_nouns'])})\b(?:\s+[\w.,-]+){{0,6}}?\s+"
            rf"(?:{alt(self.prepositions)})\s*$",
            re.IGNORECASE,
        )
        # "We describe ... in two patients": the opener, then no "that" (a reported result) and
        # no clause end before the count
        self.case_series_re = re.compile(
            rf"\b(?:{alt(data['case_series_openers'])})\b(?:(?!\bthat\b)[^;.:]){{0,80}}$",
            re.IGNORECASE,
        )
        # "Two patients with similar features are presented": after a count, its clause (no
        # number, clause end, bracket or "and"), a present auxiliary ("are": not a trial's "were
        # reported", nor "have been": earlier reports) and a verb of presentation that ends the
        # clause or comes before a `case_presentation_ends` entry
        self.case_presentation_gate = tuple(
            w.lower() for w in data["case_presentation_verbs"]
        )
        self.case_presented_re = re.compile(
            rf"(?:(?!\band\b)[^\d;:.()\[\]]){{0,{CASE_PRESENTATION_REACH}}}?"
            rf"(?<![\w-])(?:{alt(data['case_presentation_auxiliaries'])})\s+(?:[a-z]+ly\s+)?"
            rf"(?:{alt(data['case_presentation_verbs'])})"
            rf"(?=\s*(?:[.;:,]|$|(?:{alt(data['case_presentation_ends'])})(?![\w-])))",
            re.IGNORECASE,
        )
        # "a review of six cases", "We followed 210 cases" (right before a count of cases);
        # "Two cases of X are presented", "... that have been reported earlier" (after it): the
        # cases a case report describes
        verbs = alt(data["case_report_verbs"])
        self.case_report_before_re = re.compile(
            rf"\b(?:{verbs})\s+(?:of\s+)?(?:(?:{alt(self.determiners)})\s+)?$", re.IGNORECASE
        )
        self.case_report_after_re = re.compile(
            rf"\b(?:{alt(self.auxiliaries)})\s+(?:[a-z]+ly\s+)?(?:{verbs})\b", re.IGNORECASE
        )
        self._build_assessment_regexes(data)

    def _build_assessment_regexes(self, data: dict[str, Any]) -> None:
        """Counts of who a rate was measured in or who was assessed, and medians and durations
        that are no outcome: the count is the base of a result, not a result."""
        # "compared the incidence of invasive cancer in 3967 patients": the count after the
        # preposition is who the rate was measured in (no number, comma or clause end between:
        # "the incidence of X was higher with A, occurring in 32 patients" counts events)
        # (a time between is no figure: "the incidence of nausea in the first 24 h after
        # surgery in 216 patients")
        time = rf"\d+\s*(?:{alt(data['time_units'])})\b"
        self.rate_base_re = re.compile(
            rf"\b(?:{alt(data['rate_nouns'])})\b(?:[^;.:,\d]|{time}){{0,100}}?"
            rf"\b(?:{alt(data['rate_base_prepositions'])})\s+(?:the\s+)?$",
            re.IGNORECASE,
        )
        # "Response rates were 45% in arm A and 38% in arm B among the 120 patients with
        # measurable disease": a known set of subjects after the clause's rates is their base
        self.rates_base_re = re.compile(
            rf"\b(?:{alt(data['rate_base_prepositions'])})\s+"
            rf"(?:{alt(self.determiners)})\s+$",
            re.IGNORECASE,
        )
        # "Response was evaluable in 88 patients", "Adverse events were recorded in all 96
        # patients": the count after them is who was assessed, not a count of the outcome
        preps = alt(self.prepositions)
        self.assessed_before_re = re.compile(
            rf"\b(?:{alt(data['assessment_words'])})\s+(?:{preps})\s+(?:the\s+)?$", re.IGNORECASE
        )
        self.recorded_before_re = re.compile(
            rf"\b(?:{alt(data['recording_words'])})\s+(?:{preps})\s+$", re.IGNORECASE
        )
        # "Forty-four patients were assessed for response": who was assessed, after the count
        self.assessed_for_re = re.compile(
            rf"\s*(?:were|was)\s+(?:[a-z]+ly\s+)?(?:{alt(data['assessment_words'])})\s+for\b",
            re.IGNORECASE,
        )
        # "median follow-up of 24 months", "median age 52 years": no outcome
        self.median_not_outcome_re = re.compile(
            rf"\b(?:{alt(data['median_not_outcome'])})\b", re.IGNORECASE
        )
        # "Women were followed for a median of 8 years": how long, not an outcome's median
        self.duration_before_re = re.compile(
            rf"\b(?:{alt(data['duration_verbs'])})\s+(?:for|over)\s+(?:an?\s+|the\s+)?$",
            re.IGNORECASE,
        )
        # "Tumour samples were collected before treatment (n = 110)": things, not subjects
        self.sample_nouns = frozenset(w.lower() for w in data["sample_nouns"])

    def _build_event_regexes(self, data: dict[str, Any]) -> None:
        """Whose a disease near a figure is: the end of an event's phrase or clause, who was
        studied ("patients with X") or the event counted ("the incidence of X"); the drug
        named after a figure ("16 with tamoxifen")."""
        # between an event figure and a disease after it: the figure's phrase has ended
        # ("8.5% in the T+A group, and cough was reported in 3.8%")
        self.event_phrase_break_re = re.compile(
            rf"[,;:()\[\]]|\b(?:{alt(data['event_phrase_breaks'])})\b", re.IGNORECASE
        )
        # between a disease and a death figure after it: a semicolon, or a comma and a word that
        # opens another clause ("developed pneumonia, and 3 patients (2%) died")
        self.death_clause_break_re = re.compile(
            rf";|,\s*(?:{alt(data['clause_openers'])})\b"
        )
        # (searched in lower-cased text) "patients with X": X names who was studied; but not
        # after "<event word> of" ("12 incidents of bradycardia", "complained of pain"): the
        # leftmost match takes the event alternative there
        # (a stage phrase before the two words: "patients with stage III or IV melanoma",
        # "women with stage II or III breast cancer"; not a grade, which an event has)
        joiners = alt(data["population_adjective_joiners"])
        stage = (
            rf"(?:(?:{alt(data['disease_stage_words'])})\s+[\w/-]+"
            rf"(?:\s+(?:{joiners})\s+[\w/-]+)?\s+)?"
        )
        had = alt([*data["event_verb_cues"], *data["event_report_verbs"]])  # "with A reported X"
        self.disease_cue_opener_re = re.compile(
            rf"\b(?:(?P<event>{alt(data['disease_event_words'])})\s+of"
            rf"|{alt(data['disease_cue_openers'])})\s+{stage}(?:(?!(?:{had})\s)[\w-]+\s+){{0,2}}$"
        )
        # (lower-cased) "the incidence of X", "because of X", "discontinued for X": for the
        # event tie, X is the event counted, not who was studied
        # (the opener right before X: not "the risk in women with X")
        openers = alt(data["disease_cue_openers"])
        self.event_context_re = re.compile(
            rf"\b(?:{alt(data['event_context_words'])})\s+(?:{openers})\s+"
            rf"(?:(?!(?:{openers})\b)[\w-]+\s+){{0,2}}$"
        )
        self.population_disease_before_re = _opener_before(data["population_disease_openers"])
        # "the 9/13 patients initially identified as having osteoporosis": who was counted
        self.subject_trait_before_re = _opener_before(data["subject_trait_openers"])
        self.prevented_before_re = _opener_before(data["prevention_words"])
        self.population_disease_after_re = re.compile(
            rf"\s*(?:{alt(data['population_disease_nouns'])})\b"
        )
        # "16 with tamoxifen": the text between a count and its arm's drug
        self.arm_drug_link_re = re.compile(
            rf"\s*(?:[\w-]+\s+){{0,3}}?(?:{alt(data['arm_drug_links'])})\s+(?:the\s+)?$"
        )
        # a verb that lists who a total is, right after it (past its bracket): "Subjects (n =
        # 139) were 72 women and 67 men" (`outcome_totals.trait_breakdowns`)
        self.listing_verb_re = re.compile(
            rf"\s*+\)?\s*+(?:{alt(data['copulas'])}|{alt(data['listing_words'])})\s++",
            re.IGNORECASE,
        )
        # "203 received pembrolizumab", "264 taking the lozenge": a part's treatment, up to the
        # start of its name (`outcome_treated_parts.treated_parts`)
        self.part_treatment_re = re.compile(
            rf"\s*(?:(?:{alt(data['population_nouns'])})\s+)?"
            rf"(?:{alt_spaced(data['part_treatment_links'])})\s+(?:(?:the|an?)\s+)?",
            re.IGNORECASE,
        )
        # "16.5% with azathioprine", "(12%) of those patients receiving X", and after "in the
        # group" or "among those" another link: "0.6 percent in the group given tamoxifen plus
        # irradiation", "12% among those treated with X"
        subjects = alt([*data["following_drug_subjects"], *data["arm_nouns"]])
        links = alt_spaced(data["following_drug_links"])
        self.following_drug_re = re.compile(
            r"\s*(?:\)\s*)?(?:of\s+(?:those|the\s+)?"
            rf"(?:{alt(data['following_drug_subjects'])})?\s*)?"
            rf"(?:{links})\s+(?:the\s+)?"
            rf"(?:(?:those|{subjects})\s+(?:{alt_spaced(data['following_arm_links'])})\s+(?:the\s+)?)?",
            re.IGNORECASE,
        )

        # counts of events that earlier reports give (`outcome_design.without_earlier_reports`):
        # a report word after "previously", or before "cases", right after a count ("2
        # previously reported cases", "two described cases"; not "40 reported headache": what
        # they told); a perfect passive of one in the count's clause, at most
        # REPORTED_REACH characters on ("Fifteen cases of this complication have been reported")
        reports = alt(data["report_words"])
        self.report_after_re = re.compile(
            rf"\s+(?:(?:previously|recently)\s+(?:{reports})|(?:{reports})\s+cases?)\b",
            re.IGNORECASE)
        # a count right after a report word and "in" that "as" or a perfect with an adverb of
        # earlier time makes earlier work's ("as recently described in two familial patients",
        # "has previously been reported in three patients"; not "Rash was reported in 12
        # patients" nor "Thrombosis has been reported in 61 patients to date": the trial's)
        earlier = r"(?:previously|recently|already|first)\s+"
        self.report_before_re = re.compile(
            rf"\b(?:as\s+(?:{earlier})?|(?:has|have|had)\s+(?:{earlier}been|been\s+{earlier}))"
            rf"\s*(?:{reports})\s+(?:in|among)\s+(?:the\s+|only\s+)?$",
            re.IGNORECASE,
        )
        self.reported_perfect_re = re.compile(
            rf"[^;.]{{0,{REPORTED_REACH}}}?\b(?:have|has)\s+(?:also\s+|previously\s+)?been\s+"
            rf"(?:{reports})\b",
            re.IGNORECASE,
        )

    def _build_change_regexes(self, data: dict[str, Any]) -> None:
        """Relative changes and differences, not rates."""
        # "reduced ... by 54%", "prolonged the time to first SRE or hypercalcemia by 18%"
        self.change_before_re = re.compile(
            rf"\b(?:{alt(data['change_verbs'])})\s+(?:[^\s;]+\s+){{0,12}}?by\s+"
            rf"(?:(?:{alt(data['hedges'])})\s+)?$",
            re.IGNORECASE,
        )
        # "a reduction (28%)", "a decrease of 54%", "relative risk reduction 12%",
        # "difference = 0.5%", "+516%", "-0.3%", "Heart weight increased 44%" (a verb right
        # before: a measured quantity's change): a change, not a rate
        self.change_noun_before_re = re.compile(
            rf"(?:\b(?:{alt(data['change_nouns'])})\s*(?:\(|of|by)?\s*"
            rf"(?:(?:{alt(data['hedges'])})\s+)?"
            rf"|\b(?:{alt(data['change_verbs'])})\s+(?:(?:{alt(data['hedges'])})\s+)?"
            rf"|\b(?:{alt(data['difference_words'])})\s*(?:=|of)\s*"
            rf"|(?<![\w.])[+\-−–]\s?)$",
            re.IGNORECASE,
        )
        # "LVEF reduced to less than 50% in 5 patients": a measured quantity changed past a
        # threshold (a change verb, "to" and a comparator)
        self.threshold_change_re = re.compile(
            rf"\b(?:{alt(data['change_verbs'])})\s+(?:to\s+)?(?:{alt(data['comparators'])})\s",
            re.IGNORECASE,
        )
        # "an increase in both disease-free and overall survival of about 5%"
        self.change_in_of_re = re.compile(
            rf"\b(?:{alt(data['change_nouns'])}|{alt(data['difference_words'])})\s+in\s+"
            rf"(?:(?!(?:{alt(data['auxiliaries'])})\b)[\w-]+\s+){{0,6}}?of\s+"
            rf"(?:(?:{alt(data['hedges'])})\s+)?$",
            re.IGNORECASE,
        )
        # "the risk reduction associated with fenretinide, which attained 50%": the change's
        # size, the verb after "which" (no clause end between)
        self.change_reached_re = re.compile(
            rf"\b(?:{alt(data['change_nouns'])})\b[^;.%\d]{{0,100}}?,\s*(?:which|that)\s+"
            rf"(?:{alt(data['attainment_verbs'])})\s+(?:(?:{alt(data['hedges'])})\s+)?$",
            re.IGNORECASE,
        )
        # "a 4.57% difference", "a 17% risk reduction", "11% lower than", "8% more in ...",
        # "19% above the controls" (past a bracket: "an 11% (95% CI, -15.0 to -5.0) decrease",
        # "a five-point (10%) decrease")
        self.change_after_re = re.compile(
            r"^\s*[)\]]?\s*(?:[(\[][^()\[\]]{0,80}[)\]]\s*)?"
            rf"(?:(?:{alt(data['reference_directions'])})\s+(?:the\s+)?"
            rf"(?:{alt(data['reference_words'])})"
            rf"|(?:relative\s+)?(?:[\w-]+\s+){{0,2}}?(?:{alt(data['change_nouns'])})"
            rf"|(?:{alt(data['difference_words'])})|(?:{alt(data['comparative_words'])}))\b",
            re.IGNORECASE,
        )

    def names_who_was_studied(self, before: str) -> bool:
        """Whether a disease mention after `before` (the lower-cased text right before it)
        names who was studied ("patients with X", "suffering from X") rather than an event."""
        m = self.disease_cue_opener_re.search(before)
        return m is not None and m.group("event") is None

    def names_population(self, before: str, after: str) -> bool:
        """Whether a disease mention between `before` and `after` (lower-cased texts right
        before and after it) names who was studied: "patients with X", "X patients"; not "the
        incidence of X", "discontinued for X" (`event_context_re`)."""
        if self.population_disease_after_re.match(after):
            return True
        return (
            self.population_disease_before_re.search(before) is not None
            and self.event_context_re.search(before) is None
        )

    def names_an_event(self, before: str) -> bool:
        """Whether a disease mention after `before` (the lower-cased text right before it) is
        an event figure's event by its frame ("the incidence of X", "because of X",
        "discontinued for X", "12 incidents of X") although an opener comes before it."""
        m = self.disease_cue_opener_re.search(before)
        return (
            m is None
            or m.group("event") is not None
            or self.event_context_re.search(before) is not None
        )

    def ends_with_comparator(self, text: str) -> bool:
        """`comparator_re.search(text)`: does the text (before a number) end with a comparator
        ("more than", "≥")? Searched only where its last character (but white space) may end
        one, in any case (`_comparator_ends`; a character outside ASCII is searched); most
        texts end with another, and the search tries every position of the text."""
        ends, last = self._comparator_ends, text.rstrip()[-1:]
        if ends is not None and (not last or (last.isascii() and last not in ends)):
            return False
        return self.comparator_re.search(text) is not None

    def passes(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """The pre-check: can text[start:end] hold a figure at all?"""
        end = len(text) if end is None else end
        if self._digit.search(text, start, end):
            return True
        low = text[start:end].lower()
        split = low.translate(self._to_space).split()
        if not self._number_word_set.isdisjoint(split):
            return True
        if "no" not in low and "all" not in low:
            return False  # (what follows needs "no", "none" or "all": most sentences have none)
        words = set(split)
        if ("no" in words or "none" in words or "all" in words) and words & self.pop:
            return self._zero_all_re.search(low) is not None
        if "none" in words:
            return True  # "None died.": a count of zero as a subject (`QuantifierReader`)
        return "no" in words and bool(words & self.zero_event_nouns)  # "No deaths occurred"

    def assessed_total(self, text: str, start: int, all_form: bool) -> bool:
        """Does the count at text[start:] say who was assessed for its outcome ("Response was
        evaluable in 88 patients", "Nausea was compared in 40 patients"; "recorded in all 96
        patients", `all_form`: the count is written "all N") rather than in whom it occurred?"""
        before = text[max(0, start - 40) : start]
        return (
            self.assessed_before_re.search(before) is not None
            or self.studied_in_re.search(before) is not None
            or (all_form and self.recorded_before_re.search(before) is not None)
        )

    def assessed_for(self, text: str, end: int) -> bool:
        """Does the count ending at text[end] say who was assessed for an outcome ("Forty-four
        patients were assessed for response") rather than in whom it occurred?"""
        return self.assessed_for_re.match(text, end) is not None

    def change_further_back(self, text: str, at: int) -> bool:
        """ "an increase in both disease-free and overall survival of about 5%", "the risk
        reduction associated with fenretinide, which attained 50%": a change noun further back
        than `change_noun_before_re` looks (searched only after a near "of" or "which")."""
        near = text[max(0, at - 30) : at]
        if " of " in near and self.change_in_of_re.search(text[max(0, at - 100) : at]):
            return True
        return ("which" in near or "that" in near) and bool(
            self.change_reached_re.search(text[max(0, at - 160) : at])
        )
