"""``vitaal export-results`` through the entry point on tests/data/tiny."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
from tests.cli_helpers import run


def test_csv_and_workbook_in_dutch_with_semicolons(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    res = run(
        "export-results", str(tiny), "--out", str(out), "--format", "csv", "--format", "xlsx",
        "--lang", "nl", "--delimiter", ";",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (out / "results.xlsx").is_file()
    assert not (out / "scenarios.gpkg").exists()
    # vitaal run writes the same files beside the report with --export
    res = run("run", str(tiny), "--out", str(tmp_path / "run"), "--json", "--export", "gpkg")
    assert res.exit_code == 0
    assert (tmp_path / "run" / "exports" / "scenarios.gpkg").is_file()
    assert not (tmp_path / "run" / "exports" / "decisions.csv").exists()
    data = json.loads((tmp_path / "run" / "analysis.json").read_text(encoding="utf-8"))
    with (out / "decisions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert [(r["id"], r["title"]) for r in rows] == [
        (d["id"], d["title"]["nl"]) for d in data["decisions"]["items"]
    ]
    ws = openpyxl.load_workbook(out / "results.xlsx")["routine"]
    header = [c.value for c in ws[1]]
    assert header[0] == "owner"
    ids = [r[header.index("id")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert ids == [it["id"] for it in data["agenda"]["routine_items"]]


def test_bad_format(tiny: Path, tmp_path: Path) -> None:
    res = run("export-results", str(tiny), "--out", str(tmp_path), "--format", "pdf")
    assert res.exit_code == 2
    assert "pdf" in res.output
