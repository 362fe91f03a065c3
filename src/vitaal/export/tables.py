"""The tables of the exports: one definition of every sheet and CSV file, from the records.

Each :class:`Sheet` has a name (the CSV file's and the worksheet's), column ids (stable,
English, ``snake_case``: the header row of both) and rows of plain values: text, numbers,
booleans or ``None``. Lists are joined with ``"; "``; texts the method writes in two
languages are given in the export's language. ``docs/exports.md`` lists every column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from vitaal.method.results import (
    AgendaItem,
    CapacityRow,
    Decision,
    DecisionOption,
    FailedNode,
    FindingItem,
    FlagResult,
    Results,
    ScenarioResult,
    TimelineStep,
)

__all__ = ["SHEETS", "Cell", "Sheet", "result_sheets"]

#: A cell's value: what CSV and Excel both hold.
Cell = str | int | float | bool | None
R = TypeVar("R")

#: The sheets in the order they are written.
SHEETS: tuple[str, ...] = (
    "decisions",
    "options",
    "agenda",
    "routine",
    "findings",
    "scenarios",
    "flags",
    "capacity",
    "timeline",
    "failures",
)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: ``name``, the column ids and the rows."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def _join(values: Iterable[Any]) -> str:
    return "; ".join(str(v) for v in values)


def _sheet(
    name: str, rows: Iterable[R], columns: Sequence[tuple[str, Callable[[R], Cell]]]
) -> Sheet:
    getters = [g for _, g in columns]
    return Sheet(
        name=name,
        columns=tuple(c for c, _ in columns),
        rows=[tuple(g(r) for g in getters) for r in rows],
    )


def _basis_columns() -> list[tuple[str, Callable[[Decision | FindingItem | ScenarioResult], Cell]]]:
    """What a result rests on (``method/basis.py``): its verdict, how many records and how many
    of them assumed, and the first assumed ones."""
    return [
        ("basis", lambda r: r.basis.verdict),
        ("basis_records", lambda r: r.basis.records),
        ("basis_assumed", lambda r: r.basis.assumed),
        ("assumed_records", lambda r: _join(r.basis.assumed_records)),
    ]


def _decisions(results: Results, lang: str) -> Sheet:
    cols: list[tuple[str, Callable[[Decision], Cell]]] = [
        ("rank", lambda d: d.rank),
        ("first_page", lambda d: d.rank <= results.first_page),
        ("id", lambda d: d.id),
        ("kind", lambda d: d.kind),
        ("consequence", lambda d: d.consequence),
        ("consequence_by", lambda d: d.consequence_by),
        ("level", lambda d: d.level),
        ("way_of_working", lambda d: d.way_of_working),
        ("title", lambda d: d.title.in_(lang)),
        ("status", lambda d: d.status),
        ("decide_by", lambda d: d.decide_by),
        ("overdue_since", lambda d: d.overdue_since),
        ("years_overdue", lambda d: d.years_overdue),
        ("people", lambda d: d.people),
        ("person_hours", lambda d: d.person_hours),
        ("critical_functions", lambda d: _join(d.critical_functions)),
        ("cost_eur", lambda d: d.cost_eur),
        ("owners", lambda d: _join(d.owners)),
        ("systems", lambda d: _join(d.systems)),
        ("unlocks", lambda d: len(d.unlocks)),
        ("blocks_plans", lambda d: _join(d.blocks_plans)),
        ("items", lambda d: _join(d.items)),
        ("evidence", lambda d: " | ".join(e.in_(lang) for e in d.evidence)),
        *_basis_columns(),
    ]
    return _sheet("decisions", results.decisions, cols)


def _options(results: Results, lang: str) -> Sheet:
    """The options beside each decision, side by side: one row per decision and option, in the
    decisions' order."""
    cols: list[tuple[str, Callable[[tuple[Decision, DecisionOption]], Cell]]] = [
        ("decision", lambda do: do[0].id),
        ("rank", lambda do: do[0].rank),
        ("decision_title", lambda do: do[0].title.in_(lang)),
        ("option", lambda do: do[1].id),
        ("name", lambda do: do[1].name.in_(lang)),
        ("kind", lambda do: do[1].kind),
        ("owner", lambda do: do[1].owner),
        ("chosen", lambda do: do[1].chosen),
        ("investment_eur", lambda do: do[1].investment_eur),
        ("yearly_cost_eur", lambda do: do[1].yearly_cost_eur),
        ("lead_time_y", lambda do: do[1].lead_time_y),
        ("need_year", lambda do: do[1].need_year),
        ("decide_by", lambda do: do[1].decide_by),
        ("status", lambda do: do[1].status),
        ("decision_decide_by", lambda do: do[0].decide_by),
        ("settles", lambda do: _join(do[1].settles)),
    ]
    rows = [(d, o) for d in results.decisions for o in d.options]
    return _sheet("options", rows, cols)


