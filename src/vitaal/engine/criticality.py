"""Criticality sweep: what the single failure of every component does, ranked; and pairs.

Also the batch machinery the ensembles share (:func:`run_cases`): many cascades, each from its
own set of initial failures, in one compiled call.

**Exact by construction.** Each case runs the very same timed cascade as
:func:`~vitaal.engine.cascade.run_cascade` (the ``sweep`` kernel), but on the *cone* of its
initial failures only: the nodes reachable from them along supply links (a node that fails
stops every pair it has, so the cone is closed over a node's pairs). Nothing outside the cone
can fail or lose supply, and the suppliers outside it that feed the cone keep delivering
throughout; they are folded into one always-delivering supplier. Nodes, pairs and links keep
their relative order, so every tie is broken as in the full cascade and failure times,
orders, causes and receive times are identical (``tests/scale`` checks this node by node
against ``run_cascade`` on random models and on a sample of a synthetic city). A case costs
O(size of its cone) instead of O(size of the city): most components feed a short branch.

**With loads** (the overload rule) a moved load can reach a supplier outside the cone (a
backup fed from elsewhere). A loaded case therefore also carries the cone's *boundary*, every
supplier of a cone pair, with its real links, flows, full load and capacity; if a boundary
node is overloaded, the cone grows by what it feeds and the case runs again
(:func:`_cone_cascade_loaded`). **Couplings**: :func:`with_common_causes` adds to each case
the members its failures take along, as ``initial_failures`` adds ``common_cause_failures``
to a scenario.

The impact of each case is summarised in compiled code exactly as
:func:`vitaal.method.impact.assess_impact` computes it (people affected, person-hours,
critical functions lost, economic loss, the A-E classes on the thresholds of
``vitaal/data/impact.yaml``), from an :class:`ImpactTable`
(:func:`~vitaal.engine.impact_kernel.summarise_case`).

**With restoration** (``restoration=``, what ``vitaal criticality`` and ``vitaal ensemble``
run) every case is instead the process with repair and restart times, shedding and degraded
modes (:func:`~vitaal.engine.process.run_process`), run on the part of the city the case can
touch, which the cascade without repair on a screening model finds
(:mod:`vitaal.engine.process_cases`, ``docs/engine.md``, "Restoration in the batches").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from vitaal.catalog import load_data
from vitaal.engine._kernels import (
    C_COMMON,
    C_EVENT,
    C_HAZARD,
    PRODUCER,
    Case,
    Loads,
    Outputs,
    SupplyGraph,
    pack_pair_info,
    sweep,
)
from vitaal.engine.cascade import CascadeResult, load_arrays
from vitaal.engine.causes import InitialFailure
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.engine.impact_kernel import summarise_case, travel_share
from vitaal.errors import ScenarioError
from vitaal.model import Model

if TYPE_CHECKING:
    from vitaal.engine.process_cases import CaseRestoration, RestoredArrays

__all__ = [
    "CLASSES",
    "CRITERIA",
    "BatchArrays",
    "CaseChunk",
    "CaseSummary",
    "Cases",
    "Couplings",
    "CriticalityResult",
    "ImpactTable",
    "Runner",
    "batch_arrays",
    "chunk_cases",
    "concat_summaries",
    "cone_cascade",
    "coupling_index",
    "impact_table",
    "in_process_runner",
    "load_arrays",
    "rank_cases",
    "run_cases",
    "run_chunk",
    "sweep_criticality",
    "with_common_causes",
]

CLASSES = ("A", "B", "C", "D", "E")
#: The criteria in the order of ``assess_impact`` (the first reaching the top class decides).
CRITERIA = (
    "people_affected",
    "person_hours",
    "hindrance_hours",
    "critical_functions",
    "economic_loss",
)


@dataclass(frozen=True, eq=False)
class ImpactTable:
    """What the impact of a cascade is measured with, as arrays by node.

    Build it with :func:`impact_table` from a model (or directly, for a generated city).
    ``bounds`` holds, per criterion of :data:`CRITERIA`, the lower bounds of classes B-E
    (``inf`` for a criterion the thresholds do not have); ``cf_floor`` the lowest class
    index a critical function's loss sets (0 without floor).
    """

    population: NDArray[np.int64]
    jobs: NDArray[np.int64]
    cf_floor: NDArray[np.int64]
    node_system: NDArray[np.int64]
    system_ids: tuple[str, ...]
    replacement_cost_eur: NDArray[np.float64]
    hindrance: NDArray[np.bool_]
    min_outage_h: float
    value_per_job_hour_eur: float
    bounds: NDArray[np.float64]
    has_hindrance: bool
    #: per pair of a service area, the people behind its connections to the pair's resource
    #: (``ServiceArea.people_for``); ``None``: the area's population for every resource
    pair_people: NDArray[np.int64] | None = None
    #: the share of a day people travel (:func:`~vitaal.engine.impact_kernel.travel_share`)
    travel_share: float = 1.0

    def hindrance_weight(self) -> NDArray[np.float64]:
        """Per resource, the share of a day people travel for a hindrance service, else 0
        (one 0 for a model without resources)."""
        if self.hindrance.size == 0:
            return np.zeros(1)
        return self.hindrance.astype(np.float64) * self.travel_share

    def people(self, compiled: CompiledModel) -> NDArray[np.int64]:
        """Per pair, the people behind it (:attr:`pair_people`, or the node's population)."""
        if self.pair_people is not None:
            return self.pair_people
        return self.population[compiled.pair_node]


def impact_table(
    model: Model, compiled: CompiledModel, *, thresholds: dict[str, Any] | None = None
) -> ImpactTable:
    """The :class:`ImpactTable` of ``model`` with the thresholds of ``impact.yaml`` (or
    ``thresholds``), read as :func:`vitaal.method.impact.assess_impact` reads them."""
    spec = thresholds if thresholds is not None else load_data("impact")
    crit = spec["criteria"]
    n = compiled.n_nodes
    population = np.zeros(n, dtype=np.int64)
    jobs = np.zeros(n, dtype=np.int64)
    for area in model.areas.values():
        v = compiled.node_index[area.id]
        population[v] = area.population
        jobs[v] = area.jobs
    floors = crit["critical_functions"].get("category_floor", {})
    cf_floor = np.zeros(n, dtype=np.int64)
    for cf in model.critical_functions.values():
        if cf.category in floors:
            cf_floor[compiled.node_index[cf.id]] = CLASSES.index(str(floors[cf.category]))
    system_ids = tuple(model.systems)
    sys_index = {s: i for i, s in enumerate(system_ids)}
    node_system = np.full(n, -1, dtype=np.int64)
    cost = np.zeros(n, dtype=np.float64)
    for cid, comp in model.components.items():
        v = compiled.node_index[cid]
        s = model.system_of(cid)
        if s is not None:
            node_system[v] = sys_index[s]
        if comp.replacement_cost_eur:
            cost[v] = comp.replacement_cost_eur
    hindrance = set(spec.get("hindrance_services", ()))
    people = population[compiled.pair_node]
    for area in model.areas.values():
        v = compiled.node_index[area.id]
        for p in range(int(compiled.node_ptr[v]), int(compiled.node_ptr[v + 1])):
            people[p] = area.people_for(compiled.resource_ids[int(compiled.pair_resource[p])])
    return ImpactTable(
        population=population,
        jobs=jobs,
        cf_floor=cf_floor,
        node_system=node_system,
        system_ids=system_ids,
        replacement_cost_eur=cost,
        hindrance=np.asarray([r in hindrance for r in compiled.resource_ids], dtype=np.bool_),
        min_outage_h=float(spec.get("min_outage_h", 1.0)),
        value_per_job_hour_eur=float(spec["value_added_per_job_hour_eur"]),
        bounds=_bounds(crit),
        has_hindrance="hindrance_hours" in crit,
        pair_people=people,
        travel_share=travel_share(spec),
    )


def _bounds(crit: dict[str, Any]) -> NDArray[np.float64]:
    out = np.full((len(CRITERIA), 4), np.inf)
    for i, name in enumerate(CRITERIA):
        if name in crit:
            b = [float(x) for x in crit[name]["bounds"]]
            out[i, : len(b)] = b
    return out


@dataclass(frozen=True, eq=False)
class BatchArrays:
    """The arrays a batch of cascades runs on: the compiled model's graph, the impact table
    and, when ``use_load``, the loads (per-link ``flow``, per-pair ``load`` and
    ``capacity``), without id mappings (cheap to pickle and to send to a cluster once)."""

    n_nodes: int
    n_resources: int
    pair_node: NDArray[np.int64]
    pair_resource: NDArray[np.int64]
    pair_role: NDArray[np.int8]
    pair_required: NDArray[np.bool_]
    pair_k: NDArray[np.int64]
    pair_buffer_h: NDArray[np.float64]
    pair_autonomy_h: NDArray[np.float64]
    node_ptr: NDArray[np.int64]
    node_kind: NDArray[np.int8]
    out_ptr: NDArray[np.int64]
    out_dst: NDArray[np.int64]
    store_out_ptr: NDArray[np.int64]
    store_out_dst: NDArray[np.int64]
    in_ptr: NDArray[np.int64]
    in_src: NDArray[np.int64]
    table: ImpactTable
    out_link: NDArray[np.int64]
    in_link: NDArray[np.int64]
    link_backup: NDArray[np.bool_]
    use_load: bool = False
    flow: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    load: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    capacity: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    #: per pair, the people behind it (:meth:`ImpactTable.people`)
    people: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: with restoration: every case runs through the process (``None``: without repair)
    restored: RestoredArrays | None = None


def batch_arrays(
    compiled: CompiledModel,
    table: ImpactTable,
    *,
    load: NDArray[np.float64] | None = None,
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
    restoration: CaseRestoration | None = None,
) -> BatchArrays:
    """The arrays of a batch; with ``load`` (and optionally ``capacity`` and ``link_load``,
    as for :func:`~vitaal.engine.cascade.run_cascade`) every case follows the overload
    rule. Loads that cannot make anything fail (no load anywhere, or no finite capacity)
    are dropped: the cascades are then the same without them, and faster.

    With ``restoration`` every case runs through the process with restoration instead
    (:mod:`vitaal.engine.process_cases`), with the loads of ``restoration.inputs``;
    ``load``, ``capacity`` and ``link_load`` must then be left out."""
    restored = None
    if restoration is not None:
        if load is not None or capacity is not None or link_load is not None:
            raise ScenarioError("with restoration the loads come with it (inputs.loads)")
        from vitaal.engine.process_cases import restored_arrays

        restored = restored_arrays(compiled, restoration)
    loads = load_arrays(compiled, load, capacity, link_load)
    use_load = False
    flow = load_pair = cap_pair = np.zeros(0)
    if loads is not None:
        flow, load_pair, cap_pair = loads
        use_load = bool(np.any(flow > 0) and np.any(np.isfinite(cap_pair)))
        if not use_load:
            flow = load_pair = cap_pair = np.zeros(0)
    return BatchArrays(
        n_nodes=compiled.n_nodes,
        n_resources=compiled.n_resources,
        pair_node=compiled.pair_node,
        pair_resource=compiled.pair_resource,
        pair_role=compiled.pair_role,
        pair_required=compiled.pair_required,
        pair_k=compiled.pair_k,
        pair_buffer_h=compiled.pair_buffer_h,
        pair_autonomy_h=compiled.pair_autonomy_h,
        node_ptr=compiled.node_ptr,
        node_kind=compiled.node_kind,
        out_ptr=compiled.out_ptr,
        out_dst=compiled.out_dst,
        store_out_ptr=compiled.store_out_ptr,
        store_out_dst=compiled.store_out_dst,
        in_ptr=compiled.in_ptr,
        in_src=compiled.in_src,
        table=table,
        out_link=compiled.out_link,
        in_link=compiled.in_link,
        link_backup=compiled.link_backup,
        use_load=use_load,
        flow=flow,
        load=load_pair,
        capacity=cap_pair,
        people=table.people(compiled),
        restored=restored,
    )


# -- compiled kernels ----------------------------------------------------------------------
@njit(cache=True, nogil=True)
def _cone_cascade(
    n_nodes: int,
    pair_node: NDArray[np.int64],
    pair_res: NDArray[np.int64],
    role: NDArray[np.int8],
    required: NDArray[np.bool_],
    k: NDArray[np.int64],
    buf: NDArray[np.float64],
    aut: NDArray[np.float64],
    node_ptr: NDArray[np.int64],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    sout_ptr: NDArray[np.int64],
    sout_dst: NDArray[np.int64],
    in_ptr: NDArray[np.int64],
    in_src: NDArray[np.int64],
    init_node: NDArray[np.int64],
    init_time: NDArray[np.float64],
    init_cause: NDArray[np.int8],
    init_cnode: NDArray[np.int64],
    horizon: float,
    g2l_node: NDArray[np.int64],
    g2l_pair: NDArray[np.int64],
    qn: NDArray[np.int64],
    explain: bool,
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int8],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """The cascade of one set of initial failures, run on their cone only.

    Returns the cone's nodes and pairs (global indices, ascending) and, for them, the sweep's
    outputs with node references already global. ``g2l_node``/``g2l_pair`` are scratch filled
    with -1 (left so); ``qn`` scratch of length n_nodes. Without ``explain``, the times alone
    (see ``sweep_core``): what the batch summaries need.
    """
    # the cone: nodes reachable from the initial ones, over all pairs of each node
    n_c = 0
    for i in range(init_node.shape[0]):
        v = init_node[i]
        if g2l_node[v] < 0:
            g2l_node[v] = 0
            qn[n_c] = v
            n_c += 1
    h = 0
    while h < n_c:
        v = qn[h]
        h += 1
        for p in range(node_ptr[v], node_ptr[v + 1]):
            for j in range(out_ptr[p], out_ptr[p + 1]):
                u = pair_node[out_dst[j]]
                if g2l_node[u] < 0:
                    g2l_node[u] = 0
                    qn[n_c] = u
                    n_c += 1
    nodes = np.sort(qn[:n_c])
    n_lp = 0
    n_out = 0
    n_sout = 0
    n_in = 0
    for i in range(n_c):
        v = nodes[i]
        g2l_node[v] = i
        lo, hi = node_ptr[v], node_ptr[v + 1]
        n_lp += hi - lo
        n_out += out_ptr[hi] - out_ptr[lo]
        n_sout += sout_ptr[hi] - sout_ptr[lo]
        n_in += in_ptr[hi] - in_ptr[lo]
    # local pairs in global order, then one always-delivering supplier for the outside
    n_p = n_lp + 1
    dummy = n_lp
    pairs = np.empty(n_lp, dtype=np.int64)
    l_node_ptr = np.empty(n_c + 2, dtype=np.int64)
    l_pair_node = np.empty(n_p, dtype=np.int64)
    l_pair_res = np.zeros(n_p, dtype=np.int64)
    l_role = np.empty(n_p, dtype=np.int8)
    l_req = np.zeros(n_p, dtype=np.bool_)
    l_k = np.ones(n_p, dtype=np.int64)
    l_buf = np.zeros(n_p)
    l_aut = np.zeros(n_p)
    q = 0
    for i in range(n_c):
        v = nodes[i]
        l_node_ptr[i] = q
        for p in range(node_ptr[v], node_ptr[v + 1]):
            g2l_pair[p] = q
            pairs[q] = p
            l_pair_node[q] = i
            l_pair_res[q] = pair_res[p]
            l_role[q] = role[p]
            l_req[q] = required[p]
            l_k[q] = k[p]
            l_buf[q] = buf[p]
            l_aut[q] = aut[p]
            q += 1
    l_node_ptr[n_c] = n_lp
    l_node_ptr[n_c + 1] = n_p
    l_pair_node[dummy] = n_c
    l_role[dummy] = PRODUCER
    l_out_ptr = np.empty(n_p + 1, dtype=np.int64)
    l_out_dst = np.empty(n_out, dtype=np.int64)
    l_sout_ptr = np.empty(n_p + 1, dtype=np.int64)
    l_sout_dst = np.empty(n_sout, dtype=np.int64)
    l_in_ptr = np.empty(n_p + 1, dtype=np.int64)
    l_in_src = np.empty(n_in, dtype=np.int64)
    eo = 0
    es = 0
    ei = 0
    for q in range(n_lp):
        p = pairs[q]
        l_out_ptr[q] = eo
        for j in range(out_ptr[p], out_ptr[p + 1]):
            l_out_dst[eo] = g2l_pair[out_dst[j]]
            eo += 1
        l_sout_ptr[q] = es
        for j in range(sout_ptr[p], sout_ptr[p + 1]):
            l_sout_dst[es] = g2l_pair[sout_dst[j]]
            es += 1
        l_in_ptr[q] = ei
        for j in range(in_ptr[p], in_ptr[p + 1]):
            s = g2l_pair[in_src[j]]
            l_in_src[ei] = s if s >= 0 else dummy
            ei += 1
    l_out_ptr[n_lp] = eo
    l_out_ptr[n_p] = eo
    l_sout_ptr[n_lp] = es
    l_sout_ptr[n_p] = es
    l_in_ptr[n_lp] = ei
    l_in_ptr[n_p] = ei
    n_init = init_node.shape[0]
    l_init = np.empty(n_init, dtype=np.int64)
    l_cnode = np.empty(n_init, dtype=np.int64)
    for i in range(n_init):
        l_init[i] = g2l_node[init_node[i]]
        c = init_cnode[i]
        l_cnode[i] = g2l_node[c] if c >= 0 else -1
    n_ln = n_c + 1
    fail = np.full(n_ln, np.inf)
    order = np.zeros(n_ln, dtype=np.int64)
    cause = np.zeros(n_ln, dtype=np.int8)
    cause_node = np.full(n_ln, -1, dtype=np.int64)
    cause_via = np.full(n_ln, -1, dtype=np.int64)
    cause_res = np.full(n_ln, -1, dtype=np.int64)
    recv = np.empty(n_p)
    for q in range(n_p):
        recv[q] = np.inf if l_req[q] else np.nan
    supply_end = recv.copy()
    no_link = np.zeros(0, dtype=np.int64)  # links are not read without loads
    sweep(
        SupplyGraph(
            l_pair_node,
            l_pair_res,
            l_role,
            l_buf,
            l_aut,
            pack_pair_info(l_pair_node, l_role, l_req, l_k, l_in_ptr, l_sout_ptr),
            l_node_ptr,
            l_out_ptr,
            l_out_dst,
            no_link,
            l_sout_ptr,
            l_sout_dst,
            l_in_ptr,
            l_in_src,
            no_link,
            np.zeros(0, dtype=np.bool_),
        ),
        Case(l_init, init_time, init_cause, l_cnode, horizon),
        None,
        Outputs(
            fail,
            order,
            cause,
            cause_node,
            cause_via,
            cause_res,
            recv,
            supply_end,
            np.arange(n_ln),
            np.arange(n_p),
        ),
        explain,
    )
    # node references back to global; scratch back to -1
    for i in range(n_c):
        c = cause_node[i]
        if c >= 0:
            cause_node[i] = nodes[c]
        c = cause_via[i]
        if c >= 0:
            cause_via[i] = nodes[c]
    for i in range(n_c):
        g2l_node[nodes[i]] = -1
    for q in range(n_lp):
        g2l_pair[pairs[q]] = -1
    return (
        nodes,
        pairs,
        fail[:n_c],
        order[:n_c],
        cause[:n_c],
        cause_node[:n_c],
        cause_via[:n_c],
        cause_res[:n_c],
        recv[:n_lp],
        supply_end[:n_lp],
    )


@njit(cache=True, nogil=True)
def _cone_cascade_loaded(
    n_nodes: int,
    pair_node: NDArray[np.int64],
    pair_res: NDArray[np.int64],
    role: NDArray[np.int8],
    required: NDArray[np.bool_],
    k: NDArray[np.int64],
    buf: NDArray[np.float64],
    aut: NDArray[np.float64],
    node_ptr: NDArray[np.int64],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    out_link: NDArray[np.int64],
    sout_ptr: NDArray[np.int64],
    sout_dst: NDArray[np.int64],
    in_ptr: NDArray[np.int64],
    in_src: NDArray[np.int64],
    in_link: NDArray[np.int64],
    link_backup: NDArray[np.bool_],
    flow0: NDArray[np.float64],
    load0: NDArray[np.float64],
    cap0: NDArray[np.float64],
    init_node: NDArray[np.int64],
    init_time: NDArray[np.float64],
    init_cause: NDArray[np.int8],
    init_cnode: NDArray[np.int64],
    horizon: float,
    g2l_node: NDArray[np.int64],
    g2l_pair: NDArray[np.int64],
    g2l_link: NDArray[np.int64],
    qn: NDArray[np.int64],
    qb: NDArray[np.int64],
    state: NDArray[np.int8],
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int8],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """:func:`_cone_cascade` with the overload rule (loads, capacities, flows per link).

    The local model is the cone plus its *boundary*: every node outside the cone that
    supplies a pair of the cone. Boundary nodes keep their real links into the cone (with
    their backup flags and flows), their full loads and their capacities, and always
    receive (they are producers locally: nothing upstream of them is in the cone). A moved
    load can push a boundary node over its capacity; when it fails so, the cone grows by
    that node's downstream closure and the case runs again, until no boundary node fails.
    Then nothing outside the cone fails in the full cascade either, and inside it every
    tie is broken as there (nodes, pairs and links keep their relative order). The run
    is exact up to the first failure of a boundary node, which is all that is read of a
    run that is repeated: so a boundary node's links are kept in its consumers' lists
    only (its own list of consumers is empty; it is read only once it stops delivering).

    Returns the cone's nodes and pairs with the sweep's outputs as :func:`_cone_cascade`,
    then the local pairs (cone and boundary) with their final and peak loads. Scratch:
    ``g2l_node``/``g2l_pair`` filled with -1 (left so), ``g2l_link`` of length n_links (any
    content), ``qn``/``qb`` of length n_nodes, ``state`` zeros (left so).
    """
    # state: 0 outside, 1 cone, 2 boundary
    n_c = 0
    for i in range(init_node.shape[0]):
        v = init_node[i]
        if state[v] != 1:
            state[v] = 1
            qn[n_c] = v
            n_c += 1
    h = 0
    n_b = 0
    while True:
        # the cone: downstream closure over all pairs of each node
        while h < n_c:
            v = qn[h]
            h += 1
            for p in range(node_ptr[v], node_ptr[v + 1]):
                for j in range(out_ptr[p], out_ptr[p + 1]):
                    u = pair_node[out_dst[j]]
                    if state[u] != 1:
                        state[u] = 1
                        qn[n_c] = u
                        n_c += 1
        # its boundary: suppliers of cone pairs outside the cone
        for i in range(n_b):
            if state[qb[i]] == 2:
                state[qb[i]] = 0
        n_b = 0
        for i in range(n_c):
            v = qn[i]
            for p in range(node_ptr[v], node_ptr[v + 1]):
                for j in range(in_ptr[p], in_ptr[p + 1]):
                    u = pair_node[in_src[j]]
                    if state[u] == 0:
                        state[u] = 2
                        qb[n_b] = u
                        n_b += 1
        nodes = np.sort(np.concatenate((qn[:n_c], qb[:n_b])))
        n_ln = nodes.shape[0]
        n_lp = 0
        n_out = 0
        n_sout = 0
        n_in = 0
        for i in range(n_ln):
            v = nodes[i]
            g2l_node[v] = i
            lo, hi = node_ptr[v], node_ptr[v + 1]
            n_lp += hi - lo
            if state[v] == 1:
                n_out += out_ptr[hi] - out_ptr[lo]
                n_sout += sout_ptr[hi] - sout_ptr[lo]
                n_in += in_ptr[hi] - in_ptr[lo]
        pairs = np.empty(n_lp, dtype=np.int64)
        l_node_ptr = np.empty(n_ln + 1, dtype=np.int64)
        l_pair_node = np.empty(n_lp, dtype=np.int64)
        l_pair_res = np.empty(n_lp, dtype=np.int64)
        l_role = np.empty(n_lp, dtype=np.int8)
        l_req = np.zeros(n_lp, dtype=np.bool_)
        l_k = np.ones(n_lp, dtype=np.int64)
        l_buf = np.zeros(n_lp)
        l_aut = np.zeros(n_lp)
        l_load = np.empty(n_lp)
        l_cap = np.empty(n_lp)
        q = 0
        for i in range(n_ln):
            v = nodes[i]
            cone = state[v] == 1
            l_node_ptr[i] = q
            for p in range(node_ptr[v], node_ptr[v + 1]):
                g2l_pair[p] = q
                pairs[q] = p
                l_pair_node[q] = i
                l_pair_res[q] = pair_res[p]
                if cone:
                    l_role[q] = role[p]
                    l_req[q] = required[p]
                    l_k[q] = k[p]
                    l_buf[q] = buf[p]
                    l_aut[q] = aut[p]
                else:
                    l_role[q] = PRODUCER  # always receives: nothing upstream is in the cone
                l_load[q] = load0[p]
                l_cap[q] = cap0[p]
                q += 1
        l_node_ptr[n_ln] = n_lp
        # links: every link into a cone pair (from the cone or the boundary), numbered by
        # their place in the consumers' lists
        l_in_ptr = np.empty(n_lp + 1, dtype=np.int64)
        l_in_src = np.empty(n_in, dtype=np.int64)
        l_in_link = np.empty(n_in, dtype=np.int64)
        l_backup = np.empty(n_in, dtype=np.bool_)
        l_flow = np.empty(n_in)
        ei = 0
        for q in range(n_lp):
            p = pairs[q]
            l_in_ptr[q] = ei
            if state[pair_node[p]] != 1:
                continue
            for j in range(in_ptr[p], in_ptr[p + 1]):
                lk = in_link[j]
                g2l_link[lk] = ei
                l_in_src[ei] = g2l_pair[in_src[j]]
                l_in_link[ei] = ei
                l_backup[ei] = link_backup[lk]
                l_flow[ei] = flow0[lk]
                ei += 1
        l_in_ptr[n_lp] = ei
        l_out_ptr = np.empty(n_lp + 1, dtype=np.int64)
        l_out_dst = np.empty(n_out, dtype=np.int64)
        l_out_link = np.empty(n_out, dtype=np.int64)
        l_sout_ptr = np.empty(n_lp + 1, dtype=np.int64)
        l_sout_dst = np.empty(n_sout, dtype=np.int64)
        eo = 0
        es = 0
        for q in range(n_lp):
            p = pairs[q]
            cone = state[pair_node[p]] == 1
            l_out_ptr[q] = eo
            l_sout_ptr[q] = es
            if cone:
                for j in range(out_ptr[p], out_ptr[p + 1]):
                    l_out_dst[eo] = g2l_pair[out_dst[j]]
                    l_out_link[eo] = g2l_link[out_link[j]]
                    eo += 1
                for j in range(sout_ptr[p], sout_ptr[p + 1]):
                    l_sout_dst[es] = g2l_pair[sout_dst[j]]
                    es += 1
        l_out_ptr[n_lp] = eo
        l_sout_ptr[n_lp] = es
        n_init = init_node.shape[0]
        l_init = np.empty(n_init, dtype=np.int64)
        l_cnode = np.empty(n_init, dtype=np.int64)
        for i in range(n_init):
            l_init[i] = g2l_node[init_node[i]]
            c = init_cnode[i]
            l_cnode[i] = g2l_node[c] if c >= 0 else -1
        fail = np.full(n_ln, np.inf)
        order = np.zeros(n_ln, dtype=np.int64)
        cause = np.zeros(n_ln, dtype=np.int8)
        cause_node = np.full(n_ln, -1, dtype=np.int64)
        cause_via = np.full(n_ln, -1, dtype=np.int64)
        cause_res = np.full(n_ln, -1, dtype=np.int64)
        recv = np.empty(n_lp)
        for q in range(n_lp):
            recv[q] = np.inf if l_req[q] else np.nan
        supply_end = recv.copy()
        peak = l_load.copy()
        sweep(
            SupplyGraph(
                l_pair_node,
                l_pair_res,
                l_role,
                l_buf,
                l_aut,
                pack_pair_info(l_pair_node, l_role, l_req, l_k, l_in_ptr, l_sout_ptr),
                l_node_ptr,
                l_out_ptr,
                l_out_dst,
                l_out_link,
                l_sout_ptr,
                l_sout_dst,
                l_in_ptr,
                l_in_src,
                l_in_link,
                l_backup,
            ),
            Case(l_init, init_time, init_cause, l_cnode, horizon),
            Loads(l_flow, l_load, peak, l_cap),
            Outputs(
                fail,
                order,
                cause,
                cause_node,
                cause_via,
                cause_res,
                recv,
                supply_end,
                np.arange(n_ln),
                np.arange(n_lp),
            ),
            True,
        )
        for i in range(n_ln):
            g2l_node[nodes[i]] = -1
        for q in range(n_lp):
            g2l_pair[pairs[q]] = -1
        grown = False
        for i in range(n_ln):
            v = nodes[i]
            if state[v] == 2 and fail[i] < np.inf:
                state[v] = 1  # overloaded: it and what it feeds join the cone
                qn[n_c] = v
                n_c += 1
                grown = True
        if not grown:
            break
    # the cone's part of the outputs, node references back to global; state back to 0
    keep_n = np.empty(n_c, dtype=np.int64)
    c_nodes = np.empty(n_c, dtype=np.int64)
    n_cp = 0
    j = 0
    for i in range(n_ln):
        v = nodes[i]
        if state[v] == 1:
            keep_n[j] = i
            c_nodes[j] = v
            j += 1
            n_cp += node_ptr[v + 1] - node_ptr[v]
    c_pairs = np.empty(n_cp, dtype=np.int64)
    c_recv = np.empty(n_cp)
    c_send = np.empty(n_cp)
    q = 0
    for j in range(n_c):
        i = keep_n[j]
        for lq in range(l_node_ptr[i], l_node_ptr[i + 1]):
            c_pairs[q] = pairs[lq]
            c_recv[q] = recv[lq]
            c_send[q] = supply_end[lq]
            q += 1
    c_fail = fail[keep_n]
    c_order = order[keep_n]
    c_cause = cause[keep_n]
    c_cn = cause_node[keep_n]
    c_cv = cause_via[keep_n]
    c_cr = cause_res[keep_n]
    for j in range(n_c):
        c = c_cn[j]
        if c >= 0:
            c_cn[j] = nodes[c]
        c = c_cv[j]
        if c >= 0:
            c_cv[j] = nodes[c]
    for i in range(n_ln):
        state[nodes[i]] = 0
    return (
        c_nodes,
        c_pairs,
        c_fail,
        c_order,
        c_cause,
        c_cn,
        c_cv,
        c_cr,
        c_recv,
        c_send,
        pairs,
        l_load,
        peak,
    )


@njit(cache=True, nogil=True)
def _run_cases(
    n_nodes: int,
    n_res: int,
    pair_node: NDArray[np.int64],
    pair_res: NDArray[np.int64],
    role: NDArray[np.int8],
    required: NDArray[np.bool_],
    k: NDArray[np.int64],
    buf: NDArray[np.float64],
    aut: NDArray[np.float64],
    node_ptr: NDArray[np.int64],
    node_kind: NDArray[np.int8],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    sout_ptr: NDArray[np.int64],
    sout_dst: NDArray[np.int64],
    in_ptr: NDArray[np.int64],
    in_src: NDArray[np.int64],
    out_link: NDArray[np.int64],
    in_link: NDArray[np.int64],
    link_backup: NDArray[np.bool_],
    use_load: bool,
    flow0: NDArray[np.float64],
    load0: NDArray[np.float64],
    cap0: NDArray[np.float64],
    people: NDArray[np.int64],
    jobs: NDArray[np.int64],
    cf_floor: NDArray[np.int64],
    node_system: NDArray[np.int64],
    cost: NDArray[np.float64],
    hindrance: NDArray[np.float64],
    min_outage: float,
    value_job_hour: float,
    bounds: NDArray[np.float64],
    has_hindrance: bool,
    case_ptr: NDArray[np.int64],
    case_node: NDArray[np.int64],
    case_time: NDArray[np.float64],
    case_cause: NDArray[np.int8],
    case_cnode: NDArray[np.int64],
    case_weight: NDArray[np.float64],
    horizon: float,
    out_i: NDArray[np.int64],
    out_f: NDArray[np.float64],
    out_sys: NDArray[np.uint64],
    acc_fail: NDArray[np.float64],
    acc_ph: NDArray[np.float64],
    acc_count: NDArray[np.int64],
) -> None:
    """Run every case and summarise it as ``assess_impact`` would; accumulate per node the
    weighted failures and person-hours (in case order, so the sums do not depend on how
    cases are spread over workers, only on the chunks)."""
    g2l_node = np.full(n_nodes, -1, dtype=np.int64)
    g2l_pair = np.full(pair_node.shape[0], -1, dtype=np.int64)
    qn = np.empty(n_nodes, dtype=np.int64)
    if use_load:
        g2l_link = np.empty(link_backup.shape[0], dtype=np.int64)
        qb = np.empty(n_nodes, dtype=np.int64)
        state = np.zeros(n_nodes, dtype=np.int8)
    else:
        g2l_link = np.empty(0, dtype=np.int64)
        qb = np.empty(0, dtype=np.int64)
        state = np.zeros(0, dtype=np.int8)
    ph = np.zeros(n_res)
    hh = np.zeros(n_res)
    for c in range(case_ptr.shape[0] - 1):
        lo, hi = case_ptr[c], case_ptr[c + 1]
        if use_load:
            nodes, pairs, fail, _o, cause, _cn, _cv, _cr, _rv, send, _lp, _ll, _pk = (
                _cone_cascade_loaded(
                    n_nodes,
                    pair_node,
                    pair_res,
                    role,
                    required,
                    k,
                    buf,
                    aut,
                    node_ptr,
                    out_ptr,
                    out_dst,
                    out_link,
                    sout_ptr,
                    sout_dst,
                    in_ptr,
                    in_src,
                    in_link,
                    link_backup,
                    flow0,
                    load0,
                    cap0,
                    case_node[lo:hi],
                    case_time[lo:hi],
                    case_cause[lo:hi],
                    case_cnode[lo:hi],
                    horizon,
                    g2l_node,
                    g2l_pair,
                    g2l_link,
                    qn,
                    qb,
                    state,
                )
            )
        else:
            nodes, pairs, fail, _o, cause, _cn, _cv, _cr, _rv, send = _cone_cascade(
                n_nodes,
                pair_node,
                pair_res,
                role,
                required,
                k,
                buf,
                aut,
                node_ptr,
                out_ptr,
                out_dst,
                sout_ptr,
                sout_dst,
                in_ptr,
                in_src,
                case_node[lo:hi],
                case_time[lo:hi],
                case_cause[lo:hi],
                case_cnode[lo:hi],
                horizon,
                g2l_node,
                g2l_pair,
                qn,
                False,
            )
        # each service lost from supply_end + buffer to the horizon, all of the area
        hours = np.zeros(pairs.shape[0])
        for q in range(pairs.shape[0]):
            e = send[q]
            start = (np.inf if np.isnan(e) else e) + buf[pairs[q]]
            if math.isfinite(start) and start < horizon:
                hours[q] = horizon - start
        destroyed = (cause == C_HAZARD) | (cause == C_COMMON)
        summarise_case(
            (nodes, fail, destroyed, pairs, hours, np.ones(pairs.shape[0])),
            (node_kind, pair_node, pair_res),
            (people, jobs, cf_floor, node_system, cost, hindrance, bounds),
            (min_outage, value_job_hour, has_hindrance, horizon, case_weight[c]),
            c,
            (out_i, out_f, out_sys),
            (acc_fail, acc_ph, acc_count),
            (ph, hh),
        )


# -- Python side -----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CaseSummary:
    """Per case (a set of initial failures): what it does.

    ``ints`` columns: components failed, consumers failed (service areas and critical
    functions that fail within the horizon), people affected, critical functions lost,
    impact class index (0 = A ... 4 = E), decisive criterion index (:data:`CRITERIA`), cone
    size (nodes). ``floats`` columns: person-hours of the most affected service (the impact
    criterion), person-hours over all services, hindrance hours, economic loss (EUR).
    ``systems``: bit ``s`` set when a component of system ``s`` failed. ``fail_weight`` and
    ``person_hours_weight``: per node, the sum over cases of the case weight times failed
    (0/1), and times the person-hours of the area's most affected service (the people behind
    it times its hours without it within the horizon); ``fail_count``: per node, the number
    of cases it fails in. Cone size: with restoration, the nodes of the case's part.
    """

    ints: NDArray[np.int64]
    floats: NDArray[np.float64]
    systems: NDArray[np.uint64]
    fail_weight: NDArray[np.float64]
    person_hours_weight: NDArray[np.float64]
    fail_count: NDArray[np.int64]


def run_cases(
    arrays: BatchArrays,
    case_ptr: NDArray[np.int64],
    case_node: NDArray[np.int64],
    horizon_h: float,
    *,
    case_time: NDArray[np.float64] | None = None,
    case_cause: NDArray[np.int8] | None = None,
    case_weight: NDArray[np.float64] | None = None,
    case_cnode: NDArray[np.int64] | None = None,
) -> CaseSummary:
    """Run the cascades of many cases in one compiled call and summarise each.

    Case ``c`` fails nodes ``case_node[case_ptr[c]:case_ptr[c + 1]]`` at ``case_time`` (default
    0) with ``case_cause`` (default ``EVENT``) and ``case_cnode`` (the trigger of a
    ``COMMON_CAUSE`` failure, else -1; default -1); one node at most once per case. With
    loads in ``arrays`` (see :func:`batch_arrays`) each case follows the overload rule.
    O(sum over cases of the cone size, with loads plus its boundary). Releases the GIL
    (threads can run chunks side by side).
    """
    n_cases = int(case_ptr.shape[0]) - 1
    n_ev = int(case_node.shape[0])
    times = np.zeros(n_ev) if case_time is None else np.asarray(case_time, dtype=np.float64)
    causes = (
        np.full(n_ev, C_EVENT, dtype=np.int8)
        if case_cause is None
        else np.asarray(case_cause, dtype=np.int8)
    )
    weights = np.ones(n_cases) if case_weight is None else np.asarray(case_weight, np.float64)
    out_i = np.zeros((n_cases, 7), dtype=np.int64)
    out_f = np.zeros((n_cases, 4), dtype=np.float64)
    out_sys = np.zeros(n_cases, dtype=np.uint64)
    acc_fail = np.zeros(arrays.n_nodes)
    acc_ph = np.zeros(arrays.n_nodes)
    acc_count = np.zeros(arrays.n_nodes, dtype=np.int64)
    t = arrays.table
    hindrance = t.hindrance_weight()
    cnodes = (
        np.full(n_ev, -1, dtype=np.int64)
        if case_cnode is None
        else np.asarray(case_cnode, dtype=np.int64)
    )
    if arrays.restored is not None:
        from vitaal.engine.process_cases import run_restored_cases

        run_restored_cases(
            arrays.restored,
            (
                (
                    arrays.people,
                    t.jobs,
                    t.cf_floor,
                    t.node_system,
                    t.replacement_cost_eur,
                    hindrance,
                    t.bounds,
                ),
                (t.min_outage_h, t.value_per_job_hour_eur, t.has_hindrance),
            ),
            (
                np.asarray(case_ptr, dtype=np.int64),
                np.asarray(case_node, dtype=np.int64),
                times,
                causes,
                cnodes,
                weights,
            ),
            float(horizon_h),
            (out_i, out_f, out_sys),
            (acc_fail, acc_ph, acc_count),
        )
        return CaseSummary(out_i, out_f, out_sys, acc_fail, acc_ph, acc_count)
    _run_cases(
        arrays.n_nodes,
        max(arrays.n_resources, 1),
        arrays.pair_node,
        arrays.pair_resource,
        arrays.pair_role,
        arrays.pair_required,
        arrays.pair_k,
        arrays.pair_buffer_h,
        arrays.pair_autonomy_h,
        arrays.node_ptr,
        arrays.node_kind,
        arrays.out_ptr,
        arrays.out_dst,
        arrays.store_out_ptr,
        arrays.store_out_dst,
        arrays.in_ptr,
        arrays.in_src,
        arrays.out_link,
        arrays.in_link,
        arrays.link_backup,
        arrays.use_load,
        arrays.flow,
        arrays.load,
        arrays.capacity,
        arrays.people,
        t.jobs,
        t.cf_floor,
        t.node_system,
        t.replacement_cost_eur,
        hindrance,
        t.min_outage_h,
        t.value_per_job_hour_eur,
        t.bounds,
        t.has_hindrance,
        np.asarray(case_ptr, dtype=np.int64),
        np.asarray(case_node, dtype=np.int64),
        times,
        causes,
        cnodes,
        weights,
        float(horizon_h),
        out_i,
        out_f,
        out_sys,
        acc_fail,
        acc_ph,
        acc_count,
    )
    return CaseSummary(out_i, out_f, out_sys, acc_fail, acc_ph, acc_count)


def cone_cascade(
    compiled: CompiledModel,
    events: Sequence[InitialFailure],
    horizon_h: float,
    *,
    load: NDArray[np.float64] | None = None,
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
) -> CascadeResult:
    """:func:`~vitaal.engine.cascade.run_cascade` computed on the cone of ``events`` only
    (with loads: the cone and its boundary, see :func:`_cone_cascade_loaded`): the same
    result, in O(cone) after O(N + P) to set up the output. ``load``, ``capacity`` and
    ``link_load`` are those of ``run_cascade``.

    The batch runs each case this way; the function exists to show (and test) that a case's
    outcome is the full cascade's, node by node.
    """
    from vitaal.engine.cascade import _initial_arrays

    if not (horizon_h >= 0 and not math.isnan(horizon_h)):
        raise ScenarioError(f"horizon_h must be a number of hours >= 0, not {horizon_h!r}")
    init_node, init_time, init_cause, init_cnode = _initial_arrays(compiled, events)
    loads = load_arrays(compiled, load, capacity, link_load)
    keep = init_time <= horizon_h
    n, p = compiled.n_nodes, compiled.n_pairs
    fail = np.full(n, np.inf)
    order = np.zeros(n, dtype=np.int64)
    cause = np.zeros(n, dtype=np.int8)
    cause_node = np.full(n, -1, dtype=np.int64)
    cause_via = np.full(n, -1, dtype=np.int64)
    cause_res = np.full(n, -1, dtype=np.int64)
    recv = np.where(compiled.pair_required, np.inf, np.nan)
    supply_end = recv.copy()
    load_out = peak_out = None
    if loads is not None:
        load_out = loads[1].copy()
        peak_out = loads[1].copy()
    if keep.any() and loads is not None and load_out is not None and peak_out is not None:
        flow, load_pair, cap_pair = loads
        out = _cone_cascade_loaded(
            n,
            compiled.pair_node,
            compiled.pair_resource,
            compiled.pair_role,
            compiled.pair_required,
            compiled.pair_k,
            compiled.pair_buffer_h,
            compiled.pair_autonomy_h,
            compiled.node_ptr,
            compiled.out_ptr,
            compiled.out_dst,
            compiled.out_link,
            compiled.store_out_ptr,
            compiled.store_out_dst,
            compiled.in_ptr,
            compiled.in_src,
            compiled.in_link,
            compiled.link_backup,
            flow,
            load_pair,
            cap_pair,
            init_node[keep],
            init_time[keep],
            init_cause[keep],
            init_cnode[keep],
            float(horizon_h),
            np.full(n, -1, dtype=np.int64),
            np.full(p, -1, dtype=np.int64),
            np.empty(compiled.n_links, dtype=np.int64),
            np.empty(n, dtype=np.int64),
            np.empty(n, dtype=np.int64),
            np.zeros(n, dtype=np.int8),
        )
        nodes, pairs, f, o, c, cn, cv, cr, rv, se, lpairs, ll, pk = out
        load_out[lpairs], peak_out[lpairs] = ll, pk
    elif keep.any():
        nodes, pairs, f, o, c, cn, cv, cr, rv, se = _cone_cascade(
            n,
            compiled.pair_node,
            compiled.pair_resource,
            compiled.pair_role,
            compiled.pair_required,
            compiled.pair_k,
            compiled.pair_buffer_h,
            compiled.pair_autonomy_h,
            compiled.node_ptr,
            compiled.out_ptr,
            compiled.out_dst,
            compiled.store_out_ptr,
            compiled.store_out_dst,
            compiled.in_ptr,
            compiled.in_src,
            init_node[keep],
            init_time[keep],
            init_cause[keep],
            init_cnode[keep],
            float(horizon_h),
            np.full(n, -1, dtype=np.int64),
            np.full(p, -1, dtype=np.int64),
            np.empty(n, dtype=np.int64),
            True,
        )
    if keep.any():
        fail[nodes], order[nodes], cause[nodes] = f, o, c
        cause_node[nodes], cause_via[nodes], cause_res[nodes] = cn, cv, cr
        recv[pairs], supply_end[pairs] = rv, se
    return CascadeResult(
        node_ids=compiled.node_ids,
        node_index=compiled.node_index,
        node_kind=compiled.node_kind,
        resource_ids=compiled.resource_ids,
        horizon_h=float(horizon_h),
        fail_time=fail,
        order=order,
        cause=cause,
        cause_node=cause_node,
        cause_via=cause_via,
        cause_resource=cause_res,
        pair_node=compiled.pair_node,
        pair_resource=compiled.pair_resource,
        receive_time=recv,
        supply_end=supply_end,
        load=load_out,
        peak_load=peak_out,
    )


# -- common causes --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Couplings:
    """The model's common-cause couplings as arrays, for taking members along in batches.

    Groups are the couplings of kind ``co_location``/``same_structure`` (any event or hazard
    hit of a member takes the others along) and ``flood_zone`` (``group_flood``: only flood
    hits do), in the model's order; ``group_ptr``/``group_member`` their members (node
    indices, record order); ``node_ptr``/``node_group`` per node the groups it is a member
    of (ascending); ``id_rank`` per member the rank of its id among the members' ids (-1
    for other nodes): :func:`~vitaal.engine.hazard.common_cause_failures` takes the hit
    member with the smallest id as the trigger.
    """

    group_ptr: NDArray[np.int64]
    group_member: NDArray[np.int64]
    group_flood: NDArray[np.bool_]
    node_ptr: NDArray[np.int64]
    node_group: NDArray[np.int64]
    id_rank: NDArray[np.int64]

    @property
    def n_groups(self) -> int:
        return int(self.group_ptr.shape[0]) - 1


def coupling_index(model: Model, compiled: CompiledModel) -> Couplings:
    """The :class:`Couplings` of ``model``. Members that are not nodes of ``compiled`` are a
    ``ModelError``, as in :func:`~vitaal.engine.hazard.common_cause_failures`."""
    from vitaal.engine.hazard import SHARED_FATE
    from vitaal.errors import ModelError, Problem
    from vitaal.model import CouplingKind

    members: list[list[int]] = []
    flood: list[bool] = []
    problems: list[Problem] = []
    for cid, cpl in model.couplings.items():
        if cpl.kind in SHARED_FATE:
            is_flood = False
        elif cpl.kind is CouplingKind.FLOOD_ZONE:
            is_flood = True
        else:
            continue
        idx = []
        for m in cpl.members:
            v = compiled.node_index.get(m)
            if v is None:
                problems.append(
                    Problem(cpl.loc, "members", repr(m), "an existing component id", record=cid)
                )
            else:
                idx.append(v)
        members.append(idx)
        flood.append(is_flood)
    if problems:
        raise ModelError(problems, f"{len(problems)} coupling member(s) do not exist")
    n = compiled.n_nodes
    sizes = np.asarray([len(g) for g in members], dtype=np.int64)
    group_ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    group_member = (
        np.concatenate([np.asarray(g, dtype=np.int64) for g in members])
        if members
        else np.zeros(0, dtype=np.int64)
    )
    group_of = np.repeat(np.arange(len(members), dtype=np.int64), sizes)
    # per node its groups, ascending and once each
    pairs = np.unique(np.stack([group_member, group_of], axis=1), axis=0)
    node_ptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(node_ptr, pairs[:, 0] + 1, 1)
    node_ptr = np.cumsum(node_ptr).astype(np.int64)
    uniq = np.unique(group_member)
    id_rank = np.full(n, -1, dtype=np.int64)
    ranked = sorted(uniq.tolist(), key=lambda v: compiled.node_ids[v])
    id_rank[np.asarray(ranked, dtype=np.int64)] = np.arange(len(ranked), dtype=np.int64)
    return Couplings(
        group_ptr=group_ptr,
        group_member=group_member,
        group_flood=np.asarray(flood, dtype=np.bool_),
        node_ptr=node_ptr,
        node_group=pairs[:, 1].astype(np.int64).copy(),
        id_rank=id_rank,
    )


@njit(cache=True, nogil=True)
def _expand_common(
    case_ptr: NDArray[np.int64],
    case_node: NDArray[np.int64],
    case_time: NDArray[np.float64],
    case_cause: NDArray[np.int8],
    case_cnode: NDArray[np.int64],
    case_reach: NDArray[np.int8],
    group_ptr: NDArray[np.int64],
    group_member: NDArray[np.int64],
    group_flood: NDArray[np.bool_],
    node_ptr: NDArray[np.int64],
    node_group: NDArray[np.int64],
    id_rank: NDArray[np.int64],
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int8],
    NDArray[np.int64],
]:
    """Each case's failures followed by the members its hits take along, in the order and
    with the values ``_initial_arrays`` gives ``failures + common_cause_failures(...)``.
    ``case_reach`` per failure: bit 1 a flood hit (takes flood-zone members along), bit 2 a
    hit that damages (takes co-location and same-structure members along)."""
    n_nodes = node_ptr.shape[0] - 1
    n_groups = group_ptr.shape[0] - 1
    n_cases = case_ptr.shape[0] - 1
    pos = np.full(n_nodes, -1, dtype=np.int64)
    g_trig = np.full(n_groups, -1, dtype=np.int64)
    g_time = np.empty(n_groups)
    touched = np.empty(n_groups, dtype=np.int64)
    cap = case_node.shape[0] + 16
    o_node = np.empty(cap, dtype=np.int64)
    o_time = np.empty(cap)
    o_cause = np.empty(cap, dtype=np.int8)
    o_cnode = np.empty(cap, dtype=np.int64)
    o_ptr = np.zeros(n_cases + 1, dtype=np.int64)
    n = 0
    for c in range(n_cases):
        start = n
        n_t = 0
        for i in range(case_ptr[c], case_ptr[c + 1]):
            v = case_node[i]
            t = case_time[i]
            if n == cap:
                cap *= 2
                o_node = _grow_i(o_node, n, cap)
                o_time = _grow_f(o_time, n, cap)
                o_cause = _grow_i8(o_cause, n, cap)
                o_cnode = _grow_i(o_cnode, n, cap)
            j = pos[v]
            if j < 0:
                pos[v] = n
                o_node[n] = v
                o_time[n] = t
                o_cause[n] = case_cause[i]
                o_cnode[n] = case_cnode[i]
                n += 1
            elif t < o_time[j] or (t == o_time[j] and case_cause[i] < o_cause[j]):
                o_time[j] = t
                o_cause[j] = case_cause[i]
                o_cnode[j] = case_cnode[i]
            if case_cause[i] != C_EVENT and case_cause[i] != C_HAZARD:
                continue
            for gi in range(node_ptr[v], node_ptr[v + 1]):
                g = node_group[gi]
                if group_flood[g] and not case_reach[i] & 1:
                    continue
                if not group_flood[g] and not case_reach[i] & 2:
                    continue
                if g_trig[g] < 0:
                    touched[n_t] = g
                    n_t += 1
                    g_trig[g] = v
                    g_time[g] = t
                elif t < g_time[g] or (t == g_time[g] and id_rank[v] < id_rank[g_trig[g]]):
                    g_trig[g] = v
                    g_time[g] = t
        groups = np.sort(touched[:n_t])
        for gi in range(n_t):
            g = groups[gi]
            trig = g_trig[g]
            t = g_time[g]
            g_trig[g] = -1
            for j2 in range(group_ptr[g], group_ptr[g + 1]):
                m = group_member[j2]
                if m == trig:
                    continue
                if n == cap:
                    cap *= 2
                    o_node = _grow_i(o_node, n, cap)
                    o_time = _grow_f(o_time, n, cap)
                    o_cause = _grow_i8(o_cause, n, cap)
                    o_cnode = _grow_i(o_cnode, n, cap)
                j = pos[m]
                if j < 0:
                    pos[m] = n
                    o_node[n] = m
                    o_time[n] = t
                    o_cause[n] = C_COMMON
                    o_cnode[n] = trig
                    n += 1
                elif t < o_time[j] or (t == o_time[j] and o_cause[j] > C_COMMON):
                    o_time[j] = t
                    o_cause[j] = C_COMMON
                    o_cnode[j] = trig
        for i in range(start, n):
            pos[o_node[i]] = -1
        o_ptr[c + 1] = n
    return o_ptr, o_node[:n].copy(), o_time[:n].copy(), o_cause[:n].copy(), o_cnode[:n].copy()


