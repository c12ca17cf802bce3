"""The fusion rules on hand-built Docs: model, lexicon and abbreviation spans in, doc.ents out."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.fusion import Fusion


@pytest.fixture(scope="module")
def nlp(blank: Language) -> Language:
    from pipeline.nlp import add_abbreviation_detector, blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    add_abbreviation_detector(nlp)
    return nlp


def span(doc: Doc, text: str, label: str, concept: str = "", nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(text, start + 1)
    result = doc.char_span(start, start + len(text), label=label, span_id=concept)
    assert result is not None, text
    return result


def ents(doc: Doc) -> list[tuple[str, str, str | None, str]]:
    return [(e.text, e.label_, e._.concept_id, e._.source) for e in doc.ents]


def test_agreement_keeps_lexicon_concept_and_model_boundaries_win(nlp: Language) -> None:
    doc = nlp("Lenalidomide was given for refractory cutaneous lupus erythematosus.")
    doc.ents = [span(doc, "Lenalidomide", "DRUG"),
                span(doc, "cutaneous lupus erythematosus", "DISEASE")]
    doc.spans["lexicon"] = [span(doc, "Lenalidomide", "DRUG", "MESH:D000077269"),
                            span(doc, "lupus erythematosus", "DISEASE", "MESH:D008180")]
    Fusion(nlp, "f")(doc)
    assert ents(doc) == [
        ("Lenalidomide", "DRUG", "MESH:D000077269", "model+lexicon"),
        ("cutaneous lupus erythematosus", "DISEASE", None, "model"),
    ]


def test_lexicon_cytokine_beats_model_and_lexicon_only_kept(nlp: Language) -> None:
    doc = nlp("Levels of interleukin-6 rose in patients with sepsis.")
    doc.ents = [span(doc, "interleukin-6", "DRUG")]
    doc.spans["lexicon"] = [span(doc, "interleukin-6", "CYTOKINE", "HGNC:6018"),
                            span(doc, "sepsis", "DISEASE", "MESH:D018805")]
    Fusion(nlp, "f")(doc)
    assert ents(doc) == [
        ("interleukin-6", "CYTOKINE", "HGNC:6018", "lexicon"),
        ("sepsis", "DISEASE", "MESH:D018805", "lexicon"),
    ]


def test_abbreviation_takes_long_form_everywhere(nlp: Language) -> None:
    text = ("Aldara should be used with caution in multiple sclerosis (MS). "
            "MS patients need monitoring. The CLASI (Cutaneous Lupus Area and Severity Index) "
            "score fell.")
    doc = nlp(text)
    doc.spans["lexicon"] = [span(doc, "multiple sclerosis", "DISEASE", "MESH:D009103")]
    # The model tagged the short form of a non-mention: it must go.
    doc.ents = [span(doc, "CLASI", "DISEASE")]
    Fusion(nlp, "f")(doc)
    got = [(e.text, e.label_, e._.concept_id, e._.source, e._.long_form_text) for e in doc.ents]
    assert got == [
        ("multiple sclerosis", "DISEASE", "MESH:D009103", "lexicon", None),
        ("MS", "DISEASE", "MESH:D009103", "abbreviation", "multiple sclerosis"),
        ("MS", "DISEASE", "MESH:D009103", "abbreviation", "multiple sclerosis"),
    ]
    assert all(e._.is_abbreviation for e in doc.ents[1:])


def test_propagation_generic_words_and_scores(nlp: Language) -> None:
    doc = nlp(
        "Thalidomide causes neuropathy. Neuropathy and disease were frequent with thalidomide."
    )
    doc.ents = [span(doc, "Thalidomide", "DRUG"), span(doc, "neuropathy", "DISEASE"),
                span(doc, "disease", "DISEASE")]
    Fusion(nlp, "f", scores={"model": 0.8, "propagated": 0.7})(doc)
    got = [(e.text, e._.source, e._.score) for e in doc.ents]
    assert got == [
        ("Thalidomide", "model", 0.8),
        ("neuropathy", "model", 0.8),
        ("Neuropathy", "propagated", 0.7),
        ("thalidomide", "propagated", 0.7),
    ]
    doc.ents = [span(doc, "Thalidomide", "DRUG"), span(doc, "neuropathy", "DISEASE")]
    Fusion(nlp, "f", propagate=False)(doc)  # propagation off: the tagged mentions alone
    assert [(e.text, e._.source) for e in doc.ents] == [("Thalidomide", "model"),
                                                        ("neuropathy", "model")]


def test_non_english_sentences_are_dropped(nlp: Language) -> None:
    doc = nlp("Лечение алопеции дупилумабом.\nDupilumab treated atopic dermatitis.")
    sents = list(doc.sents)
    sents[0]._.language = "ru"
    sents[1]._.language = "en"
    doc.spans["lexicon"] = [span(doc, "алопеции", "DISEASE"), span(doc, "Dupilumab", "DRUG")]
    Fusion(nlp, "f")(doc)
    assert [e.text for e in doc.ents] == ["Dupilumab"]


def test_round_trip_and_bad_config(nlp: Language, tmp_path: Path) -> None:
    """Scores, generic terms and class concepts other than the shipped ones are saved and read
    back (their files gone) into a component made with the shipped ones."""
    terms, classes = tmp_path / "terms.txt", tmp_path / "classes.txt"
    terms.write_text("inflammation\n", encoding="utf-8")
    classes.write_text("MESH:D005938\n", encoding="utf-8")  # glucocorticoids, no other class
    fusion = Fusion(nlp, "f", scores={"model": 0.81}, generic_terms_path=str(terms),
                    class_concepts_path=str(classes))
    fusion.to_disk(tmp_path / "fusion")
    terms.unlink()
    classes.unlink()
    branches = ["D01", "D02", "D03", "D04"]  # (a class the model did not tag: kept if listed)
    shipped = Fusion(nlp, "g", lexicon_only_drug_branches=branches)
    again = Fusion(nlp, "g", lexicon_only_drug_branches=branches).from_disk(tmp_path / "fusion")
    assert again.scores["model"] == 0.81
    assert again.generic_terms == {"inflammation"} != shipped.generic_terms

    def fused(fusion: Fusion) -> list[str]:
        doc = nlp("Inflammation persisted on immunosuppressants and glucocorticoids.")
        doc.spans["lexicon"] = [span(doc, "Inflammation", "DISEASE", "MESH:D007249"),
                                span(doc, "immunosuppressants", "DRUG", "MESH:D007166"),
                                span(doc, "glucocorticoids", "DRUG", "MESH:D005938")]
        return [e.text for e in fusion(doc).ents]

    assert fused(again) == ["glucocorticoids"]
    assert fused(shipped) == ["Inflammation", "immunosuppressants"]
    with pytest.raises(ValueError, match="unknown score source"):
        Fusion(nlp, "f", scores={"modle": 0.8})


def test_longer_lexicon_and_same_span_fuzzy_win(nlp: Language) -> None:
    doc = nlp("Glatiramer acetate was switched to dumilumab.")
    doc.ents = [span(doc, "acetate", "DRUG"), span(doc, "dumilumab", "DISEASE")]
    doc.spans["lexicon"] = [span(doc, "Glatiramer acetate", "DRUG", "MESH:D000068717")]
    fuzzy = span(doc, "dumilumab", "DRUG", "MESH:C582203")
    fuzzy._.score = 0.889
    doc.spans["fuzzy"] = [fuzzy]
    Fusion(nlp, "f")(doc)
    assert ents(doc) == [
        ("Glatiramer acetate", "DRUG", "MESH:D000068717", "lexicon"),
        ("dumilumab", "DRUG", "MESH:C582203", "fuzzy"),
    ]
    doc.ents = [span(doc, "acetate", "DRUG")]
    Fusion(nlp, "f", prefer_longer_lexicon=False)(doc)
    assert ents(doc)[0] == ("acetate", "DRUG", None, "model")


def test_many_mentions_cost_linear_work(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document of thousands of mentions (a drug list, a formulary): each model span is
    compared with the dictionary spans near it, not with all of them."""
    from pipeline.components import fusion

    calls = 0
    overlaps = fusion.Candidate.overlaps

    def counted(self: fusion.Candidate, other: fusion.Candidate) -> bool:
        nonlocal calls
        calls += 1
        return overlaps(self, other)

    monkeypatch.setattr(fusion.Candidate, "overlaps", counted)
    n = 2000
    doc = nlp("Patients took aspirin, heparin and the rest. " + "aspirin and heparin " * n)
    words = [t for t in doc if t.text in ("aspirin", "heparin")]
    doc.ents = [Span(doc, t.i, t.i + 1, label="DRUG") for t in words[::2]]  # every aspirin
    ids = {"aspirin": "MESH:D001241", "heparin": "MESH:D006493"}
    doc.spans["lexicon"] = [Span(doc, t.i, t.i + 1, label="DRUG", span_id=ids[t.text])
                            for t in words]  # fmt: skip
    Fusion(nlp, "f")(doc)
    assert len(doc.ents) == len(words)  # each aspirin agreed, each heparin the lexicon's alone
    assert {e._.source for e in doc.ents} == {"model+lexicon", "lexicon"}
    assert calls < 10 * len(words), calls


