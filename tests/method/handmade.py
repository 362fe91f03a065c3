"""A hand-made model for the method tests, small enough to work every number out by hand.

    gs (grid station, 10 MW, measured 8 MW) --primary--> ss1 (5 MW, measured 4 MW)
                                            --primary--> ss2 (5 MW, measured 1 MW)
    ss1 --> area-a (2,000 people), pump (buffer 0), hosp (primary; ss2 is its backup)
    ss2 --> area-b (500 people; ss1 is its backup), scada1 (buffer 2 h)
    scada1 --control--> pump (buffer 0)

Areas have no homes or jobs, so the demand norms add nothing: every load is a measured peak
(held constant) plus the plans' direct demand. Calibration pushes the substations' measured
peaks up to gs: its computed base load is 4 + 1 = 5 MW, so its own constant is 8 - 5 = 3 MW.

Base year 2026, horizons short 5 (2026-2031), medium 15 (2032-2041), long after; 24 h horizon.
Every supply link and requirement has high confidence, except the link ss1 > pump (low).
"""

from __future__ import annotations

from vitaal.model import (
    Challenge,
    Component,
    Confidence,
    Coupling,
    CouplingKind,
    CriticalFunction,
    Event,
    Horizons,
    Level,
    Model,
    ModelInfo,
    Origin,
    Plan,
    Profile,
    Provenance,
    Requirement,
    Resource,
    Role,
    Scenario,
    ScenarioKind,
    ServiceArea,
    SideOutput,
    Subsystem,
    SupplyLink,
    System,
    WayOfWorking,
    link_key,
    requirement_key,
)
from vitaal.model.units import Quantity

HIGH = Provenance(origin=Origin.UTILITY_DATA, confidence=Confidence.HIGH)


def mw(x: float) -> Quantity:
    return Quantity(x, "MW")


