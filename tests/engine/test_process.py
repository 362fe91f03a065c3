"""The cascade with restoration, conditions and degraded modes (``engine/process.py``).

Hand-worked cases, each with its reasoning, and a property: with nothing repaired, no restart
times, no conditions and no degraded modes, the process is the timed cascade, node for node.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings

from tests.engine.builders import build_model, random_models
from vitaal.engine import InitialFailure, compile_model, run_cascade
from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import CompiledModel
from vitaal.engine.process import Damage, LoadInputs, Overload, ProcessInputs, run_process
from vitaal.model import Model

INF = math.inf


def _inputs(
    c: CompiledModel,
    *,
    restart: dict[str, float] | None = None,
    conditions: dict[tuple[str, str], tuple[tuple[float, float], ...]] | None = None,
    degraded: dict[tuple[str, str], tuple[float, float]] | None = None,
) -> ProcessInputs:
    restart_h = np.zeros(c.n_nodes)
    for nid, h in (restart or {}).items():
        restart_h[c.node_index[nid]] = h
    cond = np.full(c.n_pairs, -1, dtype=np.int64)
    spans = []
    for k, ((nid, res), iv) in enumerate((conditions or {}).items()):
        p = c.pair_of(nid, res)
        assert p is not None
        cond[p] = k
        spans.append(iv)
    deg_h = np.zeros(c.n_pairs)
    deg_s = np.ones(c.n_pairs)
    for (nid, res), (hours, share) in (degraded or {}).items():
        p = c.pair_of(nid, res)
        assert p is not None
        deg_h[p], deg_s[p] = hours, share
    return ProcessInputs(restart_h, cond, tuple(spans), deg_h, deg_s)


def _loop_model(buffer_control: float, buffer_el: float) -> Model:
    """Grid station GS produces power and needs control; SCADA produces control and needs
    power; area A takes power from GS."""
    return build_model(
        [("GS", "SCADA", "el"), ("SCADA", "GS", "control"), ("GS", "A", "el")],
        requirements=[("GS", "control", buffer_control, 1), ("SCADA", "el", buffer_el, 1)],
        areas=["A"],
    )


def test_a_loop_restarts_once_what_broke_it_is_repaired() -> None:
    """GS is damaged at 0 and repaired 10 h later. SCADA (no buffer) loses power at 0 and goes
    down (SUPPLIER GS). GS was down from 0, so its control buffer (24 h) paused unused; at 10
    it may restart with control missing, since buffer is left, and works at 10 + 2 = 12.
    SCADA, not damaged, restarts as soon as power is back: 12 + 1 = 13. Its control returns
    at 13, after GS used 3 of its 24 h. Area A is without power from 0 to 12."""
    c = compile_model(_loop_model(24.0, 0.0))
    r = run_process(
        c,
        [Damage("GS", 0.0, repair_h=10.0)],
        72.0,
        _inputs(c, restart={"GS": 2.0, "SCADA": 1.0}),
    )
    assert r.outages_of("GS") == [(0.0, 12.0)]
    assert r.outages_of("SCADA") == [(0.0, 13.0)]
    assert r.losses_of("A", "el") == [(0.0, 12.0)]
    s = c.node_index["SCADA"]
    assert r.cause[s] == CauseCode.SUPPLIER
    assert c.node_ids[int(r.cause_node[s])] == "GS"
    assert r.order[s] == 2


def test_a_loop_without_buffers_cannot_black_start() -> None:
    """Each part needs the other with no buffer: after the repair GS would need control to
    restart, and SCADA power: neither can, and both stay down to the horizon."""
    c = compile_model(_loop_model(0.0, 0.0))
    r = run_process(c, [Damage("GS", 0.0, repair_h=10.0)], 72.0)
    assert r.outages_of("GS") == [(0.0, INF)]
    assert r.outages_of("SCADA") == [(0.0, INF)]
    assert r.losses_of("A", "el") == [(0.0, INF)]


def test_a_consumer_whose_supply_returns_within_its_buffer_never_fails() -> None:
    """Hospital H bridges 72 h on its generator; the grid is back after 10 h (repair 8 h,
    restart 2 h): H never fails and never loses the service."""
    m = build_model([("G", "H", "el")], requirements=[("H", "el", 72.0, 1)],
                    critical_functions=["H"])  # fmt: skip
    c = compile_model(m)
    r = run_process(c, [Damage("G", 0.0, repair_h=8.0)], 100.0, _inputs(c, restart={"G": 2.0}))
    assert r.outages_of("G") == [(0.0, 10.0)]
    assert r.outages_of("H") == []
    assert r.losses_of("H", "el") == []
    assert r.fail_time[c.node_index["H"]] == INF


def _pump_model(buffer_h: float) -> Model:
    """Grid G powers pumping station P; P drains area A (resource "data" stands in for the
    drainage service). P needs power only while it rains."""
    return build_model(
        [("G", "P", "el"), ("P", "A", "data")],
        requirements=[("P", "el", buffer_h, 1)],
        areas=["A"],
    )


def test_a_pumping_station_fails_only_inside_the_rain() -> None:
    """The grid is lost at 0 for good; it rains from 5 to 8 h. Outside the rain P's need for
    power counts as met, so P works until 5, fails at 5 (no buffer, SUPPLIER G) and, power
    still gone, is back at 8 when the rain ends (the need is met again). A is without
    drainage from 5 to 8."""
    c = compile_model(_pump_model(0.0))
    inp = _inputs(c, conditions={("P", "el"): ((5.0, 8.0),)})
    r = run_process(c, [Damage("G", 0.0)], 48.0, inp)
    assert r.outages_of("P") == [(5.0, 8.0)]
    assert r.losses_of("A", "data") == [(5.0, 8.0)]
    p = c.node_index["P"]
    assert r.cause[p] == CauseCode.SUPPLIER


def test_a_buffer_runs_only_while_the_condition_holds() -> None:
    """With a 1 h buffer P fails at 6 (the buffer runs from the start of the rain at 5); two
    showers of 30 minutes never spend it, because the buffer is full again when a shower
    ends."""
    c = compile_model(_pump_model(1.0))
    rain = _inputs(c, conditions={("P", "el"): ((5.0, 8.0),)})
    r = run_process(c, [Damage("G", 0.0)], 48.0, rain)
    assert r.outages_of("P") == [(6.0, 8.0)]
    showers = _inputs(c, conditions={("P", "el"): ((5.0, 5.5), (6.0, 6.5))})
    r2 = run_process(c, [Damage("G", 0.0)], 48.0, showers)
    assert r2.outages_of("P") == []


def test_without_the_condition_nothing_fails_on_a_dry_day() -> None:
    c = compile_model(_pump_model(0.0))
    r = run_process(c, [Damage("G", 0.0)], 48.0, _inputs(c, conditions={("P", "el"): ()}))
    assert r.outages_of("P") == []
    assert r.losses_of("A", "data") == []


def test_a_plant_on_manual_control_works_degraded_then_fails() -> None:
    """Treatment plant W needs control (buffer 4 h) and can run on manual control at 60 % for
    20 h more. Control is lost at 0 for good: W runs degraded from 4 to 24, then fails; the
    area is without water from 24. With control back at 10 (repair), W is degraded from 4 to
    10 only and never fails."""
    m = build_model(
        [("C", "W", "control"), ("W", "A", "water")],
        requirements=[("W", "control", 4.0, 1)],
        areas=["A"],
    )
    c = compile_model(m)
    inp = _inputs(c, degraded={("W", "control"): (20.0, 0.6)})
    r = run_process(c, [Damage("C", 0.0)], 72.0, inp)
    w, ctrl = c.node_index["W"], c.resource_index["control"]
    assert r.outages_of("W") == [(24.0, INF)]
    assert r.losses_of("A", "water") == [(24.0, INF)]
    assert r.degraded == ((w, ctrl, 4.0, 24.0),)
    r2 = run_process(c, [Damage("C", 0.0, repair_h=10.0)], 72.0, inp)
    assert r2.outages_of("W") == []
    assert r2.degraded == ((w, ctrl, 4.0, 10.0),)


def test_a_store_clock_is_never_reset() -> None:
    """Tower T (6 h) between plant P and area A. P is out from 0 to 10: T feeds A until 6, A
    is dry from 6 to 10. P fails again at 12 for good: T's autonomy was spent (its clock is
    never reset within the horizon), so A is dry at once from 12."""
    m = build_model([("P", "T", "water"), ("T", "A", "water")], stores=[("T", "water", 6.0)],
                    areas=["A"])  # fmt: skip
    c = compile_model(m)
    r = run_process(c, [Damage("P", 0.0, repair_h=10.0), Damage("P", 12.0)], 48.0)
    assert r.losses_of("A", "water") == [(6.0, 10.0), (12.0, INF)]
    assert r.outages_of("P") == [(0.0, 10.0), (12.0, INF)]


def test_restart_times_add_up_along_a_chain() -> None:
    """G -> S -> M: G repaired at 5 and restarting 1 h, S 2 h, M 3 h: back at 6, 8 and 11."""
    m = build_model([("G", "S", "el"), ("S", "M", "el")])
    c = compile_model(m)
    r = run_process(c, [Damage("G", 0.0, repair_h=5.0)], 48.0,
                    _inputs(c, restart={"G": 1.0, "S": 2.0, "M": 3.0}))  # fmt: skip
    assert r.outages_of("G") == [(0.0, 6.0)]
    assert r.outages_of("S") == [(0.0, 8.0)]
    assert r.outages_of("M") == [(0.0, 11.0)]
    assert r.order[c.node_index["M"]] == 3
    times, shares = r.recovery_curve(np.arange(c.n_nodes))
    assert times == [0.0, 6.0, 8.0, 11.0]
    assert shares == [0.0, 1 / 3, 2 / 3, 1.0]


def test_a_buffer_spent_during_a_restart_takes_the_node_down_again_unbroken() -> None:
    """Pump P needs power and control (buffer 1 h). Power lost at 0 for 2 h (P down at 0);
    control lost at 1 for good. At 2 power is back and P restarts (3 h), control missing but
    its buffer untouched (paused while down). The buffer runs out at 3, during the restart:
    P is down again and its outage, [0, inf), is one."""
    m = build_model([("G", "P", "el"), ("C", "P", "control")],
                    requirements=[("P", "control", 1.0, 1)])  # fmt: skip
    c = compile_model(m)
    r = run_process(c, [Damage("G", 0.0, repair_h=2.0), Damage("C", 1.0)], 48.0,
                    _inputs(c, restart={"P": 3.0}))  # fmt: skip
    assert r.outages_of("P") == [(0.0, INF)]


def test_nodes_failing_through_each_other_are_not_initial_failures() -> None:
    """S feeds A, B and C; A, B and X feed Y; B and Y feed X (X and Y feed each other). S
    fails at 0, and C with it; A and B run on their 1 h buffers until 1; X and Y, whose
    supply ends at 0, fail at 0 through each other (a ring broken at one instant). Only S is
    an initial failure (order 1); every other failure, the ring's too, has order 2, as in the
    cascade. A random model found the ring's nodes given order 1, as if they failed first."""
    m = build_model(
        [("S", "C", "el"), ("S", "A", "el"), ("S", "B", "el"), ("A", "Y", "el"),
         ("B", "Y", "el"), ("X", "Y", "el"), ("B", "X", "el"), ("Y", "X", "el"),
         ("A", "X", "control")],
        requirements=[("A", "el", 1.0, 1), ("B", "el", 1.0, 1)],
    )  # fmt: skip
    c = compile_model(m)
    cascade = run_cascade(c, [InitialFailure("S", 0.0)], 2.0)
    process = run_process(c, [Damage("S", 0.0)], 2.0)
    assert process.fail_time.tolist() == cascade.fail_time.tolist()
    assert process.order.tolist() == cascade.order.tolist()
    ring = [c.node_index["X"], c.node_index["Y"]]
    assert process.fail_time[ring].tolist() == [0.0, 0.0]
    assert process.order[ring].tolist() == [2, 2]
    assert [n for n in c.node_ids if process.order[c.node_index[n]] == 1] == ["S"]


