"""The examples in the docstrings of every module of vitaal hold: each is run as a doctest.

The store's migration scripts are left out: Alembic runs them, and they cannot be imported on
their own."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import vitaal

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(vitaal.__path__, "vitaal.") if ".migrations" not in m.name
)


def test_every_module_is_found() -> None:
    assert "vitaal.method.results" in MODULES
    assert "vitaal.report.sentences" in MODULES
    assert len(MODULES) > 100


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} fail"
