"""The compiled model laid out in supply order, for cascades that sweep a whole city.

A cascade walks the graph downstream: from the producers to what they feed, and on. The
compiled model keeps the model's order (asset registers number by system, kind and street),
so at 10^5-10^6 components every step of a city-wide cascade lands somewhere else in memory.
:func:`lay_out` renumbers nodes in the order one breadth-first traversal from the
producers reaches them (each node's pairs and each pair's links kept in their order), so
that what a cascade reaches together lies together. ``run_cascade`` sweeps this copy and
writes its outputs straight back in the model's order (``node_out``, ``pair_out``); the
result is the same, tie for tie: the sweep never breaks a tie by an index
(``tests/engine/test_numbering.py``, ``tests/engine/test_layout.py``).

Laying a model out costs about three to five whole-city cascades (0.5-0.7 s for 10^6
components) and the size of its graph arrays again (about 0.16 GiB), and pays only when
many whole-city cascades run on one model (a what-if session, a benchmark): so it is asked
for, :func:`lay_out`, and kept with the compiled model (not pickled with it);
``run_cascade`` uses it when it is there. It makes a city-wide blackout 10-25 % faster at
10^5-10^6 components (``docs/performance.md``); a local failure and a small model gain
nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from vitaal.engine._kernels import PRODUCER, SupplyGraph, pack_pair_info

if TYPE_CHECKING:
    from vitaal.engine.compile import CompiledModel


@dataclass(frozen=True, slots=True, eq=False)
class SupplyLayout:
    """The arrays the sweep reads, renumbered in supply order.

    ``node_out[i]`` / ``pair_out[j]``: the model's node / pair at layout position ``i`` /
    ``j``; ``node_in`` the inverse of ``node_out``. The other fields are those of
    :class:`~vitaal.engine.compile.CompiledModel` of the same name, in layout numbering
    (``out_link`` and ``in_link`` keep the model's link numbers).
    """

    node_out: NDArray[np.int64]
    node_in: NDArray[np.int64]
    pair_out: NDArray[np.int64]
    pair_node: NDArray[np.int64]
    pair_resource: NDArray[np.int64]
    pair_role: NDArray[np.int8]
    pair_required: NDArray[np.bool_]
    pair_k: NDArray[np.int64]
    pair_buffer_h: NDArray[np.float64]
    pair_autonomy_h: NDArray[np.float64]
    pair_info: NDArray[np.int64]
    node_ptr: NDArray[np.int64]
    out_ptr: NDArray[np.int64]
    out_dst: NDArray[np.int64]
    out_link: NDArray[np.int64]
    store_out_ptr: NDArray[np.int64]
    store_out_dst: NDArray[np.int64]
    in_ptr: NDArray[np.int64]
    in_src: NDArray[np.int64]
    in_link: NDArray[np.int64]


#: The four scratch buffers of a sweep (``w32``, ``w64``, ``wf``, ``w8`` of ``_kernels.Scratch``).
Buffers = tuple[NDArray[np.int32], NDArray[np.int64], NDArray[np.float64], NDArray[np.int8]]


class LayoutSlot:
    """Where a compiled model keeps what its cascades reuse: its layout once built, the
    identity maps the sweep writes its outputs through when there is none, the pair times
    every cascade starts from (:func:`untouched_pairs`) and the scratch buffers of the last
    cascade (see :func:`take_scratch`). Made once, not at every
    cascade; pickles empty (a model sent to Dask workers does not carry it: batches sweep
    cones, not the city)."""

    __slots__ = ("identity", "layout", "lock", "scratch", "untouched")

    def __init__(self) -> None:
        self.layout: SupplyLayout | None = None
        self.identity: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None
        self.untouched: NDArray[np.float64] | None = None
        self.scratch: Buffers | None = None
        self.lock = threading.Lock()

    def __reduce__(self) -> tuple[type[LayoutSlot], tuple[()]]:
        return (LayoutSlot, ())


def supply_order(compiled: CompiledModel) -> NDArray[np.int64]:
    """Nodes in the order a breadth-first traversal of the supply links from every producer
    reaches them; nodes it never reaches follow in the model's order."""
    # scipy's sparse graphs take a third of a second to import, and only a layout needs them
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    n = compiled.n_nodes
    producers = np.unique(compiled.pair_node[compiled.pair_role == PRODUCER])
    rows = np.concatenate([compiled.pair_node[compiled.link_src], np.full(producers.size, n)])
    cols = np.concatenate([compiled.pair_node[compiled.link_dst], producers])
    graph = sp.csr_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n + 1, n + 1))
    reached = breadth_first_order(graph, n, directed=True, return_predecessors=False)[1:]
    seen = np.zeros(n, dtype=np.bool_)
    seen[reached] = True
    return np.concatenate([reached, np.flatnonzero(~seen)]).astype(np.int64)


