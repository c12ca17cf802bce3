"""A pair of figures compared ("41.3% vs. 26.7%") in a sentence that names neither arm nor drug:
the document's main drug is the study arm's, so only that arm's figure takes it
(`outcome_resolve._comparators`, `outcome_main.study_arm_first`). The study arm's figure comes
first; second when the allocation named a control arm first; both take the drug when the title
compares schedules of that one drug. Sentences from real abstracts (PICO's tuned part, BC5CDR)."""

from __future__ import annotations

from spacy.language import Language
from test_outcome_main_drug import DRUGS
from test_outcomes import run

DRUGS_HERE = [
    *DRUGS,
    ("toremifene", "DRUG", "MESH:D017312"),
    ("exemestane", "DRUG", "MESH:C056516"),
    ("fluorouracil", "DRUG", "MESH:D005472"),
    ("epirubicin", "DRUG", "MESH:D015251"),
    ("tobramycin", "DRUG", "MESH:D014031"),
]


def drugs_of(nlp: Language, text: str) -> dict[str, str | None]:
    """Each row's drug, by the row's text."""
    mentions = [(s, label, cid) for s, label, cid in DRUGS_HERE if s.lower() in text.lower()]
    return {r["text"]: r["drug_text"] for r in run(nlp, text, mentions)._.outcomes}


# toremifene against exemestane: the results sentence names the arms only by their labels
TOREMIFENE = (
    "Randomized controlled trial of toremifene 120 mg compared with exemestane 25 mg after prior "
    "treatment with a non-steroidal aromatase inhibitor in postmenopausal women with hormone "
    "receptor-positive metastatic breast cancer. A total of 91 women was registered in the "
    "study and randomly assigned to either TOR120 (n = 46) or EXE (n = 45). When analyzed after "
    "a median observation period of 16.9 months, there was no statistical difference in terms "
    "of CBR (41.3% vs. 26.7%; P = 0.14)."
)


def test_the_comparators_figure_takes_no_main_drug(outcomes_nlp: Language) -> None:
    got = drugs_of(outcomes_nlp, TOREMIFENE)
    assert got["41.3%"] == "toremifene"
    assert got["26.7%"] is None  # exemestane's: it took toremifene


# the allocation names the control arm first, and the results keep that order
CONTROL_FIRST = (
    "Epirubicin-based chemotherapy as adjuvant treatment for poor prognosis, node-negative "
    "breast cancer: 10-year follow-up results of the French Adjuvant Study Group 03 trial. "
    "Between 1988 and 1994, 328 patients were randomized to receive either no systemic "
    "treatment (control, n = 161), or fluorouracil 500 mg/m(2), epirubicin 50 mg/m(2), "
    "cyclophosphamide 500 mg/m(2), 6 cycles every 21 days (FEC50, n = 167), without any "
    "hormonal treatment. The 10-year overall survival was not different (74.1 versus 70.7 %, "
    "p = 0.82)."
)


def test_the_study_arm_named_second_takes_the_second_figure(outcomes_nlp: Language) -> None:
    got = drugs_of(outcomes_nlp, CONTROL_FIRST)
    # the control's, not the main drug: the rows take the document's two arms in the order the
    # allocation gave them (`outcome_pair_series.carried_list_keys`), and their drug columns
    # the arms' names, as every row of an arm that is no drug mention does
    assert got["74.1"] == "control"
    assert got["70.7 %"] == "FEC50"


# two schedules of one drug: both groups were given tobramycin
SCHEDULES = (
    "Therapeutic drug monitoring of tobramycin: once-daily versus twice-daily dosage "
    "schedules. Patients undergoing treatment with i.v. tobramycin (4 mg/kg/day) were "
    "randomised to two groups. Group OD (n = 22) received a once-daily dose of tobramycin and "
    "group TD (n = 21) received the same dose divided into two doses daily. Increased serum "
    "creatinine was observed in 73% of patients in OD versus 57% of patients in TD, without "
    "evidence of nephrotoxicity."
)


def test_both_schedules_of_one_drug_take_it(outcomes_nlp: Language) -> None:
    got = drugs_of(outcomes_nlp, SCHEDULES)
    assert got["73% of patients"] == "tobramycin"
    assert got["57% of patients"] == "tobramycin"


# -- a title's combination: the study arm's drugs as the title joins them ---------------------

COMBINATION_DRUGS = [
    ("gemcitabine", "DRUG", "MESH:C056507"),
    ("vinorelbine", "DRUG", "MESH:C030852"),
    ("cisplatin", "DRUG", "MESH:D002945"),
    ("palbociclib", "DRUG", "MESH:C500026"),
    ("ketamine", "DRUG", "MESH:D007649"),
    ("lidocaine", "DRUG", "MESH:D008012"),
    ("capsaicin", "DRUG", "MESH:D002211"),
]


def combination_drugs(nlp: Language, text: str) -> dict[str, str | None]:
    """Each row's drug, by the row's text ("placebo" not tagged: "placebo-controlled")."""
    mentions = [(s, label, cid) for s, label, cid in DRUGS_HERE + COMBINATION_DRUGS
                if s.lower() in text.lower() and s != "placebo"]  # fmt: skip
    return {r["text"]: r["drug_text"] for r in run(nlp, text, mentions)._.outcomes}


