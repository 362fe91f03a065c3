"""Hand-worked cascades; each test says how its answer was worked out (docs/engine.md shows
the same cases)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from tests.engine.builders import build_model
from vitaal.engine import (
    CauseCode,
    CompiledModel,
    InitialFailure,
    PairRole,
    compile_model,
    run_cascade,
)
from vitaal.errors import ModelError, ScenarioError
from vitaal.model import Quantity

INF = math.inf


def test_chain_with_buffers() -> None:
    """Grid G -> substation S -> mobile mast M (battery 4 h) -> area A (data); S also feeds
    hospital H, whose generator lasts 72 h. G fails at 2 h.

    S is a carrier of el with buffer 0: it receives nothing from 2 and fails at 2, order 2,
    cause SUPPLIER G. M loses el at 2 (the path through S is cut by G's failure: cause PATH,
    cause node G, via S) and fails at 2 + 4 = 6, order 2. A loses data when M fails, at 6,
    cause SUPPLIER M, order 3. H loses el at 2, but 2 + 72 is beyond the 48 h horizon.
    """
    model = build_model(
        [("G", "S", "el"), ("S", "M", "el"), ("M", "A", "data"), ("S", "H", "el")],
        requirements=[("M", "el", 4.0, 1), ("H", "el", 72.0, 1)],
        areas=["A"],
        critical_functions=["H"],
    )
    res = run_cascade(compile_model(model), [InitialFailure("G", 2.0)], 48.0)
    assert {v: res.fail_time_of(v) for v in res.node_ids} == {
        "G": 2.0,
        "S": 2.0,
        "M": 6.0,
        "A": 6.0,
        "H": INF,
    }
    assert [res.step(v).order for v in ("G", "S", "M", "A", "H")] == [1, 2, 2, 3, 0]
    m = res.step("M")
    assert (m.cause, m.resource, m.via) == (CauseCode.PATH, "el", "S")
    assert res.step("S").cause is CauseCode.SUPPLIER
    a = res.step("A")
    assert (a.cause, a.resource, a.via) == (CauseCode.SUPPLIER, "data", "M")
    assert res.chain("A") == ["A", "M", "G"]
    assert res.chain("H") == []
    assert res.receive_time_of("H", "el") == 2.0
    assert res.service_lost_of("H") == {"el": 2.0}
    assert res.service_lost_of("A") == {"data": 6.0}
    assert res.failed() == ["G", "S", "M", "A"]
    # rows: consumers (A, then H) x resources (el, water, control, data)
    lost = res.service_lost()
    assert lost.shape == (2, 4)
    assert lost[0].tolist() == [INF, INF, INF, 6.0]
    assert lost[1].tolist() == [2.0, INF, INF, INF]


def test_nothing_happens_without_events() -> None:
    """Greatest fixed point: with no initial failure nothing fails, loops included."""
    model = build_model(
        [("GS", "SCADA", "el"), ("SCADA", "GS", "control"), ("GS", "A", "el")], areas=["A"]
    )
    res = run_cascade(compile_model(model), [], 100.0)
    assert np.all(np.isinf(res.fail_time))
    assert np.all(res.order == 0)


def test_k_of_n_redundancy() -> None:
    """C needs 2 of its 3 feeders. F1 fails at 1: two still deliver, C works. F2 fails at 3:
    one left, fewer than k = 2, so C stops receiving at 3 and (buffer 0) fails at 3 with cause
    SUPPLIER F2, the supplier whose loss broke k."""
    model = build_model(
        [("F1", "C", "el"), ("F2", "C", "el"), ("F3", "C", "el", "backup")],
        requirements=[("C", "el", 0.0, 2)],
    )
    res = run_cascade(
        compile_model(model), [InitialFailure("F1", 1.0), InitialFailure("F2", 3.0)], 10.0
    )
    assert res.fail_time_of("C") == 3.0
    assert res.receive_time_of("C", "el") == 3.0
    s = res.step("C")
    assert (s.cause, s.via, s.order) == (CauseCode.SUPPLIER, "F2", 2)
    # one loss only: C keeps working to the horizon
    res1 = run_cascade(compile_model(model), [InitialFailure("F1", 1.0)], 10.0)
    assert res1.fail_time_of("C") == INF
    assert res1.receive_time_of("C", "el") == INF


def _ring(with_tower: bool) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, float]]]:
    """Plants P1, P2 feed mains M1 and M3 of a meshed ring M1-M2-M3-M4-M1 (links both ways);
    area A1 hangs off M1, A3 off M3; tower T sits on M2 (filled by it, supplying back)."""
    ring = ["M1", "M2", "M3", "M4"]
    links = [("P1", "M1", "water"), ("P2", "M3", "water")]
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        links += [(a, b, "water"), (b, a, "water")]
    links += [("M1", "A1", "water"), ("M3", "A3", "water")]
    stores = []
    if with_tower:
        links += [("M2", "T", "water"), ("T", "M2", "water")]
        stores = [("T", "water", 6.0)]
    return links, stores


def test_meshed_ring_cut_off_from_both_plants_carries_nothing() -> None:
    """Both plants fail at 0. Every main still "works" and each is fed by its neighbours,
    but no supply traces back to a producer: the least solution gives received = 0 all
    round, so mains and areas fail at 0 (cause PATH or SUPPLIER, order 2)."""
    links, _ = _ring(False)
    model = build_model(links, areas=["A1", "A3"])
    res = run_cascade(
        compile_model(model), [InitialFailure("P1", 0.0), InitialFailure("P2", 0.0)], 24.0
    )
    for v in ("M1", "M2", "M3", "M4", "A1", "A3"):
        assert res.fail_time_of(v) == 0.0, v
        assert res.step(v).order == 2
        assert res.receive_time_of(v, "water") == 0.0
    # one plant is enough for the whole mesh
    res1 = run_cascade(compile_model(model), [InitialFailure("P1", 0.0)], 24.0)
    assert [res1.fail_time_of(v) for v in ("M1", "M2", "M4", "A1", "A3")] == [INF] * 5


def test_tower_in_the_ring_supplies_for_its_autonomy() -> None:
    """As above, with tower T (autonomy 6 h) on M2. Both plants fail at 0: T stops receiving
    from producers at 0 (received0 = 0) and supplies on until 0 + 6 = 6; through the mesh it
    reaches every main and both areas, which therefore receive until 6 and fail at 6 with
    cause STORE (cause node: a plant, whose failure cut the tower off; order 2). The tower's
    own water from its stock also ends at 6."""
    links, stores = _ring(True)
    model = build_model(links, stores=stores, areas=["A1", "A3"])
    cm = compile_model(model)
    t_pair = cm.pair_of("T", "water")
    assert t_pair is not None
    assert cm.pair_role[t_pair] == PairRole.STORE
    res = run_cascade(cm, [InitialFailure("P1", 0.0), InitialFailure("P2", 0.0)], 24.0)
    for v in ("M1", "M2", "M3", "M4", "A1", "A3", "T"):
        assert res.fail_time_of(v) == 6.0, v
    a1 = res.step("A1")
    assert (a1.cause, a1.order, a1.via) == (CauseCode.STORE, 2, "M1")
    assert res.chain("A1")[1] in ("P1", "P2")
    assert res.receive_time_of("A1", "water") == 6.0
    # by the formulas the tower "receives" until 6 too: its own water, back from M2 (M2's
    # only source is the tower); what ends its autonomy is received0 = 0, producer supply
    assert res.receive_time_of("T", "water") == 6.0
    assert res.service_lost_of("A3") == {"water": 6.0}
    # with a horizon of 4 h the tower outlasts the run
    res4 = run_cascade(cm, [InitialFailure("P1", 0.0), InitialFailure("P2", 0.0)], 4.0)
    assert res4.fail_time_of("A1") == INF


def test_stores_do_not_refill_each_other() -> None:
    """Plant P -> reservoir R1 (autonomy 10) -> tower R2 (autonomy 2) -> area A. P fails at
    0. R2's autonomy counts from received0 = 0, when producer supply stopped, not from when
    R1 ran dry: R2 delivers max(received = 10, 0 + 2) = 10, so A fails at 10, not 12."""
    model = build_model(
        [("P", "R1", "water"), ("R1", "R2", "water"), ("R2", "A", "water")],
        stores=[("R1", "water", 10.0), ("R2", "water", 2.0)],
        areas=["A"],
    )
    res = run_cascade(compile_model(model), [InitialFailure("P", 0.0)], 48.0)
    assert res.fail_time_of("A") == 10.0
    assert res.step("A").cause is CauseCode.STORE


def test_power_control_cycle_fails_after_the_buffer() -> None:
    """Grid station GS produces el and needs control (buffer 2 h); SCADA produces control and
    needs el (UPS 8 h); area A takes el from GS. SCADA fails at 1: GS loses control at 1 and
    fails at 1 + 2 = 3 (order 2, SUPPLIER SCADA), A at 3 (order 3, SUPPLIER GS). The other
    way round: GS fails at 0, SCADA runs on its UPS until 8."""
    model = build_model(
        [("GS", "SCADA", "el"), ("SCADA", "GS", "control"), ("GS", "A", "el")],
        requirements=[("GS", "control", 2.0, 1), ("SCADA", "el", 8.0, 1)],
        areas=["A"],
    )
    cm = compile_model(model)
    res = run_cascade(cm, [InitialFailure("SCADA", 1.0)], 24.0)
    assert (res.fail_time_of("GS"), res.fail_time_of("A")) == (3.0, 3.0)
    gs = res.step("GS")
    assert (gs.cause, gs.resource, gs.order) == (CauseCode.SUPPLIER, "control", 2)
    assert res.chain("A") == ["A", "GS", "SCADA"]
    res2 = run_cascade(cm, [InitialFailure("GS", 0.0)], 24.0)
    assert res2.fail_time_of("SCADA") == 8.0
    assert res2.fail_time_of("A") == 0.0


def _backup_model(backup_capacity: float) -> tuple[CompiledModel, NDArray[np.float64]]:
    model = build_model(
        [("S1", "A", "el"), ("S2", "A", "el", "backup"), ("S2", "B", "el")],
        areas=["A", "B"],
        capacity={
            "S1": {"el": Quantity(20.0, "MW")},
            "S2": {"el": Quantity(backup_capacity, "MW")},
        },
    )
    cm = compile_model(model)
    load = np.zeros((cm.n_nodes, cm.n_resources))
    el = cm.resource_index["el"]
    load[cm.node_index["S1"], el] = 10.0  # all of it to A, its one primary consumer
    load[cm.node_index["S2"], el] = 5.0  # to B; S2 is only A's backup
    return cm, load


def test_backup_without_headroom_fails_with_the_primary() -> None:
    """A draws 10 MW from primary S1; S2 (capacity 12 MW) carries 5 MW for B and is A's
    backup. S1 fails at 1: A's 10 MW move to S2, whose load becomes 15 > 12, so S2 fails at 1
    (OVERLOAD, cause node S1, order 2). Then A has no supplier left and B loses S2: both fail
    at 1; B's cause is S2 (order 3)."""
    cm, load = _backup_model(12.0)
    res = run_cascade(cm, [InitialFailure("S1", 1.0)], 24.0, load=load)
    assert res.fail_time_of("S2") == 1.0
    s2 = res.step("S2")
    assert (s2.cause, s2.via, s2.resource, s2.order) == (CauseCode.OVERLOAD, "S1", "el", 2)
    assert res.fail_time_of("A") == 1.0
    assert res.fail_time_of("B") == 1.0
    b = res.step("B")
    assert (b.cause, b.via, b.order) == (CauseCode.SUPPLIER, "S2", 3)
    assert res.chain("B") == ["B", "S2", "S1"]


