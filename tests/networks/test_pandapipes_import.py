"""pandapipes import: the gas and heat networks of Schutterwald, and small hand-built nets."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandapipes

from vitaal.engine.cascade import run_cascade
from vitaal.engine.causes import InitialFailure
from vitaal.engine.compile import compile_model
from vitaal.io.pandapipes_net import HEAT_BUFFER_H, import_pandapipes
from vitaal.model.validate import validate_model


def _graph(net: pandapipes.pandapipesNet, skip: tuple[str, int] | None = None) -> nx.Graph:
    """Connectivity by hand: junctions joined by in-service pipes and open valves."""
    g = nx.Graph()
    g.add_nodes_from(int(j) for j in net.junction.index)
    for i, row in net.pipe.iterrows():
        if ("pipe", int(i)) != skip and row["in_service"]:
            g.add_edge(int(row["from_junction"]), int(row["to_junction"]))
    if "valve" in net and len(net.valve):
        for _, row in net.valve.iterrows():
            if row["opened"] and row["et"] == "ju":
                g.add_edge(int(row["junction"]), int(row["element"]))
    return g


def test_gas_network_imports_as_a_valid_model() -> None:
    imp = import_pandapipes("pandapipes:schutterwald_gas", prefix="gas")
    m = imp.model
    assert [str(p) for p in validate_model(m) if p.severity == "error"] == []
    net = imp.net
    assert m.info.crs == "EPSG:32632"
    assert sum(c.kind == "gas_sink" for c in m.components.values()) == len(net.sink)
    assert sum(c.kind == "gas_main" for c in m.components.values()) == len(net.pipe)
    assert imp.unmapped == ()
    compile_model(m)


def test_gas_pipe_outages_match_connectivity() -> None:
    imp = import_pandapipes("pandapipes:schutterwald_gas", prefix="gas")
    net = imp.net
    compiled = compile_model(imp.model)
    sources = {int(j) for j in net.ext_grid.junction}
    junction_node = {i: compiled.node_index[c] for (t, i), c in imp.ids.items() if t == "junction"}
    rng = np.random.default_rng(7)
    for i in rng.choice(np.asarray(net.pipe.index), size=60, replace=False):
        g = _graph(net, ("pipe", int(i)))
        reached = set().union(*(nx.node_connected_component(g, s) for s in sources))
        expected = set(junction_node) - reached
        result = run_cascade(compiled, [InitialFailure(imp.ids[("pipe", int(i))])], 1.0)
        lost = {j for j, v in junction_node.items() if np.isfinite(result.fail_time[v])}
        assert lost == expected


def test_heat_network_needs_flow_and_return_and_reports_the_pump() -> None:
    imp = import_pandapipes("pandapipes:schutterwald_heat", prefix="heat")
    m = imp.model
    net = imp.net
    assert [str(p) for p in validate_model(m) if p.severity == "error"] == []
    consumers = [c for c in m.components.values() if c.kind == "heat_consumer"]
    assert len(consumers) == len(net.heat_consumer)
    for c in consumers:
        req = m.requirements[f"{c.id}|heat"]
        assert (req.k, req.buffer_h) == (2, HEAT_BUFFER_H)
    reasons = {u.element: u.reason for u in imp.unmapped}
    assert "needs electricity" in reasons["circ_pump_pressure 0"]
    assert all(f"substation {i}" in reasons for i in net.substation.index)
    # a consumer loses heat when its return is cut, after its buffer
    compiled = compile_model(m)
    row = net.heat_consumer.iloc[0]
    ret = int(row["to_junction"])
    result = run_cascade(compiled, [InitialFailure(imp.ids[("junction", ret)])], 24.0)
    cid = imp.ids[("heat_consumer", int(net.heat_consumer.index[0]))]
    assert result.fail_time_of(cid) == HEAT_BUFFER_H


def test_closed_valve_and_out_of_service_pipe() -> None:
    net = pandapipes.create_empty_network(fluid="lgas")
    j = [pandapipes.create_junction(net, pn_bar=1.0, tfluid_k=283.15) for _ in range(4)]
    pandapipes.create_ext_grid(net, j[0], p_bar=1.0, t_k=283.15)
    pandapipes.create_pipe_from_parameters(net, j[0], j[1], 0.1, 0.1)
    pandapipes.create_valve(net, j[1], j[2], et="ju", diameter_m=0.1, opened=False)
    pandapipes.create_pipe_from_parameters(net, j[1], j[3], 0.1, 0.1, in_service=False)
    pandapipes.create_sink(net, j[1], mdot_kg_per_s=0.01)
    pandapipes.create_sink(net, j[2], mdot_kg_per_s=0.01)
    imp = import_pandapipes(net, prefix="g")
    reasons = {u.element: u.reason for u in imp.unmapped}
    assert "out of service" in reasons["pipe 1"]
    assert "base state" in reasons["sink 1"]
    assert "base state" in reasons["junction 2"]
    assert "valve 0" not in reasons  # closed on purpose: imported, without links
    compiled = compile_model(imp.model)
    assert compiled.pair_of("g-sink-0", "gas") is not None
    assert compiled.pair_of("g-sink-1", "gas") is None
