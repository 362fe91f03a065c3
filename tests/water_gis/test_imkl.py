"""IMKL themes to systems, resources and component kinds; NEN 2767 scores kept; the report."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from vitaal.catalog import data_mapping, load_data
from vitaal.io.imkl import imkl_themes, import_imkl_like
from vitaal.model.validate import validate_model

THEMES = (
    "hoogspanning",
    "landelijkHoogspanningsnet",
    "middenspanning",
    "laagspanning",
    "gasHogeDruk",
    "gasLageDruk",
    "water",
    "rioolVrijverval",
    "rioolOnderOverOfOnderdruk",
    "datatransport",
    "warmte",
    "buisleidingGevaarlijkeInhoud",
)


def _line(i: int) -> shapely.LineString:
    return shapely.LineString([(92000 + 10 * i, 437000), (92000 + 10 * i, 437100)])


def test_every_theme_is_mapped_to_known_kinds_systems_and_units() -> None:
    data = load_data("imkl_themes")
    kinds = set(data_mapping("kinds", "kinds")) | set(data["kinds"])
    themes = imkl_themes()
    assert set(THEMES) <= set(themes)
    for spec in themes.values():
        assert spec["kind"] in kinds
        assert spec["system"] in data["systems"]
        assert spec["resource"] in data["resources"]


def test_layer_to_components(tmp_path: Path) -> None:
    themes = [*THEMES, "wees", "nietBestaand", None]
    gdf = gpd.GeoDataFrame(
        {
            "thema": themes,
            "identificatie": [f"NL.KL1234.{i}" for i in range(len(themes))],
            "conditie": [3, 1, 6, 7, "slecht", None, *[2] * (len(themes) - 6)],
            "beheerder": ["Stedin"] * len(themes),
            "kleur": ["rood"] * len(themes),
        },
        geometry=[_line(i) for i in range(len(themes))],
        crs="EPSG:28992",
    )
    imp = import_imkl_like(gdf, prefix="klic")
    assert len(imp.components) == len(THEMES)
    by_theme = {c.prov.ref: c for c in imp.components.values()}
    mv = by_theme["IMKL theme middenspanning"]
    assert mv.kind == "cable_mv"
    assert mv.id == "klic-middenspanning-NL.KL1234.2"
    assert imp.subsystems[mv.subsystem].system == "electricity"
    assert mv.owner == "Stedin"
    # NEN 2767 scores: kept when 1-6, reported otherwise
    assert by_theme["IMKL theme hoogspanning"].condition == 3
    assert by_theme["IMKL theme landelijkHoogspanningsnet"].condition == 1
    assert mv.condition == 6
    assert by_theme["IMKL theme laagspanning"].condition is None
    assert by_theme["IMKL theme water"].kind == "water_main"
    assert by_theme["IMKL theme rioolVrijverval"].kind == "sewer_main"
    assert by_theme["IMKL theme warmte"].kind == "heat_distribution"
    assert by_theme["IMKL theme datatransport"].kind == "fibre_ring"
    assert by_theme["IMKL theme buisleidingGevaarlijkeInhoud"].kind == "hazardous_pipeline"
    assert imp.kinds == ("hazardous_pipeline",)
    assert imp.resources["natural_gas"].unit == "Nm3/h"
    report = {n.element: n.reason for n in imp.unmapped}
    assert "no NEN 2767 score" in report["row 4"]
    assert "no NEN 2767 score" in report["row 5"]
    n = len(THEMES)
    assert "orphaned" in report[f"row {n + 1}"]
    assert "unknown theme 'nietBestaand'" in report[f"row {n + 2}"]
    assert "unknown theme" in report[f"row {n + 3}"]
    assert report["column kleur"] == "not used by the IMKL mapping"
    model = imp.to_model("klic")
    assert [p for p in validate_model(model) if p.severity == "error"] == []


def test_reads_a_geopackage_layer_and_transforms(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"thema": ["gasLageDruk", "gasLageDruk"], "id": ["a", "a"]},
        geometry=[_line(0), _line(1)],
        crs="EPSG:28992",
    ).to_crs("EPSG:4326")
    path = tmp_path / "klic.gpkg"
    gdf.to_file(path, layer="leidingen", engine="pyogrio")
    imp = import_imkl_like(path, layer="leidingen")
    assert sorted(imp.components) == ["imkl-gasLageDruk-a", "imkl-gasLageDruk-a-2"]
    geom = shapely.from_wkt(imp.components["imkl-gasLageDruk-a"].geometry)
    assert geom.bounds[0] == pytest.approx(92000, abs=0.01)
    assert any("renamed" in n.reason for n in imp.unmapped)


def test_without_theme_column_nothing_is_mapped() -> None:
    gdf = gpd.GeoDataFrame({"x": [1]}, geometry=[_line(0)], crs="EPSG:28992")
    imp = import_imkl_like(gdf)
    assert imp.components == {}
    assert "no 'thema' column" in imp.unmapped[0].reason
