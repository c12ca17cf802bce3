"""glibc's allocator, set for a process that runs the pipeline (Linux only).

Each batch allocates and frees the same large arrays again and again (tok2vec's and the NER
model's activations, a few hundred KB to a few MB each). With glibc's defaults most of them
are handed back to the kernel when freed, by `munmap` or by trimming the top of the heap, and
the next batch faults the same pages in again: about 400,000 minor page faults and 0.7 s of
system time per 400,000 words on one core. Keeping freed memory in the process (a fixed mmap
threshold above those arrays, and a trim threshold that leaves up to 256 MB free in the heap)
takes that to about 120,000 faults (mostly the model's first load) and about 30 MB more peak
RSS. Setting the thresholds explicitly also stops glibc's own dynamic threshold, which is why
both are set together.

Settings made before are left alone: glibc's environment variables (`MALLOC_MMAP_THRESHOLD_`,
`MALLOC_TRIM_THRESHOLD_`, `MALLOC_TOP_PAD_`) and `GLIBC_TUNABLES` naming a `glibc.malloc`
tunable. Forked workers inherit the driver's settings; spawned workers set their own when they
build the pipeline (`pipeline.runner.shard.worker_nlp`). Dask's nanny starts its workers with
`MALLOC_TRIM_THRESHOLD_` set (it wants freed memory back for its own memory limits), so Dask
workers keep that choice and glibc's defaults. The settings last as long as the process:
with `--workers 1`, or `pipeline.run.run` called in a notebook, that is the caller's process.

numpy asks the kernel for transparent huge pages (`madvise(MADV_HUGEPAGE)`) for every array of
4 MB or more. Where the kernel's THP `defrag` setting is `madvise` (a common default), a page
fault in such an array may compact memory on the spot: the first batches of a worker, whose
activations are that large, spent about 0.4 s of system time in those faults (1 worker, BC5CDR
sentences; 0.1 s without the advice). `biotab` turns the advice off (`NUMPY_MADVISE_HUGEPAGE=0`,
numpy's own switch, read when numpy is imported: `no_hugepage_advice_early`) unless the user
set that variable. A process that imported numpy before (a notebook) keeps numpy's default.
"""

from __future__ import annotations

import ctypes
import logging
import os
import platform
import sys

log = logging.getLogger(__name__)

#: glibc's `mallopt` parameter numbers (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Blocks from this size up get their own mapping (glibc's largest allowed value on 64 bits).
MMAP_THRESHOLD_BYTES = 32 * 2**20
#: Free memory at the top of the heap beyond this is given back to the kernel.
TRIM_THRESHOLD_BYTES = 256 * 2**20
#: numpy's switch for the huge-page advice on large arrays (read once, when numpy is imported).
NUMPY_HUGEPAGE_ENV = "NUMPY_MADVISE_HUGEPAGE"
#: glibc's environment variables: when the user set one, biotab sets nothing.
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def keep_freed_memory() -> bool:
    """Set this process's glibc thresholds (`MMAP_THRESHOLD_BYTES`, `TRIM_THRESHOLD_BYTES`).
    Returns whether they were set: False on other platforms and C libraries, or when glibc's
    own variables or malloc tunables are set (the module docstring)."""
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    if any(os.environ.get(name) for name in USER_SETTINGS):
        return False
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError as exc:
        log.debug("glibc not loadable, allocator left as it is: %s", exc)
        return False
    done = (libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
            and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1)
    if not done:
        log.debug("glibc refused the allocator thresholds; left as they are")
    return done


def no_hugepage_advice_early() -> None:
    """No huge-page advice from numpy in this process and the workers it starts (the module
    docstring); effective only before numpy is imported, and a value the user set is kept."""
    os.environ.setdefault(NUMPY_HUGEPAGE_ENV, "0")
