"""Imported networks as models: what was mapped, what was not, and the mapping file that
couples them.

The importers of :mod:`vitaal.io.pandapower_net` and :mod:`vitaal.io.pandapipes_net` turn a
physical network (undirected, possibly meshed) into supply links with the help of
:class:`NetworkBuilder`: every node and every branch becomes a component, and each branch is
joined to its end nodes by links *in both directions*. The cascade's least fixed point then
makes "receives supply" mean "connected to a producer through working elements": an island
cut off from every producer carries nothing, although each of its parts works
(``docs/networks.md``).

A *mapping file* (YAML) attaches imported networks to each other and to the rest of a model::

    kinds: [heat_pump]                    # component kinds it adds
    components:                           # extra components, fields as in components.yaml
      - {id: hp-central, subsystem: sw-heat, kind: heat_pump, capacity: {heat: 1 MW}}
    links:                                # supply links, fields as in supply.csv
      - {supplier: sw-el-bus-3001, consumer: hp-central, resource: electricity}
    requirements:                         # needs with buffers, fields as in requirements.csv
      - {consumer: sw-heat-consumer-0, resource: heat, buffer_h: 6, k: 2}
    stores: []                            # autonomies, fields as in stores.csv

Every problem of the file is collected and raised once as :class:`~vitaal.errors.ModelError`.
"""

from __future__ import annotations

import importlib
import math
import os
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vitaal.errors import Loc, ModelError, Problem, VitaalError
from vitaal.io.panda_json import read_panda_json
from vitaal.io.tables import TABLES, mapping_line_of, parse_record
from vitaal.io.yamlfile import load_yaml
from vitaal.model import Model
from vitaal.model.model import link_key, requirement_key, store_key
from vitaal.model.records import (
    Component,
    ModelInfo,
    Provenance,
    Requirement,
    Resource,
    Store,
    Subsystem,
    SupplyLink,
    System,
)

__all__ = [
    "NetworkBuilder",
    "NetworkImport",
    "NetworkMap",
    "Unmapped",
    "apply_network_map",
    "combine_models",
    "read_network_map",
    "utm_crs",
]


@dataclass(frozen=True, slots=True)
class Unmapped:
    """An element of the source network that the import left out, or took in only in part,
    and why."""

    element: str
    reason: str

    def __str__(self) -> str:
        return f"{self.element}: {self.reason}"


@dataclass(frozen=True, slots=True, eq=False)
class NetworkImport:
    """The result of an import.

    Attributes
    ----------
    model
        The model the network became.
    net
        The source network object itself (a pandapower or pandapipes net), kept for the
        physics mode (:mod:`vitaal.engine.physics_power`).
    ids
        ``(element table, index) -> component id`` for every element that became a component.
    unmapped
        What was left out or taken in only in part, with the reason.
    source
        Where the network came from (a file path or ``pandapower:NAME``).
    """

    model: Model
    net: Any
    ids: Mapping[tuple[str, int], str]
    unmapped: tuple[Unmapped, ...]
    source: str

    def report(self) -> list[str]:
        """The unmapped elements as lines of text, one per element."""
        return [str(u) for u in self.unmapped]


def utm_crs(lon: float, lat: float) -> str:
    """The WGS 84 / UTM zone of a point, as ``EPSG:326NN`` (north) or ``EPSG:327NN`` (south).

    >>> utm_crs(7.87, 48.46)
    'EPSG:32632'
    """
    zone = min(max(math.floor((lon + 180.0) / 6.0) + 1, 1), 60)
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


