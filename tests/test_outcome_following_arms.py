"""The arm named right after a figure when it is no drug mention ("41% for yoga", "of patients
receiving FLX"), past the figure's CI, in the subjects it counts ("31% of letrozole patients",
"of healthy controls") and after "of" and an arm noun ("40% of the exercise group"); never a
name the document does not show is an arm, several arms' names, or who was studied."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_rules import RuleFileError, validate_lexicon
from pipeline.paths import rule_file

DRUGS = [("letrozole", "DRUG", "MESH:D000077289"), ("placebo", "DRUG", "MESH:D010919")]
YOGA = "Women were randomly assigned to yoga or brisk walking. "


def arms(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    return [(r["value"], r["arm"]) for r in run(nlp, text, DRUGS)._.outcomes
            if r["measure"] != "enrollment"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name the document allocates its subjects to, after a link
        (YOGA + "Fatigue improved in 48% for yoga and 30% for brisk walking.",
         [(48.0, "yoga"), (30.0, "brisk walking")]),
        # ... past the figure's CI
        (YOGA + "Fatigue improved in 41% (95% CI, 30% to 52%) with yoga and 28% (95% CI, 18% to "
         "38%) with brisk walking.", [(41.0, "yoga"), (28.0, "brisk walking")]),
        # ... after "assigned to", past the figure's subjects and their number
        (YOGA + "A response was seen in 61 (48%) of 127 women assigned to yoga.",
         [(48.0, "yoga")]),
        # a regimen's abbreviation after a treatment link, no allocation needed
        ("Grade 3 rash occurred in 22% of patients receiving FLX and in 11% of patients treated "
         "with DOC-C.", [(22.0, "FLX"), (11.0, "DOC-C")]),
        # an arrow joins a sequence's names into one ("E → CMF" is not "E")
        ("Women were randomly assigned to E → CMF or CMF → E for 24 weeks. The 5-year OS was 91% "
         "for E → CMF and 93% for CMF → E.", [(91.0, "E → CMF"), (93.0, "CMF → E")]),
        # a monotherapy word after the name joins it
        ("Grade 3 rash occurred in 9% of patients receiving B-RT and 5% of patients receiving "
         "RT alone.", [(9.0, "B-RT"), (5.0, "RT alone")]),
    ],
)
def test_an_arm_named_after_the_figure_that_is_no_drug(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nausea was reported by 31% of letrozole patients and 22% of placebo patients.",
         [(31.0, "letrozole"), (22.0, "placebo")]),
        # a control arm that is the subjects' name, a name the document allocates to; not a
        # role word alone ("of treated patients": all who were treated)
        ("Women were randomized to intervention or usual care. At follow-up, 73% of controls and "
         "71% of intervention women knew their risk, and 40% of treated patients had pain.",
         [(73.0, "controls"), (71.0, "intervention"), (40.0, None)]),
        # the subjects' own doing after them is no label; a qualifier after an abbreviation
        ("Relief was cited by 67.3% of patients preferring letrozole and 54.2% of patients who "
         "preferred placebo; 12% of patients who underwent CT without FLX and 9% of patients "
         "receiving B-RT had pain.", [(67.3, None), (54.2, None), (12.0, None), (9.0, "B-RT")]),
        # words after the figure in the allocation's own sentence are not shown an arm by it
        (YOGA + "Of the 16 women randomized to yoga, 8/16 with high rates of pain stopped; pain "
         "was 30% for yoga.", [(8.0, None), (30.0, "yoga")]),
        # "either" announces alternatives, no one arm
        ("Response was seen in 31% of patients receiving either FLX or DOC-C, and in 22% of "
         "patients receiving FLX.", [(31.0, None), (22.0, "FLX")]),
        # the subjects right after the figure
        (YOGA + "Pain was reported by 28% of yoga participants and 6% of healthy controls.",
         [(28.0, "yoga"), (6.0, "controls")]),
    ],
)
def test_the_subjects_a_figure_counts_name_its_arm(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


def test_an_arm_noun_after_of_names_the_arm(outcomes_nlp: Language) -> None:
    text = (YOGA + "Pain was reported by 40% of the yoga group and 61% of the usual-care group, "
            "representing 60% of the initial cohort.")
    # (the cohort's share after "representing" is its make-up, no row: `composition_verbs`)
    assert arms(outcomes_nlp, text) == [(40.0, "yoga"), (61.0, "usual-care")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # several arms' names: no one arm's figure
        (YOGA + "Fatigue improved in 41% for yoga; response was 64% in the yoga and brisk "
         "walking groups.", [(41.0, "yoga"), (64.0, None)]),
        # studies, not arms
        (YOGA + "Fatigue improved in 41% for yoga; 3% of women in the yoga studies stopped.",
         [(41.0, "yoga"), (3.0, None)]),
        # who was studied, not an arm
        ("Rash occurred in 40% of previously treated patients and in 22% of patients receiving "
         "FLX.", [(40.0, None), (22.0, "FLX")]),
        # a name the document does not allocate to after a weak link, an abbreviation after one
        (YOGA + "Response was 30% for stage II disease, 12% with ER+ tumours and 48% for yoga.",
         [(30.0, None), (12.0, None), (48.0, "yoga")]),
    ],
)
def test_no_arm_but_one_shown_after_the_figure(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


def test_a_disease_after_in_is_no_arm(outcomes_nlp: Language) -> None:
    """ "12% in DCIS": a disease (an abbreviation the document names where it allocates) after
    "in" is a subgroup, no arm; after "on" such an abbreviation is a regimen's."""
    text = ("A randomized trial of yoga in DCIS or HDEC. Women were randomly assigned to yoga or "
            "HDEC for 8 weeks. Pain was 12% in DCIS, 30% for yoga and 22% on HDEC.")
    mentions = [*DRUGS, ("DCIS", "DISEASE", "MESH:D002285"), ("HDEC", "DISEASE", "MESH:D000001")]
    got = [(r["value"], r["arm"]) for r in run(outcomes_nlp, text, mentions)._.outcomes]
    assert got == [(12.0, None), (30.0, "yoga"), (22.0, "HDEC")]


