"""biotab_assertion: what a cue is not about (session 31's adversarial sentences): the drug a
finding comes with, a comparison denied, a hedged cause, a drug's efficacy
hedged, the disease a drug is for; and the drugs not given, the events that may occur."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly
from helpers import annotate_mentions as annotate
from helpers import assertion_letters as flags_list
from helpers import check_assertion as check
from spacy.language import Language

from pipeline.components.assertion import ContextAssertion

D, R = "DISEASE", "DRUG"


def test_rules_on_the_same_tokens_all_count(tmp_path: Path, blank: Language) -> None:
    """Two one-token rules on one word tie in the overlap resolution: both count (one of them
    was silently lost, so "with" could not both end a negation and shield from a condition)."""
    rules = tmp_path / "rules.jsonl"
    lines = [
        {"literal": "no", "category": "NEGATED", "direction": "forward"},
        {"literal": "if", "category": "HYPOTHETICAL", "direction": "forward"},
        {"literal": "with", "category": "TERMINATE", "applies_to": ["NEGATED"]},
        {"literal": "with", "category": "PRESUPPOSED", "direction": "forward",
         "applies_to": ["HYPOTHETICAL"]},
    ]  # fmt: skip
    srsly.write_jsonl(rules, lines)
    component = ContextAssertion(blank, "a", rules_path=str(rules))
    for text, expected in (("No fever with aspirin.", ["N", ""]), ("If fever with aspirin.",
                                                                    ["H", ""])):  # fmt: skip
        doc = annotate(blank, text, [("fever", D), ("aspirin", R)])
        component(doc)
        assert flags_list(doc) == expected, text


def test_presupposed_labels_shield_those_labels_only(tmp_path: Path, blank: Language) -> None:
    rules = tmp_path / "rules.jsonl"
    lines = [
        {"literal": "no", "category": "NEGATED", "direction": "forward"},
        {"literal": "with", "category": "PRESUPPOSED", "direction": "forward",
         "labels": ["DRUG"]},
    ]  # fmt: skip
    srsly.write_jsonl(rules, lines)
    component = ContextAssertion(blank, "a", rules_path=str(rules))
    doc = annotate(blank, "No fever with rash or aspirin.", [("fever", D), ("rash", D),
                                                              ("aspirin", R)])  # fmt: skip
    component(doc)
    assert flags_list(doc) == ["N", "N", ""]
    restored = ContextAssertion(blank, "b")
    component.to_disk(tmp_path / "saved")
    restored.from_disk(tmp_path / "saved")
    assert restored.rules == component.rules and restored.rules[1].labels == ("DRUG",)


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        # the drug a finding comes with was given: the cue is about the finding
        ("There was no evidence of cardiotoxicity with trastuzumab.",
         [("cardiotoxicity", D), ("trastuzumab", R)], ["N", ""]),
        ("No hypersensitivity reactions to infliximab were observed.",
         [("hypersensitivity", D), ("infliximab", R)], ["N", ""]),
        ("Cardiotoxicity with trastuzumab was not observed.",
         [("Cardiotoxicity", D), ("trastuzumab", R)], ["N", ""]),
        ("The risk of cardiotoxicity with trastuzumab is increased in elderly patients.",
         [("cardiotoxicity", D), ("trastuzumab", R)], ["H", ""]),
        ("The patient had no known allergy to penicillin.", [("allergy", D), ("penicillin", R)],
         ["N", ""]),
        ("No serious adverse events related to methotrexate were reported.",
         [("methotrexate", R)], [""]),
        ("No deaths were attributed to lenalidomide.", [("lenalidomide", R)], [""]),
        ("No cases of hepatotoxicity associated with isoniazid were found.",
         [("hepatotoxicity", D), ("isoniazid", R)], ["N", ""]),
        ("Apart from mild nausea, no adverse effects of metformin were noted.",
         [("nausea", D), ("metformin", R)], ["", ""]),
        ("There were no cases of progressive multifocal leukoencephalopathy in "
         "natalizumab-treated patients.",
         [("progressive multifocal leukoencephalopathy", D), ("natalizumab", R)], ["N", ""]),
        ("No patient discontinued rituximab because of infusion reactions.", [("rituximab", R)],
         [""]),
        # ... but a disease after "with" is still negated, and a drug not given still is
        ("No fever with rash was seen.", [("fever", D), ("rash", D)], ["N", "N"]),
        ("No patient received trastuzumab.", [("trastuzumab", R)], ["N"]),
        ("Patients were treated without methotrexate.", [("methotrexate", R)], ["N"]),
        ("No patients were exposed to methotrexate.", [("methotrexate", R)], ["N"]),
        ("Neither polyneuropathy nor thrombosis was observed.",
         [("polyneuropathy", D), ("thrombosis", D)], ["N", "N"]),
        ("Serum IL-6 was not elevated in patients with rheumatoid arthritis.",
         [("IL-6", "CYTOKINE"), ("rheumatoid arthritis", D)], ["N", ""]),
        ("There is no mention of imiquimod being used.", [("imiquimod", R)], ["N"]),
        # what neither drug did is denied; a check to come; a drug's hedged evidence
        ("Neither aspirin nor clopidogrel reduced mortality.", [("aspirin", R), ("clopidogrel", R)],
         ["", ""]),
        ("Tuberculosis should be ruled out before starting infliximab.",
         [("Tuberculosis", D), ("infliximab", R)], ["H", ""]),
        ("Pneumonia was ruled out by chest radiography.", [("Pneumonia", D)], ["N"]),
        ("There is insufficient evidence that zinc shortens the common cold.",
         [("zinc", R), ("common cold", D)], ["U", ""]),
        # a drug stated as not given
        ("Clopidogrel was not administered.", [("Clopidogrel", R)], ["N"]),
        ("Heparin was not used in this study.", [("Heparin", R)], ["N"]),
        ("The patient was not given heparin because of thrombocytopenia.",
         [("heparin", R), ("thrombocytopenia", D)], ["N", ""]),
        ("Penicillin allergy was denied.", [("Penicillin", R), ("allergy", D)], ["", "N"]),
        # a comparison, a response or an adjustment denied: not the drug
        ("Nausea was not more frequent with ondansetron than placebo.",
         [("Nausea", D), ("ondansetron", R)], ["", ""]),
        ("Rates of neutropenia were not significantly different between the docetaxel and "
         "placebo groups.", [("neutropenia", D), ("docetaxel", R)], ["", ""]),
        ("No dose adjustment of digoxin is needed.", [("digoxin", R)], [""]),
        ("No new safety signals were identified for dupilumab.", [("dupilumab", R)], [""]),
        ("Because no response was seen, methotrexate was added.", [("methotrexate", R)], [""]),
        ("Lack of response to methotrexate is common in psoriatic arthritis.",
         [("methotrexate", R), ("psoriatic arthritis", D)], ["", ""]),
        ("Adverse events were similar with and without aspirin.", [("aspirin", R)], [""]),
        ("Patients with and without diabetes had similar outcomes.", [("diabetes", D)], [""]),
        ("Whether or not patients received aspirin, bleeding rates were similar.",
         [("aspirin", R), ("bleeding", D)], ["", ""]),
        ("Doctors do not know what causes Kawasaki disease.", [("Kawasaki disease", D)], [""]),
        # a hedged cause: the finding and the drug are there
        ("The rash was likely due to amoxicillin.", [("rash", D), ("amoxicillin", R)], ["", ""]),
        ("Stevens-Johnson syndrome was possibly related to lamotrigine.",
         [("Stevens-Johnson syndrome", D), ("lamotrigine", R)], ["", ""]),
        # a drug's efficacy hedged or denied: the disease it is for is there
        ("Metformin is possibly effective in polycystic ovary syndrome.",
         [("Metformin", R), ("polycystic ovary syndrome", D)], ["U", ""]),
        ("Etanercept was not effective in psoriasis.", [("Etanercept", R), ("psoriasis", D)],
         ["", ""]),
        ("Further studies are needed to determine whether anakinra is effective in gout.",
         [("anakinra", R), ("gout", D)], ["U", ""]),
        ("Etanercept failed to prevent relapse of uveitis.", [("Etanercept", R), ("uveitis", D)],
         ["", ""]),
        ("Prednisone was tapered without recurrence of vasculitis.",
         [("Prednisone", R), ("vasculitis", D)], ["", "N"]),
        # an event that may occur with a drug: the event is possible, not the drug
        ("Lupus-like syndrome may occur with hydralazine.", [("Lupus", D), ("hydralazine", R)],
         ["U", ""]),
        ("Peripheral neuropathy may develop with bortezomib.",
         [("Peripheral neuropathy", D), ("bortezomib", R)], ["U", ""]),
        ("Patients may develop neutropenia.", [("neutropenia", D)], ["U"]),
        ("Patients with RA may develop neutropenia.", [("RA", D), ("neutropenia", D)], ["", "U"]),
        # ... only after a disease, and not where the verb states a fact or an origin
        ("We can develop a new strategy for heart failure.", [("heart failure", D)], [""]),
        ("Sporadic renal cell carcinoma may arise from a two stage mutation process.",
         [("renal cell carcinoma", D)], [""]),
        ("These findings indicate that ischemia produced by epinephrine, as may occur during "
         "states of emotional distress, has a distinct mechanism.", [("ischemia", D)], [""]),
        # the effect of a drug: not negated, but its hedged effect is the drug's
        ("Carteolol did not antagonize the inhibitory effects of haloperidol.",
         [("Carteolol", R), ("haloperidol", R)], ["", ""]),
        ("Observational studies suggested a possible protective effect of bisphosphonates.",
         [("bisphosphonates", R)], ["U"]),
        # a disease given as a hedged cause is uncertain
        ("A previously unknown hypothyroidism, probably due to chronic autoimmune thyroiditis, "
         "was evidenced.", [("hypothyroidism", D), ("autoimmune thyroiditis", D)], ["", "U"]),
    ],
)
def test_what_a_cue_is_about(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)
