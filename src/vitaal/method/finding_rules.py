"""The rules that turn the analysis into findings, each with its level and station.

Levels (see ``docs/method.md``): a challenge keeps its own level; otherwise a finding about one
component is operational, one about several components or a coupling across systems tactical.
"""

from __future__ import annotations

from typing import Any

from vitaal.method.context import Context, num
from vitaal.method.findings import Finding, level_for, make_finding, owners_of
from vitaal.method.iceberg import MISSING_KINDS
from vitaal.method.levels import Reach, level_by_stake
from vitaal.method.stations import RouteStations
from vitaal.model.enums import Level
from vitaal.model.names import name_in, names

__all__ = ["collect_findings"]


def _sub_owners(ctx: Context, sub_id: str) -> tuple[str, ...]:
    sub = ctx.model.subsystems.get(sub_id)
    if sub is None:
        return ()
    system = ctx.model.systems.get(sub.system)
    for o in (sub.owner, system.owner if system else None):
        if o:
            return (o,)
    return ()


def _challenges(ctx: Context, st: RouteStations) -> list[Finding]:
    out = []
    for ch in ctx.model.challenges.values():
        sub = ctx.model.subsystems.get(ch.subsystem)
        out.append(
            make_finding(
                st,
                id=f"challenge:{ch.id}",
                kind="challenge",
                level=ch.level,
                text={
                    "en": f"{ch.driver} challenges the logic of "
                    f"{_subsystem_name(ctx, ch.subsystem, 'en')}: "
                    f"'{ch.assumption}' no longer holds ({ch.level.value})",
                    "nl": f"{ch.driver_nl or ch.driver} daagt de systeemlogica van "
                    f"{_subsystem_name(ctx, ch.subsystem, 'nl')} uit: "
                    f"'{ch.assumption_nl or ch.assumption}' geldt niet meer "
                    f"({LEVEL_NL[ch.level.value]})",
                },
                system=sub.system if sub else None,
                subsystem=ch.subsystem,
                owners=_sub_owners(ctx, ch.subsystem),
                severity=2 if ch.level is Level.STRATEGIC else 1,
            )
        )
    return out


def _routine(ctx: Context, st: RouteStations, agenda: dict[str, Any]) -> list[Finding]:
    """One finding per owner and subsystem for the like-for-like replacements on the owner's
    ROUTINE list: each replacement is counted once, there, with how late the oldest is."""
    out = []
    component = {it["id"]: it["component"] for it in agenda["routine_items"]}
    for o in agenda["routine"]:
        for b in o["bundles"]:
            ids = tuple(component[i] for i in b["items"])
            out.append(
                make_finding(
                    st,
                    id=f"routine_replacements:{o['owner'] or '-'}:{b['subsystem']}",
                    kind="routine_replacements",
                    level=Level.OPERATIONAL,
                    text=b["text"],
                    system=b["system"],
                    subsystem=b["subsystem"],
                    components=ids,
                    owners=(o["owner"],) if o["owner"] else (),
                    severity=1,
                    data={
                        "count": b["count"],
                        "overdue": b["overdue"],
                        "overdue_since": b["overdue_since"],
                        "years_overdue": b["years_overdue"],
                        "replacement_cost_eur": b["replacement_cost_eur"],
                    },
                )
            )
    return out


def _headroom(
    ctx: Context, st: RouteStations, steps: dict[str, list[dict[str, Any]]]
) -> list[Finding]:
    out = []
    for sub_id, s in steps.items():
        rows = s[4]["no_headroom"]
        if not rows:
            continue
        sub = ctx.model.subsystems[sub_id]
        ids = tuple(dict.fromkeys(r["component"] for r in rows))
        out.append(
            make_finding(
                st,
                id=f"no_headroom:{sub_id}",
                kind="no_headroom",
                level=level_for(len(ids)),
                text={
                    "en": f"{len(ids)} component(s) of {name_in(sub, 'en')} have no headroom "
                    "(above 90 % in the base year)",
                    "nl": f"{len(ids)} onderde(e)l(en) van {name_in(sub, 'nl')} hebben geen "
                    "restcapaciteit (boven 90 % in het basisjaar)",
                },
                system=sub.system,
                subsystem=sub_id,
                components=ids,
                owners=owners_of(ctx.model, ids),
                severity=2,
            )
        )
    return out


def _nl(value: float) -> str:
    """A whole number with Dutch thousands separators.

    >>> _nl(2376000.0)
    '2.376.000'
    """
    return f"{value:,.0f}".replace(",", ".")


