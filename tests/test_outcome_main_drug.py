"""The document's main drug, which a figure whose sentence names no drug takes, is the study's
own subject as a reader finds it (`outcome_main`): the title's drug, else the drug of the
allocation sentence, before the drug named most often; never a comparator, a drug of both
arms, a control arm or a word that names a class of drugs. Each abstract below names another
drug more often than its subject."""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from test_outcome_lexicon_words import shipped, without
from test_outcomes import run

import pipeline.components.outcomes as oc
from pipeline.components.outcome_rules import validate_lexicon

DRUGS = [
    ("levofloxacin", "DRUG", "MESH:D064704"),
    ("ofloxacin", "DRUG", "MESH:D015242"),
    ("letrozole", "DRUG", "MESH:D000077289"),
    ("tamoxifen", "DRUG", "MESH:D013629"),
    ("metformin", "DRUG", "MESH:D008687"),
    ("sulfonylureas", "DRUG", "MESH:D013453"),
    ("lamotrigine", "DRUG", "MESH:D000077213"),
    ("methylprednisolone", "DRUG", "MESH:D008775"),
    ("docetaxel", "DRUG", "MESH:D000077143"),
    ("doxorubicin", "DRUG", "MESH:D004317"),
    ("cyclophosphamide", "DRUG", "MESH:D003520"),
    ("nitrendipine", "DRUG", "MESH:D009568"),
    ("calcium", "DRUG", "MESH:D002118"),
    ("enalapril", "DRUG", "MESH:D004656"),
    ("ondansetron", "DRUG", "MESH:D017294"),
    ("anastrozole", "DRUG", "MESH:D000077384"),
    ("ibandronate", "DRUG", "MESH:D000077557"),
    ("nimodipine", "DRUG", "MESH:D009553"),
    ("NIMO", "DRUG", None),
    ("nitroglycerin", "DRUG", "MESH:D005996"),
    ("placebo", "DRUG", None),
]


def drug_of(nlp: Language, text: str, figure: str) -> Any:
    """The drug of the row whose text is `figure`."""
    doc = run(nlp, text, [(s, label, cid) for s, label, cid in DRUGS if s.lower() in text.lower()])
    found = [r["drug_text"] for r in doc._.outcomes if r["text"] == figure]
    assert found, [r["text"] for r in doc._.outcomes]
    return found[0]


# a trial of levofloxacin against ofloxacin, which the abstract names more often: the title says
# which is the trial's drug
TITLED_TRIAL = (
    "Levofloxacin for prophylaxis in breast cancer surgery compared with ofloxacin. "
    "Once-daily ofloxacin is the usual prophylaxis in our department, and ofloxacin is cheap. "
    "Levofloxacin has twice the antimicrobial activity of ofloxacin. "
    "We compared levofloxacin with ofloxacin in patients undergoing breast surgery. "
    "A total of 199 consecutive patients were enrolled between 1996 and 1999. "
    "Wound infection rates did not differ, and no ofloxacin toxicity was seen."
)


def test_the_titles_drug_over_a_comparator_named_more_often(outcomes_nlp: Language) -> None:
    assert drug_of(outcomes_nlp, TITLED_TRIAL, "199 consecutive patients") == "Levofloxacin"


# no drug in the title: the allocation names the experimental arm first
ALLOCATED_TRIAL = (
    "Adjuvant endocrine therapy in postmenopausal women with early breast cancer: a randomized "
    "trial. Tamoxifen has been the standard adjuvant therapy for two decades, and tamoxifen "
    "lowers the risk of recurrence by about a third. Side effects of tamoxifen limit its use. "
    "Women were randomly assigned to receive letrozole or tamoxifen for 5 years. "
    "Of the 400 women enrolled, 12 discontinued treatment within the first year."
)


def test_the_allocated_experimental_arm_over_the_comparator(outcomes_nlp: Language) -> None:
    assert drug_of(outcomes_nlp, ALLOCATED_TRIAL, "400 women") == "letrozole"


