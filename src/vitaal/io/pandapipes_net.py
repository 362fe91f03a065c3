"""Import a pandapipes network (gas or district heat) as a subsystem.

Junctions, pipes, valves, heat exchangers and in-line pumps, compressors and controllers are
carriers joined both ways, as for power (:mod:`vitaal.io.pandapower_net`); external grids,
sources and circulation pumps are the producers; sinks and heat consumers the consumers. A
heat consumer needs its flow *and* its return junction (k = 2) and keeps the building warm
for a buffer (6 h assumed). Circulation pumps, pumps and compressors need electricity, which
no pandapipes network holds: the import reports each, and a mapping file
(:mod:`vitaal.io.network_map`) gives the supplier. See ``docs/networks.md``.
"""

from __future__ import annotations

import itertools
import math
import os
from typing import Any

import numpy as np
import shapely

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
from vitaal.io.pandapower_net import _transformer, _valid
from vitaal.model import Model
from vitaal.model.enums import Confidence, Origin
from vitaal.model.records import Component, ModelInfo, Provenance, Resource
from vitaal.model.units import Quantity

__all__ = [
    "BUNDLED_CRS",
    "BUNDLED_PREFIX",
    "HEAT_BUFFER_H",
    "import_pandapipes",
    "load_pandapipes",
    "pandapipes_id",
]

BUNDLED_PREFIX = "pandapipes:"
#: The bundled Schutterwald networks come from STANET in Gauss-Krüger zone 3 (DHDN).
BUNDLED_CRS: dict[str, str] = {
    "schutterwald": "EPSG:31467",
    "schutterwald_gas": "EPSG:31467",
    "schutterwald_heat": "EPSG:31467",
}
#: Assumed thermal inertia of a heated building: hours it stays warm without heat.
HEAT_BUFFER_H = 6.0
EXTRA_KINDS: tuple[str, ...] = (
    "gas_sink",
    "heat_consumer",
    "valve",
    "pipe_pump",
    "compressor",
    "flow_control",
    "pressure_control",
)
_OOS = "out of service in the source network; not imported (an outage of it is no event)"
_NEEDS_POWER = (
    "needs electricity, which this network does not hold; imported without that need: "
    "give its supplier in a mapping file"
)
_SKIP = {
    "mass_storage": "a mass storage; not imported (no supply origin in the base state)",
    "substation": "a descriptive table (names and places of stations), no network element",
}
_KNOWN = {
    "junction",
    "pipe",
    "valve",
    "ext_grid",
    "source",
    "sink",
    "heat_exchanger",
    "heat_consumer",
    "circ_pump_pressure",
    "circ_pump_mass",
    "pump",
    "compressor",
    "pressure_control",
    "flow_control",
    "fluid",
    "component_list",
    "controller",
}
#: Normal density of natural gas when the fluid gives none (kg/Nm3).
_RHO_N = 0.8


def pandapipes_id(prefix: str, table: str, index: int) -> str:
    """The component id of pandapipes element ``table`` ``index`` (see :func:`panda_element_id`)."""
    return panda_element_id(prefix, table, index)


def load_pandapipes(source: str | os.PathLike[str]) -> Any:
    """A pandapipes net from a JSON file or ``pandapipes:NAME`` (a bundled network)."""
    return load_panda_net(source, "pandapipes")


def _medium(net: Any) -> str:
    """``"heat"`` for water networks, else ``"gas"``."""
    try:
        fluid = net["fluid"]
        name = str(getattr(fluid, "name", "")).lower()
    except (KeyError, AttributeError):
        name = ""
    return "heat" if "water" in name else "gas"


def _table(net: Any, name: str) -> Any:
    return net[name] if name in net and len(net[name]) else None


