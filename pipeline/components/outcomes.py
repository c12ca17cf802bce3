"""`biotab_outcomes`: outcome figures (response, relapse, adverse-event rates ...) as table rows.

The component runs last. For every English sentence that contains a digit or a number word it

1. reads the *figures* with a small grammar over light regex tokens: "12 of 15 patients",
   "12/15 (80%)", "80% (12/15)", "n = 12", "in 12 patients (80%)", "Twelve of those patients (86%)",
   "86 %", "86·5%", "no patient ...", "all remaining patients ...";
2. sets aside what is not a figure: confidence intervals and p-values (attached to the figure they
   follow), timepoints (attached to the nearest figure of the same clause), ages, years, doses,
   durations, citation numbers, counts of studies, drug concentrations ("5% imiquimod cream"),
   body-area percentages (kept only as `improvement` when the sentence reports a result);
3. gives each figure a measure from the nearest cue of `rules/outcome_cues.jsonl` (spaCy token or
   phrase patterns), preferring cues after a subject count ("12 patients (80%) achieved ...") and
   cues before a bare percentage ("relapse was frequent (75%)");
4. ties it to an arm ("25% and 15% in the docetaxel and control arms"), else the nearest DRUG /
   DISEASE mention of the sentence, else the document's main drug and disease (most frequent
   concept, title mentions counted extra);
5. fills numerator/denominator when the text fixes them, following the cohort through the
   document: "Fifteen ... enrolled" -> "One patient discontinued" (1 of 15) -> "All remaining
   patients" (14) -> "Twelve of those patients (86%)" (12 of 14, consistent with 86%).

`Doc._.outcomes` gets one dict per figure with the columns of the outcomes table except doc_id.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

import pipeline.extensions  # noqa: F401  (registers Doc._.outcomes and the Span attributes)
from pipeline.paths import rule_file

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
CUES_FILE = "outcome_cues.jsonl"
LEXICON_FILE = "outcomes_lexicon.json"

# Measures whose in-sentence DISEASE mentions are usually the event itself ("developed
# neutropenia"), not the condition treated: their disease tie comes from a population phrase
# ("patients with X") or from the document.
EVENT_MEASURES = frozenset({"adverse_event", "mortality", "discontinuation"})

ROW_KEYS: tuple[str, ...] = (
    "outcome_id",
    "sent_idx",
    "start_char",
    "end_char",
    "text",
    "measure",
    "value",
    "unit",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "ci_level",
    "p_value",
    "p_relation",
    "timepoint",
    "population",
    "drug_concept_id",
    "drug_text",
    "disease_concept_id",
    "disease_text",
    "negated",
)


class RuleFileError(ValueError):
    """A rule data file is malformed; the message names the file, line, bad key and expectation."""


# --------------------------------------------------------------------------------------------
# Rule files


@dataclass(frozen=True)
class CueRule:
    measure: str
    pattern: str | list[dict[str, Any]]
    priority: int = 1
    id: str | None = None
    comment: str | None = None
    line: int = 0


def _cue_error(where: str, msg: str) -> RuleFileError:
    return RuleFileError(f"{where}: {msg}")


def parse_cue_line(raw: str, where: str) -> CueRule:
    """Validate one JSONL line of the cue file; `where` is "path:line" for messages."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _cue_error(where, f"not valid JSON ({exc.msg}); expected one JSON object") from exc
    if not isinstance(obj, dict):
        raise _cue_error(where, f"got {type(obj).__name__}; expected a JSON object")
    for key in obj:
        if key not in CUE_KEYS:
            raise _cue_error(
                where, f"unknown key {key!r}; expected one of: {', '.join(sorted(CUE_KEYS))}"
            )
    if "measure" not in obj:
        raise _cue_error(
            where, f"missing key 'measure'; expected one of: {', '.join(CUE_MEASURES)}"
        )
    measure = obj["measure"]
    if measure not in CUE_MEASURES:
        raise _cue_error(
            where, f"key 'measure' has {measure!r}; expected one of: {', '.join(CUE_MEASURES)}"
        )
    if "pattern" not in obj:
        raise _cue_error(where, "missing key 'pattern'; expected a string or a list of token dicts")
    pattern = obj["pattern"]
    if isinstance(pattern, str):
        if not pattern.strip():
            raise _cue_error(where, "key 'pattern' is an empty string; expected a phrase")
    elif isinstance(pattern, list):
        if not pattern or not all(isinstance(tok, dict) and tok for tok in pattern):
            raise _cue_error(
                where, "key 'pattern' must be a non-empty list of non-empty token dicts"
            )
        for k, tok in enumerate(pattern, 1):
            _validate_token_spec(tok, f"{where}: token {k} of 'pattern'")
        if all(tok.get("OP") in ("?", "*", "!") for tok in pattern):
            raise _cue_error(where, "key 'pattern' can match nothing; expected a required token")
    else:
        raise _cue_error(
            where,
            f"key 'pattern' has {type(pattern).__name__}; "
            "expected a string or a list of token dicts",
        )
    priority = obj.get("priority", 1)
    if not isinstance(priority, int) or isinstance(priority, bool) or priority not in (0, 1, 2):
        raise _cue_error(where, f"key 'priority' has {priority!r}; expected 0, 1 or 2")
    for key in ("id", "comment"):
        if key in obj and not isinstance(obj[key], str):
            raise _cue_error(where, f"key {key!r} has {obj[key]!r}; expected a string")
    line = int(where.rsplit(":", 1)[-1]) if where.rsplit(":", 1)[-1].isdigit() else 0
    return CueRule(measure, pattern, priority, obj.get("id"), obj.get("comment"), line)


# The subset of spaCy's token-pattern language the cue files may use.
TOKEN_ATTRS: tuple[str, ...] = (
    "ORTH",
    "TEXT",
    "LOWER",
    "NORM",
    "IS_ALPHA",
    "IS_DIGIT",
    "IS_PUNCT",
    "IS_UPPER",
    "IS_TITLE",
    "LIKE_NUM",
    "LENGTH",
)
TOKEN_PREDICATES: tuple[str, ...] = ("IN", "NOT_IN", "REGEX")
TOKEN_OPS: tuple[str, ...] = ("1", "?", "*", "+", "!")
_BOOL_ATTRS = frozenset({"IS_ALPHA", "IS_DIGIT", "IS_PUNCT", "IS_UPPER", "IS_TITLE", "LIKE_NUM"})


def _validate_token_spec(tok: dict[str, Any], where: str) -> None:
    for key, val in tok.items():
        if key == "OP":
            if val not in TOKEN_OPS:
                raise RuleFileError(
                    f"{where}: key 'OP' has {val!r}; expected one of: {', '.join(TOKEN_OPS)}"
                )
            continue
        if key not in TOKEN_ATTRS:
            raise RuleFileError(
                f"{where}: unknown key {key!r}; expected one of: {', '.join(TOKEN_ATTRS)}, OP"
            )
        if key in _BOOL_ATTRS:
            if not isinstance(val, bool):
                raise RuleFileError(f"{where}: key {key!r} has {val!r}; expected true or false")
            continue
        scalar = int if key == "LENGTH" else str
        if isinstance(val, dict):
            for pred, arg in val.items():
                if pred not in TOKEN_PREDICATES:
                    raise RuleFileError(
                        f"{where}: key {key!r} has predicate {pred!r}; expected one of: "
                        + ", ".join(TOKEN_PREDICATES)
                    )
                if pred == "REGEX":
                    if not isinstance(arg, str):
                        raise RuleFileError(f"{where}: {key}.REGEX must be a string")
                    try:
                        re.compile(arg)
                    except re.error as exc:
                        raise RuleFileError(
                            f"{where}: {key}.REGEX {arg!r} is not a valid regex ({exc})"
                        ) from exc
                elif not isinstance(arg, list) or not all(isinstance(a, scalar) for a in arg):
                    raise RuleFileError(
                        f"{where}: {key}.{pred} must be a list of {scalar.__name__} values"
                    )
        elif not isinstance(val, scalar) or isinstance(val, bool):
            raise RuleFileError(
                f"{where}: key {key!r} has {val!r}; expected a {scalar.__name__} or a dict "
                f"with {', '.join(TOKEN_PREDICATES)}"
            )


def parse_cues(lines: Iterable[str], source: str) -> list[CueRule]:
    rules: list[CueRule] = []
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip() or raw.lstrip().startswith("//"):
            continue
        rules.append(parse_cue_line(raw, f"{source}:{lineno}"))
    if not rules:
        raise RuleFileError(f"{source}: no cue rules; expected one JSON object per line")
    return rules


