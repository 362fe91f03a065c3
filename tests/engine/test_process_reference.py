"""``run_process`` against the slow reference of the process (``reference_process.py``) on
random models (``builders.random_process_cases``): damage with repair times, restart times,
conditions, degraded modes, and loads moved onto backups that shed, trip or congest.

Compared per case: the outage intervals per node, the service-loss intervals per required
pair, the shed intervals, the degraded intervals, the links cut by degraded suppliers and,
per service-area pair, the share-weighted hours without the service.

Two slices of 1,000 random models each, without and with loads, every rule drawn in both.
Then the smallest case of each disagreement the slices once found, with the rule and who was
right in its comment (each was the engine's, and is fixed). Last, the reference itself on the
worked examples of ``docs/engine.md``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from tests.engine.builders import CaseOptions, build_model, random_process_cases, with_requirements
from tests.engine.reference_process import (
    CaseLoads,
    ProcessCase,
    ReferenceResult,
    reference_process,
)
from vitaal.engine import compile_model
from vitaal.engine.compile import CompiledModel
from vitaal.engine.process import Damage, LoadInputs, Overload, ProcessResult, run_process
from vitaal.engine.restoration import Restoration, process_inputs
from vitaal.model import Model, Requirement, Scenario

INF = math.inf
_MODE = {"shed": Overload.SHED, "trip": Overload.TRIP, "congest": Overload.CONGEST}


def _load_inputs(case: ProcessCase, c: CompiledModel) -> LoadInputs | None:
    """The case's loads as the engine's arrays (per link, per pair)."""
    loads = case.loads
    if loads is None:
        return None
    flow = np.zeros(c.n_links)
    for lk in range(c.n_links):
        key = (
            c.node_ids[int(c.pair_node[c.link_src[lk]])],
            c.node_ids[int(c.pair_node[c.link_dst[lk]])],
            c.resource_ids[int(c.pair_resource[c.link_src[lk]])],
        )
        flow[lk] = 0.0 if c.link_backup[lk] else loads.flow.get(key, 0.0)
    pairs = [
        (c.node_ids[int(c.pair_node[p])], c.resource_ids[int(c.pair_resource[p])])
        for p in range(c.n_pairs)
    ]
    capacity = np.array([loads.capacity.get(p, math.nan) for p in pairs])
    mode = np.array([_MODE[loads.mode.get(p, "shed")] for p in pairs], dtype=np.int8)
    priority = np.array([loads.priority.get(p[0], 0) for p in pairs], dtype=np.int64)
    return LoadInputs(flow, capacity, mode, priority)


def run_engine(case: ProcessCase) -> tuple[CompiledModel, ProcessResult]:
    """The case through ``run_process``: the scenario's conditions and the requirements'
    degraded modes through :func:`process_inputs`, the case's restart times per node."""
    c = compile_model(case.model)
    scenario = Scenario(id="s", name="s", conditions=dict(case.conditions))
    inputs = process_inputs(case.model, c, scenario, Restoration({"default": {}}),
                            _load_inputs(case, c))  # fmt: skip
    restart = np.zeros(c.n_nodes)
    for v, h in case.restart_h.items():
        restart[c.node_index[v]] = h
    inputs = dataclasses.replace(inputs, restart_h=restart)
    damage = [Damage(v, t, repair_h=r) for v, t, r in case.damage]
    return c, run_process(c, damage, float(case.horizon), inputs)


def engine_result(case: ProcessCase) -> ReferenceResult:
    """The engine's result in the reference's terms (ids, sorted interval rows)."""
    c, r = run_engine(case)
    node, res = c.node_ids, c.resource_ids

    def pair(p: int) -> tuple[str, str]:
        return node[int(c.pair_node[p])], res[int(c.pair_resource[p])]

    def link(lk: int) -> tuple[str, str, str]:
        return (*pair(int(c.link_src[lk])), node[int(c.pair_node[c.link_dst[lk]])])

    out = ReferenceResult()
    out.outages = sorted((node[o.node], o.start_h, o.end_h) for o in r.outages)
    out.losses = sorted((*pair(q.pair), q.start_h, q.end_h) for q in r.losses)
    out.shed = sorted((*pair(p), a, b) for p, a, b in r.shed)
    out.degraded = sorted((node[v], res[k], a, b) for v, k, a, b in r.degraded)
    out.cuts = sorted((s, v, rr, a, b) for lk, a, b in r.cut for s, rr, v in [link(lk)])
    assert r.share_hours is not None
    out.share_hours = {
        pair(p): float(r.share_hours[p])
        for p in range(c.n_pairs)
        if c.pair_required[p] and pair(p)[0] in case.model.areas
    }
    return out


