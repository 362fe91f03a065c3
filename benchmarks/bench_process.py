"""The cascade with restoration (``run_process``) on a synthetic city, beside the timed cascade
without it (``run_cascade``), for a city-wide blackout and a district outage.

    python benchmarks/bench_process.py --sizes 10000 100000 1000000 --repeat 3

Every grid import (blackout) or the MV substation ``e-mv-0`` (district) fails at 0 h and is
repaired after 10 h, horizon 72 h; restart times 0 (the synthetic city has no kinds with
restoration data). Times exclude generating and compiling the city and the first call (JIT);
the process and the cascade are timed in turn, call for call.
"""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np
from _common import fmt, load, timed_side_by_side

from vitaal.engine import InitialFailure, run_cascade
from vitaal.engine.compile import CompiledModel
from vitaal.engine.process import Damage, run_process
from vitaal.engine.synthetic import synthetic_city


def _process(cm: CompiledModel, damage: list[Damage]) -> object:
    return run_process(cm, damage, 72.0)


def _cascade(cm: CompiledModel, events: list[InitialFailure]) -> object:
    return run_cascade(cm, events, 72.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(load())
    print("| n | case | instants | outages | process (best / median) | cascade | ratio |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        city = synthetic_city(n, seed=1)
        cm = city.compile()
        cases = {
            "blackout": np.flatnonzero(city.comp_kind == 0),
            "district": np.asarray([cm.node_index["e-mv-0"]]),
        }
        for case, init in cases.items():
            ids = [cm.node_ids[v] for v in init.tolist()]
            damage = [Damage(i, 0.0, repair_h=10.0) for i in ids]
            events = [InitialFailure(i, 0.0) for i in ids]
            fns = {
                "process": partial(_process, cm, damage),
                "cascade": partial(_cascade, cm, events),
            }
            for fn in fns.values():
                fn()  # JIT / cache load
            side = timed_side_by_side(fns, args.repeat)
            pb, pm, res = side["process"]
            cb, cm_, _ = side["cascade"]
            print(
                f"| {n:,} | {case} | {res.instants} | {res.outage_node.size:,} | {fmt(pb, pm)} "
                f"| {fmt(cb, cm_)} | {pb / cb:.0f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
