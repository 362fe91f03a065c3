"""The cascade checker (step 7): a red, orange or green flag for every system.

For a scenario or plan, each system gets the flag of the first rule that fires, red rules
first (``vitaal/data/flag_rules.yaml``). A flag carries the rule, the order of the first
failure in the system (1 = hit directly, 2 = through one coupling, ...), the onset time, the
causal chain back to an initial event, and the owners who must be at the table.

A service lost by a consumer (a service area or a critical function) counts for the system of
the supplier that delivers it: losing drinking water is the drinking-water system's flag, even
when the cause lies in the electricity system.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.catalog import load_data
from vitaal.engine.capacity import CapacityResult
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.method.findings import owners_of
from vitaal.method.shortfall import baseline_index
from vitaal.model.enums import CongestionStatus
from vitaal.model.model import Model

COLOURS = ("red", "orange", "green")


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One step of a flag's causal chain, from the system's first failure back to the start."""

    node: str
    system: str | None
    time_h: float
    order: int
    cause: str
    resource: str | None


@dataclass(frozen=True, slots=True)
class Flag:
    """The cascade checker's verdict on one system."""

    system: str
    colour: str
    rule: str
    rule_text: dict[str, str]
    order: int | None
    onset_h: float | None
    chain: tuple[ChainLink, ...]
    owners: tuple[str, ...]
    origin: bool
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "colour": self.colour,
            "rule": self.rule,
            "rule_text": self.rule_text["en"],
            "rule_text_nl": self.rule_text["nl"],
            "order": self.order,
            "onset_h": self.onset_h,
            "chain": [
                {
                    "node": c.node,
                    "system": c.system,
                    "time_h": c.time_h,
                    "order": c.order,
                    "cause": c.cause,
                    "resource": c.resource,
                }
                for c in self.chain
            ],
            "owner": self.owners[0] if self.owners else None,
            "owners": list(self.owners),
            "origin": self.origin,
            "evidence": self.evidence,
        }


class _DutchNumbers(string.Formatter):
    """Formats numbers the Dutch way: 10.000 and 0,9, not 10,000 and 0.9."""

    def format_field(self, value: Any, format_spec: str) -> str:
        text = str(super().format_field(value, format_spec))
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text


def dutch_format(spec: str, *values: Any) -> str:
    """``spec.format(*values)`` with numbers the Dutch way.

    >>> dutch_format("{:.3g} MW", 0.645)
    '0,645 MW'
    """
    return _DutchNumbers().format(spec, *values)


def _text(rule: dict[str, Any]) -> dict[str, str]:
    params = {k: v for k, v in rule.items() if k not in ("en", "nl")}
    return {
        "en": str(rule["en"]).format(**params),
        "nl": _DutchNumbers().format(str(rule["nl"]), **params),
    }


class _SystemFacts:
    """What happened in one system: failures, lost services, buffers, capacity."""

    def __init__(self) -> None:
        self.failed: list[int] = []
        self.cf_lost: list[tuple[int, float]] = []
        # per service area, the most people that lose any one of this system's services (an
        # area losing fixed and mobile data counts its people once)
        self.area_any: dict[int, int] = {}
        self.area_long: dict[int, int] = {}
        self.service_onset = math.inf
        self.service_node = -1
        self.on_buffers: list[int] = []
        self.congested: list[int] = []
        self.before_lead: list[int] = []
        self.headroom: list[int] = []
        self.later: list[int] = []
        self.already: list[int] = []
        # components the scenario loads further that have a published waiting list
        self.waiting: list[int] = []
        self.owners: dict[str, None] = {}


