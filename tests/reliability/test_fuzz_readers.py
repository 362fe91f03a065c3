"""Every reader, fuzzed: each generated input ends in a valid model or a located vitaal error,
within the time limit, with no traceback, nothing half-written and nothing silently lost
(the rule and the generators: ``tests/reliability/fuzzing.py``; the long run of 10,000
inputs: ``scripts/fuzz_long.py``, figures in ``docs/reliability.md``).

The short run here draws a few dozen inputs per reader (a few seconds each); then one
regression test per fault the fuzzing found, each written to fail on the code before its fix.
"""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability import fuzzing
from vitaal.errors import ModelError, ScenarioError

#: Inputs per reader in the short run, by how long one input takes.
EXAMPLES = {
    "folder": 30,
    "gpkg": 8,
    "epanet": 40,
    "pandapower": 10,
    "pandapipes": 15,
    "ensemble": 30,
}


@pytest.mark.parametrize("reader", sorted(EXAMPLES))
def test_fuzzed_inputs_end_in_a_model_or_a_located_error(reader: str) -> None:
    seen: dict[str, int] = {}

    @settings(
        max_examples=EXAMPLES[reader],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.randoms(use_true_random=False))
    def one(rng: random.Random) -> None:
        with tempfile.TemporaryDirectory(prefix=f"vitaal-fuzz-{reader}-") as tmp:
            outcome = fuzzing.check(reader, rng, Path(tmp))
        seen[outcome.kind] = seen.get(outcome.kind, 0) + 1

    start = time.perf_counter()
    one()
    assert time.perf_counter() - start < 120
    assert seen.get("error", 0) > 0  # the generator does break inputs


# -- regressions: one per fault found -------------------------------------------------------
def _problem(exc: pytest.ExceptionInfo[ModelError]) -> str:
    [problem] = exc.value.problems
    return str(problem)


def test_a_whole_number_of_thousands_of_digits_is_a_located_error(tmp_path: Path) -> None:
    """``int()`` refuses more than 4,300 digits with a ValueError that escaped the reader."""
    import shutil

    from vitaal.io.folder import load_model

    folder = Path(shutil.copytree(fuzzing.TINY, tmp_path / "tiny"))
    path = folder / "areas.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("population")] = "9" * 5000
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    _, problems = load_model(folder)
    [problem] = [p for p in problems if p.field == "population"]
    assert str(problem).startswith("areas.csv:2 [")
    assert problem.expected == "a whole number of at most 100 digits"


def _net1(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.inp"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_inp_file_wntr_cannot_read_is_a_located_error(tmp_path: Path) -> None:
    """WNTR raised IndexError, KeyError, EpanetException ... with no file named."""
    from vitaal.io.epanet import import_epanet

    broken = fuzzing._net1().replace("[COORDINATES]", "[COORDINATES]\n 10 x")
    with pytest.raises(ModelError) as exc:
        import_epanet(_net1(tmp_path, broken))
    assert _problem(exc).startswith(f"{tmp_path / 'city.inp'}: found a file EPANET cannot read (")


def test_an_inp_file_that_is_not_utf8_is_a_located_error(tmp_path: Path) -> None:
    from vitaal.io.epanet import import_epanet

    path = tmp_path / "city.inp"
    path.write_bytes(fuzzing._net1().encode()[:100] + b"\xff\xfe" + b"[END]\n")
    with pytest.raises(ModelError) as exc:
        import_epanet(path)
    assert _problem(exc) == (
        f"{path}: found bytes that are not UTF-8 at byte 100, expected an EPANET network file "
        "(.inp)"
    )


@pytest.mark.parametrize("text", ["", "[END]\n", "[JUNCTIONS]\n[END]\n"])
def test_an_inp_file_without_nodes_is_an_error_not_an_empty_model(
    tmp_path: Path, text: str
) -> None:
    code, _, stderr = fuzzing.run_cli(
        "import-epanet", str(_net1(tmp_path, text)), "--out", str(tmp_path / "out")
    )
    assert code == 2
    assert "found a network without junctions, reservoirs or tanks" in stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture
def gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "city.gpkg"
    path.write_bytes(fuzzing._tiny_gpkg())
    return path


def _set_model_json(path: Path, value: str) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE vitaal_model SET value=? WHERE key='model'", (value,))
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("{", "invalid JSON (Expecting property name"),
        ("[1, 2]", "[1, 2], expected the model as a JSON object"),
    ],
)
def test_a_geopackage_whose_model_table_is_no_model_is_a_located_error(
    gpkg: Path, value: str, found: str
) -> None:
    """json.loads raised, then a list was indexed by a string."""
    from vitaal.io.gis import read_gis

    _set_model_json(gpkg, value)
    with pytest.raises(ModelError) as exc:
        read_gis(gpkg)
    assert _problem(exc).startswith(f"{gpkg}/vitaal_model: found {found}")


