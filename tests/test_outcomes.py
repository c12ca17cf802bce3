"""The outcomes stage: gold-set recall/precision, the seed documents, rule files, serialization.

Docs are built with a blank English pipeline (scispacy tokenizer + pysbd sentences) and mentions
set by hand, so these tests do not depend on the tagger (the lead's seed tests cover the whole
pipeline).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import pipeline.components.outcome_grammar as grammar
import pipeline.components.outcomes as oc
from pipeline.components.cue_gate import cue_matcher
from pipeline.components.outcome_rules import validate_lexicon
from pipeline.outcomes import (
    OUTCOMES_SCHEMA,
    ROW_KEYS,
    gold_doc,
    load_gold,
    outcome_rows,
    score_gold,
)
from pipeline.paths import rule_file

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"
GOLD = HERE / "data" / "outcomes_gold.jsonl"

# Measured with benchmarks/outcomes_eval.py (session 24): all records 0.968 recall / 0.974
# precision; held-out records 0.896 / 0.935 (0.688 / 0.805 when first scored, before the general
# fixes they prompted; 0.896 / 0.977 on 2026-11-22). Later rules cost rows: on the development
# records "The mortality rate among patients with drug-induced liver failure was high (67.1%)"
# is read as an adverse event (the weak cue "induced" is nearer than "mortality") and "data on
# 320 eyes" as enrollment. Thresholds sit a little below the measured figures.
MIN_RECALL, MIN_PRECISION = 0.95, 0.97
MIN_HELDOUT_RECALL, MIN_HELDOUT_PRECISION = 0.85, 0.93

LENALIDOMIDE = "MESH:D000077269"
CLE = "MESH:D008178"  # Lupus Erythematosus, Cutaneous


@pytest.fixture(scope="module")
def nlp(outcomes_nlp: Language) -> Language:
    return outcomes_nlp


def run(nlp: Language, text: str, mentions: Sequence[tuple[str, str, str]] = ()) -> Doc:
    """Tokenize, set every occurrence of each (surface, label, concept id) as a mention, run."""
    doc = nlp.make_doc(text)
    spans = []
    taken: set[int] = set()
    for surface, label, cid in mentions:
        for m in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w])", text, re.IGNORECASE):
            span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
            if span is None or taken & set(range(span.start, span.end)):
                continue
            taken |= set(range(span.start, span.end))
            span._.concept_id = cid
            spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def pairs(doc: Doc) -> list[tuple[str, float]]:
    return [(r["measure"], r["value"]) for r in doc._.outcomes]


# ------------------------------------------------------------------------------------------
# gold set


def _gold_run(nlp: Language) -> Any:
    def go(rec: dict[str, Any]) -> list[dict[str, Any]]:
        doc = gold_doc(nlp.make_doc, rec)
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        return list(doc._.outcomes)

    return go


def test_gold_file_covers_forms_measures_and_negatives() -> None:
    records = load_gold(GOLD)
    sentences = sum(max(1, len(re.findall(r"[.!?](?:\s|$)", r["text"]))) for r in records)
    assert sentences >= 80
    measures = {e["measure"] for r in records for e in r["expected"]}
    assert set(oc.MEASURES) <= measures
    assert sum(1 for r in records if not r["expected"] and re.search(r"\d", r["text"])) >= 20
    for rec in records:
        for ent in rec["ents"]:
            assert ent["label"] in ("DRUG", "DISEASE", "CYTOKINE")
            assert 0 <= ent["start"] < ent["end"] <= len(rec["text"])


def test_gold_recall_and_precision(nlp: Language) -> None:
    records = load_gold(GOLD)
    score = score_gold(records, _gold_run(nlp))
    detail = [f"MISS {e} in {t!r}" for t, e in score.misses]
    detail += [f"EXTRA {p['measure']} {p['text']!r} in {t!r}" for t, p in score.extras]
    assert score.recall >= MIN_RECALL, "\n".join(detail)
    assert score.precision >= MIN_PRECISION, "\n".join(detail)
    heldout = score_gold([r for r in records if r.get("split") == "heldout"], _gold_run(nlp))
    assert heldout.recall >= MIN_HELDOUT_RECALL
    assert heldout.precision >= MIN_HELDOUT_PRECISION


# ------------------------------------------------------------------------------------------
# seeds

SEED_004_MENTIONS = [
    ("lenalidomide", "DRUG", LENALIDOMIDE),
    ("thalidomide", "DRUG", "MESH:D013792"),
    ("cutaneous lupus erythematosus", "DISEASE", CLE),
    ("CLE", "DISEASE", CLE),
    ("cutaneous lupus disease", "DISEASE", CLE),
    # adverse events in the results: figures must still tie to CLE, not to these
    ("insomnia", "DISEASE", "MESH:D007319"),
    ("neutropenia", "DISEASE", "MESH:D009503"),
    ("polyneuropathy", "DISEASE", "MESH:D011115"),
    ("thrombosis", "DISEASE", "MESH:D013927"),
]


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf8")


def test_seed_004_outcomes(nlp: Language) -> None:
    doc = run(nlp, seed("004"), SEED_004_MENTIONS)
    rows = {r["measure"]: r for r in doc._.outcomes}
    assert pairs(doc) == [
        ("enrollment", 15.0),
        ("discontinuation", 1.0),
        ("improvement", 14.0),  # "All remaining patients saw clinical improvement"
        ("complete_response", 86.0),
        ("relapse", 75.0),
        ("adverse_event", 13.0),
    ]
    assert rows["enrollment"]["unit"] == "count"
    assert rows["enrollment"]["text"] == "Fifteen patients"
    assert (rows["discontinuation"]["numerator"], rows["discontinuation"]["denominator"]) == (1, 15)
    cr = rows["complete_response"]
    assert cr["text"] == "Twelve of those patients (86%)"
    assert (cr["unit"], cr["numerator"], cr["denominator"]) == ("percent", 12, 14)
    assert cr["timepoint"] is None
    relapse = rows["relapse"]
    assert relapse["unit"] == "percent"
    assert relapse["timepoint"] == "2 to 8 weeks after lenalidomide's withdrawal"
    assert rows["adverse_event"]["text"] == "13%"
    # the 13% is of all the side effects listed before it: no one event
    assert rows["adverse_event"]["event_text"] is None
    for r in doc._.outcomes:
        assert r["drug_concept_id"] == LENALIDOMIDE and r["drug_text"].lower() == "lenalidomide"
        assert r["disease_concept_id"] == CLE, r
        assert doc.text[r["start_char"] : r["end_char"]] == r["text"]
        sent = list(doc.sents)[r["sent_idx"]]
        assert sent.start_char <= r["start_char"] < r["end_char"] <= sent.end_char
        assert r["outcome_id"] == f"{r['sent_idx']}:{r['start_char']}"
        assert r["negated"] is False


def test_seed_004_without_mentions_still_reads_figures(nlp: Language) -> None:
    doc = run(nlp, seed("004"))
    assert [m for m, _ in pairs(doc)] == [
        "enrollment",
        "discontinuation",
        "improvement",
        "complete_response",
        "relapse",
        "adverse_event",
    ]
    assert all(r["drug_text"] is None and r["disease_text"] is None for r in doc._.outcomes)


def test_seed_003_hair_on_60_percent_of_her_head(nlp: Language) -> None:
    doc = run(
        nlp,
        seed("003"),
        [
            ("dupilumab", "DRUG", "MESH:C582203"),
            ("dumilumab", "DRUG", "MESH:C582203"),
            ("atopic dermatitis", "DISEASE", "MESH:D003876"),
            ("alopecia", "DISEASE", "MESH:D000505"),
        ],
    )
    (row,) = doc._.outcomes
    # an extent of one patient's scalp, not a share of patients: a unit of its own
    assert (row["measure"], row["value"], row["unit"]) == ("improvement", 60.0, "percent_extent")
    assert row["text"] == "60%"
    assert row["timepoint"].startswith("Nine months after starting treatment")
    assert row["drug_concept_id"] == "MESH:C582203"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Hair regrowth covered about 60% of the scalp after 6 months.", "percent_extent"),
        ("Lesions improved and covered 10% of body surface area at week 12.", "percent_extent"),
        ("Hair regrowth was seen in 60% of the patients after 6 months.", "percent"),
    ],
)
def test_extent_of_a_body_area_is_not_a_patient_rate(nlp: Language, text: str, unit: str) -> None:
    rows = run(nlp, text)._.outcomes
    assert rows and all(r["unit"] == unit for r in rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the size of a case series, not an improvement count (issue 15)
        (
            "We describe hair regrowth in two patients with alopecia areata treated with "
            "dupilumab.",
            [("enrollment", 2.0, "count")],
        ),
        # a reported result after "that" keeps its outcome
        ("We report that 18 patients responded to dupilumab.", [("response", 18.0, "count")]),
    ],
)
def test_case_series_size_is_enrollment(
    nlp: Language, text: str, expected: list[tuple[str, float, str]]
) -> None:
    rows = run(nlp, text, [("dupilumab", "DRUG", "MESH:C582203")])._.outcomes
    assert [(r["measure"], r["value"], r["unit"]) for r in rows] == expected


def test_change_from_to_is_a_before_after_pair(nlp: Language) -> None:
    rows = run(nlp, "Grade 3 neutropenia fell from 35% to 22%.")._.outcomes
    assert [(r["value"], r["unit"], r["timepoint"]) for r in rows] == [
        (35.0, "percent", "before"),
        (22.0, "percent", "after"),
    ]
    # two rates that are not one change keep no pair
    rows = run(nlp, "Neutropenia occurred in 35% with docetaxel and 22% with placebo.")._.outcomes
    assert [r["timepoint"] for r in rows] == [None, None]


@pytest.mark.parametrize(
    "text",
    [
        "HbA1c decreased from 8.1% to 7.2% in the semaglutide group.",
        # (a timepoint of the sentence's own: the pair is still one arm's change)
        "After 12 weeks, HbA1c decreased from 8.1% to 7.2% in the semaglutide group.",
        "In the semaglutide group, HbA1c decreased from 8.1% to 7.2%.",
        # (the drug right after the pair: read with the figures' drugs, after the arm nouns)
        "HbA1c decreased from 8.1% to 7.2% with semaglutide.",
    ],
)
def test_a_before_after_pair_is_one_arms(nlp: Language, text: str) -> None:
    rows = run(nlp, text, [("semaglutide", "DRUG", "MESH:C000591245")])._.outcomes
    assert [(r["value"], r["arm"]) for r in rows] == [(8.1, "semaglutide"), (7.2, "semaglutide")]


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seeds_without_figures_give_no_rows(nlp: Language, prefix: str) -> None:
    assert run(nlp, seed(prefix))._.outcomes == []


# ------------------------------------------------------------------------------------------
# forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Complete response was seen in 12 of 15 patients.", ("complete_response", 12.0, 12, 15)),
        ("Responses were seen in 12/15 (80%).", ("response", 80.0, 12, 15)),
        ("Remission was reached by 80% (12/15) of them.", ("remission", 80.0, 12, 15)),
        ("Responders (n = 12) were followed up.", ("response", 12.0, 12, None)),
        ("Relapse occurred in 12 patients (80%).", ("relapse", 80.0, 12, None)),
        ("Clearance rate was 86 %.", ("improvement", 86.0, None, None)),
        ("The response rate was 86·5%.", ("response", 86.5, None, None)),
        ("Eleven of the fourteen patients responded.", ("response", 11.0, 11, 14)),
    ],
)
def test_forms(nlp: Language, text: str, expected: tuple[Any, ...] | None) -> None:
    rows = run(nlp, text)._.outcomes
    got = [(r["measure"], r["value"], r["numerator"], r["denominator"]) for r in rows]
    assert got == ([expected] if expected else [])


def test_ci_and_p_attach_to_the_figure_they_follow(nlp: Language) -> None:
    doc = run(nlp, "The response rate was 45% (95% CI 30-60%) versus 20% (p=0.03).")
    first, second = doc._.outcomes
    assert (first["ci_low"], first["ci_high"], first["ci_level"]) == (30.0, 60.0, 0.95)
    assert (second["p_value"], second["p_relation"]) == (0.03, "=")
    doc = run(nlp, "Survival was 0·62 (95% confidence interval, 0.45 to 0.80; P < 0.001).")
    (row,) = doc._.outcomes
    assert (row["measure"], row["value"]) == ("survival", 62.0)
    assert (row["ci_low"], row["ci_high"]) == (45.0, 80.0)
    assert (row["p_value"], row["p_relation"]) == (0.001, "<")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the CI inside the figure's own parentheses (issue 15: "(60%; 95% CI 44-74)")
        (
            "Complete response was achieved by 18 patients (60%; 95% CI 44-74).",
            ("complete_response", 60.0, 18, 44.0, 74.0, 0.95),
        ),
        # bracketed bounds after "95% CI"
        (
            "Median overall survival was 18.2 months (95% CI [15.1, 21.0]) with docetaxel.",
            ("survival", 18.2, None, 15.1, 21.0, 0.95),
        ),
        (
            "The hazard ratio for death was 0.74 (95% CI [0.61, 0.90]).",
            ("mortality", 0.74, None, 0.61, 0.90, 0.95),
        ),
    ],
)
def test_ci_forms(nlp: Language, text: str, expected: tuple[Any, ...]) -> None:
    (row,) = run(nlp, text, [("docetaxel", "DRUG", "MESH:D000077143")])._.outcomes
    keys = ("measure", "value", "numerator", "ci_low", "ci_high", "ci_level")
    assert tuple(row[k] for k in keys) == expected


def test_per_arm_rows(nlp: Language) -> None:
    doc = run(
        nlp,
        "pCR rates were 25% and 15% in the docetaxel and control arms.",
        [("docetaxel", "DRUG", "MESH:D000077143")],
    )
    assert [
        (r["measure"], r["value"], r["drug_text"], r["drug_concept_id"]) for r in doc._.outcomes
    ] == [
        ("complete_response", 25.0, "docetaxel", "MESH:D000077143"),
        ("complete_response", 15.0, "control", None),
    ]


def test_negated_zero_count(nlp: Language) -> None:
    (row,) = run(nlp, "No patient relapsed after withdrawal.")._.outcomes
    assert (row["measure"], row["value"], row["unit"], row["negated"]) == (
        "relapse",
        0.0,
        "count",
        True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "A 13-year-old girl was treated with 5-10 mg/day for 2 to 8 weeks in 2017.",
        "Web of Science: 51 citations, Scopus: 60 citations.",
        "Twelve studies were included, 2, 3, 4.",
        "Imiquimod 5% cream was applied; 95% CI values are not figures.",
        "Record created 2013-10-18, last modified 2023-01-25.",
        # group labels, thresholds, dates, trial designs
        "Patients were randomized to one of three groups.",
        "Women were assigned into 1 of 2 arms by a computer.",
        "Toxicities occurring in at least 1 patient were listed.",
        "Records were extracted for ≤20 consecutive patients per site.",
        "The trial was registered 11 March 2014 (NCT00000000).",
        "The trial was registered on 9 April and closed in may 2016.",
        "The protocol was registered 05/2016.",
        "The cyclin-dependent kinase 4/6 inhibitor was given with letrozole.",
        "Accrual was 31,400 patient-years in total.",
        "Eligibility required nodal disease (n = 1-3) at diagnosis.",
        "Patients were randomized 2∶1 to drug or placebo.",
    ],
)
def test_not_outcomes(nlp: Language, text: str) -> None:
    assert run(nlp, text)._.outcomes == []


def test_non_english_sentences_are_skipped(nlp: Language) -> None:
    text = "Twelve patients (80%) achieved complete response."
    doc = nlp.make_doc(text)
    for _, proc in nlp.pipeline[:-1]:
        doc = proc(doc)
    for sent in doc.sents:
        sent._.language = "es"
    nlp.get_pipe("biotab_outcomes")(doc)
    assert doc._.outcomes == []
    for sent in doc.sents:
        sent._.language = "en"
    nlp.get_pipe("biotab_outcomes")(doc)
    assert pairs(doc) == [("complete_response", 80.0)]


def test_each_sentence_has_its_own_language(nlp: Language) -> None:
    """The component reads each sentence's `Span._.language` by the sentence's characters
    (without its trailing space), not the document's."""
    text = "Twelve patients (80%) achieved complete response.  Nine patients (60%) relapsed."
    doc = nlp.make_doc(text)
    for _, proc in nlp.pipeline[:-1]:
        doc = proc(doc)
    sents = list(doc.sents)
    assert len(sents) == 2
    for sent, lang in zip(sents, ("es", "en"), strict=True):
        sent._.language = lang
    nlp.get_pipe("biotab_outcomes")(doc)
    assert [r["value"] for r in doc._.outcomes] == [60.0]
    sents[0]._.language, sents[1]._.language = "en", "es"
    nlp.get_pipe("biotab_outcomes")(doc)
    assert [r["value"] for r in doc._.outcomes] == [80.0]