def check_cascade(
    model: Model,
    compiled: CompiledModel,
    result: CascadeResult | None,
    *,
    capacity: CapacityResult | None = None,
    origin_system: str | None = None,
    opportunity_from: set[str] | None = None,
    pre_load: NDArray[np.float64] | None = None,
    rules: dict[str, Any] | None = None,
    losses: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]
    | None = None,
    baseline: CapacityResult | None = None,
) -> list[Flag]:
    """Flag every system of ``model`` for one cascade and/or capacity projection.

    Parameters
    ----------
    result
        The timed cascade (``None`` for growth without a shock).
    capacity
        The capacity projection of the scenario (``None`` for a shock without growth).
    origin_system
        The system the scenario or plan originates in; its flag is marked ``origin``.
    opportunity_from
        Component ids whose side outputs count as opened by the change (for green
        "opportunity" flags); default: the components of ``origin_system``.
    pre_load
        ``(nodes, resources)`` loads before the shock: a component whose load after the
        cascade's moves is above both its capacity and this is *congested* (it sheds load).
    losses
        Per pair, from when it was without the service with its buffer spent (``inf``:
        never), for how many (share-weighted) hours within the horizon, and for a service
        area the largest share of it without (from a process with restoration).
        Without it a loss starts at ``supply_end + buffer`` and lasts to the horizon.
    baseline
        The capacity projection of the same years without the scenario's plans and
        transitions: a shortfall already there is evidence "already present", not a flag
        the scenario causes.

    Complexity: O(nodes + pairs + links) plus the capacity rows.
    """
    spec = rules if rules is not None else load_data("flag_rules")
    red, orange = spec["red"], spec["orange"]
    node_system = np.full(len(compiled.node_ids), -1, dtype=np.int64)
    system_ids = list(model.systems)
    sys_index = {s: i for i, s in enumerate(system_ids)}
    for cid in model.components:
        s = model.system_of(cid)
        if s is not None:
            node_system[compiled.node_index[cid]] = sys_index[s]
    facts = [_SystemFacts() for _ in system_ids]
    horizon = result.horizon_h if result is not None else 0.0

    def own(si: int, node: int) -> None:
        # the owner of each component the flag rests on, by the one rule (findings.owners_of)
        for o in owners_of(model, (compiled.node_ids[node],)):
            facts[si].owners.setdefault(o, None)

    if result is not None:
        fail = result.fail_time
        for v in np.flatnonzero(np.isfinite(fail) & (node_system >= 0)).tolist():
            facts[int(node_system[v])].failed.append(v)
            own(int(node_system[v]), v)
        min_hours = float(red["people"]["min_hours"])
        end = np.where(np.isnan(result.supply_end), np.inf, result.supply_end)
        recv = np.where(np.isnan(result.receive_time), np.inf, result.receive_time)
        for p in range(len(result.pair_node)):
            v = int(result.pair_node[p])
            share = 1.0
            if losses is not None:
                start = float(losses[0][p])
                share = float(losses[2][p]) if losses[2] is not None else 1.0
                # share-weighted hours: how long the largest share was without it
                hours = float(losses[1][p]) / share if share > 0 else 0.0
                lost = math.isfinite(start) and start < horizon
            else:
                start = float(end[p]) + float(compiled.pair_buffer_h[p])
                hours = horizon - start
                lost = math.isfinite(float(end[p])) and float(end[p]) < horizon
            if not lost and not math.isfinite(float(recv[p])):
                continue
            # the systems of the suppliers that deliver this resource to this node
            sups = compiled.in_src[compiled.in_ptr[p] : compiled.in_ptr[p + 1]]
            systems = {int(node_system[int(compiled.pair_node[s])]) for s in sups.tolist()}
            systems.discard(-1)
            kind = int(compiled.node_kind[v])
            for si in systems:
                f = facts[si]
                if kind != NodeKind.COMPONENT and lost:
                    if start < horizon:
                        if start < f.service_onset:
                            f.service_onset, f.service_node = start, v
                        if kind == NodeKind.AREA:
                            area = model.areas[compiled.node_ids[v]]
                            connected = area.people_for(
                                compiled.resource_ids[int(result.pair_resource[p])]
                            )
                            pop = round(connected * share)
                            f.area_any[v] = max(f.area_any.get(v, 0), pop)
                            if hours >= min_hours:
                                f.area_long[v] = max(f.area_long.get(v, 0), pop)
                    if kind == NodeKind.CRITICAL_FUNCTION and start < horizon:
                        # it loses this system's service beyond its own buffer
                        f.cf_lost.append((v, start))
                if math.isfinite(float(recv[p])) and not math.isfinite(float(fail[v])):
                    f.on_buffers.append(v)
        # a component of the system that lost a supply but keeps going on its buffer
        for p in np.flatnonzero(np.isfinite(recv)).tolist():
            v = int(result.pair_node[p])
            si = int(node_system[v])
            if si >= 0 and not math.isfinite(float(fail[v])):
                facts[si].on_buffers.append(v)

    if result is not None and result.peak_load is not None and pre_load is not None:
        p_node, p_res = result.pair_node, result.pair_resource
        cap = compiled.capacity[p_node, p_res]
        before = pre_load[p_node, p_res]
        peak = result.peak_load
        over = (
            np.isfinite(cap)
            & (cap > 0)
            & (peak > cap * (1 + 1e-9))
            & (peak > before * (1 + 1e-9))
            & ~np.isfinite(result.fail_time[p_node])
        )
        for p in np.flatnonzero(over).tolist():
            v = int(p_node[p])
            si = int(node_system[v])
            if si >= 0:
                facts[si].congested.append(v)
                own(si, v)

    if capacity is not None:
        base = model.info.base_year
        margin = float(orange["headroom"]["margin"])
        year = capacity.cascade_year
        yi = capacity.year_index(year)
        h = model.info.horizons
        base_rows = _baseline_rows(capacity, baseline)
        for k in capacity.component_rows().tolist():
            v = int(capacity.row_node[k])
            si = int(node_system[v])
            if si < 0:
                continue
            ex = int(capacity.exhausted[k])
            lead = float(capacity.lead_time_y[k])
            u = float(capacity.utilisation[k, yi])
            b = base_rows.get(k)
            if _on_waiting_list(model.components[compiled.node_ids[v]]) and (
                b is None or (math.isfinite(u) and u > b[1] + 1e-9)
            ):
                # the scenario adds load behind a published waiting list: its new connections
                # wait, whatever the measured load (congestion is not loading)
                facts[si].waiting.append(v)
                own(si, v)
            if b is not None and _short(b, base, lead, h.short_y, margin) >= _short(
                (ex, u), base, lead, h.short_y, margin
            ):
                # the same shortfall (or worse) without the scenario: not caused by it
                if _short((ex, u), base, lead, h.short_y, margin) > 0:
                    facts[si].already.append(v)
                continue
            if ex >= 0 and math.isfinite(lead) and ex < base + lead:
                facts[si].before_lead.append(v)
                own(si, v)
            elif ex >= 0 and ex > base + h.short_y:
                facts[si].later.append(v)
                own(si, v)
            if math.isfinite(u) and u > margin:
                facts[si].headroom.append(v)
                own(si, v)

    sources = opportunity_from
    if sources is None:
        sources = {c for c in model.components if model.system_of(c) == origin_system}
    opportunities: dict[str, list[str]] = {}
    for so in model.side_outputs.values():
        if so.component in sources:
            for s in so.usable_by:
                opportunities.setdefault(s, []).append(so.id)

    flags = []
    for si, sid in enumerate(system_ids):
        f = facts[si]
        system_owner = model.systems[sid].owner
        owners: tuple[str, ...] = tuple(f.owners) or ((system_owner,) if system_owner else ())
        chain: tuple[ChainLink, ...] = ()
        order = None
        onset = None
        if result is not None and (f.failed or f.service_node >= 0):
            first = min(
                f.failed, key=lambda v: (result.fail_time[v], result.order[v]), default=None
            )
            if first is not None:
                order = int(result.order[first])
                onset = float(result.fail_time[first])
                chain = _chain(model, result, compiled.node_ids[first])
                # the owner of the system's first failure first: who the flag calls
                first_owners = owners_of(model, (compiled.node_ids[first],))
                owners = tuple(dict.fromkeys((*first_owners, *owners)))
            if f.service_node >= 0 and (onset is None or f.service_onset < onset):
                onset = f.service_onset
                if not chain and math.isfinite(float(result.fail_time[f.service_node])):
                    chain = _chain(model, result, compiled.node_ids[f.service_node])
        evidence: dict[str, Any] = {
            "failed_components": len(f.failed),
            "critical_functions_lost": sorted({compiled.node_ids[v] for v, _ in f.cf_lost}),
            "people_losing_service": sum(f.area_any.values()),
            "people_losing_service_long": sum(f.area_long.values()),
            "on_buffers": len(set(f.on_buffers)),
            "congested": sorted({compiled.node_ids[v] for v in f.congested}),
            "exhausted_before_lead_time": [compiled.node_ids[v] for v in f.before_lead],
            "above_margin": len(set(f.headroom)),
            "exhausted_later": len(set(f.later)),
            "already_present": len(set(f.already)),
            "waiting_list": sorted({compiled.node_ids[v] for v in f.waiting}),
            "waiting_list_until": _until(model, compiled, f.waiting),
        }
        if f.cf_lost:
            colour, rule = "red", "critical_function"
        elif sum(f.area_long.values()) >= int(red["people"]["min_people"]):
            colour, rule = "red", "people"
        elif f.before_lead:
            colour, rule = "red", "capacity_before_lead_time"
        elif f.failed:
            colour, rule = "orange", "failures"
        elif f.area_any:
            colour, rule = "orange", "service_loss"
        elif f.congested:
            colour, rule = "orange", "congestion"
        elif f.waiting:
            colour, rule = "orange", "waiting_list"
        elif f.on_buffers:
            colour, rule = "orange", "on_buffers"
        elif f.headroom:
            colour, rule = "orange", "headroom"
        elif f.later:
            colour, rule = "orange", "later_shortfall"
        elif sid in opportunities:
            colour, rule = "green", "opportunity"
            evidence["side_outputs"] = opportunities[sid]
        else:
            colour, rule = "green", "untouched"
        if colour == "red" and f.before_lead and onset is None:
            order = None
        flags.append(
            Flag(
                system=sid,
                colour=colour,
                rule=rule,
                rule_text=_with_waiting_list(_text(spec[colour][rule]), rule, f, evidence, spec),
                order=order,
                onset_h=onset,
                chain=chain,
                owners=owners,
                origin=sid == origin_system,
                evidence=evidence,
            )
        )
    return flags


