"""Capacity and growth: loads up the primary chains, utilisation, exhaustion, calibration.

Hand-worked cases use the round norms of ``tests/data/growth/_norms.yaml`` (1.2 kW per home,
new or existing; heat pump +1 kW per existing home; 0.01 m3/h per person; 2 persons per new
home). The model ``tests/data/growth`` is worked out in full in :func:`test_growth_town`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vitaal.cli.capacity_cmd import capacity
from vitaal.engine.capacity import decision_year, project_capacity
from vitaal.engine.cascade import run_cascade
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.demand import DemandNorms, load_norms
from vitaal.errors import ScenarioError
from vitaal.io.folder import read_model
from vitaal.model import (
    Component,
    Model,
    ModelInfo,
    Plan,
    Resource,
    Role,
    Scenario,
    ServiceArea,
    SupplyLink,
    link_key,
)
from vitaal.model.units import Quantity

GROWTH = Path(__file__).parents[1] / "data" / "growth"
NORMS_FILE = GROWTH / "_norms.yaml"
EL = "electricity"


@pytest.fixture(scope="module")
def norms() -> DemandNorms:
    return load_norms(NORMS_FILE)


@pytest.fixture(scope="module")
def growth() -> Model:
    return read_model(GROWTH)


def grid(
    components: dict[str, float | None],
    areas: dict[str, int],
    links: list[tuple[str, str]],
    *,
    backups: list[tuple[str, str]] = (),  # type: ignore[assignment]
    peaks: dict[str, float] | None = None,
) -> Model:
    """An electricity model: components with capacity in MW (None: not given), areas with
    homes, primary links ``supplier -> consumer`` and backup links."""
    supply = {}
    for (s, c), role in [(lk, Role.PRIMARY) for lk in links] + [
        (lk, Role.BACKUP) for lk in backups
    ]:
        link = SupplyLink(supplier=s, consumer=c, resource=EL, role=role)
        supply[link_key(link)] = link
    return Model(
        info=ModelInfo(name="g", base_year=2026),
        resources={EL: Resource(id=EL, name="El", unit="MW")},
        components={
            cid: Component(
                id=cid,
                subsystem="s",
                kind="substation",
                capacity={} if cap is None else {EL: Quantity(cap, "MW")},
                peak_load={EL: Quantity(peaks[cid], "MW")} if peaks and cid in peaks else {},
            )
            for cid, cap in components.items()
        },
        areas={aid: ServiceArea(id=aid, name=aid, homes=h) for aid, h in areas.items()},
        supply=supply,
    )


# -- hand-worked cases ------------------------------------------------------------------------
def test_one_substation(norms: DemandNorms) -> None:
    # 1,000 homes x 1.2 kW = 1.2 MW at a substation of 2 MW: 60%; the grid station above it
    # (20 MW) carries the same 1.2 MW: 6%.
    m = grid({"gs": 20.0, "ss": 2.0}, {"a": 1000}, [("gs", "ss"), ("ss", "a")])
    res = project_capacity(m, None, [2026, 2030], norms=norms)
    assert res.utilisation_of("ss", EL) == pytest.approx([0.6, 0.6])
    assert res.utilisation_of("gs", EL) == pytest.approx([0.06, 0.06])
    assert res.load_of("a", EL) == pytest.approx([1.2, 1.2])
    assert res.exhausted_year("ss", EL) is None


def test_even_split_over_two_primaries(norms: DemandNorms) -> None:
    # area a (1.2 MW) has two primary substations: 0.6 MW each; area b (0.6 MW) hangs on s2
    # alone: s2 carries 0.6 + 0.6 = 1.2 MW. The grid station carries all 1.8 MW.
    # A backup link (s1 -> b) carries nothing.
    m = grid(
        {"gs": 10.0, "s1": 1.0, "s2": 1.0},
        {"a": 1000, "b": 500},
        [("gs", "s1"), ("gs", "s2"), ("s1", "a"), ("s2", "a"), ("s2", "b")],
        backups=[("s1", "b")],
    )
    res = project_capacity(m, None, [2026], norms=norms)
    assert res.load_of("s1", EL) == pytest.approx([0.6])
    assert res.load_of("s2", EL) == pytest.approx([1.2])
    assert res.load_of("gs", EL) == pytest.approx([1.8])
    # s2 is over its 1 MW already now: exhausted in the base year
    assert res.exhausted_year("s2", EL) == 2026
    assert res.exhausted_year("s1", EL) is None
    # the flows the cascade gets: each primary link carries its consumer's share
    flows = res.link_load_at(2026)
    cm = res.compiled
    by_link = {
        (cm.node_ids[cm.pair_node[s]], cm.node_ids[cm.pair_node[d]], bool(b)): f
        for s, d, b, f in zip(cm.link_src, cm.link_dst, cm.link_backup, flows, strict=True)
    }
    assert by_link[("s1", "a", False)] == pytest.approx(0.6)
    assert by_link[("s2", "b", False)] == pytest.approx(0.6)
    assert by_link[("s1", "b", True)] == 0.0
    assert by_link[("gs", "s2", False)] == pytest.approx(1.2)


def test_measured_peak_calibrates_and_flows_up(norms: DemandNorms) -> None:
    # ss carries 500 homes: computed 0.6 MW, measured 1.0 MW. The 0.4 MW the model does not
    # explain stays, and flows up: the grid station (no measurement) carries 1.0 MW.
    # A heat-pump share rising 0 -> 0.5 from 2026 to 2036 adds 500 x 0.05 x 1 kW = 25 kW a
    # year: in 2030 ss carries 1.0 + 0.1 = 1.1 MW.
    m = grid({"gs": 10.0, "ss": 2.5}, {"b": 500}, [("gs", "ss"), ("ss", "b")], peaks={"ss": 1.0})
    s = Scenario(id="s", name="S", transitions={"heat_pump": {2026: 0.0, 2036: 0.5}})
    res = project_capacity(m, s, [2026, 2030, 2040], norms=norms)
    assert res.load_of("ss", EL) == pytest.approx([1.0, 1.1, 1.25])
    assert res.load_of("gs", EL) == pytest.approx([1.0, 1.1, 1.25])
    assert res.utilisation_of("ss", EL) == pytest.approx([0.4, 0.44, 0.5])
    # a measured grid station replaces that in turn: 3 MW measured, growth on top
    m2 = grid(
        {"gs": 10.0, "ss": 2.5},
        {"b": 500},
        [("gs", "ss"), ("ss", "b")],
        peaks={"ss": 1.0, "gs": 3.0},
    )
    res2 = project_capacity(m2, s, [2026, 2030], norms=norms)
    assert res2.load_of("gs", EL) == pytest.approx([3.0, 3.1])


def test_measured_peak_below_the_norms_never_goes_negative(norms: DemandNorms) -> None:
    # computed 1,000 x 1.2 kW = 1.2 MW, measured 0.2 MW: the offset is -1.0 MW.
    # A plan demolishes 500 homes in 2030: computed 0.6 MW, so 0.2 + 0.6 - 1.2 = -0.4 MW,
    # which is no load at all: 0.
    m = grid({"ss": 2.0}, {"a": 1000}, [("ss", "a")], peaks={"ss": 0.2})
    m.plans["demolish"] = Plan(id="demolish", title="D", areas=("a",), homes={2030: -500})
    s = Scenario(id="s", name="S", plans=("demolish",))
    res = project_capacity(m, s, [2026, 2030], norms=norms)
    assert res.load_of("ss", EL) == pytest.approx([0.2, 0.0])


def test_growth_town(growth: Model, norms: DemandNorms) -> None:
    # Area A: 1,000 homes x 1.2 kW = 1.2 MW on ss-a (2 MW): 60% in 2026.
    # plan-a adds 200 homes a year 2027-2031: +0.24 MW a year;
    # heat pumps 0 -> 0.5 of the 1,000 existing homes over 2026-2036: +0.05 MW a year.
    #   2027: 1.2 + 0.24 + 0.05 = 1.49 MW -> 74.5%
    #   2028: 1.2 + 0.48 + 0.10 = 1.78 MW -> 89%
    #   2029: 1.2 + 0.72 + 0.15 = 2.07 MW -> 103.5%: exhausted in 2029;
    # lead time 3 years: decide by 2026.
    res = project_capacity(growth, "growth", norms=norms)
    assert res.years[0] == 2026
    assert res.years[-1] == 2050
    assert res.utilisation_of("ss-a", EL)[:4] == pytest.approx([0.6, 0.745, 0.89, 1.035])
    assert res.exhausted_year("ss-a", EL) == 2029
    # 2036 on: 1.2 + 1.2 + 0.5 = 2.9 MW -> 145%
    assert res.utilisation_of("ss-a", EL)[-1] == pytest.approx(1.45)
    # ss-b: measured 1 MW, + 500 x 0.05 x 1 kW = 25 kW a year to 2036; 2.5 MW: 40% -> 50%
    assert res.utilisation_of("ss-b", EL)[[0, 10, 24]] == pytest.approx([0.4, 0.5, 0.5])
    assert res.exhausted_year("ss-b", EL) is None
    # water: 3,000 people x 0.01 = 30 m3/h of 100: 30%; +400 people a year to 2031:
    # 2031: (3,000 + 2,000) x 0.01 = 50 m3/h: 50%
    assert res.utilisation_of("wtp", "drinking_water")[[0, 5]] == pytest.approx([0.3, 0.5])
    d = res.to_dict()
    (ss_a,) = [c for c in d["components"] if c["id"] == "ss-a"]
    assert ss_a["exhausted_year"] == 2029
    assert ss_a["decision_year"] == 2026
    assert ss_a["lead_time_y"] == 3
    assert ss_a["owner"] == "Grid company"
    assert ss_a["system"] == "electricity"
    assert ss_a["utilisation"]["2028"] == pytest.approx(0.89)


def test_no_scenario_means_no_growth(growth: Model, norms: DemandNorms) -> None:
    res = project_capacity(growth, None, norms=norms)
    assert np.allclose(res.utilisation_of("ss-a", EL), 0.6)
    assert res.scenario_id is None
    assert res.cascade_year == 2026


def test_shock_meets_the_demand_of_the_scenario_year(growth: Model, norms: DemandNorms) -> None:
    # outage-2030 loses ss-a. Area A moves to its backup ss-b (2.5 MW).
    # In 2026: ss-b carries 1.0 + A's 1.2 = 2.2 MW < 2.5: it holds.
    # In 2030: ss-b carries 1.1 + A's 1.2 + 0.96 + 0.2 = 3.46 MW > 2.5: it fails, and B with it.
    res = project_capacity(growth, "outage-2030", norms=norms)
    assert res.scenario_year == 2030
    assert res.cascade_year == 2030
    inputs = res.cascade_inputs()
    v_a = res.compiled.node_index["ss-a"]
    assert inputs["load"][v_a, res.compiled.resource_index[EL]] == pytest.approx(2.36)

    def failed_after_losing_ss_a(year: int) -> list[str]:
        out = run_cascade(
            res.compiled,
            [InitialFailure("ss-a", 0.0)],
            24.0,
            load=res.load_at(year),
            capacity=res.compiled.capacity,
            link_load=res.link_load_at(year),
        )
        return out.failed()

    assert "ss-b" not in failed_after_losing_ss_a(2026)
    out = run_cascade(res.compiled, [InitialFailure("ss-a", 0.0)], 24.0, **inputs)
    assert "ss-b" in out.failed()
    assert out.step("ss-b").cause is CauseCode.OVERLOAD


def test_a_ring_of_primary_links_shares_its_load(norms: DemandNorms) -> None:
    """p feeds a; a -> b -> c -> a is a ring of primary links (a mesh); c feeds the area.
    The ring carries the area's demand L together, split by capacity (docs/capacity.md,
    "Meshes"): equal capacities, so a, b and c carry L / 3 each, and p, above it, all of L."""
    m = grid(
        {"p": 10.0, "a": 5.0, "b": 5.0, "c": 5.0},
        {"x": 100},
        [("p", "a"), ("a", "b"), ("b", "c"), ("c", "a"), ("c", "x")],
    )
    res = project_capacity(m, None, [2026], norms=norms)
    cm = res.compiled
    load = {cm.node_ids[int(v)]: float(res.load[k, 0]) for k, v in enumerate(res.row_node)}
    total = load["p"]
    assert total > 0
    for member in "abc":
        assert load[member] == pytest.approx(total / 3)


def test_unknown_scenario_lists_the_ids(growth: Model) -> None:
    with pytest.raises(ScenarioError, match=r"unknown scenario 'nope'.*growth, outage-2030"):
        project_capacity(growth, "nope")


def test_years_before_the_base_year_are_refused(growth: Model) -> None:
    with pytest.raises(ScenarioError, match="before the model's base year"):
        project_capacity(growth, None, [2020, 2030])
    res = project_capacity(growth, None, [2030])
    assert res.years.tolist() == [2026, 2030]
    with pytest.raises(ScenarioError, match="not among the projected years"):
        res.load_at(2040)


def test_json_has_no_nan_and_is_stable(growth: Model, norms: DemandNorms) -> None:
    res = project_capacity(growth, "growth", norms=norms)
    text = json.dumps(res.to_dict(), allow_nan=False, sort_keys=True)
    again = json.dumps(
        project_capacity(growth, "growth", norms=norms).to_dict(), allow_nan=False, sort_keys=True
    )
    assert text == again
    d = json.loads(text)
    assert [c["id"] for c in d["components"]] == ["gs", "ss-a", "ss-b", "wtp"]
    assert set(d["components"][0]) >= {"utilisation", "exhausted_year", "load", "capacity"}


def test_decision_year() -> None:
    assert decision_year(2031, 2.5) == 2028
    assert decision_year(2031, 3) == 2028
    assert decision_year(None, 3) is None
    assert decision_year(2031, None) is None


# -- property: the array accumulation equals walking every path by hand ------------------------
@st.composite
def dags(draw: st.DrawFn) -> tuple[Model, dict[str, list[str]], dict[str, int]]:
    n = draw(st.integers(1, 7))
    comps = [f"c{i}" for i in range(n)]
    primaries: dict[str, list[str]] = {}
    links: list[tuple[str, str]] = []
    backups: list[tuple[str, str]] = []
    for i, cid in enumerate(comps[1:], start=1):
        ups = draw(st.lists(st.sampled_from(comps[:i]), unique=True, max_size=3))
        primaries[cid] = ups
        links += [(u, cid) for u in ups]
    areas = {f"a{j}": draw(st.integers(0, 2000)) for j in range(draw(st.integers(1, 4)))}
    for aid in areas:
        ups = draw(st.lists(st.sampled_from(comps), unique=True, min_size=1, max_size=3))
        primaries[aid] = ups
        links += [(u, aid) for u in ups]
        spare = [c for c in comps if c not in ups]
        if spare and draw(st.booleans()):
            backups.append((draw(st.sampled_from(spare)), aid))
    model = grid(dict.fromkeys(comps, 1.0), areas, links, backups=backups)
    return model, primaries, areas


def walk_reference(primaries: dict[str, list[str]], areas: dict[str, int]) -> dict[str, float]:
    """Slow and plain: push each area's demand along every primary path, one path at a time,
    halving (or thirding) at each node with several primary suppliers."""
    load: dict[str, float] = {}

    def push(node: str, amount: float) -> None:
        ups = primaries.get(node, [])
        for up in ups:
            share = amount / len(ups)
            load[up] = load.get(up, 0.0) + share
            push(up, share)

    for aid, homes in areas.items():
        push(aid, homes * 1.2e-3)  # 1.2 kW per home, in MW
    return load


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=dags())
def test_accumulation_matches_path_walking(
    case: tuple[Model, dict[str, list[str]], dict[str, int]],
) -> None:
    model, primaries, areas = case
    norms = load_norms(NORMS_FILE)
    res = project_capacity(model, None, [2026], norms=norms)
    expected = walk_reference(primaries, areas)
    for cid in model.components:
        row = res.row_of(cid, EL)
        got = 0.0 if row is None else float(res.load[row, 0])
        assert got == pytest.approx(expected.get(cid, 0.0), rel=1e-9, abs=1e-12)


# -- the command ----------------------------------------------------------------------------------
def test_cli_table_lists_what_runs_out() -> None:
    result = CliRunner().invoke(
        capacity, [str(GROWTH), "--scenario", "growth", "--norms", str(NORMS_FILE)]
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "ss-a" in ln]
    assert len(lines) == 1
    # now 60%, 2030 118% (1.2 + 0.96 + 0.2 = 2.36 MW), exhausted 2029, lead 3 y, decide by 2026
    for cell in ("60%", "118%", "2029", "3 y", "2026", "Grid company"):
        assert cell in lines[0]
    assert "ss-b" not in result.output  # 50% at most: below 80%
    assert "1 of 4 component capacities reach 80% by 2050" in result.output


def test_cli_json() -> None:
    result = CliRunner().invoke(
        capacity,
        [str(GROWTH), "--scenario", "outage-2030", "--json", "--norms", str(NORMS_FILE)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scenario"] == "outage-2030"
    assert data["cascade_year"] == 2030
    (ss_a,) = [c for c in data["components"] if c["id"] == "ss-a"]
    assert ss_a["exhausted_year"] == 2029
    assert ss_a["utilisation"]["2030"] == pytest.approx(1.18)


def test_cli_unknown_scenario() -> None:
    result = CliRunner().invoke(capacity, [str(GROWTH), "--scenario", "nope"])
    assert result.exit_code == 1
    assert "unknown scenario 'nope'; the model's scenarios: growth, outage-2030" in result.output


def test_cli_bad_norms_file(tmp_path: Path) -> None:
    bad = tmp_path / "norms.yaml"
    bad.write_text("version: 1\nnorms: {}\n", encoding="utf-8")
    result = CliRunner().invoke(capacity, [str(GROWTH), "--norms", str(bad)])
    assert result.exit_code == 2
    assert "persons_per_home" in result.output
    assert "Traceback" not in result.output
