"""The Rotterdam example's dependencies as the operators describe them: sewer storage and rain,
heat behind its connections, plants and stations on local control, the port in its parts."""

from __future__ import annotations

import math

import pytest

from vitaal.engine.compile import compile_model
from vitaal.engine.process import Damage, run_process
from vitaal.examples import example_path
from vitaal.io.folder import read_model
from vitaal.method.impact import assess_impact
from vitaal.method.scenario_run import ScenarioRun, run_scenario
from vitaal.model.model import Model


@pytest.fixture(scope="module")
def rotterdam() -> Model:
    return read_model(example_path("rotterdam"))


def _run(model: Model, scenario: str) -> ScenarioRun:
    return run_scenario(model, scenario, model_root=example_path("rotterdam"))


def _requirement(model: Model, consumer: str, resource: str):
    for r in model.requirements.values():
        if r.consumer == consumer and r.resource == resource:
            return r
    return None


# --------------------------------------------------------------------------- sewer


def test_every_pumping_unit_drains_into_a_store_of_the_sewer(rotterdam: Model) -> None:
    """Behind each pumping unit (in the model's direction of service) lies the storage of
    the sewer it drains: a store of ``sewer`` with many hours of dry-weather flow, which
    needs the pumps only in rain, and through which alone the areas get their service."""
    comps = rotterdam.components
    stores = {s.component: s for s in rotterdam.stores.values() if s.resource == "sewer"}
    units = [c.id for c in comps.values() if c.kind == "small_pumping_station"]
    assert len(units) > 1000
    into: dict[str, list[str]] = {}
    for link in rotterdam.supply.values():
        if link.resource == "sewer":
            into.setdefault(link.consumer, []).append(link.supplier)
    storages = [c.id for c in comps.values() if c.kind == "sewer_storage"]
    assert len(storages) == len(units)
    for sid in storages:
        assert into[sid]
        assert all(comps[s].kind == "small_pumping_station" for s in into[sid])
        # a dry day: a day or more of dry-weather flow; the figure says where it comes from
        assert stores[sid].autonomy_h >= 24, sid
        assert "7 mm" in (stores[sid].prov.ref or "")
        rain = _requirement(rotterdam, sid, "drainage")
        assert rain is not None
        assert rain.condition == "rain"
        assert 0 < rain.buffer_h <= 1
    # no area and no critical function takes wastewater removal from anything but storage
    for consumer, sups in into.items():
        if consumer in rotterdam.areas or consumer in rotterdam.critical_functions:
            assert all(comps[s].kind == "sewer_storage" for s in sups), consumer
    # pumps and mains run on while the storage behind them fills: they do not stop with
    # the station downstream
    for c in comps.values():
        if c.kind in ("small_pumping_station", "sewer_pumping_station", "sewer_main"):
            need = _requirement(rotterdam, c.id, "sewer")
            assert need is not None, c.id
            assert need.buffer_h >= 24, c.id


def test_a_stopped_pumping_station_on_a_dry_day_affects_nobody(rotterdam: Model) -> None:
    run = _run(rotterdam, "sewer-pumping-station-dry")
    assert run.impact.people_affected == 0
    assert not run.impact.person_hours
    # only the station itself is down: its pumping units run on, the storage holds
    failed = [i for i in run.cascade.failed() if i in rotterdam.components]
    assert failed == ["ww-dps-ommoord"]


def test_in_rain_the_storage_fills_and_the_sewer_overflows_until_the_rain_stops(
    rotterdam: Model,
) -> None:
    run = _run(rotterdam, "sewer-pumping-station-rain")
    sc = rotterdam.scenarios["sewer-pumping-station-rain"]
    start, end = sc.conditions["rain"][0]
    proc = run.process
    c = run.compiled
    area = c.node_index["area-ommoord"]
    losses = [
        (s, e)
        for q, s, e in zip(proc.loss_pair, proc.loss_start, proc.loss_end, strict=True)
        if c.pair_node[q] == area and c.resource_ids[c.pair_resource[q]] == "sewer"
    ]
    assert losses, "Ommoord's sewer overflows in the rain"
    first, last = min(s for s, _ in losses), max(e for _, e in losses)
    # full within the half hour after the rain began, back when it stopped
    assert start < first <= start + 0.5 + 1e-9
    assert math.isclose(last, end)
    assert run.impact.people_affected == rotterdam.areas["area-ommoord"].population


