"""Physics mode: vitaal's load flow and N-1 give pandapower's own results on the same nets."""

from __future__ import annotations

import copy
import math
from typing import Any

import pandapower as pp
import pandapower.networks as pn
import pytest

from vitaal.engine.physics_power import branch_ratings, run_load_flow, run_n1
from vitaal.io.pandapower_net import import_pandapower

pytestmark = pytest.mark.filterwarnings("ignore:tap_dependency_table is missing:DeprecationWarning")


def _net(name: str) -> Any:
    return getattr(pn, name)()


@pytest.mark.parametrize("name", ["mv_oberrhein", "lv_schutterwald"])
@pytest.mark.parametrize("scale", [1.0, 1.3])
def test_load_flow_reproduces_runpp(name: str, scale: float) -> None:
    net = _net(name)
    before = copy.deepcopy(net.load)
    result = run_load_flow(net, scale=scale)
    assert net.load.equals(before)  # the caller's net is not changed
    ref = copy.deepcopy(net)
    ref.load["scaling"] = ref.load["scaling"] * scale
    pp.runpp(ref)
    assert result.converged
    for table, res in (("line", ref.res_line), ("trafo", ref.res_trafo)):
        got = result.loading(table)
        assert set(got) == set(res.index)
        for i, lp in res["loading_percent"].items():
            assert got[i] == pytest.approx(lp, rel=1e-9, abs=1e-9, nan_ok=True)
    ratings = branch_ratings(ref)
    for b in result.branches:
        assert b.residual_mw == pytest.approx(
            ratings[(b.element, b.index)] * (1 - b.loading_percent / 100), nan_ok=True
        )


def test_load_flow_names_branches_by_component_id() -> None:
    imp = import_pandapower("pandapower:mv_oberrhein", prefix="mv")
    result = run_load_flow(imp.net, ids=imp.ids)
    assert all(b.id is not None and b.id in imp.model.components for b in result.branches)
    trafo = next(b for b in result.branches if b.element == "trafo")
    cap = imp.model.components[trafo.id].capacity["electricity"]
    assert cap.value == pytest.approx(trafo.rating_mva)


def _manual_n1(net: Any, outages: dict[str, list[int]]) -> dict[tuple[str, int], float]:
    """The N-1 by hand: each outage, runpp, the highest loading of every other branch."""
    worst: dict[tuple[str, int], float] = {}
    for table, idx in outages.items():
        for i in idx:
            work = copy.deepcopy(net)
            work[table].at[i, "in_service"] = False
            pp.runpp(work)
            for t, res in (("line", work.res_line), ("trafo", work.res_trafo)):
                for j, lp in res["loading_percent"].items():
                    if (t == table and j == i) or math.isnan(lp):
                        continue
                    worst[(t, j)] = max(worst.get((t, j), -math.inf), float(lp))
    return worst


@pytest.mark.parametrize(("name", "n_lines"), [("mv_oberrhein", None), ("lv_schutterwald", 25)])
def test_n1_reproduces_outage_by_outage_load_flows(name: str, n_lines: int | None) -> None:
    net = _net(name)
    lines = [int(i) for i in net.line.index[: n_lines or len(net.line)]]
    outages = {"line": lines, "trafo": [int(i) for i in net.trafo.index]}
    result = run_n1(net, outages=outages)
    manual = _manual_n1(net, outages)
    base = copy.deepcopy(net)
    pp.runpp(base)
    got = {(b.element, b.index): b for b in result}
    assert set(got) == {("line", int(i)) for i in net.line.index} | {
        ("trafo", int(i)) for i in net.trafo.index
    }
    for key, b in got.items():
        res = base.res_line if key[0] == "line" else base.res_trafo
        assert b.loading_percent == pytest.approx(
            float(res.at[key[1], "loading_percent"]), nan_ok=True
        )
        expected = max(manual.get(key, -math.inf), b.loading_percent)
        if math.isnan(b.loading_percent):
            continue  # energised by nothing (both ends open): no loading in any case
        assert b.max_loading_percent == pytest.approx(expected, rel=1e-9, abs=1e-9)
