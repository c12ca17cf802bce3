"""The lexicon's match index: KB terms as sorted 64-bit hashes, saved next to the patterns.

`biotab_lexicon` matches lower-cased token sequences. Its index holds, for every term (a tuple
of lower-cased tokens, and its spaced-hyphen form), a hash of the token sequence and the
(label, concept id) entries of the term, plus the hashes of every first token with the term
lengths that start there. A token's hash is spaCy's (`get_string_id` of the lower-cased text, what
`doc.to_array(LOWER)` returns), so a document is screened with one `numpy.searchsorted` over its
tokens; a term's hash folds its tokens' hashes (`fold`). For the ~110k terms of the KB this takes
about 4 MB, where the dicts of token tuples took about 50 MB and the parsed patterns 80 MB more.

Saved by `LexiconMatcher.to_disk` as `lexicon_index.msgpack.gz` next to `patterns.jsonl.gz`
(reads: that file; writes: nothing else): the token strings, terms as token numbers, entries,
plus the SHA-256 of the patterns file it was made from and the `split_hyphens` setting. Loading
it takes a few hundredths of a second instead of reading and indexing ~100k JSON patterns (about
2 s per worker). A file that does not match its patterns file, or that is damaged, is refused
with `LexiconIndexError` naming it. To add the file to a pipeline saved without it
(`write_indexes`):

    biotab kb index models/biotab_ner/biotab_lexicon

Two different token sequences with the same 64-bit hash would match each other's entries; like
spaCy's own string hashes, this is taken as impossible in practice.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.strings import get_string_id

log = logging.getLogger(__name__)

INDEX_FILE = "lexicon_index.msgpack.gz"
FORMAT = "biotab_lexicon_index"
VERSION = 1
_MULT = 0x9E3779B97F4A7C15  # odd: folding keeps every bit of the token hashes in play
_MASK = (1 << 64) - 1

#: A term: lower-cased tokens, with its label and concept id, in pattern order.
Row = tuple[tuple[str, ...], str, str]


class LexiconIndexError(ValueError):
    """A lexicon index file that is damaged or does not match its patterns file."""


def fold(token_hashes: Iterable[int]) -> int:
    """The hash of a token sequence from its tokens' hashes (polynomial, modulo 2**64)."""
    h = 0
    for t in token_hashes:
        h = (h * _MULT + t) & _MASK
    return h


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class LexiconIndex:
    """Sorted hash arrays for matching (see the module docstring)."""

    labels: list[str]
    first: np.ndarray  # uint64, sorted: hashes of first tokens
    first_lengths: np.ndarray  # int64 [len(first) + 1]: offsets into `lengths`
    lengths: np.ndarray  # int64: term lengths per first token, longest first
    keys: np.ndarray  # uint64, sorted: term hashes
    key_entries: np.ndarray  # int64 [len(keys) + 1]: offsets into the entry arrays
    entry_label: np.ndarray  # uint8: index into `labels`
    entry_id: np.ndarray  # int64: index into `ids`
    ids: list[str]  # concept ids
    payload: dict[str, Any]  # what `save` writes (tokens, terms, entries)

    # ------------------------------------------------------------------------------ matching
    def match(self, lowers: np.ndarray, allowed: np.ndarray) -> list[tuple[int, int, str, str]]:
        """(start, end, label, concept id) of every term in `lowers` (LOWER hashes of a doc's
        tokens) that starts at an `allowed` token: by start, longest first, entries in order."""
        n = len(lowers)
        if n == 0 or len(self.first) == 0:
            return []
        pos = np.minimum(np.searchsorted(self.first, lowers), len(self.first) - 1)
        starts = np.flatnonzero((self.first[pos] == lowers) & allowed)
        if len(starts) == 0:
            return []
        tokens = lowers.tolist()
        spans: list[tuple[int, int]] = []
        hashes: list[int] = []
        offsets = self.first_lengths
        for i, f in zip(starts.tolist(), pos[starts].tolist(), strict=True):
            for size in self.lengths[offsets[f] : offsets[f + 1]].tolist():
                if i + size <= n:
                    spans.append((i, i + size))
                    hashes.append(fold(tokens[i : i + size]))
        wanted = np.array(hashes, dtype=np.uint64)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        found = np.flatnonzero(self.keys[at] == wanted)
        out = []
        for j in found.tolist():
            start, end = spans[j]
            k = int(at[j])
            for e in range(int(self.key_entries[k]), int(self.key_entries[k + 1])):
                out.append((start, end, self.labels[self.entry_label[e]],
                            self.ids[self.entry_id[e]]))
        return out

    # ------------------------------------------------------------------------------ building
    @classmethod
    def build(cls, rows: Iterable[Row]) -> LexiconIndex:
        """The index of terms in pattern order; a term listed twice under one label keeps its
        first concept id."""
        entries: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for key, label, cid in rows:
            if not key:
                continue
            found = entries.setdefault(key, [])
            if all(lab != label for lab, _ in found):
                found.append((label, cid))
        tokens = sorted({t for key in entries for t in key})
        token_no = {t: i for i, t in enumerate(tokens)}
        labels = sorted({lab for found in entries.values() for lab, _ in found})
        ids = sorted({cid for found in entries.values() for _, cid in found})
        label_no = {lab: i for i, lab in enumerate(labels)}
        id_no = {cid: i for i, cid in enumerate(ids)}
        flat = [entry for found in entries.values() for entry in found]
        payload = {
            "format": FORMAT,
            "version": VERSION,
            "labels": labels,
            "ids": ids,
            "tokens": tokens,
            "terms": np.array([token_no[t] for key in entries for t in key], np.uint32).tobytes(),
            "term_sizes": np.array([len(key) for key in entries], np.uint16).tobytes(),
            "entry_counts": np.array([len(f) for f in entries.values()], np.uint8).tobytes(),
            "entry_labels": np.array([label_no[lab] for lab, _ in flat], np.uint8).tobytes(),
            "entry_ids": np.array([id_no[cid] for _, cid in flat], np.uint32).tobytes(),
        }
        return cls.from_payload(payload, "the patterns")

    @classmethod
    def from_payload(cls, p: dict[str, Any], source: str) -> LexiconIndex:
        """Arrays from the saved form; raises LexiconIndexError naming `source` when damaged."""
        try:
            labels, ids, tokens = list(p["labels"]), list(p["ids"]), list(p["tokens"])
            terms = np.frombuffer(p["terms"], dtype=np.uint32).astype(np.int64)
            sizes = np.frombuffer(p["term_sizes"], dtype=np.uint16).astype(np.int64)
            counts = np.frombuffer(p["entry_counts"], dtype=np.uint8).astype(np.int64)
            entry_label = np.frombuffer(p["entry_labels"], dtype=np.uint8)
            entry_id = np.frombuffer(p["entry_ids"], dtype=np.uint32).astype(np.int64)
        except (KeyError, TypeError, ValueError) as exc:
            raise LexiconIndexError(f"{source}: damaged lexicon index ({exc!r})") from exc
        problem = _inconsistency(labels, ids, tokens, terms, sizes, counts, entry_label,
                                 entry_id)
        if problem:
            raise LexiconIndexError(f"{source}: damaged lexicon index: {problem}")
        token_hash = np.array([get_string_id(t) for t in tokens], dtype=np.uint64)
        term_start = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=term_start[1:])
        first = token_hash[terms[term_start[:-1]]] if len(sizes) else token_hash[:0]
        keys = np.zeros(len(sizes), dtype=np.uint64)
        for j in range(int(sizes.max()) if len(sizes) else 0):  # fold position j of every term
            more = np.flatnonzero(sizes > j)
            keys[more] = keys[more] * np.uint64(_MULT) + token_hash[terms[term_start[more] + j]]
        # first tokens -> their distinct term lengths, longest first: (first, -size) pairs
        # sorted and deduplicated (lexsort: `np.unique(axis=1)` sorted them 5x slower)
        order = np.lexsort((-sizes, first))
        pair_first, pair_size = first[order], sizes[order]
        new_pair = np.ones(len(order), dtype=bool)
        new_pair[1:] = (pair_first[1:] != pair_first[:-1]) | (pair_size[1:] != pair_size[:-1])
        pair_first, lengths = pair_first[new_pair], pair_size[new_pair]
        new_first = np.ones(len(pair_first), dtype=bool)
        new_first[1:] = pair_first[1:] != pair_first[:-1]
        uniq_first, first_at = pair_first[new_first], np.flatnonzero(new_first)
        first_lengths = np.append(first_at, len(pair_first)).astype(np.int64)
        # terms sorted by hash, their entries moved along
        order = np.argsort(keys, kind="stable")
        entry_start = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=entry_start[1:])
        key_entries = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts[order], out=key_entries[1:])
        gather = np.repeat(entry_start[order] - key_entries[:-1], counts[order]) + np.arange(
            key_entries[-1]
        )
        return cls(labels, uniq_first, first_lengths, lengths, keys[order], key_entries,
                   entry_label[gather], entry_id[gather], ids, p)

    # ------------------------------------------------------------------------------ the file
    def save(self, path: Path, patterns_file: Path, split_hyphens: bool) -> None:
        """Write the index, tied to `patterns_file` (its SHA-256) and the hyphen setting."""
        header = {"patterns_sha256": file_sha256(patterns_file), "split_hyphens": split_hyphens}
        data = srsly.msgpack_dumps({**self.payload, **header})
        # mtime=0: the same patterns give the same bytes
        with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
            fh.write(data)

    @classmethod
    def load(cls, path: Path, patterns_file: Path, split_hyphens: bool) -> LexiconIndex | None:
        """The index saved at `path` for `patterns_file`; None when it was made with the other
        `split_hyphens` setting (the caller indexes the patterns). Raises LexiconIndexError when
        the file is damaged or was made from other patterns."""
        try:
            p = srsly.msgpack_loads(gzip.decompress(path.read_bytes()))
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            raise LexiconIndexError(f"{path}: damaged lexicon index ({exc})") from exc
        if not isinstance(p, dict) or p.get("format") != FORMAT:
            raise LexiconIndexError(f"{path}: not a biotab lexicon index (key 'format')")
        if p.get("version") != VERSION:
            raise LexiconIndexError(
                f"{path}: lexicon index version {p.get('version')!r}, expected {VERSION}: "
                f"rewrite it ({_REWRITE.format(folder=path.parent)})"
            )
        actual = file_sha256(patterns_file)
        if p.get("patterns_sha256") != actual:
            raise LexiconIndexError(
                f"{path}: stale lexicon index: made from a {patterns_file.name} with SHA-256 "
                f"{str(p.get('patterns_sha256'))[:12]}..., the file now has {actual[:12]}...: "
                f"rewrite it ({_REWRITE.format(folder=path.parent)})"
            )
        if p.get("split_hyphens") is not split_hyphens:
            log.debug("%s: made with split_hyphens=%s; indexing the patterns instead", path,
                      p.get("split_hyphens"))
            return None
        return cls.from_payload(p, str(path))


