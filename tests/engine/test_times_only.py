"""``run_cascade(..., explain=False)``: the times alone, the same as with causes.

The random small models of ``test_reference_property.py`` check this on every example; here
the cases are generated cities (stores, k-of-n areas, meshes, rings across systems), where
delete-then-rederive brings pairs back in large numbers, the blackout among them, and the
rules around it: loads ignore it, a chain refuses a result without causes.
"""

from __future__ import annotations

import numpy as np
import pytest

from vitaal.engine import CauseCode, InitialFailure, compile_model, run_cascade
from vitaal.engine.synthetic import synthetic_city
from vitaal.model import Component, Model, ModelInfo, Resource, SupplyLink


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    c = synthetic_city(20_000, seed=3)
    return c, c.compile()


def _failure_sets(city, compiled):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    yield (
        "blackout",
        [InitialFailure(compiled.node_ids[v], 0.0) for v in np.flatnonzero(city.comp_kind == 0)],
    )
    for size in (1, 5, 50, 500, 3000):
        for _ in range(3):
            nodes = rng.choice(compiled.n_nodes, size, replace=False)
            times = rng.choice([0.0, 1.5, 2.0, 6.0], size)
            pairs = zip(nodes.tolist(), times.tolist(), strict=True)
            yield f"random {size}", [InitialFailure(compiled.node_ids[v], t) for v, t in pairs]


def test_same_times_as_with_causes(city) -> None:  # type: ignore[no-untyped-def]
    c, compiled = city
    n_cases = 0
    for name, events in _failure_sets(c, compiled):
        full = run_cascade(compiled, events, 72.0)
        lean = run_cascade(compiled, events, 72.0, explain=False)
        assert full.explained
        assert not lean.explained
        assert np.array_equal(lean.fail_time, full.fail_time), name
        assert np.array_equal(lean.receive_time, full.receive_time, equal_nan=True), name
        assert np.array_equal(lean.supply_end, full.supply_end, equal_nan=True), name
        first = full.order == 1
        assert np.array_equal(lean.cause[first], full.cause[first]), name
        assert (lean.cause[~first] == CauseCode.NONE).all(), name
        assert (lean.order == 0).all(), name
        for unset in (lean.cause_node, lean.cause_via, lean.cause_resource):
            assert (unset == -1).all(), name
        n_cases += 1
    assert n_cases == 16
    # the blackout takes the whole city down, over several instants
    full = run_cascade(compiled, next(iter(_failure_sets(c, compiled)))[1], 72.0)
    assert np.isfinite(full.fail_time).all()
    assert np.unique(full.fail_time).size > 3


def _line() -> Model:
    return Model(
        info=ModelInfo(name="line"),
        resources={"el": Resource(id="el", name="El", unit="MW")},
        components={c: Component(id=c, subsystem="s", kind="k") for c in "abc"},
        supply={
            "a>b|el": SupplyLink(supplier="a", consumer="b", resource="el"),
            "b>c|el": SupplyLink(supplier="b", consumer="c", resource="el"),
        },
    )


def test_chain_refuses_a_result_without_causes() -> None:
    compiled = compile_model(_line())
    lean = run_cascade(compiled, [InitialFailure("a", 1.0)], 24.0, explain=False)
    assert lean.fail_time.tolist() == [1.0, 1.0, 1.0]
    assert lean.cause.tolist() == [CauseCode.EVENT, CauseCode.NONE, CauseCode.NONE]
    with pytest.raises(ValueError, match="explain=True"):
        lean.chain("c")
    full = run_cascade(compiled, [InitialFailure("a", 1.0)], 24.0)
    assert full.chain("c") == ["c", "a"]  # a cut the path through b


def test_loads_keep_the_causes() -> None:
    compiled = compile_model(_line())
    load = np.zeros((compiled.n_nodes, 1))
    load[0, 0] = 2.0
    load[1, 0] = 1.0
    res = run_cascade(compiled, [InitialFailure("a", 1.0)], 24.0, load=load, explain=False)
    assert res.explained
    assert res.chain("c") == ["c", "a"]
