"""Rule files of `biotab_outcomes`: measure cues (spaCy token patterns) and the word lexicon.

Reads `rules/outcome_cues.jsonl` (one cue per line: {"measure", "pattern", "priority", "id",
"comment", "not_after", "with_measures"}; "not_after": words right after which a match is no
cue; "with_measures": measures one of which another cue of the sentence must have for a match
to be a cue),
`rules/outcomes_lexicon.json` (named word lists, number words, cue scores) and the one-word
forward negation triggers of `rules/context_rules.jsonl` (biotab_assertion's list), all
validated through `pipeline/rules.py`. `outcome_lexicon.Lexicon` compiles the word lists to sets and
regexes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.components.outcome_conduct import CONDUCT_LISTS
from pipeline.components.outcome_enrollment_scope import (
    ENROLLMENT_SCOPE_KEY,
    validate_enrollment_scope,
)
from pipeline.components.outcome_prevention import PREVENTION_LISTS
from pipeline.components.outcome_scope import SCOPE_LISTS
from pipeline.paths import rule_file
from pipeline.rules import RuleError, check_entry, check_token_pattern, check_word_table, read_jsonl

MEASURES: tuple[str, ...] = (
    "enrollment",
    "response",
    "complete_response",
    "partial_response",
    "remission",
    "improvement",
    "relapse",
    "progression",
    "adverse_event",
    "discontinuation",
    "mortality",
    "survival",
    "other",
)
NOT_OUTCOME = "not_outcome"
CUE_MEASURES: tuple[str, ...] = (*MEASURES, NOT_OUTCOME)
CUE_KEYS: tuple[str, ...] = (
    "measure", "pattern", "priority", "id", "comment", "not_after", "with_measures",
)  # fmt: skip
# Token OPs a cue may use. `CueGate` sizes a cue's match window by its number of token specs
# and reads a cue's first specs as conditions a match must start with: "+", "*" and "{n,m}"
# could match more tokens (cut off silently), "!" would be read the wrong way round.
CUE_OPS: tuple[str, ...] = ("1", "?")
CUES_FILE = "outcome_cues.jsonl"
LEXICON_FILE = "outcomes_lexicon.json"

# Measures whose in-sentence DISEASE mentions are usually the event itself ("developed
# neutropenia"), not the condition treated: their disease tie comes from a population phrase
# ("patients with X") or from the document.
EVENT_MEASURES = frozenset({"adverse_event", "mortality", "discontinuation"})
# Measures of how the treated condition fared: their disease is the condition treated.
EFFICACY_MEASURES = frozenset({
    "response", "complete_response", "partial_response", "remission", "improvement", "relapse",
    "progression", "survival",
})

CONTEXT_RULES_FILE = "context_rules.jsonl"


class RuleFileError(RuleError):
    """A rule data file is malformed; the message names the file, line, bad key and expectation."""


@dataclass(frozen=True)
class CueRule:
    measure: str
    pattern: str | list[dict[str, Any]]
    priority: int = 1
    id: str | None = None
    comment: str | None = None
    line: int = 0
    #: a match right after one of these words (lower case) is no cue ("in women who were older
    #: than 70"): a condition the gate's first token cannot carry without opening a window at
    #: nearly every token
    not_after: frozenset[str] = frozenset()
    #: a match is a cue only in a sentence where another cue has one of these measures ("SD"
    #: and "PD" are stable and progressive disease in a list of CR and PR, a standard deviation
    #: and Parkinson's disease elsewhere)
    with_measures: frozenset[str] = frozenset()

    @property
    def exact_case(self) -> bool:
        """Whether a pattern token reads the exact text (TEXT or ORTH), not its lower case."""
        return isinstance(self.pattern, list) and any(
            "TEXT" in tok or "ORTH" in tok for tok in self.pattern
        )


def parse_cue(obj: Any, where: str) -> CueRule:
    """Validate one cue object; `where` is "path:line" for messages."""
    try:
        check_entry(
            obj,
            where=where,
            required={"measure": str, "pattern": (str, list)},
            optional={"priority": int, "id": str, "comment": str, "not_after": list,
                      "with_measures": list},
            choices={"measure": CUE_MEASURES, "priority": (0, 1, 2)},
        )
        words = obj.get("not_after")
        if words is not None and not (
            words and all(isinstance(w, str) and w == w.lower() for w in words)
        ):
            raise RuleError(f"{where}: key 'not_after' holds {words!r}; expected a non-empty "
                            "list of lower-case words")
        needed = obj.get("with_measures")
        if needed is not None and not (
            needed and all(m in MEASURES and m != obj["measure"] for m in needed)
        ):
            raise RuleError(
                f"{where}: key 'with_measures' holds {needed!r}; expected a non-empty list of "
                f"measures other than the cue's own, from: {', '.join(MEASURES)}"
            )
        if isinstance(obj["pattern"], str):
            if not obj["pattern"].strip():
                raise RuleError(f"{where}: key 'pattern' is an empty string; expected a phrase")
        else:
            check_token_pattern(obj["pattern"], where)
            for i, tok in enumerate(obj["pattern"], 1):
                if tok.get("OP", "1") not in CUE_OPS:
                    name = f" (cue {obj['id']!r})" if "id" in obj else ""
                    raise RuleError(
                        f"{where}{name}: token {i} of 'pattern': key 'OP' has {tok['OP']!r}; "
                        f"expected one of: {', '.join(CUE_OPS)} (a cue token matches at most "
                        "one token)"
                    )
    except RuleError as exc:
        raise RuleFileError(str(exc)) from exc
    line = int(where.rsplit(":", 1)[-1]) if where.rsplit(":", 1)[-1].isdigit() else 0
    return CueRule(
        obj["measure"], obj["pattern"], obj.get("priority", 1), obj.get("id"), obj.get("comment"),
        line, frozenset(obj.get("not_after", ())), frozenset(obj.get("with_measures", ())),
    )  # fmt: skip


def load_cues(path: str | Path) -> list[CueRule]:
    path = Path(path)
    try:
        rules = [parse_cue(obj, f"{path}:{lineno}") for lineno, obj in read_jsonl(path)]
    except RuleError as exc:
        raise RuleFileError(str(exc)) from exc
    if not rules:
        raise RuleFileError(f"{path}: no cue rules; expected one JSON object per line")
    return rules


LEXICON_LISTS: tuple[str, ...] = (
    "population_nouns",
    "population_not_before",
    "determiners",
    "count_determiners",
    "counted_group_determiners",
    "pool_prepositions",
    "back_reference_words",
    "bare_count_verbs",
    "proportion_openers",
    "statistic_labels",
    "annual_rate_words",
    "annual_rate_nouns",
    "remaining_words",
    "count_blockers_before",
    "score_value_nouns",
    "measured_value_words",
    "sex_nouns",
    "composition_verbs",
    "composition_after",
    "acuity_words",
    "drug_class_nouns",
    "exposure_words",
    "breakdown_openers",
    "breakdown_joiners",
    "number_list_joiners",
    "listing_words",
    "analyte_words_before",
    "analyte_words_after",
    "induction_words",
    "induction_agents",
    "healthy_words",
    "bracket_trait_words",
    "subject_disease_openers",
    "reason_connectors",
    "near_reason_connectors",
    "unit_words",
    "area_words",
    "reference_words",
    "amount_nouns",
    "non_subject_wholes",
    "possessives",
    "characteristic_words",
    "receptor_words",
    "receptor_status_words",
    "formulation_words",
    "strength_adjectives",
    "dose_nouns",
    "dose_articles",
    "duration_verbs",
    "sample_nouns",
    "definition_cues",
    "comparators",
    "comparator_articles",
    "arm_nouns",
    "finding_prepositions",
    "measured_object_openers",
    "strong_boundaries",
    "list_connectors",
    "ratio_words",
    "prepositions",
    "adjective_stops",
    "figure_words",
    "population_adjective_joiners",
    "total_words",
    "comparison_connectors",
    "design_comparison_words",
    "event_phrase_breaks",
    "clause_openers",
    "respectively_words",
    "arm_series_links",
    "arm_pair_openers",
    "comparator_openers",
    "comparison_frame_words",
    "non_arm_qualifiers",
    "zero_event_nouns",
    "zero_subject_words",
    "each_arm_words",
    "change_cue_words",
    "event_verb_cues",
    "intransitive_event_verbs",
    "prevention_words",
    "event_report_verbs",
    "natural_frequency_words",
    "change_verbs",
    "change_nouns",
    "attainment_verbs",
    "reference_directions",
    "difference_words",
    "comparative_words",
    "control_arms",
    "count_blockers_after",
    "month_words",
    "hedges",
    "confidence_words",
    "confidence_qualifiers",
    "ci_abbreviations",
    "p_qualifiers",
    "percent_words",
    "median_words",
    "median_list_joiners",
    "compared_trait_words",
    "trait_comparison_words",
    "time_to_event_words",
    "part_allocation_links",
    "person_time_words",
    "rate_event_nouns",
    "median_not_outcome",
    "median_value_links",
    "enrolled_words",
    "auxiliaries",
    "enrollment_adverbs",
    "design_nouns",
    "case_series_openers",
    "change_from_words",
    "change_to_words",
    "rate_nouns",
    "rate_base_prepositions",
    "occurrence_nouns",
    "control_subject_words",
    "case_control_words",
    "report_words",
    "literature_words",
    "study_group_nouns",
    "subject_trait_openers",
    "part_pronouns",
    "subgroup_frame_words",
    "strength_volume_units",
    "case_report_verbs",
    "case_presentation_auxiliaries",
    "case_presentation_verbs",
    "case_presentation_ends",
    "disease_cue_openers",
    "disease_stage_words",
    "disease_event_words",
    "event_context_words",
    "population_disease_openers",
    "population_disease_nouns",
    "arm_drug_links",
    "following_drug_subjects",
    "following_drug_links",
    "control_arm_links",
    "found_in_verbs",
    "part_treatment_links",
    "following_arm_links",
    "non_arm_name_ends",
    "alternative_openers",
    "alternative_joiners",
    "size_label_stops",
    "relative_pronouns",
    "assessment_words",
    "recording_words",
    "study_verbs",
    "treatment_nouns",
    "non_arm_label_words",
    "non_arm_group_words",
    "allocation_words",
    "allocation_member_openers",
    "clause_arm_links",
    "likeness_words",
    "allocation_design_nouns",
    "arm_list_openers",
    "study_population_names",
    "arm_role_words",
    "arm_subset_words",
    "shared_arm_stops",
    "randomization_words",
    "pooled_arm_nouns",
    "combination_joiners",
    "monotherapy_words",
    "arm_role_subjects",
    "bare_arm_openers",
    "comparator_phrases",
    *SCOPE_LISTS,
    *CONDUCT_LISTS,
    *PREVENTION_LISTS,
)
RATIO_UNITS: tuple[str, ...] = ("hazard_ratio", "odds_ratio", "risk_ratio", "rate_ratio")
# What `value` is: a percentage, a count, a relative change in percent ("reduced by 54%"), or
# a ratio statistic.
TIME_UNITS: tuple[str, ...] = ("days", "weeks", "months", "years")
# What a `time_units` entry may map to: the row units above, and hours, which name a timepoint
# ("at 6 h") but no median duration's unit (a median in hours gives no row).
TIMEPOINT_UNITS: tuple[str, ...] = ("hours", *TIME_UNITS)
# 'rate': events per `denominator` person-years ("11.6 per 1,000 person-years"); a time unit: a
# median duration ("median overall survival was 24.3 months").
# 'percent_extent': a percentage of a body area or extent ("60% of her head", "30% of body
# surface area"), not a share of patients, so never pooled with 'percent'.
UNITS: tuple[str, ...] = (
    "percent", "percent_extent", "count", "relative_change", *RATIO_UNITS, "rate", *TIME_UNITS,
)  # fmt: skip


@dataclass(frozen=True)
class CueScores:
    """How a figure picks its measure cue (see the `cue_scores` comment in the lexicon file)."""

    wrong_side: int
    per_boundary: int
    per_figure_between: int
    weak_cue: int
    strong_cue: int
    max_score: int


SCORE_KEYS: tuple[str, ...] = tuple(CueScores.__dataclass_fields__)
# What an `allocation_links` word follows where a document allocates its subjects: an
# allocation word ("randomized to") or an `allocation_design_nouns` entry ("a trial of").
ALLOCATION_LINKS: tuple[str, ...] = ("allocation", "design")
# The lexicon's numeric limits (`limits`): see its comment in the lexicon file.
LIMIT_KEYS: tuple[str, ...] = ("min_enrollment", "min_confidence_level", "max_hedged_denominator")


def validate_lexicon(obj: Any, source: str) -> dict[str, Any]:
    try:
        check_word_table(
            obj,
            where=source,
            lists=LEXICON_LISTS,
            maps={
                "number_words": int,
                "cue_scores": object,
                "limits": object,
                "ratio_units": str,
                "time_units": str,
                "allocation_links": str,
                ENROLLMENT_SCOPE_KEY: object,
            },
        )
        for word, unit in obj["time_units"].items():
            if unit not in TIMEPOINT_UNITS:
                raise RuleError(
                    f"{source}: key 'time_units' maps {word!r} to {unit!r}; expected one of: "
                    + ", ".join(TIMEPOINT_UNITS)
                )
        for word, unit in obj["ratio_units"].items():
            if unit not in RATIO_UNITS:
                raise RuleError(
                    f"{source}: key 'ratio_units' maps {word!r} to {unit!r}; expected one of: "
                    + ", ".join(RATIO_UNITS)
                )
        _check_allocation_links(obj["allocation_links"], source)
        _check_study_population_names(obj, source)
        validate_enrollment_scope(obj[ENROLLMENT_SCOPE_KEY], source)
        scores = obj["cue_scores"]
        check_entry(
            scores,
            where=f"{source}: key 'cue_scores'",
            required=dict.fromkeys(SCORE_KEYS, int),
            optional={"_comment": str},
        )
        check_entry(
            obj["limits"],
            where=f"{source}: key 'limits'",
            required=dict.fromkeys(LIMIT_KEYS, int),
            optional={"_comment": str},
        )
        for key in LIMIT_KEYS:
            if obj["limits"][key] < 1:
                raise RuleError(
                    f"{source}: key 'limits': {key!r} is {obj['limits'][key]}; expected a "
                    "whole number of at least 1"
                )
        for key in LEXICON_LISTS:
            # (an empty list would make its regex alternation match everywhere)
            if not obj[key]:
                raise RuleError(f"{source}: key {key!r} is an empty list; expected words")
    except RuleError as exc:
        raise RuleFileError(str(exc)) from exc
    return obj


def _check_allocation_links(links: dict[str, str], source: str) -> None:
    """Each `allocation_links` word is marked "allocation" or "design", and each mark has a
    word (an empty alternation would match everywhere)."""
    for word, kind in links.items():
        if kind not in ALLOCATION_LINKS:
            raise RuleError(
                f"{source}: key 'allocation_links' maps {word!r} to {kind!r}; expected one of: "
                + ", ".join(ALLOCATION_LINKS)
            )
    for kind in ALLOCATION_LINKS:
        if kind not in links.values():
            raise RuleError(f"{source}: key 'allocation_links' has no {kind!r} word; expected "
                            "one at least")  # fmt: skip


def _check_study_population_names(obj: dict[str, Any], source: str) -> None:
    """Each `study_population_names` entry is a name and its arm noun, the noun last."""
    nouns = {w.lower() for w in obj["arm_nouns"]}
    for name in obj["study_population_names"]:
        words = name.lower().split()
        if len(words) < 2 or words[-1] not in nouns:
            raise RuleError(
                f"{source}: key 'study_population_names' holds {name!r}; expected words and an "
                "arm_nouns entry last ('study cohort')"
            )


def load_lexicon(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        obj = json.loads(path.read_text(encoding="utf8"))
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
    return validate_lexicon(obj, str(path))


def load_negation_words(path: Path) -> list[str]:
    """One-word forward NEGATED triggers of a biotab_assertion ConText rule file."""
    words = []
    for _, obj in read_jsonl(path):
        if not isinstance(obj, dict):
            continue
        lit = obj.get("literal")
        if (
            obj.get("category") == "NEGATED"
            and obj.get("direction") == "forward"
            and isinstance(lit, str)
            and " " not in lit.strip()
        ):
            words.append(lit.strip().lower())
    return words


def resolve(name: str) -> Path:
    p = Path(name)
    return p if p.is_absolute() or p.exists() else rule_file(name)
