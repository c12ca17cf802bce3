"""Rule files of `biotab_outcomes`: measure cues (spaCy token patterns) and the word lexicon.

Reads `rules/outcome_cues.jsonl` (one cue per line: {"measure", "pattern", "priority", "id",
"comment"}), `rules/outcomes_lexicon.json` (named word lists, number words, cue scores) and the
one-word forward negation triggers of `rules/context_rules.jsonl` (biotab_assertion's list), all
validated through `pipeline/rules.py`. `Lexicon` compiles the word lists to sets and regexes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.components.outcome_scope import SCOPE_LISTS, ScopeRules
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
CUE_KEYS: tuple[str, ...] = ("measure", "pattern", "priority", "id", "comment")
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


def parse_cue(obj: Any, where: str) -> CueRule:
    """Validate one cue object; `where` is "path:line" for messages."""
    try:
        check_entry(
            obj,
            where=where,
            required={"measure": str, "pattern": (str, list)},
            optional={"priority": int, "id": str, "comment": str},
            choices={"measure": CUE_MEASURES, "priority": (0, 1, 2)},
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
        line,
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
    "remaining_words",
    "count_blockers_before",
    "unit_words",
    "area_words",
    "reference_words",
    "amount_nouns",
    "characteristic_words",
    "receptor_words",
    "receptor_status_words",
    "formulation_words",
    "definition_cues",
    "comparators",
    "arm_nouns",
    "strong_boundaries",
    "list_connectors",
    "ratio_words",
    "prepositions",
    "adjective_stops",
    "figure_words",
    "population_adjective_joiners",
    "total_words",
    "comparison_connectors",
    "change_verbs",
    "change_nouns",
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
    "person_time_words",
    "median_not_outcome",
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
    "disease_cue_openers",
    "population_disease_openers",
    "population_disease_nouns",
    "arm_drug_links",
    "following_drug_subjects",
    "following_drug_links",
    *SCOPE_LISTS,
)
RATIO_UNITS: tuple[str, ...] = ("hazard_ratio", "odds_ratio", "risk_ratio", "rate_ratio")
# What `value` is: a percentage, a count, a relative change in percent ("reduced by 54%"), or
# a ratio statistic.
TIME_UNITS: tuple[str, ...] = ("days", "weeks", "months", "years")
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
# The lexicon's numeric limits (`limits`): see its comment in the lexicon file.
LIMIT_KEYS: tuple[str, ...] = ("min_enrollment",)


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
            },
        )
        for word, unit in obj["time_units"].items():
            if unit not in TIME_UNITS:
                raise RuleError(
                    f"{source}: key 'time_units' maps {word!r} to {unit!r}; expected one of: "
                    + ", ".join(TIME_UNITS)
                )
        for word, unit in obj["ratio_units"].items():
            if unit not in RATIO_UNITS:
                raise RuleError(
                    f"{source}: key 'ratio_units' maps {word!r} to {unit!r}; expected one of: "
                    + ", ".join(RATIO_UNITS)
                )
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
        self.count_blockers_after = sets["count_blockers_after"]
        self.months = sets["month_words"]
        self.units = sets["unit_words"]
        self.area = sets["area_words"]
        self.reference = sets["reference_words"]
        self.formulation = sets["formulation_words"]
        self.arm_nouns = sets["arm_nouns"]
        self.boundaries = sets["strong_boundaries"]
        self.connectors = sets["list_connectors"]
        self.prepositions = sets["prepositions"]
        self.adjective_stops = sets["adjective_stops"]
        self.figure_words = sets["figure_words"]
        self.adjective_joiners = sets["population_adjective_joiners"]
        self.total_words = sets["total_words"]
        self.comparison = sets["comparison_connectors"]
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
            r"^\s*\)?\s*(?:(?!who\b|that\b|which\b|and\b)[\w-]+\s+){0,2}?"
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
        # (searched in lower-cased text) "patients with X": X names who was studied
        self.disease_cue_opener_re = re.compile(
            rf"\b(?:{_alt(data['disease_cue_openers'])})\s+(?:[\w-]+\s+){{0,2}}$"
        )
        self.population_disease_before_re = re.compile(
            rf"\b(?:{_alt(data['population_disease_openers'])})\s+(?:[\w-]+\s+){{0,2}}$"
        )
        self.population_disease_after_re = re.compile(
            rf"\s*(?:{_alt(data['population_disease_nouns'])})\b"
        )
        # "16 with tamoxifen": the text between a count and its arm's drug
        self.arm_drug_link_re = re.compile(
            rf"\s*(?:[\w-]+\s+){{0,3}}?(?:{_alt(data['arm_drug_links'])})\s+(?:the\s+)?$"
        )
        # "16.5% with azathioprine", "(12%) of those patients receiving X"
        self.following_drug_re = re.compile(
            r"\s*\)?\s*(?:of\s+(?:those|the\s+)?"
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
        # "median follow-up of 24 months", "median age 52 years": no outcome
        self.median_not_outcome_re = re.compile(
            rf"\b(?:{_alt(data['median_not_outcome'])})\b", re.IGNORECASE
        )

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
        """Arm phrases after a list of figures, after one figure, before one figure."""
        arm_nouns = _alt(self.arm_nouns)
        word = r"[\w/+\-·]+"
        self.arm_list_re = re.compile(
            rf"\s*\)?\s*,?\s*(?:in|for|with|among|on|of)\s+(?:the\s+)?(?P<list>.+?)"
            rf"(?:\s+(?:{arm_nouns})\b|\s*,?\s*respectively\b|\s*[;.)]|$)",
            re.IGNORECASE,
        )
        self.arm_after_re = re.compile(
            rf"\s*\)?\s*(?:in|with|for|among|on)\s+(?:the\s+)?(?P<arm>(?:{word}\s+){{0,3}}?"
            rf"{word})\s+(?:{arm_nouns})\b",
            re.IGNORECASE,
        )
        # "in group B", "in arm A" (the arm noun first, then a short label)
        self.arm_label_re = re.compile(
            rf"\s*\)?\s*(?:in|with|for|among|on)\s+(?:the\s+)?(?:{arm_nouns})\s+"
            rf"(?P<arm>[A-Z0-9][\w+-]{{0,10}})\b"
        )
        self.arm_control_re = re.compile(
            rf"\s*\)?\s*(?:with|on|in|for|receiving|given)\s+(?:the\s+)?"
            rf"(?P<arm>{_alt(data['control_arms'])})\b",
            re.IGNORECASE,
        )
        self.arm_before_re = re.compile(
            rf"\bthe\s+(?P<arm>[^()\[\],;]{{1,40}}?)\s+(?:{arm_nouns})\s*(?:[(\[]|,)\s*$",
            re.IGNORECASE,
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

    def change_in_of(self, text: str, at: int) -> bool:
        """ "an increase in both disease-free and overall survival of about 5%": a change noun
        further back than `change_noun_before_re` looks (searched only after a near "of")."""
        return " of " in text[max(0, at - 30) : at] and bool(
            self.change_in_of_re.search(text[max(0, at - 100) : at])
        )

    def timepoint_gate(self, text: str) -> bool:
        """`tp_gate.search(text)`: can the text hold a timepoint at all?"""
        if not text.isascii():
            return self.tp_gate.search(text) is not None
        low = text.lower()
        return any(w in low for w in self._tp_gate_words) or (
            self._tp_gate_rest.search(low) is not None
        )

    def may_match_tp_c(self, text: str) -> bool:
        """False only where `tp_c` finds nothing."""
        return not text.isascii() or self._tp_c_tail.search(text.lower()) is not None

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
