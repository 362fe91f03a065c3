"""The plan check: a plan run through the whole method.

The plan's growth becomes a scenario of its own (``plan:<id>``: its homes, jobs and demand up to
its last year); each shock of the model (a scenario with events or hazards) is run again meeting
the load of that year (``plan:<id>+<scenario>``). The check gathers the flags, the impact, the
fitting conflicts, the class of work and the agenda items the plan calls for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vitaal.engine.compile import CompiledModel
from vitaal.errors import ScenarioError
from vitaal.method.agenda import Need
from vitaal.method.scenario_run import ScenarioRun, run_scenario
from vitaal.method.stations import load_stations
from vitaal.method.ways import PlanClass, classify_plan, plan_governance
from vitaal.model.enums import ScenarioKind
from vitaal.model.model import Model
from vitaal.model.records import Plan, Scenario

__all__ = [
    "PlanRuns",
    "find_plan",
    "last_year",
    "plan_needs",
    "plan_scenario",
    "run_plan",
    "shock_scenarios",
    "upstream_components",
]


def find_plan(model: Model, plan_id: str) -> Plan:
    """The model's plan ``plan_id``; :class:`ScenarioError` listing the ids otherwise."""
    plan = model.plans.get(plan_id)
    if plan is None:
        known = ", ".join(model.plans) or "none"
        raise ScenarioError(f"no plan '{plan_id}' in the model (plans: {known})")
    return plan


def last_year(model: Model, plan: Plan) -> int:
    """The last year in which the plan adds homes, jobs or demand (the base year if none)."""
    years = [*plan.homes, *plan.jobs, *(y for d in plan.demand.values() for y in d)]
    return max([model.info.base_year, *years])


def plan_scenario(model: Model, plan: Plan) -> Scenario:
    """The plan's growth alone, up to its last year, as a scenario."""
    return Scenario(
        id=f"plan:{plan.id}",
        name=plan.title,
        kind=ScenarioKind.GROWTH,
        description=f"growth of plan {plan.id} up to its last year",
        origin_system=plan.system,
        year=last_year(model, plan),
        plans=(plan.id,),
    )


def shock_scenarios(model: Model, plan: Plan) -> list[Scenario]:
    """Each shock of the model (a scenario with events or hazards) meeting the plan's load in
    its last year."""
    year = last_year(model, plan)
    out = []
    for sc in model.scenarios.values():
        if not (sc.events or sc.hazards):
            continue
        out.append(
            Scenario(
                id=f"plan:{plan.id}+{sc.id}",
                name=f"{sc.name} + {plan.title}",
                kind=ScenarioKind.COMBINED,
                origin_system=sc.origin_system,
                horizon_h=sc.horizon_h,
                year=year,
                plans=(plan.id,),
                events=sc.events,
                hazards=sc.hazards,
            )
        )
    return out


@dataclass(frozen=True, slots=True, eq=False)
class PlanRuns:
    """The runs of one plan: its growth alone and each shock meeting it."""

    plan: Plan
    cls: PlanClass
    last_year: int
    growth: ScenarioRun
    shocks: tuple[tuple[str, ScenarioRun], ...]


def run_plan(
    model: Model,
    plan_id: str,
    compiled: CompiledModel,
    *,
    model_root: str | Path | None = None,
    with_shocks: bool = True,
) -> PlanRuns:
    """Run the plan's growth and, with ``with_shocks``, each model shock meeting it."""
    plan = find_plan(model, plan_id)
    growth = run_scenario(
        model, plan_scenario(model, plan), compiled=compiled, model_root=model_root
    )
    shocks = []
    if with_shocks:
        for sc in shock_scenarios(model, plan):
            shock_id = sc.id.split("+", 1)[1]
            shocks.append(
                (shock_id, run_scenario(model, sc, compiled=compiled, model_root=model_root))
            )
    return PlanRuns(plan, classify_plan(plan), last_year(model, plan), growth, tuple(shocks))


