"""The seven steps of the hand-made model's subsystems, worked out by hand (see handmade.py)."""

from __future__ import annotations

from typing import Any

from tests.method.conftest import by_id


def steps_of(analysis: dict[str, Any], sub: str) -> list[dict[str, Any]]:
    return list(by_id(analysis["subsystems"])[sub]["steps"])


def test_seven_steps_everywhere(analysis: dict[str, Any]) -> None:
    for sub in analysis["subsystems"]:
        assert [s["step"] for s in sub["steps"]] == [1, 2, 3, 4, 5, 6, 7]
        assert all(set(s["title"]) == {"en", "nl"} for s in sub["steps"])


def test_profile(analysis: dict[str, Any]) -> None:
    p = steps_of(analysis, "grid")[0]
    # the hand-made model gives no Dutch profile: the Dutch text is the English one
    assert p["goal"] == {"en": "Power the town", "nl": "Power the town"}
    assert p["components"] == 3
    assert p["kinds"] == {"substation": 2, "grid_station_hv": 1}
    # served directly: area-a, area-b, hosp (500 + 2,000 people)
    assert (p["consumers_served"], p["people_served"]) == (3, 2500)
    assert p["supplies"] == ["electricity"]
    assert p["needs"] == ["electricity"]


def test_parts_waves_per_horizon(analysis: dict[str, Any]) -> None:
    parts = steps_of(analysis, "grid")[1]
    h = by_id(parts["horizons"], "horizon")
    # end of life: gs 2029 (short 2026-2031), ss1 2036 (medium 2032-2041), ss2 2050 (long)
    assert (h["overdue"]["end_of_life"], h["short"]["end_of_life"]) == (0, 1)
    assert (h["short"]["replacement_cost_eur"], h["short"]["max_lead_time_y"]) == (5e6, 4)
    assert (h["medium"]["replacement_cost_eur"], h["medium"]["components"]) == (1e6, ["ss1"])
    assert (h["long"]["replacement_cost_eur"], h["long"]["from_year"]) == (8e5, 2042)
    # exhaustion years in the envelope: ss1 2030 (short), gs 2032 (medium)
    assert (h["short"]["exhausted"], h["medium"]["exhausted"], h["long"]["exhausted"]) == (1, 1, 0)
    waves = [
        (w["year"], w["count"], w["replacement_cost_eur"], w["decide_by"])
        for w in parts["replacement_waves"]
    ]
    assert waves == [(2029, 1, 5e6, 2025), (2036, 1, 1e6, 2034), (2050, 1, 8e5, 2049)]
    assert parts["condition"]["2"] == 2
    assert parts["condition"]["3"] == 1
    top = parts["capacity"]["top"]
    # by exhaustion year: ss1 (2030) then gs (2032); ss1 peaks at 6.5 / 5 = 1.3 in 2035
    assert [(t["component"], t["exhausted_year"]) for t in top[:2]] == [("ss1", 2030), ("gs", 2032)]
    assert top[0]["utilisation_max"] == 1.3
    assert top[0]["utilisation_base"] == 0.8


def test_flows_and_challenges(analysis: dict[str, Any]) -> None:
    flows = steps_of(analysis, "pumps")[2]
    needs = by_id(flows["needs"], "resource")
    assert needs["control"]["from_systems"] == ["telecom"]
    assert needs["electricity"]["without_buffer"] == 1
    grid = steps_of(analysis, "grid")
    assert [s["id"] for s in grid[2]["side_outputs"]] == ["so-heat"]
    ch = grid[3]["challenges"][0]
    assert (ch["level"], ch["way_of_working"]) == ("strategic", "reis")


def test_coupling_single_points_of_failure(analysis: dict[str, Any]) -> None:
    c = steps_of(analysis, "grid")[4]
    spof = by_id(c["single_points_of_failure"], "component")
    # gs: ss1 and ss2 lose supply, so area-a, area-b and hosp are cut off (2,500 people);
    # ss1, ss2, pump fail at once, scada1 after its 2 h buffer.
    assert spof["gs"]["consumers_cut_off"] == 3
    assert spof["gs"]["people"] == 2500
    assert spof["gs"]["critical_functions"] == ["hosp"]
    assert spof["gs"]["systems_hit"] == ["power", "telecom", "water"]
    # ss1: area-a has no other supplier (2,000 people); hosp and area-b have backups
    assert (spof["ss1"]["consumers_cut_off"], spof["ss1"]["people"]) == (1, 2000)
    # after repair and restart (restoration.yaml): gs, a grid_station_hv, is back after
    # 336 + 2 h, past the 24 h horizon: all 2,500 people and the hospital (acute care: class
    # C at least) stay out, so it reaches the table's bar (agenda.yaml: class C); ss1, a
    # substation, is back after 8 + 0.5 h: 2,000 people (B) for 8.5 h, 17,000 person-hours
    # (B): class B, not on the table
    assert (spof["gs"]["back_h"], spof["gs"]["people_out"], spof["gs"]["on_table"]) == (
        338.0,
        2500,
        True,
    )
    assert (spof["ss1"]["back_h"], spof["ss1"]["people_out"], spof["ss1"]["on_table"]) == (
        8.5,
        2000,
        False,
    )
    # ss2 takes scada1 and the pump along, but no consumer: not a single point of failure
    assert "ss2" not in spof
    assert list(spof) == ["gs", "ss1"]  # by people
    assert c["depended_on_by"] == [
        {"subsystem": "pumps", "system": "water", "resource": "electricity", "links": 1},
        {"subsystem": "scada", "system": "telecom", "resource": "electricity", "links": 1},
    ]
    assert c["opportunities"][0]["usable_by"] == ["water"]
    assert [x["id"] for x in c["couplings"]] == ["cp-site", "cp-org"]


def test_impact_and_flags_steps(analysis: dict[str, Any]) -> None:
    grid = steps_of(analysis, "grid")
    imp = by_id(grid[5]["scenarios"], "scenario")
    # the fire starts in power (its first event), ss1 fails there
    assert imp["ss1-fire"]["failed_here"] == 1
    assert imp["ss1-fire"]["origin"] is True
    flags = by_id(grid[6]["scenarios"], "scenario")["ss1-fire"]["flags"]
    # the pump (water) fails with it: an orange flag in water; telecom stays green (left out)
    assert [(f["system"], f["colour"]) for f in flags] == [("water", "orange")]
