"""Import cables and pipes in the shape of the Dutch cable-and-pipe information model (IMKL).

Any layer with a ``thema`` column (an IMKL export, a KLIC delivery converted to GeoPackage, a
utility's own GIS layer) becomes components: the theme decides the system, the resource and the
component kind (``vitaal/data/imkl_themes.yaml``). NEN 2767 condition scores (1-6) in a
``conditie``, ``condition`` or ``nen2767`` column are kept. Rows with an unknown theme, a
missing geometry or an invalid condition are reported with the row and the reason; columns the
importer does not use are reported once each.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import shapely

from vitaal.catalog import load_data
from vitaal.io.epanet import ImportNote, sanitise_id
from vitaal.io.fields import normalise_wkt
from vitaal.model.enums import Confidence, Origin
from vitaal.model.model import Model
from vitaal.model.records import Component, ModelInfo, Provenance, Resource, Subsystem, System

__all__ = ["ImklImport", "imkl_themes", "import_imkl_like"]

_ID_COLUMNS = ("id", "identificatie", "gml_id", "lokaalid", "localid")
_NAME_COLUMNS = ("name", "naam", "label")
_OWNER_COLUMNS = ("owner", "beheerder", "netbeheerder")
_CONDITION_COLUMNS = ("conditie", "condition", "nen2767", "conditiescore")
_YEAR_COLUMNS = ("build_year", "bouwjaar", "jaar_aanleg", "aanlegjaar")


def imkl_themes() -> dict[str, Any]:
    """The theme table of ``vitaal/data/imkl_themes.yaml`` (theme -> system, resource, kind)."""
    return dict(load_data("imkl_themes")["themes"])


@dataclass(slots=True)
class ImklImport:
    """What :func:`import_imkl_like` made: records to add to a model, and what it could not map.

    ``kinds`` are component kinds the model must declare in ``model.yaml`` (``kinds:``).
    """

    components: dict[str, Component] = field(default_factory=dict)
    subsystems: dict[str, Subsystem] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    unmapped: list[ImportNote] = field(default_factory=list)

    def to_model(self, name: str, crs: str = "EPSG:28992") -> Model:
        """A model of just these records (no supply links: IMKL says where, not what feeds
        what)."""
        return Model(
            info=ModelInfo(name=name, crs=crs, kinds=self.kinds),
            resources=dict(self.resources),
            systems=dict(self.systems),
            subsystems=dict(self.subsystems),
            components=dict(self.components),
        )


def _pick(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def import_imkl_like(
    source: Any,
    *,
    layer: str | None = None,
    crs: str = "EPSG:28992",
    prefix: str = "imkl",
    owner: str | None = None,
) -> ImklImport:
    """Components from a GeoDataFrame (or a GeoPackage/GeoJSON path and ``layer``) with a
    ``thema`` column.

    Parameters
    ----------
    source
        A ``geopandas.GeoDataFrame`` or a path readable by pyogrio.
    layer
        The layer of a multi-layer file.
    crs
        The model's CRS; geometries are transformed to it (the source must declare its CRS).
    prefix
        Ids are ``<prefix>-<theme>-<id>``, the id taken from an ``id``, ``identificatie`` or
        ``gml_id`` column, else the row number.
    owner
        Owner for rows without a ``beheerder`` / ``owner`` column value.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame({"thema": ["middenspanning", "onbekend"]},
    ...                        geometry=[shapely.LineString([(0, 0), (1, 1)])] * 2,
    ...                        crs="EPSG:28992")
    >>> imp = import_imkl_like(gdf)
    >>> [c.kind for c in imp.components.values()], [n.element for n in imp.unmapped]
    (['cable_mv'], ['row 2'])
    """
    import geopandas as gpd

    if isinstance(source, str | os.PathLike):
        gdf = gpd.read_file(source, layer=layer, engine="pyogrio")
    else:
        gdf = source
    data = load_data("imkl_themes")
    themes: dict[str, Any] = data["themes"]
    out = ImklImport()
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    theme_col = _pick(columns, ("thema", "theme"))
    if theme_col is None:
        out.unmapped.append(ImportNote("layer", "no 'thema' column: nothing can be mapped"))
        return out
    if gdf.crs is None:
        out.unmapped.append(
            ImportNote("layer", f"no CRS declared: coordinates taken to be in {crs}")
        )
    elif gdf.crs != crs:
        gdf = gdf.to_crs(crs)
    id_col = _pick(columns, _ID_COLUMNS)
    name_col = _pick(columns, _NAME_COLUMNS)
    owner_col = _pick(columns, _OWNER_COLUMNS)
    cond_col = _pick(columns, _CONDITION_COLUMNS)
    year_col = _pick(columns, _YEAR_COLUMNS)
    used = {c for c in (theme_col, id_col, name_col, owner_col, cond_col, year_col) if c}
    for col in columns:
        if col not in used:
            out.unmapped.append(ImportNote(f"column {col}", "not used by the IMKL mapping"))
    pfx = sanitise_id(prefix)
    kinds: set[str] = set()
    seen: set[str] = set()
    for row_no, (row, geom) in enumerate(
        zip(gdf[columns].to_dict("records"), gdf.geometry, strict=True), start=1
    ):
        where = f"row {row_no}"
        theme = row.get(theme_col)
        spec = themes.get(str(theme)) if not _blank(theme) else None
        if spec is None:
            reason = data["unmapped"].get(str(theme)) or f"unknown theme {theme!r}"
            out.unmapped.append(ImportNote(where, reason))
            continue
        system, resource, kind = spec["system"], spec["resource"], spec["kind"]
        if geom is None or geom.is_empty:
            out.unmapped.append(ImportNote(where, "no geometry"))
            continue
        raw_id = row.get(id_col) if id_col else None
        local = sanitise_id(str(raw_id)) if not _blank(raw_id) else str(row_no)
        base = f"{pfx}-{sanitise_id(str(theme))}-{local}"
        cid, n = base[:200], 1
        while cid.lower() in seen:
            n += 1
            cid = f"{base[:190]}-{n}"
        if n > 1:
            out.unmapped.append(ImportNote(where, f"id {base!r} taken: renamed to {cid!r}"))
        seen.add(cid.lower())
        condition: int | None = None
        if cond_col and not _blank(row.get(cond_col)):
            try:
                value = float(row[cond_col])
            except (TypeError, ValueError):
                value = math.nan
            if value.is_integer() and 1 <= value <= 6:
                condition = int(value)
            else:
                out.unmapped.append(
                    ImportNote(where, f"condition {row[cond_col]!r} is no NEN 2767 score 1-6")
                )
        build_year: int | None = None
        if year_col and not _blank(row.get(year_col)):
            try:
                build_year = int(float(row[year_col]))
            except (TypeError, ValueError):
                out.unmapped.append(ImportNote(where, f"build year {row[year_col]!r}"))
        sub_id = f"{pfx}-{sanitise_id(str(theme))}"
        out.components[cid] = Component(
            id=cid,
            subsystem=sub_id,
            kind=kind,
            name=None if not name_col or _blank(row.get(name_col)) else str(row[name_col]),
            geometry=normalise_wkt(shapely.force_2d(geom)),
            condition=condition,
            build_year=build_year,
            owner=(str(row[owner_col]) if owner_col and not _blank(row.get(owner_col)) else owner),
            prov=Provenance(Origin.UTILITY_DATA, Confidence.MEDIUM, f"IMKL theme {theme}"),
        )
        if sub_id not in out.subsystems:
            out.subsystems[sub_id] = Subsystem(
                id=sub_id,
                system=system,
                name=str(spec.get("name", theme)),
                prov=Provenance(Origin.UTILITY_DATA, Confidence.MEDIUM, f"IMKL theme {theme}"),
            )
        if system not in out.systems:
            s = data["systems"][system]
            out.systems[system] = System(id=system, name=s["name"], name_nl=s.get("name_nl"))
        if resource not in out.resources:
            r = data["resources"][resource]
            out.resources[resource] = Resource(
                id=resource, name=r["name"], name_nl=r.get("name_nl"), unit=r["unit"]
            )
        if kind in data.get("kinds", {}):
            kinds.add(kind)
    out.kinds = tuple(sorted(kinds))
    return out
