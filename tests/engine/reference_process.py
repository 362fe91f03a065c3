"""A slow, obviously correct reference of the process (``run_process``), from the documented
rules (``docs/engine.md``, "Restoration, conditions and degraded modes", "Shedding, not
tripping"; ``design.md``, "Beyond on/off"), written on the model records and plain dicts.

Time runs over every whole hour from 0 to the horizon (the tests draw only whole-hour inputs,
so nothing can happen between two whole hours). At each instant ``t``:

1. restarts due at ``t`` complete (the node works; its outage ends at ``t``);
2. damage due at ``t`` takes its target down (a restarting target: its outage goes on
   unbroken) and moves its repair time to the latest one given;
3. then, until a whole round changes nothing:

   a. **supply**, the least fixed point over the working nodes: a pair receives when at least
      ``k`` of its open links come from pairs that deliver; a pair of a working node delivers
      when it is a producer, a store within its autonomy, or a carrier (or store) that
      receives. A store's clock starts the first time it does not receive when only producers
      count as origins, and is never reset; it is within its autonomy while
      ``t < clock + autonomy``. A node *has* a resource when it receives it, or is a store of
      it within its autonomy. A link is open unless it is a backup link into a shed consumer,
      or a primary link cut by a degraded supplier;
   b. **moving load** (with loads): see below; a round that sheds, trips or ends a shed
      starts again;
   c. **buffers**: a requirement is met when the node has the resource, or its condition does
      not hold at ``t``. A met requirement's buffer is full again (``buffer_h + degraded_h``).
      An unmet one drains while its node runs (working or restarting; a service area always
      runs) and pauses while it is down. It is *spent* when nothing is left; a service loss
      runs from the moment it is spent to the moment it is met again. It is *degraded* while
      it drains with ``0 < left <= degraded_h``;
   d. **failures**: a node that is not a service area and not down, with a spent
      requirement, goes down (an outage starts, unless it was restarting);
   e. **cuts by degraded suppliers** (with loads), after the failures, so that a supplier
      whose degraded mode ends in failure at this instant cuts nothing: see below;
   f. **restarts**: a down node whose repair is done (never damaged: done), that was not
      tripped or whose tripping primary link feeds again, and each of whose requirements is met,
      or has buffer left, starts restarting; with no restart time it works at once.

   A round in which anything changes (a shed, a trip, a cut, a node's state, the share a
   degraded node delivers) is followed by another.
4. Each service area's share without each service it needs is measured and held until the
   next instant.

Moving load (``docs/engine.md``, "Shedding, not tripping"). A node *runs* when it is not
down (a service area always runs). A primary link *feeds* when its supplier delivers and it
is not cut. The load (flow) of each primary link that does not feed, into a consumer that
runs, moves onto that consumer's backup links whose supplier delivers (unless the consumer is
shed), shared equally. A backup's own load is the flow of its primary links that feed
consumers that run, not cut. Its capacity is ``capacity x`` the share its node delivers
(1, or while degraded the smallest ``degraded_share`` of its degraded requirements). Every
backup is judged on the same state of the round, in pair order: one whose own load plus
what moved onto it exceeds its capacity (relative tolerance 1e-9) acts, unless every consumer
moved onto it is shed already: ``congest`` carries on; ``trip`` goes down until the first
primary link (in link order) that lost supply of the first consumer (in link order) moved
onto it feeds again (its supplier delivers: "works again" would let a backup whose primary is
a working carrier without supply restart and trip again at once, for ever); ``shed`` keeps
the moved consumers not shed yet by (priority, pair) while each fits what is left of its room
(capacity minus own load) and sheds the rest. A shed consumer's backup links all carry
nothing, until every primary link into it that carries load feeds again.

Cuts by degraded suppliers (the rule "degraded modes shed downstream"). While a working node
is degraded, each of its pairs whose overload mode is not ``congest`` and whose capacity is
finite keeps its primary consumers that run (links with load, not cut) by (priority, pair)
while each fits ``degraded_share x capacity`` less what the ones kept before it take, and cuts
the rest. A cut lasts until its supplier is no longer degraded or no longer works, also when
its consumer goes down or room appears (the rule says the cut ends when the node leaves
degraded mode).

Service areas (partial service). Per service an area needs: 0 while the requirement is met
through its condition not holding; 1 once its buffer is spent; 0 while its buffer bridges a
loss (the requirement unmet, buffer left: "an area's buffer bridges only a total loss");
otherwise 0 when a backup link that is open and whose supplier delivers reaches it, else the
weight of its primary links that do not feed over the weight of all its primary links. The
weight of a link is its flow when the loads give any primary link into that area's pair one,
else 1.

Read from ``engine/process.py`` where the documents are silent:

- "serves the moved consumers in priority order while they fit" and "kept ... while their
  flow fits": a consumer that does not fit is shed (cut) and the next ones are still tried;
- a shed ends only when no primary link into the consumer that carries load lacks supply
  (whatever the consumer's state), not when room appears;
- several damages of one node: it is repaired at the latest of their repair times;
- the process stops after the instant at the horizon; intervals still open end at ``inf``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from vitaal.model import Model, Role

__all__ = ["CaseLoads", "ProcessCase", "ReferenceResult", "reference_process"]

INF = math.inf
WORKING, DOWN, RESTARTING = "working", "down", "restarting"
#: relative tolerance when load is set against capacity
TOL = 1e-9
#: rounds at one instant before the reference gives up (the process does not settle)
MAX_ROUNDS = 1000

Pair = tuple[str, str]
LinkKey = tuple[str, str, str]


@dataclass(frozen=True)
class CaseLoads:
    """Loads on plain dicts: ``flow`` per primary link ``(supplier, consumer, resource)``
    (missing: 0), ``capacity`` per pair (missing or NaN: unlimited), ``mode`` per pair
    (``shed``, ``trip`` or ``congest``; missing: ``shed``), ``priority`` per node (lower is
    served first; missing: 0)."""

    flow: Mapping[LinkKey, float]
    capacity: Mapping[Pair, float]
    mode: Mapping[Pair, str]
    priority: Mapping[str, int]


@dataclass(frozen=True)
class ProcessCase:
    """A model and what a scenario does to it: ``damage`` as (target, time, repair hours),
    restart hours per node, each condition's intervals ``[start, end)``, optional loads and
    the horizon (whole hours). Requirements name their conditions and degraded modes in the
    model."""

    model: Model
    damage: tuple[tuple[str, float, float], ...]
    restart_h: Mapping[str, float]
    conditions: Mapping[str, tuple[tuple[float, float], ...]]
    loads: CaseLoads | None
    horizon: int


@dataclass
class ReferenceResult:
    """Intervals ``(..., start, end)`` sorted, ``end`` ``inf`` when still open at the horizon:
    outages per node, service losses, sheds and degraded spans per pair, cuts per link; per
    service-area pair the hours without the service, weighted by the share without."""

    outages: list[tuple[str, float, float]] = field(default_factory=list)
    losses: list[tuple[str, str, float, float]] = field(default_factory=list)
    shed: list[tuple[str, str, float, float]] = field(default_factory=list)
    degraded: list[tuple[str, str, float, float]] = field(default_factory=list)
    cuts: list[tuple[str, str, str, float, float]] = field(default_factory=list)
    share_hours: dict[Pair, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Link:
    supplier: str
    consumer: str
    resource: str
    backup: bool

    @property
    def src(self) -> Pair:
        return (self.supplier, self.resource)

    @property
    def dst(self) -> Pair:
        return (self.consumer, self.resource)

    @property
    def key(self) -> LinkKey:
        return (self.supplier, self.consumer, self.resource)


def reference_process(case: ProcessCase) -> ReferenceResult:
    """Run ``case`` by the rules in this module's docstring."""
    return _Reference(case).run()


