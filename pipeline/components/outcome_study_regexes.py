"""The regexes of what a figure's words say it is not (`StudyRegexes`): who was studied after a
study verb ("We compared ... in 118 patients", "26 cases ... were reviewed"), a whole's make-up
("constituted 5.7% of ...", "80% of which were ..."), and a median that says how long patients
were followed ("after a median of 20 months of follow-up"). `outcome_lexicon.Lexicon` inherits
`StudyRegexes` and builds them from the lexicon's word lists after its word sets."""

from __future__ import annotations

import re
from typing import Any

from pipeline.components.outcome_lexicon_attach import alt


class StudyRegexes:
    """Compiled once per lexicon (`_build_study_regexes`)."""

    studied_before_re: re.Pattern[str]
    studied_after_re: re.Pattern[str]
    assessed_after_re: re.Pattern[str]
    occurrence_nouns: frozenset[str]  # (the word set's, `WordSets`)
    studied_in_re: re.Pattern[str]
    composition_before_re: re.Pattern[str]
    composition_after_re: re.Pattern[str]
    median_not_outcome_after_re: re.Pattern[str]
    median_links: frozenset[str]

    def studied_after(self, text: str, end: int, population: str | None) -> bool:
        """Do a study verb (or, for subjects that are no cases, an assessment word) and its
        auxiliary end the clause of the count ending at text[end] ("Twenty-six cases of Reye
        syndrome ... were reviewed", "The response of 44 patients ... was assessed")?"""
        if self.studied_after_re.match(text, end):
            return True
        cases = population is not None and population.lower() in self.occurrence_nouns
        return not cases and self.assessed_after_re.match(text, end) is not None

    def _build_study_regexes(self, data: dict[str, Any]) -> None:
        """The regexes above, from the lexicon's data (`rules/outcomes_lexicon.json`)."""
        # "X constituted 5.7% of the liver failures seen": a share of a whole, no outcome rate
        self.composition_before_re = re.compile(
            rf"\b(?:{alt(data['composition_verbs'])})\s+(?:(?:{alt(data['hedges'])}|only)\s+)?$",
            re.IGNORECASE,
        )
        # "44 on tamoxifen, 80% of which were superficial": a share of the things just counted
        self.composition_after_re = re.compile(
            rf"\s*(?:{alt(data['composition_after'])})\b", re.IGNORECASE
        )
        # "We compared the efficacy of two regimens in 118 patients": a study verb further back
        # in the clause (no number, -ed verb, auxiliary or clause end between: "LV function,
        # assessed by angiography, was normal in two patients"; a hyphenated adjective is no
        # verb: "with cocaine-induced mood disorder"), then the preposition
        study = alt(data["study_verbs"] + data["assessment_words"])
        not_verb = rf"(?!(?:\w*ed|{alt(data['auxiliaries'])})\b)"
        self.studied_before_re = re.compile(
            rf"\b(?:{study})\b(?:\s+{not_verb}[^\s\d;:.]+){{0,12}}?\s+(?:in|among|to)\s+"
            r"(?:a\s+group\s+of\s+|the\s+)?$",
            re.IGNORECASE,
        )
        # "Twenty-six cases of Reye syndrome ... were reviewed": the clause's verb after the
        # count (the same words between, nor a relative pronoun: "Nausea occurred in 12
        # patients who were studied by MRI" counts the event)
        after = rf"(?!(?:\w*ed|{alt(data['auxiliaries'] + data['relative_pronouns'])})\b)"
        self.studied_after_re = re.compile(
            rf"(?:\s+{after}[^\s\d;:.]+){{0,14}}?\s+(?:were|was)\s+(?:[a-z]+ly\s+)?"
            rf"(?:{alt(data['study_verbs'])})\b",
            re.IGNORECASE,
        )
        # the same with an assessment word ("The response of 44 patients ... was assessed"
        # names who was assessed, the measure's noun before them no event of theirs); not for
        # cases, whose series an assessment word does not make who was studied ("Clinical
        # records of 64 cases of lichen planus were examined": no row)
        self.assessed_after_re = re.compile(
            rf"(?:\s+{after}[^\s\d;:.]+){{0,14}}?\s+(?:were|was)\s+(?:[a-z]+ly\s+)?"
            rf"(?:{alt(data['assessment_words'])})\b",
            re.IGNORECASE,
        )
        # "Nausea was compared in 40 patients": who was studied ("in"/"among" only: "compared
        # with 3 patients" is another arm's count)
        self.studied_in_re = re.compile(
            rf"\b(?:{alt(data['study_verbs'])})\s+(?:in|among)\s+(?:the\s+)?$", re.IGNORECASE
        )
        # "after a median of 20 months of follow-up": the same words right after the unit
        self.median_not_outcome_after_re = re.compile(
            rf"\s*(?:of\s+)?(?:{alt(data['median_not_outcome'])})\b", re.IGNORECASE
        )
        self.median_links = frozenset(data["median_value_links"])
