"""Which dictionary DRUG matches a lexicon-aware model did not tag `biotab_fusion` keeps all the
same, outside the chemical-structure branches (its rule 3): `DeclinedDrugRules`, read from
`pipeline/rules/fusion_drugs.jsonl` (validated on load; a bad line raises `RuleError` naming the
file, the line and what was expected). Pure functions over a Doc's tokens; no state.

- `name_stems`: the match is a drug's name built on a WHO INN stem ("ustekinumab",
  "etanercept", "enoxaparin"), at most a few words, the stem word no common English word;
  With `first_words`, such a word on its own that no source tagged, that names nothing alone
  but begins the names of one DRUG concept only, is a mention of it ("certolizumab" of
  "certolizumab pegol", "inotuzumab" of "inotuzumab ozogamicin": `head_of_one_drug`);
- `concepts`: listed concepts given as drugs as a rule ("insulin"), unless the words around the
  match say it is measured ("serum insulin", "insulin levels", "insulin-like").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from pipeline.kb import Concept, KnowledgeBase, normalize_term
from pipeline.labels import DRUG
from pipeline.paths import rule_file
from pipeline.rules import RuleError, read_kinded_rules, read_word_list

RULES_FILE = "fusion_drugs.jsonl"
COMMON_WORDS_FILE = "common_english_words.txt"
KINDS: dict[str, dict[str, Any]] = {
    "name_stems": {
        "required": {"stems_file": str, "max_words": int, "except": list},
        "optional": {"first_words": bool},
    },
    "concepts": {
        "required": {"ids": list, "trees": list, "not_before": list, "not_after": list},
    },
}
_WORD = re.compile(r"[^\W_]+")
_CONCEPT_ID = re.compile(r"MESH:[CD]\d+")
_TREE = re.compile(r"[A-Z]\d\d(?:\.\d{3})*")
#: longer than any name the KB's index holds (a bound `alias_candidates` asks for)
_LONGEST_NAME = 1_000


def _strings(obj: dict[str, Any], key: str, where: str, *, empty: bool = False) -> list[str]:
    values = obj[key]
    if not (empty or values) or not all(isinstance(v, str) and v for v in values):
        raise RuleError(f"{where}: key {key!r} must be a {'' if empty else 'non-empty '}list "
                        "of non-empty strings")
    return list(values)


def _read_stems(path: Path, where: str) -> tuple[str, ...]:
    if not path.exists():
        raise RuleError(f"{where}: key 'stems_file' names {path.name!r}, which is no rules file")
    return read_word_list(path)


def rule_files(path: Path | None = None) -> list[Path]:
    """The rules file (`path`, else the shipped one) and the stem lists its rules name: what a
    saved component copies so that it reloads the same rules."""
    path = path or rule_file(RULES_FILE)
    files = [path]
    for _where, obj in read_kinded_rules(path, KINDS):
        if obj["kind"] == "name_stems" and path.parent / obj["stems_file"] not in files:
            files.append(path.parent / obj["stems_file"])
    return files


@dataclass(frozen=True)
class DeclinedDrugRules:
    """The rules of one `fusion_drugs.jsonl` (module docstring)."""

    stems: tuple[str, ...]
    max_words: int
    common_words: frozenset[str]
    ids: frozenset[str]
    trees: tuple[str, ...]
    not_before: frozenset[str]
    not_after: frozenset[str]
    first_words: bool = False

    @classmethod
    def load(cls, path: Path | None = None) -> DeclinedDrugRules:
        path = path or rule_file(RULES_FILE)
        stems: list[str] = []
        max_words = 0
        ids: set[str] = set()
        trees: list[str] = []
        not_before: set[str] = set()
        not_after: set[str] = set()
        first_words = False
        for where, obj in read_kinded_rules(path, KINDS):
            if obj["kind"] == "name_stems":
                if obj["max_words"] < 1:
                    raise RuleError(f"{where}: key 'max_words' must be at least 1")
                excepted = set(_strings(obj, "except", where, empty=True))
                listed = _read_stems(path.parent / obj["stems_file"], where)
                unknown = sorted(excepted - set(listed))
                if unknown:
                    raise RuleError(f"{where}: key 'except' holds {unknown[0]!r}, which is no "
                                    f"stem of {obj['stems_file']}")
                stems += [s for s in listed if s not in excepted]
                max_words = max(max_words, obj["max_words"])
                first_words = first_words or obj.get("first_words", False)
                continue
            for cid in _strings(obj, "ids", where, empty=True):
                if not _CONCEPT_ID.fullmatch(cid):
                    raise RuleError(f"{where}: key 'ids' holds {cid!r}, expected MESH:D...")
                ids.add(cid)
            for tree in _strings(obj, "trees", where, empty=True):
                if not _TREE.fullmatch(tree):
                    raise RuleError(f"{where}: key 'trees' holds {tree!r}, expected a MeSH "
                                    "tree number such as 'D06.472'")
                trees.append(tree)
            not_before.update(w.lower() for w in _strings(obj, "not_before", where, empty=True))
            not_after.update(w.lower() for w in _strings(obj, "not_after", where, empty=True))
        return cls(
            stems=tuple(stems), max_words=max_words,
            common_words=frozenset(read_word_list(rule_file(COMMON_WORDS_FILE))),
            ids=frozenset(ids), trees=tuple(trees),
            not_before=frozenset(not_before), not_after=frozenset(not_after),
            first_words=first_words,
        )

    def named_by_stem(self, text: str) -> bool:
        """Whether a match's text is a drug name built on an INN stem ("natalizumab",
        "certolizumab pegol"), not a phrase that holds one ("rapamycin-insensitive companion
        of mTOR")."""
        words = _WORD.findall(text.lower())
        if not words or len(words) > self.max_words:
            return False
        return any(
            len(w) >= len(s) + 3 and w.endswith(s) and w not in self.common_words
            for w in words
            for s in self.stems
        )

    def head_of_one_drug(self, word: str, kb: KnowledgeBase) -> str | None:
        """The DRUG concept a lower-case word on its own names (`first_words`, module docstring),
        or None."""
        if not (self.first_words and self.stems) or word in self.common_words:
            return None
        if not self._stem_word.fullmatch(word):
            return None
        key = normalize_term(word)
        if kb.lookup(key):
            return None  # a name of its own, the lexicon's to tag or not
        _, rows = kb.alias_candidates(key + " ", len(key) + 2, _LONGEST_NAME)
        ids = {cid for row in rows for cid in kb.ids_at(row)}
        if len(ids) != 1:
            return None
        (cid,) = ids
        return cid if kb.label_of(cid) == DRUG else None

    @functools.cached_property
    def stem_ends(self) -> frozenset[str]:
        """The stems' last three letters (a word ending in none ends in no stem)."""
        return frozenset(s[-3:] for s in self.stems)

    @functools.cached_property
    def _stem_word(self) -> re.Pattern[str]:
        """A word of at least three letters before one of the stems."""
        stems = sorted(self.stems, key=len, reverse=True)
        return re.compile(r"[a-z]{3,}(?:" + "|".join(map(re.escape, stems)) + ")")

    def given_concept(self, doc: Doc, start: int, end: int, concept: Concept | None) -> bool:
        """Whether the match at tokens [start, end) is a listed concept that its neighbours do
        not say is measured."""
        if concept is None or not (
            concept.concept_id in self.ids
            or any(t.startswith(self.trees) for t in concept.tree_numbers)
        ):
            return False
        after = doc[end].lower_ if end < len(doc) else ""
        before = doc[start - 1].lower_ if start > 0 else ""
        return after not in self.not_before and before not in self.not_after

    def keeps(self, doc: Doc, start: int, end: int, concept: Concept | None) -> bool:
        """Whether a declined DRUG match at tokens [start, end) is kept (either rule)."""
        return self.given_concept(doc, start, end, concept) or self.named_by_stem(
            doc[start:end].text
        )