def _spof_text(name: dict[str, str], s: dict[str, Any]) -> dict[str, str]:
    r = s["restoration"]
    back = r["back_h"]
    n_cf = len(r["critical_functions_out"])
    people, hours = r["people_out"], r["person_hours"]
    back_en = f"back after {back:g} h" if back is not None else "not repaired within the horizon"
    back_nl = (
        f"terug na {back:g} uur".replace(".", ",")
        if back is not None
        else "niet hersteld binnen de horizon"
    )
    return {
        "en": f"{name['en']} is a single point of failure: its failure alone, {back_en}, leaves "
        f"{people:,} people and {n_cf} critical function(s) without service "
        f"({hours:,.0f} person-hours)",
        "nl": f"{name['nl']} is een single point of failure: uitval alleen al, {back_nl}, laat "
        f"{_nl(people)} inwoners en {n_cf} vitale functie(s) zonder voorziening "
        f"({_nl(hours)} persoonsuren)",
    }


def _spofs(ctx: Context, st: RouteStations) -> list[Finding]:
    out = []
    for cid, s in ctx.spof.items():
        if not s["on_table"]:
            continue
        comp = ctx.model.components[cid]
        own = ctx.comp_system.get(cid)
        n_cf = len(s["critical_functions"])
        name = names(comp)
        out.append(
            make_finding(
                st,
                id=f"single_point_of_failure:{cid}",
                kind="single_point_of_failure",
                level=level_by_stake(
                    Reach(
                        s["restoration"]["class"],
                        None,
                        None,
                        len(owners_of(ctx.model, [cid, *s["failed"]])),
                    )
                )[0],
                text=_spof_text(name, s),
                system=own,
                subsystem=comp.subsystem,
                components=(cid,),
                owners=owners_of(ctx.model, [cid]),
                severity=3 if n_cf else 2 if s["people"] else 1,
                data={
                    "people": s["people"],
                    "critical_functions": s["critical_functions"],
                    "systems_hit": s["systems_hit"],
                    "back_h": s["restoration"]["back_h"],
                    "people_out": s["restoration"]["people_out"],
                    "person_hours": s["restoration"]["person_hours"],
                    "critical_functions_out": s["restoration"]["critical_functions_out"],
                },
            )
        )
    return out


def _couplings(ctx: Context, st: RouteStations) -> list[Finding]:
    out = []
    for cp in ctx.model.couplings.values():
        if cp.managed_by:
            continue
        systems = sorted({s for m in cp.members if (s := ctx.comp_system.get(m))})
        kind = COUPLING_WORDS.get(cp.kind.value, {"en": cp.kind.value, "nl": cp.kind.value})
        members = {
            lang: ", ".join(
                name_in(c, lang) if (c := ctx.model.components.get(m)) is not None else m
                for m in cp.members
            )
            for lang in ("en", "nl")
        }
        out.append(
            make_finding(
                st,
                id=f"unmanaged_coupling:{cp.id}",
                kind="unmanaged_coupling",
                level=level_for(len(cp.members), cross_system=len(systems) > 1),
                text={
                    "en": f"no one manages coupling {cp.id} ({kind['en']}) of {members['en']}",
                    "nl": f"niemand beheert koppeling {cp.id} ({kind['nl']}) van "
                    f"{members['nl']}: een weesdossier",
                },
                system=systems[0] if len(systems) == 1 else None,
                components=tuple(cp.members),
                owners=(),
                severity=2,
                data={"systems": systems},
            )
        )
    return out


#: the kinds of coupling (``couplings.yaml``) in words
COUPLING_WORDS: dict[str, dict[str, str]] = {
    "co_location": {"en": "shared site", "nl": "gedeelde locatie"},
    "adjacent": {"en": "side by side", "nl": "naast elkaar"},
    "flood_zone": {"en": "same flood zone", "nl": "zelfde overstromingsgebied"},
    "shared_control": {"en": "shared control", "nl": "gedeelde besturing"},
    "same_structure": {"en": "same structure", "nl": "zelfde kunstwerk"},
    "organisational": {"en": "organisational", "nl": "organisatorisch"},
    "same_contractor": {"en": "same contractor", "nl": "zelfde aannemer"},
}

LEVEL_NL = {"operational": "operationeel", "tactical": "tactisch", "strategic": "strategisch"}


def _system_name(ctx: Context, system_id: str, lang: str) -> str:
    system = ctx.model.systems.get(system_id)
    return system_id if system is None else name_in(system, lang)


def _subsystem_name(ctx: Context, subsystem_id: str, lang: str) -> str:
    sub = ctx.model.subsystems.get(subsystem_id)
    return subsystem_id if sub is None else name_in(sub, lang)


