"""The map: components, service areas and critical functions in the model's coordinates.

No tiles and nothing fetched: the geometry of the model is projected onto the SVG viewport
(RD New metres by default; longitude/latitude is drawn equirectangular). Thousands of
components stay small: each colour is one ``<path>``, points become 2-pixel squares and lines
are rounded to whole pixels, and what falls on the same pixel is drawn once.

What the map names stands in the SVG itself, so that it reads without any script (in the PDF,
and in the web app, whose pages forbid inline script and style): every service area and every
major asset (a component of a kind the model has few of: plants, grid stations, barriers)
carries a ``<title>`` (the browser shows it on hover), and their names are drawn as labels
where they do not overlap one another, bigger areas and rarer kinds first. The drawing sits in
a ``<g class="viewport">`` clipped to the map's frame, so that nothing spills onto the legend;
the report's script zooms that group and shows the labels that fit at each zoom.

Complexity: O(coordinates) to project, O(components) per map drawn.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from vitaal.model.model import Model
from vitaal.model.names import kind_name
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
class MapAsset:
    """A major asset: named on the map, with its own element to point at."""

    id: str
    name: str
    name_nl: str | None
    kind: str
    system: str | None
    x: float
    y: float
    rarity: int  # how many components of its kind the model has


@dataclass(frozen=True, slots=True)
class Projection:
    """The model's coordinates to viewport pixels: ``x`` east from ``minx`` (times ``kx``, the
    cosine of the mid latitude for longitude and latitude), ``y`` south from ``maxy``, both
    times ``scale`` pixels per unit, shifted by ``off_x`` and ``pad`` pixels. The one formula
    every layer of the map is placed with (the web app adds its layers with it)."""

    minx: float
    maxy: float
    kx: float
    scale: float
    off_x: float
    pad: float

    def __call__(self, p: Point) -> Point:
        return (
            self.off_x + (p[0] - self.minx) * self.kx * self.scale,
            self.pad + (self.maxy - p[1]) * self.scale,
        )

    def inverse(self, px: float, py: float) -> Point:
        """The model coordinates of the pixel ``(px, py)``."""
        return (
            self.minx + (px - self.off_x) / (self.kx * self.scale),
            self.maxy - (py - self.pad) / self.scale,
        )


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
    function_names: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    assets: tuple[MapAsset, ...] = ()
    #: how the model's coordinates (in ``crs``) were projected; ``None`` without geometry
    projection: Projection | None = None
    crs: str = "EPSG:28992"

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
    project = Projection(minx, maxy, kx, scale, off_x, pad)

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
    function_names = {
        fid: (model.critical_functions[fid].name, model.critical_functions[fid].name_nl)
        for fid in funcs
    }
    assets = _major_assets(model, points, lines, comp_system)
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
        function_names=function_names,
        assets=assets,
        projection=project,
        crs=model.info.crs,
    )


def _major_assets(
    model: Model,
    points: Mapping[str, Point],
    lines: Mapping[str, tuple[Point, ...]],
    comp_system: Mapping[str, str],
) -> tuple[MapAsset, ...]:
    """The components of the kinds the model has few of (at most 3, or 0.2 % of its
    components): the plants, grid stations, barriers and the like that a reader looks for.
    A line is placed at its middle vertex."""
    kinds = Counter(c.kind for c in model.components.values())
    most = max(3, math.ceil(0.002 * len(model.components)))
    out = []
    for cid, c in model.components.items():
        if kinds[c.kind] > most:
            continue
        if cid in points:
            x, y = points[cid]
        elif cid in lines:
            x, y = lines[cid][len(lines[cid]) // 2]
        else:
            continue
        out.append(
            MapAsset(
                cid, c.name or cid, c.name_nl, c.kind, comp_system.get(cid), x, y, kinds[c.kind]
            )
        )
    out.sort(key=lambda a: (a.rarity, a.kind, a.id))
    return tuple(out)


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
    data: MapData,
    ids: Sequence[str],
    colour: str,
    *,
    dot: float,
    line_w: float,
    cls: str,
    title: str,
    layer: str,
) -> str:
    lines = [data.lines[i] for i in ids if i in data.lines]
    pts = [data.points[i] for i in ids if i in data.points]
    tip = f"<title>{text_escape(title)}</title>" if title else ""
    out = ""
    # data-layer: what the web app's layer switches show and hide
    if lines:
        out += (
            f'<path class={attr(cls)} d="{_strokes(lines)}" fill="none" stroke={attr(colour)} '
            f'stroke-width="{num(line_w)}" stroke-linecap="round" stroke-linejoin="round" '
            f'vector-effect="non-scaling-stroke" data-layer={attr(layer)}>{tip}</path>'
        )
    if pts:
        # data-dot: the script redraws the squares at one size on screen when the map zooms
        out += (
            f'<path class={attr(cls)} d="{_dots(pts, dot)}" fill={attr(colour)} '
            f'data-dot="{num(dot)}" data-layer={attr(layer)}>{tip}</path>'
        )
    return out


def _pick_layer(
    data: MapData, ids: Sequence[str], colour: str, *, cls: str, title: str, layer: str
) -> str:
    """A system's components one element each, with its id (``data-id``), for a map on which
    a component is picked by pointing at it (the web app); the same look as :func:`_layer`."""
    out = []
    half = 1.2
    for cid in sorted(ids):
        if cid in data.lines:
            d = _strokes([data.lines[cid]])
            if d:
                out.append(
                    f'<path data-id={attr(cid)} d="{d}" fill="none" '
                    'vector-effect="non-scaling-stroke"/>'
                )
        elif cid in data.points:
            x, y = data.points[cid]
            out.append(
                f'<path data-id={attr(cid)} d="M{num(x - half)} {num(y - half)}h2.4v2.4h-2.4z" '
                f'fill={attr(colour)} stroke="none" data-dot="2.4"/>'
            )
    tip = f"<title>{text_escape(title)}</title>" if title else ""
    return (
        f'<g class={attr(cls)} data-layer={attr(layer)} stroke={attr(colour)} stroke-width="1.1" '
        f'stroke-linecap="round" stroke-linejoin="round">{tip}{"".join(out)}</g>'
    )


def _scale_bar(svg: Svg, data: MapData, km: str) -> None:
    target = data.metres_per_px * data.width / 5
    metres = max((s for s in _SCALES_M if s <= target), default=_SCALES_M[0])
    px = metres / data.metres_per_px
    x0, y0 = 12.0, data.height - 12
    # a light ground under the bar and the arrow, so that the map's lines do not cross them
    svg.add(
        f'<rect x="{num(x0 - 6)}" y="{num(y0 - 20)}" width="{num(px + 12)}" height="26" '
        'fill="#fbfbf8" fill-opacity="0.85"/>'
        f'<rect x="{num(data.width - 30)}" y="8" width="24" height="36" fill="#fbfbf8" '
        'fill-opacity="0.85"/>'
    )
    svg.add(
        f'<path d="M{num(x0)} {num(y0 - 5)}V{num(y0)}H{num(x0 + px)}V{num(y0 - 5)}" '
        'fill="none" stroke="#222" stroke-width="1.5"/>'
    )
    label = f"{metres / 1000:g} {km}" if metres >= 1000 else f"{metres} m"
    # the report's script rewrites the label when the map is zoomed (the bar keeps its length)
    svg.text(
        x0 + px / 2,
        y0 - 7,
        label,
        size=10,
        anchor="middle",
        extra=f' class="scale-label" data-metres="{num(metres, 0)}" data-km={attr(km)}',
    )
    # north arrow: the projected y axis points north
    nx, ny = data.width - 18, 14.0
    svg.add(
        f'<path d="M{num(nx)} {num(ny)}l5 14l-5 -4l-5 4z" fill="#222" stroke="#222" '
        'stroke-width="0.8"/>'
    )
    svg.text(nx, ny + 26, "N", size=10, anchor="middle", weight="bold")


#: Label sizes (pixels at zoom 1) and the share of the size one character is wide, roughly.
_AREA_FONT = 9.0
_ASSET_FONT = 8.5
_CHAR_W = 0.58


@dataclass(frozen=True, slots=True)
class _Label:
    text: str
    x: float
    y: float
    size: float
    anchor: str
    dx: float
    cls: str
    fill: str
    weight: str
    layer: str


def _box(lab: _Label) -> tuple[float, float, float, float]:
    """The room a label takes, with a pixel to spare on each side (bold is wider)."""
    w = (_CHAR_W + (0.05 if lab.weight == "bold" else 0.0)) * lab.size * len(lab.text) + 4
    x = lab.x + lab.dx
    left = x - w / 2 if lab.anchor == "middle" else (x - w if lab.anchor == "end" else x)
    return (left, lab.y - lab.size, left + w, lab.y + 2)


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _labels(data: MapData, lang: str) -> list[_Label]:
    """The labels in order of priority: the rarest assets (kinds the model has at most three
    of: the plants, barriers, the one treatment works), then the service areas (most people
    first), then the other major assets; each kept inside the frame."""
    out: list[tuple[int, float, _Label]] = []
    for a in data.assets:
        name = a.name_nl if lang == "nl" and a.name_nl else a.name
        w = _CHAR_W * _ASSET_FONT * len(name) + 2
        right = a.x + 5 + w <= data.width - 4
        lab = _Label(
            name,
            a.x,
            min(max(a.y + 3, _ASSET_FONT + 2), data.height - 4),
            _ASSET_FONT,
            "start" if right else "end",
            5.0 if right else -5.0,
            "map-label map-label-asset",
            "#1d1d1b",
            "bold",
            f"system:{a.system}" if a.system else "components",
        )
        out.append((0 if a.rarity <= 3 else 2, float(a.rarity), lab))
    for ar in data.areas:
        w = _CHAR_W * _AREA_FONT * len(ar.name) + 2
        x = min(max(ar.x, 4 + w / 2), data.width - 4 - w / 2)
        y = min(max(ar.y + 3, _AREA_FONT + 2), data.height - 4)
        lab = _Label(
            ar.name,
            x,
            y,
            _AREA_FONT,
            "middle",
            0.0,
            "map-label map-label-area",
            "#4a4a46",
            "normal",
            "areas",
        )
        out.append((1, -float(ar.population), lab))
    out.sort(key=lambda t: (t[0], t[1]))
    return [lab for _, _, lab in out]


def _draw_labels(
    svg: Svg, data: MapData, lang: str, reserved: Sequence[tuple[float, ...]], prefix: str
) -> None:
    """Every label is written; those that would overlap a label of higher priority (or the
    scale bar and the north arrow) are hidden, for the script to show when zoomed in.

    The white halo that keeps a label readable over the drawing is a copy of it (``<use>``)
    with a white stroke, painted underneath: ``paint-order`` would do it in one element, but
    WeasyPrint paints the stroke over the letters."""
    placed = list(reserved)
    parts = []
    halos = []
    for i, lab in enumerate(_labels(data, lang)):
        box = _box(lab)
        free = (
            box[0] >= 2 and box[2] <= data.width - 2 and not any(_overlaps(box, b) for b in placed)
        )
        if free:
            placed.append(box)
        # in order of priority; what all share is on the group
        extra = "" if free else ' visibility="hidden"'
        if lab.dx:
            extra += f' dx="{num(lab.dx)}"'
        if lab.weight != "normal":
            extra += f' font-weight="{lab.weight}"'
        parts.append(
            f'<text class="{lab.cls}" id="{prefix}-{i}" x="{num(lab.x)}" y="{num(lab.y)}" '
            f'font-size="{num(lab.size)}" text-anchor="{lab.anchor}" fill="{lab.fill}"'
            f" data-layer={attr(lab.layer)}{extra}>{text_escape(lab.text)}</text>"
        )
        halos.append(f'<use href="#{prefix}-{i}"/>')
    svg.add(
        '<g class="map-halos" stroke="#ffffff" stroke-width="2.4" stroke-linejoin="round" '
        'pointer-events="none" aria-hidden="true">' + "".join(halos) + "</g>"
        '<g class="map-labels" pointer-events="none">' + "".join(parts) + "</g>"
    )


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
    lang: str = "en",
    pick: bool = False,
    base: str = "",
    layers: str = "",
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
    figure
        The ``data-figure`` name; with ``label`` it makes the id of the map's clip path, so
        maps on one page must differ in one of the two.
    lang
        Picks the Dutch names of assets and critical functions (``nl``) where they have one.
    pick, base, layers
        For the web app's map: every component its own element with its id (``data-id``), to
        point at; SVG drawn under the service areas (a base map) and over them (more layers),
        placed with ``data.projection``. The report leaves them out.

    Every element carries what the web app's layer switches show and hide (``data-layer``:
    ``system:ID``, ``areas``, ``functions``, ``components``) and, where it is one record,
    its id (``data-id``).
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
    clip = "clip-" + hashlib.sha1(f"{figure}\n{label}".encode()).hexdigest()[:12]
    svg.add(
        f'<defs><clipPath id="{clip}"><rect x="1" y="1" width="{num(data.width - 2)}" '
        f'height="{num(data.height - 2)}"/></clipPath></defs>'
        f'<g clip-path="url(#{clip})"><g class="viewport">{base}'
    )
    by_system: dict[str, list[str]] = {s: [] for s in data.systems}
    for cid, s in data.component_system.items():
        by_system.setdefault(s, []).append(cid)
    sep = "." if lang == "nl" else ","
    # service areas underneath, as circles sized by population (or their outline)
    parts = []
    for a in data.areas:
        colour = (areas_hit or {}).get(a.id)
        fill = FLAG_COLOURS.get(colour or "", "#ffffff") if colour else "#ffffff"
        opacity = "0.45" if colour else "0.6"
        pop = f"{a.population:,}".replace(",", sep)
        title = f"<title>{text_escape(a.name)} ({pop})</title>"
        ident = f"data-id={attr(a.id)}"
        if a.outline:
            parts.append(
                f'<path class="area" d="{a.outline}" fill="{fill}" fill-opacity="{opacity}" '
                f'stroke="#8a8a8a" stroke-width="0.6" vector-effect="non-scaling-stroke" '
                f"{ident}>{title}</path>"
            )
        else:
            parts.append(
                f'<circle class="area" cx="{num(a.x)}" cy="{num(a.y)}" r="{num(a.r)}" '
                f'fill="{fill}" fill-opacity="{opacity}" stroke="#8a8a8a" '
                f'stroke-width="0.6" vector-effect="non-scaling-stroke" {ident}>{title}</circle>'
            )
    svg.add('<g class="areas" data-layer="areas">' + "".join(parts) + "</g>" + layers)
    if failed is None:
        for s in data.systems:
            draw = _pick_layer if pick else _layer
            extra = {} if pick else {"dot": 2.4, "line_w": 1.1}
            svg.add(
                draw(
                    data,
                    by_system.get(s, []),
                    data.colours[s],
                    cls=s,
                    title=system_names.get(s, s),
                    layer=f"system:{s}",
                    **extra,
                )
            )
    else:
        intact = [cid for cid in data.component_system if cid not in failed]
        svg.add(
            _layer(
                data,
                intact,
                _BASE_GREY,
                dot=2.0,
                line_w=0.8,
                cls="intact",
                title=labels.get("unaffected", ""),
                layer="components",
            )
        )
        for colour in ("green", "orange", "red"):
            ids = [cid for cid, c in failed.items() if c == colour]
            svg.add(
                _layer(
                    data,
                    ids,
                    FLAG_COLOURS[colour],
                    dot=3.2,
                    line_w=2.0,
                    cls=f"failed-{colour}",
                    title=labels.get(colour, colour),
                    layer="components",
                )
            )
    for fid, (x, y) in data.functions.items():
        colour = (functions_hit or {}).get(fid)
        fill = FLAG_COLOURS.get(colour or "", "#ffffff")
        en, nl = data.function_names.get(fid, (fid, None))
        name = nl if lang == "nl" and nl else en
        # drawn round its own origin, so that the script can keep it one size when zoomed
        svg.add(
            f'<path class="function" transform="translate({num(x)} {num(y)})" '
            f'd="M0 -5l5 5l-5 5l-5 -5z" fill="{fill}" '
            f'stroke="#222" stroke-width="1" vector-effect="non-scaling-stroke" '
            f'data-id={attr(fid)} data-layer="functions">'
            f"<title>{text_escape(name)} ({text_escape(labels.get('function', ''))})</title>"
            "</path>"
        )
    marks = []
    for m in data.assets:
        name = m.name_nl if lang == "nl" and m.name_nl else m.name
        what = kind_name(m.kind, lang)
        if m.system:
            what += "; " + system_names.get(m.system, m.system)
        layer = f"system:{m.system}" if m.system else "components"
        marks.append(
            f'<circle class="asset" cx="{num(m.x)}" cy="{num(m.y)}" r="3.6" '
            f"data-id={attr(m.id)} data-layer={attr(layer)}>"
            f"<title>{text_escape(name)} ({text_escape(what)})</title></circle>"
        )
    svg.add(
        '<g class="assets" fill="#ffffff" fill-opacity="0" stroke="#1d1d1b" stroke-width="1">'
        + "".join(marks)
        + "</g>"
    )
    reserved = [
        (0.0, data.height - 30, 12 + data.width / 5 + 20, data.height),
        (data.width - 30, 0.0, data.width, 46.0),
    ]
    _draw_labels(svg, data, lang, reserved, clip)
    svg.add("</g></g>")
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
