"""The map: components, service areas and critical functions in the model's coordinates.

No tiles and nothing fetched: the geometry of the model is projected onto the SVG viewport
(RD New metres by default; longitude/latitude is drawn equirectangular). Thousands of
components stay small: each colour is one ``<path>``, points become 2-pixel squares and lines
are rounded to whole pixels, and what falls on the same pixel is drawn once.

Complexity: O(coordinates) to project, O(components) per map drawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from vitaal.model.model import Model
from vitaal.report.svg.base import FLAG_COLOURS, Svg, attr, num, system_colours, text_escape

Point = tuple[float, float]

_GEOGRAPHIC = ("EPSG:4326", "EPSG:4258", "OGC:CRS84")
_BASE_GREY = "#c9c9c9"
_SCALES_M = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000)


@dataclass(frozen=True, slots=True)
class MapArea:
    id: str
    name: str
    x: float
    y: float
    r: float
    population: int
    outline: str | None = None  # a path when the area has a polygon


@dataclass(frozen=True, slots=True)
class MapData:
    """A model's geometry in viewport pixels: projected once, drawn for every scenario."""

    width: float
    height: float
    metres_per_px: float
    systems: tuple[str, ...]
    colours: Mapping[str, str]
    points: Mapping[str, Point]
    lines: Mapping[str, tuple[Point, ...]]
    component_system: Mapping[str, str]
    areas: tuple[MapArea, ...]
    functions: Mapping[str, Point] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.points or self.lines or self.areas)


def _geometry(wkt: str | None) -> BaseGeometry | None:
    if not wkt:
        return None
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.GEOSException:
        return None
    if geom is None or geom.is_empty:
        return None
    return geom


def _parts(geom: BaseGeometry) -> list[list[Point]]:
    """The coordinate sequences of a geometry: one per point, line or polygon ring."""
    if hasattr(geom, "geoms"):
        out: list[list[Point]] = []
        for g in geom.geoms:
            out.extend(_parts(g))
        return out
    if geom.geom_type == "Polygon":
        return [[(float(x), float(y)) for x, y, *_ in geom.exterior.coords]]
    return [[(float(x), float(y)) for x, y, *_ in geom.coords]]


def _extent(
    geoms: list[BaseGeometry], areas: list[BaseGeometry]
) -> tuple[float, float, float, float]:
    """The extent to draw: the service areas and the central 94 % of the component
    coordinates (of all, for a small model), so that a far-away intake or power plant
    does not shrink the city to a corner (what lies outside is clipped by the viewport)."""
    xy = np.vstack([shapely.get_coordinates(g) for g in geoms])
    cut = 3 if len(xy) > 200 else 0
    lo = np.percentile(xy, cut, axis=0)
    hi = np.percentile(xy, 100 - cut, axis=0)
    if areas:
        a = np.asarray(shapely.total_bounds(areas), dtype=float)
        lo = np.minimum(lo, a[:2])
        hi = np.maximum(hi, a[2:])
    pad = (hi - lo) * 0.04
    return (
        float(lo[0] - pad[0]),
        float(lo[1] - pad[1]),
        float(hi[0] + pad[0]),
        float(hi[1] + pad[1]),
    )


def map_data(model: Model, *, width: float = 760.0, max_height: float = 620.0) -> MapData:
    """Project the model's geometry onto a viewport ``width`` pixels wide.

    Components with a point become points; with a line, polylines (polygons draw their
    outline). Service areas become circles with an area proportional to their population,
    or their outline when they have a polygon.
    """
    geographic = model.info.crs.upper() in _GEOGRAPHIC
    comps: dict[str, BaseGeometry] = {}
    for cid, c in model.components.items():
        g = _geometry(c.geometry)
        if g is not None:
            comps[cid] = g
    areas: dict[str, BaseGeometry] = {}
    for aid, a in model.areas.items():
        g = _geometry(a.geometry)
        if g is not None:
            areas[aid] = g
    funcs: dict[str, BaseGeometry] = {}
    for fid, f in model.critical_functions.items():
        g = _geometry(f.geometry)
        if g is not None:
            funcs[fid] = g
    systems = tuple(model.systems)
    colours = system_colours(systems)
    everything = [*comps.values(), *areas.values(), *funcs.values()]
    if not everything:
        return MapData(width, 0.0, 1.0, systems, colours, {}, {}, {}, ())
    minx, miny, maxx, maxy = _extent(everything, list(areas.values()))
    kx = 1.0
    unit_m = 1.0
    if geographic:
        lat0 = math.radians((miny + maxy) / 2)
        kx = math.cos(lat0)
        unit_m = 110_540.0
    span_x = max((maxx - minx) * kx, 1e-9)
    span_y = max(maxy - miny, 1e-9)
    pad = 16.0
    scale = (width - 2 * pad) / span_x
    if span_y * scale + 2 * pad > max_height:
        scale = (max_height - 2 * pad) / span_y
    height = span_y * scale + 2 * pad
    off_x = (width - span_x * scale) / 2

    def project(p: Point) -> Point:
        return (off_x + (p[0] - minx) * kx * scale, pad + (maxy - p[1]) * scale)

    points: dict[str, Point] = {}
    lines: dict[str, tuple[Point, ...]] = {}
    for cid, g in comps.items():
        if g.geom_type in ("Point", "MultiPoint"):
            c = g.centroid
            points[cid] = project((float(c.x), float(c.y)))
        else:
            parts = _parts(g)
            # one polyline per component is enough at map scale: the longest part
            best = max(parts, key=len)
            lines[cid] = tuple(project(p) for p in best)
    comp_system = {cid: s for cid in comps if (s := model.system_of(cid)) is not None}
    max_pop = max((a.population for a in model.areas.values()), default=0) or 1
    map_areas = []
    for aid, g in areas.items():
        a = model.areas[aid]
        c = g.centroid
        x, y = project((float(c.x), float(c.y)))
        outline = None
        if g.geom_type in ("Polygon", "MultiPolygon"):
            outline = "".join(
                "M" + "L".join(f"{num(px, 0)} {num(py, 0)}" for px, py in map(project, ring)) + "Z"
                for ring in _parts(g)
            )
        r = 2.5 + 11.0 * math.sqrt(a.population / max_pop)
        map_areas.append(MapArea(aid, a.name, x, y, r, a.population, outline))
    functions = {
        fid: project((float(g.centroid.x), float(g.centroid.y))) for fid, g in funcs.items()
    }
    return MapData(
        width=width,
        height=height,
        metres_per_px=unit_m / scale,
        systems=systems,
        colours=colours,
        points=points,
        lines=lines,
        component_system=comp_system,
        areas=tuple(map_areas),
        functions=functions,
    )


