"""The cascade does not depend on how nodes are numbered: every tie is broken by the order of
events and of their creation, never by an index. A generated city compiled with its
components in another order (each kind kept in its block, links and requirements in the same
record order) gives, id for id, the same failure times, orders, causes, cause nodes, cause
resources and receive times."""

from __future__ import annotations

import numpy as np
import pytest

from vitaal.engine import InitialFailure, run_cascade
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.compile import CompiledModel, compile_arrays
from vitaal.engine.synthetic import SyntheticCity, synthetic_city


def _renumbered(city: SyntheticCity, rng: np.random.Generator) -> CompiledModel:
    """The city compiled with its nodes shuffled within each kind."""
    kind = city.node_kind
    order = np.concatenate(
        [rng.permutation(np.flatnonzero(kind == k)) for k in np.unique(kind)]
    ).astype(np.int64)
    new = np.empty_like(order)
    new[order] = np.arange(order.size)
    return compile_arrays(
        tuple(city.node_ids[i] for i in order.tolist()),
        kind[order],
        tuple(city.compile().resource_ids),
        link_supplier=new[city.link_supplier],
        link_consumer=new[city.link_consumer],
        link_resource=city.link_resource,
        link_backup=city.link_backup,
        req_node=new[city.req_node],
        req_resource=city.req_resource,
        req_k=city.req_k,
        req_buffer_h=city.req_buffer_h,
        store_node=new[city.store_node],
        store_resource=city.store_resource,
        store_autonomy_h=city.store_autonomy_h,
    )


def _by_id(res: CascadeResult) -> dict[str, tuple[object, ...]]:
    ids = res.node_ids

    def name(i: int) -> str | None:
        return ids[i] if i >= 0 else None

    nodes = {
        ids[v]: (
            res.fail_time[v],
            int(res.order[v]),
            int(res.cause[v]),
            name(int(res.cause_node[v])),
            name(int(res.cause_via[v])),
            int(res.cause_resource[v]),
        )
        for v in range(len(ids))
    }
    pairs = {
        (ids[int(n)], int(r)): (
            -1.0 if np.isnan(t) else float(t),
            -1.0 if np.isnan(e) else float(e),
        )
        for n, r, t, e in zip(
            res.pair_node, res.pair_resource, res.receive_time, res.supply_end, strict=True
        )
    }
    return {"nodes": tuple(sorted(nodes.items())), "pairs": tuple(sorted(pairs.items()))}


@pytest.mark.parametrize("seed", range(3))
def test_renumbered_city_gives_the_same_cascade(seed: int) -> None:
    city = synthetic_city(3_000, seed=seed)
    plain = city.compile()
    rng = np.random.default_rng(seed)
    shuffled = _renumbered(city, rng)
    blackout = [InitialFailure(plain.node_ids[v], 0.0) for v in np.flatnonzero(city.comp_kind == 0)]
    cases = [blackout]
    for size in (1, 5, 40, 300):
        picked = rng.choice(city.n_components, size=size, replace=False)
        cases.append(
            [InitialFailure(plain.node_ids[v], float(rng.choice([0.0, 2.0, 7.5]))) for v in picked]
        )
    for events in cases:
        a = run_cascade(plain, events, 72.0)
        b = run_cascade(shuffled, events, 72.0)
        assert np.isfinite(a.fail_time).sum() >= len(events)
        assert _by_id(a) == _by_id(b)
