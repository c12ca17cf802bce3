"""The arm each size of an allocation list gives, the list read member by member
(`pipeline.components.outcome_allocation_arms`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_respectively import DRUGS
from test_outcomes import run


def sizes(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    doc = run(nlp, text, DRUGS)
    return [(r["value"], r["arm"]) for r in doc._.outcomes if r["measure"] == "enrollment"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a description in the size's bracket, before it
        ("Patients were randomly assigned to receive either docetaxel (75 mg/m2, via intravenous "
         "infusion, every three weeks; n = 313) or letrozole (2.5 mg, orally, once daily; n = "
         "274).", [(313.0, "docetaxel"), (274.0, "letrozole")]),
        # a name with a dose and more after it; an opener before "either"
        ("Patients were randomly assigned to 3-week cycles of either ABI-007 260 mg/m(2) "
         "intravenously without premedication (n = 229) or standard paclitaxel 175 mg/m(2) "
         "intravenously with premedication (n = 225).",
         [(229.0, "ABI-007"), (225.0, "standard paclitaxel")]),
        # a name of several words, joined by "and"; cut at a relative pronoun or a preposition
        ("Participants were randomly assigned to a 1-year aerobic exercise intervention of 225 "
         "min/wk (n = 160) or to a control group who maintained their usual level of activity (n "
         "= 160).", [(160.0, "1-year aerobic exercise intervention"), (160.0, "control group")]),
        ("This trial randomly assigned 204 patients to usual care (n = 102) or supervised "
         "aerobic and resistance exercise (n = 102).",
         [(204.0, None), (102.0, "usual care"), (102.0, "supervised aerobic and resistance "
                                                        "exercise")]),
        # "divided into", past a colon; an abbreviation's bracket inside a name
        ("Patients were randomly divided into 2 groups: a music (LM) group (n = 20) and a "
         "control group (n = 21).", [(20.0, "music (LM) group"), (21.0, "control group")]),
    ],
)
def test_each_size_of_an_allocation_list_takes_its_member(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert sizes(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # subjects, no arm
        "After being randomly assigned to letrozole, 60 women with node-positive disease (n = "
        "60) and those with lymphedema (n = 12) were followed.",
    ],
)
def test_a_member_that_names_no_arm_gives_none(outcomes_nlp: Language, text: str) -> None:
    got = sizes(outcomes_nlp, text)
    assert [a for v, a in got if v in (913.0, 60.0, 12.0)] == [None] * len(
        [v for v, _ in got if v in (913.0, 60.0, 12.0)]
    ), got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the next arm's size with its verb left out ("and 298 [were assigned] to placebo")
        ("302 patients were randomly assigned to letrozole and 298 to placebo.",
         [(302.0, "letrozole"), (298.0, "placebo")]),
        ("512 were assigned to receive olaparib and 512 to receive placebo.",
         [(512.0, "olaparib"), (512.0, "placebo")]),
        # a list of three, an allocation word before the first count
        ("We randomly assigned 302 patients to receive letrozole, 298 to receive anastrozole, "
         "and 301 to receive placebo.",
         [(302.0, "letrozole"), (298.0, "anastrozole"), (301.0, "placebo")]),
        # after a colon or in a bracket; an abbreviation after a name
        ("A total of 431 patients were randomized: 214 to Cocculine (C) and 217 to placebo (P).",
         [(431.0, None), (214.0, "Cocculine"), (217.0, "placebo")]),
        ("A total of 101 participants were randomized (48 to the intervention group and 53 to "
         "the control group).",
         [(101.0, None), (48.0, "intervention"), (53.0, "control")]),
        # ... or a semicolon
        ("A total of 1,203 women were randomized; 601 to anastrozole and 602 to tamoxifen.",
         [(1203.0, None), (601.0, "anastrozole"), (602.0, "tamoxifen")]),
        # an article before the arm's name; a comma after the allocation word
        ("The researchers assigned 50 people to a Mediterranean diet and 48 to a low-fat diet.",
         [(50.0, "Mediterranean diet"), (48.0, "low-fat diet")]),
        ("Eligible patients were randomly assigned, 120 to exercise and 118 to usual care.",
         [(120.0, "exercise"), (118.0, "usual care")]),
        # a treatment link
        ("Among 134 patients, 68 were treated with wire localization and 66 with radioguided "
         "localization.",
         [(68.0, "wire localization"), (66.0, "radioguided localization")]),
    ],
)
def test_an_allocated_count_with_its_verb_left_out_is_an_arm_size(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert sizes(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "with" after an allocation names who was allocated or a subgroup, no arm
        ("We randomly assigned 302 patients with psoriasis to tapinarof or vehicle.",
         [(302.0, None)]),
        ("302 patients were randomized to letrozole and 12 with protocol violations were "
         "excluded.", [(302.0, "letrozole")]),
        ("120 patients were allocated to exercise, and 15 with knee pain withdrew.",
         [(120.0, "exercise")]),
    ],
)
def test_with_after_an_allocation_names_no_arm(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert sizes(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a ratio of allocation, no subjects
        "Patients were randomized 2 to 1 to letrozole or placebo.",
        # a range of doses after an allocation
        "Patients were assigned to letrozole and 10 to 20 mg of prednisone daily.",
        # a time after the allocation word's comma
        "Patients were randomized, 3 to 5 days after admission, to early or delayed surgery.",
    ],
)
def test_numbers_after_an_allocation_that_are_no_arm_sizes(
    outcomes_nlp: Language, text: str
) -> None:
    assert sizes(outcomes_nlp, text) == []
