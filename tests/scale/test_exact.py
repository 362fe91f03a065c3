"""Every batched cascade is exactly the plain cascade: node by node, summary by summary.

``cone_cascade`` (what each case of a batch runs) against ``run_cascade`` on the random models
of the engine's reference tests and on a synthetic city; the criticality sweep's summaries
against ``run_cascade`` + ``assess_impact`` per failure; pairs (N-2) likewise.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.builders import random_models
from vitaal.engine import InitialFailure, compile_model, run_cascade
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.compile import CompiledModel
from vitaal.engine.criticality import (
    CLASSES,
    CRITERIA,
    CaseSummary,
    cone_cascade,
    impact_table,
    in_process_runner,
    sweep_criticality,
)
from vitaal.method.impact import assess_impact
from vitaal.model import Model

FIELDS = (
    "fail_time",
    "order",
    "cause",
    "cause_node",
    "cause_via",
    "cause_resource",
    "receive_time",
    "supply_end",
)


def assert_same_cascade(a: CascadeResult, b: CascadeResult, what: str = "") -> None:
    for name in FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), (name, what)


@settings(max_examples=1500, deadline=None)
@given(random_models())
def test_cone_equals_full_on_random_models(case: tuple[Model, dict[str, float], float]) -> None:
    model, initial, horizon = case
    cm = compile_model(model)
    events = [InitialFailure(v, t) for v, t in initial.items()]
    assert_same_cascade(cone_cascade(cm, events, horizon), run_cascade(cm, events, horizon))


def test_cone_equals_full_on_a_city(city_compiled: CompiledModel) -> None:
    cm = city_compiled
    rng = np.random.default_rng(1)
    comps = np.flatnonzero(cm.node_kind == 0)
    for size in [1] * 150 + [2, 3, 5, 20, 100] * 4:
        nodes = rng.choice(comps, size=size, replace=False)
        times = rng.choice([0.0, 0.0, 1.0, 3.0, 12.0], size=size)
        events = [
            InitialFailure(cm.node_ids[v], float(t)) for v, t in zip(nodes, times, strict=True)
        ]
        for horizon in (6.0, 72.0):
            assert_same_cascade(
                cone_cascade(cm, events, horizon), run_cascade(cm, events, horizon), str(nodes)
            )


def assert_summary_is(
    model: Model, cm: CompiledModel, summary: CaseSummary, i: int, res: CascadeResult
) -> None:
    imp = assess_impact(model, cm, res)
    ints, fl = summary.ints[i], summary.floats[i]
    first_consumer = int(np.count_nonzero(cm.node_kind == 0))
    failed = np.isfinite(res.fail_time)
    assert ints[0] == np.count_nonzero(failed[:first_consumer])
    assert ints[1] == np.count_nonzero(failed[first_consumer:])
    assert ints[2] == imp.people_affected
    assert ints[3] == len(imp.critical_functions_lost)
    assert CLASSES[int(ints[4])] == imp.cls
    assert CRITERIA[int(ints[5])] == imp.decisive
    assert fl[0] == imp.criterion("person_hours").value
    assert fl[1] == pytest.approx(sum(imp.person_hours.values()), rel=1e-12)
    assert fl[2] == max(imp.hindrance_hours.values(), default=0.0)
    assert fl[3] == imp.economic_loss_eur
    systems = {model.system_of(v) for v in res.failed()} - {None}
    table = impact_table(model, cm)
    got = {s for j, s in enumerate(table.system_ids) if (int(summary.systems[i]) >> j) & 1}
    assert got == systems


@st.composite
def models_with_people(draw: st.DrawFn) -> tuple[Model, float]:
    model, _initial, horizon = draw(random_models())
    areas = {
        k: dataclasses.replace(
            a, population=draw(st.integers(0, 50_000)), jobs=draw(st.integers(0, 9_000))
        )
        for k, a in model.areas.items()
    }
    return dataclasses.replace(model, areas=areas), horizon


@settings(max_examples=300, deadline=None)
@given(models_with_people())
def test_sweep_summaries_on_random_models(case: tuple[Model, float]) -> None:
    model, horizon = case
    cm = compile_model(model)
    res = sweep_criticality(cm, impact_table(model, cm), horizon, chunk_size=3, pairs_top=3)
    for i, v in enumerate(res.candidates.tolist()):
        full = run_cascade(cm, [InitialFailure(cm.node_ids[v], 0.0)], horizon)
        assert_summary_is(model, cm, res.singles, i, full)
    assert res.pairs is not None or res.candidates.size < 2
    for i, (a, b) in enumerate(res.pair_nodes.tolist()):
        events = [InitialFailure(cm.node_ids[a], 0.0), InitialFailure(cm.node_ids[b], 0.0)]
        assert res.pairs is not None
        assert_summary_is(model, cm, res.pairs, i, run_cascade(cm, events, horizon))


def test_sweep_on_a_city_sample(city_model: Model, city_compiled: CompiledModel) -> None:
    cm = city_compiled
    table = impact_table(city_model, cm)
    res = sweep_criticality(cm, table, 72.0, pairs_top=6)
    rng = np.random.default_rng(3)
    # a random sample plus the ten most critical, whose cascades are the largest
    sample = set(rng.choice(res.candidates.size, size=120, replace=False).tolist())
    sample |= set(res.rank[:10].tolist())
    for i in sorted(sample):
        v = int(res.candidates[i])
        full = run_cascade(cm, [InitialFailure(cm.node_ids[v], 0.0)], 72.0)
        assert_summary_is(city_model, cm, res.singles, i, full)
    assert len(res.pair_nodes) == 15
    for i, (a, b) in enumerate(res.pair_nodes.tolist()):
        events = [InitialFailure(cm.node_ids[a], 0.0), InitialFailure(cm.node_ids[b], 0.0)]
        assert res.pairs is not None
        assert_summary_is(city_model, cm, res.pairs, i, run_cascade(cm, events, 72.0))


def test_ranking_and_threads_and_chunks(city_model: Model, city_compiled: CompiledModel) -> None:
    cm = city_compiled
    table = impact_table(city_model, cm)
    a = sweep_criticality(cm, table, 48.0)
    b = sweep_criticality(cm, table, 48.0, chunk_size=77, runner=in_process_runner(threads=2))
    assert np.array_equal(a.singles.ints, b.singles.ints)
    assert np.array_equal(a.singles.floats, b.singles.floats)
    assert np.array_equal(a.rank, b.rank)
    cls = a.singles.ints[a.rank, 4]
    assert np.all(np.diff(cls) <= 0)  # most severe class first
    assert a.singles.ints[a.rank[0], 2] > 0
    # components that fail nothing but themselves rank last
    last = a.singles.ints[a.rank[-1]]
    assert last[0] == 1
    assert last[2] == 0
