"""Who may do what in the web app. The pages and the API ask the same functions.

| role | reads | runs scenarios | records decisions | edits components | manages users |
|---|---|---|---|---|---|
| administrator | yes | yes | yes | all | yes |
| analyst | yes | yes | yes | all | no |
| system owner | yes | yes | those its organisation owns | of its systems | no |
| planner | yes | yes | no | no | no |
| viewer | yes | no | no | no | no |

A system owner's organisation owns a component when it is the ``owner`` of the component's
system or of its subsystem (``systems.yaml``).

Planners, analysts and administrators bring a plan checked in the intake to the table (save it
into the model, :func:`may_store_plan`); system owners speak for their systems, viewers read.

Precise locations of components marked ``sensitive``: administrators, analysts and the system
owners of the component see them; planners, viewers and other owners see its service area
(:func:`may_see_location`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vitaal.model.model import Model
from vitaal.web.accounts import User

__all__ = [
    "may_add",
    "may_edit_component",
    "may_edit_in_subsystem",
    "may_edit_record",
    "may_manage_users",
    "may_record",
    "may_run",
    "may_see_location",
    "may_store_plan",
    "may_write",
    "owners_of_component",
    "unseen_locations",
]

_EDITORS = ("administrator", "analyst")


def may_run(user: User) -> bool:
    """Start a scenario run (it takes a worker for a while)."""
    return user.role != "viewer"


def may_store_plan(user: User) -> bool:
    """Save a plan checked in the intake into the model as a new version."""
    return user.role in ("administrator", "analyst", "planner")


def may_manage_users(user: User) -> bool:
    return user.role == "administrator"


def owners_of_component(model: Model, component_id: str) -> set[str]:
    """The organisations that own the system and the subsystem a component belongs to."""
    comp = model.components.get(component_id)
    if comp is None:
        return set()
    owners: set[str] = set()
    sub = model.subsystems.get(comp.subsystem)
    if sub is not None:
        if sub.owner:
            owners.add(sub.owner)
        system = model.systems.get(sub.system)
        if system is not None and system.owner:
            owners.add(system.owner)
    return owners


def _speaks_for(user: User, organisations: Iterable[str]) -> bool:
    org = (user.organisation or "").strip().casefold()
    return bool(org) and any(org == o.strip().casefold() for o in organisations)


def may_edit_component(user: User, model: Model, component_id: str) -> bool:
    """Change (or, for an analyst, add) the component ``component_id``."""
    if user.role in _EDITORS:
        return True
    if user.role == "system_owner":
        return _speaks_for(user, owners_of_component(model, component_id))
    return False


def may_edit_record(user: User, model: Model, kind: str, record: Any) -> bool:
    """Change a component, a requirement or a supply link: a system owner edits a requirement
    of a component of its systems, and a supply link from or to one."""
    if user.role in _EDITORS:
        return True
    if kind == "components":
        return may_edit_component(user, model, record.id)
    if kind == "requirements":
        return may_edit_component(user, model, record.consumer)
    if kind == "supply":
        return any(
            n in model.components and may_edit_component(user, model, n)
            for n in (record.supplier, record.consumer)
        )
    return False


def may_add(user: User) -> bool:
    """Add records at all (a system owner then only its own: :func:`may_edit_record`,
    :func:`may_edit_in_subsystem`)."""
    return user.role in (*_EDITORS, "system_owner")


def may_edit_in_subsystem(user: User, model: Model, subsystem_id: str) -> bool:
    """Put a component into ``subsystem_id`` (a system owner only into its own systems)."""
    if user.role in _EDITORS:
        return True
    sub = model.subsystems.get(subsystem_id)
    if user.role != "system_owner" or sub is None:
        return False
    system = model.systems.get(sub.system)
    return _speaks_for(user, [o for o in (sub.owner, system.owner if system else None) if o])


def may_write(
    user: User, before: tuple[Model, Any] | None, after: tuple[Model, Any] | None, kind: str
) -> bool:
    """Add, change or remove one record of ``kind`` in an upload: ``before`` and ``after``
    are the record with the model it is in (``None`` where it does not exist). A system owner
    writes only components, requirements and supply links it may edit both as they are and
    as they would be."""
    if user.role in _EDITORS:
        return True
    if user.role != "system_owner" or kind not in ("components", "requirements", "supply"):
        return False
    if before is not None and not may_edit_record(user, before[0], kind, before[1]):
        return False
    if after is None:
        return True
    if kind == "components":
        return may_edit_in_subsystem(user, after[0], after[1].subsystem)
    return may_edit_record(user, after[0], kind, after[1])


def may_record(user: User, owners: Iterable[str]) -> bool:
    """Record in the register what the table did with a decision whose owners are ``owners``
    (:attr:`vitaal.method.results.Decision.owners`)."""
    if user.role in _EDITORS:
        return True
    if user.role == "system_owner":
        return _speaks_for(user, tuple(owners))
    return False


def may_see_location(user: User, model: Model, component_id: str) -> bool:
    """See where the component ``component_id`` is: everyone, unless it is marked
    ``sensitive``; then administrators, analysts and the system owners of the component (who
    need it to run and protect it). A component the model does not have has no location to
    hide."""
    comp = model.components.get(component_id)
    if comp is None or not comp.sensitive or user.role in _EDITORS:
        return True
    if user.role == "system_owner":
        return _speaks_for(user, owners_of_component(model, component_id))
    return False


def unseen_locations(user: User, model: Model) -> frozenset[str]:
    """The sensitive components of ``model`` whose location ``user`` may not see
    (O(components))."""
    return frozenset(
        cid
        for cid, c in model.components.items()
        if c.sensitive and not may_see_location(user, model, cid)
    )
