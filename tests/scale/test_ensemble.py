"""Ensembles: sampling is deterministic and the hazards do what they say; every scenario's
summary is the plain cascade's; the risk figures are the weighted sums they claim to be."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.scale.test_exact import assert_summary_is
from vitaal.engine import InitialFailure, run_cascade
from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import CompiledModel
from vitaal.engine.criticality import impact_table, in_process_runner
from vitaal.engine.ensemble import (
    EnsembleSpec,
    FloodSpec,
    HeatSpec,
    RandomSpec,
    exposure_from_model,
    run_ensemble,
    sample_scenarios,
    spec_from_mapping,
)
from vitaal.engine.synthetic import SyntheticCity
from vitaal.errors import ScenarioError
from vitaal.model import Model

SPEC = EnsembleSpec(n_scenarios=240, seed=11)


def test_sampling_is_deterministic(city: SyntheticCity) -> None:
    a = sample_scenarios(SPEC, city.exposure())
    b = sample_scenarios(SPEC, city.exposure())
    c = sample_scenarios(EnsembleSpec(n_scenarios=240, seed=12), city.exposure())
    assert np.array_equal(a.case_node, b.case_node)
    assert np.array_equal(a.weight, b.weight)
    assert not np.array_equal(a.case_node, c.case_node)
    assert a.n == 240
    assert np.bincount(a.kind).tolist() == [96, 48, 96]


def test_weights_are_annual_frequencies(city: SyntheticCity) -> None:
    sc = sample_scenarios(SPEC, city.exposure())
    flood = sc.kind == 0
    # strata between the return periods add up to 1 / the shortest one
    assert sc.weight[flood].sum() == pytest.approx(1 / 10.0)
    assert sc.weight[sc.kind == 1].sum() == pytest.approx(1 / 2.0)
    assert sc.weight[sc.kind == 2].sum() == pytest.approx(12.0)
    assert np.all(sc.return_period[flood] >= 10.0)
    assert np.all(np.isnan(sc.return_period[sc.kind == 2]))


def test_hazards_hit_what_their_thresholds_say(city: SyntheticCity) -> None:
    ex = city.exposure()
    # floods only take components with a flood threshold, heat those with a heat threshold
    sc = sample_scenarios(EnsembleSpec(n_scenarios=200, seed=3), ex)
    for k, thr in ((0, ex.flood_threshold_m), (1, ex.heat_threshold_c)):
        idx = np.flatnonzero(sc.kind == k)
        nodes = np.concatenate([sc.case_node[sc.case_ptr[i] : sc.case_ptr[i + 1]] for i in idx])
        assert nodes.size > 0
        assert np.all(np.isfinite(thr[nodes]))
    # rarer floods are deeper: they take more
    idx = np.flatnonzero(sc.kind == 0)
    size = np.diff(sc.case_ptr)[idx]
    rp = sc.return_period[idx]
    assert size[rp >= 300].mean() > size[rp < 30].mean()
    # a heat wave of 20 degC takes nothing; one of 60 degC everything with a threshold
    for peak, want in ((20.0, 0), (60.0, int(np.isfinite(ex.heat_threshold_c).sum()))):
        only_heat = EnsembleSpec(
            n_scenarios=2,
            flood=None,
            random=None,
            heat=HeatSpec(share=1, return_periods=(10.0,), peak_temperature_c=(peak,)),
        )
        s = sample_scenarios(only_heat, ex)
        assert np.diff(s.case_ptr).tolist() == [want, want]
    # random failures: poor condition fails more often
    only_random = EnsembleSpec(
        n_scenarios=300,
        flood=None,
        heat=None,
        random=RandomSpec(share=1, probability_by_condition=(0, 0, 0, 0, 0, 0.05)),
    )
    s = sample_scenarios(only_random, ex)
    assert set(ex.condition[s.case_node].tolist()) == {6}
    expected = 0.05 * np.count_nonzero(ex.condition == 6)
    assert np.diff(s.case_ptr).mean() == pytest.approx(expected, rel=0.1)


def test_ensemble_equals_plain_cascades(
    city: SyntheticCity, city_model: Model, city_compiled: CompiledModel
) -> None:
    cm = city_compiled
    table = impact_table(city_model, cm)
    sc = sample_scenarios(SPEC, city.exposure())
    res = run_ensemble(cm, table, sc, 48.0, chunk_size=37)
    rate = np.zeros(cm.n_nodes)
    count = np.zeros(cm.n_nodes, dtype=np.int64)
    ph_area = np.zeros(cm.n_nodes)
    for i in range(sc.n):
        nodes = sc.case_node[sc.case_ptr[i] : sc.case_ptr[i + 1]]
        cause = CauseCode.HAZARD if sc.kind[i] < 2 else CauseCode.EVENT
        events = [InitialFailure(cm.node_ids[v], 0.0, cause) for v in nodes.tolist()]
        full = run_cascade(cm, events, 48.0)
        assert_summary_is(city_model, cm, res.summary, i, full)
        failed = np.isfinite(full.fail_time)
        rate[failed] += sc.weight[i]
        count[failed] += 1
        lost = full.service_lost()
        first = int(np.count_nonzero(cm.node_kind == 0))
        for a in range(city.n_areas):
            v = first + a
            worst = 0.0
            for p in range(int(cm.node_ptr[v]), int(cm.node_ptr[v + 1])):
                start = lost[a, int(cm.pair_resource[p])] + float(cm.pair_buffer_h[p])
                if math.isfinite(start) and start < 48.0:
                    worst = max(worst, 48.0 - start)
            ph_area[v] += sc.weight[i] * (city.population[a] * worst)
    assert np.allclose(res.failure_rate, rate, rtol=1e-12, atol=0)
    assert np.array_equal(res.conditional_probability, count / sc.n)
    assert np.allclose(res.person_hours, ph_area, rtol=1e-12, atol=0)
    assert np.allclose(res.failure_probability, 1 - np.exp(-rate), rtol=1e-12, atol=1e-300)
    eai = float(np.sum(sc.weight * res.summary.floats[:, 1]))
    assert res.expected_annual["person_hours"] == pytest.approx(eai, rel=1e-12)
    top = res.drivers(5)
    assert res.contribution[top[0]] == res.contribution.max()
    assert np.all(np.diff(res.contribution[top]) <= 0)


def test_threads_give_the_same_numbers(city: SyntheticCity, city_compiled: CompiledModel) -> None:
    table = city.impact_table(city_compiled)
    sc = sample_scenarios(SPEC, city.exposure())
    a = run_ensemble(city_compiled, table, sc, 72.0, chunk_size=40)
    b = run_ensemble(city_compiled, table, sc, 72.0, chunk_size=40, runner=in_process_runner(2))
    assert np.array_equal(a.failure_rate, b.failure_rate)
    assert np.array_equal(a.person_hours, b.person_hours)
    assert a.expected_annual == b.expected_annual


def test_exposure_from_records_matches_the_arrays(
    city: SyntheticCity, city_model: Model, city_compiled: CompiledModel
) -> None:
    ex_m = exposure_from_model(city_model, city_compiled)
    ex_a = city.exposure()
    assert np.array_equal(ex_m.flood_threshold_m, ex_a.flood_threshold_m, equal_nan=True)
    assert np.array_equal(ex_m.heat_threshold_c, ex_a.heat_threshold_c, equal_nan=True)
    assert np.array_equal(ex_m.condition, ex_a.condition)
    assert np.allclose(ex_m.x[: city.n_components], ex_a.x[: city.n_components], atol=0.06)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"n_scenario": 3}, "unknown ensemble key"),
        ({"hazards": {"quake": {}}}, "must map some of"),
        ({"hazards": {"flood": {"depth": 1}}}, "unknown setting"),
        ({"hazards": {"flood": {"return_periods": [100, 10]}}}, "must rise"),
        ({"hazards": {"heat": {"peak_temperature_c": [30]}}}, "one peak_temperature_c"),
        ({"hazards": {"random": {"probability_by_condition": [0.1]}}}, "needs 6 values"),
        ({"n_scenarios": 0}, "n_scenarios must be"),
        ({"hazards": {"random": {"share": 0}}}, "shares"),
    ],
)
def test_spec_problems(data: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        spec_from_mapping(data)


def test_spec_defaults() -> None:
    spec = spec_from_mapping({"n_scenarios": 10, "hazards": {"flood": {"spots": 1}}})
    assert spec.flood == FloodSpec(spots=1.0)
    assert spec.heat is None
    assert spec.random is None
