"""Rows that are not results, and results read as one figure: each sentence (written for these
tests) with the rows it gives. Each case fails without the rule named above it."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_rules import CueRule

Row = tuple[str, str, float, int | None, int | None]


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, unit, value, numerator, denominator) of each row."""
    return [
        (r["measure"], r["unit"], r["value"], r["numerator"], r["denominator"])
        for r in run(nlp, text)._.outcomes
    ]


def values(nlp: Language, text: str) -> list[float]:
    return [r[2] for r in rows(nlp, text)]


# -- a confidence level written after its abbreviation is no figure ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Grade 2 dermatitis occurred in 40% of women (two-sided CI 95%).",
        "Grade 2 dermatitis occurred in 40% of women (CI: 90%).",
    ],
)
def test_confidence_level_after_ci(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == [40.0]


def test_bound_after_ci_is_not_a_level(outcomes_nlp: Language) -> None:
    # "CI 30%-50%" starts a range: the bounds are not a level (nor rows of their own)
    text = "Grade 2 dermatitis occurred in 40% of women (CI 30%-50%)."
    assert values(outcomes_nlp, text) == [40.0]


# -- a percentage followed by "or more / or higher" is a threshold ----------------------------


def test_threshold_written_after_the_percentage(outcomes_nlp: Language) -> None:
    text = (
        "Of the 310 women with a projected risk of 2.1% or higher who joined the study, "
        "nine developed a thrombosis."
    )
    got = values(outcomes_nlp, text)
    assert 2.1 not in got and 9.0 in got, got  # the threshold is no figure; the nine are


# -- "N (x%) of M <subjects>" is one figure: the count, its share and its denominator ----------


def test_count_share_and_denominator_are_one_figure(outcomes_nlp: Language) -> None:
    got = rows(outcomes_nlp, "Grade 3 mucositis occurred in 14 (27%) of 51 assessable patients.")
    assert got == [("adverse_event", "percent", 27.0, 14, 51)]
    got = rows(outcomes_nlp, "Grade 3 mucositis occurred in 14 (27%) out of 51 patients.")
    assert got == [("adverse_event", "percent", 27.0, 14, 51)]


def test_share_of_a_pool_that_was_enrolled(outcomes_nlp: Language) -> None:
    # the enrolled are the 52; the 85 were the pool they came from
    got = rows(
        outcomes_nlp,
        "Between 2010 and 2014, 52 (61%) of 85 women with lymphoedema were enrolled.",
    )
    assert got == [("enrollment", "count", 52.0, 52, 85)]


def test_pool_named_by_its_arm_is_not_enrollment(outcomes_nlp: Language) -> None:
    # "assigned to" names the pool the event count is a share of, not who was enrolled
    got = rows(outcomes_nlp, "Nausea was reported by 40 (20%) of 200 women assigned to letrozole.")
    assert [r[0] for r in got] == ["adverse_event"]
    assert got[0][3:] == (40, 200)


# -- a count opening a bracket is about what the bracket follows -----------------------------


def test_bracketed_count_takes_the_cue_before_the_bracket(outcomes_nlp: Language) -> None:
    text = (
        "The most frequent grade 3 events with the combination were neutropenia "
        "(20 [40%] of 50 patients) and raised serum bilirubin concentrations."
    )
    assert rows(outcomes_nlp, text) == [("adverse_event", "percent", 40.0, 20, 50)]


# -- "+/-" is "±": a mean with its standard deviation is no count and no rate -----------------


@pytest.mark.parametrize(
    "text",
    [
        "Pain scores were lower with drug A (33 +/- 3% vs 21 +/- 2%, P < 0.05).",
        "Grip strength was lower in the C group (653 +/- 174) than in the M group (837 +/- 171).",
        "The incidence of arrhythmia per hour was 0.06 +/- 0.04 with drug A.",
    ],
)
def test_mean_and_deviation_typed_with_plus_minus(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


def test_counts_beside_a_mean_stay(outcomes_nlp: Language) -> None:
    text = "Nausea occurred in 21 patients with drug A (score 4.1 +/- 1.2) and in 35 with placebo."
    assert [r[2] for r in rows(outcomes_nlp, text)] == [21.0, 35.0]


# -- subjects counted per unit of time or per site are a rate, not who was studied -------------


@pytest.mark.parametrize(
    "text",
    [
        "Recruitment averaged 12 patients per month over the first year.",
        "Accrual reached about 40 women per centre per year.",
    ],
)
def test_subjects_per_month_or_site_are_a_rate(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        # the base of a rate is no count of subjects ("10 000": a plain-space thousands mark)
        "The absolute risk of VTE was 3.4 (range, 3.1-3.8) per 10 000 women years on COCs.",
        "The risk was 4.2 (95% CI, 3.2-5.2) per 10,000 women years among users.",
    ],
)
def test_the_base_of_a_rate_is_no_count(outcomes_nlp: Language, text: str) -> None:
    assert [r for r in rows(outcomes_nlp, text) if r[0] == "enrollment"] == []


def test_subjects_per_arm_stay_an_arms_size(outcomes_nlp: Language) -> None:
    got = rows(outcomes_nlp, "The study enrolled 130 patients per arm.")
    assert [(r[0], r[2]) for r in got] == [("enrollment", 130.0)]


# -- a share of cycles or days is an amount of treatment or time, not of subjects --------------


@pytest.mark.parametrize(
    "text",
    [
        "Grade 3 diarrhoea occurred in 5 of 140 cycles.",
        "Grade 3 diarrhoea occurred in 5/140 cycles.",
        "Vomiting was recorded on 3 of 5 days.",
    ],
)
def test_share_of_cycles_or_days(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


def test_a_measured_clearance_is_no_improvement(outcomes_nlp: Language) -> None:
    # a lab value's clearance is measured; the clearing of lesions stays a response
    assert rows(outcomes_nlp, "Creatinine clearance fell in 12 patients (30%).") == []
    got = rows(outcomes_nlp, "Complete clearance of lesions occurred in 12 patients (30%).")
    assert [r[0] for r in got] == ["complete_response"]


def test_the_exact_case_cue_wins_over_the_same_token(outcomes_nlp: Language) -> None:
    # "PCR" the assay and "Cr" creatinine match the complete-response abbreviation cue in lower
    # case too; the cue that reads the exact case wins, so they give no complete response
    assert rows(outcomes_nlp, "PCR was positive in 12 patients (30%).") == []
    got = rows(outcomes_nlp, "Serum Cr rose in 5 patients (12%).")
    assert got == rows(outcomes_nlp, "Serum creatinine rose in 5 patients (12%).")
    assert [r[0] for r in got] == ["other"]
    for text in ("CR was reached by 12 patients (30%).", "pCR was reached by 12 patients (30%)."):
        assert [r[0] for r in rows(outcomes_nlp, text)] == ["complete_response"]
    got = rows(outcomes_nlp, "PCR was positive in 12 patients (30%), CR was reached by 8 (20%).")
    assert got == [("complete_response", "percent", 20.0, 8, None)]


def test_exact_case_of_a_cue_rule() -> None:
    assert CueRule("other", [{"TEXT": "Cr"}]).exact_case
    assert CueRule("other", [{"LOWER": "x"}, {"ORTH": "Y"}]).exact_case
    assert not CueRule("other", [{"LOWER": {"IN": ["cr"]}}]).exact_case
    assert not CueRule("other", "complete response").exact_case


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Headache relief at 2 h was 75.9% with sumatriptan.", [75.9]),
        ("Tinnitus was almost completely abolished in 8 of 10 patients.", [8.0]),
        ("Audiograms in seven cases reverted to normal within three weeks.", [7.0]),
        ("Eight patients had return of normal gallbladder contractility.", [8.0]),
        ("Nine of 13 patients with symptoms became asymptomatic.", [9.0]),
    ],
)
def test_relief_and_a_return_to_normal_are_improvements(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    got = rows(outcomes_nlp, text)
    assert [(m, v) for m, _, v, _, _ in got] == [("improvement", v) for v in expected]


def test_subjects_beside_compared_were_studied(outcomes_nlp: Language) -> None:
    # "compared" compares what the subjects were given; "vs" and a list compare results
    text = "Haloperidol 2 mg/day and 0.5 mg/day were compared in 71 outpatients."
    assert rows(outcomes_nlp, text) == [("enrollment", "count", 71.0, None, None)]
    text = "Transfusion was needed by 45 patients in arm A compared with 30 patients in arm B."
    assert [r[0] for r in rows(outcomes_nlp, text)] == ["other", "other"]
    text = "Transfusions: 45 patients vs 30 patients."
    assert [r[0] for r in rows(outcomes_nlp, text)] == ["other", "other"]
    text = (
        "Twenty-three of the patients had taken fenfluramine, as compared with only 5 of the "
        "controls (66 versus 6%)."
    )
    assert [r[0] for r in rows(outcomes_nlp, text)][:2] == ["other", "other"]


def test_figures_listed_in_one_bracket_share_the_first_ones_measure(
    outcomes_nlp: Language,
) -> None:
    text = (
        "The incidence of dependent edema was higher in the amlodipine group, particularly at a "
        "dose of 10 mg per day (2.4% for 80 mg valsartan; 3.6% for 5 mg amlodipine; 0% for "
        "valsartan plus 5 mg amlodipine; 14.3% for 10 mg amlodipine)."
    )
    mentions = [("edema", "DISEASE", "MESH:D004487")]
    got = arms(outcomes_nlp, text, mentions)
    assert [(m, v) for m, v, _, _ in got] == [
        ("adverse_event", 2.4), ("adverse_event", 3.6), ("adverse_event", 0.0),
        ("adverse_event", 14.3),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a proportion before a unit of dose
        "OCT induced a decrease in serum PTH levels at a dose of 0.1 microg/kg.",
        # a number glued to its unit
        "In the control group, stimulation led only to diffuse slowing at 5V stimulation.",
    ],
)
def test_measured_values_give_no_row(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []


def test_a_count_glued_to_its_subjects_stays(outcomes_nlp: Language) -> None:
    # a number glued to a unit is a measurement, but one glued to its subjects a count
    got = rows(outcomes_nlp, "Grade 3 diarrhoea occurred in 12patients (10%).")
    assert got == [("adverse_event", "percent", 10.0, 12, None)]


def test_a_ph_shares_no_percent_sign(outcomes_nlp: Language) -> None:
    got = rows(outcomes_nlp, "Release at pH 7.4 and 12% of patients responded.")
    assert [(m, v) for m, _, v, _, _ in got] == [("response", 12.0)]


@pytest.mark.parametrize(
    "text",
    [
        "Discontinuation due to adverse events occurred in 12 patients (8%).",
        "Treatment was discontinued because of toxicity in 12 patients (8%).",
        "Twelve patients (8%) withdrew because of adverse events.",
        "Adverse events led to discontinuation in 12 patients (8%).",
    ],
)
def test_the_reason_to_stop_is_no_measure(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == [("discontinuation", "percent", 8.0, 12, None)]


def test_a_stop_without_a_reason_leaves_later_events(outcomes_nlp: Language) -> None:
    text = "Treatment was stopped for 2 weeks; grade 3 neutropenia occurred in 12 patients (8%)."
    got = rows(outcomes_nlp, text)
    assert [r[0] for r in got] == ["adverse_event"]


def test_for_is_a_reason_only_right_after_the_stop(outcomes_nlp: Language) -> None:
    # "for" two words after the stop: what was assessed, no reason (review s17-rev2 F9)
    text = (
        "Patients who discontinued were assessed for toxicity and neutropenia occurred in 12 "
        "patients (8%)."
    )
    assert [r[0] for r in rows(outcomes_nlp, text)] == ["adverse_event"]


def test_for_right_after_the_stop_gives_its_reason(outcomes_nlp: Language) -> None:
    text = "Treatment was stopped for neutropenia in 12 patients (8%)."
    assert [r[0] for r in rows(outcomes_nlp, text)] == ["discontinuation"]
    text = "Eight patients stopped treatment for neutropenia (7%)."
    assert [r[0] for r in rows(outcomes_nlp, text)] == ["discontinuation"]


def test_a_reason_to_stop_ends_at_a_number(outcomes_nlp: Language) -> None:
    # a number after the reason starts another figure's clause: its events stay events
    mentions = [
        ("neutropenia", "DISEASE", "MESH:D009503"),
        ("nausea", "DISEASE", "MESH:D009325"),
        ("toxicity", "DISEASE", "MESH:D064420"),
    ]
    text = "Twelve patients withdrew for personal reasons and 8 developed grade 3 neutropenia (7%)."
    got = [m for m, *_ in arms(outcomes_nlp, text, mentions)]
    assert got[0] == "discontinuation" and set(got[1:]) == {"adverse_event"}
    text = (
        "Treatment was discontinued because of toxicity in 5 patients and nausea occurred in 20 "
        "patients (16%)."
    )
    got = [(m, v) for m, v, _, _ in arms(outcomes_nlp, text, mentions)]
    assert got == [("discontinuation", 5.0), ("adverse_event", 16.0)]
    # not a number a count blocker comes before: it is part of the reason
    text = "Treatment was discontinued due to grade 3 neutropenia in 12 patients (8%)."
    got = [(m, v) for m, v, _, _ in arms(outcomes_nlp, text, mentions)]
    assert got == [("discontinuation", 8.0)]


def test_share_of_subjects_stays(outcomes_nlp: Language) -> None:
    got = rows(outcomes_nlp, "Grade 3 diarrhoea occurred in 5 of 140 patients.")
    assert got == [("adverse_event", "count", 5.0, 5, 140)]


# -- an arm's size "(n = N)" is an enrollment row of that arm ----------------------------------


ArmRow = tuple[str, float, str | None, int | None]


def arms(
    nlp: Language, text: str, mentions: list[tuple[str, str, str]] | None = None
) -> list[ArmRow]:
    """(measure, value, arm, group_size) of each row."""
    doc = run(nlp, text, mentions or [])
    return [(r["measure"], r["value"], r["arm"], r["group_size"]) for r in doc._.outcomes]


def test_arm_sizes_name_their_arm(outcomes_nlp: Language) -> None:
    text = (
        "In all, 610 women were randomly assigned to letrozole 2.5 mg daily (n = 310) or "
        "placebo (n = 300). Grade 3 arthralgia occurred in 12% of women in the placebo arm."
    )
    got = arms(outcomes_nlp, text, [("letrozole", "DRUG", "MESH:D000077289")])
    assert got == [
        ("enrollment", 610.0, None, None),
        ("enrollment", 310.0, "letrozole", 310),
        ("enrollment", 300.0, "placebo", 300),
        ("adverse_event", 12.0, "placebo", 300),
    ]


def test_a_disease_that_names_who_was_studied_is_no_event(outcomes_nlp: Language) -> None:
    # after "suffering from", and in its short form right after it, a disease names who was
    # studied: the count is of subjects, not of events
    mentions = [
        ("Parkinson's disease", "DISEASE", "MESH:D010300"),
        ("PD", "DISEASE", "MESH:D010300"),
        ("nausea", "DISEASE", "MESH:D009325"),
    ]
    text = "Seven patients suffering from Parkinson's disease received propranolol."
    assert arms(outcomes_nlp, text, mentions) == [("enrollment", 7.0, None, None)]
    text = "Seven patients suffering from Parkinson's disease (PD) received propranolol."
    assert arms(outcomes_nlp, text, mentions) == [("enrollment", 7.0, None, None)]
    text = "Twelve patients suffered from nausea (30%)."
    assert [m for m, *_ in arms(outcomes_nlp, text, mentions)] == ["adverse_event"]


def test_a_disease_after_an_event_word_and_of_is_an_event(outcomes_nlp: Language) -> None:
    # "of" before a disease names who was studied ("a history of stroke"), but not after an
    # event word ("incidents of", "complained of")
    mentions = [
        ("bradycardia", "DISEASE", "MESH:D001919"),
        ("penile pain", "DISEASE", "MESH:D010146"),
        ("stroke", "DISEASE", "MESH:D020521"),
    ]
    text = "There were 12 incidents of bradycardia in the treated group."
    assert [(m, v) for m, v, _, _ in arms(outcomes_nlp, text, mentions)] == [
        ("adverse_event", 12.0)
    ]
    text = "Four patients complained of penile pain."
    assert [(m, v) for m, v, _, _ in arms(outcomes_nlp, text, mentions)] == [
        ("adverse_event", 4.0)
    ]
    text = "Patients with a history of stroke (n = 12) were excluded."
    assert [(m, v) for m, v, _, _ in arms(outcomes_nlp, text, mentions)] == [("enrollment", 12.0)]


def events(nlp: Language, text: str, mentions: list[tuple[str, str, str]]) -> list[tuple]:
    """(measure, value, disease_text, event_text) of each row."""
    doc = run(nlp, text, mentions)
    return [(r["measure"], r["value"], r["disease_text"], r["event_text"]) for r in doc._.outcomes]


def test_an_event_figure_names_its_event(outcomes_nlp: Language) -> None:
    # the event is the disease of the figure's own phrase after it, else the nearest before it;
    # the disease stays the condition of who was studied
    mentions = [
        ("hypertension", "DISEASE", "MESH:D006973"),
        ("leukopenia", "DISEASE", "MESH:D007970"),
        ("edema", "DISEASE", "MESH:D004487"),
        ("cough", "DISEASE", "MESH:D003371"),
        ("rheumatoid arthritis", "DISEASE", "MESH:D001172"),
        ("proteinuria", "DISEASE", "MESH:D011507"),
    ]
    text = "In patients with hypertension, 62.5% experienced grade 4 leukopenia."
    assert events(outcomes_nlp, text, mentions) == [
        ("adverse_event", 62.5, "hypertension", "leukopenia")
    ]
    # no condition of who was studied is named: the document's most frequent disease may be
    # the event itself, so none
    text = "Leukopenia was common. In all, 62.5% experienced grade 4 leukopenia."
    assert events(outcomes_nlp, text, mentions) == [("adverse_event", 62.5, None, "leukopenia")]
    # else the document's main disease, unless a drug brought it about
    more = [*mentions, ("lung cancer", "DISEASE", "MESH:D008175")]
    text = "Paclitaxel in lung cancer. Of note, 29% experienced grade 2 leukopenia."
    assert events(outcomes_nlp, text, more) == [
        ("adverse_event", 29.0, "lung cancer", "leukopenia")
    ]
    text = "Paclitaxel-induced edema. Of note, 29% experienced grade 2 edema, edema and cough."
    assert [d for _, _, d, _ in events(outcomes_nlp, text, mentions)] == [None]
    text = (
        "Edema was reported in 8.5% in the A group compared with 13.5% in the B group, and cough "
        "was reported in 3.8%."
    )
    assert [(v, ev) for _, v, _, ev in events(outcomes_nlp, text, mentions)] == [
        (8.5, "Edema"), (13.5, "Edema"), (3.8, "cough")
    ]
    text = "Four patients with rheumatoid arthritis developed proteinuria."
    assert events(outcomes_nlp, text, mentions) == [
        ("adverse_event", 4.0, "rheumatoid arthritis", "proteinuria")
    ]
    text = "Adverse events occurred in 16% of patients with hypertension."
    assert events(outcomes_nlp, text, mentions) == [
        ("adverse_event", 16.0, "hypertension", None)
    ]
    text = "Side effects including edema, grade 2 leukopenia and cough were minor (13%)."
    assert [ev for *_, ev in events(outcomes_nlp, text, mentions)] == [None]
    # other measures name no event
    text = "Response was seen in 12 of 40 patients (30%) with rheumatoid arthritis."
    assert [ev for *_, ev in events(outcomes_nlp, text, mentions)] == [None]


def test_an_event_after_a_rate_or_a_reason_is_the_event(outcomes_nlp: Language) -> None:
    # "of"/"for" after a rate noun or "because" opens the event counted, not who was studied
    mentions = [
        ("hypotension", "DISEASE", "MESH:D007022"),
        ("hypertension", "DISEASE", "MESH:D006973"),
        ("cough", "DISEASE", "MESH:D003371"),
        ("hyperkalemia", "DISEASE", "MESH:D006947"),
    ]
    text = "The incidence of hypotension was 25% in the propofol group."
    assert events(outcomes_nlp, text, mentions) == [("adverse_event", 25.0, None, "hypotension")]
    text = (
        "Hypertension was well controlled in 80% of patients, and 4 patients (3%) discontinued "
        "the drug because of cough."
    )
    assert [(m, ev) for m, _, _, ev in events(outcomes_nlp, text, mentions)][1:] == [
        ("discontinuation", "cough")
    ]
    text = "Treatment was discontinued for hyperkalemia in 12 patients (6%)."
    assert events(outcomes_nlp, text, mentions) == [
        ("discontinuation", 6.0, None, "hyperkalemia")
    ]
    # an opener after who was studied still names their condition
    text = "In patients with hypertension, the incidence was 25%."
    assert [ev for *_, ev in events(outcomes_nlp, text, mentions)] == [None]
    # and a rate noun before who was studied does not make their condition an event
    text = "The incidence of cough was 25%, the rate in women with hypertension 30%."
    assert [d for _, _, d, _ in events(outcomes_nlp, text, mentions)] == ["hypertension"] * 2


def test_a_death_takes_no_event_of_another_clause(outcomes_nlp: Language) -> None:
    mentions = [("pneumonia", "DISEASE", "MESH:D011014"), ("sepsis", "DISEASE", "MESH:D018805")]
    text = "Two patients developed pneumonia after surgery, and 3 patients (2%) died."
    assert [(m, ev) for m, _, _, ev in events(outcomes_nlp, text, mentions)] == [
        ("adverse_event", "pneumonia"),
        ("mortality", None),
    ]
    # the deaths' own clause still names their cause
    text = "Sepsis was the cause of death in 3 patients (2%)."
    assert [ev for *_, ev in events(outcomes_nlp, text, mentions)] == ["Sepsis"]


def test_the_documents_population_disease_is_not_the_event(outcomes_nlp: Language) -> None:
    # the document's "patients with X" is no event row's disease when X is that row's event
    mentions = [
        ("cisplatin", "DRUG", "MESH:D002945"),
        ("nephrotoxicity", "DISEASE", "MESH:D007674"),
        ("Nephrotoxicity", "DISEASE", "MESH:D007674"),
        ("lung cancer", "DISEASE", "MESH:D008175"),
    ]
    text = (
        "We report a patient with cisplatin-induced nephrotoxicity. Nephrotoxicity was seen in "
        "3 of 10 patients treated with cisplatin."
    )
    assert events(outcomes_nlp, text, mentions) == [
        ("adverse_event", 3.0, None, "Nephrotoxicity")
    ]
    text = "Cisplatin in patients with lung cancer. Nephrotoxicity was seen in 3 of 10 patients."
    assert events(outcomes_nlp, text, mentions) == [
        ("adverse_event", 3.0, "lung cancer", "Nephrotoxicity")
    ]


def test_an_enrolled_word_listing_diseases_is_no_enrollment_cue(outcomes_nlp: Language) -> None:
    mentions = [
        ("thrombophlebitis", "DISEASE", "MESH:D013924"),
        ("rash", "DISEASE", "MESH:D005076"),
    ]
    text = "Reactions included thrombophlebitis (20 of 54 patients) and rash (4 of 54)."
    got = arms(outcomes_nlp, text, mentions)
    assert [(m, v) for m, v, _, _ in got] == [("adverse_event", 20.0), ("adverse_event", 4.0)]
    text = "The trial included 54 patients with thrombophlebitis."
    assert [(m, v) for m, v, _, _ in arms(outcomes_nlp, text, mentions)] == [("enrollment", 54.0)]
    # only words that may list what a group had: an arm tagged as a disease after "allocated"
    # leaves it an enrollment cue
    text = "In 118 patients allocated HDEC, 90% of the planned dose was delivered."
    got = arms(outcomes_nlp, text, [("HDEC", "DISEASE", "MESH:D000001")])
    assert [(m, v) for m, v, _, _ in got][:1] == [("enrollment", 118.0)]


def test_a_measured_analyte_is_no_figures_drug(outcomes_nlp: Language) -> None:
    mentions = [
        ("cisplatin", "DRUG", "MESH:D002945"),
        ("creatinine", "DRUG", "MESH:D003404"),
        ("potassium", "DRUG", "MESH:D011188"),
        ("nephrotoxicity", "DISEASE", "MESH:D007674"),
        ("hypokalemia", "DISEASE", "MESH:D007008"),
    ]
    for text in (
        "Of 20 patients given cisplatin, nephrotoxicity with high serum creatinine occurred in 5.",
        "Of 20 patients given cisplatin, hypokalemia with low potassium levels occurred in 5.",
    ):
        doc = run(outcomes_nlp, text, mentions)
        assert [r["drug_text"] for r in doc._.outcomes] == ["cisplatin"], text


def test_arm_sizes_name_their_label_or_negated_drug(outcomes_nlp: Language) -> None:
    text = "Patients were randomized to two regimens (ddAT, n = 191; AC-DOC, n = 178)."
    got = arms(outcomes_nlp, text)
    assert [(a, g) for _, _, a, g in got] == [("ddAT", 191), ("AC-DOC", 178)]
    text = "Women were randomized to the vitamin B6 (n = 67) or no vitamin B6 (n = 68) groups."
    got = arms(outcomes_nlp, text, [("vitamin B6", "DRUG", "MESH:D025101")])
    assert [(a, g) for _, _, a, g in got] == [("vitamin B6", 67), ("no vitamin B6", 68)]


@pytest.mark.parametrize(
    "text",
    [
        "Patients were randomized by sex (women, n = 60; men, n = 60) to A or B.",
        "Patients came from two regions (Europe, n = 200; North America, n = 100).",
        "Patients had stage III or IV disease (stage III, n = 120; stage IV, n = 180).",
        "The analysis sets were (intention-to-treat, n = 610; per-protocol, n = 580).",
    ],
)
def test_a_subgroup_label_is_no_arm(outcomes_nlp: Language, text: str) -> None:
    # the label must show an arm (an arm noun, a control arm, a drug, a regimen's abbreviation)
    got = arms(outcomes_nlp, text)
    assert len(got) == 2 and all(a is None and g is None for _, _, a, g in got)


def test_arm_labels_by_noun_control_or_regimen(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "Patients were randomized (FEC100, n = 30; placebo, n = 31).")
    assert [(a, g) for _, _, a, g in got] == [("FEC100", 30), ("placebo", 31)]
    got = arms(outcomes_nlp, "Patients were randomized (group A, n = 30; group B, n = 31).")
    assert [(a, g) for _, _, a, g in got] == [("group A", 30), ("group B", 31)]


def test_a_description_in_the_bracket_is_no_arm(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "Women (all postmenopausal, n = 40) were enrolled in the trial.")
    assert got == [("enrollment", 40.0, None, None)]


# -- "one" picking one of the groups just named is a pronoun, no count -------------------------


def test_one_of_the_groups_named_is_no_count(outcomes_nlp: Language) -> None:
    text = (
        "In all, 120 women were randomized to two groups: one with ketamine and one without "
        "ketamine."
    )
    got = arms(outcomes_nlp, text, [("ketamine", "DRUG", "MESH:D007649")])
    assert got == [("enrollment", 120.0, None, None)]


def test_a_count_after_a_group_stays(outcomes_nlp: Language) -> None:
    text = "Of the 30 evaluable patients in the study group, 1 achieved complete remission."
    assert ("remission", 1.0) in [(m, v) for m, v, _, _ in arms(outcomes_nlp, text)]


# -- a bracket listing per-arm rates gives no share to the count before it --------------------


@pytest.mark.parametrize(
    "text",
    [
        "Grade 3 neutropenia occurred in 13 patients (9.3% in group 1 and 12.7% in group 2).",
        "Grade 3 neutropenia occurred in 13 patients (9.3% group 1 and 12.7% group 2).",
    ],
)
def test_per_arm_rates_in_one_bracket(outcomes_nlp: Language, text: str) -> None:
    # 13 patients had it in all; 9.3% and 12.7% are the arms' rates, not 13's share: the rows
    # (the pooled 13 gives none since session 20, as a total split by arm)
    assert rows(outcomes_nlp, text) == [
        ("adverse_event", "percent", 9.3, None, None),
        ("adverse_event", "percent", 12.7, None, None),
    ]


def test_a_share_with_its_interval_stays_one_figure(outcomes_nlp: Language) -> None:
    text = "A response was seen in 12 patients (80%, 95% CI 52%-96%)."
    assert rows(outcomes_nlp, text) == [("response", "percent", 80.0, 12, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A response was seen in 12 patients (30%, compared with 10% expected).",
         [("response", "percent", 30.0, 12, None)]),
        ("Neutropenia occurred in 13 patients (9.3%; range 4%-15%).",
         [("adverse_event", "percent", 9.3, 13, None)]),
    ],
)
def test_a_second_percentage_without_arms_leaves_the_share(
    outcomes_nlp: Language, text: str, expected: list[Row]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- a share of a pool described by a relative clause is an outcome, not enrollment -----------


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Objective response occurred in 14 (27%) of 51 patients who were randomized to "
         "letrozole.", "response"),
        ("Nausea was reported by 14 (27%) of 51 patients who were randomly assigned to "
         "letrozole.", "adverse_event"),
    ],
)
def test_share_of_a_pool_who_were_randomized(
    outcomes_nlp: Language, text: str, measure: str
) -> None:
    assert rows(outcomes_nlp, text) == [(measure, "percent", 27.0, 14, 51)]


