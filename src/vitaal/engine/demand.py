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
- a plan's direct ``demand`` counts from its year on, like its homes and jobs, split evenly
  over the plan's areas.

A critical function draws its category's norm (or the ``default`` one) per person of its
``people``, the same in every year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from vitaal.catalog import data_mapping, load_data
from vitaal.errors import Loc, ModelError, Problem, ScenarioError
from vitaal.model import Confidence, Model, Origin, Scenario
from vitaal.model.units import Quantity, UnitError, dimension_of

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

#: What a norm counts per: an existing home, a home added by a plan, a resident, a job.
BASES: tuple[str, ...] = ("home", "new_home", "person", "job")
#: The last year of a projection unless told otherwise.
LAST_YEAR = 2050
_PACKAGED = "vitaal/data/demand_norms.yaml"


# -- the norms ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Norm:
    """One figure of the norms: a quantity per home, person or job, and where it comes from."""

    quantity: Quantity
    origin: str = Origin.ASSUMED.value
    confidence: str = Confidence.LOW.value
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class TransitionNorm:
    """What a transition changes per home that has it.

    ``applies_to`` is ``"existing"`` (base-year homes) or ``"all"`` (new homes too); ``add``
    maps norm keys to the demand added per home; ``off`` (``removes`` in the file) lists norm
    keys whose per-home norm such a home no longer draws; ``total`` says that the share is of
    homes off those keys for any reason (gas phase-out), rather than a group of its own.
    """

    applies_to: str
    add: Mapping[str, Norm]
    off: tuple[str, ...] = ()
    total: bool = False


@dataclass(frozen=True, slots=True)
class DemandNorms:
    """The demand norms, read by :func:`load_norms`.

    Attributes
    ----------
    persons_per_home
        Residents per home added by a plan.
    aliases
        Per norm key, the other resource ids that take its norms.
    norms
        Per norm key, per basis (:data:`BASES`), the norm.
    transitions
        Per transition of ``vitaal/data/transitions.yaml``, its :class:`TransitionNorm`.
    critical_basis
        The basis whose norms a critical function's person draws by default (or ``None``).
    critical
        Per category, per norm key, the norm per person that overrides the default.
    source
        Where the norms were read from.
    """

    persons_per_home: float
    aliases: Mapping[str, tuple[str, ...]]
    norms: Mapping[str, Mapping[str, Norm]]
    transitions: Mapping[str, TransitionNorm]
    critical_basis: str | None
    critical: Mapping[str, Mapping[str, Norm]]
    source: str = _PACKAGED

    def per(self, key: str, basis: str) -> Norm | None:
        """The norm of ``key`` per ``basis``, ``None`` when there is none (zero demand)."""
        return self.norms.get(key, {}).get(basis)

    def for_category(self, category: str, key: str) -> Norm | None:
        """The norm per person of a critical function of ``category`` for ``key``."""
        norm = self.critical.get(category, {}).get(key)
        if norm is None and self.critical_basis is not None:
            norm = self.per(key, self.critical_basis)
        return norm


