"""Class mentions: which KB concepts name a class of drugs ("immunosuppressants"), not one,
and which words name a class of mentions ("cytokines").

Reads `pipeline/rules/kb_class_concepts.txt` (MeSH tree-number prefixes and concept ids, one a
line) and `pipeline/rules/class_words.txt` (lower-case words and phrases, one a line); a bad
line raises `RuleError` naming the file, the line and what was expected. Writes those files'
formats back (`to_disk`, for the components that save their lists). Used by `biotab_fusion` (a
dictionary match of a class listed by id is kept when the model did not tag it) and
`biotab_linker`, the one component that sets `Span._.is_generic` (`ClassWords` or
`ClassConcepts.covers`).

A tree prefix makes a class only of a DRUG concept that is no named chemical structure: MeSH
files some single drugs under a pharmacologic action too (Cefiderocol, D27.505.519.914... and
D03...), and some concepts under D27.505 are no drugs ("Metabolic Side Effects of Drugs and
Substances", D27.505.389, a DISEASE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.kb import Concept
from pipeline.labels import DRUG
from pipeline.paths import rule_file
from pipeline.rules import RuleError, read_lines, write_word_list

#: MeSH branches of named chemical structures (inorganic, organic, heterocyclic, polycyclic).
CHEMICAL_STRUCTURE_BRANCHES = ("D01", "D02", "D03", "D04")

CLASS_CONCEPTS_FILE = "kb_class_concepts.txt"
CLASS_WORDS_FILE = "class_words.txt"
_WORDS = re.compile(r"[a-z]+(?: [a-z]+)*")
_TREE = re.compile(r"[A-Z]\d\d(?:\.\d{3})*")
_CONCEPT = re.compile(r"MESH:[CD]\d+")


@dataclass(frozen=True)
class ClassConcepts:
    """Tree-number prefixes and concept ids of drug classes."""

    trees: tuple[str, ...]
    ids: frozenset[str]

    @classmethod
    def load(cls, path: Path | None = None) -> ClassConcepts:
        """From the shipped file (or `path`); RuleError naming the file and line of an entry
        that is neither a tree-number prefix ("D27.505") nor a concept id ("MESH:D000911"), or
        that is listed twice."""
        path = path or rule_file(CLASS_CONCEPTS_FILE)
        seen: dict[str, int] = {}
        for lineno, line in read_lines(path):
            entry = line.strip()
            if not (_TREE.fullmatch(entry) or _CONCEPT.fullmatch(entry)):
                raise RuleError(
                    f"{path}:{lineno}: got {line!r}; expected a MeSH tree-number prefix "
                    "('D27.505') or a concept id ('MESH:D000911')"
                )
            if entry in seen:
                raise RuleError(f"{path}:{lineno}: {entry!r} is already on line {seen[entry]}")
            seen[entry] = lineno
        trees = tuple(e for e in seen if _TREE.fullmatch(e))
        return cls(trees=trees, ids=frozenset(e for e in seen if e not in trees))

    def entries(self) -> list[str]:
        """The entries as `load` reads them: tree prefixes, then concept ids (sorted)."""
        return [*self.trees, *sorted(self.ids)]

    def to_disk(self, folder: Path) -> None:
        """Write the file `load` reads, under its shipped name, into `folder`."""
        write_word_list(folder / CLASS_CONCEPTS_FILE, self.entries())

    def covers(self, concept: Concept | None) -> bool:
        """`concept` is a class: listed, or a DRUG concept with a tree number under a listed
        prefix and none in a chemical-structure branch (`CHEMICAL_STRUCTURE_BRANCHES`:
        a tree number there makes it one substance, whatever action it is also filed under)."""
        if concept is None:
            return False
        if concept.concept_id in self.ids:
            return True
        trees = concept.tree_numbers
        if concept.label != DRUG or any(t.startswith(CHEMICAL_STRUCTURE_BRANCHES) for t in trees):
            return False
        return any(t == p or t.startswith(p + ".") for t in trees for p in self.trees)


@dataclass(frozen=True)
class ClassWords:
    """Lower-cased mention texts that name a class, whatever their concept ("cytokines")."""

    words: frozenset[str]

    @classmethod
    def load(cls, path: Path | None = None) -> ClassWords:
        """From the shipped file (or `path`); RuleError naming the file and line of an entry
        that is not lower-case words separated by single spaces, or that is listed twice."""
        path = path or rule_file(CLASS_WORDS_FILE)
        seen: dict[str, int] = {}
        for lineno, line in read_lines(path):
            if not _WORDS.fullmatch(line):
                raise RuleError(
                    f"{path}:{lineno}: got {line!r}; expected lower-case words separated by "
                    "single spaces ('growth factors')"
                )
            if line in seen:
                raise RuleError(f"{path}:{lineno}: {line!r} is already on line {seen[line]}")
            seen[line] = lineno
        return cls(words=frozenset(seen))

    def to_disk(self, folder: Path) -> None:
        """Write the file `load` reads, under its shipped name, into `folder`."""
        write_word_list(folder / CLASS_WORDS_FILE, sorted(self.words))

    def covers(self, text: str) -> bool:
        """The mention text, lower-cased, is a listed class word."""
        return text.lower() in self.words
