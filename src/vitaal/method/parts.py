"""Step 2: the parts of a subsystem over the short, medium and long term.

Condition (NEN 2767, 1-6), end of life, replacement waves with cost and lead time, and
capacity and utilisation under the capacity envelope of the scenario set.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from vitaal.method.context import Context, horizon_of, num

__all__ = ["HORIZONS", "horizon_years", "subsystem_parts"]

HORIZONS = ("overdue", "short", "medium", "long")


def horizon_years(ctx: Context) -> dict[str, tuple[int | None, int | None]]:
    """First and last calendar year of each horizon (``None``: open)."""
    base = ctx.model.info.base_year
    h = ctx.model.info.horizons
    return {
        "overdue": (None, base - 1),
        "short": (base, base + h.short_y),
        "medium": (base + h.short_y + 1, base + h.medium_y),
        "long": (base + h.medium_y + 1, None),
    }


def subsystem_parts(ctx: Context, components: list[str]) -> dict[str, Any]:
    """Step 2 for the given components of one subsystem, as data (see ``docs/method.md``)."""
    model = ctx.model
    comps = [model.components[c] for c in components]
    condition: dict[str, int] = {str(i): 0 for i in range(1, 7)}
    condition["unknown"] = 0
    for c in comps:
        key = str(c.condition) if c.condition is not None else "unknown"
        condition[key] = condition.get(key, 0) + 1

    spans = horizon_years(ctx)
    horizons: dict[str, dict[str, Any]] = {
        name: {
            "horizon": name,
            "from_year": spans[name][0],
            "to_year": spans[name][1],
            "end_of_life": 0,
            "replacement_cost_eur": 0.0,
            "cost_unknown": 0,
            "max_lead_time_y": None,
            "exhausted": 0,
            "components": [],
        }
        for name in HORIZONS
    }
    waves: dict[int, dict[str, Any]] = {}
    for c in sorted(
        (c for c in comps if c.end_of_life_year is not None),
        key=lambda c: (c.end_of_life_year or 0, c.id),
    ):
        year = int(c.end_of_life_year or 0)
        h = horizons[horizon_of(model, year)]
        w = waves.setdefault(
            year,
            {"year": year, "count": 0, "replacement_cost_eur": 0.0, "max_lead_time_y": None},
        )
        for bucket in (h, w):
            bucket["end_of_life" if bucket is h else "count"] += 1
            if c.replacement_cost_eur is not None:
                bucket["replacement_cost_eur"] += float(c.replacement_cost_eur)
            if c.lead_time_y is not None:
                cur = bucket["max_lead_time_y"]
                bucket["max_lead_time_y"] = max(cur or 0.0, float(c.lead_time_y))
        if c.replacement_cost_eur is None:
            h["cost_unknown"] += 1
        h["components"].append(c.id)
    for w in waves.values():
        lead = w["max_lead_time_y"]
        w["decide_by"] = math.floor(w["year"] - lead) if lead is not None else None

    env = ctx.envelope
    here = {ctx.compiled.node_index[c] for c in components}
    rows = [k for k in range(env.n_rows) if int(env.row_node[k]) in here]
    top: list[dict[str, Any]] = []
    base_utils = []
    for k in rows:
        ex = int(env.exhausted[k])
        if ex >= 0:
            horizons[horizon_of(model, ex)]["exhausted"] += 1
        u0 = float(env.util[k, 0])
        if math.isfinite(u0):
            base_utils.append(u0)
        row_u = env.util[k]
        finite = np.isfinite(row_u)
        umax = float(row_u[finite].max()) if finite.any() else math.nan
        ymax = int(env.years[int(np.nanargmax(np.where(finite, row_u, -np.inf)))])
        top.append(
            {
                "component": ctx.node_id(int(env.row_node[k])),
                "resource": ctx.resource_id(int(env.row_resource[k])),
                "utilisation_base": num(u0),
                "utilisation_max": num(umax),
                "max_year": ymax if finite.any() else None,
                "exhausted_year": ex if ex >= 0 else None,
                "scenario": env.exhausted_by[k],
            }
        )
    never = 10**9
    top.sort(
        key=lambda d: (
            d["exhausted_year"] if d["exhausted_year"] is not None else never,
            -(d["utilisation_max"] or 0.0),
            d["component"],
        )
    )
    # rows that carry load in the baseline but have no capacity to set it against
    b = ctx.baseline
    no_cap = 0
    for k in range(b.row_node.shape[0]):
        v = int(b.row_node[k])
        if (
            v in here
            and b.supplies[k]
            and math.isnan(float(b.capacity[k]))
            and float(np.nanmax(b.load[k])) > 0
        ):
            no_cap += 1
    return {
        "condition": condition,
        "horizons": [horizons[h] for h in HORIZONS],
        "replacement_waves": [waves[y] for y in sorted(waves)],
        "no_end_of_life": sum(1 for c in comps if c.end_of_life_year is None),
        "capacity": {
            "rows": len(rows),
            "no_capacity": no_cap,
            "utilisation_base": {
                "max": num(max(base_utils)) if base_utils else None,
                "median": num(float(np.median(base_utils))) if base_utils else None,
            },
            "top": top[:10],
        },
    }
