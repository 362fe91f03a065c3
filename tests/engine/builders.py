"""Small helpers to write hand-built models for the engine tests in a few lines."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

from hypothesis import strategies as st

from tests.engine.reference_process import CaseLoads, ProcessCase
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


def with_requirements(model: Model, *requirements: Requirement) -> Model:
    """``model`` with ``requirements`` added (or replacing those of the same pair)."""
    reqs = dict(model.requirements)
    for q in requirements:
        reqs[f"{q.consumer}|{q.resource}"] = q
    return dataclasses.replace(model, requirements=reqs)


@st.composite
def random_models(draw: st.DrawFn) -> tuple[Model, dict[str, float], float]:
    n = draw(st.integers(2, 9))
    n_areas = draw(st.integers(0, min(2, n - 1)))
    names = [f"c{i}" for i in range(n - n_areas)] + [f"a{i}" for i in range(n_areas)]
    n_res = draw(st.integers(1, 3))
    resources = [f"r{j}" for j in range(n_res)]
    links: dict[str, SupplyLink] = {}
    reqs: dict[str, Requirement] = {}
    stores: dict[str, Store] = {}
    for r in resources:
        order = draw(st.permutations(names))
        # areas are consumers: keep them out of the producers
        order = sorted(order, key=lambda x: x.startswith("a"))
        n_prod = draw(st.integers(1, max(1, min(2, len(order) - n_areas))))
        members: list[str] = list(order[:n_prod])
        for pos in range(n_prod, len(order)):
            v = order[pos]
            if not draw(st.booleans()):
                continue
            earlier = [m for m in members if m != v and not m.startswith("a")]
            firm = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
            members.append(v)
            k = draw(st.integers(1, len(firm)))
            extra_pool = [x for x in names if x != v and not x.startswith("a")]
            extra = draw(st.lists(st.sampled_from(extra_pool), max_size=2, unique=True))
            for s in dict.fromkeys(firm + extra):
                key = f"{s}>{v}|{r}"
                links[key] = SupplyLink(
                    supplier=s,
                    consumer=v,
                    resource=r,
                    role=draw(st.sampled_from([Role.PRIMARY, Role.BACKUP])),
                )
            buffer = draw(st.sampled_from([0.0, 0.0, 1.0, 2.0, 3.0, 5.0]))
            if k > 1 or buffer > 0 or draw(st.booleans()):
                reqs[f"{v}|{r}"] = Requirement(consumer=v, resource=r, buffer_h=buffer, k=k)
            if draw(st.integers(0, 3)) == 0:
                aut = draw(st.sampled_from([0.0, 1.0, 2.0, 4.0]))
                stores[f"{v}|{r}"] = Store(component=v, resource=r, autonomy_h=aut)
    model = Model(
        info=ModelInfo(name="random"),
        resources={r: Resource(id=r, name=r, unit="service") for r in resources},
        components={
            c: Component(id=c, subsystem="s", kind="k") for c in names if c.startswith("c")
        },
        areas={a: ServiceArea(id=a, name=a) for a in names if a.startswith("a")},
        requirements=reqs,
        supply=links,
        stores=stores,
    )
    failing = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
    initial = {v: float(draw(st.integers(0, 3))) for v in failing}
    horizon = float(draw(st.sampled_from([2, 4, 6, 100])))
    return model, initial, horizon


#: a requirement's condition: mostly none; "drought" is one no scenario names (never holds)
_CONDITIONS = st.sampled_from([None] * 7 + ["rain", "surge", "drought"])


@dataclasses.dataclass(frozen=True)
class CaseOptions:
    """What :func:`random_process_cases` draws: ``loads`` (True, False, or drawn when
    ``None``), restart times (else 0), buffers and degraded modes on service areas (else
    none), several damages of one component (else at most one), requirements that need more
    than one supplier while a backup link reaches them (else ``k`` is 1 there), and the
    overload modes of the supplier pairs."""

    loads: bool | None = None
    restarts: bool = True
    area_buffers: bool = True
    repeat_damage: bool = True
    k_with_backups: bool = True
    modes: tuple[str, ...] = ("shed", "shed", "trip", "congest")


@st.composite
def random_process_cases(draw: st.DrawFn, options: CaseOptions | None = None) -> ProcessCase:
    """A random model of :func:`random_models` with what the process adds, all in small whole
    numbers so that many things happen at one instant: damage with repair times, restart
    times, requirements that hold only under a condition (two conditions with random
    intervals), degraded modes, and flows on the primary links, capacities, overload modes
    and shedding priorities (``options``: :class:`CaseOptions`). Only components are damaged
    (service areas never go down as a whole)."""
    opt = options or CaseOptions()
    model, _, _ = draw(random_models())
    comps = list(model.components)
    horizon = draw(st.sampled_from([3, 6, 10, 16]))
    conditions: dict[str, tuple[tuple[float, float], ...]] = {}
    for name in ("rain", "surge"):
        bounds = sorted(draw(st.lists(st.integers(0, 12), max_size=4, unique=True)))
        conditions[name] = tuple(
            (float(a), float(b)) for a, b in zip(bounds[::2], bounds[1::2], strict=False)
        )
    backed = {(lk.consumer, lk.resource) for lk in model.supply.values() if lk.role is Role.BACKUP}
    needs = {(lk.consumer, lk.resource) for lk in model.supply.values()}
    reqs: dict[str, Requirement] = {}
    for v, r in sorted(needs):
        old = model.requirements.get(f"{v}|{r}")
        plain = v in model.areas and not opt.area_buffers
        degraded_h = 0.0 if plain else float(draw(st.sampled_from([0, 0, 1, 2, 3])))
        k = old.k if old else 1
        reqs[f"{v}|{r}"] = Requirement(
            consumer=v,
            resource=r,
            buffer_h=old.buffer_h if old and not plain else 0.0,
            k=k if opt.k_with_backups or (v, r) not in backed else 1,
            condition=draw(_CONDITIONS),
            degraded_h=degraded_h,
            degraded_share=draw(st.sampled_from([0.5, 0.25, 0.5, 1.0])) if degraded_h else None,
        )
    model = dataclasses.replace(model, requirements=reqs)
    # suppliers twice as likely as sinks: their damage goes somewhere
    suppliers = [c for c in comps if any(lk.supplier == c for lk in model.supply.values())]
    targets = st.sampled_from(suppliers + comps)
    hit = draw(st.lists(targets, min_size=1, max_size=3, unique=not opt.repeat_damage))
    damage = tuple(
        (
            v,
            float(draw(st.integers(0, 4))),
            draw(st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, math.inf])),
        )
        for v in hit
    )
    hours = st.sampled_from([0, 0, 1, 2]) if opt.restarts else st.just(0)
    restart = {c: float(draw(hours)) for c in comps}
    with_loads = draw(st.booleans()) if opt.loads is None else opt.loads
    return ProcessCase(
        model=model,
        damage=damage,
        restart_h=restart,
        conditions=conditions,
        loads=draw(_random_loads(model, opt.modes)) if with_loads else None,
        horizon=horizon,
    )


@st.composite
def _random_loads(draw: st.DrawFn, model: Model, modes: tuple[str, ...]) -> CaseLoads:
    """Flows of 1-3 on every primary link, capacities of 0-8 (or unlimited) on every
    supplier pair, overload modes (from ``modes``) and priorities 0-2 per node."""
    flow = {
        (lk.supplier, lk.consumer, lk.resource): float(draw(st.integers(1, 3)))
        for lk in model.supply.values()
        if lk.role is Role.PRIMARY
    }
    suppliers = sorted({(lk.supplier, lk.resource) for lk in model.supply.values()})
    capacity = {
        p: float(draw(st.sampled_from([math.nan, 0, 1, 2, 3, 4, 5, 6, 8]))) for p in suppliers
    }
    mode = {p: draw(st.sampled_from(modes)) for p in suppliers}
    priority = {v: draw(st.integers(0, 2)) for v in model.node_ids()}
    return CaseLoads(flow=flow, capacity=capacity, mode=mode, priority=priority)
