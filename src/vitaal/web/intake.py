"""The plan intake: a plan described in a form (title, the service areas it lands in or its
outline, homes and jobs per year, the two questions for the way of working) read with the
model's own reader and checked in a worker as ``vitaal check --plan`` checks a plan of the
model. The plan is a what-if: it is added to a copy of the model for the check, not stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from vitaal.errors import Loc, ModelError, Problem, Severity
from vitaal.io.tables import TABLES, parse_record
from vitaal.model.model import Model
from vitaal.model.records import Plan
from vitaal.store.codec import dump

__all__ = ["FIELDS", "INTAKE_ID", "areas_in", "plan_from_form", "plan_key"]

#: the id the plan gets in the copy of the model
INTAKE_ID = "plan-intake"
#: the form's fields, as a model folder's ``plans.yaml`` names them
FIELDS = ("title", "areas", "geometry", "homes", "jobs", "result_known", "repetitive", "run_as")


def plan_from_form(
    form: Mapping[str, Any], owner: str | None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The plan's plain form (as the store keeps records) from the form's fields, or the
    problems by field. ``areas`` is a list of service area ids; the others are text."""
    raw: dict[str, Any] = {"id": INTAKE_ID}
    for name in FIELDS:
        value = form.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            continue
        raw[name] = value
    if owner:
        raw["owner"] = owner
    plan, problems = parse_record(TABLES["plans"], raw, Loc("form"), line_of=None)
    if not isinstance(plan, Plan) or problems:
        return None, problems or [Problem(Loc("form"), "title", "nothing", "a title")]
    if not plan.areas and not plan.geometry:
        return None, [
            Problem(Loc("form"), "areas", "no area", "service areas, or the plan's outline")
        ]
    return dump("plans", plan), []


def areas_in(model: Model, outline: str) -> list[str]:
    """The service areas an outline (WKT) lands in: those whose geometry (a point or an
    outline) it touches, in the model's order; none for a text that is not WKT. O(areas)."""
    import shapely

    try:
        shape = shapely.from_wkt(outline)
    except shapely.errors.GEOSException:
        return []
    if shape is None or shape.is_empty:
        return []
    found = []
    for area in model.areas.values():
        if not area.geometry:
            continue
        try:
            geom = shapely.from_wkt(area.geometry)
        except shapely.errors.GEOSException:
            continue
        if geom is not None and shape.intersects(geom):
            found.append(area.id)
    return found


def plan_key(plain: Mapping[str, Any]) -> str:
    """A short digest of a plan's plain form: the same intake is checked once."""
    text = json.dumps(plain, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_errors(problems: list[Problem]) -> None:
    """:class:`ModelError` when the model with the plan has errors (an unknown area, ...)."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ModelError(
            errors,
            "; ".join(f"{p.field}: found {p.found}, expected {p.expected}" for p in errors[:5]),
        )
