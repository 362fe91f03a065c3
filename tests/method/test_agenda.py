"""The decision agenda on the hand-made model (see handmade.py for the loads).

Envelope (baseline and scenario "growth": all three plans, to 2035):
- ss1: 4 MW measured + 1.5 (school, 2030) + 1 (battery, 2032). 2030: 5.5 / 5 = 1.1 > 1, so it
  is exhausted in 2030; lead 2 y: decide by 2028.
- gs: 8 + 0.5 (lights, 2027) + 1.5 (2030) + 1 (2032): 2030: 10.0 / 10 = 1.0 (not above),
  2032: 11 / 10 = 1.1: exhausted 2032; lead 4 y: decide by 2028.
- ss2: 1 + 0.5 = 1.5 / 5: never.
Replacements whose decision year lies within the medium horizon (<= 2041):
- gs: end of life 2029, lead 4: decide by 2025 (< 2026: overdue, red);
- ss1: 2036 - 2 = 2034; scada1: 2040 - 1 = 2039; ss2: 2050 - 1 = 2049 (beyond 2041: left out).
Dependencies (primary links upstream): ss1's items depend on gs's two items; scada1's control
has no supplier, so its replacement depends on nothing.
Order: replacement:gs (overdue) first, then among the available items the earliest decision
year: shortfall:gs (2028); then shortfall:ss1 (2028, now free), replacement:ss1 (2034),
replacement:scada1 (2039).
"""

from __future__ import annotations

from typing import Any

from vitaal.engine.compile import compile_model
from vitaal.method.agenda import Need, build_agenda, decide_by
from vitaal.method.stations import load_stations
from vitaal.model import Model


def test_order_deadlines_and_status(analysis: dict[str, Any]) -> None:
    items = analysis["agenda"]["items"]
    assert [i["id"] for i in items] == [
        "replacement:gs",
        "shortfall:gs|electricity",
        "shortfall:ss1|electricity",
        "replacement:ss1",
        "replacement:scada1",
    ]
    got = {
        i["id"]: (i["need_year"], i["lead_time_y"], i["decide_by"], i["status"], i["red"])
        for i in items
    }
    assert got == {
        "replacement:gs": (2029, 4, 2025, "overdue", True),
        "shortfall:gs|electricity": (2032, 4, 2028, "upcoming", False),
        "shortfall:ss1|electricity": (2030, 2, 2028, "upcoming", False),
        "replacement:ss1": (2036, 2, 2034, "upcoming", False),
        "replacement:scada1": (2040, 1, 2039, "upcoming", False),
    }
    assert items[2]["depends_on"] == ["replacement:gs", "shortfall:gs|electricity"]
    assert items[2]["scenario"] == "growth"
    assert analysis["agenda"]["overdue"] == 1


def test_levels_stations_owners(analysis: dict[str, Any]) -> None:
    items = {i["id"]: i for i in analysis["agenda"]["items"]}
    # on the table: tactical, ROUTE. scada1 is co-located with ss2 (cp-site: telecom and
    # power), so its replacement touches another system's asset and stays on the table too;
    # a replacement with no issue goes to ROUTINE (tests/method/test_decisions.py)
    assert items["shortfall:ss1|electricity"]["level"] == "tactical"
    assert items["shortfall:ss1|electricity"]["way_of_working"] == "route"
    assert items["replacement:scada1"]["level"] == "tactical"
    assert [i["code"] for i in items["replacement:scada1"]["issues"]] == ["coupling"]
    assert items["replacement:scada1"]["issues"][0]["detail"] == ["cp-site"]
    assert not any(i["routine"] for i in items.values())
    assert items["shortfall:gs|electricity"]["station"] == "capacity_distribution"
    assert items["replacement:gs"]["station"] == "scope_advice"
    assert items["replacement:scada1"]["owner"] == "TelCo"
    assert set(items["shortfall:ss1|electricity"]["text"]) == {"en", "nl"}


def test_prerequisite_inherits_overdue(model: Model) -> None:
    # ss1 needed in 2027 with lead 2: decide by 2025, overdue. gs (upstream) is replaced in
    # 2040 with lead 4: its own decision year is 2036, but ss1 depends on it, so it inherits
    # 2025, is overdue too, and comes first.
    cm = compile_model(model)
    items = build_agenda(
        model,
        cm,
        [Need("shortfall", "ss1", 2027, "electricity"), Need("replacement", "gs", 2040)],
        load_stations(),
    )
    assert [i["id"] for i in items] == ["replacement:gs", "shortfall:ss1|electricity"]
    assert items[0]["decide_by"] == 2036
    assert items[0]["effective_decide_by"] == 2025
    assert [i["status"] for i in items] == ["overdue", "overdue"]


def test_an_inherited_date_is_never_after_the_own_need(model: Model) -> None:
    # gs, with no lead time, is replaced in 2030; ss1, which waits for it, runs short in 2040
    # with lead 2 (decide by 2038). gs inherits 2038 from ss1, later than its own need: with
    # its own lead time unknown, 2030 is the latest it can be decided
    import dataclasses

    gs = dataclasses.replace(model.components["gs"], lead_time_y=None)
    m = dataclasses.replace(model, components={**model.components, "gs": gs})
    items = build_agenda(
        m,
        compile_model(m),
        [Need("shortfall", "ss1", 2040, "electricity"), Need("replacement", "gs", 2030)],
        load_stations(),
    )
    by = {i["id"]: i for i in items}
    assert by["replacement:gs"]["decide_by"] is None
    assert by["replacement:gs"]["effective_decide_by"] == 2030
    assert by["shortfall:ss1|electricity"]["effective_decide_by"] == 2038


def test_unknown_lead_time_last(model: Model) -> None:
    # the pump has no lead time: no decision year, status unknown, after everything else
    cm = compile_model(model)
    items = build_agenda(
        model,
        cm,
        [Need("replacement", "pump", 2027), Need("replacement", "scada1", 2045)],
        load_stations(),
    )
    assert [(i["id"], i["status"]) for i in items] == [
        ("replacement:scada1", "upcoming"),
        ("replacement:pump", "unknown"),
    ]


def test_decide_by() -> None:
    assert decide_by(2031, 2.5) == 2028
    assert decide_by(2030, 2) == 2028
    assert decide_by(2030, None) is None
