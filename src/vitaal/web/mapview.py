"""What the map page shows: the map with its layer switches, the details of what is clicked on
it, and where a sensitive component's location is replaced by its service area. The rule of
who sees a precise location is :func:`vitaal.web.rights.may_see_location`; this module applies
it to every place a location goes out of the app (the map, a component's page and API answer,
a scenario run's map, the report and the GeoPackage to download)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import shapely
from fastapi import HTTPException
from shapely.geometry.base import BaseGeometry

from vitaal.model.model import Model
from vitaal.model.names import kind_name, name_in
from vitaal.web import rights
from vitaal.web.accounts import Session
from vitaal.web.basemap import TileSource, tile_source
from vitaal.web.editing import form_values
from vitaal.web.figures import map_layers, overview_figures, scenario_figures, without
from vitaal.web.i18n import translations
from vitaal.web.jobs import Job
from vitaal.web.state import AppState

__all__ = [
    "feature_details",
    "hide_location",
    "map_page_data",
    "scenario_map",
    "service_area_of",
    "tiles_of",
]


def _subsystem_name(model: Model, sub_id: str, lang: str) -> str:
    """A subsystem by its name in ``lang`` (its id when the model has no such subsystem)."""
    sub = model.subsystems.get(sub_id)
    return name_in(sub, lang) if sub is not None else sub_id


@lru_cache(maxsize=4)
def _tiles(template: str | None) -> TileSource | None:
    return tile_source(template)


def tiles_of(state: AppState) -> TileSource | None:
    """The configured base map (``WebConfig.tiles``), or ``None``."""
    return _tiles(state.config.tiles)


def map_page_data(state: AppState, session: Session, lang: str) -> dict[str, Any]:
    """The map of every system and the dependency diagram of the latest version (SVG, drawn
    once per version, language and set of components the reader may not see) and the map's
    layer switches."""
    version = state.latest()
    model, geo = state.geometry(version)
    hidden = rights.unseen_locations(session.user, model)
    tiles = tiles_of(state)

    def draw() -> dict[str, str]:
        gettext = translations(lang).ugettext
        return overview_figures(model, geo, lang, gettext, hidden=hidden, tiles=tiles)

    figures = state.drawn(("overview", version, lang, hidden), draw)
    return {
        "version": version,
        **figures,
        "layers": map_layers(model, without(geo, hidden), lang, tiles),
        "hidden": len(hidden),
        "basemap": tiles.origin if tiles is not None else None,
    }


def scenario_map(state: AppState, session: Session, job: Job, lang: str) -> dict[str, str]:
    """A finished scenario run on the map and the dependency diagram (SVG), without the
    components whose location the reader may not see."""
    if job.kind != "scenario" or job.result is None:
        return {}
    result = job.result
    version = int(result["version"])
    model, geo = state.geometry(version)
    hidden = rights.unseen_locations(session.user, model)

    def draw() -> dict[str, str]:
        gettext = translations(lang).ugettext
        return scenario_figures(model, geo, result, lang, gettext, hidden=hidden)

    return state.drawn(("scenario", job.id, lang, hidden), draw)


def _shape(wkt: str | None) -> BaseGeometry | None:
    if not wkt:
        return None
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.GEOSException:
        return None
    return None if geom is None or geom.is_empty else geom


def service_area_of(model: Model, component_id: str) -> str | None:
    """The service area a component lies in: the first whose outline holds it, else the one
    whose point or outline is nearest (``None`` without a location or areas).

    O(areas).
    """
    comp = model.components.get(component_id)
    where = _shape(comp.geometry) if comp is not None else None
    if where is None:
        return None
    at = where.centroid
    best: tuple[float, str] | None = None
    for aid in sorted(model.areas):
        shape = _shape(model.areas[aid].geometry)
        if shape is None:
            continue
        if shape.geom_type in ("Polygon", "MultiPolygon") and shape.contains(at):
            return aid
        d = float(shape.distance(at))
        if best is None or d < best[0]:
            best = (d, aid)
    return best[1] if best else None


def hide_location(data: dict[str, Any], session: Session, model: Model) -> dict[str, Any]:
    """A component's page or API answer (:func:`vitaal.web.views.component_data`) with its
    ``geometry`` left out where the reader may not see it, and its service area instead."""
    cid = str(data["id"])
    seen = rights.may_see_location(session.user, model, cid)
    data["location_hidden"] = not seen
    data["area"] = service_area_of(model, cid)
    if not seen:
        data["record"] = {k: v for k, v in data["record"].items() if k != "geometry"}
        data["fields"] = {**data["fields"], "geometry": ""}
    return data


def _rows(pairs: list[tuple[str, Any]]) -> list[dict[str, str]]:
    return [
        {"label": label, "value": str(value)}
        for label, value in pairs
        if value not in (None, "", [], {})
    ]


def feature_details(
    state: AppState, session: Session, lang: str, feature_id: str
) -> dict[str, Any]:
    """What the map's details panel shows of the component, service area, critical function
    or plan ``feature_id`` of the latest version: its name, what it is, the fields a reader
    looks for (labelled in ``lang``) and the page to go on to; 404 for an id the version does
    not have. A sensitive component the reader may not see is named with its service area."""
    version, model = state.model()
    _ = translations(lang).ugettext
    names = {
        sid: (s.name_nl if lang == "nl" and s.name_nl else s.name)
        for sid, s in model.systems.items()
    }
    comp = model.components.get(feature_id)
    if comp is not None:
        system = model.system_of(feature_id)
        values = form_values(comp)
        seen = rights.may_see_location(session.user, model, feature_id)
        area = service_area_of(model, feature_id)
        rows = _rows(
            [
                (_("System"), names.get(system or "", system)),
                (_("Subsystem"), _subsystem_name(model, comp.subsystem, lang)),
                (_("Kind"), kind_name(comp.kind, lang)),
                (_("Owner"), comp.owner or ", ".join(rights.owners_of_component(model, comp.id))),
                (_("Capacity"), values.get("capacity")),
                (_("Peak load"), values.get("peak_load")),
                (_("Condition"), values.get("condition")),
                (_("Build year"), values.get("build_year")),
                (
                    _("Protection zone"),
                    f"{comp.protection_zone_m:g} m" if comp.protection_zone_m else None,
                ),
                (_("Service area"), model.areas[area].name if area else None),
                (_("Location"), values.get("geometry") if seen else _("not shown to your role")),
            ]
        )
        return {
            "version": version,
            "id": comp.id,
            "type": "component",
            "layer": f"system:{system}" if system else "components",
            "name": (comp.name_nl if lang == "nl" and comp.name_nl else comp.name) or comp.id,
            "rows": rows,
            "link": f"/components/{comp.id}",
            "location_hidden": not seen,
        }
    area_rec = model.areas.get(feature_id)
    if area_rec is not None:
        rows = _rows(
            [
                (_("Kind"), _(area_rec.kind.value.replace("_", " "))),
                (_("District"), area_rec.district),
                (_("Population"), area_rec.population),
                (_("Homes"), area_rec.homes),
                (_("Jobs"), area_rec.jobs),
            ]
        )
        return _other(version, feature_id, "area", "areas", area_rec.name, rows)
    func = model.critical_functions.get(feature_id)
    if func is not None:
        in_area = model.areas.get(func.area or "")
        rows = _rows(
            [
                (_("Category"), func.category.replace("_", " ")),
                (_("People"), func.people),
                (_("Service area"), in_area.name if in_area else func.area),
                (_("Owner"), func.owner),
            ]
        )
        name = (func.name_nl if lang == "nl" and func.name_nl else func.name) or func.id
        return _other(version, feature_id, "function", "functions", name, rows)
    plan = model.plans.get(feature_id)
    if plan is not None:
        homes = "; ".join(f"{y}: {n}" for y, n in sorted(plan.homes.items()))
        rows = _rows(
            [
                (_("Owner"), plan.owner),
                (
                    _("Service areas"),
                    ", ".join(model.areas[a].name if a in model.areas else a for a in plan.areas),
                ),
                (_("Homes"), homes),
            ]
        )
        title = (plan.title_nl if lang == "nl" and plan.title_nl else plan.title) or plan.id
        return _other(version, feature_id, "plan", "plans", title, rows)
    raise HTTPException(404, f"no component, area, critical function or plan '{feature_id}'")


def _other(
    version: int, ident: str, kind: str, layer: str, name: str, rows: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "version": version,
        "id": ident,
        "type": kind,
        "layer": layer,
        "name": name,
        "rows": rows,
        "link": None,
        "location_hidden": False,
    }


def hide_in_audit(
    entries: list[dict[str, Any]], session: Session, model: Model
) -> list[dict[str, Any]]:
    """Audit entries (``AuditEntry.as_dict()``) without the ``geometry`` of the sensitive
    components of ``model`` the reader may not see, marked ``location_hidden``."""
    unseen = rights.unseen_locations(session.user, model)
    if not unseen:
        return entries
    out = []
    for e in entries:
        if e.get("kind") == "components" and e.get("key") in unseen:
            e = {
                **e,
                "before": _without_geometry(e.get("before")),
                "after": _without_geometry(e.get("after")),
                "location_hidden": True,
            }
        out.append(e)
    return out


def hide_in_diff(diff: dict[str, Any], session: Session, model: Model) -> dict[str, Any]:
    """A comparison of versions (``ModelDiff.as_dict()``) without the changes of ``geometry``
    of the sensitive components of ``model`` the reader may not see."""
    unseen = rights.unseen_locations(session.user, model)
    comps = diff.get("kinds", {}).get("components")
    if not unseen or not comps:
        return diff
    changed = [
        {**c, "fields": [f for f in c["fields"] if f["field"] != "geometry"]}
        if c["key"] in unseen
        else c
        for c in comps.get("changed", [])
    ]
    kinds = {
        **diff["kinds"],
        "components": {**comps, "changed": [c for c in changed if c["fields"]]},
    }
    return {**diff, "kinds": kinds}


def _without_geometry(record: Any) -> Any:
    if isinstance(record, dict):
        return {k: v for k, v in record.items() if k != "geometry"}
    return record
