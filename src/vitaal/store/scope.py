"""How much of a model an edit's validation must look at.

The store validates every version it writes. For an edit made to the latest version whose
model the caller holds in memory (:meth:`~vitaal.store.ModelStore.apply` with ``known``), the
model need not be rebuilt from the database, and when that version is known to be free of
errors, an edit that only changes components' own fields (not their ids, not their
capacities) need only have those components checked, with the records whose validity depends
on a component's kind or subsystem (the challenges), and the interventions (always checked
whole): :func:`vitaal.model.validate.validate_model` with ``records`` and ``across=False``,
whose checks across tables (resources, supply links, requirements, stores, supply paths) see
nothing such an edit can change. Every other edit is validated whole. Either way the errors
found are those of validating the whole model (``tests/store/test_scope.py`` holds the two
against each other on random edits).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vitaal.model.model import RECORD_KINDS, Model

__all__ = ["copy_model", "validation_scope"]


def copy_model(model: Model) -> Model:
    """A model with the same records in tables of its own (records are not copied: they are
    frozen), so that changes to the copy leave ``model`` as it was. O(number of records)."""
    return Model(info=model.info, **{kind: dict(model.table(kind)) for kind in RECORD_KINDS})


def validation_scope(before: Model, changes: Sequence[Any]) -> dict[str, list[str]] | None:
    """The ``records`` to check, with ``across=False``, for ``changes`` made to ``before``
    (a model without errors); ``None`` when the whole model must be validated.

    Narrow only when every change puts a component that ``before`` holds under the same key
    with the same capacity.
    """
    keys: list[str] = []
    for ch in changes:
        if getattr(ch, "kind", None) != "components" or getattr(ch, "record", None) is None:
            return None
        old = before.components.get(ch.key)
        if old is None or ch.record.id != ch.key or ch.record.capacity != old.capacity:
            return None
        keys.append(ch.key)
    if not keys:
        return None
    return {"components": keys, "challenges": list(before.challenges)}
