"""The compiled knowledge base (MeSH + HGNC + brand names) and its loader.

`biotab kb build` (see `pipeline/kb/build.py`) compiles `models/kb/`; this module reads it:

    from pipeline.kb import KnowledgeBase, normalize_term, load_patterns
    kb = KnowledgeBase.load()              # cached per process
    kb.concepts["MESH:D000077271"]          # -> Concept
    kb.lookup("Aldara")                     # -> [Concept(Imiquimod)]

`normalize_term` is the one normalizer shared by the build, the loader, the linker and the fuzzy
matcher, so that an alias normalized at build time and a mention normalized at run time meet.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.kb.normalize import SALT_WORDS, compact_key, normalize_term, strip_salts
from pipeline.kb.patterns import PATTERNS_FILE, load_patterns, pattern_problem
from pipeline.kb.table import (
    MANIFEST_FILE,
    KBFileError,
    SortedLines,
    checked_bytes,
    concept_lines,
    index_lines,
)
from pipeline.labels import DRUG, LABELS
from pipeline.paths import kb_dir

log = logging.getLogger(__name__)

__all__ = [
    "LABELS",
    "PATTERNS_FILE",
    "SALT_WORDS",
    "Concept",
    "KBFileError",
    "KnowledgeBase",
    "compact_key",
    "index_entries",
    "load_patterns",
    "normalize_term",
    "pattern_problem",
    "strip_salts",
]


CONCEPTS_FILE = "concepts.jsonl.gz"
INDEX_FILE = "index.tsv.gz"

@dataclass(frozen=True, slots=True)
class Concept:
    concept_id: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    tree_numbers: tuple[str, ...] = ()
    hgnc_id: str | None = None
    hgnc_symbol: str | None = None

    @property
    def canonical_name(self) -> str:
        return self.name

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Concept:
        return cls(
            concept_id=obj["concept_id"],
            name=obj["canonical_name"],
            label=obj["label"],
            aliases=tuple(obj.get("aliases") or ()),
            tree_numbers=tuple(obj.get("tree_numbers") or ()),
            hgnc_id=obj.get("hgnc_id"),
            hgnc_symbol=obj.get("hgnc_symbol"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "concept_id": self.concept_id,
            "canonical_name": self.name,
            "label": self.label,
            "aliases": list(self.aliases),
            "tree_numbers": list(self.tree_numbers),
            "hgnc_id": self.hgnc_id,
            "hgnc_symbol": self.hgnc_symbol,
        }


def concept_priority(concept: Concept) -> tuple[int, str]:
    """Sort key for lookup results: HGNC cytokine genes, then MeSH descriptors, then supplements."""
    cid = concept.concept_id
    if cid.startswith("HGNC:"):
        rank = 0
    elif cid.startswith("MESH:D"):
        rank = 1
    else:
        rank = 2
    return (rank, cid)


_CONCEPT_PREFIX = '{"concept_id":"'
#: Decoded aliases kept for the linker's fuzzy step (about 80 bytes each), over all prefixes:
#: about 60% of the index's 670,000 lines. On 2,000 real abstracts, 200,000 still missed about
#: one prefix in three after 1,000 abstracts; 400,000 miss about one in ten, for about 25 MB more.
_ALIAS_CACHE_KEYS = 400_000
#: Parsed concepts kept per process (a corpus touches a few thousand; the bound keeps memory flat).
_PARSED_MAX = 50_000


class _TableConcepts(Mapping[str, Concept]):
    """concept id -> Concept, parsed from its JSON line (a `SortedLines` row) on first access."""

    def __init__(self, table: SortedLines) -> None:
        self._table = table
        self._parsed: dict[str, Concept] = {}

    def _row(self, concept_id: str) -> int | None:
        return self._table.find(concept_id.encode("utf-8"))

    def __getitem__(self, concept_id: str) -> Concept:
        concept = self._parsed.get(concept_id)
        if concept is None:
            row = self._row(concept_id) if isinstance(concept_id, str) else None
            if row is None:
                raise KeyError(concept_id)
            concept = Concept.from_json(json.loads(self._table.line(row)))
            if len(self._parsed) >= _PARSED_MAX:
                self._parsed.clear()
            self._parsed[concept_id] = concept
        return concept

    def __iter__(self) -> Iterator[str]:
        return (self._table[row].decode("utf-8") for row in range(len(self._table)))

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, concept_id: object) -> bool:
        return isinstance(concept_id, str) and (
            concept_id in self._parsed or self._row(concept_id) is not None
        )

    def label(self, concept_id: str) -> str | None:
        """The label of a concept without parsing its record (None: no such concept)."""
        row = self._row(concept_id)
        if row is None:
            return None
        # A JSON string cannot hold an unescaped quote: this key cannot match inside a name.
        found = _LABEL_FIELD.search(self._table.line(row))
        return found.group(1).decode("ascii") if found else self[concept_id].label

    def labels(self) -> dict[str, str]:
        """concept id -> label, without parsing the records."""
        out: dict[str, str] = {}
        for row in range(len(self._table)):
            cid = self._table[row].decode("utf-8")
            found = _LABEL_FIELD.search(self._table.line(row))
            out[cid] = found.group(1).decode("ascii") if found else self[cid].label
        return out


_LABEL_FIELD = re.compile(rb'"label":\s*"([A-Z_]+)"')


def index_entries(concepts: Iterable[Concept]) -> dict[str, list[str]]:
    """The lookup index: normalized alias -> concept ids (priority order).

    Keys: "<key>" the normalized alias; "~<key>" its salt-stripped form when different, for
    drugs only ("fingolimod hydrochloride" -> "~fingolimod"); "#<key>" its space-free form for
    short terms ("il 2" -> "#il2"). Written by the build to index.tsv.gz so loading needs no
    normalizing.
    """
    index: dict[str, list[str]] = {}

    def put(key: str, cid: str) -> None:
        ids = index.setdefault(key, [])
        if cid not in ids:
            ids.append(cid)

    for concept in concepts:
        for term in (concept.name, *concept.aliases):
            key = normalize_term(term)
            if not key:
                continue
            put(key, concept.concept_id)
            stripped = strip_salts(key)
            # Salts are a drug matter: "phosphate diabetes" must not answer for "diabetes".
            if stripped != key and concept.label == DRUG:
                put("~" + stripped, concept.concept_id)
            if " " in key and len(key) <= COMPACT_MAX_CHARS:
                put("#" + compact_key(key), concept.concept_id)
    return {k: sorted(v, key=_id_priority) for k, v in index.items()}


COMPACT_MAX_CHARS = 24
#: the longer aliases `starts_a_longer_alias` checks the label of, at most
_LONGER_ROWS = 64


def _id_priority(cid: str) -> tuple[int, str]:
    return (0 if cid.startswith("HGNC:") else 1 if cid.startswith("MESH:D") else 2, cid)


class KnowledgeBase:
    """Concepts by id plus an exact-match index on normalized aliases (`SortedLines` tables)."""

    def __init__(
        self,
        concepts: Mapping[str, Concept],
        path: Path | None = None,
        manifest: dict[str, Any] | None = None,
        index: SortedLines | None = None,
    ) -> None:
        self.concepts = concepts
        self.path = path
        self.manifest = manifest or {}
        self._index: SortedLines | None = index
        self._labels: dict[str, str] | None = None
        # prefix -> its aliases' (lengths, keys, index rows), sorted by length, least recently
        # used first (`alias_candidates`)
        self._alias_cache: dict[str, tuple[list[int], list[str], list[int]]] = {}
        self._alias_cache_keys = 0

    def __repr__(self) -> str:
        return f"KnowledgeBase({len(self.concepts)} concepts from {self.path})"

    @property
    def fingerprint(self) -> str | None:
        """Which KB this is: a hash of its manifest (its sources' and files' hashes, its
        filters) but its build date, so that the same KB built again has the same one; None for
        a KB without a manifest (built in memory)."""
        if not self.manifest:
            return None
        what = {k: v for k, v in self.manifest.items() if k != "build_date"}
        canonical = json.dumps(what, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    # ----------------------------------------------------------------------------------- load
    @classmethod
    def load(cls, path: str | Path | None = None) -> KnowledgeBase:
        """Load (once per process and path) the KB from `path` (default `models/kb/`)."""
        folder = Path(path) if path is not None else kb_dir()
        key = folder.resolve()
        with _LOCK:
            cached = _loaded.kbs.get(key)
            if cached is None:
                cached = cls._read(folder)
                _loaded.kbs[key] = cached
            return cached

    @classmethod
    def prefetch(cls, path: str | Path | None = None) -> threading.Thread:
        """Start `load(path).warm_up()` in a thread and return it. Decompressing and hashing
        the KB files release the GIL, so a caller that builds the rest of a pipeline meanwhile
        is ready sooner. Join the thread before forking. A KB that fails to load is only logged
        here: the caller's own `load` then raises the error."""

        def load() -> None:
            try:
                cls.load(path).warm_up()
            except Exception as exc:  # noqa: BLE001 - the caller's own load raises it
                log.debug("KB prefetch of %s failed: %s", path or kb_dir(), exc)

        thread = threading.Thread(target=load, name="biotab-kb-prefetch", daemon=True)
        thread.start()
        return thread

    @classmethod
    def _read(cls, folder: Path) -> KnowledgeBase:
        """The concepts (the index is read on first look-up); raises KBFileError for a file
        that is damaged or does not match the folder's manifest."""
        file = folder / CONCEPTS_FILE
        if not file.exists():
            raise FileNotFoundError(
                f"knowledge base not found: {file} (run `biotab kb build` to compile it)"
            )
        manifest: dict[str, Any] = {}
        if (folder / MANIFEST_FILE).exists():
            manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        data, verified = checked_bytes(file, manifest)
        prefix_len = len(_CONCEPT_PREFIX)
        table = None
        if verified and data[: prefix_len] == _CONCEPT_PREFIX.encode():
            table = SortedLines(data, key_start=prefix_len, key_end=b'"', source=str(file))
            if not table.starts_with(_CONCEPT_PREFIX.encode()):
                table = None
        if table is None:  # not as our build writes it: parsed, re-written id first, sorted
            table = SortedLines.from_lines(concept_lines(file, bytes(data)), key_start=prefix_len,
                                           key_end=b'"', source=str(file))
        return cls(_TableConcepts(table), path=folder, manifest=manifest)

    @classmethod
    def from_concepts(cls, concepts: Iterable[Concept],
                      index: Mapping[str, list[str]] | None = None) -> KnowledgeBase:
        """An in-memory KB (tests, the build); `index`: `index_entries` of the concepts when
        the caller has it already."""
        by_id = {c.concept_id: c for c in concepts}
        entries = index if index is not None else index_entries(by_id.values())
        table = SortedLines.from_lines(
            (f"{k}\t{' '.join(v)}" for k, v in entries.items() if k and v),
            key_start=0, key_end=b"\t", source="the in-memory index",
        )
        return cls(by_id, index=table)

    # ---------------------------------------------------------------------------------- index
    def _load_index(self) -> SortedLines:
        """The look-up index: index.tsv.gz (checked like the concepts), or computed."""
        with _LOCK:
            if self._index is None:
                file = self.path / INDEX_FILE if self.path is not None else None
                if file is not None and file.exists():
                    data, verified = checked_bytes(file, self.manifest)
                    index = None
                    if verified:
                        index = SortedLines(data, key_start=0, key_end=b"\t", source=str(file))
                        index = index if index.one_per_line(b"\t") else None
                    if index is None:  # not as our build writes it: checked and sorted
                        index = SortedLines.from_lines(index_lines(file, bytes(data)), key_start=0,
                                                       key_end=b"\t", source=str(file))
                else:
                    entries = index_entries(self.concepts.values())
                    index = SortedLines.from_lines(
                        (f"{k}\t{' '.join(v)}" for k, v in entries.items() if k and v),
                        key_start=0, key_end=b"\t", source="the index computed from concepts",
                    )
                self._index = index
            return self._index

    def warm_up(self) -> None:
        """Read the look-up index now (it is otherwise read on the first look-up)."""
        self._load_index()

    def index_rows(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(normalized alias or variant key, concept ids in priority order), in key order."""
        for key, ids in self._load_index().rows():
            yield key.decode("utf-8"), tuple(ids.decode("utf-8").split(" "))

    def _ids_for(self, text: str) -> tuple[str, ...]:
        index = self._index if self._index is not None else self._load_index()
        key = normalize_term(text)
        if not key:
            return ()

        def get(k: str) -> bytes | None:
            row = index.find(k.encode("utf-8"))
            return index.value(row) if row is not None else None

        ids = get(key)
        if not ids:
            stripped = strip_salts(key)
            if stripped != key:
                ids = get(stripped) or get("~" + stripped)
            if not ids:
                ids = get("~" + key) or get("#" + compact_key(key))
        return tuple(ids.decode("utf-8").split(" ")) if ids else ()

    # ------------------------------------------------------------------------------- queries
    def lookup(self, text: str, label: str | None = None) -> list[Concept]:
        """Concepts whose name or alias equals `text` after `normalize_term`.

        Tries the full form first, then the salt-stripped form ("fingolimod hydrochloride" ->
        fingolimod; "glatiramer" -> Glatiramer Acetate), then spacing-insensitive ("IL2" = "IL-2").
        HGNC genes sort first, then MeSH descriptors, then supplementary concepts. `label`
        restricts the result.
        """
        found = [self.concepts[i] for i in self._ids_for(text) if i in self.concepts]
        if label is not None:
            found = [c for c in found if c.label == label]
        return sorted(found, key=concept_priority)

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def starts_a_longer_alias(self, text: str, label: str | None = None) -> bool:
        """Some name or alias (normalized) of a `label` concept (any label: None) is `text`
        (normalized) followed by more words: "chronic fatigue" begins "chronic fatigue
        syndrome". (Past `_LONGER_ROWS` such aliases the label is not checked: True.)"""
        prefix = (normalize_term(text) + " ").encode("utf-8")
        lo, hi = self._load_index().prefix_range(prefix)
        if label is None or hi - lo > _LONGER_ROWS:
            return lo < hi
        return any(self.label_of(cid) == label for row in range(lo, hi)
                   for cid in self.ids_at(row))

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts

    def by_label(self, label: str) -> Iterator[Concept]:
        return (c for c in self.concepts.values() if c.label == label)

    def label_of(self, concept_id: str) -> str | None:
        """The label of one concept (None: not in the KB), without parsing its record."""
        if isinstance(self.concepts, _TableConcepts):
            return self.concepts.label(concept_id)
        concept = self.concepts.get(concept_id)
        return concept.label if concept is not None else None

    def concept_labels(self) -> dict[str, str]:
        """concept id -> label for every concept (computed once; no record is parsed)."""
        if self._labels is None:
            if isinstance(self.concepts, _TableConcepts):
                self._labels = self.concepts.labels()
            else:
                self._labels = {cid: c.label for cid, c in self.concepts.items()}
        return self._labels

    def normalized_aliases(
        self, labels: Iterable[str], *, min_length: int = 1
    ) -> dict[str, dict[str, str]]:
        """For each of `labels`: every normalized name and alias of its concepts (of at least
        `min_length` characters) -> concept id.

        Read off the look-up index, so nothing is normalized. Several concepts sharing a
        normalized alias: the higher-priority one (HGNC, then descriptor, then supplement) wins,
        as in `lookup`. (Every alias as a dict: the linker asks `alias_candidates` instead.)
        """
        wanted = _known_labels(labels)
        label_of = self.concept_labels()
        out: dict[str, dict[str, str]] = {label: {} for label in wanted}
        for key, ids in self.index_rows():
            if len(key) < min_length or key[:1] in "~#":  # "~", "#": variants, not aliases
                continue
            for cid in ids:
                by_label = out.get(label_of.get(cid, ""))
                if by_label is not None and key not in by_label:
                    by_label[key] = cid  # ids are in priority order: the first one wins
        return out

    def alias_candidates(self, prefix: str, min_chars: int,
                         max_chars: int) -> tuple[list[str], list[int]]:
        """Normalized aliases (no "~"/"#" variant keys) that start with `prefix` and have
        `min_chars` to `max_chars` characters, and their index rows (`ids_at`; index order is
        row order), shortest first.

        The linker's fuzzy step compares a mention with these instead of every alias of its
        label: the aliases of a prefix are decoded once (kept for the most recently used
        prefixes, `_ALIAS_CACHE_KEYS` keys at most) and sorted by length, so a look-up is two
        bisections.
        """
        lengths, keys, rows = self._prefix_aliases(prefix)
        lo = bisect_left(lengths, min_chars)
        hi = bisect_right(lengths, max_chars, lo)
        return keys[lo:hi], rows[lo:hi]

    def ids_at(self, row: int) -> tuple[str, ...]:
        """The concept ids (priority order) of index row `row` (from `alias_candidates`)."""
        return tuple(self._load_index().value(row).decode("utf-8").split(" "))

    def _prefix_aliases(self, prefix: str) -> tuple[list[int], list[str], list[int]]:
        with _LOCK:
            cache = self._alias_cache
            found = cache.pop(prefix, None)
            if found is None:
                found = self._decode_prefix(prefix)
                self._alias_cache_keys += len(found[0])
                while cache and self._alias_cache_keys > _ALIAS_CACHE_KEYS:
                    oldest = next(iter(cache))  # dicts keep insertion order: least recent first
                    self._alias_cache_keys -= len(cache.pop(oldest)[0])
            cache[prefix] = found  # (re)inserted last: the most recently used
            return found

    def _decode_prefix(self, prefix: str) -> tuple[list[int], list[str], list[int]]:
        """The index lines starting with `prefix`: (lengths, keys, rows), by length, ties in
        index order (which is key order), "~"/"#" variant keys left out. A miss of the prefix
        cache costs this, so it stays in C as much as it can (split, partition, a sort by a
        list's own `__getitem__`)."""
        index = self._load_index()
        lo, hi = index.prefix_range(prefix.encode("utf-8"))
        lines = index.block(lo, hi).decode("utf-8").split("\n")
        if lines and not lines[-1]:
            lines.pop()
        keys = [line.partition("\t")[0] for line in lines]
        lengths = [len(key) for key in keys]
        order = [i for i in sorted(range(len(keys)), key=lengths.__getitem__)
                 if keys[i][:1] not in "~#"]
        return [lengths[i] for i in order], [keys[i] for i in order], [lo + i for i in order]

    def aliases_for_label(self, label: str) -> dict[str, str]:
        """Every name and alias of `label` concepts, as {surface form: concept id}.

        On a clash the higher-priority concept (HGNC, then descriptor, then supplement) wins.
        Useful for fuzzy matching against a label's vocabulary. (Parses every concept: slow-ish.)
        """
        _known_labels([label])
        out: dict[str, str] = {}
        for concept in sorted(self.by_label(label), key=concept_priority, reverse=True):
            for term in (concept.name, *concept.aliases):
                out[term] = concept.concept_id
        return out


def _known_labels(labels: Iterable[str]) -> list[str]:
    wanted = list(labels)
    for label in wanted:
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}: expected one of {', '.join(LABELS)}")
    return wanted


_LOCK = threading.RLock()


@dataclass
class _LoadedKBs:
    """Per-process state, not a constant: the KBs this process has loaded (`KnowledgeBase.load`,
    under `_LOCK`), by resolved folder; a forked worker starts with its driver's."""

    kbs: dict[Path, KnowledgeBase] = field(default_factory=dict)


#: This process's loaded KBs (`_LoadedKBs`).
_loaded = _LoadedKBs()
