"""What the batches (``vitaal criticality``, ``vitaal ensemble``, the ensemble of an option)
run a model with, set up in one place.

A batch runs many cascades on one compiled model: with the impact table of its consumers,
the exposure its hazards are sampled from, the members of its couplings, and, as a scenario
run on a normal day has them, the base year's loads and the repair and restart times
(``docs/performance.md``, "Ensembles").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.compile import CompiledModel, compile_model
from vitaal.engine.criticality import Couplings, ImpactTable, coupling_index, impact_table
from vitaal.engine.ensemble import (
    EnsembleResult,
    EnsembleSpec,
    Exposure,
    exposure_from_model,
    run_ensemble,
    sample_scenarios,
)
from vitaal.engine.process_cases import CaseRestoration, model_restoration
from vitaal.engine.restoration import Restoration
from vitaal.method.likelihood import Losses
from vitaal.model import Model

__all__ = [
    "BatchInputs",
    "BatchOptions",
    "batch_inputs",
    "ensemble_losses",
    "losses_of_ensemble",
    "model_ensemble",
    "striking",
]


@dataclass(frozen=True)
class BatchOptions:
    """What a batch leaves out: the loads, the couplings, the repair (restoration)."""

    loads: bool = True
    couplings: bool = True
    restoration: bool = True


@dataclass(frozen=True)
class BatchInputs:
    """A model set up for the batches."""

    model: Model | None
    compiled: CompiledModel
    table: ImpactTable
    exposure: Callable[[], Exposure]
    horizon_h: float
    #: ``load``, ``capacity``, ``link_load`` for ``run_cascade`` (None: without loads)
    loads: dict[str, Any] | None = None
    couplings: Couplings | None = None
    #: repair, restart, degraded modes and loads for the process (None: without repair)
    restoration: CaseRestoration | None = None

    def run_kwargs(self) -> dict[str, Any]:
        """What the batch runs with: the restoration, or the loads of the cascade without
        repair."""
        if self.restoration is not None:
            return {"restoration": self.restoration}
        return {} if self.loads is None else dict(self.loads)


def batch_inputs(
    model: Model,
    options: BatchOptions | None = None,
    *,
    compiled: CompiledModel | None = None,
    restoration: Restoration | None = None,
) -> BatchInputs:
    """``model`` set up for the batches: compiled (or ``compiled``), with the base year's loads
    as a scenario without growth has them, the repair and restart times (``restoration``: an
    option's, else the packaged ones) and the couplings, each unless ``options`` leaves it
    out."""
    from vitaal.engine.capacity import project_capacity
    from vitaal.method.scenario_run import capacity_inputs

    options = options if options is not None else BatchOptions()
    cm = compiled if compiled is not None else compile_model(model)
    inputs = None
    rest = None
    if options.loads:
        cap = project_capacity(model, None, years=[model.info.base_year], compiled=cm)
        inputs = capacity_inputs(model, cm, cap)
        if options.restoration:
            year = cap.cascade_year
            rest = model_restoration(
                model,
                cm,
                cap.load_at(year),
                cm.capacity,
                cap.link_load_at(year),
                restoration,
            )
    elif options.restoration:
        rest = model_restoration(model, cm, restoration=restoration)
    return BatchInputs(
        model,
        cm,
        impact_table(model, cm),
        lambda: exposure_from_model(model, cm),
        float(model.info.horizon_h),
        inputs,
        coupling_index(model, cm) if options.couplings else None,
        rest,
    )


def model_ensemble(
    model: Model,
    spec: EnsembleSpec,
    *,
    compiled: CompiledModel | None = None,
    restoration: Restoration | None = None,
) -> tuple[EnsembleResult, CompiledModel]:
    """``model`` run over the ensemble ``spec``, sampled from the model's own exposure (so
    that an option that raises a threshold meets the same sampled hazards with it), as
    ``vitaal ensemble`` runs it; with the compiled model it ran on."""
    ld = batch_inputs(model, compiled=compiled, restoration=restoration)
    scenarios = sample_scenarios(spec, ld.exposure())
    res = run_ensemble(
        ld.compiled,
        ld.table,
        scenarios,
        spec.horizon_h,
        couplings=ld.couplings,
        **ld.run_kwargs(),
    )
    return res, ld.compiled


def ensemble_losses(
    model: Model,
    spec: EnsembleSpec,
    *,
    compiled: CompiledModel | None = None,
    restoration: Restoration | None = None,
) -> Losses:
    """The expected annual losses of ``model`` over the ensemble ``spec``
    (:func:`model_ensemble`): person-hours without a service, people affected and economic
    loss. Critical-function and hindrance hours are not counted by the batches (zero)."""
    res, _ = model_ensemble(model, spec, compiled=compiled, restoration=restoration)
    return losses_of_ensemble(res)


def losses_of_ensemble(res: EnsembleResult, cases: NDArray[np.bool_] | None = None) -> Losses:
    """The expected annual losses of the ensemble ``res``, over all its sampled scenarios or
    over those ``cases`` marks: the sum of their annual frequency times their person-hours,
    people affected and economic loss."""
    w = res.scenarios.weight if cases is None else np.where(cases, res.scenarios.weight, 0.0)
    s = res.summary
    return Losses(
        person_hours=float(np.sum(w * s.floats[:, 1])),
        people_affected=float(np.sum(w * s.ints[:, 2])),
        economic_loss_eur=float(np.sum(w * s.floats[:, 3])),
    )


def striking(res: EnsembleResult, compiled: CompiledModel, ids: Iterable[str]) -> NDArray[np.bool_]:
    """Per sampled scenario of ``res``, whether it strikes any of the components ``ids``
    directly: among its sampled failures or the coupling members they take along."""
    want = np.zeros(compiled.n_nodes, dtype=bool)
    for c in ids:
        v = compiled.node_index.get(c)
        if v is not None:
            want[v] = True
    cases = res.cases
    hits = np.concatenate([[0], np.cumsum(want[cases.node])])
    ptr = cases.case_ptr
    return np.asarray(hits[ptr[1:]] - hits[ptr[:-1]] > 0)