@njit(cache=True, nogil=True)
def _grow_i(a: NDArray[np.int64], n: int, cap: int) -> NDArray[np.int64]:
    out = np.empty(cap, dtype=np.int64)
    out[:n] = a[:n]
    return out


@njit(cache=True, nogil=True)
def _grow_f(a: NDArray[np.float64], n: int, cap: int) -> NDArray[np.float64]:
    out = np.empty(cap)
    out[:n] = a[:n]
    return out


@njit(cache=True, nogil=True)
def _grow_i8(a: NDArray[np.int8], n: int, cap: int) -> NDArray[np.int8]:
    out = np.empty(cap, dtype=np.int8)
    out[:n] = a[:n]
    return out


@dataclass(frozen=True, eq=False)
class Cases:
    """Cases as arrays: per case ``case_ptr`` into per-failure ``node``, ``time``, ``cause``
    and ``cnode`` (the trigger of a common-cause failure, else -1)."""

    case_ptr: NDArray[np.int64]
    node: NDArray[np.int64]
    time: NDArray[np.float64]
    cause: NDArray[np.int8]
    cnode: NDArray[np.int64]


def with_common_causes(
    couplings: Couplings | None,
    case_ptr: NDArray[np.int64],
    case_node: NDArray[np.int64],
    *,
    case_time: NDArray[np.float64] | None = None,
    case_cause: NDArray[np.int8] | None = None,
    case_flood: NDArray[np.bool_] | None = None,
    case_damages: NDArray[np.bool_] | None = None,
) -> Cases:
    """Each case's failures plus the members of the couplings its hits take along, exactly
    as :func:`~vitaal.engine.hazard.initial_failures` adds
    :func:`~vitaal.engine.hazard.common_cause_failures` to a scenario's failures: a failure
    of cause ``EVENT`` or ``HAZARD`` of a member of a ``co_location``/``same_structure``
    coupling takes the other members along (at the earliest hit's time, cause
    ``COMMON_CAUSE``, trigger the hit member, ties: the smallest id); ``flood_zone``
    couplings only for failures flagged in ``case_flood`` (hits of a flood); co-location and
    same-structure members only for failures that damage (``case_damages``, default all: a
    hazard with ``damages: false`` in ``vitaal/data/hazards.yaml``, heat, only stops what
    reaches its limit); one step.
    Failures of one node: the earliest counts (ties: event, hazard, common cause), in the
    place of its first mention, as ``run_cascade`` reads its events. Defaults: time 0,
    cause ``EVENT``, no flood. O(failures + sum of the sizes of the couplings hit).
    """
    ptr = np.asarray(case_ptr, dtype=np.int64)
    node = np.asarray(case_node, dtype=np.int64)
    n_ev = int(node.shape[0])
    time = np.zeros(n_ev) if case_time is None else np.asarray(case_time, dtype=np.float64)
    cause = (
        np.full(n_ev, C_EVENT, dtype=np.int8)
        if case_cause is None
        else np.asarray(case_cause, dtype=np.int8)
    )
    cnode = np.full(n_ev, -1, dtype=np.int64)
    if couplings is None or couplings.n_groups == 0:
        return Cases(ptr, node, time, cause, cnode)
    flood = np.zeros(n_ev, dtype=np.bool_) if case_flood is None else np.asarray(case_flood)
    shared = np.ones(n_ev, dtype=np.bool_) if case_damages is None else np.asarray(case_damages)
    reach = (flood.astype(np.int8) | (shared.astype(np.int8) << 1)).astype(np.int8)
    o_ptr, o_node, o_time, o_cause, o_cnode = _expand_common(
        ptr,
        node,
        time,
        cause,
        cnode,
        reach,
        couplings.group_ptr,
        couplings.group_member,
        couplings.group_flood,
        couplings.node_ptr,
        couplings.node_group,
        couplings.id_rank,
    )
    return Cases(o_ptr, o_node, o_time, o_cause, o_cnode)


