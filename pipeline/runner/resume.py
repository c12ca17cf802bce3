"""`--resume`: which finished shards can be kept.

A finished shard is kept only when its input file is still the file it was made from. Every
shard marker records the file's size and modification time (`input_stat`); the marker of a
file's first shard also records its SHA-256 (`input.sha256`, hashed by the worker). On resume the
driver hashes each input that has finished shards again and compares:

* SHA-256 recorded (the file's first shard finished): the file changed when the hash differs,
  or when a marker saw another size (the file changed while the killed run read it);
* no SHA-256 recorded (only later blocks of a JSONL file finished): size or modification time
  differs.

The shards of a changed file are all redone (their parts deleted first), with a warning naming
the file; the attempt in the manifest lists it under `inputs_changed`. A file that is gone gets
new shards of its own (its "missing" shard), so nothing of the old one is kept either.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline import write as W
from pipeline.ingest import Shard

log = logging.getLogger(__name__)


def file_stat(path: str) -> dict[str, int] | None:
    """Size and modification time of an input file (None if it cannot be read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns}


def _changed(path: str, markers: list[Mapping[str, Any]]) -> str | None:
    """Why the file at `path` no longer is the one its finished shards were made from (None
    when it still is)."""
    now = file_stat(path)
    if now is None:
        return "it cannot be read any more"
    stats = [m.get("input_stat") for m in markers]
    if any(not isinstance(s, dict) or s.get("bytes") != now["bytes"] for s in stats):
        return "its size changed"
    recorded = next((m["input"]["sha256"] for m in markers
                     if isinstance(m.get("input"), dict) and m["input"].get("sha256")), None)
    if recorded is not None:
        try:
            current = W.sha256_file(Path(path))
        except OSError as exc:
            return f"it cannot be read any more ({exc})"
        return None if current == recorded else "its SHA-256 changed"
    if any(s.get("mtime_ns") != now["mtime_ns"] for s in stats if isinstance(s, dict)):
        return "its modification time changed"
    return None


def changed_inputs(shards: Sequence[Shard],
                   done: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Input files with finished shards that changed since: path -> reason."""
    by_path: dict[str, list[Mapping[str, Any]]] = {}
    for s in shards:
        if s.shard_id in done and s.fmt not in ("missing", "unreadable"):
            by_path.setdefault(s.path, []).append(done[s.shard_id])
    changed = {}
    for path, markers in by_path.items():
        why = _changed(path, markers)
        if why is not None:
            changed[path] = why
    return changed


def drop_changed(out: Path, shards: Sequence[Shard],
                 done: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """Forget (and delete the parts of) the finished shards whose input changed; returns
    [{path, reason}] for the manifest."""
    changed = changed_inputs(shards, done)
    for s in shards:
        if s.path in changed and s.shard_id in done:
            del done[s.shard_id]
            W.clean_shard(out, s.shard_id)
    for path, why in sorted(changed.items()):
        log.warning("input %s changed since the interrupted run read it (%s): its shards are "
                    "processed again", path, why)
    return [{"path": p, "reason": why} for p, why in sorted(changed.items())]
