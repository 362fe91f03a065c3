"""The capacity shortfall a scenario causes: connections refused and years short.

A plan or a transition causes no outage; what it does is ask for capacity that is not there
in time. From the capacity projection of a scenario and its baseline (the same years without
its plans and transitions) this module finds, per component and resource, the years in which
the scenario's load exceeds the capacity while the baseline's fits (a shortfall the baseline
already has is not the scenario's), before a reinforcement decided in the base year can be
ready (``base year + lead time``). Those are the component's **years short**. In them the
load above the capacity cannot be connected: it is shared over the new demand that passes the
component in proportion to that demand, and counted, per service area and resource, as the
**people refused**: the residents of new homes, the residents of existing homes whose
transition adds the resource, and new jobs. The rule and its reasons are in
``docs/method.md`` ("The impact of transitions and growth").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.capacity import CapacityResult
from vitaal.engine.capacity_arrays import EXHAUSTED_TOL, project_loads
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.engine.demand import Demand
from vitaal.engine.norms import DemandNorms, Norm, load_norms
from vitaal.model.model import Model

__all__ = [
    "AreaRefusal",
    "ShortRow",
    "Shortfall",
    "assess_shortfall",
    "baseline_index",
]


@dataclass(frozen=True, slots=True)
class ShortRow:
    """A component whose shortfall of one resource the scenario causes before a
    reinforcement decided in the base year can be ready.

    ``years_short`` counts the projected years from ``first_year`` on, before ``ready_year``
    (base year + lead time), in which the scenario's load exceeds the capacity and the
    baseline's does not; ``overflow`` is the most load above the capacity in those years, in
    ``unit``; ``refused_share`` the largest share of the new demand through it that does not
    fit."""

    component: str
    name: str
    resource: str
    unit: str
    first_year: int
    lead_time_y: float
    ready_year: float
    years_short: int
    overflow: float
    refused_share: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "name": self.name,
            "resource": self.resource,
            "unit": self.unit,
            "first_year": self.first_year,
            "lead_time_y": self.lead_time_y,
            "ready_year": self.ready_year,
            "years_short": self.years_short,
            "overflow": round(self.overflow, 6),
            "refused_share": round(self.refused_share, 6),
        }


@dataclass(frozen=True, slots=True)
class AreaRefusal:
    """What one service area cannot be connected to for one resource, in the year (``year``)
    it is most: ``people`` = ``residents`` (of new homes and of homes switching) + ``jobs``;
    ``homes`` those homes; ``load`` the refused demand in ``unit``. ``years_short`` and
    ``component`` are of the short component upstream with the most years short."""

    area: str
    resource: str
    unit: str
    year: int
    people: int
    residents: int
    jobs: int
    homes: int
    load: float
    years_short: int
    component: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "resource": self.resource,
            "unit": self.unit,
            "year": self.year,
            "people": self.people,
            "residents": self.residents,
            "jobs": self.jobs,
            "homes": self.homes,
            "load": round(self.load, 6),
            "years_short": self.years_short,
            "component": self.component,
        }


@dataclass(frozen=True, slots=True)
class Shortfall:
    """The capacity shortfall a scenario causes against its baseline.

    ``people_refused`` is the most people refused at one time (in ``year``): per service area
    those of its most widely refused resource, summed over the areas; ``service`` the resource
    with the most of them in that year; ``by_resource`` per resource the most people refused
    at one time (in its own worst year). ``years_short`` is the most years short of any
    row, ``rows[0]`` the row that has them. ``unknown_lead_time`` lists ``component|resource``
    rows that the scenario pushes over their capacity but whose lead time is unknown: they are
    not counted. ``assessed`` is ``False`` for a scenario that adds no demand (a shock, or a
    year ahead without plans or transitions): there is nothing to refuse.
    """

    assessed: bool
    people_refused: int
    year: int | None
    service: str | None
    by_resource: dict[str, int]
    years_short: int
    rows: tuple[ShortRow, ...]
    areas: tuple[AreaRefusal, ...]
    unknown_lead_time: tuple[str, ...]

    @classmethod
    def none(cls) -> Shortfall:
        """No growth, no shortfall."""
        return cls(False, 0, None, None, {}, 0, (), (), ())

    @property
    def decisive(self) -> ShortRow | None:
        """The row with the most years short (``None`` without one)."""
        return self.rows[0] if self.rows else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "assessed": self.assessed,
            "people_refused": self.people_refused,
            "year": self.year,
            "service": self.service,
            "people_refused_by_resource": self.by_resource,
            "years_short": self.years_short,
            "components": [r.as_dict() for r in self.rows],
            "areas": [a.as_dict() for a in self.areas],
            "unknown_lead_time": list(self.unknown_lead_time),
        }


def baseline_index(capacity: CapacityResult, baseline: CapacityResult) -> NDArray[np.int64]:
    """Per row of ``capacity``, the row of the same (node, resource) in ``baseline``; -1 where
    the baseline has none (it carries nothing there)."""
    r = capacity.compiled.n_resources
    key = capacity.row_node * r + capacity.row_resource
    base_key = baseline.row_node * r + baseline.row_resource
    i = np.searchsorted(base_key, key)
    found = i < base_key.shape[0]
    found[found] = base_key[i[found]] == key[found]
    out: NDArray[np.int64] = np.where(found, i, -1).astype(np.int64)
    return out


def _positive(norm: Norm | None, unit: str) -> bool:
    return norm is not None and norm.quantity.to(unit) > 0


@dataclass(frozen=True, slots=True)
class _NewConnections:
    """``(Y, A)`` per year and service area: the homes, residents and jobs behind the
    scenario's new demand for one resource."""

    homes: NDArray[np.float64]
    residents: NDArray[np.float64]
    jobs: NDArray[np.float64]

    @property
    def people(self) -> NDArray[np.float64]:
        out: NDArray[np.float64] = self.residents + self.jobs
        return out