# -- the sweep --------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CriticalityResult:
    """Single failures (``singles``: one row per candidate, in candidate order) and, when
    asked, pairs among the top ones (``pairs``: one row per pair). ``rank`` orders the
    candidates from most to least critical: by impact class, then people affected,
    person-hours, critical functions lost, components failed, then node index."""

    horizon_h: float
    candidates: NDArray[np.int64]
    singles: CaseSummary
    rank: NDArray[np.int64]
    pair_nodes: NDArray[np.int64]
    pairs: CaseSummary | None
    pair_rank: NDArray[np.int64]


def rank_cases(summary: CaseSummary, tiebreak: NDArray[np.int64]) -> NDArray[np.int64]:
    """Case indices from most to least severe (see :class:`CriticalityResult`)."""
    i, f = summary.ints, summary.floats
    keys = (tiebreak, -i[:, 0], -i[:, 3], -f[:, 1], -i[:, 2], -i[:, 4])
    return np.lexsort(keys).astype(np.int64)


@dataclass(frozen=True, eq=False)
class CaseChunk:
    """A task: cases ``case_ptr`` (from 0) over ``case_node``, with per-event times, causes
    and common-cause triggers and per-case weights (``None``: time 0, ``EVENT``, no trigger,
    weight 1)."""

    case_ptr: NDArray[np.int64]
    case_node: NDArray[np.int64]
    case_time: NDArray[np.float64] | None = None
    case_cause: NDArray[np.int8] | None = None
    case_weight: NDArray[np.float64] | None = None
    case_cnode: NDArray[np.int64] | None = None

    @property
    def n_cases(self) -> int:
        return int(self.case_ptr.shape[0]) - 1


