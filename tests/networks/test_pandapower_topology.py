"""Every single outage of a line, transformer or switch in pandapower's bundled mv_oberrhein
and lv_schutterwald networks: the buses vitaal's cascade reports as losing supply are exactly
those pandapower's own topology reports as unsupplied."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

from vitaal.engine.cascade import run_cascade
from vitaal.engine.causes import InitialFailure
from vitaal.engine.compile import CompiledModel, compile_model
from vitaal.io.network_map import NetworkImport
from vitaal.io.pandapower_net import import_pandapower, pandapower_id
from vitaal.model.validate import validate_model

pytestmark = pytest.mark.filterwarnings("ignore:tap_dependency_table is missing:DeprecationWarning")
NETWORKS = ("mv_oberrhein", "lv_schutterwald")


@cache
def _imported(name: str) -> tuple[NetworkImport, CompiledModel]:
    imp = import_pandapower(f"pandapower:{name}", prefix="pp")
    return imp, compile_model(imp.model)


@pytest.fixture(params=NETWORKS)
def imported(request: pytest.FixtureRequest) -> tuple[NetworkImport, CompiledModel]:
    return _imported(request.param)


def _unsupplied(net: Any) -> set[int]:
    import pandapower.topology as top

    return {int(b) for b in top.unsupplied_buses(net)}


def test_import_is_a_valid_model(imported: tuple[NetworkImport, CompiledModel]) -> None:
    imp, _ = imported
    errors = [str(p) for p in validate_model(imp.model) if p.severity == "error"]
    assert errors == []
    net = imp.net
    assert imp.ids[("bus", int(net.bus.index[0]))] == pandapower_id("pp", "bus", net.bus.index[0])
    kinds = {c.kind for c in imp.model.components.values()}
    assert {"bus", "transformer", "external_grid", "load", "switch"} <= kinds
    # every element that is not imported is in the report, with a reason
    reported = {u.element for u in imp.unmapped}
    for table in ("sgen",):
        for i in net[table].index:
            assert f"{table} {i}" in reported


# lv_schutterwald: 3,304 outages, about a minute, nearly all of it in pandapower's topology
@pytest.mark.parametrize(
    "name", ["mv_oberrhein", pytest.param("lv_schutterwald", marks=pytest.mark.slow)]
)
def test_every_single_outage_matches_pandapower_topology(name: str) -> None:
    imp, compiled = _imported(name)
    net = imp.net
    base = _unsupplied(net)
    bus_node = {
        idx: compiled.node_index[cid] for (table, idx), cid in imp.ids.items() if table == "bus"
    }
    cases: list[tuple[str, int]] = [("line", int(i)) for i in net.line.index]
    cases += [("trafo", int(i)) for i in net.trafo.index]
    cases += [("switch", int(i)) for i in net.switch.index[net.switch.closed.astype(bool)]]
    assert len(cases) == len(net.line) + len(net.trafo) + int(net.switch.closed.sum())
    mismatches: list[tuple[str, int, set[int], set[int]]] = []
    for table, idx in cases:
        result = run_cascade(compiled, [InitialFailure(imp.ids[(table, idx)])], 1.0)
        lost = {b for b, v in bus_node.items() if np.isfinite(result.fail_time[v])}
        if table == "switch":
            net.switch.at[idx, "closed"] = False
            expected = _unsupplied(net)
            net.switch.at[idx, "closed"] = True
        else:
            net[table].at[idx, "in_service"] = False
            expected = _unsupplied(net)
            net[table].at[idx, "in_service"] = True
        if lost | base != expected:
            mismatches.append((table, idx, lost | base, expected))
    assert mismatches == []
    assert _unsupplied(net) == base


def test_some_outage_cuts_buses_off(imported: tuple[NetworkImport, CompiledModel]) -> None:
    """The equivalence is not vacuous: outages do leave buses without supply."""
    imp, compiled = imported
    trafo = int(imp.net.trafo.index[0])
    result = run_cascade(compiled, [InitialFailure(imp.ids[("trafo", trafo)])], 1.0)
    buses = [cid for (t, _), cid in imp.ids.items() if t == "bus"]
    assert any(np.isfinite(result.fail_time_of(b)) for b in buses)


def test_open_switch_disconnects_its_branch_end() -> None:
    import pandapower as pp

    net = pp.create_empty_network()
    b0, b1, b2 = (pp.create_bus(net, vn_kv=20.0) for _ in range(3))
    pp.create_ext_grid(net, b0)
    l0 = pp.create_line(net, b0, b1, 1.0, "NA2XS2Y 1x95 RM/25 12/20 kV")
    l1 = pp.create_line(net, b1, b2, 1.0, "NA2XS2Y 1x95 RM/25 12/20 kV")
    pp.create_switch(net, b1, l1, et="l", closed=False)
    pp.create_load(net, b2, p_mw=0.1)
    imp = import_pandapower(net, prefix="t")
    links = {(s.supplier, s.consumer) for s in imp.model.supply.values()}
    assert ("t-bus-1", f"t-line-{l1}") not in links
    assert ("t-bus-0", f"t-line-{l0}") in links
    assert ("t-line-0", "t-bus-1") in links
    reported = {u.element for u in imp.unmapped}
    assert {"bus 2", f"line {l1}", "load 0"} <= reported
    assert compile_model(imp.model).n_nodes == len(imp.model.components)
