"""biotab_assertion (session 32): a "non-" prefix, a relation denied, and a cue inside a clause
that opens the sentence. Sentences as trial abstracts, case reports, guidelines and lay health
pages write them."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly
from helpers import check_assertion as check
from spacy.language import Language

from pipeline.components.assertion import ContextAssertion

D, R = "DISEASE", "DRUG"


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        # what the subjects (or a group, a regimen, the deaths) are not, have not, were not given
        ("Twelve non-diabetic patients served as controls.", [("diabetic", D)], ["N"]),
        ("Two hundred non-diabetic women were randomly allocated to metformin or placebo.",
         [("diabetic", D), ("metformin", R)], ["N", ""]),
        ("Twelve non-diabetic patients were given metformin.", [("diabetic", D), ("metformin", R)],
         ["N", ""]),
        ("Controls were age- and sex-matched non-PD patients referred to the cardiology "
         "department.", [("PD", D)], ["N"]),
        ("Birth weight did not differ between alcohol-exposed and non-alcohol-exposed offspring.",
         [("alcohol", R), ("alcohol", R)], ["", "N"]),
        ("Mortality was 25% among the warfarin patients and 20% in the non-warfarin group.",
         [("warfarin", R), ("warfarin", R)], ["", "N"]),
        ("Fifteen ecstasy users and 15 non-ecstasy user controls completed the tests.",
         [("ecstasy", R), ("ecstasy", R)], ["", "N"]),
        ("There were no differences in efficacy between anthracycline-based and "
         "non-anthracycline-based regimens.", [("anthracycline", R), ("anthracycline", R)],
         ["", "N"]),
        ("Most participants were non-diabetic and non-hypertensive.",
         [("diabetic", D), ("hypertensive", D)], ["N", "N"]),
        ("Overall survival excluding non-breast cancer death was 90%.",
         [("breast cancer death", D)], ["N"]),
        # a disease or drug class named with its "non-": no negation
        ("Patients with non-small cell lung cancer received cisplatin.",
         [("non-small cell lung cancer", D), ("cisplatin", R)], ["", ""]),
        ("Patients with non-small cell lung cancer received cisplatin.",
         [("small cell lung cancer", D), ("cisplatin", R)], ["", ""]),
        ("Avoid non-steroidal anti-inflammatory drugs such as ibuprofen if you have asthma.",
         [("non-steroidal anti-inflammatory drugs", R), ("ibuprofen", R), ("asthma", D)],
         ["", "", "H"]),
        ("Avoid non-steroidal anti-inflammatory drugs such as ibuprofen.",
         [("anti-inflammatory drugs", R), ("ibuprofen", R)], ["", ""]),
        ("Non-alcoholic fatty liver disease is common in people with obesity.",
         [("Non-alcoholic fatty liver disease", D), ("obesity", D)], ["", ""]),
        ("Non-alcoholic fatty liver disease is common in people with obesity.",
         [("fatty liver disease", D), ("obesity", D)], ["", ""]),
        ("His course was remarkable for non-immune thrombocytopenia which resolved.",
         [("immune thrombocytopenia", D)], [""]),
        ("Patients with non-ischemic cardiomyopathy were excluded.",
         [("ischemic cardiomyopathy", D)], [""]),
        ("Non-Hodgkin lymphoma patients received rituximab.",
         [("Non-Hodgkin lymphoma", D), ("rituximab", R)], ["", ""]),
        ("Lung function declined faster in smokers than in nonsmokers with asthma.",
         [("asthma", D)], [""]),
    ],
)
def test_a_non_prefix(
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
        # a relation denied: neither side is absent (the drug was taken, the disease studied)
        ("Tamoxifen was not associated with an increased risk of stroke.",
         [("Tamoxifen", R), ("stroke", D)], ["", "H"]),
        ("Stroke was not associated with tamoxifen use.", [("Stroke", D), ("tamoxifen", R)],
         ["", ""]),
        ("No association between aspirin and colorectal cancer was found.",
         [("aspirin", R), ("colorectal cancer", D)], ["", ""]),
        ("Lithium treatment was not associated with hypothyroidism in this cohort.",
         [("Lithium", R), ("hypothyroidism", D)], ["", ""]),
        ("Use of statins was not significantly associated with myopathy or rhabdomyolysis.",
         [("statins", R), ("myopathy", D), ("rhabdomyolysis", D)], ["", "", ""]),
        ("Metformin use has not been associated with lactic acidosis in these trials.",
         [("Metformin", R), ("lactic acidosis", D)], ["", ""]),
        ("Heterozygosity for CYP2D6*4 was not associated with increased susceptibility to "
         "ankylosing spondylitis.", [("ankylosing spondylitis", D)], [""]),
        ("Visual hallucinations are a rare event in chronic renal failure and not related to "
         "uremia per se.",
         [("Visual hallucinations", D), ("chronic renal failure", D), ("uremia", D)],
         ["", "", ""]),
        ("Taking paracetamol in pregnancy is not linked to autism, a large study found.",
         [("paracetamol", R), ("autism", D)], ["", ""]),
        ("The rash was not attributed to amoxicillin.", [("rash", D), ("amoxicillin", R)],
         ["", ""]),
        # ... but a toxicity or complication a drug was not associated with was not found, as
        # "no cardiotoxicity with trastuzumab"
        ("Treatment with high doses of cimetidine or ranitidine was not associated with hepatic "
         "or hematologic toxicity.",
         [("cimetidine", R), ("ranitidine", R), ("hepatic or hematologic toxicity", D)],
         ["", "", "N"]),
        ("Capecitabine was not associated with significant cardiotoxicity.",
         [("Capecitabine", R), ("cardiotoxicity", D)], ["", "N"]),
        ("Vincristine toxicity was not related to cisplatin exposure.",
         [("Vincristine", R), ("cisplatin", R)], ["", ""]),
        # ... while the subject of a finding denied is still negated (issue 15)
        ("Serum IL-6 was not elevated in patients with rheumatoid arthritis.",
         [("IL-6", "CYTOKINE"), ("rheumatoid arthritis", D)], ["N", ""]),
        ("Hepatotoxicity was not observed with isoniazid.",
         [("Hepatotoxicity", D), ("isoniazid", R)], ["N", ""]),
    ],
)
def test_a_relation_denied(
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
        # the cue is in a clause or phrase that opens the sentence: the main clause is out of
        # its reach
        ("Although the patient had no symptoms, salbutamol was prescribed.",
         [("salbutamol", R)], [""]),
        ("Although the patient had no wheeze, salbutamol was prescribed for asthma.",
         [("wheeze", D), ("salbutamol", R), ("asthma", D)], ["N", "", ""]),
        ("Because there was no response to methotrexate, infliximab was started.",
         [("methotrexate", R), ("infliximab", R)], ["", ""]),
        ("If no improvement is seen, prednisone should be stopped.", [("prednisone", R)], [""]),
        ("If there is no fever, antibiotics are not needed.", [("fever", D), ("antibiotics", R)],
         ["N", ""]),
        ("While no serious adverse events occurred, two patients on rituximab developed "
         "neutropenia.", [("rituximab", R), ("neutropenia", D)], ["", ""]),
        ("As there was no evidence of infection, steroids were continued.",
         [("infection", D), ("steroids", R)], ["N", ""]),
        ("Despite the absence of fever, antibiotics were started.",
         [("fever", D), ("antibiotics", R)], ["N", ""]),
        ("In patients without diabetes, metformin did not reduce weight.",
         [("diabetes", D), ("metformin", R)], ["N", ""]),
        # ... a list goes on through its commas, a clause that is the sentence's own keeps its
        # cue, and only the first comma can close the opening clause
        ("Since she had no fever, cough or rash, she was sent home.",
         [("fever", D), ("cough", D), ("rash", D)], ["N", "N", "N"]),
        ("Although rash, fever and arthralgia did not occur, the infusion was stopped.",
         [("rash", D), ("fever", D), ("arthralgia", D)], ["N", "N", "N"]),
        ("As no hepatotoxicity, nephrotoxicity or ototoxicity was observed, the regimen was "
         "judged safe.", [("hepatotoxicity", D), ("nephrotoxicity", D), ("ototoxicity", D)],
         ["N", "N", "N"]),
        ("Although treatment was stopped, no fever, rash or arthralgia was seen.",
         [("fever", D), ("rash", D), ("arthralgia", D)], ["N", "N", "N"]),
        ("No fever, rash or arthralgia was seen, and methotrexate was continued.",
         [("fever", D), ("rash", D), ("arthralgia", D), ("methotrexate", R)],
         ["N", "N", "N", ""]),
        ("The patient had no fever, cough, or rash.", [("fever", D), ("cough", D), ("rash", D)],
         ["N", "N", "N"]),
        ("Although the patient had no symptoms, salbutamol and ipratropium were not given.",
         [("salbutamol", R), ("ipratropium", R)], ["N", "N"]),
        ("In the present study, we investigated whether 50 mg/kg per day, p.o., atorvastatin "
         "could prevent endothelial dysfunction.", [("atorvastatin", R)], ["U"]),
        ("Because folinic acid was unlikely to be associated with this condition, neurotoxicity "
         "due to high-dose 5-fluorouracil was highly suspected.",
         [("folinic acid", R), ("neurotoxicity", D), ("5-fluorouracil", R)], ["", "U", ""]),
    ],
)
def test_a_clause_that_opens_the_sentence(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)


def test_a_scope_that_ends_at_a_shield_negates_its_phrase(
    tmp_path: Path, blank: Language
) -> None:
    """A negation whose scope ends right where a `negatable` PRESUPPOSED cue stands is about
    that cue's phrase alone ("non-" reaches one token: "non-diabetic patients"), whatever verb
    and mention follow; one scope that ends short of it, or a shield that is not negatable,
    keeps the mention."""
    rules = tmp_path / "rules.jsonl"
    lines = [
        {"pattern": [{"LOWER": "non"}, {"LOWER": "-"}], "category": "NEGATED",
         "direction": "forward", "max_scope": 1},
        {"literal": "patients", "category": "PRESUPPOSED", "direction": "backward",
         "max_scope": 1, "negatable": True},
        {"literal": "women", "category": "PRESUPPOSED", "direction": "backward",
         "max_scope": 1},
        {"literal": "were", "category": "TERMINATE", "after_mention": True},
    ]  # fmt: skip
    srsly.write_jsonl(rules, lines)
    component = ContextAssertion(blank, "a", rules_path=str(rules))
    for text, mentions, expected in (
        ("Non-diabetic patients were given metformin.", [("diabetic", D), ("metformin", R)],
         ["N", ""]),
        ("Non-type 2 diabetes patients were given metformin.",
         [("type 2 diabetes", D), ("metformin", R)], ["", ""]),
        ("Non-diabetic women were given metformin.", [("diabetic", D), ("metformin", R)],
         ["", ""]),
    ):  # fmt: skip
        check(blank, component, text, mentions, expected)


def test_after_clause_and_followed_before(tmp_path: Path, blank: Language) -> None:
    """`after_clause`: the `after` pattern must match after the last comma, semicolon or colon
    before the rule, so a comma rule after a sentence-opening "although" is the first comma
    only; `followed_before`: the `followed_by` pattern must match before the first of its
    words. Both come back from disk."""
    rules = tmp_path / "rules.jsonl"
    lines = [
        {"literal": "no", "category": "NEGATED", "direction": "forward", "max_scope": 15},
        {"literal": ",", "category": "TERMINATE",
         "after": [{"IS_SENT_START": True, "LOWER": "although"}], "after_within": 20,
         "after_clause": True, "followed_by": [{"LOWER": "was"}],
         "followed_before": [",", "or"]},
    ]  # fmt: skip
    srsly.write_jsonl(rules, lines)
    component = ContextAssertion(blank, "a", rules_path=str(rules))
    component.to_disk(tmp_path / "saved")
    restored = ContextAssertion(blank, "b").from_disk(tmp_path / "saved")
    assert restored.rules == component.rules and restored.rules[1].after_clause
    assert restored.rules[1].followed_before == (",", "or")
    for text, mentions, expected in (
        ("Although she had no fever, aspirin was given.", [("fever", D), ("aspirin", R)],
         ["N", ""]),
        ("Although she had no fever, rash, aspirin was given.",
         [("fever", D), ("rash", D), ("aspirin", R)], ["N", "N", "N"]),
        ("Although she had no fever, rash or aspirin was given.",
         [("fever", D), ("rash", D), ("aspirin", R)], ["N", "N", "N"]),
        ("Although it was mild, she had no fever, rash or aspirin.",
         [("fever", D), ("rash", D), ("aspirin", R)], ["N", "N", "N"]),
    ):  # fmt: skip
        check(blank, restored, text, mentions, expected)
