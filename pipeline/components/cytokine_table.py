"""The cytokine table (`pipeline/rules/cytokines.tsv`) and the key its spellings are compared by.

`cytokine_key()` folds the usual variants of a cytokine spelling to one key ("IL-1beta" =
"IL-1 beta" = "IL-1β" = "IL1B" = "interleukin (IL)-1 beta" -> "il1b"; its rewrites of names
are `pipeline/rules/cytokine_key_rewrites.tsv`, read once by `key_rewrites`; its Greek letters
`pipeline/rules/greek_letters.tsv`; its "recombinant"/"human" prefixes `rh`, `r`, `h`
`pipeline/rules/cytokine_key_prefixes.tsv`, read on import). `read_table` reads and
validates a table (spelling -> concept, kind gene | family | drug | exclude), raising ValueError
naming the file, the line, the bad column and what was expected; `write_table` writes one (the
component's `to_disk`). Used by `biotab_cytokines` (pipeline/components/cytokines.py).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.kb.normalize import GREEK_LETTERS
from pipeline.paths import rule_file
from pipeline.rules import RuleError, read_tsv

TABLE_FILE = "cytokines.tsv"
REWRITES_FILE = "cytokine_key_rewrites.tsv"
PREFIXES_FILE = "cytokine_key_prefixes.tsv"
_PREFIX_COLUMNS = ("word", "kind")
_PREFIX_KINDS = ("prefix", "name")
_REWRITE_COLUMNS = ("pattern", "replacement")
_REPLACEMENT = re.compile(r"(?:[a-z]+(?: [a-z]+)*)?")
DEFAULT_TABLE = rule_file(TABLE_FILE)
COLUMNS = ("spelling", "concept_id", "concept_name", "kind", "drug_concept_id", "drug_concept_name")
KINDS = ("gene", "family", "drug", "exclude")
_CURIE = re.compile(r"(?:MESH|HGNC):[A-Za-z0-9]+")

# ------------------------------------------------------------------------------ normalization
_PAREN = re.compile(r"\([^()]*\)")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.,:;'\"]+")


def load_key_prefixes(path: Path | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(prefixes, names) of `cytokine_key_prefixes.tsv` (by default): the letters for
    "recombinant"/"human" before a short name ("rh" of "rhIL-2"), longest first, and the names
    they may come before, in file order. RuleError naming the file and line of a bad row."""
    path = path or rule_file(PREFIXES_FILE)
    words: dict[str, list[str]] = {kind: [] for kind in _PREFIX_KINDS}
    for lineno, row in read_tsv(path, _PREFIX_COLUMNS):
        word, kind = row["word"], row["kind"]
        if not (word.isascii() and word.isalpha() and word.islower()) or kind not in words:
            raise RuleError(
                f"{path}:{lineno}: got {word!r} -> {kind!r}; expected a word of lower-case "
                f"ASCII letters and its kind: {' or '.join(_PREFIX_KINDS)}"
            )
        words[kind].append(word)
    for kind, found in words.items():
        if not found:  # an empty alternation would drop nothing or match everywhere
            raise RuleError(f"{path}: no row of kind {kind!r}; expected at least one")
    return tuple(sorted(words["prefix"], key=len, reverse=True)), tuple(words["name"])


KEY_PREFIXES, PREFIXED_NAMES = load_key_prefixes()
# a prefix at a key's start, when a name follows it ("rhil2", not "rhesus")
_RECOMBINANT = re.compile(
    rf"^(?:{'|'.join(KEY_PREFIXES)})(?=(?:{'|'.join(PREFIXED_NAMES)})(?:\d|[a-z]|$))"
)


