"""``vitaal criticality`` and ``vitaal ensemble``: every single failure ranked, and risk over
thousands of sampled hazard scenarios; in process, or on a Dask cluster.

``MODEL`` is what every command takes (a folder, a database, ``example:NAME``) or
``synthetic:N[:SEED]``, a generated city of N components (``vitaal.engine.synthetic``), built
straight as arrays: the way to try a million components.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.markup import escape
from rich.table import Table

from vitaal.cli.common import handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.engine.compile import NodeKind
from vitaal.engine.criticality import (
    CLASSES,
    CRITERIA,
    CaseSummary,
    ImpactTable,
    Runner,
    in_process_runner,
    sweep_criticality,
)
from vitaal.engine.ensemble import (
    KINDS,
    read_ensemble_spec,
    run_ensemble,
    sample_scenarios,
)
from vitaal.engine.process_cases import case_restoration
from vitaal.errors import ScenarioError, VitaalError
from vitaal.method.batch import BatchInputs, BatchOptions, batch_inputs

__all__ = ["criticality", "ensemble"]


def _load(model: str, version: int | None, quiet: bool, options: BatchOptions) -> BatchInputs:
    if model.startswith("synthetic:"):
        from vitaal.engine.synthetic import synthetic_city

        parts = model.split(":")[1:]
        try:
            n = int(parts[0])
            seed = int(parts[1]) if len(parts) > 1 else 0
            city = synthetic_city(n, seed)
        except (ValueError, IndexError) as exc:
            raise VitaalError(f"synthetic:N[:SEED] with N >= 200, not {model!r}") from exc
        cm = city.compile()
        rest = None
        if options.restoration:
            kinds = [city.kind_names[k] for k in city.comp_kind.tolist()]
            rest = case_restoration(cm, kinds + [None] * (cm.n_nodes - len(kinds)))
        return BatchInputs(None, cm, city.impact_table(cm), city.exposure, 72.0, restoration=rest)
    return batch_inputs(load(parse_source(model, version), progress=not quiet), options)


@contextmanager
def _runner(
    scheduler: str | None, workers: int | None, threads: int, quiet: bool, what: str
) -> Iterator[Runner]:
    from vitaal.cli.progress import progress_bar

    with progress_bar(what, enabled=not quiet) as update:

        def progress(done: int, total: int) -> None:
            update(done, total, "tasks")

        if scheduler is None and workers is None:
            yield in_process_runner(threads, progress)
            return
        from vitaal.engine.distributed import dask_runner

        with dask_runner(scheduler=scheduler, workers=workers, progress=progress) as run:
            yield run


def _systems(mask: int, table: ImpactTable) -> list[str]:
    return [s for i, s in enumerate(table.system_ids) if i < 64 and (mask >> i) & 1]


def _case_row(summary: CaseSummary, i: int, table: ImpactTable, horizon_h: float) -> dict[str, Any]:
    ints, fl = summary.ints[i], summary.floats[i]
    return {
        "components_failed": int(ints[0]),
        "consumers_failed": int(ints[1]),
        "people_affected": int(ints[2]),
        "critical_functions_lost": int(ints[3]),
        "person_hours": float(fl[1]),
        "person_hours_top_service": float(fl[0]),
        "economic_loss_eur": float(fl[3]),
        "class": CLASSES[int(ints[4])],
        "decisive": CRITERIA[int(ints[5])],
        "systems_hit": _systems(int(summary.systems[i]), table),
    }


def _flags(ld: BatchInputs, node: int, horizon_h: float) -> dict[str, list[str]] | None:
    """The cascade checker's red and orange systems for one single failure, when the
    model's records are at hand: with restoration those of ``vitaal cascade`` for it (the
    scenario run, with the model's loads and couplings; ``None`` when the batch left either
    out), else of the cascade without repair and ``check_cascade``."""
    if ld.model is None:
        return None
    if ld.restoration is not None:
        if ld.loads is None or ld.couplings is None:
            return None
        from vitaal.method.scenario_run import run_scenario
        from vitaal.model import Event, Scenario

        target = ld.compiled.node_ids[node]
        one = Scenario(id=f"fail-{target}", name=target, events=(Event(target=target),))
        run = run_scenario(ld.model, one, horizon_h=horizon_h, compiled=ld.compiled)
        return {c: [f.system for f in run.flags if f.colour == c] for c in ("red", "orange")}
    from vitaal.engine.cascade import run_cascade
    from vitaal.engine.causes import InitialFailure
    from vitaal.engine.hazard import common_cause_failures
    from vitaal.method.flags import check_cascade

    events = [InitialFailure(ld.compiled.node_ids[node], 0.0)]
    if ld.couplings is not None:
        events += common_cause_failures(ld.model, events)
    res = run_cascade(ld.compiled, events, horizon_h, **(ld.loads or {}))
    origin = ld.model.system_of(ld.compiled.node_ids[node])
    flags = check_cascade(ld.model, ld.compiled, res, origin_system=origin)
    return {c: [f.system for f in flags if f.colour == c] for c in ("red", "orange")}


_common = [
    click.option("--horizon", "horizon_h", type=float, default=None, help="Horizon in hours."),
    click.option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
    click.option("--top", type=int, default=20, show_default=True, help="Rows to show."),
    click.option("--scheduler", default=None, help="Address of a Dask scheduler to run on."),
    click.option("--workers", type=int, default=None, help="Run on a local Dask cluster."),
    click.option("--threads", type=int, default=1, show_default=True, help="Threads in process."),
    click.option("--version", "version", type=int, default=None, help="Version in a database."),
    click.option(
        "--no-loads",
        "no_loads",
        is_flag=True,
        help="Leave out the model's loads and capacities (no overload of backups).",
    ),
    click.option(
        "--no-couplings",
        "no_couplings",
        is_flag=True,
        help="Leave out the model's common-cause couplings (co-location, flood zones).",
    ),
    click.option(
        "--no-restoration",
        "no_restoration",
        is_flag=True,
        help="Nothing is repaired: every outage lasts to the horizon, backups that shed "
        "count as congested (the cascade without repair; faster).",
    ),
]


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(_common):
        func = opt(func)
    return func


def _check_run_options(scheduler: str | None, workers: int | None, threads: int) -> None:
    if scheduler is not None and workers is not None:
        raise VitaalError("give --scheduler or --workers, not both")
    if threads < 1:
        raise VitaalError("--threads must be at least 1")


@click.command("criticality")
@click.argument("model")
@click.option(
    "--pairs", type=int, default=0, show_default=True, help="Also every pair among the top N."
)
@_options
@handle_errors
def criticality(
    model: str,
    pairs: int,
    horizon_h: float | None,
    as_json: bool,
    top: int,
    scheduler: str | None,
    workers: int | None,
    threads: int,
    version: int | None,
    no_loads: bool,
    no_couplings: bool,
    no_restoration: bool,
) -> None:
    """Fail every component on its own (at 0 h) and rank what each failure does: components
    and consumers lost, people affected, person-hours, impact class, systems hit; with
    --pairs N also every pair among the N most critical (N-2). As in `vitaal cascade`, a
    failure is repaired and restarted after its kind's times, takes the members of its
    co-location and same-structure couplings along, and moved loads (the model's loads of
    its base year) make backups shed or trip."""
    _check_run_options(scheduler, workers, threads)
    options = BatchOptions(not no_loads, not no_couplings, not no_restoration)
    ld = _load(model, version, as_json, options)
    horizon = float(horizon_h if horizon_h is not None else ld.horizon_h)
    if not (horizon > 0 and math.isfinite(horizon)):
        raise ScenarioError(f"the horizon must be a positive number of hours, not {horizon}")
    with _runner(scheduler, workers, threads, as_json, "Criticality sweep") as run:
        res = sweep_criticality(
            ld.compiled,
            ld.table,
            horizon,
            pairs_top=pairs,
            runner=run,
            couplings=ld.couplings,
            **ld.run_kwargs(),
        )
    ids = ld.compiled.node_ids
    ranked: list[dict[str, Any]] = []
    for pos, i in enumerate(res.rank.tolist()):
        v = int(res.candidates[i])
        row: dict[str, Any] = {"rank": pos + 1, "id": ids[v]}
        row.update(_case_row(res.singles, i, ld.table, horizon))
        if pos < top:
            row["flags"] = _flags(ld, v, horizon)
        ranked.append(row)
    pair_rows: list[dict[str, Any]] = []
    if res.pairs is not None:
        for pos, i in enumerate(res.pair_rank.tolist()):
            a, b = (int(x) for x in res.pair_nodes[i])
            prow: dict[str, Any] = {"rank": pos + 1, "ids": [ids[a], ids[b]]}
            prow.update(_case_row(res.pairs, i, ld.table, horizon))
            pair_rows.append(prow)
    if as_json:
        data = {
            "horizon_h": horizon,
            "loads": ld.loads is not None,
            "couplings": ld.couplings is not None,
            "restoration": ld.restoration is not None,
            "singles": ranked,
            "pairs": pair_rows,
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
        return
    counts = np.bincount(res.singles.ints[:, 4], minlength=5)
    out.print(
        f"{len(ranked)} single failures within {horizon:g} h"
        + (", repaired and restarted" if ld.restoration is not None else ", nothing repaired")
        + "; impact classes "
        + ", ".join(f"{c}: {int(n)}" for c, n in zip(CLASSES, counts, strict=True)),
        markup=False,
    )
    _print_rows("Most critical single failures", ranked[:top], "id")
    if pair_rows:
        _print_rows("Most critical pairs (N-2)", pair_rows[:top], "ids")


def _print_rows(title: str, rows: list[dict[str, Any]], key: str) -> None:
    table = Table(title=title, title_justify="left")
    cols = ("#", "failure", "class", "components", "consumers", "people", "person-h", "systems")
    for col in cols:
        table.add_column(col, overflow="fold")
    for r in rows:
        # model text is escaped: a name such as "[/x]" is shown as written, not read as markup
        name = r[key] if isinstance(r[key], str) else " + ".join(r[key])
        flags = r.get("flags")
        if flags:
            systems = ", ".join(
                [f"[bold red]{escape(s)}[/]" for s in flags["red"]]
                + [f"[dark_orange]{escape(s)}[/]" for s in flags["orange"]]
            )
        else:
            systems = escape(", ".join(r["systems_hit"]))
        table.add_row(
            str(r["rank"]),
            escape(name),
            r["class"],
            str(r["components_failed"]),
            str(r["consumers_failed"]),
            f"{r['people_affected']:,}",
            f"{r['person_hours']:,.0f}",
            systems or "-",
        )
    out.print(table)


@click.command("ensemble")
@click.argument("model")
@click.option(
    "--scenarios",
    "spec_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="YAML file of the ensemble: n_scenarios, seed, horizon_h, hazards.",
)
@click.option("-n", "n_scenarios", type=int, default=None, help="Override n_scenarios.")
@click.option("--seed", type=int, default=None, help="Override the seed.")
@_options
@handle_errors
def ensemble(
    model: str,
    spec_path: Path,
    n_scenarios: int | None,
    seed: int | None,
    horizon_h: float | None,
    as_json: bool,
    top: int,
    scheduler: str | None,
    workers: int | None,
    threads: int,
    version: int | None,
    no_loads: bool,
    no_couplings: bool,
    no_restoration: bool,
) -> None:
    """Sample hazard scenarios (floods with return periods, heat waves, random failures by
    condition), run every cascade, and add up the risk: per component the probability of
    failure, per service area the expected person-hours without service, the expected annual
    impact, and the scenarios that drive it. As in `vitaal cascade`, what a hazard damages
    is repaired after its kind's repair time after a hazard (a random failure after an
    event), sampled failures take the members of the model's couplings along, and moved
    loads make backups shed or trip."""
    _check_run_options(scheduler, workers, threads)
    given = {"n_scenarios": n_scenarios, "seed": seed, "horizon_h": horizon_h}
    spec = read_ensemble_spec(spec_path, {k: v for k, v in given.items() if v is not None})
    options = BatchOptions(not no_loads, not no_couplings, not no_restoration)
    ld = _load(model, version, as_json, options)
    scenarios = sample_scenarios(spec, ld.exposure())
    with _runner(scheduler, workers, threads, as_json, "Ensemble") as run:
        res = run_ensemble(
            ld.compiled,
            ld.table,
            scenarios,
            spec.horizon_h,
            runner=run,
            couplings=ld.couplings,
            **ld.run_kwargs(),
        )
    ids = ld.compiled.node_ids
    comps = np.flatnonzero(ld.compiled.node_kind == NodeKind.COMPONENT)
    areas = np.flatnonzero(ld.compiled.node_kind == NodeKind.AREA)
    by_p = comps[np.lexsort((comps, -res.failure_rate[comps]))]
    by_ph = areas[np.lexsort((areas, -res.person_hours[areas]))]
    components: list[dict[str, Any]] = [
        {
            "id": ids[int(v)],
            "annual_failure_rate": float(res.failure_rate[v]),
            "annual_failure_probability": float(res.failure_probability[v]),
            "share_of_scenarios": float(res.conditional_probability[v]),
        }
        for v in by_p.tolist()
    ]
    consumers: list[dict[str, Any]] = [
        {"id": ids[int(v)], "expected_person_hours_per_year": float(res.person_hours[v])}
        for v in by_ph.tolist()
    ]
    sc = res.scenarios
    drivers: list[dict[str, Any]] = []
    for i in res.drivers(top).tolist():
        rp = float(sc.return_period[i])
        row: dict[str, Any] = {
            "scenario": i,
            "hazard": KINDS[int(sc.kind[i])],
            "return_period_y": rp if math.isfinite(rp) else None,
            "annual_frequency": float(sc.weight[i]),
            "initial_failures": int(sc.case_ptr[i + 1] - sc.case_ptr[i]),
            "common_cause_failures": int(
                res.cases.case_ptr[i + 1]
                - res.cases.case_ptr[i]
                - (sc.case_ptr[i + 1] - sc.case_ptr[i])
            ),
            "contribution_person_hours": float(res.contribution[i]),
        }
        row.update(_case_row(res.summary, i, ld.table, spec.horizon_h))
        drivers.append(row)
    data = {
        "n_scenarios": sc.n,
        "seed": spec.seed,
        "horizon_h": spec.horizon_h,
        "loads": ld.loads is not None,
        "couplings": ld.couplings is not None,
        "restoration": ld.restoration is not None,
        "expected_annual": res.expected_annual,
        "components": components,
        "consumers": consumers,
        "drivers": drivers,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
        return
    ea = res.expected_annual
    out.print(
        f"{sc.n} scenarios (seed {spec.seed}), horizon {spec.horizon_h:g} h. Expected a year: "
        f"{ea['person_hours']:,.0f} person-hours without service, "
        f"{ea['people_affected']:,.0f} people affected, EUR {ea['economic_loss_eur']:,.0f}.",
        markup=False,
    )
    t1 = Table(title="Components most likely to fail", title_justify="left")
    for col in ("component", "per year", "P(>=1 a year)", "share of scenarios"):
        t1.add_column(col)
    for r in components[:top]:
        t1.add_row(
            escape(r["id"]),
            f"{r['annual_failure_rate']:.4g}",
            f"{r['annual_failure_probability']:.2%}",
            f"{r['share_of_scenarios']:.2%}",
        )
    out.print(t1)
    t2 = Table(title="Service areas: expected person-hours without service", title_justify="left")
    t2.add_column("area")
    t2.add_column("person-h a year")
    for r in consumers[:top]:
        t2.add_row(escape(r["id"]), f"{r['expected_person_hours_per_year']:,.1f}")
    out.print(t2)
    t3 = Table(title="Scenarios that drive the risk", title_justify="left")
    for col in ("#", "hazard", "T (y)", "per year", "initial", "class", "person-h", "share"):
        t3.add_column(col)
    total = ea["person_hours"] or 1.0
    for r in drivers:
        t3.add_row(
            str(r["scenario"]),
            escape(str(r["hazard"])),
            f"{r['return_period_y']:.0f}" if r["return_period_y"] else "-",
            f"{r['annual_frequency']:.3g}",
            str(r["initial_failures"]),
            r["class"],
            f"{r['person_hours']:,.0f}",
            f"{r['contribution_person_hours'] / total:.1%}",
        )
    out.print(t3)
