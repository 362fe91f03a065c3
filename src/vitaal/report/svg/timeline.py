"""A scenario's cascade in time: one lane per system, the number of its failed components as a
step line, and its flag planted at the onset.

Time runs on a log-like axis (``log(1 + t)``), so that the first hours, where a cascade
spreads, get as much room as the long tail to the horizon.

Complexity: O(failures log failures) to sort, O(lanes + steps) to draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from vitaal.report.svg.base import FLAG_COLOURS, Svg, attr, num

_TICKS = (0, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440, 2160, 4320, 8760)


@dataclass(frozen=True, slots=True)
class Lane:
    """One row: ``times`` at which its members fail (hours), out of ``total`` members."""

    key: str
    title: str
    times: Sequence[float]
    total: int
    colour: str | None = None  # flag colour; None for lanes without a flag
    onset_h: float | None = None


def _ticks(horizon: float) -> list[float]:
    ticks = [float(t) for t in _TICKS if t <= horizon]
    if ticks and horizon - ticks[-1] > 0.15 * horizon:
        ticks.append(horizon)
    # keep labels apart on the log axis: drop ticks too close to the previous one
    out: list[float] = []
    for t in ticks:
        if not out or math.log1p(t) - math.log1p(out[-1]) > 0.28 * math.log1p(horizon) / 6:
            out.append(t)
    return out


def draw_timeline(
    lanes: Sequence[Lane],
    horizon_h: float,
    *,
    label: str,
    axis_label: str,
    width: float = 760.0,
    figure: str = "timeline",
) -> str:
    """Draw the lanes of a cascade up to ``horizon_h`` hours."""
    lane_h = 30.0
    left, right, top = 170.0, 64.0, 10.0
    axis_h = 34.0
    height = top + max(len(lanes), 1) * lane_h + axis_h
    svg = Svg(width, height, figure=figure, label=label)
    x0, x1 = left, width - right
    horizon = max(horizon_h, 1e-6)
    scale = math.log1p(horizon)

    def fx(t: float) -> float:
        return x0 + math.log1p(max(0.0, min(t, horizon))) / scale * (x1 - x0)

    bottom = top + len(lanes) * lane_h
    for t in _ticks(horizon):
        x = fx(t)
        svg.add(
            f'<path d="M{num(x)} {num(top)}V{num(bottom)}" stroke="#e6e6e6" stroke-width="0.7"/>'
        )
        svg.text(x, bottom + 13, f"{t:g}", size=9, anchor="middle", fill="#555")
    svg.text((x0 + x1) / 2, bottom + 28, axis_label, size=10, anchor="middle", fill="#444")
    for i, lane in enumerate(lanes):
        ly = top + i * lane_h
        if i % 2 == 0:
            svg.add(
                f'<rect x="0" y="{num(ly)}" width="{num(width)}" height="{num(lane_h)}" '
                'fill="#f6f6f3"/>'
            )
        svg.text(8, ly + lane_h / 2 + 4, lane.title, size=10.5)
        times = sorted(t for t in lane.times if math.isfinite(t) and t <= horizon)
        base = ly + lane_h - 5
        span = lane_h - 10
        n = len(times)
        colour = FLAG_COLOURS.get(lane.colour or "", "#555")
        if n:
            top_n = max(n, 1)
            d = [f"M{num(fx(0))} {num(base)}"]
            count = 0
            k = 0
            while k < n:
                t = times[k]
                while k < n and times[k] == t:
                    k += 1
                    count += 1
                y = base - count / top_n * span
                d.append(f"H{num(fx(t))}V{num(y)}")
            d.append(f"H{num(fx(horizon))}")
            svg.add(
                f'<path class="steps" d="{"".join(d)}" fill="none" stroke={attr(colour)} '
                'stroke-width="1.6"/>'
            )
        svg.text(
            x1 + 6, ly + lane_h / 2 + 4, f"{n}/{lane.total}" if lane.total else str(n), size=9.5
        )
        if lane.colour and lane.onset_h is not None and math.isfinite(lane.onset_h):
            fxo = fx(lane.onset_h)
            svg.add(
                f'<path class="flag" d="M{num(fxo)} {num(base)}V{num(ly + 3)}l9 4l-9 4" '
                f'fill={attr(colour)} stroke="#222" stroke-width="0.8"/>'
            )
    svg.add(
        f'<path d="M{num(x0)} {num(top)}V{num(bottom)}H{num(x1)}" fill="none" stroke="#777" '
        'stroke-width="0.8"/>'
    )
    return svg.render()
