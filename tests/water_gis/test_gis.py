"""GeoPackage and GeoJSON: written by vitaal, read back, the same model; opens with GDAL."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner

from vitaal.errors import ModelError
from vitaal.io import read_model, write_model
from vitaal.io.epanet import import_epanet
from vitaal.io.gis import read_gis, write_gis
from vitaal.model.model import Model

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
ROTTERDAM = ROOT / "examples" / "rotterdam"


@pytest.fixture(scope="module")
def tiny() -> Model:
    return read_model(TINY)


@pytest.fixture(scope="module")
def rotterdam() -> Model:
    return read_model(ROTTERDAM)


def _target(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / ("model.gpkg" if fmt == "gpkg" else "model_geojson")


@pytest.mark.parametrize("crs", ["EPSG:28992", "EPSG:4326"])
@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_tiny_round_trip(tiny: Model, tmp_path: Path, crs: str, fmt: str) -> None:
    path = write_gis(tiny, _target(tmp_path, fmt), crs=crs)
    assert read_gis(path) == tiny


@pytest.mark.parametrize("crs", ["EPSG:28992", "EPSG:4326"])
@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_rotterdam_round_trip(rotterdam: Model, tmp_path: Path, crs: str, fmt: str) -> None:
    path = write_gis(rotterdam, _target(tmp_path, fmt), crs=crs)
    back = read_gis(path)
    assert back == rotterdam
    assert back.size() == rotterdam.size()


def test_layers_names_and_crs(tiny: Model, tmp_path: Path) -> None:
    path = write_gis(tiny, tmp_path / "m.gpkg", crs="EPSG:4326")
    layers = dict(pyogrio.list_layers(path).tolist())
    systems = {tiny.system_of(c) or "other" for c in tiny.components}
    for system in systems:
        assert f"components_{system}" in layers
    assert layers["supply_links"] == "LineString"
    assert "service_areas" in layers
    assert "critical_functions" in layers
    info = pyogrio.read_info(path, layer="supply_links")
    assert info["crs"] == "EPSG:4326"
    x0, y0, x1, y1 = pyogrio.read_bounds(path, layer="service_areas")[1].T[0]
    assert 3.0 < x0 <= x1 < 7.5
    assert 50.5 < y0 <= y1 < 54.0
    frame = pyogrio.read_dataframe(path, layer=next(n for n in layers if n.startswith("comp")))
    assert {"id", "subsystem", "kind", "geometry_wkt"} <= set(frame.columns)


def test_styles_for_qgis(tiny: Model, tmp_path: Path) -> None:
    path = write_gis(tiny, tmp_path / "m.gpkg")
    layers = {n for n, _ in pyogrio.list_layers(path).tolist()}
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT f_table_name, styleQML, useAsDefault FROM layer_styles"
        ).fetchall()
        registered = con.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
    finally:
        con.close()
    assert registered == ("attributes",)
    styled = {name for name, _, _ in rows}
    assert styled == layers - {"layer_styles", "vitaal_model"}
    for name, qml, default in rows:
        assert default == 1
        root = ET.fromstring(qml.split("\n", 1)[1])
        renderer = root.find("renderer-v2")
        assert renderer is not None
        assert renderer.get("type") == "categorizedSymbol"
        frame = pyogrio.read_dataframe(path, layer=name)
        attr = renderer.get("attr")
        values = {c.get("value") for c in renderer.iter("category")}
        assert values == set(frame[attr].dropna())
    folder = write_gis(tiny, tmp_path / "geojson")
    for layer in folder.glob("*.geojson"):
        assert (folder / f"{layer.stem}.qml").is_file()


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
def test_ogrinfo_lists_the_layers(tiny: Model, tmp_path: Path) -> None:
    path = write_gis(tiny, tmp_path / "m.gpkg")
    run = subprocess.run(
        ["ogrinfo", "-ro", "-q", str(path)], capture_output=True, text=True, check=True
    )
    for name, _ in pyogrio.list_layers(path).tolist():
        assert f": {name} (" in run.stdout
    assert "Warning" not in run.stderr
    folder = write_gis(tiny, tmp_path / "geojson", crs="EPSG:4326")
    for layer in folder.glob("*.geojson"):
        run = subprocess.run(
            ["ogrinfo", "-ro", "-so", str(layer), layer.stem],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "Feature Count" in run.stdout


def test_moved_geometry_is_read_from_the_layer(tiny: Model, tmp_path: Path) -> None:
    folder = write_gis(tiny, tmp_path / "geojson")
    path = folder / "service_areas.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    feature = next(f for f in doc["features"] if f["geometry"]["type"] == "Point")
    x, y = feature["geometry"]["coordinates"][:2]
    feature["geometry"]["coordinates"] = [x + 10.0, y]
    path.write_text(json.dumps(doc), encoding="utf-8")
    back = read_gis(folder)
    area = back.areas[feature["properties"]["id"]]
    assert area.geometry == f"POINT ({x + 10.0:g} {y:g})"
    assert back != tiny


def test_local_crs_of_an_epanet_import(tmp_path: Path) -> None:
    model = import_epanet("wntr:Net3", prefix="net3").model
    path = write_gis(model, tmp_path / "net3.gpkg")
    assert read_gis(path) == model
    assert pyogrio.read_info(path, layer="components_drinking_water")["crs"] is None


def test_refuses_what_it_cannot_do(tiny: Model, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="several layers"):
        write_gis(tiny, tmp_path / "m.geojson")
    path = write_gis(tiny, tmp_path / "m.gpkg")
    with pytest.raises(FileExistsError):
        write_gis(tiny, path)
    write_gis(tiny, path, overwrite=True, crs="EPSG:4326")
    assert read_gis(path) == tiny
    other = tmp_path / "other.gpkg"
    import geopandas as gpd
    import shapely

    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:28992").to_file(
        other, engine="pyogrio"
    )
    with pytest.raises(ModelError):
        read_gis(other)
    with pytest.raises(ModelError):
        read_gis(tmp_path / "missing")


def test_commands(tmp_path: Path) -> None:
    from vitaal.cli.water_gis_cmd import gis_export, gis_import

    runner = CliRunner()
    gpkg = tmp_path / "tiny.gpkg"
    result = runner.invoke(gis_export, [str(TINY), str(gpkg), "--crs", "EPSG:4326"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(gis_import, [str(gpkg), str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    assert read_model(tmp_path / "back") == read_model(TINY)
    result = runner.invoke(gis_export, [str(TINY), str(gpkg)])
    assert result.exit_code == 1
    # a folder written from the round trip is the model folder again
    write_model(read_gis(gpkg), tmp_path / "again")
    assert read_model(tmp_path / "again") == read_model(TINY)
