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
    assert got["74.1"] is None  # the control's
    assert got["70.7 %"] == "Epirubicin"


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
