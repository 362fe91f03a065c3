"""The hazard overlay and common-cause couplings, worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine

from tests.engine.builders import build_model
from vitaal.engine import (
    CauseCode,
    compile_model,
    hazard_intensity,
    initial_failures,
    run_cascade,
)
from vitaal.errors import ModelError, ScenarioError
from vitaal.model import (
    Component,
    CouplingKind,
    Event,
    EventKind,
    Hazard,
    HazardArea,
    Quantity,
    Scenario,
)

SQUARE = "POLYGON ((1000 1000, 2000 1000, 2000 2000, 1000 2000, 1000 1000))"


def comp(cid: str, geometry: str | None, **thresholds: Quantity) -> Component:
    return Component(
        id=cid, subsystem="sub", kind="k", geometry=geometry, thresholds=dict(thresholds)
    )


def test_polygon_flood_overlay() -> None:
    """A 0.8 m flood over the square 1000-2000 (at 2 h).

    - IN_LOW (inside, threshold 0.5 m): 0.8 >= 0.5, fails;
    - IN_HIGH (inside, threshold 1 m): not reached;
    - IN_CM (inside, threshold 80 cm = 0.8 m): reached exactly (>=), fails;
    - OUT (outside, 0.1 m): no water, no failure;
    - LINE (a cable from outside into the square, 0.5 m): intersects it, fails;
    - EDGE (on the boundary, 0.5 m): the boundary counts, fails;
    - BARE (inside, no water_depth threshold): never fails by it.
    """
    comps = [
        comp("IN_LOW", "POINT (1500 1500)", water_depth=Quantity(0.5, "m")),
        comp("IN_HIGH", "POINT (1200 1200)", water_depth=Quantity(1.0, "m")),
        comp("IN_CM", "POINT (1800 1100)", water_depth=Quantity(80.0, "cm")),
        comp("OUT", "POINT (500 500)", water_depth=Quantity(0.1, "m")),
        comp("LINE", "LINESTRING (0 1500, 1100 1500)", water_depth=Quantity(0.5, "m")),
        comp("EDGE", "POINT (2000 1500)", water_depth=Quantity(0.5, "m")),
        comp("BARE", "POINT (1500 1600)"),
    ]
    model = build_model([], components=comps)
    hz = Hazard(
        type="water_depth", unit="m", time_h=2.0, areas=(HazardArea(geometry=SQUARE, value=0.8),)
    )
    intensity = hazard_intensity(model, hz)
    assert np.isnan(intensity[3])  # OUT
    assert intensity[[0, 1, 2, 4, 5, 6]].tolist() == [0.8] * 6
    sc = Scenario(id="flood", name="flood", hazards=(hz,))
    fails = initial_failures(model, sc)
    assert sorted(f.target for f in fails) == ["EDGE", "IN_CM", "IN_LOW", "LINE"]
    assert all(f.time_h == 2.0 and f.cause is CauseCode.HAZARD for f in fails)


def _write_tif(path: Path, values: np.ndarray, crs: str = "EPSG:28992") -> None:
    """A GeoTIFF of 100 m pixels whose top-left corner is (0, 1000)."""
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=values.shape[0],
        width=values.shape[1],
        count=1,
        dtype="float32",
        crs=crs,
        transform=Affine(100.0, 0.0, 0.0, 0.0, -100.0, 1000.0),
        nodata=-9999.0,
    ) as ds:
        ds.write(values.astype("float32"), 1)


def test_raster_flood_overlay(tmp_path: Path) -> None:
    """A 10 x 10 raster of depths in cm over (0..1000, 0..1000); pixel (row, col) covers
    x in [100 col, 100 col + 100), y in (1000 - 100 (row + 1), 1000 - 100 row].

    - A at (150, 850): row 1, col 1, 60 cm; threshold 0.5 m = 50 cm: fails;
    - B at (450, 450): row 5, col 4, 20 cm: does not;
    - C at (5000, 5000): outside the raster, no value: does not;
    - D, a line from (50, 50) to (950, 50) along row 9: the pixels it crosses are 0 cm except
      col 7 with 90 cm; only densified vertices find it (the line's own vertices sit in col 0
      and col 9): fails;
    - E at (250, 250): row 7, col 2, nodata: no value, does not fail.
    """
    depth = np.zeros((10, 10))
    depth[1, 1] = 60.0
    depth[5, 4] = 20.0
    depth[9, 7] = 90.0
    depth[7, 2] = -9999.0
    _write_tif(tmp_path / "flood.tif", depth)
    limit = Quantity(0.5, "m")
    comps = [
        comp("A", "POINT (150 850)", water_depth=limit),
        comp("B", "POINT (450 450)", water_depth=limit),
        comp("C", "POINT (5000 5000)", water_depth=limit),
        comp("D", "LINESTRING (50 50, 950 50)", water_depth=limit),
        comp("E", "POINT (250 250)", water_depth=limit),
    ]
    model = build_model([], components=comps)
    hz = Hazard(type="water_depth", unit="cm", time_h=1.0, raster="flood.tif")
    got = hazard_intensity(model, hz, tmp_path)
    assert got[:2].tolist() == [60.0, 20.0]
    assert np.isnan(got[2])
    assert got[3] == 90.0
    assert np.isnan(got[4])
    fails = initial_failures(model, Scenario(id="s", name="s", hazards=(hz,)), tmp_path)
    assert sorted(f.target for f in fails) == ["A", "D"]
    # without the model folder the raster cannot be found
    with pytest.raises(ScenarioError, match="model folder"):
        initial_failures(model, Scenario(id="s", name="s", hazards=(hz,)))


def test_raster_in_another_crs_is_sampled_at_transformed_points(tmp_path: Path) -> None:
    """The same raster written in EPSG:3857 with the origin chosen in those coordinates:
    a component given in RD New must be transformed before sampling. Its point, transformed,
    lands in the one wet pixel."""
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:28992", "EPSG:3857", always_xy=True).transform(
        155000.0, 463000.0
    )
    values = np.zeros((3, 3))
    values[1, 1] = 2.0
    with rasterio.open(
        tmp_path / "wm.tif",
        "w",
        driver="GTiff",
        height=3,
        width=3,
        count=1,
        dtype="float32",
        crs="EPSG:3857",
        transform=Affine(100.0, 0.0, x - 150.0, 0.0, -100.0, y + 150.0),
    ) as ds:
        ds.write(values.astype("float32"), 1)
    model = build_model(
        [], components=[comp("P", "POINT (155000 463000)", water_depth=Quantity(1.0, "m"))]
    )
    hz = Hazard(type="water_depth", unit="m", raster="wm.tif")
    assert hazard_intensity(model, hz, tmp_path).tolist() == [2.0]


def test_hazard_takes_out_two_co_located_components_at_once() -> None:
    """X (threshold 0.3 m) stands in 0.5 m of water at 4 h; Y, co-located with X (same
    site), stands dry. X fails by the hazard at 4, Y by common cause at 4 (trigger X). Both
    are initial failures (order 1); Y's chain leads to X. Z, only supplied by Y, follows."""
    comps = [
        comp("X", "POINT (100 100)", water_depth=Quantity(0.3, "m")),
        comp("Y", "POINT (100 110)"),
    ]
    model = build_model(
        [("Y", "Z", "el")],
        components=comps,
        couplings=[("site", CouplingKind.CO_LOCATION, ("X", "Y"))],
    )
    hz = Hazard(type="water_depth", unit="m", time_h=4.0, values={"X": 0.5})
    fails = initial_failures(model, Scenario(id="s", name="s", hazards=(hz,)))
    by = {f.target: f for f in fails}
    assert set(by) == {"X", "Y"}
    assert by["X"].cause is CauseCode.HAZARD
    assert (by["Y"].cause, by["Y"].trigger, by["Y"].time_h) == (CauseCode.COMMON_CAUSE, "X", 4.0)
    res = run_cascade(compile_model(model), fails, 24.0)
    assert (res.fail_time_of("X"), res.fail_time_of("Y"), res.fail_time_of("Z")) == (4.0, 4.0, 4.0)
    assert res.step("Y").order == 1
    assert res.chain("Y") == ["Y", "X"]
    assert res.chain("Z") == ["Z", "Y", "X"]
    assert res.step("Z").order == 2


