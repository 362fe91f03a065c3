"""Run one scenario end to end: capacity of its year, timed cascade, impact, flags.

A pure function of model and scenario: what the CLI, the plan check and the report call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vitaal.engine.capacity import CapacityResult, project_capacity
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import CompiledModel, NodeKind, compile_model
from vitaal.engine.hazard import initial_failures
from vitaal.engine.process import ProcessResult, run_process
from vitaal.engine.restoration import Restoration, damage_of, load_inputs, process_inputs
from vitaal.errors import ScenarioError
from vitaal.method.basis import basis_of, scenario_refs
from vitaal.method.flags import Flag, check_cascade
from vitaal.method.impact import Impact, assess_impact, hindrance_services
from vitaal.method.shortfall import assess_shortfall
from vitaal.model.enums import OnOverload, ScenarioKind
from vitaal.model.model import Model
from vitaal.model.records import Scenario


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioRun:
    """Everything one scenario does, as data."""

    scenario: Scenario
    horizon_h: float
    compiled: CompiledModel
    capacity: CapacityResult
    cascade: CascadeResult
    process: ProcessResult
    impact: Impact
    flags: tuple[Flag, ...]
    origin_system: str | None

    def recovery(self, model: Model) -> dict[str, dict[str, list[float]]]:
        """Per system that lost a component, its recovery curve: the times where the share of
        its components working changes, and that share from each time on."""
        by_system: dict[str, list[int]] = {}
        for cid in model.components:
            sid = model.system_of(cid)
            if sid is not None:
                by_system.setdefault(sid, []).append(self.compiled.node_index[cid])
        hit = set(self.process.outage_node.tolist())
        out = {}
        for sid, nodes in by_system.items():
            if hit.isdisjoint(nodes):
                continue
            times, shares = self.process.recovery_curve(np.asarray(nodes, dtype=np.int64))
            out[sid] = {"times_h": times, "working": shares}
        return out

    def nodes(self, model: Model) -> list[dict[str, Any]]:
        """Per component and consumer: id, system, fail_time_h, order, cause and, for a node
        that failed, ``back_h`` (when its last outage ended; ``None``: not within the
        horizon) (stable JSON)."""
        r = self.cascade
        pr = self.process
        back: dict[int, float | None] = {}
        for v, end in zip(pr.outage_node.tolist(), pr.outage_end.tolist(), strict=True):
            back[v] = end if end <= self.horizon_h else None
        out = []
        for i, nid in enumerate(r.node_ids):
            t = float(r.fail_time[i])
            failed = t != float("inf")
            cause: dict[str, Any] | None = None
            if failed:
                step = r.step(nid)
                cause = {
                    "code": step.cause.name.lower(),
                    "node": r.node_ids[int(r.cause_node[i])] if r.cause_node[i] >= 0 else None,
                    "via": step.via,
                    "resource": step.resource,
                }
            kind = NodeKind(int(r.node_kind[i])).name.lower()
            out.append(
                {
                    "id": nid,
                    "kind": kind,
                    "system": model.system_of(nid),
                    "fail_time_h": t if failed else None,
                    "order": int(r.order[i]) if failed else None,
                    "cause": cause,
                    "back_h": back.get(i) if failed else None,
                }
            )
        return out

    def as_dict(self, model: Model, *, all_nodes: bool = True) -> dict[str, Any]:
        nodes = self.nodes(model)
        if not all_nodes:
            nodes = [n for n in nodes if n["fail_time_h"] is not None]
        return {
            "scenario": self.scenario.id,
            "name": self.scenario.name,
            "name_nl": self.scenario.name_nl,
            "origin_system": self.origin_system,
            "horizon_h": self.horizon_h,
            "year": self.capacity.cascade_year,
            "failed": sum(1 for n in nodes if n["fail_time_h"] is not None),
            "nodes": nodes,
            "flags": [f.as_dict() for f in self.flags],
            "impact": self.impact.as_dict(),
            "basis": basis_of(model, scenario_refs(model, self)).as_dict(),
            "recovery": self.recovery(model),
        }


def capacity_inputs(
    model: Model, compiled: CompiledModel, capacity: CapacityResult
) -> dict[str, Any]:
    """The load and capacity arrays the batch cascades (criticality, ensembles) get: only a
    resource whose suppliers trip (``on_overload: fail``) keeps its capacities; the others
    get an unlimited capacity, so that moved load never makes them fail. Batch cascades do
    not shed consumers (a scenario run does): there a shedding backup counts as congested."""
    inputs = dict(capacity.cascade_inputs())
    shed = [
        compiled.resource_index[r.id]
        for r in model.resources.values()
        if r.on_overload is not OnOverload.FAIL and r.id in compiled.resource_index
    ]
    if shed:
        # cascade_inputs() hands out its own copy of the capacities: change it in place
        cap = np.asarray(inputs["capacity"], dtype=np.float64)
        cap[:, shed] = np.inf
        inputs["capacity"] = cap
    return inputs


def find_scenario(model: Model, scenario_id: str) -> Scenario:
    sc = model.scenarios.get(scenario_id)
    if sc is None:
        known = ", ".join(model.scenarios) or "none"
        raise ScenarioError(f"no scenario '{scenario_id}' in the model (scenarios: {known})")
    return sc


def changes_something(scenario: Scenario) -> bool:
    """Whether ``scenario`` builds or grows something (plans, transitions, or a kind other
    than a shock): only such a change opens an opportunity for another system."""
    return bool(scenario.plans or scenario.transitions) or scenario.kind is not ScenarioKind.SHOCK


def origin_of(model: Model, scenario: Scenario) -> str | None:
    """The system a scenario originates in: as declared, else that of its first event."""
    if scenario.origin_system is not None:
        return scenario.origin_system
    for ev in scenario.events:
        s = model.system_of(ev.target)
        if s is not None:
            return s
    return None


def run_scenario(
    model: Model,
    scenario: Scenario | str,
    *,
    horizon_h: float | None = None,
    model_root: str | Path | None = None,
    compiled: CompiledModel | None = None,
    restoration: Restoration | None = None,
) -> ScenarioRun:
    """Run ``scenario`` on ``model``: the loads of its year meet its shock.

    The capacity projection gives every component's load in the scenario's year (the base
    year when it has none); the process (:func:`~vitaal.engine.process.run_process`) starts
    from the scenario's events, hazards and common causes, with repair and restart times,
    the scenario's conditions and degraded modes; load moves onto backups, which shed
    consumers in priority order when they have no room (``on_overload: shed``), trip
    (``fail``) or carry it congested (``congest``), as ``docs/engine.md`` says. The impact indicator
    counts people and person-hours up to restoration, and for a scenario with growth the
    capacity shortfall it causes against the same years without it; the cascade checker reads
    the first outages. ``model_root`` is the model folder, against which
    raster hazard files are resolved. ``restoration``: repair and restart times other than
    the packaged ones (``restoration.yaml``), as an intervention that repairs faster has them.
    """
    sc = find_scenario(model, scenario) if isinstance(scenario, str) else scenario
    horizon = float(horizon_h if horizon_h is not None else sc.horizon_h or model.info.horizon_h)
    if horizon <= 0:
        raise ScenarioError(f"the horizon must be a positive number of hours, not {horizon}")
    comp = compiled if compiled is not None else compile_model(model)
    growth = bool(sc.plans or sc.transitions or sc.year)
    if growth:
        # every year to 2050, so that the flags can see exhaustion against lead times
        capacity = project_capacity(model, sc, compiled=comp)
    else:
        capacity = project_capacity(model, sc, years=[model.info.base_year], compiled=comp)
    events = initial_failures(model, sc, compiled=comp, root=model_root)
    damage = damage_of(model, sc, events, restoration)
    year = capacity.cascade_year
    loads = load_inputs(
        model, comp, capacity.load_at(year), comp.capacity, capacity.link_load_at(year), restoration
    )
    inputs = process_inputs(model, comp, sc, restoration, loads=loads)
    process = run_process(comp, damage, horizon, inputs)
    cascade = process.as_cascade()
    # replaced, not repaired: what a hazard or common cause damaged beyond repair
    physical = (CauseCode.HAZARD, CauseCode.COMMON_CAUSE)
    destroyed = {d.target for d in damage if d.cause in physical and not d.repair_h < math.inf}
    baseline = None
    if growth:
        # the same years without the scenario's plans and transitions
        baseline = project_capacity(model, None, years=capacity.years.tolist(), compiled=comp)
    impact = assess_impact(
        model,
        comp,
        cascade,
        lost_hours=process.service_hours(hindrance_services(comp)),
        lost_share=process.share_peak,
        destroyed=destroyed,
        shortfall=assess_shortfall(model, capacity, baseline) if baseline is not None else None,
    )
    origin = origin_of(model, sc)
    flags = check_cascade(
        model,
        comp,
        cascade,
        capacity=capacity if growth else None,
        origin_system=origin,
        pre_load=capacity.load_at(capacity.cascade_year),
        losses=(process.service_from(), process.service_hours(), process.share_peak),
        baseline=baseline,
        # a side output is an opportunity of a change that builds or grows something, not of
        # a shock that takes it out (a fire at a plant opens nothing for the heat network)
        opportunity_from=None if changes_something(sc) else set(),
    )
    return ScenarioRun(
        scenario=sc,
        horizon_h=horizon,
        compiled=comp,
        capacity=capacity,
        cascade=cascade,
        process=process,
        impact=impact,
        flags=tuple(flags),
        origin_system=origin,
    )
