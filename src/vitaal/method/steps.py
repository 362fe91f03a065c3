"""The seven steps of the method for one subsystem, computed from the model and the runs.

1 profile, 2 parts over time, 3 facilitating flows and side outputs, 4 challenges to the system
logic, 5 coupling, 6 impact indicator, 7 cascade checker (see ``docs/method.md``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from vitaal.engine.compile import NodeKind
from vitaal.method.context import Context
from vitaal.method.coupling import subsystem_coupling
from vitaal.method.parts import subsystem_parts
from vitaal.method.ways import way_for_level

__all__ = ["STEP_TITLES", "subsystem_steps"]

#: Per step: key and title in English and Dutch.
STEP_TITLES: tuple[tuple[str, dict[str, str]], ...] = (
    ("profile", {"en": "Delimit and characterise", "nl": "Afbakenen en typeren"}),
    (
        "parts",
        {
            "en": "Analysis of the parts (short, medium, long term)",
            "nl": "Analyse van de onderdelen (korte, middellange, lange termijn)",
        },
    ),
    (
        "flows",
        {
            "en": "Facilitating flows and side outcomes",
            "nl": "Faciliterende stromen en nevenuitkomsten",
        },
    ),
    (
        "challenges",
        {"en": "Is the system logic challenged?", "nl": "Wordt de systeemlogica uitgedaagd?"},
    ),
    (
        "coupling",
        {
            "en": "Coupling: dependencies, bottlenecks, opportunities",
            "nl": "Koppeling: afhankelijkheden, knelpunten, kansen",
        },
    ),
    ("impact", {"en": "Impact indicator", "nl": "Impactindicator"}),
    ("flags", {"en": "Cascade checker", "nl": "Cascadechecker"}),
)


def _step(n: int, body: dict[str, Any]) -> dict[str, Any]:
    key, title = STEP_TITLES[n - 1]
    return {"step": n, "key": key, "title": dict(title), **body}


def _both(en: str | None, nl: str | None) -> dict[str, str] | None:
    """A model text as ``{en, nl}``: the Dutch where the model gives it, else the English;
    ``None`` when there is none."""
    if en is None:
        return None
    return {"en": en, "nl": nl or en}


def _both_list(en: tuple[str, ...], nl: tuple[str, ...]) -> list[dict[str, str]]:
    """A list of model texts as ``{en, nl}``; the Dutch list counts only when it is as long."""
    dutch = nl if len(nl) == len(en) else en
    return [{"en": e, "nl": d} for e, d in zip(en, dutch, strict=True)]


def _profile(ctx: Context, sub_id: str, components: list[str]) -> dict[str, Any]:
    model = ctx.model
    sub = model.subsystems[sub_id]
    p = sub.profile
    kinds: dict[str, int] = {}
    for c in components:
        k = model.components[c].kind
        kinds[k] = kinds.get(k, 0) + 1
    cm = ctx.compiled
    idx = np.asarray([cm.node_index[c] for c in components], dtype=np.int64)
    mask = np.isin(cm.pair_node, idx)
    pairs = np.flatnonzero(mask)
    supplies = sorted(
        {
            cm.resource_ids[int(cm.pair_resource[q])]
            for q in pairs.tolist()
            if int(cm.out_ptr[q + 1]) > int(cm.out_ptr[q])
        }
    )
    needs = sorted(
        {
            cm.resource_ids[int(cm.pair_resource[q])]
            for q in pairs.tolist()
            if bool(cm.pair_required[q])
        }
    )
    served: set[int] = set()
    for q in pairs.tolist():
        for j in range(int(cm.out_ptr[q]), int(cm.out_ptr[q + 1])):
            v = int(cm.pair_node[int(cm.out_dst[j])])
            if int(cm.node_kind[v]) != NodeKind.COMPONENT:
                served.add(v)
    people = sum(
        model.areas[cm.node_ids[v]].population for v in served if cm.node_ids[v] in model.areas
    )
    nl = sub.profile_nl or p
    return {
        "goal": _both(p.goal, nl.goal),
        "result": _both(p.result, nl.result),
        "source_types": _both_list(p.source_types, nl.source_types),
        "destination_types": _both_list(p.destination_types, nl.destination_types),
        "structure": _both(p.structure, nl.structure),
        "stakeholders": [
            {"name": s.name, "role": _both(s.role, d.role)}
            for s, d in zip(
                p.stakeholders,
                nl.stakeholders if len(nl.stakeholders) == len(p.stakeholders) else p.stakeholders,
                strict=True,
            )
        ],
        "owner": sub.owner,
        "components": len(components),
        "kinds": dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        "supplies": supplies,
        "needs": needs,
        "consumers_served": len(served),
        "people_served": people,
    }


def _flows(ctx: Context, components: list[str]) -> dict[str, Any]:
    model = ctx.model
    cm = ctx.compiled
    here = set(components)
    per: dict[str, dict[str, Any]] = {}
    for c in components:
        v = cm.node_index[c]
        for q in range(int(cm.node_ptr[v]), int(cm.node_ptr[v + 1])):
            if not bool(cm.pair_required[q]):
                continue
            rid = cm.resource_ids[int(cm.pair_resource[q])]
            d = per.setdefault(rid, {"buffers": [], "systems": set(), "stores": 0})
            d["buffers"].append(float(cm.pair_buffer_h[q]))
            if float(cm.pair_autonomy_h[q]) > 0:
                d["stores"] += 1
            for j in range(int(cm.in_ptr[q]), int(cm.in_ptr[q + 1])):
                s = ctx.comp_system.get(cm.node_ids[int(cm.pair_node[int(cm.in_src[j])])])
                if s is not None:
                    d["systems"].add(s)
    needs = []
    for rid in sorted(per):
        d = per[rid]
        b = np.asarray(d["buffers"])
        needs.append(
            {
                "resource": rid,
                "components": int(b.size),
                "from_systems": sorted(d["systems"]),
                "buffer_h": {
                    "min": float(b.min()),
                    "median": float(np.median(b)),
                    "max": float(b.max()),
                },
                "without_buffer": int((b <= 0).sum()),
                "stores": d["stores"],
            }
        )
    side = [
        {
            "id": so.id,
            "component": so.component,
            "output": so.output,
            "amount": str(so.amount) if so.amount is not None else None,
            "usable_by": list(so.usable_by),
        }
        for so in model.side_outputs.values()
        if so.component in here
    ]
    return {"needs": needs, "side_outputs": side}


def _challenges(ctx: Context, sub_id: str) -> dict[str, Any]:
    rows = []
    levels: dict[str, int] = {}
    for ch in ctx.model.challenges.values():
        if ch.subsystem != sub_id:
            continue
        levels[ch.level.value] = levels.get(ch.level.value, 0) + 1
        rows.append(
            {
                "id": ch.id,
                "driver": _both(ch.driver, ch.driver_nl),
                "assumption": _both(ch.assumption, ch.assumption_nl),
                "level": ch.level.value,
                "way_of_working": way_for_level(ch.level).value,
                "description": _both(ch.description, ch.description_nl),
            }
        )
    return {"challenges": rows, "levels": levels}


def _scenario_steps(
    ctx: Context, sub_id: str, components: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    cm = ctx.compiled
    idx = np.asarray([cm.node_index[c] for c in components], dtype=np.int64)
    system = ctx.model.subsystems[sub_id].system
    impact = []
    flags = []
    for sid, run in ctx.runs.items():
        failed_here = int(np.isfinite(run.cascade.fail_time[idx]).sum()) if idx.size else 0
        origin = run.origin_system == system
        if failed_here == 0 and not origin:
            continue
        imp = run.impact
        impact.append(
            {
                "scenario": sid,
                "class": imp.cls,
                "class_name": imp.class_names[imp.cls]["en"],
                "reason": {"en": imp.reason_text("en"), "nl": imp.reason_text("nl")},
                "failed_here": failed_here,
                "origin": origin,
            }
        )
        flags.append(
            {
                "scenario": sid,
                "flags": [
                    {
                        "system": f.system,
                        "colour": f.colour,
                        "rule": f.rule,
                        "order": f.order,
                        "onset_h": f.onset_h,
                        "owner": f.owners[0] if f.owners else None,
                    }
                    for f in run.flags
                    if f.system != system and f.colour in ("red", "orange")
                ],
            }
        )
    return {"scenarios": impact}, {"scenarios": flags}


def subsystem_steps(ctx: Context, sub_id: str, components: list[str]) -> list[dict[str, Any]]:
    """The seven steps of subsystem ``sub_id`` whose components are ``components``."""
    impact, flags = _scenario_steps(ctx, sub_id, components)
    return [
        _step(1, _profile(ctx, sub_id, components)),
        _step(2, subsystem_parts(ctx, components)),
        _step(3, _flows(ctx, components)),
        _step(4, _challenges(ctx, sub_id)),
        _step(5, subsystem_coupling(ctx, sub_id, components)),
        _step(6, impact),
        _step(7, flags),
    ]
