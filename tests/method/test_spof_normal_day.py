"""Single points of failure on a normal day: a need that holds only under a scenario condition
(rain, a storm surge) is met, as in the batch criticality."""

from __future__ import annotations

import dataclasses

from tests.engine.builders import build_model
from vitaal.engine.compile import compile_model
from vitaal.method.coupling import find_single_points_of_failure
from vitaal.model import Resource


def test_a_barrier_needed_only_in_a_storm_surge_is_no_single_point_of_failure() -> None:
    """Barrier B protects area A (flood protection, needed only in a storm surge); pump P
    drains A (needed only in rain) and needs power from grid G; G also feeds A. On a normal
    day B and P cut nobody off; G does, for electricity only, and P does not fail with it
    (its power is needed only in rain)."""
    m = build_model(
        [("B", "A", "flood"), ("P", "A", "drainage"), ("G", "P", "el"), ("G", "A", "el")],
        areas=["A"],
    )
    m.resources = {
        **m.resources,
        "flood": Resource(id="flood", name="Flood protection", unit="service"),
        "drainage": Resource(id="drainage", name="Drainage", unit="service"),
    }
    conditional = {("A", "flood"): "storm_surge", ("A", "drainage"): "rain", ("P", "el"): "rain"}
    reqs = dict(m.requirements)
    for (consumer, resource), cond in conditional.items():
        base = build_model([("x", consumer, resource)], requirements=[(consumer, resource, 0, 1)])
        req = base.requirements[f"{consumer}|{resource}"]
        reqs[f"{consumer}|{resource}"] = dataclasses.replace(req, condition=cond)
    m.requirements = reqs
    spof = find_single_points_of_failure(m, compile_model(m))
    assert sorted(spof) == ["G"]
    assert spof["G"]["consumers_cut_off"] == ["A"]
    assert spof["G"]["failed"] == []
    # without the conditions (every need always holds) all three cut A off
    plain = dataclasses.replace(
        m,
        requirements={k: dataclasses.replace(r, condition=None) for k, r in m.requirements.items()},
    )
    assert sorted(find_single_points_of_failure(plain, compile_model(plain))) == ["B", "G", "P"]


def test_a_plant_on_manual_control_outlasts_the_loss_of_its_control_system() -> None:
    """Plant W needs control from SCADA S (buffer 4 h) and then runs on manual control for a
    week; area A takes water from W. S alone is no single point of failure within 72 h;
    without the manual mode it is (W fails at 4 h)."""
    m = build_model(
        [("S", "W", "control"), ("W", "A", "water")],
        areas=["A"],
        requirements=[("W", "control", 4.0, 1)],
    )
    manual = dataclasses.replace(m.requirements["W|control"], degraded_h=168.0, degraded_share=0.7)
    with_manual = dataclasses.replace(m, requirements={"W|control": manual})
    assert "S" not in find_single_points_of_failure(with_manual, compile_model(with_manual))
    assert "S" in find_single_points_of_failure(m, compile_model(m))
