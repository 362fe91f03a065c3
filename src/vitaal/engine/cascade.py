"""The timed cascade: from initial failures to the failure time, cause and order of every node.

The semantics are those of ``design.md``, "The cascade semantics"; ``docs/engine.md`` states
them as implemented, with worked examples, the algorithm and the capacity (overload) rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vitaal.engine._kernels import (
    Case,
    Loads,
    Outputs,
    Scratch,
    scratch_sizes,
    sweep_core,
)
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.engine.layout import (
    give_back_scratch,
    identity_maps,
    laid_out,
    supply_graph,
    take_scratch,
    untouched_pairs,
)
from vitaal.errors import ScenarioError

__all__ = ["CascadeResult", "ChainStep", "load_arrays", "run_cascade"]


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One link of a causal chain: ``node`` failed at ``time_h`` because of ``cause``; for a
    cascade failure, ``resource`` is the requirement that was no longer met (or the resource
    of the overload) and ``via`` the supplier through which the loss arrived."""

    node: str
    time_h: float
    order: int
    cause: CauseCode
    resource: str | None
    via: str | None


@dataclass(frozen=True, slots=True, eq=False)
class CascadeResult:
    """What a cascade did, as arrays indexed by node (or by pair of the compiled model).

    Attributes
    ----------
    node_ids, node_index, node_kind, resource_ids
        The id mappings of the compiled model.
    horizon_h
        Times beyond it are reported as ``inf``.
    fail_time
        When each node stops working (``inf``: not within the horizon).
    order
        1 for initial failures, ``n + 1`` for a failure caused by one of order ``n``; 0 when
        the node did not fail.
    cause
        :class:`CauseCode` values.
    cause_node
        For cascade failures the failed node that set the failure off (the failed supplier,
        the node whose failure cut the path, the node whose failure cut the store off its
        producers, the failed primary of an overload); for common-cause failures the member
        that was hit; -1 otherwise.
    cause_via
        For cascade failures the supplier through which the loss arrived (for ``STORE`` on
        the store itself: the store); -1 otherwise.
    cause_resource
        The resource of the unmet requirement or overload; -1 otherwise.
    pair_node, pair_resource
        The (node, resource) pairs of the compiled model.
    receive_time
        Per pair: ``received(v, r)`` of ``design.md``, when fewer than ``k`` suppliers still
        deliver (``inf``: not within the horizon; NaN for producers, which need none).
    supply_end
        Per pair: when the node is without the resource: ``receive_time``, except for a store,
        which supplies itself from its stock until ``received0 + autonomy``.
    load
        Per pair, the load at the horizon, after the moves of the overload rule and with the
        draw of failed consumers gone (``None`` without loads).
    peak_load
        Per pair, the highest load it carried at any time within the horizon: where load moved
        onto it from a failed supplier, this is what it had to carry (``None`` without loads).
    explained
        False for a cascade run with ``explain=False``: the times and ``cause`` of initial
        failures only (``cause`` ``NONE`` for failures by the cascade; ``order`` 0 and
        ``cause_node``, ``cause_via``, ``cause_resource`` -1 throughout, as read-only
        arrays); :meth:`chain` refuses it.
    """

    node_ids: tuple[str, ...]
    node_index: Mapping[str, int]
    node_kind: NDArray[np.int8]
    resource_ids: tuple[str, ...]
    horizon_h: float
    fail_time: NDArray[np.float64]
    order: NDArray[np.int64]
    cause: NDArray[np.int8]
    cause_node: NDArray[np.int64]
    cause_via: NDArray[np.int64]
    cause_resource: NDArray[np.int64]
    pair_node: NDArray[np.int64]
    pair_resource: NDArray[np.int64]
    receive_time: NDArray[np.float64]
    supply_end: NDArray[np.float64]
    load: NDArray[np.float64] | None = None
    peak_load: NDArray[np.float64] | None = None
    explained: bool = True

    # -- lookups by id ----------------------------------------------------------------------
    def _index(self, node_id: str) -> int:
        i = self.node_index.get(node_id)
        if i is None:
            raise ScenarioError(f"unknown node id {node_id!r}")
        return i

    def failed(self) -> list[str]:
        """Ids of the nodes that failed within the horizon, by failure time then order."""
        idx = np.flatnonzero(np.isfinite(self.fail_time))
        idx = idx[np.lexsort((self.order[idx], self.fail_time[idx]))]
        return [self.node_ids[i] for i in idx.tolist()]

    def fail_time_of(self, node_id: str) -> float:
        return float(self.fail_time[self._index(node_id)])

    def step(self, node_id: str) -> ChainStep:
        """Why ``node_id`` failed, as one :class:`ChainStep`."""
        i = self._index(node_id)
        via = int(self.cause_via[i])
        res = int(self.cause_resource[i])
        return ChainStep(
            node=node_id,
            time_h=float(self.fail_time[i]),
            order=int(self.order[i]),
            cause=CauseCode(int(self.cause[i])),
            resource=self.resource_ids[res] if res >= 0 else None,
            via=self.node_ids[via] if via >= 0 else None,
        )

    def chain(self, node_id: str) -> list[str]:
        """The causal chain of ``node_id`` back to its initial event, as node ids.

        Starts at ``node_id`` and follows ``cause_node`` until an initial failure (for a
        common-cause failure, on to the member that was hit). Empty when the node did not
        fail. O(length of the chain).
        """
        i = self._index(node_id)
        if not self.explained:
            raise ValueError(
                "this cascade was run without its causes (explain=False); "
                "run it with explain=True to follow a chain"
            )
        if not math.isfinite(self.fail_time[i]):
            return []
        out = [node_id]
        seen = {i}
        while True:
            c = int(self.cause_node[i])
            if c < 0 or c in seen:
                return out
            out.append(self.node_ids[c])
            seen.add(c)
            i = c

    def explain(self, node_id: str) -> list[ChainStep]:
        """The chain of :meth:`chain` with, per node, its time, order, cause and resource."""
        return [self.step(n) for n in self.chain(node_id)]

    def receive_time_of(self, node_id: str, resource_id: str) -> float:
        """``received(node, resource)``; ``ScenarioError`` when the node does not need it."""
        i = self._index(node_id)
        lo, hi = np.searchsorted(self.pair_node, [i, i + 1])
        for p in range(int(lo), int(hi)):
            if self.resource_ids[int(self.pair_resource[p])] == resource_id and not np.isnan(
                self.receive_time[p]
            ):
                return float(self.receive_time[p])
        raise ScenarioError(f"{node_id!r} does not need resource {resource_id!r}")

    def service_lost(self) -> NDArray[np.float64]:
        """``(n_consumers, n_resources)``: from when each service area and critical function
        (rows in node order, after the components) is without each resource; ``inf`` where
        it keeps it or does not need it."""
        first = int(np.count_nonzero(self.node_kind == NodeKind.COMPONENT))
        out = np.full((len(self.node_ids) - first, len(self.resource_ids)), np.inf)
        sel = self.pair_node >= first
        out[self.pair_node[sel] - first, self.pair_resource[sel]] = self.supply_end[sel]
        return np.where(np.isnan(out), np.inf, out)

    def service_lost_of(self, node_id: str) -> dict[str, float]:
        """Per resource the node needs: from when it is without it (``inf``: not within the
        horizon)."""
        i = self._index(node_id)
        lo, hi = np.searchsorted(self.pair_node, [i, i + 1])
        return {
            self.resource_ids[int(self.pair_resource[p])]: float(self.supply_end[p])
            for p in range(int(lo), int(hi))
            if not np.isnan(self.supply_end[p])
        }


