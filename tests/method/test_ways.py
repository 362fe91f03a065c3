"""Levels, ways of working and the classes of plans."""

from __future__ import annotations

from typing import Any

from tests.method.conftest import by_id
from vitaal.method.findings import level_for
from vitaal.method.ways import classify_plan, way_for_level
from vitaal.model import Level, Plan, WayOfWorking


def test_way_for_level() -> None:
    assert way_for_level(Level.OPERATIONAL) is WayOfWorking.ROUTINE
    assert way_for_level(Level.TACTICAL) is WayOfWorking.ROUTE
    assert way_for_level(Level.STRATEGIC) is WayOfWorking.REIS


def test_level_for() -> None:
    assert level_for(1) is Level.OPERATIONAL
    assert level_for(2) is Level.TACTICAL
    assert level_for(1, cross_system=True) is Level.TACTICAL
    assert level_for(1, logic=True) is Level.STRATEGIC


def test_plan_classes_all_four_and_comply(analysis: dict[str, Any]) -> None:
    plans = by_id(analysis["plans"])
    # school: known + custom = RIT, run as RIT (default): result known, so no comply or explain
    # battery: open + custom = REIS, but run as RIT (default): comply or explain
    # lights: known + repetitive = ROUTINE, run as ROUTINE; heat: open + repetitive = ROUTE
    got = {p: (d["class"], d["run_as"], d["comply_or_explain"]) for p, d in plans.items()}
    assert got == {
        "plan-school": ("rit", "rit", False),
        "plan-battery": ("reis", "rit", True),
        "plan-lights": ("routine", "routine", False),
        "plan-heat": ("route", "route", False),
    }
    text = plans["plan-battery"]["comply_text"]
    assert "comply or explain" in text["en"]
    assert "pas toe of leg uit" in text["nl"]
    f = by_id(analysis["findings"])["comply_or_explain:plan-battery"]
    assert (f["level"], f["station"], f["owner"]) == ("tactical", "scope_advice", "City")


def test_unanswered_questions() -> None:
    c = classify_plan(Plan(id="p", title="P", repetitive=True))
    assert c.cls is None
    assert c.run_as is WayOfWorking.RIT
    assert c.comply_or_explain
    c = classify_plan(
        Plan(id="p", title="P", result_known=True, repetitive=None, run_as=WayOfWorking.RIT)
    )
    assert c.cls is None
    assert not c.comply_or_explain
    assert "niet ingedeeld" in c.reason["nl"]
