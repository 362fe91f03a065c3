"""Comparing by results in the web app: two scenarios or two plans of the latest version, or
two versions, compared as ``vitaal compare`` compares them. The comparison itself is the
method's (:mod:`vitaal.method.compare`), run in a worker (:func:`vitaal.web.work.compare`)
on the cached analysis of a version where there is one; the pages and the API ask these
functions, which check the rights (:mod:`vitaal.web.rights`)."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from vitaal.web import rights
from vitaal.web.accounts import Session
from vitaal.web.jobs import Job
from vitaal.web.state import AppState

__all__ = ["KINDS", "compare_choices", "comparison_view", "start_compare"]

#: what can be compared: two scenarios or two plans of the latest version, two versions
KINDS = ("scenarios", "plans", "versions")


def compare_choices(state: AppState) -> dict[str, Any]:
    """The scenarios and plans of the latest version and the versions, to compare."""
    latest, model = state.model()
    return {
        "latest": latest,
        "scenarios": [{"id": s.id, "name": s.name} for s in model.scenarios.values()],
        "plans": [{"id": p.id, "name": p.title} for p in model.plans.values()],
        "versions": list(range(latest, 0, -1)),
    }


def _version(text: str, name: str, latest: int) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= latest:
        raise HTTPException(
            422, f"{name}: found '{text[:40]}', expected a version from 1 to {latest}"
        )
    return number


def start_compare(state: AppState, session: Session, kind: str, a: str, b: str) -> Job:
    """The job comparing ``a`` and ``b`` (scenario ids, plan ids of the latest version, or
    version numbers, as ``kind`` says); 403 for a role that may not start runs, 422 naming
    the field that is not one of the model's."""
    if not rights.may_run(session.user):
        raise HTTPException(403, "your role may read results but not start runs")
    if kind not in KINDS:
        raise HTTPException(
            422, f"kind: found '{kind[:40]}', expected scenarios, plans or versions"
        )
    latest, model = state.model()
    if kind == "versions":
        va, vb = _version(a, "a", latest), _version(b, "b", latest)
        sides = ((va, str(va)), (vb, str(vb)))
    else:
        table = model.scenarios if kind == "scenarios" else model.plans
        for name, ident in (("a", a), ("b", b)):
            if ident not in table:
                known = ", ".join(list(table)[:20]) or "none"
                raise HTTPException(
                    422,
                    f"{name}: found '{ident[:200]}', expected a {kind[:-1]} of version "
                    f"{latest} ({known})",
                )
        sides = ((latest, a), (latest, b))
    done: dict[int, dict[str, Any]] = {}
    for version in {v for v, _ in sides}:
        job = state.runner.find(("analysis", version))
        if job is not None and job.status == "done" and job.result is not None:
            # the failed nodes are for the maps only
            done[version] = {k: v for k, v in job.result.items() if k != "nodes"}
    return state.runner.submit(
        "compare",
        ("compare", kind, sides),
        session.user.username,
        state.config.db_url,
        kind,
        sides,
        done,
    )


def comparison_view(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """A finished comparison: the method's comparison as ``vitaal compare --json`` prints it
    (``comparison``), the same formatted in ``lang`` as the report shows it (``view``), and
    per context and system the flag on each side (``systems``)."""
    return {
        "kind": result["kind"],
        "sides": result["sides"],
        "comparison": result["comparison"],
        "view": result["view"][lang if lang in result["view"] else "en"],
        "systems": [{**s, "differs": s["a"] != s["b"]} for s in result["systems"]],
    }
