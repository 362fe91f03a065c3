"""Editing a component in a form: its fields as text (as a model folder's CSV holds them),
read back with the model's own reader, and written through the store's versions.

Only the fields a person changed are read from the form; the others keep their stored value
exactly, so that saving an unchanged form changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vitaal.errors import Loc, ModelError, Problem
from vitaal.io.fields import cell_list, cell_mapping
from vitaal.io.tables import TABLES, parse_record
from vitaal.model.records import Component
from vitaal.model.units import format_number
from vitaal.store import Change, ConflictError, ModelStore
from vitaal.store.codec import dump

__all__ = ["EDITABLE", "Outcome", "form_values", "save_component"]

_TABLE = TABLES["components"]
#: the fields a form shows, in order (the id is the record's key and cannot change here)
EDITABLE: tuple[str, ...] = (
    *(f.name for f in _TABLE.fields if f.name != "id"),
    "origin",
    "confidence",
    "ref",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return cell_mapping(value)
    if isinstance(value, list | tuple):
        return cell_list(tuple(value))
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def form_values(component: Component) -> dict[str, str]:
    """Each editable field of ``component`` as the text a form shows."""
    plain = dump("components", component)
    return {name: _cell(plain.get(name)) for name in EDITABLE}


@dataclass
class Outcome:
    """What saving a form did: the new version, or the problems by field, or the conflict."""

    version: int | None = None
    problems: list[Problem] = field(default_factory=list)
    conflict: ConflictError | None = None
    record: Component | None = None

    def by_field(self, fields: tuple[str, ...] = EDITABLE) -> dict[str, list[str]]:
        """The problems' messages by the form field they belong to ("" for the others)."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            name = p.field if p.field in fields else ""
            out.setdefault(name or "", []).append(f"found {p.found}, expected {p.expected}")
        return out


def read_form(original: Component, submitted: Mapping[str, str]) -> tuple[Any, list[Problem]]:
    """The component the form describes, read as the model's reader reads a CSV row."""
    plain: dict[str, Any] = dump("components", original)
    shown = form_values(original)
    for name in EDITABLE:
        if name not in submitted:
            continue
        text = str(submitted[name]).strip()
        if text == shown[name]:
            continue
        if text:
            plain[name] = text
        else:
            plain.pop(name, None)
    return parse_record(_TABLE, plain, Loc("form"), line_of=None)


def save_component(
    store: ModelStore,
    original: Component,
    submitted: Mapping[str, str],
    *,
    base: int,
    author: str,
) -> Outcome:
    """Write the form over version ``base``: a new version, or the problems (the reader's and
    the model's validation, by field), or a conflict when someone changed the component since
    ``base`` (nothing is written; :class:`ConflictError` holds both versions)."""
    record, problems = read_form(original, submitted)
    if problems or record is None:
        return Outcome(problems=problems)
    try:
        version = store.apply(
            [Change.put("components", record)],
            author=author,
            base=base,
            message=f"component {original.id} edited in the web app",
        )
    except ConflictError as exc:
        return Outcome(conflict=exc, record=record)
    except ModelError as exc:
        return Outcome(problems=exc.errors, record=record)
    return Outcome(version=version, record=record)
