"""The decision agenda of the Vaktafel: closing the tactical gap.

For each shortfall (a capacity exhaustion year under the scenarios' growth) and each
replacement (an end of life), the year it is needed, the lead time, and so the latest decision
year ``floor(need - lead)``. A like-for-like replacement with no capacity or coupling issue
goes to its owner's ROUTINE list (``vitaal/data/agenda.yaml``); the rest is the table's
agenda, ranked by consequence (the A-E scale of the impact indicator, see
:mod:`vitaal.method.stake`), then lateness. A decision upstream along primary supply links
(the station before the substation it feeds) is a prerequisite of the decisions downstream: it
inherits their urgency and their consequence, and comes before them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vitaal.engine.compile import CompiledModel
from vitaal.method.agenda_rules import AgendaRules, agenda_rules
from vitaal.method.challenged import Questioned, challenged_by
from vitaal.method.findings import owners_of
from vitaal.method.impact import CLASSES
from vitaal.method.levels import Reach, level_by_stake
from vitaal.method.stake import Stake, consequence, served_through
from vitaal.method.stations import RouteStations
from vitaal.method.ways import way_for_level
from vitaal.model.enums import Level
from vitaal.model.model import Model
from vitaal.model.names import names

#: the levels from the least to the most reach, for the ranking
LEVEL_ORDER = (Level.OPERATIONAL, Level.TACTICAL, Level.STRATEGIC)

__all__ = ["Issues", "Need", "build_agenda", "decide_by", "lateness", "split_agenda"]


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


@dataclass(frozen=True, slots=True)
class Issues:
    """What the model says about components beyond their own needs, for the routine rule:
    components whose capacity runs out (``short``) or has no headroom in the base year, the
    single points of failure above the table's threshold, the couplings across systems each
    component is a member of, and per single point of failure its loss after restoration
    (``losses``: :func:`~vitaal.method.agenda_rules.assess_single_point`), what a replacement
    puts at stake; per challenge what it questions (``challenges``:
    :func:`~vitaal.method.challenged.questioned`)."""

    short: frozenset[str] = frozenset()
    no_headroom: frozenset[str] = frozenset()
    single_points: frozenset[str] = frozenset()
    coupled: Mapping[str, list[str]] = field(default_factory=dict)
    losses: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    challenges: Mapping[str, Questioned] = field(default_factory=dict)


def status_for(decide_by_year: int | None, base_year: int) -> str:
    """Where a decision stands in the base year: ``overdue`` (its latest year has passed),
    ``due`` (this year), ``upcoming``, or ``unknown`` (no latest year).

    >>> [status_for(y, 2026) for y in (2025, 2026, 2030, None)]
    ['overdue', 'due', 'upcoming', 'unknown']
    """
    if decide_by_year is None:
        return "unknown"
    if decide_by_year < base_year:
        return "overdue"
    return "due" if decide_by_year == base_year else "upcoming"


def lateness(need_year: int, effective_decide_by: int | None, base_year: int) -> tuple[int, int]:
    """``(since, years)`` for an overdue decision: since the need year when that has already
    passed (a component past its end of life), else since the latest decision year.

    >>> lateness(1990, 1989, 2026), lateness(2029, 2025, 2026)
    ((1990, 36), (2025, 1))
    """
    since = need_year if need_year < base_year else effective_decide_by
    if since is None:
        raise ValueError("an overdue decision has a decision year")
    return since, base_year - since


def _resource_names(model: Model, resource: str | None) -> tuple[str, str]:
    r = model.resources.get(resource or "")
    if r is None:
        return (resource or "?", resource or "?")
    return (r.name, r.name_nl or r.name)


def _texts(
    need: Need,
    name: dict[str, str],
    lead: float | None,
    status: str,
    when: tuple[int | None, int],
    resource: tuple[str, str],
) -> dict[str, str]:
    """``when``: the latest decision year and, for an overdue item, ``(since, years)`` in
    its place."""
    lead_en = (
        f"{lead:g} year{'' if lead == 1 else 's'}" if lead is not None else "an unknown lead time"
    )
    lead_nl = (
        f"{lead:g}".replace(".", ",") + " jaar"
        if lead is not None
        else "een onbekende doorlooptijd"
    )
    by, years = when
    if status == "overdue":
        by_en = f"overdue since {by}, {years} year{'s' if years != 1 else ''}"
        by_nl = f"te laat sinds {by}, {years} jaar"
    elif by is None:
        by_en, by_nl = "decision year unknown", "besluitjaar onbekend"
    else:
        by_en, by_nl = f"decide by {by}", f"besluit uiterlijk in {by}"
    if need.kind == "shortfall":
        return {
            "en": f"{name['en']}: {resource[0].lower()} capacity runs out in {need.need_year}; "
            f"reinforcement takes {lead_en}: {by_en}",
            "nl": f"{name['nl']}: de capaciteit voor {resource[1].lower()} raakt op in "
            f"{need.need_year}; "
            f"versterken kost {lead_nl}: {by_nl}",
        }
    return {
        "en": f"{name['en']}: end of life in {need.need_year}; replacement takes {lead_en}: "
        f"{by_en}",
        "nl": f"{name['nl']}: einde levensduur in {need.need_year}; vervangen kost {lead_nl}: "
        f"{by_nl}",
    }


def _issues_of(
    need: Need, issues: Issues, prerequisite_of: list[str], rules: AgendaRules
) -> list[dict[str, Any]]:
    """The issues that keep ``need`` on the table, each ``{code, text, detail}``."""
    cid = need.component
    found: list[tuple[str, list[str]]] = []
    if need.kind == "shortfall" or cid in issues.short:
        found.append(("shortfall", [need.resource] if need.resource else []))
    if prerequisite_of:
        found.append(("prerequisite", prerequisite_of))
    if cid in issues.no_headroom:
        found.append(("no_headroom", []))
    if cid in issues.coupled:
        found.append(("coupling", list(issues.coupled[cid])))
    if cid in issues.single_points:
        found.append(("single_point_of_failure", []))
    questioned_by = challenged_by(issues.challenges, cid, need.kind)
    if questioned_by:
        found.append(("challenged", questioned_by))
    return [{"code": c, "text": dict(rules.issues[c]), "detail": d} for c, d in found]


def _stake(
    model: Model, compiled: CompiledModel, need: Need, issues: Issues, rules: AgendaRules
) -> tuple[Stake, str | None]:
    """What a decision puts at stake, and the asset whose loss that is when it is another one.

    A reinforcement: everyone served through the component along its resource (they are
    curtailed or refused when it runs short). A replacement: what the component's failure
    costs once repaired and restarted (its loss as a single point of failure; nothing when its
    consumers have another supply); and, since the works touch the assets it shares a fate
    with (a site or a structure: ``rules.stake_coupling_kinds`` among ``issues.coupled``), the
    loss of the one among them whose loss is the worst, when that is worse than its own. An
    asset only beside it is not at stake this way. Its cost goes with it either way."""
    if need.kind == "shortfall":
        people, cfs = served_through(model, compiled, need.component, need.resource)
        return Stake(people, cfs, None), None
    cost = model.components[need.component].replacement_cost_eur
    touched = sorted(
        {
            m
            for cp in issues.coupled.get(need.component, ())
            if model.couplings[cp].kind.value in rules.stake_coupling_kinds
            for m in model.couplings[cp].members
            if m != need.component and m in issues.losses
        }
    )
    candidates = [(need.component, issues.losses.get(need.component))]
    candidates += [(m, issues.losses[m]) for m in touched]
    known = [(c, loss) for c, loss in candidates if loss is not None]
    if not known:
        return Stake(0, (), cost), None
    # the worst loss: the highest class, then the most people and person-hours; the
    # component's own first on a tie
    asset, loss = max(
        known,
        key=lambda cl: (
            CLASSES.index(cl[1]["class"]),
            cl[1]["people_out"],
            cl[1]["person_hours"],
            cl[0] == need.component,
        ),
    )
    stake = Stake(
        loss["people_out"],
        tuple(loss["critical_functions_out"]),
        cost,
        float(loss["person_hours"]),
    )
    return stake, (None if asset == need.component else asset)


def _organisations(
    model: Model, iid: str, uniq: Mapping[str, Need], tied: list[str], found: list[dict[str, Any]]
) -> tuple[str, ...]:
    """The organisations a decision involves: the owners of its component, of the components
    of the decisions tied to it (``tied``: prerequisites and what waits for it) and of the
    assets it shares a site or structure with."""
    comps = [uniq[iid].component, *(uniq[t].component for t in tied)]
    for issue in found:
        if issue["code"] == "coupling":
            for cp in issue["detail"]:
                comps += list(model.couplings[cp].members)
    return owners_of(model, comps)


def _order(
    uniq: dict[str, Need],
    deps: dict[str, list[str]],
    rank: dict[str, tuple[Any, ...]],
) -> list[str]:
    """Topological order of the items (a prerequisite before what depends on it), choosing
    next the available item with the smallest ``rank``; a cycle of prerequisites (possible
    across resources) is broken at its best-ranked item."""
    dependents: dict[str, list[str]] = {iid: [] for iid in uniq}
    for iid, ds in deps.items():
        for d in ds:
            dependents[d].append(iid)
    waiting = {iid: len(set(ds)) for iid, ds in deps.items()}
    heap = [(rank[i], i) for i, w in waiting.items() if w == 0]
    heapq.heapify(heap)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(uniq):
        if not heap:
            heap.append(min((rank[i], i) for i in uniq if i not in done))
        _, iid = heapq.heappop(heap)
        if iid in done:
            continue
        done.add(iid)
        order.append(iid)
        for d in set(dependents[iid]):
            waiting[d] -= 1
            if waiting[d] == 0 and d not in done:
                heapq.heappush(heap, (rank[d], d))
    return order


def _inherit(deps: dict[str, list[str]], value: dict[str, Any], better: Any) -> dict[str, Any]:
    """``value`` with each prerequisite taking the best (``better(a, b)`` true when ``a``
    beats ``b``) of what depends on it, transitively."""
    eff = dict(value)
    work = list(deps)
    while work:
        iid = work.pop()
        e = eff[iid]
        if e is None:
            continue
        for d in deps[iid]:
            cur = eff[d]
            if cur is None or better(e, cur):
                eff[d] = e
                work.append(d)
    return eff


def build_agenda(
    model: Model,
    compiled: CompiledModel,
    needs: list[Need],
    stations: RouteStations,
    issues: Issues | None = None,
    rules: AgendaRules | None = None,
) -> list[dict[str, Any]]:
    """The agenda items for ``needs``, table and ROUTINE alike (``routine`` says which),
    ordered (see ``docs/method.md``, ``agenda``).

    Order: topological (a prerequisite before what depends on it), choosing next among the
    available items the highest consequence class (a prerequisite inherits the highest of
    what depends on it), then overdue before due before upcoming, the most years late, the
    earliest effective decision year, the most critical functions, people and money, and
    the smallest id. O(I log I + walks along the supply links).
    """
    base = model.info.base_year
    known = issues if issues is not None else Issues()
    rule = rules if rules is not None else agenda_rules()
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
    dependents: dict[str, list[str]] = {iid: [] for iid in uniq}
    for iid, ds in deps.items():
        for d in ds:
            dependents[d].append(iid)
    lead_of = {iid: model.components[n.component].lead_time_y for iid, n in uniq.items()}
    own = {iid: decide_by(n.need_year, lead_of[iid]) for iid, n in uniq.items()}
    # a prerequisite inherits the earliest decision year of what depends on it
    eff = _inherit(deps, own, lambda a, b: a < b)
    for iid, e in eff.items():
        # a date inherited from what waits for it is never later than the item's own need:
        # with its own lead time unknown, its need year is the latest it can be decided
        if own[iid] is None and e is not None and e > uniq[iid].need_year:
            eff[iid] = uniq[iid].need_year
    found = {iid: _issues_of(n, known, sorted(dependents[iid]), rule) for iid, n in uniq.items()}
    stakes: dict[str, Stake] = {}
    through: dict[str, str | None] = {}
    cls: dict[str, str] = {}
    why: dict[str, str] = {}
    for iid, n in uniq.items():
        stakes[iid], through[iid] = _stake(model, compiled, n, known, rule)
        cls[iid], why[iid] = consequence(model, stakes[iid])
    eff_cls = _inherit(deps, cls, lambda a, b: CLASSES.index(a) > CLASSES.index(b))
    orgs_of = {
        iid: _organisations(model, iid, uniq, deps[iid] + dependents[iid], found[iid])
        for iid in uniq
    }
    levels = {
        iid: level_by_stake(
            Reach(eff_cls[iid], stakes[iid].cost_eur, lead_of[iid], len(orgs_of[iid]))
        )
        for iid in uniq
    }

    def status_of(iid: str) -> str:
        return status_for(eff[iid], base)

    def late(iid: str) -> tuple[int | None, int]:
        if status_of(iid) != "overdue":
            return eff[iid], 0
        return lateness(uniq[iid].need_year, eff[iid], base)

    def rank(iid: str) -> tuple[Any, ...]:
        st = stakes[iid]
        e = eff[iid]
        return (
            -CLASSES.index(eff_cls[iid]),
            -LEVEL_ORDER.index(levels[iid][0]),
            {"overdue": 0, "due": 1, "upcoming": 2, "unknown": 3}[status_of(iid)],
            -late(iid)[1],
            e if e is not None else 10**6,
            -len(st.critical_functions),
            -st.people,
            -(st.cost_eur or 0.0),
        )

    ranks = {iid: rank(iid) for iid in uniq}
    items = []
    for iid in _order(uniq, deps, ranks):
        n = uniq[iid]
        comp = model.components[n.component]
        status = status_of(iid)
        owners = owners_of(model, [n.component])
        orgs = orgs_of[iid]
        level, level_reason = levels[iid]
        routine = n.kind == "replacement" and not found[iid] and level is Level.OPERATIONAL
        sub = model.subsystems.get(comp.subsystem)
        since, years = late(iid)
        items.append(
            {
                "id": iid,
                "kind": n.kind,
                "component": n.component,
                "name": comp.name,
                "name_nl": comp.name_nl,
                "subsystem": comp.subsystem,
                "system": sub.system if sub is not None else None,
                "resource": n.resource,
                "need_year": n.need_year,
                "lead_time_y": lead_of[iid],
                "decide_by": own[iid],
                "effective_decide_by": eff[iid],
                "status": status,
                "red": status == "overdue",
                "overdue_since": since if status == "overdue" else None,
                "years_overdue": years if status == "overdue" else 0,
                "depends_on": deps[iid],
                "unlocks": sorted(dependents[iid]),
                "owners": list(owners),
                "owner": owners[0] if owners else None,
                "station": stations.station_for(n.kind),
                "level": level.value,
                "level_reason": level_reason,
                "organisations": list(orgs),
                "way_of_working": way_for_level(level).value,
                "routine": routine,
                "issues": found[iid],
                "challenged_by": next(
                    (i["detail"] for i in found[iid] if i["code"] == "challenged"), []
                ),
                **stakes[iid].as_dict(),
                "consequence": eff_cls[iid],
                "consequence_own": cls[iid],
                # a class inherited from what waits for it says so
                "consequence_by": why[iid] if eff_cls[iid] == cls[iid] else "dependents",
                "consequence_through": through[iid] if eff_cls[iid] == cls[iid] else None,
                "scenario": n.scenario,
                "text": _texts(
                    n,
                    names(comp),
                    lead_of[iid],
                    status,
                    (since, years),
                    _resource_names(model, n.resource),
                ),
            }
        )
    return items


def _bundle_text(owner: str, sub_name: tuple[str, str], b: dict[str, Any]) -> dict[str, str]:
    n, late_n = b["count"], b["overdue"]
    cost = b["replacement_cost_eur"]
    cost_en = f"; EUR {cost:,.0f}" if cost else ""
    cost_nl = f"; EUR {cost:,.0f}".replace(",", ".") if cost else ""
    if late_n:
        y = b["years_overdue"]
        late_en = (
            f", {late_n} overdue (the oldest since {b['overdue_since']}, "
            f"{y} year{'' if y == 1 else 's'})"
        )
        late_nl = f", waarvan {late_n} te laat (de oudste sinds {b['overdue_since']}, {y} jaar)"
    else:
        late_en = late_nl = ""
    first, last = b["first_year"], b["last_year"]
    years = f"{first}" if first == last else f"{first}-{last}"
    return {
        "en": f"{owner}, {sub_name[0]}: {n} like-for-like replacement(s) {years}{late_en}{cost_en}",
        "nl": f"{owner}, {sub_name[1]}: {n} gelijkwaardige vervanging(en) {years}{late_nl}"
        f"{cost_nl}",
    }


def split_agenda(model: Model, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The table's agenda and the owners' ROUTINE lists from :func:`build_agenda`'s items.

    Returns ``items`` (the table's, in order), ``routine`` (per owner, by owner: ``{owner,
    count, overdue, bundles}``, a bundle per subsystem with its count, the overdue ones and
    how late the oldest is, the years and the cost, and its items' ids) and
    ``routine_items`` (the ROUTINE items themselves, by owner, subsystem, need year, id).
    """
    table = [it for it in items if not it["routine"]]
    rest = sorted(
        (it for it in items if it["routine"]),
        key=lambda it: (it["owner"] or "", it["subsystem"], it["need_year"], it["id"]),
    )
    owners: dict[str, dict[str, dict[str, Any]]] = {}
    for it in rest:
        b = owners.setdefault(it["owner"] or "", {}).setdefault(
            it["subsystem"],
            {
                "subsystem": it["subsystem"],
                "system": it["system"],
                "count": 0,
                "overdue": 0,
                "overdue_since": None,
                "years_overdue": 0,
                "first_year": it["need_year"],
                "last_year": it["need_year"],
                "replacement_cost_eur": 0.0,
                "cost_unknown": 0,
                "items": [],
            },
        )
        b["count"] += 1
        b["last_year"] = max(b["last_year"], it["need_year"])
        if it["status"] == "overdue":
            b["overdue"] += 1
            if it["years_overdue"] > b["years_overdue"]:
                b["overdue_since"], b["years_overdue"] = it["overdue_since"], it["years_overdue"]
        if it["cost_eur"] is None:
            b["cost_unknown"] += 1
        else:
            b["replacement_cost_eur"] += float(it["cost_eur"])
        b["items"].append(it["id"])
    routine = []
    for owner in sorted(owners):
        bundles = []
        for sub_id, b in sorted(owners[owner].items()):
            sub = model.subsystems.get(sub_id)
            names = (sub.name, sub.name_nl or sub.name) if sub is not None else (sub_id, sub_id)
            bundles.append({**b, "text": _bundle_text(owner or "-", names, b)})
        routine.append(
            {
                "owner": owner or None,
                "count": sum(b["count"] for b in bundles),
                "overdue": sum(b["overdue"] for b in bundles),
                "bundles": bundles,
            }
        )
    return {"items": table, "routine": routine, "routine_items": rest}