def test_backup_with_headroom_takes_the_load() -> None:
    """The same with capacity 20 MW: 15 <= 20, S2 carries A and B on; only S1 fails."""
    cm, load = _backup_model(20.0)
    res = run_cascade(cm, [InitialFailure("S1", 1.0)], 24.0, load=load)
    assert res.failed() == ["S1"]
    assert res.load is not None
    s2 = cm.pair_of("S2", "el")
    assert s2 is not None
    assert res.load[s2] == 15.0
    # without loads capacity plays no part, even at 12 MW
    cm12, _ = _backup_model(12.0)
    assert run_cascade(cm12, [InitialFailure("S1", 1.0)], 24.0).failed() == ["S1"]


def test_unknown_ids_and_bad_input_are_scenario_errors() -> None:
    model = build_model([("G", "S", "el")])
    cm = compile_model(model)
    with pytest.raises(ScenarioError, match="'nope'"):
        run_cascade(cm, [InitialFailure("nope", 0.0)], 10.0)
    with pytest.raises(ScenarioError, match=">= 0"):
        run_cascade(cm, [InitialFailure("G", -1.0)], 10.0)
    with pytest.raises(ScenarioError, match="shape"):
        run_cascade(cm, [], 10.0, load=np.zeros((1, 1)))
    with pytest.raises(ScenarioError, match="horizon"):
        run_cascade(cm, [], -5.0)


