"""The table's agenda on a small hand-made model, every number worked out by hand.

    gs (grid station, no end of life) --primary--> ss1 --> north (30,000 people)
                                      --primary--> ss2 --> south (3,000 people)
    m1, m2, m3 (gas mains, GasCo) --primary, in parallel--> south
    ss1 and w1 (a water main) lie in one cable-and-pipe tunnel (same_structure coupling)

Base year 2026, horizons short 5 and medium 15 (decisions up to 2041 are on the agenda),
horizon 72 h. No growth: no shortfalls. Packaged data: restoration.yaml (substation: repair
8 h + restart 0.5 h; gas main 12 + 24 h; grid_station_hv 336 + 2 h), impact.yaml (people
1,000 / 10,000 / 100,000 / 400,000; person-hours 10,000 / 100,000 / ...; money 1 M / 10 M /
100 M / 1 bn), agenda.yaml (a single point of failure on the table from class C; coupling
kinds co_location and same_structure).

Replacements (decide by = end of life - lead time):
- ss1: end of life 2032, lead 2: decide by 2030, upcoming. Same structure as w1 (water):
  works on it touch another system: on the table. Its loss alone: north, 30,000 people, for
  8.5 h = 255,000 person-hours: class C, a single point of failure on the table too. At
  stake: 30,000 people (C), EUR 2 M (B): consequence C, set by people.
- ss2: end of life 2020, lead 1: decide by 2019, overdue; the asset is past its end of life
  since 2020: "overdue since 2020, 6 years". Its loss alone: 3,000 people x 8.5 h = 25,500
  person-hours, class B: below the bar. No coupling, no capacity issue: like for like, to
  GridCo's ROUTINE list although it is the most overdue electricity item.
- m1 (1990, lead 1), m2 (2000, lead 1), m3 (2030, lead 1): three mains in parallel, so no
  single point of failure; like for like: GasCo's ROUTINE list, one bundle for the subsystem:
  3 replacements 1990-2030, 2 overdue, the oldest since 1990 (36 years), EUR 300,000.
- gs cuts everyone off for 72 h (class D) but has no end of life: a finding, no agenda item.

So the table's agenda holds one decision, ss1, although by date ss2 (and the gas mains) came
first; the date order put "Gas main 1: decide by 1989" on top.
"""

from __future__ import annotations

from typing import Any

import pytest

from vitaal.method.analysis import run_analysis
from vitaal.model import (
    Component,
    Coupling,
    CouplingKind,
    Model,
    ModelInfo,
    Resource,
    ServiceArea,
    Subsystem,
    SupplyLink,
    System,
    link_key,
)


def _build() -> Model:
    def comp(cid: str, sub: str, kind: str, **kw: Any) -> Component:
        return Component(id=cid, subsystem=sub, kind=kind, name=kw.pop("name", cid), **kw)

    comps = [
        comp("gs", "grid", "grid_station_hv", name="Grid station"),
        comp(
            "ss1",
            "grid",
            "substation",
            name="Substation North",
            end_of_life_year=2032,
            lead_time_y=2,
            replacement_cost_eur=2_000_000,
        ),
        comp(
            "ss2",
            "grid",
            "substation",
            name="Substation South",
            end_of_life_year=2020,
            lead_time_y=1,
            replacement_cost_eur=1_000_000,
        ),
        *(
            comp(
                f"m{i}",
                "mains",
                "gas_main",
                name=f"Gas main {i}",
                end_of_life_year=year,
                lead_time_y=1,
                replacement_cost_eur=100_000,
            )
            for i, year in ((1, 1990), (2, 2000), (3, 2030))
        ),
        comp("w1", "pipes", "water_main", name="Water main in the tunnel"),
    ]
    links = [
        SupplyLink(supplier="gs", consumer="ss1", resource="electricity"),
        SupplyLink(supplier="gs", consumer="ss2", resource="electricity"),
        SupplyLink(supplier="ss1", consumer="north", resource="electricity"),
        SupplyLink(supplier="ss2", consumer="south", resource="electricity"),
        *(SupplyLink(supplier=f"m{i}", consumer="south", resource="gas") for i in (1, 2, 3)),
    ]
    return Model(
        info=ModelInfo(name="Decisions", base_year=2026, horizon_h=72),
        resources={
            "electricity": Resource(id="electricity", name="Electricity", unit="MW"),
            "gas": Resource(id="gas", name="Gas", unit="m3/h"),
        },
        systems={
            "power": System(id="power", name="Power", owner="GridCo"),
            "gas": System(id="gas", name="Gas", owner="GasCo"),
            "water": System(id="water", name="Water", owner="WaterCo"),
        },
        subsystems={
            "grid": Subsystem(id="grid", system="power", name="Grid", name_nl="Net"),
            "mains": Subsystem(id="mains", system="gas", name="Gas mains", name_nl="Gasleidingen"),
            "pipes": Subsystem(id="pipes", system="water", name="Pipes"),
        },
        components={c.id: c for c in comps},
        areas={
            "north": ServiceArea(id="north", name="North", population=30_000),
            "south": ServiceArea(id="south", name="South", population=3_000),
        },
        supply={link_key(lk): lk for lk in links},
        couplings={
            "cp-tunnel": Coupling(
                id="cp-tunnel", kind=CouplingKind.SAME_STRUCTURE, members=("ss1", "w1")
            ),
        },
    )


