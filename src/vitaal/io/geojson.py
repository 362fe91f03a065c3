"""GeoJSON features as raw records, in the model's coordinate system."""

from __future__ import annotations

import json
from typing import Any

import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.errors import ShapelyError

from vitaal.errors import Loc, Problem
from vitaal.io.fields import normalise_wkt, show


def _crs_of(doc: dict[str, Any]) -> str:
    """The CRS a GeoJSON document declares (legacy ``crs`` member), else WGS84 (RFC 7946)."""
    crs = doc.get("crs")
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    return name if isinstance(name, str) else "OGC:CRS84"


def read_geojson_records(
    text: str, file: str, model_crs: str
) -> tuple[list[tuple[dict[str, Any], Loc]], list[Problem]]:
    """Each feature's properties, with its geometry as WKT in ``model_crs``, and its location.

    Features have no line numbers of their own; their location is ``file`` with ``#n``, the
    feature's 1-based index, in place of a line.
    """
    problems: list[Problem] = []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(Loc(file, exc.lineno), None, f"invalid JSON ({exc.msg})", "GeoJSON")]
    except (ValueError, RecursionError) as exc:  # a number of 5,000 digits, nesting too deep
        found = f"JSON that cannot be read ({type(exc).__name__}: {str(exc)[:120]})"
        return [], [Problem(Loc(file), None, found, "GeoJSON")]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [], [Problem(Loc(file), "type", "not a FeatureCollection", "a FeatureCollection")]
    source = _crs_of(doc)
    try:
        transformer = _transformer(source, model_crs)
    except CRSError:
        return [], [Problem(Loc(file), "crs", repr(source), "a known coordinate system")]
    out: list[tuple[dict[str, Any], Loc]] = []
    features = doc.get("features") or []
    if not isinstance(features, list):
        return [], [Problem(Loc(file), "features", show(features), "a list of features")]
    for i, feature in enumerate(features, start=1):
        loc = Loc(f"{file}#{i}")
        if not isinstance(feature, dict):
            problems.append(Problem(loc, None, "not a feature", "a GeoJSON Feature"))
            continue
        raw_props = feature.get("properties") or {}
        if not isinstance(raw_props, dict):
            problems.append(Problem(loc, "properties", show(raw_props), "a mapping"))
            continue
        props = dict(raw_props)
        geom = feature.get("geometry")
        if geom is not None:
            try:
                shape = shapely.geometry.shape(geom)
                if transformer is not None:
                    shape = shapely.transform(shape, transformer, interleaved=False)
                props["geometry"] = normalise_wkt(shape)
            except (ShapelyError, ValueError, TypeError, KeyError, AttributeError, OverflowError):
                problems.append(Problem(loc, "geometry", "an unreadable geometry", "GeoJSON"))
                continue
        out.append((props, loc))
    return out, problems


def _transformer(source: str, target: str) -> Any:
    src, dst = CRS.from_user_input(source), CRS.from_user_input(target)
    if src == dst:
        return None
    tr = Transformer.from_crs(src, dst, always_xy=True)

    def apply(x: Any, y: Any) -> tuple[Any, Any]:
        return tr.transform(x, y)

    return apply