_REWRITE = "biotab kb index {folder}"  # (`write_indexes`)


def _inconsistency(labels: Sequence[Any], ids: Sequence[Any], tokens: Sequence[Any],
                   terms: np.ndarray, sizes: np.ndarray, counts: np.ndarray,
                   entry_label: np.ndarray, entry_id: np.ndarray) -> str | None:
    """What does not add up in a saved index, or None."""
    # the distinct types of the items are checked, not every item (83,000 tokens)
    kinds = {kind for seq in (labels, ids, tokens) for kind in set(map(type, seq))}
    if not all(issubclass(kind, str) for kind in kinds):
        return "'labels', 'ids' and 'tokens' must be lists of strings"
    if int(sizes.sum()) != len(terms) or np.any(sizes == 0):
        return "'term_sizes' do not add up to the length of 'terms' (or a term is empty)"
    if len(counts) != len(sizes) or np.any(counts == 0):
        return "'entry_counts' must give every term at least one entry"
    if int(counts.sum()) != len(entry_label) or len(entry_label) != len(entry_id):
        return "'entry_counts' do not add up to the entries"
    if len(terms) and int(terms.max()) >= len(tokens):
        return "a term refers to a token number past 'tokens'"
    if len(entry_label) and (int(entry_label.max()) >= len(labels)
                             or int(entry_id.max()) >= len(ids)):
        return "an entry refers to a label or id number past 'labels' / 'ids'"
    return None


