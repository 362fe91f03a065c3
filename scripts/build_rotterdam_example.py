"""Build the bundled example model "Rotterdam (illustrative)".

Reads the public anchor data in ``scripts/rotterdam_sources/`` (named stations, plants, bridges,
neighbourhoods, with their figures and sources) and adds the bulk of the model (neighbourhood
substations, cables, mains, pumping units, masts ...) laid out deterministically inside the
neighbourhoods they serve. Writes ``examples/rotterdam/``.

Run from anywhere::

    python scripts/build_rotterdam_example.py

The output is the same on every run: all randomness comes from seeded generators and every
loop runs over an ordered list.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import math
import random
import re
import shutil
import string
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from pyproj import Transformer
from rotterdam_interventions import add_likelihood, write_interventions
from rotterdam_names import dutch_name

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "rotterdam_sources"
OUT = ROOT / "examples" / "rotterdam"

BASE_YEAR = 2026
_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)

COMPONENT_FIELDS = [
    "id",
    "name",
    "name_nl",
    "subsystem",
    "kind",
    "geometry",
    "capacity",
    "peak_load",
    "condition",
    "build_year",
    "end_of_life_year",
    "lead_time_y",
    "replacement_cost_eur",
    "owner",
    "protection_zone_m",
    "sensitive",
    "boundary",
    "thresholds",
    "congestion",
    "waiting_list",
    "congestion_until",
    "congestion_ref",
    "origin",
    "confidence",
    "ref",
]

SUBSYSTEM_SYSTEM: dict[str, str] = {}


# --------------------------------------------------------------------------- small helpers


def rd(lat: float, lon: float) -> tuple[int, int]:
    """WGS84 latitude/longitude to RD New, rounded to the metre."""
    x, y = _TO_RD.transform(lon, lat)
    return round(x), round(y)


def num(v: float, digits: int = 2) -> str:
    text = f"{v:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def qty(v: float, unit: str, digits: int = 2) -> str:
    return f"{num(v, digits)} {unit}"


def point(x: float, y: float) -> str:
    return f"POINT ({round(x)} {round(y)})"


def linestring(pts: list[tuple[float, float]]) -> str:
    return "LINESTRING (" + ", ".join(f"{round(x)} {round(y)}" for x, y in pts) + ")"


def polygon(pts: list[tuple[float, float]]) -> str:
    ring = [*pts, pts[0]]
    return "POLYGON ((" + ", ".join(f"{round(x)} {round(y)}" for x, y in ring) + "))"


def square(x: float, y: float, half: float) -> list[tuple[float, float]]:
    return [(x - half, y - half), (x + half, y - half), (x + half, y + half), (x - half, y + half)]


def station_place(name: str) -> str:
    """Where a grid station stands, from its name: 'Krimpen aan den IJssel 380/150 kV' gives
    'Krimpen aan den IJssel'."""
    return re.sub(r" \d+(/\d+)? kV.*$", "", name)


def slug(text: str) -> str:
    text = text.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def built_in(rng: random.Random, ar: dict[str, Any], lo: int, hi: int) -> int:
    """A build year drawn from ``lo`` up to (not including) ``hi``, not before the year the
    neighbourhood's present building began (`built_from` in neighbourhoods.csv)."""
    start = max(lo, ar["built_from"] or lo)
    return rng.choice(range(min(start, hi - 1), hi))


def spread(cx: float, cy: float, radius: float, n: int, turn: float) -> list[tuple[int, int]]:
    """n points filling a disc evenly (sunflower layout), rotated by ``turn``."""
    golden = math.pi * (3 - math.sqrt(5))
    pts = []
    for i in range(n):
        r = radius * math.sqrt((i + 0.5) / n)
        a = i * golden + turn
        pts.append((round(cx + r * math.cos(a)), round(cy + r * math.sin(a))))
    return pts


def cite(source: str | dict[str, Any]) -> str:
    """A source of sources.yaml as one line: plain text as it is; a mapping as publisher,
    title, date and address, then what it says (the figure as published)."""
    if isinstance(source, str):
        return " ".join(source.split())
    line = f"{source['publisher']}, '{source['title']}', {source['date']}, {source['address']}"
    says = source.get("says")
    return f"{line}: {' '.join(str(says).split())}" if says else line