def test_sentence_without_numbers_is_not_parsed(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a sentence without digits or number words reached the parser")

    monkeypatch.setattr(grammar.SentenceParser, "__init__", boom)
    doc = run(nlp, "Relapse was frequent after withdrawal. Side effects were minor and resolved.")
    assert doc._.outcomes == []


# ------------------------------------------------------------------------------------------
# rows and schema


def test_rows_match_the_schema(nlp: Language) -> None:
    doc = run(nlp, seed("004"), SEED_004_MENTIONS)
    for raw in doc._.outcomes:
        assert tuple(raw) == ROW_KEYS
    rows = outcome_rows(doc, "seed-004")
    table = pa.Table.from_pylist(rows, schema=OUTCOMES_SCHEMA)
    assert table.num_rows == 6
    assert table.schema.names == ["doc_id", *ROW_KEYS]
    assert len({r["outcome_id"] for r in rows}) == len(rows)
    for f in OUTCOMES_SCHEMA:
        assert f.metadata and {b"description", b"example"} <= set(f.metadata), f.name
    types = {f.name: f.type for f in OUTCOMES_SCHEMA}
    assert types["numerator"] == pa.int32() and types["value"] == pa.float64()


# ------------------------------------------------------------------------------------------
# rule files


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"measure": "relapse", "pattern": "relapse", "patern": "relapse"}',
            r":2: unknown key 'patern' \(expected one of \['comment', 'id', 'measure'",
        ),
        (
            '{"measure": "relaps", "pattern": "relapse"}',
            r":2: key 'measure' is 'relaps', expected one of \['enrollment'",
        ),
        (
            '{"measure": "relapse", "pattern": [{"LOWERX": "relapse"}]}',
            r":2: token 1 of 'pattern': unknown key 'LOWERX'; expected one of: ORTH",
        ),
        (
            '{"measure": "relapse", "pattern": [{"LOWER": "relapse", "OP": "x"}]}',
            r":2: token 1 of 'pattern': key 'OP' has 'x'",
        ),
        (
            '{"measure": "relapse", "id": "r1", "pattern": [{"LOWER": "relapse", "OP": "+"}]}',
            r":2 \(cue 'r1'\): token 1 of 'pattern': key 'OP' has '\+'; "
            r"expected one of: 1, \? \(a cue",
        ),
        (
            '{"measure": "relapse", "pattern": [{"LOWER": "no"}, {"IS_ALPHA": true, "OP": "*"}]}',
            r":2: token 2 of 'pattern': key 'OP' has '\*'; expected one of",
        ),
        (
            '{"measure": "relapse", "pattern": [{"LOWER": {"REGEX": "("}}]}',
            r":2: token 1 of 'pattern': LOWER.REGEX '\(' is not a valid regex",
        ),
        (
            '{"measure": "relapse", "pattern": "relapse", "priority": 5}',
            r":2: key 'priority' is 5, expected one of \[0, 1, 2\]",
        ),
        ('{"measure": "relapse"}', r":2: missing key 'pattern'"),
        ("not json", r":2: not valid JSON"),
        (
            '{"measure": "relapse", "pattern": "relapse", "not_after": "who"}',
            r":2: key 'not_after' has str 'who', expected list",
        ),
        (
            '{"measure": "relapse", "pattern": "relapse", "not_after": ["Who"]}',
            r":2: key 'not_after' holds \['Who'\]; expected a non-empty list of lower-case",
        ),
        (
            '{"measure": "relapse", "pattern": "relapse", "not_after": []}',
            r":2: key 'not_after' holds \[\]; expected a non-empty list",
        ),
        (
            '{"measure": "relapse", "pattern": "relapse", "with_measures": "response"}',
            r":2: key 'with_measures' has str 'response', expected list",
        ),
        (
            '{"measure": "relapse", "pattern": "relapse", "with_measures": ["responses"]}',
            r":2: key 'with_measures' holds \['responses'\]; expected a non-empty list of "
            r"measures other than the cue's own, from: enrollment, response",
        ),
        (
            '{"measure": "relapse", "pattern": "relapse", "with_measures": ["relapse"]}',
            r":2: key 'with_measures' holds \['relapse'\]; expected a non-empty list",
        ),
    ],
)
def test_cue_file_validation(tmp_path: Path, line: str, message: str) -> None:
    path = write_lines(
        tmp_path / "cues.jsonl", ['{"measure": "response", "pattern": "responded"}', line]
    )
    with pytest.raises(oc.RuleFileError, match=message):
        oc.load_cues(path)


