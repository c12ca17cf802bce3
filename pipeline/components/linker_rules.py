"""The linker's rule files: loading with validation, the look-up tables built from them, and
writing them back in the formats their loaders read.

Reads (the shipped files in `pipeline/rules/` by default, or the paths given):
`kb_adjective_forms.tsv`, `kb_link_trims.tsv`, `kb_link_heads.tsv`, `kb_curated_aliases.tsv`,
`kb_roman_numerals.tsv` and `kb_numeral_words.txt`; each bad row is a `RuleError` naming the file,
the line and what was expected. Writes the same files (and `kb_corpus_synonyms.tsv`, whose loader
is `pipeline.kb.synonyms`) into a folder for `biotab_linker`'s `to_disk`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.kb import normalize_term
from pipeline.kb.synonyms import COLUMNS as SYNONYM_COLUMNS
from pipeline.kb.synonyms import SYNONYMS_FILE, Synonym
from pipeline.paths import rule_file
from pipeline.rules import (
    RuleError,
    read_tsv,
    read_word_list,
    write_tsv,
    write_word_list,
)

ROMAN_NUMERALS_FILE = "kb_roman_numerals.tsv"
NUMERAL_WORDS_FILE = "kb_numeral_words.txt"
_ROMAN_COLUMNS = ("numeral", "number")
_ROMAN_LETTERS = frozenset("ivxlcdm")
ADJECTIVE_FORMS_FILE = "kb_adjective_forms.tsv"
_ADJECTIVE_COLUMNS = ("ending", "replacement")
TRIMS_FILE = "kb_link_trims.tsv"
_TRIM_COLUMNS = ("word", "where")
_TRIM_PLACES = ("first", "last")
HEADS_FILE = "kb_link_heads.tsv"
_HEAD_COLUMNS = ("head", "replacement")
CURATED_ALIASES_FILE = "kb_curated_aliases.tsv"
_CURATED_COLUMNS = ("alias", "target")
_MESH_ID = re.compile(r"MESH:[CD]\d+")
_HGNC_SYMBOL = re.compile(r"[A-Z][A-Z0-9-]*")


def load_adjective_forms(path: Path | None = None) -> list[tuple[str, str]]:
    """(ending, replacement) rows, longest ending first (rows of one length in file order);
    RuleError naming the file, the line and what was expected."""
    path = path or rule_file(ADJECTIVE_FORMS_FILE)
    rows: list[tuple[str, str]] = []
    for lineno, row in read_tsv(
        path, _ADJECTIVE_COLUMNS, empty_ok=("replacement",), unique=_ADJECTIVE_COLUMNS
    ):
        ending, replacement = row["ending"], row["replacement"]
        if not ending.isalpha() or not (replacement.isalpha() or not replacement):
            raise RuleError(
                f"{path}:{lineno}: got {ending!r} -> {replacement!r}; expected an ending of "
                "letters and a replacement of letters (or nothing)"
            )
        rows.append((ending, replacement))
    return sorted(rows, key=lambda r: -len(r[0]))


def load_trim_rows(path: Path | None = None) -> list[tuple[str, str]]:
    """(word, where) rows of the trims file, in file order, as written; RuleError naming the
    file, the line and what was expected."""
    path = path or rule_file(TRIMS_FILE)
    rows: list[tuple[str, str]] = []
    for lineno, row in read_tsv(path, _TRIM_COLUMNS, unique=_TRIM_COLUMNS):
        if not row["word"].isalpha() or row["where"] not in _TRIM_PLACES:
            raise RuleError(
                f"{path}:{lineno}: got {row['word']!r} -> {row['where']!r}; expected a word "
                f"of letters and where to leave it out: {' or '.join(_TRIM_PLACES)}"
            )
        rows.append((row["word"], row["where"]))
    return rows


def load_head_rows(path: Path | None = None) -> list[tuple[str, str]]:
    """(head, replacement) rows of the heads file, in file order; RuleError naming the file,
    the line and what was expected."""
    path = path or rule_file(HEADS_FILE)
    rows: list[tuple[str, str]] = []
    for lineno, row in read_tsv(path, _HEAD_COLUMNS, unique=("head",)):
        head, replacement = row["head"], row["replacement"]
        if not head.isalpha() or not replacement.isalpha() or head == replacement:
            raise RuleError(
                f"{path}:{lineno}: got {head!r} -> {replacement!r}; expected a head word of "
                "letters and another word of letters to replace it"
            )
        rows.append((head, replacement))
    return rows


def load_curated_aliases(path: Path | None = None) -> list[tuple[str, str]]:
    """(alias, target) rows of the curated aliases (the KB build's input, read here so the
    corpus synonyms yield to them), in file order; RuleError naming the file, the line and what
    was expected for a target that is neither a MeSH id nor an HGNC symbol."""
    path = path or rule_file(CURATED_ALIASES_FILE)
    rows: list[tuple[str, str]] = []
    for lineno, row in read_tsv(path, _CURATED_COLUMNS):
        alias, target = row["alias"], row["target"]
        if not (_MESH_ID.fullmatch(target) or _HGNC_SYMBOL.fullmatch(target)):
            raise RuleError(
                f"{path}:{lineno}: got {alias!r} -> {target!r}; expected a MeSH concept id "
                "('MESH:D019161') or an HGNC approved symbol ('IL2')"
            )
        rows.append((alias, target))
    return rows


def curated_table(rows: list[tuple[str, str]]) -> dict[str, str]:
    """Normalized alias -> MeSH id of the curated aliases that name a MeSH concept (HGNC
    symbols are cytokines, which the linker does not link); an alias normalized alike to two
    concepts is left out."""
    table: dict[str, str] = {}
    clashes: set[str] = set()
    for alias, target in rows:
        if not _MESH_ID.fullmatch(target):
            continue
        key = normalize_term(alias)
        if table.setdefault(key, target) != target:
            clashes.add(key)
    return {key: cid for key, cid in table.items() if key not in clashes}


def trim_words(rows: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """{"first": words, "last": words} of (word, where) rows, normalized as mentions are."""
    words: dict[str, set[str]] = {place: set() for place in _TRIM_PLACES}
    for word, where in rows:
        words[where].add(normalize_term(word))
    return {place: frozenset(found) for place, found in words.items()}


def load_trims(path: Path | None = None) -> dict[str, frozenset[str]]:
    """{"first": words, "last": words} the linker may leave out, from the trims file."""
    return trim_words(load_trim_rows(path))


def synonym_table(synonyms: list[Synonym]) -> dict[tuple[str, str], str]:
    """(label, normalized text) -> the concept the corpus annotated most often; ties left out."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for syn in synonyms:
        by_id = counts.setdefault((syn.label, normalize_term(syn.term)), {})
        by_id[syn.concept_id] = by_id.get(syn.concept_id, 0) + syn.count
    table = {}
    for key, by_id in counts.items():
        ranked = sorted(by_id.values(), reverse=True)
        if len(ranked) == 1 or ranked[0] > ranked[1]:
            table[key] = max(by_id, key=lambda cid: by_id[cid])
    return table