def import_pandapipes(
    source: Any,
    *,
    prefix: str | None = None,
    crs: str | None = None,
    source_crs: str | None = None,
    medium: str | None = None,
    heat_buffer_h: float = HEAT_BUFFER_H,
    name: str | None = None,
) -> NetworkImport:
    """Import a pandapipes network as one gas or heat subsystem.

    Parameters
    ----------
    source
        A pandapipes net, a JSON file, or ``pandapipes:NAME`` for a bundled network.
    prefix
        Ids are ``{prefix}-junction-7``, ``{prefix}-pipe-12`` ...; the subsystem is ``prefix``.
        Default ``pp-gas`` or ``pp-heat``.
    crs
        The model's coordinate system; default the WGS 84 / UTM zone of the network's centre.
    source_crs
        The CRS of ``junction_geodata`` (pandapipes records none). Known for the bundled
        Schutterwald networks (:data:`BUNDLED_CRS`); otherwise without it no geometry is
        imported, and that is reported.
    medium
        ``"gas"`` or ``"heat"``; default read off the net's fluid (water: heat).
    heat_buffer_h
        Hours a heat consumer keeps working without heat (thermal inertia, assumed).
    name
        The model's name.

    Returns
    -------
    NetworkImport
    """
    with net_file_errors(source, "pandapipes"):
        imp = _import_pandapipes(
            source,
            prefix=prefix,
            crs=crs,
            source_crs=source_crs,
            medium=medium,
            heat_buffer_h=heat_buffer_h,
            name=name,
        )
    return require_components(imp, source, "pandapipes", "junctions")


