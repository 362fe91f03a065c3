"""The capacity projection on compiled arrays, without model records.

:func:`project_loads` takes a :class:`~vitaal.engine.compile.CompiledModel` and the own
demand of (node, resource) pairs per year, pushes it up the primary supply links in one
compiled pass over every resource and year (:func:`~vitaal.engine._capacity_kernels.
accumulate_loads`), and gives loads, utilisation and the year each component's capacity runs
out. :func:`~vitaal.engine.capacity.project_capacity` computes demand from a model's records
and runs this same function; a generated city of 10^6 components
(:func:`~vitaal.engine.synthetic.synthetic_growth`) calls it directly. The rules are those
of :mod:`vitaal.engine.capacity` and ``docs/capacity.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vitaal.engine._capacity_kernels import (
    accumulate_loads_into,
    accumulate_mesh_loads_into,
    acyclic,
    utilisation_exhausted,
)
from vitaal.engine.compile import CompiledModel, NodeKind

__all__ = ["EXHAUSTED_TOL", "LoadProjection", "Meshes", "find_meshes", "project_loads"]

#: Utilisation above 1 + this counts as exhausted (keeps float noise at exactly 100% out).
EXHAUSTED_TOL = 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class LoadProjection:
    """Loads and utilisation of every (node, resource) row that carries load or has a
    capacity, as arrays.

    Rows are sorted by node, then resource (compiled indices). Arrays by row and year are
    ``(K, Y)``.

    Attributes
    ----------
    years
        ``(Y,)`` the projected years.
    row_node, row_resource
        ``(K,)`` node and resource index of each row.
    load
        ``(K, Y)`` load in the resource's unit (a consumer's: its own demand).
    capacity, measured
        ``(K,)`` capacity and measured base-year peak; NaN if not given.
    utilisation
        ``(K, Y)`` load / capacity for components with a capacity > 0; NaN otherwise.
    exhausted
        ``(K,)`` first year with utilisation above 1; -1 if none within :attr:`years`.
    supplies
        ``(K,)`` whether the node supplies the resource (a supply link of it out, primary or
        backup) or has a capacity for it.
    stuck
        ``(K,)`` rows whose loads are incomplete. Since meshes are contracted (see
        :func:`find_meshes`) every row is finished and this is all ``False``; kept for
        callers that check it.
    mesh
        ``(K,)`` the mesh a row belongs to (a strongly connected component of more than one
        row of the primary links of its resource, numbered from 0 in the order of their
        first row); -1 for a row on no ring.
    """

    years: NDArray[np.int64]
    row_node: NDArray[np.int64]
    row_resource: NDArray[np.int64]
    load: NDArray[np.float64]
    capacity: NDArray[np.float64]
    measured: NDArray[np.float64]
    utilisation: NDArray[np.float64]
    exhausted: NDArray[np.int64]
    supplies: NDArray[np.bool_]
    stuck: NDArray[np.bool_]
    mesh: NDArray[np.int64]

    @property
    def n_rows(self) -> int:
        return int(self.row_node.shape[0])

    def row_keys(self, n_resources: int) -> NDArray[np.int64]:
        """``(K,)`` sorted keys ``node * n_resources + resource`` of the rows."""
        out: NDArray[np.int64] = self.row_node * n_resources + self.row_resource
        return out


def primary_edges(
    compiled: CompiledModel, row_of_key: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The primary links as row edges ``(supplier row, consumer row)``, in link order."""
    cm = compiled
    n_res = cm.n_resources
    prim = ~cm.link_backup
    src, dst = cm.link_src[prim], cm.link_dst[prim]
    sup = row_of_key[cm.pair_node[src] * n_res + cm.pair_resource[src]]
    con = row_of_key[cm.pair_node[dst] * n_res + cm.pair_resource[dst]]
    return sup.astype(np.int64), con.astype(np.int64)


@dataclass(frozen=True, slots=True, eq=False)
class Meshes:
    """The primary links' rows grouped into meshes (strongly connected components).

    Attributes
    ----------
    of_row
        ``(K,)`` each row's group, numbered in the order of the group's first row (so a
        model without rings numbers every row by itself).
    member_ptr, members
        CSR of each group's rows, ascending within a group.
    size
        ``(C,)`` rows per group.
    """

    of_row: NDArray[np.int64]
    member_ptr: NDArray[np.int64]
    members: NDArray[np.int64]
    size: NDArray[np.int64]

    @property
    def n_groups(self) -> int:
        return int(self.size.shape[0])

    def mesh_of_row(self) -> NDArray[np.int64]:
        """``(K,)`` the mesh id of rows in a group of two or more (numbered from 0 in the
        order of their first row), -1 for the others."""
        multi = self.size > 1
        ids = np.full(self.n_groups, -1, dtype=np.int64)
        ids[multi] = np.arange(int(multi.sum()), dtype=np.int64)
        out: NDArray[np.int64] = ids[self.of_row]
        return out