def _agenda_columns(lang: str) -> list[tuple[str, Callable[[AgendaItem], Cell]]]:
    return [
        ("id", lambda it: it.id),
        ("kind", lambda it: it.kind),
        ("component", lambda it: it.component),
        ("name", lambda it: it.name),
        ("system", lambda it: it.system),
        ("subsystem", lambda it: it.subsystem),
        ("resource", lambda it: it.resource),
        ("owner", lambda it: it.owner),
        ("owners", lambda it: _join(it.owners)),
        ("consequence", lambda it: it.consequence),
        ("consequence_by", lambda it: it.consequence_by),
        ("level", lambda it: it.level),
        ("way_of_working", lambda it: it.way_of_working),
        ("station", lambda it: it.station),
        ("need_year", lambda it: it.need_year),
        ("lead_time_y", lambda it: it.lead_time_y),
        ("decide_by", lambda it: it.decide_by),
        ("effective_decide_by", lambda it: it.effective_decide_by),
        ("status", lambda it: it.status),
        ("overdue_since", lambda it: it.overdue_since),
        ("years_overdue", lambda it: it.years_overdue),
        ("people", lambda it: it.people),
        ("person_hours", lambda it: it.person_hours),
        ("critical_functions", lambda it: _join(it.critical_functions)),
        ("cost_eur", lambda it: it.cost_eur),
        ("scenario", lambda it: it.scenario),
        ("depends_on", lambda it: _join(it.depends_on)),
        ("unlocks", lambda it: _join(it.unlocks)),
        ("issues", lambda it: _join(it.issues)),
        ("text", lambda it: it.text.in_(lang)),
    ]


def _agenda(results: Results, lang: str) -> Sheet:
    cols = _agenda_columns(lang)
    return Sheet(
        "agenda",
        ("position", *(c for c, _ in cols)),
        [(i, *(g(it) for _, g in cols)) for i, it in enumerate(results.agenda, 1)],
    )


def _routine(results: Results, lang: str) -> Sheet:
    # the owner first: each owner's ROUTINE list is one filter on the first column
    cols = _agenda_columns(lang)
    owner = [c for c in cols if c[0] == "owner"]
    return _sheet("routine", results.routine, owner + [c for c in cols if c[0] != "owner"])


def _findings(results: Results, lang: str) -> Sheet:
    cols: list[tuple[str, Callable[[FindingItem], Cell]]] = [
        ("id", lambda f: f.id),
        ("kind", lambda f: f.kind),
        ("severity", lambda f: f.severity),
        ("level", lambda f: f.level),
        ("way_of_working", lambda f: f.way_of_working),
        ("station", lambda f: f.station),
        ("system", lambda f: f.system),
        ("subsystem", lambda f: f.subsystem),
        ("components", lambda f: _join(f.components)),
        ("owner", lambda f: f.owners[0] if f.owners else None),
        ("owners", lambda f: _join(f.owners)),
        ("orphan", lambda f: f.orphan),
        ("scenario", lambda f: f.scenario),
        ("plan", lambda f: f.plan),
        ("text", lambda f: f.text.in_(lang)),
        *_basis_columns(),
    ]
    return _sheet("findings", results.findings, cols)


def _scenarios(results: Results, lang: str) -> Sheet:
    def colour_count(colour: str) -> Callable[[ScenarioResult], Cell]:
        return lambda s: sum(1 for f in s.flags if f.colour == colour)

    cols: list[tuple[str, Callable[[ScenarioResult], Cell]]] = [
        ("scenario", lambda s: s.id),
        ("name", lambda s: s.name),
        ("kind", lambda s: s.kind),
        ("year", lambda s: s.year),
        ("horizon_h", lambda s: s.horizon_h),
        ("impact_class", lambda s: s.impact.cls),
        ("decisive", lambda s: s.impact.decisive),
        ("reason", lambda s: s.impact.reason.in_(lang)),
        ("people_affected", lambda s: s.impact.people_affected),
        ("person_hours", lambda s: s.impact.person_hours),
        ("hindrance_hours", lambda s: s.impact.hindrance_hours),
        ("critical_functions_lost", lambda s: _join(s.impact.critical_functions_lost)),
        ("economic_loss_eur", lambda s: s.impact.economic_loss_eur),
        ("people_refused", lambda s: s.impact.people_refused),
        ("years_short", lambda s: s.impact.years_short),
        ("failed", lambda s: s.failed),
        ("red", colour_count("red")),
        ("orange", colour_count("orange")),
        ("green", colour_count("green")),
        *_basis_columns(),
    ]
    return _sheet("scenarios", results.scenarios, cols)


