"""Arms a reader finds where figures and arm names take turns, or where names carry their
sizes (`outcome_alternating_arms`, `outcome_respectively`, `outcome_pair_series`,
`outcome_arm_names`): "the incidence in the placebo group was 15%, and the incidence in the
docetaxel group was 5%", "between docetaxel (n = 46) and placebo (n = 45) in terms of response
(41% vs 27%)", "between arms A and B", "Intervention patients had more ... (24% vs 16%)"."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_respectively import DRUGS, TRIAL
from test_outcomes import run

PLACEBO = [("placebo", "DRUG", "MESH:D010919")]
ALLOCATED = "Patients were randomized to docetaxel (n = 100) or placebo (n = 98). "


def arms(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    doc = run(nlp, text, DRUGS + PLACEBO)
    return [(r["value"], r["arm"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The incidence of nausea in the placebo group was 15.2%, and the incidence in the "
         "docetaxel group was 5.1%.", [(15.2, "placebo"), (5.1, "docetaxel")]),
        ("The incidence of nausea in the control group was 15.2%, and the incidence in the "
         "study group was 5.1%.", [(15.2, "control"), (5.1, "study")]),
    ],
)
def test_names_in_turn_with_the_figures_give_each_its_arm(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, TRIAL + sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # a pair after one name: whose second figure is not said
        "In the docetaxel group, response was 40% vs 30% at week 12.",
        # the second name is the comparator's, whose figure is not said
        "Response in the docetaxel group was 40%, higher than in the placebo group, and relapse "
        "was 12%.",
    ],
)
def test_names_not_in_turn_give_no_second_arm(outcomes_nlp: Language, sentence: str) -> None:
    got = dict(arms(outcomes_nlp, TRIAL + sentence))
    assert got.get(30.0) is None and got.get(12.0) is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("There was no difference between docetaxel (n = 46) and placebo (n = 45) in terms of "
         "response (41.3% vs. 26.7%) and relapse (10.8% vs. 2.2%).",
         [(46.0, "docetaxel"), (45.0, "placebo"), (41.3, "docetaxel"), (26.7, "placebo"),
          (10.8, "docetaxel"), (2.2, "placebo")]),
        ("Response was similar for docetaxel (n = 90) and placebo (n = 91), 62.5% v 57.0%, "
         "respectively (P = .38).",
         [(90.0, "docetaxel"), (91.0, "placebo"), (62.5, "docetaxel"), (57.0, "placebo")]),
        ("Similar results were seen for response (54% vs 56%, p = .18) and surgery (67% vs 68%, "
         "p = .97) between arms A and B.",
         [(54.0, "A"), (56.0, "B"), (67.0, "A"), (68.0, "B")]),
    ],
)
def test_a_compared_series_gives_its_pairs_their_arms(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, TRIAL + sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("There was no difference between arms for DFS (88.9% v 90.7%; P = .62) or OS (94.2% v "
         "96.6%; P = .67).",
         [(88.9, "docetaxel"), (90.7, "placebo"), (94.2, "docetaxel"), (96.6, "placebo")]),
        ("Incidences of insomnia (3.9% v 1.4%; P < .02) and heartburn (7.1% v 2.6%; P < .03) "
         "were similar.",
         [(3.9, "docetaxel"), (1.4, "placebo"), (7.1, "docetaxel"), (2.6, "placebo")]),
    ],
)
def test_pairs_joined_by_and_or_take_a_two_arm_trials_arms(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, ALLOCATED + sentence)[2:] == expected


@pytest.mark.parametrize(
    "sentence",
    ["In women and men, survival was 64% vs 71%.", "Survival was 64% vs 71% in women and men."],
)
def test_a_pair_beside_another_list_takes_no_arms(outcomes_nlp: Language, sentence: str) -> None:
    assert arms(outcomes_nlp, ALLOCATED + sentence)[2:] == [(64.0, None), (71.0, None)]


def test_a_role_word_before_a_population_noun_names_an_arm(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, TRIAL + "Intervention patients had greater knowledge of risk "
               "factors at follow-up (24% vs. 16%; p = 0.002).")
    assert got[0] == (24.0, "Intervention")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The 1-year survival rate in control group was 64.2%.", [(64.2, "control")]),
        ("In study group, the 1-year survival rate was 67.5%.", [(67.5, "study")]),
        # no arm: a determiner or a non-arm word before the noun
        ("In each group, the 1-year survival rate was 67.5%.", [(67.5, None)]),
    ],
)
def test_an_arm_named_without_the_is_the_clauses_arm(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    doc = run(outcomes_nlp, TRIAL + sentence, DRUGS)
    assert [(r["value"], r["arm"]) for r in doc._.outcomes] == expected
