"""The outcomes lexicon (`rules/outcomes_lexicon.json`, validated by `outcome_rules.py`)
compiled to word sets and regexes, once per component: `Lexicon`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipeline.components.outcome_rules import (
    CONTEXT_RULES_FILE,
    LEXICON_LISTS,
    CueScores,
    load_negation_words,
)
from pipeline.components.outcome_scope import ScopeRules
from pipeline.paths import rule_file


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _alt_spaced(words: Iterable[str]) -> str:
    """Like `_alt`, but a space in a phrase matches any run of white space ("per cent")."""
    return "|".join(
        re.escape(w).replace("\\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True)
    )


def _alt_cased(words: Iterable[str]) -> str:
    """Like `_alt`, but a word written with capitals ("HR", "OR") matches only as written: in
    lower case it is an English word; an all-lower word matches in any case."""
    return "|".join(re.escape(w) if w != w.lower() else f"(?i:{re.escape(w)})"
                    for w in sorted(set(words), key=len, reverse=True))


def _opener_before(words: Iterable[str]) -> re.Pattern[str]:
    """One of the words and at most two more words at the end of a (lower-cased) text: "with
    X" before a mention ("patients with advanced X")."""
    return re.compile(rf"\b(?:{_alt(words)})\s+(?:[\w-]+\s+){{0,2}}$")


