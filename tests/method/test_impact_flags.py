"""Impact indicator and cascade checker on the tiny model's flood, worked out by hand.

The tiny model (tests/data/tiny): grid station gs-1 feeds substations ss-1 and ss-2; area
north takes power from ss-1 (primary) and ss-2 (backup), area south from ss-2; the hospital
from ss-1 and ss-2 with a 48 h generator. Treatment plant wtp-1 (power from ss-1 with a 4 h
buffer, control from scada-1 with 12 h) feeds main-1, which feeds water tower tower-1 (a store
with 6 h autonomy), which feeds both areas and the hospital (no water buffer). gs-1 and wtp-1
share a flood zone.

Scenario "flood" (horizon 48 h): ss-2 fails at t=1 (event); at t=2 the flood polygon gives
gs-1 0.8 m of water, above its 0.3 m threshold, and the flood zone takes wtp-1 along.
- ss-1 loses gs-1 at 2 and fails at 2; area south has no power from 1, area north from 2.
- main-1 loses wtp-1 at 2; tower-1 supplies on from stock until 2 + 6 = 8; both areas and
  the hospital are without water from 8; the hospital (no water buffer) fails at 8.
- the hospital's power is gone from 2 but its generator lasts 48 h: beyond the horizon.
- scada-1 (2 h battery) fails at 4.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vitaal.io.folder import read_model
from vitaal.method.impact import assess_impact, class_of
from vitaal.method.scenario_run import run_scenario
from vitaal.model import Event
from vitaal.model.enums import ScenarioKind
from vitaal.model.model import Model

TINY = Path(__file__).parents[1] / "data" / "tiny"


@pytest.fixture(scope="module")
def model() -> Model:
    return read_model(TINY)


def test_class_of_uses_lower_bounds() -> None:
    bounds = [1000, 10000, 100000, 400000]
    assert class_of(0, bounds) == "A"
    assert class_of(999, bounds) == "A"
    assert class_of(1000, bounds) == "B"
    assert class_of(42000, bounds) == "C"
    assert class_of(400000, bounds) == "E"


def test_flood_impact_by_hand(model: Model) -> None:
    run = run_scenario(model, "flood")
    imp = run.impact
    # both areas lose power for more than an hour: 12,000 + 8,000 people
    assert imp.people_affected == 20000
    assert imp.people_by_service == {"electricity": 20000, "drinking_water": 20000}
    # south 8,000 x (48 - 1) + north 12,000 x (48 - 2); water 20,000 x (48 - 8)
    assert imp.person_hours["electricity"] == pytest.approx(8000 * 47 + 12000 * 46)
    assert imp.person_hours["drinking_water"] == pytest.approx(20000 * 40)
    assert imp.longest_outage_h["electricity"] == pytest.approx(47)
    assert [(f.id, f.fail_time_h, f.resource) for f in imp.critical_functions_lost] == [
        ("hosp-1", 8.0, "drinking_water")
    ]
    # jobs x longest outage x EUR 60; gs-1 was flooded but is repaired (a grid station's
    # hazard repair in restoration.yaml), so it is not replaced: no replacement cost counts
    job_hours = 2000 * 46 + 900 * 47
    assert imp.economic_loss_eur == pytest.approx(job_hours * 60)
    crit = {c.name: c.cls for c in imp.criteria}
    # 20,000 people: C; 928,000 person-hours: C; one acute-care function: floor C;
    # EUR 8.1 million: B; a flood adds no demand, so it refuses no one and is no year short
    assert crit == {
        "people_affected": "C",
        "person_hours": "C",
        "hindrance_hours": "A",
        "critical_functions": "C",
        "economic_loss": "B",
        "people_refused": "A",
        "years_short": "A",
    }
    assert imp.cls == "C"
    assert imp.decisive == "people_affected"
    assert imp.reason_text() == (
        "class C (serious) because 20,000 people lose electricity for up to 47 hours"
    )
    assert imp.reason_text("nl") == (
        "klasse C (ernstig) omdat 20.000 inwoners elektriciteit verliezen, tot 47 uur lang"
    )


def test_flood_flags_by_hand(model: Model) -> None:
    run = run_scenario(model, "flood")
    flags = {f.system: f for f in run.flags}
    el, water, tel = flags["electricity"], flags["water"], flags["telecom"]
    # electricity: 20,000 people without power for >= 4 h; the hospital's generator holds
    assert (el.colour, el.rule, el.order, el.onset_h, el.origin) == ("red", "people", 1, 1.0, True)
    assert [c.node for c in el.chain] == ["ss-2"]
    assert el.owners[0] == "Grid company"
    # water: the hospital loses drinking water at 8 h, beyond no buffer
    assert (water.colour, water.rule) == ("red", "critical_function")
    assert water.evidence["critical_functions_lost"] == ["hosp-1"]
    # the first water failure is wtp-1 at 2 h, order 1, taken along by the flood zone of gs-1
    assert (water.order, water.onset_h) == (1, 2.0)
    assert [c.node for c in water.chain] == ["wtp-1", "gs-1"]
    assert water.chain[0].cause == "common_cause"
    # telecom: scada-1 fails at 2 + 2 h battery = 4 h, order 2 (caused by ss-1's loss)
    assert (tel.colour, tel.rule, tel.onset_h) == ("orange", "failures", 4.0)
    assert tel.chain[0].node == "scada-1"
    assert tel.chain[0].resource == "electricity"


def test_untouched_and_opportunity_flags(model: Model) -> None:
    # no events at all: every system green; the grid station's waste heat is usable by the
    # water system, so a change originating in electricity (a growth scenario) opens an
    # opportunity there; a shock opens none, even one that names a year of demand
    import dataclasses

    quiet = dataclasses.replace(
        model.scenarios["flood"], events=(), hazards=(), origin_system="electricity"
    )
    change = dataclasses.replace(quiet, kind=ScenarioKind.GROWTH, year=model.info.base_year)
    run = run_scenario(model, change)
    got = {f.system: (f.colour, f.rule) for f in run.flags}
    assert got == {
        "electricity": ("green", "untouched"),
        "water": ("green", "opportunity"),
        "telecom": ("green", "untouched"),
    }
    assert run.impact.cls == "A"
    assert run.impact.people_affected == 0
    shock = run_scenario(model, dataclasses.replace(quiet, year=model.info.base_year))
    assert {f.rule for f in shock.flags} == {"untouched"}


def test_assess_impact_respects_thresholds_data(model: Model) -> None:
    run = run_scenario(model, "flood")
    spec = {
        "classes": {k: {"en": k, "nl": k} for k in "ABCDE"},
        "min_outage_h": 100,  # longer than the horizon: nobody counts as affected
        "criteria": {
            "people_affected": {"bounds": [1, 2, 3, 4]},
            "person_hours": {"bounds": [1e12, 1e13, 1e14, 1e15]},
            "critical_functions": {"bounds": [5, 6, 7, 8]},
            "economic_loss": {"bounds": [1e12, 1e13, 1e14, 1e15]},
        },
        "value_added_per_job_hour_eur": 0,
    }
    imp = assess_impact(model, run.compiled, run.cascade, thresholds=spec)
    assert imp.people_affected == 0
    assert imp.economic_loss_eur == pytest.approx(40_000_000)
    assert imp.cls == "A"


def _backup_without_room(model: Model, on_overload: str) -> Model:
    """The tiny model with ss-2 (area north's backup) at 10 MW: its own load (area south,
    3,600 homes and 900 jobs) fits, but not area north's 5,500 homes and 2,000 jobs on top."""
    import dataclasses

    from vitaal.model import OnOverload, Scenario
    from vitaal.model.units import Quantity

    m = dataclasses.replace(model)
    m.components = dict(model.components)
    m.components["ss-2"] = dataclasses.replace(
        model.components["ss-2"], capacity={"electricity": Quantity(10, "MW")}
    )
    m.resources = dict(model.resources)
    m.resources["electricity"] = dataclasses.replace(
        model.resources["electricity"], on_overload=OnOverload(on_overload)
    )
    m.scenarios = dict(model.scenarios)
    m.scenarios["ss1-out"] = Scenario(
        id="ss1-out", name="ss-1 out", events=(Event(target="ss-1", time_h=0.0),),
        horizon_h=24,
    )  # fmt: skip
    return m


