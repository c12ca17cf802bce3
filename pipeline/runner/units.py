"""Units of work and the ordered compaction of their part files into parts of a target size.

Why: one part file per input file made a folder of 100,000 notes into 500,000 Parquet files of
about 9 KB each (mostly footer). Now:

1. `plan_units`: the driver cuts the shards (input order) into *units*, runs of consecutive
   shards of about `unit_bytes(...)` bytes of input: about 1/64 of the input, at least 64 KiB,
   at most 16 MiB, at most `--part-mb`, and at most 1/8 of the input (so a small run still
   keeps a few workers busy); the last 1/8 of the input in units half as big, whole
   JSONL files there cut into blocks, so that the workers, which take the biggest units first,
   finish together. The plan depends only on the inputs, `--part-mb` and `--block-size` (0:
   no file is cut), never on the engine or the number of workers. A unit id is its position and a
   hash of its shard ids (``u0000012.3f2a...``): a unit whose shards differ gets another id.
2. A worker processes a whole unit (`pipeline.runner.shard.process_unit`) into the unit's own
   part files ``part-<unit_id>-<n>.parquet`` and writes one marker ``_shards/<unit_id>.json``
   listing its shards (with each input's size, mtime and SHA-256 for `--resume`).
3. `compact`: once every unit is finished (and duplicates across units are dropped), the
   driver merges runs of consecutive units, in unit order, into ``part-<group_id>-00000.parquet``
   of at most `--part-rows` rows and `--part-mb` MB per table (estimated from the units' file
   sizes; a unit with more rows than `--part-rows` fills ``-00001``, ... of its own group; a
   single unit over `--part-mb` makes a bigger part). A group is committed by its marker
   ``_parts/<group_id>.json`` (the units it holds), written after all its files are renamed
   into place; only then are the units' own files deleted.

Both markers list the part files written (``<table>/<name>``). Resume stays exact
(`drop_lost_units`, on every resume): a unit without a marker is redone (its partial files
deleted); the units' files left over after a group marker are deleted; a group holding a unit
that must be redone (its input changed) is deleted with all its units, which are redone; a group
whose marker cannot be read or lists a file that is gone is deleted, and a finished unit in no
readable group that misses a file of its own (its group's marker deleted, or its files) is
redone; group files without a marker are then deleted (when the compaction stopped before the
marker, the units' files are still there). Only files named after a unit or group id are
deleted (`own_key`). Row order is the unit order, and
within a unit the input order, so 1 or N workers, and an interrupted-and-resumed run or an
uninterrupted one, give the same rows in the same order (and the same files, except after a
changed input, where only the rows and their order are guaranteed the same).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import output_folder as O
from pipeline import write as W
from pipeline.ingest import Shard
from pipeline.ingest.blocks import jsonl_blocks
from pipeline.ingest.common import Caps
from pipeline.ingest.head_checks import head_and_problem
from pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_PART_ROWS
from pipeline.plural import noun, plural

log = logging.getLogger("pipeline.run")

#: Units per run the plan aims at (enough to keep a pool busy), and their size bounds; a run
#: with at least MIN_UNITS shards gets at least MIN_UNITS units, however small.
TARGET_UNITS = 64
MIN_UNITS = 8
UNIT_MIN_BYTES = 64 * 1024
UNIT_MAX_BYTES = 16 * 1024 * 1024
#: The last 1/TAIL_SHARE of a run's input bytes is cut into units TAIL_DIVISOR times smaller
#: (`plan_units`). Why: whole-file units cannot be shared evenly; the iob corpus of
#: `benchmarks/run_speed.py` (15 files of 100 documents and one of 50, a unit each) left one of
#: two workers alone for half a unit, about 0.4 s of its 9 s, on every run. Halves balance it
#: (two workers: 10.9 -> 10.5-10.7 s); quarters did no better and cost one worker 0.2 s more
#: units.
TAIL_SHARE = 8
TAIL_DIVISOR = 2
#: The committed groups of compacted units.
PARTS_DIR = O.PARTS_DIR


@dataclass(frozen=True)
class Unit:
    """Consecutive shards (input order) processed by one task into one set of part files."""

    unit_id: str
    shards: tuple[Shard, ...]
    #: its input bytes (`shard_bytes`), by which the pools take the biggest units first
    weight: int = 0

    @property
    def index(self) -> int:
        return unit_index(self.unit_id)


def unit_index(key: str) -> int:
    """The position of a unit (``u0000012.<hash>``) or of a group's first unit (``g...``)."""
    return int(key[1:8])