#: the capacity rules whose text names a waiting list behind the components they flag
_CAPACITY_RULES = ("capacity_before_lead_time", "headroom", "later_shortfall")


def _on_waiting_list(comp: Any) -> bool:
    """New connections behind ``comp`` wait: its published status says a waiting list, or the
    capacity map colours it orange or red."""
    return bool(comp.waiting_list) or comp.congestion in (
        CongestionStatus.ORANGE,
        CongestionStatus.RED,
    )


def _until(model: Model, compiled: CompiledModel, nodes: list[int]) -> int | None:
    """The latest year in which the waiting lists of ``nodes`` are expected to end; None when
    there are none or one of them has no published end."""
    years = [model.components[compiled.node_ids[v]].congestion_until for v in set(nodes)]
    if not years or any(y is None for y in years):
        return None
    return max(y for y in years if y is not None)


def _with_waiting_list(
    text: dict[str, str],
    rule: str,
    f: _SystemFacts,
    evidence: dict[str, Any],
    spec: dict[str, Any],
) -> dict[str, str]:
    """A capacity rule's text, with the waiting list it meets (read from the components'
    congestion status, not from their load) when the scenario loads such components."""
    note = (spec.get("notes") or {}).get("waiting_list")
    if rule not in _CAPACITY_RULES or not f.waiting or not note:
        return text
    until = evidence["waiting_list_until"]
    params = {"n": len(set(f.waiting))}
    key = "until" if until is not None else "open"
    extra = _text({"en": note[key]["en"], "nl": note[key]["nl"], **params, "until": until or 0})
    return {lang: text[lang] + extra[lang] for lang in ("en", "nl")}


