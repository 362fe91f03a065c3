"""The parts of many cases as one small model, for the process (:func:`run_process`).

A case of a batch (a set of initial failures) touches part of the city only. Given, per
case, a set of nodes ``R`` outside which the process changes nothing (every node outside
works throughout and every pair of it receives and delivers as before any event;
:mod:`vitaal.engine.process_cases` finds it), the process run on ``R`` and its *boundary*
gives the full run's outcome for every node of ``R``:

- every node of ``R`` keeps its pairs, requirements, stores and every link into it;
- every supplier of a pair of ``R`` from outside (the boundary) is a producer that always
  delivers, with its real links into ``R`` (their flows and backup flags);
- a pair of ``R`` or of the boundary that could shed or trip under moved load (``keep_own``)
  keeps, when it backs up a pair of ``R``, its other primary links too, each into a
  *stand-in* consumer that runs throughout, so that its own load is the full model's, summed
  in the same order.

:func:`cone_union` lays the parts of a chunk of cases side by side in one
:class:`~vitaal.engine.compile.CompiledModel` (each case its own copy, no link between
copies), so that one call of the process runs the whole chunk. Nodes, pairs and links keep
their relative order within each copy, so every tie is broken as in the full model.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

import numpy as np
from numba import njit
from numpy.typing import NDArray

from vitaal.engine.compile import CompiledModel, PairRole, compile_arrays

__all__ = [
    "BOUNDARY",
    "CONE",
    "STAND_IN",
    "ConeUnion",
    "GraphArrays",
    "cone_union",
    "graph_arrays",
    "union_scratch",
]

#: What a node of a :class:`ConeUnion` is in its case.
CONE, BOUNDARY, STAND_IN = 1, 2, 3


@dataclass(frozen=True, eq=False)
class GraphArrays:
    """The arrays of a compiled model that the parts are cut from (no id mappings: cheap to
    pickle and to send to a cluster)."""

    node_kind: NDArray[np.int8]
    resource_ids: tuple[str, ...]
    node_ptr: NDArray[np.int64]
    pair_node: NDArray[np.int64]
    pair_resource: NDArray[np.int64]
    pair_role: NDArray[np.int8]
    pair_required: NDArray[np.bool_]
    pair_k: NDArray[np.int64]
    pair_buffer_h: NDArray[np.float64]
    pair_autonomy_h: NDArray[np.float64]
    out_ptr: NDArray[np.int64]
    out_dst: NDArray[np.int64]
    out_link: NDArray[np.int64]
    in_ptr: NDArray[np.int64]
    in_src: NDArray[np.int64]
    in_link: NDArray[np.int64]
    link_src: NDArray[np.int64]
    link_backup: NDArray[np.bool_]
    store_out_ptr: NDArray[np.int64]
    store_out_dst: NDArray[np.int64]

    @property
    def n_nodes(self) -> int:
        return int(self.node_ptr.shape[0]) - 1


def graph_arrays(compiled: CompiledModel) -> GraphArrays:
    """The :class:`GraphArrays` of ``compiled`` (views, no copies)."""
    c = compiled
    return GraphArrays(
        c.node_kind, c.resource_ids, c.node_ptr, c.pair_node, c.pair_resource, c.pair_role,
        c.pair_required, c.pair_k, c.pair_buffer_h, c.pair_autonomy_h, c.out_ptr, c.out_dst,
        c.out_link, c.in_ptr, c.in_src, c.in_link, c.link_src, c.link_backup, c.store_out_ptr,
        c.store_out_dst,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def _grown(a: NDArray[np.int64], need: int) -> NDArray[np.int64]:
    if need <= a.shape[0]:
        return a
    out = np.empty(max(2 * a.shape[0], need), dtype=np.int64)
    out[: a.shape[0]] = a
    return out


@njit(cache=True, nogil=True)
def _backs_up_part(
    p: int,
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    out_link: NDArray[np.int64],
    link_backup: NDArray[np.bool_],
    pair_node: NDArray[np.int64],
    state: NDArray[np.int8],
) -> bool:
    for j in range(out_ptr[p], out_ptr[p + 1]):
        if link_backup[out_link[j]] and state[pair_node[out_dst[j]]] == 1:
            return True
    return False


@njit(cache=True, nogil=True)
def _parts(
    part_ptr: NDArray[np.int64],
    part: NDArray[np.int64],
    node_ptr: NDArray[np.int64],
    pair_node: NDArray[np.int64],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    out_link: NDArray[np.int64],
    in_ptr: NDArray[np.int64],
    in_src: NDArray[np.int64],
    in_link: NDArray[np.int64],
    link_backup: NDArray[np.bool_],
    keep_own: NDArray[np.bool_],
    scratch: tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int8], NDArray[np.int64],
           NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:  # fmt: skip
    """Per case (its nodes ``part[part_ptr[c]:part_ptr[c + 1]]``, ascending and distinct),
    the nodes and links of its copy.

    Returns ``node_ptr`` (per case, its nodes in ``node``), ``node`` (the full model's node
    of each, -1 for a stand-in), ``flag`` (:data:`CONE`, :data:`BOUNDARY`,
    :data:`STAND_IN`), ``link_ptr`` (per case, its links), ``link`` (the full model's link,
    ascending within a case), ``link_sup`` and ``link_con`` (its supplier and consumer as
    positions within the case). A case's part and boundary nodes come in the full model's
    order, then its stand-ins in the order of their links. ``scratch``: per node of the
    model a state (zeros), a position (-1) and a free slot, left so.
    """
    n_cases = part_ptr.shape[0] - 1
    state, local, bound = scratch  # state: 0 outside, 1 part, 2 boundary
    o_nptr = np.zeros(n_cases + 1, dtype=np.int64)
    o_lptr = np.zeros(n_cases + 1, dtype=np.int64)
    o_node = np.empty(1024, dtype=np.int64)
    o_flag = np.empty(1024, dtype=np.int8)
    o_link = np.empty(1024, dtype=np.int64)
    o_sup = np.empty(1024, dtype=np.int64)
    o_con = np.empty(1024, dtype=np.int64)
    links = np.empty(1024, dtype=np.int64)
    l_sup = np.empty(1024, dtype=np.int64)
    l_con = np.empty(1024, dtype=np.int64)
    nn = 0
    nl = 0
    for c in range(n_cases):
        lo, hi = part_ptr[c], part_ptr[c + 1]
        for i in range(lo, hi):
            state[part[i]] = 1
        n_b = 0
        for i in range(lo, hi):
            v = part[i]
            for p in range(node_ptr[v], node_ptr[v + 1]):
                for j in range(in_ptr[p], in_ptr[p + 1]):
                    u = pair_node[in_src[j]]
                    if state[u] == 0:
                        state[u] = 2
                        bound[n_b] = u
                        n_b += 1
        nodes = np.sort(np.concatenate((part[lo:hi], bound[:n_b])))
        n_here = nodes.shape[0]
        for i in range(n_here):
            local[nodes[i]] = i
        # links into the part, and the other primary links of the pairs that keep them
        n_lk = 0
        n_std = 0
        for i in range(n_here):
            v = nodes[i]
            for p in range(node_ptr[v], node_ptr[v + 1]):
                if state[v] == 1:
                    for j in range(in_ptr[p], in_ptr[p + 1]):
                        links = _grown(links, n_lk + 1)
                        l_sup = _grown(l_sup, n_lk + 1)
                        l_con = _grown(l_con, n_lk + 1)
                        links[n_lk] = in_link[j]
                        l_sup[n_lk] = local[pair_node[in_src[j]]]
                        l_con[n_lk] = i
                        n_lk += 1
                if keep_own[p] and _backs_up_part(
                    p, out_ptr, out_dst, out_link, link_backup, pair_node, state
                ):
                    for j in range(out_ptr[p], out_ptr[p + 1]):
                        lk = out_link[j]
                        if not link_backup[lk] and state[pair_node[out_dst[j]]] != 1:
                            links = _grown(links, n_lk + 1)
                            l_sup = _grown(l_sup, n_lk + 1)
                            l_con = _grown(l_con, n_lk + 1)
                            links[n_lk] = lk
                            l_sup[n_lk] = i
                            l_con[n_lk] = -1  # a stand-in, numbered below
                            n_lk += 1
                            n_std += 1
        order = np.argsort(links[:n_lk])
        o_node = _grown(o_node, nn + n_here + n_std)
        if o_flag.shape[0] < nn + n_here + n_std:
            grown = np.empty(max(2 * o_flag.shape[0], nn + n_here + n_std), dtype=np.int8)
            grown[: o_flag.shape[0]] = o_flag
            o_flag = grown
        o_link = _grown(o_link, nl + n_lk)
        o_sup = _grown(o_sup, nl + n_lk)
        o_con = _grown(o_con, nl + n_lk)
        for i in range(n_here):
            o_node[nn + i] = nodes[i]
            o_flag[nn + i] = 1 if state[nodes[i]] == 1 else 2
        n_local = n_here
        for i in range(n_lk):
            k = order[i]
            o_link[nl + i] = links[k]
            o_sup[nl + i] = l_sup[k]
            if l_con[k] < 0:
                o_node[nn + n_local] = -1
                o_flag[nn + n_local] = 3
                o_con[nl + i] = n_local
                n_local += 1
            else:
                o_con[nl + i] = l_con[k]
        for i in range(n_here):
            state[nodes[i]] = 0
            local[nodes[i]] = -1
        nn += n_local
        nl += n_lk
        o_nptr[c + 1] = nn
        o_lptr[c + 1] = nl
    return (o_nptr, o_node[:nn].copy(), o_flag[:nn].copy(), o_lptr, o_link[:nl].copy(),
            o_sup[:nl].copy(), o_con[:nl].copy())  # fmt: skip


@njit(cache=True, nogil=True)
def _pair_in_full(
    node: NDArray[np.int64],
    pair_node: NDArray[np.int64],
    pair_resource: NDArray[np.int64],
    full_node_ptr: NDArray[np.int64],
    full_pair_resource: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Per pair of the union, the full model's pair (-1 for a stand-in's)."""
    out = np.full(pair_node.shape[0], -1, dtype=np.int64)
    for q in range(pair_node.shape[0]):
        v = node[pair_node[q]]
        if v < 0:
            continue
        for p in range(full_node_ptr[v], full_node_ptr[v + 1]):
            if full_pair_resource[p] == pair_resource[q]:
                out[q] = p
                break
    return out