@settings(max_examples=1500, deadline=None)
@given(random_models())
def test_without_restoration_the_process_is_the_cascade(
    case: tuple[Model, dict[str, float], float],
) -> None:
    model, initial, horizon = case
    c = compile_model(model)
    cascade = run_cascade(c, [InitialFailure(v, t) for v, t in initial.items()], horizon)
    process = run_process(c, [Damage(v, t) for v, t in initial.items()], horizon)
    assert process.fail_time.tolist() == cascade.fail_time.tolist()
    failed = np.isfinite(cascade.fail_time)
    # every failure has a cause of the same kind: initial or by the cascade
    assert ((process.order == 1) == (cascade.order == 1))[failed].all()
    # nothing comes back: every outage is open to the end
    assert all(o.end_h == INF for o in process.outages)
    # the first losses of supply are the cascade's receive and supply-end times, up to the
    # node's own failure (after it, a failed node's own supply is a matter of definition)
    view = process.as_cascade()
    until = cascade.fail_time[c.pair_node]
    for got, want in ((view.receive_time, cascade.receive_time),
                      (view.supply_end, cascade.supply_end)):  # fmt: skip
        assert np.array_equal(np.minimum(got, until), np.minimum(want, until), equal_nan=True)


def _shed_case(capacity: float, mode: int) -> tuple[CompiledModel, ProcessInputs]:
    """Primary P feeds C1..C5 (2 MW each); B is their backup and feeds D (1 MW) as primary.
    C2 and C4 are critical functions."""
    consumers = ["C1", "C2", "C3", "C4", "C5"]
    links: list[tuple[str, str, str] | tuple[str, str, str, str]] = []
    for x in consumers:
        links += [("P", x, "el"), ("B", x, "el", "backup")]
    links.append(("B", "D", "el"))
    m = build_model(links, critical_functions=["C2", "C4"])
    c = compile_model(m)
    flow = np.zeros(c.n_links)
    for lk in range(c.n_links):
        if not c.link_backup[lk]:
            dst = c.node_ids[int(c.pair_node[c.link_dst[lk]])]
            flow[lk] = 1.0 if dst == "D" else 2.0
    cap = np.full(c.n_pairs, np.nan)
    b = c.pair_of("B", "el")
    assert b is not None
    cap[b] = capacity
    kind = c.node_kind[c.pair_node]
    priority = np.where(kind == 2, 0, 1).astype(np.int64)  # critical functions first
    loads = LoadInputs(flow, cap, np.full(c.n_pairs, mode, dtype=np.int8), priority)
    return c, ProcessInputs(np.zeros(c.n_nodes), np.full(c.n_pairs, -1, dtype=np.int64),
                            loads=loads)  # fmt: skip


