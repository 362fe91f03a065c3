"""The supply-order layout (``layout.py``): a cascade swept on the model laid out in supply
order answers exactly as on the model as compiled, in the model's own numbering.

Each case runs ``run_cascade`` twice, with the layout and without, and compares every
output array:
failure times, orders, causes, cause nodes and resources, receive and supply-end times, with
causes and without. The models are generated cities (stores, k-of-n areas, meshes, rings
across systems) and the bundled Rotterdam example.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from tests.scale.test_exact import assert_same_cascade
from vitaal.engine import InitialFailure, run_cascade
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.compile import CompiledModel, PairRole, compile_model
from vitaal.engine.layout import build_supply_layout, laid_out, lay_out
from vitaal.engine.synthetic import synthetic_city


def _run(
    cm: CompiledModel, events: list[InitialFailure], *, laid: bool, explain: bool
) -> CascadeResult:
    if laid:
        lay_out(cm)
    else:
        cm.layout_slot.layout = None
    assert (laid_out(cm) is not None) == laid
    return run_cascade(cm, events, 72.0, explain=explain)


def _cases(cm: CompiledModel, producers: np.ndarray, seed: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    yield "producers out", [InitialFailure(cm.node_ids[v], 0.0) for v in producers.tolist()]
    for size in (1, 4, 30, 300):
        nodes = rng.choice(cm.n_nodes, min(size, cm.n_nodes), replace=False)
        times = rng.choice([0.0, 0.5, 2.0, 5.0], nodes.size)
        events = [
            InitialFailure(cm.node_ids[v], t)
            for v, t in zip(nodes.tolist(), times.tolist(), strict=True)
        ]
        yield f"random {size}", events


@pytest.mark.parametrize("seed", range(4))
def test_laid_out_city_gives_the_same_cascade(seed: int) -> None:
    city = synthetic_city(4_000, seed=seed)
    cm = city.compile()
    imports = np.flatnonzero(city.comp_kind == 0)
    for what, events in _cases(cm, imports, seed):
        for explain in (True, False):
            plain = _run(cm, events, laid=False, explain=explain)
            laid = _run(cm, events, laid=True, explain=explain)
            assert_same_cascade(plain, laid, f"{what}, explain={explain}")


def test_laid_out_rotterdam_gives_the_same_cascade() -> None:
    from vitaal.cli.sources import load, parse_source

    model = load(parse_source("example:rotterdam"), progress=False)
    cm = compile_model(model)
    producers = np.unique(cm.pair_node[cm.pair_role == PairRole.PRODUCER])
    n_failed = []
    for what, events in _cases(cm, producers, 99):
        for explain in (True, False):
            plain = _run(cm, events, laid=False, explain=explain)
            laid = _run(cm, events, laid=True, explain=explain)
            assert_same_cascade(plain, laid, f"{what}, explain={explain}")
            n_failed.append(int(np.isfinite(plain.fail_time).sum()))
    assert max(n_failed) > 1000  # the cases reach far into the city


def test_layout_is_a_renumbering_in_supply_order() -> None:
    city = synthetic_city(2_000, seed=5)
    cm = city.compile()
    lay = build_supply_layout(cm)
    n, p = cm.n_nodes, cm.n_pairs
    assert np.array_equal(np.sort(lay.node_out), np.arange(n))
    assert np.array_equal(np.sort(lay.pair_out), np.arange(p))
    assert np.array_equal(lay.node_in[lay.node_out], np.arange(n))
    # every pair keeps its node, resource, role and requirement
    assert np.array_equal(lay.node_out[lay.pair_node], cm.pair_node[lay.pair_out])
    assert np.array_equal(lay.pair_resource, cm.pair_resource[lay.pair_out])
    assert np.array_equal(lay.pair_role, cm.pair_role[lay.pair_out])
    assert np.array_equal(lay.pair_buffer_h, cm.pair_buffer_h[lay.pair_out])
    # every link keeps its ends and its place in its supplier's list
    for j in range(p):
        old = lay.pair_out[j]
        got = lay.pair_out[lay.out_dst[lay.out_ptr[j] : lay.out_ptr[j + 1]]]
        assert np.array_equal(got, cm.out_dst[cm.out_ptr[old] : cm.out_ptr[old + 1]])
        got_in = lay.pair_out[lay.in_src[lay.in_ptr[j] : lay.in_ptr[j + 1]]]
        assert np.array_equal(got_in, cm.in_src[cm.in_ptr[old] : cm.in_ptr[old + 1]])
    # supply order: producers first, and every node reached from one comes after a supplier
    rank = lay.node_in
    producers = np.unique(cm.pair_node[cm.pair_role == PairRole.PRODUCER])
    assert rank[producers].max() == producers.size - 1
    src, dst = cm.pair_node[cm.link_src], cm.pair_node[cm.link_dst]
    for v in np.setdiff1d(np.unique(dst), producers)[:500].tolist():
        assert rank[src[dst == v]].min() < rank[v]


def test_layout_is_kept_but_not_pickled() -> None:
    cm = synthetic_city(1_000, seed=2).compile()
    assert laid_out(cm) is None  # only when asked for
    first = lay_out(cm)
    assert lay_out(cm) is first
    assert laid_out(cm) is first
    assert pickle.loads(pickle.dumps(cm.layout_slot)).layout is None
