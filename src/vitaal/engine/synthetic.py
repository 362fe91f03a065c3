"""Synthetic cities for tests and benchmarks: 10^3 to 10^6 components, deterministic by seed.

:func:`synthetic_city` lays out a square city and builds three vital systems with the
structure of real ones, each a hierarchy of supply with meshing and backups:

- **electricity**: grid imports -> HV substations (each fed by its two nearest imports) ->
  MV substations (nearest HV, backup from the second nearest) -> MV feeders (nearest MV,
  a third with a backup from the second nearest: an open ring) -> LV transformers;
- **drinking water**: treatment plants (need power, generator 12 h) -> reservoirs (stores,
  12 h autonomy, fed by two plants) -> pumping stations (need power and control) -> trunk
  mains (meshed: fed by two pumping stations; some carry a tower, a 4 h store) ->
  distribution mains (a third with a backup);
- **telecom**: core sites (need power, 8 h) -> aggregation routers (fed by two cores, need
  power, 4 h) -> masts and street cabinets (need power, half with a 2 h battery).

Cross-system requirements close loops, as in a real city: HV substations need control data
(24 h), pumping stations too (12 h). Service areas (neighbourhoods with population and jobs)
take power from the LV transformers around them (more than half of them needed), water from
the mains around them and data from any of the masts around them; critical functions
(hospitals, 112 centre, crisis centre ...) take power from two feeders (generator 24 h),
water (12 h) and data (8 h). Every component has a position, a ground level, a flood
threshold by kind, a heat threshold for the kinds that have one, and a NEN 2767 condition.

The city is returned as arrays (:class:`SyntheticCity`). :meth:`SyntheticCity.compile`
builds the compiled model directly (:func:`~vitaal.engine.compile.compile_arrays`, no
records: the way to 10^6 components); :meth:`SyntheticCity.to_model` builds the
:class:`~vitaal.model.Model` records, for small sizes, whose :func:`compile_model` gives the
same arrays (tested).

:func:`synthetic_growth` adds what a capacity projection needs (:class:`SyntheticGrowth`):
each consumer's base-year demand per resource and a yearly growth path to 2050, the own
power draw of plants, pumps and telecom sites, measured base-year peaks for some
components and capacities with some headroom, so that some run out over the years. It
draws from a random stream of its own: the city's arrays do not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from vitaal.catalog import load_data
from vitaal.engine.capacity_arrays import LoadProjection, project_loads
from vitaal.engine.compile import CompiledModel, NodeKind, compile_arrays
from vitaal.engine.criticality import CLASSES, ImpactTable, _bounds
from vitaal.engine.ensemble import Exposure
from vitaal.engine.impact_kernel import travel_share
from vitaal.model import (
    Component,
    CriticalFunction,
    Model,
    ModelInfo,
    Quantity,
    Requirement,
    Resource,
    Role,
    ServiceArea,
    Store,
    Subsystem,
    SupplyLink,
    System,
)

__all__ = [
    "RESOURCES",
    "SYSTEMS",
    "SyntheticCity",
    "SyntheticGrowth",
    "synthetic_city",
    "synthetic_growth",
]

#: Resources of the synthetic city: (id, name, unit).
RESOURCES = (
    ("electricity", "Electricity", "MW"),
    ("drinking_water", "Drinking water", "m3/h"),
    ("data", "Data", "Mbit/s"),  # the unit of the demand norms for data
)
EL, WATER, DATA = 0, 1, 2

#: Systems, and per subsystem (id, system index).
SYSTEMS = ("electricity", "drinking_water", "telecom")
_SUBSYSTEMS = (
    ("el-transmission", 0),
    ("el-distribution", 0),
    ("dw-production", 1),
    ("dw-distribution", 1),
    ("tc-core", 2),
    ("tc-access", 2),
)
# kinds: (id prefix, kind, subsystem index, flood threshold m (nan: none), heat threshold degC)
_KINDS = (
    ("e-imp", "grid_import", 0, 0.5, np.nan),
    ("e-hv", "hv_substation", 0, 0.3, np.nan),
    ("e-mv", "mv_substation", 1, 0.3, np.nan),
    ("e-fd", "mv_feeder", 1, np.nan, 44.0),
    ("e-lv", "lv_transformer", 1, 0.2, 39.0),
    ("w-tp", "treatment_plant", 2, 0.5, np.nan),
    ("w-res", "reservoir", 2, 1.0, np.nan),
    ("w-ps", "pumping_station", 3, 0.4, np.nan),
    ("w-tm", "trunk_main", 3, np.nan, np.nan),
    ("w-dm", "distribution_main", 3, np.nan, np.nan),
    ("t-core", "core_site", 4, 0.3, 42.0),
    ("t-agg", "aggregation_router", 5, 0.3, 40.0),
    ("t-ax", "access_site", 5, 0.5, 38.0),
)
_CF_CATEGORIES = ("acute_care", "emergency_response", "crisis_management", "care_home")
#: NEN 2767 condition scores 1 (excellent) to 6 (very poor) and their shares.
_CONDITION_SHARE = (0.15, 0.30, 0.30, 0.15, 0.07, 0.03)


@dataclass(frozen=True, eq=False)
class SyntheticCity:
    """A generated city as record arrays (nodes: components, then areas, then critical
    functions). Build the engine's arrays with :meth:`compile`, records with
    :meth:`to_model`."""

    seed: int
    node_ids: tuple[str, ...]
    node_kind: NDArray[np.int8]
    #: per component: index into the kind table (``kind_names``)
    comp_kind: NDArray[np.int64]
    kind_names: tuple[str, ...]
    #: per component: system index into :data:`SYSTEMS`
    comp_system: NDArray[np.int64]
    comp_subsystem: NDArray[np.int64]
    #: per node: position (m), components' ground level (m above the city's datum)
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    ground_m: NDArray[np.float64]
    flood_threshold_m: NDArray[np.float64]
    heat_threshold_c: NDArray[np.float64]
    condition: NDArray[np.int64]
    replacement_cost_eur: NDArray[np.float64]
    #: per area: population and jobs; per critical function: its category
    population: NDArray[np.int64]
    jobs: NDArray[np.int64]
    cf_category: tuple[str, ...]
    link_supplier: NDArray[np.int64]
    link_consumer: NDArray[np.int64]
    link_resource: NDArray[np.int64]
    link_backup: NDArray[np.bool_]
    req_node: NDArray[np.int64]
    req_resource: NDArray[np.int64]
    req_k: NDArray[np.int64]
    req_buffer_h: NDArray[np.float64]
    store_node: NDArray[np.int64]
    store_resource: NDArray[np.int64]
    store_autonomy_h: NDArray[np.float64]
    side_m: float
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def n_components(self) -> int:
        return int(self.comp_kind.shape[0])

    @property
    def n_areas(self) -> int:
        return int(self.population.shape[0])

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    def compile(self, capacity: NDArray[np.float64] | None = None) -> CompiledModel:
        """The compiled model, built from the arrays (no records); ``capacity``
        ``(n_nodes, n_resources)`` as :attr:`SyntheticGrowth.capacity` (default: none)."""
        return compile_arrays(
            self.node_ids,
            self.node_kind,
            tuple(r[0] for r in RESOURCES),
            link_supplier=self.link_supplier,
            link_consumer=self.link_consumer,
            link_resource=self.link_resource,
            link_backup=self.link_backup,
            req_node=self.req_node,
            req_resource=self.req_resource,
            req_k=self.req_k,
            req_buffer_h=self.req_buffer_h,
            store_node=self.store_node,
            store_resource=self.store_resource,
            store_autonomy_h=self.store_autonomy_h,
            capacity=capacity,
        )

    def impact_table(self, compiled: CompiledModel) -> ImpactTable:
        """What impact is measured with (thresholds of ``vitaal/data/impact.yaml``), as
        :func:`~vitaal.engine.criticality.impact_table` reads it from :meth:`to_model`."""
        spec = load_data("impact")
        crit = spec["criteria"]
        n, nc, na = self.n_nodes, self.n_components, self.n_areas
        population = np.zeros(n, dtype=np.int64)
        jobs = np.zeros(n, dtype=np.int64)
        population[nc : nc + na] = self.population
        jobs[nc : nc + na] = self.jobs
        floors = crit["critical_functions"].get("category_floor", {})
        cf_floor = np.zeros(n, dtype=np.int64)
        for j, cat in enumerate(self.cf_category):
            if cat in floors:
                cf_floor[nc + na + j] = CLASSES.index(str(floors[cat]))
        node_system = np.full(n, -1, dtype=np.int64)
        node_system[:nc] = self.comp_system
        cost = np.zeros(n)
        cost[:nc] = self.replacement_cost_eur
        hindrance = set(spec.get("hindrance_services", ()))
        return ImpactTable(
            population=population,
            jobs=jobs,
            cf_floor=cf_floor,
            node_system=node_system,
            system_ids=SYSTEMS,
            replacement_cost_eur=cost,
            hindrance=np.asarray([r in hindrance for r in compiled.resource_ids]),
            min_outage_h=float(spec.get("min_outage_h", 1.0)),
            value_per_job_hour_eur=float(spec["value_added_per_job_hour_eur"]),
            bounds=_bounds(crit),
            has_hindrance="hindrance_hours" in crit,
            travel_share=travel_share(spec),
        )

    def exposure(self) -> Exposure:
        """Positions, ground levels, thresholds and conditions, for sampling hazards."""
        n, nc = self.n_nodes, self.n_components
        pad = n - nc
        return Exposure(
            x=self.x,
            y=self.y,
            ground_m=np.concatenate([self.ground_m[:nc], np.zeros(pad)]),
            flood_threshold_m=np.concatenate([self.flood_threshold_m, np.full(pad, np.nan)]),
            heat_threshold_c=np.concatenate([self.heat_threshold_c, np.full(pad, np.nan)]),
            condition=np.concatenate([self.condition, np.zeros(pad, dtype=np.int64)]),
            exposed=np.arange(n) < nc,
        )

    def to_model(self) -> Model:
        """The city as model records (for small sizes: a few seconds per 10^5 records)."""
        res_ids = [r[0] for r in RESOURCES]
        nc, na = self.n_components, self.n_areas
        ids = self.node_ids
        comps: dict[str, Component] = {}
        for i in range(nc):
            thr: dict[str, Quantity] = {}
            if np.isfinite(self.flood_threshold_m[i]):
                thr["water_depth"] = Quantity(float(self.flood_threshold_m[i]), "m")
            if np.isfinite(self.heat_threshold_c[i]):
                thr["temperature"] = Quantity(float(self.heat_threshold_c[i]), "degC")
            comps[ids[i]] = Component(
                id=ids[i],
                subsystem=_SUBSYSTEMS[int(self.comp_subsystem[i])][0],
                kind=self.kind_names[int(self.comp_kind[i])],
                geometry=f"POINT ({self.x[i]:.1f} {self.y[i]:.1f})",
                condition=int(self.condition[i]),
                replacement_cost_eur=float(self.replacement_cost_eur[i]),
                thresholds=thr,
            )
        areas = {
            ids[nc + j]: ServiceArea(
                id=ids[nc + j],
                name=ids[nc + j],
                population=int(self.population[j]),
                jobs=int(self.jobs[j]),
                geometry=f"POINT ({self.x[nc + j]:.1f} {self.y[nc + j]:.1f})",
            )
            for j in range(na)
        }
        cfs = {
            ids[nc + na + j]: CriticalFunction(
                id=ids[nc + na + j], name=ids[nc + na + j], category=cat
            )
            for j, cat in enumerate(self.cf_category)
        }
        supply = {}
        for s, c, r, b in zip(
            self.link_supplier.tolist(),
            self.link_consumer.tolist(),
            self.link_resource.tolist(),
            self.link_backup.tolist(),
            strict=True,
        ):
            key = f"{ids[s]}>{ids[c]}|{res_ids[r]}"
            supply[key] = SupplyLink(
                supplier=ids[s],
                consumer=ids[c],
                resource=res_ids[r],
                role=Role.BACKUP if b else Role.PRIMARY,
            )
        reqs = {
            f"{ids[v]}|{res_ids[r]}": Requirement(
                consumer=ids[v], resource=res_ids[r], buffer_h=b, k=k
            )
            for v, r, k, b in zip(
                self.req_node.tolist(),
                self.req_resource.tolist(),
                self.req_k.tolist(),
                self.req_buffer_h.tolist(),
                strict=True,
            )
        }
        stores = {
            f"{ids[v]}|{res_ids[r]}": Store(component=ids[v], resource=res_ids[r], autonomy_h=a)
            for v, r, a in zip(
                self.store_node.tolist(),
                self.store_resource.tolist(),
                self.store_autonomy_h.tolist(),
                strict=True,
            )
        }
        return Model(
            info=ModelInfo(name=f"synthetic-{nc}-{self.seed}"),
            resources={r: Resource(id=r, name=n, unit=u) for r, n, u in RESOURCES},
            systems={s: System(id=s, name=s, owner=f"{s}-operator") for s in SYSTEMS},
            subsystems={
                sid: Subsystem(id=sid, system=SYSTEMS[si], name=sid) for sid, si in _SUBSYSTEMS
            },
            components=comps,
            areas=areas,
            critical_functions=cfs,
            requirements=reqs,
            supply=supply,
            stores=stores,
        )


class _Builder:
    """Collects levels of components and the links, requirements and stores among them."""

    def __init__(self, rng: np.random.Generator, side: float) -> None:
        self.rng = rng
        self.side = side
        self.kind: list[NDArray[np.int64]] = []
        self.xy: list[NDArray[np.float64]] = []
        self.n = 0
        self.links: list[tuple[NDArray[np.int64], NDArray[np.int64], int, NDArray[np.bool_]]] = []
        self.reqs: list[tuple[NDArray[np.int64], int, NDArray[np.int64], NDArray[np.float64]]] = []
        self.stores: list[tuple[NDArray[np.int64], int, NDArray[np.float64]]] = []

    def level(self, kind: int, count: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """``count`` components of ``kind`` at uniform random positions, numbered along a
        space-filling curve (as asset registers tend to be, by district and street)."""
        xy = self.rng.uniform(0.0, self.side, size=(count, 2))
        xy = xy[np.argsort(_morton(xy, self.side), kind="stable")]
        idx = np.arange(self.n, self.n + count, dtype=np.int64)
        self.n += count
        self.kind.append(np.full(count, kind, dtype=np.int64))
        self.xy.append(xy)
        return idx, xy

    def feed(
        self,
        parents: tuple[NDArray[np.int64], NDArray[np.float64]],
        children: tuple[NDArray[np.int64], NDArray[np.float64]],
        res: int,
        *,
        n_near: int = 1,
        backup_share: float = 0.0,
        buffer_h: float | NDArray[np.float64] = 0.0,
    ) -> None:
        """Each child takes ``res`` from its ``n_near`` nearest parents (primary, k=1) and, for
        ``backup_share`` of the children, a backup from the next nearest."""
        p_idx, p_xy = parents
        c_idx, c_xy = children
        want = min(len(p_idx), n_near + (1 if backup_share > 0 else 0))
        _, near = cKDTree(p_xy).query(c_xy, k=want)
        near = near.reshape(len(c_idx), want)
        prim = min(n_near, want)
        sups = [near[:, j] for j in range(prim)]
        cons = [c_idx] * prim
        back = [np.zeros(len(c_idx), dtype=np.bool_)] * prim
        if backup_share > 0 and want > prim:
            pick = self.rng.random(len(c_idx)) < backup_share
            sups.append(near[pick, prim])
            cons.append(c_idx[pick])
            back.append(np.ones(int(pick.sum()), dtype=np.bool_))
        sup = p_idx[np.concatenate(sups)]
        con = np.concatenate(cons)
        bk = np.concatenate(back)
        # interleave by child so that a child's links are together, as records would be
        order = np.argsort(con, kind="stable")
        self.links.append((sup[order], con[order], res, bk[order]))
        buf = np.broadcast_to(np.asarray(buffer_h, dtype=np.float64), c_idx.shape).copy()
        self.reqs.append((c_idx, res, np.ones(len(c_idx), dtype=np.int64), buf))


def _morton(xy: NDArray[np.float64], side: float) -> NDArray[np.int64]:
    """Z-order (Morton) codes of points on a 2^16 grid."""
    cells = np.clip((xy / side * 65535.0).astype(np.int64), 0, 65535)
    code = np.zeros(len(xy), dtype=np.int64)
    for bit in range(16):
        code |= ((cells[:, 0] >> bit) & 1) << (2 * bit)
        code |= ((cells[:, 1] >> bit) & 1) << (2 * bit + 1)
    return code


def _share(n: int, frac: float, least: int) -> int:
    return max(least, round(n * frac))


def synthetic_city(n_components: int, seed: int = 0) -> SyntheticCity:
    """Generate a city of about ``n_components`` components (deterministic by ``seed``).

    Parameters
    ----------
    n_components
        Number of components, at least 200; areas (one per 50 components) and critical
        functions (one per 2,000) come on top.
    seed
        Seed of the random generator: the same seed gives the same city.

    Returns
    -------
    SyntheticCity

    Complexity: O(N log N) (nearest-neighbour queries on k-d trees).

    Examples
    --------
    >>> city = synthetic_city(1000, seed=1)
    >>> city.n_components, city.n_areas
    (1000, 20)
    """
    if n_components < 200:
        raise ValueError("a synthetic city needs at least 200 components")
    rng = np.random.default_rng(seed)
    n = n_components
    side = 30.0 * float(np.sqrt(n))  # about 1,100 components per km2
    b = _Builder(rng, side)
    n_el, n_w = round(0.55 * n), round(0.25 * n)
    n_t = n - n_el - n_w

    imp = b.level(0, _share(n_el, 0.0005, 2))
    hv = b.level(1, _share(n_el, 0.004, 3))
    mv = b.level(2, _share(n_el, 0.03, 6))
    fd = b.level(3, _share(n_el, 0.15, 20))
    lv = b.level(4, n_el - len(imp[0]) - len(hv[0]) - len(mv[0]) - len(fd[0]))
    tp = b.level(5, _share(n_w, 0.0008, 2))
    rs = b.level(6, _share(n_w, 0.002, 3))
    ps = b.level(7, _share(n_w, 0.01, 4))
    tm = b.level(8, _share(n_w, 0.1, 10))
    dm = b.level(9, n_w - len(tp[0]) - len(rs[0]) - len(ps[0]) - len(tm[0]))
    core = b.level(10, _share(n_t, 0.002, 2))
    agg = b.level(11, _share(n_t, 0.05, 4))
    ax = b.level(12, n_t - len(core[0]) - len(agg[0]))

    b.feed(imp, hv, EL, n_near=2)
    b.feed(hv, mv, EL, backup_share=1.0)
    b.feed(mv, fd, EL, backup_share=0.33)
    b.feed(fd, lv, EL)
    b.feed(mv, tp, EL, buffer_h=12.0)
    b.feed(tp, rs, WATER, n_near=2)
    b.feed(rs, ps, WATER, backup_share=1.0)
    b.feed(fd, ps, EL, buffer_h=rng.choice([0.0, 2.0], size=len(ps[0]), p=[0.7, 0.3]))
    b.feed(ps, tm, WATER, n_near=2)
    b.feed(tm, dm, WATER, backup_share=0.33)
    b.feed(mv, core, EL, buffer_h=8.0)
    b.feed(core, agg, DATA, n_near=2)
    b.feed(fd, agg, EL, buffer_h=4.0)
    b.feed(agg, ax, DATA, backup_share=0.2)
    b.feed(lv, ax, EL, buffer_h=rng.choice([0.0, 2.0], size=len(ax[0])))
    b.feed(agg, hv, DATA, buffer_h=24.0)
    b.feed(agg, ps, DATA, buffer_h=12.0)
    towers = tm[0][rng.random(len(tm[0])) < 0.05]
    b.stores.append((rs[0], WATER, np.full(len(rs[0]), 12.0)))
    b.stores.append((towers, WATER, np.full(len(towers), 4.0)))

    # -- consumers ------------------------------------------------------------------------
    nc = b.n
    n_area = max(4, n // 50)
    area_xy = rng.uniform(0.0, side, size=(n_area, 2))
    area_xy = area_xy[np.argsort(_morton(area_xy, side), kind="stable")]
    area_idx = np.arange(nc, nc + n_area, dtype=np.int64)
    n_cf = max(1, n // 2000)
    cf_xy = rng.uniform(0.0, side, size=(n_cf, 2))
    cf_idx = np.arange(nc + n_area, nc + n_area + n_cf, dtype=np.int64)
    tree = cKDTree(area_xy)
    for src, res, buf in ((lv, EL, 0.0), (dm, WATER, 0.0), (ax, DATA, 1.0)):
        # every supplier serves the area it lies in (nearest centre); an area with none
        # takes its nearest supplier
        _, home = tree.query(src[1], k=1)
        _, nearest = cKDTree(src[1]).query(area_xy, k=1)
        sup = np.concatenate([src[0], src[0][nearest]])
        con = np.concatenate([area_idx[home], area_idx])
        n_all = nc + n_area + n_cf
        key = np.unique(con * n_all + sup)
        con_u, sup_u = key // n_all, key % n_all
        b.links.append((sup_u, con_u, res, np.zeros(len(sup_u), dtype=np.bool_)))
        n_sup = np.bincount(con_u - nc, minlength=n_area)
        need = n_sup // 2 + 1 if res != DATA else np.ones(n_area, dtype=np.int64)
        b.reqs.append((area_idx, res, need.astype(np.int64), np.full(n_area, buf)))
    b.feed(fd, (cf_idx, cf_xy), EL, n_near=2, buffer_h=24.0)
    b.feed(dm, (cf_idx, cf_xy), WATER, buffer_h=12.0)
    b.feed(ax, (cf_idx, cf_xy), DATA, n_near=2, buffer_h=8.0)

    # -- arrays ---------------------------------------------------------------------------
    kind = np.concatenate(b.kind)
    xy = np.concatenate([*b.xy, area_xy, cf_xy])
    # ground level: a smooth field (a low polder in one corner, a ridge along another side)
    gx, gy = xy[:, 0] / side, xy[:, 1] / side
    ground = 2.0 * gx + 1.0 * np.sin(3.0 * gy) + 0.3 * rng.standard_normal(len(gx))
    kinds = np.asarray([k[2] for k in _KINDS], dtype=np.int64)
    flood = np.asarray([k[3] for k in _KINDS])[kind]
    heat = np.asarray([k[4] for k in _KINDS])[kind]
    cond = rng.choice(np.arange(1, 7), size=nc, p=_CONDITION_SHARE).astype(np.int64)
    cost = np.asarray([5e7, 2e7, 3e6, 2e5, 5e4, 4e7, 1e7, 2e6, 3e5, 5e4, 5e6, 5e5, 5e4])[kind]
    population = rng.lognormal(np.log(300.0), 0.5, size=n_area).astype(np.int64)
    jobs = (population * rng.uniform(0.2, 0.8, size=n_area)).astype(np.int64)
    prefix = np.asarray([k[0] for k in _KINDS])
    # each kind is one level, numbered from 0
    first = np.searchsorted(kind, np.arange(len(_KINDS)))
    node_ids = tuple(
        [f"{prefix[k]}-{i - first[k]}" for i, k in enumerate(kind.tolist())]
        + [f"area-{j}" for j in range(n_area)]
        + [f"cf-{j}" for j in range(n_cf)]
    )
    node_kind = np.concatenate(
        [
            np.full(nc, NodeKind.COMPONENT, dtype=np.int8),
            np.full(n_area, NodeKind.AREA, dtype=np.int8),
            np.full(n_cf, NodeKind.CRITICAL_FUNCTION, dtype=np.int8),
        ]
    )
    sup = np.concatenate([lk[0] for lk in b.links])
    con = np.concatenate([lk[1] for lk in b.links])
    l_res = np.concatenate([np.full(len(lk[0]), lk[2], dtype=np.int64) for lk in b.links])
    bk = np.concatenate([lk[3] for lk in b.links])
    # one link per (supplier, consumer, resource), the first kept (model keys are unique)
    n_all = len(node_ids)
    lkey = (sup * n_all + con) * len(RESOURCES) + l_res
    _, first = np.unique(lkey, return_index=True)
    keep = np.sort(first)
    sup, con, l_res, bk = sup[keep], con[keep], l_res[keep], bk[keep]
    q_node = np.concatenate([q[0] for q in b.reqs])
    q_res = np.concatenate([np.full(len(q[0]), q[1], dtype=np.int64) for q in b.reqs])
    q_k = np.concatenate([q[2] for q in b.reqs])
    q_buf = np.concatenate([q[3] for q in b.reqs])
    # k may not exceed the suppliers left after de-duplication (a level with few parents)
    n_in = np.bincount(con * len(RESOURCES) + l_res, minlength=n_all * len(RESOURCES))
    q_k = np.minimum(q_k, n_in[q_node * len(RESOURCES) + q_res])
    s_node = np.concatenate([s[0] for s in b.stores])
    s_res = np.concatenate([np.full(len(s[0]), s[1], dtype=np.int64) for s in b.stores])
    s_aut = np.concatenate([s[2] for s in b.stores])
    return SyntheticCity(
        seed=seed,
        node_ids=node_ids,
        node_kind=node_kind,
        comp_kind=kind,
        kind_names=tuple(k[1] for k in _KINDS),
        comp_system=np.asarray([_SUBSYSTEMS[s][1] for s in kinds.tolist()])[kind],
        comp_subsystem=kinds[kind],
        x=xy[:, 0].copy(),
        y=xy[:, 1].copy(),
        ground_m=ground,
        flood_threshold_m=flood,
        heat_threshold_c=heat,
        condition=cond,
        replacement_cost_eur=cost,
        population=population,
        jobs=jobs,
        cf_category=tuple(_CF_CATEGORIES[j % len(_CF_CATEGORIES)] for j in range(n_cf)),
        link_supplier=sup,
        link_consumer=con,
        link_resource=l_res,
        link_backup=bk,
        req_node=q_node,
        req_resource=q_res,
        req_k=q_k,
        req_buffer_h=q_buf,
        store_node=s_node,
        store_resource=s_res,
        store_autonomy_h=s_aut,
        side_m=side,
    )


# -- demand and capacities for the capacity projection ---------------------------------------
#: Base-year peak demand per home, resident and job: electricity (MW), drinking water
#: (m3/h), data (busy-hour Mbit/s, in the unit ``service``). The figures of
#: ``vitaal/data/demand_norms.yaml`` (1.5 kW per home, 0.5 kW per job, 0.0133 m3/h per
#: person, 0.006 m3/h per job, 4 and 1 Mbit/s).
_PER_HOME = (1.5e-3, 0.0, 4.0)
_PER_PERSON = (0.0, 0.0133, 0.0)
_PER_JOB = (0.5e-3, 0.006, 1.0)
_PERSONS_PER_HOME = 2.13
#: Per critical-function category (order of ``_CF_CATEGORIES``): demand per resource.
_CF_DEMAND = ((2.0, 20.0, 400.0), (0.3, 2.0, 200.0), (0.2, 1.0, 200.0), (0.2, 3.0, 50.0))
#: Own power draw (MW) of components by kind index (plants, pumps and telecom sites).
_OWN_POWER = {5: 1.5, 7: 0.15, 10: 0.05, 11: 0.005, 12: 0.001}
#: Yearly growth per resource: the city-wide rate, the spread between areas, and the extra
#: rate of development areas (a share ``_DEV_SHARE`` of the areas).
_GROWTH = ((0.02, 0.01, 0.04), (0.004, 0.002, 0.02), (0.03, 0.01, 0.03))
_DEV_SHARE = 0.1


@dataclass(frozen=True, eq=False)
class SyntheticGrowth:
    """Demand per year and capacities of a :class:`SyntheticCity`, as the arguments of
    :func:`~vitaal.engine.capacity_arrays.project_loads`.

    Attributes
    ----------
    years
        ``(Y,)`` the base year to the last year.
    demand_node, demand_resource, demand
        ``(M,)``, ``(M,)`` and ``(M, Y)``: own demand of each (node, resource) entry per
        year in the resource's unit (areas and critical functions, and the own power draw of
        components).
    measured
        ``(n_nodes, n_resources)`` measured base-year peaks of some components, NaN elsewhere.
    capacity
        ``(n_nodes, n_resources)`` capacity of every component for the resource it supplies,
        NaN elsewhere.
    """

    years: NDArray[np.int64]
    demand_node: NDArray[np.int64]
    demand_resource: NDArray[np.int64]
    demand: NDArray[np.float64]
    measured: NDArray[np.float64]
    capacity: NDArray[np.float64]

    def project(self, compiled: CompiledModel) -> LoadProjection:
        """Loads and utilisation of every year, on the city compiled by
        :meth:`SyntheticCity.compile`."""
        return project_loads(
            compiled,
            self.demand_node,
            self.demand_resource,
            self.demand,
            self.years,
            base_index=0,
            measured=self.measured,
            capacity=self.capacity,
        )


def synthetic_growth(
    city: SyntheticCity,
    compiled: CompiledModel | None = None,
    *,
    base_year: int = 2026,
    year_to: int = 2050,
    measured_share: float = 0.1,
    seed: int = 0,
) -> SyntheticGrowth:
    """Demand from ``base_year`` to ``year_to`` and capacities for ``city``, deterministic by
    the city's seed and ``seed``.

    Each service area's base-year demand follows its population and jobs (homes are
    population / 2.13) at the figures of the packaged demand norms; critical functions draw
    a fixed amount by category. Demand grows yearly at a rate per area and resource (the
    city-wide rate plus a normal spread; a tenth of the areas are development areas with
    faster growth), compounded. Treatment plants, pumping stations and telecom sites draw
    power of their own, the same every year. A share ``measured_share`` of the supplying
    components gets a measured base-year peak of 0.85-1.25 times its computed base-year
    load. Every supplying component gets a capacity of its calibrated base-year load times
    a headroom of 1.2 plus a gamma(2, 0.5) draw (mean 2.2): none is full in the base year,
    and the fast-growing ones with little headroom run out before ``year_to``.

    Complexity: O(N R + K + E) besides drawing: two compiled base-year projections (before
    and after calibration) size the measurements and capacities.

    Examples
    --------
    >>> city = synthetic_city(1000, seed=1)
    >>> growth = synthetic_growth(city)
    >>> growth.years[[0, -1]].tolist(), growth.demand.shape[1]
    ([2026, 2050], 25)
    """
    if year_to < base_year:
        raise ValueError(f"year_to {year_to} lies before the base year {base_year}")
    rng = np.random.default_rng((city.seed, seed, 2050))
    cm = compiled if compiled is not None else city.compile()
    nc, na, n = city.n_components, city.n_areas, city.n_nodes
    n_res = len(RESOURCES)
    years = np.arange(base_year, year_to + 1, dtype=np.int64)
    age = (years - base_year).astype(np.float64)

    # -- consumers: base-year demand and a compound growth path -------------------------------
    pop = city.population.astype(np.float64)
    jobs = city.jobs.astype(np.float64)
    homes = pop / _PERSONS_PER_HOME
    area_base = np.stack(
        [homes * _PER_HOME[r] + pop * _PER_PERSON[r] + jobs * _PER_JOB[r] for r in range(n_res)],
        axis=1,
    )  # (A, R)
    dev = rng.random(na) < _DEV_SHARE
    rate = np.stack(
        [
            _GROWTH[r][0] + _GROWTH[r][1] * rng.standard_normal(na) + dev * _GROWTH[r][2]
            for r in range(n_res)
        ],
        axis=1,
    )  # (A, R)
    area_dem = area_base[:, :, None] * (1.0 + rate[:, :, None]) ** age  # (A, R, Y)
    cat = np.asarray([_CF_CATEGORIES.index(c) for c in city.cf_category], dtype=np.int64)
    n_cf = cat.shape[0]
    cf_dem = np.broadcast_to(
        np.asarray(_CF_DEMAND, dtype=np.float64)[cat][:, :, None], (n_cf, n_res, years.size)
    )
    cons_node = np.repeat(np.arange(nc, n, dtype=np.int64), n_res)
    cons_res = np.tile(np.arange(n_res, dtype=np.int64), na + n_cf)
    cons_dem = np.concatenate([area_dem, cf_dem]).reshape(-1, years.size)

    # -- components' own power draw --------------------------------------------------------
    draw = np.zeros(len(_KINDS))
    for kind, mw in _OWN_POWER.items():
        draw[kind] = mw
    comp_draw = draw[city.comp_kind]
    own_nodes = np.flatnonzero(comp_draw > 0).astype(np.int64)
    d_node = np.concatenate([own_nodes, cons_node])
    d_res = np.concatenate([np.full(own_nodes.size, EL, dtype=np.int64), cons_res])
    d_val = np.concatenate([np.repeat(comp_draw[own_nodes][:, None], years.size, axis=1), cons_dem])

    # -- measured peaks and capacities, from the base-year loads ------------------------------
    base = project_loads(cm, d_node, d_res, d_val[:, :1], years[:1])
    supplying = base.supplies & (base.row_node < nc) & (base.load[:, 0] > 0)
    rows = np.flatnonzero(supplying)
    is_measured = rng.random(rows.size) < measured_share
    factor = rng.uniform(0.85, 1.25, size=rows.size)
    headroom = 1.2 + rng.gamma(2.0, 0.5, size=rows.size)
    measured = np.full((n, n_res), np.nan)
    rn, rr = base.row_node[rows], base.row_resource[rows]
    measured[rn[is_measured], rr[is_measured]] = (base.load[rows, 0] * factor)[is_measured]
    # capacities on the calibrated base-year loads (a measured gap flows up to suppliers)
    calibrated = project_loads(cm, d_node, d_res, d_val[:, :1], years[:1], measured=measured)
    capacity = np.full((n, n_res), np.nan)
    capacity[rn, rr] = calibrated.load[rows, 0] * headroom
    return SyntheticGrowth(
        years=years,
        demand_node=d_node,
        demand_resource=d_res,
        demand=np.ascontiguousarray(d_val),
        measured=measured,
        capacity=capacity,
    )
