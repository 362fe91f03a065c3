"""The compiled hot loops of the engine (numba ``@njit``).

Everything here works on flat integer and float arrays, grouped in named tuples;
``compile.py`` and ``cascade.py`` prepare the arrays and read the results. The algorithms
are described in ``docs/engine.md``. Set the environment variable ``NUMBA_DISABLE_JIT=1`` to
run them as plain Python when debugging.

The timed cascade (:func:`_sweep_core`) is given a :class:`SupplyGraph` (what it reads of
the model), a :class:`Case` (the initial failures and the horizon), :class:`Loads`,
:class:`Outputs` and :class:`Scratch`; it cuts its :class:`State`, :class:`Calendar` (the
event queue) and :class:`PassWork` from the scratch and runs, per instant, the phases below
it in this file, each a function that says what it reads and writes: take what is due, fail
the claimed nodes, end the stocks due, re-derive supply (delete-then-rederive, in two
views), schedule the dependants, and with loads move load.

Everything the sweep calls is in this one file: numba's cache checks a compiled function's
own file only, so a change to a function it called in another module would leave the
cached sweep stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np
from numba import njit, types
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
    in several (a first run pays for every such second). Runs of each width are merged from
    one array into the other, so each level moves every element once; a last copy back
    when the levels end in ``buf``."""
    src = a
    dst = buf
    in_buf = False
    width = 1
    while width < n:
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i = lo
            j = mid
            for k in range(lo, hi):
                if j < hi and (i >= mid or src[j] < src[i]):
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
            lo += 2 * width
        src, dst = dst, src
        in_buf = not in_buf
        width *= 2
    if in_buf:
        for k in range(n):
            a[k] = buf[k]


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


#: The decorator of the sweep's parts that only compiled code calls: compiled without the
#: wrappers through which Python (``cpython``) and C (``cfunc``) could call them, which numba
#: would otherwise generate and optimise for every one of them on a first run.
if TYPE_CHECKING:  # numba's stubs do not list the two options
    _internal = njit(cache=True)
else:
    _internal = njit(cache=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)


# -- what the sweep is given: a few named tuples of arrays ------------------------------------
class SupplyGraph(NamedTuple):
    """What the sweep reads of the model and never writes: its (node, resource) pairs and
    their supply links, numbered as the sweep runs (the model's own order or a layout's,
    ``layout.py``).

    Per pair: its node, resource, role (``PRODUCER`` ...), buffer and autonomy in hours, and
    its packed word (:func:`pack_pair_info`). The pairs of node ``v`` are
    ``node_ptr[v]:node_ptr[v + 1]``. Links, by pair: its consumers
    ``out_dst[out_ptr[p]:out_ptr[p + 1]]`` (``out_link`` their link numbers), its consumers
    in the store-feeding part ``store_out_dst[store_out_ptr[p]:store_out_ptr[p + 1]]`` (the
    producers-only view walks these), its suppliers ``in_src[in_ptr[p]:in_ptr[p + 1]]``
    (``in_link``); ``link_backup`` by link number. ``out_link``, ``in_*`` and
    ``link_backup`` are read only with loads.
    """

    pair_node: NDArray[np.int64]
    pair_res: NDArray[np.int64]
    role: NDArray[np.int8]
    buf: NDArray[np.float64]
    aut: NDArray[np.float64]
    info: NDArray[np.int64]
    node_ptr: NDArray[np.int64]
    out_ptr: NDArray[np.int64]
    out_dst: NDArray[np.int64]
    out_link: NDArray[np.int64]
    store_out_ptr: NDArray[np.int64]
    store_out_dst: NDArray[np.int64]
    in_ptr: NDArray[np.int64]
    in_src: NDArray[np.int64]
    in_link: NDArray[np.int64]
    link_backup: NDArray[np.bool_]


class Case(NamedTuple):
    """The initial failures, one per node (its time, its cause ``C_EVENT``, ``C_HAZARD`` or
    ``C_COMMON``, and for a common cause the member that was hit, else -1), and the horizon:
    nothing later than it is computed."""

    node: NDArray[np.int64]
    time: NDArray[np.float64]
    cause: NDArray[np.int8]
    cnode: NDArray[np.int64]
    horizon: float


class Loads(NamedTuple):
    """The arrays of the overload rule: ``flow`` per link (by link number) and ``load`` per
    pair, moved in place; ``peak``, the highest load each pair reached (it comes in as the
    initial loads); ``cap`` per pair. A sweep without loads is given ``None`` instead: it is
    compiled apart, without the load moves (a first run without loads compiles none)."""

    flow: NDArray[np.float64]
    load: NDArray[np.float64]
    peak: NDArray[np.float64]
    cap: NDArray[np.float64]


class Outputs(NamedTuple):
    """What the sweep writes, and where: node ``v`` and pair ``p`` of the graph are written
    at ``node_out[v]`` and ``pair_out[p]`` (node references through ``node_out`` too), so
    that a sweep of a layout answers in the model's numbering (identity arrays otherwise;
    with loads they must be the identity: flows and loads are not mapped).

    The caller fills them first: ``fail`` inf, ``order`` 0, ``cause`` ``C_NONE``,
    ``cause_node``, ``cause_via`` and ``cause_res`` -1, ``recv_time`` and ``supply_end`` inf
    for a required pair and NaN for another. Without ``explain``, ``order``,
    ``cause_node``, ``cause_via`` and ``cause_res`` are not written (they may be empty).
    """

    fail: NDArray[np.float64]
    order: NDArray[np.int64]
    cause: NDArray[np.int8]
    cause_node: NDArray[np.int64]
    cause_via: NDArray[np.int64]
    cause_res: NDArray[np.int64]
    recv_time: NDArray[np.float64]
    supply_end: NDArray[np.float64]
    node_out: NDArray[np.int64]
    pair_out: NDArray[np.int64]


