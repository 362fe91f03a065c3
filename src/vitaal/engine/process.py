"""The cascade as an operator sees it: outages that end, conditions, degraded modes.

The timed cascade of :mod:`vitaal.engine.cascade` answers "who fails when" with nothing ever
coming back. This module computes the semantics of ``design.md``, "Beyond on/off", as a
discrete-event process in continuous time (no time steps): components are *working*, *down*
or *restarting*; damaged components are repaired after their repair time; a down component
restarts once each of its requirements has supply again (or is outside its condition, or has
buffer left), and works again ``restart_h`` later. ``docs/engine.md``, "Restoration,
conditions and degraded modes", states the rules with worked examples.

At each instant ``t``, until nothing changes: restarts due at ``t`` complete; supply is
recomputed over the working components (the least solution: it must trace back to a working
producer, or to a store within its autonomy); requirements that lack supply while their
condition holds drain their buffer (paused while the component is down, full again when
supply returns or the condition ends); failures due at ``t`` happen; down components whose
repair is done and whose needs are met start restarting. The next instant is the earliest of
the pending times (events, repairs, restart completions, buffer expiries, condition bounds,
store autonomy ends), so the result is exact.

Without repairs, restarts, conditions and degraded modes this is the cascade of
:func:`~vitaal.engine.cascade.run_cascade` (the tests compare both on random models), without
the overload rule, which this process does not apply (shedding is for a later version).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numba import njit
from numpy.typing import NDArray

from vitaal.engine.cascade import CascadeResult
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.compile import CompiledModel, NodeKind, PairRole
from vitaal.errors import ScenarioError

__all__ = [
    "Damage",
    "LoadInputs",
    "Outage",
    "Overload",
    "ProcessInputs",
    "ProcessResult",
    "ServiceLoss",
    "damage_from",
    "run_process",
    "supply_state",
]

WORKING, DOWN, RESTARTING = 0, 1, 2
INF = math.inf
#: Rounds at one instant before the process is declared not to settle (a model error).
_MAX_ROUNDS = 10_000


@dataclass(frozen=True, slots=True)
class Damage:
    """``target`` is taken out at ``time_h`` and repaired ``repair_h`` hours after ``from_h``
    (the end of the hazard; the event's time by default). ``repair_h`` ``inf``: not repaired
    within the horizon."""

    target: str
    time_h: float
    repair_h: float = INF
    cause: CauseCode = CauseCode.EVENT
    trigger: str | None = None
    from_h: float | None = None

    @property
    def repaired_h(self) -> float:
        start = self.time_h if self.from_h is None else max(self.time_h, self.from_h)
        return start + self.repair_h


class Overload:
    """What a supplier does when the load moved onto it exceeds its capacity (per pair)."""

    #: keeps carrying above capacity: congestion, read from the peak load (a road)
    CONGEST = 0
    #: serves the moved consumers in priority order while they fit, sheds the rest
    SHED = 1
    #: its protection trips: down until the primary whose failure moved the load is back
    TRIP = 2


@dataclass(frozen=True, slots=True)
class LoadInputs:
    """Loads for moving load onto backups (``docs/engine.md``, "Shedding, not tripping").

    Attributes
    ----------
    flow
        Per link, the load it carries before any event (backups 0).
    capacity
        Per pair, the capacity (NaN or inf: unlimited).
    mode
        Per pair, an :class:`Overload` value.
    priority
        Per pair, its rank when a backup sheds (lower: served first).
    """

    flow: NDArray[np.float64]
    capacity: NDArray[np.float64]
    mode: NDArray[np.int8]
    priority: NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ProcessInputs:
    """What the process needs besides the compiled model and the damage.

    Attributes
    ----------
    restart_h
        Per node, hours from the start of a restart to working again (0 when not given).
    pair_condition
        Per pair, the index into ``conditions`` of the condition under which its requirement
        holds, -1 for a requirement that always holds.
    conditions
        Per condition, its intervals ``[start, end)`` in hours (sorted, not overlapping).
    pair_degraded_h, pair_degraded_share
        Per pair, how long the node keeps working in a degraded mode once its buffer for the
        resource is spent, and the share of its capacity it then delivers.
    loads
        Flows, capacities, overload modes and shedding priorities; ``None``: no load moves.
    """

    restart_h: NDArray[np.float64]
    pair_condition: NDArray[np.int64]
    conditions: tuple[tuple[tuple[float, float], ...], ...] = ()
    pair_degraded_h: NDArray[np.float64] | None = None
    pair_degraded_share: NDArray[np.float64] | None = None
    loads: LoadInputs | None = None

    @classmethod
    def plain(cls, compiled: CompiledModel) -> ProcessInputs:
        """No restart times, conditions or degraded modes."""
        return cls(
            restart_h=np.zeros(compiled.n_nodes),
            pair_condition=np.full(compiled.n_pairs, -1, dtype=np.int64),
        )


@dataclass(frozen=True, slots=True)
class Outage:
    """Node ``node`` delivered nothing from ``start_h`` to ``end_h`` (``inf``: not back within
    the horizon); it went down through ``cause`` (for a cascade: the requirement ``resource``,
    the supplier ``via`` and the down node ``cause_node`` upstream)."""

    node: int
    start_h: float
    end_h: float
    cause: CauseCode
    resource: int
    via: int
    cause_node: int


@dataclass(frozen=True, slots=True)
class ServiceLoss:
    """Pair ``pair`` (a node and a resource it needs) was without the resource, its buffer
    spent, from ``start_h`` to ``end_h`` (``inf``: not back within the horizon)."""

    pair: int
    start_h: float
    end_h: float


@dataclass(frozen=True, slots=True, eq=False)
class ProcessResult:
    """What the process did.

    ``fail_time``, ``order``, ``cause``, ``cause_node``, ``cause_via`` and ``cause_resource``
    describe each node's *first* outage as :class:`~vitaal.engine.cascade.CascadeResult` does;
    ``outages`` lists every outage and ``losses`` every loss of a needed service with their
    ends; ``degraded`` lists (node, resource, start, end) of degraded operation; ``shed``
    lists (pair, start, end) of consumers a backup shed; ``peak_load`` is per pair the highest
    load carried, moved load included (for a backup that trips or congests, what was moved
    onto it; for one that sheds, what it kept) (``None`` without loads).
    """

    compiled: CompiledModel
    horizon_h: float
    fail_time: NDArray[np.float64]
    order: NDArray[np.int64]
    cause: NDArray[np.int8]
    cause_node: NDArray[np.int64]
    cause_via: NDArray[np.int64]
    cause_resource: NDArray[np.int64]
    outages: tuple[Outage, ...]
    losses: tuple[ServiceLoss, ...]
    receive_time: NDArray[np.float64]
    supply_end: NDArray[np.float64]
    degraded: tuple[tuple[int, int, float, float], ...] = ()
    instants: int = 0
    peak_load: NDArray[np.float64] | None = None
    shed: tuple[tuple[int, float, float], ...] = ()

    def as_cascade(
        self,
        load: NDArray[np.float64] | None = None,
        peak_load: NDArray[np.float64] | None = None,
    ) -> CascadeResult:
        """The first outages as a :class:`~vitaal.engine.cascade.CascadeResult` (first fail
        time, cause and order per node; per pair the first time it was not received and
        without the resource), so that what reads a cascade (flags, chains) reads this."""
        c = self.compiled
        return CascadeResult(
            node_ids=c.node_ids,
            node_index=c.node_index,
            node_kind=c.node_kind,
            resource_ids=c.resource_ids,
            horizon_h=self.horizon_h,
            fail_time=self.fail_time,
            order=self.order,
            cause=self.cause,
            cause_node=self.cause_node,
            cause_via=self.cause_via,
            cause_resource=self.cause_resource,
            pair_node=c.pair_node,
            pair_resource=c.pair_resource,
            receive_time=self.receive_time,
            supply_end=self.supply_end,
            load=load,
            peak_load=peak_load if peak_load is not None else self.peak_load,
        )

    def outages_of(self, node_id: str) -> list[tuple[float, float]]:
        v = self.compiled.node_index.get(node_id)
        if v is None:
            raise ScenarioError(f"unknown node id {node_id!r}")
        return [(o.start_h, o.end_h) for o in self.outages if o.node == v]

    def losses_of(self, node_id: str, resource_id: str) -> list[tuple[float, float]]:
        p = self.compiled.pair_of(node_id, resource_id)
        if p is None:
            return []
        return [(s.start_h, s.end_h) for s in self.losses if s.pair == p]

    def hours_down(self, node: int) -> float:
        """Hours node ``node`` delivered nothing within the horizon."""
        return sum(
            min(o.end_h, self.horizon_h) - o.start_h
            for o in self.outages
            if o.node == node and o.start_h < self.horizon_h
        )

    def first_loss(self) -> NDArray[np.float64]:
        """Per pair, when it was first without the service, its buffer spent (``inf``: never)."""
        out = np.full(self.compiled.n_pairs, INF)
        for s in self.losses:
            out[s.pair] = min(out[s.pair], s.start_h)
        return out

    def lost_hours(self) -> NDArray[np.float64]:
        """Per pair, the hours within the horizon without the service (buffer spent)."""
        out = np.zeros(self.compiled.n_pairs)
        for s in self.losses:
            if s.start_h < self.horizon_h:
                out[s.pair] += min(s.end_h, self.horizon_h) - s.start_h
        return out

    def recovery_curve(self, nodes: NDArray[np.int64]) -> tuple[list[float], list[float]]:
        """The share of ``nodes`` working over time: the times where it changes, and the share
        from each time on (a step function; 1.0 before the first outage)."""
        chosen = {int(v) for v in nodes.tolist()}
        if not chosen:
            return [0.0], [1.0]
        deltas: dict[float, int] = {}
        for o in self.outages:
            if o.node in chosen and o.start_h <= self.horizon_h:
                deltas[o.start_h] = deltas.get(o.start_h, 0) - 1
                if o.end_h <= self.horizon_h:
                    deltas[o.end_h] = deltas.get(o.end_h, 0) + 1
        times = [0.0]
        shares = [1.0]
        up = len(chosen)
        for t in sorted(deltas):
            up += deltas[t]
            if t == times[-1]:
                shares[-1] = up / len(chosen)
            else:
                times.append(t)
                shares.append(up / len(chosen))
        return times, shares


@njit(cache=True)
def supply_state(
    graph: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]],
    pair_node: NDArray[np.int64],
    pair_k: NDArray[np.int64],
    passes: NDArray[np.bool_],
    origin: NDArray[np.bool_],
    working: NDArray[np.bool_],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which pairs receive and which deliver: the least solution over the working nodes.

    ``graph`` is ``(out_ptr, out_dst, out_link, link_open)``: the supply links by supplier pair
    and which links carry (a link to a consumer shed by its backup does not). ``origin`` marks
    the pairs that deliver of themselves while their node works (producers, and stores within
    their autonomy); ``passes`` the pairs that pass on what they receive (carriers and
    stores). A pair receives when at least ``pair_k`` of its suppliers deliver. A counting
    breadth-first search from the origins: O(P + L).
    """
    out_ptr, out_dst, out_link, link_open = graph
    n = pair_node.shape[0]
    count = np.zeros(n, dtype=np.int64)
    received = np.zeros(n, dtype=np.bool_)
    delivers = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for p in range(n):
        if origin[p] and working[pair_node[p]]:
            delivers[p] = True
            queue[tail] = p
            tail += 1
    while head < tail:
        p = queue[head]
        head += 1
        for e in range(out_ptr[p], out_ptr[p + 1]):
            if not link_open[out_link[e]]:
                continue
            q = out_dst[e]
            count[q] += 1
            if count[q] == pair_k[q]:
                received[q] = True
                if passes[q] and not delivers[q] and working[pair_node[q]]:
                    delivers[q] = True
                    queue[tail] = q
                    tail += 1
    return received, delivers


@dataclass(slots=True)
class _State:
    """The process's state between instants (arrays by node or by pair)."""

    status: NDArray[np.int8]
    repaired_at: NDArray[np.float64]
    restart_done: NDArray[np.float64]
    remaining: NDArray[np.float64]
    drain_from: NDArray[np.float64]
    clock: NDArray[np.float64]
    loss_from: NDArray[np.float64]
    degraded_from: NDArray[np.float64]
    outage_from: NDArray[np.float64]
    outage_cause: list[tuple[int, int, int, int]] = field(default_factory=list)


def _condition_holds(inputs: ProcessInputs, t: float) -> NDArray[np.bool_]:
    """Per condition, whether it holds at ``t``."""
    return np.array(
        [any(a <= t < b for a, b in spans) for spans in inputs.conditions], dtype=np.bool_
    )


def _bounds_after(inputs: ProcessInputs, t: float) -> float:
    nxt = INF
    for spans in inputs.conditions:
        for a, b in spans:
            if a > t:
                nxt = min(nxt, a)
            if b > t:
                nxt = min(nxt, b)
    return nxt


def _validate(
    compiled: CompiledModel, damage: Sequence[Damage], inputs: ProcessInputs, horizon: float
) -> None:
    bad = [d.target for d in damage if d.target not in compiled.node_index]
    if bad:
        raise ScenarioError(f"unknown node id(s) in the damage: {', '.join(map(repr, bad[:5]))}")
    if not (horizon > 0 and math.isfinite(horizon)):
        raise ScenarioError(f"the horizon must be a positive number of hours, not {horizon}")
    for d in damage:
        if not (math.isfinite(d.time_h) and d.time_h >= 0) or not d.repair_h >= 0:
            raise ScenarioError(
                f"damage of {d.target!r}: time {d.time_h} and repair {d.repair_h} must be >= 0"
            )
    if inputs.restart_h.shape != (compiled.n_nodes,) or np.any(~(inputs.restart_h >= 0)):
        raise ScenarioError("restart times must be hours >= 0, one per node")


def run_process(
    compiled: CompiledModel,
    damage: Sequence[Damage],
    horizon_h: float,
    inputs: ProcessInputs | None = None,
) -> ProcessResult:
    """Run the cascade with restoration, conditions and degraded modes.

    Parameters
    ----------
    compiled
        The compiled model.
    damage
        What a scenario takes out, when, and when it is repaired.
    horizon_h
        Nothing after it is computed; outages still open then end at ``inf``.
    inputs
        Restart times, conditions and degraded modes (:meth:`ProcessInputs.plain` when
        ``None``).

    Complexity: O(I (P + L)) for I instants, P pairs and L supply links; the supply of each
    instant is one compiled breadth-first search (:func:`supply_state`).

    Examples
    --------
    A loop restarts once what broke it is repaired: see ``docs/engine.md``.
    """
    inp = inputs if inputs is not None else ProcessInputs.plain(compiled)
    horizon = float(horizon_h)
    _validate(compiled, damage, inp, horizon)
    return _Process(compiled, damage, horizon, inp).run()


class _Process:
    """One run of the process (see :func:`run_process`)."""

    def __init__(
        self,
        compiled: CompiledModel,
        damage: Sequence[Damage],
        horizon: float,
        inputs: ProcessInputs,
    ) -> None:
        c = compiled
        self.c = c
        self.horizon = horizon
        self.inp = inputs
        self.damage = sorted(damage, key=lambda d: (d.time_h, d.target))
        n, p = c.n_nodes, c.n_pairs
        role = c.pair_role
        self.is_producer = role == PairRole.PRODUCER
        self.is_store = role == PairRole.STORE
        self.passes = (role == PairRole.CARRIER) | self.is_store
        self.required = c.pair_required.astype(np.bool_)
        self.area_pair = c.node_kind[c.pair_node] == NodeKind.AREA
        deg_h = inputs.pair_degraded_h if inputs.pair_degraded_h is not None else np.zeros(p)
        self.degraded_h = np.where(self.required, deg_h, 0.0)
        self.full = np.where(self.required, c.pair_buffer_h, INF) + self.degraded_h
        self.s = _State(
            status=np.zeros(n, dtype=np.int8),
            repaired_at=np.full(n, -INF),
            restart_done=np.full(n, INF),
            remaining=self.full.copy(),
            drain_from=np.full(p, np.nan),
            clock=np.full(p, INF),
            loss_from=np.full(p, np.nan),
            degraded_from=np.full(p, np.nan),
            outage_from=np.full(n, np.nan),
        )
        self.fail_time = np.full(n, INF)
        self.order = np.zeros(n, dtype=np.int64)
        self.cause = np.zeros(n, dtype=np.int8)
        self.cause_node = np.full(n, -1, dtype=np.int64)
        self.cause_via = np.full(n, -1, dtype=np.int64)
        self.cause_res = np.full(n, -1, dtype=np.int64)
        self.open_cause: dict[int, tuple[int, int, int, int]] = {}
        self.outages: list[Outage] = []
        self.losses: list[ServiceLoss] = []
        self.degraded: list[tuple[int, int, float, float]] = []
        self.received = np.zeros(p, dtype=np.bool_)
        self.delivers = np.zeros(p, dtype=np.bool_)
        self.has = np.zeros(p, dtype=np.bool_)
        self.link_open = np.ones(c.n_links, dtype=np.bool_)
        self.tripped_by = np.full(n, -1, dtype=np.int64)
        self.shed_from = np.full(p, np.nan)
        self.shed_by = np.full(p, -1, dtype=np.int64)
        self.shed_log: list[tuple[int, float, float]] = []
        self.loads = inputs.loads
        self.peak = None if self.loads is None else self._own_load()
        self.first_unreceived = np.full(p, INF)
        self.first_without = np.full(p, INF)

    # -- supply ------------------------------------------------------------------------------
    def _supply(self, t: float) -> None:
        c, s = self.c, self.s
        working = s.status == WORKING
        # producers only: when each store stops receiving from a producer (its clock starts)
        graph = (c.out_ptr, c.out_dst, c.out_link, self.link_open)
        rec0, _ = supply_state(graph, c.pair_node, c.pair_k, self.passes, self.is_producer, working)
        start = self.is_store & ~rec0 & (s.clock == INF)
        s.clock[start] = t
        active = self.is_store & (t < s.clock + c.pair_autonomy_h)
        self.received, self.delivers = supply_state(
            graph,
            c.pair_node,
            c.pair_k,
            self.passes,
            self.is_producer | active,
            working,
        )
        # a store's own requirement counts its stock (design.md, "The cascade semantics")
        self.has = self.received | active
        req = self.required
        np.minimum(self.first_unreceived, np.where(req & ~self.received, t, INF),
                   out=self.first_unreceived)  # fmt: skip
        np.minimum(self.first_without, np.where(req & ~self.has, t, INF), out=self.first_without)

    # -- moving load onto backups ---------------------------------------------------------
    def _own_load(self) -> NDArray[np.float64]:
        """Per pair, the load of its primary links into consumers that run (not down)."""
        c, s = self.c, self.s
        assert self.loads is not None
        dst_node = c.pair_node[c.link_dst]
        carry = ~c.link_backup & ((s.status[dst_node] != DOWN) | self.area_pair[c.link_dst])
        load = np.bincount(c.link_src[carry], weights=self.loads.flow[carry], minlength=c.n_pairs)
        return load.astype(np.float64, copy=False)

    def _move_load(self, t: float) -> bool:
        """Move the load of primary links that no longer deliver onto the consumers' backups
        that do; a backup without room sheds (in priority order) or trips. True when a
        consumer was shed or a backup tripped (supply must be computed again)."""
        if self.loads is None:
            return False
        c, s, ld = self.c, self.s, self.loads
        src_del = self.delivers[c.link_src]
        dst = c.link_dst
        dst_runs = (s.status[c.pair_node[dst]] != DOWN) | self.area_pair[dst]
        lost = ~c.link_backup & ~src_del & dst_runs & (ld.flow > 0)
        moved = np.bincount(dst[lost], weights=ld.flow[lost], minlength=c.n_pairs)
        # a consumer whose primary is back is no longer shed (down or not: while it is shed
        # and down, it cannot restart)
        lost_any = ~c.link_backup & ~src_del & (ld.flow > 0)
        still = np.bincount(dst[lost_any], minlength=c.n_pairs) > 0
        back = ~np.isnan(self.shed_from) & ~still
        for q in np.flatnonzero(back).tolist():
            self.shed_log.append((q, float(self.shed_from[q]), t))
        self.shed_from[back] = np.nan
        self.shed_by[back] = -1
        self.link_open = ~(c.link_backup & ~np.isnan(self.shed_from)[dst])
        shed_now = ~np.isnan(self.shed_from)
        takes = c.link_backup & src_del & ~shed_now[dst] & (moved[dst] > 0)
        n_bk = np.bincount(dst[takes], minlength=c.n_pairs)
        share = np.where(takes, moved[dst] / np.maximum(n_bk[dst], 1), 0.0)
        own = self._own_load()
        extra = np.bincount(c.link_src[takes], weights=share[takes], minlength=c.n_pairs)
        total = own + extra
        cap = np.where(np.isnan(ld.capacity), INF, ld.capacity)
        over = np.flatnonzero((total > cap * (1 + 1e-9)) & (extra > 0))
        changed = False
        for b in over.tolist():
            mode = int(ld.mode[b])
            if mode == Overload.CONGEST:
                continue
            links = np.flatnonzero(takes & (c.link_src == b) & ~shed_now[dst])
            if links.size == 0:
                continue
            if mode == Overload.TRIP:
                v = int(c.pair_node[b])
                if s.status[v] == WORKING:
                    primary = self._lost_primary(int(dst[links[0]]), lost)
                    self.tripped_by[v] = primary
                    cause = (int(c.pair_resource[b]), primary, primary)
                    self._go_down(v, t, CauseCode.OVERLOAD, cause)
                    changed = True
                continue
            order = links[np.lexsort((dst[links], ld.priority[dst[links]]))]
            room = cap[b] - own[b]
            served = own[b]
            for lk in order.tolist():
                q = int(dst[lk])
                if share[lk] <= room * (1 + 1e-9) + 1e-12:
                    room -= share[lk]
                    served += share[lk]
                    continue
                if np.isnan(self.shed_from[q]):
                    self.shed_from[q] = t
                    self.shed_by[q] = self._lost_primary(q, lost)
                    shed_now[q] = True
                    changed = True
            total[b] = served  # what a shedding backup carries: what it kept
        assert self.peak is not None
        np.maximum(self.peak, total, out=self.peak)
        if changed:
            self.link_open = ~(c.link_backup & ~np.isnan(self.shed_from)[dst])
        return changed

    def _lost_primary(self, q: int, lost: NDArray[np.bool_]) -> int:
        """The supplier node of consumer pair ``q``'s first primary link that lost supply."""
        c = self.c
        for e in range(int(c.in_ptr[q]), int(c.in_ptr[q + 1])):
            lk = int(c.in_link[e])
            if lost[lk]:
                return int(c.pair_node[c.link_src[lk]])
        return -1

    # -- one instant -------------------------------------------------------------------------
    def _settle_buffers(self, t: float, holds: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Update the buffers at ``t``; the pairs whose buffer is spent (not met, none left)."""
        c, s = self.c, self.s
        cond = self.inp.pair_condition
        in_condition = np.ones(c.n_pairs, dtype=np.bool_)
        has_cond = cond >= 0
        if holds.size:
            in_condition[has_cond] = holds[cond[has_cond]]
        met = ~self.required | self.has | ~in_condition
        node_status = s.status[c.pair_node]
        running = (node_status != DOWN) | self.area_pair
        # pairs of down nodes pause: what they used stays used
        pause = ~running & ~np.isnan(s.drain_from)
        s.remaining[pause] -= t - s.drain_from[pause]
        s.drain_from[pause] = np.nan
        # met: full again (a down node's buffer too: supply is back)
        refill = met
        s.remaining[refill] = self.full[refill]
        s.drain_from[refill] = np.nan
        start = ~met & running & np.isnan(s.drain_from)
        s.drain_from[start] = t
        left = s.remaining - np.where(np.isnan(s.drain_from), 0.0, t - s.drain_from)
        spent: NDArray[np.bool_] = ~met & running & (left <= 0)
        self._track_losses(t, spent, met)
        self._track_degraded(t, ~met & running, left)
        return spent

    def _track_losses(self, t: float, spent: NDArray[np.bool_], met: NDArray[np.bool_]) -> None:
        s = self.s
        begin = spent & self.required & np.isnan(s.loss_from)
        s.loss_from[begin] = t
        end = met & ~np.isnan(s.loss_from)
        for p in np.flatnonzero(end).tolist():
            self.losses.append(ServiceLoss(p, float(s.loss_from[p]), t))
        s.loss_from[end] = np.nan

    def _track_degraded(
        self, t: float, draining: NDArray[np.bool_], left: NDArray[np.float64]
    ) -> None:
        s = self.s
        deg = draining & (self.degraded_h > 0) & (left <= self.degraded_h) & (left > 0)
        begin = deg & np.isnan(s.degraded_from)
        s.degraded_from[begin] = t
        end = ~deg & ~np.isnan(s.degraded_from)
        for p in np.flatnonzero(end).tolist():
            v, r = int(self.c.pair_node[p]), int(self.c.pair_resource[p])
            self.degraded.append((v, r, float(s.degraded_from[p]), t))
        s.degraded_from[end] = np.nan

    def _go_down(self, v: int, t: float, code: CauseCode, why: tuple[int, int, int]) -> None:
        s = self.s
        was = int(s.status[v])
        s.status[v] = DOWN
        s.restart_done[v] = INF
        if was == RESTARTING:
            return  # the outage goes on unbroken
        s.outage_from[v] = t
        res, via, cnode = why
        self.open_cause[v] = (int(code), res, via, cnode)
        if not math.isfinite(self.fail_time[v]):
            self.fail_time[v] = t
            self.cause[v] = int(code)
            self.cause_res[v] = res
            self.cause_via[v] = via
            self.cause_node[v] = cnode
            if code in _INITIAL:
                self.order[v] = 1
            else:
                self.order[v] = int(self.order[cnode]) + 1 if cnode >= 0 else 2

    def _close_outage(self, v: int, t: float) -> None:
        code, res, via, cnode = self.open_cause.pop(v)
        self.outages.append(
            Outage(v, float(self.s.outage_from[v]), t, CauseCode(code), res, via, cnode)
        )
        self.s.outage_from[v] = np.nan

    def _why(self, p: int) -> tuple[CauseCode, tuple[int, int, int]]:
        """The cause of the loss of pair ``p``: the supplier it came through and the down node
        upstream that set it off (found by walking back through pairs that do not deliver)."""
        c, s = self.c, self.s
        res = int(c.pair_resource[p])
        via = -1
        down_via = -1
        for e in range(int(c.in_ptr[p]), int(c.in_ptr[p + 1])):
            q = int(c.in_src[e])
            if not self.delivers[q]:
                if via < 0:
                    via = int(c.pair_node[q])
                if s.status[c.pair_node[q]] != WORKING and down_via < 0:
                    down_via = int(c.pair_node[q])
        if self.is_store[p] and s.clock[p] < INF:
            return CauseCode.STORE, (res, int(c.pair_node[p]), self._upstream_down(p))
        if down_via >= 0:
            return CauseCode.SUPPLIER, (res, down_via, down_via)
        return CauseCode.PATH, (res, via, self._upstream_down(p))

    def _upstream_down(self, p: int) -> int:
        c, s = self.c, self.s
        seen = {p}
        frontier = [p]
        while frontier:
            nxt: list[int] = []
            for x in frontier:
                for e in range(int(c.in_ptr[x]), int(c.in_ptr[x + 1])):
                    q = int(c.in_src[e])
                    if q in seen or self.delivers[q]:
                        continue
                    if s.status[c.pair_node[q]] != WORKING:
                        return int(c.pair_node[q])
                    seen.add(q)
                    nxt.append(q)
            frontier = nxt
        return -1

    def _instant(self, t: float, due: list[Damage]) -> None:
        c, s = self.c, self.s
        done = (s.status == RESTARTING) & (s.restart_done <= t)
        for v in np.flatnonzero(done).tolist():
            s.status[v] = WORKING
            self._close_outage(v, t)
        for d in due:
            v = c.node_index[d.target]
            s.repaired_at[v] = max(s.repaired_at[v], d.repaired_h)
            trig = c.node_index.get(d.trigger, -1) if d.trigger else -1
            if s.status[v] != DOWN:
                self._go_down(v, t, d.cause, (-1, -1, trig))
        holds = _condition_holds(self.inp, t)
        for _ in range(_MAX_ROUNDS):
            self._supply(t)
            if self._move_load(t):
                continue
            spent = self._settle_buffers(t, holds)
            changed = self._fail(t, spent)
            if changed:
                continue
            if self._restart(t, holds):
                continue
            return
        raise ScenarioError(f"the process does not settle at {t:g} h")

    def _fail(self, t: float, spent: NDArray[np.bool_]) -> bool:
        c, s = self.c, self.s
        spent = spent & ~self.area_pair
        nodes = np.unique(c.pair_node[spent])
        if nodes.size == 0:
            return False
        first_pair: dict[int, int] = {}
        for p in np.flatnonzero(spent).tolist():
            first_pair.setdefault(int(c.pair_node[p]), p)
        for v in nodes.tolist():
            if s.status[v] == DOWN:
                continue
            code, why = self._why(first_pair[v])
            self._go_down(v, t, code, why)
        # what the down nodes used stays used
        self._settle_buffers(t, _condition_holds(self.inp, t))
        return True

    def _restart(self, t: float, holds: NDArray[np.bool_]) -> bool:
        c, s = self.c, self.s
        cand = (s.status == DOWN) & (s.repaired_at <= t)
        tripped = np.flatnonzero(cand & (self.tripped_by >= 0))
        for v in tripped.tolist():
            # a tripped backup is switched back once the primary that moved the load works
            if s.status[self.tripped_by[v]] != WORKING:
                cand[v] = False
            else:
                self.tripped_by[v] = -1
        if not cand.any():
            return False
        cond = self.inp.pair_condition
        in_condition = np.ones(c.n_pairs, dtype=np.bool_)
        has_cond = cond >= 0
        if holds.size:
            in_condition[has_cond] = holds[cond[has_cond]]
        ok_pair = ~self.required | self.has | ~in_condition | (s.remaining > 0)
        blocked = np.zeros(c.n_nodes, dtype=np.bool_)
        blocked[c.pair_node[~ok_pair]] = True
        start = cand & ~blocked
        if not start.any():
            return False
        instant = False
        for v in np.flatnonzero(start).tolist():
            rh = float(self.inp.restart_h[v])
            if rh > 0:
                s.status[v] = RESTARTING
                s.restart_done[v] = t + rh
            else:
                s.status[v] = WORKING
                self._close_outage(v, t)
                instant = True
        # restarting nodes run again: their buffers drain from now
        return instant or bool(start.any())

    def _next_time(self, t: float, k: int) -> float:
        s, c = self.s, self.c
        nxt = self.damage[k].time_h if k < len(self.damage) else INF
        rs = s.restart_done[s.status == RESTARTING]
        if rs.size:
            nxt = min(nxt, float(rs.min()))
        rep = s.repaired_at[(s.status == DOWN) & (s.repaired_at > t)]
        if rep.size:
            nxt = min(nxt, float(rep.min()))
        draining = ~np.isnan(s.drain_from)
        if draining.any():
            exp = s.drain_from[draining] + s.remaining[draining]
            deg = exp - self.degraded_h[draining]
            both = np.concatenate([exp, deg[deg > t]])
            later = both[both > t]
            if later.size:
                nxt = min(nxt, float(later.min()))
        ends = s.clock + c.pair_autonomy_h
        ends = ends[self.is_store & (ends > t)]
        if ends.size:
            nxt = min(nxt, float(ends.min()))
        return min(nxt, _bounds_after(self.inp, t))

    def run(self) -> ProcessResult:
        t = 0.0
        k = 0
        instants = 0
        while t <= self.horizon:
            due = []
            while k < len(self.damage) and self.damage[k].time_h <= t:
                due.append(self.damage[k])
                k += 1
            self._instant(t, due)
            instants += 1
            t = self._next_time(t, k)
        return self._result(instants)

    def _result(self, instants: int) -> ProcessResult:
        s = self.s
        for v in sorted(self.open_cause):
            code, res, via, cnode = self.open_cause[v]
            self.outages.append(
                Outage(v, float(s.outage_from[v]), INF, CauseCode(code), res, via, cnode)
            )
        for p in np.flatnonzero(~np.isnan(s.loss_from)).tolist():
            self.losses.append(ServiceLoss(p, float(s.loss_from[p]), INF))
        for q in np.flatnonzero(~np.isnan(self.shed_from)).tolist():
            self.shed_log.append((q, float(self.shed_from[q]), INF))
        for p in np.flatnonzero(~np.isnan(s.degraded_from)).tolist():
            v, r = int(self.c.pair_node[p]), int(self.c.pair_resource[p])
            self.degraded.append((v, r, float(s.degraded_from[p]), INF))
        # areas: their first loss of any service is their "failure" (unless an event was first)
        for sl in sorted(self.losses, key=lambda x: x.start_h):
            v = int(self.c.pair_node[sl.pair])
            if self.area_pair[sl.pair] and sl.start_h < self.fail_time[v]:
                self.fail_time[v] = sl.start_h
                self.cause[v] = int(CauseCode.PATH)
                self.cause_res[v] = int(self.c.pair_resource[sl.pair])
                self.order[v] = 2
        ft = np.where(self.fail_time > self.horizon, INF, self.fail_time)
        cut = self.horizon
        received = np.where(self.first_unreceived > cut, INF, self.first_unreceived)
        without = np.where(self.first_without > cut, INF, self.first_without)
        received[~self.required] = np.nan
        without[~self.required] = np.nan
        return ProcessResult(
            compiled=self.c,
            horizon_h=self.horizon,
            fail_time=ft,
            order=self.order,
            cause=self.cause,
            cause_node=self.cause_node,
            cause_via=self.cause_via,
            cause_resource=self.cause_res,
            outages=tuple(sorted(self.outages, key=lambda o: (o.start_h, o.node))),
            losses=tuple(sorted(self.losses, key=lambda x: (x.start_h, x.pair))),
            degraded=tuple(self.degraded),
            instants=instants,
            receive_time=received,
            supply_end=without,
            peak_load=self.peak,
            shed=tuple(sorted(self.shed_log, key=lambda x: (x[1], x[0]))),
        )


_INITIAL = (CauseCode.EVENT, CauseCode.HAZARD, CauseCode.COMMON_CAUSE)


def damage_from(
    failures: Sequence[InitialFailure], repair_h: Mapping[str, float] | None = None
) -> list[Damage]:
    """:class:`Damage` for a scenario's initial failures, with repair times per target (``inf``
    where not given)."""
    rep = repair_h or {}
    return [
        Damage(f.target, float(f.time_h), float(rep.get(f.target, INF)), f.cause, f.trigger)
        for f in failures
    ]