def test_lexicon_validation(tmp_path: Path) -> None:
    data = json.loads(rule_file(oc.LEXICON_FILE).read_text(encoding="utf8"))
    bad = dict(data, population_noun=["patients"])
    path = tmp_path / "lex.json"
    path.write_text(json.dumps(bad), encoding="utf8")
    with pytest.raises(oc.RuleFileError, match="unknown key 'population_noun'; expected one of"):
        oc.load_lexicon(path)
    del data["unit_words"]
    path.write_text(json.dumps(data), encoding="utf8")
    with pytest.raises(oc.RuleFileError, match="missing key 'unit_words'"):
        oc.load_lexicon(path)


@pytest.mark.parametrize(
    ("key", "word", "regex", "text"),
    [
        ("hedges", "roughly", "change_before_re", "reduced mortality by roughly "),
        ("percent_words", "pct", "ci_re", "95 pct CI 1.2-1.5"),
        ("p_qualifiers", "linearity", "p_re", "P-linearity = 0.03"),
        ("confidence_qualifiers", "central", "confidence_after_re", " central confidence"),
        ("ci_abbreviations", "CrI", "confidence_after_re", " CrI"),
        ("auxiliaries", "seemed", "characteristic_after_re", " seemed postmenopausal"),
        ("time_units", "fortnight", "tp_a", "at 2 fortnight"),  # a map: the word to "weeks"
        ("time_units", "fortnight", "tp_gate", "fortnight"),
        ("determiners", "said", "_zero_all_re", "none of the said other remaining patients"),
        ("remaining_words", "leftover", "_zero_all_re", "all of the leftover new ill men"),
    ],
)
def test_regex_word_lists_come_from_the_lexicon(key: str, word: str, regex: str, text: str) -> None:
    data = json.loads(rule_file(oc.LEXICON_FILE).read_text(encoding="utf8"))
    # the word list is read from the file: one more word there, one more form matched
    assert getattr(oc.Lexicon(data), regex).match(text) is None
    more = {**data[key], word: "weeks"} if isinstance(data[key], dict) else [*data[key], word]
    extended = oc.Lexicon(validate_lexicon(dict(data, **{key: more}), "lex"))
    assert getattr(extended, regex).match(text) is not None
    del data[key]
    with pytest.raises(oc.RuleFileError, match=f"missing key '{key}'"):
        validate_lexicon(data, "lex")


