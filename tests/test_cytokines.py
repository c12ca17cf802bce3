"""biotab_cytokines: finding, cleaning and normalizing cytokine mentions on hand-built Docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_rule_errors, load_benchmark
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.cytokines import (
    DEFAULT_TABLE,
    CytokineNormalizer,
    cytokine_key,
    read_table,
)
from pipeline.paths import kb_dir


@pytest.fixture(scope="module")
def cytokines(blank: Language) -> CytokineNormalizer:
    return CytokineNormalizer(blank, "biotab_cytokines", use_kb=False)


def with_ents(nlp: Language, text: str, ents: list[tuple[str, str]]) -> Doc:
    """`text` with (mention, label) ents set by hand, as the lexicon/fusion would."""
    doc = nlp(text)
    spans, pos = [], 0
    for mention, label in ents:
        start = text.index(mention, pos)
        span = doc.char_span(start, start + len(mention), label=label)
        assert span is not None, mention
        spans.append(span)
        pos = start + len(mention)
    doc.set_ents(spans)
    return doc


def mentions(doc: Doc) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.text, e.label_, e._.concept_id, e._.concept_name) for e in doc.ents]


# ------------------------------------------------------------------------------ the key
@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("IL-1β", "il1b"),
        ("IL-1 beta", "il1b"),
        ("IL1B", "il1b"),
        ("interleukin-1 beta", "il1b"),
        ("interleukin (IL)-10", "il10"),
        ("TNF-α", "tnfa"),
        ("tumour necrosis factor alpha", "tnfa"),
        ("tumor necrosis factor (TNF)-alpha", "tnfa"),
        ("IFN-γ", "ifng"),
        ("interferon gamma", "ifng"),
        ("rIL-2", "il2"),
        ("rhGM-CSF", "gmcsf"),
        ("granulocyte-macrophage colony-stimulating factor", "gmcsf"),
        ("IL-12 p40", "il12p40"),
        ("peginterferon alfa-2a", "pegifna2a"),
    ],
)
def test_cytokine_key(spelling: str, key: str) -> None:
    assert cytokine_key(spelling) == key


def test_key_rewrites_come_from_the_rule_file(tmp_path: Path) -> None:
    from pipeline.components.cytokine_table import key_rewrites

    shipped = [(p.pattern.removeprefix("(?<![a-z])"), rep) for p, rep in key_rewrites()]
    end = "(?:(?<=[ ])|(?![a-z]))"
    assert (f"interleukin{end}", "il") in shipped
    assert shipped.index((f"beta{end}", "b")) > shipped.index(
        (f"interferon{end}", "ifn")
    )  # file order: the names shortened first, then the Greek names
    assert cytokine_key("macrophage inflammatory protein-1 alpha") == "mip1a"
    rewrites = tmp_path / "rewrites.tsv"
    rewrites.write_text(
        "# test\npattern\treplacement\nstem cell factor\tscf\n^human[ ]\t\n", encoding="utf-8"
    )
    custom = key_rewrites(rewrites)
    assert [rep for _, rep in custom] == ["scf", ""]
    assert custom[0][0].sub("scf", "stem cell factor 1") == "scf 1"
    assert custom[0][0].sub("scf", "stem cell factors") == "stem cell factors"  # whole words
    # a pattern ending in a space applies before the next word, a letter
    assert custom[1][0].sub("", "human scf 1") == "scf 1"
    assert custom[1][0].sub("", "humane scf") == "humane scf"


@pytest.mark.parametrize(("spelling", "key"), [
    ("recombinant human IL-2", "il2"),
    ("recombinant murine IFN-gamma", "ifng"),
    ("Recombinant IL-2", "il2"),
    ("human interferon beta", "ifnb"),
    ("rhIL-2", "il2"),
    ("rIFN-gamma", "ifng"),
    ("hTNF", "tnf"),
])
def test_recombinant_and_human_are_left_out_of_the_key(spelling: str, key: str) -> None:
    """The rewrites "recombinant (human )" and "^human " end in a space, which a letter always
    follows: they never applied ("recombinanthumanil2")."""
    assert cytokine_key(spelling) == key


def test_recombinant_human_cytokine_is_one_mention(
    blank: Language, cytokines: CytokineNormalizer
) -> None:
    doc = cytokines(blank("Patients received recombinant human IL-2 for 5 days."))
    assert [(e.text, e.label_, e._.concept_id) for e in doc.ents] == [
        ("recombinant human IL-2", "CYTOKINE", "HGNC:6001")
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("interferon\tifn\tx", r"rewrites\.tsv:4: 3 tab-separated cells"),
        ("\tifn", r"rewrites\.tsv:4: column 'pattern' is empty"),
        ("interleukin\til", r"rewrites\.tsv:4: 'interleukin' is already on line 3"),
        ("interferon (gamma\tifn", r"rewrites\.tsv:4: column 'pattern' 'interferon \(gamma'"),
        ("interferon\tIFN", r"rewrites\.tsv:4: column 'replacement' is 'IFN'"),
        ("interferon \tifn", r"rewrites\.tsv:4: column 'pattern' is 'interferon '; expected no"),
    ],
)
def test_bad_key_rewrites(tmp_path: Path, row: str, message: str) -> None:
    from pipeline.components.cytokine_table import key_rewrites
    from pipeline.rules import RuleError

    path = tmp_path / "rewrites.tsv"
    path.write_text(f"pattern\treplacement\n# ok\ninterleukin\til\n{row}\n", encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        key_rewrites(path)


def test_every_greek_letter_is_spelled_out_alike() -> None:
    """One table of Greek letters (rules/greek_letters.tsv) for the KB's normalizer and the
    cytokine key and grammar: a letter written or spelled out gives the same key."""
    from pipeline.components.cytokine_grammar import CytokineGrammar
    from pipeline.components.cytokine_table import CytokineEntry
    from pipeline.kb import normalize_term
    from pipeline.kb.normalize import GREEK_LETTERS

    assert len(GREEK_LETTERS) == 25 and GREEK_LETTERS["ς"] == GREEK_LETTERS["σ"] == "sigma"
    for letter, name in GREEK_LETTERS.items():
        assert normalize_term(f"IL-1{letter}") == f"il 1 {name}"
        assert cytokine_key(f"IL-1{letter}") == cytokine_key(f"IL-1 {name}")
    # a table spelling with a letter's name is found with the letter written, and the
    # structural IL pattern takes any letter
    grammar = CytokineGrammar([
        CytokineEntry("IFN-tau", "MESH:D000001", "Interferon tau", "family"),
        CytokineEntry("IL-1 pi", "MESH:D000002", "Interleukin pi", "family"),
    ])
    text = "IFN-τ and IL-1π rose."
    assert [text[f.start_char:f.end_char] for f in grammar.find(text)] == ["IFN-τ", "IL-1π"]


def test_key_prefixes_come_from_the_rule_file(tmp_path: Path) -> None:
    from pipeline.components.cytokine_table import load_key_prefixes

    prefixes, names = load_key_prefixes()
    assert prefixes[0] == "rh" and {"r", "h"} <= set(prefixes) and "il" in names
    assert cytokine_key("rhIL-2") == cytokine_key("rIL-2") == cytokine_key("hIL-2") == "il2"
    assert cytokine_key("rhesus") == "rhesus"  # no name after the "rh"
    path = tmp_path / "prefixes.tsv"
    path.write_text("word\tkind\nr\tprefix\nrh\tprefix\nil\tname\n", encoding="utf-8")
    assert load_key_prefixes(path) == (("rh", "r"), ("il",))  # longest prefix first
    assert_rule_errors(load_key_prefixes, path, "word\tkind\n", (
        ("rH\tprefix\nil\tname\n", r"prefixes\.tsv:2: got 'rH' -> 'prefix'; expected"),
        ("r\tstart\nil\tname\n", r"prefixes\.tsv:2: got 'r' -> 'start'; .*prefix or name"),
        ("r\tprefix\nr\tname\n", r"prefixes\.tsv:3: 'r' is already on line 2"),
        ("r\tprefix\n", r"prefixes\.tsv: no row of kind 'name'"),
    ))


# ---------------------------------------------------------------------- spelling families
@pytest.mark.parametrize(
    ("text", "mention", "concept", "symbol"),
    [
        ("Serum IL-2 rose.", "IL-2", "HGNC:6001", "IL2"),
        ("Serum IL-1 beta rose.", "IL-1 beta", "HGNC:5992", "IL1B"),
        ("Serum IL-1β rose.", "IL-1β", "HGNC:5992", "IL1B"),
        ("Serum IL1B rose.", "IL1B", "HGNC:5992", "IL1B"),
        ("Serum interleukin (IL)-10 rose.", "interleukin (IL)-10", "HGNC:5962", "IL10"),
        ("Serum TNF-α rose.", "TNF-α", "HGNC:11892", "TNF"),
        ("Serum TNF-alpha rose.", "TNF-alpha", "HGNC:11892", "TNF"),
        ("Tumour necrosis factor alpha rose.", "Tumour necrosis factor alpha", "HGNC:11892", "TNF"),
        ("Serum IFN-γ rose.", "IFN-γ", "HGNC:5438", "IFNG"),
        ("Serum IFN-gamma rose.", "IFN-gamma", "HGNC:5438", "IFNG"),
        ("Treatment with rIL-2 was given.", "rIL-2", "HGNC:6001", "IL2"),
        ("Serum IL-12 p40 rose.", "IL-12 p40", "HGNC:5970", "IL12B"),
        ("Serum IL-8 rose.", "IL-8", "HGNC:6025", "CXCL8"),
        ("Serum GM-CSF rose.", "GM-CSF", "HGNC:2434", "CSF2"),
        ("Serum MCP-1 rose.", "MCP-1", "HGNC:10618", "CCL2"),
        ("Serum RANTES rose.", "RANTES", "HGNC:10632", "CCL5"),
        ("Serum TGF-β1 rose.", "TGF-β1", "HGNC:11766", "TGFB1"),
        ("Serum IL-17 rose.", "IL-17", "HGNC:5981", "IL17A"),
        ("Serum CXCL10 rose.", "CXCL10", "HGNC:10637", "CXCL10"),
        ("Serum IL-1ra rose.", "IL-1ra", "HGNC:6000", "IL1RN"),
        ("Production of interleukins fell.", "interleukins", "MESH:D007378", "Interleukins"),
        ("Serum IFN rose.", "IFN", "MESH:D007372", "Interferons"),
        ("Serum IFN-α rose.", "IFN-α", "MESH:D016898", "Interferon-alpha"),
        ("Serum IL-12 rose.", "IL-12", "MESH:D018664", "Interleukin-12"),
    ],
)
def test_found_and_normalized(
    blank: Language,
    cytokines: CytokineNormalizer,
    text: str,
    mention: str,
    concept: str,
    symbol: str,
) -> None:
    doc = cytokines(blank(text))
    assert mentions(doc) == [(mention, "CYTOKINE", concept, symbol)]
    assert doc.ents[0]._.source == "rule"


def test_anti_tnf_is_split_to_tnf(blank: Language, cytokines: CytokineNormalizer) -> None:
    text = "Infliximab, an anti-TNF monoclonal antibody, reactivated tuberculosis."
    doc = with_ents(blank, text, [("Infliximab", "DRUG"), ("tuberculosis", "DISEASE")])
    doc.spans["lexicon"] = [doc.ents[0], doc.ents[1]]
    doc.ents[1]._.negated = True  # extension values survive the retokenization
    doc = cytokines(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Infliximab", "DRUG"),
        ("TNF", "CYTOKINE"),
        ("tuberculosis", "DISEASE"),
    ]
    assert doc.ents[1]._.concept_id == "HGNC:11892"
    assert [t.text for t in doc][3:6] == ["anti", "-", "TNF"]
    assert [s.text for s in doc.spans["lexicon"]] == ["Infliximab", "tuberculosis"]
    assert doc.ents[2]._.negated


def test_anti_tnf_drug_mention_gives_way(blank: Language, cytokines: CytokineNormalizer) -> None:
    doc = with_ents(blank, "Patients on anti-TNF therapy were included.", [("anti-TNF", "DRUG")])
    doc = cytokines(doc)
    assert mentions(doc) == [("TNF", "CYTOKINE", "HGNC:11892", "TNF")]


def test_shorter_lexicon_match_is_replaced(blank: Language, cytokines: CytokineNormalizer) -> None:
    text = "Serum IL-1 beta and tumor necrosis factor rose."
    doc = with_ents(blank, text, [("IL-1", "CYTOKINE"), ("necrosis", "DISEASE")])
    doc = cytokines(doc)
    assert [(e.text, e._.concept_name) for e in doc.ents] == [
        ("IL-1 beta", "IL1B"),
        ("tumor necrosis factor", "TNF"),
    ]


def test_lexicon_cytokine_gets_hgnc(blank: Language, cytokines: CytokineNormalizer) -> None:
    text = "Atopic dermatitis is a disease with elevated IL-4, IL-5, IL-13 and IL-31."
    doc = with_ents(
        blank,
        text,
        [("Atopic dermatitis", "DISEASE"), ("IL-4", "CYTOKINE"), ("IL-13", "CYTOKINE")],
    )
    doc.ents[1]._.concept_id = "MESH:D015847"  # what the lexicon had
    doc = cytokines(doc)
    assert [(e.text, e._.concept_id) for e in doc.ents if e.label_ == "CYTOKINE"] == [
        ("IL-4", "HGNC:6014"),
        ("IL-5", "HGNC:6016"),
        ("IL-13", "HGNC:5973"),
        ("IL-31", "HGNC:19372"),
    ]


# ------------------------------------------------------------------------- exclusions
def test_seed_003_receptor_antagonist(blank: Language, cytokines: CytokineNormalizer) -> None:
    text = (
        "The dual efficacy of the interleukin-4 (IL-4) receptor alpha antagonist, which was "
        "approved by the US Food and Drug Administration in March 2017 for the treatment of "
        "moderate to severe atopic dermatitis, can be explained by common links."
    )
    doc = with_ents(
        blank,
        text,
        [("interleukin-4", "CYTOKINE"), ("IL-4", "CYTOKINE"), ("atopic dermatitis", "DISEASE")],
    )
    doc = cytokines(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("atopic dermatitis", "DISEASE")]


@pytest.mark.parametrize(
    ("text", "lexicon"),
    [
        ("Soluble IL-2 receptor levels rose.", ["IL-2"]),
        ("Expression of IL-2R alpha rose.", []),
        ("Expression of IL-2Rα rose.", []),
        ("Etanercept is a soluble TNF receptor fusion protein.", ["TNF"]),
        ("Dupilumab blocks the IL-4 receptor alpha subunit.", ["IL-4"]),
        ("Tocilizumab targets the interleukin-6 receptor.", ["interleukin-6"]),
        ("The IL-4 and IL-13 receptors share a chain.", ["IL-4", "IL-13"]),
        ("NF-IL6 binds the promoter.", []),
        ("IFN regulatory factor-1 binds the promoter.", ["IFN"]),
        ("Anti-IL-6 receptor therapy was started.", []),
        ("TNFR1 and TNF-R2 were expressed.", []),
    ],
)
def test_receptors_and_tf_names_are_not_cytokines(
    blank: Language, cytokines: CytokineNormalizer, text: str, lexicon: list[str]
) -> None:
    doc = with_ents(blank, text, [(m, "CYTOKINE") for m in lexicon])
    doc = cytokines(doc)
    assert [e for e in doc.ents if e.label_ == "CYTOKINE"] == []


def test_longer_disease_mention_is_kept(blank: Language, cytokines: CytokineNormalizer) -> None:
    text = "Mutations cause TNF receptor-associated periodic syndrome."
    doc = with_ents(blank, text, [("TNF receptor-associated periodic syndrome", "DISEASE")])
    doc = cytokines(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("TNF receptor-associated periodic syndrome", "DISEASE")
    ]


# ------------------------------------------------------------------- products are drugs
@pytest.mark.parametrize(
    ("text", "mention", "concept"),
    [
        ("Interferon beta-1a modulates monocytes.", "Interferon beta-1a", "MESH:D000068556"),
        ("He received peginterferon alfa-2a weekly.", "peginterferon alfa-2a", "MESH:C100416"),
        ("High-dose aldesleukin was given.", "aldesleukin", "MESH:C082598"),
    ],
)
def test_products_are_drugs(
    blank: Language, cytokines: CytokineNormalizer, text: str, mention: str, concept: str
) -> None:
    doc = with_ents(blank, text, [(mention, "CYTOKINE")])
    doc = cytokines(doc)
    assert [(e.text, e.label_, e._.concept_id) for e in doc.ents] == [(mention, "DRUG", concept)]
    found = cytokines(blank(text))  # and found without the lexicon
    assert [(e.text, e.label_) for e in found.ents] == [(mention, "DRUG")]


def test_interferon_named_as_therapy_is_a_drug(
    blank: Language, cytokines: CytokineNormalizer
) -> None:
    text = (
        "Interferon beta and glatiramer acetate are established disease-modifying therapies for "
        "multiple sclerosis. Interferon beta induces MxA in monocytes."
    )
    doc = with_ents(
        blank,
        text,
        [
            ("Interferon beta", "CYTOKINE"),
            ("glatiramer acetate", "DRUG"),
            ("multiple sclerosis", "DISEASE"),
        ],
    )
    off = CytokineNormalizer(blank, "c", use_kb=False, drug_context=False)(doc.copy())
    doc = cytokines(doc)
    got = [(e.text, e.label_, e._.concept_id) for e in doc.ents if "nterferon" in e.text]
    assert got == [
        ("Interferon beta", "DRUG", "MESH:D016899"),
        ("Interferon beta", "CYTOKINE", "HGNC:5434"),
    ]
    # drug_context off: the therapy is the cytokine too
    assert [(e.text, e.label_, e._.concept_id) for e in off.ents if "nterferon" in e.text] == [
        ("Interferon beta", "CYTOKINE", "HGNC:5434")] * 2


def test_interferon_alpha_among_cytokines(blank: Language, cytokines: CytokineNormalizer) -> None:
    text = "The increase in cytokine production, including interferon-alpha, could worsen MS."
    doc = with_ents(blank, text, [("interferon-alpha", "DRUG"), ("MS", "DISEASE")])
    doc = cytokines(doc)
    assert mentions(doc)[0] == ("interferon-alpha", "CYTOKINE", "MESH:D016898", "Interferon-alpha")


def test_non_english_sentence_untouched(blank: Language, cytokines: CytokineNormalizer) -> None:
    doc = blank("Уровень IL-6 повышен. Serum IL-6 rose.")
    next(iter(doc.sents))._.language = "ru"
    doc = cytokines(doc)
    assert [(e.text, e.start_char) for e in doc.ents] == [("IL-6", 28)]


# ----------------------------------------------------------------------- table & disk
def test_packaged_table_ids() -> None:
    entries = read_table(DEFAULT_TABLE)
    assert len(entries) > 300
    by_spelling = {e.spelling: e for e in entries}
    assert by_spelling["IL-2"].concept_id == "HGNC:6001"
    assert by_spelling["IL-8"].concept_name == "CXCL8"
    genes = [e for e in entries if e.kind == "gene"]
    assert all(e.concept_id and e.concept_id.startswith("HGNC:") for e in genes)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("IL-2\tHGNC:6001\tIL2\tprotein\t\t", "column 'kind' is 'protein'"),
        ("IL-2\tHGNC6001\tIL2\tgene\t\t", "column 'concept_id' is 'HGNC6001'"),
        ("IL-2\tMESH:D007376\tIL2\tgene\t\t", "a gene needs HGNC"),
        ("IL-2\tHGNC:6001\tIL2\tgene", "4 columns"),
        ("\tHGNC:6001\tIL2\tgene\t\t", "column 'spelling' is empty"),
    ],
)
def test_bad_table_row(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "cytokines.tsv"
    header = "spelling\tconcept_id\tconcept_name\tkind\tdrug_concept_id\tdrug_concept_name"
    path.write_text(f"# comment\n{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cytokines\.tsv:3") as err:
        read_table(path)
    assert message in str(err.value)


def test_bad_table_header(tmp_path: Path) -> None:
    path = tmp_path / "cytokines.tsv"
    path.write_text("spelling\tconcept\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected columns"):
        read_table(path)


def test_round_trip_to_disk(tmp_path: Path, blank: Language) -> None:
    table = tmp_path / "mini.tsv"
    table.write_text(
        "spelling\tconcept_id\tconcept_name\tkind\tdrug_concept_id\tdrug_concept_name\n"
        "IL-2\tHGNC:6001\tIL2\tgene\t\t\n",
        encoding="utf-8",
    )
    original = CytokineNormalizer(blank, "c", table_path=str(table), use_kb=False, score=0.7,
                                  drug_context=False, split_tokens=False)
    original.to_disk(tmp_path / "saved")
    restored = CytokineNormalizer(blank, "c", use_kb=False).from_disk(tmp_path / "saved")
    assert restored.entries == original.entries and restored.score == 0.7
    assert (restored.detect, restored.drug_context, restored.split_tokens) == (True, False, False)
    doc = restored(blank("Serum IL-2 and IL-6 rose."))
    assert mentions(doc) == [("IL-2", "CYTOKINE", "HGNC:6001", "IL2")]
    # detection off is saved too: the mention is not added
    CytokineNormalizer(blank, "c", table_path=str(table), use_kb=False, detect=False).to_disk(
        tmp_path / "off")
    off = CytokineNormalizer(blank, "c", use_kb=False).from_disk(tmp_path / "off")
    assert off.detect is False and mentions(off(blank("Serum IL-2 rose."))) == []


def test_factory_config(blank: Language) -> None:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("biotab_cytokines", config={"use_kb": False, "detect": False})
    doc = nlp("Serum IL-2 rose.")
    assert list(doc.ents) == []  # detection off: nothing added


# ------------------------------------------------------------------------------ gold sets
def test_gold_set_cytokine_f1() -> None:
    bench = load_benchmark("assertion_eval")
    for path, minimum in ((bench.GOLD, 0.97), (bench.HELDOUT, 0.9)):
        result = bench.evaluate(path)
        # measured F1 1.000 on both (67 and 17 cytokine mentions)
        assert result["cytokine_detection"]["span+label+concept"]["f1"] >= minimum
        assert result["cytokine_normalization"]["label+concept accuracy"] >= minimum
        removed, total = result["cytokine_normalization"]["distractors removed"].split("/")
        assert removed == total


def test_table_agrees_with_kb() -> None:
    """Every HGNC id in the table is a CYTOKINE gene of the committed KB with that symbol."""
    if not (kb_dir() / "concepts.jsonl.gz").exists():
        pytest.skip("no compiled KB in models/kb")
    from pipeline.kb import KnowledgeBase

    kb = KnowledgeBase.load()
    mismatches = []
    for entry in read_table(DEFAULT_TABLE):
        if entry.kind != "gene":
            continue
        concept = kb.get(entry.concept_id or "")
        if concept is None or concept.hgnc_symbol not in (None, entry.concept_name):
            mismatches.append((entry.spelling, entry.concept_id, concept))
    assert mismatches == []


def test_existing_span_object_unaffected(blank: Language, cytokines: CytokineNormalizer) -> None:
    doc = blank("No cytokine here.")
    doc.set_ents([Span(doc, 1, 2, label="CYTOKINE")])
    doc = cytokines(doc)
    assert [(e.text, e._.concept_id) for e in doc.ents] == [("cytokine", None)]


def test_therapy_context_words_are_data_checked_on_load(tmp_path: Path) -> None:
    from pipeline.components.cytokine_context import therapy_words
    from pipeline.rules import RuleError

    words = therapy_words()
    assert "therapy" in words.after and ("treated", "with") in words.before
    assert words.copula.match(" and glatiramer acetate are established disease-modifying therapies")
    bad = tmp_path / "context.json"
    bad.write_text('{"therapy_after": ["therapy"], "therapy_befor": ["given"], "copula_verbs": '
                   '["is"], "therapy_nouns": ["drug"]}', encoding="utf-8")
    with pytest.raises(RuleError, match="unknown key 'therapy_befor'"):
        therapy_words(bad)
    bad.write_text('{"therapy_after": ["therapy", "given to"], "therapy_before": ["given"], '
                   '"copula_verbs": ["is"], "therapy_nouns": ["drug"]}', encoding="utf-8")
    with pytest.raises(RuleError, match="'therapy_after' holds 'given to': expected one word"):
        therapy_words(bad)
    bad.write_text('{"therapy_after": ["therapy"],', encoding="utf-8")
    with pytest.raises(RuleError, match=r"context\.json: not valid JSON"):
        therapy_words(bad)
