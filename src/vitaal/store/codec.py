"""Records to and from the plain JSON kept in the store.

Records use the lossless plain form of :mod:`vitaal.io.tables`; the model's description
(:class:`ModelInfo`) is kept under the kind :data:`~vitaal.store.schema.INFO_KIND` in the form
of ``model.yaml``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vitaal.errors import Loc, StoreError
from vitaal.io.tables import TABLES, dump_info, dump_record, parse_record
from vitaal.model.diff import record_field_changes
from vitaal.model.model import RECORD_KINDS
from vitaal.model.records import Horizons, ModelInfo
from vitaal.store.schema import INFO_KEY, INFO_KIND

#: Every kind the store keeps: the record kinds and the model info.
STORED_KINDS: tuple[str, ...] = (INFO_KIND, *RECORD_KINDS)


def record_class(kind: str) -> type:
    return ModelInfo if kind == INFO_KIND else TABLES[kind].cls


def key_of(kind: str, record: Any) -> str:
    """The key under which ``record`` of ``kind`` is kept."""
    return INFO_KEY if kind == INFO_KIND else str(TABLES[kind].key(record))


def dump(kind: str, record: Any) -> dict[str, Any]:
    """The JSON form of a record of ``kind`` (or of the model info), exactly as the store
    gives it back (mapping keys are text in JSON), so that stored and new forms compare."""
    data = dump_info(record) if kind == INFO_KIND else dump_record(TABLES[kind], record)
    value: dict[str, Any] = json.loads(json.dumps(data, allow_nan=False))
    return value


def parse_json(text: str | None, where: str, *, nullable: bool = False) -> Any:
    """The value of a JSON column read as text; :class:`StoreError` naming ``where`` (table,
    row, column) when the text is not JSON, or not an object (``None`` allowed if nullable)."""
    if text is None:
        if nullable:
            return None
        raise StoreError(f"{where}: found nothing, expected a JSON object; the store is damaged")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise StoreError(
            f"{where}: the stored JSON cannot be read ({exc}); the store is damaged"
        ) from None
    if value is None and nullable:
        return None
    if not isinstance(value, dict):
        raise StoreError(
            f"{where}: found JSON {type(value).__name__}, expected a JSON object; "
            "the store is damaged"
        )
    return value


def load(kind: str, key: str, data: Mapping[str, Any], loc: Loc) -> Any:
    """The record kept as ``data``; :class:`StoreError` if the store holds something unreadable."""
    if not isinstance(data, Mapping):
        raise StoreError(f"{loc}: the stored record '{key}' is not a JSON object")
    if kind == INFO_KIND:
        return load_info(data, loc)
    table = TABLES.get(kind)
    if table is None:
        raise StoreError(f"{loc}: the store holds a record of unknown kind '{kind}' ({key})")
    try:
        record, problems = parse_record(table, data, loc, line_of=None)
    except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as exc:
        raise StoreError(f"{loc}: the stored record '{key}' cannot be read back: {exc!r}") from None
    if record is None or problems:
        detail = "; ".join(str(p) for p in problems) or "no record"
        raise StoreError(f"{loc}: the stored record '{key}' cannot be read back: {detail}")
    return record


def unfaithful_fields(kind: str, record: Any, data: Mapping[str, Any]) -> list[str] | None:
    """The fields of ``record`` that would not read back from ``data`` (its stored form) as
    they are, or ``None`` when it reads back equal; the store keeps only records it can give
    back unchanged (text with surrounding spaces, for one, reads back trimmed)."""
    try:
        back = load(kind, key_of(kind, record), data, Loc("check"))
    except StoreError:
        return ["(the whole record)"]
    if back == record:
        return None
    return [f.field for f in record_field_changes(record, back)] or ["(the whole record)"]


def load_info(data: Mapping[str, Any], loc: Loc) -> ModelInfo:
    try:
        horizons = data["horizons"]
        if not isinstance(horizons, Mapping):
            raise TypeError("horizons is not a mapping")
        return ModelInfo(
            name=str(data["name"]),
            description=None if data.get("description") is None else str(data["description"]),
            description_nl=None
            if data.get("description_nl") is None
            else str(data["description_nl"]),
            crs=str(data["crs"]),
            base_year=int(data["base_year"]),
            horizons=Horizons(short_y=int(horizons["short_y"]), medium_y=int(horizons["medium_y"])),
            horizon_h=float(data["horizon_h"]),
            kinds=tuple(str(k) for k in data.get("kinds") or ()),
            loc=loc,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{loc}: the stored model info cannot be read back ({exc!r})") from None
