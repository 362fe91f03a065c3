"""The three core questions of the spatial domain, as data.

- distribution (*verdelingsvraagstuk*): competing claims of plans on residual capacity, served
  in the order of a documented priority rule (``vitaal/data/priority.yaml``);
- system (*systeemvraagstuk*): couplings and cascades across systems;
- fitting (*inpassingsvraagstuk*): plan geometry against components and their protection zones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from vitaal.engine.capacity import CapacityResult
from vitaal.errors import ModelError, Problem
from vitaal.method.context import Context, num
from vitaal.method.flags import dutch_format
from vitaal.method.stations import PriorityRule
from vitaal.model.model import Model
from vitaal.model.names import name_in, names

__all__ = ["distribution_question", "fitting_conflicts", "system_question"]

_EPS = 1e-9


def _row_load(
    res: CapacityResult, keys: NDArray[np.int64], year: int, n_res: int
) -> NDArray[np.float64]:
    """Load in ``year`` of ``res`` on rows ``keys`` (node * n_res + resource), 0 where absent."""
    out = np.zeros(keys.shape[0])
    rk = res.row_node * n_res + res.row_resource
    if rk.shape[0] == 0:
        return out
    pos = np.searchsorted(rk, keys)
    pc = np.minimum(pos, rk.shape[0] - 1)
    hit = (pos < rk.shape[0]) & (rk[pc] == keys)
    out[hit] = res.load[pc[hit], res.year_index(year)]
    return out


def distribution_question(
    ctx: Context,
    plan_runs: dict[str, tuple[CapacityResult, int]],
    rule: PriorityRule,
) -> dict[str, Any]:
    """Competing claims on residual capacity.

    ``plan_runs`` maps a plan id to the capacity projection of its growth alone and its last
    year. A plan's *claim* on a component is its extra load there in its last year (its
    projection minus the baseline). A component is *contested* when the claims on it together
    exceed its residual capacity (capacity minus baseline load, in the latest claim year).
    Claims are served in order of the priority rule's rank, then year, then plan id; each gets
    what is left, up to its claim.
    """
    model = ctx.model
    env = ctx.envelope
    n_res = ctx.compiled.n_resources
    keys = env.row_node * n_res + env.row_resource
    deltas: dict[str, NDArray[np.float64]] = {}
    for pid, (res, year) in plan_runs.items():
        year_b = min(year, int(ctx.baseline.years[-1]))
        deltas[pid] = _row_load(res, keys, year, n_res) - _row_load(
            ctx.baseline, keys, year_b, n_res
        )
    cats = {pid: rule.category_of(model.plans[pid]) for pid in plan_runs}
    contested = []
    if deltas:
        mat = np.stack([deltas[p] for p in plan_runs])  # (P, K)
        pids = list(plan_runs)
        cand = np.flatnonzero((mat > _EPS).any(axis=0))
        for k in cand.tolist():
            claimants = [pids[i] for i in np.flatnonzero(mat[:, k] > _EPS).tolist()]
            year = max(plan_runs[p][1] for p in claimants)
            yi = int(np.searchsorted(env.years, year))
            yi = min(yi, env.years.shape[0] - 1)
            cap = float(env.capacity[k])
            base_load = float(env.base_load[k, yi])
            residual = cap - base_load
            claims = {p: float(mat[pids.index(p), k]) for p in claimants}
            if sum(claims.values()) <= residual + _EPS:
                continue
            ranked = sorted(claimants, key=lambda p: (cats[p].rank, plan_runs[p][1], p))
            left = max(residual, 0.0)
            rows = []
            for p in ranked:
                granted = min(claims[p], left)
                left -= granted
                share = granted / claims[p] if claims[p] > 0 else 1.0
                cat = cats[p]
                cid = ctx.node_id(int(env.row_node[k]))
                rid = ctx.resource_id(int(env.row_resource[k]))
                unit = model.resources[rid].unit
                res_name = {
                    lang: name_in(model.resources[rid], lang).lower() for lang in ("en", "nl")
                }
                comp_name = (
                    names(model.components[cid])
                    if cid in model.components
                    else {
                        "en": cid,
                        "nl": cid,
                    }
                )
                rows.append(
                    {
                        "plan": p,
                        "category": cat.id,
                        "priority": cat.rank,
                        "claim": num(claims[p]),
                        "granted": num(granted),
                        "granted_share": num(share),
                        "text": {
                            "en": f"{name_in(model.plans[p], 'en')} ({cat.name['en']}) claims "
                            f"{claims[p]:.3g} {unit} of {res_name['en']} at "
                            f"{comp_name['en']}; {share:.0%} can be served from the residual "
                            "capacity",
                            "nl": f"{name_in(model.plans[p], 'nl')} ({cat.name['nl']}) vraagt "
                            f"{dutch_format('{:.3g}', claims[p])} {unit} {res_name['nl']} bij "
                            f"{comp_name['nl']}; {share:.0%} past in de restcapaciteit",
                        },
                    }
                )
            contested.append(
                {
                    "component": ctx.node_id(int(env.row_node[k])),
                    "name": model.components[ctx.node_id(int(env.row_node[k]))].name,
                    "resource": ctx.resource_id(int(env.row_resource[k])),
                    "unit": model.resources[ctx.resource_id(int(env.row_resource[k]))].unit,
                    "capacity": num(cap),
                    "year": year,
                    "base_load": num(base_load),
                    "residual": num(residual),
                    "claims": rows,
                }
            )
    contested.sort(
        key=lambda c: (
            c["residual"] if c["residual"] is not None else 0.0,
            c["component"],
            c["resource"],
        )
    )
    return {"rule": {"name": rule.name, "source": rule.source}, "contested": contested}


def fitting_conflicts(model: Model, plan_ids: list[str] | None = None) -> dict[str, Any]:
    """Plan geometry against component geometry and protection zones.

    A component with a protection zone conflicts with a plan when the distance between their
    geometries is at most its ``protection_zone_m``; ``kind`` is ``on_asset`` at distance 0,
    else ``protection_zone``. Components without a zone are counted per plan when the plan
    covers them (``assets_without_zone``), not listed: their zone is unknown. Candidates come from a
    shapely ``STRtree`` query within the largest zone; O((N + C) log N) for N components and C
    candidates.

    Raises
    ------
    ModelError
        A plan or component geometry that is not valid WKT.
    """
    ids = [c.id for c in model.components.values() if c.geometry]
    problems: list[Problem] = []

    def parse(wkt: str, where: str, rec: Any) -> Any:
        try:
            return shapely.from_wkt(wkt)
        except shapely.errors.GEOSException as exc:
            problems.append(
                Problem(
                    getattr(rec, "loc", None),
                    "geometry",
                    repr(wkt[:40]),
                    f"valid WKT ({exc})",
                    record=where,
                )
            )
            return None

    geoms = [parse(model.components[c].geometry or "", c, model.components[c]) for c in ids]
    plans = [model.plans[p] for p in (plan_ids if plan_ids is not None else list(model.plans))]
    plan_geom = {p.id: parse(p.geometry, p.id, p) for p in plans if p.geometry}
    if problems:
        raise ModelError(problems, "geometries that cannot be read")
    zones = np.asarray([model.components[c].protection_zone_m or 0.0 for c in ids])
    no_zone: dict[str, int] = {}
    tree = shapely.STRtree(geoms)
    max_zone = float(zones.max()) if zones.size else 0.0
    conflicts: list[dict[str, Any]] = []
    by_plan: dict[str, int] = {}
    for p in plans:
        g = plan_geom.get(p.id)
        if g is None:
            continue
        cand = tree.query(g, predicate="dwithin", distance=max_zone)
        n = 0
        for i in sorted(cand.tolist()):
            d = float(shapely.distance(g, geoms[i]))
            z = float(zones[i])
            if d > z + 1e-9:
                continue
            if z <= 0:
                no_zone[p.id] = no_zone.get(p.id, 0) + 1
                continue
            comp = model.components[ids[i]]
            n += 1
            conflicts.append(
                {
                    "plan": p.id,
                    "component": comp.id,
                    "name": comp.name,
                    "system": model.system_of(comp.id),
                    "owner": comp.owner,
                    "kind": "on_asset" if d <= 1e-9 else "protection_zone",
                    "distance_m": num(d, 3),
                    "zone_m": num(z, 3),
                    "margin_m": num(z - d, 3),
                }
            )
        by_plan[p.id] = n
    conflicts.sort(key=lambda c: (c["plan"], c["distance_m"] or 0.0, c["component"]))
    return {
        "conflicts": conflicts,
        "by_plan": by_plan,
        "assets_without_zone": no_zone,
        "plans_without_geometry": sorted(p.id for p in plans if not p.geometry),
    }


def system_question(ctx: Context) -> dict[str, Any]:
    """Couplings and cascades across systems."""
    model = ctx.model
    links: dict[tuple[str, str, str], int] = {}
    for link in model.supply.values():
        a = ctx.comp_system.get(link.supplier)
        b = ctx.comp_system.get(link.consumer)
        if a is not None and b is not None and a != b:
            links[(a, b, link.resource)] = links.get((a, b, link.resource), 0) + 1
    kinds: dict[str, int] = {}
    for cp in model.couplings.values():
        kinds[cp.kind.value] = kinds.get(cp.kind.value, 0) + 1
    cascades = []
    for sid, run in ctx.runs.items():
        by_colour: dict[str, list[str]] = {"red": [], "orange": [], "green": []}
        for f in run.flags:
            by_colour[f.colour].append(f.system)
        cascades.append({"scenario": sid, **by_colour, "class": run.impact.cls})
    return {
        "cross_system_links": [
            {"from": a, "to": b, "resource": r, "links": n}
            for (a, b, r), n in sorted(links.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "couplings": dict(sorted(kinds.items())),
        "unmanaged_couplings": sum(1 for c in model.couplings.values() if not c.managed_by),
        "single_points_of_failure": len(ctx.spof),
        "cascades": cascades,
    }
