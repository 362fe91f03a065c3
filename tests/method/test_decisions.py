"""The table's agenda on a small hand-made model, every number worked out by hand.

    gs (grid station, no end of life) --> c1 --> c2 (MV cables) --> ss1 --> north (30,000)
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

So the table's agenda holds one item, ss1, although by date ss2 (and the gas mains) came
first; the date order put "Gas main 1: decide by 1989" on top.

The decisions (one page): single points of failure not on the agenda that cut off exactly the
same consumers are one decision (one second supply settles them). c1 and c2 (MV cables, back
after 4 h: 30,000 people, 120,000 person-hours, class C each) both cut off North alone: one
decision, "Cable North, Cable North 2: 2 single point(s) of failure for 1 consumer(s)", class
C, settling 2 findings.
gs cuts off North and South (33,000 people for 72 h: 2,376,000 person-hours, class D): a
decision of its own, and the top one. The replacement of ss1 (C, decide by 2030) comes before
the cables' decision (C, no date: a risk, not a deadline); ss1's own single point of failure
is evidence in its decision rather than a decision of its own. Top decision: redundancy for
North and South against the loss of the grid station, owner GridCo.
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
        comp("c1", "grid", "cable_mv", name="Cable North"),
        comp("c2", "grid", "cable_mv", name="Cable North 2"),
    ]
    links = [
        SupplyLink(supplier="gs", consumer="c1", resource="electricity"),
        SupplyLink(supplier="c1", consumer="c2", resource="electricity"),
        SupplyLink(supplier="c2", consumer="ss1", resource="electricity"),
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
        "c1": (4.0, 30_000, True),
        "c2": (4.0, 30_000, True),
        "ss1": (8.5, 30_000, True),
        "ss2": (8.5, 3_000, False),
    }
    found = sorted(x["id"] for x in analysis["findings"] if x["kind"] == "single_point_of_failure")
    assert found == [
        "single_point_of_failure:c1",
        "single_point_of_failure:c2",
        "single_point_of_failure:gs",
        "single_point_of_failure:ss1",
    ]
    counts = analysis["summary"]["counts"]
    assert (counts["single_points_of_failure"], counts["single_points_of_failure_below"]) == (4, 1)


def test_decisions_on_one_page(analysis: dict[str, Any]) -> None:
    dec = analysis["decisions"]
    assert [d["id"] for d in dec["items"]] == [
        "decision:single_point_of_failure:gs",
        "decision:replacement:ss1",
        "decision:single_point_of_failure:c1",
    ]
    top, second, third = dec["items"]
    assert top["title"]["en"] == (
        "Grid station: 1 single point(s) of failure for 2 consumer(s), the largest North"
    )
    assert top["title"]["nl"] == (
        "Grid station: 1 single point(s) of failure voor 2 afnemer(s), de grootste North"
    )
    assert (top["consequence"], top["people"], top["person_hours"]) == ("D", 33_000, 2_376_000)
    assert (top["owners"], top["decide_by"], top["rank"]) == (["GridCo"], None, 1)
    assert (second["consequence"], second["decide_by"], second["status"]) == ("C", 2030, "upcoming")
    assert [e["id"] for e in second["evidence"]] == [
        "replacement:ss1",
        "replacement:ss1#coupling",
        "replacement:ss1#single_point_of_failure",
        "single_point_of_failure:ss1",
    ]
    # the bundle: one second supply for North settles both cables
    assert third["title"]["en"] == (
        "Cable North, Cable North 2: 2 single point(s) of failure for 1 consumer(s), the "
        "largest North"
    )
    assert (third["consequence"], third["person_hours"]) == ("C", 120_000)
    assert third["items"] == ["single_point_of_failure:c1", "single_point_of_failure:c2"]
    assert dec["first_page"] == 15
    assert analysis["summary"]["decisions"] == dec["items"]
    assert analysis["summary"]["counts"]["decisions"] == 3


def test_one_station_bundle() -> None:
    """The hand-made model of tests/method/handmade.py (see test_agenda.py): gs is overdue
    for replacement (decide by 2025) and runs short in 2032; ss1 runs short in 2030 and waits
    for both of gs's decisions, and is replaced in 2036. One decision settles the four: gs,
    reinforced and replaced, led by its overdue replacement; the school and the battery park
    (whose growth loads ss1 and gs) wait for it. scada1's replacement stays apart."""
    from tests.method import handmade

    dec = run_analysis(handmade.build()).as_dict()["decisions"]["items"]
    assert [d["id"] for d in dec] == ["decision:replacement:gs", "decision:replacement:scada1"]
    gs = dec[0]
    assert gs["title"]["en"] == (
        "Grid station: reinforce and replace, with 3 decision(s) that wait for it or go with it"
    )
    assert gs["items"] == [
        "replacement:gs",
        "shortfall:gs|electricity",
        "shortfall:ss1|electricity",
        "replacement:ss1",
    ]
    assert gs["unlocks"] == gs["items"][1:]
    assert gs["blocks_plans"] == ["plan-battery", "plan-school"]
    assert (gs["status"], gs["decide_by"], gs["consequence"]) == ("overdue", 2025, "C")


