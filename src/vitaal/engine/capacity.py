"""Capacity and growth: demand pushed up the primary supply chains, utilisation per year.

For each resource the demand of consumers (:mod:`vitaal.engine.demand`) flows up the
**primary** supply links, through carriers to producers:

    load(v, r, y) = own(v, r, y) + sum over primary consumers c of v for r: load(c, r, y) / n(c, r)

where ``n(c, r)`` is the number of primary suppliers of ``c`` for ``r``: a consumer with several
primary suppliers splits its load evenly among them. Backup links carry nothing until a
primary fails (that is the cascade's overload rule, which gets :meth:`CapacityResult.load_at`
and :meth:`CapacityResult.link_load_at`).

**Calibration.** A component with a measured ``peak_load`` for ``r`` keeps it as its base-year
load: the gap between the measured and the computed base-year load (consumers the model
does not hold, losses, a component's own draw) is a constant load of that component, carried
up to its suppliers like any other, and growth adds the computed increase on top. So its load
in year ``y`` is ``measured + computed(y) - computed(base year)`` (never below zero).

``utilisation = load / capacity`` (capacity in the resource's unit) per component, resource
and year; ``exhausted_year`` is the first year it exceeds 1. The accumulation runs on the
compiled arrays (:func:`~vitaal.engine.capacity_arrays.project_loads`): one compiled
topological pass over every resource and year (Kahn's algorithm, frontier by frontier).

**Meshes.** Imported grids and water networks link neighbours both ways, so the primary links
of one resource can form rings. Each strongly connected component of a resource's primary
links (a *mesh*) is contracted into one node: its load ``L`` is its members' own demand plus
what its consumers outside the mesh pass to it, and it passes ``L`` on to its suppliers
outside the mesh, split evenly over its primary links out of the mesh. Member ``m`` carries
``share(m) x L``: its capacity over the mesh's total capacity when every member has a
capacity > 0, else ``1 / members``; a measured member is calibrated on its own peak. A row
on no ring is a mesh of one (share 1), so models without rings give the same loads as ever.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.capacity_arrays import EXHAUSTED_TOL, project_loads
from vitaal.engine.compile import CompiledModel, NodeKind, compile_model
from vitaal.engine.demand import LAST_YEAR, Demand, DemandNorms, compute_demand, load_norms
from vitaal.errors import ModelError, Problem, ScenarioError
from vitaal.model import Model, Scenario, SupplyLink, link_key
from vitaal.model.units import UnitError

__all__ = ["CapacityResult", "RowLabels", "find_scenario", "project_capacity"]

#: Utilisation above 1 + this counts as exhausted (keeps float noise at exactly 100% out).
_TOL = EXHAUSTED_TOL

#: Per node index: its name, owner and system (``None`` where not given).
LabelLookup = Callable[[int], tuple[str | None, str | None, str | None]]


class RowLabels:
    """Name, owner and system of each row's node, looked up once per node on first use
    (a projection that is never shown by name pays nothing for them)."""

    __slots__ = ("_lookup", "_row_node", "_values")

    def __init__(self, row_node: NDArray[np.int64], lookup: LabelLookup | None) -> None:
        self._row_node = row_node
        self._lookup = lookup
        self._values: tuple[tuple[str | None, ...], ...] | None = None

    def _get(self) -> tuple[tuple[str | None, ...], ...]:
        if self._values is None:
            k = int(self._row_node.shape[0])
            if self._lookup is None:
                self._values = ((None,) * k,) * 3
            else:
                nodes, inverse = np.unique(self._row_node, return_inverse=True)
                per_node = [self._lookup(v) for v in nodes.tolist()]
                inv = inverse.tolist()
                self._values = tuple(tuple(per_node[i][field] for i in inv) for field in range(3))
        return self._values

    @property
    def names(self) -> tuple[str | None, ...]:
        return self._get()[0]

    @property
    def owners(self) -> tuple[str | None, ...]:
        return self._get()[1]

    @property
    def systems(self) -> tuple[str | None, ...]:
        return self._get()[2]


@dataclass(frozen=True, slots=True, eq=False)
class CapacityResult:
    """Loads and utilisation of every (node, resource) that carries load or has a capacity.

    Rows are ``(node, resource)`` pairs sorted by node then resource, in the node and resource
    order of :attr:`compiled`. Arrays by row and year are ``(K, Y)``.

    Attributes
    ----------
    model_name, base_year
        Of the model.
    scenario_id, scenario_year
        The scenario projected (``None`` without one) and its ``year``, if set.
    years
        ``(Y,)``: the requested years, with the base year and the scenario's year.
    compiled
        The compiled model whose indices the rows use (give it to the cascade).
    row_node, row_resource
        ``(K,)`` node and resource index of each row.
    load
        ``(K, Y)`` load in the resource's unit (a consumer's: its demand).
    capacity, measured
        ``(K,)`` capacity and measured base-year peak, in the resource's unit; NaN if not given.
    utilisation
        ``(K, Y)`` load / capacity for components with a capacity > 0; NaN otherwise.
    exhausted
        ``(K,)`` first year with utilisation above 1; -1 if none within :attr:`years`.
    supplies
        ``(K,)`` whether the node supplies the resource (has a supply link of it out) or has
        a capacity for it: the rows whose utilisation is reported.
    lead_time_y
        ``(K,)`` the component's replacement or reinforcement lead time; NaN if not given.
    names, owners, systems
        ``(K,)`` the node's name, owner and system (``None`` where not given); looked up
        on first use (:class:`RowLabels`).
    units
        Per resource, its unit.
    demand
        The demand it was computed from.
    norms_source
        Where the demand norms came from.
    """

    model_name: str
    base_year: int
    scenario_id: str | None
    scenario_year: int | None
    years: NDArray[np.int64]
    compiled: CompiledModel
    row_node: NDArray[np.int64]
    row_resource: NDArray[np.int64]
    load: NDArray[np.float64]
    capacity: NDArray[np.float64]
    measured: NDArray[np.float64]
    utilisation: NDArray[np.float64]
    exhausted: NDArray[np.int64]
    supplies: NDArray[np.bool_]
    lead_time_y: NDArray[np.float64]
    labels: RowLabels
    units: tuple[str, ...]
    demand: Demand
    norms_source: str

    @property
    def names(self) -> tuple[str | None, ...]:
        return self.labels.names

    @property
    def owners(self) -> tuple[str | None, ...]:
        return self.labels.owners

    @property
    def systems(self) -> tuple[str | None, ...]:
        return self.labels.systems

    # -- lookups ---------------------------------------------------------------------------
    @property
    def cascade_year(self) -> int:
        """The year whose load a cascade of this scenario meets: its ``year``, else the base
        year."""
        return self.scenario_year if self.scenario_year is not None else self.base_year

    def row_of(self, node_id: str, resource_id: str) -> int | None:
        """The row of ``(node_id, resource_id)``, ``None`` if it carries nothing."""
        v = self.compiled.node_index.get(node_id)
        r = self.compiled.resource_index.get(resource_id)
        if v is None or r is None:
            return None
        key = self.row_node * self.compiled.n_resources + self.row_resource
        i = int(np.searchsorted(key, v * self.compiled.n_resources + r))
        if i < key.shape[0] and int(key[i]) == v * self.compiled.n_resources + r:
            return i
        return None

    def _row(self, node_id: str, resource_id: str) -> int:
        i = self.row_of(node_id, resource_id)
        if i is None:
            raise KeyError(f"{node_id} carries no {resource_id}")
        return i

    def year_index(self, year: int) -> int:
        """Position of ``year`` in :attr:`years`; :class:`ScenarioError` if not projected."""
        hits = np.flatnonzero(self.years == year)
        if hits.size == 0:
            raise ScenarioError(
                f"year {year} is not among the projected years "
                f"{int(self.years[0])}-{int(self.years[-1])}"
            )
        return int(hits[0])

    def load_of(self, node_id: str, resource_id: str) -> NDArray[np.float64]:
        """``(Y,)`` load of one node for one resource."""
        out: NDArray[np.float64] = self.load[self._row(node_id, resource_id)].copy()
        return out

    def utilisation_of(self, node_id: str, resource_id: str) -> NDArray[np.float64]:
        """``(Y,)`` utilisation of one component for one resource (NaN without capacity)."""
        out: NDArray[np.float64] = self.utilisation[self._row(node_id, resource_id)].copy()
        return out

    def exhausted_year(self, node_id: str, resource_id: str) -> int | None:
        """First year utilisation exceeds 1, ``None`` if never within :attr:`years`."""
        y = int(self.exhausted[self._row(node_id, resource_id)])
        return None if y < 0 else y

    # -- arrays for the cascade ------------------------------------------------------------
    def load_at(self, year: int) -> NDArray[np.float64]:
        """``(n_nodes, n_resources)`` load in ``year``, zero where a node carries nothing: the
        ``load`` argument of :func:`~vitaal.engine.cascade.run_cascade`."""
        out = np.zeros((self.compiled.n_nodes, self.compiled.n_resources), dtype=np.float64)
        out[self.row_node, self.row_resource] = self.load[:, self.year_index(year)]
        return out

    def link_load_at(self, year: int) -> NDArray[np.float64]:
        """``(n_links,)`` flow on each supply link in ``year`` (compiled link order): a primary
        link carries its consumer's load divided by the consumer's number of primary
        suppliers; a backup link carries nothing. The ``link_load`` argument of
        :func:`~vitaal.engine.cascade.run_cascade`."""
        cm = self.compiled
        dense = self.load_at(year)
        primary = ~cm.link_backup
        n_primary = np.bincount(cm.link_dst[primary], minlength=cm.n_pairs).astype(np.float64)
        flow = np.zeros(cm.n_links, dtype=np.float64)
        dst = cm.link_dst[primary]
        flow[primary] = dense[cm.pair_node[dst], cm.pair_resource[dst]] / n_primary[dst]
        return flow

    def cascade_inputs(self) -> dict[str, NDArray[np.float64]]:
        """``load``, ``capacity`` and ``link_load`` of :attr:`cascade_year`, as keyword
        arguments of :func:`~vitaal.engine.cascade.run_cascade` over :attr:`compiled`."""
        year = self.cascade_year
        return {
            "load": self.load_at(year),
            "capacity": self.compiled.capacity.copy(),
            "link_load": self.link_load_at(year),
        }

    def component_rows(self, threshold: float | None = None) -> NDArray[np.int64]:
        """Rows of components that supply the resource or have a capacity for it; with
        ``threshold``, only those whose utilisation reaches it in some year. Ordered by
        exhaustion year (never last), then highest utilisation."""
        comp = (self.compiled.node_kind[self.row_node] == NodeKind.COMPONENT) & self.supplies
        peak = np.nanmax(np.where(np.isnan(self.utilisation), -np.inf, self.utilisation), axis=1)
        keep = comp if threshold is None else comp & (peak >= threshold - _TOL)
        rows = np.flatnonzero(keep)
        never = np.iinfo(np.int64).max
        ex = np.where(self.exhausted[rows] < 0, never, self.exhausted[rows])
        order = np.lexsort((-peak[rows], ex))
        out: NDArray[np.int64] = rows[order].astype(np.int64)
        return out

    # -- JSON ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (``vitaal capacity --json``), described field by field in
        ``docs/capacity.md``."""
        years = [int(y) for y in self.years]
        cm = self.compiled
        resources = []
        for r, rid in enumerate(cm.resource_ids):
            total = self.demand.values[:, :, r].sum(axis=1)
            resources.append(
                {
                    "id": rid,
                    "unit": self.units[r],
                    "norm_key": self.demand.norm_keys.get(rid),
                    "demand": {str(y): _num(v) for y, v in zip(years, total, strict=True)},
                }
            )
        components = []
        for i in sorted(
            self.component_rows().tolist(),
            key=lambda k: (int(self.row_node[k]), int(self.row_resource[k])),
        ):
            r = int(self.row_resource[i])
            ex = int(self.exhausted[i])
            lead = float(self.lead_time_y[i])
            components.append(
                {
                    "id": cm.node_ids[int(self.row_node[i])],
                    "name": self.names[i],
                    "owner": self.owners[i],
                    "system": self.systems[i],
                    "resource": cm.resource_ids[r],
                    "unit": self.units[r],
                    "capacity": _num(self.capacity[i]),
                    "peak_load": _num(self.measured[i]),
                    "lead_time_y": _num(lead),
                    "load": {str(y): _num(v) for y, v in zip(years, self.load[i], strict=True)},
                    "utilisation": {
                        str(y): _num(v) for y, v in zip(years, self.utilisation[i], strict=True)
                    },
                    "exhausted_year": None if ex < 0 else ex,
                    "decision_year": decision_year(None if ex < 0 else ex, lead),
                }
            )
        return {
            "model": self.model_name,
            "scenario": self.scenario_id,
            "scenario_year": self.scenario_year,
            "cascade_year": self.cascade_year,
            "base_year": self.base_year,
            "years": years,
            "norms": self.norms_source,
            "resources": resources,
            "components": components,
        }


