"""The map and the dependency diagram, drawn by the report's own SVG code
(:mod:`vitaal.report.svg`, which escapes every model text) so that the web app and the report
show the same figures: the systems on the map and their dependencies for a version, and the
same coloured by a scenario run's flags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vitaal.model.model import Model
from vitaal.report.svg.dependency import count_dependencies, draw_dependencies
from vitaal.report.svg.map import MapData, draw_map

__all__ = ["overview_figures", "scenario_figures"]

Gettext = Callable[[str], str]


def _names(model: Model, lang: str) -> dict[str, str]:
    return {
        sid: (s.name_nl if lang == "nl" and s.name_nl else s.name)
        for sid, s in model.systems.items()
    }


def _map_labels(_: Gettext) -> dict[str, str]:
    return {
        "area": _("service area (size: population)"),
        "function": _("critical function"),
        "km": "km",
        "red": _("failed, red flag"),
        "orange": _("failed, orange flag"),
        "green": _("failed, green flag"),
        "unaffected": _("not failed"),
        "no_geometry": _("The model has no geometry to draw."),
    }


def overview_figures(model: Model, geo: MapData, lang: str, _: Gettext) -> dict[str, str]:
    """The map of every system and the dependencies between the systems, as SVG."""
    names = _names(model, lang)
    return {
        "map_svg": draw_map(
            geo, label=_("Map of the vital systems"), labels=_map_labels(_), system_names=names
        ),
        "dependency_svg": draw_dependencies(
            list(model.systems),
            count_dependencies(model),
            label=_("Dependencies between the systems"),
            names=names,
            legend={"links": _("arrow: supplier system to user system; number: supply links")},
        ),
    }


def scenario_figures(
    model: Model, geo: MapData, result: Mapping[str, Any], lang: str, _: Gettext
) -> dict[str, str]:
    """A scenario run on the map (failed components in their system's flag colour, service
    areas and critical functions that lose a service in red) and on the dependency diagram."""
    colour_of = {f["system"]: f["colour"] for f in result["flags"]}
    failed: dict[str, str] = {}
    areas: dict[str, str] = {}
    functions: dict[str, str] = {}
    for n in result["nodes"]:
        nid = n["id"]
        if nid in model.components:
            failed[nid] = colour_of.get(n.get("system") or "", "orange")
        elif nid in model.areas:
            areas[nid] = "red"
        elif nid in model.critical_functions:
            functions[nid] = "red"
    names = _names(model, lang)
    name = str(result["name"])
    return {
        "map_svg": draw_map(
            geo,
            label=_("Map: %(name)s") % {"name": name},
            labels=_map_labels(_),
            system_names=names,
            failed=failed,
            areas_hit=areas,
            functions_hit=functions,
            figure="scenario-map",
        ),
        "dependency_svg": draw_dependencies(
            list(model.systems),
            count_dependencies(model),
            label=_("Dependencies and flags: %(name)s") % {"name": name},
            names=names,
            flags=colour_of,
            origin=result.get("origin_system"),
            legend={
                "red": _("red flag"),
                "orange": _("orange flag"),
                "green": _("green flag"),
                "origin": _("origin"),
                "links": _("numbers: supply links"),
            },
            size=440,
            figure="scenario-dependencies",
        ),
    }