def upstream_components(
    model: Model, compiled: CompiledModel, plan: Plan, resources: set[int] | None = None
) -> list[str]:
    """Components upstream of the plan's areas along primary supply links (model order);
    with ``resources``, only along the supply chains of those resources (a walk upstream stays
    in the resource of the link it follows)."""
    n_comp = len(model.components)
    stack: list[int] = []
    for a in plan.areas:
        v = compiled.node_index.get(a)
        if v is not None:
            stack.extend(
                p
                for p in range(int(compiled.node_ptr[v]), int(compiled.node_ptr[v + 1]))
                if resources is None or int(compiled.pair_resource[p]) in resources
            )
    seen: set[int] = set(stack)
    nodes: set[int] = set()
    while stack:
        p = stack.pop()
        for j in range(int(compiled.in_ptr[p]), int(compiled.in_ptr[p + 1])):
            if bool(compiled.link_backup[int(compiled.in_link[j])]):
                continue
            q = int(compiled.in_src[j])
            if q in seen:
                continue
            seen.add(q)
            nodes.add(int(compiled.pair_node[q]))
            stack.append(q)
    return [compiled.node_ids[v] for v in sorted(nodes) if v < n_comp]


def plan_needs(model: Model, compiled: CompiledModel, runs: PlanRuns) -> list[Need]:
    """The agenda needs a plan calls for: the shortfalls its growth causes (components that
    run out of room by its last year and carry extra load from it) and the replacements on
    the supply chains its growth draws more from (a resource whose load it raises anywhere),
    whose end of life falls by its last year. A housing plan waits for the station that must
    carry its homes, not for the bridge on its district's road (nor does an electrification
    programme)."""
    cap = runs.growth.capacity
    sid = runs.growth.scenario.id
    needs: list[Need] = []
    base_col = cap.year_index(model.info.base_year)
    last_col = cap.year_index(min(runs.last_year, int(cap.years[-1])))
    raised = cap.load[:, last_col] > cap.load[:, base_col] + 1e-12
    resources = {int(r) for r in np.unique(cap.row_resource[raised])}
    for k in cap.component_rows().tolist():
        ex = int(cap.exhausted[k])
        if ex < 0 or ex > runs.last_year:
            continue
        yi = cap.year_index(ex)
        if float(cap.load[k, yi]) <= float(cap.load[k, base_col]) + 1e-12:
            continue  # it is not the plan's growth that exhausts it
        needs.append(
            Need(
                "shortfall",
                compiled.node_ids[int(cap.row_node[k])],
                ex,
                compiled.resource_ids[int(cap.row_resource[k])],
                sid,
            )
        )
    for cid in upstream_components(model, compiled, runs.plan, resources):
        eol = model.components[cid].end_of_life_year
        if eol is not None and eol <= runs.last_year:
            needs.append(Need("replacement", cid, eol))
    return needs


def plan_summary(runs: PlanRuns, model: Model) -> dict[str, Any]:
    """The plan-specific part of the plan check (class, growth run, shocks) as data."""
    plan = runs.plan
    g = runs.growth
    gov = plan_governance(plan, [st.id for st in load_stations().stations])
    return {
        "id": plan.id,
        "title": plan.title,
        "title_nl": plan.title_nl,
        "owner": plan.owner,
        "system": plan.system,
        "last_year": runs.last_year,
        "homes": sum(plan.homes.values()),
        "jobs": sum(plan.jobs.values()),
        "class": runs.cls.cls.value if runs.cls.cls is not None else None,
        "class_reason": runs.cls.reason,
        "run_as": runs.cls.run_as.value,
        "governance": gov,
        # the standard's question, when it is not answered (docs/method.md, "The seed's
        # governance"); vitaal's own advice apart
        "comply_or_explain": gov["comply_or_explain"]["status"] == "missing",
        "comply_text": gov["comply_or_explain"]["text"],
        "advice": runs.cls.advice,
        "advice_text": runs.cls.advice_text,
        "growth": {
            "scenario": g.scenario.id,
            "year": g.capacity.cascade_year,
            "flags": [f.as_dict() for f in g.flags],
            "impact": g.impact.as_dict(),
        },
        "shocks": [
            {
                "scenario": sid,
                "impact_class": r.impact.cls,
                "reason": {"en": r.impact.reason_text("en"), "nl": r.impact.reason_text("nl")},
                "red": [f.system for f in r.flags if f.colour == "red"],
                "orange": [f.system for f in r.flags if f.colour == "orange"],
            }
            for sid, r in runs.shocks
        ],
    }
