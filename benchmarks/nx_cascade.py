"""The timed cascade written the way the field's tools write it: a networkx graph, and at
every event time the supply recomputed from scratch by walking the graph in Python.

Same semantics as ``vitaal.engine.run_cascade`` without loads (``docs/engine.md``): at each
instant the failed set is fixed, supply is the least fixed point of k-of-n forward chaining
from the working producers (counting producers only, which starts the stores' autonomy; then
with the stores in stock as origins), and every requirement that lost supply schedules its
node's failure after its buffer. It reports failure and receive times, not causes. The
benchmarks check that its failure times equal vitaal's.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import networkx as nx
import numpy as np

from vitaal.engine.compile import CompiledModel, PairRole

INF = math.inf


def to_networkx(cm: CompiledModel) -> nx.DiGraph:
    """The supply graph over (node, resource) pairs with the requirement data as attributes."""
    g = nx.DiGraph()
    for p in range(cm.n_pairs):
        g.add_node(
            p,
            node=int(cm.pair_node[p]),
            role=int(cm.pair_role[p]),
            required=bool(cm.pair_required[p]),
            k=int(cm.pair_k[p]),
            buffer=float(cm.pair_buffer_h[p]),
            autonomy=float(cm.pair_autonomy_h[p]),
        )
    g.add_edges_from(zip(cm.link_src.tolist(), cm.link_dst.tolist(), strict=True))
    g.graph["node_pairs"] = {
        v: list(range(int(cm.node_ptr[v]), int(cm.node_ptr[v + 1]))) for v in range(cm.n_nodes)
    }
    return g


def _reach(g: nx.DiGraph, failed: set[int], origins: list[int]) -> set[int]:
    """Pairs that receive: k-of-n forward chaining from ``origins`` through working pairs."""
    count: dict[int, int] = {}
    reached: set[int] = set()
    stack = [p for p in origins if g.nodes[p]["node"] not in failed]
    delivering = set(stack)
    while stack:
        p = stack.pop()
        for q in g.successors(p):
            count[q] = count.get(q, 0) + 1
            if q not in reached and count[q] >= g.nodes[q]["k"]:
                reached.add(q)
                if g.nodes[q]["node"] not in failed and q not in delivering:
                    delivering.add(q)
                    stack.append(q)
    return reached


def nx_cascade(
    g: nx.DiGraph, initial: dict[int, float], horizon: float
) -> tuple[dict[int, float], dict[int, float]]:
    """Failure time per node and receive time per required pair (``inf``: not within the
    horizon) of initial failures ``{node: time}``."""
    attrs: Any = g.nodes
    node_pairs: dict[int, list[int]] = g.graph["node_pairs"]
    producers = [p for p in g.nodes if attrs[p]["role"] == PairRole.PRODUCER]
    stores = [p for p in g.nodes if attrs[p]["role"] == PairRole.STORE]
    required = [p for p in g.nodes if attrs[p]["required"]]
    fail = dict.fromkeys(node_pairs, INF)
    recv = dict.fromkeys(required, INF)
    recv0 = dict.fromkeys(required, INF)
    have_lost = dict.fromkeys(required, False)
    stock_end = dict.fromkeys(stores, INF)
    queue: list[tuple[float, int]] = [(t, v) for v, t in initial.items() if t <= horizon]
    heapq.heapify(queue)
    failed: set[int] = set()
    while queue:
        t = queue[0][0]
        if t > horizon:
            break
        while True:
            # what is due now: node failures, and stock ends (-1), which the
            # recomputation below takes into account by itself
            while queue and queue[0][0] == t:
                _, v = heapq.heappop(queue)
                if v >= 0 and v not in failed:
                    failed.add(v)
                    fail[v] = t
            # producers only as origins: stores that lose it start their autonomy
            r0 = _reach(g, failed, producers)
            for p in required:
                if recv0[p] == INF and p not in r0:
                    recv0[p] = t
                    if attrs[p]["role"] == PairRole.STORE:
                        stock_end[p] = t + attrs[p]["autonomy"]
                        if t < stock_end[p] <= horizon:
                            heapq.heappush(queue, (stock_end[p], -1))
            in_stock = [p for p in stores if stock_end[p] > t]
            r = _reach(g, failed, producers + in_stock)
            for p in required:
                if recv[p] == INF and p not in r:
                    recv[p] = t
                store_has = attrs[p]["role"] == PairRole.STORE and stock_end[p] > t
                if not have_lost[p] and p not in r and not store_has:
                    have_lost[p] = True
                    v = attrs[p]["node"]
                    tf = t + attrs[p]["buffer"]
                    if v not in failed and tf <= horizon:
                        heapq.heappush(queue, (tf, v))
            if not (queue and queue[0][0] == t):
                break  # nothing more fails at this instant (zero buffers repeat it)
    return fail, recv


def fail_times(fail: dict[int, float], n: int) -> np.ndarray:
    return np.asarray([fail[v] for v in range(n)], dtype=np.float64)
