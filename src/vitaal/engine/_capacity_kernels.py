"""The compiled hot loop of the capacity projection (numba ``@njit``).

Flat arrays in, flat arrays out; :mod:`vitaal.engine.capacity_arrays` prepares the rows and
edges and reads the result. Set ``NUMBA_DISABLE_JIT=1`` to run it as plain Python.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray


@njit(cache=True, nogil=True)
def _by_consumer(
    n: int, sup: NDArray[np.int64], con: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The edges ``sup[e] <- con[e]`` over ``n`` rows by consumer: per row its number of
    suppliers and of consumers, and the CSR of its suppliers (``e_sup[ptr[v]:ptr[v + 1]]``,
    each consumer's edges in input order: a stable counting sort). O(n + E)."""
    n_edges = sup.shape[0]
    n_sup = np.zeros(n, dtype=np.int64)
    n_con = np.zeros(n, dtype=np.int64)
    for e in range(n_edges):
        n_sup[con[e]] += 1
        n_con[sup[e]] += 1
    ptr = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        ptr[v + 1] = ptr[v] + n_sup[v]
    fill = ptr[:-1].copy()
    e_sup = np.empty(n_edges, dtype=np.int64)
    for e in range(n_edges):
        c = con[e]
        e_sup[fill[c]] = sup[e]
        fill[c] += 1
    return n_sup, n_con, ptr, e_sup