@lru_cache(maxsize=1)
def key_rewrites(path: Path | None = None) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The (whole-word pattern, replacement) rewrites of `cytokine_key`, in file order, from
    `path` (the shipped `cytokine_key_rewrites.tsv` by default); read once. RuleError naming
    the file and line of a bad row."""
    path = path or rule_file(REWRITES_FILE)
    rewrites = []
    for lineno, row in read_tsv(path, _REWRITE_COLUMNS, empty_ok=("replacement",)):
        try:
            # a match that ends in a space ("recombinant human ") is followed by a word
            pattern = re.compile(rf"(?<![a-z]){row['pattern']}(?:(?<=[ ])|(?![a-z]))")
        except re.error as exc:
            raise RuleError(
                f"{path}:{lineno}: column 'pattern' {row['pattern']!r} is no regular "
                f"expression ({exc}); expected one"
            ) from exc
        if not _REPLACEMENT.fullmatch(row["replacement"]):
            raise RuleError(
                f"{path}:{lineno}: column 'replacement' is {row['replacement']!r}; expected "
                "lower-case words separated by single spaces, or nothing"
            )
        rewrites.append((pattern, row["replacement"]))
    return tuple(rewrites)


def cytokine_key(text: str) -> str:
    """The comparison key of a cytokine spelling: "Interleukin (IL)-1β" -> "il1b".

    NFKC, Greek letters to names, lower case, "tumour" -> "tumor", parentheticals dropped, long
    names shortened (interleukin -> il, interferon -> ifn, tumor necrosis factor -> tnf, ...),
    Greek names to one letter (alpha/alfa -> a, beta -> b, gamma -> g), "recombinant"/"rh"/"r"
    prefixes dropped, separators removed.
    """
    s = unicodedata.normalize("NFKC", text)
    s = "".join(f" {GREEK_LETTERS[c]} " if c in GREEK_LETTERS else c for c in s)
    s = s.lower().replace("tumour", "tumor")
    s = _PAREN.sub(" ", s)
    s = " ".join(_SEPARATORS.split(s)).strip()
    for pattern, rep in key_rewrites():
        s = pattern.sub(rep, s)
    s = s.replace(" ", "")
    return _RECOMBINANT.sub("", s)


# ---------------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class CytokineEntry:
    """One table row: what a spelling means."""

    spelling: str
    concept_id: str | None
    concept_name: str | None
    kind: str
    drug_concept_id: str | None = None
    drug_concept_name: str | None = None


def read_table(path: Path) -> list[CytokineEntry]:
    """Read and validate a cytokine table (TSV with a header, '#' comment lines).

    Raises ValueError naming the file, the line, the bad column and what was expected.
    """
    entries: list[CytokineEntry] = []
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, 1) if line.strip() and line[0] != "#"]
    if not lines:
        raise ValueError(f"{path}: empty cytokine table: expected a header row {COLUMNS}")
    header_no, header = lines[0]
    columns = tuple(header.rstrip("\r\n").split("\t"))
    if columns != COLUMNS:
        raise ValueError(f"{path}:{header_no}: header is {columns}: expected columns {COLUMNS}")
    for lineno, line in lines[1:]:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter="\t", quoting=csv.QUOTE_NONE))
        where = f"{path}:{lineno}"
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{where}: {len(cells)} columns: expected {len(COLUMNS)} {COLUMNS}")
        row = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
        entries.append(_check_row(row, where))
    return entries


def _check_row(row: dict[str, str], where: str) -> CytokineEntry:
    if not row["spelling"]:
        raise ValueError(f"{where}: column 'spelling' is empty: expected a cytokine spelling")
    if row["kind"] not in KINDS:
        raise ValueError(f"{where}: column 'kind' is {row['kind']!r}: expected one of {KINDS}")
    for col in ("concept_id", "drug_concept_id"):
        if row[col] and not _CURIE.fullmatch(row[col]):
            raise ValueError(
                f"{where}: column {col!r} is {row[col]!r}: expected a CURIE like 'HGNC:6001' "
                "or 'MESH:D007378', or nothing"
            )
    if row["kind"] == "gene" and not row["concept_id"]:
        raise ValueError(f"{where}: column 'concept_id' is empty: a {row['kind']} needs a concept")
    if row["kind"] == "gene" and not row["concept_id"].startswith("HGNC:"):
        raise ValueError(
            f"{where}: column 'concept_id' is {row['concept_id']!r}: a gene needs HGNC"
        )
    return CytokineEntry(
        spelling=row["spelling"],
        concept_id=row["concept_id"] or None,
        concept_name=row["concept_name"] or None,
        kind=row["kind"],
        drug_concept_id=row["drug_concept_id"] or None,
        drug_concept_name=row["drug_concept_name"] or None,
    )


def write_table(entries: Iterable[CytokineEntry], path: Path) -> None:
    """Write `entries` as the cytokine TSV table (`COLUMNS`) that `read_table` reads."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for e in entries:
            cells = (e.spelling, e.concept_id, e.concept_name, e.kind, e.drug_concept_id,
                     e.drug_concept_name)  # fmt: skip
            fh.write("\t".join(c or "" for c in cells) + "\n")
