"""The year an area's present building began: read, written, checked."""

from __future__ import annotations

from pathlib import Path

from vitaal.io.folder import load_model, read_model, write_model
from vitaal.model.validate import validate_model


def _with_built_from(tiny: Path, north: str, south: str = "") -> None:
    path = tiny / "areas.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",built_from"]
    for ln in lines[1:]:
        out.append(ln + "," + (north if ln.startswith("area-north,") else south))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_built_from_round_trips(tiny: Path, tmp_path: Path) -> None:
    _with_built_from(tiny, "1962")
    model = read_model(tiny)
    assert model.areas["area-north"].built_from == 1962
    assert model.areas["area-south"].built_from is None
    again, problems = load_model(write_model(model, tmp_path / "out"))
    assert problems == []
    assert again == model


def test_built_from_after_the_base_year_is_an_error(tiny: Path) -> None:
    _with_built_from(tiny, "2031")
    model, problems = load_model(tiny)
    assert problems == []
    got = [(p.field, p.found) for p in validate_model(model) if p.record == "area-north"]
    assert got == [("built_from", "2031")]
