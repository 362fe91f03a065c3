"""What goes on the table and what stays on an owner's ROUTINE list.

The rules and thresholds are data (``vitaal/data/agenda.yaml``): a like-for-like replacement
goes to its owner's ROUTINE list unless an issue (capacity, a coupling with another system, a
single point of failure above the table's threshold) makes it a decision others take part in;
a single point of failure is on the table only when its loss, after its repair and restart
(``vitaal/data/restoration.yaml``), still costs people or critical functions above the bar.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from vitaal.catalog import load_data
from vitaal.engine.restoration import Restoration, restoration_times
from vitaal.method.impact import CLASSES
from vitaal.method.stake import loss_class, min_outage_h
from vitaal.model.model import Model

__all__ = [
    "AgendaRules",
    "agenda_rules",
    "assess_single_point",
    "coupled_across_systems",
]


@dataclass(frozen=True, slots=True)
class AgendaRules:
    """``agenda.yaml`` as read: the issues that keep a replacement on the table (their texts)
    and the single-point-of-failure bar."""

    issues: Mapping[str, Mapping[str, str]]
    coupling_kinds: frozenset[str]
    min_class: str
    #: the coupling kinds whose members share a fate: a replacement puts at stake the loss
    #: of another member of such a coupling (``docs/method.md``, "Ranked by consequence")
    stake_coupling_kinds: frozenset[str] = frozenset({"co_location", "same_structure"})
    first_page: int = 15
    #: per item kind (``shortfall``, ``replacement``, ``single_point_of_failure``), the kinds
    #: of intervention that can settle it
    option_kinds: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> AgendaRules:
        sp = spec["single_point_of_failure"]
        if sp["min_class"] not in CLASSES:
            raise ValueError(f"agenda.yaml: min_class must be one of {CLASSES}")
        return cls(
            issues=spec["routine"]["issues"],
            coupling_kinds=frozenset(spec["routine"]["coupling_kinds"]),
            stake_coupling_kinds=frozenset(spec["routine"]["stake_coupling_kinds"]),
            min_class=sp["min_class"],
            first_page=int(spec["decisions"]["first_page"]),
            option_kinds={
                k: frozenset(v)
                for k, v in (spec.get("options") or {}).items()
                if k not in ("origin", "why")
            },
        )


@lru_cache(maxsize=1)
def agenda_rules() -> AgendaRules:
    """The packaged rules, read once per process."""
    return AgendaRules.from_spec(load_data("agenda"))


def assess_single_point(
    model: Model,
    component: str,
    spof: Mapping[str, Any],
    rules: AgendaRules,
    restoration: Restoration | None = None,
) -> dict[str, Any]:
    """What the loss of ``component`` costs once it is repaired and restarted.

    ``spof`` is its entry from :func:`~vitaal.method.coupling.find_single_points_of_failure`
    (``service_cut_off_h``, else ``cut_off_h``: the hour each consumer first loses a resource,
    with nothing repaired; a detour or no public transport is hindrance, as in the impact
    indicator, not a loss of service).
    The component is back at ``repair_h + restart_h`` of its kind (an event, not a hazard);
    a consumer is without service from its cut-off hour until then, within the model's
    horizon (a lower bound: what failed with it may take its own restart on top). The loss
    is classed on the impact indicator's scale (people affected, person-hours, critical
    functions, :func:`vitaal.method.stake.loss_class`). Returns ``back_h`` (``None``: not
    repaired), ``outage_h`` per consumer that loses service, ``people_out`` (people of the
    areas out at least the impact indicator's ``min_outage_h``), ``person_hours``,
    ``critical_functions_out`` (out at least as long), ``class``, ``lost`` (anyone loses
    service at all) and ``on_table`` (``class`` at least ``min_class``).

    >>> from vitaal.model import Component, Model, ModelInfo, ServiceArea
    >>> m = Model(info=ModelInfo(name="x", horizon_h=72),
    ...     components={"s": Component(id="s", subsystem="x", kind="substation")},
    ...     areas={"n": ServiceArea(id="n", name="N", population=20_000)})
    >>> r = assess_single_point(m, "s", {"cut_off_h": {"n": 0.0}}, agenda_rules())
    >>> r["back_h"], r["person_hours"], r["class"], r["on_table"]
    (8.5, 170000.0, 'C', True)
    """
    times = restoration if restoration is not None else restoration_times()
    kind = model.components[component].kind
    back = times.repair_h(kind, hazard=False) + times.restart_h(kind)
    horizon = float(model.info.horizon_h)
    min_h = min_outage_h()
    outage: dict[str, float] = {}
    cuts = spof.get("service_cut_off_h", spof["cut_off_h"])
    for consumer, cut in cuts.items():
        end = min(back, horizon)
        if cut < end:
            outage[consumer] = end - cut
    people_out = 0
    person_hours = 0.0
    cf_out: list[str] = []
    for consumer, hours in outage.items():
        area = model.areas.get(consumer)
        if area is not None:
            person_hours += area.population * hours
            if hours >= min_h:
                people_out += area.population
        elif hours >= min_h:
            cf_out.append(consumer)
    cls = loss_class(model, people_out, person_hours, tuple(cf_out))
    return {
        "back_h": back if math.isfinite(back) else None,
        "outage_h": outage,
        "people_out": people_out,
        "person_hours": round(person_hours, 3),
        "critical_functions_out": sorted(cf_out),
        "class": cls,
        "lost": bool(outage),
        # the model's edge (a national supply) is a scenario to prepare for, not a decision
        "on_table": CLASSES.index(cls) >= CLASSES.index(rules.min_class)
        and not model.components[component].boundary,
    }


def coupled_across_systems(model: Model, rules: AgendaRules | None = None) -> dict[str, list[str]]:
    """Per component, the couplings (ids) of the rules' ``coupling_kinds`` (a shared site or
    structure) it is a member of whose members belong to more than one system: works on it
    touch another system's assets."""
    out: dict[str, list[str]] = {}
    kinds = agenda_rules().coupling_kinds if rules is None else rules.coupling_kinds
    for cp in model.couplings.values():
        if cp.kind.value not in kinds:
            continue
        systems = {s for m in cp.members if (s := model.system_of(m)) is not None}
        if len(systems) < 2:
            continue
        for m in cp.members:
            out.setdefault(m, []).append(cp.id)
    return out