def describe_case(case: ProcessCase) -> str:
    """A compact text of a case, for failure messages."""
    m = case.model
    lines = [f"horizon {case.horizon}", f"damage {case.damage}", f"restart {case.restart_h}"]
    lines.append(f"conditions {dict(case.conditions)}")
    lines += [
        f"link {lk.supplier}->{lk.consumer} {lk.resource} {lk.role.value}"
        for lk in m.supply.values()
    ]
    lines += [
        f"req {q.consumer} {q.resource} buffer={q.buffer_h} k={q.k} cond={q.condition} "
        f"degraded={q.degraded_h}x{q.degraded_share}"
        for q in m.requirements.values()
    ]
    lines += [f"store {s.component} {s.resource} aut={s.autonomy_h}" for s in m.stores.values()]
    lines += [f"area {a}" for a in m.areas]
    if case.loads is not None:
        ld = case.loads
        lines += [f"flow {dict(ld.flow)}", f"capacity {dict(ld.capacity)}"]
        lines += [f"mode {dict(ld.mode)}", f"priority {dict(ld.priority)}"]
    return "\n".join(lines)


def check_case(case: ProcessCase) -> None:
    """The engine equals the reference on ``case``."""
    want = reference_process(case)
    got = engine_result(case)
    text = describe_case(case)
    assert got.outages == want.outages, f"outages\n{text}"
    assert got.losses == want.losses, f"losses\n{text}"
    assert got.shed == want.shed, f"shed\n{text}"
    assert got.degraded == want.degraded, f"degraded\n{text}"
    assert got.cuts == want.cuts, f"cuts\n{text}"
    assert got.share_hours.keys() == want.share_hours.keys()
    for p, h in want.share_hours.items():
        assert math.isclose(got.share_hours[p], h, abs_tol=1e-9), f"share hours {p}\n{text}"


# -- random models: every rule at once ----------------------------------------------------------

#: without loads: restarts, conditions, degraded modes, buffers on service areas, several
#: damages of one component
_PLAIN = CaseOptions(loads=False)
#: with loads: the above, and shedding, tripping and congesting backups, cuts by degraded
#: suppliers, k > 1 where a backup counts
_LOADS = CaseOptions(loads=True)


@settings(max_examples=1000, deadline=None)
@given(random_process_cases(_PLAIN))
def test_restoration_conditions_and_degraded_modes(case: ProcessCase) -> None:
    check_case(case)


@settings(max_examples=1000, deadline=None)
@given(random_process_cases(_LOADS))
def test_moving_load_shedding_and_cuts(case: ProcessCase) -> None:
    check_case(case)


# -- the smallest cases of disagreements found and fixed, each with the rule ------------------

