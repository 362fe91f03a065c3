"""The impact indicator (step 6): how severe is what a scenario does?

People affected, person-hours without each service, critical functions lost and when, and
economic loss; for a scenario with growth or transitions also the people refused a connection
and the years short of the capacity shortfall it causes (:mod:`vitaal.method.shortfall`).
Each is classed A-E on thresholds kept in ``vitaal/data/impact.yaml`` (after the national risk
assessment's classes, "limited" to "catastrophic"), with an overall class and the reason.
Results are data; :meth:`Impact.reason_text` renders the reason in English or Dutch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.catalog import load_data
from vitaal.engine.cascade import CascadeResult
from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import CompiledModel
from vitaal.engine.impact_kernel import travel_share
from vitaal.method.shortfall import Shortfall
from vitaal.model.model import Model

CLASSES = ("A", "B", "C", "D", "E")


def class_of(value: float, bounds: list[float]) -> str:
    """The class of ``value`` given the lower bounds of classes B, C, D and E.

    >>> class_of(42_000, [1000, 10000, 100000, 400000])
    'C'
    """
    i = 0
    for b in bounds:
        if value >= b:
            i += 1
    return CLASSES[i]


def _max_class(a: str, b: str) -> str:
    return a if CLASSES.index(a) >= CLASSES.index(b) else b


@dataclass(frozen=True, slots=True)
class LostFunction:
    """A critical function that stopped working within the horizon."""

    id: str
    name: str
    category: str
    fail_time_h: float
    resource: str | None
    name_nl: str | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion's value and class, with what decided it (service, duration)."""

    name: str
    value: float
    cls: str
    service: str | None = None
    duration_h: float | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Impact:
    """Step 6 for one scenario. ``cls`` is the overall class; ``decisive`` the criterion that
    set it (the first in the order people affected, person-hours, hindrance, critical
    functions, economic loss, people refused, years short when several reach the same class).
    ``shortfall`` holds the figures of the capacity shortfall the scenario causes."""

    horizon_h: float
    people_affected: int
    people_by_service: dict[str, int]
    person_hours: dict[str, float]
    hindrance_hours: dict[str, float]
    longest_outage_h: dict[str, float]
    critical_functions_lost: tuple[LostFunction, ...]
    economic_loss_eur: float
    criteria: tuple[Criterion, ...]
    cls: str
    decisive: str
    class_names: dict[str, dict[str, str]] = field(repr=False)
    service_names: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    shortfall: Shortfall = field(default_factory=Shortfall.none)

    def criterion(self, name: str) -> Criterion:
        return next(c for c in self.criteria if c.name == name)

    def reason_text(self, lang: str = "en") -> str:
        """Why the overall class is what it is, in one sentence, in English or Dutch.

        e.g. "class C (serious) because 42,000 people lose drinking water for up to 12 hours"
        """
        c = self.criterion(self.decisive)
        nl = lang == "nl"
        name = self.class_names[self.cls]["nl" if nl else "en"]
        service = self.service_names.get(c.service or "", {}).get(
            "nl" if nl else "en", c.service or ""
        )

        def num(value: float) -> str:
            text = f"{value:,.0f}"
            return text.replace(",", ".") if nl else text

        if self.cls == "A" and c.value == 0:
            none_short = self.shortfall.assessed and self.shortfall.years_short == 0
            if nl:
                tail = (
                    ", geen capaciteitstekort voordat een versterking klaar kan zijn"
                    if none_short
                    else ""
                )
                return f"klasse A ({name}): geen inwoners of vitale functies getroffen{tail}"
            tail = (
                ", no capacity shortfall before a reinforcement can be ready" if none_short else ""
            )
            return f"class A ({name}): no people or critical functions affected{tail}"
        if c.name in ("people_refused", "years_short"):
            return self._shortfall_text(c, nl, name, service, num)
        lost = self.critical_functions_lost
        names = ", ".join(
            f"{(f.name_nl or f.name) if nl else f.name} "
            f"({'na' if nl else 'after'} {f.fail_time_h:g} {'uur' if nl else 'h'})"
            for f in lost[:5]
        )
        if len(lost) > 5:
            names += f" {'en' if nl else 'and'} {len(lost) - 5} {'meer' if nl else 'more'}"
        duration = f"{c.duration_h:.0f}" if c.duration_h is not None else "?"
        if nl:
            head = f"klasse {self.cls} ({name}) omdat"
            sentences = {
                "people_affected": f"{head} {num(c.value)} inwoners {service} verliezen, "
                f"tot {duration} uur lang",
                "person_hours": f"{head} {num(c.value)} persoonsuren zonder {service}",
                "critical_functions": f"{head} {int(c.value)} vitale functie(s) uitvallen: {names}",
                "hindrance_hours": f"{head} {num(c.value)} reisuren hinder (omrijden of "
                f"uitval) bij {service}",
                "economic_loss": f"{head} de economische schade EUR {num(c.value)} is",
            }
        else:
            head = f"class {self.cls} ({name}) because"
            sentences = {
                "people_affected": f"{head} {num(c.value)} people lose {service} "
                f"for up to {duration} hours",
                "person_hours": f"{head} of {num(c.value)} person-hours without {service}",
                "critical_functions": f"{head} {int(c.value)} critical function(s) are lost: "
                f"{names}",
                "hindrance_hours": f"{head} of {num(c.value)} travel hours hindered "
                f"(detour or loss) in {service}",
                "economic_loss": f"{head} the economic loss is EUR {num(c.value)}",
            }
        return sentences[c.name]

    def _shortfall_text(
        self, c: Criterion, nl: bool, name: str, service: str, num: Callable[[float], str]
    ) -> str:
        """The reason when people refused or years short set the class."""
        sf = self.shortfall
        if c.name == "people_refused":
            if nl:
                return (
                    f"klasse {self.cls} ({name}) omdat {num(c.value)} mensen (nieuwe woningen, "
                    f"banen, woningen die overstappen) in {sf.year} niet op {service} kunnen "
                    "worden aangesloten: het tekort komt voordat een versterking klaar kan zijn"
                )
            return (
                f"class {self.cls} ({name}) because {num(c.value)} people (new homes, jobs, "
                f"homes switching) cannot be connected to {service} in {sf.year}: the "
                "shortfall comes before a reinforcement can be ready"
            )
        row = sf.decisive
        if row is None:  # thresholds that class zero years short above A
            return f"{'klasse' if nl else 'class'} {self.cls} ({name})"
        years = int(c.value)

        def dec(value: float) -> str:
            text = f"{value:g}"
            return text.replace(".", ",") if nl else text

        if nl:
            return (
                f"klasse {self.cls} ({name}) omdat {row.name} vanaf {row.first_year} te weinig "
                f"capaciteit voor {service} heeft: {years} jaar tekort voordat een versterking "
                f"waartoe nu besloten wordt klaar kan zijn in {dec(row.ready_year)} "
                f"(doorlooptijd {dec(row.lead_time_y)} jaar)"
            )
        return (
            f"class {self.cls} ({name}) because {row.name} has too little {service} capacity "
            f"from {row.first_year}: {years} year{'' if years == 1 else 's'} short before a "
            f"reinforcement decided now can be ready in {dec(row.ready_year)} (lead time "
            f"{dec(row.lead_time_y)} years)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "class": self.cls,
            "class_name": self.class_names[self.cls]["en"],
            "decisive": self.decisive,
            "reason": self.reason_text("en"),
            "reason_nl": self.reason_text("nl"),
            "horizon_h": self.horizon_h,
            "criteria": {
                c.name: {
                    "value": c.value,
                    "class": c.cls,
                    "service": c.service,
                    "duration_h": c.duration_h,
                }
                for c in self.criteria
            },
            "people_affected": self.people_affected,
            "people_by_service": self.people_by_service,
            "person_hours": self.person_hours,
            "hindrance_hours": self.hindrance_hours,
            "longest_outage_h": self.longest_outage_h,
            "critical_functions_lost": [
                {
                    "id": f.id,
                    "name": f.name,
                    "name_nl": f.name_nl,
                    "category": f.category,
                    "fail_time_h": f.fail_time_h,
                    "resource": f.resource,
                }
                for f in self.critical_functions_lost
            ],
            "economic_loss_eur": self.economic_loss_eur,
            "shortfall": self.shortfall.as_dict(),
        }


