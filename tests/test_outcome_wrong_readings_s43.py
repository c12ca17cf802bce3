"""Readings of outcome figures a new user found wrong on sentences clinicians write (session 43
review, items 1, 2 and 9): a dose after an arm's drug broke the list of arms (the placebo
figure took the active drug), a percentage per year was read as a share of subjects with the
first arm's drug for both, a later figure of a parallel list lost the list's measure behind a
bracket or a dose, a median with a dosed arm was dropped, a decimal comma made two figures.
Each sentence is written for these tests (not copied from a corpus); each case fails without
the change named above its test, but the cases marked as what stays."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

Row = tuple[str, float, str, str | None]

MENTIONS = [
    ("galcanezumab", "DRUG", "MESH:C000604498"),
    ("linaclotide", "DRUG", "MESH:C510542"),
    ("pregabalin", "DRUG", "MESH:D000069583"),
    ("apremilast", "DRUG", "MESH:C505730"),
    ("edoxaban", "DRUG", "MESH:C552171"),
    ("rivaroxaban", "DRUG", "MESH:D000069552"),
    ("warfarin", "DRUG", "MESH:D014859"),
    ("olaparib", "DRUG", "MESH:C531550"),
    ("pembrolizumab", "DRUG", "MESH:C582435"),
    ("docetaxel", "DRUG", "MESH:D000077143"),
    ("adalimumab", "DRUG", "MESH:D000068879"),
    ("nivolumab", "DRUG", "MESH:D000077594"),
    ("everolimus", "DRUG", "MESH:D000068338"),
    ("sorafenib", "DRUG", "MESH:D000077157"),
    ("rituximab", "DRUG", "MESH:D000069283"),
    ("gemcitabine", "DRUG", "MESH:C056507"),
    ("headache", "DISEASE", "MESH:D006261"),
    ("diarrhea", "DISEASE", "MESH:D003967"),
    ("dizziness", "DISEASE", "MESH:D004244"),
    ("nausea", "DISEASE", "MESH:D009325"),
    ("bleeding", "DISEASE", "MESH:D006470"),
]


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, value, unit, arm) of each row."""
    return [(r["measure"], r["value"], r["unit"], r.get("arm"))
            for r in run(nlp, text, MENTIONS)._.outcomes]  # fmt: skip


# -- a dose after a drug name is the arm's: it neither breaks a series of arms nor hides a
# -- median's arm (outcome_doses) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("Headache occurred in 14% and 6% of patients given galcanezumab 120 mg or placebo, "
         "respectively.", "galcanezumab", "placebo"),
        ("Diarrhea was reported in 31% and 9% of patients in the linaclotide 290 microg and "
         "placebo groups, respectively.", "linaclotide", "placebo"),
        ("Dizziness occurred in 18% and 4% of patients receiving pregabalin 300 mg/day and "
         "placebo, respectively.", "pregabalin", "placebo"),
        ("Nausea occurred in 23% and 11% of patients receiving apremilast 30 mg and placebo, "
         "respectively.", "apremilast", "placebo"),
    ],
)  # fmt: skip
def test_a_dosed_arm_keeps_its_respectively_series(outcomes_nlp: Language, text: str,
                                                    first: str, second: str) -> None:  # fmt: skip
    arms = [arm for _, _, _, arm in rows(outcomes_nlp, text)]
    assert arms == [first, second]