def test_the_date_of_a_bundle_is_the_one_its_first_line_explains() -> None:
    """The hand-made model with Substation 1 at its end of life in 2020 (lead time 2 years:
    decide by 2018; its need year has passed, so overdue since 2020, 6 years). Its
    replacement goes with the grid station's decision (overdue since 2025, 1 year), which then
    is overdue since 2020, 6 years: its evidence leads with Substation 1's line, which says
    so, before the grid station's own."""
    import dataclasses

    from tests.method import handmade

    model = handmade.build()
    model.components["ss1"] = dataclasses.replace(model.components["ss1"], end_of_life_year=2020)
    gs = run_analysis(model).as_dict()["decisions"]["items"][0]
    assert gs["id"] == "decision:replacement:gs"
    assert (gs["status"], gs["overdue_since"], gs["years_overdue"]) == ("overdue", 2020, 6)
    first, second = gs["evidence"][:2]
    assert first["id"] == "replacement:ss1"
    assert first["text"]["en"] == (
        "the most urgent of what waits for it or goes with it: Substation 1: end of life in "
        "2020; replacement takes 2 years: overdue since 2020, 6 years"
    )
    assert second["id"] == "replacement:gs"
    # listed once
    assert [e["id"] for e in gs["evidence"]].count("replacement:ss1") == 1


def test_levels_by_stake() -> None:
    """levels.yaml: a like-for-like replacement of a bridge (EUR 1.75 bn, lead 6 years, one
    owner, nothing served through it in this model) touches no other system and no capacity,
    but its money is class E (from EUR 1 bn): strategic, so REIS, and on the table, not on its
    owner's ROUTINE list. Its consequence is class A: money is not a loss. Substation South
    (EUR 1 M: B; no loss known here: class A; lead 1; one owner) reaches no bound:
    operational, ROUTINE. Of two decisions of one class, the one of more reach goes first.
    Substation North's decision involves GridCo and WaterCo (the tunnel it shares with w1):
    tactical by organisations, and by consequence C."""
    from vitaal.engine.compile import compile_model
    from vitaal.method.agenda import Need, build_agenda
    from vitaal.method.stations import load_stations

    model = _build()
    bridge = Component(
        id="bridge",
        subsystem="pipes",
        kind="bridge",
        name="River bridge",
        end_of_life_year=2032,
        lead_time_y=6,
        replacement_cost_eur=1_750_000_000,
        owner="RoadCo",
    )
    model.components["bridge"] = bridge
    items = build_agenda(
        model,
        compile_model(model),
        [Need("replacement", "bridge", 2032), Need("replacement", "ss2", 2020)],
        load_stations(),
    )
    got = {i["component"]: (i["level"], i["way_of_working"], i["routine"]) for i in items}
    assert got == {"bridge": ("strategic", "reis", False), "ss2": ("operational", "routine", True)}
    first = items[0]
    assert (first["component"], first["consequence"], first["consequence_by"]) == (
        "bridge",
        "A",
        "none",
    )
    assert first["level_reason"]["en"] == "strategic: money of class E"
    assert items[1]["component"] == "ss2"


