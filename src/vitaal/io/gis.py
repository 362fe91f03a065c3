"""Models as GIS layers: a GeoPackage, or a folder of GeoJSON files, that QGIS opens as is.

Layers (``docs/networks-water-gis.md``):

============================  ==========================================================
``components_<system>``       the components of one system (``components_other`` for those
                              of no known system), points and components without geometry
``components_<system>_lines`` their lines (cables, mains); ``_polygons`` for polygons
``service_areas``             service areas (``service_areas_points`` when both occur)
``critical_functions``        critical functions (``critical_functions_polygons`` ...)
``supply_links``              one line per supply link, supplier -> consumer (between
                              representative points; no geometry when an end has none)
``layer_styles``              a QGIS style (QML) per layer, categorised by kind, category or
                              resource, used by QGIS as the layer's default style
``vitaal_model``              everything else as JSON: model info, resources, systems,
                              requirements, stores, couplings, plans, scenarios ...
============================  ==========================================================

Every field is a text column in the short forms of model files (``electricity: 40 MW``), so
reading back is lossless; ``geometry_wkt`` keeps the geometry in the model's CRS, and is used
on reading unless the layer geometry was moved by more than a centimetre (edited in QGIS).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from vitaal.errors import Loc, ModelError, Problem
from vitaal.io.fields import (
    FieldError,
    cell_list,
    cell_mapping,
    is_blank,
    list_parser,
    normalise_wkt,
    parse_id,
    parse_nonneg,
    parse_positive_int,
    parse_text,
    parse_year,
    show,
)
from vitaal.io.tables import TABLES, Table, dump_record, parse_record
from vitaal.model.model import RECORD_KINDS, Model
from vitaal.model.records import Horizons, ModelInfo
from vitaal.model.units import format_number

__all__ = ["LAYER_TABLES", "read_gis", "write_gis"]

#: Record kinds written as layers; the others go to the ``vitaal_model`` table.
LAYER_TABLES: tuple[str, ...] = ("components", "areas", "critical_functions", "supply")
_FORMAT = "vitaal-gis/1"
_FAMILY = {
    "Point": "points",
    "MultiPoint": "points",
    "LineString": "lines",
    "MultiLineString": "lines",
    "Polygon": "polygons",
    "MultiPolygon": "polygons",
}
_TOLERANCE_M = 0.01
#: What a file given to :func:`read_gis` should be.
_GPKG = "a GeoPackage written by vitaal's gis-export"
#: The field each layer's QGIS style is categorised by.
_STYLE_ATTR = {
    "components": "kind",
    "areas": "kind",
    "critical_functions": "category",
    "supply": "resource",
}
_PALETTE = (
    "31,120,180",
    "227,26,28",
    "51,160,44",
    "255,127,0",
    "106,61,154",
    "177,89,40",
    "166,206,227",
    "251,154,153",
    "178,223,138",
    "253,191,111",
    "202,178,214",
    "255,255,153",
)


# -- cells ----------------------------------------------------------------------------------
def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return cell_mapping(value)
    if isinstance(value, list | tuple):
        return cell_list(tuple(value))
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _rows(table: Table, records: Iterable[Any]) -> list[dict[str, str | None]]:
    return [{k: _cell(v) for k, v in dump_record(table, r).items()} for r in records]


# -- coordinates ----------------------------------------------------------------------------
def _crs(text: str) -> CRS | None:
    """The CRS named by ``text``; ``None`` for one that cannot be transformed (unknown, or a
    local engineering CRS such as an EPANET import's)."""
    try:
        crs = CRS.from_user_input(text)
    except CRSError:
        return None
    return None if crs.is_engineering else crs


def _known_crs(text: str) -> bool:
    try:
        CRS.from_user_input(text)
    except CRSError:
        return False
    return True


def _transform_all(geoms: list[Any], src: CRS | None, dst: CRS | None) -> list[Any]:
    """Shapely geometries (or ``None``) from ``src`` to ``dst``, all in one call."""
    if src is None or dst is None or src == dst:
        return geoms
    import numpy as np

    tr = Transformer.from_crs(src, dst, always_xy=True)

    def apply(xy: Any) -> Any:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    arr = np.asarray(geoms, dtype=object)
    out: list[Any] = shapely.transform(arr, apply).tolist()
    return out


# -- writing --------------------------------------------------------------------------------
def _layer_of_components(model: Model) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for comp in model.components.values():
        system = model.system_of(comp.id) or "other"
        groups.setdefault(f"components_{system}", []).append(comp)
    return groups


def _split_by_family(name: str, records: list[Any]) -> dict[str, list[Any]]:
    """The records of one logical layer by geometry family: the most common family (and the
    records without geometry) keep ``name``; the others get ``_points``, ``_lines``,
    ``_polygons``."""
    fam: dict[str, list[Any]] = {}
    for r in records:
        geom = getattr(r, "geometry", None)
        f = "" if geom is None else _FAMILY.get(shapely.from_wkt(geom).geom_type, "other")
        fam.setdefault(f, []).append(r)
    families = [f for f in fam if f]
    main = max(families, key=lambda f: (len(fam[f]), f == "points"), default="")
    # records without geometry go with the main family (once, also when there is no other)
    out: dict[str, list[Any]] = {name: (fam.get(main, []) if main else []) + fam.get("", [])}
    for f in families:
        if f != main:
            out[f"{name}_{f}"] = fam[f]
    return out


def _layers(model: Model) -> dict[str, tuple[str, list[Any]]]:
    """Layer name -> (record kind, records)."""
    layers: dict[str, tuple[str, list[Any]]] = {}
    for name, comps in _layer_of_components(model).items():
        for lname, recs in _split_by_family(name, comps).items():
            layers[lname] = ("components", recs)
    for kind, name in (("areas", "service_areas"), ("critical_functions", "critical_functions")):
        recs = list(model.table(kind).values())
        if recs:
            for lname, part in _split_by_family(name, recs).items():
                layers[lname] = (kind, part)
    if model.supply:
        layers["supply_links"] = ("supply", list(model.supply.values()))
    return {k: v for k, v in layers.items() if v[1]}


def _point(wkt: str) -> tuple[float, float]:
    p = shapely.from_wkt(wkt)
    if p.geom_type != "Point":
        p = p.representative_point()
    return (float(p.x), float(p.y))


def _geometry_of(model: Model, node_id: str) -> str | None:
    rec = (
        model.components.get(node_id)
        or model.areas.get(node_id)
        or model.critical_functions.get(node_id)
    )
    return None if rec is None else rec.geometry


def _frame(model: Model, kind: str, records: list[Any], src: CRS | None, dst: CRS | None) -> Any:
    import geopandas as gpd

    rows = _rows(TABLES[kind], records)
    # the style's attribute is written even where it is at its default (an area's kind)
    attr = _STYLE_ATTR[kind]
    for rec, row in zip(records, rows, strict=True):
        row[attr] = _cell(getattr(rec, attr))
    geoms: list[Any] = []
    for rec, row in zip(records, rows, strict=True):
        if kind == "supply":
            a, b = _geometry_of(model, rec.supplier), _geometry_of(model, rec.consumer)
            if a is None or b is None:
                geoms.append(None)
                continue
            pa = _point(a)
            pb = _point(b)
            geoms.append(None if pa == pb else shapely.LineString([pa, pb]))
            continue
        wkt = row.pop("geometry", None)
        row["geometry_wkt"] = wkt
        geoms.append(None if wkt is None else shapely.from_wkt(wkt))
    geoms = _transform_all(geoms, src, dst)
    columns = [c for c in TABLES[kind].field_names() if c not in ("x", "y", "geometry")]
    if kind != "supply":
        columns.append("geometry_wkt")
    used = {k for row in rows for k, v in row.items() if v is not None}
    required = {f.name for f in TABLES[kind].fields if f.required}
    columns = [c for c in columns if c in used or c in required]
    data = {c: [row.get(c) for row in rows] for c in columns}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=dst)


