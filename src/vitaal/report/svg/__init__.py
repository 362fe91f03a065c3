"""The report's graphics, drawn server-side as inline SVG: no script, no tiles, no fonts to fetch.

Each module holds one kind of figure and returns SVG markup as text:
:mod:`~vitaal.report.svg.map` (systems and a scenario's failures in RD coordinates),
:mod:`~vitaal.report.svg.dependency` (systems in a circle with their supply dependencies),
:mod:`~vitaal.report.svg.charts` (utilisation over the years) and
:mod:`~vitaal.report.svg.timeline` (a scenario's cascade in time).
"""

from __future__ import annotations

from vitaal.report.svg.charts import draw_utilisation
from vitaal.report.svg.dependency import draw_dependencies
from vitaal.report.svg.map import MapData, draw_map, map_data
from vitaal.report.svg.timeline import draw_timeline

__all__ = [
    "MapData",
    "draw_dependencies",
    "draw_map",
    "draw_timeline",
    "draw_utilisation",
    "map_data",
]
