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
from typing import Any

import numpy as np

from vitaal.catalog import load_data
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.compile import CompiledModel
from vitaal.engine.process import Damage, ProcessInputs
from vitaal.model import Model, Scenario

__all__ = [
    "Restoration",
    "damage_of",
    "overload_trips",
    "process_inputs",
    "restoration_times",
]

INF = math.inf


class Restoration:
    """Repair and restart times per component kind, read from ``restoration.yaml``."""

    def __init__(self, spec: Mapping[str, Any] | None = None) -> None:
        data = spec if spec is not None else load_data("restoration")
        self.default: Mapping[str, Any] = data["default"]
        self.kinds: Mapping[str, Mapping[str, Any]] = data.get("kinds") or {}

    def _entry(self, kind: str | None) -> Mapping[str, Any]:
        return self.kinds.get(kind or "", self.default)

    def repair_h(self, kind: str | None, *, hazard: bool) -> float:
        value = self._entry(kind).get("hazard_repair_h" if hazard else "repair_h")
        return INF if value is None else float(value)

    def restart_h(self, kind: str | None) -> float:
        value = self._entry(kind).get("restart_h")
        return 0.0 if value is None else float(value)


def restoration_times() -> Restoration:
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


def process_inputs(
    model: Model,
    compiled: CompiledModel,
    scenario: Scenario,
    restoration: Restoration | None = None,
) -> ProcessInputs:
    """Restart times by kind, the scenario's conditions on the requirements that name one, and
    the requirements' degraded modes, as arrays of the compiled model."""
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
    return ProcessInputs(restart, cond, spans, deg_h, deg_s)


def overload_trips(
    compiled: CompiledModel, cascade: CascadeResult, damage: Sequence[Damage]
) -> list[Damage]:
    """The backups ``cascade`` (run with loads) took down on overload, as damage that lasts
    until the primary whose failure moved the load (the cause node) is repaired; ``inf`` when
    that primary was not itself damaged (it failed through the cascade: when it comes back is
    not known before the process runs).

    The trip times are those of the cascade without restoration: a trip happens at the
    instant the load moves, before anything is repaired, so they are the same in the process
    as long as no repair comes before the trip.
    """
    back: dict[str, float] = {}
    for d in damage:
        back[d.target] = max(back.get(d.target, -INF), d.repaired_h)
    out = []
    for v in np.flatnonzero(cascade.cause == int(CauseCode.OVERLOAD)).tolist():
        t = float(cascade.fail_time[v])
        primary = int(cascade.cause_node[v])
        pid = compiled.node_ids[primary] if primary >= 0 else None
        until = back.get(pid, INF) if pid is not None else INF
        repair = max(0.0, until - t) if math.isfinite(until) else INF
        out.append(Damage(compiled.node_ids[v], t, repair, CauseCode.OVERLOAD, pid))
    return out
