"""Step 4 that bites: what rests on an assumption a challenge breaks.

A challenge (``challenges.yaml``) names the assumption of a subsystem's logic that a driver
breaks; with ``actions`` it also names what rests on it: the agenda items of those kinds
(``replacement``: like-for-like renewal, ``shortfall``: reinforcement) about the subsystem's
components of ``kinds`` that serve its ``areas`` or the areas of its ``plans``. Such an item
is a decision to reconsider, not to rush: it leaves its owner's ROUTINE list for the table,
and one decision per challenge bundles its items (``docs/method.md``, "Step 4 that bites").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vitaal.engine.compile import CompiledModel
from vitaal.model.model import Model
from vitaal.model.records import Challenge

__all__ = ["Questioned", "challenged_by", "questioned"]


@dataclass(frozen=True, slots=True)
class Questioned:
    """What one challenge questions: the agenda kinds and the components."""

    actions: frozenset[str]
    components: frozenset[str]


def _areas_of(model: Model, ch: Challenge) -> set[str]:
    areas = set(ch.areas)
    for p in ch.plans:
        areas |= set(model.plans[p].areas)
    return areas


def _serving(compiled: CompiledModel, model: Model, subsystem: str, areas: set[str]) -> set[str]:
    """The components of ``subsystem`` upstream of ``areas`` along primary supply links,
    walking through that subsystem's components only (a gas district station behind the
    mains that reach the area, not the power that runs it)."""
    cm = compiled
    inside = {c for c, cp in model.components.items() if cp.subsystem == subsystem}
    stack = [
        p
        for a in areas
        if a in cm.node_index
        for p in range(int(cm.node_ptr[cm.node_index[a]]), int(cm.node_ptr[cm.node_index[a] + 1]))
    ]
    seen: set[int] = set(stack)
    found: set[str] = set()
    while stack:
        p = stack.pop()
        for j in range(int(cm.in_ptr[p]), int(cm.in_ptr[p + 1])):
            if bool(cm.link_backup[int(cm.in_link[j])]):
                continue
            q = int(cm.in_src[j])
            node = cm.node_ids[int(cm.pair_node[q])]
            if q in seen or node not in inside:
                continue
            seen.add(q)
            found.add(node)
            v = int(cm.pair_node[q])
            # walk on from every need of that component inside the subsystem
            stack.extend(r for r in range(int(cm.node_ptr[v]), int(cm.node_ptr[v + 1])))
    return found


def questioned(model: Model, compiled: CompiledModel) -> dict[str, Questioned]:
    """Per challenge with ``actions``, what it questions. O(challenges x supply links)."""
    out: dict[str, Questioned] = {}
    for ch in model.challenges.values():
        if not ch.actions:
            continue
        comps = {
            c
            for c, cp in model.components.items()
            if cp.subsystem == ch.subsystem and (not ch.kinds or cp.kind in ch.kinds)
        }
        areas = _areas_of(model, ch)
        if areas:
            comps &= _serving(compiled, model, ch.subsystem, areas)
        out[ch.id] = Questioned(frozenset(ch.actions), frozenset(comps))
    return out


def challenged_by(marks: Mapping[str, Questioned], component: str, kind: str) -> list[str]:
    """The challenges that question an agenda item of ``kind`` about ``component``."""
    return sorted(
        cid for cid, q in marks.items() if kind in q.actions and component in q.components
    )
