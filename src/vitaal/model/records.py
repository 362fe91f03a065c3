"""The records of a model: plain, immutable data.

Every record carries its :class:`Provenance` (where it comes from and how sure it is) and, when
read from a file, its :class:`~vitaal.errors.Loc` (which never takes part in equality).
Quantities keep their units; geometry is WKT text in the model's CRS (RD New, EPSG:28992, by
default), normalised by the reader so that reading, writing and reading again gives equal
records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vitaal.errors import Loc
from vitaal.model.enums import (
    AreaKind,
    Confidence,
    CongestionStatus,
    CouplingKind,
    EditOp,
    EventKind,
    InterventionKind,
    Level,
    OnOverload,
    Origin,
    Role,
    ScenarioKind,
    WayOfWorking,
)
from vitaal.model.units import Quantity


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record comes from (``origin``), how sure it is, and the source to cite."""

    origin: Origin = Origin.ASSUMED
    confidence: Confidence = Confidence.LOW
    ref: str | None = None


def _prov() -> Provenance:
    return Provenance()


def _loc() -> Loc | None:
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A typed flow (electricity, drinking water, data, road access ...) with its unit, and
    what its suppliers do when load moved onto them exceeds their capacity."""

    id: str
    name: str
    unit: str
    name_nl: str | None = None
    on_overload: OnOverload = OnOverload.SHED
    description: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class System:
    """A vital system (electricity, drinking water, ...)."""

    id: str
    name: str
    name_nl: str | None = None
    owner: str | None = None
    description: str | None = None
    description_nl: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Stakeholder:
    name: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """Step 1: what a subsystem is for and how it is built."""

    goal: str | None = None
    result: str | None = None
    source_types: tuple[str, ...] = ()
    destination_types: tuple[str, ...] = ()
    structure: str | None = None
    stakeholders: tuple[Stakeholder, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Subsystem:
    id: str
    system: str
    name: str
    name_nl: str | None = None
    owner: str | None = None
    profile: Profile = field(default_factory=Profile)
    #: the same profile in Dutch, for Dutch output (the English one where absent)
    profile_nl: Profile | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """An asset of one subsystem.

    ``capacity`` and ``peak_load`` are physical (what it can carry, what it carried at peak).
    Grid congestion is kept apart from them: ``congestion`` is the published status of the
    capacity map where it lies, ``waiting_list`` whether new large connections behind it are
    put on a waiting list, ``congestion_until`` the year the operator expects room again, and
    ``congestion_ref`` the notice that says so. A congested station need not be physically
    full: its contracted and reserved capacity is."""

    id: str
    subsystem: str
    kind: str
    name: str | None = None
    name_nl: str | None = None
    geometry: str | None = None
    capacity: dict[str, Quantity] = field(default_factory=dict)
    peak_load: dict[str, Quantity] = field(default_factory=dict)
    condition: int | None = None
    build_year: int | None = None
    end_of_life_year: int | None = None
    lead_time_y: float | None = None
    replacement_cost_eur: float | None = None
    owner: str | None = None
    protection_zone_m: float | None = None
    #: its precise location is for those who need it (``docs/web.md``, rights): the web app
    #: shows others only its service area
    sensitive: bool = False
    #: the edge of the model: a supply from outside it (the national grid, a national
    #: backbone), whose failure is a scenario to prepare for, not a decision of the table
    boundary: bool = False
    thresholds: dict[str, Quantity] = field(default_factory=dict)
    congestion: CongestionStatus | None = None
    waiting_list: bool | None = None
    congestion_until: int | None = None
    congestion_ref: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """``consumer`` (a component or consumer) needs ``resource``; it survives ``buffer_h`` hours
    without it, and needs ``k`` of its suppliers to deliver.

    ``condition`` names a scenario condition (``rain``, ``storm_surge``, ``cold`` ...) under
    which alone the need holds (a pumping station needs power to drain only while it rains);
    ``None``: always. ``degraded_h`` and ``degraded_share``: once the buffer is spent the
    consumer goes on in a degraded mode (local or manual control) for ``degraded_h`` hours at
    ``degraded_share`` of its capacity, then fails."""

    consumer: str
    resource: str
    buffer_h: float = 0.0
    k: int = 1
    condition: str | None = None
    degraded_h: float = 0.0
    degraded_share: float | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplyLink:
    """``supplier`` delivers ``resource`` to ``consumer``."""

    supplier: str
    consumer: str
    resource: str
    role: Role = Role.PRIMARY
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Store:
    """``component`` goes on supplying ``resource`` for ``autonomy_h`` hours after it stops
    receiving it (a water tower, clean-water storage)."""

    component: str
    resource: str
    autonomy_h: float
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Coupling:
    """A coupling beyond supply among ``members`` (component ids)."""

    id: str
    kind: CouplingKind
    members: tuple[str, ...]
    description: str | None = None
    managed_by: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceArea:
    """A consumer: a neighbourhood or district with the people, homes and jobs in it.

    ``connections`` gives, per resource, how many of its homes are connected to it (the homes
    on the heat network, not every home); a resource not named reaches every home. The people
    behind a resource are :meth:`people_for` it. ``built_from`` is the year the area's present
    building began: an asset that serves only areas with a ``built_from`` is not older than the
    earliest of them.
    """

    id: str
    name: str
    kind: AreaKind = AreaKind.NEIGHBOURHOOD
    district: str | None = None
    population: int = 0
    homes: int = 0
    jobs: int = 0
    geometry: str | None = None
    connections: dict[str, int] = field(default_factory=dict)
    built_from: int | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)

    def people_for(self, resource: str) -> int:
        """The people behind the area's connections to ``resource``: the population times the
        share of its homes connected (all of them when the resource has no count, or the area
        no homes).

        >>> ServiceArea(id="a", name="A", population=1000, homes=400,
        ...             connections={"heat": 100}).people_for("heat")
        250
        """
        n = self.connections.get(resource)
        if n is None or self.homes <= 0:
            return self.population
        return round(self.population * min(1.0, n / self.homes))


@dataclass(frozen=True, slots=True, kw_only=True)
class CriticalFunction:
    """A consumer whose loss is critical in itself (hospital, 112 centre, crisis centre ...)."""

    id: str
    name: str
    category: str
    name_nl: str | None = None
    area: str | None = None
    people: int = 0
    owner: str | None = None
    geometry: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SideOutput:
    """What a component produces besides its purpose (waste heat, sludge, biogas)."""

    id: str
    component: str
    output: str
    amount: Quantity | None = None
    usable_by: tuple[str, ...] = ()
    description: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


#: the agenda kinds a challenge may question (:attr:`Challenge.actions`)
CHALLENGE_ACTIONS = ("replacement", "shortfall")


@dataclass(frozen=True, slots=True, kw_only=True)
class Challenge:
    """Step 4: a driver that breaks an assumption of a subsystem's logic, at a level.

    What rests on the assumption is marked (``docs/method.md``, "Step 4 that bites"): the
    agenda items of the kinds in ``actions`` (``replacement``: like-for-like renewal,
    ``shortfall``: reinforcement) about the subsystem's components of ``kinds`` (all when
    empty) that serve ``areas`` or the areas of ``plans`` (everywhere when both are empty),
    and the plans whose own agenda holds such an item. No ``actions``: nothing is marked."""

    id: str
    subsystem: str
    driver: str
    assumption: str
    level: Level
    description: str | None = None
    driver_nl: str | None = None
    assumption_nl: str | None = None
    description_nl: str | None = None
    actions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A component (or consumer) taken out at ``time_h`` hours after the scenario starts, and
    repaired (reopened) ``repair_h`` hours later."""

    target: str
    time_h: float = 0.0
    kind: EventKind = EventKind.FAILURE
    #: hours until the target is repaired (a closure: reopened); ``None``: the repair time of
    #: its kind (``vitaal/data/restoration.yaml``)
    repair_h: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HazardArea:
    """A polygon (WKT) in which the hazard has one intensity."""

    geometry: str
    value: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Hazard:
    """A hazard map: intensities of one hazard type by area, raster or component.

    ``type`` names a hazard of ``vitaal/data/hazards.yaml`` (water depth, wind, temperature ...);
    ``unit`` is the unit of the values. ``raster`` is a GeoTIFF path relative to the model folder.
    """

    type: str
    unit: str
    time_h: float = 0.0
    areas: tuple[HazardArea, ...] = ()
    values: dict[str, float] = field(default_factory=dict)
    raster: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """Initial events, hazards, growth (plans up to ``year``) and transitions, over a horizon."""

    id: str
    name: str
    name_nl: str | None = None
    kind: ScenarioKind = ScenarioKind.SHOCK
    description: str | None = None
    origin_system: str | None = None
    horizon_h: float | None = None
    year: int | None = None
    plans: tuple[str, ...] = ()
    transitions: dict[str, dict[int, float]] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    hazards: tuple[Hazard, ...] = ()
    #: per condition (``rain``, ``storm_surge`` ...), the intervals ``[start, end)`` in hours in
    #: which it holds; a condition not named does not hold (a normal day has none)
    conditions: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    #: how often it happens: once in ``return_period_y`` years, or the national risk
    #: assessment's likelihood class (``vitaal/data/likelihood.yaml``); ``None``: not given
    return_period_y: float | None = None
    likelihood_class: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """An initiative: what it adds (homes, jobs, direct demand) where and when, and who owns it.

    ``result_known`` and ``repetitive`` are the method's two questions that class it as REIS,
    ROUTE, RIT or ROUTINE; ``run_as`` is its phase, how it is organised now (most plans run
    as a project, RIT), so that a project whose result is not yet known can be flagged;
    ``stations_passed`` and ``standard`` record the ROUTE stations it has passed and what it
    answered the city's project standard (``method/ways.py``, ``plan_governance``).
    ``priority`` names its category in the priority rule for scarce capacity
    (``vitaal/data/priority.yaml``); without it the category is found from keywords.
    ``area_shares`` gives, for a plan that touches many areas (a programme across the city),
    the share of its homes, jobs and demand that falls in each of its ``areas``; without it
    they are split evenly (:meth:`shares`).
    """

    id: str
    title: str
    title_nl: str | None = None
    owner: str | None = None
    system: str | None = None
    areas: tuple[str, ...] = ()
    area_shares: dict[str, float] = field(default_factory=dict)
    geometry: str | None = None
    homes: dict[int, int] = field(default_factory=dict)
    jobs: dict[int, int] = field(default_factory=dict)
    demand: dict[str, dict[int, Quantity]] = field(default_factory=dict)
    result_known: bool | None = None
    repetitive: bool | None = None
    run_as: WayOfWorking | None = None
    #: the ROUTE stations (``vitaal/data/route_stations.yaml``) the plan has passed, in order
    stations_passed: tuple[str, ...] = ()
    #: the city's project standard, for a plan run as a project (RIT): ``applied``, or
    #: ``explained`` why not (``standard_note``: the explanation); ``None``: neither recorded
    standard: str | None = None
    standard_note: str | None = None
    standard_note_nl: str | None = None
    priority: str | None = None
    description: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)

    def shares(self) -> dict[str, float]:
        """The share of the plan's growth in each of its areas, in the order of ``areas``:
        ``area_shares`` where it names the area, else an even split (0 for an area that
        ``area_shares`` leaves out; validation reports that)."""
        if not self.area_shares:
            n = len(self.areas)
            return dict.fromkeys(self.areas, 1.0 / n) if n else {}
        return {a: float(self.area_shares.get(a, 0.0)) for a in self.areas}


