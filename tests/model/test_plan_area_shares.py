"""A plan's footprint as the areas it touches, each with its share: read, written, checked, used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vitaal.engine.demand import compute_demand
from vitaal.io.folder import load_model, read_model, write_model
from vitaal.model.enums import ScenarioKind
from vitaal.model.records import Scenario
from vitaal.model.validate import validate_model

PROGRAMME = """
- id: plan-heat-pumps
  title: Heat pumps street by street
  owner: Town council
  areas: [area-north, area-south]
  area_shares: {area-north: 0.75, area-south: 0.25}
  homes: {2030: 1000}
  demand: {electricity: {2030: 4 MW}}
"""


@pytest.fixture
def with_programme(tiny: Path) -> Path:
    plans = tiny / "plans.yaml"
    plans.write_text(plans.read_text(encoding="utf-8") + PROGRAMME, encoding="utf-8")
    return tiny


def test_area_shares_are_read_and_round_trip(with_programme: Path, tmp_path: Path) -> None:
    model = read_model(with_programme)
    plan = model.plans["plan-heat-pumps"]
    assert plan.area_shares == {"area-north": 0.75, "area-south": 0.25}
    assert plan.geometry is None
    out = write_model(model, tmp_path / "out")
    again, problems = load_model(out)
    assert problems == []
    assert again.plans["plan-heat-pumps"].area_shares == plan.area_shares
    assert again == model
    # a plan without shares splits evenly, and writes no shares
    harbour = again.plans["plan-harbour"]
    assert harbour.area_shares == {}
    assert harbour.shares() == {"area-south": 1.0}
    assert (
        "area_shares"
        not in (out / "plans.yaml").read_text(encoding="utf-8").split("plan-heat-pumps")[0]
    )


def test_the_shares_split_the_growth(with_programme: Path) -> None:
    model = read_model(with_programme)
    sc = Scenario(
        id="g", name="growth", kind=ScenarioKind.GROWTH, year=2030, plans=("plan-heat-pumps",)
    )
    d = compute_demand(model, sc, years=[2030])
    north, south = d.consumer_ids.index("area-north"), d.consumer_ids.index("area-south")
    # 1000 homes: 750 in North, 250 in South (an even split would give 500 each)
    assert np.allclose(d.new_homes[0, [north, south]], [750.0, 250.0])


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        (
            "{area-north: 0.75, area-south: 0.35}",
            [("area_shares", "shares adding up to 1.1")],
        ),
        (
            "{area-north: 1.0}",
            [("area_shares", "no share for 'area-south'")],
        ),
        (
            "{area-north: 0.5, area-south: 0.25, area-east: 0.25}",
            [("area_shares", "'area-east'")],
        ),
        (
            "{area-north: 1.0, area-south: 0.0}",
            [("area_shares", "area-south: 0.0")],
        ),
    ],
)
def test_shares_that_do_not_fit_the_areas_are_errors(
    tiny: Path, shares: str, expected: list[tuple[str, str]]
) -> None:
    plans = tiny / "plans.yaml"
    text = PROGRAMME.replace("{area-north: 0.75, area-south: 0.25}", shares)
    plans.write_text(plans.read_text(encoding="utf-8") + text, encoding="utf-8")
    model, read_problems = load_model(tiny)
    assert read_problems == []
    problems = [p for p in validate_model(model) if p.record == "plan-heat-pumps"]
    assert [(p.field, p.found) for p in problems] == expected
