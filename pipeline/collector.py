"""`collector_paused`: Python's cyclic garbage collector off while a process builds what it
keeps (the spaCy pipeline, pyarrow's table builders)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector's automatic collections off for the block, as they were
    after it.

    Building the pipeline allocates some million objects that live as long as it: the
    automatic collections they set off walked all of them again and again (about 0.2 s of CPU,
    a tenth of a start-up) and freed next to nothing; so did those of pandas' import (pyarrow's
    first table) over the built pipeline. What the block leaves in cycles is collected by the
    first collection after it.

    The first generation's threshold is set to 0 rather than the collector disabled: srsly's
    `msgpack_loads`, which spaCy calls for every saved model part, disables and then enables
    the collector whatever it was, and a zero threshold stops the automatic collections all
    the same (`gc.collect()` still collects)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(0, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
