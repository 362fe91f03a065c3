"""The closed lists of the model. Their values are what model files write."""

from __future__ import annotations

from enum import StrEnum


class Origin(StrEnum):
    """Where a record comes from."""

    UTILITY_DATA = "utility_data"
    PUBLIC_SOURCE = "public_source"
    EXPERT_JUDGEMENT = "expert_judgement"
    COMPUTED = "computed"
    ASSUMED = "assumed"


class CongestionStatus(StrEnum):
    """Colour of the national grid capacity map (Netbeheer Nederland, capaciteitskaart) where a
    component lies, offtake layer: ``none`` (no colour: capacity available), ``yellow``
    (scarcity threatens, limited capacity left), ``orange`` (structural congestion announced to
    the ACM; capacity only through congestion management), ``red`` (structural congestion,
    congestion management not possible: new transport requests are not honoured)."""

    NONE = "none"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


class Confidence(StrEnum):
    """How sure the table is of a record."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Role(StrEnum):
    """Role of a supply link: primary carries the load; a backup takes it when a primary fails."""

    PRIMARY = "primary"
    BACKUP = "backup"


class CouplingKind(StrEnum):
    """Couplings beyond supply. They create common-cause failures in scenarios."""

    CO_LOCATION = "co_location"
    #: side by side, so that works on one touch the others, without a shared fate: a bridge
    #: over a plant (closing or replacing the bridge is work at the plant; a bridge taken out
    #: of service does not take the plant with it)
    ADJACENT = "adjacent"
    FLOOD_ZONE = "flood_zone"
    SHARED_CONTROL = "shared_control"
    SAME_STRUCTURE = "same_structure"
    ORGANISATIONAL = "organisational"
    SAME_CONTRACTOR = "same_contractor"


class Level(StrEnum):
    """Level of a finding or challenge; it decides the way of working."""

    OPERATIONAL = "operational"
    TACTICAL = "tactical"
    STRATEGIC = "strategic"


class EventKind(StrEnum):
    """What happens to a component at an event's time. Both take it out for the horizon."""

    FAILURE = "failure"
    CLOSURE = "closure"


class ScenarioKind(StrEnum):
    SHOCK = "shock"
    GROWTH = "growth"
    TRANSITION = "transition"
    COMBINED = "combined"


class AreaKind(StrEnum):
    NEIGHBOURHOOD = "neighbourhood"
    DISTRICT = "district"
    MUNICIPALITY = "municipality"
    PORT_AREA = "port_area"
    BUSINESS_AREA = "business_area"


class WayOfWorking(StrEnum):
    """The method's four ways of working, by two questions: is the result known beforehand,
    and is the work repetitive or custom?"""

    REIS = "reis"  # custom, result open: a journey, find the right question
    ROUTE = "route"  # repetitive, result open: a process with fixed stations
    RIT = "rit"  # custom, result known: a project, a ride from a to b
    ROUTINE = "routine"  # repetitive, result known: a procedure


class OnOverload(StrEnum):
    """What a backup supplier of a resource does when the load moved onto it exceeds its
    capacity (``docs/engine.md``, "Shedding, not tripping"): ``shed`` (the default: it keeps
    serving whole consumers in priority order while they fit and sheds the rest, as grid
    operators switch over what fits), ``fail`` (its protection trips: only where data says so,
    with the source in the resource's ``ref``) or ``congest`` (it keeps carrying above
    capacity and everyone is served worse: a congested road, a busy data network)."""

    FAIL = "fail"
    SHED = "shed"
    CONGEST = "congest"


class InterventionKind(StrEnum):
    """What an intervention does about a vulnerability (``docs/interventions.md``)."""

    REINFORCEMENT = "reinforcement"  # added capacity
    REDUNDANCY = "redundancy"  # a new backup link or station
    AUTONOMY = "autonomy"  # battery hours, a generator, storage
    PROTECTION = "protection"  # a raised threshold: a flood-proofed station
    RELOCATION = "relocation"  # moved out of harm's way
    DEGRADED_MODE = "degraded_mode"  # manual or local control once the buffer is spent
    FASTER_REPAIR = "faster_repair"  # spares, mobile units
    DEMAND_MEASURE = "demand_measure"  # flexible connections, heat-pump timing


class EditOp(StrEnum):
    """What one change of an intervention does: ``set`` fields of a record, ``add`` a record,
    ``remove`` a record, or set the ``repair`` times of a component kind."""

    SET = "set"
    ADD = "add"
    REMOVE = "remove"
    REPAIR = "repair"
