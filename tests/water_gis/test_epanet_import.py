"""The EPANET importer: counts on Net3 and Net6, a tank's autonomy worked out by hand, the
report of what was not mapped, and the command line."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from vitaal.engine import compile_model
from vitaal.errors import Severity
from vitaal.io import read_model
from vitaal.io.epanet import LOCAL_CRS, import_epanet, load_water_network, sanitise_id
from vitaal.model.validate import validate_model

SMALL_INP = """\
[TITLE]
small test network

[JUNCTIONS]
;ID   Elev  Demand
J1    10    10
J2    10    20
J3    10    30
J4    10    40
J5    10    0
J6    10    5
J*7   10    1
J_7   10    2

[RESERVOIRS]
R1    50

[TANKS]
;ID  Elev  InitLvl  MinLvl  MaxLvl  Diam  MinVol
T1   20    5        1       8       10    0

[PIPES]
;ID  N1   N2   Len   Diam  Rough  MLoss  Status
P1   R1   J1   1000  300   100    0      Open
P2   J1   J2   1000  300   100    0      Open
P3   J2   J3   1000  300   100    0      Open
P4   J3   T1   100   300   100    0      Open
P5   J3   J4   50    300   100    0      Open
P6   J4   J6   50    300   100    0      Closed
P7   J4   J*7  50    300   100    0      Open
P8   J*7  J_7  50    300   100    0      CV

[PUMPS]
PU1  J1  J5  HEAD C1

[CURVES]
C1   36   30

[CONTROLS]
LINK P6 OPEN AT TIME 2

[OPTIONS]
Units CMH
Headloss H-W

[COORDINATES]
R1  0  0
J1  100 0
J2  200 0
J3  300 0
T1  300 10
J4  350 0
J5  100 50
J6  400 0
J*7 360 0
J_7 370 0

