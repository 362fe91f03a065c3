"""Findings, orphan dossiers and the iceberg on the hand-made model."""

from __future__ import annotations

from typing import Any

from tests.method.conftest import by_id


def test_findings_levels_and_stations(analysis: dict[str, Any]) -> None:
    f = by_id(analysis["findings"])
    got = {
        k: (f[k]["level"], f[k]["way_of_working"], f[k]["station"])
        for k in (
            "challenge:ch-solar",
            "challenge:ch-pump",
            "unmanaged_coupling:cp-site",
            "single_point_of_failure:gs",
            "replacement:gs",
            "fitting_conflict:plan-school",
            "opportunity:so-heat",
            "contested_capacity:ss1|electricity",
        )
    }
    assert got == {
        "challenge:ch-solar": ("strategic", "reis", "intake"),
        "challenge:ch-pump": ("operational", "routine", "intake"),
        # ss2 (power) and scada1 (telecom): a coupling across systems
        "unmanaged_coupling:cp-site": ("tactical", "route", "cascade_check"),
        # gs takes four components along: several components
        "single_point_of_failure:gs": ("tactical", "route", "cascade_check"),
        # gs (end of life 2029) runs short and is a single point of failure: its replacement
        # is not like-for-like, so it is on the table (each table item is one finding)
        "replacement:gs": ("tactical", "route", "scope_advice"),
        "fitting_conflict:plan-school": ("operational", "routine", "fitting"),
        "opportunity:so-heat": ("tactical", "route", "coupling_opportunities"),
        "contested_capacity:ss1|electricity": ("tactical", "route", "capacity_distribution"),
    }
    assert f["replacement:gs"]["kind"] == "replacement"
    assert f["replacement:gs"]["data"]["issues"] == [
        "shortfall",
        "prerequisite",
        "single_point_of_failure",
    ]
    assert all(set(x["text"]) == {"en", "nl"} for x in analysis["findings"])
    sev = [x["severity"] for x in analysis["findings"]]
    assert sev == sorted(sev, reverse=True)


def test_orphans(analysis: dict[str, Any]) -> None:
    ice = analysis["iceberg"]
    # nobody owns the pumps (no owner on subsystem or system) nor the site coupling
    assert "challenge:ch-pump" in ice["orphans"]
    assert "unmanaged_coupling:cp-site" in ice["orphans"]
    assert "challenge:ch-solar" not in ice["orphans"]
    assert ice["unmanaged_couplings"] == [
        {
            "id": "cp-site",
            "kind": "co_location",
            "members": ["ss2", "scada1"],
            "systems": ["power", "telecom"],
        }
    ]


def test_missing_data(analysis: dict[str, Any]) -> None:
    miss = {
        (m["subsystem"], m["kind"]): m["components"] for m in analysis["iceberg"]["missing_data"]
    }
    # the pump has no condition, no end of life, no lead time; nothing else lacks data
    assert miss == {
        ("pumps", "no_condition"): ["pump"],
        ("pumps", "no_end_of_life"): ["pump"],
        ("pumps", "no_lead_time"): ["pump"],
    }


def test_uncertain_flags(analysis: dict[str, Any]) -> None:
    # the fire's orange water flag rests on the pump failing via ss1 > pump: a low-confidence
    # supply link; every other record on the chain has high confidence
    assert analysis["iceberg"]["uncertain_flags"] == [
        {
            "scenario": "ss1-fire",
            "system": "water",
            "colour": "orange",
            "record": "ss1>pump|electricity",
            "what": "supply_link",
            "confidence": "low",
        }
    ]
