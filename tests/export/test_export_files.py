"""The exports opened as people open them: the workbook with openpyxl, the CSV files with the
csv module, the GeoPackage with GDAL's ogrinfo; each checked against the analysis' JSON."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.cli_helpers import run as vitaal
from tests.method import handmade
from vitaal.export import GEOPACKAGE, SHEETS, WORKBOOK, write_exports
from vitaal.method.analysis import Analysis, run_analysis
from vitaal.method.results import Results

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return run_analysis(handmade.build())


@pytest.fixture(scope="module")
def folder(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    write_exports(Results.from_analysis(analysis), out, formats=("csv", "xlsx"), lang="en")
    return out


def _sheet(folder: Path, name: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(folder / WORKBOOK)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_one_sheet_per_table_with_filter_frozen_header_and_widths(folder: Path) -> None:
    wb = openpyxl.load_workbook(folder / WORKBOOK)
    assert wb.sheetnames == list(SHEETS)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
        header = next(ws.iter_rows(min_row=1, max_row=1))
        assert all(c.font.b for c in header), ws.title
        for c in header:
            assert ws.column_dimensions[c.column_letter].width >= len(str(c.value)), c.value


def test_decisions_agenda_findings_match_the_json(folder: Path, analysis: Analysis) -> None:
    data = analysis.as_dict()
    decisions = _sheet(folder, "decisions")
    assert [(r["rank"], r["id"], r["title"], r["consequence"], r["people"]) for r in decisions] == [
        (d["rank"], d["id"], d["title"]["en"], d["consequence"], d["people"])
        for d in data["decisions"]["items"]
    ]
    assert decisions[0]["owners"] == "; ".join(data["decisions"]["items"][0]["owners"])
    agenda = _sheet(folder, "agenda")
    assert [
        (r["position"], r["id"], r["need_year"], r["decide_by"], r["status"], r["text"])
        for r in agenda
    ] == [
        (i, it["id"], it["need_year"], it["decide_by"], it["status"], it["text"]["en"])
        for i, it in enumerate(data["agenda"]["items"], 1)
    ]
    findings = _sheet(folder, "findings")
    assert [(r["id"], r["severity"], r["text"]) for r in findings] == [
        (f["id"], f["severity"], f["text"]["en"]) for f in data["findings"]
    ]
    scenarios = _sheet(folder, "scenarios")
    assert [(r["scenario"], r["impact_class"], r["people_affected"]) for r in scenarios] == [
        (s["id"], s["impact"]["class"], s["impact"]["people_affected"]) for s in data["scenarios"]
    ]


def test_capacity_per_component_per_year(folder: Path) -> None:
    rows = {(r["component"], r["resource"]): r for r in _sheet(folder, "capacity")}
    ss1 = rows[("ss1", "electricity")]
    # handmade.py: 4 MW of 5 to 2029, + 1.5 MW (school) in 2030, + 1 MW (battery) in 2032
    assert ss1["utilisation_2026"] == pytest.approx(0.8)
    assert ss1["utilisation_2030"] == pytest.approx(1.1)
    assert ss1["utilisation_2032"] == pytest.approx(1.3)
    assert (ss1["exhausted_year"], ss1["exhausted_by"], ss1["decide_by"]) == (2030, "growth", 2028)
    assert (ss1["capacity"], ss1["load_2026"], ss1["unit"]) == (5, 4, "MW")
    ws = openpyxl.load_workbook(folder / WORKBOOK)["capacity"]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("utilisation_2030") + 1).number_format == "0.0%"


def test_timeline_and_failures_match_the_run(folder: Path, analysis: Analysis) -> None:
    data = analysis.as_dict()
    tl = next(s for s in data["scenarios"] if s["id"] == "ss1-fire")["timeline"]
    rows = [r for r in _sheet(folder, "timeline") if r["scenario"] == "ss1-fire"]
    total = [r for r in rows if r["system"] is None]
    assert [(r["time_h"], r["failed_components"], r["consumers_cut_off"]) for r in total] == [
        (t, f, c)
        for t, f, c in zip(
            tl["times_h"], tl["total"]["failed_components"], tl["total"]["consumers_cut_off"],
            strict=True,
        )
    ]  # fmt: skip
    nodes = analysis.failed_nodes()["ss1-fire"]
    failures = [r for r in _sheet(folder, "failures") if r["scenario"] == "ss1-fire"]
    assert {r["id"]: (r["fail_time_h"], r["order"], r["cause"]) for r in failures} == {
        n["id"]: (n["fail_time_h"], n["order"], n["cause"]["code"]) for n in nodes.values()
    }


def test_csv_files_hold_what_the_workbook_holds(folder: Path) -> None:
    wb = openpyxl.load_workbook(folder / WORKBOOK)
    for name in SHEETS:
        raw = (folder / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # UTF-8 with a BOM, for Excel
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        sheet = [["" if v is None else v for v in r] for r in wb[name].iter_rows(values_only=True)]
        assert len(rows) == len(sheet), name
        for got, want in zip(rows, sheet, strict=True):
            assert len(got) == len(want)
            for g, w in zip(got, want, strict=True):
                if isinstance(w, bool):
                    assert g == ("true" if w else "false")
                elif isinstance(w, int | float):
                    assert float(g) == pytest.approx(w)
                else:
                    assert g == w


def test_model_text_cannot_run_as_a_formula(tmp_path: Path) -> None:
    """A name that a spreadsheet would run (=HYPERLINK, @SUM, +cmd) is text in both files:
    quoted in the CSV, a text cell (never a formula) in the workbook."""
    model = handmade.build()
    evil = '=HYPERLINK("http://evil.example","open")'
    comps = dict(model.components)
    comps["gs"] = dataclasses.replace(comps["gs"], name=evil, owner="@SUM(1+1)\x07")
    model = dataclasses.replace(model, components=comps)
    write_exports(Results.from_analysis(run_analysis(model)), tmp_path, formats=("csv", "xlsx"))
    with (tmp_path / "agenda.csv").open(encoding="utf-8-sig", newline="") as fh:
        agenda = list(csv.DictReader(fh))
    gs = next(r for r in agenda if r["component"] == "gs")
    assert gs["name"] == "'" + evil
    assert gs["owner"].startswith("'@SUM")
    assert all(not v.startswith(("=", "+", "@")) for r in agenda for v in r.values())
    ws = openpyxl.load_workbook(tmp_path / WORKBOOK)["agenda"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("component")].value == "gs")
    cell = row[header.index("name")]
    assert (cell.value, cell.data_type) == (evil, "s")
    assert row[header.index("owner")].value == "@SUM(1+1)\\x07"
    with zipfile.ZipFile(tmp_path / WORKBOOK) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml
    assert "<f " not in xml


# -- the GeoPackage, through GDAL ----------------------------------------------------------
_FIELD = re.compile(r"^  (\w+) \((\w+)\) = (.*)$")


def _ogr_features(path: Path, layer: str) -> list[dict[str, Any]]:
    """The features of ``layer`` as ogrinfo lists them: fields (``None`` for null) and the
    geometry as WKT under ``geometry``."""
    text = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", str(path), layer],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    feats: list[dict[str, Any]] = []
    for line in text.splitlines():
        if line.startswith("OGRFeature("):
            feats.append({})
        elif feats and (m := _FIELD.match(line)):
            name, kind, value = m.groups()
            if value == "(null)":
                feats[-1][name] = None
            elif kind == "Real":
                feats[-1][name] = float(value)
            elif kind.startswith("Integer"):
                feats[-1][name] = int(value)
            else:
                feats[-1][name] = value
        elif feats and line.startswith("  ") and line.strip():
            feats[-1]["geometry"] = line.strip()
    return feats


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
def test_geopackage_layer_matches_the_cascade_json(tmp_path: Path) -> None:
    res = vitaal("export-results", str(TINY), "--out", str(tmp_path), "--format", "gpkg")
    assert res.exit_code == 0, res.output
    gpkg = tmp_path / GEOPACKAGE
    listing = subprocess.run(
        ["ogrinfo", "-ro", "-q", str(gpkg)], capture_output=True, text=True, check=True
    ).stdout
    assert "failures (Point)" in listing
    assert "scenarios" in listing
    res = vitaal("cascade", str(TINY), "--scenario", "flood", "--json", "--failed-only")
    assert res.exit_code == 0, res.output
    nodes = {n["id"]: n for n in json.loads(res.output)["nodes"]}
    feats = [f for f in _ogr_features(gpkg, "failures") if f["scenario"] == "flood"]
    lines = [
        f
        for f in (_ogr_features(gpkg, "failures_lines") if "failures_lines" in listing else [])
        if f["scenario"] == "flood"
    ]
    got = {f["id"]: f for f in feats + lines}
    assert set(got) == set(nodes)
    for nid, n in nodes.items():
        f = got[nid]
        cause = n["cause"]
        assert (f["fail_time_h"], f["order"], f["back_h"]) == (
            n["fail_time_h"],
            n["order"],
            n["back_h"],
        ), nid
        assert (f["cause"], f["cause_node"], f["via"], f["resource"]) == (
            cause["code"],
            cause["node"],
            cause["via"],
            cause["resource"],
        ), nid
        assert f["kind"] == n["kind"]
        assert f["system"] == n["system"]
    # the substation the flood takes out is drawn where the model puts it (grid.csv)
    assert got["ss-2"]["geometry"] == "POINT (93000 437200)"
    [scen] = _ogr_features(gpkg, "scenarios")
    impact = json.loads(vitaal("cascade", str(TINY), "--scenario", "flood", "--json").output)[
        "impact"
    ]
    assert (scen["impact_class"], scen["people_affected"]) == (
        impact["class"],
        impact["people_affected"],
    )