def test_a_respectively_list_without_a_dose_stays(outcomes_nlp: Language) -> None:
    # what stays: the same list with bare drug names
    text = (
        "Headache occurred in 14% and 6% of patients given galcanezumab or placebo, respectively."
    )
    assert [arm for *_, arm in rows(outcomes_nlp, text)] == ["galcanezumab", "placebo"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Median progression-free survival was 7.2 months with olaparib 300 mg and 4.2 months "
         "with chemotherapy.",
         [("survival", 7.2, "months", "olaparib"), ("survival", 4.2, "months", "chemotherapy")]),
        ("Median overall survival was 10.4 months with pembrolizumab 2 mg/kg and 8.5 months "
         "with docetaxel.",
         [("survival", 10.4, "months", "pembrolizumab"),
          ("survival", 8.5, "months", "docetaxel")]),
    ],
)  # fmt: skip
def test_a_median_after_a_dosed_arm_stays(outcomes_nlp: Language, text: str,
                                          expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == expected


# -- a percentage per year is a rate per 100 person-years, its arm after it (outcome_annual_
# -- percent) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rate of stroke or systemic embolism was 1.27% per year with edoxaban and 1.50% per "
         "year with warfarin.", [(1.27, "edoxaban"), (1.5, "warfarin")]),
        ("Major bleeding occurred at 2.8%/year in the rivaroxaban group and 3.4%/year in the "
         "warfarin group.", [(2.8, "rivaroxaban"), (3.4, "warfarin")]),
        ("Major bleeding occurred in 1.9% per patient-year with rivaroxaban and 2.2% per "
         "patient-year with warfarin.", [(1.9, "rivaroxaban"), (2.2, "warfarin")]),
    ],
)  # fmt: skip
def test_a_percentage_per_year_is_a_rate_of_its_arm(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str]]
) -> None:
    doc = run(outcomes_nlp, text, MENTIONS)
    got = [(r["value"], r.get("arm")) for r in doc._.outcomes]
    assert got == expected
    assert all((r["unit"], r["denominator"]) == ("rate", 100) for r in doc._.outcomes)


def test_a_percentage_of_patients_stays_a_percent(outcomes_nlp: Language) -> None:
    # what stays: a share of subjects with no "per year"
    text = "Major bleeding occurred in 2.8% of patients in the rivaroxaban group."
    assert [u for _, _, u, _ in rows(outcomes_nlp, text)] == ["percent"]


# -- later figures of a parallel list share its measure (outcome_list_measures) ---------------


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Remission was achieved by 18 of 30 patients (60%; 95% CI 41-77) given adalimumab and "
         "7 of 29 (24%; 95% CI 10-44) given placebo.", "remission"),
        ("Response was observed in 24 of 40 patients (60%; 95% CI 43-75) receiving sorafenib "
         "and 10 of 38 (26%; 95% CI 13-43) receiving placebo (p=0.004).", "response"),
        ("Response occurred in 41% of patients in the 100-mg group, 38% in the 200-mg group, "
         "and 12% in the placebo group.", "response"),
        ("ORR was 21% (95% CI, 16-27) with nivolumab 3 mg/kg, 19% (95% CI, 14-25) with "
         "nivolumab 1 mg/kg, and 8% (95% CI, 4-13) with everolimus.", "response"),
    ],
)  # fmt: skip
def test_a_parallel_list_shares_its_measure(outcomes_nlp: Language, text: str,
                                            measure: str) -> None:  # fmt: skip
    got = rows(outcomes_nlp, text)
    assert len(got) >= 2
    assert {m for m, *_ in got} == {measure}


@pytest.mark.parametrize(
    "text",
    [
        "There were 20 deaths, 52 hemorrhagic complications, and 21 surgical procedures.",
        "Twelve patients had a relapse, five with a family history and seven without.",
    ],
)
def test_a_list_of_other_things_takes_no_measure(outcomes_nlp: Language, text: str) -> None:
    # what stays: a count before a noun of its own ("21 surgical procedures") or a breakdown
    # of the count before ("Twelve patients, five with ...") is no member of the list
    values = [v for _, v, _, _ in rows(outcomes_nlp, text)]
    assert 21.0 not in values and 5.0 not in values and 7.0 not in values


