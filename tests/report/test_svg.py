"""The figures on their own: projection, counts, sizes."""

from __future__ import annotations

import re

from vitaal.model.model import Model
from vitaal.report.svg.dependency import count_dependencies, draw_dependencies
from vitaal.report.svg.map import draw_map, map_data
from vitaal.report.svg.timeline import Lane, draw_timeline


def test_map_projects_into_the_viewport(tiny_model: Model) -> None:
    data = map_data(tiny_model, width=500)
    assert data.width == 500
    assert 0 < data.height <= 620
    for x, y in data.points.values():
        assert 0 <= x <= data.width
        assert 0 <= y <= data.height
    # north is up: the hospital (y 438100) lies above the south area (y 436500)
    south = next(a for a in data.areas if a.id == "area-south")
    assert data.functions["hosp-1"][1] < south.y
    # the bigger area gets the bigger circle
    north = next(a for a in data.areas if a.id == "area-north")
    assert north.r > south.r


def test_scenario_map_highlights_failures(tiny_model: Model) -> None:
    data = map_data(tiny_model)
    svg = draw_map(
        data,
        label="m",
        labels={"red": "failed, red"},
        system_names={},
        failed={"gs-1": "red", "scada-1": "orange"},
    )
    assert 'class="failed-red"' in svg
    assert 'class="failed-orange"' in svg
    assert "failed, red" in svg


def test_dependencies_of_tiny(tiny_model: Model) -> None:
    edges = count_dependencies(tiny_model)
    assert edges == {
        ("electricity", "water"): 1,
        ("electricity", "telecom"): 1,
        ("telecom", "water"): 1,
    }
    svg = draw_dependencies(
        list(tiny_model.systems), edges, label="d", names={}, flags={"water": "red"}
    )
    assert len(re.findall(r'class="system"', svg)) == 3
    assert len(re.findall(r'class="edge"', svg)) == 3


def test_timeline_counts() -> None:
    svg = draw_timeline(
        [Lane("a", "A", [1.0, 2.0, 2.0], 5, "red", 1.0)], 48, label="t", axis_label="h"
    )
    assert ">3/5<" in svg
    assert 'class="flag"' in svg
