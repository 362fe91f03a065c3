"""The decisions the table must take: the agenda and the single points of failure, bundled
where one decision settles many, ranked by consequence.

Two bundles (``docs/method.md``, "The decisions"):

- **One station, one programme.** Items on the table's agenda tied by a prerequisite (a
  station upstream that the reinforcements downstream wait for) or about the same component
  (its reinforcement and its replacement) are one decision. Its lead is the first of them in
  the agenda's order: the root of the chain, with the highest consequence.
- **One challenge.** Items that rest on an assumption a challenge breaks (step 4) are one
  decision to reconsider them together, named by the challenge.
- **One area.** Single points of failure on the table that are not already part of an agenda
  decision and cut off exactly the same consumers (a station and the cable that feeds it):
  one decision about those consumers' second supply, named by its components and the consumer
  with the most people.

Decisions are ranked as agenda items are: consequence class, then overdue before due before
upcoming before undated, the most years late, the most critical functions, people, money.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vitaal.method.agenda_rules import agenda_rules
from vitaal.method.decision_options import attach_options
from vitaal.method.impact import CLASSES
from vitaal.method.levels import Reach, level_by_stake
from vitaal.method.stake import cost_class
from vitaal.method.ways import way_for_level
from vitaal.model.enums import Level
from vitaal.model.model import Model
from vitaal.model.names import name_in, names

__all__ = ["build_decisions"]

_STATUS = {"overdue": 0, "due": 1, "upcoming": 2, "unknown": 3, None: 3}
_LEVELS = (Level.OPERATIONAL, Level.TACTICAL, Level.STRATEGIC)
_EVIDENCE = 6  # lines of evidence kept per decision beyond the lead's


def _groups(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Items tied by prerequisites or by their component, each group in agenda order."""
    parent = {it["id"]: it["id"] for it in items}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_of: dict[str, str] = {}
    for it in items:
        for d in it["depends_on"]:
            if d in parent:
                parent[root(it["id"])] = root(d)
        c = first_of.setdefault(it["component"], it["id"])
        parent[root(it["id"])] = root(c)
        for ch in it.get("challenged_by", ()):
            c = first_of.setdefault(f"challenge:{ch}", it["id"])
            parent[root(it["id"])] = root(c)
    out: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        out.setdefault(root(it["id"]), []).append(it)
    return list(out.values())


