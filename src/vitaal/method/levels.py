"""Levels by stake: strategic, tactical or operational from a decision's reach
(``vitaal/data/levels.yaml``): its consequence class, its money, its lead time and the
organisations it involves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vitaal.catalog import load_data
from vitaal.method.impact import CLASSES
from vitaal.method.stake import cost_class
from vitaal.model.enums import Level

__all__ = ["LevelRule", "Reach", "level_by_stake", "level_rule"]

_WHAT = {
    "consequence": ("consequence class {v}", "gevolgklasse {v}"),
    "cost": ("money of class {v}", "geld van klasse {v}"),
    "lead_time_y": ("a lead time of {v:g} years", "een doorlooptijd van {v:g} jaar"),
    "organisations": ("{v} organisations involved", "{v} organisaties betrokken"),
}
_LEVEL_NL = {"strategic": "strategisch", "tactical": "tactisch", "operational": "operationeel"}


@dataclass(frozen=True, slots=True)
class Reach:
    """What a decision reaches: its consequence class, money (EUR, ``None``: unknown), lead
    time (years, ``None``: unknown) and the organisations it involves."""

    consequence: str
    cost_eur: float | None
    lead_time_y: float | None
    organisations: int


@dataclass(frozen=True, slots=True)
class LevelRule:
    """``levels.yaml`` as read: per level its bounds (any reached is enough)."""

    strategic: Mapping[str, Any]
    tactical: Mapping[str, Any]

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> LevelRule:
        for level in ("strategic", "tactical"):
            for key, value in spec[level].items():
                if key not in _WHAT:
                    raise ValueError(f"levels.yaml: unknown bound '{level}.{key}'")
                if key in ("consequence", "cost") and value not in CLASSES:
                    raise ValueError(f"levels.yaml: {level}.{key} must be one of {CLASSES}")
        return cls(strategic=spec["strategic"], tactical=spec["tactical"])


@lru_cache(maxsize=1)
def level_rule() -> LevelRule:
    """The packaged rule, read once per process."""
    return LevelRule.from_spec(load_data("levels"))


def _reached(bounds: Mapping[str, Any], reach: Reach) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for key, bound in bounds.items():
        if key == "consequence":
            value: Any = reach.consequence
            hit = CLASSES.index(value) >= CLASSES.index(bound)
        elif key == "cost":
            value = cost_class(reach.cost_eur)
            hit = CLASSES.index(value) >= CLASSES.index(bound)
        elif key == "lead_time_y":
            value = reach.lead_time_y
            hit = value is not None and value >= float(bound)
        else:
            value = reach.organisations
            hit = value >= int(bound)
        if hit:
            found.append((key, value))
    return found


def level_by_stake(reach: Reach, rule: LevelRule | None = None) -> tuple[Level, dict[str, str]]:
    """The level of a decision with ``reach``, and why (``{en, nl}``).

    >>> level_by_stake(Reach("A", 1.75e9, 6, 1))[0].value
    'strategic'
    >>> level_by_stake(Reach("B", 1e6, 1, 2))[1]["en"]
    'tactical: 2 organisations involved'
    >>> level_by_stake(Reach("B", 1e6, 1, 1))[0].value
    'operational'
    """
    r = rule if rule is not None else level_rule()
    for level, bounds in ((Level.STRATEGIC, r.strategic), (Level.TACTICAL, r.tactical)):
        found = _reached(bounds, reach)
        if found:
            en = ", ".join(_WHAT[k][0].format(v=v) for k, v in found)
            nl = ", ".join(_WHAT[k][1].format(v=v) for k, v in found)
            return level, {"en": f"{level.value}: {en}", "nl": f"{_LEVEL_NL[level.value]}: {nl}"}
    return Level.OPERATIONAL, {
        "en": "operational: no bound of levels.yaml reached",
        "nl": "operationeel: geen grens van levels.yaml bereikt",
    }
