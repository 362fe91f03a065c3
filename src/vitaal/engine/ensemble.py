"""Ensembles: thousands of sampled hazard scenarios, their cascades, and the risk they add up to.

An :class:`EnsembleSpec` says which hazards to sample and how often they occur:

- **flood**: pluvial or breach floods as spatially correlated depth fields. A scenario has a
  return period ``T`` (sampled within strata between the given return periods), a peak depth
  interpolated in ``log T``, and a few flooded spots (Poisson, centred on low ground); the
  depth at a point is ``max over spots of peak * g * exp(-d^2 / (2 L^2))`` plus the spot's
  share of the ground below the city's median, with ``g`` lognormal per spot and ``L`` the
  correlation length. A component fails when the depth reaches its ``water_depth`` threshold
  (cause ``HAZARD``).
- **heat**: heat waves. A peak air temperature per return period, plus a smooth random field
  (random Fourier features, correlation length ``L``, standard deviation ``spread_c``: the
  urban heat island); a component fails when the local temperature reaches its
  ``temperature`` threshold.
- **random**: independent failures in an episode (a storm week, a cold spell), with a
  probability per component by its NEN 2767 condition (1 excellent ... 6 very poor); the
  episodes occur ``frequency_per_year`` times a year (cause ``EVENT``).

Each scenario is a set of initial failures at time 0 and a **weight**: its annual frequency
(stratified sampling: a stratum between return periods ``T_i`` and ``T_(i+1)`` occurs
``1/T_i - 1/T_(i+1)`` times a year and its scenarios share that evenly). So the expected
annual impact is the sum over scenarios of weight x impact, each component's annual failure
rate the sum of the weights of the scenarios it fails in (annual probability
``1 - exp(-rate)``), and each service area's expected annual person-hours without service the
weighted sum of the person-hours of its most affected service (the people behind it times
the hours without it within the horizon).

Sampling is vectorised and deterministic by seed; the cascades run in batches
(:func:`~vitaal.engine.criticality.run_cases`), in chunks that fix the order of every sum, so
a Dask cluster gives the same numbers as this process. With ``restoration`` (what
``vitaal ensemble`` runs) each scenario is the process with restoration exactly as a
scenario run has it (:mod:`vitaal.engine.process_cases`: a flood or heat-wave hit is
repaired after its kind's ``hazard_repair_h``, a random failure after its ``repair_h``);
without, the cascade without repair (``run_cascade`` per scenario, with the model's loads).
Either way with the common-cause couplings when given.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from vitaal.catalog import data_mapping
from vitaal.engine._kernels import C_EVENT, C_HAZARD
from vitaal.engine.compile import CompiledModel
from vitaal.engine.criticality import (
    Cases,
    CaseSummary,
    Couplings,
    ImpactTable,
    Runner,
    batch_arrays,
    chunk_cases,
    concat_summaries,
    in_process_runner,
    with_common_causes,
)
from vitaal.engine.process_cases import CaseRestoration
from vitaal.errors import ScenarioError
from vitaal.model import Model

__all__ = [
    "EnsembleResult",
    "EnsembleSpec",
    "Exposure",
    "FloodSpec",
    "HeatSpec",
    "RandomSpec",
    "ScenarioSet",
    "exposure_from_model",
    "run_ensemble",
    "sample_scenarios",
    "spec_from_mapping",
]

KINDS = ("flood", "heat", "random")


@dataclass(frozen=True)
class FloodSpec:
    share: float = 0.4
    return_periods: tuple[float, ...] = (10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0)
    peak_depth_m: tuple[float, ...] = (0.15, 0.3, 0.5, 0.8, 1.2, 1.8)
    correlation_length_m: float = 250.0
    spots: float = 2.0
    ground_effect: float = 0.1


@dataclass(frozen=True)
class HeatSpec:
    share: float = 0.2
    return_periods: tuple[float, ...] = (2.0, 10.0, 50.0, 200.0)
    peak_temperature_c: tuple[float, ...] = (31.0, 33.0, 35.5, 38.0)
    spread_c: float = 1.5
    correlation_length_m: float = 2000.0


@dataclass(frozen=True)
class RandomSpec:
    share: float = 0.4
    frequency_per_year: float = 12.0
    #: per episode, NEN 2767 condition 1 ... 6 (components without a condition: score 3)
    probability_by_condition: tuple[float, ...] = (2e-5, 5e-5, 1e-4, 4e-4, 1.5e-3, 5e-3)


@dataclass(frozen=True)
class EnsembleSpec:
    """What to sample: ``n_scenarios`` split over the hazards by their ``share``."""

    n_scenarios: int = 1000
    seed: int = 0
    horizon_h: float = 72.0
    flood: FloodSpec | None = field(default_factory=FloodSpec)
    heat: HeatSpec | None = field(default_factory=HeatSpec)
    random: RandomSpec | None = field(default_factory=RandomSpec)


def spec_from_mapping(data: Mapping[str, Any]) -> EnsembleSpec:
    """An :class:`EnsembleSpec` from parsed YAML/JSON; unknown keys are a ``ScenarioError``.

    >>> spec_from_mapping({"n_scenarios": 50, "hazards": {"heat": {"share": 1}}}).heat.share
    1.0
    """
    allowed = {"n_scenarios", "seed", "horizon_h", "hazards"}
    unknown = set(data) - allowed
    if unknown:
        raise ScenarioError(f"unknown ensemble key(s): {', '.join(sorted(unknown))}")
    hazards = data.get("hazards", {"flood": {}, "heat": {}, "random": {}})
    if not isinstance(hazards, Mapping) or set(hazards) - set(KINDS):
        raise ScenarioError(f"'hazards' must map some of {', '.join(KINDS)} to their settings")

    def build(cls: Any, key: str) -> Any:
        if key not in hazards:
            return None
        given = hazards[key] or {}
        if not isinstance(given, Mapping):
            raise ScenarioError(f"{key}: found {given!r:.60}, expected a mapping of settings")
        raw = dict(given)
        names = set(cls.__dataclass_fields__)
        if set(raw) - names:
            bad = ", ".join(sorted(map(str, set(raw) - names)))
            raise ScenarioError(f"unknown setting(s) of {key}: {bad}")
        defaults = cls()
        kwargs: dict[str, Any] = {}
        for k, v in raw.items():
            if isinstance(getattr(defaults, k), tuple):
                if not isinstance(v, list) or not all(_finite(x) for x in v):
                    raise ScenarioError(f"{key}.{k}: found {v!r:.60}, expected a list of numbers")
                kwargs[k] = tuple(float(x) for x in v)
            elif _finite(v):
                kwargs[k] = float(v)
            else:
                raise ScenarioError(f"{key}.{k}: found {v!r:.60}, expected a number")
        return cls(**kwargs)

    settings = {"n_scenarios": 1000, "seed": 0, "horizon_h": 72.0}
    for name, default in settings.items():
        value = data.get(name, default)
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if not _finite(value) or (name != "horizon_h" and not whole):
            what = "a number" if name == "horizon_h" else "a whole number"
            raise ScenarioError(f"{name}: found {value!r:.60}, expected {what}")
    if not 1 <= int(data.get("n_scenarios", 1000)) <= MAX_SCENARIOS:
        raise ScenarioError(f"n_scenarios must be between 1 and {MAX_SCENARIOS:,}")
    if not 0 <= int(data.get("seed", 0)) < 2**63:
        raise ScenarioError("seed must be a whole number from 0 to 2**63 - 1")
    spec = EnsembleSpec(
        n_scenarios=int(data.get("n_scenarios", 1000)),
        seed=int(data.get("seed", 0)),
        horizon_h=float(data.get("horizon_h", 72.0)),
        flood=build(FloodSpec, "flood"),
        heat=build(HeatSpec, "heat"),
        random=build(RandomSpec, "random"),
    )
    _check(spec)
    return spec


#: Most scenarios one ensemble samples (each holds its damaged components in memory).
MAX_SCENARIOS = 10_000_000


def _finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (not a bool, not text, not 10**400)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def read_ensemble_spec(
    path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None
) -> EnsembleSpec:
    """The ensemble specification in the YAML file ``path`` (``vitaal ensemble --scenarios``),
    with ``overrides`` (``n_scenarios``, ``seed``, ``horizon_h`` from the command line) on top.

    Raises
    ------
    ScenarioError
        The file cannot be read (not YAML, over a limit of :mod:`vitaal.io.yamlfile`), is not
        a mapping, or holds settings that are unknown or out of range; the message names the
        file.
    """
    from vitaal.errors import ModelError
    from vitaal.io.yamlfile import read_yaml_file

    try:
        raw = read_yaml_file(path)
    except ModelError as exc:
        raise ScenarioError("; ".join(str(p) for p in exc.problems)) from exc
    raw = {} if raw is None else raw
    if not isinstance(raw, Mapping):
        found = type(raw).__name__
        raise ScenarioError(f"{path}: found a {found}, expected a mapping of ensemble settings")
    try:
        return spec_from_mapping({**raw, **(overrides or {})})
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: {exc}") from exc


def _check(spec: EnsembleSpec) -> None:
    problems = []
    if spec.n_scenarios < 1:
        problems.append("n_scenarios must be >= 1")
    if not (spec.horizon_h > 0 and math.isfinite(spec.horizon_h)):
        problems.append("horizon_h must be a positive number of hours")
    for name, h, intens in (
        ("flood", spec.flood, "peak_depth_m"),
        ("heat", spec.heat, "peak_temperature_c"),
    ):
        if h is None:
            continue
        rp = np.asarray(h.return_periods)
        if rp.size == 0 or np.any(np.diff(rp) <= 0) or rp[0] <= 1.0:
            problems.append(f"{name}: return_periods must rise and exceed 1 year")
        if len(getattr(h, intens)) != rp.size:
            problems.append(f"{name}: one {intens} per return period")
    if spec.random is not None and len(spec.random.probability_by_condition) != 6:
        problems.append("random: probability_by_condition needs 6 values (NEN 2767 1-6)")
    shares = [h.share for h in (spec.flood, spec.heat, spec.random) if h is not None]
    if not shares or any(not 0 <= s <= 1e9 for s in shares) or sum(shares) <= 0:
        # shares are weights; 1e9 keeps n_scenarios times a share finite
        problems.append("the hazards' shares must be between 0 and 1e9 and not all 0")
    if problems:
        raise ScenarioError("; ".join(problems))


@dataclass(frozen=True, eq=False)
class Exposure:
    """Per node: position (m), ground level (m), thresholds (NaN: does not fail by the
    hazard) and NEN 2767 condition (0: unknown); only components are exposed."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    ground_m: NDArray[np.float64]
    flood_threshold_m: NDArray[np.float64]
    heat_threshold_c: NDArray[np.float64]
    condition: NDArray[np.int64]
    exposed: NDArray[np.bool_]


