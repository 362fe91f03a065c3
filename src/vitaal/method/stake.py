"""What is at stake in a decision: the people and critical functions served through a
component, the money, and the consequence class on the impact indicator's scale.

The consequence class puts a decision on the same A-E scale as a scenario's impact
(``vitaal/data/impact.yaml``): the people served through the component on the bounds of
``people_affected``, the person-hours on those of ``person_hours`` and its critical functions
on those of ``critical_functions`` (with the category floors). The highest decides, as in the
impact indicator; on a tie the first in that order names the reason. The money a decision
takes is not a consequence: it is part of the decision's reach (its level,
:mod:`vitaal.method.levels`), shown beside the class.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from vitaal.catalog import load_data
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.method.impact import CLASSES, class_of
from vitaal.model.model import Model

__all__ = [
    "Stake",
    "consequence",
    "cost_class",
    "loss_class",
    "min_outage_h",
    "served_through",
]


@dataclass(frozen=True, slots=True)
class Stake:
    """People served through a component, its critical functions, and the money involved."""

    people: int
    critical_functions: tuple[str, ...]
    cost_eur: float | None
    person_hours: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "person_hours": self.person_hours,
            "critical_functions": list(self.critical_functions),
            "cost_eur": self.cost_eur,
        }


def served_through(
    model: Model, compiled: CompiledModel, component: str, resource: str | None
) -> tuple[int, tuple[str, ...]]:
    """The people (behind the service areas' connections to the resource:
    :meth:`~vitaal.model.records.ServiceArea.people_for`, as the impact indicator counts them)
    and critical functions that receive ``resource`` (every resource the component delivers
    when ``None``; an area reached by several counts its largest) through ``component`` along
    primary supply links of that resource, however far downstream.

    A consumer reached through the component is counted even when it has a second feed:
    a capacity or replacement decision concerns everyone served through the asset.
    """
    v = compiled.node_index[component]
    want = compiled.resource_index.get(resource) if resource is not None else None
    seen_pairs: set[int] = set()
    reached: set[int] = set()
    area_people: dict[int, int] = {}
    stack = [
        p
        for p in range(int(compiled.node_ptr[v]), int(compiled.node_ptr[v + 1]))
        if want is None or int(compiled.pair_resource[p]) == want
    ]
    while stack:
        p = stack.pop()
        r = int(compiled.pair_resource[p])
        for j in range(int(compiled.out_ptr[p]), int(compiled.out_ptr[p + 1])):
            if bool(compiled.link_backup[int(compiled.out_link[j])]):
                continue
            q = int(compiled.out_dst[j])
            if q in seen_pairs:
                continue
            seen_pairs.add(q)
            u = int(compiled.pair_node[q])
            if int(compiled.node_kind[u]) == NodeKind.AREA:
                area = model.areas[compiled.node_ids[u]]
                n = area.people_for(compiled.resource_ids[int(compiled.pair_resource[q])])
                area_people[u] = max(area_people.get(u, 0), n)
            elif int(compiled.node_kind[u]) == NodeKind.CRITICAL_FUNCTION:
                reached.add(u)
            # carry on along the same resource: what the consumer delivers onwards (a node
            # receives and delivers a resource through its one pair for it)
            if int(compiled.pair_resource[q]) == r:
                stack.append(q)
    people = sum(area_people.values())
    cfs = [compiled.node_ids[u] for u in sorted(reached)]
    return people, tuple(sorted(cfs))


def min_outage_h() -> float:
    """The shortest outage the impact indicator counts as "affected" (``impact.yaml``)."""
    return float(load_data("impact").get("min_outage_h", 1.0))


def _cf_class(model: Model, critical_functions: tuple[str, ...]) -> str:
    """The class of losing (or putting at stake) ``critical_functions``: their number on the
    criterion's bounds, raised to the category floors."""
    cf_spec = load_data("impact")["criteria"]["critical_functions"]
    cls = class_of(len(critical_functions), cf_spec["bounds"])
    floors = cf_spec.get("category_floor", {})
    for cf_id in critical_functions:
        cf = model.critical_functions.get(cf_id)
        floor = floors.get(cf.category) if cf is not None else None
        if floor is not None and CLASSES.index(floor) > CLASSES.index(cls):
            cls = floor
    return cls


def loss_class(
    model: Model, people: int, person_hours: float, critical_functions: tuple[str, ...]
) -> str:
    """The impact class of a loss of service, on the criteria people affected, person-hours
    and critical functions of ``impact.yaml`` (the highest decides).

    >>> from vitaal.model import Model, ModelInfo
    >>> loss_class(Model(info=ModelInfo(name="x")), 2_000, 17_000.0, ())
    'B'
    """
    crit = load_data("impact")["criteria"]
    classes = (
        class_of(people, crit["people_affected"]["bounds"]),
        class_of(person_hours, crit["person_hours"]["bounds"]),
        _cf_class(model, critical_functions),
    )
    return CLASSES[max(CLASSES.index(c) for c in classes)]


def cost_class(cost_eur: float | None) -> str:
    """Money on the bounds of ``economic_loss`` (``impact.yaml``); unknown counts as none.

    >>> cost_class(1.75e9), cost_class(None)
    ('E', 'A')
    """
    crit = load_data("impact")["criteria"]
    cost = cost_eur if cost_eur is not None and math.isfinite(cost_eur) else 0.0
    return class_of(cost, crit["economic_loss"]["bounds"])


def consequence(model: Model, stake: Stake) -> tuple[str, str]:
    """The consequence class (A-E) of a decision with ``stake`` and the criterion that sets it
    (``people``, ``person_hours`` or ``critical_functions``; ``none`` for class A).

    >>> from vitaal.model import Model, ModelInfo
    >>> consequence(Model(info=ModelInfo(name="x")), Stake(42_000, (), 2e6))
    ('C', 'people')
    >>> consequence(Model(info=ModelInfo(name="x")), Stake(0, (), 1.75e9))  # money is no loss
    ('A', 'none')
    """
    crit = load_data("impact")["criteria"]
    cf_class = _cf_class(model, stake.critical_functions)
    ranked = [
        ("people", class_of(stake.people, crit["people_affected"]["bounds"])),
        ("person_hours", class_of(stake.person_hours, crit["person_hours"]["bounds"])),
        ("critical_functions", cf_class),
    ]
    best = max(CLASSES.index(c) for _, c in ranked)
    if best == 0:
        return "A", "none"
    return CLASSES[best], next(name for name, c in ranked if CLASSES.index(c) == best)
