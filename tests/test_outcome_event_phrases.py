"""Adverse events named after "with" or "in" inside a result are still adverse events.

A rule that read a disease after "with/for/of/in" as part of who was studied (tried and
reverted on 2026-12-04) dropped the rows of sentences like these; the whole pipeline runs, as
the disease mentions are the cues.
"""

from __future__ import annotations

import pytest
from spacy.language import Language


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Capecitabine was associated with grade 3/4 hand-foot syndrome in 17% of patients.", 17.0),
        ("Letrozole was associated with moderate or severe hot flashes in 45% of women.", 45.0),
        ("Radiotherapy resulted in grade 2 or worse acute radiation dermatitis in 41% of "
         "patients.", 41.0),
        ("Patients with lung cancer reported fatigue in 40% of cases.", 40.0),
        ("At 5 years, 12% of survivors have persistent lymphedema.", 12.0),
    ],
)  # fmt: skip
def test_event_after_a_preposition_stays_an_adverse_event(
    full_nlp: Language, text: str, value: float
) -> None:
    rows = [(r["measure"], r["value"]) for r in full_nlp(text)._.outcomes]
    assert ("adverse_event", value) in rows


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a change the counted subjects had is their outcome, also before a not_outcome cue
        # of what changed ("concentration": a measured value's word)
        ("Two of the 64 patients had an increase in serum creatinine.", [(2.0, 2, 64)]),
        ("Two of the 64 patients (3 percent) had an increase in the creatinine concentration.",
         [(3.0, 2, 64)]),
        ("Nine patients showed a decrease in tumor size.", [(9.0, 9, None)]),
        ("Two of the 64 patients in the iodixanol group had an increase in creatinine, as "
         "compared with 17 of the 65 patients in the iohexol group.",
         [(2.0, 2, 64), (17.0, 17, 65)]),
        # the comparator's figure too, past the not_outcome cue of what changed
        ("Two of the 64 patients (3 percent) had an increase in the creatinine concentration "
         "of 0.5 mg per deciliter or more, as compared with 17 of the 65 patients (26 percent).",
         [(3.0, 2, 64), (26.0, 17, 65)]),
    ],
)  # fmt: skip
def test_a_change_the_subjects_had_is_their_outcome(
    full_nlp: Language, text: str, expected: list[tuple[float, int, int | None]]
) -> None:
    rows = full_nlp(text)._.outcomes
    assert [(r["value"], r["numerator"], r["denominator"]) for r in rows] == expected
    assert {r["measure"] for r in rows} == {"other"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no change noun the subjects had: a finding, a mean amount
        ("Thirty-one patients had a positive SN.", [("enrollment", 31.0)]),
        ("Twelve patients had a mean increase in weight of 2 kg.", [("enrollment", 12.0)]),
    ],
)
def test_no_change_noun_after_the_count_keeps_its_rows(
    full_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert [(r["measure"], r["value"]) for r in full_nlp(text)._.outcomes] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each member of a list of outcomes has its row: those who stayed as they were too
        ("Seven out of 21 affected patients recovered, 10 remained stable and 4 died.",
         [("improvement", 7.0), ("other", 10.0), ("mortality", 4.0)]),
        ("This drug was judged to have a favorable effect on the disease course in 7 (64%) of "
         "11 patients.", [("improvement", 64.0)]),
    ],
)  # fmt: skip
def test_stable_and_favorable_effects_are_outcomes(
    full_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert [(r["measure"], r["value"]) for r in full_nlp(text)._.outcomes] == expected
