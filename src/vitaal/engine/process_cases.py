"""Many cases through the process with restoration: what criticality and ensembles report.

A case is a set of initial failures (a single failure of the criticality sweep, a sampled
hazard scenario of an ensemble, with the members of couplings they take along). Its figures
are those of :func:`~vitaal.engine.process.run_process` on the whole model with the damage a
scenario run gives it (:func:`~vitaal.engine.restoration.damage_of`: repair after an event
or after a hazard by the kind's times in ``restoration.yaml``, a common cause by the cause of
its trigger), the restart times, conditions (none hold: a batch case is a normal day) and
degraded modes of :func:`~vitaal.engine.restoration.process_inputs`, and the loads of
:func:`~vitaal.engine.restoration.load_inputs`; summarised as
:func:`~vitaal.method.impact.assess_impact` summarises a scenario run (people and
person-hours up to restoration, partial service, the replacement cost of what a hazard
destroyed beyond repair).

How, exactly and fast (``docs/engine.md``, "Restoration in the batches"):

1. **Screen.** Every case runs the compiled cascade without repair on the screening model
   (:func:`~vitaal.engine.bound_model.screen_model`) on its cone. Nothing is repaired there,
   conditions always hold, a degraded mode fails at once and every backup that could shed
   or trip does so as early as it could, so whatever is down, closed or without supply at
   some time in the process is so in this cascade too. The nodes it leaves untouched (never
   failed, every pair received throughout) work and deliver throughout the process.
2. **Cut out.** The case's part is what the screen touched and every consumer of it (whose
   moved load or share of an area depends on it); :func:`~vitaal.engine.cone_models.cone_union`
   lays the parts of a chunk of cases side by side, each with its boundary (suppliers from
   outside, delivering throughout) and, where a backup could shed or trip, stand-ins for its
   other consumers, so its own load is the full model's.
3. **Run** the process once on that union and summarise each case in compiled code
   (:func:`~vitaal.engine.impact_kernel.summarise_case`). A boundary node that went down
   would contradict step 1: it is reported as an error, never silently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from vitaal.engine._kernels import C_COMMON, C_HAZARD
from vitaal.engine.bound_model import screen_model, unsafe_backups
from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import CompiledModel
from vitaal.engine.cone_models import (
    CONE,
    ConeUnion,
    GraphArrays,
    cone_union,
    graph_arrays,
    union_scratch,
)
from vitaal.engine.criticality import _cone_cascade
from vitaal.engine.impact_kernel import TableArrays, summarise_case
from vitaal.engine.process import run_process
from vitaal.engine.process_result import Damage, LoadInputs, ProcessInputs
from vitaal.engine.restoration import (
    Restoration,
    load_inputs,
    process_inputs,
    restoration_times,
)
from vitaal.errors import VitaalError
from vitaal.model import Model, Scenario

__all__ = [
    "CaseRestoration",
    "RestoredArrays",
    "case_restoration",
    "model_restoration",
    "restored_arrays",
    "run_restored_cases",
]


@dataclass(frozen=True, eq=False)
class CaseRestoration:
    """What the process needs for a batch case besides its failures, per node and pair of
    the compiled model: the repair time after an event (``repair_h``) and after a hazard
    (``hazard_repair_h``), ``inf`` where not repaired; and the process inputs (restart
    times, the requirements' conditions, which do not hold, degraded modes, loads)."""

    repair_h: NDArray[np.float64]
    hazard_repair_h: NDArray[np.float64]
    inputs: ProcessInputs
    #: consecutive cases that share one run of the process (their parts side by side), at
    #: most this many and ...
    cases_per_run: int = 256
    #: ... with at most this many nodes in their parts together (a case larger than this
    #: runs on its own)
    nodes_per_run: int = 16384


def case_restoration(
    compiled: CompiledModel,
    kinds: Sequence[str | None],
    inputs: ProcessInputs | None = None,
    restoration: Restoration | None = None,
) -> CaseRestoration:
    """Repair times by each node's kind (``kinds``, ``None`` for a consumer; the times of
    ``restoration.yaml`` or ``restoration``) and ``inputs`` (default: restart times by kind,
    no conditions, degraded modes or loads). A consumer is never damaged by a batch case;
    its times are the default's."""
    rest = restoration or restoration_times()
    repair = np.array([rest.repair_h(k, hazard=False) for k in kinds], dtype=np.float64)
    hazard = np.array([rest.repair_h(k, hazard=True) for k in kinds], dtype=np.float64)
    if inputs is None:
        restart = np.array(
            [rest.restart_h(k) if k is not None else 0.0 for k in kinds], dtype=np.float64
        )
        inputs = ProcessInputs(restart, np.full(compiled.n_pairs, -1, dtype=np.int64))
    return CaseRestoration(repair, hazard, inputs)


def model_restoration(
    model: Model,
    compiled: CompiledModel,
    load: NDArray[np.float64] | None = None,
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
    restoration: Restoration | None = None,
) -> CaseRestoration:
    """The :class:`CaseRestoration` of ``model`` as a scenario run has it on a normal day:
    repair and restart times by kind, the requirements' conditions (none holds) and degraded
    modes (:func:`~vitaal.engine.restoration.process_inputs`) and, with ``load`` (and
    ``capacity``, ``link_load``, as :func:`~vitaal.engine.restoration.load_inputs` takes
    them), the loads, overload rules and shedding priorities."""
    loads = None
    if load is not None:
        loads = load_inputs(model, compiled, load, capacity, link_load, restoration)
    inputs = process_inputs(model, compiled, _NORMAL_DAY, restoration, loads=loads)
    kinds = [
        model.components[nid].kind if nid in model.components else None for nid in compiled.node_ids
    ]
    return case_restoration(compiled, kinds, inputs, restoration)


#: A scenario that names no condition: a batch case is a normal day.
_NORMAL_DAY = Scenario(id="normal-day", name="A normal day")


@dataclass(frozen=True, eq=False)
class RestoredArrays:
    """What the workers of a batch with restoration need beside the batch arrays (no id
    mappings: cheap to pickle): the model's graph, the screening model's graph and watch
    groups (:class:`~vitaal.engine.bound_model.ScreenModel`), the restoration, and the pairs
    that keep their own load at a boundary (backups that could shed or trip)."""

    graph: GraphArrays
    screen: GraphArrays
    watch: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64],
                 NDArray[np.int64], NDArray[np.int64]]  # fmt: skip
    restoration: CaseRestoration
    keep_own: NDArray[np.bool_]


