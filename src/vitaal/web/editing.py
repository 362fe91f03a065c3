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
from vitaal.model.units import format_number
from vitaal.store import Change, ConflictError, ModelStore
from vitaal.store.codec import dump, key_of

__all__ = ["EDITABLE", "KINDS", "Outcome", "editable", "form_values", "save_component"]

#: the fields that make a record's key, per kind a form edits (they cannot change here)
KINDS: dict[str, tuple[str, ...]] = {
    "components": ("id",),
    "requirements": ("consumer", "resource"),
    "supply": ("supplier", "consumer", "resource"),
}


def editable(kind: str) -> tuple[str, ...]:
    """The fields a form of ``kind`` shows, in order: all but the key's, and provenance."""
    keys = KINDS[kind]
    return (
        *(f.name for f in TABLES[kind].fields if f.name not in keys),
        "origin",
        "confidence",
        "ref",
    )


#: the fields of a component's form
EDITABLE: tuple[str, ...] = editable("components")


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


def form_values(record: Any, kind: str = "components") -> dict[str, str]:
    """Each editable field of ``record`` as the text a form shows."""
    plain = dump(kind, record)
    return {name: _cell(plain.get(name)) for name in editable(kind)}


@dataclass
class Outcome:
    """What saving a form did: the new version, or the problems by field, or the conflict."""

    version: int | None = None
    problems: list[Problem] = field(default_factory=list)
    conflict: ConflictError | None = None
    record: Any | None = None
    #: the form's fields (the problems of others are shown with the form, not by a field)
    record_fields: tuple[str, ...] = EDITABLE

    def by_field(self, fields: tuple[str, ...] = EDITABLE) -> dict[str, list[str]]:
        """The problems' messages by the form field they belong to ("" for the others)."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            name = p.field if p.field in fields else ""
            out.setdefault(name or "", []).append(f"found {p.found}, expected {p.expected}")
        return out


def read_form(
    original: Any, submitted: Mapping[str, str], kind: str = "components"
) -> tuple[Any, list[Problem]]:
    """The record the form describes, read as the model's reader reads a CSV row."""
    plain: dict[str, Any] = dump(kind, original)
    shown = form_values(original, kind)
    for name in editable(kind):
        if name not in submitted:
            continue
        text = str(submitted[name]).strip()
        if text == shown[name]:
            continue
        if text:
            plain[name] = text
        else:
            plain.pop(name, None)
    return parse_record(TABLES[kind], plain, Loc("form"), line_of=None)


def save_component(
    store: ModelStore,
    original: Any,
    submitted: Mapping[str, str],
    *,
    base: int,
    author: str,
    kind: str = "components",
) -> Outcome:
    """Write the form over version ``base``: a new version, or the problems (the reader's and
    the model's validation, by field), or a conflict when someone changed the record since
    ``base`` (nothing is written; :class:`ConflictError` holds both versions)."""
    record, problems = read_form(original, submitted, kind)
    fields = editable(kind)
    if problems or record is None:
        return Outcome(problems=problems, record_fields=fields)
    try:
        version = store.apply(
            [Change.put(kind, record)],
            author=author,
            base=base,
            message=f"{kind} {key_of(kind, original)} edited in the web app",
        )
    except ConflictError as exc:
        return Outcome(conflict=exc, record=record, record_fields=fields)
    except ModelError as exc:
        return Outcome(problems=exc.errors, record=record, record_fields=fields)
    return Outcome(version=version, record=record, record_fields=fields)
