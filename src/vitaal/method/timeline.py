"""Per scenario the timeline of a cascade; per system the utilisation by year."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.method.context import Context, num
from vitaal.method.scenario_run import ScenarioRun

__all__ = ["scenario_timeline", "utilisation_by_year"]


def scenario_timeline(ctx: Context, run: ScenarioRun) -> dict[str, Any]:
    """Per system, the cumulative number of failed components and of consumers cut off at
    each event time of the cascade (the distinct failure and cut-off times within the
    horizon).

    A consumer counts for the system of a supplier that stops delivering it a resource (as
    the cascade checker counts lost services), once per system, at the earliest such time.
    """
    cm = ctx.compiled
    res = run.cascade
    horizon = run.horizon_h
    n_comp = len(ctx.model.components)
    systems = list(ctx.model.systems)
    sys_idx = {s: i for i, s in enumerate(systems)}
    node_sys = np.full(cm.n_nodes, -1, dtype=np.int64)
    for cid, s in ctx.comp_system.items():
        if s is not None:
            node_sys[cm.node_index[cid]] = sys_idx[s]
    comp_t = res.fail_time[:n_comp]
    comp_hit = np.flatnonzero(np.isfinite(comp_t) & (node_sys[:n_comp] >= 0))
    # consumers: (time, system, consumer) of each lost service
    first: dict[tuple[int, int], float] = {}
    end = res.supply_end
    cons = np.flatnonzero((cm.pair_node >= n_comp) & (end < horizon))
    for p in cons.tolist():
        v = int(cm.pair_node[p])
        t = float(end[p])
        for j in range(int(cm.in_ptr[p]), int(cm.in_ptr[p + 1])):
            si = int(node_sys[int(cm.pair_node[int(cm.in_src[j])])])
            if si < 0:
                continue
            key = (si, v)
            if t < first.get(key, np.inf):
                first[key] = t
    times = sorted({float(t) for t in comp_t[comp_hit].tolist()} | set(first.values()))
    t_arr = np.asarray(times, dtype=np.float64)

    def cumulative(ts: NDArray[np.float64]) -> list[int]:
        out: list[int] = np.searchsorted(np.sort(ts), t_arr, side="right").astype(int).tolist()
        return out

    out_sys: dict[str, dict[str, list[int]]] = {}
    cons_first: dict[int, float] = {}
    for (_si, v), t in first.items():
        cons_first[v] = min(cons_first.get(v, np.inf), t)
    for si, sid in enumerate(systems):
        ct = comp_t[comp_hit[node_sys[comp_hit] == si]]
        kt = np.asarray([t for (s, _), t in first.items() if s == si], dtype=np.float64)
        if ct.size == 0 and kt.size == 0:
            continue
        out_sys[sid] = {"failed_components": cumulative(ct), "consumers_cut_off": cumulative(kt)}
    return {
        "times_h": [num(t) for t in times],
        "systems": out_sys,
        "total": {
            "failed_components": cumulative(comp_t[comp_hit]),
            "consumers_cut_off": cumulative(np.asarray(list(cons_first.values()))),
        },
    }


def _stats(util: NDArray[np.float64], years: NDArray[np.int64]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for j, y in enumerate(years.tolist()):
        col = util[:, j]
        col = col[np.isfinite(col)]
        n = int(col.size)
        out[str(y)] = {
            "n": n,
            "above_80": num(float((col > 0.8).mean())) if n else None,
            "above_100": num(float((col > 1.0 + 1e-9).mean())) if n else None,
            "max": num(float(col.max())) if n else None,
            "median": num(float(np.median(col))) if n else None,
        }
    return out


def utilisation_by_year(ctx: Context) -> dict[str, dict[str, Any]]:
    """Per system: ``utilisation`` (the envelope) and ``utilisation_by_scenario`` (per
    projection: ``baseline`` and each growth scenario), each per year: rows with a capacity,
    share above 80 % and above 100 %, max and median."""
    env = ctx.envelope
    sys_of_row = np.asarray(
        [ctx.comp_system.get(ctx.node_id(int(v))) or "" for v in env.row_node.tolist()],
        dtype=object,
    )
    out: dict[str, dict[str, Any]] = {}
    for sid in ctx.model.systems:
        mask = sys_of_row == sid
        out[sid] = {
            "utilisation": _stats(env.util[mask], env.years),
            "utilisation_by_scenario": {
                name: _stats(u[mask], env.years) for name, u in env.by_projection.items()
            },
        }
    return out
