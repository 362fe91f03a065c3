"""Sweeps and ensembles on a Dask cluster: chunks of cases as tasks, the model sent once.

:func:`dask_runner` gives a :data:`~vitaal.engine.criticality.Runner` that runs the chunks of
a criticality sweep or an ensemble on an existing cluster (``scheduler="tcp://host:8786"``)
or on a local cluster of ``workers`` processes started for the occasion. The batch arrays
(graph, loads and impact table, no id mappings) are scattered to every worker once; each
chunk (its cases with their common-cause failures already added) is one task; results come
back in chunk order and are added up exactly as in process, so the numbers are identical
(``tests/scale`` checks this). ``progress(done, total)`` is called as tasks finish.

Dask (``dask[distributed]``) is imported only here, and only when a runner is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.criticality import BatchArrays, CaseChunk, CaseSummary, Runner, run_chunk
from vitaal.errors import VitaalError

__all__ = ["dask_runner"]


@contextmanager
def dask_runner(
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads_per_worker: int = 1,
) -> Iterator[Runner]:
    """A runner on a Dask cluster, for the duration of the ``with`` block.

    Parameters
    ----------
    scheduler
        Address of a running scheduler (``tcp://10.0.0.5:8786``).
    workers
        Without ``scheduler``: start a local cluster of this many worker processes on the
        loopback interface (closed at the end of the block).
    progress
        Called with ``(tasks done, tasks)`` as tasks finish.
    threads_per_worker
        Threads per local worker process.

    Examples
    --------
    >>> from vitaal.engine.criticality import sweep_criticality
    >>> with dask_runner(workers=2) as run:                        # doctest: +SKIP
    ...     result = sweep_criticality(compiled, table, 72.0, runner=run)
    """
    if (scheduler is None) == (workers is None):
        raise VitaalError("give either a scheduler address or a number of local workers")
    try:
        # typed as Any: distributed ships without complete annotations
        dd: Any = importlib.import_module("distributed")
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise VitaalError("running on Dask needs the package dask[distributed]") from exc

    cluster: Any = None
    if scheduler is None:
        if workers is None or workers < 1:
            raise VitaalError("--workers must be at least 1")
        # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which returns every freed
        # block to the system at once; the cascades allocate per case and run 2-3x slower so
        # (measured). Local workers get glibc's default back; see docs/performance.md for
        # workers of a cluster started elsewhere.
        dask_config: Any = importlib.import_module("dask.config")
        environ = dict(dask_config.get("distributed.nanny.pre-spawn-environ", {}))
        environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        with dask_config.set({"distributed.nanny.pre-spawn-environ": environ}):
            cluster = dd.LocalCluster(
                n_workers=workers,
                threads_per_worker=threads_per_worker,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
        client = dd.Client(cluster)
    else:
        try:
            client = dd.Client(scheduler, timeout=30)
        except OSError as exc:
            raise VitaalError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc

    def run(arrays: BatchArrays, chunks: list[CaseChunk], horizon_h: float) -> list[CaseSummary]:
        if not chunks:
            return []
        # hash=False: keys of their own, never shared with (and released by) an earlier run;
        # the chunks go straight to the workers, not through the scheduler's task graph
        shared = client.scatter(arrays, broadcast=True, hash=False)
        parts = client.scatter(chunks, hash=False)
        futures = [
            client.submit(_run_chunk_sparse, shared, part, horizon_h, pure=False) for part in parts
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        results: dict[int, CaseSummary] = {}
        for fut in dd.as_completed(futures):
            results[index[fut.key]] = _dense(fut.result(), arrays.n_nodes)
            fut.release()
            if progress is not None:
                progress(len(results), len(chunks))
        return [results[i] for i in range(len(chunks))]

    try:
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


_Sparse = tuple[
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.uint64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.int64],
]


def _run_chunk_sparse(arrays: BatchArrays, chunk: CaseChunk, horizon_h: float) -> _Sparse:
    """A task: :func:`run_chunk`, with the per-node sums sent back for the touched nodes only
    (the values themselves, bit for bit)."""
    s = run_chunk(arrays, chunk, horizon_h)
    idx = np.flatnonzero((s.fail_count != 0) | (s.fail_weight != 0) | (s.person_hours_weight != 0))
    return (
        s.ints,
        s.floats,
        s.systems,
        idx,
        s.fail_weight[idx],
        s.person_hours_weight[idx],
        s.fail_count[idx],
    )


def _dense(part: _Sparse, n_nodes: int) -> CaseSummary:
    ints, floats, systems, idx, fw, ph, count = part
    fail_weight = np.zeros(n_nodes)
    person_hours = np.zeros(n_nodes)
    fail_count = np.zeros(n_nodes, dtype=np.int64)
    fail_weight[idx], person_hours[idx], fail_count[idx] = fw, ph, count
    return CaseSummary(ints, floats, systems, fail_weight, person_hours, fail_count)
