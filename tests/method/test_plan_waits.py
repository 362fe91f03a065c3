"""What a plan waits for: the replacements on the supply chains its growth draws more from.

    ss (substation, end of life 2029, lead 1) --electricity--> district (2,000 people)
    bridge (end of life 2029, lead 3)          --road_access--> district

A plan adds 1 MW of electricity demand to the district in 2030 (and nothing else). By hand:
its growth raises the load on ss's electricity, so the replacement of ss (end of life 2029,
within the plan's years) is on the plan's own agenda; the bridge carries the district's road
access, which the plan does not raise: the plan does not wait for the bridge's replacement.
Both stay on the city's agenda as they were.
"""

from __future__ import annotations

from vitaal.method.analysis import run_analysis
from vitaal.model import (
    Component,
    Model,
    ModelInfo,
    Plan,
    Resource,
    ServiceArea,
    Subsystem,
    SupplyLink,
    System,
    link_key,
)
from vitaal.model.units import parse_quantity


def _model() -> Model:
    comps = [
        Component(id="src", subsystem="grid", kind="grid_station_hv", name="Grid station",
                  capacity={"electricity": parse_quantity("10 MW")}),
        Component(id="ss", subsystem="grid", kind="substation", name="Substation",
                  capacity={"electricity": parse_quantity("5 MW")}, end_of_life_year=2029,
                  lead_time_y=1, replacement_cost_eur=1_000_000),
        Component(id="road", subsystem="roads", kind="road", name="Ring road"),
        Component(id="bridge", subsystem="roads", kind="bridge", name="Bridge",
                  end_of_life_year=2029, lead_time_y=3, replacement_cost_eur=50_000_000),
    ]  # fmt: skip
    links = [
        SupplyLink(supplier="src", consumer="ss", resource="electricity"),
        SupplyLink(supplier="ss", consumer="district", resource="electricity"),
        SupplyLink(supplier="road", consumer="bridge", resource="road_access"),
        SupplyLink(supplier="bridge", consumer="district", resource="road_access"),
    ]
    plan = Plan(
        id="plan-heat-pumps",
        title="Heat pumps",
        areas=("district",),
        demand={"electricity": {2030: parse_quantity("1 MW")}},
    )
    return Model(
        info=ModelInfo(name="Plan waits", base_year=2026, horizon_h=72),
        resources={
            "electricity": Resource(id="electricity", name="Electricity", unit="MW"),
            "road_access": Resource(id="road_access", name="Road access", unit="veh/h"),
        },
        systems={
            "power": System(id="power", name="Power", owner="GridCo"),
            "mobility": System(id="mobility", name="Mobility", owner="RoadCo"),
        },
        subsystems={
            "grid": Subsystem(id="grid", system="power", name="Grid"),
            "roads": Subsystem(id="roads", system="mobility", name="Roads"),
        },
        components={c.id: c for c in comps},
        areas={"district": ServiceArea(id="district", name="District", population=2_000)},
        supply={link_key(lk): lk for lk in links},
        plans={plan.id: plan},
    )


def test_a_plan_waits_only_for_the_chains_it_draws_more_from() -> None:
    a = run_analysis(_model()).as_dict()
    (plan,) = a["plans"]
    assert "replacement:bridge" not in {it["id"] for it in plan["agenda"]}
    # one replacement is the plan's (the substation's, on the table or on ROUTINE)
    assert plan["agenda_routine"] + len(plan["agenda"]) == 1
    city = {it["id"] for it in a["agenda"]["items"]} | {
        it["id"] for it in a["agenda"]["routine_items"]
    }
    assert {"replacement:ss", "replacement:bridge"} <= city
