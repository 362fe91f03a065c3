"""A small town for the options tests, every number of it worked out by hand.

    gs (grid station) --> ss (substation, floods at 0.3 m) --> area-a   (20,000 people)
                                                           --> scada    (control; buffer 0)
                                                           --> pump     (water; buffer 0)
                                                           --> hp       (heat plant; buffer 0)
    scada --control--> pump --drinking water--> area-b (30,000 people)
    hp --heat--> area-c (15,000 people)

Scenario ``flood``: 0.5 m of water at ss at 0 h, once in 50 years; a substation flooded is
repaired after 72 h, beyond the 24 h horizon, so every loss lasts the whole horizon.
Scenario ``scada-fault``: scada fails at 0 h and is repaired after 100 h, once in 10 years.
No jobs, no replacement costs: the economic loss is 0; no critical functions.

The register (``REGISTER``, as a model's ``interventions.yaml``):

- ``floodproof-ss`` (protection): ss's threshold raised to 1 m; it no longer floods;
- ``hp-own-supply`` (autonomy): the heat plant bridges 8 h without power;
- ``pump-generator`` (autonomy): a generator as the pump's backup supply;
- ``scada-battery`` (autonomy): scada bridges 48 h without power;
- ``mobile-substation`` (faster repair): a flooded substation is back after 12 h.
"""

from __future__ import annotations

from pathlib import Path

from vitaal.io.folder import read_model, write_model
from vitaal.model import (
    Component,
    Edit,
    EditOp,
    Event,
    Hazard,
    Intervention,
    InterventionKind,
    Model,
    ModelInfo,
    Requirement,
    Resource,
    Scenario,
    ServiceArea,
    Subsystem,
    SupplyLink,
    System,
    link_key,
    requirement_key,
)
from vitaal.model.units import Quantity

REGISTER = """\
- id: floodproof-ss
  name: Flood-proof substation ss
  kind: protection
  owner: GridCo
  investment_eur: 500000
  yearly_cost_eur: 1000
  lead_time_y: 1
  lifetime_y: 30
  ref: hand-made
  changes:
    - set: components/ss
      thresholds: {water_depth: 1 m}
- id: hp-own-supply
  name: Gas engine at the heat plant
  kind: autonomy
  owner: HeatCo
  investment_eur: 50000
  lead_time_y: 0
  lifetime_y: 20
  changes:
    - set: requirements/hp|electricity
      buffer_h: 8
- id: pump-generator
  name: Generator at the pump
  kind: autonomy
  owner: WaterCo
  investment_eur: 100000
  lifetime_y: 20
  changes:
    - add: components
      id: gen
      subsystem: grid
      kind: backup_generator
      capacity: {electricity: 1 MW}
    - add: supply
      supplier: gen
      consumer: pump
      resource: electricity
      role: backup
- id: scada-battery
  name: Battery at the control system
  kind: autonomy
  owner: TelCo
  investment_eur: 20000
  lifetime_y: 10
  changes:
    - set: requirements/scada|electricity
      buffer_h: 48
- id: mobile-substation
  name: Mobile substation
  kind: faster_repair
  owner: GridCo
  investment_eur: 300000
  lifetime_y: 15
  changes:
    - repair: substation
      hazard_repair_h: 12
"""


