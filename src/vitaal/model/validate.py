"""Validation of a whole model: every problem, each with where it is and what was expected.

Field-level problems (a bad number, an unknown enum value) are found while reading; this
module finds what only the whole model shows: unknown ids, dangling suppliers, unit mismatches,
negative or missing capacities, impossible years, k larger than the number of suppliers,
geometry outside the coordinate system's range, and components or consumers that cannot
receive a resource they need even before anything has failed. Cycles of dependencies across
resources (power needs control, control needs power) are legal and not reported.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import shapely
from shapely.errors import ShapelyError

from vitaal.catalog import data_mapping, load_data
from vitaal.errors import Loc, Problem, Severity
from vitaal.model.enums import CongestionStatus, EditOp
from vitaal.model.model import Model
from vitaal.model.records import CHALLENGE_ACTIONS, Challenge, Component, Plan, Scenario
from vitaal.model.units import Quantity, UnitError, dimension_of

#: The most primary and backup suppliers one consumer may have for one resource: the compiled
#: sweep packs the count in 24 bits (``vitaal.engine._kernels.MAX_SUPPLIERS``; not imported
#: here, so that validation does not load the engine).
MAX_SUPPLIERS = (1 << 24) - 1

# RD New covers the Netherlands: x 0-300 km, y 289-629 km (with a margin for the sea).
_RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(
        self,
        loc: Loc | None,
        field: str | None,
        found: str,
        expected: str,
        record: str | None = None,
    ) -> None:
        where = loc.at(field) if loc is not None else None
        self.problems.append(Problem(where, field, found, expected, Severity.ERROR, record))

    def warn(
        self,
        loc: Loc | None,
        field: str | None,
        found: str,
        expected: str,
        record: str | None = None,
    ) -> None:
        where = loc.at(field) if loc is not None else None
        self.problems.append(Problem(where, field, found, expected, Severity.WARNING, record))


#: what a plan records of the city's project standard (``Plan.standard``)
STANDARD_ANSWERS = ("applied", "explained")


def validate_model(
    model: Model, records: Mapping[str, Collection[str]] | None = None, *, across: bool = True
) -> list[Problem]:
    """Every problem of ``model`` as a whole, errors and warnings, in file order.

    ``records``: per table (``components``, ``areas``, ``critical_functions``, ``plans``,
    ``scenarios``, ``challenges``, ``couplings``, ``side_outputs``), the keys whose own fields
    are checked; a table not named is not checked record by record. ``None``: every record.
    The checks that span tables (units of resources, supply links, requirements, stores, the
    supply paths) run whole, unless ``across`` is false: for a model whose resources, supply
    links, requirements, stores, node ids and capacities are those of a checked one. For a
    model that differs from a checked one only in the named records (an intervention that sets
    or adds them, :func:`~vitaal.method.interventions.check_intervention`), this finds every
    problem the changes can make.

    Complexity: O(V + E) over nodes and supply links, plus one geometry check per record
    checked.
    """

    def each(table: str, rows: Mapping[str, Any]) -> Iterable[Any]:
        if records is None:
            return rows.values()
        return [rows[k] for k in records.get(table, ()) if k in rows]

    c = _Collector()
    kinds = set(data_mapping("kinds", "kinds")) | set(model.info.kinds)
    hazards = data_mapping("hazards", "hazards")
    categories = data_mapping("categories", "categories")
    transitions = data_mapping("transitions", "transitions")
    priorities = [str(cat["id"]) for cat in load_data("priority")["categories"]]
    stations = [str(st["id"]) for st in load_data("route_stations")["stations"]]
    base = model.info.base_year

    for resource in model.resources.values() if across else ():
        try:
            dimension_of(resource.unit)
        except UnitError:
            c.error(
                resource.loc,
                "unit",
                repr(resource.unit),
                "a unit of vitaal/data/units.yaml",
                resource.id,
            )

    for sub in model.subsystems.values():
        if sub.system not in model.systems:
            c.error(sub.loc, "system", repr(sub.system), "an existing system id", sub.id)

    rd = model.info.crs.upper().replace(" ", "") in ("EPSG:28992",)
    for comp in each("components", model.components):
        _check_component(c, model, comp, kinds, hazards, base)
        _check_geometry(c, comp.loc, comp.id, comp.geometry, rd)
    for area in each("areas", model.areas):
        _check_geometry(c, area.loc, area.id, area.geometry, rd)
        if area.built_from is not None and area.built_from > base:
            c.error(
                area.loc,
                "built_from",
                str(area.built_from),
                f"a year up to the base year {base}",
                area.id,
            )
    for cf in each("critical_functions", model.critical_functions):
        if cf.category not in categories:
            c.error(cf.loc, "category", repr(cf.category), f"one of {', '.join(categories)}", cf.id)
        if cf.area is not None and cf.area not in model.areas:
            c.error(cf.loc, "area", repr(cf.area), "an existing service area id", cf.id)
        _check_geometry(c, cf.loc, cf.id, cf.geometry, rd)

    suppliers: dict[tuple[str, str], list[str]] = defaultdict(list)
    for link in model.supply.values() if across else ():
        ok = True
        if link.supplier not in model.components:
            what = (
                "a consumer, which cannot supply"
                if model.is_node(link.supplier)
                else "an unknown id"
            )
            c.error(link.loc, "supplier", f"'{link.supplier}' ({what})", "an existing component id")
            ok = False
        if not model.is_node(link.consumer):
            c.error(
                link.loc,
                "consumer",
                f"'{link.consumer}' (an unknown id)",
                "an existing component, area or critical function id",
            )
            ok = False
        if link.resource not in model.resources:
            c.error(link.loc, "resource", repr(link.resource), "an existing resource id")
            ok = False
        if link.supplier == link.consumer:
            c.error(
                link.loc,
                "consumer",
                f"'{link.consumer}' supplying itself",
                "a different supplier and consumer",
            )
            ok = False
        if ok:
            suppliers[(link.consumer, link.resource)].append(link.supplier)

    for (consumer, res), sups in suppliers.items():
        if len(sups) > MAX_SUPPLIERS:
            rec = (
                model.components.get(consumer)
                or model.areas.get(consumer)
                or model.critical_functions.get(consumer)
            )
            c.error(
                rec.loc if rec is not None else None,
                "supply",
                f"{len(sups)} suppliers of {res}",
                f"at most {MAX_SUPPLIERS} (group them behind a carrier)",
                consumer,
            )

    needs: dict[tuple[str, str], tuple[int, Loc | None]] = {}
    for key in suppliers:
        needs[key] = (1, None)
    for req in model.requirements.values() if across else ():
        rid = f"{req.consumer}|{req.resource}"
        ok = True
        if not model.is_node(req.consumer):
            c.error(
                req.loc,
                "consumer",
                f"'{req.consumer}' (an unknown id)",
                "an existing component, area or critical function id",
                rid,
            )
            ok = False
        if req.resource not in model.resources:
            c.error(req.loc, "resource", repr(req.resource), "an existing resource id", rid)
            ok = False
        if not ok:
            continue
        n = len(suppliers.get((req.consumer, req.resource), []))
        if n == 0:
            c.error(
                req.loc,
                "resource",
                f"'{req.consumer}' needs {req.resource} but has no supplier of it",
                "at least one supply link to it for this resource",
                rid,
            )
        elif req.k > n:
            c.error(
                req.loc,
                "k",
                f"k = {req.k} with only {n} supplier(s)",
                f"k at most {n}, the number of its suppliers",
                rid,
            )
        needs[(req.consumer, req.resource)] = (req.k, req.loc)

    for store in model.stores.values() if across else ():
        sid = f"{store.component}|{store.resource}"
        if store.component not in model.components:
            c.error(store.loc, "component", repr(store.component), "an existing component id", sid)
        elif store.resource not in model.resources:
            c.error(store.loc, "resource", repr(store.resource), "an existing resource id", sid)
        elif (store.component, store.resource) not in needs:
            c.warn(
                store.loc,
                "resource",
                f"a store of {store.resource} that receives none",
                "a store fed by supply links of the resource (a producer needs no autonomy)",
                sid,
            )

    for cp in each("couplings", model.couplings):
        if len(cp.members) < 2:
            c.error(cp.loc, "members", f"{len(cp.members)} member(s)", "at least two", cp.id)
        for m in cp.members:
            if m not in model.components:
                c.error(cp.loc, "members", repr(m), "an existing component id", cp.id)
    for so in each("side_outputs", model.side_outputs):
        if so.component not in model.components:
            c.error(so.loc, "component", repr(so.component), "an existing component id", so.id)
        for s in so.usable_by:
            if s not in model.systems:
                c.error(so.loc, "usable_by", repr(s), "an existing system id", so.id)
    for ch in each("challenges", model.challenges):
        _check_challenge(c, model, ch)

    for plan in each("plans", model.plans):
        if plan.system is not None and plan.system not in model.systems:
            c.error(plan.loc, "system", repr(plan.system), "an existing system id", plan.id)
        for st in plan.stations_passed:
            if st not in stations:
                c.error(
                    plan.loc,
                    "stations_passed",
                    repr(st),
                    f"a station of vitaal/data/route_stations.yaml: {', '.join(stations)}",
                    plan.id,
                )
        if plan.standard is not None and plan.standard not in STANDARD_ANSWERS:
            c.error(
                plan.loc,
                "standard",
                repr(plan.standard),
                f"one of {', '.join(STANDARD_ANSWERS)}",
                plan.id,
            )
        if plan.priority is not None and plan.priority not in priorities:
            c.error(
                plan.loc,
                "priority",
                repr(plan.priority),
                f"a category of vitaal/data/priority.yaml: {', '.join(priorities)}",
                plan.id,
            )
        for a in plan.areas:
            if a not in model.areas:
                c.error(plan.loc, "areas", repr(a), "an existing service area id", plan.id)
        _check_area_shares(c, plan)
        for field, series in (("homes", plan.homes), ("jobs", plan.jobs)):
            for year in series:
                if year < base - 50:
                    c.error(
                        plan.loc,
                        field,
                        f"year {year}",
                        f"a year from {base - 50} on (base year {base})",
                        plan.id,
                    )
        for res, by_year in plan.demand.items():
            if res not in model.resources:
                c.error(plan.loc, "demand", repr(res), "an existing resource id", plan.id)
                continue
            for q in by_year.values():
                _check_unit(c, plan.loc, "demand", plan.id, q, model.resources[res].unit, res)
        if (plan.homes or plan.jobs or plan.demand) and not plan.areas:
            # the capacity projection cannot place its growth (engine/demand.py)
            c.error(plan.loc, "areas", "no service area", "the areas the plan adds to", plan.id)
        _check_geometry(c, plan.loc, plan.id, plan.geometry, rd)

    for sc in each("scenarios", model.scenarios):
        if sc.origin_system is not None and sc.origin_system not in model.systems:
            c.error(sc.loc, "origin_system", repr(sc.origin_system), "an existing system id", sc.id)
        for p in sc.plans:
            if p not in model.plans:
                c.error(sc.loc, "plans", repr(p), "an existing plan id", sc.id)
        for t, shares in sc.transitions.items():
            if t not in transitions:
                c.error(sc.loc, "transitions", repr(t), f"one of {', '.join(transitions)}", sc.id)
            elif not shares:
                c.error(sc.loc, "transitions", f"'{t}' without shares", "shares by year", sc.id)
            for year, share in shares.items():
                if not (isinstance(share, int | float) and 0.0 <= share <= 1.0):
                    c.error(
                        sc.loc,
                        "transitions",
                        f"share of '{t}' in {year}: {share!r}",
                        "a number from 0 to 1",
                        sc.id,
                    )
        for ev in sc.events:
            if not model.is_node(ev.target):
                c.error(
                    sc.loc,
                    "events",
                    f"target '{ev.target}'",
                    "an existing component, area or critical function id",
                    sc.id,
                )
        for hz in sc.hazards:
            spec = hazards.get(hz.type)
            if spec is None:
                c.error(
                    sc.loc, "hazards", f"type '{hz.type}'", f"one of {', '.join(hazards)}", sc.id
                )
            else:
                _check_unit(
                    c,
                    sc.loc,
                    "hazards",
                    sc.id,
                    Quantity(0, hz.unit),
                    str(spec["unit"]),
                    f"hazard {hz.type}",
                    shown=f"unit '{hz.unit}'",
                )
            for target in hz.values:
                if target not in model.components:
                    c.error(
                        sc.loc,
                        "hazards",
                        f"value for '{target}'",
                        "an existing component id",
                        sc.id,
                    )
            for hz_area in hz.areas:
                _check_geometry(c, sc.loc, sc.id, hz_area.geometry, rd)
        if sc.year is not None and sc.year < base - 50:
            c.error(sc.loc, "year", str(sc.year), f"a year from {base - 50} on", sc.id)
        _check_likelihood(c, sc)

    if across:
        _check_supply(c, model, needs, suppliers)
    _check_interventions(c, model, kinds)
    return c.problems


def _check_unit(
    c: _Collector,
    loc: Loc | None,
    field: str,
    rid: str | None,
    q: Quantity,
    unit: str,
    what: str,
    shown: str | None = None,
) -> bool:
    try:
        expected = dimension_of(unit)
    except UnitError:
        return False  # the unit of the resource itself is unknown: reported at the resource
    try:
        same = dimension_of(q.unit) == expected
    except UnitError:
        c.error(loc, field, repr(q.unit), "a unit of vitaal/data/units.yaml", rid)
        return False
    if not same:
        c.error(
            loc,
            field,
            f"{shown or q} for {what}, a {dimension_of(q.unit).replace('_', ' ')}",
            f"a {dimension_of(unit).replace('_', ' ')} like {unit} (unit mismatch)",
            rid,
        )
        return False
    return True


def _check_component(
    c: _Collector,
    model: Model,
    comp: Component,
    kinds: Iterable[str],
    hazards: Mapping[str, Any],
    base: int,
) -> None:
    if comp.subsystem not in model.subsystems:
        c.error(comp.loc, "subsystem", repr(comp.subsystem), "an existing subsystem id", comp.id)
    if comp.kind not in kinds:
        c.error(
            comp.loc,
            "kind",
            repr(comp.kind),
            "a kind of vitaal/data/kinds.yaml or of model.yaml 'kinds'",
            comp.id,
        )
    for field, values in (("capacity", comp.capacity), ("peak_load", comp.peak_load)):
        for res, q in values.items():
            if res not in model.resources:
                c.error(comp.loc, field, f"resource '{res}'", "an existing resource id", comp.id)
                continue
            if not _check_unit(c, comp.loc, field, comp.id, q, model.resources[res].unit, res):
                continue
            if q.value < 0:
                c.error(comp.loc, field, f"{res}: {q}", "a capacity of 0 or more", comp.id)
    for hz, q in comp.thresholds.items():
        spec = hazards.get(hz)
        if spec is None:
            c.error(
                comp.loc,
                "thresholds",
                f"hazard '{hz}'",
                "a hazard of vitaal/data/hazards.yaml",
                comp.id,
            )
        else:
            _check_unit(c, comp.loc, "thresholds", comp.id, q, str(spec["unit"]), f"hazard {hz}")
    if (
        comp.build_year is not None
        and comp.end_of_life_year is not None
        and (comp.end_of_life_year < comp.build_year)
    ):
        c.error(
            comp.loc,
            "end_of_life_year",
            f"{comp.end_of_life_year}, before its build year {comp.build_year}",
            "an end of life after the build year",
            comp.id,
        )
    if comp.build_year is not None and comp.build_year > base + 30:
        c.error(
            comp.loc,
            "build_year",
            str(comp.build_year),
            f"a build year up to {base + 30} (base year {base})",
            comp.id,
        )
    _check_congestion(c, comp, base)


def _check_congestion(c: _Collector, comp: Component, base: int) -> None:
    """A congestion status says where it comes from and does not contradict itself."""
    stated = comp.congestion is not None or comp.waiting_list is not None
    if stated and not comp.congestion_ref:
        c.warn(
            comp.loc, "congestion_ref", "no source", "the notice or map it is read from", comp.id
        )
    if comp.congestion_until is not None and not (comp.waiting_list or comp.congestion):
        c.warn(
            comp.loc,
            "congestion_until",
            str(comp.congestion_until),
            "a congestion status or waiting list it ends",
            comp.id,
        )
    if comp.congestion_until is not None and comp.congestion_until < base - 10:
        c.error(
            comp.loc,
            "congestion_until",
            str(comp.congestion_until),
            f"a year from {base - 10} on (base year {base})",
            comp.id,
        )
    if comp.waiting_list and comp.congestion in (CongestionStatus.NONE, CongestionStatus.YELLOW):
        c.warn(
            comp.loc,
            "waiting_list",
            f"a waiting list where the map says {comp.congestion}",
            "orange or red (congestion), or no waiting list",
            comp.id,
        )


#: how far a plan's area shares may add up from 1 (rounding of shares given to three places)
SHARE_SUM_TOLERANCE = 0.005


def _check_challenge(c: _Collector, model: Model, ch: Challenge) -> None:
    """A challenge names an existing subsystem, agenda kinds it questions, and kinds, areas
    and plans that exist."""
    if ch.subsystem not in model.subsystems:
        c.error(ch.loc, "subsystem", repr(ch.subsystem), "an existing subsystem id", ch.id)
    for a in ch.actions:
        if a not in CHALLENGE_ACTIONS:
            c.error(ch.loc, "actions", repr(a), " or ".join(CHALLENGE_ACTIONS), ch.id)
    kinds = {cp.kind for cp in model.components.values() if cp.subsystem == ch.subsystem}
    for k in ch.kinds:
        if k not in kinds:
            c.error(ch.loc, "kinds", repr(k), f"a kind of {ch.subsystem}'s components", ch.id)
    for a in ch.areas:
        if a not in model.areas:
            c.error(ch.loc, "areas", repr(a), "an existing area id", ch.id)
    for p in ch.plans:
        if p not in model.plans:
            c.error(ch.loc, "plans", repr(p), "an existing plan id", ch.id)


def _check_area_shares(c: _Collector, plan: Plan) -> None:
    """A plan's ``area_shares`` name exactly its ``areas``, each with a share above 0, and add
    up to 1."""
    if not plan.area_shares:
        return
    named, listed = set(plan.area_shares), set(plan.areas)
    for a in sorted(named - listed):
        c.error(plan.loc, "area_shares", repr(a), "an area the plan lists in `areas`", plan.id)
    for a in sorted(listed - named):
        c.error(plan.loc, "area_shares", f"no share for {a!r}", "a share per area", plan.id)
    for a, share in plan.area_shares.items():
        if share <= 0.0:
            c.error(plan.loc, "area_shares", f"{a}: {share}", "a share above 0", plan.id)
    total = sum(plan.area_shares.values())
    if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
        c.error(
            plan.loc,
            "area_shares",
            f"shares adding up to {total:.4g}",
            f"shares adding up to 1 (within {SHARE_SUM_TOLERANCE})",
            plan.id,
        )


def _check_geometry(c: _Collector, loc: Loc | None, rid: str, wkt: str | None, rd: bool) -> None:
    if wkt is None:
        return
    try:
        geom = shapely.from_wkt(wkt)
    except (ShapelyError, ValueError):
        c.error(loc, "geometry", repr(wkt[:60]), "a WKT geometry", rid)
        return
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        c.error(
            loc,
            "geometry",
            f"an invalid geometry ({reason})",
            "a valid geometry (no self-intersections)",
            rid,
        )
        return
    if rd:
        x0, y0, x1, y1 = geom.bounds
        bx0, by0, bx1, by1 = _RD_BOUNDS
        if x0 < bx0 or y0 < by0 or x1 > bx1 or y1 > by1:
            c.error(
                loc,
                "geometry",
                f"coordinates ({x0:.6g}, {y0:.6g}) outside RD New's range",
                "RD New metres: x 0-300000, y 289000-629000 (swapped, or WGS84?)",
                rid,
            )


def _check_supply(
    c: _Collector,
    model: Model,
    needs: dict[tuple[str, str], tuple[int, Loc | None]],
    suppliers: dict[tuple[str, str], list[str]],
) -> None:
    """Report every need that cannot be met before any event: no path back to a producer.

    Per resource, a least fixed point from the producers: a node receives r when at least k of
    its suppliers deliver; a supplier delivers when it is a producer (supplies r, needs none)
    or itself receives r. Each node and link is visited once per resource: O(V + E).
    """
    needed_resources = {r for (_, r) in needs}
    supplied = {link.resource for link in model.supply.values()}
    for comp in model.components.values():
        supplied.update(comp.capacity)
    for res in sorted(needed_resources - supplied):
        first = next(v for (v, r) in needs if r == res)
        c.error(
            model.resources[res].loc if res in model.resources else None,
            "id",
            f"resource '{res}' needed (by '{first}' and others) but supplied by no one",
            "a producer of it",
            res,
        )

    consumers_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (v, r), sups in suppliers.items():
        for s in sups:
            consumers_of[(s, r)].append(v)
    count: dict[tuple[str, str], int] = defaultdict(int)
    receives: set[tuple[str, str]] = set()
    queue: deque[tuple[str, str]] = deque()
    for s, r in consumers_of:
        supplier = model.components.get(s)
        if supplier is None:
            continue
        if (s, r) not in needs:  # a producer of r
            queue.append((s, r))
            if r not in supplier.capacity:
                c.error(
                    supplier.loc,
                    "capacity",
                    f"no capacity for {r}, which it produces",
                    f"its capacity for {r} (a producer must state it)",
                    s,
                )
        elif r not in supplier.capacity:
            c.warn(
                supplier.loc,
                "capacity",
                f"no capacity for {r}, which it carries",
                f"its capacity for {r}, so that its utilisation can be computed",
                s,
            )
    while queue:
        s, r = queue.popleft()
        for v in consumers_of.get((s, r), ()):
            count[(v, r)] += 1
            if (v, r) not in receives and count[(v, r)] >= needs[(v, r)][0]:
                receives.add((v, r))
                queue.append((v, r))
    for (v, r), (k, loc) in needs.items():
        if (v, r) in receives or not suppliers.get((v, r)):
            continue
        n = len(suppliers[(v, r)])
        if k > n:
            continue  # already reported as k larger than the number of suppliers
        record = model.components.get(v) or model.areas.get(v) or model.critical_functions.get(v)
        where = loc or (record.loc if record is not None else None)
        c.error(
            where,
            "supply",
            f"'{v}' cannot receive {r}: {count[(v, r)]} of its {n} supplier(s) trace back "
            f"to a producer, {k} needed",
            "a supply path back to a producer before anything fails",
            v,
        )


def _check_likelihood(c: _Collector, sc: Scenario) -> None:
    """A scenario's likelihood: a return period or a class of ``likelihood.yaml``, not both."""
    classes = data_mapping("likelihood", "classes")
    if sc.likelihood_class is not None and sc.likelihood_class not in classes:
        c.error(
            sc.loc,
            "likelihood_class",
            repr(sc.likelihood_class),
            f"a class of vitaal/data/likelihood.yaml: {', '.join(classes)}",
            sc.id,
        )
    if sc.likelihood_class is not None and sc.return_period_y is not None:
        c.error(
            sc.loc,
            "likelihood_class",
            "both a return period and a likelihood class",
            "one of return_period_y and likelihood_class",
            sc.id,
        )


