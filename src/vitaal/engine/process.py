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

With loads, the load of a primary link whose supplier no longer delivers (or, degraded, cut
it) moves onto the consumer's backups, which shed, trip or congest by their resource's rule
(``docs/engine.md``, "Shedding, not tripping").

Without repairs, restarts, conditions, degraded modes and loads this is the cascade of
:func:`~vitaal.engine.cascade.run_cascade` (the tests compare both on random models).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vitaal.engine._process_kernels import (
    DOWN,
    RESTARTING,
    WORKING,
    any_pair_delivers,
    area_shares,
    hindered_pairs,
    next_pending,
    ready_to_restart,
    settle_pairs,
    supply_add,
    supply_solve,
    supply_state,
    why_lost,
)
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.compile import CompiledModel, NodeKind, PairRole
from vitaal.engine.process_result import (
    Damage,
    LoadInputs,
    Outage,
    Overload,
    ProcessInputs,
    ProcessResult,
    ServiceLoss,
)
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

INF = math.inf
#: Rounds at one instant before the process is declared not to settle (a model error).
_MAX_ROUNDS = 10_000
_INITIAL = (int(CauseCode.EVENT), int(CauseCode.HAZARD), int(CauseCode.COMMON_CAUSE))


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


class _Log:
    """Rows of a table collected in chunks of arrays (one chunk per batch), joined at the end."""

    def __init__(self, **dtypes: type) -> None:
        self.dtypes = dtypes
        self.chunks: dict[str, list[NDArray[np.generic]]] = {k: [] for k in dtypes}

    def add(self, **columns: object) -> None:
        arrays = [np.asarray(v) for v in columns.values()]
        n = next((a.size for a in arrays if a.ndim > 0), 1)
        for k, dt in self.dtypes.items():
            self.chunks[k].append(np.broadcast_to(np.asarray(columns[k], dtype=dt), (n,)))

    def columns(self) -> dict[str, NDArray[np.generic]]:
        return {
            k: np.concatenate(ch) if ch else np.zeros(0, dtype=self.dtypes[k])
            for k, ch in self.chunks.items()
        }


