"""Common-cause couplings in batches: a case's failures take the coupled members along exactly
as a scenario's do (``initial_failures`` / ``common_cause_failures``).

The expansion on arrays against ``common_cause_failures`` read by ``run_cascade``'s own
reading of events, on random models with random couplings and random hits (events, hazards,
floods, several times); the criticality sweep's single failures against ``run_cascade`` of
``initial_failures`` of a one-event scenario; ensemble scenarios against ``run_cascade`` of
their sampled failures plus ``common_cause_failures``, with loads, on the Rotterdam example.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tests.scale.conftest import Example
from tests.scale.test_exact import assert_summary_is
from tests.scale.test_loads_in_batches import random_loaded_model
from vitaal.engine import CauseCode, InitialFailure, compile_model, run_cascade
from vitaal.engine.cascade import _initial_arrays
from vitaal.engine.criticality import (
    coupling_index,
    impact_table,
    sweep_criticality,
    with_common_causes,
)
from vitaal.engine.ensemble import (
    EnsembleSpec,
    FloodSpec,
    RandomSpec,
    exposure_from_model,
    run_ensemble,
    sample_scenarios,
)
from vitaal.engine.hazard import common_cause_failures, initial_failures
from vitaal.model import Coupling, CouplingKind, Event, Model, Scenario

KINDS = (
    CouplingKind.CO_LOCATION,
    CouplingKind.SAME_STRUCTURE,
    CouplingKind.FLOOD_ZONE,
    CouplingKind.SHARED_CONTROL,
)


def with_random_couplings(model: Model, rng: np.random.Generator) -> Model:
    comps = list(model.components)
    couplings = {}
    for i in range(int(rng.integers(0, 5))):
        size = int(rng.integers(1, min(4, len(comps)) + 1))
        members = tuple(rng.choice(comps, size=size, replace=False).tolist())
        kind = KINDS[int(rng.integers(0, len(KINDS)))]
        couplings[f"cpl{i}"] = Coupling(id=f"cpl{i}", kind=kind, members=members)
    return dataclasses.replace(model, couplings=couplings)


def test_expansion_equals_common_cause_failures_on_random_models() -> None:
    rng = np.random.default_rng(3)
    taken = 0
    for _ in range(600):
        model, _loads, _events, _h = random_loaded_model(rng)
        model = with_random_couplings(model, rng)
        cm = compile_model(model)
        cpl = coupling_index(model, cm)
        comps = np.flatnonzero(cm.node_kind == 0)
        ptr = [0]
        nodes: list[int] = []
        times: list[float] = []
        causes: list[int] = []
        flood: list[bool] = []
        # a hazard hit that only stops what reaches its limit (heat) takes no co-location or
        # same-structure member along; events and floods damage
        damages: list[bool] = []
        for _c in range(5):
            hit = rng.choice(
                comps, size=int(rng.integers(0, min(4, comps.size) + 1)), replace=False
            )
            for v in hit.tolist():
                nodes.append(v)
                times.append(float(rng.integers(0, 3)))
                cause = CauseCode.EVENT if rng.random() < 0.5 else CauseCode.HAZARD
                causes.append(int(cause))
                flood.append(cause is CauseCode.HAZARD and bool(rng.random() < 0.6))
                damages.append(cause is CauseCode.EVENT or flood[-1] or bool(rng.random() < 0.5))
            ptr.append(len(nodes))
        got = with_common_causes(
            cpl,
            np.asarray(ptr, dtype=np.int64),
            np.asarray(nodes, dtype=np.int64),
            case_time=np.asarray(times),
            case_cause=np.asarray(causes, dtype=np.int8),
            case_flood=np.asarray(flood, dtype=np.bool_),
            case_damages=np.asarray(damages, dtype=np.bool_),
        )
        for c in range(len(ptr) - 1):
            hits = [
                InitialFailure(cm.node_ids[nodes[i]], times[i], CauseCode(causes[i]))
                for i in range(ptr[c], ptr[c + 1])
            ]
            floods = [hits[i - ptr[c]] for i in range(ptr[c], ptr[c + 1]) if flood[i]]
            damaging = [hits[i - ptr[c]] for i in range(ptr[c], ptr[c + 1]) if damages[i]]
            common = common_cause_failures(model, damaging, floods)
            want = _initial_arrays(cm, hits + common)
            lo, hi = int(got.case_ptr[c]), int(got.case_ptr[c + 1])
            taken += hi - lo - len(hits)
            assert np.array_equal(got.node[lo:hi], want[0])
            assert np.array_equal(got.time[lo:hi], want[1])
            assert np.array_equal(got.cause[lo:hi], want[2])
            assert np.array_equal(got.cnode[lo:hi], want[3])
    assert taken > 200


def test_sweep_with_couplings_and_loads_on_random_models() -> None:
    rng = np.random.default_rng(11)
    common = 0
    for _ in range(150):
        model, loads, _events, horizon = random_loaded_model(rng)
        model = with_random_couplings(model, rng)
        cm = compile_model(model)
        res = sweep_criticality(
            cm,
            impact_table(model, cm),
            horizon,
            chunk_size=4,
            pairs_top=3,
            couplings=coupling_index(model, cm),
            **loads,
        )
        for i, v in enumerate(res.candidates.tolist()):
            sc = Scenario(id="s", name="s", events=(Event(target=cm.node_ids[v]),))
            events = initial_failures(model, sc, compiled=cm)
            common += len(events) - 1
            assert_summary_is(model, cm, res.singles, i, run_cascade(cm, events, horizon, **loads))
        for i, (a, b) in enumerate(res.pair_nodes.tolist()):
            sc = Scenario(
                id="s",
                name="s",
                events=(Event(target=cm.node_ids[a]), Event(target=cm.node_ids[b])),
            )
            events = initial_failures(model, sc, compiled=cm)
            assert res.pairs is not None
            assert_summary_is(model, cm, res.pairs, i, run_cascade(cm, events, horizon, **loads))
    assert common > 50


def test_sweep_single_failures_take_members_along_on_rotterdam(rotterdam: Example) -> None:
    model, cm, inputs = rotterdam.model, rotterdam.compiled, rotterdam.inputs
    cpl = coupling_index(model, cm)
    res = sweep_criticality(cm, impact_table(model, cm), 72.0, couplings=cpl, **inputs)
    members = {m for c in model.couplings.values() for m in c.members}
    rng = np.random.default_rng(2)
    sample = {i for i, v in enumerate(res.candidates.tolist()) if cm.node_ids[v] in members}
    sample |= set(rng.choice(res.candidates.size, size=40, replace=False).tolist())
    sample |= set(res.rank[:5].tolist())
    taken = 0
    for i in sorted(sample):
        v = int(res.candidates[i])
        sc = Scenario(id="s", name="s", events=(Event(target=cm.node_ids[v]),))
        events = initial_failures(model, sc, compiled=cm)
        taken += len(events) - 1
        assert_summary_is(model, cm, res.singles, i, run_cascade(cm, events, 72.0, **inputs))
    assert taken >= 10


def test_ensemble_with_couplings_and_loads_on_rotterdam(rotterdam: Example) -> None:
    model, cm, inputs = rotterdam.model, rotterdam.compiled, rotterdam.inputs
    spec = EnsembleSpec(
        n_scenarios=160,
        seed=9,
        flood=FloodSpec(share=0.5, spots=3.0, correlation_length_m=600.0),
        random=RandomSpec(share=0.3, probability_by_condition=(0.01,) * 6),
    )
    sc = sample_scenarios(spec, exposure_from_model(model, cm))
    res = run_ensemble(
        cm,
        impact_table(model, cm),
        sc,
        48.0,
        chunk_size=17,
        couplings=coupling_index(model, cm),
        **inputs,
    )
    flood_zone = {c.id for c in model.couplings.values() if c.kind is CouplingKind.FLOOD_ZONE}
    n_common = 0
    by_flood_zone = 0
    for i in range(sc.n):
        nodes = sc.case_node[sc.case_ptr[i] : sc.case_ptr[i + 1]].tolist()
        cause = CauseCode.EVENT if sc.kind[i] == 2 else CauseCode.HAZARD
        hits = [InitialFailure(cm.node_ids[v], 0.0, cause) for v in nodes]
        # a heat wave (kind 1) stops what reaches its limit: it takes nothing along
        damaging = hits if sc.kind[i] != 1 else []
        common = common_cause_failures(model, damaging, hits if sc.kind[i] == 0 else [])
        n_common += len(common)
        by_flood_zone += sum(1 for f in common if f.detail and f.detail.split()[-1] in flood_zone)
        full = run_cascade(cm, hits + common, 48.0, **inputs)
        assert_summary_is(model, cm, res.summary, i, full)
    assert n_common > 20
    assert by_flood_zone > 0
