"""Rows of abstracts that are no trial report (genetics, laboratory and animal work, case reports)
found wrong on BC5CDR and NCBI-disease train (session 27): each sentence (written for these
tests, not copied from a corpus) with the rows it gives. Each case fails without the rule named
above its test, but the cases of what stays (the tests named so), which guard the rule against
taking a result."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_rules import RuleFileError, validate_lexicon
from pipeline.paths import rule_file

Row = tuple[str, str, float]

MENTIONS = [
    ("nausea", "DISEASE", "MESH:D009325"),
    ("deafness", "DISEASE", "MESH:D003638"),
    ("relapse", "DISEASE", "MESH:D012008"),
]


def rows(nlp: Language, text: str, mentions: list[tuple[str, str, str]] = MENTIONS) -> list[Row]:
    """(measure, unit, value) of each row."""
    return [(r["measure"], r["unit"], r["value"]) for r in run(nlp, text, mentions)._.outcomes]


# -- a decimal written with a space after its point gives no row per piece (decimal_pieces) -----


@pytest.mark.parametrize(
    "text",
    [
        "The allele frequency was 0. 12% in the controls.",
        # a sentence splitter cuts after "0.": the "57" opens a sentence of its own
        "The carrier rates were 0. 63 and 0. 57, respectively.",
        "Serum cholestanol fell (34. 5% reduction) in the treated kindred.",
        "Deafness was more frequent in carriers (P =. 0002 and P =. 006, respectively).",
        "Deafness was more frequent in carriers (P <. 05 compared to controls).",
    ],
)
def test_decimal_pieces_give_no_row(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a count of subjects after a sentence that ends with a number is a count
        (
            "Relapse occurred in 12 patients. 5 patients died.",
            [("relapse", "count", 12.0), ("mortality", "count", 5.0)],
        ),
        (
            "Nausea occurred in 9 of 40 patients (22.5%) in 2001. 15 patients relapsed.",
            [("adverse_event", "percent", 22.5), ("relapse", "count", 15.0)],
        ),
        # a decimal written as usual, and a P value with its leading point
        ("Nausea occurred in 0.5% of patients.", [("adverse_event", "percent", 0.5)]),
        ("Nausea occurred in 12 patients (P = .006).", [("adverse_event", "count", 12.0)]),
    ],
)
def test_numbers_beside_a_point_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a thousands separator written with a space gives no row per piece: the number is read
# whole (merge_thousands, thousands_pieces) ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The screening study included 2, 740 unrelated individuals with deafness.",
            [("enrollment", "count", 2740.0)],
        ),
        # (a molecular weight: no count)
        (
            "The mutant protein was smaller than normal (95, 000 daltons compared with 120, 000 "
            "daltons).",
            [],
        ),
    ],
)
def test_thousands_pieces_give_no_row(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected
    text = "Nausea was no more frequent than in a reference group of 12, 305 controls."
    assert all(r[2] == 12305.0 for r in rows(outcomes_nlp, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a label's number, then a count of subjects
        ("In study 2, 140 patients relapsed.", [("relapse", "count", 140.0)]),
        # a list of numbers
        ("Nausea occurred in 12, 140 and 160 patients of the three cohorts, respectively.",
         [("adverse_event", "count", 12.0), ("adverse_event", "count", 140.0),
          ("adverse_event", "count", 160.0)]),
        # a comma before a count of subjects, after no number
        ("At 6 months, 140 patients had relapsed.", [("relapse", "count", 140.0)]),
        # a range's end before the comma
        ("On days 1-5, 120 patients relapsed.", [("relapse", "count", 120.0)]),
        ("In those aged 18 to 65, 120 patients relapsed.", [("relapse", "count", 120.0)]),
    ],
)  # fmt: skip
def test_numbers_beside_a_comma_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


def test_a_share_after_a_comma_is_no_thousands_group(outcomes_nlp: Language) -> None:
    # "45, 100%" is no 45,100: the share stays
    assert ("relapse", "percent", 100.0) in rows(outcomes_nlp, "Of these 45, 100% relapsed.")


# -- labels: a numbered paragraph, a place in a sequence, a reference (count_guard) ------------


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("1. Deafness developed in the treated animals.", MENTIONS),
        ("3. Nausea was noted after the second dose in the treated group.", MENTIONS),
        ("The mutation replaces glycine at position 23 with arginine.",
         [("arginine", "DRUG", "MESH:D001120")]),
        ("Nausea was frequent, and systolic pressure fell to 96 torr compared with 112 torr.",
         MENTIONS),
    ],
)  # fmt: skip
def test_labels_and_measured_values_give_no_row(
    outcomes_nlp: Language, text: str, mentions: list[tuple[str, str, str]]
) -> None:
    assert rows(outcomes_nlp, text, mentions) == []


def test_a_references_number_gives_no_row(full_nlp: Language) -> None:
    # "ref. 3": the abbreviation's point stands between the label word and its number
    text = "Three imprinted genes lie in the deleted region, ZNF127 (ref. 3), NDN (ref. 4) and IPW."
    assert full_nlp(text)._.outcomes == []


def test_a_sentences_first_count_stays(outcomes_nlp: Language) -> None:
    assert rows(outcomes_nlp, "12 patients relapsed.") == [("relapse", "count", 12.0)]


# -- tumours a genetic study examined are specimens, no subjects (specimen_counts) ------------

TUMOURS = [
    ("tumors", "DISEASE", "MESH:D009369"),
    ("tumours", "DISEASE", "MESH:D009369"),
    ("adenomas", "DISEASE", "MESH:D000236"),
    ("carcinomas", "DISEASE", "MESH:D002277"),
    ("melanomas", "DISEASE", "MESH:D008545"),
    ("breast cancers", "DISEASE", "MESH:D001943"),
]


@pytest.mark.parametrize(
    "text",
    [
        "Twenty-two tumors had frameshift mutations.",
        "Six tumours retained the paternal allele.",
        "We examined somatic mutations in 63 colorectal tumors (16 adenomas and 47 carcinomas).",
        "The same mutation was found in one melanoma among 28 melanomas analyzed.",
    ],
)
def test_tumours_of_a_genetic_study_are_specimens(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text, TUMOURS) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # tumours a trial counts as its events name no genetic finding
        (
            "Fifteen breast cancers occurred in the tamoxifen arm.",
            [("adverse_event", "count", 15.0)],
        ),
        ("Twelve tumours recurred in patients given the drug.", [("relapse", "count", 12.0)]),
        # subjects beside the finding are still counted
        (
            "Six tumours retained the allele, and 3 patients died.",
            [("mortality", "count", 3.0)],
        ),
    ],
)
def test_tumours_counted_as_events_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text, TUMOURS) == expected


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (key, value, rf"key 'enrollment_scope': (missing key|key) '{key}'")
        for key in ("specimen_nouns", "genetic_finding_words")
        for value in (None, [])
    ],
)
def test_specimen_lists_are_validated(key: str, value: object, message: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    scope = {k: v for k, v in data["enrollment_scope"].items() if k != key}
    data["enrollment_scope"] = scope if value is None else {**scope, key: value}
    with pytest.raises(RuleFileError, match=message):
        validate_lexicon(data, "lexicon.json")


# -- the cases a case report presents are its subjects (case_series_openers,
# -- case_presentation_verbs, case_presentation_ends) -------------------------------------------

CASES = [
    ("hepatitis", "DISEASE", "MESH:D006505"),
    ("ventricular tachycardia", "DISEASE", "MESH:D017180"),
    ("hypotension", "DISEASE", "MESH:D007022"),
    ("nausea", "DISEASE", "MESH:D009325"),
    ("coma", "DISEASE", "MESH:D003128"),
    ("ticlopidine", "DRUG", "MESH:D013988"),
    ("procainamide", "DRUG", "MESH:D011342"),
    ("acetaminophen", "DRUG", "MESH:D000082"),
]


@pytest.mark.parametrize(
    "text",
    [
        "Seven cases of procainamide-induced ventricular tachycardia are presented.",
        "Four patients who were rendered stuporous by drug intoxication, but who were not "
        "hypoxic, are described.",
        "Three patients with ticlopidine-induced hepatitis are reported and another 13 patients "
        "in the literature are reviewed.",
        "This article describes two critically ill patients in whom hypotension developed after "
        "acetaminophen.",
        "To report 2 cases of ticlopidine-induced hepatitis.",
        "Hepatitis after ticlopidine: a report of two cases.",
        # a relative clause after the verb says what the cases had
        "Two patients are presented who developed hepatitis after ticlopidine.",
    ],
)
def test_presented_cases_are_the_case_series(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text, CASES)[0][0] == "enrollment"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a verb of reporting that opens no presentation: the count is a result
        ("Twelve patients were reported to have nausea.", [("adverse_event", "count", 12.0)]),
        # a trial reports its events in the past tense
        (
            "Two cases of ticlopidine-induced hepatitis were reported.",
            [("adverse_event", "count", 2.0)],
        ),
        ("Nausea was reported in 12 patients.", [("adverse_event", "count", 12.0)]),
        (
            "Hypotension in 12 patients was reported after acetaminophen.",
            [("adverse_event", "count", 12.0)],
        ),
        (
            "Twelve patients had nausea but three cases are described in detail.",
            [("adverse_event", "count", 12.0), ("enrollment", "count", 3.0)],
        ),
    ],
)
def test_results_beside_a_presentation_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text, CASES) == expected


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("case_presentation_verbs", None, r"missing key 'case_presentation_verbs'"),
        ("case_presentation_auxiliaries", None, r"missing key 'case_presentation_auxiliaries'"),
        ("case_presentation_ends", [], r"key 'case_presentation_ends' is an empty list"),
        ("case_presentation_ends", ["here", 3], r"'case_presentation_ends' must be a list"),
    ],
)
def test_presentation_lists_are_validated(key: str, value: object, message: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data = {k: v for k, v in data.items() if k != key}
    if value is not None:
        data[key] = value
    with pytest.raises(RuleFileError, match=message):
        validate_lexicon(data, "lexicon.json")


@pytest.mark.parametrize(
    "text",
    [
        # cases reported earlier are no case series of the abstract's own
        "Fifteen cases of ticlopidine-induced hepatitis have been reported.",
        "In contrast to previous reports of hepatitis, one of our patients had nausea.",
    ],
)
def test_earlier_reports_are_no_case_series(outcomes_nlp: Language, text: str) -> None:
    assert all(r[0] != "enrollment" for r in rows(outcomes_nlp, text, CASES))


# -- a share listed right after a claimed one is of the same outcome (compared_figures) --------

EVENTS = [
    ("bleeding", "DISEASE", "MESH:D006470"),
    ("seizures", "DISEASE", "MESH:D012640"),
    ("infection", "DISEASE", "MESH:D007239"),
    ("renal failure", "DISEASE", "MESH:D051437"),
    ("aniridia", "DISEASE", "MESH:D015783"),
]


def test_a_listed_share_takes_the_list_s_measure(outcomes_nlp: Language) -> None:
    text = (
        "Bleeding, seizures, infection, and renal failure were documented in seven (10%), five "
        "(7.1%), 26 (37.1%), and seven (10%) patients, respectively."
    )
    assert [r[0] for r in rows(outcomes_nlp, text, EVENTS)] == ["adverse_event"] * 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cue of its own wins
        (
            "Seizures occurred in 20 (40%), and 12 (24%) died.",
            [("adverse_event", "percent", 40.0), ("mortality", "percent", 24.0)],
        ),
    ],
)
def test_listed_figures_with_their_own_reading_stay(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert [r for r in rows(outcomes_nlp, text, EVENTS) if r[0] != "enrollment"] == expected


def test_listed_counts_take_no_measure(outcomes_nlp: Language) -> None:
    # bare counts list who was studied as often as outcomes: no measure passed on
    text = (
        "Twelve aniridia patients, five with a family history and seven sporadic, were screened "
        "for mutations."
    )
    assert [r[2] for r in rows(outcomes_nlp, text, EVENTS) if r[2] in (5.0, 7.0)] == []


# -- counts of kinds of disease, loci and agents are no subjects (count_blockers_after) ---------

KINDS = [
    ("ataxia", "DISEASE", "MESH:D001259"),
    ("deafness", "DISEASE", "MESH:D003638"),
    ("epilepsy", "DISEASE", "MESH:D004827"),
    ("seizures", "DISEASE", "MESH:D012640"),
    ("spastic paraplegia", "DISEASE", "MESH:D015419"),
]


@pytest.mark.parametrize(
    "text",
    [
        "These data suggest that there is only one deafness locus.",
        "Three congenital deafness syndromes are associated with the deletion.",
        "One spastic paraplegia locus maps to Xq28.",
    ],
)
def test_kinds_and_loci_are_no_subjects(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text, KINDS) == []


def test_subjects_with_disorders_stay(outcomes_nlp: Language) -> None:
    text = "Twelve patients developed seizures after the first dose."
    assert rows(outcomes_nlp, text, KINDS) == [("adverse_event", "count", 12.0)]


# -- a change word says which way an outcome moved, not what it is (change_cue_words) -----------

CHANGES = [
    ("nausea", "DISEASE", "MESH:D009325"),
    ("neutropenia", "DISEASE", "MESH:D009503"),
    ("myoclonus", "DISEASE", "MESH:D009207"),
    ("seizures", "DISEASE", "MESH:D012640"),
    ("anemia", "DISEASE", "MESH:D000740"),
    ("tumour", "DISEASE", "MESH:D009369"),
    ("remifentanil", "DRUG", "MESH:D000077208"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("carboplatin", "DRUG", "MESH:D016190"),
    ("diarrhea", "DISEASE", "MESH:D003967"),
    ("psoriasis", "DISEASE", "MESH:D011565"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nausea in the first 24 h was decreased from 42% to 27% (P = 0.034).",
            [("adverse_event", "percent", 42.0), ("adverse_event", "percent", 27.0)],
        ),
        (
            "The incidence of myoclonus was lower in the remifentanil group (6.7%) than in the "
            "placebo group (70%).",
            [("adverse_event", "percent", 6.7), ("adverse_event", "percent", 70.0)],
        ),
        (
            "The incidence of grade 3 neutropenia was lower with tamoxifen (12%) than with "
            "placebo (25%).",
            [("adverse_event", "percent", 12.0), ("adverse_event", "percent", 25.0)],
        ),
    ],
)
def test_a_change_takes_the_measure_of_what_changed(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text, CHANGES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a disease named alone is no outcome measured: tumour size is no adverse event
        (
            "Tumour size decreased by 50% after the first cycle.",
            [("other", "relative_change", 50.0)],
        ),
        # a verb that says an event happened names nothing that changed
        (
            "Anemia was induced with carboplatin, resulting in a lasting reduction (30%) of the "
            "hemoglobin concentration.",
            [("other", "relative_change", 30.0)],
        ),
        ("Serum creatinine increased in 20% of patients.", [("other", "percent", 20.0)]),
    ],
)
def test_changes_with_nothing_named_stay_other(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text, CHANGES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a definition in brackets puts the weak cue "occurred" nearer the figure than the
        # measure that occurred
        (
            "Clinical remission (CDAI <= 2.8) occurred in 22 of 87 patients.",
            [("remission", "count", 22.0)],
        ),
        (
            "Clinical remission (CDAI score of 2.8 or less) occurred in 22 (25%) of 87 patients.",
            [("remission", "percent", 25.0)],
        ),
        (
            "Relapse (a rise of at least 1 point in the EDSS) occurred in 7 of 25 responders.",
            [("relapse", "count", 7.0)],
        ),
        # what occurred is an adverse event: it stays one
        ("Grade 3 neutropenia occurred in 12 of 80 patients.", [("adverse_event", "count", 12.0)]),
        # a disease named between another measure's cue and the verb is what occurred, unless
        # the cue names it as its object
        (
            "Progression-free survival was longer with drug A, and diarrhea occurred in 20% of "
            "patients.",
            [("adverse_event", "percent", 20.0)],
        ),
        ("Relapse of psoriasis occurred in 10% of patients.", [("relapse", "percent", 10.0)]),
        # (also when that other cue is the nearer strong one: it is another clause's)
        (
            "Among responders, grade 3 neutropenia occurred in 12 of 80 patients.",
            [("adverse_event", "count", 12.0)],
        ),
        (
            "Complete responses were durable, and diarrhea occurred in 9% of patients.",
            [("adverse_event", "percent", 9.0)],
        ),
    ],
)
def test_what_occurred_is_the_measure(outcomes_nlp: Language, text: str,
                                      expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text, CHANGES) == expected


@pytest.mark.parametrize(
    "key",
    ["change_cue_words", "event_verb_cues", "intransitive_event_verbs", "prevention_words",
     "event_report_verbs", "natural_frequency_words", "score_value_nouns"],
)
def test_change_lists_are_validated(key: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data = {k: v for k, v in data.items() if k != key}
    with pytest.raises(RuleFileError, match=f"missing key '{key}'"):
        validate_lexicon(data, "lexicon.json")


def test_a_share_with_its_interval_is_a_result(outcomes_nlp: Language) -> None:
    # no cue names the measure, the interval says it is an estimate
    text = "Clinical benefit was seen in 30 of 52 patients (58%; 95% CI, 43%-71%)."
    assert rows(outcomes_nlp, text) == [("other", "percent", 58.0)]


def test_a_number_beside_an_interval_is_no_share(outcomes_nlp: Language) -> None:
    # (the interval of a mean difference: no share of subjects, no row for the 3)
    text = "The difference in mean nausea scores was 3 (95% confidence interval, -3 to 9)."
    assert all(v != 3.0 for _, _, v in rows(outcomes_nlp, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a composite end point of progression or death is a survival's, no mortality
        (
            "The hazard ratio for progression or death was 0.58 (95% CI 0.46-0.72; p<0.0001).",
            [("survival", "hazard_ratio", 0.58)],
        ),
        (
            "The risk of recurrence or death was reduced by 35% with tamoxifen.",
            [("survival", "relative_change", 35.0)],
        ),
        # (written death first)
        (
            "The hazard ratio for death or disease progression was 0.62 (95% CI, 0.50 to 0.78).",
            [("survival", "hazard_ratio", 0.62)],
        ),
        (
            "The risk of death or recurrence was reduced by 35% with tamoxifen.",
            [("survival", "relative_change", 35.0)],
        ),
        # a cue inside a bracket with a figure of its own names that figure's measure, not the
        # rates before the bracket
        (
            "Overall survival at 2 years was 61.4% in the tamoxifen group and 39.2% in the "
            "placebo group (HR for death, 0.59; 95% CI, 0.44 to 0.79; P<0.001).",
            [("survival", "percent", 61.4), ("survival", "percent", 39.2),
             ("mortality", "hazard_ratio", 0.59)],
        ),
        (
            "The overall response rate was 15% (CR, 2%; PR, 13%; 95% CI, 6% to 29%).",
            [("response", "percent", 15.0), ("complete_response", "percent", 2.0),
             ("partial_response", "percent", 13.0)],
        ),
    ],
)
def test_what_a_ratio_or_a_bracket_names(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text, CHANGES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what a treatment prevents is no adverse event
        ("The vaccine was 95% effective at preventing febrile seizures.", []),
        ("Vaccine efficacy against febrile seizures was 95%.", [("other", "percent", 95.0)]),
        # a skin trial's success
        (
            "At week 16, 37% of patients on tamoxifen and 10% on placebo were clear or almost "
            "clear (IGA 0/1).",
            [("response", "percent", 37.0), ("response", "percent", 10.0)],
        ),
        # the same success with a slash, or named by its scores (no count of 0)
        ("At week 16, 37% were clear/almost clear.", [("response", "percent", 37.0)]),
        (
            "At week 16, 37% achieved an IGA score of 0 (clear) or 1 (almost clear).",
            [("response", "percent", 37.0)],
        ),
        # one in every three, a verb of having the disease between "with" and its name
        (
            "1 in 3 women treated with tamoxifen reported nausea.",
            [("adverse_event", "count", 1.0)],
        ),
        # the cue is the percentage's, a figure stands between it and the trial's size
        (
            "A 52-week trial in 1,200 adults found that 44% of those on tamoxifen were clear or "
            "almost clear.",
            [("enrollment", "count", 1200.0), ("response", "percent", 44.0)],
        ),
        # a general statement names no one studied
        ("Each year, around 2,000 people in the UK are diagnosed with anemia.", []),
        # "every" between "in" and the larger number: still one of five
        (
            "One in every five women treated with tamoxifen reported nausea.",
            [("adverse_event", "count", 1.0)],
        ),
        # a frequency with its bound: one in 100, no count of 100 people
        (
            "Fewer than 1 in 100 women treated with tamoxifen reported nausea.",
            [("adverse_event", "count", 1.0)],
        ),
        # the verb's present tense ("respond", not only "responded")
        ("About 60% of patients respond to tamoxifen.", [("response", "percent", 60.0)]),
        # a treatment's failure is an end point of efficacy, not an adverse event
        (
            "Treatment failure occurred in 21.4% of patients on tamoxifen.",
            [("other", "percent", 21.4)],
        ),
    ],
)
def test_lay_and_guideline_wordings(outcomes_nlp: Language, text: str,
                                    expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text, CHANGES) == expected


def test_a_small_share_after_an_abbreviation_is_a_share(outcomes_nlp: Language) -> None:
    # two neighbouring scores after an abbreviation are a scale's ("IGA 0/1"); other fractions
    # are shares, however small the cohort ("CR 2/4" in a dose-escalation cohort)
    got = rows(outcomes_nlp, "Responses at dose level 3: CR 2/4 and PR 1/4 (IGA 0/1).")
    assert [(unit, value) for _, unit, value in got] == [("count", 2.0), ("count", 1.0)]


def test_a_disease_after_a_verb_of_having_it_is_an_event(outcomes_nlp: Language) -> None:
    mentions = [("arthralgia", "DISEASE", "MESH:D018771"), ("letrozole", "DRUG", "MESH:D000077289")]
    got = rows(outcomes_nlp, "1 in 3 women treated with letrozole reported arthralgia.", mentions)
    assert got == [("adverse_event", "count", 1.0)]


def test_a_cue_right_before_its_figure_in_a_list(outcomes_nlp: Language) -> None:
    # "CR 4 (10%), PR 12 (30%)": each label is its own figure's, not the next figure's
    got = rows(outcomes_nlp, "Best response: CR 4 (10%), PR 12 (30%).", CHANGES)
    assert got == [("complete_response", "percent", 10.0), ("partial_response", "percent", 30.0)]