class Scratch(NamedTuple):
    """The sweep's working memory. ``nst`` (per node), ``st`` and ``st0`` (per pair) must
    come in as zeros: allocated by numpy (``calloc``) they cost nothing until touched, so a
    cascade costs the part it touches plus its outputs. ``w32``, ``w64``, ``wf`` and ``w8``
    may hold anything and are at least :func:`scratch_sizes` long: a caller that runs many
    cascades keeps them, so that the pages a city-wide cascade touches are not mapped and
    zeroed again every time."""

    nst: NDArray[np.int8]
    st: NDArray[np.int64]
    st0: NDArray[np.int64]
    w32: NDArray[np.int32]
    w64: NDArray[np.int64]
    wf: NDArray[np.float64]
    w8: NDArray[np.int8]


# -- what the phases share: cut from the scratch by ``_cut_scratch`` -------------------------
# Lengths of the work lists in ``State.n``.
CNT_PEND = 0
CNT_SEEDS = 1
CNT_SEEDS0 = 2
CNT_STOCK = 3
CNT_SHED = 4
CNT_MOVED = 5
CNT_PASS = 6  # delete-then-rederive passes so far (their stamps, see STAMP_SHIFT)

# Counts of the calendar in ``Calendar.n``.
Q_MADE = 0  # entries made
Q_FILED = 1  # of them, those in their buckets
Q_BUCKETS = 2  # buckets made (one per distinct time)
Q_HEAP = 3  # buckets not yet taken (in the heap)


class State(NamedTuple):
    """What the sweep knows of every node and pair, and the work lists of the instant.

    Per node ``nst`` (``N_FAILED``, ``N_PEND``). Per pair its state word in each view
    (``st``: stores in stock count as origins; ``st0``: producers only, read for stores and
    the store-feeding part), the node behind each stop of a pair (``stop_culprit``,
    ``stop_culprit0``) and behind a store's loss of producers-only supply
    (``lost_culprit0``), and when a store's stock runs out (``stock_end``: inf while it has
    producers-only supply).

    The work lists, their lengths in ``n`` (``CNT_PEND`` ...): the nodes claimed to fail at
    this instant (``pend``), the pairs that stopped delivering since the last pass of each
    view (``seeds``, ``seeds0``), the stores whose stock ends now (``stock_due``), and with
    ``with_load`` the nodes that failed and the pairs that stopped delivering since the last
    load move (``shed_nodes``, ``moved_pairs``; empty without).
    """

    nst: NDArray[np.int8]
    st: NDArray[np.int64]
    st0: NDArray[np.int64]
    stop_culprit: NDArray[np.int32]
    stop_culprit0: NDArray[np.int32]
    lost_culprit0: NDArray[np.int32]
    stock_end: NDArray[np.float64]
    pend: NDArray[np.int32]
    seeds: NDArray[np.int32]
    seeds0: NDArray[np.int32]
    stock_due: NDArray[np.int32]
    shed_nodes: NDArray[np.int32]
    moved_pairs: NDArray[np.int32]
    n: NDArray[np.int64]
    with_load: bool


class Calendar(NamedTuple):
    """The event queue (see "event queue" above): entries and the buckets of their times.

    An entry is a failure (``K_FAIL``: ``target`` a node, with the fields of its
    :class:`Cause` in ``order`` ... ``res``, written only with causes) or a store's stock end
    (``K_STOCK``: ``target`` a pair), due at ``time``; ``next`` links the entries of a
    bucket. ``n`` holds the counts ``Q_MADE`` ...; ``due`` receives the entries of the
    bucket taken, ``tmp`` is its sort's scratch. No entry is made later than ``horizon``.
    """

    kind: NDArray[np.int8]
    target: NDArray[np.int32]
    time: NDArray[np.float64]
    order: NDArray[np.int64]
    cause: NDArray[np.int8]
    cnode: NDArray[np.int32]
    via: NDArray[np.int32]
    res: NDArray[np.int32]
    next: NDArray[np.int32]
    bk_of: dict[float, int]
    bk_time: NDArray[np.float64]
    bk_head: NDArray[np.int32]
    bk_tail: NDArray[np.int32]
    bheap: NDArray[np.int32]
    memo_time: NDArray[np.float64]
    memo_b: NDArray[np.int64]
    due: NDArray[np.int32]
    tmp: NDArray[np.int32]
    n: NDArray[np.int64]
    horizon: float


class PassWork(NamedTuple):
    """The lists of a delete-then-rederive pass (:func:`_dred`), either view's.

    In: the ``premarked`` stores with their causes (``pre_code``, ``pre_cul``, ``pre_via``).
    Out: the pairs that lost supply (``lost``) with their causes (``lost_code``,
    ``lost_cul``, ``lost_via``), and the pairs that stopped delivering (``stopped``). Work:
    ``queue``, ``cand``, ``marked``.
    """

    premarked: NDArray[np.int32]
    pre_code: NDArray[np.int8]
    pre_cul: NDArray[np.int32]
    pre_via: NDArray[np.int32]
    lost: NDArray[np.int32]
    lost_code: NDArray[np.int8]
    lost_cul: NDArray[np.int32]
    lost_via: NDArray[np.int32]
    stopped: NDArray[np.int32]
    queue: NDArray[np.int32]
    cand: NDArray[np.int32]
    marked: NDArray[np.int32]