def test_backup_without_room_fails_when_the_resource_fails_on_overload(model: Model) -> None:
    m = _backup_without_room(model, "fail")
    run = run_scenario(m, "ss1-out")
    # area north's load moves to ss-2 at t=0; 10 MW is not enough, ss-2 trips at once
    assert run.cascade.fail_time_of("ss-2") == 0.0
    assert run.cascade.step("ss-2").cause.name == "OVERLOAD"
    assert run.impact.people_by_service["electricity"] == 20000
    assert run.flags[0].evidence["congested"] == []  # it failed: not congested


def test_backup_without_room_congests_when_the_resource_congests(model: Model) -> None:
    m = _backup_without_room(model, "congest")
    run = run_scenario(m, "ss1-out")
    # ss-2 keeps working above its capacity: congestion, not failure; north keeps power
    assert run.cascade.fail_time_of("ss-2") == float("inf")
    assert "electricity" not in run.impact.people_by_service
    el = next(f for f in run.flags if f.system == "electricity")
    # at t=0 ss-2 carried south plus north and the hospital: above its 10 MW
    p = run.compiled.pair_of("ss-2", "electricity")
    assert run.cascade.peak_load is not None
    assert p is not None
    assert run.cascade.peak_load[p] > 10
    assert el.evidence["congested"] == ["ss-2"]
    # ss-1 itself failed, so the failures rule fires first
    assert (el.colour, el.rule) == ("orange", "failures")


