"""Doc-id prefixes from input paths (`pipeline.ingest.list_shards`): for several input folders
their names, for input files of the same name their folders, as many trailing parts as tell
them apart (the ingest module docstring says which doc_ids get them)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pipeline.ingest.common import display_path


def _distinct_tails(paths: list[str]) -> dict[str, str]:
    """Each path's last parts, as many as make them distinct ("a", "b"; "x/data", "y/data")."""
    parts = {f: [x for x in Path(f).parts if x != os.sep] or [f] for f in paths}
    depth = 1
    while True:
        labels = {f: "/".join(ps[-depth:]) for f, ps in parts.items()}
        if len(set(labels.values())) == len(labels) or depth > max(map(len, parts.values())):
            return {f: display_path(lab) for f, lab in labels.items()}
        depth += 1


def _file_stem(path: str) -> str:
    name = os.path.basename(path)
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[0] or name


def doc_id_labels(inputs: Sequence[Path | str | bytes]) -> dict[str, str]:
    """Doc-id prefixes, by absolute path: for the input folders when there is more than one
    (the folder's name, or as many trailing path parts as make the names distinct), and for
    input files given by name whose stems are the same (their folders' names, as many parts as
    make them distinct: "a/case" and "b/case" for `biotab run a/case.txt b/case.txt`, which
    were one doc_id "case", every copy but the first dropped)."""
    folders: dict[str, None] = {}  # (ordered sets: a list's `in` made many inputs quadratic)
    by_stem: dict[str, dict[str, None]] = {}
    for item in inputs:
        p = os.path.abspath(os.fsdecode(item) if isinstance(item, bytes) else item)
        if os.path.isdir(p):
            folders[p] = None
        elif os.path.isfile(p):
            by_stem.setdefault(_file_stem(p), {})[p] = None
    labels = _distinct_tails(list(folders)) if len(folders) > 1 else {}
    for same in by_stem.values():
        if len(same) > 1:
            tails = _shortest_tails([os.path.dirname(f) for f in same])
            labels.update((f, tails[os.path.dirname(f)]) for f in same)
    return labels


def _shortest_tails(paths: list[str]) -> dict[str, str]:
    """Each path's fewest last parts that no other path ends with ("a", "b", "x/data",
    "y/data" for .../a, .../b, .../x/data, .../y/data)."""
    parts = {f: tuple(x for x in Path(f).parts if x != os.sep) or (f,) for f in paths}
    # how many paths end with each tail: one pass over each path's tails, not one per pair
    ends = Counter(ps[-d:] for ps in parts.values() for d in range(1, len(ps) + 1))
    out: dict[str, str] = {}
    for f, ps in parts.items():
        tail = next((ps[-d:] for d in range(1, len(ps) + 1) if ends[ps[-d:]] == 1), ps)
        out[f] = display_path("/".join(tail))
    return out
