"""`biotab_linker`: a MeSH / HGNC concept for every mention that has none yet.

Reads: `doc.ents` with `Span._.concept_id` (set by fusion for lexicon matches). Writes:
`Span._.concept_id` for DRUG and DISEASE mentions without one, and `Span._.concept_name` for
every mention that has a concept. Linking, in order:

1. exact look-up of the normalized mention (`pipeline.kb.normalize_term`: case, hyphens, Greek
   letters, plurals, salts such as "fingolimod hydrochloride") among the KB's names and aliases
   of the same label;
2. character-level fuzzy match (rapidfuzz `ratio`) against aliases of the same label that share
   the first two characters, accepted only at or above `min_similarity`.

A mention that fits nothing keeps `concept_id = None` rather than a wrong id.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import srsly
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc

from pipeline import extensions as _extensions  # noqa: F401
from pipeline.kb import KnowledgeBase, normalize_term

LINKED_LABELS = ("DRUG", "DISEASE")


class Linker:
    """Links mentions to KB concepts (see module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        kb_path: str | None = None,
        min_similarity: float = 92.0,
        min_length: int = 5,
    ) -> None:
        self.name = name
        self.kb_path = kb_path
        self.min_similarity = min_similarity
        self.min_length = min_length
        self._kb: KnowledgeBase | None = None
        self._buckets: dict[tuple[str, str], dict[str, str]] | None = None
        self._link = lru_cache(maxsize=200_000)(self._link_uncached)

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = KnowledgeBase.load(Path(self.kb_path) if self.kb_path else None)
        return self._kb

    def use_kb(self, kb: KnowledgeBase) -> None:
        """Link against `kb` instead of the one in `kb_path` (tests, custom KBs)."""
        self._kb = kb
        self._buckets = None
        self._link.cache_clear()

    def _fuzzy_buckets(self) -> dict[tuple[str, str], dict[str, str]]:
        """Normalized aliases by (label, first two characters) -> {alias: concept_id}."""
        if self._buckets is None:
            buckets: dict[tuple[str, str], dict[str, str]] = {}
            for label in LINKED_LABELS:
                for alias, concept_id in self.kb.aliases_for_label(label).items():
                    norm = normalize_term(alias)
                    if len(norm) >= self.min_length:
                        buckets.setdefault((label, norm[:2]), {}).setdefault(norm, concept_id)
            self._buckets = buckets
        return self._buckets

    def _link_uncached(self, label: str, text: str) -> str | None:
        found = self.kb.lookup(text, label)
        if found:
            return found[0].concept_id
        norm = normalize_term(text)
        if len(norm) < self.min_length:
            return None
        choices = self._fuzzy_buckets().get((label, norm[:2]))
        if not choices:
            return None
        best = process.extractOne(
            norm, choices.keys(), scorer=fuzz.ratio, score_cutoff=self.min_similarity
        )
        return choices[best[0]] if best else None

    def link(self, label: str, text: str) -> str | None:
        """Concept id for a mention text of a label, or None when nothing fits well."""
        return self._link(label, text)

    def __call__(self, doc: Doc) -> Doc:
        for ent in doc.ents:
            if ent._.concept_id is None and ent.label_ in LINKED_LABELS:
                ent._.concept_id = self.link(ent.label_, ent.text)
            if ent._.concept_id is not None and ent._.concept_name is None:
                concept = self.kb.concepts.get(ent._.concept_id)
                if concept is not None:
                    ent._.concept_name = concept.name
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(
            path / "linker.json",
            {"min_similarity": self.min_similarity, "min_length": self.min_length},
        )

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> Linker:
        cfg = srsly.read_json(Path(path) / "linker.json")
        self.min_similarity = float(cfg["min_similarity"])
        self.min_length = int(cfg["min_length"])
        self._link.cache_clear()
        return self


@Language.factory(
    "biotab_linker",
    default_config={"kb_path": None, "min_similarity": 92.0, "min_length": 5},
)
def make_linker(
    nlp: Language, name: str, *, kb_path: str | None, min_similarity: float, min_length: int
) -> Linker:
    return Linker(
        nlp, name, kb_path=kb_path, min_similarity=min_similarity, min_length=min_length
    )
