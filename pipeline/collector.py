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
    first full collection after it (`_to_oldest_generation`).

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
        _to_oldest_generation()


def _to_oldest_generation() -> None:
    """Move every object the collector tracks into its oldest generation, unexamined, and
    reset its count of new objects; only while nothing is frozen (`gc.freeze`: a caller's
    frozen objects are not given back).

    Why: the objects a paused block made (a whole pipeline, about a million) are all "new" to
    the collector; the first allocation after the block set off a collection of the youngest
    generation that walked every one of them (0.06 s before a run's first document), only to
    find them alive. Frozen and given back they skip that walk, as `gc.freeze` sets the count
    of new objects to zero; cycles they left wait for the next full collection."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
