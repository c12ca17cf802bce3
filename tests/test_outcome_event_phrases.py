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