def restored_arrays(compiled: CompiledModel, restoration: CaseRestoration) -> RestoredArrays:
    """The :class:`RestoredArrays` of ``compiled`` with ``restoration``."""
    loads = restoration.inputs.loads
    keep = np.zeros(compiled.n_pairs, dtype=np.bool_)
    if loads is not None:
        keep = unsafe_backups(compiled, loads)
    sm = screen_model(compiled, loads)
    return RestoredArrays(
        graph=graph_arrays(compiled),
        screen=graph_arrays(sm.compiled),
        watch=(sm.target_ptr, sm.target, sm.watch_ptr, sm.watch, sm.pair_ptr, sm.pair_group),
        restoration=restoration,
        keep_own=keep,
    )


# -- 1. screen: the part each case can touch ---------------------------------------------------
@njit(cache=True, nogil=True)
def _screen_case(
    screen: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int8],
        NDArray[np.bool_],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
    ],
    watch: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
    ],
    failures: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int8], NDArray[np.int64]],
    horizon: float,
    scratch: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """The screening cascade of one case: its failures, then every watch group whose watched
    pairs stopped delivering taken down at the earliest such time, again until nothing
    more is taken down. Returns the cone's nodes and pairs with the nodes' fail times and
    the pairs' receive times. ``scratch``: the cone kernel's (node and pair maps filled with
    -1, a queue) and per group its time (``inf``, left so)."""
    (pair_node, pair_res, role, required, k, buf, aut, node_ptr, out_ptr, out_dst,
     sout_ptr, sout_dst, in_ptr, in_src) = screen  # fmt: skip
    t_ptr, target, _w_ptr, _w, p_ptr, p_group = watch
    node, time, cause, cnode = failures
    g2l_node, g2l_pair, qn, g_time = scratch
    n_screen = node_ptr.shape[0] - 1
    touched = np.empty(0, dtype=np.int64)
    while True:
        nodes, pairs, fail, _o, _ca, _cn, _cv, _cr, recv, send = _cone_cascade(
            n_screen, pair_node, pair_res, role, required, k, buf, aut, node_ptr, out_ptr,
            out_dst, sout_ptr, sout_dst, in_ptr, in_src, node, time, cause, cnode, horizon,
            g2l_node, g2l_pair, qn, False,
        )  # fmt: skip
        # when each pair of the cone stops delivering, and the groups that watch it
        found = np.empty(0, dtype=np.int64)
        earlier = False
        if p_group.shape[0]:
            n_f = 0
            found = np.empty(pairs.shape[0] + 1, dtype=np.int64)
            q = 0
            for i in range(nodes.shape[0]):
                v = nodes[i]
                while q < pairs.shape[0] and pair_node[pairs[q]] == v:
                    p = pairs[q]
                    stop = fail[i]
                    if required[p] and send[q] < stop:
                        stop = send[q]
                    if stop <= horizon:
                        for j in range(p_ptr[p], p_ptr[p + 1]):
                            g = p_group[j]
                            if stop < g_time[g]:
                                earlier = True
                                if g_time[g] == np.inf:
                                    if n_f == found.shape[0]:
                                        grown = np.empty(2 * n_f, dtype=np.int64)
                                        grown[:n_f] = found
                                        found = grown
                                    found[n_f] = g
                                    n_f += 1
                                g_time[g] = stop
                    q += 1
            found = found[:n_f]
        touched = np.concatenate((touched, found))
        if not earlier:
            break
        # again, with the groups' targets down at their times (earlier ones win)
        n_new = 0
        for g in touched:
            n_new += t_ptr[g + 1] - t_ptr[g]
        base = failures[0].shape[0]
        node = np.empty(base + n_new, dtype=np.int64)
        time = np.empty(base + n_new)
        cause = np.empty(base + n_new, dtype=np.int8)
        cnode = np.full(base + n_new, -1, dtype=np.int64)
        node[:base] = failures[0]
        time[:base] = failures[1]
        cause[:base] = failures[2]
        cnode[:base] = failures[3]
        j = base
        for g in touched:
            for t in range(t_ptr[g], t_ptr[g + 1]):
                node[j] = target[t]
                time[j] = g_time[g]
                cause[j] = 1
                j += 1
    for g in touched:
        g_time[g] = np.inf
    return nodes, pairs, fail, recv


