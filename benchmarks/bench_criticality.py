"""Criticality sweep: every component of a city failed on its own, with restoration (the
process per case, as ``vitaal criticality`` runs it) and without (nothing repaired), against
looping the process and the networkx implementation over every component (extrapolated from
a timed sample).

    python benchmarks/bench_criticality.py --n 100000 --repeat 3 --sample 20
    python benchmarks/bench_criticality.py --model example:rotterdam --repeat 3

Restoration by the kinds' times of ``restoration.yaml`` (the synthetic city's kinds take its
default: repaired after 24 h, no restart time); 72 h horizon. The sweep with and without
repair run in turn, call for call, on 1 and on 2 threads. On ``--sample`` random components
(seeded) the process is run on the whole city per failure (``run_process``, what a loop over
``vitaal cascade`` would do) and the networkx cascade without repair likewise, both timed and
scaled to all components; on that sample the sweep's components and consumers failed are
checked equal to theirs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial
from typing import Any

import numpy as np
from _common import fmt, load, peak_rss_gib, timed_side_by_side
from nx_cascade import fail_times, nx_cascade, to_networkx

from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import CompiledModel
from vitaal.engine.criticality import CriticalityResult, in_process_runner, sweep_criticality
from vitaal.engine.process import Damage, run_process
from vitaal.engine.process_cases import CaseRestoration, case_restoration
from vitaal.engine.synthetic import SyntheticCity, synthetic_city


def city_restoration(city: SyntheticCity, compiled: CompiledModel) -> CaseRestoration:
    """Repair and restart times by each component's kind (``restoration.yaml``)."""
    kinds: list[str | None] = [city.kind_names[k] for k in city.comp_kind.tolist()]
    return case_restoration(compiled, kinds + [None] * (compiled.n_nodes - len(kinds)))


def model_inputs(source: str) -> tuple[Any, CompiledModel, Any, dict[str, Any], CaseRestoration]:
    """A model folder (or ``example:NAME``) as the commands run it: its impact table, its
    couplings, the base year's loads without repair and its restoration with them."""
    from vitaal.cli.sources import load as load_model
    from vitaal.cli.sources import parse_source
    from vitaal.engine.capacity import project_capacity
    from vitaal.engine.compile import compile_model
    from vitaal.engine.criticality import coupling_index, impact_table
    from vitaal.engine.process_cases import model_restoration
    from vitaal.method.scenario_run import capacity_inputs

    model = load_model(parse_source(source), progress=False)
    cm = compile_model(model)
    cap = project_capacity(model, None, years=[model.info.base_year], compiled=cm)
    year = cap.cascade_year
    rest = model_restoration(model, cm, cap.load_at(year), cm.capacity, cap.link_load_at(year))
    plain = dict(capacity_inputs(model, cm, cap), couplings=coupling_index(model, cm))
    return model, cm, impact_table(model, cm), plain, rest


def on_a_model(source: str, repeat: int) -> None:
    """Every single failure of a model with its loads and couplings, with and without
    restoration, in turn."""
    model, cm, table, plain, rest = model_inputs(source)
    horizon = float(model.info.horizon_h)
    couplings = plain["couplings"]
    fns = {
        "no repair": partial(sweep_criticality, cm, table, horizon, **plain),
        "restoration": partial(
            sweep_criticality, cm, table, horizon, couplings=couplings, restoration=rest
        ),
    }
    for fn in fns.values():  # JIT / cache load
        fn()
    turns = timed_side_by_side(fns, repeat)
    print(f"{source}: {cm.n_nodes:,} nodes, loads and couplings, horizon {horizon:g} h")
    print("| sweep | time | classes A-E |")
    print("|---|---|---|")
    for name, (b, m, res) in turns.items():
        assert isinstance(res, CriticalityResult)
        classes = np.bincount(res.singles.ints[:, 4], minlength=5).tolist()
        print(f"| {name} | {fmt(b, m)} | {classes} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument(
        "--model", default=None, help="a model folder or example:NAME instead of a city"
    )
    args = ap.parse_args()
    print(load())
    if args.model is not None:
        on_a_model(args.model, args.repeat)
        return
    city = synthetic_city(args.n, seed=1)
    cm = city.compile()
    table = city.impact_table(cm)
    rest = city_restoration(city, cm)
    for r in (None, rest):  # JIT / cache load
        sweep_criticality(cm, table, 72.0, candidates=np.arange(5), restoration=r)
    sweeps = {}
    for threads in (1, 2):
        runner = in_process_runner(threads=threads)
        turns = timed_side_by_side(
            {
                "no repair": partial(sweep_criticality, cm, table, 72.0, runner=runner),
                "restoration": partial(
                    sweep_criticality, cm, table, 72.0, runner=runner, restoration=rest
                ),
            },
            args.repeat,
        )
        sweeps[threads] = turns
    plain = sweeps[1]["no repair"][2]
    restored = sweeps[1]["restoration"][2]
    assert isinstance(plain, CriticalityResult)
    assert isinstance(restored, CriticalityResult)
    for threads in (2,):
        for name, ref in (("no repair", plain), ("restoration", restored)):
            other = sweeps[threads][name][2]
            assert isinstance(other, CriticalityResult)
            assert np.array_equal(ref.singles.ints, other.singles.ints)
    # the sample: one process on the whole city per failure, and the networkx loop
    graph = to_networkx(cm)
    rng = np.random.default_rng(0)
    sample = rng.choice(plain.candidates.size, size=args.sample, replace=False)
    nx_times, pr_times = [], []
    same_nx = same_pr = True
    n_comp = int(np.count_nonzero(cm.node_kind == 0))
    inputs = rest.inputs
    for i in sample.tolist():
        v = int(plain.candidates[i])
        t0 = time.perf_counter()
        fail, _ = nx_cascade(graph, {v: 0.0}, 72.0)
        nx_times.append(time.perf_counter() - t0)
        failed = np.isfinite(fail_times(fail, cm.n_nodes))
        same_nx &= int(failed[:n_comp].sum()) == int(plain.singles.ints[i, 0])
        same_nx &= int(failed[n_comp:].sum()) == int(plain.singles.ints[i, 1])
        damage = [Damage(cm.node_ids[v], 0.0, float(rest.repair_h[v]), CauseCode.EVENT)]
        t0 = time.perf_counter()
        res = run_process(cm, damage, 72.0, inputs)
        pr_times.append(time.perf_counter() - t0)
        failed = np.isfinite(res.fail_time)
        same_pr &= int(failed[:n_comp].sum()) == int(restored.singles.ints[i, 0])
        same_pr &= int(failed[n_comp:].sum()) == int(restored.singles.ints[i, 1])
    n = plain.candidates.size
    per_nx, per_pr = statistics.mean(nx_times), statistics.mean(pr_times)
    for name, res in (("no repair", plain), ("restoration", restored)):
        sizes = res.singles.ints[:, 6]
        print(
            f"{name}: nodes per case (cone, or part with restoration): mean {sizes.mean():.1f}, "
            f"max {sizes.max():,}, sum {int(sizes.sum()):,}; "
            f"classes A-E {np.bincount(res.singles.ints[:, 4], minlength=5).tolist()}"
        )
    print()
    print(
        "| components | sweep | 1 thread | 2 threads | a loop per failure (extrapolated) "
        "| loop / sweep | sample equal |"
    )
    print("|---|---|---|---|---|---|---|")
    rows = (
        ("no repair", "networkx cascade", per_nx, same_nx),
        ("restoration", "`run_process` on the city", per_pr, same_pr),
    )
    for name, loop, per, same in rows:
        b1, m1, _ = sweeps[1][name]
        b2, m2, _ = sweeps[2][name]
        print(
            f"| {n:,} | {name} | {fmt(b1, m1)} | {fmt(b2, m2)} | {loop}: {per * n:,.0f} s "
            f"({per:.3f} s x {n:,}; sample of {args.sample}) | {per * n / b1:,.0f}x | "
            f"{'yes' if same else 'NO'} |"
        )
    print(f"peak memory {peak_rss_gib():.2f} GiB; {load()}")


if __name__ == "__main__":
    main()
