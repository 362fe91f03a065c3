"""Network files are data: a pandapower or pandapipes JSON file that names a function is
refused before anything in it is run, with a located error and no traceback.

Each payload is first shown to be live (the library's own reader runs it and the marker file
appears), so the tests would fail if the guard were taken away.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from pathlib import Path
from typing import Any

import pandapipes
import pandapipes.networks
import pandapower
import pandapower.networks
import pytest
from click.testing import CliRunner

from vitaal.cli.main import cli
from vitaal.errors import ModelError
from vitaal.io.network_map import load_panda_net
from vitaal.io.panda_json import find_foreign_objects, read_panda_json


def _command(marker: Path) -> dict[str, Any]:
    """A tagged object that pandapower's reader turns into ``os.system("touch marker")``."""
    return {"_module": "os", "_class": "system", "_object": f"touch {marker}"}


def _net_json(package: str) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if package == "pandapower":
            text = pandapower.to_json(pandapower.networks.example_simple())
        else:
            text = pandapipes.to_json(pandapipes.networks.schutterwald(False))
    data: dict[str, Any] = json.loads(text)
    return data


def _at_top(package: str, marker: Path) -> str:
    data = _net_json(package)
    data["_object"]["evil"] = _command(marker)
    return json.dumps(data)


def _in_a_table(package: str, marker: Path) -> str:
    """The payload inside a table: a cell of the bus (junction) table, itself a JSON text."""
    data = _net_json(package)
    table = "bus" if package == "pandapower" else "junction"
    frame = json.loads(data["_object"][table]["_object"])
    frame["columns"].append("evil")
    for row in frame["data"]:
        row.append(_command(marker))
    data["_object"][table]["_object"] = json.dumps(frame)
    return json.dumps(data)


def _library_reads(package: str, text: str) -> None:
    pkg = pandapower if package == "pandapower" else pandapipes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the library may fail after running the payload; that is the point
        with contextlib.suppress(Exception):
            pkg.from_json_string(text)


PLACES = {"top": _at_top, "table": _in_a_table}


@pytest.mark.parametrize("package", ["pandapower", "pandapipes"])
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_payload_is_refused_before_it_runs(tmp_path: Path, package: str, place: str) -> None:
    live = tmp_path / "live-marker"
    _library_reads(package, PLACES[place](package, live))
    if package == "pandapower":
        # pandapower runs it (pandapipes happens to fail first on its own checks)
        assert live.exists(), "the payload should be live for the library's own reader"
    marker = tmp_path / "marker"
    path = tmp_path / "net.json"
    path.write_text(PLACES[place](package, marker), encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_panda_net(path, package)
    assert not marker.exists()
    text = "\n".join(str(p) for p in info.value.problems)
    assert "'os.system'" in text
    assert str(path) in text
    assert "$." in text  # the place in the file


@pytest.mark.parametrize("package", ["pandapower", "pandapipes"])
def test_import_network_refuses_it_without_a_traceback(tmp_path: Path, package: str) -> None:
    marker = tmp_path / "marker"
    path = tmp_path / "net.json"
    path.write_text(_in_a_table(package, marker), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["import-network", package, str(path), "--out", str(out)], prog_name="vitaal"
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "os.system" in result.output
    assert not marker.exists()
    assert not out.exists()


@pytest.mark.parametrize(
    ("package", "factory", "table"),
    [
        ("pandapower", lambda: pandapower.networks.mv_oberrhein(), "bus"),
        ("pandapower", lambda: pandapower.networks.lv_schutterwald(), "line"),
        ("pandapipes", lambda: pandapipes.networks.schutterwald(False), "pipe"),
    ],
)
def test_real_networks_still_read(tmp_path: Path, package: str, factory: Any, table: str) -> None:
    """The bundled networks, saved by their own library, read back whole through the guard."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = factory()
        pkg = pandapower if package == "pandapower" else pandapipes
        path = tmp_path / "net.json"
        pkg.to_json(net, str(path))
    back = read_panda_json(path, package)
    assert len(back[table]) == len(net[table]) > 0
    assert sorted(back[table].index) == sorted(net[table].index)


def test_only_network_functions_are_bundled_names() -> None:
    with pytest.raises(FileNotFoundError):
        load_panda_net("pandapower:from_json", "pandapower")
    with pytest.raises(FileNotFoundError):
        load_panda_net("pandapower:runpp", "pandapower")
    assert len(load_panda_net("pandapower:example_simple", "pandapower").bus) > 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "invalid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "a list"),
        (b'{"_module": "pandapower.file_io", "_class": "to_json"}', "'pandapower.file_io.to_json'"),
        (b'{"_module": "numpy", "_class": "load"}', "'numpy.load'"),
        (b'{"_module": 3, "_class": null}', "_module 3"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
    ],
)
def test_garbage_ends_in_a_located_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "net.json"
    path.write_bytes(content)
    with pytest.raises(ModelError) as info:
        read_panda_json(path, "pandapower")
    text = "\n".join(str(p) for p in info.value.problems)
    assert expected in text
    assert str(path) in text


def test_the_check_sees_json_texts_inside_json_texts() -> None:
    inner = json.dumps({"x": {"_module": "subprocess", "_class": "Popen"}})
    outer = json.dumps({"a": {"_module": "pandas.core.frame", "_class": "DataFrame",
                              "_object": json.dumps({"b": inner})}})  # fmt: skip
    problems = find_foreign_objects(outer, "f.json")
    assert [p.found for p in problems] == ["'subprocess.Popen'"]
