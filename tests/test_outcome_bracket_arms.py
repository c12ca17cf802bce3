"""A figure that opens a bracket right after an arm's name is that arm's ("letrozole [228 of
2448 women (9.3%)]", "placebo (6.1%)"); not one side of a comparison in the bracket, a subject
count, a difference or a ratio."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

DRUGS = [
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("quetiapine", "DRUG", "MESH:D000069348"),
    ("desipramine", "DRUG", "MESH:D003891"),
    ("cinacalcet", "DRUG", "MESH:D000069449"),
    ("gefitinib", "DRUG", "MESH:D000077156"),
    ("creatinine", "DRUG", "MESH:D003404"),
]


TRIAL = "Patients were randomized to the arms. "


def arms(nlp: Language, text: str, trial: str = TRIAL) -> list[tuple[float, str | None]]:
    return [(r["value"], r["arm"]) for r in run(nlp, trial + text, DRUGS)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The incidence of bone fractures was higher among patients treated with letrozole "
         "[228 of 2448 women (9.3%)] versus tamoxifen [160 of 2447 women (6.5%)].",
         [(9.3, "letrozole"), (6.5, "tamoxifen")]),
        ("The incidence of akathisia was low and similar with quetiapine monotherapy (3.3%) and "
         "placebo (6.1%).", [(3.3, "quetiapine monotherapy"), (6.1, "placebo")]),
    ],
)
def test_a_figure_opening_a_bracket_after_an_arm_is_its(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # one side of a comparison in the bracket
        ("Adverse events were reported by more subjects given desipramine with cinacalcet (33 "
         "versus 86%).", 33.0),
        # a difference between the arms
        ("A pCR was observed in 12% of patients treated with placebo (4.57% difference, 95% CI "
         "-7.19 to 6.33; P = 0.44).", 4.57),
        # what was measured, not what was given
        ("Serum creatinine (45%) rose after surgery.", 45.0),
        # an outcome's name, not a control arm
        ("Disease control (12%) was rare, and pain control (30%) was good.", 12.0),
        ("Disease control (12%) was rare, and pain control (30%) was good.", 30.0),
        # whose figure it is is not said
        ("Bleeding was lower with letrozole than with placebo (12%; P = 0.03).", 12.0),
    ],
)
def test_no_arm_from_the_name_before_such_a_bracket(
    outcomes_nlp: Language, text: str, value: float
) -> None:
    got = dict(arms(outcomes_nlp, text))
    assert got.get(value) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (pico-dev's "in 12% (9/73) of patients treated with placebo", "37% (2135/5694) of
        # those in the control group")
        ("A pCR was observed in 17% (12/71) of patients treated with gefitinib and in 12% "
         "(9/73) of patients treated with placebo.", [(17.0, "gefitinib"), (12.0, "placebo")]),
        ("Grade 3 neutropenia occurred in 28% of patients receiving letrozole and 15% of those "
         "receiving placebo.", [(28.0, "letrozole"), (15.0, "placebo")]),
        ("Hot flushes were reported in 40% on tamoxifen and 49.6% for usual care.",
         [(40.0, "tamoxifen"), (49.6, "usual care")]),
    ],
)
def test_a_control_arm_named_right_after_a_figure_is_its(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


def test_control_of_something_after_a_figure_is_no_arm(outcomes_nlp: Language) -> None:
    got = dict(arms(outcomes_nlp, "Response was seen in 45% with control of pain."))
    assert got.get(45.0) is None
