"""The compiled parts of the process (:mod:`vitaal.engine.process`): supply over the working
components, and why a batch of pairs lost it."""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["CAUSE_PATH", "CAUSE_STORE", "CAUSE_SUPPLIER", "supply_state", "why_lost"]

#: :class:`~vitaal.engine.causes.CauseCode` values the kernels give (checked in the tests).
CAUSE_SUPPLIER = 4
CAUSE_PATH = 5
CAUSE_STORE = 6


@njit(cache=True)
def supply_state(
    graph: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]],
    pair_node: NDArray[np.int64],
    pair_k: NDArray[np.int64],
    passes: NDArray[np.bool_],
    origin: NDArray[np.bool_],
    working: NDArray[np.bool_],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which pairs receive and which deliver: the least solution over the working nodes.

    ``graph`` is ``(out_ptr, out_dst, out_link, link_open)``: the supply links by supplier pair
    and which links carry (a link to a consumer shed by its backup does not). ``origin`` marks
    the pairs that deliver of themselves while their node works (producers, and stores within
    their autonomy); ``passes`` the pairs that pass on what they receive (carriers and
    stores). A pair receives when at least ``pair_k`` of its suppliers deliver. A counting
    breadth-first search from the origins: O(P + L).
    """
    out_ptr, out_dst, out_link, link_open = graph
    n = pair_node.shape[0]
    count = np.zeros(n, dtype=np.int64)
    received = np.zeros(n, dtype=np.bool_)
    delivers = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for p in range(n):
        if origin[p] and working[pair_node[p]]:
            delivers[p] = True
            queue[tail] = p
            tail += 1
    while head < tail:
        p = queue[head]
        head += 1
        for e in range(out_ptr[p], out_ptr[p + 1]):
            if not link_open[out_link[e]]:
                continue
            q = out_dst[e]
            count[q] += 1
            if count[q] == pair_k[q]:
                received[q] = True
                if passes[q] and not delivers[q] and working[pair_node[q]]:
                    delivers[q] = True
                    queue[tail] = q
                    tail += 1
    return received, delivers


@njit(cache=True)
def why_lost(
    pairs: NDArray[np.int64],
    in_graph: tuple[NDArray[np.int64], NDArray[np.int64]],
    pair_node: NDArray[np.int64],
    delivers: NDArray[np.bool_],
    node_works: NDArray[np.bool_],
    store_dry: NDArray[np.bool_],
) -> tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]]:
    """Per pair that lost its supply: the cause code, the supplier node it came through and
    the node upstream that set it off.

    A pair whose store ran dry (``store_dry``): STORE, via itself. Else one of its suppliers
    that does not deliver is down: SUPPLIER, that supplier. Else PATH: the supply was cut
    further up; the cause node is the nearest node that is not working, found by a
    breadth-first walk back through pairs that do not deliver (-1 when there is none).
    ``in_graph`` is ``(in_ptr, in_src)``. O(sum of the walks); a blackout walks one step.
    """
    in_ptr, in_src = in_graph
    m = pairs.shape[0]
    code = np.zeros(m, dtype=np.int8)
    via = np.full(m, -1, dtype=np.int64)
    cause = np.full(m, -1, dtype=np.int64)
    n = pair_node.shape[0]
    stamp = np.zeros(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    for i in range(m):
        p = pairs[i]
        first = -1
        down = -1
        for e in range(in_ptr[p], in_ptr[p + 1]):
            q = in_src[e]
            if not delivers[q]:
                if first < 0:
                    first = pair_node[q]
                if down < 0 and not node_works[pair_node[q]]:
                    down = pair_node[q]
        if not store_dry[p] and down >= 0:
            code[i] = CAUSE_SUPPLIER
            via[i] = down
            cause[i] = down
            continue
        code[i] = CAUSE_STORE if store_dry[p] else CAUSE_PATH
        via[i] = pair_node[p] if store_dry[p] else first
        # walk back through pairs that do not deliver to the nearest node that is down
        mark = i + 1
        stamp[p] = mark
        head = 0
        tail = 1
        queue[0] = p
        found = -1
        while head < tail and found < 0:
            x = queue[head]
            head += 1
            for e in range(in_ptr[x], in_ptr[x + 1]):
                q = in_src[e]
                if stamp[q] == mark or delivers[q]:
                    continue
                if not node_works[pair_node[q]]:
                    found = pair_node[q]
                    break
                stamp[q] = mark
                queue[tail] = q
                tail += 1
        cause[i] = found
    return code, via, cause