def test_recruited_share_is_enrollment(outcomes_nlp: Language) -> None:
    text = "From 1981 to 1999, 68 (62%) of 109 patients with distant metastases were recruited."
    assert rows(outcomes_nlp, text) == [("enrollment", "count", 68.0, 68, 109)]


def test_one_of_the_groups_that_died_is_a_count(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "Of the 40 patients in the two groups, one died.")
    assert ("mortality", 1.0) in [(m, v) for m, v, _, _ in got]


def test_a_long_digit_run_before_an_arm_size_is_read_in_linear_time(
    outcomes_nlp: Language,
) -> None:
    """The dose pattern between a drug and "(n = N)" split a run of digits in every way: 22
    digits took 11 s, 30 would take hours. An alarm turns a hang into a failure."""
    import signal

    def hang(signum: int, frame: object) -> None:
        raise TimeoutError("the arm-size dose pattern backtracked")

    text = ("Patients were randomly assigned to letrozole " + "1" * 30
            + " x (n = 453) or placebo (n = 453).")
    old = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, 10)
    try:
        got = arms(outcomes_nlp, text, [("letrozole", "DRUG", "MESH:D000077289")])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert ("enrollment", 453.0, "placebo", 453) in got


# -- an arm's count listed after another arm's count of an outcome counts the same outcome -----