def test_lexicon_only_drugs_kept_by_chemical_branch(nlp: Language) -> None:
    text = ("Hemoglobin fell on dimethyl fumarate and dupilumab in psoriasis, as on "
            "immunosuppressants, glucocorticoids and a monoclonal antibody.")
    lexicon = [("Hemoglobin", "DRUG", "MESH:D006454"),  # D12 proteins: an analyte here
               ("dimethyl fumarate", "DRUG", "MESH:D000069462"),  # D02 organic chemicals
               ("dupilumab", "DRUG", "MESH:C582203"),  # a supplementary concept
               ("psoriasis", "DISEASE", "MESH:D011565"),
               # drug classes listed by id in kb_class_concepts.txt are kept; one known by
               # its class tree (D27.505) alone is not
               ("immunosuppressants", "DRUG", "MESH:D007166"),
               ("glucocorticoids", "DRUG", "MESH:D005938"),
               ("monoclonal antibody", "DRUG", "MESH:D000911")]

    def fused(**config: object) -> list[str]:
        doc = nlp(text)
        doc.spans["lexicon"] = [span(doc, t, label, cid) for t, label, cid in lexicon]
        Fusion(nlp, "f", **config)(doc)  # type: ignore[arg-type]
        return [e.text for e in doc.ents]

    everything = ["Hemoglobin", "dimethyl fumarate", "dupilumab", "psoriasis",
                  "immunosuppressants", "glucocorticoids", "monoclonal antibody"]
    assert fused() == everything
    assert fused(lexicon_only_drug_branches=["D01", "D02", "D03", "D04"]) == [
        "dimethyl fumarate", "dupilumab", "psoriasis", "immunosuppressants",
        "monoclonal antibody"]
    assert fused(keep_lexicon_only=False) == []
    with pytest.raises(ValueError, match="lexicon_only_drug_branches is"):
        Fusion(nlp, "f", lexicon_only_drug_branches=[2])  # type: ignore[list-item]


