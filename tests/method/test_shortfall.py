"""The impact of transitions and growth: people refused a connection and years short.

Small towns worked by hand with the packaged demand norms (electricity: 1.5 kW per existing
home, 3.0 kW per new home, 0.5 kW per job; 2.13 residents per new home; a heat pump adds
1.0 kW to an existing home). Base year 2026; the grid import ``imp`` (1,000 MW) never runs
short. A station's years short are the projected years from its
shortfall on, before a reinforcement decided in 2026 can be ready (2026 + lead time), in which
the scenario's load exceeds its capacity and the baseline's does not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run
from vitaal.io.folder import write_model
from vitaal.method.plans import find_plan, plan_scenario
from vitaal.method.scenario_run import run_scenario
from vitaal.model import (
    Component,
    Model,
    ModelInfo,
    Plan,
    Resource,
    Scenario,
    ScenarioKind,
    ServiceArea,
    Subsystem,
    SupplyLink,
    System,
    link_key,
)
from vitaal.model.units import Quantity

EL = "electricity"


def station(
    cid: str, kind: str, capacity_mw: float, lead_y: float, peak_mw: float | None = None
) -> Component:
    return Component(
        id=cid,
        name=f"Station {cid}",
        subsystem="grid",
        kind=kind,
        capacity={EL: Quantity(capacity_mw, "MW")},
        peak_load={EL: Quantity(peak_mw, "MW")} if peak_mw is not None else {},
        lead_time_y=lead_y,
        owner="GridCo",
    )


def town(
    stations: list[Component],
    links: list[tuple[str, str]],
    areas: list[ServiceArea],
    *,
    plans: tuple[Plan, ...] = (),
    scenarios: tuple[Scenario, ...] = (),
) -> Model:
    """A town fed from the grid import ``imp`` through ``stations`` linked ``(supplier,
    consumer)``, all primary."""
    imp = Component(
        id="imp",
        name="Grid import",
        subsystem="grid",
        kind="external_grid",
        capacity={EL: Quantity(1000, "MW")},
    )
    supply = [SupplyLink(supplier=s, consumer=c, resource=EL) for s, c in links]
    return Model(
        info=ModelInfo(name="Town", base_year=2026, horizon_h=24),
        resources={EL: Resource(id=EL, name="Electricity", name_nl="Elektriciteit", unit="MW")},
        systems={"power": System(id="power", name="Power", owner="GridCo")},
        subsystems={"grid": Subsystem(id="grid", system="power", name="Grid", owner="GridCo")},
        components={c.id: c for c in [imp, *stations]},
        areas={a.id: a for a in areas},
        supply={link_key(s): s for s in supply},
        plans={p.id: p for p in plans},
        scenarios={s.id: s for s in scenarios},
    )


def growth_town() -> Model:
    """Substation S (3 MW, reinforcement 5 years) feeds A (1,000 homes, 2,000 people) and B
    (500 homes, 1,000 people): 1.5 + 0.75 = 2.25 MW in 2026. Plan P builds 200 homes in A in
    2028 and 800 more with 400 jobs in 2029."""
    plan = Plan(
        id="plan-p",
        title="New district P",
        owner="City",
        areas=("area-a",),
        homes={2028: 200, 2029: 800},
        jobs={2029: 400},
        result_known=True,
        repetitive=False,
    )
    return town(
        [station("s", "substation", 3, 5)],
        [("imp", "s"), ("s", "area-a"), ("s", "area-b")],
        [
            ServiceArea(id="area-a", name="A", population=2000, homes=1000),
            ServiceArea(id="area-b", name="B", population=1000, homes=500),
        ],
        plans=(plan,),
    )


def test_a_plan_whose_growth_does_not_fit_refuses_the_share_above_capacity() -> None:
    """2028: 2.25 + 200 x 3.0 kW = 2.85 MW fits. 2029: 2.25 + 1,000 x 3.0 kW + 400 x 0.5 kW
    = 5.45 MW, 2.45 MW above S's 3 MW. S is ready in 2026 + 5 = 2031: 2029 and 2030 are
    2 years short. The plan's new demand through S is 3.2 MW, so 2.45 / 3.2 = 76.5625% of it
    does not fit: of A's 1,000 new homes (2,130 residents at 2.13) and 400 jobs, 765.6 homes,
    1,630.8 residents and 306.25 jobs, 1,937 people. B grows nothing: its connections stay."""
    m = growth_town()
    r = run_scenario(m, plan_scenario(m, find_plan(m, "plan-p")))
    sf = r.impact.shortfall
    [row] = sf.rows
    assert (row.component, row.first_year, row.ready_year, row.years_short) == (
        "s",
        2029,
        2031.0,
        2,
    )
    assert row.overflow == pytest.approx(2.45)
    assert row.refused_share == pytest.approx(2.45 / 3.2)
    [a] = sf.areas
    assert (a.area, a.resource, a.year) == ("area-a", EL, 2029)
    assert (a.homes, a.residents, a.jobs, a.people) == (766, 1631, 306, 1937)
    assert a.load == pytest.approx(2.45)
    assert sf.people_refused == 1937
    assert (sf.year, sf.service, sf.years_short) == (2029, EL, 2)
    # 1,937 people: B; 2 years short: C; so C, set by the years short
    crit = {c.name: c.cls for c in r.impact.criteria}
    assert (crit["people_refused"], crit["years_short"]) == ("B", "C")
    assert (r.impact.cls, r.impact.decisive) == ("C", "years_short")
    assert r.impact.reason_text("en") == (
        "class C (serious) because Station s has too little electricity capacity from 2029: "
        "2 years short before a reinforcement decided now can be ready in 2031 (lead time "
        "5 years)"
    )
    assert r.impact.reason_text("nl") == (
        "klasse C (ernstig) omdat Station s vanaf 2029 te weinig capaciteit voor elektriciteit "
        "heeft: 2 jaar tekort voordat een versterking waartoe nu besloten wordt klaar kan zijn "
        "in 2031 (doorlooptijd 5 jaar)"
    )


def test_people_refused_decide_when_they_reach_the_class_first() -> None:
    """The same plan with ten times the homes and jobs in 2029 (8,000 and 4,000): 2029 load
    2.25 + 0.6 + 8,000 x 3.0 kW + 4,000 x 0.5 kW = 28.85 MW, 25.85 MW above capacity, of
    26.6 MW new demand through S. Refused: 25.85 / 26.6 of (8,200 x 2.13 + 4,000 = 21,466)
    people = 20,861. 20,861 people: C; 2 years short: C; people come first."""
    m = growth_town()
    plan = m.plans["plan-p"]
    m.plans["plan-p"] = Plan(
        id=plan.id,
        title=plan.title,
        areas=plan.areas,
        homes={2028: 200, 2029: 8000},
        jobs={2029: 4000},
    )
    r = run_scenario(m, plan_scenario(m, m.plans["plan-p"]))
    assert r.impact.shortfall.people_refused == round(25.85 / 26.6 * (8200 * 2.13 + 4000))
    assert r.impact.shortfall.people_refused == 20861
    assert (r.impact.cls, r.impact.decisive) == ("C", "people_refused")
    assert r.impact.reason_text("en") == (
        "class C (serious) because 20,861 people (new homes, jobs, homes switching) cannot be "
        "connected to electricity in 2029: the shortfall comes before a reinforcement can be "
        "ready"
    )
    assert r.impact.reason_text("nl").startswith("klasse C (ernstig) omdat 20.861 mensen")


def heat_pump_town() -> Model:
    """T (2 MW, measured at 2.2 MW: short today, reinforcement 8 years) feeds C; U (1.8 MW,
    unmeasured, reinforcement 4 years) feeds D; C and D have 1,000 homes and 2,000 people
    each (1.5 MW). The scenario raises the heat-pump share of existing homes from 0 in 2026
    to 0.5 in 2030 (0.125 a year, 1.0 kW each)."""
    return town(
        [station("t", "substation", 2, 8, peak_mw=2.2), station("u", "substation", 1.8, 4)],
        [("imp", "t"), ("imp", "u"), ("t", "area-c"), ("u", "area-d")],
        [
            ServiceArea(id="area-c", name="C", population=2000, homes=1000),
            ServiceArea(id="area-d", name="D", population=2000, homes=1000),
        ],
        scenarios=(
            Scenario(
                id="heat-pumps",
                name="Heat pumps",
                kind=ScenarioKind.TRANSITION,
                origin_system="power",
                year=2030,
                transitions={"heat_pump": {2026: 0.0, 2030: 0.5}},
            ),
        ),
    )


def test_a_transition_whose_shortfall_is_already_there_is_not_counted() -> None:
    """T runs short without the scenario (2.2 MW of 2 MW in every year): the shortfall is not
    the transition's, and C's heat pumps are not counted, although T carries 2.2 + 0.5 MW by
    2030. U: 1.5 + 0.125 x (y - 2026) MW runs short in 2029 (1.875 MW), ready in 2030: one
    year short, 0.075 MW above capacity of the 0.375 MW the heat pumps add: 20% of D's 375
    homes switching (750 residents) is 75 homes and 150 people."""
    m = heat_pump_town()
    r = run_scenario(m, "heat-pumps")
    sf = r.impact.shortfall
    assert [row.component for row in sf.rows] == ["u"]
    [row] = sf.rows
    assert (row.first_year, row.years_short) == (2029, 1)
    assert row.overflow == pytest.approx(0.075)
    [a] = sf.areas
    assert (a.area, a.year, a.homes, a.residents, a.jobs, a.people) == (
        "area-d",
        2029,
        75,
        150,
        0,
        150,
    )
    assert sf.people_refused == 150
    # the cascade checker reads T the same way: already present, not the scenario's
    [flag] = r.flags
    assert flag.evidence["already_present"] == 1
    assert flag.evidence["exhausted_before_lead_time"] == ["u"]
    # 150 people: A; one year short: B
    assert (r.impact.cls, r.impact.decisive) == ("B", "years_short")


def test_without_the_scenario_station_short_nothing_is_counted() -> None:
    """Only T (short already): the transition causes no shortfall, class A, and the reason
    says that no shortfall comes before a reinforcement can be ready."""
    m = heat_pump_town()
    del m.components["u"]
    del m.areas["area-d"]
    m.supply = {k: s for k, s in m.supply.items() if "u" not in (s.supplier, s.consumer)}
    r = run_scenario(m, "heat-pumps")
    assert r.impact.shortfall.assessed
    assert (r.impact.shortfall.rows, r.impact.shortfall.people_refused) == ((), 0)
    assert r.impact.cls == "A"
    assert r.impact.reason_text("en") == (
        "class A (limited): no people or critical functions affected, no capacity shortfall "
        "before a reinforcement can be ready"
    )


def lead_time_town() -> Model:
    """Grid station G (10 MW, reinforcement 8 years) feeds S1 and S2 (6 MW each,
    reinforcement 2 years); S1 feeds A, S2 feeds B, 2,000 homes and 4,000 people each (3 MW).
    Plan Q builds 1,500 homes in A in 2029 (4.5 MW)."""
    plan = Plan(
        id="plan-q",
        title="Plan Q",
        areas=("area-a",),
        homes={2029: 1500},
    )
    return town(
        [
            station("g", "grid_station_hv", 10, 8),
            station("s1", "substation", 6, 2),
            station("s2", "substation", 6, 2),
        ],
        [("imp", "g"), ("g", "s1"), ("g", "s2"), ("s1", "area-a"), ("s2", "area-b")],
        [
            ServiceArea(id="area-a", name="A", population=4000, homes=2000),
            ServiceArea(id="area-b", name="B", population=4000, homes=2000),
        ],
        plans=(plan,),
    )


def test_a_shortfall_before_the_lead_time_is_years_short() -> None:
    """2029: A draws 3 + 4.5 = 7.5 MW, S1 is 1.5 MW short; G carries 10.5 MW, 0.5 MW short.
    S1's reinforcement, decided now, is ready in 2028, before the shortfall: not counted. G's
    is ready in 2034: 2029-2033, 5 years short. G refuses 0.5 / 4.5 of A's 1,500 new homes
    (3,195 residents): 166.7 homes, 355 people. Class D (5 years short)."""
    m = lead_time_town()
    r = run_scenario(m, plan_scenario(m, find_plan(m, "plan-q")))
    sf = r.impact.shortfall
    [row] = sf.rows
    assert (row.component, row.first_year, row.ready_year, row.years_short) == (
        "g",
        2029,
        2034.0,
        5,
    )
    assert row.refused_share == pytest.approx(0.5 / 4.5)
    assert sf.people_refused == round(3195 / 9) == 355
    [a] = sf.areas
    assert (a.homes, a.component, a.years_short) == (167, "g", 5)
    crit = {c.name: (c.value, c.cls) for c in r.impact.criteria}
    assert crit["years_short"] == (5.0, "D")
    assert crit["people_refused"] == (355.0, "A")
    assert (r.impact.cls, r.impact.decisive) == ("D", "years_short")


def test_json_of_check_and_cascade_carry_the_figures(tmp_path: Path) -> None:
    """``vitaal check --json`` (the plan's growth) and ``vitaal cascade --json`` carry the
    criteria and the shortfall's figures."""
    m = lead_time_town()
    m.scenarios["q"] = Scenario(id="q", name="Q", kind=ScenarioKind.GROWTH, plans=("plan-q",))
    folder = write_model(m, tmp_path / "town")
    res = run("check", str(folder), "--plan", "plan-q", "--json")
    assert res.exit_code == 0, res.output
    impact = json.loads(res.output)["plan"]["growth"]["impact"]
    assert impact["class"] == "D"
    assert impact["decisive"] == "years_short"
    assert impact["criteria"]["years_short"] == {
        "value": 5.0,
        "class": "D",
        "service": EL,
        "duration_h": None,
    }
    assert impact["criteria"]["people_refused"]["value"] == 355
    shortfall = impact["shortfall"]
    assert shortfall["people_refused"] == 355
    assert [c["component"] for c in shortfall["components"]] == ["g"]
    assert shortfall["components"][0]["years_short"] == 5
    assert shortfall["areas"][0]["people"] == 355
    res = run("cascade", str(folder), "--scenario", "q", "--json")
    assert res.exit_code == 0, res.output
    impact = json.loads(res.output)["impact"]
    assert impact["shortfall"]["years_short"] == 5
    assert "5 years short" in impact["reason"]
    assert "5 jaar tekort" in impact["reason_nl"]


def test_a_year_ahead_without_plans_or_transitions_adds_nothing_to_refuse() -> None:
    """A scenario that only moves to 2035 has the baseline's demand: nothing is assessed, and
    the reason does not speak of a shortfall."""
    m = growth_town()
    m.scenarios["later"] = Scenario(id="later", name="Later", year=2035)
    r = run_scenario(m, "later")
    assert not r.impact.shortfall.assessed
    assert r.impact.reason_text("en") == (
        "class A (limited): no people or critical functions affected"
    )
