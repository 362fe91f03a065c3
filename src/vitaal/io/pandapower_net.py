"""Import a pandapower network as an electricity subsystem.

Every in-service bus, line, two- and three-winding transformer, switch, external grid and
load becomes a component; branches join their buses with supply links in both directions, so
that a bus receives electricity exactly when pandapower's topology
(:func:`pandapower.topology.unsupplied_buses`) counts it as supplied. The rules, and what is
reported as not mapped, are in ``docs/networks.md``.

Examples
--------
>>> imp = import_pandapower("pandapower:mv_oberrhein", prefix="mv")   # doctest: +SKIP
>>> imp.ids[("line", 12)]                                              # doctest: +SKIP
'mv-line-12'
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from vitaal.io.fields import normalise_wkt
from vitaal.io.network_map import (
    NetworkBuilder,
    NetworkImport,
    Unmapped,
    load_panda_net,
    net_file_errors,
    network_system,
    panda_element_id,
    require_components,
    utm_crs,
)
from vitaal.model import Model
from vitaal.model.enums import Confidence, Origin
from vitaal.model.records import Component, ModelInfo, Provenance, Resource
from vitaal.model.units import Quantity

__all__ = ["BUNDLED_PREFIX", "import_pandapower", "load_pandapower", "pandapower_id"]

#: A source ``pandapower:NAME`` names a network of :mod:`pandapower.networks`.
BUNDLED_PREFIX = "pandapower:"
#: Component kinds an import adds to those of ``vitaal/data/kinds.yaml``.
EXTRA_KINDS: tuple[str, ...] = ("load",)
#: Element tables that are mapped; any other non-empty element table is reported.
_MAPPED = {"bus", "line", "trafo", "trafo3w", "switch", "ext_grid", "load"}
_NOT_SUPPLY = {
    "sgen": "a static generator feeds in, but is no supply origin for pandapower's topology "
    "(only external grids and slack generators are); not imported",
    "gen": "a generator that is not a slack; no supply origin for pandapower's topology; "
    "not imported",
    "storage": "a storage unit; no supply origin for pandapower's topology; not imported",
    "shunt": "a shunt element; carries no supply; not imported",
    "motor": "a motor load; not imported (map it as a load by hand if needed)",
    "asymmetric_load": "an asymmetric load; not imported",
    "asymmetric_sgen": "an asymmetric static generator; not imported",
    "ward": "an equivalent (ward) element; not imported",
    "xward": "an equivalent (extended ward) element; not imported",
    "impedance": "an impedance branch; not imported, so the buses it joins may look apart",
    "dcline": "a DC line; not imported, so the buses it joins may look apart",
    "tcsc": "a series compensator branch; not imported",
    "ssc": "a static synchronous compensator; not imported",
    "svc": "a static var compensator; not imported",
    "vsc": "a voltage source converter; not imported",
    "measurement": "a measurement; not part of the supply network",
}
_OOS = "out of service in the source network; not imported (an outage of it is no event)"


def pandapower_id(prefix: str, table: str, index: int) -> str:
    """The component id of pandapower element ``table`` ``index`` (see :func:`panda_element_id`)."""
    return panda_element_id(prefix, table, index)


def load_pandapower(source: str | os.PathLike[str]) -> Any:
    """A pandapower net from a JSON file or ``pandapower:NAME`` (a bundled network)."""
    return load_panda_net(source, "pandapower")


def _transformer(src: str, dst: str) -> Callable[[Any], Any]:
    from pyproj import Transformer

    tr = Transformer.from_crs(src, dst, always_xy=True)

    def apply(geoms: Any) -> Any:
        return shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))

    return apply


def _bus_points(net: Any, source_crs: str | None) -> tuple[dict[int, Any], str | None]:
    """Bus geometry (shapely) by index, in the source CRS, and that CRS."""
    pts: dict[int, Any] = {}
    if "geo" in net.bus.columns:
        for i, g in net.bus["geo"].items():
            if isinstance(g, str) and g:
                pts[int(i)] = shape(json.loads(g))
        if pts:
            return pts, source_crs or "EPSG:4326"
    bg = net.get("bus_geodata") if hasattr(net, "get") else None
    if bg is not None and len(bg) and {"x", "y"} <= set(bg.columns):
        for i, row in bg.iterrows():
            if math.isfinite(row["x"]) and math.isfinite(row["y"]):
                pts[int(i)] = shapely.Point(float(row["x"]), float(row["y"]))
        return pts, source_crs
    return pts, source_crs


def import_pandapower(
    source: Any,
    *,
    prefix: str = "pp",
    crs: str | None = None,
    source_crs: str | None = None,
    system: str = "electricity",
    name: str | None = None,
) -> NetworkImport:
    """Import a pandapower network as one electricity subsystem.

    Parameters
    ----------
    source
        A pandapower net, a JSON file, or ``pandapower:NAME`` for a bundled network.
    prefix
        Ids are ``{prefix}-bus-7``, ``{prefix}-line-12`` ... (see :func:`pandapower_id`); the
        subsystem is ``prefix``. Several networks coexist in one model under different prefixes.
    crs
        Coordinate system of the model's geometry. Default: the WGS 84 / UTM zone of the
        network's centre (metres), recorded in the model's ``crs``.
    source_crs
        Coordinate system of the network's geodata: the ``geo`` column is GeoJSON, WGS 84
        (EPSG:4326) unless told otherwise; the old ``bus_geodata`` table has no CRS, so
        without ``source_crs`` its coordinates are not imported (and reported).
    system
        The vital system the subsystem belongs to.
    name
        The model's name (default: the network's name).

    Returns
    -------
    NetworkImport
        The model, the net itself, the element ids and the report of what was not mapped.

    Notes
    -----
    A bus, line, transformer and closed switch are carriers of ``electricity``; lines and
    transformers are joined to their buses both ways, a closed line or transformer switch sits
    in series between its bus and its branch, a closed bus-bus switch joins its buses, an open
    switch is imported without links (its branch end is disconnected), external grids are the
    producers, loads the sinks. Complexity O(elements).
    """
    with net_file_errors(source, "pandapower"):
        imp = _import_pandapower(
            source, prefix=prefix, crs=crs, source_crs=source_crs, system=system, name=name
        )
    return require_components(imp, source, "pandapower", "buses")


def _import_pandapower(
    source: Any,
    *,
    prefix: str = "pp",
    crs: str | None = None,
    source_crs: str | None = None,
    system: str = "electricity",
    name: str | None = None,
) -> NetworkImport:
    """The mapping of :func:`import_pandapower`, which turns its errors into located ones."""
    ref = str(source) if not hasattr(source, "bus") else (getattr(source, "name", "") or "net")
    net = load_pandapower(source) if not hasattr(source, "bus") else source
    src_ref = ref if isinstance(source, str | os.PathLike) else "pandapower net"
    prov = Provenance(origin=Origin.PUBLIC_SOURCE, confidence=Confidence.MEDIUM, ref=src_ref)
    res = "electricity"
    b = NetworkBuilder(resource=res, prov=prov)
    unmapped: list[Unmapped] = []
    ids: dict[tuple[str, int], str] = {}
    sub = prefix

    def pid(table: str, index: Any) -> str:
        return pandapower_id(prefix, table, int(index))

    # -- geometry -------------------------------------------------------------------------
    pts, geo_crs = _bus_points(net, source_crs)
    if pts and geo_crs is None:
        unmapped.append(
            Unmapped("bus_geodata", "coordinates without a known CRS; give source_crs to import")
        )
        pts = {}
    target = crs
    if pts and geo_crs is not None:
        if target is None:
            centre = shapely.MultiPoint(list(pts.values())).centroid
            to_wgs = _transformer(geo_crs, "EPSG:4326")
            c = to_wgs(centre)
            target = utm_crs(float(c.x), float(c.y))
        if target != geo_crs:
            keys = list(pts)
            moved = _transformer(geo_crs, target)(np.array([pts[k] for k in keys], dtype=object))
            pts = dict(zip(keys, moved, strict=True))
    line_geo: dict[int, Any] = {}
    if pts and geo_crs is not None and target is not None and "geo" in net.line.columns:
        raw = {
            int(i): shape(json.loads(g))
            for i, g in net.line["geo"].items()
            if isinstance(g, str) and g
        }
        if raw:
            keys = list(raw)
            arr = np.array([raw[k] for k in keys], dtype=object)
            if target != geo_crs:
                arr = _transformer(geo_crs, target)(arr)
            line_geo = dict(zip(keys, arr, strict=True))

    def wkt(g: Any) -> str | None:
        return None if g is None else normalise_wkt(g)

    def at(bus: Any) -> str | None:
        return wkt(pts.get(int(bus)))

    # -- buses ----------------------------------------------------------------------------
    buses: set[int] = set()
    for i, row in net.bus.iterrows():
        label = f"bus {i}"
        if not bool(row["in_service"]):
            unmapped.append(Unmapped(label, _OOS))
            continue
        cid = pid("bus", i)
        b.add(
            Component(
                id=cid,
                subsystem=sub,
                kind="bus",
                name=_name(row, f"bus {i}"),
                geometry=at(i),
                prov=prov,
            ),
            label,
        )
        ids[("bus", int(i))] = cid
        buses.add(int(i))

    # -- switches: closed ones in series at branch ends, or joining two buses -------------
    sw_at: dict[tuple[str, int, int], list[str]] = {}
    open_at: set[tuple[str, int, int]] = set()
    sw = net.switch
    for i, row in sw.iterrows():
        label = f"switch {i}"
        et = str(row["et"])
        bus = int(row["bus"])
        closed = bool(row["closed"])
        if "in_service" in sw.columns and not bool(row.get("in_service", True)):
            unmapped.append(Unmapped(label, _OOS))
            continue
        if et not in ("b", "l", "t", "t3"):
            unmapped.append(Unmapped(label, f"switch at element type {et!r}; not imported"))
            continue
        if bus not in buses:
            unmapped.append(Unmapped(label, f"at bus {bus}, which is not imported"))
            continue
        cid = pid("switch", i)
        cap: dict[str, Quantity] = {}
        in_ka = row.get("in_ka") if "in_ka" in sw.columns else None
        if in_ka is not None and isinstance(in_ka, float | int) and math.isfinite(in_ka):
            cap[res] = Quantity(_mva(float(net.bus.at[bus, "vn_kv"]), float(in_ka)), "MVA")
        state = "closed" if closed else "open"
        b.add(
            Component(
                id=cid,
                subsystem=sub,
                kind="switch",
                name=f"{_name(row, f'switch {i}')} ({state})",
                geometry=at(bus),
                capacity=cap,
                prov=prov,
            ),
            label,
        )
        ids[("switch", int(i))] = cid
        if not closed:
            b.unlinked.add(cid)
        if et == "b":
            other = int(row["element"])
            if other not in buses:
                unmapped.append(Unmapped(label, f"joins bus {other}, which is not imported"))
            elif closed:
                b.edge(pid("bus", bus), cid)
                b.edge(cid, pid("bus", other))
            continue
        table = {"l": "line", "t": "trafo", "t3": "trafo3w"}[et]
        key = (table, int(row["element"]), bus)
        if closed:
            sw_at.setdefault(key, []).append(cid)
        else:
            open_at.add(key)

    def join(table: str, index: int, bus: int, branch: str) -> None:
        """Join ``branch`` to ``bus`` through the closed switches at that end, in series."""
        key = (table, index, bus)
        if key in open_at:
            for s in sw_at.get(key, []):  # closed ones beside an open one carry nothing
                b.edge(branch, s)
            return
        chain = [pid("bus", bus), *sw_at.get(key, []), branch]
        for u, v in itertools.pairwise(chain):
            b.edge(u, v)

    # -- lines --------------------------------------------------------------------------
    for i, row in net.line.iterrows():
        label = f"line {i}"
        fb, tb = int(row["from_bus"]), int(row["to_bus"])
        if not bool(row["in_service"]):
            unmapped.append(Unmapped(label, _OOS))
            continue
        missing = [x for x in (fb, tb) if x not in buses]
        if missing:
            unmapped.append(Unmapped(label, f"at bus {missing[0]}, which is not imported"))
            continue
        cid = pid("line", i)
        vn = float(net.bus.at[fb, "vn_kv"])
        i_ka = float(row["max_i_ka"]) * float(row.get("df", 1.0)) * float(row.get("parallel", 1))
        geom = line_geo.get(int(i))
        if geom is None and fb in pts and tb in pts:
            geom = shapely.LineString([pts[fb], pts[tb]])
        kind = "cable_lv" if vn < 1.0 else ("cable_mv" if vn < 35.0 else "cable_hv")
        b.add(
            Component(
                id=cid,
                subsystem=sub,
                kind=kind,
                name=_name(row, label),
                geometry=wkt(None if geom is None else _valid(geom)),
                capacity={res: Quantity(_mva(vn, i_ka), "MVA")},
                prov=prov,
            ),
            label,
        )
        ids[("line", int(i))] = cid
        join("line", int(i), fb, cid)
        join("line", int(i), tb, cid)

    # -- transformers ---------------------------------------------------------------------
    for table, ends, rating in (
        ("trafo", ("hv_bus", "lv_bus"), "sn_mva"),
        ("trafo3w", ("hv_bus", "mv_bus", "lv_bus"), "sn_hv_mva"),
    ):
        frame = net.get(table, None)
        if frame is None:
            continue
        for i, row in frame.iterrows():
            label = f"{table} {i}"
            end_buses = [int(row[e]) for e in ends]
            if not bool(row["in_service"]):
                unmapped.append(Unmapped(label, _OOS))
                continue
            missing = [x for x in end_buses if x not in buses]
            if missing:
                unmapped.append(Unmapped(label, f"at bus {missing[0]}, which is not imported"))
                continue
            cid = pid(table, i)
            par = float(row.get("parallel", 1)) if table == "trafo" else 1.0
            b.add(
                Component(
                    id=cid,
                    subsystem=sub,
                    kind="transformer",
                    name=_name(row, label),
                    geometry=at(end_buses[0]),
                    capacity={res: Quantity(float(row[rating]) * par, "MVA")},
                    prov=prov,
                ),
                label,
            )
            ids[(table, int(i))] = cid
            for bus in end_buses:
                join(table, int(i), bus, cid)

    # -- external grids (and slack generators) are the producers --------------------------
    rated: dict[int, float] = {}
    for (table, idx), cid in ids.items():
        if table in ("line", "trafo", "trafo3w"):
            comp = b.components[cid]
            frame = net[table]
            cols = (
                ("from_bus", "to_bus")
                if table == "line"
                else (("hv_bus", "lv_bus") if table == "trafo" else ("hv_bus", "mv_bus", "lv_bus"))
            )
            for col in cols:
                bus = int(frame.at[idx, col])
                rated[bus] = rated.get(bus, 0.0) + comp.capacity[res].value
    for i, row in net.ext_grid.iterrows():
        label = f"ext_grid {i}"
        bus = int(row["bus"])
        if not bool(row["in_service"]):
            unmapped.append(Unmapped(label, _OOS))
            continue
        if bus not in buses:
            unmapped.append(Unmapped(label, f"at bus {bus}, which is not imported"))
            continue
        cid = pid("ext_grid", i)
        eg_cap = rated.get(bus) or float(net.load.loc[net.load.bus == bus, "p_mw"].sum()) or 0.0
        b.add(
            Component(
                id=cid,
                subsystem=sub,
                kind="external_grid",
                name=_name(row, label),
                geometry=at(bus),
                capacity={res: Quantity(eg_cap, "MVA")},
                prov=Provenance(
                    origin=Origin.COMPUTED,
                    confidence=Confidence.LOW,
                    ref=f"{src_ref}: sum of the ratings of the branches at bus {bus}",
                ),
            ),
            label,
        )
        ids[("ext_grid", int(i))] = cid
        b.feed(cid, pid("bus", bus))
    gen = net.get("gen") if hasattr(net, "get") else None
    if gen is not None and len(gen):
        slack = gen[gen["slack"].astype(bool)] if "slack" in gen.columns else gen.iloc[0:0]
        for i in slack.index:
            unmapped.append(
                Unmapped(
                    f"gen {i}",
                    "a slack generator (a supply origin in pandapower's "
                    "topology); not imported: model it as an external grid",
                )
            )
        for i in gen.index.difference(slack.index):
            unmapped.append(Unmapped(f"gen {i}", _NOT_SUPPLY["gen"]))

    # -- loads ----------------------------------------------------------------------------
    for i, row in net.load.iterrows():
        label = f"load {i}"
        bus = int(row["bus"])
        if not bool(row["in_service"]):
            unmapped.append(Unmapped(label, _OOS))
            continue
        if bus not in buses:
            unmapped.append(Unmapped(label, f"at bus {bus}, which is not imported"))
            continue
        cid = pid("load", i)
        p = float(row["p_mw"]) * float(row.get("scaling", 1.0))
        b.add(
            Component(
                id=cid,
                subsystem=sub,
                kind="load",
                name=_name(row, label),
                geometry=at(bus),
                peak_load={res: Quantity(p, "MW")},
                prov=prov,
            ),
            label,
        )
        ids[("load", int(i))] = cid
        b.sink(pid("bus", bus), cid)

    # -- every other element table is reported, element by element ------------------------
    for table in _element_tables(net):
        if table in _MAPPED or table == "gen":
            continue
        reason = _NOT_SUPPLY.get(table, f"element table {table!r} is not mapped; not imported")
        unmapped.extend(Unmapped(f"{table} {i}", reason) for i in net[table].index)

    links, reqs, base = b.build()
    unmapped.extend(base)
    net_name = str(getattr(net, "name", "") or "") or ref
    system_rec, sub_rec = network_system(
        system, "Electricity", sub, f"{net_name} (pandapower)", src_ref
    )
    model = Model(
        info=ModelInfo(
            name=name or net_name,
            description=f"Imported from {src_ref} with vitaal import-network pandapower.",
            crs=target or "EPSG:28992",
            kinds=EXTRA_KINDS,
        ),
        resources={res: Resource(id=res, name="Electricity", name_nl="Elektriciteit", unit="MW")},
        systems={system: system_rec},
        subsystems={sub: sub_rec},
        components=dict(b.components),
        requirements=reqs,
        supply=links,
    )
    return NetworkImport(model=model, net=net, ids=ids, unmapped=tuple(unmapped), source=src_ref)


def _mva(vn_kv: float, i_ka: float) -> float:
    """Three-phase apparent power sqrt(3) * U * I, in MVA."""
    return math.sqrt(3.0) * vn_kv * i_ka


def _valid(geom: Any) -> Any:
    """A line of zero length (both ends at one place) as the point it is."""
    if isinstance(geom, shapely.LineString) and (geom.length == 0 or not geom.is_valid):
        return shapely.Point(geom.coords[0])
    return geom


def _name(row: Any, default: str) -> str:
    n = row.get("name") if hasattr(row, "get") else None
    if isinstance(n, str) and n.strip():
        return n.strip()
    return default


def _element_tables(net: Any) -> list[str]:
    """Non-empty element tables of a net (not results, geodata, std types or bookkeeping)."""
    import pandas as pd

    out = []
    for key in net:
        if key.startswith(("res_", "_")) or key.endswith("_geodata") or key in ("std_types",):
            continue
        value = net[key]
        if isinstance(value, pd.DataFrame) and len(value) and "bus" in "".join(value.columns):
            out.append(key)
    return out
