"""biotab_fuzzy: misspelled drug/disease names against a small names table (and the KB)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.fuzzy import FuzzyMatcher, Suffixes, read_names
from pipeline.labels import DISEASE, DRUG
from pipeline.paths import kb_dir
from pipeline.rules import RuleError

NAMES = [
    ["dupilumab", "MESH:C582203", "DRUG", "dupilumab"],
    ["lenalidomide", "MESH:D000077269", "DRUG", "Lenalidomide"],
    ["thalidomide", "MESH:D013792", "DRUG", "Thalidomide"],
    ["rituximab", "MESH:D000069283", "DRUG", "Rituximab"],
    ["dimethyl fumarate", "MESH:D000069462", "DRUG", "Dimethyl Fumarate"],
    ["dermatomyositis", "MESH:D003882", "DISEASE", "Dermatomyositis"],
    ["imatinib", "MESH:D000068877", "DRUG", "Imatinib Mesylate"],
]


@pytest.fixture(scope="module")
def fuzzy(blank: Language) -> FuzzyMatcher:
    return FuzzyMatcher(blank, "biotab_fuzzy", use_kb=False, names=NAMES)


def found(doc: Doc) -> list[tuple[str, str, str, str]]:
    return [(s.text, s.label_, s.id_, s._.concept_name) for s in doc.spans["fuzzy"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nine months after starting treatment with dumilumab, the patient grew hair.",
            ("dumilumab", "DRUG", "MESH:C582203", "dupilumab"),
        ),
        (
            "Oral lenalidomid (5 to 10 mg/day) was administered.",
            ("lenalidomid", "DRUG", "MESH:D000077269", "Lenalidomide"),
        ),
        (
            "Patients received rituximb for two years.",
            ("rituximb", "DRUG", "MESH:D000069283", "Rituximab"),
        ),
        (
            "She was switched to dimethyl fumerate last year.",
            ("dimethyl fumerate", "DRUG", "MESH:D000069462", "Dimethyl Fumarate"),
        ),
        (
            "Skin lesions of dermatomyosits improved.",
            ("dermatomyosits", "DISEASE", "MESH:D003882", "Dermatomyositis"),
        ),
    ],
)
def test_misspellings_are_found(
    blank: Language, fuzzy: FuzzyMatcher, text: str, expected: tuple[str, str, str, str]
) -> None:
    doc = fuzzy(blank(text))
    assert found(doc) == [expected]
    span = doc.spans["fuzzy"][0]
    assert span._.source == "fuzzy" and 0.8 < span._.score < 1.0


def test_seed_003_dumilumab(blank: Language, fuzzy: FuzzyMatcher, seeds_dir: Path) -> None:
    text = (seeds_dir / "003_ec63e1dfcf8193dd.txt").read_text(encoding="utf-8")
    doc = fuzzy(blank(text))
    assert {(s.text, s.id_) for s in doc.spans["fuzzy"]} == {("dumilumab", "MESH:C582203")}
    assert len(doc.spans["fuzzy"]) == 2  # both occurrences


def test_exact_names_and_short_strings_are_left_alone(blank: Language, fuzzy: FuzzyMatcher) -> None:
    doc = fuzzy(blank("Dupilumab and lenalidomide; imatinb; the drug was stopped."))
    # exact names are the lexicon's job; "imatinb" (7 letters) is within reach of imatinib
    assert found(doc) == [("imatinb", "DRUG", "MESH:D000068877", "Imatinib Mesylate")]
    assert fuzzy.match("lenalid") is None  # shape/length guard: no suffix, too far


def test_common_english_words_are_never_misspellings(blank: Language) -> None:
    fuzzy = FuzzyMatcher(blank, "f", use_kb=False, names=NAMES)
    assert fuzzy.match("dumilumab") is not None
    fuzzy.common_words = frozenset({"dumilumab"})
    fuzzy._cache.clear()
    assert fuzzy.match("dumilumab") is None
    assert "following" in FuzzyMatcher(blank, "g", use_kb=False).common_words


def test_ambiguous_match_gives_nothing(blank: Language) -> None:
    names = [
        ["abcximab", "MESH:D1", "DRUG", "one"],
        ["abdximab", "MESH:D2", "DRUG", "two"],
    ]
    fuzzy = FuzzyMatcher(blank, "f", use_kb=False, names=names)
    assert fuzzy.match("abeximab") is None  # one edit from both


def test_mentions_and_lexicon_spans_are_skipped(blank: Language, fuzzy: FuzzyMatcher) -> None:
    doc = blank("Treatment with dumilumab and lenalidomid.")
    doc.set_ents([Span(doc, 2, 3, label="DRUG")])
    doc.spans["lexicon"] = [Span(doc, 4, 5, label="DRUG")]
    fuzzy(doc)
    assert found(doc) == []
    # skip_ents off (biotab's pipeline sets it so): the model's mention is looked up too
    FuzzyMatcher(blank, "f", use_kb=False, names=NAMES, skip_ents=False)(doc)
    assert [s.text for s in doc.spans["fuzzy"]] == ["dumilumab"]


def test_proper_noun_in_mid_sentence(blank: Language, fuzzy: FuzzyMatcher) -> None:
    doc = fuzzy(blank("We met Dermatomyosits at the clinic; Dumilumab was given."))
    assert [s.text for s in doc.spans["fuzzy"]] == ["Dumilumab"]


def test_non_english_sentence_is_skipped(blank: Language, fuzzy: FuzzyMatcher) -> None:
    doc = blank("Лечение: dumilumab. Treatment: dumilumab.")
    next(iter(doc.sents))._.language = "ru"
    fuzzy(doc)
    assert [s.start_char for s in doc.spans["fuzzy"]] == [31]


def test_bad_names_are_rejected(blank: Language, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"names\[0\].*label is 'GENE'"):
        FuzzyMatcher(blank, "f", use_kb=False, names=[["dupilumab", "MESH:C582203", "GENE"]])
    path = tmp_path / "fuzzy_names.tsv"
    path.write_text("dupilumab\tMESH:C582203\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"fuzzy_names\.tsv:1"):
        read_names(path)


def test_round_trip_to_disk(blank: Language, tmp_path: Path) -> None:
    original = FuzzyMatcher(blank, "f", use_kb=False, names=NAMES, min_length=8, max_edits=2,
                            labels=["DRUG"], spans_key="misspelled", skip_span_keys=[],
                            exact_kb_aliases=True)  # (every setting other than its default)
    original.to_disk(tmp_path / "fuzzy")
    restored = FuzzyMatcher(blank, "f", use_kb=False).from_disk(tmp_path / "fuzzy")
    assert (restored.labels, restored.max_edits, restored.spans_key, restored.skip_span_keys,
            restored.exact_kb_aliases) == (("DRUG",), 2, "misspelled", [], True)
    assert restored.table == original.table and restored.min_length == 8
    assert restored.match("dumilumab") is not None
    # loaded again over a component in use: what it found with the old names is forgotten
    FuzzyMatcher(blank, "f", use_kb=False, names=NAMES[1:]).to_disk(tmp_path / "other")
    restored.from_disk(tmp_path / "other")
    assert restored.match("dumilumab") is None
    assert restored.match("lenalidomyde") is not None


def test_factory_with_names_config() -> None:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    nlp.add_pipe("biotab_fuzzy", config={"use_kb": False, "names": NAMES})
    doc = nlp("Treatment with dumilumab helped.")
    assert found(doc) == [("dumilumab", "DRUG", "MESH:C582203", "dupilumab")]


def test_with_the_knowledge_base(blank: Language) -> None:
    """The committed KB: the seed misspellings resolve to the real concepts."""
    if not (kb_dir() / "concepts.jsonl.gz").exists():
        pytest.skip("no compiled KB in models/kb")
    fuzzy = FuzzyMatcher(blank, "f")
    doc = fuzzy(blank("After dumilumab and oral lenalidomid, dermatomyosits improved."))
    got = {s.text: s._.concept_name.lower() for s in doc.spans["fuzzy"]}
    assert got == {
        "dumilumab": "dupilumab",
        "lenalidomid": "lenalidomide",
        "dermatomyosits": "dermatomyositis",
    }


def test_shipped_suffix_lists_load(blank: Language) -> None:
    """The shipped lists pass the checks; a drug suffix gives a word the drug shape."""
    suffixes = Suffixes.read()
    assert suffixes.drug and suffixes.disease
    fuzzy = FuzzyMatcher(blank, "f", use_kb=False)
    assert all(fuzzy.name_shape(f"xy{s}", DRUG) for s in suffixes.drug)
    assert all(fuzzy.name_shape(f"xy{s}", DISEASE) for s in suffixes.disease)


@pytest.mark.parametrize(
    ("setting", "lines", "bad_line", "expected"),
    [
        ("drug_suffixes_path", "mab\nNib\n", 2, "lower-case word"),
        ("drug_suffixes_path", "# endings\nmab\n\nab\n", 4, "at least 3 letters"),
        ("drug_suffixes_path", "mab\nti nib\n", 2, "lower-case word"),
        ("drug_suffixes_path", "mab\nnib\nmab\n", 3, "already on line 1"),
        ("common_words_path", "the\nTHE\n", 2, "lower-case word"),
        ("common_words_path", "the\n12\n", 2, "lower-case word"),
        ("common_words_path", "the\nof the\n", 2, "lower-case word"),
        ("common_words_path", "the\nand\nthe\n", 3, "already on line 1"),
    ],
)
def test_bad_word_list_is_rejected(
    blank: Language, tmp_path: Path, setting: str, lines: str, bad_line: int, expected: str
) -> None:
    """A suffix list or the common-words list with a bad line: a RuleError naming the file and
    line."""
    path = tmp_path / "words.txt"
    path.write_text(lines, encoding="utf-8")
    with pytest.raises(RuleError, match=rf"words\.txt:{bad_line}: .*{expected}"):
        FuzzyMatcher(blank, "f", use_kb=False, **{setting: str(path)})


def test_suffix_lists_from_config_and_to_disk(blank: Language, tmp_path: Path) -> None:
    """Configured lists decide what is looked up, and a saved component keeps them."""
    drug = tmp_path / "drug.txt"
    drug.write_text("ximab\n", encoding="utf-8")  # no -umab: "dumilumab" is no drug shape
    narrow = FuzzyMatcher(blank, "f", use_kb=False, names=NAMES, drug_suffixes_path=str(drug))
    assert narrow.match("rituximb") is not None
    assert narrow.match("dumilumab") is None
    assert FuzzyMatcher(blank, "f", use_kb=False, names=NAMES).match("dumilumab") is not None
    narrow.to_disk(tmp_path / "fuzzy")
    restored = FuzzyMatcher(blank, "f", use_kb=False).from_disk(tmp_path / "fuzzy")
    assert restored.suffixes.drug == ("ximab",)
    assert restored.suffixes.disease == narrow.suffixes.disease
    assert restored.match("dumilumab") is None and restored.match("rituximb") is not None