class View(NamedTuple):
    """One of the two views of supply a pass re-derives: the links it walks (``out_ptr``,
    ``out_dst``), the pairs' packed words, the view's state words and stop culprits, the
    pairs that stopped delivering (``seeds``), and whether a store counts as an origin while
    its stock lasts (``stock``, with ``stock_end``)."""

    out_ptr: NDArray[np.int64]
    out_dst: NDArray[np.int64]
    info: NDArray[np.int64]
    st: NDArray[np.int64]
    stop_culprit: NDArray[np.int32]
    seeds: NDArray[np.int32]
    stock_end: NDArray[np.float64]
    stock: bool


class Cause(NamedTuple):
    """Why a node fails: its order, cause code, cause node, the supplier the loss came
    through (``via``) and the resource (-1: none), in the graph's numbering; made by
    :func:`_cause`, so that every call site gives the same types."""

    order: Int
    code: Int
    node: Int
    via: Int
    res: Int


@njit(cache=True, inline="always")
def _cause(order: Int, code: Int, node: Int, via: Int, res: Int) -> Cause:
    return Cause(np.int64(order), np.int64(code), np.int64(node), np.int64(via), np.int64(res))


@njit(cache=True)
def scratch_sizes(
    n_nodes: int, n_pairs: int, n_init: int, use_load: bool
) -> tuple[int, int, int, int]:
    """The lengths of the int32, int64, float64 and int8 scratch buffers a sweep of
    ``n_nodes`` nodes, ``n_pairs`` pairs and ``n_init`` initial failures cuts its work
    arrays from (:class:`Scratch`: ``w32``, ``w64``, ``wf``, ``w8``)."""
    n_ent = n_init + 3 * n_pairs + 1
    n32 = 16 * n_pairs + 1 + n_nodes + 1 + 10 * n_ent
    if use_load:
        n32 += n_pairs + n_nodes
    return n32, n_ent, n_pairs + 2 * n_ent, 2 * n_pairs + 2 * n_ent


@njit(cache=True, inline="always")
def _cut_scratch(
    g: SupplyGraph, case: Case, with_load: bool, scratch: Scratch
) -> tuple[State, Calendar, PassWork]:
    """The sweep's state, calendar and pass lists, cut from ``scratch`` (see
    :func:`scratch_sizes`); the calendar holds the initial failures due within the horizon.
    Every part is written before it is read, so the buffers may come from an earlier
    cascade."""
    n_nodes = g.node_ptr.shape[0] - 1
    n_pairs = g.pair_node.shape[0]
    # entries of the queue (failures and stock ends after this instant): at most one per
    # initial node, one per pair losing supply, one per store running dry, and one per
    # store's stock; failures at this instant go straight to ``pend``
    n_ent = case.node.shape[0] + 3 * n_pairs + 1
    w32 = scratch.w32
    o32 = 0
    stop_culprit = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    stop_culprit0 = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    lost_culprit0 = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    seeds = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    seeds0 = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    pend = w32[o32 : o32 + n_nodes + 1]
    o32 += n_nodes + 1
    stock_due = w32[o32 : o32 + n_pairs + 1]
    o32 += n_pairs + 1
    n_shed = n_nodes if with_load else 0
    shed_nodes = w32[o32 : o32 + n_shed]
    o32 += n_shed
    n_moved = n_pairs if with_load else 0
    moved_pairs = w32[o32 : o32 + n_moved]
    o32 += n_moved
    stock_end = scratch.wf[:n_pairs]
    for p in range(n_pairs):
        if g.role[p] == STORE:
            stock_end[p] = np.inf
    s = State(
        scratch.nst,
        scratch.st,
        scratch.st0,
        stop_culprit,
        stop_culprit0,
        lost_culprit0,
        stock_end,
        pend,
        seeds,
        seeds0,
        stock_due,
        shed_nodes,
        moved_pairs,
        np.zeros(7, dtype=np.int64),
        with_load,
    )
    premarked = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    pre_cul = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    pre_via = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    lost = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    lost_cul = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    lost_via = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    stopped = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    queue = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    cand = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    marked = w32[o32 : o32 + n_pairs]
    o32 += n_pairs
    w = PassWork(
        premarked,
        scratch.w8[:n_pairs],
        pre_cul,
        pre_via,
        lost,
        scratch.w8[n_pairs : 2 * n_pairs],
        lost_cul,
        lost_via,
        stopped,
        queue,
        cand,
        marked,
    )
    target = w32[o32 : o32 + n_ent]
    o32 += n_ent
    cnode = w32[o32 : o32 + n_ent]
    o32 += n_ent
    via = w32[o32 : o32 + n_ent]
    o32 += n_ent
    res = w32[o32 : o32 + n_ent]
    o32 += n_ent
    nxt = w32[o32 : o32 + n_ent]
    o32 += n_ent
    bk_head = w32[o32 : o32 + n_ent]
    o32 += n_ent
    bk_tail = w32[o32 : o32 + n_ent]
    o32 += n_ent
    bheap = w32[o32 : o32 + n_ent]
    o32 += n_ent
    due = w32[o32 : o32 + n_ent]
    o32 += n_ent
    tmp = w32[o32 : o32 + n_ent]
    o32 += n_ent
    q = Calendar(
        scratch.w8[2 * n_pairs : 2 * n_pairs + n_ent],
        target,
        scratch.wf[n_pairs : n_pairs + n_ent],
        scratch.w64[:n_ent],
        scratch.w8[2 * n_pairs + n_ent : 2 * n_pairs + 2 * n_ent],
        cnode,
        via,
        res,
        nxt,
        Dict.empty(key_type=types.float64, value_type=types.int64),
        scratch.wf[n_pairs + n_ent : n_pairs + 2 * n_ent],
        bk_head,
        bk_tail,
        bheap,
        np.full(8, np.nan),
        np.zeros(9, dtype=np.int64),
        due,
        tmp,
        np.zeros(4, dtype=np.int64),
        case.horizon,
    )
    n_made = 0
    for i in range(case.node.shape[0]):
        if case.time[i] <= case.horizon:
            why = _cause(1, case.cause[i], case.cnode[i], -1, -1)
            n_made = _enter(q, n_made, K_FAIL, case.node[i], case.time[i], why, YES)
    q.n[Q_MADE] = n_made
    return s, q, w


