"""Validation of a whole model, rule by rule, on copies of the tiny model with one thing broken.

Each case edits one file of ``tests/data/tiny`` (which validates clean) and asserts the exact
problem: file, line, field, and what was found and expected. Line numbers are those of the
tiny model's files; a YAML record's problems found by validation point at the line where the
record starts, a CSV record's at its row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vitaal.errors import ModelError, Problem, Severity
from vitaal.io.folder import load_model, read_model
from vitaal.model.validate import validate_model

GRID = "components/grid.csv"
WATER = "components/water.yaml"


def edit(folder: Path, rel: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``folder/rel`` by ``new``."""
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def problems_of(folder: Path) -> list[Problem]:
    model, problems = load_model(folder)
    return problems + validate_model(model)


def where(p: Problem) -> tuple[str | None, int | None, str | None]:
    return (p.loc.file if p.loc else None, p.loc.line if p.loc else None, p.field)


def the_one(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_tiny_model_is_clean(tiny: Path) -> None:
    assert problems_of(tiny) == []
    model = read_model(tiny)
    assert len(model.components) == 7
    assert len(model.supply) == 15


# -- unknown ids --------------------------------------------------------------------------
UNKNOWN_IDS = [
    # (file, old, new, expected (file, line, field), found, expected, record)
    pytest.param(
        WATER, "subsystem: tel-scada", "subsystem: tel-scad",
        (WATER, 22, "subsystem"), "'tel-scad'", "an existing subsystem id", "scada-1",
        id="component-subsystem",
    ),
    pytest.param(
        "requirements.csv", "hosp-1,electricity,48", "hosp-9,electricity,48",
        ("requirements.csv", 5, "consumer"), "'hosp-9' (an unknown id)",
        "an existing component, area or critical function id", "hosp-9|electricity",
        id="requirement-consumer",
    ),
    pytest.param(
        "requirements.csv", "scada-1,electricity,2", "scada-1,electrcity,2",
        ("requirements.csv", 4, "resource"), "'electrcity'", "an existing resource id",
        "scada-1|electrcity",
        id="requirement-resource",
    ),
    pytest.param(
        "supply.csv", "ss-1,hosp-1,electricity", "ss-1,hosp-2,electricity",
        ("supply.csv", 7, "consumer"), "'hosp-2' (an unknown id)",
        "an existing component, area or critical function id", None,
        id="supply-consumer",
    ),
    pytest.param(
        "supply.csv", "tower-1,hosp-1,drinking_water", "tower-1,hosp-1,drinking-water",
        ("supply.csv", 16, "resource"), "'drinking-water'", "an existing resource id", None,
        id="supply-resource",
    ),
    pytest.param(
        "stores.csv", "tower-1,drinking_water", "tower-9,drinking_water",
        ("stores.csv", 2, "component"), "'tower-9'", "an existing component id",
        "tower-9|drinking_water",
        id="store-component",
    ),
    pytest.param(
        "couplings.yaml", "members: [gs-1, wtp-1]", "members: [gs-1, wtp-9]",
        ("couplings.yaml", 3, "members"), "'wtp-9'", "an existing component id", "cpl-gs-wtp",
        id="coupling-member",
    ),
    pytest.param(
        "side_outputs.yaml", "component: gs-1", "component: gs-9",
        ("side_outputs.yaml", 1, "component"), "'gs-9'", "an existing component id",
        "so-gs-heat",
        id="side-output-component",
    ),
    pytest.param(
        "side_outputs.yaml", "usable_by: [water]", "usable_by: [gas]",
        ("side_outputs.yaml", 1, "usable_by"), "'gas'", "an existing system id", "so-gs-heat",
        id="side-output-usable-by",
    ),
    pytest.param(
        "challenges.yaml", "subsystem: el-grid", "subsystem: el-grd",
        ("challenges.yaml", 2, "subsystem"), "'el-grd'", "an existing subsystem id", "ch-solar",
        id="challenge-subsystem",
    ),
    pytest.param(
        "critical_functions.csv", "acute_care,area-north", "acute_care,area-west",
        ("critical_functions.csv", 2, "area"), "'area-west'", "an existing service area id",
        "hosp-1",
        id="critical-function-area",
    ),
    pytest.param(
        "plans.yaml", "owner: Town council", "owner: Town council\n  system: gas",
        ("plans.yaml", 4, "system"), "'gas'", "an existing system id", "plan-harbour",
        id="plan-system",
    ),
    pytest.param(
        "plans.yaml", "areas: [area-south]", "areas: [area-east]",
        ("plans.yaml", 4, "areas"), "'area-east'", "an existing service area id",
        "plan-harbour",
        id="plan-area",
    ),
    pytest.param(
        "plans.yaml", "demand: {electricity:", "demand: {heat:",
        ("plans.yaml", 7, "demand"), "'heat'", "an existing resource id", "plan-harbour",
        id="plan-demand-resource",
    ),
    pytest.param(
        "scenarios/flood.yaml", "kind: shock", "kind: shock\norigin_system: gas",
        ("scenarios/flood.yaml", 4, "origin_system"), "'gas'", "an existing system id", "flood",
        id="scenario-origin-system",
    ),
    pytest.param(
        "scenarios/flood.yaml", "kind: shock", "kind: shock\nplans: [plan-ghost]",
        ("scenarios/flood.yaml", 4, "plans"), "'plan-ghost'", "an existing plan id", "flood",
        id="scenario-plan",
    ),
    pytest.param(
        "scenarios/flood.yaml", "{target: ss-2, time_h: 1}", "{target: ss-9, time_h: 1}",
        ("scenarios/flood.yaml", 5, "events"), "target 'ss-9'",
        "an existing component, area or critical function id", "flood",
        id="scenario-event-target",
    ),
    pytest.param(
        "scenarios/flood.yaml", "    time_h: 2\n", "    time_h: 2\n    values: {gs-9: 0.5}\n",
        ("scenarios/flood.yaml", 7, "hazards"), "value for 'gs-9'", "an existing component id",
        "flood",
        id="scenario-hazard-value",
    ),
    pytest.param(
        "scenarios/flood.yaml", "type: water_depth", "type: lava_depth",
        ("scenarios/flood.yaml", 7, "hazards"), "type 'lava_depth'",
        "one of water_depth, wind_speed, temperature, water_temperature, rainfall, subsidence",
        "flood",
        id="scenario-hazard-type",
    ),
    pytest.param(
        "scenarios/flood.yaml", "kind: shock", "kind: shock\ntransitions: {teleport: {2030: 0.5}}",
        ("scenarios/flood.yaml", 4, "transitions"), "'teleport'",
        "one of heat_pump, ev, all_electric, cooling, heat_network, gas_phase_out", "flood",
        id="scenario-transition",
    ),
    pytest.param(
        GRID, "water_depth: 0.3 m", "lava_depth: 0.3 m",
        (GRID, 2, "thresholds"), "hazard 'lava_depth'", "a hazard of vitaal/data/hazards.yaml",
        "gs-1",
        id="component-threshold-hazard",
    ),
    pytest.param(
        GRID, "el-grid,grid_station_hv", "el-grid,grid_station_xl",
        (GRID, 2, "kind"), "'grid_station_xl'",
        "a kind of vitaal/data/kinds.yaml or of model.yaml 'kinds'", "gs-1",
        id="component-kind",
    ),
    pytest.param(
        "critical_functions.csv", "acute_care", "circus",
        ("critical_functions.csv", 2, "category"), "'circus'", "one of acute_care, care_home",
        "hosp-1",
        id="critical-function-category",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rel", "old", "new", "at", "found", "expected", "record"), UNKNOWN_IDS)
def test_unknown_id_is_reported_where_it_is(
    tiny: Path,
    rel: str,
    old: str,
    new: str,
    at: tuple[str, int, str],
    found: str,
    expected: str,
    record: str | None,
) -> None:
    edit(tiny, rel, old, new)
    p = the_one(problems_of(tiny))
    assert where(p) == at
    assert p.found == found
    assert p.expected.startswith(expected)
    assert p.record == record
    assert p.severity is Severity.ERROR


def test_kind_added_by_the_model_is_known(tiny: Path) -> None:
    edit(tiny, GRID, "el-grid,grid_station_hv", "el-grid,grid_station_xl")
    append(tiny, "model.yaml", "kinds: [grid_station_xl]\n")
    assert problems_of(tiny) == []


def test_subsystem_of_an_unknown_system(tiny: Path) -> None:
    (tiny / "subsystems.yaml").write_text(
        "- {id: gas-net, name: Gas network, system: gas}\n", encoding="utf-8"
    )
    p = the_one(problems_of(tiny))
    assert where(p) == ("subsystems.yaml", 1, "system")
    assert (p.found, p.expected, p.record) == ("'gas'", "an existing system id", "gas-net")


# -- dangling suppliers -------------------------------------------------------------------
def test_misspelt_supplier_is_dangling(tiny: Path) -> None:
    edit(tiny, "supply.csv", "gs-1,ss-1,electricity", "gs-7,ss-1,electricity")
    p = the_one(problems_of(tiny))
    assert where(p) == ("supply.csv", 2, "supplier")
    assert p.found == "'gs-7' (an unknown id)"
    assert p.expected == "an existing component id"


def test_consumer_cannot_supply(tiny: Path) -> None:
    append(tiny, "supply.csv", "area-north,hosp-1,electricity,backup\n")
    p = the_one(problems_of(tiny))
    assert where(p) == ("supply.csv", 17, "supplier")
    assert p.found == "'area-north' (a consumer, which cannot supply)"
    assert p.expected == "an existing component id"


def test_component_cannot_supply_itself(tiny: Path) -> None:
    append(tiny, "supply.csv", "ss-1,ss-1,electricity,backup\n")
    p = the_one(problems_of(tiny))
    assert where(p) == ("supply.csv", 17, "consumer")
    assert p.found == "'ss-1' supplying itself"


# -- a resource nobody supplies -----------------------------------------------------------
def test_resource_nobody_supplies(tiny: Path) -> None:
    # scada-1 was the only source of control: drop its link and its capacity
    edit(tiny, "supply.csv", "scada-1,wtp-1,control,primary\n", "")
    edit(tiny, WATER, "  capacity: {control: 1 service}\n", "")
    problems = problems_of(tiny)
    assert sorted(where(p) for p in problems) == [
        ("requirements.csv", 3, "resource"),
        ("resources.yaml", 3, "id"),
    ]
    by_file = {p.loc.file: p for p in problems if p.loc}
    need = by_file["requirements.csv"]
    assert need.found == "'wtp-1' needs control but has no supplier of it"
    assert need.expected == "at least one supply link to it for this resource"
    assert need.record == "wtp-1|control"
    nobody = by_file["resources.yaml"]
    assert (
        nobody.found == "resource 'control' needed (by 'wtp-1' and others) but supplied by no one"
    )
    assert nobody.expected == "a producer of it"
    assert nobody.record == "control"


def test_requirement_without_any_supply_link(tiny: Path) -> None:
    edit(tiny, "supply.csv", "ss-1,scada-1,electricity,primary\n", "")
    p = the_one(problems_of(tiny))
    assert where(p) == ("requirements.csv", 4, "resource")
    assert p.found == "'scada-1' needs electricity but has no supplier of it"


# -- unit mismatches ----------------------------------------------------------------------
UNIT_MISMATCHES = [
    pytest.param(
        WATER, "{drinking_water: 5000 m3/h}", "{drinking_water: 5000 MW}",
        (WATER, 6, "capacity"), "5000 MW for drinking_water, a power",
        "a volume flow like m3/h (unit mismatch)", "wtp-1",
        id="capacity",
    ),
    pytest.param(
        GRID, "electricity: 30 MW", "electricity: 30 m3/h",
        (GRID, 3, "peak_load"), "30 m3/h for electricity, a volume flow",
        "a power like MW (unit mismatch)", "ss-1",
        id="peak-load",
    ),
    pytest.param(
        GRID, "water_depth: 0.3 m", "water_depth: 0.3 MW",
        (GRID, 2, "thresholds"), "0.3 MW for hazard water_depth, a power",
        "a length like m (unit mismatch)", "gs-1",
        id="threshold",
    ),
    pytest.param(
        "plans.yaml", "{2030: 5 MW}", "{2030: 5 m3/h}",
        ("plans.yaml", 7, "demand"), "5 m3/h for electricity, a volume flow",
        "a power like MW (unit mismatch)", "plan-harbour",
        id="plan-demand",
    ),
    pytest.param(
        "scenarios/flood.yaml", "unit: m\n", "unit: MW\n",
        ("scenarios/flood.yaml", 7, "hazards"), "unit 'MW' for hazard water_depth, a power",
        "a length like m (unit mismatch)", "flood",
        id="hazard-unit",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rel", "old", "new", "at", "found", "expected", "record"), UNIT_MISMATCHES
)
def test_unit_mismatch(
    tiny: Path,
    rel: str,
    old: str,
    new: str,
    at: tuple[str, int, str],
    found: str,
    expected: str,
    record: str,
) -> None:
    edit(tiny, rel, old, new)
    p = the_one(problems_of(tiny))
    assert where(p) == at
    assert (p.found, p.expected, p.record) == (found, expected, record)


def test_units_of_the_same_dimension_meet(tiny: Path) -> None:
    edit(tiny, GRID, "electricity: 40 MW,electricity: 30 MW", "electricity: 40000 kW,30 MVA")
    edit(tiny, GRID, ",30 MVA,", ",electricity: 30000 kW,")
    edit(tiny, "plans.yaml", "{2030: 5 MW}", "{2030: 5000 kW}")
    edit(tiny, GRID, "water_depth: 0.3 m", "water_depth: 30 cm")
    assert problems_of(tiny) == []


def test_unknown_unit_of_a_resource_is_reported_once(tiny: Path) -> None:
    # the capacities in 'service' are not blamed for the resource's own bad unit
    edit(tiny, "resources.yaml", "unit: service", "unit: furlong")
    p = the_one(problems_of(tiny))
    assert where(p) == ("resources.yaml", 3, "unit")
    assert (p.found, p.expected, p.record) == (
        "'furlong'",
        "a unit of vitaal/data/units.yaml",
        "control",
    )


# -- negative or missing capacities -------------------------------------------------------
def test_negative_capacity(tiny: Path) -> None:
    edit(
        tiny,
        GRID,
        "electricity: 40 MW,electricity: 30 MW",
        "electricity: -40 MW,electricity: 30 MW",
    )
    p = the_one(problems_of(tiny))
    assert where(p) == (GRID, 3, "capacity")
    assert (p.found, p.expected, p.record) == (
        "electricity: -40 MW",
        "a capacity of 0 or more",
        "ss-1",
    )


def test_negative_peak_load(tiny: Path) -> None:
    edit(tiny, GRID, "electricity: 80 MW", "electricity: -80 MW")
    p = the_one(problems_of(tiny))
    assert where(p) == (GRID, 2, "peak_load")
    assert p.found == "electricity: -80 MW"


def test_producer_without_capacity(tiny: Path) -> None:
    edit(tiny, GRID, "92000,437000,electricity: 100 MW,", "92000,437000,,")
    p = the_one(problems_of(tiny))
    assert where(p) == (GRID, 2, "capacity")
    assert p.severity is Severity.ERROR
    assert p.found == "no capacity for electricity, which it produces"
    assert p.expected == "its capacity for electricity (a producer must state it)"


def test_carrier_without_capacity_is_a_warning(tiny: Path) -> None:
    edit(tiny, WATER, "  capacity: {drinking_water: 3000 m3/h}\n", "")
    p = the_one(problems_of(tiny))
    assert where(p) == (WATER, 15, "capacity")
    assert p.severity is Severity.WARNING
    assert p.found == "no capacity for drinking_water, which it carries"
    # a warning does not stop reading, except with strict
    assert read_model(tiny).components["main-1"].capacity == {}
    with pytest.raises(ModelError) as info:
        read_model(tiny, strict=True)
    assert info.value.problems == [p]
    assert info.value.errors == []


# -- impossible years ---------------------------------------------------------------------
def test_end_of_life_before_build_year(tiny: Path) -> None:
    edit(tiny, GRID, ",1975,2035,", ",1975,1970,")
    p = the_one(problems_of(tiny))
    assert where(p) == (GRID, 2, "end_of_life_year")
    assert p.found == "1970, before its build year 1975"
    assert p.expected == "an end of life after the build year"


def test_end_of_life_in_the_build_year_is_possible(tiny: Path) -> None:
    edit(tiny, GRID, ",1975,2035,", ",1975,1975,")
    assert problems_of(tiny) == []


@pytest.mark.parametrize(("year", "reported"), [(2056, False), (2057, True)])
def test_build_year_more_than_30_years_after_the_base_year(
    tiny: Path, year: int, reported: bool
) -> None:
    edit(tiny, WATER, "build_year: 1970", f"build_year: {year}")
    problems = problems_of(tiny)
    if not reported:
        assert problems == []
        return
    p = the_one(problems)
    assert where(p) == (WATER, 7, "build_year")
    assert (p.found, p.expected) == ("2057", "a build year up to 2056 (base year 2026)")


def test_plan_year_long_before_the_base_year(tiny: Path) -> None:
    edit(tiny, "plans.yaml", "homes: {2027: 300, 2028: 500}", "homes: {1975: 300, 1976: 500}")
    p = the_one(problems_of(tiny))
    assert where(p) == ("plans.yaml", 6, "homes")
    assert (p.found, p.expected) == ("year 1975", "a year from 1976 on (base year 2026)")


def test_scenario_year_long_before_the_base_year(tiny: Path) -> None:
    edit(tiny, "scenarios/flood.yaml", "kind: shock", "kind: shock\nyear: 1950")
    p = the_one(problems_of(tiny))
    assert where(p) == ("scenarios/flood.yaml", 4, "year")
    assert (p.found, p.expected) == ("1950", "a year from 1976 on")


# -- k larger than the number of suppliers ------------------------------------------------
def test_k_larger_than_the_number_of_suppliers(tiny: Path) -> None:
    edit(tiny, "requirements.csv", "hosp-1,electricity,48,1", "hosp-1,electricity,48,3")
    p = the_one(problems_of(tiny))
    assert where(p) == ("requirements.csv", 5, "k")
    assert (p.found, p.expected) == (
        "k = 3 with only 2 supplier(s)",
        "k at most 2, the number of its suppliers",
    )


def test_k_equal_to_the_number_of_suppliers(tiny: Path) -> None:
    # ss-1 (primary) and ss-2 (backup) both count toward k, and both are fed by gs-1
    edit(tiny, "requirements.csv", "hosp-1,electricity,48,1", "hosp-1,electricity,48,2")
    assert problems_of(tiny) == []


# -- duplicate ids ------------------------------------------------------------------------
def test_duplicate_component_id_across_files(tiny: Path) -> None:
    # main-1 becomes a second ss-1; its links then name an id that no longer exists
    edit(tiny, WATER, "- id: main-1", "- id: ss-1")
    problems = problems_of(tiny)
    dup = problems[0]
    assert where(dup) == (WATER, 15, "id")
    assert dup.found == "'ss-1' again"
    assert dup.expected == "a unique id (first defined at components/grid.csv:3)"
    assert [where(p) for p in problems[1:3]] == [
        ("supply.csv", 12, "consumer"),
        ("supply.csv", 13, "supplier"),
    ]


def test_component_and_area_share_one_namespace(tiny: Path) -> None:
    append(tiny, "areas.csv", "gs-1,Grid station quarter,district,0,0,0,,\n")
    p = the_one(problems_of(tiny))
    assert where(p) == ("areas.csv", 4, "id")
    assert p.found == "'gs-1' again"
    assert p.expected == "a unique id (first defined at components/grid.csv:2)"


def test_duplicate_resource_id(tiny: Path) -> None:
    append(tiny, "resources.yaml", "- {id: control, name: Control again, unit: service}\n")
    p = the_one(problems_of(tiny))
    assert where(p) == ("resources.yaml", 4, "id")
    assert p.expected == "a unique id (first defined at resources.yaml:3)"


def test_duplicate_supply_link(tiny: Path) -> None:
    append(tiny, "supply.csv", "gs-1,ss-1,electricity,backup\n")
    p = the_one(problems_of(tiny))
    assert where(p) == ("supply.csv", 17, None)
    assert p.found == "'gs-1>ss-1|electricity' again"
    assert p.expected == "a unique id (first defined at supply.csv:2)"


# -- bad geometry -------------------------------------------------------------------------
def test_self_intersecting_polygon(tiny: Path) -> None:
    edit(
        tiny,
        "plans.yaml",
        "92500 436200, 93200 436200, 93200 436800",
        "92500 436200, 93200 436800, 93200 436200",
    )
    p = the_one(problems_of(tiny))
    assert where(p) == ("plans.yaml", 5, "geometry")
    assert p.found == "an invalid geometry (Self-intersection[92850 436500])"
    assert p.expected == "a valid geometry (no self-intersections)"


@pytest.mark.parametrize(
    ("xy", "corner"),
    [
        pytest.param("4.48,51.9", "(4.48, 51.9)", id="wgs84"),
        pytest.param("438000,92600", "(438000, 92600)", id="swapped"),
    ],
)
def test_coordinates_outside_rd_new(tiny: Path, xy: str, corner: str) -> None:
    edit(tiny, "areas.csv", "92600,438000", xy)
    p = the_one(problems_of(tiny))
    assert where(p) == ("areas.csv", 2, "geometry")
    assert p.found == f"coordinates {corner} outside RD New's range"
    assert p.expected.startswith("RD New metres: x 0-300000, y 289000-629000")


def test_hazard_polygon_outside_rd_new(tiny: Path) -> None:
    edit(
        tiny,
        "scenarios/flood.yaml",
        "91500 436500, 92500 436500, 92500 437500, 91500 437500, 91500 436500",
        "4.1 51.9, 4.2 51.9, 4.2 52, 4.1 52, 4.1 51.9",
    )
    p = the_one(problems_of(tiny))
    assert where(p) == ("scenarios/flood.yaml", 1, "geometry")
    assert p.found == "coordinates (4.1, 51.9) outside RD New's range"


def test_range_is_only_checked_for_rd_new(tiny: Path) -> None:
    # in another CRS the town's coordinates are not judged against RD New's range
    append(tiny, "model.yaml", "crs: EPSG:3857\n")
    edit(tiny, "areas.csv", "92600,438000", "4.48,51.9")
    assert problems_of(tiny) == []


# -- no path back to a producer -----------------------------------------------------------
def test_consumer_fed_only_by_an_unfed_carrier(tiny: Path) -> None:
    # ss-2 loses its feed from gs-1 and is declared to need electricity: it carries nothing,
    # so area-south (fed only by ss-2) cannot receive electricity. area-north and hosp-1
    # still receive it through ss-1.
    edit(tiny, "supply.csv", "gs-1,ss-2,electricity,primary\n", "")
    append(tiny, "requirements.csv", "ss-2,electricity,0,1,,,\n")
    problems = problems_of(tiny)
    assert [where(p) for p in problems] == [
        ("requirements.csv", 6, "resource"),
        ("areas.csv", 3, "supply"),
    ]
    cut = problems[1]
    assert cut.record == "area-south"
    assert cut.found == (
        "'area-south' cannot receive electricity: 0 of its 1 supplier(s) trace back to a "
        "producer, 1 needed"
    )
    assert cut.expected == "a supply path back to a producer before anything fails"


def test_k_of_two_with_one_supplier_cut_off(tiny: Path) -> None:
    edit(tiny, "supply.csv", "gs-1,ss-2,electricity,primary\n", "")
    append(tiny, "requirements.csv", "ss-2,electricity,0,1,,,\n")
    edit(tiny, "requirements.csv", "hosp-1,electricity,48,1", "hosp-1,electricity,48,2")
    problems = problems_of(tiny)
    hosp = [p for p in problems if p.record == "hosp-1"]
    assert [where(p) for p in hosp] == [("requirements.csv", 5, "supply")]
    assert hosp[0].found == (
        "'hosp-1' cannot receive electricity: 1 of its 2 supplier(s) trace back to a "
        "producer, 2 needed"
    )


def test_closed_loop_of_one_resource_has_no_producer(tiny: Path) -> None:
    # ss-1 and ss-2 feed each other and gs-1 feeds neither: no electricity reaches anyone
    edit(tiny, "supply.csv", "gs-1,ss-1,electricity,primary\n", "ss-2,ss-1,electricity,primary\n")
    edit(tiny, "supply.csv", "gs-1,ss-2,electricity,primary\n", "ss-1,ss-2,electricity,primary\n")
    problems = problems_of(tiny)
    assert all(p.field == "supply" and p.severity is Severity.ERROR for p in problems)
    assert sorted((p.record, p.loc.file, p.loc.line) for p in problems if p.loc) == [
        ("area-north", "areas.csv", 2),
        ("area-south", "areas.csv", 3),
        ("hosp-1", "requirements.csv", 5),
        ("scada-1", "requirements.csv", 4),
        ("ss-1", GRID, 3),
        ("ss-2", GRID, 4),
        ("wtp-1", "requirements.csv", 2),
    ]
    # drinking water depends on wtp-1 getting electricity, but per resource it still flows
    assert not any("drinking_water" in p.found for p in problems)


# -- cycles are legal ---------------------------------------------------------------------
def test_cycle_of_power_and_control_is_not_reported(tiny: Path) -> None:
    # gs-1 produces electricity and needs control from scada-1; scada-1 needs electricity,
    # which reaches it from gs-1 through ss-1: power needs control, control needs power.
    append(tiny, "supply.csv", "scada-1,gs-1,control,primary\n")
    append(tiny, "requirements.csv", "gs-1,control,1,1,expert_judgement,low,\n")
    assert problems_of(tiny) == []
    model = read_model(tiny)
    assert "scada-1>gs-1|control" in model.supply


def test_cycle_through_a_substation_is_not_reported(tiny: Path) -> None:
    append(tiny, "supply.csv", "scada-1,ss-1,control,primary\nscada-1,ss-2,control,backup\n")
    append(tiny, "requirements.csv", "ss-1,control,0,1,,,\nss-2,control,0,1,,,\n")
    assert problems_of(tiny) == []


# -- every problem is collected -----------------------------------------------------------
def test_every_problem_in_several_files_is_collected(tiny: Path) -> None:
    edit(tiny, "supply.csv", "gs-1,ss-1,electricity", "gs-7,ss-1,electricity")
    edit(
        tiny,
        GRID,
        "electricity: 40 MW,electricity: 30 MW",
        "electricity: -40 MW,electricity: 30 MW",
    )
    edit(tiny, WATER, "{drinking_water: 800 m3/h}", "{drinking_water: 800 MW}")
    edit(tiny, "challenges.yaml", "level: strategic", "level: cosmic")
    edit(tiny, "model.yaml", "horizon_h: 48", "horizon_h: 48\nhorizon_days: 2")
    edit(tiny, "requirements.csv", "hosp-1,electricity,48,1", "hosp-1,electricity,48,3")
    edit(tiny, "plans.yaml", "result_known: false", "result_known: maybe")
    problems = problems_of(tiny)
    assert [where(p) for p in problems] == [
        # read, in reading order: model.yaml, then the tables
        ("model.yaml", 5, "horizon_days"),
        ("challenges.yaml", 5, "level"),
        ("plans.yaml", 8, "result_known"),
        # validated
        (GRID, 3, "capacity"),
        (WATER, 14, "capacity"),
        ("supply.csv", 2, "supplier"),
        ("requirements.csv", 5, "k"),
    ]
    with pytest.raises(ModelError) as info:
        read_model(tiny)
    assert info.value.problems == problems
    assert str(info.value) == "7 problems in the model"