def _union(lists: list[list[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for lst in lists:
        for x in lst:
            seen.setdefault(x, None)
    return list(seen)


def _line(item_id: str, text: Mapping[str, str]) -> dict[str, Any]:
    return {"id": item_id, "text": dict(text)}


def _reconsider_title(model: Model, group: list[dict[str, Any]]) -> dict[str, str] | None:
    """The title of a bundle that rests on a challenged assumption, ``None`` for others."""
    ids = sorted({c for it in group for c in it.get("challenged_by", ())})
    if not ids:
        return None
    chs = [model.challenges[c] for c in ids]
    n = sum(1 for it in group if it.get("challenged_by"))
    what = "; ".join(f"'{ch.assumption}' ({ch.driver})" for ch in chs)
    what_nl = "; ".join(
        f"'{ch.assumption_nl or ch.assumption}' ({ch.driver_nl or ch.driver})" for ch in chs
    )
    return {
        "en": f"Reconsider {n} agenda item(s) that rest on an assumption a challenge breaks: "
        f"{what}",
        "nl": f"Heroverweeg {n} agendapunt(en) die rusten op een aanname die een uitdaging "
        f"onderuit haalt: {what_nl}",
    }


def _agenda_decision(
    model: Model,
    group: list[dict[str, Any]],
    spof: Mapping[str, Mapping[str, Any]],
    plans_of: Mapping[str, list[str]],
) -> dict[str, Any]:
    lead = group[0]
    rest = group[1:]
    top = max(group, key=lambda it: CLASSES.index(it["consequence"]))
    name = lead["name"] or lead["component"]
    name_nl = lead.get("name_nl") or name
    n = len(group)
    # the item that sets the decision's date: the most years late, else the earliest
    # effective decision year (the lead on a tie)
    urgent = (
        max(group, key=lambda it: it["years_overdue"])
        if any(it["status"] == "overdue" for it in group)
        else min(
            (it for it in group if it["effective_decide_by"] is not None),
            key=lambda it: it["effective_decide_by"],
            default=lead,
        )
    )
    listed = [it for it in rest if it is not urgent]
    evidence = [_line(lead["id"], lead["text"])]
    evidence += [_line(f"{lead['id']}#{i['code']}", i["text"]) for i in lead["issues"]]
    for it in listed[:_EVIDENCE]:
        evidence.append(_line(it["id"], it["text"]))
    if len(listed) > _EVIDENCE:
        k = len(listed) - _EVIDENCE
        evidence.append(
            _line(
                "more",
                {"en": f"and {k} more decision(s) in this bundle", "nl": f"en nog {k} besluit(en)"},
            )
        )
    if urgent is not lead:
        # the item that sets the decision's date leads its evidence, so that the date the
        # table reads is the one the first line explains
        evidence.insert(
            0,
            _line(
                urgent["id"],
                {
                    "en": f"the most urgent of what waits for it or goes with it: "
                    f"{urgent['text']['en']}",
                    "nl": f"het dringendste van wat erop wacht of erbij hoort: "
                    f"{urgent['text']['nl']}",
                },
            ),
        )
    through = top.get("consequence_through")
    if through is not None and through in model.components:
        other = names(model.components[through])
        # second, beside the lead line: it says why the people at stake are at stake
        evidence.insert(
            1,
            _line(
                f"{top['id']}#through",
                {
                    "en": f"the works touch {other['en']}, whose loss sets what is at stake",
                    "nl": f"de werkzaamheden raken {other['nl']}, waarvan het verlies bepaalt "
                    "wat er op het spel staat",
                },
            ),
        )
    for c in _union([[it["component"] for it in group], [through] if through else []]):
        s = spof.get(c)
        if s is not None and s["on_table"]:
            evidence.append(_line(f"single_point_of_failure:{c}", s["text"]))
    unlocks = [it["id"] for it in rest]
    plans = sorted({p for it in group for p in plans_of.get(it["id"], [])})
    dated = [it for it in group if it["effective_decide_by"] is not None]
    by = min((it["effective_decide_by"] for it in dated), default=None)
    late = max(group, key=lambda it: it["years_overdue"])
    status = min((it["status"] for it in group), key=lambda s: _STATUS[s])
    costs = [it["cost_eur"] for it in group if it["cost_eur"] is not None]
    kinds = {it["kind"] for it in group}
    what_en = " and ".join(
        w for k, w in (("shortfall", "reinforce"), ("replacement", "replace")) if k in kinds
    )
    what_nl = " en ".join(
        w for k, w in (("shortfall", "versterken"), ("replacement", "vervangen")) if k in kinds
    )
    more_en = f", with {n - 1} decision(s) that wait for it or go with it" if n > 1 else ""
    more_nl = f", met {n - 1} besluit(en) die erop wachten of erbij horen" if n > 1 else ""
    level = max((Level(it["level"]) for it in group), key=_LEVELS.index)
    reconsider = _reconsider_title(model, group)
    top_class, top_by = top["consequence"], top["consequence_by"]
    if reconsider is not None:
        # the challenge's level; and the money of the whole bundle, which may be spent on
        # assets the challenge makes redundant
        chs = {c for it in group for c in it.get("challenged_by", ())}
        level = max([level, *(model.challenges[c].level for c in chs)], key=_LEVELS.index)
        bundle_class = cost_class(sum(costs) if costs else None)
        if CLASSES.index(bundle_class) > CLASSES.index(top_class):
            top_class, top_by = bundle_class, "cost"
    return {
        "id": f"decision:{lead['id']}",
        "kind": "agenda" if reconsider is None else "reconsider",
        "level": level.value,
        "way_of_working": way_for_level(level).value,
        "title": reconsider
        or {"en": f"{name}: {what_en}{more_en}", "nl": f"{name_nl}: {what_nl}{more_nl}"},
        "challenges": sorted({c for it in group for c in it.get("challenged_by", ())}),
        "consequence": top_class,
        "consequence_by": top_by,
        "consequence_through": through if top_by != "cost" else None,
        "people": max(it["people"] for it in group),
        "critical_functions": _union([it["critical_functions"] for it in group]),
        "cost_eur": sum(costs) if costs else None,
        "cost_unknown": sum(1 for it in group if it["cost_eur"] is None),
        "status": status,
        "decide_by": by,
        "overdue_since": late["overdue_since"],
        "years_overdue": late["years_overdue"],
        "owners": _union([it["owners"] for it in group]),
        "systems": _union([[it["system"]] for it in group if it["system"]]),
        "evidence": evidence,
        "unlocks": unlocks,
        "blocks_plans": plans,
        "items": [it["id"] for it in group],
    }


def _spof_decisions(
    model: Model, spof: Mapping[str, Mapping[str, Any]], taken: set[str]
) -> list[dict[str, Any]]:
    """One decision per set of consumers cut off: the single points of failure that cut off
    exactly the same consumers (a station and the cable that feeds it) are settled by one
    second supply."""
    by_consumer: dict[str, list[str]] = {}
    for cid, s in spof.items():
        if not s["on_table"] or cid in taken:
            continue
        key = ",".join(sorted(s["restoration"]["outage_h"]))
        by_consumer.setdefault(key, []).append(cid)

    def weight(c: str) -> tuple[int, str]:
        a = model.areas.get(c)
        f = model.critical_functions.get(c)
        return (a.population if a else f.people if f else 0, c)

    decisions = []
    for consumers, comps in by_consumer.items():
        key = max(consumers.split(","), key=weight)
        a = model.areas.get(key)
        f = model.critical_functions.get(key)
        where = names(a) if a else names(f) if f else {"en": key, "nl": key}
        k = len(consumers.split(",")) - 1
        comps.sort(
            key=lambda c: (
                -CLASSES.index(spof[c]["restoration"]["class"]),
                -spof[c]["restoration"]["person_hours"],
                c,
            )
        )
        r = spof[comps[0]]["restoration"]
        listed = {
            lang: ", ".join(name_in(model.components[c], lang) for c in comps[:3])
            + (", ..." if len(comps) > 3 else "")
            for lang in ("en", "nl")
        }
        owners = _union([list(spof[c]["owners"]) for c in comps])
        level, _ = level_by_stake(Reach(r["class"], None, None, len(owners)))
        decisions.append(
            {
                "id": f"decision:single_point_of_failure:{comps[0]}",
                "kind": "single_point_of_failure",
                "level": level.value,
                "way_of_working": way_for_level(level).value,
                "title": {
                    "en": f"{listed['en']}: {len(comps)} single point(s) of failure for "
                    f"{k + 1} consumer(s), the largest {where['en']}",
                    "nl": f"{listed['nl']}: {len(comps)} single point(s) of failure voor "
                    f"{k + 1} afnemer(s), de grootste {where['nl']}",
                },
                "consequence": r["class"],
                "consequence_by": "loss",
                "people": r["people_out"],
                "person_hours": r["person_hours"],
                "critical_functions": r["critical_functions_out"],
                "cost_eur": None,
                "cost_unknown": 0,
                "status": None,
                "decide_by": None,
                "overdue_since": None,
                "years_overdue": 0,
                "owners": owners,
                "systems": _union([list(spof[c]["systems"]) for c in comps]),
                "evidence": [_line(f"single_point_of_failure:{c}", spof[c]["text"]) for c in comps][
                    : _EVIDENCE + 1
                ],
                "unlocks": [],
                "blocks_plans": [],
                "items": [f"single_point_of_failure:{c}" for c in comps],
            }
        )
    return decisions


def _rank(d: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        -CLASSES.index(d["consequence"]),
        -_LEVELS.index(Level(d["level"])),
        _STATUS[d["status"]],
        -d["years_overdue"],
        d["decide_by"] if d["decide_by"] is not None else 10**6,
        -len(d["critical_functions"]),
        -d["people"],
        -(d["cost_eur"] or 0.0),
        d["id"],
    )


def build_decisions(
    model: Model,
    agenda: list[dict[str, Any]],
    spof: Mapping[str, Mapping[str, Any]],
    plans_of: Mapping[str, list[str]],
    first_page: int,
) -> dict[str, Any]:
    """The table's decisions, ranked (see the module's docstring).

    ``agenda``: the table's agenda items, in order; ``spof``: the single points of failure by
    component, each with ``on_table``, ``restoration``, ``owners``, ``systems`` and ``text``;
    ``plans_of``: per agenda item id, the plans whose own agenda holds it (they wait for the
    decision). Returns ``items`` (every decision, ranked, each with its ``rank``),
    ``first_page`` (how many the first page shows) and ``count``.
    """
    decisions = [_agenda_decision(model, g, spof, plans_of) for g in _groups(agenda)]
    taken = {it["component"] for it in agenda}
    decisions += _spof_decisions(model, spof, taken)
    attach_options(model, decisions, agenda, agenda_rules().option_kinds)
    decisions.sort(key=_rank)
    for i, d in enumerate(decisions, 1):
        d["rank"] = i
    return {"items": decisions, "first_page": first_page, "count": len(decisions)}