def load_yaml(name: str) -> Any:
    with (SOURCES / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


# --------------------------------------------------------------------------- the model builder


class Builder:
    """Collects the records of the model while the sections below add them."""

    def __init__(self) -> None:
        cited = load_yaml("sources.yaml")
        #: publications, each with publisher, title, date, address and what it says
        self.sources: dict[str, dict[str, Any]] = cited["sources"]
        #: what is not a publication with an address (expert judgement, unverified claims)
        self.notes: dict[str, str] = cited["notes"]
        self.refs: dict[str, str | dict[str, Any]] = {**self.sources, **self.notes}
        self.components: dict[str, dict[str, Any]] = {}
        self.xy: dict[str, tuple[int, int]] = {}
        self.supply: list[dict[str, Any]] = []
        self._links: set[tuple[str, str, str]] = set()
        self.reqs: dict[tuple[str, str], dict[str, Any]] = {}
        self.stores: list[dict[str, Any]] = []
        self.areas: dict[str, dict[str, Any]] = {}
        self.cfs: dict[str, dict[str, Any]] = {}
        self.couplings: list[dict[str, Any]] = []
        self.side_outputs: list[dict[str, Any]] = []
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        self.by_area: dict[tuple[str, str], list[str]] = defaultdict(list)
        #: the upper levels with their sources or reasons (apply_register)
        self.register: dict[str, dict[str, Any]] = {}
        #: what a component does without a resource, said after its sources (apply_register)
        self.dependency_notes: dict[str, list[str]] = defaultdict(list)

    def ref(self, key: str | None) -> str | None:
        """The citation of ``key``: keys of sources.yaml (separated by ``;``) become their full
        citation, anything else is kept as written."""
        if not key:
            return None
        parts = [p.strip() for p in str(key).split(";")]
        return "; ".join(cite(self.refs[p]) if p in self.refs else p for p in parts)

    def add(
        self,
        cid: str,
        subsystem: str,
        kind: str,
        *,
        xy: tuple[int, int],
        geometry: str | None = None,
        area: str | None = None,
        **fields: Any,
    ) -> str:
        if cid in self.components or cid in self.areas or cid in self.cfs:
            raise ValueError(f"duplicate id {cid}")
        rec: dict[str, Any] = {"id": cid, "subsystem": subsystem, "kind": kind}
        rec["geometry"] = geometry or point(*xy)
        for key, value in fields.items():
            if value is not None and value != "":
                rec[key] = value
        rec.setdefault("origin", "assumed")
        rec.setdefault("confidence", "low")
        if "ref" in rec:
            rec["ref"] = self.ref(rec["ref"])
        self.components[cid] = rec
        self.xy[cid] = xy
        self.by_kind[kind].append(cid)
        if area:
            self.by_area[(area, kind)].append(cid)
        return cid

    def link(
        self, supplier: str, consumer: str, resource: str, role: str = "primary", **prov: Any
    ) -> None:
        key = (supplier, consumer, resource)
        if key in self._links or supplier == consumer:
            return
        self._links.add(key)
        row = {"supplier": supplier, "consumer": consumer, "resource": resource, "role": role}
        row.update(prov)
        self.supply.append(row)

    def links(self, suppliers: list[str], consumer: str, resource: str, **prov: Any) -> None:
        for i, s in enumerate(suppliers):
            self.link(s, consumer, resource, "primary" if i == 0 else "backup", **prov)

    def need(self, consumer: str, resource: str, buffer_h: float = 0, k: int = 1, **prov: Any):
        row = {"consumer": consumer, "resource": resource, "buffer_h": buffer_h, "k": k}
        row.update(prov)
        if "ref" in row:
            row["ref"] = self.ref(row["ref"])
        self.reqs[(consumer, resource)] = row

    def nearest(self, ids: list[str], xy: tuple[float, float], n: int = 1) -> list[str]:
        return sorted(ids, key=lambda i: (dist(self.xy[i], xy), i))[:n]


# --------------------------------------------------------------------------- resources


RESOURCES = [
    ("electricity", "Electricity", "Elektriciteit", "MW"),
    ("gas", "Natural gas", "Aardgas", "Nm3/h"),
    ("heat", "District heat", "Warmte", "MW"),
    ("cooling", "Cooling", "Koeling", "MW"),
    ("raw_water", "Raw water", "Ruwwater", "m3/h"),
    ("drinking_water", "Drinking water", "Drinkwater", "m3/h"),
    (
        "sewer",
        "Wastewater removal without overflow",
        "Afvoer van afvalwater zonder overstort",
        "m3/h",
    ),
    ("drainage", "Drainage of rain and polder water", "Afvoer van regen- en polderwater", "m3/h"),
    (
        "flood_protection",
        "Protection against flooding",
        "Bescherming tegen overstroming",
        "service",
    ),
    ("data", "Fixed data connectivity", "Vaste dataverbindingen", "Gbit/s"),
    ("mobile", "Mobile voice and data", "Mobiele telefonie en data", "Gbit/s"),
    ("c2000", "C2000 emergency radio", "C2000 noodcommunicatie", "service"),
    ("control", "Control and telemetry", "Besturing en telemetrie", "service"),
    ("road_access", "Road access", "Bereikbaarheid over de weg", "veh/h"),
    ("public_transport", "Metro service", "Metrovervoer", "pax/h"),
    ("vessel_traffic", "Vessel traffic management", "Scheepvaartverkeersbegeleiding", "service"),
]

# Resources whose suppliers keep working when load moved onto them exceeds their capacity, and
# serve everyone worse ("congest"): traffic congests on the other crossings, mains run at lower
# pressure, networks slow down. The others take the default, "shed": a backup serves whole
# consumers in priority order while they fit and sheds the rest, as grid operators switch
# over what fits. No resource trips ("fail"): no protection rule with a source is known here.
CONGESTS_ON_OVERLOAD = {
    "road_access", "public_transport", "drinking_water", "raw_water", "gas", "data", "mobile",
}  # fmt: skip


# --------------------------------------------------------------------------- areas


def build_areas(b: Builder) -> list[dict[str, Any]]:
    rows = []
    with (SOURCES / "neighbourhoods.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            aid = "area-" + slug(r["name"])
            x, y = rd(float(r["lat"]), float(r["lon"]))
            pop, homes, jobs = int(r["population"]), int(r["homes"]), int(r["jobs"])
            radius = (
                1500
                if r["kind"] == "port_area"
                else min(1100, max(350, 250 + 4 * math.sqrt(pop + jobs / 2)))
            )
            info = dict(r, id=aid, x=x, y=y, pop=pop, homes=homes, jobs=jobs, radius=radius)
            info["outside"] = r["outside_dike"] == "yes"
            info["heat_share"] = float(r["heat_share"])
            info["built_from"] = int(r["built_from"]) if r["built_from"] else None
            rows.append(info)
            b.areas[aid] = {
                "id": aid,
                "name": r["name"],
                "kind": r["kind"],
                "district": r["district"],
                "population": pop,
                "homes": homes,
                "jobs": jobs,
                "x": x,
                "y": y,
                "built_from": info["built_from"],
                "origin": "public_source",
                "confidence": "low",
                "ref": b.ref("cbs_wijken; built_from" if info["built_from"] else "cbs_wijken"),
            }
            b.xy[aid] = (x, y)
    heat_connections(b, rows, load_yaml("assets.yaml")["heat_connections"])
    return rows


#: The heat networks of neighbourhoods.csv (`heat_net`) and their operators.
HEAT_OPERATOR = {
    "north": "Eneco",
    "east": "Eneco",
    "south": "Vattenfall",
    "hoogvliet": "Vattenfall",
}
#: A neighbourhood with fewer homes on a network than this gets none (its share goes to the
#: other neighbourhoods of the same network).
HEAT_MIN_CONNECTIONS = 50


def heat_connections(b: Builder, rows: list[dict[str, Any]], published: list[dict[str, Any]]):
    """Homes on a heat network per neighbourhood: each published count (assets.yaml
    `heat_connections`: an operator's connections on some of its networks) is spread over the
    neighbourhoods of those networks in proportion to their homes times `heat_share` (the
    expert reading of where the networks lie); a neighbourhood left with fewer than
    HEAT_MIN_CONNECTIONS gets none and the rest is spread again. Sets each row's `heat_conn`
    and `heat_frac` (the share of its homes connected) and the area's `connections`."""
    for ar in rows:
        ar["heat_conn"], ar["heat_frac"] = 0, 0.0
    for pub in published:
        members = [ar for ar in rows if ar["heat_net"] in pub["networks"]]
        while True:
            weight = {ar["id"]: ar["homes"] * ar["heat_share"] for ar in members}
            total = sum(weight.values())
            conn = {aid: round(pub["connections"] * w / total) for aid, w in weight.items()}
            small = [ar for ar in members if conn[ar["id"]] < HEAT_MIN_CONNECTIONS]
            if not small:
                break
            members = [ar for ar in members if ar not in small]
        for ar in members:
            ar["heat_conn"] = min(conn[ar["id"]], ar["homes"])
            ar["heat_frac"] = ar["heat_conn"] / ar["homes"]
            b.areas[ar["id"]]["connections"] = f"heat: {ar['heat_conn']}"
            note = "homes on the heat network: " + b.ref(pub["ref"])
            b.areas[ar["id"]]["ref"] = f"{b.areas[ar['id']]['ref']}; {note}"


# --------------------------------------------------------------------------- named assets


def add_named(b: Builder, a: dict[str, Any], ds_ids: list[str]) -> str:
    """Add one named asset of assets.yaml with its explicit supply and requirements."""
    if "path" in a:
        pts = [rd(lat, lon) for lat, lon in a["path"]]
        mid = pts[len(pts) // 2]
        xy, geom = mid, linestring(pts)
    else:
        xy, geom = rd(a["lat"], a["lon"]), None
    fields = {
        k: a.get(k)
        for k in (
            "name",
            "capacity",
            "peak_load",
            "condition",
            "build_year",
            "end_of_life_year",
            "lead_time_y",
            "replacement_cost_eur",
            "owner",
            "protection_zone_m",
            "thresholds",
            "origin",
            "confidence",
            "ref",
        )
    }
    if a.get("boundary"):
        fields["boundary"] = "true"
    fields["origin"] = fields["origin"] or "assumed"
    cid = b.add(a["id"], a["subsystem"], a["kind"], xy=xy, geometry=geom, **fields)
    prov = {"origin": "expert_judgement", "confidence": "medium"}
    shared = a.get("shared") or {}
    for res, sups in (a.get("supplied_by") or {}).items():
        n_primary = shared.get(res, 1)
        for i, s in enumerate(sups):
            b.link(s, cid, res, "primary" if i < n_primary else "backup", **prov)
    for res, spec in (a.get("needs") or {}).items():
        b.need(cid, res, spec.get("buffer_h", 0), spec.get("k", 1), **prov)
    power = a.get("power")
    if power:
        if power == "sub":
            sups = b.nearest(b.by_kind["substation"], xy, 1)
        else:
            sups = b.nearest(ds_ids, xy, 2 if power == "ds2" else 1)
        b.links(sups, cid, "electricity", **prov)
        if a.get("power_buffer_h"):
            b.need(cid, "electricity", a["power_buffer_h"], origin="assumed")
    if a.get("control"):
        b.link(a["control"], cid, "control", **prov)
        buffer_h = a.get("control_buffer_h", 0)
        if a.get("control_mode") == "local":
            # pumps and plants that run on their own local control without the central one
            b.need(cid, "control", WITHOUT_CONTROL_H, **LOCAL_CONTROL)
        elif a.get("control_manual_h"):
            # operators run the plant by hand on site when its control system is lost
            b.need(
                cid,
                "control",
                buffer_h,
                origin="expert_judgement",
                degraded_h=a["control_manual_h"],
                degraded_share=a.get("control_manual_share", 1.0),
                ref="Local, manual control by staff on site (assumed: share of capacity "
                "and how long the rota holds)",
            )
        elif buffer_h:
            b.need(cid, "control", buffer_h, origin="expert_judgement")
    if a.get("gas_from"):
        b.link(a["gas_from"], cid, "gas", **prov)
    if a.get("store_h"):
        res = next(iter(a["capacity"].split(":")))
        b.stores.append(
            {
                "component": cid,
                "resource": res.strip(),
                "autonomy_h": a["store_h"],
                "origin": a.get("origin", "assumed"),
                "confidence": a.get("confidence", "low"),
                "ref": b.ref(a.get("ref")),
            }
        )
    return cid


def add_data_links(b: Builder, cid: str, how: str | None) -> None:
    if how == "dc2":
        b.links(b.nearest(b.by_kind["data_centre"], b.xy[cid], 2), cid, "data")


# --------------------------------------------------------------------------- electricity


def build_electricity(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any]) -> None:
    rng = random.Random(20260101)
    for a in assets["electricity"]:
        add_named(b, a, [])
    ds_defs = assets["distribution_stations"]
    ds_xy = {d["id"]: rd(d["lat"], d["lon"]) for d in ds_defs}
    for d in ds_defs:
        b.xy[d["id"]] = ds_xy[d["id"]]
    ds_ids = [d["id"] for d in ds_defs]
    ds_load: dict[str, float] = defaultdict(float)

    # Neighbourhood substations, laid out in each neighbourhood, grouped into MV rings.
    feeders: list[dict[str, Any]] = []
    for ar in areas:
        aid, homes, jobs = ar["id"], ar["homes"], ar["jobs"]
        n = max(2, round(homes / 160 + jobs / 450))
        peak_mw = (homes * 1.1 + jobs * 0.9) / 1000
        load = peak_mw / n
        pts = spread(ar["x"], ar["y"], ar["radius"], n, rng.random() * 6.28)
        sub_ids = []
        for i, (x, y) in enumerate(pts):
            # a first rating; size_from_engine sets the final one from the engine's load
            u = rng.uniform(0.35, 0.9)
            cap = next((c for c in (0.4, 0.63, 1.0, 1.6) if c * u >= load), 1.6)
            built = (
                built_in(rng, ar, 1955, 2024)
                if ar["kind"] != "port_area"
                else built_in(rng, ar, 1965, 2020)
            )
            cond = 1 + min(5, max(0, (BASE_YEAR - built) // 14 + rng.choice((-1, 0, 0, 1))))
            # a transformer is built for ambient air up to 40 degC (IEC 60076-1, normal service
            # conditions); above it, it is not fit to run: the heat threshold of every substation
            thr = "water_depth: 0.3 m; temperature: 40 degC"
            sid = b.add(
                f"el-sub-{aid[5:]}-{i + 1:03d}",
                "el-mv",
                "substation",
                xy=(x, y),
                area=aid,
                name=f"Substation {ar['name']} {i + 1}",
                capacity=f"electricity: {num(cap)} MVA",
                condition=cond,
                build_year=built,
                end_of_life_year=built + 60,
                lead_time_y=1.5,
                replacement_cost_eur=120000,
                owner="Stedin",
                protection_zone_m=5,
                thresholds=thr,
                origin="assumed",
                confidence="low",
                ref="stedin_build; iec_60076_1",
            )
            sub_ids.append(sid)
            b.link(sid, aid, "electricity")
        per_feeder = max(3, min(10, int(5.0 / max(load, 0.05))))
        near2 = b.nearest(ds_ids, (ar["x"], ar["y"]), 2)
        for j in range(0, n, per_feeder):
            chunk = sub_ids[j : j + per_feeder]
            feeders.append({"area": ar, "subs": chunk, "load": load * len(chunk), "ds": near2})

    mt_cable = b.add(
        "el-mv-maastunnel",
        "el-mv",
        "cable_mv",
        xy=rd(51.9000, 4.4620),
        geometry=linestring([rd(51.9045, 4.4450), rd(51.9080, 4.4600), rd(51.8960, 4.4640)]),
        name="MV cables through the Maastunnel",
        capacity="electricity: 12 MVA",
        peak_load="electricity: 0 MW",
        condition=4,
        build_year=1975,
        owner="Stedin",
        origin="assumed",
        confidence="low",
    )
    b.link("el-ds-schiehaven", mt_cable, "electricity")
    for fi, fd in enumerate(feeders):
        ar = fd["area"]
        fid = f"el-mv-{ar['id'][5:]}-{fi + 1:04d}"
        prim, back = fd["ds"]
        pts = [ds_xy[prim]] + [b.xy[s] for s in fd["subs"]]
        cap = 6.5 if fd["load"] < 5.5 else 10
        b.add(
            fid,
            "el-mv",
            "cable_mv",
            xy=b.xy[fd["subs"][0]],
            geometry=linestring(pts),
            area=ar["id"],
            name=f"MV ring {ar['name']} {fi + 1}",
            capacity=f"electricity: {num(cap)} MVA",
            condition=rng.choice((2, 3, 3, 4)),
            build_year=built_in(rng, ar, 1960, 2020),
            lead_time_y=1,
            replacement_cost_eur=400000,
            owner="Stedin",
            origin="assumed",
        )
        if ar["name"] in ("Heijplaat", "Oud-Charlois") and fi % 2 == 0:
            back = mt_cable
        b.links([prim, back], fid, "electricity")
        ds_load[prim] += fd["load"]
        for s in fd["subs"]:
            b.link(fid, s, "electricity")

    # Industrial and port loads taken straight from the stations (no neighbourhood substations).
    for ds, extra in (
        ("el-ds-botlek", 180),
        ("el-ds-europoort", 160),
        ("el-ds-pernis", 140),
        ("el-ds-maasvlakte", 120),
        ("el-ds-eemhaven", 40),
        ("el-ds-waalhaven", 30),
    ):
        ds_load[ds] += extra

    congestion = grid_congestion(b, assets)
    for d in ds_defs:
        dsid, peak = d["id"], ds_load[d["id"]] * 1.1 + 10
        cap = math.ceil(peak / station_util(d, ds_defs))
        built = d["build_year"]
        b.add(
            dsid,
            "el-ds",
            "distribution_station",
            xy=ds_xy[dsid],
            name=f"Distribution station {d['name']}",
            capacity=f"electricity: {cap} MVA",
            peak_load=f"electricity: {num(peak, 1)} MW",
            condition=d["condition"],
            build_year=built,
            end_of_life_year=built + 55,
            lead_time_y=8,
            replacement_cost_eur=35000000,
            owner="Stedin",
            protection_zone_m=30,
            thresholds="water_depth: 0.5 m; temperature: 40 degC",
            origin="expert_judgement",
            confidence="low",
            ref="stedin_build" if d["util"] is not None else f"stedin_build; {NOTE_UTIL}",
            **congestion.get(dsid, {}),
        )
        for tag, gs, role in (("a", d["hv"][0], "primary"), ("b", d["hv"][1], "backup")):
            cab = b.add(
                f"el-hv-{dsid[6:]}-{tag}",
                "el-hv",
                "cable_hv",
                xy=ds_xy[dsid],
                geometry=linestring([b.xy[gs], ds_xy[dsid]]),
                name=f"150 kV cable {station_place(b.components[gs]['name'])} - {d['name']}",
                capacity=f"electricity: {cap} MVA",
                condition=3,
                build_year=built,
                end_of_life_year=built + 60,
                lead_time_y=7,
                replacement_cost_eur=25000000,
                owner="TenneT",
                protection_zone_m=10,
                origin="assumed",
            )
            b.link(gs, cab, "electricity")
            b.link(cab, dsid, "electricity", role)
        b.link("tel-ctl-stedin", dsid, "control")
        b.link("tel-ctl-stedin-backup", dsid, "control", "backup")
        b.need(dsid, "control", WITHOUT_CONTROL_H, **MANUAL_SWITCHING)
    for gs in b.by_kind["grid_station_hv"]:
        b.link("tel-ctl-tennet", gs, "control")
        b.link("tel-ctl-tennet-backup", gs, "control", "backup")
        b.need(gs, "control", WITHOUT_CONTROL_H, **MANUAL_SWITCHING)


# --------------------------------------------------------------------------- other systems


def build_gas(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids: list[str]):
    rng = random.Random(20260202)
    for a in assets["gas"]:
        add_named(b, a, ds_ids)
    gos = [a["id"] for a in assets["gas"] if a["kind"] == "gas_receiving_station"]
    gos_load: dict[str, float] = defaultdict(float)
    for ar in areas:
        if ar["kind"] == "port_area":
            continue
        load = ar["homes"] * (1 - ar["heat_frac"]) * 0.9 + ar["jobs"] * 0.25
        n_ds = max(1, math.ceil(load / 2500))
        n_main = max(1, math.ceil(ar["homes"] / 1500 + ar["jobs"] / 6000))
        pts = spread(ar["x"], ar["y"], ar["radius"] * 0.7, n_ds + n_main, 1.0)
        near = b.nearest(gos, (ar["x"], ar["y"]), 2)
        stations = []
        for i in range(n_ds):
            built = built_in(rng, ar, 1960, 2015)
            sid = b.add(
                f"gas-ds-{ar['id'][5:]}-{i + 1:02d}",
                "gas-dist",
                "gas_district_station",
                xy=pts[i],
                area=ar["id"],
                name=f"Gas district station {ar['name']} {i + 1}",
                capacity=f"gas: {num(load / n_ds / 0.6, 0)} Nm3/h",
                condition=rng.choice((2, 3, 3, 4)),
                build_year=built,
                end_of_life_year=built + 50,
                lead_time_y=1,
                replacement_cost_eur=250000,
                owner="Stedin",
                protection_zone_m=4,
                thresholds="water_depth: 1.0 m",
            )
            b.links(near, sid, "gas")
            gos_load[near[0]] += load / n_ds
            stations.append(sid)
        for j in range(n_main):
            built = built_in(rng, ar, 1930, 2020)
            mid = b.add(
                f"gas-main-{ar['id'][5:]}-{j + 1:02d}",
                "gas-dist",
                "gas_main",
                xy=pts[n_ds + j],
                geometry=linestring([pts[j % n_ds], pts[n_ds + j]]),
                area=ar["id"],
                name=f"Gas mains {ar['name']} {j + 1}",
                capacity=f"gas: {num(load / n_main * 1.6, 0)} Nm3/h",
                condition=5 if built < 1950 else rng.choice((2, 3, 4)),
                build_year=built,
                end_of_life_year=built + 60,
                lead_time_y=1,
                replacement_cost_eur=900000,
                owner="Stedin",
            )
            sups = [stations[j % n_ds]] + ([stations[(j + 1) % n_ds]] if n_ds > 1 else [])
            b.links(sups, mid, "gas")
            b.link(mid, ar["id"], "gas")
    for g in gos:
        peak = gos_load[g] + 500
        c = b.components[g]
        c.update(
            {
                "capacity": f"gas: {num(math.ceil(peak / 0.7 / 1000) * 1000, 0)} Nm3/h",
                "condition": 3,
                "build_year": 1968,
                "end_of_life_year": 2038,
                "lead_time_y": 4,
                "replacement_cost_eur": 6000000,
                "owner": "Gasunie",
                "protection_zone_m": 15,
                "thresholds": "water_depth: 0.8 m",
                "origin": "assumed",
            }
        )
        # No supply link of electricity: a gas receiving station delivers gas without grid
        # power (before: it failed 24 h into a power cut and took the city's gas with it).
        b.dependency_notes[g].append(GAS_STATION_POWER)


def build_heat(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids: list[str]):
    rng = random.Random(20260303)
    for a in assets["heat"]:
        add_named(b, a, ds_ids)
    junction = {
        "north": "heat-net-north",
        "east": "heat-net-east",
        "south": "heat-net-south",
        "hoogvliet": "heat-net-hoogvliet",
    }
    for ar in areas:
        if not ar["heat_conn"]:
            continue
        homes_heat = ar["heat_conn"]
        load = (homes_heat * 4 + ar["jobs"] * ar["heat_frac"] * 2) / 1000
        n = max(1, round(homes_heat / 1500))
        pts = spread(ar["x"], ar["y"], ar["radius"] * 0.6, n + 1, 2.0)
        subs = b.by_area[(ar["id"], "substation")]
        pump = b.add(
            f"heat-ps-{ar['id'][5:]}",
            "heat-dist",
            "heat_pump_station",
            xy=pts[0],
            area=ar["id"],
            name=f"Heat circulation pumps {ar['name']}",
            capacity=f"heat: {num(load * 1.4, 1)} MW",
            condition=rng.choice((2, 3, 3, 4)),
            build_year=built_in(rng, ar, 1965, 2020),
            lead_time_y=2,
            replacement_cost_eur=1500000,
            owner=HEAT_OPERATOR[ar["heat_net"]],
            thresholds="water_depth: 0.5 m",
        )
        b.link(junction[ar["heat_net"]], pump, "heat")
        b.links(b.nearest(subs, pts[0], 2), pump, "electricity")
        b.link("tel-ctl-heat", pump, "control")
        b.need(pump, "control", WITHOUT_CONTROL_H, **LOCAL_CONTROL)
        for i in range(n):
            built = built_in(rng, ar, 1960, 2022)
            sec = b.add(
                f"heat-dist-{ar['id'][5:]}-{i + 1:02d}",
                "heat-dist",
                "heat_distribution",
                xy=pts[i + 1],
                geometry=linestring([pts[0], pts[i + 1]]),
                area=ar["id"],
                name=f"Heat distribution {ar['name']} {i + 1}",
                capacity=f"heat: {num(load / n * 1.5, 2)} MW",
                peak_load=f"heat: {num(load / n, 2)} MW",
                condition=rng.choice((2, 3, 4)),
                build_year=built,
                end_of_life_year=built + 50,
                lead_time_y=2,
                replacement_cost_eur=2000000,
                owner=HEAT_OPERATOR[ar["heat_net"]],
            )
            b.link(pump, sec, "heat")
            b.link(sec, ar["id"], "heat")
        b.need(
            ar["id"],
            "heat",
            6,
            origin="expert_judgement",
            ref="Homes cool down slowly; hot water lost at once",
        )


def build_water(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids: list[str]):
    rng = random.Random(20260404)
    for a in assets["drinking_water"]:
        add_named(b, a, ds_ids)
    groups = {
        "kralingen": ["dw-tm-noord", "dw-tm-centrum", "dw-tm-alexander"],
        "berenplaat": ["dw-tm-zuid", "dw-tm-ijsselmonde", "dw-tm-west"],
    }
    for ar in areas:
        demand = ar["pop"] * 0.011 + ar["jobs"] * 0.003
        n = max(1, math.ceil(ar["homes"] / 800 + ar["jobs"] / 3000))
        pts = spread(ar["x"], ar["y"], ar["radius"] * 0.8, n, 3.0)
        if ar["name"] == "Hoek van Holland":
            sups = ["dw-bs-hoek-van-holland"]
        elif ar["name"] in ("Maasvlakte", "Europoort"):
            sups = ["dw-bs-maasvlakte"]
        else:
            sups = b.nearest(groups[ar["dw_plant"]], (ar["x"], ar["y"]), 2)
            if ar["dw_plant"] == "berenplaat" and ar["roads"] in ("zuid", "waalhaven"):
                sups.append("dw-main-maastunnel")
            if ar["roads"] == "ijsselmonde":
                sups.append("dw-main-vbo")
        for i, xy in enumerate(pts):
            built = built_in(rng, ar, 1925, 2022)
            mid = b.add(
                f"dw-main-{ar['id'][5:]}-{i + 1:02d}",
                "dw-dist",
                "water_main",
                xy=xy,
                geometry=linestring([(ar["x"], ar["y"]), xy]),
                area=ar["id"],
                name=f"Distribution mains {ar['name']} {i + 1}",
                capacity=f"drinking_water: {num(max(60, demand / n * 2), 0)} m3/h",
                condition=5 if built < 1945 else rng.choice((2, 3, 3, 4)),
                build_year=built,
                end_of_life_year=built + 80,
                lead_time_y=1,
                replacement_cost_eur=1200000,
                owner="Evides",
            )
            b.links(sups, mid, "drinking_water")
            b.link(mid, ar["id"], "drinking_water")


#: A grid station that loses both control rooms keeps running: its protection is local, and
#: staff switch on site. It keeps working without control for a week (assumed), longer than
#: any horizon here.
MANUAL_SWITCHING: dict[str, Any] = {
    "origin": "expert_judgement",
    "confidence": "medium",
    "ref": "Runs on without its control rooms (SCADA): protection is local and staff switch "
    "on site (a week assumed)",
}
GAS_STATION_POWER = (
    "no need of electricity: pressure reduction works on the gas pressure itself and what "
    "needs power on site (telemetry, the controls of the gas-fired preheaters) runs on "
    "batteries (expert judgement; the station's design replaces it)"
)


BRIDGE_POWER = (
    "carries road traffic without power or its control centre: a movable span stays down, "
    "closed to tall ships and open to traffic (expert judgement)"
)
#: A pumping station or plant that loses its central control or telemetry runs on its own local
#: control (level or pressure switches, the plant's own PLC): it keeps working, watched by staff
#: on rounds, for a week (assumed), longer than any horizon here.
LOCAL_CONTROL: dict[str, Any] = {
    "origin": "expert_judgement",
    "confidence": "medium",
    "ref": "Runs on its own local control when the central control or telemetry is lost, "
    "watched by staff on rounds (a week assumed)",
}
#: Hours a station or plant keeps working without its central control (see LOCAL_CONTROL).
WITHOUT_CONTROL_H = 168


#: The storage of the city's sewers (expert judgement; the sewer operator's own figures per
#: catchment replace it). Rotterdam's sewers are mostly combined: rain and wastewater share one
#: pipe, and the pipe's volume between the pumps' switch-off level and the crests of its
#: overflows is storage. Dutch sewer policy's reference system for a combined sewer stores 7 mm
#: of rain over the paved area it drains (and pumps 0.7 mm/h on top of the dry-weather flow).
SEWER_STORAGE_MM = 7.0
#: Paved area drained per inhabitant and per job, m2 (roofs, streets and yards of a dense city;
#: assumed).
SEWER_PAVED_M2 = {"person": 60.0, "job": 20.0}
#: Dry-weather flow at its design peak, litres an hour per inhabitant and per job (the Dutch
#: design figure of 12 l per inhabitant an hour; jobs a third of it, assumed). At the peak, not
#: the daily mean, so the storage time is a lower bound.
SEWER_DWF_L_H = {"person": 12.0, "job": 4.0}
#: Heavy rain (15 mm an hour or more) fills 7 mm of storage in about half an hour once the pumps
#: stand still (assumed): in rain the storage bridges a stopped pump for so long only.
SEWER_RAIN_FILL_H = 0.5

#: A pump or main of the sewer keeps working when the station or plant downstream stops: what
#: then fills and overflows is the storage behind it (the pumping units' catchments), not the
#: pump itself. Its need of ``sewer`` lasts as long as that storage does.
SEWER_KEEPS_RUNNING: dict[str, Any] = {
    "origin": "expert_judgement",
    "confidence": "medium",
    "ref": "Keeps working when the station or plant downstream stops; the sewer's storage "
    "behind it fills meanwhile, and overflows when full",
}

NOTE_SEWER_STORAGE = (
    "Storage of the combined sewer upstream of the pumping unit, up to its overflows: "
    "{mm:g} mm over the paved area it drains ({p:g} m2 per inhabitant, {j:g} per job, assumed) "
    "holds {h:g} h of dry-weather flow at its design peak ({dp:g} l per inhabitant, {dj:g} per "
    "job an hour); when it is full the sewer overflows into the canals and backs up where it "
    "cannot (expert judgement after the reference system of Dutch sewer policy; the operator's "
    "figures per catchment replace it)"
)
NOTE_SEWER_RAIN = (
    "In heavy rain the sewer needs its pumps to carry off the rain: with the pump stopped the "
    "storage is full within about half an hour and the sewer overflows (assumed)"
)


def sewer_storage_h(ar: dict[str, Any]) -> float:
    """Hours of dry-weather flow the sewer storage of an area's catchments holds: the storage
    over the paved area its people and jobs drain, divided by their dry-weather flow at its
    design peak (the same for every catchment of the area, as both scale with its share)."""
    m3 = (
        SEWER_STORAGE_MM
        / 1000
        * (SEWER_PAVED_M2["person"] * ar["pop"] + SEWER_PAVED_M2["job"] * ar["jobs"])
    )
    m3_h = (SEWER_DWF_L_H["person"] * ar["pop"] + SEWER_DWF_L_H["job"] * ar["jobs"]) / 1000
    return round(m3 / m3_h, 1)


def build_wastewater(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids):
    """The sewers: treatment plant, pressure main, district pumping station and small pumping
    units, and behind each pumping unit the storage of the sewer it drains (a store of
    ``sewer``). What an area loses when a plant or pump stops is not its wastewater removal at
    once but the sewer's storage: on a dry day the store bridges the stop for its hours of
    dry-weather flow; in heavy rain (condition ``rain``) it is full within half an hour, and
    the sewer overflows. The resource ``sewer`` is thus removal without overflow."""
    rng = random.Random(20260505)
    for a in assets["wastewater"]:
        add_named(b, a, ds_ids)
    control = {"hhsk": "tel-ctl-riool", "delfland": "tel-ctl-riool", "hhd": "tel-ctl-riool"}
    for ar in areas:
        if not ar["wwtp"]:
            continue
        flow = ar["pop"] * 0.012 + ar["jobs"] * 0.004
        wwtp = "ww-wwtp-" + ar["wwtp"]
        aid = ar["id"][5:]
        subs = b.by_area[(ar["id"], "substation")]
        dxy = (ar["x"] + 150, ar["y"] - 150)
        built = built_in(rng, ar, 1960, 2015)
        main = b.add(
            f"ww-pm-{aid}",
            "ww-collect",
            "sewer_main",
            xy=dxy,
            geometry=linestring([dxy, b.xy[wwtp]]),
            name=f"Pressure main {ar['name']} - {b.components[wwtp]['name']}",
            capacity=f"sewer: {num(max(200, flow * 3), 0)} m3/h",
            condition=rng.choice((2, 3, 4, 4)),
            build_year=built,
            end_of_life_year=built + 60,
            lead_time_y=3,
            replacement_cost_eur=3000000,
            owner="Gemeente Rotterdam",
        )
        b.link(wwtp, main, "sewer")
        storage_h = sewer_storage_h(ar)
        b.need(main, "sewer", storage_h, **SEWER_KEEPS_RUNNING)
        dps = b.add(
            f"ww-dps-{aid}",
            "ww-collect",
            "sewer_pumping_station",
            xy=dxy,
            area=ar["id"],
            name=f"District sewage pumping station {ar['name']}",
            # the same pumps lift the rain of the combined sewer
            capacity=f"sewer: {num(max(200, flow * 3), 0)} m3/h; "
            f"drainage: {num(max(200, flow * 3), 0)} m3/h",
            condition=rng.choice((2, 3, 3, 4)),
            build_year=built,
            end_of_life_year=built + 40,
            lead_time_y=2,
            replacement_cost_eur=2500000,
            owner="Gemeente Rotterdam",
            thresholds="water_depth: 0.5 m",
        )
        b.link(main, dps, "sewer")
        b.need(dps, "sewer", storage_h, **SEWER_KEEPS_RUNNING)
        b.links(b.nearest(subs, dxy, 2), dps, "electricity")
        b.need(
            dps,
            "electricity",
            0,
            origin="expert_judgement",
            ref="No generator of its own (assumed): the pumps stop with the power; the sewer's "
            "storage behind the pumping units bridges the stop",
        )
        b.link(control[ar["water_board"]], dps, "control")
        b.need(dps, "control", WITHOUT_CONTROL_H, **LOCAL_CONTROL)
        n = max(1, round(ar["homes"] / 330 + ar["jobs"] / 4000))
        pts = spread(ar["x"], ar["y"], ar["radius"] * 0.95, n, 4.0)
        note = NOTE_SEWER_STORAGE.format(
            mm=SEWER_STORAGE_MM,
            p=SEWER_PAVED_M2["person"],
            j=SEWER_PAVED_M2["job"],
            h=storage_h,
            dp=SEWER_DWF_L_H["person"],
            dj=SEWER_DWF_L_H["job"],
        )
        for i, xy in enumerate(pts):
            cap = num(max(20, flow / n * 3), 0)
            uid = b.add(
                f"ww-pu-{aid}-{i + 1:03d}",
                "ww-collect",
                "small_pumping_station",
                xy=xy,
                area=ar["id"],
                name=f"Pumping unit {ar['name']} {i + 1}",
                # the same pumps lift the rain of the combined sewer
                capacity=f"sewer: {cap} m3/h; drainage: {cap} m3/h",
                condition=rng.choice((2, 3, 3, 4, 5)),
                build_year=built_in(rng, ar, 1970, 2022),
                lead_time_y=0.5,
                replacement_cost_eur=60000,
                owner="Gemeente Rotterdam",
                thresholds="water_depth: 0.5 m",
            )
            b.link(dps, uid, "sewer")
            b.need(uid, "sewer", storage_h, **SEWER_KEEPS_RUNNING)
            # in rain the station downstream carries the rain off; without it the unit runs on
            # and the sewer behind it overflows
            b.link(dps, uid, "drainage")
            b.need(uid, "drainage", 168, condition="rain", **SEWER_KEEPS_RUNNING)
            b.link(b.nearest(subs, xy, 1)[0], uid, "electricity")
            b.need(
                uid,
                "electricity",
                0,
                origin="expert_judgement",
                ref="No backup power: the pump stops with the power; the sewer's storage "
                "bridges the stop",
            )
            sid = b.add(
                f"ww-st-{aid}-{i + 1:03d}",
                "ww-collect",
                "sewer_storage",
                xy=xy,
                area=ar["id"],
                name=f"Sewer storage {ar['name']} {i + 1} (catchment of its pumping unit)",
                capacity=f"sewer: {cap} m3/h",
                owner="Gemeente Rotterdam",
                origin="expert_judgement",
                confidence="low",
                ref=note,
            )
            b.link(uid, sid, "sewer")
            b.link(uid, sid, "drainage")
            b.need(
                sid,
                "drainage",
                SEWER_RAIN_FILL_H,
                condition="rain",
                origin="expert_judgement",
                confidence="low",
                ref=NOTE_SEWER_RAIN,
            )
            b.stores.append(
                {
                    "component": sid,
                    "resource": "sewer",
                    "autonomy_h": storage_h,
                    "origin": "expert_judgement",
                    "confidence": "low",
                    "ref": note,
                }
            )
            b.link(sid, ar["id"], "sewer")


def build_flood(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids: list[str]):
    rng = random.Random(20260606)
    serves: dict[str, list[str]] = {}
    for a in assets["flood_defence"]:
        add_named(b, a, ds_ids)
        if a.get("serves"):
            serves[a["id"]] = a["serves"]
    for d in b.by_kind["dike"]:
        b.need(
            d,
            "flood_protection",
            0,
            condition="storm_surge",
            origin="expert_judgement",
            ref="The dike holds normal high water; the barrier is needed only in a storm surge",
        )
    owners = {
        "hhsk": "Hoogheemraadschap van Schieland en de Krimpenerwaard",
        "delfland": "Hoogheemraadschap van Delfland",
        "hhd": "Waterschap Hollandse Delta",
    }
    ctl = {"hhsk": "tel-ctl-hhsk", "delfland": "tel-ctl-delfland", "hhd": "tel-ctl-hhd"}
    stations: dict[str, list[str]] = defaultdict(list)
    inside = [ar for ar in areas if not ar["outside"]]
    for i, ar in enumerate(inside):
        if i % 3 and ar["pop"] < 15000:
            continue
        xy = (ar["x"] - 250, ar["y"] + 200)
        cap = 3000 + (ar["pop"] // 2000) * 600
        built = built_in(rng, ar, 1950, 2020)
        sid = b.add(
            f"fd-ps-{ar['id'][5:]}",
            "fd-water",
            "polder_pumping_station",
            xy=xy,
            area=ar["id"],
            name=f"Polder pumping station {ar['name']}",
            capacity=f"drainage: {cap} m3/h",
            condition=rng.choice((2, 3, 3, 4)),
            build_year=built,
            end_of_life_year=built + 50,
            lead_time_y=3,
            replacement_cost_eur=4000000,
            owner=owners[ar["water_board"]],
            thresholds="water_depth: 0.8 m",
        )
        b.links(b.nearest(ds_ids, xy, 1), sid, "electricity")
        # a polder station pumps in and after rain; on a dry day it may stand still for hours
        b.need(
            sid,
            "electricity",
            4,
            condition="rain",
            origin="expert_judgement",
            ref="Needs power only to pump in and after heavy rain; some stations have a diesel "
            "set (4 h assumed for all)",
        )
        b.link(ctl[ar["water_board"]], sid, "control")
        b.need(sid, "control", WITHOUT_CONTROL_H, **LOCAL_CONTROL)
        stations[ar["water_board"]].append(sid)
    for ar in inside:
        pool = stations[ar["water_board"]] or [s for v in stations.values() for s in v]
        b.links(b.nearest(pool, (ar["x"], ar["y"]), 2), ar["id"], "drainage")
        b.need(
            ar["id"],
            "drainage",
            0,
            condition="rain",
            origin="expert_judgement",
            ref="A polder needs its pumps to drain in and after heavy rain; on a dry day a "
            "pumping station may stand still for hours without water on the streets",
        )
        if ar["dike"]:
            b.link("fd-dike-" + ar["dike"], ar["id"], "flood_protection")
            b.need(
                ar["id"],
                "flood_protection",
                0,
                condition="storm_surge",
                origin="expert_judgement",
                ref="The primary defences are tested only by a storm surge",
            )
    for wb, served in serves.items():
        pool = [s for v in stations.values() for s in v]
        b.link(b.nearest(pool, b.xy[wb], 1)[0], wb, "drainage")
        for aid in served:
            b.link(wb, aid, "drainage", "backup")


def build_telecom(
    b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids: list[str]
):
    rng = random.Random(20260707)
    for a in assets["telecom"]:
        cid = add_named(b, a, ds_ids)
        add_data_links(b, cid, a.get("data"))
    north_south = {
        "kpn": ("tel-core-kpn-botersloot", "tel-core-kpn-zuid", "tel-fibre-maastunnel"),
        "vz": ("tel-core-vz-noord", "tel-core-vz-zuid", "tel-fibre-erasmusbrug"),
    }
    owner = {"kpn": "KPN", "vz": "VodafoneZiggo"}
    south = {"zuid", "ijsselmonde", "waalhaven", "hoogvliet", "port-west"}
    rings: dict[tuple[str, str], str] = {}
    for ar in areas:
        key = slug(ar["district"])
        for op in ("kpn", "vz"):
            if (key, op) in rings:
                continue
            core_n, core_s, crossing = north_south[op]
            is_south = ar["roads"] in south
            rng.randint(80, 260)  # unused draw: keeps the seeded sequence of the figures below
            rid = b.add(
                f"tel-ring-{key}-{op}",
                "tel-fixed",
                "fibre_ring",
                xy=(ar["x"], ar["y"]),
                geometry=linestring([b.xy[core_s if is_south else core_n], (ar["x"], ar["y"])]),
                name=f"Fibre ring {ar['district']} ({owner[op]})",
                capacity="data: 400 Gbit/s",
                condition=rng.choice((1, 2, 2, 3)),
                build_year=rng.choice(range(1995, 2020)),
                lead_time_y=1,
                replacement_cost_eur=2000000,
                owner=owner[op],
            )
            b.links([core_s, crossing] if is_south else [core_n, core_s], rid, "data")
            rings[(key, op)] = rid
    op_cycle = [("KPN", "kpn", 3), ("VodafoneZiggo", "vz", 1), ("Odido", "vz", 2)]
    for ar in areas:
        aid = ar["id"][5:]
        subs = b.by_area[(ar["id"], "substation")]
        nodes = {}
        for k, op in enumerate(("kpn", "vz")):
            xy = (ar["x"] + (120 if k else -120), ar["y"] + 80)
            nid = b.add(
                f"tel-node-{aid}-{op}",
                "tel-fixed",
                "fibre_node",
                xy=xy,
                area=ar["id"],
                name=f"Fibre node {ar['name']} ({owner[op]})",
                capacity="data: 100 Gbit/s",
                condition=rng.choice((1, 2, 2, 3)),
                build_year=built_in(rng, ar, 2000, 2022),
                lead_time_y=0.5,
                replacement_cost_eur=150000,
                owner=owner[op],
                thresholds="water_depth: 0.3 m; temperature: 40 degC",
            )
            b.link(rings[(slug(ar["district"]), op)], nid, "data")
            b.link(b.nearest(subs, xy, 1)[0], nid, "electricity")
            b.need(
                nid, "electricity", 4, origin="expert_judgement", ref="Batteries in street nodes"
            )
            b.link(nid, ar["id"], "data")
            nodes[op] = nid
        n = max(2, round((ar["pop"] + 0.6 * ar["jobs"]) / 1300))
        pts = spread(ar["x"], ar["y"], ar["radius"] * 0.9, n, 5.0)
        for i, xy in enumerate(pts):
            oname, op, hours = op_cycle[i % 3]
            if rng.random() < 0.15:
                hours = 0.5
            mid = b.add(
                f"tel-mast-{aid}-{i + 1:02d}",
                "tel-mobile",
                "mobile_mast",
                xy=xy,
                area=ar["id"],
                name=f"Mobile mast {ar['name']} {i + 1} ({oname})",
                capacity="mobile: 2 Gbit/s",
                peak_load=f"mobile: {num(rng.uniform(0.6, 1.8), 2)} Gbit/s",
                condition=rng.choice((1, 2, 2, 3)),
                build_year=built_in(rng, ar, 2005, 2024),
                lead_time_y=1.5,
                replacement_cost_eur=250000,
                owner=oname,
                thresholds="water_depth: 0.5 m; temperature: 45 degC",
            )
            b.link(b.nearest(subs, xy, 1)[0], mid, "electricity")
            b.need(
                mid,
                "electricity",
                hours,
                origin="public_source",
                confidence="medium",
                ref="mast_battery",
            )
            b.link(nodes[op], mid, "data")
            b.link(mid, ar["id"], "mobile")
    # C2000 masts at the busiest neighbourhoods and in the port.
    ranked = sorted(areas, key=lambda r: (-(r["pop"] + r["jobs"]), r["id"]))
    chosen = [ar for i, ar in enumerate(ranked) if i % 3 == 0][:22]
    for ar in chosen:
        xy = (ar["x"] - 200, ar["y"] - 200)
        cid = b.add(
            f"tel-c2000-{ar['id'][5:]}",
            "tel-c2000",
            "c2000_mast",
            xy=xy,
            area=ar["id"],
            name=f"C2000 mast {ar['name']}",
            capacity="c2000: 1 service",
            condition=2,
            build_year=2004,
            end_of_life_year=2030,
            lead_time_y=2,
            replacement_cost_eur=300000,
            owner="Ministerie van Justitie en Veiligheid",
            thresholds="water_depth: 0.5 m",
            # the emergency services' own network: the web app shows where its masts stand
            # only to those who need it (docs/web.md, sensitive locations)
            sensitive="true",
        )
        b.link(b.nearest(b.by_area[(ar["id"], "substation")], xy, 1)[0], cid, "electricity")
        b.need(
            cid,
            "electricity",
            8,
            origin="expert_judgement",
            ref="Batteries and generator at C2000 sites",
        )
        b.link(f"tel-node-{ar['id'][5:]}-kpn", cid, "data")


def build_mobility(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids):
    rng = random.Random(20260808)
    for a in assets["mobility"]:
        cid = add_named(b, a, ds_ids)
        add_data_links(b, cid, a.get("data"))
        if a["kind"] == "bridge":
            # no need of power or of a control centre for road traffic (before: the
            # Erasmusbrug closed four hours into a power cut)
            b.dependency_notes[cid].append(BRIDGE_POWER)
    networks = {
        "noord-west": (
            "North-west (Delfshaven, Overschie)",
            ["mob-a13", "mob-a20", "mob-maastunnel", "mob-beneluxtunnel"],
        ),
        "noord": (
            "North and centre",
            ["mob-a20", "mob-a16-north", "mob-erasmusbrug", "mob-willemsbrug"],
        ),
        "oost": (
            "East (Kralingen, Prins Alexander)",
            ["mob-a16-north", "mob-a20", "mob-vanbrienenoordbrug"],
        ),
        "zuid": (
            "South (Feijenoord, Charlois)",
            [
                "mob-a15-ringzuid",
                "mob-erasmusbrug",
                "mob-willemsbrug",
                "mob-maastunnel",
                "mob-koninginnebrug",
            ],
        ),
        "ijsselmonde": (
            "IJsselmonde",
            ["mob-vanbrienenoordbrug", "mob-a15-ringzuid", "mob-willemsbrug"],
        ),
        "hoogvliet": ("Hoogvliet and Pernis", ["mob-a15-ringzuid", "mob-beneluxtunnel"]),
        "waalhaven": ("Waalhaven and Eemhaven", ["mob-a15-ringzuid", "mob-maastunnel"]),
        "port-west": (
            "Port west (Botlek, Europoort, Maasvlakte, Rozenburg)",
            ["mob-botlektunnel", "mob-beneluxtunnel"],
        ),
        "hvh": ("Hoek van Holland", ["mob-a20"]),
    }
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ar in areas:
        members[ar["roads"]].append(ar)
    for key, (label, sups) in networks.items():
        ms = members[key]
        x = sum(a["x"] for a in ms) / len(ms)
        y = sum(a["y"] for a in ms) / len(ms)
        demand = sum(a["pop"] * 0.03 + a["jobs"] * 0.05 for a in ms)
        nid = b.add(
            f"mob-roads-{key}",
            "mob-road",
            "road_section",
            xy=(round(x), round(y)),
            name=f"City main roads {label}",
            capacity=f"road_access: {num(round(demand * 1.3, -2), 0)} veh/h",
            peak_load=f"road_access: {num(round(demand, -2), 0)} veh/h",
            condition=3,
            build_year=1970,
            lead_time_y=3,
            owner="Gemeente Rotterdam",
        )
        b.links(sups, nid, "road_access")
        for ar in ms:
            b.link(nid, ar["id"], "road_access")
    # Metro: sections with traction substations along them.
    for m in load_yaml("metro.yaml"):
        pts = [rd(lat, lon) for _, lat, lon in m["stations"]]
        mid = pts[len(pts) // 2]
        thr = (
            "water_depth: 0.2 m"
            if m.get("outside_dike")
            else ("water_depth: 0.3 m" if m.get("tunnel") else "")
        )
        sid = b.add(
            m["id"],
            "mob-metro",
            "metro_line",
            xy=mid,
            geometry=linestring(pts),
            name=m["name"],
            capacity="public_transport: 20000 pax/h",
            peak_load=f"public_transport: {rng.randint(9, 17) * 1000} pax/h",
            condition=rng.choice((2, 3, 3, 4)),
            build_year=m["build_year"],
            end_of_life_year=m["build_year"] + 80,
            lead_time_y=6,
            replacement_cost_eur=300000000,
            owner="RET",
            thresholds=thr,
            origin="public_source",
            confidence="medium",
            ref="ret_metro",
        )
        ts_ids = []
        for j, p in enumerate(pts[::2]):
            tid = b.add(
                f"mob-ts-{m['id'][10:]}-{j + 1}",
                "mob-metro",
                "traction_substation",
                xy=(p[0] + 60, p[1] + 60),
                name=f"Traction substation {m['stations'][j * 2][0]}",
                capacity="electricity: 4 MVA",
                peak_load=f"electricity: {num(rng.uniform(1.5, 3.4), 1)} MW",
                condition=rng.choice((2, 3, 4)),
                build_year=m["build_year"],
                end_of_life_year=m["build_year"] + 45,
                lead_time_y=2,
                replacement_cost_eur=3000000,
                owner="RET",
                thresholds="water_depth: 0.3 m; temperature: 38 degC",
            )
            b.links(b.nearest(ds_ids, p, 2), tid, "electricity")
            ts_ids.append(tid)
        for t in ts_ids:
            b.link(t, sid, "electricity")
        b.need(
            sid,
            "electricity",
            0,
            k=max(1, len(ts_ids) - 1),
            origin="expert_judgement",
            ref="Neighbouring traction substations cover one that fails",
        )
        b.link("mob-ret-control", sid, "control")
        b.need(sid, "control", 0.25, origin="expert_judgement")
        for ar in areas:
            if min(dist((ar["x"], ar["y"]), p) for p in pts) < 900:
                b.link(sid, ar["id"], "public_transport")


#: The port's nautical services and its terminals are separate parts. Two vessel traffic
#: centres, in the Botlek and in Hoek van Holland, follow every ship (vts_two_centres): each
#: serves the ships of its sectors (the port areas below), the other taking them over when it
#: fails (assumed: the centres have a back-up room; who takes over from whom is not published). A
#: terminal, tank hub, lock or quay works on its own power and data: it does not stop when a
#: traffic centre or the Harbour Coordination Centre does (ships at berth are worked; arrivals
#: and departures wait), and a terminal that stops takes no nautical service down.
PORT_SECTORS = {
    "port-vc-hvh": (["Maasvlakte", "Europoort"], "port-vc-botlek"),
    "port-vc-botlek": (["Botlek", "Vondelingenplaat", "Waalhaven", "Eemhaven"], "port-vc-hvh"),
}


def build_port(b: Builder, areas: list[dict[str, Any]], assets: dict[str, Any], ds_ids) -> None:
    for a in assets["port"]:
        cid = add_named(b, a, ds_ids)
        add_data_links(b, cid, a.get("data"))
        if a["kind"] in ("terminal", "pipeline_hub", "lock", "quay"):
            b.links(b.nearest(ds_ids, b.xy[cid], 2), cid, "electricity")
            nodes = b.by_kind["fibre_node"]
            b.links(b.nearest(nodes, b.xy[cid], 2), cid, "data")
        if a.get("roads"):
            b.link(f"mob-roads-{a['roads']}", cid, "road_access")
    by_name = {ar["name"]: ar for ar in areas}
    for centre, (sector, fallback) in PORT_SECTORS.items():
        for name in sector:
            b.links([centre, fallback], by_name[name]["id"], "vessel_traffic")


def build_ates(b: Builder, areas: list[dict[str, Any]]) -> None:
    rng = random.Random(20260909)
    rng2 = random.Random(20260910)  # measured cooling peaks of the buildings served
    for ar in areas:
        if ar["kind"] == "port_area":
            continue
        n = round(ar["jobs"] / 2500)
        pts = spread(ar["x"], ar["y"], ar["radius"] * 0.7, n, 6.0) if n else []
        for i, xy in enumerate(pts):
            built = built_in(rng, ar, 2000, 2025)
            cap_c = rng.uniform(1, 4)
            cid = b.add(
                f"ates-{ar['id'][5:]}-{i + 1:02d}",
                "ates-systems",
                "ates_system",
                xy=xy,
                area=ar["id"],
                name=f"ATES system {ar['name']} {i + 1}",
                capacity=f"cooling: {num(cap_c, 1)} MW",
                peak_load=f"cooling: {num(cap_c * rng2.uniform(0.4, 0.8), 2)} MW",
                condition=rng.choice((1, 2, 2, 3)),
                build_year=built,
                end_of_life_year=built + 30,
                lead_time_y=2,
                replacement_cost_eur=1500000,
                owner="Building owner",
            )
            b.link(b.nearest(b.by_area[(ar["id"], "substation")], xy, 1)[0], cid, "electricity")
    b.add(
        "ates-erasmus-mc",
        "ates-systems",
        "ates_system",
        xy=rd(51.9105, 4.4690),
        area="area-dijkzigt",
        name="ATES system Erasmus MC",
        capacity="cooling: 12 MW",
        peak_load="cooling: 9 MW",
        condition=2,
        build_year=2013,
        end_of_life_year=2043,
        lead_time_y=3,
        replacement_cost_eur=8000000,
        owner="Erasmus MC",
        origin="expert_judgement",
        confidence="low",
    )
    b.links(
        b.nearest(b.by_kind["distribution_station"], b.xy["ates-erasmus-mc"], 2),
        "ates-erasmus-mc",
        "electricity",
    )


# --------------------------------------------------------------------------- critical functions


#: the categories of critical functions that stop when their sewer backs up
SEWER_DEPENDENT = ("acute_care", "care_home")


def build_critical(b: Builder, areas: list[dict[str, Any]], ds_ids: list[str]) -> None:
    rng = random.Random(20261010)
    by_name = {ar["name"]: ar for ar in areas}
    defs = list(load_yaml("critical_functions.yaml"))
    ranked = sorted((ar for ar in areas if ar["pop"] > 6000), key=lambda r: (-r["pop"], r["id"]))
    for i, ar in enumerate(ranked[:14]):
        defs.append(
            {
                "id": f"cf-fire-{ar['id'][5:]}",
                "name": f"Fire station {ar['name']}",
                "category": "fire_service",
                "area": ar["name"],
                "people": 30,
                "gen_h": 24,
                "owner": "Veiligheidsregio Rotterdam-Rijnmond",
                "dx": 150 + i,
            }
        )
    for ar in ranked[1:20:2]:
        defs.append(
            {
                "id": f"cf-police-{ar['id'][5:]}",
                "name": f"Police station {ar['name']}",
                "category": "police",
                "area": ar["name"],
                "people": 80,
                "gen_h": 8,
                "owner": "Politie Eenheid Rotterdam",
                "dx": -180,
            }
        )
    for ar in ranked[:30]:
        defs.append(
            {
                "id": f"cf-care-{ar['id'][5:]}",
                "name": f"Care home {ar['name']}",
                "category": "care_home",
                "area": ar["name"],
                "people": rng.randint(80, 220),
                "gen_h": 8 if rng.random() < 0.35 else 0,
                "owner": "Care organisation",
                "dx": 260,
            }
        )
    radio = {
        "acute_care",
        "emergency_response",
        "police",
        "fire_service",
        "crisis_management",
        "port",
        "government",
    }
    for d in defs:
        ar = by_name[d["area"]]
        if "lat" in d:
            xy = rd(d["lat"], d["lon"])
        else:
            xy = (ar["x"] + d.get("dx", 0), ar["y"] + abs(d.get("dx", 0)) // 2)
        cid = d["id"]
        b.cfs[cid] = {
            "id": cid,
            "name": d["name"],
            "category": d["category"],
            "area": ar["id"],
            "people": d["people"],
            "owner": d.get("owner"),
            "x": xy[0],
            "y": xy[1],
            "origin": d.get("origin", "assumed"),
            "confidence": d.get("confidence", "low"),
            "ref": b.ref(d.get("ref")),
        }
        b.xy[cid] = xy
        big = d["category"] in (
            "acute_care",
            "emergency_response",
            "crisis_management",
            "chemical",
            "port",
        )
        if big or d["category"] in ("government", "transport"):
            b.links(b.nearest(ds_ids, xy, 2), cid, "electricity")
        else:
            b.link(b.nearest(b.by_area[(ar["id"], "substation")], xy, 1)[0], cid, "electricity")
        if d.get("gen_h"):
            b.need(
                cid,
                "electricity",
                d["gen_h"],
                origin="expert_judgement",
                ref="Emergency generator (24-72 h by policy); hours assumed",
            )
        b.links(b.nearest(b.by_area[(ar["id"], "water_main")], xy, 2), cid, "drinking_water")
        if d["category"] in ("acute_care", "care_home"):
            b.need(cid, "drinking_water", 4, origin="expert_judgement", ref="Small on-site storage")
        if (ar["id"], "sewer_storage") in b.by_area and d["category"] in SEWER_DEPENDENT:
            # its sewer drains to the nearest pumping unit, whose storage bridges a stop; a
            # backed-up sewer stops care (sanitation, hygiene) after about a day, not a fire
            # or police station, a crisis centre or an office, which keep working
            b.link(b.nearest(b.by_area[(ar["id"], "sewer_storage")], xy, 1)[0], cid, "sewer")
            b.need(
                cid,
                "sewer",
                24,
                origin="expert_judgement",
                ref="Sanitation bridged for about a day (chemical toilets, reduced use); "
                "hours assumed",
            )
        b.links(b.nearest(b.by_kind["fibre_node"], xy, 2), cid, "data")
        if d["category"] in radio:
            b.links(b.nearest(b.by_kind["c2000_mast"], xy, 2), cid, "c2000")
        if d["category"] in ("care_home", "education", "food"):
            b.link(b.nearest(b.by_area[(ar["id"], "mobile_mast")], xy, 1)[0], cid, "mobile")
        b.link(f"mob-roads-{ar['roads']}", cid, "road_access")
        if d.get("heat_from"):
            b.link(d["heat_from"], cid, "heat")
            b.need(cid, "heat", 12, origin="expert_judgement")
        elif (
            d["category"] in ("acute_care", "care_home")
            and (ar["id"], "heat_distribution") in b.by_area
        ):
            b.link(b.by_area[(ar["id"], "heat_distribution")][0], cid, "heat")
            b.need(cid, "heat", 12, origin="expert_judgement")
        elif d["category"] in ("acute_care", "care_home") and (ar["id"], "gas_main") in b.by_area:
            b.link(b.by_area[(ar["id"], "gas_main")][0], cid, "gas")
            b.need(cid, "gas", 12, origin="expert_judgement")
        if d.get("cooling"):
            b.link("ates-erasmus-mc", cid, "cooling")
            b.need(
                cid,
                "cooling",
                4,
                origin="expert_judgement",
                ref="Operating theatres and server rooms",
            )
        if d.get("vessel"):
            b.link("port-hcc", cid, "vessel_traffic")


# --------------------------------------------------------------------------- couplings etc.


def build_couplings(b: Builder, areas: list[dict[str, Any]]) -> None:
    def cpl(cid: str, kind: str, members: list[str], desc: str, managed: str | None, **prov: Any):
        rec = {
            "id": cid,
            "kind": kind,
            "members": members,
            "description": desc,
            "managed_by": managed,
        }
        rec.update({"origin": "expert_judgement", "confidence": "medium"} | prov)
        if "ref" in rec:
            rec["ref"] = b.ref(rec["ref"])
        b.couplings.append(rec)

    cpl(
        "cpl-maastunnel-cables",
        "same_structure",
        ["mob-maastunnel", "el-mv-maastunnel", "tel-fibre-maastunnel", "dw-main-maastunnel"],
        "Power cables, fibre and a water main run through the Maastunnel's cable and pipe tubes",
        None,
    )
    cpl(
        "cpl-erasmusbrug-fibre",
        "same_structure",
        ["mob-erasmusbrug", "tel-fibre-erasmusbrug"],
        "Fibre cables cross the Maas on the Erasmusbrug",
        "Gemeente Rotterdam",
        confidence="low",
    )
    # The plant and the WWTP stand beside the bridge: works on the bridge touch them
    # (adjacent), but a bridge taken out of service does not stop them; only the main along
    # the bridge shares its structure.
    cpl(
        "cpl-vbo-kralingen",
        "adjacent",
        ["mob-vanbrienenoordbrug", "dw-tp-kralingen", "dw-cws-kralingen"],
        "The Kralingen drinking-water plant lies right below the Van Brienenoordbrug; "
        "works on the bridge touch the plant",
        None,
        origin="public_source",
        ref="trouw_kralingen",
    )
    cpl(
        "cpl-vbo-main",
        "same_structure",
        ["mob-vanbrienenoordbrug", "dw-main-vbo"],
        "The interconnection main runs along the Van Brienenoordbrug",
        None,
        origin="public_source",
        ref="trouw_kralingen",
    )
    cpl(
        "cpl-vbo-kralingseveer",
        "adjacent",
        ["mob-vanbrienenoordbrug", "ww-wwtp-kralingseveer"],
        "WWTP Kralingseveer lies next to the bridge's north abutment",
        None,
        confidence="low",
    )
    # Both heat transport lines start at the AVR site, but a fire there does not take them
    # along: after the AVR fire of 2023 both carried Uniper's heat (avr_fire_2023). No
    # co-location coupling, which would fail them with AVR.
    cpl(
        "cpl-metro-river-tunnel",
        "same_structure",
        ["mob-metro-de-river", "mob-metro-de-north", "mob-metro-de-south"],
        "Lines D and E share one river tunnel (1968)",
        "RET",
    )
    cpl(
        "cpl-scada-stedin",
        "shared_control",
        ["tel-ctl-stedin", *b.by_kind["distribution_station"]],
        "All distribution stations are switched remotely from one Stedin control centre",
        "Stedin",
    )
    cpl(
        "cpl-scada-evides",
        "shared_control",
        [
            "tel-ctl-evides",
            "dw-tp-kralingen",
            "dw-tp-berenplaat",
            "dw-bs-kralingen",
            "dw-bs-berenplaat",
            "dw-bs-hoek-van-holland",
            "dw-bs-maasvlakte",
        ],
        "Both plants and all boosters run on one Evides SCADA",
        "Evides",
    )
    cpl(
        "cpl-bos-barriers",
        "shared_control",
        ["tel-ctl-bos", "fd-maeslantkering", "fd-hartelkering"],
        "One decision and support system closes both barriers of the Europoortkering",
        "Rijkswaterstaat",
        origin="public_source",
        ref="maeslant_2023; europoortkering_2023",
    )
    cpl(
        "cpl-riool-telemetry",
        "shared_control",
        ["tel-ctl-riool", *b.by_kind["sewer_pumping_station"]],
        "District sewage pumping stations report to one municipal telemetry system",
        "Gemeente Rotterdam",
    )
    cpl(
        "cpl-dc-control",
        "organisational",
        ["tel-dc-spaanse-polder", "tel-dc-waalhaven", "tel-dc-alexander"],
        "The control systems of several utilities are hosted in three data centres of one "
        "colocation provider (three sites, so no common physical cause)",
        None,
        confidence="low",
    )
    cpl(
        "cpl-gemeente-assets",
        "organisational",
        [
            "mob-maastunnel",
            "mob-erasmusbrug",
            "mob-willemsbrug",
            "fd-wb-museumpark",
            "fd-wb-benthemplein",
            *b.by_kind["sewer_pumping_station"][:10],
        ],
        "The municipality manages the Maastunnel, city bridges, water squares and the sewers, "
        "each in its own department",
        None,
    )
    cpl(
        "cpl-tunnel-contractor",
        "same_contractor",
        ["mob-maastunnel", "mob-beneluxtunnel", "mob-botlektunnel"],
        "Tunnel installations maintained under framework contracts with a few contractors",
        None,
        confidence="low",
    )
    flood_zone = [ar for ar in areas if ar["outside"]]
    for ar in flood_zone:
        members = [c for (aid, _), ids in sorted(b.by_area.items()) if aid == ar["id"] for c in ids]
        members = [
            m for m in members if b.components[m].get("thresholds", "").startswith("water_depth")
        ]
        extra = [
            cid
            for cid, xy in sorted(b.xy.items())
            if cid in b.components
            and cid not in members
            and dist(xy, (ar["x"], ar["y"])) < ar["radius"] * 0.8
            and b.components[cid]["kind"]
            in (
                "distribution_station",
                "heat_transfer_station",
                "port_control",
                "terminal",
                "wwtp",
                "heat_storage",
                "heat_pump_station",
            )
        ]
        members = sorted(set(members + extra))
        if len(members) >= 2:
            cpl(
                f"cpl-flood-{ar['id'][5:]}",
                "flood_zone",
                members,
                f"Outside the dikes in {ar['name']}: floods at high river or storm water "
                "when the barrier is open or fails",
                None,
                origin="public_source",
                ref="maeslant_2023; europoortkering_2023",
            )


def build_side_outputs(b: Builder) -> None:
    def so(
        sid: str,
        comp: str,
        output: str,
        amount: str | None,
        usable: list[str],
        desc: str,
        **prov: Any,
    ):
        rec = {
            "id": sid,
            "component": comp,
            "output": output,
            "amount": amount,
            "usable_by": usable,
            "description": desc,
            "origin": "assumed",
            "confidence": "low",
        } | prov
        if "ref" in rec:
            rec["ref"] = b.ref(rec["ref"])
        b.side_outputs.append(rec)

    so(
        "so-avr-heat",
        "heat-avr-rozenburg",
        "waste_heat",
        "230 MW",
        ["heat"],
        "Heat of waste incineration, largely used by both transport lines",
        origin="public_source",
        confidence="medium",
        ref="wbr_vattenfall; eneco_lon",
    )
    so(
        "so-mpp3-heat",
        "el-pp-maasvlakte",
        "waste_heat",
        "800 MW",
        ["heat"],
        "Condenser heat of the Maasvlakte power plants, discharged to the sea",
        origin="expert_judgement",
    )
    for dc in ("tel-dc-spaanse-polder", "tel-dc-waalhaven", "tel-dc-alexander"):
        so(
            f"so-{dc[4:]}-heat",
            dc,
            "waste_heat",
            "3 MW",
            ["heat", "ates"],
            "Low-temperature heat of server cooling; could feed a heat pump or ATES",
        )
    so(
        "so-dokhaven-sludge",
        "ww-wwtp-dokhaven",
        "sludge",
        "180 t/d",
        ["wastewater"],
        "Sewage sludge pumped to Sluisjesdijk for digestion",
        origin="public_source",
        ref="Sludge of Dokhaven goes to Sluisjesdijk",
    )
    so(
        "so-sluisjesdijk-biogas",
        "ww-sludge-sluisjesdijk",
        "biogas",
        "1200 Nm3/h",
        ["gas", "heat"],
        "Biogas from sludge digestion, used on site; could be upgraded to green gas",
    )
    so(
        "so-kralingseveer-biogas",
        "ww-wwtp-kralingseveer",
        "biogas",
        "600 Nm3/h",
        ["gas", "heat"],
        "Biogas from own digestion",
    )
    so(
        "so-dokhaven-effluent-heat",
        "ww-wwtp-dokhaven",
        "waste_heat",
        "15 MW",
        ["heat"],
        "Heat in the effluent (riothermie) next to the heat network's southern branch",
    )
    so(
        "so-museumpark-runoff",
        "fd-wb-museumpark",
        "runoff",
        "10000 m3",
        ["wastewater", "flood_defence"],
        "Stored rain pumped back into the sewer after the storm",
        origin="public_source",
        ref="owb_museumpark",
    )


# --------------------------------------------------------------------------- the register


#: The fields a source of sources.yaml must give.
SOURCE_FIELDS = ("publisher", "title", "date", "address", "says")


#: Generated kinds that belong to the upper levels all the same: the main pumping stations of
#: the sewers and of the polders (one per district, laid out by the builder).
UPPER_GENERATED_KINDS = ("sewer_pumping_station", "polder_pumping_station")


def upper_level_ids(b: Builder, assets: dict[str, Any]) -> list[str]:
    """The upper levels of every system: the named assets of assets.yaml, the 150 kV
    distribution stations, the metro lines and the main pumping stations of the sewers and
    the polders (everything else is generated in bulk: the lower levels)."""
    ids = [
        a["id"]
        for section in assets.values()
        if isinstance(section, list)
        for a in section
        if isinstance(a, dict) and "id" in a and "kind" in a
    ]
    ids += [d["id"] for d in assets["distribution_stations"]]
    ids += [m["id"] for m in load_yaml("metro.yaml")]
    ids += [cid for kind in UPPER_GENERATED_KINDS for cid in b.by_kind[kind]]
    return ids


def register_entry(register: dict[str, Any], cid: str) -> dict[str, Any]:
    """The register's entry for ``cid``: its own, else the first pattern (with ``*``) that
    matches it."""
    if cid in register:
        return register[cid]
    for key, entry in register.items():
        if "*" in key and fnmatch.fnmatchcase(cid, key):
            return entry
    raise ValueError(f"register.yaml: no entry for the upper-level component {cid}")


def check_sources(b: Builder) -> None:
    """Every source gives publisher, title, date, address and what it says; an address is a
    web address."""
    for key, src in b.sources.items():
        missing = [f for f in SOURCE_FIELDS if not str(src.get(f) or "").strip()]
        if missing:
            raise ValueError(f"sources.yaml: source {key} lacks {', '.join(missing)}")
        if not str(src["address"]).startswith(("https://", "http://")):
            raise ValueError(f"sources.yaml: source {key} has no web address")


def apply_register(b: Builder, assets: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Give every upper-level component its provenance from register.yaml: its sources (with
    the figure as published) make it ``public_source``; without one it is ``assumed``, with
    the reason. Returns the register as written to the example (``_sources.yaml``)."""
    check_sources(b)
    register = load_yaml("register.yaml")
    out: dict[str, dict[str, Any]] = {}
    for cid in upper_level_ids(b, assets):
        c = b.components[cid]
        entry = register_entry(register, cid)
        keys = list(entry.get("sources") or [])
        unknown = [k for k in keys if k not in b.sources]
        if unknown:
            raise ValueError(f"register.yaml: {cid} cites {unknown}, which are not sources")
        published = " ".join(str(entry.get("published") or "").split())
        assumed = " ".join(str(entry.get("assumed") or "").split())
        if not keys and not assumed:
            raise ValueError(f"register.yaml: {cid} has no source and no reason")
        parts = []
        if keys:
            parts.append("Sources: " + "; ".join(cite(b.sources[k]) for k in keys) + ".")
            if published:
                parts.append(f"As published: {published}.")
        if assumed:
            parts.append(f"Assumed: {assumed}.")
        parts += [f"{note[0].upper()}{note[1:]}." for note in b.dependency_notes.get(cid, [])]
        c["ref"] = " ".join(parts)
        c["origin"] = "public_source" if keys else "assumed"
        c["confidence"] = "medium" if keys else "low"
        out[cid] = {
            "system": SUBSYSTEM_SYSTEM[c["subsystem"]],
            "kind": c["kind"],
            "sources": keys,
            "published": published or None,
            "assumed": assumed or None,
        }
    return out


# --------------------------------------------------------------------------- plans and scenarios


def build_plans(b: Builder, areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_name = {ar["name"]: ar for ar in areas}
    plans = []
    for p in load_yaml("plans.yaml"):
        rec = {
            "id": p["id"],
            "title": p["title"],
            "owner": p["owner"],
            "system": p.get("system"),
            "areas": [by_name[n]["id"] for n in p["areas"]],
        }
        if "box" in p:
            # a site: its approximate extent
            (lat0, lon0), (lat1, lon1) = p["box"]
            x0, y0 = rd(lat0, lon0)
            x1, y1 = rd(lat1, lon1)
            rec["geometry"] = polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        else:
            # a programme across the city: the areas it touches, each with its share
            rec["area_shares"] = area_shares([by_name[n] for n in p["areas"]], p["share_by"])
        for key in (
            "homes",
            "jobs",
            "demand",
            "result_known",
            "repetitive",
            "run_as",
            "stations_passed",
            "standard",
            "standard_note",
            "standard_note_nl",
            "priority",
            "description",
            "origin",
            "confidence",
        ):
            if key in p:
                rec[key] = p[key]
        if p.get("ref"):
            rec["ref"] = b.ref(p["ref"])
        plans.append(rec)
    return plans


SHARE_BASIS = {
    # every home of the area
    "homes": lambda ar: float(ar["homes"]),
    # the homes not yet on a heat network (heat_connections)
    "homes_without_heat": lambda ar: ar["homes"] - ar["heat_conn"],
}


def area_shares(touched: list[dict[str, Any]], by: str) -> dict[str, float]:
    """Each touched area's share of a programme, in proportion to its figure ``by`` (a key of
    ``SHARE_BASIS``): rounded to four places, the largest taking the rounding so that the
    shares add up to 1."""
    weight = {ar["id"]: SHARE_BASIS[by](ar) for ar in touched}
    total = sum(weight.values())
    shares = {aid: round(w / total, 4) for aid, w in weight.items()}
    largest = max(weight, key=lambda aid: (weight[aid], aid))
    shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), 4)
    return shares


FLOOD_DEPTH = {
    "Noordereiland": 0.6,
    "Kop van Zuid": 0.4,
    "Kop van Zuid-Entrepot": 0.3,
    "Feijenoord": 0.5,
    "Katendrecht": 0.3,
    "Stadionweg": 0.4,
    "Heijplaat": 0.8,
    "Schiemond": 0.5,
    "Merwe-Vierhavens": 0.7,
    "Waalhaven": 0.5,
    "Eemhaven": 0.5,
    "Vondelingenplaat": 0.3,
    "Botlek": 0.2,
    "Europoort": 0.2,
}
GEOJSON_AREAS = ("Waalhaven", "Eemhaven", "Vondelingenplaat", "Botlek", "Europoort")


def build_scenarios(b: Builder, areas: list[dict[str, Any]], plans: list[dict[str, Any]]):
    by_name = {ar["name"]: ar for ar in areas}
    flood_areas = []
    features = []
    for name, depth in FLOOD_DEPTH.items():
        ar = by_name[name]
        sq = square(ar["x"], ar["y"], ar["radius"] * 0.85)
        if name in GEOJSON_AREAS:
            ring = [[round(x), round(y)] for x, y in [*sq, sq[0]]]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": name, "value": depth},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
        else:
            flood_areas.append({"geometry": polygon(sq), "value": depth})
    geojson = {
        "type": "FeatureCollection",
        "name": "flood_depth_outside_dikes",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }
    xs = [ar["x"] for ar in areas]
    ys = [ar["y"] for ar in areas]
    bbox = [
        (min(xs) - 3000, min(ys) - 3000),
        (max(xs) + 3000, min(ys) - 3000),
        (max(xs) + 3000, max(ys) + 3000),
        (min(xs) - 3000, max(ys) + 3000),
    ]
    centre = [rd(51.9050, 4.4400), rd(51.9050, 4.5300), rd(51.9400, 4.5300), rd(51.9400, 4.4400)]
    heat_now = round(sum(ar["heat_conn"] for ar in areas) / sum(ar["homes"] for ar in areas), 3)
    scenarios = {
        "grid-station-failure": {
            "id": "grid-station-failure",
            "name": "Failure of the 380/150 kV station Krimpen aan den IJssel",
            "kind": "shock",
            "origin_system": "electricity",
            "horizon_h": 72,
            "year": BASE_YEAR,
            "description": (
                "A fire takes out the 380/150 kV station that feeds the east of the city; "
                "its distribution stations move to their backup feeds, which are close to full."
            ),
            "events": [{"target": "el-gs-krimpen", "time_h": 0, "kind": "failure"}],
            "origin": "expert_judgement",
            "confidence": "low",
        },
        "river-flood": {
            "id": "river-flood",
            "name": "High river and storm water outside the dikes",
            "kind": "shock",
            "origin_system": "flood_defence",
            "horizon_h": 72,
            "year": BASE_YEAR,
            "description": (
                "Storm surge with high Rhine discharge while the Maeslantkering is closed: "
                "water stands in the outside-dike port and waterfront areas."
            ),
            "hazards": [
                {
                    "type": "water_depth",
                    "unit": "m",
                    "time_h": 2,
                    "areas": flood_areas,
                    "area_file": "hazards/flood_depth_outside_dikes.geojson",
                    "values": {"mob-maastunnel": 0.3, "mob-metro-de-river": 0.3, "port-hcc": 0.4},
                }
            ],
            # the surge lasts about a day and a half (two to three high tides, the barrier
            # closed); heavy rain falls in the first day (assumed, like the depths)
            "conditions": {"storm_surge": [[0, 36]], "rain": [[0, 24]]},
            "origin": "expert_judgement",
            "confidence": "low",
            "ref": b.ref("maeslant_2023"),
        },
        "heat-wave": {
            "id": "heat-wave",
            "name": "Heat wave (38 degC in the centre)",
            "kind": "combined",
            "origin_system": None,
            "horizon_h": 120,
            "year": BASE_YEAR,
            "description": (
                "Five hot days; cooling demand peaks and cooling-limited assets in the urban "
                "heat island fail."
            ),
            "transitions": {"cooling": {BASE_YEAR: 0.2}},
            "hazards": [
                {
                    "type": "temperature",
                    "unit": "degC",
                    "time_h": 12,
                    "areas": [
                        {"geometry": polygon(bbox), "value": 35},
                        {"geometry": polygon(centre), "value": 38},
                    ],
                }
            ],
            "origin": "expert_judgement",
            "confidence": "low",
        },
        "vbo-closure": {
            "id": "vbo-closure",
            "name": "Three-month closure of the Van Brienenoordbrug",
            "kind": "shock",
            "origin_system": "mobility",
            "horizon_h": 2160,
            "year": 2030,
            "description": (
                "The bridge closes for urgent repairs during the renovation; traffic moves to "
                "the other crossings."
            ),
            "events": [{"target": "mob-vanbrienenoordbrug", "time_h": 0, "kind": "closure"}],
            "origin": "public_source",
            "confidence": "low",
            "ref": b.ref("rws_vbo"),
        },
        "distribution-station-fire": {
            "id": "distribution-station-fire",
            "name": "Fire in distribution station Zuidplein",
            "kind": "shock",
            "origin_system": "electricity",
            "horizon_h": 72,
            "year": BASE_YEAR,
            "description": (
                "The station's MV rings switch to their backup stations, in the part of "
                "Rotterdam-Zuid where large connections are on a waiting list (grid congestion); "
                "whether the backups have room depends on their load, which is not published."
            ),
            "events": [{"target": "el-ds-zuidplein", "time_h": 0, "kind": "failure"}],
            "origin": "expert_judgement",
            "confidence": "low",
            "ref": b.ref("stedin_congestion"),
        },
        "sewer-pumping-station-dry": {
            "id": "sewer-pumping-station-dry",
            "name": "Failure of the district sewage pumping station Ommoord on a dry day",
            "kind": "shock",
            "origin_system": "wastewater",
            "horizon_h": 72,
            "year": BASE_YEAR,
            "description": (
                "A fault stops the district pumping station of Ommoord (26,000 inhabitants) "
                "until it is repaired; no rain falls. The sewer behind its pumping units stores "
                "the wastewater meanwhile."
            ),
            "events": [{"target": "ww-dps-ommoord", "time_h": 0, "kind": "failure"}],
            "origin": "expert_judgement",
            "confidence": "low",
        },
        "sewer-pumping-station-rain": {
            "id": "sewer-pumping-station-rain",
            "name": "Failure of the district sewage pumping station Ommoord in a cloudburst",
            "kind": "shock",
            "origin_system": "wastewater",
            "horizon_h": 72,
            "year": BASE_YEAR,
            "description": (
                "The same fault, with heavy rain from the first to the fourth hour: the sewer's "
                "storage fills with rain and the sewer overflows until the rain stops."
            ),
            "events": [{"target": "ww-dps-ommoord", "time_h": 0, "kind": "failure"}],
            "conditions": {"rain": [[1, 4]]},
            "origin": "expert_judgement",
            "confidence": "low",
        },
        "avr-fire": {
            "id": "avr-fire",
            "name": "Fire at AVR Rozenburg: the waste heat for the city stops",
            "kind": "shock",
            "origin_system": "heat",
            "horizon_h": 72,
            "year": BASE_YEAR,
            "description": (
                "As on 21 September 2023: a fire stops AVR's waste incineration, the source of "
                "both heat transport lines, for far longer than the horizon (AVR was back at "
                "full capacity in April 2025). The peak and backup boilers and the backup "
                "source on the south bank take the heat over."
            ),
            "events": [
                {"target": "heat-avr-rozenburg", "time_h": 0, "kind": "failure", "repair_h": 4000}
            ],
            "origin": "public_source",
            "confidence": "medium",
            "ref": b.ref("avr_fire_2023; avr_restart_2025"),
        },
        "scada-evides-failure": {
            "id": "scada-evides-failure",
            "name": "Failure of the Evides SCADA",
            "kind": "shock",
            "origin_system": "drinking_water",
            "horizon_h": 72,
            "year": BASE_YEAR,
            "description": (
                "A cyber incident takes the water company's control system down; plants and "
                "boosters run on for a few hours, then clean-water storage is the last buffer."
            ),
            "events": [{"target": "tel-ctl-evides", "time_h": 0, "kind": "failure"}],
            "origin": "expert_judgement",
            "confidence": "low",
        },
        "growth-2035": {
            "id": "growth-2035",
            "name": "Growth and energy transition to 2035",
            "kind": "combined",
            "origin_system": None,
            "horizon_h": 72,
            "year": 2035,
            "description": "All housing plans up to 2035 with the heat and power transitions.",
            "plans": [p["id"] for p in plans],
            "transitions": {
                "heat_pump": {2026: 0.05, 2030: 0.15, 2035: 0.3},
                "ev": {2026: 0.1, 2030: 0.25, 2035: 0.45},
                # today's share from the published connections; the growth to 2030 and
                # 2035 as the scenario assumes it (5 and 12 points more)
                "heat_network": {
                    2026: heat_now,
                    2030: round(heat_now + 0.05, 3),
                    2035: round(heat_now + 0.12, 3),
                },
                "gas_phase_out": {2026: 0.02, 2030: 0.1, 2035: 0.3},
                "all_electric": {2026: 0.02, 2030: 0.05, 2035: 0.12},
                "cooling": {2026: 0.1, 2030: 0.15, 2035: 0.25},
            },
            "origin": "expert_judgement",
            "confidence": "low",
        },
    }
    return scenarios, geojson


# --------------------------------------------------------------------------- sizing

#: Standard ratings (in the capacity's unit) and the spread of base-year utilisation to size to,
#: per kind of bulk component: (low, high, ratings or rounding step, unit, minimum).
SIZING: dict[str, tuple[float, float, tuple[float, ...] | float, str, float]] = {
    "substation": (0.3, 0.62, (0.25, 0.4, 0.63, 1.0, 1.6, 2.0), "MVA", 0.25),
    "cable_mv": (0.3, 0.62, (4.0, 6.5, 8.0, 10.0, 13.0, 16.0), "MVA", 4.0),
    "gas_receiving_station": (0.45, 0.72, 1000.0, "Nm3/h", 5000.0),
    "gas_district_station": (0.4, 0.72, 100.0, "Nm3/h", 400.0),
    "gas_main": (0.35, 0.7, 50.0, "Nm3/h", 150.0),
    "water_main": (0.35, 0.7, 10.0, "m3/h", 20.0),
    "transport_main": (0.55, 0.78, 100.0, "m3/h", 500.0),
    "small_pumping_station": (0.4, 0.75, 5.0, "m3/h", 10.0),
    "sewer_pumping_station": (0.45, 0.78, 10.0, "m3/h", 40.0),
    "sewer_main": (0.4, 0.72, 10.0, "m3/h", 40.0),
    "fibre_node": (0.2, 0.55, (10.0, 20.0, 40.0, 100.0, 200.0, 400.0), "Gbit/s", 10.0),
    "fibre_ring": (0.3, 0.6, (100.0, 200.0, 400.0, 800.0, 1600.0), "Gbit/s", 100.0),
    "heat_distribution": (0.5, 0.8, 0.5, "MW", 1.0),
    "heat_pump_station": (0.55, 0.8, 1.0, "MW", 2.0),
}


def rating(load: float, target: float, spec: tuple[float, ...] | float, minimum: float) -> float:
    """The smallest standard rating (or rounded capacity) that keeps ``load`` at or below
    ``target`` of it."""
    need = max(load / target, minimum)
    if isinstance(spec, tuple):
        for size in spec:
            if size >= need:
                return size
        return math.ceil(need / spec[-1]) * spec[-1]
    return math.ceil(need / spec) * spec


def engine_loads(b: Builder, systems, plans, scenarios, geojson) -> dict[str, dict[tuple, Any]]:
    """The loads the capacity engine puts on every component, without a scenario and under
    growth-2035: ``{run: {(component, resource): component record of the JSON result}}``."""
    from vitaal.engine.capacity import project_capacity
    from vitaal.io.folder import read_model

    # A distribution station's first peak is a placeholder of build_electricity: without it the
    # engine gives the load of everything the station feeds (rings, hospitals, traction), which
    # size_from_engine turns into its peak. Calibrated on the placeholder, the station would
    # keep it whatever it feeds (before: Schiehaven 35 MW for 49 MW of consumers).
    placeholders = {}
    for dsid in b.by_kind["distribution_station"]:
        placeholders[dsid] = b.components[dsid].pop("peak_load", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        write_model(b, folder, systems, plans, scenarios, geojson)
        model = read_model(folder)
    for dsid, peak in placeholders.items():
        if peak is not None:
            b.components[dsid]["peak_load"] = peak
    out = {}
    for run, scen in (("none", None), ("growth", "growth-2035")):
        data = project_capacity(model, scen).to_dict()
        out[run] = {(c["id"], c["resource"]): c for c in data["components"]}
    return out


def base_load(loads: dict[str, dict[tuple, Any]], cid: str, res: str) -> float:
    """The larger of the two base-year loads (no scenario: all homes on gas; growth-2035: the
    heat pumps, cars and heat-network homes of today)."""
    year = str(BASE_YEAR)
    return max(loads[run][(cid, res)]["load"][year] for run in ("none", "growth"))


def _capacity(b: Builder, cid: str, res: str, value: float, unit: str) -> None:
    """Set the capacity of ``cid`` for ``res``, keeping its capacities for other resources."""
    digits = 0 if value >= 100 else 2
    entry = f"{res}: {num(value, digits)} {unit}"
    parts = [p.strip() for p in (b.components[cid].get("capacity") or "").split(";") if p.strip()]
    same = [i for i, p in enumerate(parts) if p.split(":")[0].strip() == res]
    if same:
        parts[same[0]] = entry
    else:
        parts.append(entry)
    b.components[cid]["capacity"] = "; ".join(parts)


def _peak(b: Builder, cid: str, res: str, value: float, unit: str) -> None:
    digits = 0 if value >= 100 else 2
    b.components[cid]["peak_load"] = f"{res}: {num(value, digits)} {unit}"


def _note(b: Builder, cid: str, text: str) -> None:
    c = b.components[cid]
    ref = c.get("ref")
    if not ref:
        c["ref"] = text
    elif ref.endswith("."):
        # after the register's sentences, a sentence of its own
        c["ref"] = f"{ref} {text[0].upper()}{text[1:]}."
    else:
        c["ref"] = f"{ref}; {text}"


#: Loads of the city's distribution stations that the model does not hold as consumers
#: (industry and terminals connected straight to the station), MW.
DS_DIRECT_MW = {
    "el-ds-botlek": 180,
    "el-ds-europoort": 160,
    "el-ds-pernis": 140,
    "el-ds-maasvlakte": 120,
    "el-ds-eemhaven": 40,
    "el-ds-waalhaven": 30,
}

#: Peak outflow of the high-lift pumps of the two drinking-water plants, including the
#: municipalities around Rotterdam that the model does not hold, m3/h. Kralingen: 60,000 m3 of
#: clean-water storage empties in 5-6 hours at peak (trouw_kralingen).
DW_PLANT_PEAK = {"dw-bs-kralingen": 11000, "dw-bs-berenplaat": 9500}

#: Population equivalents of the treatment plants (public where the component's ref says so,
#: else assumed): their dry-weather peak at 12 l per inhabitant per hour includes the towns
#: around Rotterdam that the model does not hold.
WWTP_PE = {
    "ww-wwtp-dokhaven": 560000,  # dokhaven_load
    "ww-wwtp-kralingseveer": 360000,
    "ww-wwtp-harnaschpolder": 1300000,
    "ww-wwtp-hoek-van-holland": 25000,
    "ww-wwtp-hoogvliet": 60000,
    "ww-wwtp-rozenburg": 20000,
}

HEAT_NAMED_KINDS = {
    "waste_heat_source",
    "heat_plant",
    "heat_transport_line",
    "heat_pump_station",
    "heat_transfer_station",
    "heat_junction",
}

#: Utilisation of a motorway section at its peak (assumed): the ring roads run close to
#: capacity in the rush hour.
MOTORWAY_PEAK_UTIL = 0.9

#: The horizon of the network operators' investment plans: bulk components in development
#: areas are sized for the demand expected by then.
DESIGN_YEAR = 2030

NOTE_SIZED = "capacity sized on the capacity engine's base-year load (assumed)"
NOTE_UTIL = (
    "load not published: utilisation at the median of the city's other stations (assumed); "
    "its congestion status is a waiting list, not a load"
)


def station_util(d: dict[str, Any], ds_defs: list[dict[str, Any]]) -> float:
    """A distribution station's utilisation at peak: its own `util` in assets.yaml, else the
    median of the stations that give one (no station's load is published)."""
    if d["util"] is not None:
        return float(d["util"])
    given = sorted(float(x["util"]) for x in ds_defs if x["util"] is not None)
    mid = len(given) // 2
    return given[mid] if len(given) % 2 else (given[mid - 1] + given[mid]) / 2


def grid_congestion(b: Builder, assets: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each station's published congestion status from assets.yaml `grid_congestion`, as
    component fields: the map colour where known, the waiting list, the year room is expected
    and the notice (a station named by two notices takes the first)."""
    out: dict[str, dict[str, Any]] = {}
    for notice in assets["grid_congestion"]:
        fields = {
            "congestion": notice.get("congestion"),
            "waiting_list": "true" if notice["waiting_list"] else "false",
            "congestion_until": notice.get("until"),
            "congestion_ref": b.ref(notice["ref"]),
        }
        for sid in notice["stations"]:
            out.setdefault(sid, {k: v for k, v in fields.items() if v is not None})
    return out


def size_from_engine(b: Builder, areas, systems, plans, scenarios, geojson) -> None:
    """Set the capacities of bulk and derived components, and the measured peaks of the
    components that carry load the model does not hold, from the loads the capacity engine
    computes on this very model.

    Bulk components are sized on the larger of the two base-year loads (with no scenario and
    under growth-2035) at a seeded utilisation drawn per kind, rounded up to a standard rating;
    growth then decides which of them run out. Figures set here are ``assumed``.
    """
    loads = engine_loads(b, systems, plans, scenarios, geojson)

    def g26(cid: str, res: str) -> float:
        return loads["growth"][(cid, res)]["load"][str(BASE_YEAR)]

    # Distribution stations: the engine's load plus the direct industrial load, at the
    # utilisation that assets.yaml gives (assumed; the median where it gives none). Grid
    # congestion is not a load: it is the stations' own status (grid_congestion).
    with (SOURCES / "assets.yaml").open(encoding="utf-8") as f:
        ds_defs = yaml.safe_load(f)["distribution_stations"]
    util = {d["id"]: station_util(d, ds_defs) for d in ds_defs}
    for dsid in b.by_kind["distribution_station"]:
        rng = random.Random(f"{dsid}:peak")
        own = 2 + rng.uniform(0, 3)  # station services, losses and small direct connections
        peak = g26(dsid, "electricity") + DS_DIRECT_MW.get(dsid, 0) + own
        cap = math.ceil(peak / util[dsid])
        _peak(b, dsid, "electricity", round(peak, 1), "MW")
        _capacity(b, dsid, "electricity", cap, "MVA")
        for tag in ("a", "b"):
            hv = f"el-hv-{dsid[6:]}-{tag}"
            r = random.Random(f"{hv}:cap")
            _capacity(b, hv, "electricity", math.ceil(cap * r.uniform(1.3, 1.8) / 10) * 10, "MVA")

    # Grid stations: the measured peak includes the region outside the model; make sure it
    # is not below what the model itself puts on them.
    for gs in b.by_kind["grid_station_hv"]:
        c = b.components[gs]
        measured = float(c["peak_load"].split(":")[1].split()[0])
        model_part = sum(
            float(b.components[ds]["peak_load"].split(":")[1].split()[0])
            for ds in b.by_kind["distribution_station"]
            if any(s["supplier"] == f"el-hv-{ds[6:]}-a" and s["consumer"] == ds for s in b.supply)
            and any(s["supplier"] == gs and s["consumer"] == f"el-hv-{ds[6:]}-a" for s in b.supply)
        )
        if measured < model_part * 1.1:
            _peak(b, gs, "electricity", math.ceil(model_part * 1.15 / 10) * 10, "MW")

    # Drinking water: plant outflow measured at the high-lift pumps; the plants and their
    # clean-water storage deliver it.
    for bs, peak in DW_PLANT_PEAK.items():
        plant = bs.replace("-bs-", "-tp-")
        cws = bs.replace("-bs-", "-cws-")
        peak = max(peak, round(g26(bs, "drinking_water") * 1.1, -2))
        _peak(b, bs, "drinking_water", peak, "m3/h")
        r = random.Random(f"{plant}:cap")
        cap = math.ceil(peak / r.uniform(0.68, 0.76) / 500) * 500
        _capacity(b, plant, "drinking_water", cap, "m3/h")
        _capacity(b, cws, "drinking_water", cap + 1500, "m3/h")
        _capacity(b, bs, "drinking_water", cap + 1000, "m3/h")
        raw = plant.replace("dw-tp-", "dw-raw-")
        _peak(b, raw, "raw_water", round(peak * 0.8, -2), "m3/h")
        _capacity(b, raw, "raw_water", math.ceil(cap * 0.95 / 500) * 500, "m3/h")

    # Wastewater treatment: dry-weather peak of all population equivalents served.
    for wwtp, pe in WWTP_PE.items():
        peak = max(pe * 0.012, g26(wwtp, "sewer") * 1.05)
        _peak(b, wwtp, "sewer", round(peak, -1), "m3/h")
        r = random.Random(f"{wwtp}:cap")
        _capacity(b, wwtp, "sewer", math.ceil(peak / r.uniform(0.62, 0.78) / 100) * 100, "m3/h")

    # The heat transport and the junctions: sized on the heat they carry at peak (the public
    # sources give routes and pipe sizes, not ratings). The waste-heat source runs nearly flat
    # out at peak; the peak boilers share the peak with it.
    for cid in sorted(b.components):
        c = b.components[cid]
        if not cid.startswith("heat-") or c["kind"] not in HEAT_NAMED_KINDS:
            continue
        load = base_load(loads, cid, "heat") if (cid, "heat") in loads["growth"] else 0
        if load <= 0 or cid == "heat-wbr-maasstad":
            continue
        r = random.Random(f"{cid}:heat")
        target = 0.93 if c["kind"] == "waste_heat_source" else r.uniform(0.66, 0.86)
        _capacity(b, cid, "heat", math.ceil(load / target / 5) * 5, "MW")
        _note(b, cid, "rating assumed from the heat it carries at peak")

    # The motorway sections carry what the bridges, tunnels and city road networks they feed
    # carry (the links of the road model): their peak is that load and their capacity about a
    # tenth above it (the ring roads run close to capacity at peak; assumed). Before, measured
    # peaks of their own (assumed) sat below what they fed, and every scenario found them
    # congested on a normal day.
    for cid in sorted(b.components):
        if not cid.startswith("mob-a") or b.components[cid]["kind"] != "road_section":
            continue
        load = base_load(loads, cid, "road_access")
        _peak(b, cid, "road_access", round(load, -2), "veh/h")
        _capacity(b, cid, "road_access", math.ceil(load / MOTORWAY_PEAK_UTIL / 100) * 100, "veh/h")
        _note(b, cid, "peak from the traffic of the links it feeds, capacity about a tenth above")

    # Everything the engine loads and that has no public capacity: size on the load.
    for cid, c in b.components.items():
        kind = c["kind"]
        if cid.startswith("dw-tm-"):
            kind = "transport_main"
        spec = SIZING.get(kind)
        if not spec or "capacity" not in c:
            continue
        if (kind == "water_main" and not cid.startswith("dw-main-")) or cid in (
            "dw-main-maastunnel",
            "dw-main-vbo",
        ):
            continue
        if c.get("origin") == "public_source" or cid.startswith("heat-booster"):
            continue
        res = c["capacity"].split(":")[0].strip()
        if (cid, res) not in loads["growth"]:
            continue
        load = base_load(loads, cid, res)
        if load <= 0:
            continue
        lo, hi, ratings, unit, minimum = spec
        rng = random.Random(f"{cid}:{res}")
        target = rng.uniform(lo, hi)
        # In development areas the network operator already builds for the demand it expects
        # within its investment plan (to 2030): at most 95% then.
        planned = loads["growth"][(cid, res)]["load"].get(str(DESIGN_YEAR), load)
        if planned / 0.95 > load / target:
            load, target = planned, 0.95
        _capacity(b, cid, res, rating(load, target, ratings, minimum), unit)
        if c.get("origin") == "assumed" and NOTE_SIZED not in (c.get("ref") or ""):
            _note(b, cid, NOTE_SIZED)

    # The pumping units lift the rain of the combined sewer with the same pumps, and their
    # catchment's storage passes on what they pump.
    for cid in b.by_kind["small_pumping_station"] + b.by_kind["sewer_pumping_station"]:
        cap = float(b.components[cid]["capacity"].split(";")[0].split(":")[1].split()[0])
        _capacity(b, cid, "drainage", cap, "m3/h")
        if cid.startswith("ww-pu-"):
            _capacity(b, "ww-st-" + cid[6:], "sewer", cap, "m3/h")


# --------------------------------------------------------------------------- the review


class ReviewPremiseError(ValueError):
    """A figure of the run contradicts what a hand-written sentence of REVIEW.md says: the
    text must be rewritten, not the figure."""


def _n(value: float) -> str:
    """A whole number with thousands separators."""
    return f"{round(value):,}"


def _h(value: float) -> str:
    """Hours, without a trailing .0."""
    return num(value, 1)


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise ReviewPremiseError(f"REVIEW.md: {what} no longer holds; rewrite its text")


def review_facts(model: Any) -> dict[str, Any]:
    """The figures of the model itself that REVIEW.md cites (names, connections, storage,
    manual control, the growth scenario's shares), read from the written folder."""
    areas = model.areas
    reqs = {(r.consumer, r.resource): r for r in model.requirements.values()}
    manual = reqs[("dw-tp-kralingen", "control")]
    stores = [s.autonomy_h for s in model.stores.values() if s.component.startswith("ww-st-")]
    heat = model.scenarios["growth-2035"].transitions["heat_network"]
    years = sorted(heat)
    return {
        "names": {cid: (c.name or cid) for cid, c in model.components.items()},
        "heat_homes": sum(a.connections.get("heat", 0) for a in areas.values()),
        "homes": sum(a.homes for a in areas.values()),
        "ommoord_people": areas["area-ommoord"].population,
        "ommoord_heat_people": areas["area-ommoord"].people_for("heat"),
        "storage_h": (min(stores), max(stores)),
        "manual_share": manual.degraded_share,
        "manual_h": manual.degraded_h,
        "heat_growth": [(y, round(100 * (heat[y] - heat[years[0]]))) for y in years[1:]],
    }


def render_review(data: dict[str, Any], register: dict[str, Any], facts: dict[str, Any]) -> str:
    """REVIEW.md from the analysis of ``vitaal run`` (``data``, what analysis.json holds), the
    register of ``_sources.yaml`` and the model's own figures (:func:`review_facts`). Every
    figure comes from them; the sentences around them are written for the city's
    vital-systems team, and each checks the premise it rests on (:class:`ReviewPremiseError`)."""
    comps = facts["names"]
    scen = {s["id"]: s for s in data["scenarios"]}
    dec = {d["id"]: d for d in data["decisions"]["items"]}
    upper = register["upper_level"]

    def impact(sid: str) -> dict[str, Any]:
        return scen[sid]["impact"]

    def red(sid: str) -> list[str]:
        return [f["system"] for f in scen[sid]["flags"] if f["colour"] == "red"]

    def cfs(sid: str) -> str:
        lost = impact(sid)["critical_functions_lost"]
        if not lost:
            return "none"
        return "; ".join(
            f"{c['name']} after {_h(c['fail_time_h'])} h ({c['resource']})" for c in lost
        )

    def ph(sid: str) -> str:
        hours = impact(sid)["person_hours"]
        if not hours:
            return "0"
        service, value = max(hours.items(), key=lambda kv: (kv[1], kv[0]))
        return f"{_n(value)} ({service})"

    def ph_text(sid: str) -> str:
        hours = impact(sid)["person_hours"]
        service, value = max(hours.items(), key=lambda kv: (kv[1], kv[0]))
        return f"{_n(value)} person-hours without {service}"

    def prov(cid: str) -> str:
        r = upper.get(cid)
        name = comps.get(cid, cid)
        if r is None:
            return f"{name}: generated (lower level, assumed by rule)"
        if r["sources"]:
            return f"{name}: sourced ({', '.join(r['sources'])})"
        return f"{name}: assumed ({r['assumed']})"

    def chain(*ids: str) -> str:
        return "\n".join(f"   - {prov(c)}" for c in ids)

    def sure(level: str, ids: tuple[str, ...], why: str) -> str:
        n_src = sum(1 for c in ids if upper.get(c, {}).get("sources"))
        return (
            f"   How sure: **{level}**. Records of the chain with a published source: {n_src} "
            f"of {len(ids)}. {why}"
        )

    parts: list[str] = []
    n_up = len(upper)
    n_src = sum(1 for r in upper.values() if r["sources"])
    counts = data["summary"]["counts"]
    parts.append(
        "# Rotterdam example: a review for the city's vital-systems team\n\n"
        "This page is written for the team that keeps the city's vital systems in view (the\n"
        "Vaktafel vitale systemen): what the bundled example says, how it comes to say it, and\n"
        "whether an operator would sign it. Every figure on it comes from `vitaal run` on this\n"
        "folder, run by `scripts/build_rotterdam_example.py` when it wrote the folder (it writes\n"
        "this page too); a test runs the analysis again and checks that the page is what it\n"
        "gives, so the figures cannot drift from the model. Where a figure would contradict a\n"
        "sentence, the builder stops and the sentence must be rewritten.\n\n"
        "The example is illustrative. Of its "
        f"{n_up} upper-level components (stations, plants, barriers, bridges, the port's nodes),\n"
        f"{n_src} cite a publication with its address and date; the others say what is assumed\n"
        "and why (README.md, `_sources.yaml`). The lower levels (substations, mains, pumping\n"
        "units, masts) are generated from the neighbourhoods. What follows is as good as that.\n\n"
        f"The run: {_n(counts['decisions'])} decisions for the table ({_n(counts['agenda'])} "
        f"agenda items, {_n(counts['overdue'])} overdue), "
        f"{_n(counts['single_points_of_failure'])} single points of failure on the table, "
        f"{_n(counts['routine'])} like-for-like replacements on the owners' routine lists "
        f"({_n(counts['routine_overdue'])} overdue), {len(scen)} scenarios.\n\n"
        "How sure, in three words: **fair** when published figures and a mechanism the\n"
        "operators describe carry the claim, **weak** when published anchors hold assumed\n"
        "figures in between, **poor** when it rests on assumed figures or on a rule of the\n"
        "tool that an operator would not sign.\n"
    )

    # ------------------------------------------------------------------ ten things
    things: list[str] = []

    dry, rain = impact("sewer-pumping-station-dry"), impact("sewer-pumping-station-rain")
    _expect(dry["people_affected"] == 0, "a stopped sewage station on a dry day affects nobody")
    _expect(rain["people_affected"] > 0, "in a cloudburst the same stop makes the sewer overflow")
    rain_h = scen["sewer-pumping-station-rain"]
    # the first hour in which the sewer of a neighbourhood overflows (consumers cut off)
    tl = rain_h["timeline"]
    cut = tl["systems"]["wastewater"]["consumers_cut_off"]
    onset = next(t for t, n in zip(tl["times_h"], cut, strict=True) if n > 0)
    things.append(
        "**A stopped sewage pumping station is a matter of hours on a dry day and of minutes in "
        "a cloudburst.** With the district station of Ommoord down, nobody is affected on a dry "
        f"day (class {dry['class']}); in heavy rain the sewer behind its pumping units is full "
        f"and overflows after {_h(onset)} h, for {_n(rain['people_affected'])} people until the "
        f"rain stops (class {rain['class']}, {ph_text('sewer-pumping-station-rain')}).\n"
        "   Evidence: the station fails; its pumping units run on into the sewer; each unit's "
        f"catchment stores {_h(facts['storage_h'][0])} h of dry-weather flow (7 mm over the "
        "paved area, expert judgement after the reference system of Dutch sewer policy) and "
        f"fills within half an hour in rain ({rain_h['name']}).\n"
        + chain("ww-dps-ommoord", "ww-wwtp-kralingseveer")
        + "\n"
        + sure(
            "weak",
            ("ww-dps-ommoord", "ww-wwtp-kralingseveer"),
            "The mechanism is the one sewer operators describe; the hours are a rule of thumb, "
            "to be replaced by the storage and pump capacity of each sewer district.",
        )
    )

    avr = impact("avr-fire")
    _expect(avr["people_affected"] == 0, "the AVR fire leaves every heat customer supplied")
    things.append(
        "**Losing AVR, the source of both heat transport lines, costs no customer their heat "
        f"within {_h(scen['avr-fire']['horizon_h'])} h**: the backup heat and the peak and "
        "backup boilers take over "
        f"(scenario avr-fire: class {avr['class']}). This is what happened after the AVR fire "
        "of 21 September 2023: Eneco and Vattenfall switched to Uniper's heat and emergency "
        "boilers and their customers noticed nothing.\n"
        "   Evidence: AVR feeds the Leiding over Noord and the Warmtebedrijf's line; both take "
        "a backup supply (a stand-in for Uniper's heat); the networks' junctions share the peak "
        "with boilers.\n"
        + chain("heat-avr-rozenburg", "heat-uniper-backup", "heat-lon", "heat-wbr-west")
        + "\n"
        + sure(
            "fair",
            ("heat-avr-rozenburg", "heat-uniper-backup", "heat-lon", "heat-wbr-west"),
            "An event that happened confirms it; where and how much backup heat enters the "
            "lines is assumed.",
        )
    )

    conn = sum(1 for r in upper.values() if r["kind"] == "heat_junction")
    share = facts["heat_homes"] / facts["homes"]
    _expect(0.14 < share < 0.19, "about one home in six is on a heat network")
    things.append(
        f"**{_n(facts['heat_homes'])} homes are on a heat network (Eneco about 46,000, "
        "Vattenfall about 8,000, as published), one in six; a heat failure counts only them.** "
        "A failure of the pump station of Ommoord's heat network affects the "
        f"{_n(facts['ommoord_heat_people'])} people behind its connections, not the "
        f"{_n(facts['ommoord_people'])} who live there.\n"
        "   Evidence: the operators' published counts, spread over their networks' "
        f"neighbourhoods in proportion to an expert reading of where the networks lie; "
        f"{conn} network junctions.\n"
        + chain("heat-net-north", "heat-net-east", "heat-net-south", "heat-net-hoogvliet")
        + "\n"
        + sure(
            "weak",
            ("heat-net-north", "heat-net-east", "heat-net-south", "heat-net-hoogvliet"),
            "The totals are published; how they spread over neighbourhoods is assumed.",
        )
    )

    scada = impact("scada-evides-failure")
    _expect(scada["people_affected"] == 0, "the Evides SCADA failure leaves everyone with water")
    cws = dec.get("decision:single_point_of_failure:dw-cws-kralingen")
    _expect(cws is not None, "Kralingen's storage and pumps are a single point of failure")
    things.append(
        "**Drinking water on the north bank hangs on one plant, Kralingen, and its 60 million "
        "litres of clean water (five to six hours at peak).** Its storage, high-lift pumps and "
        "raw-water main are each a single point of failure for "
        f"{_n(cws['people'])} people; a failure of the control system (SCADA) costs nobody "
        f"their water (class {scada['class']}), since the plants run "
        f"{_h(facts['manual_h'])} h on manual control at {round(100 * facts['manual_share'])} %.\n"
        "   Evidence: the storage and its hours are published; the plant's capacity, the "
        "manual mode and the interconnections with the south bank are assumed.\n"
        + chain("dw-tp-kralingen", "dw-cws-kralingen", "dw-bs-kralingen", "dw-raw-kralingen")
        + "\n"
        + sure(
            "weak",
            ("dw-tp-kralingen", "dw-cws-kralingen", "dw-bs-kralingen", "dw-raw-kralingen"),
            "Evides' network is meshed and has other plants: the single points of failure may "
            "be fewer than the example's one-way interconnections make them.",
        )
    )

    vbo = impact("vbo-closure")
    vbo_dec = dec["decision:replacement:mob-vanbrienenoordbrug"]
    _expect(vbo["people_affected"] == 0, "closing the bridge takes nobody's service away")
    things.append(
        "**The Van Brienenoordbrug is at the end of its life and its renovation waits until "
        f"2030**; on the table's agenda it is decision {vbo_dec['rank']} "
        f"(class {vbo_dec['consequence']}, {_DECIDED_BY[vbo_dec['consequence_by']]}; "
        f"strategic by its cost). Three months closed, it costs "
        f"{_n(vbo['hindrance_hours'].get('road_access', 0))} travel hours of detour "
        f"(class {vbo['class']}).\n"
        "   Evidence: the bridge's age, traffic (230,000 vehicles a day), delay and cost are "
        "published; the detour is the road model's (no travel times).\n"
        + chain("mob-vanbrienenoordbrug", "mob-a16-north", "mob-a15-ringzuid")
        + "\n"
        + sure(
            "weak",
            ("mob-vanbrienenoordbrug", "mob-a16-north", "mob-a15-ringzuid"),
            "The facts are published; the hours of detour are an order of magnitude.",
        )
    )

    growth = impact("growth-2035")["shortfall"]
    _expect(growth["people_refused"] > 0, "growth to 2035 leaves people unconnected")
    things.append(
        f"**Growth and the energy transition leave {_n(growth['people_refused'])} people "
        f"without a connection to {growth['service']} in {growth['year']}**, before "
        "reinforcements decided now can be ready (scenario growth-2035, class "
        f"{impact('growth-2035')['class']}; the worst component is {growth['years_short']} years "
        "short). The grid operators already keep a waiting list for large connections across "
        "the city, in Rotterdam-Zuid until 2029.\n"
        "   Evidence: loads from demand norms per home, person and job; the stations' "
        "utilisation is assumed (none is published); the congestion status is published.\n"
        + chain("el-ds-feijenoord", "el-ds-zuidplein", "el-gs-krimpen")
        + "\n"
        + sure(
            "weak",
            ("el-ds-feijenoord", "el-ds-zuidplein", "el-gs-krimpen"),
            "The direction is what the operators say; the years and numbers rest on assumed "
            "station loads and on the scenario's shares of heat pumps and cars.",
        )
    )

    flood = impact("river-flood")
    shocks = [s["impact"]["class"] for s in scen.values() if s["kind"] == "shock"]
    _expect(flood["class"] == max(shocks), "the storm surge is the worst of the shocks")
    things.append(
        "**A storm surge with water outside the dikes is the worst of the shocks here**: class "
        f"{flood['class']}, {_n(flood['people_affected'])} people lose a service, "
        f"{ph('river-flood')} person-hours of the largest, red flags in "
        f"{len(red('river-flood'))} systems. The Maeslantkering closes automatically at 3.0 m "
        "above NAP; the outside-dike port and waterfront areas flood.\n"
        "   Evidence: the barrier's rule is published; the depths, the assets' thresholds and "
        "the repair times after a flood are assumed.\n"
        + chain("fd-maeslantkering", "fd-hartelkering", "port-hcc")
        + "\n"
        + sure(
            "poor",
            ("fd-maeslantkering", "fd-hartelkering", "port-hcc"),
            "The flood map is drawn by hand, not from a flood model; read the systems it "
            "touches, not the numbers.",
        )
    )

    hw = impact("heat-wave")
    _expect(hw["people_affected"] == 0, "the heat wave takes nobody's supply away")
    _expect(sum(hw["hindrance_hours"].values()) > 0, "the heat wave hinders travel")
    hw_failed = [f for f in scen["heat-wave"]["flags"] if f["colour"] != "green"]
    _expect(all(f["system"] != "electricity" for f in hw_failed), "no substation fails in the heat")
    things.append(
        "**A heat wave hinders more than it cuts off**: no substation fails (transformers are "
        "built for air up to 40 degC), but the bascule bridge of the Erasmusbrug and the metro's "
        "traction substations in the hot centre stop at their heat thresholds: "
        f"{_n(sum(hw['hindrance_hours'].values()))} travel hours hindered, class {hw['class']}, "
        f"flags in {len(hw_failed)} system{'' if len(hw_failed) == 1 else 's'}.\n"
        "   Evidence: a 38 degC heat island over the centre (assumed); the substations' limit "
        "is the transformer standard's; the bridge's and the traction substations' thresholds "
        "are assumed.\n"
        + chain("mob-erasmusbrug", "mob-metro-abc-west", "mob-metro-de-north")
        + "\n"
        + sure(
            "weak",
            ("mob-erasmusbrug", "mob-metro-abc-west", "mob-metro-de-north"),
            "A threshold that stops everything above it at once is a rule of the tool; heat "
            "raises a failure rate and brings restrictions rather than a clean stop.",
        )
    )

    bies = dec["decision:single_point_of_failure:dw-biesbosch"]
    _expect(
        "decision:single_point_of_failure:el-ext-380" not in dec,
        "the national grid is the model's edge, not a decision of the table",
    )
    things.append(
        f"**{counts['single_points_of_failure']} single points of failure reach the table.** "
        f"The largest: the Biesbosch reservoirs ({_n(bies['people'])} people). The national "
        "380 kV grid, the national telecom backbones and Gasunie's regional network are the "
        "model's edge (`boundary`): their loss is a scenario to prepare for, not a decision "
        "of the table. A normal day is assumed: needs that hold only in rain or a storm surge "
        "are met, and plants on manual control outlast a loss of their control system.\n"
        "   Evidence: one cascade per component, on the model's supply links, each back after "
        "its kind's repair and restart time.\n"
        + chain("dw-biesbosch", "el-ext-380")
        + "\n"
        + sure(
            "weak",
            ("dw-biesbosch", "el-ext-380"),
            "The three Biesbosch reservoirs are one record here, so one failure takes all "
            "three; the national grid as one node is a boundary of the model, not an asset.",
        )
    )

    first = data["decisions"]["items"][0]
    _expect(
        first["id"] == "decision:shortfall:heat-avr-rozenburg|heat",
        "the first decision is AVR's heat",
    )
    things.append(
        f"**The first decision for the table is heat for growth: {first['title']['en']}** "
        f"(class {first['consequence']}, {first['status']}"
        + (f" since {first['overdue_since']}" if first.get("overdue_since") else "")
        + "). The heat network's growth needs more source capacity than AVR gives.\n"
        "   Evidence: AVR's heat output is sized to run nearly flat out at peak (assumed); the "
        "growth of the heat network ("
        + ", ".join(f"+{p} points of the homes by {y}" for y, p in facts["heat_growth"])
        + ") comes on top.\n"
        + chain("heat-avr-rozenburg", "heat-hwc-zuid")
        + "\n"
        + sure(
            "poor",
            ("heat-avr-rozenburg", "heat-hwc-zuid"),
            "The question (where the heat for growth comes from) is real; that it is AVR's "
            "to reinforce is the tool's framing, and AVR's output is not published here.",
        )
    )

    parts.append("## The ten things that matter most\n")
    parts.append("\n\n".join(f"{i}. {t}" for i, t in enumerate(things, 1)) + "\n")

    # ------------------------------------------------------------------ every scenario
    verdicts: dict[str, str] = {
        "avr-fire": (
            "Yes: it is what happened in September 2023. They would add that the backup heat "
            "came from Uniper and emergency boilers placed in the city, which the example only "
            "stands in for."
        ),
        "distribution-station-fire": (
            "Partly. The backup stations taking over what fits is how Stedin switches; but the "
            "neighbourhoods left over stay without power for the whole horizon, where Stedin "
            "would restore them within hours by switching and mobile units, and the sewer "
            "overflow that follows after the storage is spent would not come."
        ),
        "grid-station-failure": (
            "Yes: the distribution stations move to their second 380/150 kV station, which has "
            "room; TenneT would add the hours of switching, which the example does not count."
        ),
        "growth-2035": (
            "Yes in direction: the waiting lists are real. The years and the number of people "
            "rest on assumed station loads; the operators' own load figures would move them."
        ),
        "heat-wave": (
            "Partly: heat is hard on movable bridges and on equipment rooms, and operators "
            "would recognise the Erasmusbrug and the metro as the weak spots. That they stop at "
            "one temperature and stay out until their repair after a hazard is a rule of the "
            "tool; in practice heat brings restrictions and more faults, not a clean stop."
        ),
        "river-flood": (
            "In outline: the systems it touches (power, telecom, the port, the sewers in the "
            "outside-dike areas) are the ones a surge touches. The numbers are not: the flood "
            "depths are drawn by hand and the repairs after a flood assumed."
        ),
        "scada-evides-failure": (
            "Yes: plants and pumps run on by hand and the clean-water storage bridges; Evides "
            f"would check the {round(100 * facts['manual_share'])} % and the "
            f"{_h(facts['manual_h'])} h the example assumes for manual control."
        ),
        "sewer-pumping-station-dry": (
            "Yes: a stopped pump on a dry day is a maintenance call; the sewer stores the "
            "wastewater until it runs again."
        ),
        "sewer-pumping-station-rain": (
            "Yes: in a cloudburst a stopped station means overflows and water on the street "
            "at once. Counting everyone in the district as losing their wastewater removal "
            "overstates what people notice: it is the sewer that overflows."
        ),
        "vbo-closure": (
            "In kind: the detours are what Rijkswaterstaat plans for. The hours are an order of "
            "magnitude: the road model has no travel times, and the other crossings' "
            "congestion is not counted."
        ),
    }
    for sid in scen:
        _expect(sid in verdicts, f"a verdict for the scenario {sid}")
    _expect(
        impact("grid-station-failure")["people_affected"] == 0,
        "the grid station's failure costs nobody their power",
    )
    _expect(
        impact("distribution-station-fire")["people_affected"] > 0,
        "the distribution station fire leaves some neighbourhoods without power",
    )
    rows = [
        (
            "| scenario | class | people affected | person-hours (largest service) | hindrance "
            "hours | critical functions lost | red flags |"
        ),
        "|---|---|---:|---|---:|---:|---|",
    ]
    for sid, s in scen.items():
        imp = s["impact"]
        rows.append(
            f"| {sid} | {imp['class']} | {_n(imp['people_affected'])} | {ph(sid)} | "
            f"{_n(sum(imp['hindrance_hours'].values()))} | "
            f"{len(imp['critical_functions_lost'])} | {', '.join(red(sid)) or '-'} |"
        )
    parts.append("## Every scenario\n")
    parts.append(
        "The figures of the run, then per scenario what it says and whether an operator would "
        "recognise it.\n\n" + "\n".join(rows) + "\n"
    )
    for sid, s in scen.items():
        imp = s["impact"]
        parts.append(
            f"### {s['name']} (`{sid}`)\n\n"
            f"{imp['reason'][0].upper()}{imp['reason'][1:]}. Critical functions lost: "
            f"{cfs(sid)}.\n\n"
            f"Would an operator recognise it? {verdicts[sid]}\n"
        )

    parts.append(
        "## What the example does not do yet\n\n"
        "- A component's failure lasts its kind's repair time; mobile units and switching that "
        'shorten an outage are not modelled (docs/engine.md, "Still wrong").\n'
        "- A hazard fails everything above a threshold at once; it should raise a failure "
        "rate.\n"
        "- The road model carries demand over links, not travel times: hindrance is an order "
        "of magnitude, and the delay of others on a congested road is not counted.\n"
        "- Losing wastewater removal is counted as people without a service; what they notice "
        "is the sewer overflowing into the canals and onto the street.\n"
        f"- The sources cover {round(100 * n_src / n_up)} % of the upper levels; the rest, and "
        'all of the lower levels, are assumed (README.md, "Sources per system and level").\n'
    )
    return "\n".join(parts)


def write_review(b: Builder, out: Path) -> None:
    """Run the analysis of ``vitaal run`` on the written folder and write REVIEW.md from it,
    and the example's first page into docs/method.md (:func:`render_first_page`)."""
    from vitaal.io.folder import read_model
    from vitaal.method.analysis import run_analysis

    model = read_model(out)
    data = run_analysis(model, model_root=out).as_dict()
    with (out / "_sources.yaml").open(encoding="utf-8") as f:
        register = yaml.safe_load(f)
    text = render_review(data, register, review_facts(model))
    (out / "REVIEW.md").write_text(text, encoding="utf-8")
    if out == OUT:
        write_first_page(METHOD_DOC, render_first_page(data))


#: the method's documentation, which holds the example's first page between these markers
METHOD_DOC = ROOT / "docs" / "method.md"
FIRST_PAGE_MARKERS = ("<!-- first page of the example: begin -->", "<!-- first page: end -->")

#: what decides a decision's class (``consequence_by``), in words
_DECIDED_BY = {
    "people": "the people without a service",
    "person_hours": "the person-hours without a service",
    "critical_functions": "the critical functions that lose a service",
    "cost": "the money a challenge may make wasted",
    "loss": "what its loss costs after repair and restart",
    "dependents": "the decisions that wait for it",
    "none": "nothing at stake",
}


def render_first_page(data: dict[str, Any]) -> str:
    """Why each decision of the example's first page is there: its rank, class and what decides
    the class, whether and since when it is late, what kind of decision it is, and what its
    figures rest on; from the analysis of ``vitaal run`` (``data``)."""
    dec = data["decisions"]
    lines = [
        FIRST_PAGE_MARKERS[0],
        "| # | decision | class: decided by | when | why it is on the table | rests on |",
        "|---|---|---|---|---|---|",
    ]
    for d in dec["items"][: dec["first_page"]]:
        if d["status"] == "overdue":
            when = f"overdue since {d['overdue_since']} ({d['years_overdue']} y)"
        elif d["decide_by"] is not None:
            when = f"decide by {d['decide_by']}"
        else:
            when = "no date: a risk to reduce or accept"
        n = len(d["items"])
        if d["kind"] == "single_point_of_failure":
            why = (
                f"{n} single point(s) of failure whose loss, after repair and restart, is class "
                f"{d['consequence']} or worse than the table's bar"
            )
        elif d["kind"] == "reconsider":
            why = f"{n} agenda item(s) resting on an assumption a challenge breaks"
        else:
            kinds = sorted({i.partition(":")[0] for i in d["items"]})
            what = " and ".join(
                {"shortfall": "capacity", "replacement": "end of life"}[k] for k in kinds
            )
            why = f"{what}; {n - 1} decision(s) wait for it or go with it" if n > 1 else what
        if d["blocks_plans"]:
            why += f"; {len(d['blocks_plans'])} plan(s) wait for it"
        b = d["basis"]
        rests = {
            "sourced": "sourced records",
            "partly_assumed": f"{b['assumed']} of {b['records']} records assumed",
            "assumed": "assumed records only",
            "untraced": "no record named",
        }[b["verdict"]]
        stake = _DECIDED_BY[d["consequence_by"]]
        touched = [e["text"]["en"] for e in d["evidence"] if e["id"].endswith("#through")]
        if touched:
            stake += f" ({touched[0]})"
        lines.append(
            f"| {d['rank']} | {d['title']['en']} | {d['consequence']}: {stake} | {when} | "
            f"{why} | {rests} |"
        )
    lines.append(FIRST_PAGE_MARKERS[1])
    return "\n".join(lines) + "\n"


def write_first_page(doc: Path, block: str) -> None:
    """Put ``block`` between the markers of ``doc``."""
    text = doc.read_text(encoding="utf-8")
    start = text.index(FIRST_PAGE_MARKERS[0])
    end = text.index(FIRST_PAGE_MARKERS[1]) + len(FIRST_PAGE_MARKERS[1]) + 1
    doc.write_text(text[:start] + block + text[end:], encoding="utf-8")


# --------------------------------------------------------------------------- writing


def write_csv(path: Path, fields: list[str], rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    used = [f for f in fields if any(r.get(f) not in (None, "") for r in rows)]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=used, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in used})


def write_yaml(path: Path, data: Any, header: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    with path.open("w", encoding="utf-8") as f:
        if header:
            f.write("".join(f"# {line}\n" for line in header.splitlines()))
        f.write(text)


def named(rec: dict[str, Any], key: str, dutch: str) -> dict[str, Any]:
    """``rec`` with its Dutch name (``<key>_nl``) right after its English one."""
    out: dict[str, Any] = {}
    for k, v in rec.items():
        out[k] = v
        if k == key:
            out[f"{key}_nl"] = dutch
    return out


def clean(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if v not in (None, "", [], {})}


def main() -> None:
    b = Builder()
    assets = load_yaml("assets.yaml")
    systems = load_yaml("systems.yaml")
    for s in systems:
        for sub in s["subsystems"]:
            SUBSYSTEM_SYSTEM[sub["id"]] = s["id"]
        for sub in s["subsystems"]:
            if sub.get("ref"):
                sub["ref"] = b.ref(sub["ref"])

    areas = build_areas(b)
    build_electricity(b, areas, assets)
    ds_ids = list(b.by_kind["distribution_station"])
    # Control systems and data centres first: everything else links to them.
    build_telecom(b, areas, assets, ds_ids)
    build_gas(b, areas, assets, ds_ids)
    build_heat(b, areas, assets, ds_ids)
    build_water(b, areas, assets, ds_ids)
    build_wastewater(b, areas, assets, ds_ids)
    build_flood(b, areas, assets, ds_ids)
    build_mobility(b, areas, assets, ds_ids)
    build_port(b, areas, assets, ds_ids)
    build_ates(b, areas)
    build_critical(b, areas, ds_ids)
    build_couplings(b, areas)
    build_side_outputs(b)
    b.register = apply_register(b, assets)
    for d in assets["distribution_stations"]:
        if d["util"] is None:
            _note(b, d["id"], NOTE_UTIL)
    plans = build_plans(b, areas)
    scenarios, geojson = build_scenarios(b, areas, plans)
    add_likelihood(scenarios)

    size_from_engine(b, areas, systems, plans, scenarios, geojson)
    extend_lives(b)
    clear_owned(OUT)
    write_model(b, OUT, systems, plans, scenarios, geojson)
    write_interventions(OUT)
    write_sources(b, OUT)
    write_readme(b, plans, scenarios)
    write_review(b, OUT)


#: What the builder writes into the example folder. Anything else there (an interventions
#: file another tool adds) is left alone when the folder is built again.
OWNED = (
    "model.yaml",
    "resources.yaml",
    "systems.yaml",
    "components",
    "areas.csv",
    "critical_functions.csv",
    "requirements.csv",
    "_ensemble.yaml",
    "_sources.yaml",
    "supply",
    "stores.csv",
    "couplings.yaml",
    "side_outputs.yaml",
    "challenges.yaml",
    "plans.yaml",
    "scenarios",
    "hazards",
    "README.md",
    "REVIEW.md",
)


def clear_owned(out: Path) -> None:
    """Remove what an earlier build wrote into ``out`` (the names of ``OWNED``), nothing else."""
    for name in OWNED:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


#: The ensemble spec the README names (`vitaal ensemble examples/rotterdam --scenarios ...`).
ENSEMBLE = """\
# An ensemble of sampled scenarios for `vitaal ensemble examples/rotterdam --scenarios
# examples/rotterdam/_ensemble.yaml`: floods, heat waves and random failures with the default
# shares and return periods (docs/performance.md, "Ensembles"). A file whose name starts with
# "_" is not part of the model.
n_scenarios: 500
seed: 1
horizon_h: 72
"""


def extend_lives(b: Builder) -> None:
    """Assets past their nominal end of life that are still in good, fair or moderate condition
    (NEN 2767 1-4) have had their life extended, as asset managers do: their end of life moves
    past the base year (only a little for condition 4). Those in poor or very poor condition
    (5-6) stay overdue for replacement."""
    rng = random.Random(2767)
    for cid in sorted(b.components):
        c = b.components[cid]
        eol, cond = c.get("end_of_life_year"), c.get("condition")
        if eol is None or cond is None or int(eol) >= BASE_YEAR or int(cond) > 4:
            continue
        # fair condition buys many more years than poor (4): those are due soon
        extra = rng.randint(3, 15) if int(cond) <= 3 else rng.randint(1, 4)
        c["end_of_life_year"] = BASE_YEAR + extra
        _note(b, cid, f"life extended from {eol} (condition {cond}; assumed)")


def write_model(b: Builder, out: Path, systems, plans, scenarios, geojson) -> None:
    """Write the model folder ``out`` from the records collected in ``b``."""
    out.mkdir(parents=True, exist_ok=True)
    write_yaml(
        out / "model.yaml",
        {
            "name": "Rotterdam (illustrative)",
            "description": (
                "Vital systems of Rotterdam: public figures where they exist, plausible "
                "assumptions elsewhere (see README.md and each record's origin and ref). Built by "
                "scripts/build_rotterdam_example.py from scripts/rotterdam_sources/."
            ),
            "description_nl": (
                "Vitale systemen van Rotterdam: openbare cijfers waar die er zijn, aannemelijke "
                "aannames elders (zie README.md en bij elk gegeven origin en ref). Gebouwd door "
                "scripts/build_rotterdam_example.py uit scripts/rotterdam_sources/."
            ),
            "crs": "EPSG:28992",
            "base_year": BASE_YEAR,
            "horizons": {"short_y": 5, "medium_y": 15},
            "horizon_h": 72,
        },
    )
    write_yaml(
        out / "resources.yaml",
        [
            {"id": r, "name": n, "name_nl": nl, "unit": u}
            | ({"on_overload": "congest"} if r in CONGESTS_ON_OVERLOAD else {})
            for r, n, nl, u in RESOURCES
        ],
    )
    write_yaml(out / "systems.yaml", systems)

    by_system: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in b.components.values():
        c["name_nl"] = dutch_name(c["name"])
        by_system[SUBSYSTEM_SYSTEM[c["subsystem"]]].append(c)
    for cf in b.cfs.values():
        cf["name_nl"] = dutch_name(cf["name"])
    for system, rows in sorted(by_system.items()):
        write_csv(out / "components" / f"{system}.csv", COMPONENT_FIELDS, rows)

    area_rows = list(b.areas.values())
    write_csv(
        out / "areas.csv",
        [
            "id",
            "name",
            "kind",
            "district",
            "population",
            "homes",
            "jobs",
            "x",
            "y",
            "connections",
            "built_from",
            "origin",
            "confidence",
            "ref",
        ],
        area_rows,
    )
    write_csv(
        out / "critical_functions.csv",
        [
            "id",
            "name",
            "name_nl",
            "category",
            "area",
            "people",
            "owner",
            "x",
            "y",
            "origin",
            "confidence",
            "ref",
        ],
        list(b.cfs.values()),
    )
    req_rows = [
        r | {"buffer_h": num(r["buffer_h"])}
        for r in b.reqs.values()
        if r["buffer_h"] or r["k"] != 1 or r.get("condition") or r.get("degraded_h")
    ]
    write_csv(
        out / "requirements.csv",
        [
            "consumer",
            "resource",
            "buffer_h",
            "k",
            "condition",
            "degraded_h",
            "degraded_share",
            "origin",
            "confidence",
            "ref",
        ],
        req_rows,
    )
    (out / "_ensemble.yaml").write_text(ENSEMBLE, encoding="utf-8")
    by_res: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in b.supply:
        by_res[s["resource"]].append(s)
    for res, rows in sorted(by_res.items()):
        write_csv(
            out / "supply" / f"{res}.csv",
            ["supplier", "consumer", "resource", "role", "origin", "confidence", "ref"],
            rows,
        )
    write_csv(
        out / "stores.csv",
        ["component", "resource", "autonomy_h", "origin", "confidence", "ref"],
        b.stores,
    )
    write_yaml(
        out / "couplings.yaml", [clean(c) | {"managed_by": c["managed_by"]} for c in b.couplings]
    )
    write_yaml(out / "side_outputs.yaml", [clean(s) for s in b.side_outputs])
    challenges = []
    for c in load_yaml("challenges.yaml"):
        if c.get("ref"):
            c["ref"] = b.ref(c["ref"])
        challenges.append(c)
    write_yaml(out / "challenges.yaml", challenges)
    write_yaml(
        out / "plans.yaml",
        [clean(named(p, "title", dutch_name(p["title"]))) for p in plans],
    )
    for sid, sc in scenarios.items():
        dutch = named(sc, "name", dutch_name(sc["name"]))
        write_yaml(out / "scenarios" / f"{sid}.yaml", clean(dutch))
    (out / "hazards").mkdir()
    with (out / "hazards" / "flood_depth_outside_dikes.geojson").open("w", encoding="utf-8") as f:
        json.dump(geojson, f, indent=1)
        f.write("\n")


def register_rows(b: Builder) -> list[str]:
    """The README's table of the share sourced per system and level: the upper level (the
    register) and the lower level (generated in bulk)."""
    rows = []
    systems = sorted({SUBSYSTEM_SYSTEM[c["subsystem"]] for c in b.components.values()})
    for system in systems:
        comps = [c for c in b.components.values() if SUBSYSTEM_SYSTEM[c["subsystem"]] == system]
        upper = [c for c in comps if c["id"] in b.register]
        lower = [c for c in comps if c["id"] not in b.register]
        up_src = sum(1 for c in upper if b.register[c["id"]]["sources"])
        low_src = sum(1 for c in lower if c["origin"] == "public_source")

        def share(n: int, d: int) -> str:
            return f"{100 * n / d:.0f} %" if d else "-"

        rows.append(
            f"| {system} | {len(upper)} | {up_src} | {share(up_src, len(upper))} | "
            f"{len(upper) - up_src} | {len(lower)} | {low_src} | {share(low_src, len(lower))} |"
        )
    upper = list(b.register.values())
    n_up = len(upper)
    n_src = sum(1 for r in upper if r["sources"])
    lower = [c for c in b.components.values() if c["id"] not in b.register]
    n_low_src = sum(1 for c in lower if c["origin"] == "public_source")
    rows.append(
        f"| **all** | {n_up} | {n_src} | {100 * n_src / n_up:.0f} % | {n_up - n_src} | "
        f"{len(lower)} | {n_low_src} | {100 * n_low_src / len(lower):.0f} % |"
    )
    return rows


def write_sources(b: Builder, out: Path) -> None:
    """The example's `_sources.yaml`: the sources with their addresses and dates, the notes
    that are not publications, and the register of the upper levels (each component's
    sources and figure as published, or what is assumed and why). The model reader skips it
    (its name starts with `_`); the tests read it."""
    header = (
        "Generated by scripts/build_rotterdam_example.py from scripts/rotterdam_sources/\n"
        "sources.yaml and register.yaml: do not edit. Not a table of the model (the name\n"
        "starts with _): the sources of the example and the register of its upper levels."
    )
    write_yaml(
        out / "_sources.yaml",
        {"sources": b.sources, "notes": b.notes, "upper_level": b.register},
        header=header,
    )


def write_readme(b: Builder, plans, scenarios) -> None:
    by_system: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in b.components.values():
        by_system[SUBSYSTEM_SYSTEM[c["subsystem"]]].append(c)
    links_by_system: dict[str, int] = defaultdict(int)
    links_by_resource: dict[str, int] = defaultdict(int)
    for s in b.supply:
        links_by_resource[s["resource"]] += 1
        sup = b.components.get(s["supplier"])
        if sup:
            links_by_system[SUBSYSTEM_SYSTEM[sup["subsystem"]]] += 1
    rows = []
    for system, comps in sorted(by_system.items()):
        origin = defaultdict(int)
        for c in comps:
            origin[c["origin"]] += 1
        rows.append(
            f"| {system} | {len(comps)} | {origin['public_source']} | "
            f"{origin['expert_judgement']} | {origin['assumed']} | {links_by_system[system]} |"
        )
    cats: dict[str, int] = defaultdict(int)
    for cf in b.cfs.values():
        cats[cf["category"]] += 1
    areas = b.areas.values()
    n_req = len(
        [
            r
            for r in b.reqs.values()
            if r["buffer_h"] or r["k"] != 1 or r.get("condition") or r.get("degraded_h")
        ]
    )
    contents = [
        (
            f"- {len(b.areas)} service areas (neighbourhoods, business and port areas): "
            f"{sum(a['population'] for a in areas):,} inhabitants, "
            f"{sum(a['homes'] for a in areas):,} homes, {sum(a['jobs'] for a in areas):,} jobs"
        ),
        f"- {len(b.cfs)} critical functions",
        (
            f"- {len(b.components)} components in {len(by_system)} systems, "
            f"{len(b.supply)} supply links, {n_req} requirements with a buffer or k > 1, "
            f"{len(b.stores)} stores"
        ),
        (
            f"- {len(b.couplings)} couplings, {len(b.side_outputs)} side outputs, "
            f"{len(plans)} plans, {len(scenarios)} scenarios"
        ),
    ]
    text = string.Template((SOURCES / "readme_template.md").read_text(encoding="utf-8"))
    readme = text.substitute(
        contents="\n".join(contents),
        system_table="\n".join(rows),
        register_table="\n".join(register_rows(b)),
        categories=", ".join(f"{k} {v}" for k, v in sorted(cats.items())),
        resources=", ".join(f"{k} {v}" for k, v in sorted(links_by_resource.items())),
        sources="\n".join(f"- `{k}`: {cite(v)}" for k, v in b.sources.items()),
        notes="\n".join(f"- `{k}`: {cite(v)}" for k, v in b.notes.items()),
        scenarios="\n".join(
            f"- `{k}`: {v['name']}. {v['description']}" for k, v in scenarios.items()
        ),
    )
    (OUT / "README.md").write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
