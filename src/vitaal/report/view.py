"""From the analysis (``Analysis.as_dict()``, ``docs/method.md``) to what the templates show.

Everything here is one language's view: texts picked from ``{en, nl}``, names of systems and
resources in that language, numbers formatted for its locale, and the figures drawn. The
templates only lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import jinja2

from vitaal.method.finding_rules import COUPLING_WORDS
from vitaal.method.results import BasisResult, Results, Text
from vitaal.model.model import Model
from vitaal.model.names import name_in
from vitaal.report.sentences import Namer, flag_sentence
from vitaal.report.svg import charts as ch
from vitaal.report.svg.base import FLAG_COLOURS, system_colours
from vitaal.report.svg.dependency import count_dependencies, draw_dependencies
from vitaal.report.svg.map import MapData, draw_map, map_data
from vitaal.report.svg.timeline import Lane, draw_timeline

Gettext = Callable[[str], str]


def _missing(value: Any) -> bool:
    return value is None or isinstance(value, jinja2.Undefined)


Nodes = Mapping[str, Mapping[str, Any]]

STEP_TITLES: tuple[tuple[str, str], ...] = (
    ("profile", "Delimit and characterise"),
    ("parts", "Analyse the parts"),
    ("flows", "Facilitating flows and side outcomes"),
    ("challenges", "Is the system logic challenged?"),
    ("coupling", "Coupling: dependencies, bottlenecks, opportunities"),
    ("impact", "Impact indicator"),
    ("flags", "Cascade checker"),
)


class View:
    """Helpers the templates call, bound to one language."""

    def __init__(self, model: Model, lang: str, gettext: Gettext) -> None:
        self.model = model
        self.lang = lang
        self._ = gettext
        self.names = Namer(model, lang)

    def tx(self, value: Any) -> str:
        """A text given as ``{en, nl}``, as a :class:`~vitaal.method.results.Text` (or plain)
        in this language."""
        if isinstance(value, Text):
            return value.in_(self.lang)
        if isinstance(value, Mapping):
            return str(value.get(self.lang) or value.get("en") or "")
        return "" if value is None else str(value)

    def num(self, value: Any, digits: int = 0) -> str:
        if _missing(value):
            return "–"
        return self.names.number(float(value), digits)

    def pct(self, value: Any) -> str:
        if _missing(value):
            return "–"
        return self.names.number(float(value) * 100, 0) + "%"

    def eur(self, value: Any) -> str:
        if _missing(value):
            return "–"
        v = float(value)
        if abs(v) >= 1e9:
            return "€ " + self.names.number(v / 1e9, 2) + " " + self._("bn")
        if abs(v) >= 1e6:
            return "€ " + self.names.number(v / 1e6, 1) + " " + self._("mln")
        return "€ " + self.names.number(v)

    def hours(self, value: Any) -> str:
        return self.names.hours(None if _missing(value) else float(value))

    def kind(self, kind: str | None) -> str:
        return self.names.kind(kind)

    def colour_word(self, colour: str | None) -> str:
        return {
            "red": self._("red"),
            "orange": self._("orange"),
            "green": self._("green"),
        }.get(colour or "", "–")

    def system(self, system_id: str | None) -> str:
        return self.names.system(system_id)

    def node(self, node_id: str | None) -> str:
        return self.names.node(node_id)

    def resource(self, resource_id: str | None) -> str:
        return self.names.resource(resource_id)

    def plan(self, plan_id: str | None) -> str:
        plan = self.model.plans.get(plan_id or "")
        return name_in(plan, self.lang) if plan is not None else (plan_id or "–")

    def subsystem(self, sub_id: str | None) -> str:
        sub = self.model.subsystems.get(sub_id or "")
        if sub is None:
            return sub_id or "–"
        return (sub.name_nl or sub.name) if self.lang == "nl" else sub.name

    def word(self, key: str | None) -> str:
        """Closed-list values (levels, ways of working, horizons, statuses, kinds)."""
        if key is None:
            return "–"
        words = {
            "operational": self._("operational"),
            "tactical": self._("tactical"),
            "strategic": self._("strategic"),
            "reis": "REIS",
            "route": "ROUTE",
            "rit": "RIT",
            "routine": "ROUTINE",
            "overdue": self._("overdue"),
            "due": self._("due"),
            "upcoming": self._("upcoming"),
            "unknown": self._("unknown"),
            "short": self._("short term"),
            "medium": self._("medium term"),
            "long": self._("long term"),
            "shortfall": self._("shortfall"),
            "replacement": self._("replacement"),
            "on_asset": self._("on the asset"),
            "protection_zone": self._("in its protection zone"),
            "no_capacity": self._("no capacity"),
            "no_condition": self._("no condition"),
            "no_end_of_life": self._("no end of life"),
            "no_lead_time": self._("no lead time"),
            "supply_link": self._("supply link"),
            "requirement": self._("requirement"),
            "reinforcement": self._("reinforcement"),
            "redundancy": self._("redundancy"),
            "autonomy": self._("autonomy"),
            "protection": self._("protection"),
            "relocation": self._("relocation"),
            "degraded_mode": self._("degraded mode"),
            "faster_repair": self._("faster repair"),
            "demand_measure": self._("demand measure"),
        }
        if key in COUPLING_WORDS:
            return COUPLING_WORDS[key][self.lang]
        return words.get(key, key.replace("_", " "))

    def record(self, ref: str) -> str:
        """A record a result rests on (``kind:key``, ``method/basis.py``) by its name."""
        kind, _, key = ref.partition(":")
        if kind == "component":
            return self.node(key)
        if kind == "supply":
            src, _, rest = key.partition(">")
            return self._("supply %(a)s to %(b)s") % {
                "a": self.node(src),
                "b": self.node(rest.partition("|")[0]),
            }
        if kind == "requirement":
            node, _, res = key.partition("|")
            return self._("%(a)s needs %(r)s") % {"a": self.node(node), "r": self.resource(res)}
        return ref

    def basis(self, basis: Mapping[str, Any] | BasisResult | None, listed: int = 3) -> str:
        """What a result rests on, when any of it is assumed: how many records, and the first
        ``listed`` by name; empty when none is assumed."""
        if isinstance(basis, BasisResult):
            basis = {
                "assumed": basis.assumed,
                "records": basis.records,
                "assumed_records": list(basis.assumed_records),
            }
        if not basis or not basis.get("assumed"):
            return ""
        names = [self.record(r) for r in list(basis.get("assumed_records") or [])[:listed]]
        more = int(basis["assumed"]) - len(names)
        text = self._("Rests on assumed records: %(n)s of %(m)s") % {
            "n": self.num(basis["assumed"]),
            "m": self.num(basis.get("records")),
        }
        if names:
            text += " (" + "; ".join(names)
            if more > 0:
                text += " " + self._("and %(n)s more") % {"n": self.num(more)}
            text += ")"
        return text + "."

    def class_name(self, impact: Mapping[str, Any]) -> str:
        cls = str(impact.get("class", "A"))
        names = {
            "A": self._("limited"),
            "B": self._("substantial"),
            "C": self._("serious"),
            "D": self._("very serious"),
            "E": self._("catastrophic"),
        }
        return names.get(cls, str(impact.get("class_name", "")))

    def impact_reason(self, impact: Mapping[str, Any]) -> str:
        reason = impact.get("reason")
        if isinstance(reason, Mapping):
            return self.tx(reason)
        if self.lang == "nl" and impact.get("reason_nl"):
            return str(impact["reason_nl"])
        return "" if reason is None else str(reason)

    def rule_text(self, flag: Mapping[str, Any]) -> str:
        if self.lang == "nl" and flag.get("rule_text_nl"):
            return str(flag["rule_text_nl"])
        return str(flag.get("rule_text") or flag.get("rule") or "")

    def step_title(self, step: Mapping[str, Any]) -> str:
        n = int(step.get("step", 0))
        if 1 <= n <= 7:
            return {
                1: self._("Delimit and characterise"),
                2: self._("Analyse the parts"),
                3: self._("Facilitating flows and side outcomes"),
                4: self._("Is the system logic challenged?"),
                5: self._("Coupling: dependencies, bottlenecks, opportunities"),
                6: self._("Impact indicator"),
                7: self._("Cascade checker"),
            }[n]
        return self.tx(step.get("title"))


def _nodes_by_id(scenario: Mapping[str, Any], extra: Mapping[str, Nodes]) -> Nodes:
    nodes = scenario.get("nodes")
    if isinstance(nodes, list):
        return {n["id"]: n for n in nodes if n.get("fail_time_h") is not None}
    return extra.get(str(scenario.get("id")), {})


def _utilisation_panels(v: View, analysis: Mapping[str, Any]) -> list[ch.Panel]:
    _ = v._
    panels = []
    for s in analysis.get("systems", []):
        util: Mapping[str, Mapping[str, Any]] = s.get("utilisation") or {}
        if not util:
            continue
        years = sorted(int(y) for y in util)
        rows = [util[str(y)] for y in years]
        if not any(r.get("n") for r in rows):
            continue
        last = rows[-1]
        note = _("%(n)s with a capacity; %(share)s above 100%% in %(year)s") % {
            "n": v.num(last.get("n")),
            "share": v.pct(last.get("above_100")),
            "year": years[-1],
        }
        panels.append(
            ch.Panel(
                title=v.system(s["id"]),
                years=years,
                note=note,
                lines=(
                    ch.Line(_("highest"), [r.get("max") for r in rows], "#c62828"),
                    ch.Line(_("median"), [r.get("median") for r in rows], "#0072b2"),
                    ch.Line(
                        _("share above 80%"),
                        [r.get("above_80") for r in rows],
                        "#ef8f00",
                        dash="2 2",
                        width=1.4,
                    ),
                ),
            )
        )
    return panels


def _lanes(v: View, scenario: Mapping[str, Any], nodes: Nodes) -> list[Lane]:
    """Per system with failures: the failure times of its components, and its flag."""
    flags = {f["system"]: f for f in scenario.get("flags", [])}
    totals: dict[str, int] = {}
    for cid in v.model.components:
        s = v.model.system_of(cid)
        if s is not None:
            totals[s] = totals.get(s, 0) + 1
    times: dict[str, list[float]] = {}
    if nodes:
        for n in nodes.values():
            s = n.get("system")
            if s is not None and n.get("fail_time_h") is not None:
                times.setdefault(s, []).append(float(n["fail_time_h"]))
    else:
        # rebuild failure times from the cumulative counts of the analysis' timeline
        tl = scenario.get("timeline") or {}
        ts = tl.get("times_h") or []
        for s, series in (tl.get("systems") or {}).items():
            prev = 0
            for t, c in zip(ts, series.get("failed_components") or [], strict=False):
                times.setdefault(s, []).extend([float(t)] * max(0, int(c) - prev))
                prev = int(c)
    lanes = []
    for s in v.model.systems:
        f = flags.get(s)
        if s not in times and (f is None or f.get("colour") == "green"):
            continue
        lanes.append(
            Lane(
                key=s,
                title=v.system(s),
                times=times.get(s, []),
                total=totals.get(s, 0),
                colour=f.get("colour") if f else None,
                onset_h=f.get("onset_h") if f else None,
            )
        )
    lanes.sort(key=lambda ln: (ln.onset_h if ln.onset_h is not None else float("inf"), ln.key))
    consumers: list[float] = [
        float(n["fail_time_h"])
        for n in nodes.values()
        if n.get("kind") in ("area", "critical_function") and n.get("fail_time_h") is not None
    ]
    if consumers:
        total = len(v.model.areas) + len(v.model.critical_functions)
        lanes.append(
            Lane("consumers", v._("Service areas and critical functions"), consumers, total)
        )
    return lanes


def _scenario(
    v: View,
    scenario: Mapping[str, Any],
    nodes: Nodes,
    geo: MapData,
    edges: Mapping[tuple[str, str], int],
    map_labels: Mapping[str, str],
    system_names: Mapping[str, str],
) -> dict[str, Any]:
    _ = v._
    impact = scenario.get("impact") or {}
    flags = list(scenario.get("flags") or [])
    colour_of = {f["system"]: f["colour"] for f in flags}
    horizon = float(scenario.get("horizon_h") or v.model.info.horizon_h)
    rows = []
    for f in sorted(
        flags,
        key=lambda f: (
            ("red", "orange", "green").index(f["colour"]),
            f.get("onset_h") if f.get("onset_h") is not None else float("inf"),
            f["system"],
        ),
    ):
        rows.append(
            {
                "system": v.system(f["system"]),
                "system_id": f["system"],
                "colour": f["colour"],
                "colour_word": v.colour_word(f["colour"]),
                "rule": v.rule_text(f),
                "order": f.get("order"),
                "onset": v.hours(f.get("onset_h")) if f.get("onset_h") is not None else "–",
                "onset_h": f.get("onset_h"),
                "owner": f.get("owner") or _("no owner"),
                "origin": bool(f.get("origin")),
                "sentence": flag_sentence(f, impact, v.names, _, nodes=nodes, horizon_h=horizon),
            }
        )
    failed: dict[str, str] = {}
    areas_hit: dict[str, str] = {}
    funcs_hit: dict[str, str] = {}
    for nid, n in nodes.items():
        if n.get("kind") == "component" or nid in v.model.components:
            s = n.get("system") or v.model.system_of(nid)
            failed[nid] = colour_of.get(s or "", "orange")
        elif nid in v.model.areas:
            areas_hit[nid] = "red"
        elif nid in v.model.critical_functions:
            funcs_hit[nid] = "red"
    if not nodes:
        # without per-node results, colour each system's components by its flag
        for cid, s in geo.component_system.items():
            if colour_of.get(s) in ("red", "orange"):
                failed[cid] = colour_of[s]
    for f in impact.get("critical_functions_lost", []):
        funcs_hit[f["id"]] = "red"
    name = v.tx({"en": scenario.get("name"), "nl": scenario.get("name_nl")}) or str(scenario["id"])
    criteria = []
    for key, c in (impact.get("criteria") or {}).items():
        label = {
            "people_affected": _("people affected"),
            "person_hours": _("person-hours without a service"),
            "hindrance_hours": _("person-hours of hindrance"),
            "critical_functions": _("critical functions lost"),
            "economic_loss": _("economic loss"),
            "people_refused": _("people refused a connection before a reinforcement is ready"),
            "years_short": _("years short before a reinforcement can be ready"),
        }.get(key, key.replace("_", " "))
        value = v.eur(c.get("value")) if key == "economic_loss" else v.num(c.get("value"))
        if c.get("service"):
            value += f" ({v.resource(c['service'])})"
        criteria.append({"label": label, "value": value, "cls": c.get("class"), "key": key})
    return {
        "id": scenario.get("id"),
        "name": name,
        "kind": scenario.get("kind"),
        "horizon": v.hours(horizon),
        "year": scenario.get("year"),
        "failed": scenario.get("failed"),
        "origin": v.system(scenario.get("origin_system")) if scenario.get("origin_system") else "–",
        "impact_class": impact.get("class", "–"),
        "impact_name": v.class_name(impact),
        "impact_reason": v.impact_reason(impact),
        "basis_note": v.basis(scenario.get("basis"), listed=5),
        "criteria": criteria,
        "lost_functions": [
            {
                "name": v.tx({"en": f["name"], "nl": f.get("name_nl")}),
                "time": v.hours(f.get("fail_time_h")),
                "resource": v.resource(f.get("resource")),
            }
            for f in impact.get("critical_functions_lost", [])
        ],
        "flags": rows,
        "timeline_svg": draw_timeline(
            _lanes(v, scenario, nodes),
            horizon,
            label=_("Cascade timeline: %(name)s") % {"name": name},
            axis_label=_("hours after the start (log scale)"),
        ),
        "map_svg": draw_map(
            geo,
            label=_("Map: %(name)s") % {"name": name},
            labels=map_labels,
            system_names=system_names,
            failed=failed,
            areas_hit=areas_hit,
            functions_hit=funcs_hit,
            figure="scenario-map",
            lang=v.lang,
        ),
        "dependency_svg": draw_dependencies(
            list(v.model.systems),
            edges,
            label=_("Dependencies and flags: %(name)s") % {"name": name},
            names=system_names,
            flags=colour_of,
            origin=scenario.get("origin_system"),
            legend={
                "red": _("red flag"),
                "orange": _("orange flag"),
                "green": _("green flag"),
                "origin": _("origin"),
                "links": _("numbers: supply links"),
            },
            size=440,
            figure="scenario-dependencies",
        ),
    }


def build_context(
    analysis: Mapping[str, Any],
    model: Model,
    lang: str,
    gettext: Gettext,
    *,
    nodes: Mapping[str, Nodes] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the templates need for one language."""
    v = View(model, lang, gettext)
    _ = gettext
    extra = nodes or {}
    system_names = {s: v.system(s) for s in model.systems}
    geo = map_data(model)
    map_labels = {
        "area": _("service area (size: population)"),
        "function": _("critical function"),
        "km": "km",
        "red": _("failed, red flag"),
        "orange": _("failed, orange flag"),
        "green": _("failed, green flag"),
        "unaffected": _("not failed"),
        "no_geometry": _("The model has no geometry to draw."),
    }
    edges = count_dependencies(model)
    scenarios = [
        _scenario(v, s, _nodes_by_id(s, extra), geo, edges, map_labels, system_names)
        for s in analysis.get("scenarios", [])
    ]
    panels = _utilisation_panels(v, analysis)
    colours = system_colours(model.systems)
    systems = []
    for s in analysis.get("systems", []) or [{"id": sid} for sid in model.systems]:
        systems.append(
            {
                "id": s["id"],
                "name": v.system(s["id"]),
                "owner": s.get("owner") or model.systems[s["id"]].owner
                if s["id"] in model.systems
                else s.get("owner"),
                "colour": colours.get(s["id"], "#777"),
                "components": s.get("components"),
                "flags": s.get("flags") or {},
            }
        )
    findings = {f["id"]: f for f in analysis.get("findings", [])}
    agenda = analysis.get("agenda") or {}
    agenda_items = {i["id"]: i for i in agenda.get("items", [])}
    summary = analysis.get("summary") or {}
    info = analysis.get("model") or {}
    return {
        "lang": lang,
        "v": v,
        "flag_colours": FLAG_COLOURS,
        "model": info,
        "model_name": info.get("name") or model.info.name,
        "date": (today or dt.date.today()).isoformat(),
        "systems": systems,
        "scenarios": scenarios,
        "scenario_ids": [s["id"] for s in scenarios],
        "scenario_names": {s["id"]: s["name"] for s in scenarios},
        "overview_map_svg": draw_map(
            geo,
            label=_("Map of the vital systems"),
            labels=map_labels,
            system_names=system_names,
            lang=lang,
        ),
        "dependency_svg": draw_dependencies(
            list(model.systems),
            edges,
            label=_("Dependencies between the systems"),
            names=system_names,
            legend={"links": _("arrow: supplier system to user system; number: supply links")},
        ),
        "utilisation_svg": ch.draw_utilisation(
            panels,
            label=_("Utilisation over the years"),
            axis_label=_("utilisation"),
        )
        if panels
        else "",
        "summary": summary,
        "top_findings": [
            findings.get(i, i) if isinstance(i, str) else i for i in summary.get("top_findings", [])
        ],
        "overdue": [agenda_items[i] for i in summary.get("overdue", []) if i in agenda_items],
        "questions": analysis.get("questions") or {},
        "agenda": agenda,
        "decisions": analysis.get("decisions") or {},
        "results": Results.from_dict(analysis),
        "iceberg": analysis.get("iceberg") or {},
        "findings": findings,
        "plans": [
            {**p, "title": v.tx({"en": p.get("title"), "nl": p.get("title_nl")})}
            for p in analysis.get("plans") or []
        ],
        "subsystems": analysis.get("subsystems") or [],
        "stations": {s["id"]: s for s in analysis.get("stations", [])},
    }
