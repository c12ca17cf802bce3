"""The arms of a list of figures a respectively word follows: a series of as many arm names
after the list or before it; and of two figures a comparison word joins: two arms compared
before them (`pipeline.components.outcome_respectively`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cpu_growth import assert_linear_cpu
from spacy.language import Language
from test_outcomes import run

DRUGS = [
    ("docetaxel", "DRUG", "MESH:D000077143"),
    ("doxorubicin", "DRUG", "MESH:D004317"),
    ("paclitaxel", "DRUG", "MESH:D017239"),
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("granisetron", "DRUG", "MESH:D017829"),
    ("ondansetron", "DRUG", "MESH:D017294"),
    ("creatinine", "DRUG", "MESH:D003404"),
    ("urea", "DRUG", "MESH:D014508"),
    ("neutropenia", "DISEASE", "MESH:D009503"),
    ("anemia", "DISEASE", "MESH:D000740"),
]
TRIAL = "In this randomized trial, patients were assigned to one of the arms. "


def arms(nlp: Language, sentence: str) -> list[tuple[float, str | None]]:
    doc = run(nlp, TRIAL + sentence, DRUGS)
    return [(r["value"], r["arm"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the series after the list, right before the respectively word
        ("Grade 3 neutropenia occurred in 12 and 5 patients receiving paclitaxel and placebo, "
         "respectively.", [(12.0, "paclitaxel"), (5.0, "placebo")]),
        ("Response rates were 50%, 40% and 30% in arms A, B, and C, respectively.",
         [(50.0, "A"), (40.0, "B"), (30.0, "C")]),
        # the series before the list, in its clause
        ("In the docetaxel and doxorubicin arms, pCR rates were 28% and 15%, respectively.",
         [(28.0, "docetaxel"), (15.0, "doxorubicin")]),
        ("The objective response rates of the paclitaxel, docetaxel and placebo groups were 40%, "
         "35% and 10%, respectively.",
         [(40.0, "paclitaxel"), (35.0, "docetaxel"), (10.0, "placebo")]),
        ("Nausea was less frequent in the granisetron and ondansetron groups than in the placebo "
         "group (10% and 12% vs 40%, respectively).",
         [(10.0, "granisetron"), (12.0, "ondansetron"), (40.0, "placebo")]),
        ("The incidence of pain was lower in Groups R4 and R6 than in the control and R2 groups "
         "(12/32 and 6/31 vs 26/31 and 25/32, respectively, P<0.001).",
         [(12.0, "R4"), (6.0, "R6"), (26.0, "control"), (25.0, "R2")]),
        # arms named by words before a plural arm noun
        ("Hair density increased by 34.7% and 24.9% in the intervention and control groups, "
         "respectively.", [(34.7, "intervention"), (24.9, "control")]),
        ("Relapse rates in the chemotherapy and radiotherapy alone arms were 10% and 12%, "
         "respectively.", [(10.0, "chemotherapy"), (12.0, "radiotherapy alone")]),
        ("Pain occurred in 30% vs. 34% of the deodorant vs. no-deodorant groups, respectively.",
         [(30.0, "deodorant"), (34.0, "no-deodorant")]),
        ("Response rates were 40%, 35% and 10% in the low-dose, high-dose and sham groups, "
         "respectively.", [(40.0, "low-dose"), (35.0, "high-dose"), (10.0, "sham")]),
        # the respectively word before the list
        ("The response rates in the letrozole and tamoxifen arms were, respectively, 45% and "
         "30%.", [(45.0, "letrozole"), (30.0, "tamoxifen")]),
        ("In the docetaxel and placebo groups, relapse occurred in, respectively, 12% and 20% of "
         "patients.", [(12.0, "docetaxel"), (20.0, "placebo")]),
        # drugs given together are one arm; a monotherapy word is part of its arm
        ("Patients treated with docetaxel plus doxorubicin and docetaxel alone had response "
         "rates of 50% and 40%, respectively.",
         [(50.0, "docetaxel plus doxorubicin"), (40.0, "docetaxel alone")]),
        # ... also joined by "+" or "/", with or without spaces
        ("Patients treated with docetaxel + doxorubicin and docetaxel alone had response "
         "rates of 50% and 40%, respectively.",
         [(50.0, "docetaxel + doxorubicin"), (40.0, "docetaxel alone")]),
        ("In the docetaxel/doxorubicin and paclitaxel arms, pCR rates were 28% and 15%, "
         "respectively.",
         [(28.0, "docetaxel/doxorubicin"), (15.0, "paclitaxel")]),
    ],
)
def test_a_respectively_list_takes_its_arms_in_order(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, sentence)
    assert [g for g in got if g[0] != 1.0] == expected  # (no row for "one of the arms")


@pytest.mark.parametrize(
    "sentence",
    [
        # the respectively word pairs the figures with measures, not arms
        "In the docetaxel and tamoxifen arms, response and relapse rates were 40% and 20%, "
        "respectively.",
        # ... or with the events listed between the arms and the figures
        "In the docetaxel and placebo arms, neutropenia and anemia occurred in 12% and 5%, "
        "respectively.",
        # the series is in another clause
        "Docetaxel and placebo were given; response rates were 28% and 15%, respectively.",
        # the respectively word pairs the figures with the timepoints after them
        "Among patients receiving docetaxel and doxorubicin, 28% and 15% responded at 12 and 24 "
        "weeks, respectively.",
        # what was measured, not what was given
        "Creatinine and urea increased by more than 50% in 54% and 45% of the patients, "
        "respectively.",
        # ... also with the arms named before what was measured
        "In the docetaxel and placebo arms, raised creatinine and urea occurred in 12% and 5% of "
        "patients, respectively.",
        # subjects before the arm noun name no arms of a series before the list
        "In the men and women groups, response rates were 45% and 30%, respectively.",
        # groups of who was studied, not arms (no drug, control or treatment word among them)
        "In the male and female groups, the response rates were 40% and 30%, respectively.",
        "In the younger and older groups, mortality was 12% and 25%, respectively.",
        "In the low- and high-risk groups, relapse occurred in 12% and 30%, respectively.",
        # as many names as figures, or none
        "In the docetaxel, doxorubicin and placebo arms, response rates were 28% and 15%, "
        "respectively.",
    ],
)
def test_no_series_of_arms_gives_no_arms_in_order(outcomes_nlp: Language, sentence: str) -> None:
    got = arms(outcomes_nlp, sentence)
    # no figure of the list takes an arm of the series (a per-figure arm, "with docetaxel",
    # would show as such a name too: none of these sentences has one)
    assert [a for _, a in got] == [None] * len(got), got


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Pathologic complete response was more frequent with docetaxel than with doxorubicin "
         "(28% vs 15%).", [(28.0, "docetaxel"), (15.0, "doxorubicin")]),
        ("Neutropenia was more common in the docetaxel arm than in the placebo arm (40% vs 10%, "
         "P < 0.001).", [(40.0, "docetaxel"), (10.0, "placebo")]),
        ("Response rates did not differ between letrozole and tamoxifen (32% vs 21%; P = 0.2).",
         [(32.0, "letrozole"), (21.0, "tamoxifen")]),
        ("Relapse was less frequent in Group A compared with Group B (11% v 2%).",
         [(11.0, "group A"), (2.0, "group B")]),
    ],
)
def test_a_compared_pair_takes_the_arms_compared_before_it(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, sentence)
    assert [g for g in got if g[0] != 1.0] == expected


def test_a_pair_of_drugs_given_together_takes_no_arms_in_order(outcomes_nlp: Language) -> None:
    # drugs given together, not compared: the clause's nearest drug, for both
    got = arms(outcomes_nlp, "In patients treated with docetaxel and doxorubicin, response was "
                             "28% vs 15% at weeks 4 and 8.")  # fmt: skip
    assert [a for v, a in got if v != 1.0] == [None, None]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the comparator after the figures
        ("Letrozole gave higher response rates (32% vs 21%) than tamoxifen.",
         [(32.0, "Letrozole"), (21.0, "tamoxifen")]),
        ("Relapse was less frequent with letrozole (10% vs 15%) than with placebo.",
         [(10.0, "letrozole"), (15.0, "placebo")]),
        ("Patients given docetaxel had more neutropenia (40% vs 12%) than those given placebo.",
         [(40.0, "docetaxel"), (12.0, "placebo")]),
        # ... or before them, right before the pair
        ("Docetaxel caused more neutropenia than doxorubicin (40% vs 12%).",
         [(40.0, "Docetaxel"), (12.0, "doxorubicin")]),
        # "compared with" frames too; the word before the arm may be any word
        ("Neutropenia was less frequent with docetaxel compared with standard paclitaxel (9% v "
         "22%, respectively).", [(9.0, "docetaxel"), (22.0, "paclitaxel")]),
        ("Patients given letrozole had more arthralgia compared with patients administered "
         "placebo (63% v 22%, respectively).", [(63.0, "letrozole"), (22.0, "placebo")]),
        # every pair of the frame
        # the first arm is the one nearest before "than", not a drug given before
        ("After surgery and tamoxifen, recurrence was 5% vs 9% with letrozole than with placebo.",
         [(5.0, "letrozole"), (9.0, "placebo")]),
        ("Docetaxel caused more neutropenia (40% vs 12%) and anemia (20% vs 5%) than paclitaxel.",
         [(40.0, "Docetaxel"), (12.0, "paclitaxel"), (20.0, "Docetaxel"), (5.0, "paclitaxel")]),
    ],
)
def test_a_pair_in_a_comparative_frame_takes_its_arms(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # measured analytes, not arms
        "Serum creatinine rose more often (33% vs 5%) than serum urea.",
        # two "than": whose is whose is not said
        "Docetaxel caused more neutropenia (40% vs 12%) than paclitaxel and less than "
        "doxorubicin.",
        # each bracket's list pairs its figures with what was measured, not with the arms
        "Discontinuations for neutropenia and anemia were higher with docetaxel (2.5% and 1.1% "
        "respectively) compared with paclitaxel (1.5% and 0.4% respectively).",
        # a drug given before, or who was studied, is no first arm of the frame
        "In patients pretreated with doxorubicin, relapse was less frequent (10% vs 15%) than "
        "with placebo.",
        "Among tamoxifen-pretreated women, the response was higher (40% vs 20%) than with "
        "placebo.",
        # no arm after the frame's word: a negation, an outside comparison
        "Response was higher with letrozole plus paclitaxel (40% vs 12%) than without "
        "paclitaxel.",
        "Neutropenia was less frequent with letrozole (10% vs 35%) compared with historical "
        "tamoxifen data.",
        # the arm after "than" is too far from the pair before it
        "Docetaxel caused more neutropenia than doxorubicin did in the earlier study of "
        "elderly women (40% vs 12%).",
    ],
)
def test_a_comparative_frame_without_two_arms_gives_none(
    outcomes_nlp: Language, sentence: str
) -> None:
    got = [a for v, a in arms(outcomes_nlp, sentence) if v != 1.0]
    assert got == [None] * len(got)


def test_own_arms_are_kept(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "In the paclitaxel and placebo arms, response was 28% with "
                             "docetaxel and 15% with tamoxifen, respectively.")  # fmt: skip
    assert got == [(28.0, "docetaxel"), (15.0, "tamoxifen")]


def test_arm_series_are_read_in_linear_time(outcomes_nlp: Language) -> None:
    # many drugs and respectively lists in one sentence: each list looks at the series beside
    # it only (the component timed alone, on documents made beforehand)
    # (best CPU time of 5 runs at each size, `cpu_growth`: wall clock measured the shared
    # machine's load) 16x the text under 64x the time; quadratic would be ~256x
    part = "in the docetaxel and doxorubicin arms, rates were 28% and 15%, respectively"
    outcomes = outcomes_nlp.get_pipe("biotab_outcomes")
    docs = {}
    for n in (20, 320):
        doc = run(outcomes_nlp, TRIAL + " and ".join([part] * n) + ".", DRUGS)
        assert len(doc._.outcomes) >= 2 * n
        assert doc._.outcomes[-1]["arm"] == "doxorubicin"
        docs[n] = doc

    def prepare(n: int) -> Callable[[], object]:
        return lambda: outcomes(docs[n])

    assert_linear_cpu(prepare, 20)


def test_a_series_is_the_nearest_lists_only(outcomes_nlp: Language) -> None:
    # the second list's respectively word does not reach back past the first list's figures
    got = arms(outcomes_nlp, "With docetaxel and doxorubicin, creatinine rose by 18% and 23%, "
                             "respectively (vs 43% and 34%, respectively, with placebo).")
    assert got == [(18.0, "docetaxel"), (23.0, "doxorubicin"), (43.0, None), (34.0, None)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a frame that opens the clause (its comma joins no series: the frame gives the arms)
        ("Compared with placebo, letrozole reduced the incidence of severe mucositis (1.2% vs "
         "6.7%).", [(1.2, "letrozole"), (6.7, "placebo")]),
        ("Compared with placebo, letrozole reduced relapse (10% vs 15%, respectively).",
         [(10.0, "letrozole"), (15.0, "placebo")]),
        # one arm named before a pair: the first figure's (pico-dev's forms)
        ("Fewer patients in the docetaxel group reported pain at 24 hours (13 vs 31).",
         [(13.0, "docetaxel"), (31.0, None)]),
        ("More patients in the tamoxifen arm reported hot flushes (63.5% v 55.6%; P = .019).",
         [(63.5, "tamoxifen"), (55.6, None)]),
        # no arm after "than": the one named is the first figure's
        ("Neutropenia with docetaxel was more frequent (40% vs 12%) than expected.",
         [(40.0, "docetaxel"), (12.0, None)]),
        # ... or the second's, after a comparison word
        ("Hair loss was significantly lower in patients given letrozole versus the control arm "
         "(45% vs 82%, P = 0.016).", [(45.0, "letrozole"), (82.0, "control")]),
        ("Hair loss was significantly lower than in the control arm (45% vs 82%).",
         [(45.0, None), (82.0, "control")]),
    ],
)
def test_a_pair_takes_the_arms_its_clause_names_before_it(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # the last name of a series: "the PC and EP arm"
        "The response rate was similar in the docetaxel and EP arm (89.4% vs 79.5%).",
        # a control word that names no arm here
        "After a median observation period of 16 months, the response rate did not differ "
        "(41.3% vs 45.0%).",
    ],
)
def test_no_arm_for_a_pair_from_such_a_name(outcomes_nlp: Language, sentence: str) -> None:
    got = [a for v, a in arms(outcomes_nlp, sentence) if v not in (1.0, 16.0)]
    assert got and got == [None] * len(got)


def test_the_uncompared_figure_takes_not_the_other_arms_drug(outcomes_nlp: Language) -> None:
    """ "fewer in the docetaxel group (13 vs 31)": 31 is the other arm's, so docetaxel is not
    its drug."""
    doc = run(outcomes_nlp, TRIAL + "Fewer patients in the docetaxel group reported pain at "
                                    "24 hours (13 vs 31).", DRUGS)  # fmt: skip
    got = {r["value"]: r["drug_text"] for r in doc._.outcomes}
    assert got[13.0] == "docetaxel"
    assert got[31.0] is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # words before a singular arm noun name a series too ("in SC versus control arm")
        ("Hair loss was lower in docetaxel versus control arm (45% vs 82%).",
         [(45.0, "docetaxel"), (82.0, "control")]),
        ("Relapse did not differ in the tamoxifen or chemotherapy group (9% vs 11%, "
         "respectively).", [(9.0, "tamoxifen"), (11.0, "chemotherapy")]),
        # ... but not words with an arm noun among them: two names, each with its noun
        ("Toxicity was higher in the every-3-week treatment arm versus the weekly treatment arm "
         "(88.1% vs 55.9%, respectively).",
         [(88.1, "every-3-week treatment"), (55.9, "weekly treatment")]),
    ],
)
def test_words_before_a_singular_arm_noun_name_a_series(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, sentence) == expected


def arms_and_drugs(nlp: Language, sentence: str) -> list[tuple[float, str | None, str | None]]:
    doc = run(nlp, TRIAL + sentence, DRUGS)
    return [(r["value"], r["arm"], r["drug_text"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # two timepoints of the one arm named before the pair: both figures are that arm's
        ("In the docetaxel group, pain scores at 6 h and 24 h were 13 vs 31.",
         [(13.0, "docetaxel", "docetaxel"), (31.0, "docetaxel", "docetaxel")]),
        ("The docetaxel group had less pain at 6 h than at 24 h (13 vs 31).",
         [(13.0, "docetaxel", "docetaxel"), (31.0, "docetaxel", "docetaxel")]),
        ("Pain in the letrozole arm fell between baseline and 12 months (45% vs 20%).",
         [(45.0, "letrozole", "letrozole"), (20.0, "letrozole", "letrozole")]),
        # two subgroups of it (placebo is no drug mention: the arm names the row's drug)
        ("Response in the placebo group was similar in men and women (45% vs 42%).",
         [(45.0, "placebo", "placebo"), (42.0, "placebo", "placebo")]),
    ],
)
def test_a_pair_of_one_arms_timepoints_or_subgroups_is_that_arms(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None, str | None]]
) -> None:
    assert arms_and_drugs(outcomes_nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # two arms compared: the second figure is the other arm's, not the docetaxel group's
        "Fewer patients in the docetaxel group reported pain (13 vs 31).",
        # one timepoint only
        "Fewer patients in the docetaxel group reported pain at 24 h (13 vs 31).",
        # numbers alone on both sides of "and": grades, no timepoints
        "In the docetaxel group, grade 3 and 4 pain was less frequent (13 vs 31).",
        # a list after the pair is not between the name and the pair
        "Fewer patients in the docetaxel group reported pain (13 vs 31), and nausea at 6 h and "
        "24 h was rare.",
    ],
)
def test_a_pair_of_two_arms_after_one_name_keeps_its_second_figure_apart(
    outcomes_nlp: Language, sentence: str
) -> None:
    got = {v: (arm, drug) for v, arm, drug in arms_and_drugs(outcomes_nlp, sentence)}
    assert got[13.0] == ("docetaxel", "docetaxel")
    assert got[31.0] == (None, None)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # regimens' abbreviations before a plural arm noun are arms
        ("The rate of objective response in the DEE and DE groups was 91.0% and 77.9%, "
         "respectively.", [(91.0, "DEE"), (77.9, "DE")]),
        # names listed after "the X group", each before its own arm noun
        ("The incidence of neutropenia in the PEG 100 mg group, PEG 6 mg group, and GCSF 5 mg "
         "group was 69.7%, 68.4%, and 69.5%, respectively.",
         [(69.7, "PEG 100 mg"), (68.4, "PEG 6 mg"), (69.5, "GCSF 5 mg")]),
    ],
)
def test_more_series_of_arm_names(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, sentence)
    assert [g for g in got if g[0] != 1.0] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the first figure's arm named before the pair, the second's linked right after it
        ("The relapse-free survival rate at 7 years in the tamoxifen arm was 93%, versus 81% in "
         "the placebo arm (P = 0.02).", [(93.0, "tamoxifen"), (81.0, "placebo")]),
        # a relative pronoun between the frame's word and its arm
        ("Patients who received letrozole opted for surgery more often than patients who "
         "received placebo (22% vs 9.2%; P=0.03).", [(22.0, "letrozole"), (9.2, "placebo")]),
        # figures read as of two measures, the subjects that name their arms right after them
        ("Clinical benefit was achieved in 83% and 56% of letrozole and tamoxifen patients, "
         "respectively (p < 0.001); median time to disease progression was 18.0 months and 7.0 "
         "months, respectively.",
         [(83.0, "letrozole"), (56.0, "tamoxifen"), (18.0, None), (7.0, None)]),
        # a label after each figure, its arm noun capitalized
        ("The cumulative incidence of nausea was 57% in Group B versus 68% in Group C (P = "
         "0.27).", [(57.0, "group B"), (68.0, "group C")]),
    ],
)
def test_a_pairs_arms_named_around_its_figures(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, sentence)
    assert [g for g in got if g[0] != 1.0] == expected


def test_in_the_respective_groups_makes_a_list_per_arm(outcomes_nlp: Language) -> None:
    # "in the respective groups" says what "respectively" says: each count is one arm's, so
    # none takes the cohort of both arms as its denominator
    text = (
        "Patients were randomized to letrozole or tamoxifen. Five hundred fifty-three patients "
        "were evaluable. Serious adverse events were reported in 11 and 13 patients in the "
        "respective groups."
    )
    got = [(r["value"], r["denominator"]) for r in run(outcomes_nlp, text, DRUGS)._.outcomes]
    assert got == [(553.0, None), (11.0, None), (13.0, None)]