def test_a_replacement_puts_at_stake_what_its_works_touch() -> None:
    """Substation North sits in the bridge of the test above (a ``same_structure`` coupling:
    one fate, and works on one touch the other). Substation North's loss, after repair and
    restart, leaves 30,000 people without power for 8.5 h (255,000 person-hours, class C by
    people). The bridge's replacement puts that at stake: class C by people, through ss1, and
    it says so; Substation South, touching nothing, keeps class A. Were the substation only
    beside the bridge (``adjacent``: works nearby, no shared fate), the bridge keeps class A."""
    from vitaal.engine.compile import compile_model
    from vitaal.method.agenda import Issues, Need, build_agenda
    from vitaal.method.stations import load_stations

    model = _build()
    model.components["bridge"] = Component(
        id="bridge",
        subsystem="pipes",
        kind="bridge",
        name="River bridge",
        end_of_life_year=2032,
        lead_time_y=6,
        replacement_cost_eur=1_750_000_000,
        owner="RoadCo",
    )
    model.couplings["cp-bridge"] = Coupling(
        id="cp-bridge", kind=CouplingKind.SAME_STRUCTURE, members=("bridge", "ss1")
    )
    loss = {
        "people_out": 30_000,
        "person_hours": 255_000.0,
        "critical_functions_out": [],
        "class": "C",
    }
    issues = Issues(coupled={"bridge": ["cp-bridge"]}, losses={"ss1": loss})
    items = build_agenda(
        model,
        compile_model(model),
        [Need("replacement", "bridge", 2032), Need("replacement", "ss2", 2020)],
        load_stations(),
        issues,
    )
    by = {i["component"]: i for i in items}
    bridge = by["bridge"]
    assert (bridge["consequence"], bridge["consequence_by"]) == ("C", "people")
    assert (bridge["consequence_through"], bridge["people"], bridge["cost_eur"]) == (
        "ss1",
        30_000,
        1_750_000_000,
    )
    assert (by["ss2"]["consequence"], by["ss2"]["consequence_through"]) == ("A", None)
    assert [i["component"] for i in items] == ["bridge", "ss2"]
    model.couplings["cp-bridge"] = Coupling(
        id="cp-bridge", kind=CouplingKind.ADJACENT, members=("bridge", "ss1")
    )
    beside = build_agenda(
        model,
        compile_model(model),
        [Need("replacement", "bridge", 2032)],
        load_stations(),
        issues,
    )[0]
    assert (beside["consequence"], beside["consequence_through"], beside["people"]) == (
        "A",
        None,
        0,
    )


def test_level_of_the_table_decision(analysis: dict[str, Any]) -> None:
    (ss1,) = analysis["agenda"]["items"]
    assert ss1["organisations"] == ["GridCo", "WaterCo"]
    assert ss1["level_reason"]["en"] == ("tactical: consequence class C, 2 organisations involved")
    dec = {d["id"]: d for d in analysis["decisions"]["items"]}
    # the grid station's loss is class D ("very serious"): a strategic decision (REIS)
    assert (
        dec["decision:single_point_of_failure:gs"]["level"],
        dec["decision:replacement:ss1"]["level"],
    ) == ("strategic", "tactical")


def test_hindrance_is_no_loss_of_service() -> None:
    """A consumer that only loses road access (a hindrance service of impact.yaml: detours)
    loses no service: the component is no single point of failure for it. One that loses
    electricity too, from hour 0, is out until the substation is back (8 + 0.5 h)."""
    from vitaal.method.agenda_rules import agenda_rules, assess_single_point

    model = _build()
    road = {"cut_off_h": {"north": 0.0}, "service_cut_off_h": {}}
    assert assess_single_point(model, "ss1", road, agenda_rules())["lost"] is False
    both = {"cut_off_h": {"north": 0.0}, "service_cut_off_h": {"north": 0.0}}
    r = assess_single_point(model, "ss1", both, agenda_rules())
    assert (r["lost"], r["outage_h"], r["person_hours"]) == (True, {"north": 8.5}, 255_000)


def test_the_models_edge_is_no_decision_of_the_table() -> None:
    """A substation serving 20,000 people, back after 8.5 h (repair and restart of its kind):
    170,000 person-hours, class C, a single point of failure on the table. The same as the
    model's edge (``boundary``: a national supply standing in for what the model does not
    hold) is still class C, but not on the table: its loss is a scenario to prepare for."""
    from vitaal.method.agenda_rules import agenda_rules, assess_single_point
    from vitaal.model import Model, ModelInfo, ServiceArea

    def model(boundary: bool) -> Model:
        return Model(
            info=ModelInfo(name="x", horizon_h=72),
            components={
                "s": Component(id="s", subsystem="x", kind="substation", boundary=boundary)
            },
            areas={"n": ServiceArea(id="n", name="N", population=20_000)},
        )

    inside = assess_single_point(model(False), "s", {"cut_off_h": {"n": 0.0}}, agenda_rules())
    edge = assess_single_point(model(True), "s", {"cut_off_h": {"n": 0.0}}, agenda_rules())
    assert (inside["person_hours"], inside["class"], inside["on_table"]) == (170_000.0, "C", True)
    assert (edge["person_hours"], edge["class"], edge["on_table"]) == (170_000.0, "C", False)
