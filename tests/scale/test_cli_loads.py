"""``vitaal criticality`` and ``vitaal ensemble`` on a model with loads and couplings: the
model's own loads (as ``vitaal cascade`` runs with them) and common causes, or neither with
``--no-loads --no-couplings``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from tests.scale.conftest import Example
from vitaal.cli.scale_cmd import criticality, ensemble
from vitaal.engine import CauseCode, run_cascade
from vitaal.engine.hazard import initial_failures
from vitaal.method.impact import assess_impact
from vitaal.model import Event, Scenario


def test_criticality_uses_the_models_loads_and_couplings(rotterdam: Example) -> None:
    model, cm, inputs = rotterdam.model, rotterdam.compiled, rotterdam.inputs
    runs = {}
    for flags in ((), ("--no-loads", "--no-couplings")):
        result = CliRunner().invoke(
            criticality,
            [
                str(rotterdam.folder), "--json", "--top", "2", "--horizon", "24",
                "--no-restoration", *flags,
            ],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        runs[flags] = json.loads(result.output)
    on, off = runs[()], runs[("--no-loads", "--no-couplings")]
    assert (on["loads"], on["couplings"], off["loads"], off["couplings"]) == (
        True,
        True,
        False,
        False,
    )
    rows_on = {r["id"]: r for r in on["singles"]}
    rows_off = {r["id"]: r for r in off["singles"]}
    changed = sorted(
        i for i in rows_on if rows_on[i]["person_hours"] != rows_off[i]["person_hours"]
    )
    assert changed
    members = sorted({m for c in model.couplings.values() for m in c.members} & set(rows_on))
    rng = np.random.default_rng(1)
    sample = set(changed[:25]) | set(members[:15]) | set(rng.choice(sorted(rows_on), 20).tolist())
    overload = 0
    for cid in sorted(sample):
        sc = Scenario(id="s", name="s", events=(Event(target=cid),))
        events = initial_failures(model, sc, compiled=cm)
        res = run_cascade(cm, events, 24.0, **inputs)
        overload += bool(np.any(res.cause == CauseCode.OVERLOAD))
        imp = assess_impact(model, cm, res)
        assert rows_on[cid]["class"] == imp.cls
        assert rows_on[cid]["people_affected"] == imp.people_affected
        assert rows_on[cid]["components_failed"] == sum(
            1 for v in res.failed() if v in model.components
        )
        plain = run_cascade(cm, events[:1], 24.0)
        assert rows_off[cid]["components_failed"] == sum(
            1 for v in plain.failed() if v in model.components
        )
    assert overload > 0


def test_ensemble_flags(tmp_path: Path) -> None:
    spec = tmp_path / "ensemble.yaml"
    spec.write_text("n_scenarios: 40\nseed: 3\nhorizon_h: 24\n", encoding="utf-8")
    out = {}
    for flags in ((), ("--no-loads",)):
        result = CliRunner().invoke(
            ensemble, ["example:rotterdam", "--scenarios", str(spec), "--json", *flags]
        )
        assert result.exit_code == 0, result.output
        out[flags] = json.loads(result.output)
    assert out[()]["loads"] is True
    assert out[("--no-loads",)]["loads"] is False
    assert all("common_cause_failures" in d for d in out[()]["drivers"])
