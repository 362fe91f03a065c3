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
