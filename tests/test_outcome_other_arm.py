"""A figure compared with a named arm's takes the document's other arm, in a trial of two arms
(`pipeline.components.outcome_other_arm`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_respectively import DRUGS
from test_outcomes import run


def arms(nlp: Language, text: str) -> list[tuple[float, str | None, str | None]]:
    doc = run(nlp, text, DRUGS)
    return [(r["value"], r["arm"], r["drug_text"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    ("allocation", "other"),
    [
        ("Patients were randomized to docetaxel (n = 100) or placebo (n = 100). ",
         ("placebo", "placebo")),
        ("Response was 40% with docetaxel and 30% with letrozole. ", ("letrozole", "letrozole")),
    ],
)
def test_the_other_figure_of_a_pair_takes_the_other_of_two_arms(
    outcomes_nlp: Language, allocation: str, other: tuple[str, str]
) -> None:
    got = arms(outcomes_nlp, allocation + "In the docetaxel group there were fewer deaths from "
                                          "breast cancer (12 vs 20; P = 0.04).")  # fmt: skip
    assert got[-2:] == [(12.0, "docetaxel", "docetaxel"), (20.0, *other)]


def test_no_other_arm_among_three(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "Patients were randomized to docetaxel (n = 100), paclitaxel (n = "
                             "100) or placebo (n = 100). In the docetaxel group there were fewer "
                             "deaths from breast cancer (12 vs 20; P = 0.04).")  # fmt: skip
    assert [(v, a) for v, a, _ in got[-2:]] == [(12.0, "docetaxel"), (20.0, None)]


ALLOCATION = ("Patients were randomized to docetaxel (n = 100) or placebo (n = 120). Relapse "
              "occurred in 20% with docetaxel and 30% with placebo. ")


def test_a_respectively_list_of_no_arm_takes_the_arms_of_the_sentence_before(
    outcomes_nlp: Language,
) -> None:
    got = arms(outcomes_nlp, ALLOCATION + "The 10-year survival rates were 64% and 71%, "
                                          "respectively (p = 0.23).")  # fmt: skip
    assert got[-2:] == [(64.0, "docetaxel", "docetaxel"), (71.0, "placebo", "placebo")]


def test_a_respectively_list_beside_another_list_takes_no_arms_of_the_sentence_before(
    outcomes_nlp: Language,
) -> None:
    got = arms(outcomes_nlp, ALLOCATION + "In women and men, survival was 64% and 71%, "
                                          "respectively.")  # fmt: skip
    assert [a for _, a, _ in got[-2:]] == [None, None]


def test_a_control_word_in_a_compound_names_no_arm(outcomes_nlp: Language) -> None:
    # "with chemotherapy-responsive cancer": who was studied, not an arm ("with chemotherapy")
    doc = outcomes_nlp(
        "Analysis was performed on 61 women with chemotherapy-responsive metastatic cancer."
    )
    assert [r["arm"] for r in doc._.outcomes] == [None]
    doc = outcomes_nlp("IGA success was reached by 38% with tapinarof and 6% with vehicle.")
    assert [(r["value"], r["arm"]) for r in doc._.outcomes][-1] == (6.0, "vehicle")
