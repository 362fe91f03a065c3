"""Fixtures of the method tests: the hand-made model and its analysis (computed once)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.method import handmade
from vitaal.method.analysis import run_analysis
from vitaal.model import Model


@pytest.fixture(scope="module")
def model() -> Model:
    return handmade.build()


@pytest.fixture(scope="module")
def analysis(model: Model) -> dict[str, Any]:
    return run_analysis(model).as_dict()


def by_id(rows: list[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in rows}
