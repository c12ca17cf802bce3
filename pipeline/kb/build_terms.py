"""`biotab kb build`, the terms: their ranks, spelling variants and which become patterns.

A concept's terms are ranked by where they come from (a pattern string claimed by several
concepts goes to the lowest rank); `interleukin_variants` and `british_variant` add spellings;
`PatternFilter.reason` says why a term is not a tagger pattern (too short, systematic, a common
English word, ...) and `PatternFilter.excluded_concept` which concepts give no patterns at all.
`default_common_word` is the common-English-word test (wordfreq if installed). Reads the rule
files through `RuleFiles`; writes nothing.
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.kb import normalize_term, strip_salts
from pipeline.kb.build_drafts import Draft
from pipeline.kb.build_rules import RuleFiles
from pipeline.labels import CYTOKINE, DRUG

log = logging.getLogger(__name__)

# Pattern filters
COMMON_WORD_ZIPF = 4.0  # single words at least this frequent in English are not patterns
MIN_PATTERN_CHARS = 3
MAX_PATTERN_TOKENS = 5
MAX_PATTERN_DIGITS = 3
MAX_PATTERN_CHARS = 60
SHORT_ABBREVIATION_CHARS = 4  # all-caps DRUG/DISEASE terms this short are left to abbreviations
SHORT_WORD_CHARS = 3  # one-word terms this short ("sid") only from the keep list / HGNC symbols
# brand names and HGNC alias symbols ("Fargo", "TRANCE") are held to a stricter common-word test
VARIANT_COMMON_WORD_ZIPF = 3.3

# Term ranks: a pattern string claimed by several concepts goes to the lowest rank.
RANK_CURATED = 0
RANK_HGNC_SYMBOL = 1
RANK_MESH_NAME = 2
RANK_MESH_ENTRY = 3
RANK_SUPP_NAME = 4
RANK_SUPP_SYNONYM = 5
RANK_PACKAGE_VARIANT = 6
RANK_HGNC_ALIAS = 7

_INTERLEUKIN_SYMBOL = re.compile(r"IL(\d+)([A-G]?)")


# ------------------------------------------------------------------------------- common words
def default_common_word() -> tuple[Callable[[str], bool], Callable[[str], bool], str]:
    """(is_common, is_common_for_variants, description): wordfreq if installed, else spaCy's
    English stop words."""
    try:
        import wordfreq
    except ImportError:
        from spacy.lang.en.stop_words import STOP_WORDS

        log.warning("wordfreq is not installed: using spaCy's English stop words only")

        def is_stop(word: str) -> bool:
            return word in STOP_WORDS

        return is_stop, is_stop, "spacy.lang.en.stop_words (wordfreq not installed)"

    def is_common(word: str) -> bool:
        return wordfreq.zipf_frequency(word, "en") >= COMMON_WORD_ZIPF

    def is_common_variant(word: str) -> bool:
        return wordfreq.zipf_frequency(word, "en") >= VARIANT_COMMON_WORD_ZIPF

    version = importlib.metadata.version("wordfreq")
    return (
        is_common,
        is_common_variant,
        f"wordfreq {version}: zipf_frequency(word, 'en') >= {COMMON_WORD_ZIPF} "
        f"(>= {VARIANT_COMMON_WORD_ZIPF} for brand-name variants and HGNC alias symbols)",
    )


# ----------------------------------------------------------------------------------- variants
def interleukin_variants(symbol: str) -> list[str]:
    """IL2 -> IL-2, IL 2, interleukin-2, interleukin 2 (IL17A -> IL-17A, interleukin-17A)."""
    m = _INTERLEUKIN_SYMBOL.fullmatch(symbol)
    if not m:
        return []
    num = m.group(1) + m.group(2)
    return [f"IL-{num}", f"IL {num}", f"interleukin-{num}", f"interleukin {num}"]


_BRITISH = (
    (re.compile(r"tumor"), "tumour"),
    (re.compile(r"\bhem(?=[aot])"), "haem"),
    (re.compile(r"(?<=[^aeiou\s])emia\b"), "aemia"),
    (re.compile(r"\bedema"), "oedema"),
    (re.compile(r"\besophag"), "oesophag"),
    (re.compile(r"\bestr(?=o|adiol)"), "oestr"),
    (re.compile(r"diarrhea"), "diarrhoea"),
    (re.compile(r"\bpediatr"), "paediatr"),
    (re.compile(r"\bceliac"), "coeliac"),
    (re.compile(r"\bfetal"), "foetal"),
    (re.compile(r"dyspnea"), "dyspnoea"),
)


def british_variant(pattern: str) -> str | None:
    out = pattern
    for rx, repl in _BRITISH:
        out = rx.sub(repl, out)
    return out if out != pattern else None


# ------------------------------------------------------------------------------ the filter
@dataclass
class PatternFilter:
    """Which terms and concepts give tagger patterns, by the rule files and the common-word
    tests (`is_rare_common`: the stricter test for brand-name variants and HGNC aliases)."""

    rules: RuleFiles
    is_common: Callable[[str], bool]
    is_rare_common: Callable[[str], bool]

    def excluded_concept(self, d: Draft) -> bool:
        """`d` gives no patterns: a research compound, or all its trees excluded."""
        # research compounds: only INN-like one-word names ("dupilumab") are patterns
        if (
            d.concept_id.startswith("MESH:C")
            and d.label == DRUG
            and not d.confirmed
            and not self.rules.inn_stems.fullmatch(d.name.lower())
        ):
            return True
        trees = [t for t in (d.tree_numbers or d.heading_trees) if t.startswith(("C", "D", "F03"))]
        if not trees:
            return False
        for t in trees:
            matches = [(len(p), sc) for p, sc in self.rules.exclude_trees if t.startswith(p)]
            scope = max(matches)[1] if matches else None
            if scope is None or (scope == "unconfirmed" and d.confirmed):
                return False
        return True

    def reason(self, term: str, label: str, rank: int) -> str | None:
        """Why `term` is not a tagger pattern (None: it is one)."""
        if rank == RANK_CURATED:
            return None
        key = normalize_term(term)
        if len(term) < MIN_PATTERN_CHARS or not key:
            return "short"
        if not re.search(r"[^\W\d_]", term):
            return "no_letters"
        if "," in term or ";" in term:
            return "inverted_or_list"
        if re.search(r"[()\[\]{}<>=*?!@#$^|~\"]", term):
            return "systematic"
        if len(term) > MAX_PATTERN_CHARS or len(term.split()) > MAX_PATTERN_TOKENS:
            return "long"
        if sum(ch.isdigit() for ch in term) > MAX_PATTERN_DIGITS or term.count("-") >= 4:
            return "systematic"
        if key in self.rules.stopterms:
            return "stopterm"
        if key in self.rules.keep_terms or strip_salts(key) in self.rules.keep_terms:
            return None
        if (
            label != CYTOKINE
            and term.isupper()
            and len(term.replace("-", "")) <= SHORT_ABBREVIATION_CHARS
        ):
            return "short_abbreviation"
        if term.isalpha():
            return self._word_reason(term, label, rank)
        return None

    def _word_reason(self, term: str, label: str, rank: int) -> str | None:
        """`reason` for a one-word alphabetic term."""
        if len(term) <= SHORT_WORD_CHARS and not (label == CYTOKINE and rank <= 1):
            return "short"
        if self.is_common(term.lower()):
            return "common_word"
        if rank in (RANK_PACKAGE_VARIANT, RANK_HGNC_ALIAS) and self.is_rare_common(term.lower()):
            return "common_word"
        return None


def filters_manifest() -> dict[str, float]:
    """The pattern filters, as the manifest records them."""
    return {
        "min_pattern_chars": MIN_PATTERN_CHARS,
        "max_pattern_tokens": MAX_PATTERN_TOKENS,
        "max_pattern_digits": MAX_PATTERN_DIGITS,
        "max_pattern_chars": MAX_PATTERN_CHARS,
        "short_abbreviation_chars": SHORT_ABBREVIATION_CHARS,
        "short_word_chars": SHORT_WORD_CHARS,
        "common_word_zipf": COMMON_WORD_ZIPF,
        "variant_common_word_zipf": VARIANT_COMMON_WORD_ZIPF,
    }