def _rest(model: Model) -> dict[str, Any]:
    info = model.info
    doc: dict[str, Any] = {
        "format": _FORMAT,
        "info": {
            "name": info.name,
            "description": info.description,
            "description_nl": info.description_nl,
            "crs": info.crs,
            "base_year": info.base_year,
            "horizons": {"short_y": info.horizons.short_y, "medium_y": info.horizons.medium_y},
            "horizon_h": info.horizon_h,
            "kinds": list(info.kinds),
        },
    }
    for kind in RECORD_KINDS:
        if kind not in LAYER_TABLES:
            doc[kind] = [dump_record(TABLES[kind], r) for r in model.table(kind).values()]
    return doc


def write_gis(
    model: Model,
    path: str | os.PathLike[str],
    *,
    crs: str = "EPSG:28992",
    overwrite: bool = False,
) -> Path:
    """Write ``model`` as GIS layers in ``crs`` (RD New ``EPSG:28992`` or WGS84 ``EPSG:4326``).

    A path ending in ``.gpkg`` gets a GeoPackage; any other path a folder of GeoJSON files
    (``<layer>.geojson``, a QGIS style ``<layer>.qml`` next to each, and ``vitaal_model.json``).
    Written to a temporary file or folder first, which replaces ``path`` when complete.

    A model in a local engineering CRS (an EPANET import without a CRS) is written with its
    coordinates as they are and no CRS on the layers.

    Examples
    --------
    >>> write_gis(model, "city.gpkg", crs="EPSG:4326")   # doctest: +SKIP
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists (use overwrite to replace it)")
    src = _crs(model.info.crs)
    dst = _crs(crs) if src is not None else None
    if src is not None and dst is None:
        raise ValueError(f"unknown coordinate system {crs!r}")
    layers = _layers(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    gpkg = target.suffix.lower() == ".gpkg"
    if target.suffix.lower() in (".geojson", ".json"):
        raise ValueError("a model is several layers: give a folder or a .gpkg file")
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        out = tmp_dir / target.name if gpkg else tmp_dir
        styles: dict[str, tuple[str, str]] = {}
        for lname, (kind, records) in layers.items():
            frame = _frame(model, kind, records, src, dst)
            styles[lname] = (_qml(lname, kind, frame), _geometry_type(frame))
            with warnings.catch_warnings():
                # a local CRS has no definition to write: saying so is the point, not a slip
                warnings.filterwarnings("ignore", message="'crs' was not provided")
                if gpkg:
                    # GeoPackage 1.2 opens with older GDAL and QGIS releases too
                    options = {} if out.exists() else {"dataset_options": {"VERSION": "1.2"}}
                    frame.to_file(out, layer=lname, driver="GPKG", engine="pyogrio", **options)
                else:
                    frame.to_file(out / f"{lname}.geojson", driver="GeoJSON", engine="pyogrio")
            if not gpkg:
                (out / f"{lname}.qml").write_text(styles[lname][0], encoding="utf-8")
        rest = json.dumps(_rest(model), ensure_ascii=False, indent=1)
        if gpkg:
            _write_gpkg_tables(out, rest, styles)
            if target.exists():
                target.unlink()
            out.rename(target)
        else:
            (out / "vitaal_model.json").write_text(rest, encoding="utf-8")
            if target.exists():
                shutil.rmtree(target)
            tmp_dir.rename(target)
    finally:
        if tmp_dir.exists():
            shutil.rmtree(tmp_dir, ignore_errors=True)
    return target


def _write_gpkg_tables(path: Path, rest: str, styles: Mapping[str, tuple[str, str]]) -> None:
    """The ``vitaal_model`` and QGIS ``layer_styles`` tables, registered as attribute tables
    in ``gpkg_contents`` (as QGIS registers ``layer_styles``)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    con = sqlite3.connect(path)
    try:
        con.execute(
            "CREATE TABLE vitaal_model (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
            "key TEXT NOT NULL UNIQUE, value TEXT)"
        )
        con.execute("INSERT INTO vitaal_model (key, value) VALUES ('model', ?)", (rest,))
        con.execute(
            "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
            "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
            "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
            "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        for lname, (qml, _) in styles.items():
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner) VALUES ('', '', ?, 'geometry', ?, ?, '', 1, 'vitaal default style', '')",
                (lname, lname, qml),
            )
        for table, text in (
            ("vitaal_model", "The rest of the vitaal model (JSON)"),
            ("layer_styles", "QGIS layer styles"),
        ):
            con.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change) VALUES (?, 'attributes', ?, ?, ?)",
                (table, table, text, now),
            )
        con.commit()
    finally:
        con.close()