class NoPatterns(ValueError):
    """A folder given to `write_indexes` that holds no saved patterns (a typo)."""


def write_indexes(folders: Sequence[Path]) -> None:
    """(Re)write the index of each saved `biotab_lexicon` folder from its patterns
    (split_hyphens on, the default): `biotab kb index FOLDER...`. Raises `NoPatterns`, before
    any index is written, for a folder without the patterns file."""
    from pipeline.components.lexicon import PATTERNS_FILE, LexiconMatcher
    from pipeline.nlp import blank_nlp

    # checked before any index is written: no folder is left half done
    if gone := [f for f in folders if not (f / PATTERNS_FILE).is_file()]:
        raise NoPatterns(f"no {PATTERNS_FILE} in {gone[0]} (give the saved biotab_lexicon "
                         "folder, e.g. models/biotab_ner/biotab_lexicon)")
    nlp = blank_nlp()
    for folder in folders:
        patterns_file = folder / PATTERNS_FILE
        # reads, validates and indexes the patterns (an index already there is not consulted)
        lexicon = LexiconMatcher(nlp, "biotab_lexicon", patterns_path=str(patterns_file))
        lexicon.index.save(folder / INDEX_FILE, patterns_file, lexicon.split_hyphens)
        log.info("wrote %s", folder / INDEX_FILE)