def find_meshes(n_rows: int, sup: NDArray[np.int64], con: NDArray[np.int64]) -> Meshes:
    """Strongly connected components of the primary edges ``sup[e] <- con[e]`` over
    ``n_rows`` rows (scipy's ``connected_components``, ``connection='strong'``), renumbered
    by their first row. Rows of different resources are never linked, so the groups never
    mix resources. O(K + E)."""
    from scipy.sparse import csr_matrix  # here: a first run without rings never imports it
    from scipy.sparse.csgraph import connected_components

    if n_rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Meshes(empty, np.zeros(1, dtype=np.int64), empty, empty)
    graph = csr_matrix((np.ones(sup.shape[0], dtype=np.int8), (con, sup)), shape=(n_rows, n_rows))
    _, labels = connected_components(graph, directed=True, connection="strong")
    labels = labels.astype(np.int64)
    _, first = np.unique(labels, return_index=True)  # first row of each label, by label
    rank = np.empty(first.shape[0], dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.shape[0], dtype=np.int64)
    of_row = rank[labels]
    size = np.bincount(of_row, minlength=first.shape[0]).astype(np.int64)
    member_ptr = np.zeros(size.shape[0] + 1, dtype=np.int64)
    np.cumsum(size, out=member_ptr[1:])
    members = np.argsort(of_row, kind="stable").astype(np.int64)
    return Meshes(of_row, member_ptr, members, size)


