"""The hazard overlay and common-cause couplings: a scenario's initial failures.

A :class:`~vitaal.model.Hazard` gives components an intensity (water depth, wind speed ...)
from polygons, per-component values and a GeoTIFF raster; a component fails at the hazard's
``time_h`` when its intensity reaches (``>=``) its threshold for that hazard type. Couplings of
kind ``co_location``, ``same_structure`` and ``flood_zone`` then take other members along. The
rules are stated in ``docs/engine.md``, "Hazard overlay".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import NDArray

from vitaal.catalog import data_mapping
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.compile import CompiledModel
from vitaal.errors import ModelError, Problem, ScenarioError
from vitaal.model import CouplingKind, EventKind, Hazard, Model, Scenario
from vitaal.model.units import UnitError, dimension_of

__all__ = [
    "common_cause_failures",
    "component_geometries",
    "hazard_failures",
    "hazard_intensity",
    "initial_failures",
]

#: Coupling kinds whose members fail together when an event or hazard takes out one of them.
SHARED_FATE = frozenset({CouplingKind.CO_LOCATION, CouplingKind.SAME_STRUCTURE})
#: The hazard type that floods a whole ``flood_zone`` coupling.
FLOOD_HAZARD = "water_depth"


def component_geometries(model: Model) -> tuple[tuple[str, ...], NDArray[np.object_]]:
    """Component ids (model order) and their shapely geometries (``None`` where not given).

    Raises :class:`~vitaal.errors.ModelError` listing every geometry that is not valid WKT.
    O(C) for C components.
    """
    ids = tuple(model.components)
    wkt = np.array([model.components[c].geometry for c in ids], dtype=object)
    geoms = np.asarray(shapely.from_wkt(wkt, on_invalid="ignore"), dtype=object)
    problems = [
        Problem(
            model.components[c].loc,
            "geometry",
            repr(model.components[c].geometry),
            "WKT text",
            record=c,
        )
        for c, w, g in zip(ids, wkt.tolist(), geoms.tolist(), strict=True)
        if w is not None and g is None
    ]
    if problems:
        raise ModelError(problems, f"{len(problems)} component geometry(ies) cannot be read")
    return ids, geoms


def _check_hazard(hazard: Hazard) -> None:
    spec = data_mapping("hazards", "hazards").get(hazard.type)
    if spec is None:
        known = ", ".join(data_mapping("hazards", "hazards"))
        raise ScenarioError(f"unknown hazard type {hazard.type!r}; known: {known}")
    try:
        same = dimension_of(hazard.unit) == dimension_of(str(spec["unit"]))
    except UnitError as exc:
        raise ScenarioError(f"hazard {hazard.type!r}: {exc}") from exc
    if not same:
        raise ScenarioError(
            f"hazard {hazard.type!r} is given in {hazard.unit!r}, which does not measure "
            f"{spec['en']} (unit {spec['unit']})"
        )
    if not (math.isfinite(hazard.time_h) and hazard.time_h >= 0):
        raise ScenarioError(f"hazard {hazard.type!r}: time_h {hazard.time_h!r} is not >= 0")


def _area_intensity(hazard: Hazard, geoms: NDArray[np.object_], out: NDArray[np.float64]) -> None:
    polys = np.asarray(shapely.from_wkt([a.geometry for a in hazard.areas], on_invalid="ignore"))
    bad = [a.geometry for a, g in zip(hazard.areas, polys.tolist(), strict=True) if g is None]
    if bad:
        raise ScenarioError(f"hazard {hazard.type!r}: area geometry is not WKT: {bad[0]!r}")
    values = np.asarray([a.value for a in hazard.areas], dtype=np.float64)
    present = np.flatnonzero(~shapely.is_missing(geoms))
    if present.size == 0:
        return
    tree = shapely.STRtree(geoms[present])
    # one vectorised query: pairs (area, component) whose geometries intersect
    area_i, comp_j = tree.query(polys, predicate="intersects")
    np.fmax.at(out, present[comp_j], values[area_i])


def _raster_intensity(
    hazard: Hazard,
    geoms: NDArray[np.object_],
    out: NDArray[np.float64],
    root: Path | None,
    model_crs: str,
) -> None:
    import rasterio  # only needed for raster hazards

    if hazard.raster is None:
        return
    if root is None:
        raise ScenarioError(
            f"hazard {hazard.type!r} names raster {hazard.raster!r}, but no model folder was "
            "given to find it in"
        )
    path = Path(root) / hazard.raster
    if not path.is_file():
        raise ScenarioError(f"hazard {hazard.type!r}: raster {str(path)!r} does not exist")
    present = np.flatnonzero(~shapely.is_missing(geoms))
    if present.size == 0:
        return
    try:
        with rasterio.open(path) as ds:
            band = ds.read(1, masked=True)
            transform = ds.transform
            raster_crs = ds.crs
            step = min(abs(ds.res[0]), abs(ds.res[1]))
    except rasterio.errors.RasterioError as exc:
        raise ScenarioError(f"hazard {hazard.type!r}: cannot read {str(path)!r}: {exc}") from exc
    sub = geoms[present]
    is_point = shapely.get_type_id(sub) == 0
    dense = sub.copy()
    # lines and polygons: densify to the pixel size so that every pixel they cross is
    # sampled, and add a point inside polygons (their interior is not on a vertex)
    if np.any(~is_point):
        dense[~is_point] = shapely.segmentize(sub[~is_point], step)
    coords, owner = shapely.get_coordinates(dense, return_index=True)
    is_area = np.isin(shapely.get_type_id(sub), (3, 6))
    if np.any(is_area):
        inner = shapely.get_coordinates(shapely.point_on_surface(sub[is_area]))
        coords = np.vstack([coords, inner])
        owner = np.concatenate([owner, np.flatnonzero(is_area)])
    xs, ys = coords[:, 0], coords[:, 1]
    if raster_crs is not None and raster_crs.to_string() != model_crs:
        from pyproj import Transformer

        tr = Transformer.from_crs(model_crs, raster_crs.to_wkt(), always_xy=True)
        xs, ys = tr.transform(xs, ys)
    # world -> pixel by the inverse affine transform, written out (vectorised, and free of
    # the operator that affine is deprecating)
    inv = ~transform
    xa, ya = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    cols = np.floor(inv.a * xa + inv.b * ya + inv.c).astype(np.int64)
    rows = np.floor(inv.d * xa + inv.e * ya + inv.f).astype(np.int64)
    inside = (rows >= 0) & (rows < band.shape[0]) & (cols >= 0) & (cols < band.shape[1])
    vals = np.full(rows.shape, np.nan)
    data = np.ma.filled(band.astype(np.float64), np.nan)
    vals[inside] = data[rows[inside], cols[inside]]
    ok = ~np.isnan(vals)
    np.fmax.at(out, present[owner[ok]], vals[ok])


def hazard_intensity(
    model: Model,
    hazard: Hazard,
    root: Path | str | None = None,
    *,
    geometries: tuple[tuple[str, ...], NDArray[np.object_]] | None = None,
) -> NDArray[np.float64]:
    """Each component's intensity of ``hazard`` in ``hazard.unit`` (NaN: none), model order.

    The maximum over the hazard's sources: ``values`` by component id; ``areas`` (a component
    whose geometry intersects a polygon, boundary included, gets its value); the ``raster``
    (points: the pixel containing them; lines: every vertex after densifying to the pixel
    size; polygons: the same along their boundary plus a point inside; the maximum of the
    sampled pixels, nodata and outside the raster ignored). A raster in another CRS than the
    model's is sampled at transformed coordinates.

    Complexity: O((C + A) log C + S) for C components, A polygons, S sampled vertices, plus
    reading the raster band.
    """
    _check_hazard(hazard)
    ids, geoms = geometries if geometries is not None else component_geometries(model)
    out = np.full(len(ids), np.nan)
    index = {c: i for i, c in enumerate(ids)}
    unknown = sorted(c for c in hazard.values if c not in index)
    if unknown:
        raise ScenarioError(
            f"hazard {hazard.type!r} gives values for unknown component(s): "
            + ", ".join(map(repr, unknown))
        )
    for cid, value in hazard.values.items():
        out[index[cid]] = np.fmax(out[index[cid]], float(value))
    if hazard.areas:
        _area_intensity(hazard, geoms, out)
    if hazard.raster is not None:
        _raster_intensity(hazard, geoms, out, Path(root) if root else None, model.info.crs)
    return out


def hazard_failures(
    model: Model,
    hazard: Hazard,
    root: Path | str | None = None,
    *,
    geometries: tuple[tuple[str, ...], NDArray[np.object_]] | None = None,
) -> list[InitialFailure]:
    """Components whose intensity reaches (``>=``) their threshold for ``hazard.type``.

    They fail at ``hazard.time_h`` with cause ``HAZARD``. Components without a threshold for
    the hazard type do not fail by it. A threshold in a unit of another dimension raises
    :class:`~vitaal.errors.ModelError`.
    """
    ids, geoms = geometries if geometries is not None else component_geometries(model)
    intensity = hazard_intensity(model, hazard, root, geometries=(ids, geoms))
    out: list[InitialFailure] = []
    problems: list[Problem] = []
    for i, cid in enumerate(ids):
        comp = model.components[cid]
        thr = comp.thresholds.get(hazard.type)
        if thr is None or math.isnan(intensity[i]):
            continue
        try:
            limit = thr.to(hazard.unit)
        except UnitError as exc:
            problems.append(
                Problem(comp.loc, f"thresholds.{hazard.type}", str(thr), str(exc), record=cid)
            )
            continue
        if intensity[i] >= limit:
            out.append(
                InitialFailure(
                    cid,
                    hazard.time_h,
                    CauseCode.HAZARD,
                    detail=(
                        f"{hazard.type} {intensity[i]:g} {hazard.unit} >= threshold "
                        f"{limit:g} {hazard.unit}"
                    ),
                )
            )
    if problems:
        raise ModelError(problems, f"{len(problems)} threshold(s) cannot meet the hazard")
    return out


def common_cause_failures(
    model: Model, failures: Iterable[InitialFailure], flood_hits: Iterable[InitialFailure] = ()
) -> list[InitialFailure]:
    """The members that couplings take along with ``failures``.

    For each coupling of kind ``co_location`` or ``same_structure``: when one of its members
    fails by an event (kind ``failure``) or a hazard, every other member fails at the same
    time (the earliest, when several are hit), cause ``COMMON_CAUSE``, ``trigger`` the member
    hit. For each ``flood_zone`` coupling: the same, triggered only by ``flood_hits``
    (failures by a ``water_depth`` hazard). One step only: a member taken along does not take
    along the members of its other couplings. O(sum of coupling sizes + F).
    """
    first: dict[str, InitialFailure] = {}
    for f in failures:
        earlier = f.target not in first or f.time_h < first[f.target].time_h
        if f.cause in (CauseCode.EVENT, CauseCode.HAZARD) and earlier:
            first[f.target] = f
    flood: dict[str, InitialFailure] = {}
    for f in flood_hits:
        if f.target not in flood or f.time_h < flood[f.target].time_h:
            flood[f.target] = f
    problems: list[Problem] = []
    out: list[InitialFailure] = []
    for cid, cpl in model.couplings.items():
        if cpl.kind in SHARED_FATE:
            hits = first
        elif cpl.kind is CouplingKind.FLOOD_ZONE:
            hits = flood
        else:
            continue
        for m in cpl.members:
            if not model.is_node(m):
                problems.append(
                    Problem(cpl.loc, "members", repr(m), "an existing component id", record=cid)
                )
        hit = [hits[m] for m in cpl.members if m in hits]
        if not hit:
            continue
        src = min(hit, key=lambda f: (f.time_h, f.target))
        for m in cpl.members:
            if m != src.target and model.is_node(m):
                out.append(
                    InitialFailure(
                        m,
                        src.time_h,
                        CauseCode.COMMON_CAUSE,
                        trigger=src.target,
                        detail=f"{cpl.kind.value} {cid}",
                    )
                )
    if problems:
        raise ModelError(problems, f"{len(problems)} coupling member(s) do not exist")
    return out


def initial_failures(
    model: Model,
    scenario: Scenario,
    root: Path | str | None = None,
    *,
    compiled: CompiledModel | None = None,
) -> list[InitialFailure]:
    """Every initial failure of ``scenario``: its events, its hazards and their common causes.

    Events become ``EVENT`` failures (failures and closures alike take the target out for the
    horizon); hazards ``HAZARD`` failures (see :func:`hazard_failures`); couplings add
    ``COMMON_CAUSE`` failures (see :func:`common_cause_failures`; closures take no coupled
    member along: closing a tunnel does not break the cables in it; nor do hazards that only
    stop what reaches its limit, ``damages: false`` in ``vitaal/data/hazards.yaml``: a bridge
    stopped in the heat does not break the fibre over it). ``root`` is the
    model folder that raster paths are relative to; ``compiled``, when given, is the model
    compiled, whose node ids the targets are checked against (else the model's).

    Raises :class:`~vitaal.errors.ScenarioError` listing every event target that is not a
    node and every event time that is not a finite number >= 0.

    Examples
    --------
    >>> from vitaal.model import Component, Event, ModelInfo, Model, Scenario
    >>> m = Model(info=ModelInfo(name="x"),
    ...           components={"a": Component(id="a", subsystem="s", kind="k")})
    >>> [f.target for f in initial_failures(m, Scenario(id="s", name="s",
    ...                                                 events=(Event(target="a"),)))]
    ['a']
    """
    bad: list[str] = []
    events: list[InitialFailure] = []

    def is_node(nid: str) -> bool:
        return nid in compiled.node_index if compiled is not None else model.is_node(nid)

    for ev in scenario.events:
        if not is_node(ev.target):
            bad.append(f"unknown target {ev.target!r}")
        elif not (math.isfinite(ev.time_h) and ev.time_h >= 0):
            bad.append(f"{ev.target!r} at time {ev.time_h!r} (expected hours >= 0)")
        else:
            events.append(
                InitialFailure(ev.target, float(ev.time_h), CauseCode.EVENT, detail=ev.kind.value)
            )
    if bad:
        raise ScenarioError(f"scenario {scenario.id!r}: " + "; ".join(bad))
    hazard_hits: list[InitialFailure] = []
    damaging: list[InitialFailure] = []
    flood_hits: list[InitialFailure] = []
    if scenario.hazards:
        geometries = component_geometries(model)
        spec = data_mapping("hazards", "hazards")
        for hz in scenario.hazards:
            hits = hazard_failures(model, hz, root, geometries=geometries)
            hazard_hits += hits
            # a hazard that only stops what reaches its limit takes no coupled member along
            if bool((spec.get(hz.type) or {}).get("damages", True)):
                damaging += hits
            if hz.type == FLOOD_HAZARD:
                flood_hits += hits
    physical = [
        f for f, ev in zip(events, scenario.events, strict=True) if ev.kind is EventKind.FAILURE
    ]
    common = common_cause_failures(model, physical + damaging, flood_hits)
    result: Sequence[InitialFailure] = events + hazard_hits + common
    return list(result)
