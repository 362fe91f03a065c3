"""Peak memory for a city of 10^6 components: generate, compile, one city-wide cascade (as
compiled, and laid out in supply order as ``bench_cascade.py`` runs it), a criticality sweep
of a sample and an ensemble of a few hundred scenarios, each step in a fresh process so that
each peak is that step's (plus those before it).

    python benchmarks/bench_memory.py --n 1000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

STEPS = ("compile", "cascade", "laid out cascade", "criticality", "ensemble")

CODE = """
import json, sys, numpy as np
sys.path.insert(0, {here!r})
from _common import peak_rss_gib
from vitaal.engine import InitialFailure, run_cascade
from vitaal.engine.criticality import sweep_criticality
from vitaal.engine.ensemble import EnsembleSpec, run_ensemble, sample_scenarios
from vitaal.engine.layout import lay_out
from vitaal.engine.synthetic import synthetic_city
step = {step!r}
city = synthetic_city({n}, seed=1)
cm = city.compile()
if step == "laid out cascade":
    lay_out(cm)
if step in ("cascade", "laid out cascade"):
    ev = [InitialFailure(cm.node_ids[v], 0.0) for v in np.flatnonzero(city.comp_kind == 0)]
    run_cascade(cm, ev, 72.0)
if step == "criticality":
    sweep_criticality(cm, city.impact_table(cm), 72.0, candidates=np.arange(0, {n}, 100))
if step == "ensemble":
    sc = sample_scenarios(EnsembleSpec(n_scenarios=300, seed=1), city.exposure())
    run_ensemble(cm, city.impact_table(cm), sc, 72.0)
print(json.dumps({{"step": step, "peak_gib": peak_rss_gib()}}))
"""


def main() -> None:
    from pathlib import Path

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1_000_000)
    args = ap.parse_args()
    here = str(Path(__file__).resolve().parent)
    print("| components | step (after generate + compile) | peak memory |")
    print("|---|---|---|")
    for step in STEPS:
        code = CODE.format(here=here, step=step, n=args.n)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        peak = json.loads(out.strip().splitlines()[-1])["peak_gib"]
        label = "generate + compile" if step == "compile" else step
        print(f"| {args.n:,} | {label} | {peak:.2f} GiB |", flush=True)


if __name__ == "__main__":
    main()
