"""One cascade: vitaal against a networkx implementation of the same semantics and against one
scipy breadth-first traversal of the same graph.

    python benchmarks/bench_cascade.py --sizes 10000 100000 1000000 --repeat 5

Two cascades per size, horizon 72 h: a **city-wide blackout** (every grid import fails at 0
h: every node fails, the largest cascade the city has, vitaal's worst case) and a
**district outage** (the MV substation ``e-mv-0`` fails at 0 h: the typical single failure;
the worst case of recomputing supply from scratch, which walks the whole city at every
event time). Times exclude building the graphs (compiled arrays, networkx graph, scipy
matrix) and the first call (JIT); vitaal and the traversal are timed in turn, call for
call, so that a shared machine whose speed drifts slows both alike. The floor is one scipy
``breadth_first_order`` over the node graph (N nodes, L supply links) from a source tied to
every producer: one supply-reachability pass over the whole city. The networkx failure
times are checked equal to vitaal's. vitaal is timed twice: the times alone
(``explain=False``: failure, receive and supply-end times, what the networkx implementation
computes, and what the ratio to the traversal is judged on) and the result with causes
(every failure's order, cause node, path and resource, from which chains are read),
checked equal in their times.
Both run on the city laid out in supply order (``vitaal.engine.layout.lay_out``, timed
apart as preparation, like building the scipy matrix and the networkx graph); the same two
on the city as compiled are timed in the same turns and printed below the table.
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np
import scipy.sparse as sp
from _common import fmt, load, peak_rss_gib, timed, timed_side_by_side
from nx_cascade import fail_times, nx_cascade, to_networkx
from scipy.sparse.csgraph import breadth_first_order

from vitaal.engine import InitialFailure, run_cascade
from vitaal.engine.compile import CompiledModel
from vitaal.engine.layout import SupplyLayout, lay_out
from vitaal.engine.synthetic import synthetic_city


def _run(
    cm: CompiledModel,
    layout: SupplyLayout | None,
    events: list[InitialFailure],
    explain: bool,
) -> object:
    cm.layout_slot.layout = layout  # laid out, or as compiled
    return run_cascade(cm, events, 72.0, explain=explain)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--nx-max", type=int, default=100_000, help="largest size run in networkx")
    ap.add_argument("--nx-repeat", type=int, default=3)
    args = ap.parse_args()
    print(load())
    rows = []
    for n in args.sizes:
        t0 = time.perf_counter()
        city = synthetic_city(n, seed=1)
        t1 = time.perf_counter()
        cm = city.compile()
        t2 = time.perf_counter()
        lay = lay_out(cm)
        t3 = time.perf_counter()
        nn = cm.n_nodes
        producers = np.unique(cm.pair_node[cm.pair_role == 0])
        rows_ = np.concatenate([cm.pair_node[cm.link_src], np.full(producers.size, nn)])
        cols_ = np.concatenate([cm.pair_node[cm.link_dst], producers])
        g = sp.csr_matrix((np.ones(rows_.size, np.int8), (rows_, cols_)), shape=(nn + 1, nn + 1))
        bfs = partial(breadth_first_order, g, nn, directed=True, return_predecessors=False)
        graph = to_networkx(cm) if n <= args.nx_max else None
        cases = {
            "blackout": np.flatnonzero(city.comp_kind == 0),
            "district": np.asarray([cm.node_index["e-mv-0"]]),
        }
        for case, init in cases.items():
            events = [InitialFailure(cm.node_ids[v], 0.0) for v in init.tolist()]
            fns = {
                "vitaal": partial(_run, cm, lay, events, True),
                "times": partial(_run, cm, lay, events, False),
                "plain": partial(_run, cm, None, events, True),
                "plain_times": partial(_run, cm, None, events, False),
                "bfs": bfs,
            }
            for fn in fns.values():
                fn()  # JIT / cache load
            side = timed_side_by_side(fns, args.repeat)
            best, med, res = side["vitaal"]
            tb, tm, lean = side["times"]
            bb, bm, order = side["bfs"]
            line = {
                "n": n,
                "case": case,
                "nodes": nn,
                "pairs": cm.n_pairs,
                "links": cm.n_links,
                "failed": int(np.isfinite(res.fail_time).sum()),
                "compile": t2 - t1,
                "lay_out": t3 - t2,
                "plain": side["plain"][:2],
                "plain_times": side["plain_times"][:2],
                "generate": t1 - t0,
                "vitaal": (best, med),
                "times": (tb, tm),
                "times_equal": bool(
                    np.array_equal(lean.fail_time, res.fail_time)
                    and np.array_equal(lean.receive_time, res.receive_time, equal_nan=True)
                    and np.array_equal(lean.supply_end, res.supply_end, equal_nan=True)
                ),
                "bfs": (bb, bm),
                "bfs_visited": int(order.size) - 1,
            }
            if graph is not None:
                nb, nm, (fail, _) = timed(
                    partial(nx_cascade, graph, dict.fromkeys(init.tolist(), 0.0), 72.0),
                    args.nx_repeat,
                )
                line["nx"] = (nb, nm)
                line["nx_equal"] = bool(np.array_equal(fail_times(fail, nn), res.fail_time))
            rows.append(line)
            print(line, flush=True)
        graph = None  # free it before the next size
    print()
    print(
        "| components | pairs / links | cascade (nodes failed) | times alone | scipy BFS (floor) "
        "| times alone / BFS | with causes | with causes / BFS | networkx "
        "| networkx / with causes | same failure times |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        v, b, ta = r["vitaal"], r["bfs"], r["times"]
        nx_cell, ratio, same = "-", "-", "-"
        if "nx" in r:
            nx_cell = fmt(*r["nx"])
            ratio = f"{r['nx'][0] / v[0]:,.0f}x"
            same = "yes" if r["nx_equal"] else "NO"
        if not r["times_equal"]:
            same += " (times alone: NO)"
        print(
            f"| {r['n']:,} | {r['pairs']:,} / {r['links']:,} | {r['case']} ({r['failed']:,}) | "
            f"{fmt(*ta)} | {fmt(*b)} | {ta[0] / b[0]:.1f}x | {fmt(*v)} | {v[0] / b[0]:.1f}x | "
            f"{nx_cell} | {ratio} | {same} |"
        )
    print("\nThe same cascades on the city as compiled (not laid out), timed in the same turns:\n")
    print(
        "| components | cascade | times alone | times alone / BFS | with causes "
        "| with causes / BFS |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        p, pt, b = r["plain"], r["plain_times"], r["bfs"]
        print(
            f"| {r['n']:,} | {r['case']} | {fmt(*pt)} | {pt[0] / b[0]:.1f}x | {fmt(*p)} | "
            f"{p[0] / b[0]:.1f}x |"
        )
    sizes = {r["n"]: r for r in rows}
    print(
        "\ngenerate + compile (arrays, no records) + lay out: "
        + ", ".join(
            f"{n:,}: {r['generate']:.2f} + {r['compile']:.2f} + {r['lay_out']:.2f} s"
            for n, r in sizes.items()
        )
    )
    print(f"peak memory {peak_rss_gib():.2f} GiB; {load()}")


if __name__ == "__main__":
    main()