def mesh_shares(
    meshes: Meshes, capacity: NDArray[np.float64], usable: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """``(K,)`` each row's share of its group's load: its capacity over the group's total
    when every member has a capacity > 0 (``usable``), else 1 / the group's size; exactly 1
    for a group of one."""
    g = meshes.of_row
    n_g = meshes.n_groups
    bad = np.bincount(g, weights=(~usable).astype(np.float64), minlength=n_g)
    total = np.bincount(g, weights=np.where(usable, capacity, 0.0), minlength=n_g)
    by_cap = bad[g] == 0
    share = np.where(
        by_cap,
        np.where(usable, capacity, 0.0) / np.where(by_cap, total[g], 1.0),
        1.0 / meshes.size[g],
    )
    share[meshes.size[g] == 1] = 1.0
    out: NDArray[np.float64] = share.astype(np.float64)
    return out


def project_loads(
    compiled: CompiledModel,
    demand_node: NDArray[np.int64],
    demand_resource: NDArray[np.int64],
    demand: NDArray[np.float64],
    years: NDArray[np.int64],
    *,
    base_index: int = 0,
    measured: NDArray[np.float64] | None = None,
    capacity: NDArray[np.float64] | None = None,
) -> LoadProjection:
    """Loads, utilisation and exhaustion year of every row, for every year at once.

    Parameters
    ----------
    compiled
        The compiled model: its primary supply links carry the load.
    demand_node, demand_resource, demand
        Own demand: entry ``i`` is the demand of node ``demand_node[i]`` for resource
        ``demand_resource[i]`` in each year, ``demand[i]`` of shape ``(Y,)``, in the
        resource's unit. Consumers' demand, and a component's own draw if known; entries of
        one (node, resource) add up. Each entry gets a row, even if it is zero.
    years
        ``(Y,)`` the years of the columns, ascending.
    base_index
        Column of the base year: the year measured peaks were measured in.
    measured
        ``(n_nodes, n_resources)`` measured base-year peaks, NaN where not measured
        (default: none). A measured row keeps its measurement as base-year load and adds
        the computed growth on top, never below zero (see :mod:`vitaal.engine.capacity`).
    capacity
        ``(n_nodes, n_resources)`` capacities, NaN where not given; default
        ``compiled.capacity``.

    Returns
    -------
    LoadProjection
        Rows: the pairs at either end of a primary link, every supplier of a link, the
        demand entries, and the measured and capacity entries, sorted by node and resource.
        A ring of primary links of one resource is contracted into a mesh that carries
        its load together (:func:`find_meshes`, ``docs/capacity.md``, "Meshes").

    Notes
    -----
    O(N R + (K + E) Y) time for N nodes, R resources, K rows, E primary links and Y years:
    the rows are marked on a dense ``(N R,)`` mask, the accumulation is one compiled
    topological pass (:func:`~vitaal.engine._capacity_kernels.accumulate_loads_into`) and
    utilisation and exhaustion one compiled pass over the rows; nothing here loops in Python
    per node.

    Examples
    --------
    >>> import numpy as np
    >>> from vitaal.engine.compile import compile_arrays
    >>> i = lambda *v: np.asarray(v, dtype=np.int64)
    >>> cm = compile_arrays(("ss", "a"), np.asarray([0, 1], dtype=np.int8), ("el",),
    ...     link_supplier=i(0), link_consumer=i(1), link_resource=i(0),
    ...     link_backup=np.zeros(1, dtype=bool), req_node=i(), req_resource=i(), req_k=i(),
    ...     req_buffer_h=np.zeros(0), store_node=i(), store_resource=i(),
    ...     store_autonomy_h=np.zeros(0), capacity=np.asarray([[2.0], [np.nan]]))
    >>> p = project_loads(cm, i(1), i(0), np.asarray([[1.5, 2.5]]), i(2026, 2030))
    >>> p.utilisation[0].tolist(), p.exhausted.tolist()
    ([0.75, 1.25], [2030, -1])
    """
    cm = compiled
    n_nodes, n_res = cm.n_nodes, cm.n_resources
    year_arr = np.asarray(years, dtype=np.int64)
    n_years = int(year_arr.shape[0])
    cap_all = cm.capacity if capacity is None else np.asarray(capacity, dtype=np.float64)
    d_node = np.asarray(demand_node, dtype=np.int64)
    d_res = np.asarray(demand_resource, dtype=np.int64)
    d_val = np.asarray(demand, dtype=np.float64).reshape(d_node.shape[0], n_years)
    if cap_all.shape != (n_nodes, n_res):
        raise ValueError(f"capacity has shape {cap_all.shape}, not ({n_nodes}, {n_res})")
    if measured is not None and measured.shape != (n_nodes, n_res):
        raise ValueError(f"measured has shape {measured.shape}, not ({n_nodes}, {n_res})")
    if not 0 <= base_index < n_years:
        raise ValueError(f"base_index {base_index} outside the {n_years} year(s)")

    # -- rows: a dense mask over node * n_res + resource ---------------------------------
    pair_key = cm.pair_node * n_res + cm.pair_resource
    mask = np.zeros(n_nodes * n_res, dtype=np.bool_)
    prim = ~cm.link_backup
    mask[pair_key[cm.link_src]] = True  # every supplier, backup links too
    mask[pair_key[cm.link_dst[prim]]] = True
    d_key = d_node * n_res + d_res
    mask[d_key] = True
    meas_flat = None if measured is None else np.asarray(measured, np.float64).reshape(-1)
    if meas_flat is not None:
        mask |= ~np.isnan(meas_flat)
    cap_flat = cap_all.reshape(-1)
    mask |= ~np.isnan(cap_flat)
    row_key = np.flatnonzero(mask).astype(np.int64)
    n_rows = int(row_key.shape[0])
    row_of_key = np.full(n_nodes * n_res, -1, dtype=np.int64)
    row_of_key[row_key] = np.arange(n_rows, dtype=np.int64)
    row_node = row_key // max(n_res, 1)
    row_res = row_key % max(n_res, 1)

    # -- own demand, measurements, edges -------------------------------------------------
    own = np.zeros((n_rows, n_years), dtype=np.float64)
    d_row = row_of_key[d_key]
    if d_row.size and int(np.bincount(d_row, minlength=n_rows).max()) == 1:
        own[d_row] = d_val
    elif d_row.size:
        np.add.at(own, d_row, d_val)
    meas = np.full(n_rows, np.nan) if meas_flat is None else meas_flat[row_key]
    sup, con = primary_edges(cm, row_of_key)
    load = own  # accumulated in place
    cap = cap_flat[row_key]
    is_comp = cm.node_kind[row_node] == NodeKind.COMPONENT
    usable = is_comp & np.isfinite(cap) & (cap > 0)
    if acyclic(n_rows, sup, con):  # no ring: the one topological pass, as ever
        stuck = accumulate_loads_into(sup, con, load, meas, base_index)
        mesh = np.full(n_rows, -1, dtype=np.int64)
    else:
        meshes = find_meshes(n_rows, sup, con)
        g_sup, g_con = meshes.of_row[sup], meshes.of_row[con]
        between = g_sup != g_con
        accumulate_mesh_loads_into(
            g_sup[between],
            g_con[between],
            meshes.member_ptr,
            meshes.members,
            mesh_shares(meshes, cap, usable),
            load,
            meas,
            base_index,
        )
        stuck = np.zeros(n_rows, dtype=np.bool_)
        mesh = meshes.mesh_of_row()

    # -- utilisation and exhaustion ----------------------------------------------------------
    util, exhausted = utilisation_exhausted(load, cap, usable, year_arr, 1.0 + EXHAUSTED_TOL)
    supplies = np.zeros(n_rows, dtype=np.bool_)
    supplies[row_of_key[pair_key[cm.link_src]]] = True
    supplies |= ~np.isnan(cap)
    return LoadProjection(
        years=year_arr,
        row_node=row_node,
        row_resource=row_res,
        load=load,
        capacity=cap,
        measured=meas,
        utilisation=util,
        exhausted=exhausted,
        supplies=supplies,
        stuck=stuck,
        mesh=mesh,
    )
