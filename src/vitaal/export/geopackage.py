"""Scenario results as a GeoPackage for QGIS: every node that fails in a scenario, with when,
in which order and why, on the map.

Layers (one per geometry family, since a GeoPackage layer holds one):

=====================  ===================================================================
``failures``           failed components, service areas and critical functions drawn as
                       points, and those without geometry
``failures_lines``     those drawn as lines (cables, mains, roads)
``failures_polygons``  those drawn as polygons (service areas, sites)
``scenarios``          one row per scenario: impact class and figures (no geometry; join on
                       ``scenario``)
=====================  ===================================================================

``failures`` is always written (empty when nothing fails); the others only when they have
rows. The columns are those of the ``failures`` sheet
(``docs/exports.md``); the geometry is the node's own, in the model's coordinate system (a
model in a local or unknown one is written without a CRS). Filter on ``scenario`` in QGIS to
see one scenario; ``fail_time_h`` drives a time-based style or the temporal controller.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from vitaal.export.tables import Sheet, failure_columns
from vitaal.method.results import FailedNode, Results

__all__ = ["FAILURE_LAYERS", "write_geopackage"]

#: Layer name per geometry family (points, and nodes without geometry, in the first).
FAILURE_LAYERS: dict[str, str] = {
    "points": "failures",
    "lines": "failures_lines",
    "polygons": "failures_polygons",
}
_FAMILY = {
    "Point": "points",
    "MultiPoint": "points",
    "LineString": "lines",
    "MultiLineString": "lines",
    "Polygon": "polygons",
    "MultiPolygon": "polygons",
}


#: Column types of the layers (nullable, so that a missing value is NULL); the rest is text.
_DTYPES = {"fail_time_h": "Float64", "back_h": "Float64", "order": "Int64"}


def _crs(text: str | None) -> CRS | None:
    if not text:
        return None
    try:
        crs = CRS.from_user_input(text)
    except CRSError:
        return None
    return None if crs.is_engineering else crs


def _family(node: FailedNode) -> tuple[str, Any]:
    if node.geometry is None:
        return "points", None
    geom = shapely.from_wkt(node.geometry)
    return _FAMILY.get(geom.geom_type, "points"), geom


def write_geopackage(
    results: Results, path: str | os.PathLike[str], scenarios: Sheet | None = None
) -> Path:
    """Write the failed nodes of ``results`` (and, when given, the ``scenarios`` sheet as an
    attribute table) as a GeoPackage at ``path``; written beside it, then moved into place.
    Returns the path."""
    import geopandas as gpd
    import pandas as pd

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    crs = _crs(results.crs)
    cols = failure_columns()
    groups: dict[str, list[tuple[FailedNode, Any]]] = {f: [] for f in FAILURE_LAYERS}
    for node in results.failed:
        fam, geom = _family(node)
        groups[fam].append((node, geom))
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        out = tmp_dir / target.name
        written = False
        for fam, rows in groups.items():
            if not rows and fam != "points":
                continue
            data = {
                name: pd.array([g(n) for n, _ in rows], dtype=_DTYPES.get(name, "string"))
                for name, g in cols
            }
            frame = gpd.GeoDataFrame(data, geometry=[geom for _, geom in rows], crs=crs)
            _write(frame, out, FAILURE_LAYERS[fam], first=not written)
            written = True
        if scenarios is not None:
            table = pd.DataFrame(scenarios.rows, columns=list(scenarios.columns))
            _write(table, out, "scenarios", first=not written)
        if target.exists():
            target.unlink()
        out.rename(target)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return target


def _write(frame: Any, path: Path, layer: str, *, first: bool) -> None:
    import pyogrio

    # GeoPackage 1.2 opens with older GDAL and QGIS releases too
    options: dict[str, Any] = {"dataset_options": {"VERSION": "1.2"}} if first else {}
    with warnings.catch_warnings():
        # a model without a CRS is written without one: saying so is the point, not a slip
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", **options)