def _flags(ctx: Context, st: RouteStations) -> list[Finding]:
    out = []
    for sid, run in ctx.runs.items():
        for f in run.flags:
            if f.colour == "green" or f.origin:
                continue
            out.append(
                make_finding(
                    st,
                    id=f"cascade_flag:{sid}:{f.system}",
                    kind="cascade_flag",
                    level=Level.TACTICAL,
                    text={
                        "en": f"{name_in(run.scenario, 'en')}: {f.colour} flag for "
                        f"{_system_name(ctx, f.system, 'en')}: {f.rule_text['en']}",
                        "nl": f"{name_in(run.scenario, 'nl')}: "
                        f"{'rode' if f.colour == 'red' else 'oranje'} "
                        f"vlag voor {_system_name(ctx, f.system, 'nl')}: {f.rule_text['nl']}",
                    },
                    system=f.system,
                    components=tuple(c.node for c in f.chain[:1]),
                    owners=f.owners,
                    severity=3 if f.colour == "red" else 2,
                    scenario=sid,
                    data={"rule": f.rule, "order": f.order, "onset_h": num(f.onset_h)},
                )
            )
    return out


def _opportunities(ctx: Context, st: RouteStations) -> list[Finding]:
    out = []
    for so in ctx.model.side_outputs.values():
        own = ctx.comp_system.get(so.component)
        usable = [s for s in so.usable_by if s != own]
        if not usable:
            continue
        comp = ctx.model.components.get(so.component)
        name = names(comp) if comp else {"en": so.component, "nl": so.component}
        out.append(
            make_finding(
                st,
                id=f"opportunity:{so.id}",
                kind="opportunity",
                level=Level.TACTICAL,
                text={
                    "en": f"{so.output} of {name['en']} could serve {', '.join(usable)}",
                    "nl": f"{so.output} van {name['nl']} kan {', '.join(usable)} dienen "
                    "(koppelkans)",
                },
                system=own,
                subsystem=comp.subsystem if comp else None,
                components=(so.component,),
                owners=owners_of(ctx.model, [so.component]),
                data={"usable_by": usable},
            )
        )
    return out


def _missing(ctx: Context, st: RouteStations, missing: list[dict[str, Any]]) -> list[Finding]:
    out = []
    for m in missing:
        sub = ctx.model.subsystems.get(m["subsystem"])
        out.append(
            make_finding(
                st,
                id=f"missing_data:{m['subsystem']}:{m['kind']}",
                kind="missing_data",
                level=level_for(m["count"]),
                text={
                    "en": f"{m['count']} component(s) of {m['subsystem']} "
                    f"{MISSING_KINDS[m['kind']]['en']}",
                    "nl": f"{m['count']} onderde(e)l(en) van {m['subsystem']} "
                    f"{MISSING_KINDS[m['kind']]['nl']}",
                },
                system=sub.system if sub else None,
                subsystem=m["subsystem"],
                components=tuple(m["components"][:50]),
                owners=_sub_owners(ctx, m["subsystem"]),
                severity=1,
                data={"missing": m["kind"], "count": m["count"]},
            )
        )
    return out


def _agenda(ctx: Context, st: RouteStations, agenda: dict[str, Any]) -> list[Finding]:
    """A finding for each item on the table's agenda (shortfalls and the replacements that
    are more than like-for-like)."""
    out = []
    for it in agenda["items"]:
        out.append(
            make_finding(
                st,
                id=it["id"],
                kind=it["kind"],
                level=Level(it["level"]),
                text=it["text"],
                system=it["system"],
                subsystem=it["subsystem"],
                components=(it["component"],),
                owners=tuple(it["owners"]),
                severity=3 if it["red"] else 2,
                scenario=it["scenario"],
                data={
                    "need_year": it["need_year"],
                    "decide_by": it["decide_by"],
                    "status": it["status"],
                    "years_overdue": it["years_overdue"],
                    "consequence": it["consequence"],
                    "issues": [i["code"] for i in it["issues"]],
                },
            )
        )
    return out