# -- QGIS styles ----------------------------------------------------------------------------
def _geometry_type(frame: Any) -> str:
    types = {g.geom_type for g in frame.geometry if g is not None}
    fams = {_FAMILY.get(t, "other") for t in types}
    return next(iter(fams)) if len(fams) == 1 else "points"


def _symbol(index: int, family: str, colour: str) -> str:
    if family == "lines":
        cls, stype = "SimpleLine", "line"
        opts = {"line_color": f"{colour},255", "line_width": "0.6", "line_width_unit": "MM"}
    elif family == "polygons":
        cls, stype = "SimpleFill", "fill"
        opts = {"color": f"{colour},120", "outline_color": f"{colour},255", "outline_width": "0.3"}
    else:
        cls, stype = "SimpleMarker", "marker"
        opts = {
            "color": f"{colour},255",
            "name": "circle",
            "size": "2.2",
            "outline_color": "35,35,35,255",
            "outline_width": "0.2",
        }
    options = "".join(f'<Option type="QString" name="{k}" value="{v}"/>' for k, v in opts.items())
    return (
        f'<symbol type="{stype}" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{cls}" enabled="1" pass="0" locked="0">'
        f'<Option type="Map">{options}</Option></layer></symbol>'
    )


def _qml(layer: str, kind: str, frame: Any) -> str:
    """A categorised QGIS style: components by ``kind``, areas by ``kind``, critical functions
    by ``category``, supply links by ``resource``."""
    from xml.sax.saxutils import quoteattr

    attr = _STYLE_ATTR[kind]
    family = "lines" if kind == "supply" else _geometry_type(frame)
    values = sorted({str(v) for v in frame[attr] if v is not None}) if attr in frame else []
    cats = "".join(
        f'<category render="true" symbol="{i}" value={quoteattr(v)} label={quoteattr(v)}/>'
        for i, v in enumerate(values)
    )
    syms = "".join(_symbol(i, family, _PALETTE[i % len(_PALETTE)]) for i in range(len(values)))
    gtype = {"points": 0, "lines": 1, "polygons": 2}.get(family, 0)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="3.28.0" styleCategories="Symbology">'
        f'<renderer-v2 type="categorizedSymbol" attr="{attr}" symbollevels="0" '
        f'enableorderby="0" forceraster="0"><categories>{cats}</categories>'
        f"<symbols>{syms}</symbols></renderer-v2>"
        f"<layerGeometryType>{gtype}</layerGeometryType></qgis>\n"
    )