# -- a decimal comma (outcome_tokens.TOKEN_RE) -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The response rate was 12,5% with gemcitabine and 7,8% with placebo.",
         [("response", 12.5, "percent", "gemcitabine"), ("response", 7.8, "percent", "placebo")]),
        ("The response rate was 33,3% with rituximab and 16,7% with observation.",
         [("response", 33.3, "percent", "rituximab"),
          ("response", 16.7, "percent", "observation")]),
        ("Nausea occurred in 8,25 % of patients.", [("adverse_event", 8.25, "percent", None)]),
    ],
)  # fmt: skip
def test_a_decimal_comma_is_one_number(outcomes_nlp: Language, text: str,
                                       expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == expected


def test_a_thousands_comma_stays(outcomes_nlp: Language) -> None:
    # what stays: three digits after the comma make a thousands separator
    text = "Of 1,250 patients, 125 (10%) had nausea."
    assert ("adverse_event", 10.0, "percent", None) in rows(outcomes_nlp, text)


# -- a ratio after figures of two arms is the first arm's, not the comparator's (outcome_ratio_
# -- arms) ------------------------------------------------------------------------------------


def drugs(nlp: Language, text: str) -> list[tuple[str, str | None]]:
    """(unit, drug_text) of each row."""
    return [(r["unit"], r.get("drug_text")) for r in run(nlp, text, MENTIONS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Median overall survival was 10.4 months with pembrolizumab and 8.5 months with "
         "docetaxel (hazard ratio 0.71; 95% CI 0.58 to 0.88).", "pembrolizumab"),
        ("Median overall survival was 10.4 months with sorafenib 400 mg and 8.5 months with "
         "docetaxel (hazard ratio 0.69; 95% CI 0.55 to 0.87).", "sorafenib"),
        ("Median progression-free survival was 7.2 months with olaparib and 4.2 months with "
         "docetaxel (HR 0.58; P<0.001).", "olaparib"),
    ],
)  # fmt: skip
def test_a_ratio_after_two_arms_is_the_first_arms(outcomes_nlp: Language, text: str,
                                                  drug: str) -> None:  # fmt: skip
    assert ("hazard_ratio", drug) in drugs(outcomes_nlp, text)


def test_a_ratio_after_a_control_arm_first_stays(outcomes_nlp: Language) -> None:
    # what stays: the first arm that is no control arm ("placebo" named first)
    text = (
        "Median overall survival was 8.5 months with placebo and 10.4 months with sorafenib "
        "(hazard ratio 0.69; 95% CI 0.55 to 0.87)."
    )
    assert ("hazard_ratio", "sorafenib") in drugs(outcomes_nlp, text)


def test_a_ratio_against_a_named_comparator_stays(outcomes_nlp: Language) -> None:
    # what stays: a comparison names the comparator, the ratio is the subject drug's
    text = "Olaparib reduced the risk of progression compared with docetaxel (hazard ratio 0.58)."
    assert drugs(outcomes_nlp, text) == [("hazard_ratio", "Olaparib")]


# -- an arm named alone in a bracket right after its figure (outcome_bracket_after_arms) -------


@pytest.mark.parametrize(
    ("text", "arms"),
    [
        ("The primary end point was met by 34.3% (adalimumab 40 mg), 40.6% (adalimumab 80 mg), "
         "and 11.1% (placebo) of patients.",
         ["adalimumab 40 mg", "adalimumab 80 mg", "placebo"]),
        ("Nausea was reported by 14% (pregabalin 300 mg), 9% (pregabalin 150 mg), and 3% "
         "(placebo) of patients.", ["pregabalin 300 mg", "pregabalin 150 mg", "placebo"]),
        ("ACR20 was achieved by 59% (olaparib 4 mg), 51% (olaparib 2 mg) and 28% (placebo "
         "group) of patients.", ["olaparib 4 mg", "olaparib 2 mg", "placebo group"]),
    ],
)  # fmt: skip
def test_an_arm_in_the_bracket_after_a_figure(outcomes_nlp: Language, text: str,
                                              arms: list[str]) -> None:  # fmt: skip
    assert [arm for *_, arm in rows(outcomes_nlp, text)] == arms


