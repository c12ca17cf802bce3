"""`collector_paused`: Python's cyclic garbage collector off while a process builds what it
keeps (the spaCy pipeline, pyarrow's table builders)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block, as it was after it.

    Building the pipeline allocates some million objects that live as long as it: the
    automatic collections they set off walked all of them again and again (about 0.2 s of CPU,
    a tenth of a start-up) and freed next to nothing; so did those of pandas' import (pyarrow's
    first table) over the built pipeline. What the block leaves in cycles is collected by the
    first collection after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
