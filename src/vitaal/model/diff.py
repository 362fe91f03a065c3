"""What differs between two models: per record kind the added, removed and changed records.

Pure data, no I/O. Records are compared as they compare themselves (where a record was read
from takes no part); for a changed record the differing fields are listed with their values
before and after, as plain data (text, numbers, booleans, lists and mappings with text keys)
so that the whole difference can be written as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any

from vitaal.model.model import RECORD_KINDS, Model
from vitaal.model.records import Provenance
from vitaal.model.units import Quantity

#: The name under which differences of the model's own description (:class:`ModelInfo`) appear.
INFO = "info"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a record with its value before and after, as plain data."""

    field: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class RecordChange:
    """A record present in both models whose fields differ."""

    key: str
    fields: tuple[FieldChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "fields": [f.as_dict() for f in self.fields]}


@dataclass(frozen=True, slots=True)
class KindDiff:
    """The differences within one record kind; keys sorted."""

    kind: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[RecordChange, ...] = ()

    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [c.as_dict() for c in self.changed],
        }


@dataclass(frozen=True, slots=True)
class ModelDiff:
    """Everything that differs between model ``a`` and model ``b`` (from ``a`` to ``b``).

    ``info`` lists the fields of the model's description that differ; ``kinds`` holds a
    :class:`KindDiff` for every record kind of :data:`~vitaal.model.model.RECORD_KINDS` with a
    difference, in that order.
    """

    info: tuple[FieldChange, ...] = ()
    kinds: tuple[KindDiff, ...] = ()

    def is_empty(self) -> bool:
        return not self.info and all(k.is_empty() for k in self.kinds)

    def kind(self, kind: str) -> KindDiff:
        """The differences of one record kind (empty when it has none)."""
        if kind not in RECORD_KINDS:
            raise KeyError(kind)
        for k in self.kinds:
            if k.kind == kind:
                return k
        return KindDiff(kind)

    def counts(self) -> dict[str, int]:
        """How many records were added, removed and changed (a changed info counts as one)."""
        return {
            "added": sum(len(k.added) for k in self.kinds),
            "removed": sum(len(k.removed) for k in self.kinds),
            "changed": sum(len(k.changed) for k in self.kinds) + (1 if self.info else 0),
        }

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form whose order does not depend on how the models were built.

        Examples
        --------
        >>> from vitaal.model.records import ModelInfo
        >>> diff_models(Model(info=ModelInfo(name="a")), Model(info=ModelInfo(name="b"))).as_dict()
        {'summary': {'added': 0, 'removed': 0, 'changed': 1}, 'info': [{'field': 'name', \
'before': 'a', 'after': 'b'}], 'kinds': {}}
        """
        return {
            "summary": self.counts(),
            "info": [f.as_dict() for f in self.info],
            "kinds": {k.kind: k.as_dict() for k in self.kinds if not k.is_empty()},
        }


def diff_models(a: Model, b: Model) -> ModelDiff:
    """What changes from model ``a`` to model ``b``.

    Complexity: O(n) record comparisons over the records of both models, plus the fields of
    each record that differs.

    Examples
    --------
    >>> from vitaal.model.records import ModelInfo, Resource
    >>> a = Model(info=ModelInfo(name="x"), resources={"e": Resource(id="e", name="E", unit="MW")})
    >>> b = Model(info=ModelInfo(name="x"), resources={"e": Resource(id="e", name="E", unit="kW")})
    >>> diff_models(a, b).kind("resources").changed[0].fields
    (FieldChange(field='unit', before='MW', after='kW'),)
    """
    info = tuple(record_field_changes(a.info, b.info)) if a.info != b.info else ()
    kinds: list[KindDiff] = []
    for kind in RECORD_KINDS:
        ta, tb = a.table(kind), b.table(kind)
        added = tuple(sorted(k for k in tb if k not in ta))
        removed = tuple(sorted(k for k in ta if k not in tb))
        changed = tuple(
            RecordChange(k, tuple(record_field_changes(ta[k], tb[k])))
            for k in sorted(k for k in ta if k in tb and ta[k] != tb[k])
        )
        diff = KindDiff(kind, added, removed, changed)
        if not diff.is_empty():
            kinds.append(diff)
    return ModelDiff(info, tuple(kinds))


def record_field_changes(before: Any, after: Any) -> list[FieldChange]:
    """The fields in which two records of one type differ, as plain data.

    Provenance is listed as its parts (``origin``, ``confidence``, ``ref``), as in model files;
    fields that take no part in equality (where a record was read from) are skipped.
    """
    if type(before) is not type(after) or not is_dataclass(before):
        return [FieldChange("", plain(before), plain(after))]
    out: list[FieldChange] = []
    for f in fields(before):
        if not f.compare:
            continue
        va, vb = getattr(before, f.name), getattr(after, f.name)
        if va == vb:
            continue
        if isinstance(va, Provenance) and isinstance(vb, Provenance):
            for part in ("origin", "confidence", "ref"):
                pa, pb = getattr(va, part), getattr(vb, part)
                if pa != pb:
                    out.append(FieldChange(part, plain(pa), plain(pb)))
            continue
        out.append(FieldChange(f.name, plain(va), plain(vb)))
    return out


def plain(value: Any) -> Any:
    """A value as plain JSON-able data: enums by value, quantities as text (``"40 MW"``),
    tuples as lists, mapping keys as text, nested records as mappings of their fields."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Quantity):
        return str(value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value) if f.compare}
    return str(value)


__all__ = [
    "FieldChange",
    "KindDiff",
    "ModelDiff",
    "RecordChange",
    "diff_models",
    "plain",
    "record_field_changes",
]
