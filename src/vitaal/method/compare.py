"""Two results side by side: two scenarios of one model, two plans (or variants of a plan), or
two models (folders, versions), compared by what they lead to.

Each side is first reduced to a :class:`Side`: per *context* (a scenario, a plan's growth, a
shock meeting a plan's load) the flag of every system and the impact figures, and the table's
agenda items, the capacity shortfalls and the decisions by id. :func:`compare_sides` then
lists what differs, section by section (``docs/exports.md``, "Compare"):

- ``flags``: per context and system, the colour on each side (``None``: not on that side);
- ``impact``: per context and figure (class, people affected, person-hours, hindrance hours,
  critical functions lost, economic loss, people refused, years short), the value on each side;
- ``agenda``, ``capacity``, ``decisions``: what is only on side B (added), only on side A
  (removed), and what is on both with other values, field by field.

The sides:

- :func:`model_side`: a whole analysis; contexts are its scenarios (by id) and its plans'
  growth (``plan:<id>``); the agenda is the table's; capacity shortfalls are the agenda's
  (context ``agenda``: the year capacity runs out) and each scenario's (those it causes before
  a reinforcement can be ready, with the years short);
- :func:`scenario_side`: one scenario; one context (``""``); its agenda is the items the
  scenario's growth calls for, its decisions those that settle them;
- :func:`plan_side`: one plan; its growth (context ``""``) and each shock meeting its load
  (context the shock's id, class and flags only); its own agenda; the decisions it waits for.

Examples
--------
>>> from vitaal.method.results import Results
>>> a = Results.from_dict({"scenarios": [{"id": "s", "flags": [
...     {"system": "power", "colour": "green"}], "impact": {"class": "A"}}]})
>>> b = Results.from_dict({"scenarios": [{"id": "s", "flags": [
...     {"system": "power", "colour": "red"}], "impact": {"class": "C",
...     "people_affected": 2000}}]})
>>> c = compare_sides(model_side(a, "before"), model_side(b, "after"))
>>> [(f.context, f.system, f.a, f.b) for f in c.flags]
[('s', 'power', 'green', 'red')]
>>> [(i.figure, i.a, i.b) for i in c.impact]
[('class', 'A', 'C'), ('people_affected', 0, 2000)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vitaal.method.results import (
    AgendaItem,
    Decision,
    ImpactResult,
    Results,
    ShortfallItem,
    Text,
)

__all__ = [
    "Changed",
    "Comparison",
    "Entry",
    "FieldChange",
    "FigureChange",
    "FlagChange",
    "SetDiff",
    "Side",
    "compare_sides",
    "model_side",
    "plan_side",
    "scenario_side",
]

#: Flag colours from best to worst.
COLOURS: tuple[str, ...] = ("green", "orange", "red")
#: Impact classes from least to most severe.
CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "E")
#: The impact figures compared, in order.
FIGURES: tuple[str, ...] = (
    "class",
    "people_affected",
    "person_hours",
    "hindrance_hours",
    "critical_functions_lost",
    "economic_loss_eur",
    "people_refused",
    "years_short",
)
#: The fields compared per agenda item, capacity shortfall and decision.
AGENDA_FIELDS: tuple[str, ...] = (
    "status",
    "need_year",
    "effective_decide_by",
    "years_overdue",
    "consequence",
    "level",
    "people",
    "cost_eur",
)
CAPACITY_FIELDS: tuple[str, ...] = ("first_year", "years_short")
DECISION_FIELDS: tuple[str, ...] = (
    "rank",
    "consequence",
    "status",
    "decide_by",
    "years_overdue",
    "level",
    "people",
    "cost_eur",
    "items",
    "options",
    "chosen",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """Something on one side: its id, a label to show it by (in both languages) and the
    values compared."""

    id: str
    label: Text
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a comparison (see the module's docstring)."""

    label: str
    flags: Mapping[tuple[str, str], str]
    figures: Mapping[str, Mapping[str, Any]]
    agenda: Mapping[str, Entry]
    capacity: Mapping[str, Entry]
    decisions: Mapping[str, Entry]