@dataclass(frozen=True, slots=True, kw_only=True)
class Horizons:
    """Short term is up to ``short_y`` years ahead, medium up to ``medium_y``, long beyond."""

    short_y: int = 5
    medium_y: int = 15


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelInfo:
    """What the model is, its reference year and coordinate system."""

    name: str
    description: str | None = None
    #: the description in Dutch, for Dutch output
    description_nl: str | None = None
    crs: str = "EPSG:28992"
    base_year: int = 2026
    horizons: Horizons = field(default_factory=Horizons)
    horizon_h: float = 72.0
    kinds: tuple[str, ...] = ()
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Edit:
    """One change an intervention makes to the model (``docs/interventions.md``).

    ``op`` ``set``: ``fields`` of the record ``key`` of ``kind`` take new values (a mapping
    field such as ``capacity`` merges key by key); ``add``: ``record`` joins ``kind`` under
    ``key``; ``remove``: the record ``key`` of ``kind`` goes; ``repair``: the repair and
    restart times (``fields``: ``repair_h``, ``hazard_repair_h``, ``restart_h``) of the
    component kind ``key`` (``kind`` is ``restoration``). ``line`` is where the change is
    written (never part of equality)."""

    op: EditOp
    kind: str
    key: str
    fields: dict[str, Any] = field(default_factory=dict)
    record: Any = None
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Intervention:
    """An option in the intervention register: what it changes in the model (``changes``,
    a patch), what it costs (``investment_eur`` once, ``yearly_cost_eur`` each year it
    works), how long it takes (``lead_time_y``), how long it lasts (``lifetime_y``), who
    owns it and where its figures come from (``prov``). ``None``: not known."""

    id: str
    name: str
    kind: InterventionKind
    changes: tuple[Edit, ...]
    name_nl: str | None = None
    #: the table chose this option: the decisions it settles take its latest decision year
    chosen: bool = False
    owner: str | None = None
    system: str | None = None
    investment_eur: float | None = None
    yearly_cost_eur: float = 0.0
    lead_time_y: float = 0.0
    lifetime_y: float | None = None
    description: str | None = None
    prov: Provenance = field(default_factory=_prov)
    loc: Loc | None = field(default_factory=_loc, compare=False, repr=False)