# -- reading --------------------------------------------------------------------------------
def _kind_of_layer(name: str) -> str | None:
    if name.startswith("components_"):
        return "components"
    if name == "service_areas" or name.startswith("service_areas_"):
        return "areas"
    if name == "critical_functions" or name.startswith("critical_functions_"):
        return "critical_functions"
    if name == "supply_links":
        return "supply"
    return None


def _parse_info(doc: Any, loc: Loc, problems: list[Problem]) -> ModelInfo:
    """The model info of the ``vitaal_model`` table, read as ``model.yaml`` is read."""
    if not isinstance(doc, Mapping):
        problems.append(Problem(loc, "info", show(doc), "a mapping with the model's name"))
        return ModelInfo(name="")
    parsers: dict[str, Any] = {
        "name": parse_text,
        "description": parse_text,
        "description_nl": parse_text,
        "crs": parse_text,
        "base_year": parse_year,
        "horizon_h": parse_nonneg,
        "kinds": list_parser(parse_id),
    }
    kwargs: dict[str, Any] = {}
    for name, parser in parsers.items():
        if is_blank(doc.get(name)):
            continue
        try:
            kwargs[name] = parser(doc[name])
        except FieldError as exc:
            problems.append(Problem(loc, name, exc.found, exc.expected))
    if "name" not in kwargs:
        problems.append(Problem(loc, "name", "nothing", "the model's name"))
        kwargs["name"] = ""
    h = doc.get("horizons")
    if h is not None:
        try:
            if not isinstance(h, Mapping):
                raise FieldError(show(h), "a mapping with short_y and medium_y")
            kwargs["horizons"] = Horizons(
                short_y=parse_positive_int(h.get("short_y", 5)),
                medium_y=parse_positive_int(h.get("medium_y", 15)),
            )
        except FieldError as exc:
            problems.append(Problem(loc, "horizons", exc.found, exc.expected))
    if "crs" in kwargs and not _known_crs(kwargs["crs"]):
        problems.append(Problem(loc, "crs", show(kwargs["crs"]), "a known CRS"))
        del kwargs["crs"]
    return ModelInfo(**kwargs)


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _refuse(where: str, found: str, expected: str) -> ModelError:
    return ModelError([Problem(Loc(where), None, found, expected)])


