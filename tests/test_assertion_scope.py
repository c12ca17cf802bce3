"""biotab_assertion: where a presupposition, a contrast, an evidence cue or an efficacy hedge
stops (the regressions a review reproduced), and the rule keys behind the fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import srsly
from helpers import annotate_mentions as annotate
from helpers import assertion_letters as flags_list
from helpers import check_assertion as check
from spacy.language import Language

from pipeline.components.assertion import ContextAssertion, parse_rule
from pipeline.rules import RuleError


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        # "cases" presupposes nothing: these are plain negations
        ("No hepatitis cases were reported.", [("hepatitis", "DISEASE")], ["N"]),
        ("No pneumonia cases occurred during follow-up.", [("pneumonia", "DISEASE")], ["N"]),
        ("There were no measles cases in 2019.", [("measles", "DISEASE")], ["N"]),
        ("No cases with lymphoma were found.", [("lymphoma", "DISEASE")], ["N"]),
        # a negation of the presupposing phrase itself: nobody enrolled had asthma or pneumonia
        (
            "No patients with asthma or pneumonia were enrolled.",
            [("asthma", "DISEASE"), ("pneumonia", "DISEASE")],
            ["N", "N"],
        ),
        ("No MS patients were enrolled.", [("MS", "DISEASE")], ["N"]),
        # a verb or a preposition between the negation and the phrase: the patients have asthma
        ("No adverse events were reported in patients with asthma.", [("asthma", "DISEASE")],
         [""]),
        ("No adverse events in patients with asthma were reported.", [("asthma", "DISEASE")],
         [""]),
        # what is treated or worsens is no negatable phrase: the MS is there
        ("No worsening of MS was seen.", [("MS", "DISEASE")], [""]),
        ("No treatment of MS patients was given.", [("MS", "DISEASE")], [""]),
        # the shield still holds against the other cues
        (
            "If patients with asthma develop pneumonia, stop it.",
            [("asthma", "DISEASE"), ("pneumonia", "DISEASE")],
            ["", "H"],
        ),
    ],
)  # fmt: skip
def test_negation_of_cases_and_patients(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("No patients with lupus developed nephritis.", [("lupus", "D"), ("nephritis", "D")]),
        ("None of the patients with lupus developed nephritis.",
         [("lupus", "D"), ("nephritis", "D")]),
        ("No patients with asthma were treated with montelukast.",
         [("asthma", "D"), ("montelukast", "DRUG")]),
    ],
)  # fmt: skip
def test_negation_after_the_verb_leaves_the_patients_disease(
    blank: Language, assertion: ContextAssertion, text: str, mentions: list[tuple[str, str]]
) -> None:
    """A mention after the clause's verb is what the negation is about: the patients' own
    disease is there. (Whether that later mention is negated is another matter: the negation's
    scope ends at the verb after a mention, so it is not; only the first mention is checked.)"""
    doc = annotate(blank, text, mentions)
    assertion(doc)
    assert not doc.ents[0]._.negated, text


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        (
            "Pain improved, but no rash or fever occurred.",
            [("rash", "DISEASE"), ("fever", "DISEASE")],
            ["N", "N"],
        ),
        (
            "Treatment led to a reduction in pain, but no hepatotoxicity was observed.",
            [("hepatotoxicity", "DISEASE")],
            ["N"],
        ),
        ("Partial response to the drug, but no fever was recorded.", [("fever", "DISEASE")],
         ["N"]),
        ("The eczema improved, but no alopecia was seen.",
         [("eczema", "DISEASE"), ("alopecia", "DISEASE")], ["", "N"]),
        # the elliptical contrast: the alopecia did not improve, it is there
        ("Some improvement in the eczema, but no alopecia, and thus it was stopped.",
         [("eczema", "DISEASE"), ("alopecia", "DISEASE")], ["", ""]),
    ],
)  # fmt: skip
def test_contrast_with_its_own_verb_is_a_negation(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        (
            "There was no evidence that methotrexate caused the liver injury.",
            [("methotrexate", "DRUG"), ("liver injury", "DISEASE")],
            ["", ""],
        ),
        (
            "There was no evidence that the rash was caused by amoxicillin.",
            [("rash", "DISEASE"), ("amoxicillin", "DRUG")],
            ["", ""],
        ),
        # the drug's use or efficacy is what the evidence is missing for; the disease is there
        (
            "There is no evidence that tacrolimus can be used in vitiligo.",
            [("tacrolimus", "DRUG"), ("vitiligo", "DISEASE")],
            ["N", ""],
        ),
        (
            "There is no evidence that tacrolimus is effective for vitiligo.",
            [("tacrolimus", "DRUG"), ("vitiligo", "DISEASE")],
            ["N", ""],
        ),
        # absence of evidence of a finding stays a negation
        ("Biopsy showed no evidence of hepatitis.", [("hepatitis", "DISEASE")], ["N"]),
    ],
)
def test_no_evidence_negates_a_drugs_use_only(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        ("Antibiotics for appendicitis may be effective.", [("appendicitis", "DISEASE")], [""]),
        (
            "Treatment with tacrolimus for vitiligo may be helpful.",
            [("tacrolimus", "DRUG"), ("vitiligo", "DISEASE")],
            ["U", ""],
        ),
        ("Surgery for endometriosis appears to be effective.", [("endometriosis", "DISEASE")],
         [""]),
        (
            "Further trials of dupilumab in alopecia may be warranted.",
            [("dupilumab", "DRUG"), ("alopecia", "DISEASE")],
            ["U", ""],
        ),
    ],
)  # fmt: skip
def test_efficacy_hedge_leaves_the_treated_disease(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"literal": "x", "category": "PSEUDO", "labels": ["DRUG"]}, "'labels'"),
        ({"literal": "x", "category": "NEGATED", "direction": "forward", "labels": []},
         "'labels'"),
        ({"literal": "x", "category": "NEGATED", "direction": "forward", "labels": [3]},
         "'labels'"),
        ({"literal": "x", "category": "PSEUDO", "followed_by": []}, "'followed_by'"),
        ({"literal": "x", "category": "PSEUDO", "followed_within": 3},
         "needs the key 'followed_by'"),
        ({"literal": "x", "category": "PSEUDO", "followed_by": [{"LOWER": "y"}],
          "followed_within": 0}, ">= 1"),
        ({"literal": "x", "category": "PSEUDO", "elliptical": "yes"}, "'elliptical'"),
        ({"literal": "x", "category": "NEGATED", "direction": "forward", "negatable": True},
         "'negatable'"),
    ],
)  # fmt: skip
def test_bad_new_keys_are_rejected(line: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(line, "rules.jsonl:9")
    assert "rules.jsonl:9" in str(err.value) and message in str(err.value)


def test_new_keys_round_trip_to_disk(tmp_path: Path, blank: Language) -> None:
    rules = tmp_path / "rules.jsonl"
    lines = [
        {"literal": "sans", "category": "NEGATED", "direction": "forward", "labels": ["DRUG"],
         "followed_by": [{"LOWER": "was", "OP": "?"}, {"LOWER": "given"}], "followed_within": 4},
        {"literal": "but sans", "category": "PSEUDO", "elliptical": True},
        {"literal": "was", "category": "TERMINATE", "after_mention": True},
        {"literal": "among", "category": "PRESUPPOSED", "direction": "forward", "negatable": True},
    ]  # fmt: skip
    srsly.write_jsonl(rules, lines)
    original = ContextAssertion(blank, "a", rules_path=str(rules))
    original.to_disk(tmp_path / "saved")
    restored = ContextAssertion(blank, "a").from_disk(tmp_path / "saved")
    assert restored.rules == original.rules
    text = "Sans aspirin given for gout."
    doc = annotate(blank, text, [("aspirin", "DRUG"), ("gout", "DISEASE")])
    restored(doc)
    assert flags_list(doc) == ["N", ""]  # labels: the DRUG only
    doc = annotate(blank, "Sans aspirin for gout.", [("aspirin", "DRUG"), ("gout", "DISEASE")])
    restored(doc)
    assert flags_list(doc) == ["", ""]  # no "given" after it: no cue
    doc = annotate(blank, "Weight but sans aspirin, then.", [("aspirin", "DRUG")])
    restored(doc)
    assert flags_list(doc) == [""]  # elliptical: PSEUDO
    doc = annotate(blank, "Weight but sans aspirin was given.", [("aspirin", "DRUG")])
    restored(doc)
    assert flags_list(doc) == ["N"]  # a verb in the clause: no PSEUDO, "sans ... was given"
    doc = annotate(blank, "Sans aspirin was seen given.", [("aspirin", "DRUG")])
    restored(doc)
    assert flags_list(doc) == [""]  # a verb before "given": no cue
    doc = annotate(blank, "Sans among aspirin was given.", [("aspirin", "DRUG")])
    restored(doc)
    assert flags_list(doc) == ["N"]  # negatable: the negation of the phrase reaches it