def test_shipped_rule_files_load() -> None:
    cues = oc.load_cues(rule_file(oc.CUES_FILE))
    assert {c.measure for c in cues} >= set(oc.MEASURES) - {"other"} | {"not_outcome"}
    oc.Lexicon(oc.load_lexicon(rule_file(oc.LEXICON_FILE)))


def test_to_disk_from_disk_round_trip(nlp: Language, tmp_path: Path) -> None:
    comp = nlp.get_pipe("biotab_outcomes")
    assert isinstance(comp, oc.OutcomeExtractor)
    comp.to_disk(tmp_path / "outcomes")
    assert (tmp_path / "outcomes" / oc.CUES_FILE).exists()
    assert (tmp_path / "outcomes" / oc.LEXICON_FILE).exists()
    fresh = oc.OutcomeExtractor(nlp).from_disk(tmp_path / "outcomes")
    assert fresh.cues == comp.cues
    assert fresh.lexicon.data == comp.lexicon.data

    # the files on disk are what the component reads: a new cue changes the measure
    text = "Twelve patients (80%) were frobnicated."
    assert run(nlp, text)._.outcomes == []
    with (tmp_path / "outcomes" / oc.CUES_FILE).open("a", encoding="utf8") as fh:
        fh.write('{"measure": "other", "pattern": "frobnicated"}\n')
    # and so is the lexicon: a number word added to it is read as a count
    saved_lexicon = tmp_path / "outcomes" / oc.LEXICON_FILE
    lexicon = json.loads(saved_lexicon.read_text(encoding="utf8"))
    lexicon["number_words"]["neun"] = 9
    saved_lexicon.write_text(json.dumps(lexicon), encoding="utf8")
    fresh.from_disk(tmp_path / "outcomes")
    assert fresh.lexicon.data["number_words"]["neun"] == 9
    for words, expected in ((text, [("other", 80.0)]),
                            ("Neun patients were frobnicated.", [("other", 9.0)])):
        doc = nlp.make_doc(words)
        for _, proc in nlp.pipeline[:-1]:
            doc = proc(doc)
        assert pairs(fresh(doc)) == expected, words

    # a broken file on disk is rejected with its line
    write_lines(tmp_path / "outcomes" / oc.CUES_FILE, ['{"measure": "other", "pattren": "x"}'])
    with pytest.raises(oc.RuleFileError, match=r"outcome_cues.jsonl:1: missing key 'pattern'"):
        fresh.from_disk(tmp_path / "outcomes")