def plan_findings(
    ctx: Context,
    st: RouteStations,
    plans: list[dict[str, Any]],
    conflicts: list[dict[str, Any]],
    contested: list[dict[str, Any]],
) -> list[Finding]:
    """Findings of the plan check: comply or explain, fitting conflicts, contested capacity."""
    model = ctx.model
    out = []
    for p in plans:
        plan = model.plans[p["id"]]
        owners = (plan.owner,) if plan.owner else ()
        if p["comply_or_explain"]:
            out.append(
                make_finding(
                    st,
                    id=f"comply_or_explain:{plan.id}",
                    kind="comply_or_explain",
                    level=Level.TACTICAL,
                    text=p["comply_text"],
                    system=plan.system,
                    owners=owners,
                    severity=2,
                    plan=plan.id,
                )
            )
        gov = p["governance"]
        if gov["stations_missing"]:
            station_names = {s.id: s.name for s in st.stations}
            missing = gov["stations_missing"]
            out.append(
                make_finding(
                    st,
                    id=f"stations_skipped:{plan.id}",
                    kind="stations_skipped",
                    level=Level.TACTICAL,
                    text={
                        lang: (
                            f"{name_in(plan, lang)}: "
                            + ("fase" if lang == "nl" else "phase")
                            + f" {gov['phase'].upper()}, "
                            + (
                                "ROUTE-stations niet doorlopen"
                                if lang == "nl"
                                else "ROUTE stations not passed"
                            )
                            + ": "
                            + ", ".join(station_names[m][lang] for m in missing)
                        )
                        for lang in ("en", "nl")
                    },
                    system=plan.system,
                    owners=owners,
                    severity=2,
                    plan=plan.id,
                    data={"stations_missing": missing, "phase": gov["phase"]},
                )
            )
        if p["advice"]:
            out.append(
                make_finding(
                    st,
                    id=f"way_of_working_advice:{plan.id}",
                    kind="way_of_working_advice",
                    level=Level.TACTICAL,
                    text=p["advice_text"],
                    system=plan.system,
                    owners=owners,
                    severity=1,
                    plan=plan.id,
                )
            )
        mine = [c for c in conflicts if c["plan"] == plan.id]
        if mine:
            ids = tuple(c["component"] for c in mine)
            systems = {c["system"] for c in mine}
            near = min(c["distance_m"] or 0.0 for c in mine)
            out.append(
                make_finding(
                    st,
                    id=f"fitting_conflict:{plan.id}",
                    kind="fitting_conflict",
                    level=level_for(len(ids), cross_system=len(systems) > 1),
                    text={
                        "en": f"{name_in(plan, 'en')} conflicts with {len(ids)} component(s) "
                        "or their "
                        f"protection zones (nearest at {near:g} m)",
                        "nl": f"{name_in(plan, 'nl')} botst met {len(ids)} onderde(e)l(en) of hun "
                        f"beschermingszones (dichtstbij op {near:g} m)",
                    },
                    components=ids,
                    owners=owners + owners_of(model, list(ids)),
                    severity=2,
                    plan=plan.id,
                    data={"conflicts": len(ids)},
                )
            )
    for c in contested:
        cid = c["component"]
        comp = ctx.model.components.get(cid)
        name = names(comp) if comp is not None else {"en": cid, "nl": cid}
        plans_in = [r["plan"] for r in c["claims"]]
        short = [r["plan"] for r in c["claims"] if (r["granted_share"] or 0.0) < 1.0]
        out.append(
            make_finding(
                st,
                id=f"contested_capacity:{cid}|{c['resource']}",
                kind="contested_capacity",
                level=Level.TACTICAL,
                text={
                    "en": f"{len(plans_in)} plan(s) compete for the residual {c['resource']} "
                    f"capacity of {name['en']}; not served in full: {', '.join(short)}",
                    "nl": f"{len(plans_in)} plan(nen) concurreren om de restcapaciteit "
                    f"{c['resource']} van {name['nl']}; niet volledig bediend: "
                    f"{', '.join(short)}",
                },
                system=ctx.comp_system.get(cid),
                subsystem=ctx.comp_subsystem.get(cid),
                components=(cid,),
                owners=owners_of(model, [cid]),
                severity=3,
                data={"plans": plans_in, "not_served_in_full": short},
            )
        )
    return out


def collect_findings(
    ctx: Context,
    st: RouteStations,
    steps: dict[str, list[dict[str, Any]]],
    agenda: dict[str, Any],
    missing: list[dict[str, Any]],
) -> list[Finding]:
    """Every model- and scenario-level finding (the plan findings come from
    :func:`plan_findings`)."""
    return [
        *_challenges(ctx, st),
        *_agenda(ctx, st, agenda),
        *_routine(ctx, st, agenda),
        *_headroom(ctx, st, steps),
        *_spofs(ctx, st),
        *_couplings(ctx, st),
        *_flags(ctx, st),
        *_opportunities(ctx, st),
        *_missing(ctx, st, missing),
    ]
