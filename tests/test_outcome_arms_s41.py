"""Arms of figures listed with their events (`outcome_clause_arms`): the last member of a list
that ", and" closes shares the arm named before the list ("In the placebo group, two (10%) had
rash, five (25%) fever, and one (5%) cough"); a clause of several lists, each closed by its
own arm ("nausea (20%) and rash (15%) in the X arm and nausea (30%) ... in the Y arm")."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_respectively import DRUGS, TRIAL
from test_outcomes import run

EVENTS = [(w, "DISEASE", f"MESH:{w}") for w in ("rash", "fatigue", "nausea", "vomiting",
                                                  "cough", "fever", "edema")]  # fmt: skip
PLACEBO = [("placebo", "DRUG", "MESH:D010919")]


def arms(nlp: Language, sentence: str) -> list[tuple[float, str | None]]:
    doc = run(nlp, TRIAL + sentence, DRUGS + PLACEBO + EVENTS)
    return [(r["value"], r["arm"]) for r in doc._.outcomes if r["measure"] != "enrollment"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In the placebo group (n=20), two (10%) patients had grade 1 rash, five (25%) had "
         "grade 2 rash, and one (5%) had grade 3 rash.",
         [(10.0, "placebo"), (25.0, "placebo"), (5.0, "placebo")]),
        ("The most common events in the docetaxel group were rash (five [6%] patients), cough "
         "(three [4%]), and fever (three [4%]).",
         [(6.0, "docetaxel"), (4.0, "docetaxel"), (4.0, "docetaxel")]),
    ],
)
def test_the_last_member_of_a_list_shares_the_arm_named_before_it(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, sentence) == expected


def test_a_clause_after_the_arms_list_is_no_member_of_it(outcomes_nlp: Language) -> None:
    # (the ", and" opens a clause of another arm: its figure is not the placebo group's)
    got = arms(outcomes_nlp, "In the placebo group, two (10%) patients had rash, and in the "
                             "docetaxel group five (25%) had rash.")  # fmt: skip
    assert (25.0, "placebo") not in got


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Grade 3 toxicities included nausea (20%) and fatigue (15%) in the docetaxel arm and "
         "nausea (30%), vomiting (12%), and fatigue (10%) in the placebo arm.",
         [(20.0, "docetaxel"), (15.0, "docetaxel"), (30.0, "placebo"), (12.0, "placebo"),
          (10.0, "placebo")]),
        ("Rash (8%) and cough (6%) were reported in the docetaxel group and fever (9%) and "
         "edema (7%) were reported in the placebo group.",
         [(8.0, "docetaxel"), (6.0, "docetaxel"), (9.0, "placebo"), (7.0, "placebo")]),
    ],
)
def test_each_list_takes_the_arm_that_closes_it(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # the first arm opens the clause: the lists after it are not closed by the second
        "In the docetaxel arm, nausea (20%) and fatigue (15%) were seen, and nausea (30%) and "
        "vomiting (12%) in the placebo arm.",
        # the second list is compared with the arm after it, not of it
        "Nausea (20%) and fatigue (15%) in the docetaxel arm and nausea (30%) and vomiting "
        "(12%) were higher than in the placebo arm.",
    ],
)
def test_a_list_not_closed_by_the_arm_after_it_takes_none(
    outcomes_nlp: Language, sentence: str
) -> None:
    got = dict(arms(outcomes_nlp, sentence))
    assert got.get(20.0) != "placebo" and got.get(30.0) != "placebo"


# parallel figures, the link to the arm written once for both (`outcome_gapped_arms`)


def all_arms(nlp: Language, sentence: str) -> list[tuple[float, str | None]]:
    doc = run(nlp, TRIAL + sentence, DRUGS + PLACEBO + EVENTS)
    return [(r["value"], r["arm"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the first figure's link stands before the joiner, as the second figure's does
        ("There were 14 thromboembolic events with tamoxifen and 28 with placebo.",
         [(14.0, "tamoxifen"), (28.0, "placebo")]),
        # the second figure's verb is left out: the first's link word names its arm
        ("Overall, 77 (51%) patients were randomized to standard care and 73 (49%) to "
         "docetaxel.", [(77.0, "standard care"), (49.0, "docetaxel")]),
        ("Overall, 77 (51%) patients were randomized to docetaxel and 73 (49%) to standard "
         "care.", [(77.0, "docetaxel"), (49.0, "standard care")]),
    ],
)
def test_parallel_figures_share_the_link_to_their_arms(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert all_arms(outcomes_nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # who was studied, no arm: a disease after the link word
        "There were 12 patients with breast cancer and 30 with placebo.",
        "Nausea occurred in 20 patients with grade 2 rash and 30 with placebo.",
        # a pool before its part
        "Of 200 patients randomized to treatment, 100 were assigned to docetaxel.",
    ],
)
def test_a_link_word_before_no_arm_name_gives_none(outcomes_nlp: Language, sentence: str) -> None:
    first = all_arms(outcomes_nlp, sentence)[0]
    assert first[1] is None


# a compared pair in a sentence that names one of the document's two arms (`outcome_named_pairs`)

ALLOCATED = "Patients were randomized to docetaxel (n = 100) or placebo (n = 98). "


def pair_arms(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    doc = run(nlp, text, DRUGS + PLACEBO + EVENTS)
    return [(r["value"], r["arm"]) for r in doc._.outcomes if r["measure"] != "enrollment"]


def test_the_arm_said_to_have_more_takes_the_first_figure(outcomes_nlp: Language) -> None:
    text = (ALLOCATED + "Insomnia (3.1% v 0.5%) and heartburn (7.2% v 2.4%) were significantly "
            "more frequent with docetaxel.")  # fmt: skip
    assert pair_arms(outcomes_nlp, text) == [
        (3.1, "docetaxel"), (0.5, "placebo"), (7.2, "docetaxel"), (2.4, "placebo")
    ]


@pytest.mark.parametrize(
    "text",
    [
        # no arm said to have more or less: which figure is whose is not said
        ALLOCATED + "Insomnia (3.1% v 0.5%) was reported with docetaxel.",
        # three arms: the second figure's is not said
        "Patients were randomized to docetaxel (n = 100), paclitaxel (n = 97) or placebo "
        "(n = 98). Insomnia (3.1% v 0.5%) was more frequent with docetaxel.",
    ],
)
def test_a_pair_without_a_comparative_or_of_three_arms_takes_none(
    outcomes_nlp: Language, text: str
) -> None:
    assert pair_arms(outcomes_nlp, text) == [(3.1, None), (0.5, None)]


# two arms' sizes, each after its arm's name (`outcome_gapped_arms.sized_pair_arms`)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Participants were randomly assigned (1:1) to PSTP ( n = 21) or EDU ( n = 20) and "
         "assessed at 12 months.", [(21.0, "PSTP"), (20.0, "EDU")]),
        ("The trial evaluated a telephone-based weight loss intervention (n = 45) compared to "
         "usual care (n = 45) among survivors.",
         [(45.0, "telephone-based weight loss intervention"), (45.0, "usual care")]),
        ("Patients were randomly assigned to a 6-week Mindful Awareness Practices (MAPS) "
         "intervention group (n = 39) or to a wait-list control group (n = 32).",
         [(39.0, "intervention group"), (32.0, "control group")]),
    ],
)
def test_the_name_before_each_size_is_its_arm(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert all_arms(outcomes_nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # a dose's words, no arm's name
        "Patients were randomly assigned to receive letrozole, 400 mg daily for two weeks "
        "(N=10), or placebo (N=10).",
        # subjects of a case-control study after the drug, no arm
        "The median doses of tamoxifen among cases (n = 11) and placebo (n = 25) were high.",
        # one arm of two treatments joined by "and"
        "Patients were randomized to high-dose (HD) letrozole and stem cell support (N=88), or "
        "no further treatment (N=91).",
    ],
)
def test_a_size_after_no_arm_name_takes_none(outcomes_nlp: Language, sentence: str) -> None:
    assert all_arms(outcomes_nlp, sentence)[0][1] is None


# labels after the sizes in one bracket, one of them shown an arm (`outcome_label_arms`)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In total, 125 survivors (n = 60 intervention; n = 65 control) completed the study.",
         [(60.0, "intervention"), (65.0, "control")]),
        ("Overall, 82 patients were included (34 STIM and 48 control).",
         [(34.0, "STIM"), (48.0, "control")]),
    ],
)
def test_a_role_label_beside_a_control_label_is_an_arm(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert all_arms(outcomes_nlp, sentence)[1:] == expected


def test_labels_none_of_which_is_shown_an_arm_give_none(outcomes_nlp: Language) -> None:
    got = all_arms(outcomes_nlp, "In total, 125 survivors (n = 60 intervention; n = 65 STIM) "
                                 "completed the study.")  # fmt: skip
    assert [arm for _, arm in got[1:]] == [None, None]


# the subjects a count counts, named by their arm (`outcome_following_arms.counted_subjects_arm`)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Four patients had a relapse: 1 (1%) of 98 control subjects and 3 (3%) of 100 "
         "experimental patients.", [(1.0, "control"), (3.0, "experimental")]),
        ("In 15 control subjects (15%), the biopsy was positive.", [(15.0, "control")]),
        ("Two docetaxel and three placebo patients stopped treatment due to rash.",
         [(3.0, "placebo")]),
        ("Rash occurred in 12 of 100 docetaxel patients.", [(12.0, "docetaxel")]),
    ],
)
def test_the_arm_that_names_the_counted_subjects_is_the_counts(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert pair_arms(outcomes_nlp, ALLOCATED + sentence) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a trait of who was studied, no arm
        ALLOCATED + "Rash occurred in 12 of 60 tamoxifen-pretreated patients.",
        ALLOCATED + "Rash occurred in 12 unrelated control subjects.",
        # a study that says it randomized no one: controls are no arm
        "We compared cases with controls. In 15 control subjects (15%), the biopsy was "
        "positive.",
    ],
)
def test_counted_subjects_named_by_a_trait_take_no_arm(outcomes_nlp: Language, text: str) -> None:
    assert all(arm is None for _, arm in pair_arms(outcomes_nlp, text))
