"""Import an EPANET network (through WNTR) as a drinking-water subsystem of a vitaal model.

The pipe network becomes directed supply links such that "receives water" in the cascade means
"connected to a reservoir or to a tank through elements in service"
(``docs/networks-water-gis.md``):

- each junction is a carrier component (kind ``water_junction``); each reservoir a producer
  (``reservoir``); each tank a store (``tank``) whose autonomy is its usable volume divided by
  the average demand it serves;
- each pipe, valve and pump is a carrier component between its two nodes. Pipes and valves pass
  water both ways (start -> link -> end and end -> link -> start), except pipes with a check
  valve and PRVs and PSVs, which pass it from start to end only, like pumps. Links closed at the
  start of the simulation carry nothing (they are components without supply links); controls
  and rules that open or close links later are not followed;
- no link feeds a reservoir (a reservoir needs nothing);
- each junction with a positive average demand supplies a service area ``...-demand-<name>``
  (the consumer of that demand, population 0 until the user links it to a neighbourhood);
- pumps need electricity: from the component named for the pump in ``power_map``, or else from one
  placeholder producer ``wn-<prefix>-power-external`` that the report flags.

Every element that has no place in the model is listed in the report with its reason; nothing
is dropped or guessed silently.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from vitaal.errors import Loc, ModelError, Problem
from vitaal.io.fields import point_wkt
from vitaal.model.enums import AreaKind, Confidence, Origin
from vitaal.model.model import Model, link_key, store_key
from vitaal.model.records import (
    Component,
    ModelInfo,
    Provenance,
    Resource,
    ServiceArea,
    Store,
    Subsystem,
    SupplyLink,
    System,
)
from vitaal.model.units import Quantity

__all__ = [
    "BUNDLED_NETWORKS",
    "LOCAL_CRS",
    "EpanetImport",
    "ImportNote",
    "import_epanet",
    "load_water_network",
    "sanitise_id",
]

#: Networks shipped with WNTR that ``wntr:NAME`` names.
BUNDLED_NETWORKS: tuple[str, ...] = ("Net1", "Net2", "Net3", "Net6")
WATER = "drinking_water"
ELECTRICITY = "electricity"
#: Autonomy given to a tank that serves no demand (it would otherwise be infinite), in hours.
IDLE_TANK_AUTONOMY_H = 8760.0
#: The CRS of an import whose coordinates have no known CRS: a local engineering CRS (x east,
#: y north), which vitaal does not check against RD New's range and never transforms.
LOCAL_CRS = (
    'ENGCRS["EPANET local",EDATUM["EPANET coordinates"],CS[Cartesian,2],'
    'AXIS["x",east,ORDER[1],LENGTHUNIT["metre",1]],'
    'AXIS["y",north,ORDER[2],LENGTHUNIT["metre",1]]]'
)
_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-]")
_RHO_G = 1000.0 * 9.81


@dataclass(frozen=True, slots=True)
class ImportNote:
    """One element an importer could not map (or mapped with a stated assumption).

    ``element`` is the source's own name with its type (``"pipe 330"``), ``reason`` says why.
    """

    element: str
    reason: str

    def __str__(self) -> str:
        return f"{self.element}: {self.reason}"


@dataclass(slots=True)
class EpanetImport:
    """What :func:`import_epanet` made.

    Attributes
    ----------
    model
        The drinking-water model (validates on its own unless ``power_map`` names components
        of another model).
    unmapped
        Elements with no place in the model (controls, curves, patterns beyond the average
        demand, quality sources, ...), each with its reason.
    assumptions
        Elements mapped with a stated assumption (a closed link, a placeholder power supply,
        a reservoir's capacity, a renamed id ...).
    element_ids
        ``(type, EPANET name)`` -> vitaal id, for ``type`` in junction, reservoir, tank, pipe,
        pump, valve, demand.
    """

    model: Model
    unmapped: list[ImportNote] = field(default_factory=list)
    assumptions: list[ImportNote] = field(default_factory=list)
    element_ids: dict[tuple[str, str], str] = field(default_factory=dict)

    def id_of(self, element_type: str, name: str) -> str:
        return self.element_ids[(element_type, name)]

    def element_of(self, vitaal_id: str) -> tuple[str, str] | None:
        """The ``(type, EPANET name)`` of a vitaal id, ``None`` when it is no EPANET element."""
        for key, value in self.element_ids.items():
            if value == vitaal_id:
                return key
        return None


def sanitise_id(text: str) -> str:
    """``text`` with every character outside vitaal's id pattern replaced by ``_``.

    >>> sanitise_id("J 12/a")
    'J_12_a'
    """
    out = _ID_BAD.sub("_", text)[:200]
    return out or "_"


def load_water_network(source: str | os.PathLike[str] | Any) -> Any:
    """A ``wntr.network.WaterNetworkModel`` from an ``.inp`` path, ``"wntr:Net3"`` (a network
    bundled with WNTR), or a WaterNetworkModel itself (returned as is)."""
    import wntr

    if isinstance(source, wntr.network.WaterNetworkModel):
        return source
    text = os.fspath(source)
    if text.startswith("wntr:"):
        name = text[len("wntr:") :]
        if name not in BUNDLED_NETWORKS:
            raise ValueError(f"unknown bundled network {name!r}; one of {BUNDLED_NETWORKS}")
        path = Path(wntr.__file__).parent / "library" / "networks" / f"{name}.inp"
        return wntr.network.WaterNetworkModel(str(path))
    if not Path(text).is_file():
        raise FileNotFoundError(f"no such EPANET file: {text}")
    return _read_inp(text)


_AT_LINE = re.compile(r"\bat line (\d+)")


def _read_inp(path: str) -> Any:
    """The network in the EPANET file ``path``; a file WNTR cannot read, or one without a
    node, is a :class:`~vitaal.errors.ModelError` naming the file (and the line WNTR names)."""
    import warnings

    import wntr

    expected = "an EPANET network file (.inp)"
    try:
        Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        found = f"bytes that are not UTF-8 at byte {exc.start}"
        raise ModelError([Problem(Loc(path), None, found, expected)]) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wn = wntr.network.WaterNetworkModel(path)
    except Exception as exc:  # WNTR's parser raises many kinds of error, none with the file
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        line = _AT_LINE.search(reason)
        where = Loc(path, int(line.group(1)) if line else None)
        found = f"a file EPANET cannot read ({reason})"
        raise ModelError([Problem(where, None, found, expected)]) from None
    if wn.num_nodes == 0:
        found = "a network without junctions, reservoirs or tanks"
        raise ModelError([Problem(Loc(path), None, found, expected)])
    return wn


def _demand_rates(wn: Any, junction: Any) -> tuple[float, float]:
    """Average and peak demand of a junction in m3/h (base demand times the mean and the
    maximum of its pattern, times the demand multiplier)."""
    default = wn.options.hydraulic.pattern
    default_pat = wn.get_pattern(default) if default in wn.pattern_name_list else None
    mult = float(wn.options.hydraulic.demand_multiplier or 1.0)
    avg = peak = 0.0
    for d in junction.demand_timeseries_list:
        pat = d.pattern if d.pattern is not None else default_pat
        values = np.asarray(pat.multipliers, dtype=float) if pat is not None else np.ones(1)
        if values.size == 0:
            values = np.ones(1)
        base = float(d.base_value) * 3600.0 * mult
        avg += base * float(values.mean())
        peak += base * float(values.max())
    return avg, peak


def _one_way(link: Any) -> bool:
    if link.link_type == "Pump":
        return True
    if link.link_type == "Pipe":
        return bool(link.check_valve)
    return str(link.valve_type) in ("PRV", "PSV")


def _is_closed(link: Any) -> bool:
    import wntr

    return bool(link.initial_status == wntr.network.LinkStatus.Closed)


def _pump_power_w(wn: Any, pump: Any) -> float | None:
    """A pump's design power in W: its POWER value, or rho g Q H / efficiency at the middle
    point of its head curve (the design point of a one- or three-point curve)."""
    if pump.pump_type == "POWER":
        return float(pump.power)
    try:
        points = pump.get_pump_curve().points
    except (AttributeError, KeyError):
        return None
    if not points:
        return None
    q, h = points[len(points) // 2]
    eff = float(wn.options.energy.global_efficiency or 75.0) / 100.0
    return _RHO_G * float(q) * float(h) / eff


def import_epanet(
    source: str | os.PathLike[str] | Any,
    *,
    prefix: str = "net",
    name: str | None = None,
    crs: str | None = None,
    power_map: Mapping[str, str] | None = None,
    idle_tank_autonomy_h: float = IDLE_TANK_AUTONOMY_H,
) -> EpanetImport:
    """Import an EPANET network as a drinking-water subsystem.

    Parameters
    ----------
    source
        An ``.inp`` path, ``"wntr:Net3"`` (bundled with WNTR) or a WaterNetworkModel.
    prefix
        Ids are ``wn-<prefix>-<type>-<name>``, e.g. ``wn-net3-junction-10``.
    name
        The model's name (default: the network's file name).
    crs
        The CRS of the EPANET coordinates. EPANET coordinates are often not geographic; when
        ``crs`` is not given, the model's CRS is :data:`LOCAL_CRS` (an engineering CRS vitaal
        does not check or transform) and the report says so.
    power_map
        Pump name -> id of the component that supplies it with electricity (in a model this
        one is to be merged with). Pumps not in it are fed by a placeholder producer.
    idle_tank_autonomy_h
        Autonomy of a tank that serves no demand.

    Returns
    -------
    EpanetImport
        The model, what could not be mapped and the assumptions made.

    Examples
    --------
    >>> imp = import_epanet("wntr:Net3", prefix="net3")        # doctest: +SKIP
    >>> imp.model.components["wn-net3-tank-1"].kind            # doctest: +SKIP
    'tank'
    """
    from vitaal.io.network_map import net_file_errors

    wn = load_water_network(source)  # its own errors: no such file, not EPANET, no nodes
    with net_file_errors(source, "EPANET"):
        return _import_epanet(
            wn,
            prefix=prefix,
            name=name,
            crs=crs,
            power_map=power_map,
            idle_tank_autonomy_h=idle_tank_autonomy_h,
        )


def _import_epanet(
    source: str | os.PathLike[str] | Any,
    *,
    prefix: str = "net",
    name: str | None = None,
    crs: str | None = None,
    power_map: Mapping[str, str] | None = None,
    idle_tank_autonomy_h: float = IDLE_TANK_AUTONOMY_H,
) -> EpanetImport:
    """The mapping of :func:`import_epanet`, which turns its errors into located ones."""
    wn = load_water_network(source)
    power_map = dict(power_map or {})
    pfx = sanitise_id(prefix)
    out = EpanetImport(model=Model(info=ModelInfo(name="")))
    used: dict[str, str] = {}

    def new_id(etype: str, ename: str) -> str:
        base = f"wn-{pfx}-{etype}-{sanitise_id(ename)}"[:200]
        vid, n = base, 1
        while vid.lower() in used:
            n += 1
            vid = f"{base[:190]}-{n}"
        if vid != f"wn-{pfx}-{etype}-{ename}":
            why = (
                f"id '{vid}': the name has characters outside vitaal's id pattern"
                if n == 1
                else f"id '{vid}': '{base}' was taken by {used[base.lower()]}"
            )
            out.assumptions.append(ImportNote(f"{etype} {ename}", why))
        used[vid.lower()] = f"{etype} {ename}"
        out.element_ids[(etype, ename)] = vid
        return vid

    title = name or Path(str(getattr(wn, "name", "") or "network")).stem or "network"
    if crs is None:
        model_crs = LOCAL_CRS
        out.assumptions.append(
            ImportNote(
                "coordinates",
                "kept as they are in the EPANET file; the model's crs is a local engineering "
                "CRS (no CRS given)",
            )
        )
    else:
        model_crs = crs
    prov = Provenance(Origin.UTILITY_DATA, Confidence.MEDIUM, f"EPANET {title}")
    computed = Provenance(Origin.COMPUTED, Confidence.LOW, f"EPANET {title}")
    m = Model(
        info=ModelInfo(
            name=f"{title} (EPANET)",
            description=f"Drinking-water network {title} imported from EPANET through WNTR",
            crs=model_crs,
        )
    )
    out.model = m
    sub_id = f"wn-{pfx}"
    m.resources[WATER] = Resource(
        id=WATER, name="Drinking water", name_nl="Drinkwater", unit="m3/h"
    )
    m.systems[WATER] = System(id=WATER, name="Drinking water", name_nl="Drinkwater")
    m.subsystems[sub_id] = Subsystem(id=sub_id, system=WATER, name=f"{title} network", prov=prov)

    def geom(node: Any) -> str | None:
        xy = node.coordinates
        if xy is None:
            return None
        x, y = float(xy[0]), float(xy[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        return point_wkt(x, y)

    def line(link: Any) -> str | None:
        a, b = link.start_node.coordinates, link.end_node.coordinates
        if a is None or b is None:
            return None
        pts = [
            tuple(map(float, a)),
            *[tuple(map(float, v)) for v in link.vertices],
            tuple(map(float, b)),
        ]
        if len(set(pts)) < 2 or not all(math.isfinite(c) for p in pts for c in p):
            return None
        import shapely

        from vitaal.io.fields import normalise_wkt

        return normalise_wkt(shapely.LineString(pts))

    # -- nodes ------------------------------------------------------------------------------
    node_id: dict[str, str] = {}
    avg_demand: dict[str, float] = {}
    total_peak = 0.0
    for jname, j in wn.junctions():
        vid = new_id("junction", jname)
        node_id[jname] = vid
        avg, peak = _demand_rates(wn, j)
        if not (math.isfinite(avg) and math.isfinite(peak)):
            raise ValueError(f"junction {jname!r} has a demand that is not a finite number")
        avg_demand[jname] = avg
        total_peak += max(peak, 0.0)
        peak_load = {WATER: Quantity(round(peak, 6), "m3/h")} if peak > 0 else {}
        m.components[vid] = Component(
            id=vid,
            subsystem=sub_id,
            kind="water_junction",
            name=jname,
            geometry=geom(j),
            peak_load=peak_load,
            prov=prov,
        )
        if avg < 0:
            out.unmapped.append(
                ImportNote(
                    f"junction {jname}",
                    f"negative average demand {avg:.6g} m3/h (an inflow): vitaal has no "
                    "inflow at a junction; no demand is recorded and it is no source",
                )
            )
        if j.emitter_coefficient:
            out.unmapped.append(
                ImportNote(f"junction {jname}", "emitter (pressure-dependent outflow) not mapped")
            )
    for rname in wn.reservoir_name_list:
        vid = new_id("reservoir", rname)
        node_id[rname] = vid
    for tname, t in wn.tanks():
        vid = new_id("tank", tname)
        node_id[tname] = vid
        m.components[vid] = Component(
            id=vid, subsystem=sub_id, kind="tank", name=tname, geometry=geom(t), prov=prov
        )
    res_capacity = Quantity(round(total_peak, 6), "m3/h")
    for rname, r in wn.reservoirs():
        vid = node_id[rname]
        m.components[vid] = Component(
            id=vid,
            subsystem=sub_id,
            kind="reservoir",
            name=rname,
            geometry=geom(r),
            capacity={WATER: res_capacity},
            prov=Provenance(
                Origin.COMPUTED,
                Confidence.LOW,
                "EPANET reservoirs have no capacity: set to the network's total peak demand",
            ),
        )
        out.assumptions.append(
            ImportNote(
                f"reservoir {rname}",
                f"capacity {res_capacity}: an EPANET reservoir is an unlimited head source; "
                "set to the network's total peak demand",
            )
        )
    # -- links ------------------------------------------------------------------------------
    links: list[tuple[str, str, str, bool, float]] = []  # (link id, start, end, one way, length)
    kind_of = {
        "Pipe": ("pipe", "water_main"),
        "Pump": ("pump", "water_pump"),
        "Valve": ("valve", "water_valve"),
    }
    pump_ids: list[tuple[str, str]] = []
    for lname, link in wn.links():
        etype, kind = kind_of[link.link_type]
        vid = new_id(etype, lname)
        capacity: dict[str, Quantity] = {}
        m.components[vid] = Component(
            id=vid,
            subsystem=sub_id,
            kind=kind,
            name=lname,
            geometry=line(link),
            capacity=capacity,
            prov=prov,
        )
        if etype == "pump":
            pump_ids.append((lname, vid))
        if link.link_type == "Valve" and str(link.valve_type) not in (
            "PRV",
            "PSV",
            "PBV",
            "FCV",
            "TCV",
            "GPV",
        ):
            out.unmapped.append(ImportNote(f"valve {lname}", f"valve type {link.valve_type}"))
        if _is_closed(link):
            out.assumptions.append(
                ImportNote(
                    f"{etype} {lname}",
                    "closed at the start of the simulation: carries nothing in the cascade "
                    "(no supply links); controls that open it later are not followed",
                )
            )
            continue
        length = float(getattr(link, "length", 0.0) or 0.0)
        links.append((vid, link.start_node_name, link.end_node_name, _one_way(link), length))

    reservoirs = set(wn.reservoir_name_list)

    def add_link(sup: str, con: str, res: str = WATER, p: Provenance = prov) -> None:
        s = SupplyLink(supplier=sup, consumer=con, resource=res, prov=p)
        m.supply[link_key(s)] = s

    for vid, a, b, one_way, _ in links:
        if b not in reservoirs:
            add_link(node_id[a], vid)
            add_link(vid, node_id[b])
        if not one_way and a not in reservoirs:
            add_link(node_id[b], vid)
            add_link(vid, node_id[a])
        if one_way and b in reservoirs:
            out.assumptions.append(
                ImportNote(
                    f"link {m.components[vid].name}", "flows only into a reservoir: carries nothing"
                )
            )

    # -- demand: one service area per junction with a positive average demand -----------------
    for jname, j in wn.junctions():
        if avg_demand[jname] <= 0:
            continue
        aid = new_id("demand", jname)
        m.areas[aid] = ServiceArea(
            id=aid,
            name=f"Demand at junction {jname}",
            kind=AreaKind.NEIGHBOURHOOD,
            geometry=geom(j),
            prov=prov,
        )
        add_link(node_id[jname], aid)

    in_service = {lk[0] for lk in links} | set(node_id.values())
    closed = {vid for vid in m.components if vid not in in_service}
    _drop_unfed(m, out, {node_id[r] for r in reservoirs}, closed)

    # -- tanks: stores with autonomy = usable volume / average demand served -----------------
    served = _demand_served(wn, node_id, links, avg_demand, reservoirs)
    for tname, t in wn.tanks():
        vid = node_id[tname]
        usable = float(t.get_volume(t.init_level) - t.get_volume(t.min_level))
        demand = served.get(tname, 0.0)
        if demand > 0:
            autonomy = max(usable, 0.0) / demand
            ref = (
                f"usable volume {usable:.6g} m3 (initial to minimum level) / average demand "
                f"{demand:.6g} m3/h of the junctions for which it is the nearest source"
            )
        else:
            autonomy = idle_tank_autonomy_h
            ref = "serves no demand (no junction has it as nearest source)"
            out.assumptions.append(
                ImportNote(f"tank {tname}", f"serves no demand: autonomy set to {autonomy:g} h")
            )
        if usable <= 0:
            out.assumptions.append(
                ImportNote(f"tank {tname}", "at its minimum level: autonomy 0 h")
            )
        st = Store(
            component=vid,
            resource=WATER,
            autonomy_h=round(autonomy, 6),
            prov=Provenance(Origin.COMPUTED, Confidence.LOW, ref),
        )
        m.stores[store_key(st)] = st

    # -- pumps need electricity ---------------------------------------------------------------
    unmapped_pumps = [(n, v) for n, v in pump_ids if n not in power_map]
    if pump_ids:
        m.resources[ELECTRICITY] = Resource(
            id=ELECTRICITY, name="Electricity", name_nl="Elektriciteit", unit="MW"
        )
    for pname, vid in pump_ids:
        if pname in power_map:
            add_link(power_map[pname], vid, ELECTRICITY)
            out.assumptions.append(
                ImportNote(
                    f"pump {pname}",
                    f"electricity from '{power_map[pname]}', which must be in the model this "
                    "one is merged with",
                )
            )
    for unknown in sorted(set(power_map) - {n for n, _ in pump_ids}):
        out.unmapped.append(ImportNote(f"power map entry {unknown}", "no pump of that name"))
    if unmapped_pumps:
        m.systems.setdefault(
            ELECTRICITY, System(id=ELECTRICITY, name="Electricity", name_nl="Elektriciteit")
        )
        psub = f"wn-{pfx}-power"
        m.subsystems[psub] = Subsystem(
            id=psub,
            system=ELECTRICITY,
            name="Power supply of the pumps (placeholder)",
            prov=computed,
        )
        power = 0.0
        for pname, _ in unmapped_pumps:
            w = _pump_power_w(wn, wn.get_link(pname))
            if w is None:
                out.unmapped.append(ImportNote(f"pump {pname}", "no pump curve: power unknown"))
            else:
                power += w
        pid = f"wn-{pfx}-power-external"
        m.components[pid] = Component(
            id=pid,
            subsystem=psub,
            kind="external_grid",
            name="Placeholder power supply",
            capacity={ELECTRICITY: Quantity(round(power / 1e6, 6), "MW")},
            prov=Provenance(
                Origin.ASSUMED,
                Confidence.LOW,
                "placeholder: replace by the real feeders (power map); capacity is the sum of "
                "the pumps' design power",
            ),
        )
        for _, vid in unmapped_pumps:
            add_link(pid, vid, ELECTRICITY, computed)
        out.assumptions.append(
            ImportNote(
                pid,
                f"placeholder electricity producer for {len(unmapped_pumps)} pump(s) without a "
                "power map entry: " + ", ".join(n for n, _ in unmapped_pumps),
            )
        )

    # -- what EPANET holds and vitaal does not --------------------------------------------------
    for cname in wn.control_name_list:
        out.unmapped.append(
            ImportNote(
                f"control {cname}",
                "controls and rules are not followed: the cascade "
                "uses the status at the start of the simulation",
            )
        )
    for cname, curve in wn.curves():
        if curve.curve_type == "HEAD":
            continue  # used for the pump's design power
        out.unmapped.append(
            ImportNote(f"curve {cname}", f"{curve.curve_type} curve: no place in the model")
        )
    for sname in getattr(wn, "source_name_list", []):
        out.unmapped.append(ImportNote(f"source {sname}", "water-quality source not mapped"))
    for pname in wn.pattern_name_list:
        out.unmapped.append(
            ImportNote(
                f"pattern {pname}",
                "time pattern: only its mean (average demand, tank autonomy) and maximum (peak "
                "load) are used",
            )
        )
    return out


def _drop_unfed(m: Model, out: EpanetImport, origins: set[str], closed: set[str]) -> None:
    """Remove the water links of every node no reservoir reaches with all elements in service.

    vitaal requires supply to trace back to a producer before any event; a part of the network
    cut off at the start (by closed links) receives nothing, so it gets no supply links and the
    report lists it. O(N + L).
    """
    succ: dict[str, list[str]] = {}
    for s in m.supply.values():
        if s.resource == WATER:
            succ.setdefault(s.supplier, []).append(s.consumer)
    seen = set(origins)
    stack = list(origins)
    while stack:
        v = stack.pop()
        for w in succ.get(v, ()):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    # every element of the network (links closed at the start are reported as such already)
    network = (set(m.components) | set(m.areas)) - closed
    unfed = sorted(network - seen)
    if not unfed:
        return
    bad = set(unfed)
    for key in [
        k
        for k, s in m.supply.items()
        if s.resource == WATER and (s.supplier in bad or s.consumer in bad)
    ]:
        del m.supply[key]
    names = {vid: f"{etype} {ename}" for (etype, ename), vid in out.element_ids.items()}
    for v in unfed:
        out.unmapped.append(
            ImportNote(
                names.get(v, v),
                "not connected to any reservoir at the start of the simulation (closed links): "
                "receives nothing, so it has no supply links",
            )
        )


def _demand_served(
    wn: Any,
    node_id: Mapping[str, str],
    links: Iterable[tuple[str, str, str, bool, float]],
    avg_demand: Mapping[str, float],
    reservoirs: set[str],
) -> dict[str, float]:
    """Average demand (m3/h) per tank of the junctions for which it is the nearest source.

    Nearest by pipe length along links in service in the direction water can flow (pumps,
    valves and zero-length links count 1 mm); sources are the reservoirs and the tanks.
    One multi-source Dijkstra: O((N + L) log N).
    """
    names = list(node_id)
    index = {n: i for i, n in enumerate(names)}
    rows: list[int] = []
    cols: list[int] = []
    wts: list[float] = []
    for _, a, b, one_way, length in links:
        w = max(length, 1e-3)
        rows.append(index[a])
        cols.append(index[b])
        wts.append(w)
        if not one_way:
            rows.append(index[b])
            cols.append(index[a])
            wts.append(w)
    n = len(names)
    sources = [index[s] for s in [*reservoirs, *wn.tank_name_list]]
    if not sources:
        return {}
    # keep the shortest of parallel links (a sparse matrix would add them up)
    best: dict[tuple[int, int], float] = {}
    for r, c, w in zip(rows, cols, wts, strict=True):
        if (r, c) not in best or w < best[(r, c)]:
            best[(r, c)] = w
    keys = list(best)
    graph = csr_matrix(
        ([best[k] for k in keys], ([k[0] for k in keys], [k[1] for k in keys])), shape=(n, n)
    )
    dist, _, src = dijkstra(
        graph, directed=True, indices=sources, min_only=True, return_predecessors=True
    )
    served: dict[str, float] = {}
    tanks = set(wn.tank_name_list)
    for jname, demand in avg_demand.items():
        i = index[jname]
        if demand <= 0 or not np.isfinite(dist[i]):
            continue
        s = names[int(src[i])]
        if s in tanks:
            served[s] = served.get(s, 0.0) + demand
    return served
