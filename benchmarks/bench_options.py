"""Option evaluation on the Rotterdam example: 100 options, each on its own, against one
scenario (``docs/interventions.md``, "How fast").

The options are made here, not read from the register: one per component the scenario takes
out directly or through a common cause, up to 100, each raising that component's thresholds
above the scenario's hazard and taking it out of its flood zone (protection), so that every
option changes the run. Each is applied, the patched model compiled, checked and run
(``OptionEvaluator.option_report``); the time is the wall time of the 100 reports after the
model without any option was run once (the engine's kernels compiled).

    .venv/bin/python benchmarks/bench_options.py [--model examples/rotterdam]
        [--scenario river-flood] [-n 100]
    .venv/bin/python benchmarks/bench_options.py --synthetic 100000 [-n 100]

With ``--synthetic N`` the model is the synthetic city of N components
(``vitaal.engine.synthetic``, seed 1) as records, struck by a flood given per component: every
component with a flood threshold (substations, pumping stations ...) stands in water 0.5 m above
its threshold, and the options protect the first N of them it takes out.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from _common import load

from vitaal.engine.causes import CauseCode
from vitaal.engine.synthetic import synthetic_city
from vitaal.io.folder import read_model
from vitaal.method.options import OptionEvaluator
from vitaal.method.scenario_run import run_scenario
from vitaal.model import Edit, EditOp, Intervention, InterventionKind, Model
from vitaal.model.records import Hazard, Scenario
from vitaal.model.units import Quantity


def made_options(model: Model, scenario: str, n: int, root: str | None) -> Model:
    """``model`` with a register of ``n`` protections of what ``scenario`` hits first."""
    run = run_scenario(model, scenario, model_root=root)
    c = run.cascade
    hit = [
        nid
        for i, nid in enumerate(c.node_ids)
        if nid in model.components and int(c.cause[i]) in (CauseCode.HAZARD, CauseCode.COMMON_CAUSE)
    ][:n]
    zones = {cid: cp for cid, cp in model.couplings.items() if cp.kind.value == "flood_zone"}
    register = {}
    for nid in hit:
        changes = [
            Edit(
                op=EditOp.SET,
                kind="components",
                key=nid,
                fields={
                    "thresholds": {
                        "water_depth": Quantity(5, "m"),
                        "temperature": Quantity(60, "degC"),
                    }
                },
            )
        ]
        changes += [
            Edit(op=EditOp.SET, kind="couplings", key=cid, fields={"members-": (nid,)})
            for cid, cp in zones.items()
            if nid in cp.members
        ]
        register[f"protect-{nid}"] = Intervention(
            id=f"protect-{nid}",
            name=f"Protect {nid}",
            kind=InterventionKind.PROTECTION,
            changes=tuple(changes),
            investment_eur=100_000,
            lifetime_y=30,
        )
    return dataclasses.replace(model, interventions=register)


def synthetic_flood(n_components: int) -> Model:
    """The synthetic city of ``n_components`` as records, with the scenario ``flood``."""
    model = synthetic_city(n_components, 1).to_model()
    values = {
        c.id: float(c.thresholds["water_depth"].value) + 0.5
        for c in model.components.values()
        if "water_depth" in c.thresholds
    }
    flood = Scenario(
        id="flood",
        name="Flood",
        horizon_h=72,
        hazards=(Hazard(type="water_depth", unit="m", values=values),),
    )
    return dataclasses.replace(model, scenarios={"flood": flood})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="examples/rotterdam")
    ap.add_argument("--scenario", default="river-flood")
    ap.add_argument("--synthetic", type=int, default=0, help="components of a synthetic city")
    ap.add_argument("-n", type=int, default=100)
    args = ap.parse_args()
    if args.synthetic:
        args.scenario, args.model = "flood", None
        base = synthetic_flood(args.synthetic)
    else:
        base = read_model(args.model)
    model = made_options(base, args.scenario, args.n, args.model)
    print(f"{len(model.components):,} components; {len(model.interventions)} options; {load()}")
    for check in (True, False):
        t0 = time.perf_counter()
        ev = OptionEvaluator(model, [args.scenario], model_root=args.model, check=check)
        t1 = time.perf_counter()
        reports = [ev.option_report(iv) for iv in model.interventions.values()]
        t2 = time.perf_counter()
        changed = sum(
            1 for r in reports if not r.get("error") and r["scenarios"][args.scenario]["targets"]
        )
        what = "checked and run" if check else "run without the check"
        print(f"model without options: {t1 - t0:.2f} s")
        print(
            f"{len(reports)} options each on its own, {what}: {t2 - t1:.1f} s "
            f"({(t2 - t1) / max(len(reports), 1):.2f} s an option; {changed} change their target)"
        )


if __name__ == "__main__":
    main()
