"""biotab_language: document and sentence languages (ISO 639-1)."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly
from spacy.language import Language

from pipeline.components.language import LanguageDetector, dominant_script


@pytest.fixture(scope="module")
def detector(blank: Language) -> LanguageDetector:
    return LanguageDetector(blank, "biotab_language")


def non_english(doc_text: str, nlp: Language, detector: LanguageDetector) -> list[tuple[str, str]]:
    doc = detector(nlp(doc_text))
    return [(s._.language, s.text.strip()[:30]) for s in doc.sents if s._.language != "en"]


def test_seed_003_russian_title(
    blank: Language, detector: LanguageDetector, seeds_dir: Path
) -> None:
    text = (seeds_dir / "003_ec63e1dfcf8193dd.txt").read_text(encoding="utf-8")
    doc = detector(blank(text))
    assert doc._.language == "en"
    sents = list(doc.sents)
    assert sents[0]._.language == "ru" and sents[0].text.startswith("Лечение")
    assert all(s._.language == "en" for s in sents[1:])


def test_seed_004_catalan_licence(
    blank: Language, detector: LanguageDetector, seeds_dir: Path
) -> None:
    text = (seeds_dir / "004_f42307a9e4e55ef1.txt").read_text(encoding="utf-8")
    found = non_english(text, blank, detector)
    assert [lang for lang, _ in found] == ["ca", "ca", "ca"]
    assert found[0][1].startswith("Rights: Aquest document")


@pytest.mark.parametrize("name", ["000", "001", "002"])
def test_english_seeds_are_english(
    blank: Language, detector: LanguageDetector, seeds_dir: Path, name: str
) -> None:
    path = next(seeds_dir.glob(f"{name}_*.txt"))
    text = path.read_text(encoding="utf-8")
    assert non_english(text, blank, detector) == []


def test_drug_heavy_english_stays_english(blank: Language, detector: LanguageDetector) -> None:
    # py3langid alone calls the first one Danish and the second German, confidently
    text = (
        "Remifentanil pretreatment reduces myoclonus after etomidate. "
        "Pilocarpine seizures cause age-dependent impairment in auditory location "
        "discrimination. Rat extraocular muscle regeneration. Three patients died."
    )
    assert non_english(text, blank, detector) == []


def test_short_lines_take_the_document_language(
    blank: Language, detector: LanguageDetector
) -> None:
    text = "Ce traitement est efficace et bien toléré chez les patients. Oui. Merci beaucoup."
    doc = detector(blank(text))
    assert doc._.language == "fr"
    assert {s._.language for s in doc.sents} == {"fr"}


def test_scripts(detector: LanguageDetector) -> None:
    assert detector.sentence_language("Лечение", "en") == "ru"
    assert detector.sentence_language("Θεραπεία της ψωρίασης", "en") == "el"
    assert detector.sentence_language("乾癬の治療について", "en") == "ja"
    assert detector.sentence_language("银屑病的治疗", "en") == "zh"
    assert detector.sentence_language("12345 ; 67", "en") == "en"
    assert dominant_script("IL-1β and TNF-α") == "LATIN"


def test_whole_german_document(blank: Language, detector: LanguageDetector) -> None:
    text = (
        "Die Behandlung der Psoriasis mit Methotrexat wurde bei allen Patienten gut vertragen. "
        "Es traten keine schweren Nebenwirkungen auf."
    )
    doc = detector(blank(text))
    assert doc._.language == "de"
    assert {s._.language for s in doc.sents} == {"de"}


def test_doc_without_sentences(detector: LanguageDetector) -> None:
    from pipeline.nlp import blank_nlp

    doc = detector(blank_nlp()("Лечение алопеции и атопического дерматита"))
    assert doc._.language == "ru"
    assert doc[:]._.language == "ru"


def test_round_trip_to_disk(blank: Language, tmp_path: Path) -> None:
    original = LanguageDetector(blank, "l", default_language="ca", min_chars=40, min_words=6,
                                min_confidence=0.8, min_stopwords=3, languages=["en", "ca"])
    original.to_disk(tmp_path / "language")
    restored = LanguageDetector(blank, "l").from_disk(tmp_path / "language")
    assert restored.settings() == original.settings() != LanguageDetector(blank, "l").settings()
    assert restored.settings() == {"default_language": "ca", "min_chars": 40, "min_words": 6,
                                   "min_confidence": 0.8, "min_stopwords": 3,
                                   "languages": ["en", "ca"]}
    srsly.write_json(tmp_path / "language" / "language.json", {"min_chars": 3})
    with pytest.raises(ValueError, match="expected an object with keys"):
        LanguageDetector(blank, "l").from_disk(tmp_path / "language")


def test_factory_in_a_pipeline() -> None:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    nlp.add_pipe("biotab_language", config={"min_words": 3})
    doc = nlp("Лечение алопеции дупилумабом. Dupilumab caused hair growth in a young patient.")
    assert [s._.language for s in doc.sents] == ["ru", "en"]
