"""Physics mode equals WNTR's own pressure-driven results on Net3 and Net6.

The reference runs ``wntr.sim.WNTRSimulator`` directly on a fresh network with the failures
made the way WNTR's documentation does it (a pipe closed at the start and by a control at time
0; a pump closed at the start and by ``Pump.add_outage``; a node's links closed like pipes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from vitaal.engine.physics_water import check_pressure
from vitaal.io.epanet import load_water_network

# WNTR fits Net3's three-point pump curves with scipy's curve_fit, which warns about the
# covariance it does not need.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Covariance of the parameters could not be estimated"
)

SERVICE = 20.0


def _direct(net: str, pipes: list[str], pumps: list[str], nodes: list[str], hours: int) -> Any:
    import wntr
    from wntr.network.controls import Control, ControlAction, SimTimeCondition

    wn = load_water_network(f"wntr:{net}")
    wn.options.hydraulic.demand_model = "PDD"
    wn.options.hydraulic.required_pressure = SERVICE
    wn.options.hydraulic.minimum_pressure = 0.0
    wn.options.time.duration = hours * 3600
    wn.options.time.hydraulic_timestep = 3600
    wn.options.time.report_timestep = 3600
    links = list(pipes)
    for node in nodes:
        links += list(wn.get_links_for_node(node))
    for name in dict.fromkeys(links):
        link = wn.get_link(name)
        link.initial_status = wntr.network.LinkStatus.Closed
        act = ControlAction(link, "status", wntr.network.LinkStatus.Closed)
        wn.add_control(f"close {name}", Control(SimTimeCondition(wn, "=", 0), act))
    for name in pumps:
        wn.get_link(name).initial_status = wntr.network.LinkStatus.Closed
        wn.get_link(name).add_outage(wn, 0)
    return wntr.sim.WNTRSimulator(wn).run_sim().node["pressure"]


def _compare(net: str, pipes: list[str], pumps: list[str], nodes: list[str], hours: int) -> None:
    wn = load_water_network(f"wntr:{net}")
    got = check_pressure(
        wn,
        [*pipes, *pumps, *nodes],
        service_pressure=SERVICE,
        minimum_pressure=0.0,
        duration_h=hours,
        hydraulic_timestep_h=1,
    )
    want = _direct(net, pipes, pumps, nodes, hours)
    assert list(got.pressure.columns) == list(want.columns)
    assert list(got.pressure.index) == list(want.index)
    np.testing.assert_allclose(got.pressure.to_numpy(), want.to_numpy(), rtol=0, atol=1e-8)
    junctions = wn.junction_name_list
    want_low = {j for j in junctions if float(want[j].min()) < SERVICE}
    assert set(got.low) == want_low
    # the input network is left as it was
    assert wn.options.hydraulic.demand_model == "DDA"


@pytest.mark.parametrize(
    ("pipes", "pumps", "nodes"),
    [
        ([], [], []),
        (["20"], [], []),
        (["101", "329"], [], []),
        ([], ["335"], []),
        ([], [], ["1"]),
        (["60"], ["335"], ["River"]),
    ],
)
def test_net3_equals_wntr_pdd(pipes: list[str], pumps: list[str], nodes: list[str]) -> None:
    _compare("Net3", pipes, pumps, nodes, hours=6)


def test_junctions_the_cascade_cuts_off_lose_pressure() -> None:
    """Physics and topology agree where they must: a junction cut off from every source has
    no pressure."""
    from vitaal.engine import InitialFailure, compile_model, run_cascade
    from vitaal.io.epanet import import_epanet

    wn = load_water_network("wntr:Net3")
    imp = import_epanet(wn, prefix="net3")
    compiled = compile_model(imp.model)
    checked = 0
    for pipe in wn.pipe_name_list:
        res = run_cascade(compiled, [InitialFailure(imp.id_of("pipe", pipe))], 1.0)
        cut = {
            j
            for j in wn.junction_name_list
            if res.receive_time_of(imp.id_of("junction", j), "drinking_water") <= 0
        }
        if not cut:
            continue
        check = check_pressure(
            wn, [pipe], service_pressure=SERVICE, duration_h=2, hydraulic_timestep_h=1
        )
        assert cut <= set(check.low), pipe
        checked += 1
        if checked == 5:
            break
    assert checked == 5


@pytest.mark.slow
@pytest.mark.parametrize(("pipes", "nodes"), [([], []), (["LINK-1000"], ["TANK-3326"])])
def test_net6_equals_wntr_pdd(pipes: list[str], nodes: list[str]) -> None:
    _compare("Net6", pipes, [], nodes, hours=0)


def test_unknown_element_is_an_error() -> None:
    with pytest.raises(KeyError, match="neither a link nor a node"):
        check_pressure(load_water_network("wntr:Net3"), ["nope"], service_pressure=SERVICE)