@_internal
def _dred(
    t: float, stamp: int, view: View, n_seeds: int, n_pre: int, w: PassWork, explain: bool
) -> tuple[int, int]:
    """Delete-then-rederive of the least fixed point "receives" in ``view`` after its first
    ``n_seeds`` seeds stopped delivering.

    Reads the view's links and the pairs' packed words; writes the view's state words
    (``st``) and stop culprits, and the lists of ``w``. A pair receives while
    ``down <= slack`` (``slack`` = in-degree - k, in the packed word; see ``F_OFF`` ... for
    the state word); in a view with ``stock`` a store also counts as an origin until
    ``stock_end``. ``stamp`` (already shifted) is this pass's (phase 3 uses the next one
    too). Seeds already have ``F_STOP`` and their stop code set, ``down`` of their
    consumers not yet counted, and their stop culprit set. The ``n_pre`` premarked seeds
    (``w.premarked``: stores whose stock ran out while they still received, when that
    supply may have run through their own stock, round a ring) also have ``F_OFF``,
    ``F_TENT`` and this pass's stamp, and their cause in ``w.pre_code`` ...: they are
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
    ``w.lost_code`` ... and the stop culprits are not written, and ``w.stopped`` is phase
    1's queue, which may hold pairs that came back.

    Writes the pairs that lost supply to ``w.lost``, with the cause of each at the same
    position of ``w.lost_code``, ``w.lost_cul`` and ``w.lost_via``, and the pairs (seeds
    included) that stopped delivering to ``w.stopped``; returns their counts. O(size of the
    part downstream of the seeds, in pairs and links).
    """
    seeds = view.seeds
    out_ptr = view.out_ptr
    out_dst = view.out_dst
    pinfo = view.info
    st = view.st
    stop_culprit = view.stop_culprit
    use_stock = view.stock
    stock_end = view.stock_end
    premarked = w.premarked
    pre_code = w.pre_code
    pre_culprit = w.pre_cul
    pre_via = w.pre_via
    lost = w.lost
    lost_code = w.lost_code
    lost_culprit = w.lost_cul
    lost_via = w.lost_via
    stopped = w.stopped
    queue = w.queue
    cand = w.cand
    marked = w.marked
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


@njit(cache=True, inline="always")
def _next_stamp(s: State) -> int:
    """The stamp (shifted) of the next delete-then-rederive pass, which uses it and the next
    one (phase 3); stamps are cleared when they run out."""
    n_pass = s.n[CNT_PASS] + 2
    if n_pass + 1 > STAMP_LIMIT:
        n_pass = _restamp(s.st, s.st0)
    s.n[CNT_PASS] = n_pass
    stamp: int = n_pass << STAMP_SHIFT
    return stamp


# -- the steps the phases share --------------------------------------------------------------
@njit(cache=True, inline="always")
def _enter(
    q: Calendar, e: int, kind: int, target: Int, time: float, why: Cause, explain: bool
) -> int:
    """Write entry ``e`` of the calendar: ``kind`` for ``target`` at ``time``, with the
    fields of ``why`` (its code alone without ``explain``). Returns ``e + 1``; the entry goes
    to its bucket when the instant ends (:func:`_take_due`)."""
    q.kind[e] = kind
    q.target[e] = target
    q.cause[e] = why.code
    if explain:
        q.order[e] = why.order
        q.cnode[e] = why.node
        q.via[e] = why.via
        q.res[e] = why.res
    q.time[e] = time
    return e + 1


@njit(cache=True, inline="always")
def _note_cause(w: Int, why: Cause, out: Outputs) -> None:
    """Write ``why`` as the cause of the node whose outputs are at ``w``, with its node
    references through ``out.node_out``."""
    out.cause[w] = why.code
    out.order[w] = why.order
    out.cause_node[w] = out.node_out[why.node] if why.node >= 0 else -1
    out.cause_via[w] = out.node_out[why.via] if why.via >= 0 else -1
    out.cause_res[w] = why.res


@njit(cache=True, inline="always")
def _claim(v: Int, why: Cause, s: State, out: Outputs, explain: bool) -> None:
    """Node ``v`` fails at this instant, unless something else already claimed it (the first
    claim gives the cause). Its cause is written now (the code alone without ``explain``);
    it joins ``s.pend`` and fails when the claims are failed (:func:`_fail_claimed`)."""
    if s.nst[v] & N_PEND:
        return
    s.nst[v] |= N_PEND
    n_pend = s.n[CNT_PEND]
    s.pend[n_pend] = v
    s.n[CNT_PEND] = n_pend + 1
    w = out.node_out[v]
    if explain:
        _note_cause(w, why, out)
    else:
        out.cause[w] = why.code


