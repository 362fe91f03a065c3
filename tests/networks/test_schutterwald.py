"""The Schutterwald testbed: power, gas and heat of one town coupled by a mapping file, and a
cross-system cascade over the real topologies."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandapower.topology as top
import pytest
from click.testing import CliRunner

from vitaal.cli.network_cmd import import_network
from vitaal.engine.cascade import run_cascade
from vitaal.engine.causes import InitialFailure
from vitaal.engine.compile import CompiledModel, compile_model
from vitaal.errors import ModelError
from vitaal.io import read_model
from vitaal.io.network_map import (
    NetworkImport,
    apply_network_map,
    load_schutterwald,
    read_network_map,
    schutterwald_map_path,
)
from vitaal.model import Model
from vitaal.model.validate import validate_model

PUMP = "sw-heat-circ-pump-pressure-0"
HEAT_PUMP = "sw-heat-pump-central"


@cache
def _testbed() -> tuple[Model, dict[str, NetworkImport], CompiledModel]:
    model, imports = load_schutterwald()
    return model, imports, compile_model(model)


def test_testbed_is_a_valid_model() -> None:
    model, imports, _ = _testbed()
    assert [str(p) for p in validate_model(model) if p.severity == "error"] == []
    assert set(imports) == {"sw-el", "sw-gas", "sw-heat"}
    assert set(model.systems) == {"electricity", "gas", "heat"}


def test_transformer_outage_stops_heat_pumps_and_heat_after_buffer() -> None:
    model, imports, compiled = _testbed()
    el = imports["sw-el"]
    # the transformer whose outage cuts off the bus that feeds the circulation pump, found
    # with pandapower's own topology rather than taken from the mapping file
    feeding_bus = next(
        sl.supplier
        for sl in model.supply.values()
        if sl.consumer == PUMP and sl.resource == "electricity"
    )
    bus_index = next(i for (t, i), c in el.ids.items() if t == "bus" and c == feeding_bus)
    net = el.net
    feeders = []
    for t in net.trafo.index:
        net.trafo.at[t, "in_service"] = False
        if bus_index in top.unsupplied_buses(net):
            feeders.append(int(t))
        net.trafo.at[t, "in_service"] = True
    assert len(feeders) == 1
    trafo = el.ids[("trafo", feeders[0])]
    result = run_cascade(compiled, [InitialFailure(trafo)], 48.0)
    assert result.fail_time_of(PUMP) == 0.0
    assert result.fail_time_of(HEAT_PUMP) == 0.0
    assert result.chain(PUMP)[-1] == trafo
    heat = imports["sw-heat"]
    consumers = [c for (t, _), c in heat.ids.items() if t == "heat_consumer"]
    assert len(consumers) == len(heat.net.heat_consumer)
    buffer_h = model.requirements[f"{consumers[0]}|heat"].buffer_h
    assert buffer_h > 0
    for c in consumers:
        assert result.fail_time_of(c) == buffer_h
        assert result.chain(c)[-1] == trafo
    # the gas network is untouched
    gas = [c for c in model.components if c.startswith("sw-gas-")]
    assert not any(np.isfinite(result.fail_time_of(c)) for c in gas)


def test_other_transformer_or_gas_outage_leaves_heat_on() -> None:
    _model, imports, compiled = _testbed()
    el = imports["sw-el"]
    consumer = imports["sw-heat"].ids[("heat_consumer", 0)]
    other = [c for (t, _), c in el.ids.items() if t == "trafo"][5]
    result = run_cascade(compiled, [InitialFailure(other)], 48.0)
    assert not np.isfinite(result.fail_time_of(consumer))
    gas_in = imports["sw-gas"].ids[("ext_grid", 0)]
    result = run_cascade(compiled, [InitialFailure(gas_in)], 48.0)
    assert result.fail_time_of("sw-heat-boiler-central") == 0.0  # the backup is gone ...
    assert not np.isfinite(result.fail_time_of(consumer))  # ... but the heat pump carries on


def test_mapping_file_errors_are_collected(tmp_path: Path) -> None:
    bad = tmp_path / "map.yaml"
    bad.write_text(
        "links:\n  - {supplier: nowhere, consumer: sw-heat-pump-central, resource: power}\n"
        "extra: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ModelError) as err:
        apply_network_map(_testbed()[0], read_network_map(bad))
    assert len(err.value.problems) == 1  # the unknown section, reported when reading
    bad.write_text(
        "links:\n  - {supplier: nowhere, consumer: sw-heat-pump-central, resource: power}\n",
        encoding="utf-8",
    )
    with pytest.raises(ModelError) as err:
        apply_network_map(_testbed()[0], read_network_map(bad))
    assert len(err.value.problems) == 2  # the unknown supplier and the unknown resource


def test_import_network_command_writes_a_model(tmp_path: Path) -> None:
    out = tmp_path / "heat"
    result = CliRunner().invoke(
        import_network,
        [
            "pandapipes",
            "pandapipes:schutterwald_heat",
            "--out",
            str(out),
            "--prefix",
            "sw-heat",
            "--crs",
            "EPSG:32632",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "circ_pump_pressure 0" in result.output
    model = read_model(out)
    assert model.info.crs == "EPSG:32632"
    assert PUMP in model.components
    assert schutterwald_map_path().exists()
