"""Batched cascades with loads (the overload rule) are exactly ``run_cascade`` with loads.

``cone_cascade`` with loads against ``run_cascade`` with the same loads, capacities and flows,
node by node and pair by pair, on thousands of random small models with backups and tight
capacities (among them many where a moved load overloads a supplier outside the cone of the
initial failures), on hand-built models where overloads outside the cone chain, and the
criticality sweep with loads against one ``run_cascade`` per failure, on random models and on
the bundled Rotterdam example with the loads the main job gives it (``capacity_inputs``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from tests.engine.builders import build_model
from tests.scale.conftest import Example
from tests.scale.test_exact import FIELDS, assert_summary_is
from vitaal.engine import CauseCode, InitialFailure, compile_model, run_cascade
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.compile import CompiledModel
from vitaal.engine.criticality import (
    batch_arrays,
    cone_cascade,
    impact_table,
    sweep_criticality,
)
from vitaal.engine.synthetic import SyntheticCity
from vitaal.model import (
    Component,
    Model,
    ModelInfo,
    Requirement,
    Resource,
    Role,
    ServiceArea,
    Store,
    SupplyLink,
)

LOADED = (*FIELDS, "load", "peak_load")


def assert_same(a: CascadeResult, b: CascadeResult, what: str = "") -> None:
    for name in LOADED:
        x, y = getattr(a, name), getattr(b, name)
        assert x is not None
        assert y is not None
        assert np.array_equal(x, y, equal_nan=True), (name, what)


def random_loaded_model(
    rng: np.random.Generator,
) -> tuple[Model, dict[str, NDArray[np.float64] | None], list[InitialFailure], float]:
    """A small random model (as the engine's reference tests draw them: producers first in
    a random order per resource, each consumer fed by earlier nodes plus random extra
    suppliers, many of them backups) with loads, tight capacities and sometimes explicit
    per-link flows; one to three initial failures at small whole times."""
    n = int(rng.integers(3, 11))
    n_areas = int(rng.integers(0, 3))
    names = [f"c{i}" for i in range(n - n_areas)] + [f"a{i}" for i in range(n_areas)]
    comps = [x for x in names if x.startswith("c")]
    resources = [f"r{j}" for j in range(int(rng.integers(1, 3)))]
    links: dict[str, SupplyLink] = {}
    reqs: dict[str, Requirement] = {}
    stores: dict[str, Store] = {}
    for r in resources:
        order = sorted(rng.permutation(names).tolist(), key=lambda x: x.startswith("a"))
        n_prod = int(rng.integers(1, 3))
        members = list(order[:n_prod])
        for v in order[n_prod:]:
            if rng.random() < 0.2:
                continue
            earlier = [m for m in members if not m.startswith("a")]
            size = int(rng.integers(1, min(3, len(earlier)) + 1))
            firm = rng.choice(earlier, size=size, replace=False).tolist()
            extra_pool = [x for x in comps if x != v]
            extra = rng.choice(
                extra_pool, size=min(int(rng.integers(0, 3)), len(extra_pool)), replace=False
            ).tolist()
            members.append(v)
            k = int(rng.integers(1, len(firm) + 1))
            for s in dict.fromkeys(firm + extra):
                role = Role.BACKUP if rng.random() < 0.4 else Role.PRIMARY
                links[f"{s}>{v}|{r}"] = SupplyLink(supplier=s, consumer=v, resource=r, role=role)
            buffer = float(rng.choice([0.0, 0.0, 0.0, 1.0, 2.0]))
            if k > 1 or buffer > 0 or rng.random() < 0.5:
                reqs[f"{v}|{r}"] = Requirement(consumer=v, resource=r, buffer_h=buffer, k=k)
            if rng.random() < 0.15:
                aut = float(rng.choice([0.0, 1.0, 2.0]))
                stores[f"{v}|{r}"] = Store(component=v, resource=r, autonomy_h=aut)
    model = Model(
        info=ModelInfo(name="random"),
        resources={r: Resource(id=r, name=r, unit="service") for r in resources},
        components={c: Component(id=c, subsystem="s", kind="k") for c in comps},
        areas={
            a: ServiceArea(id=a, name=a, population=int(rng.integers(0, 5000)))
            for a in names
            if a.startswith("a")
        },
        requirements=reqs,
        supply=links,
        stores=stores,
    )
    cm = compile_model(model)
    shape = (cm.n_nodes, cm.n_resources)
    load = rng.integers(0, 7, size=shape).astype(np.float64)
    capacity = load + rng.integers(0, 6, size=shape)
    capacity[rng.random(shape) < 0.25] = np.nan
    capacity[rng.random(shape) < 0.05] = np.inf
    link_load = None
    if rng.random() < 0.3:
        link_load = rng.integers(0, 5, size=cm.n_links).astype(np.float64)
    failing = rng.choice(names, size=int(rng.integers(1, 4)), replace=False).tolist()
    events = [InitialFailure(v, float(rng.integers(0, 3))) for v in failing]
    horizon = float(rng.choice([2.0, 4.0, 100.0]))
    return model, {"load": load, "capacity": capacity, "link_load": link_load}, events, horizon


def plain_cone(cm: CompiledModel, events: list[InitialFailure]) -> set[int]:
    """Nodes downstream of the initial failures along supply links (Python, from scratch)."""
    todo = [cm.node_index[e.target] for e in events]
    seen = set(todo)
    while todo:
        v = todo.pop()
        for p in range(int(cm.node_ptr[v]), int(cm.node_ptr[v + 1])):
            for j in range(int(cm.out_ptr[p]), int(cm.out_ptr[p + 1])):
                u = int(cm.pair_node[cm.out_dst[j]])
                if u not in seen:
                    seen.add(u)
                    todo.append(u)
    return seen


def test_cone_with_loads_equals_full_on_random_models() -> None:
    rng = np.random.default_rng(20240611)
    outside = 0
    overloads = 0
    for i in range(2500):
        model, loads, events, horizon = random_loaded_model(rng)
        cm = compile_model(model)
        full = run_cascade(cm, events, horizon, **loads)
        assert_same(cone_cascade(cm, events, horizon, **loads), full, f"case {i}")
        failed = set(np.flatnonzero(np.isfinite(full.fail_time)).tolist())
        overloads += bool(np.any(full.cause == CauseCode.OVERLOAD))
        outside += bool(failed - plain_cone(cm, events))
    # the cases the boundary is there for: overloads, and failures outside the cone
    assert overloads > 300
    assert outside > 100


def _chain_model(cap_s2: float, cap_w: float) -> tuple[CompiledModel, dict[str, Any]]:
    """G1 -> S1 -> A (primary) with S2 as A's backup; S2 is fed by G2 and also feeds B and
    C. B has W (fed by G3) as its backup. S1's cone is {S1, A}: S2 and W are outside it."""
    model = build_model(
        [
            ("G1", "S1", "el"),
            ("S1", "A", "el"),
            ("S2", "A", "el", "backup"),
            ("G2", "S2", "el"),
            ("S2", "B", "el"),
            ("S2", "C", "el"),
            ("W", "B", "el", "backup"),
            ("G3", "W", "el"),
            ("W", "D", "el"),
        ],
        areas=["A", "B", "C", "D"],
    )
    cm = compile_model(model)
    el = cm.resource_index["el"]
    load = np.zeros((cm.n_nodes, cm.n_resources))
    cap = np.full((cm.n_nodes, cm.n_resources), np.nan)
    for node, value in {"S1": 10.0, "S2": 8.0, "W": 3.0, "G2": 8.0, "G3": 3.0}.items():
        load[cm.node_index[node], el] = value
    cap[cm.node_index["S2"], el] = cap_s2
    cap[cm.node_index["W"], el] = cap_w
    return cm, {"load": load, "capacity": cap}


