"""Response categories written as abbreviations in a list of CR and PR: "SD" is stable disease
and "PD" progressive disease there (cues with `with_measures` in rules/outcome_cues.jsonl), a
standard deviation and Parkinson's disease elsewhere. Sentences written for the tests, in the
shapes of RECIST results in trial abstracts; the outcomes component runs alone (conftest's
`outcomes_nlp`) or in a blank pipeline round-tripped to disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language


def measures(nlp: Language, text: str) -> list[tuple[str, float]]:
    return [(r["measure"], r["value"]) for r in nlp(text)._.outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tumor responses were 2 CR, 8 PR, 12 SD and 6 PD.",
            [("complete_response", 2.0), ("partial_response", 8.0), ("other", 12.0),
             ("progression", 6.0)],
        ),
        (
            "Best responses were CR in 4 (10%), PR in 12 (30%), SD in 15 (38%) and PD in 9 (22%).",
            [("complete_response", 10.0), ("partial_response", 30.0), ("other", 38.0),
             ("progression", 22.0)],
        ),
        (
            "There were 1 CR, 5 PR, 19 SD, and 9 PD in control group.",
            [("complete_response", 1.0), ("partial_response", 5.0), ("other", 19.0),
             ("progression", 9.0)],
        ),
    ],
)  # fmt: skip
def test_sd_and_pd_in_a_list_of_response_categories(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert measures(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mean age was 54 years (SD 10) and 30% of patients responded.",
        "Of the 40 PD patients, 12 (30%) responded to levodopa.",
    ],
)
def test_sd_and_pd_without_a_response_category_beside_them_are_no_cue(
    outcomes_nlp: Language, text: str
) -> None:
    # no CR or PR in the sentence: a standard deviation, Parkinson's disease
    got = measures(outcomes_nlp, text)
    assert "other" not in {m for m, _ in got}
    assert "progression" not in {m for m, _ in got}
    assert ("response", 30.0) in got  # the sentence's own result is read


def test_with_measures_survives_a_round_trip_to_disk(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("biotab_outcomes", config={"languages": ["en"]})
    text = "Tumor responses were 2 CR, 8 PR, 12 SD and 6 PD."
    rules = nlp.get_pipe("biotab_outcomes").cues
    assert any(r.with_measures for r in rules)
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.get_pipe("biotab_outcomes").cues == rules
    assert measures(loaded, text) == measures(nlp, text)
    assert ("progression", 6.0) in measures(loaded, text)
