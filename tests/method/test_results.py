"""The typed records of the analysis (``vitaal.method.results``) on the hand-made model,
against its JSON and against loads worked out by hand (handmade.py, test_agenda.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from vitaal.method.analysis import Analysis, run_analysis
from vitaal.method.results import Results
from vitaal.model import Model


@pytest.fixture(scope="module")
def full(model: Model) -> Analysis:
    return run_analysis(model)


@pytest.fixture(scope="module")
def results(full: Analysis) -> Results:
    return Results.from_analysis(full)


def test_records_match_the_json(results: Results, full: Analysis) -> None:
    data = full.as_dict()
    assert [d.id for d in results.decisions] == [d["id"] for d in data["decisions"]["items"]]
    assert [d.rank for d in results.decisions] == [d["rank"] for d in data["decisions"]["items"]]
    assert [it.id for it in results.agenda] == [it["id"] for it in data["agenda"]["items"]]
    assert [it.id for it in results.routine] == [it["id"] for it in data["agenda"]["routine_items"]]
    assert [f.id for f in results.findings] == [f["id"] for f in data["findings"]]
    assert [s.id for s in results.scenarios] == ["growth", "ss1-fire"]
    fire = results.scenario("ss1-fire")
    assert fire is not None
    assert fire.impact.cls == data["scenarios"][1]["impact"]["class"]
    assert {f.system: f.colour for f in fire.flags} == {
        f["system"]: f["colour"] for f in data["scenarios"][1]["flags"]
    }
    first = results.agenda[0]
    assert (first.id, first.need_year, first.decide_by, first.status, first.owner) == (
        "replacement:gs",
        2029,
        2025,
        "overdue",
        "GridCo",
    )
    assert first.text.in_("nl") == data["agenda"]["items"][0]["text"]["nl"]
    # the same records from the JSON read back
    again = Results.from_dict(json.loads(json.dumps(data)))
    assert again.decisions == results.decisions
    assert again.scenarios == results.scenarios
    assert again.capacity == ()
    assert again.failed == ()


def test_capacity_by_hand(results: Results) -> None:
    rows = {(c.component, c.resource): c for c in results.capacity}
    assert set(rows) == {
        ("gs", "electricity"),
        ("ss1", "electricity"),
        ("ss2", "electricity"),
        ("scada1", "control"),
    }
    ss1 = rows[("ss1", "electricity")]
    y = {year: j for j, year in enumerate(ss1.years)}
    assert ss1.years[0] == 2026
    assert ss1.capacity == 5.0
    # baseline: 4 MW measured, held constant; growth: + 1.5 (2030) + 1 (2032)
    assert ss1.load[y[2035]] == pytest.approx(4.0)
    assert ss1.utilisation["baseline"][y[2035]] == pytest.approx(0.8)
    assert ss1.worst[y[2029]] == pytest.approx(0.8)
    assert ss1.worst[y[2030]] == pytest.approx(1.1)
    assert ss1.worst[y[2035]] == pytest.approx(1.3)
    assert ss1.worst_projection[y[2035]] == "growth"
    assert (ss1.exhausted_year, ss1.exhausted_by, ss1.lead_time_y, ss1.decide_by) == (
        2030,
        "growth",
        2.0,
        2028,
    )
    assert ss1.peak == (pytest.approx(1.3), 2032)
    gs = rows[("gs", "electricity")]
    assert (gs.exhausted_year, gs.decide_by, gs.owner, gs.system) == (2032, 2028, "GridCo", "power")
    assert rows[("ss2", "electricity")].exhausted_year is None


def test_failed_nodes_by_hand(results: Results) -> None:
    # ss1 burns at 0 h; the pump (power from ss1, buffer 0) and area-a (only ss1) go with it;
    # the hospital and area-b move to ss2
    fire = [n for n in results.failed if n.scenario == "ss1-fire"]
    got = {n.id: (n.kind, n.fail_time_h, n.order, n.cause, n.system) for n in fire}
    assert got == {
        "ss1": ("component", 0.0, 1, "event", "power"),
        "pump": ("component", 0.0, 2, "supplier", "water"),
        "area-a": ("area", 0.0, 2, "path", None),
    }
    ss1 = next(n for n in fire if n.id == "ss1")
    assert ss1.geometry == "POINT (1000 0)"
    assert ss1.name == "Substation 1"
    # repaired after 8 h and restarted in 0.5 h (restoration.yaml, substation)
    assert ss1.back_h == pytest.approx(8.5)
    pump = next(n for n in fire if n.id == "pump")
    assert (pump.cause_node, pump.via, pump.resource) == ("ss1", "ss1", "electricity")


def test_timeline_steps(results: Results, analysis: dict[str, Any]) -> None:
    fire = results.scenario("ss1-fire")
    assert fire is not None
    steps = {
        (t.system, t.time_h): (t.failed_components, t.consumers_cut_off) for t in fire.timeline
    }
    # test_timeline_plans.py: at 0 h power 1 failed and 1 cut off, water 1 failed, total 2 / 1
    assert steps == {(None, 0.0): (2, 1), ("power", 0.0): (1, 1), ("water", 0.0): (1, 0)}
