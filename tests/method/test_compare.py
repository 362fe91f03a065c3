"""``compare``: two scenarios, two plans and two versions of the hand-made model, every
difference worked out by hand (see handmade.py for the loads, test_agenda.py for the agenda).

Scenarios "growth" (A) and "ss1-fire" (B):
- flags: power is orange in both (growth: ss1 runs out after its lead time; fire: ss1 fails),
  telecom green in both; water green under growth, orange in the fire (the pump, buffer 0,
  fails with ss1): one flag differs, water green -> orange.
- impact: growth cuts no one off (class A); the fire cuts area-a (2,000 people) off until ss1
  is back: repair 8 h + restart 0.5 h (restoration.yaml, substation) = 17,000 person-hours;
  2,000 people is class B (bounds 1,000 / 10,000 ...), and so is 17,000 person-hours (10,000 /
  100,000): class A -> B, people 0 -> 2,000, person-hours 0 -> 17,000. No critical function is
  lost (the hospital moves to ss2), no one is refused a connection.
- agenda: the growth scenario runs gs out in 2032 and ss1 in 2030 (shortfall items of scenario
  "growth"); the fire calls for nothing: both items only in A.
- decisions: both shortfalls are in the bundle led by gs's replacement (decision:replacement:gs,
  4 items): only in A.
- capacity: neither scenario is short before a reinforcement can be ready (ss1 runs out in
  2030, ready 2026 + 2 = 2028; gs in 2032, ready 2030): nothing.

Version 2 of the model gives ss1 6 MW instead of 5. Its load under growth is 4 MW to 2029,
5.5 MW in 2030-2031 (the school), 6.5 MW from 2032 (the battery): 5.5 / 6 < 1, 6.5 / 6 > 1, so
it runs out in 2032 instead of 2030, and with its 2-year lead time the decision is due by
2030 instead of 2028. gs is unchanged. So:
- agenda: shortfall:ss1|electricity changes need year 2030 -> 2032 and decision year
  2028 -> 2030; nothing added or removed;
- capacity: the agenda's shortfall of ss1 moves from 2030 to 2032;
- decisions: the bundle keeps its lead (gs's replacement, overdue since 2025) and its four
  items: unchanged;
- flags: the battery plan alone loads ss1 to 4 + 1 = 5 MW in 2032: 5 / 5 = 100 %, above the
  90 % margin (orange); 5 / 6 = 83 % is within it (green): power orange -> green in
  "plan:plan-battery". Nothing else changes colour; no impact figure changes.

Plans "plan-school" (A) and "plan-battery" (B): both wait for gs's replacement (its end of life,
on their supply chain); only the school (1.5 MW in 2030: ss1 5.5 / 5) runs ss1 out; the
battery (1 MW in 2032: ss1 5.0 / 5) does not. Both leave power orange (the school: ss1 runs out
after its lead time; the battery: above the margin). So the only difference is
shortfall:ss1|electricity, only in A.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from vitaal.method.analysis import run_analysis
from vitaal.method.compare import (
    Entry,
    Side,
    compare_sides,
    model_side,
    plan_side,
    scenario_side,
)
from vitaal.method.results import Results, Text
from vitaal.model import Model
from vitaal.model.units import Quantity


@pytest.fixture(scope="module")
def results(analysis: dict[str, Any]) -> Results:
    return Results.from_dict(analysis)


@pytest.fixture(scope="module")
def results_v2(model: Model) -> Results:
    comps = dict(model.components)
    comps["ss1"] = dataclasses.replace(comps["ss1"], capacity={"electricity": Quantity(6, "MW")})
    return Results.from_dict(run_analysis(dataclasses.replace(model, components=comps)).as_dict())


def test_two_scenarios(results: Results) -> None:
    c = compare_sides(scenario_side(results, "growth"), scenario_side(results, "ss1-fire"))
    assert [(f.context, f.system, f.a, f.b, f.worse) for f in c.flags] == [
        ("", "water", "green", "orange", True)
    ]
    assert [(i.figure, i.a, i.b) for i in c.impact] == [
        ("class", "A", "B"),
        ("people_affected", 0, 2000),
        ("person_hours", 0.0, pytest.approx(2000 * 8.5)),
    ]
    assert all(i.worse for i in c.impact)
    assert c.impact[2].delta == pytest.approx(17000)
    assert [e.id for e in c.agenda.removed] == [
        "shortfall:gs|electricity",
        "shortfall:ss1|electricity",
    ]
    assert not c.agenda.added
    assert not c.agenda.changed
    assert [e.id for e in c.decisions.removed] == ["decision:replacement:gs"]
    assert c.decisions.removed[0].values["items"] == 4
    assert c.capacity.is_empty()
    assert not c.is_empty()


def test_two_versions_of_the_model(results: Results, results_v2: Results) -> None:
    c = compare_sides(model_side(results, "v1"), model_side(results_v2, "v2"))
    assert [(f.context, f.system, f.a, f.b, f.worse) for f in c.flags] == [
        ("plan:plan-battery", "power", "orange", "green", False)
    ]
    assert c.impact == ()
    assert not c.agenda.added
    assert not c.agenda.removed
    [ch] = c.agenda.changed
    assert ch.id == "shortfall:ss1|electricity"
    assert [(f.field, f.a, f.b) for f in ch.fields] == [
        ("need_year", 2030, 2032),
        ("effective_decide_by", 2028, 2030),
    ]
    [cap] = c.capacity.changed
    assert (cap.id, [(f.field, f.a, f.b) for f in cap.fields]) == (
        "agenda|ss1|electricity",
        [("first_year", 2030, 2032)],
    )
    assert c.decisions.is_empty()


def test_a_model_against_itself_is_equal(results: Results) -> None:
    c = compare_sides(model_side(results, "a"), model_side(results, "a"))
    assert c.is_empty()
    assert c.as_dict()["equal"] is True


def test_two_plans(results: Results) -> None:
    c = compare_sides(plan_side(results, "plan-school"), plan_side(results, "plan-battery"))
    assert c.flags == ()
    assert c.impact == ()
    assert [e.id for e in c.agenda.removed] == ["shortfall:ss1|electricity"]
    assert not c.agenda.added
    assert not c.agenda.changed
    assert c.capacity.is_empty()
    assert c.decisions.is_empty()


def test_unknown_scenario_or_plan(results: Results) -> None:
    with pytest.raises(KeyError):
        scenario_side(results, "nope")
    with pytest.raises(KeyError):
        plan_side(results, "nope")


def _side(label: str, **parts: Any) -> Side:
    return Side(
        label=label,
        flags=parts.get("flags", {}),
        figures=parts.get("figures", {}),
        agenda=parts.get("agenda", {}),
        capacity=parts.get("capacity", {}),
        decisions=parts.get("decisions", {}),
    )


def _entry(key: str, **values: Any) -> Entry:
    return Entry(key, Text(key, key), values)


def test_sections_by_hand() -> None:
    """Sides made by hand: a scenario only in B, a flag that improves, a figure within
    rounding, an item in each list."""
    a = _side(
        "a",
        flags={("s", "power"): "red", ("s", "water"): "green"},
        figures={"s": {"class": "C", "people_affected": 3000, "person_hours": 1.0}},
        agenda={"x": _entry("x", status="due"), "y": _entry("y", status="upcoming")},
        capacity={"k": _entry("k", first_year=2030, years_short=2)},
    )
    b = _side(
        "b",
        flags={("s", "power"): "orange", ("s", "water"): "green", ("t", "power"): "red"},
        figures={
            "s": {"class": "C", "people_affected": 2500, "person_hours": 1.0 + 1e-12},
            "t": {"class": "A"},
        },
        agenda={"y": _entry("y", status="overdue"), "z": _entry("z", status="due")},
        capacity={"k": _entry("k", first_year=2030, years_short=2)},
    )
    c = compare_sides(a, b, "models")
    # power in s gets better (red -> orange); t is new in B: its flag counts as appearing
    assert [(f.context, f.system, f.a, f.b, f.worse) for f in c.flags] == [
        ("s", "power", "red", "orange", False),
        ("t", "power", None, "red", True),
    ]
    # person-hours equal within 1e-9 relative: not a difference
    assert [(i.context, i.figure, i.a, i.b, i.delta) for i in c.impact] == [
        ("s", "people_affected", 3000, 2500, -500.0),
        ("t", "class", None, "A", None),
    ]
    assert [e.id for e in c.agenda.added] == ["z"]
    assert [e.id for e in c.agenda.removed] == ["x"]
    assert [(ch.id, ch.fields[0].a, ch.fields[0].b) for ch in c.agenda.changed] == [
        ("y", "upcoming", "overdue")
    ]
    assert c.capacity.is_empty()
    d = c.as_dict()
    assert d["agenda"]["changed"][0]["fields"] == [
        {"field": "status", "a": "upcoming", "b": "overdue"}
    ]
    assert d["flags"][1] == {
        "context": "t",
        "system": "power",
        "a": None,
        "b": "red",
        "worse": True,
    }