class RomanNumerals:
    """Roman numerals read as numbers after one of a few words ("type ii" -> "type 2"); only
    after those ("vitamin c", "factor x" stay as they are)."""

    def __init__(self, numbers: dict[str, str], words: tuple[str, ...]) -> None:
        self.numbers = numbers  # lower-case numeral -> its value in digits
        self.words = words
        numerals = "|".join(sorted(numbers, key=len, reverse=True))
        self._after = re.compile(rf"\b({'|'.join(map(re.escape, words))}) ({numerals})\b")

    @classmethod
    def load(
        cls, numerals_path: Path | None = None, words_path: Path | None = None
    ) -> RomanNumerals:
        """From a `numeral<TAB>number` table and a word list (the shipped files by default);
        RuleError naming the file and line of a bad row."""
        numerals_path = numerals_path or rule_file(ROMAN_NUMERALS_FILE)
        numbers: dict[str, str] = {}
        for lineno, row in read_tsv(numerals_path, _ROMAN_COLUMNS):
            numeral, number = row["numeral"], row["number"]
            if not set(numeral) <= _ROMAN_LETTERS or not number.isascii() or not number.isdigit():
                raise RuleError(
                    f"{numerals_path}:{lineno}: got {numeral!r} -> {number!r}; expected a "
                    "lower-case Roman numeral (letters of 'ivxlcdm') and its value in digits"
                )
            numbers[numeral] = number
        words_path = words_path or rule_file(NUMERAL_WORDS_FILE)
        words = read_word_list(words_path)
        # an empty alternation would match the empty string: "ii" after any word, or a KeyError
        for path, found, what in ((numerals_path, numbers, "numeral<TAB>number row"),
                                  (words_path, words, "word")):
            if not found:
                raise RuleError(f"{path}: no {what}; expected at least one")
        return cls(numbers, words)

    def to_disk(self, folder: Path) -> None:
        """Write the two files `load` reads, under their shipped names, into `folder`."""
        write_tsv(folder / ROMAN_NUMERALS_FILE, _ROMAN_COLUMNS, self.numbers.items())
        write_word_list(folder / NUMERAL_WORDS_FILE, self.words)

    def arabic(self, normalized: str) -> str:
        """`normalized` with each numeral after one of the words in digits."""
        return self._after.sub(lambda m: f"{m.group(1)} {self.numbers[m.group(2)]}", normalized)


def write_rule_lists(
    folder: Path,
    *,
    synonyms: Iterable[Synonym],
    adjective_forms: Iterable[tuple[str, str]],
    trim_rows: Iterable[tuple[str, str]],
    head_rows: Iterable[tuple[str, str]],
    curated_rows: Iterable[tuple[str, str]],
) -> None:
    """Write the corpus synonyms, adjective forms, trims, head words and curated aliases into
    `folder`, under their shipped names and in the formats their loaders read."""
    write_tsv(folder / SYNONYMS_FILE, SYNONYM_COLUMNS, (
        (s.term, s.label, s.concept_id, str(s.count), s.source) for s in synonyms
    ))
    write_tsv(folder / ADJECTIVE_FORMS_FILE, _ADJECTIVE_COLUMNS, adjective_forms)
    write_tsv(folder / TRIMS_FILE, _TRIM_COLUMNS, trim_rows)
    write_tsv(folder / HEADS_FILE, _HEAD_COLUMNS, head_rows)
    write_tsv(folder / CURATED_ALIASES_FILE, _CURATED_COLUMNS, curated_rows)