def _segments(
    ptr: NDArray[np.int64], order: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For CSR rows taken in ``order``: the new row pointer and, per new entry, the old one
    (each row's entries kept in their order)."""
    starts = ptr[order]
    lens = ptr[order + 1] - starts
    new_ptr = np.zeros(order.size + 1, dtype=np.int64)
    np.cumsum(lens, out=new_ptr[1:])
    idx = np.arange(new_ptr[-1], dtype=np.int64) + np.repeat(starts - new_ptr[:-1], lens)
    return new_ptr, idx


def build_supply_layout(compiled: CompiledModel) -> SupplyLayout:
    """The layout of ``compiled`` in supply order (see the module docstring). O(N + P + L)."""
    c = compiled
    node_out = supply_order(c)
    node_in = np.empty_like(node_out)
    node_in[node_out] = np.arange(node_out.size, dtype=np.int64)
    node_ptr, pair_out = _segments(c.node_ptr, node_out)
    pair_in = np.empty_like(pair_out)
    pair_in[pair_out] = np.arange(pair_out.size, dtype=np.int64)
    pair_node = np.repeat(np.arange(node_out.size, dtype=np.int64), np.diff(node_ptr))
    role = c.pair_role[pair_out]
    required = c.pair_required[pair_out]
    k = c.pair_k[pair_out]
    out_ptr, oi = _segments(c.out_ptr, pair_out)
    store_out_ptr, si = _segments(c.store_out_ptr, pair_out)
    in_ptr, ii = _segments(c.in_ptr, pair_out)
    return SupplyLayout(
        node_out=node_out,
        node_in=node_in,
        pair_out=pair_out,
        pair_node=pair_node,
        pair_resource=c.pair_resource[pair_out],
        pair_role=role,
        pair_required=required,
        pair_k=k,
        pair_buffer_h=c.pair_buffer_h[pair_out],
        pair_autonomy_h=c.pair_autonomy_h[pair_out],
        pair_info=pack_pair_info(pair_node, role, required, k, in_ptr, store_out_ptr),
        node_ptr=node_ptr,
        out_ptr=out_ptr,
        out_dst=pair_in[c.out_dst[oi]],
        out_link=c.out_link[oi],
        store_out_ptr=store_out_ptr,
        store_out_dst=pair_in[c.store_out_dst[si]],
        in_ptr=in_ptr,
        in_src=pair_in[c.in_src[ii]],
        in_link=c.in_link[ii],
    )


def supply_graph(compiled: CompiledModel, layout: SupplyLayout | None) -> SupplyGraph:
    """What the sweep reads (``_kernels.SupplyGraph``): the arrays of ``layout`` when given,
    else those of ``compiled`` as compiled."""
    sw: CompiledModel | SupplyLayout = compiled if layout is None else layout
    return SupplyGraph(
        pair_node=sw.pair_node,
        pair_res=sw.pair_resource,
        role=sw.pair_role,
        buf=sw.pair_buffer_h,
        aut=sw.pair_autonomy_h,
        info=sw.pair_info,
        node_ptr=sw.node_ptr,
        out_ptr=sw.out_ptr,
        out_dst=sw.out_dst,
        out_link=sw.out_link,
        store_out_ptr=sw.store_out_ptr,
        store_out_dst=sw.store_out_dst,
        in_ptr=sw.in_ptr,
        in_src=sw.in_src,
        in_link=sw.in_link,
        link_backup=compiled.link_backup,
    )


def lay_out(compiled: CompiledModel) -> SupplyLayout:
    """Lay ``compiled`` out in supply order and keep the layout with it (once; later calls
    return the kept one): from then on ``run_cascade`` sweeps the layout."""
    slot = compiled.layout_slot
    if slot.layout is None:
        slot.layout = build_supply_layout(compiled)
    return slot.layout


def laid_out(compiled: CompiledModel) -> SupplyLayout | None:
    """The layout kept with ``compiled`` by :func:`lay_out`, if any."""
    return compiled.layout_slot.layout


def untouched_pairs(compiled: CompiledModel) -> NDArray[np.float64]:
    """Receive and supply-end times per pair before a cascade (``inf`` for a pair that is
    required, NaN for one that is not), kept with ``compiled``; read-only, copied by each
    cascade into its outputs."""
    slot = compiled.layout_slot
    if slot.untouched is None:
        untouched = np.where(compiled.pair_required, np.inf, np.nan)
        untouched.flags.writeable = False
        slot.untouched = untouched
    return slot.untouched


def identity_maps(compiled: CompiledModel) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """``node_out`` and ``pair_out`` of a model swept as compiled (``arange``), kept with it."""
    slot = compiled.layout_slot
    if slot.identity is None:
        slot.identity = (
            np.arange(compiled.n_nodes, dtype=np.int64),
            np.arange(compiled.n_pairs, dtype=np.int64),
        )
    return slot.identity


def take_scratch(compiled: CompiledModel, sizes: tuple[int, int, int, int]) -> Buffers:
    """Scratch buffers of at least ``sizes`` (``_kernels.scratch_sizes``) for one cascade on
    ``compiled``: those the last cascade gave back when they are large enough, else new
    ones. A city-wide cascade touches tens of MB of scratch at 10^6 components; buffers
    taken anew each time come back as fresh pages that the system maps and zeroes again,
    about a tenth of the cascade's time. Safe from several threads: a buffer set is held by
    one cascade at a time (the others get new ones)."""
    slot = compiled.layout_slot
    with slot.lock:
        kept, slot.scratch = slot.scratch, None
    if kept is not None and all(kept[i].size >= sizes[i] for i in range(4)):
        return kept
    return (
        np.empty(sizes[0], dtype=np.int32),
        np.empty(sizes[1], dtype=np.int64),
        np.empty(sizes[2], dtype=np.float64),
        np.empty(sizes[3], dtype=np.int8),
    )


def give_back_scratch(compiled: CompiledModel, scratch: Buffers) -> None:
    """Keep ``scratch`` with ``compiled`` for its next cascade (the larger set, when two
    cascades ran at once)."""
    slot = compiled.layout_slot
    with slot.lock:
        kept = slot.scratch
        if kept is None or kept[0].size <= scratch[0].size:
            slot.scratch = scratch
