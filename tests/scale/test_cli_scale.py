"""``vitaal criticality`` and ``vitaal ensemble`` through their click commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from vitaal.cli.scale_cmd import criticality, ensemble
from vitaal.engine import InitialFailure, compile_model, run_cascade
from vitaal.io.folder import read_model
from vitaal.method.flags import check_cascade
from vitaal.method.impact import assess_impact

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
SPEC = "n_scenarios: 60\nseed: 2\nhorizon_h: 24\nhazards: {flood: {}, heat: {}, random: {}}\n"


def test_criticality_json_on_a_model_folder() -> None:
    result = CliRunner().invoke(
        criticality, [str(TINY), "--json", "--top", "3", "--pairs", "3", "--no-restoration"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    model = read_model(TINY)
    cm = compile_model(model)
    assert len(data["singles"]) == len(model.components)
    assert len(data["pairs"]) == 3
    for row in data["singles"]:
        res = run_cascade(cm, [InitialFailure(row["id"], 0.0)], data["horizon_h"])
        imp = assess_impact(model, cm, res)
        assert row["class"] == imp.cls
        assert row["people_affected"] == imp.people_affected
        assert row["components_failed"] == sum(1 for v in res.failed() if v in model.components)
        if row["rank"] <= 3:
            flags = check_cascade(model, cm, res, origin_system=model.system_of(row["id"]))
            assert row["flags"]["red"] == [f.system for f in flags if f.colour == "red"]
        else:
            assert "flags" not in row
    classes = [row["class"] for row in data["singles"]]
    assert classes == sorted(classes, reverse=True)


def test_criticality_table_on_a_synthetic_city() -> None:
    result = CliRunner().invoke(criticality, ["synthetic:400:3", "--top", "4", "--threads", "2"])
    assert result.exit_code == 0, result.output
    assert "400 single failures within 72 h" in result.output
    assert "Most critical single failures" in result.output


def test_ensemble_json(tmp_path: Path) -> None:
    spec = tmp_path / "ensemble.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    result = CliRunner().invoke(
        ensemble, ["synthetic:600:1", "--scenarios", str(spec), "--json", "--top", "4"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n_scenarios"] == 60
    assert data["horizon_h"] == 24.0
    assert len(data["drivers"]) == 4
    rates = [c["annual_failure_rate"] for c in data["components"]]
    assert rates == sorted(rates, reverse=True)
    total = data["expected_annual"]["person_hours"]
    shares = [d["contribution_person_hours"] for d in data["drivers"]]
    assert shares == sorted(shares, reverse=True)
    assert sum(shares) <= total * (1 + 1e-12)
    probs = np.asarray([c["annual_failure_probability"] for c in data["components"]])
    assert np.all((probs >= 0) & (probs < 1))
    # -n and --seed override the file
    again = CliRunner().invoke(
        ensemble, ["synthetic:600:1", "--scenarios", str(spec), "--json", "-n", "10"]
    )
    assert json.loads(again.output)["n_scenarios"] == 10


def test_ensemble_table_on_a_model_folder(tmp_path: Path) -> None:
    spec = tmp_path / "ensemble.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    result = CliRunner().invoke(ensemble, [str(TINY), "--scenarios", str(spec)])
    assert result.exit_code == 0, result.output
    assert "60 scenarios (seed 2)" in result.output


def test_errors_are_messages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("hazards: {quake: {}}\n", encoding="utf-8")
    result = CliRunner().invoke(ensemble, [str(TINY), "--scenarios", str(bad)])
    assert result.exit_code == 1
    assert "must map some of" in result.output
    result = CliRunner().invoke(criticality, ["synthetic:x"])
    assert result.exit_code == 1
    assert "synthetic:N[:SEED]" in result.output
    result = CliRunner().invoke(
        criticality, [str(TINY), "--scheduler", "tcp://x:1", "--workers", "1"]
    )
    assert result.exit_code == 1
    assert "not both" in result.output
