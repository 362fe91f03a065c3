"""A summary of a model per system: what ``vitaal info`` shows. Pure data, no I/O."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from vitaal.model.model import Model
from vitaal.model.units import Quantity, format_number


def summarise_model(model: Model) -> dict[str, Any]:
    """Per system: subsystems, components, total capacity of its producers per resource, and
    its couplings (supply links to and from other systems, coupling records); plus totals and
    the names of the scenarios and plans.

    Capacity is summed over the system's *producers* of each resource (components that supply
    it and need none of it), in the resource's unit, so that carriers are not counted twice.
    """
    needs = {(r.consumer, r.resource) for r in model.requirements.values()}
    needs |= {(link.consumer, link.resource) for link in model.supply.values()}
    system_of = {cid: model.system_of(cid) for cid in model.components}

    per: dict[str, dict[str, Any]] = {}
    for sid, system in model.systems.items():
        per[sid] = {
            "id": sid,
            "name": system.name,
            "owner": system.owner,
            "subsystems": 0,
            "components": 0,
            "capacity": {},
            "depends_on": set(),
            "dependents": set(),
            "links_in": 0,
            "links_out": 0,
            "couplings": 0,
        }
    for sub in model.subsystems.values():
        if sub.system in per:
            per[sub.system]["subsystems"] += 1
    capacity: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for cid, comp in model.components.items():
        owner_system = system_of[cid]
        if owner_system is None or owner_system not in per:
            continue
        per[owner_system]["components"] += 1
        for res, q in comp.capacity.items():
            if (cid, res) in needs or res not in model.resources:
                continue
            try:
                capacity[owner_system][res] += q.to(model.resources[res].unit)
            except ValueError:
                continue
    for sid, by_res in capacity.items():
        per[sid]["capacity"] = {
            res: {"value": value, "unit": model.resources[res].unit}
            for res, value in sorted(by_res.items())
        }
    for link in model.supply.values():
        a, b = system_of.get(link.supplier), system_of.get(link.consumer)
        if a is None or b is None or a == b:
            continue
        if a in per:
            per[a]["links_out"] += 1
            per[a]["dependents"].add(b)
        if b in per:
            per[b]["links_in"] += 1
            per[b]["depends_on"].add(a)
    for cp in model.couplings.values():
        for member_system in {system_of.get(m) for m in cp.members}:
            if member_system is not None and member_system in per:
                per[member_system]["couplings"] += 1
    systems = []
    for entry in per.values():
        entry["depends_on"] = sorted(entry["depends_on"])
        entry["dependents"] = sorted(entry["dependents"])
        systems.append(entry)
    return {
        "name": model.info.name,
        "base_year": model.info.base_year,
        "crs": model.info.crs,
        "systems": systems,
        "totals": {
            "systems": len(model.systems),
            "subsystems": len(model.subsystems),
            "components": len(model.components),
            "areas": len(model.areas),
            "critical_functions": len(model.critical_functions),
            "population": sum(a.population for a in model.areas.values()),
            "homes": sum(a.homes for a in model.areas.values()),
            "supply_links": len(model.supply),
            "requirements": len(model.requirements),
            "stores": len(model.stores),
            "couplings": len(model.couplings),
            "resources": len(model.resources),
        },
        "scenarios": [{"id": s.id, "name": s.name} for s in model.scenarios.values()],
        "plans": [{"id": p.id, "title": p.title} for p in model.plans.values()],
    }


def format_capacity(capacity: dict[str, dict[str, Any]]) -> str:
    return ", ".join(
        f"{res} {Quantity(v['value'], v['unit']).value:,.0f} {v['unit']}"
        if v["value"] >= 100
        else f"{res} {format_number(round(v['value'], 2))} {v['unit']}"
        for res, v in capacity.items()
    )
