"""Thread limits, all in one place: one worker process = one core.

biotab's parallelism is its worker processes; a BLAS or OpenMP pool inside each of them would
only fight the others for the cores. Two mechanisms, because of when libraries read them:

* environment variables (`THREAD_ENV`), read once when numpy's BLAS and OpenMP load: set in the
  driver before it starts worker processes (`child_env`), or before this process imports numpy
  (`limit_this_process_early`, used by `biotab run --workers 1`);
* threadpoolctl (`one_thread_here`), which changes the pools of libraries already loaded, for
  the in-process run.

Nothing here imports numpy: the CLI calls it before anything else is loaded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

#: Variables read by OpenBLAS, MKL, BLIS (thinc's) and OpenMP runtimes when they load.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def limit_this_process_early() -> None:
    """One BLAS/OpenMP thread for this process; effective only before numpy is imported (a
    value the user set is kept)."""
    for name in THREAD_ENV:
        os.environ.setdefault(name, "1")


@contextlib.contextmanager
def child_env() -> Iterator[None]:
    """While worker processes are started: they inherit one thread each (user values kept);
    this process's environment is given back afterwards."""
    saved = {n: os.environ.get(n) for n in THREAD_ENV}
    limit_this_process_early()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def one_thread_here() -> Iterator[None]:
    """One thread in the BLAS/OpenMP pools already loaded in this process, for the block."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