@dataclass(frozen=True, slots=True)
class FlagChange:
    """The flag of ``system`` in ``context`` on side A and on side B (``None``: absent)."""

    context: str
    system: str
    a: str | None
    b: str | None

    @property
    def worse(self) -> bool:
        """Side B's flag is worse than side A's (a flag that appears counts from green)."""
        return COLOURS.index(self.b or "green") > COLOURS.index(self.a or "green")


@dataclass(frozen=True, slots=True)
class FigureChange:
    """An impact figure of ``context`` on side A and on side B (``None``: absent)."""

    context: str
    figure: str
    a: Any
    b: Any

    @property
    def delta(self) -> float | None:
        """B minus A for a number, ``None`` for the class or an absent side."""
        num = (int, float)
        if isinstance(self.a, num) and isinstance(self.b, num):
            return float(self.b) - float(self.a)
        return None

    @property
    def worse(self) -> bool:
        """Side B is worse: a higher class or a larger figure."""
        if self.figure == "class":
            return CLASSES.index(self.b or "A") > CLASSES.index(self.a or "A")
        d = self.delta
        return d is not None and d > 0


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    a: Any
    b: Any


@dataclass(frozen=True, slots=True)
class Changed:
    """An entry on both sides with other values."""

    id: str
    label: Text
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class SetDiff:
    """Entries only on side B (``added``), only on side A (``removed``), and on both with
    other values (``changed``)."""

    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    changed: tuple[Changed, ...] = ()

    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [_entry(e) for e in self.added],
            "removed": [_entry(e) for e in self.removed],
            "changed": [
                {
                    "id": c.id,
                    "label": {"en": c.label.en, "nl": c.label.nl},
                    "fields": [{"field": f.field, "a": f.a, "b": f.b} for f in c.fields],
                }
                for c in self.changed
            ],
        }


def _entry(e: Entry) -> dict[str, Any]:
    label = {"en": e.label.en, "nl": e.label.nl}
    return {"id": e.id, "label": label, **{k: _plain(v) for k, v in e.values.items()}}


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


@dataclass(frozen=True, slots=True)
class Comparison:
    """What differs between side A and side B (see the module's docstring)."""

    kind: str
    a: str
    b: str
    flags: tuple[FlagChange, ...] = ()
    impact: tuple[FigureChange, ...] = ()
    agenda: SetDiff = field(default_factory=SetDiff)
    capacity: SetDiff = field(default_factory=SetDiff)
    decisions: SetDiff = field(default_factory=SetDiff)

    def is_empty(self) -> bool:
        return not (self.flags or self.impact) and all(
            d.is_empty() for d in (self.agenda, self.capacity, self.decisions)
        )

    def as_dict(self) -> dict[str, Any]:
        """The comparison as JSON-able data (``docs/exports.md``, "Compare")."""
        return {
            "schema": "vitaal.compare/1",
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "equal": self.is_empty(),
            "flags": [
                {"context": f.context, "system": f.system, "a": f.a, "b": f.b, "worse": f.worse}
                for f in self.flags
            ],
            "impact": [
                {
                    "context": i.context,
                    "figure": i.figure,
                    "a": _plain(i.a),
                    "b": _plain(i.b),
                    "delta": i.delta,
                    "worse": i.worse,
                }
                for i in self.impact
            ],
            "agenda": self.agenda.as_dict(),
            "capacity": self.capacity.as_dict(),
            "decisions": self.decisions.as_dict(),
        }


# -- sides ----------------------------------------------------------------------------------
def _figures(impact: ImpactResult) -> dict[str, Any]:
    return {
        "class": impact.cls,
        "people_affected": impact.people_affected,
        "person_hours": impact.person_hours,
        "hindrance_hours": impact.hindrance_hours,
        "critical_functions_lost": len(impact.critical_functions_lost),
        "economic_loss_eur": impact.economic_loss_eur,
        "people_refused": impact.people_refused,
        "years_short": impact.years_short,
    }


