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

from tests.engine.builders import random_models
from tests.engine.reference import describe, reference_cascade
from vitaal.engine import CauseCode, InitialFailure, compile_model, run_cascade
from vitaal.model import (
    Model,
)


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