def test_an_arms_count_listed_after_another_takes_its_outcome(outcomes_nlp: Language) -> None:
    text = "Grade 3 neutropenia occurred in 6 patients in arm A and 7 in arm B."
    assert arms(outcomes_nlp, text) == [
        ("adverse_event", 6.0, "arm A", None), ("adverse_event", 7.0, "arm B", None)]


def test_an_arms_count_compared_with_a_drugs_count_takes_its_outcome(
    outcomes_nlp: Language,
) -> None:
    # the first count's arm is the drug right after it; the second is compared with it
    neratinib = [("neratinib", "DRUG", "MESH:C487932")]
    text = "Diarrhea occurred in 20 patients with neratinib versus 3 with placebo."
    assert arms(outcomes_nlp, text, neratinib) == [
        ("adverse_event", 20.0, "neratinib", None), ("adverse_event", 3.0, "placebo", None)]
    # an arm's size shares no outcome with the count after it
    text = "We enrolled 20 patients with neratinib versus 3 with placebo."
    assert [m for m, _, _, _ in arms(outcomes_nlp, text, neratinib)] == ["enrollment", "other"]


def test_a_control_arm_given_with_drugs_is_named_by_them_all(outcomes_nlp: Language) -> None:
    capecitabine = [("capecitabine", "DRUG", "MESH:D000069287"),
                    ("lapatinib", "DRUG", "MESH:D000077341")]  # fmt: skip
    text = (
        "Grade 3 hand-foot syndrome occurred in 12% of patients receiving placebo plus "
        "capecitabine and 25% of those receiving lapatinib plus capecitabine."
    )
    assert [a for _, _, a, _ in arms(outcomes_nlp, text, capecitabine)] == [
        "placebo plus capecitabine", "lapatinib plus capecitabine"]
    # a control arm alone stays itself
    text = "Grade 3 rash occurred in 12% of patients receiving placebo and 25% with capecitabine."
    assert [a for _, _, a, _ in arms(outcomes_nlp, text, capecitabine)] == [
        "placebo", "capecitabine"]


