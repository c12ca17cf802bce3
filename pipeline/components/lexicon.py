"""`biotab_lexicon`: dictionary matching of DRUG, DISEASE and CYTOKINE terms from the KB.

Reads: tokens, sentence boundaries and `Span._.language` of sentences (non-English sentences are
skipped: the lexicon is English). Writes: `doc.spans[spans_key]` (default "lexicon"), one span per
match with `span.label_` and `span.id_` = concept id. Overlapping matches are resolved here:
the longest match wins; on a tie the more specific label wins (CYTOKINE > DRUG > DISEASE), so in
"tumor necrosis factor" the cytokine beats the disease "necrosis".

With `token_tags=True` it also writes `token.tag_` of every matched token ("B-DRUG", "I-DRUG",
... after overlap resolution; other tokens keep an empty tag). biotab's NER model embeds TAG as a
feature (`models/configs/biotab_ner.cfg`), so in the tag pipeline this component runs before the
model's `tok2vec`: the model learns when a dictionary match is a mention and where it ends,
instead of the lexicon being merged only after the model has decided.

Patterns are in spaCy's SpanRuler format (`{"label", "pattern", "id"}`): a phrase string, or a
list of token dicts with `LOWER` (the KB ships them pre-tokenized with the runtime tokenizer).
Matching is exact on lower-cased tokens, as a PhraseMatcher on LOWER would do, but through
sorted arrays of 64-bit hashes (`pipeline.components.lexicon_index`): building a PhraseMatcher
for the KB's ~100k terms creates a Doc and lexemes per term and costs tens of seconds in every
worker; the index saved next to the patterns (`to_disk`) loads in a few hundredths of a second,
and indexing the patterns (a folder saved without it, or a `patterns_path`) takes about two.
By default patterns come from `models/kb/patterns.jsonl.gz`.

With `split_hyphens=True` (the default) a term whose tokens hold hyphens also matches with
the hyphens as tokens of their own: "graft-versus-host disease" matches "graft - versus - host
disease" too. scispacy keeps "graft-versus-host" one token, but text that was tokenized
before it reached biotab (the BC5CDR and NCBI IOB corpora the model is trained on, whose text
is the tokens joined by spaces) has the hyphens spaced, and without this 14% of the KB's terms
could never mark a training token.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from pipeline import extensions as _extensions  # noqa: F401
from pipeline.components.lexicon_index import INDEX_FILE, LexiconIndex, Row
from pipeline.kb import load_patterns, pattern_problem
from pipeline.labels import CYTOKINE, DISEASE, DRUG
from pipeline.paths import kb_dir

# the span group it writes (read by biotab_fuzzy and biotab_fusion)
SPANS_KEY = "lexicon"

log = logging.getLogger(__name__)

LABEL_PRIORITY = {CYTOKINE: 0, DRUG: 1, DISEASE: 2}
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


def set_token_tags(doc: Doc, spans: Iterable[Span]) -> None:
    """`token.tag_` = "B-<label>" / "I-<label>" inside `spans` (non-overlapping), "" elsewhere."""
    tags = [""] * len(doc)
    for span in spans:
        tags[span.start] = f"B-{span.label_}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label_}"
    for token, tag in zip(doc, tags, strict=True):
        token.tag_ = tag


_HYPHEN = re.compile(r"(-)")


def spaced_hyphens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens with every hyphen a token of its own ("graft-versus-host" -> 5 tokens)."""
    if not any("-" in t and t != "-" for t in tokens):
        return tokens
    return tuple(piece for t in tokens for piece in _HYPHEN.split(t) if piece)


def _hyphen_words(word: str) -> list[str]:
    """The words of a hyphen-joined token ("small-cell" -> small, cell), else []."""
    if "-" not in word or word.startswith("-") or word.endswith("-") or "--" in word:
        return []
    return word.split("-")