def test_abbreviation_detector_is_quiet_on_text_without_abbreviations(nlp: Language) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # spaCy's W036 ("matcher has no patterns") would raise
        doc = nlp("No abbreviation is defined in this sentence.")
    assert doc._.abbreviations == []
    doc = nlp("Cutaneous lupus erythematosus (CLE) improved; CLE relapsed.")
    assert [(a.text, str(a._.long_form)) for a in doc._.abbreviations] == [
        ("CLE", "Cutaneous lupus erythematosus"), ("CLE", "Cutaneous lupus erythematosus"),
    ]


def abbreviations(doc: Doc) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.text, e.label_, e._.concept_id, e._.long_form_text)
            for e in doc.ents if e._.is_abbreviation]


def test_bracketed_short_forms_scispacy_misses(nlp: Language) -> None:
    text = ("Serum testosterone (T) fell after aspirin (acetylsalicylic acid [ASA]). "
            "T stayed low while ASA was given with vitamin C and cyclophosphamide (C).")
    doc = nlp(text)
    assert {a.text for a in doc._.abbreviations} == set()  # what scispacy finds here
    doc.spans["lexicon"] = [
        span(doc, "testosterone", "DRUG", "MESH:D013739"),
        span(doc, "aspirin", "DRUG", "MESH:D001241"),
        span(doc, "acetylsalicylic acid", "DRUG", "MESH:D001241"),
        span(doc, "vitamin C", "DRUG", "MESH:D001205"),
        span(doc, "cyclophosphamide", "DRUG", "MESH:D003520"),
    ]
    Fusion(nlp, "f")(doc)
    t, asa = ("T", "DRUG", "MESH:D013739", "testosterone"), (
        "ASA", "DRUG", "MESH:D001241", "acetylsalicylic acid")
    c = ("C", "DRUG", "MESH:D003520", "cyclophosphamide")
    # the "C" of the dictionary name "vitamin C" stays part of it
    assert abbreviations(doc) == [t, asa, t, asa, c]
    assert "vitamin C" in [e.text for e in doc.ents]