def _import_pandapipes(
    source: Any,
    *,
    prefix: str | None = None,
    crs: str | None = None,
    source_crs: str | None = None,
    medium: str | None = None,
    heat_buffer_h: float = HEAT_BUFFER_H,
    name: str | None = None,
) -> NetworkImport:
    """The mapping of :func:`import_pandapipes`, which turns its errors into located ones."""
    is_net = hasattr(source, "junction")
    net = source if is_net else load_pandapipes(source)
    src_ref = "pandapipes net" if is_net else str(source)
    if source_crs is None and not is_net and str(source).startswith(BUNDLED_PREFIX):
        source_crs = BUNDLED_CRS.get(str(source)[len(BUNDLED_PREFIX) :])
    res = medium or _medium(net)
    if res not in ("gas", "heat"):
        raise ValueError(f"medium must be 'gas' or 'heat', not {res!r}")
    prefix = prefix or f"pp-{res}"
    prov = Provenance(origin=Origin.PUBLIC_SOURCE, confidence=Confidence.MEDIUM, ref=src_ref)
    b = NetworkBuilder(resource=res, prov=prov)
    unmapped: list[Unmapped] = []
    ids: dict[tuple[str, int], str] = {}
    sub = prefix
    unit = "Nm3/h" if res == "gas" else "MW"
    rho_n = _normal_density(net) if res == "gas" else 1.0

    def pid(table: str, index: Any) -> str:
        return pandapipes_id(prefix, table, int(index))

    # -- geometry -----------------------------------------------------------------------
    pts: dict[int, Any] = {}
    jg = _table(net, "junction_geodata")
    target = crs
    if jg is not None and source_crs is None:
        unmapped.append(
            Unmapped("junction_geodata", "coordinates without a known CRS; give source_crs")
        )
    elif jg is not None and source_crs is not None:
        ok = np.isfinite(jg["x"].to_numpy(float)) & np.isfinite(jg["y"].to_numpy(float))
        jg = jg[ok]
        keys = [int(i) for i in jg.index]
        arr = shapely.points(jg["x"].to_numpy(float), jg["y"].to_numpy(float))
        if target is None:
            c = _transformer(source_crs, "EPSG:4326")(shapely.MultiPoint(arr).centroid)
            target = utm_crs(float(c.x), float(c.y))
        if target != source_crs:
            arr = _transformer(source_crs, target)(arr)
        pts = dict(zip(keys, arr, strict=True))
    pipe_geo: dict[int, Any] = {}
    pg = _table(net, "pipe_geodata")
    if pg is not None and pts and source_crs is not None and target is not None:
        raw = {
            int(i): shapely.LineString(c)
            for i, c in pg["coords"].items()
            if isinstance(c, list | tuple | np.ndarray) and len(c) >= 2
        }
        if raw:
            keys = list(raw)
            arr = np.array([raw[k] for k in keys], dtype=object)
            if target != source_crs:
                arr = _transformer(source_crs, target)(arr)
            pipe_geo = dict(zip(keys, arr, strict=True))

    def at(j: Any) -> str | None:
        g = pts.get(int(j))
        return None if g is None else normalise_wkt(g)

    def add(table: str, i: Any, kind: str, row: Any, geom: str | None, **kw: Any) -> str:
        cid = pid(table, i)
        b.add(
            Component(
                id=cid,
                subsystem=sub,
                kind=kind,
                name=_name(row, f"{table} {i}"),
                geometry=geom,
                prov=kw.pop("prov", prov),
                **kw,
            ),
            f"{table} {i}",
        )
        ids[(table, int(i))] = cid
        return cid

    def in_service(table: str, i: Any, row: Any) -> bool:
        if "in_service" in row and not bool(row["in_service"]):
            unmapped.append(Unmapped(f"{table} {i}", _OOS))
            return False
        return True

    # -- junctions ------------------------------------------------------------------------
    juncs: set[int] = set()
    for i, row in net.junction.iterrows():
        if not in_service("junction", i, row):
            continue
        add("junction", i, f"{res}_junction", row, at(i))
        juncs.add(int(i))

    def known(table: str, i: Any, *js: int) -> bool:
        miss = [j for j in js if j not in juncs]
        if miss:
            unmapped.append(Unmapped(f"{table} {i}", f"at junction {miss[0]}, not imported"))
        return not miss

    # -- valves: junction-junction, or in series at a pipe's end ---------------------------
    valve_at: dict[tuple[int, int], list[str]] = {}
    closed_at: set[tuple[int, int]] = set()
    vt = _table(net, "valve")
    if vt is not None:
        for i, row in vt.iterrows():
            if not in_service("valve", i, row):
                continue
            j = int(row["junction"]) if "junction" in vt.columns else int(row["from_junction"])
            et = str(row.get("et", "ju"))
            other = int(row["element"]) if "element" in vt.columns else int(row["to_junction"])
            if not known("valve", i, j):
                continue
            if et not in ("ju", "pi"):
                unmapped.append(Unmapped(f"valve {i}", f"element type {et!r}; not imported"))
                continue
            opened = bool(row["opened"])
            cid = add("valve", i, "valve", row, at(j))
            if not opened:
                b.unlinked.add(cid)
            if et == "ju":
                if not known("valve", i, other):
                    continue
                if opened:
                    b.edge(pid("junction", j), cid)
                    b.edge(cid, pid("junction", other))
            elif opened:
                valve_at.setdefault((other, j), []).append(cid)
            else:
                closed_at.add((other, j))

    def join(pipe: int, j: int, branch: str) -> None:
        key = (pipe, j)
        if key in closed_at:
            for v in valve_at.get(key, []):
                b.edge(branch, v)
            return
        chain = [pid("junction", j), *valve_at.get(key, []), branch]
        for u, v in itertools.pairwise(chain):
            b.edge(u, v)

    # -- branches -----------------------------------------------------------------------
    branch_kinds = {
        "pipe": "gas_main" if res == "gas" else "heat_distribution",
        "heat_exchanger": "heat_exchanger",
        "pump": "pipe_pump",
        "compressor": "compressor",
        "pressure_control": "pressure_control",
        "flow_control": "flow_control",
    }
    for table, kind in branch_kinds.items():
        frame = _table(net, table)
        if frame is None:
            continue
        for i, row in frame.iterrows():
            if not in_service(table, i, row):
                continue
            fj, tj = int(row["from_junction"]), int(row["to_junction"])
            if not known(table, i, fj, tj):
                continue
            geom: Any = pipe_geo.get(int(i)) if table == "pipe" else None
            if geom is None and fj in pts and tj in pts:
                geom = shapely.LineString([pts[fj], pts[tj]]) if table == "pipe" else pts[fj]
            cid = add(table, i, kind, row, None if geom is None else normalise_wkt(_valid(geom)))
            if table == "pipe":
                join(int(i), fj, cid)
                join(int(i), tj, cid)
            else:
                b.edge(pid("junction", fj), cid)
                b.edge(cid, pid("junction", tj))
            if table in ("pump", "compressor"):
                unmapped.append(Unmapped(f"{table} {i}", _NEEDS_POWER))

    # -- consumers ------------------------------------------------------------------------
    demand = 0.0
    st = _table(net, "sink")
    if st is not None:
        for i, row in st.iterrows():
            if not in_service("sink", i, row) or not known("sink", i, int(row["junction"])):
                continue
            q = float(row["mdot_kg_per_s"]) * float(row.get("scaling", 1.0)) * 3600.0 / rho_n
            q_res = q if res == "gas" else 0.0
            demand += q_res
            cid = add(
                "sink",
                i,
                "gas_sink" if res == "gas" else "heat_consumer",
                row,
                at(row["junction"]),
                peak_load={res: Quantity(q_res, unit)} if res == "gas" else {},
            )
            b.sink(pid("junction", row["junction"]), cid, heat_buffer_h if res == "heat" else 0.0)
    hc = _table(net, "heat_consumer")
    if hc is not None:
        for i, row in hc.iterrows():
            fj, tj = int(row["from_junction"]), int(row["to_junction"])
            if not in_service("heat_consumer", i, row) or not known("heat_consumer", i, fj, tj):
                continue
            q_w = row.get("qext_w")
            load: dict[str, Quantity] = {}
            if q_w is not None and isinstance(q_w, float | int) and math.isfinite(q_w):
                load = {"heat": Quantity(float(q_w) / 1e6, "MW")}
                demand += float(q_w) / 1e6
            cid = add("heat_consumer", i, "heat_consumer", row, at(fj), peak_load=load)
            b.sink(pid("junction", fj), cid, heat_buffer_h)
            b.sink(pid("junction", tj), cid, heat_buffer_h)

    # -- producers ------------------------------------------------------------------------
    cap_prov = Provenance(
        origin=Origin.COMPUTED,
        confidence=Confidence.LOW,
        ref=f"{src_ref}: the demand of all consumers of the network (no rating given)",
    )
    cap = {res: Quantity(demand, unit)}
    for table, kind in (
        ("ext_grid", f"{res}_source" if res == "gas" else "heat_plant"),
        ("source", "gas_source" if res == "gas" else "heat_plant"),
    ):
        frame = _table(net, table)
        if frame is None:
            continue
        for i, row in frame.iterrows():
            if not in_service(table, i, row) or not known(table, i, int(row["junction"])):
                continue
            cid = add(table, i, kind, row, at(row["junction"]), capacity=cap, prov=cap_prov)
            b.feed(cid, pid("junction", row["junction"]))
    for table in ("circ_pump_pressure", "circ_pump_mass"):
        frame = _table(net, table)
        if frame is None:
            continue
        for i, row in frame.iterrows():
            fj, rj = int(row["flow_junction"]), int(row["return_junction"])
            if not in_service(table, i, row) or not known(table, i, fj, rj):
                continue
            cid = add(
                table,
                i,
                "heat_pump_station",
                row,
                at(fj),
                capacity={res: Quantity(demand, unit)},
                prov=cap_prov,
            )
            b.feed(cid, pid("junction", fj))
            b.feed(cid, pid("junction", rj))
            unmapped.append(Unmapped(f"{table} {i}", _NEEDS_POWER))

    for table in _element_tables(net):
        if table in _KNOWN:
            continue
        reason = _SKIP.get(table, f"element table {table!r} is not mapped; not imported")
        unmapped.extend(Unmapped(f"{table} {i}", reason) for i in net[table].index)

    links, reqs, base = b.build()
    unmapped.extend(base)
    net_name = str(getattr(net, "name", "") or "") or src_ref
    label = "Natural gas" if res == "gas" else "District heat"
    system_rec, sub_rec = network_system(
        res, "Gas" if res == "gas" else "Heat", sub, f"{net_name} (pandapipes)", src_ref
    )
    model = Model(
        info=ModelInfo(
            name=name or net_name,
            description=f"Imported from {src_ref} with vitaal import-network pandapipes.",
            crs=target or "EPSG:28992",
            kinds=EXTRA_KINDS,
        ),
        resources={
            res: Resource(
                id=res, name=label, unit=unit, name_nl="Aardgas" if res == "gas" else "Warmte"
            )
        },
        systems={res: system_rec},
        subsystems={sub: sub_rec},
        components=dict(b.components),
        requirements=reqs,
        supply=links,
    )
    return NetworkImport(model=model, net=net, ids=ids, unmapped=tuple(unmapped), source=src_ref)


def _normal_density(net: Any) -> float:
    try:
        rho = float(np.asarray(net["fluid"].get_density(273.15)).ravel()[0])
    except (KeyError, AttributeError, TypeError, ValueError, IndexError):
        return _RHO_N
    return rho if math.isfinite(rho) and rho > 0 else _RHO_N


def _name(row: Any, default: str) -> str:
    n = row.get("name") if hasattr(row, "get") else None
    if isinstance(n, str) and n.strip():
        return n.strip()
    return default


def _element_tables(net: Any) -> list[str]:
    import pandas as pd

    out = []
    for key in net:
        if key.startswith(("res_", "_")) or key.endswith("_geodata") or key == "std_types":
            continue
        value = net[key]
        if isinstance(value, pd.DataFrame) and len(value):
            out.append(key)
    return out
