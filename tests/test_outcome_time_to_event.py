"""Medians and times to an event in trial abstracts: a second arm's median after "and" ("24.8
months in the palbociclib group and 14.5 months in the placebo group"), a ratio that compares
them takes the measure named before them ("Median PFS was 10.2 months ... and 20.2 months ...
(HR 0.488)"), "TTP" is a time to progression, and a time to an event names no rate. Also a trait
word compared between arms ("The prevalence of delirium was lower in the light sedation group
(19% vs 40%)"). Sentences of the kinds found in pico-dev's tuned abstracts and BC5CDR,
rewritten for the tests; hand-made mentions, the outcomes component alone (conftest's
`outcomes_nlp`). A median duration takes a survival, progression or relapse cue of its reach
over a weak event cue nearer it ("Patients with grade 2 or 3 MST had inferior survival ...
(median, 22.5 months v 28.2 months)")."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

MENTIONS = [
    ("palbociclib", "DRUG", "MESH:C500026"),
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("fulvestrant", "DRUG", "MESH:D000077267"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("delirium", "DISEASE", "MESH:D003693"),
    ("diabetes", "DISEASE", "MESH:D003920"),
]


def rows(nlp: Language, text: str) -> list[tuple[str, str, float]]:
    doc = run(nlp, text, MENTIONS)
    return [(r["measure"], r["unit"], r["value"]) for r in doc._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Median progression-free survival was 24.8 months in the palbociclib group and 14.5 "
         "months in the placebo group.",
         [("survival", "months", 24.8), ("survival", "months", 14.5)]),
        # the ratio after them is of the measure named before them
        ("Median progression-free survival was 10.2 months (95% CI 5.7-12.6) for the letrozole "
         "group and 20.2 months (13.8-27.5) for the palbociclib plus letrozole group (HR 0.488, "
         "95% CI 0.319-0.748).",
         [("survival", "months", 10.2), ("survival", "months", 20.2),
          ("survival", "hazard_ratio", 0.488)]),
        ("Median TTP was 8.2 months for fulvestrant and 8.3 months for tamoxifen (hazard ratio, "
         "1.10; 95% CI, 0.89 to 1.36).",
         [("progression", "months", 8.2), ("progression", "months", 8.3),
          ("progression", "hazard_ratio", 1.1)]),
        # "and" joins no median to a number of another unit
        ("The median follow-up was 36 months and 12 patients had died.",
         [("mortality", "count", 12.0)]),
    ],
)  # fmt: skip
def test_medians_of_two_arms_and_their_ratio(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


def test_a_time_to_an_event_names_no_rate(outcomes_nlp: Language) -> None:
    text = (
        "Among TR patients, the response rate was the same in the 20-mg and 50-mg arms (10.3%) "
        "with similar TTP (2.7 and 2.8 months)."
    )
    assert rows(outcomes_nlp, text)[0] == ("response", "percent", 10.3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (what the change word says moved: `other`, as for a DISEASE mention alone)
        ("The prevalence of delirium was significantly lower in the light sedation group "
         "(11/57 [19%] vs 23/57 [40%] in the deep sedation group).",
         [("other", "percent", 19.0), ("other", "percent", 40.0)]),
        # a trait of who was studied, compared with nothing: no result
        ("The prevalence of diabetes was 12%.", []),
    ],
)  # fmt: skip
def test_a_trait_compared_between_arms_is_an_outcome(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The median overall survival was 24.8 months (95% CI, 22.1 to 30.2) in the letrozole "
        "group, while 6 months after randomization 20% of patients had died.",
        "The median duration of response was 9 months (range 3-20) whereas 12 months of "
        "follow-up were required.",
    ],
)
def test_a_duration_after_a_joiner_with_no_arm_is_no_median(
    outcomes_nlp: Language, text: str
) -> None:
    assert [v for _, u, v in rows(outcomes_nlp, text) if u == "months"][1:] == []


def test_a_time_to_an_event_with_a_word_between(outcomes_nlp: Language) -> None:
    # "time to first relapse", "time to disease progression": a word between "to" and the cue
    text = (
        "Clinical benefit was achieved in 83% and 56% of letrozole and tamoxifen patients, "
        "respectively; median time to disease progression was 18.0 months."
    )
    got = rows(outcomes_nlp, text)
    assert [m for m, u, _ in got if u == "percent"] == ["other", "other"]
    assert [m for m, u, _ in got if u == "months"] == ["progression"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the event names the subgroups, the medians are their survival
        ("Patients with grade 2 or 3 arthralgia had shorter survival than patients who had "
         "grade 0 or 1 arthralgia (median, 21.4 months v 27.9 months; P = .03).",
         [("survival", "months", 21.4), ("survival", "months", 27.9)]),
    ],
)  # fmt: skip
def test_a_median_duration_is_a_time_to_an_event(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, str, float]]
) -> None:
    doc = run(outcomes_nlp, text, [*MENTIONS, ("arthralgia", "DISEASE", "MESH:D018771")])
    assert [(r["measure"], r["unit"], r["value"]) for r in doc._.outcomes] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a range's upper bound after a median is no median of its own
        ("Median duration of response was 7.2 months (range, 2.1 to 19.4 months).",
         [("response", "months", 7.2)]),
        ("Median overall survival was 14.3 months (5-31 months) with letrozole.",
         [("survival", "months", 14.3)]),
        # ... but the value a median changed to is one
        ("Letrozole prolonged median time to progression from 5.8 to 9.4 months.",
         [("progression", "months", 9.4)]),
    ],
)  # fmt: skip
def test_a_ranges_upper_bound_is_no_median(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected
