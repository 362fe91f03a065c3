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

A plan's governance (:func:`plan_governance`) is three things kept apart:

- its **phase** (``run_as``: how it is organised now) and the **ROUTE stations** it has passed,
  checked against the method's order REIS -> ROUTE -> RIT -> ROUTINE: a plan that has become a
  project (RIT) or routine has passed every station, in order;
- **comply or explain** (*pas toe of leg uit*) as the city's project standard asks it: a plan
  run as a project applies the standard or records why not; neither recorded is the finding;
- **vitaal's advice**, labelled as advice: a plan run as a project while its result is not yet
  known (its class is REIS or ROUTE) is advised to work that way first. This is not the
  standard's test (``docs/method.md``, "The seed's governance").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vitaal.model.enums import Level, WayOfWorking
from vitaal.model.names import name_in
from vitaal.model.records import Plan

__all__ = ["PHASES", "PlanClass", "classify_plan", "plan_governance", "way_for_level"]

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
    advice: bool
    reason: dict[str, str]
    advice_text: dict[str, str] | None


_NAMES = {
    WayOfWorking.REIS: "REIS",
    WayOfWorking.ROUTE: "ROUTE",
    WayOfWorking.RIT: "RIT",
    WayOfWorking.ROUTINE: "ROUTINE",
}


def classify_plan(plan: Plan) -> PlanClass:
    """Class ``plan`` by the method's two questions, and flag a project with an open result.

    ``cls`` is ``None`` when either question is unanswered. ``run_as`` defaults to RIT (most
    plans run as a project). vitaal's advice: run as RIT while ``result_known`` is not
    ``True`` (an unanswered question counts as not known).

    >>> from vitaal.model.records import Plan
    >>> c = classify_plan(Plan(id="p", title="P", result_known=False, repetitive=False))
    >>> c.cls.value, c.run_as.value, c.advice
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
    advice = run_as is WayOfWorking.RIT and known is not True
    text = None
    if advice:
        should = _NAMES[cls] if cls is not None else "REIS or ROUTE"
        should_nl = _NAMES[cls] if cls is not None else "REIS of ROUTE"
        text = {
            "en": (
                f"advice: '{name_in(plan, 'en')}' runs as a project (RIT) while its result is "
                f"not yet known; working as {should} first would find the question before the "
                "answer"
            ),
            "nl": (
                f"advies: '{name_in(plan, 'nl')}' loopt als project (RIT) terwijl het resultaat "
                f"nog niet bekend is; eerst als {should_nl} werken vindt de vraag voor het "
                "antwoord"
            ),
        }
    return PlanClass(plan.id, cls, run_as, advice, reason, text)


#: the phases in the method's order in time
PHASES = (WayOfWorking.REIS, WayOfWorking.ROUTE, WayOfWorking.RIT, WayOfWorking.ROUTINE)


def plan_governance(plan: Plan, stations: Sequence[str]) -> dict[str, Any]:
    """The governance of ``plan`` (see the module's docstring), with ``stations`` the ids of the
    ROUTE stations in their order: ``phase``; ``stations_passed`` and ``stations_missing``
    (those the phase asks for that it has not passed: every station from RIT on, else those
    before the last one passed); ``order_ok``; ``comply_or_explain`` {``asked`` (a project),
    ``status`` (``applied``, ``explained``, ``missing`` or ``not_asked``), ``note``,
    ``text``}.

    >>> from vitaal.model.records import Plan
    >>> g = plan_governance(Plan(id="p", title="P", run_as=WayOfWorking.RIT,
    ...     stations_passed=("intake", "fitting")), ["intake", "cascade_check", "fitting"])
    >>> g["stations_missing"], g["order_ok"], g["comply_or_explain"]["status"]
    (['cascade_check'], False, 'missing')
    """
    phase = plan.run_as if plan.run_as is not None else WayOfWorking.RIT
    passed = [s for s in stations if s in plan.stations_passed]
    if PHASES.index(phase) >= PHASES.index(WayOfWorking.RIT):
        due = list(stations)
    else:
        last = max((stations.index(s) for s in passed), default=-1)
        due = list(stations[: last + 1])
    missing = [s for s in due if s not in plan.stations_passed]
    asked = phase is WayOfWorking.RIT
    note = plan.standard_note
    note_text = None if note is None else {"en": note, "nl": plan.standard_note_nl or note}
    if not asked:
        status = "not_asked"
    elif plan.standard == "applied":
        status = "applied"
    elif plan.standard == "explained" and note:
        status = "explained"
    else:
        status = "missing"
    text = None
    if status == "missing":
        text = {
            "en": f"comply or explain: '{name_in(plan, 'en')}' runs as a project, and the "
            "city's project standard asks that it apply the standard or explain why not; "
            "neither is recorded",
            "nl": f"pas toe of leg uit: '{name_in(plan, 'nl')}' loopt als project, en de "
            "projectstandaard van de stad vraagt de standaard toe te passen of uit te leggen "
            "waarom niet; geen van beide is vastgelegd",
        }
    return {
        "phase": phase.value,
        "stations_passed": passed,
        "stations_missing": missing,
        "order_ok": not missing,
        "comply_or_explain": {
            "asked": asked,
            "status": status,
            "note": note_text,
            "text": text,
        },
    }