def _initial_arrays(
    compiled: CompiledModel, events: Iterable[InitialFailure]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int8], NDArray[np.int64]]:
    """Initial failures as arrays, the earliest per node (ties: event, hazard, common cause)."""
    best: dict[int, tuple[float, int, int]] = {}
    unknown: list[str] = []
    bad_time: list[str] = []
    for ev in events:
        v = compiled.node_index.get(ev.target)
        if v is None:
            unknown.append(ev.target)
            continue
        if not (math.isfinite(ev.time_h) and ev.time_h >= 0):
            bad_time.append(f"{ev.target} at {ev.time_h!r} h")
            continue
        trig = -1
        if ev.trigger is not None:
            t_idx = compiled.node_index.get(ev.trigger)
            if t_idx is None:
                unknown.append(ev.trigger)
                continue
            trig = t_idx
        cand = (float(ev.time_h), int(ev.cause), trig)
        if v not in best or cand[:2] < best[v][:2]:
            best[v] = cand
    msgs = []
    if unknown:
        msgs.append("unknown node id(s): " + ", ".join(sorted(set(map(repr, unknown)))))
    if bad_time:
        msgs.append("event time(s) not finite and >= 0: " + ", ".join(bad_time))
    if msgs:
        raise ScenarioError("; ".join(msgs))
    nodes = np.fromiter(best.keys(), dtype=np.int64, count=len(best))
    times = np.asarray([b[0] for b in best.values()], dtype=np.float64)
    causes = np.asarray([b[1] for b in best.values()], dtype=np.int8)
    cnodes = np.asarray([b[2] for b in best.values()], dtype=np.int64)
    return nodes, times, causes, cnodes


