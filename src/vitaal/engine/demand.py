"""Demand of consumers per resource and year: homes, people, jobs, plans and transitions.

The peak demand of every consumer (service areas, then critical functions, in the model's
order) for every resource of the model, for each year of a projection, in the resource's own
unit. It follows the demand norms of ``vitaal/data/demand_norms.yaml`` (or a file of the same
shape), which keep each figure with its unit and source. The rules are written out in
``docs/capacity.md``; in short, for a service area in year ``y``:

- existing homes (the area's ``homes``) draw the ``home`` norm, homes added by the scenario's
  plans up to ``y`` the ``new_home`` norm, residents (``population`` plus ``persons_per_home``
  per new home) the ``person`` norm and jobs (``jobs`` plus the plans' jobs) the ``job`` norm;
- a transition's share in ``y`` (linear between the years the scenario gives, constant
  outside) times the homes it applies to adds its per-home demand, and takes the homes it
  moves off a resource (gas) off that resource's per-home norm;
- a plan's direct ``demand`` counts from its year on, like its homes and jobs, split over the
  plan's areas by its ``area_shares`` (evenly when it gives none).

A critical function draws its category's norm (or the ``default`` one) per person of its
``people``, the same in every year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.norms import (
    BASES,
    DemandNorms,
    Norm,
    TransitionNorm,
    load_norms,
    map_resources,
)
from vitaal.errors import ModelError, Problem, ScenarioError
from vitaal.model import Model, Scenario
from vitaal.model.units import UnitError

__all__ = [
    "BASES",
    "LAST_YEAR",
    "Demand",
    "DemandNorms",
    "Norm",
    "TransitionNorm",
    "compute_demand",
    "load_norms",
    "map_resources",
    "projection_years",
]

#: The last year of a projection unless told otherwise.
LAST_YEAR = 2050


@dataclass(frozen=True, slots=True, eq=False)
class Demand:
    """Peak demand of every consumer per resource and year.

    Attributes
    ----------
    years
        ``(Y,)`` the years.
    consumer_ids
        Service areas, then critical functions, in the model's order (the order of the
        compiled node index after the components).
    n_areas
        How many of ``consumer_ids`` are service areas.
    resource_ids
        The model's resources.
    values
        ``(Y, C, R)`` demand in each resource's unit; zero where no norm applies.
    homes, new_homes, persons, jobs
        ``(Y, C)`` what the demand was computed from (homes include new homes; a critical
        function's ``persons`` are its ``people``).
    shares
        Per transition of the scenario, ``(Y,)`` its share of homes.
    norm_keys
        The norm key of each model resource that has one.
    """

    years: NDArray[np.int64]
    consumer_ids: tuple[str, ...]
    n_areas: int
    resource_ids: tuple[str, ...]
    values: NDArray[np.float64]
    homes: NDArray[np.float64]
    new_homes: NDArray[np.float64]
    persons: NDArray[np.float64]
    jobs: NDArray[np.float64]
    shares: Mapping[str, NDArray[np.float64]]
    norm_keys: Mapping[str, str]

    def of(self, consumer_id: str, resource_id: str) -> NDArray[np.float64]:
        """``(Y,)`` demand of one consumer for one resource."""
        c = self.consumer_ids.index(consumer_id)
        r = self.resource_ids.index(resource_id)
        out: NDArray[np.float64] = self.values[:, c, r].copy()
        return out

    def total(self, resource_id: str) -> NDArray[np.float64]:
        """``(Y,)`` demand of all consumers together for one resource."""
        r = self.resource_ids.index(resource_id)
        out: NDArray[np.float64] = self.values[:, :, r].sum(axis=1)
        return out


def projection_years(model: Model, year_to: int = LAST_YEAR) -> NDArray[np.int64]:
    """The model's base year to ``year_to`` (at least the base year itself)."""
    base = model.info.base_year
    return np.arange(base, max(base, year_to) + 1, dtype=np.int64)


def _check_scenario(model: Model, scenario: Scenario, norms: DemandNorms) -> None:
    unknown = [pid for pid in scenario.plans if pid not in model.plans]
    if unknown:
        raise ScenarioError(
            f"scenario '{scenario.id}' names unknown plan(s) {', '.join(unknown)}; "
            f"the model's plans: {', '.join(model.plans) or '(none)'}"
        )
    for name, series in scenario.transitions.items():
        if name not in norms.transitions:
            raise ScenarioError(
                f"scenario '{scenario.id}': unknown transition '{name}'; "
                f"known: {', '.join(norms.transitions)}"
            )
        if not series:
            raise ScenarioError(f"scenario '{scenario.id}': transition '{name}' has no shares")
        for year, share in series.items():
            if not (isinstance(share, int | float) and 0.0 <= share <= 1.0):
                raise ScenarioError(
                    f"scenario '{scenario.id}': share of '{name}' in {year} is {share!r}, "
                    "expected a number from 0 to 1"
                )


def _cumulative(
    years: NDArray[np.int64],
    when: list[int],
    where: list[int],
    amount: list[float],
    shape: tuple[int, ...],
) -> NDArray[np.float64]:
    """``(Y, *shape)``: amounts added in year ``when`` at flat index ``where``, counted in
    every year from ``when`` on."""
    n_years = years.shape[0]
    inc = np.zeros((n_years + 1, math.prod(shape)), dtype=np.float64)
    if when:
        idx = np.searchsorted(years, np.asarray(when, dtype=np.int64), side="left")
        np.add.at(inc, (idx, np.asarray(where, dtype=np.int64)), np.asarray(amount))
    out: NDArray[np.float64] = np.cumsum(inc[:n_years], axis=0).reshape((n_years, *shape))
    return out


def _off_share(
    shares: Mapping[str, NDArray[np.float64]],
    norms: DemandNorms,
    key: str,
    groups: tuple[str, ...],
    n_years: int,
) -> NDArray[np.float64]:
    """Share of the homes of ``groups`` that no longer draw ``key``'s per-home norm."""
    total = np.zeros(n_years)
    other = np.zeros(n_years)
    for name, tn in norms.transitions.items():
        if key not in tn.off or tn.applies_to not in groups or name not in shares:
            continue
        if tn.total:
            total = np.maximum(total, shares[name])
        else:
            other = other + shares[name]
    out: NDArray[np.float64] = np.minimum(1.0, np.maximum(total, other))
    return out


def compute_demand(
    model: Model,
    scenario: Scenario | None = None,
    years: Iterable[int] | None = None,
    *,
    norms: DemandNorms | None = None,
    resource_map: Mapping[str, str] | None = None,
) -> Demand:
    """Peak demand of every consumer per resource and year, for ``scenario``'s plans and
    transitions (``None``: the base-year population, homes and jobs, unchanged).

    Parameters
    ----------
    model
        The model.
    scenario
        Its plans add homes, jobs and direct demand from their years on; its transitions
        give shares of homes by year (linear between given years, constant outside).
    years
        The years to compute, default :func:`projection_years` (base year to 2050).
    norms
        Default :func:`load_norms` (the packaged norms).
    resource_map
        Model resource id -> norm key, for resources whose id and aliases do not say.

    Returns
    -------
    Demand

    Raises
    ------
    ScenarioError
        The scenario names unknown plans or transitions, or shares outside 0..1.
    ModelError
        A plan of the scenario adds growth to no or unknown areas, or direct demand of an
        unknown resource or in a unit of another dimension; norms that do not meet the
        model's units.

    Notes
    -----
    Vectorised over years and consumers: O(Y (C R + T)) time and memory for Y years, C
    consumers, R resources and T transitions, plus one pass over the plans' entries.

    Examples
    --------
    >>> from vitaal.model import Model, ModelInfo, Resource, ServiceArea
    >>> m = Model(info=ModelInfo(name="x", base_year=2026),
    ...           resources={"electricity": Resource(id="electricity", name="El", unit="MW")},
    ...           areas={"a": ServiceArea(id="a", name="A", homes=1000)})
    >>> d = compute_demand(m, None, [2026])
    >>> round(float(d.of("a", "electricity")[0]), 6)   # 1,000 homes x 1.5 kW
    1.5
    """
    norms = norms or load_norms()
    year_arr = (
        projection_years(model)
        if years is None
        else np.unique(np.asarray(list(years), dtype=np.int64))
    )
    if year_arr.size == 0:
        raise ScenarioError("no years to compute demand for")
    if scenario is not None:
        _check_scenario(model, scenario, norms)
    keys = map_resources(model, norms, resource_map)
    n_years = int(year_arr.shape[0])
    area_ids = tuple(model.areas)
    cf_ids = tuple(model.critical_functions)
    n_a, n_c = len(area_ids), len(area_ids) + len(cf_ids)
    res_ids = tuple(model.resources)
    res_index = {rid: i for i, rid in enumerate(res_ids)}
    area_index = {aid: i for i, aid in enumerate(area_ids)}
    n_r = len(res_ids)

    # -- plans: homes, jobs and direct demand by year, split over the plan's areas by its shares --
    problems: list[Problem] = []
    h_when: list[int] = []
    h_where: list[int] = []
    h_amount: list[float] = []
    j_when: list[int] = []
    j_where: list[int] = []
    j_amount: list[float] = []
    d_when: list[int] = []
    d_where: list[int] = []
    d_amount: list[float] = []
    for pid in scenario.plans if scenario is not None else ():
        plan = model.plans[pid]
        has_growth = bool(plan.homes or plan.jobs or plan.demand)
        targets = [area_index.get(a, -1) for a in plan.areas]
        if has_growth and not plan.areas:
            problems.append(
                Problem(
                    plan.loc, "areas", "no service area", "the areas the plan adds to", record=pid
                )
            )
            continue
        if any(t < 0 for t in targets):
            bad = [a for a, t in zip(plan.areas, targets, strict=True) if t < 0]
            problems.append(
                Problem(plan.loc, "areas", ", ".join(bad), "existing service area ids", record=pid)
            )
            continue
        by_area = plan.shares()
        area_share = [by_area.get(a, 0.0) for a in plan.areas]
        for series, when, where, amount in (
            (plan.homes, h_when, h_where, h_amount),
            (plan.jobs, j_when, j_where, j_amount),
        ):
            for year, count in series.items():
                for t, share in zip(targets, area_share, strict=True):
                    when.append(int(year))
                    where.append(t)
                    amount.append(float(count) * share)
        for rid, qty_by_year in plan.demand.items():
            r = res_index.get(rid)
            if r is None:
                problems.append(
                    Problem(
                        plan.loc, f"demand.{rid}", repr(rid), "a resource of the model", record=pid
                    )
                )
                continue
            for year, qty in qty_by_year.items():
                try:
                    value = qty.to(model.resources[rid].unit)
                except UnitError as exc:
                    problems.append(
                        Problem(plan.loc, f"demand.{rid}", str(qty), str(exc), record=pid)
                    )
                    continue
                for t, share in zip(targets, area_share, strict=True):
                    d_when.append(int(year))
                    d_where.append(t * n_r + r)
                    d_amount.append(value * share)
    if problems:
        raise ModelError(problems, f"the plans of scenario '{scenario.id if scenario else ''}'")

    new_homes = _cumulative(year_arr, h_when, h_where, h_amount, (n_a,))
    added_jobs = _cumulative(year_arr, j_when, j_where, j_amount, (n_a,))
    direct = _cumulative(year_arr, d_when, d_where, d_amount, (n_a, n_r))

    existing = np.asarray([a.homes for a in model.areas.values()], dtype=np.float64)
    population = np.asarray([a.population for a in model.areas.values()], dtype=np.float64)
    jobs0 = np.asarray([a.jobs for a in model.areas.values()], dtype=np.float64)
    persons = population[None, :] + new_homes * norms.persons_per_home
    jobs = jobs0[None, :] + added_jobs
    all_homes = existing[None, :] + new_homes

    shares: dict[str, NDArray[np.float64]] = {}
    if scenario is not None:
        for name, by_year in scenario.transitions.items():
            xs = sorted(by_year)
            shares[name] = np.interp(
                year_arr.astype(np.float64),
                np.asarray(xs, dtype=np.float64),
                np.asarray([float(by_year[x]) for x in xs]),
            )

    values = np.zeros((n_years, n_c, n_r), dtype=np.float64)
    people = np.asarray([f.people for f in model.critical_functions.values()], dtype=np.float64)
    categories = [f.category for f in model.critical_functions.values()]
    for rid, key in keys.items():
        r = res_index[rid]
        unit = model.resources[rid].unit

        def rate(norm: Norm | None, unit: str = unit) -> float:
            return 0.0 if norm is None else norm.quantity.to(unit)

        home, new_home = rate(norms.per(key, "home")), rate(norms.per(key, "new_home"))
        area_d = (
            existing[None, :] * home
            + new_homes * new_home
            + persons * rate(norms.per(key, "person"))
            + jobs * rate(norms.per(key, "job"))
        )
        for name, tn in norms.transitions.items():
            if name in shares and key in tn.add:
                group = existing[None, :] if tn.applies_to == "existing" else all_homes
                area_d = area_d + shares[name][:, None] * group * rate(tn.add[key])
        off_existing = _off_share(shares, norms, key, ("existing", "all"), n_years)
        off_new = _off_share(shares, norms, key, ("all",), n_years)
        area_d = area_d - off_existing[:, None] * existing[None, :] * home
        area_d = area_d - off_new[:, None] * new_homes * new_home
        values[:, :n_a, r] = area_d + direct[:, :, r]
        if cf_ids:
            per_person = np.asarray([rate(norms.for_category(c, key)) for c in categories])
            values[:, n_a:, r] = (people * per_person)[None, :]
    # Plans may take homes or jobs away (demolition); demand never goes below zero.
    np.maximum(values, 0.0, out=values)

    zeros = np.zeros((n_years, len(cf_ids)))
    return Demand(
        years=year_arr,
        consumer_ids=area_ids + cf_ids,
        n_areas=n_a,
        resource_ids=res_ids,
        values=values,
        homes=np.concatenate([all_homes, zeros], axis=1),
        new_homes=np.concatenate([new_homes, zeros], axis=1),
        persons=np.concatenate([persons, np.broadcast_to(people, (n_years, len(cf_ids)))], axis=1),
        jobs=np.concatenate([jobs, zeros], axis=1),
        shares=MappingProxyType(shares),
        norm_keys=MappingProxyType(keys),
    )