def test_common_cause_rules() -> None:
    """- an event failure of a same_structure member takes the others along, a closure not;
    - a flood_zone coupling floods all members when a water_depth hazard takes out one, but
      not for a wind hazard;
    - one step only: U, taken along by T, does not take along V (U's other coupling)."""
    comps = [
        comp("T", None),
        comp("U", None),
        comp("V", None),
        comp("F1", None, water_depth=Quantity(0.2, "m"), wind_speed=Quantity(30, "m/s")),
        comp("F2", None),
    ]
    model = build_model(
        [],
        components=comps,
        couplings=[
            ("tunnel", CouplingKind.SAME_STRUCTURE, ("T", "U")),
            ("site", CouplingKind.CO_LOCATION, ("U", "V")),
            ("polder", CouplingKind.FLOOD_ZONE, ("F1", "F2")),
        ],
    )

    def targets(sc: Scenario) -> set[str]:
        return {f.target for f in initial_failures(model, sc)}

    fail_t = Scenario(id="a", name="a", events=(Event(target="T", time_h=1.0),))
    assert targets(fail_t) == {"T", "U"}
    close_t = Scenario(
        id="b", name="b", events=(Event(target="T", time_h=1.0, kind=EventKind.CLOSURE),)
    )
    assert targets(close_t) == {"T"}
    flood = Hazard(type="water_depth", unit="m", values={"F1": 0.25})
    assert targets(Scenario(id="c", name="c", hazards=(flood,))) == {"F1", "F2"}
    wind = Hazard(type="wind_speed", unit="km/h", values={"F1": 120.0})  # 33 m/s >= 30
    assert targets(Scenario(id="d", name="d", hazards=(wind,))) == {"F1"}