@pytest.mark.parametrize(
    ("cap_s2", "cap_w", "failed"),
    [
        (30.0, 30.0, {"S1"}),  # room for everything: only S1 fails
        (15.0, 30.0, {"S1", "S2", "A", "C"}),  # S2 overloads; B moves to W
        (15.0, 5.0, {"S1", "S2", "A", "B", "C", "W", "D"}),  # and then W overloads
    ],
)
def test_overloads_outside_the_cone_chain(cap_s2: float, cap_w: float, failed: set[str]) -> None:
    cm, loads = _chain_model(cap_s2, cap_w)
    events = [InitialFailure("S1", 1.0)]
    full = run_cascade(cm, events, 24.0, **loads)
    assert set(full.failed()) == failed
    assert_same(cone_cascade(cm, events, 24.0, **loads), full)
    if "S2" in failed:
        assert full.step("S2").cause is CauseCode.OVERLOAD
    if "W" in failed:
        assert full.step("W").cause is CauseCode.OVERLOAD
        assert full.chain("D") == ["D", "W", "S2", "S1"]


def test_sweep_with_loads_on_random_models() -> None:
    rng = np.random.default_rng(7)
    seen_overload = 0
    for _ in range(250):
        model, loads, _events, horizon = random_loaded_model(rng)
        cm = compile_model(model)
        table = impact_table(model, cm)
        res = sweep_criticality(cm, table, horizon, chunk_size=3, pairs_top=3, **loads)
        for i, v in enumerate(res.candidates.tolist()):
            full = run_cascade(cm, [InitialFailure(cm.node_ids[v], 0.0)], horizon, **loads)
            seen_overload += bool(np.any(full.cause == CauseCode.OVERLOAD))
            assert_summary_is(model, cm, res.singles, i, full)
        for i, (a, b) in enumerate(res.pair_nodes.tolist()):
            events = [InitialFailure(cm.node_ids[a], 0.0), InitialFailure(cm.node_ids[b], 0.0)]
            assert res.pairs is not None
            assert_summary_is(model, cm, res.pairs, i, run_cascade(cm, events, horizon, **loads))
    assert seen_overload > 50


