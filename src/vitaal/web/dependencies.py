"""The dependency diagram zoomed in on one component: its suppliers upstream and its users
downstream across systems, ``depth`` hops each way, drawn by the report's SVG code
(:mod:`vitaal.report.svg.component_graph`) with each component linking to its page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import HTTPException

from vitaal.report.svg.component_graph import draw_component_graph, neighbourhood, node_name
from vitaal.web.i18n import translations
from vitaal.web.state import AppState

__all__ = ["LIMIT", "MAX_DEPTH", "component_dependencies"]

#: the most hops a page walks each way, and the most nodes it draws (the rest: "N more")
MAX_DEPTH = 6
LIMIT = 60


def component_dependencies(
    state: AppState, lang: str, component_id: str, depth: int = 2, limit: int = LIMIT
) -> dict[str, Any]:
    """A component's suppliers and users within ``depth`` hops in the latest version, as
    lists and as SVG; 404 for an id that is no component, 422 for a depth out of range."""
    if not 1 <= depth <= MAX_DEPTH:
        raise HTTPException(422, f"depth: found {depth}, expected 1 to {MAX_DEPTH} hops")
    version, model = state.model()
    comp = model.components.get(component_id)
    if comp is None:
        raise HTTPException(404, f"no component '{component_id}' in version {version}")
    hood = neighbourhood(model, component_id, depth, limit)
    _ = translations(lang).ugettext
    names = {
        sid: (s.name_nl if lang == "nl" and s.name_nl else s.name)
        for sid, s in model.systems.items()
    }
    name = comp.name or comp.id
    svg = draw_component_graph(
        model,
        hood,
        label=_("Dependencies of %(name)s") % {"name": name},
        labels={
            "upstream": _("← suppliers (upstream)"),
            "downstream": _("users (downstream) →"),
            "consumer": _("service area or critical function"),
            "backup": _("backup link"),
            "more": _("%(n)s more within this depth not drawn"),
        },
        system_names=names,
        href=lambda node: (
            f"/components/{quote(node, safe='')}" if node in model.components else None
        ),
        lang=lang,
    )

    def listed(ids: list[str]) -> list[dict[str, Any]]:
        return [
            {
                "id": n,
                "name": node_name(model, n, lang),
                "hop": abs(hood.hops[n]),
                "system": model.system_of(n),
                "component": n in model.components,
            }
            for n in ids
        ]

    return {
        "version": version,
        "id": comp.id,
        "name": name,
        "system": model.system_of(comp.id),
        "depth": depth,
        "max_depth": MAX_DEPTH,
        "upstream": listed(hood.upstream),
        "downstream": listed(hood.downstream),
        "links": [
            {"supplier": s, "consumer": c, "resource": r, "role": role}
            for s, c, r, role in hood.links
        ],
        "hidden": hood.hidden,
        "svg": svg,
    }
