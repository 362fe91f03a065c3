"""A scenario run with restoration, read from model files: repair times from the event or the
kind's data, conditions from the scenario, impact up to restoration."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from vitaal.engine.restoration import restoration_times
from vitaal.errors import ModelError
from vitaal.io.folder import read_model
from vitaal.method.scenario_run import run_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def _with_scenario(tmp_path: Path, text: str, rain_only: bool = False) -> Path:
    """A copy of the tiny model with scenario ``cut``; ``rain_only``: the treatment plant's
    need of control holds only in the rain, with no buffer."""
    folder = tmp_path / "m"
    shutil.copytree(TINY, folder)
    (folder / "scenarios" / "cut.yaml").write_text(text, encoding="utf-8")
    if rain_only:
        path = folder / "requirements.csv"
        head, *rows = path.read_text(encoding="utf-8").splitlines()
        rows = ["wtp-1,control,0,1,,,,rain" if r.startswith("wtp-1,control,") else r + ","
                for r in rows]  # fmt: skip
        path.write_text("\n".join([head + ",condition", *rows]) + "\n", encoding="utf-8")
    return folder


def test_an_event_repair_time_ends_the_outage(tmp_path: Path) -> None:
    """Substation ss-1 is out from 0 and repaired after 6 h (the event says so); a substation
    restarts in the data's restart time. Area north has a backup (ss-2) and keeps power; the
    hospital, fed only by ss-1, is without power from the end of its buffer to ss-1's return,
    not to the horizon."""
    folder = _with_scenario(
        tmp_path,
        "id: cut\nname: Cut\nhorizon_h: 48\nevents:\n  - {target: ss-1, time_h: 0, repair_h: 6}\n",
    )
    model = read_model(folder)
    run = run_scenario(model, "cut")
    back = 6 + restoration_times().restart_h("substation")
    assert run.process.outages_of("ss-1") == [(0.0, back)]
    # without its own repair time the event takes the kind's (restoration.yaml)
    default = _with_scenario(
        tmp_path / "d", "id: cut\nname: Cut\nhorizon_h: 48\nevents:\n  - {target: ss-1}\n"
    )
    kind = restoration_times()
    back_kind = kind.repair_h("substation", hazard=False) + kind.restart_h("substation")
    assert run_scenario(read_model(default), "cut").process.outages_of("ss-1") == [(0.0, back_kind)]
    # a closure without a repair time lasts to the horizon
    forever = _with_scenario(
        tmp_path / "b",
        "id: cut\nname: Cut\nhorizon_h: 48\nevents:\n  - {target: ss-1, kind: closure}\n",
    )
    run2 = run_scenario(read_model(forever), "cut")
    assert run2.process.outages_of("ss-1") == [(0.0, math.inf)]
    # the JSON gives each failed node when it came back, and each system its recovery curve
    data = run.as_dict(model)
    ss1 = next(n for n in data["nodes"] if n["id"] == "ss-1")
    assert (ss1["fail_time_h"], ss1["back_h"]) == (0.0, back)
    curve = data["recovery"]["electricity"]
    assert curve["times_h"][-1] == back
    assert curve["working"][-1] == 1.0
    assert min(curve["working"]) < 1.0
    total = sum(run.impact.person_hours.values())
    total2 = sum(run2.impact.person_hours.values())
    assert total < total2


def test_a_condition_in_the_files_limits_a_need_to_its_interval(tmp_path: Path) -> None:
    """The treatment plant's need of power is made a rain-only need (a stand-in for a
    pumping station); the grid is cut for good. Without rain in the scenario the plant keeps
    working; with rain from 3 to 5 h it is down from 3 (no buffer) and back when the rain
    ends, after its restart."""
    dry = _with_scenario(
        tmp_path / "dry",
        "id: cut\nname: Cut\nhorizon_h: 24\nevents:\n  - {target: scada-1}\n",
        rain_only=True,
    )
    model = read_model(dry)
    assert model.requirements["wtp-1|control"].condition == "rain"
    assert run_scenario(model, "cut").process.outages_of("wtp-1") == []
    wet = _with_scenario(
        tmp_path / "wet",
        "id: cut\nname: Cut\nhorizon_h: 24\nevents:\n  - {target: scada-1}\n"
        "conditions: {rain: [[3, 5]]}\n",
        rain_only=True,
    )
    run = run_scenario(read_model(wet), "cut")
    back = 5 + restoration_times().restart_h("treatment_plant")
    assert run.process.outages_of("wtp-1") == [(3.0, back)]


def test_conditions_that_overlap_are_a_located_error(tmp_path: Path) -> None:
    folder = _with_scenario(
        tmp_path, "id: cut\nname: Cut\nevents: []\nconditions: {rain: [[3, 5], [4, 6]]}\n"
    )
    with pytest.raises(ModelError) as info:
        read_model(folder)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "cut.yaml" in text
    assert "not overlapping" in text
