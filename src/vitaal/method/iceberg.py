"""The iceberg: what stays out of sight when systems are managed one by one.

Orphan dossiers (*weesdossiers*: findings no one owns), couplings no one manages, components
whose missing data make a result uncertain, and low-confidence records that decide a flag.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from vitaal.method.context import Context
from vitaal.method.findings import Finding
from vitaal.model.enums import Confidence

__all__ = ["MISSING_KINDS", "build_iceberg", "missing_data"]

#: Kinds of missing data, with the English and Dutch text of what it leaves uncertain.
MISSING_KINDS: dict[str, dict[str, str]] = {
    "no_capacity": {
        "en": "carry load but have no capacity: their utilisation and exhaustion year are unknown",
        "nl": "dragen belasting maar hebben geen capaciteit: benutting en uitputtingsjaar zijn "
        "onbekend",
    },
    "no_condition": {
        "en": "have no condition score (NEN 2767)",
        "nl": "hebben geen conditiescore (NEN 2767)",
    },
    "no_end_of_life": {
        "en": "have no end-of-life year: replacement waves are incomplete",
        "nl": "hebben geen einde-levensduurjaar: vervangingsgolven zijn onvolledig",
    },
    "no_lead_time": {
        "en": "have no lead time: their latest decision year is unknown",
        "nl": "hebben geen doorlooptijd: het uiterste besluitjaar is onbekend",
    },
}


def missing_data(ctx: Context) -> list[dict[str, Any]]:
    """Per subsystem and kind of missing data: the components (ids, model order)."""
    model = ctx.model
    b = ctx.baseline
    carries = np.zeros(ctx.compiled.n_nodes, dtype=bool)
    for k in range(b.row_node.shape[0]):
        if b.supplies[k] and math.isnan(float(b.capacity[k])) and float(b.load[k].max()) > 0:
            carries[int(b.row_node[k])] = True
    found: dict[tuple[str, str], list[str]] = {}
    for c in model.components.values():
        v = ctx.compiled.node_index[c.id]
        checks = {
            "no_capacity": bool(carries[v]) and v < len(model.components),
            "no_condition": c.condition is None,
            "no_end_of_life": c.end_of_life_year is None,
            "no_lead_time": c.lead_time_y is None,
        }
        for kind, hit in checks.items():
            if hit:
                found.setdefault((c.subsystem, kind), []).append(c.id)
    out = []
    order = list(MISSING_KINDS)
    for (sub, kind), ids in sorted(found.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1]))):
        n = len(ids)
        out.append(
            {
                "kind": kind,
                "subsystem": sub,
                "count": n,
                "components": ids,
                "text": {
                    "en": f"{n} component(s) of {sub} {MISSING_KINDS[kind]['en']}",
                    "nl": f"{n} onderde(e)l(en) van {sub} {MISSING_KINDS[kind]['nl']}",
                },
            }
        )
    return out


def _uncertain_flags(ctx: Context) -> list[dict[str, Any]]:
    model = ctx.model
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for sid, run in ctx.runs.items():
        for f in run.flags:
            if f.colour not in ("red", "orange"):
                continue
            for link in f.chain:
                if link.resource is None:
                    continue
                step = run.cascade.step(link.node)
                checks: list[tuple[str, str, Any]] = []
                if step.via is not None:
                    key = f"{step.via}>{link.node}|{link.resource}"
                    checks.append(("supply_link", key, model.supply.get(key)))
                rkey = f"{link.node}|{link.resource}"
                checks.append(("requirement", rkey, model.requirements.get(rkey)))
                for what, key, rec in checks:
                    if rec is None or rec.prov.confidence is not Confidence.LOW:
                        continue
                    if (sid, f.system, key) in seen:
                        continue
                    seen.add((sid, f.system, key))
                    out.append(
                        {
                            "scenario": sid,
                            "system": f.system,
                            "colour": f.colour,
                            "record": key,
                            "what": what,
                            "confidence": rec.prov.confidence.value,
                        }
                    )
    return out


def build_iceberg(ctx: Context, findings: list[Finding]) -> dict[str, Any]:
    """The iceberg list (see ``docs/method.md``, ``iceberg``)."""
    model = ctx.model
    unmanaged = [
        {
            "id": cp.id,
            "kind": cp.kind.value,
            "members": list(cp.members),
            "systems": sorted({s for m in cp.members if (s := ctx.comp_system.get(m))}),
        }
        for cp in model.couplings.values()
        if not cp.managed_by
    ]
    return {
        "orphans": [f.id for f in findings if f.orphan],
        "unmanaged_couplings": unmanaged,
        "missing_data": missing_data(ctx),
        "uncertain_flags": _uncertain_flags(ctx),
    }
