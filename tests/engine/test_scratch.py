"""Scratch kept with a compiled model between cascades (``layout.take_scratch``).

A cascade leaves its scratch buffers with the compiled model for the next one. Every part of
them is written before it is read, so a cascade on kept buffers, full of what the last
cascade left there (or of garbage), gives exactly what a cascade on new buffers gives; and
cascades that run at once from several threads each get their own.
"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from vitaal.engine import InitialFailure, run_cascade
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.compile import CompiledModel
from vitaal.engine.layout import LayoutSlot, lay_out
from vitaal.engine.synthetic import synthetic_city

FIELDS = ("fail_time", "order", "cause", "cause_node", "cause_via", "cause_resource")
PAIR_FIELDS = ("receive_time", "supply_end")


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    c = synthetic_city(20_000, seed=5)
    return c, c.compile()


def _cases(city, compiled):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    blackout = np.flatnonzero(city.comp_kind == 0)
    cases = [[InitialFailure(compiled.node_ids[v], 0.0) for v in blackout.tolist()]]
    for size in (1, 20, 400, 2000):
        nodes = rng.choice(compiled.n_nodes, size, replace=False)
        times = rng.choice([0.0, 1.0, 2.5, 7.0], size)
        pairs = zip(nodes.tolist(), times.tolist(), strict=True)
        cases.append([InitialFailure(compiled.node_ids[v], t) for v, t in pairs])
    return cases


def _fresh(compiled: CompiledModel) -> CompiledModel:
    """The same compiled model with nothing kept: new scratch for every cascade."""
    other = copy.copy(compiled)
    object.__setattr__(other, "layout_slot", LayoutSlot())
    return other


def _assert_same(a: CascadeResult, b: CascadeResult, what: object) -> None:
    for name in FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), (name, what)
    for name in PAIR_FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), (name, what)


@pytest.mark.parametrize("laid_out", [False, True])
def test_kept_scratch_gives_what_new_scratch_gives(city, laid_out: bool) -> None:  # type: ignore[no-untyped-def]
    c, compiled = city
    compiled = _fresh(compiled)
    if laid_out:
        lay_out(compiled)
    cases = _cases(c, compiled)
    # each case after another, so that every cascade starts on what the last one left
    for i, events in enumerate(cases * 2):
        for explain in (True, False):
            before = compiled.layout_slot.scratch
            kept = run_cascade(compiled, events, 72.0, explain=explain)
            after = compiled.layout_slot.scratch
            assert after is not None
            if i >= len(cases):  # second round: the buffers are large enough for every case
                assert before is not None, (i, explain)
                assert after[0] is before[0], (i, explain)
            new = _fresh(compiled)
            if laid_out:
                new.layout_slot.layout = compiled.layout_slot.layout
            _assert_same(kept, run_cascade(new, events, 72.0, explain=explain), (i, explain))


def test_garbage_in_kept_scratch_changes_nothing(city) -> None:  # type: ignore[no-untyped-def]
    c, compiled = city
    compiled = _fresh(compiled)
    events = _cases(c, compiled)[3]
    expected = run_cascade(_fresh(compiled), events, 72.0)
    rng = np.random.default_rng(0)
    for _ in range(3):
        scratch = compiled.layout_slot.scratch
        if scratch is not None:
            w32, w64, wf, w8 = scratch
            w32[:] = rng.integers(-(2**31), 2**31 - 1, w32.size, dtype=np.int32)
            w64[:] = rng.integers(-(2**62), 2**62, w64.size)
            wf[:] = rng.choice([np.nan, -np.inf, -1.0, 0.0, 3.0], wf.size)
            w8[:] = rng.integers(-128, 127, w8.size, dtype=np.int8)
        _assert_same(run_cascade(compiled, events, 72.0), expected, "garbage")


def test_cascades_from_several_threads_at_once(city) -> None:  # type: ignore[no-untyped-def]
    c, compiled = city
    compiled = _fresh(compiled)
    cases = _cases(c, compiled)
    expected = [run_cascade(_fresh(compiled), ev, 72.0) for ev in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda ev: run_cascade(compiled, ev, 72.0), cases * 3))
    for i, res in enumerate(got):
        _assert_same(res, expected[i % len(cases)], i)
