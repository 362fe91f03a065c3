"""Shared fixtures of the scale tests: small synthetic cities, as arrays and as records."""

from __future__ import annotations

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