def test_a_totals_breakdown_by_arm_takes_its_outcome(outcomes_nlp: Language) -> None:
    # the total 13 = 6 + 7 is pooled away; its parts keep what it counted
    text = "Grade 3 neutropenia occurred in 13 patients (6 in arm A and 7 in arm B)."
    assert arms(outcomes_nlp, text) == [
        ("adverse_event", 6.0, "arm A", None), ("adverse_event", 7.0, "arm B", None)]
    # a breakdown of who was studied stays no outcome
    got = arms(outcomes_nlp, "Of 120 patients (60 in arm A and 60 in arm B), 12 responded.")
    assert [m for m, _, _, _ in got] == ["enrollment", "other", "other", "response"]


@pytest.mark.parametrize(
    ("split", "arm_a", "arm_b"),
    [
        ("(6 in group 1 and 7 in group 2)", "group 1", "group 2"),
        ("(6 in cohort 1 and 7 in cohort 2)", "cohort 1", "cohort 2"),
        ("(6 in group I and 7 in group II)", "group I", "group II"),
    ],
)
def test_a_count_after_a_numbered_arm_starts_the_next_part(
    outcomes_nlp: Language, split: str, arm_a: str, arm_b: str
) -> None:
    # "group 1 and 7" is no list of labels: the 7 is the second arm's part, put in its arm
    # as the 6 is in its own
    text = f"Neutropenia occurred in 13 patients {split}."
    assert arms(outcomes_nlp, text) == [
        ("adverse_event", 6.0, arm_a, None), ("adverse_event", 7.0, arm_b, None)]
    # a list of arms' labels stays a list: no count
    assert arms(outcomes_nlp, "Patients in groups 1 and 2 developed neutropenia.") == []


