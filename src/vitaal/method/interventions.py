"""Interventions applied to a model: the patched model an option makes, without touching the
model it came from.

An intervention of the register (:class:`~vitaal.model.records.Intervention`) lists its
changes as a patch: ``set`` fields of a record, ``add`` a record, ``remove`` one, or set the
``repair`` times of a component kind. :func:`apply_interventions` applies the changes of one
or more interventions, in order, to a copy of the model (records are immutable, so only the
tables a change touches are copied) and gives the patched model with the repair times it
runs with. :func:`check_intervention` says whether the model with an intervention applied is
still sound, each problem located at the intervention in the register.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vitaal.catalog import load_data
from vitaal.engine.restoration import Restoration
from vitaal.errors import Loc, Problem, ScenarioError, Severity
from vitaal.model.enums import EditOp
from vitaal.model.model import Model
from vitaal.model.records import Edit, Intervention

__all__ = [
    "Applied",
    "InterventionError",
    "apply_interventions",
    "base_errors",
    "check_intervention",
    "find_intervention",
    "touched_nodes",
]


class InterventionError(ScenarioError):
    """The changes of interventions cannot be applied together (a record one of them removes
    is set by another, a key added twice)."""


@dataclass(frozen=True, slots=True, eq=False)
class Applied:
    """A model with interventions applied: the patched ``model``, the repair and restart
    times it runs with (``restoration``; ``None``: the packaged ones, unchanged) and the ids
    of the interventions, in the order they were applied."""

    model: Model
    restoration: Restoration | None
    interventions: tuple[str, ...]

    @property
    def repair(self) -> dict[str, dict[str, float | None]]:
        """The repair times the interventions set, by component kind."""
        if self.restoration is None:
            return {}
        if not isinstance(self.restoration, _Times):
            return {}
        return dict(self.restoration.changed)


def find_intervention(model: Model, intervention_id: str) -> Intervention:
    """The register's intervention ``intervention_id``; :class:`ScenarioError` listing the
    ids otherwise."""
    iv = model.interventions.get(intervention_id)
    if iv is None:
        known = ", ".join(model.interventions) or "none"
        raise ScenarioError(
            f"no intervention '{intervention_id}' in the model's register (interventions: {known})"
        )
    return iv


def _merged(record: Any, fields: dict[str, Any]) -> Any:
    """``record`` with ``fields`` set: a mapping field merges key by key; ``name-`` takes the
    items it lists out of the list field ``name``, ``name+`` adds those it lacks."""
    new: dict[str, Any] = {}
    for name, value in fields.items():
        base = name[:-1] if name.endswith(("+", "-")) else name
        old = new.get(base, getattr(record, base))
        if name.endswith("-"):
            new[base] = tuple(x for x in old if x not in value)
        elif name.endswith("+"):
            new[base] = (*old, *(x for x in value if x not in old))
        elif isinstance(old, dict) and isinstance(value, dict):
            new[base] = {**old, **value}
        else:
            new[base] = value
    return dataclasses.replace(record, **new)


class _Times(Restoration):
    """The packaged repair and restart times with some kinds' times changed."""

    changed: dict[str, dict[str, float | None]]

    def __init__(self, changed: dict[str, dict[str, float | None]]) -> None:
        spec = load_data("restoration")
        default = dict(spec["default"])
        kinds: dict[str, Any] = {k: dict(v) for k, v in (spec.get("kinds") or {}).items()}
        for kind, times in changed.items():
            kinds[kind] = {**kinds.get(kind, default), **times}
        super().__init__({**spec, "default": default, "kinds": kinds})
        self.changed = {k: dict(v) for k, v in changed.items()}


#: what :func:`~vitaal.engine.compile.compile_model` reads: the tables whose records it
#: reads whole, and per table the fields it reads of records it otherwise only counts
_COMPILED_TABLES = frozenset({"resources", "supply", "requirements", "stores"})
_COMPILED_FIELDS = {"components": frozenset({"capacity"})}
_NODE_TABLES = frozenset({"components", "areas", "critical_functions"})


def keeps_compiled(interventions: Iterable[Intervention]) -> bool:
    """Whether the model with ``interventions`` applied compiles to the same arrays as the model
    without them, so that a run can reuse the compiled model: true when every change sets
    fields that compiling does not read (a component's thresholds, lead time or repair times, a
    coupling's members, a side output ...), false when one adds or removes a node or changes a
    resource, supply link, requirement, store or a component's capacity.

    >>> from vitaal.model import Edit, InterventionKind
    >>> keep = Intervention(id="p", name="p", kind=InterventionKind.PROTECTION, changes=(
    ...     Edit(op=EditOp.SET, kind="components", key="ss", fields={"thresholds": {}}),))
    >>> grow = dataclasses.replace(keep, changes=(
    ...     Edit(op=EditOp.SET, kind="components", key="ss", fields={"capacity": {}}),))
    >>> keeps_compiled([keep]), keeps_compiled([keep, grow])
    (True, False)
    """
    for iv in interventions:
        for e in iv.changes:
            if e.op is EditOp.REPAIR:
                continue
            if e.kind in _COMPILED_TABLES:
                return False
            if e.op is not EditOp.SET and e.kind in _NODE_TABLES:
                return False
            read = _COMPILED_FIELDS.get(e.kind, frozenset())
            if any(f.rstrip("+-") in read for f in e.fields):
                return False
    return True


