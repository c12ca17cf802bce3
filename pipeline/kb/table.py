"""Sorted text tables searched in place: the KB's concepts and alias index without Python dicts.

`biotab kb build` writes `concepts.jsonl.gz` sorted by concept id and `index.tsv.gz` sorted by
normalized alias (UTF-8 byte order, which is code point order). A `SortedLines` holds such a
file's decompressed bytes and the start of every line (one numpy pass); a look-up is a binary
search over the lines (about 20 comparisons of bytes slices). Compared with the dicts of str the
loader built before, a worker holds about 75 MB instead of about 190 MB for the committed KB and
loads it in a fraction of a second (measured in `benchmarks/run_speed.py`'s start-up figures).

`checked_bytes` reads a KB file (the KB folder's `concepts.jsonl.gz` or `index.tsv.gz`) and
checks it against the SHA-256 the folder's `manifest.json` records (`KBFileError` naming the file
when it differs or cannot be decompressed); `concept_lines` / `index_lines` parse and check the
lines of a file no manifest vouches for (written by someone else: any order), which
`SortedLines.from_lines` then sorts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import mmap
import os
import threading
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.kb.build_sources import default_cache_dir

__all__ = ["KBFileError", "SortedLines", "checked_bytes", "concept_lines", "index_lines",
           "tables_cache_dir"]

log = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
#: A table's bytes: in memory, or a read-only map of its decompressed copy (`checked_bytes`).
Data = bytes | mmap.mmap

_NEWLINE = 10


class SortedLines:
    """The lines of `data` (UTF-8, one record per line, sorted by key, no empty line).

    A line's key runs from byte `key_start` of the line to the first `key_end` byte after it:
    `key_start=0, key_end=b"\\t"` for `key<TAB>value` lines; `key_start=len('{"concept_id":"')`,
    `key_end=b'"'` for the concept records. `source` names the file in error messages.
    """

    def __init__(self, data: Data, *, key_start: int, key_end: bytes, source: str) -> None:
        if len(data) and data[-1:] != b"\n":
            data = bytes(data) + b"\n"
        self.data = data
        self.key_start = key_start
        self.key_end = key_end
        self.source = source
        ends = _positions(data, _NEWLINE)
        starts = np.empty(len(ends) + 1, dtype=np.int64)
        starts[0] = 0
        starts[1:] = ends + 1  # the last entry: len(data), the end of the last line + 1
        if len(ends) and np.any(starts[1:] - starts[:-1] < 2):
            raise ValueError(f"{source}: an empty line: expected one record per line")
        # array('q'), not numpy: a look-up indexes it ~40 times, and array items are plain ints
        self._starts = array("q", starts.tobytes())
        self._n = len(ends)

    @classmethod
    def from_lines(cls, lines: Iterable[str], *, key_start: int, key_end: bytes,
                   source: str) -> SortedLines:
        """A table of `lines` (any order; sorted here by key)."""
        encoded = [line.encode("utf-8") for line in lines if line]
        encoded.sort(key=lambda b: b[key_start : b.index(key_end, key_start)])
        return cls(b"".join(b + b"\n" for b in encoded), key_start=key_start, key_end=key_end,
                   source=source)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, row: int) -> bytes:
        """The key of line `row` (what `bisect` compares)."""
        start = self._starts[row] + self.key_start
        end = self.data.find(self.key_end, start, self._starts[row + 1] - 1)
        if end < 0:
            raise ValueError(
                f"{self.source}: line {row + 1} has no {self.key_end!r} after its key: the file "
                "is damaged or not written by `biotab kb build`"
            )
        return self.data[start:end]

    key = __getitem__

    def line(self, row: int) -> bytes:
        """Line `row` without its newline."""
        return self.data[self._starts[row] : self._starts[row + 1] - 1]

    def value(self, row: int) -> bytes:
        """What follows the key and its end byte on line `row`."""
        start = self._starts[row] + self.key_start
        end = self._starts[row + 1] - 1
        cut = self.data.find(self.key_end, start, end)
        return self.data[cut + 1 : end]

    def find(self, key: bytes) -> int | None:
        """The row whose key is `key`, or None."""
        row = bisect_left(self, key)
        return row if row < self._n and self[row] == key else None

    def prefix_range(self, prefix: bytes) -> tuple[int, int]:
        """Rows [lo, hi) whose keys start with `prefix` (0xff never occurs in UTF-8)."""
        lo = bisect_left(self, prefix)
        return lo, bisect_left(self, prefix + b"\xff", lo)

    def block(self, lo: int, hi: int) -> bytes:
        """Lines [lo, hi) with their newlines, as one slice."""
        return self.data[self._starts[lo] : self._starts[hi]] if lo < hi else b""

    def starts_with(self, prefix: bytes) -> bool:
        """Every line starts with `prefix` (one vectorized comparison)."""
        if self._n == 0:
            return True
        data = np.frombuffer(self.data, dtype=np.uint8)
        starts = np.frombuffer(self._starts, dtype=np.int64)
        if np.any(starts[1:] - starts[:-1] <= len(prefix)):
            return False
        # one byte of the prefix at a time: a (lines x prefix) index array would be 25 MB
        firsts = starts[:-1]
        return all(bool(np.all(data[firsts + k] == byte)) for k, byte in enumerate(prefix))

    def one_per_line(self, byte: bytes) -> bool:
        """`byte` occurs exactly once on every line (one vectorized pass)."""
        found = _positions(self.data, byte[0])
        starts = np.frombuffer(self._starts, dtype=np.int64)
        # as many as lines, in order: one per line when the i-th lies on line i
        return len(found) == self._n and bool(
            np.all(found >= starts[:-1]) and np.all(found < starts[1:]))

    def in_order(self) -> bool:
        """Every line has its key end byte, and every key comes strictly after the one before
        (vectorized: a pass over the byte positions where neighbours still agree)."""
        if self._n == 0:
            return True
        data = np.frombuffer(self.data, dtype=np.uint8)
        starts = np.frombuffer(self._starts, dtype=np.int64)
        key_start = starts[:-1] + self.key_start
        if np.any(key_start >= starts[1:] - 1):
            return False
        # each line's first key-end byte at or after its key start
        ends_at = np.flatnonzero(data == self.key_end[0])
        pos = np.searchsorted(ends_at, key_start)
        if np.any(pos >= len(ends_at)):
            return False
        key_end = ends_at[pos]
        if np.any(key_end >= starts[1:] - 1):  # past the line: no key end on it
            return False
        length = key_end - key_start
        offsets = np.arange(8)

        def word(rows: np.ndarray, k: int) -> np.ndarray:
            """Bytes 8k..8k+7 of the keys of `rows` as big-endian numbers (0 past a key's end:
            a key that is a prefix of another sorts first, and keys hold no zero byte)."""
            at = key_start[rows, None] + 8 * k + offsets
            inside = (8 * k + offsets) < length[rows, None]
            chunk = np.where(inside, data[np.minimum(at, len(data) - 1)], 0).astype(np.uint8)
            return chunk.view(">u8").ravel()

        pairs = np.arange(self._n - 1)
        k = 0
        while len(pairs):
            a, b = word(pairs, k), word(pairs + 1, k)
            same = a == b
            ended = np.maximum(length[pairs], length[pairs + 1]) <= 8 * (k + 1)
            if np.any(a > b) or np.any(same & ended):  # out of order, or a repeated key
                return False
            pairs = pairs[same]
            k += 1
        return True

    def rows(self) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) of every line, in order."""
        for row in range(self._n):
            yield self[row], self.value(row)