class Lexicon:
    """The outcomes lexicon compiled to sets and regexes (read-only after construction)."""

    def __init__(self, data: dict[str, Any], negation_words: Iterable[str] | None = None) -> None:
        if negation_words is None:
            negation_words = load_negation_words(rule_file(CONTEXT_RULES_FILE))
        self.data = data
        self.number_words: dict[str, int] = {k.lower(): v for k, v in data["number_words"].items()}
        sets = {key: frozenset(w.lower() for w in data[key]) for key in LEXICON_LISTS}
        self._set_word_sets(data, sets)
        self.scores = CueScores(**{k: v for k, v in data["cue_scores"].items() if k != "_comment"})
        self.min_enrollment: int = data["limits"]["min_enrollment"]
        # negation words are biotab_assertion's one-word forward NEGATED triggers: one list
        self.negation_words = frozenset(negation_words)
        self.numw = _alt(self.number_words)
        self._build_figure_regexes(data, sets)
        self._build_stat_regexes()
        self._build_enrollment_regexes(data)
        self._build_change_regexes(data)
        self._build_arm_regexes(data)
        self.scope = ScopeRules(data)

    def _set_word_sets(self, data: dict[str, Any], sets: dict[str, frozenset[str]]) -> None:
        """The word lists and maps the component reads as sets and dicts."""
        self.pop = sets["population_nouns"]
        self.pop_not_before = sets["population_not_before"]
        self.determiners = sets["determiners"]
        self.remaining = sets["remaining_words"]
        self.count_blockers = sets["count_blockers_before"]
        self.measured_value_words = sets["measured_value_words"]
        self.listing_words = sets["listing_words"]
        # "serum creatinine", "creatinine levels": a chemical measured, not given
        self.analyte_before_re = re.compile(
            rf"\b(?:{_alt(data['analyte_words_before'])})\s+$", re.IGNORECASE
        )
        self.analyte_after_re = re.compile(
            rf"\s+(?:{_alt(data['analyte_words_after'])})\b", re.IGNORECASE
        )
        # "cisplatin-induced X", "X induced by", "X caused by": a disease a drug brought about
        # (the inducer: a DRUG mention, checked by the caller, or one of these words)
        induction = _alt(data["induction_words"])
        agents = _alt(data["induction_agents"])
        self.induced_before_re = re.compile(
            rf"(?:\b(?P<agent>{agents}))?[\s-]*(?:{induction})[\s-]*$", re.IGNORECASE
        )
        self.induced_after_re = re.compile(rf"\s+(?:{induction})\s+by\s+", re.IGNORECASE)
        self.induction_agent_re = re.compile(rf"(?:{agents})\b", re.IGNORECASE)
        # "Twelve healthy volunteers": subjects without a disease; "healthy controls (n = 25)",
        # "(healthy male subjects, n = 25)": the label of a group's size, a population noun
        # (not "normal saline (N = 10)")
        healthy = _alt(data["healthy_words"])
        self.healthy_re = re.compile(rf"\b(?:{healthy})\b", re.IGNORECASE)
        self.healthy_label_re = re.compile(
            rf"\b(?:{healthy})\s+(?:[\w'-]+\s+)?(?:{_alt(data['population_nouns'])})\s*[(,;]\s*$",
            re.IGNORECASE,
        )
        # between a disease and the size of its subgroup: "cardiac arrest (n = 36)", "ventricular
        # tachycardia (VT) (n = 118)" (")" when the short form is the mention), "(MDS; n = 17)",
        # "(AML, n = 45)", "the hypertensive group (n = 7)"; `sep` is ";" or "," only before
        # "n = N" (not "patients with renal failure were excluded; 120 patients")
        self.subgroup_gap_re = re.compile(
            rf"\s*(?:\)\s*)?(?:(?:{_alt(data['arm_nouns'])})\s*)?(?:\(\s*[\w'-]+\s*\)\s*)?"
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
        breaks = _alt([*data["event_phrase_breaks"], *self.number_words])
        pop = _alt(data["population_nouns"])
        head = rf"\s+(?!(?:{breaks}|[\d.,]+)(?![\w'-]))[\w'-]+"
        word = rf"\s+(?!(?:{breaks}|{pop}|[\d.,]+)(?![\w'-]))[\w'-]+"
        self.subject_phrase_re = re.compile(
            rf"(?:{head}(?:{word}){{0,4}}?)?\s+(?:{_alt(data['subject_disease_openers'])})"
            rf"(?:{word}){{0,3}}?\s+",
            re.IGNORECASE,
        )
        # "discontinued because of / due to ...": the reason of a discontinuation, at most three
        # words after its cue; "discontinued (treatment) for X" at most one word after it (not
        # "who discontinued were assessed for toxicity")
        self.reason_opener_re = re.compile(
            rf"\s*(?:(?:[\w-]+\s+){{0,3}}?(?:{_alt(data['reason_connectors'])})"
            rf"|(?:[\w-]+\s+)?(?:{_alt(data['near_reason_connectors'])}))\s",
            re.IGNORECASE,
        )
        # what ends a reason besides punctuation: a number, the count of who stopped or the
        # start of another clause's figure ("withdrew for personal reasons and 8 developed X")
        self.reason_end_re = re.compile(
            rf"[,;:()\[\]]|\d|\b(?:{_alt(self.number_words)})\b", re.IGNORECASE
        )
        self.count_blockers_after = sets["count_blockers_after"]
        self.months = sets["month_words"]
        self.units = sets["unit_words"]
        self.area = sets["area_words"]
        self.reference = sets["reference_words"]
        self.formulation = sets["formulation_words"]
        self.dose_nouns = sets["dose_nouns"]
        # "a 25% dose reduction": the article is the noun's, so the percentage is its modifier;
        # capitalized only where no word stands before it (the "A" of "In arm A 30% dose
        # reductions ..." is a label)
        articles = sorted(sets["dose_articles"])
        self.dose_article_re = re.compile(
            rf"(?:\b(?:{_alt(articles)})|(?<!\w\s)(?<!\w)"
            rf"(?:{_alt([a.capitalize() for a in articles])}))\s+$"
        )
        self.arm_nouns = sets["arm_nouns"]
        self.bracket_traits = sets["bracket_trait_words"]
        self.pooled_arm_nouns = sets["pooled_arm_nouns"]
        self.monotherapy_words = sets["monotherapy_words"]
        self.finding_of = sets["finding_prepositions"]
        self.boundaries = sets["strong_boundaries"]
        self.connectors = sets["list_connectors"]
        self.prepositions = sets["prepositions"]
        self.adjective_stops = sets["adjective_stops"]
        self.figure_words = sets["figure_words"]
        self.adjective_joiners = sets["population_adjective_joiners"]
        self.total_words = sets["total_words"]
        self.comparison = sets["comparison_connectors"]
        self.respectively = sets["respectively_words"]
        # "13 vs 31", "28 patients compared with 15": a word that compares the figures on
        # its two sides (a respectively word compares lists instead)
        self.pairwise_comparison = self.comparison - self.respectively
        # "X and Y were compared in 71 outpatients": a comparison word that may compare what the
        # subjects were given, the count beside it being who was studied
        self.design_comparison = sets["design_comparison_words"]
        self.ratio_units = {k.lower(): v for k, v in data["ratio_units"].items()}
        self.time_units: dict[str, str] = dict(data["time_units"])
        self.median_words = sets["median_words"]
        self.enrolled_words = sets["enrolled_words"]
        self.auxiliaries = sets["auxiliaries"]
        self.enrollment_adverbs = sets["enrollment_adverbs"]
        self.change_from = sets["change_from_words"]
        self.change_to = sets["change_to_words"]
        self.person_time = sets["person_time_words"]
        self.occurrence_nouns = sets["occurrence_nouns"]
        self.control_arms = sets["control_arms"]
        self.size_label_stops = sets["size_label_stops"]
        self.relative_pronouns = sets["relative_pronouns"]
        self.treatment_nouns = sets["treatment_nouns"]
        self.non_arm_label_words = sets["non_arm_label_words"]

    def _build_figure_regexes(self, data: dict[str, Any], sets: dict[str, frozenset[str]]) -> None:
        """What a figure is not: thresholds, confidence levels, body areas, reference values,
        baseline characteristics; and the sentence pre-check of `passes`."""
        pop = _alt(self.pop)
        # A sentence is looked at only if `passes` says so: a digit, a number word, or a
        # "no / none of / all (remaining) <population noun>" phrase. Cheapest test first.
        self._digit = re.compile(r"\d")
        self._to_space = str.maketrans({c: " " for c in "\n\t.,;:()[]{}!?\"'/-–—%=<>+"})
        self._number_word_set = frozenset(self.number_words)
        self._zero_all_re = re.compile(
            rf"\b(?:no|none|all)\s+(?:of\s+)?(?:(?:the|these|those|our|remaining|other)\s+)*"
            rf"(?:[\w-]+\s+){{0,2}}?(?:{pop})\b"
        )
        self.definition_re = re.compile(rf"\b(?:{_alt(data['definition_cues'])})\b", re.IGNORECASE)
        comps = [c for c in data["comparators"]]
        self.comparator_re = re.compile(rf"(?<![\w])(?:{_alt(comps)})\s*$", re.IGNORECASE)
        # "two or more hot flashes": the comparators written after the number
        after = [c for c in comps if c.lower().startswith("or ")]
        self.comparator_after_re = re.compile(rf"\s*(?:{_alt(after)})\b", re.IGNORECASE)
        # "95% one-sided upper confidence limit", "95 % CI": a confidence level
        self.confidence_after_re = re.compile(
            rf"\s*(?:(?i:{_alt_spaced(data['confidence_qualifiers'])})\s+){{0,2}}"
            rf"(?i:{_alt(data['confidence_words'])})\b"
            rf"|\s*(?:{_alt(data['ci_abbreviations'])})(?![\w])"
        )
        # "(2-sided CI 95%)", "IC 95%": a confidence level written after its abbreviation (a
        # conventional level, `limits.min_confidence_level` or more; not "CI 30%-50%", a bound)
        self.confidence_before_re = re.compile(
            rf"(?<![\w.])(?:{_alt(data['ci_abbreviations'])})\s*[:=,]?\s*$"
        )
        self.min_confidence_level: int = data["limits"]["min_confidence_level"]
        self.area_after_re = re.compile(
            rf"^\s*of\s+(?:the\s+|her\s+|his\s+|their\s+|its\s+|total\s+|affected\s+)*"
            rf"(?:{_alt(self.area)})\b",
            re.IGNORECASE,
        )
        self.area_before_re = re.compile(
            rf"\b(?:{_alt(self.area)})\b\s*(?:involvement|area|affected|of)?\s*"
            rf"(?:{_alt(comps)}|=|:|of)?\s*$",
            re.IGNORECASE,
        )
        # "70% of control values", and amounts given: "99% of cycles", "20% of energy" (but
        # not "80% of patients completed cycles")
        self.reference_after_re = re.compile(
            rf"^\s*of\s+(?:the\s+)?(?:(?!(?:{_alt(self.pop)})\b)[\w-]+\s+){{0,2}}?"
            rf"(?:{_alt(self.reference | sets['amount_nouns'])})\b"
            # ("90% of the control group": the arm's subjects, not a reference value)
            rf"(?!\s+(?:{_alt(self.arm_nouns)})\b)",
            re.IGNORECASE,
        )
        # "280 (61%) tumor samples were ER positive", "51% of them had stage I disease"; a bare
        # receptor abbreviation needs its status ("had a PR" is a partial response)
        receptor = (
            rf"(?:{_alt(sets['receptor_words'])})[\s-]*(?:{_alt(sets['receptor_status_words'])})"
        )
        self.characteristic_after_re = re.compile(
            r"^\s*(?:\)\s*)?(?:(?!who\b|that\b|which\b|and\b)[\w-]+\s+){0,2}?"
            rf"(?:{_alt(sets['auxiliaries'])})\s+"
            rf"(?:an?\s+)?(?:{_alt(sets['characteristic_words'])}|{receptor})(?![\w])",
            re.IGNORECASE,
        )

    def _build_enrollment_regexes(self, data: dict[str, Any]) -> None:
        """Who was studied: totals, design phrases, case series, medians that are no outcome."""
        # "a total of 1,203 women", "In total, 287 women": the whole of who was studied
        total = _alt(self.total_words)
        self.total_before_re = re.compile(
            rf"(?:\b(?:{total})\s+(?:of|sample\s+of)|\bin\s+(?:{total})\s*,?)\s*$",
            re.IGNORECASE,
        )
        # "a randomized trial of exercise was conducted in 320 women", "a substudy of 1983
        # participants": a design noun, a few words, then the preposition before the count
        self.design_before_re = re.compile(
            rf"\b(?:{_alt(data['design_nouns'])})\b(?:\s+[\w.,-]+){{0,6}}?\s+"
            rf"(?:{_alt(self.prepositions)})\s*$",
            re.IGNORECASE,
        )
        # "We describe ... in two patients": the opener, then no "that" (a reported result) and
        # no clause end before the count
        self.case_series_re = re.compile(
            rf"\b(?:{_alt(data['case_series_openers'])})\b(?:(?!\bthat\b)[^;.:]){{0,80}}$",
            re.IGNORECASE,
        )
        # "a review of six cases", "We followed 210 cases" (right before a count of cases);
        # "Two cases of X are presented", "... that have been reported earlier" (after it): the
        # cases a case report describes
        verbs = _alt(data["case_report_verbs"])
        self.case_report_before_re = re.compile(
            rf"\b(?:{verbs})\s+(?:of\s+)?(?:(?:{_alt(self.determiners)})\s+)?$", re.IGNORECASE
        )
        self.case_report_after_re = re.compile(
            rf"\b(?:{_alt(self.auxiliaries)})\s+(?:[a-z]+ly\s+)?(?:{verbs})\b", re.IGNORECASE
        )
        # between an event figure and a disease after it: the figure's phrase has ended
        # ("8.5% in the T+A group, and cough was reported in 3.8%")
        self.event_phrase_break_re = re.compile(
            rf"[,;:()\[\]]|\b(?:{_alt(data['event_phrase_breaks'])})\b", re.IGNORECASE
        )
        # between a disease and a death figure after it: a semicolon, or a comma and a word that
        # opens another clause ("developed pneumonia, and 3 patients (2%) died")
        self.death_clause_break_re = re.compile(
            rf";|,\s*(?:{_alt(data['clause_openers'])})\b"
        )
        # (searched in lower-cased text) "patients with X": X names who was studied; but not
        # after "<event word> of" ("12 incidents of bradycardia", "complained of pain"): the
        # leftmost match takes the event alternative there
        self.disease_cue_opener_re = re.compile(
            rf"\b(?:(?P<event>{_alt(data['disease_event_words'])})\s+of"
            rf"|{_alt(data['disease_cue_openers'])})\s+(?:[\w-]+\s+){{0,2}}$"
        )
        # (lower-cased) "the incidence of X", "because of X", "discontinued for X": for the
        # event tie, X is the event counted, not who was studied
        # (the opener right before X: not "the risk in women with X")
        openers = _alt(data["disease_cue_openers"])
        self.event_context_re = re.compile(
            rf"\b(?:{_alt(data['event_context_words'])})\s+(?:{openers})\s+"
            rf"(?:(?!(?:{openers})\b)[\w-]+\s+){{0,2}}$"
        )
        self.population_disease_before_re = _opener_before(data["population_disease_openers"])
        self.population_disease_after_re = re.compile(
            rf"\s*(?:{_alt(data['population_disease_nouns'])})\b"
        )
        # "16 with tamoxifen": the text between a count and its arm's drug
        self.arm_drug_link_re = re.compile(
            rf"\s*(?:[\w-]+\s+){{0,3}}?(?:{_alt(data['arm_drug_links'])})\s+(?:the\s+)?$"
        )
        # "16.5% with azathioprine", "(12%) of those patients receiving X"
        self.following_drug_re = re.compile(
            r"\s*(?:\)\s*)?(?:of\s+(?:those|the\s+)?"
            rf"(?:{_alt(data['following_drug_subjects'])})?\s*)?"
            rf"(?:{_alt_spaced(data['following_drug_links'])})\s+(?:the\s+)?",
            re.IGNORECASE,
        )
        # "compared the incidence of invasive cancer in 3967 patients": the count after the
        # preposition is who the rate was measured in (no number, comma or clause end between:
        # "the incidence of X was higher with A, occurring in 32 patients" counts events)
        self.rate_base_re = re.compile(
            rf"\b(?:{_alt(data['rate_nouns'])})\b[^;.:,\d]{{0,100}}?"
            rf"\b(?:{_alt(data['rate_base_prepositions'])})\s+(?:the\s+)?$",
            re.IGNORECASE,
        )
        # "Response rates were 45% in arm A and 38% in arm B among the 120 patients with
        # measurable disease": a known set of subjects after the clause's rates is their base
        self.rates_base_re = re.compile(
            rf"\b(?:{_alt(data['rate_base_prepositions'])})\s+"
            rf"(?:{_alt(self.determiners)})\s+$",
            re.IGNORECASE,
        )
        # "Response was evaluable in 88 patients", "Adverse events were recorded in all 96
        # patients": the count after them is who was assessed, not a count of the outcome
        preps = _alt(self.prepositions)
        self.assessed_before_re = re.compile(
            rf"\b(?:{_alt(data['assessment_words'])})\s+(?:{preps})\s+(?:the\s+)?$", re.IGNORECASE
        )
        self.recorded_before_re = re.compile(
            rf"\b(?:{_alt(data['recording_words'])})\s+(?:{preps})\s+$", re.IGNORECASE
        )
        # "median follow-up of 24 months", "median age 52 years": no outcome
        self.median_not_outcome_re = re.compile(
            rf"\b(?:{_alt(data['median_not_outcome'])})\b", re.IGNORECASE
        )
        # "Women were followed for a median of 8 years": how long, not an outcome's median
        self.duration_before_re = re.compile(
            rf"\b(?:{_alt(data['duration_verbs'])})\s+(?:for|over)\s+(?:an?\s+|the\s+)?$",
            re.IGNORECASE,
        )
        # "Tumour samples were collected before treatment (n = 110)": things, not subjects
        self.sample_nouns = frozenset(w.lower() for w in data["sample_nouns"])

    def _build_change_regexes(self, data: dict[str, Any]) -> None:
        """Relative changes and differences, not rates."""
        # "reduced ... by 54%", "prolonged the time to first SRE or hypercalcemia by 18%"
        self.change_before_re = re.compile(
            rf"\b(?:{_alt(data['change_verbs'])})\s+(?:[^\s;]+\s+){{0,12}}?by\s+"
            rf"(?:(?:{_alt(data['hedges'])})\s+)?$",
            re.IGNORECASE,
        )
        # "a reduction (28%)", "a decrease of 54%", "relative risk reduction 12%",
        # "difference = 0.5%", "+516%", "-0.3%": a change, not a rate
        self.change_noun_before_re = re.compile(
            rf"(?:\b(?:{_alt(data['change_nouns'])})\s*(?:\(|of|by)?\s*"
            rf"(?:(?:{_alt(data['hedges'])})\s+)?"
            rf"|\b(?:{_alt(data['difference_words'])})\s*(?:=|of)\s*"
            rf"|(?<![\w.])[+\-−–]\s?)$",
            re.IGNORECASE,
        )
        # "an increase in both disease-free and overall survival of about 5%"
        self.change_in_of_re = re.compile(
            rf"\b(?:{_alt(data['change_nouns'])}|{_alt(data['difference_words'])})\s+in\s+"
            rf"(?:(?!(?:{_alt(data['auxiliaries'])})\b)[\w-]+\s+){{0,6}}?of\s+"
            rf"(?:(?:{_alt(data['hedges'])})\s+)?$",
            re.IGNORECASE,
        )
        # "a 4.57% difference", "a 17% risk reduction", "11% lower than", "8% more in ..."
        # (past a bracket: "an 11% (95% CI, -15.0 to -5.0) decrease", "a five-point (10%) decrease")
        self.change_after_re = re.compile(
            r"^\s*[)\]]?\s*(?:[(\[][^()\[\]]{0,80}[)\]]\s*)?"
            rf"(?:(?:relative\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_alt(data['change_nouns'])})"
            rf"|(?:{_alt(data['difference_words'])})|(?:{_alt(data['comparative_words'])}))\b",
            re.IGNORECASE,
        )

    def _build_arm_regexes(self, data: dict[str, Any]) -> None:
        """Arm phrases (after a list of figures, after one figure, before one figure), an arm's
        stated size, and the parts of a total split by arm."""
        arm_nouns = _alt(self.arm_nouns)
        self._build_arm_phrase_regexes(data, arm_nouns)
        self._build_arm_size_regexes(data, arm_nouns)
        self._build_arm_part_regexes(data, arm_nouns)

    def _build_arm_phrase_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """The arm a figure's text names: after a list of figures or one figure, before one;
        and whether a sentence or document names or compares arms at all."""
        word = r"[\w/+\-·]+"
        self.arm_list_re = re.compile(
            rf"\s*(?:\)\s*)?(?:,\s*)?(?:in|for|with|among|on|of)\s+(?:the\s+)?(?P<list>.+?)"
            rf"(?:\s+(?:{arm_nouns})\b|\s*,?\s*respectively\b|\s*[;.)]|$)",
            re.IGNORECASE,
        )
        # (the arm starts past a determiner: in "6 in the group 1 and 7 in ..." the "the" alone
        # before "group" is no arm, "in group 1" is read by `arm_label_re`)
        self.arm_after_re = re.compile(
            rf"\s*(?:\)\s*)?(?:in|with|for|among|on)\s+(?:the\s+)?"
            rf"(?!(?:{_alt(self.determiners)})\s)(?P<arm>(?:{word}\s+){{0,3}}?{word})\s+"
            rf"(?P<noun>{arm_nouns})\b",
            re.IGNORECASE,
        )
        # "in group B", "in arm A" (the arm noun first, then a short label; the arm's name is
        # both, as in its size's "group B (n = 30)")
        self.arm_label_re = re.compile(
            rf"\s*(?:\)\s*)?(?:in|with|for|among|on)\s+(?:the\s+)?"
            rf"(?P<arm>(?:{arm_nouns})\s+[A-Z0-9][\w+-]{{0,10}})\b"
        )
        self.arm_control_re = re.compile(
            rf"\s*(?:\)\s*)?(?:with|on|in|for|receiving|given)\s+(?:the\s+)?"
            rf"(?P<arm>{_alt(data['control_arms'])})\b",
            re.IGNORECASE,
        )
        self.arm_before_re = re.compile(
            rf"\bthe\s+(?P<arm>[^()\[\],;]{{1,40}}?)\s+(?:{arm_nouns})\s*(?:[(\[]|,)\s*$",
            re.IGNORECASE,
        )
        # a sentence that names an arm ("in the imiquimod group", "arm B", "the two groups",
        # "with placebo"): the cases of a disease it counts occurred in the trial's subjects
        self.arm_named_re = re.compile(
            rf"\b(?:{arm_nouns})\b|\b(?:{_alt(data['arm_drug_links'])})\s+(?:the\s+)?"
            rf"(?:{_alt_spaced(data['control_arms'])})\b",
            re.IGNORECASE,
        )
        # "(n = 32 for each)", "87 patients in each group", "30 women per arm": every arm's size
        self.each_arm_re = re.compile(
            rf"\s*(?:(?:{_alt(self.prepositions)})\s+)?(?:{_alt(data['each_arm_words'])})"
            rf"(?:\s+(?:{arm_nouns})\b|\s*(?=[),;.]|$))",
            re.IGNORECASE,
        )
        # "randomized", "randomly": the document compares arms
        self.randomized_re = re.compile(
            rf"\b(?:{_alt(data['randomization_words'])})\b", re.IGNORECASE
        )

    def _build_arm_size_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """What names the arm an "(n = N)" size is of: a bracket label, an arm noun and its
        label, a control arm, a drug past its dose; drugs combined into one arm."""
        # an arm's size "(n = 453)": its label inside the bracket ("(ddAT, n = 191", "(group A;
        # n = 30"), or its control arm right before the bracket ("placebo (n = 125"); a drug
        # arm with its dose ("letrozole 2.5 mg daily (n = 453") is read from the drug mentions
        self.size_label_re = re.compile(
            r"[(\[;]\s*(?P<arm>[^\W\d_][^()\[\];,:=%<>]{0,38}?)\s*[,;:]\s*$"
        )
        # a bracket label that names an arm by a letter or a regimen's abbreviation: one token
        # with a capital and no lower-case word in it ("A", "E120", "ddAT", "AC-DOC"; not
        # "ER-positive", "Europe")
        self.regimen_label_re = re.compile(r"(?=.*[A-Z])(?!.*[a-z]{3})[A-Za-z0-9+/-]{1,12}")
        # an arm noun and its label ("group A", "Arm II"), right before what follows it
        noun_label = rf"\b(?P<arm>(?i:{arm_nouns})\s+[A-Z0-9][\w+-]{{0,10}})\s*"
        # an arm's size after them: "group A (n = 55)", "Arm II (n=20)"
        self.size_noun_label_re = re.compile(noun_label + r"[(\[]\s*$")
        # an arm's figure after them and "=" or ":": "group A = 14 (25.5%)"
        self.arm_label_eq_re = re.compile(noun_label + r"[=:]\s*$")
        self.size_control_re = re.compile(
            rf"\b(?P<arm>(?:{_alt(data['control_arms'])})(?:\s+(?:{arm_nouns}))?)\s*[(\[]\s*$",
            re.IGNORECASE,
        )
        alone = self.monotherapy_words
        dose = _alt(self.units | self.count_blockers_after | alone | {"/", "per"})
        # (each number whole, "(?![\d.,])": a run of digits split in every way backtracked
        # exponentially on "letrozole 1111111111111111111111 x (n = 453)")
        self.dose_between_re = re.compile(
            rf"(?:\s*(?:\d[\d.,]*(?![\d.,])|(?i:{dose})(?![\w])))*\s*[(\[]\s*$"
        )
        # "methotrexate plus prednisone": the text between drugs given as one arm
        self.combination_re = re.compile(
            rf"\s*(?:{_alt_spaced(data['combination_joiners'])})\s*", re.IGNORECASE
        )
        # "irradiation plus tamoxifen (386 women)": a word joined to the drug before it, so the
        # arm holds more than the drugs named
        self.joined_before_re = re.compile(
            rf"\w\s*(?:{_alt_spaced(data['combination_joiners'])})\s*$", re.IGNORECASE
        )
        # "prednisone alone": the word after an arm's drug that is part of the arm's name
        self.monotherapy_re = re.compile(rf"\s+(?:{_alt(alone)})\b", re.IGNORECASE)
        # "tamoxifen plus radiotherapy": a joiner that joins no list and is no preposition, then
        # the words of a treatment that is no drug mention (`outcome_arms.partner_end`)
        partner = set(data["combination_joiners"]) - self.connectors - self.prepositions
        self.partner_re = re.compile(
            rf"\s*(?:{_alt_spaced(partner)})\s*(?=[A-Za-z])", re.IGNORECASE
        )
        self.partner_stops = (
            self.arm_nouns | self.connectors | self.prepositions | self.comparison
            | self.determiners | self.pop
        )  # fmt: skip

    def _build_arm_part_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """The parts of a total split by arm in a bracket: "(6 [patients] treated with
        letrozole and 7 with placebo)", "(74 placebo, 62 tamoxifen)" (each part's arm after it,
        a link word optional), "(CT-P6: 10; trastuzumab: 7)", "(drug A, 6; placebo, 7)" (before
        it)."""
        label = r"(?P<arm>[^\W\d_][^,;:=()\[\]]*?)"
        words = _alt(w for w in self.connectors if w[0].isalpha())
        joiner = rf"(?:[,;]\s*(?:(?:{words})\s+)?|\s(?:{words})\s+)"
        links = _alt_spaced(data["following_drug_links"])
        self.part_arm_after_re = re.compile(
            rf"\s*(?:(?:{_alt(self.pop)})\s+)?(?:(?P<link>{links})\s+)?(?:the\s+)?{label}"
            rf"(?:\s+(?P<noun>{arm_nouns}))?\s*(?P<sep>{joiner})?",
            re.IGNORECASE,
        )
        self.part_arm_before_re = re.compile(
            rf"\s*(?P<sep>{joiner})?(?:the\s+)?{label}\s*[:=,]\s*", re.IGNORECASE
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

    def passes(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """The pre-check: can text[start:end] hold a figure at all?"""
        end = len(text) if end is None else end
        if self._digit.search(text, start, end):
            return True
        low = text[start:end].lower()
        words = set(low.translate(self._to_space).split())
        if words & self._number_word_set:
            return True
        if ("no" in words or "none" in words or "all" in words) and words & self.pop:
            return self._zero_all_re.search(low) is not None
        return False

    def assessed_total(self, text: str, start: int, all_form: bool) -> bool:
        """Does the count at text[start:] say who was assessed for its outcome ("Response was
        evaluable in 88 patients"; "recorded in all 96 patients", `all_form`: the count is
        written "all N") rather than in whom it occurred?"""
        before = text[max(0, start - 40) : start]
        return self.assessed_before_re.search(before) is not None or (
            all_form and self.recorded_before_re.search(before) is not None
        )

    def change_in_of(self, text: str, at: int) -> bool:
        """ "an increase in both disease-free and overall survival of about 5%": a change noun
        further back than `change_noun_before_re` looks (searched only after a near "of")."""
        return " of " in text[max(0, at - 30) : at] and bool(
            self.change_in_of_re.search(text[max(0, at - 100) : at])
        )

    def timepoint_gate(self, text: str, low: str | None = None) -> bool:
        """`tp_gate.search(text)`: can the text hold a timepoint at all? (`low`:
        `text.lower()`, when the caller has it)"""
        if not text.isascii():
            return self.tp_gate.search(text) is not None
        low = text.lower() if low is None else low
        return any(w in low for w in self._tp_gate_words) or (
            self._tp_gate_rest.search(low) is not None
        )

    def may_match_tp_c(self, text: str, low: str | None = None) -> bool:
        """False only where `tp_c` finds nothing (`low`: as for `timepoint_gate`)."""
        if not text.isascii():
            return True
        return self._tp_c_tail.search(text.lower() if low is None else low) is not None

    def _build_stat_regexes(self) -> None:
        """Statistics: ratios and their values, confidence intervals, P values, timepoints."""
        data = self.data
        self.ratio_re = re.compile(rf"(?<![\w-])(?:{_alt_cased(data['ratio_words'])})(?![\w-])")
        # "HR 0.74", "hazard ratio, 0.83", "(OR = 1.5", "relative risk [RR] of 1.06"
        self.ratio_value_re = re.compile(
            rf"(?<![\w-])(?P<word>{_alt_cased(data['ratio_units'])})"
            + r"(?:\s*[(\[][A-Za-z]{1,4}[)\]])?(?:\s+(?:for|of)\s+[A-Za-z][\w -]{0,30}?)?"
            + r"\s*(?:[,:=]|of|was|were|is)?\s*$"
        )
        snum = r"[-−–]?\s?(?:\d+(?:[.·]\d+)?|[.·]\d+)"
        sep = r"\s*%?\s*(?:to|–|—|-|,|;)\s*"
        # the words a CI statement without "%" or "CI" must contain: `find_stats`'s pre-check
        self.percent_tails = tuple(sorted({w.split()[-1] for w in data["percent_words"]}))
        self.ci_re = re.compile(
            rf"(?P<level>\d+(?:[.·]\d+)?)\s*(?:%|(?:{_alt_spaced(data['percent_words'])})\b)\s*"
            rf"(?:(?:{_alt(data['ci_abbreviations'])})(?![\w])"
            rf"|(?:{_alt(data['confidence_words'])})\s+intervals?)"
            rf"(?:\s*[\[(]\s*CI\s*[\])])?(?:\s*(?:[:,=]|of|was)?\s*"
            rf"(?P<br>\[\s*)?(?P<lo>{snum}){sep}(?P<hi>{snum})\s*%?(?(br)\s*\]))?"
            rf"|\bCI\s*(?P<level2>\d+(?:[.·]\d+)?)\s*%\s*[:,=]?\s*(?P<br2>\[\s*)?(?P<lo2>{snum})"
            rf"{sep}(?P<hi2>{snum})\s*%?(?(br2)\s*\])",
            re.IGNORECASE,
        )
        self.p_re = re.compile(
            rf"(?<![\w.])[Pp](?:\s*[-‐]?\s*values?|[-_ ]?(?i:{_alt(data['p_qualifiers'])}))?"
            r"\s*(?P<rel><\s*or\s*=|>\s*or\s*=|≤|≥|<=|>=|=<|"
            r"=>|<|>|=)\s*(?P<val>\d*[.·]\d+|\d+)(?:\s*[x×]\s*10\s*\^?\s*(?P<exp>[-−]\s*\d+))?"
        )
        numw = rf"(?:\d+(?:[.·]\d+)?|{self.numw})"
        unit = r"(?:hours?|hrs?|h|days?|weeks?|wks?|months?|mos?|years?|yrs?)"
        tail_stop = r"[^,;.()\[\]\d%]"
        self.tp_a = re.compile(
            rf"(?:\b(?P<prep>at|after|within|by|until|beyond|up\s+to|in\s+the\s+first|during)"
            rf"\s+(?:the\s+)?(?:first\s+|initial\s+|last\s+|next\s+)?)?"
            rf"\b{numw}(?:\s*(?:-|–|to|and)\s*{numw})?(?:\s+|\s*-\s*){unit}\b"
            rf"(?P<tail>\s+(?:(?:after|following|post|since|from|into)\s+{tail_stop}{{1,60}}?"
            rf"|(?P<oftail>of\s+{tail_stop}{{1,50}}?))"
            rf"(?=\s*(?:[,;.()\[\]]|$|\s(?:and|but|in|whereas|while)\s)))?",
            re.IGNORECASE,
        )
        self.tp_b = re.compile(
            r"\b(?:at|by|after|until|on|through)\s+(?:week|month|day|year|visit|cycle)\s*\d+\b",
            re.IGNORECASE,
        )
        tp_c_tail = (
            r"(?:year|month|week|day)s?(?=\s+(?:overall\s+|progression-free\s+|"
            r"disease-free\s+|event-free\s+|relapse-free\s+|recurrence-free\s+|cumulative\s+|"
            r"actuarial\s+)?(?:survival|mortality|response|remission|relapse|recurrence|rate|"
            r"follow-up|incidence|risk|death|os|pfs)\b)"
        )
        self.tp_c = re.compile(rf"\b{numw}\s*-?\s*{tp_c_tail}", re.IGNORECASE)
        # What every tp_c match contains, searched in lowered ASCII text: tp_c itself starts
        # with a long alternation of number words tried at every word start.
        self._tp_c_tail = re.compile(tp_c_tail)
        self.tp_gate = re.compile(
            r"(?i)(?:hours?|\bh\b|hrs?\b|days?\b|weeks?|wks?\b|months?|\bmos?\b|years?|yrs?\b|"
            r"follow-up|end\s+of)"
        )
        # `tp_gate` on ASCII text, split for speed (an IGNORECASE alternation without a literal
        # prefix is tried at every position): on ASCII, IGNORECASE is matching the lowered text,
        # and the alternatives that need no word boundary are plain substrings.
        self._tp_gate_words = ("hour", "week", "month", "year", "follow-up")
        self._tp_gate_rest = re.compile(r"\b(?:h|mos?)\b|(?:hrs?|days?|wks?|yrs?)\b|end\s+of")
        self.tp_d = re.compile(
            r"\bat\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:treatment|therapy|study|trial|"
            r"follow-up)|last\s+follow-up|final\s+(?:visit|follow-up))\b",
            re.IGNORECASE,
        )
