"""The parts the sweep is built from, each against a plain reference: the calendar queue
against sorting, the packed pair words against the compiled arrays, the pass stamps, and the
compile-time limits the packing sets."""

from __future__ import annotations

import numpy as np
import pytest
from numba import types
from numba.typed import Dict

from tests.engine.builders import build_model
from vitaal.engine import _kernels as kern
from vitaal.engine import compile as compile_mod
from vitaal.engine.compile import compile_model
from vitaal.engine.synthetic import synthetic_city
from vitaal.errors import ModelError


def _drain(
    times: np.ndarray, orders: np.ndarray, batches: list[np.ndarray], sort: bool = True
) -> list[int]:
    """Add entries batch by batch (as instants add them), then take the buckets earliest
    first; return the entries in the order taken (unsorted within a bucket without
    ``sort``)."""
    n = times.shape[0]
    ent_next = np.empty(n, dtype=np.int32)
    bk_of = Dict.empty(key_type=types.float64, value_type=types.int64)
    memo_time = np.full(8, np.nan)
    memo_b = np.zeros(9, dtype=np.int64)
    bk_time = np.empty(n)
    bk_head = np.empty(n, dtype=np.int32)
    bk_tail = np.empty(n, dtype=np.int32)
    bheap = np.empty(n, dtype=np.int32)
    out = np.empty(n, dtype=np.int32)
    tmp = np.empty(n, dtype=np.int32)
    n_bk = n_bheap = 0
    taken: list[int] = []
    for batch in batches:  # a batch: the entries one instant makes, added together
        n_bk, n_bheap = kern._bucket_add(
            int(batch[0]) if batch.size else 0,
            int(batch[-1]) + 1 if batch.size else 0,
            times.astype(np.float64),
            ent_next,
            bk_of,
            bk_time,
            bk_head,
            bk_tail,
            bheap,
            n_bk,
            n_bheap,
            memo_time,
            memo_b,
        )
    while n_bheap > 0:
        m, n_bheap = kern._bucket_take(
            bk_time, bk_head, bheap, n_bheap, ent_next, orders, out, tmp, sort
        )
        taken.extend(out[:m].tolist())
    return taken


@pytest.mark.parametrize("seed", range(40))
def test_calendar_gives_entries_by_time_order_and_creation(seed: int) -> None:
    """Whatever the times (few distinct or all distinct) and orders (narrow or far apart, so
    that both the counting sort and the merge sort run), entries come out exactly as sorting
    by (time, order, creation) gives them."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    distinct = rng.choice([1, 3, 7, n])
    times = rng.choice(rng.uniform(0, 100, size=distinct).round(2), size=n)
    spread = rng.choice([0, 2, 5, 10**9])
    orders = rng.integers(0, spread + 1, size=n).astype(np.int64)
    batches = np.array_split(np.arange(n, dtype=np.int64), int(rng.integers(1, 5)))
    expected = sorted(range(n), key=lambda e: (times[e], orders[e], e))
    assert _drain(times, orders, batches) == expected
    # without causes a bucket comes out in creation order (the memo of recent times, ahead
    # of the dictionary, must find every bucket again, however many times there are)
    assert _drain(times, orders, batches, sort=False) == sorted(
        range(n), key=lambda e: (times[e], e)
    )


def test_pair_words_hold_node_slack_role_and_requirement() -> None:
    """Decoded, the packed word of every pair of a generated city gives back the compiled
    arrays it was packed from."""
    cm = synthetic_city(3_000, seed=4).compile()
    info = cm.pair_info
    assert np.array_equal(info & kern.NODE_MASK, cm.pair_node)
    slack = ((info >> kern.SLACK_SHIFT) & kern.SLACK_MASK) - 1
    assert np.array_equal(slack, np.maximum(cm.pair_n - cm.pair_k, -1))
    assert np.array_equal((info >> kern.ROLE_SHIFT) & 15, cm.pair_role)
    assert np.array_equal((info & kern.REQUIRED_BIT) != 0, cm.pair_required)


def test_restamp_clears_stamps_only() -> None:
    """After the last stamp the stamps are cleared; flags, stop codes and down counts stay."""
    rng = np.random.default_rng(1)
    flags = rng.integers(0, 16, size=50)
    codes = rng.integers(0, 8, size=50) << kern.SC_SHIFT
    down = rng.integers(0, 1000, size=50) << kern.DOWN_SHIFT
    stamps = rng.integers(1, kern.STAMP_LIMIT + 1, size=50) << kern.STAMP_SHIFT
    st = (flags | codes | down | stamps).astype(np.int64)
    st0 = st[::-1].copy()
    keep, keep0 = st & ~kern.STAMP_MASK, st0 & ~kern.STAMP_MASK
    assert kern._restamp(st, st0) == 1
    assert np.array_equal(st, keep)
    assert np.array_equal(st0, keep0)


def test_too_many_suppliers_is_a_model_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pair with more suppliers than its packed count can hold is reported by name (the
    limit lowered to 2 to keep the model small)."""
    monkeypatch.setattr(compile_mod, "MAX_SUPPLIERS", 2)
    model = build_model([("G1", "A", "el"), ("G2", "A", "el"), ("G3", "A", "el")], areas=["A"])
    with pytest.raises(ModelError) as exc:
        compile_model(model)
    (problem,) = exc.value.problems
    assert problem.found == "3 suppliers of one resource"
    assert problem.record == "A|el"