#: Runs chunks of cases and returns their summaries in chunk order.
Runner = Callable[[BatchArrays, list[CaseChunk], float], list[CaseSummary]]


def run_chunk(arrays: BatchArrays, chunk: CaseChunk, horizon_h: float) -> CaseSummary:
    """One task: the cascades of one chunk of cases."""
    return run_cases(
        arrays,
        chunk.case_ptr,
        chunk.case_node,
        horizon_h,
        case_time=chunk.case_time,
        case_cause=chunk.case_cause,
        case_weight=chunk.case_weight,
        case_cnode=chunk.case_cnode,
    )


def in_process_runner(
    threads: int = 1, progress: Callable[[int, int], None] | None = None
) -> Runner:
    """A runner in this process: chunks on ``threads`` threads (the kernels release the
    GIL), results in chunk order, so the outcome does not depend on ``threads``."""

    def run(arrays: BatchArrays, chunks: list[CaseChunk], horizon_h: float) -> list[CaseSummary]:
        done = 0
        if threads <= 1:
            out = []
            for ch in chunks:
                out.append(run_chunk(arrays, ch, horizon_h))
                done += 1
                if progress is not None:
                    progress(done, len(chunks))
            return out
        from concurrent.futures import ThreadPoolExecutor, as_completed

        results: dict[int, CaseSummary] = {}
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futs = {pool.submit(run_chunk, arrays, ch, horizon_h): i for i, ch in enumerate(chunks)}
            for fut in as_completed(futs):
                results[futs[fut]] = fut.result()
                if progress is not None:
                    progress(len(results), len(chunks))
        return [results[i] for i in range(len(chunks))]

    return run