def _dots(points: Sequence[Point], size: float) -> str:
    seen: set[tuple[int, int]] = set()
    out = []
    half = size / 2
    for x, y in points:
        key = (round(x / size), round(y / size))
        if key in seen:
            continue
        seen.add(key)
        out.append(f"M{num(x - half)} {num(y - half)}h{num(size)}v{num(size)}h-{num(size)}z")
    return "".join(out)


def _strokes(lines: Sequence[Sequence[Point]]) -> str:
    seen: set[tuple[tuple[int, int], ...]] = set()
    out = []
    for line in lines:
        pts: list[tuple[int, int]] = []
        for x, y in line:
            p = (round(x), round(y))
            if not pts or pts[-1] != p:
                pts.append(p)
        if len(pts) < 2:
            pts = [pts[0], (pts[0][0] + 1, pts[0][1])] if pts else []
        key = tuple(pts)
        if not pts or key in seen:
            continue
        seen.add(key)
        out.append(f"M{pts[0][0]} {pts[0][1]}" + "".join(f"L{x} {y}" for x, y in pts[1:]))
    return "".join(out)


def _layer(
    data: MapData, ids: Sequence[str], colour: str, *, dot: float, line_w: float, cls: str
) -> str:
    lines = [data.lines[i] for i in ids if i in data.lines]
    pts = [data.points[i] for i in ids if i in data.points]
    out = ""
    if lines:
        out += (
            f'<path class={attr(cls)} d="{_strokes(lines)}" fill="none" stroke={attr(colour)} '
            f'stroke-width="{num(line_w)}" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    if pts:
        out += f'<path class={attr(cls)} d="{_dots(pts, dot)}" fill={attr(colour)}/>'
    return out


def _scale_bar(svg: Svg, data: MapData, km: str) -> None:
    target = data.metres_per_px * data.width / 5
    metres = max((s for s in _SCALES_M if s <= target), default=_SCALES_M[0])
    px = metres / data.metres_per_px
    x0, y0 = 12.0, data.height - 12
    svg.add(
        f'<path d="M{num(x0)} {num(y0 - 5)}V{num(y0)}H{num(x0 + px)}V{num(y0 - 5)}" '
        'fill="none" stroke="#222" stroke-width="1.5"/>'
    )
    label = f"{metres / 1000:g} {km}" if metres >= 1000 else f"{metres} m"
    svg.text(x0 + px / 2, y0 - 7, label, size=10, anchor="middle")
    # north arrow: the projected y axis points north
    nx, ny = data.width - 18, 14.0
    svg.add(
        f'<path d="M{num(nx)} {num(ny)}l5 14l-5 -4l-5 4z" fill="#222" stroke="#222" '
        'stroke-width="0.8"/>'
    )
    svg.text(nx, ny + 26, "N", size=10, anchor="middle", weight="bold")


def draw_map(
    data: MapData,
    *,
    label: str,
    labels: Mapping[str, str],
    system_names: Mapping[str, str],
    failed: Mapping[str, str] | None = None,
    areas_hit: Mapping[str, str] | None = None,
    functions_hit: Mapping[str, str] | None = None,
    figure: str = "map",
) -> str:
    """Draw the map.

    Parameters
    ----------
    data
        From :func:`map_data`.
    label
        The figure's title (accessible name).
    labels
        Translated words: ``area`` (service area), ``function`` (critical function), ``km``,
        ``failed``, ``unaffected``, ``red``, ``orange``, ``green``, ``no_geometry``.
    system_names
        Per system id, its display name.
    failed
        For a scenario map: per failed component id, the flag colour (``red``, ``orange``,
        ``green``) to draw it in; all others are drawn grey. ``None``: coloured by system.
    areas_hit, functions_hit
        Per service area and critical function that lose a service, the flag colour.
    """
    legend_rows = 2 + (len(data.systems) + 2) // 3 if failed is None else 3
    legend_h = 16.0 * legend_rows + 8
    svg = Svg(data.width, data.height + legend_h, figure=figure, label=label)
    svg.add(
        f'<rect x="0.5" y="0.5" width="{num(data.width - 1)}" height="{num(data.height - 1)}" '
        'fill="#fbfbf8" stroke="#bbb"/>'
    )
    if data.empty:
        svg.text(data.width / 2, 40, labels.get("no_geometry", ""), anchor="middle")
        return svg.render()
    by_system: dict[str, list[str]] = {s: [] for s in data.systems}
    for cid, s in data.component_system.items():
        by_system.setdefault(s, []).append(cid)
    # service areas underneath, as circles sized by population (or their outline)
    parts = []
    for a in data.areas:
        colour = (areas_hit or {}).get(a.id)
        fill = FLAG_COLOURS.get(colour or "", "#ffffff") if colour else "#ffffff"
        opacity = "0.45" if colour else "0.6"
        title = f"<title>{text_escape(a.name)} ({a.population:,})</title>"
        if a.outline:
            parts.append(
                f'<path class="area" d="{a.outline}" fill="{fill}" fill-opacity="{opacity}" '
                f'stroke="#8a8a8a" stroke-width="0.6">{title}</path>'
            )
        else:
            parts.append(
                f'<circle class="area" cx="{num(a.x)}" cy="{num(a.y)}" r="{num(a.r)}" '
                f'fill="{fill}" fill-opacity="{opacity}" stroke="#8a8a8a" '
                f'stroke-width="0.6">{title}</circle>'
            )
    svg.add('<g class="areas">' + "".join(parts) + "</g>")
    if failed is None:
        for s in data.systems:
            svg.add(_layer(data, by_system.get(s, []), data.colours[s], dot=2.4, line_w=1.1, cls=s))
    else:
        intact = [cid for cid in data.component_system if cid not in failed]
        svg.add(_layer(data, intact, _BASE_GREY, dot=2.0, line_w=0.8, cls="intact"))
        for colour in ("green", "orange", "red"):
            ids = [cid for cid, c in failed.items() if c == colour]
            svg.add(
                _layer(data, ids, FLAG_COLOURS[colour], dot=3.2, line_w=2.0, cls=f"failed-{colour}")
            )
    for fid, (x, y) in data.functions.items():
        colour = (functions_hit or {}).get(fid)
        fill = FLAG_COLOURS.get(colour or "", "#ffffff")
        svg.add(
            f'<path class="function" d="M{num(x)} {num(y - 5)}l5 5l-5 5l-5 -5z" fill="{fill}" '
            'stroke="#222" stroke-width="1"/>'
        )
    _scale_bar(svg, data, labels.get("km", "km"))
    _legend(svg, data, labels, system_names, scenario=failed is not None)
    return svg.render()


def _legend(
    svg: Svg,
    data: MapData,
    labels: Mapping[str, str],
    system_names: Mapping[str, str],
    *,
    scenario: bool,
) -> None:
    entries: list[tuple[str, str, str]] = []
    if scenario:
        for colour in ("red", "orange", "green"):
            entries.append(("sq", FLAG_COLOURS[colour], labels.get(colour, colour)))
        entries.append(("sq", _BASE_GREY, labels.get("unaffected", "")))
    else:
        for s in data.systems:
            entries.append(("sq", data.colours[s], system_names.get(s, s)))
    entries.append(("circle", "#ffffff", labels.get("area", "")))
    if data.functions:
        entries.append(("diamond", "#ffffff", labels.get("function", "")))
    cols = 3 if not scenario else 4
    col_w = data.width / cols
    y0 = data.height + 16
    for i, (shape, colour, text) in enumerate(entries):
        x = 8 + (i % cols) * col_w
        y = y0 + (i // cols) * 16
        if shape == "sq":
            svg.add(f'<rect x="{num(x)}" y="{num(y - 9)}" width="10" height="10" fill="{colour}"/>')
        elif shape == "circle":
            svg.add(
                f'<circle cx="{num(x + 5)}" cy="{num(y - 4)}" r="5" fill="{colour}" '
                'stroke="#8a8a8a"/>'
            )
        else:
            svg.add(
                f'<path d="M{num(x + 5)} {num(y - 9)}l5 5l-5 5l-5 -5z" fill="{colour}" '
                'stroke="#222"/>'
            )
        svg.text(x + 15, y, text, size=10.5)
