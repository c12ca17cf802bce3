"""Stage function for the `outcomes` table: the rows `biotab_outcomes` wrote on a Doc, typed.

Also holds the gold-set scorer used by `tests/test_outcomes.py` and
`benchmarks/outcomes_eval.py` (one JSON object per line: {"text", "ents": [{"start", "end",
"label", "concept_id"}], "expected": [{"measure", "value", "unit", "numerator", "denominator",
...optional columns}]}).
"""

from __future__ import annotations

import json
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pyarrow as pa
from spacy.tokens import Doc

import pipeline.extensions  # noqa: F401  (registers Doc._.outcomes)
from pipeline.components.outcome_rules import MEASURES, UNITS
from pipeline.components.outcome_tokens import MAX_COUNT


@dataclass(frozen=True, slots=True)
class OutcomeFigure:
    """One outcome figure as `biotab_outcomes` read it: a row of the outcomes table without
    doc_id. Offsets are into the Doc's text; value is a percentage (unit 'percent') or a count."""

    outcome_id: str
    sent_idx: int
    start_char: int
    end_char: int
    text: str
    measure: str
    value: float
    unit: str
    numerator: int | None = None
    denominator: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = None
    p_value: float | None = None
    p_relation: str | None = None
    timepoint: str | None = None
    population: str | None = None
    arm: str | None = None
    group_size: int | None = None
    drug_concept_id: str | None = None
    drug_text: str | None = None
    disease_concept_id: str | None = None
    disease_text: str | None = None
    event_concept_id: str | None = None
    event_text: str | None = None
    negated: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The figure as the dict `Doc._.outcomes` holds (JSON-serializable)."""
        return dict(zip(ROW_KEYS, _row_values(self), strict=True))


ROW_KEYS: tuple[str, ...] = tuple(f.name for f in fields(OutcomeFigure))
# (every field read in one call: a dict comprehension of getattr cost twice as much)
_row_values = operator.attrgetter(*ROW_KEYS)


def _f(name: str, typ: pa.DataType, nullable: bool, description: str, example: str) -> pa.Field:
    return pa.field(
        name,
        typ,
        nullable=nullable,
        metadata={"description": description, "example": example},
    )


OUTCOMES_SCHEMA = pa.schema(
    [
        _f("doc_id", pa.string(), False, "Document the figure comes from.", "23217273"),
        _f(
            "outcome_id",
            pa.string(),
            False,
            "Figure id, unique within the document: '<sent_idx>:<start_char>'.",
            "18:2154",
        ),
        _f("sent_idx", pa.int32(), False, "0-based index of the sentence in the document.", "18"),
        _f(
            "start_char",
            pa.int32(),
            False,
            "Start of the figure expression, 0-based offset into documents.text.",
            "2154",
        ),
        _f("end_char", pa.int32(), False, "End of the figure expression (exclusive).", "2184"),
        _f(
            "text",
            pa.string(),
            False,
            "The figure expression as written.",
            "Twelve of those patients (86%)",
        ),
        _f(
            "measure",
            pa.string(),
            False,
            "What the figure measures: " + ", ".join(MEASURES) + " (a disease control rate, "
            "which counts stable disease with the responses, is other).",
            "complete_response",
        ),
        _f(
            "value",
            pa.float64(),
            False,
            "The reported figure: a percentage (0-100) when unit is 'percent', "
            "'percent_extent' or 'relative_change', a count for 'count', else the ratio.",
            "86.0",
        ),
        _f(
            "unit",
            pa.string(),
            False,
            "What value is: " + ", ".join(UNITS) + " ('percent_extent': a percentage of a body "
            "area or extent in the patients described, '60% of her head', '30% of body surface "
            "area', not a proportion of patients; 'relative_change': a change in percent "
            "relative to the comparator, 'reduced the relapse rate by 54%'; the ratios are the "
            "statistic itself, e.g. 'HR 0.74', with its CI in ci_low/ci_high; 'rate': events per "
            "denominator person-years; days/weeks/months/years: a median duration).",
            "percent",
        ),
        _f(
            "numerator",
            pa.int32(),
            True,
            "Subjects with the outcome, when the text fixes it.",
            "12",
        ),
        _f(
            "denominator",
            pa.int32(),
            True,
            "Subjects the figure is taken over, when the text fixes it (explicitly, or through "
            "the cohort: enrolled minus discontinued); for a figure of one arm, that arm's "
            "stated size ('group A (n = 55) ... group A = 5': 55), never another arm's, and the "
            "cohort only in a study of one arm (in one that compares arms, an arm's count of "
            "unstated size has none, nor has a count compared with another whose arm the "
            "sentence does not name, '(13 vs 31)', unless every arm's size was stated, '(n = 32 "
            "for each)'; an arm's percentage takes a size it agrees with); for unit 'rate', the "
            "person-time the rate is per (1000 for 'per 1,000 person-years', 100 for a "
            "percentage per year, '2.1% per year', 1 for an annualized rate).",
            "14",
        ),
        _f(
            "ci_low",
            pa.float64(),
            True,
            "Lower confidence bound, in the unit of value.",
            "30.0",
        ),
        _f("ci_high", pa.float64(), True, "Upper confidence bound, in the unit of value.", "60.0"),
        _f(
            "ci_level",
            pa.float64(),
            True,
            "Confidence level as a fraction (0.95 for a 95% CI).",
            "0.95",
        ),
        _f("p_value", pa.float64(), True, "p-value reported right after the figure.", "0.001"),
        _f(
            "p_relation",
            pa.string(),
            True,
            "Relation of the p-value: '<', '=' or '>' (≤ is recorded as '<', ≥ as '>').",
            "<",
        ),
        _f(
            "timepoint",
            pa.string(),
            True,
            "When the figure was measured, as written; 'before' and 'after' for the two "
            "figures of one change ('fell from 35% to 22%').",
            "2 to 8 weeks after lenalidomide's withdrawal",
        ),
        _f("population", pa.string(), True, "Who was counted, as written.", "patients"),
        _f(
            "arm",
            pa.string(),
            True,
            "The trial arm the figure belongs to, as written, when the sentence ties it to one "
            "('28% with docetaxel versus 15% with placebo', '... in the A and B arms, "
            "respectively'); its drug concept is drug_concept_id.",
            "docetaxel",
        ),
        _f(
            "group_size",
            pa.int32(),
            True,
            "Subjects in that arm, where the document states it ('letrozole (n = 453)', "
            "'group A (n = 55)', 'Group A (SLNB alone, 55 women)', every arm's: '(n = 32 for "
            "each)', '87 patients in each group').",
            "453",
        ),
        _f(
            "drug_concept_id",
            pa.string(),
            True,
            "Concept id of the drug the figure is about (arm drug; for an arm named by its dose, "
            "'the 5-mg group', 'the high-dose arm', the one drug a document of one drug names; "
            "for a figure of no arm the nearest DRUG mention of the sentence, else the "
            "document's main drug; none "
            "for an arm of no drug: 'placebo', 'observation').",
            "MESH:D000077269",
        ),
        _f(
            "drug_text",
            pa.string(),
            True,
            "Drug mention or arm text ('control', 'placebo') the figure is about.",
            "lenalidomide",
        ),
        _f(
            "disease_concept_id",
            pa.string(),
            True,
            "Concept id of the condition the figure is about: for adverse events, deaths and "
            "discontinuations the condition of who was studied (a 'patients with X' phrase of the "
            "sentence or else of the document, else the document's main disease unless that is "
            "the event or one a treatment brought about, else empty; the event itself is "
            "event_concept_id); for enrollment the condition of who was enrolled (a disease in "
            "the figure's own phrase, 'cardiac arrest (n = 36)', 'two patients with epilepsy', "
            "'otherwise healthy children with otitis media'; else none for healthy subjects, "
            "'healthy controls (n = 25)'; else a 'patients with X' phrase of the sentence or "
            "of the document, else the nearest DISEASE mention or the document's main disease, "
            "not one a treatment brought about); for efficacy figures (response, remission, "
            "relapse, progression, survival, improvement) the condition treated: the nearest "
            "DISEASE mention unless it is an event row's event, else a 'patients with X' phrase "
            "of the sentence, the document's main disease unless it is such an event, else the "
            "document's 'patients with X'; for other figures the nearest DISEASE mention, else "
            "the document's main disease.",
            "MESH:D008178",
        ),
        _f(
            "disease_text",
            pa.string(),
            True,
            "Disease mention the figure is about.",
            "cutaneous lupus erythematosus",
        ),
        _f(
            "event_concept_id",
            pa.string(),
            True,
            "Adverse events, deaths and discontinuations: concept id of the event, cause of death "
            "or reason named with the figure ('62.5% had grade 4 leukopenia', 'cough was reported "
            "in 3.8%'; a DISEASE mention of the sentence, not the condition of who was studied); "
            "empty when the sentence names none ('adverse events occurred in 16%').",
            "MESH:D007970",
        ),
        _f(
            "event_text",
            pa.string(),
            True,
            "The event's mention as written.",
            "leukopenia",
        ),
        _f(
            "negated",
            pa.bool_(),
            False,
            "Negated phrasing ('no patient relapsed' is a relapse count of 0, negated).",
            "false",
        ),
    ]
)

_INT_COLS = ("sent_idx", "start_char", "end_char", "numerator", "denominator", "group_size")
_FLOAT_COLS = ("value", "ci_low", "ci_high", "ci_level", "p_value")
#: The count columns (int32, nullable) and the values they can hold.
_COUNT_COLS = ("numerator", "denominator", "group_size")
_COUNT_RANGE = range(-MAX_COUNT - 1, MAX_COUNT + 1)  # int32, as the grammar reads counts


def outcome_rows(doc: Doc, doc_id: str) -> list[dict[str, Any]]:
    """Rows of the outcomes table for one annotated Doc (after `biotab_outcomes` ran)."""
    rows: list[dict[str, Any]] = []
    for raw in doc._.outcomes or []:
        row: dict[str, Any] = {"doc_id": doc_id}
        for key in ROW_KEYS:
            val = raw.get(key)
            if val is not None and key in _INT_COLS:
                val = int(val)
                if key in _COUNT_COLS and val not in _COUNT_RANGE:
                    # (the grammar reads no such count; `Doc._.outcomes` may come from
                    # elsewhere, and one value the column cannot hold would fail the whole
                    # unit's table)
                    val = None
            elif val is not None and key in _FLOAT_COLS:
                val = float(val)
            row[key] = val
        row["negated"] = bool(row["negated"])
        rows.append(row)
    return rows


def outcomes_table(rows: list[dict[str, Any]]) -> pa.Table:
    """A pyarrow Table with OUTCOMES_SCHEMA (validates the types of `rows`)."""
    return pa.Table.from_pylist(rows, schema=OUTCOMES_SCHEMA)


# --------------------------------------------------------------------------------------------
# Gold-set scoring

TEXT_FIELDS = ("drug_text", "disease_text", "timepoint", "population", "p_relation")
NUMBER_FIELDS = ("value", "ci_low", "ci_high", "ci_level", "p_value")


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    records = []
    with Path(path).open(encoding="utf8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if "text" not in rec or "expected" not in rec:
                raise ValueError(f"{path}:{lineno}: expected keys 'text' and 'expected'")
            records.append(rec)
    return records


def gold_doc(make_doc: Callable[[str], Doc], record: dict[str, Any]) -> Doc:
    """Tokenize the record's text and set its hand-made entities (with concept ids)."""
    doc = make_doc(record["text"])
    spans = []
    for ent in record.get("ents", []):
        span = doc.char_span(ent["start"], ent["end"], label=ent["label"], alignment_mode="expand")
        if span is None:
            raise ValueError(f"entity {ent} does not align in {record['text']!r}")
        span._.concept_id = ent.get("concept_id")
        spans.append(span)
    doc.ents = spans
    return doc