def test_supply_without_a_producer_is_a_model_error() -> None:
    """A ring of carriers with no producer receives nothing even before any event."""
    model = build_model([("M1", "M2", "water"), ("M2", "M1", "water"), ("M1", "A", "water")])
    with pytest.raises(ModelError) as err:
        compile_model(model)
    assert len(err.value.problems) == 3  # M1, M2 and A each receive nothing


def test_k_above_n_and_unknown_ids_are_collected() -> None:
    model = build_model(
        [("G", "C", "el"), ("G", "ghost", "el")],
        requirements=[("C", "el", 0.0, 2), ("C", "steam", 0.0, 1)],
    )
    del model.components["ghost"]
    with pytest.raises(ModelError) as err:
        compile_model(model)
    text = "\n".join(map(str, err.value.problems))
    assert "'ghost'" in text
    assert "'steam'" in text
    assert "k=2 with 1 supplier(s)" in text


def test_roles_are_read_off_the_records() -> None:
    model = build_model(
        [("P", "C", "water"), ("C", "T", "water"), ("T", "U", "water")],
        stores=[("T", "water", 3.0), ("P", "water", 5.0)],
    )
    cm = compile_model(model)
    roles = {
        cm.node_ids[int(cm.pair_node[p])]: PairRole(int(cm.pair_role[p])) for p in range(cm.n_pairs)
    }
    # a Store record on a producer is ignored
    assert roles == {
        "P": PairRole.PRODUCER,
        "C": PairRole.CARRIER,
        "T": PairRole.STORE,
        "U": PairRole.SINK,
    }
    t = cm.pair_of("T", "water")
    assert t is not None
    assert cm.pair_autonomy_h[t] == 3.0
    assert cm.pair_of("U", "el") is None