def test_bracketed_short_form_must_start_like_its_long_form(nlp: Language) -> None:
    doc = nlp("Pregnenolone is a modulator of gamma-aminobutyric acid (A) receptors.")
    doc.ents = [span(doc, "Pregnenolone", "DRUG"), span(doc, "gamma-aminobutyric acid", "DRUG")]
    Fusion(nlp, "f")(doc)
    assert abbreviations(doc) == []
    assert [e.text for e in doc.ents] == ["Pregnenolone", "gamma-aminobutyric acid"]


def test_short_form_of_a_long_form_ending_in_a_mention(nlp: Language) -> None:
    text = ("Amantadine reduced levodopa-induced peak-dose dyskinesias (LID) without worsening "
            "parkinsonism; LID returned on withdrawal. The Expanded Clinical Evaluation of "
            "Lovastatin (EXCEL) study enrolled 8245 patients, and EXCEL found no myopathy.")
    doc = nlp(text)
    assert [(a.text, str(a._.long_form)) for a in doc._.abbreviations][::2] == [
        ("LID", "levodopa-induced peak-dose dyskinesias"),
        ("EXCEL", "Expanded Clinical Evaluation of Lovastatin"),
    ]
    doc.ents = [span(doc, "Amantadine", "DRUG"), span(doc, "dyskinesias", "DISEASE"),
                span(doc, "parkinsonism", "DISEASE"), span(doc, "Lovastatin", "DRUG"),
                span(doc, "myopathy", "DISEASE")]
    doc.spans["lexicon"] = [span(doc, "dyskinesias", "DISEASE", "MESH:D004409")]
    Fusion(nlp, "f")(doc)
    # LID is a kind of dyskinesia: the label, not the concept of "dyskinesias" alone (the
    # linker looks up the whole long form); EXCEL, a study of lovastatin, is no drug.
    lid = ("LID", "DISEASE", None, "levodopa-induced peak-dose dyskinesias")
    assert abbreviations(doc) == [lid, lid]
    assert "EXCEL" not in [e.text for e in doc.ents]


def test_schwartz_hearst_letter_test() -> None:
    from pipeline.components.fusion_definitions import defines, looks_like_short_form

    assert defines("acetylsalicylic acid", "ASA")
    assert defines("combined oral contraceptives", "COCs")
    assert defines("testosterone", "T")
    assert not defines("cyclosporine", "CsA")  # no "a" in the long form
    assert not defines("cisplatin", "P")  # "p" does not start a word
    assert looks_like_short_form("NSAIDs") and looks_like_short_form("5-HT") is False
    assert not looks_like_short_form("n") and not looks_like_short_form("ip")


def test_short_form_names_the_long_forms_last_word(nlp: Language) -> None:
    doc = nlp("Glutamic acid decarboxylase (GAD) rose with valproic acid; GAD fell later.")
    assert [str(a._.long_form) for a in doc._.abbreviations][:1] == [
        "Glutamic acid decarboxylase"
    ]
    doc.spans["lexicon"] = [span(doc, "Glutamic acid", "DRUG", "MESH:D018698"),
                            span(doc, "valproic acid", "DRUG", "MESH:D014635")]
    doc.ents = [span(doc, "GAD", "DRUG", nth=1)]
    # as build_nlp configures it for the shipped model (the KB names the enzyme, a DRUG)
    Fusion(nlp, "f", lookup_long_forms=False)(doc)
    # GAD is the enzyme, not the amino acid; what tagged it is dropped with it
    assert [e.text for e in doc.ents] == ["Glutamic acid", "valproic acid"]


