"""Benefit and cost of an option, discounted: what it costs, what it buys, and their ratio.

The figures are data (``vitaal/data/economics.yaml``, or a file of that form): the discount
rate, the horizon in years, and what an hour without a service, a travel hour of hindrance
and an hour a critical function is down are worth.

The rules (``docs/interventions.md``, "Benefit and cost"), in whole years counted from the
base year (year 0):

- the investment is paid in year 0, when the decision is taken;
- an option works from the year after its lead time (rounded up to whole years, ``L``) for
  its lifetime (rounded down, ``N``; no lifetime: to the horizon): years ``L + 1`` to
  ``L + N``, and never beyond the horizon ``H``;
- in each year it works it costs its yearly cost and buys its annual benefit (the expected
  annual losses it takes away, in euros);
- year ``t`` is discounted by ``(1 + r) ** -t``; nothing is counted after the horizon (no
  residual value).

A portfolio of options pays each option's costs over that option's own years and buys the
portfolio's annual benefit in the years all of its options work.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vitaal.catalog import load_data
from vitaal.errors import ScenarioError
from vitaal.model.records import Intervention

__all__ = [
    "VALUES",
    "BenefitCost",
    "Economics",
    "benefit_cost",
    "discount_sum",
    "load_economics",
    "working_years",
]

#: the values an economics file gives, in euros per hour
VALUES = ("person_hour_eur", "hindrance_hour_eur", "critical_function_hour_eur")


@dataclass(frozen=True, slots=True)
class Economics:
    """The discount rate, the horizon (years) and the values of an hour (:data:`VALUES`),
    with where each comes from (``sources``: per name, its origin and ref or why)."""

    discount_rate: float
    horizon_y: int
    values: dict[str, float]
    sources: dict[str, dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "discount_rate": self.discount_rate,
            "horizon_y": self.horizon_y,
            "values": dict(self.values),
            "sources": {k: dict(v) for k, v in self.sources.items()},
        }


def _entry(data: Mapping[str, Any], name: str, where: str) -> tuple[float, dict[str, str]]:
    raw = data.get(name)
    if not isinstance(raw, Mapping) or "value" not in raw:
        raise ScenarioError(f"{where}: '{name}' needs a 'value' (and its origin and ref or why)")
    try:
        value = float(raw["value"])
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}: '{name}' is not a number: {raw['value']!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ScenarioError(f"{where}: '{name}' must be a number >= 0, not {value}")
    source = {k: str(v).strip() for k, v in raw.items() if k in ("origin", "ref", "why")}
    return value, source


def load_economics(path: str | Path | None = None) -> Economics:
    """The economics of the packaged ``economics.yaml``, or of the file at ``path`` (a
    :class:`ScenarioError` naming what is wrong with it)."""
    if path is None:
        data: Any = load_data("economics")
        where = "vitaal/data/economics.yaml"
    else:
        from vitaal.errors import ModelError
        from vitaal.io.yamlfile import read_yaml_file

        where = str(path)
        try:
            data = read_yaml_file(Path(path))
        except ModelError as exc:
            raise ScenarioError("; ".join(str(p) for p in exc.problems)) from exc
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{where}: expected a mapping (discount_rate, horizon_y, values)")
    rate, rate_src = _entry(data, "discount_rate", where)
    horizon, horizon_src = _entry(data, "horizon_y", where)
    if horizon < 1 or horizon != int(horizon):
        raise ScenarioError(f"{where}: 'horizon_y' must be a whole number of years >= 1")
    raw_values = data.get("values")
    if not isinstance(raw_values, Mapping):
        raise ScenarioError(f"{where}: 'values' must map {', '.join(VALUES)} to their values")
    unknown = sorted(set(map(str, raw_values)) - set(VALUES))
    if unknown:
        raise ScenarioError(f"{where}: unknown value(s) {', '.join(unknown)}")
    values: dict[str, float] = {}
    sources = {"discount_rate": rate_src, "horizon_y": horizon_src}
    for name in VALUES:
        values[name], sources[name] = _entry(raw_values, name, f"{where}: values")
    return Economics(rate, int(horizon), values, sources)


def working_years(lead_time_y: float, lifetime_y: float | None, horizon_y: int) -> range:
    """The years (counted from the base year, 0) in which an option works: from the year after
    its lead time (rounded up) for its lifetime (rounded down), within the horizon.

    >>> list(working_years(1.5, 3, 50))
    [3, 4, 5]
    >>> list(working_years(0, None, 3))
    [1, 2, 3]
    """
    start = math.ceil(lead_time_y - 1e-9) + 1
    end = horizon_y if lifetime_y is None else min(horizon_y, start - 1 + math.floor(lifetime_y))
    return range(start, end + 1)


def discount_sum(years: Sequence[int] | range, rate: float) -> float:
    """The sum of ``(1 + rate) ** -t`` over ``years``: what a euro a year in those years is
    worth in year 0.

    >>> round(discount_sum(range(1, 3), 0.1), 6)  # 1/1.1 + 1/1.21
    1.735537
    """
    return float(sum((1.0 + rate) ** -t for t in years))


@dataclass(frozen=True, slots=True)
class BenefitCost:
    """The discounted benefit and cost of an option or a portfolio of options.

    ``annual_benefit_eur``: the expected annual losses it takes away, in euros;
    ``benefit_years``: the years it buys that benefit; ``pv_benefit_eur`` and ``pv_cost_eur``
    (investment plus discounted yearly costs): their present values; ``npv_eur`` their
    difference; ``ratio``: benefit over cost (``None`` when nothing is paid or an investment
    is unknown); ``investment_eur`` (``None``: unknown for one of them)."""

    annual_benefit_eur: float
    investment_eur: float | None
    yearly_cost_eur: float
    benefit_years: tuple[int, int] | None
    pv_benefit_eur: float
    pv_cost_eur: float | None
    npv_eur: float | None
    ratio: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "annual_benefit_eur": self.annual_benefit_eur,
            "investment_eur": self.investment_eur,
            "yearly_cost_eur": self.yearly_cost_eur,
            "benefit_years": list(self.benefit_years) if self.benefit_years else None,
            "pv_benefit_eur": self.pv_benefit_eur,
            "pv_cost_eur": self.pv_cost_eur,
            "npv_eur": self.npv_eur,
            "benefit_cost_ratio": self.ratio,
        }


def benefit_cost(
    options: Sequence[Intervention], annual_benefit_eur: float, economics: Economics
) -> BenefitCost:
    """The benefit and cost of taking ``options`` together, buying ``annual_benefit_eur`` a
    year in the years all of them work (the module's rules).

    Complexity: O(options x horizon).
    """
    r, h = economics.discount_rate, economics.horizon_y
    pv_cost: float | None = 0.0
    investment: float | None = 0.0
    yearly = 0.0
    first, last = 1, h
    for iv in options:
        years = working_years(iv.lead_time_y, iv.lifetime_y, h)
        first = max(first, years.start)
        last = min(last, years.stop - 1)
        yearly += iv.yearly_cost_eur
        if iv.investment_eur is None:
            investment = pv_cost = None
            continue
        if investment is not None and pv_cost is not None:
            investment += iv.investment_eur
            pv_cost += iv.investment_eur + iv.yearly_cost_eur * discount_sum(years, r)
    together = range(first, last + 1)
    pv_benefit = annual_benefit_eur * discount_sum(together, r)
    npv = None if pv_cost is None else pv_benefit - pv_cost
    ratio = None if pv_cost is None or pv_cost <= 0 else pv_benefit / pv_cost
    return BenefitCost(
        annual_benefit_eur=annual_benefit_eur,
        investment_eur=investment,
        yearly_cost_eur=yearly,
        benefit_years=(first, last) if len(together) else None,
        pv_benefit_eur=pv_benefit,
        pv_cost_eur=pv_cost,
        npv_eur=npv,
        ratio=ratio,
    )
