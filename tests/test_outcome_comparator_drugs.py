"""A figure no arm names takes the drug its clause attributes it to, not the comparator a
comparison names ("compared with Y", "versus Y", "than Y", "relative to Y", "superior to Y":
`outcome_comparator_drugs`); an event figure takes no event of the clause a semicolon ended
(`SentenceMentions.clause_ended`). Written sentences."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.labels import DISEASE, DRUG

MENTIONS = [
    ("infliximab", DRUG, "MESH:D000069285"),
    ("azathioprine", DRUG, "MESH:D001379"),
    ("apremilast", DRUG, "MESH:C505730"),
    ("diarrhea", DISEASE, "MESH:D003967"),
    ("headache", DISEASE, "MESH:D006261"),
    ("neutropenia", DISEASE, "MESH:D009503"),
]


def rows(nlp: Language, text: str) -> dict[str, dict[str, object]]:
    """Each row by its text."""
    return {r["text"]: r for r in run(nlp, text, MENTIONS)._.outcomes}


def drugs(nlp: Language, text: str) -> dict[str, object]:
    """Each row's drug_text by the row's text."""
    return {t: r["drug_text"] for t, r in rows(nlp, text).items()}


@pytest.mark.parametrize(
    "text",
    [
        "Infliximab reduced the relapse rate by 54% compared with azathioprine.",
        "Infliximab reduced the relapse rate by 54% versus azathioprine.",
        "Infliximab reduced the relapse rate by 54% relative to azathioprine.",
        "Infliximab achieved a response rate of 54% versus azathioprine.",
        "Infliximab gave a response rate of 54%, higher than with azathioprine.",
        "Infliximab was superior to azathioprine, with a response rate of 54%.",
        "Infliximab was not inferior to azathioprine, with a response rate of 54%.",
        # (the comparator first: right before the fix too)
        "Compared with azathioprine, infliximab reduced the relapse rate by 54%.",
    ],
)
def test_a_figure_of_no_arm_is_the_subjects_not_the_comparators(
    outcomes_nlp: Language, text: str
) -> None:
    got = drugs(outcomes_nlp, text)
    assert str(got["54%"]).lower() == "infliximab"


def test_the_ratio_after_the_comparator_compares_the_subject(outcomes_nlp: Language) -> None:
    got = drugs(
        outcomes_nlp,
        "Infliximab reduced the relapse rate by 54% compared with azathioprine (hazard ratio "
        "0.46, 95% CI 0.30-0.71).",
    )
    assert got == {"54%": "Infliximab", "0.46": "Infliximab"}


def test_the_figure_inside_the_comparison_phrase_is_the_comparators(
    outcomes_nlp: Language,
) -> None:
    got = drugs(
        outcomes_nlp,
        "Infliximab achieved a response rate of 60% compared with 40% for azathioprine.",
    )
    assert got == {"60%": "Infliximab", "40%": "azathioprine"}


def test_a_share_in_the_bracket_after_the_comparators_group_is_its(
    outcomes_nlp: Language,
) -> None:
    got = drugs(
        outcomes_nlp,
        "Infliximab was given for a year. Relapse rates were higher than those of the "
        "azathioprine group (30% and 25%).",
    )
    assert got == {"30%": "azathioprine", "25%": "azathioprine"}


def test_another_clauses_comparator_is_no_drug_of_the_figure(outcomes_nlp: Language) -> None:
    # (the ratio's clause, after the bracket's semicolon, names no drug: the sentence's nearest
    # drug that is not named as the comparator of the statement)
    got = drugs(
        outcomes_nlp,
        "Time to relapse was longer with infliximab versus azathioprine (log-rank P = .01; "
        "hazard ratio, 0.63).",
    )
    assert got["0.63"] == "infliximab"


def test_an_intravenous_abbreviation_compares_nothing(outcomes_nlp: Language) -> None:
    # ("i.v." holds no "v." of a comparison: azathioprine is no comparator)
    got = drugs(
        outcomes_nlp,
        "Treatment with infliximab was followed by an i.v. infusion of azathioprine in 12 "
        "patients who relapsed.",
    )
    assert got["12 patients"] == "azathioprine"


def test_a_semicolon_ends_the_events_of_the_clause_before(outcomes_nlp: Language) -> None:
    got = rows(
        outcomes_nlp,
        "Diarrhea (25%) and headache (14%) were common; 6 patients (9%) stopped apremilast "
        "because of gastrointestinal intolerance.",
    )
    assert got["25%"]["event_text"] == "Diarrhea"
    assert got["14%"]["event_text"] == "headache"
    stop = got["6 patients (9%)"]
    assert stop["measure"] == "discontinuation"
    assert stop["event_text"] is None  # (it took headache, the clause before's)
    assert stop["drug_text"] == "apremilast"


def test_a_semicolon_in_the_figures_bracket_ends_no_clause(outcomes_nlp: Language) -> None:
    got = rows(outcomes_nlp, "Neutropenia (grade 3; 12%) was the most common adverse event.")
    assert got["12%"]["event_text"] == "Neutropenia"


def test_the_full_pipeline_ties_the_reduction_to_the_subject(full_nlp: Language) -> None:
    doc = full_nlp("Docetaxel reduced the relapse rate by 54% compared with doxorubicin.")
    assert [(r["text"], r["drug_text"]) for r in doc._.outcomes] == [("54%", "Docetaxel")]


def test_a_comparison_of_two_arms_figures_names_no_comparator_for_the_next_clause(
    outcomes_nlp: Language,
) -> None:
    # ("vs 20 women in the infliximab group" names the arm of its figure, not the comparator of
    # the statement: the ratio of the next clause takes the sentence's nearest drug)
    got = drugs(
        outcomes_nlp,
        "Relapse occurred in 30 women in the azathioprine group vs 20 women in the infliximab "
        "group; hazard ratio 0.64.",
    )
    assert got["0.64"] == "infliximab"


def test_a_sentences_comparison_phrases_are_read_once(
    outcomes_nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison phrases of a sentence's drugs are read once for all its figures (one
    `ComparatorDrugs` a sentence), not once a figure; each figure still takes its drug."""
    from pipeline.components import outcome_resolve
    from pipeline.components.outcome_comparator_drugs import ComparatorDrugs

    made: list[object] = []

    class Counted(ComparatorDrugs):
        def __init__(self, *args: object) -> None:
            made.append(self)
            super().__init__(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(outcome_resolve, "ComparatorDrugs", Counted)
    text = (
        "Infliximab reduced the relapse rate by 54%, the flare rate by 31% and the "
        "hospitalization rate by 22% compared with azathioprine. "
        "Infliximab reduced the relapse rate by 44% compared with azathioprine."
    )
    got = drugs(outcomes_nlp, text)
    assert {t: str(d).lower() for t, d in got.items()} == {
        "54%": "infliximab", "31%": "infliximab", "22%": "infliximab", "44%": "infliximab"
    }
    assert len(made) == 2  # (one a sentence)
