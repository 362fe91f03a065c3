"""Levels, ways of working and the classes of plans."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.method.conftest import by_id
from vitaal.method.findings import level_for
from vitaal.method.ways import classify_plan, plan_governance, way_for_level
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


STATIONS = [
    "intake",
    "cascade_check",
    "capacity_distribution",
    "fitting",
    "coupling_opportunities",
    "scope_advice",
]


def test_plan_classes_all_four_the_standard_and_the_advice(analysis: dict[str, Any]) -> None:
    plans = by_id(analysis["plans"])
    # school: known + custom = RIT, run as RIT (default); battery: open + custom = REIS, run
    # as RIT (default); lights: known + repetitive = ROUTINE, run as ROUTINE; heat: open +
    # repetitive = ROUTE, run as ROUTE. The two projects answer the project standard with
    # nothing: comply or explain; only the battery, a project with an open result, gets
    # vitaal's advice, apart from it
    got = {
        p: (d["class"], d["run_as"], d["comply_or_explain"], d["advice"]) for p, d in plans.items()
    }
    assert got == {
        "plan-school": ("rit", "rit", True, False),
        "plan-battery": ("reis", "rit", True, True),
        "plan-lights": ("routine", "routine", False, False),
        "plan-heat": ("route", "route", False, False),
    }
    text = plans["plan-battery"]["comply_text"]
    assert "comply or explain" in text["en"]
    assert "pas toe of leg uit" in text["nl"]
    assert plans["plan-battery"]["advice_text"]["en"].startswith("advice: ")
    assert plans["plan-battery"]["advice_text"]["nl"].startswith("advies: ")
    findings = by_id(analysis["findings"])
    f = findings["comply_or_explain:plan-battery"]
    assert (f["level"], f["station"], f["owner"]) == ("tactical", "scope_advice", "City")
    a = findings["way_of_working_advice:plan-battery"]
    assert (a["severity"], a["station"]) == (1, "scope_advice")
    assert "way_of_working_advice:plan-school" not in findings
    # a project or routine has passed every station; none of these plans records any
    for pid in ("plan-school", "plan-battery", "plan-lights"):
        assert plans[pid]["governance"]["stations_missing"] == STATIONS
        assert findings[f"stations_skipped:{pid}"]["data"]["stations_missing"] == STATIONS
    # the ROUTE plan has passed none and is at none: nothing is missing yet
    assert plans["plan-heat"]["governance"]["stations_missing"] == []
    assert "stations_skipped:plan-heat" not in findings


def test_governance_by_hand() -> None:
    rit = Plan(
        id="p",
        title="P",
        run_as=WayOfWorking.RIT,
        stations_passed=tuple(STATIONS),
        standard="applied",
    )
    g = plan_governance(rit, STATIONS)
    assert (g["order_ok"], g["stations_missing"], g["comply_or_explain"]["status"]) == (
        True,
        [],
        "applied",
    )
    # explained needs its explanation; explained without one is no answer
    explained = dataclasses.replace(rit, standard="explained", standard_note="a pilot")
    assert plan_governance(explained, STATIONS)["comply_or_explain"]["status"] == "explained"
    # the explanation in both languages: the Dutch one where the plan gives it
    assert plan_governance(explained, STATIONS)["comply_or_explain"]["note"] == {
        "en": "a pilot",
        "nl": "a pilot",
    }
    dutch = dataclasses.replace(explained, standard_note_nl="een proef")
    assert plan_governance(dutch, STATIONS)["comply_or_explain"]["note"] == {
        "en": "a pilot",
        "nl": "een proef",
    }
    bare = dataclasses.replace(rit, standard="explained")
    assert plan_governance(bare, STATIONS)["comply_or_explain"]["status"] == "missing"
    # in ROUTE at the fitting station, having skipped the cascade check: out of order
    route = Plan(
        id="r",
        title="R",
        run_as=WayOfWorking.ROUTE,
        stations_passed=("intake", "capacity_distribution", "fitting"),
    )
    g = plan_governance(route, STATIONS)
    assert g["stations_missing"] == ["cascade_check"]
    assert not g["order_ok"]
    assert g["comply_or_explain"] == {
        "asked": False,
        "status": "not_asked",
        "note": None,
        "text": None,
    }
    # the stations passed are listed in the ROUTE's order, whatever order they were written in
    shuffled = dataclasses.replace(route, stations_passed=("fitting", "intake"))
    assert plan_governance(shuffled, STATIONS)["stations_passed"] == ["intake", "fitting"]


def test_unanswered_questions() -> None:
    c = classify_plan(Plan(id="p", title="P", repetitive=True))
    assert c.cls is None
    assert c.run_as is WayOfWorking.RIT
    assert c.advice
    c = classify_plan(
        Plan(id="p", title="P", result_known=True, repetitive=None, run_as=WayOfWorking.RIT)
    )
    assert c.cls is None
    assert not c.advice
    assert "niet ingedeeld" in c.reason["nl"]
