"""Field parsers: raw values from YAML or CSV cells into typed values, or a clear error.

Each parser takes the raw value (a YAML scalar, list or mapping, or the text of a CSV cell)
and returns the typed value, or raises :class:`FieldError` saying what was found and what was
expected. Writers use the matching ``dump_*`` and ``cell_*`` functions so that reading back
gives the same value.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

import shapely
from shapely.errors import ShapelyError

from vitaal.model.units import Quantity, UnitError, format_number, parse_quantity

ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,199}$")
E = TypeVar("E", bound=Enum)
T = TypeVar("T")


class FieldError(ValueError):
    """A raw value that does not fit its field."""

    def __init__(self, found: str, expected: str) -> None:
        super().__init__(f"found {found}, expected {expected}")
        self.found = found
        self.expected = expected


def show(value: Any) -> str:
    """How a found value is quoted in a problem message."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# -- scalars --------------------------------------------------------------------------------
def parse_text(value: Any) -> str:
    if isinstance(value, bool | Mapping | list):
        raise FieldError(show(value), "text")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format_number(value)
    return str(value).strip()


def parse_id(value: Any) -> str:
    text = parse_text(value) if not isinstance(value, Mapping | list) else None
    if text is None or not ID_PATTERN.match(text):
        raise FieldError(
            show(value), "an id of letters, digits, '_', '-' and '.' (no spaces, at most 200)"
        )
    return text


#: Longest text read as a whole number (Python refuses to convert more than 4,300 digits).
_MAX_DIGITS = 100


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise FieldError(show(value), "a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if len(text) > _MAX_DIGITS:
            raise FieldError(show(value), f"a whole number of at most {_MAX_DIGITS} digits")
        if re.fullmatch(r"[-+]?\d+", text):
            return int(text)
        if re.fullmatch(r"[-+]?\d+\.0*", text):
            return int(float(text))
    raise FieldError(show(value), "a whole number")


def parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise FieldError(show(value), "a number")
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip().replace(",", "."))
        except ValueError:
            raise FieldError(show(value), "a number") from None
    else:
        raise FieldError(show(value), "a number")
    if not math.isfinite(result):
        raise FieldError(show(value), "a finite number")
    return result


def parse_nonneg(value: Any) -> float:
    result = parse_float(value)
    if result < 0:
        raise FieldError(show(value), "a number >= 0")
    return result


def parse_count(value: Any) -> int:
    result = parse_int(value)
    if result < 0:
        raise FieldError(show(value), "a whole number >= 0")
    return result


def parse_positive_int(value: Any) -> int:
    result = parse_int(value)
    if result < 1:
        raise FieldError(show(value), "a whole number >= 1")
    return result


def parse_year(value: Any) -> int:
    try:
        year = parse_int(value)
    except FieldError:
        raise FieldError(show(value), "a year (1000-2300)") from None
    if not 1000 <= year <= 2300:
        raise FieldError(show(value), "a year (1000-2300)")
    return year


def parse_condition(value: Any) -> int:
    try:
        score = parse_int(value)
    except FieldError:
        raise FieldError(show(value), "a NEN 2767 condition score 1-6") from None
    if not 1 <= score <= 6:
        raise FieldError(show(value), "a NEN 2767 condition score 1-6")
    return score


def parse_share(value: Any) -> float:
    share = parse_float(value)
    if not 0.0 <= share <= 1.0:
        raise FieldError(show(value), "a share between 0 and 1")
    return share


_TRUE = {"true", "yes", "y", "1", "ja", "j"}
_FALSE = {"false", "no", "n", "0", "nee"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(show(value), "true or false")


def enum_parser(enum: type[E]) -> Callable[[Any], E]:
    choices = ", ".join(e.value for e in enum)

    def parse(value: Any) -> E:
        text = str(value).strip() if not isinstance(value, Mapping | list) else None
        for member in enum:
            if member.value == text:
                return member
        raise FieldError(show(value), f"one of {choices}")

    return parse


def parse_quantity_field(value: Any) -> Quantity:
    if isinstance(value, Mapping | list | bool) or is_blank(value):
        raise FieldError(show(value), "a number and a unit, like '40 MW'")
    try:
        return parse_quantity(str(value))
    except UnitError as exc:
        raise FieldError(show(value), f"a number and a known unit, like '40 MW' ({exc})") from None


def dump_quantity(q: Quantity) -> str:
    return str(q)


# -- structured values ----------------------------------------------------------------------
def split_cell_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def split_cell_mapping(text: str) -> dict[str, str]:
    """``"a: 1 MW; b: 2 MW"`` -> ``{"a": "1 MW", "b": "2 MW"}``."""
    out: dict[str, str] = {}
    for part in split_cell_list(text):
        key, sep, val = part.partition(":")
        if not sep or not key.strip():
            raise FieldError(show(text), "'key: value' pairs separated by ';'")
        if key.strip() in out:
            raise FieldError(show(text), f"key '{key.strip()}' once")
        out[key.strip()] = val.strip()
    return out


def list_parser(item: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    def parse(value: Any) -> tuple[T, ...]:
        if isinstance(value, str):
            items: list[Any] = split_cell_list(value)
        elif isinstance(value, list):
            items = value
        else:
            raise FieldError(show(value), "a list")
        return tuple(item(v) for v in items)

    return parse


def mapping_parser(
    key: Callable[[Any], Any], val: Callable[[Any], T]
) -> Callable[[Any], dict[Any, T]]:
    def parse(value: Any) -> dict[Any, T]:
        if isinstance(value, str):
            raw: Mapping[Any, Any] = split_cell_mapping(value)
        elif isinstance(value, Mapping):
            raw = value
        else:
            raise FieldError(show(value), "a mapping")
        out: dict[Any, T] = {}
        for k, v in raw.items():
            parsed_key = key(k)
            if parsed_key in out:
                raise FieldError(show(k), "each key once")
            out[parsed_key] = val(v)
        return out

    return parse


def cell_list(items: tuple[Any, ...]) -> str:
    return "; ".join(str(i) for i in items)


def cell_mapping(mapping: Mapping[Any, Any]) -> str:
    return "; ".join(f"{k}: {_cell_scalar(v)}" for k, v in mapping.items())


def _cell_scalar(value: Any) -> str:
    if isinstance(value, Quantity):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)


# -- geometry -------------------------------------------------------------------------------
def normalise_wkt(geometry: Any) -> str:
    """WKT text as vitaal writes it: coordinates rounded to the millimetre."""
    text: str = shapely.to_wkt(geometry, rounding_precision=3, trim=True)
    return text


def parse_geometry(value: Any) -> str:
    if not isinstance(value, str) or is_blank(value):
        raise FieldError(show(value), "a WKT geometry, like 'POINT (92500 437500)'")
    try:
        geom = shapely.from_wkt(value.strip())
    except (ShapelyError, ValueError, TypeError):
        raise FieldError(show(value), "a WKT geometry, like 'POINT (92500 437500)'") from None
    if geom is None or geom.is_empty:
        raise FieldError(show(value), "a non-empty geometry")
    return normalise_wkt(geom)


def point_wkt(x: float, y: float) -> str:
    return normalise_wkt(shapely.Point(x, y))
