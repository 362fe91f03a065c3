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


#: Node states of the process (``process.py``): working, down, restarting.
WORKING, DOWN, RESTARTING = 0, 1, 2

Graph = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]
Solution = tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]
PairStatics = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]


@njit(cache=True)
def _propagate(
    graph: Graph,
    pairs: PairStatics,
    working: NDArray[np.bool_],
    sol: Solution,
    queue: NDArray[np.int64],
    tail: int,
) -> None:
    """Carry on the counting breadth-first search from the pairs in ``queue[:tail]`` (which
    deliver): a pair receives once ``pair_k`` of its open supply links come from pairs that
    deliver, and then delivers itself if it passes supply on and its node works."""
    out_ptr, out_dst, out_link, link_open = graph
    pair_node, pair_k, passes = pairs
    count, received, delivers = sol
    head = 0
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


@njit(cache=True)
def supply_solve(
    graph: Graph,
    pairs: PairStatics,
    working: NDArray[np.bool_],
    origins: tuple[NDArray[np.bool_], NDArray[np.bool_]],
    sols: tuple[Solution, Solution],
) -> None:
    """Supply over the working nodes, from scratch, twice in one search: ``sols[0]`` from the
    producers alone (when a store stops receiving from producers, its clock starts) and
    ``sols[1]`` from the producers and the active stores (``origins``). The second is the
    first carried on from the active stores: the least solution only grows with its origins.
    O(P + L)."""
    pair_node = pairs[0]
    producer, active = origins
    sol0, sol = sols
    n = pair_node.shape[0]
    queue = np.empty(n, dtype=np.int64)
    sol0[0][:] = 0
    sol0[1][:] = False
    sol0[2][:] = False
    tail = 0
    for p in range(n):
        if producer[p] and working[pair_node[p]]:
            sol0[2][p] = True
            queue[tail] = p
            tail += 1
    _propagate(graph, pairs, working, sol0, queue, tail)
    sol[0][:] = sol0[0]
    sol[1][:] = sol0[1]
    sol[2][:] = sol0[2]
    tail = 0
    for p in range(n):
        if active[p] and working[pair_node[p]] and not sol[2][p]:
            sol[2][p] = True
            queue[tail] = p
            tail += 1
    _propagate(graph, pairs, working, sol, queue, tail)


@njit(cache=True)
def supply_add(
    graph: Graph,
    pairs: PairStatics,
    working: NDArray[np.bool_],
    origins: tuple[NDArray[np.bool_], NDArray[np.bool_]],
    sols: tuple[Solution, Solution],
    nodes: tuple[NDArray[np.int64], NDArray[np.int64]],
) -> None:
    """Supply after ``nodes[0]`` started working again (``nodes[1]`` is ``node_ptr``), with
    nothing else changed since the last :func:`supply_solve`: additions only, so the search
    carries on from their pairs that now deliver. A node listed that is no longer working
    (damaged again at the instant its restart completed) adds nothing. O(what changes)."""
    pair_node, _, passes = pairs
    new, node_ptr = nodes
    n = pair_node.shape[0]
    queue = np.empty(n, dtype=np.int64)
    for which in range(2):
        sol = sols[which]
        origin_a = origins[0]
        origin_b = origins[1] if which == 1 else origins[0]
        received, delivers = sol[1], sol[2]
        tail = 0
        for i in range(new.shape[0]):
            v = new[i]
            if not working[v]:
                continue
            for p in range(node_ptr[v], node_ptr[v + 1]):
                if delivers[p]:
                    continue
                if origin_a[p] or origin_b[p] or (passes[p] and received[p]):
                    delivers[p] = True
                    queue[tail] = p
                    tail += 1
        _propagate(graph, pairs, working, sol, queue, tail)


