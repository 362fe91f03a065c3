"""``vitaal run --json``: the analysis on standard output, as JSON alone, the same as the
analysis.json it writes to --out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from vitaal.cli.main import cli

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def test_run_json_prints_the_analysis_it_writes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(TINY), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)  # standard output holds the JSON and nothing else
    written = json.loads((out / "analysis.json").read_text(encoding="utf-8"))

    # the key figures
    assert printed["summary"]["counts"] == written["summary"]["counts"]
    assert printed["summary"]["flags"] == written["summary"]["flags"]
    assert printed["summary"]["worst_impact"] == written["summary"]["worst_impact"]
    assert printed["model"] == written["model"]
    assert [s["id"] for s in printed["scenarios"]] == [s["id"] for s in written["scenarios"]]
    assert len(printed["findings"]) == written["summary"]["counts"]["findings"]
    assert len(printed["agenda"]["items"]) == written["summary"]["counts"]["agenda"]
    # and the rest, but for the time it took
    printed.pop("timing_s")
    written.pop("timing_s")
    assert printed == written

    # the tiny model has scenarios and flags, so the figures compared are not empty
    assert printed["scenarios"]
    assert sum(sum(c.values()) for c in printed["summary"]["flags"].values()) > 0
    # the messages went to standard error, and the summary table was not printed
    assert "analysis in" in result.stderr
    assert "Flags per system" not in result.stdout


def test_run_without_json_prints_the_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", str(TINY), "--out", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    # the first screen is the table's decisions; the flags per system are behind --all
    assert "Decisions for the table" in result.stdout
    assert "Flags per system" not in result.stdout
    assert "analysis in" in result.stdout
