"""biotab_assertion (session 33): a list inside a clause that opens the sentence, a main
clause coordinated after a negation, "non" written apart, a quantity ("no more than"), a
symptom's company in a case history; and flags read wrong in samples of BC5CDR's abstracts (a
change or a comparison denied, "but not" and a preposition, a disease a complication is related
to, a frequency compared). Sentences as case reports, trial abstracts and clinical notes write
them; the mentions as the tagger marks them."""

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
        # the opening clause ends at the comma after its list, not at the list's first comma
        ("Since she had no fever, cough or rash, amoxicillin was stopped.",
         [("fever", D), ("cough", D), ("rash", D), ("amoxicillin", R)], ["N", "N", "N", ""]),
        ("Since she had no fever, cough, or rash, amoxicillin was stopped.",
         [("fever", D), ("cough", D), ("rash", D), ("amoxicillin", R)], ["N", "N", "N", ""]),
        ("Because there was no fever, abdominal pain or elevated liver enzymes, ceftriaxone "
         "was not started.",
         [("fever", D), ("abdominal pain", D), ("ceftriaxone", R)], ["N", "N", "N"]),
        ("As the patient had no wheeze, dyspnoea, chest tightness or cough, salbutamol was "
         "discontinued.",
         [("wheeze", D), ("dyspnoea", D), ("cough", D), ("salbutamol", R)],
         ["N", "N", "N", ""]),
        # ... a list's commas that close no opening clause end nothing
        ("Since she had no fever, cough or rash, she was sent home.",
         [("fever", D), ("cough", D), ("rash", D)], ["N", "N", "N"]),
        ("The patient had no fever, cough or rash, and was sent home.",
         [("fever", D), ("cough", D), ("rash", D)], ["N", "N", "N"]),
        # ... a clause between the commas is no list: its comma stays the clause's end
        ("Since she had no fever, she was observed and aspirin, which was given, helped.",
         [("fever", D), ("aspirin", R)], ["N", ""]),
    ],
)
def test_a_list_in_an_opening_clause(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)


