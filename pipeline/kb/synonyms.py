"""Corpus synonyms: (mention text, label, MeSH id) pairs mined from annotated PubTator files.

`mine_pubtator(paths)` reads gold mentions of PubTator training files (never a file that is used
to measure: BC5CDR devel or test) and counts each (normalized text, label, concept id). The
result is written to `pipeline/rules/kb_corpus_synonyms.tsv` by

    python -m pipeline.kb.synonyms ../shared/corpora/bc5cdr/train.pubtator

with its provenance (source file, count) on every row. The linker reads it as a table of
extra aliases (`load_corpus_synonyms`); the tokenizer reads its one-word terms as known names
(a side of a hyphen compound that is a known chemical or disease is split off).

File format (TSV, header line, `#` comments): `term  label  concept_id  count  source`.
`term` is the text as written in the corpus (first spelling seen), `concept_id` a CURIE
(`MESH:D003000`); composite gold ids ("D001|D002") and unlinked ones ("-1") are not mined.
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.kb import normalize_term
from pipeline.labels import LINKED
from pipeline.paths import rule_file
from pipeline.plural import plural

logger = logging.getLogger(__name__)

SYNONYMS_FILE = "kb_corpus_synonyms.tsv"
COLUMNS = ("term", "label", "concept_id", "count", "source")
_CURIE = re.compile(r"^(MESH|OMIM|HGNC):[A-Z]?\d+$")


@dataclass(frozen=True)
class Synonym:
    term: str
    label: str
    concept_id: str
    count: int
    source: str


def mine_pubtator(paths: Iterable[Path]) -> list[Synonym]:
    """Count (normalized text, label, single concept id) over the gold mentions of `paths`."""
    from pipeline.evaluate import read_pubtator_gold

    counts: Counter[tuple[str, str, str]] = Counter()
    spelling: dict[tuple[str, str, str], str] = {}
    sources: dict[tuple[str, str, str], set[str]] = {}
    for path in paths:
        for doc in read_pubtator_gold(path):
            for m in doc.mentions:
                if len(m.concept_ids) != 1:
                    continue
                key = (normalize_term(m.text), m.label, next(iter(m.concept_ids)))
                if not key[0]:
                    continue
                counts[key] += 1
                spelling.setdefault(key, " ".join(m.text.split()))
                sources.setdefault(key, set()).add(path.name)
    return [
        Synonym(spelling[key], key[1], key[2], n, ",".join(sorted(sources[key])))
        for key, n in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2]))
    ]


def write_synonyms(rows: Iterable[Synonym], path: Path) -> int:
    """Write the TSV (header first); returns the number of rows."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("# mined by `python -m pipeline.kb.synonyms` from training files only\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.term, row.label, row.concept_id, row.count, row.source])
            n += 1
    return n


def load_corpus_synonyms(path: Path | None = None) -> list[Synonym]:
    """Read and validate the synonyms TSV; errors name the line, the column and the expectation."""
    path = path or rule_file(SYNONYMS_FILE)
    rows: list[Synonym] = []
    with open(path, encoding="utf-8") as fh:
        lines = [(n, line.rstrip("\n")) for n, line in enumerate(fh, 1)]
    body = [(n, line) for n, line in lines if line.strip() and not line.startswith("#")]
    if not body or tuple(body[0][1].split("\t")) != COLUMNS:
        raise ValueError(f"{path}: expected the header line {'<TAB>'.join(COLUMNS)!r}")
    for lineno, line in body[1:]:
        cells = line.split("\t")
        where = f"{path}:{lineno}"
        if len(cells) != len(COLUMNS):
            raise ValueError(
                f"{where}: expected {len(COLUMNS)} columns {COLUMNS}, got {len(cells)}"
            )
        term, label, cid, count, source = cells
        if label not in LINKED:
            raise ValueError(f"{where}: column 'label' is {label!r}, expected DRUG or DISEASE")
        if not _CURIE.match(cid):
            raise ValueError(f"{where}: column 'concept_id' is {cid!r}, expected a CURIE")
        if not count.isdigit():
            raise ValueError(f"{where}: column 'count' is {count!r}, expected a whole number")
        if not term.strip():
            raise ValueError(f"{where}: column 'term' is empty, expected the mention text")
        rows.append(Synonym(term, label, cid, int(count), source))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pubtator", nargs="+", type=Path, help="training PubTator files")
    parser.add_argument("--output", type=Path, default=rule_file(SYNONYMS_FILE))
    args = parser.parse_args(argv)
    for path in args.pubtator:
        if re.search(r"devel|dev\b|test", path.name):
            parser.error(f"{path}: only training files are mined (devel/test measure accuracy)")
    n = write_synonyms(mine_pubtator(args.pubtator), args.output)
    logging.basicConfig(level=logging.INFO)
    logger.info("%s written to %s", plural(n, "synonym"), args.output)


if __name__ == "__main__":
    main()
