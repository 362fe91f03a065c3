"""What the process needs from a model and a scenario: repair, restart, conditions, degraded
modes (``docs/engine.md``, "Restoration, conditions and degraded modes").

Repair and restart times per component kind are data (``vitaal/data/restoration.yaml``, each
entry with its origin and reasoning); an event may give its own ``repair_h`` (a closure: the
hours until it reopens). A hazard's damage is repaired after the kind's ``hazard_repair_h``,
counted from the hazard's time; a common-cause failure takes the repair of what hit its
trigger.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.catalog import load_data
from vitaal.engine.cascade import load_arrays
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.engine.process import Damage, LoadInputs, Overload, ProcessInputs
from vitaal.model import Model, OnOverload, Scenario

__all__ = ["Restoration", "damage_of", "load_inputs", "process_inputs", "restoration_times"]

INF = math.inf


class Restoration:
    """Repair and restart times per component kind, read from ``restoration.yaml``."""

    def __init__(self, spec: Mapping[str, Any] | None = None) -> None:
        data = spec if spec is not None else load_data("restoration")
        self.default: Mapping[str, Any] = data["default"]
        self.kinds: Mapping[str, Mapping[str, Any]] = data.get("kinds") or {}
        self.shedding: tuple[str, ...] = tuple(data.get("shedding_priority") or ())

    def _entry(self, kind: str | None) -> Mapping[str, Any]:
        return self.kinds.get(kind or "", self.default)

    def repair_h(self, kind: str | None, *, hazard: bool) -> float:
        value = self._entry(kind).get("hazard_repair_h" if hazard else "repair_h")
        return INF if value is None else float(value)

    def restart_h(self, kind: str | None) -> float:
        value = self._entry(kind).get("restart_h")
        return 0.0 if value is None else float(value)


@lru_cache(maxsize=1)
def restoration_times() -> Restoration:
    """The packaged times (``restoration.yaml``), read once per process."""
    return Restoration()


def damage_of(
    model: Model,
    scenario: Scenario,
    failures: Sequence[InitialFailure],
    restoration: Restoration | None = None,
) -> list[Damage]:
    """The scenario's initial failures with their repair times.

    An event's own ``repair_h`` wins; a closure without one lasts to the horizon; otherwise
    the repair time of the target's kind, for damage by an event or by a hazard. A common
    cause takes the kind of damage of its trigger.
    """
    rest = restoration or restoration_times()
    own: dict[tuple[str, float], float | None] = {}
    closures: set[tuple[str, float]] = set()
    for ev in scenario.events:
        own[(ev.target, float(ev.time_h))] = ev.repair_h
        if str(ev.kind) == "closure":
            closures.add((ev.target, float(ev.time_h)))
    by_target = {f.target: f for f in failures}
    out = []
    for f in failures:
        comp = model.components.get(f.target)
        kind = comp.kind if comp is not None else None
        cause = f.cause
        if cause is CauseCode.COMMON_CAUSE and f.trigger in by_target:
            cause = by_target[f.trigger].cause
        key = (f.target, float(f.time_h))
        if f.cause is CauseCode.EVENT and own.get(key) is not None:
            repair = float(own[key])  # type: ignore[arg-type]
        elif f.cause is CauseCode.EVENT and key in closures:
            repair = INF
        else:
            repair = rest.repair_h(kind, hazard=cause is CauseCode.HAZARD)
        out.append(Damage(f.target, float(f.time_h), repair, f.cause, f.trigger))
    return out


_MODE = {OnOverload.SHED: Overload.SHED, OnOverload.FAIL: Overload.TRIP,
         OnOverload.CONGEST: Overload.CONGEST}  # fmt: skip


def load_inputs(
    model: Model,
    compiled: CompiledModel,
    load: NDArray[np.float64],
    capacity: NDArray[np.float64] | None = None,
    link_load: NDArray[np.float64] | None = None,
    restoration: Restoration | None = None,
) -> LoadInputs:
    """Flows, capacities, overload modes (from each resource's ``on_overload``) and shedding
    priorities: critical functions first, in the order of their categories in
    ``restoration.yaml`` (``shedding_priority``), then everything else; ties in node order."""
    rest = restoration or restoration_times()
    arrays = load_arrays(compiled, load, capacity, link_load)
    assert arrays is not None
    flow, _, cap = arrays
    by_res = np.array(
        [_MODE[model.resources[r].on_overload] if r in model.resources else Overload.SHED
         for r in compiled.resource_ids], dtype=np.int8,
    )  # fmt: skip
    mode = by_res[compiled.pair_resource] if compiled.n_resources else np.zeros(0, np.int8)
    rank = {cat: i for i, cat in enumerate(rest.shedding)}
    node_rank = np.full(compiled.n_nodes, len(rank) + 1, dtype=np.int64)
    for cf in model.critical_functions.values():
        v = compiled.node_index.get(cf.id)
        if v is not None and compiled.node_kind[v] == NodeKind.CRITICAL_FUNCTION:
            node_rank[v] = rank.get(cf.category, len(rank))
    return LoadInputs(flow, cap, mode, node_rank[compiled.pair_node])


def process_inputs(
    model: Model,
    compiled: CompiledModel,
    scenario: Scenario,
    restoration: Restoration | None = None,
    loads: LoadInputs | None = None,
) -> ProcessInputs:
    """Restart times by kind, the scenario's conditions on the requirements that name one, the
    requirements' degraded modes and the loads (:func:`load_inputs`), as arrays of the
    compiled model."""
    rest = restoration or restoration_times()
    restart = np.zeros(compiled.n_nodes)
    for cid, comp in model.components.items():
        restart[compiled.node_index[cid]] = rest.restart_h(comp.kind)
    names: list[str] = []
    cond = np.full(compiled.n_pairs, -1, dtype=np.int64)
    deg_h = np.zeros(compiled.n_pairs)
    deg_s = np.ones(compiled.n_pairs)
    for req in model.requirements.values():
        p = compiled.pair_of(req.consumer, req.resource)
        if p is None:
            continue
        if req.condition is not None:
            if req.condition not in names:
                names.append(req.condition)
            cond[p] = names.index(req.condition)
        if req.degraded_h > 0:
            deg_h[p] = req.degraded_h
            deg_s[p] = 1.0 if req.degraded_share is None else req.degraded_share
    spans = tuple(tuple(scenario.conditions.get(n, ())) for n in names)
    return ProcessInputs(restart, cond, spans, deg_h, deg_s, loads)