DRUGS = [("letrozole", "DRUG", "MESH:D000077289"), ("tamoxifen", "DRUG", "MESH:D013629")]


def test_an_arms_count_after_its_label_and_equals(outcomes_nlp: Language) -> None:
    # "group A = 14": the count of the arm labelled before the "=", as after a colon
    got = rows(
        outcomes_nlp,
        "Nodal involvement was found in 32 (28.6%) patients: group A = 14 (25.5%), "
        "group B = 18 (31.6%).",
    )
    # (the total 32 = 14 + 18 is pooled away since session 20)
    assert [(v, n) for _, _, v, n, _ in got] == [(25.5, 14), (31.6, 18)]
    text = "Neutropenia occurred in 7 patients (group A = 5, group B = 2)."
    assert arms(outcomes_nlp, text) == [
        ("adverse_event", 5.0, "group A", None), ("adverse_event", 2.0, "group B", None)]
    # an arm's mean is no count
    assert rows(outcomes_nlp, "The mean age was 55 years (group A = 54, group B = 56).") == []


@pytest.mark.parametrize("split", ["(group A = {a}, group B = {b})", "(drug A: {a}; placebo: {b})"])
def test_a_total_with_no_measure_split_by_arm(outcomes_nlp: Language, split: str) -> None:
    # no cue names what the 7 counted, but its parts by arm are the arms' counts of it: each a
    # compared count in its arm; the total is pooled away
    text = "Axillary node involvement was found in 7 further cases " + split.format(a=5, b=2)
    got = arms(outcomes_nlp, text + ".")
    assert [(m, v) for m, v, _, _ in got] == [("other", 5.0), ("other", 2.0)]
    assert all(a is not None for _, _, a, _ in got)
    # a total that is who was studied stays, its parts are the arms' sizes (rows of their own)
    text = "The analysis included 88 patients " + split.format(a=45, b=43)
    got = arms(outcomes_nlp, text + ".")
    assert [(m, v) for m, v, _, _ in got] == [
        ("enrollment", 88.0), ("enrollment", 45.0), ("enrollment", 43.0)
    ]
    assert [a is not None for _, _, a, _ in got] == [False, True, True]
    # ... and so is one that no "in" ties to a finding: who was treated in each arm
    text = "Of 120 women randomized, 110 " + split.format(a=55, b=55) + " were treated."
    assert arms(outcomes_nlp, text) == [("enrollment", 120.0, None, None)]


@pytest.mark.parametrize(
    ("split", "arm_a", "arm_b"),
    [
        ("(6 with drug A and 7 with placebo)", "drug A", "placebo"),
        ("(6 with drug A, 7 with drug B)", "drug A", "drug B"),
        ("(6 treated with letrozole and 7 with placebo)", "letrozole", "placebo"),
        ("(6 patients receiving letrozole vs. 7 receiving placebo)", "letrozole", "placebo"),
        ("(6 in the imiquimod group and 7 in the vehicle group)", "imiquimod", "vehicle"),
        ("(6 [46%] with drug A and 7 [54%] with placebo)", "drug A", "placebo"),
        ("(tamoxifen: 6; placebo: 7)", "tamoxifen", "placebo"),
        ("(6 tamoxifen, 7 placebo)", "tamoxifen", "placebo"),
        ("(drug A, 6; placebo, 7)", "drug A", "placebo"),
        # a letter after a treatment noun; a label tied by a link word beside a known arm
        ("(6 on regimen A and 7 on regimen B)", "regimen A", "regimen B"),
        ("(6 with the new regimen and 7 with placebo)", "new regimen", "placebo"),
        # a statistic after the parts is no label
        ("(6 with drug A and 7 with placebo; P = .04)", "drug A", "placebo"),
        ("(6 with drug A and 7 with placebo [P = .04])", "drug A", "placebo"),
    ],
)
def test_a_totals_parts_by_arm_name_their_arms(
    outcomes_nlp: Language, split: str, arm_a: str, arm_b: str
) -> None:
    # the parts' labels are their arms (a drug, a control arm, a lettered treatment, an arm
    # noun's label), and they count what the total counted; the total is pooled away
    text = f"Grade 3 neutropenia occurred in 13 patients {split}."
    got = [(m, a) for m, _, a, _ in arms(outcomes_nlp, text, DRUGS)]
    assert got == [("adverse_event", arm_a), ("adverse_event", arm_b)]
    assert [v for _, v, _, _ in arms(outcomes_nlp, text, DRUGS)] in ([6.0, 7.0], [46.0, 54.0])
    # a few words may stand between the total and its bracket
    text = f"Thirteen women developed neutropenia {split}."
    assert [(m, a) for m, _, a, _ in arms(outcomes_nlp, text, DRUGS)] == got


@pytest.mark.parametrize(
    "split",
    [
        "(tamoxifen 6, placebo 7; RR 0.86, 95% CI 0.29-2.55)",
        "(6 with tamoxifen and 7 with placebo, relative risk 0.86)",
        "(tamoxifen: 6; placebo: 7; OR = 0.86)",
    ],
)
def test_a_ratio_after_a_totals_parts_ends_their_labels(outcomes_nlp: Language, split: str) -> None:
    # the ratio that compares the parts is no part: the total is still split by arm, and the
    # last label ends before the ratio's name
    text = f"Grade 3 neutropenia occurred in 13 patients {split}."
    got = arms(outcomes_nlp, text, DRUGS)
    assert [(v, a) for _, v, a, _ in got] == [(6.0, "tamoxifen"), (7.0, "placebo"), (0.86, None)]
    assert {m for m, _, _, _ in got[:2]} == {"adverse_event"}


ARMS = [
    ("docetaxel", "DRUG", "MESH:D000077143"),
    ("paclitaxel", "DRUG", "MESH:D017239"),
    ("imiquimod", "DRUG", "MESH:D000077271"),
    ("letrozole", "DRUG", "MESH:D000077289"),
]


@pytest.mark.parametrize(
    "text",
    [
        "Response was evaluable in 88 patients (45 with docetaxel and 43 with paclitaxel).",
        "Toxicity was evaluated in 120 patients (60 with drug A and 60 with placebo).",
        "Adverse events were recorded in all 96 patients (48 with imiquimod and 48 with vehicle).",
        "Overall survival was analysed in 412 patients (206 in the letrozole arm and 206 in the "
        "placebo arm).",
    ],
)
def test_the_arms_of_who_was_assessed_count_no_outcome(outcomes_nlp: Language, text: str) -> None:
    # the total is who was assessed for the outcome, its parts the arms' sizes: they do not
    # take the outcome's measure
    got = arms(outcomes_nlp, text, ARMS)
    assert got and {m for m, _, _, _ in got} <= {"other", "enrollment"}


@pytest.mark.parametrize(
    "text",
    [
        "Neutropenia was recorded in 13 patients (6 with drug A and 7 with placebo).",
        "Adverse events occurred in all 13 patients (6 with drug A and 7 with placebo).",
    ],
)
def test_the_arms_of_who_had_the_outcome_count_it(outcomes_nlp: Language, text: str) -> None:
    got = arms(outcomes_nlp, text, ARMS)
    expected = [("adverse_event", "drug A"), ("adverse_event", "placebo")]
    assert [(m, a) for m, _, a, _ in got] == expected


