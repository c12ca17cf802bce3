"""Mentions and concepts of sentences a new user tried (session 43 review, items 4-6), through the
whole pipeline as `biotab run` builds it."""

from __future__ import annotations

import pytest
from spacy.language import Language


def mentions(nlp: Language, text: str) -> list[tuple[str, str, str | None]]:
    return [(e.text, e.label_, e._.concept_id) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We enrolled patients with non-small-cell lung cancer.",
         ("non-small-cell lung cancer", "DISEASE", "MESH:D002289")),
        ("Patients with giant-cell arteritis were randomized.",
         ("giant-cell arteritis", "DISEASE", "MESH:D013700")),
        ("Patients with diffuse large-B-cell lymphoma received R-CHOP.",
         ("diffuse large-B-cell lymphoma", "DISEASE", "MESH:D016403")),
    ],
)
def test_hyphenated_disease_names_keep_their_concept(
    full_nlp: Language, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in mentions(full_nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the KB's own name (MeSH heading Hepatitis), not BC5CDR's drug-induced liver injury
        ("The patient developed hepatitis.", ("hepatitis", "DISEASE", "MESH:D006505")),
        ("Hepatitis was reported in 3 patients.", ("Hepatitis", "DISEASE", "MESH:D006505")),
        # a name the corpus annotated otherwise stays the corpus's when it is no heading
        ("Hepatotoxicity was not observed.",
         ("Hepatotoxicity", "DISEASE", "MESH:D056486")),
        ("Cirrhosis developed in 12 patients with chronic hepatitis C.",
         ("Cirrhosis", "DISEASE", "MESH:D008103")),
    ],
)
def test_common_disease_words_link_to_the_disease(
    full_nlp: Language, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in mentions(full_nlp, text)


def test_a_defined_abbreviation_is_no_gene_symbol(full_nlp: Language) -> None:
    # "LTG" is an HGNC alias of TNFSF14; the text defines it as lamotrigine
    got = mentions(
        full_nlp,
        "Patients treated with lamotrigine (LTG) experienced myoclonic jerks. "
        "LTG was withdrawn in three patients.",
    )
    assert [m for m in got if m[0] == "LTG"] == [("LTG", "DRUG", "MESH:D000077213")] * 2
    # a long form that is a cytokine keeps the cytokine
    got = mentions(full_nlp, "Patients received lymphotoxin (LT) blockade. LT levels fell.")
    assert [m[1] for m in got if m[0] == "LT"] == ["CYTOKINE", "CYTOKINE"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # MeSH names the drug only with its salt ("levothyroxine sodium")
        ("She was started on levothyroxine 50 mcg daily for hypothyroidism.",
         ("levothyroxine", "DRUG", "MESH:D013974")),
        # abbreviations trials write undefined
        ("Patients with T2DM were enrolled.", ("T2DM", "DISEASE", "MESH:D003924")),
        ("Patients with HFrEF were enrolled.", ("HFrEF", "DISEASE", "MESH:D054143")),
        ("Patients with heart failure with reduced ejection fraction were enrolled.",
         ("heart failure with reduced ejection fraction", "DISEASE", "MESH:D054143")),
        # a mention no name fits takes its head's concept, a broader one, rather than none
        ("Patients with community-acquired pneumonia were enrolled.",
         ("community-acquired pneumonia", "DISEASE", "MESH:D011014")),
    ],
)
def test_names_trials_use_are_found_and_linked(
    full_nlp: Language, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in mentions(full_nlp, text)


def test_no_mention_starts_with_a_bracket(full_nlp: Language) -> None:
    got = mentions(full_nlp, "Ouabain inhibits the cardiac (Na,K)-ATPase in the kidney.")
    assert not [m for m in got if m[0].startswith("(")]
    assert ("Na", "DRUG", "MESH:D012964") in got


def test_a_coordinated_mention_takes_no_head(full_nlp: Language) -> None:
    # the head of "breast and ovarian cancer" is one of the two diseases
    got = mentions(full_nlp, "Families with breast and ovarian cancer were studied.")
    assert ("breast and ovarian cancer", "DISEASE", None) in got


def test_a_drug_name_takes_no_head(full_nlp: Language) -> None:
    # the last words of a drug name name a chemical class: "nicotinic acid amide" is no Amides
    got = mentions(full_nlp, "Rats were given nicotinic acid amide in the diet.")
    assert all(cid != "MESH:D000577" for _, _, cid in got)