@dataclass(frozen=True, eq=False)
class ConeUnion:
    """The parts of a chunk of cases side by side as one compiled model.

    ``compiled`` is the model (node ids ``"0"``, ``"1"``, ...); its node ``i`` is ``node[i]``
    of the full model (-1 for a stand-in), ``flag[i]`` says what it is (:data:`CONE` for a
    node of the case's part, :data:`BOUNDARY`, :data:`STAND_IN`), and case ``c`` holds
    nodes ``node_ptr[c]:node_ptr[c + 1]``. ``pair`` and ``link`` give per pair and per link
    of ``compiled`` the full model's (-1 for a stand-in's pair).
    """

    compiled: CompiledModel
    node_ptr: NDArray[np.int64]
    node: NDArray[np.int64]
    flag: NDArray[np.int8]
    pair: NDArray[np.int64]
    link: NDArray[np.int64]


_IDS: list[str] = []


def _ids(n: int) -> tuple[str, ...]:
    """Node ids ``"0"``, ``"1"``, ... (kept from one chunk to the next)."""
    if len(_IDS) < n:
        _IDS.extend(str(i) for i in range(len(_IDS), max(n, 2 * len(_IDS))))
    return tuple(_IDS[:n])


class _Numbered(Mapping[str, int]):
    """Id -> index for ids ``"0"``, ``"1"``, ...: read off the id, no dictionary to build."""

    __slots__ = ("_n",)

    def __init__(self, n: int) -> None:
        self._n = n

    def __getitem__(self, key: str) -> int:
        try:
            i = int(key)
        except (TypeError, ValueError):
            raise KeyError(key) from None
        if not 0 <= i < self._n or key != _IDS[i]:  # "07" and " 7" are not ids
            raise KeyError(key)
        return i

    def __contains__(self, key: object) -> bool:
        try:
            i = int(key)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return False
        return bool(0 <= i < self._n and key == _IDS[i])

    def __iter__(self) -> Iterator[str]:
        return iter(_ids(self._n))

    def __len__(self) -> int:
        return self._n


