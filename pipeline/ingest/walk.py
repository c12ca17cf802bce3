"""Walking the inputs: each file under the given files and folders, in order, with the folder
it was found in and the problem of a path that cannot be read (a missing input, a dangling
link, a link loop, a folder reached twice, one that cannot be listed, names too long to open,
an empty folder). Reads the file system (symlinks followed, hidden names skipped; the rules
are `pipeline.ingest`'s docstring); `pipeline.ingest` makes shards of what it yields."""

from __future__ import annotations

import errno
import heapq
import os
from collections.abc import Iterator, Sequence
from pathlib import Path


def _link_problem(path: str) -> str:
    """Why a path that lexists is neither a file nor a folder."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return "dangling_link"
    except OSError as exc:
        return "link_loop" if exc.errno == errno.ELOOP else "unreadable"
    return "unreadable"


def _path_max() -> int:
    """The longest path in bytes the system opens (PATH_MAX, with its terminating NUL)."""
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):
        return 4096


#: Bytes of the longest path a file can be opened by (`_path_max`)
PATH_MAX = _path_max()


def _walk_dir(root: Path) -> list[tuple[str, str, str | None]]:
    """(relative posix path, path, problem) for every file under `root`, symlinks followed;
    hidden names skipped. A folder that is its own ancestor (through a link) is a link loop. A
    folder is listed once, under the path to it through fewest links (then of fewest folders,
    then first in name order: whatever order the system lists names in); any other path to it
    is "link_repeat", not walked again (folders of two links each to the next, 30 deep, made
    one file a billion paths). A
    name whose path is longer than the system opens (`PATH_MAX`: folders of long names) is not
    listed: its folder is, once, as "path_too_long" (such a path cannot even be tested for
    being a file without an error)."""
    found: list[tuple[str, str, str | None]] = []
    st = os.stat(root)
    key = (st.st_dev, st.st_ino)
    listed: set[tuple[int, int]] = set()
    # folders to list, (links on the path, depth, relative path, path, key, ancestors' keys):
    # the heap gives the one a folder is listed under first
    heap = [(0, 0, "", str(root), key, frozenset({key}))]
    while heap:
        links, depth, rel, folder, key, ancestors = heapq.heappop(heap)
        if key in listed:
            found.append((rel, folder, "link_repeat"))
            continue
        listed.add(key)
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            found.append((rel, folder, "unreadable_dir"))
            continue
        too_long = False
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if len(os.fsencode(entry.path)) >= PATH_MAX:
                too_long = True
                continue
            sub = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_dir():
                    est = os.stat(entry.path)
                    sub_key = (est.st_dev, est.st_ino)
                    if sub_key in ancestors:
                        found.append((sub, entry.path, "link_loop"))
                    elif sub_key in listed:  # (listed first, under a path that wins)
                        found.append((sub, entry.path, "link_repeat"))
                    else:
                        heapq.heappush(heap, (links + entry.is_symlink(), depth + 1, sub,
                                              entry.path, sub_key, ancestors | {sub_key}))
                elif entry.is_file():
                    found.append((sub, entry.path, None))
                elif entry.is_symlink():
                    found.append((sub, entry.path, _link_problem(entry.path)))
            except OSError as exc:
                found.append((sub, entry.path,
                              "link_loop" if exc.errno == errno.ELOOP else "unreadable"))
        if too_long:
            found.append((rel, folder, "path_too_long"))
    return sorted(found, key=lambda f: f[0])


def walk_inputs(inputs: Sequence[Path | str | bytes]
          ) -> Iterator[tuple[Path, Path | None, str | None]]:
    """(file, root folder or None, problem) for every input file, folders recursed and sorted."""
    for item in inputs:
        p = Path(os.fsdecode(item)) if isinstance(item, bytes) else Path(item)
        if not os.path.lexists(p):
            yield p, None, "missing"
        elif p.is_dir():
            try:
                files = _walk_dir(p)
            except OSError:
                yield p, None, "unreadable_dir"
                continue
            if not files:  # nothing in it, or hidden names only: say that nothing was read
                yield p, None, "empty_folder"
            for _rel, f, problem in files:
                yield Path(f), p, problem
        elif p.is_file():
            yield p, None, None
        else:
            yield p, None, _link_problem(str(p))