#: Plant P feeds area A, whose buffer is 2 h; P is out from 0 to 1. docs/engine.md: "an
#: area's buffer bridges only a total loss", so A loses no share (0 share-hours); the engine
#: counts the whole area from the moment its feed fails (1 share-hour).
AREA_BUFFER = ProcessCase(
    with_requirements(
        build_model([("P", "A", "water")], areas=["A"]),
        Requirement(consumer="A", resource="water", buffer_h=2.0),
    ),
    damage=(("P", 0.0, 1.0),),
    restart_h={},
    conditions={},
    loads=None,
    horizon=4,
)
#: P (restart 2 h) feeds C (no buffer). P is damaged at 0 and, as its restart completes at 2,
#: again (both repaired at once): P is down 0-2 and 2-4, C without power 0-4. The engine
#: carries supply on from the restart that completed and counts P as delivering at 2: C is
#: back at 2.
DAMAGE_AS_RESTARTED = ProcessCase(
    build_model([("P", "C", "el")]),
    damage=(("P", 0.0, 0.0), ("P", 2.0, 0.0)),
    restart_h={"P": 2.0},
    conditions={},
    loads=None,
    horizon=6,
)
#: C needs both its primary P and its backup B (k = 2); P is out from 0 to 2; B has no room
#: and sheds C. At 2 P is back, the shed ends and C has both again: back at 2. The engine ends
#: the shed without computing supply again, so C stays without power to the horizon.
SHED_ENDS = ProcessCase(
    build_model([("P", "C", "el"), ("B", "C", "el", "backup")], requirements=[("C", "el", 0.0, 2)]),
    damage=(("P", 0.0, 2.0),),
    restart_h={},
    conditions={},
    loads=CaseLoads({("P", "C", "el"): 1.0}, {("B", "el"): 0.0}, {}, {}),
    horizon=6,
)
#: P (capacity 1) feeds S (1) and is C's backup; S feeds C (1). S is out from 0 to 2 and
#: restarts for 1 h: meanwhile C's load is on P, which has room for it while S draws nothing.
#: From 2 S restarts and draws its load again: P has 2 for room 1 and sheds C until S delivers
#: at 3 (C down 2-3). The engine starts no new round after a restart begins: C is never shed
#: and P carries 2.
RESTART_DRAWS_LOAD = ProcessCase(
    build_model([("P", "S", "el"), ("S", "C", "el"), ("P", "C", "el", "backup")]),
    damage=(("S", 0.0, 2.0),),
    restart_h={"S": 1.0},
    conditions={},
    loads=CaseLoads({("P", "S", "el"): 1.0, ("S", "C", "el"): 1.0}, {("P", "el"): 1.0}, {}, {}),
    horizon=6,
)
#: G feeds S (buffer 2 h), S feeds C, B (capacity 0, protection trips) is C's backup. G is lost
#: at 0: S works on its buffer but has nothing to pass on, so C's load moves onto B, which
#: trips. "Down until the primary works again" lets B restart at once (S works) and trip
#: again, for ever: the engine stops with "the process does not settle". The reference keeps
#: B down until S delivers to C again (never): C without power from 0, S down from 2.
TRIP_LOOP = ProcessCase(
    with_requirements(
        build_model([("G", "S", "el"), ("S", "C", "el"), ("B", "C", "el", "backup")]),
        Requirement(consumer="S", resource="el", buffer_h=2.0),
    ),
    damage=(("G", 0.0, math.inf),),
    restart_h={},
    conditions={},
    loads=CaseLoads(
        {("G", "S", "el"): 1.0, ("S", "C", "el"): 1.0},
        {("B", "el"): 0.0},
        {("B", "el"): "trip"},
        {},
    ),
    horizon=4,
)
#: D runs on manual control at 50 % for 5 h (control C out from 0 to 3); D (capacity 2) feeds
#: X (2), which has no backup and no buffer. D may deliver 1: X is cut at 0 and goes down. The
#: cut ends when D is back to full (docs/engine.md), at 3: X is down 0-3. The engine works the
#: cuts out anew at each round: X down draws nothing, so its cut ends, X has power and
#: restarts, is cut again ... and the process does not settle (with a restart time, X goes up
#: and down every hour).
CUT_GOES_DOWN = ProcessCase(
    with_requirements(
        build_model([("C", "D", "control"), ("D", "X", "el")]),
        Requirement(consumer="D", resource="control", degraded_h=5.0, degraded_share=0.5),
    ),
    damage=(("C", 0.0, 3.0),),
    restart_h={},
    conditions={},
    loads=CaseLoads(
        {("C", "D", "control"): 1.0, ("D", "X", "el"): 2.0}, {("D", "el"): 2.0}, {}, {}
    ),
    horizon=6,
)

#: B is X's backup (capacity 2) and runs on manual control at 50 % for 5 h; control C and X's
#: primary P are out from 0 to 3. X's 2 move onto B, which may deliver only 1: B sheds X, down
#: 0-3. The engine works out B's degraded share after moving load and, since no cut changed,
#: starts no new round: B carries 2 and X keeps power (until a next instant, here 3).
DEGRADED_BACKUP = ProcessCase(
    with_requirements(
        build_model([("C", "B", "control"), ("P", "X", "el"), ("B", "X", "el", "backup")]),
        Requirement(consumer="B", resource="control", degraded_h=5.0, degraded_share=0.5),
    ),
    damage=(("C", 0.0, 3.0), ("P", 0.0, 3.0)),
    restart_h={},
    conditions={},
    loads=CaseLoads(
        {("C", "B", "control"): 1.0, ("P", "X", "el"): 2.0}, {("B", "el"): 2.0}, {}, {}
    ),
    horizon=6,
)