def test_a_single_arm_combination_is_the_drug(outcomes_nlp: Language) -> None:
    # every patient had gemcitabine plus vinorelbine: the row names both, not gemcitabine alone
    text = (
        "Gemcitabine plus vinorelbine in nonsmall cell lung carcinoma patients age 70 years or "
        "older or patients who cannot receive cisplatin.\n"
        "Treatment was comprised of VNB, 25 mg/m(2), plus GEM, 1000 mg/m(2), both on Days 1, 8, "
        "and 15 every 28 days. Two patients attained a complete response (4%) and 11 patients "
        "(22%) achieved a partial response."
    )
    got = combination_drugs(outcomes_nlp, text)
    assert got["11 patients (22%)"] == "Gemcitabine plus vinorelbine"


def test_drugs_joined_by_and_before_versus_are_one_arm(outcomes_nlp: Language) -> None:
    text = (
        "Letrozole and palbociclib versus chemotherapy as neoadjuvant therapy of high-risk "
        "luminal breast cancer.\nOverall, 106 patients were randomised. Safety profile was as "
        "expected, with 2 versus 17 serious adverse events (including 11 grade 4 serious AEs in "
        "the chemotherapy arm)."
    )
    got = combination_drugs(outcomes_nlp, text)
    assert got["2"] == "Letrozole and palbociclib"  # (was "Letrozole")


def test_drugs_joined_by_and_alone_stay_apart(outcomes_nlp: Language) -> None:
    # two drugs compared, each against saline: "and" makes no arm of them
    text = (
        "Differential effects of systemically administered ketamine and lidocaine on dynamic "
        "and static hyperalgesia induced by intradermal capsaicin in humans.\n"
        "In a randomized, double-blind, placebo-controlled, crossover study, we studied 12 "
        "volunteers in three experiments."
    )
    assert combination_drugs(outcomes_nlp, text)["12 volunteers"] == "ketamine"


# -- the sentence's one drug, named for the first figure of a pair -----------------------------

PAIR_DRUGS = [
    ("dexamethasone", "DRUG", "MESH:D003907"),
    ("paclitaxel", "DRUG", "MESH:D017239"),
    ("lidocaine", "DRUG", "MESH:D008012"),
    ("marimastat", "DRUG", "MESH:C083306"),
]


def pair_drugs(nlp: Language, sentence: str) -> dict[str, str | None]:
    """Each row's drug in a sentence of a trial against placebo ("placebo" not tagged, as the
    tagger leaves it in these abstracts)."""
    mentions = [d for d in PAIR_DRUGS if d[0] in sentence.lower()]
    return {r["text"]: r["drug_text"] for r in run(nlp, sentence, mentions)._.outcomes}


def test_the_second_figure_is_not_the_first_arms_drug(outcomes_nlp: Language) -> None:
    got = pair_drugs(outcomes_nlp, (
        "There was a lower incidence of PONV in the patients who received dexamethasone than "
        "in those who received placebo during the 24-hour postoperative period (11.4% vs. "
        "20.7%, P=0.034)."
    ))  # fmt: skip
    assert got["11.4%"] == "dexamethasone"
    assert got["20.7%"] is None  # placebo's: it took dexamethasone


def test_a_drug_named_as_the_comparator_is_the_second_figures(outcomes_nlp: Language) -> None:
    got = pair_drugs(outcomes_nlp, (
        "ABI-007 demonstrated significantly higher response rates compared with standard "
        "paclitaxel (33% v 19%, respectively; P = .001)."
    ))  # fmt: skip
    assert got["19%"] == "paclitaxel"


def test_a_drug_named_after_the_control_arm_is_the_second_figures(
    outcomes_nlp: Language,
) -> None:
    got = pair_drugs(outcomes_nlp, (
        "In-hospital safety events were rare, and similar in the placebo and lidocaine arms "
        "(3% vs. 1%)."
    ))  # fmt: skip
    assert got["1%"] == "lidocaine"
    got = pair_drugs(outcomes_nlp, (
        "When comparing placebo with marimastat, there was no significant difference in PFS "
        "(median, 3.1 months v 4.7 months, respectively; hazard ratio, 1.26; 95% CI, 0.91 to "
        "1.74; P = .16)."
    ))  # fmt: skip
    assert got["4.7 months"] == "marimastat"


def test_one_arm_at_two_times_or_in_two_subgroups_keeps_its_drug(outcomes_nlp: Language) -> None:
    # a study of one drug: its pairs compare times or subgroups, not arms (helper R, session 33)
    lithium = [("lithium", "DRUG", "MESH:D008094")]
    for text in (
        "Lithium in bipolar disorder: an open-label study. Sixty patients received lithium. "
        "Relapse occurred in 20% at 6 months vs 35% at 12 months.",
        "Lithium in bipolar disorder. Sixty patients received lithium. Relapse was less "
        "frequent in women than in men (20% vs 35%).",
    ):
        rows = run(outcomes_nlp, text, lithium)._.outcomes
        assert [r["drug_text"] for r in rows if r["unit"] == "percent"] == ["Lithium", "Lithium"]


def test_drugs_an_allocation_names_apart_are_no_combination(outcomes_nlp: Language) -> None:
    # a three-arm title's "and" (helper R, session 33), not "Letrozole and palbociclib versus"
    mentions = [("celecoxib", "DRUG", "MESH:D000068579"), ("naproxen", "DRUG", "MESH:D009288")]
    text = (
        "Celecoxib and naproxen versus placebo for osteoarthritis of the knee. Patients were "
        "randomized to celecoxib, naproxen or placebo. The response rate was 45% vs 30%."
    )
    rows = run(outcomes_nlp, text, mentions)._.outcomes
    assert [r["drug_text"] for r in rows] == ["Celecoxib", None]
