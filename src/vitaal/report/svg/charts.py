"""Utilisation over the years: one small panel per system, lines per statistic, with the 80 %
and 100 % marks.

Complexity: O(panels x years).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from vitaal.report.svg.base import Svg, attr, nice_step, num, text_escape


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    values: Sequence[float | None]  # utilisation as a fraction (1.0 = full)
    colour: str
    dash: str | None = None
    width: float = 1.8


@dataclass(frozen=True, slots=True)
class Panel:
    title: str
    years: Sequence[int]
    lines: Sequence[Line]
    note: str = ""


def _polyline(xs: Sequence[float], ys: Sequence[float | None]) -> str:
    out = []
    pen = False
    for x, y in zip(xs, ys, strict=True):
        if y is None or not math.isfinite(y):
            pen = False
            continue
        out.append(f"{'L' if pen else 'M'}{num(x)} {num(y)}")
        pen = True
    return "".join(out)


def draw_utilisation(
    panels: Sequence[Panel],
    *,
    label: str,
    axis_label: str,
    width: float = 760.0,
    columns: int = 2,
    figure: str = "utilisation",
) -> str:
    """Draw small multiples of utilisation (in percent) against the year."""
    cols = max(1, min(columns, len(panels)))
    rows = max(1, math.ceil(len(panels) / cols))
    pw = width / cols
    ph = 170.0
    legend_h = 24.0
    svg = Svg(width, rows * ph + legend_h, figure=figure, label=label)
    for i, p in enumerate(panels):
        ox = (i % cols) * pw
        oy = (i // cols) * ph
        _panel(svg, p, ox, oy, pw, ph, axis_label)
    if panels:
        x = 10.0
        y = rows * ph + 16
        for line in panels[0].lines:
            dash = f" stroke-dasharray={attr(line.dash)}" if line.dash else ""
            svg.add(
                f'<path d="M{num(x)} {num(y - 4)}h22" stroke={attr(line.colour)} '
                f'stroke-width="{num(line.width)}"{dash}/>'
            )
            svg.text(x + 27, y, line.label, size=10.5)
            x += 40 + 6.2 * len(line.label)
    return svg.render()


def _panel(svg: Svg, p: Panel, ox: float, oy: float, pw: float, ph: float, axis: str) -> None:
    left, right, top, bottom = 44.0, 12.0, 30.0, 26.0
    x0, x1 = ox + left, ox + pw - right
    y0, y1 = oy + ph - bottom, oy + top
    svg.text(ox + left, oy + 14, p.title, size=11.5, weight="bold")
    if p.note:
        svg.text(ox + left, oy + 26, p.note, size=9.5, fill="#555")
    years = list(p.years)
    values = [v for line in p.lines for v in line.values if v is not None and math.isfinite(v)]
    if not years or not values:
        svg.text((x0 + x1) / 2, (y0 + y1) / 2, "–", anchor="middle")
        return
    top_v = max(1.2, max(values) * 1.05)
    step = nice_step(top_v * 100, 4) / 100
    top_v = math.ceil(top_v / step) * step
    ya, yb = years[0], years[-1]
    span = max(yb - ya, 1)

    def fx(year: float) -> float:
        return x0 + (year - ya) / span * (x1 - x0)

    def fy(v: float) -> float:
        return y0 - v / top_v * (y0 - y1)

    svg.add(
        f'<rect x="{num(x0)}" y="{num(fy(top_v))}" width="{num(x1 - x0)}" '
        f'height="{num(fy(1.0) - fy(top_v))}" fill="#c62828" fill-opacity="0.07"/>'
    )
    t = 0.0
    while t <= top_v + 1e-9:
        y = fy(t)
        svg.add(f'<path d="M{num(x0)} {num(y)}H{num(x1)}" stroke="#e3e3e3" stroke-width="0.7"/>')
        svg.text(x0 - 4, y + 3.5, f"{t * 100:.0f}%", size=9, anchor="end", fill="#555")
        t += step
    for mark, colour in ((0.8, "#ef8f00"), (1.0, "#c62828")):
        if mark <= top_v:
            svg.add(
                f'<path d="M{num(x0)} {num(fy(mark))}H{num(x1)}" stroke="{colour}" '
                'stroke-width="0.9" stroke-dasharray="4 3"/>'
            )
    ystep = max(1, int(nice_step(span, 4)))
    for year in range(ya - ya % ystep + (ystep if ya % ystep else 0), yb + 1, ystep):
        svg.text(fx(year), y0 + 13, str(year), size=9, anchor="middle", fill="#555")
    svg.add(
        f'<path d="M{num(x0)} {num(y1)}V{num(y0)}H{num(x1)}" fill="none" stroke="#777" '
        'stroke-width="0.8"/>'
    )
    xs = [fx(y) for y in years]
    for line in p.lines:
        ys = [fy(v) if v is not None and math.isfinite(v) else None for v in line.values]
        dash = f" stroke-dasharray={attr(line.dash)}" if line.dash else ""
        svg.add(
            f'<path class="series" d="{_polyline(xs, ys)}" fill="none" stroke={attr(line.colour)} '
            f'stroke-width="{num(line.width)}"{dash}/>'
        )
    svg.add(
        f'<text x="{num(ox + 10)}" y="{num((y0 + y1) / 2)}" font-size="9" fill="#555" '
        f'text-anchor="middle" transform="rotate(-90 {num(ox + 10)} {num((y0 + y1) / 2)})">'
        f"{text_escape(axis)}</text>"
    )
