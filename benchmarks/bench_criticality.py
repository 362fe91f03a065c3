"""Criticality sweep: every component of a city failed on its own, against looping the
networkx implementation over every component (extrapolated from a timed sample).

    python benchmarks/bench_criticality.py --n 100000 --repeat 3 --sample 20

The sweep (72 h horizon) runs in process on 1 and on 2 threads. The networkx loop is timed on
``--sample`` random components (seeded) and scaled to all of them; on that sample the sweep's
components and consumers failed are checked equal to the networkx cascades'.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import numpy as np
from _common import fmt, load, peak_rss_gib, timed
from nx_cascade import fail_times, nx_cascade, to_networkx

from vitaal.engine.criticality import in_process_runner, sweep_criticality
from vitaal.engine.synthetic import synthetic_city


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=20)
    args = ap.parse_args()
    print(load())
    city = synthetic_city(args.n, seed=1)
    cm = city.compile()
    table = city.impact_table(cm)
    sweep_criticality(cm, table, 72.0, candidates=np.arange(5))  # JIT / cache load
    b1, m1, res = timed(partial(sweep_criticality, cm, table, 72.0), args.repeat)
    run2 = in_process_runner(threads=2)
    b2, m2, res2 = timed(partial(sweep_criticality, cm, table, 72.0, runner=run2), args.repeat)
    assert np.array_equal(res.singles.ints, res2.singles.ints)
    graph = to_networkx(cm)
    rng = np.random.default_rng(0)
    sample = rng.choice(res.candidates.size, size=args.sample, replace=False)
    times = []
    same = True
    n_comp = int(np.count_nonzero(cm.node_kind == 0))
    for i in sample.tolist():
        v = int(res.candidates[i])
        t0 = time.perf_counter()
        fail, _ = nx_cascade(graph, {v: 0.0}, 72.0)
        times.append(time.perf_counter() - t0)
        failed = np.isfinite(fail_times(fail, cm.n_nodes))
        same &= int(failed[:n_comp].sum()) == int(res.singles.ints[i, 0])
        same &= int(failed[n_comp:].sum()) == int(res.singles.ints[i, 1])
    per = statistics.mean(times)
    total = per * res.candidates.size
    cones = res.singles.ints[:, 6]
    print(
        f"cones: mean {cones.mean():.0f} nodes, max {cones.max():,}, "
        f"sum {int(cones.sum()):,}; classes {np.bincount(res.singles.ints[:, 4], minlength=5)}"
    )
    print()
    print(
        "| components | vitaal sweep, 1 thread | 2 threads | networkx loop (extrapolated) "
        "| networkx / vitaal | sample equal |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {res.candidates.size:,} | {fmt(b1, m1)} | {fmt(b2, m2)} | "
        f"{total:,.0f} s ({per:.2f} s x {res.candidates.size:,}; sample of {args.sample}) | "
        f"{total / b1:,.0f}x | {'yes' if same else 'NO'} |"
    )
    print(f"peak memory {peak_rss_gib():.2f} GiB; {load()}")


if __name__ == "__main__":
    main()