def test_a_cue_not_after_a_word(tmp_path: Path) -> None:
    # the trait is everyone's, unless a relative clause names a subgroup by it; the rule
    # survives a round trip to disk
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("biotab_outcomes", config={"languages": ["en"]})
    trait = "Overall, 45% of the patients were older than 65 years."
    subgroup = "Response was higher in patients who were older than 65 years (45% vs 30%)."
    assert nlp(trait)._.outcomes == []
    assert [r["value"] for r in nlp(subgroup)._.outcomes] == [45.0, 30.0]
    rules = nlp.get_pipe("biotab_outcomes").cues
    assert any("who" in r.not_after for r in rules)
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.get_pipe("biotab_outcomes").cues == rules
    assert loaded(trait)._.outcomes == []
    assert [r["value"] for r in loaded(subgroup)._.outcomes] == [45.0, 30.0]


def test_pipeline_to_disk_and_spacy_load(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("biotab_outcomes", config={"languages": ["en"]})
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.pipe_names == ["sentencizer", "biotab_outcomes"]
    text = "Fifteen patients were enrolled. Twelve of them (80%) responded."
    assert loaded(text)._.outcomes == nlp(text)._.outcomes
    assert [r["measure"] for r in loaded(text)._.outcomes] == ["enrollment", "response"]


def test_outcome_spans_for_displacy(nlp: Language) -> None:
    doc = run(nlp, seed("004"), SEED_004_MENTIONS)
    spans = doc.spans[oc.SPANS_KEY]
    assert [(s.start_char, s.label_) for s in spans] == [
        (r["start_char"], r["measure"]) for r in doc._.outcomes
    ]
    assert all(s.text.startswith(r["text"][:3]) for s, r in zip(spans, doc._.outcomes, strict=True))


# ------------------------------------------------------------------------------------------
# per-arm figures, ratio statistics, relative changes

LETROZOLE, TAMOXIFEN = (
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
)


def test_arm_group_size_and_hazard_ratio(nlp: Language) -> None:
    text = (
        "Nine hundred seven patients were randomly assigned to letrozole (n = 453) or tamoxifen "
        "(n = 454). Objective response was 30% in the letrozole arm versus 20% in the tamoxifen "
        "arm (P = .006). Time to progression was longer with letrozole (HR 0.72; 95% CI "
        "0.61-0.86; P < .001)."
    )
    rows = run(nlp, text, [LETROZOLE, TAMOXIFEN])._.outcomes
    got = [(r["measure"], r["value"], r["unit"], r["arm"], r["group_size"]) for r in rows]
    assert got == [
        ("enrollment", 907.0, "count", None, None),
        ("enrollment", 453.0, "count", "letrozole", 453),
        ("enrollment", 454.0, "count", "tamoxifen", 454),
        ("response", 30.0, "percent", "letrozole", 453),
        ("response", 20.0, "percent", "tamoxifen", 454),
        ("progression", 0.72, "hazard_ratio", None, None),
    ]
    hr = rows[-1]
    assert (hr["ci_low"], hr["ci_high"], hr["p_value"], hr["p_relation"]) == (
        0.61,
        0.86,
        0.001,
        "<",
    )
    assert rows[3]["drug_concept_id"] == LETROZOLE[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "pCR was 28% with docetaxel versus 15% with placebo.",
            [(28.0, "docetaxel"), (15.0, "placebo")],
        ),
        (
            "The pCR rates were 22%, 31% and 40% in the A, B and C arms, respectively.",
            [(22.0, "A"), (31.0, "B"), (40.0, "C")],
        ),
        (
            "Mucositis (12% v 1%) was more frequent with the combination.",
            [(12.0, None), (1.0, None)],
        ),
    ],
)
def test_compared_rates_and_their_arms(
    nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    rows = run(nlp, text, [("docetaxel", "DRUG", "MESH:D000077143")])._.outcomes
    assert [(r["value"], r["arm"]) for r in rows] == expected
    assert all(r["unit"] == "percent" for r in rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # event counts compared between arms are results ("events" counts outcomes, not a unit)
        (
            "Among women without ablation, there were 290 events versus 306 events in the "
            "control group (HR = 0.95).",
            [("count", 290.0), ("count", 306.0), ("hazard_ratio", 0.95)],
        ),
        # a measurement compared with its unit is no count
        ("The mean age was 55 vs 57 years.", []),
    ],
)
def test_compared_counts(nlp: Language, text: str, expected: list[tuple[str, float]]) -> None:
    assert [(r["unit"], r["value"]) for r in run(nlp, text)._.outcomes] == expected


def test_relative_change_is_not_the_rate(nlp: Language) -> None:
    (row,) = run(nlp, "Tamoxifen reduced the annualized relapse rate by 54%.")._.outcomes
    assert (row["measure"], row["value"], row["unit"]) == ("relapse", 54.0, "relative_change")


