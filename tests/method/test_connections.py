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
