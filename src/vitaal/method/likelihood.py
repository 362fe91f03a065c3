"""Expected annual impact: how often a scenario happens, times what it does.

A scenario carries its likelihood as a return period (``return_period_y``: once in T years,
an annual frequency of ``1 / T``) or as a likelihood class of the national risk assessment
(``likelihood_class``, ``vitaal/data/likelihood.yaml``: the probability that it happens
within five years, in five classes; a class stands for the frequency of the geometric middle
of its bounds). What one occurrence does is read from a scenario run (:class:`Losses`):
person-hours without a service, people affected, hours critical functions are down, travel
hours of hindrance and the economic loss, and the person-hours per system. The expected
annual impact is the frequency times the losses, summed over scenarios; an ensemble's
expected annual impact (:mod:`vitaal.engine.ensemble`) is the same sum over its sampled
scenarios, each weighted by its annual frequency.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vitaal.catalog import load_data
from vitaal.engine.compile import NodeKind
from vitaal.method.scenario_run import ScenarioRun
from vitaal.model.model import Model
from vitaal.model.records import Scenario

__all__ = [
    "MEASURES",
    "Likelihood",
    "Losses",
    "class_frequency",
    "losses_of",
    "scenario_likelihood",
    "service_systems",
]

#: the measures of :class:`Losses`, in the order they are shown
MEASURES = (
    "person_hours",
    "people_affected",
    "critical_function_hours",
    "hindrance_hours",
    "economic_loss_eur",
)


def class_frequency(cls: str, spec: Mapping[str, Any] | None = None) -> float:
    """The annual frequency a likelihood class stands for: the geometric middle ``p`` of its
    bounds on the probability within the period (five years), as a rate ``-ln(1 - p) / period``.

    >>> round(class_frequency("C"), 6)  # 0.5 % to 5 % in five years
    0.003188
    """
    data = spec if spec is not None else load_data("likelihood")
    entry = data["classes"][cls]
    p = math.sqrt(float(entry["from"]) * float(entry["to"]))
    return -math.log1p(-p) / float(data["period_y"])


@dataclass(frozen=True, slots=True)
class Likelihood:
    """How often a scenario happens: ``frequency_per_year``, and what it was read from."""

    frequency_per_year: float
    return_period_y: float | None
    likelihood_class: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "frequency_per_year": self.frequency_per_year,
            "return_period_y": self.return_period_y,
            "likelihood_class": self.likelihood_class,
        }


def scenario_likelihood(scenario: Scenario) -> Likelihood | None:
    """The scenario's likelihood; ``None`` when it gives none.

    >>> scenario_likelihood(Scenario(id="s", name="S", return_period_y=50)).frequency_per_year
    0.02
    """
    if scenario.return_period_y is not None:
        return Likelihood(1.0 / scenario.return_period_y, scenario.return_period_y, None)
    if scenario.likelihood_class is not None:
        f = class_frequency(scenario.likelihood_class)
        return Likelihood(f, None, scenario.likelihood_class)
    return None


@dataclass(frozen=True, slots=True)
class Losses:
    """What happens, once or as expected a year: person-hours without a service (hindrance
    left out), people affected, hours critical functions are down within the horizon, travel
    hours of hindrance, economic loss in euros, and the person-hours per system (that of the
    suppliers of the service)."""

    person_hours: float = 0.0
    people_affected: float = 0.0
    critical_function_hours: float = 0.0
    hindrance_hours: float = 0.0
    economic_loss_eur: float = 0.0
    by_system: dict[str, float] = field(default_factory=dict)

    def scaled(self, factor: float) -> Losses:
        return Losses(
            **{m: getattr(self, m) * factor for m in MEASURES},
            by_system={s: v * factor for s, v in self.by_system.items()},
        )

    def __add__(self, other: Losses) -> Losses:
        systems = dict(self.by_system)
        for s, v in other.by_system.items():
            systems[s] = systems.get(s, 0.0) + v
        return Losses(
            **{m: getattr(self, m) + getattr(other, m) for m in MEASURES}, by_system=systems
        )

    def __sub__(self, other: Losses) -> Losses:
        return self + other.scaled(-1.0)

    def money(self, values: Mapping[str, float]) -> float:
        """The losses in euros: the economic loss plus person-hours, hindrance hours and
        critical-function hours at ``values`` (``person_hour_eur``, ``hindrance_hour_eur``,
        ``critical_function_hour_eur``)."""
        return (
            self.economic_loss_eur
            + self.person_hours * float(values["person_hour_eur"])
            + self.hindrance_hours * float(values["hindrance_hour_eur"])
            + self.critical_function_hours * float(values["critical_function_hour_eur"])
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {m: getattr(self, m) for m in MEASURES}
        out["person_hours_by_system"] = dict(sorted(self.by_system.items()))
        return out

    @staticmethod
    def total(parts: Iterable[Losses]) -> Losses:
        out = Losses()
        for p in parts:
            out = out + p
        return out


def service_systems(model: Model) -> dict[str, str]:
    """Per resource, the system that delivers it: that of most of its suppliers."""
    counts: dict[str, Counter[str]] = {}
    for link in model.supply.values():
        s = model.system_of(link.supplier)
        if s is not None:
            counts.setdefault(link.resource, Counter())[s] += 1
    return {r: c.most_common(1)[0][0] for r, c in counts.items()}


def losses_of(model: Model, run: ScenarioRun, systems: Mapping[str, str] | None = None) -> Losses:
    """What one occurrence of the scenario of ``run`` does, from its impact (people,
    person-hours and hindrance up to restoration, economic loss) and its process (the hours
    each critical function delivered nothing within the horizon)."""
    imp = run.impact
    cm = run.compiled
    down = run.process.hours_down()
    cf = np.flatnonzero(cm.node_kind == NodeKind.CRITICAL_FUNCTION)
    by_service = systems if systems is not None else service_systems(model)
    by_system: dict[str, float] = {}
    for r, ph in imp.person_hours.items():
        s = by_service.get(r, r)
        by_system[s] = by_system.get(s, 0.0) + float(ph)
    return Losses(
        person_hours=float(sum(imp.person_hours.values())),
        people_affected=float(imp.people_affected),
        critical_function_hours=float(down[cf].sum()) if cf.size else 0.0,
        hindrance_hours=float(sum(imp.hindrance_hours.values())),
        economic_loss_eur=float(imp.economic_loss_eur),
        by_system=by_system,
    )
