"""Model text printed to the terminal is shown as written: names holding rich markup such as
``[/x]`` or ``[bold]`` neither crash a command nor vanish from its output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import edit, run


@pytest.fixture
def marked(tiny: Path) -> Path:
    """The tiny model with markup in the model name, a system name, owners and a component."""
    edit(tiny, "model.yaml", "name: Tiny town", 'name: "Tiny [/x] town"')
    edit(tiny, "systems.yaml", "  name: Electricity\n", '  name: "Electricity [/]"\n')
    edit(
        tiny,
        "systems.yaml",
        "  owner: Water company\n  subsystems",
        '  owner: "Water [bold]co"\n  subsystems',
    )
    edit(tiny, "components/grid.csv", "gs-1,Grid station,", "gs-1,Grid [/red] station,")
    edit(tiny, "components/grid.csv", ",Grid company,water_depth", ',"Grid [b]co",water_depth')
    return tiny


def test_info_shows_names_with_markup_as_written(marked: Path) -> None:
    result = run("info", str(marked))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Tiny [/x] town  (base year 2026, EPSG:28992)\n")
    assert "Electricity [/] (electricity)" in result.stdout
    assert "Water [bold]co" in result.stdout


def test_capacity_shows_names_with_markup_as_written(marked: Path) -> None:
    result = run("capacity", str(marked))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Tiny [/x] town: capacity under no scenario (no growth), 2026-2050\n"
    )
    assert "Grid [/red] station (gs-1)" in result.stdout
    assert "Grid [b]co" in result.stdout


def test_cascade_and_run_show_names_with_markup_as_written(marked: Path, tmp_path: Path) -> None:
    """The scenario's name holds markup: `vitaal cascade` prints it as written (it stopped
    with a markup error before); `vitaal run` (the main job's summary and report) does not
    stop."""
    edit(marked, "scenarios/flood.yaml", "name: Flood outside the dikes",
         'name: "Flood [/x] outside"')  # fmt: skip
    result = run("cascade", str(marked), "--scenario", "flood")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Flood [/x] outside (flood): horizon")
    done = run("run", str(marked), "--out", str(tmp_path / "out"), "--lang", "en")
    assert done.exit_code == 0, done.output