def test_population_noun_is_not_the_measure(nlp: Language) -> None:
    (row,) = run(nlp, "Relapse occurred in 7 of 25 responders (28%).")._.outcomes
    assert (row["measure"], row["value"], row["numerator"], row["denominator"]) == (
        "relapse",
        28.0,
        7,
        25,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Median overall survival was 24.3 months (95% CI, 20.1-28.5) with docetaxel.",
            [("survival", 24.3, "months", 20.1, 28.5)],
        ),
        (
            "The hazard ratio for death was 0.74 [0.61, 0.90].",
            [("mortality", 0.74, "hazard_ratio", 0.61, 0.90)],
        ),
        (
            "The odds ratio for response was 1.8 (95% CI 1.2 to 2.7; p = 0.004).",
            [("response", 1.8, "odds_ratio", 1.2, 2.7)],
        ),
        (
            "After a median follow-up of 24 months, 8 patients (32%) had relapsed.",
            [("relapse", 32.0, "percent", None, None)],
        ),
    ],
)
def test_medians_and_ratios(
    nlp: Language, text: str, expected: list[tuple[str, float, str, float | None, float | None]]
) -> None:
    rows = run(nlp, text, [("docetaxel", "DRUG", "MESH:D000077143")])._.outcomes
    assert [
        (r["measure"], r["value"], r["unit"], r["ci_low"], r["ci_high"]) for r in rows
    ] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the second median lies beyond the window after "Median": the interval between
        (
            "Median progression-free survival was 8.2 months (95% CI 6.9-9.5) versus 5.1 "
            "months with placebo.",
            [(8.2, 6.9, 9.5, None), (5.1, None, None, "placebo")],
        ),
        (
            "Median overall survival was 24.3 months (95% CI, 20.1-28.5) with docetaxel "
            "compared with 19.1 months (95% CI, 16.0-21.9) with placebo.",
            [(24.3, 20.1, 28.5, "docetaxel"), (19.1, 16.0, 21.9, "placebo")],
        ),
    ],
)
def test_a_median_compared_with_the_last_one_far_from_its_word(
    nlp: Language,
    text: str,
    expected: list[tuple[float, float | None, float | None, str | None]],
) -> None:
    rows = run(nlp, text, [("docetaxel", "DRUG", "MESH:D000077143")])._.outcomes
    assert [(r["value"], r["ci_low"], r["ci_high"], r["arm"]) for r in rows] == expected
    assert {(r["measure"], r["unit"]) for r in rows} == {("survival", "months")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # events per patient-year, not proportions (0.22 is no 22%), also when listed
        (
            "The annualised relapse rate was 0.22 with docetaxel and 0.44 with placebo.",
            [(0.22, "rate", 1, "docetaxel"), (0.44, "rate", 1, "placebo")],
        ),
        # a rate of 1 or more, listed past the window that finds the annual word
        (
            "The annualized rate of moderate or severe exacerbations was 0.85 in the docetaxel "
            "group versus 1.74 with placebo.",
            [(0.85, "rate", 1, "docetaxel"), (1.74, "rate", 1, "placebo")],
        ),
        # a count of subjects between the rate's noun and its figure
        (
            "The annualized relapse rate in the 120 patients was 0.22 with docetaxel.",
            [(0.22, "rate", 1, "docetaxel")],
        ),
        # no annual word: a proportion still, and a decimal of 1 or more no figure
        (
            "Survival was 0.86 with docetaxel and 1.5 with placebo.",
            [(86.0, "percent", None, "docetaxel")],
        ),
    ],
)
def test_annual_rates_are_events_per_patient_year(
    nlp: Language, text: str, expected: list[tuple[float, str, int | None, str]]
) -> None:
    rows = run(nlp, text, [("docetaxel", "DRUG", "MESH:D000077143")])._.outcomes
    assert [(r["value"], r["unit"], r["denominator"], r["arm"]) for r in rows] == expected
    assert all(r["population"] == "person-years" for r in rows if r["unit"] == "rate")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "annual" of another word: the recurrence rate is a proportion
        (
            "Women with annual mammography had a recurrence rate of 0.12.",
            [(12.0, "percent", None)],
        ),
        (
            "In the annual survey the response rate was 0.65.",
            [(65.0, "percent", None)],
        ),
        # the annual rate is the first figure after its noun: 1.5 is no rate of it
        (
            "The annualized relapse rate was 0.22, and disability progression was 1.5 with "
            "docetaxel.",
            [(0.22, "rate", 1)],
        ),
        # a rate with its own denominator: neither events per patient-year nor a proportion
        ("The annual incidence rate was 0.9 per 100,000 population.", []),
        ("The annual incidence was 1.2 cases per 100,000 population.", []),
        # an annual change in percent, no rate
        ("The annual percentage change was 1.5 in men and 2.3 in women.", []),
    ],
)
def test_no_annual_rate_of_other_words(
    nlp: Language, text: str, expected: list[tuple[float, str, int | None]]
) -> None:
    rows = run(nlp, text, [("docetaxel", "DRUG", "MESH:D000077143")])._.outcomes
    assert [(r["value"], r["unit"], r["denominator"]) for r in rows] == expected


@pytest.mark.parametrize(
    "text",
    [
        # no median before: durations, not medians
        "Patients were treated for 8.2 months (range, 2.1-14.0) versus 5.1 months.",
        # another kind of figure between the median and the second duration
        "Median survival was 8.2 months, and 40% of patients responded versus 5.1 months.",
        # the last median is of another unit
        "Median survival was 8.2 months (95% CI 6.9-9.5; range 1-30) versus 51 weeks.",
    ],
)
def test_a_duration_after_no_median_of_its_unit_is_no_median(nlp: Language, text: str) -> None:
    rows = run(nlp, text)._.outcomes
    assert not [r for r in rows if r["value"] in (5.1, 51.0)]


def test_durations_compared_with_a_median_far_back_cost_linear_time() -> None:
    # every duration after a comparison word read all the tokens back to the last median: an
    # open bracket between (none of them compared) made the sentence cost quadratic time.
    # Best CPU time of 5 runs at each size (`cpu_growth`: wall clock measured the shared
    # machine's load): 16x the durations under 64x the time; quadratic would be ~256x
    from collections.abc import Callable

    from cpu_growth import assert_linear_cpu

    lex = oc.Lexicon(oc.load_lexicon(rule_file("outcomes_lexicon.json")))

    def parse(text: str) -> None:
        parser = grammar.SentenceParser(text, lex)
        parser.find_stats()
        parser.find_timepoints()
        parser.parse()
        assert [f.ratio_value for f in parser.figures] == [8.0]

    def prepare(n: int) -> Callable[[], object]:
        text = "Median survival was 8 months ( " + "a " * 14 + "versus 6 months " * n
        return lambda: parse(text)

    assert_linear_cpu(prepare, 125, floor=1e-4)


