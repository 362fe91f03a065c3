"""The results an :class:`~vitaal.method.analysis.Analysis` holds beyond its JSON, as records:
the capacity of every component per year, and every scenario's failed nodes.

The JSON (``analysis.json``) keeps per system statistics of the utilisation and per scenario
counts over time; the exports need the rows themselves. Both come from what the analysis
already computed: the capacity envelope of the scenario set
(:class:`~vitaal.method.context.Envelope`) and each scenario's run.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from vitaal.method.agenda import decide_by
from vitaal.method.findings import owners_of
from vitaal.method.results import CapacityRow, FailedNode

if TYPE_CHECKING:
    from vitaal.method.analysis import Analysis

__all__ = ["capacity_rows", "failed_nodes"]


def _value(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def capacity_rows(analysis: Analysis) -> tuple[tuple[str, ...], tuple[CapacityRow, ...]]:
    """The names of the capacity projections (``baseline`` and each scenario the envelope
    holds) and, per component and resource with a capacity, a
    :class:`~vitaal.method.results.CapacityRow` over the projection's years, in the
    envelope's order (compiled rows). Empty when the analysis keeps no envelope. O(K Y S) for
    K rows, Y years and S projections."""
    env = analysis.envelope
    if env is None:
        return (), ()
    model = analysis.model
    if analysis.runs:
        compiled = next(iter(analysis.runs.values())).compiled
    else:
        from vitaal.engine.compile import compile_model

        compiled = compile_model(model)
    names = tuple(env.by_projection)
    stack = np.stack([env.by_projection[n] for n in names])  # (S, K, Y)
    worst_of = np.where(np.isnan(stack), -np.inf, stack).argmax(axis=0)  # (K, Y)
    years = tuple(int(y) for y in env.years.tolist())
    rows: list[CapacityRow] = []
    for k in range(env.n_rows):
        cid = compiled.node_ids[int(env.row_node[k])]
        rid = compiled.resource_ids[int(env.row_resource[k])]
        comp = model.components.get(cid)
        res = model.resources.get(rid)
        owners = owners_of(model, [cid])
        ex = int(env.exhausted[k])
        lead = _value(float(env.lead_time_y[k]))
        worst = tuple(_value(float(u)) for u in env.util[k].tolist())
        rows.append(
            CapacityRow(
                component=cid,
                name=comp.name if comp is not None else None,
                system=model.system_of(cid),
                owner=owners[0] if owners else None,
                resource=rid,
                unit=res.unit if res is not None else None,
                capacity=float(env.capacity[k]),
                years=years,
                load=tuple(_value(float(x)) for x in env.base_load[k].tolist()),
                utilisation={
                    n: tuple(_value(float(u)) for u in stack[s, k].tolist())
                    for s, n in enumerate(names)
                },
                worst=worst,
                worst_projection=tuple(
                    names[int(w)] if u is not None else None
                    for w, u in zip(worst_of[k].tolist(), worst, strict=True)
                ),
                exhausted_year=ex if ex >= 0 else None,
                exhausted_by=env.exhausted_by[k],
                lead_time_y=lead,
                decide_by=decide_by(ex, lead) if ex >= 0 else None,
            )
        )
    return names, tuple(rows)


def failed_nodes(analysis: Analysis) -> tuple[FailedNode, ...]:
    """Every node that fails in each scenario of the analysis, scenario by scenario in the
    analysis' order, each in order of failure time (then id), with its cause and geometry."""
    model = analysis.model
    out: list[FailedNode] = []
    for sid, nodes in analysis.failed_nodes().items():
        for n in sorted(nodes.values(), key=lambda n: (n["fail_time_h"], n["id"])):
            nid = str(n["id"])
            rec = (
                model.components.get(nid)
                or model.areas.get(nid)
                or model.critical_functions.get(nid)
            )
            cause = n.get("cause") or {}
            out.append(
                FailedNode(
                    scenario=sid,
                    id=nid,
                    name=rec.name if rec is not None else None,
                    kind=str(n["kind"]),
                    system=n.get("system"),
                    fail_time_h=float(n["fail_time_h"]),
                    order=n.get("order"),
                    cause=cause.get("code"),
                    cause_node=cause.get("node"),
                    via=cause.get("via"),
                    resource=cause.get("resource"),
                    back_h=n.get("back_h"),
                    geometry=rec.geometry if rec is not None else None,
                )
            )
    return tuple(out)
