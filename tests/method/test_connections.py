"""People by connection: a heat failure counts the homes on the heat network, not the area."""

from __future__ import annotations

import dataclasses

from tests.engine.builders import build_model
from vitaal.engine.compile import compile_model
from vitaal.engine.process import Damage, run_process
from vitaal.method.impact import assess_impact
from vitaal.model import Resource, ServiceArea


def test_a_heat_failure_counts_only_connected_homes() -> None:
    """Area A: 1,000 people in 400 homes, 100 of them on the heat network (connections).
    The heat plant H fails at 0 and is repaired after 10 h; the grid G keeps working. The
    people behind the heat connections are 1,000 x 100 / 400 = 250, for 10 h: 2,500
    person-hours of heat, and 250 people affected, not 1,000. Electricity, which reaches every
    home, is not lost."""
    m = build_model([("H", "A", "heat"), ("G", "A", "el")], areas=["A"])
    m.resources = {**m.resources, "heat": Resource(id="heat", name="Heat", unit="MW")}
    m.areas = {
        "A": dataclasses.replace(
            m.areas["A"], population=1000, homes=400, connections={"heat": 100}
        )
    }
    c = compile_model(m)
    r = run_process(c, [Damage("H", 0.0, repair_h=10.0)], 48.0)
    imp = assess_impact(m, c, r.as_cascade(), lost_hours=r.lost_hours())
    assert imp.people_by_service == {"heat": 250}
    assert imp.person_hours == {"heat": 2500.0}
    assert imp.people_affected == 250


def test_without_connections_every_home_counts() -> None:
    a = ServiceArea(id="a", name="A", population=1000, homes=400)
    assert a.people_for("heat") == 1000
    # more connections than homes (a count from another year): never more than everyone
    b = dataclasses.replace(a, connections={"heat": 900})
    assert b.people_for("heat") == 1000


def test_an_area_fed_by_four_substations_loses_the_share_behind_three() -> None:
    """Area A (1,000 people) takes power from four substations S1..S4 (any one suffices, k 1).
    S1, S2 and S3 fail at 0; S1 is repaired after 6 h (restart 0), S2 and S3 are not. The
    area keeps a supply, but the share behind the failed feeds has none: 3/4 of it from 0 to
    6, then 2/4 to the horizon (24 h). Person-hours: 1,000 x (0.75 x 6 + 0.5 x 18) = 13,500;
    people affected: the largest share, 750."""
    m = build_model(
        [("G", s, "el") for s in ("S1", "S2", "S3", "S4")]
        + [(s, "A", "el") for s in ("S1", "S2", "S3", "S4")],
        areas=["A"],
    )
    m.areas = {"A": dataclasses.replace(m.areas["A"], population=1000)}
    c = compile_model(m)
    damage = [Damage("S1", 0.0, repair_h=6.0), Damage("S2", 0.0), Damage("S3", 0.0)]
    r = run_process(c, damage, 24.0)
    assert r.losses_of("A", "el") == []  # never without any supply
    imp = assess_impact(m, c, r.as_cascade(), lost_hours=r.service_hours(),
                        lost_share=r.share_peak)  # fmt: skip
    assert imp.person_hours == {"el": 13500.0}
    assert imp.people_by_service == {"el": 750}
    assert imp.people_affected == 750


def test_an_area_losing_two_services_of_one_system_counts_its_people_once() -> None:
    """Mast M gives area A (1,000 people) both "data" and "control" (two services of the one
    telecom system); M fails for good. The telecom flag counts A's 1,000 people once, not
    2,000."""
    from vitaal.method.flags import check_cascade
    from vitaal.model import Subsystem, System

    m = build_model([("M", "A", "data"), ("M", "A", "control")], areas=["A"])
    m.systems = {"telecom": System(id="telecom", name="Telecom")}
    m.subsystems = {"sub": Subsystem(id="sub", system="telecom", name="Masts")}
    m.areas = {"A": dataclasses.replace(m.areas["A"], population=1000)}
    c = compile_model(m)
    r = run_process(c, [Damage("M", 0.0)], 24.0)
    losses = (r.service_from(), r.service_hours(), r.share_peak)
    [flag] = check_cascade(m, c, r.as_cascade(), losses=losses)
    assert flag.evidence["people_losing_service"] == 1000


def test_what_a_heat_decision_puts_at_stake_counts_only_connected_homes() -> None:
    """A heat plant H feeds area A (1,000 people in 400 homes, 100 on the heat network) and
    area B (500 people, no connection count: all of them); G feeds A with electricity. A
    decision about H puts at stake the people behind its heat connections: 1,000 x 100 / 400
    = 250 in A plus 500 in B = 750, not 1,500; one about G the whole of A, 1,000."""
    from vitaal.method.stake import served_through

    m = build_model([("H", "A", "heat"), ("H", "B", "heat"), ("G", "A", "el")], areas=["A", "B"])
    m.resources = {**m.resources, "heat": Resource(id="heat", name="Heat", unit="MW")}
    m.areas = {
        "A": dataclasses.replace(
            m.areas["A"], population=1000, homes=400, connections={"heat": 100}
        ),
        "B": dataclasses.replace(m.areas["B"], population=500, homes=200),
    }
    c = compile_model(m)
    assert served_through(m, c, "H", "heat") == (750, ())
    assert served_through(m, c, "H", None) == (750, ())
    assert served_through(m, c, "G", None) == (1000, ())