[END]
"""


@pytest.fixture
def small_inp(tmp_path: Path) -> Path:
    path = tmp_path / "small.inp"
    path.write_text(SMALL_INP, encoding="utf-8")
    return path


@pytest.mark.parametrize("net", ["Net3", "Net6"])
def test_counts_follow_the_network(net: str) -> None:
    wn = load_water_network(f"wntr:{net}")
    imp = import_epanet(wn, prefix=net.lower())
    m = imp.model
    kinds = [c.kind for c in m.components.values()]
    assert kinds.count("water_junction") == wn.num_junctions
    assert kinds.count("reservoir") == wn.num_reservoirs
    assert kinds.count("tank") == wn.num_tanks
    assert kinds.count("water_main") == wn.num_pipes
    assert kinds.count("water_pump") == wn.num_pumps
    assert kinds.count("water_valve") == wn.num_valves
    assert kinds.count("external_grid") == 1  # the placeholder power supply
    assert len(m.stores) == wn.num_tanks
    with_demand = [
        j for j, junction in wn.junctions() if junction.demand_timeseries_list[0].base_value > 0
    ]
    assert len(m.areas) == len(with_demand)
    # one control each in the report
    controls = [n for n in imp.unmapped if n.element.startswith("control ")]
    assert len(controls) == len(wn.control_name_list)
    # the model is sound: no errors (capacity warnings for carriers only), and it compiles
    problems = validate_model(m)
    assert [str(p) for p in problems if p.severity is Severity.ERROR] == []
    assert {p.field for p in problems} <= {"capacity"}
    compile_model(m)


def test_tank_autonomy_worked_out_by_hand(small_inp: Path) -> None:
    imp = import_epanet(small_inp, prefix="small")
    store = imp.model.stores["wn-small-tank-T1|drinking_water"]
    # T1: a cylinder of 10 m diameter between its initial (5 m) and minimum (1 m) level:
    # pi * 5^2 * 4 = 100 pi m3. Nearest source by pipe length: J1 is 1000 m from R1 (2100 m
    # from T1); J2 is 1100 m from T1 (2000 m from R1); J3, J4, J*7, J_7 are nearer T1 too;
    # J6 is cut off by the closed P6 and J5 has no demand. Demand served (CMH, no pattern):
    # 20 + 30 + 40 + 1 + 2 = 93 m3/h.
    assert store.autonomy_h == pytest.approx(100 * math.pi / 93, abs=1e-6)


def test_links_roles_and_report(small_inp: Path) -> None:
    imp = import_epanet(small_inp, prefix="small")
    m = imp.model
    links = {(s.supplier, s.consumer) for s in m.supply.values() if s.resource == "drinking_water"}
    j = "wn-small-junction-"
    # a pipe passes water both ways; nothing flows into a reservoir
    assert (f"{j}J1", "wn-small-pipe-P2") in links
    assert (f"{j}J2", "wn-small-pipe-P2") in links
    assert ("wn-small-pipe-P1", "wn-small-reservoir-R1") not in links
    # a pump and a check valve one way only
    assert (f"{j}J1", "wn-small-pump-PU1") in links
    assert (f"{j}J5", "wn-small-pump-PU1") not in links
    assert (f"{j}J_7", "wn-small-pipe-P8") in links
    assert (f"{j}J_7-2", "wn-small-pipe-P8") not in links
    # a closed pipe carries nothing; the junction behind it gets no links
    assert not any("P6" in a or "P6" in b for a, b in links)
    assert not any(f"{j}J6" in (a, b) for a, b in links)
    # the pump needs electricity from the placeholder
    power = [s for s in m.supply.values() if s.resource == "electricity"]
    assert [(s.supplier, s.consumer) for s in power] == [
        ("wn-small-power-external", "wn-small-pump-PU1")
    ]
    # 1000 kg/m3 * 9.81 * 36/3600 m3/s * 30 m / 0.75 = 3924 W
    cap = m.components["wn-small-power-external"].capacity["electricity"]
    assert cap.to("W") == pytest.approx(3924.0)
    unmapped = {n.element: n.reason for n in imp.unmapped}
    assert "junction J6" in unmapped
    assert "not connected to any reservoir" in unmapped["junction J6"]
    assert "control control 1" in unmapped
    assumed = {n.element: n.reason for n in imp.assumptions}
    assert "closed at the start" in assumed["pipe P6"]
    assert "outside vitaal's id pattern" in assumed["junction J*7"]
    assert "was taken by junction J*7" in assumed["junction J_7"]
    assert imp.id_of("junction", "J*7") == "wn-small-junction-J_7"
    assert imp.id_of("junction", "J_7") == "wn-small-junction-J_7-2"
    assert m.components["wn-small-junction-J_7"].name == "J*7"
    assert imp.element_of("wn-small-pump-PU1") == ("pump", "PU1")
    assert m.info.crs == LOCAL_CRS
    compile_model(m)


def test_power_map_replaces_the_placeholder(small_inp: Path) -> None:
    imp = import_epanet(small_inp, prefix="small", power_map={"PU1": "el-ss-1", "PX": "el-2"})
    power = [s for s in imp.model.supply.values() if s.resource == "electricity"]
    assert [(s.supplier, s.consumer) for s in power] == [("el-ss-1", "wn-small-pump-PU1")]
    assert "wn-small-power-external" not in imp.model.components
    assert any(n.element == "power map entry PX" for n in imp.unmapped)


def test_sanitise_id() -> None:
    assert sanitise_id("J 12/a") == "J_12_a"
    assert sanitise_id("") == "_"
    assert len(sanitise_id("x" * 300)) == 200


def test_bundled_names_and_missing_files() -> None:
    with pytest.raises(ValueError, match="unknown bundled network"):
        load_water_network("wntr:Net99")
    with pytest.raises(FileNotFoundError):
        load_water_network("/no/such/file.inp")


def test_command_writes_a_model_folder(small_inp: Path, tmp_path: Path) -> None:
    from vitaal.cli.water_gis_cmd import import_epanet_cmd

    power = tmp_path / "power.csv"
    power.write_text("pump,supplier\nPU1,el-ss-1\n", encoding="utf-8")
    out = tmp_path / "model"
    result = CliRunner().invoke(
        import_epanet_cmd,
        [str(small_inp), "--out", str(out), "--prefix", "small"],
    )
    assert result.exit_code == 0, result.output
    assert "element(s) not mapped" in result.output
    model = read_model(out)
    assert model == import_epanet(small_inp, prefix="small").model
    result = CliRunner().invoke(
        import_epanet_cmd,
        [str(small_inp), "--out", str(tmp_path / "m2"), "--power-map", str(power)],
    )
    assert result.exit_code == 0, result.output