def _check_interventions(c: _Collector, model: Model, kinds: Iterable[str]) -> None:
    """Each change of each intervention names a record that is there (set, remove) or not yet
    (add), or a known component kind (repair); the register gives what a benefit-cost ratio
    needs. Whether the model with the intervention applied is sound is checked where it is
    applied (``vitaal.method.interventions.check_intervention``)."""
    known_kinds = set(kinds)
    nodes = ("components", "areas", "critical_functions")
    for iv in model.interventions.values():
        if iv.system is not None and iv.system not in model.systems:
            c.error(iv.loc, "system", repr(iv.system), "an existing system id", iv.id)
        added: set[tuple[str, str]] = set()
        removed: set[tuple[str, str]] = set()

        def present(
            kind: str,
            key: str,
            added: set[tuple[str, str]] = added,
            removed: set[tuple[str, str]] = removed,
        ) -> bool:
            if (kind, key) in removed:
                return False
            return (kind, key) in added or key in model.table(kind)

        for n, e in enumerate(iv.changes, 1):
            where = f"change {n}" + (f" (line {e.line})" if e.line else "")
            if e.op is EditOp.REPAIR:
                if e.key not in known_kinds:
                    c.error(
                        iv.loc,
                        "changes",
                        f"{where}: repair of kind {e.key!r}",
                        "a component kind (vitaal/data/kinds.yaml or the model's kinds)",
                        iv.id,
                    )
                continue
            if e.op is EditOp.ADD:
                # components, areas and critical functions share one namespace: nodes
                space = nodes if e.kind in nodes else (e.kind,)
                if any(present(k, e.key) for k in space):
                    c.error(
                        iv.loc,
                        "changes",
                        f"{where}: {e.kind} '{e.key}' is already in the model",
                        "a new key (change the record with 'set')",
                        iv.id,
                    )
                added.add((e.kind, e.key))
                removed.discard((e.kind, e.key))
            elif not present(e.kind, e.key):
                c.error(
                    iv.loc,
                    "changes",
                    f"{where}: {e.kind} '{e.key}' (not in the model)",
                    f"the key of an existing record of {e.kind}",
                    iv.id,
                )
            elif e.op is EditOp.REMOVE:
                removed.add((e.kind, e.key))
                added.discard((e.kind, e.key))
        if iv.investment_eur is None:
            c.warn(
                iv.loc,
                "investment_eur",
                "no investment",
                "the investment in euros (the benefit-cost ratio needs it)",
                iv.id,
            )
        if iv.lifetime_y is None:
            c.warn(
                iv.loc,
                "lifetime_y",
                "no lifetime",
                "the years it works once in place (taken to last to the horizon without it)",
                iv.id,
            )
