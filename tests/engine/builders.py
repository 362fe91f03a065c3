"""Small helpers to write hand-built models for the engine tests in a few lines."""

from __future__ import annotations

from collections.abc import Iterable

from vitaal.model import (
    Component,
    Coupling,
    CouplingKind,
    CriticalFunction,
    Model,
    ModelInfo,
    Quantity,
    Requirement,
    Resource,
    Role,
    ServiceArea,
    Store,
    SupplyLink,
)

RESOURCES = {
    "el": Resource(id="el", name="Electricity", unit="MW"),
    "water": Resource(id="water", name="Drinking water", unit="m3/h"),
    "control": Resource(id="control", name="Control", unit="service"),
    "data": Resource(id="data", name="Data", unit="service"),
}


def build_model(
    links: Iterable[tuple[str, str, str] | tuple[str, str, str, str]],
    *,
    requirements: Iterable[tuple[str, str, float, int]] = (),
    stores: Iterable[tuple[str, str, float]] = (),
    areas: Iterable[str] = (),
    critical_functions: Iterable[str] = (),
    components: Iterable[Component] = (),
    capacity: dict[str, dict[str, Quantity]] | None = None,
    couplings: Iterable[tuple[str, CouplingKind, tuple[str, ...]]] = (),
) -> Model:
    """A model from ``(supplier, consumer, resource[, "backup"])`` links and
    ``(consumer, resource, buffer_h, k)`` requirements. Nodes named in links that are not
    areas, critical functions or given components become plain components."""
    link_list = list(links)
    areas = set(areas)
    cfs = set(critical_functions)
    comps = {c.id: c for c in components}
    names: list[str] = []
    for lk in link_list:
        names += [lk[0], lk[1]]
    for cid in dict.fromkeys(names):
        if cid not in areas and cid not in cfs and cid not in comps:
            caps = (capacity or {}).get(cid, {})
            comps[cid] = Component(id=cid, subsystem="sub", kind="k", capacity=caps)
    supply = {}
    for lk in link_list:
        role = Role.BACKUP if len(lk) == 4 and lk[3] == "backup" else Role.PRIMARY
        supply[f"{lk[0]}>{lk[1]}|{lk[2]}"] = SupplyLink(
            supplier=lk[0], consumer=lk[1], resource=lk[2], role=role
        )
    return Model(
        info=ModelInfo(name="test"),
        resources=dict(RESOURCES),
        components=comps,
        areas={a: ServiceArea(id=a, name=a, population=100) for a in sorted(areas)},
        critical_functions={
            c: CriticalFunction(id=c, name=c, category="acute_care") for c in sorted(cfs)
        },
        requirements={
            f"{v}|{r}": Requirement(consumer=v, resource=r, buffer_h=b, k=k)
            for v, r, b, k in requirements
        },
        supply=supply,
        stores={f"{c}|{r}": Store(component=c, resource=r, autonomy_h=a) for c, r, a in stores},
        couplings={
            cid: Coupling(id=cid, kind=kind, members=members) for cid, kind, members in couplings
        },
    )