class _Process:
    """One run of the process (see :func:`run_process`); every step works on arrays."""

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
        n, p = c.n_nodes, c.n_pairs
        self._damage_arrays(damage)
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
        # the cause of each node's open outage
        self.oc_code = np.zeros(n, dtype=np.int8)
        self.oc_res = np.full(n, -1, dtype=np.int64)
        self.oc_via = np.full(n, -1, dtype=np.int64)
        self.oc_node = np.full(n, -1, dtype=np.int64)
        self.out_log = _Log(node=np.int64, start=np.float64, end=np.float64, cause=np.int8,
                            resource=np.int64, via=np.int64, cause_node=np.int64)  # fmt: skip
        self.loss_log = _Log(pair=np.int64, start=np.float64, end=np.float64)
        self.deg_log = _Log(pair=np.int64, start=np.float64, end=np.float64)
        self.shed_log = _Log(pair=np.int64, start=np.float64, end=np.float64)
        # supply from the producers alone and from producers and active stores, each as
        # (count of delivering suppliers, received, delivers); kept between rounds so that a
        # round that only adds (restarts) carries the search on (``_supply``)
        self.sol0 = (np.zeros(p, dtype=np.int64), np.zeros(p, dtype=np.bool_),
                     np.zeros(p, dtype=np.bool_))  # fmt: skip
        self.sol = (np.zeros(p, dtype=np.int64), np.zeros(p, dtype=np.bool_),
                    np.zeros(p, dtype=np.bool_))  # fmt: skip
        self.received, self.delivers = self.sol[1], self.sol[2]
        self.pair_statics = (c.pair_node, c.pair_k, self.passes)
        self.stores = np.flatnonzero(self.is_store)
        self.active = np.zeros(p, dtype=np.bool_)
        self.dirty = True
        self.added: list[NDArray[np.int64]] = []
        self.has = np.zeros(p, dtype=np.bool_)
        self.spent = np.zeros(p, dtype=np.bool_)
        self.ends = (np.empty(p, dtype=np.int64), np.empty(p, dtype=np.int64))
        self.link_open = np.ones(c.n_links, dtype=np.bool_)
        # primary links a degraded supplier has cut (its consumers shed downstream)
        self.cut = np.zeros(c.n_links, dtype=np.bool_)
        self.cut_from = np.full(c.n_links, np.nan)
        self.cut_log = _Log(link=np.int64, start=np.float64, end=np.float64)
        share = inputs.pair_degraded_share
        self.degraded_share = np.ones(p) if share is None else np.asarray(share, dtype=float)
        #: per pair, the share of its capacity it delivered when load last moved
        self._share_seen = np.ones(p)
        #: per node tripped by an overload, the primary link whose loss moved the load (-1)
        self.tripped_by = np.full(n, -1, dtype=np.int64)
        self.shed_from = np.full(p, np.nan)
        self.shed_by = np.full(p, -1, dtype=np.int64)
        self.loads = inputs.loads
        self.peak = None if self.loads is None else self._own_load()
        self.first_unreceived = np.full(p, INF)
        self.first_without = np.full(p, INF)
        #: the instants, in order (rows are sorted by their instant)
        self.times: list[float] = []
        self._init_shares()

    # -- partial service of service areas ----------------------------------------------------
    def _init_shares(self) -> None:
        """What each service area's primary links carry: their flows when loads give the area
        any, else one each; an area fed by many substations loses the share behind those that
        fail."""
        c = self.c
        self.area_link = ~c.link_backup & self.area_pair[c.link_dst] & self.required[c.link_dst]
        self.area_req = self.area_pair & self.required
        self.area_idx = np.flatnonzero(self.area_req)
        self.area_cond = np.flatnonzero(self.area_req & (self.inp.pair_condition >= 0))
        w = np.ones(c.n_links)
        if self.loads is not None:
            flow = np.where(self.area_link, self.loads.flow, 0.0)
            by_area = np.bincount(c.link_dst, weights=flow, minlength=c.n_pairs)
            w = np.where(by_area[c.link_dst] > 0, flow, 1.0)
        self.link_weight = np.where(self.area_link, w, 0.0)
        self.area_total = np.bincount(
            c.link_dst, weights=self.link_weight, minlength=c.n_pairs
        ).astype(np.float64)
        self.share_now = np.zeros(c.n_pairs)
        self.share_hours = np.zeros(c.n_pairs)
        self.share_peak = np.zeros(c.n_pairs)
        self.share_from = np.full(c.n_pairs, INF)
        self.hinder_now = np.zeros(c.n_pairs)
        self.hinder_hours = np.zeros(c.n_pairs)
        self.hinder_peak = np.zeros(c.n_pairs)
        self.share_t = 0.0

    def _accumulate_shares(self, t: float) -> None:
        """Add the shares without service since the last instant, up to ``t`` (and the
        horizon)."""
        end = min(t, self.horizon)
        if end > self.share_t:
            a = self.area_idx  # only required area pairs have shares
            self.share_hours[a] += self.share_now[a] * (end - self.share_t)
            self.hinder_hours[a] += self.hinder_now[a] * (end - self.share_t)
            self.share_t = end

    def _measure_shares(self, t: float, holds: NDArray[np.bool_]) -> None:
        """Per area pair, the share of it without the service now, and the share hindered
        (:func:`area_shares`); none outside the requirement's condition (it counts as met)."""
        c, s = self.c, self.s
        area_req = self.area_req.copy()
        cond = self.inp.pair_condition[self.area_cond]
        area_req[self.area_cond[~holds[cond]]] = False
        links = (c.link_src, c.link_dst, c.link_backup, self.area_link, self.link_weight,
                 self.link_open)  # fmt: skip
        areas = (self.area_total, area_req, s.loss_from, self.has)
        graph = (c.out_ptr, c.out_dst, c.out_link, self.link_open)
        state = (self.received, self.delivers, self.cut)
        hindered = hindered_pairs(graph, (c.in_ptr, c.in_src, c.in_link), c.link_backup, state)
        shares = (self.share_now, self.share_peak, self.share_from, self.hinder_now)
        area_shares(t, links, (self.delivers, hindered, self.cut), areas, shares)
        np.maximum(self.hinder_peak, self.hinder_now, out=self.hinder_peak)

    def _damage_arrays(self, damage: Sequence[Damage]) -> None:
        """The damage as arrays sorted by time, then target, then cause (an event before a
        hazard before a common cause at the same instant)."""
        index = self.c.node_index
        target = np.array([index[d.target] for d in damage], dtype=np.int64)
        time = np.array([d.time_h for d in damage], dtype=np.float64)
        cause = np.array([int(d.cause) for d in damage], dtype=np.int8)
        order = np.lexsort((cause, target, time))
        self.d_target = target[order]
        self.d_time = time[order]
        self.d_cause = cause[order]
        self.d_repaired = np.array([d.repaired_h for d in damage], dtype=np.float64)[order]
        trig = [index.get(d.trigger, -1) if d.trigger else -1 for d in damage]
        self.d_trigger = np.array(trig, dtype=np.int64)[order]

    # -- supply ------------------------------------------------------------------------------
    def _supply(self, t: float) -> None:
        """Supply at ``t``: from scratch after anything was taken away (a node down that
        delivered, a link closed, a store run dry), carried on from the restarted nodes when
        they are all that changed (the least solution only grows with what works)."""
        c, s = self.c, self.s
        graph = (c.out_ptr, c.out_dst, c.out_link, self.link_open)
        working = s.status == WORKING
        st = self.stores
        while True:
            active = t < s.clock[st] + c.pair_autonomy_h[st]
            if not np.array_equal(active, self.active[st]):
                self.active[st] = active
                self.dirty = True
            origins = (self.is_producer, self.active)
            changed = self.dirty or bool(self.added)
            if self.dirty:
                supply_solve(graph, self.pair_statics, working, origins, (self.sol0, self.sol))
            elif self.added:
                new = (np.concatenate(self.added), c.node_ptr)
                supply_add(graph, self.pair_statics, working, origins, (self.sol0, self.sol), new)
            self.dirty = False
            self.added = []
            # a store's clock starts when it first stops receiving from a producer
            waiting = st[(s.clock[st] == INF) & ~self.sol0[1][st]]
            s.clock[waiting] = t
            if not np.any(c.pair_autonomy_h[waiting] <= 0):
                break
        if not changed:
            return
        # a store's own requirement counts its stock (design.md, "The cascade semantics")
        self.has = self.received | self.active
        req = self.required
        self.first_unreceived[req & ~self.received & (self.first_unreceived == INF)] = t
        self.first_without[req & ~self.has & (self.first_without == INF)] = t

    # -- moving load onto backups ---------------------------------------------------------
    def _feeds(self) -> NDArray[np.bool_]:
        """Per link, whether its supplier delivers through it (not cut by a degraded
        supplier)."""
        return self.delivers[self.c.link_src] & ~self.cut

    def _open_links(self) -> None:
        """Links supply may pass: not a backup into a shed consumer, not a cut primary."""
        c = self.c
        link_open = ~(c.link_backup & ~np.isnan(self.shed_from)[c.link_dst]) & ~self.cut
        if not np.array_equal(link_open, self.link_open):
            self.link_open = link_open
            self.dirty = True

    def _own_load(self) -> NDArray[np.float64]:
        """Per pair, the load of its primary links into consumers that run (not down), the
        links a degraded supplier cut left out."""
        c, s = self.c, self.s
        assert self.loads is not None
        dst_node = c.pair_node[c.link_dst]
        runs = (s.status[dst_node] != DOWN) | self.area_pair[c.link_dst]
        carry = ~c.link_backup & runs & ~self.cut
        load = np.bincount(c.link_src[carry], weights=self.loads.flow[carry], minlength=c.n_pairs)
        return load.astype(np.float64, copy=False)

    def _move_load(self, t: float) -> bool:
        """Move the load of primary links that no longer deliver onto the consumers' backups
        that do; a backup without room sheds (in priority order) or trips. True when a
        consumer was shed or a backup tripped (supply must be computed again)."""
        if self.loads is None:
            return False
        c, s, ld = self.c, self.s, self.loads
        src_del = self._feeds()
        dst = c.link_dst
        dst_runs = (s.status[c.pair_node[dst]] != DOWN) | self.area_pair[dst]
        lost = ~c.link_backup & ~src_del & dst_runs & (ld.flow > 0)
        moved = np.bincount(dst[lost], weights=ld.flow[lost], minlength=c.n_pairs)
        # a consumer whose primary is back is no longer shed (down or not: while it is shed
        # and down, it cannot restart)
        lost_any = ~c.link_backup & ~src_del & (ld.flow > 0)
        still = np.bincount(dst[lost_any], minlength=c.n_pairs) > 0
        back = ~np.isnan(self.shed_from) & ~still
        ended = np.flatnonzero(back)
        if ended.size:
            # the backups open again and the consumer may count them: supply first
            self.shed_log.add(pair=ended, start=self.shed_from[ended], end=t)
            self.shed_from[back] = np.nan
            self.shed_by[back] = -1
            self._open_links()
            return True
        self._share_seen = self._node_shares()
        shed_now = ~np.isnan(self.shed_from)
        takes = c.link_backup & src_del & ~shed_now[dst] & (moved[dst] > 0)
        n_bk = np.bincount(dst[takes], minlength=c.n_pairs)
        share = np.where(takes, moved[dst] / np.maximum(n_bk[dst], 1), 0.0)
        own = self._own_load()
        extra = np.bincount(c.link_src[takes], weights=share[takes], minlength=c.n_pairs)
        total = own + extra
        cap = np.where(np.isnan(ld.capacity), INF, ld.capacity) * self._share_seen
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
                    link = self._lost_primary(int(dst[links[0]]), lost)
                    primary = int(c.pair_node[c.link_src[link]]) if link >= 0 else -1
                    self.tripped_by[v] = link
                    one = np.ones(1, dtype=np.int64)
                    cause = (one * int(c.pair_resource[b]), one * primary, one * primary)
                    code = np.full(1, int(CauseCode.OVERLOAD), dtype=np.int8)
                    self._go_down(one * v, t, code, cause)
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
                    link = self._lost_primary(q, lost)
                    self.shed_by[q] = int(c.pair_node[c.link_src[link]]) if link >= 0 else -1
                    shed_now[q] = True
                    changed = True
            total[b] = served  # what a shedding backup carries: what it kept
        assert self.peak is not None
        np.maximum(self.peak, total, out=self.peak)
        if changed:
            self._open_links()
        return changed

    def _node_shares(self) -> NDArray[np.float64]:
        """Per pair, the share of its capacity its node delivers now: the smallest
        ``degraded_share`` of the node's degraded requirements, 1 when none is degraded."""
        c = self.c
        degraded = ~np.isnan(self.s.degraded_from)
        node_share = np.ones(c.n_nodes)
        np.minimum.at(node_share, c.pair_node[degraded], self.degraded_share[degraded])
        return node_share[c.pair_node]

    def _degrade(self, t: float) -> bool:
        """Degraded suppliers shed downstream (design.md, "Degraded modes"): a node in a
        degraded mode delivers the smallest share of its degraded requirements; each of its
        pairs keeps its primary consumers that run in order of (priority, pair) while their
        load fits that share of its capacity and cuts the rest, whose load then moves onto
        their backups. A pair that congests carries on. A cut lasts until its supplier is back
        to full or no longer works, also when its consumer goes down meanwhile (a cut worked
        out anew would end there, let the consumer restart and cut it again, for ever). True
        when a cut began or ended."""
        if self.loads is None:
            return False
        c, s, ld = self.c, self.s, self.loads
        share = self._node_shares()
        supplier = c.link_src
        full = (share[supplier] >= 1.0) | (s.status[c.pair_node[supplier]] != WORKING)
        end = np.flatnonzero(self.cut & full)
        want = self.cut & ~full
        cap = np.where(np.isnan(ld.capacity), INF, ld.capacity) * share
        short = (share < 1.0) & (ld.mode != Overload.CONGEST) & np.isfinite(cap)
        short &= s.status[c.pair_node] == WORKING
        if short.any():
            dst = c.link_dst
            runs = (s.status[c.pair_node[dst]] != DOWN) | self.area_pair[dst]
            kept = ~c.link_backup & runs & short[supplier] & (ld.flow > 0) & ~want
            links = np.flatnonzero(kept)
            # per supplier pair, its consumers by (priority, consumer pair): keep while they fit
            order = links[np.lexsort((dst[links], ld.priority[dst[links]], supplier[links]))]
            src = supplier[order]
            flow = ld.flow[order]
            starts = np.r_[True, src[1:] != src[:-1]]
            group = np.cumsum(starts) - 1
            served = np.zeros(int(starts.sum()))
            for i, lk in enumerate(order.tolist()):
                g = group[i]
                if served[g] + flow[i] <= cap[src[i]] * (1 + 1e-9) + 1e-12:
                    served[g] += flow[i]
                else:
                    want[lk] = True
        begin = np.flatnonzero(want & ~self.cut)
        if begin.size == 0 and end.size == 0:
            return False
        self.cut_from[begin] = t
        if end.size:
            self.cut_log.add(link=end, start=self.cut_from[end], end=t)
            self.cut_from[end] = np.nan
        self.cut = want
        self._open_links()
        return True

    def _lost_primary(self, q: int, lost: NDArray[np.bool_]) -> int:
        """Consumer pair ``q``'s first primary link (in link order) that lost supply, -1 when
        none did."""
        c = self.c
        links = c.in_link[int(c.in_ptr[q]) : int(c.in_ptr[q + 1])]
        hit = links[lost[links]]
        return int(hit.min()) if hit.size else -1

    def _settle_buffers(self, t: float, holds: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Update the buffers at ``t`` (:func:`settle_pairs`); the pairs whose buffer is spent
        (not met, none left). Logs the losses and degraded intervals that end."""
        c, s = self.c, self.s
        statics = (c.pair_node, self.area_pair, self.required, self.full, self.degraded_h,
                   self.inp.pair_condition)  # fmt: skip
        buffers = (s.remaining, s.drain_from, s.loss_from, s.degraded_from)
        n_loss, n_deg = settle_pairs(
            t, holds, statics, (s.status, self.has), buffers, (self.spent, *self.ends)
        )
        if n_loss:
            end = self.ends[0][:n_loss].copy()
            self.loss_log.add(pair=end, start=s.loss_from[end], end=t)
            s.loss_from[end] = np.nan
        if n_deg:
            end = self.ends[1][:n_deg].copy()
            self.deg_log.add(pair=end, start=s.degraded_from[end], end=t)
            s.degraded_from[end] = np.nan
        return self.spent

    def _go_down(
        self,
        nodes: NDArray[np.int64],
        t: float,
        code: NDArray[np.int8],
        why: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    ) -> None:
        """Take ``nodes`` (distinct, not down) down at ``t`` with their causes: (resource,
        via, cause node) per node. A restarting node's outage goes on unbroken."""
        s = self.s
        res, via, cnode = why
        ptr = self.c.node_ptr
        if any_pair_delivers(nodes[s.status[nodes] == WORKING], ptr, (self.sol0[2], self.sol[2])):
            self.dirty = True  # supply is taken away: computed anew
        fresh = s.status[nodes] != RESTARTING
        s.status[nodes] = DOWN
        s.restart_done[nodes] = INF
        v = nodes[fresh]
        s.outage_from[v] = t
        self.oc_code[v], self.oc_res[v] = code[fresh], res[fresh]
        self.oc_via[v], self.oc_node[v] = via[fresh], cnode[fresh]
        first = ~np.isfinite(self.fail_time[v])
        w = v[first]
        if w.size == 0:
            return
        cw, nw = code[fresh][first], cnode[fresh][first]
        self.fail_time[w] = t
        self.cause[w] = cw
        self.cause_res[w] = res[fresh][first]
        self.cause_via[w] = via[fresh][first]
        self.cause_node[w] = nw
        self._set_orders(w, np.where(np.isin(cw, _INITIAL), -2, nw))

    def _set_orders(self, nodes: NDArray[np.int64], cause: NDArray[np.int64]) -> None:
        """Orders of ``nodes`` failing together: 1 for an initial failure (``cause`` -2),
        the cause node's order plus one, 2 when no cause node is known. A cause node failing
        in the same batch gets its order first."""
        pending = np.zeros(self.c.n_nodes, dtype=np.bool_)
        pending[nodes] = True
        todo = np.ones(nodes.size, dtype=np.bool_)
        while todo.any():
            ready = todo & ((cause < 0) | ~pending[np.maximum(cause, 0)])
            if not ready.any():  # nodes failing through each other: break the ring
                ready = todo
            idx = np.flatnonzero(ready)
            cn = cause[idx]
            # a cause in the same ring has no order yet (0): a failure caused by another is
            # of order 2 at least, never 1, which only an initial failure has
            up = np.where(cn >= 0, np.maximum(self.order[np.maximum(cn, 0)] + 1, 2), 2)
            self.order[nodes[idx]] = np.where(cn == -2, 1, up)
            pending[nodes[idx]] = False
            todo[idx] = False

    def _close(self, nodes: NDArray[np.int64], t: float) -> None:
        """End the open outages of ``nodes`` at ``t``."""
        if nodes.size == 0:
            return
        s = self.s
        self.out_log.add(node=nodes, start=s.outage_from[nodes], end=t, cause=self.oc_code[nodes],
                         resource=self.oc_res[nodes], via=self.oc_via[nodes],
                         cause_node=self.oc_node[nodes])  # fmt: skip
        s.outage_from[nodes] = np.nan

    def _instant(self, t: float, k0: int, k1: int) -> None:
        s = self.s
        self._accumulate_shares(t)
        self._close_restarted(t)
        if k1 > k0:
            tg = self.d_target[k0:k1]
            np.maximum.at(s.repaired_at, tg, self.d_repaired[k0:k1])
            nodes, first = np.unique(tg, return_index=True)
            keep = s.status[nodes] != DOWN
            nodes, first = nodes[keep], first[keep] + k0
            none = np.full(nodes.size, -1, dtype=np.int64)
            self._go_down(nodes, t, self.d_cause[first], (none, none, self.d_trigger[first]))
        holds = _condition_holds(self.inp, t)
        for _ in range(_MAX_ROUNDS):
            self._supply(t)
            if self._move_load(t):
                continue
            spent = self._settle_buffers(t, holds)
            if self._fail(t, spent, holds):
                continue
            # after the failures: a supplier whose degraded mode ends in failure keeps its
            # consumers cut until it is down, so their loss goes on unbroken
            if self._degrade(t):
                continue
            if self._restart(t, holds):
                continue
            if self.loads is not None and not np.array_equal(self._node_shares(), self._share_seen):
                continue  # a backup whose degraded share changed has other room
            self._measure_shares(t, holds)
            return
        raise ScenarioError(f"the process does not settle at {t:g} h")

    def _close_restarted(self, t: float) -> None:
        s = self.s
        done = np.flatnonzero((s.status == RESTARTING) & (s.restart_done <= t))
        s.status[done] = WORKING
        self.added.append(done)
        self._close(done, t)

    def _fail(self, t: float, spent: NDArray[np.bool_], holds: NDArray[np.bool_]) -> bool:
        c, s = self.c, self.s
        pairs = np.flatnonzero(spent & ~self.area_pair)
        if pairs.size == 0:
            return False
        # per node its first spent pair (pairs are sorted by node)
        nodes, first = np.unique(c.pair_node[pairs], return_index=True)
        keep = s.status[nodes] != DOWN
        nodes, pairs = nodes[keep], pairs[first[keep]]
        if nodes.size == 0:
            return False
        dry = self.is_store & (s.clock < INF)
        # the nodes failing now count as down, so that a chain names each failed node
        works = s.status == WORKING
        works[nodes] = False
        code, via, cnode = why_lost(
            pairs, (c.in_ptr, c.in_src), c.pair_node, self.delivers, works, dry
        )
        self._go_down(nodes, t, code, (c.pair_resource[pairs], via, cnode))
        # the next round settles the buffers again at t: the down nodes' buffers pause there
        return True

    def _restart(self, t: float, holds: NDArray[np.bool_]) -> bool:
        c, s = self.c, self.s
        cand = (s.status == DOWN) & (s.repaired_at <= t)
        tripped = cand & (self.tripped_by >= 0)
        if tripped.any():
            # a tripped backup is switched back once the primary link that moved the load
            # feeds again ("works again" would let a backup whose primary is a working carrier
            # without supply restart and trip again at once, for ever)
            tv = np.flatnonzero(tripped)
            back = self._feeds()[self.tripped_by[tv]]
            cand[tv[~back]] = False
            self.tripped_by[tv[back]] = -1
        nodes = np.flatnonzero(cand)
        if nodes.size == 0:
            return False
        needs = (self.required, self.has, s.remaining)
        ok = ready_to_restart(nodes, c.node_ptr, needs, (self.inp.pair_condition, holds))
        start = nodes[ok]
        if start.size == 0:
            return False
        rh = self.inp.restart_h[start]
        slow = start[rh > 0]
        s.status[slow] = RESTARTING
        s.restart_done[slow] = t + rh[rh > 0]
        now = start[rh <= 0]
        s.status[now] = WORKING
        self.added.append(now)
        self._close(now, t)
        if now.size or self.loads is not None:
            # they deliver again (supply anew), or they run again and draw their load
            return True
        # restarting nodes deliver nothing, so supply is as it was; their buffers drain from
        # now (none is spent: a restart needs supply or buffer left for every need)
        self._settle_buffers(t, holds)
        return False

    def _next_time(self, t: float, k: int) -> float:
        s, c = self.s, self.c
        nxt = float(self.d_time[k]) if k < self.d_time.size else INF
        nodes = (s.status, s.restart_done, s.repaired_at)
        buffers = (s.drain_from, s.remaining, self.degraded_h)
        stores = (self.stores, s.clock, c.pair_autonomy_h)
        nxt = min(nxt, next_pending(t, nodes, buffers, stores))
        return min(nxt, _bounds_after(self.inp, t))

    def run(self) -> ProcessResult:
        t = 0.0
        k = 0
        instants = 0
        while t <= self.horizon:
            self.times.append(t)
            k1 = int(np.searchsorted(self.d_time, t, side="right"))
            self._instant(t, k, k1)
            k = k1
            instants += 1
            t = self._next_time(t, k)
        return self._result(instants)

    def _by_start(
        self, start: NDArray[np.generic], key: NDArray[np.generic], n_keys: int
    ) -> NDArray[np.intp]:
        """The order of rows by (start, key): every start is an instant, so one integer key
        (the instant's place, then ``key``) sorts them in one pass instead of two."""
        place = np.searchsorted(np.asarray(self.times), start).astype(np.int64)
        return np.argsort(place * np.int64(n_keys) + key.astype(np.int64), kind="stable")

    def _result(self, instants: int) -> ProcessResult:
        c, s = self.c, self.s
        self._accumulate_shares(self.horizon)
        self._close(np.flatnonzero(~np.isnan(s.outage_from)), INF)
        open_loss = np.flatnonzero(~np.isnan(s.loss_from))
        self.loss_log.add(pair=open_loss, start=s.loss_from[open_loss], end=INF)
        open_shed = np.flatnonzero(~np.isnan(self.shed_from))
        self.shed_log.add(pair=open_shed, start=self.shed_from[open_shed], end=INF)
        open_deg = np.flatnonzero(~np.isnan(s.degraded_from))
        self.deg_log.add(pair=open_deg, start=s.degraded_from[open_deg], end=INF)
        open_cut = np.flatnonzero(self.cut)
        self.cut_log.add(link=open_cut, start=self.cut_from[open_cut], end=INF)
        out = self.out_log.columns()
        row = self._by_start(out["start"], out["node"], c.n_nodes)
        loss = self.loss_log.columns()
        lrow = self._by_start(loss["start"], loss["pair"], c.n_pairs)
        # areas: their first loss of any service is their "failure" (unless an event was first)
        lp, ls = loss["pair"][lrow], loss["start"][lrow]
        area = np.flatnonzero(self.area_pair[lp])
        # rows are by start, then pair: the first row of each area node is its first loss
        a_nodes, a_first = np.unique(c.pair_node[lp[area]], return_index=True)
        rows_first = area[a_first]
        first = np.full(c.n_nodes, INF)
        first[a_nodes] = ls[rows_first]
        earlier = first < self.fail_time
        self.cause_res[a_nodes[earlier[a_nodes]]] = c.pair_resource[lp[rows_first]][
            earlier[a_nodes]
        ]
        self.fail_time[earlier] = first[earlier]
        self.cause[earlier] = int(CauseCode.PATH)
        self.order[earlier] = 2
        ft = np.where(self.fail_time > self.horizon, INF, self.fail_time)
        cut = self.horizon
        received = np.where(self.first_unreceived > cut, INF, self.first_unreceived)
        without = np.where(self.first_without > cut, INF, self.first_without)
        received[~self.required] = np.nan
        without[~self.required] = np.nan
        deg = self.deg_log.columns()
        shed = self.shed_log.columns()
        return ProcessResult(
            compiled=c,
            horizon_h=self.horizon,
            fail_time=ft,
            order=self.order,
            cause=self.cause,
            cause_node=self.cause_node,
            cause_via=self.cause_via,
            cause_resource=self.cause_res,
            outage_node=out["node"][row].astype(np.int64, copy=False),
            outage_start=out["start"][row].astype(np.float64, copy=False),
            outage_end=out["end"][row].astype(np.float64, copy=False),
            outage_cause=out["cause"][row].astype(np.int8, copy=False),
            outage_resource=out["resource"][row].astype(np.int64, copy=False),
            outage_via=out["via"][row].astype(np.int64, copy=False),
            outage_cause_node=out["cause_node"][row].astype(np.int64, copy=False),
            loss_pair=lp.astype(np.int64, copy=False),
            loss_start=ls.astype(np.float64, copy=False),
            loss_end=loss["end"][lrow].astype(np.float64, copy=False),
            receive_time=received,
            supply_end=without,
            degraded=tuple(
                (int(c.pair_node[p]), int(c.pair_resource[p]), float(a), float(b))
                for p, a, b in zip(
                    deg["pair"].tolist(), deg["start"].tolist(), deg["end"].tolist(), strict=True
                )
            ),
            instants=instants,
            share_hours=self.share_hours,
            share_peak=self.share_peak,
            hinder_hours=self.hinder_hours,
            hinder_peak=self.hinder_peak,
            share_from=np.where(self.share_from > self.horizon, INF, self.share_from),
            peak_load=self.peak,
            shed=_rows(shed, "pair"),
            cut=_rows(self.cut_log.columns(), "link"),
        )


def _rows(cols: dict[str, NDArray[np.generic]], key: str) -> tuple[tuple[int, float, float], ...]:
    """(key, start, end) rows sorted by start, then key."""
    row = np.lexsort((cols[key], cols["start"]))
    return tuple(
        (int(k), float(a), float(b))
        for k, a, b in zip(
            cols[key][row].tolist(),
            cols["start"][row].tolist(),
            cols["end"][row].tolist(),
            strict=True,
        )
    )


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
