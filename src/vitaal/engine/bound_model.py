"""The screening model: a cascade without repair that no case of the process can outdo.

The batches of cases with restoration (:mod:`vitaal.engine.process_cases`) run each case's
process on the part of the city the case can touch. That part is found by the timed cascade
without repair (the compiled batch of :mod:`vitaal.engine.criticality`) on this model, in
which every backup that could be pushed over its capacity acts as early as it could:

- a backup pair *may shed or trip* when its resource does not congest, its capacity is
  finite, and its own primary load plus every primary load of the consumers it backs up (all
  that could ever move onto it) exceeds it; any other backup never sheds or trips;
- a consumer that a backup may shed takes each of its backups through a *gate* (a carrier
  between backup and consumer), and the gates fail as soon as one of the consumer's loaded
  primary suppliers stops delivering (the process sheds a consumer only while one of them is
  lost, and a shed consumer takes nothing from any of its backups);
- a backup that may trip fails as soon as a loaded primary supplier of one of the consumers
  it backs up stops delivering (the process trips it only when load moves onto it).

These watched failures are :class:`Watch` groups: the screen runs the cascade, takes down
each group whose watched pairs stopped (at the earliest such time) and runs again, until
nothing more is taken down. Without repair, with conditions always holding and degraded
modes failing at once, what is down, closed or without supply at any time in the process is
so in this cascade too (``docs/engine.md``, "Restoration in the batches"), so a node this
cascade leaves untouched is untouched by the process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vitaal.engine.compile import CompiledModel, PairRole, compile_arrays
from vitaal.engine.process_result import LoadInputs, Overload

__all__ = ["ScreenModel", "screen_model", "unsafe_backups"]


def unsafe_backups(compiled: CompiledModel, loads: LoadInputs) -> NDArray[np.bool_]:
    """Per pair, whether moved load could ever make it shed or trip: its resource does not
    congest, its capacity is finite, and its primary load plus the primary loads of every
    consumer it backs up (all that could ever move onto it) exceed that capacity. A pair
    that is not unsafe never sheds or trips, whatever fails."""
    c = compiled
    flow = loads.flow
    prim = ~c.link_backup
    own = np.bincount(c.link_src[prim], weights=flow[prim], minlength=c.n_pairs)
    into = np.bincount(c.link_dst[prim], weights=flow[prim], minlength=c.n_pairs)
    bk = c.link_backup
    movable = np.bincount(c.link_src[bk], weights=into[c.link_dst[bk]], minlength=c.n_pairs)
    cap = loads.capacity
    limited = np.isfinite(cap) & (loads.mode != Overload.CONGEST)
    unsafe = limited & (movable > 0) & (own + movable > np.where(limited, cap, np.inf))
    return np.asarray(unsafe, dtype=np.bool_)


@dataclass(frozen=True, eq=False)
class ScreenModel:
    """The screening model (see the module).

    ``compiled`` holds the model's nodes first, in their order, then the gates. Watch group
    ``g`` takes down nodes ``target[target_ptr[g]:target_ptr[g + 1]]`` as soon as one of the
    pairs ``watch[watch_ptr[g]:watch_ptr[g + 1]]`` (of ``compiled``) stops delivering;
    ``pair_ptr``/``pair_group`` give per pair the groups that watch it.
    """

    compiled: CompiledModel
    target_ptr: NDArray[np.int64]
    target: NDArray[np.int64]
    watch_ptr: NDArray[np.int64]
    watch: NDArray[np.int64]
    pair_ptr: NDArray[np.int64]
    pair_group: NDArray[np.int64]


def _csr(groups: list[list[int]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    ptr = np.zeros(len(groups) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(g) for g in groups])
    flat = [x for g in groups for x in g]
    return ptr, np.asarray(flat, dtype=np.int64)


def screen_model(compiled: CompiledModel, loads: LoadInputs | None) -> ScreenModel:
    """The :class:`ScreenModel` of ``compiled`` with ``loads``: the compiled model itself,
    with no watch group, when no backup may shed or trip. O(P + L)."""
    unsafe = (
        unsafe_backups(compiled, loads)
        if loads is not None
        else np.zeros(compiled.n_pairs, dtype=np.bool_)
    )
    c = compiled
    if not unsafe.any():
        empty = np.zeros(0, dtype=np.int64)
        zero = np.zeros(1, dtype=np.int64)
        return ScreenModel(c, zero, empty, zero, empty, np.zeros(c.n_pairs + 1, np.int64), empty)
    assert loads is not None
    trip = unsafe & (loads.mode == Overload.TRIP)
    shed = unsafe & ~trip
    loaded = ~c.link_backup & (loads.flow > 0)

    def loaded_primaries(pair: int) -> list[int]:
        return [
            int(c.in_src[j])
            for j in range(int(c.in_ptr[pair]), int(c.in_ptr[pair + 1]))
            if loaded[c.in_link[j]]
        ]

    sup = c.pair_node[c.link_src].copy()
    n = c.n_nodes
    gates: list[tuple[int, int]] = []  # (gate node, its backup link)
    targets: list[list[int]] = []
    watched: list[list[int]] = []
    # consumers a backup may shed: each of their backups through a gate
    sheddable = np.zeros(c.n_pairs, dtype=np.bool_)
    sheddable[c.link_dst[c.link_backup & shed[c.link_src]]] = True
    for q in np.flatnonzero(sheddable).tolist():
        mine = []
        for j in range(int(c.in_ptr[q]), int(c.in_ptr[q + 1])):
            lk = int(c.in_link[j])
            if c.link_backup[lk]:
                x = n + len(gates)
                gates.append((x, lk))
                sup[lk] = x
                mine.append(x)
        targets.append(mine)
        watched.append(loaded_primaries(q))
    # backups that may trip
    for b in np.flatnonzero(trip).tolist():
        watch: dict[int, None] = {}
        for j in range(int(c.out_ptr[b]), int(c.out_ptr[b + 1])):
            if c.link_backup[c.out_link[j]]:
                watch.update(dict.fromkeys(loaded_primaries(int(c.out_dst[j]))))
        targets.append([int(c.pair_node[b])])
        watched.append(list(watch))
    # the screening model: the backup links of gated consumers start at their gates
    g_src = np.asarray([c.pair_node[c.link_src[lk]] for _, lk in gates], dtype=np.int64)
    g_node = np.asarray([x for x, _ in gates], dtype=np.int64)
    g_res = c.pair_resource[c.link_src[[lk for _, lk in gates]]].astype(np.int64)
    req = np.flatnonzero(c.pair_required)
    stores = np.flatnonzero(c.pair_role == PairRole.STORE)
    screen = compile_arrays(
        (*c.node_ids, *(f"~gate-{lk}" for _, lk in gates)),
        np.concatenate([c.node_kind, np.zeros(len(gates), dtype=np.int8)]),
        c.resource_ids,
        link_supplier=np.concatenate([sup, g_src]),
        link_consumer=np.concatenate([c.pair_node[c.link_dst], g_node]),
        link_resource=np.concatenate([c.pair_resource[c.link_src], g_res]),
        link_backup=np.concatenate([c.link_backup, np.zeros(len(gates), dtype=np.bool_)]),
        req_node=c.pair_node[req],
        req_resource=c.pair_resource[req],
        req_k=c.pair_k[req],
        req_buffer_h=c.pair_buffer_h[req],
        store_node=c.pair_node[stores],
        store_resource=c.pair_resource[stores],
        store_autonomy_h=c.pair_autonomy_h[stores],
    )
    # watched pairs in the screening model's numbering (its pairs: the model's, by node and
    # resource, with the gates' after them)
    shift = np.arange(c.n_pairs, dtype=np.int64)
    t_ptr, t_flat = _csr(targets)
    w_ptr, w_flat = _csr(watched)
    w_flat = shift[w_flat]
    order = np.argsort(w_flat, kind="stable")
    group_of = np.repeat(np.arange(len(watched), dtype=np.int64), np.diff(w_ptr))
    p_ptr = np.zeros(screen.n_pairs + 1, dtype=np.int64)
    np.add.at(p_ptr, w_flat + 1, 1)
    return ScreenModel(
        screen, t_ptr, t_flat, w_ptr, w_flat, np.cumsum(p_ptr), group_of[order].astype(np.int64)
    )
