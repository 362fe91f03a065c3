"""Shared fixtures of the scale tests: small synthetic cities, as arrays and as records; the
bundled Rotterdam example with the loads the main job runs it with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
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
    #: ``load``, ``capacity``, ``link_load`` as the batch commands give them to ``run_cascade``
    inputs: dict[str, Any]
    #: the model folder
    folder: Path


@pytest.fixture(scope="session")
def rotterdam(tmp_path_factory: pytest.TempPathFactory) -> Example:
    """The bundled example with electricity tripping on overload (``on_overload: fail``), so
    that the batch cascades' trip rule is exercised on a real city (the example itself sheds,
    which the batch cascades count as congestion)."""
    import shutil

    from vitaal.cli.sources import load, parse_source
    from vitaal.engine.capacity import project_capacity
    from vitaal.method.scenario_run import capacity_inputs

    src = Path(__file__).resolve().parents[2] / "examples" / "rotterdam"
    folder = tmp_path_factory.mktemp("rotterdam-trips") / "rotterdam"
    shutil.copytree(src, folder)
    res = folder / "resources.yaml"
    text = res.read_text(encoding="utf-8")
    head = "- id: electricity\n  name: Electricity\n  name_nl: Elektriciteit\n  unit: MW\n"
    assert head in text
    res.write_text(text.replace(head, head + "  on_overload: fail\n"), encoding="utf-8")
    model = load(parse_source(str(folder)), progress=False)
    cm = compile_model(model)
    cap = project_capacity(model, None, years=[model.info.base_year], compiled=cm)
    return Example(model, cm, capacity_inputs(model, cm, cap), folder)
