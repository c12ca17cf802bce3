"""The Dask engine: one task per shard on a `distributed` cluster.

By default a `LocalCluster` of ``workers`` single-threaded worker processes; with
``--scheduler tcp://host:8786`` an existing cluster. The pipeline is built once per worker
process (kept in the process state of `pipeline.runner.shard.worker_nlp`). Tasks write their own
part files; the driver only plans, checks and writes the manifest.

Running on a real Dask cluster
------------------------------
1. Install the same biotab (same version, same ``models/`` folder, or ``BIOTAB_MODELS`` pointing
   at a copy of it) in the same Python environment on the scheduler, every worker and the
   machine you start the run from, e.g. one container image used everywhere.
2. Start the cluster with one thread per worker process, for instance on each node::

       dask scheduler                                   # on one node: tcp://host:8786
       dask worker tcp://host:8786 --nworkers 8 --nthreads 1 --memory-limit 3GiB

   (or a dask-jobqueue / dask-kubernetes cluster with ``processes=N, cores=N``). The spaCy
   pipeline holds the GIL, so threads in one worker do not add throughput; processes do.
3. Inputs and ``--out`` must be paths every worker and the driver see under the same name: a
   shared POSIX filesystem (NFS, Lustre, CephFS, EFS, a fuse mount). Relative paths are made
   absolute on the driver (`pipeline.runner.paths`) before they reach the workers. Completed
   part files are renamed into place and a shard is recorded in ``OUT/_shards/`` only after
   all its parts are; an object store mounted through fuse works, but its renames are copies,
   so ``--resume`` (which deletes the parts of unrecorded shards) is what keeps it consistent
   after a crash.
4. Run ``biotab run /shared/pubmed/ --out /shared/biotab-out --engine dask
   --scheduler tcp://host:8786``. ``--workers`` is ignored with ``--scheduler`` (the cluster's
   workers are used; the summary and the manifest give their number and threads as the
   scheduler reports them). A run that dies is finished with the same command plus
   ``--resume``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.runner.errors import EngineStartError, PipelineLoadError
from pipeline.runner.shard import (
    Outcome,
    ShardOptions,
    ShardResult,
    freeze_once,
    process_unit,
    unit_weight,
    worker_nlp,
)
from pipeline.runner.threads import child_env, one_thread_here
from pipeline.runner.units import Unit

#: Seconds a Dask run waits for the first worker of its cluster.
WORKER_TIMEOUT = 120.0
#: Seconds to reach a scheduler given by --scheduler before the run stops with one line.
CONNECT_TIMEOUT = 30.0


def _dask_task(shard: Unit, out: str, opts: ShardOptions) -> ShardResult:
    with one_thread_here():
        worker_nlp(opts.nlp_factory)  # built once per worker process (its ProcessState)
        freeze_once()
        return process_unit(shard, out, opts)


def cluster_size(client: Any) -> dict[str, int]:
    """The cluster's worker processes and threads, as its scheduler reports them."""
    try:
        info = client.scheduler_info(n_workers=-1)  # newer distributed: all, not the first 5
    except TypeError:
        info = client.scheduler_info()
    workers = info.get("workers", {})
    return {"workers": len(workers),
            "threads": sum(int(w.get("nthreads", 0)) for w in workers.values())}


def run_dask(shards: Sequence[Unit], out: Path, opts: ShardOptions, workers: int,
             scheduler: str | None, run_id: str,
             size: dict[str, int]) -> Iterator[Outcome]:
    """The shards as tasks on Dask, biggest first; outcomes as they finish. Fills `size`
    (workers, threads) once the cluster has a worker."""
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_as_completed

    cluster = None
    for name in ("distributed", "tornado", "bokeh"):  # the cluster's chatter is not progress
        if logging.getLogger(name).level < logging.WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as exc:  # (distributed raises OSError, TimeoutError among them)
            raise EngineStartError(f"cannot reach the Dask scheduler {scheduler} within "
                           f"{CONNECT_TIMEOUT:.0f} s: {exc}") from exc
    else:
        with child_env():  # the worker processes inherit one BLAS thread each
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR,
            )
        client = Client(cluster)
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError as exc:
            raise EngineStartError(f"no Dask worker joined the scheduler "
                                   f"{scheduler or 'LocalCluster'} "
                           f"within {WORKER_TIMEOUT:.0f} s") from exc
        size.update(cluster_size(client))
        futures = {
            client.submit(_dask_task, s, str(out), opts, key=f"biotab-{run_id}-{s.unit_id}",
                          pure=False): s
            for s in sorted(shards, key=unit_weight, reverse=True)
        }
        for fut in dask_as_completed(list(futures)):
            shard = futures[fut]
            try:
                yield shard, fut.result(), None
            except PipelineLoadError:
                for other in futures:
                    other.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - reported as a failed shard
                yield shard, None, exc
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
