"""What a prevention trial prevents is its efficacy end point, not an adverse event
(`outcome_prevention`): the disease a title or a stated aim prevents ("prevention of X", "to
prevent X", "X prophylaxis") and the weak event cues beside it give `other` rows, both arms of a
comparison alike; a harm of the same trial stays an adverse event, and so does the disease where
only background prevents it. Sentences written for the tests (the kinds helper F found on
BC5CDR's trial abstracts, session 33); hand-made mentions, the outcomes component alone
(conftest's `outcomes_nlp`). Each case fails without the rule, but those named as staying."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_prevention import PREVENTION_LISTS
from pipeline.components.outcome_rules import (
    LEXICON_FILE,
    RuleFileError,
    load_lexicon,
    resolve,
    validate_lexicon,
)
from pipeline.components.outcome_tokens import Mention
from pipeline.paths import rule_file

Row = tuple[str, str, float]

MENTIONS = [
    ("type B hepatitis", "DISEASE", ""),
    ("hepatitis", "DISEASE", "MESH:D056486"),
    ("breast-cancer", "DISEASE", "MESH:D001943"),
    ("breast cancer", "DISEASE", "MESH:D001943"),
    ("endometrial cancer", "DISEASE", "MESH:D016889"),
    ("oral mucositis", "DISEASE", "MESH:D052016"),
    ("OM", "DISEASE", ""),
    ("cardiotoxicity", "DISEASE", "MESH:D066126"),
    ("bradycardia", "DISEASE", "MESH:D001919"),
    ("arrhythmias", "DISEASE", "MESH:D001145"),
    ("graft-versus-host disease", "DISEASE", "MESH:D006086"),
    ("GVHD", "DISEASE", "MESH:D006086"),
    ("mucositis", "DISEASE", "MESH:D052016"),
    ("lymphedema", "DISEASE", "MESH:D008209"),
    ("neutropenia", "DISEASE", "MESH:D009503"),
    ("thrombosis", "DISEASE", "MESH:D013927"),
    ("hot flashes", "DISEASE", "MESH:D019584"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("placebo", "DRUG", ""),
    ("heparin", "DRUG", "MESH:D006493"),
    ("carvedilol", "DRUG", "MESH:D000077261"),
]


def rows(nlp: Language, text: str) -> list[Row]:
    """(measure, text, value) of each row."""
    mentions = [(s, label, cid or None) for s, label, cid in MENTIONS]
    return [(r["measure"], r["text"], r["value"]) for r in run(nlp, text, mentions)._.outcomes]  # type: ignore[arg-type]


HBIG_AIM = (
    "Hepatitis B immune globulin (HBIG) and standard immune globulin (ISG) were compared in a "
    "randomized, double-blind trial to assess how well each prevents type B hepatitis after "
    "needle-stick exposure. "
)
TAMOXIFEN_TITLE = "Tamoxifen for the prevention of breast cancer: results of a randomised trial. "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the disease the aim prevents, a weak event verb after it: both arms' rates
        (HBIG_AIM + "Clinical hepatitis developed in 1.6% of HBIG and in 6.2% of ISG "
         "recipients (P = 0.02).",
         [("other", "1.6%", 1.6), ("other", "6.2% of ISG recipients", 6.2)]),
        # the title's disease, a frequency word right after it: a count of cases too
        (TAMOXIFEN_TITLE + "Breast-cancer frequency did not differ between the placebo (24 "
         "cases) and tamoxifen (21) arms.",
         [("other", "24 cases", 24.0)]),
        # "developed breast cancer": the total's parts by arm and the ratio, all the end point's
        (TAMOXIFEN_TITLE + "After 10 years, 140 women (76 placebo, 64 tamoxifen) developed "
         "breast cancer (RR = 0.85).",
         [("other", "76", 76.0), ("other", "64", 64.0), ("other", "0.85", 0.85)]),
    ],
)  # fmt: skip
def test_what_a_trial_prevents_is_no_adverse_event(outcomes_nlp: Language, text: str,
                                                   expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == expected


def test_a_harm_of_a_prevention_trial_stays_an_adverse_event(outcomes_nlp: Language) -> None:
    text = TAMOXIFEN_TITLE + "Endometrial cancer developed in 5 women given tamoxifen."
    assert rows(outcomes_nlp, text) == [("adverse_event", "5 women", 5.0)]


def test_a_list_of_arms_after_the_end_point_shares_its_measure(outcomes_nlp: Language) -> None:
    # "occurred" has the end point for its subject, however far the arms' rates follow it
    text = (
        "Carvedilol to prevent cardiotoxicity in women with breast cancer: a randomized trial. "
        "Overall, cardiotoxicity was similar in the 2 arms and occurred in 31% of patients on "
        "placebo and 28% on carvedilol."
    )
    assert rows(outcomes_nlp, text) == [("other", "31% of patients", 31.0), ("other", "28%", 28.0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the short form the document gives the prevented disease
        ("A randomized trial of glutamine for the prevention of oral mucositis (OM) in breast "
         "cancer. Glutamine lowered the incidence of grade 2 or worse OM (36.5% vs. 47.9%; "
         "P = .03).",
         [("other", "36.5%", 36.5), ("other", "47.9%", 47.9)]),
        # a list after the opener: both diseases prevented
        ("Glycopyrrolate and atropine in the prevention of bradycardia and arrhythmias in "
         "children. Arrhythmias were recorded in 45% of the control group.",
         [("other", "45%", 45.0)]),
        # a closer after the disease ("GVHD prophylaxis")
        ("Graft-versus-host disease prophylaxis with two drugs: results of a phase II trial. "
         "Eight patients (33%) developed acute GVHD and only 1 patient had grade 4 mucositis.",
         [("other", "Eight patients (33%)", 33.0), ("adverse_event", "1 patient", 1.0)]),
    ],
)  # fmt: skip
def test_how_a_document_names_what_it_prevents(outcomes_nlp: Language, text: str,
                                               expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the end point's word said again for the other arm, without the disease
        ("Axillary reverse mapping for the prevention of lymphedema: a randomized trial. The "
         "incidence of lymphedema was 15.2% in the control group, and the incidence in the "
         "mapping group was 3.9%.",
         [("other", "15.2%", 15.2), ("other", "3.9%", 3.9)]),
        # ... but not when it names another disease
        ("Axillary reverse mapping for the prevention of lymphedema: a randomized trial. The "
         "incidence of lymphedema was 15.2% in the control group, and the incidence of "
         "mucositis in the mapping group was 3.9%.",
         [("other", "15.2%", 15.2), ("adverse_event", "3.9%", 3.9)]),
        # a bracket opened right after the end point
        ("Pegfilgrastim for the prevention of neutropenia: a randomized trial. Grade 3 or worse "
         "neutropenia (frequency, 88% and 84% for the two pegfilgrastim products, "
         "respectively) did not differ.",
         [("other", "88%", 88.0), ("other", "84%", 84.0)]),
    ],
)  # fmt: skip
def test_the_end_point_said_again_or_in_a_bracket(outcomes_nlp: Language, text: str,
                                                  expected: list[Row]) -> None:  # fmt: skip
    assert rows(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # no prevention named: the disease is an event
        "Tamoxifen in postmenopausal women: a randomised trial. After 10 years, 140 women (76 "
        "placebo, 64 tamoxifen) developed breast cancer (RR = 0.85).",
        # background, not the study's aim: heparin's thrombosis in a study of what heparin causes
        "Heparin-induced thrombocytopenia after liver transplantation. Heparin is widely used to "
        "prevent thrombosis after transplantation. Two patients developed thrombosis on day 11.",
    ],
)
def test_what_stays_an_adverse_event(outcomes_nlp: Language, text: str) -> None:
    assert {m for m, _, _ in rows(outcomes_nlp, text)} == {"adverse_event"}


def test_another_measure_named_before_the_verb_still_wins(outcomes_nlp: Language) -> None:
    # "Recurrence ... occurred": the verb says what happened, the relapse cue what it is
    text = TAMOXIFEN_TITLE + "Recurrence of breast cancer occurred in 12 women given placebo."
    assert [m for m, _, _ in rows(outcomes_nlp, text)] == ["relapse"]


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_lexicon(resolve(LEXICON_FILE)))


def _mentions(text: str, names: list[str]) -> list[Mention]:
    return [
        Mention(text.index(n), text.index(n) + len(n), "DISEASE", n, None, False) for n in names
    ]


@pytest.mark.parametrize(
    ("text", "names", "prevented"),
    [
        ("Aspirin to prevent colorectal adenomas. Adenomas recurred in 12%.",
         ["colorectal adenomas"], True),
        # an aim marker before the opener: the study's aim
        ("Aspirin and adenomas. We randomly assigned 500 patients to test whether aspirin can "
         "reduce the risk of colorectal adenomas.", ["colorectal adenomas"], True),
        # the same opener in background: not the study's aim
        ("Aspirin and adenomas. Aspirin may reduce the risk of colorectal adenomas.",
         ["colorectal adenomas"], False),
        # more than two words between the opener and the disease
        ("Aspirin to prevent the occurrence of new colorectal adenomas.",
         ["colorectal adenomas"], False),
    ],
)  # fmt: skip
def test_what_the_document_prevents(lex: Lexicon, text: str, names: list[str],
                                    prevented: bool) -> None:  # fmt: skip
    title_end = text.index(". ") + 2 if ". " in text else len(text)
    sentences = [(0, 0, 0, title_end), (0, 0, title_end, len(text))]
    found = lex.prevention.prevented(text, _mentions(text, names), sentences)
    assert bool(found) is prevented
    assert found.holds(Mention(0, 7, "DISEASE", "adenomas", None, False)) is prevented


@pytest.mark.parametrize("key", PREVENTION_LISTS)
def test_prevention_lists_are_validated(key: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    without = {k: v for k, v in data.items() if k != key}
    with pytest.raises(RuleFileError, match=f"missing key '{key}'"):
        validate_lexicon(without, "lexicon.json")
    with pytest.raises(RuleFileError, match=f"key '{key}' is an empty list"):
        validate_lexicon({**data, key: []}, "lexicon.json")
    assert key in data["_comment"]
