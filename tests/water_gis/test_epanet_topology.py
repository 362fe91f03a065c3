"""Every single pipe outage on WNTR's Net3 and Net6: the junctions the cascade cuts off equal
those WNTR's own graph of the network (``wn.to_graph()``) cuts off from every reservoir and tank.

The reference reads the edges of ``wn.to_graph()`` and applies the rules of
``docs/networks-water-gis.md`` independently of the importer: links closed at the start are
left out; pumps, pipes with a check valve, PRVs and PSVs pass water from start to end only;
other pipes and valves both ways. A junction is cut off when no reservoir or tank reaches it
after the pipe is removed. In the cascade, a junction is cut off at t = 0+ when its supply of
drinking water ends at the outage (tanks still within their autonomy supply on).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from vitaal.engine import InitialFailure, compile_model, run_cascade
from vitaal.io.epanet import import_epanet, load_water_network


class _Reference:
    """Directed reachability from the reservoirs and tanks over WNTR's graph."""

    def __init__(self, wn: Any) -> None:
        import wntr

        g = wn.to_graph()
        self.nodes = list(g.nodes)
        self.index = {n: i for i, n in enumerate(self.nodes)}
        self.junctions = set(wn.junction_name_list)
        self.sources = [self.index[n] for n in (*wn.reservoir_name_list, *wn.tank_name_list)]
        self.super = len(self.nodes)  # a super-source feeding every reservoir and tank
        self.edges: list[tuple[int, int, str]] = []
        for a, b, name in g.edges(keys=True):
            link = wn.get_link(name)
            if link.initial_status == wntr.network.LinkStatus.Closed:
                continue
            one_way = (
                link.link_type == "Pump"
                or (link.link_type == "Pipe" and link.check_valve)
                or (link.link_type == "Valve" and str(link.valve_type) in ("PRV", "PSV"))
            )
            self.edges.append((self.index[a], self.index[b], name))
            if not one_way:
                self.edges.append((self.index[b], self.index[a], name))

    def cut_off(self, removed: str | None) -> set[str]:
        n = self.super + 1
        rows = [a for a, _, name in self.edges if name != removed] + [self.super] * len(
            self.sources
        )
        cols = [b for _, b, name in self.edges if name != removed] + self.sources
        graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        reached = set(
            breadth_first_order(
                graph, self.super, directed=True, return_predecessors=False
            ).tolist()
        )
        return {self.nodes[i] for i in range(self.super) if i not in reached} & self.junctions


def _cut_sets(net: str) -> tuple[dict[str, set[str]], dict[str, set[str]], int]:
    wn = load_water_network(f"wntr:{net}")
    imp = import_epanet(wn, prefix=net.lower())
    compiled = compile_model(imp.model)
    ref = _Reference(wn)
    junction_pairs = np.asarray(
        [
            compiled.pair_of(imp.id_of("junction", j), "drinking_water")
            for j in wn.junction_name_list
        ]
    )
    names = np.asarray(wn.junction_name_list, dtype=object)
    got: dict[str, set[str]] = {}
    want: dict[str, set[str]] = {}
    for pipe in wn.pipe_name_list:
        result = run_cascade(compiled, [InitialFailure(imp.id_of("pipe", pipe), 0.0)], 1.0)
        ends = result.supply_end[junction_pairs]
        got[pipe] = set(names[ends <= 0.0].tolist())
        want[pipe] = ref.cut_off(pipe)
    return got, want, len(wn.pipe_name_list)


@pytest.mark.parametrize(("net", "n_pipes"), [("Net3", 117), ("Net6", 3829)])
def test_every_single_pipe_outage_cuts_off_what_wntr_graph_cuts_off(net: str, n_pipes: int) -> None:
    got, want, n = _cut_sets(net)
    assert n == n_pipes
    differing = {p: (got[p], want[p]) for p in got if got[p] != want[p]}
    assert not differing, f"{len(differing)} outages differ, e.g. {next(iter(differing.items()))}"
    # the check is not empty: some outages do cut junctions off
    assert any(want.values())


def test_nothing_is_cut_off_before_any_outage() -> None:
    for net in ("Net3", "Net6"):
        assert _Reference(load_water_network(f"wntr:{net}")).cut_off(None) == set()
