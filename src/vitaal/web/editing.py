"""Editing a component, requirement or supply link in a form: its fields as text (as a
model folder's CSV holds them), read back with the model's own reader, and written through the
store's versions. Adding reads a new record the same way (a key already held is a message, not
an overwrite); removing goes through the store too, which refuses a model left invalid.

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

__all__ = [
    "EDITABLE",
    "KINDS",
    "Outcome",
    "add_record",
    "editable",
    "form_values",
    "new_fields",
    "read_new",
    "referrers",
    "remove_record",
    "save_component",
]

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
    #: the key of the record the outcome is of, when known: problems of other records are
    #: not shown by the form's fields
    key: str | None = None

    def other(self, problem: Problem) -> bool:
        """Whether ``problem`` is of a record other than this outcome's."""
        return self.key is not None and problem.record not in (None, self.key)

    def by_field(self, fields: tuple[str, ...] = EDITABLE) -> dict[str, list[str]]:
        """The problems' messages by the form field they belong to ("" for the others, with
        the record and field they are of)."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            name = p.field if p.field in fields and not self.other(p) else ""
            text = f"found {p.found}, expected {p.expected}"
            if not name:
                where = " ".join(x for x in (p.record, p.field) if x)
                text = f"{where}: {text}" if where else text
            out.setdefault(name or "", []).append(text)
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
    known: Any | None = None,
) -> Outcome:
    """Write the form over version ``base``: a new version, or the problems (the reader's and
    the model's validation, by field), or a conflict when someone changed the record since
    ``base`` (nothing is written; :class:`ConflictError` holds both versions). ``known``: the
    model of version ``base`` held in memory (:meth:`~vitaal.store.ModelStore.apply`)."""
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
            known=known,
        )
    except ConflictError as exc:
        return Outcome(conflict=exc, record=record, record_fields=fields)
    except ModelError as exc:
        return Outcome(problems=exc.errors, record=record, record_fields=fields)
    return Outcome(version=version, record=record, record_fields=fields)


def new_fields(kind: str) -> tuple[str, ...]:
    """The fields of a form that adds a record of ``kind``: its key's, then the others."""
    return (*KINDS[kind], *editable(kind))


def read_new(submitted: Mapping[str, str], kind: str) -> tuple[Any, list[Problem]]:
    """The new record a form describes (blank fields left out), read as the model's reader
    reads a CSV row."""
    plain = {
        name: text for name in new_fields(kind) if (text := str(submitted.get(name, "")).strip())
    }
    return parse_record(TABLES[kind], plain, Loc("form"), line_of=None)


def add_record(
    store: ModelStore,
    latest: Any,
    submitted: Mapping[str, str],
    *,
    base: int,
    author: str,
    kind: str,
    known: Any | None = None,
) -> Outcome:
    """Add the record the form describes over version ``base``: a new version, or the
    problems by field (a key that ``latest``, the latest model, already holds is one: a form
    that adds never overwrites), or a conflict when someone added the same key since.
    ``known``: the model of version ``base`` held in memory."""
    fields = new_fields(kind)
    record, problems = read_new(submitted, kind)
    if problems or record is None:
        return Outcome(problems=problems, record_fields=fields)
    key = key_of(kind, record)
    if key in latest.table(kind):
        where = KINDS[kind][0]
        taken = Problem(None, where, f"'{key}', which {kind} already holds", "a new key")
        return Outcome(problems=[taken], record=record, record_fields=fields)
    change = Change.put(kind, record)
    outcome = _write(store, change, base, author, f"{kind} {key} added", fields, known)
    outcome.key = key
    return outcome


def remove_record(
    store: ModelStore, kind: str, key: str, *, base: int, author: str, known: Any | None = None
) -> Outcome:
    """Remove a record over version ``base``: a new version, or the problems of the model
    without it (the records that still refer to it), or a conflict when someone changed it
    since ``base``. ``known``: the model of version ``base`` held in memory."""
    change = Change.remove(kind, key)
    outcome = _write(store, change, base, author, f"{kind} {key} removed", (), known)
    outcome.key = key
    return outcome


def _write(
    store: ModelStore,
    change: Change,
    base: int,
    author: str,
    what: str,
    fields: tuple[str, ...],
    known: Any | None,
) -> Outcome:
    message = f"{what} in the web app"
    try:
        version = store.apply([change], author=author, base=base, message=message, known=known)
    except ConflictError as exc:
        return Outcome(conflict=exc, record=change.record, record_fields=fields)
    except ModelError as exc:
        return Outcome(problems=exc.errors, record=change.record, record_fields=fields)
    return Outcome(version=version, record=change.record, record_fields=fields)


def _mentions(value: Any, key: str) -> bool:
    if isinstance(value, str):
        return value == key
    if isinstance(value, dict):
        return any(_mentions(k, key) or _mentions(v, key) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_mentions(v, key) for v in value)
    return False


def referrers(model: Any, kind: str, key: str) -> list[str]:
    """The records of ``model`` (``kind key``) that name ``key`` in a field: those that still
    need a record of ``kind`` that is to go. The key's own fields of a requirement or supply
    link count (a link from a component refers to it).

    Complexity: O(size of the model).
    """
    out = []
    for other_kind, table in model.tables():
        for other_key, record in table.items():
            if other_kind == kind and other_key == key:
                continue
            if _mentions(dump(other_kind, record), key):
                out.append(f"{other_kind} {other_key}")
    return out
