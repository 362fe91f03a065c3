"""The compiled load accumulation against the level-by-level numpy reference.

``_accumulate`` (numpy, frontier by frontier) is the reference; the kernel
``accumulate_loads`` follows the same order, so loads must be equal bit for bit.
``project_capacity`` is checked against the per-resource pipeline it had before it ran on
the kernel (:func:`reference_projection`, written out here), on the bundled Rotterdam example
and the growth town, and ``project_loads`` likewise on synthetic cities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from vitaal.engine._capacity_kernels import accumulate_loads, accumulate_loads_into
from vitaal.engine.capacity import _accumulate, _measured, project_capacity
from vitaal.engine.capacity_arrays import project_loads
from vitaal.engine.compile import CompiledModel, NodeKind, compile_arrays, compile_model
from vitaal.engine.demand import compute_demand, load_norms
from vitaal.engine.synthetic import synthetic_city, synthetic_growth
from vitaal.examples import example_path
from vitaal.io.folder import read_model
from vitaal.model import Model

GROWTH = Path(__file__).parents[1] / "data" / "growth"


def i64(*v: int) -> NDArray[np.int64]:
    return np.asarray(v, dtype=np.int64)


# -- random graphs ---------------------------------------------------------------------------
def random_case(
    rng: np.random.Generator, *, cycle: bool = False
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], int]:
    """A random DAG of primary edges over ``n`` rows (a random topological order, up to 4
    suppliers per row), own demand with zeros, measured peaks on some rows (some below the
    computed load, so calibration clips at zero), several years; with ``cycle``, one random
    ring of edges added."""
    n = int(rng.integers(1, 60))
    n_years = int(rng.integers(1, 7))
    perm = rng.permutation(n)  # perm[i] may supply perm[j] only for i < j
    sup: list[int] = []
    con: list[int] = []
    for j in range(1, n):
        k = int(rng.integers(0, min(j, 4) + 1))
        for i in rng.choice(j, size=k, replace=False).tolist():
            sup.append(int(perm[i]))
            con.append(int(perm[j]))
    if cycle and n >= 2:
        ring = rng.choice(n, size=int(rng.integers(2, min(n, 5) + 1)), replace=False)
        for a, b in zip(ring.tolist(), np.roll(ring, -1).tolist(), strict=True):
            if (b, a) not in set(zip(sup, con, strict=True)):
                sup.append(a)
                con.append(b)
    order = rng.permutation(len(sup))  # edges in any order
    s = np.asarray(sup, dtype=np.int64)[order] if sup else i64()
    c = np.asarray(con, dtype=np.int64)[order] if con else i64()
    own = rng.uniform(0.0, 10.0, size=(n, n_years)) * (rng.random((n, 1)) < 0.6)
    own = np.ascontiguousarray(np.cumsum(own * rng.uniform(0.5, 1.5, size=own.shape), axis=1))
    measured = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 30.0, size=n), np.nan)
    base = int(rng.integers(0, n_years))
    return s, c, own, measured, base


@pytest.mark.parametrize("seed", range(8))
def test_kernel_equals_numpy_levels_on_random_dags(seed: int) -> None:
    rng = np.random.default_rng(seed)
    clipped = 0
    for _ in range(100):
        sup, con, own, measured, base = random_case(rng)
        n = own.shape[0]
        want, want_stuck = _accumulate(n, sup, con, own, measured, base)
        kept = own.copy()
        got, stuck = accumulate_loads(sup, con, own, measured, base)
        assert np.array_equal(own, kept)  # the input is left alone
        assert not want_stuck.any()
        assert not stuck.any()
        assert np.array_equal(got, want)  # bit for bit: the same order of every sum
        stuck_into = accumulate_loads_into(sup, con, kept, measured, base)
        assert np.array_equal(kept, want)  # in place: the same
        assert not stuck_into.any()
        clipped += int(np.sum((got == 0) & ~np.isnan(measured)[:, None]))
    assert clipped > 0  # the calibration's floor at zero was exercised


def recursive_loads(
    sup: NDArray[np.int64],
    con: NDArray[np.int64],
    own: NDArray[np.float64],
    measured: NDArray[np.float64],
    base: int,
) -> NDArray[np.float64]:
    """Each row's load as its own plus its consumers' shares, by recursion on the graph (no
    topological order), calibrated per row: independent of both implementations."""
    suppliers: dict[int, list[int]] = {}
    consumers: dict[int, list[int]] = {}
    for s, c in zip(sup.tolist(), con.tolist(), strict=True):
        suppliers.setdefault(c, []).append(s)
        consumers.setdefault(s, []).append(c)
    memo: dict[int, NDArray[np.float64]] = {}

    def load(v: int) -> NDArray[np.float64]:
        if v not in memo:
            x = own[v].copy()
            for c in consumers.get(v, []):
                x = x + load(c) / len(suppliers[c])
            if not np.isnan(measured[v]):
                x = np.maximum(x + measured[v] - x[base], 0.0)
            memo[v] = x
        return memo[v]

    return np.asarray([load(v) for v in range(own.shape[0])]).reshape(own.shape)


def test_kernel_equals_a_plain_recursive_sum() -> None:
    rng = np.random.default_rng(99)
    for _ in range(200):
        sup, con, own, measured, base = random_case(rng)
        got, _ = accumulate_loads(sup, con, own, measured, base)
        want = recursive_loads(sup, con, own, measured, base)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_kernel_reports_the_same_stuck_rows_on_cycles(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    cycles = 0
    for _ in range(100):
        sup, con, own, measured, base = random_case(rng, cycle=True)
        n = own.shape[0]
        want, want_stuck = _accumulate(n, sup, con, own, measured, base)
        got, stuck = accumulate_loads(sup, con, own, measured, base)
        assert np.array_equal(stuck, want_stuck)
        assert np.array_equal(got[~stuck], want[~stuck])
        cycles += int(stuck.any())
    assert cycles > 50


def test_a_ring_and_what_lies_above_it_are_stuck() -> None:
    # 0 feeds 1; 1 -> 2 -> 3 -> 1 is a ring; 3 feeds 4; 5 feeds 6, apart from the ring.
    # The ring (1, 2, 3) and its supplier 0 are stuck; 4, 5, 6 are finished.
    sup = i64(0, 1, 2, 3, 3, 5)
    con = i64(1, 2, 3, 1, 4, 6)
    own = np.asarray([[0.0], [0.0], [0.0], [0.0], [2.0], [0.0], [3.0]])
    loads, stuck = accumulate_loads(sup, con, own, np.full(7, np.nan), 0)
    assert stuck.tolist() == [True, True, True, True, False, False, False]
    assert loads[5, 0] == 3.0
    assert loads[4, 0] == 2.0


# -- hand-worked -----------------------------------------------------------------------------
def test_hand_worked_split_calibration_and_floor() -> None:
    # rows: 0 gs, 1 s1, 2 s2, 3 area a, 4 area b; gs feeds s1 and s2, a hangs on s1 and s2,
    # b on s2. Two years.
    #   a: 1.2, 1.8 -> 0.6, 0.9 to each of s1 and s2
    #   b: 0.6, 0.3, measured 0.1: offset -0.5 -> 0.1, -0.2 -> 0.1, 0 (floor)
    #   s1: 0.6, 0.9, measured 1.0: offset +0.4 -> 1.0, 1.3
    #   s2: 0.6 + 0.1, 0.9 + 0 = 0.7, 0.9
    #   gs: 1.0 + 0.7, 1.3 + 0.9 = 1.7, 2.2
    sup = i64(0, 0, 1, 2, 2)
    con = i64(1, 2, 3, 3, 4)
    own = np.asarray([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.2, 1.8], [0.6, 0.3]])
    measured = np.asarray([np.nan, 1.0, np.nan, np.nan, 0.1])
    loads, stuck = accumulate_loads(sup, con, own, measured, 0)
    assert not stuck.any()
    np.testing.assert_allclose(
        loads,
        [[1.7, 2.2], [1.0, 1.3], [0.7, 0.9], [1.2, 1.8], [0.1, 0.0]],
        rtol=1e-12,
    )
    # the base year may be any column: measured in the second year instead
    loads2, _ = accumulate_loads(sup, con, own, measured, 1)
    # b: 0.6 + (0.1 - 0.3) = 0.4, 0.1; s1: 0.6 + (1.0 - 0.9) = 0.7, 1.0;
    # s2: 0.6 + 0.4, 0.9 + 0.1 = 1.0, 1.0; gs: 1.7, 2.0
    np.testing.assert_allclose(
        loads2[[0, 1, 2, 4]], [[1.7, 2.0], [0.7, 1.0], [1.0, 1.0], [0.4, 0.1]]
    )


def hand_model(capacity: list[float]) -> CompiledModel:
    """gs -> s1, s2 (primary); s1, s2 -> area a (primary); s2 -> area b (primary);
    s1 -> b (backup). Components gs, s1, s2 with capacities in MW; one resource."""
    kind = np.asarray([0, 0, 0, 1, 1], dtype=np.int8)
    cap = np.full((5, 1), np.nan)
    cap[:3, 0] = capacity
    return compile_arrays(
        ("gs", "s1", "s2", "a", "b"),
        kind,
        ("el",),
        link_supplier=i64(0, 0, 1, 2, 2, 1),
        link_consumer=i64(1, 2, 3, 3, 4, 4),
        link_resource=i64(0, 0, 0, 0, 0, 0),
        link_backup=np.asarray([False] * 5 + [True]),
        req_node=i64(),
        req_resource=i64(),
        req_k=i64(),
        req_buffer_h=np.zeros(0),
        store_node=i64(),
        store_resource=i64(),
        store_autonomy_h=np.zeros(0),
        capacity=cap,
    )


def test_project_loads_hand_worked() -> None:
    # a: 1.2 MW in 2026 growing to 2.4 MW in 2040; b: 0.6 MW flat.
    # s1 = a / 2: 0.6, 1.2 of 1 MW -> 60%, 120%: exhausted 2040
    # s2 = a / 2 + b: 1.2, 1.8 of 2 MW -> 60%, 90%: never
    # gs = 1.8, 3.0 of 2.5 MW -> 72%, 120%: exhausted 2040
    cm = hand_model([2.5, 1.0, 2.0])
    proj = project_loads(
        cm, i64(3, 4), i64(0, 0), np.asarray([[1.2, 2.4], [0.6, 0.6]]), i64(2026, 2040)
    )
    assert proj.row_node.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(
        proj.load, [[1.8, 3.0], [0.6, 1.2], [1.2, 1.8], [1.2, 2.4], [0.6, 0.6]]
    )
    np.testing.assert_allclose(proj.utilisation[:3], [[0.72, 1.2], [0.6, 1.2], [0.6, 0.9]])
    assert np.isnan(proj.utilisation[3:]).all()  # consumers have no utilisation
    assert proj.exhausted.tolist() == [2040, 2040, -1, -1, -1]
    assert proj.supplies.tolist() == [True, True, True, False, False]
    assert not proj.stuck.any()
    # a measured gs (2 MW in 2026) adds its 0.2 MW gap to every year: 2.0, 3.2
    measured = np.full((5, 1), np.nan)
    measured[0, 0] = 2.0
    proj2 = project_loads(
        cm,
        i64(3, 4),
        i64(0, 0),
        np.asarray([[1.2, 2.4], [0.6, 0.6]]),
        i64(2026, 2040),
        measured=measured,
    )
    np.testing.assert_allclose(proj2.load[0], [2.0, 3.2])
    np.testing.assert_allclose(proj2.load[1:], proj.load[1:])
    assert proj2.measured[0] == 2.0
    # capacity given apart from the compiled model's
    cap = np.full((5, 1), np.nan)
    cap[2, 0] = 1.5
    proj3 = project_loads(
        cm,
        i64(3, 4),
        i64(0, 0),
        np.asarray([[1.2, 2.4], [0.6, 0.6]]),
        i64(2026, 2040),
        capacity=cap,
    )
    assert proj3.exhausted.tolist() == [-1, -1, 2040, -1, -1]
    assert np.isnan(proj3.utilisation[0]).all()


def test_project_loads_adds_entries_of_one_row_and_checks_shapes() -> None:
    cm = hand_model([2.5, 1.0, 2.0])
    proj = project_loads(cm, i64(4, 4), i64(0, 0), np.asarray([[0.25], [0.5]]), i64(2026))
    assert proj.load[4, 0] == 0.75
    assert proj.load[2, 0] == 0.75
    with pytest.raises(ValueError, match="base_index"):
        project_loads(cm, i64(4), i64(0), np.asarray([[1.0]]), i64(2026), base_index=1)
    with pytest.raises(ValueError, match="capacity has shape"):
        project_loads(cm, i64(4), i64(0), np.asarray([[1.0]]), i64(2026), capacity=np.ones(5))


# -- the old per-resource pipeline, as reference -----------------------------------------------
def reference_projection(
    cm: CompiledModel,
    own_node: NDArray[np.int64],
    own_res: NDArray[np.int64],
    own: NDArray[np.float64],
    years: NDArray[np.int64],
    measured: NDArray[np.float64],
    capacity: NDArray[np.float64],
) -> dict[str, NDArray[np.float64] | NDArray[np.int64] | NDArray[np.bool_] | bool]:
    """Rows, loads, utilisation, exhaustion and supplies as ``project_capacity`` computed
    them before the kernel: one resource at a time, local node indices, ``_accumulate``."""
    n_years = int(years.shape[0])
    link_res = cm.pair_resource[cm.link_src]
    src_node = cm.pair_node[cm.link_src]
    dst_node = cm.pair_node[cm.link_dst]
    row_node, row_res, row_load = [], [], []
    stuck_any = False
    for r in range(cm.n_resources):
        of_r = link_res == r
        prim = of_r & ~cm.link_backup
        g_sup, g_con = src_node[prim], dst_node[prim]
        mine = own_res == r
        nodes = np.unique(
            np.concatenate(
                [
                    g_sup,
                    g_con,
                    src_node[of_r],
                    own_node[mine],
                    np.flatnonzero(~np.isnan(measured[:, r])),
                    np.flatnonzero(~np.isnan(capacity[:, r])),
                ]
            ).astype(np.int64)
        )
        if nodes.size == 0:
            continue
        local = np.zeros((nodes.shape[0], n_years))
        local[np.searchsorted(nodes, own_node[mine])] = own[mine]
        sup = np.searchsorted(nodes, g_sup).astype(np.int64)
        con = np.searchsorted(nodes, g_con).astype(np.int64)
        loads, stuck = _accumulate(int(nodes.shape[0]), sup, con, local, measured[nodes, r], 0)
        stuck_any |= bool(stuck.any())
        row_node.append(nodes)
        row_res.append(np.full(nodes.shape[0], r, dtype=np.int64))
        row_load.append(loads)
    rn, rr = np.concatenate(row_node), np.concatenate(row_res)
    ld = np.concatenate(row_load, axis=0)
    order = np.lexsort((rr, rn))
    rn, rr, ld = rn[order], rr[order], ld[order]
    cap = capacity[rn, rr]
    usable = (cm.node_kind[rn] == NodeKind.COMPONENT) & np.isfinite(cap) & (cap > 0)
    util = np.full(ld.shape, np.nan)
    util[usable] = ld[usable] / cap[usable][:, None]
    over = np.nan_to_num(util, nan=0.0) > 1.0 + 1e-9
    exhausted = np.where(over.any(axis=1), years[np.argmax(over, axis=1)], -1)
    supplier_key = np.unique(src_node * cm.n_resources + link_res)
    supplies = np.isin(rn * cm.n_resources + rr, supplier_key) | ~np.isnan(cap)
    return {
        "row_node": rn,
        "row_resource": rr,
        "load": ld,
        "capacity": cap,
        "measured": measured[rn, rr],
        "utilisation": util,
        "exhausted": exhausted,
        "supplies": supplies,
        "stuck": stuck_any,
    }


def same(a: NDArray[np.generic], b: NDArray[np.generic]) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def check_against_reference(model: Model, scenario: str | None) -> int:
    norms = load_norms()
    res = project_capacity(model, scenario, norms=norms)
    cm = compile_model(model)
    demand = compute_demand(
        model, model.scenarios.get(scenario) if scenario else None, res.years, norms=norms
    )
    n_comp = len(model.components)
    nodes, ress, own = [], [], []
    for r in range(cm.n_resources):
        dem = demand.values[:, :, r]
        demanding = np.flatnonzero((dem > 0).any(axis=0))
        nodes.append(n_comp + demanding)
        ress.append(np.full(demanding.size, r, dtype=np.int64))
        own.append(dem[:, demanding].T)
    want = reference_projection(
        cm,
        np.concatenate(nodes).astype(np.int64),
        np.concatenate(ress),
        np.concatenate(own),
        res.years,
        _measured(model, cm),
        cm.capacity,
    )
    assert want["stuck"] is False
    for field in (
        "row_node",
        "row_resource",
        "load",
        "capacity",
        "measured",
        "utilisation",
        "exhausted",
        "supplies",
    ):
        got = getattr(res, field)
        expected = want[field]
        assert isinstance(expected, np.ndarray)
        assert same(got, expected), field
    # names, owners, systems and lead times, looked up per row from the records
    comps = list(model.components.values())
    for k, v in enumerate(res.row_node.tolist()):
        nid = cm.node_ids[v]
        rec = (
            comps[v] if v < n_comp else (model.areas.get(nid) or model.critical_functions.get(nid))
        )
        name, owner = getattr(rec, "name", None), getattr(rec, "owner", None)
        assert res.names[k] == (None if name is None else str(name))
        assert res.owners[k] == (None if owner is None else str(owner))
        assert res.systems[k] == model.system_of(nid)
        lead = comps[v].lead_time_y if v < n_comp else None
        assert same(res.lead_time_y[k : k + 1], np.asarray([np.nan if lead is None else lead]))
    return int(np.sum(res.exhausted >= 0))


def test_rotterdam_unchanged() -> None:
    model = read_model(example_path("rotterdam"))
    assert model.scenarios
    exhausted = 0
    for sid in [None, *model.scenarios]:
        exhausted += check_against_reference(model, sid)
    assert exhausted > 0  # some capacity runs out somewhere: utilisation is exercised


def test_growth_town_unchanged() -> None:
    model = read_model(GROWTH)
    for sid in [None, *model.scenarios]:
        check_against_reference(model, sid)


# -- synthetic cities ----------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "seed"), [(400, 3), (3000, 7)])
def test_synthetic_projection_equals_reference(n: int, seed: int) -> None:
    city = synthetic_city(n, seed=seed)
    cm = city.compile()
    growth = synthetic_growth(city, cm)
    proj = growth.project(cm)
    want = reference_projection(
        cm,
        growth.demand_node,
        growth.demand_resource,
        growth.demand,
        growth.years,
        growth.measured,
        growth.capacity,
    )
    assert want["stuck"] is False
    assert not proj.stuck.any()
    for field in ("row_node", "row_resource", "load", "utilisation", "exhausted", "supplies"):
        expected = want[field]
        assert isinstance(expected, np.ndarray)
        assert same(getattr(proj, field), expected), field


def test_synthetic_growth_is_deterministic_and_some_capacity_runs_out() -> None:
    city = synthetic_city(2000, seed=5)
    before = (city.link_supplier.copy(), city.population.copy())
    a = synthetic_growth(city)
    b = synthetic_growth(synthetic_city(2000, seed=5))
    c = synthetic_growth(city, seed=1)
    for field in ("demand_node", "demand_resource", "demand", "measured", "capacity"):
        assert same(getattr(a, field), getattr(b, field)), field
    assert not same(a.demand, c.demand)
    assert np.array_equal(city.link_supplier, before[0])
    assert np.array_equal(city.population, before[1])
    assert a.years.tolist() == list(range(2026, 2051))
    cm = city.compile(capacity=a.capacity)
    proj = project_loads(
        cm, a.demand_node, a.demand_resource, a.demand, a.years, measured=a.measured
    )
    comp = (cm.node_kind[proj.row_node] == NodeKind.COMPONENT) & np.isfinite(proj.capacity)
    share = float(np.mean(proj.exhausted[comp] >= 0))
    assert 0.05 < share < 0.6
    assert np.all(proj.exhausted[comp & (proj.exhausted >= 0)] > 2026)  # room in the base year
    # demand grows: city-wide electricity 2050 above 2026
    el = a.demand_resource == 0
    assert a.demand[el, -1].sum() > 1.2 * a.demand[el, 0].sum()
    # every area has demand for all three resources
    areas = np.flatnonzero(cm.node_kind == NodeKind.AREA)
    assert np.isin(areas, a.demand_node).all()
