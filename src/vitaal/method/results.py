"""The analysis as typed records: what the exports, ``vitaal compare`` and the web app read.

:func:`~vitaal.method.analysis.run_analysis` hands its results on as one dictionary (the JSON
of ``analysis.json``, ``docs/method.md``). This module is the one place that reads that
dictionary through its keys; everything downstream reads attributes of frozen records
instead, so that a field that is renamed fails here, once, and a type checker sees every use.

Two sources give the same records:

- :meth:`Results.from_dict` reads the JSON (an ``analysis.json`` written earlier, or
  ``Analysis.as_dict()``); it holds no capacity per component and year and no failed nodes,
  which the JSON does not carry;
- :meth:`Results.from_analysis` reads an :class:`~vitaal.method.analysis.Analysis` in memory,
  and adds the capacity of every component per year (the envelope of the scenario set) and the
  failed nodes of every scenario with their times, causes and geometry.

Texts the method writes in both languages are :class:`Text`; ids, codes and numbers keep the
JSON's values (``docs/method.md`` documents each).

Examples
--------
>>> data = {"model": {"name": "Town", "base_year": 2026}, "decisions": {"items": [
...     {"id": "decision:x", "rank": 1, "title": {"en": "Replace X", "nl": "X vervangen"},
...      "consequence": "C", "people": 2000}]}}
>>> r = Results.from_dict(data)
>>> r.decisions[0].title.in_("nl"), r.decisions[0].people, r.decisions[0].status
('X vervangen', 2000, None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vitaal.method.analysis import Analysis

__all__ = [
    "AgendaItem",
    "BasisResult",
    "CapacityRow",
    "Decision",
    "DecisionOption",
    "FailedNode",
    "FindingItem",
    "FlagResult",
    "ImpactResult",
    "PlanResult",
    "Results",
    "ScenarioResult",
    "ShockResult",
    "ShortfallItem",
    "Text",
    "TimelineStep",
]


@dataclass(frozen=True, slots=True)
class Text:
    """A text in English and Dutch."""

    en: str = ""
    nl: str = ""

    def in_(self, lang: str) -> str:
        """The text in ``lang`` (``en`` or ``nl``), else in the other language.

        >>> Text("yes", "").in_("nl")
        'yes'
        """
        first, second = (self.nl, self.en) if lang == "nl" else (self.en, self.nl)
        return first or second

    @classmethod
    def of(cls, value: Any, nl: Any = None) -> Text:
        """From ``{en, nl}``, or from an English text and its Dutch (``nl``), or ``None``."""
        if isinstance(value, Mapping):
            return cls(str(value.get("en") or ""), str(value.get("nl") or ""))
        en = "" if value is None else str(value)
        return cls(en, "" if nl is None else str(nl))


# -- small readers: one place for the JSON's optional fields --------------------------------
def _s(d: Mapping[str, Any], key: str) -> str | None:
    v = d.get(key)
    return None if v is None else str(v)


def _i(d: Mapping[str, Any], key: str, default: int | None = None) -> int | None:
    v = d.get(key)
    return default if v is None else int(v)


def _f(d: Mapping[str, Any], key: str) -> float | None:
    v = d.get(key)
    return None if v is None else float(v)


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in value or ())


def _total(value: Any) -> float:
    """A figure given per service (``{service: value}``) or as one number, summed."""
    if isinstance(value, Mapping):
        return float(sum(float(v or 0.0) for v in value.values()))
    return float(value or 0.0)


# -- records --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BasisResult:
    """What a result rests on (``basis`` of a decision, finding or scenario; see
    :mod:`vitaal.method.basis`): ``verdict`` (``sourced``, ``partly_assumed``, ``assumed``,
    ``untraced``), how many records, how many of them assumed, and the first assumed ones."""

    verdict: str = "untraced"
    records: int = 0
    assumed: int = 0
    assumed_records: tuple[str, ...] = ()

    @property
    def rests_on_assumed(self) -> bool:
        return self.assumed > 0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> BasisResult:
        if not d:
            return cls()
        return cls(
            verdict=str(d.get("verdict") or "untraced"),
            records=int(d.get("records") or 0),
            assumed=int(d.get("assumed") or 0),
            assumed_records=_ids(d.get("assumed_records")),
        )


@dataclass(frozen=True, slots=True)
class DecisionOption:
    """An option of the intervention register beside a decision (``decisions.items[].options``,
    ``method/decision_options.py``): what it costs, how long it takes, and the latest year to
    decide on it for the items it settles."""

    id: str
    name: Text
    kind: str
    owner: str | None
    investment_eur: float | None
    yearly_cost_eur: float | None
    lead_time_y: float | None
    need_year: int | None
    decide_by: int | None
    status: str
    chosen: bool
    settles: tuple[str, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DecisionOption:
        return cls(
            id=str(d["id"]),
            name=Text.of(d.get("name")),
            kind=str(d.get("kind") or ""),
            owner=_s(d, "owner"),
            investment_eur=_f(d, "investment_eur"),
            yearly_cost_eur=_f(d, "yearly_cost_eur"),
            lead_time_y=_f(d, "lead_time_y"),
            need_year=_i(d, "need_year"),
            decide_by=_i(d, "decide_by"),
            status=str(d.get("status") or "unknown"),
            chosen=bool(d.get("chosen")),
            settles=_ids(d.get("settles")),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """One of the table's decisions (``decisions.items[]``), ranked."""

    rank: int
    id: str
    kind: str
    level: str | None
    way_of_working: str | None
    title: Text
    consequence: str
    consequence_by: str | None
    people: int
    person_hours: float | None
    critical_functions: tuple[str, ...]
    cost_eur: float | None
    status: str | None
    decide_by: int | None
    overdue_since: int | None
    years_overdue: int
    owners: tuple[str, ...]
    systems: tuple[str, ...]
    evidence: tuple[Text, ...]
    unlocks: tuple[str, ...]
    blocks_plans: tuple[str, ...]
    items: tuple[str, ...]
    basis: BasisResult = field(default_factory=BasisResult)
    options: tuple[DecisionOption, ...] = ()
    #: the asset, another than the decision's own, whose loss sets what is at stake (an
    #: asset the works touch), ``None`` for the decision's own
    consequence_through: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], rank: int) -> Decision:
        return cls(
            rank=_i(d, "rank", rank) or rank,
            id=str(d["id"]),
            kind=str(d.get("kind") or "agenda"),
            level=_s(d, "level"),
            way_of_working=_s(d, "way_of_working"),
            title=Text.of(d.get("title")),
            consequence=str(d.get("consequence") or "A"),
            consequence_by=_s(d, "consequence_by"),
            people=int(d.get("people") or 0),
            person_hours=_f(d, "person_hours"),
            critical_functions=_ids(d.get("critical_functions")),
            cost_eur=_f(d, "cost_eur"),
            status=_s(d, "status"),
            decide_by=_i(d, "decide_by"),
            overdue_since=_i(d, "overdue_since"),
            years_overdue=int(d.get("years_overdue") or 0),
            owners=_ids(d.get("owners")),
            systems=_ids(d.get("systems")),
            evidence=tuple(Text.of(e.get("text")) for e in d.get("evidence") or ()),
            unlocks=_ids(d.get("unlocks")),
            blocks_plans=_ids(d.get("blocks_plans")),
            items=_ids(d.get("items")),
            basis=BasisResult.from_dict(d.get("basis")),
            options=tuple(DecisionOption.from_dict(o) for o in d.get("options") or ()),
            consequence_through=_s(d, "consequence_through"),
        )


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """An item of the decision agenda (``agenda.items[]``, ``agenda.routine_items[]`` or a
    plan's ``agenda[]``): a reinforcement (``kind="shortfall"``) or a replacement."""

    id: str
    kind: str
    component: str
    name: str | None
    subsystem: str | None
    system: str | None
    resource: str | None
    need_year: int
    lead_time_y: float | None
    decide_by: int | None
    effective_decide_by: int | None
    status: str
    overdue_since: int | None
    years_overdue: int
    owners: tuple[str, ...]
    station: str | None
    level: str | None
    way_of_working: str | None
    routine: bool
    consequence: str
    consequence_by: str | None
    people: int
    person_hours: float | None
    critical_functions: tuple[str, ...]
    cost_eur: float | None
    scenario: str | None
    depends_on: tuple[str, ...]
    unlocks: tuple[str, ...]
    issues: tuple[str, ...]
    text: Text
    #: the component's name in Dutch
    name_nl: str | None = None

    def name_in(self, lang: str) -> str:
        """The component's name in ``lang`` (its id without one)."""
        name = (self.name_nl or self.name) if lang == "nl" else self.name
        return name or self.component

    @property
    def owner(self) -> str | None:
        return self.owners[0] if self.owners else None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AgendaItem:
        return cls(
            id=str(d["id"]),
            kind=str(d.get("kind") or ""),
            component=str(d.get("component") or ""),
            name=_s(d, "name"),
            subsystem=_s(d, "subsystem"),
            system=_s(d, "system"),
            resource=_s(d, "resource"),
            need_year=int(d.get("need_year") or 0),
            lead_time_y=_f(d, "lead_time_y"),
            decide_by=_i(d, "decide_by"),
            effective_decide_by=_i(d, "effective_decide_by"),
            status=str(d.get("status") or "unknown"),
            overdue_since=_i(d, "overdue_since"),
            years_overdue=int(d.get("years_overdue") or 0),
            owners=_ids(d.get("owners")),
            station=_s(d, "station"),
            level=_s(d, "level"),
            way_of_working=_s(d, "way_of_working"),
            routine=bool(d.get("routine")),
            consequence=str(d.get("consequence") or "A"),
            consequence_by=_s(d, "consequence_by"),
            people=int(d.get("people") or 0),
            person_hours=_f(d, "person_hours"),
            critical_functions=_ids(d.get("critical_functions")),
            cost_eur=_f(d, "cost_eur"),
            scenario=_s(d, "scenario"),
            depends_on=_ids(d.get("depends_on")),
            unlocks=_ids(d.get("unlocks")),
            issues=tuple(str(i.get("code")) for i in d.get("issues") or ()),
            text=Text.of(d.get("text")),
            name_nl=_s(d, "name_nl"),
        )