#: The estimated bytes of a JSONL line in a block of a compressed file (whose blocks' byte
#: offsets are not known: only an uncompressed file's blocks are located while listing).
COMPRESSED_LINE_BYTES = 200


def shard_bytes(shard: Shard, max_bytes: int | None = None,
                max_record_bytes: int | None = None) -> int:
    """The input bytes of a shard: a whole file's size; a block of an uncompressed JSONL file
    its bytes, as listed (`Shard.start_at`); another block (of a compressed file, or of a file
    that changed while it was listed) an estimate of COMPRESSED_LINE_BYTES a line, at most the
    (compressed) file's size. Bytes past `max_bytes` from the file's start (the run's cap:
    readers stop there) do not count; a text file (one record) larger than the record cap
    (`max_record_bytes`, at most `max_bytes`) weighs nothing: it becomes one error row."""
    at = shard.start_at
    if at is not None:
        end = at.file_bytes if at.stop is None else at.stop
        return max(0, min(end, max_bytes if max_bytes is not None else end) - at.byte)
    try:
        size = os.path.getsize(shard.path)
    except OSError:
        size = 0
    if shard.fmt == "txt" and max_record_bytes is not None and \
            size > Caps(max_bytes, max_record_bytes).record:
        return 0
    if max_bytes is not None:
        size = min(size, max_bytes)
    if shard.start_record or shard.n_records is not None:
        size = min(size, COMPRESSED_LINE_BYTES * (shard.n_records or 1000))
    return size


