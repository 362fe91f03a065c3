"""The decision agenda of the Vaktafel: closing the tactical gap.

For each shortfall (a capacity exhaustion year under the scenarios' growth) and each
replacement (an end of life), the year it is needed, the lead time, and so the latest decision
year ``floor(need - lead)``. Decisions come in order: a decision upstream along primary supply
links (the station before the substation it feeds) is a prerequisite of the decisions
downstream and inherits their urgency; overdue decisions go on top.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Any

from vitaal.engine.compile import CompiledModel
from vitaal.method.findings import level_for, owners_of
from vitaal.method.stations import RouteStations
from vitaal.method.ways import way_for_level
from vitaal.model.model import Model

__all__ = ["Need", "build_agenda", "decide_by"]


@dataclass(frozen=True, slots=True)
class Need:
    """Something that must be in place by ``need_year``: a reinforcement of ``component``
    for ``resource`` (``kind="shortfall"``) or its replacement (``kind="replacement"``)."""

    kind: str
    component: str
    need_year: int
    resource: str | None = None
    scenario: str | None = None

    @property
    def id(self) -> str:
        if self.kind == "shortfall":
            return f"shortfall:{self.component}|{self.resource}"
        return f"replacement:{self.component}"


def decide_by(need_year: int, lead_time_y: float | None) -> int | None:
    """The latest year to decide: the need year minus the lead time, rounded down.

    >>> decide_by(2031, 2.5), decide_by(2031, None)
    (2028, None)
    """
    if lead_time_y is None or not math.isfinite(lead_time_y):
        return None
    return math.floor(need_year - lead_time_y)


def _walk_resources(cm: CompiledModel, v: int, resource: int | None) -> list[int]:
    """The pairs of node ``v`` to walk upstream from: the need's resource, else every resource
    ``v`` delivers, else every resource it needs."""
    lo, hi = int(cm.node_ptr[v]), int(cm.node_ptr[v + 1])
    pairs = list(range(lo, hi))
    if resource is not None:
        return [p for p in pairs if int(cm.pair_resource[p]) == resource]
    out = [p for p in pairs if int(cm.out_ptr[p + 1]) > int(cm.out_ptr[p])]
    return out or [p for p in pairs if bool(cm.pair_required[p])]


def _prerequisites(
    cm: CompiledModel, need: Need, by_node: dict[int, list[tuple[str, int | None]]]
) -> list[str]:
    """The nearest agenda items upstream of ``need`` along primary supply links."""
    v = cm.node_index[need.component]
    r = cm.resource_index.get(need.resource) if need.resource is not None else None
    found: dict[str, None] = {}
    seen: set[int] = set()
    stack = _walk_resources(cm, v, r)
    while stack:
        p = stack.pop()
        for j in range(int(cm.in_ptr[p]), int(cm.in_ptr[p + 1])):
            if bool(cm.link_backup[int(cm.in_link[j])]):
                continue
            q = int(cm.in_src[j])
            if q in seen:
                continue
            seen.add(q)
            u = int(cm.pair_node[q])
            rq = int(cm.pair_resource[q])
            hits = [iid for iid, ir in by_node.get(u, ()) if ir is None or ir == rq]
            if hits:
                for iid in hits:
                    found.setdefault(iid, None)
            else:
                stack.append(q)
    return sorted(found)


def _texts(need: Need, name: str, lead: float | None, by: int | None) -> dict[str, str]:
    lead_en = f"{lead:g} years" if lead is not None else "an unknown lead time"
    lead_nl = f"{lead:g} jaar" if lead is not None else "een onbekende doorlooptijd"
    by_en = f"decide by {by}" if by is not None else "decision year unknown"
    by_nl = f"besluit uiterlijk in {by}" if by is not None else "besluitjaar onbekend"
    if need.kind == "shortfall":
        return {
            "en": f"{name}: {need.resource} capacity runs out in {need.need_year}; "
            f"reinforcement takes {lead_en}: {by_en}",
            "nl": f"{name}: de capaciteit voor {need.resource} raakt op in {need.need_year}; "
            f"versterken kost {lead_nl}: {by_nl}",
        }
    return {
        "en": f"{name}: end of life in {need.need_year}; replacement takes {lead_en}: {by_en}",
        "nl": f"{name}: einde levensduur in {need.need_year}; vervangen kost {lead_nl}: {by_nl}",
    }


def build_agenda(
    model: Model, compiled: CompiledModel, needs: list[Need], stations: RouteStations
) -> list[dict[str, Any]]:
    """The agenda items for ``needs``, ordered (see ``docs/method.md``, ``agenda``).

    Order: topological (a prerequisite before what depends on it), choosing next among the
    available items the overdue one, then the earliest effective decision year, then the
    smallest id; items without any decision year come last. A cycle of prerequisites (possible
    across resources) is broken at its most urgent item. O(I log I + walks upstream).
    """
    base = model.info.base_year
    uniq: dict[str, Need] = {}
    for n in needs:
        old = uniq.get(n.id)
        if old is None or n.need_year < old.need_year:
            uniq[n.id] = n
    # Only a reinforcement waits for decisions upstream: more load can reach a substation only
    # once the station upstream can carry it (reinforced, or upsized when it is replaced). A
    # like-for-like replacement waits for nothing.
    by_node: dict[int, list[tuple[str, int | None]]] = {}
    for n in uniq.values():
        r = compiled.resource_index.get(n.resource) if n.resource is not None else None
        by_node.setdefault(compiled.node_index[n.component], []).append((n.id, r))
    deps = {
        iid: [d for d in _prerequisites(compiled, n, by_node) if d != iid]
        if n.kind == "shortfall"
        else []
        for iid, n in uniq.items()
    }
    own: dict[str, int | None] = {}
    lead_of: dict[str, float | None] = {}
    for iid, n in uniq.items():
        lead = model.components[n.component].lead_time_y
        lead_of[iid] = lead
        own[iid] = decide_by(n.need_year, lead)
    # a prerequisite inherits the earliest decision year of what depends on it
    eff = dict(own)
    dependents: dict[str, list[str]] = {iid: [] for iid in uniq}
    for iid, ds in deps.items():
        for d in ds:
            dependents[d].append(iid)
    work = list(uniq)
    while work:
        iid = work.pop()
        e = eff[iid]
        if e is None:
            continue
        for d in deps[iid]:
            cur = eff[d]
            if cur is None or e < cur:
                eff[d] = e
                work.append(d)

    def key(iid: str) -> tuple[int, int, str]:
        e = eff[iid]
        if e is None:
            return (2, 0, iid)
        return (0 if e < base else 1, e, iid)

    waiting = {iid: len(set(ds)) for iid, ds in deps.items()}
    heap = [key(i) for i, w in waiting.items() if w == 0]
    heapq.heapify(heap)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(uniq):
        if not heap:  # a cycle: take its most urgent item
            rest = min(key(i) for i in uniq if i not in done)
            heap.append(rest)
        k = heapq.heappop(heap)
        iid = k[2]
        if iid in done:
            continue
        done.add(iid)
        order.append(iid)
        for d in set(dependents[iid]):
            waiting[d] -= 1
            if waiting[d] == 0 and d not in done:
                heapq.heappush(heap, key(d))

    items = []
    for iid in order:
        n = uniq[iid]
        comp = model.components[n.component]
        e = eff[iid]
        status = (
            "unknown"
            if e is None
            else ("overdue" if e < base else "due" if e == base else "upcoming")
        )
        owners = owners_of(model, [n.component])
        linked = bool(deps[iid] or dependents[iid])
        level = level_for(2 if linked else 1)
        sub = model.subsystems.get(comp.subsystem)
        items.append(
            {
                "id": iid,
                "kind": n.kind,
                "component": n.component,
                "name": comp.name,
                "subsystem": comp.subsystem,
                "system": sub.system if sub is not None else None,
                "resource": n.resource,
                "need_year": n.need_year,
                "lead_time_y": lead_of[iid],
                "decide_by": own[iid],
                "effective_decide_by": e,
                "status": status,
                "red": status == "overdue",
                "depends_on": deps[iid],
                "owners": list(owners),
                "owner": owners[0] if owners else None,
                "station": stations.station_for(n.kind),
                "level": level.value,
                "way_of_working": way_for_level(level).value,
                "scenario": n.scenario,
                "text": _texts(n, comp.name or comp.id, lead_of[iid], own[iid]),
            }
        )
    return items