def build() -> Model:
    def mw(x: float) -> Quantity:
        return Quantity(x, "MW")

    comps = [
        Component(
            id="gs", subsystem="grid", kind="grid_station_hv", capacity={"electricity": mw(100)}
        ),
        Component(
            id="ss",
            subsystem="grid",
            kind="substation",
            geometry="POINT (92000 436000)",
            capacity={"electricity": mw(50)},
            thresholds={"water_depth": Quantity(0.3, "m")},
        ),
        Component(
            id="scada",
            subsystem="scada",
            kind="control_system",
            capacity={"control": Quantity(1, "service")},
        ),
        Component(
            id="pump",
            subsystem="pumps",
            kind="water_pump",
            capacity={"drinking_water": Quantity(1000, "m3/h")},
        ),
        Component(id="hp", subsystem="plants", kind="heat_plant", capacity={"heat": mw(20)}),
    ]
    links = [
        SupplyLink(supplier="gs", consumer="ss", resource="electricity"),
        SupplyLink(supplier="ss", consumer="area-a", resource="electricity"),
        SupplyLink(supplier="ss", consumer="scada", resource="electricity"),
        SupplyLink(supplier="ss", consumer="pump", resource="electricity"),
        SupplyLink(supplier="ss", consumer="hp", resource="electricity"),
        SupplyLink(supplier="scada", consumer="pump", resource="control"),
        SupplyLink(supplier="pump", consumer="area-b", resource="drinking_water"),
        SupplyLink(supplier="hp", consumer="area-c", resource="heat"),
    ]
    reqs = [
        Requirement(consumer="scada", resource="electricity"),
        Requirement(consumer="pump", resource="electricity"),
        Requirement(consumer="pump", resource="control"),
        Requirement(consumer="hp", resource="electricity"),
    ]
    scenarios = [
        Scenario(
            id="flood",
            name="Flood at the substation",
            horizon_h=24,
            hazards=(Hazard(type="water_depth", unit="m", values={"ss": 0.5}),),
            return_period_y=50,
        ),
        Scenario(
            id="scada-fault",
            name="Control system fault",
            horizon_h=24,
            events=(Event(target="scada", repair_h=100),),
            return_period_y=10,
        ),
    ]
    return Model(
        info=ModelInfo(name="Options town", base_year=2026, horizon_h=24),
        resources={
            "electricity": Resource(id="electricity", name="Electricity", unit="MW"),
            "control": Resource(id="control", name="Control", unit="service"),
            "drinking_water": Resource(id="drinking_water", name="Drinking water", unit="m3/h"),
            "heat": Resource(id="heat", name="Heat", unit="MW"),
        },
        systems={
            "power": System(id="power", name="Power", owner="GridCo"),
            "telecom": System(id="telecom", name="Telecom", owner="TelCo"),
            "water": System(id="water", name="Water", owner="WaterCo"),
            "heat": System(id="heat", name="Heat", owner="HeatCo"),
        },
        subsystems={
            "grid": Subsystem(id="grid", system="power", name="Grid"),
            "scada": Subsystem(id="scada", system="telecom", name="SCADA"),
            "pumps": Subsystem(id="pumps", system="water", name="Pumps"),
            "plants": Subsystem(id="plants", system="heat", name="Plants"),
        },
        components={c.id: c for c in comps},
        areas={
            "area-a": ServiceArea(id="area-a", name="A", population=20_000),
            "area-b": ServiceArea(id="area-b", name="B", population=30_000),
            "area-c": ServiceArea(id="area-c", name="C", population=15_000),
        },
        requirements={requirement_key(r): r for r in reqs},
        supply={link_key(lk): lk for lk in links},
        scenarios={s.id: s for s in scenarios},
    )


def folder(tmp: Path, register: str = REGISTER) -> Path:
    """The town written as a model folder, with ``register`` as its interventions.yaml."""
    root = write_model(build(), tmp / "town")
    (root / "interventions.yaml").write_text(register, encoding="utf-8")
    return root


def model(tmp: Path, register: str = REGISTER) -> Model:
    """The town read back from its folder, register included."""
    return read_model(folder(tmp, register))


def intervention(
    *, investment: float | None, yearly: float, lead: float, lifetime: float | None
) -> Intervention:
    """An intervention with these figures (its one change does not matter to its cost)."""
    return Intervention(
        id="x",
        name="X",
        kind=InterventionKind.REINFORCEMENT,
        changes=(Edit(op=EditOp.REMOVE, kind="supply", key="hp>area-c|heat"),),
        investment_eur=investment,
        yearly_cost_eur=yearly,
        lead_time_y=lead,
        lifetime_y=lifetime,
    )
