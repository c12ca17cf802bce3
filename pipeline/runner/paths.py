"""Where a run reads and writes: absolute input and output paths, checked before any work.

Paths are made absolute (`os.path.abspath`: the names the user gave, links not resolved) in the
driver, before shards are listed, so that Dask workers, whose working folder is their own, get
names that mean the same to them. An `--out` that is an input, lies inside an input folder or
contains an input is refused: the run would read its own output, and `--overwrite` could
delete inputs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from pipeline.runner.errors import RunError


def absolute_inputs(inputs: Sequence[Path | str]) -> list[str]:
    return [os.path.abspath(os.fspath(p)) for p in inputs]


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_paths(inputs: Sequence[Path | str], out: Path | str) -> None:
    """Raise RunError when no input exists at all, or when `out` and an input overlap
    (compared with links resolved, so a link to the input folder counts as that folder). The
    messages use the names as given."""
    existing = [os.fspath(p) for p in inputs if os.path.lexists(p)]
    if not existing:
        names = ", ".join(os.fspath(p) for p in inputs[:3]) + (" ..." if len(inputs) > 3 else "")
        raise RunError(f"no input path exists ({names})")
    real_out = Path(os.path.realpath(out))
    for p in existing:
        real_in = Path(os.path.realpath(p))
        if _within(real_out, real_in):
            where = "is" if real_out == real_in else "is inside"
            raise RunError(f"--out {out} {where} the input {p}: choose an output folder "
                           "outside the inputs")
        if _within(real_in, real_out):
            raise RunError(f"--out {out} contains the input {p}: choose an output folder "
                           "outside the inputs")