def test_geopackage_model_info_and_tables_of_the_wrong_type_are_located(gpkg: Path) -> None:
    """``info`` as a number and ``plans`` as text raised TypeError and AttributeError."""
    from vitaal.io.gis import read_gis

    con = sqlite3.connect(gpkg)
    (text,) = con.execute("SELECT value FROM vitaal_model WHERE key='model'").fetchone()
    con.close()
    doc = json.loads(text)
    doc["info"]["base_year"] = "9" * 5000
    doc["plans"] = "harbour"
    doc["resources"][0] = 7
    _set_model_json(gpkg, json.dumps(doc))
    with pytest.raises(ModelError) as exc:
        read_gis(gpkg)
    found = [str(p) for p in exc.value.problems]
    assert f"{gpkg}/vitaal_model/info: base_year: found '99999" in found[0]
    assert found[0].endswith("expected a year (1000-2300)")
    assert f"{gpkg}/vitaal_model/resources:1: found 7, expected a record (a mapping)" in found
    assert f"{gpkg}/vitaal_model/plans: found 'harbour', expected a list of records" in found


def test_a_geopackage_with_an_id_twice_is_an_error_not_a_lost_record(gpkg: Path) -> None:
    """The second record of an id silently replaced the first."""
    from vitaal.io.gis import read_gis

    con = sqlite3.connect(gpkg)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        con.execute(f'DROP TRIGGER "{name}"')
    con.execute("UPDATE components_electricity SET id='gs-1'")
    con.commit()
    con.close()
    with pytest.raises(ModelError) as exc:
        read_gis(gpkg)
    assert f"{gpkg}/components_electricity:2: found 'gs-1' again, expected a unique id " in str(
        exc.value.problems[0]
    )


def test_a_damaged_geopackage_is_a_located_error(gpkg: Path, tmp_path: Path) -> None:
    """A GeoPackage without its GDAL tables raised pyogrio's DataSourceError."""
    con = sqlite3.connect(gpkg)
    con.execute("DROP TABLE gpkg_contents")
    con.commit()
    con.close()
    code, _, stderr = fuzzing.run_cli("gis-import", str(gpkg), str(tmp_path / "out"))
    assert code == 2
    assert stderr.startswith(f"{gpkg}: found a GeoPackage GDAL cannot read (")
    assert not (tmp_path / "out").exists()


def test_gis_import_of_a_model_with_errors_writes_nothing(gpkg: Path, tmp_path: Path) -> None:
    """It wrote the folder and exited 0, saying only how many problems there were."""
    con = sqlite3.connect(gpkg)
    (text,) = con.execute("SELECT value FROM vitaal_model WHERE key='model'").fetchone()
    con.close()
    doc = json.loads(text)
    doc["resources"] = [r for r in doc["resources"] if r["id"] != "drinking_water"]
    _set_model_json(gpkg, json.dumps(doc))
    code, _, stderr = fuzzing.run_cli("gis-import", str(gpkg), str(tmp_path / "out"))
    assert code == 2
    assert f"{gpkg}/components_water:1 [wtp-1]: capacity: found resource 'drinking_water'" in (
        stderr
    )
    assert not (tmp_path / "out").exists()


def _panda_file(tmp_path: Path, package: str, edit: str) -> Path:
    doc = json.loads(fuzzing._panda_text(package))
    tables = doc["_object"]
    if edit == "number":
        tables["load" if package == "pandapower" else "sink"] = 7
    elif edit == "empty":
        table = json.loads(tables["bus"]["_object"])
        table["data"], table["index"] = [], []
        tables["bus"]["_object"] = json.dumps(table)
    else:
        del tables["junction"]
    path = tmp_path / f"{package}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("package", "edit", "found"),
    [
        ("pandapower", "number", "a pandapower network whose tables cannot be mapped ("),
        ("pandapower", "empty", "a pandapower network without buses"),
        ("pandapipes", "missing", "a pandapipes network whose tables cannot be mapped ("),
    ],
)
def test_a_network_file_whose_tables_cannot_be_mapped_is_a_located_error(
    tmp_path: Path, package: str, edit: str, found: str
) -> None:
    """A table that is a number raised AttributeError; an empty bus table gave an empty
    model and exit 0; a missing junction table raised AttributeError."""
    path = _panda_file(tmp_path, package, edit)
    out = tmp_path / "out"
    code, _, stderr = fuzzing.run_cli("import-network", package, str(path), "--out", str(out))
    assert code == 2
    assert stderr.startswith(f"{path}: found {found}")
    assert not out.exists()