def test_after_list(tmp_path: Path, blank: Language) -> None:
    """`after_list`: with `after_clause`, a list that ends right before the rule (its last item
    holds one of the words) is passed over to the clause before it; an item with a verb, or
    longer than a list's item, ends the walk. The key comes back from disk."""
    rules = tmp_path / "rules.jsonl"
    lines = [
        {"literal": "no", "category": "NEGATED", "direction": "forward", "max_scope": 15},
        {"literal": ",", "category": "TERMINATE",
         "after": [{"IS_SENT_START": True, "LOWER": "since"}], "after_within": 30,
         "after_clause": True, "after_list": ["or"], "followed_by": [{"LOWER": "helped"}],
         "followed_before": [",", "or", "and"]},
        # (a verb for the list's items that ends no negation)
        {"literal": "was", "category": "TERMINATE", "applies_to": ["HYPOTHETICAL"],
         "after_mention": True},
    ]  # fmt: skip
    srsly.write_jsonl(rules, lines)
    component = ContextAssertion(blank, "a", rules_path=str(rules))
    component.to_disk(tmp_path / "saved")
    restored = ContextAssertion(blank, "b").from_disk(tmp_path / "saved")
    assert restored.rules == component.rules and restored.rules[1].after_list == ("or",)
    for text, mentions, expected in (
        ("Since she had no fever, cough or rash, aspirin helped.",
         [("fever", D), ("cough", D), ("rash", D), ("aspirin", R)], ["N", "N", "N", ""]),
        # "and" is not among the words: no list is passed over
        ("Since she had no fever, cough and rash, aspirin helped.",
         [("fever", D), ("cough", D), ("rash", D), ("aspirin", R)], ["N", "N", "N", "N"]),
        # an item with a verb is a clause: the walk stops at its comma
        ("Since she had no fever, rash was seen or not, aspirin helped.",
         [("fever", D), ("rash", D), ("aspirin", R)], ["N", "N", "N"]),
        # an item past eight tokens is no list item
        ("Since she had no fever, a very long and rather unusual persistent dry cough or "
         "rash, aspirin helped.",
         [("fever", D), ("cough", D), ("rash", D), ("aspirin", R)], ["N", "N", "N", "N"]),
    ):  # fmt: skip
        check(blank, restored, text, mentions, expected)


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        # a main clause coordinated after the negated one: ", and" with a verb on each side
        ("No patient had hepatotoxicity, and methotrexate was continued.",
         [("hepatotoxicity", D), ("methotrexate", R)], ["N", ""]),
        ("There was no evidence of pneumonia, and amoxicillin was stopped after two days.",
         [("pneumonia", D), ("amoxicillin", R)], ["N", ""]),
        ("The patient had no fever, cough or rash, and prednisone was tapered.",
         [("fever", D), ("cough", D), ("rash", D), ("prednisone", R)], ["N", "N", "N", ""]),
        ("Rituximab may be effective, and methotrexate was continued.",
         [("Rituximab", R), ("methotrexate", R)], ["U", ""]),
        # ... while a list's last item after an Oxford comma is still negated
        ("No fever, chills, and rash were seen.", [("fever", D), ("chills", D), ("rash", D)],
         ["N", "N", "N"]),
        ("The patient had no fever, chills, and night sweats.",
         [("fever", D), ("chills", D), ("night sweats", D)], ["N", "N", "N"]),
        ("No patient had neutropenia, thrombocytopenia, and anemia.",
         [("neutropenia", D), ("thrombocytopenia", D), ("anemia", D)], ["N", "N", "N"]),
    ],
)
def test_a_main_clause_coordinated(
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
        # "non" written apart from what the subjects are not: the tagger marks the word after it
        ("Twelve non diabetic patients served as controls.", [("diabetic", D)], ["N"]),
        ("Insulin resistance was measured in non diabetic and diabetic patients.",
         [("Insulin resistance", D), ("diabetic", D), ("diabetic", D)], ["", "N", ""]),
        ("Most participants were non diabetic and non hypertensive.",
         [("diabetic", D), ("hypertensive", D)], ["N", "N"]),
        # ... a disease named with it is no negation: the tagger keeps "non" in the name, or
        # leaves it out of a name that goes on
        ("Patients with non small cell lung cancer received cisplatin.",
         [("small cell lung cancer", D), ("cisplatin", R)], ["", ""]),
        ("Patients with non Hodgkin lymphoma received rituximab.",
         [("non Hodgkin lymphoma", D), ("rituximab", R)], ["", ""]),
        ("Patients with non alcoholic fatty liver disease were enrolled.",
         [("non alcoholic fatty liver disease", D)], [""]),
        ("Patients with nonalcoholic fatty liver disease were enrolled.",
         [("nonalcoholic fatty liver disease", D)], [""]),
        ("Patients with non-Hodgkin lymphoma received rituximab.",
         [("non-Hodgkin lymphoma", D), ("rituximab", R)], ["", ""]),
        ("It is used to treat cancer pain and chronic non malignant pain.",
         [("cancer pain", D), ("pain", D)], ["", ""]),
    ],
)
def test_non_written_apart(
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
        # a bound on a quantity or a comparison denied: nothing after it is absent
        ("No more than 10% of patients had neutropenia.", [("neutropenia", D)], [""]),
        ("No less than 10% of patients had neutropenia.", [("neutropenia", D)], [""]),
        ("Not more than 10% of patients had neutropenia.", [("neutropenia", D)], [""]),
        ("Dyskinesia developed no sooner than 146 days of chronic levodopa administration.",
         [("Dyskinesia", D), ("levodopa", R)], ["", ""]),
        ("The incidence of akathisia was no different with quetiapine than with placebo.",
         [("akathisia", D), ("quetiapine", R)], ["", ""]),
        ("Nausea was no more frequent with ondansetron than with placebo.",
         [("Nausea", D), ("ondansetron", R)], ["", ""]),
        ("No significant group differences were observed for sleep quality, fatigue or "
         "depression.", [("fatigue", D), ("depression", D)], ["", ""]),
        ("No significant between-group differences in nausea were found.", [("nausea", D)],
         [""]),
        ("Bumetanide had no demonstrable effects on serum sodium and potassium.",
         [("Bumetanide", R), ("sodium", R), ("potassium", R)], ["", "", ""]),
        ("Losartan lowered blood pressure without reducing albuminuria.",
         [("Losartan", R), ("albuminuria", D)], ["", ""]),
        ("Dose reductions lowered toxicity without affecting palbociclib treatment duration.",
         [("toxicity", D), ("palbociclib", R)], ["", ""]),
        ("Ropivacaine reduced the sevoflurane requirement without increasing pain.",
         [("Ropivacaine", R), ("sevoflurane", R), ("pain", D)], ["", "", ""]),
        ("It lowered the zidovudine dose without impairment of anti-human immunodeficiency "
         "virus activity.", [("zidovudine", R), ("immunodeficiency", D)], ["", ""]),
        # ... while "no more" without a comparison is still a negation
        ("No more seizures occurred after valproate was started.",
         [("seizures", D), ("valproate", R)], ["N", ""]),
        ("She recovered without sequelae or seizures.", [("seizures", D)], ["N"]),
    ],
)
def test_a_quantity_is_no_negation(
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
        # the patient's own symptom "was not associated with" another: that one is absent
        ("The headache was not associated with nausea.", [("headache", D), ("nausea", D)],
         ["", "N"]),
        ("Her chest pain was not associated with dyspnoea or diaphoresis.",
         [("chest pain", D), ("dyspnoea", D), ("diaphoresis", D)], ["", "N", "N"]),
        ("The rash was not associated with amoxicillin.", [("rash", D), ("amoxicillin", R)],
         ["", ""]),
        ("On admission, her headache was not associated with nausea, vomiting or photophobia.",
         [("headache", D), ("nausea", D), ("vomiting", D), ("photophobia", D)],
         ["", "N", "N", "N"]),
        # ... while a relation studied in a population stays a relation denied (session 32)
        ("Lithium treatment was not associated with hypothyroidism in this cohort.",
         [("Lithium", R), ("hypothyroidism", D)], ["", ""]),
        ("NO-induced immediate headache is not associated with release of CGRP.",
         [("NO", R), ("headache", D)], ["", ""]),
        ("Marital unhappiness was not associated with arthritis.", [("arthritis", D)], [""]),
        ("The hypertension in our cohort was not associated with stroke.",
         [("hypertension", D), ("stroke", D)], ["", ""]),
    ],
)
def test_a_symptoms_company_in_a_case_history(
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
        # what was read wrong among the negations of BC5CDR's abstracts: a diagnosis's name,
        # some but not all, animals given a drug, a dose-response or a preponderance denied
        ("We report a female patient with a not otherwise specified psychotic disorder.",
         [("psychotic disorder", D)], [""]),
        ("The majority, but not all, of breast-ovary cancer families show linkage to BRCA1.",
         [("breast-ovary cancer", D)], [""]),
        ("None of the cows treated with vitamin D3 showed signs of milk fever.",
         [("vitamin D3", R), ("milk fever", D)], ["", "N"]),
        ("Catalepsy was reduced in rats with lesions but not in rats treated with desipramine.",
         [("Catalepsy", D), ("desipramine", R)], ["", ""]),
        ("Results suggest no dose-response effect for paclitaxel doses above 200 mg/m2.",
         [("paclitaxel", R)], [""]),
        ("Depression was frequent in both groups, with no preponderance in the hypertensive "
         "group.", [("Depression", D), ("hypertensive", D)], ["", ""]),
    ],
)
def test_read_on_abstracts(
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
        # "but not" and a preposition: the clause's finding is denied for what follows it
        ("Calcineurin was inhibited by CsA and FK506, but not by rapamycin.",
         [("CsA", R), ("FK506", R), ("rapamycin", R)], ["", "", ""]),
        ("Depressed mood was associated with sexual difficulties, but not with impotence.",
         [("Depressed mood", D), ("impotence", D)], ["", ""]),
        ("This region is deleted in many solid tumors, although not in pancreatic cancer.",
         [("solid tumors", D), ("pancreatic cancer", D)], ["", ""]),
        ("Phenacetin increased the risk for cancer of the bladder but not for ureteric cancer.",
         [("Phenacetin", R), ("ureteric cancer", D)], ["", ""]),
        # ... while "but no" and "but not" before a verb still negate
        ("Pain improved, but no rash occurred.", [("rash", D)], ["N"]),
        ("Fever was present but not rash.", [("Fever", D), ("rash", D)], ["", "N"]),
    ],
)
def test_but_not_and_a_preposition(
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
        # the disease a complication is related to is there
        ("The effectiveness of lymphedema self-management in the prevention of breast "
         "cancer-related lymphedema.", [("lymphedema", D), ("breast cancer", D),
                                        ("lymphedema", D)], ["", "", "H"]),
        ("Weight lifting for women at risk for breast cancer-related lymphedema.",
         [("breast cancer", D), ("lymphedema", D)], ["", "H"]),
        ("There were no cancer-related deaths.", [("cancer", D)], [""]),
        # ... while a drug's "-induced" stays with the drug rule, and a disease's is not read
        ("Mesna is given to prevent ifosfamide-induced hemorrhagic cystitis.",
         [("Mesna", R), ("ifosfamide", R), ("hemorrhagic cystitis", D)], ["", "", "H"]),
    ],
)
def test_a_disease_a_complication_is_related_to(
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
        # "more likely to" compares how often something was found: no hedge
        ("Patients given prilocaine were more likely to develop hearing loss (10 out of 22) "
         "than those given bupivacaine (4 out of 22).",
         [("prilocaine", R), ("hearing loss", D), ("bupivacaine", R)], ["", "", ""]),
        ("Women who had received tamoxifen were significantly more likely to have endometrial "
         "cancer diagnosed than those who had not.",
         [("tamoxifen", R), ("endometrial cancer", D)], ["", ""]),
        ("Patients who developed hyperkalemia were older and more likely to have diabetes.",
         [("hyperkalemia", D), ("diabetes", D)], ["", ""]),
        ("Women at higher risk were more likely to accept tamoxifen.", [("tamoxifen", R)],
         [""]),
        # ... while "likely" alone, or "most likely due to", hedges
        ("The rash was most likely due to amoxicillin.", [("rash", D), ("amoxicillin", R)],
         ["", ""]),
        ("Hypothyroidism, likely autoimmune thyroiditis, was found.",
         [("Hypothyroidism", D), ("autoimmune thyroiditis", D)], ["", "U"]),
    ],
)
def test_a_frequency_compared(
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
        # a second sample of BC5CDR's negations read wrong: a benefit or an inhibition denied,
        # a drug not discontinued, what neither drug showed
        ("Ginger conferred no additional benefit in terms of reducing nausea severity.",
         [("Ginger", R), ("nausea", D)], ["", ""]),
        ("MPA and DMCM showed no inhibition of 3H-TBOB binding.",
         [("MPA", R), ("DMCM", R), ("3H-TBOB", R)], ["", "", ""]),
        ("Pentoxifylline does not inhibit dipyridamole-induced coronary hyperemia.",
         [("Pentoxifylline", R), ("dipyridamole", R), ("hyperemia", D)], ["", "", ""]),
        ("Torsade de pointes can be treated, possibly without discontinuation of pentamidine.",
         [("Torsade de pointes", D), ("pentamidine", R)], ["", ""]),
        ("Neither TET nor FAN showed any anticoagulation activities.",
         [("TET", R), ("FAN", R)], ["", ""]),
        # ... while what was not found stays negated
        ("Neither polyneuropathy nor thrombosis was observed.",
         [("polyneuropathy", D), ("thrombosis", D)], ["N", "N"]),
        ("The patient was discharged without methotrexate.", [("methotrexate", R)], ["N"]),
    ],
)
def test_read_on_abstracts_again(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check(blank, assertion, text, mentions, expected)
