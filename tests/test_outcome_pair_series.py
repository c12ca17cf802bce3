"""Pairs of figures listed after a pair whose arms are known take its arms in the same order
(`pipeline.components.outcome_pair_series`)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcome_respectively import arms


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the arms of a series compared before the first pair
        ("Alopecia was less frequent in the docetaxel arm compared to placebo at 6 weeks (40% vs "
         "12%; P < 0.001) and 12 weeks (35% vs 10%, P = 0.003).",
         [(40.0, "docetaxel"), (12.0, "placebo"), (35.0, "docetaxel"), (10.0, "placebo")]),
        ("Response was higher in the letrozole arm than in the tamoxifen arm among younger women "
         "(39.1% v 20.0%) and older women (13.8% v 10.3%).",
         [(39.1, "letrozole"), (20.0, "tamoxifen"), (13.8, "letrozole"), (10.3, "tamoxifen")]),
        # ... past a ratio in the first pair's bracket, to a third pair
        ("In the docetaxel group there were fewer deaths from breast cancer (68 vs 120; HR, "
         "0.86), other cancers (36 vs 65; HR, 0.76) and cardiovascular disease (27 vs 64).",
         [(68.0, "docetaxel"), (120.0, None), (0.86, None), (36.0, "docetaxel"), (65.0, None),
          (0.76, None), (27.0, "docetaxel"), (64.0, None)]),
    ],
)
def test_a_later_pair_takes_the_arms_of_the_pair_before_it(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, sentence)
    assert [g for g in got if g[0] != 1.0] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # another arm named between the pairs
        "Alopecia was less frequent in the docetaxel arm compared to placebo (40% vs 12%), and "
        "in the letrozole arm nausea was 35% vs 10%.",
        # a strong boundary outside the brackets: a new clause
        "Alopecia was less frequent in the docetaxel arm compared to placebo (40% vs 12%); "
        "however, nausea was 35% vs 10% at 12 weeks.",
        # another figure between the pairs
        "Alopecia was less frequent in the docetaxel arm compared to placebo (40% vs 12%), 25% "
        "of patients had nausea, and fatigue was 35% vs 10%.",
    ],
)
def test_a_later_pair_after_a_break_takes_no_arms(outcomes_nlp: Language, sentence: str) -> None:
    got = [g for g in arms(outcomes_nlp, sentence) if g[0] != 1.0]
    assert got[:2] == [(40.0, "docetaxel"), (12.0, "placebo")]
    assert [a for v, a in got[2:] if v in (35.0, 10.0)] == [None, None], got


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the comparison after the pairs: a respectively word after the series
        ("Rates of pathological complete response (3% vs 6%) and disease progression (9% vs 8%) "
         "did not differ in the letrozole or tamoxifen group, respectively (P > .05).",
         [(3.0, "letrozole"), (6.0, "tamoxifen"), (9.0, "letrozole"), (8.0, "tamoxifen")]),
        # ... or "between"
        ("The overall response rate (7.4% v 6.7%; P = .736) and clinical benefit rate (32.2% v "
         "31.5%; P = .853) were similar between letrozole and tamoxifen.",
         [(7.4, "letrozole"), (6.7, "tamoxifen"), (32.2, "letrozole"), (31.5, "tamoxifen")]),
    ],
)
def test_pairs_take_the_sentences_one_comparison_of_two_arms(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, sentence)
    assert [g for g in got if g[0] != 1.0] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # the comparison in another clause
        "Response was 40% vs 30% at 6 and 12 weeks; the trial compared letrozole versus "
        "tamoxifen.",
        # a third arm named
        "Response (40% vs 30%) and relapse (9% vs 8%) were similar between letrozole and "
        "tamoxifen, as with docetaxel.",
        # names listed, not compared
        "In patients treated with letrozole and tamoxifen, response (40% vs 30%) and relapse (9% "
        "vs 8%) differed by age.",
    ],
)
def test_pairs_outside_one_comparison_of_two_arms_take_none(
    outcomes_nlp: Language, sentence: str
) -> None:
    got = [g for g in arms(outcomes_nlp, sentence) if g[0] != 1.0]
    listed = [a for v, a in got if v in (40.0, 30.0, 9.0, 8.0)]
    assert listed and listed == [None] * len(listed), got


def test_a_later_pair_takes_the_arms_figures_took_from_their_own_words(
    outcomes_nlp: Language,
) -> None:
    # the first two figures' arms are named after each (no pair a comparison word joins right
    # beside them), the later pair's are theirs
    got = arms(outcomes_nlp, "Complete response was achieved in 14.2% of patients in the DEE "
                             "group versus 6.7% in the DE group, and partial response in 76.8% "
                             "versus 71.1%.")  # fmt: skip
    assert [g for g in got if g[0] != 1.0] == [
        (14.2, "DEE"), (6.7, "DE"), (76.8, "DEE"), (71.1, "DE")
    ]


def test_a_respectively_list_takes_the_arms_of_the_figures_before_it(
    outcomes_nlp: Language,
) -> None:
    got = arms(outcomes_nlp, "The objective response rate was 31.6% with letrozole and 33.9% "
                             "with tamoxifen, and 33.2% and 31.1%, respectively, in the "
                             "receptor-positive subgroup.")  # fmt: skip
    assert [g for g in got if g[0] != 1.0] == [
        (31.6, "letrozole"), (33.9, "tamoxifen"), (33.2, "letrozole"), (31.1, "tamoxifen")
    ]


def test_a_respectively_list_in_a_new_clause_takes_no_earlier_arms(
    outcomes_nlp: Language,
) -> None:
    got = arms(outcomes_nlp, "Response was 40% with letrozole and 30% with tamoxifen; in the "
                             "older patients, rates were 12% and 15%, respectively.")  # fmt: skip
    assert [a for v, a in got if v in (12.0, 15.0)] == [None, None]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a list of timepoints' figures, one arm after it: every member's
        ("The decreases at weeks 4 and 8 were 21% (95% CI 12 to 30) and 15% (1 to 29) in the "
         "placebo group.", [(21.0, "placebo"), (15.0, "placebo")]),
        # a comparison word between the figures: maybe two arms', only the last one's
        ("Response rates were 45% vs 12% in the docetaxel group.",
         [(45.0, None), (12.0, "docetaxel")]),
    ],
)
def test_one_arm_after_a_list_is_every_members(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, sentence)
    assert [g for g in got if g[0] != 1.0] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a colon opens a list whose items semicolons part: the header's arms hold throughout
        ("Grade 3-4 toxicities (docetaxel vs placebo): neutropenia, 45% vs 3%; anemia, 12% vs "
         "4%.", [(45.0, "docetaxel"), (3.0, "placebo"), (12.0, "docetaxel"), (4.0, "placebo")]),
        # a comparator arm that is no drug ("chemotherapy", "vehicle": `control_arms`)
        ("Grade 3 events (docetaxel vs chemotherapy): anemia, 5% vs 20%; neutropenia, 1% vs 15%.",
         [(5.0, "docetaxel"), (20.0, "chemotherapy"), (1.0, "docetaxel"), (15.0, "chemotherapy")]),
    ],
)  # fmt: skip
def test_pairs_of_a_list_a_colon_opens_keep_the_headers_arms(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, sentence) == expected


def test_a_semicolon_without_a_colon_before_it_still_ends_the_pairs_arms(
    outcomes_nlp: Language,
) -> None:
    got = arms(
        outcomes_nlp,
        "Neutropenia was 45% vs 3% (docetaxel vs placebo); in a later analysis anemia was 12% "
        "vs 4%.",
    )
    assert got[:2] == [(45.0, "docetaxel"), (3.0, "placebo")]
    assert [a for _, a in got[2:]] == [None, None], got
