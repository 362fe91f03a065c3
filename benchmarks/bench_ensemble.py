"""Ensemble: thousands of sampled hazard scenarios on a city, with restoration (the process
per scenario, as ``vitaal ensemble`` runs it) and without (nothing repaired), in process and
on a local Dask cluster of 1 and 2 workers, with identical results.

    python benchmarks/bench_ensemble.py --n 100000 --scenarios 10000 --repeat 3
    python benchmarks/bench_ensemble.py --model example:rotterdam --scenarios 1000 --repeat 3

Default hazards (``EnsembleSpec``): 40% floods, 20% heat waves, 40% random-failure episodes;
what a flood or heat wave damages is repaired after its kind's ``hazard_repair_h``, a random
failure after ``repair_h`` (``restoration.yaml``; the synthetic city's kinds take its
default: a week, a day). Sampling is timed separately from running the cascades; with and
without repair run in turn, call for call; a local cluster's start-up is timed separately
from the runs on it (the batch arrays are scattered to the workers in each run). On
``--sample`` scenarios the process is run on the whole city per scenario (``run_process``),
timed and scaled to all of them, and its components failed checked equal to the ensemble's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import numpy as np
from _common import fmt, load, peak_rss_gib, timed, timed_side_by_side
from bench_criticality import city_restoration, model_inputs

from vitaal.engine._kernels import C_HAZARD
from vitaal.engine.causes import CauseCode
from vitaal.engine.criticality import in_process_runner
from vitaal.engine.distributed import dask_runner
from vitaal.engine.ensemble import EnsembleResult, EnsembleSpec, run_ensemble, sample_scenarios
from vitaal.engine.process import Damage, run_process
from vitaal.engine.synthetic import synthetic_city


def on_a_model(source: str, n: int, repeat: int) -> None:
    """``n`` scenarios on a model with its loads and couplings, with and without
    restoration, in turn."""
    from vitaal.engine.ensemble import exposure_from_model

    model, cm, table, plain, rest = model_inputs(source)
    sc = sample_scenarios(EnsembleSpec(n_scenarios=n, seed=1), exposure_from_model(model, cm))
    couplings = plain["couplings"]
    fns = {
        "no repair": partial(run_ensemble, cm, table, sc, 72.0, **plain),
        "restoration": partial(
            run_ensemble, cm, table, sc, 72.0, couplings=couplings, restoration=rest
        ),
    }
    for fn in fns.values():  # JIT / cache load
        fn()
    turns = timed_side_by_side(fns, repeat)
    print(f"{source}: {sc.n:,} scenarios, {sc.case_node.size:,} sampled failures, 72 h")
    print("| cascades | time | expected person-hours a year |")
    print("|---|---|---|")
    for name, (b, m, res) in turns.items():
        assert isinstance(res, EnsembleResult)
        print(f"| {name} | {fmt(b, m)} | {res.expected_annual['person_hours']:,.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--scenarios", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", nargs="*", type=int, default=[1, 2])
    ap.add_argument("--sample", type=int, default=10)
    ap.add_argument(
        "--model", default=None, help="a model folder or example:NAME instead of a city"
    )
    args = ap.parse_args()
    print(load())
    if args.model is not None:
        on_a_model(args.model, args.scenarios, args.repeat)
        return
    city = synthetic_city(args.n, seed=1)
    cm = city.compile()
    table = city.impact_table(cm)
    rest = city_restoration(city, cm)
    ex = city.exposure()
    spec = EnsembleSpec(n_scenarios=args.scenarios, seed=1)
    sample_scenarios(EnsembleSpec(n_scenarios=10, seed=1), ex)  # JIT / cache load
    sb, sm, sc = timed(partial(sample_scenarios, spec, ex), args.repeat)
    small = sample_scenarios(EnsembleSpec(n_scenarios=10, seed=2), ex)
    for r in (None, rest):  # JIT / cache load
        run_ensemble(cm, table, small, 72.0, restoration=r)
    rows = []
    refs: dict[str, EnsembleResult] = {}
    for threads in (1, 2):
        runner = in_process_runner(threads=threads)
        turns = timed_side_by_side(
            {
                "no repair": partial(run_ensemble, cm, table, sc, 72.0, runner=runner),
                "restoration": partial(
                    run_ensemble, cm, table, sc, 72.0, runner=runner, restoration=rest
                ),
            },
            args.repeat,
        )
        for name, (b, m, r) in turns.items():
            assert isinstance(r, EnsembleResult)
            same = True if threads == 1 else _same(refs[name], r)
            refs.setdefault(name, r)
            rows.append((name, f"in process, {threads} thread(s)", b, m, same, None))
    for w in args.workers:
        t0 = time.perf_counter()
        with dask_runner(workers=w) as run:
            up = time.perf_counter() - t0
            for name, r_ in (("no repair", None), ("restoration", rest)):
                # JIT / cache load in the workers
                run_ensemble(cm, table, small, 72.0, runner=run, restoration=r_)
                b, m, r = timed(
                    partial(run_ensemble, cm, table, sc, 72.0, runner=run, restoration=r_),
                    args.repeat,
                )
                rows.append((name, f"local Dask cluster, {w} worker(s)", b, m,
                             _same(refs[name], r), up))  # fmt: skip
    # the sample: the process on the whole city per scenario
    restored = refs["restoration"]
    rng = np.random.default_rng(0)
    times = []
    same_pr = True
    n_comp = int(np.count_nonzero(cm.node_kind == 0))
    cases = restored.cases
    for s in rng.choice(sc.n, size=min(args.sample, sc.n), replace=False).tolist():
        lo, hi = int(cases.case_ptr[s]), int(cases.case_ptr[s + 1])
        damage = [
            Damage(
                cm.node_ids[int(v)], 0.0,
                float(rest.hazard_repair_h[v] if c == C_HAZARD else rest.repair_h[v]),
                CauseCode(int(c)),
            )
            for v, c in zip(cases.node[lo:hi].tolist(), cases.cause[lo:hi].tolist(), strict=True)
        ]  # fmt: skip
        t0 = time.perf_counter()
        res = run_process(cm, damage, 72.0, rest.inputs)
        times.append(time.perf_counter() - t0)
        same_pr &= int(np.isfinite(res.fail_time[:n_comp]).sum()) == int(
            restored.summary.ints[s, 0]
        )
    events = int(sc.case_node.size)
    print(
        f"{sc.n:,} scenarios ({np.bincount(sc.kind).tolist()} flood/heat/random), "
        f"{events:,} initial failures"
    )
    for name, r in refs.items():
        print(
            f"{name}: nodes per scenario (cone, or part with restoration) mean "
            f"{r.summary.ints[:, 6].mean():,.0f}; expected a year: "
            f"{r.expected_annual['person_hours']:,.0f} person-hours, "
            f"{r.expected_annual['people_affected']:,.0f} people affected"
        )
    per = statistics.mean(times)
    print(
        f"`run_process` on the city per scenario: {per:.2f} s x {sc.n:,} = {per * sc.n:,.0f} s "
        f"(sample of {len(times)}; components failed equal: {'yes' if same_pr else 'NO'})"
    )
    print()
    print(
        "| scenarios on components | sampling | cascades | where | time | identical to in "
        "process | cluster start-up |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, where, b, m, same, up in rows:
        print(
            f"| {sc.n:,} on {args.n:,} | {fmt(sb, sm)} | {name} | {where} | {fmt(b, m)} | "
            f"{'yes' if same else 'NO'} | {'-' if up is None else f'{up:.1f} s'} |"
        )
    print(f"peak memory {peak_rss_gib():.2f} GiB; {load()}")


def _same(a: EnsembleResult, b: EnsembleResult) -> bool:
    return (
        np.array_equal(a.summary.ints, b.summary.ints)
        and np.array_equal(a.summary.floats, b.summary.floats)
        and np.array_equal(a.failure_rate, b.failure_rate)
        and np.array_equal(a.person_hours, b.person_hours)
        and a.expected_annual == b.expected_annual
    )


if __name__ == "__main__":
    main()