def test_a_backup_sheds_two_of_five_consumers_by_priority() -> None:
    """P fails at 0 and is repaired after 5 h. Its five consumers' 10 MW move to B, which
    carries D's 1 MW and has 7 MW: room for 6 MW, three consumers. Critical functions first
    (C2, C4), then the stable order (C1): C3 and C5 are shed, without power from 0 until P is
    back at 5; B never fails."""
    c, inp = _shed_case(7.0, Overload.SHED)
    r = run_process(c, [Damage("P", 0.0, repair_h=5.0)], 24.0, inp)
    lost = {c.node_ids[int(c.pair_node[p])] for p, _, _ in r.shed}
    assert lost == {"C3", "C5"}
    assert all((a, b) == (0.0, 5.0) for _, a, b in r.shed)
    assert r.outages_of("C3") == [(0.0, 5.0)]
    assert r.outages_of("C2") == []
    assert r.outages_of("C1") == []
    assert r.outages_of("B") == []
    assert r.peak_load is not None
    b = c.pair_of("B", "el")
    assert b is not None
    assert r.peak_load[b] == 7.0  # what it kept at 0: D and three consumers, 1 + 3 x 2


def test_a_backup_whose_protection_trips_is_down_until_the_primary_is_back() -> None:
    """The same with B's protection tripping: B goes down at 0 (OVERLOAD, cause P) and all six
    consumers lose power until P is back at 5; B is switched back then."""
    c, inp = _shed_case(7.0, Overload.TRIP)
    r = run_process(c, [Damage("P", 0.0, repair_h=5.0)], 24.0, inp)
    assert r.outages_of("B") == [(0.0, 5.0)]
    bv = c.node_index["B"]
    assert r.cause[bv] == CauseCode.OVERLOAD
    assert c.node_ids[int(r.cause_node[bv])] == "P"
    assert r.outages_of("D") == [(0.0, 5.0)]
    assert r.outages_of("C2") == [(0.0, 5.0)]


