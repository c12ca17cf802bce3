"""`biotab_lexicon`: dictionary matching of DRUG, DISEASE and CYTOKINE terms from the KB.

Reads: tokens, sentence boundaries and `Span._.language` of sentences (non-English sentences are
skipped: the lexicon is English). Writes: `doc.spans[spans_key]` (default "lexicon"), one span per
match with `span.label_` and `span.id_` = concept id. Overlapping matches are resolved here:
the longest match wins; on a tie the more specific label wins (CYTOKINE > DRUG > DISEASE), so in
"tumor necrosis factor" the cytokine beats the disease "necrosis".

Patterns are spaCy phrase patterns (`{"label", "pattern", "id"}`), matched on lower-cased tokens
(PhraseMatcher attr LOWER). By default they come from `models/kb/patterns.jsonl.gz`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from pipeline import extensions as _extensions  # noqa: F401
from pipeline.kb import load_patterns
from pipeline.paths import kb_dir

LABEL_PRIORITY = {"CYTOKINE": 0, "DRUG": 1, "DISEASE": 2}
PATTERNS_FILE = "patterns.jsonl.gz"


def english_token_mask(doc: Doc) -> list[bool]:
    """True for tokens in sentences that are English (or whose language is unknown)."""
    if not doc.has_annotation("SENT_START"):
        return [True] * len(doc)
    mask = [True] * len(doc)
    for sent in doc.sents:
        if sent._.language not in (None, "en"):
            mask[sent.start : sent.end] = [False] * (sent.end - sent.start)
    return mask


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Longest span wins; on equal length the more specific label, then the earlier start."""
    ordered = sorted(
        spans,
        key=lambda s: (-(s.end - s.start), LABEL_PRIORITY.get(s.label_, 9), s.start),
    )
    taken: set[int] = set()
    kept: list[Span] = []
    for span in ordered:
        if taken.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


class LexiconMatcher:
    """Phrase matching of KB terms into `doc.spans[spans_key]`."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        patterns_path: str | None = None,
        spans_key: str = "lexicon",
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.patterns: list[dict[str, Any]] = []
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._ids: dict[tuple[str, str], str] = {}
        path = Path(patterns_path) if patterns_path else kb_dir() / PATTERNS_FILE
        if path.exists():
            self.add_patterns(load_patterns(path))

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        """Add validated phrase patterns; the first concept listed for a term keeps it."""
        for pattern in patterns:
            if not isinstance(pattern["pattern"], str):
                raise ValueError(
                    "biotab_lexicon takes phrase patterns: 'pattern' must be a string, got "
                    f"{type(pattern['pattern']).__name__} for id {pattern.get('id')!r}"
                )
        texts = [p["pattern"] for p in patterns]
        by_label: dict[str, list[Doc]] = {}
        tokenizer: Any = self.nlp.tokenizer  # spaCy types it as a plain callable
        for pattern, pattern_doc in zip(patterns, tokenizer.pipe(texts), strict=True):
            label = pattern["label"]
            key = (label, " ".join(t.lower_ for t in pattern_doc))
            if key not in self._ids:
                self._ids[key] = pattern.get("id") or ""
                by_label.setdefault(label, []).append(pattern_doc)
        for label, docs in by_label.items():
            self.matcher.add(label, docs)
        self.patterns.extend(patterns)

    def __call__(self, doc: Doc) -> Doc:
        english = english_token_mask(doc)
        spans = []
        for match_id, start, end in self.matcher(doc):
            if not english[start]:
                continue
            label = self.nlp.vocab.strings[match_id]
            key = (label, " ".join(t.lower_ for t in doc[start:end]))
            spans.append(Span(doc, start, end, label=label, span_id=self._ids.get(key, "")))
        doc.spans[self.spans_key] = resolve_overlaps(spans)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with gzip.open(path / PATTERNS_FILE, "wt", encoding="utf-8") as fh:
            for pattern in self.patterns:
                fh.write(json.dumps(pattern, ensure_ascii=False) + "\n")

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> LexiconMatcher:
        self.patterns = []
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._ids = {}
        self.add_patterns(load_patterns(Path(path) / PATTERNS_FILE))
        return self


@Language.factory(
    "biotab_lexicon", default_config={"patterns_path": None, "spans_key": "lexicon"}
)
def make_lexicon(
    nlp: Language, name: str, *, patterns_path: str | None, spans_key: str
) -> LexiconMatcher:
    return LexiconMatcher(nlp, name, patterns_path=patterns_path, spans_key=spans_key)
