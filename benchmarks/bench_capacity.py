"""Capacity projection of every year to 2050: the compiled pass against the numpy one.

    python benchmarks/bench_capacity.py --sizes 10000 100000 1000000 --repeat 5

Per size a synthetic city (seed 1) with its demand growth and capacities
(``synthetic_growth``), projected for every year from 2026 to 2050. Timed: generating the
city and its growth, compiling, ``project_loads`` (rows, the compiled accumulation over every
resource and year, utilisation and exhaustion years) and the compiled accumulation alone
(in place, without allocating the loads);
against the level-by-level numpy path ``project_capacity`` ran before (per resource: local
rows by ``np.unique``, ``_accumulate`` frontier by frontier, then the same utilisation). The
loads of both are checked equal bit for bit. The first call (JIT or numba's cache) is not
timed.
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np
from _common import fmt, load, peak_rss_gib, timed
from numpy.typing import NDArray

from vitaal.engine._capacity_kernels import accumulate_loads_into
from vitaal.engine.capacity import _accumulate
from vitaal.engine.capacity_arrays import primary_edges
from vitaal.engine.compile import CompiledModel, NodeKind
from vitaal.engine.synthetic import SyntheticGrowth, synthetic_city, synthetic_growth


def numpy_levels(cm: CompiledModel, g: SyntheticGrowth) -> tuple[NDArray[np.float64], int]:
    """The per-resource numpy pipeline: rows, loads, utilisation, exhaustion years."""
    years = g.years
    n_years = int(years.shape[0])
    link_res = cm.pair_resource[cm.link_src]
    src_node = cm.pair_node[cm.link_src]
    dst_node = cm.pair_node[cm.link_dst]
    rows_n, rows_r, rows_l = [], [], []
    for r in range(cm.n_resources):
        of_r = link_res == r
        prim = of_r & ~cm.link_backup
        g_sup, g_con = src_node[prim], dst_node[prim]
        mine = g.demand_resource == r
        nodes = np.unique(
            np.concatenate(
                [
                    g_sup,
                    g_con,
                    src_node[of_r],
                    g.demand_node[mine],
                    np.flatnonzero(~np.isnan(g.measured[:, r])),
                    np.flatnonzero(~np.isnan(g.capacity[:, r])),
                ]
            )
        )
        own = np.zeros((nodes.shape[0], n_years))
        own[np.searchsorted(nodes, g.demand_node[mine])] = g.demand[mine]
        sup = np.searchsorted(nodes, g_sup).astype(np.int64)
        con = np.searchsorted(nodes, g_con).astype(np.int64)
        loads, _ = _accumulate(int(nodes.shape[0]), sup, con, own, g.measured[nodes, r], 0)
        rows_n.append(nodes)
        rows_r.append(np.full(nodes.shape[0], r, dtype=np.int64))
        rows_l.append(loads)
    rn, rr = np.concatenate(rows_n), np.concatenate(rows_r)
    ld = np.concatenate(rows_l, axis=0)
    order = np.lexsort((rr, rn))
    rn, rr, ld = rn[order], rr[order], ld[order]
    cap = g.capacity[rn, rr]
    usable = (cm.node_kind[rn] == NodeKind.COMPONENT) & np.isfinite(cap) & (cap > 0)
    util = np.full(ld.shape, np.nan)
    util[usable] = ld[usable] / cap[usable][:, None]
    over = np.nan_to_num(util, nan=0.0) > 1.0 + 1e-9
    exhausted = np.where(over.any(axis=1), years[np.argmax(over, axis=1)], -1)
    return ld, int(np.sum(exhausted >= 0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--numpy-repeat", type=int, default=3)
    args = ap.parse_args()
    print(load())
    rows = []
    for n in args.sizes:
        t0 = time.perf_counter()
        city = synthetic_city(n, seed=1)
        t1 = time.perf_counter()
        cm = city.compile()
        t2 = time.perf_counter()
        growth = synthetic_growth(city, cm)
        t3 = time.perf_counter()
        proj = growth.project(cm)  # JIT / cache load
        best, med, proj = timed(partial(growth.project, cm), args.repeat)
        # the compiled accumulation alone, on the rows project_loads built
        n_res = cm.n_resources
        row_of_key = np.full(cm.n_nodes * n_res, -1, dtype=np.int64)
        row_of_key[proj.row_keys(n_res)] = np.arange(proj.n_rows, dtype=np.int64)
        sup, con = primary_edges(cm, row_of_key)
        own = np.zeros(proj.load.shape)
        np.add.at(
            own, row_of_key[growth.demand_node * n_res + growth.demand_resource], growth.demand
        )
        meas = growth.measured.reshape(-1)[proj.row_keys(n_res)]
        # in place on one scratch array, again and again: the work does not depend on values
        kb, km, _ = timed(partial(accumulate_loads_into, sup, con, own, meas, 0), args.repeat)
        nb, nm, (ref_load, ref_exhausted) = timed(
            partial(numpy_levels, cm, growth), args.numpy_repeat
        )
        comp = (cm.node_kind[proj.row_node] == NodeKind.COMPONENT) & np.isfinite(proj.capacity)
        line = {
            "n": n,
            "rows": proj.n_rows,
            "years": int(proj.years.shape[0]),
            "edges": int(sup.shape[0]),
            "with_capacity": int(comp.sum()),
            "exhausted": int(np.sum(proj.exhausted >= 0)),
            "generate": (t1 - t0) + (t3 - t2),
            "compile": t2 - t1,
            "project": (best, med),
            "kernel": (kb, km),
            "numpy": (nb, nm),
            "equal": bool(np.array_equal(proj.load, ref_load))
            and ref_exhausted == int(np.sum(proj.exhausted >= 0)),
        }
        rows.append(line)
        print(line, flush=True)
    print()
    print(
        "| components | rows x years | primary links | exhausted by 2050 | generate | compile "
        "| project_loads | of which the kernel | numpy levels | numpy / compiled | identical |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['rows']:,} x {r['years']} | {r['edges']:,} | "
            f"{r['exhausted']:,} of {r['with_capacity']:,} | {r['generate']:.2f} s | "
            f"{r['compile']:.2f} s | {fmt(*r['project'])} | {fmt(*r['kernel'])} | "
            f"{fmt(*r['numpy'])} | {r['numpy'][0] / r['project'][0]:.1f}x | "
            f"{'yes' if r['equal'] else 'NO'} |"
        )
    print(f"peak memory {peak_rss_gib():.2f} GiB; {load()}")


if __name__ == "__main__":
    main()