def _baseline_rows(
    capacity: CapacityResult, baseline: CapacityResult | None
) -> dict[int, tuple[int, float]]:
    """Per row of ``capacity``, the exhaustion year and the utilisation in the scenario's year
    of the same (node, resource) row in ``baseline``."""
    if baseline is None:
        return {}
    yi = baseline.year_index(capacity.cascade_year)
    out = {}
    for k, j in enumerate(baseline_index(capacity, baseline).tolist()):
        if j >= 0:
            out[k] = (int(baseline.exhausted[j]), float(baseline.utilisation[j, yi]))
    return out


def _short(row: tuple[int, float], base: int, lead: float, short_y: int, margin: float) -> int:
    """How bad a capacity row is, as a rank: 3 exhausted before its lead time, 2 above the
    margin, 1 exhausted later, 0 none."""
    ex, u = row
    if ex >= 0 and math.isfinite(lead) and ex < base + lead:
        return 3
    if math.isfinite(u) and u > margin:
        return 2
    if ex >= 0 and ex > base + short_y:
        return 1
    return 0


def _chain(model: Model, result: CascadeResult, node_id: str) -> tuple[ChainLink, ...]:
    steps = result.explain(node_id)
    return tuple(
        ChainLink(
            node=s.node,
            system=model.system_of(s.node),
            time_h=s.time_h,
            order=s.order,
            cause=s.cause.name.lower(),
            resource=s.resource,
        )
        for s in steps
    )
