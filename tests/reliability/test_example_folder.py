"""The bundled example is a plain folder a user can copy to start a model of their own, and
the package finds it both in a source checkout (editable install) and inside a wheel."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from tests.cli_helpers import run
from vitaal.errors import VitaalError
from vitaal.examples import example_names, example_path

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_is_a_real_folder_without_links() -> None:
    folder = ROOT / "examples" / "rotterdam"
    assert folder.is_dir()
    assert not folder.is_symlink()
    links = [p for p in folder.rglob("*") if p.is_symlink()]
    assert links == []
    assert example_path("rotterdam") == folder


def test_a_copy_of_the_example_is_a_sound_model(tmp_path: Path) -> None:
    """Copied as a shell's `cp -r` copies (links kept as links), the copy validates."""
    copy = Path(shutil.copytree(ROOT / "examples" / "rotterdam", tmp_path / "my-city", True))
    result = run("validate", str(copy))
    assert result.exit_code == 0, result.stderr
    assert "no errors" in result.stdout


def test_the_wheel_carries_every_example_inside_the_package() -> None:
    """``example:NAME`` finds a wheel's examples in ``vitaal/examples/NAME``: pyproject's
    force-include must put each folder of ``examples/`` there."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    forced = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    folders = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())
    assert folders == example_names() == ["rotterdam"]
    assert forced == {f"examples/{name}": f"vitaal/examples/{name}" for name in folders}


@pytest.mark.parametrize("name", ["../../tests/data/tiny", "nowhere", "/etc"])
def test_an_example_name_that_is_no_example_is_refused(name: str) -> None:
    with pytest.raises(VitaalError, match="no bundled example"):
        example_path(name)