def build() -> Model:
    comps = [
        Component(
            id="gs",
            name="Grid station",
            subsystem="grid",
            kind="grid_station_hv",
            geometry="POINT (0 0)",
            capacity={"electricity": mw(10)},
            peak_load={"electricity": mw(8)},
            condition=3,
            build_year=1970,
            end_of_life_year=2029,
            lead_time_y=4,
            replacement_cost_eur=5_000_000,
            owner="GridCo",
            protection_zone_m=50,
        ),
        Component(
            id="ss1",
            name="Substation 1",
            subsystem="grid",
            kind="substation",
            geometry="POINT (1000 0)",
            capacity={"electricity": mw(5)},
            peak_load={"electricity": mw(4)},
            condition=2,
            end_of_life_year=2036,
            lead_time_y=2,
            replacement_cost_eur=1_000_000,
            owner="GridCo",
            protection_zone_m=20,
        ),
        Component(
            id="ss2",
            name="Substation 2",
            subsystem="grid",
            kind="substation",
            geometry="POINT (1000 500)",
            capacity={"electricity": mw(5)},
            peak_load={"electricity": mw(1)},
            condition=2,
            end_of_life_year=2050,
            lead_time_y=1,
            replacement_cost_eur=800_000,
            owner="GridCo",
            protection_zone_m=20,
        ),
        Component(
            id="pump", name="Pump", subsystem="pumps", kind="pump", geometry="POINT (2000 0)"
        ),
        Component(
            id="scada1",
            name="SCADA",
            subsystem="scada",
            kind="control_system",
            geometry="POINT (1500 600)",
            capacity={"control": Quantity(1, "service")},
            condition=4,
            end_of_life_year=2040,
            lead_time_y=1,
            replacement_cost_eur=100_000,
            owner="TelCo",
        ),
    ]
    links = [
        SupplyLink(supplier="gs", consumer="ss1", resource="electricity", prov=HIGH),
        SupplyLink(supplier="gs", consumer="ss2", resource="electricity", prov=HIGH),
        SupplyLink(supplier="ss1", consumer="area-a", resource="electricity", prov=HIGH),
        SupplyLink(supplier="ss2", consumer="area-b", resource="electricity", prov=HIGH),
        SupplyLink(
            supplier="ss1", consumer="area-b", resource="electricity", role=Role.BACKUP, prov=HIGH
        ),
        SupplyLink(supplier="ss1", consumer="hosp", resource="electricity", prov=HIGH),
        SupplyLink(
            supplier="ss2", consumer="hosp", resource="electricity", role=Role.BACKUP, prov=HIGH
        ),
        SupplyLink(supplier="ss1", consumer="pump", resource="electricity"),  # low confidence
        SupplyLink(supplier="ss2", consumer="scada1", resource="electricity", prov=HIGH),
        SupplyLink(supplier="scada1", consumer="pump", resource="control", prov=HIGH),
    ]
    reqs = [
        Requirement(consumer="scada1", resource="electricity", buffer_h=2, prov=HIGH),
        Requirement(consumer="pump", resource="electricity", buffer_h=0, prov=HIGH),
        Requirement(consumer="pump", resource="control", buffer_h=0, prov=HIGH),
    ]
    plans = [
        Plan(
            id="plan-school",
            title="School campus",
            owner="City",
            areas=("area-a",),
            geometry="POLYGON ((1010 -5, 1100 -5, 1100 5, 1010 5, 1010 -5))",
            demand={"electricity": {2030: mw(1.5)}},
            result_known=True,
            repetitive=False,
        ),
        Plan(
            id="plan-battery",
            title="Battery park",
            owner="City",
            areas=("area-a",),
            geometry="POLYGON ((-30 -30, 30 -30, 30 30, -30 30, -30 -30))",
            demand={"electricity": {2032: mw(1)}},
            result_known=False,
            repetitive=False,
        ),
        Plan(
            id="plan-lights",
            title="Street lighting renewal",
            owner="City",
            areas=("area-b",),
            demand={"electricity": {2027: mw(0.5)}},
            result_known=True,
            repetitive=True,
            run_as=WayOfWorking.ROUTINE,
        ),
        Plan(
            id="plan-heat",
            title="Heat strategy",
            result_known=False,
            repetitive=True,
            run_as=WayOfWorking.ROUTE,
        ),
    ]
    scenarios = [
        Scenario(
            id="growth",
            name="Growth to 2035",
            kind=ScenarioKind.GROWTH,
            year=2035,
            plans=("plan-school", "plan-battery", "plan-lights"),
        ),
        Scenario(
            id="ss1-fire",
            name="Fire at substation 1",
            horizon_h=24,
            events=(Event(target="ss1", time_h=0),),
        ),
    ]
    return Model(
        info=ModelInfo(
            name="Handmade", base_year=2026, horizons=Horizons(short_y=5, medium_y=15), horizon_h=24
        ),
        resources={
            "electricity": Resource(id="electricity", name="Electricity", unit="MW"),
            "control": Resource(id="control", name="Control", unit="service"),
        },
        systems={
            "power": System(id="power", name="Power", owner="GridCo"),
            "water": System(id="water", name="Water"),
            "telecom": System(id="telecom", name="Telecom", owner="TelCo"),
        },
        subsystems={
            "grid": Subsystem(
                id="grid",
                system="power",
                name="Grid",
                owner="GridCo",
                profile=Profile(goal="Power the town", structure="Radial"),
            ),
            "pumps": Subsystem(id="pumps", system="water", name="Pumps"),
            "scada": Subsystem(id="scada", system="telecom", name="SCADA", owner="TelCo"),
        },
        components={c.id: c for c in comps},
        areas={
            "area-a": ServiceArea(id="area-a", name="A", population=2000),
            "area-b": ServiceArea(id="area-b", name="B", population=500),
        },
        critical_functions={
            "hosp": CriticalFunction(id="hosp", name="Hospital", category="acute_care"),
        },
        requirements={requirement_key(r): r for r in reqs},
        supply={link_key(lk): lk for lk in links},
        couplings={
            "cp-site": Coupling(
                id="cp-site", kind=CouplingKind.CO_LOCATION, members=("ss2", "scada1")
            ),
            "cp-org": Coupling(
                id="cp-org",
                kind=CouplingKind.ORGANISATIONAL,
                members=("gs", "ss1"),
                managed_by="GridCo",
            ),
        },
        side_outputs={
            "so-heat": SideOutput(
                id="so-heat", component="gs", output="waste_heat", usable_by=("water",)
            ),
        },
        challenges={
            "ch-solar": Challenge(
                id="ch-solar",
                subsystem="grid",
                driver="Rooftop solar",
                assumption="Power flows one way",
                level=Level.STRATEGIC,
            ),
            "ch-pump": Challenge(
                id="ch-pump",
                subsystem="pumps",
                driver="Heavier rain",
                assumption="Pumps sized for yesterday's rain",
                level=Level.OPERATIONAL,
            ),
        },
        plans={p.id: p for p in plans},
        scenarios={s.id: s for s in scenarios},
    )