@dataclass(slots=True)
class NetworkBuilder:
    """Collects the components and connections of one imported network, then writes the supply
    links that make supply mean connectivity.

    ``edge(a, b)`` joins two components both ways; ``feed(p, v)`` makes producer ``p`` supply
    ``v``; ``sink(v, s)`` makes ``s`` a consumer of ``v``. :meth:`links` keeps only what is
    supplied in the network's base state; the rest is imported without links and reported.
    """

    resource: str
    prov: Provenance
    components: dict[str, Component] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    feeds: list[tuple[str, str]] = field(default_factory=list)
    sinks: dict[str, list[str]] = field(default_factory=dict)
    sink_buffer: dict[str, float] = field(default_factory=dict)
    #: imported without links on purpose (open switches and valves): not reported
    unlinked: set[str] = field(default_factory=set)

    def add(self, comp: Component, label: str) -> None:
        self.components[comp.id] = comp
        self.labels[comp.id] = label

    def edge(self, a: str, b: str) -> None:
        self.edges.append((a, b))

    def feed(self, producer: str, node: str) -> None:
        self.feeds.append((producer, node))

    def sink(self, node: str, consumer: str, buffer_h: float = 0.0) -> None:
        self.sinks.setdefault(consumer, []).append(node)
        if buffer_h:
            self.sink_buffer[consumer] = buffer_h

    def build(
        self,
    ) -> tuple[dict[str, SupplyLink], dict[str, Requirement], list[Unmapped]]:
        """The supply links and requirements, and what is not supplied in the base state.

        Breadth-first from the producers over the edges: O(V + E).
        """
        adj: dict[str, list[str]] = {}
        for a, b in self.edges:
            adj.setdefault(a, []).append(b)
            adj.setdefault(b, []).append(a)
        reached: set[str] = set()
        queue: deque[str] = deque()
        producers = {p for p, _ in self.feeds}
        for _, v in self.feeds:
            if v not in reached:
                reached.add(v)
                queue.append(v)
        while queue:
            v = queue.popleft()
            for w in adj.get(v, ()):
                if w not in reached:
                    reached.add(w)
                    queue.append(w)

        links: dict[str, SupplyLink] = {}
        reqs: dict[str, Requirement] = {}
        r = self.resource

        def link(s: str, c: str) -> None:
            if s == c:
                return
            sl = SupplyLink(supplier=s, consumer=c, resource=r, prov=self.prov)
            links[link_key(sl)] = sl

        for p, v in self.feeds:
            link(p, v)
        for a, b in self.edges:
            if a in reached:  # then b is reached too
                link(a, b)
                link(b, a)
        unmapped: list[Unmapped] = []
        for consumer, nodes in self.sinks.items():
            if all(n in reached for n in nodes):
                for n in nodes:
                    link(n, consumer)
                k = len(set(nodes))
                buffer_h = self.sink_buffer.get(consumer, 0.0)
                if k > 1 or buffer_h:
                    rq = Requirement(
                        consumer=consumer,
                        resource=r,
                        buffer_h=buffer_h,
                        k=k,
                        prov=Provenance(ref=self.prov.ref),
                    )
                    reqs[requirement_key(rq)] = rq
            else:
                unmapped.append(
                    Unmapped(
                        self.labels[consumer],
                        f"not supplied in the network's base state; imported as {consumer} "
                        "without supply links",
                    )
                )
        for cid in self.components:
            if cid in producers or cid in self.sinks or cid in reached or cid in self.unlinked:
                continue
            unmapped.append(
                Unmapped(
                    self.labels[cid],
                    f"not supplied in the network's base state (open switch, valve or element "
                    f"out of service upstream); imported as {cid} without supply links",
                )
            )
        return links, reqs, unmapped


