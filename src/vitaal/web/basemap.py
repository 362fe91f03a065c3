"""A base map under the web app's map, from the city's own tile server (off unless configured:
``vitaal serve --tiles URL`` or ``$VITAAL_TILES``).

Two kinds of address template, told apart by their placeholders:

- ``{bbox}`` (with ``{width}`` and ``{height}``): one picture of the map's frame, asked for in
  the model's own coordinates, as a WMS ``GetMap`` in EPSG:28992 gives it. The map is drawn
  linear in those coordinates, so the picture lies exactly under it.
- ``{z}``, ``{x}``, ``{y}``: the usual web-mercator tiles (EPSG:3857). Each tile is placed by
  the affine map through three of its corners, converted to the model's coordinates with
  pyproj; within a tile of a city map the two projections differ by far less than a pixel.

The page then loads pictures from that one host (the content security policy allows it for
images only); nothing else leaves the app.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from vitaal.errors import VitaalError
from vitaal.report.svg.base import attr, num
from vitaal.report.svg.map import MapData, Projection

__all__ = ["TileSource", "basemap_svg", "tile_source"]

#: half the circumference of the web-mercator world, metres
_HALF = math.pi * 6378137.0
#: no more tiles than this on one map (a coarser zoom level is taken instead)
MAX_TILES = 120


@dataclass(frozen=True, slots=True)
class TileSource:
    """An address template of the city's tile server: ``kind`` ``xyz`` or ``wms``."""

    template: str
    kind: str

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``: what the content security policy allows for images."""
        parts = urlsplit(self.template)
        return f"{parts.scheme}://{parts.netloc}"


def tile_source(template: str | None) -> TileSource | None:
    """The tile source of ``template`` (``None`` for none); :class:`VitaalError` saying what
    is wrong with one that cannot be used.

    >>> tile_source("https://tiles.example.org/{z}/{x}/{y}.png").origin
    'https://tiles.example.org'
    """
    if not template or not template.strip():
        return None
    text = template.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VitaalError(
            f"tiles: found {text!r}, expected an http or https address with a host "
            "(https://tiles.example.org/{z}/{x}/{y}.png)"
        )
    if "{" in parts.netloc or any(c in parts.netloc for c in " '\";"):
        raise VitaalError(f"tiles: found the host {parts.netloc!r}, expected a plain host name")
    if all(p in text for p in ("{z}", "{x}", "{y}")):
        return TileSource(text, "xyz")
    if "{bbox}" in text:
        return TileSource(text, "wms")
    raise VitaalError(
        f"tiles: found {text!r}, expected {{z}}, {{x}} and {{y}} (web-mercator tiles) or "
        "{bbox} with {width} and {height} (one picture in the model's coordinates, WMS)"
    )


def _fill(template: str, values: dict[str, str]) -> str:
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def _image(href: str, extra: str) -> str:
    return f'<image href={attr(href)} preserveAspectRatio="none" {extra}/>'


def basemap_svg(source: TileSource, data: MapData) -> str:
    """The base map as SVG in the map's pixels (``<image>`` elements in one group with
    ``data-layer="basemap"``); empty for a map without geometry.

    O(tiles), at most :data:`MAX_TILES`.
    """
    proj = data.projection
    if proj is None or data.empty:
        return ""
    x0, y1 = proj.inverse(0.0, 0.0)
    x1, y0 = proj.inverse(data.width, data.height)
    if source.kind == "wms":
        href = _fill(
            source.template,
            {
                "bbox": ",".join(f"{v:.2f}" for v in (x0, y0, x1, y1)),
                "width": str(round(data.width * 2)),
                "height": str(round(data.height * 2)),
            },
        )
        extra = f'x="0" y="0" width="{num(data.width)}" height="{num(data.height)}"'
        return f'<g class="basemap" data-layer="basemap">{_image(href, extra)}</g>'
    return f'<g class="basemap" data-layer="basemap">{_tiles(source, data, proj)}</g>'


def _tiles(source: TileSource, data: MapData, proj: Projection) -> str:
    from pyproj import Transformer

    to_merc = Transformer.from_crs(data.crs, "EPSG:3857", always_xy=True)
    from_merc = Transformer.from_crs("EPSG:3857", data.crs, always_xy=True)
    edge = [
        proj.inverse(px, py)
        for px in (0.0, data.width / 2, data.width)
        for py in (0.0, data.height / 2, data.height)
    ]
    mx, my = to_merc.transform([p[0] for p in edge], [p[1] for p in edge])
    left, right, bottom, top = min(mx), max(mx), min(my), max(my)
    # sharp at twice the map's size (the first zoom step)
    per_px = (right - left) / (data.width * 2)
    z = max(0, min(19, math.ceil(math.log2(2 * _HALF / (256 * per_px)))))
    while True:
        n = 2**z
        size = 2 * _HALF / n
        tx0, tx1 = int((left + _HALF) // size), int((right + _HALF) // size)
        ty0, ty1 = int((_HALF - top) // size), int((_HALF - bottom) // size)
        count = (tx1 - tx0 + 1) * (ty1 - ty0 + 1)
        if count <= MAX_TILES or z == 0:
            break
        z -= 1
    out = []
    for ty in range(max(ty0, 0), min(ty1, n - 1) + 1):
        for tx in range(max(tx0, 0), min(tx1, n - 1) + 1):
            west, north = tx * size - _HALF, _HALF - ty * size
            xs, ys = from_merc.transform([west, west + size, west], [north, north, north - size])
            nw, ne, sw = (proj((float(x), float(y))) for x, y in zip(xs, ys, strict=True))
            a, b = ne[0] - nw[0], ne[1] - nw[1]
            c, d = sw[0] - nw[0], sw[1] - nw[1]
            matrix = " ".join(f"{v:.4f}" for v in (a, b, c, d, nw[0], nw[1]))
            href = _fill(source.template, {"z": str(z), "x": str(tx), "y": str(ty)})
            out.append(_image(href, f'width="1" height="1" transform="matrix({matrix})"'))
    return "".join(out)
