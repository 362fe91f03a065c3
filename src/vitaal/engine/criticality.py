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
The overload rule (``load``) is not part of a batch: a moved load reaches backups outside
the cone.

The impact of each case is summarised in compiled code exactly as
:func:`vitaal.method.impact.assess_impact` computes it (people affected, person-hours,
critical functions lost, economic loss, the A-E classes on the thresholds of
``vitaal/data/impact.yaml``), from an :class:`ImpactTable`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from vitaal.catalog import load_data
from vitaal.engine._kernels import C_EVENT, C_HAZARD, PRODUCER, sweep
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.causes import InitialFailure
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.errors import ScenarioError
from vitaal.model import Model

__all__ = [
    "CLASSES",
    "CRITERIA",
    "BatchArrays",
    "CaseChunk",
    "CaseSummary",
    "CriticalityResult",
    "ImpactTable",
    "Runner",
    "batch_arrays",
    "chunk_cases",
    "concat_summaries",
    "cone_cascade",
    "impact_table",
    "in_process_runner",
    "rank_cases",
    "run_cases",
    "run_chunk",
    "sweep_criticality",
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
_C_COMMON = 3


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
    """The arrays a batch of cascades runs on: the compiled model's graph and the impact
    table, without id mappings (cheap to pickle and to send to a cluster once)."""

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


def batch_arrays(compiled: CompiledModel, table: ImpactTable) -> BatchArrays:
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
    with -1 (left so); ``qn`` scratch of length n_nodes.
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
    no_link = np.zeros(0, dtype=np.int64)  # links and loads are not read without loads
    sweep(
        n_ln,
        l_pair_node,
        l_pair_res,
        l_role,
        l_req,
        l_k,
        l_buf,
        l_aut,
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
        l_init,
        init_time,
        init_cause,
        l_cnode,
        horizon,
        False,
        np.zeros(0),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0),
        fail,
        order,
        cause,
        cause_node,
        cause_via,
        cause_res,
        recv,
        supply_end,
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
def _class_of(value: float, bounds: NDArray[np.float64], row: int) -> int:
    c = 0
    for j in range(4):
        if value >= bounds[row, j]:
            c += 1
    return c


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
    population: NDArray[np.int64],
    jobs: NDArray[np.int64],
    cf_floor: NDArray[np.int64],
    node_system: NDArray[np.int64],
    cost: NDArray[np.float64],
    hindrance: NDArray[np.bool_],
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
    ph = np.zeros(n_res)
    hh = np.zeros(n_res)
    for c in range(case_ptr.shape[0] - 1):
        lo, hi = case_ptr[c], case_ptr[c + 1]
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
        )
        w = case_weight[c]
        n_comp = 0
        n_cons = 0
        n_cf = 0
        floor = 0
        affected = 0
        job_hours = 0.0
        damage = 0.0
        systems = np.uint64(0)
        ph[:] = 0.0
        hh[:] = 0.0
        q = 0
        for i in range(nodes.shape[0]):
            v = nodes[i]
            failed = math.isfinite(fail[i])
            kind = node_kind[v]
            if failed:
                acc_fail[v] += w
                acc_count[v] += 1
                if kind == 0:
                    n_comp += 1
                    s = node_system[v]
                    if s >= 0 and s < 64:
                        systems |= np.uint64(1) << np.uint64(s)
                else:
                    n_cons += 1
                if kind == 2 and fail[i] < horizon:
                    n_cf += 1
                    floor = max(floor, cf_floor[v])
                if kind == 0 and (cause[i] == C_HAZARD or cause[i] == _C_COMMON):
                    damage += cost[v]
            # the area's services, as assess_impact reads them (pairs in resource order)
            worst = 0.0
            while q < pairs.shape[0] and pair_node[pairs[q]] == v:
                if kind == 1:
                    p = pairs[q]
                    e = send[q]
                    start = (np.inf if np.isnan(e) else e) + buf[p]
                    if math.isfinite(start) and start < horizon:
                        hours = horizon - start
                        r = pair_res[p]
                        if hindrance[r]:
                            hh[r] += population[v] * hours
                        else:
                            ph[r] += population[v] * hours
                            worst = max(worst, hours)
                q += 1
            if kind == 1:
                if worst >= min_outage:
                    affected += population[v]
                job_hours += jobs[v] * worst
                if worst > 0.0:
                    acc_ph[v] += w * (population[v] * worst)
        # people by service decides nothing numeric; person-hours: the largest service
        top_ph = 0.0
        total_ph = 0.0
        for r in range(n_res):
            top_ph = max(top_ph, ph[r])
            total_ph += ph[r]
        top_hh = 0.0
        for r in range(n_res):
            top_hh = max(top_hh, hh[r])
        economic = job_hours * value_job_hour + damage
        cls = np.zeros(5, dtype=np.int64)
        cls[0] = _class_of(float(affected), bounds, 0)
        cls[1] = _class_of(top_ph, bounds, 1)
        cls[2] = _class_of(top_hh, bounds, 2) if has_hindrance else 0
        cls[3] = max(_class_of(float(n_cf), bounds, 3), floor)
        cls[4] = _class_of(economic, bounds, 4)
        overall = 0
        decisive = 0
        for j in range(5):
            if cls[j] > overall:
                overall = cls[j]
                decisive = j
        out_i[c, 0] = n_comp
        out_i[c, 1] = n_cons
        out_i[c, 2] = affected
        out_i[c, 3] = n_cf
        out_i[c, 4] = overall
        out_i[c, 5] = decisive
        out_i[c, 6] = nodes.shape[0]
        out_f[c, 0] = top_ph
        out_f[c, 1] = total_ph
        out_f[c, 2] = top_hh
        out_f[c, 3] = economic
        out_sys[c] = systems


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
    (0/1), and times the area's population x its longest outage (h) within the horizon;
    ``fail_count``: per node, the number of cases it fails in.
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
) -> CaseSummary:
    """Run the cascades of many cases in one compiled call and summarise each.

    Case ``c`` fails nodes ``case_node[case_ptr[c]:case_ptr[c + 1]]`` at ``case_time`` (default
    0) with ``case_cause`` (default ``EVENT``); one node at most once per case. O(sum over
    cases of the cone size). Releases the GIL (threads can run chunks side by side).
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
        t.population,
        t.jobs,
        t.cf_floor,
        t.node_system,
        t.replacement_cost_eur,
        t.hindrance if t.hindrance.size else np.zeros(1, dtype=np.bool_),
        t.min_outage_h,
        t.value_per_job_hour_eur,
        t.bounds,
        t.has_hindrance,
        np.asarray(case_ptr, dtype=np.int64),
        np.asarray(case_node, dtype=np.int64),
        times,
        causes,
        np.full(n_ev, -1, dtype=np.int64),
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
    compiled: CompiledModel, events: Sequence[InitialFailure], horizon_h: float
) -> CascadeResult:
    """:func:`~vitaal.engine.cascade.run_cascade` (without loads) computed on the cone of
    ``events`` only: the same result, in O(cone) after O(N + P) to set up the output.

    The batch runs each case this way; the function exists to show (and test) that a case's
    outcome is the full cascade's, node by node.
    """
    from vitaal.engine.cascade import _initial_arrays

    if not (horizon_h >= 0 and not math.isnan(horizon_h)):
        raise ScenarioError(f"horizon_h must be a number of hours >= 0, not {horizon_h!r}")
    init_node, init_time, init_cause, init_cnode = _initial_arrays(compiled, events)
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
    if keep.any():
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
        )
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
    )


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
    """A task: cases ``case_ptr`` (from 0) over ``case_node``, with per-event times and
    causes and per-case weights (``None``: time 0, ``EVENT``, weight 1)."""

    case_ptr: NDArray[np.int64]
    case_node: NDArray[np.int64]
    case_time: NDArray[np.float64] | None = None
    case_cause: NDArray[np.int8] | None = None
    case_weight: NDArray[np.float64] | None = None

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
            )
        )
    return out


def sweep_criticality(
    compiled: CompiledModel,
    table: ImpactTable,
    horizon_h: float,
    *,
    candidates: NDArray[np.int64] | None = None,
    pairs_top: int = 0,
    chunk_size: int = 2000,
    runner: Runner | None = None,
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

    Each single failure gives exactly what ``run_cascade(compiled, [InitialFailure(c, 0)],
    horizon_h)`` gives, summarised as ``assess_impact`` does. Complexity: O(sum over the
    candidates of their cone) time, O(N + P) memory per worker.

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
    arrays = batch_arrays(compiled, table)
    run = runner if runner is not None else in_process_runner()
    ptr = np.arange(cand.size + 1, dtype=np.int64)
    singles = concat_summaries(
        run(arrays, chunk_cases(ptr, cand, chunk_size), horizon_h), compiled.n_nodes
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
        pairs = concat_summaries(
            run(arrays, chunk_cases(pptr, pair_nodes.ravel(), chunk_size), horizon_h),
            compiled.n_nodes,
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