@njit(cache=True, inline="always")
def _fail_node(
    v: Int,
    t: float,
    g: SupplyGraph,
    s: State,
    out: Outputs,
    n: tuple[int, int, int],
    explain: bool,
) -> tuple[int, int, int]:
    """Node ``v`` fails at ``t``: every pair of it stops delivering and seeds the next pass
    of its view (the producers-only view for pairs with links into the store-feeding part),
    and with loads it is listed to shed its draw. ``n``: the lengths of ``s.seeds``,
    ``s.seeds0`` and ``s.shed_nodes``, returned updated."""
    n_seeds, n_seeds0, n_shed = n
    s.nst[v] = N_FAILED
    out.fail[out.node_out[v]] = t
    if s.with_load:
        s.shed_nodes[n_shed] = v
        n_shed += 1
    for p in range(g.node_ptr[v], g.node_ptr[v + 1]):
        x = s.st[p]
        if not x & F_STOP:
            s.st[p] = _stopped_by(x, C_SUPPLIER)
            if explain:
                s.stop_culprit[p] = v
            s.seeds[n_seeds] = p
            n_seeds += 1
        if g.info[p] & FEEDS_STORE_BIT:
            x = s.st0[p]
            if not x & F_STOP:
                s.st0[p] = _stopped_by(x, C_SUPPLIER)
                if explain:
                    s.stop_culprit0[p] = v
                s.seeds0[n_seeds0] = p
                n_seeds0 += 1
    return n_seeds, n_seeds0, n_shed


# -- the phases of an instant, in the order the sweep runs them ------------------------------
@_internal
def _take_due(q: Calendar, s: State, out: Outputs, explain: bool) -> tuple[float, bool]:
    """Take what is due: the next instant ``t`` and its entries. Files the entries made
    since the last instant in their buckets, then takes the earliest bucket (into
    ``q.due``: by order and creation with ``explain``, else by creation); every failure
    entry whose node has not failed is claimed with its cause (``s.pend``, ``out``'s
    causes), every store whose stock ends is listed in ``s.stock_due``. Returns ``t`` and
    whether there is such an instant (false when the queue is empty or its next time is
    past the horizon)."""
    n_made = q.n[Q_MADE]
    if n_made > q.n[Q_FILED]:  # the entries the last instant made (all later than it)
        n_bk, n_heap = _bucket_add(
            q.n[Q_FILED],
            n_made,
            q.time,
            q.next,
            q.bk_of,
            q.bk_time,
            q.bk_head,
            q.bk_tail,
            q.bheap,
            q.n[Q_BUCKETS],
            q.n[Q_HEAP],
            q.memo_time,
            q.memo_b,
        )
        q.n[Q_BUCKETS] = n_bk
        q.n[Q_HEAP] = n_heap
        q.n[Q_FILED] = n_made
    if q.n[Q_HEAP] == 0:
        return np.inf, False
    t = q.bk_time[q.bheap[0]]
    if t > q.horizon:
        return t, False
    n_due, n_heap = _bucket_take(
        q.bk_time, q.bk_head, q.bheap, q.n[Q_HEAP], q.next, q.order, q.due, q.tmp, explain
    )
    q.n[Q_HEAP] = n_heap
    n_stock = 0
    for i in range(n_due):
        e = q.due[i]
        if q.kind[e] == K_FAIL:
            v = q.target[e]
            if not s.nst[v] & N_FAILED:
                why = _cause(q.order[e], q.cause[e], q.cnode[e], q.via[e], q.res[e])
                _claim(np.int64(v), why, s, out, explain)
        else:
            s.stock_due[n_stock] = q.target[e]
            n_stock += 1
    s.n[CNT_STOCK] = n_stock
    return t, True


@_internal
def _fail_claimed(t: float, g: SupplyGraph, s: State, out: Outputs, explain: bool) -> None:
    """Fail nodes: the claimed nodes (``s.pend``) fail at ``t``, in the order of
    their claims (:func:`_fail_node`: their failure times in ``out``, their pairs' state
    words and the seeds of the next passes in ``s``); the claims are cleared."""
    n = (s.n[CNT_SEEDS], s.n[CNT_SEEDS0], s.n[CNT_SHED])
    for i in range(s.n[CNT_PEND]):
        n = _fail_node(s.pend[i], t, g, s, out, n, explain)
    s.n[CNT_SEEDS] = n[0]
    s.n[CNT_SEEDS0] = n[1]
    s.n[CNT_SHED] = n[2]
    s.n[CNT_PEND] = 0


