"""Step 5: how a subsystem is coupled. Dependencies, bottlenecks, opportunities.

Bottlenecks are single points of failure (a component whose failure alone cuts a consumer off)
and components without headroom. The single-point-of-failure search runs the engine's timed
cascade once per component, without loads, on the compiled model: at about 0.1 ms a cascade it
is exact (a ring cut off from its producers is found too, which a search over sole suppliers
alone would miss) and fast enough for every component of a city.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from vitaal.catalog import load_data
from vitaal.engine.cascade import run_cascade
from vitaal.engine.causes import InitialFailure
from vitaal.engine.compile import CompiledModel, NodeKind, compile_model
from vitaal.method.context import HEADROOM, Context, num
from vitaal.model.model import Model
from vitaal.model.records import Requirement

__all__ = ["find_single_points_of_failure", "subsystem_coupling"]


def find_single_points_of_failure(
    model: Model,
    compiled: CompiledModel,
    *,
    horizon_h: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Components whose single failure cuts at least one consumer off a resource.

    For each component ``c`` a cascade starts with ``c`` failing at time 0 (no loads); a
    consumer (service area or critical function) is cut off when some resource stops
    reaching it within ``horizon_h`` (default the model's), stores and buffers counted as
    in ``design.md``. The day is a normal one, as in the batch criticality: no scenario
    condition holds, so a need that holds only under a condition (a polder's drainage in
    rain, its flood protection in a storm surge) is met, and a consumer that loses only such
    a service is not cut off (a storm-surge barrier is no single point of failure on a dry,
    calm day); a degraded mode (a plant on manual control) delays a failure by its hours, as
    in the process.

    Returns
    -------
    dict
        By component id (only the single points of failure): ``consumers_cut_off`` (ids),
        ``cut_off_h`` (per consumer cut off, the hour it first loses a resource),
        ``service_cut_off_h`` (the same for the resources whose loss is a loss of service,
        not hindrance: ``hindrance_services`` of ``impact.yaml`` left out),
        ``people`` (population of the areas), ``critical_functions`` (ids), ``failed``
        (components that fail with it, itself excluded), ``systems_hit`` (systems of those).

    Complexity: one cascade per component, each O(size of what it cuts off) plus O(P) to read.

    Examples
    --------
    >>> from vitaal.model import Component, Model, ModelInfo, Resource, ServiceArea, SupplyLink
    >>> from vitaal.engine.compile import compile_model
    >>> m = Model(info=ModelInfo(name="x"),
    ...     resources={"el": Resource(id="el", name="El", unit="MW")},
    ...     components={"a": Component(id="a", subsystem="s", kind="k")},
    ...     areas={"n": ServiceArea(id="n", name="N", population=10)},
    ...     supply={"a>n|el": SupplyLink(supplier="a", consumer="n", resource="el")})
    >>> find_single_points_of_failure(m, compile_model(m))["a"]["people"]
    10
    """
    horizon = float(horizon_h if horizon_h is not None else model.info.horizon_h)
    n_comp = len(model.components)
    conditional = {
        (r.consumer, r.resource) for r in model.requirements.values() if r.condition is not None
    }
    if conditional or any(r.degraded_h > 0 for r in model.requirements.values()):
        # a normal day: every need under a condition is met, degraded modes delay failures
        compiled = compile_model(_normal_day(model, horizon))
    cons_pairs = np.flatnonzero(compiled.pair_node >= n_comp)
    if conditional:
        keep = [
            (
                compiled.node_ids[compiled.pair_node[p]],
                compiled.resource_ids[compiled.pair_resource[p]],
            )
            not in conditional
            for p in cons_pairs.tolist()
        ]
        cons_pairs = cons_pairs[np.asarray(keep, dtype=bool)]
    pop = np.zeros(compiled.n_nodes, dtype=np.int64)
    for a in model.areas.values():
        pop[compiled.node_index[a.id]] = a.population
    comp_ids = list(model.components)
    systems = [model.system_of(c) for c in comp_ids]
    hinder_ids = set(load_data("impact").get("hindrance_services", ()))
    hinder = np.array([r in hinder_ids for r in compiled.resource_ids], dtype=bool)
    out: dict[str, dict[str, Any]] = {}
    total = len(comp_ids)
    for i, cid in enumerate(comp_ids):
        if progress is not None and i % 256 == 0:
            progress(i, total)
        res = run_cascade(compiled, [InitialFailure(cid, 0.0)], horizon)
        lost = cons_pairs[res.supply_end[cons_pairs] < horizon]
        if lost.size == 0:
            continue
        nodes = np.unique(compiled.pair_node[lost])
        first = np.full(compiled.n_nodes, np.inf)
        np.minimum.at(first, compiled.pair_node[lost], res.supply_end[lost])
        served = lost[~hinder[compiled.pair_resource[lost]]]
        first_service = np.full(compiled.n_nodes, np.inf)
        np.minimum.at(first_service, compiled.pair_node[served], res.supply_end[served])
        failed = np.flatnonzero(np.isfinite(res.fail_time[:n_comp]))
        failed = failed[failed != i]
        kinds = compiled.node_kind[nodes]
        out[cid] = {
            "consumers_cut_off": [compiled.node_ids[v] for v in nodes.tolist()],
            "cut_off_h": {compiled.node_ids[v]: float(first[v]) for v in nodes.tolist()},
            "service_cut_off_h": {
                compiled.node_ids[v]: float(first_service[v])
                for v in np.unique(compiled.pair_node[served]).tolist()
            },
            "people": int(pop[nodes].sum()),
            "critical_functions": [
                compiled.node_ids[v] for v in nodes[kinds == NodeKind.CRITICAL_FUNCTION].tolist()
            ],
            "failed": [comp_ids[v] for v in failed.tolist()],
            "systems_hit": sorted({s for v in failed.tolist() if (s := systems[v]) is not None}),
        }
    if progress is not None:
        progress(total, total)
    return out