def _same(key: str, want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if key in NUMBER_FIELDS:
        return abs(float(want) - float(got)) <= max(0.051, 1e-6 * abs(float(want)))
    if key in TEXT_FIELDS:
        return str(want).strip().lower() == str(got).strip().lower()
    return bool(want == got)


def row_matches(expected: dict[str, Any], predicted: dict[str, Any], strict: bool = True) -> bool:
    """Same measure, unit and value; if `strict`, also every other key the gold row states."""
    keys = expected.keys() if strict else ("measure", "unit", "value")
    return all(_same(k, expected[k], predicted.get(k)) for k in keys)


@dataclass
class GoldScore:
    tp: Counter[str] = field(default_factory=Counter)  # matched expected rows per measure
    expected: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    matched_predicted: Counter[str] = field(default_factory=Counter)
    loose_tp: int = 0
    misses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    extras: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    field_errors: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        n = sum(self.expected.values())
        return sum(self.tp.values()) / n if n else 1.0

    @property
    def precision(self) -> float:
        n = sum(self.predicted.values())
        return sum(self.matched_predicted.values()) / n if n else 1.0

    def per_measure(self) -> Iterator[tuple[str, int, int, float | None, float | None]]:
        for m in sorted(set(self.expected) | set(self.predicted)):
            e, p = self.expected[m], self.predicted[m]
            rec = self.tp[m] / e if e else None
            prec = self.matched_predicted[m] / p if p else None
            yield m, e, p, rec, prec


def score_gold(
    records: Iterable[dict[str, Any]], run: Callable[[dict[str, Any]], list[dict[str, Any]]]
) -> GoldScore:
    """Run `run(record) -> predicted rows` on every record and match rows one to one."""
    score = GoldScore()
    for rec in records:
        predicted = run(rec)
        expected = rec["expected"]
        for e in expected:
            score.expected[e["measure"]] += 1
        for p in predicted:
            score.predicted[p["measure"]] += 1
        used: set[int] = set()
        for e in expected:
            hit = next(
                (k for k, p in enumerate(predicted) if k not in used and row_matches(e, p)), None
            )
            if hit is None:
                loose = next(
                    (
                        k
                        for k, p in enumerate(predicted)
                        if k not in used and row_matches(e, p, strict=False)
                    ),
                    None,
                )
                if loose is not None:
                    score.field_errors.append((rec["text"], e, predicted[loose]))
                else:
                    score.misses.append((rec["text"], e))
                continue
            used.add(hit)
            score.tp[e["measure"]] += 1
            score.matched_predicted[predicted[hit]["measure"]] += 1
        for k, p in enumerate(predicted):
            if k not in used and not any(row_matches(e, p, strict=False) for e in expected):
                score.extras.append((rec["text"], p))
        score.loose_tp += sum(
            1 for e in expected if any(row_matches(e, p, strict=False) for p in predicted)
        )
    return score