@_internal
def _end_stocks(
    t: float,
    g: SupplyGraph,
    s: State,
    q: Calendar,
    w: PassWork,
    out: Outputs,
    explain: bool,
) -> int:
    """End the stocks due: each store of ``s.stock_due`` that still works and delivers
    stops supplying from its stock now (cause ``C_STORE``, culprit the node that cut it off
    its producers) and seeds the main pass. One that still receives is premarked for
    re-derivation (``w.premarked`` and its cause: what it receives may be its own stock
    come round a ring); one that receives nothing runs dry now (its supply-end time in
    ``out``; its node claimed, or entered in ``q``, at ``t + buffer``). Returns the number
    premarked; ``s.stock_due`` is cleared."""
    n_pre = ZERO
    n_seeds = s.n[CNT_SEEDS]
    n_made = q.n[Q_MADE]
    for i in range(s.n[CNT_STOCK]):
        p = s.stock_due[i]
        v = g.pair_node[p]
        x = s.st[p]
        if s.nst[v] & N_FAILED or x & F_STOP or s.stock_end[p] > t:
            continue
        x = _stopped_by(x, C_STORE)
        if explain:
            s.stop_culprit[p] = s.lost_culprit0[p]
        s.seeds[n_seeds] = p
        n_seeds += 1
        s.st[p] = x
        if not x & F_OFF:
            # what it receives may come round a ring from its own stock: re-derive it
            # (marked just before the main pass; the scratch is shared)
            w.premarked[n_pre] = p
            w.pre_code[n_pre] = C_STORE
            w.pre_cul[n_pre] = s.lost_culprit0[p]
            w.pre_via[n_pre] = v
            n_pre += 1
            continue
        # it received nothing already: it runs dry now
        out.supply_end[out.pair_out[p]] = t
        tf = t + g.buf[p]
        if tf <= q.horizon:
            if explain:
                cn = s.lost_culprit0[p]
                why = _cause(
                    out.order[out.node_out[cn]] + 1 if cn >= 0 else 2, C_STORE, cn, v, g.pair_res[p]
                )
            else:
                why = _cause(1, C_NONE, -1, -1, -1)
            if tf == t:
                _claim(v, why, s, out, explain)
            else:
                n_made = _enter(q, n_made, K_FAIL, v, tf, why, explain)
    s.n[CNT_SEEDS] = n_seeds
    s.n[CNT_STOCK] = 0
    q.n[Q_MADE] = n_made
    return n_pre


@_internal
def _rederive_supply(
    t: float, n_pre: int, g: SupplyGraph, s: State, q: Calendar, w: PassWork, explain: bool
) -> int:
    """Re-derive supply after pairs stopped delivering, by delete-then-rederive
    (:func:`_dred`), in each view that has seeds.

    First counting producers only (``s.st0``, over the links into the store-feeding part,
    seeds ``s.seeds0``): a store that loses that supply starts its autonomy, its stock
    ending at ``t + autonomy`` (``s.stock_end``, and an entry in ``q`` when within the
    horizon), its culprit kept in ``s.lost_culprit0``. Then with stores in stock as
    origins (``s.st``, seeds ``s.seeds``), the ``n_pre`` premarked stores of ``w``
    re-derived too: the pairs that lost supply are left in ``w.lost`` with their causes;
    with loads, those that stopped delivering are listed in ``s.moved_pairs``. Returns the
    number that lost supply in this second view (0 when it had no seeds); the seeds are
    cleared."""
    if s.n[CNT_SEEDS0] > 0:
        view0 = View(
            g.store_out_ptr,
            g.store_out_dst,
            g.info,
            s.st0,
            s.stop_culprit0,
            s.seeds0,
            s.stock_end,
            NO,
        )
        n_lost0, _ = _dred(t, _next_stamp(s), view0, s.n[CNT_SEEDS0], ZERO, w, explain)
        s.n[CNT_SEEDS0] = 0
        n_made = q.n[Q_MADE]
        for i in range(n_lost0):
            p = w.lost[i]
            if g.role[p] == STORE:
                s.lost_culprit0[p] = w.lost_cul[i]
                s.stock_end[p] = t + g.aut[p]
                if g.aut[p] > 0 and s.stock_end[p] <= q.horizon:
                    why = _cause(0, C_NONE, -1, -1, -1)
                    n_made = _enter(q, n_made, K_STOCK, p, s.stock_end[p], why, YES)
        q.n[Q_MADE] = n_made
    if s.n[CNT_SEEDS] == 0:
        return 0
    stamp = _next_stamp(s)
    for i in range(n_pre):
        p = w.premarked[i]
        s.st[p] = (s.st[p] & ~STAMP_MASK) | stamp | F_OFF | F_TENT
    view = View(
        g.out_ptr,
        g.out_dst,
        g.info,
        s.st,
        s.stop_culprit,
        s.seeds,
        s.stock_end,
        YES,
    )
    n_lost, n_stopped = _dred(t, stamp, view, s.n[CNT_SEEDS], n_pre, w, explain)
    s.n[CNT_SEEDS] = 0
    if s.with_load:
        n_moved = s.n[CNT_MOVED]
        for i in range(n_stopped):
            s.moved_pairs[n_moved] = w.stopped[i]
            n_moved += 1
        s.n[CNT_MOVED] = n_moved
    return n_lost


