"""`biotab kb build`, its curated data files: `pipeline/rules/kb_*` (or a folder given).

Reads cytokine gene symbol patterns, curated aliases, label overrides, stop terms, kept common
words, MeSH tree prefixes excluded from the patterns, descriptor -> gene mappings and INN stems.
Each file is checked on load; a bad line raises `KBBuildError` naming the file, the line and
what was expected. Writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.kb import LABELS, normalize_term
from pipeline.kb.build_sources import KBBuildError
from pipeline.paths import rule_file

RULE_FILES = (
    "kb_cytokine_genes.txt", "kb_curated_aliases.tsv", "kb_label_overrides.tsv",
    "kb_stopterms.txt", "kb_keep_terms.txt", "kb_pattern_exclude_trees.txt",
    "kb_cytokine_descriptor_genes.tsv", "kb_inn_stems.txt",
)  # fmt: skip


def _data_lines(path: Path) -> Iterable[tuple[int, str]]:
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.strip():
            yield lineno, line


def read_term_list(path: Path) -> set[str]:
    return {normalize_term(line) for _, line in _data_lines(path)}


def read_tsv(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a kb_* rule table with `columns` cells a line (KBBuildError
    naming the line otherwise)."""
    rows = []
    for lineno, line in _data_lines(path):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < columns or not all(cells[:columns]):
            raise KBBuildError(f"{path}:{lineno}: expected {columns} tab-separated columns")
        rows.append((lineno, cells))
    return rows


def read_label_overrides(path: Path) -> dict[str, str]:
    """concept id -> label, every label one of LABELS."""
    overrides = {}
    for lineno, cells in read_tsv(path, 2):
        if cells[1] not in LABELS:
            raise KBBuildError(
                f"{path}:{lineno}: label {cells[1]!r}: expected one of {', '.join(LABELS)}"
            )
        overrides[cells[0]] = cells[1]
    return overrides


def read_exclude_trees(path: Path) -> list[tuple[str, str]]:
    """(MeSH tree prefix, scope 'all' | 'unconfirmed') pairs."""
    excludes = []
    for lineno, cells in read_tsv(path, 2):
        if cells[1] not in ("all", "unconfirmed"):
            raise KBBuildError(
                f"{path}:{lineno}: scope {cells[1]!r}: expected 'all' or 'unconfirmed'"
            )
        excludes.append((cells[0], cells[1]))
    return excludes


def inn_stem_pattern(path: Path) -> re.Pattern[str]:
    """A word of at least three letters ending in one of the stems (longest stems first)."""
    stems = sorted((re.escape(x.strip().lower()) for _, x in _data_lines(path)), key=len,
                   reverse=True)  # fmt: skip
    return re.compile(r"[a-z]{3,}(?:" + "|".join(stems) + r")")


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
        paths = {name: (rules_dir / name) if rules_dir else rule_file(name) for name in RULE_FILES}
        overrides = read_label_overrides(paths["kb_label_overrides.tsv"])
        excludes = read_exclude_trees(paths["kb_pattern_exclude_trees.txt"])
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
            inn_stems=inn_stem_pattern(paths["kb_inn_stems.txt"]),
            paths=paths,
        )