class _Reference:
    def __init__(self, case: ProcessCase) -> None:
        m = case.model
        self.case = case
        self.nodes = list(m.node_ids())
        self.areas = set(m.areas)
        node_pos = {v: i for i, v in enumerate(self.nodes)}
        res_pos = {r: i for i, r in enumerate(m.resources)}
        self.links = [
            _Link(lk.supplier, lk.consumer, lk.resource, lk.role is Role.BACKUP)
            for lk in m.supply.values()
        ]
        pairs = {lk.src for lk in self.links} | {lk.dst for lk in self.links}
        pairs |= {(q.consumer, q.resource) for q in m.requirements.values()}
        self.pairs = sorted(pairs, key=lambda p: (node_pos[p[0]], res_pos[p[1]]))
        self.pair_pos = {p: i for i, p in enumerate(self.pairs)}
        self.into: dict[Pair, list[_Link]] = {p: [] for p in self.pairs}
        self.out_of: dict[Pair, list[_Link]] = {p: [] for p in self.pairs}
        for lk in self.links:
            self.into[lk.dst].append(lk)
            self.out_of[lk.src].append(lk)
        self.required = {p for p in self.pairs if self.into[p]}
        self.required |= {(q.consumer, q.resource) for q in m.requirements.values()}
        self.req = {(q.consumer, q.resource): q for q in m.requirements.values()}
        self.producer = {p for p in self.pairs if self.out_of[p] and p not in self.required}
        self.passes = {p for p in self.required if self.out_of[p]}
        self.autonomy = {
            (s.component, s.resource): s.autonomy_h
            for s in m.stores.values()
            if (s.component, s.resource) in self.required
        }
        self.full = {p: self._buffer(p) + self._degraded_h(p) for p in self.required}
        self.needs = {
            v: [p for p in self.pairs if p[0] == v and p in self.required] for v in self.nodes
        }
        # a service area's feeds weigh their flow when the loads give any of them one
        self.by_flow = {
            p for p in self.required
            if case.loads is not None and any(self._flow(lk) > 0 for lk in self.into[p])
        }  # fmt: skip
        # state
        self.status = dict.fromkeys(self.nodes, WORKING)
        self.repaired_at = dict.fromkeys(self.nodes, -INF)
        self.restart_done = dict.fromkeys(self.nodes, INF)
        self.tripped_by: dict[str, _Link] = {}
        self.outage_from: dict[str, float] = {}
        self.remaining = dict(self.full)
        self.drain_from: dict[Pair, float] = {}
        self.clock = dict.fromkeys(self.autonomy, INF)
        self.loss_from: dict[Pair, float] = {}
        self.degraded_from: dict[Pair, float] = {}
        self.shed_from: dict[Pair, float] = {}
        self.cut_from: dict[LinkKey, float] = {}
        self.received: set[Pair] = set()
        self.delivers: set[Pair] = set()
        self.has: set[Pair] = set()
        self.share_seen: dict[str, float] = {}
        self.share_now: dict[Pair, float] = {}
        self.out = ReferenceResult()
        self.out.share_hours = {p: 0.0 for p in self.required if p[0] in self.areas}

    # -- the records ---------------------------------------------------------------------------
    def _buffer(self, p: Pair) -> float:
        q = self.req.get(p)
        return q.buffer_h if q is not None else 0.0

    def _k(self, p: Pair) -> int:
        q = self.req.get(p)
        return q.k if q is not None else 1

    def _degraded_h(self, p: Pair) -> float:
        q = self.req.get(p)
        return q.degraded_h if q is not None else 0.0

    def _degraded_share(self, p: Pair) -> float:
        q = self.req.get(p)
        if q is None or q.degraded_share is None:
            return 1.0
        return q.degraded_share

    def _in_condition(self, p: Pair, t: float) -> bool:
        q = self.req.get(p)
        if q is None or q.condition is None:
            return True
        spans = self.case.conditions.get(q.condition, ())
        return any(a <= t < b for a, b in spans)

    def _flow(self, lk: _Link) -> float:
        assert self.case.loads is not None
        return 0.0 if lk.backup else float(self.case.loads.flow.get(lk.key, 0.0))

    def _capacity(self, p: Pair) -> float:
        assert self.case.loads is not None
        cap = self.case.loads.capacity.get(p, INF)
        return INF if math.isnan(cap) else cap * self._node_share(p[0])

    def _mode(self, p: Pair) -> str:
        assert self.case.loads is not None
        return self.case.loads.mode.get(p, "shed")

    def _rank(self, p: Pair) -> tuple[int, int]:
        assert self.case.loads is not None
        return (self.case.loads.priority.get(p[0], 0), self.pair_pos[p])

    # -- small facts of the state ----------------------------------------------------------------
    def _runs(self, v: str) -> bool:
        return v in self.areas or self.status[v] != DOWN

    def _open(self, lk: _Link) -> bool:
        if lk.backup and lk.dst in self.shed_from:
            return False
        return lk.key not in self.cut_from

    def _feeds(self, lk: _Link) -> bool:
        return lk.src in self.delivers and lk.key not in self.cut_from

    def _node_share(self, v: str) -> float:
        """The share of its capacity node ``v`` delivers: the smallest degraded share of its
        degraded requirements, 1 when none is degraded."""
        shares = [self._degraded_share(p) for p in self.degraded_from if p[0] == v]
        return min(shares, default=1.0)

    # -- a. supply --------------------------------------------------------------------------------
    def _least(self, origins: set[Pair]) -> tuple[set[Pair], set[Pair]]:
        """(pairs that receive, pairs that deliver): the least fixed point, grown from nothing."""
        received: set[Pair] = set()
        delivers: set[Pair] = set()
        grew = True
        while grew:
            grew = False
            for p in self.pairs:
                count = sum(1 for lk in self.into[p] if self._open(lk) and lk.src in delivers)
                if p not in received and count >= self._k(p):
                    received.add(p)
                    grew = True
                source = p in origins or (p in self.passes and p in received)
                if p not in delivers and source and self.status[p[0]] == WORKING:
                    delivers.add(p)
                    grew = True
        return received, delivers

    def _supply(self, t: float) -> None:
        from_producers, _ = self._least(self.producer)
        for p in self.autonomy:
            if self.clock[p] == INF and p not in from_producers:
                self.clock[p] = t
        active = {p for p, a in self.autonomy.items() if t < self.clock[p] + a}
        self.received, self.delivers = self._least(self.producer | active)
        self.has = self.received | active

    # -- b. moving load ------------------------------------------------------------------------
    def _own_load(self, b: Pair) -> float:
        return sum(
            self._flow(lk)
            for lk in self.out_of[b]
            if not lk.backup and self._runs(lk.consumer) and lk.key not in self.cut_from
        )

    def _lost_primaries(self, q: Pair) -> list[_Link]:
        return [
            lk
            for lk in self.into[q]
            if not lk.backup and self._flow(lk) > 0 and self._runs(lk.consumer)
            and not self._feeds(lk)
        ]  # fmt: skip

    def _move(self, t: float) -> bool:
        if self.case.loads is None:
            return False
        self.share_seen = {v: self._node_share(v) for v in self.nodes}
        ended = False
        for q in list(self.shed_from):
            if all(self._feeds(lk) for lk in self.into[q] if not lk.backup and self._flow(lk) > 0):
                self.out.shed.append((*q, self.shed_from.pop(q), t))
                ended = True
        if ended:
            return True
        # per backup link: the share of the moved load it takes
        takes: dict[LinkKey, float] = {}
        lost = {q: self._lost_primaries(q) for q in self.pairs}
        for q in self.pairs:
            if q in self.shed_from:
                continue
            moved = sum(self._flow(lk) for lk in lost[q])
            backups = [lk for lk in self.into[q] if lk.backup and lk.src in self.delivers]
            for lk in backups if moved > 0 else []:
                takes[lk.key] = moved / len(backups)
        # every backup is judged on the load of this round, in pair order
        own = {b: self._own_load(b) for b in self.pairs}
        changed = False
        for b in self.pairs:
            moved_on = [lk for lk in self.out_of[b] if lk.key in takes]
            cap = self._capacity(b)
            if not moved_on or own[b] + sum(takes[lk.key] for lk in moved_on) <= cap * (1 + TOL):
                continue
            live = [lk for lk in moved_on if lk.dst not in self.shed_from]
            if self._mode(b) == "congest" or not live:
                continue
            if self._mode(b) == "trip":
                if self.status[b[0]] == WORKING:
                    self.tripped_by[b[0]] = lost[live[0].dst][0]
                    self._go_down(b[0], t)
                    changed = True
                continue
            room = cap - own[b]
            for lk in sorted(live, key=lambda x: self._rank(x.dst)):
                if takes[lk.key] <= room * (1 + TOL) + 1e-12:
                    room -= takes[lk.key]
                else:
                    self.shed_from[lk.dst] = t
                    changed = True
        return changed

    # -- c. buffers ----------------------------------------------------------------------------
    def _settle(self, t: float) -> set[Pair]:
        """Update every buffer at ``t``; the requirements whose buffer is spent."""
        spent: set[Pair] = set()
        for p in sorted(self.required, key=self.pair_pos.__getitem__):
            met = p in self.has or not self._in_condition(p, t)
            runs = self._runs(p[0])
            if not runs and p in self.drain_from:  # pause: what was used stays used
                self.remaining[p] -= t - self.drain_from.pop(p)
            if met:
                self.remaining[p] = self.full[p]
                self.drain_from.pop(p, None)
            elif runs and p not in self.drain_from:
                self.drain_from[p] = t
            left = self.remaining[p] - (t - self.drain_from[p] if p in self.drain_from else 0.0)
            if not met and runs and left <= 0:
                spent.add(p)
                self.loss_from.setdefault(p, t)
            if met and p in self.loss_from:
                self.out.losses.append((*p, self.loss_from.pop(p), t))
            degraded = not met and runs and 0 < left <= self._degraded_h(p)
            if degraded:
                self.degraded_from.setdefault(p, t)
            elif p in self.degraded_from:
                self.out.degraded.append((*p, self.degraded_from.pop(p), t))
        return spent

    # -- d. cuts by degraded suppliers -----------------------------------------------------------
    def _cut(self, t: float) -> bool:
        if self.case.loads is None:
            return False
        changed = False
        for key in list(self.cut_from):
            v = key[0]
            if self.status[v] != WORKING or self._node_share(v) >= 1.0:
                self.out.cuts.append((*key, self.cut_from.pop(key), t))
                changed = True
        for b in self.pairs:
            v = b[0]
            if self.status[v] != WORKING or self._node_share(v) >= 1.0:
                continue
            if self._mode(b) == "congest" or math.isinf(self._capacity(b)):
                continue
            room = self._capacity(b)
            kept = [
                lk for lk in self.out_of[b]
                if not lk.backup and self._flow(lk) > 0 and self._runs(lk.consumer)
                and lk.key not in self.cut_from
            ]  # fmt: skip
            for lk in sorted(kept, key=lambda x: self._rank(x.dst)):
                if self._flow(lk) <= room * (1 + TOL) + 1e-12:
                    room -= self._flow(lk)
                else:
                    self.cut_from[lk.key] = t
                    changed = True
        return changed

    # -- e. failures, f. restarts ------------------------------------------------------------------
    def _go_down(self, v: str, t: float) -> None:
        if self.status[v] != RESTARTING:
            self.outage_from[v] = t
        self.status[v] = DOWN
        self.restart_done[v] = INF

    def _work_again(self, v: str, t: float) -> None:
        self.status[v] = WORKING
        self.restart_done[v] = INF
        self.out.outages.append((v, self.outage_from.pop(v), t))

    def _fail(self, t: float, spent: set[Pair]) -> bool:
        hit = {p[0] for p in spent if p[0] not in self.areas and self.status[p[0]] != DOWN}
        for v in hit:
            self._go_down(v, t)
        return bool(hit)

    def _restart(self, t: float) -> bool:
        changed = False
        for v in self.nodes:
            if self.status[v] != DOWN or self.repaired_at[v] > t:
                continue
            trip = self.tripped_by.get(v)
            if trip is not None:
                if not self._feeds(trip):
                    continue
                del self.tripped_by[v]
            if not all(
                p in self.has or not self._in_condition(p, t) or self.remaining[p] > 0
                for p in self.needs[v]
            ):
                continue
            changed = True
            if self.case.restart_h.get(v, 0.0) > 0:
                self.status[v] = RESTARTING
                self.restart_done[v] = t + self.case.restart_h[v]
            else:
                self._work_again(v, t)
        return changed

    # -- 4. service areas ------------------------------------------------------------------------
    def _weight(self, lk: _Link) -> float:
        return self._flow(lk) if lk.dst in self.by_flow else 1.0

    def _measure_shares(self, t: float) -> None:
        for p in self.out.share_hours:
            feeds = [lk for lk in self.into[p] if not lk.backup]
            total = sum(self._weight(lk) for lk in feeds)
            lost = sum(self._weight(lk) for lk in feeds if not self._feeds(lk))
            covered = any(
                lk.backup and self._open(lk) and lk.src in self.delivers for lk in self.into[p]
            )
            if not self._in_condition(p, t):
                share = 0.0
            elif p in self.loss_from:
                share = 1.0
            elif p not in self.has:
                share = 0.0  # its buffer bridges the loss
            elif covered or total == 0:
                share = 0.0
            else:
                share = lost / total
            self.share_now[p] = share

    # -- the instants ----------------------------------------------------------------------------
    def _instant(self, t: float) -> None:
        for v in self.nodes:
            if self.status[v] == RESTARTING and self.restart_done[v] <= t:
                self._work_again(v, t)
        for target, at, repair in self.case.damage:
            if at == t:
                self.repaired_at[target] = max(self.repaired_at[target], at + repair)
                if self.status[target] != DOWN:
                    self._go_down(target, t)
        for _ in range(MAX_ROUNDS):
            self._supply(t)
            if self._move(t):
                continue
            spent = self._settle(t)
            if self._fail(t, spent):
                continue
            if self._cut(t):
                continue
            if self._restart(t):
                continue
            if self.case.loads is not None and self.share_seen != {
                v: self._node_share(v) for v in self.nodes
            }:
                continue
            self._measure_shares(t)
            return
        raise RuntimeError(f"the reference process does not settle at {t} h")

    def run(self) -> ReferenceResult:
        h = self.case.horizon
        for t in range(h + 1):
            self._instant(float(t))
            if t < h:
                for p, share in self.share_now.items():
                    self.out.share_hours[p] += share
        o = self.out
        o.outages += [(v, a, INF) for v, a in self.outage_from.items()]
        o.losses += [(*p, a, INF) for p, a in self.loss_from.items()]
        o.shed += [(*p, a, INF) for p, a in self.shed_from.items()]
        o.degraded += [(*p, a, INF) for p, a in self.degraded_from.items()]
        o.cuts += [(*k, a, INF) for k, a in self.cut_from.items()]
        for rows in (o.outages, o.losses, o.shed, o.degraded, o.cuts):
            rows.sort()
        return o
