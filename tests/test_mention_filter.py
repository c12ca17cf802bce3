"""biotab_mention_filter on hand-built Docs: junk dropped, class words kept, curated mentions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components import mention_filter
from pipeline.components.mention_filter import MentionFilter, load_filter_rules
from pipeline.paths import RULES_DIR
from pipeline.rules import RuleError

TEXT = (
    "Web of Science: 51 citations, Scopus: 60 citations\n"
    "Cortés Hernández, Josefina (Hospital Universitari Vall d'Hebron)\n"
    "Lenalidomide lowered CRP in cutaneous lupus; cytokines fell and telogen effluvium was seen.\n"
    "Published in: Arthritis research & therapy, Vol. 14, Issue 6, p. 1-9\n"
    "Scopus lists 1-9 trials."
)


def tagged(nlp: Language, spans: list[tuple[str, str]]) -> Doc:
    doc = nlp(TEXT)
    ents = []
    for text, label in spans:
        start = TEXT.index(text) if text != "Scopus" else TEXT.rindex(text)
        ents.append(doc.char_span(start, start + len(text), label=label))
    assert all(e is not None for e in ents), ents
    doc.ents = ents
    return doc


def test_junk_dropped_class_words_kept_curated_added(blank: Language) -> None:
    doc = tagged(blank, [
        ("Web of Science", "DISEASE"), ("Josefina", "DISEASE"), ("Lenalidomide", "DRUG"),
        ("CRP", "DRUG"), ("cutaneous lupus", "DISEASE"), ("cytokines", "CYTOKINE"),
        ("effluvium", "DRUG"), ("Arthritis", "DISEASE"), ("Scopus", "DISEASE"),
        ("1-9 trials", "DRUG"),
    ])
    doc = MentionFilter(blank, "filter")(doc)
    got = [(e.text, e.label_, e._.is_generic) for e in doc.ents]
    assert got == [  # a class word is kept, and left for the linker to mark
        ("Lenalidomide", "DRUG", False),
        ("cutaneous lupus", "DISEASE", False),
        ("cytokines", "CYTOKINE", False),
        ("telogen effluvium", "DISEASE", False),
        ("1-9 trials", "DRUG", False),  # only a whole text of digits is a number
    ]


def test_a_run_of_letters_no_word_has_is_no_mention(blank: Language) -> None:
    # random letters the model took for a drug (the tokenizer cuts long runs into pieces)
    letters = "qwhzkvmbxnrtplgfdcsjyaoeiu" * 4
    text = f"Patients received {letters} and {letters[:37]} daily for pain."
    doc = blank(text)
    doc.ents = [doc.char_span(18, 18 + len(letters), label="DRUG"),
                doc.char_span(text.index(" and ") + 5, text.index(" daily"), label="DRUG"),
                doc.char_span(text.index("pain"), text.index("pain") + 4, label="DISEASE")]
    doc = MentionFilter(blank, "filter")(doc)
    # (37 letters, as many as the longest real name has, stay)
    assert [(e.label_, len(e.text)) for e in doc.ents] == [("DRUG", 37), ("DISEASE", 4)]


def test_an_initial_is_no_mention(blank: Language) -> None:
    """The model took the initial of 'D. W. Melton' for a drug (NCBI-disease); 'vitamin D.' ends
    a sentence and stays."""
    text = ("HPRT-deficiency in mice may lead to self-mutilation [C. L. Wu and D. W. Melton (1993) "
            "Nature Genet. 3, 235-240]. Patients took vitamin D.")
    doc = blank(text)
    start = text.index("D. W.")
    doc.ents = [doc.char_span(start, start + 2, label="DRUG"),
                doc.char_span(text.index("vitamin D"), len(text), label="DRUG")]
    assert None not in doc.ents
    assert [e.text for e in MentionFilter(blank, "f")(doc).ents] == ["vitamin D."]


def test_a_long_line_is_never_metadata(blank: Language) -> None:
    text = "Published in: " + "cisplatin nephrotoxicity was studied. " * 20
    doc = blank(text)
    doc.ents = [doc.char_span(14, 23, label="DRUG")]
    assert [e.text for e in MentionFilter(blank, "f")(doc).ents] == ["cisplatin"]


def test_a_response_category_is_no_disease() -> None:
    # "PD" beside "CR" and "PR" is progressive disease; elsewhere it may be Parkinson's disease
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = "Responses were CR in 4, PR in 12 and PD in 9. Levodopa improved PD in 20 patients."
    doc = nlp(text)
    first, second = text.index("PD in 9"), text.rindex("PD in 20")
    doc.ents = [doc.char_span(first, first + 2, label="DISEASE"),
                doc.char_span(second, second + 2, label="DISEASE")]
    kept = MentionFilter(nlp, "filter")(doc).ents
    assert [(e.text, e.start_char) for e in kept] == [("PD", second)]


def test_rules_are_validated(tmp_path: Path) -> None:
    assert any(r["kind"] == "mention" for r in load_filter_rules())
    bad = tmp_path / "rules.jsonl"
    bad.write_text(json.dumps({"kind": "never_term", "term": ["x"]}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules.jsonl:1: missing key 'terms'"):
        load_filter_rules(bad)
    bad.write_text(json.dumps({"kind": "never_text", "regex": "("}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match="not a valid regex"):
        load_filter_rules(bad)
    bad.write_text(json.dumps({"kind": "junk"}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match="key 'kind' is 'junk'"):
        load_filter_rules(bad)
    # class words are the linker's (class_words.txt), no kind of these rules
    bad.write_text(json.dumps({"kind": "generic", "terms": ["cytokines"]}) + "\n",
                   encoding="utf-8")
    with pytest.raises(RuleError, match="key 'kind' is 'generic'"):
        load_filter_rules(bad)
    bad.write_text(json.dumps({"kind": "never_term", "terms": ["x"]}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match="one 'setting' line with keys 'max_metadata_line'"):
        load_filter_rules(bad)
    bad.write_text(json.dumps({"kind": "not_in_context", "terms": ["PD"], "context": []})
                   + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match="key 'context' must be a non-empty list"):
        load_filter_rules(bad)
    bad.write_text(json.dumps({"kind": "setting", "max_metadata_line": "400",
                               "metadata_kinds": ["record"]}) + "\n",
                   encoding="utf-8")
    with pytest.raises(RuleError, match="max_metadata_line"):
        load_filter_rules(bad)


@pytest.mark.parametrize(
    ("line", "mention", "kept"),
    [
        ("Hospital course was complicated by sepsis.", "sepsis", True),
        ("University hospital patients with asthma received montelukast.", "montelukast", True),
        ("Hospital course was complicated by sepsis, pneumonia and renal failure.", "sepsis",
         True),
        ("Department of Dermatology, University of Lyon, Lyon, France.", "Dermatology", False),
        ("Department of Medicine, Boston University, Boston, MA 02118, USA", "Medicine", False),
        ("Division of Hepatology, Charité Berlin. j.doe@charite.de", "Hepatology", False),
    ],
)
def test_affiliation_lines_need_an_address(
    blank: Language, line: str, mention: str, kept: bool
) -> None:
    text = f"Lenalidomide in lupus.\n{line}\n"
    doc = blank(text)
    start = text.index(mention)
    doc.ents = [doc.char_span(start, start + len(mention), label="DISEASE")]
    assert [e.text for e in MentionFilter(blank, "f")(doc).ents] == ([mention] if kept else [])


def test_round_trip(blank: Language, tmp_path: Path) -> None:
    rules = tmp_path / "rules.jsonl"  # the shipped rules and one more
    shipped = RULES_DIR / mention_filter.RULES_FILE
    rules.write_text(shipped.read_text(encoding="utf-8") + json.dumps(
        {"kind": "never_text", "regex": "(?i)^zebra$", "note": "a test"}) + "\n",
        encoding="utf-8")
    component = MentionFilter(blank, "f", rules_path=str(rules))
    component.to_disk(tmp_path / "f")
    loaded = MentionFilter(blank, "f").from_disk(tmp_path / "f")  # built with the shipped rules
    assert loaded.rules == component.rules != MentionFilter(blank, "f").rules
    doc = blank("Zebra and sepsis were seen.")
    doc.ents = [doc.char_span(0, 5, label="DISEASE"), doc.char_span(10, 16, label="DISEASE")]
    assert [e.text for e in loaded(doc).ents] == ["sepsis"]  # the saved rule drops "Zebra"


def test_no_mention_on_a_metadata_line(blank: Language) -> None:
    """Each kind of metadata line the filter reads loses its mentions; prose keeps them."""
    lines = [
        "Keywords: psoriasis, methotrexate, biologic therapy",
        "7. Novak P, Svoboda J, et al. Methotrexate in early arthritis: a randomized trial.",
        "Br J Dermatol. 2019;181(2):345-352.",
        "Copyright © 2019 The Authors. Published by the psoriasis society",
        "Br J Dermatol; 181(2); 345-352.",  # a title kind's ("citation"), not the filter's
        "Remission lasted as in the earlier trial of methotrexate (Lancet, 2019).",
    ]
    text = "\n".join(lines) + "\n"
    doc = blank(text)
    spans = []
    for line in lines:
        word = next(w for w in ("psoriasis", "Methotrexate", "methotrexate", "Dermatol")
                    if w in line)
        start = text.index(line) + line.index(word)
        spans.append(doc.char_span(start, start + len(word), label="DRUG"))
    doc.ents = spans
    kept = [(e.start_char, e.text) for e in MentionFilter(blank, "f")(doc).ents]
    assert kept == [(s.start_char, s.text) for s in spans[-2:]]


def test_bad_metadata_rules_are_refused(blank: Language, tmp_path: Path) -> None:
    """The filter and the sections read the one metadata file through the same validator."""
    from pipeline.components.sections import SectionTagger

    bad = tmp_path / "text_metadata.jsonl"
    shipped = (RULES_DIR / "text_metadata.jsonl").read_text(encoding="utf-8")
    bad.write_text(shipped + json.dumps(
        {"kind": "author", "pattern": "^x", "example": "x", "whole": True}) + "\n",
        encoding="utf-8")
    line = len(shipped.splitlines()) + 1
    message = rf"text_metadata.jsonl:{line}: unknown key 'whole' \(expected one of \["
    with pytest.raises(RuleError, match=message):
        MentionFilter(blank, "f", metadata_rules_path=str(bad))
    with pytest.raises(RuleError, match=message):
        SectionTagger(blank, "s", metadata_rules_path=str(bad))