def test_the_series_in_a_respectively_lists_subjects_names_its_arms(
    outcomes_nlp: Language,
) -> None:
    """ "of letrozole and placebo patients, respectively": each figure of the list takes its
    arm from the series in the last figure's subjects, in order (not the first drug for both);
    not subjects that name no arms."""
    text = ("Women were randomized to letrozole or placebo. Response was seen in 83% and 56% of "
            "letrozole and placebo patients, respectively; urea and creatinine rose in 54% and "
            "45% of patients, respectively.")
    assert arms(outcomes_nlp, text) == [
        (83.0, "letrozole"), (56.0, "placebo"), (54.0, None), (45.0, None)
    ]


def test_the_links_list_is_checked() -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data["following_arm_links"] = []
    with pytest.raises(RuleFileError, match=r"key 'following_arm_links' is an empty list"):
        validate_lexicon(data, "lexicon.json")


def sizes(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    return [(r["value"], r["arm"]) for r in run(nlp, text, DRUGS)._.outcomes
            if r["measure"] == "enrollment"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sixty-one patients were allocated to FV and 68 patients to FP.",
         [(61.0, "FV"), (68.0, "FP")]),
        ("Forty-two patients were randomized to the weekly arm and 40 were randomized to the "
         "3-weekly arm.", [(42.0, "weekly"), (40.0, "3-weekly")]),
        ("Of 134 patients, 68 were treated with wire localization.",
         [(68.0, "wire localization")]),
        # a word that only ends like "or" says no other arm follows
        ("Of 134 patients, 68 were treated with wire localization for a tumor.",
         [(68.0, "wire localization")]),
        # the cohort, allocated to two arms: no one arm's size
        ("In all, 200 patients were randomized to either yoga or brisk walking; 98 patients were "
         "assigned to yoga.", [(200.0, None), (98.0, "yoga")]),
        # a trait of who was studied after "with"; alternatives after "either"
        ("In all, 248 women with yoga experience were randomized to yoga or brisk walking; 98 "
         "patients were assigned to yoga.", [(248.0, None), (98.0, "yoga")]),
        ("In all, 234 patients were randomized to yoga either with DA (DA+; n = 115) or without "
         "DA (DA-; n = 119).", [(234.0, None), (115.0, "DA+"), (119.0, "DA-")]),
        # a treatment noun alone names the cohort's treatment (not "the combination arm")
        ("In all, 901 patients were randomized to treatment; 42 patients were randomized to the "
         "combination arm.", [(901.0, None), (42.0, "combination")]),
        ("In all, 120 patients were randomly assigned to the yoga arm (n = 61) or placebo; 58 "
         "patients were assigned to yoga.", [(120.0, None), (61.0, "yoga"), (58.0, "yoga")]),
    ],
)
def test_a_count_allocated_to_an_arm_is_its_size(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert sizes(outcomes_nlp, text) == expected


def test_one_arm_after_a_respectively_word_is_every_members(outcomes_nlp: Language) -> None:
    """ "23% and 5%, respectively, in the X arm": the respectively word pairs the list with the
    grades; the one arm after it is both figures' (not several: "in the A and B arms")."""
    text = ("Women were randomized to letrozole or placebo. Grade 3 and 4 events occurred in 23% "
            "and 5%, respectively, in the letrozole plus exercise arm, and 15% and 1%, "
            "respectively, in the placebo arm.")
    assert arms(outcomes_nlp, text) == [
        (23.0, "letrozole plus exercise"), (5.0, "letrozole plus exercise"),
        (15.0, "placebo"), (1.0, "placebo"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (the subjects are the arm's size: an enrollment row, test_outcome_counted_among)
        ("At a median follow-up of 51 months, we observed 352 DFS events among 2,463 women "
         "receiving letrozole.", [(352.0, "letrozole")]),
        ("601 breast cancers were reported (251 [7.0%] in 3579 patients in the letrozole group vs "
         "350 [9.8%] in 3575 women in the placebo group).", [(7.0, "letrozole"), (9.8, "placebo")]),
    ],
)
def test_a_count_before_the_subjects_it_is_of_takes_their_arm(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, "Women were randomized to letrozole or placebo. " + text) == expected


def test_a_receptor_named_by_its_hormone_is_no_arm_nor_result(outcomes_nlp: Language) -> None:
    hormone = [("estrogen", "DRUG", "MESH:D004967"), ("letrozole", "DRUG", "MESH:D000077289")]
    doc = run(outcomes_nlp, "Response was seen in 45% of patients with estrogen "
              "receptor-positive tumors.", hormone)  # fmt: skip
    assert [(r["value"], r["arm"]) for r in doc._.outcomes] == [(45.0, None)]
    doc = run(outcomes_nlp, "Response was seen in 45% of patients with letrozole.", hormone)
    assert [(r["value"], r["arm"]) for r in doc._.outcomes] == [(45.0, "letrozole")]
    # who was studied, as "were ER positive" is
    doc = run(outcomes_nlp, "Sixty percent of tumours were estrogen receptor positive.", hormone)
    assert doc._.outcomes == []