def test_rates_per_person_years(nlp: Language) -> None:
    text = "The VTE rate was 11.6 v 23.9 per 1,000 person-years (hazard ratio, 0.48)."
    rows = run(nlp, text)._.outcomes
    got = [(r["value"], r["unit"], r["denominator"], r["population"]) for r in rows]
    assert got[:2] == [(11.6, "rate", 1000, "person-years"), (23.9, "rate", 1000, "person-years")]
    assert (rows[2]["value"], rows[2]["unit"]) == (0.48, "hazard_ratio")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what is counted may stand between a rate and its "per"
        ("The VTE rate was 5.2 vs 8.5 events per 100 patient-years.", [5.2, 8.5]),
        ("The VTE rate was 5.2 events per 100 patient-years.", [5.2]),
        ("The VTE rate was 5.2 and 8.5 cases per 1,000 woman-years.", [5.2, 8.5]),
        # tokenized text: the digits after a decimal's spaced point are no rate of their own
        ("In the enalapril group ( enalapril : risk ratio [ RR ] 1 . 42 per 10 years , 95 % "
         "confidence interval [ CI ] 1 . 32 - 1 . 52 ) .", []),
    ],
)
def test_rates_per_person_time_with_what_they_count(
    nlp: Language, text: str, expected: list[float]
) -> None:
    rows = run(nlp, text)._.outcomes
    assert [r["value"] for r in rows if r["unit"] == "rate"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rash was reported in the naproxen, loratadine, and no prophylaxis groups in 40.3, "
            "42.5, and 46.6%, respectively.",
            [
                ("adverse_event", 40.3, "percent"),
                ("adverse_event", 42.5, "percent"),
                ("adverse_event", 46.6, "percent"),
            ],
        ),
        (
            "The detection rate was 91% with radioguided localization and 84% with wire "
            "localization.",
            [("other", 91.0, "percent"), ("other", 84.0, "percent")],
        ),
        (
            "Of 400 women randomized, 384 provided follow-up measurements.",
            [("enrollment", 400.0, "count")],
        ),
        ("A total of 1,203 women were randomized.", [("enrollment", 1203.0, "count")]),
        (
            "There were 14 neoplastic events with tamoxifen and 28 with placebo.",
            [("other", 14.0, "count"), ("other", 28.0, "count")],
        ),
    ],
)
def test_compared_rates_and_enrollment_forms(
    nlp: Language, text: str, expected: list[tuple[str, float, str]]
) -> None:
    rows = run(nlp, text, [("tamoxifen", "DRUG", "MESH:D013629")])._.outcomes
    assert [(r["measure"], r["value"], r["unit"]) for r in rows] == expected


# ------------------------------------------------------------------------------------------
# enrollment forms and what is not a figure (pico-dev error analysis, tuned part; sentences
# written for the tests)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the subject after many modifiers, then "were (randomly) <enrolled word>"
        (
            "Ninety-two pre- and postmenopausal, node-positive lung cancer patients were "
            "randomly assigned to two doses.",
            92.0,
        ),
        ("512 women with early gastric cancer (stage I or II) were enrolled.", 512.0),
        ("The study enrolled 77 adults with asthma.", 77.0),
        ("We recruited 41 volunteers from two clinics.", 41.0),
        ("Participants were 63 older adults living at home.", 63.0),
        ("A total of 2,315 children were followed for one year.", 2315.0),
        ("In total, 58 patients took part.", 58.0),
        ("A crossover trial was conducted in 240 obese, sedentary men.", 240.0),
        ("Saliva samples were taken from 305 patients before surgery.", 305.0),
        ("All 120 eligible patients were randomized to diet or exercise.", 120.0),
        (
            "Biopsies came from 88 patients with colitis randomised to budesonide or placebo.",
            88.0,
        ),
        ("Of 300 screened, 212 (71%) were enrolled.", 212.0),
        # numbers in words, thousands, thin-space separators
        ("Three thousand four hundred twelve women were randomized.", 3412.0),
        ("One hundred and six patients were enrolled.", 106.0),
        ("Two-hundred patients were randomly allocated.", 200.0),
        ("Participants were 12\u202f504 postmenopausal women.", 12504.0),
        # a plain space as the thousands separator (PubMed prints many thin spaces so)
        ("A total of 13 155 women were randomized.", 13155.0),
        ("Mothers of infants with defects (n = 13 155) were interviewed.", 13155.0),
        ("Analysis included overall survival in the two cohorts (N = 964).", 964.0),
        ("In this cohort study of 612 men with gout, 540 were treated.", 612.0),
        ("In a subsample of 33 participants, blood was drawn twice.", 33.0),
        ("All 86 two-year survivors were randomly assigned to follow-up.", 86.0),
        ("Between 2004 and 2009, 418 (210 A, 208 B) children were enrolled.", 418.0),
        ("Sixty-men with chronic back pain were randomized.", 60.0),
        ("Data came from 1987 participants at four sites.", 1987.0),
    ],
)
def test_enrollment_forms(nlp: Language, text: str, value: float) -> None:
    rows = run(nlp, text)._.outcomes
    got = [(r["measure"], r["value"] if r["unit"] == "count" else r["numerator"]) for r in rows]
    assert ("enrollment", value) in got


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("A total of 9 patients died during treatment.", ("mortality", 9.0)),
        ("Twelve randomized trials were included in the review.", None),
        ("The panel included two genes previously identified.", None),
        ("Grade 3 rash occurred in 14 patients.", ("adverse_event", 14.0)),
    ],
)
def test_enrollment_forms_do_not_take_outcome_counts(
    nlp: Language, text: str, kept: tuple[str, float] | None
) -> None:
    got = pairs(run(nlp, text))
    assert got == ([kept] if kept else [])


def test_group_labels_and_standard_errors_are_not_figures(nlp: Language) -> None:
    doc = run(nlp, "Response rates were similar (group 1, 64%; group 2, 71%).")
    assert [v for _, v in pairs(doc)] == [64.0, 71.0]
    doc = run(nlp, "The estimated relapse rate was 9.2% (±1.4%) at 5 years.")
    assert pairs(doc) == [("relapse", 9.2)]
    doc = run(nlp, "In the high-dose group 40 patients responded.")
    assert pairs(doc) == [("response", 40.0)]


def test_statistic_forms_are_consumed(nlp: Language) -> None:
    doc = run(
        nlp,
        "Relapse was 7.7 percent with A and 0.6 percent with B (95 percent confidence "
        "interval, 3.3 to 21.2; Pinteraction = 0.003).",
    )
    assert [v for _, v in pairs(doc)] == [7.7, 0.6]


def test_cue_gate_finds_the_matches_of_the_whole_sentence(nlp: Language) -> None:
    """The gate's one-token cues plus the Matcher on its windows give the matches the Matcher
    of all cues gives on the whole sentence."""
    comp = nlp.get_pipe("biotab_outcomes")
    text = (
        "Complete clinical response, partial responses and disease-free survival were "
        "recorded; dose-response and immune responses were not, and 5 relapsed or refractory "
        "patients had side effects, PASI 75 response or hair regrowth. PCR and pCR, CRs, "
        "Deaths, withdrawals, toxicities and lost to follow-up were benefited."
    )
    doc = nlp(text)
    orth = [t.orth for t in doc]
    strings = nlp.vocab.strings
    whole = sorted((int(strings[m]), a, b) for m, a, b in cue_matcher(nlp, comp.cues)(doc[:]))
    assert len(whole) > 20  # the sentence has cues, one-token and longer
    assert {b - a for _, a, b in whole} >= {1, 2, 3}
    assert sorted(comp._cue_matches(doc, 0, len(doc), orth)) == whole