def hyphen_word_matches(
    index: LexiconIndex, lowers: list[str], allowed: np.ndarray,
    found: list[tuple[int, int, str, str]],
) -> list[tuple[int, int, str, str]]:
    """Matches of terms whose words the text joins by hyphens: "non-small-cell lung cancer",
    "giant-cell arteritis", "large-B-cell lymphoma" are one token ("small-cell", "giant-cell",
    "large-B-cell") where the KB writes "small cell", "giant cell", "large B cell". The doc's
    tokens are matched again with every hyphen-joined token read as its words; a match must
    start and end at token boundaries and cover at least two tokens (one hyphen-joined token
    alone, "fatty-acid", "birth-weight", is mostly a modifier, no mention: "beta-thalassemia"
    is left to the model), and only matches through such a token (not already in `found`) are
    returned, in (start, end) token offsets of the doc."""
    words: list[str] = []
    token_of: list[int] = []
    first: list[bool] = []
    last: list[bool] = []
    for i, lower in enumerate(lowers):
        pieces = _hyphen_words(lower) or [lower]
        words.extend(pieces)
        token_of.extend([i] * len(pieces))
        first.extend(j == 0 for j in range(len(pieces)))
        last.extend(j == len(pieces) - 1 for j in range(len(pieces)))
    if len(words) == len(lowers):  # no hyphen-joined token
        return []
    hashes = np.array([get_string_id(w) for w in words], dtype=np.uint64)
    starts = allowed[np.array(token_of)] & np.array(first, dtype=bool)
    seen = {(s, e, label, cid) for s, e, label, cid in found}
    out: list[tuple[int, int, str, str]] = []
    for start, end, label, cid in index.match(hashes, starts):
        if not last[end - 1]:
            continue
        match = (token_of[start], token_of[end - 1] + 1, label, cid)
        if match[1] - match[0] > 1 and match not in seen:
            seen.add(match)
            out.append(match)
    return out