@_internal
def _schedule_dependants(
    t: float,
    n_lost: int,
    g: SupplyGraph,
    s: State,
    q: Calendar,
    w: PassWork,
    out: Outputs,
    explain: bool,
) -> None:
    """Schedule dependants: for each of the ``n_lost`` pairs of ``w.lost`` (in that
    order), its receive time (a required pair) and supply-end time (unless it is a store
    that supplies itself from its stock until it runs dry) are ``t`` in ``out``; its node,
    unless failed, fails at ``t + buffer`` with the pair's cause: an entry in ``q``, or
    with no buffer at once (:func:`_fail_node`, while its pairs are in the cache; its pairs
    seed the next round of the instant, see :func:`_sweep_core`). Calling ``_claim`` and a
    compiled (not inlined) function per node here measured 2 % slower for the times alone
    and 8 % with causes on the 10^6 blackout."""
    n = (s.n[CNT_SEEDS], s.n[CNT_SEEDS0], s.n[CNT_SHED])
    n_made = q.n[Q_MADE]
    for i in range(n_lost):
        p = w.lost[i]
        info = g.info[p]
        if info & REQUIRED_BIT:
            out.recv_time[out.pair_out[p]] = t
        if _role(info) == STORE and s.stock_end[p] > t:
            continue  # it supplies itself from its stock until it runs dry
        out.supply_end[out.pair_out[p]] = t
        v = info & NODE_MASK
        if s.nst[v] & N_FAILED:
            continue
        tf = t + g.buf[p]
        if tf > q.horizon:
            continue
        if explain:
            cn = w.lost_cul[i]
            why = _cause(
                out.order[out.node_out[cn]] + 1 if cn >= 0 else 2,
                w.lost_code[i],
                cn,
                w.lost_via[i],
                g.pair_res[p],
            )
        else:
            why = _cause(1, C_NONE, -1, -1, -1)
        if tf == t:
            # claimed and failed at once, as _claim and _fail_claimed would (nothing else
            # claims a node during this loop, and the first claim gives the cause)
            if explain:
                _note_cause(out.node_out[v], why, out)
            n = _fail_node(v, t, g, s, out, n, explain)
        else:
            n_made = _enter(q, n_made, K_FAIL, v, tf, why, explain)
    s.n[CNT_SEEDS] = n[0]
    s.n[CNT_SEEDS0] = n[1]
    s.n[CNT_SHED] = n[2]
    q.n[Q_MADE] = n_made


@_internal
def _move_load(g: SupplyGraph, s: State, loads: Loads, out: Outputs, explain: bool) -> None:
    """Move load (the overload rule, ``docs/engine.md``), in ``loads``. First the nodes
    that failed since the last move (``s.shed_nodes``) shed their draw: the flows into
    their pairs are taken off their suppliers' loads. Then the flow each pair that stopped
    delivering since the last move (``s.moved_pairs``) sent to a consumer that still works
    moves to that consumer's suppliers that still deliver, equally, to its backups if any
    deliver, else to its primaries (``peak`` kept). A supplier pushed over its capacity is
    claimed to fail now (``C_OVERLOAD``; the trigger is the failed primary, or when it only
    lost its own supply, the node that cut it). Both lists are cleared."""
    flow = loads.flow
    load = loads.load
    for i in range(s.n[CNT_SHED]):
        v = s.shed_nodes[i]
        for c in range(g.node_ptr[v], g.node_ptr[v + 1]):
            for j in range(g.in_ptr[c], g.in_ptr[c + 1]):
                lk = g.in_link[j]
                load[g.in_src[j]] -= flow[lk]
                flow[lk] = 0.0
    s.n[CNT_SHED] = 0
    for i in range(s.n[CNT_MOVED]):
        p = s.moved_pairs[i]
        for j in range(g.out_ptr[p], g.out_ptr[p + 1]):
            lk = g.out_link[j]
            f = flow[lk]
            if f <= 0.0:
                continue
            flow[lk] = 0.0
            load[p] -= f
            c = g.out_dst[j]
            if s.nst[g.pair_node[c]] & N_FAILED:
                continue
            n_b = 0
            n_p = 0
            for jj in range(g.in_ptr[c], g.in_ptr[c + 1]):
                if not s.st[g.in_src[jj]] & F_STOP:
                    if g.link_backup[g.in_link[jj]]:
                        n_b += 1
                    else:
                        n_p += 1
            if n_b + n_p == 0:
                continue
            use_backup = n_b > 0
            share = f / (n_b if use_backup else n_p)
            for jj in range(g.in_ptr[c], g.in_ptr[c + 1]):
                b = g.in_src[jj]
                if s.st[b] & F_STOP or g.link_backup[g.in_link[jj]] != use_backup:
                    continue
                flow[g.in_link[jj]] += share
                load[b] += share
                if load[b] > loads.peak[b]:
                    loads.peak[b] = load[b]
                cap = loads.cap[b]
                over = load[b] > cap + _REL_TOL * max(1.0, abs(cap))
                v = g.pair_node[b]
                if over and not s.nst[v]:
                    pn = g.pair_node[p]
                    cn = pn if s.nst[pn] & N_FAILED else s.stop_culprit[p]
                    order = out.order[out.node_out[cn]] + 1 if cn >= 0 else 2
                    _claim(v, _cause(order, C_OVERLOAD, cn, pn, g.pair_res[b]), s, out, explain)
    s.n[CNT_MOVED] = 0