def concat_summaries(parts: Sequence[CaseSummary], n_nodes: int) -> CaseSummary:
    """Chunks' summaries as one, per-node sums added in chunk order."""
    fail_w = np.zeros(n_nodes)
    ph_w = np.zeros(n_nodes)
    count = np.zeros(n_nodes, dtype=np.int64)
    for s in parts:
        fail_w += s.fail_weight
        ph_w += s.person_hours_weight
        count += s.fail_count
    return CaseSummary(
        ints=np.concatenate([s.ints for s in parts]) if parts else np.zeros((0, 7), np.int64),
        floats=np.concatenate([s.floats for s in parts]) if parts else np.zeros((0, 4)),
        systems=np.concatenate([s.systems for s in parts]) if parts else np.zeros(0, np.uint64),
        fail_weight=fail_w,
        person_hours_weight=ph_w,
        fail_count=count,
    )


def chunk_cases(
    case_ptr: NDArray[np.int64],
    case_node: NDArray[np.int64],
    chunk_size: int,
    *,
    case_time: NDArray[np.float64] | None = None,
    case_cause: NDArray[np.int8] | None = None,
    case_weight: NDArray[np.float64] | None = None,
    case_cnode: NDArray[np.int64] | None = None,
) -> list[CaseChunk]:
    """Split cases into chunks of ``chunk_size`` (each with its own ``case_ptr`` from 0).
    The chunks, not the workers, fix the order of every sum: the same chunks give the same
    result on any runner."""
    n = int(case_ptr.shape[0]) - 1
    out = []
    for a in range(0, n, max(chunk_size, 1)):
        b = min(n, a + chunk_size)
        lo, hi = int(case_ptr[a]), int(case_ptr[b])
        out.append(
            CaseChunk(
                case_ptr[a : b + 1] - lo,
                case_node[lo:hi].copy(),
                None if case_time is None else case_time[lo:hi].copy(),
                None if case_cause is None else case_cause[lo:hi].copy(),
                None if case_weight is None else case_weight[a:b].copy(),
                None if case_cnode is None else case_cnode[lo:hi].copy(),
            )
        )
    return out