def hindrance_services(
    compiled: CompiledModel, thresholds: dict[str, Any] | None = None
) -> NDArray[np.bool_]:
    """Per resource of ``compiled``, whether its loss or detour counts as hindrance
    (``impact.yaml``, ``hindrance_services``)."""
    spec = thresholds if thresholds is not None else load_data("impact")
    names = set(spec.get("hindrance_services", ()))
    return np.asarray([r in names for r in compiled.resource_ids], dtype=np.bool_)


def assess_impact(
    model: Model,
    compiled: CompiledModel,
    result: CascadeResult,
    *,
    thresholds: dict[str, Any] | None = None,
    lost_hours: NDArray[np.float64] | None = None,
    lost_share: NDArray[np.float64] | None = None,
    destroyed: set[str] | None = None,
    shortfall: Shortfall | None = None,
) -> Impact:
    """Classify what ``result`` does to people, critical functions and the economy.

    A service area is without resource ``r`` from ``supply_end + buffer`` of its requirement
    (the buffer being what households bridge themselves); it counts as *affected* when that
    lasts at least ``min_outage_h`` within the horizon. People count by connection: for a
    service the area's people behind its connections to it (``ServiceArea.people_for``: the
    homes on the heat network, not every home); an area's people affected are those behind
    the most widely connected service it lost. Person-hours are those people times hours
    without the service, per service. With ``lost_hours`` (per pair, the hours without
    the service within the horizon, from a process with restoration) the hours are those,
    up to restoration; without, every loss lasts to the horizon. A critical function is lost
    when it fails within the horizon (after its own buffers). Economic loss is jobs times the
    longest outage of any service in their area times the value added per job-hour, plus the
    replacement cost of the components a hazard (or a common cause) destroyed.

    ``shortfall`` (:func:`~vitaal.method.shortfall.assess_shortfall`, for a scenario with
    growth or transitions) adds two criteria: the people refused a connection at one time,
    and the most years short, each classed on its bounds.

    Complexity: O(pairs + nodes).
    """
    spec = thresholds if thresholds is not None else load_data("impact")
    crit = spec["criteria"]
    horizon = float(result.horizon_h)
    min_outage = float(spec.get("min_outage_h", 1.0))
    res_ids = result.resource_ids

    hindrance = set(spec.get("hindrance_services", ()))
    travel = travel_share(spec)
    people_by_service: dict[str, int] = {}
    person_hours: dict[str, float] = {}
    hindrance_hours: dict[str, float] = {}
    longest: dict[str, float] = {}
    affected = 0
    job_hours = 0.0
    end = np.where(np.isnan(result.supply_end), np.inf, result.supply_end)
    for area in model.areas.values():
        v = compiled.node_index[area.id]
        lo, hi = np.searchsorted(result.pair_node, [v, v + 1])
        worst = 0.0
        hit = 0  # the people of the area behind the most widely connected lost service
        for p in range(int(lo), int(hi)):
            start = float(end[p]) + float(compiled.pair_buffer_h[p])
            if lost_hours is not None:
                hours = float(lost_hours[p])
                if hours <= 0:
                    continue
            elif not math.isfinite(start) or start >= horizon:
                continue
            else:
                hours = horizon - start
            r = res_ids[int(result.pair_resource[p])]
            connected = area.people_for(r)
            # a share of the area (behind the feeds that failed) for the hours it lasted
            share = float(lost_share[p]) if lost_share is not None else 1.0
            people = round(connected * share)
            span = hours / share if share > 0 else 0.0
            longest[r] = max(longest.get(r, 0.0), span)
            if r in hindrance:
                hindrance_hours[r] = hindrance_hours.get(r, 0.0) + connected * hours * travel
                continue
            person_hours[r] = person_hours.get(r, 0.0) + connected * hours
            if span >= min_outage:
                people_by_service[r] = people_by_service.get(r, 0) + people
                hit = max(hit, people)
            worst = max(worst, span)
        affected += hit
        job_hours += area.jobs * worst

    lost: list[LostFunction] = []
    for cf in model.critical_functions.values():
        v = compiled.node_index[cf.id]
        t = float(result.fail_time[v])
        if math.isfinite(t) and t < horizon:
            ri = int(result.cause_resource[v])
            lost.append(
                LostFunction(
                    cf.id, cf.name, cf.category, t, res_ids[ri] if ri >= 0 else None, cf.name_nl
                )
            )
    lost.sort(key=lambda f: (f.fail_time_h, f.id))

    damage = 0.0
    physical = (CauseCode.HAZARD, CauseCode.COMMON_CAUSE)
    for comp in model.components.values():
        v = compiled.node_index[comp.id]
        hit = comp.id in destroyed if destroyed is not None else int(result.cause[v]) in physical
        if hit and comp.replacement_cost_eur:
            damage += comp.replacement_cost_eur
    economic = job_hours * float(spec["value_added_per_job_hour_eur"]) + damage

    # the service that affects the most people decides the people criterion's wording
    top_service = max(people_by_service, key=lambda r: people_by_service[r], default=None)
    top_hours = max(person_hours, key=lambda r: person_hours[r], default=None)
    criteria = [
        Criterion(
            "people_affected",
            float(affected),
            class_of(affected, crit["people_affected"]["bounds"]),
            top_service,
            longest.get(top_service) if top_service else None,
        ),
        Criterion(
            "person_hours",
            person_hours.get(top_hours, 0.0) if top_hours else 0.0,
            class_of(
                person_hours.get(top_hours, 0.0) if top_hours else 0.0,
                crit["person_hours"]["bounds"],
            ),
            top_hours,
        ),
    ]
    top_hindrance = max(hindrance_hours, key=lambda r: hindrance_hours[r], default=None)
    if "hindrance_hours" in crit:
        value = hindrance_hours.get(top_hindrance, 0.0) if top_hindrance else 0.0
        criteria.append(
            Criterion(
                "hindrance_hours",
                value,
                class_of(value, crit["hindrance_hours"]["bounds"]),
                top_hindrance,
            )
        )
    cf_class = class_of(len(lost), crit["critical_functions"]["bounds"])
    floors = crit["critical_functions"].get("category_floor", {})
    for f in lost:
        if f.category in floors:
            cf_class = _max_class(cf_class, str(floors[f.category]))
    criteria.append(
        Criterion(
            "critical_functions",
            float(len(lost)),
            cf_class,
            detail=", ".join(f"{f.name} after {f.fail_time_h:g} h" for f in lost[:5])
            + (f" and {len(lost) - 5} more" if len(lost) > 5 else ""),
        )
    )
    criteria.append(
        Criterion("economic_loss", economic, class_of(economic, crit["economic_loss"]["bounds"]))
    )
    sf = shortfall if shortfall is not None else Shortfall.none()
    criteria += _shortfall_criteria(sf, crit)
    overall = "A"
    decisive = criteria[0].name
    for c in criteria:
        if CLASSES.index(c.cls) > CLASSES.index(overall):
            overall, decisive = c.cls, c.name
    return Impact(
        horizon_h=horizon,
        people_affected=affected,
        people_by_service=people_by_service,
        person_hours=person_hours,
        hindrance_hours=hindrance_hours,
        longest_outage_h=longest,
        critical_functions_lost=tuple(lost),
        economic_loss_eur=economic,
        criteria=tuple(criteria),
        cls=overall,
        decisive=decisive,
        class_names={k: dict(v) for k, v in spec["classes"].items()},
        service_names={
            r.id: {"en": r.name.lower(), "nl": (r.name_nl or r.name).lower()}
            for r in model.resources.values()
        },
        shortfall=sf,
    )


def _shortfall_criteria(sf: Shortfall, crit: dict[str, Any]) -> list[Criterion]:
    """People refused and years short, classed where ``crit`` has them."""
    out = []
    if "people_refused" in crit:
        value = float(sf.people_refused)
        out.append(
            Criterion(
                "people_refused",
                value,
                class_of(value, crit["people_refused"]["bounds"]),
                sf.service,
            )
        )
    if "years_short" in crit:
        row = sf.decisive
        value = float(sf.years_short)
        out.append(
            Criterion(
                "years_short",
                value,
                class_of(value, crit["years_short"]["bounds"]),
                row.resource if row else None,
                detail=row.component if row else None,
            )
        )
    return out
