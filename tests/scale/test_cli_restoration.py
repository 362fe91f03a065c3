"""``vitaal criticality`` and ``vitaal ensemble`` include restoration by default: every row is
what the scenario run gives that case (``run_scenario`` for a single failure; the process
with the damage of the sampled failures for a scenario of an ensemble), and the flags of the
top rows are those of ``vitaal cascade`` for that failure."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from tests.scale.conftest import Example
from vitaal.cli.scale_cmd import criticality, ensemble
from vitaal.engine import CauseCode, InitialFailure
from vitaal.engine.capacity import project_capacity
from vitaal.engine.criticality import coupling_index, with_common_causes
from vitaal.engine.ensemble import KINDS, exposure_from_model, sample_scenarios, spec_from_mapping
from vitaal.engine.process import run_process
from vitaal.engine.restoration import damage_of, load_inputs, process_inputs
from vitaal.io.folder import read_model
from vitaal.method.impact import assess_impact
from vitaal.method.scenario_run import run_scenario
from vitaal.model import Event, Scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def test_criticality_rows_are_scenario_runs() -> None:
    result = CliRunner().invoke(criticality, [str(TINY), "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["restoration"] is True
    model = read_model(TINY)
    for row in data["singles"]:
        one = Scenario(id="one", name="one", events=(Event(target=row["id"]),))
        run = run_scenario(model, one, horizon_h=data["horizon_h"])
        failed = run.process.as_cascade().failed()
        assert row["class"] == run.impact.cls
        assert row["people_affected"] == run.impact.people_affected
        assert math.isclose(
            row["person_hours_top_service"], run.impact.criterion("person_hours").value
        )
        assert row["components_failed"] == sum(1 for v in failed if v in model.components)
        if row["rank"] <= 3 and data["loads"]:
            for colour in ("red", "orange"):
                want = [f.system for f in run.flags if f.colour == colour]
                assert row["flags"][colour] == want
    # nothing repaired makes some failure worse, never better, on this model
    plain = CliRunner().invoke(criticality, [str(TINY), "--json", "--no-restoration"])
    rows = {r["id"]: r for r in json.loads(plain.output)["singles"]}
    assert json.loads(plain.output)["restoration"] is False
    assert any(r["person_hours"] < rows[r["id"]]["person_hours"] for r in data["singles"])


def test_ensemble_scenarios_are_the_process(rotterdam: Example, tmp_path: Path) -> None:
    spec_text = "n_scenarios: 30\nseed: 4\nhorizon_h: 48\n"
    spec_file = tmp_path / "ensemble.yaml"
    spec_file.write_text(spec_text, encoding="utf-8")
    result = CliRunner().invoke(
        ensemble, [str(rotterdam.folder), "--scenarios", str(spec_file), "--json", "--top", "8"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["restoration"] is True
    # the same scenarios, each through the process as a scenario run runs it
    model, cm = rotterdam.model, rotterdam.compiled
    spec = spec_from_mapping({"n_scenarios": 30, "seed": 4, "horizon_h": 48})
    sc = sample_scenarios(spec, exposure_from_model(model, cm))
    cases = with_common_causes(
        coupling_index(model, cm), sc.case_ptr, sc.case_node, case_cause=sc.case_cause,
        case_flood=np.repeat(sc.kind == KINDS.index("flood"), np.diff(sc.case_ptr)),
    )  # fmt: skip
    cap = project_capacity(model, None, years=[model.info.base_year], compiled=cm)
    year = cap.cascade_year
    loads = load_inputs(model, cm, cap.load_at(year), cm.capacity, cap.link_load_at(year))
    normal = Scenario(id="normal", name="normal")
    inputs = process_inputs(model, cm, normal, loads=loads)
    assert data["drivers"]
    for row in data["drivers"]:
        s = row["scenario"]
        lo, hi = int(cases.case_ptr[s]), int(cases.case_ptr[s + 1])
        failures = [
            InitialFailure(
                cm.node_ids[int(cases.node[i])], 0.0, CauseCode(int(cases.cause[i])),
                cm.node_ids[int(cases.cnode[i])] if cases.cnode[i] >= 0 else None,
            )
            for i in range(lo, hi)
        ]  # fmt: skip
        damage = damage_of(model, normal, failures)
        res = run_process(cm, damage, 48.0, inputs)
        physical = (CauseCode.HAZARD, CauseCode.COMMON_CAUSE)
        destroyed = {d.target for d in damage if d.cause in physical and not d.repair_h < math.inf}
        imp = assess_impact(
            model, cm, res.as_cascade(), lost_hours=res.service_hours(),
            lost_share=res.share_peak, destroyed=destroyed,
        )  # fmt: skip
        # (hindrance is left out: the figures of the services people are without)
        assert row["people_affected"] == imp.people_affected
        assert math.isclose(row["economic_loss_eur"], imp.economic_loss_eur, rel_tol=1e-12)
        assert math.isclose(
            row["person_hours"], sum(imp.person_hours.values()), rel_tol=1e-12, abs_tol=1e-9
        )
