"""What the figures share: escaping, number formatting, colours and a small SVG builder."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

#: The flag colours of the cascade checker, and grey for "not in this scenario".
FLAG_COLOURS: dict[str, str] = {
    "red": "#c62828",
    "orange": "#ef8f00",
    "green": "#2e7d32",
    "none": "#9e9e9e",
}

#: Colours for systems, in the model's order (colour-blind safe first, then muted extras).
SYSTEM_PALETTE: tuple[str, ...] = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#56b4e9",
    "#cc79a7",
    "#d55e00",
    "#6a3d9a",
    "#8c6d31",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
)

FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"


def system_colours(system_ids: Iterable[str]) -> dict[str, str]:
    """A stable colour per system, by position in the model."""
    return {s: SYSTEM_PALETTE[i % len(SYSTEM_PALETTE)] for i, s in enumerate(system_ids)}


def text_escape(value: object) -> str:
    """Any value as SVG/HTML text or the inside of a quoted attribute: ``& < > " '`` escaped.

    Every text that comes from a model (names, ids, labels) goes through here before it is
    written into a figure, so a name such as ``<script>`` is shown, never run.
    """
    return html.escape(str(value), quote=True)


def attr(value: object) -> str:
    """An attribute value with its quotes."""
    return f'"{text_escape(value)}"'


def num(value: float, digits: int = 1) -> str:
    """A coordinate for the SVG text: short, no exponent, no ``-0``."""
    r = round(value, digits)
    if r == 0:
        return "0"
    text = f"{r:.{digits}f}"
    # trailing zeros of the decimals only: 100 stays 100
    return text.rstrip("0").rstrip(".") if "." in text else text


def nice_step(span: float, target: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``target`` ticks."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


class Svg:
    """Collects SVG elements; :meth:`render` wraps them in the root element.

    ``label`` becomes the figure's accessible name (``role="img"`` with ``aria-label``), and the
    ``data-figure`` attribute lets tests find each figure.
    """

    def __init__(self, width: float, height: float, *, figure: str, label: str) -> None:
        self.width = width
        self.height = height
        self.figure = figure
        self.label = label
        self.parts: list[str] = []

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float = 11,
        anchor: str = "start",
        fill: str = "#222",
        weight: str = "normal",
        extra: str = "",
    ) -> None:
        self.parts.append(
            f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" '
            f"text-anchor={attr(anchor)} fill={attr(fill)} font-weight={attr(weight)}{extra}>"
            f"{text_escape(content)}</text>"
        )

    def render(self) -> str:
        head = (
            f'<svg class="figure" '
            f"data-figure={attr(self.figure)} role='img' aria-label={attr(self.label)} "
            f'viewBox="0 0 {num(self.width)} {num(self.height)}" '
            f'width="{num(self.width)}" height="{num(self.height)}" '
            f'font-family="{FONT}">'
        )
        return head + f"<title>{text_escape(self.label)}</title>" + "".join(self.parts) + "</svg>"


def polyline_path(points: Sequence[tuple[float, float]]) -> str:
    """``M x y L x y ...`` for one polyline."""
    if not points:
        return ""
    head = f"M{num(points[0][0], 0)} {num(points[0][1], 0)}"
    rest = "".join(f"L{num(x, 0)} {num(y, 0)}" for x, y in points[1:])
    return head + rest
