"""A short run of ``scripts/crash_safety.py``: imports killed at random moments leave the SQLite
store at its last committed version, reading back as the model that made it, chain intact
(the long run of 200 kills per backend: ``docs/reliability.md``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "crash_safety.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crash_safety", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_killed_imports_leave_the_last_committed_version() -> None:
    outcomes, failures = _script().run_backend("sqlite", kills=4, seed=11)
    assert failures == []
    killed = sum(n for what, n in outcomes.items() if what.startswith("killed"))
    assert killed >= 4
    assert outcomes["finished"] >= 2  # the rounds that measure a write were not killed
