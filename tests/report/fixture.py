"""A small analysis of ``tests/data/tiny`` in the shape of ``Analysis.as_dict()``
(``docs/method.md``), built from the scenario runs and the capacity projection with the rest
written by hand, so that the report can be tested on its own."""

from __future__ import annotations

from statistics import median
from typing import Any

import numpy as np

from vitaal.engine.capacity import project_capacity
from vitaal.method.scenario_run import run_scenario
from vitaal.model.model import Model

STEP_KEYS = ("profile", "parts", "flows", "challenges", "coupling", "impact", "flags")


def _timeline(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    failed = [n for n in nodes if n["fail_time_h"] is not None and n["system"] is not None]
    times = sorted({float(n["fail_time_h"]) for n in failed})
    systems: dict[str, Any] = {}
    for s in sorted({n["system"] for n in failed}):
        mine = [float(n["fail_time_h"]) for n in failed if n["system"] == s]
        systems[s] = {
            "failed_components": [sum(1 for x in mine if x <= t) for t in times],
            "consumers_cut_off": [0 for _ in times],
        }
    total = [sum(1 for n in failed if n["fail_time_h"] <= t) for t in times]
    return {
        "times_h": times,
        "systems": systems,
        "total": {"failed_components": total, "consumers_cut_off": [0 for _ in times]},
    }


def tiny_analysis(model: Model) -> dict[str, Any]:
    scenarios = []
    for sid in model.scenarios:
        run = run_scenario(model, sid)
        d = run.as_dict(model)
        nodes = d.pop("nodes")
        d["id"] = d.pop("scenario")
        d["kind"] = str(model.scenarios[sid].kind)
        d["timeline"] = _timeline(nodes)
        scenarios.append(d)
    cap = project_capacity(model, None, years=range(model.info.base_year, 2041))
    years = [int(y) for y in cap.years]
    systems = []
    for sid, s in model.systems.items():
        rows = [k for k in cap.component_rows().tolist() if cap.systems[k] == sid]
        util: dict[str, Any] = {}
        for j, y in enumerate(years):
            vals = [float(cap.utilisation[k, j]) for k in rows]
            vals = [x for x in vals if np.isfinite(x)]
            # growth by hand: 3 % a year, so that the chart has a slope
            vals = [x * 1.03 ** (y - years[0]) for x in vals]
            util[str(y)] = {
                "n": len(vals),
                "above_80": sum(x > 0.8 for x in vals) / len(vals) if vals else None,
                "above_100": sum(x > 1.0 for x in vals) / len(vals) if vals else None,
                "max": max(vals) if vals else None,
                "median": median(vals) if vals else None,
            }
        systems.append(
            {
                "id": sid,
                "name": s.name,
                "name_nl": s.name_nl,
                "owner": s.owner,
                "subsystems": [x.id for x in model.subsystems.values() if x.system == sid],
                "components": sum(1 for c in model.components if model.system_of(c) == sid),
                "utilisation": util,
                "flags": {
                    sc["id"]: next(f["colour"] for f in sc["flags"] if f["system"] == sid)
                    for sc in scenarios
                },
            }
        )
    subsystems = []
    for sub in model.subsystems.values():
        steps: list[dict[str, Any]] = []
        for n, key in enumerate(STEP_KEYS, start=1):
            step: dict[str, Any] = {"step": n, "key": key, "title": {"en": key, "nl": key}}
            if key == "profile":
                p = sub.profile
                step.update(
                    goal=p.goal,
                    result=p.result,
                    source_types=list(p.source_types),
                    destination_types=list(p.destination_types),
                    structure=p.structure,
                    stakeholders=[{"name": x.name, "role": x.role} for x in p.stakeholders],
                    owner=sub.owner,
                    components=sum(1 for c in model.components.values() if c.subsystem == sub.id),
                    kinds={},
                    supplies=[],
                    needs=[],
                    people_served=20000,
                )
            elif key == "parts":
                step.update(
                    condition={"2": 2, "3": 1, "unknown": 0},
                    horizons=[
                        {
                            "horizon": "short",
                            "from_year": 2026,
                            "to_year": 2031,
                            "end_of_life": 0,
                            "replacement_cost_eur": 0,
                            "cost_unknown": 0,
                            "max_lead_time_y": None,
                            "exhausted": 0,
                            "components": [],
                        },
                        {
                            "horizon": "medium",
                            "from_year": 2032,
                            "to_year": 2041,
                            "end_of_life": 1,
                            "replacement_cost_eur": 40_000_000,
                            "cost_unknown": 0,
                            "max_lead_time_y": 8,
                            "exhausted": 0,
                            "components": ["gs-1"],
                        },
                    ],
                    capacity={
                        "rows": 3,
                        "no_capacity": 0,
                        "utilisation_base": {"max": 0.8, "median": 0.75},
                        "top": [],
                    },
                )
            elif key == "challenges":
                step["challenges"] = [
                    {
                        "id": c.id,
                        "driver": c.driver,
                        "assumption": c.assumption,
                        "level": str(c.level),
                        "way_of_working": "reis",
                        "description": None,
                    }
                    for c in model.challenges.values()
                    if c.subsystem == sub.id
                ]
            elif key in ("impact", "flags"):
                step["scenarios"] = []
            steps.append(step)
        subsystems.append(
            {
                "id": sub.id,
                "name": sub.name,
                "name_nl": sub.name_nl,
                "system": sub.system,
                "owner": sub.owner,
                "steps": steps,
            }
        )
    finding = {
        "id": "end_of_life:gs-1",
        "kind": "end_of_life",
        "level": "operational",
        "way_of_working": "routine",
        "station": None,
        "system": "electricity",
        "subsystem": "el-grid",
        "components": ["gs-1"],
        "owner": None,
        "owners": [],
        "orphan": True,
        "severity": 2,
        "scenario": None,
        "plan": None,
        "text": {
            "en": "Grid station reaches the end of its life in 2035",
            "nl": "Netstation bereikt in 2035 het einde van zijn levensduur",
        },
    }
    item = {
        "id": "replacement:gs-1",
        "kind": "replacement",
        "component": "gs-1",
        "name": "Grid station",
        "subsystem": "el-grid",
        "system": "electricity",
        "resource": None,
        "need_year": 2035,
        "lead_time_y": 8,
        "decide_by": 2027 - 2,
        "effective_decide_by": 2025,
        "status": "overdue",
        "red": True,
        "depends_on": [],
        "owners": ["Grid company"],
        "owner": "Grid company",
        "station": None,
        "level": "operational",
        "way_of_working": "routine",
        "scenario": None,
        "text": {
            "en": "Decide on replacing Grid station (end of life 2035, lead time 8 y)",
            "nl": "Besluit over vervanging van Netstation (einde levensduur 2035, "
            "doorlooptijd 8 jaar)",
        },
    }
    plans = [
        {
            "id": p.id,
            "title": p.title,
            "owner": p.owner,
            "system": p.system,
            "last_year": 2030,
            "homes": 800,
            "jobs": 0,
            "class": "reis",
            "class_reason": {"en": "result open, custom work", "nl": "resultaat open, maatwerk"},
            "run_as": "rit",
            "comply_or_explain": True,
            "comply_text": {
                "en": "run as a project while its result is not known",
                "nl": "uitgevoerd als project terwijl het resultaat niet vaststaat",
            },
            "growth": {"scenario": f"plan:{p.id}", "year": 2030, "flags": [], "impact": {}},
            "shocks": [],
            "conflicts": [],
            "claims": [],
            "agenda": [],
            "findings": [],
        }
        for p in model.plans.values()
    ]
    return {
        "schema": "vitaal.analysis/1",
        "model": {
            "name": model.info.name,
            "description": model.info.description,
            "base_year": model.info.base_year,
            "horizon_h": model.info.horizon_h,
            "years": years,
            "counts": {"components": len(model.components)},
        },
        "scenarios": scenarios,
        "plans": plans,
        "subsystems": subsystems,
        "systems": systems,
        "questions": {
            "distribution": {"rule": {"name": "ACM 2024", "source": "ACM"}, "contested": []},
            "system": {
                "cross_system_links": [],
                "couplings": {},
                "unmanaged_couplings": 1,
                "single_points_of_failure": 2,
                "cascades": [],
            },
            "fitting": {"conflicts": [], "by_plan": {}, "plans_without_geometry": []},
        },
        "findings": [finding],
        "agenda": {"items": [item], "overdue": 1, "unknown": 0},
        "iceberg": {
            "orphans": [finding["id"]],
            "unmanaged_couplings": [],
            "missing_data": [],
            "uncertain_flags": [],
        },
        "stations": [],
        "priority": {},
        "summary": {
            "flags": {},
            "worst_impact": {},
            "top_findings": [finding["id"]],
            "overdue": [item["id"]],
            "counts": {
                "findings": 1,
                "agenda": 1,
                "overdue": 1,
                "single_points_of_failure": 2,
                "conflicts": 0,
                "orphans": 1,
                "comply_or_explain": 1,
            },
        },
        "timing_s": {},
    }
