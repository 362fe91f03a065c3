"""Findings: what the analysis tells the Vaktafel, each with a level, way, station and owner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vitaal.method.stations import RouteStations
from vitaal.method.ways import way_for_level
from vitaal.model.enums import Level
from vitaal.model.model import Model

__all__ = ["Finding", "level_for", "make_finding", "owners_of"]

_LEVEL_RANK = {Level.STRATEGIC: 0, Level.TACTICAL: 1, Level.OPERATIONAL: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding. ``severity``: 3 red, 2 orange, 1 for information."""

    id: str
    kind: str
    level: Level
    station: str
    text: dict[str, str]
    system: str | None = None
    subsystem: str | None = None
    components: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    severity: int = 1
    scenario: str | None = None
    plan: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def orphan(self) -> bool:
        """No one owns it: a *weesdossier*."""
        return not self.owners

    def sort_key(self) -> tuple[int, int, str]:
        return (-self.severity, _LEVEL_RANK[self.level], self.id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "level": self.level.value,
            "way_of_working": way_for_level(self.level).value,
            "station": self.station,
            "system": self.system,
            "subsystem": self.subsystem,
            "components": list(self.components),
            "owner": self.owners[0] if self.owners else None,
            "owners": list(self.owners),
            "orphan": self.orphan,
            "severity": self.severity,
            "scenario": self.scenario,
            "plan": self.plan,
            "text": dict(self.text),
            "data": self.data,
        }


def level_for(n_components: int, *, cross_system: bool = False, logic: bool = False) -> Level:
    """The level of a finding: strategic when it touches the system logic, tactical when it
    concerns several components or a coupling across systems, operational otherwise.

    >>> level_for(1).value, level_for(3).value, level_for(1, cross_system=True).value
    ('operational', 'tactical', 'tactical')
    """
    if logic:
        return Level.STRATEGIC
    if cross_system or n_components > 1:
        return Level.TACTICAL
    return Level.OPERATIONAL


def owners_of(model: Model, component_ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Owners of components, in order, without repeats: each component's ``owner``, else its
    subsystem's, else its system's."""
    out: dict[str, None] = {}
    for cid in component_ids:
        comp = model.components.get(cid)
        if comp is None:
            continue
        sub = model.subsystems.get(comp.subsystem)
        system = model.systems.get(sub.system) if sub is not None else None
        for o in (comp.owner, sub.owner if sub else None, system.owner if system else None):
            if o:
                out.setdefault(o, None)
                break
    return tuple(out)


def make_finding(
    stations: RouteStations,
    *,
    id: str,
    kind: str,
    level: Level,
    text: dict[str, str],
    **kwargs: Any,
) -> Finding:
    """A :class:`Finding` with its station assigned by the ROUTE's rule for ``kind``."""
    return Finding(
        id=id, kind=kind, level=level, station=stations.station_for(kind), text=text, **kwargs
    )