@pytest.fixture(scope="module")
def analysis() -> dict[str, Any]:
    return run_analysis(_build()).as_dict()


def test_table_holds_the_decision_by_consequence(analysis: dict[str, Any]) -> None:
    agenda = analysis["agenda"]
    assert [i["id"] for i in agenda["items"]] == ["replacement:ss1"]
    top = agenda["items"][0]
    assert (top["decide_by"], top["status"], top["routine"]) == (2030, "upcoming", False)
    assert [(i["code"], i["detail"]) for i in top["issues"]] == [
        ("coupling", ["cp-tunnel"]),
        ("single_point_of_failure", []),
    ]
    assert (top["people"], top["cost_eur"], top["consequence"], top["consequence_by"]) == (
        30_000,
        2_000_000,
        "C",
        "people",
    )
    assert (top["level"], top["way_of_working"]) == ("tactical", "route")
    assert (agenda["overdue"], analysis["summary"]["counts"]["agenda"]) == (0, 1)


def test_like_for_like_replacements_go_to_routine(analysis: dict[str, Any]) -> None:
    items = {i["id"]: i for i in analysis["agenda"]["routine_items"]}
    assert sorted(items) == [
        "replacement:m1",
        "replacement:m2",
        "replacement:m3",
        "replacement:ss2",
    ]
    ss2 = items["replacement:ss2"]
    assert (ss2["status"], ss2["overdue_since"], ss2["years_overdue"]) == ("overdue", 2020, 6)
    assert ss2["text"]["en"] == (
        "Substation South: end of life in 2020; replacement takes 1 year: overdue since 2020, "
        "6 years"
    )
    assert ss2["text"]["nl"].endswith("vervangen kost 1 jaar: te laat sinds 2020, 6 jaar")
    assert (ss2["issues"], ss2["level"], ss2["way_of_working"]) == ([], "operational", "routine")


def test_routine_bundled_per_owner_and_subsystem(analysis: dict[str, Any]) -> None:
    routine = {o["owner"]: o for o in analysis["agenda"]["routine"]}
    assert sorted(routine) == ["GasCo", "GridCo"]
    (gas,) = routine["GasCo"]["bundles"]
    assert (gas["subsystem"], gas["count"], gas["overdue"]) == ("mains", 3, 2)
    assert (gas["overdue_since"], gas["years_overdue"]) == (1990, 36)
    assert (gas["first_year"], gas["last_year"], gas["replacement_cost_eur"]) == (
        1990,
        2030,
        300_000,
    )
    assert gas["text"]["en"] == (
        "GasCo, Gas mains: 3 like-for-like replacement(s) 1990-2030, 2 overdue (the oldest "
        "since 1990, 36 years); EUR 300,000"
    )
    assert gas["text"]["nl"].startswith("GasCo, Gasleidingen: 3 gelijkwaardige vervanging(en)")
    # each replacement appears once in the findings: in its owner's bundle
    f = {x["id"]: x for x in analysis["findings"]}
    assert f["routine_replacements:GasCo:mains"]["data"]["count"] == 3
    assert not any(k.startswith(("replacement:m", "replacement:ss2")) for k in f)
    assert analysis["summary"]["counts"]["routine"] == 4


def test_single_points_of_failure_by_restoration(analysis: dict[str, Any]) -> None:
    spof = {
        s["component"]: s
        for sub in analysis["subsystems"]
        for s in sub["steps"][4]["single_points_of_failure"]
    }
    # gs: back after 338 h, beyond the 72 h horizon: 33,000 people for 72 h (D); ss1: 30,000
    # for 8.5 h (C); ss2: 3,000 for 8.5 h (B, below the bar); the mains back each other up
    assert {c: (s["back_h"], s["people_out"], s["on_table"]) for c, s in spof.items()} == {
        "gs": (338.0, 33_000, True),
        "ss1": (8.5, 30_000, True),
        "ss2": (8.5, 3_000, False),
    }
    found = sorted(x["id"] for x in analysis["findings"] if x["kind"] == "single_point_of_failure")
    assert found == ["single_point_of_failure:gs", "single_point_of_failure:ss1"]
    counts = analysis["summary"]["counts"]
    assert (counts["single_points_of_failure"], counts["single_points_of_failure_below"]) == (2, 1)