def _new_connections(
    model: Model,
    demand: Demand,
    base: Demand,
    cols: NDArray[np.int64],
    norms: DemandNorms,
    resource: str,
) -> _NewConnections:
    """What the scenario connects anew to ``resource`` against the baseline: new homes and
    their residents where its norms give a new home or a resident demand, new jobs where they
    give a job demand, and the existing homes of the transitions that add to it (the largest
    share of those transitions: homes with a heat pump may also charge a car, so the shares do
    not add up; their people counted as :meth:`~vitaal.model.records.ServiceArea.people_for`
    counts the people behind homes). ``cols`` are the baseline's columns of ``demand``'s
    years."""
    n_a = demand.n_areas
    shape = (demand.years.shape[0], n_a)
    zero = np.zeros(shape)
    key = demand.norm_keys.get(resource)
    if key is None:
        return _NewConnections(zero, zero, zero)
    unit = model.resources[resource].unit

    def added(now: NDArray[np.float64], before: NDArray[np.float64]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = np.maximum(now[:, :n_a] - before[cols, :n_a], 0.0)
        return out

    draws_home = _positive(norms.per(key, "new_home"), unit) or _positive(
        norms.per(key, "person"), unit
    )
    homes = added(demand.new_homes, base.new_homes) if draws_home else zero
    residents = added(demand.persons, base.persons) if draws_home else zero
    jobs = added(demand.jobs, base.jobs) if _positive(norms.per(key, "job"), unit) else zero
    share = np.zeros(shape[0])
    for name, series in demand.shares.items():
        tn = norms.transitions.get(name)
        if tn is None or not _positive(tn.add.get(key), unit):
            continue
        before = base.shares[name][cols] if name in base.shares else 0.0
        share = np.maximum(share, np.clip(series - before, 0.0, 1.0))
    if share.any():
        existing = np.asarray([a.homes for a in model.areas.values()], dtype=np.float64)
        population = np.asarray([a.population for a in model.areas.values()], dtype=np.float64)
        with_homes = (existing > 0)[None, :]
        homes = homes + share[:, None] * existing[None, :]
        residents = residents + np.where(with_homes, share[:, None] * population[None, :], 0.0)
    return _NewConnections(homes, residents, jobs)


def _increments(
    capacity: CapacityResult, baseline: CapacityResult, cols: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The scenario's added demand of every service area (``(Y, A, R)``, never negative) and
    that demand pushed up the primary supply chains (``(K, Y)`` by row of ``capacity``)."""
    cm = capacity.compiled
    n_a = capacity.demand.n_areas
    added = np.maximum(
        capacity.demand.values[:, :n_a, :] - baseline.demand.values[cols][:, :n_a, :], 0.0
    )
    area_node = np.asarray(
        [cm.node_index[a] for a in capacity.demand.consumer_ids[:n_a]], dtype=np.int64
    )
    res = np.asarray([cm.resource_index[r] for r in capacity.demand.resource_ids], dtype=np.int64)
    a_idx, r_idx = np.nonzero(added.any(axis=0))
    pushed = np.zeros(capacity.load.shape)
    if a_idx.size:
        proj = project_loads(
            cm, area_node[a_idx], res[r_idx], added[:, a_idx, r_idx].T, capacity.years
        )
        n_r = cm.n_resources
        key = proj.row_node * n_r + proj.row_resource
        want = capacity.row_node * n_r + capacity.row_resource
        i = np.minimum(np.searchsorted(key, want), key.shape[0] - 1)
        hit = key[i] == want
        pushed[hit] = proj.load[i[hit]]
    return added, pushed


def _areas_below(cm: CompiledModel, node: int, resource: int) -> list[int]:
    """The service areas (node indices) that ``node`` supplies with ``resource`` along
    primary supply links, directly or through carriers."""
    lo, hi = int(cm.node_ptr[node]), int(cm.node_ptr[node + 1])
    start = [p for p in range(lo, hi) if int(cm.pair_resource[p]) == resource]
    seen = set(start)
    stack = list(start)
    out: list[int] = []
    while stack:
        p = stack.pop()
        for j in range(int(cm.out_ptr[p]), int(cm.out_ptr[p + 1])):
            if bool(cm.link_backup[int(cm.out_link[j])]):
                continue
            q = int(cm.out_dst[j])
            if q in seen:
                continue
            seen.add(q)
            v = int(cm.pair_node[q])
            if int(cm.node_kind[v]) == NodeKind.AREA:
                out.append(v)
            elif int(cm.node_kind[v]) == NodeKind.COMPONENT:
                stack.append(q)
    return out


def assess_shortfall(
    model: Model,
    capacity: CapacityResult,
    baseline: CapacityResult,
    *,
    norms: DemandNorms | None = None,
) -> Shortfall:
    """The capacity shortfall ``capacity`` (a scenario's projection) causes against
    ``baseline`` (the same years without its plans and transitions).

    A row counts in a year ``y`` when the scenario's utilisation there exceeds 1, the
    baseline's does not, and ``y < base year + lead time``. Its refused share in ``y`` is
    ``min(1, (load - capacity) / new demand through it)``, where the new demand is the service
    areas' added demand pushed up the primary chains as loads are. A service area's refused
    share for a resource is the largest share of the rows upstream of it; times the people
    behind its new connections (:func:`_new_connections`) it gives the people refused.

    ``norms`` must be those the projections used (default: the packaged norms, as
    :func:`~vitaal.method.scenario_run.run_scenario` projects).

    Complexity: O(K Y) for K rows and Y years, one extra projection of the added demand, and
    a walk down the primary links below each counted row.
    """
    norms = norms or load_norms()
    cm = capacity.compiled
    years = capacity.years
    base_year = capacity.base_year
    cols = np.asarray([baseline.year_index(int(y)) for y in years], dtype=np.int64)
    if np.array_equal(capacity.demand.values, baseline.demand.values[cols]):
        return Shortfall.none()  # a year ahead without plans or transitions: nothing added
    # the components' rows that exceed their capacity in some year (exhausted)
    rows = np.flatnonzero(
        (capacity.exhausted >= 0)
        & capacity.supplies
        & (cm.node_kind[capacity.row_node] == NodeKind.COMPONENT)
    )
    j = baseline_index(capacity, baseline)[rows]
    util = capacity.utilisation[rows]
    util_base = np.where((j >= 0)[:, None], baseline.utilisation[np.maximum(j, 0)][:, cols], 0.0)
    caused = (util > 1.0 + EXHAUSTED_TOL) & ~(util_base > 1.0 + EXHAUSTED_TOL)
    lead = capacity.lead_time_y[rows]
    short = caused & (years[None, :] < (base_year + lead)[:, None])
    unknown = sorted(
        _row_key(capacity, k) for k in rows[np.isnan(lead) & caused.any(axis=1)].tolist()
    )
    counted = np.flatnonzero(short.any(axis=1))
    if counted.size == 0:
        return Shortfall(True, 0, None, None, {}, 0, (), (), tuple(unknown))

    added, pushed = _increments(capacity, baseline, cols)
    area_pos = {cm.node_index[a]: i for i, a in enumerate(model.areas)}
    n_y, n_a = years.shape[0], len(area_pos)
    share: dict[int, NDArray[np.float64]] = {}  # per resource, (Y, A) refused share
    upstream: dict[tuple[int, int], int] = {}  # (area, resource) -> row with most years short
    short_rows: list[ShortRow] = []
    for i in counted.tolist():
        k = int(rows[i])
        r = int(capacity.row_resource[k])
        node = int(capacity.row_node[k])
        over = capacity.load[k] - capacity.capacity[k]
        inc = pushed[k]
        f = np.zeros(n_y)
        ok = short[i] & (inc > 0)
        f[ok] = np.minimum(1.0, over[ok] / inc[ok])
        row = ShortRow(
            component=cm.node_ids[node],
            name=model.components[cm.node_ids[node]].name or cm.node_ids[node],
            resource=cm.resource_ids[r],
            unit=capacity.units[r],
            first_year=int(years[short[i]][0]),
            lead_time_y=float(lead[i]),
            ready_year=base_year + float(lead[i]),
            years_short=int(short[i].sum()),
            overflow=float(over[short[i]].max()),
            refused_share=float(f.max()),
        )
        short_rows.append(row)
        by_area = share.setdefault(r, np.zeros((n_y, n_a)))
        for v in _areas_below(cm, node, r):
            a = area_pos[v]
            by_area[:, a] = np.maximum(by_area[:, a], f)
            prev = upstream.get((a, r))
            if prev is None or _rank(row) < _rank(short_rows[prev]):
                upstream[(a, r)] = len(short_rows) - 1
    refused: dict[int, tuple[_NewConnections, NDArray[np.float64]]] = {}
    for r, f_ya in share.items():
        conn = _new_connections(
            model, capacity.demand, baseline.demand, cols, norms, cm.resource_ids[r]
        )
        refused[r] = (conn, f_ya)
    people = np.zeros((n_y, n_a))
    per_resource: dict[str, NDArray[np.float64]] = {}  # (Y,) people refused per resource
    for r, (conn, f_ya) in refused.items():
        refused_ya = f_ya * conn.people
        people = np.maximum(people, refused_ya)
        per_resource[cm.resource_ids[r]] = refused_ya.sum(axis=1)
    total = people.sum(axis=1)
    peak = int(np.argmax(total))
    found = bool(total[peak] > 0)
    areas = _area_rows(model, capacity, refused, added, upstream, short_rows)
    return Shortfall(
        assessed=True,
        people_refused=round(float(total[peak])),
        year=int(years[peak]) if found else None,
        service=max(per_resource, key=lambda r: per_resource[r][peak]) if found else None,
        by_resource={r: round(float(v.max())) for r, v in per_resource.items()},
        years_short=max(row.years_short for row in short_rows),
        rows=tuple(sorted(short_rows, key=_rank)),
        areas=tuple(areas),
        unknown_lead_time=tuple(unknown),
    )


def _row_key(capacity: CapacityResult, k: int) -> str:
    cm = capacity.compiled
    node, res = int(capacity.row_node[k]), int(capacity.row_resource[k])
    return f"{cm.node_ids[node]}|{cm.resource_ids[res]}"


def _rank(row: ShortRow) -> tuple[int, int, float, str, str]:
    """The order of short rows: most years short, then earliest, then most overflow."""
    return (-row.years_short, row.first_year, -row.overflow, row.component, row.resource)


def _area_rows(
    model: Model,
    capacity: CapacityResult,
    refused: dict[int, tuple[_NewConnections, NDArray[np.float64]]],
    added: NDArray[np.float64],
    upstream: dict[tuple[int, int], int],
    short_rows: list[ShortRow],
) -> list[AreaRefusal]:
    """Per service area and resource with something refused, the figures of the year it is
    most (by people, then load); by people descending, then area and resource."""
    cm = capacity.compiled
    area_ids = list(model.areas)
    res_pos = {r: i for i, r in enumerate(capacity.demand.resource_ids)}
    out = []
    for (a, r), k in upstream.items():
        conn, f_ya = refused[r]
        f = f_ya[:, a]
        rid = cm.resource_ids[r]
        load = f * added[:, a, res_pos[rid]]
        ppl = f * conn.people[:, a]
        if not (ppl.max() > 0 or load.max() > 0):
            continue
        y = int(np.lexsort((-load, -ppl))[0])
        row = short_rows[k]
        out.append(
            AreaRefusal(
                area=area_ids[a],
                resource=rid,
                unit=capacity.units[r],
                year=int(capacity.years[y]),
                people=round(float(ppl[y])),
                residents=round(float(f[y] * conn.residents[y, a])),
                jobs=round(float(f[y] * conn.jobs[y, a])),
                homes=round(float(f[y] * conn.homes[y, a])),
                load=float(load[y]),
                years_short=row.years_short,
                component=row.component,
            )
        )
    out.sort(key=lambda x: (-x.people, -x.load, x.area, x.resource))
    return out
