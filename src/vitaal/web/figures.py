"""The map and the dependency diagram, drawn by the report's own SVG code
(:mod:`vitaal.report.svg`, which escapes every model text) so that the web app and the report
show the same figures: the systems on the map and their dependencies for a version, and the
same coloured by a scenario run's flags.

The web app's map adds what the report's leaves out: every component its own element to
point at, the plans and the protection zones as layers of their own, and the city's base map
when one is configured (:mod:`vitaal.web.basemap`). Components whose location the reader may
not see (:func:`vitaal.web.rights.unseen_locations`) are left off every map: their service
areas stay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from typing import Any

import shapely

from vitaal.model.model import Model
from vitaal.report.svg.base import attr, num, text_escape
from vitaal.report.svg.dependency import count_dependencies, draw_dependencies
from vitaal.report.svg.map import MapData, draw_map
from vitaal.web.basemap import TileSource, basemap_svg

__all__ = ["map_layers", "overview_figures", "scenario_figures", "without"]

#: the colours of the web app's own layers
_PLAN = "#7d3c98"
_ZONE = "#d9822b"

Gettext = Callable[[str], str]


def _names(model: Model, lang: str) -> dict[str, str]:
    return {
        sid: (s.name_nl if lang == "nl" and s.name_nl else s.name)
        for sid, s in model.systems.items()
    }


def _map_labels(_: Gettext) -> dict[str, str]:
    return {
        "area": _("service area (size: population)"),
        "function": _("critical function"),
        "km": "km",
        "red": _("failed, red flag"),
        "orange": _("failed, orange flag"),
        "green": _("failed, green flag"),
        "unaffected": _("not failed"),
        "no_geometry": _("The model has no geometry to draw."),
    }


def without(geo: MapData, hidden: Collection[str]) -> MapData:
    """The map's geometry without the components ``hidden`` (O(components))."""
    if not hidden:
        return geo
    return dataclasses.replace(
        geo,
        points={k: v for k, v in geo.points.items() if k not in hidden},
        lines={k: v for k, v in geo.lines.items() if k not in hidden},
        component_system={k: v for k, v in geo.component_system.items() if k not in hidden},
        assets=tuple(a for a in geo.assets if a.id not in hidden),
    )


def _plans_svg(model: Model, geo: MapData, title: str) -> str:
    """Each plan's outline, or, for a plan without one, a ring round each of its areas."""
    proj = geo.projection
    if proj is None:
        return ""
    where = {a.id: a for a in geo.areas}
    parts = []
    for pid, plan in sorted(model.plans.items()):
        tip = f"<title>{text_escape(plan.title)} ({text_escape(title)})</title>"
        geom = shapely.from_wkt(plan.geometry) if plan.geometry else None
        if geom is not None and not geom.is_empty:
            polys = getattr(geom, "geoms", [geom])
            d = "".join(
                "M" + "L".join(f"{num(px, 0)} {num(py, 0)}" for px, py in map(proj, ring)) + "Z"
                for g in polys
                if g.geom_type == "Polygon"
                for ring in [[(float(x), float(y)) for x, y, *_ in g.exterior.coords]]
            )
            if d:
                parts.append(f"<path data-id={attr(pid)} d={attr(d)}>{tip}</path>")
                continue
        rings = [
            f'<circle cx="{num(a.x)}" cy="{num(a.y)}" r="{num(a.r + 4)}"/>'
            for aid in plan.areas
            if (a := where.get(aid)) is not None
        ]
        if rings:
            parts.append(f"<g data-id={attr(pid)}>{tip}{''.join(rings)}</g>")
    if not parts:
        return ""
    return (
        f'<g class="plans" data-layer="plans" fill="{_PLAN}" fill-opacity="0.12" '
        f'stroke="{_PLAN}" stroke-width="1.6" stroke-dasharray="5 3" '
        f'vector-effect="non-scaling-stroke">{"".join(parts)}</g>'
    )


def _zones_svg(model: Model, geo: MapData, title: str) -> str:
    """The protection zone round each component that has one (and is drawn): a disc round a
    point, a band along a line, as wide as the zone in the map's scale."""
    parts = []
    for cid in sorted(geo.component_system):
        zone = model.components[cid].protection_zone_m
        if not zone:
            continue
        r = zone / geo.metres_per_px
        tip = f"<title>{text_escape(title)}: {zone:g} m</title>"
        if cid in geo.points:
            x, y = geo.points[cid]
            parts.append(
                f'<circle data-id={attr(cid)} cx="{num(x, 2)}" cy="{num(y, 2)}" '
                f'r="{num(max(r, 0.5), 2)}">{tip}</circle>'
            )
        elif cid in geo.lines:
            d = "M" + "L".join(f"{num(x, 2)} {num(y, 2)}" for x, y in geo.lines[cid])
            parts.append(
                f'<path data-id={attr(cid)} d="{d}" fill="none" stroke="{_ZONE}" '
                f'stroke-opacity="0.3" stroke-width="{num(max(2 * r, 1.0), 2)}" '
                f'stroke-linecap="round">{tip}</path>'
            )
    if not parts:
        return ""
    return (
        f'<g class="zones" data-layer="zones" fill="{_ZONE}" fill-opacity="0.25">'
        f"{''.join(parts)}</g>"
    )


