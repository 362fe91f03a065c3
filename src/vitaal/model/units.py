"""Quantities with units, and the check that two quantities can meet.

Units and their dimensions are data (``vitaal/data/units.yaml``). A quantity is written as
text, a number then a unit: ``"40 MW"``, ``"1.2e6 EUR"``, ``"350 m3/h"``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from vitaal.catalog import data_mapping

_QTY = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(\S+)?\s*$")


class UnitError(ValueError):
    """Text that is not a quantity, or a unit vitaal does not know."""


def known_units() -> tuple[str, ...]:
    return tuple(data_mapping("units", "units"))


def dimension_of(unit: str) -> str:
    """The dimension of a unit (``"MW"`` -> ``"power"``); :class:`UnitError` if unknown."""
    spec = data_mapping("units", "units").get(unit)
    if spec is None:
        raise UnitError(f"unknown unit '{unit}'")
    return str(spec["dimension"])


def factor_of(unit: str) -> float:
    spec = data_mapping("units", "units").get(unit)
    if spec is None:
        raise UnitError(f"unknown unit '{unit}'")
    return float(spec["factor"])


def compatible(a: str, b: str) -> bool:
    """Whether quantities in units ``a`` and ``b`` measure the same thing."""
    return dimension_of(a) == dimension_of(b)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value with a unit, e.g. ``Quantity(40.0, "MW")``."""

    value: float
    unit: str

    def to(self, unit: str) -> float:
        """This quantity's value in another unit of the same dimension.

        >>> Quantity(2.5, "MW").to("kW")
        2500.0
        """
        if not compatible(self.unit, unit):
            raise UnitError(
                f"cannot convert {self.unit} ({dimension_of(self.unit)}) "
                f"to {unit} ({dimension_of(unit)})"
            )
        return self.value * factor_of(self.unit) / factor_of(unit)

    def __str__(self) -> str:
        return f"{format_number(self.value)} {self.unit}"


def format_number(value: float) -> str:
    """A number as short text that reads back to the same float."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def parse_quantity(text: str, default_unit: str | None = None) -> Quantity:
    """Read ``"40 MW"`` into a :class:`Quantity`.

    A bare number takes ``default_unit`` when one is given. Decimal commas are accepted.

    >>> parse_quantity("350 m3/h")
    Quantity(value=350.0, unit='m3/h')
    """
    m = _QTY.match(str(text))
    if not m:
        raise UnitError(f"'{text}' is not a number followed by a unit")
    value = float(m.group(1).replace(",", "."))
    unit = m.group(2) or default_unit
    if unit is None:
        raise UnitError(f"'{text}' has no unit")
    dimension_of(unit)
    if not math.isfinite(value):
        raise UnitError(f"'{text}' is not a finite number")
    return Quantity(value, unit)
