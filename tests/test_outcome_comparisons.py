"""Counts compared between arms whose arms the sentence does not name ("(13 vs 31)"), and arm
sizes written as subject counts in the arm's bracket ("Group A (SLNB alone, 55 women)")."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_denominators import by_value, rows

from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve

RANDOMIZED = "A total of 120 patients were randomized to docetaxel or placebo. "


@pytest.mark.parametrize(
    ("sentence", "values"),
    [
        ("Fewer patients reported pain (13 vs 31, P < 0.0001).", (13, 31)),
        ("Neutropenia occurred in 28 versus 15 patients.", (28, 15)),
        ("Neutropenia occurred in 28 patients compared with 15 patients.", (28, 15)),
        ("Neutropenia and fever occurred in 28 and 15 patients, respectively.", (28, 15)),
    ],
)
def test_compared_counts_of_unnamed_arms_take_no_cohort(
    outcomes_nlp: Language, sentence: str, values: tuple[int, int]
) -> None:
    # each count is one arm's; the 120 randomized hold both arms: no denominator, value kept
    got = by_value(rows(outcomes_nlp, RANDOMIZED + sentence))
    assert got[120.0][1] == "enrollment"
    for v in values:
        assert got[float(v)][3:7] == (v, None, None, None)


def test_compared_counts_of_unnamed_arms_take_no_pool(outcomes_nlp: Language) -> None:
    # "Of the 120 patients," holds both arms as the cohort does
    got = by_value(rows(outcomes_nlp, RANDOMIZED + "Of the 120 patients, neutropenia occurred "
                                                   "in 28 versus 15."))  # fmt: skip
    assert [got[v][3:5] for v in (28.0, 15.0)] == [(28, None), (15, None)]


def test_compared_counts_of_a_single_arm_study_keep_the_cohort(outcomes_nlp: Language) -> None:
    # no arms compared (no randomization, no two arms named): the cohort is everyone's
    text = (
        "Fifteen patients were enrolled. Pain was reported in 8 versus 12 patients at weeks 4 "
        "and 12. Neutropenia and fever occurred in 8 and 5 patients, respectively."
    )
    got = rows(outcomes_nlp, text)
    assert [(r[2], r[3], r[4]) for r in got if r[1] != "enrollment"] == [
        (8.0, 8, 15), (12.0, 12, 15), (8.0, 8, 15), (5.0, 5, 15)]  # fmt: skip


def test_compared_shares_keep_the_arm_size_they_agree_with(outcomes_nlp: Language) -> None:
    # a count with its percentage still finds the size it was taken over (13/38 = 34%)
    text = (
        "Eighty-eight patients were randomized. Thus 79 patients remained for evaluation "
        "(docetaxel, n = 38; placebo, n = 41). Fewer patients reported pain (13 [34%] vs "
        "31 [76%])."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[34.0][3:5] == (13, 38) and got[76.0][3:5] == (31, 41)


def test_compared_counts_of_named_arms_take_their_sizes(outcomes_nlp: Language) -> None:
    text = (
        "Patients were randomized to docetaxel (n = 61) or placebo (n = 59). "
        "Neutropenia occurred in 28 patients with docetaxel versus 15 with placebo."
    )
    got = by_value(rows(outcomes_nlp, text))
    assert got[28.0][3:] == (28, 61, "docetaxel", 61)
    assert got[15.0][3:] == (15, 59, "placebo", 59)


def test_a_comparison_in_the_real_pipeline(full_nlp: Language) -> None:
    # the abstract's own words, tagged by the whole pipeline
    doc = full_nlp(
        "Eighty-eight patients were randomized to receive paravertebral injections with either "
        "ropivacaine 0.5% (30 mL) or an equivalent amount of isotonic saline. Nine patients "
        "were excluded after randomization, thus 79 patients remained for evaluation. Fewer "
        "patients in the ropivacaine group reported pain > or =3 on the numbers rating scale "
        "in the PACU (13 vs 31, P < 0.0001)."
    )
    got = {r["value"]: (r["numerator"], r["denominator"]) for r in doc._.outcomes}
    assert got[79.0] == (None, None)
    assert got[13.0] == (13, None) and got[31.0] == (31, None)


GROUPS = (
    "One hundred and twelve women with breast cancer underwent SLNB. Two groups of patients "
    "were prospectively randomized: Group A (SLNB alone, 55 women) and group B (SLNB plus "
    "ALNS, 57 women). The final pathology showed axillary node involvement in 7 further cases "
    "(group A = 5, group B = 2). Wound infection occurred in 9 patients."
)


def test_an_arms_size_in_its_bracket_of_subjects(outcomes_nlp: Language) -> None:
    got = by_value(rows(outcomes_nlp, GROUPS))
    # each size names its arm (its noun in lower case) and is its group size
    assert got[55.0][1] == "enrollment" and got[55.0][5:] == ("group A", 55)
    assert got[57.0][1] == "enrollment" and got[57.0][5:] == ("group B", 57)
    # each arm's count takes its own arm's size
    assert got[5.0][3:] == (5, 55, "group A", 55)
    assert got[2.0][3:] == (2, 57, "group B", 57)
    # the arms' sizes leave the cohort of 112 to the figures of no arm
    assert got[112.0][5:] == (None, None)
    assert got[9.0][3:] == (9, 112, None, None)


@pytest.mark.parametrize(
    ("sizes", "arm_a", "arm_b"),
    [
        ("to group A (55 women) or group B (57 women)", "group A", "group B"),
        ("to docetaxel (55 women) or placebo (57 women)", "docetaxel", "placebo"),
    ],
)
def test_an_arms_size_as_its_subjects_in_a_bracket(
    outcomes_nlp: Language, sizes: str, arm_a: str, arm_b: str
) -> None:
    got = by_value(rows(outcomes_nlp, f"Women were randomized {sizes}."))
    assert got[55.0][5:] == (arm_a, 55) and got[57.0][5:] == (arm_b, 57)


def test_a_bracket_of_subjects_after_no_arm_names_none(outcomes_nlp: Language) -> None:
    # a description in the bracket of something that is no arm ("the trial") names none
    got = by_value(rows(outcomes_nlp, "The trial (phase III, 120 women) was randomized."))
    assert got[120.0][5:] == (None, None)


def test_subjects_of_a_treatment_outside_a_trial_name_no_arm(outcomes_nlp: Language) -> None:
    # a case series: who received a treatment afterwards, no arm of a comparison
    text = (
        "Subsequent treatments included docetaxel (11 patients) and, eventually, lenalidomide "
        "(11 patients). Three patients died."
    )
    got = rows(outcomes_nlp, text)
    assert [(r[2], r[5], r[6]) for r in got if r[1] == "enrollment"] == [
        (11.0, None, None), (11.0, None, None)]  # fmt: skip


def test_subjects_of_an_arm_of_more_than_its_drugs_name_no_arm(outcomes_nlp: Language) -> None:
    # "irradiation plus docetaxel" is no arm of docetaxel alone: its size is its own arm's (the
    # allocation list's member), no docetaxel arm's
    got = by_value(rows(outcomes_nlp, (
        "Women were randomly assigned to irradiation plus docetaxel (386 women) or docetaxel "
        "alone (383 women). Relapse occurred in 20 women in the docetaxel group."
    )))
    assert got[386.0][5:] == ("irradiation plus docetaxel", 386)
    assert got[383.0][5:] == ("docetaxel alone", 383)
    assert got[20.0][3:] == (20, 383, "docetaxel", 383)


EACH = (
    "The incidence of myalgia was determined in 64 patients pretreated with saline or docetaxel "
    "before surgery (n = 32 for each). 15 patients in the docetaxel group complained of myalgia "
    "compared with 18 patients in the saline group, and severe myalgia was reported by five "
    "patients and three patients, respectively."
)


def test_every_arms_size_is_of_no_one_arm_and_each_arms_denominator(
    outcomes_nlp: Language,
) -> None:
    got = by_value(rows(outcomes_nlp, EACH))
    # the size of each arm: no arm of its own (not the drug before it), no cohort
    assert got[32.0][1] == "enrollment" and got[32.0][5:] == (None, 32)
    assert got[15.0][3:] == (15, 32, "docetaxel", 32)
    assert got[18.0][3:] == (18, 32, "saline", 32)
    # compared counts of arms not named: each arm's size, the same for all
    assert got[5.0][3:5] == (5, 32) and got[3.0][3:5] == (3, 32)


@pytest.mark.parametrize(
    ("size", "count"),
    [
        ("A total of 174 patients were randomized, 87 patients in each group.", 87),
        ("A total of 60 women were randomized to docetaxel or placebo (30 women per arm).", 30),
    ],
)
def test_every_arms_size_in_words(outcomes_nlp: Language, size: str, count: int) -> None:
    got = by_value(rows(outcomes_nlp, size + " Neutropenia occurred in 28 versus 15 patients. "
                                             "Rash occurred in 9 patients."))  # fmt: skip
    assert got[float(count)][5:] == (None, count)
    assert got[28.0][3:5] == (28, count) and got[15.0][3:5] == (15, count)
    assert got[9.0][3:5] == (9, count * 2)  # a count of no arm: the cohort


@pytest.mark.parametrize(
    ("after", "each"),
    [
        (" for each)", True),
        (" in each group.", True),
        (" per arm,", True),
        (" each", True),
        (" per month", False),  # a rate of accrual
        (" each received docetaxel", False),
        (" in each of them", False),
    ],
)
def test_what_makes_a_size_every_arms(after: str, each: bool) -> None:
    lex = Lexicon(load_lexicon(resolve(LEXICON_FILE)))
    assert (lex.each_arm_re.match(after) is not None) is each


def test_a_range_of_sizes_is_no_size_of_every_arm(outcomes_nlp: Language) -> None:
    got = by_value(rows(outcomes_nlp, "A total of 69 mice were randomly assigned to 7 groups "
                                      "(9 to 10 animals per group)."))  # fmt: skip
    assert got[10.0][5:] == (None, None)


@pytest.mark.parametrize(
    ("sentence", "first", "second"),
    [
        # the first count's noun between it and its arm: the second count is listed after it
        (
            "There were 31 deaths in the placebo group and 18 in the docetaxel group.",
            (31.0, "mortality", "placebo"),
            (18.0, "mortality", "docetaxel"),
        ),
        # a preposition among the first count's words
        (
            "There were 3 deaths from sepsis in the placebo group and 2 in the docetaxel group.",
            (3.0, "mortality", "placebo"),
            (2.0, "mortality", "docetaxel"),
        ),
        # no cue claims either: both are tied to their arms (the first past its own noun, which
        # is its arm's too)
        (
            "There were 28 VTEs on placebo and 44 on docetaxel.",
            (28.0, "other", "placebo"),
            (44.0, "other", "docetaxel"),
        ),
    ],
)
def test_a_bare_count_tied_to_its_arm_past_its_own_words(
    outcomes_nlp: Language,
    sentence: str,
    first: tuple[float, str, str | None],
    second: tuple[float, str, str | None],
) -> None:
    got = by_value(rows(outcomes_nlp, sentence))
    for value, measure, arm in (first, second):
        assert (got[value][1], got[value][5]) == (measure, arm)


@pytest.mark.parametrize(
    "sentence",
    [
        # a list word between the count and the arm: the arm is another part's
        "Comparison of G6PD spectra in two subpopulations and in a mixed group permits a "
        "conclusion about common alleles.",
        # a unit after the number: things measured, not subjects
        "The antibody reacted with the 80 kDa band protein in control fibroblasts.",
        "Hospital stay was 6 nights in the control group and 4 nights in the docetaxel group.",
        # things of subjects: a population noun between the count and the arm
        "We sequenced 45 exomes from patients in the placebo arm.",
        # a clause, not a noun's words, between the count and the arm
        "Overall, 2 embryos were transferred in the control group.",
        # a summary statistic's value
        "A mean of 2 embryos in the control group survived to the blastocyst stage.",
    ],
)
def test_no_arm_past_a_list_word_or_a_unit(outcomes_nlp: Language, sentence: str) -> None:
    assert rows(outcomes_nlp, sentence) == []


def test_a_demonstrative_names_no_arm(outcomes_nlp: Language) -> None:
    # "this group": no arm's name, for a count past its own words or a figure right before it
    assert rows(outcomes_nlp, "The 15 calls for this group will emphasize the game.") == []
    got = rows(outcomes_nlp, "Response was seen in 40% of patients in this group.")
    assert [(r[1], r[2], r[5]) for r in got] == [("response", 40.0, None)]


def test_a_list_of_counts_shares_its_population(outcomes_nlp: Language) -> None:
    # "207 and 201 patients": both are subject counts, each its arm's (the first was a bare
    # number no cue claimed)
    got = by_value(rows(outcomes_nlp, "In total, 207 and 201 patients were enrolled in the "
                                      "docetaxel and placebo arms, respectively."))  # fmt: skip
    assert [(got[v][1], got[v][5]) for v in (207.0, 201.0)] == [
        ("enrollment", "docetaxel"), ("enrollment", "placebo")]


@pytest.mark.parametrize(
    "text",
    [
        "Deaths occurred in 12, 14, and 9 patients in the three arms, respectively.",
        "Deaths occurred in 12, 14 and 9 patients in the three arms, respectively.",
    ],
)
def test_a_list_with_commas_shares_its_population(outcomes_nlp: Language, text: str) -> None:
    assert [(r[1], r[2]) for r in rows(outcomes_nlp, text)] == [
        ("mortality", 12.0), ("mortality", 14.0), ("mortality", 9.0)]


@pytest.mark.parametrize(
    "text",
    [
        # grades listed: labels, no counts
        "Treatment-related adverse events of grade 3, 4, or 5 occurred in 26.6% of patients.",
        # a thousands group set apart by a space is no second count
        "The frequency of the deficiency did not differ in a group of 16, 219 controls.",
    ],
)
def test_labels_and_split_numbers_are_no_list_of_counts(
    outcomes_nlp: Language, text: str
) -> None:
    assert all(r[2] not in (5.0, 16.0) for r in rows(outcomes_nlp, text))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a list ends at its "and": the count after the next comma starts another
        ("Cisplatin was given on days 1, 8, and 15, and 40 patients completed treatment.", 15.0),
        ("At weeks 4, 8, and 12, 40 patients were assessed.", 12.0),
        # numbers listed after a label word are labels
        ("At weeks 4, 8, and 12 patients were assessed for response.", 8.0),
    ],
)
def test_labels_listed_before_a_count_share_no_population(
    outcomes_nlp: Language, text: str, label: float
) -> None:
    assert all(r[2] != label for r in rows(outcomes_nlp, text))


def test_a_date_before_a_count_is_no_list(outcomes_nlp: Language) -> None:
    got = rows(outcomes_nlp, "Between July 1, 1999, and November 4, 2004, 19,747 participants "
                             "were enrolled.")  # fmt: skip
    assert [(r[1], r[2]) for r in got] == [("enrollment", 19747.0)]


@pytest.mark.parametrize(
    ("sentence", "arms"),
    [
        (
            "Response rates were 22%, 31% and 40% in the low-, mid- and high-dose groups, "
            "respectively.",
            ["low-dose", "mid-dose", "high-dose"],
        ),
        (
            "Response rates were 22% and 40% in the low- and high-dose arms.",
            ["low-dose", "high-dose"],
        ),
        ("Response rates were 22% and 40% in the A and B arms.", ["A", "B"]),
    ],
)
def test_a_suspended_hyphen_is_completed_in_the_arms_name(
    outcomes_nlp: Language, sentence: str, arms: list[str]
) -> None:
    assert [r[5] for r in rows(outcomes_nlp, sentence)] == arms


@pytest.mark.parametrize(
    ("sentence", "arms"),
    [
        # each name with its own arm noun: the list goes on past the first noun
        (
            "Response rates were 45% and 12% in the docetaxel group and placebo group.",
            ["docetaxel", "placebo"],
        ),
        (
            "Response rates were 45%, 30% and 12% in the docetaxel group, the lenalidomide "
            "group and the placebo group, respectively.",
            ["docetaxel", "lenalidomide", "placebo"],
        ),
        # subjects, not arms
        ("Response rates were 12% and 15% in men and women, respectively.", [None, None]),
    ],
)
def test_a_list_of_figures_takes_a_list_of_arms(
    outcomes_nlp: Language, sentence: str, arms: list[str | None]
) -> None:
    assert [r[5] for r in rows(outcomes_nlp, sentence)] == arms


# -- a bare number listed after a decimal is that measurement's value, no count ----------------


@pytest.mark.parametrize(
    "sentence",
    [
        # listed after a decimal of the same measurement
        "The mean number of night sweats was 3.5 in the docetaxel arm and 4 in the placebo arm.",
        "Fatigue scores were 6.5 with docetaxel and 8 with placebo.",
        # a decimal interval in the bracket right after it (a median and its IQR)
        "The median pain score was lower in the docetaxel group (12 [10.5 to 14.5]) than in "
        "the placebo group (18 [16 to 21.5]).",
    ],
)
def test_a_value_listed_with_a_decimal_is_no_count(outcomes_nlp: Language, sentence: str) -> None:
    assert rows(outcomes_nlp, sentence) == []


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        # a ratio after the counts compares them: the counts stay
        (
            "There were 290 events with docetaxel versus 306 events with placebo (HR = 0.95).",
            (290.0, 306.0),
        ),
        (
            "There were 24 relapses on placebo and 19 on docetaxel (RR 0.80; 95% CI 0.44-1.46).",
            (24.0, 19.0),
        ),
        # a decimal of another measurement (a unit after it) before the count
        ("Mean age was 54.5 years, and 12 in the docetaxel arm relapsed.", (12.0,)),
    ],
)
def test_counts_beside_other_decimals_stay(
    outcomes_nlp: Language, sentence: str, kept: tuple[float, ...]
) -> None:
    got = by_value(rows(outcomes_nlp, sentence))
    assert all(v in got for v in kept), got
