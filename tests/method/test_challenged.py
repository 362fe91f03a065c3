"""Step 4 that bites, on the hand-made model of ``test_decisions.py`` (every number there).

A challenge on the gas mains, "the gas network is renewed when it is old, for another 50
years", broken by the neighbourhood South going gas-free, questions the like-for-like
replacements of gas mains that serve South: m1, m2 and m3 all feed South. By hand:

- the three replacements leave GasCo's ROUTINE list (a decision to reconsider, not to rush):
  ROUTINE keeps ss2 alone, and the table's agenda holds ss1 and the three mains, each main
  with the issue ``challenged`` naming the challenge;
- the decisions bundle the three into one, led by m1 (the most overdue: since 1990, 36
  years): "Reconsider 3 agenda item(s) ...", level strategic (the challenge's; the mains'
  own stake, EUR 100,000 each and nobody cut off, is operational), so REIS; its consequence
  stays A (nothing at stake but EUR 300,000), so it ranks after the three decisions of
  ``test_decisions.py``, which keep their places.

The same challenge for North (which no gas main serves) marks nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.method.test_decisions import _build
from vitaal.method.analysis import run_analysis
from vitaal.model import Model
from vitaal.model.enums import Level
from vitaal.model.records import Challenge
from vitaal.model.validate import validate_model


def _with_challenge(areas: tuple[str, ...], actions: tuple[str, ...] = ("replacement",)) -> Model:
    ch = Challenge(
        id="ch-gas-free",
        subsystem="mains",
        driver="Gas-free neighbourhoods",
        assumption="The gas network is renewed when it is old, for another 50 years",
        level=Level.STRATEGIC,
        actions=actions,
        kinds=("gas_main",),
        areas=areas,
    )
    return dataclasses.replace(_build(), challenges={ch.id: ch})


def _analysis(model: Model) -> dict[str, Any]:
    return run_analysis(model).as_dict()


def test_a_challenge_marks_what_rests_on_its_assumption() -> None:
    a = _analysis(_with_challenge(("south",)))
    agenda = a["agenda"]
    assert [i["id"] for i in agenda["routine_items"]] == ["replacement:ss2"]
    table = {i["id"]: i for i in agenda["items"]}
    assert sorted(table) == [
        "replacement:m1",
        "replacement:m2",
        "replacement:m3",
        "replacement:ss1",
    ]
    for m in ("m1", "m2", "m3"):
        it = table[f"replacement:{m}"]
        assert it["challenged_by"] == ["ch-gas-free"]
        assert [(i["code"], i["detail"]) for i in it["issues"]] == [("challenged", ["ch-gas-free"])]
    assert table["replacement:ss1"]["challenged_by"] == []
    dec = a["decisions"]["items"]
    assert [d["id"] for d in dec] == [
        "decision:single_point_of_failure:gs",
        "decision:replacement:ss1",
        "decision:single_point_of_failure:c1",
        "decision:replacement:m1",
    ]
    last = dec[-1]
    assert last["kind"] == "reconsider"
    assert last["title"]["en"] == (
        "Reconsider 3 agenda item(s) that rest on an assumption a challenge breaks: 'The gas "
        "network is renewed when it is old, for another 50 years' (Gas-free neighbourhoods)"
    )
    assert last["title"]["nl"].startswith("Heroverweeg 3 agendapunt(en)")
    assert last["items"] == ["replacement:m1", "replacement:m2", "replacement:m3"]
    assert (last["level"], last["way_of_working"], last["consequence"]) == (
        "strategic",
        "reis",
        "A",
    )
    assert (last["status"], last["years_overdue"], last["cost_eur"]) == ("overdue", 36, 300_000)
    assert last["challenges"] == ["ch-gas-free"]


def test_a_challenge_elsewhere_marks_nothing() -> None:
    a = _analysis(_with_challenge(("north",)))
    routine = sorted(i["id"] for i in a["agenda"]["routine_items"])
    assert routine == ["replacement:m1", "replacement:m2", "replacement:m3", "replacement:ss2"]
    assert [i["id"] for i in a["agenda"]["items"]] == ["replacement:ss1"]


def test_a_challenge_without_actions_marks_nothing() -> None:
    a = _analysis(_with_challenge(("south",), actions=()))
    assert len(a["agenda"]["routine_items"]) == 4


def test_validation_names_a_wrong_action_kind_area_and_plan() -> None:
    ch = Challenge(
        id="ch-x",
        subsystem="mains",
        driver="d",
        assumption="a",
        level=Level.TACTICAL,
        actions=("demolish",),
        kinds=("water_main",),
        areas=("nowhere",),
        plans=("plan-none",),
    )
    model = dataclasses.replace(_build(), challenges={ch.id: ch})
    problems = {(p.field, p.found) for p in validate_model(model)}
    assert {
        ("actions", "'demolish'"),
        ("kinds", "'water_main'"),
        ("areas", "'nowhere'"),
        ("plans", "'plan-none'"),
    } <= problems
