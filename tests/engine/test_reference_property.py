"""The engine against the slow reference (``reference.py``) on random small models.

Models have 2-9 nodes and 1-3 resources. Per resource a random order of the nodes is drawn;
the first few supply it as producers, later ones may need it, each from at least ``k``
suppliers earlier in the order (so that supply traces back to a producer before any event, as
a valid model must) plus random extra suppliers anywhere (rings, meshes, cycles across
resources). Buffers, autonomies and event times are small whole numbers, so that sums are
exact and many things happen at the same instant, the hardest case for the sweep.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.reference import describe, reference_cascade
from vitaal.engine import CauseCode, InitialFailure, compile_model, run_cascade
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


@st.composite
def random_models(draw: st.DrawFn) -> tuple[Model, dict[str, float], float]:
    n = draw(st.integers(2, 9))
    n_areas = draw(st.integers(0, min(2, n - 1)))
    names = [f"c{i}" for i in range(n - n_areas)] + [f"a{i}" for i in range(n_areas)]
    n_res = draw(st.integers(1, 3))
    resources = [f"r{j}" for j in range(n_res)]
    links: dict[str, SupplyLink] = {}
    reqs: dict[str, Requirement] = {}
    stores: dict[str, Store] = {}
    for r in resources:
        order = draw(st.permutations(names))
        # areas are consumers: keep them out of the producers
        order = sorted(order, key=lambda x: x.startswith("a"))
        n_prod = draw(st.integers(1, max(1, min(2, len(order) - n_areas))))
        members: list[str] = list(order[:n_prod])
        for pos in range(n_prod, len(order)):
            v = order[pos]
            if not draw(st.booleans()):
                continue
            earlier = [m for m in members if m != v and not m.startswith("a")]
            firm = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
            members.append(v)
            k = draw(st.integers(1, len(firm)))
            extra_pool = [x for x in names if x != v and not x.startswith("a")]
            extra = draw(st.lists(st.sampled_from(extra_pool), max_size=2, unique=True))
            for s in dict.fromkeys(firm + extra):
                key = f"{s}>{v}|{r}"
                links[key] = SupplyLink(
                    supplier=s,
                    consumer=v,
                    resource=r,
                    role=draw(st.sampled_from([Role.PRIMARY, Role.BACKUP])),
                )
            buffer = draw(st.sampled_from([0.0, 0.0, 1.0, 2.0, 3.0, 5.0]))
            if k > 1 or buffer > 0 or draw(st.booleans()):
                reqs[f"{v}|{r}"] = Requirement(consumer=v, resource=r, buffer_h=buffer, k=k)
            if draw(st.integers(0, 3)) == 0:
                aut = draw(st.sampled_from([0.0, 1.0, 2.0, 4.0]))
                stores[f"{v}|{r}"] = Store(component=v, resource=r, autonomy_h=aut)
    model = Model(
        info=ModelInfo(name="random"),
        resources={r: Resource(id=r, name=r, unit="service") for r in resources},
        components={
            c: Component(id=c, subsystem="s", kind="k") for c in names if c.startswith("c")
        },
        areas={a: ServiceArea(id=a, name=a) for a in names if a.startswith("a")},
        requirements=reqs,
        supply=links,
        stores=stores,
    )
    failing = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
    initial = {v: float(draw(st.integers(0, 3))) for v in failing}
    horizon = float(draw(st.sampled_from([2, 4, 6, 100])))
    return model, initial, horizon


def _cut(t: float, horizon: float) -> float:
    return t if t <= horizon else math.inf


@settings(max_examples=6000, deadline=None)
@given(random_models())
def test_engine_equals_reference(case: tuple[Model, dict[str, float], float]) -> None:
    check_against_reference(*case)


def check_against_reference(model: Model, initial: dict[str, float], horizon: float) -> None:
    compiled = compile_model(model)
    events = [InitialFailure(v, t) for v, t in initial.items()]
    res = run_cascade(compiled, events, horizon)
    ref_fail, ref_rec = reference_cascade(model, initial)

    got_fail = {v: res.fail_time_of(v) for v in compiled.node_ids}
    want_fail = {v: _cut(t, horizon) for v, t in ref_fail.items()}
    assert got_fail == want_fail, describe(model, initial)
    got_rec = {
        (
            compiled.node_ids[int(res.pair_node[p])],
            compiled.resource_ids[int(res.pair_resource[p])],
        ): float(res.receive_time[p])
        for p in range(compiled.n_pairs)
        if compiled.pair_required[p]
    }
    want_rec = {pair: _cut(t, horizon) for pair, t in ref_rec.items()}
    assert got_rec == want_rec, describe(model, initial)

    # the times alone (explain=False) are the same times, with the initial failures' causes
    lean = run_cascade(compiled, events, horizon, explain=False)
    assert not lean.explained
    assert np.array_equal(lean.fail_time, res.fail_time), describe(model, initial)
    assert np.array_equal(lean.receive_time, res.receive_time, equal_nan=True)
    assert np.array_equal(lean.supply_end, res.supply_end, equal_nan=True)
    initial_failure = res.order == 1
    assert np.array_equal(lean.cause[initial_failure], res.cause[initial_failure])
    assert (lean.cause[~initial_failure] == CauseCode.NONE).all()

    # every failure has a cause that explains it: a chain of strictly lower orders that
    # ends at an initial failure, each cause node failed no later than the node it caused
    for v in res.failed():
        chain = res.chain(v)
        steps = res.explain(v)
        assert chain[0] == v
        assert steps[-1].order == 1
        assert steps[-1].cause in (CauseCode.EVENT, CauseCode.COMMON_CAUSE)
        assert steps[-1].node in initial
        for a, b in itertools.pairwise(steps):
            assert a.order == b.order + 1
            assert b.time_h <= a.time_h
        first = steps[0]
        if first.order > 1:
            assert first.resource is not None
            i = compiled.pair_of(v, first.resource)
            assert i is not None
            assert compiled.pair_required[i]
            have = float(res.supply_end[i])
            assert have + float(compiled.pair_buffer_h[i]) == first.time_h
        else:
            assert initial[v] == first.time_h