# a lay article: its headline names the drug the article is about
LAY_ARTICLE = (
    "Metformin may lower heart risk more than older diabetes pills\n"
    "People with type 2 diabetes who took sulfonylureas had more heart attacks than those who "
    "took metformin, a new study suggests. Sulfonylureas have been used since the 1950s, and "
    "many doctors still prescribe sulfonylureas first because sulfonylureas are cheap. Most "
    "sulfonylureas are taken once a day. "
    "The researchers followed 2,000 people for five years. "
    "Over that time, 120 people had a heart attack."
)


def test_a_lay_articles_headline_drug(outcomes_nlp: Language) -> None:
    assert drug_of(outcomes_nlp, LAY_ARTICLE, "120 people") == "Metformin"


# a case report: the drug that brought the reaction about, not the treatment named more often
CASE_REPORT = (
    "Lamotrigine-induced Stevens-Johnson syndrome: report of three cases.\n"
    "Three patients developed Stevens-Johnson syndrome within 4 weeks of starting lamotrigine. "
    "All were treated with intravenous methylprednisolone; methylprednisolone was then given "
    "orally, and oral methylprednisolone was tapered over 4 weeks. Two patients needed a second "
    "course of methylprednisolone, and methylprednisolone was stopped after 8 weeks. Two of the "
    "three patients recovered fully."
)

SINGLE_DRUG_CASE = (
    "Lamotrigine-induced Stevens-Johnson syndrome: two cases.\n"
    "Two women developed Stevens-Johnson syndrome within 3 weeks of starting lamotrigine for "
    "epilepsy. Both recovered after lamotrigine was stopped. Of the 2 women, 1 died of sepsis "
    "a year later."
)


def test_a_case_reports_culprit_over_its_treatment(outcomes_nlp: Language) -> None:
    assert drug_of(outcomes_nlp, CASE_REPORT, "Two of the three patients") == "Lamotrigine"


def test_a_drug_that_brought_the_disease_about_is_the_setting(outcomes_nlp: Language) -> None:
    # a trial against an induced disease: the drug given against it is the subject
    text = (
        "Prevention of anastrozole-induced bone loss with monthly oral ibandronate. "
        "Anastrozole lowers oestrogen, and bone loss is common with anastrozole. Women taking "
        "anastrozole for early breast cancer were randomly assigned to ibandronate or placebo. "
        "Of the 131 women enrolled, 119 completed 2 years."
    )
    assert drug_of(outcomes_nlp, text, "131 women") == "ibandronate"


def test_a_single_drug_case_report_keeps_its_drug(outcomes_nlp: Language) -> None:
    # (the only drug: as before; a guard that the title rule does not lose it)
    assert drug_of(outcomes_nlp, SINGLE_DRUG_CASE, "1") == "Lamotrigine"


def test_a_drug_of_both_arms_is_no_subject(outcomes_nlp: Language) -> None:
    # doxorubicin is in both arms (and named most): docetaxel is the drug the trial tests
    text = (
        "Doxorubicin and docetaxel versus doxorubicin and cyclophosphamide as primary therapy in "
        "breast cancer. Doxorubicin-based regimens are standard, and doxorubicin is given in both "
        "arms of this trial. The docetaxel arm was compared with the cyclophosphamide arm. "
        "In all, 363 women were enrolled at 23 centres."
    )
    # (given as the arm the title names it in: docetaxel's concept, the arm's words)
    assert drug_of(outcomes_nlp, text, "363 women") == "Doxorubicin and docetaxel"
    doc = run(outcomes_nlp, text, [d for d in DRUGS if d[0].lower() in text.lower()])
    row = next(r for r in doc._.outcomes if r["text"] == "363 women")
    assert row["drug_concept_id"] == "MESH:D000077143"  # docetaxel


def test_placebo_is_no_subject(outcomes_nlp: Language) -> None:
    text = (
        "Placebo-controlled study of nausea after surgery. "
        "Patients were randomly assigned to placebo or ondansetron before surgery. "
        "Placebo was given as saline, and the placebo group was told nothing. "
        "Of the 120 patients enrolled, 118 completed the study."
    )
    assert drug_of(outcomes_nlp, text, "120 patients") == "ondansetron"


