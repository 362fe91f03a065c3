"""The ``vitaal`` command through its entry point: exit codes, messages and JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.cli_helpers import edit, run

from vitaal.cli.main import cli

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
VITAAL = Path(sys.executable).parent / "vitaal"


# -- help ---------------------------------------------------------------------------------
def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("validate", "info", "import", "export", "diff"):
        assert command in result.output
    assert "example:rotterdam" in result.output


@pytest.mark.parametrize("command", ["validate", "info", "import", "export", "diff"])
def test_help_of_each_command(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"Usage: vitaal {command}" in result.output


# -- validate -----------------------------------------------------------------------------
def test_validate_clean_model_exits_0() -> None:
    result = run("validate", str(TINY))
    assert result.exit_code == 0
    assert result.stdout.strip() == "Tiny town: 44 records, no errors"
    assert result.stderr == ""


def test_validate_acceptance_three_problems_exit_2(tiny: Path) -> None:
    # one supplier id misspelt, one negative capacity, one unit mismatch
    edit(tiny, "supply.csv", "gs-1,ss-1,electricity", "gs-l,ss-1,electricity")
    edit(
        tiny,
        "components/grid.csv",
        "electricity: 40 MW,electricity: 30 MW",
        "electricity: -40 MW,electricity: 30 MW",
    )
    edit(tiny, "components/water.yaml", "{drinking_water: 800 m3/h}", "{drinking_water: 800 MW}")
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines == [
        (
            "components/grid.csv:3 [ss-1]: capacity: found electricity: -40 MW, "
            "expected a capacity of 0 or more"
        ),
        (
            "components/water.yaml:14 [tower-1]: capacity: found 800 MW for drinking_water, "
            "a power, expected a volume flow like m3/h (unit mismatch)"
        ),
        "supply.csv:2: supplier: found 'gs-l' (an unknown id), expected an existing component id",
        "3 error(s), 0 warning(s)",
    ]
    assert result.stdout == ""


def test_validate_json(tiny: Path) -> None:
    edit(tiny, "supply.csv", "gs-1,ss-1,electricity", "gs-l,ss-1,electricity")
    edit(tiny, "stores.csv", "tower-1,drinking_water,6", "tower-1,drinking_water,-6")
    result = run("validate", str(tiny), "--json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc == {
        "ok": False,
        "problems": [
            {
                "file": "stores.csv",
                "line": 2,
                "record": None,
                "field": "autonomy_h",
                "found": "'-6'",
                "expected": "a number >= 0",
                "severity": "error",
            },
            {
                "file": "supply.csv",
                "line": 2,
                "record": None,
                "field": "supplier",
                "found": "'gs-l' (an unknown id)",
                "expected": "an existing component id",
                "severity": "error",
            },
        ],
    }


def test_validate_json_clean() -> None:
    result = run("validate", str(TINY), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "problems": []}


def test_validate_strict_counts_warnings(tiny: Path) -> None:
    # a carrier without capacity is a warning
    edit(tiny, "components/water.yaml", "  capacity: {drinking_water: 3000 m3/h}\n", "")
    lenient = run("validate", str(tiny))
    assert lenient.exit_code == 0
    assert "warning: capacity: found no capacity for drinking_water" in lenient.stderr
    assert "0 error(s), 1 warning(s)" in lenient.stderr
    strict = run("validate", str(tiny), "--strict")
    assert strict.exit_code == 2
    assert "0 error(s), 1 warning(s)" in strict.stderr
    doc = json.loads(run("validate", str(tiny), "--strict", "--json").stdout)
    assert doc["ok"] is False
    assert [p["severity"] for p in doc["problems"]] == ["warning"]
    assert json.loads(run("validate", str(tiny), "--json").stdout)["ok"] is True


def test_validate_cycle_of_power_and_control_is_clean(tiny: Path) -> None:
    path = tiny / "supply.csv"
    path.write_text(path.read_text() + "scada-1,gs-1,control,primary\n", encoding="utf-8")
    assert run("validate", str(tiny)).exit_code == 0


@pytest.mark.parametrize(
    ("rel", "content", "message"),
    [
        ("plans.yaml", "- id: [plan\n", "plans.yaml:2: found invalid YAML"),
        (
            "supply.csv",
            'supplier,consumer,resource\n"gs-1,ss-1\n',
            "supply.csv:2: found malformed CSV",
        ),
        ("stores.csv", b"component\n\xff\n", "stores.csv: found bytes that are not UTF-8"),
    ],
)
def test_validate_malformed_file_is_a_problem_not_a_traceback(
    tiny: Path, rel: str, content: str | bytes, message: str
) -> None:
    path = tiny / rel
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    assert message in result.stderr


def test_validate_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run("validate", str(missing))
    assert result.exit_code == 2
    assert f"{missing}: found no such folder, expected a model folder" in result.stderr


def test_validate_version_of_a_folder_is_an_error() -> None:
    result = run("validate", str(TINY), "--version", "3")
    assert result.exit_code == 1
    assert "error: --version applies to a database, not to a model folder" in result.stderr


def test_unknown_example_is_an_error() -> None:
    result = run("validate", "example:atlantis")
    assert result.exit_code == 1
    assert "error: no bundled example 'atlantis'" in result.stderr


# -- info ---------------------------------------------------------------------------------
def test_info_table() -> None:
    result = run("info", str(TINY))
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[0] == "Tiny town  (base year 2026, EPSG:28992)"
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in out.splitlines() if line.startswith("│")}  # fmt: skip
    assert rows == {
        "Electricity (electricity)": [
            "Grid company", "1", "3", "electricity 100 MW", "-", "0/2", "1",
        ],
        "Drinking water (water)": [
            "Water company", "1", "3", "drinking_water 5,000 m3/h", "electricity, telecom",
            "2/0", "1",
        ],
        "Telecom (telecom)": ["-", "1", "1", "control 1 service", "electricity", "1/1", "0"],
    }  # fmt: skip
    assert (
        "3 systems, 3 subsystems, 7 components, 2 service areas (20,000 people, 9,100 homes), "
        "1 critical functions, 15 supply links, 1 couplings"
    ) in out
    assert "scenarios: flood" in out
    assert "plans: plan-harbour" in out


def test_info_json() -> None:
    # worked out by hand from tests/data/tiny: producers are the suppliers of a resource that
    # need none of it (gs-1 for electricity, wtp-1 for water, scada-1 for control)
    result = run("info", str(TINY), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "name": "Tiny town",
        "base_year": 2026,
        "crs": "EPSG:28992",
        "systems": [
            {
                "id": "electricity",
                "name": "Electricity",
                "owner": "Grid company",
                "subsystems": 1,
                "components": 3,
                "capacity": {"electricity": {"value": 100.0, "unit": "MW"}},
                "depends_on": [],
                "dependents": ["telecom", "water"],
                "links_in": 0,
                "links_out": 2,
                "couplings": 1,
            },
            {
                "id": "water",
                "name": "Drinking water",
                "owner": "Water company",
                "subsystems": 1,
                "components": 3,
                "capacity": {"drinking_water": {"value": 5000.0, "unit": "m3/h"}},
                "depends_on": ["electricity", "telecom"],
                "dependents": [],
                "links_in": 2,
                "links_out": 0,
                "couplings": 1,
            },
            {
                "id": "telecom",
                "name": "Telecom",
                "owner": None,
                "subsystems": 1,
                "components": 1,
                "capacity": {"control": {"value": 1.0, "unit": "service"}},
                "depends_on": ["electricity"],
                "dependents": ["water"],
                "links_in": 1,
                "links_out": 1,
                "couplings": 0,
            },
        ],
        "totals": {
            "systems": 3,
            "subsystems": 3,
            "components": 7,
            "areas": 2,
            "critical_functions": 1,
            "population": 20000,
            "homes": 9100,
            "supply_links": 15,
            "requirements": 4,
            "stores": 1,
            "couplings": 1,
            "resources": 3,
        },
        "scenarios": [{"id": "flood", "name": "Flood outside the dikes"}],
        "plans": [{"id": "plan-harbour", "title": "Harbour quarter"}],
    }


def test_info_of_a_model_with_errors_exits_2(tiny: Path) -> None:
    edit(tiny, "supply.csv", "ss-1,wtp-1,electricity", "ss-l,wtp-1,electricity")
    result = run("info", str(tiny))
    assert result.exit_code == 2
    assert "supply.csv:9: supplier: found 'ss-l'" in result.stderr
    assert result.stdout == ""


def test_info_missing_folder(tmp_path: Path) -> None:
    result = run("info", str(tmp_path / "nowhere"), "--json")
    assert result.exit_code == 2
    assert "found no such folder" in result.stderr
    assert result.stdout == ""


# -- the installed command ----------------------------------------------------------------
def test_installed_command_as_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    ok = subprocess.run(
        [str(VITAAL), "validate", str(TINY)], capture_output=True, text=True, env=env, check=False
    )
    assert ok.returncode == 0, ok.stderr
    assert "Tiny town: 44 records, no errors" in ok.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "vitaal.cli.main", "info", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert missing.returncode == 2
    assert "found no such folder" in missing.stderr
    assert "Traceback" not in missing.stderr + missing.stdout
    helped = subprocess.run(
        [sys.executable, "-m", "vitaal.cli.main", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert helped.returncode == 0
    assert "validate" in helped.stdout


# -- import, export, diff (through a SQLite store) ------------------------------------------
def test_import_export_round_trip(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'city.db'}"
    imported = run("import", str(TINY), "--db", db, "--author", "ann", "-m", "first")
    assert imported.exit_code == 0, imported.output
    assert f"imported Tiny town as version 1 into {db}" in imported.stdout
    out = tmp_path / "out"
    exported = run("export", str(out), "--db", db)
    assert exported.exit_code == 0, exported.output
    assert run("validate", str(out)).exit_code == 0
    same = run("diff", str(TINY), str(out))
    assert same.exit_code == 0
    assert "no differences" in same.stdout
    # the version in the database is a MODEL too
    assert run("validate", f"{db}#1").exit_code == 0
    assert json.loads(run("info", f"{db}#1", "--json").stdout)["totals"]["components"] == 7
    again = run("export", str(out), "--db", db)
    assert again.exit_code == 1
    assert "exists and is not empty" in again.stderr
    assert run("export", str(out), "--db", db, "--force").exit_code == 0


def test_import_of_a_model_with_errors_is_refused(tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "supply.csv", "ss-1,wtp-1,electricity", "ss-l,wtp-1,electricity")
    db = f"sqlite:///{tmp_path / 'city.db'}"
    result = run("import", str(tiny), "--db", db, "--author", "ann")
    assert result.exit_code == 2
    assert "supply.csv:9: supplier" in result.stderr


def test_missing_version_in_a_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'city.db'}"
    assert run("import", str(TINY), "--db", db, "--author", "ann").exit_code == 0
    result = run("info", f"{db}#5")
    assert result.exit_code == 1
    assert "has no version 5" in result.stderr


def test_diff_json_names_the_changed_field(tiny: Path) -> None:
    edit(tiny, "stores.csv", "tower-1,drinking_water,6", "tower-1,drinking_water,7")
    result = run("diff", str(TINY), str(tiny), "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["kinds"] == {
        "stores": {
            "added": [],
            "removed": [],
            "changed": [
                {
                    "key": "tower-1|drinking_water",
                    "fields": [{"field": "autonomy_h", "before": 6.0, "after": 7.0}],
                }
            ],
        }
    }


def test_diff_text_names_the_changed_field(tiny: Path) -> None:
    edit(tiny, "stores.csv", "tower-1,drinking_water,6", "tower-1,drinking_water,7")
    result = CliRunner().invoke(cli, ["diff", str(TINY), str(tiny)], prog_name="vitaal")
    assert result.exit_code == 1
    assert "~ stores tower-1|drinking_water" in result.stdout
    assert "autonomy_h: 6.0 -> 7.0" in result.stdout


def test_validate_acceptance_on_a_copy_of_the_bundled_example(tmp_path: Path) -> None:
    # the check, on the Rotterdam example itself: one supplier id misspelt, one
    # negative capacity, one unit mismatch -> exit 2, and exactly those three, with file and line
    import shutil

    from vitaal.examples import example_path

    copy = tmp_path / "rotterdam"
    shutil.copytree(example_path("rotterdam"), copy)
    edit(copy, "supply/electricity.csv", "el-ext-380,el-gs-krimpen,", "el-ext-38O,el-gs-krimpen,")
    comps = copy / "components" / "electricity.csv"
    lines = comps.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = [i for i, row in enumerate(lines) if row.startswith("el-sub-")][:2]
    lines[first] = lines[first].replace("electricity: ", "electricity: -", 1)
    cap = lines[second].split(",")[lines[0].split(",").index("capacity")]
    lines[second] = lines[second].replace(cap, cap.replace("MVA", "m3/h"), 1)
    comps.write_text("".join(lines), encoding="utf-8")
    result = run("validate", str(copy))
    assert result.exit_code == 2
    problems = [
        line for line in result.stderr.splitlines() if line.startswith(("components", "supply"))
    ]
    assert len(problems) == 3, result.stderr
    assert any(
        p.startswith(f"components/electricity.csv:{first + 1} ") and "a capacity of 0 or more" in p
        for p in problems
    )
    assert any(
        p.startswith(f"components/electricity.csv:{second + 1} ") and "unit mismatch" in p
        for p in problems
    )
    assert any(
        p.startswith("supply/electricity.csv:2: supplier: found 'el-ext-38O'") for p in problems
    )
    assert "3 error(s), 0 warning(s)" in result.stderr