def test_loads_that_cannot_matter_are_left_out(
    city: SyntheticCity, city_compiled: CompiledModel
) -> None:
    cm = city_compiled
    table = city.impact_table(cm)
    shape = (cm.n_nodes, cm.n_resources)
    for load, cap in (
        (np.zeros(shape), np.ones(shape)),  # nothing to move
        (np.ones(shape), np.full(shape, np.nan)),  # no limit anywhere
    ):
        assert not batch_arrays(cm, table, load=load, capacity=cap).use_load
    assert batch_arrays(cm, table, load=np.ones(shape), capacity=np.ones(shape)).use_load


# -- the bundled example, with the loads the main job runs with -------------------------------
def test_sweep_with_loads_on_rotterdam(rotterdam: Example) -> None:
    model, cm, inputs = rotterdam.model, rotterdam.compiled, rotterdam.inputs
    table = impact_table(model, cm)
    with_loads = sweep_criticality(cm, table, 72.0, **inputs)
    without = sweep_criticality(cm, table, 72.0)
    # the failures whose outcome loads change, a random sample and the most critical
    changed = np.flatnonzero(
        np.any(with_loads.singles.ints != without.singles.ints, axis=1)
        | np.any(with_loads.singles.floats != without.singles.floats, axis=1)
    )
    assert changed.size > 10
    rng = np.random.default_rng(5)
    sample = set(changed[:60].tolist())
    sample |= set(rng.choice(with_loads.candidates.size, size=60, replace=False).tolist())
    sample |= set(with_loads.rank[:10].tolist())
    overloads = 0
    for i in sorted(sample):
        v = int(with_loads.candidates[i])
        full = run_cascade(cm, [InitialFailure(cm.node_ids[v], 0.0)], 72.0, **inputs)
        overloads += bool(np.any(full.cause == CauseCode.OVERLOAD))
        assert_summary_is(model, cm, with_loads.singles, i, full)
    assert overloads > 10
