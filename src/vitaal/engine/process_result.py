"""What the process (:mod:`vitaal.engine.process`) takes and gives: damage, restart times,
conditions, degraded modes and loads in; outages, service losses and the recovery out."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.cascade import CascadeResult
from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import CompiledModel
from vitaal.errors import ScenarioError

__all__ = [
    "Damage",
    "LoadInputs",
    "Outage",
    "Overload",
    "ProcessInputs",
    "ProcessResult",
    "ServiceLoss",
]

INF = math.inf


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
    """What the process did, as arrays.

    ``fail_time``, ``order``, ``cause``, ``cause_node``, ``cause_via`` and ``cause_resource``
    describe each node's *first* outage as :class:`~vitaal.engine.cascade.CascadeResult` does.
    Every outage is a row of the ``outage_*`` columns (node, start, end: ``inf`` when not back
    within the horizon, cause, resource, via, cause node), sorted by start then node; every
    loss of a needed service (its buffer spent) a row of the ``loss_*`` columns (pair, start,
    end). :attr:`outages` and :attr:`losses` give them as records. ``degraded`` lists (node,
    resource, start, end) of degraded operation; ``shed`` (pair, start, end) of consumers a
    backup shed; ``cut`` (link, start, end) of primary links a degraded supplier cut (its
    consumer shed downstream, its load moved onto backups); ``peak_load`` is per pair the
    highest load carried, moved load included (for
    a backup that trips or congests, what was moved onto it; for one that sheds, what it
    kept) (``None`` without loads). ``receive_time`` and ``supply_end`` are per pair the first
    time it was not received and without the resource.

    For service areas, ``share_hours`` is per pair the integral over the horizon of the share
    of the area without the service (1 while its buffer is spent and nothing reaches it; the
    weight of its primary feeds that fail, while others still deliver and no backup takes
    over); ``share_peak`` the largest share and ``share_from`` when a share was first lost.
    ``hinder_hours`` and ``hinder_peak`` are the same for the share of an area that keeps the
    service but by a detour (``docs/engine.md``, "Hindrance").
    """

    compiled: CompiledModel
    horizon_h: float
    fail_time: NDArray[np.float64]
    order: NDArray[np.int64]
    cause: NDArray[np.int8]
    cause_node: NDArray[np.int64]
    cause_via: NDArray[np.int64]
    cause_resource: NDArray[np.int64]
    outage_node: NDArray[np.int64]
    outage_start: NDArray[np.float64]
    outage_end: NDArray[np.float64]
    outage_cause: NDArray[np.int8]
    outage_resource: NDArray[np.int64]
    outage_via: NDArray[np.int64]
    outage_cause_node: NDArray[np.int64]
    loss_pair: NDArray[np.int64]
    loss_start: NDArray[np.float64]
    loss_end: NDArray[np.float64]
    receive_time: NDArray[np.float64]
    supply_end: NDArray[np.float64]
    degraded: tuple[tuple[int, int, float, float], ...] = ()
    instants: int = 0
    share_hours: NDArray[np.float64] | None = None
    share_peak: NDArray[np.float64] | None = None
    share_from: NDArray[np.float64] | None = None
    peak_load: NDArray[np.float64] | None = None
    shed: tuple[tuple[int, float, float], ...] = ()
    hinder_hours: NDArray[np.float64] | None = None
    hinder_peak: NDArray[np.float64] | None = None
    cut: tuple[tuple[int, float, float], ...] = ()

    @property
    def outages(self) -> tuple[Outage, ...]:
        """Every outage as a record (O(outages): for small results and tests)."""
        return tuple(
            Outage(int(v), float(a), float(b), CauseCode(int(c)), int(r), int(w), int(x))
            for v, a, b, c, r, w, x in zip(
                self.outage_node.tolist(), self.outage_start.tolist(),
                self.outage_end.tolist(), self.outage_cause.tolist(),
                self.outage_resource.tolist(), self.outage_via.tolist(),
                self.outage_cause_node.tolist(), strict=True,
            )
        )  # fmt: skip

    @property
    def losses(self) -> tuple[ServiceLoss, ...]:
        """Every loss of a needed service as a record."""
        return tuple(
            ServiceLoss(int(p), float(a), float(b))
            for p, a, b in zip(
                self.loss_pair.tolist(), self.loss_start.tolist(), self.loss_end.tolist(),
                strict=True,
            )
        )  # fmt: skip

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
        rows = np.flatnonzero(self.outage_node == v)
        return list(zip(self.outage_start[rows].tolist(), self.outage_end[rows].tolist(),
                        strict=True))  # fmt: skip

    def losses_of(self, node_id: str, resource_id: str) -> list[tuple[float, float]]:
        p = self.compiled.pair_of(node_id, resource_id)
        if p is None:
            return []
        rows = np.flatnonzero(self.loss_pair == p)
        return list(zip(self.loss_start[rows].tolist(), self.loss_end[rows].tolist(),
                        strict=True))  # fmt: skip

    def hours_down(self) -> NDArray[np.float64]:
        """Per node, the hours it delivered nothing within the horizon."""
        h = self.horizon_h
        keep = self.outage_start < h
        spans = np.minimum(self.outage_end[keep], h) - self.outage_start[keep]
        out = np.zeros(self.compiled.n_nodes)
        np.add.at(out, self.outage_node[keep], spans)
        return out

    def first_loss(self) -> NDArray[np.float64]:
        """Per pair, when it was first without the service, its buffer spent (``inf``: never)."""
        out = np.full(self.compiled.n_pairs, INF)
        np.minimum.at(out, self.loss_pair, self.loss_start)
        return out

    def lost_hours(self) -> NDArray[np.float64]:
        """Per pair, the hours within the horizon without the service (buffer spent)."""
        h = self.horizon_h
        keep = self.loss_start < h
        spans = np.minimum(self.loss_end[keep], h) - self.loss_start[keep]
        out = np.zeros(self.compiled.n_pairs)
        np.add.at(out, self.loss_pair[keep], spans)
        return out

    def service_hours(self, hindrance: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
        """Per pair, the hours without the service within the horizon, for a service area
        weighted by the share of it without (:attr:`share_hours`), else :meth:`lost_hours`.
        For the resources ``hindrance`` marks (per resource), a service area's hours by a
        detour (:attr:`hinder_hours`) count too: what the impact indicator counts as
        hindrance."""
        out = self.lost_hours()
        c = self.compiled
        area = c.node_kind[c.pair_node] == 1
        if self.share_hours is not None:
            out[area] = self.share_hours[area]
        if hindrance is not None and self.hinder_hours is not None:
            hinder = area & hindrance[c.pair_resource]
            out[hinder] += self.hinder_hours[hinder]
        return out

    def service_from(self) -> NDArray[np.float64]:
        """Per pair, when it first lost the service (for a service area: any share of it)."""
        out = self.first_loss()
        if self.share_from is not None:
            area = self.compiled.node_kind[self.compiled.pair_node] == 1
            out[area] = np.minimum(out[area], self.share_from[area])
        return out

    def recovery_curve(self, nodes: NDArray[np.int64]) -> tuple[list[float], list[float]]:
        """The share of ``nodes`` working over time: the times where it changes, and the share
        from each time on (a step function; 1.0 before the first outage)."""
        chosen = np.zeros(self.compiled.n_nodes, dtype=np.bool_)
        chosen[nodes] = True
        total = int(chosen.sum())
        if total == 0:
            return [0.0], [1.0]
        h = self.horizon_h
        rows = chosen[self.outage_node] & (self.outage_start <= h)
        ends = self.outage_end[rows]
        times = np.concatenate([self.outage_start[rows], ends[ends <= h]])
        steps = np.concatenate([-np.ones(int(rows.sum())), np.ones(int((ends <= h).sum()))])
        at, inverse = np.unique(times, return_inverse=True)
        delta = np.zeros(at.size)
        np.add.at(delta, inverse, steps)
        up = total + np.cumsum(delta)
        out_t, out_s = [0.0], [1.0]
        for t, u in zip(at.tolist(), up.tolist(), strict=True):
            if t == out_t[-1]:
                out_s[-1] = u / total
            else:
                out_t.append(t)
                out_s.append(u / total)
        return out_t, out_s
