"""Compile a :class:`~vitaal.model.Model` into the compact arrays the engine runs on.

The engine never walks records or graph objects in its hot loops. It works on a *pair* graph:
a pair is one node (component, service area or critical function) together with one resource
it supplies or needs. Supply links of resource ``r`` join pair ``(s, r)`` to pair ``(v, r)``, so
the per-resource supply graphs are disjoint parts of one CSR graph over pairs, and a cascade
needs no per-resource bookkeeping of its own.

Node indices run over components, then service areas, then critical functions, each in the
model's order; pairs are sorted by ``node * n_resources + resource``, so a node's pairs are
contiguous. The id mappings are kept for explanations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitaal.engine._kernels import (
    MAX_SUPPLIERS,
    NODE_MASK,
    baseline_reach,
    pack_pair_info,
    store_feeding,
)
from vitaal.engine.layout import LayoutSlot
from vitaal.errors import ModelError, Problem
from vitaal.model import Model, Role
from vitaal.model.units import UnitError

__all__ = ["CompiledModel", "NodeKind", "PairRole", "compile_arrays", "compile_model"]


class PairRole(IntEnum):
    """What a node is for one resource (see ``docs/engine.md``)."""

    #: supplies the resource and needs none of it
    PRODUCER = 0
    #: needs the resource and passes it on
    CARRIER = 1
    #: a carrier (or end user) with an autonomy: supplies on from its stock
    STORE = 2
    #: needs the resource and passes nothing on (an end user of it)
    SINK = 3


class NodeKind(IntEnum):
    COMPONENT = 0
    AREA = 1
    CRITICAL_FUNCTION = 2


@dataclass(frozen=True, slots=True, eq=False)
class CompiledModel:
    """A model as arrays. Build it with :func:`compile_model`; treat it as read-only.

    Attributes
    ----------
    node_ids, node_index
        Node ids in index order and their inverse mapping.
    node_kind
        :class:`NodeKind` of each node.
    resource_ids, resource_index
        Resource ids in index order and their inverse mapping.
    pair_node, pair_resource, pair_role
        Per pair: its node, its resource and its :class:`PairRole`.
    pair_required
        Whether the node needs the resource (carriers, stores, sinks).
    pair_k, pair_n, pair_buffer_h, pair_autonomy_h
        Per pair: suppliers needed, suppliers there are, the requirement's buffer (0 when
        not required) and the store's autonomy (0 when not a store).
    node_ptr
        Pairs of node ``v`` are ``node_ptr[v]:node_ptr[v + 1]``.
    link_src, link_dst, link_backup
        Per supply link: supplier pair, consumer pair, whether it is a backup link.
    out_ptr, out_dst, out_link
        CSR by supplier pair: for pair ``p`` the consumer pairs ``out_dst[out_ptr[p]:out_ptr[p+1]]``
        over links ``out_link[...]``.
    in_ptr, in_src, in_link
        The same by consumer pair.
    store_out_ptr, store_out_dst
        The CSR by supplier pair restricted to links into pairs from which a store can be
        reached: the only part of the graph the producers-only supply (``received0``) of the
        cascade needs (empty in a model without stores).
    capacity
        ``(n_nodes, n_resources)``: each component's capacity in the resource's unit, NaN
        when not given.
    layout_slot
        Where the model's layout in supply order is kept once :func:`~vitaal.engine.layout.lay_out`
        has built it (``run_cascade`` then sweeps it); empty when the model is pickled.
    """

    node_ids: tuple[str, ...]
    node_index: Mapping[str, int]
    node_kind: NDArray[np.int8]
    resource_ids: tuple[str, ...]
    resource_index: Mapping[str, int]
    pair_node: NDArray[np.int64]
    pair_resource: NDArray[np.int64]
    pair_role: NDArray[np.int8]
    pair_required: NDArray[np.bool_]
    pair_k: NDArray[np.int64]
    pair_n: NDArray[np.int64]
    pair_info: NDArray[np.int64]
    pair_buffer_h: NDArray[np.float64]
    pair_autonomy_h: NDArray[np.float64]
    node_ptr: NDArray[np.int64]
    link_src: NDArray[np.int64]
    link_dst: NDArray[np.int64]
    link_backup: NDArray[np.bool_]
    out_ptr: NDArray[np.int64]
    out_dst: NDArray[np.int64]
    out_link: NDArray[np.int64]
    in_ptr: NDArray[np.int64]
    in_src: NDArray[np.int64]
    in_link: NDArray[np.int64]
    capacity: NDArray[np.float64]
    store_out_ptr: NDArray[np.int64]
    store_out_dst: NDArray[np.int64]
    layout_slot: LayoutSlot = field(default_factory=LayoutSlot, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_resources(self) -> int:
        return len(self.resource_ids)

    @property
    def n_pairs(self) -> int:
        return int(self.pair_node.shape[0])

    @property
    def n_links(self) -> int:
        return int(self.link_src.shape[0])

    def pair_of(self, node_id: str, resource_id: str) -> int | None:
        """The pair index of ``(node_id, resource_id)``, ``None`` when the node has no part in
        that resource. O(log P)."""
        v = self.node_index.get(node_id)
        r = self.resource_index.get(resource_id)
        if v is None or r is None:
            return None
        lo, hi = int(self.node_ptr[v]), int(self.node_ptr[v + 1])
        i = lo + int(np.searchsorted(self.pair_resource[lo:hi], r))
        if i < hi and int(self.pair_resource[i]) == r:
            return i
        return None

    def role_matrix(self) -> NDArray[np.int8]:
        """``(n_nodes, n_resources)`` roles, -1 where a node has no part in a resource."""
        out = np.full((self.n_nodes, self.n_resources), -1, dtype=np.int8)
        out[self.pair_node, self.pair_resource] = self.pair_role
        return out


class _IndexMap(Mapping[str, int]):
    """Id -> index, read-only; the dictionary is built on first use (a million ids take
    half a second, which a run that never looks an id up need not pay)."""

    __slots__ = ("_ids", "_index")

    def __init__(self, ids: tuple[str, ...]) -> None:
        self._ids = ids
        self._index: dict[str, int] | None = None

    def _map(self) -> dict[str, int]:
        if self._index is None:
            self._index = {nid: i for i, nid in enumerate(self._ids)}
        return self._index

    def __getitem__(self, key: str) -> int:
        return self._map()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._map()

    def get(self, key: str, default: Any = None) -> Any:
        return self._map().get(key, default)


def _problem(record: object, record_key: str, field: str, found: str, expected: str) -> Problem:
    loc = getattr(record, "loc", None)
    return Problem(loc, field, found, expected, record=record_key)


def compile_model(model: Model) -> CompiledModel:
    """Compile ``model`` into a :class:`CompiledModel`.

    Roles per resource ``r`` are read off the records: a node that supplies ``r`` and has no
    requirement for it (no Requirement record, no incoming link of ``r``) is a producer; one
    that needs ``r`` and supplies it is a carrier, or a store when a Store record gives it an
    autonomy; one that needs ``r`` and supplies none is a sink (a store when it has a Store
    record: its own stock). A supply link without a Requirement record implies the requirement
    with buffer 0 and k 1. A Store record on a producer is ignored (a producer needs no stock).

    Every problem found is collected and raised once as :class:`~vitaal.errors.ModelError`:
    references to unknown nodes or resources, ``k`` below 1 or above the number of suppliers,
    negative buffers or autonomies, capacities in units of another dimension than their
    resource, and requirements that receive nothing even before any event (supply that does
    not trace back to a producer).

    Complexity: O(N + P log P + L log L) time and O(N + P + L) memory for N nodes, P pairs and
    L supply links; the Python part is one pass over the records.

    Examples
    --------
    >>> from vitaal.model import Component, ModelInfo, Model, Resource, SupplyLink
    >>> m = Model(info=ModelInfo(name="x"),
    ...           resources={"el": Resource(id="el", name="El", unit="MW")},
    ...           components={c: Component(id=c, subsystem="s", kind="k") for c in "ab"},
    ...           supply={"a>b|el": SupplyLink(supplier="a", consumer="b", resource="el")})
    >>> cm = compile_model(m)
    >>> [PairRole(r).name for r in cm.pair_role]
    ['PRODUCER', 'SINK']
    """
    problems: list[Problem] = []
    node_ids = tuple(model.node_ids())
    node_index = {nid: i for i, nid in enumerate(node_ids)}
    node_kind = np.concatenate(
        [
            np.full(len(model.components), NodeKind.COMPONENT, dtype=np.int8),
            np.full(len(model.areas), NodeKind.AREA, dtype=np.int8),
            np.full(len(model.critical_functions), NodeKind.CRITICAL_FUNCTION, dtype=np.int8),
        ]
    )
    resource_ids = tuple(model.resources)
    resource_index = {rid: i for i, rid in enumerate(resource_ids)}

    def node_of(record: object, key: str, field: str, nid: str) -> int:
        i = node_index.get(nid)
        if i is None:
            problems.append(_problem(record, key, field, repr(nid), "an existing node id"))
            return -1
        return i

    def resource_of(record: object, key: str, rid: str) -> int:
        i = resource_index.get(rid)
        if i is None:
            problems.append(_problem(record, key, "resource", repr(rid), "a declared resource"))
            return -1
        return i

    # -- supply links -------------------------------------------------------------------
    l_sup: list[int] = []
    l_con: list[int] = []
    l_res: list[int] = []
    l_backup: list[bool] = []
    for key, link in model.supply.items():
        s = node_of(link, key, "supplier", link.supplier)
        c = node_of(link, key, "consumer", link.consumer)
        r = resource_of(link, key, link.resource)
        if s < 0 or c < 0 or r < 0:
            continue
        l_sup.append(s)
        l_con.append(c)
        l_res.append(r)
        l_backup.append(link.role is Role.BACKUP)

    # -- requirements -------------------------------------------------------------------
    q_node: list[int] = []
    q_res: list[int] = []
    q_k: list[int] = []
    q_buf: list[float] = []
    q_key: list[str] = []
    for key, req in model.requirements.items():
        v = node_of(req, key, "consumer", req.consumer)
        r = resource_of(req, key, req.resource)
        if not (math.isfinite(req.buffer_h) and req.buffer_h >= 0):
            problems.append(_problem(req, key, "buffer_h", repr(req.buffer_h), "hours >= 0"))
            continue
        if req.k < 1:
            problems.append(_problem(req, key, "k", repr(req.k), "a whole number >= 1"))
            continue
        if v < 0 or r < 0:
            continue
        q_node.append(v)
        q_res.append(r)
        q_k.append(req.k)
        q_buf.append(float(req.buffer_h))
        q_key.append(key)

    # -- stores ---------------------------------------------------------------------------
    s_node: list[int] = []
    s_res: list[int] = []
    s_aut: list[float] = []
    for key, store in model.stores.items():
        v = node_of(store, key, "component", store.component)
        r = resource_of(store, key, store.resource)
        if not (math.isfinite(store.autonomy_h) and store.autonomy_h >= 0):
            problems.append(
                _problem(store, key, "autonomy_h", repr(store.autonomy_h), "hours >= 0")
            )
            continue
        if v < 0 or r < 0:
            continue
        s_node.append(v)
        s_res.append(r)
        s_aut.append(float(store.autonomy_h))

    # -- capacities -----------------------------------------------------------------------
    cap_problems: list[Problem] = []
    capacity = np.full((len(node_ids), len(resource_ids)), np.nan, dtype=np.float64)
    for cid, comp in model.components.items():
        for rid, qty in comp.capacity.items():
            ri = resource_index.get(rid)
            if ri is None:
                continue  # a capacity for a resource nothing flows in cannot matter here
            try:
                capacity[node_index[cid], ri] = qty.to(model.resources[rid].unit)
            except UnitError as exc:
                cap_problems.append(_problem(comp, cid, f"capacity.{rid}", str(qty), str(exc)))

    req_key_of = dict(zip(zip(q_node, q_res, strict=True), q_key, strict=True))

    def problem_of(v: int, r: int, field: str, found: str, expected: str) -> Problem:
        rkey = req_key_of.get((v, r), f"{node_ids[v]}|{resource_ids[r]}")
        return _problem(model.requirements.get(rkey), rkey, field, found, expected)

    return _assemble(
        node_ids,
        node_kind,
        resource_ids,
        np.asarray(l_sup, dtype=np.int64),
        np.asarray(l_con, dtype=np.int64),
        np.asarray(l_res, dtype=np.int64),
        np.asarray(l_backup, dtype=np.bool_),
        np.asarray(q_node, dtype=np.int64),
        np.asarray(q_res, dtype=np.int64),
        np.asarray(q_k, dtype=np.int64),
        np.asarray(q_buf, dtype=np.float64),
        np.asarray(s_node, dtype=np.int64),
        np.asarray(s_res, dtype=np.int64),
        np.asarray(s_aut, dtype=np.float64),
        capacity,
        problems,
        cap_problems,
        problem_of,
    )


def compile_arrays(
    node_ids: Sequence[str],
    node_kind: NDArray[np.int8],
    resource_ids: Sequence[str],
    *,
    link_supplier: NDArray[np.int64],
    link_consumer: NDArray[np.int64],
    link_resource: NDArray[np.int64],
    link_backup: NDArray[np.bool_],
    req_node: NDArray[np.int64],
    req_resource: NDArray[np.int64],
    req_k: NDArray[np.int64],
    req_buffer_h: NDArray[np.float64],
    store_node: NDArray[np.int64],
    store_resource: NDArray[np.int64],
    store_autonomy_h: NDArray[np.float64],
    capacity: NDArray[np.float64] | None = None,
) -> CompiledModel:
    """Build a :class:`CompiledModel` straight from record arrays, without a :class:`Model`.

    The documented constructor for models too large to hold as records (generated or read
    from columnar files): the same assembly as :func:`compile_model`, which first turns the
    records into exactly these arrays (links, requirements and stores in record order, by
    node and resource index). Nodes must be ordered components, then service areas, then
    critical functions (``node_kind``). Links must be unique per (supplier, consumer,
    resource) and requirements per (node, resource), as the keys of a model's records are.

    Checks as :func:`compile_model` does: indices in range, ``k`` from 1 to the number of
    suppliers, buffers and autonomies finite and >= 0, and every requirement reached from a
    producer before any event; problems are raised as one
    :class:`~vitaal.errors.ModelError` (records named ``node|resource``).

    Complexity: O(P log P + L log L) in compiled numpy routines; no per-record Python work.

    Examples
    --------
    >>> import numpy as np
    >>> i = lambda *v: np.asarray(v, dtype=np.int64)
    >>> cm = compile_arrays(("a", "b"), np.zeros(2, dtype=np.int8), ("el",),
    ...     link_supplier=i(0), link_consumer=i(1), link_resource=i(0),
    ...     link_backup=np.zeros(1, dtype=bool), req_node=i(), req_resource=i(), req_k=i(),
    ...     req_buffer_h=np.zeros(0), store_node=i(), store_resource=i(),
    ...     store_autonomy_h=np.zeros(0))
    >>> [PairRole(r).name for r in cm.pair_role]
    ['PRODUCER', 'SINK']
    """
    node_ids = tuple(node_ids)
    resource_ids = tuple(resource_ids)
    n, n_res = len(node_ids), len(resource_ids)
    problems: list[Problem] = []

    def bad(what: str, found: str, expected: str) -> None:
        problems.append(Problem(None, what, found, expected, record=what))

    arrays = {
        "link_supplier": (link_supplier, n),
        "link_consumer": (link_consumer, n),
        "link_resource": (link_resource, n_res),
        "req_node": (req_node, n),
        "req_resource": (req_resource, n_res),
        "store_node": (store_node, n),
        "store_resource": (store_resource, n_res),
    }
    for name, (arr, hi) in arrays.items():
        if arr.size and (int(arr.min()) < 0 or int(arr.max()) >= hi):
            bad(name, "an index out of range", f"indices in [0, {hi})")
    if node_kind.shape != (n,):
        bad("node_kind", f"shape {node_kind.shape}", f"({n},)")
    if req_k.size and int(req_k.min()) < 1:
        bad("req_k", f"k={int(req_k.min())}", "a whole number >= 1")
    for name, vals in (("req_buffer_h", req_buffer_h), ("store_autonomy_h", store_autonomy_h)):
        if vals.size and not bool(np.all(np.isfinite(vals) & (vals >= 0))):
            bad(name, "a value not finite or < 0", "hours >= 0")
    if problems:
        raise ModelError(problems, f"the model cannot be compiled: {len(problems)} problem(s)")
    cap = np.full((n, n_res), np.nan) if capacity is None else np.asarray(capacity, np.float64)

    def problem_of(v: int, r: int, field: str, found: str, expected: str) -> Problem:
        key = f"{node_ids[v]}|{resource_ids[r]}"
        return Problem(None, field, found, expected, record=key)

    return _assemble(
        node_ids,
        np.asarray(node_kind, dtype=np.int8),
        resource_ids,
        np.asarray(link_supplier, dtype=np.int64),
        np.asarray(link_consumer, dtype=np.int64),
        np.asarray(link_resource, dtype=np.int64),
        np.asarray(link_backup, dtype=np.bool_),
        np.asarray(req_node, dtype=np.int64),
        np.asarray(req_resource, dtype=np.int64),
        np.asarray(req_k, dtype=np.int64),
        np.asarray(req_buffer_h, dtype=np.float64),
        np.asarray(store_node, dtype=np.int64),
        np.asarray(store_resource, dtype=np.int64),
        np.asarray(store_autonomy_h, dtype=np.float64),
        cap,
        problems,
        [],
        problem_of,
    )


def _assemble(
    node_ids: tuple[str, ...],
    node_kind: NDArray[np.int8],
    resource_ids: tuple[str, ...],
    l_sup: NDArray[np.int64],
    l_con: NDArray[np.int64],
    l_res: NDArray[np.int64],
    link_backup: NDArray[np.bool_],
    q_node: NDArray[np.int64],
    q_res: NDArray[np.int64],
    q_k: NDArray[np.int64],
    q_buf: NDArray[np.float64],
    s_node: NDArray[np.int64],
    s_res: NDArray[np.int64],
    s_aut: NDArray[np.float64],
    capacity: NDArray[np.float64],
    problems: list[Problem],
    cap_problems: list[Problem],
    problem_of: Callable[[int, int, str, str, str], Problem],
) -> CompiledModel:
    """The shared assembly of :func:`compile_model` and :func:`compile_arrays`: pairs, roles,
    CSR both ways, and the structural checks (k above n, supply not reaching a producer).
    ``problems`` found so far are raised together with those found here."""
    n_res = max(len(resource_ids), 1)
    sup_key = l_sup * n_res + l_res
    con_key = l_con * n_res + l_res
    req_key = q_node * n_res + q_res
    keys = np.sort(np.concatenate([sup_key, con_key, req_key]))
    if keys.size:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    n_pairs = int(keys.shape[0])
    pair_node = keys // n_res
    pair_resource = keys % n_res
    link_src = np.searchsorted(keys, sup_key).astype(np.int64)
    link_dst = np.searchsorted(keys, con_key).astype(np.int64)
    req_pair = np.searchsorted(keys, req_key).astype(np.int64)

    pair_required = np.zeros(n_pairs, dtype=np.bool_)
    pair_required[link_dst] = True
    pair_required[req_pair] = True
    pair_k = np.ones(n_pairs, dtype=np.int64)
    pair_buffer = np.zeros(n_pairs, dtype=np.float64)
    pair_k[req_pair] = q_k
    pair_buffer[req_pair] = q_buf
    pair_n = np.bincount(link_dst, minlength=n_pairs).astype(np.int64)
    out_deg = np.bincount(link_src, minlength=n_pairs).astype(np.int64)

    pair_role = np.where(
        pair_required,
        np.where(out_deg > 0, PairRole.CARRIER, PairRole.SINK),
        PairRole.PRODUCER,
    ).astype(np.int8)
    pair_autonomy = np.zeros(n_pairs, dtype=np.float64)
    if s_node.size:
        st_key = s_node * n_res + s_res
        i = np.minimum(np.searchsorted(keys, st_key), max(n_pairs - 1, 0))
        ok = (keys[i] == st_key) & pair_required[i] if n_pairs else np.zeros(0, bool)
        # records in order, so the last of several for one pair counts, as in a loop
        for j in np.flatnonzero(ok).tolist():
            pair_role[i[j]] = PairRole.STORE
            pair_autonomy[i[j]] = s_aut[j]

    # k-of-n beyond n can never be met: say so per requirement
    short = np.flatnonzero(pair_required & (pair_n < pair_k))
    for p in short.tolist():
        problems.append(
            problem_of(
                int(pair_node[p]),
                int(pair_resource[p]),
                "k",
                f"k={int(pair_k[p])} with {int(pair_n[p])} supplier(s)",
                "at most as many suppliers needed as there are supply links",
            )
        )
    # the sweep packs a pair's supplier count in 24 bits and its node index in 32
    many = np.flatnonzero(pair_n > MAX_SUPPLIERS)
    for p in many.tolist():
        problems.append(
            problem_of(
                int(pair_node[p]),
                int(pair_resource[p]),
                "supply",
                f"{int(pair_n[p])} suppliers of one resource",
                f"at most {MAX_SUPPLIERS} (group them behind a carrier)",
            )
        )
    if len(node_ids) > NODE_MASK:
        raise ModelError(
            [Problem(None, "components", f"{len(node_ids)} nodes", f"at most {NODE_MASK}")],
            "the model is too large to compile",
        )
    problems.extend(cap_problems)

    # -- CSR both ways --------------------------------------------------------------------
    order_out = np.argsort(link_src, kind="stable")
    out_ptr = np.zeros(n_pairs + 1, dtype=np.int64)
    np.cumsum(out_deg, out=out_ptr[1:])
    out_dst = link_dst[order_out].astype(np.int64)
    out_link = order_out.astype(np.int64)
    order_in = np.argsort(link_dst, kind="stable")
    in_ptr = np.zeros(n_pairs + 1, dtype=np.int64)
    np.cumsum(pair_n, out=in_ptr[1:])
    in_src = link_src[order_in].astype(np.int64)
    in_link = order_in.astype(np.int64)
    node_ptr = np.searchsorted(pair_node, np.arange(len(node_ids) + 1)).astype(np.int64)

    if not problems:
        reached = baseline_reach(
            pair_role, pair_k, out_ptr, out_dst, np.zeros(n_pairs, dtype=np.int64)
        )
        for p in np.flatnonzero(pair_required & ~reached).tolist():
            problems.append(
                problem_of(
                    int(pair_node[p]),
                    int(pair_resource[p]),
                    "resource",
                    f"{resource_ids[pair_resource[p]]!r} that does not trace back to a producer",
                    "supply of every requirement to reach a producer even before any event",
                )
            )
    if problems:
        raise ModelError(problems, f"the model cannot be compiled: {len(problems)} problem(s)")

    feeds = store_feeding(pair_role, in_ptr, in_src)
    keep = feeds[out_dst]
    edge_src = np.repeat(np.arange(n_pairs, dtype=np.int64), out_deg)
    store_out_ptr = np.zeros(n_pairs + 1, dtype=np.int64)
    np.cumsum(np.bincount(edge_src[keep], minlength=n_pairs), out=store_out_ptr[1:])
    store_out_dst = out_dst[keep]

    return CompiledModel(
        node_ids=node_ids,
        node_index=_IndexMap(node_ids),
        node_kind=node_kind,
        resource_ids=resource_ids,
        resource_index=MappingProxyType({rid: i for i, rid in enumerate(resource_ids)}),
        pair_node=pair_node.astype(np.int64),
        pair_resource=pair_resource.astype(np.int64),
        pair_role=pair_role,
        pair_required=pair_required,
        pair_k=pair_k,
        pair_n=pair_n,
        pair_info=pack_pair_info(
            pair_node.astype(np.int64), pair_role, pair_required, pair_k, in_ptr, store_out_ptr
        ),
        pair_buffer_h=pair_buffer,
        pair_autonomy_h=pair_autonomy,
        node_ptr=node_ptr,
        link_src=link_src,
        link_dst=link_dst,
        link_backup=link_backup,
        out_ptr=out_ptr,
        out_dst=out_dst,
        out_link=out_link,
        in_ptr=in_ptr,
        in_src=in_src,
        in_link=in_link,
        capacity=capacity,
        store_out_ptr=store_out_ptr,
        store_out_dst=store_out_dst,
    )