def _model_doc(source: Path) -> tuple[Any, list[str], dict[str, Path]]:
    """The ``vitaal_model`` JSON, the layer names and (for a folder) the layer files."""
    import pyogrio

    if source.is_dir():
        meta = source / "vitaal_model.json"
        if not meta.is_file():
            raise _refuse(str(source), "no vitaal_model.json", "a folder written by gis-export")
        try:
            text = meta.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            raise _refuse(str(meta), f"an unreadable file ({exc})", "UTF-8 JSON") from None
        where = str(meta)
        layer_files = {p.stem: p for p in sorted(source.glob("*.geojson"))}
        layer_names = list(layer_files)
    elif source.is_file():
        where = f"{source}/vitaal_model"
        try:
            con = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise _refuse(str(source), f"a file SQLite cannot open ({exc})", _GPKG) from None
        try:
            row = con.execute("SELECT value FROM vitaal_model WHERE key = 'model'").fetchone()
        except sqlite3.Error:
            row = None
        finally:
            con.close()
        if row is None or not isinstance(row[0], str):
            raise _refuse(str(source), "no vitaal_model table with the model", _GPKG)
        text = row[0]
        try:
            layer_names = [str(n) for n, _ in pyogrio.list_layers(source)]
        except Exception as exc:  # GDAL's errors vary by what is broken; say which file
            reason = " ".join(str(exc).split())[:300]
            raise _refuse(str(source), f"a GeoPackage GDAL cannot read ({reason})", _GPKG) from None
        layer_files = {}
    else:
        raise _refuse(str(source), "no such file or folder", "a GeoPackage or a GeoJSON folder")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _refuse(where, f"invalid JSON ({exc})"[:300], "the model as JSON") from None
    if not isinstance(doc, dict):
        raise _refuse(where, show(doc), "the model as a JSON object")
    return doc, layer_names, layer_files