def test_a_bracket_of_other_words_names_no_arm(outcomes_nlp: Language) -> None:
    # what stays: a bracket with a P value or words besides the drug names no arm
    text = "Response was seen in 40% (P = 0.03) and in 30% (mostly after olaparib) of patients."
    assert [arm for *_, arm in rows(outcomes_nlp, text)] == [None, None]


# -- medians compared in a bracket after "longer with A than with B" (outcome_statistics:
# -- `_median_before_bracket`, "vs." before the second) ---------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The median progression-free survival was longer with olaparib than with docetaxel "
         "(18.9 months vs. 10.2 months; hazard ratio, 0.46; 95% CI, 0.37 to 0.57; P<0.001).",
         [(18.9, "olaparib"), (10.2, "docetaxel")]),
        ("Median overall survival was significantly longer in the nivolumab group than in the "
         "docetaxel group (12.2 months vs. 9.4 months).",
         [(12.2, "nivolumab"), (9.4, "docetaxel")]),
        ("The median time to remission was shorter with adalimumab than with placebo (6.1 weeks "
         "vs. 11.4 weeks).", [(6.1, "adalimumab"), (11.4, "placebo")]),
    ],
)  # fmt: skip
def test_medians_compared_in_a_bracket(outcomes_nlp: Language, text: str,
                                       expected: list[tuple[float, str]]) -> None:  # fmt: skip
    got = [(v, arm) for _, v, unit, arm in rows(outcomes_nlp, text) if unit in ("months", "weeks")]
    assert got == expected


def test_a_median_age_in_a_bracket_gives_no_row(outcomes_nlp: Language) -> None:
    # what stays: a median of who was studied
    text = "The median age was higher in the placebo group (64 years vs. 61 years)."
    assert rows(outcomes_nlp, text) == []


# -- plain sentences read with a wrong measure (review item 3) --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The disease control rate was 62.5%.",
        "DCR was 71% with sorafenib and 52% with placebo.",
    ],
)
def test_disease_control_is_no_response(outcomes_nlp: Language, text: str) -> None:
    # (outcome_cues.jsonl: stable disease counted with the responses is no response rate)
    assert {m for m, *_ in rows(outcomes_nlp, text)} == {"other"}


@pytest.mark.parametrize(
    "text",
    [
        "Of 120 patients, 98 (82%) remained well at 6 months; and 22 (18%) had a relapse.",
        "Of 75 women, 60 (80%) continued normally at one year; and 15 (20%) had a relapse of "
        "symptoms.",
    ],
)
def test_a_count_with_its_own_verb_takes_no_later_clauses_cue(outcomes_nlp: Language,
                                                              text: str) -> None:  # fmt: skip
    # (outcome_measures: a verb in -ed after the count makes it its clause's subject)
    measures = [m for m, *_ in rows(outcomes_nlp, text)]
    assert measures == ["other", "relapse"]


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Relapse occurred in 14 of 152 patients with complete response in the rituximab group "
         "and in 27 of 124 in the CHOP group.", "relapse"),
        ("Death occurred in 8 of 60 patients with a response in the docetaxel arm and in 15 of "
         "58 in the placebo arm.", "mortality"),
        ("Progression occurred in 11 of 40 patients with partial response in group A and in 19 "
         "of 42 in group B.", "progression"),
    ],
)  # fmt: skip
def test_a_cue_of_who_was_counted_is_no_measure_of_the_next(outcomes_nlp: Language, text: str,
                                                           measure: str) -> None:  # fmt: skip
    # (outcome_list_measures: "patients with complete response" is whom the first counts)
    assert [m for m, *_ in rows(outcomes_nlp, text)] == [measure, measure]


def test_a_breakdown_in_a_bracket_keeps_its_measures(outcomes_nlp: Language) -> None:
    # what stays: a figure inside the bracket the first opens is no member of its list
    text = "The overall response rate was 15% (CR, 2%; PR 13%)."
    assert [m for m, *_ in rows(outcomes_nlp, text)] == [
        "response",
        "complete_response",
        "partial_response",
    ]


# -- an arm named by its dose is the main drug's (review item 13) -----------------------------


