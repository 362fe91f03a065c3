"""Grid congestion read from the components' published status, not from their load.

On the hand-made model (tests/method/handmade.py): plan-lights adds 0.5 MW to area-b from 2027,
all through ss2 (5 MW, measured 1 MW) and gs (10 MW, measured 8 MW). In 2035 ss2 carries 1.5 MW
(30 %) and gs 8.5 MW (85 %, under the 90 % headroom margin): nothing of the load flags.
plan-school adds 1.5 MW to area-a from 2030 through ss1 (5 MW, measured 4 MW): 5.5 MW, over its
capacity in 2030: above the 90 % margin (orange headroom), and with a lead time of 6 years
(2030 before 2026 + 6) red capacity_before_lead_time.
"""

from __future__ import annotations

import dataclasses

from vitaal.method.scenario_run import run_scenario
from vitaal.model import Scenario, ScenarioKind
from vitaal.model.enums import CongestionStatus
from vitaal.model.model import Model

from .handmade import build


def _growth(*plans: str) -> Scenario:
    return Scenario(id="g", name="growth", kind=ScenarioKind.GROWTH, year=2035, plans=plans)


def _with_status(model: Model, cid: str, **status: object) -> Model:
    comps = dict(model.components)
    comps[cid] = dataclasses.replace(comps[cid], congestion_ref="notice", **status)
    return dataclasses.replace(model, components=comps)


def _power(model: Model, scenario: Scenario):  # type: ignore[no-untyped-def]
    return next(f for f in run_scenario(model, scenario).flags if f.system == "power")


def test_load_alone_raises_no_flag_here() -> None:
    flag = _power(build(), _growth("plan-lights"))
    assert flag.colour == "green"
    assert flag.evidence["waiting_list"] == []


def test_a_waiting_list_on_the_loaded_station_is_an_orange_flag() -> None:
    model = _with_status(build(), "ss2", waiting_list=True, congestion_until=2029)
    flag = _power(model, _growth("plan-lights"))
    assert (flag.colour, flag.rule) == ("orange", "waiting_list")
    assert flag.evidence["waiting_list"] == ["ss2"]
    assert flag.evidence["waiting_list_until"] == 2029
    assert "waiting list" in flag.rule_text["en"]
    assert "wachtlijst" in flag.rule_text["nl"]


def test_an_orange_or_red_map_colour_counts_as_a_waiting_list() -> None:
    for colour, waits in (
        (CongestionStatus.RED, True),
        (CongestionStatus.ORANGE, True),
        (CongestionStatus.YELLOW, False),
        (CongestionStatus.NONE, False),
    ):
        model = _with_status(build(), "ss2", congestion=colour)
        flag = _power(model, _growth("plan-lights"))
        assert (flag.rule == "waiting_list") is waits, colour
        assert flag.evidence["waiting_list"] == (["ss2"] if waits else [])


def test_a_station_the_scenario_does_not_load_is_not_its_waiting_list() -> None:
    # ss1 waits, but plan-lights loads only area-b (ss2 and gs)
    model = _with_status(build(), "ss1", waiting_list=True)
    flag = _power(model, _growth("plan-lights"))
    assert flag.colour == "green"
    assert flag.evidence["waiting_list"] == []


def test_a_waiting_list_is_said_before_a_computed_lack_of_headroom() -> None:
    plain = _power(build(), _growth("plan-school"))
    # ss1 at 5.5 / 5 = 110 % and gs at 9.5 / 10 = 95 % in 2035: both above the 90 % margin
    assert (plain.colour, plain.rule) == ("orange", "headroom")
    assert plain.evidence["above_margin"] == 2
    model = _with_status(build(), "ss1", waiting_list=True)
    flag = _power(model, _growth("plan-school"))
    assert (flag.colour, flag.rule) == ("orange", "waiting_list")
    assert flag.evidence["waiting_list"] == ["ss1"]
    assert flag.evidence["above_margin"] == 2
    assert flag.evidence["waiting_list_until"] is None


def test_a_red_capacity_flag_says_the_waiting_list_from_the_status() -> None:
    # with a lead time of 6 years, ss1 running out in 2030 is before 2026 + 6: red
    slow = build()
    comps = dict(slow.components)
    comps["ss1"] = dataclasses.replace(comps["ss1"], lead_time_y=6)
    slow = dataclasses.replace(slow, components=comps)
    plain = _power(slow, _growth("plan-school"))
    assert (plain.colour, plain.rule) == ("red", "capacity_before_lead_time")
    assert "waiting list" not in plain.rule_text["en"]
    flag = _power(
        _with_status(slow, "ss1", waiting_list=True, congestion_until=2031), _growth("plan-school")
    )
    assert (flag.colour, flag.rule) == ("red", "capacity_before_lead_time")
    assert flag.rule_text["en"] == (
        plain.rule_text["en"] + "; new large connections wait on a published waiting list at 1 "
        "of the components the scenario loads, until about 2031"
    )
    assert flag.rule_text["nl"] == (
        plain.rule_text["nl"] + "; nieuwe grote aansluitingen wachten op een gepubliceerde "
        "wachtlijst bij 1 van de onderdelen die het scenario belast, tot ongeveer 2031"
    )


def test_no_end_year_is_given_when_one_waiting_list_has_none() -> None:
    model = _with_status(build(), "ss1", waiting_list=True, congestion_until=2031)
    model = _with_status(model, "gs", waiting_list=True)
    comps = dict(model.components)
    comps["ss1"] = dataclasses.replace(comps["ss1"], lead_time_y=6)
    model = dataclasses.replace(model, components=comps)
    flag = _power(model, _growth("plan-school"))
    assert flag.evidence["waiting_list"] == ["gs", "ss1"]
    assert flag.evidence["waiting_list_until"] is None
    assert flag.rule_text["en"].endswith(
        "; new large connections wait on a published waiting list at 2 of the components the "
        "scenario loads"
    )
