"""The Rotterdam example kept as an asset register: rules and records with their sources."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
import shapely
import yaml

from vitaal.catalog import load_data
from vitaal.errors import ModelError
from vitaal.examples import example_path
from vitaal.io.folder import read_model
from vitaal.method.questions import fitting_conflicts
from vitaal.method.stations import SOURCE_FIELDS, load_priority
from vitaal.model.model import Model
from vitaal.model.records import Plan

# --------------------------------------------------------------------------- priority rule


def _plan(**kw: Any) -> Plan:
    return Plan(id=kw.pop("id", "plan-x"), title=kw.pop("title", "A plan"), **kw)


def test_priority_rule_is_the_one_in_force_in_2026_with_its_source() -> None:
    rule = load_priority()
    ref = rule.reference
    assert all(ref.get(k) for k in SOURCE_FIELDS)
    assert ref["publisher"].startswith("Autoriteit Consument en Markt")
    assert ref["address"] == "https://zoek.officielebekendmakingen.nl/stcrt-2025-42323.html"
    assert dt.date.fromisoformat(ref["date"]) == dt.date(2025, 12, 2)
    assert dt.date.fromisoformat(rule.in_force) == dt.date(2026, 1, 1)
    # the citation line the report shows names the address
    assert ref["address"] in rule.source
    # the decision it replaces is kept with its own address and date
    old = load_data("priority")["replaces"]
    assert str(old["date"]) == "2024-04-12"
    assert old["address"].startswith("https://")


def test_every_priority_category_says_how_sure_it_is() -> None:
    rule = load_priority()
    ids = [c.id for c in rule.categories]
    assert ids == ["congestion_relief", "safety", "basic_needs", "other"]
    for c in rule.categories:
        assert c.provenance["origin"] in {"public_source", "assumed"}
        assert c.provenance["confidence"] in {"high", "medium", "low"}
        assert c.provenance["note"]
    # what could not be read in the published annex is said, with the reason
    assumed = {c.id: c.provenance.get("assumed", "") for c in rule.categories}
    assert "public transport" in assumed["basic_needs"]
    assert "table 2" in assumed["safety"]


def test_drinking_water_is_safety_and_public_transport_and_telecom_have_priority() -> None:
    rule = load_priority()
    # 2026: drinking water in category 2 (in 2024 a water company's plan fell to the last)
    assert rule.category_of(_plan(system="drinking_water")).id == "safety"
    assert rule.category_of(_plan(title="Nieuwe drinkwaterpompput")).rank == 2
    # added in 2026: public transport and telecom (placed in category 3, marked assumed)
    assert rule.category_of(_plan(title="Metro depot extension")).id == "basic_needs"
    assert rule.category_of(_plan(system="telecom")).id == "basic_needs"
    # a plain business park still comes last
    assert rule.category_of(_plan(title="Logistics park")).id == "other"
    # a plan's own category still wins over the keywords
    own = dataclasses.replace(_plan(system="drinking_water"), priority="other")
    assert rule.category_of(own).id == "other"


def test_a_priority_source_without_address_is_refused() -> None:
    spec = dict(load_data("priority"))
    spec["source"] = {k: v for k, v in spec["source"].items() if k != "address"}
    with pytest.raises(ModelError) as err:
        load_priority(spec)
    assert "address" in str(err.value)


# --------------------------------------------------------------------------- plans


@pytest.fixture(scope="module")
def rotterdam() -> Model:
    return read_model(example_path("rotterdam"))


def test_every_plan_names_real_areas_with_shares_that_add_up(rotterdam: Model) -> None:
    assert rotterdam.plans
    for plan in rotterdam.plans.values():
        assert plan.areas, plan.id
        assert set(plan.areas) <= set(rotterdam.areas), plan.id
        shares = plan.shares()
        assert set(shares) == set(plan.areas), plan.id
        assert all(s > 0 for s in shares.values()), plan.id
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-9), plan.id


def test_programmes_across_the_city_are_their_areas_not_a_box(rotterdam: Model) -> None:
    programmes = [p for p in rotterdam.plans.values() if p.area_shares]
    assert sorted(p.id for p in programmes) == ["plan-electrification", "plan-heat-network-growth"]
    for p in programmes:
        # no polygon around the areas: the fitting question has no site to check
        assert p.geometry is None
        assert list(p.area_shares) == list(p.areas)
    fit = fitting_conflicts(rotterdam)
    assert fit["plans_without_geometry"] == ["plan-electrification", "plan-heat-network-growth"]
    assert {c["plan"] for c in fit["conflicts"]}.isdisjoint(fit["plans_without_geometry"])
    # a site is smaller than the areas it names (the largest, Alexander, is about 1.5 x 1.2 km)
    for p in rotterdam.plans.values():
        if p.geometry is not None:
            assert shapely.from_wkt(p.geometry).area < 4e6, p.id


# --------------------------------------------------------------------------- grid congestion


def test_stations_carry_the_published_congestion_status_with_its_source(rotterdam: Model) -> None:
    stations = {c.id: c for c in rotterdam.components.values() if c.kind == "distribution_station"}
    assert len(stations) == 27
    for c in stations.values():
        assert c.waiting_list is not None, c.id
        assert "https://" in (c.congestion_ref or ""), c.id
    # Stedin's notice for Rotterdam-Zuid: a waiting list, room expected from 2029
    zuid = ["el-ds-feijenoord", "el-ds-zuidplein", "el-ds-charlois", "el-ds-zuidwijk"]
    assert all(stations[s].waiting_list and stations[s].congestion_until == 2029 for s in zuid)
    # the Maasvlakte was the port's only area without congestion (December 2024)
    mv = stations["el-ds-maasvlakte"]
    assert mv.waiting_list is False
    assert mv.congestion == "none"
    # the colour of each station on the map is not published: not filled in
    assert all(c.congestion is None for c in stations.values() if c.waiting_list)


def test_congestion_is_not_turned_into_loading(rotterdam: Model) -> None:
    # no station's load is published: none is put above 90 % of its capacity to mimic a notice
    for c in rotterdam.components.values():
        if c.kind != "distribution_station":
            continue
        u = c.peak_load["electricity"].value / c.capacity["electricity"].value
        assert u < 0.9, (c.id, u)


# --------------------------------------------------------------------------- build years


def _earliest_district(model: Model) -> dict[str, int]:
    """Per component, the earliest ``built_from`` of the areas it serves along primary supply
    links (a critical function counts as its area); only components whose every served area
    has one."""
    up: dict[str, list[str]] = {}
    for link in model.supply.values():
        if link.role.value == "primary":
            up.setdefault(link.consumer, []).append(link.supplier)
    starts: dict[str, int | None] = {a.id: a.built_from for a in model.areas.values()}
    for cf in model.critical_functions.values():
        starts[cf.id] = model.areas[cf.area].built_from if cf.area in model.areas else None
    bound: dict[str, int | None] = {}
    for consumer, year in starts.items():
        seen: set[str] = set()
        stack = list(up.get(consumer, ()))
        while stack:
            c = stack.pop()
            if c in seen or c not in model.components:
                continue
            seen.add(c)
            old = bound.get(c, year)
            bound[c] = None if old is None or year is None else min(old, year)
            stack.extend(up.get(c, ()))
    return {c: y for c, y in bound.items() if y is not None}


def test_nothing_is_older_than_the_district_it_serves(rotterdam: Model) -> None:
    bound = _earliest_district(rotterdam)
    # the rule has something to bite on: 22 neighbourhoods give the year their building began
    assert sum(a.built_from is not None for a in rotterdam.areas.values()) == 22
    assert rotterdam.areas["area-nesselande"].built_from == 1999
    assert len(bound) > 500
    older = sorted(
        (c, rotterdam.components[c].build_year, y)
        for c, y in bound.items()
        if (rotterdam.components[c].build_year or y) < y
    )
    assert older == []


# --------------------------------------------------------------------------- sources


UPPER_KINDS = {
    # the upper levels the issue names, by kind: every component of these kinds is registered
    "grid_station_hv", "distribution_station", "treatment_plant", "clean_water_storage",
    "reservoir", "water_intake", "waste_heat_source", "heat_plant", "heat_transport_line",
    "heat_transfer_station", "heat_storage", "wwtp", "sewer_pumping_station",
    "polder_pumping_station", "storm_surge_barrier", "dike", "data_centre", "exchange",
    "control_system", "bridge", "tunnel", "metro_line", "port_control", "terminal", "lock",
    "quay", "pipeline_hub", "gas_receiving_station", "power_plant",
}  # fmt: skip


@pytest.fixture(scope="module")
def register() -> dict[str, Any]:
    with (example_path("rotterdam") / "_sources.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_every_source_has_an_address_and_a_date(register: dict[str, Any]) -> None:
    sources = register["sources"]
    assert len(sources) >= 40
    for key, src in sources.items():
        for field in ("publisher", "title", "date", "address", "says"):
            assert str(src.get(field) or "").strip(), (key, field)
        assert str(src["address"]).startswith(("https://", "http://")), key
        assert re.search(r"(19|20)\d\d", str(src["date"])), (key, src["date"])
    # what has no address is not passed off as a source: it is a note
    assert all(isinstance(v, str) and v.strip() for v in register["notes"].values())
    assert set(register["notes"]).isdisjoint(sources)


def test_no_upper_level_component_without_a_source_or_a_reason(
    rotterdam: Model, register: dict[str, Any]
) -> None:
    upper = register["upper_level"]
    sources = register["sources"]
    kinds = {c.kind for c in rotterdam.components.values() if c.id in upper}
    assert kinds >= UPPER_KINDS - {"heat_storage"} or kinds >= UPPER_KINDS
    for c in rotterdam.components.values():
        if c.kind in UPPER_KINDS:
            assert c.id in upper, c.id
    for cid, entry in upper.items():
        c = rotterdam.components[cid]
        ref = c.prov.ref or ""
        if entry["sources"]:
            assert c.prov.origin.value == "public_source", cid
            for key in entry["sources"]:
                assert key in sources, (cid, key)
                assert sources[key]["address"] in ref, (cid, key)
        else:
            assert entry["assumed"], cid
            assert c.prov.origin.value == "assumed", cid
            assert "Assumed: " in ref, cid
    # something is sourced in every system that has upper levels, and the share is reported
    sourced = {upper[c]["system"] for c in upper if upper[c]["sources"]}
    assert sourced >= {"electricity", "heat", "drinking_water", "wastewater", "flood_defence",
                       "mobility", "port"}  # fmt: skip


def test_the_readme_lists_the_share_sourced_per_system_and_level(
    rotterdam: Model, register: dict[str, Any]
) -> None:
    readme = (example_path("rotterdam") / "README.md").read_text(encoding="utf-8")
    upper = register["upper_level"]
    by_system: dict[str, list[str]] = {}
    for c in rotterdam.components.values():
        by_system.setdefault(rotterdam.system_of(c.id), []).append(c.id)
    for system, ids in by_system.items():
        up = [i for i in ids if i in upper]
        n_src = sum(1 for i in up if upper[i]["sources"])
        share = f"{100 * n_src / len(up):.0f} %" if up else "-"
        lower = len(ids) - len(up)
        row = f"| {system} | {len(up)} | {n_src} | {share} | {len(up) - n_src} | {lower} |"
        assert row in readme, row
