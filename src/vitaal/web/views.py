"""What a page and its API call show and do, once: the pages render these dicts, the API
returns them as JSON. Every right is checked here (:mod:`vitaal.web.rights`)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import HTTPException
from fastapi.responses import Response

from vitaal.errors import Problem
from vitaal.store.codec import dump
from vitaal.web import mapview, register, rights
from vitaal.web.accounts import Session
from vitaal.web.comparing import comparison_view
from vitaal.web.editing import (
    EDITABLE,
    KINDS,
    Outcome,
    add_record,
    editable,
    form_values,
    new_fields,
    read_form,
    read_new,
    referrers,
    remove_record,
    save_component,
)
from vitaal.web.intake import areas_in, plan_from_form
from vitaal.web.jobs import Job
from vitaal.web.plan_store import suggested_id
from vitaal.web.state import AppState
from vitaal.web.upload import UploadError, check_upload

__all__ = [
    "DOWNLOADS",
    "add_new",
    "audit_data",
    "compare_versions",
    "component_data",
    "component_list",
    "decisions_data",
    "download",
    "download_job",
    "edit_component",
    "edit_record",
    "intake_choices",
    "job_data",
    "links_of",
    "map_data_of",
    "new_form",
    "record_data",
    "record_decision",
    "remove",
    "scenario_figures_of",
    "scenario_list",
    "start_intake",
    "start_scenario",
    "subsystems_data",
    "upload",
]

_CHART_W, _CHART_H = 640.0, 220.0


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return "" if value is None else str(value)


def _in_lang(value: Any, lang: str) -> Any:
    """``value`` with every ``{en, nl}`` text in it replaced by its text in ``lang``."""
    if isinstance(value, dict):
        if value and set(value) <= {"en", "nl"}:
            return _text(value, lang)
        return {k: _in_lang(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_lang(v, lang) for v in value]
    return value


def decisions_data(
    state: AppState, session: Session, lang: str, *, first_page: bool = False
) -> dict[str, Any]:
    """The table's decisions of the latest version with what the register says of each, or
    the analysis's progress while it runs; with ``first_page``, only those the table's first
    page holds (``decisions.first_page`` in ``vitaal/data/agenda.yaml``)."""
    job = state.analysis(session.user.username)
    out: dict[str, Any] = {"job": job.as_dict(), "ready": job.status == "done", "items": []}
    if job.status != "done" or job.result is None:
        return out
    latest = register.latest_by_decision(state.store)
    results = state.results(job)
    decisions = results.decisions
    out["count"] = len(decisions)
    if first_page:
        decisions = decisions[: results.first_page]
    items = []
    for d in decisions:
        entry = latest.get(d.id)
        items.append(
            {
                "id": d.id,
                "rank": d.rank,
                "title": d.title.in_(lang),
                "level": d.level,
                "way_of_working": d.way_of_working,
                "consequence": d.consequence,
                "status": d.status,
                "decide_by": d.decide_by,
                "people": d.people,
                "cost_eur": d.cost_eur,
                "owners": list(d.owners),
                "systems": list(d.systems),
                "evidence": [e.in_(lang) for e in d.evidence],
                "register": entry.as_dict() if entry else None,
                "may_record": rights.may_record(session.user, d.owners),
            }
        )
    out["version"] = job.result["version"] if job.result else None
    out["items"] = items
    return out


def record_decision(
    state: AppState, session: Session, decision_id: str, status: str, note: str
) -> register.Entry:
    """Record in the register what the table did with a decision of the latest analysis."""
    job = state.analysis(session.user.username)
    if job.status != "done" or job.result is None:
        raise HTTPException(409, "the analysis of the latest version is still running")
    decision = next((d for d in state.results(job).decisions if d.id == decision_id), None)
    if decision is None:
        raise HTTPException(404, f"no decision '{decision_id}' in the latest analysis")
    if not rights.may_record(session.user, decision.owners):
        raise HTTPException(403, "your role may not record this decision")
    try:
        return register.record(
            state.store,
            decision_id,
            status,
            author=session.user.username,
            model_version=int(job.result["version"]),
            note=note.strip(),
        )
    except register.RegisterError as exc:
        raise HTTPException(422, str(exc)) from None


def subsystems_data(
    state: AppState, session: Session, lang: str, subsystem_id: str | None = None
) -> dict[str, Any]:
    """The subsystems of the latest analysis, or one of them with its seven steps (each
    step's title in ``lang`` and its findings as data), or the analysis's progress."""
    job = state.analysis(session.user.username)
    out: dict[str, Any] = {"job": job.as_dict(), "ready": job.status == "done"}
    if job.status != "done" or job.result is None:
        return out
    subs = job.result["subsystems"]
    out["version"] = job.result["version"]
    out["subsystems"] = [
        {
            "id": sub["id"],
            "name": (sub.get("name_nl") if lang == "nl" else None) or sub["name"],
            "system": sub["system"],
            "owner": sub["owner"],
        }
        for sub in subs
    ]
    if subsystem_id is None:
        return out
    sub = next((x for x in subs if x["id"] == subsystem_id), None)
    if sub is None:
        raise HTTPException(404, f"no subsystem '{subsystem_id}' in the latest analysis")
    out["subsystem"] = next(x for x in out["subsystems"] if x["id"] == subsystem_id)
    out["steps"] = [
        {
            "step": step["step"],
            "key": step["key"],
            "title": _text(step["title"], lang),
            "items": {
                k: _in_lang(v, lang) for k, v in step.items() if k not in ("step", "key", "title")
            },
        }
        for step in sub["steps"]
    ]
    return out


#: what the decisions page offers to download: the job kind that writes it, the key of its
#: file in the job's result, the file name and the content type
DOWNLOADS: dict[str, tuple[str, str, str, str]] = {
    "html": ("report", "html", "vitaal-report-v{version}-{lang}.html", "text/html; charset=utf-8"),
    "pdf": ("pdf", "pdf", "vitaal-report-v{version}-{lang}.pdf", "application/pdf"),
    "xlsx": (
        "exports",
        "xlsx",
        "vitaal-results-v{version}-{lang}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "gpkg": (
        "exports",
        "gpkg",
        "vitaal-scenarios-v{version}-{lang}.gpkg",
        "application/geopackage+sqlite3",
    ),
    "csv": ("exports", "csv", "vitaal-results-v{version}-{lang}-csv.zip", "application/zip"),
}


def _shown(state: AppState, version: int | None) -> int:
    """The version asked for (the one a page showed), the latest when none is given."""
    latest = state.latest()
    if version is None:
        return latest
    if not 1 <= version <= latest:
        raise HTTPException(422, f"version: found {version}, expected a version from 1 to {latest}")
    return version


def download_job(
    state: AppState, session: Session, what: str, lang: str, version: int | None = None
) -> Job:
    """The job writing ``what`` (a key of :data:`DOWNLOADS`) of ``version`` (the latest by
    default) in ``lang``: the report and its PDF from the cached analysis (whose job is
    returned while it still runs), the exports from an analysis of their own. Every role
    that reads may download, as the report."""
    if what not in DOWNLOADS:
        raise HTTPException(404, f"no download '{what}'; choose {', '.join(DOWNLOADS)}")
    if lang not in ("en", "nl"):
        raise HTTPException(404, f"no report language '{lang}'; choose en or nl")
    number = _shown(state, version)
    owner = session.user.username
    kind = DOWNLOADS[what][0]
    # the sensitive components whose location the reader may not see: left off the maps
    _, model = state.model(number)
    hidden = tuple(sorted(rights.unseen_locations(session.user, model)))
    if kind == "exports":
        return state.exports(owner, number, lang, hidden)
    analysis = state.analysis(owner, number)
    if analysis.status != "done" or analysis.result is None:
        return analysis
    if kind == "pdf":
        return state.report_pdf(owner, analysis, lang, hidden)
    return state.report(owner, analysis, lang, hidden)


def download(job: Job, what: str) -> Response | None:
    """The finished file as an attachment named by version and language, or ``None`` while
    it is being written."""
    kind, key, name, media = DOWNLOADS[what]
    if job.kind != kind or job.result is None:
        return None
    r = job.result
    filename = name.format(version=r["version"], lang=r["lang"])
    return Response(
        r[key],
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def register_data(state: AppState, lang: str) -> dict[str, Any]:
    entries = register.entries(state.store)
    return {
        "entries": [e.as_dict() for e in reversed(entries)],
        "findings": register.verify_register(state.store),
    }


def scenario_list(state: AppState, lang: str) -> list[dict[str, Any]]:
    _, model = state.model()
    return [
        {
            "id": s.id,
            "name": s.name,
            "kind": s.kind.value,
            "description": s.description,
            "horizon_h": s.horizon_h or model.info.horizon_h,
        }
        for s in model.scenarios.values()
    ]


def start_scenario(state: AppState, session: Session, scenario_id: str) -> Job:
    if not rights.may_run(session.user):
        raise HTTPException(403, "your role may read results but not start runs")
    _, model = state.model()
    if scenario_id not in model.scenarios:
        raise HTTPException(404, f"no scenario '{scenario_id}' in the model")
    return state.scenario(session.user.username, scenario_id)


def intake_choices(state: AppState, session: Session, lang: str) -> dict[str, Any]:
    """What the intake form offers: the model's service areas to pick from."""
    _, model = state.model()
    areas = sorted(model.areas.values(), key=lambda a: (a.district or "", a.name))
    return {
        "areas": [{"id": a.id, "name": a.name, "district": a.district} for a in areas],
        "fields": {},
        "errors": {},
        "draw": intake_map(state, session, lang),
    }


def intake_map(state: AppState, session: Session, lang: str) -> dict[str, Any]:
    """The map to draw a plan's outline on (the map page's, drawn once per version and
    language) and how its pixels map back to the model's coordinates (the map's projection,
    :class:`vitaal.report.svg.map.Projection`; ``None`` without geometry)."""
    _, geo = state.geometry(state.latest())
    proj = geo.projection
    frame = None
    if proj is not None:
        frame = {
            "minx": proj.minx,
            "maxy": proj.maxy,
            "kx": proj.kx,
            "scale": proj.scale,
            "offx": proj.off_x,
            "pad": proj.pad,
        }
    svg = map_data_of(state, session, lang)["map_svg"]
    return {"map_svg": svg, "frame": frame, "crs": geo.crs}


def start_intake(state: AppState, session: Session, form: dict[str, Any]) -> Job | Outcome:
    """Check a plan from the intake in a worker; the problems by field when the form does not
    describe a plan."""
    if not rights.may_run(session.user):
        raise HTTPException(403, "your role may read results but not start runs")
    plain, problems = plan_from_form(form, session.user.organisation or session.user.username)
    if plain is None:
        return Outcome(problems=problems)
    _, model = state.model()
    unknown = [a for a in plain.get("areas", []) if a not in model.areas]
    if unknown:
        found = ", ".join(repr(a) for a in unknown[:5])
        return Outcome(
            problems=[Problem(None, "areas", found, "service areas of the model", record=None)]
        )
    if not plain.get("areas") and plain.get("geometry"):
        # an outline alone (drawn on the map): the plan lands in the areas it covers
        plain["areas"] = areas_in(model, str(plain["geometry"]))
        if not plain["areas"]:
            return Outcome(
                problems=[
                    Problem(
                        None,
                        "geometry",
                        "an outline over no service area",
                        "an outline over a service area, or the areas picked",
                        record=None,
                    )
                ]
            )
    return state.plan_check(session.user.username, plain)


def _chart(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Per system that lost a component, its share working over the horizon as SVG points."""
    horizon = float(result["horizon_h"]) or 1.0
    lines = []
    for system, curve in sorted(result.get("recovery", {}).items()):
        times = [float(t) for t in curve["times_h"]]
        shares = [float(s) for s in curve["working"]]
        pts: list[tuple[float, float]] = [(0.0, 1.0)]
        for t, share in zip(times, shares, strict=True):
            x = min(t, horizon) / horizon * _CHART_W
            pts.append((x, pts[-1][1]))
            pts.append((x, share))
        pts.append((_CHART_W, pts[-1][1]))
        points = " ".join(f"{x:.1f},{(1.0 - y) * _CHART_H:.1f}" for x, y in pts)
        lines.append({"system": system, "points": points, "lowest": min(shares, default=1.0)})
    return lines


def map_data_of(state: AppState, session: Session, lang: str) -> dict[str, Any]:
    """The map of every system with its layers and the dependency diagram of the latest
    version (:func:`vitaal.web.mapview.map_page_data`)."""
    return mapview.map_page_data(state, session, lang)


def scenario_figures_of(state: AppState, session: Session, job: Job, lang: str) -> dict[str, str]:
    """A finished scenario run on the map and the dependency diagram (SVG)."""
    return mapview.scenario_map(state, session, job, lang)


def _plan_view(r: dict[str, Any], lang: str) -> dict[str, Any]:
    p = r["plan"]
    growth = p.get("growth") or {}
    return {
        "version": r["version"],
        "title": p["title"],
        "areas": r.get("areas", []),
        "suggested_id": suggested_id(str(p["title"])),
        "homes": p.get("homes"),
        "jobs": p.get("jobs"),
        "last_year": p.get("last_year"),
        "way_of_working": p.get("class"),
        "way_reason": _text(p.get("class_reason"), lang),
        "run_as": p.get("run_as"),
        "comply": _text(p.get("comply_text"), lang) if p.get("comply_or_explain") else None,
        "advice": _text(p.get("advice_text"), lang) if p.get("advice") else None,
        "flags": [
            {
                "system": f["system"],
                "colour": f["colour"],
                "text": f.get("rule_text_nl") if lang == "nl" else f.get("rule_text"),
            }
            for f in growth.get("flags", [])
        ],
        "shocks": [{**s, "reason": _text(s.get("reason"), lang)} for s in p.get("shocks", [])],
        "conflicts": p.get("conflicts", []),
        "decisions": [
            {
                "id": it.get("id"),
                "text": _text(it.get("text"), lang),
                "decide_by": it.get("effective_decide_by"),
                "status": it.get("status"),
            }
            for it in p.get("agenda", [])
        ],
        "findings": [
            {
                "station": f.get("station"),
                "way": f.get("way_of_working"),
                "text": _text(f["text"], lang),
            }
            for f in r["findings"]
        ],
    }


def job_data(job: Job, lang: str) -> dict[str, Any]:
    """A job's progress and, for a finished scenario run or plan check, what a page shows
    of it."""
    out: dict[str, Any] = {"job": job.as_dict()}
    if job.kind == "upload" and job.result is not None:
        out["upload"] = job.result
        return out
    if job.kind == "compare" and job.result is not None:
        out["compared"] = comparison_view(job.result, lang)
        return out
    if job.kind == "plan" and job.result is not None:
        out["plan"] = _plan_view(job.result, lang)
        return out
    if job.kind != "scenario" or job.result is None:
        return out
    r = job.result
    out["scenario"] = {
        "id": r["scenario"],
        "name": r["name"],
        "version": r["version"],
        "horizon_h": r["horizon_h"],
        "failed": r["failed"],
        "impact": r["impact"],
        "flags": [
            {
                "system": f["system"],
                "colour": f["colour"],
                "rule": f["rule"],
                "text": f.get("rule_text_nl") if lang == "nl" else f.get("rule_text"),
                "onset_h": f.get("onset_h"),
                "owners": f.get("owners", []),
            }
            for f in r["flags"]
        ],
        "nodes": r["nodes"],
        "chart": _chart(r),
        "chart_size": (_CHART_W, _CHART_H),
    }
    return out


def component_list(
    state: AppState, session: Session, query: str, system: str, limit: int = 200
) -> dict[str, Any]:
    version, model = state.model()
    q = query.strip().casefold()
    rows = []
    for c in model.components.values():
        sub = model.subsystems.get(c.subsystem)
        sys_id = sub.system if sub else None
        if system and sys_id != system:
            continue
        if q and q not in c.id.casefold() and q not in (c.name or "").casefold():
            continue
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "system": sys_id,
                "subsystem": c.subsystem,
                "kind": c.kind,
                "may_edit": rights.may_edit_component(session.user, model, c.id),
            }
        )
    return {
        "version": version,
        "count": len(rows),
        "items": rows[:limit],
        "systems": sorted(model.systems),
        "may_add": rights.may_add(session.user),
    }


def component_data(state: AppState, session: Session, component_id: str) -> dict[str, Any]:
    version, model = state.model()
    comp = model.components.get(component_id)
    if comp is None:
        raise HTTPException(404, f"no component '{component_id}' in version {version}")
    sub = model.subsystems.get(comp.subsystem)
    data = {
        "version": version,
        "id": comp.id,
        "name": comp.name,
        "system": sub.system if sub else None,
        "record": dump("components", comp),
        "fields": form_values(comp),
        "editable": list(EDITABLE),
        "owners": sorted(rights.owners_of_component(model, comp.id)),
        "may_edit": rights.may_edit_component(session.user, model, comp.id),
        "links": links_of(state, comp.id),
    }
    # a sensitive component's location only for those who may see it; others its area
    return mapview.hide_location(data, session, model)


def edit_component(
    state: AppState, session: Session, component_id: str, base: int, fields: dict[str, str]
) -> Outcome:
    """Save a component's form made to version ``base``; 403 unless the user may edit the
    component both as it is and as the form would make it (a system owner cannot move a
    component into another organisation's system)."""
    _, model = state.model()
    if base < 1 or base > state.latest():
        raise HTTPException(422, f"base: found {base}, expected a version the store holds")
    _, at_base = state.model(base)
    original = at_base.components.get(component_id)
    if original is None or component_id not in model.components:
        raise HTTPException(404, f"no component '{component_id}'")
    if not rights.may_edit_component(session.user, model, component_id):
        raise HTTPException(403, "your role or organisation may not edit this component")
    record, _ = read_form(original, fields)
    if (
        record is not None
        and record.subsystem != original.subsystem
        and not rights.may_edit_in_subsystem(session.user, model, record.subsystem)
    ):
        raise HTTPException(403, "you may not move the component into that subsystem")
    with state.edits:
        return save_component(
            state.store, original, fields, base=base, author=session.user.username, known=at_base
        )


def compare_versions(
    state: AppState, a: int, b: int, session: Session | None = None
) -> dict[str, Any]:
    """What changed from version ``a`` to version ``b``: per kind the records added, removed
    and changed, field by field (:meth:`~vitaal.store.ModelStore.diff`); for a ``session``,
    without the locations of the sensitive components it may not see."""
    latest = state.latest()
    for name, v in (("a", a), ("b", b)):
        if not 1 <= v <= latest:
            raise HTTPException(422, f"{name}: found {v}, expected a version from 1 to {latest}")
    diff = state.store.diff(a, b).as_dict()
    if session is not None:
        diff = mapview.hide_in_diff(diff, session, state.model()[1])
    return {"a": a, "b": b, "latest": latest, **diff}


def _record(state: AppState, kind: str, key: str, version: int | None = None) -> Any:
    if kind not in KINDS or kind == "components":
        raise HTTPException(404, f"no form for '{kind}': requirements or supply")
    number, model = state.model(version)
    record = model.table(kind).get(key)
    if record is None:
        raise HTTPException(404, f"no {kind} '{key}' in version {number}")
    return record


def record_data(state: AppState, session: Session, kind: str, key: str) -> dict[str, Any]:
    """A requirement or supply link of the latest version, with its form's fields."""
    record = _record(state, kind, key)
    version, model = state.model()
    return {
        "version": version,
        "kind": kind,
        "id": key,
        "name": key,
        "record": dump(kind, record),
        "fields": form_values(record, kind),
        "editable": list(editable(kind)),
        "may_edit": rights.may_edit_record(session.user, model, kind, record),
    }


def edit_record(
    state: AppState, session: Session, kind: str, key: str, base: int, fields: dict[str, str]
) -> Outcome:
    """Save a requirement's or supply link's form made to version ``base`` (403 unless the
    user may edit it)."""
    if base < 1 or base > state.latest():
        raise HTTPException(422, f"base: found {base}, expected a version the store holds")
    current = _record(state, kind, key)
    original = _record(state, kind, key, base)
    _, model = state.model()
    if not rights.may_edit_record(session.user, model, kind, current):
        raise HTTPException(403, "your role or organisation may not edit this record")
    at_base = _held(state, base)
    with state.edits:
        return save_component(
            state.store,
            original,
            fields,
            base=base,
            author=session.user.username,
            kind=kind,
            known=at_base,
        )


def links_of(state: AppState, component_id: str) -> dict[str, list[str]]:
    """The keys of a component's requirements and of the supply links from and to it."""
    _, model = state.model()
    return {
        "requirements": [k for k, r in model.requirements.items() if r.consumer == component_id],
        "supply": [k for k, s in model.supply.items() if component_id in (s.supplier, s.consumer)],
    }


def audit_data(
    state: AppState,
    version: int | None,
    kind: str | None,
    key: str | None,
    limit: int = 500,
    session: Session | None = None,
) -> dict[str, Any]:
    """Every version, the audit entries asked for (for a ``session``, without the locations
    of the sensitive components it may not see) and the register."""
    versions = state.versions()
    latest = state.latest()
    if version is not None and not 1 <= version <= latest:
        # was a server error for a number beyond the database's integers
        raise HTTPException(422, f"version: found {version}, expected a version from 1 to {latest}")
    entries = []
    if version is not None or kind or key:
        entries = [e.as_dict() for e in state.store.audit(version, kind or None, key or None)]
        if session is not None:
            entries = mapview.hide_in_audit(entries, session, state.model()[1])
    return {
        "versions": versions,
        "entries": entries[:limit],
        "entries_total": len(entries),
        "register": [e.as_dict() for e in reversed(register.entries(state.store))],
    }


def _held(state: AppState, base: int) -> Any | None:
    """The model of version ``base`` kept in memory when it is the latest (the store then
    reads and validates only what an edit touches: ``ModelStore.apply(known=...)``)."""
    return state.model(base)[1] if base == state.latest() else None


def _check_base(state: AppState, base: int) -> None:
    if base < 1 or base > state.latest():
        raise HTTPException(422, f"base: found {base}, expected a version the store holds")


def _kind_of_form(kind: str) -> None:
    if kind not in KINDS:
        raise HTTPException(404, f"no form for '{kind}': components, requirements or supply")


def new_form(state: AppState, session: Session, kind: str) -> dict[str, Any]:
    """What a form that adds a record of ``kind`` shows: its fields (blank), and the
    subsystems a system owner may add a component to; 403 for a role that may not add."""
    _kind_of_form(kind)
    if not rights.may_add(session.user):
        raise HTTPException(403, "your role may not add records")
    version, model = state.model()
    fields = new_fields(kind)
    return {
        "version": version,
        "base": version,
        "kind": kind,
        "editable": list(fields),
        "fields": dict.fromkeys(fields, ""),
        "errors": {},
        "subsystems": sorted(
            s for s in model.subsystems if rights.may_edit_in_subsystem(session.user, model, s)
        ),
    }


def add_new(
    state: AppState, session: Session, kind: str, base: int, fields: dict[str, str]
) -> Outcome:
    """Add the component, requirement or supply link a form describes, made to version
    ``base``; 403 unless the user may edit the record as it would be in the latest version
    (a system owner: a component in a subsystem its organisation owns, a requirement of or
    a supply link from or to one of its components)."""
    _kind_of_form(kind)
    if not rights.may_add(session.user):
        raise HTTPException(403, "your role may not add records")
    _check_base(state, base)
    _, model = state.model()
    record, _ = read_new(fields, kind)
    if record is not None:
        allowed = (
            rights.may_edit_in_subsystem(session.user, model, record.subsystem)
            if kind == "components"
            else rights.may_edit_record(session.user, model, kind, record)
        )
        if not allowed:
            raise HTTPException(403, f"your role or organisation may not add this {kind[:-1]}")
    at_base = _held(state, base)
    with state.edits:
        _, latest = state.model()
        return add_record(
            state.store,
            latest,
            fields,
            base=base,
            author=session.user.username,
            kind=kind,
            known=at_base,
        )


def remove(state: AppState, session: Session, kind: str, key: str, base: int) -> Outcome:
    """Remove a component, requirement or supply link as of version ``base``; 403 unless the
    user may edit it. A removal that leaves records referring to it is refused with those
    records named; one of a record changed since ``base`` is a conflict."""
    _kind_of_form(kind)
    _check_base(state, base)
    _, model = state.model()
    current = model.table(kind).get(key)
    if current is None:
        raise HTTPException(404, f"no {kind} '{key}' in the latest version")
    if not rights.may_edit_record(session.user, model, kind, current):
        raise HTTPException(403, "your role or organisation may not remove this record")
    at_base = _held(state, base)
    with state.edits:
        outcome = remove_record(
            state.store, kind, key, base=base, author=session.user.username, known=at_base
        )
    if outcome.problems:
        named = referrers(model, kind, key)
        if named:
            still = Problem(
                None,
                None,
                f"'{key}' still named by {', '.join(named)}",
                "no record that refers to what is removed (remove or change those first)",
            )
            outcome.problems = [still, *outcome.problems]
    return outcome


def upload(
    state: AppState,
    session: Session,
    filename: str,
    data: bytes,
    base: int,
    kind: str | None = None,
) -> Job:
    """Start writing an upload (:mod:`vitaal.web.upload`) made to version ``base`` in a
    worker: it reads the upload, checks it whole and writes one version, or nothing (its
    result says which). 403 for planners and viewers; 422 at once for what needs no
    unpacking (not a zip, a path outside the folder, too large, an unknown table). A system
    owner's upload is refused in the worker when any record it would add, change or remove
    is not one it may edit."""
    if not rights.may_add(session.user):
        raise HTTPException(403, "your role may not upload models or tables")
    _check_base(state, base)
    try:
        check_upload(filename, data, kind or None)
    except UploadError as exc:
        raise HTTPException(422, str(exc)) from None
    _, latest = state.model()
    user = session.user
    who = {"username": user.username, "role": user.role, "organisation": user.organisation}
    return state.runner.submit(
        "upload",
        ("upload", secrets.token_urlsafe(12)),
        user.username,
        state.config.db_url,
        base,
        who,
        (filename, data, kind or None, latest.info.crs),
    )
