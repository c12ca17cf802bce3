"""The word sets of the outcomes lexicon (`WordSets`): the lists of `rules/outcomes_lexicon.json`
(`outcome_rules.LEXICON_LISTS`) as frozensets and maps, with the sets and regexes derived from
them, grouped by what they are read for: what a figure counts, what it measures, how figures are
listed and compared, and what names an arm. `outcome_lexicon.Lexicon` inherits `WordSets` and
sets them first: its regexes are built from them."""

from __future__ import annotations

import re
from typing import Any

from pipeline.components.outcome_decimals import ThousandsRules
from pipeline.components.outcome_lexicon_attach import alt, list_words

# Words that may stand between an annual word and its rate's noun ("annualized relapse rate").
ANNUAL_RATE_WORDS = 2


class WordSets:
    """Set once per lexicon (`_set_word_sets`), read-only after."""

    def _set_word_sets(self, data: dict[str, Any], sets: dict[str, frozenset[str]]) -> None:
        """The word lists and maps the component reads as sets and dicts (`sets`: each list of
        `outcome_rules.LEXICON_LISTS` lower-cased), by what they are read for."""
        self._set_count_words(sets)
        self._set_statistic_words(data, sets)
        self._set_comparison_words(data, sets)
        self._set_arm_words(sets)

    def _set_count_words(self, sets: dict[str, frozenset[str]]) -> None:
        """What a figure is and whom it counts: the subjects' nouns, the words around a count
        that make it one or none, units, doses, enrollment words."""
        self.pop = sets["population_nouns"]
        self.pop_not_before = sets["population_not_before"]
        self.determiners = sets["determiners"]
        self.remaining = sets["remaining_words"]
        self.count_determiners = sets["count_determiners"]
        self.counted_group_determiners = sets["counted_group_determiners"]
        self.pool_prepositions = sets["pool_prepositions"]
        self.back_reference = sets["back_reference_words"]
        # what "of" points back at a count before with ("three of whom", "two of them"): not
        # "those", which points at a group named after it ("12 of those given placebo")
        self.antecedent_words = (
            self.back_reference | (sets["relative_pronouns"] & {"whom", "which"})
        ) - {"those"}
        self.bare_count_verbs = sets["bare_count_verbs"]
        self.proportion_openers = sets["proportion_openers"]
        self.count_blockers = sets["count_blockers_before"]
        self.score_value_nouns = sets["score_value_nouns"]
        self.measured_value_words = sets["measured_value_words"]
        self.sex_nouns = sets["sex_nouns"]
        self.listing_words = sets["listing_words"]
        self.count_blockers_after = sets["count_blockers_after"]
        self.months = sets["month_words"]
        self.units = sets["unit_words"]
        self.area = sets["area_words"]
        self.reference = sets["reference_words"]
        self.formulation = sets["formulation_words"]
        self.strength_adjectives = sets["strength_adjectives"]
        self.dose_nouns = sets["dose_nouns"]
        self.dose_units = sets["dose_units"]
        self.finding_of = sets["finding_prepositions"]
        self.found_in_verbs = sets["found_in_verbs"]
        self.measured_object_openers = sets["measured_object_openers"]
        # a number right after one of these is a label ("study 1", "day 1", "group 2")
        self.thousands = ThousandsRules(
            sets["count_blockers_before"] | sets["arm_nouns"] | sets["design_nouns"],
            sets["number_list_joiners"],
        )
        self.adjective_stops = sets["adjective_stops"]
        self.figure_words = sets["figure_words"]
        self.adjective_joiners = sets["population_adjective_joiners"]
        self.total_words = sets["total_words"]
        self.zero_event_nouns = sets["zero_event_nouns"]
        self.zero_subject_words = sets["zero_subject_words"]
        self.enrolled_words = sets["enrolled_words"]
        self.auxiliaries = sets["auxiliaries"]
        self.enrollment_adverbs = sets["enrollment_adverbs"]
        self.relative_pronouns = sets["relative_pronouns"]
        self.amount_nouns = sets["amount_nouns"]

    def _set_statistic_words(self, data: dict[str, Any], sets: dict[str, frozenset[str]]) -> None:
        """What a figure measures: statistics' labels, rates (an annual rate), units of ratio
        and time, medians, events and changes."""
        self.statistic_labels = sets["statistic_labels"]
        # "the annualized relapse rate was 0.22": events per patient-year, not a proportion;
        # the rate's noun at most two words after the annual word ("patients with annual
        # mammography had a recurrence rate of 0.12" is a proportion); `noun` ends where the
        # figure must be the first after it
        self.annual_rate_re = re.compile(
            rf"\b(?:{alt(data['annual_rate_words'])})(?:\s+[\w-]+){{0,{ANNUAL_RATE_WORDS}}}?"
            rf"\s+(?P<noun>{alt(data['annual_rate_nouns'])})\b(?:[^.;:()\[\]]|\.(?=\d))*$",
            re.IGNORECASE,
        )
        self.ratio_units = {k.lower(): v for k, v in data["ratio_units"].items()}
        self.time_units: dict[str, str] = dict(data["time_units"])
        self.median_words = sets["median_words"]
        self.median_list_joiners = sets["median_list_joiners"]
        self.time_to_event_words = sets["time_to_event_words"]
        # a header that names a statistic or a rate: the counts after its colon are its values
        # ("Mean number of exacerbations: 2 vs 3", "Response rate: 45 vs 30")
        self.rate_nouns = sets["rate_nouns"]
        self.measured_header_words = sets["statistic_labels"] | self.median_words | self.rate_nouns
        self.change_cue_words = sets["change_cue_words"]
        self.event_verb_cues = sets["event_verb_cues"]
        self.event_report_verbs = sets["event_report_verbs"]
        self.intransitive_event_verbs = sets["intransitive_event_verbs"]
        self.natural_frequency_words = sets["natural_frequency_words"]
        self.change_from = sets["change_from_words"]
        self.change_to = sets["change_to_words"]
        self.person_time = sets["person_time_words"]
        self.rate_event_nouns = sets["rate_event_nouns"]
        self.exposure_words = sets["exposure_words"]
        self.occurrence_nouns = sets["occurrence_nouns"]
        self.control_subject_words = sets["control_subject_words"]
        self.case_control_words = sets["case_control_words"]
        self.report_words = sets["report_words"]
        self.literature_words = sets["literature_words"]
        self.study_group_nouns = sets["study_group_nouns"]
        self.part_pronouns = sets["part_pronouns"]
        self.subgroup_frame_words = sets["subgroup_frame_words"]

    def _set_comparison_words(self, data: dict[str, Any], sets: dict[str, frozenset[str]]) -> None:
        """How figures are listed and compared: boundaries, connectors, prepositions,
        comparison and respectively words, comparators."""
        self.boundaries = sets["strong_boundaries"]
        self.connectors = sets["list_connectors"]
        self.name_joiners = sets["breakdown_joiners"]
        self.prepositions = sets["prepositions"]
        self.comparison = sets["comparison_connectors"]
        self.respectively = sets["respectively_words"]
        self.comparator_openers = sets["comparator_openers"]
        # "more common in the X arm (22% v 12%)": a sentence that says one arm had more
        self.comparative_words = sets["comparative_words"]
        self.comparison_frame_words = sets["comparison_frame_words"]
        # "13 vs 31", "28 patients compared with 15": a word that compares the figures on
        # its two sides (a respectively word compares lists instead)
        self.pairwise_comparison = self.comparison - self.respectively
        # two figures of a list joined by a list connector word alone ("18% and 30%"; not
        # "vs", nor a comma)
        self.list_word_re = re.compile(rf"\s+(?:{alt(list_words(data))})\s+", re.IGNORECASE)
        # "X and Y were compared in 71 outpatients": a comparison word that may compare what the
        # subjects were given, the count beside it being who was studied
        self.design_comparison = sets["design_comparison_words"]
        self.compared_trait_words = sets["compared_trait_words"]
        self.trait_comparison_words = sets["trait_comparison_words"]
        # the words after which a title or an allocation names its comparators (`outcome_main`)
        self.comparison_words = self.comparison | self.comparator_openers

    def _set_arm_words(self, sets: dict[str, frozenset[str]]) -> None:
        """What names an arm: arm nouns, control arms, treatments, the words of an arm's label
        or of a subgroup that is no arm. After `_set_count_words` and `_set_comparison_words`
        (reads their dose nouns and comparison words)."""
        self.arm_nouns = sets["arm_nouns"]
        self.pooled_arm_nouns = sets["pooled_arm_nouns"]
        self.monotherapy_words = sets["monotherapy_words"]
        self.non_arm_qualifiers = sets["non_arm_qualifiers"]
        self.arm_drug_links = sets["arm_drug_links"]
        self.control_arms = sets["control_arms"]
        self.size_label_stops = sets["size_label_stops"]
        self.treatment_nouns = sets["treatment_nouns"]
        self.non_arm_label_words = sets["non_arm_label_words"]
        self.non_arm_group_words = sets["non_arm_group_words"]
        # a name and its arm noun that name the study's whole population ("study cohort")
        self.study_population_names = sets["study_population_names"]
        self.arm_subset_words = sets["arm_subset_words"]
        # an arm named by its role before a population noun ("Intervention patients":
        # `outcome_arm_names`), and by a word and a noun of one arm without "the" after one of
        # these prepositions ("in control group": `outcome_bare_arms`)
        self.arm_role_subjects = sets["arm_role_subjects"]
        self.bare_arm_openers = sets["bare_arm_openers"]
        self.single_arm_nouns = self.arm_nouns - self.pooled_arm_nouns
        self.shared_arm_stops = sets["shared_arm_stops"]
        # a clause holding one of these may be two arms' ("40% vs 20%", "than", "similar"): no
        # arm named once in it is all its figures' (`outcome_clause_arms`)
        self.shared_clause_stops = self.comparison_words | self.shared_arm_stops
        # words that make a name before an arm noun an arm: a role, a dose ("the 10 mg/kg group")
        self.arm_role_words = sets["arm_role_words"] | sets["dose_units"] | self.dose_nouns
        # a label that names an arm of an enrolled total's parts (`outcome_totals.enrolled_parts`;
        # joined once here, not once a sentence)
        self.arm_label_words = self.control_arms | self.arm_role_words
        self.receptor_words = sets["receptor_words"]
        # words of a subgroup's name ("the ER-positive group", "the triple-negative group", "the
        # male group"): no arm, also when contrasted with another group
        self.subgroup_words = (
            self.receptor_words | sets["characteristic_words"] | sets["bracket_trait_words"]
        )
        # the arm subsets that are groups of subjects, no times ("in women than in men")
        self.subset_groups = self.arm_subset_words & self.subgroup_words
