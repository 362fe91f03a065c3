"""Demand of consumers per resource and year, with answers worked out by hand.

Most cases use the round norms of ``tests/data/growth/_norms.yaml``: 1.2 kW per existing and
per new home, 0.01 m3/h per person, 1 Nm3/h of gas per existing home, 2 persons per new
home; heat pump +1 kW, all-electric +2 kW (off gas), EV +0.5 kW (all homes), heat network
+5 kW heat (off gas), gas phase-out (total share off gas).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vitaal.catalog import data_mapping
from vitaal.engine.demand import DemandNorms, compute_demand, load_norms, map_resources
from vitaal.errors import ModelError, ScenarioError
from vitaal.model import (
    CriticalFunction,
    Model,
    ModelInfo,
    Plan,
    Resource,
    Scenario,
    ServiceArea,
)
from vitaal.model.units import Quantity

DATA = Path(__file__).parents[1] / "data"
NORMS_FILE = DATA / "growth" / "_norms.yaml"


@pytest.fixture(scope="module")
def norms() -> DemandNorms:
    return load_norms(NORMS_FILE)


def town(**areas: ServiceArea) -> Model:
    return Model(
        info=ModelInfo(name="t", base_year=2026),
        resources={
            "electricity": Resource(id="electricity", name="El", unit="MW"),
            "drinking_water": Resource(id="drinking_water", name="Water", unit="m3/h"),
            "gas": Resource(id="gas", name="Gas", unit="Nm3/h"),
            "heat": Resource(id="heat", name="Heat", unit="MW"),
            "control": Resource(id="control", name="Control", unit="service"),
        },
        areas=dict(areas) or {"a": ServiceArea(id="a", name="A", population=2000, homes=1000)},
    )


# -- the packaged norms --------------------------------------------------------------------
def test_packaged_norms_cover_every_transition_and_cite_a_source() -> None:
    norms = load_norms()
    assert set(norms.transitions) == set(data_mapping("transitions", "transitions"))
    figures = [n for per in norms.norms.values() for n in per.values()]
    figures += [n for t in norms.transitions.values() for n in t.add.values()]
    figures += [n for per in norms.critical.values() for n in per.values()]
    assert figures
    assert all(n.ref for n in figures), "every norm says where it comes from"
    assert norms.per("electricity", "home") is not None
    assert norms.per("wastewater", "person") is not None
    # heat pumps add electricity; a heat network moves homes from gas to heat
    assert "electricity" in norms.transitions["heat_pump"].add
    assert norms.transitions["heat_network"].off == ("gas",)
    assert "heat" in norms.transitions["heat_network"].add
    assert norms.transitions["gas_phase_out"].total


def test_packaged_wastewater_norm_is_the_design_dry_weather_flow() -> None:
    # 12 l per inhabitant per hour: 1,000 people give 12 m3/h
    m = Model(
        info=ModelInfo(name="t"),
        resources={"wastewater": Resource(id="wastewater", name="WW", unit="m3/h")},
        areas={"a": ServiceArea(id="a", name="A", population=1000)},
    )
    d = compute_demand(m, None, [2026])
    assert d.of("a", "wastewater")[0] == pytest.approx(12.0)


# -- the loader ----------------------------------------------------------------------------
def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "norms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_norms_that_are_not_yaml_say_where(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nnorms: {electricity: [\n")
    with pytest.raises(ModelError) as exc:
        load_norms(path)
    (problem,) = exc.value.problems
    assert problem.loc is not None
    assert problem.loc.file == str(path)
    assert problem.loc.line is not None


def test_norms_file_problems_are_collected(tmp_path: Path) -> None:
    text = NORMS_FILE.read_text(encoding="utf-8")
    text = text.replace("home: {value: 1.2, unit: kW}", "home: {value: -1.2, unit: kW}")
    text = text.replace("person: {value: 0.01, unit: m3/h}", "person: {value: 0.01, unit: l/hr}")
    text = text.replace("  cooling: {applies_to: all,", "  coolness: {applies_to: all,")
    with pytest.raises(ModelError) as exc:
        load_norms(write(tmp_path, text))
    fields = {p.field for p in exc.value.problems}
    assert "norms.electricity.home.value" in fields
    assert "norms.drinking_water.person.unit" in fields
    assert "transitions.coolness" in fields
    # and the transition that is now missing
    assert any("cooling" in p.found for p in exc.value.problems if p.field == "transitions")


def test_norms_of_two_dimensions_for_one_key_are_refused(tmp_path: Path) -> None:
    text = NORMS_FILE.read_text(encoding="utf-8").replace(
        "new_home: {value: 1.2, unit: kW}", "new_home: {value: 1.2, unit: m3/h}"
    )
    with pytest.raises(ModelError) as exc:
        load_norms(write(tmp_path, text))
    assert [p.field for p in exc.value.problems] == ["norms.electricity"]


# -- homes, people, plans --------------------------------------------------------------------
def test_homes_times_norm(norms: DemandNorms) -> None:
    # 1,000 homes x 1.2 kW = 1.2 MW; 2,000 people x 0.01 m3/h = 20 m3/h;
    # 1,000 homes x 1 Nm3/h = 1,000 Nm3/h of gas; no heat (no heat network); control: no norm
    d = compute_demand(town(), None, [2026, 2040], norms=norms)
    assert d.of("a", "electricity") == pytest.approx([1.2, 1.2])
    assert d.of("a", "drinking_water") == pytest.approx([20.0, 20.0])
    assert d.of("a", "gas") == pytest.approx([1000.0, 1000.0])
    assert d.of("a", "heat") == pytest.approx([0.0, 0.0])
    assert d.of("a", "control") == pytest.approx([0.0, 0.0])
    assert d.norm_keys == {
        "electricity": "electricity",
        "drinking_water": "drinking_water",
        "gas": "gas",
        "heat": "heat",
    }


def test_plan_homes_add_up_from_their_year(norms: DemandNorms) -> None:
    # 200 homes a year from 2027 to 2031. In 2029: 600 new homes.
    # electricity 1,600 x 1.2 kW = 1.92 MW; people 2,000 + 600 x 2 = 3,200 -> 32 m3/h;
    # new homes are gas-free (no new_home gas norm): gas stays 1,000 Nm3/h.
    m = town()
    homes = dict.fromkeys(range(2027, 2032), 200)
    m.plans["p"] = Plan(id="p", title="P", areas=("a",), homes=homes)
    s = Scenario(id="s", name="S", plans=("p",))
    d = compute_demand(m, s, range(2026, 2034), norms=norms)
    assert d.new_homes[:, 0].tolist() == [0, 200, 400, 600, 800, 1000, 1000, 1000]
    assert d.of("a", "electricity")[3] == pytest.approx(1.92)
    assert d.of("a", "drinking_water")[3] == pytest.approx(32.0)
    assert d.of("a", "gas")[3] == pytest.approx(1000.0)
    # after the last entry the growth stops: 2,000 homes x 1.2 kW = 2.4 MW
    assert d.of("a", "electricity")[-1] == pytest.approx(2.4)


def test_plan_over_two_areas_splits_evenly_and_direct_demand_counts_on(
    norms: DemandNorms,
) -> None:
    # 100 homes in 2028 over two areas: 50 each (+60 kW each).
    # direct demand 500 kW in 2030 and another 300 kW in 2032, halved: +0.25 MW each from
    # 2030, +0.4 MW each from 2032.
    a = ServiceArea(id="a", name="A", homes=1000)
    b = ServiceArea(id="b", name="B", homes=0)
    m = town(a=a, b=b)
    m.plans["p"] = Plan(
        id="p",
        title="P",
        areas=("a", "b"),
        homes={2028: 100},
        demand={"electricity": {2030: Quantity(500, "kW"), 2032: Quantity(300, "kW")}},
    )
    s = Scenario(id="s", name="S", plans=("p",))
    d = compute_demand(m, s, [2027, 2028, 2030, 2032], norms=norms)
    assert d.of("b", "electricity") == pytest.approx([0.0, 0.06, 0.31, 0.46])
    assert d.of("a", "electricity") == pytest.approx([1.2, 1.26, 1.51, 1.66])


def test_plan_without_areas_or_with_other_units_is_a_model_problem(norms: DemandNorms) -> None:
    m = town()
    m.plans["nowhere"] = Plan(id="nowhere", title="N", homes={2030: 10})
    m.plans["wet"] = Plan(
        id="wet", title="W", areas=("a",), demand={"electricity": {2030: Quantity(5, "m3/h")}}
    )
    with pytest.raises(ModelError) as exc:
        compute_demand(m, Scenario(id="s", name="S", plans=("nowhere", "wet")), norms=norms)
    assert {p.record for p in exc.value.problems} == {"nowhere", "wet"}


# -- transitions -------------------------------------------------------------------------------
def test_heat_pump_share_is_linear_between_given_years(norms: DemandNorms) -> None:
    # share 0 in 2026 and 0.4 in 2030: 0.2 in 2028 adds 0.2 x 1,000 x 1 kW = 0.2 MW;
    # constant after 2030: 0.4 MW extra in 2040.
    s = Scenario(id="s", name="S", transitions={"heat_pump": {2026: 0.0, 2030: 0.4}})
    d = compute_demand(town(), s, [2026, 2028, 2030, 2040], norms=norms)
    assert d.shares["heat_pump"] == pytest.approx([0.0, 0.2, 0.4, 0.4])
    assert d.of("a", "electricity") == pytest.approx([1.2, 1.4, 1.6, 1.6])


def test_one_given_share_holds_in_every_year(norms: DemandNorms) -> None:
    s = Scenario(id="s", name="S", transitions={"heat_pump": {2030: 0.4}})
    d = compute_demand(town(), s, [2026, 2050], norms=norms)
    assert d.of("a", "electricity") == pytest.approx([1.6, 1.6])


def test_ev_applies_to_new_homes_and_heat_pump_does_not(norms: DemandNorms) -> None:
    # 1,000 existing + 1,000 new homes in 2030. EV share 0.5 of all 2,000 homes x 0.5 kW
    # = 0.5 MW; heat pump share 0.5 of the 1,000 existing homes x 1 kW = 0.5 MW.
    # 2,000 x 1.2 kW + 0.5 + 0.5 = 3.4 MW
    m = town()
    m.plans["p"] = Plan(id="p", title="P", areas=("a",), homes={2030: 1000})
    s = Scenario(
        id="s",
        name="S",
        plans=("p",),
        transitions={"ev": {2030: 0.5}, "heat_pump": {2030: 0.5}},
    )
    d = compute_demand(m, s, [2030], norms=norms)
    assert d.of("a", "electricity")[0] == pytest.approx(3.4)


def test_homes_off_gas(norms: DemandNorms) -> None:
    # heat network 0.3 and all-electric 0.2 are distinct homes: 0.5 off gas; gas phase-out
    # says 0.4 of all homes are off gas, fewer than those two already: 0.5 counts.
    # gas: 1,000 x 1 Nm3/h x (1 - 0.5) = 500; heat: 0.3 x 1,000 x 5 kW = 1.5 MW;
    # electricity: 1.2 + 0.2 x 1,000 x 2 kW = 1.6 MW.
    s = Scenario(
        id="s",
        name="S",
        transitions={
            "heat_network": {2030: 0.3},
            "all_electric": {2030: 0.2},
            "gas_phase_out": {2030: 0.4},
        },
    )
    d = compute_demand(town(), s, [2030], norms=norms)
    assert d.of("a", "gas")[0] == pytest.approx(500.0)
    assert d.of("a", "heat")[0] == pytest.approx(1.5)
    assert d.of("a", "electricity")[0] == pytest.approx(1.6)
    # a phase-out beyond them counts in full: 0.9 off gas leaves 100 Nm3/h
    s2 = Scenario(id="s2", name="S2", transitions={**s.transitions, "gas_phase_out": {2030: 0.9}})
    assert compute_demand(town(), s2, [2030], norms=norms).of("a", "gas")[0] == pytest.approx(100)


@pytest.mark.parametrize(
    ("transitions", "message"),
    [
        ({"teleporter": {2030: 0.1}}, "unknown transition 'teleporter'"),
        ({"heat_pump": {2030: 1.5}}, "expected a number from 0 to 1"),
    ],
)
def test_bad_transitions_are_scenario_errors(
    norms: DemandNorms, transitions: dict[str, dict[int, float]], message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        compute_demand(town(), Scenario(id="s", name="S", transitions=transitions), norms=norms)


def test_unknown_plan_is_a_scenario_error(norms: DemandNorms) -> None:
    with pytest.raises(ScenarioError, match="unknown plan"):
        compute_demand(town(), Scenario(id="s", name="S", plans=("ghost",)), norms=norms)


# -- critical functions and resource names ------------------------------------------------------
def test_critical_function_demand_per_person() -> None:
    # packaged norms: acute care 2 kW per person (900 -> 1.8 MW); a police station has no
    # category norm and draws the job norm, 0.5 kW per person (100 -> 0.05 MW)
    m = town()
    cfs = m.critical_functions
    cfs["h"] = CriticalFunction(id="h", name="H", category="acute_care", people=900)
    cfs["p"] = CriticalFunction(id="p", name="P", category="police", people=100)
    d = compute_demand(m, None, [2026, 2050])
    assert d.consumer_ids == ("a", "h", "p")
    assert d.of("h", "electricity") == pytest.approx([1.8, 1.8])
    assert d.of("p", "electricity") == pytest.approx([0.05, 0.05])


def test_resource_ids_map_by_alias_or_by_choice(norms: DemandNorms) -> None:
    m = Model(
        info=ModelInfo(name="t"),
        resources={
            "power": Resource(id="power", name="Power", unit="kW"),
            "stroom_lv": Resource(id="stroom_lv", name="LV", unit="MW"),
        },
        areas={"a": ServiceArea(id="a", name="A", homes=10)},
    )
    packaged = load_norms()
    assert map_resources(m, packaged) == {"power": "electricity"}
    assert map_resources(m, packaged, {"stroom_lv": "electricity"}) == {
        "power": "electricity",
        "stroom_lv": "electricity",
    }
    # the test norms have no aliases: both resources are mapped by choice.
    both = {"power": "electricity", "stroom_lv": "electricity"}
    d = compute_demand(m, None, [2026], norms=norms, resource_map=both)
    # 10 homes x 1.2 kW: 12 kW in kW, 0.012 MW in MW
    assert d.of("a", "power")[0] == pytest.approx(12.0)
    assert d.of("a", "stroom_lv")[0] == pytest.approx(0.012)


def test_resource_unit_of_another_dimension_than_its_norms() -> None:
    m = Model(
        info=ModelInfo(name="t"),
        resources={"electricity": Resource(id="electricity", name="El", unit="m3/h")},
    )
    with pytest.raises(ModelError) as exc:
        compute_demand(m)
    assert exc.value.problems[0].record == "electricity"


def test_shapes_cover_base_year_to_2050() -> None:
    d = compute_demand(town())
    assert d.years[0] == 2026
    assert d.years[-1] == 2050
    assert d.values.shape == (25, 1, 5)
    assert np.all(d.values >= 0)
