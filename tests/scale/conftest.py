"""Shared fixtures of the scale tests: small synthetic cities, as arrays and as records; the
bundled Rotterdam example with the loads the main job runs it with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from vitaal.engine.compile import CompiledModel, compile_model
from vitaal.engine.synthetic import SyntheticCity, synthetic_city
from vitaal.model import Model


@pytest.fixture(scope="session")
def city() -> SyntheticCity:
    return synthetic_city(3000, seed=7)


@pytest.fixture(scope="session")
def city_model(city: SyntheticCity) -> Model:
    return city.to_model()


@pytest.fixture(scope="session")
def city_compiled(city_model: Model) -> CompiledModel:
    return compile_model(city_model)


@dataclass(frozen=True, eq=False)
class Example:
    model: Model
    compiled: CompiledModel
    #: ``load``, ``capacity``, ``link_load`` as ``run_scenario`` gives them to ``run_cascade``
    inputs: dict[str, Any]


@pytest.fixture(scope="session")
def rotterdam() -> Example:
    from vitaal.cli.sources import load, parse_source
    from vitaal.engine.capacity import project_capacity
    from vitaal.method.scenario_run import capacity_inputs

    model = load(parse_source("example:rotterdam"), progress=False)
    cm = compile_model(model)
    cap = project_capacity(model, None, years=[model.info.base_year], compiled=cm)
    return Example(model, cm, capacity_inputs(model, cm, cap))