def _normal_day(model: Model, horizon_h: float) -> Model:
    """``model`` as the process sees it on a day on which no scenario condition holds, for a
    cascade without loads: a requirement that holds only under a condition is met whatever
    reaches it (its buffer outlasts the horizon), and a degraded mode (local or manual
    control) only delays the failure, by its hours (without loads its reduced share cuts
    nobody off)."""
    beyond = 2.0 * horizon_h + 1.0

    def normal(r: Requirement) -> Requirement:
        if r.condition:
            return dataclasses.replace(r, buffer_h=max(r.buffer_h, beyond))
        if r.degraded_h > 0:
            return dataclasses.replace(r, buffer_h=r.buffer_h + r.degraded_h, degraded_h=0.0)
        return r

    reqs = {key: normal(r) for key, r in model.requirements.items()}
    return dataclasses.replace(model, requirements=reqs)


def _links_between(ctx: Context, sub: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    model = ctx.model
    inward: dict[tuple[str, str], int] = {}
    outward: dict[tuple[str, str], int] = {}
    for link in model.supply.values():
        s_sub = ctx.comp_subsystem.get(link.supplier)
        c_sub = ctx.comp_subsystem.get(link.consumer)
        if c_sub == sub and s_sub is not None and s_sub != sub:
            inward[(s_sub, link.resource)] = inward.get((s_sub, link.resource), 0) + 1
        if s_sub == sub and c_sub is not None and c_sub != sub:
            outward[(c_sub, link.resource)] = outward.get((c_sub, link.resource), 0) + 1

    def rows(d: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
        items = sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))
        return [
            {
                "subsystem": s,
                "system": model.subsystems[s].system if s in model.subsystems else None,
                "resource": r,
                "links": n,
            }
            for (s, r), n in items
        ]

    return rows(inward), rows(outward)


def subsystem_coupling(ctx: Context, sub: str, components: list[str]) -> dict[str, Any]:
    """Step 5 for subsystem ``sub`` (its ``components`` given), as data."""
    model = ctx.model
    here = set(components)
    depends_on, depended_on_by = _links_between(ctx, sub)
    couplings = []
    for cp in model.couplings.values():
        members_here = [m for m in cp.members if m in here]
        if not members_here:
            continue
        others = sorted(
            {s for m in cp.members if m not in here and (s := ctx.comp_system.get(m)) is not None}
        )
        couplings.append(
            {
                "id": cp.id,
                "kind": cp.kind.value,
                "members_here": members_here,
                "other_systems": others,
                "managed_by": cp.managed_by,
            }
        )
    spofs: list[dict[str, Any]] = []
    for cid in components:
        sp = ctx.spof.get(cid)
        if sp is None:
            continue
        comp = model.components[cid]
        spofs.append(
            {
                "component": cid,
                "name": comp.name,
                "consumers_cut_off": len(sp["consumers_cut_off"]),
                "people": sp["people"],
                "critical_functions": sp["critical_functions"],
                "systems_hit": sp["systems_hit"],
                "failed": len(sp["failed"]),
                "back_h": sp["restoration"]["back_h"] if "restoration" in sp else None,
                "people_out": sp["restoration"]["people_out"] if "restoration" in sp else None,
                "on_table": sp.get("on_table", True),
            }
        )
    spofs.sort(key=lambda d: (-d["people"], -d["consumers_cut_off"], d["component"]))
    env = ctx.envelope
    no_headroom: list[dict[str, Any]] = []
    for k in range(env.n_rows):
        cid = ctx.node_id(int(env.row_node[k]))
        if cid not in here:
            continue
        u = float(env.util[k, 0])
        if np.isfinite(u) and u > HEADROOM:
            no_headroom.append(
                {
                    "component": cid,
                    "resource": ctx.resource_id(int(env.row_resource[k])),
                    "utilisation": num(u),
                }
            )
    no_headroom.sort(key=lambda d: (-(d["utilisation"] or 0.0), d["component"]))
    opportunities = []
    for so in model.side_outputs.values():
        if so.component in here:
            own = ctx.comp_system.get(so.component)
            usable = [s for s in so.usable_by if s != own]
            if usable:
                opportunities.append(
                    {
                        "side_output": so.id,
                        "component": so.component,
                        "output": so.output,
                        "usable_by": usable,
                    }
                )
    return {
        "depends_on": depends_on,
        "depended_on_by": depended_on_by,
        "couplings": couplings,
        "single_points_of_failure": spofs,
        "no_headroom": no_headroom,
        "opportunities": opportunities,
    }