@pytest.mark.parametrize(
    "split",
    [
        "(6 with CR and 7 with PR)",  # what was counted: measure cues
        "(6 with neutropenia and 7 with nausea)",  # disease mentions
        "(6 with grade 3 and 7 with grade 4)",  # a grade
        "(6 men and 7 women)",  # no link word and no known arm
        "(6 with drug A and 5 with placebo)",  # not the total's parts
        # a letter names an arm only after a treatment noun: these are places, periods, strata
        "(6 at site A and 7 at site B)",
        "(6 in centre A and 7 in centre B)",
        "(6 in hospital A and 7 in hospital B)",
        "(6 in stratum A and 7 in stratum B)",
        "(6 with subtype A and 7 with subtype B)",
        "(6 in period A and 7 in period B)",
        # beside a known arm, a label tied by a link word is no arm when it names a time, a
        # place or a condition
        "(6 in the first year and 7 with placebo)",
        "(6 with CNS involvement and 7 with placebo)",
        "(6 in the control group and 7 in Europe)",
    ],
)
def test_a_split_that_is_not_by_arm_names_no_arm(outcomes_nlp: Language, split: str) -> None:
    diseases = [("neutropenia", "DISEASE", "MESH:D009503"), ("nausea", "DISEASE", "MESH:D009325")]
    text = f"Grade 3 toxicity occurred in 13 patients {split}."
    got = arms(outcomes_nlp, text, diseases)
    assert [a for _, _, a, _ in got if a not in (None, "placebo", "control")] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Serious adverse events occurred in 13 patients (6 at site A and 7 at site B).",
         ("adverse_event", 13.0)),
        ("Rash occurred in 12 patients (5 with mild and 7 with moderate severity).",
         ("adverse_event", 12.0)),
        ("Relapse occurred in 13 patients (6 in period A and 7 in period B).", ("relapse", 13.0)),
    ],
)  # fmt: skip
def test_a_total_whose_parts_are_no_rows_stays(
    outcomes_nlp: Language, text: str, expected: tuple[str, float]
) -> None:
    # the parts split it by no arm and give no rows: the total is the one figure left
    assert [(m, v) for m, v, _, _ in arms(outcomes_nlp, text)] == [expected]


ASPIRIN = [("aspirin", "DRUG", "MESH:D001241")]


def test_an_arm_differing_in_its_modifier_shares_the_head(outcomes_nlp: Language) -> None:
    text = "Thrombosis developed in 8 patients (3 with low-dose and 5 with high-dose aspirin)."
    doc = run(outcomes_nlp, text, ASPIRIN)
    got = [(r["arm"], r["drug_concept_id"]) for r in doc._.outcomes]
    assert got == [("low-dose aspirin", "MESH:D001241"), ("high-dose aspirin", "MESH:D001241")]
    # an arm that is no modifier of the other keeps its own name
    text = "Thrombosis developed in 8 patients (3 with placebo and 5 with high-dose aspirin)."
    assert [a for _, _, a, _ in arms(outcomes_nlp, text, ASPIRIN)] == [
        "placebo", "high-dose aspirin"]


def test_a_letter_or_regimen_label_names_an_arm(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "Patients were randomized (S, n = 26; E120, n = 202).")
    assert [(a, g) for _, _, a, g in got] == [("S", 26), ("E120", 202)]
    got = arms(outcomes_nlp, "The subgroups were analysed apart (ER-positive, n = 150).")
    assert [(a, g) for _, _, a, g in got] == [(None, None)]


# -- "N cases of <disease>" tied to the trial's subjects is a result ---------------------------

CASES = [
    ("dermatitis", "DISEASE", "MESH:D003872"),
    ("invasive breast cancer", "DISEASE", "MESH:D001943"),
    ("breast cancer", "DISEASE", "MESH:D001943"),
    ("atopic dermatitis", "DISEASE", "MESH:D003876"),
    ("pemphigus vulgaris", "DISEASE", "MESH:D010392"),
    ("lichen planus", "DISEASE", "MESH:D008010"),
    ("hidradenitis suppurativa", "DISEASE", "MESH:D017497"),
    ("psoriasis", "DISEASE", "MESH:D011565"),
    ("melanoma", "DISEASE", "MESH:D008545"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("imiquimod", "DRUG", "MESH:D000077271"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an arm or a drug ties the cases to the trial's subjects; no cue: a neutral measure (a
        # prevention trial's own end point is no adverse event)
        ("There were 31 cases of dermatitis in the imiquimod group.", [("other", 31.0)]),
        ("During treatment with imiquimod there were 31 cases of dermatitis.", [("other", 31.0)]),
        ("We observed 31 cases of grade 2 dermatitis with placebo.", [("other", 31.0)]),
        # so does the pool the cases are counted in
        ("Of the 40 patients, there were 5 cases of dermatitis.", [("other", 5.0)]),
        ("There were 78 cases of invasive breast cancer in the tamoxifen group and 121 in the "
         "placebo group.", [("other", 78.0), ("other", 121.0)]),
        # the sentence names adverse events
        ("Side effects of imiquimod were mild: there were 31 cases of dermatitis.",
         [("adverse_event", 31.0)]),
        # general statements and earlier work are no results
        ("About 200,000 new cases of invasive breast cancer are diagnosed each year.", []),
        ("Previous studies reported 31 cases of dermatitis with imiquimod.", []),
        # no disease counted
        ("There were 31 cases of missing data in the imiquimod group.", []),
        # the cases a case report describes are who was studied, not a result (the subject of
        # a verb of presentation: the case series' size, as "We report two cases of X" is)
        ("Two cases of dermatitis in patients on tamoxifen are presented.",
         [("enrollment", 2.0)]),
        ("We followed 210 cases of dermatitis for eleven years.", []),
        ("A follow-up of six cases of dermatitis that have been reported earlier is made.", []),
        # a share of cases is no count of them
        ("In the trial, 41% of cases of dermatitis were bilateral.", [])
    ],
)  # fmt: skip
def test_cases_of_a_disease_are_a_result(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    got = [(m, v) for m, v, _, _ in arms(outcomes_nlp, text, CASES)]
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        # a case series' subjects
        "We analyzed 350 cases of atopic dermatitis from 12 centres.",
        "This retrospective study comprised 87 cases of pemphigus vulgaris.",
        "Clinical records of 64 cases of lichen planus were examined.",
        "A total of 120 cases of hidradenitis suppurativa were evaluated.",
        "The registry contained 210 cases of psoriasis.",
        "There were 31 cases of dermatitis.",
        # background statistics
        "In 2018, 2,088,849 new cases of breast cancer were diagnosed worldwide.",
        "In 2012, there were 14,000 cases of melanoma in the United Kingdom.",
        "About 200,000 new cases of breast cancer are diagnosed each year in the United States.",
    ],
)
def test_cases_not_tied_to_the_trials_subjects_are_no_result(
    outcomes_nlp: Language, text: str
) -> None:
    # neither an arm nor a drug says the cases occurred in the trial's subjects
    assert arms(outcomes_nlp, text, CASES) == []


# -- a sentence with only present-tense verbs states what is generally known -------------------


def test_a_name_in_ed_is_no_past_tense_verb(outcomes_nlp: Language) -> None:
    # "United" is part of a name, not a verb in the past tense
    text = "About 12% of women in the United States develop breast cancer."
    assert values(outcomes_nlp, text) == []
    # (a past-tense verb still makes the sentence a finding)
    text = "About 12% of women in the United States developed breast cancer."
    assert values(outcomes_nlp, text) == [12.0]


def test_only_a_treatment_brings_about_a_disease(outcomes_nlp: Language) -> None:
    # the document's main disease is no event row's disease when a drug or a treatment brought
    # it about ("cisplatin-induced"), but stays when the inducer is no treatment: those
    # studied have it ("exercise-induced asthma", "BRCA-associated breast cancer")
    def disease(text: str, mentions: list[tuple[str, str, str]]) -> list[str | None]:
        return [d for _, _, d, _ in events(outcomes_nlp, text, mentions)]

    headache = ("Headache", "DISEASE", "MESH:D006261")
    asthma = [("asthma", "DISEASE", "MESH:D001249"), ("Asthma", "DISEASE", "MESH:D001249")]
    text = "Exercise-induced asthma. Asthma was assessed. Headache occurred in 5 of 40 (12%)."
    assert disease(text, [*asthma, headache]) == ["asthma"]
    text = "Salbutamol-induced asthma. Asthma was assessed. Headache occurred in 5 of 40 (12%)."
    salbutamol = ("Salbutamol", "DRUG", "MESH:D000420")
    assert disease(text, [salbutamol, *asthma, headache]) == [None]
    # an agent word, and the inducer a few words after "induced by"
    text = "Chemotherapy-induced asthma. Asthma was assessed. Headache occurred in 5 of 40 (12%)."
    assert disease(text, [*asthma, headache]) == [None]
    cisplatin = ("cisplatin", "DRUG", "MESH:D002945")
    text = (
        "Asthma induced by the drug cisplatin. Asthma was assessed. Headache occurred in 5 of "
        "40 (12%)."
    )
    asthma_first = [("Asthma", "DISEASE", "MESH:D001249"), cisplatin]
    assert disease(text, [*asthma_first, headache]) == [None]
    text = (
        "Asthma induced by exercise in the cold. Asthma was assessed. Headache occurred in 5 of "
        "40 (12%)."
    )
    assert disease(text, [asthma_first[0], headache]) == ["Asthma"]