def read_gis(path: str | os.PathLike[str]) -> Model:
    """Read a GeoPackage or GeoJSON folder written by :func:`write_gis` back into a model.

    Layers not made by vitaal are ignored; geometry is taken from ``geometry_wkt`` unless the
    layer's geometry differs from it by more than a centimetre (then the layer's geometry,
    transformed to the model CRS, wins). Raises :class:`~vitaal.errors.ModelError` listing
    every problem, each located in the file (``city.gpkg/supply_links:3`` is row 3 of the
    layer ``supply_links``; ``city.gpkg/vitaal_model/plans:2`` the second plan).
    """
    import pyogrio

    source = Path(path)
    problems: list[Problem] = []
    doc, layer_names, layer_files = _model_doc(source)
    name = str(source)
    model = Model(info=_parse_info(doc.get("info"), Loc(f"{name}/vitaal_model/info"), problems))
    model_crs = _crs(model.info.crs)
    owners: dict[str, Loc] = {}

    def add(kind: str, raw: Any, loc: Loc) -> None:
        if not isinstance(raw, Mapping):
            problems.append(Problem(loc, None, show(raw), "a record (a mapping)"))
            return
        rec, probs = parse_record(TABLES[kind], raw, loc, line_of=None)
        problems.extend(probs)
        if rec is None:
            return
        key = TABLES[kind].key(rec)
        space = "node" if kind in ("components", "areas", "critical_functions") else kind
        if f"{space}:{key}" in owners:
            first = owners[f"{space}:{key}"]
            problems.append(Problem(loc, None, f"'{key}' again", f"a unique id (first at {first})"))
            return
        owners[f"{space}:{key}"] = loc
        model.table(kind)[key] = rec

    for kind in RECORD_KINDS:
        rows = doc.get(kind) or []
        if not isinstance(rows, list):
            where = Loc(f"{name}/vitaal_model/{kind}")
            problems.append(Problem(where, None, show(rows), "a list of records"))
            continue
        for i, raw in enumerate(rows, start=1):
            add(kind, raw, Loc(f"{name}/vitaal_model/{kind}", i))
    for lname in layer_names:
        layer_kind = _kind_of_layer(lname)
        if layer_kind is None:
            continue
        kind = layer_kind
        target = layer_files.get(lname, source)
        try:
            frame = pyogrio.read_dataframe(target, layer=None if lname in layer_files else lname)
            layer_crs = _crs(frame.crs.to_string()) if frame.crs is not None else None
            geoms = [None if g is None or g.is_empty else g for g in frame.geometry]
            geoms = _transform_all(geoms, layer_crs, model_crs)
        except Exception as exc:  # GDAL, pyproj and shapely each raise their own errors
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            where = Loc(f"{name}/{lname}")
            problems.append(Problem(where, None, f"a layer that cannot be read ({reason})", _GPKG))
            continue
        columns = [c for c in frame.columns if c != "geometry"]
        for i, (values, geom) in enumerate(
            zip(frame[columns].itertuples(index=False), geoms, strict=True), start=1
        ):
            raw = {c: _clean(v) for c, v in zip(columns, values, strict=True)}
            raw = {k: v for k, v in raw.items() if v is not None}
            wkt = raw.pop("geometry_wkt", None)
            if kind != "supply":
                raw_geom = _read_geometry(wkt, geom)
                if raw_geom is not None:
                    raw["geometry"] = raw_geom
            add(kind, raw, Loc(f"{name}/{lname}", i))
    if problems:
        raise ModelError(problems)
    return model


def _read_geometry(wkt: Any, geom: Any) -> str | None:
    """``wkt`` (the model-CRS text written) unless ``geom`` (the layer's geometry, already in
    the model CRS) moved away from it."""
    if geom is None:
        return None
    if isinstance(wkt, str):
        kept = shapely.from_wkt(wkt, on_invalid="ignore")
        if kept is not None and shapely.equals_exact(kept, geom, tolerance=_TOLERANCE_M):
            return wkt
    return normalise_wkt(geom)