_WHAT = {"shortfall": ("reinforce", "versterken"), "replacement": ("replace", "vervangen")}


def _agenda_entry(it: AgendaItem) -> Entry:
    label = it.name or it.component
    if it.resource:
        label = f"{label} ({it.resource})"
    en, nl = _WHAT.get(it.kind, (it.kind, it.kind))
    return Entry(
        it.id,
        Text(f"{label}: {en}", f"{label}: {nl}"),
        {
            "status": it.status,
            "need_year": it.need_year,
            "effective_decide_by": it.effective_decide_by,
            "years_overdue": it.years_overdue,
            "consequence": it.consequence,
            "level": it.level,
            "people": it.people,
            "cost_eur": it.cost_eur,
        },
    )


def _decision_entry(d: Decision) -> Entry:
    return Entry(
        d.id,
        d.title,
        {
            "rank": d.rank,
            "consequence": d.consequence,
            "status": d.status,
            "decide_by": d.decide_by,
            "years_overdue": d.years_overdue,
            "level": d.level,
            "people": d.people,
            "cost_eur": d.cost_eur,
            "items": len(d.items),
            # the options beside it, side by side: each with its latest decision year
            "options": "; ".join(
                f"{o.id} ({o.decide_by if o.decide_by is not None else '-'})" for o in d.options
            ),
            "chosen": "; ".join(o.id for o in d.options if o.chosen),
        },
    )


def _shortfall_entry(context: str, s: ShortfallItem) -> Entry:
    label = f"{s.name or s.component} ({s.resource})"
    label = f"{context}: {label}" if context else label
    return Entry(
        f"{context}|{s.key}" if context else s.key,
        Text(label, label),
        {"first_year": s.first_year, "years_short": s.years_short},
    )


def _by_id(entries: Iterable[Entry]) -> dict[str, Entry]:
    return {e.id: e for e in entries}


def model_side(results: Results, label: str) -> Side:
    """A whole analysis as a side (see the module's docstring)."""
    flags: dict[tuple[str, str], str] = {}
    figures: dict[str, Mapping[str, Any]] = {}
    capacity: list[Entry] = []
    for s in results.scenarios:
        for f in s.flags:
            flags[(s.id, f.system)] = f.colour
        figures[s.id] = _figures(s.impact)
        capacity += [_shortfall_entry(s.id, x) for x in s.impact.shortfalls]
    for p in results.plans:
        ctx = f"plan:{p.id}"
        for f in p.flags:
            flags[(ctx, f.system)] = f.colour
        figures[ctx] = _figures(p.impact)
    for it in results.agenda:
        if it.kind == "shortfall" and it.resource:
            capacity.append(
                Entry(
                    f"agenda|{it.component}|{it.resource}",
                    Text(
                        f"agenda: {it.name or it.component} ({it.resource})",
                        f"agenda: {it.name or it.component} ({it.resource})",
                    ),
                    {"first_year": it.need_year, "years_short": None},
                )
            )
    return Side(
        label=label,
        flags=flags,
        figures=figures,
        agenda=_by_id(_agenda_entry(it) for it in results.agenda),
        capacity=_by_id(capacity),
        decisions=_by_id(_decision_entry(d) for d in results.decisions),
    )


def _settling(results: Results, items: Iterable[str]) -> list[Decision]:
    """The decisions that hold any of the agenda items ``items``."""
    ids = set(items)
    return [d for d in results.decisions if ids.intersection(d.items)]


def scenario_side(results: Results, scenario_id: str) -> Side:
    """One scenario of an analysis as a side; ``KeyError`` when it has no such scenario."""
    s = results.scenario(scenario_id)
    if s is None:
        raise KeyError(scenario_id)
    agenda = [it for it in results.agenda if it.scenario == scenario_id]
    return Side(
        label=scenario_id,
        flags={("", f.system): f.colour for f in s.flags},
        figures={"": _figures(s.impact)},
        agenda=_by_id(_agenda_entry(it) for it in agenda),
        capacity=_by_id(_shortfall_entry("", x) for x in s.impact.shortfalls),
        decisions=_by_id(_decision_entry(d) for d in _settling(results, (i.id for i in agenda))),
    )