class LexiconMatcher:
    """Exact matching of KB terms on lower-cased tokens into `doc.spans[spans_key]`."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        patterns_path: str | None = None,
        spans_key: str = SPANS_KEY,
        token_tags: bool = False,
        split_hyphens: bool = True,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.token_tags = token_tags
        self.split_hyphens = split_hyphens
        self._reset()
        # The KB's default patterns are read on first use: a pipeline loaded from disk replaces
        # them in `from_disk` at once, and reading ~100k patterns first would double every
        # worker's start-up. A file named in the config is read (and validated) now.
        self._pending: Path | None = kb_dir() / PATTERNS_FILE
        if patterns_path:
            self._pending = None
            if Path(patterns_path).exists():  # a missing file: no patterns (as before)
                self._add_checked(load_patterns(Path(patterns_path)))

    def _reset(self) -> None:
        # None: the patterns of `_patterns_file`, read only when asked for (`patterns`)
        self._patterns: list[dict[str, Any]] | None = []
        self._patterns_file: Path | None = None
        self._index: LexiconIndex | None = None

    def _tokens(self, pattern: dict[str, Any]) -> tuple[str, ...]:
        value = pattern["pattern"]
        if isinstance(value, str):
            return tuple(t.lower_ for t in self.nlp.tokenizer(value))
        if all(len(tok) == 1 and "LOWER" in tok for tok in value):
            return tuple(str(tok["LOWER"]).lower() for tok in value)
        raise ValueError(
            f"biotab_lexicon: pattern for id {pattern.get('id')!r} uses {value!r}; expected a "
            "phrase string or token dicts with only the key 'LOWER'"
        )

    def _rows(self, patterns: list[dict[str, Any]]) -> Iterator[Row]:
        """(tokens, label, id) of every pattern, and of its spaced-hyphen form."""
        for pattern in patterns:
            key = self._tokens(pattern)
            entry = (pattern["label"], pattern.get("id") or "")
            yield (key, *entry)
            if self.split_hyphens:
                spaced = spaced_hyphens(key)
                if spaced != key:
                    yield (spaced, *entry)

    def _load_pending(self) -> None:
        """The KB's default patterns, with the index saved next to them when there is one."""
        path, self._pending = self._pending, None
        if path is not None and path.exists():
            self._use_file(path)

    def _use_file(self, patterns_file: Path) -> None:
        """Patterns from `patterns_file`: its saved index when the folder has one (refused
        when stale or damaged), else the patterns read and indexed now."""
        self._reset()
        index_file = patterns_file.parent / INDEX_FILE
        index = None
        if index_file.exists():
            index = LexiconIndex.load(index_file, patterns_file, self.split_hyphens)
        if index is None:  # saved before the index existed (or with the other hyphen setting)
            log.debug("biotab_lexicon: indexing %s", patterns_file)
            index = LexiconIndex.build(self._rows(load_patterns(patterns_file)))
        # the parsed patterns (~80 MB for the KB's) are not kept: read again when asked for
        self._patterns, self._patterns_file, self._index = None, patterns_file, index

    @property
    def patterns(self) -> list[dict[str, Any]]:
        self._load_pending()
        if self._patterns is None:  # read (and validated) only when someone asks
            assert self._patterns_file is not None
            self._patterns = load_patterns(self._patterns_file)
        return self._patterns

    @property
    def index(self) -> LexiconIndex:
        """The match index (see `pipeline.components.lexicon_index`)."""
        self._load_pending()
        if self._index is None:
            self._index = LexiconIndex.build(self._rows(self.patterns))
        return self._index

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        """Add patterns (SpanRuler format, checked here: a bad one raises ValueError naming its
        position, key and what was expected); for a term listed twice under one label the
        first id wins. The index is rebuilt once, when next used, so that adding patterns one
        call at a time costs no more than adding them at once."""
        for i, pattern in enumerate(patterns):
            problem = pattern_problem(pattern)
            if problem is not None:
                raise ValueError(f"biotab_lexicon.add_patterns: pattern {i}: {problem}")
        self._add_checked(patterns)

    def _add_checked(self, patterns: list[dict[str, Any]]) -> None:
        """`add_patterns` for patterns that passed `pattern_problem` (`load_patterns` checks
        each as it reads it)."""
        for pattern in patterns:
            if not isinstance(pattern["pattern"], str):  # keys other than LOWER: refused now
                self._tokens(pattern)
        self._load_pending()
        self.patterns.extend(patterns)
        self._index = None

    def matches(self, doc: Doc) -> list[Span]:
        """Every (possibly overlapping) match in English sentences, also of terms whose words
        the text joins by hyphens (`hyphen_word_matches`)."""
        index = self.index
        if len(doc) == 0:
            return []
        allowed = np.array(english_token_mask(doc), dtype=bool)
        lowers = doc.to_array(LOWER)
        found = index.match(lowers, allowed)
        if self.split_hyphens and "-" in doc.text:
            found += hyphen_word_matches(index, [t.lower_ for t in doc], allowed, found)
        return [Span(doc, start, end, label=label, span_id=concept_id)
                for start, end, label, concept_id in found]

    def __call__(self, doc: Doc) -> Doc:
        spans = resolve_overlaps(self.matches(doc))
        doc.spans[self.spans_key] = spans
        if self.token_tags:
            set_token_tags(doc, spans)
        return doc

    def warm_up(self) -> None:
        """Load what loads lazily (the KB's default patterns), before the first document."""
        _ = self.index

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        """Writes `patterns.jsonl.gz` and the index made from it (`lexicon_index.msgpack.gz`)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        target = path / PATTERNS_FILE
        index = self.index
        source = self._patterns_file
        if self._patterns is None and source is not None:
            if source.resolve() != target.resolve():  # unchanged since read: the same bytes
                shutil.copyfile(source, target)
        else:
            with gzip.GzipFile(target, "wb", mtime=0) as fh:
                fh.write("".join(json.dumps(p, ensure_ascii=False) + "\n"
                                 for p in self.patterns).encode("utf-8"))
        index.save(path / INDEX_FILE, target, self.split_hyphens)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> LexiconMatcher:
        """Reads what `to_disk` wrote; a folder saved before the index existed (patterns only)
        is indexed now (a few seconds; `biotab kb index FOLDER` adds the file)."""
        self._pending = None
        self._use_file(Path(path) / PATTERNS_FILE)
        return self


@Language.factory(
    "biotab_lexicon",
    assigns=["doc.spans", "token.tag"],
    requires=["token.is_sent_start", "span._.language"],
    default_config={
        "patterns_path": None,
        "spans_key": SPANS_KEY,
        "token_tags": False,
        "split_hyphens": True,
    },
)
def make_lexicon(
    nlp: Language,
    name: str,
    *,
    patterns_path: str | None,
    spans_key: str,
    token_tags: bool,
    split_hyphens: bool,
) -> LexiconMatcher:
    return LexiconMatcher(
        nlp, name, patterns_path=patterns_path, spans_key=spans_key, token_tags=token_tags,
        split_hyphens=split_hyphens,
    )
