"""The causal chain of a flag written out as a sentence a newcomer can follow.

"Red because Town hospital loses drinking water after 8 h: Grid station failed in the flood
at 2 h; Treatment plant went down with it (shared site or flood zone) at 2 h; Water tower ran
dry at 8 h." Built from the flag (rule, evidence, chain) and, when the report has them, the
scenario's failed nodes with their causes, which let the chain reach a lost critical function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from babel.numbers import format_decimal

from vitaal.model.model import Model
from vitaal.model.names import kind_name, name_in

Gettext = Callable[[str], str]


class Namer:
    """Display names of nodes, systems and resources in one language."""

    def __init__(self, model: Model, lang: str) -> None:
        self.model = model
        self.lang = lang

    def node(self, node_id: str | None) -> str:
        if node_id is None:
            return "?"
        m = self.model
        rec = m.components.get(node_id) or m.areas.get(node_id) or m.critical_functions.get(node_id)
        return node_id if rec is None else name_in(rec, self.lang)

    def number(self, value: float, digits: int = 0) -> str:
        fmt = "#,##0" + ("." + "#" * digits if digits else "")
        return str(format_decimal(value, format=fmt, locale=self.lang))

    def hours(self, value: float | None) -> str:
        """A duration in hours, in this language: ``2.5 h``, ``2,5 uur``."""
        return hours(value, self.lang)

    def kind(self, kind: str | None) -> str:
        """A component kind by its name in this language (``vitaal/data/kinds.yaml``)."""
        return kind_name(kind, self.lang)

    def system(self, system_id: str | None) -> str:
        if system_id is None:
            return "?"
        s = self.model.systems.get(system_id)
        if s is None:
            return system_id
        return (s.name_nl or s.name) if self.lang == "nl" else s.name

    def resource(self, resource_id: str | None) -> str:
        if resource_id is None:
            return "?"
        r = self.model.resources.get(resource_id)
        if r is None:
            return resource_id.replace("_", " ")
        name = (r.name_nl or r.name) if self.lang == "nl" else r.name
        return name[:1].lower() + name[1:] if not name[:2].isupper() else name


def hours(value: float | None, lang: str = "en") -> str:
    """A duration in hours as the reader's language writes it.

    >>> hours(2.5), hours(2.5, "nl"), hours(72, "nl"), hours(None)
    ('2.5 h', '2,5 uur', '72 uur', '–')
    """
    if value is None:
        return "–"
    if lang == "nl":
        return f"{value:g}".replace(".", ",") + " uur"
    return f"{value:g} h"


def step_text(step: Mapping[str, Any], names: Namer, _: Gettext) -> str:
    """One link of a chain: what happened to a node, and when."""
    params = {
        "name": names.node(step.get("node")),
        "resource": names.resource(step.get("resource")),
        "time": names.hours(step.get("time_h")),
    }
    cause = step.get("cause")
    text = {
        "event": _("%(name)s was taken out by the scenario at %(time)s"),
        "hazard": _("%(name)s failed in the hazard (its threshold was reached) at %(time)s"),
        "common_cause": _(
            "%(name)s went down with it (shared site, structure or flood zone) at %(time)s"
        ),
        "supplier": _("%(name)s lost %(resource)s from its supplier at %(time)s"),
        "path": _(
            "%(name)s lost %(resource)s because the supply path was cut upstream at %(time)s"
        ),
        "store": _("%(name)s ran out of %(resource)s when the store ran dry at %(time)s"),
        "overload": _("%(name)s was overloaded with %(resource)s at %(time)s"),
    }.get(str(cause), _("%(name)s failed at %(time)s"))
    detail = step.get("detail")
    out = text % params
    if detail:
        out += f" ({detail})"
    return out


def node_chain(node_id: str, nodes: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The chain back from ``node_id`` to an initial failure, through each cause node and the
    supplier it came through (``via``), from the node back to the start."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    current: str | None = node_id
    while current is not None and current not in seen and current in nodes:
        seen.add(current)
        n = nodes[current]
        cause = n.get("cause") or {}
        out.append(
            {
                "node": current,
                "time_h": n.get("fail_time_h"),
                "cause": cause.get("code"),
                "resource": cause.get("resource"),
                "detail": cause.get("detail"),
            }
        )
        via = cause.get("via")
        nxt = cause.get("node")
        if via and via != current and via != nxt and via in nodes and via not in seen:
            current = via
        else:
            current = nxt
    return out


def flag_sentence(
    flag: Mapping[str, Any],
    impact: Mapping[str, Any],
    names: Namer,
    _: Gettext,
    *,
    nodes: Mapping[str, Mapping[str, Any]] | None = None,
    horizon_h: float | None = None,
) -> str:
    """Why a flag has its colour, and how it came about, in one paragraph."""
    colour = str(flag.get("colour"))
    rule = str(flag.get("rule"))
    ev: Mapping[str, Any] = flag.get("evidence") or {}
    head = {"red": _("Red because"), "orange": _("Orange because"), "green": _("Green because")}[
        colour if colour in ("red", "orange", "green") else "green"
    ]
    chain: list[dict[str, Any]] = list(flag.get("chain") or [])
    system = names.system(flag.get("system"))
    if rule == "critical_function":
        lost_ids = list(ev.get("critical_functions_lost") or [])
        lost = {f["id"]: f for f in impact.get("critical_functions_lost", [])}
        first = min(
            (lost[i] for i in lost_ids if i in lost),
            key=lambda f: f.get("fail_time_h") or 0.0,
            default=None,
        )
        if first is not None:
            reason = _("%(name)s loses %(resource)s after %(time)s") % {
                "name": names.node(first["id"]),
                "resource": names.resource(first.get("resource")),
                "time": names.hours(first.get("fail_time_h")),
            }
            if len(lost_ids) > 1:
                reason += " " + _("(and %(n)d more critical functions)") % {"n": len(lost_ids) - 1}
            if nodes and first["id"] in nodes:
                chain = node_chain(first["id"], nodes)[1:]
        else:
            reason = _("a critical function loses a service of %(system)s") % {"system": system}
    elif rule == "people":
        reason = _("%(people)s people lose a service of %(system)s for 4 hours or more") % {
            "people": names.number(ev.get("people_losing_service_long", 0)),
            "system": system,
        }
    elif rule == "capacity_before_lead_time":
        ids = list(ev.get("exhausted_before_lead_time") or [])
        reason = _("the capacity of %(names)s runs out before a reinforcement could be ready") % {
            "names": ", ".join(names.node(i) for i in ids[:3]) + ("…" if len(ids) > 3 else "")
        }
    elif rule == "failures":
        reason = _("components of %(system)s fail (%(n)s), but no red rule fires") % {
            "n": ev.get("failed_components", 0),
            "system": system,
        }
    elif rule == "service_loss":
        reason = _("%(people)s people lose a service of %(system)s, below the red thresholds") % {
            "people": names.number(ev.get("people_losing_service", 0)),
            "system": system,
        }
    elif rule == "on_buffers":
        reason = _("%(n)s parts or users of %(system)s run on buffers or stores") % {
            "n": ev.get("on_buffers", 0),
            "system": system,
        }
    elif rule == "headroom":
        reason = _(
            "%(n)s components of %(system)s have too little headroom in the scenario year"
        ) % {
            "n": ev.get("above_margin", 0),
            "system": system,
        }
    elif rule == "later_shortfall":
        reason = _(
            "%(n)s components of %(system)s run out of capacity in the medium or long term"
        ) % {
            "n": ev.get("exhausted_later", 0),
            "system": system,
        }
    elif rule == "waiting_list":
        reason = _(
            "the load it adds falls on %(n)s components of %(system)s with a published waiting "
            "list for new large connections (grid congestion, not their measured load)"
        ) % {
            "n": len(ev.get("waiting_list") or []),
            "system": system,
        }
    elif rule == "opportunity":
        reason = _("the change opens an opportunity: a side output %(system)s can use") % {
            "system": system
        }
    else:
        reason = _("%(system)s is untouched by this scenario") % {"system": system}
    waiting = list(ev.get("waiting_list") or [])
    if waiting and rule in ("capacity_before_lead_time", "headroom", "later_shortfall"):
        reason += "; " + _(
            "new large connections behind %(n)s of its components wait on a published waiting list"
        ) % {"n": len(waiting)}
    sentence = f"{head} {reason}"
    if chain:
        steps = [step_text(s, names, _) for s in reversed(chain)]
        sentence += ": " + "; ".join(steps)
    return sentence + "."