def test_ensemble_specification_errors_name_the_file(tmp_path: Path) -> None:
    """``unknown ensemble key(s): x`` said neither which file nor where."""
    from vitaal.engine.ensemble import read_ensemble_spec

    path = tmp_path / "ensemble.yaml"
    path.write_text("n_scenarios: 10\nfloods: {}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=rf"^{path}: unknown ensemble key\(s\): floods$"):
        read_ensemble_spec(path)
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="found a list, expected a mapping of ensemble"):
        read_ensemble_spec(path)
    path.write_text("n_scenarios: 10\nseed: 4\n", encoding="utf-8")
    spec = read_ensemble_spec(path, {"n_scenarios": 5})
    assert (spec.n_scenarios, spec.seed) == (5, 4)


def test_a_layer_of_records_without_geometry_holds_each_record_once(tmp_path: Path) -> None:
    """The GeoPackage writer wrote each record of a layer without any geometry twice (the
    reader's duplicate check found it on an EPANET import's placeholder power supply)."""
    import dataclasses

    import pyogrio

    from vitaal.io import read_model
    from vitaal.io.gis import read_gis, write_gis

    model = read_model(fuzzing.TINY)
    for cid, comp in model.components.items():
        if model.system_of(cid) == "telecom":
            model.components[cid] = dataclasses.replace(comp, geometry=None)
    path = write_gis(model, tmp_path / "city.gpkg")
    telecom = [c for c in model.components if model.system_of(c) == "telecom"]
    frame = pyogrio.read_dataframe(path, layer="components_telecom")
    assert sorted(frame["id"]) == sorted(telecom)
    assert read_gis(path) == model


def test_an_empty_csv_table_is_an_error_not_an_empty_table(tmp_path: Path) -> None:
    """A CSV file cut to nothing read as a table without records: its records vanished."""
    import shutil

    folder = Path(shutil.copytree(fuzzing.TINY, tmp_path / "tiny"))
    (folder / "requirements.csv").write_bytes(b"")
    code, _, stderr = fuzzing.run_cli("validate", str(folder), "--strict")
    assert code == 2
    assert (
        "requirements.csv:1: found an empty file, expected a first row naming the columns of "
        "requirements"
    ) in stderr


@pytest.mark.parametrize("raster", ["/etc/passwd", "../../outside.tif", "hazards/../../x.tif"])
def test_a_raster_outside_the_model_folder_is_refused(tmp_path: Path, raster: str) -> None:
    """A scenario's ``raster:`` could name any file on the machine, and the cascade opened it."""
    import shutil

    folder = Path(shutil.copytree(fuzzing.TINY, tmp_path / "tiny"))
    path = folder / "scenarios" / "flood.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    time_h: 2\n", f"    time_h: 2\n    raster: {raster}\n"
    )
    path.write_text(text, encoding="utf-8")
    code, _, stderr = fuzzing.run_cli("validate", str(folder))
    assert code == 2
    assert (
        f"scenarios/flood.yaml:11: raster: found '{raster}', expected a raster file inside the "
        "model folder (a path relative to it)"
    ) in stderr


@pytest.mark.parametrize(
    ("doc", "found"),
    [
        ({"type": "FeatureCollection", "features": 7}, "features: found 7, expected a list"),
        (
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1]}]},
            "areas.geojson#1: properties: found [1], expected a mapping",
        ),
        (
            {"type": "FeatureCollection", "crs": {"properties": True}, "features": []},
            None,
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "a", "name": "A"},
                        "geometry": {"type": "Point", "coordinates": [10**400, 1]},
                    }
                ],
            },
            "areas.geojson#1: geometry: found an unreadable geometry, expected GeoJSON",
        ),
    ],
    ids=["features-a-number", "properties-a-list", "crs-properties-not-a-mapping", "huge"],
)
def test_geojson_of_the_wrong_shape_is_a_located_error(
    tmp_path: Path, doc: object, found: str | None
) -> None:
    """TypeError, ValueError, AttributeError and OverflowError escaped the GeoJSON reader."""
    import shutil

    from vitaal.io.folder import load_model

    folder = Path(shutil.copytree(fuzzing.TINY, tmp_path / "tiny"))
    (folder / "areas.geojson").write_text(json.dumps(doc), encoding="utf-8")
    _, problems = load_model(folder)
    mine = [str(p) for p in problems if p.loc is not None and "geojson" in p.loc.file]
    assert mine == ([] if found is None else [mine[0]])
    if found is not None:
        assert found in mine[0]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("- id: p1\n  title: Plan\n  description: 2026-13-45\n", "a value YAML cannot build ("),
        ("- id: p1\n  title: " + "9" * 6000 + "\n", "a value YAML cannot build ("),
        ("\n# nothing here yet\n\n", "an empty file"),
    ],
    ids=["date-out-of-range", "6000-digits", "empty"],
)
def test_yaml_that_cannot_be_built_or_is_empty_is_a_located_error(
    tmp_path: Path, text: str, found: str
) -> None:
    """A date PyYAML cannot build and an integer over Python's 4,300 digits raised ValueError;
    a table file cut to nothing read as a table without records."""
    import shutil

    folder = Path(shutil.copytree(fuzzing.TINY, tmp_path / "tiny"))
    (folder / "plans.yaml").write_text(text, encoding="utf-8")
    code, _, stderr = fuzzing.run_cli("validate", str(folder))
    assert code == 2
    assert f"plans.yaml:1: found {found}" in stderr or f"plans.yaml: found {found}" in stderr