def exposure_from_model(model: Model, compiled: CompiledModel) -> Exposure:
    """Positions (centroids of the geometries), thresholds for ``water_depth`` (in m) and
    ``temperature`` (in degC) and conditions of the model's components. Ground levels are not
    in the model: 0 everywhere (depths then come from the field alone)."""
    from shapely import from_wkt

    n = compiled.n_nodes
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    flood = np.full(n, np.nan)
    heat = np.full(n, np.nan)
    cond = np.zeros(n, dtype=np.int64)
    exposed = np.zeros(n, dtype=np.bool_)
    for cid, comp in model.components.items():
        v = compiled.node_index[cid]
        exposed[v] = True
        if comp.geometry:
            c = from_wkt(comp.geometry).centroid
            x[v], y[v] = c.x, c.y
        if "water_depth" in comp.thresholds:
            flood[v] = comp.thresholds["water_depth"].to("m")
        if "temperature" in comp.thresholds:
            heat[v] = comp.thresholds["temperature"].to("degC")
        cond[v] = comp.condition or 0
    no_xy = ~np.isfinite(x)
    flood[no_xy] = np.nan  # a component without a place cannot be flooded or heated here
    heat[no_xy] = np.nan
    return Exposure(
        x=np.nan_to_num(x),
        y=np.nan_to_num(y),
        ground_m=np.zeros(n),
        flood_threshold_m=flood,
        heat_threshold_c=heat,
        condition=cond,
        exposed=exposed,
    )