def test_pumping_stations_and_plants_run_on_local_control(rotterdam: Model) -> None:
    """Losing the central control or telemetry never stops a pumping station or a plant of
    the sewer, the polders or the heat network within the horizon: it runs on local control
    (a degraded mode at full capacity) or by hand."""
    kinds = {
        "sewer_pumping_station",
        "wwtp",
        "polder_pumping_station",
        "heat_pump_station",
        "heat_transfer_station",
        "grid_station_hv",
        "distribution_station",
        "treatment_plant",
        "booster_station",
    }
    for c in rotterdam.components.values():
        if c.kind not in kinds:
            continue
        need = _requirement(rotterdam, c.id, "control")
        has_link = any(
            link.consumer == c.id and link.resource == "control"
            for link in rotterdam.supply.values()
        )
        if not has_link:
            continue
        assert need is not None, c.id
        assert need.buffer_h + need.degraded_h >= 168, c.id


# --------------------------------------------------------------------------- heat


def test_homes_on_the_heat_networks_are_the_published_counts(rotterdam: Model) -> None:
    """About 46,000 connections of Eneco and 8,000 of Vattenfall (4,500 of them in
    Hoogvliet), one home in six, not 140,000."""
    conn = {a.id: a.connections.get("heat", 0) for a in rotterdam.areas.values()}
    total = sum(conn.values())
    assert total == pytest.approx(54_000, abs=50)
    homes = sum(a.homes for a in rotterdam.areas.values())
    assert total / homes == pytest.approx(1 / 6, abs=0.01)
    hoogvliet = conn["area-hoogvliet-noord"] + conn["area-hoogvliet-zuid"]
    assert hoogvliet == pytest.approx(4_500, abs=5)
    # every connected area has a network behind it, and only those
    heated = {
        link.consumer
        for link in rotterdam.supply.values()
        if link.resource == "heat" and link.consumer in rotterdam.areas
    }
    assert heated == {a for a, n in conn.items() if n}
    profile = rotterdam.subsystems["heat-dist"].profile
    assert "54,000" in profile.result
    assert "140,000" not in profile.result


def test_a_heat_failure_counts_only_the_connected_homes(rotterdam: Model) -> None:
    """The pump station of Ommoord's heat network stops for a day: the people behind its
    8,800 or so connections lose heat, not the 26,000 who live there."""
    c = compile_model(rotterdam)
    r = run_process(c, [Damage("heat-ps-ommoord", 0.0, repair_h=24.0)], 48.0)
    imp = assess_impact(rotterdam, c, r.as_cascade(), lost_hours=r.lost_hours())
    ommoord = rotterdam.areas["area-ommoord"]
    assert imp.people_by_service["heat"] == ommoord.people_for("heat")
    assert ommoord.people_for("heat") < 0.7 * ommoord.population


# --------------------------------------------------------------------------- gas and port


def test_gas_receiving_stations_deliver_without_grid_power(rotterdam: Model) -> None:
    stations = [c.id for c in rotterdam.components.values() if c.kind == "gas_receiving_station"]
    assert len(stations) == 9
    powered = {
        link.consumer
        for link in rotterdam.supply.values()
        if link.resource == "electricity" and link.consumer in stations
    }
    assert powered == set()
    assert all("gas pressure" in (rotterdam.components[s].prov.ref or "") for s in stations)


def test_terminals_and_nautical_services_are_separate_parts(rotterdam: Model) -> None:
    """No terminal, tank hub, lock or quay needs vessel traffic management; the traffic
    centres do not hang on the Harbour Coordination Centre: losing the centre for good stops
    no terminal and no traffic centre within three days."""
    comps = rotterdam.components
    port_assets = {
        c.id for c in comps.values() if c.kind in ("terminal", "pipeline_hub", "lock", "quay")
    }
    for link in rotterdam.supply.values():
        if link.resource == "vessel_traffic":
            assert link.consumer not in port_assets, link
            assert link.supplier != "port-hcc" or link.consumer in rotterdam.critical_functions
    c = compile_model(rotterdam)
    r = run_process(c, [Damage("port-hcc", 0.0, repair_h=1000.0)], 72.0)
    failed = set(r.as_cascade().failed())
    assert failed & port_assets == set()
    assert failed & {"port-vc-hvh", "port-vc-botlek", "port-vc-stad"} == set()
    # a terminal that stops takes no nautical service down either
    r = run_process(c, [Damage("port-ect-delta", 0.0, repair_h=1000.0)], 72.0)
    assert set(r.as_cascade().failed()) == {"port-ect-delta"}
