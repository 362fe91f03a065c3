"""Problems found while reading a model folder: every field parser and every malformed file.

Each case copies ``tests/data/tiny``, breaks one file and asserts the exact problem: file,
line (the CSV row, or the line of the YAML key), field, what was found and what was expected.
Nothing here may end in a traceback: a broken file is a problem in the list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer

from vitaal.errors import Problem, Severity
from vitaal.io.folder import load_model
from vitaal.model.records import HazardArea
from vitaal.model.validate import validate_model

GRID = "components/grid.csv"
WATER = "components/water.yaml"
FLOOD = "scenarios/flood.yaml"
NUMBER_AND_UNIT = "a number and a known unit, like '40 MW'"


def edit(folder: Path, rel: str, old: str, new: str) -> None:
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems_of(folder: Path) -> list[Problem]:
    model, problems = load_model(folder)
    return problems + validate_model(model)


def where(p: Problem) -> tuple[str | None, int | None, str | None]:
    return (p.loc.file if p.loc else None, p.loc.line if p.loc else None, p.field)


def the_one(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


FIELD_CASES = [
    # bad numbers
    pytest.param(
        GRID, ",8,40000000,", ",eight,40000000,",
        (GRID, 2, "lead_time_y"), "'eight'", "a number", id="number",
    ),
    pytest.param(
        GRID, ",2,2000000,Grid company,,assumed", ",2,2e6x,Grid company,,assumed",
        (GRID, 3, "replacement_cost_eur"), "'2e6x'", "a number", id="number-with-junk",
    ),
    pytest.param(
        "areas.csv", "North,neighbourhood,12000,", "North,neighbourhood,12k,",
        ("areas.csv", 2, "population"), "'12k'", "a whole number", id="whole-number",
    ),
    pytest.param(
        "areas.csv", "North,neighbourhood,12000,", "North,neighbourhood,-3,",
        ("areas.csv", 2, "population"), "'-3'", "a whole number >= 0", id="negative-count",
    ),
    pytest.param(
        "requirements.csv", "wtp-1,electricity,4,", "wtp-1,electricity,four,",
        ("requirements.csv", 2, "buffer_h"), "'four'", "a number", id="hours",
    ),
    pytest.param(
        "stores.csv", "tower-1,drinking_water,6", "tower-1,drinking_water,-6",
        ("stores.csv", 2, "autonomy_h"), "'-6'", "a number >= 0", id="negative-hours",
    ),
    pytest.param(
        "requirements.csv", "hosp-1,electricity,48,1", "hosp-1,electricity,48,0",
        ("requirements.csv", 5, "k"), "'0'", "a whole number >= 1", id="k-zero",
    ),
    pytest.param(
        "requirements.csv", "hosp-1,electricity,48,1", "hosp-1,electricity,48,1.5",
        ("requirements.csv", 5, "k"), "'1.5'", "a whole number", id="k-fraction",
    ),
    pytest.param(
        "model.yaml", "horizon_h: 48", "horizon_h: .nan",
        ("model.yaml", 4, "horizon_h"), "nan", "a finite number", id="not-finite",
    ),
    # years
    pytest.param(
        GRID, ",3,1975,2035,", ",3,975,2035,",
        (GRID, 2, "build_year"), "'975'", "a year (1000-2300)", id="year-too-early",
    ),
    pytest.param(
        WATER, "build_year: 1970", "build_year: 1970\n  end_of_life_year: 2400",
        (WATER, 8, "end_of_life_year"), "2400", "a year (1000-2300)", id="year-too-late",
    ),
    pytest.param(
        WATER, "build_year: 1970", "build_year: nineteen seventy",
        (WATER, 7, "build_year"), "'nineteen seventy'", "a year (1000-2300)",
        id="year-not-a-number",
    ),
    pytest.param(
        "plans.yaml", "homes: {2027: 300,", "homes: {3027: 300,",
        ("plans.yaml", 6, "homes"), "3027", "a year (1000-2300)", id="year-of-a-series",
    ),
    pytest.param(
        "model.yaml", "base_year: 2026", "base_year: 20026",
        ("model.yaml", 3, "base_year"), "20026", "a year (1000-2300)", id="base-year",
    ),
    # condition
    pytest.param(
        GRID, ",2,1990,", ",7,1990,",
        (GRID, 3, "condition"), "'7'", "a NEN 2767 condition score 1-6", id="condition-7",
    ),
    pytest.param(
        GRID, ",2,1990,", ",0,1990,",
        (GRID, 3, "condition"), "'0'", "a NEN 2767 condition score 1-6", id="condition-0",
    ),
    pytest.param(
        GRID, ",2,1990,", ",good,1990,",
        (GRID, 3, "condition"), "'good'", "a NEN 2767 condition score 1-6",
        id="condition-text",
    ),
    # enums
    pytest.param(
        GRID, "public_source,medium", "hearsay,medium",
        (GRID, 2, "origin"), "'hearsay'",
        "one of utility_data, public_source, expert_judgement, computed, assumed",
        id="origin",
    ),
    pytest.param(
        GRID, "public_source,medium", "public_source,certain",
        (GRID, 2, "confidence"), "'certain'", "one of high, medium, low", id="confidence",
    ),
    pytest.param(
        "systems.yaml", "origin: expert_judgement", "origin: gut_feeling",
        ("systems.yaml", 16, "origin"), "'gut_feeling'",
        "one of utility_data, public_source, expert_judgement, computed, assumed",
        id="origin-in-yaml",
    ),
    pytest.param(
        "supply.csv", "ss-2,area-north,electricity,backup", "ss-2,area-north,electricity,spare",
        ("supply.csv", 5, "role"), "'spare'", "one of primary, backup", id="role",
    ),
    pytest.param(
        "couplings.yaml", "kind: flood_zone", "kind: vibes",
        ("couplings.yaml", 2, "kind"), "'vibes'",
        "one of co_location, adjacent, flood_zone, shared_control, same_structure, organisational, "
        "same_contractor",
        id="coupling-kind",
    ),
    pytest.param(
        "challenges.yaml", "level: strategic", "level: cosmic",
        ("challenges.yaml", 5, "level"), "'cosmic'", "one of operational, tactical, strategic",
        id="level",
    ),
    pytest.param(
        "areas.csv", "North,neighbourhood", "North,village",
        ("areas.csv", 2, "kind"), "'village'",
        "one of neighbourhood, district, municipality, port_area, business_area",
        id="area-kind",
    ),
    pytest.param(
        FLOOD, "kind: shock", "kind: disaster",
        (FLOOD, 3, "kind"), "'disaster'", "one of shock, growth, transition, combined",
        id="scenario-kind",
    ),
    pytest.param(
        FLOOD, "{target: ss-2, time_h: 1}", "{target: ss-2, time_h: 1, kind: melt}",
        (FLOOD, 5, "events"), "'melt'", "one of failure, closure", id="event-kind",
    ),
    pytest.param(
        "plans.yaml", "result_known: false", "result_known: maybe",
        ("plans.yaml", 8, "result_known"), "'maybe'", "true or false", id="boolean",
    ),
    pytest.param(
        FLOOD, "kind: shock", "kind: shock\ntransitions: {heat_pump: {2030: 1.5}}",
        (FLOOD, 4, "transitions"), "1.5", "a share between 0 and 1", id="share",
    ),
    # ids
    pytest.param(
        "challenges.yaml", "id: ch-solar", "id: ch solar",
        ("challenges.yaml", 1, "id"), "'ch solar'",
        "an id of letters, digits, '_', '-' and '.' (no spaces, at most 200)", id="id-space",
    ),
    pytest.param(
        "challenges.yaml", "id: ch-solar", "id: " + "c" * 201,
        ("challenges.yaml", 1, "id"), "'" + "c" * 76 + "...",
        "an id of letters, digits, '_', '-' and '.' (no spaces, at most 200)", id="id-too-long",
    ),
    pytest.param(
        "side_outputs.yaml", "usable_by: [water]", "usable_by: [water, drinking water]",
        ("side_outputs.yaml", 1, "usable_by"), "'drinking water'",
        "an id of letters, digits, '_', '-' and '.' (no spaces, at most 200)", id="id-in-list",
    ),
    # units and quantities
    pytest.param(
        "side_outputs.yaml", "amount: 2 MW", "amount: 2 furlongs",
        ("side_outputs.yaml", 1, "amount"), "'2 furlongs'",
        f"{NUMBER_AND_UNIT} (unknown unit 'furlongs')", id="unknown-unit",
    ),
    pytest.param(
        "side_outputs.yaml", "amount: 2 MW", "amount: 2",
        ("side_outputs.yaml", 1, "amount"), "2", f"{NUMBER_AND_UNIT} ('2' has no unit)",
        id="no-unit",
    ),
    pytest.param(
        "side_outputs.yaml", "amount: 2 MW", "amount: two MW",
        ("side_outputs.yaml", 1, "amount"), "'two MW'",
        f"{NUMBER_AND_UNIT} ('two MW' is not a number followed by a unit)", id="no-number",
    ),
    pytest.param(
        GRID, "electricity: 80 MW", "electricity 80 MW",
        (GRID, 2, "peak_load"), "'electricity 80 MW'", "'key: value' pairs separated by ';'",
        id="mapping-cell",
    ),
    pytest.param(
        GRID, "electricity: 80 MW", "electricity: 80 MW; electricity: 81 MW",
        (GRID, 2, "peak_load"), "'electricity: 80 MW; electricity: 81 MW'",
        "key 'electricity' once", id="mapping-cell-key-twice",
    ),
    # geometry
    pytest.param(
        WATER, "POINT (94000 438000)", "POINT (94000)",
        (WATER, 5, "geometry"), "'POINT (94000)'",
        "a WKT geometry, like 'POINT (92500 437500)'", id="wkt",
    ),
    pytest.param(
        WATER, "POINT (94000 438000)", "PIONT (94000 438000)",
        (WATER, 5, "geometry"), "'PIONT (94000 438000)'",
        "a WKT geometry, like 'POINT (92500 437500)'", id="wkt-typo",
    ),
    pytest.param(
        WATER, "POINT (94000 438000)", "POINT EMPTY",
        (WATER, 5, "geometry"), "'POINT EMPTY'", "a non-empty geometry", id="wkt-empty",
    ),
    pytest.param(
        "areas.csv", "92600,438000", "abc,438000",
        ("areas.csv", 2, "x"), "'abc'", "x and y as numbers (m)", id="x-not-a-number",
    ),
    pytest.param(
        "areas.csv", "92600,438000", "92600,n/a",
        ("areas.csv", 2, "y"), "'n/a'", "x and y as numbers (m)", id="y-not-a-number",
    ),
    # unknown fields
    pytest.param(
        "challenges.yaml", "level: strategic", "level: strategic\n  priority: high",
        ("challenges.yaml", 6, "priority"), "an unknown field",
        "one of id, subsystem, driver, driver_nl, assumption, assumption_nl, level, description, "
        "description_nl, actions, kinds, areas, plans, origin, confidence, ref",
        id="yaml-field",
    ),
    pytest.param(
        "model.yaml", "horizon_h: 48", "horizon_h: 48\nowner: Town",
        ("model.yaml", 5, "owner"), "an unknown field",
        "one of name, description, description_nl, crs, base_year, horizons, horizon_h, kinds",
        id="model-field",
    ),
    pytest.param(
        "systems.yaml", "structure: Radial", "structure: Radial\n        budget: 5",
        ("systems.yaml", 8, "profile"), "field 'budget'",
        "one of ['destination_types', 'goal', 'result', 'source_types', 'stakeholders', "
        "'structure']",
        id="profile-field",
    ),
    pytest.param(
        FLOOD, "{target: ss-2, time_h: 1}", "{target: ss-2, at_h: 1}",
        (FLOOD, 5, "events"), "field 'at_h'", "target, time_h, kind, repair_h", id="event-field",
    ),
    pytest.param(
        FLOOD, "    time_h: 2\n", "    time_h: 2\n    depth: 3\n",
        (FLOOD, 7, "hazards"), "field 'depth'",
        "one of ['area_file', 'areas', 'raster', 'time_h', 'type', 'unit', 'values']",
        id="hazard-field",
    ),
    # missing required fields
    pytest.param(
        "challenges.yaml", "  driver: Rooftop solar\n", "",
        ("challenges.yaml", 1, "driver"), "nothing", "a value (this field is required)",
        id="yaml-required",
    ),
    pytest.param(
        "couplings.yaml", "members: [gs-1, wtp-1]", "members: []",
        ("couplings.yaml", 3, "members"), "0 member(s)", "at least two",
        id="yaml-required-empty-list",
    ),
    pytest.param(
        "stores.csv", "tower-1,drinking_water,6", "tower-1,drinking_water, ",
        ("stores.csv", 2, "autonomy_h"), "nothing",
        "a value (this field is required)", id="csv-required-empty-cell",
    ),
    pytest.param(
        FLOOD, "    unit: m\n", "",
        (FLOOD, 7, "hazards"), "no unit", "the unit of the hazard's values, like 'm'",
        id="hazard-unit-missing",
    ),
    pytest.param(
        "model.yaml", "name: Tiny town\n", "",
        ("model.yaml", 1, "name"), "nothing", "the model's name", id="model-name",
    ),
    # YAML-specific
    pytest.param(
        "plans.yaml", "  owner: Town council\n", "  owner: Town council\n  owner: Harbour board\n",
        ("plans.yaml", 4, "owner"), "a key given twice", "each key once", id="duplicate-key",
    ),
    pytest.param(
        "model.yaml", "horizon_h: 48", "horizon_h: 48\nhorizons: {short_y: 10, medium_y: 5}",
        ("model.yaml", 5, "horizons"), "{'short_y': 10, 'medium_y': 5}",
        "medium_y larger than short_y", id="horizons",
    ),
    pytest.param(
        "model.yaml", "horizon_h: 48", "horizon_h: 48\ncrs: EPSG:999999",
        ("model.yaml", 5, "crs"), "'EPSG:999999'", "a coordinate system such as EPSG:28992",
        id="crs",
    ),
    # CSV-specific
    pytest.param(
        "supply.csv", "gs-1,ss-1,electricity,primary", "gs-1,ss-1,electricity,primary,x",
        ("supply.csv", 2, None), "5 cells", "at most 4 cells, one per column of the header",
        id="too-many-cells",
    ),
    pytest.param(
        "supply.csv", "tower-1,area-south,drinking_water", '"tower-1,area-south,drinking_water',
        ("supply.csv", 15, None), "malformed CSV (unexpected end of data)", "well-formed CSV",
        id="unterminated-quote",
    ),
    pytest.param(
        "stores.csv", "component,resource,autonomy_h", "component,resource,autonomy_h,resource",
        ("stores.csv", 1, "resource"), "a repeated or empty column name",
        "each column named once", id="repeated-column",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rel", "old", "new", "at", "found", "expected"), FIELD_CASES)
def test_field_problem(
    tiny: Path,
    rel: str,
    old: str,
    new: str,
    at: tuple[str, int | None, str | None],
    found: str,
    expected: str,
) -> None:
    edit(tiny, rel, old, new)
    p = the_one(problems_of(tiny))
    assert where(p) == at
    assert p.found == found
    assert p.expected == expected
    assert p.severity is Severity.ERROR


def test_record_with_a_bad_optional_field_is_kept(tiny: Path) -> None:
    # one bad cell must not make every link to ss-1 look dangling as well
    edit(tiny, GRID, ",2,1990,", ",7,1990,")
    model, problems = load_model(tiny)
    assert len(problems) == 1
    assert model.components["ss-1"].condition is None
    assert model.components["ss-1"].build_year == 1990


def test_x_y_and_geometry_both_given(tiny: Path) -> None:
    edit(tiny, WATER, "  x: 93500\n", "  x: 93500\n  geometry: POINT (93500 437900)\n")
    p = the_one(problems_of(tiny))
    assert where(p) == (WATER, 12, "x")
    assert (p.found, p.expected) == ("both x/y and geometry", "either x and y, or geometry")


def test_unknown_csv_column(tiny: Path) -> None:
    edit(tiny, "stores.csv", "autonomy_h", "autonomy_hours")
    problems = problems_of(tiny)
    # a renamed required column makes the header wrong: one problem of the header line,
    # naming the missing column and what the header reads, not one per row
    assert [(where(p), p.found) for p in problems] == [
        (
            ("stores.csv", 1, None),
            (
                "a header without the column autonomy_h (it reads 'component,resource,"
                "autonomy_hours')"
            ),
        ),
    ]


def test_unknown_csv_column_is_reported_once_for_many_rows(tiny: Path) -> None:
    edit(
        tiny,
        "supply.csv",
        "supplier,consumer,resource,role",
        "supplier,consumer,resource,role,colour",
    )
    problems = problems_of(tiny)
    assert [(where(p), p.found) for p in problems] == []  # no cells in the column: nothing read
    edit(tiny, "supply.csv", "gs-1,ss-1,electricity,primary", "gs-1,ss-1,electricity,primary,red")
    edit(tiny, "supply.csv", "gs-1,ss-2,electricity,primary", "gs-1,ss-2,electricity,primary,blue")
    problems = problems_of(tiny)
    assert [(where(p), p.found) for p in problems] == [
        (("supply.csv", 1, "colour"), "an unknown field"),
    ]


def test_unterminated_quote_early_swallows_the_rest(tiny: Path) -> None:
    # the open quote on line 2 runs to the end: the problem names the line it opens on
    edit(tiny, "stores.csv", "tower-1,drinking_water,6", 'tower-1,"drinking_water,6\n\n')
    p = the_one(problems_of(tiny))
    assert where(p) == ("stores.csv", 2, None)


def test_semicolon_delimited_csv(tiny: Path) -> None:
    (tiny / "stores.csv").write_text(
        "component;resource;autonomy_h;ref\ntower-1;drinking_water;6,5;Evides, 2024\n",
        encoding="utf-8",
    )
    model, problems = load_model(tiny)
    assert problems == []
    store = model.stores["tower-1|drinking_water"]
    assert store.autonomy_h == 6.5  # decimal comma
    assert store.prov.ref == "Evides, 2024"


def test_byte_order_mark_is_not_part_of_the_first_column(tiny: Path) -> None:
    path = tiny / "stores.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert problems_of(tiny) == []


def test_blank_lines_in_csv_are_skipped_and_rows_keep_their_line(tiny: Path) -> None:
    edit(
        tiny,
        "supply.csv",
        "gs-1,ss-2,electricity,primary\n",
        "\n,,,\ngs-1,ss-2,electricity,primary\n",
    )
    edit(
        tiny,
        "supply.csv",
        "ss-2,area-north,electricity,backup",
        "ss-2,area-north,electricity,spare",
    )
    p = the_one(problems_of(tiny))
    assert where(p) == ("supply.csv", 7, "role")


# -- malformed files ------------------------------------------------------------------------
def test_malformed_yaml(tiny: Path) -> None:
    edit(tiny, "plans.yaml", "title: Harbour quarter", "title: [Harbour quarter")
    p = the_one(problems_of(tiny))
    assert where(p) == ("plans.yaml", 3, None)
    assert p.found == "invalid YAML (expected ',' or ']', but got ':')"
    assert p.expected == "well-formed YAML"


def test_malformed_model_yaml(tiny: Path) -> None:
    edit(tiny, "model.yaml", "name: Tiny town", 'name: "Tiny town')
    model, problems = load_model(tiny)
    # the open quote runs to the end of the stream: after the last of its five lines
    assert [where(p) for p in problems] == [("model.yaml", 6, None)]
    assert problems[0].found.startswith("invalid YAML (found unexpected end of stream")
    # the rest of the folder is still read
    assert len(model.components) == 7


def test_yaml_that_is_not_a_record(tiny: Path) -> None:
    (tiny / "couplings.yaml").write_text("just a sentence\n", encoding="utf-8")
    p = the_one(problems_of(tiny))
    assert (p.loc.file if p.loc else None, p.found, p.expected) == (
        "couplings.yaml",
        "'just a sentence'",
        "a mapping (one record)",
    )


def test_file_that_is_not_utf8(tiny: Path) -> None:
    (tiny / "stores.csv").write_bytes(
        "component,resource,autonomy_h,ref\ntower-1,drinking_water,6,Büro\n".encode("cp1252")
    )
    model, problems = load_model(tiny)
    p = the_one(problems)
    assert where(p) == ("stores.csv", None, None)
    assert p.found == "bytes that are not UTF-8 (invalid start byte)"
    assert p.expected == "a UTF-8 text file"
    assert model.stores == {}


def test_missing_model_yaml(tiny: Path) -> None:
    (tiny / "model.yaml").unlink()
    model, problems = load_model(tiny)
    p = the_one(problems)
    assert (p.loc.file if p.loc else None, p.found) == ("model.yaml", "no such file")
    assert model.info.name == "tiny"


def test_missing_folder(tmp_path: Path) -> None:
    model, problems = load_model(tmp_path / "nowhere")
    p = the_one(problems)
    assert p.found == "no such folder"
    assert model.size() == 0


def test_unread_file_is_a_warning(tiny: Path) -> None:
    (tiny / "suply.csv").write_text("supplier,consumer,resource\n", encoding="utf-8")
    (tiny / "_notes.yaml").write_text("anything: [", encoding="utf-8")
    (tiny / "README.md").write_text("# Tiny\n", encoding="utf-8")
    p = the_one(problems_of(tiny))
    assert where(p) == ("suply.csv", None, None)
    assert p.severity is Severity.WARNING
    assert p.found == "a file vitaal does not read"


# -- GeoJSON ----------------------------------------------------------------------------------
WGS84_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
ERASMUSBRUG = (4.4828, 51.9090)  # lon, lat
AMERSFOORT = (5.38720621, 52.15517440)  # the RD origin: x 155 000, y 463 000 by definition


def _feature(props: dict[str, object], geometry: dict[str, object]) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _point(x: float, y: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [x, y]}


def _collection(features: list[dict[str, object]], crs: str | None = None) -> str:
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc)


def _xy(wkt: str | None) -> tuple[float, float]:
    assert wkt is not None
    point = shapely.from_wkt(wkt)
    return point.x, point.y


def test_geojson_in_wgs84_and_in_rd_land_on_the_same_point(tiny: Path) -> None:
    rd_x, rd_y = WGS84_TO_RD.transform(*ERASMUSBRUG)
    (tiny / "areas.csv").unlink()
    (tiny / "areas").mkdir()
    (tiny / "areas" / "wgs84.geojson").write_text(
        _collection(
            [
                _feature({"id": "area-north", "name": "North"}, _point(*ERASMUSBRUG)),
                _feature({"id": "area-origin", "name": "Amersfoort"}, _point(*AMERSFOORT)),
            ]
        ),
        encoding="utf-8",
    )
    (tiny / "areas" / "rd.geojson").write_text(
        _collection(
            [_feature({"id": "area-south", "name": "South"}, _point(rd_x, rd_y))],
            crs="urn:ogc:def:crs:EPSG::28992",  # the legacy member, as QGIS writes it
        ),
        encoding="utf-8",
    )
    (tiny / "areas" / "short.geojson").write_text(
        _collection(
            [_feature({"id": "area-east", "name": "East"}, _point(rd_x, rd_y))],
            crs="EPSG:28992",
        ),
        encoding="utf-8",
    )
    model, problems = load_model(tiny)
    assert problems == []
    north = _xy(model.areas["area-north"].geometry)
    south = _xy(model.areas["area-south"].geometry)
    east = _xy(model.areas["area-east"].geometry)
    assert north == pytest.approx(south, abs=0.002)
    assert east == south
    # the Erasmusbrug's north end, in Rotterdam's centre: pyproj, computed independently
    assert north == pytest.approx((rd_x, rd_y), abs=0.01)
    assert 92_000 < north[0] < 94_000
    assert 435_000 < north[1] < 437_000
    # and a point known by hand: RD's origin at the Onze Lieve Vrouwetoren in Amersfoort
    assert _xy(model.areas["area-origin"].geometry) == pytest.approx((155_000, 463_000), abs=1.0)
    assert validate_model(model) == []


def test_geojson_feature_with_an_unknown_field(tiny: Path) -> None:
    (tiny / "areas.geojson").write_text(
        _collection(
            [_feature({"id": "area-west", "name": "West", "fid": 3}, _point(*ERASMUSBRUG))]
        ),
        encoding="utf-8",
    )
    p = the_one(problems_of(tiny))
    assert where(p) == ("areas.geojson#1", None, "fid")
    assert p.found == "an unknown field"


def test_malformed_geojson(tiny: Path) -> None:
    (tiny / "areas.geojson").write_text('{"type": "FeatureCollection",\n "features": [}', "utf-8")
    p = the_one(problems_of(tiny))
    assert where(p) == ("areas.geojson", 2, None)
    assert p.found.startswith("invalid JSON")


def test_geojson_that_is_not_a_feature_collection(tiny: Path) -> None:
    (tiny / "areas.geojson").write_text(json.dumps(_point(1, 2)), encoding="utf-8")
    p = the_one(problems_of(tiny))
    assert where(p) == ("areas.geojson", None, "type")
    assert p.expected == "a FeatureCollection"


def test_geojson_with_an_unknown_crs(tiny: Path) -> None:
    (tiny / "areas.geojson").write_text(_collection([], crs="EPSG:999999"), encoding="utf-8")
    p = the_one(problems_of(tiny))
    assert where(p) == ("areas.geojson", None, "crs")
    assert p.found == "'EPSG:999999'"


def test_geojson_with_an_unreadable_geometry(tiny: Path) -> None:
    (tiny / "areas.geojson").write_text(
        _collection([_feature({"id": "area-west", "name": "West"}, {"type": "Point"})]),
        encoding="utf-8",
    )
    p = the_one(problems_of(tiny))
    assert where(p) == ("areas.geojson#1", None, "geometry")
    assert p.found == "an unreadable geometry"


# -- hazard area_file -------------------------------------------------------------------------
SQUARE_RD = [[92000, 436000], [93000, 436000], [93000, 437000], [92000, 437000], [92000, 436000]]


def test_hazard_area_file_is_read_into_areas(tiny: Path) -> None:
    (tiny / "flood_depth.geojson").write_text(
        _collection(
            [_feature({"value": 1.5}, {"type": "Polygon", "coordinates": [SQUARE_RD]})],
            crs="urn:ogc:def:crs:EPSG::28992",
        ),
        encoding="utf-8",
    )
    edit(tiny, FLOOD, "    time_h: 2\n", "    time_h: 2\n    area_file: flood_depth.geojson\n")
    model, problems = load_model(tiny)
    assert problems == []
    hazard = model.scenarios["flood"].hazards[0]
    assert hazard.areas == (
        HazardArea(
            geometry="POLYGON ((91500 436500, 92500 436500, 92500 437500, 91500 437500, "
            "91500 436500))",
            value=0.8,
        ),
        HazardArea(
            geometry="POLYGON ((92000 436000, 93000 436000, 93000 437000, 92000 437000, "
            "92000 436000))",
            value=1.5,
        ),
    )


def test_hazard_area_file_in_wgs84(tiny: Path) -> None:
    lon0, lat0, lon1, lat1 = 4.47, 51.90, 4.49, 51.91
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    (tiny / "depth.geojson").write_text(
        _collection([_feature({"value": 2}, {"type": "Polygon", "coordinates": [ring]})]),
        encoding="utf-8",
    )
    edit(tiny, FLOOD, "    time_h: 2\n", "    time_h: 2\n    area_file: depth.geojson\n")
    model, problems = load_model(tiny)
    assert problems == []
    area = model.scenarios["flood"].hazards[0].areas[1]
    assert area.value == 2.0
    corners = shapely.get_coordinates(shapely.from_wkt(area.geometry))
    for (lon, lat), (x, y) in zip(ring, corners, strict=True):
        assert (x, y) == pytest.approx(WGS84_TO_RD.transform(lon, lat), abs=0.002)


@pytest.mark.parametrize(
    "name", ["nothing-here.geojson", "../outside.geojson", "scenarios/../../outside.geojson"]
)
def test_hazard_area_file_missing_or_outside_the_folder(tiny: Path, name: str) -> None:
    (tiny.parent / "outside.geojson").write_text(_collection([]), encoding="utf-8")
    edit(tiny, FLOOD, "    time_h: 2\n", f"    time_h: 2\n    area_file: {name}\n")
    p = the_one(problems_of(tiny))
    assert where(p) == (FLOOD, 11, "area_file")
    assert p.found == repr(name)
    assert p.expected == "a GeoJSON file inside the model folder"


def test_hazard_area_file_feature_without_value(tiny: Path) -> None:
    (tiny / "depth.geojson").write_text(
        _collection(
            [_feature({"depth": 1}, {"type": "Polygon", "coordinates": [SQUARE_RD]})],
            crs="EPSG:28992",
        ),
        encoding="utf-8",
    )
    edit(tiny, FLOOD, "    time_h: 2\n", "    time_h: 2\n    area_file: depth.geojson\n")
    p = the_one(problems_of(tiny))
    assert where(p) == ("depth.geojson#1", None, "value")
    assert p.expected == "a polygon with a numeric 'value' property"