@pytest.mark.parametrize(
    "case",
    [AREA_BUFFER, DAMAGE_AS_RESTARTED, SHED_ENDS, RESTART_DRAWS_LOAD, TRIP_LOOP, CUT_GOES_DOWN,
     DEGRADED_BACKUP],
    ids=["area_buffer", "damage_as_restarted", "shed_ends", "restart_draws_load", "trip_loop",
         "cut_goes_down", "degraded_backup"],
)  # fmt: skip
def test_a_disagreement_found_and_fixed(case: ProcessCase) -> None:
    check_case(case)


# -- the reference on the worked examples of docs/engine.md (hand-worked answers) -------------


def _plain(model: Model, damage: tuple[tuple[str, float, float], ...], **kw: Any) -> ProcessCase:
    return ProcessCase(model, damage, kw.get("restart", {}), kw.get("conditions", {}),
                       kw.get("loads"), kw.get("horizon", 48))  # fmt: skip


def test_reference_a_loop_restarts_once_what_broke_it_is_repaired() -> None:
    """GS needs control (24 h), SCADA needs power (0 h), A takes power from GS; GS is damaged
    at 0 and repaired at 10, restarts 2 h (SCADA 1 h): GS works at 12, SCADA at 13, A is
    without power 0-12. Without buffers the loop cannot black-start."""
    links = [("GS", "SCADA", "el"), ("SCADA", "GS", "control"), ("GS", "A", "el")]
    m = build_model(links, requirements=[("GS", "control", 24.0, 1)], areas=["A"])
    r = reference_process(_plain(m, (("GS", 0.0, 10.0),), restart={"GS": 2.0, "SCADA": 1.0}))
    assert r.outages == [("GS", 0.0, 12.0), ("SCADA", 0.0, 13.0)]
    assert r.losses == [("A", "el", 0.0, 12.0), ("SCADA", "el", 0.0, 12.0)]
    cold = build_model(links, areas=["A"])
    r = reference_process(_plain(cold, (("GS", 0.0, 10.0),), restart={"GS": 2.0}))
    assert r.outages == [("GS", 0.0, INF), ("SCADA", 0.0, INF)]


def test_reference_a_pumping_station_fails_only_inside_the_rain() -> None:
    """G lost at 0 for good; P needs power only in rain (5-8): P down 5-8, A without drainage
    5-8 (all of it: 3 share-hours); with a 1 h buffer P fails at 6; on a dry day nothing."""
    m = with_requirements(
        build_model([("G", "P", "el"), ("P", "A", "data")], areas=["A"]),
        Requirement(consumer="P", resource="el", condition="rain"),
    )
    rain = {"rain": ((5.0, 8.0),)}
    r = reference_process(_plain(m, (("G", 0.0, INF),), conditions=rain))
    assert r.outages == [("G", 0.0, INF), ("P", 5.0, 8.0)]
    assert r.losses == [("A", "data", 5.0, 8.0), ("P", "el", 5.0, 8.0)]
    assert r.share_hours == {("A", "data"): 3.0}
    m1 = with_requirements(m, Requirement(consumer="P", resource="el", buffer_h=1.0,
                                          condition="rain"))  # fmt: skip
    r = reference_process(_plain(m1, (("G", 0.0, INF),), conditions=rain))
    assert r.outages == [("G", 0.0, INF), ("P", 6.0, 8.0)]
    r = reference_process(_plain(m, (("G", 0.0, INF),)))
    assert r.outages == [("G", 0.0, INF)]
    assert r.share_hours == {("A", "data"): 0.0}


def test_reference_a_store_clock_is_never_reset() -> None:
    """Tower T (6 h) between P and A; P out 0-10 and from 12: A dry 6-10 and from 12."""
    m = build_model([("P", "T", "water"), ("T", "A", "water")], stores=[("T", "water", 6.0)],
                    areas=["A"])  # fmt: skip
    r = reference_process(_plain(m, (("P", 0.0, 10.0), ("P", 12.0, INF)), horizon=20))
    assert [x for x in r.losses if x[0] == "A"] == [("A", "water", 6.0, 10.0),
                                                    ("A", "water", 12.0, INF)]  # fmt: skip