@njit(cache=True, nogil=True)
def accumulate_loads(
    sup: NDArray[np.int64],
    con: NDArray[np.int64],
    own: NDArray[np.float64],
    measured: NDArray[np.float64],
    base: int,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Loads of ``K`` rows over primary edges ``sup[e] <- con[e]``, for every year at once.

    ``own`` is ``(K, Y)`` C-ordered: each row's own demand per year; ``measured`` ``(K,)``
    its measured base-year peak, NaN where not measured; ``base`` the column of the base
    year. Rows are finished in topological order, every primary consumer before its
    supplier, one frontier (all rows whose consumers are finished) at a time in ascending
    row order. A finished row is calibrated, ``max(load + (measured - load[base]), 0)``
    per year, and then pushes ``load / n`` to each of its ``n`` primary suppliers, in edge
    order. This is the order of the level-by-level numpy version, so every sum is taken in
    the same order and the results are identical to the last bit.

    Returns the ``(K, Y)`` loads and the mask of rows never finished: they lie on or above a
    cycle of primary edges (their loads are incomplete). O((K + E) Y) time, O(K + E) extra
    memory besides the loads. :func:`accumulate_loads_into` does the same in place.
    """
    loads = own.copy()
    stuck = accumulate_loads_into(sup, con, loads, measured, base)
    return loads, stuck


@njit(cache=True, nogil=True)
def accumulate_loads_into(
    sup: NDArray[np.int64],
    con: NDArray[np.int64],
    loads: NDArray[np.float64],
    measured: NDArray[np.float64],
    base: int,
) -> NDArray[np.bool_]:
    """:func:`accumulate_loads` in place: ``loads`` comes in as the own demand ``(K, Y)``
    and leaves as the loads (no second ``(K, Y)`` array: at 10^6 rows and 25 years that
    saves a quarter gigabyte). Returns the mask of rows on or above a cycle."""
    n = loads.shape[0]
    n_years = loads.shape[1]
    n_sup, pending, ptr, e_sup = _by_consumer(n, sup, con)

    done = np.zeros(n, dtype=np.bool_)
    frontier = np.empty(n, dtype=np.int64)
    nxt = np.empty(n, dtype=np.int64)
    sort_buf = np.empty(n, dtype=np.int64)
    n_front = 0
    for v in range(n):
        if pending[v] == 0:
            frontier[n_front] = v
            n_front += 1
    while n_front > 0:
        for i in range(n_front):
            v = frontier[i]
            done[v] = True
            m = measured[v]
            if not np.isnan(m):
                offset = m - loads[v, base]
                for y in range(n_years):
                    x = loads[v, y] + offset
                    if x < 0.0:  # as np.maximum(x, 0.0): NaN and -0.0 stay
                        x = 0.0
                    loads[v, y] = x
        n_next = 0
        for i in range(n_front):
            v = frontier[i]
            d = float(n_sup[v])
            for j in range(ptr[v], ptr[v + 1]):
                t = e_sup[j]
                for y in range(n_years):
                    loads[t, y] += loads[v, y] / d
                pending[t] -= 1
                if pending[t] == 0:
                    nxt[n_next] = t
                    n_next += 1
        _sort_int64(nxt, n_next, sort_buf)
        frontier, nxt = nxt, frontier
        n_front = n_next
    return ~done


@njit(cache=True, nogil=True)
def acyclic(n: int, sup: NDArray[np.int64], con: NDArray[np.int64]) -> bool:
    """Whether the edges ``sup[e] <- con[e]`` over ``n`` rows have no cycle (a self-loop
    counts as one): Kahn's algorithm without loads. O(n + E)."""
    _, pending, ptr, e_sup = _by_consumer(n, sup, con)
    stack = np.empty(n, dtype=np.int64)
    top = 0
    for v in range(n):
        if pending[v] == 0:
            stack[top] = v
            top += 1
    finished = 0
    while top > 0:
        top -= 1
        v = stack[top]
        finished += 1
        for j in range(ptr[v], ptr[v + 1]):
            t = e_sup[j]
            pending[t] -= 1
            if pending[t] == 0:
                stack[top] = t
                top += 1
    return finished == n


@njit(cache=True, nogil=True)
def accumulate_mesh_loads_into(
    csup: NDArray[np.int64],
    ccon: NDArray[np.int64],
    member_ptr: NDArray[np.int64],
    members: NDArray[np.int64],
    share: NDArray[np.float64],
    loads: NDArray[np.float64],
    measured: NDArray[np.float64],
    base: int,
) -> None:
    """:func:`accumulate_loads_into` over meshes: the rows are grouped into ``C`` meshes
    (strongly connected components of the primary edges; a row on no ring is a mesh of
    one), mesh ``c`` holding the rows ``members[member_ptr[c]:member_ptr[c + 1]]``, and
    ``csup[e] <- ccon[e]`` are the primary edges between meshes (the condensed graph, which
    has no cycle), in link order.

    ``loads`` comes in as the own demand ``(K, Y)`` and leaves as the loads. Meshes are
    finished in topological order, one frontier at a time in ascending mesh order. A
    finished mesh's load ``L`` is the own demand of its members plus what its consumers
    pushed to it; member ``m`` carries ``share[m] * L``, calibrated on its own measured peak
    (``max(share[m] * L + (measured[m] - share[m] * L[base]), 0)``), and the mesh pushes
    the sum of its members' loads, split evenly over its ``n`` primary edges out, to each
    supplier mesh. With every mesh of one row (``share`` 1) and meshes numbered in row
    order, this is exactly :func:`accumulate_loads_into`. O((K + E) Y) time.
    """
    n_c = member_ptr.shape[0] - 1
    n_years = loads.shape[1]
    mesh_load = np.zeros((n_c, n_years), dtype=np.float64)
    for c in range(n_c):
        for j in range(member_ptr[c], member_ptr[c + 1]):
            m = members[j]
            for y in range(n_years):
                mesh_load[c, y] += loads[m, y]
    n_sup, pending, ptr, e_sup = _by_consumer(n_c, csup, ccon)

    frontier = np.empty(n_c, dtype=np.int64)
    nxt = np.empty(n_c, dtype=np.int64)
    sort_buf = np.empty(n_c, dtype=np.int64)
    n_front = 0
    for v in range(n_c):
        if pending[v] == 0:
            frontier[n_front] = v
            n_front += 1
    while n_front > 0:
        for i in range(n_front):
            c = frontier[i]
            lbase = mesh_load[c, base]
            for j in range(member_ptr[c], member_ptr[c + 1]):
                m = members[j]
                s = share[m]
                meas = measured[m]
                has = not np.isnan(meas)
                offset = meas - s * lbase if has else 0.0
                for y in range(n_years):
                    x = s * mesh_load[c, y]
                    if has:
                        x = x + offset
                        if x < 0.0:
                            x = 0.0
                    loads[m, y] = x
            if member_ptr[c + 1] - member_ptr[c] == 1:
                m = members[member_ptr[c]]
                for y in range(n_years):
                    mesh_load[c, y] = loads[m, y]
            else:
                for y in range(n_years):
                    mesh_load[c, y] = 0.0
                for j in range(member_ptr[c], member_ptr[c + 1]):
                    m = members[j]
                    for y in range(n_years):
                        mesh_load[c, y] += loads[m, y]
        n_next = 0
        for i in range(n_front):
            c = frontier[i]
            d = float(n_sup[c])
            for j in range(ptr[c], ptr[c + 1]):
                t = e_sup[j]
                for y in range(n_years):
                    mesh_load[t, y] += mesh_load[c, y] / d
                pending[t] -= 1
                if pending[t] == 0:
                    nxt[n_next] = t
                    n_next += 1
        _sort_int64(nxt, n_next, sort_buf)
        frontier, nxt = nxt, frontier
        n_front = n_next


@njit(cache=True, nogil=True)
def utilisation_exhausted(
    load: NDArray[np.float64],
    capacity: NDArray[np.float64],
    usable: NDArray[np.bool_],
    years: NDArray[np.int64],
    limit: float,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``(K, Y)`` utilisation ``load / capacity`` of the ``usable`` rows (NaN elsewhere) and
    ``(K,)`` the first year whose utilisation exceeds ``limit`` (-1 if none; NaN never
    does). One pass, O(K Y)."""
    n = load.shape[0]
    n_years = load.shape[1]
    util = np.empty((n, n_years), dtype=np.float64)
    exhausted = np.full(n, -1, dtype=np.int64)
    for k in range(n):
        if not usable[k]:
            for y in range(n_years):
                util[k, y] = np.nan
            continue
        c = capacity[k]
        for y in range(n_years):
            u = load[k, y] / c
            util[k, y] = u
            if exhausted[k] < 0 and u > limit:
                exhausted[k] = years[y]
    return util, exhausted


@njit(cache=True, nogil=True)
def _sort_int64(a: NDArray[np.int64], n: int, buf: NDArray[np.int64]) -> None:
    """Sort ``a[:n]`` ascending in place (a merge sort, ``buf`` at least ``n`` long).

    Runs of each width are merged from one array into the other, so each level moves every
    element once; a last copy back when the levels end in ``buf``. Written out rather than
    ``a[:n].sort()``: numba compiles this in a fraction of a second and its quicksort in
    several, which a first run pays. (A copy of ``_kernels.sort_int64``: numba's cache
    checks a function's own file only, so a kernel here does not call into that one.)
    """
    src = a
    dst = buf
    in_buf = False
    width = 1
    while width < n:
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i = lo
            j = mid
            for k in range(lo, hi):
                if j < hi and (i >= mid or src[j] < src[i]):
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
            lo += 2 * width
        src, dst = dst, src
        in_buf = not in_buf
        width *= 2
    if in_buf:
        for k in range(n):
            a[k] = buf[k]
