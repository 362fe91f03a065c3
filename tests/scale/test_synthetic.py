"""The synthetic city: deterministic, realistic in shape, and compiled the same both ways."""

from __future__ import annotations

import numpy as np
import pytest

from vitaal.engine.compile import CompiledModel, PairRole, compile_arrays, compile_model
from vitaal.engine.synthetic import SyntheticCity, synthetic_city
from vitaal.errors import ModelError


def assert_same_compiled(a: CompiledModel, b: CompiledModel) -> None:
    for name in a.__dataclass_fields__:
        if name == "layout_slot":
            continue  # where a layout is kept once asked for: not the compiled content
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, name
            assert np.array_equal(x, y, equal_nan=True), name
        elif name in ("node_index", "resource_index"):
            assert dict(x) == dict(y), name
        else:
            assert x == y, name


@pytest.mark.parametrize(("n", "seed"), [(200, 0), (1000, 1), (5000, 2)])
def test_arrays_compile_like_records(n: int, seed: int) -> None:
    city = synthetic_city(n, seed)
    assert_same_compiled(city.compile(), compile_model(city.to_model()))


def test_same_seed_same_city() -> None:
    a, b, c = synthetic_city(2000, 5), synthetic_city(2000, 5), synthetic_city(2000, 6)
    assert a.node_ids == b.node_ids
    assert np.array_equal(a.link_supplier, b.link_supplier)
    assert np.array_equal(a.x, b.x)
    assert not np.array_equal(a.link_supplier, c.link_supplier)


def test_structure_of_a_city(city: SyntheticCity) -> None:
    cm = city.compile()
    assert city.n_components == 3000
    assert city.n_areas == 60
    # meshing and backups, k-of-n, stores, buffers and cross-system needs are all there
    assert city.link_backup.any()
    assert (cm.pair_k > 1).any()
    assert np.count_nonzero(cm.pair_role == PairRole.STORE) >= 3
    assert (cm.pair_buffer_h > 0).any()
    needs = {int(r) for r in cm.pair_resource[cm.pair_required & (cm.node_kind[cm.pair_node] == 0)]}
    assert needs == {0, 1, 2}
    assert city.population.sum() > 0
    assert set(city.condition.tolist()) <= set(range(1, 7))


def test_too_small() -> None:
    with pytest.raises(ValueError, match="at least 200"):
        synthetic_city(100)


def _arrays(**over: object) -> dict[str, object]:
    i = lambda *v: np.asarray(v, dtype=np.int64)  # noqa: E731
    base: dict[str, object] = {
        "link_supplier": i(0, 1),
        "link_consumer": i(1, 2),
        "link_resource": i(0, 0),
        "link_backup": np.zeros(2, dtype=bool),
        "req_node": i(2),
        "req_resource": i(0),
        "req_k": i(1),
        "req_buffer_h": np.asarray([2.0]),
        "store_node": i(1),
        "store_resource": i(0),
        "store_autonomy_h": np.asarray([3.0]),
    }
    base.update(over)
    return base


def test_compile_arrays_roles() -> None:
    cm = compile_arrays(("a", "b", "c"), np.zeros(3, dtype=np.int8), ("el",), **_arrays())  # type: ignore[arg-type]
    assert [PairRole(r).name for r in cm.pair_role] == ["PRODUCER", "STORE", "SINK"]
    assert cm.pair_autonomy_h.tolist() == [0.0, 3.0, 0.0]
    assert cm.pair_buffer_h.tolist() == [0.0, 0.0, 2.0]
    assert cm.node_index["c"] == 2
    assert "x" not in cm.node_index


@pytest.mark.parametrize(
    ("over", "found"),
    [
        ({"req_k": np.asarray([2])}, "k=2 with 1 supplier"),
        ({"link_consumer": np.asarray([1, 5])}, "index out of range"),
        ({"req_buffer_h": np.asarray([-1.0])}, "not finite or < 0"),
        # a ring b <-> c with no producer: c's supply does not trace back
        (
            {
                "link_supplier": np.asarray([1, 2]),
                "link_consumer": np.asarray([2, 1]),
            },
            "does not trace back",
        ),
    ],
)
def test_compile_arrays_problems(over: dict[str, object], found: str) -> None:
    with pytest.raises(ModelError) as info:
        compile_arrays(("a", "b", "c"), np.zeros(3, dtype=np.int8), ("el",), **_arrays(**over))  # type: ignore[arg-type]
    assert any(found in p.found for p in info.value.problems)