@njit(cache=True, nogil=True)
def _touched_parts(
    screen: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int8],
        NDArray[np.bool_],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
    ],
    watch: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
    ],
    real: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.bool_],
    ],
    cases: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.int8],
        NDArray[np.int64],
    ],
    horizon: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per case, the nodes of the model it can touch (ascending): those the screening
    cascade (:func:`_screen_case`) fails or leaves without a resource at some time, every
    consumer of them, and, through the resources ``follow`` marks (the hindrance services:
    a consumer that goes by a detour hinders what it serves), their consumers in turn.
    ``real``: ``node_ptr``, ``pair_node``, ``out_ptr``, ``out_dst``, ``pair_resource`` of the
    model (whose nodes come first in the screening model) and ``follow`` per resource."""
    pair_node, node_ptr = screen[0], screen[7]
    r_node_ptr, r_pair_node, r_out_ptr, r_out_dst, r_pair_res, follow = real
    case_ptr, case_node, case_time, case_cause, case_cnode = cases
    n_screen = node_ptr.shape[0] - 1
    n_real = r_node_ptr.shape[0] - 1
    scratch = (
        np.full(n_screen, -1, dtype=np.int64),
        np.full(pair_node.shape[0], -1, dtype=np.int64),
        np.empty(n_screen, dtype=np.int64),
        np.full(watch[0].shape[0] - 1, np.inf),
    )
    mark = np.zeros(n_real, dtype=np.bool_)
    found = np.empty(n_real, dtype=np.int64)
    n_cases = case_ptr.shape[0] - 1
    o_ptr = np.zeros(n_cases + 1, dtype=np.int64)
    o_node = np.empty(1024, dtype=np.int64)
    n_out = 0
    for c in range(n_cases):
        lo, hi = case_ptr[c], case_ptr[c + 1]
        failures = (case_node[lo:hi], case_time[lo:hi], case_cause[lo:hi], case_cnode[lo:hi])
        nodes, pairs, fail, recv = _screen_case(screen, watch, failures, horizon, scratch)
        n_t = 0
        for i in range(nodes.shape[0]):
            v = nodes[i]
            if v < n_real and math.isfinite(fail[i]) and not mark[v]:
                mark[v] = True
                found[n_t] = v
                n_t += 1
        for q in range(pairs.shape[0]):
            v = pair_node[pairs[q]]
            if v < n_real and math.isfinite(recv[q]) and not mark[v]:
                mark[v] = True
                found[n_t] = v
                n_t += 1
        n_touched = n_t
        i = 0
        while i < n_t:
            v = found[i]
            for p in range(r_node_ptr[v], r_node_ptr[v + 1]):
                if i >= n_touched and not follow[r_pair_res[p]]:
                    continue
                for j in range(r_out_ptr[p], r_out_ptr[p + 1]):
                    u = r_pair_node[r_out_dst[j]]
                    if not mark[u]:
                        mark[u] = True
                        found[n_t] = u
                        n_t += 1
            i += 1
        part = np.sort(found[:n_t])
        if o_node.shape[0] < n_out + n_t:
            grown = np.empty(max(2 * o_node.shape[0], n_out + n_t), dtype=np.int64)
            grown[:n_out] = o_node[:n_out]
            o_node = grown
        for i in range(n_t):
            o_node[n_out + i] = part[i]
            mark[part[i]] = False
        n_out += n_t
        o_ptr[c + 1] = n_out
    return o_ptr, o_node[:n_out].copy()


def touched_parts(
    arrays: RestoredArrays,
    failures: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int8],
                    NDArray[np.int64]],
    horizon_h: float,
    follow: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:  # fmt: skip
    """Per case, the nodes it can touch (see :func:`_touched_parts`; ``follow``: per resource,
    whether a detour in it hinders what it serves), as ``(ptr, nodes)``."""
    s, g = arrays.screen, arrays.graph
    if follow is None:
        follow = np.zeros(max(len(g.resource_ids), 1), dtype=np.bool_)
    return _touched_parts(
        (s.pair_node, s.pair_resource, s.pair_role, s.pair_required, s.pair_k,
         s.pair_buffer_h, s.pair_autonomy_h, s.node_ptr, s.out_ptr, s.out_dst, s.store_out_ptr,
         s.store_out_dst, s.in_ptr, s.in_src),
        arrays.watch,
        (g.node_ptr, g.pair_node, g.out_ptr, g.out_dst, g.pair_resource, follow),
        failures,
        float(horizon_h),
    )  # fmt: skip


# -- 2. and 3. cut out, run, summarise ---------------------------------------------------------
def _union_inputs(u: ConeUnion, rest: CaseRestoration) -> ProcessInputs:
    """The full model's process inputs on the pairs, links and nodes of ``u``: a case's
    part keeps its restart times, conditions and degraded modes; boundary nodes and
    stand-ins need none."""
    sub = u.compiled
    full = rest.inputs
    inner_node = u.flag == CONE
    restart = np.zeros(sub.n_nodes)
    restart[inner_node] = full.restart_h[u.node[inner_node]]
    inner = inner_node[sub.pair_node]
    fp = u.pair[inner]
    cond = np.full(sub.n_pairs, -1, dtype=np.int64)
    cond[inner] = full.pair_condition[fp]
    deg_h = np.zeros(sub.n_pairs)
    deg_s = np.ones(sub.n_pairs)
    if full.pair_degraded_h is not None:
        deg_h[inner] = full.pair_degraded_h[fp]
    if full.pair_degraded_share is not None:
        deg_s[inner] = full.pair_degraded_share[fp]
    loads = None
    if full.loads is not None:
        ld = full.loads
        real = u.pair >= 0
        cap = np.full(sub.n_pairs, np.nan)
        cap[real] = ld.capacity[u.pair[real]]
        mode = np.zeros(sub.n_pairs, dtype=ld.mode.dtype)
        mode[real] = ld.mode[u.pair[real]]
        prio = np.full(sub.n_pairs, np.iinfo(np.int64).max, dtype=np.int64)
        prio[real] = ld.priority[u.pair[real]]
        loads = LoadInputs(ld.flow[u.link], cap, mode, prio)
    # conditions never hold in a batch case (a normal day): no intervals
    conditions = tuple(() for _ in full.conditions)
    return ProcessInputs(restart, cond, conditions, deg_h, deg_s, loads)


@njit(cache=True, nogil=True)
def _damage_arrays(
    union: tuple[NDArray[np.int64], NDArray[np.int64]],
    cases: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.int8],
        NDArray[np.int64],
    ],
    repair: tuple[NDArray[np.float64], NDArray[np.float64]],
    horizon: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """Per failure: its node in the union (-1 after the horizon), its trigger's (-1: none),
    its repair time and whether it destroys (see :func:`_damage`)."""  # fmt: skip
    node_ptr, node = union
    case_ptr, case_node, case_time, case_cause, case_cnode = cases
    repair_h, hazard_repair_h = repair
    n = case_node.shape[0]
    here = np.full(n, -1, dtype=np.int64)
    trig = np.full(n, -1, dtype=np.int64)
    rep = np.empty(n)
    gone = np.zeros(n, dtype=np.bool_)
    for c in range(case_ptr.shape[0] - 1):
        a = node_ptr[c]
        b = a
        while b < node_ptr[c + 1] and node[b] >= 0:  # the stand-ins come last
            b += 1
        real = node[a:b]
        for i in range(case_ptr[c], case_ptr[c + 1]):
            cause = case_cause[i]
            by = cause
            t = case_cnode[i]
            if cause == C_COMMON:
                for j in range(case_ptr[c], case_ptr[c + 1]):
                    if case_node[j] == t:
                        by = case_cause[j]
            v = case_node[i]
            rep[i] = hazard_repair_h[v] if by == C_HAZARD else repair_h[v]
            gone[i] = cause in (C_HAZARD, C_COMMON) and not rep[i] < np.inf
            if case_time[i] <= horizon:
                here[i] = a + np.searchsorted(real, v)
                if t >= 0:
                    trig[i] = a + np.searchsorted(real, t)
    return here, trig, rep, gone


def _damage(
    u: ConeUnion,
    rest: CaseRestoration,
    cases: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int8],
                 NDArray[np.int64]],
    horizon_h: float,
) -> tuple[list[Damage], NDArray[np.bool_]]:  # fmt: skip
    """The damage of every case on its copy, as :func:`~vitaal.engine.restoration.damage_of`
    gives it for the case's failures (repair after an event or a hazard by the target's
    kind; a common cause by the cause of its trigger), and per node of ``u`` whether it was
    destroyed (a hazard or a common cause without repair). Damage after the horizon is left
    out: the process never reaches it."""
    here, trig, rep, gone = _damage_arrays(
        (u.node_ptr, u.node), cases, (rest.repair_h, rest.hazard_repair_h), float(horizon_h)
    )
    ids = u.compiled.node_ids
    keep = here >= 0
    destroyed = np.zeros(u.compiled.n_nodes, dtype=np.bool_)
    destroyed[here[keep & gone]] = True
    causes = [CauseCode(int(c)) for c in range(4)]
    out = [
        Damage(ids[v], t, r, causes[c], ids[g] if g >= 0 else None)
        for v, t, r, c, g in zip(
            here[keep].tolist(), cases[2][keep].tolist(), rep[keep].tolist(),
            cases[3][keep].tolist(), trig[keep].tolist(), strict=True,
        )
    ]  # fmt: skip
    return out, destroyed


@njit(cache=True, nogil=True)
def _summarise_union(
    union: tuple[
        NDArray[np.int64], NDArray[np.int64], NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]
    ],
    result: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]],
    graph: tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]],
    table: TableArrays,
    scalars: tuple[float, float, bool, float],
    rows: tuple[NDArray[np.float64], int],
    out: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.uint64]],
    acc: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]],
) -> int:
    """Summarise every case of the union (its part's nodes; boundary nodes and stand-ins
    are the outside, which the case does not touch). Returns the first node of a boundary
    that went down (-1: none), which the screen rules out. ``rows``: the cases' weights and
    the row of the first case in ``out``."""
    node_ptr, node, flag, sub_node_ptr, pair_full = union
    fail, destroyed, hours, share = result
    min_outage, value_job_hour, has_hindrance, horizon = scalars
    weight, first_row = rows
    n_res = graph[2].max() + 1 if graph[2].shape[0] else 1
    scratch = (np.zeros(n_res), np.zeros(n_res))
    bad = -1
    for c in range(node_ptr.shape[0] - 1):
        a, b = node_ptr[c], node_ptr[c + 1]
        n_in = 0
        n_p = 0
        for i in range(a, b):
            if flag[i] == 1:
                n_in += 1
                n_p += sub_node_ptr[i + 1] - sub_node_ptr[i]
            elif math.isfinite(fail[i]) and bad < 0:
                bad = i
        nodes = np.empty(n_in, dtype=np.int64)
        f = np.empty(n_in)
        d = np.empty(n_in, dtype=np.bool_)
        pairs = np.empty(n_p, dtype=np.int64)
        h = np.empty(n_p)
        s = np.empty(n_p)
        j = 0
        q = 0
        for i in range(a, b):
            if flag[i] != 1:
                continue
            nodes[j] = node[i]
            f[j] = fail[i]
            d[j] = destroyed[i]
            j += 1
            for p in range(sub_node_ptr[i], sub_node_ptr[i + 1]):
                pairs[q] = pair_full[p]
                h[q] = hours[p]
                s[q] = share[p]
                q += 1
        summarise_case(
            (nodes, f, d, pairs, h, s), graph, table,
            (min_outage, value_job_hour, has_hindrance, horizon, weight[c]), first_row + c, out,
            acc,
            scratch,
        )  # fmt: skip
    return bad


def run_restored_cases(
    arrays: RestoredArrays,
    table: tuple[TableArrays, tuple[float, float, bool]],
    cases: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.int8],
        NDArray[np.int64],
        NDArray[np.float64],
    ],
    horizon_h: float,
    out: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.uint64]],
    acc: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]],
) -> None:
    """Run cases ``(case_ptr, node, time, cause, cnode, weight)`` through the process and
    write their summaries into ``out`` and the per-node sums into ``acc`` (see
    :class:`~vitaal.engine.criticality.CaseSummary`), in case order. ``table``: the impact
    table's arrays as :func:`~vitaal.engine.impact_kernel.summarise_case` takes them, and
    its min outage, value per job-hour and whether hindrance is a criterion.

    Consecutive cases share one run of the process, up to ``cases_per_run`` of them and
    ``nodes_per_run`` nodes of their parts (:class:`CaseRestoration`)."""
    case_ptr, case_node, case_time, case_cause, case_cnode, weight = cases
    failures = (case_ptr, case_node, case_time, case_cause, case_cnode)
    part_ptr, part = touched_parts(arrays, failures, horizon_h, table[0][5] > 0)
    rest = arrays.restoration
    n_cases = int(case_ptr.shape[0]) - 1
    scratch = union_scratch(arrays.graph)
    a = 0
    while a < n_cases:
        b = a + 1
        while (
            b < n_cases
            and b - a < rest.cases_per_run
            and part_ptr[b + 1] - part_ptr[a] <= rest.nodes_per_run
        ):
            b += 1
        group = (failures, weight, part_ptr, part)
        _run_group(arrays, table, (a, b), group, horizon_h, (out, acc), scratch)
        a = b


def _run_group(
    arrays: RestoredArrays,
    table: tuple[TableArrays, tuple[float, float, bool]],
    span: tuple[int, int],
    cases: tuple[
        tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int8],
              NDArray[np.int64]],
        NDArray[np.float64],
        NDArray[np.int64],
        NDArray[np.int64],
    ],
    horizon_h: float,
    into: tuple[
        tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.uint64]],
        tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]],
    ],
    scratch: tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]],
) -> None:  # fmt: skip
    """Cases ``span`` (first, end) in one run of the process on their parts side by side;
    their summaries and per-node sums ``into`` (out, acc)."""
    out, acc = into
    a, b = span
    (case_ptr, case_node, case_time, case_cause, case_cnode), weight, part_ptr, part = cases
    lo, hi = int(case_ptr[a]), int(case_ptr[b])
    failures = (
        case_ptr[a : b + 1] - lo, case_node[lo:hi], case_time[lo:hi], case_cause[lo:hi],
        case_cnode[lo:hi],
    )  # fmt: skip
    p_lo = int(part_ptr[a])
    g_ptr, g_part = part_ptr[a : b + 1] - p_lo, part[p_lo : int(part_ptr[b])]
    u = cone_union(arrays.graph, g_ptr, g_part, arrays.keep_own, scratch)
    damage, destroyed = _damage(u, arrays.restoration, failures, horizon_h)
    res = run_process(u.compiled, damage, horizon_h, _union_inputs(u, arrays.restoration))
    arrays_t, (min_outage, value, has_h) = table
    g = arrays.graph
    bad = _summarise_union(
        (u.node_ptr[: b - a + 1], u.node, u.flag, u.compiled.node_ptr, u.pair),
        (res.fail_time, destroyed, res.service_hours(arrays_t[5] > 0), _share(res)),
        (g.node_kind, g.pair_node, g.pair_resource),
        arrays_t,
        (min_outage, value, has_h, float(horizon_h)),
        (weight[a:b], a),
        out,
        acc,
    )
    if bad >= 0:
        raise VitaalError(
            "internal: a node outside what the screen found went down in the process "
            f"(node {int(u.node[bad])}); the screen must cover every case"
        )


def _share(res: object) -> NDArray[np.float64]:
    share = getattr(res, "share_peak", None)
    if share is None:
        raise VitaalError("internal: the process gave no shares of areas")
    return np.asarray(share, dtype=np.float64)