# -- the mapping file ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NetworkMap:
    """What a mapping file adds to a model."""

    kinds: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    components: tuple[Component, ...] = ()
    links: tuple[SupplyLink, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    stores: tuple[Store, ...] = ()


_SECTIONS: dict[str, str] = {
    "resources": "resources",
    "components": "components",
    "links": "supply",
    "requirements": "requirements",
    "stores": "stores",
}


def read_network_map(path: str | os.PathLike[str]) -> NetworkMap:
    """Read a mapping file (see the module's docstring).

    Raises
    ------
    ModelError
        Every problem of the file at once: unknown sections or fields, bad values.
    """
    p = Path(path)
    data, problems = load_yaml(p.read_text(encoding="utf-8"), p.name)
    if problems:
        raise ModelError(problems)
    if data is None:
        return NetworkMap()
    if not isinstance(data, Mapping):
        raise ModelError(
            [Problem(Loc(p.name, 1), None, type(data).__name__, "a mapping of sections")]
        )
    out: dict[str, list[Any]] = {name: [] for name in _SECTIONS}
    kinds: list[str] = []
    line_of = mapping_line_of(data)
    for section, value in data.items():
        where = Loc(p.name, line_of(str(section)) if line_of else None)
        if section == "kinds":
            if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
                problems.append(Problem(where, "kinds", repr(value), "a list of kind names"))
            else:
                kinds.extend(value)
            continue
        table_name = _SECTIONS.get(str(section))
        if table_name is None:
            problems.append(
                Problem(where, str(section), "an unknown section", "kinds, " + ", ".join(_SECTIONS))
            )
            continue
        if not isinstance(value, list):
            problems.append(Problem(where, str(section), type(value).__name__, "a list"))
            continue
        table = TABLES[table_name]
        for raw in value:
            if not isinstance(raw, Mapping):
                problems.append(Problem(where, str(section), repr(raw), "a mapping per record"))
                continue
            rline = mapping_line_of(raw)
            loc = Loc(p.name, rline("") if rline else where.line)
            record, probs = parse_record(table, raw, loc, line_of=rline)
            problems.extend(probs)
            if record is not None:
                out[str(section)].append(record)
    if problems:
        raise ModelError(problems, f"{p}: {len(problems)} problem(s) in the mapping file")
    return NetworkMap(
        kinds=tuple(kinds),
        resources=tuple(out["resources"]),
        components=tuple(out["components"]),
        links=tuple(out["links"]),
        requirements=tuple(out["requirements"]),
        stores=tuple(out["stores"]),
    )


def combine_models(info: ModelInfo, models: Iterable[Model]) -> Model:
    """One model holding the records of several (imported networks side by side).

    Records with the same key must be equal (resources and systems shared by several
    imports); a clash of different records with one key is an error.
    """
    out = Model(info=info)
    problems: list[Problem] = []
    kinds = list(info.kinds)
    for m in models:
        kinds.extend(k for k in m.info.kinds if k not in kinds)
        for kind, table in m.tables():
            target = out.table(kind)
            for key, rec in table.items():
                if key in target and target[key] != rec:
                    problems.append(
                        Problem(
                            None,
                            kind,
                            f"two different records with key {key!r}",
                            "unique ids across the combined networks (use --prefix)",
                            record=key,
                        )
                    )
                    continue
                target[key] = rec
    if problems:
        raise ModelError(problems)
    out.info = replace(info, kinds=tuple(kinds))
    return out


def apply_network_map(model: Model, mapping: NetworkMap) -> Model:
    """A new model: ``model`` with what ``mapping`` adds.

    Links and requirements must refer to nodes of the model or of the mapping, and resources
    declared in either; a requirement replaces the one of the same consumer and resource (to
    set a buffer or k). Everything else is checked by :func:`~vitaal.model.validate_model`.
    """
    out = Model(info=model.info)
    for kind, table in model.tables():
        out.table(kind).update(table)
    kinds = list(model.info.kinds)
    kinds.extend(k for k in mapping.kinds if k not in kinds)
    out.info = replace(model.info, kinds=tuple(kinds))
    problems: list[Problem] = []
    for res in mapping.resources:
        out.resources[res.id] = res
    for comp in mapping.components:
        if out.is_node(comp.id):
            problems.append(
                Problem(
                    comp.loc, "id", f"{comp.id!r}, already in the model", "a new id", record=comp.id
                )
            )
        out.components[comp.id] = comp
    for sl in mapping.links:
        for fld, nid in (("supplier", sl.supplier), ("consumer", sl.consumer)):
            if not out.is_node(nid):
                problems.append(
                    Problem(sl.loc, fld, repr(nid), "an id of the imported networks or mapping")
                )
        if sl.resource not in out.resources:
            problems.append(Problem(sl.loc, "resource", repr(sl.resource), "a declared resource"))
        out.supply[link_key(sl)] = sl
    for rq in mapping.requirements:
        if not out.is_node(rq.consumer):
            problems.append(
                Problem(rq.loc, "consumer", repr(rq.consumer), "an id of the networks or mapping")
            )
        out.requirements[requirement_key(rq)] = rq
    for st in mapping.stores:
        out.stores[store_key(st)] = st
    if problems:
        n = len(problems)
        raise ModelError(problems, f"the mapping does not fit the model: {n} problem(s)")
    return out


def network_system(
    system: str, name: str, subsystem: str, sub_name: str, ref: str
) -> tuple[System, Subsystem]:
    """The system and subsystem records of one imported network."""
    prov = Provenance(ref=ref)
    return (
        System(id=system, name=name, prov=prov),
        Subsystem(id=subsystem, system=system, name=sub_name, prov=prov),
    )


#: The Schutterwald testbed: its three networks, their prefixes, and the mapping file.
SCHUTTERWALD: tuple[tuple[str, str, str], ...] = (
    ("pandapower", "pandapower:lv_schutterwald", "sw-el"),
    ("pandapipes", "pandapipes:schutterwald_gas", "sw-gas"),
    ("pandapipes", "pandapipes:schutterwald_heat", "sw-heat"),
)
SCHUTTERWALD_CRS = "EPSG:32632"


def schutterwald_map_path() -> Path:
    """The mapping file of the Schutterwald testbed, shipped with vitaal."""
    from importlib import resources

    return Path(str(resources.files("vitaal.data").joinpath("networks/schutterwald_map.yaml")))


def load_schutterwald() -> tuple[Model, dict[str, NetworkImport]]:
    """The Schutterwald testbed: pandapower's low-voltage grid and pandapipes' gas and heat
    networks of the same town, imported in EPSG:32632 and coupled by the shipped mapping file.

    Returns the model and the three imports by prefix (``sw-el``, ``sw-gas``, ``sw-heat``).
    """
    from vitaal.io.pandapipes_net import import_pandapipes
    from vitaal.io.pandapower_net import import_pandapower

    imports: dict[str, NetworkImport] = {}
    for kind, source, prefix in SCHUTTERWALD:
        if kind == "pandapower":
            imports[prefix] = import_pandapower(source, prefix=prefix, crs=SCHUTTERWALD_CRS)
        else:
            imports[prefix] = import_pandapipes(source, prefix=prefix, crs=SCHUTTERWALD_CRS)
    info = ModelInfo(
        name="Schutterwald testbed",
        description="Power (pandapower lv_schutterwald), gas and heat (pandapipes "
        "schutterwald_gas, schutterwald_heat) of one town, coupled by schutterwald_map.yaml.",
        crs=SCHUTTERWALD_CRS,
    )
    model = combine_models(info, (imp.model for imp in imports.values()))
    return apply_network_map(model, read_network_map(schutterwald_map_path())), imports


def panda_element_id(prefix: str, table: str, index: int) -> str:
    """The component id of element ``table`` ``index`` of a pandapower or pandapipes net:
    ``{prefix}-{table}-{index}`` with ``_`` in the table name as ``-`` (``pp-ext-grid-0``)."""
    element = f"{prefix}-{table.replace('_', '-')}-{int(index)}"
    if len(element) > 200:  # an index of 10**100: no id (ids are at most 200 characters)
        raise ValueError(f"{table} index {str(index)[:20]}... is too large for an id")
    return element


def load_panda_net(source: str | os.PathLike[str], package: str) -> Any:
    """A ``pandapower`` or ``pandapipes`` net from a JSON file, or ``PACKAGE:NAME`` for one of
    the networks the package bundles.

    A file is read by :func:`~vitaal.io.panda_json.read_panda_json`, which refuses any object
    that is not a type a network holds (the library alone would import and call it). A bundled
    name must be a function defined in ``PACKAGE.networks``, not anything that module imports.
    """
    text = str(source)
    prefix = f"{package}:"
    if not text.startswith(prefix):
        if not Path(text).is_file():
            raise FileNotFoundError(text)
        return read_panda_json(text, package)
    networks = importlib.import_module(f"{package}.networks")
    name = text[len(prefix) :]
    func = vars(networks).get(name)
    home = getattr(func, "__module__", "") or ""
    if not callable(func) or name.startswith("_") or not home.startswith(networks.__name__):
        raise FileNotFoundError(f"{package} has no bundled network {name!r}")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"panda(pipes|power)")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"panda(pipes|power)")
        return func()


