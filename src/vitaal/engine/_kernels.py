"""The compiled hot loops of the engine (numba ``@njit``).

Everything here works on flat integer and float arrays only; ``compile.py`` and ``cascade.py``
prepare the arrays and read the results. The algorithms are described in ``docs/engine.md``.
Set the environment variable ``NUMBA_DISABLE_JIT=1`` to run them as plain Python when
debugging.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

# Pair roles (mirror of compile.PairRole, which numba cannot read).
PRODUCER = 0
CARRIER = 1
STORE = 2
SINK = 3

# Cause codes (mirror of cascade.CauseCode).
C_NONE = 0
C_EVENT = 1
C_HAZARD = 2
C_COMMON = 3
C_SUPPLIER = 4
C_PATH = 5
C_STORE = 6
C_OVERLOAD = 7

# Entry kinds of the event queue.
K_FAIL = 0
K_STOCK = 1

_REL_TOL = 1e-9


@njit(cache=True)
def baseline_reach(
    role: NDArray[np.int8],
    k: NDArray[np.int64],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    cnt: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Pairs that receive with every node working, counting producers only as origins.

    k-of-n forward chaining (a pair is reached once ``k`` of its suppliers are): the least
    fixed point of ``received0`` before any event. ``cnt`` is zeroed scratch of length P.
    O(P + L).
    """
    n = role.shape[0]
    reached = np.zeros(n, dtype=np.bool_)
    stack = np.empty(n, dtype=np.int64)
    top = 0
    for p in range(n):
        if role[p] == PRODUCER:
            reached[p] = True
            stack[top] = p
            top += 1
    while top > 0:
        top -= 1
        p = stack[top]
        for j in range(out_ptr[p], out_ptr[p + 1]):
            q = out_dst[j]
            cnt[q] += 1
            if not reached[q] and cnt[q] >= k[q]:
                reached[q] = True
                stack[top] = q
                top += 1
    return reached