@dataclass(frozen=True, slots=True)
class FindingItem:
    """A finding (``findings[]``)."""

    id: str
    kind: str
    level: str | None
    way_of_working: str | None
    station: str | None
    severity: int
    system: str | None
    subsystem: str | None
    components: tuple[str, ...]
    owners: tuple[str, ...]
    scenario: str | None
    plan: str | None
    text: Text
    basis: BasisResult = field(default_factory=BasisResult)

    @property
    def orphan(self) -> bool:
        """No one owns it: a *weesdossier*."""
        return not self.owners

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FindingItem:
        return cls(
            id=str(d["id"]),
            kind=str(d.get("kind") or ""),
            level=_s(d, "level"),
            way_of_working=_s(d, "way_of_working"),
            station=_s(d, "station"),
            severity=int(d.get("severity") or 1),
            system=_s(d, "system"),
            subsystem=_s(d, "subsystem"),
            components=_ids(d.get("components")),
            owners=_ids(d.get("owners")),
            scenario=_s(d, "scenario"),
            plan=_s(d, "plan"),
            text=Text.of(d.get("text")),
            basis=BasisResult.from_dict(d.get("basis")),
        )


@dataclass(frozen=True, slots=True)
class FlagResult:
    """The cascade checker's flag of one system in one scenario."""

    system: str
    colour: str
    rule: str
    rule_text: Text
    order: int | None
    onset_h: float | None
    owner: str | None
    origin: bool

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FlagResult:
        return cls(
            system=str(d["system"]),
            colour=str(d.get("colour") or "green"),
            rule=str(d.get("rule") or ""),
            rule_text=Text.of(d.get("rule_text"), d.get("rule_text_nl")),
            order=_i(d, "order"),
            onset_h=_f(d, "onset_h"),
            owner=_s(d, "owner"),
            origin=bool(d.get("origin")),
        )


