"""One component's dependencies across systems: its suppliers upstream and its users
downstream along the supply links, a few hops each way, drawn in columns by hop (suppliers
left, users right), each component in its system's colour.

:func:`neighbourhood` walks the supply links breadth first from the component, ``depth`` hops
upstream (to the suppliers of its suppliers ...) and downstream (to the users of its users
...), and keeps at most ``limit`` nodes, the nearest first; :func:`draw_component_graph`
draws it with every supply link between the nodes kept (a backup link dashed). Every model
text goes through :func:`~vitaal.report.svg.base.text_escape`.

Complexity: O(supply links) to index the links, O(nodes + links within the depth) to walk
and draw.

Examples
--------
>>> from vitaal.io.folder import read_model
>>> from pathlib import Path
>>> model = read_model(Path("tests/data/tiny"))
>>> hood = neighbourhood(model, "wtp-1", depth=1)
>>> sorted(hood.upstream), sorted(hood.downstream)
(['scada-1', 'ss-1'], ['main-1'])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from vitaal.model.model import Model
from vitaal.report.svg.base import FLAG_COLOURS, Svg, attr, num, system_colours, text_escape

__all__ = ["Neighbourhood", "draw_component_graph", "neighbourhood", "node_name"]

#: a supply link as drawn: supplier, consumer, resource, role
Link = tuple[str, str, str, str]

_BOX_W, _BOX_H, _COL_W, _ROW_H, _TOP = 170.0, 36.0, 215.0, 46.0, 34.0


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """The nodes within ``depth`` hops of ``centre`` along the supply links that were kept:
    per node its hop (negative upstream, positive downstream, 0 the centre), the supply
    links between them, and how many nodes within the depth were left out (``hidden``)."""

    centre: str
    depth: int
    hops: Mapping[str, int]
    links: tuple[Link, ...]
    hidden: int

    @property
    def upstream(self) -> list[str]:
        return [n for n, h in self.hops.items() if h < 0]

    @property
    def downstream(self) -> list[str]:
        return [n for n, h in self.hops.items() if h > 0]


def _walk(start: str, step: Mapping[str, list[str]], depth: int) -> dict[str, int]:
    """Per node reached from ``start`` through ``step`` within ``depth`` hops, its hop."""
    hops: dict[str, int] = {start: 0}
    frontier = [start]
    for hop in range(1, depth + 1):
        nxt = []
        for node in frontier:
            for other in step.get(node, ()):
                if other not in hops:
                    hops[other] = hop
                    nxt.append(other)
        frontier = nxt
    del hops[start]
    return hops


def neighbourhood(
    model: Model, component_id: str, depth: int = 2, limit: int = 60
) -> Neighbourhood:
    """The suppliers of ``component_id`` up to ``depth`` hops upstream and its users up to
    ``depth`` hops downstream, along every supply link (primary and backup), at most
    ``limit`` of them: the nearest first, upstream before downstream at the same hop, in the
    order of the model's supply links. A node both upstream and downstream (a loop) counts
    upstream. ``KeyError`` for an id that is no component."""
    if component_id not in model.components:
        raise KeyError(component_id)
    suppliers: dict[str, list[str]] = {}
    users: dict[str, list[str]] = {}
    for link in model.supply.values():
        suppliers.setdefault(link.consumer, []).append(link.supplier)
        users.setdefault(link.supplier, []).append(link.consumer)
    up = _walk(component_id, suppliers, depth)
    down = {n: h for n, h in _walk(component_id, users, depth).items() if n not in up}
    ranked = sorted(
        [(h, 0, i, n) for i, (n, h) in enumerate(up.items())]
        + [(h, 1, i, n) for i, (n, h) in enumerate(down.items())]
    )
    kept = ranked[: max(0, limit)]
    hops = {component_id: 0, **{n: (-h if side == 0 else h) for h, side, _, n in kept}}
    links = tuple(
        (s.supplier, s.consumer, s.resource, s.role.value)
        for s in model.supply.values()
        if s.supplier in hops and s.consumer in hops
    )
    return Neighbourhood(component_id, depth, hops, links, len(ranked) - len(kept))


def node_name(model: Model, node: str, lang: str = "en") -> str:
    """The name of a component, service area or critical function (its Dutch name in ``nl``
    where it has one), else its id."""
    for table in (model.components, model.areas, model.critical_functions):
        record = table.get(node)
        if record is not None:
            nl = getattr(record, "name_nl", None)
            return str((nl if lang == "nl" and nl else None) or record.name or node)
    return node


def _short(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def draw_component_graph(
    model: Model,
    hood: Neighbourhood,
    *,
    label: str,
    labels: Mapping[str, str],
    system_names: Mapping[str, str],
    href: Callable[[str], str | None] = lambda _node: None,
    lang: str = "en",
    figure: str = "component-dependencies",
) -> str:
    """Draw a :class:`Neighbourhood` as SVG.

    Parameters
    ----------
    model
        The model the neighbourhood is of (names and systems).
    hood
        From :func:`neighbourhood`.
    label
        The figure's title (accessible name).
    labels
        Translated words: ``upstream``, ``downstream``, ``consumer`` (a service area or
        critical function), ``backup`` (a backup link) and ``more`` (the note on nodes left
        out, with ``%(n)s``).
    system_names
        Per system id, its display name.
    href
        The link of a node (``None``: not a link), e.g. a component's page.
    """
    colours = system_colours(model.systems)
    columns: dict[int, list[str]] = {}
    for node, hop in hood.hops.items():
        columns.setdefault(hop, []).append(node)
    order = sorted(columns)
    col_x = {hop: 20.0 + i * _COL_W for i, hop in enumerate(order)}
    rows = max(len(v) for v in columns.values())
    systems_shown = list(dict.fromkeys(s for n in hood.hops if (s := model.system_of(n))))
    legend_rows = 1 + (len(systems_shown) + 3) // 4 + (1 if hood.hidden else 0)
    width = max(20.0 + len(order) * _COL_W, 460.0)
    body_h = _TOP + rows * _ROW_H
    svg = Svg(width, body_h + 18.0 * legend_rows + 16, figure=figure, label=label)
    marker = f"{figure}-arrow"
    svg.add(
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>'
    )
    if order[0] < 0:
        svg.text(col_x[order[0]], 16, labels.get("upstream", ""), size=12, weight="bold")
    if order[-1] > 0:
        svg.text(
            col_x[order[-1]] + _BOX_W, 16, labels.get("downstream", ""), size=12,
            weight="bold", anchor="end",
        )  # fmt: skip
    pos: dict[str, tuple[float, float]] = {}
    for hop in order:
        nodes = columns[hop]
        top = _TOP + (rows - len(nodes)) * _ROW_H / 2
        for i, node in enumerate(nodes):
            pos[node] = (col_x[hop], top + i * _ROW_H)
    for supplier, consumer, resource, role in hood.links:
        (x1, y1), (x2, y2) = pos[supplier], pos[consumer]
        ay, by = y1 + _BOX_H / 2, y2 + _BOX_H / 2
        if x2 > x1:  # downstream: from the supplier's right to the user's left
            ax, bx = x1 + _BOX_W, x2
            c1 = c2 = (ax + bx) / 2
        elif x2 == x1:  # within a column: an arc on the right
            ax = bx = x1 + _BOX_W
            c1 = c2 = ax + 34
        else:  # back (a loop): from the supplier's left round to the user's right
            ax, bx = x1, x2 + _BOX_W
            c1, c2 = ax - 34, bx + 34
        dash = ' stroke-dasharray="5 3"' if role == "backup" else ""
        what = resource + (f" ({labels.get('backup', 'backup')})" if role == "backup" else "")
        svg.add(
            f'<path class="link" data-link={attr(f"{supplier}>{consumer}|{resource}")} '
            f'd="M{num(ax)} {num(ay)}C{num(c1)} {num(ay)} {num(c2)} {num(by)} '
            f'{num(bx)} {num(by)}" fill="none" stroke="#555" stroke-width="1.2"{dash} '
            f'marker-end="url(#{marker})"><title>{text_escape(what)}</title></path>'
        )
    for node, (x, y) in pos.items():
        system = model.system_of(node)
        fill = colours.get(system, FLAG_COLOURS["none"]) if system else "#ffffff"
        ink = "#ffffff" if system else "#222"
        stroke = ' stroke="#111" stroke-width="3"' if node == hood.centre else ' stroke="#777"'
        name = node_name(model, node, lang)
        what = system_names.get(system, system) if system else labels.get("consumer", "")
        box = (
            f'<g class="node" data-node={attr(node)} data-hop="{hood.hops[node]}">'
            f"<title>{text_escape(f'{name} ({node}; {what})')}</title>"
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(_BOX_W)}" height="{num(_BOX_H)}" '
            f'rx="5" fill={attr(fill)}{stroke}/>'
            f'<text x="{num(x + 8)}" y="{num(y + 15)}" font-size="11" fill={attr(ink)} '
            f'font-weight="bold">{text_escape(_short(name))}</text>'
            f'<text x="{num(x + 8)}" y="{num(y + 29)}" font-size="9.5" fill={attr(ink)}>'
            f"{text_escape(_short(node, 30))}</text></g>"
        )
        link = href(node)
        svg.add(f"<a href={attr(link)}>{box}</a>" if link else box)
    y = body_h + 14
    for i, system in enumerate(systems_shown):
        x = 20 + (i % 4) * 150
        if i and i % 4 == 0:
            y += 18
        svg.add(
            f'<rect x="{num(x)}" y="{num(y - 9)}" width="10" height="10" '
            f"fill={attr(colours[system])}/>"
        )
        svg.text(x + 14, y, _short(system_names.get(system, system), 20), size=10)
    y += 18
    svg.add(
        f'<line x1="20" y1="{num(y - 4)}" x2="44" y2="{num(y - 4)}" stroke="#555" '
        'stroke-dasharray="5 3"/>'
    )
    svg.text(50, y, labels.get("backup", "backup"), size=10)
    if hood.hidden:
        y += 18
        note = labels.get("more", "%(n)s more") % {"n": hood.hidden}
        svg.text(20, y, note, size=11, weight="bold", extra=' class="more"')
    return svg.render()