def test_a_backup_with_room_serves_everyone() -> None:
    c, inp = _shed_case(11.0, Overload.SHED)
    r = run_process(c, [Damage("P", 0.0, repair_h=5.0)], 24.0, inp)
    assert r.shed == ()
    assert [c.node_ids[o.node] for o in r.outages] == ["P"]


def test_the_kernels_constants_are_the_enums() -> None:
    from vitaal.engine import _process_kernels as k
    from vitaal.engine import process as pr

    assert (k.CAUSE_SUPPLIER, k.CAUSE_PATH, k.CAUSE_STORE) == (
        CauseCode.SUPPLIER, CauseCode.PATH, CauseCode.STORE,
    )  # fmt: skip
    assert (pr.WORKING, pr.DOWN, pr.RESTARTING) == (0, 1, 2)
    assert {Overload.CONGEST, Overload.SHED, Overload.TRIP} == {0, 1, 2}


def _manual_control_case(backup_capacity: float) -> tuple[CompiledModel, ProcessInputs]:
    """Treatment plant W (capacity 10) needs control from C (buffer 4 h) and runs on manual
    control at 60 % for 20 h more. W feeds, as primary: hospital H (2, a critical function),
    then areas A1 (3), A2 (5) and A3 (1); plant V is A2's backup and feeds area D (1)."""
    m = build_model(
        [("C", "W", "control"), ("W", "H", "water"), ("W", "A1", "water"),
         ("W", "A2", "water"), ("W", "A3", "water"), ("V", "A2", "water", "backup"),
         ("V", "D", "water")],
        requirements=[("W", "control", 4.0, 1)],
        areas=["A1", "A2", "A3", "D"],
        critical_functions=["H"],
    )  # fmt: skip
    c = compile_model(m)
    flows = {"H": 2.0, "A1": 3.0, "A2": 5.0, "A3": 1.0, "D": 1.0}
    flow = np.zeros(c.n_links)
    for lk in range(c.n_links):
        dst = c.node_ids[int(c.pair_node[c.link_dst[lk]])]
        if not c.link_backup[lk] and dst in flows:
            flow[lk] = flows[dst]
    cap = np.full(c.n_pairs, np.nan)
    for nid, value in (("W", 10.0), ("V", backup_capacity)):
        p = c.pair_of(nid, "water")
        assert p is not None
        cap[p] = value
    kind = c.node_kind[c.pair_node]
    priority = np.where(kind == 2, 0, 1).astype(np.int64)  # critical functions first
    loads = LoadInputs(flow, cap, np.full(c.n_pairs, Overload.SHED, dtype=np.int8), priority)
    base = _inputs(c, degraded={("W", "control"): (20.0, 0.6)})
    return c, ProcessInputs(base.restart_h, base.pair_condition, base.conditions,
                            base.pair_degraded_h, base.pair_degraded_share, loads)  # fmt: skip


