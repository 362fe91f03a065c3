"""On a local Dask cluster (two worker processes on the loopback interface) a sweep and an
ensemble give exactly what they give in process."""

from __future__ import annotations

import numpy as np
import pytest

from vitaal.engine.compile import CompiledModel
from vitaal.engine.criticality import sweep_criticality
from vitaal.engine.distributed import dask_runner
from vitaal.engine.ensemble import EnsembleSpec, run_ensemble, sample_scenarios
from vitaal.engine.synthetic import SyntheticCity
from vitaal.errors import VitaalError

pytest.importorskip("distributed")


def test_dask_equals_in_process(city: SyntheticCity, city_compiled: CompiledModel) -> None:
    table = city.impact_table(city_compiled)
    sc = sample_scenarios(EnsembleSpec(n_scenarios=120, seed=4), city.exposure())
    a = sweep_criticality(city_compiled, table, 72.0, chunk_size=400, pairs_top=4)
    e = run_ensemble(city_compiled, table, sc, 72.0, chunk_size=25)
    seen: list[tuple[int, int]] = []
    with dask_runner(workers=2, progress=lambda d, n: seen.append((d, n))) as run:
        b = sweep_criticality(city_compiled, table, 72.0, chunk_size=400, pairs_top=4, runner=run)
        f = run_ensemble(city_compiled, table, sc, 72.0, chunk_size=25, runner=run)
    for x, y in ((a.singles, b.singles), (a.pairs, b.pairs), (e.summary, f.summary)):
        assert x is not None
        assert y is not None
        assert np.array_equal(x.ints, y.ints)
        assert np.array_equal(x.floats, y.floats)
        assert np.array_equal(x.systems, y.systems)
        assert np.array_equal(x.fail_weight, y.fail_weight)
        assert np.array_equal(x.person_hours_weight, y.person_hours_weight)
    assert np.array_equal(a.rank, b.rank)
    assert e.expected_annual == f.expected_annual
    assert (8, 8) in seen
    assert (5, 5) in seen


def test_runner_needs_one_place() -> None:
    with pytest.raises(VitaalError, match="either a scheduler"), dask_runner():
        pass
    with (
        pytest.raises(VitaalError, match="either a scheduler"),
        dask_runner(scheduler="tcp://127.0.0.1:1", workers=1),
    ):
        pass