#: Bytes compared at a time by `_positions`.
_SCAN_BYTES = 1 << 20


def _positions(data: Data, byte: int) -> np.ndarray:
    """The offsets of `byte` in `data` (int64, ascending).

    Scanned a megabyte at a time into one reused mask: a mask of the whole table (44 MB for
    the concepts) is fresh memory the kernel must fault in page by page, which cost more
    system time than the comparison itself (0.2 s of a worker's start-up)."""
    view = np.frombuffer(data, dtype=np.uint8)
    mask = np.empty(min(len(view), _SCAN_BYTES), dtype=bool)
    found = [np.flatnonzero(np.equal(view[at : at + _SCAN_BYTES], byte,
                                     out=mask[: min(_SCAN_BYTES, len(view) - at)])) + at
             for at in range(0, len(view), _SCAN_BYTES)]
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


# ------------------------------------------------------------------------ reading the files
class KBFileError(ValueError):
    """A KB file that is damaged, or stale against the manifest of its folder (names the file)."""


def tables_cache_dir() -> Path | None:
    """Where the decompressed copies of vouched KB tables are kept (`checked_bytes`): a folder
    of biotab's cache folder (`default_cache_dir`); None without a home folder (`~` not
    expanded: no copy is written into the working directory). The copies must never be
    changed in place: a process that maps one gets SIGBUS when it shrinks (delete or rename
    over it instead, as `_write_copy` does)."""
    folder = default_cache_dir() / "kb-tables"
    return folder if folder.is_absolute() else None


def checked_bytes(file: Path, manifest: dict[str, Any]) -> tuple[Data, bool]:
    """The decompressed bytes of a KB file, and whether `manifest.json` vouches for them.

    A file the manifest lists must have the SHA-256 recorded there: these are the bytes
    `biotab kb build` wrote, sorted (`SortedLines.in_order`, checked on the committed KB by the
    tests); the caller checks their line format (vectorized) and searches them as they are. A
    file the manifest does not list is parsed, checked and sorted by the caller.

    A vouched gzip file is decompressed once per machine: its bytes are also written to
    `tables_cache_dir()` (named by the file's SHA-256) and later loads map that copy read-only
    when its size and CRC-32 are those of the file's gzip trailer, instead of decompressing
    68 MB again (0.15 s of CPU per start-up; the pages are shared by every process that maps
    them). A folder that cannot be written only costs the decompression each time.
    """
    raw = file.read_bytes()
    expected = (manifest.get("files") or {}).get(file.name)
    if expected is not None:
        actual = hashlib.sha256(raw).hexdigest()
        if actual != expected:
            raise KBFileError(
                f"{file}: SHA-256 {actual[:12]}... is not the {expected[:12]}... that "
                f"{file.parent / MANIFEST_FILE} records: the file is damaged or from another "
                "build (rebuild the KB with `biotab kb build`)"
            )
    try:
        data: Data = raw
        if file.suffix == ".gz":
            data = (gzip.decompress(raw) if expected is None
                    else _vouched_gzip(file, raw, expected, tables_cache_dir()))
    except (OSError, EOFError, zlib.error) as exc:
        raise KBFileError(f"{file}: cannot be decompressed ({exc}): the file is damaged") from exc
    return data, expected is not None