def _chunks_of(cases: Cases, chunk_size: int) -> list[CaseChunk]:
    return chunk_cases(
        cases.case_ptr,
        cases.node,
        chunk_size,
        case_time=cases.time,
        case_cause=cases.cause,
        case_cnode=cases.cnode,
    )


def sweep_criticality(
    compiled: CompiledModel,
    table: ImpactTable,
    horizon_h: float,
    *,
    candidates: NDArray[np.int64] | None = None,
    pairs_top: int = 0,
    chunk_size: int = 2000,
    runner: Runner | None = None,
    load: NDArray[np.float64] | None = None,
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
    couplings: Couplings | None = None,
    restoration: CaseRestoration | None = None,
) -> CriticalityResult:
    """What the failure of each candidate at time 0 does within ``horizon_h``, ranked.

    Parameters
    ----------
    compiled, table
        The model and what impact is measured with (:func:`impact_table`).
    candidates
        Node indices to fail one at a time; default every component.
    pairs_top
        When > 0, also every pair among the ``pairs_top`` most critical candidates (N-2).
    chunk_size
        Candidates per task.
    runner
        Runs the chunks (default: in this process, one after the other; see
        :func:`in_process_runner` for threads, :mod:`vitaal.engine.distributed` for Dask).
    load, capacity, link_load
        As for :func:`~vitaal.engine.cascade.run_cascade`: with ``load`` every case follows
        the overload rule.
    couplings
        The model's couplings (:func:`coupling_index`): a failure (an event of kind
        ``failure``) takes the other members of its ``co_location`` and ``same_structure``
        couplings along, as :func:`~vitaal.engine.hazard.initial_failures` does.
    restoration
        Repair and restart times, degraded modes and loads
        (:func:`~vitaal.engine.process_cases.model_restoration`): each case runs through
        the process with restoration (``load``, ``capacity`` and ``link_load`` are then left
        out: the loads come with it).

    Each single failure gives exactly what ``run_cascade(compiled, failures, horizon_h,
    load=..., capacity=..., link_load=...)`` gives for ``failures`` the candidate's failure
    at 0 plus the members its couplings take along (``common_cause_failures``), summarised
    as ``assess_impact`` does; with ``restoration``, what ``run_process`` gives with the
    damage ``damage_of`` gives them, summarised as a scenario run summarises it.
    Complexity: O(sum over the candidates of their cone) time, O(N + P) memory per worker;
    with restoration, plus the process on each case's part.

    Examples
    --------
    >>> from vitaal.engine.synthetic import synthetic_city
    >>> city = synthetic_city(1000, seed=1)
    >>> cm = city.compile()
    >>> res = sweep_criticality(cm, city.impact_table(cm), 72.0)
    >>> cm.node_ids[int(res.candidates[res.rank[0]])].startswith("e-")
    True
    """
    if candidates is None:
        candidates = np.flatnonzero(compiled.node_kind == NodeKind.COMPONENT).astype(np.int64)
    cand = np.asarray(candidates, dtype=np.int64)
    if cand.size and (int(cand.min()) < 0 or int(cand.max()) >= compiled.n_nodes):
        raise ScenarioError("candidate node index out of range")
    arrays = batch_arrays(
        compiled, table, load=load, capacity=capacity, link_load=link_load,
        restoration=restoration,
    )  # fmt: skip
    run = runner if runner is not None else in_process_runner()
    ptr = np.arange(cand.size + 1, dtype=np.int64)
    singles = concat_summaries(
        run(arrays, _chunks_of(with_common_causes(couplings, ptr, cand), chunk_size), horizon_h),
        compiled.n_nodes,
    )
    rank = rank_cases(singles, cand)
    pair_nodes = np.zeros((0, 2), dtype=np.int64)
    pairs = None
    pair_rank = np.zeros(0, dtype=np.int64)
    if pairs_top > 0 and cand.size > 1:
        top = cand[rank[: min(pairs_top, cand.size)]]
        a, b = np.triu_indices(top.size, k=1)
        pair_nodes = np.stack([top[a], top[b]], axis=1).astype(np.int64)
        pptr = np.arange(0, 2 * len(pair_nodes) + 1, 2, dtype=np.int64)
        pcases = with_common_causes(couplings, pptr, pair_nodes.ravel())
        pairs = concat_summaries(
            run(arrays, _chunks_of(pcases, chunk_size), horizon_h), compiled.n_nodes
        )
        pair_rank = rank_cases(pairs, np.arange(len(pair_nodes), dtype=np.int64))
    return CriticalityResult(
        horizon_h=float(horizon_h),
        candidates=cand,
        singles=singles,
        rank=rank,
        pair_nodes=pair_nodes,
        pairs=pairs,
        pair_rank=pair_rank,
    )