def _pair_values(
    compiled: CompiledModel, name: str, values: NDArray[np.float64]
) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    shape = (compiled.n_nodes, compiled.n_resources)
    if arr.shape != shape:
        raise ScenarioError(
            f"{name} has shape {arr.shape}, expected (n_nodes, n_resources) {shape}"
        )
    out: NDArray[np.float64] = arr[compiled.pair_node, compiled.pair_resource].copy()
    return out


def _initial_flows(
    compiled: CompiledModel,
    load_pair: NDArray[np.float64],
    link_load: NDArray[np.float64] | None,
) -> NDArray[np.float64]:
    """Per-link flows: ``link_load`` as given, else each supplier's load split equally over
    its primary links (backups carry nothing until a primary stops)."""
    if link_load is not None:
        flow = np.asarray(link_load, dtype=np.float64)
        if flow.shape != (compiled.n_links,):
            raise ScenarioError(
                f"link_load has shape {flow.shape}, expected (n_links,) ({compiled.n_links},)"
            )
        if not np.all(np.isfinite(flow)) or np.any(flow < 0):
            raise ScenarioError("link_load must be finite and >= 0")
        return flow.copy()
    primary = ~compiled.link_backup
    n_primary = np.bincount(compiled.link_src[primary], minlength=compiled.n_pairs).astype(
        np.float64
    )
    flow = np.zeros(compiled.n_links, dtype=np.float64)
    src = compiled.link_src[primary]
    with np.errstate(divide="ignore", invalid="ignore"):
        flow[primary] = np.nan_to_num(load_pair[src] / n_primary[src], nan=0.0)
    return flow


