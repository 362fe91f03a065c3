"""A slow, obviously correct reference for the cascade: the formulas of design.md, iterated.

It reads the model records directly (not the compiled arrays) and iterates:

    delivers0(s, r) = fail(s)                         producer
                    = min(fail(s), received0(s, r))   carrier or store
    delivers(s, r)  = fail(s)                         producer
                    = min(fail(s), received(s, r))    carrier
                    = min(fail(s), max(received(s, r), received0(s, r) + autonomy))   store
    received(v, r)  = k-th largest of delivers(s, r) over the suppliers s of v
    fail(v)         = min(initial(v), min over requirements r of have(v, r) + buffer(v, r))

where ``have(v, r)`` is ``received(v, r)``, and for a store of r its own stock
``max(received, received0 + autonomy)``. ``received0`` and ``received`` are least fixed
points for a given ``fail`` (iterated up from 0); ``fail`` is the greatest (iterated down from
infinity), each inner fixed point recomputed from the bottom at every outer step.
"""

from __future__ import annotations

import math

from vitaal.model import Model

INF = math.inf


def kth_largest(values: list[float], k: int) -> float:
    if len(values) < k:
        return 0.0
    return sorted(values, reverse=True)[k - 1]


def reference_cascade(
    model: Model, initial: dict[str, float]
) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Failure time of every node and receive time of every requirement, without horizon."""
    suppliers: dict[tuple[str, str], list[str]] = {}
    supplies: set[tuple[str, str]] = set()
    for link in model.supply.values():
        suppliers.setdefault((link.consumer, link.resource), []).append(link.supplier)
        supplies.add((link.supplier, link.resource))
    req: dict[tuple[str, str], tuple[float, int]] = dict.fromkeys(suppliers, (0.0, 1))
    for r in model.requirements.values():
        req[(r.consumer, r.resource)] = (r.buffer_h, r.k)
    autonomy = {
        (s.component, s.resource): s.autonomy_h
        for s in model.stores.values()
        if (s.component, s.resource) in req
    }

    def is_producer(pair: tuple[str, str]) -> bool:
        return pair in supplies and pair not in req

    nodes = list(model.node_ids())

    def least(
        fail: dict[str, float], rec0: dict[tuple[str, str], float] | None
    ) -> dict[tuple[str, str], float]:
        """received for a given fail: counting producers only when rec0 is None, else with
        stores as origins within their autonomy; iterated up from 0 (the least solution)."""

        def deliver(s: str, r: str, rec: dict[tuple[str, str], float]) -> float:
            if is_producer((s, r)):
                return fail[s]
            if rec0 is not None and (s, r) in autonomy:
                return min(fail[s], max(rec[(s, r)], rec0[(s, r)] + autonomy[(s, r)]))
            return min(fail[s], rec[(s, r)])

        rec = dict.fromkeys(req, 0.0)
        for _ in range(10_000):
            new = {
                pair: kth_largest(
                    [deliver(s, pair[1], rec) for s in suppliers.get(pair, [])], req[pair][1]
                )
                for pair in req
            }
            if new == rec:
                return rec
            rec = new
        raise RuntimeError("received did not converge")

    fail = dict.fromkeys(nodes, INF)
    for _ in range(10_000):
        rec0 = least(fail, None)
        rec = least(fail, rec0)
        have = {
            pair: max(rec[pair], rec0[pair] + autonomy[pair]) if pair in autonomy else rec[pair]
            for pair in req
        }
        new_fail = {}
        for v in nodes:
            t = initial.get(v, INF)
            for pair, (buffer, _k) in req.items():
                if pair[0] == v:
                    t = min(t, have[pair] + buffer)
            new_fail[v] = t
        if new_fail == fail:
            return fail, rec
        fail = new_fail
    raise RuntimeError("fail did not converge")


def describe(model: Model, initial: dict[str, float]) -> str:
    """A compact text of a random model, for failure messages."""
    lines = [f"initial {initial}"]
    lines += [
        f"link {lk.supplier}->{lk.consumer} {lk.resource} {lk.role.value}"
        for lk in model.supply.values()
    ]
    lines += [
        f"req {q.consumer} {q.resource} buffer={q.buffer_h} k={q.k}"
        for q in model.requirements.values()
    ]
    lines += [f"store {s.component} {s.resource} aut={s.autonomy_h}" for s in model.stores.values()]
    return "\n".join(lines)