def test_an_inp_file_that_wntr_reads_into_a_broken_network_is_a_located_error(
    tmp_path: Path,
) -> None:
    """A ``[JUNCTIONS]`` header under ``[QUALITY]`` makes WNTR list the reservoir among the
    junctions; the mapping raised AttributeError."""
    text = fuzzing._net1().replace("[QUALITY]\n", "[QUALITY]\n[JUNCTIONS]\n", 1)
    path = _net1(tmp_path, text)
    code, _, stderr = fuzzing.run_cli("import-epanet", str(path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert stderr.startswith(f"{path}: found an EPANET network whose tables cannot be mapped (")
    assert not (tmp_path / "o").exists()


def test_an_infinite_demand_is_an_error_and_an_infinite_coordinate_no_geometry(
    tmp_path: Path,
) -> None:
    """A demand of Infinity gave a model with a peak load 'inf m3/h', and a coordinate of
    10**400 a line with an infinite point: both written, exit 0, invalid."""
    from vitaal.io.epanet import import_epanet

    net = fuzzing._net1()
    demand = net.replace(" 13              \t695         \t100", " 13  \t695  \tInfinity", 1)
    assert demand != net
    with pytest.raises(ModelError) as exc:
        import_epanet(_net1(tmp_path, demand))
    assert "junction '13' has a demand that is not a finite number" in _problem(exc)

    far = net.replace("\n31              \t30.000", "\n31\t1" + "0" * 400, 1)
    assert far != net
    imp = import_epanet(_net1(tmp_path, far))
    assert imp.model.components["wn-net-junction-31"].geometry is None
    pipes_at_31 = [c for c in imp.model.components.values() if c.id.startswith("wn-net-pipe-31")]
    assert pipes_at_31
    assert all(c.geometry is None for c in pipes_at_31)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("seed: " + "9" * 30 + "\n", "seed must be a whole number from 0 to 2**63 - 1"),
        ("n_scenarios: 1.0e+400\n", "n_scenarios: found inf, expected a whole number"),
        ("hazards:\n  heat: {return_periods: 5}\n", "heat.return_periods: found 5, expected a"),
        ("hazards:\n  heat: {share: [1, 2]}\n", "heat.share: found [1, 2], expected a number"),
        ("hazards:\n  random: {share: 1.0e+308}\n", "shares must be between 0 and 1e9"),
    ],
    ids=["seed-too-large", "infinite-count", "list-as-number", "number-as-list", "huge-share"],
)
def test_ensemble_settings_of_the_wrong_type_or_size_are_located_errors(
    tmp_path: Path, text: str, found: str
) -> None:
    """OverflowError and TypeError escaped the specification or the sampler."""
    from vitaal.engine.ensemble import read_ensemble_spec

    path = tmp_path / "ensemble.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_ensemble_spec(path)
    assert str(exc.value).startswith(f"{path}: ")
    assert found in str(exc.value)


def test_a_network_element_index_too_large_for_an_id_is_a_located_error(tmp_path: Path) -> None:
    """An index of 1e300 made an id over 200 characters: a model with errors, exit 0."""
    doc = json.loads(fuzzing._panda_text("pandapower"))
    table = json.loads(doc["_object"]["load"]["_object"])
    table["index"][0] = 1e300
    doc["_object"]["load"]["_object"] = json.dumps(table)
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = fuzzing.run_cli("import-network", "pandapower", str(path), "--out", str(out))
    assert code == 2
    assert "is too large for an id" in stderr
    assert stderr.startswith(f"{path}: found a pandapower network whose tables cannot be mapped")
    assert not out.exists()