def _flags(results: Results, lang: str) -> Sheet:
    cols: list[tuple[str, Callable[[tuple[ScenarioResult, FlagResult]], Cell]]] = [
        ("scenario", lambda sf: sf[0].id),
        ("system", lambda sf: sf[1].system),
        ("colour", lambda sf: sf[1].colour),
        ("rule", lambda sf: sf[1].rule),
        ("rule_text", lambda sf: sf[1].rule_text.in_(lang)),
        ("order", lambda sf: sf[1].order),
        ("onset_h", lambda sf: sf[1].onset_h),
        ("owner", lambda sf: sf[1].owner),
        ("origin", lambda sf: sf[1].origin),
    ]
    return _sheet("flags", [(s, f) for s in results.scenarios for f in s.flags], cols)


def _capacity(results: Results, lang: str) -> Sheet:
    """One row per component and resource: its capacity, the load without growth in the
    first year, the year it runs out and the latest year to decide, the peak utilisation, and
    the worst-case utilisation of every year (a column per year)."""
    years = results.capacity[0].years if results.capacity else ()
    first = years[0] if years else None
    cols: list[tuple[str, Callable[[CapacityRow], Cell]]] = [
        ("component", lambda c: c.component),
        ("name", lambda c: c.name),
        ("system", lambda c: c.system),
        ("owner", lambda c: c.owner),
        ("resource", lambda c: c.resource),
        ("unit", lambda c: c.unit),
        ("capacity", lambda c: c.capacity),
        (f"load_{first}" if first is not None else "load", lambda c: c.load[0] if c.load else None),
        ("exhausted_year", lambda c: c.exhausted_year),
        ("exhausted_by", lambda c: c.exhausted_by),
        ("lead_time_y", lambda c: c.lead_time_y),
        ("decide_by", lambda c: c.decide_by),
        ("utilisation_peak", lambda c: c.peak[0]),
        ("peak_year", lambda c: c.peak[1]),
    ]
    for j, y in enumerate(years):
        cols.append((f"utilisation_{y}", lambda c, j=j: c.worst[j]))  # type: ignore[misc]
    return _sheet("capacity", results.capacity, cols)


def _timeline(results: Results, lang: str) -> Sheet:
    cols: list[tuple[str, Callable[[TimelineStep], Cell]]] = [
        ("scenario", lambda t: t.scenario),
        ("time_h", lambda t: t.time_h),
        ("system", lambda t: t.system),
        ("failed_components", lambda t: t.failed_components),
        ("consumers_cut_off", lambda t: t.consumers_cut_off),
    ]
    steps = [t for s in results.scenarios for t in s.timeline]
    return _sheet("timeline", steps, cols)


def failure_columns() -> list[tuple[str, Callable[[FailedNode], Cell]]]:
    """The columns of a failed node, in the ``failures`` sheet and the GeoPackage layer."""
    return [
        ("scenario", lambda n: n.scenario),
        ("id", lambda n: n.id),
        ("name", lambda n: n.name),
        ("kind", lambda n: n.kind),
        ("system", lambda n: n.system),
        ("fail_time_h", lambda n: n.fail_time_h),
        ("order", lambda n: n.order),
        ("cause", lambda n: n.cause),
        ("cause_node", lambda n: n.cause_node),
        ("via", lambda n: n.via),
        ("resource", lambda n: n.resource),
        ("back_h", lambda n: n.back_h),
    ]


def _failures(results: Results, lang: str) -> Sheet:
    return _sheet("failures", results.failed, failure_columns())


_BUILDERS: dict[str, Callable[[Results, str], Sheet]] = {
    "decisions": _decisions,
    "options": _options,
    "agenda": _agenda,
    "routine": _routine,
    "findings": _findings,
    "scenarios": _scenarios,
    "flags": _flags,
    "capacity": _capacity,
    "timeline": _timeline,
    "failures": _failures,
}


def result_sheets(results: Results, lang: str = "en") -> list[Sheet]:
    """Every sheet of ``results`` in ``lang``, in the order of :data:`SHEETS`.

    >>> from vitaal.method.results import Results
    >>> [s.name for s in result_sheets(Results.from_dict({}))][:3]
    ['decisions', 'options', 'agenda']
    """
    return [_BUILDERS[name](results, lang) for name in SHEETS]