def test_the_main_disease_is_no_disease_when_it_is_an_event(outcomes_nlp: Language) -> None:
    # with no "patients with X" anywhere, an event row's disease falls back to the document's
    # main disease; not when that is another row's event (review s17-rev2 F3)
    mentions = [
        ("dizziness", "DISEASE", "MESH:D004244"),
        ("headache", "DISEASE", "MESH:D006261"),
        ("Dizziness", "DISEASE", "MESH:D004244"),
    ]
    text = (
        "Dizziness after tramadol. Twelve patients (10%) had dizziness and 5 patients (4%) had "
        "headache."
    )
    assert [(d, ev) for _, _, d, ev in events(outcomes_nlp, text, mentions)] == [
        (None, "dizziness"),
        (None, "headache"),
    ]
    # a main disease no row counts as an event stays the condition of who was studied
    mentions = [("migraine", "DISEASE", "MESH:D008881"), ("Migraine", "DISEASE", "MESH:D008881")]
    mentions.append(("headache", "DISEASE", "MESH:D006261"))
    text = "Migraine and tramadol. Of 120 women treated, 5 patients (4%) had headache."
    assert [(d, ev) for _, _, d, ev in events(outcomes_nlp, text, mentions)][-1] == (
        "Migraine",
        "headache",
    )


def test_a_listed_event_is_no_disease(outcomes_nlp: Language) -> None:
    # a figure that counts a list of events names no one event, and none of them is the
    # condition of who was studied either (the main disease was "Nausea")
    mentions = [("Nausea", "DISEASE", "MESH:D009325"), ("vomiting", "DISEASE", "MESH:D014839")]
    text = "Nausea and vomiting occurred in 12 patients (10%)."
    assert events(outcomes_nlp, text, mentions) == [("adverse_event", 10.0, None, None)]
    mentions.append(("lung cancer", "DISEASE", "MESH:D008175"))
    text = "Patients with lung cancer were treated. " + text
    assert events(outcomes_nlp, text, mentions) == [("adverse_event", 10.0, "lung cancer", None)]


def test_what_was_looked_for_is_no_population(outcomes_nlp: Language) -> None:
    # "assessable for toxicity" names what was looked for, not who was studied: the event
    # row's disease is the condition treated, not "toxicity"
    mentions = [
        ("esophageal carcinoma", "DISEASE", "MESH:D004938"),
        ("toxicity", "DISEASE", "MESH:D064420"),
        ("Nausea", "DISEASE", "MESH:D009325"),
    ]
    text = (
        "Vinorelbine in esophageal carcinoma. Forty patients were assessable for toxicity. "
        "Nausea occurred in 5 of 40 patients (12%)."
    )
    assert [(d, ev) for *_, d, ev in events(outcomes_nlp, text, mentions)][-1] == (
        "esophageal carcinoma",
        "Nausea",
    )


def test_an_efficacy_figure_skips_an_event_for_the_treated_disease(
    outcomes_nlp: Language,
) -> None:
    mentions = [
        ("acute promyelocytic leukemia", "DISEASE", "MESH:D015473"),
        ("Erythema nodosum", "DISEASE", "MESH:D004893"),
        ("erythema nodosum", "DISEASE", "MESH:D004893"),
    ]
    text = (
        "Tretinoin in acute promyelocytic leukemia. Erythema nodosum occurred in 3 of 30 "
        "patients (10%). Complete remission was achieved in 25 patients (83%) despite "
        "erythema nodosum."
    )
    got = [(m, d) for m, _, d, _ in events(outcomes_nlp, text, mentions)]
    assert got[-1] == ("remission", "acute promyelocytic leukemia")


def test_a_disease_a_drug_brought_about_is_the_event(outcomes_nlp: Language) -> None:
    # "patients with cisplatin-induced X": X is the event counted, not who was studied
    mentions = [
        ("lung cancer", "DISEASE", "MESH:D008175"),
        ("cisplatin", "DRUG", "MESH:D002945"),
        ("nephrotoxicity", "DISEASE", "MESH:D007674"),
    ]
    text = (
        "Patients with lung cancer received cisplatin. Two patients with cisplatin-induced "
        "nephrotoxicity were seen."
    )
    assert events(outcomes_nlp, text, mentions) == [
        ("adverse_event", 2.0, "lung cancer", "nephrotoxicity")
    ]


# -- a ratio's value with a stray "%", and a change's size after "which attained" ------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # right after a spelled ratio name, the value is the ratio's (pico-dev 16754728)
        (
            "Sexual function was slightly better for participants assigned to tamoxifen "
            "(age-adjusted repeated measure odds ratio, 1.22%; 95% CI, 1.01-1.46).",
            ("odds_ratio", 1.22),
        ),
        # a change after the percentage: the change's size, not the ratio
        ("The odds ratio = 45% lower with tamoxifen.", ("relative_change", 45.0)),
        # an abbreviation before a percentage may be a rate's: "RR" is the response rate here
        ("The response rate in arm A (RR 39.3%) was higher than in arm B.", ("percent", 39.3)),
        # a change noun, then "which attained": the change's size (pico-dev 16675486)
        (
            "The younger were the women, the greater was the risk reduction associated with "
            "fenretinide, which attained 50% in women aged 40 years or younger.",
            ("relative_change", 50.0),
        ),
        # a rate reached is no change
        (
            "The response rate, which reached 45% in arm A, was higher than in arm B.",
            ("percent", 45.0),
        ),
    ],
)
def test_stray_percent_after_a_ratio_and_a_change_reached(
    outcomes_nlp: Language, text: str, expected: tuple[str, float]
) -> None:
    assert [(unit, value) for _, unit, value, _, _ in rows(outcomes_nlp, text)] == [expected]


# -- a measured quantity's change in percent is a relative change ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a change verb right before the percentage (BC5CDR 6203632, 11706060)
        (
            "Heart weight increased 44% after 8 days of treatment with a half time of 3.4 days.",
            [("relative_change", 44.0)],
        ),
        (
            "Ventricular RNA content was elevated 26% after 24 h of a single injection.",
            [("relative_change", 26.0)],
        ),
        (
            "Molecularly, ANF mRNA increased 250% and SERCA2 mRNA decreased 57%.",
            [("relative_change", 250.0), ("relative_change", 57.0)],
        ),
        # above a reference (BC5CDR 6203632)
        (
            "Ventricular DNA content increased to a new steady-state level 19% above the "
            "controls after 8 days of treatment.",
            [("relative_change", 19.0)],
        ),
        # a list shares its kind both ways (BC5CDR 11079278)
        (
            "Summed stress and summed difference scores were not significantly reduced, although "
            "they were 18% and 30% lower, respectively, than control.",
            [("relative_change", 18.0), ("relative_change", 30.0)],
        ),
        # ... but not back over "vs" or a comma: the rates compared, then their change
        ("The relapse rate was 10% vs 15%, 33% lower with letrozole.",
         [("percent", 10.0), ("percent", 15.0), ("relative_change", 33.0)]),
        ("Relapse occurred in 10% vs 15% (33% lower) with letrozole.",
         [("percent", 10.0), ("percent", 15.0), ("relative_change", 33.0)]),
        # a level reached, and the share of subjects with a change, stay rates
        ("The response rate increased to 45% in arm A.", [("percent", 45.0)]),
        ("Response improved in 40% of patients.", [("percent", 40.0)]),
    ],
)
def test_a_measured_change_in_percent_is_relative(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert [(unit, value) for _, unit, value, _, _ in rows(outcomes_nlp, text)] == expected


# -- a postoperative day is no rate -----------------------------------------------------------


def test_a_postoperative_day_is_no_listed_rate(outcomes_nlp: Language) -> None:
    # BC5CDR 18589141: "POD 7" was read as a rate sharing the next percentage's sign
    text = (
        "The percentage of HIT antibody-positive patients was 0.5% preoperatively, 5.6% on "
        "POD 7, and 5.6% on POD 14."
    )
    assert values(outcomes_nlp, text) == [0.5, 5.6, 5.6]
    # a rate listed before the sign it shares stays one
    text = "Bone pain was reported in 40.3, 42.5, and 46.6% of patients, respectively."
    assert values(outcomes_nlp, text) == [40.3, 42.5, 46.6]


# -- a Snellen visual acuity is a measured value --------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # BC5CDR 17786501 and 9199746: no share of subjects
        ("His vision was 6/15 and 2/60 in the right and left eyes, respectively.", []),
        ("Endophthalmitis resolved with improvement in visual acuity to 6/24 at three months.", []),
        # a share of subjects beside an acuity word stays
        ("Loss of vision occurred in 3/20 patients.", [3.0]),
        ("Blurred vision was reported by 3/20 patients in the placebo group.", [3.0]),
        # no Snellen fraction: shares of subjects, whatever follows
        ("Adverse events included blurred vision, 3/20 vs 1/20, and headache, 5/20 vs 4/20.",
         [3.0, 1.0, 5.0, 4.0]),
        # ... also when one of a list has a Snellen shape: the list is shares
        ("Adverse events included blurred vision, 6/30 vs 2/30, and headache, 20/30 vs 4/30.",
         [6.0, 2.0, 20.0, 4.0]),
    ],
)
def test_a_snellen_acuity_is_no_share(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    ["3 of", "Neutropenia occurred in 3 of", "Neutropenia occurred in 3 of the",
     "In 12 of 40 (30%), 3 of"],
)
def test_a_sentence_cut_after_a_count_is_read(outcomes_nlp: Language, text: str) -> None:
    # a truncated abstract, or a sentence cut by a chunk: "3 of" at the end raised IndexError
    # and cost the whole document
    assert all(r["text"] in text for r in run(outcomes_nlp, text, [])._.outcomes)


