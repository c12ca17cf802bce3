"""Percentages that continue a list of relative changes are changes too, and medians that say
how long patients were followed are no outcome: each sentence (written for these tests) with the
units of the rows it gives. Each case fails without the rule named above it."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run


def units(nlp: Language, text: str) -> list[tuple[str, float]]:
    """(unit, value) of each row."""
    return [(r["unit"], r["value"]) for r in run(nlp, text)._.outcomes]


# -- the members of a list of relative changes (`SentenceParser._continues_change`) ------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one percent sign for the list: every member is a change
        (
            "The mean rises in urea, creatinine and potassium were reduced by 63, 80, and 42%, "
            "respectively, in the misoprostol group compared with the indomethacin group.",
            [("relative_change", 63.0), ("relative_change", 80.0), ("relative_change", 42.0)],
        ),
        # each member's own "by", further from the verb than its window looks
        (
            "During growth hormone treatment, resting ventilation increased by 26%, the "
            "occlusion pressure of the airway by 72% and the ventilatory response to hypoxia "
            "by 65% (P < 0.01).",
            [("relative_change", 26.0), ("relative_change", 72.0), ("relative_change", 65.0)],
        ),
        # a bracket of statistics between two members
        (
            "Compared with placebo, letrozole reduced the risk of invasive breast cancer by 61% "
            "(hazard ratio = 0.39; 95% CI = 0.18 to 0.85) and of ductal carcinoma in situ by "
            "47% (hazard ratio = 0.53).",
            [("relative_change", 61.0), ("hazard_ratio", 0.39), ("relative_change", 47.0),
             ("hazard_ratio", 0.53)],
        ),
    ],
)
def test_list_of_relative_changes(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert units(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a share after a change: its own sign, and a clause of its own
        "Pain scores were reduced by 30%, and 12% of patients stopped treatment.",
        "Pain scores were reduced by 30% and 12% of patients stopped treatment.",
    ],
)
def test_share_after_a_change_stays_a_share(outcomes_nlp: Language, text: str) -> None:
    assert units(outcomes_nlp, text)[1] == ("percent", 12.0)


# -- medians that say how long patients were followed, or how old they were -------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a `median_not_outcome` word right after the unit: the follow-up's length
        (
            "After a median of 26.5 months of follow-up, median time to progression was 7.4 "
            "months.",
            [("months", 7.4)],
        ),
        (
            "At a median of 30 months of observation, median overall survival was 19.2 months.",
            [("months", 19.2)],
        ),
        # a bracket's median right after an age: how old they were
        (
            "Women aged 65 years or older (median 71 years) received weekly docetaxel; median "
            "overall survival was 14 months.",
            [("months", 14.0)],
        ),
        # a range's end after a comparator: no median
        (
            "Responses lasted for a median of 31 weeks (range 9 to more than 80 weeks).",
            [("weeks", 31.0)],
        ),
    ],
)
def test_median_of_no_outcome(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert units(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an outcome noun between "median" and the number: the outcome's median
        (
            "In women aged over 70 (median survival 11 months) the regimen was poorly tolerated.",
            [("months", 11.0)],
        ),
        # follow-up in a bracket after the unit: the median before it is the outcome's
        (
            "Median progression-free survival was 8.1 months (follow-up, 22 months).",
            [("months", 8.1)],
        ),
    ],
)
def test_median_of_an_outcome_stays(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert units(outcomes_nlp, text) == expected


# -- a share of a whole after a composition verb, and "1/2" that is no share -----------------


@pytest.mark.parametrize(
    "text",
    [
        # `composition_verbs`: a case mix or a sample's make-up
        "Drug-induced liver failure constituted 6.1% of the liver failures seen at our centre.",
        "Stroke was a rare cause of death, accounting for only 0.9% of deaths in the cohort.",
        # a subscript in brackets after a one-letter symbol, and a mixed number
        "The half-activation voltage (V (1/2)) was shifted toward more positive potentials.",
        "The rash disappeared as the complement level fell by about 3 1/2% per hour.",
    ],
)
def test_no_share_of_subjects(outcomes_nlp: Language, text: str) -> None:
    assert all(unit != "percent" and value != 1.0 for unit, value in units(outcomes_nlp, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a population noun after "of": the share of who was studied
        ("Complete responders accounted for 12% of the patients.", [("percent", 12.0)]),
        # a share of subjects written as a fraction
        (
            "Responses were seen in 1/2 patients at the lowest dose and 3/4 at the highest.",
            [("count", 1.0), ("count", 3.0)],
        ),
    ],
)
def test_shares_of_subjects_stay(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert units(outcomes_nlp, text) == expected


# -- an article between a comparator and its number (`comparator_articles`) --------------------


@pytest.mark.parametrize(
    "text",
    [
        "The share of patients attaining at least a 12% rise in FEV1 was 34% with tiotropium.",
        "Patients with more than an 80% reduction in seizures were 41% of the gabapentin group.",
    ],
)
def test_threshold_after_comparator_and_article(outcomes_nlp: Language, text: str) -> None:
    assert [unit for unit, _ in units(outcomes_nlp, text)] == ["percent"]


def test_share_of_events_just_counted(outcomes_nlp: Language) -> None:
    # `composition_after`: "70% of which" is a share of the thromboses, not of the women
    text = (
        "There were 31 thromboses on placebo and 47 on raloxifene, 70% of which were "
        "superficial phlebitis."
    )
    mentions = [("thromboses", "DISEASE", "MESH:D013927"), ("phlebitis", "DISEASE", "MESH:D010689")]
    found = [(r["unit"], r["value"]) for r in run(outcomes_nlp, text, mentions)._.outcomes]
    assert ("percent", 70.0) not in found
    assert ("count", 31.0) in found


# -- who was studied, after a study verb and "in" (`study_verbs`) -----------------------------


def test_count_after_study_verb_is_who_was_studied(outcomes_nlp: Language) -> None:
    text = "Propofol-induced pain and rocuronium-induced pain were compared in 36 patients."
    found = [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, _PAIN)._.outcomes]
    assert found == [("enrollment", 36.0)]


def test_count_compared_with_stays_a_count(outcomes_nlp: Language) -> None:
    # "compared with": another arm's count of the event, not who was studied
    text = "Pain occurred in 12 patients given propofol compared with 3 patients given saline."
    found = [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, _PAIN)._.outcomes]
    assert found == [("adverse_event", 12.0), ("adverse_event", 3.0)]


@pytest.mark.parametrize(
    "text",
    [
        # a study verb further back in the clause, then "in"
        "We measured pain thresholds and the response to cold in 64 patients receiving "
        "morphine.",
        "The effect of lidocaine on pain caused by propofol was tested in a group of 52 "
        "patients.",
    ],
)
def test_count_after_a_far_study_verb_is_who_was_studied(
    outcomes_nlp: Language, text: str
) -> None:
    found = [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, _PAIN)._.outcomes]
    assert found[0][0] == "enrollment"


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        # a study verb after the count, as the clause's verb: who was studied
        ("Forty-one outpatients with opioid-induced pain were compared on measures of mood.",
         "enrollment"),
        # past a relative pronoun: the event's count
        ("Pain occurred in 12 patients who were studied by ultrasound.", "adverse_event"),
    ],
)
def test_study_verb_after_the_count(outcomes_nlp: Language, text: str, measure: str) -> None:
    found = [r["measure"] for r in run(outcomes_nlp, text, _PAIN)._.outcomes]
    assert found == [measure]


def test_a_finding_after_an_auxiliary_is_no_total(outcomes_nlp: Language) -> None:
    # "assessed by ..., was normal in two patients": the auxiliary opens the finding
    text = "Pain, assessed by a visual analogue scale, was absent in 14 patients."
    found = [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, _PAIN)._.outcomes]
    assert "enrollment" not in {m for m, _ in found}
    assert [v for _, v in found] == [14.0], found  # the 14 are the finding's count


_PAIN = [("pain", "DISEASE", "MESH:D010146")]


# -- "relapsed" naming who was treated, and the verb ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the adjective after "with"/"in": who was studied
        ("Capecitabine was given to 38 women with relapsed ovarian cancer.",
         [("enrollment", 38.0)]),
        ("Thirty-eight women with relapsed ovarian cancer received capecitabine.",
         [("enrollment", 38.0)]),
        # the verb: a count of relapses
        ("Of 60 patients, 9 relapsed within a year.", [("relapse", 9.0)]),
    ],
)
def test_relapsed_adjective_and_verb(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    cancer = [("ovarian cancer", "DISEASE", "MESH:D010051")]
    found = [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, cancer)._.outcomes]
    assert found == expected


# -- who was studied by sex, with no total before the pair (`sex_nouns`, `sex_pairs`) ----------


@pytest.mark.parametrize(
    "text",
    [
        "The transplant cohort (17 men, 9 women) was switched to sirolimus.",
        "A total of 310 reports of hyponatraemia were received: 171 women and 139 men.",
    ],
)
def test_sex_pair_is_no_row(outcomes_nlp: Language, text: str) -> None:
    found = run(outcomes_nlp, text, [("hyponatraemia", "DISEASE", "MESH:D007010")])._.outcomes
    assert [r["text"] for r in found if r["text"].endswith(("men", "women"))] == []


def test_event_counts_by_sex_stay(outcomes_nlp: Language) -> None:
    # after a preposition: the event's counts by sex
    text = "Hyponatraemia occurred in 14 men and 11 women."
    found = run(outcomes_nlp, text, [("Hyponatraemia", "DISEASE", "MESH:D007010")])._.outcomes
    assert [(r["measure"], r["value"]) for r in found] == [
        ("adverse_event", 14.0), ("adverse_event", 11.0)
    ]