def test_heat_stops_what_reaches_its_limit_and_breaks_nothing_beside_it() -> None:
    """B, a bascule bridge, stops at 36 degC; the fibre C runs over it (same structure). At
    38 degC B stops and C carries on: heat damages nothing (hazards.yaml, damages: false); a
    flood over B takes C with it."""
    comps = [
        comp("B", None, temperature=Quantity(36, "degC"), water_depth=Quantity(0.5, "m")),
        comp("C", None),
    ]
    model = build_model(
        [], components=comps, couplings=[("bridge", CouplingKind.SAME_STRUCTURE, ("B", "C"))]
    )
    heat = Hazard(type="temperature", unit="degC", values={"B": 38.0})
    fails = initial_failures(model, Scenario(id="h", name="h", hazards=(heat,)))
    assert [(f.target, f.cause) for f in fails] == [("B", CauseCode.HAZARD)]
    flood = Hazard(type="water_depth", unit="m", values={"B": 1.0})
    fails = initial_failures(model, Scenario(id="f", name="f", hazards=(flood,)))
    assert {f.target for f in fails} == {"B", "C"}
    # a plant beside the bridge (adjacent) shares its works, not its fate
    beside = build_model(
        [], components=comps, couplings=[("works", CouplingKind.ADJACENT, ("B", "C"))]
    )
    fails = initial_failures(beside, Scenario(id="f", name="f", hazards=(flood,)))
    assert {f.target for f in fails} == {"B"}
    fails = initial_failures(beside, Scenario(id="e", name="e", events=(Event(target="B"),)))
    assert {f.target for f in fails} == {"B"}


def test_bad_scenarios_are_reported() -> None:
    model = build_model([], components=[comp("A", "POINT (1 1)", water_depth=Quantity(1, "m"))])
    with pytest.raises(ScenarioError, match="'ghost'"):
        initial_failures(model, Scenario(id="s", name="s", events=(Event(target="ghost"),)))
    with pytest.raises(ScenarioError, match="unknown hazard type"):
        initial_failures(
            model, Scenario(id="s", name="s", hazards=(Hazard(type="lava", unit="m"),))
        )
    with pytest.raises(ScenarioError, match="does not measure"):
        initial_failures(
            model, Scenario(id="s", name="s", hazards=(Hazard(type="water_depth", unit="MW"),))
        )
    with pytest.raises(ScenarioError, match="unknown component"):
        initial_failures(
            model,
            Scenario(
                id="s",
                name="s",
                hazards=(Hazard(type="water_depth", unit="m", values={"B": 1.0}),),
            ),
        )
    bad_threshold = build_model(
        [], components=[comp("A", "POINT (1 1)", water_depth=Quantity(1, "MW"))]
    )
    with pytest.raises(ModelError):
        initial_failures(
            bad_threshold,
            Scenario(
                id="s", name="s", hazards=(Hazard(type="water_depth", unit="m", values={"A": 2}),)
            ),
        )