def test_docs_from_another_vocab(nlp: Language) -> None:
    """A Doc made with another pipeline's vocab (as `DocBin.get_docs` gives) reads the same."""
    other = spacy.blank("en")
    text = "Complete remission was reached by 17 of 20 zorblaxian patients."
    doc = other.make_doc(text)
    for i, tok in enumerate(doc):
        tok.is_sent_start = i == 0
    (row,) = nlp.get_pipe("biotab_outcomes")(doc)._.outcomes
    assert (row["measure"], row["value"], row["denominator"]) == ("remission", 17.0, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Grade 3 events with > or = 10% incidence included fatigue (21%) and rash (12%).",
            [21.0, 12.0],
        ),
        ("Women having three or more night sweats per day were randomized to placebo.", []),
        ("Epirubicin was given 2 weekly with filgrastim vs 3 weekly.", []),
        ("The 95% two-sided upper confidence limit had to stay below the margin.", []),
        # a hazard ratio (0.52), not a proportion read as 52%
        ("The hazard ratio of severe toxicity as first event was 0.52 in arm A.", [0.52]),
        ("Serum insulin-like growth factor binding protein 3 was measured.", []),
        ("More than 90% of patients responded to treatment.", [90.0]),
        # a percentage of cycles, doses or energy is an amount given, not a share of subjects
        ("Relapse was seen in 12% of patients, with 95% of cycles given at full dose.", [12.0]),
        ("The diet aimed to cut fat to 20% of energy; 30% of women relapsed.", [30.0]),
        ("Relapse occurred in 15% of patients, and 88% of the planned dose was given.", [15.0]),
        # subjects named before the amount noun: a share of subjects
        ("Relapse was lower; 80% of patients completed six cycles.", [80.0]),
    ],
)
def test_thresholds_levels_schedules_and_amounts(
    nlp: Language, text: str, expected: list[float]
) -> None:
    assert [v for _, v in pairs(run(nlp, text))] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # between-arm differences and comparatives: changes, not an arm's rate
        (
            "Nausea was 9.0% with drug A versus 5.0% with drug B (difference = 4.0%, P = .2).",
            [(9.0, "percent"), (5.0, "percent"), (4.0, "relative_change")],
        ),
        (
            "Rash was reported in 8% of patients on A (a 3.5% difference).",
            [(8.0, "percent"), (3.5, "relative_change")],
        ),
        ("Fatigue was 12% lower with drug A than with drug B.", [(12.0, "relative_change")]),
        (
            "Drug A prolonged the time to first fracture or hypercalcemia of malignancy by 18%.",
            [(18.0, "relative_change")],
        ),
        (
            "The relapse rate fell (relative risk reduction 21%, P = .04).",
            [(21.0, "relative_change")],
        ),
        # ... but a percentage of subjects after 'by' stays a rate
        ("Complete response was reached by 30% of patients.", [(30.0, "percent")]),
        ("There was no difference: 4% of patients in arm A relapsed.", [(4.0, "percent")]),
    ],
)
def test_differences_and_comparatives_are_changes(
    nlp: Language, text: str, expected: list[tuple[float, str]]
) -> None:
    assert [(r["value"], r["unit"]) for r in run(nlp, text)._.outcomes] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # counts of sites, clusters, schemes: not subjects, even past modifiers
        ("The trial ran at 4 regional cancer care centers and 30 patients relapsed.", [30.0]),
        ("This randomized trial was conducted at 9 cancer centers in China.", []),
        ("Arm A (12 clusters) had 70 women and arm B (14 clusters) had 80 women.", [70.0, 80.0]),
        ("We compared two dosing schemes of docetaxel.", []),
        # an outcome count before its modifiers stays
        ("There were 21 serious adverse events with drug A.", [21.0]),
        # a grade or stage number is not the ratio, nor a list of them a count of subjects
        ("The odds ratio of grade 3 toxicity was 1.8 with drug A.", [1.8]),
        ("A weight loss intervention in stage 0 and 1 breast cancer survivors helped.", []),
        ("Relapse: 80 ASA physical status 1 or 2 women were scheduled for surgery.", []),
        # a digit group of a P value is not a count
        (
            "The objective response rate was higher: 46.7% vs 18.45% (P<0.000 1) and "
            "79.72% vs 45.63% (P<0.000 1).",
            [46.7, 18.45, 79.72, 45.63],
        ),
    ],
)
def test_sites_schemes_grades_stages_and_p_digit_groups_are_not_figures(
    nlp: Language, text: str, expected: list[float]
) -> None:
    doc = run(nlp, text, [("cancer", "DISEASE", "MESH:D009369")])
    assert [v for _, v in pairs(doc)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # baseline characteristics: who was studied, not outcomes
        ("Of the tumors, 120 (60%) were ER positive and 80 (40%) were ER negative.", []),
        ("Forty percent of the women had stage II breast cancer.", []),
        ("In all, 65% were postmenopausal.", []),
        # an outcome in a subgroup named by a characteristic stays
        ("Relapse occurred in 20% of patients who were ER negative.", [20.0]),
        # a bare "PR" after "had (a)" is the partial response, not progesterone receptor status
        ("Of the 40 patients, 8 (20%) had a PR.", [20.0]),
        ("Of the tumors, 12 (30%) were PR-negative and 10 (25%) were HER2 positive.", []),
    ],
)
def test_baseline_characteristics_are_not_outcomes(
    nlp: Language, text: str, expected: list[float]
) -> None:
    doc = run(nlp, text, [("breast cancer", "DISEASE", "MESH:D001943")])
    assert [v for _, v in pairs(doc)] == expected


def test_bare_pr_is_a_partial_response(nlp: Language) -> None:
    doc = run(nlp, "Of 40 patients, 8 (20%) had a PR and 4 (10%) had a CR.")
    assert [m for m, _ in pairs(doc)] == ["partial_response", "complete_response"]


def test_lower_case_may_is_a_verb_not_a_month(nlp: Language) -> None:
    # a month name blocks a count only as a date (capitalised, or before a day or year)
    assert pairs(run(nlp, "Relapse: 40 may relapse within 2 years.")) == [("relapse", 40.0)]
    assert pairs(run(nlp, "Relapse: 40 May 2014 within 2 years.")) == []