def _num(value: float) -> float | None:
    v = float(value)
    return round(v, 6) if math.isfinite(v) else None


def decision_year(exhausted: int | None, lead_time_y: float | None) -> int | None:
    """The latest year to decide on reinforcement: exhaustion year minus lead time, rounded
    down to a whole year (``None`` when either is unknown).

    >>> decision_year(2031, 2.5)
    2028
    """
    if exhausted is None or lead_time_y is None or not math.isfinite(lead_time_y):
        return None
    return math.floor(exhausted - lead_time_y)


def find_scenario(model: Model, scenario: Scenario | str | None) -> Scenario | None:
    """The scenario itself, or the model's scenario of that id.

    Raises
    ------
    ScenarioError
        No scenario has that id; the message lists the ids there are.
    """
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    found = model.scenarios.get(scenario)
    if found is None:
        ids = ", ".join(model.scenarios) or "(none)"
        raise ScenarioError(f"unknown scenario '{scenario}'; the model's scenarios: {ids}")
    return found


# -- the accumulation -----------------------------------------------------------------------
def _accumulate(
    n: int,
    sup: NDArray[np.int64],
    con: NDArray[np.int64],
    own: NDArray[np.float64],
    measured: NDArray[np.float64],
    base: int,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Loads of ``n`` local nodes over primary edges ``sup[e] <- con[e]``, level by level in
    numpy: the reference of the compiled
    :func:`~vitaal.engine._capacity_kernels.accumulate_loads`, which follows the same order
    (``tests/engine/test_capacity_kernel.py`` compares them; ``benchmarks/bench_capacity.py``
    times both). :func:`project_capacity` runs the compiled one.

    ``own`` is ``(n, Y)``; ``measured`` ``(n,)`` with NaN where not measured; ``base`` the
    column of the base year. Nodes are finished in topological order (every primary consumer
    before its supplier), a frontier at a time: a finished node is calibrated, then pushes
    its load, split evenly over its primary suppliers, to them. Returns the loads and the
    mask of nodes never finished (they lie on or above a cycle). O((n + E) Y).
    """
    loads = own.copy()
    n_sup = np.bincount(con, minlength=n).astype(np.float64)
    pending = np.bincount(sup, minlength=n)
    order = np.argsort(con, kind="stable")
    e_sup = sup[order]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(con, minlength=n), out=ptr[1:])
    done = np.zeros(n, dtype=np.bool_)
    frontier = np.flatnonzero(pending == 0)
    while frontier.size:
        done[frontier] = True
        m = measured[frontier]
        has = ~np.isnan(m)
        if has.any():
            f = frontier[has]
            loads[f] = np.maximum(loads[f] + (m[has] - loads[f, base])[:, None], 0.0)
        # the primary suppliers of every frontier node, as one gather over CSR ranges
        starts, counts = ptr[frontier], ptr[frontier + 1] - ptr[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        owner = np.repeat(frontier, counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        targets = e_sup[np.repeat(starts, counts) + offsets]
        np.add.at(loads, targets, loads[owner] / n_sup[owner][:, None])
        np.subtract.at(pending, targets, 1)
        cand = np.unique(targets)
        frontier = cand[pending[cand] == 0]
    return loads, ~done


def _label_lookup(model: Model, cm: CompiledModel) -> LabelLookup:
    """Name, owner and system of a node index, read from the model's records."""
    comps = list(model.components.values())
    n_comp = len(comps)

    def text(value: object) -> str | None:
        return None if value is None else str(value)

    def lookup(v: int) -> tuple[str | None, str | None, str | None]:
        nid = cm.node_ids[v]
        if v < n_comp:
            comp = comps[v]
            return text(comp.name), text(comp.owner), model.system_of(nid)
        rec = model.areas.get(nid) or model.critical_functions.get(nid)
        return (
            text(getattr(rec, "name", None)),
            text(getattr(rec, "owner", None)),
            model.system_of(nid),
        )

    return lookup


def link_key_of(supplier: str, consumer: str, resource: str) -> str:
    """The model key of the supply link ``supplier -> consumer`` of ``resource``."""
    return link_key(SupplyLink(supplier=supplier, consumer=consumer, resource=resource))


def _measured(model: Model, cm: CompiledModel) -> NDArray[np.float64]:
    out = np.full((cm.n_nodes, cm.n_resources), np.nan, dtype=np.float64)
    problems: list[Problem] = []
    for cid, comp in model.components.items():
        for rid, qty in comp.peak_load.items():
            r = cm.resource_index.get(rid)
            if r is None:
                continue
            try:
                out[cm.node_index[cid], r] = qty.to(model.resources[rid].unit)
            except UnitError as exc:
                problems.append(
                    Problem(comp.loc, f"peak_load.{rid}", str(qty), str(exc), record=cid)
                )
    if problems:
        raise ModelError(problems, "peak loads in units that do not meet their resource")
    return out


def project_capacity(
    model: Model,
    scenario: Scenario | str | None = None,
    years: Iterable[int] | None = None,
    *,
    year_to: int = LAST_YEAR,
    norms: DemandNorms | None = None,
    resource_map: Mapping[str, str] | None = None,
    compiled: CompiledModel | None = None,
) -> CapacityResult:
    """Project loads and utilisation of every component, per resource and year.

    Parameters
    ----------
    model
        The model.
    scenario
        A scenario or the id of one of the model's; its plans and transitions drive growth,
        its ``year`` (if set) is the year whose load :meth:`CapacityResult.cascade_inputs`
        gives. ``None``: no growth (base-year demand every year).
    years
        Years to project; default the base year to ``year_to``. The base year and the
        scenario's year are always added.
    year_to
        Last year when ``years`` is not given (2050).
    norms, resource_map
        See :func:`~vitaal.engine.demand.compute_demand`.
    compiled
        The model compiled already (else it is compiled here).

    Returns
    -------
    CapacityResult

    Raises
    ------
    ScenarioError
        Unknown scenario (the message lists the ids), years before the base year, a scenario
        that names unknown plans or transitions.
    ModelError
        A model that does not compile, peak loads or plan demand in units of another
        dimension. A ring of primary links within one resource is no error: it is
        contracted into a mesh that carries its load together (see the module's notes).

    Notes
    -----
    O(N R + (K + L) Y) time for N nodes, R resources, K rows, L supply links and Y years,
    besides computing demand: the accumulation is one compiled pass over every resource and
    year (:func:`~vitaal.engine.capacity_arrays.project_loads`). Names, owners and systems
    of the rows are looked up when first read.

    Examples
    --------
    >>> from vitaal.model import Component, Model, ModelInfo, Resource, ServiceArea, SupplyLink
    >>> from vitaal.model.units import Quantity
    >>> m = Model(info=ModelInfo(name="x", base_year=2026),
    ...     resources={"electricity": Resource(id="electricity", name="El", unit="MW")},
    ...     components={"ss": Component(id="ss", subsystem="s", kind="substation",
    ...                                 capacity={"electricity": Quantity(2, "MW")})},
    ...     areas={"a": ServiceArea(id="a", name="A", homes=1000)},
    ...     supply={"ss>a|electricity": SupplyLink(supplier="ss", consumer="a",
    ...                                            resource="electricity")})
    >>> res = project_capacity(m, None, [2026])
    >>> float(res.utilisation_of("ss", "electricity")[0])   # 1,000 x 1.5 kW / 2 MW
    0.75
    """
    scen = find_scenario(model, scenario)
    base = model.info.base_year
    wanted = list(range(base, max(base, year_to) + 1)) if years is None else [int(y) for y in years]
    early = sorted(y for y in wanted if y < base)
    if early:
        raise ScenarioError(f"years {early} lie before the model's base year {base}")
    if scen is not None and scen.year is not None:
        if scen.year < base:
            raise ScenarioError(
                f"scenario '{scen.id}' has year {scen.year}, before the base year {base}"
            )
        wanted.append(scen.year)
    year_arr = np.unique(np.asarray([base, *wanted], dtype=np.int64))
    b = 0  # the base year is the first

    norms = norms or load_norms()
    cm = compiled if compiled is not None else compile_model(model)
    demand = compute_demand(model, scen, year_arr, norms=norms, resource_map=resource_map)
    measured = _measured(model, cm)
    n_comp = len(model.components)

    # own demand of every consumer that has some in any year, as (node, resource) entries
    c_idx, r_idx = np.nonzero((demand.values > 0).any(axis=0))
    proj = project_loads(
        cm,
        (n_comp + c_idx).astype(np.int64),
        r_idx.astype(np.int64),
        demand.values[:, c_idx, r_idx].T,
        year_arr,
        base_index=b,
        measured=measured,
    )

    rn = proj.row_node
    comp_rows = np.flatnonzero(rn < n_comp)
    lead = np.full(rn.shape[0], np.nan, dtype=np.float64)
    if comp_rows.size:
        comp_lead = np.fromiter(
            (np.nan if c.lead_time_y is None else c.lead_time_y for c in model.components.values()),
            dtype=np.float64,
            count=n_comp,
        )
        lead[comp_rows] = comp_lead[rn[comp_rows]]
    return CapacityResult(
        model_name=model.info.name,
        base_year=base,
        scenario_id=scen.id if scen is not None else None,
        scenario_year=scen.year if scen is not None else None,
        years=year_arr,
        compiled=cm,
        row_node=rn,
        row_resource=proj.row_resource,
        load=proj.load,
        capacity=proj.capacity,
        measured=proj.measured,
        utilisation=proj.utilisation,
        exhausted=proj.exhausted,
        supplies=proj.supplies,
        lead_time_y=lead,
        labels=RowLabels(rn, _label_lookup(model, cm)),
        units=tuple(model.resources[rid].unit for rid in cm.resource_ids),
        demand=demand,
        norms_source=norms.source,
    )
