"""Timelines, utilisation by year and the plan check on the hand-made model."""

from __future__ import annotations

import json
from typing import Any

from tests.method.conftest import by_id


def test_timeline(analysis: dict[str, Any]) -> None:
    tl = by_id(analysis["scenarios"])["ss1-fire"]["timeline"]
    # at 0 h ss1 fails (power) and takes the pump (water, buffer 0) and area-a along;
    # hosp and area-b keep power through ss2
    assert tl["times_h"] == [0.0]
    assert tl["systems"] == {
        "power": {"failed_components": [1], "consumers_cut_off": [1]},
        "water": {"failed_components": [1], "consumers_cut_off": [0]},
    }
    assert tl["total"] == {"failed_components": [2], "consumers_cut_off": [1]}


def test_utilisation_by_year(analysis: dict[str, Any]) -> None:
    power = by_id(analysis["systems"])["power"]
    u = power["utilisation"]["2035"]
    # 2035: gs 11 / 10 = 1.1, ss1 6.5 / 5 = 1.3, ss2 1.5 / 5 = 0.3
    assert u == {"n": 3, "above_80": 0.666667, "above_100": 0.666667, "max": 1.3, "median": 1.1}
    assert power["utilisation_by_scenario"]["baseline"]["2035"]["max"] == 0.8
    assert power["flags"] == {"growth": "orange", "ss1-fire": "orange"}


def test_plan_check(analysis: dict[str, Any]) -> None:
    p = by_id(analysis["plans"])["plan-school"]
    # the school alone: ss1 4 + 1.5 = 5.5 MW in 2030 (exhausted, decide by 2028); on its
    # supply chain gs reaches end of life in 2029 (decide by 2025): first, and overdue
    assert [(i["id"], i["decide_by"], i["status"]) for i in p["agenda"]] == [
        ("replacement:gs", 2025, "overdue"),
        ("shortfall:ss1|electricity", 2028, "upcoming"),
    ]
    assert p["growth"]["scenario"] == "plan:plan-school"
    assert p["last_year"] == 2030
    assert [s["scenario"] for s in p["shocks"]] == ["ss1-fire"]
    assert [c["component"] for c in p["conflicts"]] == ["ss1"]
    assert [(c["component"], c["granted"]) for c in p["claims"]] == [("ss1", 0.0), ("gs", 1.0)]
    assert "fitting_conflict:plan-school" in p["findings"]


def test_json_able(analysis: dict[str, Any]) -> None:
    text = json.dumps(analysis, allow_nan=False)
    assert json.loads(text)["schema"] == "vitaal.analysis/1"
