"""The dependency diagram: systems on a circle, an arrow from supplier system to consumer
system for the supply links between them, with the number of links.

With a scenario's flags the systems are filled with their flag colour and an arrow takes the
colour of its consumer's flag when its supplier is flagged too: the way trouble can travel.

Complexity: O(links) to count (done by the caller), O(systems + edges) to draw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from vitaal.model.model import Model
from vitaal.report.svg.base import FLAG_COLOURS, Svg, attr, num, system_colours, text_escape

Edge = tuple[str, str]


def count_dependencies(model: Model) -> dict[Edge, int]:
    """Per (supplier system, consumer system), the number of supply links between them."""
    counts: dict[Edge, int] = {}
    for link in model.supply.values():
        a = model.system_of(link.supplier)
        b = model.system_of(link.consumer)
        if a is None or b is None or a == b:
            continue
        counts[(a, b)] = counts.get((a, b), 0) + 1
    return counts


def _wrap(text: str, width: int = 16) -> list[str]:
    words = text.split()
    lines: list[str] = []
    for w in words:
        if lines and len(lines[-1]) + 1 + len(w) <= width:
            lines[-1] += " " + w
        else:
            lines.append(w)
    return lines[:3] or [text]


def draw_dependencies(
    systems: Sequence[str],
    edges: Mapping[Edge, int],
    *,
    label: str,
    names: Mapping[str, str],
    flags: Mapping[str, str] | None = None,
    origin: str | None = None,
    legend: Mapping[str, str] | None = None,
    size: float = 560.0,
    figure: str = "dependencies",
) -> str:
    """Draw the systems on a circle with their supply dependencies.

    Parameters
    ----------
    systems
        System ids in the model's order.
    edges
        Per (supplier system, consumer system), the number of links (:func:`count_dependencies`).
    names
        Display name per system.
    flags
        Per system its flag colour in a scenario; ``None`` colours systems by system.
    origin
        The system the scenario starts in (drawn with a thick outline).
    legend
        Translated words: ``red``, ``orange``, ``green``, ``links``, ``origin``.
    """
    legend = legend or {}
    legend_h = 26.0
    svg = Svg(size, size + legend_h, figure=figure, label=label)
    n = len(systems)
    cx = cy = size / 2
    radius = size / 2 - 70
    node_r = 24.0 if n <= 12 else 16.0
    pos: dict[str, tuple[float, float]] = {}
    for i, s in enumerate(systems):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        pos[s] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    colours = system_colours(systems)
    top = max(edges.values(), default=1)
    for (a, b), count in sorted(edges.items(), key=lambda kv: kv[1]):
        if a not in pos or b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[a], pos[b]
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy) or 1.0
        ux, uy = dx / d, dy / d
        # bend to the right of the direction of travel, so a->b and b->a do not overlap
        bend = 0.18 * d
        mx, my = (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend
        sx, sy = x1 + ux * node_r, y1 + uy * node_r
        # end where the curve meets the target circle: step back along the control direction
        tx, ty = x2 - mx, y2 - my
        td = math.hypot(tx, ty) or 1.0
        ex, ey = x2 - tx / td * (node_r + 2), y2 - ty / td * (node_r + 2)
        width = 1.0 + 3.0 * math.log1p(count) / math.log1p(top)
        colour = "#9a9a9a"
        if flags is not None:
            fa, fb = flags.get(a, "green"), flags.get(b, "green")
            if fa != "green" and fb != "green":
                colour = FLAG_COLOURS[fb]
        svg.add(
            f'<path class="edge" d="M{num(sx)} {num(sy)}Q{num(mx)} {num(my)} {num(ex)} {num(ey)}"'
            f' fill="none" stroke="{colour}" stroke-width="{num(width)}" stroke-opacity="0.85">'
            f"<title>{text_escape(names.get(a, a))} → {text_escape(names.get(b, b))}: "
            f"{count}</title></path>"
        )
        # arrowhead along the curve's end tangent
        hx, hy = tx / td, ty / td
        ah = 6.0 + width
        px, py = -hy, hx
        svg.add(
            f'<path d="M{num(ex)} {num(ey)}L{num(ex - hx * ah + px * ah / 2)} '
            f"{num(ey - hy * ah + py * ah / 2)}L{num(ex - hx * ah - px * ah / 2)} "
            f'{num(ey - hy * ah - py * ah / 2)}Z" fill="{colour}"/>'
        )
        # the count, at the curve's midpoint (t = 0.5 of the quadratic)
        lx = 0.25 * sx + 0.5 * mx + 0.25 * ex
        ly = 0.25 * sy + 0.5 * my + 0.25 * ey
        svg.add(
            f'<circle cx="{num(lx)}" cy="{num(ly)}" r="8.5" fill="#fff" stroke="{colour}" '
            'stroke-width="0.8"/>'
        )
        svg.text(lx, ly + 3.5, str(count), size=9, anchor="middle")
    for s in systems:
        x, y = pos[s]
        fill = colours[s] if flags is None else FLAG_COLOURS.get(flags.get(s, "none"), "#9e9e9e")
        stroke_w = 4 if s == origin else 1.2
        svg.add(
            f'<circle class="system" data-system={attr(s)} '
            f'cx="{num(x)}" cy="{num(y)}" '
            f'r="{num(node_r)}" fill="{fill}" stroke="#222" stroke-width="{stroke_w}"/>'
        )
        # label below the circle (above it for the top half), centred, wrapped
        lines = _wrap(names.get(s, s), 14)
        base = y - node_r - 6 - 12 * (len(lines) - 1) if y < cy - radius * 0.5 else y + node_r + 13
        for k, line in enumerate(lines):
            svg.text(x, base + 12 * k, line, size=11, anchor="middle", weight="bold")
    y = size + 14
    x = 10.0
    if flags is not None:
        for c in ("red", "orange", "green"):
            svg.add(f'<circle cx="{num(x + 6)}" cy="{num(y - 4)}" r="6" fill="{FLAG_COLOURS[c]}"/>')
            svg.text(x + 16, y, legend.get(c, c), size=10.5)
            x += 24 + 7 * len(legend.get(c, c))
        if origin:
            svg.add(
                f'<circle cx="{num(x + 6)}" cy="{num(y - 4)}" r="6" fill="#fff" stroke="#222" '
                'stroke-width="3"/>'
            )
            svg.text(x + 16, y, legend.get("origin", ""), size=10.5)
            x += 24 + 7 * len(legend.get("origin", ""))
    svg.text(x, y, legend.get("links", ""), size=10.5, fill="#555")
    return svg.render()
