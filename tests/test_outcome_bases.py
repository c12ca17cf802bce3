"""Numbers that count no outcome give no row of their own: a total split by arms labelled
"group A = ...", the subjects named after a clause's rates (their base), an "(n = N)" of
samples, the length of follow-up, a label's number, an effect size, one event an action would
prevent. Sentences written for the tests; the outcomes component
runs alone (conftest's `outcomes_nlp`). Each sentence gives the extra row without the rule it
tests."""

from __future__ import annotations

import pytest
from spacy.language import Language


def rows(nlp: Language, text: str) -> list[tuple[str, float, int | None]]:
    return [(r["measure"], r["value"], r["numerator"]) for r in nlp(text)._.outcomes]


def test_a_total_split_by_labelled_arms_is_no_row(outcomes_nlp: Language) -> None:
    text = (
        "Nodal involvement was found in 32 (28.6%) patients: group A = 14 (25.5%), "
        "group B = 18 (31.6%)."
    )
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [25.5, 31.6]


def test_a_comma_list_after_a_part_is_no_split(outcomes_nlp: Language) -> None:
    # "14 (25.5%), group B = 18": a part of the list, not a total that later counts add up to
    text = (
        "Nodal involvement was found in 32 (28.6%) patients: group A = 14 (25.5%), "
        "group B = 18 (31.6%), and further involvement in 7 cases (group A = 5, group B = 2)."
    )
    assert [v for _, v, _ in rows(outcomes_nlp, text)][:2] == [25.5, 31.6]


def test_the_subjects_after_a_clauses_rates_are_their_base(outcomes_nlp: Language) -> None:
    text = (
        "Response rates were 45% in arm A and 38% in arm B among the 120 patients with "
        "measurable disease."
    )
    assert rows(outcomes_nlp, text) == [
        ("response", 45.0, None),
        ("response", 38.0, None),
        ("enrollment", 120.0, None),
    ]


def test_a_count_after_rates_without_a_determiner_stays_a_count(outcomes_nlp: Language) -> None:
    text = "Neutropenia occurred in 12% of patients in arm A and in 20 patients in arm B."
    got = rows(outcomes_nlp, text)
    assert ("adverse_event", 20.0, 20) in got


def test_an_n_after_samples_counts_samples(outcomes_nlp: Language) -> None:
    text = (
        "Tumour samples were collected before treatment (n = 110), after one cycle (n = 89) and "
        "at surgery (n = 59)."
    )
    assert rows(outcomes_nlp, text) == []


def test_an_n_after_the_subjects_of_a_sample_stays(outcomes_nlp: Language) -> None:
    # the subjects named after the samples are what the "(n = N)" counts
    text = "Biopsies were taken at surgery from women with residual disease (n = 48)."
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [48.0]
    text = "Specimens from patients in the letrozole arm (n = 52) were analysed."
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [52.0]
    text = "A sample of smokers attending the clinic (n = 60) was enrolled."
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [60.0]


def test_a_follow_up_median_is_no_outcome(outcomes_nlp: Language) -> None:
    text = "Women were followed for a median of 8 years, and 40 women died."
    assert [(m, v) for m, v, _ in rows(outcomes_nlp, text)] == [("mortality", 40.0)]


def test_a_number_after_a_label_word_shares_no_percent_sign(outcomes_nlp: Language) -> None:
    # "cycle 1, and 12%": the cycle's number, not a rate listed before "12%"
    text = "Patients received 80% of the standard dose in cycle 1, and 12% had febrile neutropenia."
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [12.0]



def test_an_effect_size_is_no_proportion(outcomes_nlp: Language) -> None:
    assert rows(outcomes_nlp, "The effect on fatigue was large (Cohen's d = 0.65).") == []
    text = "Fatigue improved in 40% of women (ES = 0.35)."
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [40.0]


def test_one_event_an_action_would_prevent_is_no_count(outcomes_nlp: Language) -> None:
    assert rows(outcomes_nlp, "The number needed to treat to prevent one relapse was 12.") == []
    # events that happened stay
    assert rows(outcomes_nlp, "One relapse occurred in arm A.") == [("relapse", 1.0, 1)]
    text = "Treatment failed to prevent 12 relapses in arm A."
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [12.0]


def test_a_year_before_a_rate_is_no_listed_rate(outcomes_nlp: Language) -> None:
    # "2015, 25%": no share is above 100%, so the year shares no percent sign
    text = "In 2015, 25% of women in the trial had received neoadjuvant therapy."
    assert 2015.0 not in [v for _, v, _ in rows(outcomes_nlp, text)]


@pytest.mark.parametrize(
    "text",
    [
        "A 25% dose reduction was required, and grade 3 neutropenia occurred in 12% of patients.",
        "At the 1.0% dosage level, grade 3 neutropenia occurred in 12% of patients.",
    ],
)
def test_a_percentage_of_dose_is_an_amount(outcomes_nlp: Language, text: str) -> None:
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [12.0]


def test_an_n_repeating_a_shares_count_is_no_row(outcomes_nlp: Language) -> None:
    text = (
        "Grade 3 neutropenia occurred in 25% of the 120 women in arm A (n = 30) and in 10% of "
        "the 118 women in arm B (n = 12)."
    )
    assert rows(outcomes_nlp, text) == [("adverse_event", 25.0, 30), ("adverse_event", 10.0, 12)]


def test_an_arms_size_after_a_share_stays(outcomes_nlp: Language) -> None:
    # 40% of 48 is no whole count: the 48 is the arm's size
    text = "Grade 2 nausea was reported by 40% of women (n = 48) in the placebo arm."
    assert [v for _, v, _ in rows(outcomes_nlp, text)] == [40.0, 48.0]
