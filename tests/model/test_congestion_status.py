"""A component's published grid congestion status, apart from its load: read, written, checked."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from vitaal.io.folder import load_model, read_model, write_model
from vitaal.model.enums import CongestionStatus
from vitaal.model.validate import validate_model

COLUMNS = ("congestion", "waiting_list", "congestion_until", "congestion_ref")


def _set_status(tiny: Path, cid: str, **cells: str) -> None:
    """Add the congestion columns to the tiny model's grid.csv, filled for ``cid``."""
    path = tiny / "components" / "grid.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = [*rows[0].keys(), *COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({**r, **(cells if r["id"] == cid else {})})


def test_congestion_status_is_read_apart_from_the_load_and_round_trips(
    tiny: Path, tmp_path: Path
) -> None:
    _set_status(
        tiny,
        "ss-1",
        congestion="red",
        waiting_list="yes",
        congestion_until="2029",
        congestion_ref="Grid operator notice 2024-11",
    )
    model = read_model(tiny)
    ss1 = model.components["ss-1"]
    assert ss1.congestion is CongestionStatus.RED
    assert ss1.waiting_list is True
    assert ss1.congestion_until == 2029
    assert ss1.congestion_ref == "Grid operator notice 2024-11"
    # the load stays what the file says (30 of 40 MW), whatever the status
    assert ss1.peak_load["electricity"].value == 30
    assert model.components["ss-2"].waiting_list is None
    out = write_model(model, tmp_path / "out")
    again, problems = load_model(out)
    assert problems == []
    assert again == model
    assert again.components["ss-1"].congestion is CongestionStatus.RED


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"waiting_list": "true"}, [("congestion_ref", "no source")]),
        (
            {"congestion_until": "2029", "congestion_ref": "notice"},
            [("congestion_until", "2029")],
        ),
        (
            {"congestion": "yellow", "waiting_list": "true", "congestion_ref": "notice"},
            [("waiting_list", "a waiting list where the map says yellow")],
        ),
        ({"congestion": "orange", "waiting_list": "true", "congestion_ref": "notice"}, []),
    ],
)
def test_a_status_without_source_or_at_odds_with_itself_is_reported(
    tiny: Path, cells: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    _set_status(tiny, "ss-1", **cells)
    model, problems = load_model(tiny)
    assert problems == []
    got = [(p.field, p.found) for p in validate_model(model) if p.record == "ss-1"]
    assert got == expected


def test_an_unknown_map_colour_is_an_error(tiny: Path) -> None:
    _set_status(tiny, "ss-1", congestion="purple", congestion_ref="notice")
    _, problems = load_model(tiny)
    assert [(p.field, p.found) for p in problems] == [("congestion", "'purple'")]
