"""The options of the intervention register beside each decision on the table.

An option settles an item of a decision when it touches the item's component and its kind is
one that can settle the item's kind (``vitaal/data/agenda.yaml``, ``options``: a capacity
shortfall is met by a reinforcement, redundancy or a demand measure, a single point of failure
by redundancy, autonomy, protection, relocation, a degraded mode or a faster repair ...).
Its latest decision year follows from the year the item is needed and the option's own lead
time (:func:`~vitaal.method.agenda.decide_by`), its status from that year and the base year
(:func:`~vitaal.method.agenda.status_for`): a backup boiler that takes two years may still be
in time where a new plant that takes six is overdue.

An option the model marks ``chosen`` is the table's choice: the decision's latest year and
status become the chosen option's (the earliest, when several are chosen), and what they were
without it is kept (``without_option``). What an option does to the flags and its
benefit-cost ratio is ``vitaal options``'s work (``method/options.py``); the agenda shows what
is known without running it: cost, lead time, owner and the dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vitaal.method.agenda import decide_by, lateness, status_for
from vitaal.method.interventions import touched_nodes
from vitaal.model.model import Model
from vitaal.model.names import names

__all__ = ["attach_options", "item_component", "item_kind"]


def item_kind(item_id: str) -> str:
    """The kind of a decision's item: ``shortfall:c|r`` gives ``shortfall``."""
    return item_id.partition(":")[0]


def item_component(item_id: str) -> str:
    """The component of a decision's item: ``shortfall:c|r`` and ``replacement:c`` give ``c``.

    >>> item_component("shortfall:el-ds-1|electricity"), item_component("replacement:gs#x")
    ('el-ds-1', 'gs')
    """
    rest = item_id.partition(":")[2]
    return rest.split("|", 1)[0].split("#", 1)[0]


def _option_rows(
    model: Model,
    decision: Mapping[str, Any],
    need_of: Mapping[str, int],
    option_kinds: Mapping[str, frozenset[str]],
    touched: Mapping[str, frozenset[str]],
) -> list[dict[str, Any]]:
    base = model.info.base_year
    rows = []
    for iv in model.interventions.values():
        settles = [
            it
            for it in decision.get("items", ())
            if item_component(it) in touched[iv.id]
            and iv.kind.value in option_kinds.get(item_kind(it), ())
        ]
        if not settles:
            continue
        needs = [need_of[it] for it in settles if it in need_of]
        need = min(needs) if needs else None
        by = decide_by(need, iv.lead_time_y) if need is not None else None
        rows.append(
            {
                "id": iv.id,
                "name": names(iv),
                "kind": iv.kind.value,
                "owner": iv.owner,
                "investment_eur": iv.investment_eur,
                "yearly_cost_eur": iv.yearly_cost_eur,
                "lead_time_y": iv.lead_time_y,
                "need_year": need,
                "decide_by": by,
                "status": status_for(by, base),
                "chosen": iv.chosen,
                "settles": settles,
            }
        )

    def order(r: Mapping[str, Any]) -> tuple[bool, bool, int]:
        by = r["decide_by"]
        return (not r["chosen"], by is None, -(by or 0))

    rows.sort(key=order)
    return rows


def _choose(decision: dict[str, Any], rows: list[dict[str, Any]], base_year: int) -> None:
    chosen = [r for r in rows if r["chosen"]]
    if not chosen:
        return
    first = min(chosen, key=lambda r: (r["decide_by"] is None, r["decide_by"] or 0))
    decision["without_option"] = {
        k: decision.get(k) for k in ("decide_by", "status", "overdue_since", "years_overdue")
    }
    decision["chosen_options"] = [r["id"] for r in chosen]
    decision["decide_by"] = first["decide_by"]
    decision["status"] = first["status"]
    if first["status"] == "overdue" and first["need_year"] is not None:
        since, years = lateness(first["need_year"], first["decide_by"], base_year)
    else:
        since, years = None, 0
    decision["overdue_since"], decision["years_overdue"] = since, years


def attach_options(
    model: Model,
    decisions: Iterable[dict[str, Any]],
    agenda: Iterable[Mapping[str, Any]],
    option_kinds: Mapping[str, frozenset[str]],
) -> None:
    """Give each decision its ``options`` (rows as in the module's docstring, the chosen
    first, then the latest decision year, latest first) and, where one is chosen, its date and
    status (in place)."""
    if not model.interventions:
        for d in decisions:
            d["options"] = []
        return
    need_of = {str(it["id"]): int(it["need_year"]) for it in agenda}
    touched = {i: frozenset(touched_nodes(model, iv)) for i, iv in model.interventions.items()}
    for d in decisions:
        rows = _option_rows(model, d, need_of, option_kinds, touched)
        d["options"] = rows
        _choose(d, rows, model.info.base_year)
