"""The whole analysis: every subsystem, every scenario, every plan, as one dict of data.

``run_analysis`` compiles the model once and reuses it everywhere; ``Analysis.as_dict()`` is the
JSON the report is rendered from, documented field by field in ``docs/method.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vitaal.engine.compile import compile_model
from vitaal.errors import ScenarioError
from vitaal.method.agenda import Issues, Need, build_agenda, decide_by, split_agenda
from vitaal.method.agenda_rules import agenda_rules, assess_single_point, coupled_across_systems
from vitaal.method.basis import basis_of, basis_summary, finding_refs
from vitaal.method.challenged import questioned
from vitaal.method.context import HEADROOM, Context, Envelope
from vitaal.method.coupling import find_single_points_of_failure
from vitaal.method.decisions import build_decisions
from vitaal.method.finding_rules import collect_findings, plan_findings
from vitaal.method.findings import Finding
from vitaal.method.iceberg import build_iceberg
from vitaal.method.parts import horizon_years
from vitaal.method.plans import PlanRuns, plan_needs, plan_summary, run_plan
from vitaal.method.questions import distribution_question, fitting_conflicts, system_question
from vitaal.method.scenario_run import ScenarioRun, find_scenario, run_scenario
from vitaal.method.stations import load_priority, load_stations
from vitaal.method.steps import subsystem_steps
from vitaal.method.timeline import scenario_timeline, utilisation_by_year
from vitaal.model.model import RECORD_KINDS, Model

__all__ = ["SCHEMA", "Analysis", "Progress", "envelope_needs", "run_analysis"]

#: The version of the dict :meth:`Analysis.as_dict` returns.
SCHEMA = "vitaal.analysis/1"

#: ``progress(phase, done, total)``: called as the analysis moves on.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True, eq=False)
class Analysis:
    """The result of :func:`run_analysis`. ``data`` is what :meth:`as_dict` returns."""

    model: Model
    runs: dict[str, ScenarioRun]
    plan_runs: dict[str, PlanRuns]
    findings: tuple[Finding, ...]
    data: dict[str, Any] = field(repr=False)
    #: The capacity envelope over the scenario set (the capacity per component per year).
    envelope: Envelope | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The analysis as JSON-able data (see ``docs/method.md``)."""
        return self.data

    def failed_nodes(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Per scenario, the nodes that fail within its horizon, by id, with their causes (the
        form of :meth:`~vitaal.method.scenario_run.ScenarioRun.nodes`): what the report's maps
        and causal chains need, without running the scenarios again."""
        return {
            sid: {n["id"]: n for n in run.nodes(self.model) if n["fail_time_h"] is not None}
            for sid, run in self.runs.items()
        }


def envelope_needs(ctx: Context) -> list[Need]:
    """The agenda's needs from the model: every envelope shortfall, and every end of life
    whose latest decision year (or, without a lead time, whose year) lies within the medium
    horizon."""
    env = ctx.envelope
    model = ctx.model
    needs: list[Need] = []
    for k in range(env.n_rows):
        ex = int(env.exhausted[k])
        if ex < 0:
            continue
        by = env.exhausted_by[k]
        needs.append(
            Need(
                "shortfall",
                ctx.node_id(int(env.row_node[k])),
                ex,
                ctx.resource_id(int(env.row_resource[k])),
                None if by == "baseline" else by,
            )
        )
    last = model.info.base_year + model.info.horizons.medium_y
    for c in model.components.values():
        if c.end_of_life_year is None:
            continue
        d = decide_by(c.end_of_life_year, c.lead_time_y)
        if (d if d is not None else c.end_of_life_year) <= last:
            needs.append(Need("replacement", c.id, c.end_of_life_year))
    return needs


def agenda_issues(ctx: Context) -> Issues:
    """What the routine rule reads beyond the needs themselves (see :class:`Issues`): the
    components whose envelope runs out or has no headroom in the base year, the single points
    of failure on the table, the couplings across systems."""
    env = ctx.envelope
    short: set[str] = set()
    tight: set[str] = set()
    for k in range(env.n_rows):
        cid = ctx.node_id(int(env.row_node[k]))
        if int(env.exhausted[k]) >= 0:
            short.add(cid)
        u = float(env.util[k, 0])
        if u == u and u > HEADROOM:
            tight.add(cid)
    return Issues(
        short=frozenset(short),
        no_headroom=frozenset(tight),
        single_points=frozenset(c for c, s in ctx.spof.items() if s["on_table"]),
        coupled=coupled_across_systems(ctx.model),
        losses={c: s["restoration"] for c, s in ctx.spof.items()},
        challenges=questioned(ctx.model, ctx.compiled),
    )


def restored_single_points(
    model: Model, spof: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The single points of failure whose loss still costs someone a service once the
    component is repaired and restarted, each with that cost and whether it is above the
    table's threshold (``vitaal/data/agenda.yaml``, see
    :func:`~vitaal.method.agenda_rules.assess_single_point`)."""
    rules = agenda_rules()
    out: dict[str, dict[str, Any]] = {}
    for cid, s in spof.items():
        a = assess_single_point(model, cid, s, rules)
        if a["lost"]:
            out[cid] = {**s, "restoration": a, "on_table": a["on_table"]}
    return out


def table_decisions(
    ctx: Context,
    items: list[dict[str, Any]],
    findings: list[Finding],
    plan_dicts: list[dict[str, Any]],
) -> dict[str, Any]:
    """The decisions of the table (:func:`~vitaal.method.decisions.build_decisions`) from the
    table's agenda, the single points of failure on the table and the plans' agendas."""
    spof: dict[str, dict[str, Any]] = {}
    for f in findings:
        if f.kind == "single_point_of_failure":
            cid = f.components[0]
            spof[cid] = {
                **ctx.spof[cid],
                "owners": list(f.owners),
                "systems": [f.system] if f.system else [],
                "text": f.text,
            }
    plans_of: dict[str, list[str]] = {}
    for d in plan_dicts:
        for it in d["agenda"]:
            plans_of.setdefault(it["id"], []).append(d["id"])
    return build_decisions(ctx.model, items, spof, plans_of, agenda_rules().first_page)


def _pick(ids: list[str] | tuple[str, ...] | None, known: dict[str, Any], what: str) -> list[str]:
    if ids is None:
        return list(known)
    missing = [i for i in ids if i not in known]
    if missing:
        raise ScenarioError(
            f"unknown {what}(s): {', '.join(missing)}; the model's: {', '.join(known) or 'none'}"
        )
    return list(ids)


def run_analysis(
    model: Model,
    *,
    scenarios: list[str] | tuple[str, ...] | None = None,
    plans: list[str] | tuple[str, ...] | None = None,
    progress: Progress | None = None,
    model_root: str | Path | None = None,
) -> Analysis:
    """Run the whole method on ``model``.

    Parameters
    ----------
    model
        The model.
    scenarios, plans
        Ids to run (default: all of the model's).
    progress
        Called as ``progress(phase, done, total)``.
    model_root
        The model folder, against which raster hazard files are resolved.

    Raises
    ------
    ScenarioError
        Unknown scenario or plan ids, or a scenario that cannot be run.
    ModelError
        A model that does not compile.
    """
    tick: Progress = progress or (lambda phase, done, total: None)
    timing: dict[str, float] = {}
    t0 = t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timing[name] = round(now - t, 3)
        t = now

    sc_ids = _pick(scenarios, model.scenarios, "scenario")
    plan_ids = _pick(plans, model.plans, "plan")
    stations = load_stations()
    rule = load_priority()
    tick("compile", 0, 1)
    cm = compile_model(model)
    tick("compile", 1, 1)
    lap("compile")

    runs: dict[str, ScenarioRun] = {}
    for i, sid in enumerate(sc_ids):
        tick("scenarios", i, len(sc_ids))
        runs[sid] = run_scenario(
            model, find_scenario(model, sid), compiled=cm, model_root=model_root
        )
    tick("scenarios", len(sc_ids), len(sc_ids))
    lap("scenarios")

    spof = restored_single_points(
        model,
        find_single_points_of_failure(
            model, cm, progress=lambda d, n: tick("single points of failure", d, n)
        ),
    )
    lap("spof")
    ctx = Context.build(model, cm, runs, spof)

    plan_runs: dict[str, PlanRuns] = {}
    for i, pid in enumerate(plan_ids):
        tick("plans", i, len(plan_ids))
        plan_runs[pid] = run_plan(model, pid, cm, model_root=model_root)
    tick("plans", len(plan_ids), len(plan_ids))
    lap("plans")

    subs: dict[str, list[str]] = {s: [] for s in model.subsystems}
    for c in model.components.values():
        subs.setdefault(c.subsystem, []).append(c.id)
    steps: dict[str, list[dict[str, Any]]] = {}
    for i, sub_id in enumerate(model.subsystems):
        tick("subsystems", i, len(model.subsystems))
        steps[sub_id] = subsystem_steps(ctx, sub_id, subs[sub_id])
    tick("subsystems", len(model.subsystems), len(model.subsystems))
    lap("steps")

    fitting = fitting_conflicts(model, plan_ids)
    distribution = distribution_question(
        ctx, {p: (r.growth.capacity, r.last_year) for p, r in plan_runs.items()}, rule
    )
    issues = agenda_issues(ctx)
    agenda = split_agenda(model, build_agenda(model, cm, envelope_needs(ctx), stations, issues))
    plan_dicts = []
    for pid, pr in plan_runs.items():
        d = plan_summary(pr, model)
        d["conflicts"] = [c for c in fitting["conflicts"] if c["plan"] == pid]
        d["claims"] = [
            {"component": c["component"], "resource": c["resource"], **r}
            for c in distribution["contested"]
            for r in c["claims"]
            if r["plan"] == pid
        ]
        mine = build_agenda(model, cm, plan_needs(model, cm, pr), stations, issues)
        d["agenda"] = [it for it in mine if not it["routine"]]
        # a plan rests on a challenged assumption when its own agenda holds a marked item
        d["challenged_by"] = sorted({c for it in mine for c in it["challenged_by"]})
        d["agenda_routine"] = sum(1 for it in mine if it["routine"])
        plan_dicts.append(d)
    iceberg_missing = build_iceberg(ctx, [])["missing_data"]
    findings = collect_findings(ctx, stations, steps, agenda, iceberg_missing)
    findings += plan_findings(
        ctx, stations, plan_dicts, fitting["conflicts"], distribution["contested"]
    )
    findings.sort(key=Finding.sort_key)
    for d in plan_dicts:
        d["findings"] = [f.id for f in findings if f.plan == d["id"]]
    iceberg = build_iceberg(ctx, findings)
    decisions = table_decisions(ctx, agenda["items"], findings, plan_dicts)
    lap("questions")

    data = _assemble(
        ctx,
        steps,
        plan_dicts,
        findings,
        {**agenda, "decisions": decisions},
        iceberg,
        fitting,
        distribution,
        stations,
        rule,
        timing,
    )
    timing["total"] = round(time.perf_counter() - t0, 3)
    return Analysis(model, runs, plan_runs, tuple(findings), data, ctx.envelope)


def _assemble(
    ctx: Context,
    steps: dict[str, list[dict[str, Any]]],
    plan_dicts: list[dict[str, Any]],
    findings: list[Finding],
    agenda: dict[str, Any],
    iceberg: dict[str, Any],
    fitting: dict[str, Any],
    distribution: dict[str, Any],
    stations: Any,
    rule: Any,
    timing: dict[str, float],
) -> dict[str, Any]:
    model = ctx.model
    info = model.info
    util = utilisation_by_year(ctx)
    systems = []
    flag_totals: dict[str, dict[str, int]] = {}
    for sid, s in model.systems.items():
        colours = {
            run_id: next((f.colour for f in run.flags if f.system == sid), "green")
            for run_id, run in ctx.runs.items()
        }
        counts = {c: sum(1 for v in colours.values() if v == c) for c in ("red", "orange", "green")}
        flag_totals[sid] = counts
        systems.append(
            {
                "id": sid,
                "name": s.name,
                "name_nl": s.name_nl,
                "owner": s.owner,
                "subsystems": [x for x, sub in model.subsystems.items() if sub.system == sid],
                "components": sum(1 for c in ctx.comp_system.values() if c == sid),
                **util[sid],
                "flags": colours,
                "flag_counts": counts,
            }
        )
    subsystems = [
        {
            "id": sub_id,
            "name": sub.name,
            "name_nl": sub.name_nl,
            "system": sub.system,
            "owner": sub.owner,
            "steps": steps[sub_id],
        }
        for sub_id, sub in model.subsystems.items()
    ]
    scen = []
    for sid, run in ctx.runs.items():
        d = run.as_dict(model, all_nodes=False)
        d.pop("nodes")
        sc = run.scenario
        scen.append(
            {
                "id": sid,
                "name": sc.name,
                "name_nl": sc.name_nl,
                "kind": sc.kind.value,
                "origin_system": run.origin_system,
                "horizon_h": run.horizon_h,
                "year": run.capacity.cascade_year,
                "failed": d["failed"],
                "flags": d["flags"],
                "impact": d["impact"],
                "timeline": scenario_timeline(ctx, run),
                "basis": d["basis"],
            }
        )
    f_dicts = [f.as_dict() for f in findings]
    refs = {f.id: finding_refs(model, f, ctx.runs) for f in findings}
    for fd in f_dicts:
        fd["basis"] = basis_of(model, refs[fd["id"]]).as_dict()
    for dec in agenda["decisions"]["items"]:
        dec["basis"] = basis_of(
            model, (r for item in dec.get("items", ()) for r in refs.get(item, ()))
        ).as_dict()
    assigned: dict[str, int] = {}
    for f in findings:
        assigned[f.station] = assigned.get(f.station, 0) + 1
    table = agenda["items"]
    for it in table:
        assigned[it["station"]] = assigned.get(it["station"], 0) + 1
    overdue = [it["id"] for it in table if it["status"] == "overdue"]
    routine_items = agenda["routine_items"]
    worst = max(ctx.runs.items(), key=lambda kv: "ABCDE".index(kv[1].impact.cls), default=None)
    spans = horizon_years(ctx)
    return {
        "schema": SCHEMA,
        "model": {
            "name": info.name,
            "description": info.description,
            "description_nl": info.description_nl,
            "base_year": info.base_year,
            "horizon_h": info.horizon_h,
            "horizons": {"short_y": info.horizons.short_y, "medium_y": info.horizons.medium_y},
            "horizon_years": {k: list(v) for k, v in spans.items() if k != "overdue"},
            "years": [int(y) for y in ctx.envelope.years],
            "counts": {k: len(model.table(k)) for k in RECORD_KINDS},
        },
        "scenarios": scen,
        "plans": plan_dicts,
        "subsystems": subsystems,
        "systems": systems,
        "questions": {
            "distribution": distribution,
            "system": system_question(ctx),
            "fitting": fitting,
        },
        "findings": f_dicts,
        "agenda": {
            "items": table,
            "overdue": len(overdue),
            "unknown": sum(1 for it in table if it["status"] == "unknown"),
            "routine": agenda["routine"],
            "routine_items": routine_items,
            "routine_count": len(routine_items),
            "routine_overdue": sum(1 for it in routine_items if it["status"] == "overdue"),
        },
        "decisions": agenda["decisions"],
        "iceberg": iceberg,
        "stations": [
            {
                "id": s.id,
                "order": s.order,
                "name": s.name,
                "question": s.question,
                "items": assigned.get(s.id, 0),
            }
            for s in stations.stations
        ],
        "priority": rule.as_dict(),
        "summary": {
            "flags": flag_totals,
            "worst_impact": (
                {"scenario": worst[0], "class": worst[1].impact.cls} if worst else None
            ),
            "top_findings": f_dicts[:10],
            "basis": basis_summary(
                agenda["decisions"]["items"], agenda["decisions"]["first_page"], scen
            ),
            "decisions": agenda["decisions"]["items"][: agenda["decisions"]["first_page"]],
            "overdue": overdue,
            "counts": {
                "findings": len(findings),
                "decisions": agenda["decisions"]["count"],
                "agenda": len(table),
                "overdue": len(overdue),
                "routine": len(routine_items),
                "routine_overdue": sum(1 for it in routine_items if it["status"] == "overdue"),
                "single_points_of_failure": sum(1 for s in ctx.spof.values() if s["on_table"]),
                "single_points_of_failure_below": sum(
                    1 for s in ctx.spof.values() if not s["on_table"]
                ),
                "conflicts": len(fitting["conflicts"]),
                "orphans": len(iceberg["orphans"]),
                "comply_or_explain": sum(1 for p in plan_dicts if p["comply_or_explain"]),
            },
        },
        "timing_s": timing,
    }
