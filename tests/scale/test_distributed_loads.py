"""With loads and couplings (the Rotterdam example), a sweep and an ensemble on a local Dask
cluster give exactly what they give in process."""

from __future__ import annotations

import numpy as np
import pytest

from tests.scale.conftest import Example
from vitaal.engine.criticality import coupling_index, impact_table, sweep_criticality
from vitaal.engine.distributed import dask_runner
from vitaal.engine.ensemble import EnsembleSpec, exposure_from_model, run_ensemble, sample_scenarios

pytest.importorskip("distributed")


def test_dask_equals_in_process_with_loads_and_couplings(rotterdam: Example) -> None:
    model, cm, inputs = rotterdam.model, rotterdam.compiled, rotterdam.inputs
    table = impact_table(model, cm)
    cpl = coupling_index(model, cm)
    sc = sample_scenarios(EnsembleSpec(n_scenarios=120, seed=4), exposure_from_model(model, cm))
    kw = {"couplings": cpl, **inputs}
    a = sweep_criticality(cm, table, 72.0, chunk_size=900, pairs_top=5, **kw)
    e = run_ensemble(cm, table, sc, 72.0, chunk_size=25, **kw)
    with dask_runner(workers=2) as run:
        b = sweep_criticality(cm, table, 72.0, chunk_size=900, pairs_top=5, runner=run, **kw)
        f = run_ensemble(cm, table, sc, 72.0, chunk_size=25, runner=run, **kw)
    for x, y in ((a.singles, b.singles), (a.pairs, b.pairs), (e.summary, f.summary)):
        assert x is not None
        assert y is not None
        assert np.array_equal(x.ints, y.ints)
        assert np.array_equal(x.floats, y.floats)
        assert np.array_equal(x.systems, y.systems)
        assert np.array_equal(x.fail_weight, y.fail_weight)
        assert np.array_equal(x.person_hours_weight, y.person_hours_weight)
        assert np.array_equal(x.fail_count, y.fail_count)
    assert np.array_equal(a.rank, b.rank)
    assert e.expected_annual == f.expected_annual
    # the loads and couplings are in play: the sweep differs from one without them
    plain = sweep_criticality(cm, table, 72.0, chunk_size=900)
    assert not np.array_equal(plain.singles.ints, a.singles.ints)