def union_scratch(g: GraphArrays) -> tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]]:
    """Scratch for :func:`cone_union`, one per thread, kept from one call to the next."""
    n = g.n_nodes
    return np.zeros(n, dtype=np.int8), np.full(n, -1, dtype=np.int64), np.empty(n, np.int64)


def cone_union(
    g: GraphArrays,
    part_ptr: NDArray[np.int64],
    part: NDArray[np.int64],
    keep_own: NDArray[np.bool_],
    scratch: tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]] | None = None,
) -> ConeUnion:
    """The parts ``part[part_ptr[c]:part_ptr[c + 1]]`` (ascending, distinct) of a chunk of
    cases side by side, each with its boundary and stand-ins (see the module).
    O(sum over the cases of the links into their parts and boundaries), with ``scratch``
    (:func:`union_scratch`); without, O(N) more to make it."""
    nptr, node, flag, lptr, link, sup, con = _parts(
        np.asarray(part_ptr, dtype=np.int64), np.asarray(part, dtype=np.int64), g.node_ptr,
        g.pair_node, g.out_ptr, g.out_dst, g.out_link, g.in_ptr, g.in_src, g.in_link,
        g.link_backup, keep_own, scratch if scratch is not None else union_scratch(g),
    )  # fmt: skip
    off = np.repeat(nptr[:-1], np.diff(lptr))
    n = int(node.shape[0])
    real = node >= 0
    kind = np.zeros(n, dtype=np.int8)
    kind[real] = g.node_kind[node[real]]
    # the requirements and stores of the parts' pairs
    inner = np.flatnonzero(flag == CONE)
    first = g.node_ptr[node[inner]]
    count = g.node_ptr[node[inner] + 1] - first
    c_pair = _ranges(first, count)
    c_node = np.repeat(inner, count)
    req = g.pair_required[c_pair]
    store = g.pair_role[c_pair] == PairRole.STORE
    compiled = compile_arrays(
        _ids(n),
        kind,
        g.resource_ids,
        link_supplier=sup + off,
        link_consumer=con + off,
        link_resource=g.pair_resource[g.link_src[link]],
        link_backup=g.link_backup[link],
        req_node=c_node[req],
        req_resource=g.pair_resource[c_pair[req]],
        req_k=g.pair_k[c_pair[req]],
        req_buffer_h=g.pair_buffer_h[c_pair[req]],
        store_node=c_node[store],
        store_resource=g.pair_resource[c_pair[store]],
        store_autonomy_h=g.pair_autonomy_h[c_pair[store]],
    )
    pair = _pair_in_full(
        node, compiled.pair_node, compiled.pair_resource, g.node_ptr, g.pair_resource
    )
    compiled = replace(compiled, node_index=_Numbered(n))
    return ConeUnion(compiled, nptr, node, flag, pair, link)


def _ranges(start: NDArray[np.int64], count: NDArray[np.int64]) -> NDArray[np.int64]:
    """``concatenate([arange(s, s + c) for s, c in zip(start, count)])`` without a loop."""
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(start - np.concatenate(([0], np.cumsum(count)[:-1])), count)
    return (shift + np.arange(total)).astype(np.int64)