def load_cues(path: str | Path) -> list[CueRule]:
    path = Path(path)
    with path.open(encoding="utf8") as fh:
        return parse_cues(fh, str(path))


LEXICON_LISTS: tuple[str, ...] = (
    "population_nouns",
    "population_not_before",
    "determiners",
    "remaining_words",
    "count_blockers_before",
    "unit_words",
    "area_words",
    "reference_words",
    "formulation_words",
    "definition_cues",
    "comparators",
    "arm_nouns",
    "strong_boundaries",
    "list_connectors",
    "ratio_words",
)
LEXICON_KEYS: tuple[str, ...] = ("_comment", "number_words", *LEXICON_LISTS)


def validate_lexicon(obj: Any, source: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise RuleFileError(f"{source}: got {type(obj).__name__}; expected a JSON object")
    for key in obj:
        if key not in LEXICON_KEYS:
            raise RuleFileError(
                f"{source}: unknown key {key!r}; expected one of: {', '.join(LEXICON_KEYS)}"
            )
    for key in ("number_words", *LEXICON_LISTS):
        if key not in obj:
            raise RuleFileError(f"{source}: missing key {key!r}")
    nw = obj["number_words"]
    if not isinstance(nw, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in nw.items()
    ):
        raise RuleFileError(
            f"{source}: key 'number_words' must map lower-case words to integers, e.g. "
            '{"twelve": 12}'
        )
    for key in LEXICON_LISTS:
        val = obj[key]
        if not isinstance(val, list) or not all(isinstance(w, str) and w for w in val):
            raise RuleFileError(f"{source}: key {key!r} must be a list of non-empty strings")
    return obj


def load_lexicon(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        obj = json.loads(path.read_text(encoding="utf8"))
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
    return validate_lexicon(obj, str(path))


def _resolve(name: str) -> Path:
    p = Path(name)
    return p if p.is_absolute() or p.exists() else rule_file(name)


# --------------------------------------------------------------------------------------------
# Token patterns: spaCy's pattern format, matched with per-word caching (every predicate depends
# only on the token text, so a word is tested once per run, not once per occurrence).


def _attr_value(attr: str, text: str) -> str | bool | int:
    if attr in ("ORTH", "TEXT"):
        return text
    if attr in ("LOWER", "NORM"):
        return text.lower()
    if attr == "IS_ALPHA":
        return text.isalpha()
    if attr == "IS_DIGIT":
        return text.isdigit()
    if attr == "IS_PUNCT":
        return bool(text) and all(not ch.isalnum() for ch in text)
    if attr == "IS_UPPER":
        return text.isupper()
    if attr == "IS_TITLE":
        return text.istitle()
    if attr == "LIKE_NUM":
        return bool(re.fullmatch(r"[+-]?\d+(?:[.,·]\d+)*", text))
    return len(text)  # LENGTH


class _Check:
    """One token predicate: attribute `attr` of the token text compared by `kind`."""

    __slots__ = ("arg", "attr", "kind")

    def __init__(self, attr: str, kind: str, arg: Any) -> None:
        self.attr, self.kind = attr, kind
        self.arg = (
            re.compile(arg)
            if kind == "REGEX"
            else frozenset(arg)
            if kind in ("IN", "NOT_IN")
            else arg
        )

    def __call__(self, text: str) -> bool:
        val = _attr_value(self.attr, text)
        arg = self.arg
        if isinstance(arg, frozenset):
            return (val in arg) == (self.kind == "IN")
        if isinstance(arg, re.Pattern):
            return arg.search(str(val)) is not None
        return bool(val == arg)


class _TokenTest:
    __slots__ = ("checks",)

    def __init__(self, checks: list[_Check]) -> None:
        self.checks = checks

    def __call__(self, text: str) -> bool:
        return all(c(text) for c in self.checks)


def _token_test(tok: dict[str, Any]) -> _TokenTest:
    checks: list[_Check] = []
    for key, val in tok.items():
        if key == "OP":
            continue
        if isinstance(val, dict):
            checks.extend(_Check(key, pred, arg) for pred, arg in val.items())
        else:
            checks.append(_Check(key, "==", val))
    return _TokenTest(checks)


class TokenPatterns:
    """All cue rules compiled: `find(words)` -> [(start, end, rule index)], longest first wins."""

    def __init__(self, rules: Sequence[CueRule], make_doc: Callable[[str], Doc]) -> None:
        self.specs: list[list[tuple[_TokenTest, str]]] = []
        for rule in rules:
            if isinstance(rule.pattern, str):
                words = [t.text.lower() for t in make_doc(rule.pattern)]
                spec = [(_TokenTest([_Check("LOWER", "==", w)]), "1") for w in words]
            else:
                spec = [(_token_test(tok), str(tok.get("OP", "1"))) for tok in rule.pattern]
            self.specs.append(spec)
        self._entry: dict[str, tuple[int, ...]] = {}

    def _starts(self, word: str) -> tuple[int, ...]:
        hit = self._entry.get(word)
        if hit is None:
            found = []
            for r, spec in enumerate(self.specs):
                for test, op in spec:
                    if op == "!":
                        found.append(r)
                        break
                    if test(word):
                        found.append(r)
                        break
                    if op not in ("?", "*"):
                        break
            hit = tuple(found)
            if len(self._entry) > 200_000:
                self._entry.clear()
            self._entry[word] = hit
        return hit

    def _ends(self, spec: list[tuple[_TokenTest, str]], words: list[str], i: int,
              k: int) -> list[int]:  # fmt: skip
        if k == len(spec):
            return [i]
        test, op = spec[k]
        n = len(words)
        if op == "1":
            return self._ends(spec, words, i + 1, k + 1) if i < n and test(words[i]) else []
        if op == "!":
            return self._ends(spec, words, i + 1, k + 1) if i < n and not test(words[i]) else []
        ends: list[int] = []
        if op in ("?", "*"):
            ends += self._ends(spec, words, i, k + 1)
        j = i
        while j < n and test(words[j]):
            j += 1
            ends += self._ends(spec, words, j, k + 1)
            if op == "?":
                break
        return ends

    def find(self, words: list[str]) -> list[tuple[int, int, int]]:
        matches: list[tuple[int, int, int]] = []
        entry = self._entry
        for i, word in enumerate(words):
            hit = entry.get(word)
            for r in self._starts(word) if hit is None else hit:
                ends = self._ends(self.specs[r], words, i, 0)
                end = max(ends, default=i)
                if end > i:
                    matches.append((i, end, r))
        # longest first, then earliest; no overlaps (like spacy.util.filter_spans)
        matches.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        taken: list[tuple[int, int, int]] = []
        for m in matches:
            if all(m[1] <= t[0] or t[1] <= m[0] for t in taken):
                taken.append(m)
        taken.sort()
        return taken


# --------------------------------------------------------------------------------------------
# Lexicon compiled to sets and regexes


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class Lexicon:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.number_words: dict[str, int] = {k.lower(): v for k, v in data["number_words"].items()}
        sets = {key: frozenset(w.lower() for w in data[key]) for key in LEXICON_LISTS}
        self.pop = sets["population_nouns"]
        self.pop_not_before = sets["population_not_before"]
        self.determiners = sets["determiners"]
        self.remaining = sets["remaining_words"]
        self.count_blockers = sets["count_blockers_before"]
        self.units = sets["unit_words"]
        self.area = sets["area_words"]
        self.reference = sets["reference_words"]
        self.formulation = sets["formulation_words"]
        self.arm_nouns = sets["arm_nouns"]
        self.boundaries = sets["strong_boundaries"]
        self.connectors = sets["list_connectors"]
        numw = _alt(self.number_words)
        self.numw = numw
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
        self.reference_after_re = re.compile(
            rf"^\s*of\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_alt(self.reference)})\b",
            re.IGNORECASE,
        )
        ratio = sorted(data["ratio_words"], key=len, reverse=True)
        self.ratio_re = re.compile(
            r"(?<![\w-])(?:"
            + "|".join(re.escape(w) if w != w.lower() else f"(?i:{re.escape(w)})" for w in ratio)
            + r")(?![\w-])"
        )
        self._build_stat_regexes()
        # arm phrases after a list of figures, after one figure, before one figure
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
        snum = r"[-−–]?\s?(?:\d+(?:[.·]\d+)?|[.·]\d+)"
        sep = r"\s*%?\s*(?:to|–|—|-|,|;)\s*"
        self.ci_re = re.compile(
            rf"(?P<level>\d+(?:[.·]\d+)?)\s*%\s*(?:CIs?\b|C\.I\.|IC\b|(?:confidence|credible|"
            rf"uncertainty)\s+intervals?)(?:\s*[\[(]\s*CI\s*[\])])?(?:\s*(?:[:,=]|of|was)?\s*"
            rf"(?P<lo>{snum}){sep}(?P<hi>{snum})\s*%?)?"
            rf"|\bCI\s*(?P<level2>\d+(?:[.·]\d+)?)\s*%\s*[:,=]?\s*(?P<lo2>{snum}){sep}"
            rf"(?P<hi2>{snum})\s*%?",
            re.IGNORECASE,
        )
        self.p_re = re.compile(
            r"(?<![\w.])[Pp](?:\s*[-‐]?\s*values?)?\s*(?P<rel><\s*or\s*=|>\s*or\s*=|≤|≥|<=|>=|=<|"
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


# --------------------------------------------------------------------------------------------
# Light tokens over the sentence text (independent of the pipeline's tokenizer)

_TOKEN_RE = re.compile(
    r"\d{1,3}(?:,\d{3})+(?![\d])(?:[.·]\d+)?|\d+(?:[.·]\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*|\S"
)
_PREPOSITIONS = frozenset(
    {"in", "of", "among", "for", "with", "to", "by", "from", "at", "on", "than", "amongst"}
)
_ADJ_STOP = frozenset(
    {
        "of", "in", "with", "were", "was", "had", "have", "has", "and", "or", "to", "for", "on",
        "at", "by", "the", "a", "an", "who", "which", "that", "are", "is", "be", "been",
        "did", "not", "from", "after", "before", "than", "received", "per", "as", "each",
    }
)  # fmt: skip
_FIGURE_WORDS = frozenset({"no", "none", "not", "all", "n"})  # figures not led by a number
_NEG_WORDS = frozenset({"not", "no", "never", "without", "nor", "neither", "failed"})


@dataclass(slots=True)
class _Tok:
    text: str
    lower: str
    start: int
    end: int
    num: float | None = None
    decimals: int = 0
    word_num: bool = False


def _light_tokens(text: str, number_words: dict[str, int]) -> list[_Tok]:
    toks: list[_Tok] = []
    n_words = 0
    for m in _TOKEN_RE.finditer(text):
        s = m.group()
        low = s.lower()
        tok = _Tok(s, low, m.start(), m.end())
        if s[0].isdigit():
            norm = s.replace(",", "").replace("·", ".")
            tok.num = float(norm)
            tok.decimals = len(norm.split(".", 1)[1]) if "." in norm else 0
        elif low in number_words:
            tok.num = float(number_words[low])
            tok.word_num = True
            n_words += 1
        toks.append(tok)
    if n_words < 2:
        return toks  # nothing to merge
    toks = _merge_number_words(text, toks)
    # "twenty-two", "twenty two" -> one number token
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.word_num and t.num is not None and 20 <= t.num <= 90 and t.num % 10 == 0:
            j = i + 1
            if j < len(toks) and toks[j].text in "-‐" and toks[j].start == t.end:
                j += 1
            u = toks[j] if j < len(toks) else None
            if (
                u is not None
                and u.word_num
                and u.num is not None
                and 1 <= u.num <= 9
                and u.start - toks[j - 1].end <= 1
            ):
                merged = _Tok(text[t.start : u.end], text[t.start : u.end].lower(), t.start, u.end)
                merged.num, merged.word_num = t.num + u.num, True
                out.append(merged)
                i = j + 1
                continue
        out.append(t)
        i += 1
    return out


def _merge_number_words(text: str, toks: list[_Tok]) -> list[_Tok]:
    """ "one hundred and fourteen", "two hundred sixty-five" -> one number token."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (
            t.word_num
            and t.num is not None
            and 1 <= t.num <= 9
            and nxt is not None
            and nxt.lower == "hundred"
        ):
            value = t.num * 100
            end, j = nxt.end, i + 2
            k = j + 1 if j < len(toks) and toks[j].lower == "and" else j
            tail: list[_Tok] = []
            while k < len(toks) and (
                (toks[k].word_num and toks[k].lower != "hundred") or (toks[k].text in "-‐" and tail)
            ):
                tail.append(toks[k])
                k += 1
            rest = [x.num for x in tail if x.num is not None]
            if rest and (len(rest) == 1 or (len(rest) == 2 and rest[0] >= 20 and rest[1] < 10)):
                value += sum(rest)
                end, j = tail[-1].end, k
            merged = _Tok(text[t.start : end], text[t.start : end].lower(), t.start, end)
            merged.num, merged.word_num = value, True
            out.append(merged)
            i = j
            continue
        out.append(t)
        i += 1
    return out


# --------------------------------------------------------------------------------------------
# Figures, statistics, timepoints


@dataclass
class _Stat:
    start: int
    end: int
    kind: str  # "ci" | "p"
    level: float | None = None
    low: float | None = None
    high: float | None = None
    p: float | None = None
    rel: str | None = None


@dataclass
class _Figure:
    ts: int  # first light token
    te: int  # one past last light token
    pct: float | None = None
    pct_decimals: int = 0
    count: int | None = None
    num: int | None = None
    den: int | None = None
    population: str | None = None
    those: bool = False
    remaining: bool = False
    all_form: bool = False
    zero: bool = False
    area: bool = False
    has_pop: bool = False
    prefer_after: bool = False
    needs_cue: bool = False
    cue_before_ok: bool = False  # "partial responses in 9,": the cue may come just before
    den_phrase: bool = False  # "Of the 30 patients," – a denominator, not a figure
    proportion: bool = False  # "0·86" read as 86%: needs a cue before it
    comparator: bool = False  # "more than 50%": a threshold unless it is the only figure
    group: int = -1
    measure: str | None = None
    negated: bool = False
    ci: _Stat | None = None
    p: _Stat | None = None
    timepoint: str | None = None
    arm: tuple[int, int] | None = None  # sentence-relative chars of the arm text
    start: int = 0
    end: int = 0


@dataclass
class _Cue:
    start: int  # sentence-relative chars
    end: int
    ts: int
    te: int
    measure: str
    priority: int


def _fnum(s: str) -> float:
    s = s.replace("·", ".").replace("−", "-").replace("–", "-").replace(" ", "")
    return float(s)


def _pct_consistent(num: int, den: int, pct: float, decimals: int) -> bool:
    if den <= 0 or num > den:
        return False
    tol = 0.5 * 10 ** (-decimals) + 1e-9
    return abs(100.0 * num / den - pct) <= max(tol, 0.5 if decimals == 0 else tol)


class _SentenceParser:
    """Finds figures, statistics and timepoints in one sentence's text."""

    def __init__(self, text: str, lex: Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.toks = _light_tokens(text, lex.number_words)
        self.starts = [t.start for t in self.toks]
        self.consumed = [False] * len(self.toks)
        self.stats: list[_Stat] = []
        self.timepoints: list[tuple[int, int]] = []
        self.figures: list[_Figure] = []

    # -- helpers -------------------------------------------------------------------------
    def tok_index(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect.bisect_left(self.starts, char)

    def _consume(self, start: int, end: int) -> None:
        for k in range(self.tok_index(start), len(self.toks)):
            if self.toks[k].start >= end:
                break
            self.consumed[k] = True

    def lower(self, i: int) -> str:
        return self.toks[i].lower if 0 <= i < len(self.toks) else ""

    def is_int(self, i: int) -> bool:
        if not 0 <= i < len(self.toks) or self.consumed[i]:
            return False
        t = self.toks[i]
        return t.num is not None and t.decimals == 0 and t.num >= 0

    def int_at(self, i: int) -> int:
        n = self.toks[i].num
        assert n is not None
        return int(n)

    def adjacent(self, i: int, j: int) -> bool:
        return self.toks[i].end == self.toks[j].start

    def pct_at(self, i: int) -> int | None:
        """If tokens at i form a percentage, index one past it."""
        if not 0 <= i < len(self.toks) or self.consumed[i]:
            return None
        t = self.toks[i]
        if t.num is None:
            return None
        nxt = self.lower(i + 1)
        if nxt == "%":
            return i + 2
        if nxt == "percent":
            return i + 2
        if nxt == "per" and self.lower(i + 2) == "cent":
            return i + 3
        return None

    def pop_at(self, i: int, max_adj: int = 3) -> int | None:
        """If tokens at i are `[adj]{0,3} <population noun>`, index one past the noun."""
        for k in range(i, min(i + max_adj + 1, len(self.toks))):
            low = self.toks[k].lower
            if low in self.lex.pop:
                if self.lower(k + 1) in self.lex.pop_not_before:
                    return None
                return k + 1
            if (
                low in _ADJ_STOP
                or low in self.lex.determiners
                or (not self.toks[k].text.isalpha() and "-" not in self.toks[k].text)
                or self.toks[k].num is not None
            ):
                return None
        return None

    # -- statistics and timepoints ----------------------------------------------------------
    def find_stats(self) -> None:
        lex = self.lex
        has_ci = "%" in self.text or "CI" in self.text
        for m in lex.ci_re.finditer(self.text) if has_ci else ():
            level = m.group("level") or m.group("level2")
            lo = m.group("lo") or m.group("lo2")
            hi = m.group("hi") or m.group("hi2")
            st = _Stat(m.start(), m.end(), "ci")
            try:
                st.level = _fnum(level) / 100.0 if level else None
                st.low = _fnum(lo) if lo else None
                st.high = _fnum(hi) if hi else None
            except ValueError:
                continue
            self.stats.append(st)
            self._consume(m.start(), m.end())
        has_rel = any(c in self.text for c in "<>=≤≥")
        for m in lex.p_re.finditer(self.text) if has_rel else ():
            rel = re.sub(r"\s+", "", m.group("rel"))
            rel = {"<or=": "<", ">or=": ">", "≤": "<", "≥": ">", "<=": "<", ">=": ">", "=<": "<",
                   "=>": ">"}.get(rel, rel)  # fmt: skip
            try:
                val = _fnum(m.group("val"))
                if m.group("exp"):
                    val *= 10.0 ** _fnum(m.group("exp"))
            except ValueError:
                continue
            if val > 1:
                continue
            self.stats.append(_Stat(m.start(), m.end(), "p", p=val, rel=rel))
            self._consume(m.start(), m.end())
        self.stats.sort(key=lambda s: s.start)

    def find_timepoints(self) -> None:
        lex = self.lex
        spans: list[tuple[int, int]] = []
        if lex.timepoint_gate(self.text):
            spans.extend(self._timepoint_spans())
        spans.sort()
        for s, e in spans:
            if self.timepoints and s < self.timepoints[-1][1]:
                continue
            self.timepoints.append((s, e))
            self._consume(s, e)

    def _timepoint_spans(self) -> list[tuple[int, int]]:
        lex = self.lex
        spans: list[tuple[int, int]] = []
        for m in lex.tp_a.finditer(self.text):
            if not m.group("prep") and not m.group("tail"):
                continue
            if m.group("oftail") and not m.group("prep"):
                continue
            spans.append((m.start(), m.end()))
        text = self.text
        maybe_c = lex.may_match_tp_c(text)
        for rx in (lex.tp_b, lex.tp_c, lex.tp_d) if maybe_c else (lex.tp_b, lex.tp_d):
            spans.extend((m.start(), m.end()) for m in rx.finditer(text))
        return spans

    # -- figure grammar ---------------------------------------------------------------------
    def count_guard(self, i: int) -> bool:
        """True if the integer at token i may start a count figure."""
        t = self.toks[i]
        if i > 0:
            prev = self.toks[i - 1]
            if prev.end == t.start and (prev.text.isalpha() or prev.text in "-‐/^_."):
                return False  # IL-4, CD4, t1/2, .5
            if prev.lower in self.lex.count_blockers:
                return False
            if prev.text in "±+" or (prev.lower == "=" and not self._is_n_eq(i - 2)):
                return False
        nxt = self.lower(i + 1)
        if i + 1 < len(self.toks) and nxt in "-‐–" and self.adjacent(i, i + 1):
            after = self.toks[i + 2] if i + 2 < len(self.toks) else None
            if after is not None and after.num is None:
                return False  # 13-year-old, 2-month
            return False  # ranges 5-10
        if nxt in self.lex.units:
            return False
        if (
            nxt in ("to", "–", "-", ":", "x", "×", "±", ".")
            and i + 2 < len(self.toks)
            and self.toks[i + 2].num is not None
        ):
            return False
        n = t.num or 0
        return not (t.decimals == 0 and 1900 <= n <= 2100 and len(t.text) == 4)

    def _is_n_eq(self, i: int) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].lower == "n"

    def paren_pct(self, j: int) -> tuple[int, int] | None:
        """`( 80 % )` or `[80%]` or `(80%, 95% CI ...)` at j: (pct token index, index after)."""
        if self.lower(j) not in ("(", "["):
            return None
        k = j + 1
        pe = self.pct_at(k)
        if pe is None:
            return None
        close = pe
        # allow trailing consumed statistics / other text up to the closing bracket
        depth = 1
        while close < len(self.toks) and close - pe < 30:
            c = self.toks[close].text
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
                if depth == 0:
                    return k, close + 1
            close += 1
        return k, pe

    def set_pct(self, fig: _Figure, k: int) -> None:
        t = self.toks[k]
        assert t.num is not None
        fig.pct, fig.pct_decimals = t.num, t.decimals

    def parse(self) -> None:
        toks = self.toks
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            # what `_parse_at` rejects first: consumed tokens, and words that neither are a
            # number nor start "no/none/not/all ..." or "n = ..."
            if self.consumed[i] or (t.num is None and t.lower not in _FIGURE_WORDS):
                i += 1
                continue
            fig = self._parse_at(i)
            if fig is None:
                i += 1
                continue
            if fig.te <= i:  # safety
                fig.te = i + 1
            fig.start, fig.end = toks[fig.ts].start, toks[fig.te - 1].end
            self.figures.append(fig)
            i = fig.te

    def _parse_at(self, i: int) -> _Figure | None:
        t = self.toks[i]
        low = t.lower
        if low in ("no", "none", "not"):
            return self._parse_zero(i)
        if low == "all":
            return self._parse_all(i)
        if low == "n" and self.lower(i + 1) == "=" and self.is_int(i + 2):
            return self._parse_n_eq(i)
        if t.num is None:
            return None
        pe = self.pct_at(i)
        if pe is not None:
            return self._parse_pct(i, pe)
        if self.is_int(i) and self.count_guard(i):
            return self._parse_count(i)
        if t.decimals > 0 and 0 < t.num < 1:
            return self._parse_proportion(i)
        return None

    def _parse_proportion(self, i: int) -> _Figure | None:
        """A rate written as a decimal proportion: "survival was 0·86" (read as 86%)."""
        t = self.toks[i]
        assert t.num is not None
        prev = self.lower(i - 1)
        listed = prev in ("and", ",", "vs", "versus", "or") and any(
            f.proportion and i - f.te <= 10 for f in self.figures
        )
        if prev not in ("was", "were", "of", "=", ":", "is", "reached") and not listed:
            return None
        nxt = self.lower(i + 1)
        if nxt in self.lex.units or nxt in ("%", "-", "–", "to", "/", "±", "x", "×"):
            return None
        before = self.text[max(0, t.start - 40) : t.start]
        if self.lex.ratio_re.search(before):
            return None
        fig = _Figure(i, i + 1, proportion=True)
        fig.pct, fig.pct_decimals = round(t.num * 100, 10), max(0, t.decimals - 2)
        return fig

    def _range_skip(self, i: int, pe: int) -> int | None:
        """A percentage range "20-40%", "20% to 40%", "between 20% and 40%": index past it."""
        nxt = self.lower(pe)
        prev = self.lower(i - 1)
        if (
            nxt in ("-", "–", "—", "to")
            and pe + 1 < len(self.toks)
            and (self.toks[pe + 1].num is not None)
        ):
            after = self.pct_at(pe + 1)
            if prev == "from" and nxt == "to":
                return None
            return after if after is not None else pe + 2
        if prev == "between" and nxt == "and":
            after = self.pct_at(pe + 1)
            return after if after is not None else pe + 2
        return None

    def _parse_pct(self, i: int, pe: int) -> _Figure | None:
        # "20-40%" written with the unit once: number, dash, percentage
        if (
            i >= 2
            and self.lower(i - 1) in ("-", "–", "to")
            and self.toks[i - 2].num is not None
            and self.lower(i - 3) != "from"
        ):
            return None
        skip = self._range_skip(i, pe)
        if skip is not None:
            fig = _Figure(i, skip, den_phrase=True)
            return fig
        fig = _Figure(i, pe)
        self.set_pct(fig, i)
        fig.comparator = bool(self.lex.comparator_re.search(self.text[: self.toks[i].start]))
        j = pe
        # "80% (12/15)", "80% (12 of 15)", "80% (n = 12)", "80% (12 patients)"
        if self.lower(j) in ("(", "["):
            k = j + 1
            if self.lower(k) == "n" and self.lower(k + 1) == "=" and self.is_int(k + 2):
                if self.lower(k + 3) in (")", "]"):
                    fig.num = self.int_at(k + 2)
                    j = k + 4
            elif self.is_int(k):
                a = self.int_at(k)
                m = k + 1
                if self.lower(m) in ("/", "of") and self.is_int(m + 1):
                    fig.num, fig.den = a, self.int_at(m + 1)
                    m += 2
                elif self.lower(m) == "out" and self.lower(m + 1) == "of" and self.is_int(m + 2):
                    fig.num, fig.den = a, self.int_at(m + 2)
                    m += 3
                else:
                    fig.num = a
                pend = self.pop_at(m)
                if pend is not None:
                    fig.population, fig.has_pop = self.toks[pend - 1].text, True
                    m = pend
                if self.lower(m) in (")", "]") and (fig.den is not None or fig.has_pop
                                                   or m == k + 1):  # fmt: skip
                    j = m + 1
                else:
                    fig.num = fig.den = None
                    fig.population, fig.has_pop = None, False
        # "59% of patients", "80% of the 15 patients"
        if self.lower(j) == "of":
            k = j + 1
            while self.lower(k) in self.lex.determiners or self.lower(k) in self.lex.remaining:
                if self.lower(k) in ("those", "these", "them"):
                    fig.those = True
                if self.lower(k) in self.lex.remaining:
                    fig.remaining = True
                k += 1
            den = None
            if self.is_int(k):
                den = self.int_at(k)
                k += 1
            pend = self.pop_at(k)
            if pend is not None:
                fig.population, fig.has_pop = self.toks[pend - 1].text, True
                if den is not None and fig.den is None:
                    fig.den = den
                j = pend
            elif self.lower(k - 1) == "them":
                fig.has_pop, fig.population = True, None
                j = k
        fig.te = j
        prev = self.lower(i - 1)
        fig.prefer_after = fig.has_pop and prev not in _PREPOSITIONS
        return fig

    def _parse_count(self, i: int) -> _Figure | None:
        a = self.int_at(i)
        fig = _Figure(i, i + 1, count=a, num=a)
        j = i + 1
        low = self.lower(j)
        matched = False
        if low == "/" and self.is_int(j + 1) and self.adjacent(i, j):
            fig.den = self.int_at(j + 1)
            if fig.den < a or self.lower(j + 2) in self.lex.units or self.lower(j + 2) == "/":
                return None
            j += 2
            matched = True
            pend = self.pop_at(j)
            if pend is not None:
                fig.population, fig.has_pop, j = self.toks[pend - 1].text, True, pend
        elif low == "of" or (low == "out" and self.lower(j + 1) == "of"):
            k = j + (1 if low == "of" else 2)
            while self.lower(k) in self.lex.determiners or self.lower(k) in self.lex.remaining:
                if self.lower(k) in ("those", "these", "them"):
                    fig.those = True
                if self.lower(k) in self.lex.remaining:
                    fig.remaining = True
                k += 1
            if self.is_int(k):
                fig.den = self.int_at(k)
                if fig.den < a:
                    return None
                k += 1
            pend = self.pop_at(k)
            if pend is not None:
                fig.population, fig.has_pop, k = self.toks[pend - 1].text, True, pend
            if self.lower(k - 1) == "them":
                fig.has_pop = True
            if fig.den is not None or fig.has_pop or fig.those:
                j = k
                matched = True
            else:
                return None
        else:
            pend = self.pop_at(j)
            if pend is not None:
                fig.population, fig.has_pop, j = self.toks[pend - 1].text, True, pend
                matched = True
        # "(80%)" right after, or within a few words after the population noun
        pp = self.paren_pct(j)
        if pp is None and fig.has_pop:
            for k in range(j, min(j + 6, len(self.toks))):
                tk = self.toks[k]
                if tk.num is not None or tk.lower in self.lex.boundaries or tk.text in ",;:":
                    break
                if tk.text in "([":
                    pp = self.paren_pct(k)
                    break
        if pp is not None:
            self.set_pct(fig, pp[0])
            j = pp[1]
            matched = True
        if not matched:
            # bare number: a figure only if an outcome cue follows ("Three died")
            if self.toks[i].word_num and a == 1 and self.lower(i + 1) == "of":
                return None
            before_tok = self.toks[i - 1] if i > 0 else None
            if before_tok is not None and (
                (
                    len(before_tok.text) >= 2
                    and before_tok.text.isupper()
                    and before_tok.text.isalpha()
                )
                or before_tok.text in "-–/"
                or (
                    before_tok.lower in ("or", "and", "to", ",")
                    and i >= 2
                    and self.toks[i - 2].num is not None
                )
            ):
                return None  # PASI 75, ACR 20, "grade 3 or 4"
            if before_tok is not None and before_tok.text == "(" and self.lower(i + 1) == ")":
                return None  # "PbtO (2)", "(3)": a label, not a count
            fig.needs_cue = True
            fig.cue_before_ok = self.lower(i - 1) in ("in", "among") and (
                self.lower(i + 1) in (",", ".", ";", ")", "and", "or", "")
            )
        fig.te = j
        prev = self.lower(i - 1)
        if fig.remaining is False and prev in self.lex.remaining:
            fig.remaining = True
            prev = self.lower(i - 2)
            if prev == "the":
                prev = self.lower(i - 3)
        elif prev in ("the", "these", "those", "our"):
            prev = self.lower(i - 2)
        if prev in ("of", "among", "amongst") and fig.pct is None and (fig.has_pop or fig.den):
            # "Of (the) 45 patients screened, 32 were ..." – a denominator
            for k in range(j, min(j + 8, len(self.toks))):
                tk = self.toks[k]
                if tk.text == ",":
                    fig.den_phrase = True
                    break
                if tk.num is not None or tk.lower in self.lex.boundaries:
                    break
        elif (
            self.lower(i - 1) in ("the", "these", "those")
            and fig.pct is None
            and fig.den is None
            and fig.has_pop
            and not fig.remaining
        ):
            fig.den_phrase = True  # "the 12 patients": a group already counted
        fig.prefer_after = prev not in _PREPOSITIONS
        return fig

    def _parse_n_eq(self, i: int) -> _Figure | None:
        # skip "(67.1%, n = 47)": n inside brackets that already hold a percentage
        k = i - 1
        while k >= 0 and self.toks[k].text not in "([)]":
            if self.toks[k].text == "%":
                return None
            k -= 1
        a = self.int_at(i + 2)
        fig = _Figure(i, i + 3, count=a, num=a)
        j = i + 3
        if self.lower(j) in (")", "]") and self.lower(j + 1) == ",":
            for k in range(i - 1, max(-1, i - 8), -1):
                if self.toks[k].lower in ("of", "among", "amongst") and (
                    k == 0 or self.toks[k - 1].text in ",;:"
                ):
                    fig.den_phrase = True
                    break
        pp = self.paren_pct(j)
        if pp is None and self.lower(j) == "," and self.pct_at(j + 1) is not None:
            pe = self.pct_at(j + 1)
            assert pe is not None
            pp = (j + 1, pe)
        if pp is not None:
            self.set_pct(fig, pp[0])
            j = pp[1]
        fig.te = j
        # population from the noun just before "(n = 12)"
        k = i - 1
        if self.lower(k) in ("(", "[", ","):
            k -= 1
        if 0 <= k < len(self.toks) and self.toks[k].lower in self.lex.pop:
            fig.population, fig.has_pop = self.toks[k].text, True
        fig.prefer_after = self.lower(i - 1) not in ("(", "[", ",")
        return fig

    def _parse_zero(self, i: int) -> _Figure | None:
        low = self.lower(i)
        k = i + 1
        if low == "not":
            if self.lower(k) not in ("a", "one", "any"):
                return None
            k += 1
            if self.lower(k) == "single":
                k += 1
        elif low == "none":
            if self.lower(k) != "of":
                return None
            k += 1
        fig = _Figure(i, k, count=0, num=0, zero=True, negated=True, prefer_after=True)
        while self.lower(k) in self.lex.determiners:
            k += 1
        if self.is_int(k):
            fig.den = self.int_at(k)
            k += 1
        pend = self.pop_at(k, max_adj=2)
        if pend is None:
            if low == "none" and (
                fig.den is not None or self.lower(k - 1) in ("them", "these", "those")
            ):
                fig.te = k
                fig.has_pop = True
                return fig
            return None
        fig.population, fig.has_pop = self.toks[pend - 1].text, True
        fig.te = pend
        return fig

    def _parse_all(self, i: int) -> _Figure | None:
        k = i + 1
        if self.lower(k) == "of":
            k += 1
        fig = _Figure(i, k, all_form=True, prefer_after=True)
        while self.lower(k) in self.lex.determiners or self.lower(k) in self.lex.remaining:
            if self.lower(k) in self.lex.remaining:
                fig.remaining = True
            if self.lower(k) in ("those", "these"):
                fig.those = True
            k += 1
        if self.is_int(k):
            fig.count = fig.num = fig.den = self.int_at(k)
            k += 1
        pend = self.pop_at(k, max_adj=2)
        if pend is None:
            return None
        fig.population, fig.has_pop = self.toks[pend - 1].text, True
        fig.te = pend
        if self.lower(i - 1) in _PREPOSITIONS or self.lower(i - 2) == "in":
            fig.prefer_after = False
        return fig


# --------------------------------------------------------------------------------------------
# Document context: main drug/disease and the cohort chain


@dataclass
class _Mention:
    start: int
    end: int
    label: str
    text: str
    concept_id: str | None
    negated: bool


class _DocContext:
    def __init__(self, doc: Doc, doc_text: str) -> None:
        self.doc = doc
        self.mentions: list[_Mention] = []
        for ent in doc.ents:
            label = ent.label_
            if label in ("DRUG", "DISEASE"):
                start, end = ent.start_char, ent.end_char
                ext = ent._  # one extension accessor per mention, not one per attribute
                self.mentions.append(
                    _Mention(
                        start,
                        end,
                        label,
                        doc_text[start:end],  # = ent.text, without a Token per token
                        ext.concept_id,
                        bool(ext.negated),
                    )
                )
        self.mention_starts = [m.start for m in self.mentions]
        self._main: dict[str, _Mention | None] = {}
        self.enrolled: int | None = None
        self.cohort: int | None = None
        self.remaining: int | None = None
        self.cohort_population: str | None = None

    def in_range(self, start: int, end: int) -> list[_Mention]:
        lo = bisect.bisect_left(self.mention_starts, start)
        out = []
        for m in self.mentions[lo:]:
            if m.start >= end:
                break
            if m.end <= end:
                out.append(m)
        return out

    def main(self, label: str) -> _Mention | None:
        if label in self._main:
            return self._main[label]
        cands = [m for m in self.mentions if m.label == label and not m.negated]
        best: _Mention | None = None
        if cands:
            title_start = min(m.start for m in self.mentions)
            title_sent = self.doc.char_span(title_start, title_start + 1, alignment_mode="expand")
            title_end = title_sent.sent.end_char if title_sent is not None else title_start
            counts: Counter[str] = Counter()
            first: dict[str, _Mention] = {}
            for m in cands:
                key = m.concept_id or m.text.lower()
                counts[key] += 1 + (2 if m.start < title_end else 0)
                first.setdefault(key, m)
            key = max(counts, key=lambda k: (counts[k], -first[k].start))
            best = first[key]
        self._main[label] = best
        return best


# --------------------------------------------------------------------------------------------
# The component


@dataclass(slots=True)
class _Offsets:
    """Token and sentence offsets of a doc, read from the token arrays: no Token or Span objects
    (most sentences are never looked at again)."""

    idx: list[int]  # Token.idx
    ends: list[int]  # Token.idx + len(Token.text)
    # (start token, end token, start char, end char) of each sentence, in `doc.sents` order;
    # the end char includes the whitespace before the next sentence
    sentences: list[tuple[int, int, int, int]]

    def words(self, doc_text: str, start: int, end: int) -> list[str]:
        """`Token.text` of tokens start..end-1."""
        ends = self.ends
        return [doc_text[a : ends[k]] for k, a in enumerate(self.idx[start:end], start)]


def _offsets(doc: Doc, text_len: int) -> _Offsets:
    n = len(doc)
    if n == 0:
        return _Offsets([], [], [])
    arr = doc.to_array([SENT_START, IDX, LENGTH]).astype(numpy.int64)
    flagged = numpy.flatnonzero(arr[1:, 0] == 1) + 1
    starts = [0, *flagged.tolist()]
    ends = [*starts[1:], n]
    idx = arr[:, 1].tolist()
    sentences = [
        (s, e, idx[s], idx[e] if e < n else text_len) for s, e in zip(starts, ends, strict=True)
    ]
    return _Offsets(idx, (arr[:, 1] + arr[:, 2]).tolist(), sentences)


@Language.factory(
    "biotab_outcomes",
    default_config={
        "cues_file": CUES_FILE,
        "lexicon_file": LEXICON_FILE,
        "languages": ["en"],
    },
)
def make_outcomes(
    nlp: Language, name: str, *, cues_file: str, lexicon_file: str, languages: list[str]
) -> OutcomeExtractor:
    return OutcomeExtractor(
        nlp, name, cues_file=cues_file, lexicon_file=lexicon_file, languages=languages
    )


class OutcomeExtractor:
    def __init__(
        self,
        nlp: Language,
        name: str = "biotab_outcomes",
        *,
        cues_file: str = CUES_FILE,
        lexicon_file: str = LEXICON_FILE,
        languages: Sequence[str] = ("en",),
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.languages = frozenset(languages)
        self.cues = load_cues(_resolve(cues_file))
        self.lexicon = Lexicon(load_lexicon(_resolve(lexicon_file)))
        self._patterns: TokenPatterns | None = None

    # -- rules ------------------------------------------------------------------------------
    def set_rules(self, cues: list[CueRule], lexicon: dict[str, Any]) -> None:
        self.cues = cues
        self.lexicon = Lexicon(lexicon)
        self._patterns = None

    def _compile(self) -> TokenPatterns:
        if self._patterns is None:
            self._patterns = TokenPatterns(self.cues, self.nlp.make_doc)
        return self._patterns

    # -- running ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        lex = self.lexicon
        rows: list[dict[str, Any]] = []
        ctx: _DocContext | None = None
        doc_text = doc.text  # built from the tokens on every access: read it once
        offsets = _offsets(doc, len(doc_text))
        for sent_idx, (start, end, char_start, char_end) in enumerate(offsets.sentences):
            # the cheap test first, on the raw text; Span objects only for what passes it
            if not lex.passes(doc_text, char_start, char_end):
                continue
            sent = doc[start:end]
            lang = sent._.language
            if lang is not None and lang not in self.languages:
                continue
            text = doc_text[sent.start_char : sent.end_char]
            parser = _SentenceParser(text, lex)
            parser.find_stats()
            parser.find_timepoints()
            parser.parse()
            if not parser.figures:
                continue
            if ctx is None:
                ctx = _DocContext(doc, doc_text)
            words = offsets.words(doc_text, start, end)
            rows.extend(
                self._sentence_rows(doc, sent, sent_idx, parser, ctx, words, offsets.idx[start:end])
            )
        doc._.outcomes = rows
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def _cues(
        self,
        base: int,
        words: list[str],
        word_idx: list[int],
        parser: _SentenceParser,
        sent_mentions: list[_Mention],
    ) -> list[_Cue]:
        """Cues over the sentence's pipeline tokens (`words`, starting at chars `word_idx`)."""
        patterns = self._compile()
        found = patterns.find(words)
        names = [(m.start - base, m.end - base) for m in sent_mentions]
        cues: list[_Cue] = []
        for ti, tj, r in found:
            rule = self.cues[r]
            s = word_idx[ti] - base
            e = word_idx[tj - 1] + len(words[tj - 1]) - base
            if any(a <= s and e <= b and (b - a) > (e - s) for a, b in names):
                continue  # "progressive" in "progressive multifocal leukoencephalopathy"
            ts = parser.tok_index(s)
            te = max(ts + 1, parser.tok_index(e))
            cues.append(_Cue(s, e, ts, te, rule.measure, rule.priority))
        # DISEASE mentions without a population frame are weak adverse-event cues
        for m in sent_mentions:
            if m.label != "DISEASE" or m.negated:
                continue
            s, e = m.start - base, m.end - base
            if any(c.start < e and s < c.end for c in cues):
                continue
            before = parser.text[max(0, s - 40) : s].lower()
            if re.search(r"\b(?:with|for|of|in)\s+(?:[\w-]+\s+){0,2}$", before):
                continue
            ts = parser.tok_index(s)
            cues.append(_Cue(s, e, ts, max(ts + 1, parser.tok_index(e)), "adverse_event", 0))
        cues.sort(key=lambda c: c.start)
        return cues

    # -- per sentence -----------------------------------------------------------------------
    def _sentence_rows(
        self,
        doc: Doc,
        sent: Span,
        sent_idx: int,
        parser: _SentenceParser,
        ctx: _DocContext,
        words: list[str],
        word_idx: list[int],
    ) -> list[dict[str, Any]]:
        lex = self.lexicon
        text = parser.text
        base = sent.start_char
        sent_mentions = ctx.in_range(sent.start_char, sent.end_char)
        drugs = [m for m in sent_mentions if m.label == "DRUG"]

        # denominator phrases ("Of the 30 patients, ...") and ranges are not figures
        den_context: int | None = None
        figures: list[_Figure] = []
        for f in parser.figures:
            if f.den_phrase:
                if f.count is not None:
                    den_context = f.count if f.den is None else f.den
                continue
            figures.append(f)
        if not figures:
            return []

        # searched only for a comparator percentage ("more than 50%"), the one use
        definitional: bool | None = None
        kept: list[_Figure] = []
        for f in figures:
            if f.pct is not None and f.count is None and f.num is None:
                before = text[max(0, f.start - 40) : f.start]
                after = text[f.end : f.end + 60]
                if self._is_concentration(f, text, drugs, base):
                    continue
                if lex.reference_after_re.match(after):
                    continue
                if f.comparator:
                    if definitional is None:
                        definitional = bool(lex.definition_re.search(text))
                    if definitional or any(
                        g.start > f.end and (g.has_pop or g.count is not None) for g in figures
                    ):
                        continue  # a threshold: "more than 50% regrowth was seen in 8 of 12"
                if lex.area_after_re.match(text[parser.toks[f.te - 1].end :]) or (
                    lex.area_before_re.search(before) and not f.has_pop
                ):
                    f.area = True
            kept.append(f)
        figures = kept
        if not figures:
            return []

        cues = self._cues(base, words, word_idx, parser, sent_mentions)
        boundary_idx = [
            k for k, t in enumerate(parser.toks) if t.lower in lex.boundaries and not t.num
        ]
        self._group(figures, parser)
        self._assign_measures(figures, cues, parser, boundary_idx)
        figures = [f for f in figures if f.measure is not None]
        if not figures:
            return []
        self._attach_stats(figures, parser)
        self._attach_timepoints(figures, parser, boundary_idx)
        self._attach_arms(figures, parser)

        rows: list[dict[str, Any]] = []
        for f in figures:
            row = self._row(doc, sent, sent_idx, f, parser, ctx, sent_mentions, den_context)
            if row is not None:
                rows.append(row)
        return rows

    def _is_concentration(self, f: _Figure, text: str, drugs: list[_Mention], base: int) -> bool:
        lex = self.lexicon
        after = text[f.end : f.end + 40]
        m = re.match(r"\s*([\w/+-]+)(?:\s+([\w/+-]+))?(?:\s+([\w/+-]+))?", after)
        if m:
            words = [w.lower() for w in m.groups() if w]
            if words and words[0] in lex.formulation:
                return True
            if (
                len(words) >= 2
                and words[1] in lex.formulation
                and words[0] not in _ADJ_STOP
                and words[0] not in lex.pop
            ):
                return True
            if (
                len(words) >= 3
                and words[2] in lex.formulation
                and not {words[0], words[1]} & (_ADJ_STOP | lex.pop)
            ):
                return True
        for d in drugs:
            s, e = d.start - base, d.end - base
            if 0 <= s - f.end <= 1 or 0 <= f.start - e <= 1:
                return True
        return False

    def _group(self, figures: list[_Figure], parser: _SentenceParser) -> None:
        """Consecutive bare percentages joined by "and", ",", "vs" share a measure."""
        gid = 0
        for k, f in enumerate(figures):
            f.group = gid
            if k + 1 < len(figures):
                g = figures[k + 1]
                simple = f.count is None and g.count is None and not f.has_pop and not g.has_pop
                between = range(f.te, g.ts)
                joined = simple and all(
                    parser.consumed[x]
                    or parser.toks[x].lower in self.lexicon.connectors
                    or parser.toks[x].text in "()[]"
                    for x in between
                )
                if not joined:
                    gid += 1

    def _assign_measures(
        self,
        figures: list[_Figure],
        cues: list[_Cue],
        parser: _SentenceParser,
        boundary_idx: list[int],
    ) -> None:
        groups: dict[int, list[_Figure]] = {}
        for f in figures:
            groups.setdefault(f.group, []).append(f)
        fig_spans = [(f.ts, f.te, f.group) for f in figures]

        def tokens_between(a: int, b: int) -> int:
            return sum(1 for x in range(a, b) if not parser.consumed[x])

        def crosses(a: int, b: int) -> int:
            return sum(1 for x in boundary_idx if a <= x < b)

        has_improvement = any(c.measure == "improvement" for c in cues)
        for members in groups.values():
            head, tail = members[0], members[-1]
            ts, te = head.ts, tail.te
            best: tuple[float, _Cue] | None = None
            for c in cues:
                if head.needs_cue and not (
                    te <= c.ts <= te + 2 or (head.cue_before_ok and ts - 4 <= c.te <= ts)
                ):
                    continue  # bare number: the cue must follow within two words
                if head.proportion and not (c.te <= ts and ts - c.te <= 8):
                    continue  # "survival was 0·86": the cue comes first
                if c.measure == "enrollment" and not self._enrollment_ok(head, c, parser):
                    continue
                if c.measure == "other" and c.priority == 0 and head.pct is None:
                    continue  # "reduced", "increased": only for a percentage change
                if c.ts < te and ts < c.te:
                    score = 0.0
                elif c.te <= ts:
                    score = float(tokens_between(c.te, ts))
                    score += 0 if not head.prefer_after else 3
                    score += 15 * crosses(c.te, ts)
                    score += 6 * sum(1 for a, b, g in fig_spans if g != head.group and c.te <= a
                                     and b <= ts)  # fmt: skip
                else:
                    score = float(tokens_between(te, c.ts))
                    score += 0 if head.prefer_after else 3
                    score += 15 * crosses(te, c.ts)
                    score += 6 * sum(1 for a, b, g in fig_spans if g != head.group and te <= a
                                     and b <= c.ts)  # fmt: skip
                if c.priority == 0:
                    score += 6
                elif c.priority == 2:
                    score -= 1
                if best is None or score < best[0]:
                    best = (score, c)
            measure: str | None = None
            negated = False
            if best is not None and best[0] <= 32:
                cue = best[1]
                measure = cue.measure
                k0 = cue.ts
                window = [parser.toks[x].lower for x in range(max(0, k0 - 3), k0)]
                negated = any(w in _NEG_WORDS for w in window)
            if measure == NOT_OUTCOME:
                measure = None
            elif head.area:
                measure = "improvement" if has_improvement else None
            for f in members:
                f.measure = measure
                f.negated = f.negated or negated

    @staticmethod
    def _enrollment_ok(f: _Figure, c: _Cue, parser: _SentenceParser) -> bool:
        """Enrollment is a plain count of subjects: never a percentage, zero or "all"."""
        if f.pct is not None or f.zero or f.all_form or f.proportion:
            return False
        if c.priority == 0 and f.den is not None:
            return False  # "9 of 30 patients receiving lidocaine ..."
        if c.priority == 0 and parser.lower(c.ts - 1) in ("who", "that", "which"):
            return False
        if f.needs_cue:  # "32 were enrolled", not "Twelve randomized trials"
            return parser.lower(f.te) in ("were", "was", "had", "have", "being")
        return True

    def _attach_stats(self, figures: list[_Figure], parser: _SentenceParser) -> None:
        text = parser.text
        for st in parser.stats:
            prev = [f for f in figures if f.end <= st.start]
            if not prev:
                continue
            f = max(prev, key=lambda x: x.end)
            gap = text[f.end : st.start]
            if len(gap) > 80:
                continue
            if self.lexicon.ratio_re.search(gap.replace("or more", "")) and re.search(r"\d", gap):
                continue
            if st.kind == "ci" and f.ci is None:
                ci = st
                if (
                    f.pct is not None
                    and f.pct > 1
                    and ci.low is not None
                    and ci.high is not None
                    and abs(ci.low) <= 1
                    and abs(ci.high) <= 1
                ):
                    ci = _Stat(st.start, st.end, "ci", st.level, ci.low * 100, ci.high * 100)
                f.ci = ci
            elif st.kind == "p" and f.p is None:
                f.p = st

    def _attach_timepoints(
        self, figures: list[_Figure], parser: _SentenceParser, boundary_idx: list[int]
    ) -> None:
        if not parser.timepoints:
            return
        for f in figures:
            best: tuple[int, tuple[int, int]] | None = None
            for s, e in parser.timepoints:
                ts, te = parser.tok_index(s), parser.tok_index(e)
                if te <= f.ts:
                    a, b = te, f.ts
                elif ts >= f.te:
                    a, b = f.te, ts
                else:
                    continue
                if any(a <= x < b for x in boundary_idx):
                    continue
                dist = b - a
                if dist > 30:
                    continue
                if best is None or dist < best[0]:
                    best = (dist, (s, e))
            if best is not None:
                s, e = best[1]
                f.timepoint = parser.text[s:e].strip()

    def _attach_arms(self, figures: list[_Figure], parser: _SentenceParser) -> None:
        text = parser.text
        lex = self.lexicon
        groups: dict[int, list[_Figure]] = {}
        for f in figures:
            groups.setdefault(f.group, []).append(f)
        for members in groups.values():
            if len(members) > 1:
                tail = members[-1]
                after = text[tail.end :]
                m = lex.arm_list_re.match(after)
                if m:
                    lst = m.group("list")
                    offset = tail.end + m.start("list")
                    parts = list(
                        re.finditer(
                            r"(?:(?<=^)|(?<=,\s)|(?<=\band\s)|(?<=\bor\s)|(?<=\bversus\s)|"
                            r"(?<=\bvs\s)|(?<=\bvs\.\s))(?:the\s+)?(?P<arm>[^,]+?)"
                            r"(?=\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+versus\s+|"
                            r"\s+vs\.?\s+|$)",
                            lst,
                        )
                    )
                    arms = [(offset + p.start("arm"), offset + p.end("arm")) for p in parts]
                    arms = [(s, e) for s, e in arms if text[s:e].strip()]
                    if len(arms) == len(members):
                        for f, arm in zip(members, arms, strict=True):
                            f.arm = arm
                        continue
            for f in members:
                start = f.end
                if f.ci is not None or f.p is not None:
                    stat = re.match(r"\s*[(\[][^()\[\]]*[)\]]", text[start:])
                    start += stat.end() if stat else 0
                after = text[start:]
                m = lex.arm_after_re.match(after)
                if m:
                    f.arm = (start + m.start("arm"), start + m.end("arm"))
                    continue
                before = text[: f.start]
                m = lex.arm_before_re.search(before)
                if m:
                    f.arm = (m.start("arm"), m.end("arm"))

    # -- rows -------------------------------------------------------------------------------
    def _row(
        self,
        doc: Doc,
        sent: Span,
        sent_idx: int,
        f: _Figure,
        parser: _SentenceParser,
        ctx: _DocContext,
        sent_mentions: list[_Mention],
        den_context: int | None,
    ) -> dict[str, Any] | None:
        assert f.measure is not None
        base = sent.start_char
        measure = f.measure
        num, den = f.num, f.den
        count = f.count
        population = f.population
        if population is not None and population.lower() in ("them", "those", "these"):
            population = None

        # the cohort chain
        if measure == "enrollment":
            if count is not None:
                if den is None and den_context is not None and count <= den_context:
                    den = den_context
                if den is None:
                    num = None
                ctx.enrolled = ctx.cohort = count
                ctx.remaining = None
                ctx.cohort_population = population
        else:
            cands: list[int] = []
            if den_context is not None:
                cands.append(den_context)
            if f.remaining and ctx.remaining is not None:
                cands.append(ctx.remaining)
            for c in (ctx.cohort, ctx.remaining, ctx.enrolled):
                if c is not None and c not in cands:
                    cands.append(c)
            if f.all_form and count is None:
                pool = cands[:1] if not f.remaining else [ctx.remaining] if ctx.remaining else []
                if not pool:
                    return None
                count = num = den = pool[0]
            elif den is None and num is not None and count is not None:
                if f.pct is not None:
                    den = next(
                        (c for c in cands if _pct_consistent(num, c, f.pct, f.pct_decimals)), None
                    )
                elif cands and (f.remaining or f.those or den_context is not None or f.zero
                                or f.has_pop or f.needs_cue):  # fmt: skip
                    first = cands[0]
                    den = first if num <= first else None
            elif den is not None and num is None and f.pct is not None:
                exact = [n for n in range(den + 1) if _pct_consistent(n, den, f.pct,
                                                                       f.pct_decimals)]  # fmt: skip
                num = exact[0] if len(exact) == 1 else None
            if population is None and den is not None and den in cands:
                population = ctx.cohort_population
            if f.remaining and ctx.remaining is not None and den == ctx.remaining:
                ctx.cohort = ctx.remaining
            if f.all_form and den is not None:
                ctx.cohort = den
            if (
                measure == "discontinuation"
                and num is not None
                and den is not None
                and den == ctx.cohort
                and num < den
            ):
                ctx.remaining = den - num

        if f.pct is not None:
            value, unit = float(f.pct), "percent"
        elif count is not None:
            value, unit = float(count), "count"
        else:
            return None

        # ties
        drug: _Mention | None = None
        drug_text: str | None = None
        drug_id: str | None = None
        if f.arm is not None:
            s, e = f.arm
            drug_text = parser.text[s:e].strip()
            inside = ctx.in_range(base + s, base + e + 1)
            arm_drugs = [m for m in inside if m.label == "DRUG"]
            if arm_drugs:
                drug_id = arm_drugs[0].concept_id
        else:
            drug = self._following_drug(sent_mentions, parser.text, base, f)
            if drug is None:
                drug = self._nearest(sent_mentions, "DRUG", base + f.start, base + f.end)
            if drug is None:
                drug = ctx.main("DRUG")
            if drug is not None:
                drug_text, drug_id = drug.text, drug.concept_id
        disease: _Mention | None
        if measure in EVENT_MEASURES:
            disease = self._population_disease(sent_mentions, parser.text, base)
        else:
            disease = self._nearest(sent_mentions, "DISEASE", base + f.start, base + f.end)
        if disease is None:
            disease = ctx.main("DISEASE")

        start, end = base + f.start, base + f.end
        return {
            "outcome_id": f"{sent_idx}:{start}",
            "sent_idx": sent_idx,
            "start_char": start,
            "end_char": end,
            "text": parser.text[f.start : f.end],
            "measure": measure,
            "value": value,
            "unit": unit,
            "numerator": num,
            "denominator": den,
            "ci_low": f.ci.low if f.ci else None,
            "ci_high": f.ci.high if f.ci else None,
            "ci_level": f.ci.level if f.ci else None,
            "p_value": f.p.p if f.p else None,
            "p_relation": f.p.rel if f.p else None,
            "timepoint": f.timepoint,
            "population": population,
            "drug_concept_id": drug_id,
            "drug_text": drug_text,
            "disease_concept_id": disease.concept_id if disease else None,
            "disease_text": disease.text if disease else None,
            "negated": bool(f.negated),
        }

    @staticmethod
    def _nearest(mentions: list[_Mention], label: str, start: int, end: int) -> _Mention | None:
        best: tuple[int, _Mention] | None = None
        for m in mentions:
            if m.label != label or m.negated:
                continue
            dist = start - m.end if m.end <= start else m.start - end if m.start >= end else 0
            if best is None or dist < best[0]:
                best = (dist, m)
        return best[1] if best else None

    @staticmethod
    def _following_drug(
        mentions: list[_Mention], text: str, base: int, f: _Figure
    ) -> _Mention | None:
        """ "16.5% with azathioprine": the drug named right after the figure."""
        for m in mentions:
            s = m.start - base
            if m.label != "DRUG" or s < f.end or s - f.end > 30:
                continue
            if re.fullmatch(
                r"\s*\)?\s*(?:of\s+(?:those|the\s+)?(?:patients|subjects|children|participants)?\s*)?"
                r"(?:with|on|in|receiving|for|after|under|given|taking|treated\s+with)\s+(?:the\s+)?",
                text[f.end : s],
                re.IGNORECASE,
            ):
                return m
        return None

    @staticmethod
    def _population_disease(mentions: list[_Mention], text: str, base: int) -> _Mention | None:
        for m in mentions:
            if m.label != "DISEASE" or m.negated:
                continue
            s = m.start - base
            before = text[max(0, s - 40) : s].lower()
            after = text[m.end - base : m.end - base + 12].lower()
            if re.search(r"\b(?:with|for)\s+(?:[\w-]+\s+){0,2}$", before) or re.match(
                r"\s*(?:patients|subjects|cases)\b", after
            ):
                return m
        return None

    # -- serialization ----------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / CUES_FILE).open("w", encoding="utf8") as fh:
            for rule in self.cues:
                obj: dict[str, Any] = {"measure": rule.measure, "pattern": rule.pattern}
                if rule.priority != 1:
                    obj["priority"] = rule.priority
                if rule.id is not None:
                    obj["id"] = rule.id
                if rule.comment is not None:
                    obj["comment"] = rule.comment
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        (path / LEXICON_FILE).write_text(
            json.dumps(self.lexicon.data, ensure_ascii=False, indent=1) + "\n", encoding="utf8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> OutcomeExtractor:
        path = Path(path)
        self.set_rules(load_cues(path / CUES_FILE), load_lexicon(path / LEXICON_FILE))
        return self