# -- the sweep -------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _sweep_core(
    g: SupplyGraph,
    case: Case,
    loads: Loads | None,
    out: Outputs,
    scratch: Scratch,
    explain: bool,
) -> None:
    """The timed cascade: a sweep over event times, in phases.

    Per instant ``t`` (the earliest time in the calendar), the phases: :func:`_take_due`
    takes the entries due and claims their failures; then rounds, until a round neither
    fails nor claims anything: :func:`_fail_claimed` fails the claimed nodes,
    :func:`_end_stocks` ends the stocks due, :func:`_rederive_supply` re-derives supply
    (counting producers only, which starts the autonomy of stores that lose it, then with
    stores in stock as origins), the stores run dry meanwhile fail (:func:`_fail_claimed`
    again) and :func:`_schedule_dependants` schedules the nodes of the pairs that lost
    supply. Then, with loads, :func:`_move_load` (the overload rule); a supplier pushed
    over capacity is claimed at ``t`` and the rounds go on. See ``docs/engine.md`` for the
    semantics, :class:`SupplyGraph` ... for the arguments and ``cascade.run_cascade`` for a
    caller.

    Each pair loses supply at most once and each node fails at most once, so every pair and
    link is deleted once and re-derived at most once per instant that touches it:
    O(N + P + E log B + sum over instants of the part downstream of what failed then), for E
    queue entries and B distinct event times.

    Without ``explain`` (which needs ``loads`` None: loads move in the order of the causes'
    search) the sweep computes the times alone: ``out.fail``, ``out.recv_time`` and
    ``out.supply_end`` are the same as with it, ``out.cause`` holds the cause of initial
    failures (``C_NONE`` for the rest), and the other cause outputs are not written. Causes
    only choose among claims of one instant; which nodes fail when, and which pairs lose
    supply when, are fixed points of each instant whatever the order, so they do not depend
    on them. Entries then carry no cause fields and buckets are not sorted.

    A node that loses supply with no buffer fails at once, inside
    :func:`_schedule_dependants`, while its pairs are still in the cache; the nodes claimed
    earlier in the round (stores run dry) fail just before it. Their pairs seed the next
    round of the instant, in the order of the claims, exactly as if every claim of the
    round had failed at the start of the next one: a failed node's later pairs in that loop
    would only have claimed it again or queued a failure it already has.

    Inlined into :func:`sweep_explained` and :func:`sweep_times`, where ``explain`` is a
    constant: each phase is compiled once per value, without the branches it rules out.
    The phases themselves are called, not inlined: numba's inlining of them took longer to
    compile than the whole sweep did as one function. Each compiled function costs a first
    run a fraction of a second, more the more arrays it is passed, so the phases are as
    few as their names need.
    """
    s, q, w = _cut_scratch(g, case, loads is not None, scratch)
    n = s.n
    while True:
        t, due = _take_due(q, s, out, explain)
        if not due:
            break
        while True:  # the rounds of the instant
            _fail_claimed(t, g, s, out, explain)
            n_pre = _end_stocks(t, g, s, q, w, out, explain)
            n_lost = _rederive_supply(t, n_pre, g, s, q, w, explain)
            _fail_claimed(t, g, s, out, explain)  # the stores run dry, claimed first
            _schedule_dependants(t, n_lost, g, s, q, w, out, explain)
            if n[CNT_PEND] > 0 or n[CNT_SEEDS] > 0 or n[CNT_SEEDS0] > 0:
                continue
            if loads is not None:
                _move_load(g, s, loads, out, explain)
            if n[CNT_PEND] == 0:
                break


@njit(cache=True)
def sweep_explained(
    g: SupplyGraph, case: Case, loads: Loads | None, out: Outputs, scratch: Scratch
) -> None:
    """The timed cascade with its causes: :func:`_sweep_core` with ``explain`` true (see
    :func:`sweep_core`)."""
    _sweep_core(g, case, loads, out, scratch, True)


@njit(cache=True)
def sweep_times(
    g: SupplyGraph, case: Case, loads: Loads | None, out: Outputs, scratch: Scratch
) -> None:
    """The times alone: :func:`_sweep_core` with ``explain`` false."""
    _sweep_core(g, case, loads, out, scratch, False)


def sweep_core(
    g: SupplyGraph,
    case: Case,
    loads: Loads | None,
    out: Outputs,
    scratch: Scratch,
    explain: bool,
) -> None:
    """The timed cascade (:func:`_sweep_core`) from Python: :func:`sweep_explained` or
    :func:`sweep_times` by ``explain``. Each is compiled on its first use, so a job that only
    ever explains (the main job) never compiles the other, and inside each the flag is a
    constant and the branches it rules out are gone."""
    if explain:
        sweep_explained(g, case, loads, out, scratch)
    else:
        sweep_times(g, case, loads, out, scratch)


@njit(cache=True)
def new_scratch(n_nodes: int, n_pairs: int, n_init: int, use_load: bool) -> Scratch:
    """Scratch for one sweep (:class:`Scratch`), its state zeroed."""
    n32, n64, nf, n8 = scratch_sizes(n_nodes, n_pairs, n_init, use_load)
    return Scratch(
        np.zeros(n_nodes, dtype=np.int8),
        np.zeros(n_pairs, dtype=np.int64),
        np.zeros(n_pairs, dtype=np.int64),
        np.empty(n32, dtype=np.int32),
        np.empty(n64, dtype=np.int64),
        np.empty(nf, dtype=np.float64),
        np.empty(n8, dtype=np.int8),
    )


@njit(cache=True)
def sweep(g: SupplyGraph, case: Case, loads: Loads | None, out: Outputs, explain: bool) -> None:
    """The timed cascade of :func:`sweep_core` from compiled code, allocating its scratch
    here (for small local models, such as the cones of a batch). ``g.info`` is
    :func:`pack_pair_info` of the graph; ``out.node_out`` and ``out.pair_out`` are usually
    ``np.arange``."""
    n_init = case.node.shape[0]
    scratch = new_scratch(out.fail.shape[0], g.pair_node.shape[0], n_init, loads is not None)
    if explain:
        sweep_explained(g, case, loads, out, scratch)
    else:
        sweep_times(g, case, loads, out, scratch)