@njit(cache=True)
def settle_pairs(
    t: float,
    holds: NDArray[np.bool_],
    pairs: tuple[
        NDArray[np.int64],
        NDArray[np.bool_],
        NDArray[np.bool_],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.int64],
    ],
    node_state: tuple[NDArray[np.int8], NDArray[np.bool_]],
    buffers: tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
    ],
    out: tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64]],
) -> tuple[int, int]:
    """The buffers at ``t`` (``docs/engine.md``, "Buffers"), one pass over the pairs.

    ``pairs``: pair node, area pair, required, full buffer (ordinary plus degraded hours),
    degraded hours, condition index (-1: always). ``node_state``: per node its state, per pair
    whether it has the resource. ``buffers`` (updated): remaining hours, drain start (NaN: not
    draining), loss start and degraded start (NaN: none open). A buffer pauses while its node
    is down, is full again when the need is met (supply, or outside its condition), starts to
    drain when it is not met while its node runs. Writes ``out[0]``, per pair whether its
    buffer is spent; opens the losses and degraded intervals that begin, and lists the pairs
    whose open loss (``out[1]``) or degraded interval (``out[2]``) ends, whose starts the
    caller logs and clears. Returns how many of each."""
    pair_node, area_pair, required, full, degraded_h, condition = pairs
    status, has = node_state
    remaining, drain_from, loss_from, degraded_from = buffers
    spent, loss_end, deg_end = out
    n_loss = 0
    n_deg = 0
    for p in range(pair_node.shape[0]):
        c = condition[p]
        in_condition = True if c < 0 else holds[c]
        met = (not required[p]) or has[p] or not in_condition
        running = status[pair_node[p]] != DOWN or area_pair[p]
        d = drain_from[p]
        if not running and not np.isnan(d):
            remaining[p] -= t - d
            drain_from[p] = np.nan
            d = np.nan
        if met:
            remaining[p] = full[p]
            drain_from[p] = np.nan
            d = np.nan
        elif running and np.isnan(d):
            drain_from[p] = t
            d = t
        left = remaining[p] - (0.0 if np.isnan(d) else t - d)
        is_spent = (not met) and running and left <= 0
        spent[p] = is_spent
        if is_spent and required[p] and np.isnan(loss_from[p]):
            loss_from[p] = t
        if met and not np.isnan(loss_from[p]):
            loss_end[n_loss] = p
            n_loss += 1
        deg = (not met) and running and degraded_h[p] > 0 and 0 < left <= degraded_h[p]
        if deg and np.isnan(degraded_from[p]):
            degraded_from[p] = t
        if not deg and not np.isnan(degraded_from[p]):
            deg_end[n_deg] = p
            n_deg += 1
    return n_loss, n_deg


@njit(cache=True)
def area_shares(
    t: float,
    links: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.bool_],
        NDArray[np.bool_],
        NDArray[np.float64],
        NDArray[np.bool_],
    ],
    feeds: tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]],
    areas: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64], NDArray[np.bool_]],
    shares: tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
    ],
) -> None:
    """Per area pair, the share of it without the service at ``t`` (``docs/engine.md``,
    "Partial service"): all of it while its loss is open; else the weight of its primary links
    whose supplier does not deliver through them, unless a backup that delivers through an
    open link covers it. ``links``: source, destination, backup, primary link into an area,
    weight, open; ``feeds``: per pair whether it delivers and whether it is hindered
    (:func:`hindered_pairs`), per link whether it is cut; ``areas``: per pair the total
    weight, whether it is a required area pair, the loss start, whether it has the resource
    (an area that has none and whose loss is not open is bridged by its buffer: none of it is
    without, "an area's buffer bridges only a total loss"); ``shares`` (updated): the share
    without the service now, its peak, the first time above 0 (inf: never), and the share
    hindered now: served by a detour (its lost feeds covered by a backup) or through a
    hindered feed, while it is not without the service."""
    src, dst, backup, area_link, weight, link_open = links
    delivers, hindered, cut = feeds
    total, area_req, loss_from, has = areas
    now, peak, first, hinder = shares
    n = total.shape[0]
    lost = np.zeros(n)
    slow = np.zeros(n)
    covered = np.zeros(n, dtype=np.bool_)
    for lk in range(src.shape[0]):
        s = src[lk]
        if area_link[lk] and not (delivers[s] and not cut[lk]):
            lost[dst[lk]] += weight[lk]
        elif area_link[lk] and hindered[s]:
            slow[dst[lk]] += weight[lk]
        elif backup[lk] and link_open[lk] and delivers[s]:
            covered[dst[lk]] = True
    for p in range(n):
        if not area_req[p]:
            now[p] = 0.0
            hinder[p] = 0.0
            continue
        whole = total[p] if total[p] > 0 else 1.0
        if not np.isnan(loss_from[p]):
            share = 1.0
        elif not has[p]:
            now[p] = 0.0
            hinder[p] = 0.0
            continue
        elif covered[p]:
            share = 0.0
        else:
            share = lost[p] / whole
        share = min(max(share, 0.0), 1.0)
        detour = lost[p] if covered[p] else 0.0
        hinder[p] = 0.0 if share >= 1.0 else min((slow[p] + detour) / whole, 1.0 - share)
        now[p] = share
        if share > peak[p]:
            peak[p] = share
        if share > 0 and first[p] == np.inf:
            first[p] = t