@dataclass(frozen=True, slots=True)
class ShortfallItem:
    """A component short for a resource because of a scenario, before a reinforcement can be
    ready (``impact.shortfall.components[]``)."""

    component: str
    name: str | None
    resource: str
    unit: str | None
    first_year: int | None
    ready_year: int | None
    years_short: int
    overflow: float | None

    @property
    def key(self) -> str:
        return f"{self.component}|{self.resource}"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ShortfallItem:
        return cls(
            component=str(d["component"]),
            name=_s(d, "name"),
            resource=str(d.get("resource") or ""),
            unit=_s(d, "unit"),
            first_year=_i(d, "first_year"),
            ready_year=_i(d, "ready_year"),
            years_short=int(d.get("years_short") or 0),
            overflow=_f(d, "overflow"),
        )


@dataclass(frozen=True, slots=True)
class ImpactResult:
    """The impact indicator of one scenario: class A-E and its figures (person-hours and
    hindrance summed over services)."""

    cls: str
    decisive: str | None
    reason: Text
    people_affected: int
    person_hours: float
    hindrance_hours: float
    critical_functions_lost: tuple[str, ...]
    economic_loss_eur: float
    people_refused: int
    years_short: int
    shortfalls: tuple[ShortfallItem, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ImpactResult:
        sf: Mapping[str, Any] = d.get("shortfall") or {}
        reason = d.get("reason")
        return cls(
            cls=str(d.get("class") or "A"),
            decisive=_s(d, "decisive"),
            reason=Text.of(reason, None if isinstance(reason, Mapping) else d.get("reason_nl")),
            people_affected=int(d.get("people_affected") or 0),
            person_hours=_total(d.get("person_hours")),
            hindrance_hours=_total(d.get("hindrance_hours")),
            critical_functions_lost=tuple(
                str(c["id"]) if isinstance(c, Mapping) else str(c)
                for c in d.get("critical_functions_lost") or ()
            ),
            economic_loss_eur=float(d.get("economic_loss_eur") or 0.0),
            people_refused=int(sf.get("people_refused") or 0),
            years_short=int(sf.get("years_short") or 0),
            shortfalls=tuple(ShortfallItem.from_dict(c) for c in sf.get("components") or ()),
        )


@dataclass(frozen=True, slots=True)
class TimelineStep:
    """At ``time_h``, how many components of ``system`` have failed and how many consumers it
    has cut off, counted from the start (``system`` ``None``: all systems together)."""

    scenario: str
    time_h: float
    system: str | None
    failed_components: int
    consumers_cut_off: int


def _timeline(scenario: str, d: Mapping[str, Any]) -> tuple[TimelineStep, ...]:
    times = [float(t) for t in d.get("times_h") or ()]
    out: list[TimelineStep] = []
    parts: list[tuple[str | None, Mapping[str, Any]]] = [(None, d.get("total") or {})]
    parts += list((d.get("systems") or {}).items())
    for system, counts in parts:
        failed = counts.get("failed_components") or [0] * len(times)
        cut = counts.get("consumers_cut_off") or [0] * len(times)
        for t, f, c in zip(times, failed, cut, strict=False):
            out.append(TimelineStep(scenario, t, system, int(f), int(c)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """One scenario: its impact, a flag per system and the timeline of its cascade."""

    id: str
    name: str
    kind: str | None
    year: int | None
    horizon_h: float | None
    failed: int
    impact: ImpactResult
    flags: tuple[FlagResult, ...]
    timeline: tuple[TimelineStep, ...]
    basis: BasisResult = field(default_factory=BasisResult)

    def flag(self, system: str) -> FlagResult | None:
        return next((f for f in self.flags if f.system == system), None)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScenarioResult:
        sid = str(d["id"])
        return cls(
            id=sid,
            name=str(d.get("name") or sid),
            kind=_s(d, "kind"),
            year=_i(d, "year"),
            horizon_h=_f(d, "horizon_h"),
            failed=int(d.get("failed") or 0),
            impact=ImpactResult.from_dict(d.get("impact") or {}),
            flags=tuple(FlagResult.from_dict(f) for f in d.get("flags") or ()),
            timeline=_timeline(sid, d.get("timeline") or {}),
            basis=BasisResult.from_dict(d.get("basis")),
        )


@dataclass(frozen=True, slots=True)
class ShockResult:
    """One of the model's shocks meeting a plan's load (``plans[].shocks[]``)."""

    scenario: str
    impact_class: str
    reason: Text
    red: tuple[str, ...]
    orange: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A plan through the method (``plans[]``): its class of work, the impact and flags of its
    growth, the shocks meeting its load and the agenda it calls for."""

    id: str
    title: str
    owner: str | None
    plan_class: str | None
    run_as: str | None
    comply_or_explain: bool
    year: int | None
    impact: ImpactResult
    flags: tuple[FlagResult, ...]
    shocks: tuple[ShockResult, ...]
    agenda: tuple[AgendaItem, ...]
    conflicts: int
    claims: int
    #: ROUTE stations passed and those its phase asks for that it has not
    stations_passed: tuple[str, ...] = ()
    stations_missing: tuple[str, ...] = ()
    #: the project standard: ``applied``, ``explained``, ``missing`` or ``not_asked``
    standard: str | None = None
    #: vitaal's own advice on its way of working (not the standard's question)
    advice: bool = False
    #: the title in Dutch (the English one where the model gives none)
    title_nl: str | None = None

    def title_in(self, lang: str) -> str:
        """The plan's title in ``lang``."""
        return (self.title_nl or self.title) if lang == "nl" else self.title

    def flag(self, system: str) -> FlagResult | None:
        return next((f for f in self.flags if f.system == system), None)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlanResult:
        gov: Mapping[str, Any] = d.get("governance") or {}
        g: Mapping[str, Any] = d.get("growth") or {}
        return cls(
            id=str(d["id"]),
            title=str(d.get("title") or d["id"]),
            owner=_s(d, "owner"),
            plan_class=_s(d, "class"),
            run_as=_s(d, "run_as"),
            comply_or_explain=bool(d.get("comply_or_explain")),
            year=_i(g, "year"),
            impact=ImpactResult.from_dict(g.get("impact") or {}),
            flags=tuple(FlagResult.from_dict(f) for f in g.get("flags") or ()),
            shocks=tuple(
                ShockResult(
                    scenario=str(s["scenario"]),
                    impact_class=str(s.get("impact_class") or "A"),
                    reason=Text.of(s.get("reason")),
                    red=_ids(s.get("red")),
                    orange=_ids(s.get("orange")),
                )
                for s in d.get("shocks") or ()
            ),
            agenda=tuple(AgendaItem.from_dict(it) for it in d.get("agenda") or ()),
            conflicts=len(d.get("conflicts") or ()),
            claims=len(d.get("claims") or ()),
            stations_passed=_ids(gov.get("stations_passed")),
            stations_missing=_ids(gov.get("stations_missing")),
            standard=_s(gov.get("comply_or_explain") or {}, "status"),
            advice=bool(d.get("advice")),
            title_nl=_s(d, "title_nl"),
        )


@dataclass(frozen=True, slots=True)
class CapacityRow:
    """The capacity of one component for one resource, year by year (``years``): its
    capacity, the load without growth (``load``), the utilisation per projection
    (``utilisation``: ``baseline`` and each growth scenario; ``None`` where a projection has
    no such year), the worst of them each year and which projection gives it, and the year the
    capacity runs out in the worst case, which projection runs it out, the lead time and the
    latest year to decide."""

    component: str
    name: str | None
    system: str | None
    owner: str | None
    resource: str
    unit: str | None
    capacity: float
    years: tuple[int, ...]
    load: tuple[float | None, ...]
    utilisation: Mapping[str, tuple[float | None, ...]]
    worst: tuple[float | None, ...]
    worst_projection: tuple[str | None, ...]
    exhausted_year: int | None
    exhausted_by: str | None
    lead_time_y: float | None
    decide_by: int | None

    @property
    def peak(self) -> tuple[float | None, int | None]:
        """The highest worst-case utilisation and its first year (``None`` when unknown)."""
        known = [(u, y) for u, y in zip(self.worst, self.years, strict=True) if u is not None]
        if not known:
            return None, None
        top = max(u for u, _ in known)
        return top, next(y for u, y in known if u == top)


@dataclass(frozen=True, slots=True)
class FailedNode:
    """A node that fails in a scenario: when, in which order, why (the cause code, the failed
    node that set it off, the supplier it came through and the resource lost), when it was
    back (``None``: not within the horizon), and its geometry (WKT in the model's CRS)."""

    scenario: str
    id: str
    name: str | None
    kind: str
    system: str | None
    fail_time_h: float
    order: int | None
    cause: str | None
    cause_node: str | None
    via: str | None
    resource: str | None
    back_h: float | None
    geometry: str | None


@dataclass(frozen=True, slots=True)
class Results:
    """The analysis as records (see the module's docstring)."""

    model: str
    base_year: int | None
    crs: str | None
    scenarios: tuple[ScenarioResult, ...]
    plans: tuple[PlanResult, ...]
    decisions: tuple[Decision, ...]
    first_page: int
    agenda: tuple[AgendaItem, ...]
    routine: tuple[AgendaItem, ...]
    findings: tuple[FindingItem, ...]
    projections: tuple[str, ...] = ()
    capacity: tuple[CapacityRow, ...] = ()
    failed: tuple[FailedNode, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    #: the verdicts of what the first page's decisions rest on (``summary.basis.first_page``:
    #: verdict -> count)
    first_page_basis: Mapping[str, int] = field(default_factory=dict)
    #: the ids of the summary's top findings (``summary.top_findings``), in order
    top_findings: tuple[str, ...] = ()

    def scenario(self, scenario_id: str) -> ScenarioResult | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def plan(self, plan_id: str) -> PlanResult | None:
        return next((p for p in self.plans if p.id == plan_id), None)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        crs: str | None = None,
        projections: Sequence[str] = (),
        capacity: Sequence[CapacityRow] = (),
        failed: Sequence[FailedNode] = (),
    ) -> Results:
        """The records of ``data`` (``Analysis.as_dict()`` or a ``analysis.json`` read back);
        the capacity per year and the failed nodes only as given."""
        m: Mapping[str, Any] = data.get("model") or {}
        dec: Mapping[str, Any] = data.get("decisions") or {}
        agenda: Mapping[str, Any] = data.get("agenda") or {}
        summary: Mapping[str, Any] = data.get("summary") or {}
        counts = summary.get("counts") or {}
        fp = (summary.get("basis") or {}).get("first_page") or {}
        return cls(
            model=str(m.get("name") or ""),
            base_year=_i(m, "base_year"),
            crs=crs,
            scenarios=tuple(ScenarioResult.from_dict(s) for s in data.get("scenarios") or ()),
            plans=tuple(PlanResult.from_dict(p) for p in data.get("plans") or ()),
            decisions=tuple(
                Decision.from_dict(d, i) for i, d in enumerate(dec.get("items") or (), 1)
            ),
            first_page=int(dec.get("first_page") or 15),
            agenda=tuple(AgendaItem.from_dict(it) for it in agenda.get("items") or ()),
            routine=tuple(AgendaItem.from_dict(it) for it in agenda.get("routine_items") or ()),
            findings=tuple(FindingItem.from_dict(f) for f in data.get("findings") or ()),
            projections=tuple(projections),
            capacity=tuple(capacity),
            failed=tuple(failed),
            counts={str(k): int(v) for k, v in counts.items() if isinstance(v, int | float)},
            first_page_basis={str(k): int(v) for k, v in fp.items() if isinstance(v, int)},
            top_findings=tuple(
                str(f if isinstance(f, str) else f.get("id"))
                for f in summary.get("top_findings") or ()
            ),
        )

    @classmethod
    def from_analysis(cls, analysis: Analysis) -> Results:
        """The records of an analysis in memory, with the capacity of every component per
        year and the failed nodes of every scenario."""
        from vitaal.method.result_tables import capacity_rows, failed_nodes

        projections, capacity = capacity_rows(analysis)
        return cls.from_dict(
            analysis.as_dict(),
            crs=analysis.model.info.crs,
            projections=projections,
            capacity=capacity,
            failed=failed_nodes(analysis),
        )
