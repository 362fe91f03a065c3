"""Levels and ways of working: REIS, ROUTE, RIT, ROUTINE.

The method's two questions class every initiative: is the result known beforehand, and is the
work repetitive or custom?

=========== ============== ==============
..          result known   result open
=========== ============== ==============
custom      RIT            REIS
repetitive  ROUTINE        ROUTE
=========== ============== ==============

A finding's level decides its way of working: operational -> ROUTINE (normal management),
tactical -> ROUTE (the Vaktafel's stations), strategic -> REIS (find the right question).
A plan run as a project (RIT) whose result is not yet known is flagged "comply or explain"
(*pas toe of leg uit*), the city's project standard.
"""

from __future__ import annotations

from dataclasses import dataclass

from vitaal.model.enums import Level, WayOfWorking
from vitaal.model.names import name_in
from vitaal.model.records import Plan

__all__ = ["PlanClass", "classify_plan", "way_for_level"]

_WAY_BY_LEVEL = {
    Level.OPERATIONAL: WayOfWorking.ROUTINE,
    Level.TACTICAL: WayOfWorking.ROUTE,
    Level.STRATEGIC: WayOfWorking.REIS,
}


def way_for_level(level: Level) -> WayOfWorking:
    """The way of working a finding of ``level`` calls for.

    >>> way_for_level(Level.TACTICAL).value
    'route'
    """
    return _WAY_BY_LEVEL[level]


@dataclass(frozen=True, slots=True)
class PlanClass:
    """A plan's class of work, how it is run, and whether it must comply or explain."""

    plan: str
    cls: WayOfWorking | None
    run_as: WayOfWorking
    comply_or_explain: bool
    reason: dict[str, str]
    comply_text: dict[str, str] | None


_NAMES = {
    WayOfWorking.REIS: "REIS",
    WayOfWorking.ROUTE: "ROUTE",
    WayOfWorking.RIT: "RIT",
    WayOfWorking.ROUTINE: "ROUTINE",
}


def classify_plan(plan: Plan) -> PlanClass:
    """Class ``plan`` by the method's two questions, and flag a project with an open result.

    ``cls`` is ``None`` when either question is unanswered. ``run_as`` defaults to RIT (most
    plans run as a project). Comply or explain: run as RIT while ``result_known`` is not
    ``True`` (an unanswered question counts as not known).

    >>> from vitaal.model.records import Plan
    >>> c = classify_plan(Plan(id="p", title="P", result_known=False, repetitive=False))
    >>> c.cls.value, c.run_as.value, c.comply_or_explain
    ('reis', 'rit', True)
    """
    known, rep = plan.result_known, plan.repetitive
    cls: WayOfWorking | None
    if known is None or rep is None:
        cls = None
    elif known:
        cls = WayOfWorking.ROUTINE if rep else WayOfWorking.RIT
    else:
        cls = WayOfWorking.ROUTE if rep else WayOfWorking.REIS
    run_as = plan.run_as if plan.run_as is not None else WayOfWorking.RIT
    k_en = {True: "the result is known", False: "the result is open", None: "result unknown"}
    k_nl = {
        True: "het resultaat is bekend",
        False: "het resultaat ligt open",
        None: "resultaat onbekend",
    }
    r_en = {True: "the work is repetitive", False: "the work is custom", None: "kind unknown"}
    r_nl = {
        True: "het werk is repeterend",
        False: "het werk is maatwerk",
        None: "soort werk onbekend",
    }
    if cls is None:
        reason = {
            "en": f"not classed: {k_en[known]}, {r_en[rep]}; answer both questions",
            "nl": f"niet ingedeeld: {k_nl[known]}, {r_nl[rep]}; beantwoord beide vragen",
        }
    else:
        reason = {
            "en": f"{_NAMES[cls]}: {k_en[known]} and {r_en[rep]}",
            "nl": f"{_NAMES[cls]}: {k_nl[known]} en {r_nl[rep]}",
        }
    comply = run_as is WayOfWorking.RIT and known is not True
    text = None
    if comply:
        should = _NAMES[cls] if cls is not None else "REIS or ROUTE"
        should_nl = _NAMES[cls] if cls is not None else "REIS of ROUTE"
        text = {
            "en": (
                f"comply or explain: '{name_in(plan, 'en')}' runs as a project (RIT) while its "
                "result "
                f"is not yet known; work as {should} first, or explain why a project fits"
            ),
            "nl": (
                f"pas toe of leg uit: '{name_in(plan, 'nl')}' loopt als project (RIT) terwijl het "
                f"resultaat nog niet bekend is; werk eerst als {should_nl}, of leg uit waarom "
                "een project past"
            ),
        }
    return PlanClass(plan.id, cls, run_as, comply, reason, text)