@njit(cache=True)
def store_feeding(
    role: NDArray[np.int8], in_ptr: NDArray[np.int64], in_src: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Pairs from which a store can be reached along supply links (stores included).

    Only these pairs can carry the producers-only supply (``received0``) that starts a store's
    autonomy; the set is closed upwards (every supplier of such a pair is one), so the
    producers-only pass of the sweep may run on the links into them alone. O(P + L).
    """
    n = role.shape[0]
    feeds = np.zeros(n, dtype=np.bool_)
    stack = np.empty(n, dtype=np.int64)
    top = 0
    for p in range(n):
        if role[p] == STORE:
            feeds[p] = True
            stack[top] = p
            top += 1
    while top > 0:
        top -= 1
        p = stack[top]
        for j in range(in_ptr[p], in_ptr[p + 1]):
            q = in_src[j]
            if not feeds[q]:
                feeds[q] = True
                stack[top] = q
                top += 1
    return feeds


# -- event queue: a binary heap of entry ids ordered by (time, order, id) -------------------
@njit(cache=True)
def _before(a: int, b: int, ent_time: NDArray[np.float64], ent_order: NDArray[np.int64]) -> bool:
    if ent_time[a] != ent_time[b]:
        return bool(ent_time[a] < ent_time[b])
    if ent_order[a] != ent_order[b]:
        return bool(ent_order[a] < ent_order[b])
    return a < b


@njit(cache=True)
def _heap_push(
    heap: NDArray[np.int64],
    size: int,
    e: int,
    ent_time: NDArray[np.float64],
    ent_order: NDArray[np.int64],
) -> int:
    i = size
    heap[i] = e
    while i > 0:
        parent = (i - 1) // 2
        if _before(heap[i], heap[parent], ent_time, ent_order):
            heap[i], heap[parent] = heap[parent], heap[i]
            i = parent
        else:
            break
    return size + 1


@njit(cache=True)
def _heap_pop(
    heap: NDArray[np.int64],
    size: int,
    ent_time: NDArray[np.float64],
    ent_order: NDArray[np.int64],
) -> int:
    """Remove the top entry (read it as ``heap[0]`` first); returns the new size."""
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and _before(heap[left + 1], heap[left], ent_time, ent_order):
            child = left + 1
        if _before(heap[child], heap[i], ent_time, ent_order):
            heap[i], heap[child] = heap[child], heap[i]
            i = child
        else:
            break
    return size


@njit(cache=True)
def _dred(
    t: float,
    seeds: NDArray[np.int64],
    n_seeds: int,
    premarked: NDArray[np.int64],
    n_pre: int,
    use_stock: bool,
    role: NDArray[np.int8],
    k: NDArray[np.int64],
    pair_node: NDArray[np.int64],
    stock_end: NDArray[np.float64],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    rcv: NDArray[np.bool_],
    dl: NDArray[np.bool_],
    cnt: NDArray[np.int64],
    stop_code: NDArray[np.int8],
    stop_culprit: NDArray[np.int64],
    lost_code: NDArray[np.int8],
    lost_culprit: NDArray[np.int64],
    lost_via: NDArray[np.int64],
    mark: NDArray[np.bool_],
    tent_off: NDArray[np.bool_],
    queue: NDArray[np.int64],
    marked: NDArray[np.int64],
    lost: NDArray[np.int64],
    stopped: NDArray[np.int64],
    src_of: NDArray[np.int64],
) -> tuple[int, int]:
    """Delete-then-rederive of the least fixed point ``rcv`` after ``seeds`` stopped delivering.

    ``seeds`` already have ``dl`` False, ``cnt`` of their consumers not yet decremented, and
    ``stop_code``/``stop_culprit`` set. ``premarked`` seeds (stores whose stock ran out while
    they still received: that supply may have run through their own stock, round a ring) also
    have ``rcv`` False, ``mark`` and ``tent_off`` set and their ``lost_*`` cause preset: they are
    re-derived like any other pair. Phase 1 over-deletes every receiving pair downstream of
    a seed (support through rings may be circular, so counts alone cannot tell); phase 2
    re-derives, by k-of-n forward chaining from the pairs still delivering, those that keep
    ``k`` suppliers; phase 3 gives each pair that really lost supply its cause, by a search
    from the seeds along links between pairs that stopped delivering (every such pair is
    reached: a pair that lost supply lost it through a supplier that stopped at this instant).

    Writes the pairs that lost ``rcv`` to ``lost`` and the pairs (seeds included) that stopped
    delivering to ``stopped``; returns their counts. O(size of the part downstream of the
    seeds, in pairs and links).
    """
    # phase 1: over-delete
    head = 0
    tail = 0
    n_marked = 0
    for i in range(n_pre):
        marked[n_marked] = premarked[i]
        n_marked += 1
    for i in range(n_seeds):
        queue[tail] = seeds[i]
        tail += 1
    while head < tail:
        p = queue[head]
        head += 1
        for j in range(out_ptr[p], out_ptr[p + 1]):
            q = out_dst[j]
            cnt[q] -= 1
            if rcv[q] and not mark[q]:
                mark[q] = True
                rcv[q] = False
                marked[n_marked] = q
                src_of[n_marked] = p
                n_marked += 1
                in_stock = use_stock and role[q] == STORE and stock_end[q] > t
                if dl[q] and not in_stock:
                    dl[q] = False
                    tent_off[q] = True
                    queue[tail] = q
                    tail += 1
    # phase 2: re-derive (queue reused as a stack)
    n_re = 0
    top = 0
    for i in range(n_marked):
        q = marked[i]
        if cnt[q] >= k[q]:
            queue[top] = q
            top += 1
    while top > 0:
        top -= 1
        q = queue[top]
        if rcv[q]:
            continue
        rcv[q] = True
        n_re += 1
        if tent_off[q]:
            tent_off[q] = False
            dl[q] = True
            for j in range(out_ptr[q], out_ptr[q + 1]):
                u = out_dst[j]
                cnt[u] += 1
                if mark[u] and not rcv[u] and cnt[u] >= k[u]:
                    queue[top] = u
                    top += 1
    if n_re == 0:
        # nothing came back: phase 3 would walk phase 1's search again, in the same order
        # (the queue is untouched, no pair was pushed in phase 2), and give each pair the
        # cause of the pair it was first reached from; take that from phase 1 directly
        for i in range(n_pre):
            q = premarked[i]
            tent_off[q] = False
            mark[q] = False
            lost[i] = q
        for i in range(n_pre, n_marked):
            q = marked[i]
            p = src_of[i]
            mark[q] = False
            lost[i] = q
            lost_code[q] = stop_code[p]
            lost_culprit[q] = stop_culprit[p]
            lost_via[q] = pair_node[p]
            if tent_off[q]:
                tent_off[q] = False
                stop_code[q] = C_STORE if stop_code[p] == C_STORE else C_PATH
                stop_culprit[q] = stop_culprit[p]
        for i in range(tail):
            stopped[i] = queue[i]
        return n_marked, tail
    # phase 3: causes, breadth first from the seeds over pairs that stopped delivering
    head = 0
    tail = 0
    n_lost = 0
    for i in range(n_pre):
        q = premarked[i]
        tent_off[q] = False
        if not rcv[q]:
            mark[q] = False
            lost[n_lost] = q
            n_lost += 1
    for i in range(n_seeds):
        if not dl[seeds[i]]:  # a re-derived premarked seed delivers again
            queue[tail] = seeds[i]
            tail += 1
    while head < tail:
        p = queue[head]
        head += 1
        for j in range(out_ptr[p], out_ptr[p + 1]):
            q = out_dst[j]
            if mark[q] and not rcv[q]:
                mark[q] = False  # assigned
                lost[n_lost] = q
                n_lost += 1
                lost_code[q] = stop_code[p]
                lost_culprit[q] = stop_culprit[p]
                lost_via[q] = pair_node[p]
                if tent_off[q]:
                    tent_off[q] = False
                    stop_code[q] = C_STORE if stop_code[p] == C_STORE else C_PATH
                    stop_culprit[q] = stop_culprit[p]
                    queue[tail] = q
                    tail += 1
    # clear the marks left on re-derived pairs; a lost pair the search did not reach would
    # break the argument above, so it is still reported, with no culprit (-1)
    for i in range(n_marked):
        q = marked[i]
        if mark[q] and not rcv[q]:
            lost[n_lost] = q
            n_lost += 1
            lost_code[q] = C_PATH
            lost_culprit[q] = -1
            lost_via[q] = -1
        mark[q] = False
        tent_off[q] = False
    for i in range(tail):
        stopped[i] = queue[i]
    return n_lost, tail


@njit(cache=True)
def sweep(
    n_nodes: int,
    pair_node: NDArray[np.int64],
    pair_res: NDArray[np.int64],
    role: NDArray[np.int8],
    required: NDArray[np.bool_],
    k: NDArray[np.int64],
    buf: NDArray[np.float64],
    aut: NDArray[np.float64],
    node_ptr: NDArray[np.int64],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    out_link: NDArray[np.int64],
    store_out_ptr: NDArray[np.int64],
    store_out_dst: NDArray[np.int64],
    in_ptr: NDArray[np.int64],
    in_src: NDArray[np.int64],
    in_link: NDArray[np.int64],
    link_backup: NDArray[np.bool_],
    init_node: NDArray[np.int64],
    init_time: NDArray[np.float64],
    init_cause: NDArray[np.int8],
    init_cnode: NDArray[np.int64],
    horizon: float,
    use_load: bool,
    flow: NDArray[np.float64],
    load: NDArray[np.float64],
    peak: NDArray[np.float64],
    cap: NDArray[np.float64],
    fail: NDArray[np.float64],
    order: NDArray[np.int64],
    cause: NDArray[np.int8],
    cause_node: NDArray[np.int64],
    cause_via: NDArray[np.int64],
    cause_res: NDArray[np.int64],
    recv_time: NDArray[np.float64],
    supply_end: NDArray[np.float64],
) -> None:
    """The timed cascade: a sweep over event times with a priority queue.

    Outputs are written to ``fail`` ... ``supply_end`` (pre-filled with inf / 0 / -1 by the
    caller); ``flow`` and ``load`` are updated in place when ``use_load``, and ``peak`` keeps
    the highest load each pair reached (its size is the number of pairs then). See
    ``docs/engine.md`` for the semantics and ``cascade.run_cascade`` for the arguments.

    Each pair loses supply at most once and each node fails at most once, so every pair and
    link is deleted once and re-derived at most once per instant that touches it:
    O((N + P) log(N + P) + sum over instants of the part downstream of what failed then).
    """
    n_pairs = pair_node.shape[0]
    inf = np.inf

    working = np.ones(n_nodes, dtype=np.bool_)
    rcv = np.ones(n_pairs, dtype=np.bool_)
    rcv0 = np.ones(n_pairs, dtype=np.bool_)
    dl = np.ones(n_pairs, dtype=np.bool_)
    dl0 = np.ones(n_pairs, dtype=np.bool_)
    cnt = np.empty(n_pairs, dtype=np.int64)
    for p in range(n_pairs):
        cnt[p] = in_ptr[p + 1] - in_ptr[p]
    cnt0 = cnt.copy()
    stock_end = np.full(n_pairs, inf)
    # why each pair stopped delivering / lost supply, in the main and in the producers-only view
    stop_code = np.zeros(n_pairs, dtype=np.int8)
    stop_culprit = np.full(n_pairs, -1, dtype=np.int64)
    lost_code = np.zeros(n_pairs, dtype=np.int8)
    lost_culprit = np.full(n_pairs, -1, dtype=np.int64)
    lost_via = np.full(n_pairs, -1, dtype=np.int64)
    stop_code0 = np.zeros(n_pairs, dtype=np.int8)
    stop_culprit0 = np.full(n_pairs, -1, dtype=np.int64)
    lost_code0 = np.zeros(n_pairs, dtype=np.int8)
    lost_culprit0 = np.full(n_pairs, -1, dtype=np.int64)
    lost_via0 = np.full(n_pairs, -1, dtype=np.int64)
    # scratch for the delete-then-rederive passes
    mark = np.zeros(n_pairs, dtype=np.bool_)
    tent_off = np.zeros(n_pairs, dtype=np.bool_)
    queue = np.empty(n_pairs, dtype=np.int64)
    marked = np.empty(n_pairs, dtype=np.int64)
    lost = np.empty(n_pairs, dtype=np.int64)
    stopped = np.empty(n_pairs, dtype=np.int64)
    src_of = np.empty(n_pairs, dtype=np.int64)
    seeds = np.empty(n_pairs, dtype=np.int64)
    seeds0 = np.empty(n_pairs, dtype=np.int64)
    premarked = np.empty(n_pairs, dtype=np.int64)
    # pairs that stopped delivering, and nodes that failed, since the last load move
    moved_pairs = np.empty(n_pairs, dtype=np.int64)
    n_moved_pairs = 0
    shed_nodes = np.empty(n_nodes, dtype=np.int64)
    n_shed = 0

    # entries: at most one per initial node, one per pair losing supply, one per store
    # running dry, and one overload per node
    n_ent_max = init_node.shape[0] + 2 * n_pairs + n_nodes + 1
    ent_time = np.empty(n_ent_max)
    ent_order = np.empty(n_ent_max, dtype=np.int64)
    ent_kind = np.empty(n_ent_max, dtype=np.int8)
    ent_target = np.empty(n_ent_max, dtype=np.int64)
    ent_cause = np.empty(n_ent_max, dtype=np.int8)
    ent_cnode = np.empty(n_ent_max, dtype=np.int64)
    ent_via = np.empty(n_ent_max, dtype=np.int64)
    ent_res = np.empty(n_ent_max, dtype=np.int64)
    n_ent = 0
    heap = np.empty(n_ent_max, dtype=np.int64)
    n_heap = 0
    pend = np.empty(n_nodes + 1, dtype=np.int64)
    n_pend = 0
    pend_flag = np.zeros(n_nodes, dtype=np.bool_)
    stock_due = np.empty(n_pairs + 1, dtype=np.int64)

    for i in range(init_node.shape[0]):
        if init_time[i] <= horizon:
            e = n_ent
            n_ent += 1
            ent_time[e] = init_time[i]
            ent_order[e] = 1
            ent_kind[e] = K_FAIL
            ent_target[e] = init_node[i]
            ent_cause[e] = init_cause[i]
            ent_cnode[e] = init_cnode[i]
            ent_via[e] = -1
            ent_res[e] = -1
            n_heap = _heap_push(heap, n_heap, e, ent_time, ent_order)

    while n_heap > 0:
        t = ent_time[heap[0]]
        if t > horizon:
            break
        n_stock = 0
        while n_heap > 0 and ent_time[heap[0]] == t:
            e = heap[0]
            n_heap = _heap_pop(heap, n_heap, ent_time, ent_order)
            if ent_kind[e] == K_FAIL:
                v = ent_target[e]
                if working[v] and not pend_flag[v]:
                    pend_flag[v] = True
                    pend[n_pend] = e
                    n_pend += 1
            else:
                stock_due[n_stock] = ent_target[e]
                n_stock += 1

        while True:
            n_seeds = 0
            n_seeds0 = 0
            # failures at this instant: every pair of the node stops delivering
            for i in range(n_pend):
                e = pend[i]
                v = ent_target[e]
                pend_flag[v] = False
                working[v] = False
                fail[v] = t
                order[v] = ent_order[e]
                cause[v] = ent_cause[e]
                cause_node[v] = ent_cnode[e]
                cause_via[v] = ent_via[e]
                cause_res[v] = ent_res[e]
                shed_nodes[n_shed] = v
                n_shed += 1
                for p in range(node_ptr[v], node_ptr[v + 1]):
                    if dl[p]:
                        dl[p] = False
                        stop_code[p] = C_SUPPLIER
                        stop_culprit[p] = v
                        seeds[n_seeds] = p
                        n_seeds += 1
                    if dl0[p] and store_out_ptr[p + 1] > store_out_ptr[p]:
                        dl0[p] = False
                        stop_code0[p] = C_SUPPLIER
                        stop_culprit0[p] = v
                        seeds0[n_seeds0] = p
                        n_seeds0 += 1
            n_pend = 0

            # stores whose autonomy ends now: they deliver only what they receive from here on
            n_pre = 0
            for i in range(n_stock):
                p = stock_due[i]
                v = pair_node[p]
                if not working[v] or not dl[p] or stock_end[p] > t:
                    continue
                dl[p] = False
                stop_code[p] = C_STORE
                stop_culprit[p] = lost_culprit0[p]
                seeds[n_seeds] = p
                n_seeds += 1
                if rcv[p]:
                    # what it receives may come round a ring from its own stock: re-derive
                    # it (marked just before the main pass; the scratch is shared)
                    premarked[n_pre] = p
                    n_pre += 1
                    lost_code[p] = C_STORE
                    lost_culprit[p] = lost_culprit0[p]
                    lost_via[p] = v
                    continue
                # it received nothing already: it runs dry now
                supply_end[p] = t
                tf = t + buf[p]
                if tf <= horizon:
                    cn = lost_culprit0[p]
                    e = n_ent
                    n_ent += 1
                    ent_time[e] = tf
                    ent_order[e] = order[cn] + 1 if cn >= 0 else 2
                    ent_kind[e] = K_FAIL
                    ent_target[e] = v
                    ent_cause[e] = C_STORE
                    ent_cnode[e] = cn
                    ent_via[e] = v
                    ent_res[e] = pair_res[p]
                    if tf == t:
                        if not pend_flag[v]:
                            pend_flag[v] = True
                            pend[n_pend] = e
                            n_pend += 1
                    else:
                        n_heap = _heap_push(heap, n_heap, e, ent_time, ent_order)
            n_stock = 0

            # supply counting producers only: starts the autonomy of stores that lose it
            if n_seeds0 > 0:
                n_lost, n_stopped = _dred(
                    t,
                    seeds0,
                    n_seeds0,
                    premarked,
                    0,
                    False,
                    role,
                    k,
                    pair_node,
                    stock_end,
                    store_out_ptr,
                    store_out_dst,
                    rcv0,
                    dl0,
                    cnt0,
                    stop_code0,
                    stop_culprit0,
                    lost_code0,
                    lost_culprit0,
                    lost_via0,
                    mark,
                    tent_off,
                    queue,
                    marked,
                    lost,
                    stopped,
                    src_of,
                )
                for i in range(n_lost):
                    p = lost[i]
                    if role[p] == STORE:
                        stock_end[p] = t + aut[p]
                        if aut[p] > 0 and stock_end[p] <= horizon:
                            e = n_ent
                            n_ent += 1
                            ent_time[e] = stock_end[p]
                            ent_order[e] = 0
                            ent_kind[e] = K_STOCK
                            ent_target[e] = p
                            ent_cause[e] = C_NONE
                            ent_cnode[e] = -1
                            ent_via[e] = -1
                            ent_res[e] = -1
                            n_heap = _heap_push(heap, n_heap, e, ent_time, ent_order)

            # supply with stores as origins while their autonomy lasts
            for i in range(n_pre):
                p = premarked[i]
                rcv[p] = False
                mark[p] = True
                tent_off[p] = True
            if n_seeds > 0:
                n_lost, n_stopped = _dred(
                    t,
                    seeds,
                    n_seeds,
                    premarked,
                    n_pre,
                    True,
                    role,
                    k,
                    pair_node,
                    stock_end,
                    out_ptr,
                    out_dst,
                    rcv,
                    dl,
                    cnt,
                    stop_code,
                    stop_culprit,
                    lost_code,
                    lost_culprit,
                    lost_via,
                    mark,
                    tent_off,
                    queue,
                    marked,
                    lost,
                    stopped,
                    src_of,
                )
                for i in range(n_stopped):
                    moved_pairs[n_moved_pairs] = stopped[i]
                    n_moved_pairs += 1
                for i in range(n_lost):
                    p = lost[i]
                    if required[p]:
                        recv_time[p] = t
                    if role[p] == STORE and stock_end[p] > t:
                        continue  # it supplies itself from its stock until it runs dry
                    supply_end[p] = t
                    v = pair_node[p]
                    if not working[v]:
                        continue
                    tf = t + buf[p]
                    if tf > horizon:
                        continue
                    cn = lost_culprit[p]
                    e = n_ent
                    n_ent += 1
                    ent_time[e] = tf
                    ent_order[e] = order[cn] + 1 if cn >= 0 else 2
                    ent_kind[e] = K_FAIL
                    ent_target[e] = v
                    ent_cause[e] = lost_code[p]
                    ent_cnode[e] = cn
                    ent_via[e] = lost_via[p]
                    ent_res[e] = pair_res[p]
                    if tf == t:
                        if not pend_flag[v]:
                            pend_flag[v] = True
                            pend[n_pend] = e
                            n_pend += 1
                    else:
                        n_heap = _heap_push(heap, n_heap, e, ent_time, ent_order)
            if n_pend > 0:
                continue

            if use_load:
                # consumers that failed draw nothing any more
                for i in range(n_shed):
                    v = shed_nodes[i]
                    for q in range(node_ptr[v], node_ptr[v + 1]):
                        for j in range(in_ptr[q], in_ptr[q + 1]):
                            lk = in_link[j]
                            load[in_src[j]] -= flow[lk]
                            flow[lk] = 0.0
                # the load a stopped supplier carried moves to the consumer's other suppliers
                for i in range(n_moved_pairs):
                    p = moved_pairs[i]
                    for j in range(out_ptr[p], out_ptr[p + 1]):
                        lk = out_link[j]
                        f = flow[lk]
                        if f <= 0.0:
                            continue
                        flow[lk] = 0.0
                        load[p] -= f
                        q = out_dst[j]
                        if not working[pair_node[q]]:
                            continue
                        n_b = 0
                        n_p = 0
                        for jj in range(in_ptr[q], in_ptr[q + 1]):
                            if dl[in_src[jj]]:
                                if link_backup[in_link[jj]]:
                                    n_b += 1
                                else:
                                    n_p += 1
                        if n_b + n_p == 0:
                            continue
                        use_backup = n_b > 0
                        share = f / (n_b if use_backup else n_p)
                        for jj in range(in_ptr[q], in_ptr[q + 1]):
                            s = in_src[jj]
                            if not dl[s] or link_backup[in_link[jj]] != use_backup:
                                continue
                            flow[in_link[jj]] += share
                            load[s] += share
                            if load[s] > peak[s]:
                                peak[s] = load[s]
                            c = cap[s]
                            over = load[s] > c + _REL_TOL * max(1.0, abs(c))
                            w = pair_node[s]
                            if over and working[w] and not pend_flag[w]:
                                # the failed primary is the trigger; when it stopped only
                                # because its own supply was cut, the node that cut it
                                cn = (
                                    pair_node[p] if not working[pair_node[p]] else (stop_culprit[p])
                                )
                                e = n_ent
                                n_ent += 1
                                ent_time[e] = t
                                ent_order[e] = order[cn] + 1 if cn >= 0 else 2
                                ent_kind[e] = K_FAIL
                                ent_target[e] = w
                                ent_cause[e] = C_OVERLOAD
                                ent_cnode[e] = cn
                                ent_via[e] = pair_node[p]
                                ent_res[e] = pair_res[s]
                                pend_flag[w] = True
                                pend[n_pend] = e
                                n_pend += 1
            n_shed = 0
            n_moved_pairs = 0
            if n_pend == 0:
                break
