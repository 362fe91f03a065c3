"""What every part of the analysis shares: the model compiled once, the scenario runs, and the
capacity envelope over the scenario set."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.capacity import CapacityResult, project_capacity
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.method.scenario_run import ScenarioRun
from vitaal.model.model import Model

__all__ = ["HEADROOM", "Context", "Envelope", "build_envelope", "horizon_of", "num"]

#: Utilisation above this counts as "no headroom" (the flag rules' margin).
HEADROOM = 0.9


def num(value: float | None, digits: int = 6) -> float | None:
    """A float for JSON: rounded, ``None`` for NaN, inf or ``None``."""
    if value is None:
        return None
    v = float(value)
    return round(v, digits) if math.isfinite(v) else None


def horizon_of(model: Model, year: int) -> str:
    """``overdue``, ``short``, ``medium`` or ``long`` for a calendar ``year``.

    >>> from vitaal.model import Model, ModelInfo
    >>> m = Model(info=ModelInfo(name="x", base_year=2026))
    >>> [horizon_of(m, y) for y in (2025, 2031, 2032, 2041, 2042)]
    ['overdue', 'short', 'medium', 'medium', 'long']
    """
    base = model.info.base_year
    h = model.info.horizons
    if year < base:
        return "overdue"
    if year <= base + h.short_y:
        return "short"
    if year <= base + h.medium_y:
        return "medium"
    return "long"


@dataclass(frozen=True, slots=True, eq=False)
class Envelope:
    """Per component row (``row_node``, ``row_resource``) with a capacity, the worst case over a
    set of capacity projections: the highest utilisation per year, the earliest exhaustion
    year and the projection that causes it.

    ``util`` is ``(K, Y)`` over :attr:`years`; ``exhausted`` is -1 where never; ``load`` is the
    ``(K, Y)`` load of the baseline projection (no growth).
    """

    years: NDArray[np.int64]
    row_node: NDArray[np.int64]
    row_resource: NDArray[np.int64]
    capacity: NDArray[np.float64]
    base_load: NDArray[np.float64]
    util: NDArray[np.float64]
    exhausted: NDArray[np.int64]
    exhausted_by: tuple[str | None, ...]
    lead_time_y: NDArray[np.float64]
    by_projection: dict[str, NDArray[np.float64]]

    @property
    def n_rows(self) -> int:
        return int(self.row_node.shape[0])


def _aligned(
    res: CapacityResult, keys: NDArray[np.int64], years: NDArray[np.int64], n_res: int
) -> NDArray[np.float64]:
    """``res``'s utilisation on the rows ``keys`` (node * n_res + resource) and ``years``;
    NaN where it has no such row or year."""
    out = np.full((keys.shape[0], years.shape[0]), np.nan)
    rk = res.row_node * n_res + res.row_resource
    pos = np.searchsorted(rk, keys)
    pos_c = np.minimum(pos, max(rk.shape[0] - 1, 0))
    hit = (pos < rk.shape[0]) & (rk[pos_c] == keys) if rk.shape[0] else np.zeros(0, bool)
    ycol = np.searchsorted(res.years, years)
    ycol_c = np.minimum(ycol, res.years.shape[0] - 1)
    yhit = res.years[ycol_c] == years
    sub = res.utilisation[pos_c[hit]][:, ycol_c]
    sub[:, ~yhit] = np.nan
    out[hit] = sub
    return out


def build_envelope(
    compiled: CompiledModel, baseline: CapacityResult, projections: dict[str, CapacityResult]
) -> Envelope:
    """The worst case of ``baseline`` and ``projections`` (by scenario id), on the baseline's
    years and its component rows with a capacity > 0. O(S K Y)."""
    b = baseline
    is_comp = compiled.node_kind[b.row_node] == NodeKind.COMPONENT
    rows = np.flatnonzero(is_comp & np.isfinite(b.capacity) & (b.capacity > 0))
    n_res = compiled.n_resources
    keys = b.row_node[rows] * n_res + b.row_resource[rows]
    years = b.years
    by: dict[str, NDArray[np.float64]] = {"baseline": b.utilisation[rows]}
    for sid, res in projections.items():
        by[sid] = _aligned(res, keys, years, n_res)
    names = list(by)
    stack = np.stack([np.nan_to_num(by[n], nan=-np.inf) for n in names])  # (S, K, Y)
    util = stack.max(axis=0)
    util = np.where(np.isinf(util), np.nan, util)
    over = stack > 1.0 + 1e-9  # (S, K, Y)
    first = np.where(over.any(axis=2), np.argmax(over, axis=2), years.shape[0])  # (S, K)
    best = first.min(axis=0)
    who = first.argmin(axis=0)
    exhausted = np.where(best < years.shape[0], years[np.minimum(best, len(years) - 1)], -1)
    exhausted_by = tuple(
        names[int(w)] if int(e) >= 0 else None
        for w, e in zip(who.tolist(), exhausted.tolist(), strict=True)
    )
    return Envelope(
        years=years,
        row_node=b.row_node[rows],
        row_resource=b.row_resource[rows],
        capacity=b.capacity[rows],
        base_load=b.load[rows],
        util=util,
        exhausted=exhausted.astype(np.int64),
        exhausted_by=exhausted_by,
        lead_time_y=b.lead_time_y[rows],
        by_projection=by,
    )


@dataclass(slots=True, eq=False)
class Context:
    """The model, compiled once, with everything computed from it that several parts use."""

    model: Model
    compiled: CompiledModel
    runs: dict[str, ScenarioRun]
    baseline: CapacityResult
    envelope: Envelope
    spof: dict[str, dict[str, Any]]
    comp_subsystem: dict[str, str]
    comp_system: dict[str, str | None]

    @classmethod
    def build(
        cls,
        model: Model,
        compiled: CompiledModel,
        runs: dict[str, ScenarioRun],
        spof: dict[str, dict[str, Any]],
    ) -> Context:
        baseline = project_capacity(model, None, compiled=compiled)
        growth = {sid: r.capacity for sid, r in runs.items() if r.capacity.years.shape[0] > 1}
        env = build_envelope(compiled, baseline, growth)
        return cls(
            model=model,
            compiled=compiled,
            runs=runs,
            baseline=baseline,
            envelope=env,
            spof=spof,
            comp_subsystem={c.id: c.subsystem for c in model.components.values()},
            comp_system={c: model.system_of(c) for c in model.components},
        )

    def node_id(self, v: int) -> str:
        return self.compiled.node_ids[v]

    def resource_id(self, r: int) -> str:
        return self.compiled.resource_ids[r]