@contextmanager
def net_file_errors(source: Any, package: str) -> Iterator[None]:
    """Errors of mapping a net read from a file, as a located :class:`ModelError`.

    A file that passes :func:`~vitaal.io.panda_json.read_panda_json` is a net of the package's
    own types, but its tables may not have the shape the package writes (a table that is a
    number, a column missing, an index that is text): mapping it then fails inside pandas or
    in the importer with an error that names no file. Such an error, for a net read from a
    file, becomes one problem naming the file and the reason. A net given as an object is the
    caller's, and its errors are left as they are.
    """
    from_file = isinstance(source, str | os.PathLike)
    try:
        yield
    except VitaalError:
        raise
    except (KeyError, AttributeError, TypeError, ValueError, IndexError, OverflowError) as exc:
        if not from_file:
            raise
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        a = "an" if package[:1] in "AEIOU" else "a"
        found = f"{a} {package} network whose tables cannot be mapped ({reason})"
        expected = f"{a} {package} network as {package} writes it"
        raise ModelError([Problem(Loc(str(source)), None, found, expected)]) from None


def require_components(imp: NetworkImport, source: Any, package: str, nodes: str) -> NetworkImport:
    """``imp``, unless it holds no component: a network without ``nodes`` is no network (an
    empty table in a file would otherwise give an empty model and success)."""
    if imp.model.components:
        return imp
    where = Loc(str(source) if isinstance(source, str | os.PathLike) else f"{package} net")
    found = f"a {package} network without {nodes}"
    raise ModelError([Problem(where, None, found, f"a {package} network with {nodes}")])