# "calcium" only names the class of nitrendipine: the lexicon's drug_class_nouns say so
CLASS_TITLE = (
    "Effect of the calcium channel blocker nitrendipine on kidney injury in hypertensive rats. "
    "Rats were given enalapril, nitrendipine or no drug; enalapril lowered blood pressure more "
    "than nitrendipine, and enalapril protected the kidney. Enalapril was well tolerated, and "
    "enalapril doses were not changed. Enalapril kept its effect. Calcium intake was the same "
    "in all groups. Of the 30 rats, 7 died."
)


def test_a_class_word_before_a_drug_is_no_subject(outcomes_nlp: Language) -> None:
    assert drug_of(outcomes_nlp, CLASS_TITLE, "7") == "nitrendipine"


def test_the_class_nouns_are_the_lexicons(outcomes_nlp: Language) -> None:
    def drug(lexicon: dict[str, Any]) -> Any:
        comp = oc.OutcomeExtractor(outcomes_nlp)
        comp.set_rules(comp.cues, validate_lexicon(lexicon, "lexicon copy"))
        doc: Doc = outcomes_nlp.make_doc(CLASS_TITLE)
        ents = []
        for surface in ("calcium", "nitrendipine", "enalapril"):
            for m in re.finditer(surface, CLASS_TITLE, re.IGNORECASE):
                span = doc.char_span(m.start(), m.end(), label="DRUG")
                assert span is not None
                ents.append(span)
        doc.ents = sorted(ents, key=lambda e: e.start)
        for _, proc in outcomes_nlp.pipeline[:-1]:
            doc = proc(doc)
        got = comp(doc)._.outcomes
        return next(r["drug_text"] for r in got if r["text"] == "7")

    data = shipped()
    assert drug(data) == "nitrendipine"
    # without "blocker", "calcium" is the title's first drug
    assert drug(without(data, "drug_class_nouns", {"blocker", "blockers"})) == "calcium"


def test_a_drug_named_once_in_the_first_sentence_is_no_title(outcomes_nlp: Language) -> None:
    # an excerpt that opens on another study's sentence: its drug is not the text's subject
    # (as before the title rule; a guard of its narrowing to a drug the text names again)
    text = (
        "The effect of ondansetron on vomiting after surgery was small. "
        "Patients with renal failure received enalapril; enalapril was stopped in two and "
        "enalapril doses were halved in five. Enalapril was restarted later. "
        "Renal function improved in 14 of 20 patients."
    )
    assert drug_of(outcomes_nlp, text, "14 of 20 patients") == "enalapril"


def test_a_title_lines_drug_named_once(outcomes_nlp: Language) -> None:
    # a title on a line of its own is a title by its layout: its drug is the subject though
    # the abstract names it only by its short form
    text = (
        "Nimodipine prevents memory impairment after induced hypotension in mice.\n"
        "Hypotension was induced with nitroglycerin, and NIMO was given before nitroglycerin. "
        "Mice given nitroglycerin alone served as controls, and nitroglycerin doses were the "
        "same in all groups. NIMO was well tolerated. Of the 96 mice, 12 died."
    )
    assert drug_of(outcomes_nlp, text, "12") == "Nimodipine"


def test_a_total_takes_the_main_drug_its_sentence_names_after_it(outcomes_nlp: Language) -> None:
    # who was studied is named by a drug they had ("tamoxifen-treated"), the trial by the
    # title's drug the sentence then names: the total's drug is the trial's
    title = "Letrozole for hot flashes in women with breast cancer. "
    text = (title + "Forty women with hot flashes on tamoxifen were randomly assigned to receive "
            "letrozole (n = 20) or placebo (n = 20).")  # fmt: skip
    assert drug_of(outcomes_nlp, text, "Forty women") == "letrozole"
    # an arm's size named right after its drug, or a part after the total, keeps its own
    text = (title + "Eighty women were enrolled, with 40 women randomized to tamoxifen and 40 to "
            "letrozole.")  # fmt: skip
    assert drug_of(outcomes_nlp, text, "Eighty women") == "letrozole"
    assert drug_of(outcomes_nlp, text, "40 women") == "tamoxifen"
    text = title + "The women received tamoxifen (n = 15) or letrozole (n = 20)."
    assert drug_of(outcomes_nlp, text, "n = 15") == "tamoxifen"