def _five_consumers(capacity: float, mode: str) -> ProcessCase:
    """P feeds C1..C5 (2 each), B is their backup and feeds D (1), capacity ``capacity``;
    C2 and C4 come first (priority 0). P is out from 0 to 5."""
    names = ["C1", "C2", "C3", "C4", "C5"]
    links: list[tuple[str, str, str] | tuple[str, str, str, str]] = []
    for x in names:
        links += [("P", x, "el"), ("B", x, "el", "backup")]
    flow = {("P", x, "el"): 2.0 for x in names} | {("B", "D", "el"): 1.0}
    loads = CaseLoads(flow, {("B", "el"): capacity}, {("B", "el"): mode},
                      {x: 0 if x in ("C2", "C4") else 1 for x in names})  # fmt: skip
    m = build_model([*links, ("B", "D", "el")])
    return _plain(m, (("P", 0.0, 5.0),), loads=loads, horizon=24)


def test_reference_a_backup_sheds_by_priority_or_trips() -> None:
    """B (7, carrying D's 1) takes C2, C4, then C1 and sheds C3, C5 until P is back at 5;
    tripping instead, B and all six are without power until 5; with 11 nobody is shed."""
    r = reference_process(_five_consumers(7.0, "shed"))
    assert r.shed == [("C3", "el", 0.0, 5.0), ("C5", "el", 0.0, 5.0)]
    assert r.outages == [("C3", 0.0, 5.0), ("C5", 0.0, 5.0), ("P", 0.0, 5.0)]
    r = reference_process(_five_consumers(7.0, "trip"))
    assert [v for v, _, _ in r.outages] == ["B", "C1", "C2", "C3", "C4", "C5", "D", "P"]
    assert {(a, b) for _, a, b in r.outages} == {(0.0, 5.0)}
    r = reference_process(_five_consumers(11.0, "shed"))
    assert r.shed == []
    assert r.outages == [("P", 0.0, 5.0)]


def _manual_control(v_capacity: float, repair: float) -> ProcessCase:
    """W (capacity 10) needs control (buffer 4 h, then 20 h at 60 %) and feeds H (2, first),
    A1 (3), A2 (5), A3 (1); V (capacity ``v_capacity``, carrying D's 1) is A2's backup.
    Control is lost at 0, repaired after ``repair`` hours."""
    m = with_requirements(
        build_model(
            [("C", "W", "control"), ("W", "H", "water"), ("W", "A1", "water"),
             ("W", "A2", "water"), ("W", "A3", "water"), ("V", "A2", "water", "backup"),
             ("V", "D", "water")],
            areas=["A1", "A2", "A3"],
        ),
        Requirement(consumer="W", resource="control", buffer_h=4.0, degraded_h=20.0,
                    degraded_share=0.6),
    )  # fmt: skip
    flow = {("W", "H", "water"): 2.0, ("W", "A1", "water"): 3.0, ("W", "A2", "water"): 5.0,
            ("W", "A3", "water"): 1.0, ("V", "D", "water"): 1.0}  # fmt: skip
    capacity = {("W", "water"): 10.0, ("V", "water"): v_capacity}
    loads = CaseLoads(flow, capacity, {}, {"H": 0, "A1": 1, "A2": 1, "A3": 1})
    return _plain(m, (("C", 0.0, repair),), loads=loads, horizon=72)


def test_reference_a_plant_on_manual_control_sheds_downstream() -> None:
    """From 4 W may deliver 6: H, A1 kept (5), A2 cut (10 would not fit), A3 kept (6). A2 moves
    to V (room 6) and keeps water; W fails at 24. With V at 5, V sheds A2 (without water from
    4); with control back at 10 the cut and the shed end at 10."""
    r = reference_process(_manual_control(7.0, INF))
    assert r.cuts == [("W", "A2", "water", 4.0, 24.0)]
    assert r.degraded == [("W", "control", 4.0, 24.0)]
    assert ("A2", "water") not in {(v, x) for v, x, _, _ in r.losses}
    assert ("W", 24.0, INF) in r.outages
    r = reference_process(_manual_control(5.0, INF))
    assert r.shed == [("A2", "water", 4.0, INF)]
    r = reference_process(_manual_control(5.0, 10.0))
    assert r.shed == [("A2", "water", 4.0, 10.0)]
    assert r.cuts == [("W", "A2", "water", 4.0, 10.0)]
    assert ("A2", "water", 4.0, 10.0) in r.losses