def test_a_plant_on_manual_control_at_60_percent_sheds_downstream() -> None:
    """Control is lost at 0 for good. W works fully on its 4 h buffer, then on manual control
    at 60 % of 10 = 6 from 4 to 24. It keeps its consumers in priority order while they fit:
    H (2, critical function first), A1 (3: 5 in all); A2 (5) would make 10 and is cut; A3 (1)
    still fits (6). A2's load moves onto its backup V (capacity 7, carrying D's 1: room 6), so
    A2 keeps water. At 24 the manual mode is spent and W fails: H, A1 and A3 are without water
    from 24; A2 stays on V; the cut ends with W down."""
    c, inp = _manual_control_case(7.0)
    r = run_process(c, [Damage("C", 0.0)], 72.0, inp)
    w2a2 = next(
        lk for lk in range(c.n_links)
        if c.node_ids[int(c.pair_node[c.link_src[lk]])] == "W"
        and c.node_ids[int(c.pair_node[c.link_dst[lk]])] == "A2"
    )  # fmt: skip
    assert r.cut == ((w2a2, 4.0, 24.0),)
    assert r.losses_of("A2", "water") == []
    assert r.losses_of("A3", "water") == [(24.0, INF)]
    assert r.losses_of("A1", "water") == [(24.0, INF)]
    assert r.outages_of("H") == [(24.0, INF)]
    assert r.outages_of("W") == [(24.0, INF)]
    assert r.shed == ()
    v = c.pair_of("V", "water")
    assert r.peak_load is not None
    assert r.peak_load[v] == 6.0  # D 1 + A2 5