def unit_bytes(total: int, part_bytes: int) -> int:
    """Input bytes per unit for a run of `total` input bytes (see the module docstring)."""
    return max(1, min(part_bytes, UNIT_MAX_BYTES, max(UNIT_MIN_BYTES, total // TARGET_UNITS),
                      total // MIN_UNITS))


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:10]


def split_shard(shard: Shard, pieces: int, max_bytes: int | None = DEFAULT_MAX_BYTES
                ) -> list[Shard]:
    """A whole uncompressed JSONL file's shard as `pieces` blocks of about equal lines, each
    with its bytes (`blocks.jsonl_blocks`), for the plan's smaller last units. Any other
    shard, a file that is refused whole (empty, binary: one shard reports it, as when
    listed), or one that changed since it was listed, stays as it is. The blocks cover the
    same records as the shard."""
    if (shard.fmt != "jsonl" or pieces < 2 or shard.start_record or shard.n_records is not None
            or shard.start_at is not None):
        return [shard]
    path = Path(shard.path)
    if head_and_problem(path, "", per_record=True, limit=max_bytes)[1] is not None:
        return [shard]
    blocks = jsonl_blocks(path, 1, max_bytes, pieces)
    if len(blocks) < 2 or any(at is None for _start, _n, at in blocks):
        return [shard]  # compressed (its blocks would decompress it again each), or changed
    return [Shard(shard.path, shard.fmt, start, n, shard.root, shard.label, at)
            for start, n, at in blocks]


def _split_tail(shards: Sequence[Shard], sizes: Sequence[int], tail_from: int, piece: int,
                max_bytes: int | None, max_record_bytes: int | None
                ) -> tuple[list[Shard], list[int]]:
    """The shards with each whole JSONL file that starts at `tail_from` input bytes or later
    and is bigger than `piece` cut into blocks of about `piece` bytes (at most TAIL_DIVISOR;
    `split_shard`), and their sizes."""
    out: list[Shard] = []
    out_sizes: list[int] = []
    at = 0
    for shard, size in zip(shards, sizes, strict=True):
        parts = [shard]
        if at >= tail_from and size > piece:
            parts = split_shard(shard, min(TAIL_DIVISOR, -(-size // piece)), max_bytes)
        out.extend(parts)
        out_sizes.extend([size] if len(parts) == 1 else
                         [shard_bytes(p, max_bytes, max_record_bytes) for p in parts])
        at += size
    return out, out_sizes


def plan_units(shards: Sequence[Shard], part_bytes: int, budget: int | None = None, *,
               max_bytes: int | None = None, max_record_bytes: int | None = None,
               split_files: bool = True) -> list[Unit]:
    """The shards, in order, cut into units of about `unit_bytes` (or `budget`) input bytes
    (`shard_bytes` under the run's caps). With the default budget, the last 1/TAIL_SHARE of the
    input is cut into units TAIL_DIVISOR times smaller, whole JSONL files there into blocks
    when `split_files` (not with `--block-size 0`): the pools take the biggest units first, so
    they end with these, and their workers finish at about the same time."""
    sizes = [shard_bytes(s, max_bytes, max_record_bytes) for s in shards]
    total = sum(sizes)
    tail_from = total + 1  # no tail with a budget given (the tests' and `--unit-bytes`' plans)
    if budget is None:
        budget = unit_bytes(total, part_bytes)
        tail_from = total - total // TAIL_SHARE
        if split_files:
            shards, sizes = _split_tail(shards, sizes, tail_from, budget // TAIL_DIVISOR,
                                        max_bytes, max_record_bytes)
    tail_budget = max(1, budget // TAIL_DIVISOR)
    units: list[Unit] = []
    current: list[Shard] = []
    current_bytes = 0
    at = 0

    def close() -> None:
        uid = f"u{len(units):07d}.{_digest(s.shard_id for s in current)}"
        units.append(Unit(uid, tuple(current), current_bytes))

    for shard, size in zip(shards, sizes, strict=True):
        if current and current_bytes + size > (budget if at < tail_from else tail_budget):
            close()
            current, current_bytes = [], 0
        current.append(shard)
        current_bytes += size
        at += size
    if current:
        close()
    return units


# --------------------------------------------------------------------------- groups


def group_marker(out: Path, group_id: str) -> Path:
    return Path(out) / PARTS_DIR / f"{group_id}.json"


#: The ids in the names of our part files: a unit's (`plan_units`) or a group's (`commit_group`)
_OWN_KEY = re.compile(rf"^(?:{O.UNIT_ID}|{O.GROUP_ID})$")


def own_key(key: str | None) -> bool:
    """True for a unit id or a group id: a part file named after one is ours (a resume deletes
    such files when stale, and no other: a run never deletes what it did not write)."""
    return key is not None and _OWN_KEY.match(key) is not None


def _marker_content(f: Path) -> tuple[list[str], list[str]]:
    """A group marker's units and files (raises when it cannot be read or is malformed)."""
    data = json.loads(f.read_text("utf-8"))
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    units, files = data["units"], data.get("files", [])
    for what, value in (("units", units), ("files", files)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"{what!r} is not a list of names")
    return units, files


def read_groups(out: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Committed groups (group id -> the unit ids it holds, in order) and the ids of groups
    whose marker cannot be read or lists a part file that is gone (each logged here, once per
    reading: see `drop_lost_units`)."""
    folder = Path(out) / PARTS_DIR
    groups: dict[str, list[str]] = {}
    damaged: list[str] = []
    if not folder.is_dir():
        return groups, damaged
    for f in sorted(folder.glob("g*.json")):
        if not O.is_run_file(PARTS_DIR, f.name):
            continue
        try:
            units, files = _marker_content(f)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("unreadable part marker %s (%s): its units will be redone", f, exc)
            damaged.append(f.stem)
            continue
        gone = [name for name in files if not (Path(out) / name).is_file()]
        if gone:
            log.warning("part marker %s lists %s that %s gone (%s): its units will be redone",
                        f, plural(len(gone), "file"), noun(len(gone), "is", "are"),
                        ", ".join(gone[:3]))
            damaged.append(f.stem)
            continue
        groups[f.stem] = units
    return groups, damaged


def done_groups(out: Path) -> dict[str, list[str]]:
    """Committed groups: group id -> the unit ids it holds, in order (`read_groups`)."""
    return read_groups(out)[0]


def _whole(out: Path, files: Sequence[str], counts: Any) -> bool:
    """Whether a unit's part files (``<table>/<name>``) are readable and hold, table by table,
    the rows its marker counts. Its files and marker are not flushed to disk when written
    (`ShardWriter.commit`): after a host crash they may be empty or short."""
    if not isinstance(counts, Mapping):
        return True  # nothing to compare with
    try:
        sizes = _table_sizes(Path(out) / name for name in files)
    except (OSError, ValueError, pa.ArrowException):
        return False
    return all(sizes.get(t, (0, 0))[0] == n for t, n in counts.items())


def _lost(out: Path, marker: Mapping[str, Any], uid: str, present: set[str],
          keys: set[str]) -> bool:
    """Whether a finished unit outside any group lost rows of its own: a part file its marker
    lists is gone (`present`: ``<table>/<name>`` of the files there) or the files do not hold
    the rows the marker counts (`_whole`), or, for a marker that lists none (written before
    markers did), it has no file at all (`keys`: the ids in the files' names)."""
    files = marker.get("files")
    if isinstance(files, list) and all(isinstance(f, str) for f in files):
        return any(f not in present for f in files) or not _whole(out, files,
                                                                   marker.get("counts"))
    return uid not in keys


def drop_lost_units(out: Path, damaged: Sequence[str], groups: Mapping[str, Sequence[str]],
                    done: dict[str, Any]) -> list[str]:
    """Before a resume: redo every finished unit (in `done`, unit id -> marker) whose rows are
    in no part file any more, and say so once. `groups`, `damaged`: from `read_groups`.

    A unit's rows are in its own files until a committed group holds them (then its files are
    deleted). So a unit in no readable group must still have every file its marker lists, with
    the rows it counts; when one is gone (a group marker deleted or unreadable, whose group
    then holds the unit's rows without saying so; or the unit's files deleted) or the files
    are not whole (a host crash before they reached the disk: `_whole`), the unit is redone
    (removed from `done`, its marker and remaining files deleted). The damaged groups' files
    and markers are deleted first: which units they hold is unknown or their rows are
    incomplete. Group files with no marker at all are left to
    `pipeline.runner.bookkeeping.stale_files`. Returns the units redone."""
    for gid in damaged:
        drop_group(out, gid)
    present = {f"{name}/{f.name}" for name in O.TABLES if (Path(out) / name).is_dir()
               for f in (Path(out) / name).iterdir()}
    keys = {O.shard_of_file(p.split("/", 1)[1]) or "" for p in present}
    grouped = {u for us in groups.values() for u in us}
    redo = [uid for uid in sorted(done)
            if uid not in grouped and _lost(out, done[uid], uid, present, keys)]
    for uid in redo:
        del done[uid]
        W.clean_shard(out, uid)
    if not redo:
        return redo
    unmarked = sorted(k for k in keys if k.startswith("g") and own_key(k) and k not in groups)
    if unmarked:
        why = (f"part files of {noun(len(unmarked), 'group')} {', '.join(unmarked[:3])} have "
               "no part marker")
    elif damaged:
        why = "a part marker is damaged"
    else:
        why = "part files are gone, or hold fewer rows than their marker counts"
    # a damaged marker was named in a warning already (`read_groups`)
    log.log(logging.INFO if damaged and not unmarked else logging.WARNING,
            "%s (%s) %s rows in no part file (%s): %s processed again",
            plural(len(redo), "finished unit"),
            ", ".join(redo[:3]) + (", ..." if len(redo) > 3 else ""),
            noun(len(redo), "has", "have"), why, noun(len(redo), "it is", "they are"))
    return redo


def drop_group(out: Path, group_id: str) -> None:
    """Delete a committed group's files and then its marker."""
    W.clean_shard(out, group_id)
    with contextlib.suppress(FileNotFoundError):
        group_marker(out, group_id).unlink()


def _table_sizes(files: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Rows and bytes per table (the file's folder) of part files, from their Parquet footers;
    raises what reading a footer raises."""
    sizes: dict[str, tuple[int, int]] = {}
    for f in files:
        rows, size = sizes.get(f.parent.name, (0, 0))
        sizes[f.parent.name] = (rows + pq.read_metadata(f).num_rows, size + f.stat().st_size)
    return sizes


def _unit_sizes(out: Path, uid: str) -> dict[str, tuple[int, int]]:
    """Rows and bytes per table of a unit's own part files."""
    return _table_sizes(f for f in W.shard_files(out, uid) if f.name.startswith("part-"))


def plan_groups(out: Path, unit_ids: Sequence[str], part_rows: int,
                part_bytes: int) -> list[list[str]]:
    """Runs of consecutive units (by position) whose parts stay within both limits."""
    groups: list[list[str]] = []
    totals: dict[str, tuple[int, int]] = {}
    for uid in unit_ids:
        sizes = _unit_sizes(out, uid)
        merged = {t: (totals.get(t, (0, 0))[0] + r, totals.get(t, (0, 0))[1] + b)
                  for t, (r, b) in sizes.items()}
        adjacent = bool(groups) and unit_index(groups[-1][-1]) + 1 == unit_index(uid)
        fits = all(r <= part_rows and b <= part_bytes for r, b in merged.values())
        if groups and adjacent and (fits or not totals):
            groups[-1].append(uid)
            totals = {**totals, **merged}
        else:
            groups.append([uid])
            totals = dict(sizes)
    return groups


class _PartWriter:
    """The rows of one table of a group into `part-<group_id>-<n>.parquet` (temporary names),
    in row groups of about ROW_GROUP_ROWS, a new file every `part_rows` rows (only a unit with
    more rows than that fills more than one), with the run id of its units' files."""

    def __init__(self, out: Path, table: str, group_id: str, part_rows: int, token: str,
                 run_id: str | None) -> None:
        self.folder = Path(out) / table
        self.table = table
        self.schema = W.part_schema(table, run_id)
        self.group_id, self.part_rows, self.token = group_id, part_rows, token
        self.writer: pq.ParquetWriter | None = None
        self.renames: list[tuple[Path, Path]] = []
        self.buffer: list[pa.Table] = []
        self.n_buffer = 0
        self.n_file = 0

    def add(self, table: pa.Table) -> None:
        while table.num_rows:
            room = self.part_rows - self.n_file - self.n_buffer
            head, table = table.slice(0, room), table.slice(room)
            self.buffer.append(head)
            self.n_buffer += head.num_rows
            if self.n_buffer >= W.ROW_GROUP_ROWS or self.n_file + self.n_buffer >= self.part_rows:
                self._flush()

    def _flush(self) -> None:
        if not self.n_buffer:
            return
        if self.writer is None:
            final = self.folder / O.part_name(self.group_id, len(self.renames))
            tmp = final.with_name(O.temp_name(final.name, self.token))
            self.writer = W.parquet_writer(tmp, self.table, self.schema)
            self.renames.append((tmp, final))
        self.writer.write_table(pa.concat_tables(self.buffer))
        self.n_file += self.n_buffer
        self.buffer, self.n_buffer = [], 0
        if self.n_file >= self.part_rows:
            self.writer.close()
            self.writer, self.n_file = None, 0

    def close(self) -> list[tuple[Path, Path]]:
        self._flush()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        return self.renames


def commit_group(out: Path, unit_ids: Sequence[str], part_rows: int = DEFAULT_PART_ROWS) -> str:
    """Merge the units' files into the group's parts, commit it, delete the units' files."""
    group_id = f"g{unit_index(unit_ids[0]):07d}.{_digest(unit_ids)}"
    token = f"{os.getpid()}-{os.urandom(4).hex()}"
    renames: list[tuple[Path, Path]] = []
    unit_files = [f for uid in unit_ids for f in W.shard_files(out, uid)]
    parts = [f for f in unit_files if f.name.startswith("part-")]
    run_id = W.part_run_id(parts[0]) if parts else None  # (the units': this folder's run's)
    for table in O.TABLES:
        files = [f for f in parts if f.parent.name == table]
        writer = _PartWriter(out, table, group_id, part_rows, token, run_id)
        for f in files:
            for batch in W.read_batches(f, W.ROW_GROUP_ROWS):
                writer.add(pa.Table.from_batches([batch]).cast(writer.schema))
        renames.extend(writer.close())
    # the parts must be on disk before the marker says the units' files may go: a host crash
    # after the marker would otherwise leave a marker over empty or short parts
    for tmp, _final in renames:
        W.fsync_path(tmp)
    for tmp, final in renames:
        os.replace(tmp, final)
    for folder in sorted({final.parent for _tmp, final in renames}):
        W.fsync_path(folder)
    W.atomic_write_json(group_marker(out, group_id), {
        "units": list(unit_ids),
        "files": [f"{final.parent.name}/{final.name}" for _tmp, final in renames]})
    for f in unit_files:  # now held by the group
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    return group_id


def compact(out: Path, units: Sequence[Unit], part_rows: int, part_bytes: int,
            threads: int = 1) -> int:
    """Merge every finished unit not yet in a group into groups (see the module docstring);
    returns the groups written. `threads` > 1: that many groups are committed at once (Parquet
    reading, casting and zstd run in Arrow's C++ with the GIL released).

    Why threads: the groups are independent (own files, own marker), and at PubMed's size the
    driver rewrites the whole output here, after the workers are done (about 49 GB). One
    thread at a time made that a serial tail longer than the work itself on 256 cores. Which
    groups exist does not depend on the order they are committed in, and a group is either
    committed (its marker) or not, so an interrupted compaction resumes as before."""
    grouped = {u for us in done_groups(out).values() for u in us}
    loose = [u.unit_id for u in units if u.unit_id not in grouped]
    plan = plan_groups(out, loose, part_rows, part_bytes)
    if threads <= 1 or len(plan) <= 1:
        for group in plan:
            commit_group(out, group, part_rows)
        return len(plan)
    pool = ThreadPoolExecutor(max_workers=min(threads, len(plan)),
                              thread_name_prefix="biotab-compact")
    try:
        for future in [pool.submit(commit_group, out, group, part_rows) for group in plan]:
            future.result()
    finally:
        # on an error or Ctrl-C: the groups being written are finished, the others not begun
        pool.shutdown(wait=True, cancel_futures=True)
    return len(plan)


def ranked_keys(units: Sequence[Unit], groups: Mapping[str, Any]) -> list[str]:
    """File keys (group ids and ungrouped unit ids) in row order."""
    grouped = {u for us in groups.values() for u in us}
    keys = [*groups, *(u.unit_id for u in units if u.unit_id not in grouped)]
    return sorted(keys, key=lambda k: (unit_index(k), k))
