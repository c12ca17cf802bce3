"""Counts of subjects that are not the trial's enrollment nor an outcome, and fractions that
count no subjects: `EnrollmentScope`,
compiled from the `enrollment_scope` object of `rules/outcomes_lexicon.json` (its own comment
says what each list is for):

- accrual states: "Accrual was closed early (n = 212/350) after the interim analysis of
  response": an "(n = X/Y)" in a clause about the trial's accrual (an `accrual_nouns` entry
  before it in its clause, not after a preposition: "At enrollment, ..." is a time) counts who
  had been enrolled of the number planned: enrollment, whatever outcome cue is near;
- non-participants: "Women joining (n = 12) or refusing (n = 14) the study were interviewed":
  an "(n = N)" right after a `decline_words` entry counts who declined to take part, not who
  was enrolled: no row (who joined, accepted or agreed is who was enrolled: "Of 80 women asked,
  60 agreed to take part" gives the enrollment);
- samples and tissue collected (`sample_counts`): "Tumour tissue was collected before
  treatment (n = 96), after two cycles (n = 71) ...": a `sample_nouns` entry as its clause's
  subject (its auxiliary right after it), or a `tissue_nouns` entry with its auxiliary and then
  a `collection_verbs` entry, before an "(n = N)": the "(n = N)" counts samples, not
  subjects, and so do the "(n = N)" listed after it. Not "soft tissue swelling (n = 5)" (no
  auxiliary) nor "tissue was available (n = 80)" (who gave data is who was analysed);
- subgroups in a reported clause: "Our exploratory analysis showed that in highly anxious
  women (N = 48 before treatment; 35%), the program ... more than in the control group": a
  clause that opens after a `complement_openers` entry on a group with its size in brackets is
  a subgroup as one opening the sentence is (`outcome_totals.subgroup_sizes`);
- genotypes (`genotype_traits`): "92 women (48%) with a mean age of 57 years carried at least
  one copy of the T allele", "40 patients (25%) were heterozygous": who was studied, a baseline
  trait as "65% were postmenopausal" is, no outcome; not a figure with a predicate of its own
  before ("12 patients (20%) relapsed and 30 had two copies ...": a `predicate_joiners`
  entry between) nor subjects a relative pronoun describes ("who had two copies");
- tumours examined as specimens (`specimen_counts`): "Twenty-two tumors had frameshift
  mutations", "Six tumours retained the paternal allele", "mutations in 63 colorectal tumors (16
  adenomas and 47 carcinomas)": a count of a `specimen_nouns` entry (a few words may stand
  between: "63 colorectal tumors") in a sentence with a `genetic_finding_words` entry counts the
  tumours a genetic or molecular study examined, not subjects nor events: no row. Tumours a
  trial counts as its events name no such finding ("Fifteen breast cancers occurred in the
  tamoxifen arm") and stay;
- sizes of a measurement (`measured_sizes`): "0.8 +/- 0.2 micrograms/ml, respectively (mean +/-
  SD, n = 6)", "(1.34 +/- 0.89, n = 48)", "1.26 (1.06-1.50) µg. ml-1, n = 41)", "39 +/- 10
  pg/ml (n = 6)": an "(n = N)" in a bracket that holds a `dispersion_marks` entry or a
  `concentration_units` entry (from its opening, or its sentence's start when a sentence split
  cut it, to its close), or right after a value with one, counts the subjects a value was
  measured in, not who was enrolled: no row. Not a bracket right after a population noun, an
  arm noun or a control arm, nor one with a `group_trait_words` entry or a threshold's sign: a
  group's size with its traits ("normotensive controls (128 +/- 3 mm Hg, n = 8)", "exercise (n
  = 40; mean age 52 +/- 6 years)"); nor one with a label, a word that is no mark nor unit: an
  arm's size ("1.17 ± 1.11 (biosimilar, N = 101)");
- hedged fractions (`hedged_fractions`): "as ~1/4 of the women dropped out", "approximately 1/3
  of patients": a fraction after a `hedges` entry or an `approximation_signs` entry is a share
  (25%, 33.3%), not a count of one subject of four.

Reads only the sentence text, its light tokens and the figures; each test reads a bounded
window (module constants), so a sentence costs time linear in its length.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_tokens import Figure, Tok
from pipeline.rules import RuleError, check_word_table

# the lexicon key of this module's word lists, and the lists it holds
ENROLLMENT_SCOPE_KEY = "enrollment_scope"
ENROLLMENT_SCOPE_LISTS: tuple[str, ...] = (
    "accrual_nouns",
    "accrual_time_words",
    "decline_words",
    "tissue_nouns",
    "collection_verbs",
    "complement_openers",
    "approximation_signs",
    "genotype_nouns",
    "genotype_states",
    "possession_verbs",
    "predicate_joiners",
    "specimen_nouns",
    "genetic_finding_words",
    "dispersion_marks",
    "concentration_units",
    "group_trait_words",
)
# the lexicon's lists this module reads too
_SHARED_LISTS: tuple[str, ...] = (
    "sample_nouns", "population_nouns", "auxiliaries", "strong_boundaries", "list_connectors",
    "arm_nouns", "control_arms", "unit_words",
)  # fmt: skip
# How many tokens before an "(n = N)" the noun it counts may stand, and between two "(n = N)"
# of one list of samples.
SAMPLE_LOOKBACK = 25
# the exact share after a hedged fraction: "almost 2/3 of the patients (62.5%)"
_EXACT_SHARE_RE = re.compile(r"[^()\[\].;]{0,40}?[(\[]\s*\d[\d.·]*\s*%")
# How far (characters) after a figure its genotype predicate may start.
GENOTYPE_WINDOW = 80
# How far (characters) before an "(n = X/Y)" its clause's accrual noun may stand.
ACCRUAL_WINDOW = 160
# How many tokens after a tissue noun (its auxiliary, an adverb) the verb of collection may be.
COLLECTION_REACH = 3
# How far (characters) before an "(n = N)" the value it is the size of, and the opening of its
# bracket, are looked for.
MEASURED_WINDOW = 120
# How many words after a count the tumour noun it counts may stand ("63 colorectal tumors",
# "13 closely related lymphomas").
SPECIMEN_REACH = 4


def validate_enrollment_scope(obj: Any, source: str) -> None:
    """The `enrollment_scope` object: each list named, non-empty, no other key but its
    comment (errors name the key)."""
    where = f"{source}: key {ENROLLMENT_SCOPE_KEY!r}"
    check_word_table(obj, where=where, lists=ENROLLMENT_SCOPE_LISTS)
    for key in ENROLLMENT_SCOPE_LISTS:
        if not obj[key]:
            raise RuleError(f"{where}: key {key!r} is an empty list; expected words")


class EnrollmentScope:
    """The `enrollment_scope` lists compiled to sets and regexes (read-only after
    construction). `data`: the whole lexicon (its prepositions, auxiliaries, hedges, sample
    and population nouns and a few more lists are read too)."""

    def __init__(self, data: dict[str, Any]) -> None:
        low = {k: frozenset(w.lower() for w in data[ENROLLMENT_SCOPE_KEY][k])
               for k in ENROLLMENT_SCOPE_LISTS}  # fmt: skip
        self._tissue_nouns = low["tissue_nouns"]
        self._collection_verbs = low["collection_verbs"]
        shared = {k: frozenset(w.lower() for w in data[k]) for k in _SHARED_LISTS}
        self._sample_nouns = shared["sample_nouns"]
        self._pop = shared["population_nouns"]
        self._auxiliaries = shared["auxiliaries"]
        self._boundaries = shared["strong_boundaries"]
        self._connectors = shared["list_connectors"]
        self._counted_nouns = self._sample_nouns | self._tissue_nouns
        self._specimen_nouns = low["specimen_nouns"]
        self._genetic_words = low["genetic_finding_words"]
        self._build_accrual(data, low)
        self._build_brackets(low, shared)
        self._build_predicates(data, low)

    def _build_accrual(self, data: dict[str, Any], low: dict[str, frozenset[str]]) -> None:
        """What reads a clause about accrual ("Accrual was closed", "recruitment to the study was
        halted"): its accrual noun and verb, the words no accrual subject follows, its end."""
        # no accrual noun after these is the clause's subject: "At enrollment, ...", "Before
        # randomization ..."
        self._preps = frozenset(
            w.lower() for k in ("prepositions", "timepoint_prepositions") for w in data[k]
        ) | low["accrual_time_words"]
        # what ends the clause an accrual noun opens
        self._clause_end_re = re.compile(
            rf"[;:]|(?<![\w-])(?:{_alt(data['strong_boundaries'])})(?![\w-])", re.IGNORECASE
        )
        # the accrual noun, then its verb's auxiliary within a few words and no comma
        # ("recruitment to the study was halted", "Accrual was closed")
        self._accrual_re = re.compile(
            rf"(?<![\w-])(?:{_alt(low['accrual_nouns'])})(?:\s+[^\s,;:()]+){{0,4}}?\s+"
            rf"(?:{_alt(data['auxiliaries'])})(?![\w-])",
            re.IGNORECASE,
        )
        self._accrual_gate = frozenset(w.split()[0] for w in low["accrual_nouns"])

    def _build_brackets(
        self, low: dict[str, frozenset[str]], shared: dict[str, frozenset[str]]
    ) -> None:
        """What reads an "(n = N)" bracket and the words right before it: a measurement's marks and
        what else it holds, a group's name or traits, a dispersed value, a refusal, the bracket's
        end before a comma."""
        # what a measured value is written with: a dispersion or statistic's label, a
        # concentration's unit (no dose unit: "(10 mg bid; n = 114)" is an arm's size)
        # (a word is matched whole; a sign or a unit after "/" also inside a number or a
        # unit: "0.4±0.1", "pg/ml")
        marks = low["dispersion_marks"] | low["concentration_units"]
        words = _alt(m for m in marks if m[0].isalpha())
        signs = _alt(m for m in marks if not m[0].isalpha())
        marked = rf"(?:(?<![\w-])(?:{words})(?![\w-])|(?:{signs}))"
        self._measured_re = re.compile(marked, re.IGNORECASE)
        # what a bracket of a measurement holds besides its marks: numbers, units, signs; any
        # other word is a label ("(biosimilar, N = 101)": an arm's size)
        # (each piece read once, no backtracking into the run: "±" is a sign and a non-word
        # character, so a run of them failing at a label took 2^n tries; a sign that ends with a
        # letter ("/ml") must end its word, as the rest of that word could not be read anyway)
        units = _alt(shared["unit_words"] | {u.lstrip("/") for u in low["concentration_units"]})
        self._unlabelled_re = re.compile(
            rf"(?:(?<![\w-])(?:{words})(?![\w-])|(?:{signs})(?![^\W\d_])"
            rf"|(?<![^\W\d_])(?:{units})(?![^\W\d_])|[^\w]|\d|_)*+",
            re.IGNORECASE,
        )
        self._group_trait_re = re.compile(
            rf"(?<![\w-])(?:{_alt(low['group_trait_words'])})(?![\w-])", re.IGNORECASE
        )
        # a group's name right before the bracket: its size, with its traits
        named = shared["population_nouns"] | shared["arm_nouns"] | shared["control_arms"]
        self._group_before_re = re.compile(
            rf"(?<![\w-])(?:{_alt(named)})\s*[(\[]\s*$", re.IGNORECASE
        )
        # a value written with a dispersion right before the bracket ("39 +/- 10 pg/ml (n = 6)";
        # not "Subjects with HDL-C of 100 mg/dl or more (n = 130)": a group's threshold)
        self._dispersed_before_re = re.compile(
            rf"(?:{_alt(m for m in low['dispersion_marks'] if not m[0].isalpha())})\s*[\d.]+"
            r"\s*(?:[^\s\d()\[\]]+\s*)?[(\[]\s*$"
        )
        # "refusing (n = 14)", "declined (N = 30)": right before the bracket
        self._declined_re = re.compile(
            rf"(?<![\w-])(?:{_alt(low['decline_words'])})\s*[(\[]\s*$", re.IGNORECASE
        )
        # the end of a subgroup's bracket, then a comma: "(n = 150),", "(N = 57 at baseline;
        # 41%),"
        self.bracket_clause_end_re = re.compile(r"[^()\[\]]{0,40}?[)\]]\s*,")

    def _build_predicates(self, data: dict[str, Any], low: dict[str, frozenset[str]]) -> None:
        """What reads the predicate of a figure: a genotype's ("were heterozygous"), the words that
        end it at another figure's, a hedge before a denominator, a reported clause's opener."""
        joiners = _alt(low["predicate_joiners"])
        groups = _alt(data["finding_prepositions"])
        # a figure's genotype predicate: "had at least one copy of", "were heterozygous"
        self._genotype_re = re.compile(
            rf"[^;]{{0,{GENOTYPE_WINDOW}}}?(?<![\w-])(?:"
            rf"(?:{_alt(low['possession_verbs'])})\s+(?:[\w-]+\s+){{0,3}}?"
            rf"(?:{_alt(low['genotype_nouns'])})"
            rf"|(?:{_alt(data['auxiliaries'])})\s+(?:{_alt(low['genotype_states'])}))(?![\w-])",
            re.IGNORECASE,
        )
        # (a word that holds another gate word is left out: "alleles" holds "allele", and the
        # test is for a substring)
        gate = low["genotype_nouns"] | low["genotype_states"]
        self._genotype_gate = tuple(sorted(
            w for w in gate if not any(v != w and v in w for v in gate)
        ))  # fmt: skip
        # what stands between a figure and another figure's predicate
        self._list_word_re = re.compile(
            rf"(?<![\w-])(?:{joiners}|{_alt(data['relative_pronouns'])})(?![\w-])|;",
            re.IGNORECASE,
        )
        signs = _alt(low["approximation_signs"])
        self._max_hedged_den: int = data["limits"]["max_hedged_denominator"]
        self._hedged_re = re.compile(
            rf"(?:(?<![\w-])(?:{_alt(data['hedges'])})\s+|(?:{signs})\s*)$", re.IGNORECASE
        )
        # "... found that in highly anxious women (": where a reported clause opens
        self._complement_re = re.compile(
            rf"\b(?:{_alt(low['complement_openers'])})\s+(?=(?:{groups})\s)", re.IGNORECASE
        )
        # (where a `_complement_re` match can start, in the last text asked: `clause_start`)
        self._opener_re = re.compile(
            rf"\b(?:{_alt(low['complement_openers'])})\s+", re.IGNORECASE
        )
        self._opened: tuple[str, list[int]] = ("", [])

    def accrual_states(self, figures: list[Figure], text: str, enrollment: str) -> None:
        """Make each "(n = X/Y)" in a clause about accrual an enrollment figure."""
        for f in figures:
            if not f.n_form or f.pct is not None or f.den is None or f.measure is None:
                continue
            lo = max(0, f.start - ACCRUAL_WINDOW)
            if not any(w in text[lo : f.start].lower() for w in self._accrual_gate):
                continue
            for m in self._accrual_re.finditer(text, lo, f.start):
                if self._subject(text, m.start()) and not self._clause_end_re.search(
                    text, m.end(), f.start
                ):
                    f.measure = enrollment
                    break

    def _subject(self, text: str, at: int) -> bool:
        """The accrual noun at `at` is no preposition's object ("At enrollment, ...")."""
        words = text[max(0, at - 20) : at].split()
        return not words or words[-1].lower() not in self._preps

    def genotype_traits(self, figures: list[Figure], text: str, low: str) -> set[int]:
        """Indices of the figures whose predicate is a genotype (`low`: `text.lower()`)."""
        if not any(w in low for w in self._genotype_gate):
            return set()
        out: set[int] = set()
        for k, f in enumerate(figures):
            if f.n_form:
                continue
            m = self._genotype_re.match(text, f.end)
            if m is not None and not self._list_word_re.search(text, f.end, m.end()):
                out.add(k)
        return out

    def measured_sizes(self, figures: list[Figure], text: str) -> set[int]:
        """Indices of the "(n = N)" figures that count the subjects a value was measured in
        (see the module's docstring): a bracket read from its opening, or from the sentence's
        start when none opens before the figure within `MEASURED_WINDOW` characters, to its
        close, within `MEASURED_WINDOW` characters after the figure."""
        out: set[int] = set()
        for k, f in enumerate(figures):
            if not f.n_form or f.pct is not None or f.den is not None:
                continue
            lo = max(0, f.start - MEASURED_WINDOW)
            opening = max(text.rfind("(", lo, f.start), text.rfind("[", lo, f.start))
            if opening >= 0 and max(text.rfind(")", opening, f.start),
                                    text.rfind("]", opening, f.start)) >= 0:
                continue  # (a bracket closed between: not the figure's)
            # (its close within `MEASURED_WINDOW` characters too: a longer bracket holds a
            # word, a label; each figure reads a bounded window, not the rest of its sentence)
            sign = "]" if opening >= 0 and text[opening] == "[" else ")"  # ("[n = 6]")
            close = text.find(sign, f.end, f.end + MEASURED_WINDOW)
            if close < 0 and len(text) > f.end + MEASURED_WINDOW:
                continue
            if opening < 0 and (f.start > MEASURED_WINDOW or close < 0):
                continue  # (no bracket: "Controls, no CRF or ESRD, n = 748; ...")
            close = len(text) if close < 0 else close
            bracket = text[max(opening, 0) : close]
            if self._group_trait_re.search(bracket) or any(c in bracket for c in "<>≤≥") or (
                opening >= 0 and self._group_before_re.search(text, lo, opening + 1)
            ):
                # "controls (128 +/- 3 mm Hg, n = 8)", "(HDL-C > 100 mg/dl, n = 130)": a
                # group's size, by its traits or a threshold
                continue
            rest = text[max(opening + 1, 0) : f.start] + text[f.end : close]
            if not self._unlabelled_re.fullmatch(rest):
                continue  # "1.17 ± 1.11 (biosimilar, N = 101)": an arm's label
            if self._measured_re.search(bracket) or (
                opening >= 0 and self._dispersed_before_re.search(text, lo, opening + 1)
            ):
                out.add(k)
        return out

    def hedged_fractions(self, figures: list[Figure], text: str) -> list[Figure]:
        """The figures with each vulgar fraction (a denominator of at most
        `limits.max_hedged_denominator`) after a hedge ("about 1/3") read as the share it
        approximates, and left out where the exact share follows it ("almost 2/3 of the
        patients (62.5%)": one figure, the exact one)."""
        kept: list[Figure] = []
        for f in figures:
            if (f.num is None or not f.den or f.pct is not None or f.n_form
                    or f.den > self._max_hedged_den):  # ("approximately 12/36": a count)
                kept.append(f)
                continue
            if self._hedged_re.search(text, max(0, f.start - 20), f.start):
                if _EXACT_SHARE_RE.match(text, f.end):
                    continue
                f.pct, f.pct_decimals = round(100 * f.num / f.den, 1), 1
                f.num = f.den = f.count = None
            kept.append(f)
        return kept

    def non_participants(self, figures: list[Figure], text: str) -> set[int]:
        """Indices of the "(n = N)" figures that count who declined to take part ("refusing
        (n = 14)")."""
        out: set[int] = set()
        for k, f in enumerate(figures):
            if not f.n_form or f.pct is not None:
                continue
            if self._declined_re.search(text, max(0, f.start - 40), f.start):
                out.add(k)
        return out

    def sample_counts(self, figures: list[Figure], toks: list[Tok]) -> set[int]:
        """Indices of the "(n = N)" figures that count samples or tissue (`_counts_samples`),
        and of those listed after one ("Tumour tissue was collected before treatment (n = 96),
        after two cycles of drug A alone (n = 71) and at surgery (n = 50)": each timepoint's
        count of the same samples; nothing between them is a subject, a verb or a clause
        end)."""
        out: set[int] = set()
        for k, f in enumerate(figures):
            if not f.n_form or f.pct is not None:
                continue
            prev = figures[k - 1] if k - 1 in out else None
            if (prev is not None and self._plain_gap(toks, prev.te, f.ts)) or (
                self._counts_samples(f, toks)
            ):
                out.add(k)
        return out

    def _plain_gap(self, toks: list[Tok], i: int, j: int) -> bool:
        return j - i <= SAMPLE_LOOKBACK and not any(
            t.lower in self._pop or t.lower in self._auxiliaries
            or (t.lower in self._boundaries and t.num is None)
            for t in toks[i:j]
        )  # fmt: skip

    def _counts_samples(self, f: Figure, toks: list[Tok]) -> bool:
        """ "Tumour samples were collected before treatment (n = 110), after one cycle (n =
        89) ...": samples, the subject of the clause (an auxiliary right after them), are the
        last noun named before the "(n = N)": it counts them (a bounded look back, within the
        clause, stopped by a population noun and by an auxiliary of another subject: one not
        after the samples, another auxiliary or a list connector, so "samples had been
        collected" and "samples were obtained and were analysed" stay the samples'). A tissue,
        biopsy or block counts only with a verb of collection after its auxiliary ("Tumour
        tissue was collected at surgery (n = 59)"): not "soft tissue swelling (n = 5)" nor
        "tissue was available (n = 80)"."""
        nouns = self._counted_nouns
        for k in range(f.ts - 1, max(-1, f.ts - SAMPLE_LOOKBACK), -1):
            low = toks[k].lower
            if low in self._pop or (low in self._boundaries and toks[k].num is None):
                return False
            if low in self._auxiliaries:
                prev = toks[k - 1].lower if k else ""
                if not (prev in nouns or prev in self._auxiliaries or prev in self._connectors):
                    return False  # another clause's verb: "..., and neutropenia was recorded"
            if low in nouns:
                if not (k + 1 < len(toks) and toks[k + 1].lower in self._auxiliaries):
                    return False
                after = toks[k + 2 : k + 2 + COLLECTION_REACH]
                return low in self._sample_nouns or any(
                    t.lower in self._collection_verbs for t in after
                )
        return False

    def specimen_counts(self, figures: list[Figure], toks: list[Tok]) -> set[int]:
        """Indices of the counts of tumours a genetic or molecular study examined: a count (no
        percentage, no subjects) whose next words, up to `SPECIMEN_REACH` of them and no
        punctuation, number or auxiliary, reach a `specimen_nouns` entry, in a sentence with a
        `genetic_finding_words` entry (looked for once, and only when such a count is
        found)."""
        out: set[int] = set()
        genetic: bool | None = None
        for k, f in enumerate(figures):
            if f.pct is not None or f.count is None or f.has_pop:
                continue
            if not self._counts_specimens(f, toks):
                continue
            if genetic is None:
                genetic = any(t.lower in self._genetic_words for t in toks)
            if not genetic:
                return out
            out.add(k)
        return out

    def _counts_specimens(self, f: Figure, toks: list[Tok]) -> bool:
        for t in toks[f.te : f.te + SPECIMEN_REACH]:
            if t.lower in self._specimen_nouns:
                return True
            if t.num is not None or not t.text[0].isalpha() or t.lower in self._auxiliaries:
                return False
        return False

    def clause_start(self, text: str, lo: int, hi: int) -> int:
        """Where the last reported clause that opens on a group ("that in ...") starts in
        text[lo:hi], else `lo`."""
        # (the last match, tried back from hi at the openers found once a sentence: a scan of
        # each figure's clause from the sentence's start was quadratic; an opener has no
        # opener inside it, so matches do not overlap and a scan finds each)
        if self._opened[0] is not text:
            self._opened = (text, [m.start() for m in self._opener_re.finditer(text)])
        starts = self._opened[1]
        for k in range(bisect.bisect_left(starts, hi) - 1, bisect.bisect_left(starts, lo) - 1, -1):
            m = self._complement_re.match(text, starts[k], hi)
            if m is not None:
                return m.end()
        return lo