def _vouched_gzip(file: Path, raw: bytes, sha256: str, cache: Path | None) -> Data:
    """The bytes of a gzip KB file the manifest vouches for: its decompressed copy in `cache`
    mapped, else decompressed (and the copy written for the next load)."""
    if cache is None:
        return _decompress(raw, vouched=True)
    size = int.from_bytes(raw[-4:], "little")  # the gzip trailer: CRC-32, size modulo 2**32
    crc = int.from_bytes(raw[-8:-4], "little")
    copy = cache / f"{sha256[:32]}-{file.name.removesuffix('.gz')}"
    mapped = _mapped_copy(copy, size, crc)
    if mapped is not None:
        return mapped
    data = _decompress(raw, vouched=True)
    _write_copy(copy, data)
    return data


def _private(st: os.stat_result) -> bool:
    """A file or folder only this user can change (owned by them, not writable by group or
    others): the CRC-32 check of a copy guards against damage, not against someone else
    writing a forged table into a shared cache folder."""
    if not hasattr(os, "getuid"):  # no POSIX owners (Windows): the user's own profile folder
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _mapped_copy(path: Path, size: int, crc: int) -> mmap.mmap | None:
    """`path` mapped read-only when it holds the bytes of that size and CRC-32 and only this
    user can change it and its folder (`_private`), else None."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if st.st_size == 0 or st.st_size % 2**32 != size:
                return None
            if not (_private(st) and _private(os.stat(path.parent))):
                log.debug("KB table copy %s not mapped: others may change it", path)
                return None
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.debug("KB table copy %s not mapped: %s", path, exc)
        return None
    if zlib.crc32(mapped) != crc:
        log.debug("KB table copy %s does not match its gzip file: decompressed again", path)
        mapped.close()
        return None
    return mapped


def _write_copy(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a temporary file renamed: concurrent loads race
    harmlessly); a folder that cannot be written is only logged."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(path.parent)):
            log.debug("KB table copy %s not written: others may change its folder", path)
            return
        temp.write_bytes(data)
        temp.chmod(0o600)  # whatever the umask: `_mapped_copy` maps only a private copy
        os.replace(temp, path)
    except OSError as exc:
        log.debug("KB table copy %s not written: %s", path, exc)
        try:
            temp.unlink(missing_ok=True)  # ours, half written
        except OSError as unlink_exc:
            log.debug("%s not removed: %s", temp, unlink_exc)


def _decompress(raw: bytes, *, vouched: bool) -> bytes:
    """A gzip file's bytes. A file the manifest vouches for holds the build's bytes: one gzip
    member (`gzip.open` writes one) whose trailer states its size, so zlib fills a buffer of
    that size instead of growing one and joining the pieces (0.07 s less per KB load). Any
    other file may hold several members: `gzip.decompress` reads them all."""
    size = int.from_bytes(raw[-4:], "little")  # ISIZE: the (last) member's size modulo 2**32
    if vouched and size:
        data = zlib.decompress(raw, 31, size)
        if len(data) % 2**32 == size:
            return data
    return gzip.decompress(raw)


def _lines(data: bytes) -> Iterator[tuple[int, str]]:
    """Numbered lines split at "\\n" only, as `SortedLines` splits them (`str.splitlines` would
    also split inside an alias at U+0085, U+2028 or the separators U+001C-U+001E)."""
    for lineno, line in enumerate(data.decode("utf-8").split("\n"), 1):
        yield lineno, line.removesuffix("\r")


def concept_lines(file: Path, data: bytes) -> Iterator[str]:
    """Concept records re-written with the concept id first (a file not from our build)."""
    for lineno, line in _lines(data):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            cid = obj["concept_id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise KBFileError(f"{file}:{lineno}: bad concept record: {exc}") from exc
        if not isinstance(cid, str) or not cid:
            raise KBFileError(f"{file}:{lineno}: key 'concept_id' is {cid!r}: expected a CURIE")
        obj = {"concept_id": cid, **{k: v for k, v in obj.items() if k != "concept_id"}}
        yield json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def index_lines(file: Path, data: bytes) -> Iterator[str]:
    """The lines of an index file (a file not from our build), each checked to be
    `normalized alias<TAB>concept ids`; lines with an empty alias are left out."""
    for lineno, line in _lines(data):
        if not line:
            continue
        key, tab, ids = line.partition("\t")
        if not tab or not ids:
            raise KBFileError(f"{file}:{lineno}: expected 'normalized alias<TAB>concept ids'")
        if key:
            yield line