@dataclass(frozen=True, eq=False)
class ScenarioSet:
    """Sampled scenarios as cases: ``case_ptr``/``case_node``/``case_cause`` (initial failures,
    all at time 0), ``weight`` (annual frequency), ``kind`` (index into ``KINDS``) and
    ``return_period`` (NaN for random episodes)."""

    case_ptr: NDArray[np.int64]
    case_node: NDArray[np.int64]
    case_cause: NDArray[np.int8]
    weight: NDArray[np.float64]
    kind: NDArray[np.int64]
    return_period: NDArray[np.float64]

    @property
    def n(self) -> int:
        return int(self.weight.shape[0])


@njit(cache=True, nogil=True)
def _flood_hits(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    ground: NDArray[np.float64],
    ground_ref: float,
    thr: NDArray[np.float64],
    cand: NDArray[np.int64],
    spot_ptr: NDArray[np.int64],
    spot_x: NDArray[np.float64],
    spot_y: NDArray[np.float64],
    spot_depth: NDArray[np.float64],
    length: float,
    ground_effect: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per scenario the candidates whose flood depth reaches their threshold."""
    n_sc = spot_ptr.shape[0] - 1
    counts = np.zeros(n_sc + 1, dtype=np.int64)
    cap = 1024
    hits = np.empty(cap, dtype=np.int64)
    n_hits = 0
    reach2 = (4.0 * length) ** 2
    inv = 1.0 / (2.0 * length * length)
    for s in range(n_sc):
        for i in range(cand.shape[0]):
            v = cand[i]
            depth = 0.0
            for j in range(spot_ptr[s], spot_ptr[s + 1]):
                dx = x[v] - spot_x[j]
                dy = y[v] - spot_y[j]
                d2 = dx * dx + dy * dy
                if d2 < reach2:
                    g = math.exp(-d2 * inv)
                    dd = g * (spot_depth[j] + ground_effect * max(0.0, ground_ref - ground[v]))
                    depth = max(depth, dd)
            if depth >= thr[v] and depth > 0.0:
                if n_hits == cap:
                    cap *= 2
                    grown = np.empty(cap, dtype=np.int64)
                    grown[:n_hits] = hits[:n_hits]
                    hits = grown
                hits[n_hits] = v
                n_hits += 1
        counts[s + 1] = n_hits
    return counts, hits[:n_hits]


@njit(cache=True, nogil=True)
def _heat_hits(
    cell: NDArray[np.int64],
    thr: NDArray[np.float64],
    cand: NDArray[np.int64],
    peak: NDArray[np.float64],
    gx: NDArray[np.float64],
    gy: NDArray[np.float64],
    omega: NDArray[np.float64],
    phase: NDArray[np.float64],
    spread: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per scenario the candidates whose local temperature reaches their threshold. The
    field ``spread * sqrt(2/M) * sum_m cos(omega_m . x + phase_m)`` (M random Fourier
    features: a Gaussian field with the spectrum of ``omega``) is evaluated on a grid whose
    cells (``cell`` per node) are much smaller than the correlation length."""
    n_sc = peak.shape[0]
    m = omega.shape[1]
    scale = spread * math.sqrt(2.0 / m)
    nx, ny = gx.shape[0], gy.shape[0]
    field = np.empty(nx * ny)
    counts = np.zeros(n_sc + 1, dtype=np.int64)
    cap = 1024
    hits = np.empty(cap, dtype=np.int64)
    n_hits = 0
    for s in range(n_sc):
        for i in range(nx):
            for j in range(ny):
                f = 0.0
                for q in range(m):
                    f += math.cos(omega[s, q, 0] * gx[i] + omega[s, q, 1] * gy[j] + phase[s, q])
                field[i * ny + j] = peak[s] + scale * f
        for i in range(cand.shape[0]):
            v = cand[i]
            if field[cell[v]] >= thr[v]:
                if n_hits == cap:
                    cap *= 2
                    grown = np.empty(cap, dtype=np.int64)
                    grown[:n_hits] = hits[:n_hits]
                    hits = grown
                hits[n_hits] = v
                n_hits += 1
        counts[s + 1] = n_hits
    return counts, hits[:n_hits]


def _strata(
    rng: np.random.Generator, rps: tuple[float, ...], n: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """``n`` return periods sampled stratum by stratum; their weights (annual frequency)."""
    rp = np.asarray(rps, dtype=np.float64)
    hi_f = 1.0 / rp
    lo_f = np.append(1.0 / rp[1:], 0.0)
    m = rp.size
    per = np.full(m, n // m)
    per[: n % m] += 1
    stratum = np.repeat(np.arange(m), per)
    u = rng.uniform(lo_f[stratum], hi_f[stratum])
    u = np.maximum(u, 1e-12)
    weight = (hi_f - lo_f)[stratum] / per[stratum]
    return 1.0 / u, weight, stratum.astype(np.float64)


def _interp_log(t: NDArray[np.float64], rps: tuple[float, ...], vals: tuple[float, ...]) -> Any:
    return np.interp(np.log(t), np.log(np.asarray(rps)), np.asarray(vals))


def sample_scenarios(spec: EnsembleSpec, exposure: Exposure) -> ScenarioSet:
    """Sample ``spec.n_scenarios`` scenarios (deterministic by ``spec.seed``).

    O(scenarios x exposed components) for floods and heat (compiled), O(failures) for
    random episodes.
    """
    _check(spec)
    rng = np.random.default_rng(spec.seed)
    hz = [(k, h) for k, h in zip(KINDS, (spec.flood, spec.heat, spec.random), strict=True) if h]
    shares = np.asarray([h.share for _, h in hz], dtype=np.float64)
    counts = np.floor(spec.n_scenarios * shares / shares.sum()).astype(np.int64)
    counts[int(np.argmax(shares))] += spec.n_scenarios - int(counts.sum())
    ex = exposure
    ptrs: list[NDArray[np.int64]] = []
    nodes: list[NDArray[np.int64]] = []
    causes: list[NDArray[np.int8]] = []
    weights: list[NDArray[np.float64]] = []
    kinds: list[NDArray[np.int64]] = []
    rps: list[NDArray[np.float64]] = []
    for (kind, h), n in zip(hz, counts.tolist(), strict=True):
        if n == 0:
            continue
        if isinstance(h, FloodSpec):
            t, w, _ = _strata(rng, h.return_periods, n)
            peak = _interp_log(t, h.return_periods, h.peak_depth_m)
            n_spots = 1 + rng.poisson(max(h.spots - 1.0, 0.0), size=n)
            spot_ptr = np.concatenate([[0], np.cumsum(n_spots)]).astype(np.int64)
            total = int(spot_ptr[-1])
            # spots on low ground: the lowest of a few random exposed places
            cand_all = np.flatnonzero(ex.exposed)
            pick = rng.integers(0, cand_all.size, size=(total, 4))
            low = cand_all[pick[np.arange(total), np.argmin(ex.ground_m[cand_all[pick]], axis=1)]]
            sx = ex.x[low] + rng.normal(0.0, h.correlation_length_m / 4, total)
            sy = ex.y[low] + rng.normal(0.0, h.correlation_length_m / 4, total)
            sd = np.repeat(peak, n_spots) * rng.lognormal(0.0, 0.3, total)
            cand = np.flatnonzero(ex.exposed & np.isfinite(ex.flood_threshold_m)).astype(np.int64)
            cptr, hit = _flood_hits(
                ex.x,
                ex.y,
                ex.ground_m,
                float(np.median(ex.ground_m[cand_all])),
                ex.flood_threshold_m,
                cand,
                spot_ptr,
                sx,
                sy,
                sd,
                float(h.correlation_length_m),
                float(h.ground_effect),
            )
            cause = C_HAZARD
        elif isinstance(h, HeatSpec):
            t, w, _ = _strata(rng, h.return_periods, n)
            peak = _interp_log(t, h.return_periods, h.peak_temperature_c)
            m = 8
            omega = rng.normal(0.0, 1.0 / h.correlation_length_m, size=(n, m, 2))
            phase = rng.uniform(0.0, 2 * np.pi, size=(n, m))
            cand = np.flatnonzero(ex.exposed & np.isfinite(ex.heat_threshold_c)).astype(np.int64)
            cells = 128
            x0, x1 = float(ex.x.min()), float(ex.x.max()) + 1e-9
            y0, y1 = float(ex.y.min()), float(ex.y.max()) + 1e-9
            ix = np.minimum(((ex.x - x0) / (x1 - x0) * cells).astype(np.int64), cells - 1)
            iy = np.minimum(((ex.y - y0) / (y1 - y0) * cells).astype(np.int64), cells - 1)
            gx = x0 + (np.arange(cells) + 0.5) * (x1 - x0) / cells
            gy = y0 + (np.arange(cells) + 0.5) * (y1 - y0) / cells
            cptr, hit = _heat_hits(
                ix * cells + iy,
                ex.heat_threshold_c,
                cand,
                peak,
                gx,
                gy,
                omega,
                phase,
                float(h.spread_c),
            )
            cause = C_HAZARD
        else:
            assert isinstance(h, RandomSpec)
            t = np.full(n, np.nan)
            w = np.full(n, h.frequency_per_year / n)
            p = np.asarray(h.probability_by_condition)
            cond = np.where(ex.condition >= 1, np.minimum(ex.condition, 6), 3)
            groups = [np.flatnonzero(ex.exposed & (cond == c)) for c in range(1, 7)]
            per_sc: list[NDArray[np.int64]] = []
            for _ in range(n):
                picked = [
                    rng.choice(g, size=rng.binomial(g.size, p[c]), replace=False)
                    for c, g in enumerate(groups)
                    if g.size
                ]
                per_sc.append(np.sort(np.concatenate(picked)).astype(np.int64))
            cptr = np.concatenate([[0], np.cumsum([a.size for a in per_sc])]).astype(np.int64)
            hit = np.concatenate(per_sc).astype(np.int64) if per_sc else np.zeros(0, np.int64)
            cause = C_EVENT
        base = sum(int(a.size) for a in nodes)
        ptrs.append((cptr[1:] + base) if ptrs else np.asarray(cptr, dtype=np.int64))
        nodes.append(hit)
        causes.append(np.full(hit.size, cause, dtype=np.int8))
        weights.append(np.asarray(w, dtype=np.float64))
        kinds.append(np.full(n, KINDS.index(kind), dtype=np.int64))
        rps.append(np.asarray(t, dtype=np.float64))
    return ScenarioSet(
        case_ptr=np.concatenate(ptrs).astype(np.int64),
        case_node=np.concatenate(nodes).astype(np.int64),
        case_cause=np.concatenate(causes),
        weight=np.concatenate(weights),
        kind=np.concatenate(kinds),
        return_period=np.concatenate(rps),
    )


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """What an ensemble adds up to.

    ``scenarios`` the sample; ``summary`` per scenario (see
    :class:`~vitaal.engine.criticality.CaseSummary`); ``failure_rate`` per node (expected
    failures a year) and ``failure_probability`` (``1 - exp(-rate)``: at least one a year);
    ``conditional_probability`` per node, the share of the sampled scenarios it fails in;
    ``person_hours`` per node (service areas): expected person-hours a year without its most
    affected service;
    ``expected_annual`` the expected annual person-hours, people affected and economic loss;
    ``contribution`` per scenario its weight x person-hours, the drivers of the risk;
    ``cases`` the initial failures each scenario ran with: its sampled failures and the
    members of couplings they took along.
    """

    horizon_h: float
    scenarios: ScenarioSet
    summary: CaseSummary
    failure_rate: NDArray[np.float64]
    failure_probability: NDArray[np.float64]
    conditional_probability: NDArray[np.float64]
    person_hours: NDArray[np.float64]
    expected_annual: dict[str, float]
    contribution: NDArray[np.float64]
    cases: Cases

    def drivers(self, top: int = 10) -> NDArray[np.int64]:
        """Scenario indices with the largest contribution to the expected annual
        person-hours, largest first (ties: lower index first)."""
        order = np.lexsort((np.arange(self.scenarios.n), -self.contribution))
        return order[:top].astype(np.int64)


#: the hazard type (``vitaal/data/hazards.yaml``) of each kind of sampled scenario; random
#: failures are faults, which damage
_KIND_HAZARD = {"flood": "water_depth", "heat": "temperature"}


def _kind_damages() -> NDArray[np.bool_]:
    """Per kind of ``KINDS``, whether its hits damage (take co-location and same-structure
    members along): the hazard's ``damages`` in ``vitaal/data/hazards.yaml``."""
    spec = data_mapping("hazards", "hazards")
    return np.array(
        [bool(spec[_KIND_HAZARD[k]].get("damages", True)) if k in _KIND_HAZARD else True
         for k in KINDS],
        dtype=np.bool_,
    )  # fmt: skip


_KIND_DAMAGES = _kind_damages()


def run_ensemble(
    compiled: CompiledModel,
    table: ImpactTable,
    scenarios: ScenarioSet,
    horizon_h: float,
    *,
    chunk_size: int = 250,
    runner: Runner | None = None,
    load: NDArray[np.float64] | None = None,
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
    couplings: Couplings | None = None,
    restoration: CaseRestoration | None = None,
) -> EnsembleResult:
    """Run every scenario's cascade (from its initial failures at 0, within ``horizon_h``)
    and add up the risk. Sums run in chunk order (``chunk_size`` scenarios per task),
    whatever runs the chunks.

    With ``restoration`` (:func:`~vitaal.engine.process_cases.model_restoration`) each
    scenario runs through the process with restoration (its loads in
    ``restoration.inputs``), exactly ``run_process`` with the damage ``damage_of`` gives its
    failures (``docs/engine.md``, "Restoration in the batches"). Without, ``load``,
    ``capacity`` and ``link_load`` are those of :func:`~vitaal.engine.cascade.run_cascade`
    (with ``load``, moved loads can overload backups). With ``couplings``
    (:func:`~vitaal.engine.criticality.coupling_index`) the
    sampled failures take the members of the model's couplings along as
    :func:`~vitaal.engine.hazard.initial_failures` does for a scenario: any hit of a
    ``co_location`` or ``same_structure`` member, and flood hits of a ``flood_zone`` member.
    Each scenario's outcome is then exactly ``run_cascade`` (or ``run_process``) of its
    sampled failures plus ``common_cause_failures`` of them, with the same loads.

    Complexity: O(sum over scenarios of the cone of their initial failures); with
    restoration, plus the process on the part each scenario can touch.
    """
    arrays = batch_arrays(
        compiled, table, load=load, capacity=capacity, link_load=link_load,
        restoration=restoration,
    )  # fmt: skip
    run = runner if runner is not None else in_process_runner()
    flood_case = scenarios.kind == KINDS.index("flood")
    cases = with_common_causes(
        couplings,
        scenarios.case_ptr,
        scenarios.case_node,
        case_cause=scenarios.case_cause,
        case_flood=np.repeat(flood_case, np.diff(scenarios.case_ptr)),
        # a heat wave stops what reaches its limit and breaks nothing beside it
        case_damages=np.repeat(_KIND_DAMAGES[scenarios.kind], np.diff(scenarios.case_ptr)),
    )
    chunks = chunk_cases(
        cases.case_ptr,
        cases.node,
        chunk_size,
        case_time=cases.time,
        case_cause=cases.cause,
        case_weight=scenarios.weight,
        case_cnode=cases.cnode,
    )
    summary = concat_summaries(run(arrays, chunks, horizon_h), compiled.n_nodes)
    ph = summary.floats[:, 1]
    contribution = scenarios.weight * ph
    n_sc = max(scenarios.n, 1)
    rate = summary.fail_weight
    return EnsembleResult(
        horizon_h=float(horizon_h),
        scenarios=scenarios,
        summary=summary,
        failure_rate=rate,
        failure_probability=-np.expm1(-rate),
        conditional_probability=summary.fail_count / n_sc,
        person_hours=summary.person_hours_weight,
        expected_annual={
            "person_hours": float(np.sum(contribution)),
            "people_affected": float(np.sum(scenarios.weight * summary.ints[:, 2])),
            "economic_loss_eur": float(np.sum(scenarios.weight * summary.floats[:, 3])),
            "components_failed": float(np.sum(scenarios.weight * summary.ints[:, 0])),
        },
        contribution=contribution,
        cases=cases,
    )