def apply_interventions(model: Model, interventions: Iterable[Intervention | str]) -> Applied:
    """The model with the changes of ``interventions`` applied in order (later changes win
    where two set the same field); ``model`` is left as it is.

    An added record is located at its change in the register. Raises
    :class:`InterventionError` when a change names a record that is not there (removed by an
    earlier one) or adds a key that is.

    Complexity: O(records of the tables changed + changes).
    """
    ivs = [find_intervention(model, i) if isinstance(i, str) else i for i in interventions]
    tables: dict[str, dict[str, Any]] = {}
    repair: dict[str, dict[str, float | None]] = {}

    def table(kind: str) -> dict[str, Any]:
        if kind not in tables:
            tables[kind] = dict(model.table(kind))
        return tables[kind]

    for iv in ivs:
        for e in iv.changes:
            _apply(iv, e, table, repair)
    patched = model
    if tables:
        patched = dataclasses.replace(model)
        for kind, records in tables.items():
            setattr(patched, kind, records)
    return Applied(
        model=patched,
        restoration=_Times(repair) if repair else None,
        interventions=tuple(iv.id for iv in ivs),
    )


def _apply(
    iv: Intervention,
    e: Edit,
    table: Any,
    repair: dict[str, dict[str, float | None]],
) -> None:
    if e.op is EditOp.REPAIR:
        repair[e.key] = {**repair.get(e.key, {}), **e.fields}
        return
    records: dict[str, Any] = table(e.kind)
    if e.op is EditOp.ADD:
        if e.key in records:
            raise InterventionError(
                f"intervention '{iv.id}' adds {e.kind} '{e.key}', which is already there"
            )
        loc = Loc(iv.loc.file, e.line) if iv.loc is not None else None
        records[e.key] = dataclasses.replace(e.record, loc=loc)
        return
    if e.key not in records:
        raise InterventionError(
            f"intervention '{iv.id}' changes {e.kind} '{e.key}', which is not there"
        )
    if e.op is EditOp.REMOVE:
        del records[e.key]
    else:
        records[e.key] = _merged(records[e.key], e.fields)


def touched_nodes(model: Model, iv: Intervention) -> list[str]:
    """The components and consumers an intervention's changes touch: a changed or added node,
    the consumer of a requirement, both ends of a supply link, a store's component, a
    coupling's members, a side output's component, and every component of a kind whose repair
    it changes (in the order the changes name them, each once)."""
    out: dict[str, None] = {}
    for e in iv.changes:
        if e.op is EditOp.REPAIR:
            for c in model.components.values():
                if c.kind == e.key:
                    out.setdefault(c.id, None)
            continue
        rec = e.record if e.op is EditOp.ADD else model.table(e.kind).get(e.key)
        if rec is None:
            continue
        if e.kind in ("components", "areas", "critical_functions"):
            ids: Sequence[str] = (rec.id,)
        elif e.kind == "requirements":
            ids = (rec.consumer,)
        elif e.kind == "supply":
            ids = (rec.supplier, rec.consumer)
        elif e.kind in ("stores", "side_outputs"):
            ids = (rec.component,)
        elif e.kind == "couplings":
            ids = tuple(rec.members)
        else:
            ids = ()
        for i in ids:
            out.setdefault(i, None)
    return list(out)


def base_errors(model: Model) -> set[str]:
    """The errors of ``model`` itself, its register left out: what
    :func:`check_intervention` does not count against an option."""
    from vitaal.model.validate import validate_model

    base = dataclasses.replace(model, interventions={})
    return {str(p) for p in validate_model(base) if p.severity is Severity.ERROR}


def check_intervention(
    model: Model, iv: Intervention, before: set[str] | None = None
) -> list[Problem]:
    """The problems of the model with ``iv`` applied that the model alone does not have, each
    located at the intervention (its ``changes``), or the one problem that it cannot be
    applied at all. Empty: the option is sound. ``before``: :func:`base_errors` of the model,
    when known.

    With ``before``, the patched model's records are checked one by one only where the
    option sets or adds them (the rest are those of the model, whose problems ``before``
    holds), and the checks that span tables only when the option changes what they read
    (:func:`keeps_compiled`); an option that removes a record is checked whole, since what
    referred to it may now be broken anywhere. Complexity: O(V + E) for the checks that span
    tables when they run, plus the changed records (two whole validations without
    ``before``).
    """
    from vitaal.model.validate import validate_model

    where = iv.loc.at("changes") if iv.loc is not None else None
    try:
        applied = apply_interventions(model, [iv])
    except InterventionError as exc:
        return [Problem(where, "changes", str(exc), "changes that apply", record=iv.id)]
    known = before if before is not None else base_errors(model)
    out = []
    # the register itself is not what is checked: its adds are in the patched model
    changed: dict[str, set[str]] | None = {}
    for e in iv.changes:
        if e.op is EditOp.REMOVE or before is None:
            changed = None
            break
        if e.op is not EditOp.REPAIR and changed is not None:
            changed.setdefault(e.kind, set()).add(e.key)
    patched = dataclasses.replace(applied.model, interventions={})
    across = changed is None or not keeps_compiled([iv])
    for p in validate_model(patched, changed, across=across):
        if p.severity is not Severity.ERROR or str(p) in known:
            continue
        what = f"{p.found} ({p.record}: {p.field})" if p.record else p.found
        out.append(Problem(where, "changes", f"with it applied, {what}", p.expected, record=iv.id))
    return out
