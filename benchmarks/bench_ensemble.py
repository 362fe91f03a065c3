"""Ensemble: thousands of sampled hazard scenarios on a city, in process and on a local Dask
cluster of 1 and 2 workers, with identical results.

    python benchmarks/bench_ensemble.py --n 100000 --scenarios 10000 --repeat 3

Default hazards (``EnsembleSpec``): 40% floods, 20% heat waves, 40% random-failure episodes.
Sampling is timed separately from running the cascades; a local cluster's start-up is timed
separately from the runs on it (the batch arrays are scattered to the workers in each run).
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np
from _common import fmt, load, peak_rss_gib, timed

from vitaal.engine.criticality import in_process_runner
from vitaal.engine.distributed import dask_runner
from vitaal.engine.ensemble import EnsembleSpec, run_ensemble, sample_scenarios
from vitaal.engine.synthetic import synthetic_city


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--scenarios", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", nargs="*", type=int, default=[1, 2])
    args = ap.parse_args()
    print(load())
    city = synthetic_city(args.n, seed=1)
    cm = city.compile()
    table = city.impact_table(cm)
    ex = city.exposure()
    spec = EnsembleSpec(n_scenarios=args.scenarios, seed=1)
    sample_scenarios(EnsembleSpec(n_scenarios=10, seed=1), ex)  # JIT / cache load
    sb, sm, sc = timed(partial(sample_scenarios, spec, ex), args.repeat)
    small = sample_scenarios(EnsembleSpec(n_scenarios=10, seed=2), ex)
    run_ensemble(cm, table, small, 72.0)  # JIT / cache load
    rows = []
    b, m, ref = timed(partial(run_ensemble, cm, table, sc, 72.0), args.repeat)
    rows.append(("in process, 1 thread", b, m, True, None))
    run2 = in_process_runner(threads=2)
    b, m, r = timed(partial(run_ensemble, cm, table, sc, 72.0, runner=run2), args.repeat)
    rows.append(("in process, 2 threads", b, m, _same(ref, r), None))
    for w in args.workers:
        t0 = time.perf_counter()
        with dask_runner(workers=w) as run:
            up = time.perf_counter() - t0
            run_ensemble(cm, table, small, 72.0, runner=run)  # JIT / cache load in the workers
            b, m, r = timed(partial(run_ensemble, cm, table, sc, 72.0, runner=run), args.repeat)
        rows.append((f"local Dask cluster, {w} worker(s)", b, m, _same(ref, r), up))
    events = int(sc.case_node.size)
    print(
        f"{sc.n:,} scenarios ({np.bincount(sc.kind).tolist()} flood/heat/random), "
        f"{events:,} initial failures; cones: mean {ref.summary.ints[:, 6].mean():,.0f} nodes; "
        f"expected a year: {ref.expected_annual['person_hours']:,.0f} person-hours"
    )
    print()
    print(
        "| scenarios on components | sampling | where | cascades | identical to in process "
        "| cluster start-up |"
    )
    print("|---|---|---|---|---|---|")
    for name, b, m, same, up in rows:
        print(
            f"| {sc.n:,} on {args.n:,} | {fmt(sb, sm)} | {name} | {fmt(b, m)} | "
            f"{'yes' if same else 'NO'} | {'-' if up is None else f'{up:.1f} s'} |"
        )
    print(f"peak memory {peak_rss_gib():.2f} GiB; {load()}")


def _same(a: object, b: object) -> bool:
    from vitaal.engine.ensemble import EnsembleResult

    assert isinstance(a, EnsembleResult)
    assert isinstance(b, EnsembleResult)
    return (
        np.array_equal(a.summary.ints, b.summary.ints)
        and np.array_equal(a.summary.floats, b.summary.floats)
        and np.array_equal(a.failure_rate, b.failure_rate)
        and np.array_equal(a.person_hours, b.person_hours)
        and a.expected_annual == b.expected_annual
    )


if __name__ == "__main__":
    main()