def map_layers(
    model: Model, geo: MapData, lang: str, tiles: TileSource | None
) -> list[dict[str, Any]]:
    """The layer switches of the map page: one per system drawn, then the service areas, the
    critical functions, the plans, the protection zones (those the model has) and the base map
    (when one is configured); each with its ``data-layer`` name and colour."""
    names = _names(model, lang)
    drawn = set(geo.component_system.values())
    out: list[dict[str, Any]] = [
        {"layer": f"system:{s}", "system": s, "name": names.get(s, s), "colour": geo.colours[s]}
        for s in geo.systems
        if s in drawn
    ]
    zones = any(model.components[c].protection_zone_m for c in geo.component_system)
    plans = any(p.geometry or p.areas for p in model.plans.values())
    for layer, present, colour in (
        ("areas", bool(geo.areas), "#ffffff"),
        ("functions", bool(geo.functions), "#ffffff"),
        ("plans", plans, _PLAN),
        ("zones", zones, _ZONE),
        ("basemap", tiles is not None and not geo.empty, "#c9d3dc"),
    ):
        if present:
            out.append({"layer": layer, "system": None, "name": layer, "colour": colour})
    return out


def overview_figures(
    model: Model,
    geo: MapData,
    lang: str,
    _: Gettext,
    *,
    hidden: Collection[str] = (),
    tiles: TileSource | None = None,
) -> dict[str, str]:
    """The map of every system and the dependencies between the systems, as SVG: on the
    map every component is its own element to point at, with the plans, the protection zones
    and the base map (``tiles``) as layers; the components ``hidden`` are left out."""
    names = _names(model, lang)
    shown = without(geo, hidden)
    layers = _plans_svg(model, shown, _("plan")) + _zones_svg(model, shown, _("protection zone"))
    return {
        "map_svg": draw_map(
            shown,
            label=_("Map of the vital systems"),
            labels=_map_labels(_),
            system_names=names,
            lang=lang,
            pick=True,
            base=basemap_svg(tiles, shown) if tiles is not None else "",
            layers=layers,
        ),
        "dependency_svg": draw_dependencies(
            list(model.systems),
            count_dependencies(model),
            label=_("Dependencies between the systems"),
            names=names,
            legend={"links": _("arrow: supplier system to user system; number: supply links")},
        ),
    }


def scenario_figures(
    model: Model,
    geo: MapData,
    result: Mapping[str, Any],
    lang: str,
    _: Gettext,
    *,
    hidden: Collection[str] = (),
) -> dict[str, str]:
    """A scenario run on the map (failed components in their system's flag colour, service
    areas and critical functions that lose a service in red) and on the dependency diagram;
    the components ``hidden`` are left off the map."""
    geo = without(geo, hidden)
    colour_of = {f["system"]: f["colour"] for f in result["flags"]}
    failed: dict[str, str] = {}
    areas: dict[str, str] = {}
    functions: dict[str, str] = {}
    for n in result["nodes"]:
        nid = n["id"]
        if nid in model.components:
            failed[nid] = colour_of.get(n.get("system") or "", "orange")
        elif nid in model.areas:
            areas[nid] = "red"
        elif nid in model.critical_functions:
            functions[nid] = "red"
    names = _names(model, lang)
    name = str(result["name"])
    return {
        "map_svg": draw_map(
            geo,
            label=_("Map: %(name)s") % {"name": name},
            labels=_map_labels(_),
            system_names=names,
            failed=failed,
            areas_hit=areas,
            functions_hit=functions,
            figure="scenario-map",
        ),
        "dependency_svg": draw_dependencies(
            list(model.systems),
            count_dependencies(model),
            label=_("Dependencies and flags: %(name)s") % {"name": name},
            names=names,
            flags=colour_of,
            origin=result.get("origin_system"),
            legend={
                "red": _("red flag"),
                "orange": _("orange flag"),
                "green": _("green flag"),
                "origin": _("origin"),
                "links": _("numbers: supply links"),
            },
            size=440,
            figure="scenario-dependencies",
        ),
    }
