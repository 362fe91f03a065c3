"""The three core questions on the hand-made model."""

from __future__ import annotations

from typing import Any

from tests.method.conftest import by_id
from vitaal.method.questions import fitting_conflicts
from vitaal.model import Model


def test_fitting_conflicts_with_distances(model: Model) -> None:
    fit = fitting_conflicts(model)
    got = [
        (c["plan"], c["component"], c["kind"], c["distance_m"], c["zone_m"], c["margin_m"])
        for c in fit["conflicts"]
    ]
    # battery park's square (-30..30) holds gs (zone 50): distance 0, on the asset.
    # the school's strip starts at x = 1010, 10 m from ss1 (zone 20): margin 10 m.
    # ss2 at (1000, 500) is 495 m from the strip; nothing else within a zone.
    assert got == [
        ("plan-battery", "gs", "on_asset", 0.0, 50.0, 50.0),
        ("plan-school", "ss1", "protection_zone", 10.0, 20.0, 10.0),
    ]
    assert fit["plans_without_geometry"] == ["plan-heat", "plan-lights"]


def test_distribution_priority(analysis: dict[str, Any]) -> None:
    d = analysis["questions"]["distribution"]
    assert "ACM" in d["rule"]["source"]
    c = by_id(d["contested"], "component")
    # ss1 in 2032 (latest claim year): residual 5 - 4 = 1 MW. Battery (congestion reliever,
    # rank 1) claims 1, school (basic needs, rank 3) 1.5: battery gets 1, school nothing.
    assert (c["ss1"]["residual"], c["ss1"]["year"]) == (1.0, 2032)
    assert [(r["plan"], r["category"], r["claim"], r["granted"]) for r in c["ss1"]["claims"]] == [
        ("plan-battery", "congestion_relief", 1.0, 1.0),
        ("plan-school", "basic_needs", 1.5, 0.0),
    ]
    # gs: residual 10 - 8 = 2: battery 1, school 1 of 1.5 (2/3), lights (other) nothing
    assert [(r["plan"], r["granted"], r["granted_share"]) for r in c["gs"]["claims"]] == [
        ("plan-battery", 1.0, 1.0),
        ("plan-school", 1.0, 0.666667),
        ("plan-lights", 0.0, 0.0),
    ]
    # ss2: lights' 0.5 fits in 5 - 1 = 4: not contested
    assert set(c) == {"ss1", "gs"}
    # the claims read as sentences with names, the Dutch with Dutch numbers
    school = c["ss1"]["claims"][1]["text"]
    assert "1.5 MW of electricity at Substation 1; 0% can be served" in school["en"]
    assert "vraagt 1,5 MW electricity bij Substation 1; 0% past" in school["nl"]


def test_system_question(analysis: dict[str, Any]) -> None:
    s = analysis["questions"]["system"]
    assert s["single_points_of_failure"] == 2
    assert s["unmanaged_couplings"] == 1
    assert {"from": "telecom", "to": "water", "resource": "control", "links": 1} in s[
        "cross_system_links"
    ]


def test_a_plan_names_its_own_priority_over_keywords() -> None:
    import dataclasses

    from vitaal.method.stations import load_priority
    from vitaal.model import Plan

    rule = load_priority()
    # "outside the dikes" would match the safety keywords; the plan says what it is
    housing = Plan(id="p", title="Stadium quarter", description="homes outside the dikes",
                   homes={2030: 100})  # fmt: skip
    assert rule.category_of(housing).id == "safety"
    assert rule.category_of(dataclasses.replace(housing, priority="basic_needs")).id == (
        "basic_needs"
    )


def test_an_unknown_priority_is_a_validation_error(tmp_path: Any) -> None:
    import shutil
    from pathlib import Path

    from vitaal.io.folder import load_model
    from vitaal.model.validate import validate_model

    tiny = Path(__file__).parents[1] / "data" / "tiny"
    shutil.copytree(tiny, tmp_path / "m")
    plans = tmp_path / "m" / "plans.yaml"
    plans.write_text(plans.read_text() + "  priority: housing_first\n")
    model, problems = load_model(tmp_path / "m")
    problems += validate_model(model)
    assert [(p.field, p.found) for p in problems] == [("priority", "'housing_first'")]
