"""Bringing a plan from the intake to the table: the checked plan saved into the model as a new
version (the store's ``apply``: validated with the whole model, with its audit entry), so that
it is one of the model's plans from then on (its analysis, the decisions, compare). The intake
itself stays a what-if; only this step writes."""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException

from vitaal.errors import Loc, ModelError
from vitaal.store import Change, ConflictError
from vitaal.store.codec import load
from vitaal.web.accounts import Session
from vitaal.web.rights import may_store_plan
from vitaal.web.state import AppState

__all__ = ["store_plan", "suggested_id"]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")


def suggested_id(title: str) -> str:
    """An id for a plan from its title: ``plan-`` and the title's letters and digits."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:60].strip("-")
    return f"plan-{slug or 'intake'}"


def store_plan(state: AppState, session: Session, job_id: str, plan_id: str) -> dict[str, Any]:
    """Save the plan of a finished intake check (job ``job_id``) under ``plan_id`` as a new
    version made to the version it was checked on. 403 for a role that may not, 404 for no
    such check, 409 when the id was taken after that version, 422 for an id that is not one or
    is taken, or a model that would not be valid with the plan (nothing is written)."""
    if not may_store_plan(session.user):
        raise HTTPException(403, "only planners, analysts and administrators bring plans in")
    job = state.runner.get(job_id)
    if job is None or job.kind != "plan" or job.status != "done" or job.result is None:
        raise HTTPException(404, f"no finished plan check '{job_id[:40]}'")
    plain = job.result.get("plain")
    if not isinstance(plain, dict):
        raise HTTPException(404, f"no plan in the check '{job_id[:40]}'")
    plan_id = plan_id.strip()
    if not _ID.fullmatch(plan_id):
        raise HTTPException(
            422,
            f"id: found '{plan_id[:100]}', expected letters, digits and - _ . : "
            "(at most 100, starting with a letter or digit)",
        )
    base = int(job.result["version"])
    _, model = state.model()
    if plan_id in model.plans:
        raise HTTPException(
            422, f"id: found '{plan_id}', which plans already holds, expected a new id"
        )
    record = load("plans", plan_id, {**plain, "id": plan_id}, Loc("intake"))
    author = session.user.username
    try:
        with state.edits:
            version = state.store.apply(
                [Change.put("plans", record)],
                author=author,
                base=base,
                message=f"plan {plan_id} brought to the table from the intake",
            )
    except ConflictError:
        raise HTTPException(
            409, f"id: '{plan_id}' was added by someone else after version {base}"
        ) from None
    except ModelError as exc:
        found = "; ".join(f"{p.field}: found {p.found}, expected {p.expected}" for p in exc.errors)
        raise HTTPException(422, f"the model would not be valid with the plan: {found}") from None
    return {"version": version, "id": plan_id}