@njit(cache=True)
def any_pair_delivers(
    nodes: NDArray[np.int64],
    node_ptr: NDArray[np.int64],
    delivers: tuple[NDArray[np.bool_], NDArray[np.bool_]],
) -> bool:
    """Whether any pair of ``nodes`` delivers in either solution (taking them down then takes
    supply away)."""
    a, b = delivers
    for i in range(nodes.shape[0]):
        v = nodes[i]
        for p in range(node_ptr[v], node_ptr[v + 1]):
            if a[p] or b[p]:
                return True
    return False


@njit(cache=True)
def ready_to_restart(
    nodes: NDArray[np.int64],
    node_ptr: NDArray[np.int64],
    needs: tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.float64]],
    condition: tuple[NDArray[np.int64], NDArray[np.bool_]],
) -> NDArray[np.bool_]:
    """Per node of ``nodes``, whether each of its needs has supply, is outside its condition
    or has buffer left (``needs``: required, has, remaining hours; ``condition``: per pair its
    condition index, -1 for always, and per condition whether it holds)."""
    required, has, remaining = needs
    cond, holds = condition
    ok = np.ones(nodes.shape[0], dtype=np.bool_)
    for i in range(nodes.shape[0]):
        v = nodes[i]
        for p in range(node_ptr[v], node_ptr[v + 1]):
            if not required[p] or has[p] or remaining[p] > 0:
                continue
            if cond[p] >= 0 and not holds[cond[p]]:
                continue
            ok[i] = False
            break
    return ok


@njit(cache=True)
def hindered_pairs(
    graph: Graph,
    in_graph: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    backup: NDArray[np.bool_],
    state: tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]],
) -> NDArray[np.bool_]:
    """Per pair, whether what it receives comes by a detour (``docs/engine.md``,
    "Hindrance"): a pair that receives although one of its primary links does not deliver
    (its load went to a backup) is detoured, and so is a pair that receives through a primary
    link from a detoured pair that delivers.

    ``graph`` is ``(out_ptr, out_dst, out_link, link_open)``, ``in_graph`` ``(in_ptr,
    in_src, in_link)``; ``state`` is per pair received and delivers, and per link whether it
    is cut. O(P + L)."""
    out_ptr, out_dst, out_link, link_open = graph
    in_ptr, in_src, in_link = in_graph
    received, delivers, cut = state
    n = received.shape[0]
    hindered = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    tail = 0
    for q in range(n):
        seed = False
        if received[q]:
            for e in range(in_ptr[q], in_ptr[q + 1]):
                lk = in_link[e]
                if not backup[lk] and (cut[lk] or not delivers[in_src[e]]):
                    seed = True
                    break
        if seed:
            hindered[q] = True
            queue[tail] = q
            tail += 1
    head = 0
    while head < tail:
        p = queue[head]
        head += 1
        if not delivers[p]:
            continue
        for e in range(out_ptr[p], out_ptr[p + 1]):
            lk = out_link[e]
            q = out_dst[e]
            if backup[lk] or not link_open[lk] or hindered[q] or not received[q]:
                continue
            hindered[q] = True
            queue[tail] = q
            tail += 1
    return hindered


@njit(cache=True)
def next_pending(
    t: float,
    nodes: tuple[NDArray[np.int8], NDArray[np.float64], NDArray[np.float64]],
    buffers: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    stores: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]],
) -> float:
    """The earliest pending time after ``t``, one pass over nodes and pairs: a restart that
    completes, a repair of a down node, a draining buffer that runs out or enters its
    degraded hours, a store that runs dry. ``nodes``: state, restart done, repaired at;
    ``buffers``: drain start (NaN: not draining), remaining hours, degraded hours;
    ``stores``: store pairs, their clocks and autonomy hours (per pair)."""
    status, restart_done, repaired_at = nodes
    drain_from, remaining, degraded_h = buffers
    store_pairs, clock, autonomy = stores
    nxt = np.inf
    for v in range(status.shape[0]):
        if status[v] == RESTARTING:
            nxt = min(nxt, restart_done[v])
        elif status[v] == DOWN and repaired_at[v] > t:
            nxt = min(nxt, repaired_at[v])
    for p in range(drain_from.shape[0]):
        if np.isnan(drain_from[p]):
            continue
        ends = drain_from[p] + remaining[p]
        if ends > t:
            nxt = min(nxt, ends)
        deg = ends - degraded_h[p]
        if deg > t:
            nxt = min(nxt, deg)
    for i in range(store_pairs.shape[0]):
        p = store_pairs[i]
        ends = clock[p] + autonomy[p]
        if ends > t:
            nxt = min(nxt, ends)
    return nxt
