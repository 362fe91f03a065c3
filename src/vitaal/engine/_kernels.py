"""The compiled hot loops of the engine (numba ``@njit``).

Everything here works on flat integer and float arrays only; ``compile.py`` and ``cascade.py``
prepare the arrays and read the results. The algorithms are described in ``docs/engine.md``.
Set the environment variable ``NUMBA_DISABLE_JIT=1`` to run them as plain Python when
debugging.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numba import njit, types
from numba.misc.special import literally
from numba.typed import Dict
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

# Counters handed to the helpers below start from ZERO, not 0, and flags are passed as NO /
# YES, not False / True: numba types a literal 0 or False as a type of its own, so each
# helper would be compiled once more for every literal it meets (while the caller's types
# are still being inferred, too). Every extra compile is seconds of a first run.
ZERO = cast(int, np.int64(0))
NO = cast(bool, np.bool_(False))
YES = cast(bool, np.bool_(True))
#: An integer of Python or numpy.
Int = int | np.integer[Any]


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


# -- event queue: a calendar of buckets, one per distinct time --------------------------------
# Entries (failures and stock ends after the current instant) are appended to the bucket of
# their time, a linked list in creation order; a binary heap orders the buckets by time
# (distinct, so no ties). A bucket is taken whole when its time comes and sorted stably by
# order (counting sort): entries come out by (time, order, creation), as from one heap of
# entries, at a fraction of its cost (most entries share a few times: t + a few buffers).
# Entries are made with their time in ``ent_time`` and added to the buckets together, once
# per loop that makes them (``_bucket_add``: one call, not one per entry). The last 8 times
# added are remembered (``memo_time``/``memo_b``, slot 8 of ``memo_b`` the next one to
# replace) before the dictionary is asked: a bucket's time is never reused once taken,
# since entries are always later than the current instant. Without causes a bucket is
# taken in creation order, unsorted.
@njit(cache=True)
def _bucket_add(
    e0: int,
    e1: int,
    ent_time: NDArray[np.float64],
    ent_next: NDArray[np.int32],
    bk_of: dict[float, int],
    bk_time: NDArray[np.float64],
    bk_head: NDArray[np.int32],
    bk_tail: NDArray[np.int32],
    bheap: NDArray[np.int32],
    n_bk: int,
    n_bheap: int,
    memo_time: NDArray[np.float64],
    memo_b: NDArray[np.int64],
) -> tuple[int, int]:
    """Append entries ``e0`` ... ``e1 - 1`` (times ``ent_time``) to their buckets, in that
    order; returns the new bucket and heap sizes."""
    for e in range(e0, e1):
        te = ent_time[e]
        ent_next[e] = -1
        b = -1
        for i in range(8):
            if memo_time[i] == te:
                b = memo_b[i]
                break
        if b < 0:
            slot = memo_b[8]
            memo_b[8] = (slot + 1) & 7
            memo_time[slot] = te
            if te in bk_of:
                b = bk_of[te]
            else:
                b = n_bk
                n_bk += 1
                bk_of[te] = b
                bk_time[b] = te
                bk_head[b] = e
                bk_tail[b] = e
                i = n_bheap
                n_bheap += 1
                bheap[i] = b
                while i > 0:
                    parent = (i - 1) // 2
                    if bk_time[bheap[i]] < bk_time[bheap[parent]]:
                        bheap[i], bheap[parent] = bheap[parent], bheap[i]
                        i = parent
                    else:
                        break
                memo_b[slot] = b
                continue
            memo_b[slot] = b
        ent_next[bk_tail[b]] = e
        bk_tail[b] = e
    return n_bk, n_bheap


@njit(cache=True)
def _bucket_take(
    bk_time: NDArray[np.float64],
    bk_head: NDArray[np.int32],
    bheap: NDArray[np.int32],
    n_bheap: int,
    ent_next: NDArray[np.int32],
    ent_order: NDArray[np.int64],
    out: NDArray[np.int32],
    tmp: NDArray[np.int32],
    sort: bool,
) -> tuple[int, int]:
    """Remove the earliest bucket; its entries go to ``out`` by (order, creation), or by
    creation alone without ``sort``. Returns the number of entries and the new heap size."""
    b = bheap[0]
    n_bheap -= 1
    bheap[0] = bheap[n_bheap]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= n_bheap:
            break
        child = left
        if left + 1 < n_bheap and bk_time[bheap[left + 1]] < bk_time[bheap[left]]:
            child = left + 1
        if bk_time[bheap[child]] < bk_time[bheap[i]]:
            bheap[i], bheap[child] = bheap[child], bheap[i]
            i = child
        else:
            break
    m = 0
    e = bk_head[b]
    if not sort:
        while e >= 0:
            out[m] = e
            m += 1
            e = ent_next[e]
        return m, n_bheap
    lo = ent_order[e]
    hi = lo
    while e >= 0:
        tmp[m] = e
        m += 1
        o = ent_order[e]
        if o < lo:
            lo = o
        elif o > hi:
            hi = o
        e = ent_next[e]
    if lo == hi:
        out[:m] = tmp[:m]
    elif hi - lo <= 4 * m + 64:
        # stable counting sort by order
        start = np.zeros(hi - lo + 2, dtype=np.int64)
        for i in range(m):
            start[ent_order[tmp[i]] - lo + 1] += 1
        for i in range(1, hi - lo + 2):
            start[i] += start[i - 1]
        for i in range(m):
            e = tmp[i]
            o = ent_order[e] - lo
            out[start[o]] = e
            start[o] += 1
    else:
        # by (order, position in creation order): distinct keys, so any sort is the stable
        # sort by order
        keys = np.empty(m, dtype=np.int64)
        for i in range(m):
            keys[i] = (ent_order[tmp[i]] - lo) * m + i
        sort_int64(keys, m, np.empty(m, dtype=np.int64))
        for i in range(m):
            out[i] = tmp[keys[i] % m]
    return m, n_bheap


@njit(cache=True)
def sort_int64(a: NDArray[np.int64], n: int, buf: NDArray[np.int64]) -> None:
    """Sort ``a[:n]`` ascending in place (a stable merge sort, ``buf`` at least ``n`` long).
    Written out: numba compiles it in a fraction of a second, ``np.argsort(kind="mergesort")``
    in several (a first run pays for every such second)."""
    width = 1
    while width < n:
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i = lo
            j = mid
            for k in range(lo, hi):
                if j < hi and (i >= mid or a[j] < a[i]):
                    buf[k] = a[j]
                    j += 1
                else:
                    buf[k] = a[i]
                    i += 1
            lo += 2 * width
        for k in range(n):
            a[k] = buf[k]
        width *= 2


# -- the state of a pair, one word per view --------------------------------------------------
# Bits 0-3 are flags (bit 2 unused), 4-7 the code of why the pair stopped delivering,
# 16-39 the number of its suppliers that do not deliver, 40-62 the number of the
# delete-then-rederive pass that last over-deleted it (its stamp: "marked in this pass"
# needs no clearing afterwards). Every field starts at zero ("receives, delivers, nothing
# down, never marked"), so the state array starts as zeros and a cascade touches only the
# words of the pairs it reaches.
F_OFF = 1  # does not receive
F_STOP = 2  # does not deliver
F_TENT = 8  # stopped tentatively in the pass of its stamp
SC_SHIFT = 4
SC_MASK = 15 << 4
DOWN_SHIFT = 16
DOWN_ONE = 1 << 16
DOWN_MASK = (1 << 24) - 1
STAMP_SHIFT = 40
STAMP_MASK = ((1 << 23) - 1) << 40
STAMP_ONE = 1 << 40
#: Passes before the stamps are cleared and numbered from 1 again; also the most suppliers a
#: pair may have (the down count has 24 bits).
STAMP_LIMIT = (1 << 23) - 1
MAX_SUPPLIERS = DOWN_MASK

# What the sweep reads of a pair, packed in one word: its node (bits 0-31), its slack
# (in-degree - k, + 1, at least 0: bits 32-55), its role (56-59) and whether it is required
# (60), and whether it has links into the store-feeding part (61): one cache line instead
# of five arrays.
NODE_MASK = (1 << 32) - 1
SLACK_SHIFT = 32
SLACK_MASK = (1 << 24) - 1
ROLE_SHIFT = 56
REQUIRED_BIT = 1 << 60
FEEDS_STORE_BIT = 1 << 61  # has links into the store-feeding part (the producers-only view)

# The state of a node: failed, or claimed to fail at this instant.
N_FAILED = 1
N_PEND = 2


@njit(cache=True, inline="always")
def _stopped_by(s: int, code: int) -> int:
    """State ``s`` with the pair stopped, for ``code``."""
    return (s & ~SC_MASK) | F_STOP | (code << SC_SHIFT)


@njit(cache=True, inline="always")
def _down(s: int) -> int:
    return (s >> DOWN_SHIFT) & DOWN_MASK


@njit(cache=True, inline="always")
def _slack(info: int) -> int:
    return ((info >> SLACK_SHIFT) & SLACK_MASK) - 1


@njit(cache=True, inline="always")
def _role(info: int) -> int:
    return (info >> ROLE_SHIFT) & 15


@njit(cache=True)
def pack_pair_info(
    pair_node: NDArray[np.int64],
    role: NDArray[np.int8],
    required: NDArray[np.bool_],
    k: NDArray[np.int64],
    in_ptr: NDArray[np.int64],
    store_out_ptr: NDArray[np.int64],
) -> NDArray[np.int64]:
    """The packed words of ``NODE_MASK`` ... for every pair."""
    n = pair_node.shape[0]
    out = np.empty(n, dtype=np.int64)
    for p in range(n):
        sl = in_ptr[p + 1] - in_ptr[p] - k[p] + 1
        sl = min(max(sl, 0), SLACK_MASK)
        w = pair_node[p] | (sl << SLACK_SHIFT) | (np.int64(role[p]) << ROLE_SHIFT)
        if required[p]:
            w |= REQUIRED_BIT
        if store_out_ptr[p + 1] > store_out_ptr[p]:
            w |= FEEDS_STORE_BIT
        out[p] = w
    return out


@njit(cache=True)
def _dred(
    t: float,
    stamp: int,
    seeds: NDArray[np.int32],
    n_seeds: int,
    premarked: NDArray[np.int32],
    n_pre: int,
    use_stock: bool,
    pinfo: NDArray[np.int64],
    stock_end: NDArray[np.float64],
    out_ptr: NDArray[np.int64],
    out_dst: NDArray[np.int64],
    st: NDArray[np.int64],
    stop_culprit: NDArray[np.int32],
    pre_code: NDArray[np.int8],
    pre_culprit: NDArray[np.int32],
    pre_via: NDArray[np.int32],
    lost: NDArray[np.int32],
    lost_code: NDArray[np.int8],
    lost_culprit: NDArray[np.int32],
    lost_via: NDArray[np.int32],
    queue: NDArray[np.int32],
    cand: NDArray[np.int32],
    stopped: NDArray[np.int32],
    marked: NDArray[np.int32],
    explain: bool,
) -> tuple[int, int]:
    """Delete-then-rederive of the least fixed point "receives" after ``seeds`` stopped
    delivering.

    ``st`` is the state word of each pair (see ``F_OFF`` ...): a pair receives while
    ``down <= slack`` (``slack`` = in-degree - k, in ``pinfo``); ``stamp`` (already
    shifted) is this pass's (phase 3 uses the next one too). ``seeds`` already have
    ``F_STOP`` and their stop code set, ``down`` of their consumers not yet counted, and
    ``stop_culprit`` set. ``premarked`` seeds (stores whose stock ran out while they still
    received: that supply may have run through their own stock, round a ring) also have
    ``F_OFF``, ``F_TENT`` and this pass's stamp, and their cause in ``pre_*``: they are
    re-derived like any other pair.

    Phase 1 over-deletes every receiving pair downstream of a seed (support through rings may
    be circular, so counts alone cannot tell), giving each the cause of the pair it is first
    reached from. Phase 2 re-derives, by k-of-n forward chaining from the pairs still
    delivering, those that keep ``k`` suppliers (only pairs that had ``k`` when they were
    reached can: counts only fall in phase 1). When no pair of phase 1's queue came back,
    that is the answer: a search from the seeds over the pairs that stopped would walk phase
    1's queue again, in the same order. Otherwise phase 3 gives each pair that really lost
    supply its cause, by a search from the seeds along links between pairs that stopped
    delivering (every such pair is reached: a pair that lost supply lost it through a
    supplier that stopped at this instant).

    Without ``explain`` only the sets count: phase 1 records no causes and phase 3 does not
    run (the pairs that lost supply are those still marked after phase 2, as above); then
    ``lost_code`` ... and ``stop_culprit`` are not written, and ``stopped`` is phase 1's
    queue, which may hold pairs that came back.

    Writes the pairs that lost supply to ``lost``, with the cause of each at the same
    position of ``lost_code``, ``lost_culprit`` and ``lost_via``, and the pairs (seeds
    included) that stopped delivering to ``stopped``; returns their counts. O(size of the
    part downstream of the seeds, in pairs and links).
    """
    literally(explain)
    # phase 1: over-delete, with the causes of a search over phase 1's queue
    n_marked = 0
    n_cand = 0
    for i in range(n_pre):
        q = premarked[i]
        lost[i] = q
        lost_code[i] = pre_code[i]
        lost_culprit[i] = pre_culprit[i]
        lost_via[i] = pre_via[i]
        cand[i] = q
    n_marked = n_pre
    n_cand = n_pre
    head = 0
    tail = 0
    for i in range(n_seeds):
        queue[tail] = seeds[i]
        tail += 1
    while head < tail:
        p = queue[head]
        head += 1
        if explain:
            code = (st[p] >> SC_SHIFT) & 15
            culprit = stop_culprit[p]
            via = pinfo[p] & NODE_MASK
        else:  # stop codes are read only by the causes' search
            code = C_PATH
            culprit = -1
            via = -1
        new_code = C_STORE if code == C_STORE else C_PATH
        for j in range(out_ptr[p], out_ptr[p + 1]):
            q = out_dst[j]
            s = st[q]
            if s & F_OFF and (s & STAMP_MASK) != stamp:
                continue  # lost supply in an earlier pass, for good: its count is not read again
            s += DOWN_ONE
            if not s & F_OFF and (s & STAMP_MASK) != stamp:
                s = (s & ~(STAMP_MASK | F_TENT)) | stamp | F_OFF
                lost[n_marked] = q
                if explain:
                    lost_code[n_marked] = code
                    lost_culprit[n_marked] = culprit
                    lost_via[n_marked] = via
                n_marked += 1
                info = pinfo[q]
                if _down(s) <= _slack(info):
                    cand[n_cand] = q
                    n_cand += 1
                if not s & F_STOP and not (use_stock and _role(info) == STORE and stock_end[q] > t):
                    s = (s & ~SC_MASK) | F_STOP | F_TENT | (new_code << SC_SHIFT)
                    if explain:
                        stop_culprit[q] = culprit
                    queue[tail] = q
                    tail += 1
            st[q] = s
    # phase 2: re-derive (``stopped`` serves as the stack; phase 1's queue stays as it is)
    stack = stopped
    n_re = 0
    n_re_tent = 0
    top = 0
    for i in range(n_cand):
        q = cand[i]
        if _down(st[q]) <= _slack(pinfo[q]):
            stack[top] = q
            top += 1
    while top > 0:
        top -= 1
        q = stack[top]
        s = st[q]
        if not s & F_OFF:
            continue
        s &= ~F_OFF
        n_re += 1
        if s & F_TENT:
            n_re_tent += 1
            s &= ~(F_TENT | F_STOP)
            st[q] = s
            for j in range(out_ptr[q], out_ptr[q + 1]):
                u = out_dst[j]
                su = st[u]
                if su & F_OFF and (su & STAMP_MASK) != stamp:
                    continue  # not counted in phase 1 either
                su -= DOWN_ONE
                st[u] = su
                if (su & STAMP_MASK) == stamp and su & F_OFF and _down(su) <= _slack(pinfo[u]):
                    stack[top] = u
                    top += 1
        else:
            st[q] = s
    if n_re_tent == 0 or not explain:
        # phase 1's causes stand; drop the pairs that came back (none of them was queued)
        n_lost = n_marked
        if n_re > 0:
            n_lost = 0
            for i in range(n_marked):
                q = lost[i]
                if st[q] & F_OFF:
                    lost[n_lost] = q
                    if explain:
                        lost_code[n_lost] = lost_code[i]
                        lost_culprit[n_lost] = lost_culprit[i]
                        lost_via[n_lost] = lost_via[i]
                    n_lost += 1
        if explain:
            for i in range(tail):
                stopped[i] = queue[i]
        return n_lost, tail
    # phase 3: causes, breadth first from the seeds over pairs that stopped delivering; a
    # pair of this pass still without supply is open until the search assigns it, and then
    # takes the next stamp (which the caller leaves unused)
    done = stamp + STAMP_ONE
    for i in range(n_marked):
        marked[i] = lost[i]
    head = 0
    tail = 0
    n_lost = 0
    for i in range(n_pre):
        q = premarked[i]
        s = st[q] & ~F_TENT
        if s & F_OFF:
            s = (s & ~STAMP_MASK) | done
            lost[n_lost] = q
            lost_code[n_lost] = pre_code[i]
            lost_culprit[n_lost] = pre_culprit[i]
            lost_via[n_lost] = pre_via[i]
            n_lost += 1
        st[q] = s
    for i in range(n_seeds):
        if st[seeds[i]] & F_STOP:  # a re-derived premarked seed delivers again
            queue[tail] = seeds[i]
            tail += 1
    while head < tail:
        p = queue[head]
        head += 1
        code = (st[p] >> SC_SHIFT) & 15
        culprit = stop_culprit[p]
        via = pinfo[p] & NODE_MASK
        new_code = C_STORE if code == C_STORE else C_PATH
        for j in range(out_ptr[p], out_ptr[p + 1]):
            q = out_dst[j]
            s = st[q]
            if (s & STAMP_MASK) == stamp and s & F_OFF:
                s = (s & ~STAMP_MASK) | done  # assigned
                lost[n_lost] = q
                lost_code[n_lost] = code
                lost_culprit[n_lost] = culprit
                lost_via[n_lost] = via
                n_lost += 1
                if s & F_TENT:
                    s = (s & ~(F_TENT | SC_MASK)) | (new_code << SC_SHIFT)
                    stop_culprit[q] = culprit
                    queue[tail] = q
                    tail += 1
                st[q] = s
    # a lost pair the search did not reach would break the argument above, so it is still
    # reported, with no culprit (-1); every marked pair that did not come back is one
    if n_lost < n_marked - n_re:
        for i in range(n_marked):
            q = marked[i]
            s = st[q]
            if (s & STAMP_MASK) == stamp and s & F_OFF:
                lost[n_lost] = q
                lost_code[n_lost] = C_PATH
                lost_culprit[n_lost] = -1
                lost_via[n_lost] = -1
                n_lost += 1
                st[q] = (s & ~(STAMP_MASK | F_TENT)) | done
    for i in range(tail):
        stopped[i] = queue[i]
    return n_lost, tail


@njit(cache=True)
def _restamp(st: NDArray[np.int64], st0: NDArray[np.int64]) -> int:
    """Clear every pass stamp (after ``STAMP_LIMIT`` passes); the next pass is number 1."""
    for p in range(st.shape[0]):
        st[p] &= ~STAMP_MASK
        st0[p] &= ~STAMP_MASK
    return 1


@njit(cache=True)
def _claim(
    v: Int,
    ordv: Int,
    code: Int,
    cnode: Int,
    via: Int,
    res: Int,
    pend: NDArray[np.int32],
    n_pend: int,
    nst: NDArray[np.int8],
    order: NDArray[np.int64],
    cause: NDArray[np.int8],
    cause_node: NDArray[np.int64],
    cause_via: NDArray[np.int64],
    cause_res: NDArray[np.int64],
    node_out: NDArray[np.int64],
    explain: bool,
) -> int:
    """Node ``v`` fails at this instant, unless something else already claimed it (the first
    claim gives the cause). Its cause is written now, at ``node_out[v]`` and with node
    references through ``node_out``; ``fail`` when the pending failures are applied. Returns
    the new number of pending failures. Without ``explain`` only the cause code is
    written."""
    literally(explain)
    if nst[v] & N_PEND:
        return n_pend
    nst[v] |= N_PEND
    pend[n_pend] = v
    w = node_out[v]
    cause[w] = code
    if explain:
        order[w] = ordv
        cause_node[w] = node_out[cnode] if cnode >= 0 else -1
        cause_via[w] = node_out[via] if via >= 0 else -1
        cause_res[w] = res
    return n_pend + 1


@njit(cache=True)
def scratch_sizes(
    n_nodes: int, n_pairs: int, n_init: int, use_load: bool
) -> tuple[int, int, int, int]:
    """The lengths of the int32, int64, float64 and int8 scratch buffers a sweep of
    ``n_nodes`` nodes, ``n_pairs`` pairs and ``n_init`` initial failures cuts its work
    arrays from (``_sweep_core``: ``w32``, ``w64``, ``wf``, ``w8``)."""
    n_ent = n_init + 3 * n_pairs + 1
    n32 = 16 * n_pairs + 1 + n_nodes + 1 + 10 * n_ent
    if use_load:
        n32 += n_pairs + n_nodes
    return n32, n_ent, n_pairs + 2 * n_ent, 2 * n_pairs + 2 * n_ent


@njit(cache=True)
def _fail_nodes(
    nodes: NDArray[np.int32],
    n: int,
    t: float,
    nst: NDArray[np.int8],
    fail: NDArray[np.float64],
    node_out: NDArray[np.int64],
    node_ptr: NDArray[np.int64],
    pinfo: NDArray[np.int64],
    st: NDArray[np.int64],
    st0: NDArray[np.int64],
    stop_culprit: NDArray[np.int32],
    stop_culprit0: NDArray[np.int32],
    seeds: NDArray[np.int32],
    n_seeds: int,
    seeds0: NDArray[np.int32],
    n_seeds0: int,
    shed_nodes: NDArray[np.int32],
    n_shed: int,
    use_load: bool,
    explain: bool,
) -> tuple[int, int, int]:
    """Nodes ``nodes[:n]`` (claimed) fail at ``t``: every pair of each stops delivering and
    seeds the next pass of its view. Returns the new numbers of seeds, producers-only seeds
    and shed nodes. (The loop over pairs that lost supply does the same for one node.)"""
    literally(explain)
    for i in range(n):
        v = nodes[i]
        nst[v] = N_FAILED
        fail[node_out[v]] = t
        if use_load:
            shed_nodes[n_shed] = v
            n_shed += 1
        for p in range(node_ptr[v], node_ptr[v + 1]):
            s = st[p]
            if not s & F_STOP:
                st[p] = _stopped_by(s, C_SUPPLIER)
                if explain:
                    stop_culprit[p] = v
                seeds[n_seeds] = p
                n_seeds += 1
            if pinfo[p] & FEEDS_STORE_BIT:
                s = st0[p]
                if not s & F_STOP:
                    st0[p] = _stopped_by(s, C_SUPPLIER)
                    if explain:
                        stop_culprit0[p] = v
                    seeds0[n_seeds0] = p
                    n_seeds0 += 1
    return n_seeds, n_seeds0, n_shed


@njit(cache=True)
def _sweep_core(
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
    pinfo: NDArray[np.int64],
    nst: NDArray[np.int8],
    st: NDArray[np.int64],
    st0: NDArray[np.int64],
    node_out: NDArray[np.int64],
    pair_out: NDArray[np.int64],
    w32: NDArray[np.int32],
    w64: NDArray[np.int64],
    wf: NDArray[np.float64],
    w8: NDArray[np.int8],
    explain: bool,
) -> None:
    """The timed cascade: a sweep over event times.

    Outputs are written to ``fail`` ... ``supply_end`` (pre-filled with inf / 0 / -1 by the
    caller); ``flow`` and ``load`` are updated in place when ``use_load``, and ``peak`` keeps
    the highest load each pair reached (its size is the number of pairs then; without
    ``use_load`` the four load arrays are not read and may be empty). See ``docs/engine.md``
    for the semantics and ``cascade.run_cascade`` for the arguments.

    Each pair loses supply at most once and each node fails at most once, so every pair and
    link is deleted once and re-derived at most once per instant that touches it:
    O(N + P + E log B + sum over instants of the part downstream of what failed then), for E
    queue entries and B distinct event times.

    ``pinfo`` is :func:`pack_pair_info`; ``nst``, ``st``, ``st0`` (N, P, P) are scratch
    that must come in as zeros: allocated by numpy (``calloc``)
    they cost nothing until touched, so a cascade costs the part it touches plus its outputs.
    ``w32``, ``w64``, ``wf``, ``w8`` are the rest of its scratch, of any content and at
    least :func:`scratch_sizes` long: a caller that runs many cascades keeps them, so that
    the pages a city-wide cascade touches are not mapped and zeroed again every time.

    ``node_out`` and ``pair_out`` place the outputs: node ``v`` and pair ``p`` of the arrays
    given are written at ``node_out[v]`` and ``pair_out[p]`` of ``fail`` ... ``supply_end``
    (and node references through ``node_out``), so that the sweep can run on the model laid
    out in another order (``layout.py``) and answer in the model's own; identity arrays
    otherwise. With ``use_load`` they must be the identity (flows and loads are not mapped).

    Without ``explain`` (which needs ``not use_load``: loads move in the order of the
    causes' search) the sweep computes the times alone:
    ``fail``, ``recv_time`` and ``supply_end`` are the same as with it, ``cause`` holds the
    cause of initial failures (``C_NONE`` for the rest), and ``order``, ``cause_node``,
    ``cause_via`` and ``cause_res`` are not written. Causes only choose among claims of one
    instant; which nodes fail when, and which pairs lose supply when, are fixed points of
    each instant whatever the order, so they do not depend on them. Entries then carry
    no cause fields and buckets are not sorted.

    A node that loses supply with no buffer fails at once, inside the loop over the pairs
    that lost supply, while its pairs are still in the cache; the nodes claimed earlier in
    the round (stores run dry) fail just before that loop. Their pairs seed the next round
    of the instant, in the order of the claims, exactly as if every claim of the round had
    failed at the start of the next one: a failed node's later pairs in the loop would
    only have claimed it again or queued a failure it already has.
    """
    literally(explain)  # one compiled version per value: the unused branches are gone
    n_pairs = pair_node.shape[0]

    # st, st0: state words (see F_OFF ...), with stores as origins while their stock lasts
    # (main view) and counting producers only (the view that starts a store's autonomy)
    # when a store's stock runs out (read for stores only)
    # scratch, cut from the four buffers given (see ``scratch_sizes``); every part is
    # written before it is read, so buffers may come from an earlier cascade
    n_ent_max = init_node.shape[0] + 3 * n_pairs + 1
    o32 = 0
    o8 = 0
    stock_end = wf[:n_pairs]
    for p in range(n_pairs):
        if role[p] == STORE:
            stock_end[p] = np.inf
    # the node behind each stop of a pair, and behind a store's loss of producers-only supply
    stop_culprit = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    stop_culprit0 = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    lost_culprit0 = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    # the cause of each loss of supply of a pass, by position in ``lost``, and of the
    # premarked stores, by position in ``premarked``
    lost_code = w8[o8 : o8 + n_pairs]
    o8 += n_pairs
    lost_cul = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    lost_via = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    pre_code = w8[o8 : o8 + n_pairs]
    o8 += n_pairs
    pre_cul = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    pre_via = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    # scratch for the delete-then-rederive passes
    queue = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    cand = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    marked = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    lost = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    stopped = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    n_pass = 0  # delete-then-rederive passes so far (their stamps, see STAMP_SHIFT)
    seeds = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    seeds0 = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    premarked = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    # pairs that stopped delivering, and nodes that failed, since the last load move
    n_mp = n_pairs if use_load else 0
    moved_pairs = w32[o32 : o32 + n_mp]
    o32 += n_mp
    n_moved_pairs = 0
    n_sn = n_nodes if use_load else 0
    shed_nodes = w32[o32 : o32 + n_sn]
    o32 += n_sn
    n_shed = ZERO

    # entries of the queue (failures and stock ends after this instant): at most one per
    # initial node, one per pair losing supply, one per store running dry, and one per
    # store's stock; failures at this instant go straight to ``pend``
    ent_order = w64[:n_ent_max]
    ent_kind = w8[o8 : o8 + n_ent_max]
    o8 += n_ent_max
    ent_target = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    ent_cause = w8[o8 : o8 + n_ent_max]
    o8 += n_ent_max
    ent_cnode = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    ent_via = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    ent_res = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    ent_next = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    ent_time = wf[n_pairs : n_pairs + n_ent_max]
    n_ent = ZERO
    bk_of = Dict.empty(key_type=types.float64, value_type=types.int64)
    memo_time = np.full(8, np.nan)
    memo_b = np.zeros(9, dtype=np.int64)
    bk_time = wf[n_pairs + n_ent_max : n_pairs + 2 * n_ent_max]
    bk_head = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    bk_tail = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    bheap = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    n_bk = ZERO
    n_bheap = ZERO
    due = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    tmp = w32[o32 : o32 + n_ent_max]
    o32 += n_ent_max
    pend = w32[o32 : o32 + n_nodes + 1]
    o32 += n_nodes + 1
    n_pend = ZERO
    stock_due = w32[o32 : o32 + n_pairs + 1]

    for i in range(init_node.shape[0]):
        if init_time[i] <= horizon:
            e = n_ent
            n_ent += 1
            ent_order[e] = 1
            ent_kind[e] = K_FAIL
            ent_target[e] = init_node[i]
            ent_cause[e] = init_cause[i]
            ent_cnode[e] = init_cnode[i]
            ent_via[e] = -1
            ent_res[e] = -1
            ent_time[e] = init_time[i]

    n_added = ZERO  # entries made so far that are in their buckets
    while True:
        if n_ent > n_added:  # the entries the last instant made (all later than it)
            n_bk, n_bheap = _bucket_add(
                n_added,
                n_ent,
                ent_time,
                ent_next,
                bk_of,
                bk_time,
                bk_head,
                bk_tail,
                bheap,
                n_bk,
                n_bheap,
                memo_time,
                memo_b,
            )
            n_added = n_ent
        if n_bheap == 0:
            break
        t = bk_time[bheap[0]]
        if t > horizon:
            break
        n_due, n_bheap = _bucket_take(
            bk_time, bk_head, bheap, n_bheap, ent_next, ent_order, due, tmp, explain
        )
        n_stock = 0
        for i_due in range(n_due):
            e = due[i_due]
            if ent_kind[e] == K_FAIL:
                v = ent_target[e]
                if not nst[v] & N_FAILED:
                    n_pend = _claim(  # as int64, the types of the other calls: one compile
                        np.int64(v),
                        ent_order[e],
                        np.int64(ent_cause[e]),
                        np.int64(ent_cnode[e]),
                        np.int64(ent_via[e]),
                        np.int64(ent_res[e]),
                        pend,
                        n_pend,
                        nst,
                        order,
                        cause,
                        cause_node,
                        cause_via,
                        cause_res,
                        node_out,
                        explain,
                    )
            else:
                stock_due[n_stock] = ent_target[e]
                n_stock += 1

        n_seeds_next = ZERO
        n_seeds0_next = ZERO
        while True:
            n_seeds = n_seeds_next
            n_seeds0 = n_seeds0_next
            n_seeds_next = ZERO
            n_seeds0_next = ZERO
            # failures at this instant: every pair of the node stops delivering
            n_seeds, n_seeds0, n_shed = _fail_nodes(
                pend,
                n_pend,
                t,
                nst,
                fail,
                node_out,
                node_ptr,
                pinfo,
                st,
                st0,
                stop_culprit,
                stop_culprit0,
                seeds,
                n_seeds,
                seeds0,
                n_seeds0,
                shed_nodes,
                n_shed,
                use_load,
                explain,
            )
            n_pend = ZERO

            # stores whose autonomy ends now: they deliver only what they receive from here on
            n_pre = ZERO
            for i in range(n_stock):
                p = stock_due[i]
                v = pair_node[p]
                s = st[p]
                if nst[v] & N_FAILED or s & F_STOP or stock_end[p] > t:
                    continue
                s = _stopped_by(s, C_STORE)
                if explain:
                    stop_culprit[p] = lost_culprit0[p]
                seeds[n_seeds] = p
                n_seeds += 1
                if not s & F_OFF:
                    # what it receives may come round a ring from its own stock: re-derive
                    # it (marked just before the main pass; the scratch is shared)
                    premarked[n_pre] = p
                    pre_code[n_pre] = C_STORE
                    pre_cul[n_pre] = lost_culprit0[p]
                    pre_via[n_pre] = v
                    n_pre += 1
                    st[p] = s
                    continue
                st[p] = s
                # it received nothing already: it runs dry now
                supply_end[pair_out[p]] = t
                tf = t + buf[p]
                if tf <= horizon:
                    if explain:
                        cn = lost_culprit0[p]
                        ordv = order[node_out[cn]] + 1 if cn >= 0 else 2
                        code = C_STORE
                    else:
                        cn = -1
                        ordv = 1
                        code = C_NONE
                    if tf == t:
                        n_pend = _claim(
                            v,
                            ordv,
                            code,
                            cn,
                            v,
                            pair_res[p],
                            pend,
                            n_pend,
                            nst,
                            order,
                            cause,
                            cause_node,
                            cause_via,
                            cause_res,
                            node_out,
                            explain,
                        )
                    else:
                        e = n_ent
                        n_ent += 1
                        ent_kind[e] = K_FAIL
                        ent_target[e] = v
                        ent_cause[e] = code
                        if explain:
                            ent_order[e] = ordv
                            ent_cnode[e] = cn
                            ent_via[e] = v
                            ent_res[e] = pair_res[p]
                        ent_time[e] = tf
            n_stock = 0

            # supply counting producers only: starts the autonomy of stores that lose it
            if n_seeds0 > 0:
                n_pass += 2  # a pass uses its stamp and the next (phase 3)
                if n_pass + 1 > STAMP_LIMIT:
                    n_pass = _restamp(st, st0)
                n_lost, n_stopped = _dred(
                    t,
                    n_pass << STAMP_SHIFT,
                    seeds0,
                    n_seeds0,
                    premarked,
                    ZERO,
                    NO,
                    pinfo,
                    stock_end,
                    store_out_ptr,
                    store_out_dst,
                    st0,
                    stop_culprit0,
                    pre_code,
                    pre_cul,
                    pre_via,
                    lost,
                    lost_code,
                    lost_cul,
                    lost_via,
                    queue,
                    cand,
                    stopped,
                    marked,
                    explain,
                )
                for i in range(n_lost):
                    p = lost[i]
                    if role[p] == STORE:
                        lost_culprit0[p] = lost_cul[i]
                        stock_end[p] = t + aut[p]
                        if aut[p] > 0 and stock_end[p] <= horizon:
                            e = n_ent
                            n_ent += 1
                            ent_order[e] = 0
                            ent_kind[e] = K_STOCK
                            ent_target[e] = p
                            ent_cause[e] = C_NONE
                            ent_cnode[e] = -1
                            ent_via[e] = -1
                            ent_res[e] = -1
                            ent_time[e] = stock_end[p]

            # supply with stores as origins while their autonomy lasts
            if n_seeds > 0:
                n_pass += 2  # a pass uses its stamp and the next (phase 3)
                if n_pass + 1 > STAMP_LIMIT:
                    n_pass = _restamp(st, st0)
                for i in range(n_pre):
                    p = premarked[i]
                    st[p] = (st[p] & ~STAMP_MASK) | (n_pass << STAMP_SHIFT) | F_OFF | F_TENT
                n_lost, n_stopped = _dred(
                    t,
                    n_pass << STAMP_SHIFT,
                    seeds,
                    n_seeds,
                    premarked,
                    n_pre,
                    YES,
                    pinfo,
                    stock_end,
                    out_ptr,
                    out_dst,
                    st,
                    stop_culprit,
                    pre_code,
                    pre_cul,
                    pre_via,
                    lost,
                    lost_code,
                    lost_cul,
                    lost_via,
                    queue,
                    cand,
                    stopped,
                    marked,
                    explain,
                )
                if use_load:
                    for i in range(n_stopped):
                        moved_pairs[n_moved_pairs] = stopped[i]
                        n_moved_pairs += 1
                # the nodes claimed above (stores run dry) fail first, as they were claimed
                # first; then each node that loses supply with no buffer fails at once,
                # while its pairs are in the cache (see the docstring)
                n_seeds_next, n_seeds0_next, n_shed = _fail_nodes(
                    pend,
                    n_pend,
                    t,
                    nst,
                    fail,
                    node_out,
                    node_ptr,
                    pinfo,
                    st,
                    st0,
                    stop_culprit,
                    stop_culprit0,
                    seeds,
                    ZERO,
                    seeds0,
                    ZERO,
                    shed_nodes,
                    n_shed,
                    use_load,
                    explain,
                )
                n_pend = ZERO
                for i in range(n_lost):
                    p = lost[i]
                    info = pinfo[p]
                    if info & REQUIRED_BIT:
                        recv_time[pair_out[p]] = t
                    if _role(info) == STORE and stock_end[p] > t:
                        continue  # it supplies itself from its stock until it runs dry
                    supply_end[pair_out[p]] = t
                    v = info & NODE_MASK
                    if nst[v] & N_FAILED:
                        continue
                    tf = t + buf[p]
                    if tf > horizon:
                        continue
                    if explain:
                        cn = lost_cul[i]
                        ordv = order[node_out[cn]] + 1 if cn >= 0 else 2
                        code = lost_code[i]
                        via = lost_via[i]
                    else:
                        cn = -1
                        ordv = 1
                        code = C_NONE
                        via = -1
                    if tf == t:
                        # _claim and _fail_nodes for one node, written out: calling them per
                        # node here (or failing in chunks of 64 claims) measured 2 % slower
                        # for the times alone and 8 % with causes on the 10^6 blackout
                        w = node_out[v]
                        if explain:  # (without, the cause stays C_NONE, its initial value)
                            cause[w] = code
                            order[w] = ordv
                            cause_node[w] = node_out[cn] if cn >= 0 else -1
                            cause_via[w] = node_out[via] if via >= 0 else -1
                            cause_res[w] = pair_res[p]
                        nst[v] = N_FAILED
                        fail[w] = t
                        if use_load:
                            shed_nodes[n_shed] = v
                            n_shed += 1
                        for pp in range(node_ptr[v], node_ptr[v + 1]):
                            s = st[pp]
                            if not s & F_STOP:
                                st[pp] = _stopped_by(s, C_SUPPLIER)
                                if explain:
                                    stop_culprit[pp] = v
                                seeds[n_seeds_next] = pp
                                n_seeds_next += 1
                            if pinfo[pp] & FEEDS_STORE_BIT:
                                s = st0[pp]
                                if not s & F_STOP:
                                    st0[pp] = _stopped_by(s, C_SUPPLIER)
                                    if explain:
                                        stop_culprit0[pp] = v
                                    seeds0[n_seeds0_next] = pp
                                    n_seeds0_next += 1
                    else:
                        e = n_ent
                        n_ent += 1
                        ent_kind[e] = K_FAIL
                        ent_target[e] = v
                        ent_cause[e] = code
                        if explain:
                            ent_order[e] = ordv
                            ent_cnode[e] = cn
                            ent_via[e] = via
                            ent_res[e] = pair_res[p]
                        ent_time[e] = tf
            if n_pend > 0 or n_seeds_next > 0 or n_seeds0_next > 0:
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
                        if nst[pair_node[q]] & N_FAILED:
                            continue
                        n_b = 0
                        n_p = 0
                        for jj in range(in_ptr[q], in_ptr[q + 1]):
                            if not st[in_src[jj]] & F_STOP:
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
                            if st[s] & F_STOP or link_backup[in_link[jj]] != use_backup:
                                continue
                            flow[in_link[jj]] += share
                            load[s] += share
                            if load[s] > peak[s]:
                                peak[s] = load[s]
                            c = cap[s]
                            over = load[s] > c + _REL_TOL * max(1.0, abs(c))
                            w = pair_node[s]
                            if over and not nst[w]:
                                # the failed primary is the trigger; when it stopped only
                                # because its own supply was cut, the node that cut it
                                pn = pair_node[p]
                                cn = pn if nst[pn] & N_FAILED else stop_culprit[p]
                                n_pend = _claim(
                                    w,
                                    order[node_out[cn]] + 1 if cn >= 0 else 2,
                                    np.int64(C_OVERLOAD),
                                    cn,
                                    pn,
                                    pair_res[s],
                                    pend,
                                    n_pend,
                                    nst,
                                    order,
                                    cause,
                                    cause_node,
                                    cause_via,
                                    cause_res,
                                    node_out,
                                    explain,
                                )
            n_shed = ZERO
            n_moved_pairs = 0
            if n_pend == 0 and n_seeds_next == 0 and n_seeds0_next == 0:
                break


@njit(cache=True)
def sweep_explained(
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
    pinfo: NDArray[np.int64],
    nst: NDArray[np.int8],
    st: NDArray[np.int64],
    st0: NDArray[np.int64],
    node_out: NDArray[np.int64],
    pair_out: NDArray[np.int64],
    w32: NDArray[np.int32],
    w64: NDArray[np.int64],
    wf: NDArray[np.float64],
    w8: NDArray[np.int8],
) -> None:
    """The timed cascade with its causes: :func:`_sweep_core` with ``explain`` true."""
    _sweep_core(
        n_nodes,
        pair_node,
        pair_res,
        role,
        required,
        k,
        buf,
        aut,
        node_ptr,
        out_ptr,
        out_dst,
        out_link,
        store_out_ptr,
        store_out_dst,
        in_ptr,
        in_src,
        in_link,
        link_backup,
        init_node,
        init_time,
        init_cause,
        init_cnode,
        horizon,
        use_load,
        flow,
        load,
        peak,
        cap,
        fail,
        order,
        cause,
        cause_node,
        cause_via,
        cause_res,
        recv_time,
        supply_end,
        pinfo,
        nst,
        st,
        st0,
        node_out,
        pair_out,
        w32,
        w64,
        wf,
        w8,
        True,
    )


@njit(cache=True)
def sweep_times(
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
    pinfo: NDArray[np.int64],
    nst: NDArray[np.int8],
    st: NDArray[np.int64],
    st0: NDArray[np.int64],
    node_out: NDArray[np.int64],
    pair_out: NDArray[np.int64],
    w32: NDArray[np.int32],
    w64: NDArray[np.int64],
    wf: NDArray[np.float64],
    w8: NDArray[np.int8],
) -> None:
    """The times alone: :func:`_sweep_core` with ``explain`` false."""
    _sweep_core(
        n_nodes,
        pair_node,
        pair_res,
        role,
        required,
        k,
        buf,
        aut,
        node_ptr,
        out_ptr,
        out_dst,
        out_link,
        store_out_ptr,
        store_out_dst,
        in_ptr,
        in_src,
        in_link,
        link_backup,
        init_node,
        init_time,
        init_cause,
        init_cnode,
        horizon,
        use_load,
        flow,
        load,
        peak,
        cap,
        fail,
        order,
        cause,
        cause_node,
        cause_via,
        cause_res,
        recv_time,
        supply_end,
        pinfo,
        nst,
        st,
        st0,
        node_out,
        pair_out,
        w32,
        w64,
        wf,
        w8,
        False,
    )


def sweep_core(*args: Any) -> None:
    """The timed cascade (see :func:`_sweep_core`, same arguments, ``explain`` last), from
    Python: :func:`sweep_explained` or :func:`sweep_times` by ``explain``. Each is compiled
    on its first use, so a job that only ever explains (the main job) never compiles the
    other, and inside each the flag is a constant and the branches it rules out are gone."""
    if args[-1]:
        sweep_explained(*args[:-1])
    else:
        sweep_times(*args[:-1])


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
    explain: bool,
) -> None:
    """The timed cascade of :func:`sweep_core`, allocating its zeroed scratch here (in
    compiled code: for small local models, such as the cones of a batch)."""
    n_pairs = pair_node.shape[0]
    n32, n64, nf, n8 = scratch_sizes(n_nodes, n_pairs, init_node.shape[0], use_load)
    if explain:
        sweep_explained(
            n_nodes,
            pair_node,
            pair_res,
            role,
            required,
            k,
            buf,
            aut,
            node_ptr,
            out_ptr,
            out_dst,
            out_link,
            store_out_ptr,
            store_out_dst,
            in_ptr,
            in_src,
            in_link,
            link_backup,
            init_node,
            init_time,
            init_cause,
            init_cnode,
            horizon,
            use_load,
            flow,
            load,
            peak,
            cap,
            fail,
            order,
            cause,
            cause_node,
            cause_via,
            cause_res,
            recv_time,
            supply_end,
            pack_pair_info(pair_node, role, required, k, in_ptr, store_out_ptr),
            np.zeros(n_nodes, dtype=np.int8),
            np.zeros(n_pairs, dtype=np.int64),
            np.zeros(n_pairs, dtype=np.int64),
            np.arange(n_nodes),
            np.arange(n_pairs),
            np.empty(n32, dtype=np.int32),
            np.empty(n64, dtype=np.int64),
            np.empty(nf, dtype=np.float64),
            np.empty(n8, dtype=np.int8),
        )
    else:
        sweep_times(
            n_nodes,
            pair_node,
            pair_res,
            role,
            required,
            k,
            buf,
            aut,
            node_ptr,
            out_ptr,
            out_dst,
            out_link,
            store_out_ptr,
            store_out_dst,
            in_ptr,
            in_src,
            in_link,
            link_backup,
            init_node,
            init_time,
            init_cause,
            init_cnode,
            horizon,
            use_load,
            flow,
            load,
            peak,
            cap,
            fail,
            order,
            cause,
            cause_node,
            cause_via,
            cause_res,
            recv_time,
            supply_end,
            pack_pair_info(pair_node, role, required, k, in_ptr, store_out_ptr),
            np.zeros(n_nodes, dtype=np.int8),
            np.zeros(n_pairs, dtype=np.int64),
            np.zeros(n_pairs, dtype=np.int64),
            np.arange(n_nodes),
            np.arange(n_pairs),
            np.empty(n32, dtype=np.int32),
            np.empty(n64, dtype=np.int64),
            np.empty(nf, dtype=np.float64),
            np.empty(n8, dtype=np.int8),
        )