EXCEL_TEXT = ("The Expanded Clinical Evaluation of Lovastatin (EXCEL) study enrolled 8245 "
              "patients, and EXCEL found no myopathy.")


def excel_mentions(nlp: Language, fusion: Fusion) -> list[str]:
    """The mentions `fusion` makes of EXCEL_TEXT with "Lovastatin" tagged DRUG."""
    doc = nlp(EXCEL_TEXT)
    doc.ents = [span(doc, "Lovastatin", "DRUG")]
    fusion(doc)
    return [e.text for e in doc.ents]


def test_function_words_come_from_the_rule_file(nlp: Language, tmp_path: Path) -> None:
    from pipeline.components.fusion import FUNCTION_WORDS_FILE
    from pipeline.paths import rule_file
    from pipeline.rules import read_word_list

    shipped = Fusion(nlp, "f")
    assert shipped.function_words == frozenset(read_word_list(rule_file(FUNCTION_WORDS_FILE)))
    assert {"of", "the"} <= shipped.function_words
    assert "EXCEL" not in excel_mentions(nlp, shipped)  # "of" before the head Lovastatin
    words = tmp_path / "words.txt"
    words.write_text("# without 'of'\nthe\nand\n", encoding="utf-8")
    custom = Fusion(nlp, "f", function_words_path=str(words))
    assert custom.function_words == {"the", "and"}
    assert excel_mentions(nlp, custom).count("EXCEL") == 2
    # a saved component restores its list; one saved without the file keeps the shipped one
    custom.to_disk(tmp_path / "saved")
    assert Fusion(nlp, "g").from_disk(tmp_path / "saved").function_words == {"the", "and"}
    (tmp_path / "saved" / FUNCTION_WORDS_FILE).unlink()
    again = Fusion(nlp, "g").from_disk(tmp_path / "saved")
    assert again.function_words == shipped.function_words


@pytest.mark.parametrize(("setting", "lines", "message"), [
    ("function_words_path", "of\nin\nof\n", r"words\.txt:3: 'of' is already on line 1"),
    ("function_words_path", "of\nin front\n",
     r"words\.txt:2: got 'in front'; expected one lower-case word"),
    ("function_words_path", "of\nThe\n", r"words\.txt:2: got 'The'"),
    ("generic_terms_path", "death\nbody weight\ndeath\n",
     r"words\.txt:3: 'death' is already on line 1"),
    ("generic_terms_path", "death\nDisease \n",
     r"words\.txt:2: got 'Disease '; expected lower-case words"),
    ("generic_terms_path", "death\nbody  weight\n", r"words\.txt:2: got 'body  weight'"),
    ("generic_terms_path", "death\n12\n", r"words\.txt:2: got '12'"),
])
def test_bad_word_list(nlp: Language, tmp_path: Path, setting: str, lines: str,
                       message: str) -> None:
    """The function words (one word a line) or the generic terms (words a line: "body
    weight") with a bad line: a RuleError naming the file and line."""
    from pipeline.rules import RuleError

    words = tmp_path / "words.txt"
    words.write_text(lines, encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        Fusion(nlp, "f", **{setting: str(words)})


def test_generic_terms_of_several_words(nlp: Language, tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("# a comment\ndeath\n\nbody weight\n", encoding="utf-8")
    assert Fusion(nlp, "f", generic_terms_path=str(terms)).generic_terms == {"death",
                                                                             "body weight"}


def test_overlaps_are_those_a_scan_finds() -> None:
    """`Overlaps` (bisect by start) against the plain definition on random spans: the same
    candidates, in the list's order."""
    import random

    from pipeline.components.fusion_definitions import Candidate, Overlaps

    rng = random.Random(20)
    for _ in range(300):
        cands = []
        for _ in range(rng.randint(0, 30)):
            start = rng.randint(0, 60)
            cands.append(Candidate(start, start + rng.randint(1, 6), "DRUG", "lexicon", None, 1.0))
        find = Overlaps(cands)
        for _ in range(10):
            start = rng.randint(0, 60)
            span = Candidate(start, start + rng.randint(1, 6), "DRUG", "model", None, 1.0)
            expected = [(i, c) for i, c in enumerate(cands) if c.overlaps(span)]
            assert find(span) == expected
