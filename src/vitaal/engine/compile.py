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
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from vitaal.engine._kernels import baseline_reach
from vitaal.errors import ModelError, Problem
from vitaal.model import Model, Role
from vitaal.model.units import UnitError

__all__ = ["CompiledModel", "NodeKind", "PairRole", "compile_model"]


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
    capacity
        ``(n_nodes, n_resources)``: each component's capacity in the resource's unit, NaN
        when not given.
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
    n_res = max(len(resource_ids), 1)

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

    # -- pairs ----------------------------------------------------------------------------
    sup_key = np.asarray(l_sup, dtype=np.int64) * n_res + np.asarray(l_res, dtype=np.int64)
    con_key = np.asarray(l_con, dtype=np.int64) * n_res + np.asarray(l_res, dtype=np.int64)
    req_key = np.asarray(q_node, dtype=np.int64) * n_res + np.asarray(q_res, dtype=np.int64)
    keys = np.unique(np.concatenate([sup_key, con_key, req_key]))
    n_pairs = int(keys.shape[0])
    pair_node = keys // n_res
    pair_resource = keys % n_res
    link_src = np.searchsorted(keys, sup_key).astype(np.int64)
    link_dst = np.searchsorted(keys, con_key).astype(np.int64)
    req_pair = np.searchsorted(keys, req_key).astype(np.int64)
    link_backup = np.asarray(l_backup, dtype=np.bool_)

    pair_required = np.zeros(n_pairs, dtype=np.bool_)
    pair_required[link_dst] = True
    pair_required[req_pair] = True
    pair_k = np.ones(n_pairs, dtype=np.int64)
    pair_buffer = np.zeros(n_pairs, dtype=np.float64)
    pair_k[req_pair] = np.asarray(q_k, dtype=np.int64)
    pair_buffer[req_pair] = np.asarray(q_buf, dtype=np.float64)
    pair_n = np.bincount(link_dst, minlength=n_pairs).astype(np.int64)
    out_deg = np.bincount(link_src, minlength=n_pairs).astype(np.int64)

    pair_role = np.where(
        pair_required,
        np.where(out_deg > 0, PairRole.CARRIER, PairRole.SINK),
        PairRole.PRODUCER,
    ).astype(np.int8)
    pair_autonomy = np.zeros(n_pairs, dtype=np.float64)
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
        i = int(np.searchsorted(keys, v * n_res + r))
        if i < n_pairs and int(keys[i]) == v * n_res + r and pair_required[i]:
            pair_role[i] = PairRole.STORE
            pair_autonomy[i] = float(store.autonomy_h)

    # k-of-n beyond n can never be met: say so per requirement, with its record when there is one
    short = np.flatnonzero(pair_required & (pair_n < pair_k))
    if short.size:
        req_by_pair = dict(zip(req_pair.tolist(), q_key, strict=True))
        for p in short.tolist():
            rkey = req_by_pair.get(p, f"{node_ids[pair_node[p]]}|{resource_ids[pair_resource[p]]}")
            problems.append(
                _problem(
                    model.requirements.get(rkey),
                    rkey,
                    "k",
                    f"k={int(pair_k[p])} with {int(pair_n[p])} supplier(s)",
                    "at most as many suppliers needed as there are supply links",
                )
            )

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

    # -- capacities -----------------------------------------------------------------------
    capacity = np.full((len(node_ids), len(resource_ids)), np.nan, dtype=np.float64)
    for cid, comp in model.components.items():
        for rid, qty in comp.capacity.items():
            ri = resource_index.get(rid)
            if ri is None:
                continue  # a capacity for a resource nothing flows in cannot matter here
            try:
                capacity[node_index[cid], ri] = qty.to(model.resources[rid].unit)
            except UnitError as exc:
                problems.append(_problem(comp, cid, f"capacity.{rid}", str(qty), str(exc)))

    if not problems:
        reached = baseline_reach(
            pair_role, pair_k, out_ptr, out_dst, np.zeros(n_pairs, dtype=np.int64)
        )
        req_by_pair = dict(zip(req_pair.tolist(), q_key, strict=True))
        for p in np.flatnonzero(pair_required & ~reached).tolist():
            rkey = req_by_pair.get(p, f"{node_ids[pair_node[p]]}|{resource_ids[pair_resource[p]]}")
            problems.append(
                _problem(
                    model.requirements.get(rkey),
                    rkey,
                    "resource",
                    f"{resource_ids[pair_resource[p]]!r} that does not trace back to a producer",
                    "supply of every requirement to reach a producer even before any event",
                )
            )
    if problems:
        raise ModelError(problems, f"the model cannot be compiled: {len(problems)} problem(s)")

    return CompiledModel(
        node_ids=node_ids,
        node_index=MappingProxyType(node_index),
        node_kind=node_kind,
        resource_ids=resource_ids,
        resource_index=MappingProxyType(resource_index),
        pair_node=pair_node.astype(np.int64),
        pair_resource=pair_resource.astype(np.int64),
        pair_role=pair_role,
        pair_required=pair_required,
        pair_k=pair_k,
        pair_n=pair_n,
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
    )
