"""The model: every record of a city's vital systems, by kind and id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vitaal.model.records import (
    Challenge,
    Component,
    Coupling,
    CriticalFunction,
    Intervention,
    ModelInfo,
    Plan,
    Requirement,
    Resource,
    Scenario,
    ServiceArea,
    SideOutput,
    Store,
    Subsystem,
    SupplyLink,
    System,
)

#: The kinds of record a model holds, in the order they are read, written and compared.
RECORD_KINDS: tuple[str, ...] = (
    "resources",
    "systems",
    "subsystems",
    "components",
    "areas",
    "critical_functions",
    "requirements",
    "supply",
    "stores",
    "couplings",
    "side_outputs",
    "challenges",
    "plans",
    "scenarios",
    "interventions",
)


def requirement_key(r: Requirement) -> str:
    return f"{r.consumer}|{r.resource}"


def link_key(link: SupplyLink) -> str:
    return f"{link.supplier}>{link.consumer}|{link.resource}"


def store_key(s: Store) -> str:
    return f"{s.component}|{s.resource}"


@dataclass(slots=True)
class Model:
    """A city's vital systems: records by kind, each kind a mapping from key to record.

    Records are immutable; so, by convention, is a model once built: an edit makes a new
    model (the store keeps each as a version). Keys are the record ids; for requirements,
    supply links and stores, which have no id of their own, :func:`requirement_key`,
    :func:`link_key` and :func:`store_key`.
    """

    info: ModelInfo
    resources: dict[str, Resource] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    subsystems: dict[str, Subsystem] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)
    areas: dict[str, ServiceArea] = field(default_factory=dict)
    critical_functions: dict[str, CriticalFunction] = field(default_factory=dict)
    requirements: dict[str, Requirement] = field(default_factory=dict)
    supply: dict[str, SupplyLink] = field(default_factory=dict)
    stores: dict[str, Store] = field(default_factory=dict)
    couplings: dict[str, Coupling] = field(default_factory=dict)
    side_outputs: dict[str, SideOutput] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    interventions: dict[str, Intervention] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, Any]:
        """The mapping of one record kind (one of :data:`RECORD_KINDS`)."""
        if kind not in RECORD_KINDS:
            raise KeyError(kind)
        value: dict[str, Any] = getattr(self, kind)
        return value

    def tables(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for kind in RECORD_KINDS:
            yield kind, self.table(kind)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return self.info == other.info and all(
            self.table(k) == other.table(k) for k in RECORD_KINDS
        )

    __hash__ = None  # type: ignore[assignment]

    # -- convenient views ---------------------------------------------------------------
    def node_ids(self) -> Iterator[str]:
        """Every id that can supply or consume: components, service areas, critical functions."""
        yield from self.components
        yield from self.areas
        yield from self.critical_functions

    def is_node(self, node_id: str) -> bool:
        return (
            node_id in self.components
            or node_id in self.areas
            or node_id in self.critical_functions
        )

    def system_of(self, node_id: str) -> str | None:
        """The system a component belongs to (``None`` for consumers and unknown ids)."""
        comp = self.components.get(node_id)
        if comp is None:
            return None
        sub = self.subsystems.get(comp.subsystem)
        return sub.system if sub is not None else None

    def size(self) -> int:
        return sum(len(self.table(k)) for k in RECORD_KINDS)
