"""Arm names the document gave its arms before, found again in a later sentence
(`pipeline.components.outcome_known_arms`), and what a sentence's arms then tell its pairs."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_known_arms import KnownArms
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve

DRUGS = [
    ("paclitaxel", "DRUG", "MESH:D017239"),
    ("docetaxel", "DRUG", "MESH:D000077143"),
    ("alprazolam", "DRUG", "MESH:D000525"),
    ("T-DM1", "DRUG", "MESH:D000082142"),
    ("trastuzumab", "DRUG", "MESH:D000068878"),
    ("exemestane", "DRUG", "MESH:C056516"),
    ("anastrozole", "DRUG", "MESH:D000077384"),
    ("enalapril", "DRUG", "MESH:D004656"),
    ("prazosin", "DRUG", "MESH:D011224"),
    ("fractures", "DISEASE", "MESH:D050723"),
]


def arms(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    doc = run(nlp, text, DRUGS)
    return [(r["value"], r["arm"]) for r in doc._.outcomes if r["measure"] != "enrollment"]


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_lexicon(resolve(LEXICON_FILE)))


def test_known_names_are_kept_as_a_reader_knows_them(lex: Lexicon) -> None:
    known = KnownArms()
    for arm in ("the RMG group", "group A", "study", "ABI-007", "calendula", "CT", "placebo"):
        known.note(lex, arm)
    text = "Calendula and ABI-007 vs CT-Z and CT in the RMG arm; study group A; placebo."
    assert [text[s:e] for s, e in known.spans(text)] == ["Calendula", "ABI-007", "CT", "RMG"]


ABI = ("Patients were randomly assigned to 3-week cycles of either ABI-007 260 mg/m(2) "
       "intravenously without premedication (n = 229) or standard paclitaxel 175 mg/m(2) "
       "intravenously with premedication (n = 225). ")  # fmt: skip


def test_a_name_the_allocation_gave_names_the_arm_later(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, ABI + "ABI-007 demonstrated significantly higher response rates "
                                   "compared with standard paclitaxel (33% v 19%, respectively; "
                                   "P = .001).")  # fmt: skip
    assert got == [(33.0, "ABI-007"), (19.0, "standard paclitaxel")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the subject's arm, then the comparator's, past the pairs between them
        ("Patients were randomized to one of two anesthesia maintenance groups: "
         "sevoflurane-fentanyl anesthesia (SF; n = 25) or fentanyl-free sevoflurane anesthesia "
         "(S; n = 26). Group SF revealed higher incidences of postoperative nausea (68% vs 27%) "
         "and vomiting (32% vs 8%) in the first 24 postoperative hours than group S.",
         [(68.0, "group SF"), (27.0, "group S"), (32.0, "group SF"), (8.0, "group S")]),
        # the comparator first: still the second figure's
        ("In this randomized trial, patients were assigned to one of the arms. Compared with "
         "placebo subjects, alprazolam patients developed more adverse reactions (21% v. 0%) of "
         "depression.", [(21.0, "alprazolam"), (0.0, "placebo")]),
        # the pairs after the two names
        ("Patients were randomly assigned to trastuzumab plus docetaxel (HT; n = 70) or T-DM1 "
         "(n = 67). T-DM1 had a favorable safety profile versus HT, with fewer grade 3 adverse "
         "events (46.4% v 90.9%) and serious AEs (20.3% v 25.8%).",
         [(46.4, "T-DM1"), (90.9, "HT"), (20.3, "T-DM1"), (25.8, "HT")]),
    ],
)
def test_a_sentence_of_one_arm_and_its_comparator_gives_its_pairs_both(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text) == expected


def test_no_arms_when_a_third_arm_is_named(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "In this randomized trial, patients were assigned to one of the "
                             "arms. Docetaxel patients had more nausea (40% vs 20%) than "
                             "paclitaxel patients, and more than placebo patients.")  # fmt: skip
    assert got == [(40.0, None), (20.0, None)]


TWO_ARMS = "Patients were randomized to docetaxel (n = 100) or placebo (n = 98). "


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The wound complication rate was 44% versus 45%.",
         [(44.0, "docetaxel"), (45.0, "placebo")]),
        ("No difference was seen in the frequency of hip osteoporosis (85.4% v 82.9%; P = .92).",
         [(85.4, "docetaxel"), (82.9, "placebo")]),
        ("The 10-year local DFS was 70.5 and 79.3 %, respectively (p = 0.27).",
         [(70.5, "docetaxel"), (79.3, "placebo")]),
    ],
)
def test_a_sentence_naming_no_arm_takes_the_documents_two_in_order(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, TWO_ARMS + "Nausea occurred in 12 patients. " + sentence)
    assert got[-2:] == expected


def test_a_sentence_naming_an_arm_keeps_its_own_order(outcomes_nlp: Language) -> None:
    # the sentence names an arm by a word of its key: its own order (the named arm's figure
    # first, then the other arm's), not the document's
    text = ("Patients were randomized to usual care (n = 60) or an intervention (n = 62). "
            "Intervention patients had greater knowledge of risk factors at follow-up (24% vs "
            "16%).")
    assert [a for _, a in arms(outcomes_nlp, text)[-2:]] == ["Intervention", "usual care"]


@pytest.mark.parametrize(
    "text",
    [
        # three arms
        "Patients were randomized to docetaxel (n = 100), paclitaxel (n = 98) or placebo (n = "
        "99). The wound complication rate was 44% versus 45%.",
    ],
)
def test_no_document_order_where_the_arms_say_otherwise(
    outcomes_nlp: Language, text: str
) -> None:
    assert [a for _, a in arms(outcomes_nlp, text)[-2:]] == [None, None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a known name right before the figure's bracket, or before an arm noun there
        ("One hundred and eighty-eight patients were randomized to either the CT group (n = 95) "
         "or the CTZ group (n = 93). The rates of pCR in CTZ group (14.8%) was doubled to CT "
         "group (7.7%), respectively.", [(14.8, "CTZ"), (7.7, "CT")]),
    ],
)
def test_a_known_name_before_a_figures_bracket_is_its_arm(
    outcomes_nlp: Language, text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert arms(outcomes_nlp, text)[-2:] == expected


def test_a_figure_of_two_listed_arms_takes_neither(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "Patients were randomized to the 20-mg arm (n = 60) or the 50-mg arm "
                             "(n = 58). Among the TR patients, response rate was the same in the "
                             "20-mg and 50-mg arms (10.3%).")  # fmt: skip
    assert got[-1] == (10.3, None)


def test_a_list_then_as_many_arms_pairs_them_without_respectively(
    outcomes_nlp: Language,
) -> None:
    text = ("Patients were randomized to systemic therapy alone (control group) or systemic "
            "therapy plus intrathecal cytarabine (experimental group). Thirty-seven and 36 "
            "patients were assigned to the control and the experimental groups. Focal "
            "radiotherapy was performed in 6 (16%) and 3 (8%) patients in the control and "
            "experimental groups.")  # fmt: skip
    doc = run(outcomes_nlp, text, DRUGS)
    got = [(r["value"], r["arm"], r["group_size"]) for r in doc._.outcomes]
    assert got == [(37.0, "control", 37), (36.0, "experimental", 36),
                   (16.0, "control", 37), (8.0, "experimental", 36)]  # fmt: skip



@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("At the 8th, 13th, and 16th fraction of radiotherapy, grade 1 dermatitis was found in 42, "
         "90, and 90% of the control group and in 16, 30, and 71% of the intervention group.",
         ["control", "control", "control", "intervention", "intervention", "intervention"]),
    ],
)
def test_bare_numbers_of_a_list_take_the_arm_after_its_last(
    outcomes_nlp: Language, sentence: str, expected: list[str | None]
) -> None:
    got = arms(outcomes_nlp, "Patients were randomized to an emulsion (intervention group, n = 31) "
                             "or usual care (control group, n = 31). " + sentence)  # fmt: skip
    assert [a for _, a in got] == expected


def test_a_pair_is_compared_past_its_first_figures_ci(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "Patients were randomized to either the RMG arm (n = 154) or the PC "
                             "control arm (n = 170). In the acute period, significantly more "
                             "patients in the RMG group reported no nausea (53.7% [95% CI, "
                             "49.2%-58.1%] vs 41.6% [95% CI, 37.4%-45.3%]; P < .001) compared with "
                             "the PC control group.")  # fmt: skip
    assert got == [(53.7, "RMG"), (41.6, "PC control")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The rate of local relapse at five years was 7.7 percent in the docetaxel group and 0.6 "
         "percent in the group given paclitaxel plus irradiation.",
         [(7.7, "docetaxel"), (0.6, "paclitaxel plus irradiation")]),
        ("The 12-month progression-free rate was 84.1% for patients treated with docetaxel and "
         "79.8% for those treated with paclitaxel.", [(84.1, "docetaxel"), (79.8, "paclitaxel")]),
    ],
)
def test_the_drug_after_a_group_or_those_and_a_link_is_the_arm(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str | None]]
) -> None:
    got = arms(outcomes_nlp, "Patients were randomized to docetaxel (n = 100) or paclitaxel plus "
                             "irradiation (n = 98). " + sentence)  # fmt: skip
    assert got == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In total, 271 and 278 patients received CT-P6 and trastuzumab, respectively.",
         [(271.0, "CT-P6", 271), (278.0, "trastuzumab", 278)]),
        ("In total, 207 and 201 patients were enrolled to combination therapy and monotherapy, "
         "respectively.", [(207.0, "combination therapy", 207), (201.0, "monotherapy", 201)]),
    ],
)
def test_counts_then_the_treatments_each_received_are_the_arms_sizes(
    outcomes_nlp: Language, sentence: str, expected: list[tuple[float, str, int]]
) -> None:
    doc = run(outcomes_nlp, "In this randomized trial, patients were assigned to one of the arms. "
                            + sentence, DRUGS)  # fmt: skip
    assert [(r["value"], r["arm"], r["group_size"]) for r in doc._.outcomes] == expected


def test_a_known_name_before_a_size_is_its_arm(outcomes_nlp: Language) -> None:
    text = ("A total of 91 women were randomly assigned to either TOR120 (n = 46) or EXE (n = 45). "
            "The intention-to-treat analysis showed that there were no statistical difference "
            "between TOR120 (N = 46) and EXE (n = 45) in terms of CBR.")
    doc = run(outcomes_nlp, text, DRUGS)
    got = [(r["value"], r["arm"]) for r in doc._.outcomes]
    assert got[-2:] == [(46.0, "TOR120"), (45.0, "EXE")]


def test_an_arm_label_right_before_a_figures_bracket_is_its_arm(outcomes_nlp: Language) -> None:
    text = ("In this randomized trial, patients were assigned to one of the arms. The incidence "
            "of venous discomfort was lower in Group L (76.6%; P < 0.05) than in Group C (100%) "
            "but not different from Group T (90%).")
    # (the rows name a labelled arm as "group L", `DocContext.named_arms`)
    assert arms(outcomes_nlp, text) == [(76.6, "group L"), (100.0, "group C"), (90.0, "group T")]


def test_the_pair_after_an_arm_its_first_figure_names_is_the_other_arms(
    outcomes_nlp: Language,
) -> None:
    text = ("Patients were randomized to docetaxel (n = 48) or placebo (n = 53). Study attrition "
            "was higher in the docetaxel arm (14 participants vs 8 participants; P = .15).")
    assert arms(outcomes_nlp, text) == [(14.0, "docetaxel"), (8.0, "placebo")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The TC6 and T-FEC group consisted of 22 and 21 patients, respectively. In T-FEC, the "
         "values were 95.2% and 98.9%, respectively.", ["T-FEC", "T-FEC"]),
        ("Patients were randomized to docetaxel (n = 49) or paclitaxel (n = 48). The clinical and "
         "pathological complete remission rates of docetaxel group was 28.6% and 26.5% "
         "respectively.", ["docetaxel", "docetaxel"]),
        # names the reader has not read as such before the one named: no one arm
        ("The INT and CON groups consisted of 22 and 21 patients, respectively. The proportion of "
         "INT+, INT, and CON participants at or below baseline weight was 72.7, 53.8, and 45.5 %, "
         "respectively.", [None, None, None]),
        # another arm noun: another arm
        ("The INT and CON groups consisted of 22 and 21 patients, respectively. Rates were 4.1 "
         "and 6.9% at 'CON' arm and 6.6 and 7.4% at 'intervention' arm, respectively.",
         [None, None, None, None]),
    ],
)
def test_respectively_lists_in_a_sentence_of_one_arm_are_its(
    outcomes_nlp: Language, text: str, expected: list[str | None]
) -> None:
    got = arms(outcomes_nlp, "In this randomized trial, patients were assigned to one of the arms. "
                             + text)  # fmt: skip
    assert [a for _, a in got[-len(expected) :]] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Patients with baseline T-score of -2.0 or more taking exemestane had two fragility "
         "fractures and two other fractures, those taking anastrozole had three fragility "
         "fractures and five other fractures.",
         ["exemestane", "exemestane", "anastrozole", "anastrozole"]),
        ("Patients who received enalapril experienced significantly less symptomatic hypotension "
         "(5.2%) than the patients who received prazosin (12.9%).", ["enalapril", "prazosin"]),
    ],
)
def test_the_subjects_a_clause_opens_with_give_its_figures_their_arm(
    outcomes_nlp: Language, sentence: str, expected: list[str | None]
) -> None:
    got = arms(outcomes_nlp, "In this randomized trial, patients were assigned to one of the arms. "
                             + sentence)  # fmt: skip
    assert [a for _, a in got] == expected


def test_subjects_a_figure_counts_frame_no_clause(outcomes_nlp: Language) -> None:
    got = arms(outcomes_nlp, "In this randomized trial, patients were assigned to one of the arms. "
                             "Severe hematologic toxicity occurred in 4 patients assigned to group "
                             "I and 7 assigned to group II.")  # fmt: skip
    assert ("group I" not in [a for v, a in got if v == 7.0]), got