def test_a_number_of_arms_is_no_arm(outcomes_nlp: Language) -> None:
    # "the two arms": how many arms, not the name of one
    for text in ("In the two arms, 90% vs 80% of patients responded (P = 0.02).",
                 "In the 2 arms, 90% vs 80% of patients responded."):  # fmt: skip
        assert [a for _, _, a, _ in arms(outcomes_nlp, text)] == [None, None]
    # (a drug mention: a name before an arm noun is an arm only with evidence)
    text = "In the letrozole arm, 90% of patients responded."
    assert [a for _, _, a, _ in arms(outcomes_nlp, text, DRUGS)] == ["letrozole"]


# -- a fraction after a hedge is a share, not a count (enrollment_scope: approximation_signs) ----


def test_a_hedged_fraction_is_a_share(outcomes_nlp: Language) -> None:
    """ "Approximately 1/3", "~1/4": the share approximated, not one subject of three; with the
    exact share after it, that one figure only. A plain fraction stays a count."""
    text = "Approximately 1/3 of patients discontinued treatment."
    assert rows(outcomes_nlp, text) == [("discontinuation", "percent", 33.3, None, None)]
    text = "Retention was poor, as ~1/4 of the women dropped out."
    assert rows(outcomes_nlp, text) == [("discontinuation", "percent", 25.0, None, None)]
    text = "Relapse occurred in almost 2/3 of the women (62.5%) given drug A."
    assert values(outcomes_nlp, text) == [62.5]
    text = "In arm A, 2/9 patients relapsed."
    assert rows(outcomes_nlp, text) == [("relapse", "count", 2.0, 2, 9)]
    # a hedge before a count of a larger group: still the count (no vulgar fraction)
    text = "Response occurred in approximately 12/36 patients."
    assert rows(outcomes_nlp, text) == [("response", "count", 12.0, 12, 36)]


# -- a disease the cue before it measures is no adverse-event cue (measured_object_openers) ----

LESIONS = [
    ("atypical hyperplasia", "DISEASE", "MESH:D000000"),
    ("carcinoma in situ", "DISEASE", "MESH:D000001"),
    ("breast cancer", "DISEASE", "MESH:D000002"),
]


def test_a_prevalence_of_listed_diseases_is_no_event(outcomes_nlp: Language) -> None:
    """ "The prevalence of X and Y was a% and b%": findings of the prevalence cue (not an
    outcome), however near the last disease stands to the figures."""
    text = (
        "In the excised specimens, the prevalence of fibrosis, atypical hyperplasia and "
        "carcinoma in situ was 40%, 12% and 6%, respectively."
    )
    assert run(outcomes_nlp, text, LESIONS)._.outcomes == []
    text = (
        "The prevalence of fibrosis, atypical hyperplasia, and carcinoma in situ was 40% "
        "(20/50), 12% (6/50), and 6% (3/50), respectively."
    )
    assert run(outcomes_nlp, text, LESIONS)._.outcomes == []


def test_a_disease_outside_a_cue_object_stays_an_event(outcomes_nlp: Language) -> None:
    # the disease is not what "incidence" measures here: a preposition comes between
    text = (
        "Atypical hyperplasia was found in 12% of women with a high incidence in the "
        "tamoxifen arm."
    )
    assert [r[0] for r in rows_with(outcomes_nlp, text, LESIONS)] == ["adverse_event"]
    # no cue before the disease: it is the figure's event
    text = "Atypical hyperplasia was found in 12% of women."
    assert [r[0] for r in rows_with(outcomes_nlp, text, LESIONS)] == ["adverse_event"]


def test_the_short_form_of_a_cue_object_is_no_event(outcomes_nlp: Language) -> None:
    # "cure of X (XY)": neither X nor its short form is an adverse-event cue
    text = "Excision led to the cure of fibrosis, cysts and atypical hyperplasia (AH) in 2 women."
    mentions = [*LESIONS, ("AH", "DISEASE", "MESH:D000000")]
    assert [r[0] for r in rows_with(outcomes_nlp, text, mentions)] == ["improvement"]


def rows_with(nlp: Language, text: str, mentions: list[tuple[str, str, str]]) -> list[Row]:
    return [
        (r["measure"], r["unit"], r["value"], r["numerator"], r["denominator"])
        for r in run(nlp, text, mentions)._.outcomes
    ]


# -- a statistic's decimal is no proportion (statistic_labels) ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Fatigue improved with exercise (SE = 0.42).",
        "Quality of life improved in the yoga group (SD = 0.35).",
        "Hot flash scores improved with venlafaxine (M = 0.45).",
        "Pain improved, and the median was 0.30.",
    ],
)
def test_a_statistics_decimal_is_no_proportion(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Hot flashes improved in 40% of women (SD = 12%) given venlafaxine.", [40.0]),
        (
            "By 12 weeks the exercise group had lost 3.7% of weight (SD = 5.4%), compared to "
            "1.3% (SD = 4.2%) with usual care.",
            [3.7, 1.3],
        ),
    ],
)
def test_a_deviation_in_percent_is_no_figure(
    outcomes_nlp: Language, text: str, kept: list[float]
) -> None:
    assert values(outcomes_nlp, text) == kept


def test_a_proportion_after_its_rate_stays(outcomes_nlp: Language) -> None:
    # (the rule reads the word before the opener: a rate's noun there keeps the proportion)
    text = "The 2-year survival was 0.86 with drug A."
    assert values(outcomes_nlp, text) == [86.0]


# -- person-time is no count of subjects (person_time_words before a time unit) ---------------


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("Over ten years, 348 women were studied for a total of 5,877 patient months.", 5877.0),
        ("In all, 412 participants contributed 1,520 woman years of follow-up.", 1520.0),
    ],
)
def test_person_time_is_no_count(outcomes_nlp: Language, text: str, time: float) -> None:
    got = values(outcomes_nlp, text)
    assert time not in got
    assert got  # (the subjects are still counted)


# -- a drug's strength named after its formulation or "a dose of", and the list it ends --------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a formulation word or "a dose of" right before the strength ...
        ("Patients applied adapalene gel 0.3% nightly; acne cleared in 35% of them.", [35.0]),
        # ... and the strengths listed with it, sharing its percent sign
        (
            "Patients were randomized to tretinoin cream 0.025, 0.05 or 0.1% applied nightly, "
            "and 40% of patients responded.",
            [40.0],
        ),
        ("Acne improved in 60 patients given a dose of 0.05, 0.1 or 0.25% of the gel.", [60.0]),
    ],
)
def test_strengths_named_by_formulation_or_dose(
    outcomes_nlp: Language, text: str, kept: list[float]
) -> None:
    assert values(outcomes_nlp, text) == kept


@pytest.mark.parametrize(
    "text",
    [
        "Clearance with the gel was 40%, 35% and 20% at weeks 4, 8 and 12.",
        "Acne cleared with the cream in 40%, 35% and 20% of the three arms.",
    ],
)
def test_rates_listed_after_a_formulation_stay(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == [40.0, 35.0, 20.0]