@pytest.mark.parametrize(
    ("arm_words", "arm"),
    [("in the 5-mg group", "5-mg"), ("in the high-dose arm", "high-dose"),
     ("in the 10-mg/kg group", "10-mg/kg")],
)  # fmt: skip
def test_a_dose_named_arm_takes_the_main_drugs_concept(outcomes_nlp: Language, arm_words: str,
                                                       arm: str) -> None:  # fmt: skip
    text = (
        "Adalimumab in Crohn disease: a randomized trial. Patients were randomly assigned to "
        f"adalimumab or placebo. Remission occurred in 41% of patients {arm_words}."
    )
    got = [(r.get("arm"), r.get("drug_concept_id"))
           for r in run(outcomes_nlp, text, MENTIONS)._.outcomes if r["value"] == 41.0]  # fmt: skip
    assert got == [(arm, "MESH:D000068879")]


def test_a_control_arm_takes_no_drug_concept(outcomes_nlp: Language) -> None:
    # what stays: the placebo arm is no dose of the main drug
    text = (
        "Adalimumab in Crohn disease: a randomized trial. Patients were randomly assigned to "
        "adalimumab or placebo. Remission occurred in 12% of patients in the placebo group."
    )
    got = [r.get("drug_concept_id") for r in run(outcomes_nlp, text, MENTIONS)._.outcomes
           if r["value"] == 12.0]  # fmt: skip
    assert got == [None]


# -- an interval written without its label after a list's later figure (review item 14;
# -- outcome_attach.listed_ci) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Median overall survival was 24.3 months (95% CI 20.1-28.7) with sorafenib versus 19.0 "
         "months (16.2-21.5) with placebo.", (19.0, 16.2, 21.5, "placebo")),
        ("Median progression-free survival was 10.2 months (95% CI 5.7-12.6) with docetaxel and "
         "20.2 months (13.8-27.5) with olaparib.", (20.2, 13.8, 27.5, "olaparib")),
        ("Remission occurred in 21% (95% CI 12 to 30) with placebo and 33% (23 to 43) with "
         "adalimumab.", (33.0, 23.0, 43.0, "adalimumab")),
    ],
)  # fmt: skip
def test_an_unlabelled_interval_of_a_listed_figure(
    outcomes_nlp: Language, text: str, expected: tuple[float, float, float, str]
) -> None:
    got = [(r["value"], r.get("ci_low"), r.get("ci_high"), r.get("arm"))
           for r in run(outcomes_nlp, text, MENTIONS)._.outcomes]  # fmt: skip
    assert expected in got


def test_a_bracketed_range_that_misses_the_value_is_no_interval(outcomes_nlp: Language) -> None:
    # what stays: "(1-3 years)" does not hold 19.0, so it is no interval of it
    text = (
        "Median overall survival was 24.3 months (95% CI 20.1-28.7) with sorafenib versus 19.0 "
        "months (1-3) with placebo."
    )
    got = [r.get("ci_low") for r in run(outcomes_nlp, text, MENTIONS)._.outcomes
           if r["value"] == 19.0]  # fmt: skip
    assert got == [None]


def test_a_listed_ci_is_looked_for_in_time_linear_in_the_text_after_the_figure() -> None:
    """The bracketed pair after a figure was matched against the whole rest of the sentence:
    a bracket followed by a long run of digits took time in its square (20,000 digits: 4.9 s
    for one figure). It is looked for within `PAIR_SCAN` characters."""
    from cpu_growth import assert_linear_work

    from pipeline.components.outcome_attach import listed_ci
    from pipeline.components.outcome_tokens import Figure

    def work(n: int) -> object:
        text = "12% (95% CI 8-16) and 5% (" + "1" * n + ")"
        first = Figure(ts=0, te=1, pct=12.0, start=0, end=3)
        second = Figure(ts=9, te=10, pct=5.0, start=22, end=24)
        return listed_ci(second, [first, second], text)

    assert work(10) is None
    assert_linear_work(work, 2_000)