def plan_side(results: Results, plan_id: str) -> Side:
    """One plan of an analysis as a side; ``KeyError`` when it has no such plan."""
    p = results.plan(plan_id)
    if p is None:
        raise KeyError(plan_id)
    flags: dict[tuple[str, str], str] = {("", f.system): f.colour for f in p.flags}
    figures: dict[str, Mapping[str, Any]] = {"": _figures(p.impact)}
    systems = [f.system for f in p.flags]
    for sh in p.shocks:
        for system in dict.fromkeys([*systems, *sh.red, *sh.orange]):
            flags[(sh.scenario, system)] = (
                "red" if system in sh.red else "orange" if system in sh.orange else "green"
            )
        figures[sh.scenario] = {"class": sh.impact_class}
    waiting = [d for d in results.decisions if plan_id in d.blocks_plans]
    return Side(
        label=plan_id,
        flags=flags,
        figures=figures,
        agenda=_by_id(_agenda_entry(it) for it in p.agenda),
        capacity=_by_id(_shortfall_entry("", x) for x in p.impact.shortfalls),
        decisions=_by_id(_decision_entry(d) for d in waiting),
    )


# -- the comparison -------------------------------------------------------------------------
def _ordered(keys_a: Iterable[Any], keys_b: Iterable[Any]) -> list[Any]:
    """The keys of A in A's order, then those only in B in B's order."""
    return list(dict.fromkeys([*keys_a, *keys_b]))


def _set_diff(a: Mapping[str, Entry], b: Mapping[str, Entry], fields: tuple[str, ...]) -> SetDiff:
    changed = []
    for key in a:
        if key not in b:
            continue
        diffs = tuple(
            FieldChange(f, a[key].values.get(f), b[key].values.get(f))
            for f in fields
            if not _same(a[key].values.get(f), b[key].values.get(f))
        )
        if diffs:
            changed.append(Changed(key, b[key].label, diffs))
    return SetDiff(
        added=tuple(e for k, e in b.items() if k not in a),
        removed=tuple(e for k, e in a.items() if k not in b),
        changed=tuple(changed),
    )


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, int | float) and isinstance(y, int | float):
        return abs(float(x) - float(y)) <= 1e-9 * max(1.0, abs(float(x)), abs(float(y)))
    return bool(x == y)


def compare_sides(a: Side, b: Side, kind: str = "models") -> Comparison:
    """What differs between side ``a`` and side ``b``, section by section. Numbers equal to
    within a relative 1e-9 count as equal. O(size of both sides)."""
    flags = [
        FlagChange(ctx, system, a.flags.get((ctx, system)), b.flags.get((ctx, system)))
        for ctx, system in _ordered(a.flags, b.flags)
        if a.flags.get((ctx, system)) != b.flags.get((ctx, system))
    ]
    impact = []
    for ctx in _ordered(a.figures, b.figures):
        fa: Mapping[str, Any] = a.figures.get(ctx, {})
        fb: Mapping[str, Any] = b.figures.get(ctx, {})
        for fig in FIGURES:
            if fig not in fa and fig not in fb:
                continue
            if not _same(fa.get(fig), fb.get(fig)):
                impact.append(FigureChange(ctx, fig, fa.get(fig), fb.get(fig)))
    return Comparison(
        kind=kind,
        a=a.label,
        b=b.label,
        flags=tuple(flags),
        impact=tuple(impact),
        agenda=_set_diff(a.agenda, b.agenda, AGENDA_FIELDS),
        capacity=_set_diff(a.capacity, b.capacity, CAPACITY_FIELDS),
        decisions=_set_diff(a.decisions, b.decisions, DECISION_FIELDS),
    )
