"""``vitaal check`` and ``vitaal run`` through click's runner, on tests/data/tiny."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pytest
from click.testing import CliRunner

from vitaal.cli.method_cmd import check, run

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
CLI = click.Group(commands={"check": check, "run": run})


def test_check_json() -> None:
    res = CliRunner().invoke(CLI, ["check", str(TINY), "--plan", "plan-harbour", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    p = data["plan"]
    # result open, custom: REIS; run as a project by default: comply or explain
    assert (p["class"], p["run_as"], p["comply_or_explain"]) == ("reis", "rit", True)
    assert {f["system"] for f in p["growth"]["flags"]} == {"electricity", "water", "telecom"}
    assert [s["scenario"] for s in p["shocks"]] == ["flood"]


def test_check_text_and_unknown_plan() -> None:
    res = CliRunner().invoke(CLI, ["check", str(TINY), "--plan", "plan-harbour", "--lang", "nl"])
    assert res.exit_code == 0, res.output
    assert "pas toe of leg uit" in res.output
    res = CliRunner().invoke(CLI, ["check", str(TINY), "--plan", "nope"])
    assert res.exit_code == 1
    assert "no plan 'nope'" in res.output


def test_run_writes_analysis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "vitaal.report", None)  # no report module: JSON only
    res = CliRunner().invoke(CLI, ["run", str(TINY), "--out", str(tmp_path), "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in data["subsystems"]} == {"el-grid", "dw-supply", "tel-scada"}
    # the first screen is the decisions; flags and findings are one flag (--all) away
    assert "Decisions for the table" in res.output
    assert data["decisions"]["items"][0]["title"]["en"][:30] in res.output
    assert "Flags per system" not in res.output
    res = CliRunner().invoke(
        CLI, ["run", str(TINY), "--out", str(tmp_path), "--lang", "nl", "--all"]
    )
    assert res.exit_code == 0, res.output
    assert "Besluiten voor de tafel" in res.output
    # everything behind the first screen in the same language, headings too
    assert "Vlaggen per systeem" in res.output
    assert "Belangrijkste bevindingen" in res.output
    assert "De agenda van de tafel (1)" in res.output
    assert "Flags per system" not in res.output
    assert "Top findings" not in res.output
    res = CliRunner().invoke(CLI, ["run", str(TINY), "--out", str(tmp_path), "--all"])
    assert res.exit_code == 0, res.output
    assert "Flags per system" in res.output
    assert "Top findings" in res.output
    assert "The table's agenda (1)" in res.output
    assert "Vlaggen per systeem" not in res.output


def test_run_calls_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    given_nodes: dict[str, Any] = {}

    def write_report(
        analysis: dict[str, Any],
        model: Any,
        out_dir: Path,
        *,
        lang: str,
        pdf: bool,
        model_root: Path | None = None,
        nodes: dict[str, Any] | None = None,
        comparison: Any = None,
    ) -> Path:
        seen.update(lang=lang, pdf=pdf, schema=analysis["schema"], out=out_dir)
        seen.update(comparison=comparison)
        given_nodes.update(nodes or {})
        return out_dir / "report.html"

    fake = ModuleType("vitaal.report")
    fake.write_report = write_report  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vitaal.report", fake)
    res = CliRunner().invoke(CLI, ["run", str(TINY), "--out", str(tmp_path), "--pdf"])
    assert res.exit_code == 0, res.output
    assert seen == {
        "lang": "en",
        "pdf": True,
        "schema": "vitaal.analysis/1",
        "out": tmp_path,
        "comparison": None,
    }
    # the report gets the analysis's own scenario runs: the flood's failed nodes, no re-run
    assert set(given_nodes) == {"flood"}
    assert given_nodes["flood"]["ss-2"]["cause"]["code"] == "event"