def test_a_cut_consumer_whose_backup_has_no_room_is_shed_until_the_primary_is_back() -> None:
    """The same with V's capacity 5 (room 4 next to D): A2's 5 does not fit, V sheds it, and
    A2 is without water from 4, the start of the manual mode; W fails at 24, so A2 stays
    without (its primary is down). With control repaired at 10, W is back to full at 10: the
    cut ends, and A2 has water again from 10."""
    c, inp = _manual_control_case(5.0)
    r = run_process(c, [Damage("C", 0.0)], 72.0, inp)
    assert r.losses_of("A2", "water") == [(4.0, INF)]
    a2 = c.pair_of("A2", "water")
    assert r.shed == ((a2, 4.0, INF),)
    r2 = run_process(c, [Damage("C", 0.0, repair_h=10.0)], 72.0, inp)
    assert r2.losses_of("A2", "water") == [(4.0, 10.0)]
    assert r2.shed == ((a2, 4.0, 10.0),)
    assert [(a, b) for _, a, b in r2.cut] == [(4.0, 10.0)]
    assert r2.outages_of("W") == []
    assert r2.losses_of("A1", "water") == []


def _crossing_case(capacity: float) -> tuple[CompiledModel, ProcessInputs]:
    """Bridge B carries the road to district roads R (3), which serve area A; crossing X is
    R's backup and serves area S (4) as primary; X's capacity is ``capacity``. Roads
    congest (carry on above capacity). Resource "data" stands in for road access."""
    m = build_model(
        [("B", "R", "data"), ("X", "R", "data", "backup"), ("X", "S", "data"),
         ("R", "A", "data")],
        areas=["A", "S"],
    )  # fmt: skip
    c = compile_model(m)
    flows = {("B", "R"): 3.0, ("X", "S"): 4.0, ("R", "A"): 3.0}
    flow = np.zeros(c.n_links)
    for lk in range(c.n_links):
        key = (c.node_ids[int(c.pair_node[c.link_src[lk]])],
               c.node_ids[int(c.pair_node[c.link_dst[lk]])])  # fmt: skip
        if not c.link_backup[lk]:
            flow[lk] = flows.get(key, 0.0)
    cap = np.full(c.n_pairs, np.nan)
    x = c.pair_of("X", "data")
    assert x is not None
    cap[x] = capacity
    loads = LoadInputs(flow, cap, np.full(c.n_pairs, Overload.CONGEST, dtype=np.int8),
                       np.zeros(c.n_pairs, dtype=np.int64))  # fmt: skip
    return c, ProcessInputs(np.zeros(c.n_nodes), np.full(c.n_pairs, -1, dtype=np.int64),
                            loads=loads)  # fmt: skip


def test_a_closed_bridge_hinders_by_detour() -> None:
    """B closes at 0 for 10 h. R keeps its road through the backup X: it is detoured, and so
    is A behind it (hindered 10 h, nobody without the road). S, X's own area, keeps its
    route: not hindered, whether X carries the extra load within its capacity (8) or above
    it (5: congested, which the peak load shows; delay of others is not counted)."""
    for capacity in (5.0, 8.0):
        c, inp = _crossing_case(capacity)
        r = run_process(c, [Damage("B", 0.0, repair_h=10.0)], 24.0, inp)
        a, s = c.pair_of("A", "data"), c.pair_of("S", "data")
        assert r.hinder_hours is not None
        assert r.losses_of("A", "data") == []
        assert r.hinder_hours[a] == 10.0
        assert r.hinder_hours[s] == 0.0
        x = c.pair_of("X", "data")
        assert r.peak_load is not None
        assert r.peak_load[x] == 7.0


def test_an_area_loses_a_share_only_inside_its_condition() -> None:
    """Area A is drained by pumping stations P1 and P2 (either will do) and needs drainage
    only while it rains. P1 loses its grid at 0 for good and is down from 0 (no buffer).
    On a dry day A loses nothing; with rain from 5 to 8 A loses the half behind P1 for
    those 3 h: 1.5 share-hours."""
    m = build_model(
        [("G", "P1", "el"), ("P1", "A", "data"), ("P2", "A", "data")],
        requirements=[("P1", "el", 0.0, 1)],
        areas=["A"],
    )
    c = compile_model(m)
    a = c.pair_of("A", "data")
    assert a is not None
    dry = run_process(c, [Damage("G", 0.0)], 24.0, _inputs(c, conditions={("A", "data"): ()}))
    assert dry.outages_of("P1") == [(0.0, INF)]
    assert dry.share_hours is not None
    assert dry.share_hours[a] == 0.0
    rain = _inputs(c, conditions={("A", "data"): ((5.0, 8.0),)})
    wet = run_process(c, [Damage("G", 0.0)], 24.0, rain)
    assert wet.share_hours is not None
    assert wet.share_hours[a] == 1.5
    assert wet.losses_of("A", "data") == []