def load_arrays(
    compiled: CompiledModel,
    load: NDArray[np.float64] | None,
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None:
    """Per-link flows, per-pair loads and per-pair capacities from the ``load``, ``capacity``
    and ``link_load`` arguments of :func:`run_cascade` (checked; ``ScenarioError`` when
    they are not usable); ``None`` without ``load``."""
    if load is None:
        return None
    load_pair = _pair_values(compiled, "load", load)
    if not np.all(np.isfinite(load_pair)) or np.any(load_pair < 0):
        raise ScenarioError("load must be finite and >= 0 for every pair")
    cap_pair = _pair_values(
        compiled, "capacity", compiled.capacity if capacity is None else capacity
    )
    flow = _initial_flows(compiled, load_pair, link_load)
    return flow, load_pair, cap_pair


def run_cascade(
    compiled: CompiledModel,
    events: Iterable[InitialFailure],
    horizon_h: float,
    *,
    load: NDArray[np.float64] | None = None,
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
    explain: bool = True,
) -> CascadeResult:
    """Run the timed cascade of ``events`` over ``compiled`` up to ``horizon_h`` hours.

    A pure function: the compiled model is not changed. With the greatest/least fixed points
    of ``design.md`` (nothing fails without a cause; supply must trace back to a producer or
    a store within its autonomy), the result holds every node's failure time, order and
    cause, and every (node, resource) pair's receive time.

    Parameters
    ----------
    compiled
        From :func:`~vitaal.engine.compile.compile_model`.
    events
        Initial failures (see :func:`~vitaal.engine.hazard.initial_failures`). Several for one
        node: the earliest counts.
    horizon_h
        Nothing after it is computed; later times are reported as ``inf``.
    load
        Optional ``(n_nodes, n_resources)`` loads: what each node delivers to its primary
        consumers. Without it, capacity plays no part.
    capacity
        Optional ``(n_nodes, n_resources)`` capacities; default the model's (NaN or inf:
        unlimited).
    link_load
        Optional per-link flows (link order of ``compiled``) overriding the split of ``load``
        over a supplier's primary links.
    explain
        With False, the times alone: ``fail_time``, ``receive_time`` and ``supply_end``
        are the same, the causes of the cascade's failures are not worked out (see
        :class:`CascadeResult`; about a quarter faster for a city-wide cascade). Ignored
        with loads (the overload rule moves load in the order of the causes' search).

    Returns
    -------
    CascadeResult

    Raises
    ------
    ScenarioError
        Unknown node ids, negative or non-finite times, arrays of the wrong shape.

    Notes
    -----
    The sweep processes instants in order of time from a binary heap; at each instant it
    fails what is due, updates supply per resource by delete-then-rederive over the part
    downstream of what stopped (twice: counting producers only, which starts the autonomy
    of stores, and counting stores too), schedules each dependent at ``t + buffer``, and
    repeats at the same instant until nothing more fails (zero buffers). Then loads move
    (overload rule). Complexity: O((N + P) log(N + P) + sum over instants of the size of the
    part downstream of what stopped then), for N nodes and P (node, resource) pairs.

    Examples
    --------
    >>> from vitaal.model import Component, ModelInfo, Model, Resource, SupplyLink
    >>> from vitaal.engine.compile import compile_model
    >>> m = Model(info=ModelInfo(name="x"),
    ...           resources={"el": Resource(id="el", name="El", unit="MW")},
    ...           components={c: Component(id=c, subsystem="s", kind="k") for c in "ab"},
    ...           supply={"a>b|el": SupplyLink(supplier="a", consumer="b", resource="el")})
    >>> res = run_cascade(compile_model(m), [InitialFailure("a", 1.0)], 24.0)
    >>> res.fail_time.tolist(), res.chain("b")
    ([1.0, 1.0], ['b', 'a'])
    """
    if not (isinstance(horizon_h, int | float) and horizon_h >= 0 and not math.isnan(horizon_h)):
        raise ScenarioError(f"horizon_h must be a number of hours >= 0, not {horizon_h!r}")
    init_node, init_time, init_cause, init_cnode = _initial_arrays(compiled, events)
    n = compiled.n_nodes
    loads = load_arrays(compiled, load, capacity, link_load)
    use_load = loads is not None
    if loads is not None:
        flow, load_pair, cap_pair = loads
    else:  # not read by the sweep
        load_pair = cap_pair = flow = np.zeros(0)

    # a model laid out in supply order (layout.lay_out) is swept so, answering in its order
    layout = None if use_load else laid_out(compiled)
    if layout is None:
        node_out, pair_out = identity_maps(compiled)
    else:
        node_out, pair_out = layout.node_out, layout.pair_out
        init_node = layout.node_in[init_node]
        init_cnode = np.where(init_cnode >= 0, layout.node_in[init_cnode], -1)
    explained = bool(explain) or use_load
    fail = np.full(n, np.inf)
    cause = np.zeros(n, dtype=np.int8)
    if explained:
        order = np.zeros(n, dtype=np.int64)
        cause_node = np.full(n, -1, dtype=np.int64)
        cause_via = np.full(n, -1, dtype=np.int64)
        cause_res = np.full(n, -1, dtype=np.int64)
    else:  # not written by the sweep; the result holds read-only constants
        order = cause_node = cause_via = cause_res = np.empty(0, dtype=np.int64)
    recv = untouched_pairs(compiled).copy()
    supply_end = recv.copy()
    peak = load_pair.copy()
    sizes = scratch_sizes(n, compiled.n_pairs, init_node.shape[0], use_load)
    scratch = take_scratch(compiled, sizes)
    sweep_core(
        supply_graph(compiled, layout),
        Case(init_node, init_time, init_cause, init_cnode, float(horizon_h)),
        Loads(flow, load_pair, peak, cap_pair) if use_load else None,
        Outputs(
            fail,
            order,
            cause,
            cause_node,
            cause_via,
            cause_res,
            recv,
            supply_end,
            node_out,
            pair_out,
        ),
        # zeroed state from numpy: calloc'd pages cost nothing until the sweep touches them
        Scratch(
            np.zeros(n, dtype=np.int8),
            np.zeros(compiled.n_pairs, dtype=np.int64),
            np.zeros(compiled.n_pairs, dtype=np.int64),
            *scratch,
        ),
        explained,
    )
    give_back_scratch(compiled, scratch)
    if not explained:
        order = np.broadcast_to(np.int64(0), (n,))
        cause_node = cause_via = cause_res = np.broadcast_to(np.int64(-1), (n,))
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
        load=load_pair if use_load else None,
        peak_load=peak if use_load else None,
        explained=explained,
    )