class _Parser:
    """Reads the raw YAML of the norms, collecting every problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, where: str, found: object, expected: str) -> None:
        shown = found if isinstance(found, str) else repr(found)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        self.problems.append(Problem(Loc(self.source), where, shown, expected))

    def mapping(self, raw: object, where: str) -> Mapping[str, Any]:
        if isinstance(raw, Mapping) and all(isinstance(k, str) for k in raw):
            return raw
        self.fail(where, raw, "a mapping with text keys")
        return {}

    def norm(self, raw: object, where: str) -> Norm | None:
        spec = self.mapping(raw, where)
        if not spec:
            return None
        value = spec.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}.value", value, "a number")
            return None
        if not (math.isfinite(value) and value >= 0):
            self.fail(f"{where}.value", value, "a finite number >= 0")
            return None
        unit = spec.get("unit")
        try:
            dimension_of(str(unit))
        except UnitError:
            self.fail(f"{where}.unit", unit, "a unit of vitaal/data/units.yaml")
            return None
        origin = spec.get("origin", Origin.ASSUMED.value)
        if origin not in {o.value for o in Origin}:
            self.fail(f"{where}.origin", origin, f"one of {', '.join(o.value for o in Origin)}")
        confidence = spec.get("confidence", Confidence.LOW.value)
        if confidence not in {c.value for c in Confidence}:
            levels = ", ".join(c.value for c in Confidence)
            self.fail(f"{where}.confidence", confidence, f"one of {levels}")
        ref = spec.get("ref")
        qty = Quantity(float(value), str(unit))
        return Norm(qty, str(origin), str(confidence), None if ref is None else str(ref))


def _parse_norms(raw: object, source: str) -> DemandNorms:
    p = _Parser(source)
    top = p.mapping(raw, "<file>")
    if top and top.get("version") != 1:
        p.fail("version", top.get("version"), "1")

    pph_raw = top.get("persons_per_home")
    pph = pph_raw.get("value") if isinstance(pph_raw, Mapping) else pph_raw
    persons_per_home = 0.0
    if isinstance(pph, bool) or not isinstance(pph, int | float) or not pph > 0:
        p.fail("persons_per_home", pph, "a number > 0 (persons per home)")
    else:
        persons_per_home = float(pph)

    norms: dict[str, dict[str, Norm]] = {}
    for key, per_basis in p.mapping(top.get("norms"), "norms").items():
        norms[key] = {}
        for basis, spec in p.mapping(per_basis, f"norms.{key}").items():
            if basis not in BASES:
                p.fail(f"norms.{key}.{basis}", basis, f"a basis: {', '.join(BASES)}")
                continue
            n = p.norm(spec, f"norms.{key}.{basis}")
            if n is not None:
                norms[key][basis] = n

    aliases: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for key, names in p.mapping(top.get("aliases", {}), "aliases").items():
        if key not in norms:
            p.fail(f"aliases.{key}", key, "a norm key listed under norms")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            p.fail(f"aliases.{key}", names, "a list of resource ids")
            continue
        for name in names:
            if name in seen or name in norms:
                p.fail(f"aliases.{key}", name, "a resource id that names one norm key only")
            seen[name] = key
        aliases[key] = tuple(names)

    known = set(data_mapping("transitions", "transitions"))
    transitions: dict[str, TransitionNorm] = {}
    raw_tr = p.mapping(top.get("transitions"), "transitions")
    for name in sorted(known - set(raw_tr)):
        p.fail("transitions", f"no entry for '{name}'", "an entry for every transition")
    for name, spec_raw in raw_tr.items():
        where = f"transitions.{name}"
        if name not in known:
            p.fail(where, name, f"a transition of vitaal/data/transitions.yaml: {sorted(known)}")
            continue
        spec = p.mapping(spec_raw, where)
        applies_to = spec.get("applies_to")
        if applies_to not in ("existing", "all"):
            p.fail(f"{where}.applies_to", applies_to, "existing or all")
            continue
        add: dict[str, Norm] = {}
        for key, nspec in p.mapping(spec.get("add", {}), f"{where}.add").items():
            if key not in norms:
                p.fail(f"{where}.add.{key}", key, "a norm key listed under norms")
                continue
            n = p.norm(nspec, f"{where}.add.{key}")
            if n is not None:
                add[key] = n
        off = spec.get("removes", [])
        if not isinstance(off, list) or not all(isinstance(k, str) and k in norms for k in off):
            p.fail(f"{where}.removes", off, "a list of norm keys listed under norms")
            off = []
        total = spec.get("total", False)
        if not isinstance(total, bool):
            p.fail(f"{where}.total", total, "true or false")
            total = False
        transitions[name] = TransitionNorm(applies_to, MappingProxyType(add), tuple(off), total)

    categories = set(data_mapping("categories", "categories"))
    critical: dict[str, dict[str, Norm]] = {}
    critical_basis: str | None = None
    for category, spec_raw in p.mapping(
        top.get("critical_functions", {}), "critical_functions"
    ).items():
        where = f"critical_functions.{category}"
        spec = p.mapping(spec_raw, where)
        if category == "default":
            default_basis = spec.get("basis")
            if default_basis not in BASES:
                p.fail(f"{where}.basis", default_basis, f"a basis: {', '.join(BASES)}")
            else:
                critical_basis = str(default_basis)
            continue
        if category not in categories:
            p.fail(where, category, "a category of vitaal/data/categories.yaml or default")
            continue
        critical[category] = {}
        for key, nspec in spec.items():
            if key not in norms:
                p.fail(f"{where}.{key}", key, "a norm key listed under norms")
                continue
            n = p.norm(nspec, f"{where}.{key}")
            if n is not None:
                critical[category][key] = n

    # Every figure of one key must measure the same thing (power for electricity ...).
    for key in norms:
        figures = [*norms[key].values()]
        figures += [t.add[key] for t in transitions.values() if key in t.add]
        figures += [c[key] for c in critical.values() if key in c]
        dims = {dimension_of(n.quantity.unit) for n in figures}
        if len(dims) > 1:
            p.fail(f"norms.{key}", f"units of dimensions {sorted(dims)}", "one dimension per key")

    if p.problems:
        count = len(p.problems)
        raise ModelError(p.problems, f"the demand norms in {source} have {count} problem(s)")
    return DemandNorms(
        persons_per_home=persons_per_home,
        aliases=MappingProxyType(aliases),
        norms=MappingProxyType({k: MappingProxyType(v) for k, v in norms.items()}),
        transitions=MappingProxyType(transitions),
        critical_basis=critical_basis,
        critical=MappingProxyType({k: MappingProxyType(v) for k, v in critical.items()}),
        source=source,
    )


@cache
def _packaged_norms() -> DemandNorms:
    return _parse_norms(load_data("demand_norms"), _PACKAGED)


def load_norms(path: str | Path | None = None) -> DemandNorms:
    """Read demand norms: the packaged ``vitaal/data/demand_norms.yaml``, or a file like it.

    Raises
    ------
    ModelError
        Listing every problem of the file (not YAML, missing or unknown transitions, unknown
        units, negative values, units of two dimensions for one key ...), each with the file
        and the dotted field.

    Examples
    --------
    >>> norms = load_norms()
    >>> norms.per("electricity", "home").quantity.unit
    'kW'
    """
    if path is None:
        return _packaged_norms()
    source = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelError(
            [Problem(Loc(source), None, f"a file that cannot be read ({exc.strerror})", "a file")]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ModelError(
            [Problem(Loc(source, line), None, "text that is not YAML", "a YAML mapping")]
        ) from exc
    return _parse_norms(raw, source)


def map_resources(
    model: Model, norms: DemandNorms, resource_map: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The norm key of each model resource that has one.

    A resource takes the key given for it in ``resource_map``, else the key equal to its id,
    else the key whose aliases list its id. A key whose figures measure another dimension
    than the resource's unit is a model problem.

    Raises
    ------
    ModelError
        ``resource_map`` names an unknown resource or key, or units do not meet.
    """
    problems: list[Problem] = []
    alias_of = {name: key for key, names in norms.aliases.items() for name in names}
    given = dict(resource_map or {})
    for rid, key in given.items():
        if rid not in model.resources:
            problems.append(Problem(None, "resource_map", repr(rid), "a resource of the model"))
        if key not in norms.norms:
            problems.append(
                Problem(None, "resource_map", repr(key), f"a norm key: {sorted(norms.norms)}")
            )
    out: dict[str, str] = {}
    for rid, res in model.resources.items():
        found = given.get(rid) or (rid if rid in norms.norms else alias_of.get(rid))
        if found is None or found not in norms.norms:
            continue
        key = found
        figures = [*norms.norms[key].values()]
        figures += [t.add[key] for t in norms.transitions.values() if key in t.add]
        try:
            unit_dim = dimension_of(res.unit)
        except UnitError:
            continue  # validation reports the unit itself
        for n in figures:
            if dimension_of(n.quantity.unit) != unit_dim:
                problems.append(
                    Problem(
                        res.loc,
                        "unit",
                        f"{res.unit} ({unit_dim}) for a resource with the norms of '{key}' "
                        f"in {n.quantity.unit}",
                        f"a unit of {dimension_of(n.quantity.unit)}, or another norm key",
                        record=rid,
                    )
                )
                break
        else:
            out[rid] = key
    if problems:
        raise ModelError(problems, "the model's resources do not meet the demand norms")
    return out


# -- the demand -----------------------------------------------------------------------------
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

    # -- plans: homes, jobs and direct demand by year, split evenly over the plan's areas --
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
        share = 1.0 / len(targets) if targets else 0.0
        for series, when, where, amount in (
            (plan.homes, h_when, h_where, h_amount),
            (plan.jobs, j_when, j_where, j_amount),
        ):
            for year, count in series.items():
                for t in targets:
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
                for t in targets:
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