def test_backup_without_room_sheds_the_area_and_keeps_the_hospital(model: Model) -> None:
    """ss-1 is out until its repair (a substation: 8 h, restart 0.5 h, restoration.yaml).
    Area north and the hospital move to ss-2, which has room for the hospital but not for
    north on top of its own area south: the hospital (a critical function) is served first,
    north is shed until ss-1 is back, and ss-2 keeps working."""
    from vitaal.engine.restoration import restoration_times

    m = _backup_without_room(model, "shed")
    run = run_scenario(m, "ss1-out")
    rest = restoration_times()
    back = rest.repair_h("substation", hazard=False) + rest.restart_h("substation")
    assert run.cascade.fail_time_of("ss-2") == float("inf")
    shed = [(run.compiled.node_ids[int(run.compiled.pair_node[q])], a, b)
            for q, a, b in run.process.shed]  # fmt: skip
    assert shed == [("area-north", 0.0, back)]
    assert run.process.losses_of("hosp-1", "electricity") == []
    assert run.process.losses_of("area-north", "electricity") == [(0.0, back)]
    assert run.impact.people_by_service["electricity"] == 12000
    assert run.impact.person_hours["electricity"] == 12000 * back


def test_rule_texts_format_numbers_per_language() -> None:
    from vitaal.method.flags import _text

    rule = {"en": "more than {n:,} people, {share:.1%}", "nl": "meer dan {n:,} mensen, {share:.1%}",
            "n": 10000, "share": 0.125}  # fmt: skip
    assert _text(rule) == {
        "en": "more than 10,000 people, 12.5%",
        "nl": "meer dan 10.000 mensen, 12,5%",
    }


def test_a_loss_bridged_by_the_buffer_raises_no_flag(model: Model) -> None:
    """ss-1 is out and back after 6 h (repair 5.5 h + a substation's restart): the hospital
    bridges 48 h on its generator, so it never loses power and electricity has no red
    "critical function" flag; area north keeps power from its backup ss-2 (room enough)."""
    import dataclasses

    from vitaal.engine.restoration import restoration_times
    from vitaal.model import Scenario

    m = dataclasses.replace(model)
    m.scenarios = dict(model.scenarios)
    repair = 6.0 - restoration_times().restart_h("substation")
    m.scenarios["short"] = Scenario(
        id="short", name="short", horizon_h=24,
        events=(Event(target="ss-1", time_h=0.0, repair_h=repair),),
    )  # fmt: skip
    run = run_scenario(m, "short")
    assert run.process.outages_of("ss-1") == [(0.0, 6.0)]
    el = next(f for f in run.flags if f.system == "electricity")
    assert el.evidence["critical_functions_lost"] == []
    assert el.evidence["people_losing_service"] == 0
    assert (el.colour, el.rule) == ("orange", "failures")


def test_a_shortfall_already_there_without_the_scenario_is_not_its_flag() -> None:
    """Against itself as the baseline every capacity shortfall of the growth scenario is
    "already present" and raises no flag; against the year without the plans and transitions
    the scenario's own shortfalls flag."""
    from pathlib import Path

    from vitaal.engine.capacity import project_capacity
    from vitaal.engine.compile import compile_model
    from vitaal.io.folder import read_model
    from vitaal.method.flags import check_cascade

    model = read_model(Path(__file__).resolve().parents[1] / "data" / "growth")
    cm = compile_model(model)
    cap = project_capacity(model, "growth", compiled=cm)
    base = project_capacity(model, None, years=cap.years.tolist(), compiled=cm)
    caused = {f.system: f for f in check_cascade(model, cm, None, capacity=cap, baseline=base)}
    assert any(f.rule != "untouched" for f in caused.values())
    itself = check_cascade(model, cm, None, capacity=cap, baseline=cap)
    for f in itself:
        assert f.rule == "untouched", (f.system, f.rule)
        if caused[f.system].rule != "untouched":
            assert f.evidence["already_present"] > 0


def test_a_flag_names_the_owner_of_its_first_failure(model: Model) -> None:
    # telecom's first failure is scada-1 (at 4 h); give it an owner of its own: the flag
    # calls that owner first, not the system's (an owner is the component's, else its
    # subsystem's, else its system's, as for every finding)
    import dataclasses

    scada = dataclasses.replace(model.components["scada-1"], owner="Control Room Co")
    m = dataclasses.replace(model, components={**model.components, "scada-1": scada})
    tel = next(f for f in run_scenario(m, "flood").flags if f.system == "telecom")
    assert tel.chain[0].node == "scada-1"
    assert tel.owners[0] == "Control Room Co"
    assert m.systems["telecom"].owner not in tel.owners
