"""An arm named by "the", words and an arm noun: a figure's arm when it is the one arm name left
in the figure's clause ("in the control arm OM > G1 was 16.7%"), and a name in a series that a
comparison's figures take their arms from ("in the every-3-week treatment arm versus the weekly
treatment arm (88.1% vs 55.9%)"); never a name that is no arm ("the whole study group", "the 50-59
age group"), the comparator's, or a name beside figures of several arms."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

DRUGS = [("fenretinide", "DRUG", "MESH:D017313"), ("letrozole", "DRUG", "MESH:D000077289")]
TRIAL = "Patients were randomized to the arms. "


def arms(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    return [(r["value"], r["arm"]) for r in run(nlp, TRIAL + text, DRUGS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (pico-dev's forms)
        ("In the control arm, the response rate was 16.7%.",
         [(16.7, "control")]),
        ("There were 83 events in the fenretinide arm and 126 in the observation arm.",
         [(83.0, "fenretinide"), (126.0, "observation")]),
        ("In the treatment group seromas resolved after one aspiration in 71% of patients.",
         [(71.0, "treatment")]),
        # a comparison's two figures, arms named by words that are no drug
        ("The overall toxicity rate was higher in the every-3-week treatment arm versus the "
         "weekly treatment arm (88.1% vs 55.9%, respectively).",
         [(88.1, "every-3-week treatment"), (55.9, "weekly treatment")]),
        ("Grade 3 neuropathy was more common in the ABI-007 arm than in the standard paclitaxel "
         "arm (10% v 2%, respectively).", [(10.0, "ABI-007"), (2.0, "standard paclitaxel")]),
        # one arm named before a comparison's bracket: its first figure's (pico-dev)
        ("Grade 3 toxicity was more common in the tamoxifen plus OFS arm (22.4% v 12.3%).",
         [(22.4, "tamoxifen plus OFS"), (12.3, None)]),
        # the name right before the arm noun, past a preposition ("the 40 patients in the ...")
        ("Of the 40 patients in the fenretinide group, 12 achieved complete remission.",
         [(12.0, "fenretinide")]),
        ("For patients receiving anthracyclines, the event rates were higher in the placebo "
         "group (47%) than in the letrozole group (37%).",
         [(47.0, "placebo"), (37.0, "letrozole")]),
    ],
)
def test_an_arm_named_in_the_clause_is_the_figures(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # each arm's size
        ("The study group and the control group each contained 24 individuals.", 24.0),
        # the comparator
        ("Response was seen in 45% of patients, compared with the placebo arm.", 45.0),
        # no arm
        ("Relapse occurred in 12% of women in the 50-59 age group.", 12.0),
        ("Relapse occurred in 12% of women in the whole study group.", 12.0),
        # the comparator of a pair named before it ("(13 vs 31)": 13 is the ropivacaine group's,
        # test_outcome_respectively), whose name is not said
        ("Fewer patients in the ropivacaine group reported pain (13 vs 31).", 31.0),
        # several arms
        ("Response was seen in 12% of patients in the control groups.", 12.0),
        ("Response was similar in the PC and EP arm (89.4% vs 79.5%).", 89.4),
        # another clause's arm
        ("Steroids were taken by two patients in the letrozole group but by none in the "
         "fenretinide group, and no patient died of pneumonitis.", 0.0),
    ],
)
def test_no_arm_from_such_a_name(outcomes_nlp: Language, text: str, value: float) -> None:
    got = dict(arms(outcomes_nlp, text))
    assert value in got  # the row is there, without an arm
    assert got[value] is None


def test_the_arm_before_a_bracket_of_a_comparison_is_not_its_first_figures(
    outcomes_nlp: Language,
) -> None:
    """ "the weekly arm (88.1% vs 55.9%)": the arm named right before the bracket was taken by
    the bracket's first figure, the reverse of the comparison's order."""
    got = dict(arms(outcomes_nlp, "Toxicity was higher with letrozole than in the weekly arm "
                                  "(88.1% vs 55.9%)."))
    assert got.get(88.1) != "weekly"


def sizes(nlp: Language, text: str) -> list[tuple[float, str | None, int | None]]:
    return [(r["value"], r["arm"], r["group_size"])
            for r in run(nlp, text, DRUGS)._.outcomes if r["measure"] == "enrollment"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (pico-dev's forms) members of no drug, an abbreviation's bracket, an opener word
        ("Survivors were randomly assigned to in-person counseling (n = 33), telephone "
         "counseling (n = 34), or usual care (UC) (n = 33).",
         [(33.0, "in-person counseling", 33), (34.0, "telephone counseling", 34),
          (33.0, "usual care", 33)]),
        ("Women were randomised to receive 2-week presurgical AI (n = 198) or no presurgical "
         "treatment (n = 56).",
         [(198.0, "2-week presurgical AI", 198), (56.0, "no presurgical treatment", 56)]),
        # a dose in the size's bracket
        ("Patients were randomized to magnesium (100 mg/day; n=50) or placebo (n=50).",
         [(50.0, "magnesium", 50), (50.0, "placebo", 50)]),
        # the bracket names its arms after the sizes, not the words before it
        # (`outcome_label_arms`)
        ("Sixty-four patients were randomized to receive study treatment (n = 35, letrozole; "
         "n = 29, placebo).", [(64.0, None, None), (35.0, "letrozole", 35), (29.0, "placebo", 29)]),
    ],
)
def test_a_size_after_an_allocation_lists_member_is_that_arms(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None, int | None]]
) -> None:
    assert sizes(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "n_sizes"),
    [
        # no allocation: a subgroup
        ("Patients with stage III disease (n = 45) had a lower response rate.", 1),
    ],
)
def test_no_arm_for_a_size_outside_an_allocation_list(outcomes_nlp: Language, text: str,
                                                      n_sizes: int) -> None:
    got = sizes(outcomes_nlp, text)
    assert len(got) == n_sizes  # the sizes are rows
    assert [arm for _, arm, _ in got] == [None] * n_sizes


def doc_arms(nlp: Language, text: str) -> list[tuple[float, str | None, str | None]]:
    return [(r["value"], r["arm"], r["drug_text"]) for r in run(nlp, text, DRUGS)._.outcomes]


ALLOCATION = "Women were randomized to letrozole or placebo. "


@pytest.mark.parametrize(
    "sentence",
    [
        # analysis sets, subgroups and cohorts a name before "group"/"cohort" may be (the
        # session-21 review's cases), before or after the figure, near it or far
        "In the intention-to-treat cohort, recurrence occurred in 40% of women.",
        "Recurrence occurred in 40% of women in the per-protocol cohort.",
        "In the per-protocol cohort, the median age was 55 years and recurrence occurred in 40% "
        "of women.",
        "Recurrence was seen in 40% of women, as it was in the safety cohort.",
        "Among women in the responder group, 40% had grade 3 neutropenia.",
        "Grade 3 neutropenia occurred in 40% of women in the ER-positive group.",
        "In the expansion cohort, grade 3 neutropenia occurred in 40% of patients.",
        "In the ITT cohort, recurrence occurred in 40% of women.",
        # subgroups and analysis sets contrasted name against name: no arms either
        "In the multifocal group, 40% had a positive sentinel node compared to 28% in the "
        "unifocal group.",
        "Recurrence occurred in 40% of women in the ER-positive group and in 35% of women in the "
        "ER-negative group.",
        "Recurrence occurred in 40% in the HER2-positive group and in 35% in the triple-negative "
        "group.",
        "Recurrence occurred in 40% of women in the intention-to-treat cohort and in 35% of "
        "women in the per-protocol cohort.",
    ],
)
def test_a_name_before_an_arm_noun_is_no_arm_without_evidence(
    outcomes_nlp: Language, sentence: str
) -> None:
    got = doc_arms(outcomes_nlp, ALLOCATION + sentence)
    assert [arm for _, arm, _ in got] == [None] * len(got)
    assert got[0][:2] == (40.0, None)
    assert got[0][2] == "letrozole"  # the document's drug, not the name's words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a drug, a control arm, a treatment word, a role word, a dose, an abbreviation
        (ALLOCATION + "In the letrozole group, recurrence occurred in 40% of women.",
         [(40.0, "letrozole")]),
        (ALLOCATION + "In the placebo group, recurrence occurred in 40% of women.",
         [(40.0, "placebo")]),
        ("In the experimental group, 40% of women found the survey easy.",
         [(40.0, "experimental")]),
        ("Recurrence occurred in 40% of women in the 10 mg/kg group.", [(40.0, "10 mg/kg")]),
        ("Recurrence occurred in 40% of women in the high-dose arm.", [(40.0, "high-dose")]),
        ("The 5-year overall survival was 83% for those in the ACT arm.", [(83.0, "ACT")]),
        # a name the document writes where it allocates its subjects (a hyphen as a space)
        ("Women were randomly assigned in a 1:1 ratio to weekly or every 3 weeks paclitaxel. "
         "The every-3-weeks arm had 51 assessable patients.", [(51.0, "every-3-weeks")]),
        ("A randomized trial of exercise versus usual care. Pain resolved in 40% of women in "
         "the exercise group.", [(40.0, "exercise")]),
        ("Participants received either exercise or usual care. Pain resolved in 40% of women "
         "in the exercise group.", [(40.0, "exercise")]),
        ("Sixty women were randomly divided into two groups: yoga and waitlist. In the yoga "
         "group, pain resolved in 40% of women.", [(60.0, None), (40.0, "yoga")]),
        # an arm whose size the document states, in a study that compares arms
        ("Women were randomized into two groups. The exercise group (n = 40) trained twice a "
         "week. In the exercise group, pain resolved in 30% of women.",
         [(40.0, "exercise"), (30.0, "exercise")]),
        ("Women who exercised (exercise group, n = 40) were compared with women who did not. "
         "In the exercise group, pain resolved in 30% of women.",
         [(40.0, "exercise group"), (30.0, "exercise")]),
        # beside an arm named by its own words, with the same arm noun
        ("Hot flashes fell by 33.3% in the letrozole arm and by 80% in the hypnotherapy arm.",
         [(33.3, "letrozole"), (80.0, "hypnotherapy")]),
        # two names, each its own figure's, contrasted with the same arm noun
        ("Pain resolved in 40% of women in the acupuncture group and in 20% of women in the "
         "massage group.", [(40.0, "acupuncture"), (20.0, "massage")]),
    ],
)
def test_a_name_before_an_arm_noun_is_an_arm_with_evidence(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert [(v, arm) for v, arm, _ in doc_arms(outcomes_nlp, text)] == expected


def test_a_name_without_evidence_leaves_the_clause_to_its_arm(outcomes_nlp: Language) -> None:
    """ "40% in the letrozole arm" beside a subgroup: the subgroup is no second arm name."""
    got = doc_arms(outcomes_nlp, ALLOCATION + "In the responder group, recurrence occurred in "
                                              "40% of women in the letrozole arm.")  # fmt: skip
    assert [(v, arm) for v, arm, _ in got] == [(40.0, "letrozole")]


@pytest.mark.parametrize(
    "sentence",
    [
        # names of the study's whole population before an arm noun (`study_population_names`,
        # `non_arm_group_words`), in each form that reads an arm noun's name
        "In the study cohort, the rate of recurrence was 40%.",
        "The rate of recurrence in the study cohort was 40%.",
        "The rate of recurrence was low in the study cohort (40%).",
        "The rate of recurrence was low in the entire study group (40%).",
        "The rate of recurrence was 40% in the trial cohort.",
        "The study cohort (n = 40) was older than expected.",
        "The entire study group (n = 40) was older than expected.",
        # a name that is no arm before its size: the same as elsewhere
        "Pain was lower in the responder group (n = 40) than in the other women.",
        "Pain was lower in the ER-positive group (n = 40) than in the other women.",
    ],
)
def test_the_study_populations_name_is_no_arm(outcomes_nlp: Language, sentence: str) -> None:
    got = doc_arms(outcomes_nlp, ALLOCATION + sentence)
    assert got[0][:2] == (40.0, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the study group" and "the study arm" name the intervention arm of many trials
        (ALLOCATION + "The rate of recurrence was 40% in the study group.", [(40.0, "study")]),
        (ALLOCATION + "In the study arm, the rate of recurrence was 40%.", [(40.0, "study")]),
        # the whole population's name beside an arm's
        (ALLOCATION + "The rate of recurrence was 40% in the study cohort and 25% in the "
         "letrozole group.", [(40.0, None), (25.0, "letrozole")]),
        (ALLOCATION + "The rate of recurrence was low in the letrozole group (40%).",
         [(40.0, "letrozole")]),
    ],
)
def test_arms_beside_the_study_populations_name_stay(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert [(v, arm) for v, arm, _ in doc_arms(outcomes_nlp, text)] == expected


CHART_REVIEW = "We reviewed the charts of women treated at one clinic. "


@pytest.mark.parametrize(
    "text",
    [
        # a bracket label "X group" before its size is no arm when "the X group" never is: a
        # subgroup, an analysis set or the whole population
        ALLOCATION + "Pain was lower in some women (responder group, n = 40) than in others.",
        ALLOCATION + "Pain was lower in some women (ER-positive group, n = 40) than in others.",
        ALLOCATION + "Pain was lower in some women (validation cohort, n = 40) than in others.",
        ALLOCATION + "Pain was lower in some women (study cohort, n = 40) than in others.",
        CHART_REVIEW + "Pain was lower in some women (responder group, n = 40) than in others.",
    ],
)
def test_a_bracket_label_names_an_arm_only_with_evidence(
    outcomes_nlp: Language, text: str
) -> None:
    assert doc_arms(outcomes_nlp, text)[0][:2] == (40.0, None)


@pytest.mark.parametrize(
    ("text", "arm"),
    [
        (ALLOCATION + "Women given letrozole (letrozole group, n = 40) had less pain.",
         "letrozole group"),
        (CHART_REVIEW + "Pain was lower in some women (letrozole group, n = 40) than in others.",
         "letrozole group"),
        (CHART_REVIEW + "Pain was lower in some women (control group, n = 40) than in others.",
         "control group"),
        (CHART_REVIEW + "Pain was lower in some women (group A, n = 40) than in others.",
         "group A"),
        # the bracket, a group named and its size, is its evidence
        (ALLOCATION + "Pain was lower in some women (yoga group, n = 40) than in others.",
         "yoga group"),
        (CHART_REVIEW + "Pain was lower in some women (yoga group, n = 40) than in others.",
         "yoga group"),
    ],
)
def test_a_bracket_label_with_evidence_names_its_arm(
    outcomes_nlp: Language, text: str, arm: str
) -> None:
    assert doc_arms(outcomes_nlp, text)[0][:2] == (40.0, arm)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an arm's name opening the clause, a colon or comma after it, is all its figures'
        ("Arm A: CR 10 (20%), PR 15 (30%).", [(20.0, "arm A"), (30.0, "arm A")]),
        ("In arm A, CR 10 (20%), PR 15 (30%).", [(20.0, "arm A"), (30.0, "arm A")]),
        ("Placebo: 12 (10%) had nausea and 5 (4%) had rash.",
         [(10.0, "Placebo"), (4.0, "Placebo")]),
        # another arm named in the clause, or the name's bracket closed before the figure
        ("Arm A: 40% vs 20% in arm B.", [(40.0, "arm A"), (20.0, "arm B")]),
        ("The most common events were injection site reactions (56.7%; placebo, 8.9%) and fever "
         "(20.1%; placebo, 6.5%).",
         [(56.7, None), (8.9, "placebo"), (20.1, None), (6.5, "placebo")]),
    ],
)  # fmt: skip
def test_an_arm_opening_the_clause_is_its_figures(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


def test_a_list_of_counts_then_one_arm_is_all_that_arms(outcomes_nlp: Language) -> None:
    # the arm after the list's subjects is every count's; not a comparison's ("vs")
    assert arms(
        outcomes_nlp,
        "Neutropenia, anemia and fatigue occurred in 12, 8 and 5 patients in the letrozole group.",
    ) == [(12.0, "letrozole"), (8.0, "letrozole"), (5.0, "letrozole")]
    got = arms(outcomes_nlp, "Neutropenia occurred in 12 vs 5 patients in the letrozole group.")
    assert [a for v, a in got if v == 12.0] != ["letrozole"]


def test_a_list_of_events_then_one_arm_is_all_that_arms(outcomes_nlp: Language) -> None:
    # each figure after its own event's name, the one arm after them all: every figure's
    mentions = [("rash", "DISEASE", "MESH:D005076"), ("diarrhea", "DISEASE", "MESH:D003967"),
                ("nausea", "DISEASE", "MESH:D009325"), ("letrozole", "DRUG", "MESH:D000077289")]
    text = "Rash (10%), diarrhea (8%) and nausea (5%) were reported in the letrozole group."
    got = [(r["value"], r["arm"]) for r in run(outcomes_nlp, TRIAL + text, mentions)._.outcomes]
    assert got == [(10.0, "letrozole"), (8.0, "letrozole"), (5.0, "letrozole")]
    # a comparison in the clause: which is whose is not said
    text = "Rash (10%) and diarrhea (8%) were more common than in the letrozole group."
    got = [(r["value"], r["arm"]) for r in run(outcomes_nlp, TRIAL + text, mentions)._.outcomes]
    assert got == [(10.0, None), (8.0, None)]


def test_a_list_of_counts_each_before_its_event_then_one_arm(outcomes_nlp: Language) -> None:
    # each bare count right before its own event's word, the one arm after them all
    got = arms(outcomes_nlp, "There were 12 deaths and 30 hospitalizations in the placebo group.")
    assert got == [(12.0, "placebo"), (30.0, "placebo")]
    got = arms(outcomes_nlp, "There were 1 CR, 5 PR and 9 PD in the control group.")
    assert got == [(1.0, "control"), (5.0, "control"), (9.0, "control")]
    # compared: which is whose is not said
    got = arms(outcomes_nlp, "There were 12 deaths vs 30 deaths in the placebo group.")
    assert [a for v, a in got if v == 12.0] != ["placebo"]
